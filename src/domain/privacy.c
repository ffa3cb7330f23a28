/* SPDX-License-Identifier: Apache-2.0 */
/* Privacy export and erasure; see privacy.h. The parts table lists each
 * kind of data about a person with how to export it and how to erase it;
 * a module that stores more about people adds one entry to it. */
#include "domain/privacy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/duplicates.h"
#include "domain/merge.h"
#include "domain/relation.h"
#include "domain/search.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/xmalloc.h"

/* The neutral texts that replace what was said, in the organisation's
 * language (stored data, not interface text). */
struct neutral {
	const char *lang, *person, *interaction, *task;
};
static const struct neutral neutrals[] = {
	{"nl", "Gewiste persoon #%lld", "Gewist contactmoment", "Gewiste taak"},
	{"en", "Erased person #%lld", "Erased interaction", "Erased task"},
};

/* Sub-queries naming what is about person ?: their interactions and the
 * tasks about them or about their interactions. Each takes (org, id). */
#define THEIR_INTERACTIONS "SELECT id FROM interactions WHERE org_id = ? AND person_id = ?"
#define THEIR_TASKS                                                                                \
	"SELECT id FROM tasks WHERE org_id = ? AND (relation_id = ? OR interaction_id IN ("         \
	THEIR_INTERACTIONS "))"
#define THEIR_AUDIT                                                                                \
	" WHERE org_id = ? AND ((object_type = 'relation' AND object_id = ?)"        \
	" OR (object_type = 'interaction' AND object_id IN (" THEIR_INTERACTIONS "))"              \
	" OR (object_type = 'task' AND object_id IN (" THEIR_TASKS ")))"
#define ARGS_AUDIT(o, i) DB_ARGS(DB_I(o), DB_I(i), DB_I(o), DB_I(i), DB_I(o), DB_I(i), DB_I(o), DB_I(i))

/* Every row of sql as an array of objects in *out. */
static int rows(struct db *db, json_t **out, const char *sql, const struct db_arg *args, size_t n)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r, sql, args, n);
	json_t *a = rc ? NULL : db_rows_json(r, &rc);
	db_rows_free(r);
	if (!rc)
		*out = a;
	return rc;
}

static int export_interactions(struct db *db, int64_t org, int64_t id, json_t **out)
{
	return rows(db, out,
		    "SELECT i.id, i.channel, i.direction, i.occurred_at, i.duration_s, i.subject,"
		    " i.summary, i.outcome, i.source, i.created_at,"
		    " (SELECT r.name FROM relations r WHERE r.org_id = i.org_id AND r.id = i.company_id)"
		    " AS company_name,"
		    " (SELECT u.name FROM users u WHERE u.org_id = i.org_id AND u.id = i.user_id)"
		    " AS handled_by,"
		    " (SELECT x.name FROM interaction_roles x WHERE x.org_id = i.org_id"
		    " AND x.id = i.role_id) AS role"
		    " FROM interactions i WHERE i.org_id = ? AND i.person_id = ?"
		    " ORDER BY i.occurred_at, i.id",
		    DB_ARGS(DB_I(org), DB_I(id)));
}

static int export_tasks(struct db *db, int64_t org, int64_t id, json_t **out)
{
	return rows(db, out,
		    "SELECT t.id, t.title, t.notes, t.status, t.due, t.interaction_id, t.created_at,"
		    " t.done_at, (SELECT u.name FROM users u WHERE u.org_id = t.org_id"
		    " AND u.id = t.assignee_id) AS assignee"
		    " FROM tasks t WHERE t.org_id = ? AND t.id IN (" THEIR_TASKS ") ORDER BY t.id",
		    DB_ARGS(DB_I(org), DB_I(org), DB_I(id), DB_I(org), DB_I(id)));
}

static int export_custom(struct db *db, int64_t org, int64_t id, json_t **out)
{
	return rows(db, out,
		    "SELECT f.name, f.label, v.value FROM custom_values v JOIN custom_fields f"
		    " ON f.org_id = v.org_id AND f.id = v.field_id WHERE v.org_id = ?"
		    " AND v.relation_id = ? ORDER BY f.position, f.id",
		    DB_ARGS(DB_I(org), DB_I(id)));
}

static int export_audit(struct db *db, int64_t org, int64_t id, json_t **out)
{
	json_t *a = NULL;
	int rc = rows(db, &a,
		      "SELECT id, at, actor, action, object_type, object_id, details FROM audit_log"
		      THEIR_AUDIT
		      " ORDER BY id",
		      ARGS_AUDIT(org, id));
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e) {
		/* details is stored as JSON text: hand it out as an object */
		json_t *d = json_loads(jx_str(e, "details"), 0, NULL);
		json_object_set_new(e, "details", d ? d : json_object());
	}
	if (!rc)
		*out = a;
	return rc;
}

/* Erasers: each takes (org, id, the neutral texts) and counts what it
 * changed in *n. */
static int erase_points(struct db *db, int64_t org, int64_t id, const struct neutral *t,
			int64_t *n)
{
	(void)t;
	int rc = db_exec(db, "DELETE FROM contact_points WHERE org_id = ? AND relation_id = ?",
			 DB_ARGS(DB_I(org), DB_I(id)));
	*n = rc ? 0 : db_changes(db);
	return rc;
}

static int erase_tags(struct db *db, int64_t org, int64_t id, const struct neutral *t,
		      int64_t *n)
{
	(void)t;
	int rc = db_exec(db, "DELETE FROM relation_tags WHERE org_id = ? AND relation_id = ?",
			 DB_ARGS(DB_I(org), DB_I(id)));
	*n = rc ? 0 : db_changes(db);
	return rc;
}

static int erase_custom(struct db *db, int64_t org, int64_t id, const struct neutral *t,
			int64_t *n)
{
	(void)t;
	int rc = db_exec(db, "DELETE FROM custom_values WHERE org_id = ? AND relation_id = ?",
			 DB_ARGS(DB_I(org), DB_I(id)));
	*n = rc ? 0 : db_changes(db);
	return rc;
}

/* What was said goes; channel, direction, time, duration, handler, role
 * and outcome stay, so counts and averages do not change. */
static int erase_interactions(struct db *db, int64_t org, int64_t id, const struct neutral *t,
			      int64_t *n)
{
	/* their terms go through search_forget, which lowers the terms'
	 * frequencies too */
	struct db_rows *r = NULL;
	int64_t *ids = NULL;
	size_t nids = 0;
	int rc = db_query(db, &r, THEIR_INTERACTIONS, DB_ARGS(DB_I(org), DB_I(id)));
	int more = 0;
	while (!rc && (more = db_next(r)) == 1) {
		ids = xrealloc(ids, (nids + 1) * sizeof(*ids));
		ids[nids++] = db_int(r, 0);
	}
	if (!rc && more < 0)
		rc = more;
	db_rows_free(r);
	for (size_t i = 0; !rc && i < nids; i++)
		rc = search_forget(db, org, "interaction", ids[i]);
	free(ids);
	if (!rc)
		rc = db_exec(db,
			     "UPDATE interactions SET subject = ?, summary = '', updated_at = ?"
			     " WHERE org_id = ? AND person_id = ?",
			     DB_ARGS(DB_T(t->interaction), DB_I(clock_now_ms()), DB_I(org), DB_I(id)));
	*n = rc ? 0 : db_changes(db);
	return rc;
}

static int erase_tasks(struct db *db, int64_t org, int64_t id, const struct neutral *t,
		       int64_t *n)
{
	int rc = db_exec(db,
			 "UPDATE tasks SET title = ?, notes = '', updated_at = ?"
			 " WHERE org_id = ? AND id IN (" THEIR_TASKS ")",
			 DB_ARGS(DB_T(t->task), DB_I(clock_now_ms()), DB_I(org), DB_I(org), DB_I(id),
				 DB_I(org), DB_I(id)));
	*n = rc ? 0 : db_changes(db);
	return rc;
}

/* The person's survey invitations with what they answered, and the
 * follow-up cases their answers opened with the notes on them. */
static int export_feedback(struct db *db, int64_t org, int64_t id, json_t **out)
{
	json_t *inv = NULL, *cases = NULL;
	int rc = rows(db, &inv,
		      "SELECT i.id, s.name AS survey, i.status, i.skip_reason, i.email, i.lang,"
		      " i.sent_at, i.answered_at, i.completed_at,"
		      " (SELECT COUNT(*) FROM survey_optouts o WHERE o.org_id = i.org_id AND"
		      "  o.relation_id = i.relation_id) AS opted_out"
		      " FROM survey_invitations i JOIN surveys s ON s.org_id = i.org_id AND"
		      " s.id = i.survey_id WHERE i.org_id = ? AND i.relation_id = ? ORDER BY i.id",
		      DB_ARGS(DB_I(org), DB_I(id)));
	size_t k;
	json_t *e;
	json_array_foreach(inv, k, e) {
		json_t *answers = NULL;
		if (!rc)
			rc = rows(db, &answers,
				  "SELECT q.key, q.text_nl, q.text_en, a.score, a.choices, a.text,"
				  " a.answered_at FROM survey_answers a JOIN survey_questions q ON"
				  " q.org_id = a.org_id AND q.id = a.question_id WHERE a.org_id = ? AND"
				  " a.invitation_id = ? ORDER BY q.position",
				  DB_ARGS(DB_I(org), DB_I(jx_int(e, "id", 0))));
		if (answers)
			json_object_set_new(e, "answers", answers);
	}
	if (!rc)
		rc = rows(db, &cases,
			  "SELECT c.id, c.score, c.status, c.due_at, c.created_at, c.resolved_at,"
			  " (SELECT COUNT(*) FROM survey_case_notes n WHERE n.org_id = c.org_id AND"
			  "  n.case_id = c.id) AS notes"
			  " FROM survey_cases c WHERE c.org_id = ? AND c.relation_id = ? ORDER BY c.id",
			  DB_ARGS(DB_I(org), DB_I(id)));
	if (rc) {
		json_decref(inv);
		json_decref(cases);
		return rc;
	}
	*out = json_pack("{s:o,s:o}", "invitations", inv, "cases", cases);
	return 0;
}

/* What they wrote and where they were mailed goes; their scores stay, so
 * results do not change (the themes found in the words stay too: a theme
 * names no one). Notes on their cases go as well. */
static int erase_feedback(struct db *db, int64_t org, int64_t id, const struct neutral *t,
			  int64_t *n)
{
	(void)t;
	int rc = db_exec(db,
			 "UPDATE survey_answers SET text = '' WHERE org_id = ? AND text <> ''"
			 " AND invitation_id IN (SELECT i.id FROM survey_invitations i"
			 " WHERE i.org_id = ? AND i.relation_id = ?)",
			 DB_ARGS(DB_I(org), DB_I(org), DB_I(id)));
	*n = rc ? 0 : db_changes(db);
	if (!rc)
		rc = db_exec(db,
			     "UPDATE survey_invitations SET email = '' WHERE org_id = ? AND relation_id = ?",
			     DB_ARGS(DB_I(org), DB_I(id)));
	if (!rc)
		rc = db_exec(db,
			     "DELETE FROM survey_case_notes WHERE org_id = ? AND case_id IN"
			     " (SELECT c.id FROM survey_cases c WHERE c.org_id = ? AND c.relation_id = ?)",
			     DB_ARGS(DB_I(org), DB_I(org), DB_I(id)));
	return rc;
}

/* Who did what and when stays; the details (names, subjects) go. */
static int erase_audit(struct db *db, int64_t org, int64_t id, const struct neutral *t,
		       int64_t *n)
{
	(void)t;
	int rc = db_exec(db, "UPDATE audit_log SET details = '{\"erased\":true}'" THEIR_AUDIT,
			 ARGS_AUDIT(org, id));
	*n = rc ? 0 : db_changes(db);
	return rc;
}

/* Everything about a person, part by part. Export order is the order of
 * the sections; erasure runs in this order too (the audit part last, so it
 * still finds the tasks and interactions by their links). */
static const struct {
	const char *name;
	int (*export_fn)(struct db *db, int64_t org, int64_t id, json_t **out);
	int (*erase_fn)(struct db *db, int64_t org, int64_t id, const struct neutral *t,
			int64_t *n);
} parts[] = {
	{"contact_points", NULL, erase_points},
	{"tags", NULL, erase_tags},
	{"custom_values", export_custom, erase_custom},
	{"interactions", export_interactions, erase_interactions},
	{"tasks", export_tasks, erase_tasks},
	{"feedback", export_feedback, erase_feedback},
	{"audit", export_audit, erase_audit},
};
#define NPARTS (sizeof(parts) / sizeof(parts[0]))

/* A person of org: BRUG_ENOTFOUND or BRUG_EVALIDATION (an organisation). */
static int check_person(struct db *db, int64_t org, int64_t id, struct brug_err *err)
{
	char kind[16];
	int rc = relation_kind(db, org, id, kind);
	if (rc == BRUG_ENOTFOUND)
		return brug_fail(err, rc, "error.relation_not_found", NULL);
	if (!rc && strcmp(kind, "person"))
		return brug_fail(err, BRUG_EVALIDATION, "privacy.errors.not_a_person", NULL);
	return rc;
}

static int build_export(struct db *db, int64_t org, int64_t id, json_t *doc)
{
	json_t *rel = NULL, *sections = json_object();
	int rc = relation_get(db, org, id, &rel);
	for (size_t i = 0; !rc && i < NPARTS; i++) {
		json_t *part = NULL;
		if (parts[i].export_fn && !(rc = parts[i].export_fn(db, org, id, &part)))
			json_object_set_new(sections, parts[i].name, part);
	}
	if (!rc) {
		json_object_set_new(doc, "relation", rel);
		json_object_set_new(doc, "sections", sections);
		return 0;
	}
	json_decref(rel);
	json_decref(sections);
	return rc;
}

int privacy_export(struct db *db, const struct actor *who, int64_t id, json_t **out,
		   struct brug_err *err)
{
	json_t *doc = json_object();
	jx_set_str(doc, "format", PRIVACY_EXPORT_FORMAT);
	jx_set_time(doc, "exported_at", clock_now_ms());
	int rc = check_person(db, who->org_id, id, err);
	if (!rc)
		rc = build_export(db, who->org_id, id, doc);
	/* who looked at everything about a person is worth knowing */
	if (!rc && !(rc = db_begin(db))) {
		rc = audit_add(db, who, "relation.privacy_export", "relation", id, NULL);
		rc = db_finish(db, rc);
	}
	if (rc) {
		json_decref(doc);
		return rc;
	}
	*out = doc;
	return 0;
}

static const struct neutral *neutral_for(struct db *db, int64_t org)
{
	char *lang = NULL;
	const struct neutral *t = &neutrals[0];
	if (!db_text_query(db, &lang, "SELECT lang FROM orgs WHERE org_id = ?", DB_ARGS(DB_I(org))))
		for (size_t i = 0; i < sizeof(neutrals) / sizeof(neutrals[0]); i++)
			if (!strcmp(lang, neutrals[i].lang))
				t = &neutrals[i];
	free(lang);
	return t;
}

/* The relation row itself: a neutral name, nothing personal, erased_at. */
static int erase_row(struct db *db, int64_t org, int64_t id, const struct neutral *t)
{
	char name[64];
	snprintf(name, sizeof(name), t->person, (long long)id);
	char *key = relation_sort_key(name);
	int64_t now = clock_now_ms();
	int rc = db_exec(db,
			 "UPDATE relations SET name = ?, sort_key = ?, given_name = '',"
			 " family_name = '', job_title = '', notes = '', parent_id = NULL,"
			 " erased_at = ?, updated_at = ? WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_T(name), DB_T(key), DB_I(now), DB_I(now), DB_I(org), DB_I(id)));
	free(key);
	if (!rc)
		rc = search_forget(db, org, "relation", id);
	if (!rc)
		rc = duplicates_forget(db, org, id);
	if (!rc)
		rc = merge_forget(db, org, id);
	return rc;
}

int privacy_erase(struct db *db, const struct actor *who, int64_t id, json_t **counts,
		  struct brug_err *err)
{
	int64_t org = who->org_id;
	json_t *c = json_object();
	int rc = db_begin(db);
	if (rc)
		goto out;
	rc = check_person(db, org, id, err);
	const struct neutral *t = rc ? NULL : neutral_for(db, org);
	for (size_t i = 0; !rc && i < NPARTS; i++) {
		int64_t n = 0;
		if (!(rc = parts[i].erase_fn(db, org, id, t, &n)))
			jx_set_int(c, parts[i].name, n);
	}
	if (!rc)
		rc = erase_row(db, org, id, t);
	if (!rc)
		rc = audit_add(db, who, "relation.erase", "relation", id, json_deep_copy(c));
	rc = db_finish(db, rc);
out:
	if (!rc && counts)
		*counts = c;
	else
		json_decref(c);
	return rc;
}

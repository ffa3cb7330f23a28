/* SPDX-License-Identifier: Apache-2.0 */
/* Interaction rows and the organisation's roles; see interaction.h. */
#include "domain/interaction.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/check.h"
#include "domain/relation.h"
#include "domain/search.h"
#include "domain/survey_invite.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/markdown.h"

const char *const interaction_channels[] = {"phone", "email",  "visit",     "video", "chat",
					    "letter", "social", "community", NULL};
const char *const interaction_directions[] = {"in", "out", NULL};
const char *const interaction_outcomes[] = {"resolved", "follow_up", "escalated", NULL};

static const char *const default_roles[] = {
	"telefonist", "zaakbehandelaar", "clientmanager", "planner", "debiteurenadministratie",
	"servicedesk", "verkoop", NULL};

static int bad(struct brug_err *err, const char *key, const char *field)
{
	return brug_fail(err, BRUG_EVALIDATION, key, field);
}

/* Whether text renders as Markdown: this cmark-gfm parses some shapes in
 * quadratic time, which util/markdown refuses; refused at write time, so
 * a stored summary always shows. */
static bool markdown_renders(const char *text)
{
	char *html = NULL;
	if (!text || !*text)
		return true;
	int rc = markdown_to_html(text, strlen(text), MARKDOWN_SHIFT_HEADINGS, &html);
	free(html);
	return rc == 0;
}

static int check(const struct interaction_in *in, bool create, struct brug_err *err)
{
	if ((create || in->channel) && !check_one_of(in->channel, interaction_channels))
		return bad(err, "error.choice", "channel");
	if (in->direction && !check_one_of(in->direction, interaction_directions))
		return bad(err, "error.choice", "direction");
	if (in->outcome && !check_one_of(in->outcome, interaction_outcomes))
		return bad(err, "error.choice", "outcome");
	if (create && (!in->subject || !*in->subject))
		return bad(err, "error.required", "subject");
	if (in->subject && !*in->subject)
		return bad(err, "error.required", "subject");
	if (!check_text(in->subject, 200, false))
		return bad(err, "error.too_long", "subject");
	if (!check_text(in->summary, 50000, true))
		return bad(err, "error.too_long", "summary");
	if (!markdown_renders(in->summary))
		return bad(err, "error.markdown", "summary");
	if (in->duration_s > 7 * 24 * 3600)
		return bad(err, "error.range", "duration_s");
	if (create && in->person_id <= 0 && in->company_id <= 0)
		return bad(err, "error.interaction_relation", "person_id");
	return 0;
}

/* The person must be a person of org, the company an organisation of org;
 * a person without a company given brings its own organisation along. */
static int check_links(struct db *db, int64_t org, struct interaction_in *in,
		       struct brug_err *err)
{
	char kind[16];
	int rc = 0;
	if (in->person_id > 0) {
		rc = relation_kind(db, org, in->person_id, kind);
		if (rc == BRUG_ENOTFOUND)
			return brug_fail(err, rc, "error.relation_not_found", "person_id");
		if (!rc && strcmp(kind, "person"))
			return bad(err, "error.not_a_person", "person_id");
		if (!rc && in->company_id < 0) {
			int64_t parent = 0;
			int r2 = db_int_query(db, &parent,
					      "SELECT COALESCE(parent_id, 0) FROM relations"
					      " WHERE org_id = ? AND id = ?",
					      DB_ARGS(DB_I(org), DB_I(in->person_id)));
			if (r2 == 0 && parent > 0)
				in->company_id = parent;
		}
	}
	if (!rc && in->company_id > 0) {
		rc = relation_kind(db, org, in->company_id, kind);
		if (rc == BRUG_ENOTFOUND)
			return brug_fail(err, rc, "error.relation_not_found", "company_id");
		if (!rc && strcmp(kind, "organisation"))
			return bad(err, "error.not_an_organisation", "company_id");
	}
	int64_t n = 0;
	if (!rc && in->user_id > 0) {
		rc = db_int_query(db, &n, "SELECT COUNT(*) FROM users WHERE org_id = ? AND id = ?",
				  DB_ARGS(DB_I(org), DB_I(in->user_id)));
		if (!rc && !n)
			return bad(err, "error.user_not_found", "user_id");
	}
	if (!rc && in->role_id > 0) {
		rc = db_int_query(db, &n,
				  "SELECT COUNT(*) FROM interaction_roles WHERE org_id = ? AND id = ?",
				  DB_ARGS(DB_I(org), DB_I(in->role_id)));
		if (!rc && !n)
			return bad(err, "error.role_not_found", "role_id");
	}
	return rc;
}

static json_t *summary(const struct interaction_in *in)
{
	json_t *d = json_object();
	if (in->channel)
		jx_set_str(d, "channel", in->channel);
	if (in->subject)
		jx_set_str(d, "subject", in->subject);
	return d;
}

int interaction_create(struct db *db, const struct actor *who, const struct interaction_in *given,
		       int64_t *id, struct brug_err *err)
{
	struct interaction_in in = *given;
	int rc = check(&in, true, err);
	if (rc)
		return rc;
	if (in.company_id == 0)
		in.company_id = -1; /* may come from the person */
	if (in.user_id == 0)
		in.user_id = who->user_id;
	if ((rc = db_begin(db)))
		return rc;
	rc = check_links(db, who->org_id, &in, err);
	int64_t now = clock_now_ms(), iid = 0;
	if (!rc)
		rc = db_int_query(
			db, &iid,
			"INSERT INTO interactions (org_id, person_id, company_id, channel, direction,"
			" occurred_at, duration_s, user_id, role_id, subject, summary, outcome, source,"
			" created_by, created_at, updated_at)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			DB_ARGS(DB_I(who->org_id), DB_I0(in.person_id > 0 ? in.person_id : 0),
				DB_I0(in.company_id > 0 ? in.company_id : 0), DB_T(in.channel),
				DB_T(in.direction ? in.direction : "in"),
				DB_I(in.occurred_at > 0 ? in.occurred_at : now),
				DB_I(in.duration_s > 0 ? in.duration_s : 0),
				DB_I0(in.user_id > 0 ? in.user_id : 0), DB_I0(in.role_id > 0 ? in.role_id : 0),
				DB_T(in.subject), DB_T(in.summary ? in.summary : ""),
				DB_T(in.outcome ? in.outcome : "resolved"), DB_T(in.source ? in.source : ""),
				DB_I0(who->user_id), DB_I(now), DB_I(now)));
	if (!rc)
		rc = search_index_interaction(db, who->org_id, iid);
	if (!rc)
		rc = survey_invite_on_interaction(db, who->org_id, iid,
						  in.person_id > 0 ? in.person_id : 0, in.channel,
						  in.role_id > 0 ? in.role_id : 0);
	if (!rc)
		rc = audit_add(db, who, "interaction.create", "interaction", iid, summary(&in));
	rc = db_finish(db, rc);
	if (!rc)
		*id = iid;
	return rc;
}

int interaction_update(struct db *db, const struct actor *who, int64_t id,
		       const struct interaction_in *given, struct brug_err *err)
{
	struct interaction_in in = *given;
	int rc = check(&in, false, err);
	if (rc)
		return rc;
	if ((rc = db_begin(db)))
		return rc;
	int64_t n = 0;
	rc = db_int_query(db, &n, "SELECT COUNT(*) FROM interactions WHERE org_id = ? AND id = ?",
			  DB_ARGS(DB_I(who->org_id), DB_I(id)));
	if (!rc && !n)
		rc = brug_fail(err, BRUG_ENOTFOUND, "error.interaction_not_found", NULL);
	if (!rc)
		rc = check_links(db, who->org_id, &in, err);
	if (!rc)
		rc = db_exec(
			db,
			"UPDATE interactions SET"
			" person_id = CASE WHEN ? < 0 THEN person_id ELSE ? END,"
			" company_id = CASE WHEN ? < 0 THEN company_id ELSE ? END,"
			" channel = COALESCE(?, channel), direction = COALESCE(?, direction),"
			" outcome = COALESCE(?, outcome),"
			" occurred_at = CASE WHEN ? <= 0 THEN occurred_at ELSE ? END,"
			" duration_s = CASE WHEN ? < 0 THEN duration_s ELSE ? END,"
			" user_id = CASE WHEN ? < 0 THEN user_id ELSE ? END,"
			" role_id = CASE WHEN ? < 0 THEN role_id ELSE ? END,"
			" subject = COALESCE(?, subject), summary = COALESCE(?, summary), updated_at = ?"
			" WHERE org_id = ? AND id = ?",
			DB_ARGS(DB_I(in.person_id), DB_I0(in.person_id > 0 ? in.person_id : 0),
				DB_I(in.company_id), DB_I0(in.company_id > 0 ? in.company_id : 0),
				DB_T(in.channel), DB_T(in.direction), DB_T(in.outcome), DB_I(in.occurred_at),
				DB_I(in.occurred_at), DB_I(in.duration_s), DB_I(in.duration_s),
				DB_I(in.user_id), DB_I0(in.user_id > 0 ? in.user_id : 0), DB_I(in.role_id),
				DB_I0(in.role_id > 0 ? in.role_id : 0), DB_T(in.subject), DB_T(in.summary),
				DB_I(clock_now_ms()), DB_I(who->org_id), DB_I(id)));
	if (!rc) {
		int64_t left = 0;
		rc = db_int_query(db, &left,
				  "SELECT COUNT(*) FROM interactions WHERE org_id = ? AND id = ?"
				  " AND person_id IS NULL AND company_id IS NULL",
				  DB_ARGS(DB_I(who->org_id), DB_I(id)));
		if (!rc && left)
			rc = bad(err, "error.interaction_relation", "person_id");
	}
	if (!rc)
		rc = search_index_interaction(db, who->org_id, id);
	if (!rc)
		rc = audit_add(db, who, "interaction.update", "interaction", id, summary(&in));
	return db_finish(db, rc);
}

#define COLUMNS                                                                                    \
	"i.id, i.person_id, i.company_id, i.channel, i.direction, i.occurred_at, i.duration_s,"   \
	" i.user_id, i.role_id, i.subject, i.outcome, i.source, i.created_at, i.updated_at,"       \
	" (SELECT r.name FROM relations r WHERE r.org_id = i.org_id AND r.id = i.person_id)"      \
	" AS person_name,"                                                                         \
	" (SELECT r.name FROM relations r WHERE r.org_id = i.org_id AND r.id = i.company_id)"     \
	" AS company_name,"                                                                        \
	" (SELECT u.name FROM users u WHERE u.org_id = i.org_id AND u.id = i.user_id)"            \
	" AS user_name,"                                                                           \
	" (SELECT x.name FROM interaction_roles x WHERE x.org_id = i.org_id AND x.id = i.role_id)" \
	" AS role_name"

int interaction_get(struct db *db, int64_t org, int64_t id, json_t **out)
{
	struct db_rows *r = NULL;
	json_t *it = NULL;
	int rc = db_query(db, &r,
			  "SELECT " COLUMNS ", i.summary FROM interactions i"
			  " WHERE i.org_id = ? AND i.id = ?",
			  DB_ARGS(DB_I(org), DB_I(id)));
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1)
		it = db_row_json(r);
	db_rows_free(r);
	if (rc <= 0)
		return rc == 0 ? BRUG_ENOTFOUND : rc;
	const char *md = jx_str(it, "summary");
	char *html = NULL;
	if (md && *md && markdown_to_html(md, strlen(md), MARKDOWN_SHIFT_HEADINGS, &html) == 0)
		jx_set_str(it, "summary_html", html);
	free(html);
	*out = it;
	return 0;
}

int interaction_list(struct db *db, int64_t org, const struct interaction_filter *f,
		     json_t **out)
{
	struct buf from;
	buf_init(&from, 0);
	struct db_arg args[10];
	size_t n = 0;
	buf_adds(&from, " FROM interactions i WHERE i.org_id = ?");
	args[n++] = DB_I(org);
	if (f->relation_id) {
		buf_adds(&from, " AND (i.person_id = ? OR i.company_id = ?)");
		args[n++] = DB_I(f->relation_id);
		args[n++] = DB_I(f->relation_id);
	}
	if (f->user_id) {
		buf_adds(&from, " AND i.user_id = ?");
		args[n++] = DB_I(f->user_id);
	}
	if (f->role_id) {
		buf_adds(&from, " AND i.role_id = ?");
		args[n++] = DB_I(f->role_id);
	}
	if (f->channel) {
		buf_adds(&from, " AND i.channel = ?");
		args[n++] = DB_T(f->channel);
	}
	if (f->outcome) {
		buf_adds(&from, " AND i.outcome = ?");
		args[n++] = DB_T(f->outcome);
	}
	if (f->from) {
		buf_adds(&from, " AND i.occurred_at >= ?");
		args[n++] = DB_I(f->from);
	}
	if (f->to) {
		buf_adds(&from, " AND i.occurred_at < ?");
		args[n++] = DB_I(f->to);
	}
	int rc = listing_query(db, COLUMNS, buf_str(&from), "ORDER BY i.occurred_at DESC, i.id DESC",
			       args, n, f->page, out);
	buf_cleanup(&from);
	return rc;
}

int interaction_roles(struct db *db, int64_t org, json_t **out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT id, name, archived_at IS NOT NULL AS is_archived"
			  " FROM interaction_roles WHERE org_id = ? ORDER BY position, id",
			  DB_ARGS(DB_I(org)));
	json_t *a = rc ? NULL : db_rows_json(r, &rc);
	db_rows_free(r);
	if (!rc)
		*out = a;
	return rc;
}

int interaction_roles_seed(struct db *db, int64_t org)
{
	int rc = 0;
	for (int i = 0; !rc && default_roles[i]; i++)
		rc = db_exec(db,
			     "INSERT INTO interaction_roles (org_id, name, position, created_at)"
			     " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
			     DB_ARGS(DB_I(org), DB_T(default_roles[i]), DB_I(i + 1),
				     DB_I(clock_now_ms())));
	return rc;
}

int interaction_role_add(struct db *db, const struct actor *who, const char *name, int64_t *id,
			 struct brug_err *err)
{
	if (!name || !*name)
		return bad(err, "error.required", "name");
	if (!check_text(name, 60, false))
		return bad(err, "error.too_long", "name");
	int rc = db_begin(db);
	if (rc)
		return rc;
	int64_t rid = 0;
	rc = db_int_query(db, &rid,
			  "INSERT INTO interaction_roles (org_id, name, position, created_at)"
			  " VALUES (?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM"
			  " interaction_roles WHERE org_id = ?), ?) RETURNING id",
			  DB_ARGS(DB_I(who->org_id), DB_T(name), DB_I(who->org_id),
				  DB_I(clock_now_ms())));
	if (rc == BRUG_ECONFLICT)
		brug_fail(err, rc, "error.role_taken", "name");
	if (!rc) {
		json_t *d = json_object();
		jx_set_str(d, "name", name);
		rc = audit_add(db, who, "interaction_role.create", "interaction_role", rid, d);
	}
	rc = db_finish(db, rc);
	if (!rc)
		*id = rid;
	return rc;
}

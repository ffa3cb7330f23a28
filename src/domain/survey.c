/* SPDX-License-Identifier: Apache-2.0 */
/* Survey rows: creation (empty or from a template), the status rules and
 * the kind's settings; see survey.h. Questions live in survey_question.c. */
#include "domain/survey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/jobs.h"
#include "domain/audit.h"
#include "domain/check.h"
#include "domain/interaction.h"
#include "domain/survey_question.h"
#include "domain/survey_template.h"
#include "util/clock.h"
#include "util/cron.h"
#include "util/jx.h"
#include "util/tz.h"

static const char *const kinds[] = {"relationship", "transactional", "link", NULL};
static const char *const statuses[] = {"draft", "active", "closed", NULL};
static const char *const relation_types[] = {"customer", "prospect", "supplier", "partner", NULL};

static int bad(struct brug_err *err, const char *key, const char *field)
{
	return brug_fail(err, BRUG_EVALIDATION, key, field);
}

/* A list of at most 50 distinct names (of set, when set is given). */
static bool name_list(const json_t *v, const char *const *set)
{
	if (!json_is_array(v) || json_array_size(v) > 50)
		return false;
	for (size_t i = 0; i < json_array_size(v); i++) {
		const char *s = json_string_value(json_array_get(v, i));
		if (!s || !*s || !check_text(s, 100, false) || (set && !check_one_of(s, set)))
			return false;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s, json_string_value(json_array_get(v, j))))
				return false;
	}
	return true;
}

/* A cron expression that parses and fires at some time. */
static int check_schedule(const json_t *v, struct brug_err *err)
{
	struct cron *c = NULL;
	struct brug_err why = {0};
	if (!json_is_string(v) || cron_parse(json_string_value(v), &c, &why))
		return brug_failf(err, BRUG_EVALIDATION, "error.survey_schedule", "settings", "%s",
				  json_is_string(v) ? why.detail : "schedule is not a string");
	bool fires = cron_next(c, tz_get("UTC"), 0) >= 0;
	cron_free(c);
	if (!fires)
		return brug_failf(err, BRUG_EVALIDATION, "error.survey_schedule", "settings",
				  "%s never fires", json_string_value(v));
	return 0;
}

int survey_settings_check(const char *kind, const json_t *settings, struct brug_err *err)
{
	if (!json_is_object(settings))
		return bad(err, "error.survey_settings", "settings");
	const char *k;
	json_t *v;
	bool rel = !strcmp(kind, "relationship"), tx = !strcmp(kind, "transactional");
	json_object_foreach((json_t *)settings, k, v) {
		bool ok = false;
		if (rel && !strcmp(k, "relation_types"))
			ok = name_list(v, relation_types);
		else if (rel && !strcmp(k, "tags"))
			ok = name_list(v, NULL);
		else if (rel && !strcmp(k, "schedule")) {
			int rc = check_schedule(v, err);
			if (rc)
				return rc;
			ok = true;
		} else if (rel && !strcmp(k, "owner_id"))
			ok = json_is_integer(v) && json_integer_value(v) > 0;
		else if (tx && !strcmp(k, "delay_hours"))
			ok = json_is_integer(v) && json_integer_value(v) >= 0 &&
			     json_integer_value(v) <= 720;
		else if (tx && !strcmp(k, "channels"))
			ok = name_list(v, interaction_channels);
		else if (tx && !strcmp(k, "roles"))
			ok = name_list(v, NULL);
		if (!ok)
			return bad(err, "error.survey_settings", "settings");
	}
	return 0;
}

/* The checks of a whole survey (after merging an update). */
static int check_fields(const struct survey_fields *f, struct brug_err *err)
{
	if (!f->name || !*f->name)
		return bad(err, "error.required", "name");
	if (!check_text(f->name, SURVEY_NAME_MAX, false))
		return bad(err, "error.too_long", "name");
	if (!check_one_of(f->kind, kinds))
		return bad(err, "error.choice", "kind");
	if (!check_one_of(f->status, statuses))
		return bad(err, "error.choice", "status");
	const char *texts[] = {f->intro_nl, f->intro_en, f->thanks_nl, f->thanks_en};
	static const char *const names[] = {"intro_nl", "intro_en", "thanks_nl", "thanks_en"};
	for (int i = 0; i < 4; i++)
		if (!check_text(texts[i], SURVEY_TEXT_MAX, true))
			return bad(err, "error.too_long", names[i]);
	return survey_settings_check(f->kind, f->settings, err);
}

static int check_user(struct db *db, int64_t org, int64_t user, const char *field,
		      struct brug_err *err)
{
	int64_t n = 0;
	int rc = db_int_query(db, &n, "SELECT COUNT(*) FROM users WHERE org_id = ? AND id = ?",
			      DB_ARGS(DB_I(org), DB_I(user)));
	if (!rc && !n)
		rc = bad(err, "error.user_not_found", field);
	return rc;
}

static int check_owner(struct db *db, int64_t org, int64_t owner, struct brug_err *err)
{
	return check_user(db, org, owner, "owner_id", err);
}

static void schedule_name(int64_t id, char name[48])
{
	snprintf(name, 48, "survey.%lld", (long long)id);
}

/* In the survey's transaction: an active relationship survey with a
 * schedule in its settings has its "survey.wave" schedule; any other has
 * none. The selection's owner (settings owner_id) must be org's user. */
static int schedule_sync(struct db *db, int64_t org, int64_t id, const struct survey_fields *m,
			 struct brug_err *err)
{
	char name[48], payload[64];
	const char *cron = jx_str(m->settings, "schedule");
	int64_t sel_owner = jx_int(m->settings, "owner_id", 0);
	int rc = sel_owner ? check_user(db, org, sel_owner, "settings", err) : 0;
	if (rc)
		return rc;
	schedule_name(id, name);
	if (!cron || strcmp(m->kind, "relationship") || strcmp(m->status, "active"))
		return schedule_remove(db, org, name);
	snprintf(payload, sizeof(payload), "{\"survey_id\":%lld}", (long long)id);
	rc = schedule_ensure(db, org, name, "survey.wave", payload, cron, err);
	/* settings were checked: only the organisation's clock can refuse it */
	if (rc == BRUG_EINVAL)
		rc = brug_failf(err, BRUG_EVALIDATION, "error.survey_schedule", "settings", "%s",
				err ? err->detail : cron);
	return rc;
}

static const char *pick(const char *a, const json_t *t, const char *k)
{
	const char *s = a ? a : jx_str(t, k);
	return s ? s : "";
}

/* Inserts the template's questions into survey. */
static int add_template_questions(struct db *db, int64_t org, int64_t survey, json_t *tpl,
				  struct brug_err *err)
{
	json_t *q;
	size_t i;
	int rc = 0;
	json_array_foreach(json_object_get(tpl, "questions"), i, q) {
		struct survey_question_fields qf = {
			.key = jx_str(q, "key"),
			.type = jx_str(q, "type"),
			.required = jx_bool(q, "required", false),
			.text_nl = jx_str(q, "text_nl"),
			.text_en = jx_str(q, "text_en"),
			.options = json_object_get(q, "options"),
		};
		int64_t qid;
		if ((rc = survey_question_insert(db, org, survey, &qf, &qid, err)))
			break;
	}
	return rc;
}

static int insert_survey(struct db *db, const struct actor *who, const struct survey_fields *m,
			 const char *template, int64_t *id)
{
	int64_t now = clock_now_ms();
	char *settings = jx_dumps(m->settings);
	int rc = db_int_query(
		db, id,
		"INSERT INTO surveys (org_id, name, kind, status, template, owner_id, intro_nl,"
		" intro_en, thanks_nl, thanks_en, settings, created_by, created_at, updated_at)"
		" VALUES (?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		DB_ARGS(DB_I(who->org_id), DB_T(m->name), DB_T(m->kind), DB_T(template),
			DB_I0(m->owner_id), DB_T(m->intro_nl), DB_T(m->intro_en), DB_T(m->thanks_nl),
			DB_T(m->thanks_en), DB_T(settings), DB_I0(who->user_id), DB_I(now),
			DB_I(now)));
	free(settings);
	return rc;
}

int survey_create(struct db *db, const struct actor *who, const struct survey_fields *f,
		  const char *template, int64_t *id, struct brug_err *err)
{
	json_t *tpl = NULL, *empty = json_object();
	int64_t sid = 0;
	int rc = 0;
	if (template && *template && !(tpl = survey_template_get(template))) {
		rc = bad(err, "error.survey_template", "template");
		goto out;
	}
	struct survey_fields m = {
		.name = f->name,
		.kind = f->kind ? f->kind : jx_str(tpl, "kind"),
		.status = "draft",
		.intro_nl = pick(f->intro_nl, tpl, "intro_nl"),
		.intro_en = pick(f->intro_en, tpl, "intro_en"),
		.thanks_nl = pick(f->thanks_nl, tpl, "thanks_nl"),
		.thanks_en = pick(f->thanks_en, tpl, "thanks_en"),
		.owner_id = f->owner_id ? f->owner_id : who->user_id,
		.settings = f->settings ? f->settings : empty,
	};
	if (f->status && strcmp(f->status, "draft"))
		rc = brug_fail(err, BRUG_EVALIDATION, "error.survey_new_status", "status");
	if (!rc)
		rc = check_fields(&m, err);
	if (rc || (rc = db_begin(db)))
		goto out;
	if (m.owner_id)
		rc = check_owner(db, who->org_id, m.owner_id, err);
	if (!rc)
		rc = insert_survey(db, who, &m, tpl ? template : "", &sid);
	if (!rc && tpl)
		rc = add_template_questions(db, who->org_id, sid, tpl, err);
	if (!rc) /* a new survey is a draft: this checks the settings' owner */
		rc = schedule_sync(db, who->org_id, sid, &m, err);
	if (!rc)
		rc = audit_add(db, who, "survey.create", "survey", sid,
			       json_pack("{s:s,s:s,s:s}", "name", m.name, "kind", m.kind,
					 "template", tpl ? template : ""));
	rc = db_finish(db, rc);
	if (!rc)
		*id = sid;
out:
	json_decref(tpl);
	json_decref(empty);
	return rc;
}

int survey_get(struct db *db, int64_t org, int64_t id, json_t **out)
{
	struct db_rows *r = NULL;
	json_t *s = NULL, *questions = NULL;
	int rc = db_query(db, &r,
			  "SELECT s.id, s.name, s.kind, s.status, s.template, s.owner_id,"
			  " u.name AS owner_name, s.intro_nl, s.intro_en, s.thanks_nl, s.thanks_en,"
			  " s.settings, s.created_by, s.created_at, s.updated_at FROM surveys s"
			  " LEFT JOIN users u ON u.org_id = s.org_id AND u.id = s.owner_id"
			  " WHERE s.org_id = ? AND s.id = ?",
			  DB_ARGS(DB_I(org), DB_I(id)));
	if (!rc)
		rc = db_next(r);
	if (rc == 1)
		s = db_row_json(r);
	db_rows_free(r);
	if (rc <= 0)
		return rc == 0 ? BRUG_ENOTFOUND : rc;
	json_t *set = json_loads(jx_str(s, "settings"), 0, NULL);
	json_object_set_new(s, "settings", json_is_object(set) ? set : json_object());
	if (set && !json_is_object(set))
		json_decref(set);
	if ((rc = survey_question_list(db, org, id, &questions))) {
		json_decref(s);
		return rc;
	}
	json_t *live = json_array(), *retired = json_array(), *q;
	size_t i;
	json_array_foreach(questions, i, q)
		json_array_append(json_is_null(json_object_get(q, "retired_at")) ? live : retired, q);
	json_decref(questions);
	json_object_set_new(s, "questions", live);
	json_object_set_new(s, "retired", retired);
	char name[48];
	int64_t next = 0;
	schedule_name(id, name);
	rc = schedule_next_at(db, org, name, &next);
	char iso[40];
	clock_iso8601(next, iso, sizeof(iso));
	json_object_set_new(s, "schedule_next_at", rc ? json_null() : json_string(iso));
	if (rc && rc != BRUG_ENOTFOUND) {
		json_decref(s);
		return rc;
	}
	*out = s;
	return 0;
}

int survey_list(struct db *db, int64_t org, const char *status, struct listing page,
		json_t **out)
{
	const char *cols = "s.id, s.name, s.kind, s.status, s.template, s.owner_id, s.created_at,"
			   " s.updated_at, (SELECT COUNT(*) FROM survey_questions q WHERE"
			   " q.org_id = s.org_id AND q.survey_id = s.id AND q.retired_at IS NULL)"
			   " AS questions";
	if (status)
		return listing_query(db, cols, " FROM surveys s WHERE s.org_id = ? AND s.status = ?",
				     "ORDER BY s.id DESC", DB_ARGS(DB_I(org), DB_T(status)), page,
				     out);
	return listing_query(db, cols, " FROM surveys s WHERE s.org_id = ?", "ORDER BY s.id DESC",
			     DB_ARGS(DB_I(org)), page, out);
}

/* Whether the survey may go from status a to status b. */
static bool status_move_ok(const char *a, const char *b)
{
	return !strcmp(a, b) || (!strcmp(a, "draft") && !strcmp(b, "active")) ||
	       (!strcmp(a, "active") && !strcmp(b, "closed")) ||
	       (!strcmp(a, "closed") && !strcmp(b, "active"));
}

/* The rules between the stored survey (old) and the merged one (m). */
static int check_change(struct db *db, int64_t org, const json_t *old,
			const struct survey_fields *m, struct brug_err *err)
{
	const char *was = jx_str(old, "status");
	if (!status_move_ok(was, m->status))
		return brug_fail(err, BRUG_ECONFLICT, "error.survey_status", "status");
	if (strcmp(was, "draft") && strcmp(m->kind, jx_str(old, "kind")))
		return brug_fail(err, BRUG_ECONFLICT, "error.survey_frozen_kind", "kind");
	if (strcmp(was, "active") && !strcmp(m->status, "active")) {
		/* a retired question does not count: it is asked no more */
		size_t i, live = 0;
		json_t *q;
		json_array_foreach(json_object_get(old, "questions"), i, q)
			live += json_is_null(json_object_get(q, "retired_at"));
		if (!live)
			return brug_fail(err, BRUG_ECONFLICT, "error.survey_no_questions", "status");
	}
	return m->owner_id ? check_owner(db, org, m->owner_id, err) : 0;
}

int survey_lock(struct db *db, int64_t org, int64_t id)
{
	char name[64];
	snprintf(name, sizeof(name), "brug.survey.%lld.%lld", (long long)org, (long long)id);
	return db_lock(db, name);
}

int survey_update(struct db *db, const struct actor *who, int64_t id, const struct survey_fields *f,
		  struct brug_err *err)
{
	json_t *old = NULL;
	char *settings = NULL;
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = survey_lock(db, who->org_id, id);
	if (!rc)
		rc = survey_get(db, who->org_id, id, &old);
	if (rc == BRUG_ENOTFOUND)
		brug_fail(err, rc, "error.survey_not_found", NULL);
	if (rc)
		goto out;
	struct survey_fields m = {
		.name = pick(f->name, old, "name"),
		.kind = pick(f->kind, old, "kind"),
		.status = pick(f->status, old, "status"),
		.intro_nl = pick(f->intro_nl, old, "intro_nl"),
		.intro_en = pick(f->intro_en, old, "intro_en"),
		.thanks_nl = pick(f->thanks_nl, old, "thanks_nl"),
		.thanks_en = pick(f->thanks_en, old, "thanks_en"),
		.owner_id = f->owner_id ? f->owner_id : jx_int(old, "owner_id", 0),
		.settings = f->settings ? f->settings : json_object_get(old, "settings"),
	};
	if ((rc = check_fields(&m, err)) || (rc = check_change(db, who->org_id, old, &m, err)))
		goto out;
	settings = jx_dumps(m.settings);
	rc = db_exec(db,
		     "UPDATE surveys SET name = ?, kind = ?, status = ?, owner_id = ?, intro_nl = ?,"
		     " intro_en = ?, thanks_nl = ?, thanks_en = ?, settings = ?"
		     " WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_T(m.name), DB_T(m.kind), DB_T(m.status), DB_I0(m.owner_id),
			     DB_T(m.intro_nl), DB_T(m.intro_en), DB_T(m.thanks_nl), DB_T(m.thanks_en),
			     DB_T(settings), DB_I(who->org_id), DB_I(id)));
	if (!rc)
		rc = survey_touch(db, who->org_id, id);
	if (!rc)
		rc = schedule_sync(db, who->org_id, id, &m, err);
	if (!rc)
		rc = audit_add(db, who, "survey.update", "survey", id,
			       json_pack("{s:s,s:s,s:s}", "name", m.name, "kind", m.kind, "status",
					 m.status));
out:
	free(settings);
	json_decref(old);
	return db_finish(db, rc);
}

int survey_touch(struct db *db, int64_t org, int64_t survey)
{
	int64_t now = clock_now_ms();
	return db_exec(db,
		       "UPDATE surveys SET updated_at = CASE WHEN updated_at >= ? THEN updated_at + 1"
		       " ELSE ? END WHERE org_id = ? AND id = ?",
		       DB_ARGS(DB_I(now), DB_I(now), DB_I(org), DB_I(survey)));
}

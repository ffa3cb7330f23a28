/* SPDX-License-Identifier: Apache-2.0 */
/* Loading an invitation for its answer page and saving its answers (see
 * survey_answer.h). Value checks per question type are in
 * survey_answer_value.c, the aggregate difference in survey_answer_agg.c. */
#include "domain/survey_answer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/feedback_config.h"
#include "domain/survey_answer_impl.h"
#include "domain/survey_case.h"
#include "domain/survey_question.h"
#include "domain/survey_text.h"
#include "domain/webhook.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/xmalloc.h"

#define NULL_INT ((struct db_arg){.type = DBT_NULL, .null_as = DBT_INT})

/* One invitation with what answering it depends on. */
struct inv {
	int64_t org, survey, relation, handler, role;
	int64_t expires_at, answered_at, completed_at, opened_at;
	int64_t version; /* the survey's updated_at: changes with its questions */
	char status[16], lang[4], survey_status[16], kind[16], channel[32];
	char *dims, *zone;
};

static void inv_cleanup(struct inv *v)
{
	free(v->dims);
	free(v->zone);
}

static int inv_load(struct db *db, int64_t id, struct inv *v)
{
	memset(v, 0, sizeof(*v));
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT i.org_id, i.survey_id, i.relation_id, i.handler_id, i.role_id,"
			  " i.expires_at, i.answered_at, i.completed_at, i.opened_at, i.status, i.lang,"
			  " s.status, s.kind, i.channel, i.dims, o.timezone, s.updated_at"
			  " FROM survey_invitations i"
			  " JOIN surveys s ON s.org_id = i.org_id AND s.id = i.survey_id"
			  " JOIN orgs o ON o.org_id = i.org_id WHERE i.id = ?",
			  DB_ARGS(DB_I(id)));
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		int64_t *ints[] = {&v->org, &v->survey, &v->relation, &v->handler, &v->role,
				   &v->expires_at, &v->answered_at, &v->completed_at, &v->opened_at};
		for (int i = 0; i < 9; i++)
			*ints[i] = db_null(r, i) ? 0 : db_int(r, i);
		snprintf(v->status, sizeof(v->status), "%s", db_text(r, 9));
		snprintf(v->lang, sizeof(v->lang), "%s", db_text(r, 10));
		snprintf(v->survey_status, sizeof(v->survey_status), "%s", db_text(r, 11));
		snprintf(v->kind, sizeof(v->kind), "%s", db_text(r, 12));
		snprintf(v->channel, sizeof(v->channel), "%s", db_text(r, 13));
		v->dims = xstrdup(db_text(r, 14));
		v->zone = xstrdup(db_text(r, 15));
		v->version = db_int(r, 16);
		rc = 0;
		/* an invitation whose mail never went has no link in anyone's hands */
		if (!strcmp(v->status, "pending") || !strcmp(v->status, "skipped"))
			rc = BRUG_ENOTFOUND;
	} else if (rc == 0) {
		rc = BRUG_ENOTFOUND;
	}
	db_rows_free(r);
	if (rc)
		inv_cleanup(v);
	return rc;
}

static enum survey_visit_state inv_state(const struct inv *v, int64_t now)
{
	if (v->completed_at)
		return SURVEY_VISIT_COMPLETED;
	if (strcmp(v->survey_status, "active"))
		return SURVEY_VISIT_CLOSED;
	if (v->expires_at && v->expires_at < now)
		return SURVEY_VISIT_EXPIRED;
	return SURVEY_VISIT_OPEN;
}

static const char *state_name(enum survey_visit_state s)
{
	static const char *const names[] = {"open", "completed", "expired", "closed"};
	return names[s];
}

/* The stored answers of invitation as {question id: {score, choices,
 * text, themes, sentiment, label}}, as answers_prepare makes them, so an
 * unchanged answer compares equal and counts for the same aggregates. */
static int answers_load(struct db *db, int64_t org, int64_t invitation, json_t **out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT question_id, score, choices, text, themes, sentiment"
			  " FROM survey_answers WHERE org_id = ? AND invitation_id = ?",
			  DB_ARGS(DB_I(org), DB_I(invitation)));
	if (rc)
		return rc;
	json_t *o = json_object();
	while ((rc = db_next(r)) == 1) {
		json_t *a = json_object();
		if (!db_null(r, 1))
			jx_set_int(a, "score", db_int(r, 1));
		json_t *c = *db_text(r, 2) ? json_loads(db_text(r, 2), 0, NULL) : NULL;
		if (c)
			json_object_set_new(a, "choices", c);
		if (*db_text(r, 3))
			jx_set_str(a, "text", db_text(r, 3));
		json_t *t = *db_text(r, 4) ? json_loads(db_text(r, 4), 0, NULL) : NULL;
		if (t)
			json_object_set_new(a, "themes", t);
		if (!db_null(r, 5)) {
			int64_t s = db_int(r, 5);
			jx_set_int(a, "sentiment", s);
			jx_set_int(a, "label", survey_text_label((int)s));
		}
		char k[24];
		snprintf(k, sizeof(k), "%lld", (long long)db_int(r, 0));
		json_object_set_new(o, k, a);
	}
	db_rows_free(r);
	if (rc < 0) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

/* text_<lang>, else the other language's. */
static const char *pick(const json_t *o, const char *field, const char *lang)
{
	char k[32];
	snprintf(k, sizeof(k), "%s_%s", field, lang);
	const char *s = jx_str(o, k);
	if (s && *s)
		return s;
	snprintf(k, sizeof(k), "%s_%s", field, strcmp(lang, "en") ? "en" : "nl");
	s = jx_str(o, k);
	return s ? s : "";
}

static int survey_row(struct db *db, int64_t org, int64_t survey, const char *lang, json_t **out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT id, name, kind, intro_nl, intro_en, thanks_nl, thanks_en FROM surveys"
			  " WHERE org_id = ? AND id = ?",
			  DB_ARGS(DB_I(org), DB_I(survey)));
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		json_t *row = db_row_json(r);
		*out = json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)survey, "name",
				 jx_str(row, "name"), "kind", jx_str(row, "kind"), "intro",
				 pick(row, "intro", lang), "thanks", pick(row, "thanks", lang));
		json_decref(row);
		rc = 0;
	} else if (rc == 0) {
		rc = BRUG_ENOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

/* The live questions in lang: {id, key, type, required, text, options}. */
static json_t *questions_for(const json_t *all, const char *lang)
{
	json_t *out = json_array(), *q;
	size_t i;
	json_array_foreach(all, i, q) {
		if (!json_is_null(json_object_get(q, "retired_at")) &&
		    json_object_get(q, "retired_at"))
			continue;
		json_t *o = json_pack("{s:O,s:O,s:O,s:O,s:s,s:O}", "id", json_object_get(q, "id"),
				      "key", json_object_get(q, "key"), "type",
				      json_object_get(q, "type"), "required",
				      json_object_get(q, "required"), "text", pick(q, "text", lang),
				      "options", json_object_get(q, "options"));
		json_array_append_new(out, o);
	}
	return out;
}

int survey_answer_load(struct db *db, int64_t invitation, const char *lang, json_t **out,
		       enum survey_visit_state *state)
{
	struct inv v;
	int rc = inv_load(db, invitation, &v);
	if (rc)
		return rc;
	if (!lang || (strcmp(lang, "nl") && strcmp(lang, "en")))
		lang = v.lang;
	int64_t now = clock_now_ms();
	json_t *survey = NULL, *all = NULL, *stored = NULL;
	if ((rc = survey_row(db, v.org, v.survey, lang, &survey)) ||
	    (rc = survey_question_list(db, v.org, v.survey, &all)) ||
	    (rc = answers_load(db, v.org, invitation, &stored)))
		goto out;
	if (!v.opened_at)
		rc = db_exec(db,
			     "UPDATE survey_invitations SET opened_at = ? WHERE org_id = ? AND id = ?"
			     " AND opened_at IS NULL",
			     DB_ARGS(DB_I(now), DB_I(v.org), DB_I(invitation)));
	if (rc)
		goto out;
	json_t *questions = questions_for(all, lang);
	json_t *answers = survey_answer_values(all, stored);
	*state = inv_state(&v, now);
	*out = json_pack("{s:{s:I,s:I,s:I,s:s,s:s,s:b,s:b},s:O,s:o,s:o}", "invitation", "id",
			 (json_int_t)invitation, "org_id", (json_int_t)v.org, "survey_id",
			 (json_int_t)v.survey, "lang", lang, "state", state_name(*state), "answered",
			 v.answered_at != 0, "completed", v.completed_at != 0, "survey", survey,
			 "questions", questions, "answers", answers);
out:
	json_decref(survey);
	json_decref(all);
	json_decref(stored);
	inv_cleanup(&v);
	return rc;
}

/* The organisation of link survey survey and whether it is active;
 * BRUG_ENOTFOUND when there is no such survey or it is not a link survey. */
static int link_survey(struct db *db, int64_t survey, int64_t *org, bool *active)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r, "SELECT org_id, kind, status FROM surveys WHERE id = ?",
			  DB_ARGS(DB_I(survey)));
	if (rc)
		return rc;
	bool link = false;
	if ((rc = db_next(r)) == 1) {
		*org = db_int(r, 0);
		link = !strcmp(db_text(r, 1), "link");
		*active = !strcmp(db_text(r, 2), "active");
	}
	db_rows_free(r);
	if (rc < 0)
		return rc;
	return link ? 0 : BRUG_ENOTFOUND;
}

int survey_answer_load_link(struct db *db, int64_t survey, const char *lang, json_t **out,
			    enum survey_visit_state *state)
{
	int64_t org = 0;
	bool active = false;
	int rc = link_survey(db, survey, &org, &active);
	if (rc)
		return rc;
	json_t *row = NULL, *all = NULL;
	if ((rc = survey_row(db, org, survey, lang, &row)) ||
	    (rc = survey_question_list(db, org, survey, &all))) {
		json_decref(row);
		return rc;
	}
	*state = active ? SURVEY_VISIT_OPEN : SURVEY_VISIT_CLOSED;
	*out = json_pack("{s:{s:i,s:I,s:I,s:s,s:s,s:b,s:b},s:o,s:o,s:o}", "invitation", "id", 0,
			 "org_id", (json_int_t)org, "survey_id", (json_int_t)survey, "lang", lang,
			 "state", state_name(*state), "answered", 0, "completed", 0, "survey", row,
			 "questions", questions_for(all, lang), "answers", json_object());
	json_decref(all);
	return 0;
}

/* The breakdown of the invitation's answers, frozen at its first. */
static int dims_make(struct db *db, const struct inv *v, json_t **out)
{
	json_t *d = json_object();
	char *type = NULL;
	int rc = 0;
	if (v->relation) {
		rc = db_text_query(db, &type, "SELECT type FROM relations WHERE org_id = ? AND id = ?",
				   DB_ARGS(DB_I(v->org), DB_I(v->relation)));
		if (rc == BRUG_ENOTFOUND)
			rc = 0;
		if (type)
			jx_set_str(d, "type", type);
		free(type);
	}
	static const struct {
		const char *name, *sql;
	} lists[] = {
		{"tags", "SELECT tag_id FROM relation_tags WHERE org_id = ? AND relation_id = ?"
			 " ORDER BY tag_id"},
		{"teams", "SELECT team_id FROM team_members WHERE org_id = ? AND user_id = ?"
			  " ORDER BY team_id"},
	};
	for (int i = 0; i < 2 && !rc; i++) {
		int64_t of = i ? v->handler : v->relation;
		json_t *a = json_array();
		json_object_set_new(d, lists[i].name, a);
		if (!of)
			continue;
		struct db_rows *r = NULL;
		if ((rc = db_query(db, &r, lists[i].sql, DB_ARGS(DB_I(v->org), DB_I(of)))))
			break;
		while ((rc = db_next(r)) == 1)
			json_array_append_new(a, json_integer(db_int(r, 0)));
		db_rows_free(r);
	}
	if (rc < 0) {
		json_decref(d);
		return rc;
	}
	if (v->handler)
		jx_set_int(d, "user", v->handler);
	if (v->role)
		jx_set_int(d, "role", v->role);
	if (*v->channel)
		jx_set_str(d, "channel", v->channel);
	*out = d;
	return 0;
}

/* The live question of key, or NULL. */
static const json_t *live_question(const json_t *all, const char *key)
{
	size_t i;
	json_t *q;
	json_array_foreach(all, i, q) {
		json_t *ret = json_object_get(q, "retired_at");
		if ((!ret || json_is_null(ret)) && !strcmp(jx_str(q, "key"), key))
			return q;
	}
	return NULL;
}

/* The lowest-id NPS question: the one detractors and themes are read on. */
static int64_t nps_question(const json_t *all)
{
	int64_t best = 0;
	size_t i;
	json_t *q;
	json_array_foreach(all, i, q) {
		int64_t id = jx_int(q, "id", 0);
		if (!strcmp(jx_str(q, "type"), "nps") && (!best || id < best))
			best = id;
	}
	return best;
}

/* Checks answers ({key: value}) against the questions all and gives the
 * rows to store by question id ({id: row}, null for an answer cleared) in
 * *rows, a new reference. Open answers get their themes and sentiment
 * here: the costly part of a save, done before its transaction so that
 * other writers are not held up by it. */
static int answers_prepare(struct db *db, int64_t org, const json_t *all, const json_t *answers,
			   json_t **rows, struct brug_err *err)
{
	const char *key;
	json_t *value;
	int rc = 0;
	json_t *out = json_object();
	json_object_foreach((json_t *)answers, key, value) {
		const json_t *q = live_question(all, key);
		if (!q) {
			rc = brug_fail(err, BRUG_EVALIDATION, "error.survey_answer_key", key);
			break;
		}
		json_t *row = NULL;
		if ((rc = survey_answer_check(q, value, key, &row, err)))
			break;
		const char *text = row ? jx_str(row, "text") : NULL;
		if (text) {
			json_t *themes = NULL;
			int sentiment = 0, label = 0;
			rc = survey_text_analyse(db, org, text, &themes, &sentiment, &label, err);
			if (rc) {
				json_decref(row);
				if (rc == BRUG_ETOOBIG)
					rc = brug_fail(err, BRUG_EVALIDATION, "error.too_long", key);
				break;
			}
			json_object_set_new(row, "themes", themes);
			jx_set_int(row, "sentiment", sentiment);
			jx_set_int(row, "label", label);
		}
		char id[24];
		snprintf(id, sizeof(id), "%lld", (long long)jx_int(q, "id", 0));
		json_object_set_new(out, id, row ? row : json_null());
	}
	if (rc) {
		json_decref(out);
		return rc;
	}
	*rows = out;
	return 0;
}

/* Applies the prepared rows to after (a copy of the stored answers);
 * *changed counts what differs. Members are replaced or removed, never
 * changed in place. */
static void answers_apply(const json_t *rows, json_t *after, int *changed)
{
	const char *id;
	json_t *row;
	json_object_foreach((json_t *)rows, id, row) {
		json_t *old = json_object_get(after, id);
		if (json_is_null(row) ? !old : (old && json_equal(old, row)))
			continue;
		(*changed)++;
		if (json_is_null(row))
			json_object_del(after, id);
		else
			json_object_set(after, id, row);
	}
}

/* The first required live question without an answer in after, or NULL. */
static const char *missing_required(const json_t *all, const json_t *after)
{
	size_t i;
	json_t *q;
	json_array_foreach(all, i, q) {
		json_t *ret = json_object_get(q, "retired_at");
		if (ret && !json_is_null(ret))
			continue;
		char id[24];
		snprintf(id, sizeof(id), "%lld", (long long)jx_int(q, "id", 0));
		if (jx_bool(q, "required", false) && !json_object_get(after, id))
			return jx_str(q, "key");
	}
	return NULL;
}

/* Writes the rows of after that differ from before, and clears the ones
 * after no longer has. */
static int answers_write(struct db *db, const struct answer_ctx *c, const json_t *before,
			 const json_t *after, int64_t now)
{
	const char *id;
	json_t *a;
	int rc = 0;
	json_object_foreach((json_t *)before, id, a) {
		if (json_object_get(after, id))
			continue;
		rc = db_exec(db,
			     "DELETE FROM survey_answers WHERE org_id = ? AND invitation_id = ?"
			     " AND question_id = ?",
			     DB_ARGS(DB_I(c->org), DB_I(c->invitation), DB_I(strtoll(id, NULL, 10))));
		if (rc)
			return rc;
	}
	json_object_foreach((json_t *)after, id, a) {
		json_t *old = json_object_get(before, id);
		if (old && json_equal(old, a))
			continue;
		json_t *score = json_object_get(a, "score"), *ch = json_object_get(a, "choices");
		json_t *th = json_object_get(a, "themes");
		char *choices = ch ? jx_dumps(ch) : NULL, *themes = th ? jx_dumps(th) : NULL;
		const char *text = jx_str(a, "text");
		rc = db_exec(db,
			     "INSERT INTO survey_answers (org_id, invitation_id, question_id, score,"
			     " choices, text, themes, sentiment, answered_at)"
			     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
			     " ON CONFLICT (org_id, invitation_id, question_id) DO UPDATE SET"
			     " score = excluded.score, choices = excluded.choices, text = excluded.text,"
			     " themes = excluded.themes, sentiment = excluded.sentiment,"
			     " answered_at = excluded.answered_at",
			     DB_ARGS(DB_I(c->org), DB_I(c->invitation), DB_I(strtoll(id, NULL, 10)),
				     score ? DB_I(json_integer_value(score)) : NULL_INT,
				     DB_T(choices ? choices : ""), DB_T(text ? text : ""),
				     DB_T(themes ? themes : ""),
				     json_object_get(a, "sentiment") ? DB_I(jx_int(a, "sentiment", 0))
								     : NULL_INT,
				     DB_I(now)));
		free(choices);
		free(themes);
		if (rc)
			return rc;
	}
	return 0;
}

/* The webhooks of a save: answer.received, and answer.detractor when it
 * opened a case. */
static int emit(struct db *db, const struct answer_ctx *c, const json_t *all, const json_t *after,
		bool complete, const struct survey_save *res)
{
	bool any = false;
	int rc = webhook_active(db, c->org, &any);
	if (rc || !any)
		return rc;
	json_t *values = survey_answer_values(all, after);
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)c->nps_question);
	json_t *nps = json_object_get(json_object_get(after, id), "score");
	json_t *data = json_pack("{s:I,s:I,s:o,s:o,s:b,s:O}", "survey_id", (json_int_t)c->survey,
				 "invitation_id", (json_int_t)c->invitation, "relation_id",
				 c->relation ? json_integer(c->relation) : json_null(), "answers", values,
				 "completed", complete, "nps", nps ? nps : json_null());
	rc = webhook_emit(db, c->org, "answer.received", data);
	if (!rc && res->case_opened) {
		jx_set_int(data, "case_id", res->case_id);
		rc = webhook_emit(db, c->org, "answer.detractor", data);
	}
	json_decref(data);
	return rc;
}

/* Freezes the breakdown at the first answer; c->dims is then borrowed
 * from *hold. */
static int ctx_dims(struct db *db, const struct inv *v, int64_t invitation, json_t **hold)
{
	if (*v->dims) {
		*hold = json_loads(v->dims, 0, NULL);
		return *hold ? 0 : BRUG_EDB;
	}
	int rc = dims_make(db, v, hold);
	if (rc)
		return rc;
	char *s = jx_dumps(*hold);
	rc = db_exec(db, "UPDATE survey_invitations SET dims = ? WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_T(s), DB_I(v->org), DB_I(invitation)));
	free(s);
	return rc;
}

/* The survey's questions as a save reads them: {id, key, type, required,
 * options, retired_at (null or a time)}, in survey_question_list's order.
 * Lighter than that list (no texts, no formatted times): it runs for
 * every answer posted. */
static int questions_load(struct db *db, int64_t org, int64_t survey, json_t **out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT id, key, type, required, options, retired_at FROM survey_questions"
			  " WHERE org_id = ? AND survey_id = ?"
			  " ORDER BY retired_at IS NOT NULL, position, id",
			  DB_ARGS(DB_I(org), DB_I(survey)));
	if (rc)
		return rc;
	json_t *list = json_array();
	while ((rc = db_next(r)) == 1) {
		json_t *o = json_loads(db_text(r, 4), 0, NULL);
		if (!json_is_object(o)) {
			json_decref(o);
			o = json_object();
		}
		json_array_append_new(
			list, json_pack("{s:I,s:s,s:s,s:b,s:o,s:o}", "id", (json_int_t)db_int(r, 0),
					"key", db_text(r, 1), "type", db_text(r, 2), "required",
					db_int(r, 3) != 0, "options", o, "retired_at",
					db_null(r, 5) ? json_null() : json_integer(db_int(r, 5))));
	}
	db_rows_free(r);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return 0;
}


/* The questions of the surveys answered lately on this connection, as
 * questions_load gives them, with the survey's version: every change to a
 * survey's questions moves its updated_at forward (survey_question.c), so
 * a set whose version still matches is the survey's current one. */
#define QSETS 8
struct qset {
	int64_t org, survey, version;
	json_t *all;
};
struct qmemo {
	struct qset s[QSETS];
	unsigned next;
};

static void qmemo_free(void *p)
{
	struct qmemo *m = p;
	for (int i = 0; i < QSETS; i++)
		json_decref(m->s[i].all);
	free(m);
}

/* The questions of v's survey (a new reference), from the connection's
 * memory when their version is current and memo says it may be used: not
 * inside a caller's transaction, which may have changed the questions and
 * may still roll that back. */
static int questions_get(struct db *db, const struct inv *v, bool memo, json_t **out)
{
	struct qmemo *m = memo ? db_memo(db, DB_MEMO_SURVEY_QUESTIONS) : NULL;
	for (int i = 0; m && i < QSETS; i++) {
		struct qset *q = &m->s[i];
		if (q->all && q->org == v->org && q->survey == v->survey &&
		    q->version == v->version) {
			*out = json_incref(q->all);
			return 0;
		}
	}
	int rc = questions_load(db, v->org, v->survey, out);
	if (rc || !memo)
		return rc;
	if (!m) {
		m = xcalloc(1, sizeof(*m));
		db_memo_set(db, DB_MEMO_SURVEY_QUESTIONS, m, qmemo_free);
	}
	struct qset *q = &m->s[m->next++ % QSETS];
	json_decref(q->all);
	*q = (struct qset){.org = v->org, .survey = v->survey, .version = v->version,
			   .all = json_incref(*out)};
	return 0;
}

/* Whether after counts for the same aggregates as before: the same
 * questions with the same scores, choices, themes and sentiment. A changed
 * wording of an open answer usually does not change them. */
static bool counts_same(const json_t *before, const json_t *after)
{
	static const char *const fields[] = {"score", "choices", "themes", "label"};
	if (json_object_size(before) != json_object_size(after))
		return false;
	const char *id;
	json_t *a;
	json_object_foreach((json_t *)after, id, a) {
		const json_t *b = json_object_get(before, id);
		if (!b)
			return false;
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			const json_t *x = json_object_get(a, fields[i]), *y = json_object_get(b, fields[i]);
			if ((x || y) && !(x && y && json_equal(x, y)))
				return false;
		}
	}
	return true;
}

/* A save's work done before its transaction: the rows to store, checked
 * against the questions of version. */
struct prepared {
	int64_t version;
	bool memo; /* questions may come from the connection's memory */
	json_t *rows;
};

/* Checks and analyses answers outside the transaction (see
 * answers_prepare); a closed invitation is refused here already. */
static int save_prepare(struct db *db, int64_t invitation, const json_t *answers,
			struct prepared *p, struct brug_err *err)
{
	struct inv v;
	int rc = inv_load(db, invitation, &v);
	if (rc)
		return rc;
	json_t *all = NULL;
	if (inv_state(&v, clock_now_ms()) != SURVEY_VISIT_OPEN)
		rc = brug_fail(err, BRUG_ECONFLICT, "error.survey_answer_closed", NULL);
	else if (!(rc = questions_get(db, &v, p->memo, &all)))
		rc = answers_prepare(db, v.org, all, answers, &p->rows, err);
	p->version = v.version;
	json_decref(all);
	inv_cleanup(&v);
	return rc;
}

/* The body of a save, inside its transaction. */
static int save_locked(struct db *db, int64_t invitation, const json_t *answers,
		       struct prepared *p, bool complete, struct survey_save *res,
		       struct brug_err *err)
{
	struct inv v;
	int rc = inv_load(db, invitation, &v);
	if (rc)
		return rc;
	json_t *all = NULL, *before = NULL, *after = NULL, *dims = NULL;
	int64_t now = clock_now_ms();
	res->org = v.org;
	if (inv_state(&v, now) != SURVEY_VISIT_OPEN) {
		rc = brug_fail(err, BRUG_ECONFLICT, "error.survey_answer_closed", NULL);
		goto out;
	}
	if ((rc = questions_get(db, &v, p->memo, &all)) ||
	    (rc = answers_load(db, v.org, invitation, &before)))
		goto out;
	if (v.version != p->version) { /* the questions changed meanwhile */
		json_decref(p->rows);
		p->rows = NULL;
		if ((rc = answers_prepare(db, v.org, all, answers, &p->rows, err)))
			goto out;
	}
	/* answers_apply replaces or removes members, never changes one */
	after = json_copy(before);
	answers_apply(p->rows, after, &res->changed);
	const char *missing = complete ? missing_required(all, after) : NULL;
	if (missing) {
		/* the key lives in all; the caller's answers may not name it */
		const char *field = NULL;
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)answers, k, x) if (!strcmp(k, missing)) field = k;
		rc = brug_failf(err, BRUG_EVALIDATION, "error.required", field, "%s", missing);
		goto out;
	}
	if (!res->changed && !complete)
		goto out;
	struct answer_ctx c = {.org = v.org, .survey = v.survey, .invitation = invitation,
			       .relation = v.relation, .nps_question = nps_question(all)};
	/* a first answer always counts anew, so the breakdown is frozen then */
	if (complete || !counts_same(before, after)) {
		if ((rc = ctx_dims(db, &v, invitation, &dims)))
			goto out;
		c.dims = dims;
		survey_agg_periods(v.zone, v.answered_at ? v.answered_at : now, &c.periods);
		if ((rc = survey_answer_agg_diff(db, &c, before, false, after, complete)))
			goto out;
	}
	if ((rc = answers_write(db, &c, before, after, now)))
		goto out;
	bool any = json_object_size(after) > 0;
	rc = db_exec(db,
		     "UPDATE survey_invitations SET answered_at = COALESCE(answered_at, ?),"
		     " completed_at = ?, updated_at = ? WHERE org_id = ? AND id = ?",
		     DB_ARGS(any ? DB_I(now) : NULL_INT, complete ? DB_I(now) : NULL_INT, DB_I(now),
			     DB_I(v.org), DB_I(invitation)));
	res->completed = complete;
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)c.nps_question);
	json_t *score = json_object_get(json_object_get(after, id), "score");
	if (!rc && score && json_integer_value(score) <= 6)
		rc = survey_case_open(db, v.org, invitation, (int)json_integer_value(score),
				      &res->case_id, &res->case_opened);
	if (!rc)
		rc = emit(db, &c, all, after, complete, res);
out:
	json_decref(all);
	json_decref(before);
	json_decref(after);
	json_decref(dims);
	inv_cleanup(&v);
	return rc;
}

int survey_answer_save(struct db *db, int64_t invitation, const json_t *answers, bool complete,
		       struct survey_save *res, struct brug_err *err)
{
	memset(res, 0, sizeof(*res));
	if (!json_is_object(answers))
		return brug_fail(err, BRUG_EVALIDATION, "error.json_not_object", "answers");
	struct prepared p = {.memo = !db_in_tx(db)};
	int rc = save_prepare(db, invitation, answers, &p, err);
	if (!rc)
		rc = db_begin(db);
	if (rc) {
		json_decref(p.rows);
		return rc;
	}
	char name[64];
	snprintf(name, sizeof(name), "brug.answer.%lld", (long long)invitation);
	rc = db_lock(db, name);
	if (!rc)
		rc = save_locked(db, invitation, answers, &p, complete, res, err);
	json_decref(p.rows);
	return db_finish(db, rc);
}

int survey_answer_link_org(struct db *db, int64_t survey, int64_t *org)
{
	bool active = false;
	int rc = link_survey(db, survey, org, &active);
	return rc ? rc : active ? 0 : BRUG_ECONFLICT;
}

int survey_answer_link_start(struct db *db, int64_t survey, const char *lang, int64_t *invitation)
{
	int64_t org = 0;
	int rc = survey_answer_link_org(db, survey, &org);
	if (rc)
		return rc;
	struct feedback_config fc;
	if ((rc = feedback_config_get(db, org, &fc)))
		return rc;
	int64_t now = clock_now_ms();
	return db_int_query(db, invitation,
			    "INSERT INTO survey_invitations (org_id, survey_id, status, lang,"
			    " sent_at, expires_at, created_at, updated_at)"
			    " VALUES (?, ?, 'link', ?, ?, ?, ?, ?) RETURNING id",
			    DB_ARGS(DB_I(org), DB_I(survey), DB_T(strcmp(lang, "en") ? "nl" : "en"),
				    DB_I(now), DB_I(now + fc.expiry_days * 86400000LL), DB_I(now),
				    DB_I(now)));
}

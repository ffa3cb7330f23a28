/* SPDX-License-Identifier: Apache-2.0 */
/* Survey questions: checks, order, and the freeze once a survey has been
 * active; see survey_question.h. */
#include "domain/survey_question.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/check.h"
#include "domain/survey.h"
#include "util/clock.h"
#include "util/jx.h"

static const char *const types[] = {"nps",    "csat",     "ces",  "rating",
				    "single", "multiple", "text", "yesno", NULL};
static const char *const scale_labels[] = {"low_nl", "low_en", "high_nl", "high_en", NULL};

static int bad(struct brug_err *err, const char *key, const char *field)
{
	return brug_fail(err, BRUG_EVALIDATION, key, field);
}

static bool is_key(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n && n <= 40 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static bool is_scale(const char *type)
{
	return !strcmp(type, "nps") || !strcmp(type, "csat") || !strcmp(type, "ces") ||
	       !strcmp(type, "rating");
}

static bool is_choice(const char *type)
{
	return !strcmp(type, "single") || !strcmp(type, "multiple");
}

/* The scale options: fixed ends for NPS, CSAT and CES, a checked range for
 * a rating, and optional end labels. */
static int check_scale(const char *type, json_t *in, json_t *out, struct brug_err *err)
{
	int64_t lo = 1, hi = 5;
	if (!strcmp(type, "nps"))
		lo = 0, hi = 10;
	else if (!strcmp(type, "ces"))
		hi = 7;
	bool fixed = strcmp(type, "rating") != 0;
	json_t *v;
	const char *k;
	json_object_foreach(in, k, v) {
		if (!strcmp(k, "min") || !strcmp(k, "max")) {
			if (!json_is_integer(v))
				return bad(err, "error.survey_scale", "options");
			int64_t n = json_integer_value(v);
			if (fixed && n != (k[1] == 'i' ? lo : hi))
				return bad(err, "error.survey_scale", "options");
			if (k[1] == 'i')
				lo = n;
			else
				hi = n;
		} else if (check_one_of(k, scale_labels)) {
			const char *s = json_string_value(v);
			if (!s || !check_text(s, 100, false))
				return bad(err, "error.survey_options", "options");
			if (*s)
				jx_set_str(out, k, s);
		} else {
			return bad(err, "error.survey_options", "options");
		}
	}
	if (lo < 0 || lo > 1 || hi < lo + 1 || hi > 10)
		return bad(err, "error.survey_scale", "options");
	jx_set_int(out, "min", lo);
	jx_set_int(out, "max", hi);
	return 0;
}

static int check_choice(json_t *c, json_t *seen, json_t *list, struct brug_err *err)
{
	const char *key = jx_str(c, "key"), *nl = jx_str(c, "nl"), *en = jx_str(c, "en");
	if (!json_is_object(c) || json_object_size(c) > 3 || !is_key(key) ||
	    json_object_get(seen, key))
		return bad(err, "error.survey_choices", "options");
	for (const char *const *f = (const char *const[]){"nl", "en", NULL}; *f; f++) {
		json_t *t = json_object_get(c, *f);
		if (t && !json_is_string(t))
			return bad(err, "error.survey_choices", "options");
	}
	if (!check_text(nl, 200, false) || !check_text(en, 200, false) ||
	    !((nl && *nl) || (en && *en)))
		return bad(err, "error.survey_choices", "options");
	json_object_set_new(seen, key, json_true());
	json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "key", key, "nl", nl ? nl : "",
					      "en", en ? en : ""));
	return 0;
}

static int check_choices(json_t *in, json_t *out, struct brug_err *err)
{
	json_t *choices = json_object_get(in, "choices");
	size_t n = json_array_size(choices);
	if (json_object_size(in) != 1 || !json_is_array(choices) || n < 2 || n > SURVEY_CHOICES_MAX)
		return bad(err, "error.survey_choices", "options");
	json_t *seen = json_object(), *list = json_array(), *c;
	int rc = 0;
	size_t i;
	json_array_foreach(choices, i, c) {
		if ((rc = check_choice(c, seen, list, err)))
			break;
	}
	json_decref(seen);
	if (rc)
		json_decref(list);
	else
		json_object_set_new(out, "choices", list);
	return rc;
}

static int check_options(const char *type, json_t *in, json_t *out, struct brug_err *err)
{
	if (in && !json_is_object(in))
		return bad(err, "error.survey_options", "options");
	json_t *empty = json_object();
	if (!in)
		in = empty;
	int rc = 0;
	if (is_scale(type)) {
		rc = check_scale(type, in, out, err);
	} else if (is_choice(type)) {
		rc = check_choices(in, out, err);
	} else if (!strcmp(type, "text")) {
		json_t *max = json_object_get(in, "max");
		if (json_object_size(in) > (max ? 1u : 0u) ||
		    (max && (!json_is_integer(max) || json_integer_value(max) < 1 ||
			     json_integer_value(max) > 10000)))
			rc = bad(err, "error.survey_options", "options");
		else
			jx_set_int(out, "max", max ? json_integer_value(max) : 2000);
	} else if (json_object_size(in)) { /* yesno */
		rc = bad(err, "error.survey_options", "options");
	}
	json_decref(empty);
	return rc;
}

int survey_question_check(const struct survey_question_fields *q, json_t **out,
			  struct brug_err *err)
{
	if (!q->type || !check_one_of(q->type, types))
		return bad(err, "error.choice", "type");
	if (q->key && !is_key(q->key))
		return bad(err, "error.survey_key", "key");
	if (!check_text(q->text_nl, SURVEY_QUESTION_TEXT_MAX, true))
		return bad(err, "error.too_long", "text_nl");
	if (!check_text(q->text_en, SURVEY_QUESTION_TEXT_MAX, true))
		return bad(err, "error.too_long", "text_en");
	if (!((q->text_nl && *q->text_nl) || (q->text_en && *q->text_en)))
		return bad(err, "error.survey_question_text", "text_nl");
	json_t *o = json_object();
	int rc = check_options(q->type, q->options, o, err);
	if (rc)
		json_decref(o);
	else
		*out = o;
	return rc;
}

/* The survey's status, under its lock (survey_lock); a survey of another
 * organisation is not found. */
static int survey_status(struct db *db, int64_t org, int64_t survey, char **status,
			 struct brug_err *err)
{
	int rc = survey_lock(db, org, survey);
	if (!rc)
		rc = db_text_query(db, status, "SELECT status FROM surveys WHERE org_id = ? AND id = ?",
				   DB_ARGS(DB_I(org), DB_I(survey)));
	if (rc == BRUG_ENOTFOUND)
		brug_fail(err, rc, "error.survey_not_found", NULL);
	return rc;
}

/* A key "q<n>" no question of the survey has. */
static int free_key(struct db *db, int64_t org, int64_t survey, char key[24])
{
	int64_t n = 0, taken = 1;
	int rc = db_int_query(db, &n,
			      "SELECT COUNT(*) FROM survey_questions WHERE org_id = ? AND survey_id = ?",
			      DB_ARGS(DB_I(org), DB_I(survey)));
	while (!rc && taken) {
		snprintf(key, 24, "q%lld", (long long)++n);
		rc = db_int_query(db, &taken,
				  "SELECT COUNT(*) FROM survey_questions WHERE org_id = ? AND"
				  " survey_id = ? AND key = ?",
				  DB_ARGS(DB_I(org), DB_I(survey), DB_T(key)));
	}
	return rc;
}

int survey_question_insert(struct db *db, int64_t org, int64_t survey,
			   const struct survey_question_fields *q, int64_t *id, struct brug_err *err)
{
	json_t *opts = NULL;
	char *text = NULL, gen[24];
	int64_t live = 0, qid = 0;
	int rc = survey_question_check(q, &opts, err);
	if (rc)
		return rc;
	rc = db_int_query(db, &live,
			  "SELECT COUNT(*) FROM survey_questions WHERE org_id = ? AND survey_id = ?"
			  " AND retired_at IS NULL",
			  DB_ARGS(DB_I(org), DB_I(survey)));
	if (!rc && live >= SURVEY_QUESTIONS_MAX)
		rc = brug_fail(err, BRUG_EVALIDATION, "error.survey_too_many", "questions");
	if (!rc && !q->key)
		rc = free_key(db, org, survey, gen);
	if (rc)
		goto out;
	text = jx_dumps(opts);
	rc = db_int_query(db, &qid,
			  "INSERT INTO survey_questions (org_id, survey_id, position, key, type,"
			  " required, text_nl, text_en, options, created_at) VALUES (?, ?,"
			  " (SELECT COALESCE(MAX(position), 0) + 1 FROM survey_questions"
			  " WHERE org_id = ? AND survey_id = ?), ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			  DB_ARGS(DB_I(org), DB_I(survey), DB_I(org), DB_I(survey),
				  DB_T(q->key ? q->key : gen), DB_T(q->type), DB_I(q->required > 0),
				  DB_T(q->text_nl ? q->text_nl : ""), DB_T(q->text_en ? q->text_en : ""),
				  DB_T(text), DB_I(clock_now_ms())));
	if (rc == BRUG_ECONFLICT)
		brug_fail(err, rc, "error.survey_key_taken", "key");
	if (!rc)
		rc = survey_touch(db, org, survey);
	if (!rc)
		*id = qid;
out:
	free(text);
	json_decref(opts);
	return rc;
}

int survey_question_add(struct db *db, const struct actor *who, int64_t survey,
			const struct survey_question_fields *q, int64_t *id, struct brug_err *err)
{
	char *status = NULL;
	int64_t qid = 0;
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = survey_status(db, who->org_id, survey, &status, err);
	if (!rc)
		rc = survey_question_insert(db, who->org_id, survey, q, &qid, err);
	if (!rc)
		rc = audit_add(db, who, "survey.question_add", "survey", survey,
			       json_pack("{s:I,s:s}", "question_id", (json_int_t)qid, "type", q->type));
	free(status);
	rc = db_finish(db, rc);
	if (!rc)
		*id = qid;
	return rc;
}

static json_t *question_json(struct db_rows *r)
{
	json_t *q = db_row_json(r);
	json_t *o = json_loads(jx_str(q, "options") ? jx_str(q, "options") : "{}", 0, NULL);
	json_object_set_new(q, "options", json_is_object(o) ? o : json_object());
	if (o && !json_is_object(o))
		json_decref(o);
	jx_set_bool(q, "required", jx_int(q, "required", 0) != 0);
	return q;
}

/* One question of survey as JSON (new reference). */
static int question_get(struct db *db, int64_t org, int64_t survey, int64_t id, json_t **out,
			struct brug_err *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT id, survey_id, position, key, type, required, text_nl, text_en,"
			  " options, retired_at, created_at FROM survey_questions"
			  " WHERE org_id = ? AND survey_id = ? AND id = ?",
			  DB_ARGS(DB_I(org), DB_I(survey), DB_I(id)));
	if (!rc)
		rc = db_next(r);
	if (rc == 1)
		*out = question_json(r);
	db_rows_free(r);
	if (rc == 0)
		return brug_fail(err, BRUG_ENOTFOUND, "error.survey_question_not_found", NULL);
	return rc < 0 ? rc : 0;
}

/* The survey's status and question id of it, inside the caller's
 * transaction; with live, a retired question is BRUG_ECONFLICT. */
static int question_of(struct db *db, int64_t org, int64_t survey, int64_t id, bool live,
		       char **status, json_t **q, struct brug_err *err)
{
	int rc = survey_status(db, org, survey, status, err);
	if (!rc)
		rc = question_get(db, org, survey, id, q, err);
	if (!rc && live && !json_is_null(json_object_get(*q, "retired_at")))
		rc = brug_fail(err, BRUG_ECONFLICT, "error.survey_question_retired", NULL);
	return rc;
}

int survey_question_list(struct db *db, int64_t org, int64_t survey, json_t **out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT id, survey_id, position, key, type, required, text_nl, text_en,"
			  " options, retired_at, created_at FROM survey_questions"
			  " WHERE org_id = ? AND survey_id = ?"
			  " ORDER BY retired_at IS NOT NULL, position, id",
			  DB_ARGS(DB_I(org), DB_I(survey)));
	json_t *list = json_array();
	while (!rc && (rc = db_next(r)) == 1) {
		json_array_append_new(list, question_json(r));
		rc = 0;
	}
	db_rows_free(r);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return 0;
}

/* The keys of a choice question's choices, as an object used as a set. */
static json_t *choice_keys(const json_t *options)
{
	json_t *set = json_object(), *c;
	size_t i;
	json_array_foreach(json_object_get(options, "choices"), i, c)
		json_object_set_new(set, jx_str(c, "key"), json_true());
	return set;
}

/* Once the survey has been active: the key and the type stay. */
static int check_frozen_id(const json_t *old, const char *key, const char *type,
			   struct brug_err *err)
{
	if (strcmp(key, jx_str(old, "key")))
		return brug_fail(err, BRUG_ECONFLICT, "error.survey_frozen_key", "key");
	if (strcmp(type, jx_str(old, "type")))
		return brug_fail(err, BRUG_ECONFLICT, "error.survey_frozen_type", "type");
	return 0;
}

/* ... and so do the choice keys and the scale answers are read by. */
static int check_frozen(const json_t *old, const char *type, const json_t *opts,
			struct brug_err *err)
{
	const json_t *was = json_object_get(old, "options");
	if (is_choice(type)) {
		json_t *a = choice_keys(was), *b = choice_keys(opts);
		bool same = json_equal(a, b);
		json_decref(a);
		json_decref(b);
		if (!same)
			return brug_fail(err, BRUG_ECONFLICT, "error.survey_frozen_choices", "options");
	} else if (is_scale(type) && (jx_int(was, "min", 0) != jx_int(opts, "min", 0) ||
				      jx_int(was, "max", 0) != jx_int(opts, "max", 0))) {
		return brug_fail(err, BRUG_ECONFLICT, "error.survey_frozen_scale", "options");
	}
	return 0;
}

/* Writes the merged question; old is the stored one. */
static int update_row(struct db *db, int64_t org, const json_t *old, bool frozen,
		      const struct survey_question_fields *q, struct brug_err *err)
{
	struct survey_question_fields m = {
		.key = q->key ? q->key : jx_str(old, "key"),
		.type = q->type ? q->type : jx_str(old, "type"),
		.required = q->required >= 0 ? q->required : jx_bool(old, "required", false),
		.text_nl = q->text_nl ? q->text_nl : jx_str(old, "text_nl"),
		.text_en = q->text_en ? q->text_en : jx_str(old, "text_en"),
		.options = q->options,
	};
	json_t *opts = NULL;
	char *text = NULL;
	/* options not given: kept when they fit the type (single to multiple),
	 * else the type's defaults */
	if (!m.options) {
		m.options = json_object_get(old, "options");
		if (strcmp(m.type, jx_str(old, "type")) && survey_question_check(&m, &opts, NULL))
			m.options = NULL;
		json_decref(opts);
		opts = NULL;
	}
	int rc = frozen ? check_frozen_id(old, m.key, m.type, err) : 0;
	if (!rc)
		rc = survey_question_check(&m, &opts, err);
	if (!rc && frozen)
		rc = check_frozen(old, m.type, opts, err);
	if (rc)
		goto out;
	text = jx_dumps(opts);
	rc = db_exec(db,
		     "UPDATE survey_questions SET key = ?, type = ?, required = ?, text_nl = ?,"
		     " text_en = ?, options = ? WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_T(m.key), DB_T(m.type), DB_I(m.required > 0), DB_T(m.text_nl),
			     DB_T(m.text_en), DB_T(text), DB_I(org), DB_I(jx_int(old, "id", 0))));
	if (rc == BRUG_ECONFLICT)
		brug_fail(err, rc, "error.survey_key_taken", "key");
	if (!rc)
		rc = survey_touch(db, org, jx_int(old, "survey_id", 0));
out:
	free(text);
	json_decref(opts);
	return rc;
}

int survey_question_update(struct db *db, const struct actor *who, int64_t survey, int64_t id,
			   const struct survey_question_fields *q, struct brug_err *err)
{
	char *status = NULL;
	json_t *old = NULL;
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = question_of(db, who->org_id, survey, id, true, &status, &old, err);
	if (!rc)
		rc = update_row(db, who->org_id, old, strcmp(status, "draft") != 0, q, err);
	if (!rc)
		rc = audit_add(db, who, "survey.question_update", "survey", survey,
			       json_pack("{s:I}", "question_id", (json_int_t)id));
	json_decref(old);
	free(status);
	return db_finish(db, rc);
}

int survey_question_remove(struct db *db, const struct actor *who, int64_t survey, int64_t id,
			   bool *retired, struct brug_err *err)
{
	char *status = NULL;
	json_t *old = NULL;
	bool retire = false;
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = question_of(db, who->org_id, survey, id, false, &status, &old, err);
	if (rc)
		goto out;
	retire = strcmp(status, "draft") != 0;
	int64_t live = 0;
	if (retire && json_is_null(json_object_get(old, "retired_at")))
		rc = db_int_query(db, &live,
				  "SELECT COUNT(*) FROM survey_questions WHERE org_id = ?"
				  " AND survey_id = ? AND retired_at IS NULL",
				  DB_ARGS(DB_I(who->org_id), DB_I(survey)));
	if (!rc && retire && live == 1)
		rc = brug_fail(err, BRUG_ECONFLICT, "error.survey_last_question", NULL);
	if (rc)
		goto out;
	if (retire)
		rc = db_exec(db,
			     "UPDATE survey_questions SET retired_at = COALESCE(retired_at, ?)"
			     " WHERE org_id = ? AND id = ?",
			     DB_ARGS(DB_I(clock_now_ms()), DB_I(who->org_id), DB_I(id)));
	else
		rc = db_exec(db, "DELETE FROM survey_questions WHERE org_id = ? AND id = ?",
			     DB_ARGS(DB_I(who->org_id), DB_I(id)));
	if (!rc)
		rc = survey_touch(db, who->org_id, survey);
	if (!rc)
		rc = audit_add(db, who, retire ? "survey.question_retire" : "survey.question_delete",
			       "survey", survey,
			       json_pack("{s:I,s:s}", "question_id", (json_int_t)id, "key",
					 jx_str(old, "key")));
out:
	json_decref(old);
	free(status);
	rc = db_finish(db, rc);
	if (!rc && retired)
		*retired = retire;
	return rc;
}

int survey_question_move(struct db *db, const struct actor *who, int64_t survey, int64_t id,
			 int dir, struct brug_err *err)
{
	char *status = NULL;
	json_t *q = NULL;
	int64_t other = 0, pos = 0;
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = question_of(db, who->org_id, survey, id, true, &status, &q, err);
	if (rc)
		goto out;
	pos = jx_int(q, "position", 0);
	rc = db_int_query(db, &other,
			  dir < 0 ? "SELECT id FROM survey_questions WHERE org_id = ? AND survey_id = ?"
				    " AND retired_at IS NULL AND position < ? ORDER BY position DESC"
				    " LIMIT 1"
				  : "SELECT id FROM survey_questions WHERE org_id = ? AND survey_id = ?"
				    " AND retired_at IS NULL AND position > ? ORDER BY position LIMIT 1",
			  DB_ARGS(DB_I(who->org_id), DB_I(survey), DB_I(pos)));
	if (rc == BRUG_ENOTFOUND) { /* already first or last */
		rc = 0;
		goto out;
	}
	int64_t opos = 0;
	if (!rc)
		rc = db_int_query(db, &opos,
				  "SELECT position FROM survey_questions WHERE org_id = ? AND id = ?",
				  DB_ARGS(DB_I(who->org_id), DB_I(other)));
	if (!rc)
		rc = db_exec(db,
			     "UPDATE survey_questions SET position = CASE WHEN id = ? THEN ? ELSE ? END"
			     " WHERE org_id = ? AND id IN (?, ?)",
			     DB_ARGS(DB_I(id), DB_I(opos), DB_I(pos), DB_I(who->org_id), DB_I(id),
				     DB_I(other)));
	if (!rc)
		rc = survey_touch(db, who->org_id, survey);
	if (!rc)
		rc = audit_add(db, who, "survey.question_move", "survey", survey,
			       json_pack("{s:I,s:s}", "question_id", (json_int_t)id, "direction",
					 dir < 0 ? "up" : "down"));
out:
	json_decref(q);
	free(status);
	return db_finish(db, rc);
}

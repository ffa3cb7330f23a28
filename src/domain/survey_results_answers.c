/* SPDX-License-Identifier: Apache-2.0 */
/* The open answers of a survey to read through (see survey_results.h):
 * a paged list from survey_answers and survey_invitations, filtered by
 * theme (LIKE on the stored JSON list of keys) and by the invitation's
 * score group on the survey's NPS question. A list, not a dashboard
 * number: it reads the survey's open answers. */
#include "domain/survey_results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/survey_results_impl.h"
#include "domain/survey_text.h"
#include "util/jx.h"
#include "util/xmalloc.h"

#define FROM_WHERE \
	" FROM survey_answers a" \
	" JOIN survey_invitations i ON i.org_id = a.org_id AND i.id = a.invitation_id" \
	" LEFT JOIN relations r ON r.org_id = i.org_id AND r.id = i.relation_id" \
	" LEFT JOIN survey_answers p ON p.org_id = a.org_id AND p.invitation_id = a.invitation_id" \
	" AND p.question_id = ?" \
	" WHERE a.org_id = ? AND i.survey_id = ? AND a.text <> ''" \
	" AND (? = '' OR a.themes LIKE ? ESCAPE '!') AND (? < 0 OR p.score BETWEEN ? AND ?)"

/* A theme key as the dictionaries make them. */
static bool theme_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return false;
	return true;
}

static const char *group_of(int64_t score)
{
	return score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
}

/* {id: {key, text}} of the survey's questions, and its NPS question. */
static int questions(struct db *db, int64_t org, int64_t survey, const char *lang, json_t **out,
		     int64_t *nps)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT id, key, type, text_nl, text_en FROM survey_questions"
			  " WHERE org_id = ? AND survey_id = ?",
			  DB_ARGS(DB_I(org), DB_I(survey)));
	if (rc)
		return rc;
	json_t *o = json_object();
	*nps = 0;
	while ((rc = db_next(r)) == 1) {
		json_t *row = db_row_json(r);
		int64_t id = db_int(r, 0);
		if (!strcmp(db_text(r, 2), "nps") && (!*nps || id < *nps))
			*nps = id;
		char k[24];
		snprintf(k, sizeof(k), "%lld", (long long)id);
		json_object_set_new(o, k, json_pack("{s:s,s:s}", "key", db_text(r, 1), "text",
						    rs_pick(row, "text", lang)));
		json_decref(row);
	}
	db_rows_free(r);
	if (rc < 0) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

static json_t *item(struct db_rows *r, const json_t *qs, const json_t *dict, const char *lang)
{
	char k[24];
	snprintf(k, sizeof(k), "%lld", (long long)db_int(r, 1));
	const json_t *q = json_object_get(qs, k);
	json_t *o = json_pack("{s:I,s:s,s:s,s:s}", "invitation_id", (json_int_t)db_int(r, 0),
			      "question_key", jx_str(q, "key") ? jx_str(q, "key") : "",
			      "question_text", jx_str(q, "text") ? jx_str(q, "text") : "", "text",
			      db_text(r, 2));
	json_t *keys = json_loads(db_text(r, 3), 0, NULL), *t, *d, *themes = json_array();
	size_t i, j;
	json_array_foreach(keys, i, t) {
		const char *key = json_string_value(t), *label = key;
		json_array_foreach(dict, j, d)
			if (key && !strcmp(jx_str(d, "key"), key))
				label = jx_str(d, !strcmp(lang, "en") ? "en" : "nl");
		if (key)
			json_array_append_new(themes, json_pack("{s:s,s:s}", "key", key, "label",
								label ? label : key));
	}
	json_decref(keys);
	json_object_set_new(o, "themes", themes);
	int64_t s = db_int(r, 4);
	jx_set_int(o, "sentiment", s);
	jx_set_str(o, "sentiment_label", s >= 30 ? "positive" : s <= -30 ? "negative" : "neutral");
	jx_set_time(o, "answered_at", db_int(r, 5));
	json_object_set_new(o, "relation_id", db_null(r, 6) ? json_null() : json_integer(db_int(r, 6)));
	json_object_set_new(o, "relation_name", db_null(r, 7) ? json_null() : json_string(db_text(r, 7)));
	jx_set_bool(o, "has_nps", !db_null(r, 8));
	json_object_set_new(o, "nps", db_null(r, 8) ? json_null() : json_integer(db_int(r, 8)));
	jx_set_str(o, "group", db_null(r, 8) ? "" : group_of(db_int(r, 8)));
	return o;
}

int survey_results_answers(struct db *db, int64_t org, int64_t survey,
			   const struct survey_verbatim_filter *f, json_t **out,
			   struct brug_err *err)
{
	const char *theme = f->theme && *f->theme ? f->theme : "";
	const char *lang = f->lang ? f->lang : "nl";
	int64_t lo = -1, hi = -1;
	if (*theme && !theme_ok(theme))
		return brug_fail(err, BRUG_EVALIDATION, "error.choice", "theme");
	if (f->group && *f->group) {
		if (!strcmp(f->group, "promoter"))
			lo = 9, hi = 10;
		else if (!strcmp(f->group, "passive"))
			lo = 7, hi = 8;
		else if (!strcmp(f->group, "detractor"))
			lo = 0, hi = 6;
		else
			return brug_fail(err, BRUG_EVALIDATION, "error.choice", "group");
	}
	int page = f->page < 1 ? 1 : f->page > 100000 ? 100000 : f->page;
	char pattern[160]; /* room for an escape before each of 64 characters */
	snprintf(pattern, sizeof(pattern), "%%\"%s\"%%", theme);
	for (char *p = pattern + 2; *p; p++)
		if (*p == '_') /* a LIKE wildcard: made literal with the escape */
			memmove(p + 1, p, strlen(p) + 1), *p++ = '!';
	json_t *qs = NULL, *dict = NULL, *items = json_array();
	struct db_rows *r = NULL;
	int64_t nps = 0, total = 0;
	char *name = NULL;
	int rc = db_text_query(db, &name, "SELECT name FROM surveys WHERE org_id = ? AND id = ?",
			       DB_ARGS(DB_I(org), DB_I(survey)));
	if (!rc)
		rc = questions(db, org, survey, lang, &qs, &nps);
	if (!rc)
		rc = survey_text_themes(db, org, &dict);
#define FILTER_ARGS \
	DB_I(nps), DB_I(org), DB_I(survey), DB_T(theme), DB_T(pattern), DB_I(lo), DB_I(lo), DB_I(hi)
	if (!rc)
		rc = db_int_query(db, &total, "SELECT COUNT(*)" FROM_WHERE, DB_ARGS(FILTER_ARGS));
	if (!rc)
		rc = db_query(db, &r,
			      "SELECT a.invitation_id, a.question_id, a.text, a.themes, a.sentiment,"
			      " a.answered_at, i.relation_id, r.name, p.score" FROM_WHERE
			      " ORDER BY a.answered_at DESC, a.invitation_id DESC, a.question_id"
			      " LIMIT ? OFFSET ?",
			      DB_ARGS(FILTER_ARGS, DB_I(SURVEY_RESULTS_PAGE),
				      DB_I((int64_t)(page - 1) * SURVEY_RESULTS_PAGE)));
#undef FILTER_ARGS
	if (!rc) {
		while ((rc = db_next(r)) == 1)
			json_array_append_new(items, item(r, qs, dict, lang));
		db_rows_free(r);
	}
	if (rc < 0)
		goto out;
	rc = 0;
	json_t *list = json_array(), *d;
	size_t i;
	json_array_foreach(dict, i, d)
		json_array_append_new(list, json_pack("{s:s,s:s}", "key", jx_str(d, "key"), "label",
						      jx_str(d, !strcmp(lang, "en") ? "en" : "nl")));
	*out = json_pack("{s:{s:I,s:s},s:O,s:i,s:I,s:I,s:i,s:o}", "survey", "id",
			 (json_int_t)survey, "name", name, "items", items, "page", page, "total",
			 (json_int_t)total, "pages",
			 (json_int_t)((total + SURVEY_RESULTS_PAGE - 1) / SURVEY_RESULTS_PAGE),
			 "per_page", SURVEY_RESULTS_PAGE, "theme_list", list);
out:
	free(name);
	json_decref(items);
	json_decref(qs);
	json_decref(dict);
	return rc;
}

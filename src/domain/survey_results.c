/* SPDX-License-Identifier: Apache-2.0 */
/* The results of one survey (see survey_results.h): its questions, then
 * for each scored one the rows of survey_agg in the range (one index range
 * per question and breakdown), summed into totals, trends, groups and
 * themes. Reads nothing else that grows with the answers. */
#include "domain/survey_results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/survey_results_impl.h"
#include "domain/survey_text.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/tz.h"
#include "util/xmalloc.h"

const char *const survey_results_dims[] = {"type", "tag", "team", "user", "role", "channel", NULL};
const char *const survey_results_org_dims[] = {"survey", "team", NULL};

/* "YYYY-MM-DD" as YYYYMMDD, or 0. */
static int64_t parse_date(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	int64_t y = strtoll(s, NULL, 10), m = strtoll(s + 5, NULL, 10), d = strtoll(s + 8, NULL, 10);
	int64_t ymd = y * 10000 + m * 100 + d;
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	/* 31 February comes back as 3 March */
	return survey_results_ymd(survey_results_days(ymd)) == ymd ? ymd : 0;
}

static int org_today(struct db *db, int64_t org, int64_t *today)
{
	char *zone = NULL;
	int rc = db_text_query(db, &zone, "SELECT timezone FROM orgs WHERE org_id = ?",
			       DB_ARGS(DB_I(org)));
	if (rc)
		return rc;
	const struct tz *z = tz_get(zone);
	free(zone);
	if (!z)
		z = tz_get("Europe/Amsterdam");
	struct tz_civil c;
	tz_to_local(z, clock_now_ms(), &c);
	*today = (int64_t)c.year * 10000 + c.month * 100 + c.day;
	return 0;
}

static const char *one_of(const char *s, const char *const *set)
{
	for (size_t i = 0; set[i]; i++)
		if (!strcmp(s, set[i]))
			return set[i];
	return NULL;
}

int survey_results_query_parse(struct db *db, int64_t org, const char *from, const char *to,
			       const char *grain, const char *dim, const char *const *dims,
			       struct survey_results_query *q, struct brug_err *err)
{
	struct survey_results_query r = {.grain = 'm', .dim = dims[0], .lang = q->lang};
	if (grain && *grain) {
		if (strcmp(grain, "w") && strcmp(grain, "m"))
			return brug_fail(err, BRUG_EVALIDATION, "error.choice", "grain");
		r.grain = grain[0];
	}
	if (dim && *dim && !(r.dim = one_of(dim, dims)))
		return brug_fail(err, BRUG_EVALIDATION, "error.choice", "dim");
	if (from && *from && !(r.from = parse_date(from)))
		return brug_fail(err, BRUG_EVALIDATION, "error.results_date", "from");
	if (to && *to && !(r.to = parse_date(to)))
		return brug_fail(err, BRUG_EVALIDATION, "error.results_date", "to");
	if (!r.to || !r.from) {
		int64_t today = 0;
		int rc = org_today(db, org, &today);
		if (rc)
			return rc;
		if (!r.to)
			r.to = r.from && r.from > today ? r.from : today;
		if (!r.from) {
			/* the 1st of the month eleven months before to's: twelve months */
			int64_t y = r.to / 10000, m = r.to / 100 % 100 - 11;
			if (m < 1)
				m += 12, y--;
			r.from = y * 10000 + m * 100 + 1;
		}
	}
	if (r.from > r.to)
		return brug_fail(err, BRUG_EVALIDATION, "error.results_date", "from");
	if (survey_results_days(r.to) - survey_results_days(r.from) > SURVEY_RESULTS_DAYS_MAX)
		return brug_fail(err, BRUG_EVALIDATION, "error.results_date", "to");
	r.from = survey_results_period_start(r.from, r.grain);
	*q = r;
	return 0;
}

int rs_scan(struct db *db, int64_t org, int64_t survey, int64_t question, const char *dim,
	    const struct survey_results_query *q, rs_row_fn fn, void *ctx)
{
	char g[2] = {q->grain, 0};
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT period, dim_value, score, n FROM survey_agg WHERE org_id = ?"
			  " AND survey_id = ? AND question_id = ? AND grain = ? AND dim = ?"
			  " AND period BETWEEN ? AND ?",
			  DB_ARGS(DB_I(org), DB_I(survey), DB_I(question), DB_T(g), DB_T(dim),
				  DB_I(q->from), DB_I(q->to)));
	if (rc)
		return rc;
	while ((rc = db_next(r)) == 1)
		fn(ctx, db_int(r, 0), db_text(r, 1), db_int(r, 2), db_int(r, 3));
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

static void to_series(void *ctx, int64_t period, const char *dv, int64_t score, int64_t n)
{
	(void)dv;
	rs_series_add(ctx, period, score, n);
}

static void to_groups(void *ctx, int64_t period, const char *dv, int64_t score, int64_t n)
{
	(void)period;
	rs_groups_add(ctx, dv, score, n);
}

/* The counters sit at scores 0, 1, 2 of question 0: a series holds them. */
int rs_response_add(struct db *db, int64_t org, int64_t survey,
		    const struct survey_results_query *q, struct rs_series *s)
{
	return rs_scan(db, org, survey, 0, "", q, to_series, s);
}

json_t *rs_response_json(const struct rs_series *s)
{
	uint64_t c[RS_SCORES];
	rs_series_total(s, c);
	/* answered and sent fall in the periods of different moments, so a
	 * range can hold more answers than mails: no rate then */
	struct stats_share sh = {0};
	bool has = c[0] > 0 && c[1] <= c[0];
	if (has)
		stats_share_from_counts(c[1], c[0], &sh);
	return json_pack("{s:I,s:I,s:I,s:b,s:f,s:f,s:f}", "sent", (json_int_t)c[0], "answered",
			 (json_int_t)c[1], "completed", (json_int_t)c[2], "has_rate", has, "rate",
			 sh.pct, "lo", sh.lo, "hi", sh.hi);
}

static int rs_response(struct db *db, int64_t org, int64_t survey,
		       const struct survey_results_query *q, json_t **out)
{
	struct rs_series s = {0};
	int rc = rs_response_add(db, org, survey, q, &s);
	if (!rc)
		*out = rs_response_json(&s);
	rs_series_free(&s);
	return rc;
}

/* text_<lang>, else the other language's. */
const char *rs_pick(const json_t *o, const char *field, const char *lang)
{
	char k[32];
	bool en = lang && !strcmp(lang, "en");
	snprintf(k, sizeof(k), "%s_%s", field, en ? "en" : "nl");
	const char *s = jx_str(o, k);
	if (s && *s)
		return s;
	snprintf(k, sizeof(k), "%s_%s", field, en ? "nl" : "en");
	s = jx_str(o, k);
	return s ? s : "";
}

/* The survey's questions, live ones first in order: [{id, key, type,
 * text_nl, text_en, options (text), is_retired}]. */
static int questions_of(struct db *db, int64_t org, int64_t survey, json_t **out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT id, key, type, text_nl, text_en, options,"
			  " CASE WHEN retired_at IS NULL THEN 0 ELSE 1 END AS is_retired"
			  " FROM survey_questions WHERE org_id = ? AND survey_id = ?"
			  " ORDER BY CASE WHEN retired_at IS NULL THEN 0 ELSE 1 END, position, id",
			  DB_ARGS(DB_I(org), DB_I(survey)));
	if (rc)
		return rc;
	json_t *a = db_rows_json(r, &rc);
	db_rows_free(r);
	if (!a)
		return rc ? rc : BRUG_EDB;
	*out = a;
	return 0;
}

/* The lowest-id NPS question, else the first scored one; NULL: none. */
static json_t *main_question(json_t *qs)
{
	json_t *best = NULL, *q;
	size_t i;
	json_array_foreach(qs, i, q)
		if (!strcmp(jx_str(q, "type"), "nps") &&
		    (!best || jx_int(q, "id", 0) < jx_int(best, "id", 0)))
			best = q;
	json_array_foreach(qs, i, q)
		if (!best && rs_is_scored(jx_str(q, "type")))
			best = q;
	return best;
}

/* [{key, label, n, pct}] of a choice question; multiple: pct of the
 * answered invitations, single: of the picks. */
static int choices_json(struct db *db, int64_t org, int64_t survey, const json_t *q,
			const struct survey_results_query *rq, uint64_t answered, json_t *dst)
{
	struct rs_groups gs = {0};
	int rc = rs_scan(db, org, survey, jx_int(q, "id", 0), "choice", rq, to_groups, &gs);
	if (rc)
		goto out;
	uint64_t picks = 0;
	for (size_t i = 0; i < gs.n; i++)
		picks += gs.g[i].c[0];
	uint64_t base = strcmp(jx_str(q, "type"), "multiple") ? picks : answered;
	json_t *opts = json_loads(jx_str(q, "options"), 0, NULL), *c, *list = json_array();
	size_t i;
	json_array_foreach(json_object_get(opts, "choices"), i, c) {
		uint64_t n = 0;
		for (size_t j = 0; j < gs.n; j++)
			if (!strcmp(gs.g[j].value, jx_str(c, "key")))
				n = gs.g[j].c[0];
		const char *label = jx_str(c, rq->lang && !strcmp(rq->lang, "en") ? "en" : "nl");
		json_array_append_new(list, json_pack("{s:s,s:s,s:I,s:f}", "key", jx_str(c, "key"),
						      "label", label && *label ? label
									      : jx_str(c, "key"),
						      "n", (json_int_t)n, "pct",
						      base ? 100.0 * (double)n / (double)base : 0.0));
	}
	json_decref(opts);
	jx_set_int(dst, "n", (int64_t)picks);
	json_object_set_new(dst, "choices", list);
out:
	rs_groups_free(&gs);
	return rc;
}

/* One question's JSON; *keep false when it has nothing to show. */
static int question_json(struct db *db, int64_t org, int64_t survey, const json_t *q,
			 const struct survey_results_query *rq, uint64_t answered, json_t **out)
{
	const char *type = jx_str(q, "type");
	json_t *o = NULL;
	int rc = 0;
	if (rs_is_scored(type)) {
		struct rs_scale sc;
		rs_scale_of(type, jx_str(q, "options"), &sc);
		struct rs_series s = {0};
		if ((rc = rs_scan(db, org, survey, jx_int(q, "id", 0), "", rq, to_series, &s))) {
			rs_series_free(&s);
			return rc;
		}
		uint64_t c[RS_SCORES];
		rs_series_total(&s, c);
		struct rs_stat st;
		rs_stat_of(&sc, c, &st);
		o = rs_stat_json(&sc, &st, c, true);
		json_object_set_new(o, "trend", rs_trend_json(&sc, &s, rq->grain));
		rs_series_free(&s);
	} else if (!strcmp(type, "single") || !strcmp(type, "multiple")) {
		o = json_object();
		if ((rc = choices_json(db, org, survey, q, rq, answered, o))) {
			json_decref(o);
			return rc;
		}
	} else {
		*out = NULL;
		return 0;
	}
	json_object_set(o, "id", json_object_get(q, "id"));
	json_object_set(o, "key", json_object_get(q, "key"));
	jx_set_str(o, "type", type);
	jx_set_str(o, "text", rs_pick(q, "text", rq->lang));
	jx_set_bool(o, "is_retired", jx_bool(q, "is_retired", false));
	*out = o;
	return 0;
}

static void to_sentiment(void *ctx, int64_t period, const char *dv, int64_t score, int64_t n)
{
	(void)period;
	rs_groups_add(ctx, dv, score + 1, n); /* -1..1 at 0..2 */
}

static const struct rs_group *group_of(const struct rs_groups *gs, const char *value)
{
	for (size_t i = 0; i < gs->n; i++)
		if (!strcmp(gs->g[i].value, value))
			return &gs->g[i];
	return NULL;
}

static json_t *nps_brief(const uint64_t c[RS_SCORES])
{
	struct rs_scale sc;
	struct rs_stat st;
	rs_scale_of("nps", NULL, &sc);
	rs_stat_of(&sc, c, &st);
	return rs_stat_json(&sc, &st, c, false);
}

static int theme_cmp(const void *x, const void *y)
{
	int64_t a = jx_int(*(json_t *const *)x, "mentions", 0);
	int64_t b = jx_int(*(json_t *const *)y, "mentions", 0);
	if (a != b)
		return a > b ? -1 : 1;
	return strcmp(jx_str(*(json_t *const *)x, "label"), jx_str(*(json_t *const *)y, "label"));
}

/* One theme: its label, mentions by sentiment, and with an NPS main
 * question the NPS of invitations mentioning it against the rest (the
 * totals minus the theme's counts). */
static json_t *theme_json(const struct rs_group *g, const json_t *dict, const char *lang,
			  uint64_t answered, const struct rs_group *ng, const uint64_t *total)
{
	const char *label = g->value;
	json_t *t;
	size_t i;
	json_array_foreach(dict, i, t)
		if (!strcmp(jx_str(t, "key"), g->value))
			label = jx_str(t, lang && !strcmp(lang, "en") ? "en" : "nl");
	uint64_t m = g->c[0] + g->c[1] + g->c[2];
	json_t *o = json_pack("{s:s,s:s,s:I,s:f,s:I,s:I,s:I,s:b}", "key", g->value, "label", label,
			      "mentions", (json_int_t)m, "share_pct",
			      answered ? 100.0 * (double)m / (double)answered : 0.0, "negative",
			      (json_int_t)g->c[0], "neutral", (json_int_t)g->c[1], "positive",
			      (json_int_t)g->c[2], "has_nps", total != NULL);
	if (total) {
		uint64_t with[RS_SCORES] = {0}, without[RS_SCORES];
		for (int s = 0; s < RS_SCORES; s++) {
			with[s] = ng ? ng->c[s] : 0;
			without[s] = total[s] >= with[s] ? total[s] - with[s] : 0;
		}
		json_object_set_new(o, "with", nps_brief(with));
		json_object_set_new(o, "without", nps_brief(without));
	}
	return o;
}

static int themes_json(struct db *db, int64_t org, int64_t survey, const json_t *mainq,
		       const struct survey_results_query *rq, uint64_t answered, json_t **out)
{
	struct rs_groups sent = {0}, nps = {0};
	json_t *dict = NULL;
	bool has_nps = mainq && !strcmp(jx_str(mainq, "type"), "nps");
	int64_t nq = has_nps ? jx_int(mainq, "id", 0) : 0;
	uint64_t total[RS_SCORES] = {0};
	int rc = rs_scan(db, org, survey, 0, "theme", rq, to_sentiment, &sent);
	if (!rc)
		rc = survey_text_themes(db, org, &dict);
	if (!rc && has_nps)
		rc = rs_scan(db, org, survey, nq, "theme", rq, to_groups, &nps);
	if (!rc && has_nps) {
		struct rs_series s = {0};
		rc = rs_scan(db, org, survey, nq, "", rq, to_series, &s);
		rs_series_total(&s, total);
		rs_series_free(&s);
	}
	if (rc)
		goto out;
	json_t **items = xcalloc(sent.n + 1, sizeof(*items));
	size_t n = 0;
	for (size_t i = 0; i < sent.n; i++)
		if (sent.g[i].c[0] + sent.g[i].c[1] + sent.g[i].c[2])
			items[n++] = theme_json(&sent.g[i], dict, rq->lang, answered,
						group_of(&nps, sent.g[i].value),
						has_nps ? total : NULL);
	qsort(items, n, sizeof(*items), theme_cmp);
	*out = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(*out, items[i]);
	free(items);
out:
	rs_groups_free(&sent);
	rs_groups_free(&nps);
	json_decref(dict);
	return rc;
}

static int survey_name(struct db *db, int64_t org, int64_t survey, json_t **out)
{
	char *name = NULL;
	int rc = db_text_query(db, &name, "SELECT name FROM surveys WHERE org_id = ? AND id = ?",
			       DB_ARGS(DB_I(org), DB_I(survey)));
	if (rc)
		return rc;
	*out = json_pack("{s:I,s:s}", "id", (json_int_t)survey, "name", name);
	free(name);
	return 0;
}

json_t *rs_range_json(const struct survey_results_query *q)
{
	char f[16], t[16], g[2] = {q->grain, 0};
	rs_date_text(q->from, f, sizeof(f));
	rs_date_text(q->to, t, sizeof(t));
	return json_pack("{s:s,s:s,s:s,s:s}", "from", f, "to", t, "grain", g, "dim", q->dim);
}

/* The breakdown of the main question by q->dim. */
static int breakdown_json(struct db *db, int64_t org, int64_t survey, const json_t *mainq,
			  const struct survey_results_query *q, json_t **out)
{
	struct rs_groups gs = {0};
	json_t *names = NULL;
	struct rs_scale sc;
	rs_scale_of(jx_str(mainq, "type"), jx_str(mainq, "options"), &sc);
	int rc = rs_scan(db, org, survey, jx_int(mainq, "id", 0), q->dim, q, to_groups, &gs);
	if (!rc)
		rc = rs_group_names(db, org, q->dim, &names);
	if (!rc)
		*out = json_pack("{s:s,s:O,s:o}", "dim", q->dim, "question_id",
				 json_object_get(mainq, "id"), "groups",
				 rs_groups_json(&sc, &gs, names));
	json_decref(names);
	rs_groups_free(&gs);
	return rc;
}

static int fill(struct db *db, int64_t org, int64_t survey, const struct survey_results_query *q,
		json_t *d)
{
	json_t *qs = NULL, *v = NULL, *resp = NULL;
	int rc = questions_of(db, org, survey, &qs);
	if (!rc)
		rc = rs_response(db, org, survey, q, &resp);
	if (rc)
		goto out;
	json_object_set(d, "response", resp);
	uint64_t answered = (uint64_t)jx_int(resp, "answered", 0);
	json_t *list = json_array(), *row;
	json_object_set_new(d, "questions", list);
	size_t i;
	json_array_foreach(qs, i, row) {
		if ((rc = question_json(db, org, survey, row, q, answered, &v)))
			goto out;
		/* a retired question shows only what it was answered */
		if (v && (!jx_bool(row, "is_retired", false) || jx_int(v, "n", 0) > 0))
			json_array_append(list, v);
		json_decref(v);
		v = NULL;
	}
	const json_t *mq = main_question(qs);
	json_object_set_new(d, "main_question", json_integer(mq ? jx_int(mq, "id", 0) : 0));
	if (mq && (rc = breakdown_json(db, org, survey, mq, q, &v)))
		goto out;
	json_object_set_new(d, "breakdown", v ? v : json_null());
	v = NULL;
	if ((rc = themes_json(db, org, survey, mq, q, answered, &v)))
		goto out;
	json_object_set_new(d, "themes", v);
	v = NULL;
out:
	json_decref(qs);
	json_decref(resp);
	return rc;
}

int survey_results_get(struct db *db, int64_t org, int64_t survey,
		       const struct survey_results_query *q, json_t **out)
{
	json_t *s = NULL, *d = json_object();
	int rc = db_read_begin(db);
	if (rc) {
		json_decref(d);
		return rc;
	}
	if (!(rc = survey_name(db, org, survey, &s))) {
		json_object_set_new(d, "survey", s);
		json_object_set_new(d, "range", rs_range_json(q));
		rc = fill(db, org, survey, q, d);
	}
	db_read_end(db);
	if (rc) {
		json_decref(d);
		return rc;
	}
	*out = d;
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Survey results for dashboards: scores with 95% intervals, distributions,
 * trends with significance marks, breakdowns, response rates and themes,
 * read ONLY from survey_agg (plus the survey's questions and the names of
 * groups), so the cost grows with the periods, questions and groups shown,
 * never with the number of answers. The open answers themselves
 * (verbatims) are a paged list read from survey_answers. No HTTP, no
 * texts of the interface: labels of themes, choices and questions come in
 * the viewer's language, the rest is keys. */
#ifndef BRUG_DOMAIN_SURVEY_RESULTS_H
#define BRUG_DOMAIN_SURVEY_RESULTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"

/* Verbatims per page. */
#define SURVEY_RESULTS_PAGE 20
/* Groups with fewer answers are shown but flagged is_small. */
#define SURVEY_RESULTS_SMALL 5
/* The longest range in days a query may cover. */
#define SURVEY_RESULTS_DAYS_MAX 3700

/* What to read. from and to are dates as YYYYMMDD; the range is widened
 * to whole periods of the grain (from goes back to its Monday or the 1st
 * of its month). */
struct survey_results_query {
	int64_t from, to;
	char grain;      /* 'w' or 'm' */
	const char *dim; /* breakdown: type, tag, team, user, role, channel (org: survey, team) */
	const char *lang;
};

/* Reads from/to ("YYYY-MM-DD", NULL or "" for the default: the last 12
 * months up to today on org's clock), grain ("w"/"m", default "m") and dim
 * (one of dims, NULL-terminated; NULL or "" for dims[0]) into *q (dim
 * points into dims). BRUG_EVALIDATION "error.results_date" on from/to (not
 * a date, from after to, or a range over SURVEY_RESULTS_DAYS_MAX days),
 * "error.choice" on grain or dim, with err->field set. */
int survey_results_query_parse(struct db *db, int64_t org, const char *from, const char *to,
			       const char *grain, const char *dim, const char *const *dims,
			       struct survey_results_query *q, struct brug_err *err);

/* The breakdowns a survey's results offer, NULL-terminated. */
extern const char *const survey_results_dims[];
/* The breakdowns of the organisation dashboard, NULL-terminated. */
extern const char *const survey_results_org_dims[];

/* The results of survey (of org) as a new JSON object: {survey: {id,
 * name}, range: {from, to, grain}, response: {sent, answered, completed,
 * has_rate, rate, lo, hi}, questions: [{id, key, type, text, n, has_score,
 * unit (nps|pct|mean), value, lo, hi, nps?, share?, mean?, distribution:
 * [{score, n, pct}], choices?: [{key, label, n, pct}], trend: [{period,
 * label, n, has_score, value, lo, hi, change: {tested, significant, diff,
 * p_value, direction}}]}], main_question, breakdown: {dim, groups: [{value,
 * name, n, has_score, value, lo, hi, is_small}]}, themes: [{key, label,
 * mentions, share_pct, negative, neutral, positive, with: {n, value, lo,
 * hi, has_score}, without: {...}}]}. The breakdown and the themes' NPS are
 * of the main question: the survey's lowest-id NPS question, else its
 * first scored question. BRUG_ENOTFOUND for a survey not of org.
 * Thread-safe with its own connection. */
int survey_results_get(struct db *db, int64_t org, int64_t survey,
		       const struct survey_results_query *q, json_t **out);

/* The organisation dashboard over the NPS question (lowest id) of every
 * survey of org: {range, response, nps: {n, value, lo, hi, ...,
 * distribution}, trend: [...], breakdown: {dim, groups} with dim "survey"
 * or "team"}. A new object. */
int survey_results_org(struct db *db, int64_t org, const struct survey_results_query *q,
		       json_t **out);

/* Which open answers to list. theme: a theme key or NULL; group:
 * "promoter", "passive", "detractor" (by the score on the survey's NPS
 * question) or NULL; page from 1. */
struct survey_verbatim_filter {
	const char *theme, *group, *lang;
	int page;
};

/* Open answers of survey, newest first, SURVEY_RESULTS_PAGE per page:
 * {items: [{invitation_id, relation_id, relation_name, question_key,
 * question_text, text, themes: [{key, label}], sentiment, sentiment_label,
 * nps (or null), group, answered_at}], page, pages, total, per_page,
 * survey: {id, name}, theme_list: [{key, label}] (the dictionary)}.
 * A theme is matched with LIKE '%"key"%' on the stored JSON list (keys
 * hold no quotes), which reads every open answer of the survey: a list,
 * not a dashboard number. BRUG_ENOTFOUND for a survey not of org,
 * BRUG_EVALIDATION "error.choice" on theme (not a key) or group. */
int survey_results_answers(struct db *db, int64_t org, int64_t survey,
			   const struct survey_verbatim_filter *f, json_t **out,
			   struct brug_err *err);

/* Helpers shared with the exports and the tests (pure, thread-safe). */

/* Days since 1970-01-01 of a YYYYMMDD date, and back. */
int64_t survey_results_days(int64_t ymd);
int64_t survey_results_ymd(int64_t days);
/* The first day of the period of grain ('w': Monday, 'm': the 1st) that
 * holds ymd. */
int64_t survey_results_period_start(int64_t ymd, char grain);

#endif

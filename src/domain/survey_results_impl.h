/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the survey_results*.c files: the statistics of one scored
 * question from its per-score counts, as JSON, and period arithmetic. Not
 * a public interface. */
#ifndef BRUG_DOMAIN_SURVEY_RESULTS_IMPL_H
#define BRUG_DOMAIN_SURVEY_RESULTS_IMPL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/survey_results.h"
#include "util/stats.h"

/* Every scored type keeps its scores in 0..10. */
#define RS_SCORES 11

/* How a scored question is read: nps, csat, ces, rating (min..max), yesno. */
struct rs_scale {
	char type[8];
	int min, max;
};

/* The statistics of one set of counts. */
struct rs_stat {
	bool has;
	uint64_t n;
	const char *unit; /* "nps", "pct" or "mean" */
	double value, lo, hi;
	struct stats_nps nps;
	struct stats_share share;
	struct stats_mean mean;
};

/* True for the types that carry a score. */
bool rs_is_scored(const char *type);
/* The scale of a question row (type, options JSON text). */
void rs_scale_of(const char *type, const char *options, struct rs_scale *out);
/* Fills *st from c[0..10] (counts of scores 0..10). */
void rs_stat_of(const struct rs_scale *s, const uint64_t c[RS_SCORES], struct rs_stat *st);
/* {n, has_score, unit, value, lo, hi}; with detail also nps/share/mean
 * and the distribution over the scale. A new object. */
json_t *rs_stat_json(const struct rs_scale *s, const struct rs_stat *st,
		     const uint64_t c[RS_SCORES], bool detail);

/* Counts per period, in ascending period order. */
struct rs_period {
	int64_t period;
	uint64_t c[RS_SCORES];
};
struct rs_series {
	struct rs_period *p;
	size_t n, cap;
};
/* Adds n to score of period (periods arrive in any order). */
void rs_series_add(struct rs_series *s, int64_t period, int64_t score, int64_t n);
void rs_series_free(struct rs_series *s);
/* Sums every period into c. */
void rs_series_total(const struct rs_series *s, uint64_t c[RS_SCORES]);
/* The trend: per period its statistics and the change against the period
 * before it (in the list) with its test. A new array. */
json_t *rs_trend_json(const struct rs_scale *sc, const struct rs_series *s, char grain);

/* Groups of a breakdown: counts per value. */
struct rs_group {
	char value[72];
	uint64_t c[RS_SCORES];
};
struct rs_groups {
	struct rs_group *g;
	size_t n, cap;
};
void rs_groups_add(struct rs_groups *gs, const char *value, int64_t score, int64_t n);
void rs_groups_free(struct rs_groups *gs);
/* [{value, name, n, has_score, unit, value, lo, hi, is_small}] sorted by n
 * (descending), names from names ({value: name}, may be NULL). */
json_t *rs_groups_json(const struct rs_scale *sc, const struct rs_groups *gs, const json_t *names);

/* The names of the groups of dim (tag, team, user, role, survey) of org:
 * {value: name}; other dims give an empty object. A new object. */
int rs_group_names(struct db *db, int64_t org, const char *dim, json_t **out);

/* "2026-03" (month) or "2026-W10" (ISO week) for a period start. */
void rs_period_label(int64_t period, char grain, char *out, size_t n);
/* "2026-03-01" for 20260301. */
void rs_date_text(int64_t ymd, char *out, size_t n);

/* Adds the response counters (question 0, dim '', scores 0 sent, 1
 * answered, 2 completed) of survey in q's range to s. */
int rs_response_add(struct db *db, int64_t org, int64_t survey,
		    const struct survey_results_query *q, struct rs_series *s);
/* {sent, answered, completed, has_rate, rate, lo, hi} of those counters. */
json_t *rs_response_json(const struct rs_series *s);

/* "text_<lang>" of o, else the other language's; "" when neither. */
const char *rs_pick(const json_t *o, const char *field, const char *lang);
/* The range of q as {from, to, grain, dim}. A new object. */
json_t *rs_range_json(const struct survey_results_query *q);

/* Calls fn(ctx, period, dim_value, score, n) for every survey_agg row of
 * (survey, question, grain, dim) in q's range: one index range. */
typedef void (*rs_row_fn)(void *ctx, int64_t period, const char *dv, int64_t score, int64_t n);
int rs_scan(struct db *db, int64_t org, int64_t survey, int64_t question, const char *dim,
	    const struct survey_results_query *q, rs_row_fn fn, void *ctx);
#endif

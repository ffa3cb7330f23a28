/* SPDX-License-Identifier: Apache-2.0 */
/* The survey aggregates (survey_agg, see sql/0010_feedback.sql): counts of
 * answers by question, score, period and breakdown, changed in the same
 * transaction as the answers and invitations they count, so dashboards read
 * a few rows per period instead of every answer. */
#ifndef BRUG_DOMAIN_SURVEY_AGG_H
#define BRUG_DOMAIN_SURVEY_AGG_H

#include <stdint.h>

#include "db/db.h"

/* The two periods a moment falls in on a zone's clock, as YYYYMMDD: the
 * Monday of its ISO week and the first of its month. */
struct survey_periods {
	int64_t week, month;
};

/* The periods of at_ms on the clock of zone (a tz name; NULL or unknown:
 * Europe/Amsterdam). Pure and thread-safe. */
void survey_agg_periods(const char *zone, int64_t at_ms, struct survey_periods *out);

/* Adds delta (may be negative) to the count of (survey, question, dim,
 * dim_value, score) in both grains of p, inside the caller's transaction.
 * dim and dim_value are "" for the whole. */
int survey_agg_add(struct db *db, int64_t org, int64_t survey, int64_t question, const char *dim,
		   const char *dim_value, int64_t score, int64_t delta, const struct survey_periods *p);

/* survey_agg_add at at_ms on org's clock (one look-up of the org's zone). */
int survey_agg_bump(struct db *db, int64_t org, int64_t survey, int64_t question, const char *dim,
		    const char *dim_value, int64_t score, int64_t delta, int64_t at_ms);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* The survey_agg counters that dashboards read (sql/0010_feedback.sql):
 * one helper that adds to a counter in the caller's transaction, for the
 * week and the month of a moment on the organisation's clock, so every
 * writer (invitations sent, answers, themes) counts the same way. It only
 * adds; reading the counters belongs to the results code. */
#ifndef BRUG_DOMAIN_SURVEY_AGG_H
#define BRUG_DOMAIN_SURVEY_AGG_H

#include <stdint.h>

#include "db/db.h"

/* The periods of at_ms on the clock of zone (NULL or unknown:
 * Europe/Amsterdam), as YYYYMMDD numbers: *week the Monday of its ISO
 * week, *month the first of its month. Pure and thread-safe. */
void survey_agg_periods(const char *zone, int64_t at_ms, int64_t *week, int64_t *month);

/* Adds delta (may be negative) to the counter (org, survey, question, dim,
 * dim_value, score) for grains 'w' and 'm' of at_ms on org's clock,
 * creating the rows at delta when missing. dim and dim_value: "" for the
 * totals (see the migration for the others). Runs in the caller's
 * transaction when one is open (it should be: the counter must move with
 * the write it counts). Thread-safe per connection. */
int survey_agg_bump(struct db *db, int64_t org, int64_t survey, int64_t question, const char *dim,
		    const char *dim_value, int64_t score, int64_t delta, int64_t at_ms);

#endif

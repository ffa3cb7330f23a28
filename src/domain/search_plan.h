/* SPDX-License-Identifier: Apache-2.0 */
/* How search finds the objects of one kind that match every group of a
 * parsed query, newest (highest id) first, reading a number of index
 * entries that follows the number of results asked for, not the number of
 * matches: the rarest group drives, its posting lists walked down by id a
 * batch at a time; the other groups are checked per batch; the walk stops
 * once enough objects matched. Used by search.c (and its tests); the plan
 * is explained in docs/internals/search.md. */
#ifndef BRUG_DOMAIN_SEARCH_PLAN_H
#define BRUG_DOMAIN_SEARCH_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "util/textfold.h"

/* The thresholds of a plan. They change how fast a query is, never what it
 * finds. */
struct search_limits {
	/* a prefix with at most this many terms in search_vocab is read as
	 * those terms; a wider one by its range (at most 64) */
	size_t range_terms;
	/* a group with at most this many index entries is read whole in one
	 * query, and drives from memory */
	size_t small_list;
	/* candidates in the first batch; each next batch is twice as large,
	 * up to batch_max */
	size_t batch_first;
	size_t batch_max;
	/* a group at most this many times as frequent as the driving one is
	 * checked by reading its entries in the id range of the batch; a more
	 * frequent one by looking up each candidate */
	size_t merge_ratio;
	/* most ids in one look-up statement (1..256) */
	size_t probe_max;
};

/* The limits every plan uses unless search_limits_set changed them. */
extern const struct search_limits search_limits_default;

/* Replaces the limits of every later plan (NULL: back to the defaults;
 * out-of-range values are clamped). For tests, which make them tiny so a
 * few hundred rows take every path. Not thread-safe: call it while no
 * search runs. */
void search_limits_set(const struct search_limits *l);

struct search_plan;

/* Plans q over the objects of each of the n kinds (at most 4; "relation",
 * "interaction") of org: reads what search_vocab says of every term of q
 * for all of them in one statement, and picks how each group is read.
 * On success plans[i] is the plan for kinds[i], which the caller frees
 * with search_plan_free; on failure every plans[i] is NULL. q, kinds and
 * db must outlive the plans. Not thread-safe: one thread uses the plans
 * and their db at a time. */
int search_plan_new(struct db *db, int64_t org, const char *const *kinds, size_t n,
		    const struct textfold_query *q, struct search_plan **plans);

/* The next at most n matching object ids into ids, highest first, each
 * once over the life of the plan; *got < n only when no more match. */
int search_plan_next(struct search_plan *p, int64_t *ids, size_t n, size_t *got);

/* How p reads: its driver, "none" (nothing can match), "list" (the
 * rarest group read whole), "merge" (its posting lists merged) or "scan"
 * (every object, for a wide prefix alone); and how many other groups it
 * checks by reading their entries in a batch's id range (*by_range) and by
 * looking candidates up (*by_probe). For tests and diagnostics. */
const char *search_plan_explain(const struct search_plan *p, size_t *by_range, size_t *by_probe);

/* Frees p; NULL is fine. */
void search_plan_free(struct search_plan *p);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Survey statistics from counts: NPS (0-10), CSAT (1-5), CES (1-7) and any
 * 1..k rating, each with a 95% confidence interval, and the tests that say
 * whether a change between two periods is real. Everything is computed from
 * per-score counts, so aggregates of two periods can simply be added. Pure
 * arithmetic: no allocation, no I/O, no global state. The reasoning behind
 * each formula is in docs/internals/statistics.md. */
#ifndef BRUG_UTIL_STATS_H
#define BRUG_UTIL_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest total number of answers accepted: 2^53, the largest count a
 * double holds exactly. A larger (or overflowing) total is BRUG_EINVAL. */
#define STATS_N_MAX ((uint64_t)1 << 53)
/* Largest k for a 1..k rating scale. */
#define STATS_K_MAX 100
/* A change is only tested when both periods have at least this many
 * answers; below it a change is never marked significant. */
#define STATS_COMPARE_MIN_N 30
/* The normal 97.5% quantile: every interval here is a two-sided 95% one. */
#define STATS_Z95 1.959963984540054

/* NPS from the counts of scores 0..10. All percentages are 0..100. */
struct stats_nps {
	bool has_score; /* false when n == 0: "no score"; the doubles are 0 */
	uint64_t n;
	uint64_t promoters;  /* 9-10 */
	uint64_t passives;   /* 7-8 */
	uint64_t detractors; /* 0-6 */
	double promoter_pct, passive_pct, detractor_pct;
	double score_pct[11]; /* the 0-10 distribution */
	double nps;           /* 100 (p - d), -100..100, p and d the shares */
	/* Standard error in points: 100 sqrt((p + d - (p - d)^2) / n), the
	 * trinomial variance of p - d. 0 when every answer is in one group. */
	double se;
	/* 95% interval in points, an adjusted Wald interval (Rocks 2016,
	 * after Agresti and Caffo): 3/4 of an answer is added to promoters and
	 * to detractors and 3 to n (so 3/2 to passives); the interval is
	 * nps' +- 1.96 se' with nps' and se' from those adjusted counts,
	 * clipped to -100..100 and widened, if needed, to contain nps (only
	 * at n = 1 does it need to). It is not centred on nps. Why: with p = 1
	 * or d = 1 the plain Wald interval has width 0, and for small n it
	 * covers the true score far less often than 95%; the pseudo-counts
	 * pull the centre a little towards 0 and keep the width honest (one
	 * promoter gives -48.5..100, ten give 47.5..100). For large n both
	 * agree. */
	double lo, hi;
};

/* A share ("satisfied", "agrees") of n answers, in percent. */
struct stats_share {
	bool has_score; /* false when n == 0; the doubles are 0 */
	uint64_t n, hits;
	double pct; /* 100 hits / n */
	/* Wilson score 95% interval: unlike p +- 1.96 sqrt(p(1-p)/n) it never
	 * leaves 0..100 and does not shrink to a point at 0% or 100%. */
	double lo, hi;
};

/* The mean of a 1..k rating. */
struct stats_mean {
	bool has_score; /* false when n == 0; the doubles are 0 */
	uint64_t n;
	unsigned k;  /* the scale is 1..k */
	double mean; /* 1..k */
	double sd;   /* sample standard deviation (n - 1 in the denominator); 0 for n = 1 */
	double se;   /* sd / sqrt(n) */
	/* 95% interval: mean +- t(0.975, n - 1) se, clipped to 1..k. With one
	 * answer it is the whole scale 1..k. When all answers are equal it
	 * has width 0: the mean alone cannot tell, so show the share interval
	 * next to it (docs/internals/statistics.md). */
	double lo, hi;
};

/* CSAT from the counts of 1..5: satisfied means 4 or 5. */
struct stats_csat {
	struct stats_share satisfied;
	struct stats_mean mean;
};

/* CES from the counts of 1..7: agreeing means 5, 6 or 7. */
struct stats_ces {
	struct stats_share agree;
	struct stats_mean mean;
};

/* The outcome of comparing a period ("before") with another ("after"). */
struct stats_change {
	bool tested;      /* both periods have >= STATS_COMPARE_MIN_N answers */
	bool significant; /* tested and p_value < 0.05 */
	double diff;      /* after - before: NPS points, percentage points or scale points */
	double stat;      /* z (NPS, share) or Welch t (mean); 0 when not tested */
	double df;        /* Welch degrees of freedom; 0 for the z tests and when not tested */
	double p_value;   /* two-sided; 1 when not tested */
};

/* Fills *out from counts[0..10], the number of answers with scores 0..10.
 * Returns 0, or BRUG_EINVAL (out untouched) when counts or out is NULL or
 * the total passes STATS_N_MAX. n = 0 is success with has_score false.
 * Thread-safe. */
int stats_nps_from_counts(const uint64_t counts[11], struct stats_nps *out);

/* Fills *out for hits of n answers. BRUG_EINVAL (out untouched) when out is
 * NULL, hits > n or n > STATS_N_MAX. Thread-safe. */
int stats_share_from_counts(uint64_t hits, uint64_t n, struct stats_share *out);

/* Fills *out from counts[0..k-1], the number of answers with scores 1..k.
 * BRUG_EINVAL (out untouched) when counts or out is NULL, k is not in
 * 2..STATS_K_MAX or the total passes STATS_N_MAX. Thread-safe. */
int stats_mean_from_counts(const uint64_t *counts, size_t k, struct stats_mean *out);

/* CSAT from counts[0..4] (scores 1..5); errors as stats_mean_from_counts.
 * Thread-safe. */
int stats_csat_from_counts(const uint64_t counts[5], struct stats_csat *out);

/* CES from counts[0..6] (scores 1..7); errors as stats_mean_from_counts.
 * Thread-safe. */
int stats_ces_from_counts(const uint64_t counts[7], struct stats_ces *out);

/* Is the NPS change from before to after real? A z-test on the difference
 * with the two periods' trinomial variances: z = diff / sqrt(se_b^2 +
 * se_a^2). When both variances are 0 (each period entirely in one group)
 * p is 1 for equal scores and 0 otherwise. Periods with fewer than
 * STATS_COMPARE_MIN_N answers are not tested. Writes *out; thread-safe. */
void stats_nps_compare(const struct stats_nps *before, const struct stats_nps *after,
		       struct stats_change *out);

/* The same for a share: the pooled two-proportion z-test. Thread-safe. */
void stats_share_compare(const struct stats_share *before, const struct stats_share *after,
			 struct stats_change *out);

/* The same for a mean: Welch's t-test (unequal variances, Welch-
 * Satterthwaite degrees of freedom, p from the t distribution). Means of
 * different scales are not comparable: their change is never tested.
 * Thread-safe. */
void stats_mean_compare(const struct stats_mean *before, const struct stats_mean *after,
			struct stats_change *out);

/* P(Z <= x) for a standard normal Z (via erfc). Thread-safe. */
double stats_normal_cdf(double x);

/* The 97.5% quantile of Student's t with df degrees of freedom, so that
 * +- the value holds 95%: exact to 9 digits from a table for df <= 30,
 * above that the Cornish-Fisher expansion around STATS_Z95 to 1/df^4
 * (error below 3e-8 from df = 31 on). df = 0 gives INFINITY.
 * Thread-safe. */
double stats_t_quantile975(uint64_t df);

/* Two-sided p-value P(|T| >= |t|) for Student's t with df > 0 degrees of
 * freedom (not necessarily whole), from the regularised incomplete beta
 * function; the normal tail for df > 1e5, where the two agree to 1e-5.
 * NAN for df <= 0 or NAN input. Thread-safe. */
double stats_t_pvalue2(double t, double df);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/util/stats.c: hand-checked NPS, Wilson and t intervals (the
 * arithmetic next to each number; cross-checked once with Python's
 * statistics module and mpmath, which the tests do not need), the edge
 * cases n = 0, n = 1, all promoters, all detractors and totals near 2^53,
 * mergeability against statistics of the concatenated answers, symmetry,
 * narrowing with n, and the significance rules for a change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "util/rc.h"
#include "util/stats.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void near_at(double got, double want, double tol, const char *what, int line)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("line %d: %s = %.12g, want %.12g +- %g", line, what, got, want, tol);
}
#define NEAR(got, want, tol) near_at((got), (want), (tol), #got, __LINE__)

static struct stats_nps nps_of(uint64_t promoters, uint64_t passives, uint64_t detractors)
{
	uint64_t c[11] = {0};
	c[10] = promoters;
	c[7] = passives;
	c[0] = detractors;
	struct stats_nps r;
	assert_int_equal(stats_nps_from_counts(c, &r), 0);
	return r;
}

/* ---- NPS ---- */

static void test_nps_hand(void **state)
{
	(void)state;
	/* 50 promoters, 30 passives, 20 detractors (n = 100), spread over
	 * the scale to check the grouping 0-6 / 7-8 / 9-10 */
	uint64_t c[11] = {5, 0, 0, 5, 0, 5, 5, 10, 20, 25, 25};
	struct stats_nps r;
	assert_int_equal(stats_nps_from_counts(c, &r), 0);
	assert_true(r.has_score);
	assert_int_equal(r.n, 100);
	assert_int_equal(r.promoters, 50);
	assert_int_equal(r.passives, 30);
	assert_int_equal(r.detractors, 20);
	NEAR(r.promoter_pct, 50.0, 1e-12);
	NEAR(r.passive_pct, 30.0, 1e-12);
	NEAR(r.detractor_pct, 20.0, 1e-12);
	NEAR(r.score_pct[0], 5.0, 1e-12);
	NEAR(r.score_pct[8], 20.0, 1e-12);
	NEAR(r.score_pct[10], 25.0, 1e-12);
	/* NPS = 50 - 20 = 30 */
	NEAR(r.nps, 30.0, 1e-12);
	/* var = (0.5 + 0.2 - 0.3^2) / 100 = 0.0061; se = 100 sqrt(0.0061) =
	 * 7.8102 points (plain Wald CI would be 30 +- 15.31) */
	NEAR(r.se, 7.810249675906654, 1e-9);
	/* adjusted: n' = 103, p' = 50.75/103 = 0.492718, d' = 20.75/103 =
	 * 0.201456, nps' = 29.126, var' = (0.694175 - 0.291262^2) / 103 =
	 * 0.0059159, half = 1.96 * 0.076915 = 0.150751 -> 14.05 .. 44.20 */
	NEAR(r.lo, 14.051130178761609, 1e-9);
	NEAR(r.hi, 44.20129700570441, 1e-9);

	/* ten times the answers: se = 100 sqrt(0.0061 / 10) = 2.4698;
	 * adjusted over n' = 1003 -> 25.077 .. 34.744 */
	r = nps_of(500, 300, 200);
	NEAR(r.nps, 30.0, 1e-12);
	NEAR(r.se, 2.4698178070456938, 1e-9);
	NEAR(r.lo, 25.077000274843396, 1e-9);
	NEAR(r.hi, 34.74353811000207, 1e-9);

	/* a tenth: n = 10 gives -19.05 .. 65.20, far wider than 30 +- 48 is
	 * not: the pseudo-counts matter most here */
	r = nps_of(5, 3, 2);
	NEAR(r.se, 24.69817807045694, 1e-9);
	NEAR(r.lo, -19.05061537636366, 1e-9);
	NEAR(r.hi, 65.20446153020981, 1e-9);
}

static void test_nps_edges(void **state)
{
	(void)state;
	/* n = 0: no score, success, everything zero */
	uint64_t zero[11] = {0};
	struct stats_nps r;
	memset(&r, 0xff, sizeof(r));
	assert_int_equal(stats_nps_from_counts(zero, &r), 0);
	assert_false(r.has_score);
	assert_int_equal(r.n, 0);
	NEAR(r.nps, 0.0, 0.0);
	NEAR(r.lo, 0.0, 0.0);
	NEAR(r.hi, 0.0, 0.0);

	/* n = 1 promoter: NPS 100, Wald se 0, but the interval is wide:
	 * p' = 1.75/4 = 0.4375, d' = 0.75/4 = 0.1875, nps' = 25,
	 * var' = (0.625 - 0.0625) / 4 = 0.140625, se' = 0.375,
	 * half = 1.96 * 0.375 = 73.5 points -> -48.50 .. 98.50, widened to
	 * contain the observed 100 */
	r = nps_of(1, 0, 0);
	NEAR(r.nps, 100.0, 0.0);
	NEAR(r.se, 0.0, 0.0);
	NEAR(r.lo, -48.498649420252015, 1e-9);
	NEAR(r.hi, 100.0, 0.0);
	/* n = 1 detractor: the mirror image */
	r = nps_of(0, 0, 1);
	NEAR(r.nps, -100.0, 0.0);
	NEAR(r.lo, -100.0, 0.0);
	NEAR(r.hi, 48.498649420252015, 1e-9);
	/* n = 1 passive: centred on 0 */
	r = nps_of(0, 1, 0);
	NEAR(r.nps, 0.0, 0.0);
	NEAR(r.lo, -r.hi, 1e-12);

	/* all promoters, n = 10: p' = 10.75/13, d' = 0.75/13, nps' = 10/13
	 * = 0.76923, var' = (11.5/13 - (10/13)^2) / 13 = 0.022531, half =
	 * 1.96 * 0.150104 = 0.29420 -> 47.50 .. 100 (clipped from 106.3) */
	r = nps_of(10, 0, 0);
	NEAR(r.nps, 100.0, 0.0);
	NEAR(r.se, 0.0, 0.0);
	NEAR(r.lo, 47.503551544790206, 1e-9);
	NEAR(r.hi, 100.0, 0.0);
	/* all detractors */
	r = nps_of(0, 0, 10);
	NEAR(r.nps, -100.0, 0.0);
	NEAR(r.lo, -100.0, 0.0);
	NEAR(r.hi, -47.503551544790206, 1e-9);

	/* bad calls */
	assert_int_equal(stats_nps_from_counts(NULL, &r), BRUG_EINVAL);
	assert_int_equal(stats_nps_from_counts(zero, NULL), BRUG_EINVAL);
}

static void test_nps_huge(void **state)
{
	(void)state;
	/* n = 2^53 exactly is accepted: 2^52 promoters and 2^52 detractors,
	 * NPS 0, var = (1 - 0) / 2^53, se = 100 / 2^26.5 = 1.0537e-6 */
	uint64_t c[11] = {0};
	c[0] = (uint64_t)1 << 52;
	c[10] = (uint64_t)1 << 52;
	struct stats_nps r;
	assert_int_equal(stats_nps_from_counts(c, &r), 0);
	assert_true(r.n == STATS_N_MAX);
	NEAR(r.nps, 0.0, 0.0);
	NEAR(r.se, 100.0 / sqrt(9007199254740992.0), 1e-18);
	assert_true(r.lo < 0 && r.hi > 0 && r.hi - r.lo < 1e-5);

	/* one more answer passes the cap: a clear error, out untouched */
	struct stats_nps before = r;
	c[5] = 1;
	assert_int_equal(stats_nps_from_counts(c, &r), BRUG_EINVAL);
	assert_memory_equal(&r, &before, sizeof(r));
	/* a total that wraps around uint64_t is refused, not wrapped */
	uint64_t wrap[11] = {UINT64_MAX, 2};
	assert_int_equal(stats_nps_from_counts(wrap, &r), BRUG_EINVAL);
	uint64_t wrap2[11] = {STATS_N_MAX, 0, 0, 0, 0, 0, 0, 0, 0, 0, UINT64_MAX};
	assert_int_equal(stats_nps_from_counts(wrap2, &r), BRUG_EINVAL);

	/* a mean over 2^53 answers: half 1s, half 5s on 1..5 -> mean 3, sd =
	 * 2 sqrt(n / (n - 1)) = 2 to double precision */
	uint64_t m[5] = {(uint64_t)1 << 52, 0, 0, 0, (uint64_t)1 << 52};
	struct stats_mean mr;
	assert_int_equal(stats_mean_from_counts(m, 5, &mr), 0);
	NEAR(mr.mean, 3.0, 0.0);
	NEAR(mr.sd, 2.0, 1e-12);
	assert_true(mr.lo < 3.0 && mr.hi > 3.0 && mr.hi - mr.lo < 1e-6);
	m[2] = 1;
	assert_int_equal(stats_mean_from_counts(m, 5, &mr), BRUG_EINVAL);
}

static void test_nps_symmetry(void **state)
{
	(void)state;
	/* swapping promoters and detractors negates the NPS and mirrors the
	 * interval: same width, same se */
	static const uint64_t cases[][3] = {
		{50, 30, 20}, {1, 0, 0}, {3, 1, 0}, {0, 7, 2}, {120, 5, 40}, {9, 9, 9}, {1000, 0, 1},
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct stats_nps a = nps_of(cases[i][0], cases[i][1], cases[i][2]);
		struct stats_nps b = nps_of(cases[i][2], cases[i][1], cases[i][0]);
		NEAR(b.nps, -a.nps, 1e-12);
		NEAR(b.se, a.se, 1e-12);
		NEAR(b.lo, -a.hi, 1e-9);
		NEAR(b.hi, -a.lo, 1e-9);
		NEAR(b.hi - b.lo, a.hi - a.lo, 1e-9);
	}
}

static void test_nps_contains_score(void **state)
{
	(void)state;
	/* every split of up to 40 answers: the interval lies in -100..100,
	 * has width, and contains the observed score (the pseudo-counts alone
	 * would put one promoter's 100 outside -48.5 .. 98.5) */
	for (uint64_t n = 1; n <= 40; n++)
		for (uint64_t p = 0; p <= n; p++)
			for (uint64_t d = 0; p + d <= n; d++) {
				struct stats_nps r = nps_of(p, n - p - d, d);
				if (!(r.lo <= r.nps && r.nps <= r.hi && r.lo < r.hi &&
				      r.lo >= -100.0 && r.hi <= 100.0))
					fail_msg("%llu/%llu/%llu: nps %g outside %g .. %g",
						 (unsigned long long)p,
						 (unsigned long long)(n - p - d),
						 (unsigned long long)d, r.nps, r.lo, r.hi);
			}
}

static void test_nps_narrows(void **state)
{
	(void)state;
	/* same shares, more answers: the interval narrows every time, also
	 * for all promoters where plain Wald would be 0 wide throughout */
	static const uint64_t shapes[][3] = {{5, 3, 2}, {1, 0, 0}, {0, 0, 1}, {1, 1, 1}, {2, 0, 1}};
	for (size_t s = 0; s < N(shapes); s++) {
		double width = INFINITY;
		for (uint64_t f = 1; f <= ((uint64_t)1 << 30); f *= 4) {
			struct stats_nps r =
				nps_of(shapes[s][0] * f, shapes[s][1] * f, shapes[s][2] * f);
			double w = r.hi - r.lo;
			if (!(w < width))
				fail_msg("shape %zu x%llu: width %g did not shrink from %g", s,
					 (unsigned long long)f, w, width);
			assert_true(w > 0);
			width = w;
		}
	}
	/* Wilson and t likewise */
	double ws = INFINITY, wm = INFINITY;
	for (uint64_t f = 1; f <= 100000; f *= 10) {
		struct stats_share sh;
		assert_int_equal(stats_share_from_counts(7 * f, 10 * f, &sh), 0);
		assert_true(sh.hi - sh.lo < ws);
		ws = sh.hi - sh.lo;
		uint64_t c[5] = {f, f, 2 * f, 4 * f, 2 * f};
		struct stats_mean m;
		assert_int_equal(stats_mean_from_counts(c, 5, &m), 0);
		assert_true(m.hi - m.lo < wm);
		wm = m.hi - m.lo;
	}
}

/* ---- mergeability: counts added vs the concatenated answers ---- */

static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

/* Mean and sample sd of a list of answers, the schoolbook way. */
static void list_mean_sd(const int *v, size_t n, double *mean, double *sd)
{
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	*mean = sum / (double)n;
	double ss = 0;
	for (size_t i = 0; i < n; i++)
		ss += (v[i] - *mean) * (v[i] - *mean);
	*sd = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;
}

static void test_merge(void **state)
{
	(void)state;
	uint64_t seed = 42;
	enum { MAXN = 400 };
	static int answers[2 * MAXN];
	for (int round = 0; round < 50; round++) {
		/* two periods of random 0..10 answers, skewed per round */
		uint64_t c1[11] = {0}, c2[11] = {0}, sum[11];
		size_t n = 0;
		size_t n1 = lcg(&seed) % MAXN, n2 = 1 + lcg(&seed) % MAXN;
		unsigned skew = (unsigned)(lcg(&seed) % 11);
		for (size_t i = 0; i < n1 + n2; i++) {
			int v = (int)(lcg(&seed) % 11);
			if (lcg(&seed) % 2)
				v = (int)skew;
			answers[n++] = v;
			(i < n1 ? c1 : c2)[v]++;
		}
		for (int i = 0; i < 11; i++)
			sum[i] = c1[i] + c2[i];
		struct stats_nps r;
		assert_int_equal(stats_nps_from_counts(sum, &r), 0);
		/* the NPS of the concatenation, answer by answer */
		double net = 0;
		for (size_t i = 0; i < n; i++)
			net += answers[i] >= 9 ? 1 : answers[i] <= 6 ? -1 : 0;
		double mean, sd;
		list_mean_sd(answers, n, &mean, &sd);
		NEAR(r.nps, 100.0 * net / (double)n, 1e-9);
		/* the trinomial variance is the variance of the +1/0/-1 scores
		 * with n in the denominator */
		double ss = 0;
		for (size_t i = 0; i < n; i++) {
			double x = answers[i] >= 9 ? 1 : answers[i] <= 6 ? -1 : 0;
			ss += (x - net / (double)n) * (x - net / (double)n);
		}
		NEAR(r.se, 100.0 * sqrt(ss / (double)n / (double)n), 1e-9);

		/* the same answers read as a 1..11 rating: mean and sd */
		struct stats_mean m;
		assert_int_equal(stats_mean_from_counts(sum, 11, &m), 0);
		NEAR(m.mean, mean + 1.0, 1e-9);
		NEAR(m.sd, sd, 1e-9);
		/* and as CES (the answers 0..6 as 1..7) */
		uint64_t ces[7];
		for (int i = 0; i < 7; i++)
			ces[i] = sum[i];
		struct stats_ces ce;
		assert_int_equal(stats_ces_from_counts(ces, &ce), 0);
		size_t k = 0, agree = 0;
		static int low[2 * MAXN];
		for (size_t i = 0; i < n; i++)
			if (answers[i] <= 6) {
				low[k++] = answers[i] + 1;
				agree += answers[i] + 1 >= 5;
			}
		assert_int_equal(ce.agree.n, k);
		assert_int_equal(ce.agree.hits, agree);
		if (k) {
			list_mean_sd(low, k, &mean, &sd);
			NEAR(ce.mean.mean, mean, 1e-9);
			NEAR(ce.mean.sd, sd, 1e-9);
		}
	}
}

/* ---- shares, means, CSAT, CES ---- */

static void test_share_wilson(void **state)
{
	(void)state;
	struct stats_share s;
	/* 8 of 10: z^2 = 3.8415, denom = 1 + 0.38415, centre = (0.8 +
	 * 0.19207) / 1.38415 = 0.71673, half = 1.95996 / 1.38415 *
	 * sqrt(0.016 + 0.0096037) = 0.22658 -> 49.02 .. 94.33 */
	assert_int_equal(stats_share_from_counts(8, 10, &s), 0);
	NEAR(s.pct, 80.0, 1e-12);
	NEAR(s.lo, 49.01624715366418, 1e-9);
	NEAR(s.hi, 94.33178485456247, 1e-9);
	/* 80 of 100 -> 71.12 .. 86.66 (narrower, still asymmetric) */
	assert_int_equal(stats_share_from_counts(80, 100, &s), 0);
	NEAR(s.lo, 71.11708344068413, 1e-9);
	NEAR(s.hi, 86.66330666689674, 1e-9);
	/* 0 of 10: 0 .. z^2 / (n + z^2) = 3.8415 / 13.8415 = 27.75 */
	assert_int_equal(stats_share_from_counts(0, 10, &s), 0);
	NEAR(s.lo, 0.0, 0.0);
	NEAR(s.hi, 27.753279986288916, 1e-9);
	/* 10 of 10: 72.25 .. 100, not the Wald 100 .. 100 */
	assert_int_equal(stats_share_from_counts(10, 10, &s), 0);
	NEAR(s.lo, 72.24672001371108, 1e-9);
	NEAR(s.hi, 100.0, 0.0);
	/* 1 of 1: 1 / (1 + z^2) = 20.65 .. 100 */
	assert_int_equal(stats_share_from_counts(1, 1, &s), 0);
	NEAR(s.lo, 20.654931437723747, 1e-9);
	NEAR(s.hi, 100.0, 0.0);
	/* none: no score */
	assert_int_equal(stats_share_from_counts(0, 0, &s), 0);
	assert_false(s.has_score);
	/* bad input */
	assert_int_equal(stats_share_from_counts(11, 10, &s), BRUG_EINVAL);
	assert_int_equal(stats_share_from_counts(0, STATS_N_MAX + 1, &s), BRUG_EINVAL);
	assert_int_equal(stats_share_from_counts(0, 1, NULL), BRUG_EINVAL);
}

static void test_mean_and_ces(void **state)
{
	(void)state;
	/* CES answers 3,4,4,5,5,5,6,6,7,7: mean 52/10 = 5.2, squared
	 * deviations 4.84 + 2*1.44 + 3*0.04 + 2*0.64 + 2*3.24 = 15.6, sd =
	 * sqrt(15.6 / 9) = 1.31656, se = 0.41633, t(0.975, 9) = 2.262157,
	 * half = 0.94181 -> 4.2582 .. 6.1418 (Python statistics.stdev agrees) */
	uint64_t c[7] = {0, 0, 1, 2, 3, 2, 2};
	struct stats_ces r;
	assert_int_equal(stats_ces_from_counts(c, &r), 0);
	assert_true(r.mean.has_score);
	assert_int_equal(r.mean.k, 7);
	NEAR(r.mean.mean, 5.2, 1e-12);
	NEAR(r.mean.sd, 1.3165611772087666, 1e-12);
	NEAR(r.mean.se, 0.41633319989322654, 1e-12);
	NEAR(r.mean.lo, 4.258188869666827, 1e-8);
	NEAR(r.mean.hi, 6.141811130333173, 1e-8);
	/* agreeing = 5, 6, 7: 7 of 10 */
	assert_int_equal(r.agree.hits, 7);
	NEAR(r.agree.pct, 70.0, 1e-12);

	/* CSAT: 5 x 1, 5 x 2, 10 x 3, 15 x 4, 5 x 5: satisfied 20 of 40 = 50%,
	 * mean (5 + 10 + 30 + 60 + 25) / 40 = 3.25 */
	uint64_t cs[5] = {5, 5, 10, 15, 5};
	struct stats_csat s;
	assert_int_equal(stats_csat_from_counts(cs, &s), 0);
	assert_int_equal(s.satisfied.hits, 20);
	NEAR(s.satisfied.pct, 50.0, 1e-12);
	NEAR(s.mean.mean, 3.25, 1e-12);

	/* one answer: the whole scale */
	uint64_t one[7] = {0, 0, 0, 0, 1};
	assert_int_equal(stats_ces_from_counts(one, &r), 0);
	NEAR(r.mean.mean, 5.0, 0.0);
	NEAR(r.mean.lo, 1.0, 0.0);
	NEAR(r.mean.hi, 7.0, 0.0);
	/* an interval never leaves the scale: 2 x 1 and 1 x 7 */
	uint64_t wide[7] = {2, 0, 0, 0, 0, 0, 1};
	assert_int_equal(stats_ces_from_counts(wide, &r), 0);
	NEAR(r.mean.lo, 1.0, 0.0);
	NEAR(r.mean.hi, 7.0, 0.0);
	/* none: no score in either part */
	uint64_t none[7] = {0};
	assert_int_equal(stats_ces_from_counts(none, &r), 0);
	assert_false(r.mean.has_score);
	assert_false(r.agree.has_score);

	/* the generic scale refuses k outside 2..STATS_K_MAX and NULL */
	uint64_t big[STATS_K_MAX + 1] = {0};
	struct stats_mean m;
	assert_int_equal(stats_mean_from_counts(big, STATS_K_MAX, &m), 0);
	assert_int_equal(stats_mean_from_counts(big, STATS_K_MAX + 1, &m), BRUG_EINVAL);
	assert_int_equal(stats_mean_from_counts(big, 1, &m), BRUG_EINVAL);
	assert_int_equal(stats_mean_from_counts(NULL, 5, &m), BRUG_EINVAL);
	assert_int_equal(stats_csat_from_counts(cs, NULL), BRUG_EINVAL);
	assert_int_equal(stats_ces_from_counts(NULL, &r), BRUG_EINVAL);
}

/* ---- distributions ---- */

static void test_distributions(void **state)
{
	(void)state;
	NEAR(stats_normal_cdf(0.0), 0.5, 1e-15);
	NEAR(stats_normal_cdf(STATS_Z95), 0.975, 1e-15);
	NEAR(stats_normal_cdf(-1.0), 0.15865525393145707, 1e-15);

	/* the table agrees with the t distribution: P(|T| >= t975) = 0.05 */
	for (uint64_t df = 1; df <= 30; df++)
		NEAR(stats_t_pvalue2(stats_t_quantile975(df), (double)df), 0.05, 5e-10);
	/* and so does Cornish-Fisher above the table */
	for (uint64_t df = 31; df <= 3000; df += df < 100 ? 1 : 97)
		NEAR(stats_t_pvalue2(stats_t_quantile975(df), (double)df), 0.05, 1e-7);
	/* quantiles from mpmath (findroot on betainc) */
	NEAR(stats_t_quantile975(1), 12.7062047362, 1e-9);
	NEAR(stats_t_quantile975(2), 4.30265272975, 1e-9);
	NEAR(stats_t_quantile975(29), 2.04522964213, 1e-9);
	NEAR(stats_t_quantile975(31), 2.0395134464, 1e-7);
	NEAR(stats_t_quantile975(40), 2.02107539031, 1e-7);
	NEAR(stats_t_quantile975(120), 1.97993040508, 1e-9);
	NEAR(stats_t_quantile975(1000), 1.96233908083, 1e-10);
	assert_true(isinf(stats_t_quantile975(0)));
	/* p-values from mpmath betainc(df/2, 1/2, 0, df/(df+t^2)) */
	NEAR(stats_t_pvalue2(2.0, 10), 0.0733880347707404, 1e-12);
	NEAR(stats_t_pvalue2(-2.0, 10), 0.0733880347707404, 1e-12);
	NEAR(stats_t_pvalue2(1.0, 3.5), 0.381337253563446, 1e-12);
	NEAR(stats_t_pvalue2(3.0, 50), 0.00420170318706824, 1e-13);
	NEAR(stats_t_pvalue2(0.5, 200.25), 0.617624066615518, 1e-12);
	NEAR(stats_t_pvalue2(4.0, 5), 0.0103234154808315, 1e-13);
	NEAR(stats_t_pvalue2(2.5, 99999), 0.0124209192084689, 1e-9);
	/* the normal branch above 1e5 */
	NEAR(stats_t_pvalue2(2.5, 1e9), 0.012419330651552265, 1e-9);
	NEAR(stats_t_pvalue2(0.0, 7), 1.0, 1e-15);
	NEAR(stats_t_pvalue2(INFINITY, 7), 0.0, 0.0);
	assert_true(isnan(stats_t_pvalue2(1.0, 0.0)));
	assert_true(isnan(stats_t_pvalue2(NAN, 3.0)));
}

/* ---- significance of a change ---- */

static void test_compare_nps(void **state)
{
	(void)state;
	struct stats_change ch;
	/* identical periods: diff 0, p = 1 */
	struct stats_nps a = nps_of(50, 30, 20), b = nps_of(50, 30, 20);
	stats_nps_compare(&a, &b, &ch);
	assert_true(ch.tested);
	NEAR(ch.p_value, 1.0, 0.0);
	assert_false(ch.significant);

	/* +15 points on n = 100 each is not yet real: se_before = 7.8102,
	 * se_after = 100 sqrt((0.75 - 0.45^2) / 100) = 7.3993, z = 15 /
	 * sqrt(7.8102^2 + 7.3993^2) = 15 / 10.7587 = 1.3942, p = 0.1633 */
	b = nps_of(60, 25, 15);
	stats_nps_compare(&a, &b, &ch);
	NEAR(ch.diff, 15.0, 1e-9);
	NEAR(ch.stat, 1.3942182370205187, 1e-9);
	NEAR(ch.p_value, 0.16325171243303738, 1e-9);
	assert_true(ch.tested);
	assert_false(ch.significant);
	/* the same shift on n = 1000 each: z = 15 / 3.4022 = 4.4089,
	 * p = 1.04e-5 */
	a = nps_of(500, 300, 200);
	b = nps_of(600, 250, 150);
	stats_nps_compare(&a, &b, &ch);
	NEAR(ch.stat, 4.408905184329328, 1e-9);
	NEAR(ch.p_value, 1.0389449521513315e-05, 1e-12);
	assert_true(ch.significant);

	/* -100 to +100 on 29 answers each: too few, never marked */
	a = nps_of(0, 0, 29);
	b = nps_of(29, 0, 0);
	stats_nps_compare(&a, &b, &ch);
	assert_false(ch.tested);
	assert_false(ch.significant);
	NEAR(ch.diff, 200.0, 0.0);
	NEAR(ch.p_value, 1.0, 0.0);
	/* 30 of each: no spread on either side, certainly different */
	a = nps_of(0, 0, 30);
	b = nps_of(30, 0, 0);
	stats_nps_compare(&a, &b, &ch);
	assert_true(ch.tested);
	assert_true(ch.significant);
	/* all promoters twice: equal */
	a = nps_of(30, 0, 0);
	b = nps_of(300, 0, 0);
	stats_nps_compare(&a, &b, &ch);
	assert_true(ch.tested);
	assert_false(ch.significant);
	NEAR(ch.p_value, 1.0, 0.0);
	/* no answers before: not tested */
	a = nps_of(0, 0, 0);
	stats_nps_compare(&a, &b, &ch);
	assert_false(ch.tested);
}

static void test_compare_share(void **state)
{
	(void)state;
	struct stats_share a, b;
	struct stats_change ch;
	/* 60/100 -> 75/100: pooled 0.675, se = sqrt(0.675 * 0.325 * 0.02) =
	 * 0.066238, z = 0.15 / 0.066238 = 2.2646, p = 0.02354 */
	assert_int_equal(stats_share_from_counts(60, 100, &a), 0);
	assert_int_equal(stats_share_from_counts(75, 100, &b), 0);
	stats_share_compare(&a, &b, &ch);
	NEAR(ch.diff, 15.0, 1e-9);
	NEAR(ch.stat, 2.264554068289192, 1e-9);
	NEAR(ch.p_value, 0.023540058261177926, 1e-9);
	assert_true(ch.significant);
	/* 18/30 -> 24/30: +20 points but z = 1.6903, p = 0.091 */
	assert_int_equal(stats_share_from_counts(18, 30, &a), 0);
	assert_int_equal(stats_share_from_counts(24, 30, &b), 0);
	stats_share_compare(&a, &b, &ch);
	NEAR(ch.p_value, 0.09096894797535773, 1e-9);
	assert_true(ch.tested);
	assert_false(ch.significant);
	/* 0/29 -> 29/29: too few */
	assert_int_equal(stats_share_from_counts(0, 29, &a), 0);
	assert_int_equal(stats_share_from_counts(29, 29, &b), 0);
	stats_share_compare(&a, &b, &ch);
	assert_false(ch.tested);
	assert_false(ch.significant);
	/* identical, and identical at 100%: p = 1 */
	assert_int_equal(stats_share_from_counts(40, 40, &a), 0);
	assert_int_equal(stats_share_from_counts(80, 80, &b), 0);
	stats_share_compare(&a, &b, &ch);
	assert_true(ch.tested);
	NEAR(ch.p_value, 1.0, 0.0);
	assert_false(ch.significant);
}

static void test_compare_mean(void **state)
{
	(void)state;
	struct stats_mean a, b;
	struct stats_change ch;
	/* CSAT 3.25 (n = 40) -> 3.8222 (n = 45); Python: Welch t = 2.30943,
	 * df = 77.6888, p (mpmath) = 0.0235775 */
	uint64_t c1[5] = {5, 5, 10, 15, 5}, c2[5] = {2, 3, 8, 20, 12};
	assert_int_equal(stats_mean_from_counts(c1, 5, &a), 0);
	assert_int_equal(stats_mean_from_counts(c2, 5, &b), 0);
	stats_mean_compare(&a, &b, &ch);
	NEAR(ch.diff, 0.5722222222222224, 1e-12);
	NEAR(ch.stat, 2.3094287316478797, 1e-9);
	NEAR(ch.df, 77.68881479327308, 1e-8);
	NEAR(ch.p_value, 0.023577483077541, 1e-9);
	assert_true(ch.significant);
	/* the same period twice */
	stats_mean_compare(&a, &a, &ch);
	assert_true(ch.tested);
	NEAR(ch.p_value, 1.0, 0.0);
	assert_false(ch.significant);
	/* too few on one side */
	uint64_t few[5] = {0, 0, 0, 0, 29};
	assert_int_equal(stats_mean_from_counts(few, 5, &b), 0);
	stats_mean_compare(&a, &b, &ch);
	assert_false(ch.tested);
	assert_false(ch.significant);
	/* different scales are not compared */
	uint64_t c7[7] = {5, 5, 10, 15, 5, 0, 0};
	assert_int_equal(stats_mean_from_counts(c7, 7, &b), 0);
	stats_mean_compare(&a, &b, &ch);
	assert_false(ch.tested);
	/* no spread on either side: 30 x 4 vs 30 x 5 is certain */
	uint64_t all4[5] = {0, 0, 0, 30, 0}, all5[5] = {0, 0, 0, 0, 30};
	assert_int_equal(stats_mean_from_counts(all4, 5, &a), 0);
	assert_int_equal(stats_mean_from_counts(all5, 5, &b), 0);
	stats_mean_compare(&a, &b, &ch);
	assert_true(ch.significant);
	NEAR(ch.p_value, 0.0, 0.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nps_hand),      cmocka_unit_test(test_nps_edges),
		cmocka_unit_test(test_nps_huge),      cmocka_unit_test(test_nps_symmetry),
		cmocka_unit_test(test_nps_contains_score),
		cmocka_unit_test(test_nps_narrows),   cmocka_unit_test(test_merge),
		cmocka_unit_test(test_share_wilson),  cmocka_unit_test(test_mean_and_ces),
		cmocka_unit_test(test_distributions), cmocka_unit_test(test_compare_nps),
		cmocka_unit_test(test_compare_share), cmocka_unit_test(test_compare_mean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

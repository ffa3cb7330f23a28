/* SPDX-License-Identifier: Apache-2.0 */
/* Survey statistics from per-score counts: NPS, CSAT, CES and 1..k rating
 * means with 95% intervals, and significance tests for a change between
 * two periods. Pure arithmetic on the caller's structs; no allocation and
 * no global state (lgamma_r, not lgamma, which writes signgam). */
#include "util/stats.h"

#include <math.h>

#include "util/rc.h"

/* Pseudo-counts of the adjusted Wald NPS interval (Rocks 2016). */
#define NPS_ADD_PD 0.75
#define NPS_ADD_N 3.0
/* Above this many degrees of freedom t and the normal agree to 1e-5, and
 * the incomplete beta's continued fraction would need many terms. */
#define T_NORMAL_DF 1e5
#define BETA_MAX_ITER 2000
#define BETA_EPS 1e-15
#define BETA_TINY 1e-300

/* Sums counts[0..k-1] into *total; -1 when the sum passes STATS_N_MAX. */
static int counts_total(const uint64_t *counts, size_t k, uint64_t *total)
{
	uint64_t n = 0;
	for (size_t i = 0; i < k; i++) {
		if (counts[i] > STATS_N_MAX - n)
			return -1;
		n += counts[i];
	}
	*total = n;
	return 0;
}

static double clip(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/* The trinomial variance of p - d with n answers (share units). */
static double trinomial_var(double p, double d, double n)
{
	double v = (p + d - (p - d) * (p - d)) / n;
	/* p + d >= |p - d| >= (p - d)^2, so only rounding can go below 0 */
	return v > 0 ? v : 0;
}

int stats_nps_from_counts(const uint64_t counts[11], struct stats_nps *out)
{
	int rc = 0;
	uint64_t n;
	struct stats_nps r = {0};

	if (!counts || !out || counts_total(counts, 11, &n)) {
		rc = BRUG_EINVAL;
		goto out;
	}
	r.n = n;
	r.promoters = counts[9] + counts[10];
	r.passives = counts[7] + counts[8];
	r.detractors = n - r.promoters - r.passives;
	if (n == 0)
		goto done;
	r.has_score = true;
	double dn = (double)n;
	for (int i = 0; i <= 10; i++)
		r.score_pct[i] = 100.0 * (double)counts[i] / dn;
	double p = (double)r.promoters / dn, d = (double)r.detractors / dn;
	r.promoter_pct = 100.0 * p;
	r.passive_pct = 100.0 * (double)r.passives / dn;
	r.detractor_pct = 100.0 * d;
	r.nps = 100.0 * (p - d);
	r.se = 100.0 * sqrt(trinomial_var(p, d, dn));

	double an = dn + NPS_ADD_N;
	double ap = ((double)r.promoters + NPS_ADD_PD) / an;
	double ad = ((double)r.detractors + NPS_ADD_PD) / an;
	double half = STATS_Z95 * sqrt(trinomial_var(ap, ad, an));
	r.lo = clip(100.0 * (ap - ad - half), -100.0, 100.0);
	r.hi = clip(100.0 * (ap - ad + half), -100.0, 100.0);
	/* the pull towards 0 can leave the observed score outside (one
	 * promoter: -48.5 .. 98.5); a dashboard must never show that */
	r.lo = fmin(r.lo, r.nps);
	r.hi = fmax(r.hi, r.nps);
done:
	*out = r;
out:
	return rc;
}

int stats_share_from_counts(uint64_t hits, uint64_t n, struct stats_share *out)
{
	int rc = 0;
	struct stats_share r = {0};

	if (!out || hits > n || n > STATS_N_MAX) {
		rc = BRUG_EINVAL;
		goto out;
	}
	r.n = n;
	r.hits = hits;
	if (n == 0)
		goto done;
	r.has_score = true;
	double dn = (double)n, p = (double)hits / dn, z2 = STATS_Z95 * STATS_Z95;
	double denom = 1.0 + z2 / dn;
	double centre = (p + z2 / (2.0 * dn)) / denom;
	double half = STATS_Z95 / denom * sqrt(p * (1.0 - p) / dn + z2 / (4.0 * dn * dn));
	r.pct = 100.0 * p;
	r.lo = clip(100.0 * (centre - half), 0.0, 100.0);
	r.hi = clip(100.0 * (centre + half), 0.0, 100.0);
	/* rounding must not put the interval beside the estimate */
	if (hits == 0)
		r.lo = 0.0;
	if (hits == n)
		r.hi = 100.0;
done:
	*out = r;
out:
	return rc;
}

int stats_mean_from_counts(const uint64_t *counts, size_t k, struct stats_mean *out)
{
	int rc = 0;
	uint64_t n;
	struct stats_mean r = {0};

	if (!counts || !out || k < 2 || k > STATS_K_MAX || counts_total(counts, k, &n)) {
		rc = BRUG_EINVAL;
		goto out;
	}
	r.n = n;
	r.k = (unsigned)k;
	if (n == 0)
		goto done;
	r.has_score = true;
	/* exact: at most STATS_K_MAX * 2^53 < 2^60 */
	uint64_t sum = 0;
	for (size_t i = 0; i < k; i++)
		sum += counts[i] * (uint64_t)(i + 1);
	double dn = (double)n;
	r.mean = (double)sum / dn;
	if (n == 1) {
		r.lo = 1.0;
		r.hi = (double)k;
		goto done;
	}
	/* two passes over the scale, not sum-of-squares minus square-of-sum,
	 * which cancels catastrophically for large n */
	double ss = 0.0;
	for (size_t i = 0; i < k; i++) {
		double dev = (double)(i + 1) - r.mean;
		ss += (double)counts[i] * dev * dev;
	}
	r.sd = sqrt(ss / (dn - 1.0));
	r.se = r.sd / sqrt(dn);
	double half = stats_t_quantile975(n - 1) * r.se;
	r.lo = clip(r.mean - half, 1.0, (double)k);
	r.hi = clip(r.mean + half, 1.0, (double)k);
done:
	*out = r;
out:
	return rc;
}

/* A share of the answers scored first..k (1-based) and the mean of 1..k. */
static int rating_from_counts(const uint64_t *counts, size_t k, size_t first,
			      struct stats_share *share, struct stats_mean *mean)
{
	int rc;
	struct stats_mean m;
	struct stats_share s;

	rc = stats_mean_from_counts(counts, k, &m);
	if (rc)
		goto out;
	uint64_t hits = 0;
	for (size_t i = first - 1; i < k; i++)
		hits += counts[i]; /* <= m.n: cannot overflow */
	rc = stats_share_from_counts(hits, m.n, &s);
	if (rc)
		goto out;
	*share = s;
	*mean = m;
out:
	return rc;
}

int stats_csat_from_counts(const uint64_t counts[5], struct stats_csat *out)
{
	if (!out)
		return BRUG_EINVAL;
	return rating_from_counts(counts, 5, 4, &out->satisfied, &out->mean);
}

int stats_ces_from_counts(const uint64_t counts[7], struct stats_ces *out)
{
	if (!out)
		return BRUG_EINVAL;
	return rating_from_counts(counts, 7, 5, &out->agree, &out->mean);
}

/* Fills a tested change from a statistic's difference and standard error,
 * with p from the normal (df == 0) or Student's t. */
static void change_finish(struct stats_change *c, double diff, double se, double df)
{
	c->tested = true;
	c->diff = diff;
	c->df = df;
	if (!(se > 0)) {
		/* no spread on either side: equal is equal, different is certain */
		c->stat = 0.0;
		c->p_value = diff == 0.0 ? 1.0 : 0.0;
	} else {
		c->stat = diff / se;
		c->p_value = df > 0 ? stats_t_pvalue2(c->stat, df) : erfc(fabs(c->stat) / M_SQRT2);
	}
	c->significant = c->p_value < 0.05;
}

static void change_untested(struct stats_change *c, double diff)
{
	*c = (struct stats_change){.diff = diff, .p_value = 1.0};
}

static bool enough(uint64_t a, uint64_t b)
{
	return a >= STATS_COMPARE_MIN_N && b >= STATS_COMPARE_MIN_N;
}

void stats_nps_compare(const struct stats_nps *before, const struct stats_nps *after,
		       struct stats_change *out)
{
	double diff = after->nps - before->nps;
	if (!enough(before->n, after->n)) {
		change_untested(out, diff);
		return;
	}
	double se = hypot(before->se, after->se);
	change_finish(out, diff, se, 0.0);
}

void stats_share_compare(const struct stats_share *before, const struct stats_share *after,
			 struct stats_change *out)
{
	double diff = after->pct - before->pct;
	if (!enough(before->n, after->n)) {
		change_untested(out, diff);
		return;
	}
	double n1 = (double)before->n, n2 = (double)after->n;
	/* under "no change" both periods share one proportion: pool them */
	double pool = ((double)before->hits + (double)after->hits) / (n1 + n2);
	double se = 100.0 * sqrt(pool * (1.0 - pool) * (1.0 / n1 + 1.0 / n2));
	change_finish(out, diff, se, 0.0);
}

void stats_mean_compare(const struct stats_mean *before, const struct stats_mean *after,
			struct stats_change *out)
{
	double diff = after->mean - before->mean;
	if (!enough(before->n, after->n) || before->k != after->k) {
		change_untested(out, diff);
		return;
	}
	double v1 = before->se * before->se, v2 = after->se * after->se;
	double df = 0.0;
	if (v1 + v2 > 0) {
		double n1 = (double)before->n, n2 = (double)after->n;
		df = (v1 + v2) * (v1 + v2) / (v1 * v1 / (n1 - 1.0) + v2 * v2 / (n2 - 1.0));
	}
	change_finish(out, diff, sqrt(v1 + v2), df);
}

double stats_normal_cdf(double x)
{
	return 0.5 * erfc(-x / M_SQRT2);
}

/* t(0.975, df) for df = 1..30 (df = 1: tan(0.475 pi); df = 2: 0.95 /
 * sqrt(0.04875)); checked against stats_t_pvalue2 in the unit test. */
static const double t975[31] = {
	INFINITY,    12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836,
	2.446911851, 2.364624252,  2.306004135, 2.262157163, 2.228138852, 2.200985160,
	2.178812830, 2.160368656,  2.144786688, 2.131449546, 2.119905299, 2.109815578,
	2.100922040, 2.093024054,  2.085963447, 2.079613845, 2.073873068, 2.068657610,
	2.063898562, 2.059538553,  2.055529439, 2.051830516, 2.048407142, 2.045229642,
	2.042272456,
};

double stats_t_quantile975(uint64_t df)
{
	if (df <= 30)
		return t975[df];
	/* Cornish-Fisher (Abramowitz and Stegun 26.7.5) */
	double z = STATS_Z95, z2 = z * z, v = (double)df;
	double g1 = (z2 + 1.0) * z / 4.0;
	double g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
	double g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
	double g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
	return z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v);
}

/* The continued fraction of the incomplete beta function (modified Lentz). */
static double beta_cf(double a, double b, double x)
{
	double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
	if (fabs(d) < BETA_TINY)
		d = BETA_TINY;
	d = 1.0 / d;
	double h = d;
	for (int m = 1; m <= BETA_MAX_ITER; m++) {
		double m2 = 2.0 * m;
		double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
		for (int step = 0; step < 2; step++) {
			d = 1.0 + num * d;
			if (fabs(d) < BETA_TINY)
				d = BETA_TINY;
			c = 1.0 + num / c;
			if (fabs(c) < BETA_TINY)
				c = BETA_TINY;
			d = 1.0 / d;
			double del = d * c;
			h *= del;
			if (step == 1 && fabs(del - 1.0) < BETA_EPS)
				return h;
			num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
		}
	}
	return h;
}

/* The regularised incomplete beta function I_x(a, b), a, b > 0. */
static double beta_reg(double a, double b, double x)
{
	if (x <= 0.0)
		return 0.0;
	if (x >= 1.0)
		return 1.0;
	int sign;
	double lbeta = lgamma_r(a, &sign) + lgamma_r(b, &sign) - lgamma_r(a + b, &sign);
	double front = exp(a * log(x) + b * log1p(-x) - lbeta);
	if (x < (a + 1.0) / (a + b + 2.0))
		return front * beta_cf(a, b, x) / a;
	return 1.0 - front * beta_cf(b, a, 1.0 - x) / b;
}

double stats_t_pvalue2(double t, double df)
{
	if (!(df > 0) || isnan(t))
		return NAN;
	double at = fabs(t);
	if (df > T_NORMAL_DF || isinf(at))
		return erfc(at / M_SQRT2);
	/* P(|T| >= t) = I_{df / (df + t^2)}(df / 2, 1 / 2) */
	double p = beta_reg(df / 2.0, 0.5, df / (df + at * at));
	return clip(p, 0.0, 1.0);
}

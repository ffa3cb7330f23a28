/* SPDX-License-Identifier: Apache-2.0 */
/* The statistics of scored questions for the results (see
 * survey_results_impl.h): which formula of util/stats.h each type uses,
 * its JSON, trends with the change tests, breakdown groups, and the
 * calendar arithmetic of periods. Pure: no database. */
#include "domain/survey_results_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jx.h"
#include "util/xmalloc.h"

bool rs_is_scored(const char *type)
{
	static const char *const t[] = {"nps", "csat", "ces", "rating", "yesno"};
	for (size_t i = 0; i < 5; i++)
		if (!strcmp(type, t[i]))
			return true;
	return false;
}

void rs_scale_of(const char *type, const char *options, struct rs_scale *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->type, sizeof(out->type), "%s", type);
	out->min = 0;
	out->max = 10;
	if (!strcmp(type, "csat") || !strcmp(type, "ces")) {
		out->min = 1;
		out->max = !strcmp(type, "csat") ? 5 : 7;
	} else if (!strcmp(type, "yesno")) {
		out->max = 1;
	} else if (!strcmp(type, "rating")) {
		json_t *o = options ? json_loads(options, 0, NULL) : NULL;
		out->min = (int)jx_int(o, "min", 1);
		out->max = (int)jx_int(o, "max", 5);
		json_decref(o);
		if (out->min < 0 || out->min > 9)
			out->min = 1;
		if (out->max <= out->min || out->max > 10)
			out->max = out->min + 4 > 10 ? 10 : out->min + 4;
	}
}

static void share_stat(struct rs_stat *st, uint64_t hits, uint64_t n)
{
	stats_share_from_counts(hits, n, &st->share);
	st->unit = "pct";
	st->value = st->share.pct;
	st->lo = st->share.lo;
	st->hi = st->share.hi;
}

/* The mean of a min..max scale through stats' 1..k: shifted by min - 1. */
static void mean_stat(struct rs_stat *st, const struct rs_scale *s, const uint64_t c[RS_SCORES])
{
	size_t k = (size_t)(s->max - s->min + 1);
	stats_mean_from_counts(c + s->min, k, &st->mean);
	double shift = s->min - 1;
	if (st->mean.has_score) {
		st->mean.mean += shift;
		st->mean.lo += shift;
		st->mean.hi += shift;
	}
}

void rs_stat_of(const struct rs_scale *s, const uint64_t c[RS_SCORES], struct rs_stat *st)
{
	memset(st, 0, sizeof(*st));
	for (int i = s->min; i <= s->max; i++)
		st->n += c[i];
	st->has = st->n > 0;
	if (!strcmp(s->type, "nps")) {
		stats_nps_from_counts(c, &st->nps);
		st->unit = "nps";
		st->value = st->nps.nps;
		st->lo = st->nps.lo;
		st->hi = st->nps.hi;
	} else if (!strcmp(s->type, "csat") || !strcmp(s->type, "ces")) {
		uint64_t hits = 0;
		for (int i = !strcmp(s->type, "csat") ? 4 : 5; i <= s->max; i++)
			hits += c[i];
		share_stat(st, hits, st->n);
		mean_stat(st, s, c);
	} else if (!strcmp(s->type, "yesno")) {
		share_stat(st, c[1], st->n);
	} else {
		mean_stat(st, s, c);
		st->unit = "mean";
		st->value = st->mean.mean;
		st->lo = st->mean.lo;
		st->hi = st->mean.hi;
	}
}

static json_t *triple(bool has, double v, double lo, double hi)
{
	return json_pack("{s:b,s:f,s:f,s:f}", "has_score", has, "value", v, "lo", lo, "hi", hi);
}

json_t *rs_stat_json(const struct rs_scale *s, const struct rs_stat *st,
		     const uint64_t c[RS_SCORES], bool detail)
{
	json_t *o = json_pack("{s:I,s:b,s:s,s:f,s:f,s:f}", "n", (json_int_t)st->n, "has_score",
			      st->has, "unit", st->unit, "value", st->value, "lo", st->lo, "hi",
			      st->hi);
	if (!detail)
		return o;
	if (!strcmp(st->unit, "nps")) {
		const struct stats_nps *p = &st->nps;
		json_object_set_new(o, "nps",
				    json_pack("{s:I,s:I,s:I,s:f,s:f,s:f,s:f}", "promoters",
					      (json_int_t)p->promoters, "passives",
					      (json_int_t)p->passives, "detractors",
					      (json_int_t)p->detractors, "promoter_pct",
					      p->promoter_pct, "passive_pct", p->passive_pct,
					      "detractor_pct", p->detractor_pct, "se", p->se));
	}
	if (strcmp(s->type, "nps") && strcmp(s->type, "rating")) {
		json_t *sh = triple(st->share.has_score, st->share.pct, st->share.lo, st->share.hi);
		jx_set_int(sh, "hits", (int64_t)st->share.hits);
		json_object_set_new(o, "share", sh);
	}
	if (!strcmp(s->type, "csat") || !strcmp(s->type, "ces") || !strcmp(s->type, "rating")) {
		json_t *m = triple(st->mean.has_score, st->mean.mean, st->mean.lo, st->mean.hi);
		json_object_set_new(m, "sd", json_real(st->mean.sd));
		json_object_set_new(o, "mean", m);
	}
	json_t *dist = json_array();
	for (int i = s->min; i <= s->max; i++)
		json_array_append_new(dist, json_pack("{s:i,s:I,s:f}", "score", i, "n",
						      (json_int_t)c[i], "pct",
						      st->n ? 100.0 * (double)c[i] / (double)st->n
							    : 0.0));
	json_object_set_new(o, "distribution", dist);
	return o;
}

static void compare(const struct rs_scale *s, const struct rs_stat *b, const struct rs_stat *a,
		    struct stats_change *out)
{
	if (!strcmp(a->unit, "nps"))
		stats_nps_compare(&b->nps, &a->nps, out);
	else if (!strcmp(a->unit, "pct"))
		stats_share_compare(&b->share, &a->share, out);
	else
		stats_mean_compare(&b->mean, &a->mean, out);
	(void)s;
}

static int period_cmp(const void *x, const void *y)
{
	const struct rs_period *a = x, *b = y;
	return a->period < b->period ? -1 : a->period > b->period;
}

void rs_series_add(struct rs_series *s, int64_t period, int64_t score, int64_t n)
{
	if (score < 0 || score >= RS_SCORES || n <= 0)
		return;
	struct rs_period *p = NULL;
	for (size_t i = s->n; i-- > 0;)
		if (s->p[i].period == period) {
			p = &s->p[i];
			break;
		}
	if (!p) {
		if (s->n == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 16;
			s->p = xrealloc(s->p, s->cap * sizeof(*s->p));
		}
		p = &s->p[s->n++];
		memset(p, 0, sizeof(*p));
		p->period = period;
	}
	p->c[score] += (uint64_t)n;
}

void rs_series_free(struct rs_series *s)
{
	free(s->p);
	memset(s, 0, sizeof(*s));
}

void rs_series_total(const struct rs_series *s, uint64_t c[RS_SCORES])
{
	memset(c, 0, RS_SCORES * sizeof(*c));
	for (size_t i = 0; i < s->n; i++)
		for (int j = 0; j < RS_SCORES; j++)
			c[j] += s->p[i].c[j];
}

json_t *rs_trend_json(const struct rs_scale *sc, const struct rs_series *s, char grain)
{
	if (s->n)
		qsort(s->p, s->n, sizeof(*s->p), period_cmp);
	json_t *out = json_array();
	struct rs_stat prev = {0}, cur;
	for (size_t i = 0; i < s->n; i++) {
		rs_stat_of(sc, s->p[i].c, &cur);
		if (!cur.has)
			continue;
		json_t *o = rs_stat_json(sc, &cur, s->p[i].c, false);
		char t[24];
		rs_date_text(s->p[i].period, t, sizeof(t));
		jx_set_str(o, "period", t);
		rs_period_label(s->p[i].period, grain, t, sizeof(t));
		jx_set_str(o, "label", t);
		struct stats_change ch = {.p_value = 1};
		if (prev.has)
			compare(sc, &prev, &cur, &ch);
		json_object_set_new(o, "change",
				    json_pack("{s:b,s:b,s:b,s:f,s:f,s:s}", "has_previous", prev.has,
					      "tested", ch.tested, "significant", ch.significant,
					      "diff", prev.has ? cur.value - prev.value : 0.0,
					      "p_value", ch.p_value, "direction",
					      !ch.significant ? "" : ch.diff > 0 ? "up" : "down"));
		json_array_append_new(out, o);
		prev = cur;
	}
	return out;
}

void rs_groups_add(struct rs_groups *gs, const char *value, int64_t score, int64_t n)
{
	if (score < 0 || score >= RS_SCORES || n <= 0)
		return;
	struct rs_group *g = NULL;
	for (size_t i = 0; i < gs->n && !g; i++)
		if (!strcmp(gs->g[i].value, value))
			g = &gs->g[i];
	if (!g) {
		if (gs->n == gs->cap) {
			gs->cap = gs->cap ? 2 * gs->cap : 16;
			gs->g = xrealloc(gs->g, gs->cap * sizeof(*gs->g));
		}
		g = &gs->g[gs->n++];
		memset(g, 0, sizeof(*g));
		snprintf(g->value, sizeof(g->value), "%s", value);
	}
	g->c[score] += (uint64_t)n;
}

void rs_groups_free(struct rs_groups *gs)
{
	free(gs->g);
	memset(gs, 0, sizeof(*gs));
}

static int group_cmp(const void *x, const void *y)
{
	int64_t a = json_integer_value(json_object_get(*(json_t *const *)x, "n"));
	int64_t b = json_integer_value(json_object_get(*(json_t *const *)y, "n"));
	if (a != b)
		return a > b ? -1 : 1;
	return strcmp(jx_str(*(json_t *const *)x, "name"), jx_str(*(json_t *const *)y, "name"));
}

json_t *rs_groups_json(const struct rs_scale *sc, const struct rs_groups *gs, const json_t *names)
{
	size_t n = 0;
	json_t **items = xcalloc(gs->n + 1, sizeof(*items));
	for (size_t i = 0; i < gs->n; i++) {
		struct rs_stat st;
		rs_stat_of(sc, gs->g[i].c, &st);
		if (!st.n)
			continue;
		json_t *o = rs_stat_json(sc, &st, gs->g[i].c, false);
		const char *name = jx_str(names, gs->g[i].value);
		jx_set_str(o, "key", gs->g[i].value);
		jx_set_str(o, "name", name ? name : gs->g[i].value);
		jx_set_bool(o, "has_name", name != NULL);
		jx_set_bool(o, "is_small", st.n < SURVEY_RESULTS_SMALL);
		items[n++] = o;
	}
	qsort(items, n, sizeof(*items), group_cmp);
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(out, items[i]);
	free(items);
	return out;
}

/* Days since 1970-01-01 (Howard Hinnant's days_from_civil). */
int64_t survey_results_days(int64_t ymd)
{
	int64_t y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t survey_results_ymd(int64_t z)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp + (mp < 10 ? 3 : -9);
	return (y + (m <= 2)) * 10000 + m * 100 + d;
}

int64_t survey_results_period_start(int64_t ymd, char grain)
{
	if (grain == 'm')
		return ymd / 100 * 100 + 1;
	int64_t days = survey_results_days(ymd);
	/* 1970-01-01 was a Thursday: (days + 3) mod 7 is 0 on Mondays */
	int64_t back = ((days + 3) % 7 + 7) % 7;
	return survey_results_ymd(days - back);
}

void rs_period_label(int64_t period, char grain, char *out, size_t n)
{
	if (grain == 'm') {
		snprintf(out, n, "%04lld-%02lld", (long long)(period / 10000),
			 (long long)(period / 100 % 100));
		return;
	}
	/* the ISO week is the one of its Thursday */
	int64_t thu = survey_results_days(period) + 3;
	int64_t ty = survey_results_ymd(thu) / 10000;
	int64_t jan1 = survey_results_days(ty * 10000 + 101);
	snprintf(out, n, "%04lld-W%02lld", (long long)ty, (long long)((thu - jan1) / 7 + 1));
}

void rs_date_text(int64_t ymd, char *out, size_t n)
{
	snprintf(out, n, "%04lld-%02lld-%02lld", (long long)(ymd / 10000),
		 (long long)(ymd / 100 % 100), (long long)(ymd % 100));
}

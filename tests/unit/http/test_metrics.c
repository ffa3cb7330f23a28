/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/http/metrics.c: what /metrics exposes must parse as the
 * Prometheus text format (a HELP and a TYPE line before each family's
 * samples, well-formed labels, each series once) and hold the right
 * numbers: requests by route and status, cumulative latency buckets whose
 * +Inf bucket equals the count, and the sum. */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/routes.h"
#include "db/db.h"
#include "http/metrics.h"
#include "util/buf.h"

#define MS 1000000LL

static int h(struct req *req, struct resp *resp)
{
	(void)req;
	(void)resp;
	return 0;
}

static const struct route table[] = {
	{"GET", "/users", h, 0, 0, 0, NULL, NULL},
	{"POST", "/users/{id}", h, 0, 0, 0, NULL, NULL},
	{"GET", "/healthz", h, R_ROOT, 0, 0, NULL, NULL},
};
#define NTABLE 3

/* ---- a small parser for the exposition format ---- */

struct sample {
	char name[128];
	char labels[256]; /* as written, between the braces */
	double value;
};

struct exposition {
	struct sample s[8192];
	size_t n;
	char family[16][128];
	char type[16][16];
	size_t nfam;
};

static const char *family_type(const struct exposition *e, const char *name)
{
	for (size_t i = 0; i < e->nfam; i++)
		if (strcmp(e->family[i], name) == 0)
			return e->type[i];
	return NULL;
}

/* Checks one label set: name="value" pairs, comma separated, with \\, \"
 * and \n the only escapes. */
static void check_labels(const char *l, const char *line)
{
	const char *p = l;
	while (*p) {
		const char *start = p;
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
		       (p > start && *p >= '0' && *p <= '9'))
			p++;
		if (p == start || *p != '=' || p[1] != '"')
			fail_msg("bad label name in: %s", line);
		p += 2;
		while (*p && *p != '"') {
			if (*p == '\\') {
				if (!strchr("\\\"n", p[1]))
					fail_msg("bad escape in: %s", line);
				p++;
			}
			p++;
		}
		if (*p != '"')
			fail_msg("unterminated label value in: %s", line);
		p++;
		if (*p == ',')
			p++;
		else if (*p)
			fail_msg("expected ',' in labels of: %s", line);
	}
}

static void parse(const char *text, struct exposition *e)
{
	memset(e, 0, sizeof(*e));
	size_t len = strlen(text);
	assert_true(len > 0);
	assert_int_equal(text[len - 1], '\n');
	const char *p = text;
	char pending_help[128] = "";
	while (*p) {
		const char *nl = strchr(p, '\n');
		assert_non_null(nl);
		char line[1024];
		assert_true((size_t)(nl - p) < sizeof(line));
		memcpy(line, p, (size_t)(nl - p));
		line[nl - p] = '\0';
		p = nl + 1;
		if (!line[0])
			fail_msg("an empty line");
		if (strncmp(line, "# HELP ", 7) == 0) {
			char name[128];
			assert_int_equal(sscanf(line + 7, "%127s", name), 1);
			assert_true(strlen(line) > 7 + strlen(name) + 1); /* a help text */
			assert_null(family_type(e, name));
			snprintf(pending_help, sizeof(pending_help), "%s", name);
			continue;
		}
		if (strncmp(line, "# TYPE ", 7) == 0) {
			char name[128], type[16];
			assert_int_equal(sscanf(line + 7, "%127s %15s", name, type), 2);
			if (strcmp(name, pending_help) != 0)
				fail_msg("TYPE %s without HELP before it", name);
			assert_true(strcmp(type, "counter") == 0 ||
				    strcmp(type, "histogram") == 0 || strcmp(type, "gauge") == 0);
			assert_true(e->nfam < 16);
			snprintf(e->family[e->nfam], sizeof(e->family[0]), "%s", name);
			snprintf(e->type[e->nfam], sizeof(e->type[0]), "%s", type);
			e->nfam++;
			pending_help[0] = '\0';
			continue;
		}
		assert_int_not_equal(line[0], '#');
		assert_true(e->n < 8192);
		struct sample *s = &e->s[e->n++];
		const char *brace = strchr(line, '{'), *space;
		if (brace) {
			const char *close = strrchr(line, '}');
			assert_non_null(close);
			snprintf(s->name, sizeof(s->name), "%.*s", (int)(brace - line), line);
			snprintf(s->labels, sizeof(s->labels), "%.*s", (int)(close - brace - 1),
				 brace + 1);
			check_labels(s->labels, line);
			space = close + 1;
		} else {
			space = strchr(line, ' ');
			assert_non_null(space);
			snprintf(s->name, sizeof(s->name), "%.*s", (int)(space - line), line);
		}
		assert_int_equal(*space, ' ');
		char *end;
		s->value = strtod(space + 1, &end);
		if (*end || end == space + 1)
			fail_msg("bad value in: %s", line);
		/* the sample belongs to the family declared last */
		assert_true(e->nfam > 0);
		const char *fam = e->family[e->nfam - 1];
		size_t fl = strlen(fam);
		bool ok = strcmp(s->name, fam) == 0;
		if (!ok && strcmp(e->type[e->nfam - 1], "histogram") == 0 &&
		    strncmp(s->name, fam, fl) == 0)
			ok = !strcmp(s->name + fl, "_bucket") || !strcmp(s->name + fl, "_sum") ||
			     !strcmp(s->name + fl, "_count");
		if (!ok)
			fail_msg("sample %s outside its family %s", s->name, fam);
	}
	/* each series once */
	for (size_t i = 0; i < e->n; i++)
		for (size_t j = i + 1; j < e->n; j++)
			if (!strcmp(e->s[i].name, e->s[j].name) &&
			    !strcmp(e->s[i].labels, e->s[j].labels))
				fail_msg("series %s{%s} twice", e->s[i].name, e->s[i].labels);
}

/* The value of a series, or NAN when absent. */
static double value(const struct exposition *e, const char *name, const char *labels)
{
	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->s[i].name, name) && !strcmp(e->s[i].labels, labels))
			return e->s[i].value;
	return NAN;
}

static void expect_series(const struct exposition *e, const char *name, const char *labels,
			  double want)
{
	double got = value(e, name, labels);
	if (!(got == want))
		fail_msg("%s{%s} = %g, want %g", name, labels, got, want);
}

/* Buckets of one route: ascending le, cumulative, ending with +Inf == count. */
static void check_histogram(const struct exposition *e, const char *route_labels)
{
	double prev_le = -1, prev = 0, inf = NAN;
	size_t buckets = 0;
	size_t rl = strlen(route_labels);
	for (size_t i = 0; i < e->n; i++) {
		const struct sample *s = &e->s[i];
		if (strcmp(s->name, "brug_http_request_duration_seconds_bucket") ||
		    strncmp(s->labels, route_labels, rl) || strncmp(s->labels + rl, ",le=\"", 5))
			continue;
		const char *le = s->labels + rl + 5;
		assert_true(isnan(inf)); /* nothing after +Inf */
		if (strcmp(le, "+Inf\"") == 0) {
			inf = s->value;
		} else {
			double b = strtod(le, NULL);
			assert_true(b > prev_le);
			prev_le = b;
		}
		assert_true(s->value >= prev);
		prev = s->value;
		buckets++;
	}
	assert_int_equal(buckets, 13);
	char labels[300];
	snprintf(labels, sizeof(labels), "%s", route_labels);
	expect_series(e, "brug_http_request_duration_seconds_count", labels, inf);
	assert_false(isnan(value(e, "brug_http_request_duration_seconds_sum", labels)));
}

static char *write_all(struct metrics *m, const struct route *rt, size_t n)
{
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(metrics_write(m, rt, n, &b), 0);
	return buf_take(&b, NULL);
}

static void test_exposition(void **state)
{
	(void)state;
	struct metrics *m = metrics_new(NTABLE);
	metrics_observe(m, 0, 200, 500000);    /* 0.5 ms */
	metrics_observe(m, 0, 200, 3 * MS);    /* 3 ms */
	metrics_observe(m, 0, 404, 2000 * MS); /* 2 s */
	metrics_observe(m, 1, 422, 1 * MS);    /* exactly 1 ms: in le="0.001" */
	metrics_observe(m, 1, 303, 7000 * MS); /* beyond the last bound */
	metrics_observe(m, -1, 404, 1000);     /* no route matched */
	metrics_observe(m, 99, 418, 1000);     /* an index out of range counts as none */
	char *text = write_all(m, table, NTABLE);
	struct exposition *e = malloc(sizeof(*e));
	parse(text, e);

	assert_string_equal(family_type(e, "brug_http_requests_total"), "counter");
	assert_string_equal(family_type(e, "brug_http_request_duration_seconds"), "histogram");
	assert_string_equal(family_type(e, "brug_db_errors_total"), "counter");

	const char *r0 = "method=\"GET\",route=\"/users\"";
	const char *r1 = "method=\"POST\",route=\"/users/{id}\"";
	const char *none = "method=\"\",route=\"none\"";
	char l[300];
	snprintf(l, sizeof(l), "%s,status=\"200\"", r0);
	expect_series(e, "brug_http_requests_total", l, 2);
	snprintf(l, sizeof(l), "%s,status=\"404\"", r0);
	expect_series(e, "brug_http_requests_total", l, 1);
	snprintf(l, sizeof(l), "%s,status=\"422\"", r1);
	expect_series(e, "brug_http_requests_total", l, 1);
	snprintf(l, sizeof(l), "%s,status=\"303\"", r1);
	expect_series(e, "brug_http_requests_total", l, 1);
	snprintf(l, sizeof(l), "%s,status=\"404\"", none);
	expect_series(e, "brug_http_requests_total", l, 1);
	snprintf(l, sizeof(l), "%s,status=\"other\"", none);
	expect_series(e, "brug_http_requests_total", l, 1);
	/* statuses never seen are not listed */
	snprintf(l, sizeof(l), "%s,status=\"500\"", r0);
	assert_true(isnan(value(e, "brug_http_requests_total", l)));

	/* route 0: 0.5 ms, 3 ms, 2 s */
	static const struct {
		const char *le;
		double n;
	} b0[] = {{"0.001", 1}, {"0.0025", 1}, {"0.005", 2}, {"0.01", 2}, {"0.025", 2},
		  {"0.05", 2},  {"0.1", 2},    {"0.25", 2},  {"0.5", 2},  {"1", 2},
		  {"2.5", 3},   {"5", 3},      {"+Inf", 3}};
	for (size_t i = 0; i < sizeof(b0) / sizeof(b0[0]); i++) {
		snprintf(l, sizeof(l), "%s,le=\"%s\"", r0, b0[i].le);
		expect_series(e, "brug_http_request_duration_seconds_bucket", l, b0[i].n);
	}
	expect_series(e, "brug_http_request_duration_seconds_count", r0, 3);
	expect_series(e, "brug_http_request_duration_seconds_sum", r0, 2.0035);
	/* route 1: 1 ms (inclusive bound), 7 s */
	snprintf(l, sizeof(l), "%s,le=\"0.001\"", r1);
	expect_series(e, "brug_http_request_duration_seconds_bucket", l, 1);
	snprintf(l, sizeof(l), "%s,le=\"5\"", r1);
	expect_series(e, "brug_http_request_duration_seconds_bucket", l, 1);
	snprintf(l, sizeof(l), "%s,le=\"+Inf\"", r1);
	expect_series(e, "brug_http_request_duration_seconds_bucket", l, 2);
	expect_series(e, "brug_http_request_duration_seconds_sum", r1, 7.001);
	check_histogram(e, r0);
	check_histogram(e, r1);
	check_histogram(e, none);
	expect_series(e, "brug_http_request_duration_seconds_count", none, 2);
	/* a route without requests has no series at all */
	assert_null(strstr(text, "/healthz"));
	expect_series(e, "brug_db_errors_total", "", (double)db_error_count());

	free(e);
	free(text);
	metrics_free(m);
	metrics_free(NULL);
}

static void test_empty(void **state)
{
	(void)state;
	struct metrics *m = metrics_new(NTABLE);
	char *text = write_all(m, table, NTABLE);
	struct exposition *e = malloc(sizeof(*e));
	parse(text, e);
	assert_int_equal(e->nfam, 3);
	assert_int_equal(e->n, 1); /* only the database error counter */
	free(e);
	free(text);
	metrics_free(m);
}

struct hammer {
	struct metrics *m;
	int route;
};

static void *observe_many(void *p)
{
	struct hammer *hm = p;
	for (int i = 0; i < 20000; i++)
		metrics_observe(hm->m, hm->route, i % 2 ? 200 : 404, (int64_t)(i % 10) * MS);
	return NULL;
}

static void test_concurrent_counts_are_exact(void **state)
{
	(void)state;
	struct metrics *m = metrics_new(NTABLE);
	pthread_t t[4];
	struct hammer hm[4];
	for (int i = 0; i < 4; i++) {
		hm[i] = (struct hammer){m, i % 2};
		assert_int_equal(pthread_create(&t[i], NULL, observe_many, &hm[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	char *text = write_all(m, table, NTABLE);
	struct exposition *e = malloc(sizeof(*e));
	parse(text, e);
	expect_series(e, "brug_http_requests_total",
		      "method=\"GET\",route=\"/users\",status=\"200\"", 20000);
	expect_series(e, "brug_http_requests_total",
		      "method=\"GET\",route=\"/users\",status=\"404\"", 20000);
	expect_series(e, "brug_http_request_duration_seconds_count",
		      "method=\"GET\",route=\"/users\"", 40000);
	expect_series(e, "brug_http_request_duration_seconds_count",
		      "method=\"POST\",route=\"/users/{id}\"", 40000);
	/* 0..9 ms, 4000 times each per route: 0 and 1 ms are <= 0.001 */
	expect_series(e, "brug_http_request_duration_seconds_bucket",
		      "method=\"GET\",route=\"/users\",le=\"0.001\"", 8000);
	expect_series(e, "brug_http_request_duration_seconds_bucket",
		      "method=\"GET\",route=\"/users\",le=\"0.005\"", 24000);
	expect_series(e, "brug_http_request_duration_seconds_bucket",
		      "method=\"GET\",route=\"/users\",le=\"0.01\"", 40000);
	expect_series(e, "brug_http_request_duration_seconds_sum",
		      "method=\"GET\",route=\"/users\"", 4000.0 * 45 / 1000);
	free(e);
	free(text);
	metrics_free(m);
}

/* Over brug's real table: one series per route, whatever the table holds. */
static void test_real_routes(void **state)
{
	(void)state;
	struct metrics *m = metrics_new(routes_count);
	for (size_t i = 0; i < routes_count; i++)
		metrics_observe(m, (int)i, 200, 2 * MS);
	char *text = write_all(m, routes, routes_count);
	struct exposition *e = malloc(sizeof(*e));
	parse(text, e); /* fails on a series listed twice */
	size_t counts = 0;
	for (size_t i = 0; i < e->n; i++)
		counts += strcmp(e->s[i].name, "brug_http_request_duration_seconds_count") == 0;
	assert_int_equal(counts, routes_count);
	free(e);
	free(text);
	metrics_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exposition),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_concurrent_counts_are_exact),
		cmocka_unit_test(test_real_routes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

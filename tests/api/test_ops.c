/* SPDX-License-Identifier: Apache-2.0 */
/* Operations endpoints and static files: liveness, readiness (and 503
 * while draining), Prometheus metrics counted by route pattern and status,
 * assets with ETags, revalidation and 404s, and the OpenAPI document. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/routes.h"
#include "harness.h"
#include "util/embedded.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_healthz(void **state)
{
	static const struct http_case cases[] = {
		{AS_ANON, "GET", "/healthz", NULL, NULL, NULL, 200, "status", "ok", NULL},
		{AS_ANON, "HEAD", "/healthz", NULL, NULL, NULL, 200, NULL, NULL, NULL},
		{AS_ANON, "GET", "/healthz", NULL, NULL, "accept: text/html\n", 200, "status", "ok",
		 NULL},
		{AS_ANON, "GET", "/healthz?verbose=1", NULL, NULL, NULL, 200, "status", "ok", NULL},
		/* credentials are not needed, and bad ones are still refused */
		{AS_ADMIN, "GET", "/healthz", NULL, NULL, NULL, 200, "status", "ok", NULL},
		{AS_ANON, "GET", "/readyz", NULL, NULL, NULL, 200, "status", "ready", NULL},
		{AS_ANON, "GET", "/readyz", NULL, NULL, NULL, 200, "database", NULL, NULL},
		{AS_ANON, "POST", "/readyz", NULL, "{}", "accept: application/json\n", 405, "error",
		 "method_not_allowed", NULL},
		{AS_ANON, "GET", "/api/v1/readyz", NULL, NULL, NULL, 404, "error", "not_found",
		 NULL},
	};
	run_http_cases(*state, cases, N(cases));
	struct result r;
	h_call(*state, AS_ANON, "GET", "/healthz", NULL, NULL, NULL, &r);
	assert_string_equal(r.content_type, "application/json; charset=utf-8");
	assert_string_equal(r.body, "{\"status\":\"ok\"}");
	check_header(&r, "Cache-Control", "no-store");
	result_free(&r);
}

static void test_draining(void **state)
{
	struct harness *h = *state;
	struct app *serving = h->app, *draining = NULL;
	struct brug_err err = {0};
	assert_int_equal(app_new(&h->cfg, h->pool, routes, routes_count, &draining, &err), 0);
	assert_false(app_draining(draining));
	app_set_draining(draining);
	assert_true(app_draining(draining));
	h->app = draining;
	static const struct http_case cases[] = {
		{AS_ANON, "GET", "/readyz", NULL, NULL, NULL, 503, "status", "draining", NULL},
		/* alive all the same, and still answering what it is asked */
		{AS_ANON, "GET", "/healthz", NULL, NULL, NULL, 200, "status", "ok", NULL},
		{AS_ADMIN, "GET", "/api/v1/me", NULL, NULL, NULL, 200, "role", "admin", NULL},
	};
	run_http_cases(h, cases, N(cases));
	h->app = serving;
	app_free(draining);
	struct result r;
	h_call(h, AS_ANON, "GET", "/readyz", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	result_free(&r);
}

/* /metrics as the local machine asks for it (without a metrics token, no
 * one else may). */
static void scrape(struct harness *h, struct result *r)
{
	struct h_req rq = {.who = AS_ANON, .method = "GET", .target = "/metrics", .peer_ip = "127.0.0.1"};
	h_send(h, &rq, r);
}

/* The value of one brug_http_requests_total series, 0 when absent. */
static long long counter(struct harness *h, const char *method, const char *route, const char *status)
{
	struct result r;
	scrape(h, &r);
	check_status(&r, 200);
	char want[256];
	snprintf(want, sizeof(want), "\nbrug_http_requests_total{method=\"%s\",route=\"%s\",status=\"%s\"} ",
		 method, route, status);
	const char *at = strstr(r.body, want);
	long long n = at ? strtoll(at + strlen(want), NULL, 10) : 0;
	result_free(&r);
	return n;
}

static void test_metrics(void **state)
{
	struct harness *h = *state;
	struct result r;
	/* from elsewhere: refused, with or without a user's token */
	h_call(h, AS_ANON, "GET", "/metrics", NULL, NULL, NULL, &r);
	check_status(&r, 403);
	result_free(&r);
	h_call(h, AS_ADMIN, "GET", "/metrics", NULL, NULL, NULL, &r);
	check_status(&r, 403);
	result_free(&r);
	scrape(h, &r);
	check_status(&r, 200);
	assert_string_equal(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
	check_body(&r, "# TYPE brug_http_requests_total counter\n");
	check_body(&r, "# TYPE brug_http_request_duration_seconds histogram\n");
	check_body(&r, "# TYPE brug_db_errors_total counter\n");
	result_free(&r);

	long long healthz = counter(h, "GET", "/healthz", "200");
	long long none = counter(h, "", "none", "404");
	long long team404 = counter(h, "GET", "/teams/{id}", "404");
	long long created = counter(h, "POST", "/teams", "201");
	long long refused = counter(h, "POST", "/teams", "403");
	long long invalid = counter(h, "POST", "/teams", "422");
	long long method = counter(h, "", "none", "405");
	long long metrics = counter(h, "GET", "/metrics", "200");

	for (int i = 0; i < 3; i++) {
		h_call(h, AS_ANON, "GET", "/healthz", NULL, NULL, NULL, &r);
		result_free(&r);
	}
	h_call(h, AS_ANON, "GET", "/nope/12345", NULL, NULL, NULL, &r);
	result_free(&r);
	h_call(h, AS_ANON, "GET", "/api/v2/x", NULL, NULL, NULL, &r);
	result_free(&r);
	h_call(h, AS_ADMIN, "GET", "/api/v1/teams/424242", NULL, NULL, NULL, &r);
	result_free(&r);
	h_call(h, AS_SESSION, "GET", "/teams/424243", NULL, NULL, NULL, &r);
	result_free(&r);
	h_call(h, AS_MANAGER, "POST", "/api/v1/teams", NULL, "{\"name\":\"Counted\"}", NULL, &r);
	result_free(&r);
	h_call(h, AS_EMPLOYEE, "POST", "/api/v1/teams", NULL, "{\"name\":\"Refused\"}", NULL, &r);
	result_free(&r);
	h_call(h, AS_MANAGER, "POST", "/api/v1/teams", NULL, "{}", NULL, &r);
	result_free(&r);
	h_call(h, AS_ANON, "DELETE", "/healthz", NULL, NULL, NULL, &r);
	result_free(&r);

	assert_int_equal(counter(h, "GET", "/healthz", "200"), healthz + 3);
	assert_int_equal(counter(h, "", "none", "404"), none + 2);
	/* by pattern, whatever the id and whether page or API */
	assert_int_equal(counter(h, "GET", "/teams/{id}", "404"), team404 + 2);
	assert_int_equal(counter(h, "POST", "/teams", "201"), created + 1);
	assert_int_equal(counter(h, "POST", "/teams", "403"), refused + 1);
	assert_int_equal(counter(h, "POST", "/teams", "422"), invalid + 1);
	assert_int_equal(counter(h, "", "none", "405"), method + 1);
	/* each counter() call above was one request to /metrics */
	assert_int_equal(counter(h, "GET", "/metrics", "200"), metrics + 8);

	scrape(h, &r);
	/* labels are patterns, never what a client sent */
	check_no_body(&r, "424242");
	check_no_body(&r, "12345");
	check_no_body(&r, "/api/v2");
	check_body(&r, "brug_http_request_duration_seconds_count{method=\"GET\",route=\"/healthz\"} ");
	check_body(&r, "brug_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",le=\"+Inf\"} ");
	check_body(&r, "\nbrug_db_errors_total 0\n");
	result_free(&r);
}

static void test_assets(void **state)
{
	struct harness *h = *state;
	const struct embedded_file *css = embedded_find("static/app.css");
	assert_non_null(css);
	struct result r;
	h_call(h, AS_ANON, "GET", "/static/app.css", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	assert_string_equal(r.content_type, "text/css; charset=utf-8");
	assert_int_equal(strlen(r.body), css->len);
	assert_memory_equal(r.body, css->data, css->len);
	char etag[128], want[160];
	snprintf(want, sizeof(want), "\"%s\"", css->etag);
	check_header(&r, "ETag", want);
	check_header(&r, "Cache-Control", "public, max-age=300");
	check_header(&r, "Vary", NULL);
	assert_true(result_header(&r, "ETag", 0, etag, sizeof(etag)));
	result_free(&r);
	/* versioned links are cached for good */
	h_call(h, AS_ANON, "GET", "/static/app.css?v=0.1.0", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_header(&r, "Cache-Control", "public, max-age=31536000, immutable");
	result_free(&r);

	/* revalidation */
	char inm[4][200];
	snprintf(inm[0], sizeof(inm[0]), "if-none-match: %s\n", etag);
	snprintf(inm[1], sizeof(inm[1]), "if-none-match: W/%s\n", etag);
	snprintf(inm[2], sizeof(inm[2]), "if-none-match: \"other\", %s\n", etag);
	snprintf(inm[3], sizeof(inm[3]), "if-none-match: *\n");
	for (size_t i = 0; i < N(inm); i++) {
		h_call(h, AS_ANON, "GET", "/static/app.css", NULL, NULL, inm[i], &r);
		if (r.status != 304)
			fail_msg("%s: want 304, got %d", inm[i], r.status);
		assert_string_equal(r.body, "");
		check_header(&r, "ETag", etag);
		result_free(&r);
	}
	h_call(h, AS_ANON, "GET", "/static/app.css", NULL, NULL, "if-none-match: \"stale\"\n", &r);
	check_status(&r, 200);
	assert_int_equal(strlen(r.body), css->len);
	result_free(&r);
	/* another file's tag is not this one's */
	const struct embedded_file *svg = embedded_find("static/favicon.svg");
	assert_non_null(svg);
	snprintf(inm[0], sizeof(inm[0]), "if-none-match: \"%s\"\n", svg->etag);
	h_call(h, AS_ANON, "GET", "/static/app.css", NULL, NULL, inm[0], &r);
	check_status(&r, 200);
	result_free(&r);

	static const struct http_case cases[] = {
		{AS_ANON, "GET", "/favicon.ico", NULL, NULL, NULL, 200, NULL, NULL, "<svg"},
		{AS_ANON, "GET", "/static/favicon.svg", NULL, NULL, NULL, 200, NULL, NULL, "<svg"},
		{AS_ANON, "GET", "/static/vendor/pico.css", NULL, NULL, NULL, 200, NULL, NULL,
		 NULL},
		{AS_ANON, "GET", "/static/vendor/htmx.js", NULL, NULL, NULL, 200, NULL, NULL, NULL},
		{AS_ANON, "GET", "/static/nope.css", NULL, NULL, NULL, 404, NULL, NULL, "(404)"},
		{AS_ANON, "GET", "/static/nope.css", NULL, NULL, "accept: application/json\n", 404,
		 "error", "not_found", NULL},
		{AS_ANON, "GET", "/static/", NULL, NULL, NULL, 404, NULL, NULL, NULL},
		{AS_ANON, "GET", "/static/vendor", NULL, NULL, NULL, 404, NULL, NULL, NULL},
		{AS_ANON, "GET", "/static/APP.CSS", NULL, NULL, NULL, 404, NULL, NULL, NULL},
		{AS_ANON, "GET", "/static/app.css%00.png", NULL, NULL, NULL, 400, NULL, NULL, NULL},
		{AS_ANON, "GET", "/static/%2e%2e/templates/layout.mustache", NULL, NULL, NULL, 400,
		 NULL, NULL, NULL},
		{AS_ANON, "GET", "/static/..%2Ftemplates%2Flayout.mustache", NULL, NULL, NULL, 400,
		 NULL, NULL, NULL},
		/* only what is under static/ is served, not the other embedded files */
		{AS_ANON, "GET", "/static/..templates/layout.mustache", NULL, NULL, NULL, 404, NULL,
		 NULL, NULL},
		{AS_ANON, "POST", "/static/app.css", "text/css", "x", NULL, 405, NULL, NULL, NULL},
		{AS_ANON, "GET", "/api/v1/static/app.css", NULL, NULL, NULL, 404, "error",
		 "not_found", NULL},
	};
	run_http_cases(h, cases, N(cases));
	const char *types[][2] = {
		{"/favicon.ico", "image/svg+xml"},
		{"/static/vendor/pico.css", "text/css; charset=utf-8"},
		{"/static/vendor/htmx.js", "text/javascript; charset=utf-8"},
	};
	for (size_t i = 0; i < N(types); i++) {
		h_call(h, AS_ANON, "GET", types[i][0], NULL, NULL, NULL, &r);
		assert_string_equal(r.content_type, types[i][1]);
		result_free(&r);
	}
	/* a missing asset is not cached */
	h_call(h, AS_ANON, "GET", "/static/nope.css", NULL, NULL, NULL, &r);
	check_header(&r, "Cache-Control", "no-store");
	check_header(&r, "ETag", NULL);
	result_free(&r);
}

/* The OpenAPI document: public, the embedded docs/openapi.json byte for
 * byte, cacheable with an ETag that revalidates. */
static void test_openapi(void **state)
{
	struct harness *h = *state;
	const struct embedded_file *f = embedded_find("openapi.json");
	assert_non_null(f);
	struct result r;
	h_call(h, AS_ANON, "GET", "/api/v1/openapi.json", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	assert_string_equal(r.content_type, "application/json");
	assert_memory_equal(r.body, f->data, f->len);
	assert_int_equal(strlen(r.body), f->len);
	check_json(&r, "openapi", "3.1.0");
	check_json(&r, "info.title", "brug");
	check_header(&r, "Cache-Control", "public, max-age=3600");
	char etag[128];
	assert_true(result_header(&r, "ETag", 0, etag, sizeof(etag)));
	result_free(&r);

	char inm[200];
	snprintf(inm, sizeof(inm), "if-none-match: %s\n", etag);
	h_call(h, AS_ANON, "GET", "/api/v1/openapi.json", NULL, NULL, inm, &r);
	check_status(&r, 304);
	result_free(&r);
	/* a signed-in client gets it too; only GET and HEAD */
	static const struct http_case cases[] = {
		{AS_EMPLOYEE, "GET", "/api/v1/openapi.json", NULL, NULL, NULL, 200, "openapi", "3.1.0",
		 NULL},
		{AS_ANON, "HEAD", "/api/v1/openapi.json", NULL, NULL, NULL, 200, NULL, NULL, NULL},
		{AS_ADMIN, "POST", "/api/v1/openapi.json", NULL, "{}", NULL, 405, "error",
		 "method_not_allowed", NULL},
		{AS_ANON, "GET", "/openapi.json", NULL, NULL, "accept: application/json\n", 404, "error",
		 "not_found", NULL},
	};
	run_http_cases(h, cases, N(cases));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthz),
		cmocka_unit_test(test_draining),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_assets),
		cmocka_unit_test(test_openapi),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/http/router.c: literal segments, {param} (one segment) and
 * {*rest} (the remainder), HEAD answered by GET, 404 versus 405 with the
 * Allow list, and which routes each namespace sees (R_PAGE, R_API, R_ROOT).
 * A table-driven test over a small table, then checks over brug's real
 * route table: every route is reachable (no route shadows another). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "api/routes.h"
#include "http/router.h"

static int h(struct req *req, struct resp *resp)
{
	(void)req;
	(void)resp;
	return 0;
}

static const struct route table[] = {
	/* 0 */ {"GET", "/healthz", h, R_ROOT | R_PUBLIC, 0, 0, NULL, NULL},
	/* 1 */ {"GET", "/static/{*path}", h, R_ROOT, 0, 0, NULL, NULL},
	/* 2 */ {"GET", "/login", h, R_PAGE, 0, 0, NULL, NULL},
	/* 3 */ {"POST", "/login", h, R_PAGE, 0, 0, NULL, NULL},
	/* 4 */ {"GET", "/users", h, 0, 0, 0, NULL, NULL},
	/* 5 */ {"POST", "/users", h, 0, 0, 0, NULL, NULL},
	/* 6 */ {"GET", "/users/new", h, R_PAGE, 0, 0, NULL, NULL},
	/* 7 */ {"GET", "/users/{id}", h, 0, 0, 0, NULL, NULL},
	/* 8 */ {"PATCH", "/users/{id}", h, R_API, 0, 0, NULL, NULL},
	/* 9 */ {"POST", "/users/{id}", h, R_PAGE, 0, 0, NULL, NULL},
	/* 10 */ {"DELETE", "/teams/{id}/members/{user_id}", h, R_API, 0, 0, NULL, NULL},
	/* 11 */ {"GET", "/files/{*rest}", h, 0, 0, 0, NULL, NULL},
	/* 12 */ {"POST", "/logout", h, R_PAGE, 0, 0, NULL, NULL},
	/* 13 */ {"GET", "/", h, R_PAGE, 0, 0, NULL, NULL},
	/* 14 */ {"GET", "/a/{x}/b", h, 0, 0, 0, NULL, NULL},
};
#define NTABLE (sizeof(table) / sizeof(table[0]))

struct rcase {
	const char *method, *path;
	bool api;
	enum match_result want;
	int route;          /* index when MATCH_OK */
	const char *params; /* "name=value;..." when MATCH_OK */
	const char *allow;  /* when MATCH_NO_METHOD */
};

static const struct rcase cases[] = {
	/* literals */
	{"GET", "/users", false, MATCH_OK, 4, "", NULL},
	{"GET", "/users", true, MATCH_OK, 4, "", NULL},
	{"POST", "/users", true, MATCH_OK, 5, "", NULL},
	{"GET", "/", false, MATCH_OK, 13, "", NULL},
	{"GET", "/", true, MATCH_NO_PATH, 0, NULL, NULL},
	/* a literal listed before a parameter wins */
	{"GET", "/users/new", false, MATCH_OK, 6, "", NULL},
	/* ...but only where it is visible: the API sees an id "new" */
	{"GET", "/users/new", true, MATCH_OK, 7, "id=new", NULL},
	/* parameters take one whole, non-empty segment */
	{"GET", "/users/42", false, MATCH_OK, 7, "id=42", NULL},
	{"GET", "/users/a b", false, MATCH_OK, 7, "id=a b", NULL},
	{"GET", "/users/", false, MATCH_NO_PATH, 0, NULL, NULL},
	{"GET", "/users/42/", false, MATCH_NO_PATH, 0, NULL, NULL},
	{"GET", "/users/42/x", false, MATCH_NO_PATH, 0, NULL, NULL},
	{"GET", "/users//", false, MATCH_NO_PATH, 0, NULL, NULL},
	{"GET", "/a/1/b", false, MATCH_OK, 14, "x=1", NULL},
	{"GET", "/a//b", false, MATCH_NO_PATH, 0, NULL, NULL},
	{"GET", "/a/1/c", false, MATCH_NO_PATH, 0, NULL, NULL},
	{"GET", "/a/1/b/", false, MATCH_NO_PATH, 0, NULL, NULL},
	{"DELETE", "/teams/7/members/9", true, MATCH_OK, 10, "id=7;user_id=9", NULL},
	{"DELETE", "/teams/7/members/9", false, MATCH_NO_PATH, 0, NULL, NULL},
	{"DELETE", "/teams/7/members/", true, MATCH_NO_PATH, 0, NULL, NULL},
	/* a rest parameter takes everything after it, slashes included */
	{"GET", "/static/app.css", false, MATCH_OK, 1, "path=app.css", NULL},
	{"GET", "/static/vendor/pico.css", false, MATCH_OK, 1, "path=vendor/pico.css", NULL},
	{"GET", "/static/", false, MATCH_NO_PATH, 0, NULL, NULL},
	{"GET", "/static", false, MATCH_NO_PATH, 0, NULL, NULL},
	{"GET", "/files/a/b/c/", true, MATCH_OK, 11, "rest=a/b/c/", NULL},
	/* near misses */
	{"GET", "/user", false, MATCH_NO_PATH, 0, NULL, NULL},
	{"GET", "/userss", false, MATCH_NO_PATH, 0, NULL, NULL},
	{"GET", "/Users", false, MATCH_NO_PATH, 0, NULL, NULL},
	{"GET", "/users/", true, MATCH_NO_PATH, 0, NULL, NULL},
	{"GET", "", false, MATCH_NO_PATH, 0, NULL, NULL},
	{"GET", "users", false, MATCH_NO_PATH, 0, NULL, NULL},
	/* HEAD is GET without a body */
	{"HEAD", "/users", false, MATCH_OK, 4, "", NULL},
	{"HEAD", "/users/5", true, MATCH_OK, 7, "id=5", NULL},
	{"HEAD", "/login", false, MATCH_OK, 2, "", NULL},
	{"HEAD", "/logout", false, MATCH_NO_METHOD, 0, NULL, "POST"},
	/* 405 with the methods this namespace accepts for the path */
	{"PUT", "/users", false, MATCH_NO_METHOD, 0, NULL, "GET, HEAD, POST"},
	{"DELETE", "/users/5", false, MATCH_NO_METHOD, 0, NULL, "GET, HEAD, POST"},
	{"DELETE", "/users/5", true, MATCH_NO_METHOD, 0, NULL, "GET, HEAD, PATCH"},
	{"PATCH", "/users/5", false, MATCH_NO_METHOD, 0, NULL, "GET, HEAD, POST"},
	{"POST", "/users/5", true, MATCH_NO_METHOD, 0, NULL, "GET, HEAD, PATCH"},
	{"GET", "/logout", false, MATCH_NO_METHOD, 0, NULL, "POST"},
	{"POST", "/healthz", false, MATCH_NO_METHOD, 0, NULL, "GET, HEAD"},
	{"GET", "/teams/1/members/2", true, MATCH_NO_METHOD, 0, NULL, "DELETE"},
	/* a method listed twice for the path is named once */
	{"PUT", "/users/new", false, MATCH_NO_METHOD, 0, NULL, "GET, HEAD, POST"},
	{"get", "/users", false, MATCH_NO_METHOD, 0, NULL, "GET, HEAD, POST"},
	/* visibility: pages and root routes never answer under /api/v1 */
	{"GET", "/login", true, MATCH_NO_PATH, 0, NULL, NULL},
	{"POST", "/login", true, MATCH_NO_PATH, 0, NULL, NULL},
	{"GET", "/healthz", true, MATCH_NO_PATH, 0, NULL, NULL},
	{"GET", "/static/app.css", true, MATCH_NO_PATH, 0, NULL, NULL},
	{"GET", "/healthz", false, MATCH_OK, 0, "", NULL},
};

static void render_params(const struct route_match *m, char *out, size_t n)
{
	size_t len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < m->n; i++)
		len += (size_t)snprintf(out + len, n - len, "%s%.*s=%.*s", i ? ";" : "",
					(int)m->name_len[i], m->name[i], (int)m->value_len[i],
					m->value[i]);
}

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rcase *c = &cases[i];
		struct route_match m;
		memset(&m, 0x5a, sizeof(m));
		enum match_result got = router_match(table, NTABLE, c->method, c->path, c->api, &m);
		if (got != c->want)
			fail_msg("case %zu: %s %s (%s): result %d, want %d", i, c->method, c->path,
				 c->api ? "api" : "page", got, c->want);
		if (got == MATCH_OK) {
			if (m.route != &table[c->route])
				fail_msg("case %zu: %s %s: route %td, want %d", i, c->method,
					 c->path, m.route - table, c->route);
			char params[256];
			render_params(&m, params, sizeof(params));
			if (strcmp(params, c->params) != 0)
				fail_msg("case %zu: %s %s: params \"%s\", want \"%s\"", i,
					 c->method, c->path, params, c->params);
		} else {
			assert_null(m.route);
		}
		if (got == MATCH_NO_METHOD && strcmp(m.allow, c->allow) != 0)
			fail_msg("case %zu: %s %s: Allow \"%s\", want \"%s\"", i, c->method,
				 c->path, m.allow, c->allow);
		if (got == MATCH_NO_PATH)
			assert_string_equal(m.allow, "");
	}
}

static void test_params_point_into_path(void **state)
{
	(void)state;
	const char *path = "/teams/12/members/345";
	struct route_match m;
	assert_int_equal(router_match(table, NTABLE, "DELETE", path, true, &m), MATCH_OK);
	assert_int_equal(m.n, 2);
	assert_ptr_equal(m.value[0], path + 7);
	assert_int_equal(m.value_len[0], 2);
	assert_ptr_equal(m.value[1], path + 18);
	assert_int_equal(m.value_len[1], 3);
	assert_int_equal(m.name_len[1], strlen("user_id"));
	assert_int_equal(strncmp(m.name[1], "user_id", m.name_len[1]), 0);
}

static void test_empty_table(void **state)
{
	(void)state;
	struct route_match m;
	assert_int_equal(router_match(table, 0, "GET", "/users", false, &m), MATCH_NO_PATH);
	assert_null(m.route);
}

/* ---- brug's own route table ---- */

/* A concrete path for a pattern: each {param} becomes "1", {*rest} "a/b". */
static void instantiate(const char *pattern, char *out, size_t n)
{
	size_t len = 0;
	for (const char *p = pattern; *p && len + 4 < n;) {
		if (*p == '{') {
			const char *v = p[1] == '*' ? "a/b" : "1";
			len += (size_t)snprintf(out + len, n - len, "%s", v);
			p = strchr(p, '}') + 1;
		} else {
			out[len++] = *p++;
		}
	}
	out[len] = '\0';
}

static void test_every_route_is_reachable(void **state)
{
	(void)state;
	assert_true(routes_count > 10);
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		assert_non_null(r->handler);
		assert_int_equal(r->pattern[0], '/');
		size_t params = 0;
		for (const char *p = r->pattern; (p = strchr(p, '{')); p++)
			params++;
		assert_true(params <= ROUTE_MAX_PARAMS);
		/* R_ROOT and R_PAGE/R_API exclude each other */
		assert_false((r->flags & R_PAGE) && (r->flags & R_API));
		assert_false((r->flags & R_ROOT) && (r->flags & (R_PAGE | R_API)));
		char path[256];
		instantiate(r->pattern, path, sizeof(path));
		for (int api = 0; api <= 1; api++) {
			bool visible = (r->flags & R_ROOT) ? !api
				       : api               ? !(r->flags & R_PAGE)
							   : !(r->flags & R_API);
			if (!visible)
				continue;
			struct route_match m;
			enum match_result got =
				router_match(routes, routes_count, r->method, path, api, &m);
			if (got != MATCH_OK || m.route != r)
				fail_msg("%s %s (%s) is shadowed: %s %s answers %s", r->method,
					 r->pattern, api ? "api" : "page", r->method, path,
					 got == MATCH_OK ? m.route->pattern : "no route");
			assert_int_equal(m.n, params);
			if (strcmp(r->method, "GET") == 0) {
				assert_int_equal(
					router_match(routes, routes_count, "HEAD", path, api, &m),
					MATCH_OK);
				assert_ptr_equal(m.route, r);
			}
		}
	}
}

static void test_routes_are_unique(void **state)
{
	(void)state;
	for (size_t i = 0; i < routes_count; i++)
		for (size_t j = i + 1; j < routes_count; j++) {
			const struct route *a = &routes[i], *b = &routes[j];
			if (strcmp(a->method, b->method) || strcmp(a->pattern, b->pattern))
				continue;
			/* the same method and pattern twice is only fine when no
			 * namespace sees both */
			bool page = !(a->flags & R_API) && !(b->flags & R_API);
			bool api =
				!(a->flags & (R_PAGE | R_ROOT)) && !(b->flags & (R_PAGE | R_ROOT));
			if (page || api)
				fail_msg("%s %s is listed twice", a->method, a->pattern);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_params_point_into_path),
		cmocka_unit_test(test_empty_table),
		cmocka_unit_test(test_every_route_is_reachable),
		cmocka_unit_test(test_routes_are_unique),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

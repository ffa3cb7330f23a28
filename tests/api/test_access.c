/* SPDX-License-Identifier: Apache-2.0 */
/* The access control matrix, generated from the route table and asserted
 * for every route and every caller: anonymous, employee, manager, admin and
 * another organisation's admin, by API token on /api/v1 and by browser
 * session (and token) on pages. "Allowed" means the route's handler ran:
 * every handler is wrapped in a probe, so a handler's own 404 or 422 is
 * never mistaken for a guard's answer. docs/access.md must equal the
 * generated matrix (BRUG_WRITE_ACCESS_DOC=1 rewrites it). The other half,
 * organisations and ids in bodies, is test_access_orgs.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "access.h"
#include "api/routes.h"
#include "util/buf.h"

static struct session sessions[C_COUNT];

/* The route's pattern with ids that do not exist (nothing is changed; the
 * probe tells whether the guards let the caller through), a real file for
 * the static route. */
static void concrete(const struct route *r, bool api, char *out, size_t n)
{
	size_t w = (size_t)snprintf(out, n, "%s", api ? "/api/v1" : "");
	for (const char *p = r->pattern; *p && w + 16 < n;) {
		if (*p == '{') {
			w += (size_t)snprintf(out + w, n - w, "%s", p[1] == '*' ? "app.css" : "999999");
			p = strchr(p, '}') + 1;
		} else {
			out[w++] = *p++;
		}
	}
	out[w] = '\0';
}

/* One cell: the caller's answer, checked against what the flags promise. */
static void check_cell(struct harness *h, const struct route *r, bool api, enum caller c,
		       bool by_token)
{
	char target[256];
	concrete(r, api, target, sizeof(target));
	struct result res;
	bool ran = access_call(h, r, api, c, by_token ? NULL : &sessions[c], target, NULL, &res);
	enum verdict want = access_expected(r, c);
	const char *code = NULL;
	bool ok;
	switch (want) {
	case V_SIGN_IN:
		code = "unauthenticated";
		ok = !ran && ((api || access_is_write(r))
				      ? res.status == 401
				      : res.status == 303 && res.location &&
						!strncmp(res.location, "/login?next=%2F", 15));
		break;
	case V_FORBIDDEN:
		code = "forbidden";
		ok = !ran && res.status == 403;
		break;
	default: /* V_ALLOW; V_NOT_FOUND gets past the guards to its handler */
		ok = ran && res.status != 401 && res.status != 403 && res.status < 500;
		break;
	}
	/* an API client reads the stable code in the error body */
	if (ok && code && (api || !strcmp(res.content_type, "application/json")))
		ok = json_is_string(jpath(res.json, "message")) &&
		     !strcmp(json_string_value(jpath(res.json, "error")), code);
	if (!ok)
		fail_msg("%s %s as %s by %s: want %s; got %d (handler %s) %.300s", r->method, target,
			 access_caller_name[c], by_token ? "token" : "session",
			 access_verdict_text(want), res.status, ran ? "ran" : "not reached", res.body);
	result_free(&res);
	/* the matrix signs its own sessions out through /logout: back in */
	if (!by_token && c != C_ANON && !api && !strcmp(r->pattern, "/logout"))
		h_login(h, access_as[c], &sessions[c]);
}

/* Signed-in callers sign in; the anonymous one is a browser that has
 * been to a page (its brug_anon cookie and the CSRF token of its forms). */
static void test_sessions(void **state)
{
	struct harness *h = *state;
	for (enum caller c = C_EMPLOYEE; c < C_COUNT; c++)
		h_login(h, access_as[c], &sessions[c]);
	struct result res;
	char cookie[300];
	h_call(h, AS_ANON, "GET", "/login", NULL, NULL, NULL, &res);
	assert_true(result_cookie(&res, "brug_anon", cookie, sizeof(cookie)));
	struct session *s = &sessions[C_ANON];
	snprintf(s->cookie, sizeof(s->cookie), "%.*s", (int)strcspn(cookie, ";"), cookie);
	const char *v = strstr(res.body, "name=\"_csrf\" value=\"");
	assert_non_null(v);
	snprintf(s->csrf, sizeof(s->csrf), "%.*s", (int)strcspn(v + 20, "\""), v + 20);
	result_free(&res);
}

/* Every route, every caller: API routes by token, pages by session. */
static void test_matrix(void **state)
{
	struct harness *h = *state;
	size_t cells = 0;
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		for (enum caller c = C_ANON; c < C_COUNT; c++) {
			if (access_api_visible(r)) {
				check_cell(h, r, true, c, true);
				cells++;
			}
			if (access_page_visible(r)) {
				check_cell(h, r, false, c, false);
				cells++;
			}
		}
	}
	assert_true(cells >= 5 * routes_count);
}

/* An API token is its user, with that user's role, on pages too. */
static void test_token_on_pages(void **state)
{
	struct harness *h = *state;
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		if (!access_page_visible(r))
			continue;
		for (enum caller c = C_EMPLOYEE; c < C_COUNT; c++)
			check_cell(h, r, false, c, true);
	}
}

/* A revoked token and a made-up one are nobody: 401 on every API route
 * that is not public (never the handler, never a page's redirect). */
static void test_bad_tokens(void **state)
{
	struct harness *h = *state;
	struct result res;
	h_call(h, AS_EMPLOYEE, "POST", "/api/v1/tokens", NULL, "{\"name\":\"to revoke\"}", NULL,
	       &res);
	check_status(&res, 201);
	char bearer[160], path[64], hdr[200];
	snprintf(bearer, sizeof(bearer), "%s", json_string_value(jpath(res.json, "token")));
	snprintf(path, sizeof(path), "/api/v1/tokens/%lld", (long long)json_int_at(&res, "id"));
	result_free(&res);
	h_call(h, AS_EMPLOYEE, "DELETE", path, NULL, NULL, NULL, &res);
	check_status(&res, 204);
	result_free(&res);
	static const char *const fake = "brug_1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	for (int k = 0; k < 2; k++) {
		snprintf(hdr, sizeof(hdr), "authorization: Bearer %s\n", k ? fake : bearer);
		for (size_t i = 0; i < routes_count; i++) {
			const struct route *r = &routes[i];
			if ((r->flags & R_PUBLIC) || !access_api_visible(r))
				continue;
			char target[256];
			concrete(r, true, target, sizeof(target));
			struct h_req rq = {.who = AS_ANON, .method = r->method, .target = target,
					   .headers = hdr};
			if (access_is_write(r))
				rq.body = "{}";
			access_reached = NULL;
			h_send(h, &rq, &res);
			if (res.status != 401 || access_reached ||
			    strcmp(json_string_value(jpath(res.json, "error")), "unauthenticated"))
				fail_msg("%s %s with a %s token: want 401; got %d %.200s", r->method,
					 target, k ? "made-up" : "revoked", res.status, res.body);
			result_free(&res);
		}
	}
}

/* The matrix as Markdown, from the route table's flags. */
static char *matrix_doc(void)
{
	struct buf b;
	buf_init(&b, 0);
	buf_adds(&b,
		 "# Who may do what: the access matrix\n\n"
		 "<!-- Generated by tests/api/test_access.c from the route table\n"
		 "     (src/api/routes.c); do not edit. Regenerate with\n"
		 "     BRUG_WRITE_ACCESS_DOC=1 meson test -C <build> api/access -->\n\n"
		 "Every route of brug, who may use it and what everybody else gets. The test\n"
		 "that writes this page also calls every route as every caller, on SQLite and\n"
		 "on PostgreSQL, and fails when an answer differs from it or this page from\n"
		 "the route table: the page is always current.\n\n"
		 "- **where**: `page` is a browser page (signed in with a session cookie),\n"
		 "  `API` is the same path under `/api/v1` (signed in with an API token:\n"
		 "  `Authorization: Bearer brug_...`), `root` is outside both. An API token\n"
		 "  acts as the user who made it, with that user's current role (tokens have\n"
		 "  no scopes of their own), and works on pages too; a revoked or made-up\n"
		 "  token gets 401 everywhere but the public routes.\n"
		 "- **yes**: the caller gets through to the request itself (which may\n"
		 "  still answer 404 for an id that does not exist or 422 for bad input).\n"
		 "  Of the public routes, `/metrics` then answers only the scraper's token\n"
		 "  (`metrics-token`) or, without one, the local machine (403 otherwise).\n"
		 "- **sign in**: a page read without signing in is sent to `/login`\n"
		 "  (303); an API call or a form post gets 401 (`\"error\":\"unauthenticated\"`).\n"
		 "- **403**: the role is too low (`\"error\":\"forbidden\"`). Roles rise\n"
		 "  from employee to manager to admin; each may do what the one below may.\n"
		 "- **404**: an object of another organisation is not found\n"
		 "  (`\"error\":\"not_found\"`), exactly as an id that does not exist, and\n"
		 "  nothing is changed. Another organisation's admin is an admin in their\n"
		 "  own organisation: the routes without an id show them their own data.\n\n"
		 "| method | path | where |");
	for (enum caller c = C_ANON; c < C_COUNT; c++)
		buf_printf(&b, " %s |", access_caller_name[c]);
	buf_adds(&b, " what |\n|---|---|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		const char *where = r->flags & R_ROOT  ? "root"
				    : r->flags & R_API  ? "API"
				    : r->flags & R_PAGE ? "page"
							: "page, API";
		buf_printf(&b, "| %s | `%s` | %s |", r->method, r->pattern, where);
		for (enum caller c = C_ANON; c < C_COUNT; c++)
			buf_printf(&b, " %s |", access_verdict_text(access_expected(r, c)));
		buf_adds(&b, " ");
		for (const char *s = r->summary; *s; s++) {
			if (*s == '|')
				buf_addc(&b, '\\');
			buf_addc(&b, *s);
		}
		buf_adds(&b, " |\n");
	}
	return buf_take(&b, NULL);
}

static void test_doc(void **state)
{
	(void)state;
	const char *dir = getenv("BRUG_API_TESTDIR");
	assert_non_null(dir);
	char path[1024];
	snprintf(path, sizeof(path), "%s/../../docs/access.md", dir);
	char *want = matrix_doc();
	const char *write = getenv("BRUG_WRITE_ACCESS_DOC");
	if (write && !strcmp(write, "1")) {
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		assert_int_equal(fputs(want, f) >= 0, 1);
		assert_int_equal(fclose(f), 0);
	}
	char *have = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r");
	if (f) {
		FILE *m = open_memstream(&have, &len);
		int ch;
		while ((ch = fgetc(f)) != EOF)
			fputc(ch, m);
		fclose(m);
		fclose(f);
	}
	if (!have || strcmp(have, want) != 0)
		fail_msg("docs/access.md is not the route table's matrix: regenerate it with "
			 "BRUG_WRITE_ACCESS_DOC=1 meson test -C <build> api/access (and read the diff)");
	free(have);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doc),
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_token_on_pages),
		cmocka_unit_test(test_bad_tokens),
	};
	return cmocka_run_group_tests(tests, access_setup, access_teardown);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The route table's promises, checked for every route it holds (so a route
 * added later is checked without writing a test for it): anonymous callers
 * are refused unless the route is public, a role below the route's is
 * refused, the route's role gets past the guards, every browser write
 * needs its CSRF token, and HEAD answers as GET does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/routes.h"
#include "harness.h"

static struct session employee, manager;

/* The route's pattern with its parameters filled in: ids that do not
 * exist (so nothing is changed), a real file for the static route. */
static void concrete(const struct route *r, bool api, char *out, size_t n)
{
	size_t w = (size_t)snprintf(out, n, "%s", api ? "/api/v1" : "");
	for (const char *p = r->pattern; *p && w + 16 < n;) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			w += (size_t)snprintf(out + w, n - w, "%s", p[1] == '*' ? "app.css" : "999999");
			p = close + 1;
		} else {
			out[w++] = *p++;
		}
	}
	out[w] = '\0';
}

static bool api_visible(const struct route *r)
{
	return !(r->flags & (R_PAGE | R_ROOT));
}

static bool page_visible(const struct route *r)
{
	return !(r->flags & R_API);
}

static bool is_write(const struct route *r)
{
	return strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0;
}

static struct session *session_of(enum as who)
{
	return who == AS_EMPLOYEE ? &employee : &manager;
}

static void send_route(struct harness *h, enum as who, const struct route *r, bool api,
		 const struct session *s, bool no_csrf, struct result *out)
{
	char target[256];
	concrete(r, api, target, sizeof(target));
	/* /metrics answers the local machine (or a scraper's token) */
	struct h_req rq = {.who = who, .method = r->method, .target = target, .session = s,
			   .no_csrf = no_csrf,
			   .peer_ip = !strcmp(r->pattern, "/metrics") ? "127.0.0.1" : NULL};
	if (is_write(r)) {
		rq.body = api ? "{}" : "x=1";
		rq.ctype = api ? NULL : "application/x-www-form-urlencoded";
	}
	h_send(h, &rq, out);
}

static void fail_route(const struct route *r, bool api, const char *what, const struct result *res)
{
	fail_msg("%s %s%s: %s; got %d %.300s", r->method, api ? "/api/v1" : "", r->pattern, what,
		 res->status, res->body);
}

static void test_sessions(void **state)
{
	h_login(*state, AS_EMPLOYEE, &employee);
	h_login(*state, AS_MANAGER, &manager);
}

static void test_anonymous_refused(void **state)
{
	struct harness *h = *state;
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		if (r->flags & R_PUBLIC)
			continue;
		struct result res;
		if (api_visible(r)) {
			send_route(h, AS_ANON, r, true, NULL, true, &res);
			if (res.status != 401 || !json_is_string(jpath(res.json, "message")))
				fail_route(r, true, "want 401 with a message", &res);
			result_free(&res);
		}
		if (page_visible(r)) {
			send_route(h, AS_ANON, r, false, NULL, true, &res);
			if (is_write(r) ? res.status != 401
					: res.status != 303 || !res.location ||
						  strncmp(res.location, "/login?next=%2F", 15) != 0)
				fail_route(r, false, "want 401 (write) or 303 to /login (read)", &res);
			result_free(&res);
		}
	}
}

static void test_lower_roles_refused(void **state)
{
	struct harness *h = *state;
	static const enum as below[] = {AS_EMPLOYEE, AS_MANAGER};
	static const enum role role_of[] = {ROLE_EMPLOYEE, ROLE_MANAGER};
	size_t checked = 0;
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		if (r->flags & R_PUBLIC)
			continue;
		for (size_t k = 0; k < 2; k++) {
			if (role_of[k] >= r->role)
				continue;
			struct result res;
			if (api_visible(r)) {
				send_route(h, below[k], r, true, NULL, false, &res);
				if (res.status != 403 || !json_is_string(jpath(res.json, "error")))
					fail_route(r, true, "want 403 for a lower role", &res);
				result_free(&res);
				checked++;
			}
			if (page_visible(r)) {
				send_route(h, AS_ANON, r, false, session_of(below[k]), false, &res);
				if (res.status != 403 || !strstr(res.body, "Dit mag je niet doen."))
					fail_route(r, false, "want 403 for a lower role", &res);
				result_free(&res);
				checked++;
			}
		}
	}
	assert_true(checked >= 20); /* the table does have manager and admin routes */
}

/* A download (an export) is a file, not a JSON object. */
static bool is_download(const struct result *res)
{
	char v[16];
	return result_header(res, "Content-Disposition", 0, v, sizeof(v)) &&
	       !strncmp(v, "attachment", 10);
}

static void test_role_passes(void **state)
{
	struct harness *h = *state;
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		enum as who = r->role >= ROLE_ADMIN ? AS_ADMIN : r->role >= ROLE_MANAGER ? AS_MANAGER
											 : AS_EMPLOYEE;
		if (r->flags & R_PUBLIC)
			who = AS_ANON;
		for (int api = 0; api < 2; api++) {
			if (api ? !api_visible(r) : !page_visible(r))
				continue;
			if (who == AS_ANON && !api && is_write(r))
				continue; /* an anonymous form needs its cookie: test_csrf */
			struct result res;
			send_route(h, who, r, api, NULL, true, &res);
			if (res.status == 401 || res.status == 403 || res.status == 405 || res.status >= 500)
				fail_route(r, api, "the route's own role is refused", &res);
			if (api && res.status != 204 && !json_is_object(res.json) && !is_download(&res))
				fail_route(r, api, "an API answer that is not a JSON object", &res);
			result_free(&res);
		}
	}
}

static void test_writes_need_csrf(void **state)
{
	struct harness *h = *state;
	size_t checked = 0;
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		if (!is_write(r) || !page_visible(r) || (r->flags & (R_NOCSRF | R_ROOT)))
			continue;
		struct result res;
		send_route(h, AS_SESSION, r, false, NULL, true, &res);
		if (res.status != 403 || !strstr(res.body, "Dit formulier is verlopen."))
			fail_route(r, false, "want 403 without the CSRF token", &res);
		result_free(&res);
		checked++;
		/* the same with JSON: a session cookie is a session cookie */
		char target[256];
		concrete(r, false, target, sizeof(target));
		struct h_req rq = {.who = AS_SESSION, .method = r->method, .target = target, .body = "{}",
				   .no_csrf = true};
		h_send(h, &rq, &res);
		if (res.status != 403)
			fail_route(r, false, "want 403 for JSON without the CSRF token", &res);
		result_free(&res);
	}
	assert_true(checked >= 15);
	/* the harness's session is intact: nothing above signed it out */
	struct result res;
	h_call(h, AS_SESSION, "GET", "/api/v1/me", NULL, NULL, NULL, &res);
	check_status(&res, 200);
	result_free(&res);
}

static void test_head(void **state)
{
	struct harness *h = *state;
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		if (strcmp(r->method, "GET") != 0)
			continue;
		enum as who = r->flags & R_PUBLIC ? AS_ANON : AS_ADMIN;
		bool api = api_visible(r);
		struct result get, head;
		char target[256];
		concrete(r, api, target, sizeof(target));
		h_call(h, who, "GET", target, NULL, NULL, NULL, &get);
		h_call(h, who, "HEAD", target, NULL, NULL, NULL, &head);
		if (get.status != head.status || strcmp(get.content_type, head.content_type))
			fail_msg("HEAD %s: %d [%s], GET: %d [%s]", target, head.status, head.content_type,
				 get.status, get.content_type);
		result_free(&get);
		result_free(&head);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_anonymous_refused),
		cmocka_unit_test(test_lower_roles_refused),
		cmocka_unit_test(test_role_passes),
		cmocka_unit_test(test_writes_need_csrf),
		cmocka_unit_test(test_head),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

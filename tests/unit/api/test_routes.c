/* SPDX-License-Identifier: Apache-2.0 */
/* The route table's invariants, and that docs/api.md documents every API
 * route: a route added without documentation, a page without its template,
 * or a protected route without a role fails here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/routes.h"
#include "util/embedded.h"

static char *read_doc(const char *name)
{
	char path[1024];
	const char *data = getenv("BRUG_TESTDATA");
	assert_non_null(data);
	snprintf(path, sizeof(path), "%s/../../docs/%s", data, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static void test_api_routes_documented(void **state)
{
	(void)state;
	const char *doc = read_doc("api.md");
	int missing = 0;
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		if (r->flags & R_PAGE)
			continue;
		if ((r->flags & R_ROOT) && strncmp(r->pattern, "/static", 7) == 0)
			continue;
		if (!strcmp(r->pattern, "/favicon.ico"))
			continue;
		char want[256];
		snprintf(want, sizeof(want), "`%s %s%s`", r->method,
			 (r->flags & R_ROOT) ? "" : "/api/v1", r->pattern);
		if (!strstr(doc, want)) {
			fprintf(stderr, "docs/api.md does not document %s\n", want);
			missing++;
		}
	}
	assert_int_equal(missing, 0);
}

static void test_routes_unique(void **state)
{
	(void)state;
	for (size_t i = 0; i < routes_count; i++)
		for (size_t j = i + 1; j < routes_count; j++) {
			const struct route *a = &routes[i], *b = &routes[j];
			bool overlap = !((a->flags & R_PAGE) && (b->flags & R_API)) &&
				       !((a->flags & R_API) && (b->flags & R_PAGE));
			if (overlap && !strcmp(a->method, b->method) && !strcmp(a->pattern, b->pattern))
				fail_msg("duplicate route %s %s", a->method, a->pattern);
		}
}

static void test_views_exist(void **state)
{
	(void)state;
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		if (!r->view)
			continue;
		char name[256];
		snprintf(name, sizeof(name), "templates/%s.mustache", r->view);
		if (!embedded_find(name))
			fail_msg("route %s %s names view %s, which does not exist", r->method, r->pattern,
				 r->view);
	}
	assert_non_null(embedded_find("templates/error.mustache"));
	assert_non_null(embedded_find("templates/layout.mustache"));
}

static void test_protected_routes_have_roles(void **state)
{
	(void)state;
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		if (!(r->flags & R_PUBLIC) && r->role < ROLE_EMPLOYEE)
			fail_msg("route %s %s is neither public nor has a role", r->method, r->pattern);
		/* writes that skip CSRF must say so on purpose: only the RFC 8058
		 * one-click unsubscribe, which a mail client posts without a
		 * session (it only ever adds an opt-out) */
		if (strcmp(r->method, "GET") && (r->flags & R_NOCSRF) &&
		    strcmp(r->pattern, "/s/{token}/unsubscribe"))
			fail_msg("route %s %s skips CSRF", r->method, r->pattern);
		if (!r->summary || !*r->summary)
			fail_msg("route %s %s has no summary", r->method, r->pattern);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_routes_documented),
		cmocka_unit_test(test_routes_unique),
		cmocka_unit_test(test_views_exist),
		cmocka_unit_test(test_protected_routes_have_roles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

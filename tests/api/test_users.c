/* SPDX-License-Identifier: Apache-2.0 */
/* API tests for users, /me and sign-in: representations, roles, validation
 * and the rules a user relies on (one active admin at least, emails unique
 * across the installation, other organisations invisible). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static void test_me(void **state)
{
	static const struct api_case cases[] = {
		{AS_ADMIN, "GET", "/api/v1/me", NULL, 200, "email", "admin@one.example"},
		{AS_ADMIN, "GET", "/api/v1/me", NULL, 200, "role", "admin"},
		{AS_ADMIN, "GET", "/api/v1/me", NULL, 200, "org.name", "One"},
		{AS_EMPLOYEE, "GET", "/api/v1/me", NULL, 200, "role", "employee"},
		{AS_OTHER, "GET", "/api/v1/me", NULL, 200, "org.name", "Two"},
		{AS_ANON, "GET", "/api/v1/me", NULL, 401, "error", "unauthenticated"},
		{AS_EMPLOYEE, "PATCH", "/api/v1/me", "{\"name\":\"Eve Employee\"}", 200, "name",
		 "Eve Employee"},
		{AS_EMPLOYEE, "PATCH", "/api/v1/me", "{\"name\":\"\"}", 422, "fields.name", NULL},
		{AS_EMPLOYEE, "PATCH", "/api/v1/me", "{\"name\":42}", 422, "fields.name", NULL},
		{AS_EMPLOYEE, "PATCH", "/api/v1/me", "{\"lang\":\"fr\"}", 422, "fields.lang", NULL},
		{AS_EMPLOYEE, "PATCH", "/api/v1/me", "{\"lang\":\"en\"}", 200, "lang", "en"},
	};
	run_cases(*state, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_users_access(void **state)
{
	static const struct api_case cases[] = {
		{AS_EMPLOYEE, "GET", "/api/v1/users", NULL, 200, "total", "3"},
		{AS_OTHER, "GET", "/api/v1/users", NULL, 200, "total", "1"},
		{AS_EMPLOYEE, "POST", "/api/v1/users",
		 "{\"email\":\"x@one.example\",\"name\":\"X\",\"role\":\"employee\",\"password\":\"password-1\"}",
		 403, "error", "forbidden"},
		{AS_MANAGER, "POST", "/api/v1/users",
		 "{\"email\":\"x@one.example\",\"name\":\"X\",\"role\":\"employee\",\"password\":\"password-1\"}",
		 403, NULL, NULL},
		{AS_OTHER, "GET", "/api/v1/users/1", NULL, 404, "error", "not_found"},
		{AS_ADMIN, "GET", "/api/v1/users/999999", NULL, 404, NULL, NULL},
		{AS_ADMIN, "GET", "/api/v1/users/abc", NULL, 404, NULL, NULL},
		{AS_ADMIN, "GET", "/api/v1/users/1", NULL, 200, "email", "employee@one.example"},
	};
	run_cases(*state, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_users_create(void **state)
{
	static const struct api_case cases[] = {
		{AS_ADMIN, "POST", "/api/v1/users",
		 "{\"email\":\"New.Person@One.example\",\"name\":\"New <b>Person</b>\",\"role\":\"manager\","
		 "\"password\":\"password-1\"}",
		 201, "email", "new.person@one.example"},
		{AS_ADMIN, "GET", "/api/v1/users?q=new.person", NULL, 200, "items.0.name",
		 "New <b>Person</b>"},
		/* the same address in another organisation is still taken */
		{AS_OTHER, "POST", "/api/v1/users",
		 "{\"email\":\"new.person@one.example\",\"name\":\"Dup\",\"role\":\"employee\","
		 "\"password\":\"password-1\"}",
		 409, "fields.email", NULL},
		{AS_ADMIN, "POST", "/api/v1/users",
		 "{\"email\":\"bad\",\"name\":\"\",\"role\":\"boss\",\"password\":\"short\"}", 422,
		 "fields.email", NULL},
		{AS_ADMIN, "POST", "/api/v1/users",
		 "{\"email\":\"bad\",\"name\":\"\",\"role\":\"boss\",\"password\":\"short\"}", 422,
		 "fields.role", NULL},
		{AS_ADMIN, "POST", "/api/v1/users",
		 "{\"email\":\"ok@one.example\",\"name\":\"Ok\",\"role\":\"employee\",\"password\":\"short\"}",
		 422, "fields.password", NULL},
		{AS_ADMIN, "POST", "/api/v1/users", "{\"email\":", 400, "error", "bad_request"},
		{AS_ADMIN, "POST", "/api/v1/users", "[1,2]", 400, "error", "bad_request"},
	};
	run_cases(*state, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_last_admin(void **state)
{
	struct harness *h = *state;
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)h->user[AS_OTHER]);
	struct result r;
	/* the only administrator of org 2 cannot demote or disable themselves */
	h_call(h, AS_OTHER, "PATCH", path, NULL, "{\"role\":\"employee\"}", NULL, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(jpath(r.json, "fields.role"));
	result_free(&r);
	h_call(h, AS_OTHER, "PATCH", path, NULL, "{\"disabled\":true}", NULL, &r);
	assert_int_equal(r.status, 422);
	result_free(&r);
	h_call(h, AS_OTHER, "GET", "/api/v1/me", NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(jpath(r.json, "role")), "admin");
	result_free(&r);
}

/* The longest name the form takes, in a script of two bytes a letter, is
 * shown whole on every page: nothing on the way cuts it to fit a buffer. */
static void test_long_utf8_name(void **state)
{
	struct harness *h = *state;
	char name[401 + 1], body[512];
	for (int i = 0; i < 200; i++)
		memcpy(name + 2 * i, "\xc3\xa9", 2); /* é */
	name[400] = '\0';
	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
	struct result r;
	h_call(h, AS_SESSION, "PATCH", "/api/v1/me", NULL, body, NULL, &r);
	assert_int_equal(r.status, 200);
	result_free(&r);
	h_call(h, AS_SESSION, "GET", "/me", NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	char link[600];
	snprintf(link, sizeof(link), "title=\"Mijn account\">%s</a>", name);
	if (!strstr(r.body, link))
		fail_msg("the page header does not show the whole name");
	result_free(&r);
}

/* Disabling a user stops their API tokens, for good. */
static void test_disable_stops_token(void **state)
{
	struct harness *h = *state;
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)h->user[AS_MANAGER]);
	struct result r;
	h_call(h, AS_ADMIN, "PATCH", path, NULL, "{\"disabled\":true}", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(json_is_true(jpath(r.json, "is_disabled")));
	result_free(&r);
	h_call(h, AS_MANAGER, "GET", "/api/v1/me", NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 401);
	result_free(&r);
	/* enabled again, the user signs in again; their old token stays revoked */
	h_call(h, AS_ADMIN, "PATCH", path, NULL, "{\"disabled\":false}", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(json_is_false(jpath(r.json, "is_disabled")));
	result_free(&r);
	h_call(h, AS_MANAGER, "GET", "/api/v1/me", NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 401);
	result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_me),
		cmocka_unit_test(test_users_access),
		cmocka_unit_test(test_users_create),
		cmocka_unit_test(test_last_admin),
		cmocka_unit_test(test_long_utf8_name),
		cmocka_unit_test(test_disable_stops_token),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* API tests for API tokens: the secret shown once, acting as its user with
 * that user's current role, expiry, who sees and revokes which tokens, and
 * that a revoked token stops at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "util/clock.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define DAY_MS 86400000LL

struct made {
	int64_t id;
	char secret[128];
	char bearer[160]; /* "authorization: Bearer ...\n" */
};

static void make(struct harness *h, enum as who, const char *body, struct made *m)
{
	struct result r;
	h_call(h, who, "POST", "/api/v1/tokens", NULL, body, NULL, &r);
	check_status(&r, 201);
	m->id = json_int_at(&r, "id");
	snprintf(m->secret, sizeof(m->secret), "%s", json_string_value(jpath(r.json, "token")));
	snprintf(m->bearer, sizeof(m->bearer), "authorization: Bearer %s\n", m->secret);
	result_free(&r);
}

/* The status of GET /api/v1/me with a token. */
static int use(struct harness *h, const struct made *m)
{
	struct result r;
	h_call(h, AS_ANON, "GET", "/api/v1/me", NULL, NULL, m->bearer, &r);
	int status = r.status;
	result_free(&r);
	return status;
}

static void test_create_and_use(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_EMPLOYEE, "POST", "/api/v1/tokens", NULL, "{\"name\":\"  CI pipeline \"}", NULL, &r);
	check_status(&r, 201);
	check_json(&r, "name", "CI pipeline");
	check_json(&r, "expires_at", "null");
	const char *secret = json_string_value(jpath(r.json, "token"));
	assert_non_null(secret);
	assert_int_equal(strncmp(secret, "brug_1_", 7), 0);
	assert_int_equal(strlen(secret), 7 + 43);
	struct made m = {.id = json_int_at(&r, "id")};
	snprintf(m.secret, sizeof(m.secret), "%s", secret);
	snprintf(m.bearer, sizeof(m.bearer), "authorization: Bearer %s\n", secret);
	result_free(&r);

	h_call(h, AS_ANON, "GET", "/api/v1/me", NULL, NULL, m.bearer, &r);
	check_status(&r, 200);
	check_json(&r, "email", "employee@one.example");
	check_json(&r, "auth", "token");
	result_free(&r);
	/* the scheme's name is case-insensitive */
	char lower[160];
	snprintf(lower, sizeof(lower), "authorization: bearer %s\n", m.secret);
	h_call(h, AS_ANON, "GET", "/api/v1/me", NULL, NULL, lower, &r);
	check_status(&r, 200);
	result_free(&r);

	/* listed without the secret, with its last four characters as a hint */
	h_call(h, AS_EMPLOYEE, "GET", "/api/v1/tokens", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "items.0.id", NULL);
	assert_int_equal(json_int_at(&r, "items.0.id"), m.id);
	check_no_body(&r, m.secret + 7);
	check_no_body(&r, "token_hash");
	assert_null(jpath(r.json, "items.0.token"));
	char hint[16];
	snprintf(hint, sizeof(hint), "\xe2\x80\xa6%s", m.secret + strlen(m.secret) - 4);
	check_json(&r, "items.0.hint", hint);
	check_json(&r, "items.0.last_used_at", NULL);
	assert_true(json_is_string(jpath(r.json, "items.0.last_used_at")));
	check_json(&r, "items.0.is_revoked", "false");
	check_json(&r, "all_users", "false");
	result_free(&r);

	static const struct api_case cases[] = {
		{AS_EMPLOYEE, "POST", "/api/v1/tokens", "{}", 422, "fields.name",
		 "Dit veld is verplicht."},
		{AS_EMPLOYEE, "POST", "/api/v1/tokens", "{\"name\":\"\\n\"}", 422, "fields.name",
		 NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/tokens",
		 "{\"name\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}", 422, "fields.name", "Dit is te lang."},
		{AS_EMPLOYEE, "POST", "/api/v1/tokens", "{\"name\":\"t\",\"expires_in_days\":-1}",
		 422, "fields.expires_in_days", "Dit getal valt buiten het bereik."},
		{AS_EMPLOYEE, "POST", "/api/v1/tokens", "{\"name\":\"t\",\"expires_in_days\":3651}",
		 422, "fields.expires_in_days", NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/tokens", "{\"name\":\"t\",\"expires_in_days\":3650}",
		 201, "name", "t"},
		{AS_EMPLOYEE, "POST", "/api/v1/tokens", "{\"name\":\"t0\",\"expires_in_days\":0}",
		 201, "expires_at", "null"},
		{AS_EMPLOYEE, "POST", "/api/v1/tokens",
		 "{\"name\":\"tnull\",\"expires_in_days\":null}", 201, "expires_at", "null"},
		{AS_ANON, "POST", "/api/v1/tokens", "{\"name\":\"anon\"}", 401, "error",
		 "unauthenticated"},
	};
	run_cases(h, cases, N(cases));
}

static void test_expiry(void **state)
{
	struct harness *h = *state;
	struct made m;
	make(h, AS_MANAGER, "{\"name\":\"day\",\"expires_in_days\":1}", &m);
	struct result r;
	h_call(h, AS_MANAGER, "GET", "/api/v1/tokens", NULL, NULL, NULL, &r);
	assert_true(json_is_string(jpath(r.json, "items.0.expires_at")));
	result_free(&r);
	assert_int_equal(use(h, &m), 200);
	clock_shift_ms(DAY_MS - 60000);
	assert_int_equal(use(h, &m), 200);
	clock_shift_ms(2 * 60000);
	assert_int_equal(use(h, &m), 401);
	clock_shift_ms(-DAY_MS - 60000);
	assert_int_equal(use(h, &m), 200);
}

static void test_visibility(void **state)
{
	struct harness *h = *state;
	struct result r;
	/* each user sees their own tokens; an administrator sees everyone's */
	const enum as who[] = {AS_EMPLOYEE, AS_MANAGER, AS_ADMIN, AS_OTHER};
	for (size_t i = 0; i < N(who); i++) {
		h_call(h, who[i], "GET", "/api/v1/tokens", NULL, NULL, NULL, &r);
		check_status(&r, 200);
		size_t k;
		json_t *t;
		int64_t org_user = h->user[who[i]];
		bool admin = who[i] == AS_ADMIN || who[i] == AS_OTHER;
		check_json(&r, "all_users", admin ? "true" : "false");
		json_array_foreach(jpath(r.json, "items"), k, t) {
			int64_t owner = json_integer_value(json_object_get(t, "user_id"));
			if (!admin && owner != org_user)
				fail_msg("%d sees token %s of user %lld", who[i], r.body, (long long)owner);
			if (who[i] == AS_OTHER && owner != h->user[AS_OTHER])
				fail_msg("org 2 sees org 1's token: %s", r.body);
		}
		if (who[i] == AS_ADMIN) {
			/* tokens of the employee, the manager and the admin (two: API and browser) */
			assert_true(json_array_size(jpath(r.json, "items")) >= 5);
			check_body(&r, "\"user_name\":\"employee@one.example\"");
			check_body(&r, "\"user_name\":\"manager@one.example\"");
		}
		if (who[i] == AS_OTHER)
			assert_int_equal(json_array_size(jpath(r.json, "items")), 1);
		result_free(&r);
	}
}

static void test_revoke(void **state)
{
	struct harness *h = *state;
	struct made own, victim;
	make(h, AS_EMPLOYEE, "{\"name\":\"own\"}", &own);
	make(h, AS_EMPLOYEE, "{\"name\":\"victim\"}", &victim);
	char p_own[64], p_victim[64], p_admin[64], p_other[64];
	snprintf(p_own, sizeof(p_own), "/api/v1/tokens/%lld", (long long)own.id);
	snprintf(p_victim, sizeof(p_victim), "/api/v1/tokens/%lld", (long long)victim.id);
	snprintf(p_admin, sizeof(p_admin), "/api/v1/tokens/%d", AS_ADMIN); /* the harness's: id 3 */
	snprintf(p_other, sizeof(p_other), "/api/v1/tokens/%d", AS_OTHER); /* org 2's: id 4 */
	const struct api_case cases[] = {
		/* nobody below administrator revokes another's token */
		{AS_MANAGER, "DELETE", p_own, NULL, 404, "error", "not_found"},
		{AS_EMPLOYEE, "DELETE", p_admin, NULL, 404, "error", "not_found"},
		{AS_OTHER, "DELETE", p_own, NULL, 404, "error", "not_found"},
		{AS_ADMIN, "DELETE", p_other, NULL, 404, "error", "not_found"},
		{AS_EMPLOYEE, "DELETE", "/api/v1/tokens/999", NULL, 404, "error", "not_found"},
		{AS_EMPLOYEE, "DELETE", "/api/v1/tokens/x", NULL, 404, "error", "not_found"},
		{AS_ADMIN, "GET", "/api/v1/me", NULL, 200, "role", "admin"},
		{AS_OTHER, "GET", "/api/v1/me", NULL, 200, "role", "admin"},
		/* the owner does, and so does an administrator */
		{AS_EMPLOYEE, "DELETE", p_own, NULL, 204, NULL, NULL},
		{AS_ADMIN, "DELETE", p_victim, NULL, 204, NULL, NULL},
		{AS_ADMIN, "GET", "/api/v1/audit?action=token.revoke", NULL, 200, "items.0.actor",
		 "admin@one.example"},
		{AS_ADMIN, "GET", "/api/v1/audit?action=token.revoke", NULL, 200, "items.1.actor",
		 "employee@one.example"},
	};
	assert_int_equal(use(h, &own), 200);
	assert_int_equal(use(h, &victim), 200);
	run_cases(h, cases, N(cases));
	assert_int_equal(use(h, &own), 401);
	assert_int_equal(use(h, &victim), 401);
	/* revoked tokens stay listed, last, marked */
	struct result r;
	h_call(h, AS_EMPLOYEE, "GET", "/api/v1/tokens", NULL, NULL, NULL, &r);
	json_t *items = jpath(r.json, "items");
	size_t n = json_array_size(items);
	assert_true(n >= 2);
	bool seen_revoked = false;
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_array_get(items, i);
		bool revoked = json_is_true(json_object_get(t, "is_revoked"));
		if (seen_revoked && !revoked)
			fail_msg("a live token after a revoked one: %s", r.body);
		seen_revoked |= revoked;
		if (revoked && !json_is_string(json_object_get(t, "revoked_at")))
			fail_msg("revoked without a time: %s", r.body);
	}
	assert_true(seen_revoked);
	result_free(&r);
	/* a revoked token cannot revoke, create or read anything */
	h_call(h, AS_ANON, "POST", "/api/v1/tokens", NULL, "{\"name\":\"again\"}", own.bearer, &r);
	check_status(&r, 401);
	result_free(&r);
}

static void test_current_role(void **state)
{
	struct harness *h = *state;
	char manager[64];
	snprintf(manager, sizeof(manager), "/api/v1/users/%lld", (long long)h->user[AS_MANAGER]);
	const struct api_case cases[] = {
		{AS_MANAGER, "POST", "/api/v1/teams", "{\"name\":\"While manager\"}", 201, "name",
		 "While manager"},
		{AS_ADMIN, "PATCH", manager, "{\"role\":\"employee\"}", 200, "role", "employee"},
		/* the same token, now an employee's */
		{AS_MANAGER, "POST", "/api/v1/teams", "{\"name\":\"After\"}", 403, "error",
		 "forbidden"},
		{AS_MANAGER, "GET", "/api/v1/me", NULL, 200, "role", "employee"},
		{AS_ADMIN, "PATCH", manager, "{\"role\":\"manager\"}", 200, "role", "manager"},
		{AS_MANAGER, "POST", "/api/v1/teams", "{\"name\":\"After\"}", 201, "name", "After"},
	};
	run_cases(h, cases, N(cases));
}

static void test_session_tokens(void **state)
{
	struct harness *h = *state;
	/* a browser session makes tokens too (with its CSRF header) */
	struct result r;
	h_call(h, AS_SESSION, "POST", "/api/v1/tokens", NULL, "{\"name\":\"from the browser\"}", NULL, &r);
	check_status(&r, 201);
	struct made m = {.id = json_int_at(&r, "id")};
	snprintf(m.bearer, sizeof(m.bearer), "authorization: Bearer %s\n",
		 json_string_value(jpath(r.json, "token")));
	result_free(&r);
	assert_int_equal(use(h, &m), 200);
	h_call(h, AS_ANON, "GET", "/api/v1/me", NULL, NULL, m.bearer, &r);
	check_json(&r, "email", "admin@one.example");
	result_free(&r);
	/* and the page lists them with their owner for an administrator */
	h_call(h, AS_SESSION, "GET", "/tokens", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "<td>from the browser</td>");
	check_body(&r, "<a href=\"/users/1\">employee@one.example</a>");
	result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_and_use),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_visibility),
		cmocka_unit_test(test_revoke),
		cmocka_unit_test(test_current_role),
		cmocka_unit_test(test_session_tokens),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* API tests for the audit log: administrators only, one organisation's
 * entries only, newest first, filters and keyset paging, what an entry
 * records (who, from where, what), that a refused write records nothing,
 * and the page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int64_t team;

static void call_ok(struct harness *h, enum as who, const char *method, const char *target,
		    const char *body, int status)
{
	struct result r;
	h_call(h, who, method, target, NULL, body, NULL, &r);
	check_status(&r, status);
	if (!team && r.json && !strcmp(target, "/api/v1/teams"))
		team = json_int_at(&r, "id");
	result_free(&r);
}

static void test_setup(void **state)
{
	struct harness *h = *state;
	call_ok(h, AS_MANAGER, "POST", "/api/v1/teams", "{\"name\":\"Audited\"}", 201);
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/teams/%lld", (long long)team);
	call_ok(h, AS_MANAGER, "PATCH", path, "{\"description\":\"changed\"}", 200);
	call_ok(h, AS_ADMIN, "POST", "/api/v1/users",
		"{\"email\":\"new@one.example\",\"name\":\"New\",\"role\":\"employee\",\"password\":\"password-1\"}",
		201);
	call_ok(h, AS_EMPLOYEE, "POST", "/api/v1/tokens", "{\"name\":\"audit me\"}", 201);
	call_ok(h, AS_OTHER, "PATCH", "/api/v1/settings", "{\"name\":\"Two, renamed\"}", 200);
}

static void test_access(void **state)
{
	static const struct api_case cases[] = {
		{AS_ANON, "GET", "/api/v1/audit", NULL, 401, "error", "unauthenticated"},
		{AS_EMPLOYEE, "GET", "/api/v1/audit", NULL, 403, "error", "forbidden"},
		{AS_MANAGER, "GET", "/api/v1/audit", NULL, 403, "error", "forbidden"},
		{AS_ADMIN, "GET", "/api/v1/audit", NULL, 200, "items.0.action", "token.create"},
		{AS_ADMIN, "POST", "/api/v1/audit", "{}", 405, "error", "method_not_allowed"},
		{AS_ADMIN, "DELETE", "/api/v1/audit", NULL, 405, "error", "method_not_allowed"},
	};
	run_cases(*state, cases, N(cases));
}

static void test_entries(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_ADMIN, "GET", "/api/v1/audit", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	json_t *items = jpath(r.json, "items");
	/* the harness's users and tokens, the browser sign-in, and the five above */
	assert_true(json_array_size(items) >= 4);
	check_json(&r, "next_before", "null");
	int64_t prev = INT64_MAX;
	size_t i;
	json_t *e;
	json_array_foreach(items, i, e) {
		int64_t id = json_integer_value(json_object_get(e, "id"));
		if (id >= prev)
			fail_msg("not newest first at %zu: %s", i, r.body);
		prev = id;
		if (!strcmp(json_string_value(json_object_get(e, "actor")), "admin@two.example"))
			fail_msg("org 2's entry in org 1's log: %s", r.body);
	}
	/* the newest: the employee's token */
	check_json(&r, "items.0.action", "token.create");
	check_json(&r, "items.0.object_type", "token");
	check_json(&r, "items.0.actor", "employee@one.example");
	check_json(&r, "items.0.actor_id", "1");
	check_json(&r, "items.0.ip", "192.0.2.10");
	check_json(&r, "items.0.details.name", "audit me");
	check_json(&r, "items.0.details.user_id", "1");
	assert_true(json_is_integer(jpath(r.json, "items.0.object_id")));
	/* times as ISO 8601 UTC, like every other time in the API */
	const char *at = json_string_value(jpath(r.json, "items.0.at"));
	if (!at || strlen(at) != 24 || at[10] != 'T' || at[23] != 'Z')
		fail_msg("at is not ISO 8601: %s", r.body);
	/* the user's password never reaches the log */
	check_no_body(&r, "password-1");
	check_json(&r, "items.1.action", "user.create");
	check_json(&r, "items.1.details.email", "new@one.example");
	check_json(&r, "items.1.details.role", "employee");
	check_json(&r, "items.2.action", "team.update");
	check_json(&r, "items.2.details.description", "changed");
	check_json(&r, "items.3.action", "team.create");
	check_json(&r, "items.3.actor", "manager@one.example");
	result_free(&r);
	/* org 2 sees its own */
	static const struct api_case other[] = {
		{AS_OTHER, "GET", "/api/v1/audit", NULL, 200, "items.0.action", "org.update"},
		{AS_OTHER, "GET", "/api/v1/audit", NULL, 200, "items.0.details.name",
		 "Two, renamed"},
		{AS_OTHER, "GET", "/api/v1/audit?action=team.create", NULL, 200, "next_before",
		 "null"},
	};
	run_cases(h, other, N(other));
	h_call(h, AS_OTHER, "GET", "/api/v1/audit", NULL, NULL, NULL, &r);
	check_no_body(&r, "one.example");
	check_no_body(&r, "Audited");
	result_free(&r);
	h_call(h, AS_OTHER, "GET", "/api/v1/audit?action=team.create", NULL, NULL, NULL, &r);
	assert_int_equal(json_array_size(jpath(r.json, "items")), 0);
	result_free(&r);
}

/* Every item of GET target as admin has field == want. */
static size_t all_have(struct harness *h, const char *target, const char *field, const char *want)
{
	struct result r;
	h_call(h, AS_ADMIN, "GET", target, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	size_t i;
	json_t *e;
	json_array_foreach(jpath(r.json, "items"), i, e) {
		json_t *v = json_object_get(e, field);
		char got[64];
		if (json_is_integer(v))
			snprintf(got, sizeof(got), "%lld", (long long)json_integer_value(v));
		else
			snprintf(got, sizeof(got), "%s", json_is_string(v) ? json_string_value(v) : "?");
		if (strcmp(got, want))
			fail_msg("%s: item %zu has %s = %s: %s", target, i, field, got, r.body);
	}
	size_t n = json_array_size(jpath(r.json, "items"));
	result_free(&r);
	return n;
}

static void test_filters(void **state)
{
	struct harness *h = *state;
	char manager[80], both[128];
	snprintf(manager, sizeof(manager), "/api/v1/audit?actor_id=%lld", (long long)h->user[AS_MANAGER]);
	snprintf(both, sizeof(both), "/api/v1/audit?object_type=team&actor_id=%lld",
		 (long long)h->user[AS_ADMIN]);
	assert_int_equal(all_have(h, "/api/v1/audit?action=team.create", "action", "team.create"), 1);
	assert_int_equal(all_have(h, "/api/v1/audit?object_type=team", "object_type", "team"), 2);
	assert_int_equal(all_have(h, "/api/v1/audit?object_type=token", "object_type", "token"), 5);
	assert_int_equal(all_have(h, manager, "actor", "manager@one.example"), 2);
	assert_int_equal(all_have(h, both, "object_type", "team"), 0);
	assert_int_equal(all_have(h, "/api/v1/audit?action=nothing.like.this", "action", "-"), 0);
	assert_int_equal(all_have(h, "/api/v1/audit?action='%20OR%201=1%20--", "action", "-"), 0);
	/* an empty filter is no filter; a malformed number is ignored */
	static const struct api_case cases[] = {
		{AS_ADMIN, "GET", "/api/v1/audit?action=&object_type=", NULL, 200, "items.0.action",
		 "token.create"},
		{AS_ADMIN, "GET", "/api/v1/audit?actor_id=abc", NULL, 200, "items.0.action",
		 "token.create"},
		{AS_ADMIN, "GET", "/api/v1/audit?actor_id=-5", NULL, 200, "items.0.action",
		 "token.create"},
	};
	run_cases(h, cases, N(cases));
}

static void test_paging(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_ADMIN, "GET", "/api/v1/audit", NULL, NULL, NULL, &r);
	size_t total = json_array_size(jpath(r.json, "items"));
	result_free(&r);
	/* one at a time, from the newest, each page pointing at the next */
	char target[96] = "/api/v1/audit?limit=1";
	int64_t prev = INT64_MAX;
	size_t seen = 0;
	for (;;) {
		h_call(h, AS_ADMIN, "GET", target, NULL, NULL, NULL, &r);
		check_status(&r, 200);
		assert_int_equal(json_array_size(jpath(r.json, "items")), 1);
		int64_t id = json_int_at(&r, "items.0.id");
		assert_true(id < prev);
		prev = id;
		seen++;
		json_t *next = jpath(r.json, "next_before");
		if (json_is_null(next)) {
			result_free(&r);
			break;
		}
		assert_int_equal(json_integer_value(next), id);
		snprintf(target, sizeof(target), "/api/v1/audit?limit=1&before=%lld", (long long)id);
		result_free(&r);
		assert_true(seen <= total);
	}
	assert_int_equal(seen, total);
	static const struct api_case cases[] = {
		/* limits are clamped, not refused */
		{AS_ADMIN, "GET", "/api/v1/audit?limit=0", NULL, 200, "items.0.id", NULL},
		{AS_ADMIN, "GET", "/api/v1/audit?limit=-3", NULL, 200, "items.0.id", NULL},
		{AS_ADMIN, "GET", "/api/v1/audit?limit=100000", NULL, 200, "next_before", "null"},
		{AS_ADMIN, "GET", "/api/v1/audit?before=1", NULL, 200, "next_before", "null"},
		{AS_ADMIN, "GET", "/api/v1/audit?before=99999999999999999999", NULL, 200,
		 "items.0.id", NULL},
	};
	run_cases(h, cases, N(cases));
	h_call(h, AS_ADMIN, "GET", "/api/v1/audit?limit=0", NULL, NULL, NULL, &r);
	assert_int_equal(json_array_size(jpath(r.json, "items")), 1);
	result_free(&r);
	h_call(h, AS_ADMIN, "GET", "/api/v1/audit?before=1", NULL, NULL, NULL, &r);
	assert_int_equal(json_array_size(jpath(r.json, "items")), 0);
	result_free(&r);
}

static void test_refused_writes_leave_nothing(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_ADMIN, "GET", "/api/v1/audit?limit=1", NULL, NULL, NULL, &r);
	int64_t before = json_int_at(&r, "items.0.id");
	result_free(&r);
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/teams/%lld", (long long)team);
	call_ok(h, AS_MANAGER, "POST", "/api/v1/teams", "{\"name\":\"Audited\"}", 409);
	call_ok(h, AS_MANAGER, "POST", "/api/v1/teams", "{\"name\":\"\"}", 422);
	call_ok(h, AS_EMPLOYEE, "PATCH", path, "{\"name\":\"x\"}", 403);
	call_ok(h, AS_OTHER, "DELETE", path, NULL, 404);
	call_ok(h, AS_ADMIN, "PATCH", "/api/v1/users/3", "{\"role\":\"employee\"}", 422); /* the last admin */
	call_ok(h, AS_ADMIN, "POST", "/api/v1/users",
		"{\"email\":\"new@one.example\",\"name\":\"Dup\",\"role\":\"employee\",\"password\":\"password-1\"}",
		409);
	h_call(h, AS_ADMIN, "GET", "/api/v1/audit?limit=1", NULL, NULL, NULL, &r);
	assert_int_equal(json_int_at(&r, "items.0.id"), before);
	result_free(&r);
}

static void test_client_address(void **state)
{
	struct harness *h = *state;
	struct result r;
	/* without a trusted proxy, X-Forwarded-For is the client's say-so: ignored */
	h_call(h, AS_MANAGER, "POST", "/api/v1/teams", NULL, "{\"name\":\"Forwarded\"}",
	       "x-forwarded-for: 203.0.113.66\n", &r);
	check_status(&r, 201);
	result_free(&r);
	static const struct api_case direct[] = {
		{AS_ADMIN, "GET", "/api/v1/audit?limit=1", NULL, 200, "items.0.ip", "192.0.2.10"},
	};
	run_cases(h, direct, N(direct));
	/* behind a trusted proxy: the address the proxy saw, the last entry */
	struct brug_err err = {0};
	assert_int_equal(config_set(&h->cfg, CFG_TRUST_PROXY, "true", CFG_SRC_FLAG, &err), 0);
	h_call(h, AS_MANAGER, "POST", "/api/v1/teams", NULL, "{\"name\":\"Proxied\"}",
	       "x-forwarded-for: 203.0.113.66, 198.51.100.77\n", &r);
	check_status(&r, 201);
	result_free(&r);
	assert_int_equal(config_set(&h->cfg, CFG_TRUST_PROXY, "false", CFG_SRC_FLAG, &err), 0);
	static const struct api_case proxied[] = {
		{AS_ADMIN, "GET", "/api/v1/audit?limit=1", NULL, 200, "items.0.ip",
		 "198.51.100.77"},
	};
	run_cases(h, proxied, N(proxied));
}

static void test_page(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_SESSION, "GET", "/audit", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "<h1>Auditlog</h1>");
	check_body(&r, "<td>Team aangemaakt</td>");
	check_body(&r, "<td>API-token aangemaakt</td>");
	check_body(&r, "<a href=\"/users/2\">manager@one.example</a>");
	check_body(&r, "<td class=\"small\">name: Audited</td>");
	check_no_body(&r, "Oudere regels");
	result_free(&r);
	h_call(h, AS_SESSION, "GET", "/audit?object_type=team", NULL, NULL, NULL, &r);
	check_body(&r, "<option value=\"team\" selected>");
	check_no_body(&r, "<td>API-token aangemaakt</td>");
	result_free(&r);
	/* the link to older entries keeps a plain filter, and only a plain one */
	h_call(h, AS_SESSION, "GET", "/audit?limit=1&object_type=team", NULL, NULL, NULL, &r);
	check_body(&r, "Oudere regels");
	check_body(&r, "&amp;object_type=team\">");
	result_free(&r);
	h_call(h, AS_SESSION, "GET", "/audit?limit=1&object_type=%22%3E%3Cscript%3Ex", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_no_body(&r, "<script>x");
	check_no_body(&r, "object_type=&quot;");
	result_free(&r);
	h_call(h, AS_SESSION, "GET", "/audit?object_type=nothing", NULL, NULL, NULL, &r);
	check_body(&r, "<p>Nog niets vastgelegd.</p>");
	result_free(&r);
	/* the page in English */
	h_call(h, AS_SESSION, "GET", "/audit", NULL, NULL, "accept-language: en\n", &r);
	check_body(&r, "<td>Team created</td>");
	result_free(&r);
}

/* Pages show each time in the organisation's time zone: the templates read
 * "<field>_local" next to the ISO time, which the renderer fills. */
static void test_times_on_pages(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_SESSION, "GET", "/audit?limit=1", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	const char *t = strstr(r.body, "<td class=\"nowrap\"><time datetime=\"");
	assert_non_null(t);
	const char *end = strstr(t, "</time>");
	assert_non_null(end);
	char shown[128];
	snprintf(shown, sizeof(shown), "%.*s", (int)(end - t + 7), t);
	bool empty = end[-1] == '>';
	result_free(&r);
	if (empty)
		fail_msg("the time shows no text: %s", shown);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setup),
		cmocka_unit_test(test_access),
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_paging),
		cmocka_unit_test(test_refused_writes_leave_nothing),
		cmocka_unit_test(test_client_address),
		cmocka_unit_test(test_page),
		cmocka_unit_test(test_times_on_pages),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

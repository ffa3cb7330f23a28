/* SPDX-License-Identifier: Apache-2.0 */
/* API tests for teams: who may see and change them, validation, unique
 * names per organisation, members and leads, deletion, and the audit
 * trail each change leaves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int64_t support, sales; /* org 1's teams */

/* "s" repeated n times, as a JSON string body for field. */
static char *long_body(const char *field, const char *s, size_t n, const char *rest)
{
	size_t len = strlen(s) * n + strlen(field) + strlen(rest) + 16;
	char *b = malloc(len);
	assert_non_null(b);
	int at = snprintf(b, len, "{\"%s\":\"", field);
	for (size_t i = 0; i < n; i++)
		at += snprintf(b + at, len - (size_t)at, "%s", s);
	snprintf(b + at, len - (size_t)at, "\"%s}", rest);
	return b;
}

static void expect(struct harness *h, enum as who, const char *method, const char *target,
		   const char *body, int status, const char *path, const char *want)
{
	struct api_case c = {who, method, target, body, status, path, want};
	run_cases(h, &c, 1);
}

static void test_create(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_MANAGER, "POST", "/api/v1/teams", NULL,
	       "{\"name\":\"  Support  \",\"description\":\"First line\\nSecond line\"}", NULL, &r);
	check_status(&r, 201);
	support = json_int_at(&r, "id");
	check_json(&r, "name", "Support"); /* trimmed */
	check_json(&r, "description", "First line\nSecond line");
	assert_int_equal(json_array_size(jpath(r.json, "members")), 0);
	check_json(&r, "created_at", NULL);
	char loc[64];
	snprintf(loc, sizeof(loc), "/api/v1/teams/%lld", (long long)support);
	check_header(&r, "Location", loc);
	result_free(&r);
	h_call(h, AS_ADMIN, "POST", "/api/v1/teams", NULL, "{\"name\":\"Sales\"}", NULL, &r);
	check_status(&r, 201);
	sales = json_int_at(&r, "id");
	check_json(&r, "description", "");
	result_free(&r);

	static const struct api_case cases[] = {
		{AS_EMPLOYEE, "POST", "/api/v1/teams", "{\"name\":\"Mine\"}", 403, "error",
		 "forbidden"},
		{AS_ANON, "POST", "/api/v1/teams", "{\"name\":\"Mine\"}", 401, "error",
		 "unauthenticated"},
		{AS_MANAGER, "POST", "/api/v1/teams", "{\"name\":\"Support\"}", 409, "fields.name",
		 "Er bestaat al een team met deze naam."},
		{AS_MANAGER, "POST", "/api/v1/teams", "{\"name\":\" Support\"}", 409, "error",
		 "conflict"},
		/* names are unique per organisation, not per installation */
		{AS_OTHER, "POST", "/api/v1/teams", "{\"name\":\"Support\"}", 201, "name",
		 "Support"},
		{AS_MANAGER, "POST", "/api/v1/teams", "{\"name\":\"   \"}", 422, "fields.name",
		 "Dit veld is verplicht."},
		{AS_MANAGER, "POST", "/api/v1/teams", "{\"description\":\"no name\"}", 422,
		 "fields.name", NULL},
		{AS_MANAGER, "POST", "/api/v1/teams", "{\"name\":\"Tab\\there\"}", 422,
		 "fields.name", "Dit bevat tekens die hier niet zijn toegestaan."},
		{AS_MANAGER, "POST", "/api/v1/teams", "{\"name\":\"Bell\\u0007\"}", 422,
		 "fields.name", NULL},
		{AS_MANAGER, "POST", "/api/v1/teams",
		 "{\"name\":\"X\",\"description\":\"a\\u007fb\"}", 422, "fields.description", NULL},
		{AS_MANAGER, "POST", "/api/v1/teams",
		 "{\"name\":\"Tabbed\",\"description\":\"a\\tb\"}", 201, "description", "a\tb"},
	};
	run_cases(h, cases, N(cases));

	/* limits count characters, not bytes */
	char *b = long_body("name", "\xc3\xa9", 100, "");
	expect(h, AS_MANAGER, "POST", "/api/v1/teams", b, 201, "name", NULL);
	free(b);
	b = long_body("name", "x", 101, "");
	expect(h, AS_MANAGER, "POST", "/api/v1/teams", b, 422, "fields.name", "Dit is te lang.");
	free(b);
	b = long_body("description", "y", 2000, ",\"name\":\"Long\"");
	expect(h, AS_MANAGER, "POST", "/api/v1/teams", b, 201, "name", "Long");
	free(b);
	b = long_body("description", "y", 2001, ",\"name\":\"Longer\"");
	expect(h, AS_MANAGER, "POST", "/api/v1/teams", b, 422, "fields.description", NULL);
	free(b);
}

static void test_list_and_show(void **state)
{
	struct harness *h = *state;
	char one[64];
	snprintf(one, sizeof(one), "/api/v1/teams/%lld", (long long)support);
	const struct api_case cases[] = {
		/* sorted by name, case-insensitively; every team of the organisation */
		{AS_EMPLOYEE, "GET", "/api/v1/teams", NULL, 200, "items.0.name", "Long"},
		{AS_EMPLOYEE, "GET", "/api/v1/teams", NULL, 200, "items.1.name", "Sales"},
		{AS_EMPLOYEE, "GET", "/api/v1/teams", NULL, 200, "items.2.name", "Support"},
		{AS_EMPLOYEE, "GET", "/api/v1/teams", NULL, 200, "items.2.members", "0"},
		{AS_EMPLOYEE, "GET", "/api/v1/teams", NULL, 200, "can_edit", "false"},
		{AS_MANAGER, "GET", "/api/v1/teams", NULL, 200, "can_edit", "true"},
		{AS_OTHER, "GET", "/api/v1/teams", NULL, 200, "items.0.name", "Support"},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "name", "Support"},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "can_edit", "false"},
		{AS_MANAGER, "GET", one, NULL, 200, "can_edit", "true"},
		{AS_ANON, "GET", one, NULL, 401, "error", "unauthenticated"},
		{AS_EMPLOYEE, "GET", "/api/v1/teams/0", NULL, 404, "message",
		 "Dit team bestaat niet."},
		{AS_EMPLOYEE, "GET", "/api/v1/teams/x", NULL, 404, "message",
		 "Dit team bestaat niet."},
		{AS_EMPLOYEE, "GET", "/api/v1/teams/999", NULL, 404, "message",
		 "Dit team bestaat niet."},
	};
	run_cases(h, cases, N(cases));
	struct result r;
	h_call(h, AS_EMPLOYEE, "GET", "/api/v1/teams", NULL, NULL, NULL, &r);
	assert_int_equal(json_array_size(jpath(r.json, "items")), 5);
	check_no_body(&r, "pager");
	result_free(&r);
	h_call(h, AS_OTHER, "GET", "/api/v1/teams", NULL, NULL, NULL, &r);
	assert_int_equal(json_array_size(jpath(r.json, "items")), 1);
	result_free(&r);
	/* the manager's page offers the colleagues to add; the API does not carry them */
	h_call(h, AS_MANAGER, "GET", one, NULL, NULL, NULL, &r);
	assert_null(jpath(r.json, "candidates"));
	result_free(&r);
	snprintf(one, sizeof(one), "/teams/%lld", (long long)support);
	h_call(h, AS_SESSION, "GET", one, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "<option value=\"1\">employee@one.example (employee@one.example)</option>");
	check_no_body(&r, "admin@two.example");
	result_free(&r);
}

static void test_update(void **state)
{
	struct harness *h = *state;
	char one[64], other[64];
	snprintf(one, sizeof(one), "/api/v1/teams/%lld", (long long)support);
	snprintf(other, sizeof(other), "/api/v1/teams/%lld", (long long)sales);
	const struct api_case cases[] = {
		{AS_MANAGER, "PATCH", one, "{\"name\":\"Support desk\"}", 200, "name",
		 "Support desk"},
		/* what is not sent stays */
		{AS_MANAGER, "PATCH", one, "{\"name\":\"Support desk\"}", 200, "description",
		 "First line\nSecond line"},
		{AS_MANAGER, "PATCH", one, "{\"description\":\"Only this\"}", 200, "name",
		 "Support desk"},
		{AS_MANAGER, "PATCH", one, "{}", 200, "description", "Only this"},
		{AS_MANAGER, "PATCH", one, "{\"description\":null}", 200, "description",
		 "Only this"},
		{AS_MANAGER, "PATCH", one, "{\"description\":\"\"}", 200, "description", ""},
		{AS_MANAGER, "PATCH", one, "{\"name\":\"\"}", 422, "fields.name",
		 "Dit veld is verplicht."},
		{AS_MANAGER, "PATCH", one, "{\"name\":null}", 422, "fields.name", NULL},
		/* no such team: 404, not a 422 whose message says so */
		{AS_MANAGER, "PATCH", "/api/v1/teams/999", "{\"name\":\"\"}", 404, "error",
		 "not_found"},
		{AS_MANAGER, "PATCH", one, "{\"name\":\"Sales\"}", 409, "fields.name",
		 "Er bestaat al een team met deze naam."},
		{AS_MANAGER, "PATCH", one, "{\"name\":\"Sales\"}", 409, "error", "conflict"},
		{AS_ADMIN, "PATCH", other, "{\"name\":\"Sales & Marketing\"}", 200, "name",
		 "Sales & Marketing"},
		{AS_MANAGER, "PATCH", "/api/v1/teams/999", "{\"name\":\"Ghost\"}", 404, "message",
		 "Dit team bestaat niet."},
		{AS_EMPLOYEE, "PATCH", one, "{\"name\":\"Mine\"}", 403, "error", "forbidden"},
		{AS_MANAGER, "PUT", one, "{\"name\":\"Put\"}", 405, "error", "method_not_allowed"},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "name", "Support desk"},
	};
	run_cases(h, cases, N(cases));
	static const struct api_case audit[] = {
		{AS_ADMIN, "GET", "/api/v1/audit?action=team.update", NULL, 200,
		 "items.0.details.name", "Sales & Marketing"},
		{AS_ADMIN, "GET", "/api/v1/audit?action=team.update", NULL, 200, "items.0.actor",
		 "admin@one.example"},
		{AS_ADMIN, "GET", "/api/v1/audit?action=team.update", NULL, 200, "items.1.actor",
		 "manager@one.example"},
	};
	run_cases(h, audit, N(audit));
}

static void test_members(void **state)
{
	struct harness *h = *state;
	char team[64], members[80], m1[96], m2[96], user1[64];
	snprintf(team, sizeof(team), "/api/v1/teams/%lld", (long long)support);
	snprintf(members, sizeof(members), "%s/members", team);
	snprintf(m1, sizeof(m1), "%s/members/1", team);
	snprintf(m2, sizeof(m2), "%s/members/2", team);
	snprintf(user1, sizeof(user1), "/api/v1/users?team_id=%lld", (long long)support);
	const struct api_case cases[] = {
		{AS_MANAGER, "POST", members, "{\"user_id\":1,\"lead\":true}", 200, "members.0.id",
		 "1"},
		{AS_MANAGER, "POST", members, "{\"user_id\":1,\"lead\":true}", 200,
		 "members.0.is_lead", "true"},
		{AS_MANAGER, "POST", members, "{\"user_id\":2}", 200, "members.1.is_lead", "false"},
		/* the lead comes first; setting again changes, never duplicates */
		{AS_MANAGER, "POST", members, "{\"user_id\":2,\"lead\":true}", 200,
		 "members.1.is_lead", "true"},
		{AS_MANAGER, "POST", members, "{\"user_id\":1,\"lead\":false}", 200, "members.0.id",
		 "2"},
		{AS_MANAGER, "POST", members, "{\"user_id\":1,\"lead\":false}", 200,
		 "members.1.email", "employee@one.example"},
		{AS_EMPLOYEE, "GET", "/api/v1/teams", NULL, 200, "items.2.members", "2"},
		{AS_EMPLOYEE, "GET", "/api/v1/users/1", NULL, 200, "teams.0.name", "Support desk"},
		{AS_EMPLOYEE, "GET", "/api/v1/users/2", NULL, 200, "teams.0.is_lead", "true"},
		{AS_ADMIN, "GET", user1, NULL, 200, "total", "2"},
		{AS_MANAGER, "POST", members, "{\"user_id\":999}", 404, "error", "not_found"},
		{AS_MANAGER, "POST", "/api/v1/teams/999/members", "{\"user_id\":1}", 404, "error",
		 "not_found"},
		{AS_MANAGER, "POST", members, "{\"user_id\":-1}", 422, "fields.user_id", NULL},
		/* no such team: 404, not a 422 whose message says so */
		{AS_MANAGER, "POST", "/api/v1/teams/999/members", "{}", 404, "error", "not_found"},
		{AS_EMPLOYEE, "POST", members, "{\"user_id\":1}", 403, "error", "forbidden"},
		{AS_MANAGER, "DELETE", m1, NULL, 204, NULL, NULL},
		{AS_MANAGER, "DELETE", m1, NULL, 404, "error", "not_found"},
		{AS_MANAGER, "DELETE", "/api/v1/teams/999/members/2", NULL, 404, "error",
		 "not_found"},
		{AS_MANAGER, "DELETE", "/api/v1/teams/x/members/2", NULL, 404, "error",
		 "not_found"},
		{AS_EMPLOYEE, "DELETE", m2, NULL, 403, "error", "forbidden"},
		{AS_EMPLOYEE, "GET", team, NULL, 200, "members.0.id", "2"},
		{AS_ADMIN, "GET", user1, NULL, 200, "total", "1"},
		{AS_ADMIN, "GET", "/api/v1/audit?action=team.member_remove", NULL, 200,
		 "items.0.details.user_id", "1"},
		{AS_ADMIN, "GET", "/api/v1/audit?action=team.member_set", NULL, 200,
		 "items.0.details.lead", "false"},
	};
	run_cases(h, cases, N(cases));
	struct result r;
	h_call(h, AS_EMPLOYEE, "GET", team, NULL, NULL, NULL, &r);
	assert_int_equal(json_array_size(jpath(r.json, "members")), 1);
	result_free(&r);
	/* a DELETE answers with no body */
	expect(h, AS_MANAGER, "POST", members, "{\"user_id\":1}", 200, "members.1.id", "1");
	h_call(h, AS_MANAGER, "DELETE", m1, NULL, NULL, NULL, &r);
	check_status(&r, 204);
	assert_string_equal(r.body, "");
	result_free(&r);
}

static void test_delete(void **state)
{
	struct harness *h = *state;
	char team[64], members[80];
	snprintf(team, sizeof(team), "/api/v1/teams/%lld", (long long)sales);
	snprintf(members, sizeof(members), "%s/members", team);
	expect(h, AS_MANAGER, "POST", members, "{\"user_id\":1}", 200, "members.0.id", "1");
	const struct api_case cases[] = {
		{AS_EMPLOYEE, "DELETE", team, NULL, 403, "error", "forbidden"},
		{AS_OTHER, "DELETE", team, NULL, 404, "error", "not_found"},
		{AS_MANAGER, "DELETE", team, NULL, 204, NULL, NULL},
		{AS_MANAGER, "GET", team, NULL, 404, "error", "not_found"},
		{AS_MANAGER, "DELETE", team, NULL, 404, "message", "Dit team bestaat niet."},
		{AS_MANAGER, "DELETE", "/api/v1/teams/abc", NULL, 404, "error", "not_found"},
		/* the members stay, only the team goes */
		{AS_ADMIN, "GET", "/api/v1/users/1", NULL, 200, "email", "employee@one.example"},
		{AS_ADMIN, "GET", "/api/v1/audit?action=team.delete", NULL, 200,
		 "items.0.details.name", "Sales & Marketing"},
		/* the name is free again */
		{AS_MANAGER, "POST", "/api/v1/teams", "{\"name\":\"Sales & Marketing\"}", 201,
		 "members", NULL},
	};
	run_cases(h, cases, N(cases));
	struct result r;
	h_call(h, AS_ADMIN, "GET", "/api/v1/users/1", NULL, NULL, NULL, &r);
	assert_int_equal(json_array_size(jpath(r.json, "teams")), 0); /* the membership went */
	result_free(&r);
}

static void test_pages(void **state)
{
	struct harness *h = *state;
	struct session emp;
	h_login(h, AS_EMPLOYEE, &emp);
	char path[64];
	snprintf(path, sizeof(path), "/teams/%lld", (long long)support);
	struct h_req rq = {.method = "GET", .target = path, .session = &emp};
	struct result r;
	h_send(h, &rq, &r);
	check_status(&r, 200);
	check_body(&r, "<h1>Support desk</h1>");
	check_body(&r, "<a href=\"/users/2\">manager@one.example</a>");
	/* an employee gets no edit, add or remove controls */
	check_no_body(&r, "/edit\"");
	check_no_body(&r, "/members\"");
	check_no_body(&r, "/delete\"");
	result_free(&r);
	h_call(h, AS_SESSION, "GET", path, NULL, NULL, NULL, &r);
	check_body(&r, "/members/2/delete\"");
	result_free(&r);
	rq.target = "/teams";
	h_send(h, &rq, &r);
	check_body(&r, "<td class=\"num\">1</td>");
	check_no_body(&r, "href=\"/teams/new\"");
	result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_list_and_show),
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_pages),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* API tests for interactions and tasks: logging a contact moment with a
 * person (its organisation filled in), validation of every field, another
 * organisation's relation (404) and roles, the summary rendered safely,
 * filters; tasks with default assignee, overdue first, done; and both on
 * the relation's timeline, an organisation's including its people's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int64_t acme, jan, piet, elsewhere, call;

static int64_t post(struct harness *h, enum as who, const char *path, const char *body)
{
	struct result r;
	h_call(h, who, "POST", path, NULL, body, NULL, &r);
	check_status(&r, 201);
	int64_t id = json_int_at(&r, "id");
	result_free(&r);
	return id;
}

static void test_setup_relations(void **state)
{
	struct harness *h = *state;
	char b[256];
	acme = post(h, AS_EMPLOYEE, "/api/v1/relations",
		    "{\"kind\":\"organisation\",\"name\":\"Acme\"}");
	snprintf(b, sizeof(b), "{\"kind\":\"person\",\"name\":\"Jan\",\"parent_id\":%lld}",
		 (long long)acme);
	jan = post(h, AS_EMPLOYEE, "/api/v1/relations", b);
	piet = post(h, AS_EMPLOYEE, "/api/v1/relations", "{\"kind\":\"person\",\"name\":\"Piet\"}");
	elsewhere = post(h, AS_OTHER, "/api/v1/relations",
			 "{\"kind\":\"person\",\"name\":\"Elders\"}");
}

static int64_t role_id(struct harness *h, const char *name)
{
	struct result r;
	h_call(h, AS_EMPLOYEE, "GET", "/api/v1/interaction-roles", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	json_t *items = jpath(r.json, "items");
	assert_int_equal(json_array_size(items), 7);
	int64_t id = 0;
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		if (!strcmp(json_string_value(json_object_get(it, "name")), name))
			id = json_integer_value(json_object_get(it, "id"));
	}
	result_free(&r);
	assert_true(id > 0);
	return id;
}

static void test_log(void **state)
{
	struct harness *h = *state;
	int64_t telefonist = role_id(h, "telefonist");
	char b[1024];
	snprintf(b, sizeof(b),
		 "{\"person_id\":%lld,\"channel\":\"phone\",\"direction\":\"in\","
		 "\"occurred_at\":\"2026-03-02T09:15:00Z\",\"duration_s\":420,\"role_id\":%lld,"
		 "\"subject\":\"Vraag over factuur\",\"summary\":\"Klant belde over **factuur** 12."
		 "\\n\\n<script>alert(1)</script>\\n\\n[klik](javascript:alert(1))\","
		 "\"outcome\":\"follow_up\"}",
		 (long long)jan, (long long)telefonist);
	struct result r;
	h_call(h, AS_EMPLOYEE, "POST", "/api/v1/interactions", NULL, b, NULL, &r);
	check_status(&r, 201);
	call = json_int_at(&r, "id");
	check_json(&r, "person_name", "Jan");
	check_json(&r, "company_name", "Acme"); /* the person's organisation */
	check_json(&r, "user_name", "employee@one.example"); /* who logged it */
	check_json(&r, "role_name", "telefonist");
	check_json(&r, "occurred_at", "2026-03-02T09:15:00.000Z");
	check_json(&r, "duration_s", "420");
	check_json(&r, "outcome", "follow_up");
	const char *html = json_string_value(jpath(r.json, "summary_html"));
	assert_non_null(html);
	assert_non_null(strstr(html, "<strong>factuur</strong>"));
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "javascript:"));
	result_free(&r);

	/* with an organisation only, handled by a colleague, now */
	snprintf(b, sizeof(b),
		 "{\"company_id\":%lld,\"channel\":\"visit\",\"subject\":\"Kwartaalgesprek\","
		 "\"user_id\":%lld}",
		 (long long)acme, (long long)h->user[AS_MANAGER]);
	h_call(h, AS_EMPLOYEE, "POST", "/api/v1/interactions", NULL, b, NULL, &r);
	check_status(&r, 201);
	check_json(&r, "person_id", "null");
	check_json(&r, "user_name", "manager@one.example");
	check_json(&r, "direction", "in");
	check_json(&r, "outcome", "resolved");
	result_free(&r);
	snprintf(b, sizeof(b), "{\"person_id\":%lld,\"channel\":\"email\",\"direction\":\"out\","
			       "\"subject\":\"Offerte gestuurd\"}",
		 (long long)piet);
	post(h, AS_EMPLOYEE, "/api/v1/interactions", b);
}

static void test_log_invalid(void **state)
{
	struct harness *h = *state;
	char other_rel[128], other_role[160], org_as_person[128], person_as_org[128];
	char other_user[160], other_get[64];
	snprintf(other_rel, sizeof(other_rel),
		 "{\"person_id\":%lld,\"channel\":\"phone\",\"subject\":\"x\"}",
		 (long long)elsewhere);
	snprintf(org_as_person, sizeof(org_as_person),
		 "{\"person_id\":%lld,\"channel\":\"phone\",\"subject\":\"x\"}", (long long)acme);
	snprintf(person_as_org, sizeof(person_as_org),
		 "{\"company_id\":%lld,\"channel\":\"phone\",\"subject\":\"x\"}", (long long)jan);
	snprintf(other_role, sizeof(other_role),
		 "{\"person_id\":%lld,\"channel\":\"phone\",\"subject\":\"x\",\"role_id\":999999}",
		 (long long)jan);
	snprintf(other_user, sizeof(other_user),
		 "{\"person_id\":%lld,\"channel\":\"phone\",\"subject\":\"x\",\"user_id\":%lld}",
		 (long long)jan, (long long)h->user[AS_OTHER]);
	snprintf(other_get, sizeof(other_get), "/api/v1/interactions/%lld", (long long)call);
	/* 40,000 '|' in one table row */
	static char quadratic[41000];
	int at = snprintf(quadratic, sizeof(quadratic),
			  "{\"person_id\":%lld,\"channel\":\"phone\",\"subject\":\"x\",\"summary\":\"a|b\\n-|-\\n",
			  (long long)jan);
	for (int i = 0; i < 40000 && at < (int)sizeof(quadratic) - 8; i++)
		quadratic[at++] = '|';
	snprintf(quadratic + at, sizeof(quadratic) - (size_t)at, "\"}");
	const struct api_case cases[] = {
		/* another organisation's relation: not found */
		{AS_EMPLOYEE, "POST", "/api/v1/interactions", other_rel, 404, "error", "not_found"},
		{AS_EMPLOYEE, "POST", "/api/v1/interactions",
		 "{\"person_id\":999999,\"channel\":\"phone\",\"subject\":\"x\"}", 404, "error",
		 "not_found"},
		{AS_EMPLOYEE, "POST", "/api/v1/interactions", org_as_person, 422, "fields.person_id",
		 NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/interactions", person_as_org, 422, "fields.company_id",
		 NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/interactions", "{\"channel\":\"phone\",\"subject\":\"x\"}",
		 422, "fields.person_id", NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/interactions", other_role, 422, "fields.role_id", NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/interactions", other_user, 422, "fields.user_id", NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/interactions",
		 "{\"person_id\":1,\"channel\":\"pigeon\",\"subject\":\"x\"}", 422, "fields.channel",
		 NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/interactions",
		 "{\"person_id\":1,\"channel\":\"phone\"}", 422, "fields.subject", NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/interactions",
		 "{\"person_id\":1,\"channel\":\"phone\",\"subject\":\"x\",\"occurred_at\":\"gisteren\"}",
		 422, "fields.occurred_at", NULL},
		/* found by fuzz/values: a sign where a digit belongs */
		{AS_EMPLOYEE, "POST", "/api/v1/interactions",
		 "{\"person_id\":1,\"channel\":\"phone\",\"subject\":\"x\",\"occurred_at\":\"2026-03-02T+9:15\"}",
		 422, "fields.occurred_at", NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/interactions",
		 "{\"person_id\":1,\"channel\":\"phone\",\"subject\":\"x\",\"duration_s\":-5}", 422,
		 "fields.duration_s", NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/interactions",
		 "{\"person_id\":1,\"channel\":\"phone\",\"subject\":\"x\",\"outcome\":\"meh\"}", 422,
		 "fields.outcome", NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/interactions", "[1,2]", 400, "error", NULL},
		/* a shape this cmark-gfm parses in quadratic time: refused when written */
		{AS_EMPLOYEE, "POST", "/api/v1/interactions", quadratic, 422, "fields.summary", NULL},
		{AS_OTHER, "GET", other_get, NULL, 404, "error", "not_found"},
		{AS_OTHER, "PATCH", other_get, "{\"subject\":\"mine\"}", 404, "error", "not_found"},
		{AS_EMPLOYEE, "POST", "/api/v1/interaction-roles", "{\"name\":\"kassa\"}", 403, "error",
		 "forbidden"},
		{AS_ADMIN, "POST", "/api/v1/interaction-roles", "{\"name\":\"telefonist\"}", 409,
		 "fields.name", NULL},
		{AS_ADMIN, "POST", "/api/v1/interaction-roles", "{\"name\":\"kassa\"}", 201, "name",
		 "kassa"},
	};
	run_cases(h, cases, N(cases));
}

static void test_list_and_update(void **state)
{
	struct harness *h = *state;
	char by_rel[96], by_user[96], one[64];
	snprintf(by_rel, sizeof(by_rel), "/api/v1/interactions?relation_id=%lld", (long long)acme);
	snprintf(by_user, sizeof(by_user), "/api/v1/interactions?user_id=%lld",
		 (long long)h->user[AS_MANAGER]);
	snprintf(one, sizeof(one), "/api/v1/interactions/%lld", (long long)call);
	const struct api_case cases[] = {
		{AS_EMPLOYEE, "GET", "/api/v1/interactions", NULL, 200, "total", "3"},
		{AS_EMPLOYEE, "GET", by_rel, NULL, 200, "total", "2"},
		{AS_EMPLOYEE, "GET", by_user, NULL, 200, "items.0.subject", "Kwartaalgesprek"},
		{AS_EMPLOYEE, "GET", "/api/v1/interactions?channel=email", NULL, 200, "items.0.subject",
		 "Offerte gestuurd"},
		{AS_EMPLOYEE, "GET", "/api/v1/interactions?outcome=follow_up", NULL, 200, "total", "1"},
		{AS_EMPLOYEE, "GET",
		 "/api/v1/interactions?from=2026-03-01T00:00:00Z&to=2026-03-03T00:00:00Z", NULL, 200,
		 "items.0.subject", "Vraag over factuur"},
		{AS_OTHER, "GET", "/api/v1/interactions", NULL, 200, "total", "0"},
		{AS_EMPLOYEE, "PATCH", one, "{\"outcome\":\"resolved\",\"subject\":\"Factuur 12\"}",
		 200, "subject", "Factuur 12"},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "outcome", "resolved"},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "company_name", "Acme"},
		{AS_EMPLOYEE, "PATCH", one, "{\"channel\":\"fax\"}", 422, "fields.channel", NULL},
		/* an interaction keeps a relation */
		{AS_EMPLOYEE, "PATCH", one, "{\"person_id\":0,\"company_id\":0}", 422,
		 "fields.person_id", NULL},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "person_name", "Jan"},
	};
	run_cases(h, cases, N(cases));
}

static void test_tasks(void **state)
{
	struct harness *h = *state;
	char b[256];
	/* due yesterday, in a year, none; the interaction brings its relation */
	snprintf(b, sizeof(b), "{\"title\":\"Terugbellen\",\"due\":\"2020-01-31\","
			       "\"interaction_id\":%lld}",
		 (long long)call);
	struct result r;
	h_call(h, AS_EMPLOYEE, "POST", "/api/v1/tasks", NULL, b, NULL, &r);
	check_status(&r, 201);
	int64_t late = json_int_at(&r, "id");
	check_json(&r, "relation_name", "Jan");
	check_json(&r, "assignee_name", "employee@one.example");
	check_json(&r, "is_overdue", "true");
	check_json(&r, "status", "open");
	result_free(&r);
	post(h, AS_EMPLOYEE, "/api/v1/tasks", "{\"title\":\"Later\",\"due\":\"2999-12-31\"}");
	post(h, AS_EMPLOYEE, "/api/v1/tasks", "{\"title\":\"Ooit\"}");
	snprintf(b, sizeof(b), "{\"title\":\"Voor de manager\",\"assignee_id\":%lld}",
		 (long long)h->user[AS_MANAGER]);
	post(h, AS_EMPLOYEE, "/api/v1/tasks", b);
	char done[64], one[64], other_assignee[128];
	snprintf(done, sizeof(done), "/api/v1/tasks/%lld/done", (long long)late);
	snprintf(one, sizeof(one), "/api/v1/tasks/%lld", (long long)late);
	snprintf(other_assignee, sizeof(other_assignee), "{\"title\":\"x\",\"assignee_id\":%lld}",
		 (long long)h->user[AS_OTHER]);
	const struct api_case cases[] = {
		/* my tasks: overdue first, then by due date, undated last */
		{AS_EMPLOYEE, "GET", "/api/v1/tasks", NULL, 200, "total", "3"},
		{AS_EMPLOYEE, "GET", "/api/v1/tasks", NULL, 200, "items.0.title", "Terugbellen"},
		{AS_EMPLOYEE, "GET", "/api/v1/tasks", NULL, 200, "items.1.title", "Later"},
		{AS_EMPLOYEE, "GET", "/api/v1/tasks", NULL, 200, "items.2.title", "Ooit"},
		{AS_EMPLOYEE, "GET", "/api/v1/tasks", NULL, 200, "items.1.is_overdue", "false"},
		{AS_EMPLOYEE, "GET", "/api/v1/tasks?assignee=all", NULL, 200, "total", "4"},
		{AS_MANAGER, "GET", "/api/v1/tasks", NULL, 200, "items.0.title", "Voor de manager"},
		{AS_EMPLOYEE, "POST", "/api/v1/tasks", "{\"title\":\"\"}", 422, "fields.title", NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/tasks", "{\"title\":\"x\",\"due\":\"2026-02-30\"}", 422,
		 "fields.due", NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/tasks", "{\"title\":\"x\",\"due\":\"morgen\"}", 422,
		 "fields.due", NULL},
		/* found by fuzz/values: sscanf took a sign or a space for a digit */
		{AS_EMPLOYEE, "POST", "/api/v1/tasks", "{\"title\":\"x\",\"due\":\"2026-+3-01\"}", 422,
		 "fields.due", NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/tasks", "{\"title\":\"x\",\"due\":\"2026-03- 1\"}", 422,
		 "fields.due", NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/tasks", other_assignee, 422, "fields.assignee_id", NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/tasks", "{\"title\":\"x\",\"relation_id\":999999}", 422,
		 "fields.relation_id", NULL},
		{AS_OTHER, "POST", done, NULL, 404, "error", "not_found"},
		{AS_EMPLOYEE, "POST", done, NULL, 200, "status", "done"},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "is_overdue", "false"},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "done_at", NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/tasks", NULL, 200, "total", "2"},
		{AS_EMPLOYEE, "GET", "/api/v1/tasks?status=done", NULL, 200, "items.0.title",
		 "Terugbellen"},
		{AS_EMPLOYEE, "PATCH", one, "{\"status\":\"open\",\"due\":\"\"}", 200, "done_at", "null"},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "due", "null"},
		{AS_EMPLOYEE, "PATCH", one, "{\"status\":\"maybe\"}", 422, "fields.status", NULL},
	};
	run_cases(h, cases, N(cases));
	/* the start page: my open tasks, overdue first, and my contact moments */
	struct result home;
	h_call(h, AS_EMPLOYEE, "GET", "/", NULL, NULL, "Accept: text/html\n", &home);
	check_status(&home, 200);
	check_body(&home, "<p>3 open</p>"); /* Terugbellen was opened again, undated */
	check_body(&home, ">Terugbellen</a>");
	check_body(&home, ">Offerte gestuurd</a>");
	check_no_body(&home, "Voor de manager");
	result_free(&home);
	h_call(h, AS_MANAGER, "GET", "/", NULL, NULL, "Accept: text/html\n", &home);
	check_body(&home, ">Voor de manager</a>");
	check_body(&home, ">Kwartaalgesprek</a>");
	result_free(&home);
}

static void test_timeline(void **state)
{
	struct harness *h = *state;
	char org[64], person[64], phone_only[96], by_manager[96];
	snprintf(org, sizeof(org), "/api/v1/relations/%lld", (long long)acme);
	snprintf(person, sizeof(person), "/api/v1/relations/%lld", (long long)jan);
	snprintf(phone_only, sizeof(phone_only), "/api/v1/relations/%lld?channel=phone",
		 (long long)acme);
	snprintf(by_manager, sizeof(by_manager), "/api/v1/relations/%lld?user_id=%lld",
		 (long long)acme, (long long)h->user[AS_MANAGER]);
	const struct api_case cases[] = {
		/* Jan's call and task, and the visit to Acme itself */
		{AS_EMPLOYEE, "GET", org, NULL, 200, "timeline.total", "3"},
		{AS_EMPLOYEE, "GET", person, NULL, 200, "timeline.total", "2"},
		{AS_EMPLOYEE, "GET", person, NULL, 200, "timeline.items.1.item", "interaction"},
		{AS_EMPLOYEE, "GET", person, NULL, 200, "timeline.items.1.title", "Factuur 12"},
		{AS_EMPLOYEE, "GET", person, NULL, 200, "timeline.items.1.role_name", "telefonist"},
		{AS_EMPLOYEE, "GET", phone_only, NULL, 200, "timeline.total", "1"},
		{AS_EMPLOYEE, "GET", phone_only, NULL, 200, "timeline.items.0.channel", "phone"},
		{AS_EMPLOYEE, "GET", by_manager, NULL, 200, "timeline.items.0.title", "Kwartaalgesprek"},
		{AS_EMPLOYEE, "GET", by_manager, NULL, 200, "timeline.total", "1"},
	};
	run_cases(h, cases, N(cases));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setup_relations), cmocka_unit_test(test_log),
		cmocka_unit_test(test_log_invalid),     cmocka_unit_test(test_list_and_update),
		cmocka_unit_test(test_tasks),           cmocka_unit_test(test_timeline),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

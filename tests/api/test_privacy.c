/* SPDX-License-Identifier: Apache-2.0 */
/* API tests for privacy: the export of one person holds their relation,
 * contact points, tags, interactions with summaries, tasks and audit
 * entries, and nothing of anyone else, as a download for managers; the
 * erasure removes them from lists, search and pages while interactions
 * stay counted with channel and role, leaves an audit entry without the
 * name, and answers 404 for unknown, erased and other organisations'
 * people, 422 for an organisation and for a wrong confirmation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int64_t acme, marieke, kees, elsewhere, call1, call2, other_call, task, role;
static char path_export[96], path_erase[96], path_rel[96];

static int64_t post(struct harness *h, enum as who, const char *path, const char *body)
{
	struct result r;
	h_call(h, who, "POST", path, NULL, body, NULL, &r);
	check_status(&r, 201);
	int64_t id = json_int_at(&r, "id");
	result_free(&r);
	return id;
}

static void test_setup(void **state)
{
	struct harness *h = *state;
	char b[512];
	acme = post(h, AS_EMPLOYEE, "/api/v1/relations", "{\"kind\":\"organisation\",\"name\":\"Acme\"}");
	snprintf(b, sizeof(b),
		 "{\"kind\":\"person\",\"given_name\":\"Marieke\",\"family_name\":\"Zwanenburg\","
		 "\"parent_id\":%lld,\"job_title\":\"Inkoper\",\"notes\":\"Allergisch voor noten\","
		 "\"emails\":[{\"value\":\"marieke@zwanenburg.example\"}],"
		 "\"phones\":[{\"value\":\"06-98765432\"}],\"tags\":[\"vip\"],"
		 "\"addresses\":[{\"street\":\"Damrak 7\",\"city\":\"Amsterdam\"}]}",
		 (long long)acme);
	marieke = post(h, AS_EMPLOYEE, "/api/v1/relations", b);
	kees = post(h, AS_EMPLOYEE, "/api/v1/relations",
		    "{\"kind\":\"person\",\"name\":\"Kees Koster\",\"tags\":[\"vip\"]}");
	elsewhere = post(h, AS_OTHER, "/api/v1/relations",
			 "{\"kind\":\"person\",\"name\":\"Elders Persoon\"}");
	struct result r;
	h_call(h, AS_EMPLOYEE, "GET", "/api/v1/interaction-roles", NULL, NULL, NULL, &r);
	role = json_int_at(&r, "items.0.id");
	result_free(&r);
	snprintf(b, sizeof(b),
		 "{\"person_id\":%lld,\"channel\":\"phone\",\"direction\":\"in\",\"role_id\":%lld,"
		 "\"duration_s\":300,\"subject\":\"Klacht over levering\","
		 "\"summary\":\"Marieke vertelde over haar verhuizing naar Zwolle.\","
		 "\"outcome\":\"follow_up\"}",
		 (long long)marieke, (long long)role);
	call1 = post(h, AS_EMPLOYEE, "/api/v1/interactions", b);
	snprintf(b, sizeof(b),
		 "{\"person_id\":%lld,\"channel\":\"email\",\"direction\":\"out\","
		 "\"subject\":\"Antwoord gestuurd\",\"summary\":\"Excuses aangeboden.\"}",
		 (long long)marieke);
	call2 = post(h, AS_EMPLOYEE, "/api/v1/interactions", b);
	snprintf(b, sizeof(b),
		 "{\"person_id\":%lld,\"channel\":\"visit\",\"subject\":\"Kees kwam langs\","
		 "\"summary\":\"Geheim van Kees.\"}",
		 (long long)kees);
	other_call = post(h, AS_EMPLOYEE, "/api/v1/interactions", b);
	snprintf(b, sizeof(b),
		 "{\"title\":\"Marieke terugbellen over Zwolle\",\"notes\":\"Na 17 uur\","
		 "\"interaction_id\":%lld}",
		 (long long)call1);
	task = post(h, AS_EMPLOYEE, "/api/v1/tasks", b);
	snprintf(path_export, sizeof(path_export), "/api/v1/relations/%lld/privacy-export",
		 (long long)marieke);
	snprintf(path_erase, sizeof(path_erase), "/api/v1/relations/%lld/erase", (long long)marieke);
	snprintf(path_rel, sizeof(path_rel), "/api/v1/relations/%lld", (long long)marieke);
}

static void test_export(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_MANAGER, "GET", path_export, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	char disposition[128];
	snprintf(disposition, sizeof(disposition),
		 "attachment; filename=\"brug-privacy-export-relation-%lld.json\"", (long long)marieke);
	check_header(&r, "Content-Disposition", disposition);
	assert_non_null(strstr(r.content_type, "application/json"));
	check_json(&r, "format", "brug.privacy-export/1");
	check_json(&r, "relation.name", "Marieke Zwanenburg");
	check_json(&r, "relation.notes", "Allergisch voor noten");
	check_json(&r, "relation.emails.0.value", "marieke@zwanenburg.example");
	check_json(&r, "relation.phones.0.value", "06-98765432");
	check_json(&r, "relation.addresses.0.city", "Amsterdam");
	check_json(&r, "relation.tags.0", "vip");
	check_json(&r, "relation.parent_name", "Acme");
	assert_int_equal(json_array_size(jpath(r.json, "sections.interactions")), 2);
	check_json(&r, "sections.interactions.0.subject", "Klacht over levering");
	check_json(&r, "sections.interactions.0.summary",
		   "Marieke vertelde over haar verhuizing naar Zwolle.");
	check_json(&r, "sections.interactions.0.channel", "phone");
	check_json(&r, "sections.interactions.0.handled_by", "employee@one.example");
	check_json(&r, "sections.interactions.0.role", "telefonist");
	check_json(&r, "sections.interactions.1.summary", "Excuses aangeboden.");
	/* the task made after her call is about her */
	assert_int_equal(json_array_size(jpath(r.json, "sections.tasks")), 1);
	check_json(&r, "sections.tasks.0.title", "Marieke terugbellen over Zwolle");
	check_json(&r, "sections.tasks.0.notes", "Na 17 uur");
	check_json(&r, "sections.audit.0.action", "relation.create");
	check_json(&r, "sections.custom_values", NULL);
	/* and nothing of anyone else */
	check_no_body(&r, "Kees");
	check_no_body(&r, "Elders");
	result_free(&r);

	char org[96], other[96];
	snprintf(org, sizeof(org), "/api/v1/relations/%lld/privacy-export", (long long)acme);
	snprintf(other, sizeof(other), "/api/v1/relations/%lld/privacy-export", (long long)elsewhere);
	const struct api_case cases[] = {
		{AS_EMPLOYEE, "GET", path_export, NULL, 403, "error", "forbidden"},
		{AS_ADMIN, "GET", path_export, NULL, 200, "relation.name", "Marieke Zwanenburg"},
		{AS_MANAGER, "GET", org, NULL, 422, "message",
		 "Alleen een persoon kan voor privacy geëxporteerd of gewist worden; een organisatie "
		 "is geen persoon."},
		{AS_MANAGER, "GET", other, NULL, 404, "error", "not_found"},
		{AS_MANAGER, "GET", "/api/v1/relations/999999/privacy-export", NULL, 404, "error",
		 "not_found"},
		/* who exported is on record */
		{AS_ADMIN, "GET", "/api/v1/audit?action=relation.privacy_export", NULL, 200,
		 "items.0.actor", "admin@one.example"},
	};
	run_cases(h, cases, N(cases));
}

static void test_erase_refused(void **state)
{
	struct harness *h = *state;
	char org[96], other[96];
	snprintf(org, sizeof(org), "/api/v1/relations/%lld/erase", (long long)acme);
	snprintf(other, sizeof(other), "/api/v1/relations/%lld/erase", (long long)elsewhere);
	const struct api_case cases[] = {
		{AS_EMPLOYEE, "POST", path_erase, NULL, 403, "error", "forbidden"},
		{AS_MANAGER, "POST", org, NULL, 422, "error", "validation_failed"},
		{AS_MANAGER, "POST", other, NULL, 404, "error", "not_found"},
		{AS_MANAGER, "POST", "/api/v1/relations/999999/erase", NULL, 404, "error", "not_found"},
		{AS_MANAGER, "POST", path_erase, "{\"confirm\":\"Kees Koster\"}", 422, "fields.confirm",
		 NULL},
		{AS_EMPLOYEE, "GET", path_rel, NULL, 200, "name", "Marieke Zwanenburg"},
		{AS_OTHER, "GET", "/api/v1/relations", NULL, 200, "items.0.name", "Elders Persoon"},
	};
	run_cases(h, cases, N(cases));
}

static int64_t total(struct harness *h, const char *path)
{
	struct result r;
	h_call(h, AS_EMPLOYEE, "GET", path, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	int64_t n = json_int_at(&r, "total");
	result_free(&r);
	return n;
}

static void test_erase(void **state)
{
	struct harness *h = *state;
	int64_t interactions = total(h, "/api/v1/interactions");
	int64_t phone_calls = total(h, "/api/v1/interactions?channel=phone");
	int64_t people = total(h, "/api/v1/relations?kind=person");
	struct result r;
	h_call(h, AS_MANAGER, "POST", path_erase, NULL, "{\"confirm\":\"marieke ZWANENBURG\"}", NULL,
	       &r);
	check_status(&r, 200);
	check_json(&r, "is_erased", "true");
	check_json(&r, "counts.interactions", "2");
	check_json(&r, "counts.tasks", "1");
	check_json(&r, "counts.contact_points", "3");
	check_json(&r, "counts.tags", "1");
	result_free(&r);

	/* gone for users: the page, lists, search */
	assert_int_equal(total(h, "/api/v1/relations?kind=person"), people - 1);
	char one[64], two[64], task_path[64], kept[64], role_s[32];
	snprintf(one, sizeof(one), "/api/v1/interactions/%lld", (long long)call1);
	snprintf(two, sizeof(two), "/api/v1/interactions/%lld", (long long)call2);
	snprintf(task_path, sizeof(task_path), "/api/v1/tasks/%lld", (long long)task);
	snprintf(kept, sizeof(kept), "/api/v1/interactions/%lld", (long long)other_call);
	snprintf(role_s, sizeof(role_s), "%lld", (long long)role);
	char gone_name[64];
	snprintf(gone_name, sizeof(gone_name), "Gewiste persoon #%lld", (long long)marieke);
	const struct api_case cases[] = {
		{AS_EMPLOYEE, "GET", path_rel, NULL, 404, "error", "not_found"},
		{AS_MANAGER, "GET", path_export, NULL, 404, "error", "not_found"},
		/* the contact moments stay, without what was said */
		{AS_EMPLOYEE, "GET", one, NULL, 200, "subject", "Gewist contactmoment"},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "summary", ""},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "channel", "phone"},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "direction", "in"},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "duration_s", "300"},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "outcome", "follow_up"},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "role_id", role_s},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "user_name", "employee@one.example"},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "person_name", gone_name},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "company_name", "Acme"},
		{AS_EMPLOYEE, "GET", two, NULL, 200, "channel", "email"},
		{AS_EMPLOYEE, "GET", task_path, NULL, 200, "title", "Gewiste taak"},
		{AS_EMPLOYEE, "GET", task_path, NULL, 200, "notes", ""},
		/* someone else's are untouched */
		{AS_EMPLOYEE, "GET", kept, NULL, 200, "summary", "Geheim van Kees."},
		{AS_EMPLOYEE, "GET", "/api/v1/search?q=kees", NULL, 200, "relations.0.name",
		 "Kees Koster"},
		/* once is all: then the person does not exist */
		{AS_MANAGER, "POST", path_erase, NULL, 404, "error", "not_found"},
		{AS_ADMIN, "GET", "/api/v1/audit?action=relation.erase", NULL, 200,
		 "items.0.details.interactions", "2"},
	};
	run_cases(h, cases, N(cases));
	/* search finds none of it */
	const char *const gone[][2] = {
		{"/api/v1/search?q=marieke", "relations"},
		{"/api/v1/search?q=marieke%40zwanenburg.example", "relations"},
		{"/api/v1/search?q=06-98765432", "relations"},
		{"/api/v1/search?q=inkoper", "relations"},
		{"/api/v1/search?q=zwolle", "interactions"},
		{"/api/v1/search?q=levering", "interactions"},
		{"/api/v1/search?q=gewist", "interactions"},
	};
	for (size_t i = 0; i < N(gone); i++) {
		h_call(h, AS_EMPLOYEE, "GET", gone[i][0], NULL, NULL, NULL, &r);
		check_status(&r, 200);
		if (json_array_size(jpath(r.json, gone[i][1])))
			fail_msg("%s still finds %s", gone[i][0], r.body);
		result_free(&r);
	}
	/* the index's term counts went down with the terms: none counts a
	 * term no object holds any more, none counts one more object */
	int64_t off = -1;
	assert_int_equal(db_int_query(h->db, &off,
				      "SELECT COUNT(*) FROM search_vocab v LEFT JOIN (SELECT org_id,"
				      " object_kind, term, COUNT(*) AS n FROM search_terms GROUP BY"
				      " org_id, object_kind, term) t ON t.org_id = v.org_id AND"
				      " t.object_kind = v.object_kind AND t.term = v.term"
				      " WHERE t.n IS NULL OR t.n <> v.df",
				      DB_NOARGS),
			 0);
	assert_int_equal(off, 0);
	h_call(h, AS_EMPLOYEE, "GET", "/api/v1/search?q=zwanenburg", NULL, NULL, NULL, &r);
	assert_int_equal(json_array_size(jpath(r.json, "relations")), 0);
	assert_int_equal(json_array_size(jpath(r.json, "interactions")), 0);
	result_free(&r);
	assert_int_equal(total(h, "/api/v1/interactions"), interactions);
	assert_int_equal(total(h, "/api/v1/interactions?channel=phone"), phone_calls);

	/* the audit log says who erased whom (by number), and no longer
	 * holds the name, the subjects or the task's title anywhere */
	h_call(h, AS_ADMIN, "GET", "/api/v1/audit?limit=200", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "relation.erase");
	check_no_body(&r, "Marieke");
	check_no_body(&r, "Zwanenburg");
	check_no_body(&r, "levering");
	check_no_body(&r, "Zwolle");
	check_body(&r, "Kees Koster"); /* another person's entries stay as they were */
	result_free(&r);
	h_call(h, AS_EMPLOYEE, "GET", "/api/v1/relations?status=all&per_page=200", NULL, NULL, NULL,
	       &r);
	check_no_body(&r, "Marieke");
	check_no_body(&r, "Gewiste persoon");
	result_free(&r);
}

static void test_erase_form(void **state)
{
	struct harness *h = *state;
	int64_t p = post(h, AS_EMPLOYEE, "/api/v1/relations",
			 "{\"kind\":\"person\",\"name\":\"Joost Vondel\"}");
	char page[96], show[96];
	snprintf(page, sizeof(page), "/relations/%lld/erase", (long long)p);
	snprintf(show, sizeof(show), "/relations/%lld", (long long)p);
	struct result r;
	/* the person's page links to the export and the erasure */
	h_call(h, AS_SESSION, "GET", show, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "privacy-export");
	check_body(&r, page);
	result_free(&r);
	/* an employee sees neither */
	h_call(h, AS_EMPLOYEE, "GET", show, NULL, NULL, "accept: text/html\n", &r);
	check_status(&r, 200);
	assert_non_null(strstr(r.content_type, "text/html"));
	check_body(&r, "Joost Vondel");
	check_no_body(&r, "privacy-export");
	check_no_body(&r, page);
	result_free(&r);
	h_call(h, AS_EMPLOYEE, "GET", page, NULL, NULL, "accept: text/html\n", &r);
	check_status(&r, 403);
	result_free(&r);
	h_call(h, AS_SESSION, "GET", page, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "Joost Vondel");
	check_body(&r, "name=\"confirm\"");
	result_free(&r);
	/* without the name, or with another one: the form again with a message */
	h_form(h, AS_SESSION, NULL, page, "confirm=", &r);
	check_status(&r, 422);
	check_body(&r, "aria-invalid=\"true\"");
	result_free(&r);
	h_form(h, AS_SESSION, NULL, page, "confirm=Joost+van+den+Vondel", &r);
	check_status(&r, 422);
	check_body(&r, "Typ ter bevestiging de naam van de persoon zoals getoond.");
	result_free(&r);
	h_form(h, AS_SESSION, NULL, page, "confirm=Joost+Vondel", &r);
	check_status(&r, 303);
	assert_string_equal(r.location, "/relations");
	result_free(&r);
	h_call(h, AS_SESSION, "GET", show, NULL, NULL, NULL, &r);
	check_status(&r, 404);
	result_free(&r);
	/* an organisation has no erase page */
	snprintf(page, sizeof(page), "/relations/%lld/erase", (long long)acme);
	h_call(h, AS_SESSION, "GET", page, NULL, NULL, NULL, &r);
	check_status(&r, 422);
	result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setup),
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_erase_refused),
		cmocka_unit_test(test_erase),
		cmocka_unit_test(test_erase_form),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

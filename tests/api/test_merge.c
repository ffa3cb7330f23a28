/* SPDX-License-Identifier: Apache-2.0 */
/* API tests for likely duplicates and merging: pairs found by an email
 * address in another case, a phone number in another notation and a name
 * with other accents and case, never across kinds, organisations or into
 * the archive; "not a duplicate" hides a pair; a merge moves interactions,
 * tasks, contact points (no double email), tags, custom values and people,
 * fills empty fields, keeps both notes, is searchable by the old email,
 * sends the old address on to the survivor, and refuses itself, other
 * kinds, other organisations and employees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int64_t anna1, anna2, piet1, piet2, zoe1, zoe2, bakker_org, elsewhere;

static int64_t post(struct harness *h, enum as who, const char *path, const char *body)
{
	struct result r;
	h_call(h, who, "POST", path, NULL, body, NULL, &r);
	check_status(&r, 201);
	int64_t id = json_int_at(&r, "id");
	result_free(&r);
	return id;
}

static int64_t rel(struct harness *h, const char *body)
{
	return post(h, AS_EMPLOYEE, "/api/v1/relations", body);
}

/* The pair (a, b) in a duplicates list, or NULL. */
static json_t *pair_of(json_t *list, int64_t a, int64_t b)
{
	json_t *items = jpath(list, "items"), *it;
	size_t i;
	json_array_foreach(items, i, it)
		if (json_integer_value(jpath(it, "a.id")) == (a < b ? a : b) &&
		    json_integer_value(jpath(it, "b.id")) == (a < b ? b : a))
			return it;
	return NULL;
}

static bool has_reason(json_t *pair, const char *why)
{
	json_t *r;
	size_t i;
	json_array_foreach(json_object_get(pair, "reasons"), i, r)
		if (!strcmp(json_string_value(r), why))
			return true;
	return false;
}

static void test_duplicates_found(void **state)
{
	struct harness *h = *state;
	anna1 = rel(h, "{\"kind\":\"person\",\"name\":\"Anna Bakker\","
		       "\"emails\":[{\"value\":\"anna@bakker.example\"}]}");
	anna2 = rel(h, "{\"kind\":\"person\",\"name\":\"A. Bakker-Smit\","
		       "\"emails\":[{\"value\":\"Anna@Bakker.EXAMPLE\"}]}");
	piet1 = rel(h, "{\"kind\":\"person\",\"name\":\"Piet Jansen\","
		       "\"phones\":[{\"value\":\"06-12345678\"}]}");
	piet2 = rel(h, "{\"kind\":\"person\",\"name\":\"P. Jansen\","
		       "\"phones\":[{\"value\":\"+31 6 1234 5678\"}]}");
	zoe1 = rel(h, "{\"kind\":\"person\",\"name\":\"Zoë Müller\"}");
	zoe2 = rel(h, "{\"kind\":\"person\",\"name\":\"zoe MULLER\"}");
	/* not pairs: another kind, the archive, another organisation */
	bakker_org = rel(h, "{\"kind\":\"organisation\",\"name\":\"Bakker\","
			    "\"emails\":[{\"value\":\"anna@bakker.example\"}]}");
	int64_t old = rel(h, "{\"kind\":\"person\",\"name\":\"Anna Oud\","
			     "\"emails\":[{\"value\":\"anna@bakker.example\"}]}");
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/relations/%lld/archive", (long long)old);
	struct result r;
	h_call(h, AS_EMPLOYEE, "POST", path, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	result_free(&r);
	elsewhere = post(h, AS_OTHER, "/api/v1/relations",
			 "{\"kind\":\"person\",\"name\":\"Anna Bakker\","
			 "\"emails\":[{\"value\":\"anna@bakker.example\"}]}");

	h_call(h, AS_MANAGER, "GET", "/api/v1/relations/duplicates", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "total", "3");
	json_t *p = pair_of(r.json, anna1, anna2);
	assert_non_null(p);
	assert_true(has_reason(p, "email"));
	assert_false(has_reason(p, "name"));
	assert_int_equal(json_integer_value(json_object_get(p, "score")), 50);
	assert_string_equal(json_string_value(jpath(p, "a.name")), "Anna Bakker");
	assert_string_equal(json_string_value(jpath(p, "b.email")), "Anna@Bakker.EXAMPLE");
	assert_string_equal(json_string_value(json_object_get(p, "kind")), "person");
	p = pair_of(r.json, piet1, piet2);
	assert_non_null(p);
	assert_true(has_reason(p, "phone"));
	assert_int_equal(json_array_size(json_object_get(p, "reasons")), 1);
	p = pair_of(r.json, zoe1, zoe2);
	assert_non_null(p);
	assert_true(has_reason(p, "name"));
	assert_int_equal(json_integer_value(json_object_get(p, "score")), 30);
	/* highest score first */
	check_json(&r, "items.0.score", "50");
	result_free(&r);

	/* the other organisation has one Anna and no pair */
	const struct api_case cases[] = {
		{AS_OTHER, "GET", "/api/v1/relations/duplicates", NULL, 200, "total", "0"},
		{AS_MANAGER, "GET", "/api/v1/relations/duplicates?kind=organisation", NULL, 200, "total",
		 "0"},
		{AS_MANAGER, "GET", "/api/v1/relations/duplicates?kind=person&per_page=1&page=2", NULL,
		 200, "items.0.reasons.0", NULL},
		{AS_MANAGER, "GET", "/api/v1/relations/duplicates?per_page=1", NULL, 200, "pages", "3"},
		/* past the last page: no items, the count still right */
		{AS_MANAGER, "GET", "/api/v1/relations/duplicates?page=9", NULL, 200, "total", "3"},
		{AS_EMPLOYEE, "GET", "/api/v1/relations/duplicates", NULL, 403, "error", "forbidden"},
		{AS_ANON, "GET", "/api/v1/relations/duplicates", NULL, 401, "error", NULL},
	};
	run_cases(h, cases, N(cases));
}

static void test_shared_by_many(void **state)
{
	struct harness *h = *state;
	/* a switchboard number on a dozen people says nothing about any pair */
	for (int i = 0; i < 12; i++) {
		char b[160];
		snprintf(b, sizeof(b),
			 "{\"kind\":\"person\",\"name\":\"Medewerker %d\","
			 "\"phones\":[{\"value\":\"020 555 00 00\"}]}",
			 i);
		rel(h, b);
	}
	const struct api_case cases[] = {
		{AS_MANAGER, "GET", "/api/v1/relations/duplicates", NULL, 200, "total", "3"},
	};
	run_cases(h, cases, N(cases));
}

static void test_not_duplicate(void **state)
{
	struct harness *h = *state;
	char path[96], body[96], self[96], other[96];
	snprintf(path, sizeof(path), "/api/v1/relations/%lld/not-duplicate", (long long)zoe2);
	snprintf(body, sizeof(body), "{\"other\":%lld}", (long long)zoe1);
	snprintf(self, sizeof(self), "{\"other\":%lld}", (long long)zoe2);
	snprintf(other, sizeof(other), "{\"other\":%lld}", (long long)elsewhere);
	char a_id[32];
	snprintf(a_id, sizeof(a_id), "%lld", (long long)(zoe1 < zoe2 ? zoe1 : zoe2));
	const struct api_case cases[] = {
		{AS_MANAGER, "POST", path, body, 200, "a_id", a_id},
		{AS_MANAGER, "POST", path, body, 200, "is_duplicate", "false"}, /* twice is fine */
		{AS_MANAGER, "GET", "/api/v1/relations/duplicates", NULL, 200, "total", "2"},
		{AS_MANAGER, "POST", path, self, 422, "error", "validation_failed"},
		{AS_MANAGER, "POST", path, other, 404, "error", "not_found"},
		{AS_MANAGER, "POST", path, "{}", 422, "fields.other", NULL},
		{AS_EMPLOYEE, "POST", path, body, 403, "error", "forbidden"},
		{AS_ADMIN, "GET", "/api/v1/audit?action=relation.not_duplicate", NULL, 200,
		 "items.0.object_type", "relation"},
	};
	run_cases(h, cases, N(cases));
	struct result r;
	h_call(h, AS_MANAGER, "GET", "/api/v1/relations/duplicates", NULL, NULL, NULL, &r);
	assert_null(pair_of(r.json, zoe1, zoe2));
	assert_non_null(pair_of(r.json, anna1, anna2));
	result_free(&r);
}

static int64_t log_call(struct harness *h, const char *field, int64_t who, const char *subject)
{
	char b[256];
	snprintf(b, sizeof(b), "{\"%s\":%lld,\"channel\":\"phone\",\"subject\":\"%s\"}", field,
		 (long long)who, subject);
	return post(h, AS_EMPLOYEE, "/api/v1/interactions", b);
}

static void test_merge_people(void **state)
{
	struct harness *h = *state;
	char b[512], path[96];
	int64_t a = rel(h, "{\"kind\":\"person\",\"given_name\":\"Karel\",\"family_name\":\"Appel\","
			   "\"emails\":[{\"value\":\"karel@appel.example\"}],\"tags\":[\"vip\"],"
			   "\"notes\":\"Belt graag.\"}");
	snprintf(b, sizeof(b),
		 "{\"kind\":\"person\",\"name\":\"K. Appel\",\"job_title\":\"Schilder\","
		 "\"parent_id\":%lld,\"emails\":[{\"value\":\"KAREL@appel.example\"},"
		 "{\"value\":\"karel@cobra.example\"}],\"phones\":[{\"value\":\"06 11122233\"}],"
		 "\"tags\":[\"VIP\",\"cobra\"],\"notes\":\"Mailt liever.\"}",
		 (long long)bakker_org);
	int64_t bb = rel(h, b);
	log_call(h, "person_id", a, "Eerste gesprek");
	int64_t c1 = log_call(h, "person_id", bb, "Over de tentoonstelling");
	log_call(h, "person_id", bb, "Nabellen");
	snprintf(b, sizeof(b), "{\"title\":\"Catalogus sturen\",\"relation_id\":%lld}", (long long)bb);
	int64_t task = post(h, AS_EMPLOYEE, "/api/v1/tasks", b);

	snprintf(path, sizeof(path), "/api/v1/relations/%lld/merge", (long long)a);
	snprintf(b, sizeof(b), "{\"from\":%lld}", (long long)bb);
	struct result r;
	h_call(h, AS_MANAGER, "POST", path, NULL, b, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "id", NULL);
	check_json(&r, "moved.interactions", "2");
	check_json(&r, "moved.tasks", "1");
	check_json(&r, "moved.contact_points", "2"); /* the cobra address and the phone */
	check_json(&r, "moved.tags", "1");           /* cobra; vip it had */
	check_json(&r, "name", "Karel Appel");       /* its own */
	check_json(&r, "job_title", "Schilder");     /* it had none */
	char parent[32];
	snprintf(parent, sizeof(parent), "%lld", (long long)bakker_org);
	check_json(&r, "parent_id", parent); /* it had none */
	check_json(&r, "notes", "Belt graag.\n\nMailt liever.");
	assert_int_equal(json_array_size(jpath(r.json, "emails")), 2); /* no double */
	check_json(&r, "emails.0.value", "karel@appel.example");
	check_json(&r, "emails.1.value", "karel@cobra.example");
	check_json(&r, "phones.0.value", "06 11122233");
	assert_int_equal(json_array_size(jpath(r.json, "tags")), 2);
	result_free(&r);

	/* the timeline of the survivor has the other's history */
	snprintf(path, sizeof(path), "/api/v1/relations/%lld", (long long)a);
	h_call(h, AS_EMPLOYEE, "GET", path, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "timeline.total", "4");
	check_body(&r, "Over de tentoonstelling");
	check_body(&r, "Catalogus sturen");
	result_free(&r);
	char tl[96], one[64], task_path[64], old[64], search[96], merged[32];
	snprintf(tl, sizeof(tl), "/api/v1/interactions?relation_id=%lld", (long long)a);
	snprintf(one, sizeof(one), "/api/v1/interactions/%lld", (long long)c1);
	snprintf(task_path, sizeof(task_path), "/api/v1/tasks/%lld", (long long)task);
	snprintf(old, sizeof(old), "/api/v1/relations/%lld", (long long)bb);
	snprintf(search, sizeof(search), "/api/v1/search?q=karel%%40cobra.example");
	snprintf(merged, sizeof(merged), "%lld", (long long)a);
	const struct api_case cases[] = {
		{AS_EMPLOYEE, "GET", tl, NULL, 200, "total", "3"},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "person_id", merged},
		{AS_EMPLOYEE, "GET", task_path, NULL, 200, "relation_id", merged},
		/* the merged one is gone, and says where it went */
		{AS_EMPLOYEE, "GET", old, NULL, 404, "merged_into", merged},
		/* found by the old email address, the old one not at all */
		{AS_EMPLOYEE, "GET", search, NULL, 200, "relations.0.id", merged},
		{AS_EMPLOYEE, "GET", "/api/v1/search?q=cobra", NULL, 200, "relations.0.id", merged},
		{AS_ADMIN, "GET", "/api/v1/audit?action=relation.merge", NULL, 200, "items.0.object_id",
		 merged},
		{AS_ADMIN, "GET", "/api/v1/audit?action=relation.merge", NULL, 200,
		 "items.0.details.interactions", "2"},
	};
	run_cases(h, cases, N(cases));
	h_call(h, AS_EMPLOYEE, "GET", search, NULL, NULL, NULL, &r);
	assert_int_equal(json_array_size(jpath(r.json, "relations")), 1);
	result_free(&r);
	char audit_from[32];
	snprintf(audit_from, sizeof(audit_from), "%lld", (long long)bb);
	h_call(h, AS_ADMIN, "GET", "/api/v1/audit?action=relation.merge", NULL, NULL, NULL, &r);
	check_json(&r, "items.0.details.from", audit_from);
	result_free(&r);

	/* a browser asking for the old page is sent on */
	snprintf(path, sizeof(path), "/relations/%lld", (long long)bb);
	h_call(h, AS_SESSION, "GET", path, NULL, NULL, NULL, &r);
	check_status(&r, 303);
	snprintf(path, sizeof(path), "/relations/%lld", (long long)a);
	assert_string_equal(r.location, path);
	result_free(&r);
}

static void test_merge_organisations(void **state)
{
	struct harness *h = *state;
	char b[256], path[96];
	int64_t keep = rel(h, "{\"kind\":\"organisation\",\"name\":\"Polder B.V.\"}");
	int64_t gone = rel(h, "{\"kind\":\"organisation\",\"name\":\"Polder BV\"}");
	snprintf(b, sizeof(b), "{\"kind\":\"person\",\"name\":\"Medewerker Polder\",\"parent_id\":%lld}",
		 (long long)gone);
	int64_t worker = rel(h, b);
	int64_t call = log_call(h, "company_id", gone, "Offerte");
	snprintf(path, sizeof(path), "/api/v1/relations/%lld/merge", (long long)keep);
	snprintf(b, sizeof(b), "{\"from\":%lld}", (long long)gone);
	char want[32], worker_path[64], call_path[64];
	snprintf(want, sizeof(want), "%lld", (long long)keep);
	snprintf(worker_path, sizeof(worker_path), "/api/v1/relations/%lld", (long long)worker);
	snprintf(call_path, sizeof(call_path), "/api/v1/interactions/%lld", (long long)call);
	const struct api_case cases[] = {
		{AS_MANAGER, "POST", path, b, 200, "moved.people", "1"},
		{AS_EMPLOYEE, "GET", worker_path, NULL, 200, "parent_id", want},
		{AS_EMPLOYEE, "GET", call_path, NULL, 200, "company_id", want},
	};
	run_cases(h, cases, N(cases));
	struct result r;
	snprintf(path, sizeof(path), "/api/v1/relations/%lld", (long long)keep);
	h_call(h, AS_EMPLOYEE, "GET", path, NULL, NULL, NULL, &r);
	check_json(&r, "people.0.name", "Medewerker Polder");
	result_free(&r);
}

/* merged twice: the first one's old address leads to the last survivor */
static void test_merge_chain(void **state)
{
	struct harness *h = *state;
	int64_t x = rel(h, "{\"kind\":\"person\",\"name\":\"Keten Een\"}");
	int64_t y = rel(h, "{\"kind\":\"person\",\"name\":\"Keten Twee\"}");
	int64_t z = rel(h, "{\"kind\":\"person\",\"name\":\"Keten Drie\"}");
	char path[96], body[64], old[64], want[32];
	struct result r;
	snprintf(path, sizeof(path), "/api/v1/relations/%lld/merge", (long long)x);
	snprintf(body, sizeof(body), "{\"from\":%lld}", (long long)y);
	h_call(h, AS_MANAGER, "POST", path, NULL, body, NULL, &r);
	check_status(&r, 200);
	result_free(&r);
	snprintf(path, sizeof(path), "/api/v1/relations/%lld/merge", (long long)z);
	snprintf(body, sizeof(body), "{\"from\":%lld}", (long long)x);
	h_call(h, AS_MANAGER, "POST", path, NULL, body, NULL, &r);
	check_status(&r, 200);
	result_free(&r);
	snprintf(old, sizeof(old), "/api/v1/relations/%lld", (long long)y);
	snprintf(want, sizeof(want), "%lld", (long long)z);
	const struct api_case cases[] = {
		{AS_EMPLOYEE, "GET", old, NULL, 404, "merged_into", want},
		/* a merged relation cannot be merged again */
		{AS_MANAGER, "POST", path, body, 404, "error", "not_found"},
	};
	run_cases(h, cases, N(cases));
}

static void test_merge_refused(void **state)
{
	struct harness *h = *state;
	char path[96], self[64], kinds[64], other[64], unknown[64], into_other[96];
	snprintf(path, sizeof(path), "/api/v1/relations/%lld/merge", (long long)piet1);
	snprintf(self, sizeof(self), "{\"from\":%lld}", (long long)piet1);
	snprintf(kinds, sizeof(kinds), "{\"from\":%lld}", (long long)bakker_org);
	snprintf(other, sizeof(other), "{\"from\":%lld}", (long long)elsewhere);
	snprintf(unknown, sizeof(unknown), "{\"from\":%lld}", 999999LL);
	snprintf(into_other, sizeof(into_other), "/api/v1/relations/%lld/merge", (long long)elsewhere);
	char piet2_body[64];
	snprintf(piet2_body, sizeof(piet2_body), "{\"from\":%lld}", (long long)piet2);
	const struct api_case cases[] = {
		{AS_MANAGER, "POST", path, self, 422, "message",
		 "Een relatie kan niet met zichzelf samengevoegd worden."},
		{AS_MANAGER, "POST", path, kinds, 422, "message",
		 "Een organisatie en een persoon kunnen niet samengevoegd worden: kies er twee van "
		 "dezelfde soort."},
		{AS_MANAGER, "POST", path, other, 404, "error", "not_found"},
		{AS_MANAGER, "POST", path, unknown, 404, "error", "not_found"},
		{AS_MANAGER, "POST", into_other, piet2_body, 404, "error", "not_found"},
		{AS_MANAGER, "POST", path, "{\"from\":\"two\"}", 422, "fields.from", NULL},
		{AS_MANAGER, "POST", path, "{}", 422, "fields.from", NULL},
		{AS_EMPLOYEE, "POST", path, piet2_body, 403, "error", "forbidden"},
		/* nothing of that changed anything */
		{AS_MANAGER, "GET", "/api/v1/relations/duplicates?kind=person", NULL, 200, "total",
		 "2"},
		{AS_OTHER, "GET", "/api/v1/relations?kind=person", NULL, 200, "total", "1"},
	};
	run_cases(h, cases, N(cases));
}

static void test_merge_form(void **state)
{
	struct harness *h = *state;
	struct result r;
	/* the relations page leads there, for managers and administrators */
	h_call(h, AS_SESSION, "GET", "/relations", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "href=\"/relations/duplicates\"");
	result_free(&r);
	h_call(h, AS_EMPLOYEE, "GET", "/relations", NULL, NULL, "accept: text/html\n", &r);
	check_status(&r, 200);
	assert_non_null(strstr(r.content_type, "text/html"));
	check_no_body(&r, "/relations/duplicates");
	result_free(&r);
	h_call(h, AS_SESSION, "GET", "/relations/duplicates", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "Piet Jansen");
	check_body(&r, "telefoonnummer");
	check_body(&r, "Geen dubbele");
	result_free(&r);
	char path[96], form[96];
	snprintf(path, sizeof(path), "/relations/%lld/merge", (long long)piet2);
	snprintf(form, sizeof(form), "from=%lld&next=%%2Frelations%%2Fduplicates", (long long)piet1);
	h_form(h, AS_SESSION, NULL, path, form, &r);
	check_status(&r, 303);
	assert_string_equal(r.location, "/relations/duplicates");
	result_free(&r);
	/* an off-site next is not followed */
	snprintf(path, sizeof(path), "/relations/%lld/merge", (long long)anna1);
	snprintf(form, sizeof(form), "from=%lld&next=https%%3A%%2F%%2Fevil.example", (long long)anna2);
	h_form(h, AS_SESSION, NULL, path, form, &r);
	check_status(&r, 303);
	snprintf(path, sizeof(path), "/relations/%lld", (long long)anna1);
	assert_string_equal(r.location, path);
	result_free(&r);
	const struct api_case cases[] = {
		{AS_MANAGER, "GET", "/api/v1/relations/duplicates", NULL, 200, "total", "0"},
	};
	run_cases(h, cases, N(cases));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duplicates_found),
		cmocka_unit_test(test_shared_by_many),
		cmocka_unit_test(test_not_duplicate),
		cmocka_unit_test(test_merge_people),
		cmocka_unit_test(test_merge_organisations),
		cmocka_unit_test(test_merge_chain),
		cmocka_unit_test(test_merge_refused),
		cmocka_unit_test(test_merge_form),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* API tests for search: case and accents ignored, Dutch and English stems,
 * the last word as a prefix while typing, every word must match, email
 * addresses and phone numbers in any notation, interactions by what was
 * said, the index kept current by every change, other organisations'
 * data never found, queries that are too long, and the order: the most
 * recently logged interaction and the most recently added relation first,
 * archived ones among them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int64_t zoe;

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
	int64_t polder = post(h, AS_EMPLOYEE, "/api/v1/relations",
			      "{\"kind\":\"organisation\",\"name\":\"Polderwarmte Installaties\","
			      "\"addresses\":[{\"city\":\"'s-Hertogenbosch\"}],\"tags\":[\"warmtepomp\"]}");
	char b[512];
	snprintf(b, sizeof(b),
		 "{\"kind\":\"person\",\"given_name\":\"Zoë\",\"family_name\":\"Müller\","
		 "\"parent_id\":%lld,\"emails\":[{\"value\":\"zoe.muller@polder.example\"}],"
		 "\"phones\":[{\"value\":\"06-12345678\"}]}",
		 (long long)polder);
	zoe = post(h, AS_EMPLOYEE, "/api/v1/relations", b);
	snprintf(b, sizeof(b),
		 "{\"person_id\":%lld,\"channel\":\"phone\",\"subject\":\"Klachten over facturen\","
		 "\"summary\":\"De klanten kregen de invoices te laat.\"}",
		 (long long)zoe);
	post(h, AS_EMPLOYEE, "/api/v1/interactions", b);
	post(h, AS_OTHER, "/api/v1/relations",
	     "{\"kind\":\"person\",\"name\":\"Zoe Muller\",\"emails\":[{\"value\":\"zoe@else.example\"}]}");
}

/* A search: who asks q; want_rel and want_int relations and interactions,
 * the first of each named first_rel / first_int (NULL: not checked). */
struct search_case {
	enum as who;
	const char *q; /* URL-encoded */
	size_t want_rel, want_int;
	const char *first_rel, *first_int;
};

static void run_search(struct harness *h, const struct search_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char target[256];
		snprintf(target, sizeof(target), "/api/v1/search?q=%s", c[i].q);
		struct result r;
		h_call(h, c[i].who, "GET", target, NULL, NULL, NULL, &r);
		check_status(&r, 200);
		json_t *rel = jpath(r.json, "relations"), *act = jpath(r.json, "interactions");
		if (json_array_size(rel) != c[i].want_rel || json_array_size(act) != c[i].want_int)
			fail_msg("q=%s: want %zu relations and %zu interactions; body: %.600s", c[i].q,
				 c[i].want_rel, c[i].want_int, r.body);
		if (c[i].first_rel)
			check_json(&r, "relations.0.name", c[i].first_rel);
		if (c[i].first_int)
			check_json(&r, "interactions.0.subject", c[i].first_int);
		result_free(&r);
	}
}

static void test_finds(void **state)
{
	struct harness *h = *state;
	const char *zm = "Zoë Müller", *pw = "Polderwarmte Installaties";
	const char *kf = "Klachten over facturen";
	const struct search_case cases[] = {
		/* case and accents ignored, in any order, the last word a prefix */
		{AS_EMPLOYEE, "zoe%20muller", 1, 0, zm, NULL},
		{AS_EMPLOYEE, "M%C3%9CLLER%20Zo", 1, 0, zm, NULL},
		{AS_EMPLOYEE, "polderw", 1, 0, pw, NULL},
		/* a finished word (a space after it) is not a prefix */
		{AS_EMPLOYEE, "polderw%20", 0, 0, NULL, NULL},
		/* every word must match */
		{AS_EMPLOYEE, "zoe%20jansen", 0, 0, NULL, NULL},
		/* email, phone in another notation, city with its apostrophe, tag */
		{AS_EMPLOYEE, "zoe.muller%40polder.example", 1, 0, zm, NULL},
		{AS_EMPLOYEE, "%2B31%206%201234%205678", 1, 0, zm, NULL},
		{AS_EMPLOYEE, "0031612345678", 1, 0, zm, NULL},
		{AS_EMPLOYEE, "hertogenbosch", 1, 0, pw, NULL},
		{AS_EMPLOYEE, "warmtepomp", 1, 0, pw, NULL},
		/* interactions by subject and summary, with Dutch and English stems */
		{AS_EMPLOYEE, "klacht%20", 0, 1, NULL, kf},
		{AS_EMPLOYEE, "klant%20", 0, 1, NULL, kf},
		{AS_EMPLOYEE, "invoice%20", 0, 1, NULL, kf},
		{AS_EMPLOYEE, "factuur%20", 0, 1, NULL, kf},
		/* never another organisation's */
		{AS_EMPLOYEE, "else.example", 0, 0, NULL, NULL},
		{AS_OTHER, "zoe", 1, 0, "Zoe Muller", NULL},
		{AS_OTHER, "klacht", 0, 0, NULL, NULL},
		/* nothing typed, nothing found; punctuation only likewise */
		{AS_EMPLOYEE, "", 0, 0, NULL, NULL},
		{AS_EMPLOYEE, "%2C%2C%21", 0, 0, NULL, NULL},
	};
	run_search(h, cases, N(cases));
	const struct api_case anon[] = {
		{AS_ANON, "GET", "/api/v1/search?q=zoe", NULL, 401, "error", "unauthenticated"},
	};
	run_cases(h, anon, N(anon));
}

static void test_index_follows_changes(void **state)
{
	struct harness *h = *state;
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/relations/%lld", (long long)zoe);
	struct result r;
	h_call(h, AS_EMPLOYEE, "PATCH", path, NULL,
	       "{\"name\":\"Zoë Bakker\",\"family_name\":\"Bakker\",\"phones\":[]}", NULL, &r);
	check_status(&r, 200);
	result_free(&r);
	const struct search_case cases[] = {
		{AS_EMPLOYEE, "bakker", 1, 0, "Zoë Bakker", NULL},
		/* the old name is gone, but the email address still says muller */
		{AS_EMPLOYEE, "muller%20", 1, 0, "Zoë Bakker", NULL},
		{AS_EMPLOYEE, "m%C3%BCller%20zo%C3%AB%20", 1, 0, "Zoë Bakker", NULL},
		/* the phone number was removed */
		{AS_EMPLOYEE, "0612345678", 0, 0, NULL, NULL},
	};
	run_search(h, cases, N(cases));
}

/* Newest first by when it was logged or added, not by occurred_at nor by
 * name; an archived relation stays findable, in its place. */
static void test_order(void **state)
{
	struct harness *h = *state;
	char b[512];
	snprintf(b, sizeof(b),
		 "{\"person_id\":%lld,\"channel\":\"email\",\"subject\":\"Volgorde een\","
		 "\"occurred_at\":\"2026-03-02T10:00:00Z\"}",
		 (long long)zoe);
	int64_t first = post(h, AS_EMPLOYEE, "/api/v1/interactions", b);
	snprintf(b, sizeof(b),
		 "{\"person_id\":%lld,\"channel\":\"email\",\"subject\":\"Volgorde twee\","
		 "\"occurred_at\":\"2025-01-02T10:00:00Z\"}",
		 (long long)zoe);
	int64_t second = post(h, AS_EMPLOYEE, "/api/v1/interactions", b);
	assert_true(second > first);
	post(h, AS_EMPLOYEE, "/api/v1/relations",
	     "{\"kind\":\"organisation\",\"name\":\"Volgorde Aa B.V.\"}");
	int64_t newer = post(h, AS_EMPLOYEE, "/api/v1/relations",
			     "{\"kind\":\"organisation\",\"name\":\"Volgorde Zz B.V.\"}");
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/relations/%lld/archive", (long long)newer);
	struct result r;
	h_call(h, AS_EMPLOYEE, "POST", path, NULL, "{}", NULL, &r);
	check_status(&r, 200);
	result_free(&r);
	h_call(h, AS_EMPLOYEE, "GET", "/api/v1/search?q=volgorde", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "interactions.0.subject", "Volgorde twee");
	check_json(&r, "interactions.1.subject", "Volgorde een");
	check_json(&r, "relations.0.name", "Volgorde Zz B.V.");
	check_json(&r, "relations.1.name", "Volgorde Aa B.V.");
	if (json_is_null(jpath(r.json, "relations.0.archived_at")))
		fail_msg("the archived relation is marked: %.400s", r.body);
	result_free(&r);
	/* limit: the newest ones */
	h_call(h, AS_EMPLOYEE, "GET", "/api/v1/search?q=volgorde&limit=1", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "interactions.0.subject", "Volgorde twee");
	check_json(&r, "relations.0.name", "Volgorde Zz B.V.");
	if (json_array_size(jpath(r.json, "interactions")) != 1)
		fail_msg("limit=1: %.400s", r.body);
	result_free(&r);
}

static void test_bad_queries(void **state)
{
	struct harness *h = *state;
	char q[700] = "/api/v1/search?q=";
	size_t at = strlen(q);
	for (int i = 0; i < 600; i++)
		q[at++] = 'a';
	q[at] = '\0';
	const struct api_case cases[] = {
		{AS_EMPLOYEE, "GET", q, NULL, 422, "message", "Deze zoekopdracht is te lang."},
		{AS_EMPLOYEE, "GET", "/api/v1/search?q=a%20b%20c%20d%20e%20f%20g%20h%20i%20j%20k%20l%20m",
		 NULL, 422, "error", "validation_failed"},
		{AS_EMPLOYEE, "GET", "/api/v1/search?q=%FF%FE", NULL, 400, "error", NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/search?q=zoe&limit=0", NULL, 200, "q", "zoe"},
	};
	run_cases(h, cases, N(cases));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setup),
		cmocka_unit_test(test_finds),
		cmocka_unit_test(test_index_follows_changes),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_bad_queries),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* API tests for the organisation settings: administrators only, partial
 * updates, validation of the language and the time zone (a real zone, not
 * any path below the zone folder), isolation between organisations, and
 * where the settings show. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define S "/api/v1/settings"

static void test_show(void **state)
{
	struct harness *h = *state;
	static const struct api_case cases[] = {
		{AS_ADMIN, "GET", S, NULL, 200, "name", "One"},
		{AS_ADMIN, "GET", S, NULL, 200, "lang", "nl"},
		{AS_ADMIN, "GET", S, NULL, 200, "timezone", "Europe/Amsterdam"},
		{AS_ADMIN, "GET", S, NULL, 200, "id", "1"},
		{AS_OTHER, "GET", S, NULL, 200, "name", "Two"},
		{AS_OTHER, "GET", S, NULL, 200, "lang", "en"},
		{AS_MANAGER, "GET", S, NULL, 403, "error", "forbidden"},
		{AS_EMPLOYEE, "GET", S, NULL, 403, "error", "forbidden"},
		{AS_ANON, "GET", S, NULL, 401, "error", "unauthenticated"},
		{AS_MANAGER, "PATCH", S, "{\"name\":\"Coup\"}", 403, "error", "forbidden"},
		{AS_ADMIN, "DELETE", S, NULL, 405, "error", "method_not_allowed"},
	};
	run_cases(h, cases, N(cases));
	struct result r;
	h_call(h, AS_ADMIN, "GET", S, NULL, NULL, NULL, &r);
	assert_true(json_is_string(jpath(r.json, "created_at")));
	assert_null(jpath(r.json, "values")); /* form values are for the page */
	result_free(&r);
}

static void test_update(void **state)
{
	static const struct api_case cases[] = {
		{AS_ADMIN, "PATCH", S, "{\"name\":\"  One & Co  \"}", 200, "name", "One & Co"},
		/* what is not sent stays */
		{AS_ADMIN, "PATCH", S, "{\"name\":\"One & Co\"}", 200, "timezone",
		 "Europe/Amsterdam"},
		{AS_ADMIN, "PATCH", S, "{\"timezone\":\"America/New_York\"}", 200, "timezone",
		 "America/New_York"},
		{AS_ADMIN, "PATCH", S, "{\"timezone\":\"America/New_York\"}", 200, "name",
		 "One & Co"},
		{AS_ADMIN, "PATCH", S, "{\"lang\":\"en\"}", 200, "lang", "en"},
		{AS_ADMIN, "PATCH", S, "{\"lang\":\"nl\",\"timezone\":\"UTC\"}", 200, "timezone",
		 "UTC"},
		{AS_ADMIN, "PATCH", S, "{\"timezone\":\"Etc/GMT+5\"}", 200, "timezone",
		 "Etc/GMT+5"},
		{AS_ADMIN, "PATCH", S, "{}", 200, "lang", "nl"},
		/* fields that are not settings are ignored, never applied */
		{AS_ADMIN, "PATCH", S, "{\"id\":2,\"org_id\":2,\"created_at\":0}", 200, "id", "1"},
		{AS_OTHER, "GET", S, NULL, 200, "name", "Two"},
		{AS_ADMIN, "PATCH", S, "{\"timezone\":\"Europe/Amsterdam\"}", 200, "timezone",
		 "Europe/Amsterdam"},
		{AS_ADMIN, "GET", "/api/v1/audit?action=org.update", NULL, 200,
		 "items.0.details.timezone", "Europe/Amsterdam"},
		{AS_ADMIN, "GET", "/api/v1/audit?action=org.update", NULL, 200,
		 "items.0.object_type", "org"},
		/* org 2's administrator changes org 2 */
		{AS_OTHER, "PATCH", S, "{\"name\":\"Two B.V.\"}", 200, "name", "Two B.V."},
		{AS_ADMIN, "GET", S, NULL, 200, "name", "One & Co"},
		{AS_OTHER, "GET", "/api/v1/me", NULL, 200, "org.name", "Two B.V."},
		{AS_EMPLOYEE, "GET", "/api/v1/me", NULL, 200, "org.name", "One & Co"},
	};
	run_cases(*state, cases, N(cases));
}

static void test_invalid(void **state)
{
	struct harness *h = *state;
	static const struct api_case cases[] = {
		{AS_ADMIN, "PATCH", S, "{\"name\":\"\"}", 422, "fields.name",
		 "Dit veld is verplicht."},
		{AS_ADMIN, "PATCH", S, "{\"name\":null}", 422, "fields.name", NULL},
		{AS_ADMIN, "PATCH", S, "{\"name\":\"Line\\nbreak\"}", 422, "fields.name", NULL},
		{AS_ADMIN, "PATCH", S, "{\"lang\":\"fr\"}", 422, "fields.lang",
		 "Kies een van de mogelijkheden."},
		{AS_ADMIN, "PATCH", S, "{\"lang\":\"NL\"}", 422, "fields.lang", NULL},
		{AS_ADMIN, "PATCH", S, "{\"lang\":\"\"}", 422, "fields.lang",
		 "Dit veld is verplicht."},
		{AS_ADMIN, "PATCH", S, "{\"lang\":[\"nl\"]}", 422, "fields.lang",
		 "Dit moet tekst zijn."},
		{AS_ADMIN, "PATCH", S, "{\"timezone\":\"\"}", 422, "fields.timezone",
		 "Dit veld is verplicht."},
		{AS_ADMIN, "PATCH", S, "{\"timezone\":\"Mars/Olympus\"}", 422, "fields.timezone",
		 "Onbekende tijdzone. Gebruik een naam als Europe/Amsterdam."},
		{AS_ADMIN, "PATCH", S, "{\"timezone\":\"../../../etc/passwd\"}", 422,
		 "fields.timezone", NULL},
		{AS_ADMIN, "PATCH", S, "{\"timezone\":\"Europe/../Europe/Amsterdam\"}", 422,
		 "fields.timezone", NULL},
		{AS_ADMIN, "PATCH", S, "{\"timezone\":\"/usr/share/zoneinfo/UTC\"}", 422,
		 "fields.timezone", NULL},
		{AS_ADMIN, "PATCH", S, "{\"timezone\":\"Europe/Amsterdam\\u0000\"}", 400, "error",
		 "bad_request"},
		{AS_ADMIN, "PATCH", S, "{\"timezone\":\"Europe/Amsterdam \"}", 200, "timezone",
		 "Europe/Amsterdam"},
		{AS_ADMIN, "PATCH", S, "{\"timezone\":\"Europe/Amsterdam%\"}", 422,
		 "fields.timezone", NULL},
		{AS_ADMIN, "PATCH", S, "{\"timezone\":\"europe/amsterdam\"}", 422,
		 "fields.timezone", NULL},
		/* the folders of the zone database and its index files are not zones */
		{AS_ADMIN, "PATCH", S, "{\"timezone\":\"Europe\"}", 422, "fields.timezone", NULL},
		{AS_ADMIN, "PATCH", S, "{\"timezone\":\"America\"}", 422, "fields.timezone", NULL},
		{AS_ADMIN, "PATCH", S, "{\"timezone\":\"zone.tab\"}", 422, "fields.timezone", NULL},
		{AS_ADMIN, "PATCH", S, "{\"timezone\":\"iso3166.tab\"}", 422, "fields.timezone",
		 NULL},
		/* one bad field spoils the whole change */
		{AS_ADMIN, "PATCH", S, "{\"name\":\"Half\",\"timezone\":\"Nowhere/Land\"}", 422,
		 "fields.timezone", NULL},
		{AS_ADMIN, "GET", S, NULL, 200, "name", "One & Co"},
		{AS_ADMIN, "GET", S, NULL, 200, "timezone", "Europe/Amsterdam"},
	};
	run_cases(h, cases, N(cases));
	char *name = malloc(260);
	assert_non_null(name);
	memset(name, 'n', 201);
	name[201] = '\0';
	char body[300];
	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
	struct api_case too_long = {AS_ADMIN, "PATCH", S, body, 422, "fields.name", "Dit is te lang."};
	run_cases(h, &too_long, 1);
	name[200] = '\0';
	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
	struct api_case longest = {AS_ADMIN, "PATCH", S, body, 200, "name", name};
	run_cases(h, &longest, 1);
	free(name);
	struct api_case back = {AS_ADMIN, "PATCH", S, "{\"name\":\"One & Co\"}", 200, "name", "One & Co"};
	run_cases(h, &back, 1);
}

static void test_page(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_SESSION, "GET", "/settings", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "<h1>Instellingen</h1>");
	check_body(&r, "<input id=\"name\" name=\"name\" value=\"One &amp; Co\"");
	check_body(&r, "<option value=\"nl\" lang=\"nl\" selected>");
	check_no_body(&r, "<option value=\"en\" lang=\"en\" selected>");
	check_body(&r, "value=\"Europe/Amsterdam\"");
	/* the page's own language, not the organisation's setting, marks the page */
	check_body(&r, "<html lang=\"nl\">");
	/* and the header shows the organisation's name on every page */
	check_body(&r, "<span class=\"org\">One &amp; Co</span>");
	result_free(&r);
	h_call(h, AS_SESSION, "GET", "/settings", NULL, NULL, "accept-language: en\n", &r);
	check_body(&r, "<html lang=\"en\">");
	check_body(&r, "<h1>Settings</h1>");
	result_free(&r);
	h_form(h, AS_SESSION, NULL, "/settings", "name=One&lang=en&timezone=Europe%2FLondon", &r);
	check_status(&r, 303);
	check_header(&r, "Location", "/settings");
	result_free(&r);
	static const struct api_case after[] = {
		{AS_ADMIN, "GET", S, NULL, 200, "name", "One"},
		{AS_ADMIN, "GET", S, NULL, 200, "lang", "en"},
		{AS_ADMIN, "GET", S, NULL, 200, "timezone", "Europe/London"},
		{AS_ADMIN, "PATCH", S, "{\"lang\":\"nl\",\"timezone\":\"Europe/Amsterdam\"}", 200,
		 "lang", "nl"},
	};
	run_cases(h, after, N(after));
	/* a form that leaves a field out does not blank it */
	h_form(h, AS_SESSION, NULL, "/settings", "name=One+again", &r);
	check_status(&r, 303);
	result_free(&r);
	static const struct api_case kept[] = {
		{AS_ADMIN, "GET", S, NULL, 200, "name", "One again"},
		{AS_ADMIN, "GET", S, NULL, 200, "timezone", "Europe/Amsterdam"},
	};
	run_cases(h, kept, N(kept));
	/* not for managers */
	struct session m;
	h_login(h, AS_MANAGER, &m);
	struct h_req rq = {.method = "GET", .target = "/settings", .session = &m};
	h_send(h, &rq, &r);
	check_status(&r, 403);
	result_free(&r);
	rq = (struct h_req){.method = "POST", .target = "/settings", .session = &m,
			    .ctype = "application/x-www-form-urlencoded", .body = "name=Coup"};
	h_send(h, &rq, &r);
	check_status(&r, 403);
	result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_show),
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_page),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

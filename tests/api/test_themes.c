/* SPDX-License-Identifier: Apache-2.0 */
/* API tests for the organisation's theme dictionary: who may read and
 * change it (employees not), replacing it over the API (a refused document
 * is a 422 naming the place and changes nothing; what GET gives can be
 * sent back), back to the defaults, each organisation its own, and the
 * page: the form shows the themes, saving it edits, removes and adds, a
 * bad theme comes back with its message next to it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define API "/api/v1/settings/themes"
#define PARKING                                                                       \
	"{\"themes\": [{\"key\": \"parkeren\","                                       \
	" \"label\": {\"nl\": \"Parkeren\", \"en\": \"Parking\"},"                    \
	" \"keywords\": {\"nl\": [\"parkeer*\"], \"en\": [\"parking\"]}}]}"
#define BAD_KEYWORD                                                                   \
	"{\"themes\": [{\"key\": \"a\", \"label\": {\"nl\": \"A\", \"en\": \"A\"},"   \
	" \"keywords\": {\"nl\": [\"goed\", \"\"]}}]}"

static int64_t audits(struct harness *h, const char *action)
{
	int64_t n = -1;
	assert_int_equal(db_int_query(h->db, &n,
				      "SELECT COUNT(*) FROM audit_log WHERE org_id = ? AND action = ?",
				      DB_ARGS(DB_I(h->org), DB_T(action))),
			 0);
	return n;
}

static void test_api(void **state)
{
	struct harness *h = *state;
	const struct api_case cases[] = {
		{AS_ANON, "GET", API, NULL, 401, "error", "unauthenticated"},
		{AS_EMPLOYEE, "GET", API, NULL, 403, "error", "forbidden"},
		{AS_EMPLOYEE, "PUT", API, PARKING, 403, "error", "forbidden"},
		{AS_EMPLOYEE, "POST", API "/reset", NULL, 403, "error", "forbidden"},
		{AS_MANAGER, "GET", API, NULL, 200, "is_default", "true"},
		{AS_MANAGER, "GET", API, NULL, 200, "themes.0.key", "bereikbaarheid"},
		{AS_MANAGER, "GET", API, NULL, 200, "themes.4.label.en", "Price"},
		{AS_MANAGER, "GET", API, NULL, 200, "themes.4.keywords.nl.0", NULL},
		{AS_MANAGER, "PUT", API, PARKING, 200, "is_default", "false"},
		{AS_MANAGER, "GET", API, NULL, 200, "themes.0.keywords.nl.0", "parkeer*"},
	};
	run_cases(h, cases, N(cases));
	struct result r;
	h_call(h, AS_ADMIN, "GET", API, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	assert_int_equal(json_array_size(jpath(r.json, "themes")), 1);
	assert_int_equal(audits(h, "feedback.themes"), 1);
	/* what GET gives goes back as it is (is_default and all) */
	char *again = json_dumps(r.json, 0);
	result_free(&r);
	h_call(h, AS_ADMIN, "PUT", API, NULL, again, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "themes.0.label.nl", "Parkeren");
	result_free(&r);
	free(again);

	/* a refused document: 422 naming the place, nothing changed */
	h_call(h, AS_MANAGER, "PUT", API, NULL, BAD_KEYWORD, NULL, &r);
	check_status(&r, 422);
	check_json(&r, "error", "validation_failed");
	check_json(&r, "fields.themes", NULL);
	if (!strstr(json_string_value(jpath(r.json, "detail")), "themes[0].keywords.nl[1]"))
		fail_msg("detail: %s", r.body);
	result_free(&r);
	const struct api_case after[] = {
		{AS_MANAGER, "PUT", API, "{\"themes\": []}", 422, "fields.themes", NULL},
		{AS_MANAGER, "PUT", API, "{\"themes\": [], \"extra\": 1}", 422, "error", "validation_failed"},
		{AS_MANAGER, "PUT", API, "[1]", 400, NULL, NULL},
		{AS_MANAGER, "GET", API, NULL, 200, "themes.0.key", "parkeren"},
		/* another organisation keeps the shipped one */
		{AS_OTHER, "GET", API, NULL, 200, "is_default", "true"},
		{AS_MANAGER, "POST", API "/reset", NULL, 200, "is_default", "true"},
		{AS_MANAGER, "GET", API, NULL, 200, "themes.0.key", "bereikbaarheid"},
	};
	run_cases(h, after, N(after));
	const struct http_case form_put[] = {
		{AS_MANAGER, "PUT", API, "application/x-www-form-urlencoded", "themes=x", NULL, 422,
		 "fields.themes", NULL, NULL},
	};
	run_http_cases(h, form_put, N(form_put));
	assert_int_equal(audits(h, "feedback.themes"), 2);
	assert_int_equal(audits(h, "feedback.themes_reset"), 1);
}

static void test_page(void **state)
{
	struct harness *h = *state;
	const struct http_case pages[] = {
		{AS_SESSION, "GET", "/settings/themes", NULL, NULL, NULL, 200, NULL, NULL,
		 "name=\"key_0\" value=\"bereikbaarheid\""},
		{AS_SESSION, "GET", "/settings/themes", NULL, NULL, NULL, 200, NULL, NULL,
		 "meegeleverde woordenboek"},
		{AS_SESSION, "GET", "/settings", NULL, NULL, NULL, 200, NULL, NULL,
		 "href=\"/settings/themes\""},
	};
	run_http_cases(h, pages, N(pages));
	struct result r;
	/* one theme edited, one removed, one added; themes not sent are gone */
	h_form(h, AS_SESSION, NULL, "/settings/themes",
	       "key_0=prijs&nl_0=Kosten&en_0=Cost&kw_nl_0=duur%0D%0A++factu*+%0D%0A%0D%0A"
	       "&kw_en_0=expensive"
	       "&key_1=snelheid&nl_1=Snelheid&en_1=Speed&kw_nl_1=snel&kw_en_1=&remove_1=on"
	       "&new_key=parkeren&new_nl=Parkeren&new_en=Parking&new_kw_nl=parkeer*&new_kw_en=",
	       &r);
	check_status(&r, 303);
	check_header(&r, "Location", "/settings/themes");
	result_free(&r);
	h_call(h, AS_MANAGER, "GET", API, NULL, NULL, NULL, &r);
	char *got = json_dumps(json_object_get(r.json, "themes"), JSON_SORT_KEYS);
	assert_string_equal(got,
			    "[{\"key\": \"prijs\", \"keywords\": {\"en\": [\"expensive\"],"
			    " \"nl\": [\"duur\", \"factu*\"]}, \"label\": {\"en\": \"Cost\","
			    " \"nl\": \"Kosten\"}}, {\"key\": \"parkeren\", \"keywords\":"
			    " {\"en\": [], \"nl\": [\"parkeer*\"]}, \"label\": {\"en\": \"Parking\","
			    " \"nl\": \"Parkeren\"}}]");
	free(got);
	result_free(&r);
	/* the page shows it back, keywords one per line */
	h_call(h, AS_SESSION, "GET", "/settings/themes", NULL, NULL, NULL, &r);
	check_body(&r, ">duur\nfactu*</textarea>");
	check_body(&r, "eigen woordenboek");
	result_free(&r);

	/* a bad new theme: 422, the form again with what was typed and the
	 * message next to that theme; nothing stored */
	h_form(h, AS_SESSION, NULL, "/settings/themes",
	       "key_0=prijs&nl_0=Prijs&en_0=Price&kw_nl_0=duur&kw_en_0="
	       "&key_1=parkeren&nl_1=Parkeren&en_1=Parking&kw_nl_1=parkeer*&kw_en_1="
	       "&new_key=Slecht+Sleutel&new_nl=Slecht&new_en=Bad&new_kw_nl=x&new_kw_en=",
	       &r);
	check_status(&r, 422);
	check_body(&r, "id=\"theme-new-error\"");
	check_body(&r, "themes[2].key");
	check_body(&r, "value=\"Slecht Sleutel\"");
	check_body(&r, "id=\"themes-error\">Het woordenboek met thema");
	result_free(&r);
	/* removing every theme is refused too */
	h_form(h, AS_SESSION, NULL, "/settings/themes",
	       "key_0=prijs&nl_0=Prijs&en_0=Price&kw_nl_0=duur&remove_0=on", &r);
	check_status(&r, 422);
	check_body(&r, "remove_0\" checked");
	result_free(&r);
	h_call(h, AS_MANAGER, "GET", API, NULL, NULL, NULL, &r);
	check_json(&r, "themes.0.label.nl", "Kosten");
	result_free(&r);

	/* back to the defaults from the page */
	h_form(h, AS_SESSION, NULL, "/settings/themes/reset", "", &r);
	check_status(&r, 303);
	result_free(&r);
	h_call(h, AS_MANAGER, "GET", API, NULL, NULL, NULL, &r);
	check_json(&r, "is_default", "true");
	result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api),
		cmocka_unit_test(test_page),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* API tests for sending surveys: who may send (roles, another
 * organisation's 404), which surveys (409 for a draft, a link or a
 * transactional survey), bad selections (422 on the field), the counts
 * and skip reasons in the list, the feedback rules, the public
 * unsubscribe page and its one-click POST, the send form on the survey
 * page, and a transactional survey queued with its delay when an
 * interaction is logged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#include "domain/survey_token.h"
#include "util/clock.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int64_t nps, draft, link_s, tx, olga, nico, other_s;
static char nps_path[96], nps_api[96];

static int64_t post_id(struct harness *h, enum as who, const char *path, const char *body)
{
	struct result r;
	h_call(h, who, "POST", path, NULL, body, NULL, &r);
	check_status(&r, 201);
	int64_t id = json_int_at(&r, "id");
	result_free(&r);
	return id;
}

static void activate(struct harness *h, enum as who, int64_t id)
{
	char p[64];
	snprintf(p, sizeof(p), "/api/v1/surveys/%lld", (long long)id);
	struct result r;
	h_call(h, who, "PATCH", p, NULL, "{\"status\":\"active\"}", NULL, &r);
	check_status(&r, 200);
	result_free(&r);
}

static void test_send(void **state)
{
	struct harness *h = *state;
	olga = post_id(h, AS_EMPLOYEE, "/api/v1/relations",
		       "{\"kind\":\"person\",\"name\":\"Olga\",\"type\":\"customer\",\"lang\":\"en\","
		       "\"emails\":[{\"value\":\"olga@example.com\"}],\"tags\":[\"vip\"]}");
	nico = post_id(h, AS_EMPLOYEE, "/api/v1/relations",
		       "{\"kind\":\"person\",\"name\":\"Nico\",\"type\":\"customer\"}");
	post_id(h, AS_EMPLOYEE, "/api/v1/relations",
		"{\"kind\":\"person\",\"name\":\"Piet\",\"type\":\"prospect\","
		"\"emails\":[{\"value\":\"piet@example.com\"}]}");
	nps = post_id(h, AS_MANAGER, "/api/v1/surveys",
		      "{\"template\":\"nps_relationship\",\"settings\":{\"relation_types\":[\"customer\"]}}");
	activate(h, AS_MANAGER, nps);
	draft = post_id(h, AS_MANAGER, "/api/v1/surveys", "{\"template\":\"perception\"}");
	link_s = post_id(h, AS_MANAGER, "/api/v1/surveys", "{\"name\":\"Open\",\"kind\":\"link\"}");
	tx = post_id(h, AS_MANAGER, "/api/v1/surveys",
		     "{\"template\":\"csat_contact\",\"settings\":{\"delay_hours\":4,"
		     "\"channels\":[\"phone\"]}}");
	activate(h, AS_MANAGER, tx);
	other_s = post_id(h, AS_OTHER, "/api/v1/surveys", "{\"template\":\"nps_relationship\"}");
	activate(h, AS_OTHER, other_s);
	snprintf(nps_api, sizeof(nps_api), "/api/v1/surveys/%lld/invitations", (long long)nps);
	snprintf(nps_path, sizeof(nps_path), "/surveys/%lld", (long long)nps);
	char draft_api[96], link_api[96], tx_api[96], other_api[96], ids_other[96];
	snprintf(draft_api, sizeof(draft_api), "/api/v1/surveys/%lld/invitations", (long long)draft);
	snprintf(link_api, sizeof(link_api), "/api/v1/surveys/%lld/invitations", (long long)link_s);
	snprintf(tx_api, sizeof(tx_api), "/api/v1/surveys/%lld/invitations", (long long)tx);
	snprintf(other_api, sizeof(other_api), "/api/v1/surveys/%lld/invitations",
		 (long long)other_s);
	snprintf(ids_other, sizeof(ids_other), "{\"relation_ids\":[%lld]}", (long long)olga);
	const struct api_case cases[] = {
		{AS_ANON, "POST", nps_api, "{}", 401, "error", "unauthenticated"},
		{AS_EMPLOYEE, "POST", nps_api, "{}", 403, "error", "forbidden"},
		{AS_EMPLOYEE, "GET", nps_api, NULL, 403, "error", "forbidden"},
		{AS_OTHER, "POST", nps_api, "{}", 404, "error", "not_found"},
		{AS_OTHER, "GET", nps_api, NULL, 404, "error", "not_found"},
		{AS_MANAGER, "POST", "/api/v1/surveys/999999/invitations", "{}", 404, "error",
		 "not_found"},
		{AS_MANAGER, "POST", draft_api, "{}", 409, "message",
		 "Activeer de vragenlijst voordat u hem verstuurt."},
		{AS_MANAGER, "POST", link_api, "{}", 409, "message",
		 "Een vragenlijst met een altijd-open link heeft geen uitnodigingen: deel de link."},
		{AS_MANAGER, "POST", tx_api, "{}", 409, "error", "conflict"},
		{AS_MANAGER, "POST", nps_api, "{\"tags\":[\"nope\"]}", 422, "fields.tags",
		 "Er is geen label met deze naam."},
		{AS_MANAGER, "POST", nps_api, "{\"tags\":\"vip\"}", 422, "fields.tags", NULL},
		{AS_MANAGER, "POST", nps_api, "{\"relation_types\":[\"alien\"]}", 422,
		 "fields.relation_types", NULL},
		{AS_MANAGER, "POST", nps_api, "{\"relation_ids\":[\"x\"]}", 422, "fields.relation_ids",
		 NULL},
		{AS_MANAGER, "POST", nps_api, "{\"owner_id\":\"x\"}", 422, "fields.owner_id", NULL},
		{AS_OTHER, "POST", other_api, ids_other, 422, "fields.relation_ids", NULL},
		{AS_MANAGER, "POST", nps_api, "[1]", 400, NULL, NULL},
		/* the survey's settings: customers only, so Piet the prospect is not asked */
		{AS_MANAGER, "POST", nps_api, "{}", 201, "invited", "1"},
		{AS_MANAGER, "GET", nps_api, NULL, 200, "total", "2"},
		{AS_MANAGER, "GET", nps_api, NULL, 200, "items.0.relation_name", "Nico"},
		{AS_MANAGER, "GET", nps_api, NULL, 200, "items.0.status", "skipped"},
		{AS_MANAGER, "GET", nps_api, NULL, 200, "items.0.skip_reason", "no_email"},
		{AS_MANAGER, "GET", nps_api, NULL, 200, "items.1.status", "pending"},
		{AS_MANAGER, "GET", nps_api, NULL, 200, "items.1.email", "olga@example.com"},
		{AS_MANAGER, "GET", nps_api, NULL, 200, "items.1.mail_status", "null"},
		/* again at once: Olga was invited just now (contact pressure) */
		{AS_ADMIN, "POST", nps_api, "{\"tags\":[\"vip\"]}", 201, "skipped.recent_contact", "1"},
		{AS_ADMIN, "POST", nps_api, "{\"tags\":[\"vip\"]}", 201, "invited", "0"},
	};
	run_cases(h, cases, N(cases));
}

static void test_feedback_settings(void **state)
{
	struct harness *h = *state;
	const struct api_case cases[] = {
		{AS_EMPLOYEE, "GET", "/api/v1/settings/feedback", NULL, 403, "error", "forbidden"},
		{AS_MANAGER, "GET", "/api/v1/settings/feedback", NULL, 200, "contact_days", "30"},
		{AS_MANAGER, "GET", "/api/v1/settings/feedback", NULL, 200, "reminder_days", "3"},
		{AS_MANAGER, "PATCH", "/api/v1/settings/feedback", "{\"contact_days\":0}", 422,
		 "fields.contact_days", NULL},
		{AS_MANAGER, "PATCH", "/api/v1/settings/feedback", "{\"reminder_days\":61}", 422,
		 "fields.reminder_days", NULL},
		{AS_MANAGER, "PATCH", "/api/v1/settings/feedback", "{\"reminder_days\":\"x\"}", 422,
		 "fields.reminder_days", NULL},
		{AS_MANAGER, "PATCH", "/api/v1/settings/feedback", "{\"contact_days\":14}", 200,
		 "contact_days", "14"},
		{AS_MANAGER, "GET", "/api/v1/settings/feedback", NULL, 200, "contact_days", "14"},
		{AS_MANAGER, "GET", "/api/v1/settings/feedback", NULL, 200, "expiry_days", "30"},
		{AS_OTHER, "GET", "/api/v1/settings/feedback", NULL, 200, "contact_days", "30"},
		{AS_MANAGER, "PATCH", "/api/v1/settings/feedback", "{\"contact_days\":30}", 200,
		 "contact_days", "30"},
	};
	run_cases(h, cases, N(cases));
	const struct http_case pages[] = {
		{AS_SESSION, "GET", "/settings/feedback", NULL, NULL, NULL, 200, NULL, NULL,
		 "Contactdruk (dagen)"},
	};
	run_http_cases(h, pages, N(pages));
	struct result r;
	h_form(h, AS_SESSION, NULL, "/settings/feedback", "contact_days=400&reminder_days=3", &r);
	check_status(&r, 422);
	check_body(&r, "aria-invalid=\"true\"");
	result_free(&r);
	h_form(h, AS_SESSION, NULL, "/settings/feedback", "contact_days=20", &r);
	check_status(&r, 303);
	result_free(&r);
	h_call(h, AS_MANAGER, "GET", "/api/v1/settings/feedback", NULL, NULL, NULL, &r);
	check_json(&r, "contact_days", "20");
	result_free(&r);
}

static void test_unsubscribe(void **state)
{
	struct harness *h = *state;
	int64_t inv = 0;
	assert_int_equal(db_int_query(h->db, &inv,
				      "SELECT id FROM survey_invitations WHERE relation_id = ?"
				      " AND status = 'pending'",
				      DB_ARGS(DB_I(olga))),
			 0);
	char tok[SURVEY_TOKEN_MAX], path[128], bad[128];
	survey_token_make(app_secret(h->app), inv, tok);
	snprintf(path, sizeof(path), "/s/%s/unsubscribe", tok);
	snprintf(bad, sizeof(bad), "/s/%lld.AAAAAAAAAAAAAAAAAAAAAA/unsubscribe", (long long)inv);
	/* Olga reads English; nobody needs to be signed in */
	const struct http_case cases[] = {
		{AS_ANON, "GET", path, NULL, NULL, NULL, 200, NULL, NULL, "Unsubscribe from surveys"},
		{AS_ANON, "GET", path, NULL, NULL, NULL, 200, NULL, NULL, "<html lang=\"en\""},
		/* a bad token says so in the reader's language (nobody's is known) */
		{AS_ANON, "GET", bad, NULL, NULL, NULL, 404, NULL, NULL, "Deze link werkt niet"},
		{AS_ANON, "GET", "/s/nonsense/unsubscribe", NULL, NULL, NULL, 404, NULL, NULL,
		 "De link is onvolledig of niet geldig."},
		{AS_ANON, "POST", bad, "application/x-www-form-urlencoded",
		 "List-Unsubscribe=One-Click", NULL, 404, NULL, NULL, NULL},
	};
	run_http_cases(h, cases, N(cases));
	int64_t n = -1;
	assert_int_equal(db_int_query(h->db, &n, "SELECT COUNT(*) FROM survey_optouts", DB_NOARGS), 0);
	assert_int_equal(n, 0);
	/* the one-click POST a mail client sends: no cookie, no CSRF token */
	const struct http_case post[] = {
		{AS_ANON, "POST", path, "application/x-www-form-urlencoded",
		 "List-Unsubscribe=One-Click", NULL, 200, NULL, NULL, "You are unsubscribed"},
		{AS_ANON, "POST", path, "application/x-www-form-urlencoded",
		 "List-Unsubscribe=One-Click", NULL, 200, NULL, NULL, "You are unsubscribed"},
	};
	run_http_cases(h, post, N(post));
	assert_int_equal(db_int_query(h->db, &n,
				      "SELECT COUNT(*) FROM survey_optouts WHERE relation_id = ?",
				      DB_ARGS(DB_I(olga))),
			 0);
	assert_int_equal(n, 1);
	/* a later wave skips her as unsubscribed */
	assert_int_equal(db_exec(h->db, "DELETE FROM survey_invitations", DB_NOARGS), 0);
	const struct api_case again[] = {
		{AS_MANAGER, "POST", nps_api, "{}", 201, "skipped.unsubscribed", "1"},
	};
	run_cases(h, again, N(again));
}

static void test_pages(void **state)
{
	struct harness *h = *state;
	char inv_page[160], draft_page[96];
	snprintf(inv_page, sizeof(inv_page), "%s/invitations", nps_path);
	snprintf(draft_page, sizeof(draft_page), "/surveys/%lld", (long long)draft);
	const struct http_case cases[] = {
		{AS_SESSION, "GET", nps_path, NULL, NULL, NULL, 200, NULL, NULL,
		 "Uitnodigingen versturen"},
		{AS_SESSION, "GET", draft_page, NULL, NULL, NULL, 200, NULL, NULL,
		 "Activeer de vragenlijst om hem te versturen."},
		{AS_SESSION, "GET", inv_page, NULL, NULL, NULL, 200, NULL, NULL,
		 "afgemeld voor vragenlijsten"},
	};
	run_http_cases(h, cases, N(cases));
	struct result r;
	h_form(h, AS_SESSION, NULL, inv_page, "relation_types=prospect&tags=&owner_id=", &r);
	check_status(&r, 303);
	assert_non_null(r.location);
	assert_non_null(strstr(r.location, "/invitations"));
	result_free(&r);
	h_form(h, AS_SESSION, NULL, inv_page, "tags=nope%2C+vip&owner_id=", &r);
	check_status(&r, 422);
	check_body(&r, "Er is geen label met deze naam.");
	result_free(&r);
}

static void test_transactional(void **state)
{
	struct harness *h = *state;
	char body[256];
	int64_t t0 = clock_now_ms();
	snprintf(body, sizeof(body),
		 "{\"person_id\":%lld,\"channel\":\"phone\",\"subject\":\"Afspraak\"}",
		 (long long)nico);
	post_id(h, AS_EMPLOYEE, "/api/v1/interactions", body);
	snprintf(body, sizeof(body),
		 "{\"person_id\":%lld,\"channel\":\"email\",\"subject\":\"Vraag\"}", (long long)nico);
	post_id(h, AS_EMPLOYEE, "/api/v1/interactions", body);
	int64_t n = 0, at = 0;
	assert_int_equal(db_int_query(h->db, &n,
				      "SELECT COUNT(*) FROM jobs WHERE kind = 'survey.transactional'",
				      DB_NOARGS),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(db_int_query(h->db, &at,
				      "SELECT run_at FROM jobs WHERE kind = 'survey.transactional'",
				      DB_NOARGS),
			 0);
	assert_true(at >= t0 + 4 * 3600 * 1000LL && at <= clock_now_ms() + 4 * 3600 * 1000LL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_send),       cmocka_unit_test(test_feedback_settings),
		cmocka_unit_test(test_unsubscribe), cmocka_unit_test(test_pages),
		cmocka_unit_test(test_transactional),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

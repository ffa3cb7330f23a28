/* SPDX-License-Identifier: Apache-2.0 */
/* API tests for webhooks: the Standard Webhooks signature (its published
 * example), who may manage them, their checks, another organisation's 404,
 * the events an answer emits (received, and detractor with its case), and
 * a delivery to a receiver that is not there: retried, then failed, with
 * its error in the log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#include "domain/survey_token.h"
#include "domain/webhook.h"
#include "util/clock.h"

static int64_t hook_id, other_hook;

static void test_signature_example(void **state)
{
	(void)state;
	/* the example of the Standard Webhooks specification */
	char sig[WEBHOOK_SIG_MAX];
	const char *body = "{\"test\": 2432232314}";
	assert_int_equal(webhook_sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
				      "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, strlen(body),
				      sig),
			 0);
	assert_string_equal(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	assert_int_equal(webhook_sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "m", 1, body, 1, sig), -1);
	assert_int_equal(webhook_sign("whsec_!!!", "m", 1, body, 1, sig), -1);
	char secret[WEBHOOK_SECRET_MAX];
	webhook_secret_new(secret);
	assert_int_equal(strncmp(secret, "whsec_", 6), 0);
	assert_int_equal(webhook_sign(secret, "m", 1, body, 1, sig), 0);
}

static void test_manage(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_ADMIN, "POST", "/api/v1/webhooks", NULL,
	       "{\"url\":\"http://127.0.0.1:9/hook\",\"events\":[\"answer.received\","
	       "\"answer.detractor\"]}",
	       NULL, &r);
	check_status(&r, 201);
	hook_id = json_int_at(&r, "id");
	assert_int_equal(strncmp(json_string_value(jpath(r.json, "secret")), "whsec_", 6), 0);
	check_json(&r, "active", "true");
	result_free(&r);
	h_call(h, AS_OTHER, "POST", "/api/v1/webhooks", NULL,
	       "{\"url\":\"https://bolt.example/hook\",\"events\":[\"answer.received\"]}", NULL, &r);
	check_status(&r, 201);
	other_hook = json_int_at(&r, "id");
	result_free(&r);
	char mine[64], theirs[64];
	snprintf(mine, sizeof(mine), "/api/v1/webhooks/%lld", (long long)hook_id);
	snprintf(theirs, sizeof(theirs), "/api/v1/webhooks/%lld", (long long)other_hook);
	const struct api_case cases[] = {
		{AS_MANAGER, "GET", "/api/v1/webhooks", NULL, 403, "error", "forbidden"},
		{AS_ANON, "GET", "/api/v1/webhooks", NULL, 401, "error", "unauthenticated"},
		{AS_ADMIN, "GET", "/api/v1/webhooks", NULL, 200, "items.0.url", "http://127.0.0.1:9/hook"},
		{AS_ADMIN, "POST", "/api/v1/webhooks", "{\"url\":\"ftp://x.example/a\","
		 "\"events\":[\"answer.received\"]}", 422, "fields.url", NULL},
		{AS_ADMIN, "POST", "/api/v1/webhooks", "{\"url\":\"https://a b.example/\","
		 "\"events\":[\"answer.received\"]}", 422, "fields.url", NULL},
		{AS_ADMIN, "POST", "/api/v1/webhooks", "{\"url\":\"https://x.example/a\","
		 "\"events\":[\"answer.deleted\"]}", 422, "fields.events", NULL},
		{AS_ADMIN, "POST", "/api/v1/webhooks", "{\"url\":\"https://x.example/a\","
		 "\"events\":[]}", 422, "fields.events", NULL},
		{AS_ADMIN, "POST", "/api/v1/webhooks", "{\"url\":\"https://x.example/a\"}", 422,
		 "fields.events", NULL},
		{AS_ADMIN, "POST", "/api/v1/webhooks", "{\"url\":5,\"events\":[\"answer.received\"]}",
		 422, "fields.url", NULL},
		{AS_ADMIN, "GET", theirs, NULL, 404, "error", "not_found"},
		{AS_ADMIN, "PATCH", theirs, "{\"active\":false}", 404, "error", "not_found"},
		{AS_ADMIN, "DELETE", theirs, NULL, 404, "error", "not_found"},
		{AS_ADMIN, "PATCH", mine, "{\"active\":false}", 200, "active", "false"},
		{AS_ADMIN, "PATCH", mine, "{\"active\":true}", 200, "active", "true"},
		{AS_ADMIN, "PATCH", mine, "{\"events\":\"answer.received\"}", 422, "fields.events",
		 NULL},
		{AS_ADMIN, "GET", mine, NULL, 200, "deliveries", NULL},
		{AS_OTHER, "GET", theirs, NULL, 200, "url", "https://bolt.example/hook"},
	};
	run_cases(h, cases, sizeof(cases) / sizeof(cases[0]));
}

static int64_t count(struct harness *h, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_int_query(h->db, &n, sql, DB_ARGS(DB_I(h->org))), 0);
	return n;
}

static void test_answer_emits(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_MANAGER, "POST", "/api/v1/surveys", NULL,
	       "{\"template\":\"nps_relationship\",\"name\":\"NPS\"}", NULL, &r);
	check_status(&r, 201);
	int64_t survey = json_int_at(&r, "id");
	result_free(&r);
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/surveys/%lld", (long long)survey);
	h_call(h, AS_MANAGER, "PATCH", path, NULL, "{\"status\":\"active\"}", NULL, &r);
	check_status(&r, 200);
	result_free(&r);
	int64_t inv = 0, now = clock_now_ms();
	assert_int_equal(db_int_query(h->db, &inv,
				      "INSERT INTO survey_invitations (org_id, survey_id, status,"
				      " sent_at, expires_at, created_at, updated_at)"
				      " VALUES (?, ?, 'sent', ?, ?, ?, ?) RETURNING id",
				      DB_ARGS(DB_I(h->org), DB_I(survey), DB_I(now),
					      DB_I(now + 86400000), DB_I(now), DB_I(now))),
			 0);
	char tok[SURVEY_TOKEN_MAX];
	survey_token_make(app_secret(h->app), inv, tok);
	snprintf(path, sizeof(path), "/api/v1/s/%s", tok);
	h_call(h, AS_ANON, "POST", path, NULL, "{\"answers\":{\"nps\":2}}", NULL, &r);
	check_status(&r, 200);
	result_free(&r);
	assert_int_equal(count(h, "SELECT COUNT(*) FROM webhook_deliveries WHERE org_id = ?"
				  " AND event = 'answer.received'"),
			 1);
	assert_int_equal(count(h, "SELECT COUNT(*) FROM webhook_deliveries WHERE org_id = ?"
				  " AND event = 'answer.detractor' AND payload LIKE '%\"case_id\":%'"),
			 1);
	assert_int_equal(count(h, "SELECT COUNT(*) FROM jobs WHERE org_id = ?"
				  " AND kind = 'webhook.deliver'"),
			 2);
	/* the other organisation's webhook heard nothing */
	assert_int_equal(count(h, "SELECT COUNT(*) FROM webhook_deliveries WHERE org_id <> ?"), 0);
}

static void test_delivery_failures(void **state)
{
	struct harness *h = *state;
	int64_t id = 0;
	assert_int_equal(db_int_query(h->db, &id,
				      "SELECT MIN(id) FROM webhook_deliveries WHERE org_id = ?",
				      DB_ARGS(DB_I(h->org))),
			 0);
	char error[256];
	/* nobody listens on port 9: retried (pending), then failed for good */
	assert_int_equal(webhook_deliver(h->db, id, false, error, sizeof(error)), BRUG_EIO);
	assert_true(strlen(error) > 0);
	assert_int_equal(webhook_deliver(h->db, id, true, error, sizeof(error)), BRUG_EIO);
	struct result r;
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/webhooks/%lld", (long long)hook_id);
	h_call(h, AS_ADMIN, "GET", path, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	json_t *d = NULL;
	size_t i;
	json_t *e;
	json_array_foreach(jpath(r.json, "deliveries"), i, e) if (json_integer_value(json_object_get(e, "id")) == id) d = e;
	if (!d)
		fail_msg("delivery %lld not in %s", (long long)id, r.body);
	assert_string_equal(json_string_value(json_object_get(d, "status")), "failed");
	assert_int_equal(json_integer_value(json_object_get(d, "attempts")), 2);
	assert_true(strlen(json_string_value(json_object_get(d, "last_error"))) > 0);
	result_free(&r);
	/* a job run again after that changes nothing */
	assert_int_equal(webhook_deliver(h->db, id, true, error, sizeof(error)), 0);
	/* switched off: the next delivery fails without a request */
	h_call(h, AS_ADMIN, "PATCH", path, NULL, "{\"active\":false}", NULL, &r);
	check_status(&r, 200);
	result_free(&r);
	int64_t next = 0;
	assert_int_equal(db_int_query(h->db, &next,
				      "SELECT MAX(id) FROM webhook_deliveries WHERE org_id = ?",
				      DB_ARGS(DB_I(h->org))),
			 0);
	assert_int_equal(webhook_deliver(h->db, next, false, error, sizeof(error)), 0);
	assert_non_null(strstr(error, "switched off"));
	/* removing the webhook removes its log */
	h_call(h, AS_ADMIN, "DELETE", path, NULL, NULL, NULL, &r);
	check_status(&r, 204);
	result_free(&r);
	assert_int_equal(count(h, "SELECT COUNT(*) FROM webhook_deliveries WHERE org_id = ?"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signature_example),
		cmocka_unit_test(test_manage),
		cmocka_unit_test(test_answer_emits),
		cmocka_unit_test(test_delivery_failures),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

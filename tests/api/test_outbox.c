/* SPDX-License-Identifier: Apache-2.0 */
/* API tests for outgoing mail: the outbox list and one mail for
 * administrators only and per organisation, the test mail, the mail.send
 * job (held without an SMTP server, a failed delivery counted and retried,
 * failed for good on the last attempt together with its invitation, a
 * sent mail never sent again) and the retry. No worker runs here: the
 * tests take jobs themselves and run the mail.send kind as a worker would.
 * Delivery to a real SMTP server is tests/e2e/mail.test.mjs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#include "db/jobs.h"
#include "domain/outbox.h"
#include "jobs/worker.h"
#include "util/clock.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
/* nothing listens on port 1: a connection there is refused at once */
#define REFUSING "smtp://127.0.0.1:1"

static int64_t queue_test(struct harness *h, enum as who)
{
	struct result r;
	h_call(h, who, "POST", "/api/v1/outbox/test", NULL, "{}", NULL, &r);
	check_status(&r, 201);
	check_json(&r, "kind", "test");
	check_json(&r, "status", "queued");
	int64_t id = json_int_at(&r, "id");
	result_free(&r);
	return id;
}

/* Runs the queue as a worker would until the mail.send job of mail id has
 * run once; other jobs are put aside as done. Returns the kind's result. */
static int run_mail(struct harness *h, int64_t id)
{
	struct job_env env;
	struct brug_err err = {0};
	assert_int_equal(job_env_init(&env, h->db, &h->cfg, &err), 0);
	char want[64];
	snprintf(want, sizeof(want), "{\"id\":%lld}", (long long)id);
	/* whatever backoff an earlier failure set: due now */
	assert_int_equal(db_exec(h->db, "UPDATE jobs SET run_at = 0 WHERE state = 'queued'",
				 DB_NOARGS),
			 0);
	for (int guard = 0; guard < 100; guard++) {
		struct job j;
		int rc = jobs_claim(h->db, "api-test:1:0", &j);
		if (rc)
			fail_msg("no mail.send job for mail %lld (claim: %d)", (long long)id, rc);
		if (strcmp(j.kind, "mail.send") || strcmp(j.payload, want)) {
			assert_int_equal(jobs_done(h->db, &j), 0);
			jobs_job_cleanup(&j);
			continue;
		}
		json_t *payload = json_loads(j.payload, 0, NULL);
		struct job_ctx ctx = {.db = h->db, .job = &j, .payload = payload, .cfg = &h->cfg,
				      .env = &env};
		rc = job_kind_find("mail.send")->run(&ctx);
		assert_int_equal(rc ? jobs_fail(h->db, &j, ctx.error) : jobs_done(h->db, &j), 0);
		json_decref(payload);
		jobs_job_cleanup(&j);
		job_env_cleanup(&env);
		return rc;
	}
	fail_msg("mail %lld: the queue never ended", (long long)id);
	return -1;
}

static char *row(struct harness *h, int64_t id)
{
	char *s = NULL;
	assert_int_equal(db_text_query(h->db, &s,
				       "SELECT status || ' ' || attempts FROM mail_outbox WHERE id = ?",
				       DB_ARGS(DB_I(id))),
			 0);
	return s;
}

static void row_is(struct harness *h, int64_t id, const char *want)
{
	char *s = row(h, id);
	if (strcmp(s, want))
		fail_msg("mail %lld: \"%s\", want \"%s\"", (long long)id, s, want);
	free(s);
}

static void smtp(struct harness *h, const char *url)
{
	assert_int_equal(config_set(&h->cfg, CFG_SMTP_URL, url, CFG_SRC_FLAG, NULL), 0);
}

static void test_access(void **state)
{
	static const struct api_case cases[] = {
		{AS_ANON, "GET", "/api/v1/outbox", NULL, 401, "error", "unauthenticated"},
		{AS_EMPLOYEE, "GET", "/api/v1/outbox", NULL, 403, "error", "forbidden"},
		{AS_MANAGER, "GET", "/api/v1/outbox", NULL, 403, "error", "forbidden"},
		{AS_ADMIN, "GET", "/api/v1/outbox", NULL, 200, "total", "0"},
		{AS_EMPLOYEE, "GET", "/api/v1/outbox/1", NULL, 403, "error", "forbidden"},
		{AS_EMPLOYEE, "POST", "/api/v1/outbox/test", "{}", 403, "error", "forbidden"},
		{AS_MANAGER, "POST", "/api/v1/outbox/test", "{}", 403, "error", "forbidden"},
		{AS_ANON, "POST", "/api/v1/outbox/test", "{}", 401, "error", "unauthenticated"},
		{AS_EMPLOYEE, "POST", "/api/v1/outbox/1/retry", "{}", 403, "error", "forbidden"},
		{AS_ADMIN, "GET", "/api/v1/outbox/999999", NULL, 404, "error", "not_found"},
		{AS_ADMIN, "GET", "/api/v1/outbox/abc", NULL, 404, "error", "not_found"},
		{AS_ADMIN, "POST", "/api/v1/outbox/999999/retry", "{}", 404, "error", "not_found"},
		{AS_ADMIN, "DELETE", "/api/v1/outbox", NULL, 405, "error", "method_not_allowed"},
	};
	run_cases(*state, cases, N(cases));
	struct harness *h = *state;
	int64_t n = -1;
	assert_int_equal(db_int_query(h->db, &n, "SELECT COUNT(*) FROM mail_outbox", DB_NOARGS), 0);
	assert_int_equal(n, 0);
}

/* Without an SMTP server a mail is held, readable, and another
 * organisation cannot see it. */
static void test_held(void **state)
{
	struct harness *h = *state;
	smtp(h, "");
	int64_t id = queue_test(h, AS_ADMIN);
	struct result r;
	h_call(h, AS_ADMIN, "GET", "/api/v1/outbox", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "total", "1");
	assert_int_equal(json_int_at(&r, "items.0.id"), id);
	check_json(&r, "items.0.kind", "test");
	check_json(&r, "items.0.to_addr", "admin@one.example");
	check_json(&r, "items.0.status", "queued");
	check_json(&r, "items.0.attempts", "0");
	check_json(&r, "items.0.sent_at", "null");
	check_json(&r, "counts.queued", "1");
	assert_null(jpath(r.json, "items.0.message"));
	assert_null(jpath(r.json, "items.0.can_retry"));
	result_free(&r);

	assert_int_equal(run_mail(h, id), 0);
	row_is(h, id, "held 0");
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/outbox/%lld", (long long)id);
	h_call(h, AS_ADMIN, "GET", path, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "status", "held");
	const char *subject = json_string_value(jpath(r.json, "subject"));
	assert_non_null(subject);
	assert_true(strstr(subject, "brug: test") == subject);
	/* the headers read back, the subject decoded from its encoded form */
	json_t *hs = jpath(r.json, "headers");
	bool seen_subject = false, seen_to = false;
	for (size_t i = 0; i < json_array_size(hs); i++) {
		const char *n = json_string_value(jpath(json_array_get(hs, i), "name"));
		const char *v = json_string_value(jpath(json_array_get(hs, i), "value"));
		if (!strcmp(n, "Subject"))
			seen_subject = !strcmp(v, subject);
		if (!strcmp(n, "To"))
			seen_to = strstr(v, "<admin@one.example>") != NULL;
	}
	if (!seen_subject || !seen_to)
		fail_msg("headers: %s", r.body);
	const char *text = json_string_value(jpath(r.json, "text"));
	assert_true(strstr(text, "brug") && !strstr(text, "=\n") && !strstr(text, "\r"));
	check_body(&r, "multipart/alternative");
	result_free(&r);
	/* another organisation: not found, and not in its list */
	h_call(h, AS_OTHER, "GET", path, NULL, NULL, NULL, &r);
	check_status(&r, 404);
	result_free(&r);
	snprintf(path, sizeof(path), "/api/v1/outbox/%lld/retry", (long long)id);
	h_call(h, AS_OTHER, "POST", path, NULL, "{}", NULL, &r);
	check_status(&r, 404);
	result_free(&r);
	h_call(h, AS_OTHER, "GET", "/api/v1/outbox", NULL, NULL, NULL, &r);
	check_json(&r, "total", "0");
	result_free(&r);
	row_is(h, id, "held 0");
	static const struct api_case cases[] = {
		{AS_ADMIN, "GET", "/api/v1/outbox?status=held", NULL, 200, "total", "1"},
		{AS_ADMIN, "GET", "/api/v1/outbox?status=queued", NULL, 200, "total", "0"},
		{AS_ADMIN, "GET", "/api/v1/outbox?status=bogus", NULL, 200, "total", "1"},
		{AS_ADMIN, "GET", "/api/v1/outbox", NULL, 200, "counts.held", "1"},
	};
	run_cases(h, cases, N(cases));
}

/* A mail the server does not take: counted, retried, failed for good on
 * the job's last attempt, with its invitation; then sent again by hand. */
static void test_failure_and_retry(void **state)
{
	struct harness *h = *state;
	smtp(h, REFUSING);
	/* an invitation to hang the mail on */
	struct result r;
	h_call(h, AS_MANAGER, "POST", "/api/v1/surveys", NULL,
	       "{\"template\":\"nps_relationship\"}", NULL, &r);
	check_status(&r, 201);
	int64_t survey = json_int_at(&r, "id");
	result_free(&r);
	int64_t now = clock_now_ms(), inv = 0, id = 0;
	assert_int_equal(db_int_query(h->db, &inv,
				      "INSERT INTO survey_invitations (org_id, survey_id, status, email,"
				      " expires_at, created_at, updated_at) VALUES (?, ?, 'sent',"
				      " 'klant@example.nl', ?, ?, ?) RETURNING id",
				      DB_ARGS(DB_I(h->org), DB_I(survey), DB_I(now + 86400000),
					      DB_I(now), DB_I(now))),
			 0);
	struct mail_env env;
	assert_int_equal(mail_env_init(&env, &h->cfg, NULL), 0);
	struct mail_msg m = {.to = {.addr = "klant@example.nl"}, .subject = "Hoe was het?",
			     .text = "Geef ons een cijfer."};
	assert_int_equal(outbox_queue(h->db, &env, h->org, "invitation", inv, &m, &id, NULL), 0);
	char payload[64];
	snprintf(payload, sizeof(payload), "{\"id\":%lld}", (long long)id);
	assert_int_equal(db_exec(h->db, "UPDATE jobs SET max_attempts = 2 WHERE kind = 'mail.send'"
					" AND payload = ?",
				 DB_ARGS(DB_T(payload))),
			 0);
	/* first attempt: refused, counted, still queued */
	assert_int_equal(run_mail(h, id), BRUG_EIO);
	row_is(h, id, "queued 1");
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/outbox/%lld", (long long)id);
	h_call(h, AS_ADMIN, "GET", path, NULL, NULL, NULL, &r);
	const char *err = json_string_value(jpath(r.json, "last_error"));
	if (!err || !strstr(err, "onnect"))
		fail_msg("last_error: %s", r.body);
	result_free(&r);
	/* a queued mail cannot be retried */
	snprintf(path, sizeof(path), "/api/v1/outbox/%lld/retry", (long long)id);
	h_call(h, AS_ADMIN, "POST", path, NULL, "{}", NULL, &r);
	check_status(&r, 409);
	check_json(&r, "error", "conflict");
	result_free(&r);
	/* the last attempt: failed, and so is the invitation */
	assert_int_equal(run_mail(h, id), BRUG_EIO);
	row_is(h, id, "failed 2");
	char *st = NULL;
	assert_int_equal(db_text_query(h->db, &st, "SELECT status FROM survey_invitations WHERE id = ?",
				       DB_ARGS(DB_I(inv))),
			 0);
	assert_string_equal(st, "failed");
	free(st);
	/* retried by hand: queued with fresh attempts and a new job, audited */
	h_call(h, AS_ADMIN, "POST", path, NULL, "{}", NULL, &r);
	check_status(&r, 200);
	check_json(&r, "status", "queued");
	result_free(&r);
	row_is(h, id, "queued 0");
	h_call(h, AS_ADMIN, "GET", "/api/v1/audit?limit=1", NULL, NULL, NULL, &r);
	check_json(&r, "items.0.action", "outbox.retry");
	result_free(&r);
	/* its new job runs: the server still refuses, a fresh count starts */
	assert_int_equal(run_mail(h, id), BRUG_EIO);
	row_is(h, id, "queued 1");
}

/* A mail already sent is never sent again, whatever runs its job. */
static void test_sent_once(void **state)
{
	struct harness *h = *state;
	smtp(h, REFUSING);
	int64_t id = queue_test(h, AS_ADMIN);
	assert_int_equal(db_exec(h->db, "UPDATE mail_outbox SET status = 'sent', sent_at = 1 WHERE id = ?",
				 DB_ARGS(DB_I(id))),
			 0);
	/* had it tried the refusing server, attempts would be 1 and it an error */
	assert_int_equal(run_mail(h, id), 0);
	row_is(h, id, "sent 0");
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/outbox/%lld/retry", (long long)id);
	struct result r;
	h_call(h, AS_ADMIN, "POST", path, NULL, "{}", NULL, &r);
	check_status(&r, 409);
	result_free(&r);
	row_is(h, id, "sent 0");
}

/* The pages: the list with its retry button, one mail, the test form. */
static void test_pages(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_SESSION, "GET", "/outbox", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "Hoe was het?");
	check_body(&r, "klant@example.nl");
	check_body(&r, "/outbox/test");
	check_body(&r, "href=\"/outbox\" aria-current=\"page\"");
	result_free(&r);
	int64_t failed = 0;
	assert_int_equal(db_int_query(h->db, &failed,
				      "SELECT id FROM mail_outbox WHERE kind = 'invitation'", DB_NOARGS),
			 0);
	assert_int_equal(db_exec(h->db, "UPDATE mail_outbox SET status = 'failed' WHERE id = ?",
				 DB_ARGS(DB_I(failed))),
			 0);
	char path[64], form_path[80];
	snprintf(path, sizeof(path), "/outbox/%lld", (long long)failed);
	snprintf(form_path, sizeof(form_path), "action=\"/outbox/%lld/retry\"", (long long)failed);
	h_call(h, AS_SESSION, "GET", "/outbox?status=failed", NULL, NULL, NULL, &r);
	check_body(&r, form_path);
	result_free(&r);
	h_call(h, AS_SESSION, "GET", path, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "<pre class=\"mail-text\" tabindex=\"0\">Geef ons een cijfer.");
	check_body(&r, "<pre class=\"mail-raw\" tabindex=\"0\">");
	check_body(&r, "Hoe was het?");
	check_body(&r, form_path);
	result_free(&r);
	char back[64];
	snprintf(back, sizeof(back), "/outbox/%lld", (long long)failed);
	snprintf(path, sizeof(path), "/outbox/%lld/retry", (long long)failed);
	h_form(h, AS_SESSION, NULL, path, "", &r);
	check_status(&r, 303);
	assert_string_equal(r.location, back);
	result_free(&r);
	row_is(h, failed, "queued 0");
	/* the test mail from the page: back to the list */
	int64_t before = 0, after = 0;
	assert_int_equal(db_int_query(h->db, &before, "SELECT COUNT(*) FROM mail_outbox WHERE"
				      " kind = 'test'", DB_NOARGS), 0);
	h_form(h, AS_SESSION, NULL, "/outbox/test", "", &r);
	check_status(&r, 303);
	assert_string_equal(r.location, "/outbox");
	result_free(&r);
	assert_int_equal(db_int_query(h->db, &after, "SELECT COUNT(*) FROM mail_outbox WHERE"
				      " kind = 'test'", DB_NOARGS), 0);
	assert_int_equal(after, before + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_access),
		cmocka_unit_test(test_held),
		cmocka_unit_test(test_failure_and_retry),
		cmocka_unit_test(test_sent_once),
		cmocka_unit_test(test_pages),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

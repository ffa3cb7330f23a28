/* SPDX-License-Identifier: Apache-2.0 */
/* API tests for background jobs: the list with counts and schedules for
 * administrators only and per organisation, probes and their validation,
 * retry of a failed job (and refusals), the /jobs page with its retry
 * buttons and times, and the CSRF rule for its forms. No worker runs here:
 * the tests take jobs themselves with jobs_claim on the harness's
 * connection, as a worker would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#include "db/jobs.h"
#include "util/clock.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define FORM "application/x-www-form-urlencoded"

/* POST /api/v1/jobs/probe as who with body; the new job's id. */
static int64_t probe(struct harness *h, enum as who, const char *body)
{
	struct result r;
	h_call(h, who, "POST", "/api/v1/jobs/probe", NULL, body, NULL, &r);
	check_status(&r, 201);
	check_json(&r, "kind", "probe");
	check_json(&r, "state", "queued");
	int64_t id = json_int_at(&r, "id");
	result_free(&r);
	return id;
}

/* Runs the queue as a worker would until job id has been taken: other jobs
 * succeed, id fails (for good when it has no attempts left). */
static void run_and_fail(struct harness *h, int64_t id, const char *error)
{
	for (int guard = 0; guard < 1000; guard++) {
		struct job j;
		int rc = jobs_claim(h->db, "api-test:1:0", &j);
		if (rc)
			fail_msg("job %lld is not due (claim: %d)", (long long)id, rc);
		bool mine = j.id == id;
		assert_int_equal(mine ? jobs_fail(h->db, &j, error) : jobs_done(h->db, &j), 0);
		jobs_job_cleanup(&j);
		if (mine)
			return;
	}
	fail_msg("job %lld never came", (long long)id);
}

static char *state_of(struct harness *h, int64_t id)
{
	char *s = NULL;
	assert_int_equal(db_text_query(h->db, &s,
				       "SELECT state || ' ' || attempts FROM jobs WHERE id = ?",
				       DB_ARGS(DB_I(id))),
			 0);
	return s;
}

static void state_is(struct harness *h, int64_t id, const char *want)
{
	char *s = state_of(h, id);
	if (strcmp(s, want))
		fail_msg("job %lld: \"%s\", want \"%s\"", (long long)id, s, want);
	free(s);
}

/* A failing probe of org 1 taken through both its attempts: failed. */
static int64_t failed_job(struct harness *h, const char *error)
{
	int64_t id = probe(h, AS_ADMIN, "{\"fail\":true}");
	run_and_fail(h, id, error);
	state_is(h, id, "queued 1");
	/* due again now rather than after its ten seconds of backoff */
	assert_int_equal(db_exec(h->db, "UPDATE jobs SET run_at = ? WHERE id = ?",
				 DB_ARGS(DB_I(clock_now_ms()), DB_I(id))),
			 0);
	run_and_fail(h, id, error);
	state_is(h, id, "failed 2");
	return id;
}

static void test_access(void **state)
{
	static const struct api_case cases[] = {
		{AS_ANON, "GET", "/api/v1/jobs", NULL, 401, "error", "unauthenticated"},
		{AS_EMPLOYEE, "GET", "/api/v1/jobs", NULL, 403, "error", "forbidden"},
		{AS_MANAGER, "GET", "/api/v1/jobs", NULL, 403, "error", "forbidden"},
		{AS_ADMIN, "GET", "/api/v1/jobs", NULL, 200, "total", "0"},
		{AS_OTHER, "GET", "/api/v1/jobs", NULL, 200, "total", "0"},
		{AS_ANON, "POST", "/api/v1/jobs/probe", "{}", 401, "error", "unauthenticated"},
		{AS_EMPLOYEE, "POST", "/api/v1/jobs/probe", "{}", 403, "error", "forbidden"},
		{AS_MANAGER, "POST", "/api/v1/jobs/probe", "{}", 403, "error", "forbidden"},
		{AS_ANON, "POST", "/api/v1/jobs/1/retry", "{}", 401, "error", "unauthenticated"},
		{AS_EMPLOYEE, "POST", "/api/v1/jobs/1/retry", "{}", 403, "error", "forbidden"},
		{AS_MANAGER, "POST", "/api/v1/jobs/1/retry", "{}", 403, "error", "forbidden"},
		{AS_ADMIN, "DELETE", "/api/v1/jobs", NULL, 405, "error", "method_not_allowed"},
		{AS_ADMIN, "GET", "/api/v1/jobs/probe", NULL, 405, "error", "method_not_allowed"},
	};
	run_cases(*state, cases, N(cases));
	/* none of the refused probes was queued */
	struct harness *h = *state;
	int64_t n = -1;
	assert_int_equal(db_int_query(h->db, &n, "SELECT COUNT(*) FROM jobs", DB_NOARGS), 0);
	assert_int_equal(n, 0);
}

static void test_list(void **state)
{
	struct harness *h = *state;
	assert_int_equal(schedule_ensure(h->db, h->org, "digest", "probe", "{}", "0 7 * * *", NULL), 0);
	assert_int_equal(schedule_ensure(h->db, h->org2, "theirs", "probe", "{}", "0 8 * * *", NULL), 0);
	int64_t a = probe(h, AS_ADMIN, "{}");
	int64_t b = probe(h, AS_ADMIN, "{\"sleep_ms\":10}");
	int64_t other = probe(h, AS_OTHER, "{}");
	struct result r;
	h_call(h, AS_ADMIN, "GET", "/api/v1/jobs", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "total", "2");
	check_json(&r, "page", "1");
	check_json(&r, "pages", "1");
	assert_int_equal(json_int_at(&r, "items.0.id"), b);
	assert_int_equal(json_int_at(&r, "items.1.id"), a);
	assert_null(jpath(r.json, "items.2"));
	check_json(&r, "items.0.kind", "probe");
	check_json(&r, "items.0.state", "queued");
	check_json(&r, "items.0.attempts", "0");
	check_json(&r, "items.0.max_attempts", "8");
	check_json(&r, "items.0.last_error", "null");
	check_json(&r, "items.0.worker", "null");
	const char *at = json_string_value(jpath(r.json, "items.0.run_at"));
	if (!at || strlen(at) != 24 || at[10] != 'T' || at[23] != 'Z')
		fail_msg("run_at is not ISO 8601: %s", r.body);
	/* the page's labels are not the API's business */
	assert_null(jpath(r.json, "items.0.state_label"));
	assert_null(jpath(r.json, "items.0.is_failed"));
	check_json(&r, "counts.queued", "2");
	check_json(&r, "counts.running", "0");
	check_json(&r, "counts.done", "0");
	check_json(&r, "counts.failed", "0");
	check_json(&r, "schedules.0.name", "digest");
	check_json(&r, "schedules.0.cron", "0 7 * * *");
	check_json(&r, "schedules.0.kind", "probe");
	check_json(&r, "schedules.0.is_enabled", "true");
	check_json(&r, "schedules.0.last_run_at", "null");
	assert_null(jpath(r.json, "schedules.1"));
	check_no_body(&r, "theirs");
	result_free(&r);
	/* the other organisation sees its own */
	h_call(h, AS_OTHER, "GET", "/api/v1/jobs", NULL, NULL, NULL, &r);
	check_json(&r, "total", "1");
	assert_int_equal(json_int_at(&r, "items.0.id"), other);
	check_json(&r, "counts.queued", "1");
	check_json(&r, "schedules.0.name", "theirs");
	assert_null(jpath(r.json, "schedules.1"));
	result_free(&r);
	/* by state; an unknown state is no filter */
	static const struct api_case cases[] = {
		{AS_ADMIN, "GET", "/api/v1/jobs?state=queued", NULL, 200, "total", "2"},
		{AS_ADMIN, "GET", "/api/v1/jobs?state=failed", NULL, 200, "total", "0"},
		{AS_ADMIN, "GET", "/api/v1/jobs?state=done", NULL, 200, "total", "0"},
		{AS_ADMIN, "GET", "/api/v1/jobs?state=bogus", NULL, 200, "total", "2"},
		{AS_ADMIN, "GET", "/api/v1/jobs?state=%27%20OR%201=1", NULL, 200, "total", "2"},
		{AS_ADMIN, "GET", "/api/v1/jobs?per_page=1", NULL, 200, "pages", "2"},
		{AS_ADMIN, "GET", "/api/v1/jobs?per_page=1&page=2", NULL, 200, "items.0.kind", "probe"},
	};
	run_cases(h, cases, N(cases));
	h_call(h, AS_ADMIN, "GET", "/api/v1/jobs?per_page=1&page=2", NULL, NULL, NULL, &r);
	assert_int_equal(json_int_at(&r, "items.0.id"), a);
	result_free(&r);
	/* the queue is taken: a succeeds, b fails and waits for its next attempt */
	run_and_fail(h, b, "x");
	h_call(h, AS_ADMIN, "GET", "/api/v1/jobs?state=queued", NULL, NULL, NULL, &r);
	check_json(&r, "total", "1");
	assert_int_equal(json_int_at(&r, "items.0.id"), b);
	check_json(&r, "items.0.attempts", "1");
	check_json(&r, "items.0.last_error", "x");
	check_json(&r, "items.0.worker", "api-test:1:0");
	result_free(&r);
	h_call(h, AS_ADMIN, "GET", "/api/v1/jobs", NULL, NULL, NULL, &r);
	check_json(&r, "counts.queued", "1");
	check_json(&r, "counts.done", "1");
	check_json(&r, "counts.running", "0");
	check_json(&r, "counts.failed", "0");
	result_free(&r);
	state_is(h, a, "done 1");
	/* the other organisation's job was not taken: the queue is in order */
	state_is(h, other, "queued 0");
}

static void test_probe_validation(void **state)
{
	struct harness *h = *state;
	static const struct api_case cases[] = {
		{AS_ADMIN, "POST", "/api/v1/jobs/probe", "{\"sleep_ms\":600001}", 422, "fields.sleep_ms", NULL},
		{AS_ADMIN, "POST", "/api/v1/jobs/probe", "{\"sleep_ms\":-1}", 422, "fields.sleep_ms", NULL},
		{AS_ADMIN, "POST", "/api/v1/jobs/probe", "{\"sleep_ms\":\"5\"}", 422, "fields.sleep_ms", NULL},
		{AS_ADMIN, "POST", "/api/v1/jobs/probe", "{\"sleep_ms\":1.5}", 422, "fields.sleep_ms", NULL},
		{AS_ADMIN, "POST", "/api/v1/jobs/probe", "{\"fail\":\"yes\"}", 422, "fields.fail", NULL},
		{AS_ADMIN, "POST", "/api/v1/jobs/probe", "{\"fail\":1}", 422, "fields.fail", NULL},
		{AS_ADMIN, "POST", "/api/v1/jobs/probe", "{\"fail\":\"true\"}", 422, "fields.fail", NULL},
		{AS_ADMIN, "POST", "/api/v1/jobs/probe", "[]", 400, NULL, NULL},
		{AS_ADMIN, "POST", "/api/v1/jobs/probe", "{", 400, NULL, NULL},
	};
	int64_t before = -1, after = -1;
	assert_int_equal(db_int_query(h->db, &before, "SELECT COUNT(*) FROM jobs", DB_NOARGS), 0);
	run_cases(h, cases, N(cases));
	assert_int_equal(db_int_query(h->db, &after, "SELECT COUNT(*) FROM jobs", DB_NOARGS), 0);
	assert_int_equal(after, before);
	/* the limits themselves are fine, and so are null and no body fields */
	int64_t id = probe(h, AS_ADMIN, "{\"sleep_ms\":600000,\"fail\":true}");
	char *p = NULL;
	assert_int_equal(db_text_query(h->db, &p,
				       "SELECT payload || ' ' || max_attempts || ' ' || org_id FROM jobs"
				       " WHERE id = ?",
				       DB_ARGS(DB_I(id))),
			 0);
	char want[128];
	snprintf(want, sizeof(want), "{\"sleep_ms\":600000,\"fail\":true} 2 %lld", (long long)h->org);
	assert_string_equal(p, want);
	free(p);
	id = probe(h, AS_ADMIN, "{\"sleep_ms\":0,\"fail\":false}");
	id = probe(h, AS_ADMIN, "{\"sleep_ms\":null,\"fail\":null}");
	assert_int_equal(db_text_query(h->db, &p, "SELECT payload FROM jobs WHERE id = ?",
				       DB_ARGS(DB_I(id))),
			 0);
	assert_string_equal(p, "{\"sleep_ms\":0,\"fail\":false}");
	free(p);
	/* the probe is in the audit log */
	struct result r;
	h_call(h, AS_ADMIN, "GET", "/api/v1/audit?limit=1", NULL, NULL, NULL, &r);
	check_json(&r, "items.0.action", "job.probe");
	check_json(&r, "items.0.object_type", "job");
	assert_int_equal(json_int_at(&r, "items.0.object_id"), id);
	check_json(&r, "items.0.actor", "admin@one.example");
	result_free(&r);
}

static void test_retry(void **state)
{
	struct harness *h = *state;
	int64_t bad = failed_job(h, "the probe was asked to fail");
	int64_t theirs = probe(h, AS_OTHER, "{\"fail\":true}");
	run_and_fail(h, theirs, "no");
	assert_int_equal(db_exec(h->db, "UPDATE jobs SET run_at = ? WHERE id = ?",
				 DB_ARGS(DB_I(clock_now_ms()), DB_I(theirs))),
			 0);
	run_and_fail(h, theirs, "no");
	state_is(h, theirs, "failed 2");
	int64_t queued = probe(h, AS_ADMIN, "{}");

	char path_q[64], path_bad[64], path_theirs[64];
	snprintf(path_q, sizeof(path_q), "/api/v1/jobs/%lld/retry", (long long)queued);
	snprintf(path_bad, sizeof(path_bad), "/api/v1/jobs/%lld/retry", (long long)bad);
	snprintf(path_theirs, sizeof(path_theirs), "/api/v1/jobs/%lld/retry", (long long)theirs);
	const struct api_case refused[] = {
		{AS_ADMIN, "POST", path_q, NULL, 409, "error", "conflict"},
		{AS_ADMIN, "POST", path_theirs, NULL, 404, "error", "not_found"},
		{AS_OTHER, "POST", path_bad, NULL, 404, "error", "not_found"},
		{AS_ADMIN, "POST", "/api/v1/jobs/999999/retry", NULL, 404, "error", "not_found"},
		{AS_ADMIN, "POST", "/api/v1/jobs/abc/retry", NULL, 404, NULL, NULL},
		{AS_ADMIN, "POST", "/api/v1/jobs/0/retry", NULL, 404, NULL, NULL},
	};
	run_cases(h, refused, N(refused));
	state_is(h, queued, "queued 0");
	state_is(h, theirs, "failed 2");
	state_is(h, bad, "failed 2");
	struct result r;
	h_call(h, AS_ADMIN, "POST", path_q, NULL, NULL, NULL, &r);
	check_json(&r, "message", "Alleen een mislukte taak kan opnieuw.");
	result_free(&r);

	/* the failed one: queued again, with fresh attempts */
	h_call(h, AS_ADMIN, "GET", "/api/v1/jobs?state=failed", NULL, NULL, NULL, &r);
	check_json(&r, "total", "1");
	assert_int_equal(json_int_at(&r, "items.0.id"), bad);
	check_json(&r, "items.0.last_error", "the probe was asked to fail");
	check_json(&r, "items.0.attempts", "2");
	check_json(&r, "items.0.max_attempts", "2");
	assert_true(json_is_string(jpath(r.json, "items.0.finished_at")));
	result_free(&r);
	h_call(h, AS_ADMIN, "POST", path_bad, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	assert_int_equal(json_int_at(&r, "id"), bad);
	check_json(&r, "state", "queued");
	result_free(&r);
	state_is(h, bad, "queued 0");
	h_call(h, AS_ADMIN, "GET", "/api/v1/jobs?state=failed", NULL, NULL, NULL, &r);
	check_json(&r, "total", "0");
	result_free(&r);
	h_call(h, AS_ADMIN, "GET", "/api/v1/audit?limit=1", NULL, NULL, NULL, &r);
	check_json(&r, "items.0.action", "job.retry");
	assert_int_equal(json_int_at(&r, "items.0.object_id"), bad);
	result_free(&r);
	/* once queued, not again */
	h_call(h, AS_ADMIN, "POST", path_bad, NULL, NULL, NULL, &r);
	check_status(&r, 409);
	result_free(&r);
	/* their own administrator may */
	h_call(h, AS_OTHER, "POST", path_theirs, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	result_free(&r);
	state_is(h, theirs, "queued 0");
}

/* The body between the first needle and the next "</tr>". */
static char *row_with(const char *body, const char *needle)
{
	const char *p = strstr(body, needle);
	if (!p)
		return NULL;
	const char *start = p;
	while (start > body && strncmp(start, "<tr>", 4))
		start--;
	const char *end = strstr(p, "</tr>");
	assert_non_null(end);
	return strndup(start, (size_t)(end - start));
}

static void test_page(void **state)
{
	struct harness *h = *state;
	int64_t bad = failed_job(h, "page <b>error</b>");
	int64_t waiting = probe(h, AS_ADMIN, "{}");
	struct result r;
	h_call(h, AS_SESSION, "GET", "/jobs", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	assert_non_null(strstr(r.content_type, "text/html"));
	check_body(&r, "<h1>Achtergrondtaken</h1>");
	check_body(&r, "<form method=\"post\" action=\"/jobs/probe\" class=\"inline\">");
	char needle[128], *row;
	/* the failed job: its error (escaped), its attempts, a retry button */
	snprintf(needle, sizeof(needle), "<td class=\"num\">%lld</td>", (long long)bad);
	row = row_with(r.body, needle);
	if (!row)
		fail_msg("no row for job %lld: %s", (long long)bad, r.body);
	if (!strstr(row, "<td>Mislukt</td>") || !strstr(row, "<td class=\"num\">2 / 2</td>") ||
	    !strstr(row, "page &lt;b&gt;error&lt;/b&gt;") || strstr(row, "<b>error"))
		fail_msg("the failed row: %s", row);
	snprintf(needle, sizeof(needle), "action=\"/jobs/%lld/retry\"", (long long)bad);
	if (!strstr(row, needle))
		fail_msg("no retry button on the failed job: %s", row);
	if (!strstr(row, "name=\"_csrf\" value=\"") || !strstr(row, "Opnieuw"))
		fail_msg("the retry form: %s", row);
	/* the time: ISO in datetime, the organisation's clock as text */
	const char *t = strstr(row, "<time datetime=\"");
	assert_non_null(t);
	const char *iso_end = strchr(t + 16, '"');
	assert_int_equal(iso_end - (t + 16), 24);
	const char *text = iso_end + 2, *end = strstr(text, "</time>");
	assert_non_null(end);
	if (end == text || memchr(text, '{', (size_t)(end - text)))
		fail_msg("the time shows no text: %s", row);
	free(row);
	/* the waiting one: no retry button */
	snprintf(needle, sizeof(needle), "<td class=\"num\">%lld</td>", (long long)waiting);
	row = row_with(r.body, needle);
	assert_non_null(row);
	if (!strstr(row, "<td>In de wachtrij</td>") || strstr(row, "/retry") || strstr(row, "<form"))
		fail_msg("the queued row: %s", row);
	free(row);
	/* one retry button per failed job, on the whole page */
	int64_t failed = -1;
	assert_int_equal(db_int_query(h->db, &failed,
				      "SELECT COUNT(*) FROM jobs WHERE org_id = ? AND state = 'failed'",
				      DB_ARGS(DB_I(h->org))),
			 0);
	int64_t buttons = 0;
	for (const char *p = r.body; (p = strstr(p, "/retry\"")); p++)
		buttons++;
	assert_int_equal(buttons, failed);
	assert_int_equal(failed, 1);
	/* the schedules table */
	check_body(&r, "<td>digest</td>");
	check_no_body(&r, "theirs");
	check_body(&r, "<td class=\"mono\">0 7 * * *</td>");
	result_free(&r);

	/* the failed tab */
	h_call(h, AS_SESSION, "GET", "/jobs?state=failed", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "<a href=\"/jobs?state=failed\" aria-current=\"page\">Mislukt (1)</a>");
	snprintf(needle, sizeof(needle), "<td class=\"num\">%lld</td>", (long long)waiting);
	check_no_body(&r, needle);
	result_free(&r);

	/* an employee is refused the page */
	struct session s;
	h_login(h, AS_EMPLOYEE, &s);
	struct h_req rq = {.method = "GET", .target = "/jobs", .session = &s, .no_csrf = true};
	h_send(h, &rq, &r);
	check_status(&r, 403);
	result_free(&r);

	/* the retry form, as a browser sends it: back to the page */
	char target[64];
	snprintf(target, sizeof(target), "/jobs/%lld/retry", (long long)bad);
	h_form(h, AS_SESSION, NULL, target, "", &r);
	check_status(&r, 303);
	assert_string_equal(r.location, "/jobs");
	result_free(&r);
	state_is(h, bad, "queued 0");
	/* the probe form */
	int64_t before = -1, after = -1;
	assert_int_equal(db_int_query(h->db, &before, "SELECT MAX(id) FROM jobs", DB_NOARGS), 0);
	h_form(h, AS_SESSION, NULL, "/jobs/probe", "", &r);
	check_status(&r, 303);
	assert_string_equal(r.location, "/jobs");
	result_free(&r);
	assert_int_equal(db_int_query(h->db, &after, "SELECT MAX(id) FROM jobs", DB_NOARGS), 0);
	assert_int_equal(after, before + 1);
	state_is(h, after, "queued 0");
}

static void test_csrf(void **state)
{
	struct harness *h = *state;
	int64_t bad = failed_job(h, "x");
	int64_t before = -1, after = -1;
	assert_int_equal(db_int_query(h->db, &before, "SELECT COUNT(*) FROM jobs", DB_NOARGS), 0);
	char target[64], api[64];
	snprintf(target, sizeof(target), "/jobs/%lld/retry", (long long)bad);
	snprintf(api, sizeof(api), "/api/v1/jobs/%lld/retry", (long long)bad);
	const char *targets[] = {"/jobs/probe", target, "/api/v1/jobs/probe", api};
	for (size_t i = 0; i < N(targets); i++) {
		/* a form without the token, JSON without the header */
		struct h_req rq = {.who = AS_SESSION, .method = "POST", .target = targets[i],
				   .ctype = i < 2 ? FORM : NULL, .body = i < 2 ? "sleep_ms=1" : "{}",
				   .no_csrf = true};
		struct result r;
		h_send(h, &rq, &r);
		if (r.status != 403)
			fail_msg("%s without a CSRF token: %d %.300s", targets[i], r.status, r.body);
		result_free(&r);
		/* a wrong token */
		rq.headers = "x-csrf-token: forged\n";
		h_send(h, &rq, &r);
		if (r.status != 403)
			fail_msg("%s with a forged CSRF token: %d", targets[i], r.status);
		result_free(&r);
	}
	assert_int_equal(db_int_query(h->db, &after, "SELECT COUNT(*) FROM jobs", DB_NOARGS), 0);
	assert_int_equal(after, before);
	state_is(h, bad, "failed 2");
	/* with the token (as a header: JSON from a page's script) it goes */
	struct result r;
	h_call(h, AS_SESSION, "POST", api, NULL, "{}", NULL, &r);
	check_status(&r, 200);
	result_free(&r);
	state_is(h, bad, "queued 0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_access),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_probe_validation),
		cmocka_unit_test(test_retry),
		cmocka_unit_test(test_page),
		cmocka_unit_test(test_csrf),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

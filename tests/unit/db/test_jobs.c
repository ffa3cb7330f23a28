/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the queue of src/db/jobs.c, on a fresh migrated database per
 * test (SQLite, or PostgreSQL in the pg run): enqueue, claim and done; due
 * times and order; failure with backoff and parking; a lost lease; reaping
 * and purging; many workers claiming at once (each job exactly once). The
 * schedules are in test_schedules.c. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jobs_fx.h"
#include "testdb.h"

#include "core/rc.h"
#include "db/db.h"
#include "db/jobs.h"
#include "util/clock.h"

/* A job's row as stored. */
struct row {
	char state[16];
	int64_t org_id, attempts, max_attempts, lease_ms, run_at, created_at, updated_at;
	int64_t locked_until, finished_at, schedule_id;
	bool locked_until_null, finished_null, locked_by_null, last_error_null, schedule_null;
	char kind[64], payload[256], locked_by[128], last_error[JOBS_ERROR_MAX + 8];
};

static bool row_get(struct db *db, int64_t id, struct row *out)
{
	struct db_rows *r = NULL;
	assert_int_equal(
		db_query(db, &r,
			 "SELECT state, org_id, attempts, max_attempts, lease_ms, run_at, created_at,"
			 " updated_at, locked_until, finished_at, schedule_id, kind, payload,"
			 " locked_by, last_error FROM jobs WHERE id = ?",
			 DB_ARGS(DB_I(id))),
		0);
	int got = db_next(r);
	assert_true(got >= 0);
	if (got == 1) {
		memset(out, 0, sizeof(*out));
		snprintf(out->state, sizeof(out->state), "%s", db_text(r, 0));
		out->org_id = db_int(r, 1);
		out->attempts = db_int(r, 2);
		out->max_attempts = db_int(r, 3);
		out->lease_ms = db_int(r, 4);
		out->run_at = db_int(r, 5);
		out->created_at = db_int(r, 6);
		out->updated_at = db_int(r, 7);
		out->locked_until = db_int(r, 8);
		out->locked_until_null = db_null(r, 8);
		out->finished_at = db_int(r, 9);
		out->finished_null = db_null(r, 9);
		out->schedule_id = db_int(r, 10);
		out->schedule_null = db_null(r, 10);
		snprintf(out->kind, sizeof(out->kind), "%s", db_text(r, 11));
		snprintf(out->payload, sizeof(out->payload), "%s", db_text(r, 12));
		out->locked_by_null = db_null(r, 13);
		snprintf(out->locked_by, sizeof(out->locked_by), "%s",
			 db_null(r, 13) ? "" : db_text(r, 13));
		out->last_error_null = db_null(r, 14);
		snprintf(out->last_error, sizeof(out->last_error), "%s",
			 db_null(r, 14) ? "" : db_text(r, 14));
	}
	db_rows_free(r);
	return got == 1;
}

static struct row row_of(struct fx *f, int64_t id)
{
	struct row r;
	if (!row_get(f->db, id, &r))
		fail_msg("job %lld is gone", (long long)id);
	return r;
}

static int64_t enqueue(struct fx *f, int64_t org, int64_t run_at, int max_attempts, int64_t lease_ms)
{
	struct job_new j = {.org_id = org, .kind = "probe", .payload = "{\"n\":1}",
			    .run_at = run_at, .max_attempts = max_attempts, .lease_ms = lease_ms};
	int64_t id = 0;
	assert_int_equal(jobs_enqueue(f->db, &j, &id), 0);
	assert_true(id > 0);
	return id;
}

static void claim_none(struct db *db)
{
	struct job j;
	memset(&j, 0x5a, sizeof(j));
	assert_int_equal(jobs_claim(db, "idle:1:0", &j), BRUG_ENOTFOUND);
	/* an output is written only on success */
	assert_int_equal(j.id, 0x5a5a5a5a5a5a5a5aLL);
	assert_int_equal(db_in_tx(db), false);
}

static void test_enqueue_claim_done(void **state)
{
	struct fx *f = *state;
	int64_t before = clock_now_ms();
	struct job_new n = {.org_id = 7, .kind = "probe", .payload = "{\"sleep_ms\":5}",
			    .max_attempts = 3, .lease_ms = 5000};
	int64_t id = 0;
	assert_int_equal(jobs_enqueue(f->db, &n, &id), 0);
	int64_t after = clock_now_ms();
	struct row r = row_of(f, id);
	assert_string_equal(r.state, "queued");
	assert_int_equal(r.org_id, 7);
	assert_string_equal(r.kind, "probe");
	assert_string_equal(r.payload, "{\"sleep_ms\":5}");
	assert_int_equal(r.attempts, 0);
	assert_int_equal(r.max_attempts, 3);
	assert_int_equal(r.lease_ms, 5000);
	assert_true(r.run_at >= before && r.run_at <= after); /* run_at 0: now */
	assert_int_equal(r.created_at, r.run_at);
	assert_true(r.locked_by_null && r.locked_until_null && r.finished_null &&
		    r.last_error_null && r.schedule_null);

	struct job j;
	before = clock_now_ms();
	fx_claim_is(f, "host:1:0", id, &j);
	after = clock_now_ms();
	assert_int_equal(j.org_id, 7);
	assert_string_equal(j.kind, "probe");
	assert_string_equal(j.payload, "{\"sleep_ms\":5}");
	assert_int_equal(j.attempts, 1);
	assert_int_equal(j.max_attempts, 3);
	assert_int_equal(j.lease_ms, 5000);
	assert_int_equal(j.schedule_id, 0);
	assert_false(db_in_tx(f->db));
	r = row_of(f, id);
	assert_string_equal(r.state, "running");
	assert_int_equal(r.attempts, 1);
	assert_string_equal(r.locked_by, "host:1:0");
	assert_false(r.locked_until_null);
	assert_true(r.locked_until >= before + 5000 && r.locked_until <= after + 5000);
	assert_true(r.finished_null);
	/* a running job is nobody else's */
	claim_none(f->db);

	before = clock_now_ms();
	assert_int_equal(jobs_done(f->db, &j), 0);
	after = clock_now_ms();
	r = row_of(f, id);
	assert_string_equal(r.state, "done");
	assert_int_equal(r.attempts, 1);
	assert_false(r.finished_null);
	assert_true(r.finished_at >= before && r.finished_at <= after);
	assert_true(r.locked_until_null);
	assert_string_equal(r.locked_by, "host:1:0"); /* who ran it stays */
	assert_true(r.last_error_null);
	/* done twice: the second finds no running job of this worker */
	assert_int_equal(jobs_done(f->db, &j), BRUG_ECONFLICT);
	assert_int_equal(jobs_fail(f->db, &j, "late"), BRUG_ECONFLICT);
	r = row_of(f, id);
	assert_string_equal(r.state, "done");
	assert_true(r.last_error_null);
	jobs_job_cleanup(&j);
	assert_null(j.payload);
	jobs_job_cleanup(&j); /* twice is fine */
	jobs_job_cleanup(NULL);
	claim_none(f->db);
}

static void test_enqueue_defaults(void **state)
{
	struct fx *f = *state;
	struct job_new n = {.kind = "housekeeping"};
	int64_t id = 0;
	assert_int_equal(jobs_enqueue(f->db, &n, &id), 0);
	struct row r = row_of(f, id);
	assert_int_equal(r.org_id, 0);
	assert_string_equal(r.payload, "{}");
	assert_int_equal(r.max_attempts, JOBS_MAX_ATTEMPTS);
	assert_int_equal(r.lease_ms, JOBS_LEASE_MS);
	assert_true(r.schedule_null);
	/* the id out-parameter is optional */
	assert_int_equal(jobs_enqueue(f->db, &n, NULL), 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM jobs", DB_NOARGS), 2);
	struct job j;
	fx_claim_is(f, "w:1:0", id, &j);
	assert_string_equal(j.payload, "{}");
	assert_int_equal(j.max_attempts, 8);
	assert_int_equal(j.lease_ms, 60000);
	jobs_job_cleanup(&j);
}

static void test_nothing_due(void **state)
{
	struct fx *f = *state;
	claim_none(f->db);
	/* done and failed jobs are not due either */
	int64_t a = enqueue(f, 1, 0, 1, 0), b = enqueue(f, 1, 0, 1, 0);
	struct job j;
	fx_claim_is(f, "w:1:0", a, &j);
	assert_int_equal(jobs_done(f->db, &j), 0);
	jobs_job_cleanup(&j);
	fx_claim_is(f, "w:1:0", b, &j);
	assert_int_equal(jobs_fail(f->db, &j, "no"), 0);
	jobs_job_cleanup(&j);
	assert_string_equal(row_of(f, b).state, "failed");
	fx_shift(f, 2 * DAY_MS);
	claim_none(f->db);
}

static void test_run_at_future(void **state)
{
	struct fx *f = *state;
	int64_t now = clock_now_ms();
	int64_t id = enqueue(f, 1, now + 60000, 0, 0);
	assert_int_equal(row_of(f, id).run_at, now + 60000);
	claim_none(f->db);
	fx_shift(f, 59000);
	claim_none(f->db);
	fx_shift(f, 1000 + 1);
	struct job j;
	fx_claim_is(f, "w:1:0", id, &j);
	assert_int_equal(j.attempts, 1);
	jobs_job_cleanup(&j);
}

static void test_order(void **state)
{
	struct fx *f = *state;
	int64_t now = clock_now_ms();
	int64_t later = enqueue(f, 1, now + 3600000, 0, 0);
	int64_t a = enqueue(f, 1, now - 1000, 0, 0);
	int64_t b = enqueue(f, 2, now - 5000, 0, 0);
	int64_t c = enqueue(f, 1, now - 5000, 0, 0); /* same time as b, higher id */
	int64_t d = enqueue(f, 3, now - 9000, 0, 0);
	int64_t want[] = {d, b, c, a};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct job j;
		fx_claim_is(f, "w:1:0", want[i], &j);
		jobs_job_cleanup(&j);
	}
	claim_none(f->db);
	assert_string_equal(row_of(f, later).state, "queued");
}

static void test_backoff_values(void **state)
{
	(void)state;
	assert_int_equal(jobs_backoff_ms(0), 10000);
	assert_int_equal(jobs_backoff_ms(1), 10000);
	assert_int_equal(jobs_backoff_ms(2), 20000);
	assert_int_equal(jobs_backoff_ms(3), 40000);
	assert_int_equal(jobs_backoff_ms(4), 80000);
	assert_int_equal(jobs_backoff_ms(5), 160000);
	assert_int_equal(jobs_backoff_ms(6), 320000);
	assert_int_equal(jobs_backoff_ms(7), 640000);
	assert_int_equal(jobs_backoff_ms(8), 1280000);
	assert_int_equal(jobs_backoff_ms(9), 2560000);
	assert_int_equal(jobs_backoff_ms(10), 3600000); /* 5,120,000 capped at an hour */
	assert_int_equal(jobs_backoff_ms(11), 3600000);
	assert_int_equal(jobs_backoff_ms(1000), 3600000);
	assert_int_equal(jobs_backoff_ms(2147483647), 3600000);
	/* job-backoff-ms: the first wait as set, doubling, the same cap; a
	 * value of 0 or less is the default again */
	jobs_backoff_base_set(50);
	assert_int_equal(jobs_backoff_ms(1), 50);
	assert_int_equal(jobs_backoff_ms(2), 100);
	assert_int_equal(jobs_backoff_ms(4), 400);
	assert_int_equal(jobs_backoff_ms(1000), 3600000);
	jobs_backoff_base_set(0);
	assert_int_equal(jobs_backoff_ms(1), 10000);
	assert_int_equal(jobs_backoff_ms(2), 20000);
}

/* One failure of job id (attempt n of max) with error; checks the row:
 * queued again after the backoff with at most a fifth of jitter. */
static int64_t fail_once(struct fx *f, int64_t id, int n, const char *error, const char *want_error)
{
	struct job j;
	fx_claim_is(f, "w:1:0", id, &j);
	assert_int_equal(j.attempts, n);
	int64_t before = clock_now_ms();
	assert_int_equal(jobs_fail(f->db, &j, error), 0);
	int64_t after = clock_now_ms();
	jobs_job_cleanup(&j);
	struct row r = row_of(f, id);
	int64_t wait = jobs_backoff_ms(n);
	assert_string_equal(r.state, "queued");
	assert_int_equal(r.attempts, n);
	assert_string_equal(r.last_error, want_error);
	assert_true(r.locked_until_null);
	assert_true(r.finished_null);
	if (r.run_at < before + wait || r.run_at > after + wait + wait / 5)
		fail_msg("attempt %d: run_at %lld not in [%lld, %lld]", n, (long long)r.run_at,
			 (long long)(before + wait), (long long)(after + wait + wait / 5));
	return r.run_at - before; /* the wait, give or take the call's time */
}

static void test_fail_backoff(void **state)
{
	struct fx *f = *state;
	int64_t id = enqueue(f, 1, 0, 20, 0);
	for (int n = 1; n <= 12; n++) {
		fail_once(f, id, n, n % 2 ? "boom" : "", n % 2 ? "boom" : "failed");
		/* not due before its time */
		claim_none(f->db);
		int64_t wait = row_of(f, id).run_at - clock_now_ms();
		fx_shift(f, wait - 1000);
		claim_none(f->db);
		fx_shift(f, 1001);
	}
	/* an error longer than JOBS_ERROR_MAX is cut there */
	char big[3000];
	memset(big, 'e', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	char want[JOBS_ERROR_MAX + 1];
	memset(want, 'e', JOBS_ERROR_MAX);
	want[JOBS_ERROR_MAX] = '\0';
	fail_once(f, id, 13, big, want);
	/* NULL: "failed" */
	fx_shift(f, 2 * HOUR_MS);
	fail_once(f, id, 14, NULL, "failed");
}

/* The jitter is random: spread over many jobs, it stays within a fifth of
 * the wait and is not always zero. */
static void test_fail_jitter(void **state)
{
	struct fx *f = *state;
	enum { N = 40 };
	int64_t ids[N], min = INT64_MAX, max = 0;
	for (int i = 0; i < N; i++)
		ids[i] = enqueue(f, 1, 0, 0, 0);
	for (int i = 0; i < N; i++) {
		int64_t w = fail_once(f, ids[i], 1, "x", "x");
		min = w < min ? w : min;
		max = w > max ? w : max;
	}
	assert_true(min >= 10000);
	assert_true(max <= 12000 + 1000);
	assert_true(max - min > 0); /* forty equal draws of 0..2000: practically never */
}

static void test_fail_last_attempt(void **state)
{
	struct fx *f = *state;
	int64_t id = enqueue(f, 4, 0, 2, 0);
	fail_once(f, id, 1, "first", "first");
	fx_shift(f, 13000);
	struct job j;
	fx_claim_is(f, "w:2:1", id, &j);
	assert_int_equal(j.attempts, 2);
	int64_t before = clock_now_ms();
	assert_int_equal(jobs_fail(f->db, &j, "second"), 0);
	int64_t after = clock_now_ms();
	jobs_job_cleanup(&j);
	struct row r = row_of(f, id);
	assert_string_equal(r.state, "failed");
	assert_int_equal(r.attempts, 2);
	assert_string_equal(r.last_error, "second");
	assert_false(r.finished_null);
	assert_true(r.finished_at >= before && r.finished_at <= after);
	assert_true(r.locked_until_null);
	assert_string_equal(r.locked_by, "w:2:1");
	/* parked: never taken again by itself */
	fx_shift(f, 2 * DAY_MS);
	claim_none(f->db);
	/* max_attempts 1: the first failure parks it */
	int64_t once = enqueue(f, 4, 0, 1, 0);
	fx_claim_is(f, "w:2:1", once, &j);
	assert_int_equal(jobs_fail(f->db, &j, "only"), 0);
	jobs_job_cleanup(&j);
	assert_string_equal(row_of(f, once).state, "failed");
}

static void test_lost_lease(void **state)
{
	struct fx *f = *state;
	int64_t id = enqueue(f, 1, 0, 5, 1000);
	struct job slow, other;
	fx_claim_is(f, "slow:1:0", id, &slow);
	fx_shift(f, 1001);
	int64_t n = -1;
	assert_int_equal(jobs_reap(f->db, &n), 0);
	assert_int_equal(n, 1);
	struct row r = row_of(f, id);
	assert_string_equal(r.state, "queued");
	/* the slow worker ends while the job waits: nothing changes */
	assert_int_equal(jobs_done(f->db, &slow), BRUG_ECONFLICT);
	assert_int_equal(jobs_fail(f->db, &slow, "late"), BRUG_ECONFLICT);
	struct row same = row_of(f, id);
	assert_string_equal(same.state, "queued");
	assert_int_equal(same.run_at, r.run_at);
	assert_string_equal(same.last_error, r.last_error);
	assert_int_equal(same.updated_at, r.updated_at);

	fx_claim_is(f, "fast:2:0", id, &other);
	assert_int_equal(other.attempts, 2);
	/* and while another worker has it: nothing changes either */
	r = row_of(f, id);
	assert_int_equal(jobs_done(f->db, &slow), BRUG_ECONFLICT);
	assert_int_equal(jobs_fail(f->db, &slow, "late"), BRUG_ECONFLICT);
	same = row_of(f, id);
	assert_string_equal(same.state, "running");
	assert_string_equal(same.locked_by, "fast:2:0");
	assert_int_equal(same.locked_until, r.locked_until);
	assert_int_equal(same.attempts, 2);
	assert_int_equal(same.updated_at, r.updated_at);
	assert_string_equal(same.last_error, r.last_error);
	/* the worker that holds it finishes it */
	assert_int_equal(jobs_done(f->db, &other), 0);
	assert_string_equal(row_of(f, id).state, "done");
	assert_string_equal(row_of(f, id).locked_by, "fast:2:0");
	jobs_job_cleanup(&slow);
	jobs_job_cleanup(&other);
}

static void test_reap(void **state)
{
	struct fx *f = *state;
	int64_t keep = enqueue(f, 1, 0, 3, 60000);   /* lease still held */
	int64_t again = enqueue(f, 1, 0, 3, 1000);   /* expired, attempts left */
	int64_t parked = enqueue(f, 1, 0, 1, 1000);  /* expired, no attempts left */
	int64_t waiting = enqueue(f, 1, 0, 3, 1000); /* queued: untouched */
	struct job j[3];
	fx_claim_is(f, "dead:9:0", keep, &j[0]);
	fx_claim_is(f, "dead:9:1", again, &j[1]);
	fx_claim_is(f, "dead:9:2", parked, &j[2]);
	int64_t n = -1;
	/* nothing has expired yet */
	assert_int_equal(jobs_reap(f->db, &n), 0);
	assert_int_equal(n, 0);
	fx_shift(f, 800);
	assert_int_equal(jobs_reap(f->db, &n), 0);
	assert_int_equal(n, 0);
	fx_shift(f, 201);
	int64_t before = clock_now_ms();
	assert_int_equal(jobs_reap(f->db, &n), 0);
	int64_t after = clock_now_ms();
	assert_int_equal(n, 2);
	assert_false(db_in_tx(f->db));

	struct row r = row_of(f, keep);
	assert_string_equal(r.state, "running");
	assert_string_equal(r.locked_by, "dead:9:0");

	r = row_of(f, again);
	assert_string_equal(r.state, "queued");
	assert_int_equal(r.attempts, 1); /* the lost attempt counts */
	assert_true(r.run_at >= before && r.run_at <= after);
	assert_true(r.locked_until_null);
	assert_true(r.finished_null);
	assert_string_equal(r.last_error, "the worker running it stopped");

	r = row_of(f, parked);
	assert_string_equal(r.state, "failed");
	assert_int_equal(r.attempts, 1);
	assert_false(r.finished_null);
	assert_true(r.finished_at >= before && r.finished_at <= after);
	assert_true(r.locked_until_null);
	assert_string_equal(r.last_error, "the worker running it stopped; no attempts left");

	r = row_of(f, waiting);
	assert_string_equal(r.state, "queued");
	assert_int_equal(r.attempts, 0);
	assert_true(r.last_error_null);

	assert_int_equal(jobs_reap(f->db, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(jobs_reap(f->db, NULL), 0);
	/* the reaped one is due from the reap on: after the one that waited */
	struct job k;
	fx_claim_is(f, "live:3:0", waiting, &k);
	jobs_job_cleanup(&k);
	fx_claim_is(f, "live:3:0", again, &k);
	assert_int_equal(k.attempts, 2);
	jobs_job_cleanup(&k);
	for (int i = 0; i < 3; i++)
		jobs_job_cleanup(&j[i]);
}

static void test_purge(void **state)
{
	struct fx *f = *state;
	int64_t old_done = enqueue(f, 1, 0, 1, 0);
	int64_t old_failed = enqueue(f, 1, 0, 1, 0);
	int64_t old_queued = enqueue(f, 1, clock_now_ms() + 30 * DAY_MS, 1, 0);
	struct job j;
	fx_claim_is(f, "w:1:0", old_done, &j);
	assert_int_equal(jobs_done(f->db, &j), 0);
	jobs_job_cleanup(&j);
	fx_claim_is(f, "w:1:0", old_failed, &j);
	assert_int_equal(jobs_fail(f->db, &j, "x"), 0);
	jobs_job_cleanup(&j);
	int64_t finished = row_of(f, old_done).finished_at;
	fx_shift(f, 7 * DAY_MS - 5000);
	int64_t recent_done = enqueue(f, 1, 0, 1, 0);
	fx_claim_is(f, "w:1:0", recent_done, &j);
	assert_int_equal(jobs_done(f->db, &j), 0);
	jobs_job_cleanup(&j);
	int64_t n = -1;
	/* not yet seven days */
	assert_int_equal(jobs_purge(f->db, 7 * DAY_MS, &n), 0);
	assert_int_equal(n, 0);
	fx_shift(f, finished + 7 * DAY_MS + 1 - clock_now_ms());
	assert_int_equal(jobs_purge(f->db, 7 * DAY_MS, &n), 0);
	assert_int_equal(n, 1);
	struct row r;
	assert_false(row_get(f->db, old_done, &r));
	assert_true(row_get(f->db, old_failed, &r));
	assert_true(row_get(f->db, old_queued, &r));
	assert_true(row_get(f->db, recent_done, &r));
	assert_int_equal(jobs_purge(f->db, 7 * DAY_MS, NULL), 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM jobs", DB_NOARGS), 3);
}

/* ---- many workers at once */

enum { CLAIM_JOBS = 300, CLAIM_THREADS = 4 };

struct claimer {
	const char *url;
	int index;
	pthread_barrier_t *start;
	int64_t ids[CLAIM_JOBS];
	int n;
	int bad_rc; /* the first unexpected return code, or 0 */
	char what[64];
};

static void *claim_all(void *arg)
{
	struct claimer *c = arg;
	struct db *db = NULL;
	struct brug_err err = {0};
	int rc = db_open(c->url, &db, &err);
	pthread_barrier_wait(c->start);
	if (rc) {
		c->bad_rc = rc;
		snprintf(c->what, sizeof(c->what), "open");
		return NULL;
	}
	char name[32];
	snprintf(name, sizeof(name), "t:%d:%d", 100, c->index);
	for (;;) {
		struct job j;
		rc = jobs_claim(db, name, &j);
		if (rc == BRUG_ENOTFOUND)
			break;
		if (rc) {
			c->bad_rc = rc;
			snprintf(c->what, sizeof(c->what), "claim");
			break;
		}
		if (c->n < CLAIM_JOBS)
			c->ids[c->n] = j.id;
		c->n++;
		rc = jobs_done(db, &j);
		jobs_job_cleanup(&j);
		if (rc) {
			c->bad_rc = rc;
			snprintf(c->what, sizeof(c->what), "done");
			break;
		}
	}
	db_close(db);
	return NULL;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static void test_concurrent_claims(void **state)
{
	struct fx *f = *state;
	assert_int_equal(db_begin(f->db), 0);
	for (int i = 0; i < CLAIM_JOBS; i++)
		enqueue(f, 1 + i % 3, 0, 0, 0);
	assert_int_equal(db_commit(f->db), 0);
	pthread_barrier_t start;
	pthread_barrier_init(&start, NULL, CLAIM_THREADS);
	static struct claimer c[CLAIM_THREADS];
	pthread_t t[CLAIM_THREADS];
	memset(c, 0, sizeof(c));
	for (int i = 0; i < CLAIM_THREADS; i++) {
		c[i] = (struct claimer){.url = f->url, .index = i, .start = &start};
		assert_int_equal(pthread_create(&t[i], NULL, claim_all, &c[i]), 0);
	}
	for (int i = 0; i < CLAIM_THREADS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&start);

	int total = 0;
	static int64_t all[CLAIM_JOBS * CLAIM_THREADS];
	for (int i = 0; i < CLAIM_THREADS; i++) {
		if (c[i].bad_rc)
			fail_msg("thread %d: %s returned %d", i, c[i].what, c[i].bad_rc);
		assert_true(c[i].n <= CLAIM_JOBS);
		memcpy(all + total, c[i].ids, (size_t)c[i].n * sizeof(int64_t));
		total += c[i].n;
	}
	qsort(all, (size_t)total, sizeof(all[0]), cmp_id);
	for (int i = 1; i < total; i++)
		if (all[i] == all[i - 1])
			fail_msg("job %lld claimed twice", (long long)all[i]);
	assert_int_equal(total, CLAIM_JOBS);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM jobs WHERE state = 'done' AND attempts = 1",
			       DB_NOARGS),
			 CLAIM_JOBS);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM jobs", DB_NOARGS), CLAIM_JOBS);
	/* each job records the thread that ran it */
	for (int i = 0; i < CLAIM_THREADS; i++) {
		char name[32];
		snprintf(name, sizeof(name), "t:100:%d", i);
		assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM jobs WHERE locked_by = ?",
				       DB_ARGS(DB_T(name))),
				 c[i].n);
	}
	print_message("claims per thread: %d %d %d %d\n", c[0].n, c[1].n, c[2].n, c[3].n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_enqueue_claim_done, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_enqueue_defaults, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_nothing_due, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_run_at_future, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_order, fx_setup, fx_teardown),
		cmocka_unit_test(test_backoff_values),
		cmocka_unit_test_setup_teardown(test_fail_backoff, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_fail_jitter, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_fail_last_attempt, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_lost_lease, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reap, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_purge, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_claims, fx_setup, fx_teardown),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	testdb_cleanup();
	return failed;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the schedules of src/db/jobs.c (recurring jobs): created and
 * updated by name, invalid expressions refused, due ones fired once and
 * moved on, fired once by racing processes, and read on each
 * organisation's own clock. */
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

/* ---- schedules */

static int64_t org_in(struct fx *f, const char *name, const char *zone)
{
	int64_t now = clock_now_ms();
	return fx_int(f,
		     "INSERT INTO orgs (name, lang, timezone, created_at, updated_at)"
		     " VALUES (?, 'en', ?, ?, ?) RETURNING org_id",
		     DB_ARGS(DB_T(name), DB_T(zone), DB_I(now), DB_I(now)));
}

static int64_t next_run(struct fx *f, int64_t org, const char *name)
{
	return fx_int(f, "SELECT next_run_at FROM schedules WHERE org_id = ? AND name = ?",
		     DB_ARGS(DB_I(org), DB_T(name)));
}

static void test_schedule_ensure(void **state)
{
	struct fx *f = *state;
	struct brug_err err = {0};
	fx_set_clock(f, "2026-01-15T12:03:00.000Z");
	assert_int_equal(schedule_ensure(f->db, 0, "housekeeping", "housekeeping", "{}",
					 "*/10 * * * *", &err),
			 0);
	assert_int_equal(next_run(f, 0, "housekeeping"), fx_at_ms("2026-01-15T12:10:00Z"));
	/* every process does this at start: the schedule keeps its time */
	fx_set_clock(f, "2026-01-15T12:07:30.000Z");
	assert_int_equal(schedule_ensure(f->db, 0, "housekeeping", "housekeeping", "{}",
					 "*/10 * * * *", &err),
			 0);
	assert_int_equal(next_run(f, 0, "housekeeping"), fx_at_ms("2026-01-15T12:10:00Z"));
	/* the same after it has fired and moved on, even when due again */
	fx_set_clock(f, "2026-01-15T12:10:00.500Z");
	int64_t n = -1;
	assert_int_equal(schedule_run_due(f->db, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(next_run(f, 0, "housekeeping"), fx_at_ms("2026-01-15T12:20:00Z"));
	fx_set_clock(f, "2026-01-15T12:25:00.000Z");
	assert_int_equal(schedule_ensure(f->db, 0, "housekeeping", "housekeeping", "{}",
					 "*/10 * * * *", &err),
			 0);
	assert_int_equal(next_run(f, 0, "housekeeping"), fx_at_ms("2026-01-15T12:20:00Z"));
	/* a new expression (and payload) starts over from now */
	assert_int_equal(schedule_ensure(f->db, 0, "housekeeping", "housekeeping", "{\"v\":2}",
					 "0 * * * *", &err),
			 0);
	assert_int_equal(next_run(f, 0, "housekeeping"), fx_at_ms("2026-01-15T13:00:00Z"));
	char *s = NULL;
	assert_int_equal(db_text_query(f->db, &s,
				       "SELECT cron || ' ' || payload || ' ' || kind FROM schedules",
				       DB_NOARGS),
			 0);
	assert_string_equal(s, "0 * * * * {\"v\":2} housekeeping");
	free(s);
	/* the same name in another organisation is another schedule */
	int64_t org = org_in(f, "Acme", "UTC");
	assert_int_equal(schedule_ensure(f->db, org, "housekeeping", "probe", NULL, "*/10 * * * *",
					 &err),
			 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM schedules", DB_NOARGS), 2);
	assert_int_equal(next_run(f, org, "housekeeping"), fx_at_ms("2026-01-15T12:30:00Z"));
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM schedules WHERE payload = '{}' AND org_id = ?",
			       DB_ARGS(DB_I(org))),
			 1);
}

static void test_schedule_invalid(void **state)
{
	struct fx *f = *state;
	static const char *const bad[] = {"61 * * * *", "* * * *", "", "every day", "0 0 30 2 *",
					  "*/0 * * * *"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct brug_err err = {0};
		int rc = schedule_ensure(f->db, 0, "x", "probe", "{}", bad[i], &err);
		if (rc != BRUG_EINVAL)
			fail_msg("\"%s\": rc %d", bad[i], rc);
		assert_int_equal(err.rc, BRUG_EINVAL);
		assert_non_null(err.key);
		assert_true(err.detail[0] != '\0');
	}
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM schedules", DB_NOARGS), 0);
	/* a bad expression for an existing schedule leaves it as it was */
	struct brug_err err = {0};
	assert_int_equal(schedule_ensure(f->db, 0, "x", "probe", "{}", "0 7 * * *", NULL), 0);
	int64_t next = next_run(f, 0, "x");
	assert_int_equal(schedule_ensure(f->db, 0, "x", "probe", "{}", "0 25 * * *", &err),
			 BRUG_EINVAL);
	assert_int_equal(next_run(f, 0, "x"), next);
}

/* A removed schedule fires no more and can be made again; removing one
 * that does not exist is fine; only the named one of that org goes. */
static void test_schedule_remove(void **state)
{
	struct fx *f = *state;
	int64_t a = org_in(f, "A", "UTC"), b = org_in(f, "B", "UTC"), at = 0;
	fx_set_clock(f, "2026-01-15T12:03:00.000Z");
	assert_int_equal(schedule_ensure(f->db, a, "survey.1", "probe", "{}", "0 9 1 * *", NULL), 0);
	assert_int_equal(schedule_ensure(f->db, b, "survey.1", "probe", "{}", "0 9 1 * *", NULL), 0);
	assert_int_equal(schedule_next_at(f->db, a, "survey.1", &at), 0);
	assert_int_equal(at, fx_at_ms("2026-02-01T09:00:00Z"));
	assert_int_equal(schedule_remove(f->db, a, "survey.1"), 0);
	assert_int_equal(schedule_next_at(f->db, a, "survey.1", &at), BRUG_ENOTFOUND);
	assert_int_equal(schedule_remove(f->db, a, "survey.1"), 0);
	assert_int_equal(schedule_next_at(f->db, b, "survey.1", &at), 0);
	/* nothing fires for it when its time comes */
	fx_set_clock(f, "2026-02-01T09:00:01.000Z");
	int64_t n = -1;
	assert_int_equal(schedule_run_due(f->db, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM jobs WHERE org_id = ?", DB_ARGS(DB_I(a))), 0);
	assert_int_equal(schedule_ensure(f->db, a, "survey.1", "probe", "{}", "0 9 1 * *", NULL), 0);
	assert_int_equal(schedule_next_at(f->db, a, "survey.1", &at), 0);
	assert_int_equal(at, fx_at_ms("2026-03-01T09:00:00Z"));
}

static void test_schedule_run_due(void **state)
{
	struct fx *f = *state;
	int64_t org = org_in(f, "Acme", "UTC");
	fx_set_clock(f, "2026-01-15T12:03:00.000Z");
	assert_int_equal(schedule_ensure(f->db, org, "tick", "probe", "{\"sleep_ms\":1}",
					 "*/10 * * * *", NULL),
			 0);
	int64_t sid = fx_int(f, "SELECT id FROM schedules", DB_NOARGS);
	int64_t n = -1;
	assert_int_equal(schedule_run_due(f->db, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM jobs", DB_NOARGS), 0);
	fx_set_clock(f, "2026-01-15T12:09:59.900Z");
	assert_int_equal(schedule_run_due(f->db, &n), 0);
	assert_int_equal(n, 0);

	int64_t fired = fx_set_clock(f, "2026-01-15T12:10:00.000Z");
	assert_int_equal(schedule_run_due(f->db, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(next_run(f, org, "tick"), fx_at_ms("2026-01-15T12:20:00Z"));
	int64_t last = fx_int(f, "SELECT last_run_at FROM schedules", DB_NOARGS);
	assert_true(last >= fired && last < fired + 5000);
	struct job j;
	int64_t jid = fx_int(f, "SELECT id FROM jobs", DB_NOARGS);
	fx_claim_is(f, "w:1:0", jid, &j);
	assert_int_equal(j.org_id, org);
	assert_string_equal(j.kind, "probe");
	assert_string_equal(j.payload, "{\"sleep_ms\":1}");
	assert_int_equal(j.schedule_id, sid);
	assert_int_equal(j.max_attempts, JOBS_MAX_ATTEMPTS);
	jobs_job_cleanup(&j);
	/* fired: not again until the next time */
	assert_int_equal(schedule_run_due(f->db, &n), 0);
	assert_int_equal(n, 0);
	/* a process that was down for several times fires once, not per missed time */
	fx_set_clock(f, "2026-01-15T12:45:00.000Z");
	assert_int_equal(schedule_run_due(f->db, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(next_run(f, org, "tick"), fx_at_ms("2026-01-15T12:50:00Z"));
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM jobs", DB_NOARGS), 2);
	/* n is optional; a disabled schedule does not fire */
	assert_int_equal(db_exec(f->db, "UPDATE schedules SET enabled = 0", DB_NOARGS), 0);
	fx_set_clock(f, "2026-01-15T13:45:00.000Z");
	assert_int_equal(schedule_run_due(f->db, NULL), 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM jobs", DB_NOARGS), 2);
}

enum { RACE_SCHEDULES = 30, RACE_THREADS = 2, RACE_ROUNDS = 4 };

struct racer {
	const char *url;
	pthread_barrier_t *start;
	int64_t n;
	int rc;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct db *db = NULL;
	struct brug_err err = {0};
	int rc = db_open(r->url, &db, &err);
	pthread_barrier_wait(r->start);
	if (!rc)
		rc = schedule_run_due(db, &r->n);
	r->rc = rc;
	db_close(db);
	return NULL;
}

static void test_schedule_race(void **state)
{
	struct fx *f = *state;
	fx_set_clock(f, "2026-01-15T12:03:00.000Z");
	for (int i = 0; i < RACE_SCHEDULES; i++) {
		char name[16];
		snprintf(name, sizeof(name), "s%02d", i);
		assert_int_equal(schedule_ensure(f->db, 0, name, "probe", "{}", "*/10 * * * *", NULL),
				 0);
	}
	for (int round = 1; round <= RACE_ROUNDS; round++) {
		fx_shift(f, 10 * 60 * 1000);
		pthread_barrier_t start;
		pthread_barrier_init(&start, NULL, RACE_THREADS);
		struct racer r[RACE_THREADS];
		pthread_t t[RACE_THREADS];
		for (int i = 0; i < RACE_THREADS; i++) {
			r[i] = (struct racer){.url = f->url, .start = &start, .n = -1};
			assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
		}
		int64_t sum = 0;
		for (int i = 0; i < RACE_THREADS; i++) {
			pthread_join(t[i], NULL);
			assert_int_equal(r[i].rc, 0);
			sum += r[i].n;
		}
		pthread_barrier_destroy(&start);
		assert_int_equal(sum, RACE_SCHEDULES);
		assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM jobs", DB_NOARGS),
				 (int64_t)round * RACE_SCHEDULES);
		/* one job per schedule per round */
		assert_int_equal(fx_int(f,
				       "SELECT COUNT(*) FROM (SELECT schedule_id FROM jobs"
				       " GROUP BY schedule_id HAVING COUNT(*) <> ?) AS x",
				       DB_ARGS(DB_I(round))),
				 0);
	}
}

/* "0 7 * * *" at 07:00 on each organisation's own clock. */
static void test_schedule_zones(void **state)
{
	struct fx *f = *state;
	int64_t ams = org_in(f, "Amsterdam", "Europe/Amsterdam");
	int64_t nyc = org_in(f, "New York", "America/New_York");
	static const struct {
		const char *now, *name, *ams, *nyc, *utc;
		int64_t diff_h; /* New York's 07:00 after Amsterdam's */
	} cases[] = {
		/* winter: CET +1, EST -5 */
		{"2026-01-15T12:00:00.000Z", "winter", "2026-01-16T06:00:00Z", "2026-01-16T12:00:00Z",
		 "2026-01-16T07:00:00Z", 6},
		/* New York on summer time already, Amsterdam not yet: EDT -4, CET +1 */
		{"2026-03-20T12:00:00.000Z", "march", "2026-03-21T06:00:00Z", "2026-03-21T11:00:00Z",
		 "2026-03-21T07:00:00Z", 5},
		/* summer: CEST +2, EDT -4 */
		{"2026-07-15T12:00:00.000Z", "summer", "2026-07-16T05:00:00Z", "2026-07-16T11:00:00Z",
		 "2026-07-16T07:00:00Z", 6},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fx_set_clock(f, cases[i].now);
		assert_int_equal(schedule_ensure(f->db, ams, cases[i].name, "probe", "{}", "0 7 * * *", NULL), 0);
		assert_int_equal(schedule_ensure(f->db, nyc, cases[i].name, "probe", "{}", "0 7 * * *", NULL), 0);
		assert_int_equal(schedule_ensure(f->db, 0, cases[i].name, "probe", "{}", "0 7 * * *", NULL), 0);
		int64_t a = next_run(f, ams, cases[i].name), n = next_run(f, nyc, cases[i].name);
		assert_int_equal(a, fx_at_ms(cases[i].ams));
		assert_int_equal(n, fx_at_ms(cases[i].nyc));
		assert_int_equal(n - a, cases[i].diff_h * HOUR_MS);
		assert_int_equal(next_run(f, 0, cases[i].name), fx_at_ms(cases[i].utc));
	}
	/* firing moves each to its next 07:00 on its own clock: Amsterdam's
	 * across the change to summer time on 29 March */
	assert_int_equal(db_exec(f->db, "DELETE FROM schedules WHERE name <> 'march'", DB_NOARGS), 0);
	fx_set_clock(f, "2026-03-28T06:00:00.000Z");
	assert_int_equal(db_exec(f->db, "UPDATE schedules SET next_run_at = ?",
				 DB_ARGS(DB_I(fx_at_ms("2026-03-28T06:00:00Z")))),
			 0);
	int64_t n = -1;
	assert_int_equal(schedule_run_due(f->db, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(next_run(f, ams, "march"), fx_at_ms("2026-03-29T05:00:00Z")); /* 07:00 CEST */
	assert_int_equal(next_run(f, nyc, "march"), fx_at_ms("2026-03-28T11:00:00Z")); /* 07:00 EDT */
	assert_int_equal(next_run(f, 0, "march"), fx_at_ms("2026-03-28T07:00:00Z"));
	/* the jobs belong to the schedules' organisations */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM jobs WHERE org_id = ?", DB_ARGS(DB_I(ams))), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM jobs WHERE org_id = ?", DB_ARGS(DB_I(nyc))), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM jobs WHERE org_id = 0", DB_NOARGS), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_schedule_ensure, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_schedule_invalid, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_schedule_remove, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_schedule_run_due, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_schedule_race, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_schedule_zones, fx_setup, fx_teardown),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	testdb_cleanup();
	return failed;
}

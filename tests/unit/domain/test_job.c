/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/domain/job.c, an organisation's window on the job queue:
 * its jobs only (never another organisation's), by state and by page; the
 * counts; a retry of a failed job, refused for one that has not failed or
 * is not the organisation's, and safe against a concurrent retry; probes;
 * the schedules; and the audit line each write leaves. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#include "core/rc.h"
#include "db/jobs.h"
#include "domain/job.h"
#include "util/clock.h"
#include "util/jx.h"

struct world {
	int64_t a, b, ann, bob;
	struct actor as_ann, as_bob, cli_a;
};

static struct world world(struct fx *f)
{
	struct world w = {0};
	w.a = fx_org(f, "Acme");
	w.b = fx_org(f, "Bolt");
	w.ann = fx_user(f, w.a, "ann@acme.nl", "Ann", ROLE_ADMIN);
	w.bob = fx_user(f, w.b, "bob@bolt.nl", "Bob", ROLE_ADMIN);
	w.as_ann = fx_actor(w.a, w.ann, "ann@acme.nl", "192.0.2.1");
	w.as_bob = fx_actor(w.b, w.bob, "bob@bolt.nl", "2001:db8::1");
	w.cli_a = fx_cli(w.a);
	return w;
}

static int64_t enqueue(struct fx *f, int64_t org, const char *kind, int max_attempts)
{
	struct job_new j = {.org_id = org, .kind = kind, .max_attempts = max_attempts};
	int64_t id = 0;
	assert_int_equal(jobs_enqueue(f->db, &j, &id), 0);
	return id;
}

/* Takes the next due job (asserted to be id) and fails it for good. */
static void fail_for_good(struct fx *f, int64_t id, const char *error)
{
	struct job j;
	for (;;) {
		assert_int_equal(jobs_claim(f->db, "w:1:0", &j), 0);
		assert_int_equal(j.id, id);
		bool last = j.attempts >= j.max_attempts;
		assert_int_equal(jobs_fail(f->db, &j, error), 0);
		jobs_job_cleanup(&j);
		if (last)
			break;
		fx_shift(f, 2 * 3600 * 1000); /* past any backoff */
	}
	char *state = fx_text(f, "SELECT state FROM jobs WHERE id = ?", DB_ARGS(DB_I(id)));
	assert_string_equal(state, "failed");
	free(state);
}

static void finish(struct fx *f, int64_t id)
{
	struct job j;
	assert_int_equal(jobs_claim(f->db, "w:1:0", &j), 0);
	assert_int_equal(j.id, id);
	assert_int_equal(jobs_done(f->db, &j), 0);
	jobs_job_cleanup(&j);
}

static json_t *list(struct fx *f, int64_t org, const char *state, int page, int per_page)
{
	json_t *out = NULL;
	assert_int_equal(job_list(f->db, org, state, (struct listing){page, per_page}, &out), 0);
	assert_non_null(out);
	return out;
}

/* The ids of a list's items, as "3,2,1". */
static const char *ids(json_t *l)
{
	static char s[512];
	size_t i, off = 0;
	json_t *e;
	s[0] = '\0';
	json_array_foreach(json_object_get(l, "items"), i, e)
		off += (size_t)snprintf(s + off, sizeof(s) - off, "%s%lld", i ? "," : "",
					(long long)jx_int(e, "id", -1));
	return s;
}

static const char *idlist(int n, const int64_t *v)
{
	static char s[512];
	size_t off = 0;
	s[0] = '\0';
	for (int i = 0; i < n; i++)
		off += (size_t)snprintf(s + off, sizeof(s) - off, "%s%lld", i ? "," : "", (long long)v[i]);
	return s;
}

static void test_list_per_org(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t a1 = enqueue(f, w.a, "probe", 0);
	int64_t b1 = enqueue(f, w.b, "probe", 0);
	int64_t a2 = enqueue(f, w.a, "housekeeping", 1);
	int64_t b2 = enqueue(f, w.b, "probe", 0);
	int64_t inst = enqueue(f, 0, "housekeeping", 0);
	int64_t a3 = enqueue(f, w.a, "probe", 0);

	json_t *l = list(f, w.a, NULL, 0, 0);
	int64_t want_a[] = {a3, a2, a1}; /* newest first */
	assert_string_equal(ids(l), idlist(3, want_a));
	assert_int_equal(jx_int(l, "total", -1), 3);
	assert_int_equal(jx_int(l, "page", -1), 1);
	assert_int_equal(jx_int(l, "per_page", -1), 50);
	assert_int_equal(jx_int(l, "pages", -1), 1);
	/* one item in full */
	json_t *e = json_array_get(json_object_get(l, "items"), 1);
	assert_int_equal(jx_int(e, "id", -1), a2);
	assert_string_equal(jx_str(e, "kind"), "housekeeping");
	assert_string_equal(jx_str(e, "state"), "queued");
	assert_int_equal(jx_int(e, "attempts", -1), 0);
	assert_int_equal(jx_int(e, "max_attempts", -1), 1);
	assert_true(json_is_null(json_object_get(e, "last_error")));
	assert_true(json_is_null(json_object_get(e, "finished_at")));
	assert_true(json_is_null(json_object_get(e, "worker")));
	assert_true(json_is_null(json_object_get(e, "schedule_id")));
	/* times as ISO 8601 UTC */
	int64_t ms = 0;
	assert_true(clock_parse_iso8601(jx_str(e, "run_at"), &ms));
	assert_true(ms > clock_now_ms() - 60000 && ms <= clock_now_ms());
	assert_true(clock_parse_iso8601(jx_str(e, "created_at"), &ms));
	assert_int_equal(json_object_size(e), 11);
	json_decref(l);

	l = list(f, w.b, NULL, 0, 0);
	int64_t want_b[] = {b2, b1};
	assert_string_equal(ids(l), idlist(2, want_b));
	json_decref(l);
	/* installation jobs belong to no organisation's page */
	l = list(f, 0, NULL, 0, 0);
	assert_string_equal(ids(l), idlist(1, &inst));
	json_decref(l);
	l = list(f, 999, NULL, 0, 0);
	assert_string_equal(ids(l), "");
	assert_int_equal(jx_int(l, "total", -1), 0);
	assert_int_equal(jx_int(l, "pages", -1), 1);
	json_decref(l);

	/* who ran a finished job */
	finish(f, a1);
	l = list(f, w.a, "done", 0, 0);
	assert_string_equal(ids(l), idlist(1, &a1));
	e = json_array_get(json_object_get(l, "items"), 0);
	assert_string_equal(jx_str(e, "worker"), "w:1:0");
	assert_int_equal(jx_int(e, "attempts", -1), 1);
	assert_true(clock_parse_iso8601(jx_str(e, "finished_at"), &ms));
	json_decref(l);
}

static void test_list_state_and_pages(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t id[7];
	for (int i = 0; i < 7; i++)
		id[i] = enqueue(f, w.a, "probe", 1);
	enqueue(f, w.b, "probe", 1); /* another org's, queued: never counted here */
	finish(f, id[0]);
	fail_for_good(f, id[1], "broken");
	finish(f, id[2]);
	struct job run;
	assert_int_equal(jobs_claim(f->db, "w:1:1", &run), 0);
	assert_int_equal(run.id, id[3]);
	jobs_job_cleanup(&run);

	json_t *l = list(f, w.a, "queued", 0, 0);
	int64_t q[] = {id[6], id[5], id[4]};
	assert_string_equal(ids(l), idlist(3, q));
	json_decref(l);
	l = list(f, w.a, "done", 0, 0);
	int64_t d[] = {id[2], id[0]};
	assert_string_equal(ids(l), idlist(2, d));
	json_decref(l);
	l = list(f, w.a, "running", 0, 0);
	assert_string_equal(ids(l), idlist(1, &id[3]));
	json_decref(l);
	l = list(f, w.a, "failed", 0, 0);
	assert_string_equal(ids(l), idlist(1, &id[1]));
	json_t *e = json_array_get(json_object_get(l, "items"), 0);
	assert_string_equal(jx_str(e, "last_error"), "broken");
	json_decref(l);
	l = list(f, w.a, "no-such-state", 0, 0);
	assert_string_equal(ids(l), "");
	json_decref(l);
	l = list(f, w.b, "failed", 0, 0);
	assert_string_equal(ids(l), "");
	json_decref(l);

	/* pages of three: 7 jobs, newest first */
	l = list(f, w.a, NULL, 1, 3);
	int64_t p1[] = {id[6], id[5], id[4]};
	assert_string_equal(ids(l), idlist(3, p1));
	assert_int_equal(jx_int(l, "total", -1), 7);
	assert_int_equal(jx_int(l, "page", -1), 1);
	assert_int_equal(jx_int(l, "per_page", -1), 3);
	assert_int_equal(jx_int(l, "pages", -1), 3);
	json_decref(l);
	l = list(f, w.a, NULL, 3, 3);
	assert_string_equal(ids(l), idlist(1, &id[0]));
	assert_int_equal(jx_int(l, "page", -1), 3);
	json_decref(l);
	l = list(f, w.a, NULL, 4, 3);
	assert_string_equal(ids(l), "");
	assert_int_equal(jx_int(l, "total", -1), 7);
	json_decref(l);
	/* paging within a state */
	l = list(f, w.a, "queued", 2, 2);
	assert_string_equal(ids(l), idlist(1, &id[4]));
	assert_int_equal(jx_int(l, "total", -1), 3);
	assert_int_equal(jx_int(l, "pages", -1), 2);
	json_decref(l);
	/* a page size above the cap is capped */
	l = list(f, w.a, NULL, 1, 100000);
	assert_int_equal(jx_int(l, "per_page", -1), 200);
	json_decref(l);
}

static void test_counts(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	json_t *c = NULL;
	assert_int_equal(job_counts(f->db, w.a, &c), 0);
	fx_json_eq(c, "{\"queued\":0,\"running\":0,\"done\":0,\"failed\":0}");
	json_decref(c);
	int64_t id[6];
	for (int i = 0; i < 6; i++)
		id[i] = enqueue(f, w.a, "probe", 1);
	for (int i = 0; i < 4; i++)
		enqueue(f, w.b, "probe", 1);
	finish(f, id[0]);
	finish(f, id[1]);
	fail_for_good(f, id[2], "x");
	struct job run;
	assert_int_equal(jobs_claim(f->db, "w:1:1", &run), 0);
	jobs_job_cleanup(&run);
	assert_int_equal(job_counts(f->db, w.a, &c), 0);
	fx_json_eq(c, "{\"queued\":2,\"running\":1,\"done\":2,\"failed\":1}");
	json_decref(c);
	assert_int_equal(job_counts(f->db, w.b, &c), 0);
	fx_json_eq(c, "{\"queued\":4,\"running\":0,\"done\":0,\"failed\":0}");
	json_decref(c);
}

static void test_retry(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t bad = enqueue(f, w.a, "probe", 2);
	fail_for_good(f, bad, "smtp said no");
	char *s = NULL;

	int64_t mark = fx_audit_mark(f);
	struct brug_err err = {0};
	int64_t before = clock_now_ms();
	assert_int_equal(job_retry(f->db, &w.as_ann, bad, &err), 0);
	int64_t after = clock_now_ms();
	fx_audit_one(f, mark, w.a, "job.retry", "job", bad, w.ann, "ann@acme.nl", "192.0.2.1", "{}");
	s = fx_text(f, "SELECT state FROM jobs WHERE id = ?", DB_ARGS(DB_I(bad)));
	assert_string_equal(s, "queued");
	free(s);
	assert_int_equal(fx_int(f, "SELECT attempts FROM jobs WHERE id = ?", DB_ARGS(DB_I(bad))), 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM jobs WHERE id = ? AND finished_at IS NULL",
				DB_ARGS(DB_I(bad))),
			 1);
	int64_t run_at = fx_int(f, "SELECT run_at FROM jobs WHERE id = ?", DB_ARGS(DB_I(bad)));
	assert_true(run_at >= before && run_at <= after);
	/* the last error stays until the job runs again */
	s = fx_text(f, "SELECT last_error FROM jobs WHERE id = ?", DB_ARGS(DB_I(bad)));
	assert_string_equal(s, "smtp said no");
	free(s);
	/* due at once, with all its attempts again */
	struct job j;
	assert_int_equal(jobs_claim(f->db, "w:1:0", &j), 0);
	assert_int_equal(j.id, bad);
	assert_int_equal(j.attempts, 1);
	assert_int_equal(j.max_attempts, 2);
	assert_int_equal(jobs_done(f->db, &j), 0);
	jobs_job_cleanup(&j);

	/* another organisation's failed job, or none at all: not found */
	int64_t theirs = enqueue(f, w.b, "probe", 1);
	fail_for_good(f, theirs, "theirs");
	int64_t missing[] = {theirs, 987654};
	for (size_t i = 0; i < 2; i++) {
		struct brug_err e = {0};
		mark = fx_audit_mark(f);
		assert_int_equal(job_retry(f->db, &w.as_ann, missing[i], &e), BRUG_ENOTFOUND);
		assert_string_equal(e.key, "error.not_found");
		fx_audit_none(f, mark);
	}
	s = fx_text(f, "SELECT state FROM jobs WHERE id = ?", DB_ARGS(DB_I(theirs)));
	assert_string_equal(s, "failed");
	free(s);

	/* only a failed job: a done, a running and a queued one are refused */
	int64_t done = enqueue(f, w.a, "probe", 0);
	int64_t running = enqueue(f, w.a, "probe", 0);
	struct job r;
	assert_int_equal(jobs_claim(f->db, "w:1:0", &r), 0);
	assert_int_equal(r.id, done);
	assert_int_equal(jobs_done(f->db, &r), 0);
	jobs_job_cleanup(&r);
	assert_int_equal(jobs_claim(f->db, "w:1:0", &r), 0);
	assert_int_equal(r.id, running);
	jobs_job_cleanup(&r);
	int64_t waiting = enqueue(f, w.a, "probe", 0);
	int64_t refused[] = {bad, done, running, waiting};
	for (size_t i = 0; i < 4; i++) {
		struct brug_err e = {0};
		mark = fx_audit_mark(f);
		assert_int_equal(job_retry(f->db, &w.cli_a, refused[i], &e), BRUG_ECONFLICT);
		assert_string_equal(e.key, "error.job_not_failed");
		fx_audit_none(f, mark);
		assert_false(db_in_tx(f->db));
	}
	assert_int_equal(fx_int(f, "SELECT attempts FROM jobs WHERE id = ?", DB_ARGS(DB_I(running))), 1);
	s = fx_text(f, "SELECT state FROM jobs WHERE id = ?", DB_ARGS(DB_I(running)));
	assert_string_equal(s, "running");
	free(s);

	/* its own organisation may; the command line too (err may be NULL) */
	mark = fx_audit_mark(f);
	struct actor cli_b = fx_cli(w.b);
	assert_int_equal(job_retry(f->db, &cli_b, theirs, NULL), 0);
	fx_audit_one(f, mark, w.b, "job.retry", "job", theirs, 0, "cli", "", "{}");
}

/* Two retries of one failed job race: the first queues it and a worker
 * takes it; the second, which saw it failed a moment before, must not put
 * the running job back in the queue (it would run twice at once). */
struct retrier {
	struct db *db;
	struct actor who;
	int64_t id;
	int rc;
};

static void *retry_thread(void *arg)
{
	struct retrier *r = arg;
	struct brug_err err = {0};
	r->rc = job_retry(r->db, &r->who, r->id, &err);
	return NULL;
}

static void test_retry_race(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t id = enqueue(f, w.a, "probe", 1);
	fail_for_good(f, id, "x");
	/* the first retry and the claim after it, not yet committed */
	struct db *other = fx_connect(f);
	assert_int_equal(db_begin(other), 0);
	assert_int_equal(db_exec(other,
				 "UPDATE jobs SET state = 'running', attempts = 1, locked_by = 'w:2:0',"
				 " locked_until = ?, finished_at = NULL WHERE id = ?",
				 DB_ARGS(DB_I(clock_now_ms() + 60000), DB_I(id))),
			 0);
	struct retrier r = {.db = fx_connect(f), .who = w.as_ann, .id = id, .rc = 99};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, retry_thread, &r), 0);
	if (!strcmp(db_backend(f->db), "postgres")) {
		/* wait until the second retry has read the row and waits for its lock */
		int64_t deadline = clock_mono_ns() + 10 * 1000000000LL, waiting = 0;
		while (!waiting && clock_mono_ns() < deadline)
			waiting = fx_int(f, "SELECT COUNT(*) FROM pg_locks WHERE NOT granted", DB_NOARGS);
		assert_true(waiting > 0);
	}
	/* (on SQLite the second retry waits for the write lock before it reads) */
	int64_t mark = fx_audit_mark(f);
	assert_int_equal(db_commit(other), 0);
	pthread_join(t, NULL);
	assert_int_equal(r.rc, BRUG_ECONFLICT);
	fx_audit_none(f, mark);
	char *s = fx_text(f, "SELECT state || ' ' || attempts || ' ' || locked_by FROM jobs WHERE id = ?",
			  DB_ARGS(DB_I(id)));
	assert_string_equal(s, "running 1 w:2:0");
	free(s);
	db_close(r.db);
	db_close(other);
}

static void test_probe(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t mark = fx_audit_mark(f);
	int64_t id = 0;
	assert_int_equal(job_probe(f->db, &w.as_ann, 250, false, 0, &id), 0);
	assert_true(id > 0);
	fx_audit_one(f, mark, w.a, "job.probe", "job", id, w.ann, "ann@acme.nl", "192.0.2.1", "{}");
	struct job j;
	assert_int_equal(jobs_claim(f->db, "w:1:0", &j), 0);
	assert_int_equal(j.id, id);
	assert_int_equal(j.org_id, w.a);
	assert_string_equal(j.kind, "probe");
	json_t *p = json_loads(j.payload, 0, NULL);
	fx_json_eq(p, "{\"sleep_ms\":250,\"fail\":false}");
	json_decref(p);
	assert_int_equal(j.max_attempts, JOBS_MAX_ATTEMPTS);
	assert_int_equal(j.lease_ms, JOBS_LEASE_MS);
	jobs_job_cleanup(&j);

	/* a failing probe gets two attempts; a lease of its own */
	mark = fx_audit_mark(f);
	assert_int_equal(job_probe(f->db, &w.cli_a, 0, true, 2000, &id), 0);
	fx_audit_one(f, mark, w.a, "job.probe", "job", id, 0, "cli", "", "{}");
	assert_int_equal(jobs_claim(f->db, "w:1:0", &j), 0);
	assert_int_equal(j.id, id);
	p = json_loads(j.payload, 0, NULL);
	fx_json_eq(p, "{\"sleep_ms\":0,\"fail\":true}");
	json_decref(p);
	assert_int_equal(j.max_attempts, 2);
	assert_int_equal(j.lease_ms, 2000);
	jobs_job_cleanup(&j);
	/* id is optional */
	assert_int_equal(job_probe(f->db, &w.as_bob, 0, false, 0, NULL), 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM jobs WHERE org_id = ?", DB_ARGS(DB_I(w.b))), 1);
	assert_false(db_in_tx(f->db));
}

static void test_schedules(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	json_t *s = NULL;
	assert_int_equal(job_schedules(f->db, w.a, &s), 0);
	fx_json_eq(s, "{\"items\":[]}");
	json_decref(s);
	assert_int_equal(schedule_ensure(f->db, w.a, "morning", "probe", "{}", "0 7 * * *", NULL), 0);
	assert_int_equal(schedule_ensure(f->db, w.a, "evening", "probe", "{}", "0 19 * * *", NULL), 0);
	assert_int_equal(schedule_ensure(f->db, w.b, "theirs", "probe", "{}", "0 7 * * *", NULL), 0);
	assert_int_equal(schedule_ensure(f->db, 0, "housekeeping", "housekeeping", "{}", "*/10 * * * *", NULL), 0);
	assert_int_equal(db_exec(f->db, "UPDATE schedules SET enabled = 0 WHERE name = 'evening'", DB_NOARGS), 0);
	assert_int_equal(job_schedules(f->db, w.a, &s), 0);
	json_t *items = json_object_get(s, "items");
	assert_int_equal(json_array_size(items), 2);
	json_t *e0 = json_array_get(items, 0), *e1 = json_array_get(items, 1);
	/* by name */
	assert_string_equal(jx_str(e0, "name"), "evening");
	assert_string_equal(jx_str(e1, "name"), "morning");
	assert_string_equal(jx_str(e1, "kind"), "probe");
	assert_string_equal(jx_str(e1, "cron"), "0 7 * * *");
	assert_true(json_is_true(json_object_get(e1, "is_enabled")));
	assert_true(json_is_false(json_object_get(e0, "is_enabled")));
	assert_true(json_is_null(json_object_get(e1, "last_run_at")));
	int64_t next = 0;
	assert_true(clock_parse_iso8601(jx_str(e1, "next_run_at"), &next));
	assert_int_equal(next, fx_int(f, "SELECT next_run_at FROM schedules WHERE name = 'morning'", DB_NOARGS));
	assert_true(jx_int(e1, "id", 0) > 0);
	assert_int_equal(json_object_size(e1), 7);
	json_decref(s);
	assert_int_equal(job_schedules(f->db, w.b, &s), 0);
	assert_int_equal(json_array_size(json_object_get(s, "items")), 1);
	assert_string_equal(jx_str(json_array_get(json_object_get(s, "items"), 0), "name"), "theirs");
	json_decref(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_list_per_org), FX_TEST(test_list_state_and_pages),
		FX_TEST(test_counts),       FX_TEST(test_retry),
		FX_TEST(test_retry_race),   FX_TEST(test_probe),
		FX_TEST(test_schedules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The job queue and schedules; see jobs.h. A claim is one UPDATE of the
 * next due row inside a write transaction: on PostgreSQL the row is picked
 * with FOR UPDATE SKIP LOCKED, so concurrent workers take different jobs;
 * on SQLite the transaction's write lock serialises the claims. The claim
 * raises attempts, so a job taken twice (a lease that expired under a slow
 * worker) shows it. */
#include "db/jobs.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/secure.h"
#include "util/clock.h"
#include "util/cron.h"
#include "util/log.h"
#include "util/tz.h"
#include "util/xmalloc.h"

#define BACKOFF_BASE_MS 10000
#define BACKOFF_MAX_MS 3600000

int jobs_enqueue(struct db *db, const struct job_new *j, int64_t *id)
{
	int64_t now = clock_now_ms(), got = 0;
	int rc = db_int_query(
		db, &got,
		"INSERT INTO jobs (org_id, kind, payload, run_at, max_attempts, lease_ms, schedule_id,"
		" created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		DB_ARGS(DB_I(j->org_id), DB_T(j->kind), DB_T(j->payload ? j->payload : "{}"),
			DB_I(j->run_at ? j->run_at : now),
			DB_I(j->max_attempts > 0 ? j->max_attempts : JOBS_MAX_ATTEMPTS),
			DB_I(j->lease_ms > 0 ? j->lease_ms : JOBS_LEASE_MS), DB_I0(j->schedule_id),
			DB_I(now), DB_I(now)));
	if (!rc && id)
		*id = got;
	return rc;
}

static void fill(struct db_rows *r, const char *worker, struct job *out)
{
	memset(out, 0, sizeof(*out));
	out->id = db_int(r, 0);
	out->org_id = db_int(r, 1);
	snprintf(out->kind, sizeof(out->kind), "%s", db_text(r, 2) ? db_text(r, 2) : "");
	out->payload = xstrdup(db_text(r, 3) ? db_text(r, 3) : "{}");
	out->attempts = (int)db_int(r, 4);
	out->max_attempts = (int)db_int(r, 5);
	out->lease_ms = db_int(r, 6);
	out->schedule_id = db_int(r, 7);
	snprintf(out->worker, sizeof(out->worker), "%s", worker);
}

int jobs_claim(struct db *db, const char *worker, struct job *out)
{
	char sql[600];
	snprintf(sql, sizeof(sql),
		 "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = ?,"
		 " locked_until = ? + lease_ms, updated_at = ?"
		 " WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= ?"
		 " ORDER BY run_at, id LIMIT 1%s)"
		 " RETURNING id, org_id, kind, payload, attempts, max_attempts, lease_ms,"
		 " COALESCE(schedule_id, 0)",
		 db_sql_skip_locked(db));
	int64_t now = clock_now_ms();
	struct db_rows *r = NULL;
	int rc = db_begin(db);
	if (!rc)
		rc = db_query(db, &r, sql,
			      DB_ARGS(DB_T(worker), DB_I(now), DB_I(now), DB_I(now)));
	int found = rc ? rc : db_next(r);
	if (found == 1)
		fill(r, worker, out);
	db_rows_free(r);
	if (!rc && found < 0)
		rc = found;
	rc = db_finish(db, rc);
	if (!rc && found == 0)
		return BRUG_ENOTFOUND;
	if (rc && found == 1)
		jobs_job_cleanup(out);
	return rc;
}

int jobs_done(struct db *db, const struct job *j)
{
	int64_t now = clock_now_ms();
	int rc = db_exec(db,
			 "UPDATE jobs SET state = 'done', finished_at = ?, updated_at = ?,"
			 " locked_until = NULL WHERE id = ? AND state = 'running' AND locked_by = ?",
			 DB_ARGS(DB_I(now), DB_I(now), DB_I(j->id), DB_T(j->worker)));
	if (!rc && db_changes(db) == 0) {
		log_warn("msg=\"job finished after its lease was lost\" job=%lld kind=%s",
			 (long long)j->id, j->kind);
		return BRUG_ECONFLICT;
	}
	return rc;
}

/* the first backoff: a setting of the process, read by every worker */
static _Atomic int64_t backoff_base = BACKOFF_BASE_MS;

void jobs_backoff_base_set(int64_t ms)
{
	atomic_store(&backoff_base, ms > 0 ? ms : BACKOFF_BASE_MS);
}

int64_t jobs_backoff_ms(int attempts)
{
	int64_t ms = atomic_load(&backoff_base);
	for (int i = 1; i < attempts && ms < BACKOFF_MAX_MS; i++)
		ms *= 2;
	return ms < BACKOFF_MAX_MS ? ms : BACKOFF_MAX_MS;
}

int jobs_fail(struct db *db, const struct job *j, const char *error)
{
	int64_t now = clock_now_ms();
	char msg[JOBS_ERROR_MAX + 1];
	snprintf(msg, sizeof(msg), "%s", error && *error ? error : "failed");
	bool last = j->attempts >= j->max_attempts;
	/* jitter of up to a fifth, so jobs that failed together spread out */
	uint32_t r;
	secure_random(&r, sizeof(r));
	int64_t wait = jobs_backoff_ms(j->attempts);
	wait += (int64_t)(r % (uint32_t)(wait / 5 + 1));
	int rc = db_exec(db,
			 "UPDATE jobs SET state = ?, run_at = ?, last_error = ?, updated_at = ?,"
			 " finished_at = ?, locked_until = NULL"
			 " WHERE id = ? AND state = 'running' AND locked_by = ?",
			 DB_ARGS(DB_T(last ? "failed" : "queued"), DB_I(now + wait), DB_T(msg),
				 DB_I(now), DB_I0(last ? now : 0), DB_I(j->id), DB_T(j->worker)));
	if (!rc && db_changes(db) == 0)
		return BRUG_ECONFLICT;
	if (!rc && last)
		log_warn("msg=\"job failed for good\" job=%lld kind=%s attempts=%d error=\"%.200s\"",
			 (long long)j->id, j->kind, j->attempts, msg);
	return rc;
}

int jobs_reap(struct db *db, int64_t *n)
{
	int64_t now = clock_now_ms(), parked = 0, queued = 0;
	int rc = db_begin(db);
	if (!rc)
		rc = db_exec(db,
			     "UPDATE jobs SET state = 'failed', finished_at = ?, updated_at = ?,"
			     " last_error = 'the worker running it stopped; no attempts left',"
			     " locked_by = NULL, locked_until = NULL"
			     " WHERE state = 'running' AND locked_until < ? AND attempts >= max_attempts",
			     DB_ARGS(DB_I(now), DB_I(now), DB_I(now)));
	if (!rc)
		parked = db_changes(db);
	if (!rc)
		rc = db_exec(db,
			     "UPDATE jobs SET state = 'queued', run_at = ?, updated_at = ?,"
			     " last_error = 'the worker running it stopped', locked_by = NULL,"
			     " locked_until = NULL WHERE state = 'running' AND locked_until < ?",
			     DB_ARGS(DB_I(now), DB_I(now), DB_I(now)));
	if (!rc)
		queued = db_changes(db);
	rc = db_finish(db, rc);
	if (!rc && (parked || queued))
		log_warn("msg=\"jobs of a stopped worker taken back\" queued=%lld failed=%lld",
			 (long long)queued, (long long)parked);
	if (!rc && n)
		*n = parked + queued;
	return rc;
}

int jobs_purge(struct db *db, int64_t keep_ms, int64_t *n)
{
	int rc = db_exec(db, "DELETE FROM jobs WHERE state = 'done' AND finished_at < ?",
			 DB_ARGS(DB_I(clock_now_ms() - keep_ms)));
	if (!rc && n)
		*n = db_changes(db);
	return rc;
}

void jobs_job_cleanup(struct job *j)
{
	if (j)
		xfreep(&j->payload);
}

/* The zone an organisation's schedules are read in (UTC for org 0). */
static const struct tz *zone_of(struct db *db, int64_t org)
{
	char *name = NULL;
	const struct tz *z = NULL;
	if (org && db_text_query(db, &name, "SELECT timezone FROM orgs WHERE org_id = ?",
				 DB_ARGS(DB_I(org))) == 0)
		z = tz_get(name);
	free(name);
	return z ? z : tz_get("UTC");
}

static int next_time(struct db *db, int64_t org, const char *expr, int64_t after, int64_t *next,
		     struct brug_err *err)
{
	struct cron *c = NULL;
	int rc = cron_parse(expr, &c, err);
	if (rc)
		return rc;
	*next = cron_next(c, zone_of(db, org), after);
	cron_free(c);
	if (*next < 0)
		return brug_failf(err, BRUG_EINVAL, "error.cron", NULL, "%s never fires", expr);
	return 0;
}

int schedule_ensure(struct db *db, int64_t org_id, const char *name, const char *kind,
		    const char *payload, const char *cron, struct brug_err *err)
{
	int64_t now = clock_now_ms(), next = 0;
	int rc = next_time(db, org_id, cron, now, &next, err);
	if (rc)
		return rc;
	/* an unchanged schedule keeps its next time; a changed one starts over */
	return db_exec(db,
		       "INSERT INTO schedules (org_id, name, kind, payload, cron, next_run_at,"
		       " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
		       " ON CONFLICT (org_id, name) DO UPDATE SET kind = excluded.kind,"
		       " payload = excluded.payload, updated_at = excluded.updated_at,"
		       " next_run_at = CASE WHEN schedules.cron = excluded.cron"
		       " THEN schedules.next_run_at ELSE excluded.next_run_at END,"
		       " cron = excluded.cron",
		       DB_ARGS(DB_I(org_id), DB_T(name), DB_T(kind), DB_T(payload ? payload : "{}"),
			       DB_T(cron), DB_I(next), DB_I(now), DB_I(now)));
}

int schedule_remove(struct db *db, int64_t org_id, const char *name)
{
	return db_exec(db, "DELETE FROM schedules WHERE org_id = ? AND name = ?",
		       DB_ARGS(DB_I(org_id), DB_T(name)));
}

int schedule_next_at(struct db *db, int64_t org_id, const char *name, int64_t *at)
{
	return db_int_query(db, at,
			    "SELECT next_run_at FROM schedules WHERE org_id = ? AND name = ?"
			    " AND enabled = 1",
			    DB_ARGS(DB_I(org_id), DB_T(name)));
}

/* Fires one due schedule: moves it to its next time (only if nobody else
 * did first) and queues its job, in one transaction. */
static int fire(struct db *db, int64_t id, int64_t org, const char *kind, const char *payload,
		const char *cron, int64_t due, bool *fired)
{
	int64_t now = clock_now_ms(), next = 0;
	struct brug_err err = {0};
	*fired = false;
	int rc = next_time(db, org, cron, now, &next, &err);
	if (rc) {
		/* a schedule that cannot fire again is switched off, not retried */
		log_error("msg=\"schedule disabled\" schedule=%lld detail=\"%s\"", (long long)id, err.detail);
		return db_exec(db, "UPDATE schedules SET enabled = 0, updated_at = ? WHERE id = ?",
			       DB_ARGS(DB_I(now), DB_I(id)));
	}
	if ((rc = db_begin(db)))
		return rc;
	rc = db_exec(db,
		     "UPDATE schedules SET next_run_at = ?, last_run_at = ?, updated_at = ?"
		     " WHERE id = ? AND next_run_at = ? AND enabled = 1",
		     DB_ARGS(DB_I(next), DB_I(now), DB_I(now), DB_I(id), DB_I(due)));
	if (!rc && db_changes(db) == 1) {
		struct job_new j = {.org_id = org, .kind = kind, .payload = payload, .schedule_id = id};
		rc = jobs_enqueue(db, &j, NULL);
		*fired = !rc;
	}
	return db_finish(db, rc);
}

int schedule_run_due(struct db *db, int64_t *n)
{
	struct db_rows *r = NULL;
	int64_t count = 0;
	int rc = db_query(db, &r,
			  "SELECT id, org_id, kind, payload, cron, next_run_at FROM schedules"
			  " WHERE enabled = 1 AND next_run_at <= ? ORDER BY next_run_at LIMIT 100",
			  DB_ARGS(DB_I(clock_now_ms())));
	if (rc)
		return rc;
	/* read them all first: firing writes, and the rows must not be open */
	struct due {
		int64_t id, org, at;
		char *kind, *payload, *cron;
	} due[100];
	int nd = 0, more = 0;
	while (nd < 100 && (more = db_next(r)) == 1) {
		due[nd] = (struct due){db_int(r, 0), db_int(r, 1), db_int(r, 5),
				       xstrdup(db_text(r, 2)), xstrdup(db_text(r, 3)),
				       xstrdup(db_text(r, 4))};
		nd++;
	}
	db_rows_free(r);
	if (more < 0)
		rc = more;
	for (int i = 0; i < nd; i++) {
		bool fired = false;
		if (!rc)
			rc = fire(db, due[i].id, due[i].org, due[i].kind, due[i].payload, due[i].cron,
				  due[i].at, &fired);
		count += fired;
		free(due[i].kind);
		free(due[i].payload);
		free(due[i].cron);
	}
	if (!rc && n)
		*n = count;
	return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The durable job queue: everything that leaves the process or runs later
 * (mail, webhooks, reminders, the daily digest, housekeeping) is a row in
 * jobs, claimed by one worker of any brug process under a lease, retried
 * with exponential backoff, and parked as failed after max_attempts. A
 * worker that dies leaves its lease to expire; jobs_reap then queues the
 * job again, so nothing is lost, and a job may run again after a crash
 * (handlers are written to be safe to repeat). Recurring jobs come from
 * schedules: a cron expression read on the organisation's clock.
 * PostgreSQL claims with FOR UPDATE SKIP LOCKED, SQLite under its write
 * lock; either way one job goes to one worker. locked_by keeps the name of
 * the last worker that took a job, also after it finished. */
#ifndef BRUG_DB_JOBS_H
#define BRUG_DB_JOBS_H

#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"

#define JOBS_MAX_ATTEMPTS 8
#define JOBS_LEASE_MS 60000
#define JOBS_ERROR_MAX 1000 /* bytes of last_error kept */

struct job {
	int64_t id;
	int64_t org_id; /* 0: an installation job */
	char kind[64];
	char *payload; /* JSON text, owned (jobs_job_cleanup) */
	int attempts;  /* including this one */
	int max_attempts;
	int64_t lease_ms;
	int64_t schedule_id;
	char worker[96]; /* who holds the lease */
};

struct job_new {
	int64_t org_id;
	const char *kind;
	const char *payload; /* JSON text; NULL: "{}" */
	int64_t run_at;      /* 0: now */
	int max_attempts;    /* 0: JOBS_MAX_ATTEMPTS */
	int64_t lease_ms;    /* 0: JOBS_LEASE_MS */
	int64_t schedule_id; /* 0: none */
};

/* Queues a job; its id in *id (may be NULL). */
int jobs_enqueue(struct db *db, const struct job_new *j, int64_t *id);
/* Claims the next due job for worker (a name unique to the thread, e.g.
 * "host:pid:thread"); BRUG_ENOTFOUND when none is due. */
int jobs_claim(struct db *db, const char *worker, struct job *out);
/* The claimed job succeeded. BRUG_ECONFLICT when its lease was lost (it
 * ran too long and another worker took it). */
int jobs_done(struct db *db, const struct job *j);
/* The claimed job failed: queued again after a backoff (10 s by default,
 * see jobs_backoff_base_set, doubling per
 * attempt, at most an hour, with jitter), or parked as failed after its
 * last attempt. */
int jobs_fail(struct db *db, const struct job *j, const char *error);
/* Queues again the jobs whose worker stopped without finishing them (their
 * lease expired); *n how many (may be NULL). Parks those out of attempts. */
int jobs_reap(struct db *db, int64_t *n);
/* Removes finished (done) jobs older than keep_ms. */
int jobs_purge(struct db *db, int64_t keep_ms, int64_t *n);
void jobs_job_cleanup(struct job *j);
/* The backoff before attempt n + 1, without jitter (for tests). */
int64_t jobs_backoff_ms(int attempts);
/* Sets the first backoff for this process (the job-backoff-ms setting;
 * 10 s until set), doubling per attempt up to an hour. Call before workers
 * start; thread-safe. */
void jobs_backoff_base_set(int64_t ms);

/* Creates or updates the schedule (org_id, name): kind and payload run on
 * the cron expression, read on the organisation's clock (installation
 * schedules, org 0, on UTC). BRUG_EINVAL for a bad expression. */
int schedule_ensure(struct db *db, int64_t org_id, const char *name, const char *kind,
		    const char *payload, const char *cron, struct brug_err *err);
/* Removes the schedule (org_id, name); no such schedule is fine. Jobs it
 * already queued stay queued. */
int schedule_remove(struct db *db, int64_t org_id, const char *name);
/* When the enabled schedule (org_id, name) fires next (UTC ms) in *at;
 * BRUG_ENOTFOUND when there is none or it is switched off. */
int schedule_next_at(struct db *db, int64_t org_id, const char *name, int64_t *at);
/* Queues one job for each schedule that is due and moves it to its next
 * time; safe when several processes do it at once (each schedule fires
 * once). *n jobs queued (may be NULL). */
int schedule_run_due(struct db *db, int64_t *n);

#endif

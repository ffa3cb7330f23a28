/* SPDX-License-Identifier: Apache-2.0 */
/* The workers that run background jobs (db/jobs.h) inside `brug serve`:
 * a few threads per process, each with its own database connection, taking
 * due jobs, running them by kind, and recording success or failure. A
 * keeper thread beside them renews the leases of the jobs they run (a job
 * may run longer than its lease; only a stopped process loses its jobs),
 * fires due schedules and takes back jobs of stopped workers.
 * Any number of processes may run workers on one database. */
#ifndef BRUG_JOBS_WORKER_H
#define BRUG_JOBS_WORKER_H

#include <jansson.h>

#include "core/config.h"
#include "core/rc.h"
#include "core/secure.h"
#include "db/db.h"
#include "db/jobs.h"
#include "domain/outbox.h"

struct i18n;
struct mustache_set;

/* What jobs that write mail or links share, loaded once per process: the
 * built-in templates and catalogs, the installation secret (answer-link
 * tokens) and the mail settings. Read-only once made; threads share it. */
struct job_env {
	struct mustache_set *views;
	struct i18n *cat;
	unsigned char secret[SECURE_KEY_BYTES];
	struct mail_env mail;
};

/* Loads env for cfg over db (which reads or creates the secret). Fails
 * with err set when mail-from is not an address or the database cannot
 * be read; env is then cleaned up. */
int job_env_init(struct job_env *env, struct db *db, const struct config *cfg,
		 struct brug_err *err);
void job_env_cleanup(struct job_env *env);

/* What a job's code gets: its own connection (no transaction open), the
 * job, its payload parsed, and room for an error message. */
struct job_ctx {
	struct db *db;
	const struct job *job;
	json_t *payload; /* an object (borrowed) */
	const struct config *cfg;
	const struct job_env *env; /* NULL when it could not be loaded */
	char error[JOBS_ERROR_MAX + 1]; /* why it failed, when it returns non-zero */
};

typedef int (*job_fn)(struct job_ctx *ctx);

struct job_kind {
	const char *name;
	job_fn run;
	const char *summary;
};

/* Every kind of job (jobs/kinds.c). */
extern const struct job_kind job_kinds[];
extern const size_t job_kinds_count;
const struct job_kind *job_kind_find(const char *name);

struct workers;

/* Starts n worker threads on pool's database (n may be 0: none). cfg must
 * outlive them. */
struct workers *workers_start(struct db_pool *pool, const struct config *cfg, int n);
/* Stops taking jobs, lets running ones finish for up to timeout_s, and
 * frees what it can; a job still running then is left to its lease. */
void workers_stop(struct workers *w, int timeout_s);
/* This process's name in job leases, "host:pid". */
const char *workers_name(void);

#endif

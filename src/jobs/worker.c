/* SPDX-License-Identifier: Apache-2.0 */
/* Job workers; see worker.h. An idle worker looks for work once a second
 * (with a little jitter, so processes do not poll in step); a busy one
 * takes the next job at once. A keeper thread renews the leases of the
 * jobs this process runs, so only a process that stopped lets them expire,
 * and it fires due schedules and takes back jobs of stopped workers even
 * while every worker is busy. */
#include "jobs/worker.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/i18n.h"
#include "core/secure.h"
#include "domain/setting.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/xmalloc.h"
#include "view/mustache.h"

#define POLL_MS 1000
#define TICK_MS 1000 /* how often schedules and stopped workers are looked at */
#define KEEP_MS 250  /* how often the keeper looks at the leases it keeps */
#define OUTAGE_MAX_MS 16000 /* the longest wait between tries while the
			     * database cannot be reached */

/* The wait after the n-th failure in a row to reach the queue: base
 * doubled each time, at most OUTAGE_MAX_MS, so an outage costs a few log
 * lines a minute rather than several a second. */
static int64_t outage_wait(int64_t base, int n)
{
	int64_t ms = base;
	while (n-- > 1 && ms < OUTAGE_MAX_MS)
		ms *= 2;
	return ms < OUTAGE_MAX_MS ? ms : OUTAGE_MAX_MS;
}

struct worker {
	struct workers *pool;
	pthread_t thread;
	int index;
	atomic_bool finished;
	char name[128];
	/* the job it runs (0: none), its lease, and when (monotonic ms) the
	 * keeper renews that next; under pool->lock */
	int64_t job, lease_ms, renew_at;
};

struct workers {
	struct db_pool *db;
	const struct config *cfg;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	atomic_bool stop;
	atomic_bool keeper_stop; /* set once the workers have finished */
	pthread_t keeper;
	bool keeper_started;
	int n;
	struct worker *w;
	struct job_env env; /* loaded on first use (the database may be down at start) */
	bool env_ready;     /* under lock */
};

static char process_name[96];
static pthread_once_t name_once = PTHREAD_ONCE_INIT;

static void make_name(void)
{
	char host[64] = "host";
	gethostname(host, sizeof(host));
	host[sizeof(host) - 1] = '\0';
	snprintf(process_name, sizeof(process_name), "%s:%d", host, (int)getpid());
}

const char *workers_name(void)
{
	pthread_once(&name_once, make_name);
	return process_name;
}

const struct job_kind *job_kind_find(const char *name)
{
	for (size_t i = 0; i < job_kinds_count; i++)
		if (!strcmp(job_kinds[i].name, name))
			return &job_kinds[i];
	return NULL;
}

/* Waits up to ms for a wake-up or until *stop is set. */
static void nap(struct workers *p, int64_t ms, atomic_bool *stop)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&p->lock);
	if (!atomic_load(stop))
		pthread_cond_timedwait(&p->wake, &p->lock, &until);
	pthread_mutex_unlock(&p->lock);
}

int job_env_init(struct job_env *env, struct db *db, const struct config *cfg,
		 struct brug_err *err)
{
	memset(env, 0, sizeof(*env));
	int rc = mail_env_init(&env->mail, cfg, err);
	if (!rc && (rc = setting_secret(db, env->secret)))
		brug_failf(err, rc, "error.database", NULL, "cannot read the installation secret");
	if (!rc)
		rc = i18n_load(NULL, &env->cat, err);
	if (!rc)
		env->views = mustache_set_embedded();
	if (rc)
		job_env_cleanup(env);
	return rc;
}

void job_env_cleanup(struct job_env *env)
{
	if (!env)
		return;
	mustache_set_free(env->views);
	i18n_free(env->cat);
	env->views = NULL;
	env->cat = NULL;
	sodium_memzero(env->secret, sizeof(env->secret));
}

/* The shared job environment, loaded by the first job that runs; NULL
 * (logged) while it cannot be. */
static const struct job_env *env_of(struct workers *p, struct db *db)
{
	pthread_mutex_lock(&p->lock);
	if (!p->env_ready) {
		struct brug_err err = {0};
		if (!job_env_init(&p->env, db, p->cfg, &err))
			p->env_ready = true;
		else
			log_error("msg=\"cannot load what jobs need for mail\" detail=\"%s\"", err.detail);
	}
	pthread_mutex_unlock(&p->lock);
	return p->env_ready ? &p->env : NULL;
}

static void run_one(struct worker *w, struct db *db, struct job *j)
{
	struct job_ctx ctx = {.db = db, .job = j, .cfg = w->pool->cfg, .env = env_of(w->pool, db)};
	const struct job_kind *k = job_kind_find(j->kind);
	json_error_t je;
	json_t *payload = json_loads(j->payload, 0, &je);
	int64_t start = clock_mono_ns();
	int rc;
	if (!k) {
		snprintf(ctx.error, sizeof(ctx.error), "unknown job kind %s", j->kind);
		rc = BRUG_EINVAL;
	} else if (!json_is_object(payload)) {
		snprintf(ctx.error, sizeof(ctx.error), "payload is not a JSON object");
		rc = BRUG_EINVAL;
	} else {
		ctx.payload = payload;
		rc = k->run(&ctx);
		if (db_in_tx(db)) { /* a job that forgot its transaction */
			log_error("msg=\"job left a transaction open\" kind=%s", j->kind);
			while (db_in_tx(db))
				db_rollback(db);
		}
	}
	json_decref(payload);
	double ms = (double)(clock_mono_ns() - start) / 1e6;
	int done = rc ? jobs_fail(db, j, ctx.error[0] ? ctx.error : rc_code(rc)) : jobs_done(db, j);
	if (done && done != BRUG_ECONFLICT)
		log_error("msg=\"cannot record a job's outcome\" job=%lld rc=%d", (long long)j->id, done);
	log_info("msg=\"job\" id=%lld kind=%s attempt=%d outcome=%s worker=%s ms=%.1f",
		 (long long)j->id, j->kind, j->attempts, rc ? "failed" : "done", w->name, ms);
}

static int64_t mono_ms(void)
{
	return clock_mono_ns() / 1000000;
}

/* Tells the keeper which job w runs (0: none). Its claim set the lease;
 * the first renewal is due after a third of it. */
static void set_job(struct worker *w, const struct job *j)
{
	pthread_mutex_lock(&w->pool->lock);
	w->job = j ? j->id : 0;
	w->lease_ms = j ? j->lease_ms : 0;
	w->renew_at = j ? mono_ms() + j->lease_ms / 3 : 0;
	pthread_mutex_unlock(&w->pool->lock);
}

/* Renews each lease that is a third through: locked_until becomes now
 * plus the lease again, as long as the job is still this worker's (a
 * lease already lost stays lost). */
static void renew(struct workers *p, struct db *db)
{
	for (int i = 0; i < p->n; i++) {
		struct worker *w = &p->w[i];
		pthread_mutex_lock(&p->lock);
		int64_t id = w->job, lease = w->lease_ms, due = w->renew_at;
		pthread_mutex_unlock(&p->lock);
		if (!id || mono_ms() < due)
			continue;
		if (db_exec(db,
			    "UPDATE jobs SET locked_until = ? WHERE id = ? AND state = 'running'"
			    " AND locked_by = ?",
			    DB_ARGS(DB_I(clock_now_ms() + lease), DB_I(id), DB_T(w->name))))
			log_warn("msg=\"cannot renew a job's lease\" job=%lld", (long long)id);
		pthread_mutex_lock(&p->lock);
		if (w->job == id)
			w->renew_at = mono_ms() + lease / 3;
		pthread_mutex_unlock(&p->lock);
	}
}

/* Takes back jobs of stopped workers and fires due schedules; false if
 * the database could not be reached for either (warned on the first
 * failure of a run of them only). */
static bool tick(struct db *db, int fails)
{
	int64_t n = 0;
	int reap = jobs_reap(db, &n);
	int due = schedule_run_due(db, &n);
	if (reap && !fails)
		log_warn("msg=\"cannot look for jobs of stopped workers\" rc=%s", rc_code(reap));
	if (due && !fails)
		log_warn("msg=\"cannot fire due schedules\" rc=%s", rc_code(due));
	return !reap && !due;
}

/* The keeper: leases, schedules and stopped workers. It runs until the
 * workers have finished, so a job finishing during shutdown keeps its
 * lease. */
static void *keep(void *arg)
{
	struct workers *p = arg;
	int64_t last_tick = 0;
	int fails = 0;
	while (!atomic_load(&p->keeper_stop)) {
		struct db *db = NULL;
		if (db_pool_get(p->db, &db, NULL) == 0) {
			renew(p, db);
			if (!atomic_load(&p->stop) &&
			    mono_ms() - last_tick >= outage_wait(TICK_MS, fails)) {
				fails = tick(db, fails) ? 0 : fails + 1;
				last_tick = mono_ms();
			}
		}
		nap(p, KEEP_MS, &p->keeper_stop);
	}
	return NULL;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct workers *p = w->pool;
	int fails = 0; /* failures in a row to reach the queue */
	while (!atomic_load(&p->stop)) {
		struct db *db = NULL;
		if (db_pool_get(p->db, &db, NULL)) {
			nap(p, POLL_MS, &p->stop);
			continue;
		}
		struct job j;
		int rc = jobs_claim(db, w->name, &j);
		if (rc == 0 || rc == BRUG_ENOTFOUND) {
			if (fails)
				log_info("msg=\"the job queue can be reached again\" worker=%s", w->name);
			fails = 0;
		}
		if (rc == 0) {
			set_job(w, &j);
			run_one(w, db, &j);
			set_job(w, NULL);
			jobs_job_cleanup(&j);
			continue;
		}
		if (rc != BRUG_ENOTFOUND && !fails++)
			log_warn("msg=\"cannot take a job\" rc=%s worker=%s", rc_code(rc), w->name);
		uint32_t jitter = 0;
		secure_random(&jitter, sizeof(jitter));
		nap(p, outage_wait(POLL_MS, fails) + jitter % 200, &p->stop);
	}
	atomic_store(&w->finished, true);
	return NULL;
}

struct workers *workers_start(struct db_pool *pool, const struct config *cfg, int n)
{
	struct workers *p = xcalloc(1, sizeof(*p));
	p->db = pool;
	p->cfg = cfg;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	atomic_init(&p->stop, false);
	atomic_init(&p->keeper_stop, false);
	p->w = xcalloc((size_t)(n > 0 ? n : 1), sizeof(*p->w));
	for (int i = 0; i < n; i++) {
		struct worker *w = &p->w[i];
		w->pool = p;
		w->index = i;
		atomic_init(&w->finished, false);
		snprintf(w->name, sizeof(w->name), "%s:%d", workers_name(), i);
		if (pthread_create(&w->thread, NULL, work, w) != 0) {
			log_error("msg=\"cannot start a job worker\" error=\"%s\"", strerror(errno));
			break;
		}
		p->n++;
	}
	int e = p->n ? pthread_create(&p->keeper, NULL, keep, p) : 0;
	if (p->n && !e)
		p->keeper_started = true;
	else if (e)
		log_error("msg=\"cannot start the job keeper\" error=\"%s\"", strerror(e));
	if (p->n)
		log_info("msg=\"job workers started\" count=%d name=%s", p->n, workers_name());
	return p;
}

void workers_stop(struct workers *p, int timeout_s)
{
	if (!p)
		return;
	atomic_store(&p->stop, true);
	pthread_mutex_lock(&p->lock);
	pthread_cond_broadcast(&p->wake);
	pthread_mutex_unlock(&p->lock);
	int64_t deadline = clock_mono_ns() + (int64_t)timeout_s * 1000000000;
	bool all = true;
	for (int i = 0; i < p->n; i++) {
		while (!atomic_load(&p->w[i].finished) && clock_mono_ns() < deadline)
			usleep(10000);
		if (atomic_load(&p->w[i].finished))
			pthread_join(p->w[i].thread, NULL);
		else
			all = false;
	}
	if (p->keeper_started) {
		atomic_store(&p->keeper_stop, true);
		pthread_mutex_lock(&p->lock);
		pthread_cond_broadcast(&p->wake);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->keeper, NULL);
	}
	if (!all) {
		/* a job still running keeps its lease and is taken back later; its
		 * thread and this memory stay until the process ends */
		log_warn("msg=\"stopping with jobs running; they will be retried\"");
		return;
	}
	pthread_cond_destroy(&p->wake);
	pthread_mutex_destroy(&p->lock);
	if (p->env_ready)
		job_env_cleanup(&p->env);
	free(p->w);
	free(p);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* brug serve: migrate, build the app, serve and run background jobs until
 * SIGTERM or SIGINT, then stop gracefully: first the HTTP server (requests
 * in flight finish), then the job workers. Signals are blocked in every
 * thread and taken by this one with sigwait, so no handler runs in the
 * middle of a request. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "api/routes.h"
#include "cli/cli.h"
#include "db/migrate.h"
#include "db/jobs.h"
#include "http/server.h"
#include "jobs/worker.h"
#include "domain/outbox.h"
#include "util/log.h"

/* Room for many idle connections: raise the open-file limit to its hard
 * maximum. */
static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int run(struct cli *c, struct db_pool *pool)
{
	struct brug_err err = {0};
	struct app *app = NULL;
	struct server *srv = NULL;
	struct mail_env mail;
	if (mail_env_init(&mail, &c->cfg, &err))
		return cli_fail("cannot start", &err);
	if (app_new(&c->cfg, pool, routes, routes_count, &app, &err))
		return cli_fail("cannot start", &err);
	if (server_start(app, &srv, &err)) {
		app_free(app);
		return cli_fail("cannot serve", &err);
	}
	jobs_backoff_base_set(cfg_int(&c->cfg, CFG_JOB_BACKOFF_MS));
	struct workers *workers = workers_start(pool, &c->cfg, (int)cfg_int(&c->cfg, CFG_WORKERS));
	const char *listen = cfg_str(&c->cfg, CFG_LISTEN);
	char host[256];
	snprintf(host, sizeof(host), "%.*s", (int)(strrchr(listen, ':') - listen), listen);
	printf("brug %s is listening on http://%s:%d/\n", BRUG_VERSION,
	       strcmp(host, "0.0.0.0") == 0 ? "127.0.0.1" : host, server_port(srv));
	fflush(stdout);
	char db[512];
	db_url_redact(cfg_str(&c->cfg, CFG_DB), db, sizeof(db));
	log_info("msg=\"serving\" listen=%s port=%d db=%s", listen, server_port(srv), db);

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	int sig = 0;
	sigwait(&set, &sig);
	log_info("msg=\"stopping\" signal=%s in_flight=%d", sig == SIGTERM ? "TERM" : "INT",
		 server_active(srv));
	server_stop(srv, (int)cfg_int(&c->cfg, CFG_SHUTDOWN_TIMEOUT));
	workers_stop(workers, (int)cfg_int(&c->cfg, CFG_SHUTDOWN_TIMEOUT));
	app_free(app);
	log_info("msg=\"stopped\"");
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	struct cli c = {.usage = "brug serve [--db URL] [--listen HOST:PORT] [settings]\n"
				 "Serves the web interface and the API until SIGTERM or SIGINT."};
	int rc = cli_parse(&c, argc, argv, NULL);
	if (rc) {
		cli_cleanup(&c);
		return rc < 0 ? 2 : 0;
	}
	/* block before any thread starts, so every thread inherits the mask */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit();

	struct db *db = NULL;
	if ((rc = cli_open_db(&c, &db))) {
		cli_cleanup(&c);
		return rc;
	}
	/* installation housekeeping, every ten minutes (one schedule for every
	 * process on the database) */
	struct brug_err err = {0};
	if (schedule_ensure(db, 0, "housekeeping", "housekeeping", "{}", "*/10 * * * *", &err))
		log_warn("msg=\"cannot schedule housekeeping\" detail=\"%s\"", err.detail);
	db_close(db);
	struct db_pool *pool = db_pool_new(cfg_str(&c.cfg, CFG_DB));
	rc = run(&c, pool);
	db_pool_free(pool);
	cli_cleanup(&c);
	return rc;
}

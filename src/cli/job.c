/* SPDX-License-Identifier: Apache-2.0 */
/* brug job list|retry|probe: the background job queue from the command
 * line. list shows an organisation's jobs (or, with --all, every job of
 * the installation, housekeeping included); probe queues test jobs, which
 * any running `brug serve` then runs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "db/jobs.h"
#include "domain/job.h"
#include "util/jx.h"

static bool number(const char *s, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = s ? strtoll(s, &end, 10) : -1;
	if (!s || errno || *end || v < 0)
		return false;
	*out = v;
	return true;
}

static int list(struct db *db, const char *org_arg, const char *state, bool all)
{
	int64_t org = 0;
	if (!all && cli_org(db, org_arg, &org))
		return 1;
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT id, org_id, kind, state, attempts, max_attempts, COALESCE(last_error, ''),"
			  " COALESCE(locked_by, '-')"
			  " FROM jobs WHERE (? = 1 OR org_id = ?) AND (? IS NULL OR state = ?)"
			  " ORDER BY id DESC LIMIT 1000",
			  DB_ARGS(DB_I(all ? 1 : 0), DB_I(org), DB_T(state), DB_T(state)));
	if (rc)
		return cli_fail("cannot list jobs", NULL);
	while ((rc = db_next(r)) == 1)
		printf("%-8lld org %-4lld %-14s %-8s %lld/%-3lld %-24s %s\n", (long long)db_int(r, 0),
		       (long long)db_int(r, 1), db_text(r, 2), db_text(r, 3), (long long)db_int(r, 4),
		       (long long)db_int(r, 5), db_text(r, 7), db_text(r, 6));
	db_rows_free(r);
	return rc < 0 ? cli_fail("cannot list jobs", NULL) : 0;
}

int cmd_job(int argc, char **argv)
{
	const char *org = NULL, *state = NULL, *id = NULL, *count = "1", *sleep = "0", *lease = "0";
	bool all = false, fail = false;
	const struct cli_opt opts[] = {
		{"org", &org, NULL, "organisation id (when there are several)"},
		{"state", &state, NULL, "list: only queued, running, done or failed"},
		{"all", NULL, &all, "list: every job of the installation"},
		{"id", &id, NULL, "retry: the job"},
		{"count", &count, NULL, "probe: how many (default 1)"},
		{"sleep-ms", &sleep, NULL, "probe: how long each runs (default 0)"},
		{"fail", NULL, &fail, "probe: make them fail"},
		{"lease-ms", &lease, NULL, "probe: how long a worker holds one before others may take it"},
		{0},
	};
	struct cli c = {.usage = "brug job list|retry|probe [options]\n"
				 "  list [--state S] [--all]              the organisation's jobs\n"
				 "  retry --id N                          queue a failed job again\n"
				 "  probe [--count N] [--sleep-ms N] [--fail]  queue test jobs"};
	int rc = cli_parse(&c, argc, argv, opts);
	if (rc) {
		cli_cleanup(&c);
		return rc < 0 ? 2 : 0;
	}
	const char *verb = c.argc ? c.argv[0] : "";
	struct db *db = NULL;
	int64_t n = 0, ms = 0, jid = 0, o = 0, lease_ms = 0;
	if (strcmp(verb, "list") && strcmp(verb, "retry") && strcmp(verb, "probe")) {
		fprintf(stderr, "brug: job needs list, retry or probe (see brug job --help)\n");
		rc = 2;
	} else if (!(rc = cli_open_db(&c, &db))) {
		if (!strcmp(verb, "list")) {
			rc = list(db, org, state, all);
		} else if (cli_org(db, org, &o)) {
			rc = 1;
		} else if (!strcmp(verb, "retry")) {
			struct actor who = cli_actor(o);
			struct brug_err err = {0};
			if (!number(id, &jid))
				rc = (fprintf(stderr, "brug: retry needs --id N\n"), 2);
			else if (job_retry(db, &who, jid, &err))
				rc = cli_fail(err.rc == BRUG_ECONFLICT ? "only a failed job can be retried"
								       : "no such job",
					      NULL);
			else
				printf("job %lld queued again\n", (long long)jid);
		} else if (!number(count, &n) || !number(sleep, &ms) || !number(lease, &lease_ms) ||
			   n < 1 || n > 100000) {
			rc = (fprintf(stderr, "brug: --count 1..100000 and --sleep-ms must be numbers\n"), 2);
		} else {
			struct actor who = cli_actor(o);
			for (int64_t i = 0; i < n && !rc; i++)
				rc = job_probe(db, &who, ms, fail, lease_ms, &jid);
			if (rc)
				rc = cli_fail("cannot queue the probe", NULL);
			else
				printf("queued %lld probe job(s)\n", (long long)n);
		}
	}
	db_close(db);
	cli_cleanup(&c);
	return rc;
}

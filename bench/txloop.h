/* SPDX-License-Identifier: Apache-2.0 */
/* The loop the write baselines (pg_insert.c, sqlite_insert.c) share: K
 * threads, one database connection each, running one small write
 * transaction after another for a time or a count, timing each; then one
 * line for people on stderr and one BENCH line for bench/run.sh on stdout,
 * in the format bench/wrk.lua prints, plus the program's own CPU time and
 * peak RSS:
 *   BENCH requests=N duration_us=N p50_us=N p95_us=N p99_us=N max_us=N connect=0
 *         read=0 write=0 status=FAILED timeout=0 cpu_us=N rss_kb=N
 * (requests counts transactions; status counts failed ones).
 * Shared by the baselines only: no brug code, on purpose. */
#ifndef BENCH_TXLOOP_H
#define BENCH_TXLOOP_H

#include <stddef.h>

struct txloop_ops {
	const char *name; /* "pg_insert", for messages */
	/* Once, before any connection: the scratch tables. 0 or -1 with err. */
	int (*setup)(const char *target, char *err, size_t errlen);
	/* One connection for thread i, its statements prepared; NULL with err. */
	void *(*open)(const char *target, unsigned i, char *err, size_t errlen);
	/* One transaction writing the rows for the unique text name;
	 * 0, or -1 with err (the transaction rolled back). */
	int (*tx)(void *conn, const char *name, char *err, size_t errlen);
	void (*close)(void *conn);
};

/* Parses  [-t THREADS] [-d SECONDS | -n TRANSACTIONS] TARGET  and runs.
 * THREADS defaults to one per online core (as brug serve's thread pool);
 * without -d or -n it runs for 10 seconds. Returns the exit status. */
int txloop_main(int argc, char **argv, const struct txloop_ops *ops);

#endif

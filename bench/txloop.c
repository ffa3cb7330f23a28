/* SPDX-License-Identifier: Apache-2.0 */
/* See txloop.h. Connections are opened (and statements prepared) before
 * the clock starts, so the figures are those of the transactions alone;
 * the threads start together on a barrier. Latencies go into a per-thread
 * histogram (exact to 2 ms, then 64 steps per power of two, ~1.6%), so the
 * program's memory stays flat however long it runs. */
#include "txloop.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define EXACT 2048u /* microseconds counted one by one */
#define SUB 64u	    /* steps per power of two above that */
#define EXP_MIN 11u /* 2^11 = EXACT */
#define EXP_MAX 40u
#define BUCKETS (EXACT + (EXP_MAX - EXP_MIN + 1) * SUB)

struct worker {
	pthread_t t;
	unsigned i;
	void *conn;
	uint64_t done, failed, max_us;
	uint32_t hist[BUCKETS];
	char err[256];
};

static const struct txloop_ops *ops;
static pthread_barrier_t start;
static uint64_t deadline_ns;	   /* with -d */
static uint64_t limit;		   /* with -n: transactions in all */
static atomic_uint_fast64_t claimed;
static char prefix[32];		   /* makes names unique across runs */

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static unsigned bucket(uint64_t us)
{
	if (us < EXACT)
		return (unsigned)us;
	unsigned e = 63u - (unsigned)__builtin_clzll(us);
	if (e > EXP_MAX)
		return BUCKETS - 1;
	return EXACT + (e - EXP_MIN) * SUB + (unsigned)((us >> (e - 6)) & (SUB - 1));
}

static uint64_t bucket_us(unsigned b)
{
	if (b < EXACT)
		return b;
	unsigned e = EXP_MIN + (b - EXACT) / SUB, s = (b - EXACT) % SUB;
	return (uint64_t)(SUB + s) << (e - 6);
}

static bool more(void)
{
	if (limit)
		return atomic_fetch_add(&claimed, 1) < limit;
	return now_ns() < deadline_ns;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	char name[96];
	pthread_barrier_wait(&start);
	while (more()) {
		snprintf(name, sizeof(name), "bench %s.%u.%llu", prefix, w->i,
			 (unsigned long long)w->done + w->failed);
		uint64_t t0 = now_ns();
		int rc = ops->tx(w->conn, name, w->err, sizeof(w->err));
		uint64_t us = (now_ns() - t0) / 1000u;
		if (rc) {
			/* a failed transaction makes the run invalid: stop here,
			 * and say why */
			w->failed++;
			break;
		}
		w->done++;
		w->hist[bucket(us)]++;
		if (us > w->max_us)
			w->max_us = us;
	}
	return NULL;
}

static int parse_num(const char *s, double max, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (!*s || *end || errno || !(v > 0) || v > max)
		return -1;
	*out = v;
	return 0;
}

static uint64_t tv_us(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

static uint64_t cpu_us(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return tv_us(ru.ru_utime) + tv_us(ru.ru_stime);
}

int txloop_main(int argc, char **argv, const struct txloop_ops *o)
{
	ops = o;
	double threads_d = 0, seconds = 0, count = 0;
	int c;
	while ((c = getopt(argc, argv, "t:d:n:")) != -1) {
		switch (c) {
		case 't':
			if (parse_num(optarg, 256, &threads_d) || threads_d != (unsigned)threads_d)
				goto usage;
			break;
		case 'd':
			if (parse_num(optarg, 86400, &seconds) || count)
				goto usage;
			break;
		case 'n':
			if (parse_num(optarg, 1e12, &count) || count != (uint64_t)count || seconds)
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1)
		goto usage;
	const char *target = argv[optind];
	unsigned threads = (unsigned)threads_d;
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 2;
	}
	if (!seconds && !count)
		seconds = 10;
	limit = (uint64_t)count;

	char err[256] = "";
	if (ops->setup(target, err, sizeof(err))) {
		fprintf(stderr, "%s: cannot create the scratch tables: %s\n", ops->name, err);
		return 1;
	}
	struct worker *w = calloc(threads, sizeof(*w));
	if (!w) {
		fprintf(stderr, "%s: out of memory\n", ops->name);
		return 1;
	}
	int status = 1;
	unsigned opened = 0;
	for (; opened < threads; opened++) {
		w[opened].i = opened;
		w[opened].conn = ops->open(target, opened, err, sizeof(err));
		if (!w[opened].conn) {
			fprintf(stderr, "%s: cannot connect: %s\n", ops->name, err);
			goto out;
		}
	}
	struct timespec wall;
	clock_gettime(CLOCK_REALTIME, &wall);
	snprintf(prefix, sizeof(prefix), "%ld.%lld", (long)getpid(),
		 (long long)wall.tv_sec * 1000 + wall.tv_nsec / 1000000);

	pthread_barrier_init(&start, NULL, threads + 1);
	unsigned started = 0;
	for (; started < threads; started++)
		if (pthread_create(&w[started].t, NULL, run, &w[started]))
			break;
	if (started < threads) {
		/* cannot happen on a sane machine; the barrier would wait forever */
		fprintf(stderr, "%s: cannot start thread %u\n", ops->name, started);
		abort();
	}
	uint64_t cpu0 = cpu_us(), t0 = now_ns();
	deadline_ns = t0 + (uint64_t)(seconds * 1e9);
	pthread_barrier_wait(&start);
	for (unsigned i = 0; i < threads; i++)
		pthread_join(w[i].t, NULL);
	uint64_t elapsed_us = (now_ns() - t0) / 1000u, cpu = cpu_us() - cpu0;
	pthread_barrier_destroy(&start);

	uint64_t done = 0, failed = 0, max_us = 0;
	static uint64_t hist[BUCKETS];
	for (unsigned i = 0; i < threads; i++) {
		done += w[i].done;
		failed += w[i].failed;
		if (w[i].max_us > max_us)
			max_us = w[i].max_us;
		for (unsigned b = 0; b < BUCKETS; b++)
			hist[b] += w[i].hist[b];
		if (w[i].failed)
			fprintf(stderr, "%s: thread %u: a transaction failed: %s\n", ops->name, i,
				w[i].err);
	}
	uint64_t pct[3] = {0, 0, 0}, seen = 0;
	uint64_t want[3] = {(done + 1) / 2, done - done / 20, done - done / 100};
	for (unsigned b = 0, k = 0; b < BUCKETS && k < 3; b++) {
		seen += hist[b];
		while (k < 3 && done && seen >= want[k])
			pct[k++] = bucket_us(b);
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double secs = elapsed_us / 1e6, tps = secs > 0 ? done / secs : 0;
	fprintf(stderr,
		"%s: %llu transactions (%llu rows) in %.2fs from %u connections:"
		" %.0f transactions/s, %.0f inserts/s; %llu failed\n",
		ops->name, (unsigned long long)done, (unsigned long long)done * 2, secs, threads,
		tps, 2 * tps, (unsigned long long)failed);
	printf("BENCH requests=%llu duration_us=%llu p50_us=%llu p95_us=%llu p99_us=%llu"
	       " max_us=%llu connect=0 read=0 write=0 status=%llu timeout=0 cpu_us=%llu"
	       " rss_kb=%ld\n",
	       (unsigned long long)done, (unsigned long long)elapsed_us,
	       (unsigned long long)pct[0], (unsigned long long)pct[1], (unsigned long long)pct[2],
	       (unsigned long long)max_us, (unsigned long long)failed, (unsigned long long)cpu,
	       ru.ru_maxrss);
	fflush(stdout);
	status = failed ? 1 : 0;
out:
	for (unsigned i = 0; i < opened; i++)
		ops->close(w[i].conn);
	free(w);
	return status;

usage:
	fprintf(stderr,
		"usage: %s [-t THREADS] [-d SECONDS | -n TRANSACTIONS] TARGET\n"
		"  THREADS: connections, one thread each (default: one per core)\n"
		"  SECONDS: how long to run (default 10); TRANSACTIONS: how many in all\n",
		argv[0]);
	return 2;
}

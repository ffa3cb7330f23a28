/* SPDX-License-Identifier: Apache-2.0 */
/* Prometheus counters; see metrics.h. Statuses are counted in a fixed set
 * of slots (every status brug sends has one), so no map and no lock. */
#include "http/metrics.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "db/db.h"
#include "util/xmalloc.h"

static const int statuses[] = {200, 201, 204, 301, 303, 304, 400, 401, 403, 404, 405, 409,
			       413, 415, 422, 429, 431, 500, 503, 507};
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]) + 1) /* last: any other */
static const double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
				0.1,   0.25,   0.5,   1,    2.5,   5};
#define NBUCKET (sizeof(bounds) / sizeof(bounds[0]))

struct route_stats {
	_Atomic uint64_t by_status[NSTATUS];
	_Atomic uint64_t bucket[NBUCKET + 1]; /* cumulative at write time; last is +Inf */
	_Atomic uint64_t sum_us;
};

struct metrics {
	size_t n;
	struct route_stats *s; /* n + 1: the last is "no route" */
};

struct metrics *metrics_new(size_t n)
{
	struct metrics *m = xcalloc(1, sizeof(*m));
	m->n = n;
	m->s = xcalloc(n + 1, sizeof(*m->s));
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	free(m->s);
	free(m);
}

static size_t status_slot(int status)
{
	for (size_t i = 0; i < NSTATUS - 1; i++)
		if (statuses[i] == status)
			return i;
	return NSTATUS - 1;
}

void metrics_observe(struct metrics *m, int route, int status, int64_t ns)
{
	struct route_stats *s = &m->s[route >= 0 && (size_t)route < m->n ? (size_t)route : m->n];
	atomic_fetch_add_explicit(&s->by_status[status_slot(status)], 1, memory_order_relaxed);
	double secs = (double)ns / 1e9;
	size_t b = 0;
	while (b < NBUCKET && secs > bounds[b])
		b++;
	atomic_fetch_add_explicit(&s->bucket[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->sum_us, (uint64_t)(ns / 1000), memory_order_relaxed);
}

static void labels(struct buf *out, const struct route *r)
{
	if (r)
		buf_printf(out, "method=\"%s\",route=\"%s\"", r->method, r->pattern);
	else
		buf_adds(out, "method=\"\",route=\"none\"");
}

int metrics_write(struct metrics *m, const struct route *routes, size_t n, struct buf *out)
{
	buf_adds(out, "# HELP brug_http_requests_total HTTP requests by route and status.\n"
		      "# TYPE brug_http_requests_total counter\n");
	for (size_t i = 0; i <= m->n && i <= n; i++) {
		const struct route *r = i < n ? &routes[i] : NULL;
		for (size_t k = 0; k < NSTATUS; k++) {
			uint64_t c = atomic_load(&m->s[i].by_status[k]);
			if (!c)
				continue;
			buf_adds(out, "brug_http_requests_total{");
			labels(out, r);
			if (k < NSTATUS - 1)
				buf_printf(out, ",status=\"%d\"} %llu\n", statuses[k], (unsigned long long)c);
			else
				buf_printf(out, ",status=\"other\"} %llu\n", (unsigned long long)c);
		}
	}
	buf_adds(out, "# HELP brug_http_request_duration_seconds Time from request to response.\n"
		      "# TYPE brug_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i <= m->n && i <= n; i++) {
		const struct route *r = i < n ? &routes[i] : NULL;
		uint64_t cum = 0;
		for (size_t b = 0; b <= NBUCKET; b++)
			cum += atomic_load(&m->s[i].bucket[b]);
		if (!cum)
			continue;
		cum = 0;
		for (size_t b = 0; b <= NBUCKET; b++) {
			cum += atomic_load(&m->s[i].bucket[b]);
			buf_adds(out, "brug_http_request_duration_seconds_bucket{");
			labels(out, r);
			if (b < NBUCKET)
				buf_printf(out, ",le=\"%g\"} %llu\n", bounds[b], (unsigned long long)cum);
			else
				buf_printf(out, ",le=\"+Inf\"} %llu\n", (unsigned long long)cum);
		}
		buf_adds(out, "brug_http_request_duration_seconds_sum{");
		labels(out, r);
		buf_printf(out, "} %.6f\n", (double)atomic_load(&m->s[i].sum_us) / 1e6);
		buf_adds(out, "brug_http_request_duration_seconds_count{");
		labels(out, r);
		buf_printf(out, "} %llu\n", (unsigned long long)cum);
	}
	return buf_printf(out,
			  "# HELP brug_db_errors_total Database errors since start.\n"
			  "# TYPE brug_db_errors_total counter\nbrug_db_errors_total %llu\n",
			  (unsigned long long)db_error_count());
}

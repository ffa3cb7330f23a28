/* SPDX-License-Identifier: Apache-2.0 */
/* Request metrics for /metrics in the Prometheus text format: requests by
 * route and status, a latency histogram per route, and database errors.
 * Counters are atomics, so recording costs a few uncontended increments
 * and no lock. Thread-safe. */
#ifndef BRUG_HTTP_METRICS_H
#define BRUG_HTTP_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "http/router.h"
#include "util/buf.h"

struct metrics;

/* Metrics for a table of n routes (plus one slot for unmatched requests). */
struct metrics *metrics_new(size_t n);
void metrics_free(struct metrics *m);
/* Records one request: route index (-1: none matched), status, duration. */
void metrics_observe(struct metrics *m, int route, int status, int64_t ns);
/* Appends the whole exposition to out. */
int metrics_write(struct metrics *m, const struct route *routes, size_t n, struct buf *out);

#endif

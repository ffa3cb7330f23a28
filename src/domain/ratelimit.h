/* SPDX-License-Identifier: Apache-2.0 */
/* Fixed-window rate limits kept in the database, so every brug process
 * behind a load balancer counts against the same limit. Buckets are
 * installation-wide names such as "login:addr:192.0.2.1". */
#ifndef BRUG_DOMAIN_RATELIMIT_H
#define BRUG_DOMAIN_RATELIMIT_H

#include <stdint.h>

#include "db/db.h"

/* Counts one hit on bucket in the current window of window_ms (> 0); *hits
 * is the count including this one, *retry_ms the time left in the window. */
int ratelimit_hit(struct db *db, const char *bucket, int64_t window_ms, int64_t *hits,
		  int64_t *retry_ms);
/* The hits so far in the current window, without counting one. */
int ratelimit_peek(struct db *db, const char *bucket, int64_t window_ms, int64_t *hits,
		   int64_t *retry_ms);
/* Takes back one hit of the current window (an attempt that turned out
 * well, counted up front so parallel attempts cannot slip through). */
int ratelimit_forgive(struct db *db, const char *bucket, int64_t window_ms);
/* Forgets a bucket (after a successful login, for its account). */
int ratelimit_clear(struct db *db, const char *bucket);
/* Removes windows that started before now minus keep_ms; keep_ms must be
 * longer than any window in use, or running counts restart. */
int ratelimit_purge(struct db *db, int64_t keep_ms);

#endif

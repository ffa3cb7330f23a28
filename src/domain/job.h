/* SPDX-License-Identifier: Apache-2.0 */
/* What an administrator sees of the background jobs of their organisation:
 * the queue by state, the failed jobs with their last error (and a retry),
 * the schedules, and a probe job to see the queue work. The queue itself is
 * src/db/jobs.c; this is its organisation-scoped window. */
#ifndef BRUG_DOMAIN_JOB_H
#define BRUG_DOMAIN_JOB_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/listing.h"
#include "domain/principal.h"

/* The organisation's jobs, newest first, in one state (NULL: any). */
int job_list(struct db *db, int64_t org, const char *state, struct listing page, json_t **out);
/* {"queued": n, "running": n, "done": n, "failed": n}. */
int job_counts(struct db *db, int64_t org, json_t **out);
/* Queues a failed job again with fresh attempts. BRUG_ENOTFOUND for an
 * unknown job (or another organisation's), BRUG_ECONFLICT when it has not
 * failed. */
int job_retry(struct db *db, const struct actor *who, int64_t id, struct brug_err *err);
/* Queues a probe job (sleep_ms, then success, or failure when fail) with a
 * lease of lease_ms (0: the default). */
int job_probe(struct db *db, const struct actor *who, int64_t sleep_ms, bool fail, int64_t lease_ms,
	      int64_t *id);
/* The organisation's schedules: {"items": [...]}. */
int job_schedules(struct db *db, int64_t org, json_t **out);

#endif

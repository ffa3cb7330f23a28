/* SPDX-License-Identifier: Apache-2.0 */
/* The fixture of the job-queue tests (test_jobs.c, test_schedules.c): a
 * fresh migrated database per test (tests/common/testdb: SQLite, or
 * PostgreSQL in the pg run) and a clock the test can move. */
#ifndef BRUG_TEST_JOBS_FX_H
#define BRUG_TEST_JOBS_FX_H

#include <stdint.h>

#include "db/db.h"
#include "db/jobs.h"

#define HOUR_MS (3600 * 1000LL)
#define DAY_MS (24 * HOUR_MS)

struct fx {
	struct db *db;
	char url[1200];
	int64_t shifted; /* undone in teardown */
};

int fx_setup(void **state);
int fx_teardown(void **state);
/* Moves the clock by ms (undone in teardown). */
void fx_shift(struct fx *f, int64_t ms);
/* Moves the clock so that it now reads iso (and runs on from there). */
int64_t fx_set_clock(struct fx *f, const char *iso);
int64_t fx_at_ms(const char *iso);
/* The one integer a query returns (fails the test on an error). */
int64_t fx_int(struct fx *f, const char *sql, const struct db_arg *args, size_t n);
/* Claims, asserting that the next job is want. */
void fx_claim_is(struct fx *f, const char *worker, int64_t want, struct job *j);

#endif

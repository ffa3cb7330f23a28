/* SPDX-License-Identifier: Apache-2.0 */
/* The fixture of the job-queue tests; see jobs_fx.h. */
#include "jobs_fx.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testdb.h"

#include "core/rc.h"
#include "core/secure.h"
#include "db/migrate.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/log.h"

int fx_setup(void **state)
{
	static bool once;
	if (!once) {
		once = true;
		log_set_level(getenv("BRUG_TEST_LOG") ? LOG_DEBUG : LOG_OFF);
		jx_init();
		assert_int_equal(secure_setup("test"), 0);
	}
	struct fx *f = calloc(1, sizeof(*f));
	snprintf(f->url, sizeof(f->url), "%s", testdb_new());
	struct brug_err err = {0};
	if (db_open(f->url, &f->db, &err))
		fail_msg("db_open %s: %s", f->url, err.detail);
	if (migrate_up(f->db, NULL, &err))
		fail_msg("migrate_up: %s", err.detail);
	*state = f;
	return 0;
}

int fx_teardown(void **state)
{
	struct fx *f = *state;
	clock_shift_ms(-f->shifted);
	db_close(f->db);
	free(f);
	return 0;
}

void fx_shift(struct fx *f, int64_t ms)
{
	clock_shift_ms(ms);
	f->shifted += ms;
}

int64_t fx_set_clock(struct fx *f, const char *iso)
{
	int64_t at = 0;
	assert_true(clock_parse_iso8601(iso, &at));
	fx_shift(f, at - clock_now_ms());
	return at;
}

int64_t fx_at_ms(const char *iso)
{
	int64_t at = 0;
	assert_true(clock_parse_iso8601(iso, &at));
	return at;
}

int64_t fx_int(struct fx *f, const char *sql, const struct db_arg *args, size_t n)
{
	int64_t v = -1;
	int rc = db_int_query(f->db, &v, sql, args, n);
	if (rc)
		fail_msg("rc %d for %s", rc, sql);
	return v;
}

void fx_claim_is(struct fx *f, const char *worker, int64_t want, struct job *j)
{
	int rc = jobs_claim(f->db, worker, j);
	if (rc)
		fail_msg("claim for %lld: rc %d", (long long)want, rc);
	assert_int_equal(j->id, want);
	assert_string_equal(j->worker, worker);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/domain/ratelimit.c: fixed windows counted in the
 * database. The clock is aligned to a window start first, so no test
 * straddles a boundary by accident. */
#include <stdio.h>
#include <stdlib.h>

#include "fixture.h"

#include "core/rc.h"
#include "domain/ratelimit.h"
#include "util/clock.h"

#define WINDOW (60 * 1000)

static int64_t hit(struct fx *f, const char *bucket, int64_t *retry)
{
	int64_t n = -1;
	assert_int_equal(ratelimit_hit(f->db, bucket, WINDOW, &n, retry), 0);
	return n;
}

static int64_t peek(struct fx *f, const char *bucket)
{
	int64_t n = -1, retry = -1;
	assert_int_equal(ratelimit_peek(f->db, bucket, WINDOW, &n, &retry), 0);
	assert_true(retry > 0 && retry <= WINDOW);
	return n;
}

static void test_hits_and_windows(void **state)
{
	struct fx *f = *state;
	fx_align(f, WINDOW, 1000); /* one second into a window */
	int64_t retry = -1;
	assert_int_equal(hit(f, "login:addr:192.0.2.1", &retry), 1);
	/* the rest of the window (a little time passes while the test runs) */
	assert_true(retry <= WINDOW - 1000 && retry > WINDOW - 11000);
	assert_int_equal(hit(f, "login:addr:192.0.2.1", NULL), 2);
	assert_int_equal(hit(f, "login:addr:192.0.2.1", NULL), 3);
	/* buckets are separate */
	assert_int_equal(hit(f, "login:addr:192.0.2.2", NULL), 1);
	assert_int_equal(hit(f, "login:email:a@b.nl", NULL), 1);
	assert_int_equal(peek(f, "login:addr:192.0.2.1"), 3);

	/* late in the same window: still counting, less time left */
	fx_shift(f, WINDOW - 3000);
	assert_int_equal(hit(f, "login:addr:192.0.2.1", &retry), 4);
	assert_true(retry <= 2000 && retry > 0);

	/* the next window starts from one */
	fx_shift(f, 2500);
	assert_int_equal(peek(f, "login:addr:192.0.2.1"), 0);
	assert_int_equal(hit(f, "login:addr:192.0.2.1", &retry), 1);
	assert_true(retry <= WINDOW - 500 && retry > WINDOW - 10500);
	assert_int_equal(hit(f, "login:addr:192.0.2.1", NULL), 2);
	/* one row per bucket, not one per window */
	assert_int_equal(fx_rows(f, "rate_limits"), 3);
	assert_int_equal(
	        fx_int(f, "SELECT hits FROM rate_limits WHERE bucket = 'login:addr:192.0.2.1'",
	               DB_NOARGS),
	        2);
	/* a window skipped entirely makes no difference */
	fx_shift(f, 3 * WINDOW);
	assert_int_equal(hit(f, "login:addr:192.0.2.1", NULL), 1);
}

static void test_peek_does_not_count(void **state)
{
	struct fx *f = *state;
	fx_align(f, WINDOW, 1000);
	assert_int_equal(peek(f, "form:x"), 0);
	assert_int_equal(fx_rows(f, "rate_limits"), 0);
	assert_int_equal(hit(f, "form:x", NULL), 1);
	for (int i = 0; i < 5; i++)
		assert_int_equal(peek(f, "form:x"), 1);
	assert_int_equal(hit(f, "form:x", NULL), 2);
	int64_t n = -1, retry = -1;
	assert_int_equal(ratelimit_peek(f->db, "form:x", WINDOW, &n, &retry), 0);
	assert_int_equal(n, 2);
	assert_true(retry <= WINDOW - 1000 && retry > WINDOW - 11000);
	/* retry_ms may be left out */
	assert_int_equal(ratelimit_peek(f->db, "form:x", WINDOW, &n, NULL), 0);
	assert_int_equal(n, 2);
}

static void test_clear(void **state)
{
	struct fx *f = *state;
	fx_align(f, WINDOW, 1000);
	hit(f, "login:email:a@b.nl", NULL);
	hit(f, "login:email:a@b.nl", NULL);
	hit(f, "login:email:c@d.nl", NULL);
	assert_int_equal(ratelimit_clear(f->db, "login:email:a@b.nl"), 0);
	assert_int_equal(peek(f, "login:email:a@b.nl"), 0);
	assert_int_equal(peek(f, "login:email:c@d.nl"), 1);
	assert_int_equal(hit(f, "login:email:a@b.nl", NULL), 1);
	/* clearing what is not there is fine */
	assert_int_equal(ratelimit_clear(f->db, "nothing"), 0);
	assert_int_equal(fx_rows(f, "rate_limits"), 2);
}

static void test_purge(void **state)
{
	struct fx *f = *state;
	fx_align(f, WINDOW, 1000);
	hit(f, "old", NULL);
	fx_shift(f, 2 * WINDOW);
	hit(f, "recent", NULL);
	fx_shift(f, WINDOW);
	hit(f, "new", NULL);
	assert_int_equal(fx_rows(f, "rate_limits"), 3);
	/* keep two windows: "old" ended before that, "recent" and "new" did not */
	assert_int_equal(ratelimit_purge(f->db, 2 * WINDOW), 0);
	assert_int_equal(fx_rows(f, "rate_limits"), 2);
	assert_int_equal(
	        fx_int(f, "SELECT COUNT(*) FROM rate_limits WHERE bucket = 'old'", DB_NOARGS), 0);
	assert_int_equal(peek(f, "new"), 1);
	assert_int_equal(hit(f, "new", NULL), 2);
	/* much later, a long keep still removes the lot */
	fx_shift(f, 10 * WINDOW);
	assert_int_equal(ratelimit_purge(f->db, 5 * WINDOW), 0);
	assert_int_equal(fx_rows(f, "rate_limits"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        FX_TEST(test_hits_and_windows),
	        FX_TEST(test_peek_does_not_count),
	        FX_TEST(test_clear),
	        FX_TEST(test_purge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

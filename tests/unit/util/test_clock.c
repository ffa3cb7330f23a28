/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/util/clock.c: ISO 8601 formatting of stored times, and the
 * test shift of the wall clock that lets expiry be tested without sleeping.
 * No test here waits for time to pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "util/clock.h"

#define DAY_MS ((int64_t)86400000)

static int64_t real_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_iso8601(void **state)
{
	(void)state;
	static const struct {
		int64_t ms;
		const char *iso;
	} cases[] = {
		{0, "1970-01-01T00:00:00.000Z"},
		{1, "1970-01-01T00:00:00.001Z"},
		{999, "1970-01-01T00:00:00.999Z"},
		{1000, "1970-01-01T00:00:01.000Z"},
		{-1, "1969-12-31T23:59:59.999Z"},
		{-1000, "1969-12-31T23:59:59.000Z"},
		{-1001, "1969-12-31T23:59:58.999Z"},
		{1795512600000, "2026-11-24T09:30:00.000Z"},
		{1709210096789, "2024-02-29T12:34:56.789Z"},
		{2147483648000, "2038-01-19T03:14:08.000Z"},
		{253402300799999, "9999-12-31T23:59:59.999Z"},
		/* UTC: no daylight saving jump around the last Sunday of March */
		{1774746000000, "2026-03-29T01:00:00.000Z"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[25];
		memset(out, 'x', sizeof(out));
		clock_iso8601(cases[i].ms, out, sizeof(out)); /* 25 bytes are enough */
		assert_string_equal(out, cases[i].iso);
		assert_int_equal(strlen(out), 24);
	}
	/* a short buffer is cut and still terminated */
	char small[11];
	clock_iso8601(1795512600000, small, sizeof(small));
	assert_string_equal(small, "2026-11-24");
}

static void test_now_is_wall_clock(void **state)
{
	(void)state;
	int64_t before = real_now_ms();
	int64_t now = clock_now_ms();
	int64_t after = real_now_ms();
	assert_true(now >= before && now <= after);
}

static void test_shift(void **state)
{
	(void)state;
	int64_t before = real_now_ms();
	clock_shift_ms(DAY_MS);
	int64_t shifted = clock_now_ms();
	int64_t after = real_now_ms();
	assert_true(shifted >= before + DAY_MS && shifted <= after + DAY_MS);
	/* shifts add up */
	clock_shift_ms(2 * DAY_MS);
	before = real_now_ms();
	shifted = clock_now_ms();
	after = real_now_ms();
	assert_true(shifted >= before + 3 * DAY_MS && shifted <= after + 3 * DAY_MS);
	/* and undo, so no other test sees a shifted clock */
	clock_shift_ms(-3 * DAY_MS);
	before = real_now_ms();
	shifted = clock_now_ms();
	after = real_now_ms();
	assert_true(shifted >= before && shifted <= after);
	/* backwards works as well */
	clock_shift_ms(-DAY_MS);
	assert_true(clock_now_ms() <= real_now_ms() - DAY_MS);
	clock_shift_ms(DAY_MS);
}

static void test_shift_leaves_monotonic_alone(void **state)
{
	(void)state;
	int64_t a = clock_mono_ns();
	clock_shift_ms(-10 * DAY_MS);
	int64_t b = clock_mono_ns();
	clock_shift_ms(10 * DAY_MS);
	assert_true(a > 0);
	assert_true(b >= a);
	assert_true(b - a < (int64_t)60 * 1000000000);
	int64_t prev = clock_mono_ns();
	for (int i = 0; i < 10000; i++) {
		int64_t t = clock_mono_ns();
		assert_true(t >= prev);
		prev = t;
	}
}

static void test_parse_iso8601(void **state)
{
	(void)state;
	int64_t samples[] = {0, 1795512600000, 1709210096789, -86400000 * 366LL, 253402300799999};
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		char iso[32];
		int64_t back = -1;
		clock_iso8601(samples[i], iso, sizeof(iso));
		assert_true(clock_parse_iso8601(iso, &back));
		assert_int_equal(back, samples[i]);
	}
	int64_t ms = 0;
	assert_true(clock_parse_iso8601("2026-11-24T09:30:00Z", &ms));
	assert_int_equal(ms, 1795512600000);
	static const char *const bad[] = {"", "2026-11-24", "2026-11-24T09:30:00", "2026-13-01T00:00:00Z",
					  "2026-11-24T24:00:00Z", "2026-11-24 09:30:00Z",
					  "2026-11-24T09:30:00.12Z", "2026-11-24T09:30:00+01:00", "x"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(clock_parse_iso8601(bad[i], &ms));
	assert_false(clock_parse_iso8601(NULL, &ms));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_iso8601),
		cmocka_unit_test(test_iso8601),
		cmocka_unit_test(test_now_is_wall_clock),
		cmocka_unit_test(test_shift),
		cmocka_unit_test(test_shift_leaves_monotonic_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

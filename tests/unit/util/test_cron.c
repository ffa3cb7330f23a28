/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/util/cron.c: parsing (valid forms, normal forms, a long
 * table of bad input with the messages users see), next-time tables in UTC
 * and across daylight saving time in four zones on both transition days of
 * 2026 and 2027, and a brute-force cross-check: random expressions, built
 * together with the sets they stand for, at random instants over 2024-2030,
 * against a slow reference that watches the wall clock minute by minute
 * (with glibc's gmtime/timegm, not our calendar code, for the dates). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <pthread.h>

#include "core/rc.h"
#include "util/cron.h"
#include "util/tz.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define MIN_MS 60000LL
#define HOUR_MS 3600000LL
#define DAY_MS 86400000LL

/* UTC ms of a UTC civil time, by glibc. */
static int64_t utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
			.tm_min = mi};
	return (int64_t)timegm(&tm) * 1000;
}

static const char *show(int64_t ms, char out[96])
{
	if (ms == -1)
		return "never";
	int64_t s = ms / 1000 - (ms % 1000 < 0);
	time_t t = (time_t)s;
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, 96, "%04d-%02d-%02d %02d:%02d:%02d.%03d UTC", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms - s * 1000));
	return out;
}

static const struct tz *zone(const char *name)
{
	const struct tz *z = tz_get(name);
	if (!z)
		fail_msg("zone %s did not load", name);
	return z;
}

static struct cron *parse_ok(const char *expr)
{
	struct cron *c = NULL;
	struct brug_err err = {0};
	int rc = cron_parse(expr, &c, &err);
	if (rc)
		fail_msg("\"%s\" did not parse: %s", expr, err.detail);
	assert_non_null(c);
	return c;
}

/* ---- parsing and normal form ---- */

static const struct {
	const char *expr, *normal;
} valid_cases[] = {
	{"* * * * *", "* * * * *"},
	{"0 7 * * MON-FRI", "0 7 * * 1-5"},
	{"0 7 * * mon-fri", "0 7 * * 1-5"},
	{"*/15 * * * *", "*/15 * * * *"},
	{"0-59/15 * * * *", "*/15 * * * *"},
	{"0,15,30,45 * * * *", "*/15 * * * *"},
	{"5/15 * * * *", "5-50/15 * * * *"},
	{"*/7 * * * *", "*/7 * * * *"},
	{"*/60 * * * *", "0 * * * *"},
	{"*/1 * * * *", "* * * * *"},
	{"1,2,3,4 * * * *", "1-4 * * * *"},
	{"1,2 * * * *", "1,2 * * * *"},
	{"1-3,10-12,20 * * * *", "1-3,10-12,20 * * * *"},
	{"59,0 23,0 * * *", "0,59 0,23 * * *"},
	{"0 0-23/6 * * *", "0 */6 * * *"},
	{"0,30 9-17 * * 1-5", "0,30 9-17 * * 1-5"},
	{"0 0 1,15 * *", "0 0 1,15 * *"},
	{"0 0 */2 * *", "0 0 */2 * *"},
	{"0 0 1-31/2 * *", "0 0 1-31/2 * *"},
	{"0 0 1-31 * *", "0 0 1-31 * *"},
	{"0 0 */10,5 * *", "0 0 */10,5 * *"},
	{"0 0 */31 * *", "0 0 */31 * *"},
	{"0 0 *,5 * *", "0 0 * * *"},
	{"0 0 * JAN,jul *", "0 0 * 1,7 *"},
	{"0 0 1 */3 *", "0 0 1 */3 *"},
	{"0 0 1 FEB-DEC/2 *", "0 0 1 2-12/2 *"},
	{"0 0 1 jan-DEC *", "0 0 1 * *"},
	{"0 0 * * 7", "0 0 * * 0"},
	{"0 0 * * SUN", "0 0 * * 0"},
	{"0 0 * * 0-7", "0 0 * * 0-6"},
	{"0 0 * * 5-7", "0 0 * * 0,5,6"},
	{"0 0 * * 1/2", "0 0 * * 1-5/2"},
	{"0 0 * * */2", "0 0 * * */2"},
	{"0 0 * * */7", "0 0 * * */7"},
	{"0 0 * * */3,1", "0 0 * * */3,1"},
	{"0 0 * * SAT,sun", "0 0 * * 0,6"},
	{"59 23 31 12 SAT", "59 23 31 12 6"},
	{"007 07 07 07 07", "7 7 7 7 0"},
	{"  0\t7  * * *  ", "0 7 * * *"},
	{"@hourly", "0 * * * *"},
	{"@daily", "0 0 * * *"},
	{"@midnight", "0 0 * * *"},
	{"@weekly", "0 0 * * 0"},
	{"@monthly", "0 0 1 * *"},
	{"@yearly", "0 0 1 1 *"},
	{"@annually", "0 0 1 1 *"},
	{" @Daily\t", "0 0 * * *"},
	{"@HOURLY", "0 * * * *"},
	{"0 0 30 2 *", "0 0 30 2 *"},
};

static void test_parse_valid(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(valid_cases); i++) {
		struct cron *c = parse_ok(valid_cases[i].expr);
		char *s = cron_format(c);
		if (strcmp(s, valid_cases[i].normal) != 0)
			fail_msg("\"%s\" formats as \"%s\", want \"%s\"", valid_cases[i].expr, s,
				 valid_cases[i].normal);
		/* The normal form reads back as itself. */
		struct cron *back = parse_ok(s);
		char *s2 = cron_format(back);
		assert_string_equal(s2, s);
		free(s2);
		cron_free(back);
		free(s);
		cron_free(c);
	}
	cron_free(NULL);
}

static const struct {
	const char *expr, *msg;
} invalid_cases[] = {
	{"", "empty expression"},
	{" \t ", "empty expression"},
	{"* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), found 4"},
	{"* * * * * *", "found 6"},
	{"0 0 * * * extra", "found 6"},
	{"*", "found 1"},
	{"60 * * * *", "field 1 (minute): 60 is out of range 0-59"},
	{"0 25 * * *", "field 2 (hour): 25 is out of range 0-23"},
	{"0 24 * * *", "field 2 (hour): 24 is out of range 0-23"},
	{"0 0 0 * *", "field 3 (day-of-month): 0 is out of range 1-31"},
	{"0 0 32 * *", "field 3 (day-of-month): 32 is out of range 1-31"},
	{"0 0 * 0 *", "field 4 (month): 0 is out of range 1-12"},
	{"0 0 * 13 *", "field 4 (month): 13 is out of range 1-12"},
	{"0 0 * * 8", "field 5 (day-of-week): 8 is out of range 0-7"},
	{"1-60 * * * *", "field 1 (minute): 60 is out of range 0-59"},
	{"99999999999999999999 * * * *",
	 "field 1 (minute): 9999999999999999... is out of range 0-59"},
	{"0 4294967296 * * *", "field 2 (hour): 4294967296 is out of range 0-23"},
	{"*/0 * * * *", "field 1 (minute): step 0 is out of range 1-60"},
	{"*/61 * * * *", "field 1 (minute): step 61 is out of range 1-60"},
	{"0 */25 * * *", "field 2 (hour): step 25 is out of range 1-24"},
	{"0 0 * 1/0 *", "field 4 (month): step 0 is out of range 1-12"},
	{"0 0 * * */8", "field 5 (day-of-week): step 8 is out of range 1-7"},
	{"0 0 1-5/99999999999 * *", "step 99999999999 is out of range 1-31"},
	{"5-1 * * * *", "field 1 (minute): range 5-1 runs backwards"},
	{"0 0 * * FRI-MON", "field 5 (day-of-week): range FRI-MON runs backwards"},
	{"0 0 * DEC-JAN *", "field 4 (month): range DEC-JAN runs backwards"},
	{"1,,2 * * * *", "field 1 (minute): empty list item"},
	{",1 * * * *", "field 1 (minute): empty list item"},
	{"0 1, * * *", "field 2 (hour): empty list item"},
	{"1x * * * *", "field 1 (minute): unexpected \"x\""},
	{"1-2-3 * * * *", "field 1 (minute): unexpected \"-3\""},
	{"1/2/3 * * * *", "field 1 (minute): unexpected \"/3\""},
	{"*-5 * * * *", "field 1 (minute): unexpected \"-5\""},
	{"** * * * *", "field 1 (minute): unexpected \"*\""},
	{"*/2-4 * * * *", "field 1 (minute): unexpected \"-4\""},
	{"*/ * * * *", "field 1 (minute): a step is missing after \"/\""},
	{"*/x * * * *", "field 1 (minute): expected a step at \"x\""},
	{"0 0 * * 1/MON", "field 5 (day-of-week): expected a step at \"MON\""},
	{"1- * * * *", "field 1 (minute): a number is missing at the end"},
	{"-1 * * * *", "field 1 (minute): expected a number at \"-1\""},
	{"+5 * * * *", "field 1 (minute): expected a number at \"+5\""},
	{"0 0 ? * *", "field 3 (day-of-month): expected a number at \"?\""},
	{"abc * * * *", "field 1 (minute): \"abc\" is not a number"},
	{"0 0 L * *", "field 3 (day-of-month): \"L\" is not a number"},
	{"0 0 * FOO *", "field 4 (month): unknown name \"FOO\" (use JAN-DEC)"},
	{"0 0 * MON *", "field 4 (month): unknown name \"MON\" (use JAN-DEC)"},
	{"0 0 * JANUARY *", "field 4 (month): unknown name \"JANUARY\" (use JAN-DEC)"},
	{"0 0 * * MONDAY", "field 5 (day-of-week): unknown name \"MONDAY\" (use SUN-SAT)"},
	{"0 0 * * JAN", "field 5 (day-of-week): unknown name \"JAN\" (use SUN-SAT)"},
	{"0 0 * * MO", "field 5 (day-of-week): unknown name \"MO\" (use SUN-SAT)"},
	{"0 0 * * 1-", "field 5 (day-of-week): a number is missing at the end"},
	{"0\n0 * * * *", "field 1 (minute): unexpected \"?0\""},
	{"\xff * * * *", "field 1 (minute): expected a number at \"?\""},
	{"0 0 * * 1\r", "field 5 (day-of-week): unexpected \"?\""},
	{"@reboot", "unknown shorthand \"@reboot\""},
	{"@", "unknown shorthand \"@\""},
	{"@dailyx", "unknown shorthand \"@dailyx\""},
	{"@daily 5", "unexpected \"5\" after the shorthand"},
	{"@daily * * * * *", "unexpected \"* * * * *\" after the shorthand"},
	{"0 @daily", "found 2"},
	{"0 7 @daily * *", "field 3 (day-of-month): expected a number at \"@daily\""},
};

static void test_parse_invalid(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(invalid_cases); i++) {
		struct cron *c = (struct cron *)&c; /* must stay untouched */
		struct cron *const sentinel = c;
		struct brug_err err = {0};
		int rc = cron_parse(invalid_cases[i].expr, &c, &err);
		if (rc != BRUG_EINVAL)
			fail_msg("\"%s\": rc %d, want BRUG_EINVAL", invalid_cases[i].expr, rc);
		assert_ptr_equal(c, sentinel);
		assert_int_equal(err.rc, BRUG_EINVAL);
		assert_string_equal(err.key, "error.bad_request");
		if (!strstr(err.detail, invalid_cases[i].msg))
			fail_msg("\"%s\": message \"%s\" lacks \"%s\"", invalid_cases[i].expr, err.detail,
				 invalid_cases[i].msg);
		/* Without a struct brug_err too. */
		assert_int_equal(cron_parse(invalid_cases[i].expr, &c, NULL), BRUG_EINVAL);
		assert_ptr_equal(c, sentinel);
	}
}

/* Long input: refused over CRON_EXPR_MAX bytes, whatever it holds. */
static void test_parse_long(void **state)
{
	(void)state;
	char s[1024];
	struct cron *c = NULL;
	struct brug_err err = {0};
	/* Exactly the cap, padded with spaces: fine. */
	memset(s, ' ', CRON_EXPR_MAX);
	memcpy(s, "0 7 * * 1", 9);
	s[CRON_EXPR_MAX] = '\0';
	assert_int_equal(cron_parse(s, &c, &err), 0);
	cron_free(c);
	c = NULL;
	s[CRON_EXPR_MAX] = ' ';
	s[CRON_EXPR_MAX + 1] = '\0';
	assert_int_equal(cron_parse(s, &c, &err), BRUG_EINVAL);
	assert_non_null(strstr(err.detail, "expression is longer than 200 bytes"));
	assert_null(c);
	/* A long list of valid items, a long number, a long name. */
	size_t n = 0;
	for (int i = 0; n + 8 < sizeof(s); i++)
		n += (size_t)snprintf(s + n, sizeof(s) - n, "%d,", i % 60);
	s[n - 1] = '\0';
	assert_int_equal(cron_parse(s, &c, &err), BRUG_EINVAL);
	memset(s, '7', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	assert_int_equal(cron_parse(s, &c, &err), BRUG_EINVAL);
	memset(s, 'A', 150);
	memcpy(s + 150, " * * * *", 9);
	assert_int_equal(cron_parse(s, &c, &err), BRUG_EINVAL);
	assert_non_null(strstr(err.detail, "\"AAAAAAAAAAAAAAAA...\" is not a number"));
	/* The longest a field list can be within the cap parses. */
	n = 0;
	for (int i = 0; i < 60 && n < 150; i++)
		n += (size_t)snprintf(s + n, sizeof(s) - n, "%d,", i);
	memcpy(s + n - 1, " * * * *", 9);
	c = parse_ok(s);
	char *f = cron_format(c);
	assert_string_equal(f, "0-53 * * * *");
	free(f);
	cron_free(c);
}

/* ---- next time in UTC ---- */

struct civil5 {
	int y, mo, d, h, mi;
};

struct next_case {
	const char *zone, *expr;
	struct civil5 after; /* UTC */
	int after_ms;        /* added to after */
	struct civil5 want;  /* UTC; year 0: never */
};

static int64_t civ_ms(struct civil5 c)
{
	return utc(c.y, c.mo, c.d, c.h, c.mi);
}

static void run_cases(const struct next_case *cases, size_t n)
{
	char a[96], b[96], w[96];
	for (size_t i = 0; i < n; i++) {
		const struct next_case *k = &cases[i];
		struct cron *c = parse_ok(k->expr);
		int64_t after = civ_ms(k->after) + k->after_ms;
		int64_t want = k->want.y ? civ_ms(k->want) : -1;
		int64_t got = cron_next(c, zone(k->zone), after);
		if (got != want)
			fail_msg("case %zu: \"%s\" in %s after %s: got %s, want %s", i, k->expr,
				 k->zone, show(after, a), show(got, b), show(want, w));
		cron_free(c);
	}
}

#define NEVER {0, 0, 0, 0, 0}

static const struct next_case utc_cases[] = {
	{"UTC", "* * * * *", {2026, 3, 10, 12, 34}, 56000, {2026, 3, 10, 12, 35}},
	{"UTC", "* * * * *", {2026, 3, 10, 12, 35}, 0, {2026, 3, 10, 12, 36}},
	{"UTC", "* * * * *", {2026, 3, 10, 12, 34}, 59999, {2026, 3, 10, 12, 35}},
	{"UTC", "* * * * *", {2026, 3, 10, 12, 35}, -1, {2026, 3, 10, 12, 35}},
	{"UTC", "* * * * *", {2026, 12, 31, 23, 59}, 0, {2027, 1, 1, 0, 0}},
	{"UTC", "*/15 * * * *", {2026, 3, 10, 12, 34}, 0, {2026, 3, 10, 12, 45}},
	{"UTC", "*/15 * * * *", {2026, 3, 10, 12, 45}, 0, {2026, 3, 10, 13, 0}},
	{"UTC", "*/15 * * * *", {2026, 3, 10, 23, 59}, 0, {2026, 3, 11, 0, 0}},
	{"UTC", "0 * * * *", {2026, 3, 10, 12, 0}, 0, {2026, 3, 10, 13, 0}},
	{"UTC", "0 * * * *", {2026, 3, 10, 23, 30}, 0, {2026, 3, 11, 0, 0}},
	{"UTC", "@hourly", {2026, 2, 28, 23, 1}, 0, {2026, 3, 1, 0, 0}},
	{"UTC", "0 7 * * *", {2026, 3, 10, 6, 59}, 0, {2026, 3, 10, 7, 0}},
	{"UTC", "0 7 * * *", {2026, 3, 10, 7, 0}, 0, {2026, 3, 11, 7, 0}},
	{"UTC", "0 7 * * *", {2026, 3, 10, 7, 0}, -1, {2026, 3, 10, 7, 0}},
	{"UTC", "0 7 * * 1-5", {2026, 3, 13, 8, 0}, 0, {2026, 3, 16, 7, 0}},
	{"UTC", "0 7 * * MON-FRI", {2026, 3, 14, 8, 0}, 0, {2026, 3, 16, 7, 0}},
	{"UTC", "0 7 * * 1-5", {2026, 3, 16, 6, 0}, 0, {2026, 3, 16, 7, 0}},
	{"UTC", "30 9 * * 0", {2026, 3, 10, 0, 0}, 0, {2026, 3, 15, 9, 30}},
	{"UTC", "30 9 * * 7", {2026, 3, 10, 0, 0}, 0, {2026, 3, 15, 9, 30}},
	{"UTC", "@weekly", {2026, 3, 10, 0, 0}, 0, {2026, 3, 15, 0, 0}},
	/* Vixie: both restricted, either matches (13th or a Friday). */
	{"UTC", "0 0 13 * 5", {2026, 3, 10, 0, 0}, 0, {2026, 3, 13, 0, 0}},
	{"UTC", "0 0 13 * 5", {2026, 3, 13, 0, 0}, 0, {2026, 3, 20, 0, 0}},
	{"UTC", "0 0 13 * 5", {2026, 4, 11, 0, 0}, 0, {2026, 4, 13, 0, 0}},
	{"UTC", "0 0 1 * 1", {2026, 3, 28, 0, 0}, 0, {2026, 3, 30, 0, 0}},
	{"UTC", "0 0 1 * 1", {2026, 3, 30, 0, 0}, 0, {2026, 4, 1, 0, 0}},
	{"UTC", "0 0 1-31 * 1", {2026, 3, 30, 0, 0}, 0, {2026, 3, 31, 0, 0}},
	/* One field starts with '*': both must match. */
	{"UTC", "0 0 * * 1", {2026, 3, 28, 0, 0}, 0, {2026, 3, 30, 0, 0}},
	{"UTC", "0 0 */2 * 1", {2026, 3, 1, 0, 0}, 0, {2026, 3, 9, 0, 0}},
	{"UTC", "0 0 */2 * 1", {2026, 3, 9, 0, 0}, 0, {2026, 3, 23, 0, 0}},
	{"UTC", "0 0 1 * */7", {2026, 1, 1, 0, 0}, 0, {2026, 2, 1, 0, 0}},
	{"UTC", "0 0 1 * */7", {2026, 3, 1, 0, 0}, 0, {2026, 11, 1, 0, 0}},
	/* Month names, short months. */
	{"UTC", "0 12 1 JUN,dec *", {2026, 7, 1, 0, 0}, 0, {2026, 12, 1, 12, 0}},
	{"UTC", "0 12 1 JUN,dec *", {2026, 12, 1, 12, 0}, 0, {2027, 6, 1, 12, 0}},
	{"UTC", "0 0 31 * *", {2026, 1, 31, 0, 0}, 0, {2026, 3, 31, 0, 0}},
	{"UTC", "0 0 31 * *", {2026, 3, 31, 0, 0}, 0, {2026, 5, 31, 0, 0}},
	{"UTC", "0 0 31 * *", {2026, 5, 31, 0, 0}, 0, {2026, 7, 31, 0, 0}},
	{"UTC", "0 0 31 * *", {2026, 7, 31, 0, 0}, 0, {2026, 8, 31, 0, 0}},
	{"UTC", "0 0 31 * *", {2026, 8, 31, 0, 0}, 0, {2026, 10, 31, 0, 0}},
	{"UTC", "0 0 31 * *", {2026, 10, 31, 0, 0}, 0, {2026, 12, 31, 0, 0}},
	{"UTC", "0 0 30 * *", {2026, 1, 30, 0, 0}, 0, {2026, 3, 30, 0, 0}},
	/* 29 February: leap years only, and 2100 is none. */
	{"UTC", "0 0 29 2 *", {2025, 1, 1, 0, 0}, 0, {2028, 2, 29, 0, 0}},
	{"UTC", "0 0 29 2 *", {2028, 2, 29, 0, 0}, 0, {2032, 2, 29, 0, 0}},
	{"UTC", "0 0 29 2 *", {2096, 3, 1, 0, 0}, 0, {2104, 2, 29, 0, 0}},
	{"UTC", "0 0 29 2 *", {1999, 3, 1, 0, 0}, 0, {2000, 2, 29, 0, 0}},
	{"UTC", "0 0 29 FEB */7", {2088, 3, 1, 0, 0}, 0, {2128, 2, 29, 0, 0}},
	{"UTC", "59 23 31 12 *", {2026, 12, 31, 23, 59}, 0, {2027, 12, 31, 23, 59}},
	{"UTC", "@yearly", {2026, 6, 1, 0, 0}, 0, {2027, 1, 1, 0, 0}},
	{"UTC", "@monthly", {2026, 12, 15, 0, 0}, 0, {2027, 1, 1, 0, 0}},
	{"UTC", "0 0 * * *", {1969, 12, 31, 23, 59}, 30000, {1970, 1, 1, 0, 0}},
	{"UTC", "0 0 * * *", {1900, 1, 1, 12, 0}, 0, {1900, 1, 2, 0, 0}},
	/* Never. */
	{"UTC", "0 0 30 2 *", {2026, 1, 1, 0, 0}, 0, NEVER},
	{"UTC", "0 0 31 2 *", {2026, 1, 1, 0, 0}, 0, NEVER},
	{"UTC", "0 0 31 4,6,9,11 *", {2026, 1, 1, 0, 0}, 0, NEVER},
	{"UTC", "0 0 30,31 2 *", {2026, 1, 1, 0, 0}, 0, NEVER},
	{"UTC", "0 0 30 2 */7", {2026, 1, 1, 0, 0}, 0, NEVER},
	/* ... but with a weekday restricted too, either matches. */
	{"UTC", "0 0 30 2 1", {2026, 1, 1, 0, 0}, 0, {2026, 2, 2, 0, 0}},
	{"UTC", "0 0 31 4 *", {2026, 1, 1, 0, 0}, 0, NEVER},
};

static void test_next_utc(void **state)
{
	(void)state;
	run_cases(utc_cases, N(utc_cases));
}

/* The ends of the int64_t range: an answer or -1, never a crash. */
static void test_next_extremes(void **state)
{
	(void)state;
	static const char *const exprs[] = {"* * * * *", "0 0 29 2 *", "0 0 29 2 */7",
					    "0 0 30 2 *", "59 23 31 12 *", "30 2 * * *"};
	static const int64_t afters[] = {INT64_MIN, INT64_MIN + 1, -((int64_t)1 << 62), -1, 0,
					 (int64_t)1 << 62, INT64_MAX - DAY_MS, INT64_MAX - 1,
					 INT64_MAX};
	static const char *const zones[] = {"UTC", "Europe/Amsterdam", "Australia/Lord_Howe"};
	for (size_t i = 0; i < N(exprs); i++) {
		struct cron *c = parse_ok(exprs[i]);
		for (size_t j = 0; j < N(afters); j++)
			for (size_t k = 0; k < N(zones); k++) {
				int64_t t = cron_next(c, zone(zones[k]), afters[j]);
				assert_true(t == -1 || t > afters[j]);
			}
		assert_int_equal(cron_next(c, zone("UTC"), INT64_MAX), -1);
		cron_free(c);
	}
}

/* ---- next time across daylight saving time ---- */

#define AMS "Europe/Amsterdam"
#define NYC "America/New_York"
#define LHI "Australia/Lord_Howe"
#define IST "Asia/Kolkata"

/* Times in UTC; the local time in the comment. Amsterdam jumps at 01:00 UTC
 * (02:00 CET -> 03:00 CEST; back 03:00 CEST -> 02:00 CET) on 29 March and
 * 25 October 2026, 28 March and 31 October 2027. New York at 07:00 UTC
 * (02:00 EST -> 03:00 EDT) on 8 March 2026 and 14 March 2027, and at 06:00
 * UTC (02:00 EDT -> 01:00 EST) on 1 November 2026 and 7 November 2027.
 * Lord Howe moves 30 minutes: back at 15:00 UTC (02:00 +11 -> 01:30
 * +10:30) on 4 April 2026 and 3 April 2027 (the 5th and 4th local),
 * forward at 15:30 UTC (02:00 +10:30 -> 02:30 +11) on 3 October 2026 and
 * 2 October 2027 (the 4th and 3rd local). Kolkata stays at +05:30. */
static const struct next_case dst_cases[] = {
	/* Amsterdam, spring 2026: 02:00-02:59 does not exist. */
	{AMS, "30 2 * * *", {2026, 3, 27, 12, 0}, 0, {2026, 3, 28, 1, 30}}, /* 02:30 CET */
	{AMS, "30 2 * * *", {2026, 3, 28, 12, 0}, 0, {2026, 3, 29, 1, 0}},  /* 03:00 CEST */
	{AMS, "30 2 * * *", {2026, 3, 29, 1, 0}, 0, {2026, 3, 30, 0, 30}},  /* 02:30 CEST */
	{AMS, "30 2 * * *", {2026, 3, 29, 0, 59}, 59999, {2026, 3, 29, 1, 0}},
	{AMS, "0 2 * * *", {2026, 3, 28, 12, 0}, 0, {2026, 3, 29, 1, 0}},
	{AMS, "0 3 * * *", {2026, 3, 28, 12, 0}, 0, {2026, 3, 29, 1, 0}},
	{AMS, "30 2,3 * * *", {2026, 3, 29, 1, 0}, 0, {2026, 3, 29, 1, 30}}, /* 03:30 */
	{AMS, "59 1 * * *", {2026, 3, 28, 12, 0}, 0, {2026, 3, 29, 0, 59}},  /* 01:59 CET */
	{AMS, "*/15 * * * *", {2026, 3, 29, 0, 45}, 0, {2026, 3, 29, 1, 0}},
	{AMS, "*/15 * * * *", {2026, 3, 29, 0, 50}, 0, {2026, 3, 29, 1, 0}},
	{AMS, "*/15 * * * *", {2026, 3, 29, 1, 0}, 0, {2026, 3, 29, 1, 15}},
	{AMS, "0 * * * *", {2026, 3, 29, 0, 0}, 0, {2026, 3, 29, 1, 0}},
	{AMS, "0 * * * *", {2026, 3, 29, 1, 0}, 0, {2026, 3, 29, 2, 0}},
	{AMS, "* * * * *", {2026, 3, 29, 0, 58}, 59999, {2026, 3, 29, 0, 59}},
	{AMS, "* * * * *", {2026, 3, 29, 0, 59}, 0, {2026, 3, 29, 1, 0}},
	{AMS, "0 7 * * *", {2026, 3, 27, 12, 0}, 0, {2026, 3, 28, 6, 0}}, /* 07:00 CET */
	{AMS, "0 7 * * *", {2026, 3, 28, 12, 0}, 0, {2026, 3, 29, 5, 0}}, /* 07:00 CEST */
	{AMS, "0 0 * * 1", {2026, 3, 29, 12, 0}, 0, {2026, 3, 29, 22, 0}},
	/* Amsterdam, autumn 2026: 02:00-02:59 happens twice. */
	{AMS, "30 2 * * *", {2026, 10, 24, 12, 0}, 0, {2026, 10, 25, 0, 30}}, /* CEST */
	{AMS, "30 2 * * *", {2026, 10, 25, 0, 30}, 0, {2026, 10, 26, 1, 30}},
	{AMS, "30 2 * * *", {2026, 10, 25, 1, 0}, 0, {2026, 10, 26, 1, 30}},
	{AMS, "0 2 * * *", {2026, 10, 24, 12, 0}, 0, {2026, 10, 25, 0, 0}},
	{AMS, "0 3 * * *", {2026, 10, 24, 12, 0}, 0, {2026, 10, 25, 2, 0}}, /* 03:00 CET */
	{AMS, "59 2 * * *", {2026, 10, 25, 0, 59}, 0, {2026, 10, 26, 1, 59}},
	{AMS, "0 * * * *", {2026, 10, 25, 0, 0}, 0, {2026, 10, 25, 2, 0}},
	{AMS, "*/15 * * * *", {2026, 10, 25, 0, 30}, 0, {2026, 10, 25, 0, 45}},
	{AMS, "*/15 * * * *", {2026, 10, 25, 0, 45}, 0, {2026, 10, 25, 2, 0}},
	{AMS, "* * * * *", {2026, 10, 25, 0, 59}, 0, {2026, 10, 25, 2, 0}},
	{AMS, "* * * * *", {2026, 10, 25, 1, 30}, 0, {2026, 10, 25, 2, 0}},
	{AMS, "0 7 * * *", {2026, 10, 24, 12, 0}, 0, {2026, 10, 25, 6, 0}},
	/* Amsterdam 2027. */
	{AMS, "30 2 * * *", {2027, 3, 27, 12, 0}, 0, {2027, 3, 28, 1, 0}},
	{AMS, "30 2 * * SUN", {2027, 3, 22, 0, 0}, 0, {2027, 3, 28, 1, 0}},
	{AMS, "30 2 * * *", {2027, 3, 28, 1, 0}, 0, {2027, 3, 29, 0, 30}},
	{AMS, "30 2 * * *", {2027, 10, 30, 12, 0}, 0, {2027, 10, 31, 0, 30}},
	{AMS, "30 2 * * *", {2027, 10, 31, 0, 30}, 0, {2027, 11, 1, 1, 30}},
	{AMS, "0 2 * * *", {2027, 10, 31, 0, 0}, 0, {2027, 11, 1, 1, 0}},
	/* New York 2026. */
	{NYC, "30 2 * * *", {2026, 3, 6, 12, 0}, 0, {2026, 3, 7, 7, 30}}, /* EST */
	{NYC, "30 2 * * *", {2026, 3, 7, 12, 0}, 0, {2026, 3, 8, 7, 0}},  /* 03:00 EDT */
	{NYC, "30 2 * * *", {2026, 3, 8, 7, 0}, 0, {2026, 3, 9, 6, 30}},  /* EDT */
	{NYC, "0 7 * * *", {2026, 3, 7, 12, 30}, 0, {2026, 3, 8, 11, 0}},
	{NYC, "30 1 * * *", {2026, 10, 31, 12, 0}, 0, {2026, 11, 1, 5, 30}}, /* EDT */
	{NYC, "30 1 * * *", {2026, 11, 1, 5, 30}, 0, {2026, 11, 2, 6, 30}},  /* EST */
	{NYC, "30 2 * * *", {2026, 10, 31, 12, 0}, 0, {2026, 11, 1, 7, 30}},
	{NYC, "0 * * * *", {2026, 11, 1, 5, 0}, 0, {2026, 11, 1, 7, 0}},
	/* New York 2027. */
	{NYC, "30 2 * * *", {2027, 3, 13, 12, 0}, 0, {2027, 3, 14, 7, 0}},
	{NYC, "*/30 * * * *", {2027, 3, 14, 6, 45}, 0, {2027, 3, 14, 7, 0}},
	{NYC, "*/30 * * * *", {2027, 3, 14, 7, 0}, 0, {2027, 3, 14, 7, 30}},
	{NYC, "30 1 * * *", {2027, 11, 6, 12, 0}, 0, {2027, 11, 7, 5, 30}},
	{NYC, "30 1 * * *", {2027, 11, 7, 5, 30}, 0, {2027, 11, 8, 6, 30}},
	/* Lord Howe 2026: 01:30-01:59 twice in April, 02:00-02:29 missing in October. */
	{LHI, "45 1 * * *", {2026, 4, 4, 0, 0}, 0, {2026, 4, 4, 14, 45}}, /* +11 */
	{LHI, "45 1 * * *", {2026, 4, 4, 14, 45}, 0, {2026, 4, 5, 15, 15}},
	{LHI, "0 2 * * *", {2026, 4, 4, 0, 0}, 0, {2026, 4, 4, 15, 30}},
	{LHI, "*/30 * * * *", {2026, 4, 4, 14, 0}, 0, {2026, 4, 4, 14, 30}},
	{LHI, "*/30 * * * *", {2026, 4, 4, 14, 30}, 0, {2026, 4, 4, 15, 30}},
	{LHI, "15 2 * * *", {2026, 10, 3, 0, 0}, 0, {2026, 10, 3, 15, 30}},
	{LHI, "30 2 * * *", {2026, 10, 3, 0, 0}, 0, {2026, 10, 3, 15, 30}},
	{LHI, "*/10 * * * *", {2026, 10, 3, 15, 20}, 0, {2026, 10, 3, 15, 30}},
	{LHI, "*/10 * * * *", {2026, 10, 3, 15, 30}, 0, {2026, 10, 3, 15, 40}},
	{LHI, "0 2 * * *", {2026, 10, 3, 15, 30}, 0, {2026, 10, 4, 15, 0}},
	/* Lord Howe 2027. */
	{LHI, "45 1 * * *", {2027, 4, 3, 0, 0}, 0, {2027, 4, 3, 14, 45}},
	{LHI, "45 1 * * *", {2027, 4, 3, 14, 45}, 0, {2027, 4, 4, 15, 15}},
	{LHI, "15 2 * * *", {2027, 10, 2, 0, 0}, 0, {2027, 10, 2, 15, 30}},
	{LHI, "0 3 * * *", {2027, 10, 2, 0, 0}, 0, {2027, 10, 2, 16, 0}},
	/* Kolkata: no daylight saving time, a half-hour offset. */
	{IST, "30 2 * * *", {2026, 3, 28, 12, 0}, 0, {2026, 3, 28, 21, 0}},
	{IST, "0 * * * *", {2026, 3, 29, 0, 0}, 0, {2026, 3, 29, 0, 30}},
	{IST, "0 7 * * 1-5", {2026, 3, 13, 2, 0}, 0, {2026, 3, 16, 1, 30}},
	{IST, "0 0 1 1 *", {2026, 6, 1, 0, 0}, 0, {2026, 12, 31, 18, 30}},
	{IST, "30 2 * * *", {2026, 10, 24, 12, 0}, 0, {2026, 10, 24, 21, 0}},
};

static void test_next_dst(void **state)
{
	(void)state;
	run_cases(dst_cases, N(dst_cases));
}

/* ---- brute-force cross-check ---- */

/* Deterministic pseudo-random numbers (xorshift64*), fixed seed. */
static uint64_t rng_state = 0x2545F4914F6CDD1DULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static int rnd(int lo, int hi) /* [lo, hi] */
{
	return lo + (int)(rng() % (uint64_t)(hi - lo + 1));
}

/* What an expression means, built by the test next to its text. */
struct model {
	uint64_t bits[5];
	bool dom_star, dow_star;
};

static const int fld_min[5] = {0, 0, 1, 1, 0}, fld_last[5] = {59, 23, 31, 12, 6};

/* Appends to the expression being built at *p (room enough: it is short). */
static void put(char **p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(char **p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	*p += vsnprintf(*p, 64, fmt, ap);
	va_end(ap);
}

/* Writes value v of field f, as a name now and then; when seven_ok, 7 for
 * some Sundays (not where it would start or end a range: 0-7 is all week). */
static void put_value(char **p, int f, int v, bool seven_ok)
{
	static const char *const mon[] = {"JAN", "feb", "Mar", "APR", "may", "Jun",
					  "JUL", "aug", "Sep", "OCT", "nov", "Dec"};
	static const char *const dow[] = {"SUN", "mon", "Tue", "WED", "thu", "Fri", "SAT"};
	if (f == 3 && rnd(0, 2) == 0)
		put(p, "%s", mon[v - 1]);
	else if (f == 4 && rnd(0, 2) == 0)
		put(p, "%s", dow[v]);
	else
		put(p, "%d", seven_ok && f == 4 && v == 0 && rnd(0, 1) ? 7 : v);
}

static void set_bits(uint64_t *bits, int f, int lo, int hi, int step)
{
	for (int v = lo; v <= hi; v += step)
		*bits |= (uint64_t)1 << v;
	(void)f;
}

/* A value of field f; hours often those when clocks change (1-2 local). */
static int pick(int f)
{
	if (f == 1 && rnd(0, 2))
		return rnd(0, 2) ? rnd(1, 2) : rnd(0, 3);
	return rnd(fld_min[f], fld_last[f]);
}

/* One random item of field f: *, *\/S, N, A-B, A-B/S, N/S. */
static void put_item(char **p, int f, uint64_t *bits, bool first, bool *star)
{
	int kind = rnd(0, 5), lo = pick(f), hi = pick(f), width = fld_last[f] - fld_min[f] + 1;
	int step = rnd(1, f == 0 ? 20 : width);
	if (lo > hi) {
		int t = lo;
		lo = hi;
		hi = t;
	}
	if (first)
		*star = kind <= 1;
	switch (kind) {
	case 0:
		put(p, "*");
		set_bits(bits, f, fld_min[f], fld_last[f], 1);
		break;
	case 1:
		put(p, "*/%d", step);
		set_bits(bits, f, fld_min[f], fld_last[f], step);
		break;
	case 2:
		put_value(p, f, lo, true);
		set_bits(bits, f, lo, lo, 1);
		break;
	case 3:
		put_value(p, f, lo, false);
		put(p, "-");
		put_value(p, f, hi, false);
		set_bits(bits, f, lo, hi, 1);
		break;
	case 4:
		put_value(p, f, lo, false);
		put(p, "-");
		put_value(p, f, hi, false);
		put(p, "/%d", step);
		set_bits(bits, f, lo, hi, step);
		break;
	default:
		put_value(p, f, lo, false);
		put(p, "/%d", step);
		set_bits(bits, f, lo, fld_last[f], step);
		break;
	}
}

/* A random expression in out, its meaning in *m. Fields are often '*' so
 * most expressions fire within the reference's reach; when daily, the day
 * fields mostly are, so the expression fires on the days clocks change. */
static void random_expr(char *out, struct model *m, bool daily)
{
	const int star_pct[5] = {15, 20, daily ? 90 : 55, daily ? 95 : 75, daily ? 90 : 55};
	char *p = out;
	memset(m, 0, sizeof(*m));
	for (int f = 0; f < 5; f++) {
		bool star = false;
		if (f)
			*p++ = ' ';
		if (rnd(0, 99) < star_pct[f]) {
			*p++ = '*';
			set_bits(&m->bits[f], f, fld_min[f], fld_last[f], 1);
			star = true;
		} else {
			int items = rnd(0, 3) ? 1 : rnd(2, 3);
			for (int i = 0; i < items; i++) {
				if (i)
					*p++ = ',';
				put_item(&p, f, &m->bits[f], i == 0, &star);
			}
		}
		if (f == 2)
			m->dom_star = star;
		if (f == 4)
			m->dow_star = star;
	}
	*p = '\0';
}

/* Does the local minute u (minutes since 1970-01-01 on the wall clock)
 * match? Its date by gmtime, not by the code under test. */
static bool model_matches(const struct model *m, int64_t u)
{
	time_t t = (time_t)(u * 60);
	struct tm tm;
	gmtime_r(&t, &tm);
	if (!(m->bits[0] >> tm.tm_min & 1) || !(m->bits[1] >> tm.tm_hour & 1) ||
	    !(m->bits[3] >> (tm.tm_mon + 1) & 1))
		return false;
	bool dom = m->bits[2] >> tm.tm_mday & 1, dow = m->bits[4] >> tm.tm_wday & 1;
	return !m->dom_star && !m->dow_star ? dom || dow : dom && dow;
}

/* The wall clock of z at t, in minutes since 1970-01-01 local. */
static int64_t wall_minutes(const struct tz *z, int64_t t)
{
	struct tz_civil c;
	tz_to_local(z, t, &c);
	struct tm tm = {.tm_year = c.year - 1900, .tm_mon = c.month - 1, .tm_mday = c.day,
			.tm_hour = c.hour, .tm_min = c.minute};
	return (int64_t)timegm(&tm) / 60;
}

/* The slow reference: watch the wall clock minute by minute (UTC minutes
 * are local minutes in these zones); a matching local minute fires at the
 * first instant the clock shows it or a later time, once. Starts three
 * hours early to learn how far the clock has already gone. INT64_MIN when
 * nothing fires by after + days. */
static int64_t ref_next(const struct model *m, const struct tz *z, int64_t after, int days)
{
	int64_t t = after - (after % MIN_MS + MIN_MS) % MIN_MS - 3 * HOUR_MS;
	int64_t end = after + days * DAY_MS, seen = wall_minutes(z, t);
	for (t += MIN_MS; t <= end; t += MIN_MS) {
		int64_t w = wall_minutes(z, t);
		bool fires = false;
		for (int64_t u = seen + 1; u <= w; u++)
			fires |= model_matches(m, u);
		if (w > seen)
			seen = w;
		if (fires && t > after)
			return t;
	}
	return INT64_MIN;
}

/* Is the clock of z at t showing a time it showed before (it went back)? */
static bool in_repeat(const struct tz *z, int64_t t)
{
	int64_t now = wall_minutes(z, t);
	for (int k = 1; k <= 180; k++)
		if (wall_minutes(z, t - k * MIN_MS) > now)
			return true;
	return false;
}

/* Instants (UTC ms) where the offset of z changes in [lo, hi), to the minute. */
static size_t changes(const struct tz *z, int64_t lo, int64_t hi, int64_t *out, size_t max)
{
	size_t n = 0;
	struct tz_civil a, b;
	tz_to_local(z, lo, &a);
	for (int64_t t = lo + HOUR_MS; t < hi && n < max; t += HOUR_MS) {
		tz_to_local(z, t, &b);
		if (b.utc_offset_s != a.utc_offset_s) {
			int64_t u = t - HOUR_MS; /* the change is in (u, t]: find its minute */
			while (tz_to_local(z, u, &b), b.utc_offset_s == a.utc_offset_s)
				u += MIN_MS;
			out[n++] = u;
		}
		a = b;
	}
	return n;
}

/* -DCROSS_EXPRS=5000 for a longer run by hand. */
#ifndef CROSS_EXPRS
#define CROSS_EXPRS 500
#endif
#define CROSS_INSTANTS 6
#define CROSS_DAYS 40

static void test_cross_check(void **state)
{
	(void)state;
	static const char *const names[] = {"UTC", AMS, NYC, LHI, IST};
	int64_t lo = utc(2024, 1, 1, 0, 0), hi = utc(2031, 1, 1, 0, 0);
	int64_t trans[5][32];
	size_t n_trans[5];
	for (size_t k = 0; k < N(names); k++)
		n_trans[k] = changes(zone(names[k]), lo, hi, trans[k], N(trans[k]));
	for (size_t k = 1; k <= 3; k++) /* two a year, 2024-2030 */
		assert_int_equal(n_trans[k], 14);
	long checked = 0, found = 0, beyond = 0, never = 0, mismatches = 0, repeats = 0, jumps = 0;
	for (int i = 0; i < CROSS_EXPRS; i++) {
		char expr[512];
		struct model m;
		random_expr(expr, &m, i % 2);
		struct cron *c = parse_ok(expr);
		for (int j = 0; j < CROSS_INSTANTS; j++) {
			/* One instant anywhere in any zone, the others in the
			 * hours around a change of the clock. */
			size_t k = (size_t)(j == 0 ? rnd(0, (int)N(names) - 1) : rnd(1, 3));
			const struct tz *z = zone(names[k]);
			int64_t after;
			if (j > 0)
				after = trans[k][rnd(0, (int)n_trans[k] - 1)] +
					rnd(-180, 90) * MIN_MS + (rnd(0, 3) ? 0 : rnd(0, 59999));
			else
				after = lo + (int64_t)(rng() % (uint64_t)(hi - lo));
			int64_t got = cron_next(c, z, after);
			int64_t want = ref_next(&m, z, after, CROSS_DAYS);
			checked++;
			repeats += in_repeat(z, after);
			jumps += got != -1 && !model_matches(&m, wall_minutes(z, got));
			bool ok;
			if (want != INT64_MIN) {
				ok = got == want;
				found++;
			} else if (got == -1) {
				never++;
				ok = true;
			} else {
				/* Beyond the reference's reach: at least a firing time. */
				ok = got > after + CROSS_DAYS * DAY_MS &&
				     ref_next(&m, z, got - 1, 1) == got;
				beyond++;
			}
			if (!ok && mismatches++ < 10) {
				char a[96], b[96], w[96];
				print_message("mismatch: \"%s\" in %s after %s: got %s, reference %s\n",
					      expr, names[k], show(after, a), show(got, b),
					      want == INT64_MIN ? "none" : show(want, w));
			}
		}
		/* The normal form means the same. */
		char *f = cron_format(c);
		struct cron *back = parse_ok(f);
		int64_t t = lo + (int64_t)(rng() % (uint64_t)(hi - lo));
		const struct tz *z = zone(names[i % N(names)]);
		assert_int_equal(cron_next(back, z, t), cron_next(c, z, t));
		free(f);
		cron_free(back);
		cron_free(c);
	}
	print_message("cross-check: %d expressions x %d instants = %ld: %ld within %d days, "
		      "%ld beyond, %ld never; %ld from a repeated hour, %ld fired at a jump; "
		      "%ld mismatches\n",
		      CROSS_EXPRS, CROSS_INSTANTS, checked, found, CROSS_DAYS, beyond, never,
		      repeats, jumps, mismatches);
	assert_int_equal(mismatches, 0);
	assert_true(found > checked * 3 / 4);
	assert_true(repeats >= 20 && jumps >= 20);
}

/* ---- speed, threads ---- */

/* Sparse schedules are found by skipping, not by stepping minute by minute
 * (which would take seconds per call for a wait of 40 years). */
static void test_speed(void **state)
{
	(void)state;
	static const char *const exprs[] = {"0 0 29 2 */7", "0 0 30 2 *", "59 23 31 12 *",
					    "0 0 29 2 *", "0 0 */31 2 1"};
	const struct tz *z = zone(AMS);
	clock_t start = clock();
	for (size_t i = 0; i < N(exprs); i++) {
		struct cron *c = parse_ok(exprs[i]);
		int64_t t = utc(2088, 3, 1, 0, 0);
		for (int k = 0; k < 200; k++)
			t = cron_next(c, z, t == -1 ? utc(2088, 3, 1, 0, 0) : t);
		cron_free(c);
	}
	double s = (double)(clock() - start) / CLOCKS_PER_SEC;
	print_message("1000 sparse searches: %.3f s\n", s);
	assert_true(s < 2.0);
}

struct th_arg {
	const struct cron *c;
	const int64_t *want;
	int n;
	long bad;
};

static void *th_run(void *p)
{
	struct th_arg *a = p;
	const struct tz *z = tz_get(AMS);
	int64_t t = utc(2026, 1, 1, 0, 0);
	for (int i = 0; i < a->n; i++) {
		t = cron_next(a->c, z, t);
		a->bad += t != a->want[i];
	}
	return NULL;
}

/* One parsed schedule shared by threads gives each the same answers. */
static void test_threads(void **state)
{
	(void)state;
	enum { THREADS = 4, STEPS = 2000 };
	struct cron *c = parse_ok("*/7 1-3 * * *");
	const struct tz *z = zone(AMS);
	int64_t want[STEPS], t = utc(2026, 1, 1, 0, 0);
	for (int i = 0; i < STEPS; i++)
		want[i] = t = cron_next(c, z, t);
	pthread_t th[THREADS];
	struct th_arg args[THREADS];
	for (int i = 0; i < THREADS; i++) {
		args[i] = (struct th_arg){c, want, STEPS, 0};
		assert_int_equal(pthread_create(&th[i], NULL, th_run, &args[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(args[i].bad, 0);
	}
	cron_free(c);
}

static int teardown(void **state)
{
	(void)state;
	tz_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_parse_valid, teardown),
		cmocka_unit_test_teardown(test_parse_invalid, teardown),
		cmocka_unit_test_teardown(test_parse_long, teardown),
		cmocka_unit_test_teardown(test_next_utc, teardown),
		cmocka_unit_test_teardown(test_next_extremes, teardown),
		cmocka_unit_test_teardown(test_next_dst, teardown),
		cmocka_unit_test_teardown(test_cross_check, teardown),
		cmocka_unit_test_teardown(test_speed, teardown),
		cmocka_unit_test_teardown(test_threads, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/util/tz*.c. glibc is the oracle: this test is single-threaded
 * (but for the thread test, which does not touch TZ), so it may set TZ and
 * call localtime_r, and compares tz_to_local with it for many zones over
 * 1900-2100 at random instants and at every transition. Then the parts glibc
 * cannot check: gaps and overlaps, day starts, formatting, footer-only zones,
 * hostile names and files, and concurrent use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/tz.h"
#include "util/tz_impl.h"
#include "util/xmalloc.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define T1900 (-2208988800LL)
#define T2100 4102444800LL

/* Zones compared with glibc: DST north and south, 30- and 45-minute
 * offsets, 30-minute DST (Lord Howe), negative DST (Dublin, Casablanca),
 * 2-hour DST (Troll), footer rules at 24:00, 26:00, 50:00 and -1:00
 * (Santiago, Jerusalem, Gaza, Nuuk), a skipped day (Apia), +14. */
static const char *const zones[] = {
	"Europe/Amsterdam",    "Europe/London",	      "Europe/Dublin",	     "Europe/Lisbon",
	"Europe/Moscow",       "America/New_York",    "America/Los_Angeles", "America/Sao_Paulo",
	"America/St_Johns",    "America/Santiago",    "America/Nuuk",	     "America/Havana",
	"America/Scoresbysund", "Australia/Sydney",   "Australia/Lord_Howe", "Asia/Kolkata",
	"Asia/Kathmandu",      "Asia/Tehran",	      "Asia/Jerusalem",	     "Asia/Gaza",
	"Pacific/Chatham",     "Pacific/Apia",	      "Pacific/Kiritimati",  "Africa/Casablanca",
	"Antarctica/Troll",    "Etc/GMT+5",	      "UTC",
};

/* Deterministic pseudo-random numbers (xorshift64*), fixed seed. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static int64_t rng_range(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rng() % (uint64_t)(hi - lo));
}

static void set_tz_env(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* UTC seconds of a UTC civil time, by glibc (not by the code under test). */
static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			.tm_hour = h, .tm_min = mi, .tm_sec = s};
	return (int64_t)timegm(&tm);
}

static const struct tz *get(const char *name)
{
	const struct tz *z = tz_get(name);
	if (!z)
		fail_msg("zone %s did not load", name);
	return z;
}

static int mismatches_shown;

/* tz_to_local against localtime_r under the current TZ. */
static bool same_as_glibc(const struct tz *z, int64_t ms)
{
	struct tz_civil c;
	struct tm tm;
	time_t t = (time_t)tz_floor_div(ms, 1000);
	tz_to_local(z, ms, &c);
	assert_non_null(localtime_r(&t, &tm));
	bool ok = c.year == tm.tm_year + 1900 && c.month == tm.tm_mon + 1 && c.day == tm.tm_mday &&
		  c.hour == tm.tm_hour && c.minute == tm.tm_min && c.second == tm.tm_sec &&
		  c.ms == (int)tz_floor_mod(ms, 1000) && c.weekday == tm.tm_wday &&
		  c.yday == tm.tm_yday && c.utc_offset_s == tm.tm_gmtoff &&
		  c.dst == (tm.tm_isdst > 0) && strcmp(c.abbr, tm.tm_zone) == 0;
	if (!ok && mismatches_shown++ < 20)
		print_message("mismatch %s at %lld: ours %04d-%02d-%02d %02d:%02d:%02d %+d %d %s, "
			      "glibc %04d-%02d-%02d %02d:%02d:%02d %+ld %d %s\n",
			      tz_name(z), (long long)ms, c.year, c.month, c.day, c.hour, c.minute,
			      c.second, c.utc_offset_s, c.dst, c.abbr, tm.tm_year + 1900,
			      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			      tm.tm_gmtoff, tm.tm_isdst, tm.tm_zone);
	return ok;
}

struct counts {
	long instants, transitions, mismatches;
};

/* Random instants in [lo, hi) seconds, and each change of type in that
 * range at -1 ms, 0, +1 ms and +-1 s. TZ must already name z's rules. */
static void compare_zone(const struct tz *z, int64_t lo, int64_t hi, int randoms,
			 struct counts *n)
{
	for (int i = 0; i < randoms; i++, n->instants++)
		n->mismatches += !same_as_glibc(z, rng_range(lo * 1000, hi * 1000));
	int64_t t = lo, next;
	for (;;) {
		tz_type_at(z, t, &next);
		if (next >= hi)
			break;
		static const int64_t around[] = {-1000, -1, 0, 1, 1000};
		for (size_t k = 0; k < N(around); k++, n->instants++)
			n->mismatches += !same_as_glibc(z, next * 1000 + around[k]);
		n->transitions++;
		t = next;
	}
}

static void test_glibc_zones(void **state)
{
	(void)state;
	struct counts n = {0};
	for (size_t i = 0; i < N(zones); i++) {
		set_tz_env(zones[i]);
		compare_zone(get(zones[i]), T1900, T2100, 5000, &n);
	}
	print_message("glibc comparison: %zu zones, %ld instants (%ld transitions), "
		      "%ld mismatches\n",
		      N(zones), n.instants, n.transitions, n.mismatches);
	assert_int_equal(n.mismatches, 0);
	unsetenv("TZ");
	tzset();
}

/* Every zone file on the system (the right/ leap-second variants and the
 * posix/ copies aside), fewer instants each. */
static char **all_names;
static size_t all_n, all_cap;

static int all_collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	const char *name = path + strlen(TZ_DIR_DEFAULT) + 1;
	if (type == FTW_D && ftw->level == 1 &&
	    (strcmp(name, "right") == 0 || strcmp(name, "posix") == 0))
		return FTW_SKIP_SUBTREE;
	if (type != FTW_F)
		return FTW_CONTINUE;
	char magic[4] = {0};
	FILE *f = fopen(path, "rb");
	if (f) {
		size_t got = fread(magic, 1, 4, f);
		fclose(f);
		if (got == 4 && memcmp(magic, "TZif", 4) == 0) {
			if (all_n == all_cap) {
				all_cap = all_cap ? all_cap * 2 : 256;
				all_names = xrealloc(all_names, all_cap * sizeof(*all_names));
			}
			all_names[all_n++] = xstrdup(name);
		}
	}
	return FTW_CONTINUE;
}

static void test_glibc_all_zones(void **state)
{
	(void)state;
	struct counts n = {0};
	assert_int_equal(nftw(TZ_DIR_DEFAULT, all_collect, 16, FTW_PHYS | FTW_ACTIONRETVAL), 0);
	assert_true(all_n > 300);
	for (size_t i = 0; i < all_n; i++) {
		set_tz_env(all_names[i]);
		compare_zone(get(all_names[i]), T1900, T2100, 300, &n);
		free(all_names[i]);
	}
	print_message("glibc comparison, all zone files: %zu zones, %ld instants "
		      "(%ld transitions), %ld mismatches\n",
		      all_n, n.instants, n.transitions, n.mismatches);
	xfreep(&all_names);
	all_n = all_cap = 0;
	unsetenv("TZ");
	tzset();
	assert_int_equal(n.mismatches, 0);
}

/* The calendar arithmetic over the whole int64_t ms range, against gmtime_r. */
static void test_civil_range(void **state)
{
	(void)state;
	const struct tz *z = get("UTC");
	struct tz_civil c;
	long bad = 0;
	for (int i = 0; i < 200000; i++) {
		int64_t ms = i == 0 ? INT64_MIN : i == 1 ? INT64_MAX : (int64_t)rng();
		if (i % 2 == 0 && i > 1)
			ms /= (int64_t)1 << (rng() % 56); /* also nearer 1970 */
		time_t t = (time_t)tz_floor_div(ms, 1000);
		struct tm tm;
		assert_non_null(gmtime_r(&t, &tm));
		tz_to_local(z, ms, &c);
		bad += c.year != tm.tm_year + 1900 || c.month != tm.tm_mon + 1 ||
		       c.day != tm.tm_mday || c.hour != tm.tm_hour || c.minute != tm.tm_min ||
		       c.second != tm.tm_sec || c.weekday != tm.tm_wday || c.yday != tm.tm_yday;
		int64_t days = tz_floor_div(t, 86400);
		int64_t y;
		int m, d;
		tz_civil_from_days(days, &y, &m, &d);
		bad += tz_days_from_civil(y, m, d) != days;
	}
	assert_int_equal(bad, 0);
	tz_to_local(z, INT64_MAX, &c);
	assert_int_equal(c.year, 292278994);
	assert_int_equal(c.ms, 807);
	tz_to_local(z, INT64_MIN, &c);
	assert_int_equal(c.year, -292275055);
	assert_int_equal(c.ms, 192);
	assert_int_equal(tz_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(tz_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(tz_days_from_civil(0, 3, 1), -719468);
	assert_int_equal(tz_days_from_civil(-1, 12, 31), -719529);
	assert_int_equal(tz_days_from_civil(2024, 3, 0), tz_days_from_civil(2024, 2, 29));
	/* Every zone at the extremes: no overflow (UBSan), sane fields. */
	for (size_t i = 0; i < N(zones); i++) {
		const struct tz *zz = get(zones[i]);
		tz_to_local(zz, INT64_MIN, &c);
		assert_true(c.month >= 1 && c.hour >= 0 && c.hour < 24);
		tz_to_local(zz, INT64_MAX, &c);
		assert_true(c.month <= 12 && c.minute < 60);
		assert_true(tz_day_start(zz, INT64_MIN) == INT64_MIN);
		struct tz_civil start;
		tz_to_local(zz, tz_day_start(zz, INT64_MAX), &start);
		assert_true(start.day == c.day && start.hour == 0 && start.minute == 0);
		assert_true(tz_from_local(zz, INT_MAX, 12, 31, 23, 59, 59) == INT64_MAX);
		assert_true(tz_from_local(zz, INT_MIN, 1, 1, 0, 0, 0) == INT64_MIN);
	}
}

/* tz_from_local(tz_to_local(u)) is u, or an earlier instant with the same
 * wall time when the clocks went back. */
static void test_roundtrip(void **state)
{
	(void)state;
	long total = 0, earlier = 0;
	for (size_t i = 0; i < N(zones); i++) {
		const struct tz *z = get(zones[i]);
		for (int k = 0; k < 4000; k++, total++) {
			int64_t ms = rng_range(T1900 * 1000, T2100 * 1000);
			int64_t s = tz_floor_div(ms, 1000) * 1000;
			struct tz_civil a, b;
			tz_to_local(z, ms, &a);
			int64_t back = tz_from_local(z, a.year, a.month, a.day, a.hour, a.minute,
						     a.second);
			tz_to_local(z, back, &b);
			assert_true(back <= s);
			assert_true(a.year == b.year && a.month == b.month && a.day == b.day &&
				    a.hour == b.hour && a.minute == b.minute && a.second == b.second);
			earlier += back < s;
		}
	}
	print_message("round trips: %ld, %ld in a fall-back overlap\n", total, earlier);
	assert_true(earlier > 0);
}

struct local_case {
	const char *zone;
	int y, mo, d, h, mi, s;
	int64_t want; /* UTC seconds */
};

static void test_gaps_and_overlaps(void **state)
{
	(void)state;
	const struct local_case cases[] = {
		/* Amsterdam, spring 2026: 02:00-03:00 does not exist, read as CET. */
		{"Europe/Amsterdam", 2026, 3, 29, 1, 59, 59, utc(2026, 3, 29, 0, 59, 59)},
		{"Europe/Amsterdam", 2026, 3, 29, 2, 0, 0, utc(2026, 3, 29, 1, 0, 0)},
		{"Europe/Amsterdam", 2026, 3, 29, 2, 30, 0, utc(2026, 3, 29, 1, 30, 0)},
		{"Europe/Amsterdam", 2026, 3, 29, 3, 0, 0, utc(2026, 3, 29, 1, 0, 0)},
		{"Europe/Amsterdam", 2026, 3, 29, 3, 30, 0, utc(2026, 3, 29, 1, 30, 0)},
		/* Amsterdam, autumn 2026: 02:00-03:00 happens twice; the CEST one. */
		{"Europe/Amsterdam", 2026, 10, 25, 1, 59, 59, utc(2026, 10, 24, 23, 59, 59)},
		{"Europe/Amsterdam", 2026, 10, 25, 2, 0, 0, utc(2026, 10, 25, 0, 0, 0)},
		{"Europe/Amsterdam", 2026, 10, 25, 2, 30, 0, utc(2026, 10, 25, 0, 30, 0)},
		{"Europe/Amsterdam", 2026, 10, 25, 2, 59, 59, utc(2026, 10, 25, 0, 59, 59)},
		{"Europe/Amsterdam", 2026, 10, 25, 3, 0, 0, utc(2026, 10, 25, 2, 0, 0)},
		/* New York. */
		{"America/New_York", 2026, 3, 8, 2, 30, 0, utc(2026, 3, 8, 7, 30, 0)},
		{"America/New_York", 2026, 11, 1, 1, 30, 0, utc(2026, 11, 1, 5, 30, 0)},
		/* Sydney, southern hemisphere: back in April, forward in October. */
		{"Australia/Sydney", 2026, 4, 5, 2, 30, 0, utc(2026, 4, 4, 15, 30, 0)},
		{"Australia/Sydney", 2026, 10, 4, 2, 30, 0, utc(2026, 10, 3, 16, 30, 0)},
		/* Lord Howe: a 30-minute gap 02:00-02:30 (+10:30 -> +11). */
		{"Australia/Lord_Howe", 2026, 10, 4, 2, 15, 0, utc(2026, 10, 3, 15, 45, 0)},
		{"Australia/Lord_Howe", 2026, 4, 5, 1, 45, 0, utc(2026, 4, 4, 14, 45, 0)},
		/* Apia skipped 30 December 2011 (-10 -> +14). */
		{"Pacific/Apia", 2011, 12, 30, 12, 0, 0, utc(2011, 12, 30, 22, 0, 0)},
		{"Pacific/Apia", 2011, 12, 31, 0, 0, 0, utc(2011, 12, 30, 10, 0, 0)},
		/* Beyond the table, from the footer. */
		{"Europe/Amsterdam", 2099, 3, 29, 2, 30, 0, utc(2099, 3, 29, 1, 30, 0)},
		{"Europe/Amsterdam", 2099, 10, 25, 2, 30, 0, utc(2099, 10, 25, 0, 30, 0)},
		/* Normalisation like mktime. */
		{"Europe/Amsterdam", 2026, 13, 1, 0, 0, 0, utc(2026, 12, 31, 23, 0, 0)},
		{"Europe/Amsterdam", 2026, 3, 0, 12, 0, 0, utc(2026, 2, 28, 11, 0, 0)},
		{"Europe/Amsterdam", 2026, 0, 1, 0, 0, 0, utc(2025, 11, 30, 23, 0, 0)},
		{"Europe/Amsterdam", 2026, 6, 30, 24, -1, 0, utc(2026, 6, 30, 21, 59, 0)},
		/* Julian day 0, proleptic Gregorian. */
		{"UTC", -4713, 11, 24, 12, 0, 0, -210866760000LL},
	};
	for (size_t i = 0; i < N(cases); i++) {
		const struct local_case *c = &cases[i];
		int64_t got = tz_from_local(get(c->zone), c->y, c->mo, c->d, c->h, c->mi, c->s);
		if (got != c->want * 1000)
			fail_msg("case %zu: %s %d-%d-%d %d:%d:%d gave %lld, want %lld", i, c->zone,
				 c->y, c->mo, c->d, c->h, c->mi, c->s, (long long)got,
				 (long long)c->want * 1000);
	}
}

struct day_case {
	const char *zone;
	int64_t at;          /* UTC seconds */
	int64_t want;        /* UTC seconds */
	int minutes;         /* length of that day */
};

static void test_day_start(void **state)
{
	(void)state;
	const struct day_case cases[] = {
		{"Europe/Amsterdam", utc(2026, 3, 29, 12, 0, 0), utc(2026, 3, 28, 23, 0, 0), 23 * 60},
		{"Europe/Amsterdam", utc(2026, 10, 25, 12, 0, 0), utc(2026, 10, 24, 22, 0, 0), 25 * 60},
		{"Europe/Amsterdam", utc(2026, 11, 24, 8, 30, 0), utc(2026, 11, 23, 23, 0, 0), 24 * 60},
		{"Europe/Amsterdam", utc(2026, 11, 23, 23, 0, 0), utc(2026, 11, 23, 23, 0, 0), 24 * 60},
		{"Europe/Amsterdam", utc(1969, 7, 20, 20, 17, 0), utc(1969, 7, 19, 23, 0, 0), 24 * 60},
		{"America/New_York", utc(2026, 3, 8, 12, 0, 0), utc(2026, 3, 8, 5, 0, 0), 23 * 60},
		{"America/New_York", utc(2026, 11, 1, 4, 59, 59), utc(2026, 11, 1, 4, 0, 0), 25 * 60},
		/* Brazil went forward at midnight: 4 November 2018 began at 01:00. */
		{"America/Sao_Paulo", utc(2018, 11, 4, 15, 0, 0), utc(2018, 11, 4, 3, 0, 0), 23 * 60},
		/* Lord Howe goes back half an hour: a day of 24.5 hours. */
		{"Australia/Lord_Howe", utc(2026, 4, 5, 6, 0, 0), utc(2026, 4, 4, 13, 0, 0), 1470},
		{"Pacific/Apia", utc(2011, 12, 31, 2, 0, 0), utc(2011, 12, 30, 10, 0, 0), 24 * 60},
		{"Asia/Kathmandu", utc(2026, 1, 1, 0, 0, 0), utc(2025, 12, 31, 18, 15, 0), 24 * 60},
	};
	for (size_t i = 0; i < N(cases); i++) {
		const struct day_case *c = &cases[i];
		const struct tz *z = get(c->zone);
		int64_t got = tz_day_start(z, c->at * 1000);
		if (got != c->want * 1000)
			fail_msg("case %zu: %s gave %lld, want %lld", i, c->zone, (long long)got,
				 (long long)c->want * 1000);
		/* A millisecond earlier is the day before; 12 h past the end is the next. */
		assert_true(tz_day_start(z, got - 1) < got);
		int64_t next = tz_day_start(z, got + ((int64_t)c->minutes * 60 + 43200) * 1000);
		assert_int_equal(next - got, (int64_t)c->minutes * 60000);
		assert_int_equal(tz_day_start(z, next - 1), got);
	}
}

static void test_format(void **state)
{
	(void)state;
	const struct tz *ams = get("Europe/Amsterdam"), *kat = get("Asia/Kathmandu");
	char out[TZ_FORMAT_MAX];
	int64_t t = utc(2026, 11, 24, 8, 30, 0) * 1000;
	assert_int_equal(tz_format(ams, t, "nl", out, sizeof(out)), 16);
	assert_string_equal(out, "24-11-2026 09:30");
	assert_int_equal(tz_format(ams, t, "en", out, sizeof(out)), 18);
	assert_string_equal(out, "24 Nov 2026, 09:30");
	tz_format(ams, utc(2026, 3, 4, 6, 5, 59) * 1000 + 999, "en", out, sizeof(out));
	assert_string_equal(out, "4 Mar 2026, 07:05");
	tz_format(ams, utc(2026, 3, 4, 6, 5, 0) * 1000, "nl-BE", out, sizeof(out));
	assert_string_equal(out, "04-03-2026 07:05");
	tz_format(ams, utc(2026, 7, 4, 6, 5, 0) * 1000, "nl_NL", out, sizeof(out));
	assert_string_equal(out, "04-07-2026 08:05");
	tz_format(ams, t, NULL, out, sizeof(out));
	assert_string_equal(out, "24 Nov 2026, 09:30");
	tz_format(ams, t, "nld", out, sizeof(out));
	assert_string_equal(out, "24 Nov 2026, 09:30");
	tz_format(kat, t, "en", out, sizeof(out));
	assert_string_equal(out, "24 Nov 2026, 14:15");
	tz_format(ams, utc(2026, 12, 31, 23, 0, 0) * 1000, "en", out, sizeof(out));
	assert_string_equal(out, "1 Jan 2027, 00:00");
	/* Truncation: never past n, always NUL-terminated. */
	assert_int_equal(tz_format(ams, t, "nl", out, 6), 5);
	assert_string_equal(out, "24-11");
	assert_int_equal(tz_format(ams, t, "nl", out, 1), 0);
	assert_string_equal(out, "");
	assert_int_equal(tz_format(ams, t, "nl", out, 0), 0);
	const int64_t extremes[] = {INT64_MIN, INT64_MAX};
	for (size_t i = 0; i < N(extremes); i++) {
		size_t len = tz_format(ams, extremes[i], "en", out, sizeof(out));
		assert_true(len < sizeof(out) - 1 && len == strlen(out));
		len = tz_format(ams, extremes[i], "nl", out, sizeof(out));
		assert_true(len < sizeof(out) - 1 && len == strlen(out));
	}
}

/* Building TZif files: an empty version 1 block (as zic -b slim writes for
 * version 2+), then the 64-bit block and the footer. */
struct zbuf {
	uint8_t *p;
	size_t n, cap;
};

static void put(struct zbuf *b, const void *s, size_t n)
{
	if (n == 0)
		return;
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static void put32(struct zbuf *b, uint32_t v)
{
	uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
	put(b, x, 4);
}

static void put64(struct zbuf *b, uint64_t v)
{
	put32(b, (uint32_t)(v >> 32));
	put32(b, (uint32_t)v);
}

struct zspec {
	char version; /* 0, '2', '3' */
	size_t ntrans;
	const int64_t *trans;
	const uint8_t *idx;
	size_t ntypes;
	const int32_t *utoff;
	const uint8_t *isdst;
	const uint8_t *desig;
	const char *chars; /* designations, each NUL-terminated */
	size_t nchars;
	const char *footer; /* version 2+ */
};

static void zone_header(struct zbuf *b, char version, uint32_t timecnt, uint32_t typecnt,
			uint32_t charcnt)
{
	static const uint8_t zero[15];
	put(b, "TZif", 4);
	put(b, &version, 1);
	put(b, zero, sizeof(zero));
	put32(b, 0); /* isutcnt */
	put32(b, 0); /* isstdcnt */
	put32(b, 0); /* leapcnt */
	put32(b, timecnt);
	put32(b, typecnt);
	put32(b, charcnt);
}

static void zone_block(struct zbuf *b, const struct zspec *s, unsigned tsize)
{
	for (size_t i = 0; i < s->ntrans; i++)
		tsize == 8 ? put64(b, (uint64_t)s->trans[i]) : put32(b, (uint32_t)s->trans[i]);
	put(b, s->idx, s->ntrans);
	for (size_t i = 0; i < s->ntypes; i++) {
		put32(b, (uint32_t)s->utoff[i]);
		put(b, &s->isdst[i], 1);
		put(b, &s->desig[i], 1);
	}
	put(b, s->chars, s->nchars);
}

static struct zbuf zone_bytes(const struct zspec *s)
{
	struct zbuf b = {0};
	if (s->version == 0) {
		zone_header(&b, 0, (uint32_t)s->ntrans, (uint32_t)s->ntypes, (uint32_t)s->nchars);
		zone_block(&b, s, 4);
		return b;
	}
	zone_header(&b, s->version, 0, 0, 0);
	zone_header(&b, s->version, (uint32_t)s->ntrans, (uint32_t)s->ntypes,
		    (uint32_t)s->nchars);
	zone_block(&b, s, 8);
	put(&b, "\n", 1);
	put(&b, s->footer, strlen(s->footer));
	put(&b, "\n", 1);
	return b;
}

/* A zone of no transitions, one type, and footer. */
static struct zbuf footer_zone(const char *footer)
{
	static const int32_t utoff[] = {3600};
	static const uint8_t isdst[] = {0}, desig[] = {0};
	struct zspec s = {.version = '2', .ntypes = 1, .utoff = utoff, .isdst = isdst,
			  .desig = desig, .chars = "CET", .nchars = 4, .footer = footer};
	return zone_bytes(&s);
}

static char tmp_dir[64];

static void tmp_make(void)
{
	snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/brug-test-tz-XXXXXX");
	assert_non_null(mkdtemp(tmp_dir));
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/T", tmp_dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	tz_set_dir(tmp_dir);
}

static void tmp_remove(void)
{
	char cmd[128];
	if (!tmp_dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_dir);
	tmp_dir[0] = '\0';
	assert_int_equal(system(cmd), 0);
	tz_set_dir(NULL);
}

/* Writes n bytes as T/name in the temporary zone folder. */
static void tmp_write(const char *name, const void *p, size_t n)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/T/%s", tmp_dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static const struct tz *tmp_zone(const char *name, struct zbuf b)
{
	char full[64];
	tmp_write(name, b.p, b.n);
	free(b.p);
	snprintf(full, sizeof(full), "T/%s", name);
	return tz_get(full);
}

static bool civil_eq(const struct tz_civil *a, const struct tz_civil *b)
{
	return a->year == b->year && a->month == b->month && a->day == b->day &&
	       a->hour == b->hour && a->minute == b->minute && a->second == b->second &&
	       a->ms == b->ms && a->weekday == b->weekday && a->yday == b->yday &&
	       a->utc_offset_s == b->utc_offset_s && a->dst == b->dst &&
	       strcmp(a->abbr, b->abbr) == 0;
}

/* Footer-only zones against glibc reading the same string from TZ. */
static void test_footer_only(void **state)
{
	(void)state;
	/* glibc evaluates a rule in the UTC year of the instant, which goes wrong
	 * for a switch that falls in another UTC year than its own: those two
	 * rules are checked by hand below instead. */
	static const struct {
		const char *rule;
		bool glibc;
	} rules[] = {
		{"CET-1CEST,M3.5.0,M10.5.0/3", true},
		{"<-03>3", true},
		{"<+0545>-5:45", true},
		{"EST5EDT,M3.2.0,M11.1.0", true},
		{"AEST-10AEDT,M10.1.0,M4.1.0/3", true},
		{"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", true},
		{"IST-2IDT,M3.4.4/26,M10.5.0", true},
		{"EET-2EEST,M3.4.4/50,M10.4.4/50", true},
		{"<-02>2<-01>,M3.5.0/-1,M10.5.0/0", true},
		{"<-04>4<-03>,M9.1.6/24,M4.1.6/24", true},
		{"IST-1GMT0,M10.5.0,M3.5.0/1", true},
		{"NZST-12NZDT,M9.5.0,M4.1.0/3", true},
		{"XXX3YYY,J60/2,J300/2", true},
		{"XXX3YYY,59/2,300/2", true},
		{"XXX-2YYY-3,J1/0,J365/23", false},
		{"XXX+3:30YYY+2:15:10,M3.1.0/-1:30,M11.5.6/+25", true},
		{"<+00>0<+02>-2,M3.5.0/1,M10.5.0/3", true},
		{"ABC-14DEF-13,M1.1.0,M12.5.0", false},
	};
	struct counts n = {0};
	tmp_make();
	for (size_t i = 0; i < N(rules); i++) {
		char name[16];
		snprintf(name, sizeof(name), "F%zu", i);
		const struct tz *z = tmp_zone(name, footer_zone(rules[i].rule));
		if (!z)
			fail_msg("footer %s refused", rules[i].rule);
		assert_int_equal(z->n_trans, 0);
		/* glibc applies TZ rules to years before 1970 as if to 1970. */
		if (rules[i].glibc) {
			set_tz_env(rules[i].rule);
			compare_zone(z, 0, T2100, 2000, &n);
		}
		/* The Gregorian calendar repeats every 400 years (146097 days, a
		 * whole number of weeks), so must the rules: that covers the
		 * years glibc cannot, and the far future and past. */
		for (int k = 0; k < 2000; k++) {
			int64_t ms = k < 1000 ? rng_range(T1900 * 1000, 0)
					      : (int64_t)(rng() % (1ULL << 62)) - ((int64_t)1 << 61);
			int64_t cycle = (int64_t)146097 * 86400000 * (k % 2 ? 1 : -7);
			struct tz_civil a, b;
			tz_to_local(z, ms, &a);
			tz_to_local(z, ms + cycle, &b);
			b.year -= k % 2 ? 400 : -2800;
			n.instants++;
			n.mismatches += !civil_eq(&a, &b);
		}
	}
	unsetenv("TZ");
	tzset();
	print_message("footer-only zones: %zu rules, %ld instants (%ld transitions, 1970-2100 "
		      "against glibc, the rest against themselves 400 years on), "
		      "%ld mismatches\n",
		      N(rules), n.instants, n.transitions, n.mismatches);
	assert_int_equal(n.mismatches, 0);

	struct tz_civil c;
	tz_to_local(get("T/F1"), utc(2026, 7, 1, 12, 0, 0) * 1000, &c);
	assert_int_equal(c.utc_offset_s, -3 * 3600);
	assert_int_equal(c.hour, 9);
	assert_false(c.dst);
	assert_string_equal(c.abbr, "-03");
	/* J60 is 1 March even in leap years; 59 is 29 February then. */
	const struct tz *j = get("T/F12"), *z0 = get("T/F13");
	tz_to_local(j, (utc(2024, 3, 1, 5, 0, 0) - 1) * 1000, &c);
	assert_false(c.dst);
	tz_to_local(j, utc(2024, 3, 1, 5, 0, 0) * 1000, &c);
	assert_true(c.dst);
	assert_string_equal(c.abbr, "YYY");
	tz_to_local(z0, utc(2024, 2, 29, 5, 0, 0) * 1000, &c);
	assert_true(c.dst);
	tz_to_local(z0, utc(2023, 3, 1, 5, 0, 0) * 1000 - 1, &c);
	assert_false(c.dst);
	/* Switches in another UTC year than their own. */
	const struct {
		const char *zone;
		int64_t at;
		int utoff;
	} edges[] = {
		{"T/F14", utc(1970, 12, 31, 19, 59, 59), 3 * 3600},
		{"T/F14", utc(1970, 12, 31, 20, 0, 0), 2 * 3600},
		{"T/F14", utc(1970, 12, 31, 21, 59, 59), 2 * 3600},
		{"T/F14", utc(1970, 12, 31, 22, 0, 0), 3 * 3600},
		{"T/F17", utc(1977, 12, 24, 12, 59, 59), 13 * 3600},
		{"T/F17", utc(1977, 12, 24, 13, 0, 0), 14 * 3600},
		{"T/F17", utc(1977, 12, 31, 11, 59, 59), 14 * 3600},
		{"T/F17", utc(1977, 12, 31, 12, 0, 0), 13 * 3600},
	};
	for (size_t i = 0; i < N(edges); i++) {
		tz_to_local(get(edges[i].zone), edges[i].at * 1000, &c);
		if (c.utc_offset_s != edges[i].utoff)
			fail_msg("edge %zu: offset %d, want %d", i, c.utc_offset_s, edges[i].utoff);
	}
	/* DST all year (RFC 8536 section 3.3.1). */
	const struct tz *always = tmp_zone("Always", footer_zone("EST5EDT,0/0,J365/25"));
	assert_non_null(always);
	for (int i = 0; i < 20000; i++) {
		int64_t ms = i < 200 ? (utc(1990 + i / 4, 1, 1, 5, 0, 0) + i % 4 - 2) * 1000
				     : rng_range(T1900 * 1000, T2100 * 1000);
		tz_to_local(always, ms, &c);
		assert_true(c.dst && c.utc_offset_s == -4 * 3600);
	}
	tmp_remove();
}

static void test_posix_parse(void **state)
{
	(void)state;
	static const char *const good[] = {
		"UTC0", "<+03>-3", "<-03>3", "CET-1", "CET-1CEST", "CET-1:00:00CEST-2:00:00",
		"EST+5EDT,M3.2.0/2:00:00,M11.1.0/2:00:00", "XXX3YYY,J1,J365", "XXX3YYY,0,365",
		"XXX24YYY,M1.1.0/167,M12.5.6/-167", "XXX-24", "<A1-b+>0", "ABCDEFGHIJ0",
	};
	static const char *const bad[] = {
		"", "C", "CE", "CET", "CET-", "CET-25", "CET-1:60", "CET-1:00:60", "<+03", "<+3>3",
		"<+03>", "<>0", "<+0 3>0", "CET-1CEST,", "CET-1CEST,M3.5.0", "CET-1CEST,M3.5.0,",
		"CET-1CEST,M0.5.0,M10.5.0", "CET-1CEST,M13.5.0,M10.5.0", "CET-1CEST,M3.0.0,M10.5.0",
		"CET-1CEST,M3.6.0,M10.5.0", "CET-1CEST,M3.5.7,M10.5.0", "CET-1CEST,M3.5,M10.5.0",
		"CET-1CEST,J0,J365", "CET-1CEST,J366,J1", "CET-1CEST,366,1", "CET-1CEST,1/168,2",
		"CET-1CEST,1/-168,2", "CET-1CEST,M3.5.0,M10.5.0/3x", "CET-1CEST,M3.5.0,M10.5.0,",
		":Europe/Amsterdam", "CET-1 ", " CET-1", "CET-1CEST-25", "CET-1\nCEST",
		"CET-1CEST,M3.5.0/,M10.5.0", "CET-99999999999999999999",
	};
	struct tz_rule r;
	for (size_t i = 0; i < N(good); i++)
		if (tz_posix_parse(good[i], strlen(good[i]), &r) != 0)
			fail_msg("refused %s", good[i]);
	for (size_t i = 0; i < N(bad); i++)
		if (tz_posix_parse(bad[i], strlen(bad[i]), &r) == 0)
			fail_msg("accepted %s", bad[i]);
	/* The bytes given, not the NUL: "CET-1CEST" cut after 5 bytes. */
	assert_int_equal(tz_posix_parse("CET-1CEST", 5, &r), 0);
	assert_false(r.has_dst);
	assert_int_equal(tz_posix_parse("<+0545>-5:45", 12, &r), 0);
	assert_int_equal(r.std.utoff, 5 * 3600 + 45 * 60);
	assert_string_equal(r.std.abbr, "+0545");
	assert_int_equal(tz_posix_parse("ABCDEFGHIJ0", 11, &r), 0);
	assert_string_equal(r.std.abbr, "ABCDEFG");
	assert_int_equal(tz_posix_parse("CET-1CEST", 9, &r), 0);
	assert_true(r.has_dst);
	assert_int_equal(r.dst.utoff, 7200);
	assert_int_equal(r.start.m, 3);
	assert_int_equal(r.end.m, 11);
}

static void test_hostile_names(void **state)
{
	(void)state;
	char longname[TZ_NAME_MAX + 2];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	static const char *const names[] = {
		"",
		"/etc/passwd",
		"../etc/passwd",
		"Europe/../../etc/passwd",
		"Europe/..",
		"..",
		".",
		"./UTC",
		"Europe/./Amsterdam",
		"Europe//Amsterdam",
		"Europe/Amsterdam/",
		"Europe/Amsterdam\n",
		"Europe/Amsterdam ",
		"Europe\\Amsterdam",
		"Europe/Amsterdam%00",
		"Europe/Amsterdam;rm",
		"Europe/.hidden",
		"Euro..pe/Amsterdam",
		"Europe",
		"Nowhere/Nothing",
		"zone.tab",
		"zone1970.tab",
		"tzdata.zi",
		"leap-seconds.list",
		"right/Europe/Amsterdam",
		"Europe/Amst\xc3\xa9rdam",
		"utc",
	};
	for (size_t i = 0; i < N(names); i++)
		if (tz_get(names[i]))
			fail_msg("accepted %s", names[i]);
	assert_null(tz_get(NULL));
	assert_null(tz_get(longname));
	longname[TZ_NAME_MAX] = '\0';
	assert_null(tz_get(longname)); /* valid shape, no such file */
	/* A valid name, and one that is a symlink in the zoneinfo folder. */
	const struct tz *a = tz_get("Europe/Amsterdam"), *b = tz_get("US/Eastern");
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_equal(tz_get("Europe/Amsterdam"), a);
	assert_string_equal(tz_name(a), "Europe/Amsterdam");
}

/* UTC and Etc/UTC need no files. */
static void test_utc_builtin(void **state)
{
	(void)state;
	tz_cleanup();
	tz_set_dir("/nonexistent");
	const struct tz *u = tz_get("UTC"), *e = tz_get("Etc/UTC");
	assert_non_null(u);
	assert_non_null(e);
	assert_null(tz_get("Europe/Amsterdam"));
	struct tz_civil c;
	tz_to_local(e, 1764000000123LL, &c);
	assert_int_equal(c.utc_offset_s, 0);
	assert_string_equal(c.abbr, "UTC");
	assert_false(c.dst);
	assert_int_equal(c.ms, 123);
	assert_int_equal(tz_from_local(u, 2026, 11, 24, 9, 30, 0), utc(2026, 11, 24, 9, 30, 0) * 1000);
	tz_cleanup();
	assert_non_null(tz_get("Europe/Amsterdam"));
}

static uint8_t *file_slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	uint8_t *p = xmalloc(TZ_FILE_MAX);
	*n = fread(p, 1, TZ_FILE_MAX, f);
	fclose(f);
	return p;
}

/* A valid two-type zone with transitions, and the ways to break it. */
static const int64_t good_trans[] = {-100000, 0, 100000};
static const uint8_t good_idx[] = {1, 0, 1};
static const int32_t good_utoff[] = {3600, 7200};
static const uint8_t good_isdst[] = {0, 1}, good_desig[] = {0, 4};

static struct zspec good_spec(void)
{
	return (struct zspec){.version = '2', .ntrans = 3, .trans = good_trans, .idx = good_idx,
			      .ntypes = 2, .utoff = good_utoff, .isdst = good_isdst,
			      .desig = good_desig, .chars = "CET\0CEST", .nchars = 9,
			      .footer = "CET-1CEST,M3.5.0,M10.5.0/3"};
}

/* Offsets in the second header of a version 2 file with an empty first block. */
#define V2_TIMECNT (44 + 32)
#define V2_TYPECNT (44 + 36)
#define V2_CHARCNT (44 + 40)
#define V2_LEAPCNT (44 + 28)

static void test_hostile_files(void **state)
{
	(void)state;
	tmp_make();
	/* The controls load. */
	struct zspec s = good_spec();
	const struct tz *z = tmp_zone("Good", zone_bytes(&s));
	assert_non_null(z);
	assert_int_equal(z->n_trans, 3);
	struct tz_civil c;
	tz_to_local(z, -1, &c);
	assert_string_equal(c.abbr, "CEST");
	tz_to_local(z, 0, &c);
	assert_string_equal(c.abbr, "CET");
	tz_to_local(z, -200000000, &c); /* before the first: type 0 */
	assert_string_equal(c.abbr, "CET");
	s.version = 0;
	z = tmp_zone("V1", zone_bytes(&s));
	assert_non_null(z);
	assert_false(z->has_rule);
	tz_to_local(z, 200000000, &c); /* after the last, no footer: the last type */
	assert_string_equal(c.abbr, "CEST");
	s = good_spec();
	s.footer = "";
	assert_non_null(tmp_zone("NoFooter", zone_bytes(&s)));

	/* Not TZif at all. */
	tmp_write("Empty", "", 0);
	assert_null(tz_get("T/Empty"));
	tmp_write("Text", "hello, world\n", 13);
	assert_null(tz_get("T/Text"));
	tmp_write("Magic", "TZif2", 5);
	assert_null(tz_get("T/Magic"));

	/* Broken versions of the good zone, each patched at one place. */
	struct {
		const char *name;
		size_t at; /* byte offset, from the end if negative below */
		bool from_end;
		uint32_t value;
		int width;
	} patches[] = {
		{"Version1", 4, false, '1', 1},
		{"Version2nd", 44 + 4, false, '3', 1},
		{"HugeTimecnt", V2_TIMECNT, false, 0xFFFFFFFFu, 4},
		{"BigTimecnt", V2_TIMECNT, false, 4, 4},
		{"SmallTimecnt", V2_TIMECNT, false, 2, 4},
		{"NoTypes", V2_TYPECNT, false, 0, 4},
		{"HugeTypes", V2_TYPECNT, false, 0x7FFFFFFFu, 4},
		{"NoChars", V2_CHARCNT, false, 0, 4},
		{"Leap", V2_LEAPCNT, false, 1, 4},
		{"Unsorted", 88 + 8 + 5, false, 0x10, 1}, /* second transition > third */
		{"Equal", 88 + 8 + 7, false, 0x00, 1},    /* patched below to equal first */
		{"TypeIndex", 88 + 24 + 1, false, 2, 1},
		{"Isdst2", 88 + 27 + 4, false, 2, 1},
		{"DesigOut", 88 + 27 + 5, false, 9, 1},
		{"UtoffMin", 88 + 27, false, 0x80000000u, 4},
		{"UtoffBig", 88 + 27, false, 100000, 4},
		{"NoNewline", 1, true, 'x', 1},
		{"FooterBad", 3, true, 'Z', 1},
		{"FooterNL", 6, true, '\n', 1},
		{"FooterStart", 28, true, 'x', 1},
	};
	for (size_t i = 0; i < N(patches); i++) {
		struct zspec g = good_spec();
		struct zbuf b = zone_bytes(&g);
		size_t at = patches[i].from_end ? b.n - patches[i].at : patches[i].at;
		if (patches[i].width == 4) {
			uint32_t v = patches[i].value;
			uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
					(uint8_t)v};
			memcpy(b.p + at, x, 4);
		} else {
			b.p[at] = (uint8_t)patches[i].value;
		}
		if (strcmp(patches[i].name, "Equal") == 0)
			memcpy(b.p + 88 + 8, b.p + 88, 8);
		if (tmp_zone(patches[i].name, b))
			fail_msg("accepted %s", patches[i].name);
	}
	/* The abbreviation must end with a NUL inside the designations. */
	s = good_spec();
	s.nchars = 8;
	assert_null(tmp_zone("DesigNoNul", zone_bytes(&s)));
	/* Trailing bytes after the footer. */
	s = good_spec();
	struct zbuf b = zone_bytes(&s);
	put(&b, "x", 1);
	assert_null(tmp_zone("Trailing", b));

	/* A FIFO must not hang the loader; folders and other files are no zones. */
	char path[256];
	snprintf(path, sizeof(path), "%s/T/Fifo", tmp_dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_null(tz_get("T/Fifo"));
	assert_null(tz_get("T"));
	snprintf(path, sizeof(path), "%s/T/Passwd", tmp_dir);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	assert_null(tz_get("T/Passwd"));
	snprintf(path, sizeof(path), "%s/T/Ams", tmp_dir);
	assert_int_equal(symlink(TZ_DIR_DEFAULT "/Europe/Amsterdam", path), 0);
	assert_non_null(tz_get("T/Ams"));

	/* Size: a version 1 zone of n transitions, one type, an empty
	 * designation has 44 + 5n + 6 + 1 bytes: exactly 1 MiB for n = 209705. */
	int64_t *many = xmalloc(sizeof(int64_t) * 210000);
	uint8_t *idx = xcalloc(210000, 1);
	for (size_t i = 0; i < 210000; i++)
		many[i] = (int64_t)i * 60;
	static const int32_t one_utoff[] = {0};
	static const uint8_t zero[] = {0};
	struct zspec big = {.ntrans = 209705, .trans = many, .idx = idx, .ntypes = 1,
			    .utoff = one_utoff, .isdst = zero, .desig = zero, .chars = "",
			    .nchars = 1};
	b = zone_bytes(&big);
	assert_int_equal(b.n, TZ_FILE_MAX);
	assert_non_null(tmp_zone("Mebibyte", b));
	big.ntrans++;
	b = zone_bytes(&big);
	assert_int_equal(b.n, TZ_FILE_MAX + 5);
	assert_null(tmp_zone("TooBig", b));
	free(many);
	free(idx);
	tmp_remove();
}

/* A clock that jumps over local midnight and then goes back across it (found
 * by fuzzing): tz_from_local must give the later instant that really shows
 * midnight, not read it as a gap; tz_day_start the jump, which comes first. */
static void test_jump_over_and_back(void **state)
{
	(void)state;
	static const int64_t trans[] = {86400 - 4000, 86400 - 3000};
	static const uint8_t idx[] = {1, 2};
	static const int32_t utoff[] = {0, 7200, 2000};
	static const uint8_t isdst[] = {0, 0, 0}, desig[] = {0, 0, 0};
	struct zspec s = {.version = '2', .ntrans = 2, .trans = trans, .idx = idx, .ntypes = 3,
			  .utoff = utoff, .isdst = isdst, .desig = desig, .chars = "ABC",
			  .nchars = 4, .footer = ""};
	struct zbuf b = zone_bytes(&s);
	struct tz *z = tz_parse_tzif("x", b.p, b.n);
	free(b.p);
	assert_non_null(z);
	assert_int_equal(tz_from_local(z, 1970, 1, 2, 0, 0, 0), (86400 - 2000) * 1000LL);
	assert_int_equal(tz_day_start(z, (86400 - 1900) * 1000LL), (86400 - 4000) * 1000LL);
	assert_int_equal(tz_day_start(z, (86400 - 3500) * 1000LL), (86400 - 4000) * 1000LL);
	assert_int_equal(tz_day_start(z, (86400 - 2500) * 1000LL), 0);
	tz_free(z);
}

/* Every prefix of real zone files is refused, and flipped bits never crash
 * (ASan and UBSan watch). In memory, through the private parser. */
static void test_hostile_bytes(void **state)
{
	(void)state;
	static const char *const files[] = {"Europe/Amsterdam", "America/Nuuk", "Asia/Kolkata",
					    "Etc/UTC"};
	long accepted = 0, tried = 0;
	for (size_t f = 0; f < N(files); f++) {
		char path[256];
		size_t n;
		snprintf(path, sizeof(path), "%s/%s", TZ_DIR_DEFAULT, files[f]);
		uint8_t *p = file_slurp(path, &n);
		struct tz *z = tz_parse_tzif("x", p, n);
		assert_non_null(z);
		tz_free(z);
		for (size_t len = 0; len < n; len++)
			assert_null(tz_parse_tzif("x", p, len));
		for (size_t i = 0; i < n; i++) {
			for (int bit = 0; bit < 8; bit++, tried++) {
				p[i] ^= (uint8_t)(1u << bit);
				z = tz_parse_tzif("x", p, n);
				if (z) {
					struct tz_civil c;
					accepted++;
					tz_to_local(z, (int64_t)rng(), &c);
					tz_from_local(z, 2026, 3, 29, 2, 30, 0);
					tz_free(z);
				}
				p[i] ^= (uint8_t)(1u << bit);
			}
		}
		/* Random garbage with a valid magic. */
		for (int k = 0; k < 2000; k++, tried++) {
			for (size_t i = 5; i < n; i++)
				p[i] = (uint8_t)rng();
			z = tz_parse_tzif("x", p, n);
			accepted += z != NULL;
			tz_free(z);
		}
		free(p);
	}
	print_message("mutated files: %ld tried, %ld still well-formed\n", tried, accepted);
}

/* Four threads look zones up (loading them concurrently at first) and
 * convert, comparing with answers computed before on one thread. */
#define TH_THREADS 4
#define TH_INSTANTS 2000
static const char *const th_zones[] = {"Europe/Amsterdam", "America/New_York",
				       "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham",
				       "America/Sao_Paulo", "Africa/Casablanca", "UTC"};
static int64_t th_at[TH_INSTANTS];
static struct tz_civil (*th_want)[TH_INSTANTS];
static int64_t (*th_back)[TH_INSTANTS];
static pthread_barrier_t th_barrier;


static void *th_run(void *arg)
{
	size_t id = (size_t)(uintptr_t)arg;
	long bad = 0;
	pthread_barrier_wait(&th_barrier);
	for (int round = 0; round < 3; round++) {
		for (size_t k = 0; k < N(th_zones); k++) {
			size_t zi = (k + id) % N(th_zones);
			const struct tz *z = tz_get(th_zones[zi]);
			if (!z) {
				bad++;
				continue;
			}
			for (size_t i = 0; i < TH_INSTANTS; i++) {
				struct tz_civil c;
				tz_to_local(z, th_at[i], &c);
				bad += !civil_eq(&c, &th_want[zi][i]);
				bad += tz_from_local(z, c.year, c.month, c.day, c.hour, c.minute,
						     c.second) != th_back[zi][i];
			}
		}
	}
	return (void *)(uintptr_t)bad;
}

static void test_threads(void **state)
{
	(void)state;
	th_want = xcalloc(N(th_zones), sizeof(*th_want));
	th_back = xcalloc(N(th_zones), sizeof(*th_back));
	for (size_t i = 0; i < TH_INSTANTS; i++)
		th_at[i] = rng_range(T1900 * 1000, T2100 * 1000);
	for (size_t k = 0; k < N(th_zones); k++) {
		const struct tz *z = get(th_zones[k]);
		for (size_t i = 0; i < TH_INSTANTS; i++) {
			struct tz_civil *c = &th_want[k][i];
			tz_to_local(z, th_at[i], c);
			th_back[k][i] = tz_from_local(z, c->year, c->month, c->day, c->hour,
						      c->minute, c->second);
		}
	}
	tz_cleanup(); /* so the threads race to load */
	pthread_t th[TH_THREADS];
	assert_int_equal(pthread_barrier_init(&th_barrier, NULL, TH_THREADS), 0);
	for (size_t i = 0; i < TH_THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, th_run, (void *)(uintptr_t)i), 0);
	long bad = 0;
	for (size_t i = 0; i < TH_THREADS; i++) {
		void *r;
		assert_int_equal(pthread_join(th[i], &r), 0);
		bad += (long)(uintptr_t)r;
	}
	pthread_barrier_destroy(&th_barrier);
	free(th_want);
	free(th_back);
	assert_int_equal(bad, 0);
}

/* After each test, also one that failed halfway: no temporary folder left,
 * no zone folder but the system's, no zones cached, no TZ. */
static int teardown(void **state)
{
	(void)state;
	tmp_remove();
	tz_cleanup();
	unsetenv("TZ");
	tzset();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_glibc_zones, teardown),
		cmocka_unit_test_teardown(test_glibc_all_zones, teardown),
		cmocka_unit_test_teardown(test_civil_range, teardown),
		cmocka_unit_test_teardown(test_roundtrip, teardown),
		cmocka_unit_test_teardown(test_gaps_and_overlaps, teardown),
		cmocka_unit_test_teardown(test_day_start, teardown),
		cmocka_unit_test_teardown(test_format, teardown),
		cmocka_unit_test_teardown(test_footer_only, teardown),
		cmocka_unit_test_teardown(test_posix_parse, teardown),
		cmocka_unit_test_teardown(test_hostile_names, teardown),
		cmocka_unit_test_teardown(test_utc_builtin, teardown),
		cmocka_unit_test_teardown(test_hostile_files, teardown),
		cmocka_unit_test_teardown(test_jump_over_and_back, teardown),
		cmocka_unit_test_teardown(test_hostile_bytes, teardown),
		cmocka_unit_test_teardown(test_threads, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

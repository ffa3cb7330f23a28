/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the time zone code (src/util/tz*.c): the input is a TZif
 * zone file, parsed in memory and through tz_get from a scratch zoneinfo
 * folder, and also a POSIX TZ string. Beyond crashes and sanitizer reports,
 * it traps when a promise of tz.h breaks for a zone that loaded: local
 * fields in range and consistent with the offset, tz_from_local giving back
 * the same wall time no later than the instant, tz_day_start not after the
 * instant, tz_format within TZ_FORMAT_MAX; and when the file and in-memory
 * paths disagree on whether the zone is well-formed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/tz.h"
#include "util/tz_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static char file[96];

/* A scratch zoneinfo folder for one run, removed at its end (libFuzzer does
 * not always run atexit handlers). In memory when we can: rewriting a file
 * on disk on every run is slow. */
static void scratch_make(void)
{
	char sub[80];
	snprintf(dir, sizeof(dir), "/dev/shm/brug-fuzz-tz-XXXXXX");
	if (!mkdtemp(dir)) {
		snprintf(dir, sizeof(dir), "/tmp/brug-fuzz-tz-XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	snprintf(sub, sizeof(sub), "%s/F", dir);
	snprintf(file, sizeof(file), "%s/F/zone", dir);
	if (mkdir(sub, 0700) != 0)
		abort();
}

static void scratch_remove(void)
{
	char sub[80];
	unlink(file);
	snprintf(sub, sizeof(sub), "%s/F", dir);
	rmdir(sub);
	rmdir(dir);
}

static bool same_wall(const struct tz_civil *a, const struct tz_civil *b)
{
	return a->year == b->year && a->month == b->month && a->day == b->day &&
	       a->hour == b->hour && a->minute == b->minute && a->second == b->second;
}

static void check_instant(const struct tz *z, int64_t ms)
{
	struct tz_civil c, d;
	tz_to_local(z, ms, &c);
	if (c.month < 1 || c.month > 12 || c.day < 1 || c.day > 31 || c.hour < 0 || c.hour > 23 ||
	    c.minute < 0 || c.minute > 59 || c.second < 0 || c.second > 59 || c.ms < 0 ||
	    c.ms > 999 || c.weekday < 0 || c.weekday > 6 || c.yday < 0 || c.yday > 365 ||
	    c.utc_offset_s < TZ_UTOFF_MIN || c.utc_offset_s > TZ_UTOFF_MAX ||
	    strnlen(c.abbr, sizeof(c.abbr)) == sizeof(c.abbr))
		__builtin_trap();
	int64_t days = tz_days_from_civil(c.year, c.month, c.day);
	int64_t wall = days * 86400 + c.hour * 3600 + c.minute * 60 + c.second;
	int64_t s = tz_floor_div(ms, 1000);
	if (wall != s + c.utc_offset_s || tz_floor_mod(days + 4, 7) != c.weekday ||
	    days - tz_days_from_civil(c.year, 1, 1) != c.yday)
		__builtin_trap();
	if (tz_day_start(z, ms) > ms)
		__builtin_trap();
	char out[TZ_FORMAT_MAX];
	if (tz_format(z, ms, "nl", out, sizeof(out)) != strlen(out) ||
	    tz_format(z, ms, "en", out, sizeof(out)) >= sizeof(out) - 1)
		__builtin_trap();
	/* Far from the ends, so the way back cannot saturate. */
	if (ms < -((int64_t)1 << 61) || ms > (int64_t)1 << 61)
		return;
	int64_t back = tz_from_local(z, c.year, c.month, c.day, c.hour, c.minute, c.second);
	tz_to_local(z, back, &d);
	if (back > s * 1000 || !same_wall(&c, &d))
		__builtin_trap();
}

static void exercise(const struct tz *z, const uint8_t *data, size_t size)
{
	static const int64_t fixed[] = {
		INT64_MIN, INT64_MIN + 1, -((int64_t)1 << 61), -2208988800000, -1, 0, 1,
		1774747800000, 1792888200000, 4102444800000, (int64_t)1 << 61, INT64_MAX,
	};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		check_instant(z, fixed[i]);
	/* Around the first transitions, where the answers change. */
	for (size_t i = 0; i < z->n_trans && i < 16; i++)
		for (int64_t d = -1; d <= 1 && llabs(z->trans[i]) < INT64_MAX / 1000 - 1; d++)
			check_instant(z, (z->trans[i] + d) * 1000);
	/* Instants the fuzzer picks: the last 8 bytes as one. */
	if (size >= 8) {
		uint64_t v = 0;
		for (size_t i = size - 8; i < size; i++)
			v = v << 8 | data[i];
		check_instant(z, (int64_t)v);
		check_instant(z, (int64_t)(v >> 16) - ((int64_t)1 << 46));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tz *z = tz_parse_tzif("fuzz", data, size);
	if (z)
		exercise(z, data, size);

	/* The same bytes as a file; tz_get must agree with the parser. */
	scratch_make();
	FILE *f = fopen(file, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	tz_set_dir(dir);
	const struct tz *fz = tz_get("F/zone");
	if ((fz != NULL) != (z != NULL))
		__builtin_trap();
	tz_cleanup();
	scratch_remove();
	tz_free(z);

	struct tz *p = tz_new_rule("posix", (const char *)data, size);
	if (p)
		exercise(p, data, size);
	tz_free(p);
	return 0;
}

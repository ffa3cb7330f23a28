/* SPDX-License-Identifier: Apache-2.0 */
/* Time zones: UTC Unix milliseconds <-> local civil time in a named IANA zone
 * ("Europe/Amsterdam"), read from the system's compiled TZif files (RFC 8536)
 * and correct across daylight saving time. It never touches the process-wide
 * TZ, tzset() or localtime(): requests in different zones run at once. */
#ifndef BRUG_UTIL_TZ_H
#define BRUG_UTIL_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tz;

/* Where zone files are read from unless tz_set_dir says otherwise. */
#define TZ_DIR_DEFAULT "/usr/share/zoneinfo"
/* Zone files larger than this are refused. */
#define TZ_FILE_MAX ((size_t)1 << 20)
/* Longest zone name accepted (the longest IANA name has 32 bytes). */
#define TZ_NAME_MAX 128
/* A buffer of this size always holds tz_format's output. */
#define TZ_FORMAT_MAX 48

/* The zone called name, or NULL when the name is not a valid zone name
 * (letters, digits, '_', '+', '-', '.', '/'-separated parts, none empty or
 * starting with '.'), no such file exists, or the file is not well-formed
 * TZif without leap seconds. "UTC" and "Etc/UTC" are built in. A zone is
 * loaded once and then shared; the pointer stays valid until tz_cleanup.
 * Failures are not cached: each call for an unknown name looks again.
 * Thread-safe (lookups of loaded zones take no lock). */
const struct tz *tz_get(const char *name);
/* The name z was loaded under; owned by z. */
const char *tz_name(const struct tz *z);
/* Reads zone files from dir from now on (NULL: TZ_DIR_DEFAULT); copies dir.
 * For tests. Not thread-safe: call before any tz_get, or after tz_cleanup;
 * zones loaded earlier stay cached under their names. */
void tz_set_dir(const char *dir);
/* Frees every loaded zone and forgets tz_set_dir. Every pointer tz_get
 * returned becomes invalid. Not thread-safe: call at exit (or between
 * tests), when no other thread uses a zone. */
void tz_cleanup(void);

/* A moment as shown on a wall clock in some zone. */
struct tz_civil {
	int year; /* proleptic Gregorian; 0 is 1 BC, -1 is 2 BC */
	int month, day, hour, minute, second, ms; /* month 1-12, day 1-31 */
	int weekday;      /* 0 = Sunday */
	int yday;         /* 0 = 1 January */
	int utc_offset_s; /* local time minus UTC, e.g. 3600 for CET */
	bool dst;
	char abbr[8]; /* "CEST", "+0545"; NUL-terminated, at most 7 bytes */
};

/* Converts UTC ms to the local civil time in z. Every int64_t is valid.
 * Thread-safe. */
void tz_to_local(const struct tz *z, int64_t utc_ms, struct tz_civil *out);

/* Converts a local civil time in z to UTC ms (a whole second). Fields out of
 * range are normalised as mktime does: month 13 is January of the next year,
 * day 0 the last day of the previous month, hour 24 the next day's 00.
 * - A time that does not exist (the gap when clocks go forward) is read with
 *   the offset in force before the gap: 02:30 on 29 March 2026 in
 *   Europe/Amsterdam is taken as 02:30 CET = 01:30 UTC (03:30 CEST).
 * - A time that exists twice (when clocks go back) gives the earlier
 *   instant: 02:30 on 25 October 2026 in Europe/Amsterdam is 02:30 CEST =
 *   00:30 UTC.
 * Results beyond the int64_t range of ms saturate. Thread-safe. */
int64_t tz_from_local(const struct tz *z, int year, int month, int day, int hour, int minute,
		      int second);

/* The first instant (UTC ms) of the local day in z that contains utc_ms: its
 * local midnight (the first one, should the clocks go back across it), or
 * when midnight falls in a gap, the moment the clocks jumped over it. Days
 * are not all 24 hours long (23, 24.5, 25...): to step to the next day, take
 * the day start of an instant well into it, e.g. start + 36 h. Saturates
 * like tz_from_local. Thread-safe. */
int64_t tz_day_start(const struct tz *z, int64_t utc_ms);

/* Writes utc_ms as a local date and time in z, in a fixed format per lang:
 *   "nl"      24-11-2026 09:30    (dd-mm-yyyy HH:MM, as Dutch forms write dates)
 *   otherwise 24 Nov 2026, 09:30  (English: day without leading zero, "4 Nov")
 * "nl-BE" and "nl_NL" count as "nl"; NULL as English. out gets at most n - 1
 * bytes and a NUL (TZ_FORMAT_MAX is always enough); returns the number of
 * bytes written before the NUL. Thread-safe. */
size_t tz_format(const struct tz *z, int64_t utc_ms, const char *lang, char *out, size_t n);

#endif

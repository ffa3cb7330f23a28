/* SPDX-License-Identifier: Apache-2.0 */
/* Private to src/util/tz*.c (and their tests and fuzz target): the loaded
 * form of a zone, the TZif reader, the POSIX TZ rule engine and the civil
 * calendar arithmetic they share. All functions here are pure or work on
 * memory the caller owns, so they are thread-safe. */
#ifndef BRUG_UTIL_TZ_IMPL_H
#define BRUG_UTIL_TZ_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/tz.h"

/* Offsets from UTC we accept, in seconds: RFC 8536 section 3.2 asks writers
 * to stay within -25:59:59 .. +25:59:59 (POSIX allows 24:59:59 either
 * way); tz_from_local relies on the bound. */
#define TZ_UTOFF_MIN (-89999)
#define TZ_UTOFF_MAX 93599
/* Transition times we accept, in seconds: zic writes -2^59 ("the big bang")
 * at most; the bound keeps every sum below far from overflow. */
#define TZ_TRANS_LIMIT ((int64_t)1 << 59)
/* At most 256 local time types: transitions index them with one byte. */
#define TZ_TYPES_MAX 256

/* A local time type: an offset, whether it is DST, an abbreviation. */
struct tz_type {
	int32_t utoff; /* seconds east of UTC */
	bool isdst;
	char abbr[8]; /* truncated to 7 bytes */
};

/* When a POSIX TZ rule switches: on a day of the year, at a local time. */
enum tz_date_kind {
	TZ_DATE_JULIAN1, /* Jn: day n (1-365), 29 February never counted */
	TZ_DATE_JULIAN0, /* n: day n (0-365), 29 February counted */
	TZ_DATE_MONTH,   /* Mm.w.d: weekday d (0 = Sunday) of week w (5 = last) of month m */
};

struct tz_date {
	enum tz_date_kind kind;
	int n, m, w, d;
	int32_t time; /* seconds after local midnight; RFC 8536 allows -167h..167h */
};

/* A parsed POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3". */
struct tz_rule {
	struct tz_type std, dst;
	bool has_dst;               /* false: std all the time */
	struct tz_date start, end; /* DST from start (in std time) to end (in DST) */
};

struct tz {
	struct tz *next; /* the cache's list; set before the zone is published */
	char *name;
	size_t n_trans;
	int64_t *trans;      /* transition instants, UTC seconds, strictly ascending */
	uint8_t *trans_type; /* types index after each transition, < n_types */
	size_t n_types;      /* >= 1; types[0] holds before the first transition */
	struct tz_type *types;
	bool has_rule; /* rule holds from the last transition on (or always) */
	struct tz_rule rule;
};

/* Parses a POSIX TZ string of n bytes (not NUL-terminated) with the RFC 8536
 * extensions (signed transition hours up to 167). 0 and *out filled, or
 * BRUG_EINVAL. A DST name without a rule gets the US rule M3.2.0,M11.1.0, as
 * in tzcode and glibc. */
int tz_posix_parse(const char *s, size_t n, struct tz_rule *out);
/* The type r gives at UTC second t; *next (if not NULL) gets the first
 * instant after t at which r switches, or INT64_MAX. Points into r. */
const struct tz_type *tz_posix_at(const struct tz_rule *r, int64_t t, int64_t *next);

/* Parses a whole TZif file of n bytes (at most TZ_FILE_MAX); NULL when it is
 * not well-formed. The caller owns the result (tz_free). */
struct tz *tz_parse_tzif(const char *name, const uint8_t *p, size_t n);
/* A zone that is just a POSIX TZ string of n bytes, or NULL; caller owns. */
struct tz *tz_new_rule(const char *name, const char *s, size_t n);
/* Frees z (NULL is fine). Only for zones not in the cache. */
void tz_free(struct tz *z);
/* The type z gives at UTC second t; *next (if not NULL) gets the first
 * instant after t at which the type may change, or INT64_MAX. */
const struct tz_type *tz_type_at(const struct tz *z, int64_t t, int64_t *next);

/* Proleptic Gregorian calendar, exact over the whole int64_t range used
 * (Howard Hinnant's days_from_civil/civil_from_days). Days count from
 * 1970-01-01; m is 1-12, d may be any value (day 0 is the day before the 1st). */
int64_t tz_days_from_civil(int64_t y, int m, int64_t d);
void tz_civil_from_days(int64_t days, int64_t *y, int *m, int *d);
/* Division and remainder rounding towards minus infinity; b > 0. */
int64_t tz_floor_div(int64_t a, int64_t b);
int64_t tz_floor_mod(int64_t a, int64_t b);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Time zones; see tz.h. This module owns the cache of loaded zones and the
 * conversions between UTC and local time. It is written by hand because no
 * library Debian ships that we allow does this per zone and thread-safely:
 * glibc's localtime_r follows the one process-wide TZ, and ICU would be a
 * very large dependency for it. Zone files are parsed by tz_tzif.c, POSIX TZ
 * rules evaluated by tz_posix.c; nothing here calls libc time functions. */
#include "util/tz.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/rc.h"
#include "util/tz_impl.h"
#include "util/xmalloc.h"

/* Loaded zones: a list that only grows until tz_cleanup, so readers walk it
 * without a lock once they have loaded the head with acquire semantics;
 * loaders add to the front under the mutex, which also keeps two threads
 * from loading the same zone. */
static _Atomic(struct tz *) zones;
static pthread_mutex_t zones_lock = PTHREAD_MUTEX_INITIALIZER;
static char *zone_dir; /* NULL: TZ_DIR_DEFAULT */

/* Letters, digits, '_', '+', '-' and '.', in parts separated by single '/';
 * no part empty or starting with '.', so no "..", no absolute path. */
static bool name_ok(const char *name)
{
	size_t len = strnlen(name, TZ_NAME_MAX + 1);
	if (len == 0 || len > TZ_NAME_MAX || strstr(name, ".."))
		return false;
	bool part_start = true;
	for (size_t i = 0; i < len; i++) {
		char ch = name[i];
		if (ch == '/') {
			if (part_start)
				return false;
			part_start = true;
			continue;
		}
		if ((part_start && ch == '.') ||
		    !((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch == '+' || ch == '-' || ch == '.'))
			return false;
		part_start = false;
	}
	return !part_start;
}

/* Reads the regular file at path, of at most TZ_FILE_MAX bytes; the caller
 * frees *out. O_NONBLOCK so a FIFO planted in the folder cannot hang us. */
static int file_read(const char *path, uint8_t **out, size_t *len)
{
	int rc = 0;
	uint8_t *p = NULL;
	size_t got = 0;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return BRUG_ENOTFOUND;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = BRUG_ENOTFOUND;
		goto out;
	}
	if (st.st_size < 0 || (uint64_t)st.st_size > TZ_FILE_MAX) {
		rc = BRUG_ETOOBIG;
		goto out;
	}
	/* One byte more than stat said, to notice a file that grew. */
	size_t want = (size_t)st.st_size + 1;
	p = xmalloc(want);
	while (got < want) {
		ssize_t r = read(fd, p + got, want - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got == want || got != (size_t)st.st_size)
		rc = BRUG_EIO;
out:
	close(fd);
	if (rc) {
		free(p);
		return rc;
	}
	*out = p;
	*len = got;
	return 0;
}

static struct tz *zone_load(const char *name)
{
	if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0)
		return tz_new_rule(name, "UTC0", 4);
	char path[PATH_MAX];
	int len = snprintf(path, sizeof(path), "%s/%s", zone_dir ? zone_dir : TZ_DIR_DEFAULT, name);
	if (len < 0 || (size_t)len >= sizeof(path))
		return NULL;
	uint8_t *p;
	size_t n;
	if (file_read(path, &p, &n))
		return NULL;
	struct tz *z = tz_parse_tzif(name, p, n);
	free(p);
	return z;
}

static const struct tz *zone_find(const char *name)
{
	for (const struct tz *z = atomic_load_explicit(&zones, memory_order_acquire); z; z = z->next)
		if (strcmp(z->name, name) == 0)
			return z;
	return NULL;
}

const struct tz *tz_get(const char *name)
{
	if (!name || !name_ok(name))
		return NULL;
	const struct tz *found = zone_find(name);
	if (found)
		return found;
	pthread_mutex_lock(&zones_lock);
	found = zone_find(name);
	if (!found) {
		struct tz *z = zone_load(name);
		if (z) {
			z->next = atomic_load_explicit(&zones, memory_order_relaxed);
			atomic_store_explicit(&zones, z, memory_order_release);
			found = z;
		}
	}
	pthread_mutex_unlock(&zones_lock);
	return found;
}

const char *tz_name(const struct tz *z)
{
	return z->name;
}

void tz_set_dir(const char *dir)
{
	free(zone_dir);
	zone_dir = dir ? xstrdup(dir) : NULL;
}

void tz_cleanup(void)
{
	struct tz *z = atomic_exchange(&zones, NULL);
	while (z) {
		struct tz *next = z->next;
		tz_free(z);
		z = next;
	}
	xfreep(&zone_dir);
}

const struct tz_type *tz_type_at(const struct tz *z, int64_t t, int64_t *next)
{
	size_t n = z->n_trans;
	if (n == 0 && z->has_rule)
		return tz_posix_at(&z->rule, t, next);
	/* RFC 8536: type 0 holds before the first transition. */
	if (n == 0 || t < z->trans[0]) {
		if (next)
			*next = n ? z->trans[0] : INT64_MAX;
		return &z->types[0];
	}
	size_t lo = 0, hi = n; /* trans[lo] <= t < trans[hi], trans[n] being infinity */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	if (lo == n - 1 && z->has_rule)
		return tz_posix_at(&z->rule, t, next);
	if (next)
		*next = lo + 1 < n ? z->trans[lo + 1] : INT64_MAX;
	return &z->types[z->trans_type[lo]];
}

static int64_t sec_to_ms(int64_t s)
{
	if (s > INT64_MAX / 1000)
		return INT64_MAX;
	if (s < INT64_MIN / 1000)
		return INT64_MIN;
	return s * 1000;
}

void tz_to_local(const struct tz *z, int64_t utc_ms, struct tz_civil *out)
{
	int64_t t = tz_floor_div(utc_ms, 1000);
	const struct tz_type *ty = tz_type_at(z, t, NULL);
	int64_t local = t + ty->utoff;
	int64_t days = tz_floor_div(local, 86400), sod = local - days * 86400;
	int64_t y;
	tz_civil_from_days(days, &y, &out->month, &out->day);
	out->year = (int)y; /* within +-292 million for any int64_t ms */
	out->hour = (int)(sod / 3600);
	out->minute = (int)(sod / 60 % 60);
	out->second = (int)(sod % 60);
	out->ms = (int)tz_floor_mod(utc_ms, 1000);
	out->weekday = (int)tz_floor_mod(days + 4, 7); /* 1970-01-01 was a Thursday */
	out->yday = (int)(days - tz_days_from_civil(y, 1, 1));
	out->utc_offset_s = ty->utoff;
	out->dst = ty->isdst;
	memcpy(out->abbr, ty->abbr, sizeof(out->abbr));
}

/* The UTC second at which the wall clock in z shows local second L.
 *
 * Offsets lie within [TZ_UTOFF_MIN, TZ_UTOFF_MAX], so every instant showing
 * L lies in the window from L - TZ_UTOFF_MAX to L - TZ_UTOFF_MIN. The walk
 * visits the stretches of constant type across it in order; a stretch with
 * offset off shows L at L - off if that falls inside it. A stretch whose
 * wall clock starts past L, after ones that all ended before it, means the
 * clocks jumped over L at its start: a gap. The wall clock is before L at
 * the window's start and past it at the end, so some stretch does one or
 * the other.
 *
 * From_local wants the earliest instant showing L, or for a gap, L read with
 * the offset before it; even when hostile data shows L again after a gap.
 * Day_start (first_crossing) wants the first moment the clock reaches L,
 * whichever of the two that is: the jump itself for a gap, never later than
 * any instant whose wall clock is past L. */
static int64_t local_resolve(const struct tz *z, int64_t L, bool first_crossing)
{
	int64_t t = L - TZ_UTOFF_MAX - 1, end = L - TZ_UTOFF_MIN, prev_u = 0, gap_u = 0;
	bool gap = false;
	while (t <= end) {
		int64_t next;
		const struct tz_type *ty = tz_type_at(z, t, &next);
		int64_t u = L - ty->utoff; /* > t in the first stretch */
		if (u >= t && u < next)
			return u;
		if (u < t && !gap) {
			if (first_crossing)
				return t;
			gap = true;
			gap_u = prev_u;
		}
		if (next == INT64_MAX)
			break;
		prev_u = u;
		t = next;
	}
	return gap ? gap_u : prev_u; /* prev_u: cannot happen, see above */
}

int64_t tz_from_local(const struct tz *z, int year, int month, int day, int hour, int minute,
		      int second)
{
	int64_t m0 = (int64_t)month - 1;
	int64_t y = year + tz_floor_div(m0, 12);
	int m = (int)tz_floor_mod(m0, 12) + 1;
	int64_t local = tz_days_from_civil(y, m, day) * 86400 + (int64_t)hour * 3600 +
			(int64_t)minute * 60 + second;
	return sec_to_ms(local_resolve(z, local, false));
}

int64_t tz_day_start(const struct tz *z, int64_t utc_ms)
{
	int64_t t = tz_floor_div(utc_ms, 1000);
	int64_t local = t + tz_type_at(z, t, NULL)->utoff;
	return sec_to_ms(local_resolve(z, tz_floor_div(local, 86400) * 86400, true));
}

size_t tz_format(const struct tz *z, int64_t utc_ms, const char *lang, char *out, size_t n)
{
	static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tz_civil c;
	int len;
	if (n == 0)
		return 0;
	tz_to_local(z, utc_ms, &c);
	if (lang && strncmp(lang, "nl", 2) == 0 &&
	    (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_'))
		len = snprintf(out, n, "%02d-%02d-%04d %02d:%02d", c.day, c.month, c.year, c.hour,
			       c.minute);
	else
		len = snprintf(out, n, "%d %s %d, %02d:%02d", c.day, months[c.month - 1], c.year,
			       c.hour, c.minute);
	if (len < 0) {
		out[0] = '\0';
		return 0;
	}
	return (size_t)len < n ? (size_t)len : n - 1;
}

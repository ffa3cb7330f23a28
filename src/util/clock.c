/* SPDX-License-Identifier: Apache-2.0 */
/* Clocks; see clock.h. */
#include "util/clock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static _Atomic int64_t shift_ms;

int64_t clock_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + atomic_load(&shift_ms);
}

int64_t clock_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void clock_shift_ms(int64_t delta)
{
	atomic_fetch_add(&shift_ms, delta);
}

/* The date of a day count since 1970-01-01 (Howard Hinnant's
 * civil_from_days): exact, and without gmtime_r's locking. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static char *put(char *p, unsigned v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

void clock_iso8601(int64_t ms, char *out, size_t n)
{
	int64_t days = ms / 86400000, rest = ms % 86400000;
	if (rest < 0) {
		rest += 86400000;
		days -= 1;
	}
	int64_t y;
	unsigned m, d, r = (unsigned)rest;
	civil_from_days(days, &y, &m, &d);
	char tmp[48];
	if (y < 0 || y > 9999) {
		snprintf(tmp, sizeof(tmp), "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ", (long long)y, m, d,
			 r / 3600000, r / 60000 % 60, r / 1000 % 60, r % 1000);
	} else {
		char *p = put(tmp, (unsigned)y, 4);
		*p++ = '-';
		p = put(p, m, 2);
		*p++ = '-';
		p = put(p, d, 2);
		*p++ = 'T';
		p = put(p, r / 3600000, 2);
		*p++ = ':';
		p = put(p, r / 60000 % 60, 2);
		*p++ = ':';
		p = put(p, r / 1000 % 60, 2);
		*p++ = '.';
		p = put(p, r % 1000, 3);
		*p++ = 'Z';
		*p = '\0';
	}
	snprintf(out, n, "%s", tmp);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool clock_parse_iso8601(const char *s, int64_t *ms)
{
	int y, mo, d, h, mi, sec, frac = 0;
	if (!s || strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d) || s[10] != 'T' || !digits(s + 11, 2, &h) ||
	    s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &sec))
		return false;
	const char *z = s + 19;
	if (*z == '.') {
		if (!digits(z + 1, 3, &frac))
			return false;
		z += 4;
	}
	if (strcmp(z, "Z") != 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	*ms = ((days_from_civil(y, (unsigned)mo, (unsigned)d) * 24 + h) * 60 + mi) * 60000 +
	      (int64_t)sec * 1000 + frac;
	return true;
}

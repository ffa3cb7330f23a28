/* SPDX-License-Identifier: Apache-2.0 */
/* POSIX TZ strings, the footer of a TZif file that says what happens after
 * its last transition (RFC 8536 section 3.3), and the proleptic Gregorian
 * arithmetic under them. Pure functions: no allocation, no libc time
 * functions, no global state. See tz_impl.h. */
#include "util/tz_impl.h"

#include <string.h>

#include "util/rc.h"

int64_t tz_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && a < 0) ? q - 1 : q;
}

int64_t tz_floor_mod(int64_t a, int64_t b)
{
	int64_t r = a % b;
	return r < 0 ? r + b : r;
}

int64_t tz_days_from_civil(int64_t y, int m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400; /* 0-399 */
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void tz_civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t doe = days - era * 146097;                                   /* 0-146096 */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* 0-399 */
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* 0-365 */
	int64_t mp = (5 * doy + 2) / 153;                                    /* 0-11, from March */
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int month_days(int64_t y, int m)
{
	static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return len[m - 1] + (m == 2 && is_leap(y));
}

/* The day (since 1970-01-01) on which r falls in year y. */
static int64_t rule_day(const struct tz_date *r, int64_t y)
{
	switch (r->kind) {
	case TZ_DATE_JULIAN1:
		return tz_days_from_civil(y, 1, r->n) + (r->n >= 60 && is_leap(y));
	case TZ_DATE_JULIAN0:
		return tz_days_from_civil(y, 1, 1 + r->n);
	case TZ_DATE_MONTH:
		break;
	}
	int64_t first = tz_days_from_civil(y, r->m, 1);
	int64_t wd = tz_floor_mod(first + 4, 7); /* 1970-01-01 was a Thursday */
	int64_t day = (r->d - wd + 7) % 7 + 7 * (r->w - 1);
	while (day >= month_days(y, r->m))
		day -= 7;
	return first + day;
}

const struct tz_type *tz_posix_at(const struct tz_rule *r, int64_t t, int64_t *next)
{
	if (!r->has_dst) {
		if (next)
			*next = INT64_MAX;
		return &r->std;
	}
	/* A switch lies within 167 hours of its year, so the switches of the
	 * two years either side of t's bracket it. Of switches at the same
	 * instant the start wins: "0/0,J365/25" means DST all year. */
	int64_t y;
	int m, d;
	tz_civil_from_days(tz_floor_div(t, 86400), &y, &m, &d);
	int64_t last = 0, nxt = INT64_MAX;
	bool found = false, dst = false;
	for (int64_t yy = y - 2; yy <= y + 2; yy++) {
		int64_t at[2] = {
			rule_day(&r->start, yy) * 86400 + r->start.time - r->std.utoff,
			rule_day(&r->end, yy) * 86400 + r->end.time - r->dst.utoff,
		};
		for (int k = 0; k < 2; k++) {
			if (at[k] > t) {
				if (at[k] < nxt)
					nxt = at[k];
			} else if (!found || at[k] > last || (at[k] == last && k == 0)) {
				last = at[k];
				dst = k == 0;
				found = true;
			}
		}
	}
	if (next)
		*next = nxt;
	return dst ? &r->dst : &r->std;
}

/* Parsing: a cursor over bytes that are not NUL-terminated. */
struct cur {
	const char *p, *end;
};

static bool peek(const struct cur *c, char ch)
{
	return c->p < c->end && *c->p == ch;
}

static bool eat(struct cur *c, char ch)
{
	if (!peek(c, ch))
		return false;
	c->p++;
	return true;
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_alpha(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

/* Decimal digits with a value of at most max (< 10000). */
static int parse_num(struct cur *c, int max, int *out)
{
	int v = 0;
	if (c->p >= c->end || !is_digit(*c->p))
		return BRUG_EINVAL;
	while (c->p < c->end && is_digit(*c->p)) {
		v = v * 10 + (*c->p++ - '0');
		if (v > max)
			return BRUG_EINVAL;
	}
	*out = v;
	return 0;
}

/* [+-]hh[:mm[:ss]] with hh at most max_h, in seconds. */
static int parse_hms(struct cur *c, int max_h, int32_t *out)
{
	int sign = 1, h = 0, m = 0, s = 0;
	if (eat(c, '-'))
		sign = -1;
	else
		eat(c, '+');
	if (parse_num(c, max_h, &h))
		return BRUG_EINVAL;
	if (eat(c, ':') && (parse_num(c, 59, &m) || (eat(c, ':') && parse_num(c, 59, &s))))
		return BRUG_EINVAL;
	*out = sign * (h * 3600 + m * 60 + s);
	return 0;
}

/* A zone abbreviation: three or more letters, or <...> around three or more
 * letters, digits, '+' and '-'. Kept to its first 7 bytes. */
static int parse_abbr(struct cur *c, char out[8])
{
	const char *s = c->p;
	bool quoted = eat(c, '<');
	if (quoted)
		s = c->p;
	while (c->p < c->end &&
	       (is_alpha(*c->p) ||
		(quoted && (is_digit(*c->p) || *c->p == '+' || *c->p == '-'))))
		c->p++;
	size_t len = (size_t)(c->p - s);
	if (len < 3 || (quoted && !eat(c, '>')))
		return BRUG_EINVAL;
	if (len > 7)
		len = 7;
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

/* Jn, n or Mm.w.d, then an optional /time (default 02:00). */
static int parse_date(struct cur *c, struct tz_date *out)
{
	int rc = 0;
	struct tz_date r = {.time = 7200};
	if (eat(c, 'J')) {
		r.kind = TZ_DATE_JULIAN1;
		rc = parse_num(c, 365, &r.n) || r.n < 1;
	} else if (eat(c, 'M')) {
		r.kind = TZ_DATE_MONTH;
		rc = parse_num(c, 12, &r.m) || r.m < 1 || !eat(c, '.') || parse_num(c, 5, &r.w) ||
		     r.w < 1 || !eat(c, '.') || parse_num(c, 6, &r.d);
	} else {
		r.kind = TZ_DATE_JULIAN0;
		rc = parse_num(c, 365, &r.n);
	}
	if (!rc && eat(c, '/'))
		rc = parse_hms(c, 167, &r.time);
	if (rc)
		return BRUG_EINVAL;
	*out = r;
	return 0;
}

int tz_posix_parse(const char *s, size_t n, struct tz_rule *out)
{
	struct cur c = {s, s + n};
	struct tz_rule r;
	int32_t off;
	memset(&r, 0, sizeof(r));
	/* POSIX offsets count west of Greenwich: "CET-1" is UTC+1. */
	if (parse_abbr(&c, r.std.abbr) || parse_hms(&c, 24, &off))
		return BRUG_EINVAL;
	r.std.utoff = -off;
	if (c.p < c.end) {
		if (parse_abbr(&c, r.dst.abbr))
			return BRUG_EINVAL;
		r.has_dst = true;
		r.dst.isdst = true;
		r.dst.utoff = r.std.utoff + 3600;
		if (c.p < c.end && !peek(&c, ',')) {
			if (parse_hms(&c, 24, &off))
				return BRUG_EINVAL;
			r.dst.utoff = -off;
		}
		if (c.p == c.end) {
			r.start = (struct tz_date){.kind = TZ_DATE_MONTH, .m = 3, .w = 2, .time = 7200};
			r.end = (struct tz_date){.kind = TZ_DATE_MONTH, .m = 11, .w = 1, .time = 7200};
		} else if (!eat(&c, ',') || parse_date(&c, &r.start) || !eat(&c, ',') ||
			   parse_date(&c, &r.end) || c.p != c.end) {
			return BRUG_EINVAL;
		}
	}
	*out = r;
	return 0;
}

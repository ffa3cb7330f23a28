/* SPDX-License-Identifier: Apache-2.0 */
/* Cron schedules; see cron.h. This module owns the expression grammar, its
 * normal form and the search for the next firing time; time zones are
 * util/tz.c's business. Written by hand: no C library Debian packages
 * computes cron times in a zone given per call (the cron parsers there read
 * the process-wide TZ through localtime), and brug runs schedules for many
 * organisations in many zones at once. The search walks the local calendar
 * (months, then days, hours, minutes, skipping whole runs that cannot
 * match) and converts to UTC once, at the end. */
#include "util/cron.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rc.h"
#include "util/buf.h"
#include "util/tz.h"
#include "util/xmalloc.h"

#define CRON_KEY "error.bad_request"
/* Numbers are read up to this; anything larger is out of range anyway. */
#define NUM_CAP 1000000
/* cron_next tries at most this many matching local minutes that the clock
 * has already shown (the repeated hour after the clocks go back). An
 * overlap lasts at most TZ_UTOFF_MAX - TZ_UTOFF_MIN (51 hours, 3060
 * minutes) in any zone tz.c loads, so the cap is never what ends a search;
 * it only bounds the work for a broken zone. */
#define RETRY_MAX 4096
/* How far cron_next looks: one Gregorian cycle (see cron.h). */
#define SEARCH_YEARS 400

enum { F_MIN, F_HOUR, F_DOM, F_MON, F_DOW, F_N };

struct cron {
	uint64_t bits[F_N]; /* bit v: value v matches (day of week 0-6) */
	bool dom_star;      /* the field starts with '*' (Vixie's DOM_STAR) */
	bool dow_star;
	bool never; /* no day can ever match */
};

static const char *const month_names[] = {"jan", "feb", "mar", "apr", "may", "jun",
					  "jul", "aug", "sep", "oct", "nov", "dec"};
static const char *const day_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

static const struct field_spec {
	const char *name;
	int min, max; /* values accepted */
	int last;     /* where '*' and N/S end: max, but 6 for day of week */
	const char *const *names;
	int n_names, name_base; /* names[i] is the value name_base + i */
} spec[F_N] = {
	{"minute", 0, 59, 59, NULL, 0, 0},
	{"hour", 0, 23, 23, NULL, 0, 0},
	{"day-of-month", 1, 31, 31, NULL, 0, 0},
	{"month", 1, 12, 12, month_names, 12, 1},
	{"day-of-week", 0, 7, 6, day_names, 7, 0},
};

/* ---- parsing ---- */

struct parser {
	const char *p, *end; /* the rest of the current field */
	int field;
	struct brug_err *err;
};

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

static char lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* Up to 16 bytes of s for a message, unprintable bytes as '?'. */
static const char *snip(char out[24], const char *s, size_t n)
{
	size_t k = n > 16 ? 16 : n;
	for (size_t i = 0; i < k; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (k < n) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	out[k] = '\0';
	return out;
}

static int field_fail(struct parser *P, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int field_fail(struct parser *P, const char *fmt, ...)
{
	char msg[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return brug_failf(P->err, BRUG_EINVAL, CRON_KEY, NULL, "field %d (%s): %s", P->field + 1,
			  spec[P->field].name, msg);
}

/* Reads a run of digits at P->p into *v, saturating at NUM_CAP. */
static size_t read_digits(struct parser *P, int *v)
{
	const char *s = P->p;
	int n = 0;
	while (P->p < P->end && is_digit(*P->p)) {
		if (n < NUM_CAP)
			n = n * 10 + (*P->p - '0');
		P->p++;
	}
	*v = n;
	return (size_t)(P->p - s);
}

/* A name of this field (three letters, any case) at P->p. */
static int read_name(struct parser *P, int *v)
{
	const struct field_spec *f = &spec[P->field];
	const char *s = P->p;
	char tmp[24];
	while (P->p < P->end && (is_alpha(*P->p) || is_digit(*P->p)))
		P->p++;
	size_t n = (size_t)(P->p - s);
	for (int i = 0; n == 3 && i < f->n_names; i++) {
		if (lower(s[0]) == f->names[i][0] && lower(s[1]) == f->names[i][1] &&
		    lower(s[2]) == f->names[i][2]) {
			*v = f->name_base + i;
			return 0;
		}
	}
	if (!f->names)
		return field_fail(P, "\"%s\" is not a number", snip(tmp, s, n));
	return field_fail(P, "unknown name \"%s\" (use %s-%s)", snip(tmp, s, n),
			  P->field == F_MON ? "JAN" : "SUN", P->field == F_MON ? "DEC" : "SAT");
}

/* A number or name in the field's range. */
static int read_value(struct parser *P, int *v)
{
	const struct field_spec *f = &spec[P->field];
	const char *s = P->p;
	char tmp[24];
	if (P->p < P->end && is_alpha(*P->p))
		return read_name(P, v);
	size_t n = read_digits(P, v);
	if (n == 0)
		return P->p == P->end ? field_fail(P, "a number is missing at the end")
				      : field_fail(P, "expected a number at \"%s\"",
						   snip(tmp, P->p, (size_t)(P->end - P->p)));
	if (*v < f->min || *v > f->max)
		return field_fail(P, "%s is out of range %d-%d", snip(tmp, s, n), f->min, f->max);
	return 0;
}

/* The part after '/': a step from 1 to the field's width. */
static int read_step(struct parser *P, int *step)
{
	const struct field_spec *f = &spec[P->field];
	const char *s = P->p;
	char tmp[24];
	int width = f->last - f->min + 1;
	size_t n = read_digits(P, step);
	if (n == 0)
		return P->p == P->end ? field_fail(P, "a step is missing after \"/\"")
				      : field_fail(P, "expected a step at \"%s\"",
						   snip(tmp, P->p, (size_t)(P->end - P->p)));
	if (*step < 1 || *step > width)
		return field_fail(P, "step %s is out of range 1-%d", snip(tmp, s, n), width);
	return 0;
}

/* One list item: *, N, A-B, each optionally /S. Adds its values to *bits. */
static int parse_item(struct parser *P, uint64_t *bits)
{
	const struct field_spec *f = &spec[P->field];
	const char *s = P->p;
	char tmp[24];
	int lo = f->min, hi = f->last, step = 1, rc = 0;
	bool single = false;
	if (*P->p == '*') {
		P->p++;
	} else {
		if ((rc = read_value(P, &lo)))
			return rc;
		hi = lo;
		single = true;
		if (P->p < P->end && *P->p == '-') {
			P->p++;
			if ((rc = read_value(P, &hi)))
				return rc;
			single = false;
			if (lo > hi)
				return field_fail(P, "range %s runs backwards",
						  snip(tmp, s, (size_t)(P->p - s)));
		}
	}
	if (P->p < P->end && *P->p == '/') {
		P->p++;
		if ((rc = read_step(P, &step)))
			return rc;
		if (single) /* N/S: from N to the end of the range */
			hi = lo > f->last ? lo : f->last;
	}
	if (P->p < P->end && *P->p != ',')
		return field_fail(P, "unexpected \"%s\"", snip(tmp, P->p, (size_t)(P->end - P->p)));
	for (int v = lo; v <= hi; v += step)
		*bits |= (uint64_t)1 << (P->field == F_DOW && v == 7 ? 0 : v);
	return 0;
}

/* One whole field [s, end): a comma list of items. */
static int parse_field(struct parser *P, uint64_t *bits, bool *star)
{
	*bits = 0;
	*star = P->p < P->end && *P->p == '*';
	for (;;) {
		if (P->p == P->end || *P->p == ',')
			return field_fail(P, "empty list item");
		int rc = parse_item(P, bits);
		if (rc)
			return rc;
		if (P->p == P->end)
			return 0;
		P->p++; /* the ',' */
	}
}

static int days_in_month(int64_t y, int m)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : mdays[m - 1];
}

/* True when no day can ever match. Only a day-of-month restricted without
 * a weekday can miss every month ("0 0 30 2 *"): an unrestricted one
 * includes day 1, and each date falls on every weekday some year (29
 * February too, within 28 years but for century years). */
static bool never_fires(const struct cron *c)
{
	if (c->dom_star || !c->dow_star)
		return false;
	for (int m = 1; m <= 12; m++)
		for (int d = 1; c->bits[F_MON] >> m & 1 && d <= days_in_month(2000, m); d++)
			if (c->bits[F_DOM] >> d & 1)
				return false;
	return true;
}

/* The five fields of s (NUL-terminated, at most CRON_EXPR_MAX bytes). */
static int parse_fields(const char *s, struct cron *c, struct brug_err *err)
{
	const char *start[F_N], *end[F_N];
	int n = 0;
	for (const char *p = s;;) {
		while (is_space(*p))
			p++;
		if (!*p)
			break;
		const char *q = p;
		while (*q && !is_space(*q))
			q++;
		if (n < F_N)
			start[n] = p, end[n] = q;
		n++;
		p = q;
	}
	if (n != F_N)
		return brug_failf(err, BRUG_EINVAL, CRON_KEY, NULL,
				  "expected 5 fields (minute hour day-of-month month day-of-week), "
				  "found %d",
				  n);
	for (int i = 0; i < F_N; i++) {
		struct parser P = {start[i], end[i], i, err};
		bool star;
		int rc = parse_field(&P, &c->bits[i], &star);
		if (rc)
			return rc;
		if (i == F_DOM)
			c->dom_star = star;
		if (i == F_DOW)
			c->dow_star = star;
	}
	c->never = never_fires(c);
	return 0;
}

/* "@daily" and friends: the expression they stand for, or NULL. */
static const char *shorthand(const char *s, size_t n)
{
	static const struct {
		const char *name, *expr;
	} table[] = {
		{"@hourly", "0 * * * *"},  {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
		{"@weekly", "0 0 * * 0"},  {"@monthly", "0 0 1 * *"},  {"@yearly", "0 0 1 1 *"},
		{"@annually", "0 0 1 1 *"},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (strlen(table[i].name) != n)
			continue;
		size_t k = 0;
		while (k < n && lower(s[k]) == table[i].name[k])
			k++;
		if (k == n)
			return table[i].expr;
	}
	return NULL;
}

int cron_parse(const char *expr, struct cron **out, struct brug_err *err)
{
	char tmp[24];
	if (strnlen(expr, CRON_EXPR_MAX + 1) > CRON_EXPR_MAX)
		return brug_failf(err, BRUG_EINVAL, CRON_KEY, NULL,
				  "expression is longer than %d bytes", CRON_EXPR_MAX);
	const char *s = expr;
	while (is_space(*s))
		s++;
	if (!*s)
		return brug_failf(err, BRUG_EINVAL, CRON_KEY, NULL, "empty expression");
	if (*s == '@') {
		size_t n = 0;
		while (s[n] && !is_space(s[n]))
			n++;
		const char *rest = s + n;
		while (is_space(*rest))
			rest++;
		const char *sub = shorthand(s, n);
		if (!sub)
			return brug_failf(err, BRUG_EINVAL, CRON_KEY, NULL,
					  "unknown shorthand \"%s\" (use @hourly, @daily, @midnight, "
					  "@weekly, @monthly, @yearly or @annually)",
					  snip(tmp, s, n));
		if (*rest)
			return brug_failf(err, BRUG_EINVAL, CRON_KEY, NULL,
					  "unexpected \"%s\" after the shorthand",
					  snip(tmp, rest, strlen(rest)));
		s = sub;
	}
	struct cron c = {0};
	int rc = parse_fields(s, &c, err);
	if (rc)
		return rc;
	*out = xmalloc(sizeof(**out));
	**out = c;
	return 0;
}

void cron_free(struct cron *c)
{
	free(c);
}

/* ---- the next firing time ---- */

/* A local wall-clock minute. */
struct civ {
	int y, mo, d, h, mi;
};

/* Days since 1970-01-01 (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int next_bit(uint64_t bits, int from, int to)
{
	if (from > to)
		return -1;
	uint64_t m = bits & (~(uint64_t)0 << from);
	if (!m)
		return -1;
	int v = __builtin_ctzll(m);
	return v <= to ? v : -1;
}

static bool day_matches(const struct cron *c, const struct civ *w)
{
	int64_t wd = (days_from_civil(w->y, w->mo, w->d) % 7 + 11) % 7; /* 1970-01-01: Thursday */
	bool dom = c->bits[F_DOM] >> w->d & 1, dow = c->bits[F_DOW] >> wd & 1;
	return !c->dom_star && !c->dow_star ? dom || dow : dom && dow;
}

static void next_month(struct civ *w)
{
	if (++w->mo > 12)
		w->mo = 1, w->y++;
	w->d = 1, w->h = 0, w->mi = 0;
}

static void next_day(struct civ *w)
{
	if (++w->d > days_in_month(w->y, w->mo))
		next_month(w);
	w->h = 0, w->mi = 0;
}

static void next_minute(struct civ *w)
{
	if (++w->mi < 60)
		return;
	w->mi = 0;
	if (++w->h < 24)
		return;
	next_day(w);
}

/* Moves *w to the first matching minute at or after it; false when there
 * is none up to the end of last_year. Whole months, days and hours that
 * cannot match are skipped in one step each. */
static bool find_match(const struct cron *c, struct civ *w, int last_year)
{
	while (w->y <= last_year) {
		if (!(c->bits[F_MON] >> w->mo & 1)) {
			int m = next_bit(c->bits[F_MON], w->mo + 1, 12);
			if (m < 0) {
				m = next_bit(c->bits[F_MON], 1, 12);
				w->y++;
			}
			w->mo = m, w->d = 1, w->h = 0, w->mi = 0;
			continue;
		}
		if (!day_matches(c, w)) {
			next_day(w);
			continue;
		}
		int h = next_bit(c->bits[F_HOUR], w->h, 23);
		if (h < 0) {
			next_day(w);
			continue;
		}
		if (h != w->h)
			w->h = h, w->mi = 0;
		int m = next_bit(c->bits[F_MIN], w->mi, 59);
		if (m < 0) {
			w->mi = 59;
			next_minute(w);
			continue;
		}
		w->mi = m;
		return true;
	}
	return false;
}

/* When the local minute w fires in z: the first instant the clock shows it,
 * or for a minute in a gap, the moment the clocks jumped over it. */
static int64_t fire_at(const struct tz *z, const struct civ *w)
{
	struct tz_civil c;
	int64_t t0 = tz_from_local(z, w->y, w->mo, w->d, w->h, w->mi, 0);
	if (t0 == INT64_MAX || t0 == INT64_MIN)
		return t0;
	tz_to_local(z, t0, &c);
	if (c.year == w->y && c.month == w->mo && c.day == w->d && c.hour == w->h &&
	    c.minute == w->mi && c.second == 0)
		return t0;
	/* A gap: tz_from_local read w with the offset before it, so t0 lies
	 * after the jump. The jump is the first second at which the clock
	 * shows more than w; it lies in (t0 - gap, t0]. */
	int64_t ws = days_from_civil(w->y, w->mo, w->d) * 86400 + w->h * 3600 + w->mi * 60;
	int64_t hi = t0 / 1000, off_before = ws - hi;
	if (c.utc_offset_s <= off_before)
		return t0; /* not a gap as tz.h describes one: no better answer */
	int64_t lo = hi - (c.utc_offset_s - off_before);
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		tz_to_local(z, mid * 1000, &c);
		if (mid + c.utc_offset_s > ws)
			hi = mid;
		else
			lo = mid;
	}
	return hi * 1000;
}

int64_t cron_next(const struct cron *c, const struct tz *z, int64_t after_ms)
{
	struct tz_civil now;
	if (c->never)
		return -1;
	tz_to_local(z, after_ms, &now);
	struct civ w = {now.year, now.month, now.day, now.hour, now.minute};
	int last_year = now.year + SEARCH_YEARS;
	/* Candidates are the minutes after the one the clock shows; one the
	 * clock showed before (when it has gone back) fired then: try on. */
	for (int i = 0; i < RETRY_MAX; i++) {
		next_minute(&w);
		if (!find_match(c, &w, last_year))
			return -1;
		int64_t t = fire_at(z, &w);
		if (t == INT64_MAX || t == INT64_MIN)
			return -1;
		if (t > after_ms)
			return t;
	}
	return -1;
}

/* ---- normal form ---- */

static void add_range(struct buf *b, int lo, int hi, int step)
{
	buf_add_int(b, lo);
	if (hi == lo)
		return;
	buf_addc(b, '-');
	buf_add_int(b, hi);
	if (step > 1) {
		buf_addc(b, '/');
		buf_add_int(b, step);
	}
}

/* The values of bits in [lo, hi] as a comma list: one arithmetic
 * progression of three or more as A-B/S (or *\/S when star may be used and
 * it spans the field), else runs of three or more as A-B. */
static void add_list(struct buf *b, uint64_t bits, int lo, int hi, bool star_ok)
{
	int first = next_bit(bits, lo, hi), count = __builtin_popcountll(bits);
	int second = next_bit(bits, first + 1, hi), step = second - first;
	if (count >= 3) {
		uint64_t ap = 0;
		int last = first;
		for (int v = first; v <= hi && ap != bits; v += step) {
			ap |= (uint64_t)1 << v;
			last = v;
		}
		if (ap == bits && step > 1) {
			if (star_ok && first == lo && last + step > hi) {
				buf_adds(b, "*/");
				buf_add_int(b, step);
			} else {
				add_range(b, first, last, step);
			}
			return;
		}
	}
	bool comma = false;
	for (int v = first; v >= 0;) {
		int end = v;
		while (end < hi && bits >> (end + 1) & 1)
			end++;
		if (end - v < 2)
			end = v;
		if (comma)
			buf_addc(b, ',');
		add_range(b, v, end, 1);
		comma = true;
		v = next_bit(bits, end + 1, hi);
	}
}

static void add_field(struct buf *b, const struct cron *c, int f)
{
	const struct field_spec *s = &spec[f];
	uint64_t bits = c->bits[f];
	uint64_t full = (~(uint64_t)0 >> (63 - s->last)) & (~(uint64_t)0 << s->min);
	bool star = f == F_DOM ? c->dom_star : f == F_DOW ? c->dow_star : true;
	if (bits == full) {
		if (star)
			buf_addc(b, '*');
		else
			add_range(b, s->min, s->last, 1);
		return;
	}
	if (!star || f < F_DOM || f == F_MON) {
		add_list(b, bits, s->min, s->last, star);
		return;
	}
	/* A day field that starts with '*' but is not full: the longest *\/S
	 * it holds (it always holds the minimum), then the rest. */
	for (int step = 2;; step++) {
		uint64_t ap = 0;
		for (int v = s->min; v <= s->last; v += step)
			ap |= (uint64_t)1 << v;
		if ((ap & bits) != ap)
			continue;
		buf_adds(b, "*/");
		buf_add_int(b, step);
		if (bits & ~ap) {
			buf_addc(b, ',');
			add_list(b, bits & ~ap, s->min, s->last, false);
		}
		return;
	}
}

char *cron_format(const struct cron *c)
{
	struct buf b;
	buf_init(&b, 0);
	for (int f = 0; f < F_N; f++) {
		if (f)
			buf_addc(&b, ' ');
		add_field(&b, c, f);
	}
	return buf_take(&b, NULL);
}

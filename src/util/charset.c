/* SPDX-License-Identifier: Apache-2.0 */
/* Character sets of uploaded files; see charset.h. This module owns the
 * decision between UTF-8 and Windows-1252, the 1252 table, and the checks
 * that keep UTF-16 and binary files out. It is written by hand rather than
 * on iconv: iconv converts once told the source encoding, but guessing it
 * and explaining a refusal by line is the part that matters here, and 1252
 * is one small table. */
#include "util/charset.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

#include "core/rc.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

#define SAVE_AS "the file is %s; save it as CSV UTF-8"
/* How much of the start of a file the UTF-16/32 guess looks at. */
#define SAMPLE 4096

/* Windows-1252 0x80-0x9F; 0 marks the five bytes 1252 leaves undefined.
 * 0xA0-0xFF are U+00A0-U+00FF, as in Latin-1. */
static const uint16_t cp1252_c1[32] = {
	0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, /* 80-87 */
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,      /* 88-8F */
	0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, /* 90-97 */
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178, /* 98-9F */
};

const char *charset_name(enum charset c)
{
	switch (c) {
	case CHARSET_UTF8:
		return "utf-8";
	case CHARSET_UTF8_BOM:
		return "utf-8-bom";
	case CHARSET_WINDOWS_1252:
		return "windows-1252";
	}
	return "unknown";
}

/* Records a failure with the code's generic key; needs err in scope. */
#define FAIL(rc, ...) brug_failf(err, (rc), rc_message_key(rc), NULL, __VA_ARGS__)

/* The line (from 1) that the byte at off is on. */
static size_t line_at(const unsigned char *p, size_t off)
{
	size_t line = 1;
	for (size_t i = 0; i < off; i++) {
		if (p[i] == '\n')
			line++;
		else if (p[i] == '\r' && (i + 1 >= off || p[i + 1] != '\n'))
			line++;
	}
	return line;
}

/* What one pass over the bytes found. */
struct scan {
	size_t nul;       /* NUL bytes */
	size_t first_nul; /* offset of the first */
	size_t ctl;       /* C0 controls other than NUL, tab, LF, FF, CR */
	size_t sample;    /* bytes in the first SAMPLE */
	size_t nul4[4];   /* NULs in the sample at offsets 0, 1, 2, 3 mod 4 */
};

static void scan_bytes(const unsigned char *p, size_t n, struct scan *s)
{
	memset(s, 0, sizeof(*s));
	s->sample = n < SAMPLE ? n : SAMPLE;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		if (c >= 0x20)
			continue;
		if (c == 0) {
			if (!s->nul++)
				s->first_nul = i;
			if (i < SAMPLE)
				s->nul4[i & 3]++;
		} else if (c != '\t' && c != '\n' && c != '\f' && c != '\r') {
			s->ctl++;
		}
	}
}

/* "UTF-16", "UTF-32" when the NULs in the sample sit where those put the
 * zero high bytes of Latin text, else NULL. */
static const char *wide_guess(const struct scan *s)
{
	size_t quads = s->sample / 4, pairs = s->sample / 2;
	const size_t *c = s->nul4;
	if (quads > 0) {
		size_t most = quads - quads / 10, few = quads / 10;
		if ((c[2] >= most && c[3] >= most && c[0] <= few) ||
		    (c[0] >= most && c[1] >= most && c[3] <= few))
			return "UTF-32";
	}
	size_t even = c[0] + c[2], odd = c[1] + c[3];
	if (pairs > 0 &&
	    ((odd * 2 >= pairs && even * 10 <= pairs) || (even * 2 >= pairs && odd * 10 <= pairs)))
		return "UTF-16";
	return NULL;
}

/* The length of the valid UTF-8 sequence at p[0..n), or 0. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	if (p[0] < 0x80)
		return p[0] ? 1 : 0;
	utf8proc_int32_t cp;
	utf8proc_ssize_t len = utf8proc_iterate(p, (utf8proc_ssize_t)(n < 4 ? n : 4), &cp);
	if (len <= 0 || !utf8proc_codepoint_valid(cp))
		return 0;
	return (size_t)len;
}

/* Counts well-formed multi-byte sequences and bytes that are no part of
 * one; *first_bad gets the offset of the first such byte. */
static void utf8_census(const unsigned char *p, size_t n, size_t *multi, size_t *bad,
			size_t *first_bad)
{
	*multi = *bad = 0;
	*first_bad = n;
	for (size_t i = 0; i < n;) {
		size_t len = utf8_seq(p + i, n - i);
		if (len == 0) {
			if (!(*bad)++)
				*first_bad = i;
			i++;
			continue;
		}
		*multi += len > 1;
		i += len;
	}
}

/* Appends the UTF-8 form of cp (below U+10000) at q; returns its length. */
static size_t put_utf8(unsigned char *q, unsigned cp)
{
	if (cp < 0x80) {
		q[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		q[0] = (unsigned char)(0xC0 | cp >> 6);
		q[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	q[0] = (unsigned char)(0xE0 | cp >> 12);
	q[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	q[2] = (unsigned char)(0x80 | (cp & 0x3F));
	return 3;
}

static unsigned cp1252_decode(unsigned char c)
{
	return c >= 0x80 && c < 0xA0 ? cp1252_c1[c - 0x80] : c;
}

/* Windows-1252 to UTF-8, or BRUG_EINVAL at the first undefined byte. */
static int from_1252(const unsigned char *p, size_t n, char **out, size_t *out_n,
		     struct brug_err *err)
{
	size_t need = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned cp = cp1252_decode(p[i]);
		if (p[i] >= 0x80 && cp == 0)
			return FAIL(BRUG_EINVAL, "unknown encoding: byte 0x%02X at line %zu", p[i],
				    line_at(p, i));
		size_t len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
		if (need > SIZE_MAX - 1 - len)
			return FAIL(BRUG_ETOOBIG, "the file is too large to convert");
		need += len;
	}
	unsigned char *q = xmalloc(need + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += put_utf8(q + k, cp1252_decode(p[i]));
	q[k] = '\0';
	*out = (char *)q;
	*out_n = k;
	return 0;
}

static char *copy(const unsigned char *p, size_t n)
{
	char *q = xmalloc(n + 1);
	if (n)
		memcpy(q, p, n);
	q[n] = '\0';
	return q;
}

/* Steps 1 and 3-4 of charset.h: what is not text at all. */
static int check_text(const unsigned char *p, size_t n, size_t skipped, struct brug_err *err)
{
	if (n >= 4 && ((p[0] == 0xFF && p[1] == 0xFE && !p[2] && !p[3]) ||
		       (!p[0] && !p[1] && p[2] == 0xFE && p[3] == 0xFF)))
		return FAIL(BRUG_EINVAL, SAVE_AS, "UTF-32");
	if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)))
		return FAIL(BRUG_EINVAL, SAVE_AS, "UTF-16");
	struct scan s;
	scan_bytes(p + skipped, n - skipped, &s);
	if (s.nul) {
		const char *wide = wide_guess(&s);
		if (wide)
			return FAIL(BRUG_EINVAL, SAVE_AS, wide);
		return FAIL(BRUG_EINVAL, "this is not a text file: NUL byte at line %zu",
			    line_at(p, skipped + s.first_nul));
	}
	if (s.ctl >= 2 && s.ctl > (n - skipped) / 32)
		return FAIL(BRUG_EINVAL,
			    "this is not a text file: it is full of control characters");
	return 0;
}

int charset_to_utf8(const char *in, size_t n, char **out, size_t *out_n, enum charset *found,
		    struct brug_err *err)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t skip = 0;
	enum charset cs = CHARSET_UTF8;
	char *res = NULL;
	size_t res_n = 0;
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		skip = 3;
		cs = CHARSET_UTF8_BOM;
	}
	int rc = check_text(p, n, skip, err);
	if (rc)
		goto out;
	if (utf8_valid(in + skip, n - skip)) {
		res = copy(p + skip, n - skip);
		res_n = n - skip;
		goto out;
	}
	size_t multi, bad, first_bad;
	utf8_census(p + skip, n - skip, &multi, &bad, &first_bad);
	size_t at = skip + first_bad;
	if (cs == CHARSET_UTF8_BOM) {
		rc = FAIL(BRUG_EINVAL,
			  "the file starts with a UTF-8 byte order mark but byte 0x%02X at "
			  "line %zu is not UTF-8; save it as CSV UTF-8",
			  p[at], line_at(p, at));
		goto out;
	}
	if (multi >= bad) {
		rc = FAIL(BRUG_EINVAL,
			  "the file is UTF-8 mixed with another encoding: byte 0x%02X at line "
			  "%zu is not UTF-8; save it as CSV UTF-8",
			  p[at], line_at(p, at));
		goto out;
	}
	cs = CHARSET_WINDOWS_1252;
	rc = from_1252(p, n, &res, &res_n, err);
out:
	if (rc == 0) {
		*out = res;
		*out_n = res_n;
		if (found)
			*found = cs;
	}
	return rc;
}

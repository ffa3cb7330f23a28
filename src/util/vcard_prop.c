/* SPDX-License-Identifier: Apache-2.0 */
/* vCard reading, one property at a time; see vcard.h. This file owns the
 * syntax inside a content line: group, name, parameters, the value's
 * transfer encoding and charset (to UTF-8 through a small Windows-1252
 * table: the three charsets real exports use need no iconv), escapes and
 * the normal forms of dates, times, language tags and UUIDs. What the
 * properties mean to a card is vcard_card.c's business. */
#include "util/vcard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/utf8.h"
#include "util/vcard_impl.h"
#include "util/xmalloc.h"

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_name_char(char c)
{
	return is_alpha(c) || is_digit(c) || c == '-';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

bool vcard_name_is(const char *name, size_t n, const char *a)
{
	size_t i = 0;
	for (; i < n && a[i]; i++)
		if (upper(name[i]) != a[i])
			return false;
	return i == n && !a[i];
}

/* s (n bytes) without spaces and tabs around it. */
static void trim(const char **s, size_t *n)
{
	while (*n && is_space(**s))
		(*s)++, (*n)--;
	while (*n && is_space((*s)[*n - 1]))
		(*n)--;
}

/* ---- the head ---- */

bool vcard_head_split(const char *s, size_t n, struct vcard_head *h)
{
	memset(h, 0, sizeof(*h));
	size_t i = 0;
	while (i < n && is_name_char(s[i]))
		i++;
	h->name = s;
	h->name_len = i;
	if (i > 0 && i < n && s[i] == '.') {
		h->group = s;
		h->group_len = i;
		h->name = s + ++i;
		while (i < n && is_name_char(s[i]))
			i++;
		h->name_len = (size_t)(s + i - h->name);
	}
	if (h->name_len == 0 || i >= n || (s[i] != ';' && s[i] != ':'))
		return false;
	size_t colon = i;
	if (s[i] == ';') {
		bool quoted = false;
		for (colon = i + 1; colon < n; colon++) {
			if (s[colon] == '"')
				quoted = !quoted;
			else if (s[colon] == ':' && !quoted)
				break;
		}
		if (colon == n) { /* an unclosed quote: the first ':' it is */
			const char *c = memchr(s + i, ':', n - i);
			if (!c)
				return false;
			colon = (size_t)(c - s);
		}
		h->params = s + i + 1;
		h->params_len = colon - i - 1;
	}
	h->value = s + colon + 1;
	h->value_len = n - colon - 1;
	return true;
}

/* ---- parameters ---- */

/* Reads exactly width digits at *s. */
static bool digits(const char **s, int width, int *v)
{
	*v = 0;
	for (int i = 0; i < width; i++) {
		if (!is_digit((*s)[i]))
			return false;
		*v = *v * 10 + ((*s)[i] - '0');
	}
	*s += width;
	return true;
}


static const struct {
	const char *name;
	unsigned bit;
} type_names[] = {
	{"HOME", VCARD_TYPE_HOME},   {"WORK", VCARD_TYPE_WORK},
	{"CELL", VCARD_TYPE_CELL},   {"MOBILE", VCARD_TYPE_CELL},
	{"VOICE", VCARD_TYPE_VOICE}, {"FAX", VCARD_TYPE_FAX},
	{"PAGER", VCARD_TYPE_PAGER}, {"TEXT", VCARD_TYPE_TEXT},
	{"VIDEO", VCARD_TYPE_VIDEO}, {"TEXTPHONE", VCARD_TYPE_TEXTPHONE},
	{"MAIN", VCARD_TYPE_MAIN},   {"OTHER", VCARD_TYPE_OTHER},
};

/* A TYPE value (or a bare 2.1 parameter); *pref_type for "pref". */
static void type_token(struct vcard_params *p, const char *s, size_t n, bool *pref_type)
{
	if (vcard_name_is(s, n, "PREF")) {
		*pref_type = true;
		return;
	}
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (vcard_name_is(s, n, type_names[i].name))
			p->types |= type_names[i].bit;
}

static bool encoding_token(struct vcard_params *p, const char *s, size_t n)
{
	if (vcard_name_is(s, n, "QUOTED-PRINTABLE"))
		p->enc = VCARD_ENC_QP;
	else if (vcard_name_is(s, n, "B") || vcard_name_is(s, n, "BASE64"))
		p->enc = VCARD_ENC_B;
	else if (vcard_name_is(s, n, "8BIT") || vcard_name_is(s, n, "7BIT"))
		p->enc = VCARD_ENC_NONE;
	else
		return false;
	return true;
}

/* Small number of at most 3 digits, or -1. */
static int small_number(const char *s, size_t n)
{
	if (n == 0 || n > 3)
		return -1;
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* One NAME=VALUE parameter; the value without its quotes. */
static void param_one(struct vcard_params *p, const char *name, size_t name_len, const char *v,
		      size_t n, bool *pref_type, int *pref)
{
	if (vcard_name_is(name, name_len, "TYPE")) {
		struct vcard_split sp = {v, n, false};
		const char *item;
		size_t len;
		while (vcard_split_next(&sp, ',', &item, &len)) {
			trim(&item, &len);
			/* TYPE="work","voice" */
			if (len && item[0] == '"')
				item++, len--;
			if (len && item[len - 1] == '"')
				len--;
			type_token(p, item, len, pref_type);
		}
	} else if (vcard_name_is(name, name_len, "PREF")) {
		int k = small_number(v, n);
		if (k >= 1 && k <= 100)
			*pref = k;
	} else if (vcard_name_is(name, name_len, "ENCODING")) {
		p->enc_name = v;
		p->enc_name_len = n;
		if (!encoding_token(p, v, n))
			p->enc = VCARD_ENC_OTHER;
	} else if (vcard_name_is(name, name_len, "CHARSET")) {
		p->charset = v;
		p->charset_len = n;
	} else if (vcard_name_is(name, name_len, "VALUE")) {
		p->vtype = vcard_name_is(v, n, "URI")	 ? VCARD_VT_URI
			   : vcard_name_is(v, n, "TEXT") ? VCARD_VT_TEXT
							 : VCARD_VT_OTHER;
	} else if (vcard_name_is(name, name_len, "LANGUAGE")) {
		p->lang = v;
		p->lang_len = n;
	} else if (vcard_name_is(name, name_len, "X-APPLE-OMIT-YEAR")) {
		int y;
		if (n == 4 && digits(&v, 4, &y))
			p->omit_year = y;
	}
}

void vcard_params_parse(const char *s, size_t n, struct vcard_params *p)
{
	memset(p, 0, sizeof(*p));
	p->omit_year = -1;
	bool pref_type = false;
	int pref = 0;
	size_t i = 0;
	while (i < n) {
		size_t start = i;
		bool quoted = false;
		for (; i < n && (quoted || s[i] != ';'); i++)
			if (s[i] == '"')
				quoted = !quoted;
		const char *tok = s + start;
		size_t len = i - start;
		i++; /* the ';' */
		trim(&tok, &len);
		const char *eq = memchr(tok, '=', len);
		if (!eq) { /* a bare 2.1 parameter: TEL;WORK;VOICE */
			if (!encoding_token(p, tok, len))
				type_token(p, tok, len, &pref_type);
			continue;
		}
		const char *name = tok, *v = eq + 1;
		size_t name_len = (size_t)(eq - tok), vlen = len - name_len - 1;
		trim(&name, &name_len);
		trim(&v, &vlen);
		/* TYPE="work,voice" and CHARSET="utf-8": the quotes go */
		if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"')
			v++, vlen -= 2;
		param_one(p, name, name_len, v, vlen, &pref_type, &pref);
	}
	p->pref = pref ? pref : pref_type ? 1 : 0;
}

/* ---- decoding ---- */

static int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	c = upper(c);
	return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Quoted-printable (soft breaks are gone already); a '=' not followed by
 * two hex digits stays as it is, but a last lone '=' goes. NULs go. */
static void qp_decode(const char *v, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (c == '=' && i + 1 == n)
			break;
		if (c == '=' && i + 2 < n && hex_value(v[i + 1]) >= 0 && hex_value(v[i + 2]) >= 0) {
			c = (char)(hex_value(v[i + 1]) * 16 + hex_value(v[i + 2]));
			i += 2;
		}
		if (c != '\0')
			buf_addc(out, c);
	}
}

/* Windows-1252's 0x80-0x9F; 0 where it has no character. */
static const unsigned short cp1252_c1[32] = {
	0x20AC, 0,	0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
	0x2039, 0x0152, 0,	0x017D, 0,	0,	0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
	0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,	0x017E, 0x0178,
};

enum charset { CS_UTF8, CS_CP1252, CS_LATIN9, CS_UNKNOWN };

static enum charset charset_of(const char *s, size_t n)
{
	static const char *const utf8[] = {"UTF-8", "UTF8", "US-ASCII", "ASCII"};
	static const char *const cp1252[] = {"WINDOWS-1252", "CP1252",	 "ISO-8859-1", "ISO8859-1",
					     "ISO_8859-1",   "LATIN1", "L1"};
	static const char *const latin9[] = {"ISO-8859-15", "ISO8859-15", "ISO_8859-15", "LATIN9",
					     "LATIN-9"};
	for (size_t i = 0; i < sizeof(utf8) / sizeof(utf8[0]); i++)
		if (vcard_name_is(s, n, utf8[i]))
			return CS_UTF8;
	for (size_t i = 0; i < sizeof(cp1252) / sizeof(cp1252[0]); i++)
		if (vcard_name_is(s, n, cp1252[i]))
			return CS_CP1252;
	for (size_t i = 0; i < sizeof(latin9) / sizeof(latin9[0]); i++)
		if (vcard_name_is(s, n, latin9[i]))
			return CS_LATIN9;
	return CS_UNKNOWN;
}

static unsigned latin9_of(unsigned char c)
{
	switch (c) {
	case 0xA4: return 0x20AC;
	case 0xA6: return 0x0160;
	case 0xA8: return 0x0161;
	case 0xB4: return 0x017D;
	case 0xB8: return 0x017E;
	case 0xBC: return 0x0152;
	case 0xBD: return 0x0153;
	case 0xBE: return 0x0178;
	default: return c;
	}
}

/* Single bytes to UTF-8; a byte without a character becomes U+FFFD. */
static void single_byte_decode(const char *s, size_t n, bool latin9, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned cp = c < 0x80   ? c
			      : c < 0xA0 ? cp1252_c1[c - 0x80]
			      : latin9	 ? latin9_of(c)
					 : c;
		if (cp == 0)
			cp = c ? 0xFFFD : 0;
		if (cp < 0x80) {
			if (cp)
				buf_addc(out, (char)cp);
		} else if (cp < 0x800) {
			buf_addc(out, (char)(0xC0 | cp >> 6));
			buf_addc(out, (char)(0x80 | (cp & 0x3F)));
		} else {
			buf_addc(out, (char)(0xE0 | cp >> 12));
			buf_addc(out, (char)(0x80 | ((cp >> 6) & 0x3F)));
			buf_addc(out, (char)(0x80 | (cp & 0x3F)));
		}
	}
}

static bool all_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

/* n bytes, without at most 40, as a printable token for messages. */
static int shown(size_t n)
{
	return n > 40 ? 40 : (int)n;
}

int vcard_value_decode(const struct vcard_params *p, const char *v, size_t n, struct buf *a,
		       struct buf *b, const struct buf **res, char *why, size_t why_len)
{
	if (p->enc == VCARD_ENC_B) {
		snprintf(why, why_len, "encoding base64 is only used for photos and keys");
		return -1;
	}
	if (p->enc == VCARD_ENC_OTHER) {
		snprintf(why, why_len, "encoding \"%.*s\" is not supported", shown(p->enc_name_len),
			 p->enc_name);
		return -1;
	}
	buf_reset(a);
	buf_reset(b);
	if (p->enc == VCARD_ENC_QP) {
		qp_decode(v, n, a);
	} else {
		for (size_t i = 0; i < n; i++)
			if (v[i] != '\0')
				buf_addc(a, v[i]);
	}
	enum charset cs = p->charset ? charset_of(p->charset, p->charset_len) : CS_UTF8;
	*res = a;
	if (cs == CS_UNKNOWN && !all_ascii(a->p ? a->p : "", a->len)) {
		snprintf(why, why_len,
			 "charset \"%.*s\" is not supported (UTF-8, Windows-1252 and ISO-8859-1 "
			 "are)",
			 shown(p->charset_len), p->charset);
		return -1;
	}
	if (cs == CS_UNKNOWN || (cs == CS_UTF8 && utf8_valid(a->p ? a->p : "", a->len)))
		return 0;
	/* Windows-1252 as declared, or as the best guess for bytes that are
	 * not UTF-8 (a file saved by Windows without CHARSET). */
	single_byte_decode(a->p, a->len, cs == CS_LATIN9, b);
	*res = b;
	return 0;
}

/* ---- text ---- */

bool vcard_split_next(struct vcard_split *sp, char sep, const char **piece, size_t *len)
{
	if (sp->done)
		return false;
	size_t i = 0;
	while (i < sp->n && sp->s[i] != sep)
		i += sp->s[i] == '\\' && i + 1 < sp->n ? 2 : 1;
	*piece = sp->s;
	*len = i;
	if (i < sp->n) {
		sp->s += i + 1;
		sp->n -= i + 1;
	} else {
		sp->done = true;
	}
	return true;
}

static bool is_trimmed(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

char *vcard_text_clean(const char *s, size_t n)
{
	char *o = xmalloc(n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\\' && i + 1 < n) {
			char d = s[i + 1];
			if (d == 'n' || d == 'N') {
				o[k++] = '\n';
				i++;
				continue;
			}
			if (d == ',' || d == ';' || d == '\\' || d == ':') {
				o[k++] = d;
				i++;
				continue;
			}
		} else if (c == '\r') {
			if (i + 1 < n && s[i + 1] == '\n')
				continue;
			c = '\n';
		} else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
			continue;
		}
		o[k++] = (char)c;
	}
	size_t start = 0;
	while (start < k && is_trimmed(o[start]))
		start++;
	while (k > start && is_trimmed(o[k - 1]))
		k--;
	if (k == start) {
		free(o);
		return NULL;
	}
	memmove(o, o + start, k - start);
	o[k - start] = '\0';
	return o;
}

char *vcard_text_fit(char *s, size_t max, bool *cut)
{
	if (!s)
		return NULL;
	size_t k = strlen(s);
	if (k > max) {
		*cut = true;
		k = max;
		while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
			k--;
		while (k > 0 && is_trimmed(s[k - 1]))
			k--;
		s[k] = '\0';
	}
	if (k == 0) {
		free(s);
		return NULL;
	}
	return s;
}

/* ---- normal forms ---- */

bool vcard_is_uuid(const char *s, size_t n)
{
	if (n != 36)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : hex_value(s[i]) < 0)
			return false;
	}
	return true;
}

bool vcard_lang_valid(const char *s, size_t n)
{
	if (n == 0 || n > 63)
		return false;
	size_t run = 0;
	for (size_t i = 0, part = 0; i <= n; i++) {
		if (i == n || s[i] == '-') {
			if (run == 0 || run > 8)
				return false;
			run = 0;
			part++;
			continue;
		}
		if (!(part == 0 ? is_alpha(s[i]) : is_alpha(s[i]) || is_digit(s[i])))
			return false;
		run++;
	}
	return true;
}

bool vcard_kind_valid(const char *s, size_t n)
{
	if (n == 0 || n > 63)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alpha(s[i]) && !is_digit(s[i]) && s[i] != '-')
			return false;
	return true;
}

static void skip(const char **s, char c)
{
	if (**s == c)
		(*s)++;
}

static bool date_ok(int y, int m, int d)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
	return !(m == 2 && d == 29 && y >= 0 && !leap);
}

char *vcard_bday_normal(const char *s, int omit_year)
{
	int y = -1, m, d;
	if (s[0] == '-' && s[1] == '-') {
		s += 2;
	} else if (!digits(&s, 4, &y)) {
		return NULL;
	} else {
		skip(&s, '-');
	}
	if (!digits(&s, 2, &m))
		return NULL;
	skip(&s, '-');
	if (!digits(&s, 2, &d) || (*s && *s != 'T') || !date_ok(y, m, d))
		return NULL;
	if (y == omit_year)
		y = -1;
	char out[32];
	if (y < 0)
		snprintf(out, sizeof(out), "--%02d-%02d", m, d);
	else
		snprintf(out, sizeof(out), "%04d-%02d-%02d", y, m, d);
	return xstrdup(out);
}

bool vcard_bday_valid(const char *s)
{
	size_t n = strlen(s);
	if (n != 7 && n != 10)
		return false;
	if ((n == 7 && (s[0] != '-' || s[1] != '-' || s[4] != '-')) ||
	    (n == 10 && (s[4] != '-' || s[7] != '-')))
		return false;
	char *back = vcard_bday_normal(s, -1);
	bool ok = back && strcmp(back, s) == 0;
	free(back);
	return ok;
}

char *vcard_rev_normal(const char *s)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, zh = 0, zm = 0;
	char zone = '\0';
	if (!digits(&s, 4, &y))
		return NULL;
	skip(&s, '-');
	if (!digits(&s, 2, &mo))
		return NULL;
	skip(&s, '-');
	if (!digits(&s, 2, &d) || !date_ok(y, mo, d))
		return NULL;
	if (*s == 'T') {
		s++;
		if (!digits(&s, 2, &h))
			return NULL;
		skip(&s, ':');
		if (!digits(&s, 2, &mi))
			return NULL;
		skip(&s, ':');
		if (!digits(&s, 2, &sec))
			return NULL;
		if (*s == '.' || *s == ',')
			for (s++; is_digit(*s); s++)
				;
		if (*s == 'Z' || *s == 'z') {
			zone = 'Z';
			s++;
		} else if (*s == '+' || *s == '-') {
			zone = *s++;
			if (!digits(&s, 2, &zh))
				return NULL;
			skip(&s, ':');
			if (*s && !digits(&s, 2, &zm))
				return NULL;
		}
	}
	if (*s || h > 23 || mi > 59 || sec > 60 || zh > 23 || zm > 59)
		return NULL;
	char out[64];
	int k = snprintf(out, sizeof(out), "%04d%02d%02dT%02d%02d%02d", y, mo, d, h, mi, sec);
	if (zone == 'Z')
		snprintf(out + k, sizeof(out) - (size_t)k, "Z");
	else if (zone)
		snprintf(out + k, sizeof(out) - (size_t)k, "%c%02d%02d", zone, zh, zm);
	return xstrdup(out);
}

bool vcard_rev_valid(const char *s)
{
	size_t n = strlen(s);
	if (n != 15 && n != 16 && n != 20)
		return false;
	char *back = vcard_rev_normal(s);
	bool ok = back && strcmp(back, s) == 0;
	free(back);
	return ok;
}

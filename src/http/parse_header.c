/* SPDX-License-Identifier: Apache-2.0 */
/* Request header values: Cookie (RFC 6265), Content-Type (RFC 9110 media
 * type with parameters) and Accept-Language (RFC 9110 weights, RFC 4647
 * matching). Cookies are forgiving because browsers send whatever other
 * sites on the domain set; Content-Type is strict because it decides how a
 * body is read. Nothing here allocates beyond what it returns. */
#include <assert.h>
#include <string.h>

#include "http/parse.h"
#include "http/parse_internal.h"
#include "util/utf8.h"

/* Trims SP and HTAB from both ends of s[*b..*e). */
static void trim_ows(const char *s, size_t *b, size_t *e)
{
	*b = parse_skip_ows(s, *e, *b);
	while (*e > *b && (s[*e - 1] == ' ' || s[*e - 1] == '\t'))
		(*e)--;
}

/* One "name=value" cookie-pair; false when it is skipped. */
static bool cookie_pair(const char *s, size_t len, struct arena *a, struct kvs *out)
{
	const char *eq = memchr(s, '=', len);
	if (!eq)
		return false;
	size_t nb = 0, ne = (size_t)(eq - s), vb = ne + 1, ve = len;
	trim_ows(s, &nb, &ne);
	trim_ows(s, &vb, &ve);
	if (ne == nb || ne - nb > PARSE_MAX_NAME)
		return false;
	for (size_t i = nb; i < ne; i++)
		if (!parse_tchar((unsigned char)s[i]))
			return false;
	if (ve - vb >= 2 && s[vb] == '"' && s[ve - 1] == '"') {
		vb++;
		ve--;
	}
	if (!utf8_valid(s + vb, ve - vb) || parse_has_ctl(s + vb, ve - vb))
		return false;
	kvs_push(out, a, arena_strndup(a, s + nb, ne - nb), arena_strndup(a, s + vb, ve - vb),
		 ve - vb);
	return true;
}

int parse_cookies(const char *s, size_t n, struct arena *a, struct kvs *out)
{
	assert((s || n == 0) && a && out);
	size_t added = 0;
	/* Past the limit the rest of the header is ignored, not refused: a
	 * visitor cannot delete cookies another site set on the domain. */
	for (size_t at = 0; at < n && added < PARSE_MAX_FIELDS;) {
		const char *semi = memchr(s + at, ';', n - at);
		size_t len = semi ? (size_t)(semi - (s + at)) : n - at;
		if (cookie_pair(s + at, len, a, out))
			added++;
		at += len + 1;
	}
	return 0;
}

static char *lower_dup(struct arena *a, const char *s, size_t n)
{
	char *d = arena_strndup(a, s, n);
	for (size_t i = 0; i < n; i++)
		d[i] = parse_lower(d[i]);
	return d;
}

/* The charset and boundary parameters after the media type; others are
 * checked for syntax and ignored. A repeated one is ambiguous: refused. */
static int content_type_params(const char *s, size_t n, size_t i, struct arena *a,
			       struct content_type *ct, struct brug_err *err)
{
	struct parse_param p;
	int r;
	while ((r = parse_param_next(s, n, &i, a, &p)) > 0) {
		const char **slot = NULL;
		if (parse_ieq(p.name, p.name_len, "charset"))
			slot = &ct->charset;
		else if (parse_ieq(p.name, p.name_len, "boundary"))
			slot = &ct->boundary;
		if (!slot)
			continue;
		if (*slot)
			return brug_failf(err, BRUG_EINVAL, PARSE_KEY, NULL,
					  "Content-Type: repeated parameter at byte %zu",
					  (size_t)(p.name - s));
		/* charset names are case-insensitive, boundaries are not */
		*slot = slot == &ct->charset ? lower_dup(a, p.value, p.value_len) : p.value;
	}
	if (r < 0)
		return brug_failf(err, BRUG_EINVAL, PARSE_KEY, NULL,
				  "Content-Type: malformed parameter at byte %zu", i);
	return 0;
}

int parse_content_type(const char *s, struct arena *a, struct content_type *out,
		       struct brug_err *err)
{
	assert(a && out);
	if (!s)
		return brug_failf(err, BRUG_EINVAL, PARSE_KEY, NULL, "Content-Type missing");
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c >= 0x7F)
			return brug_failf(err, BRUG_EINVAL, PARSE_KEY, NULL,
					  "Content-Type: control or non-ASCII byte at byte %zu", i);
	}
	size_t type = parse_skip_ows(s, n, 0), i = type;
	while (i < n && parse_tchar((unsigned char)s[i]))
		i++;
	size_t slash = i;
	if (slash == type || i == n || s[i] != '/')
		return brug_failf(err, BRUG_EINVAL, PARSE_KEY, NULL,
				  "Content-Type is not type/subtype");
	for (i++; i < n && parse_tchar((unsigned char)s[i]);)
		i++;
	if (i == slash + 1)
		return brug_failf(err, BRUG_EINVAL, PARSE_KEY, NULL,
				  "Content-Type is not type/subtype");
	struct content_type ct = {.mime = lower_dup(a, s + type, i - type)};
	int rc = content_type_params(s, n, i, a, &ct, err);
	if (rc)
		return rc;
	*out = ct;
	return 0;
}

/* Accept-Language: at most this many list entries are looked at. */
#define LANG_MAX_RANGES 50

struct lang_range {
	const char *tag; /* into the header; "*" or a language range */
	size_t len;
	int q; /* weight in thousandths, 0..1000 */
};

/* "*" or 1*8ALPHA *("-" 1*8alphanum) (RFC 4647 language-range). */
static bool lang_range_valid(const char *s, size_t n)
{
	if (n == 1 && s[0] == '*')
		return true;
	size_t run = 0;
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		char c = parse_lower(s[i]);
		bool alpha = c >= 'a' && c <= 'z', digit = c >= '0' && c <= '9';
		if (c == '-') {
			if (run == 0)
				return false;
			run = 0;
			first = false;
		} else if (alpha || (digit && !first)) {
			if (++run > 8)
				return false;
		} else {
			return false;
		}
	}
	return run > 0;
}

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ); -1 if not. */
static int lang_qvalue(const char *s, size_t n)
{
	if (n == 0 || (s[0] != '0' && s[0] != '1') || n > 5 || (n > 1 && s[1] != '.'))
		return -1;
	int q = (s[0] - '0') * 1000, scale = 100;
	for (size_t i = 2; i < n; i++, scale /= 10) {
		if (s[i] < '0' || s[i] > '9' || (s[0] == '1' && s[i] != '0'))
			return -1;
		q += (s[i] - '0') * scale;
	}
	return q;
}

/* One list entry s[0..n): a range and an optional ";q=" weight. Anything
 * else (a bad range, a bad weight, another parameter) voids the entry. */
static bool lang_entry(const char *s, size_t n, struct lang_range *r)
{
	const char *semi = memchr(s, ';', n);
	size_t b = 0, e = semi ? (size_t)(semi - s) : n;
	trim_ows(s, &b, &e);
	if (!lang_range_valid(s + b, e - b))
		return false;
	*r = (struct lang_range){.tag = s + b, .len = e - b, .q = 1000};
	if (!semi)
		return true;
	size_t qb = parse_skip_ows(s, n, (size_t)(semi - s) + 1), qe = n;
	trim_ows(s, &qb, &qe);
	if (qe - qb < 2 || parse_lower(s[qb]) != 'q' || s[qb + 1] != '=')
		return false;
	r->q = lang_qvalue(s + qb + 2, qe - qb - 2);
	return r->q >= 0;
}

/* True when a equals b, or is a prefix of b that ends where a subtag of b
 * ends ("en" and "en-GB"), ignoring case. */
static bool lang_prefix(const char *a, size_t an, const char *b, size_t bn)
{
	if (an > bn || (an < bn && b[an] != '-'))
		return false;
	for (size_t i = 0; i < an; i++)
		if (parse_lower(a[i]) != parse_lower(b[i]))
			return false;
	return true;
}

/* q=0 on the most specific range that covers tag (RFC 4647 filtering)
 * makes tag unacceptable, whatever a wider range said. */
static bool lang_refused(const struct lang_range *r, size_t nr, const char *tag)
{
	size_t tn = strlen(tag), best = 0;
	bool refused = false;
	for (size_t i = 0; i < nr; i++) {
		if (r[i].tag[0] == '*' || !lang_prefix(r[i].tag, r[i].len, tag, tn))
			continue;
		if (r[i].len > best) {
			best = r[i].len;
			refused = r[i].q == 0;
		}
	}
	return refused;
}

/* Whether range r selects tag in matching pass 0 (exact), 1 (r covers tag:
 * "en" -> "en-GB") or 2 (tag is a fallback of r: "en-GB" -> "en"). "*"
 * selects every tag in the first pass. */
static bool lang_hit(const struct lang_range *r, const char *tag, int pass)
{
	size_t tn = strlen(tag);
	if (r->tag[0] == '*')
		return pass == 0;
	if (pass == 0)
		return r->len == tn && lang_prefix(r->tag, r->len, tag, tn);
	if (pass == 1)
		return lang_prefix(r->tag, r->len, tag, tn);
	return lang_prefix(tag, tn, r->tag, r->len);
}

/* The first supported tag that range r selects and no q=0 refuses, trying
 * the closest kind of match first. */
static const char *lang_pick(const struct lang_range *all, size_t nr,
			     const struct lang_range *r, const char *const *sup, size_t n)
{
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < n; i++)
			if (lang_hit(r, sup[i], pass) && !lang_refused(all, nr, sup[i]))
				return sup[i];
	return NULL;
}

const char *parse_accept_language(const char *s, const char *const *supported, size_t n)
{
	if (!s || !supported || n == 0)
		return NULL;
	struct lang_range r[LANG_MAX_RANGES];
	size_t nr = 0, seen = 0, len = strlen(s);
	for (size_t at = 0; at < len && seen < LANG_MAX_RANGES;) {
		const char *comma = memchr(s + at, ',', len - at);
		size_t e = comma ? (size_t)(comma - s) : len, b = parse_skip_ows(s, e, at);
		if (b < e) {
			seen++;
			if (lang_entry(s + b, e - b, &r[nr]))
				nr++;
		}
		at = e + 1;
	}
	/* Stable insertion sort by weight: equal weights keep header order. */
	for (size_t i = 1; i < nr; i++) {
		struct lang_range t = r[i];
		size_t j = i;
		for (; j > 0 && r[j - 1].q < t.q; j--)
			r[j] = r[j - 1];
		r[j] = t;
	}
	for (size_t i = 0; i < nr && r[i].q > 0; i++) {
		const char *hit = lang_pick(r, nr, &r[i], supported, n);
		if (hit)
			return hit;
	}
	return NULL;
}

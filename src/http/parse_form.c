/* SPDX-License-Identifier: Apache-2.0 */
/* Query strings and application/x-www-form-urlencoded bodies (the WHATWG
 * URL standard's urlencoded parser, made strict): '&' separates pairs, '+'
 * is a space, %XX is a byte, and a bad escape, a NUL or invalid UTF-8 is a
 * 400 rather than a replacement character. ';' is not a separator. */
#include <assert.h>
#include <string.h>

#include "http/parse.h"
#include "http/parse_internal.h"
#include "util/utf8.h"

/* Decodes s[0..n) into a new arena string. at is the offset of s in the
 * whole input, so the error can point at the bad escape. */
static int form_decode(const char *s, size_t n, size_t at, struct arena *a, const char **out,
		       size_t *out_len, struct brug_err *err)
{
	char *d = arena_alloc(a, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi = n - i > 2 ? parse_hexval((unsigned char)s[i + 1]) : -1;
			int lo = hi >= 0 ? parse_hexval((unsigned char)s[i + 2]) : -1;
			if (lo < 0)
				return brug_failf(err, BRUG_EINVAL, PARSE_KEY, NULL,
						  "invalid percent-escape at byte %zu", at + i);
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		d[k++] = (char)c;
	}
	d[k] = '\0';
	*out = d;
	*out_len = k;
	return 0;
}

/* One non-empty pair s[at..at+len). Every pair is decoded and checked, also
 * one that is then dropped for its empty name, so that a malformed input is
 * refused whatever it holds. */
static int form_pair(const char *s, size_t at, size_t len, struct arena *a, struct kvs *out,
		     size_t *added, struct brug_err *err)
{
	const char *p = s + at;
	const char *eq = memchr(p, '=', len);
	size_t name_raw = eq ? (size_t)(eq - p) : len;
	const char *name, *value;
	size_t name_len, value_len;
	char shown[48];

	/* "flag" without '=' decodes an empty value */
	int rc = form_decode(p, name_raw, at, a, &name, &name_len, err);
	if (!rc)
		rc = form_decode(eq ? eq + 1 : p + len, eq ? len - name_raw - 1 : 0,
				 at + name_raw + 1, a, &value, &value_len, err);
	if (rc)
		return rc;
	if (!utf8_valid(name, name_len))
		return brug_failf(err, BRUG_EINVAL, PARSE_KEY, NULL,
				  "form field name is not valid UTF-8 (pair at byte %zu)", at);
	if (name_len > PARSE_MAX_NAME)
		return brug_failf(err, BRUG_EINVAL, PARSE_KEY, NULL,
				  "form field name too long at byte %zu (limit %d)", at,
				  PARSE_MAX_NAME);
	if (!utf8_valid(value, value_len))
		return brug_failf(err, BRUG_EINVAL, PARSE_KEY, NULL,
				  "form field is not valid UTF-8: %s",
				  parse_detail_name(shown, sizeof(shown), name));
	if (name_len == 0)
		return 0;
	if (*added == PARSE_MAX_FIELDS)
		return brug_failf(err, BRUG_EINVAL, PARSE_KEY, NULL, "too many fields (limit %d)",
				  PARSE_MAX_FIELDS);
	kvs_push(out, a, name, value, value_len);
	++*added;
	return 0;
}

int parse_urlencoded(const char *s, size_t n, struct arena *a, struct kvs *out,
		     struct brug_err *err)
{
	assert((s || n == 0) && a && out);
	int rc = 0;
	size_t n0 = out->n, added = 0;
	for (size_t at = 0; at < n;) {
		const char *amp = memchr(s + at, '&', n - at);
		size_t len = amp ? (size_t)(amp - (s + at)) : n - at;
		if (len > 0) {
			rc = form_pair(s, at, len, a, out, &added, err);
			if (rc)
				goto out;
		}
		at += len + 1;
	}
out:
	if (rc)
		out->n = n0; /* nothing appended on failure */
	return rc;
}

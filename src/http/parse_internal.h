/* SPDX-License-Identifier: Apache-2.0 */
/* What the request parsers (src/http/parse*.c) share and nobody else uses:
 * appending to the result lists without a second copy, the bits of RFC 9110
 * grammar (tokens, quoted-strings, ";" parameters) and error details that
 * are safe to echo. Include it only from src/http/parse*.c. Thread-safe. */
#ifndef BRUG_HTTP_PARSE_INTERNAL_H
#define BRUG_HTTP_PARSE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "http/parse.h"

#define PARSE_KEY "error.bad_request" /* message key of every parse failure */

/* Appends a pair whose strings already live in the arena (no copy). */
void kvs_push(struct kvs *l, struct arena *a, const char *name, const char *value,
	      size_t value_len);

/* RFC 9110 tchar: the characters of a token. */
bool parse_tchar(unsigned char c);
/* The value of a hex digit, or -1. */
int parse_hexval(unsigned char c);
/* ASCII-only lower case, independent of the locale. */
char parse_lower(char c);
/* True when s[0..n) equals lit ignoring ASCII case; lit is lower case. */
bool parse_ieq(const char *s, size_t n, const char *lit);
/* True when s[0..n) holds a control byte (C0 other than HTAB, or DEL). */
bool parse_has_ctl(const char *s, size_t n);
/* Index of the first byte after optional whitespace (SP, HTAB) from i. */
size_t parse_skip_ows(const char *s, size_t n, size_t i);

/* One "name=value" parameter of a header value; value is unquoted, in the
 * arena and NUL-terminated. name points into the input. */
struct parse_param {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
};

/* Reads the next `OWS ";" OWS name=value` (RFC 9110 parameters; empty ones
 * are skipped) from s[*i..n). Returns 1 with *out filled and *i moved past
 * it, 0 at the end of the input, -1 when malformed (*i at the offending
 * byte). Quoted-strings may hold bytes >= 0x80; callers check UTF-8. */
int parse_param_next(const char *s, size_t n, size_t *i, struct arena *a,
		     struct parse_param *out);

/* name shortened to fit buf at a UTF-8 boundary, control bytes replaced by
 * '?', so an error detail never carries broken UTF-8 or a line break.
 * name must be valid UTF-8. Returns buf. */
const char *parse_detail_name(char *buf, size_t size, const char *name);

#endif

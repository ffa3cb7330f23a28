/* SPDX-License-Identifier: Apache-2.0 */
/* Parsers for the parts of an HTTP request brug reads: query strings and
 * urlencoded forms, multipart/form-data, Cookie headers, Content-Type and
 * Accept-Language. They work on plain byte buffers, with no libmicrohttpd
 * type in sight, so the same code serves the server, the in-process tests
 * and the fuzzers. Everything they return is allocated from the caller's
 * arena and is valid UTF-8 without NUL bytes; anything else is refused with
 * BRUG_EINVAL (and a message key and detail in err). Limits (field count,
 * name length) bound what hostile input can cost. Thread-safe: no state. */
#ifndef BRUG_HTTP_PARSE_H
#define BRUG_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/rc.h"
#include "util/arena.h"

#define PARSE_MAX_FIELDS 1000 /* fields in one query string, form or cookie header */
#define PARSE_MAX_NAME 256    /* bytes in one field name */

/* One name=value pair; value is NUL-terminated and may hold no NUL. */
struct kv {
	const char *name;
	const char *value;
	size_t value_len;
};

/* An ordered list of pairs, in the order they appeared; names may repeat. */
struct kvs {
	struct kv *v;
	size_t n;
	size_t cap;
};

/* Appends a pair (both strings copied into a). */
void kvs_add(struct kvs *l, struct arena *a, const char *name, const char *value, size_t value_len);
/* Appends a pair without copying: name and value must outlive the list
 * (string literals, or memory of the same arena). */
void kvs_add_ref(struct kvs *l, struct arena *a, const char *name, const char *value);
/* The first value for name, or NULL. */
const char *kvs_get(const struct kvs *l, const char *name);
/* How many pairs have this name. */
size_t kvs_count(const struct kvs *l, const char *name);

/* application/x-www-form-urlencoded and query strings: '&' separated
 * name=value pairs, '+' is a space, %XX decoded (a bad escape is an error);
 * empty pairs are skipped; a pair without '=' has an empty value. Appends to
 * out. */
int parse_urlencoded(const char *s, size_t n, struct arena *a, struct kvs *out,
		     struct brug_err *err);

/* A file part of a multipart body. data is not NUL-terminated text: it is
 * the raw bytes (not checked for UTF-8). */
struct upload {
	const char *field;
	const char *filename;     /* as sent, UTF-8; never a path */
	const char *content_type; /* "application/octet-stream" when absent */
	const char *data;
	size_t len;
};

struct uploads {
	struct upload *v;
	size_t n;
	size_t cap;
};

/* multipart/form-data (RFC 7578) with the given boundary. Parts without a
 * filename become fields (appended to fields, UTF-8 checked); parts with one
 * become uploads. Malformed framing is an error. */
int parse_multipart(const char *body, size_t n, const char *boundary, struct arena *a,
		    struct kvs *fields, struct uploads *files, struct brug_err *err);

/* A Cookie header (RFC 6265 cookie-string): "a=1; b=2". Quoted values are
 * unquoted; pairs without a name or with invalid bytes are skipped, not
 * errors, because browsers send what other sites set. */
int parse_cookies(const char *s, size_t n, struct arena *a, struct kvs *out);

/* A Content-Type value: the media type lower-cased without parameters
 * ("multipart/form-data"), and the charset and boundary parameters (NULL
 * when absent). */
struct content_type {
	const char *mime;
	const char *charset;
	const char *boundary;
};
int parse_content_type(const char *s, struct arena *a, struct content_type *out,
		       struct brug_err *err);

/* The best of the supported language codes (e.g. {"nl", "en"}) for an
 * Accept-Language header, honouring q-values and matching a primary subtag
 * ("en-GB" matches "en"); NULL when nothing matches or s is NULL. */
const char *parse_accept_language(const char *s, const char *const *supported, size_t n);

#endif

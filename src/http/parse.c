/* SPDX-License-Identifier: Apache-2.0 */
/* The result lists of the request parsers (struct kvs) and the pieces of
 * RFC 9110 grammar they share: tokens, quoted-strings, ";" parameters.
 *
 * Why hand-written: libmicrohttpd's own post processor and argument parsing
 * are bound to a live MHD connection, while brug must run the same parsing
 * in its in-process API tests and in libFuzzer targets over plain buffers.
 * So every parser here takes (pointer, length), keeps no state, allocates
 * only from the caller's arena, never reads past n and stays linear in the
 * input size. The parsers live in parse_form.c (urlencoded),
 * parse_multipart.c and parse_header.c (cookies, Content-Type,
 * Accept-Language). */
#include "http/parse.h"

#include <assert.h>
#include <string.h>

#include "http/parse_internal.h"

#define KVS_MIN_CAP 8

void kvs_push(struct kvs *l, struct arena *a, const char *name, const char *value,
	      size_t value_len)
{
	if (l->n == l->cap) {
		/* Doubling keeps appends amortised O(1); the old array stays in
		 * the arena until the request ends. */
		size_t cap = l->cap ? l->cap * 2 : KVS_MIN_CAP;
		struct kv *v = arena_alloc(a, cap * sizeof(*v));
		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (struct kv){.name = name, .value = value, .value_len = value_len};
}

void kvs_add(struct kvs *l, struct arena *a, const char *name, const char *value, size_t value_len)
{
	assert(l && a && name);
	if (!value)
		value_len = 0;
	kvs_push(l, a, arena_strdup(a, name), arena_strndup(a, value ? value : "", value_len),
		 value_len);
}

void kvs_add_ref(struct kvs *l, struct arena *a, const char *name, const char *value)
{
	kvs_push(l, a, name, value, strlen(value));
}

const char *kvs_get(const struct kvs *l, const char *name)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return l->v[i].value;
	return NULL;
}

size_t kvs_count(const struct kvs *l, const char *name)
{
	size_t count = 0;
	for (size_t i = 0; l && i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			count++;
	return count;
}

bool parse_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

int parse_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char parse_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool parse_ieq(const char *s, size_t n, const char *lit)
{
	size_t i = 0;
	for (; i < n; i++)
		if (lit[i] == '\0' || parse_lower(s[i]) != lit[i])
			return false;
	return lit[i] == '\0';
}

bool parse_has_ctl(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7F)
			return true;
	}
	return false;
}

size_t parse_skip_ows(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

static bool qdtext(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != '"' && c != '\\' && c != 0x7F);
}

/* A quoted-string starting at s[*i] == '"'. Measured first and copied
 * second, so a value costs its own length and not the rest of the input. */
static int quoted_string(const char *s, size_t n, size_t *i, struct arena *a,
			 struct parse_param *out)
{
	size_t j = *i + 1, len = 0;
	for (;; len++) {
		if (j >= n)
			return -1;
		unsigned char c = (unsigned char)s[j];
		if (c == '"')
			break;
		if (c == '\\') {
			unsigned char e = j + 1 < n ? (unsigned char)s[j + 1] : 0;
			/* quoted-pair: HTAB, SP, VCHAR or obs-text */
			if (!qdtext(e) && e != '"' && e != '\\') {
				*i = j;
				return -1;
			}
			j += 2;
		} else if (qdtext(c)) {
			j++;
		} else {
			*i = j;
			return -1;
		}
	}
	char *v = arena_alloc(a, len + 1);
	size_t k = 0;
	for (size_t p = *i + 1; p < j; p++) {
		if (s[p] == '\\')
			p++;
		v[k++] = s[p];
	}
	v[k] = '\0';
	out->value = v;
	out->value_len = k;
	*i = j + 1;
	return 1;
}

int parse_param_next(const char *s, size_t n, size_t *i, struct arena *a,
		     struct parse_param *out)
{
	size_t j = parse_skip_ows(s, n, *i);
	for (;;) {
		if (j == n) {
			*i = j;
			return 0;
		}
		if (s[j] != ';')
			goto bad;
		j = parse_skip_ows(s, n, j + 1);
		if (j < n && s[j] != ';')
			break;
	}
	size_t name = j;
	while (j < n && parse_tchar((unsigned char)s[j]))
		j++;
	if (j == name || j == n || s[j] != '=')
		goto bad;
	out->name = s + name;
	out->name_len = j - name;
	j++;
	if (j < n && s[j] == '"') {
		*i = j;
		return quoted_string(s, n, i, a, out);
	}
	size_t value = j;
	while (j < n && parse_tchar((unsigned char)s[j]))
		j++;
	if (j == value)
		goto bad;
	out->value = arena_strndup(a, s + value, j - value);
	out->value_len = j - value;
	*i = j;
	return 1;
bad:
	*i = j;
	return -1;
}

const char *parse_detail_name(char *buf, size_t size, const char *name)
{
	assert(size > 0);
	size_t n = strlen(name);
	if (n > size - 1) {
		n = size - 1;
		/* back off to the start of a code point */
		while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80)
			n--;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		buf[i] = c < 0x20 || c == 0x7F ? '?' : (char)c;
	}
	buf[n] = '\0';
	return buf;
}

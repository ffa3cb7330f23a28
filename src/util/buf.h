/* SPDX-License-Identifier: Apache-2.0 */
/* struct buf: a growing, always NUL-terminated byte string with a hard cap.
 * Modelled on curl's dynbuf: an append that would pass the cap frees the
 * buffer and fails with BRUG_ETOOBIG, and every later append fails too, so
 * a caller can append many times and check once. Not thread-safe (one
 * owner). */
#ifndef BRUG_UTIL_BUF_H
#define BRUG_UTIL_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *p;
	size_t len;
	size_t cap;
	size_t max;  /* largest len allowed */
	bool failed; /* an append passed max; the contents are gone */
};

#define BUF_MAX_DEFAULT ((size_t)64 << 20)

/* Prepares an empty buffer that may hold at most max bytes (0: the default). */
void buf_init(struct buf *b, size_t max);
/* Frees the contents; the buffer may be used again. NULL is fine. */
void buf_cleanup(struct buf *b);
/* Empties the buffer but keeps its memory and clears a failure. */
void buf_reset(struct buf *b);

/* Appends; 0 on success, BRUG_ETOOBIG when max would be passed. */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addc_slow(struct buf *b, char c);
/* Appends one byte; inline, because writers append byte by byte. */
static inline int buf_addc(struct buf *b, char c)
{
	if (b->len + 1 < b->cap && b->len < b->max) {
		b->p[b->len++] = c;
		b->p[b->len] = '\0';
		return 0;
	}
	return buf_addc_slow(b, c);
}
/* Appends a signed integer in decimal, without printf. */
int buf_add_int(struct buf *b, long long v);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Appends s with &, <, >, ", ' and ` replaced by HTML entities. */
int buf_add_html(struct buf *b, const char *s, size_t n);

/* The contents, NUL-terminated; "" for an empty buffer. Owned by b. */
const char *buf_str(const struct buf *b);
/* Hands the contents (NUL-terminated, never NULL) to the caller, who frees
 * them; the buffer is left empty. */
char *buf_take(struct buf *b, size_t *len);

#endif

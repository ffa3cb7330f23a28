/* SPDX-License-Identifier: Apache-2.0 */
/* The one place where running out of memory is handled: by aborting with a
 * message. Every allocation in brug (and jansson's, see jx_init) goes through
 * here, so no caller checks for NULL. Thread-safe. */
#ifndef BRUG_UTIL_XMALLOC_H
#define BRUG_UTIL_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Copies of s (NUL-terminated) and of the first n bytes of s; the caller frees. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Frees *pp and sets it to NULL. */
void xfreep(void *pp);

#endif

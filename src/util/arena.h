/* SPDX-License-Identifier: Apache-2.0 */
/* A bump allocator for memory that lives exactly as long as one request (or
 * one command): many small allocations, one free. Not thread-safe; each
 * request owns its own arena. */
#ifndef BRUG_UTIL_ARENA_H
#define BRUG_UTIL_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t total; /* bytes handed out, for limits and metrics */
};

void arena_init(struct arena *a);
/* Frees every block; the arena may be used again. NULL is fine. */
void arena_cleanup(struct arena *a);

/* n bytes aligned for any type, valid until arena_cleanup. Never NULL. */
void *arena_alloc(struct arena *a, size_t n);
void *arena_zalloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Arena blocks grow geometrically from 4 KiB to 1 MiB; a request larger than
 * a block gets a block of its own, so a big body does not waste a big
 * block's tail. */
#include "util/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

struct arena_block {
	struct arena_block *next;
	size_t used;
	size_t size;
	alignas(max_align_t) unsigned char data[];
};

#define ARENA_MIN 4096u
#define ARENA_MAX (1u << 20)

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->total = 0;
}

void arena_cleanup(struct arena *a)
{
	if (!a)
		return;
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->total = 0;
}

void *arena_alloc(struct arena *a, size_t n)
{
	const size_t align = alignof(max_align_t);
	/* Rounding such an n up would wrap to a tiny size and hand out a
	 * block far smaller than asked for; no such block can exist, so it
	 * fails the way every allocation does: in xmalloc, with an abort. */
	if (n > SIZE_MAX - sizeof(struct arena_block) - align)
		return xmalloc(SIZE_MAX);
	n = (n + align - 1) & ~(align - 1);
	struct arena_block *b = a->head;
	if (!b || b->size - b->used < n) {
		size_t size = b ? b->size * 2 : ARENA_MIN;
		if (size > ARENA_MAX)
			size = ARENA_MAX;
		if (size < n)
			size = n;
		struct arena_block *nb = xmalloc(sizeof(*nb) + size);
		nb->used = 0;
		nb->size = size;
		if (b && size == n && b->size - b->used >= align) {
			/* An oversized block goes behind the current one, whose
			 * free tail stays usable. */
			nb->next = b->next;
			b->next = nb;
			nb->used = n;
			a->total += n;
			return nb->data;
		}
		nb->next = b;
		a->head = b = nb;
	}
	void *p = b->data + b->used;
	b->used += n;
	a->total += n;
	return p;
}

void *arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	/* most strings are short: format once into the stack, copy once */
	char small[256];
	va_list ap, cp;
	va_start(ap, fmt);
	va_copy(cp, ap);
	int n = vsnprintf(small, sizeof(small), fmt, cp);
	va_end(cp);
	if (n < 0)
		n = 0;
	char *p;
	if ((size_t)n < sizeof(small)) {
		p = arena_strndup(a, small, (size_t)n);
	} else {
		p = arena_alloc(a, (size_t)n + 1);
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	}
	va_end(ap);
	return p;
}

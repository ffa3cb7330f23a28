/* SPDX-License-Identifier: Apache-2.0 */
/* A small table from strings to integers for the import: the duplicate
 * keys of a batch, the relations the database holds for them, the tags
 * made so far. Open addressing on a 64-bit FNV-1a hash; keys are copied
 * into the table's arena and compared in full. */
#include <stdlib.h>
#include <string.h>

#include "domain/import_impl.h"
#include "util/xmalloc.h"

struct import_key {
	uint64_t h;
	const char *k; /* NULL: free slot */
	int64_t v;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

void import_keys_init(struct import_keys *k)
{
	memset(k, 0, sizeof(*k));
	arena_init(&k->arena);
}

void import_keys_cleanup(struct import_keys *k)
{
	if (!k)
		return;
	free(k->e);
	arena_cleanup(&k->arena);
	memset(k, 0, sizeof(*k));
}

void import_keys_clear(struct import_keys *k)
{
	if (k->e)
		memset(k->e, 0, k->cap * sizeof(*k->e));
	k->n = 0;
	arena_cleanup(&k->arena);
	arena_init(&k->arena);
}

/* The slot of key, or of the free slot where it would go. */
static struct import_key *slot(const struct import_keys *k, const char *key, uint64_t h)
{
	size_t mask = k->cap - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct import_key *e = &k->e[i];
		if (!e->k || (e->h == h && !strcmp(e->k, key)))
			return e;
	}
}

static void grow(struct import_keys *k)
{
	size_t old = k->cap;
	struct import_key *e = k->e;
	k->cap = old ? old * 2 : 1024;
	k->e = xcalloc(k->cap, sizeof(*k->e));
	for (size_t i = 0; i < old; i++)
		if (e[i].k)
			*slot(k, e[i].k, e[i].h) = e[i];
	free(e);
}

bool import_keys_get(const struct import_keys *k, const char *key, int64_t *v)
{
	if (!k->cap)
		return false;
	const struct import_key *e = slot(k, key, hash(key));
	if (!e->k)
		return false;
	*v = e->v;
	return true;
}

bool import_keys_put(struct import_keys *k, const char *key, int64_t v)
{
	if ((k->n + 1) * 4 > k->cap * 3)
		grow(k);
	uint64_t h = hash(key);
	struct import_key *e = slot(k, key, h);
	if (e->k)
		return false;
	e->h = h;
	e->k = arena_strdup(&k->arena, key);
	e->v = v;
	k->n++;
	return true;
}

void import_keys_min(struct import_keys *k, const char *key, int64_t v)
{
	if (import_keys_put(k, key, v))
		return;
	struct import_key *e = slot(k, key, hash(key));
	if (v < e->v)
		e->v = v;
}

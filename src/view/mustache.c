/* SPDX-License-Identifier: Apache-2.0 */
/* The template set and the public entry points of mustache.h. A set maps
 * names to compiled trees (or to "missing", or to a syntax error), filled on
 * first use under a write lock and read under a read lock; an entry never
 * changes or moves once made, so renders hold no lock while they run.
 * Hand-written because no maintained C mustache library in Debian renders
 * jansson data and passes the spec including inheritance; the parser is in
 * mustache_parse.c, the renderer in mustache_render.c. */
#include "view/mustache.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "util/embedded.h"
#include "util/xmalloc.h"
#include "view/mustache_impl.h"

struct mentry {
	struct mentry *next;
	char *name;
	uint64_t hash;
	int rc;                 /* 0, BRUG_ENOTFOUND, or the parse error */
	struct brug_err failed; /* the parse error */
	struct mtmpl t;
};

struct mustache_set {
	mustache_load_fn load;
	void *ud;
	pthread_rwlock_t lock;
	struct mentry **tab;
	size_t size; /* a power of two */
	size_t count;
};

static uint64_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static char *load_embedded(void *ud, const char *name, size_t *len)
{
	(void)ud;
	char path[256];
	snprintf(path, sizeof(path), "templates/%s.mustache", name);
	const struct embedded_file *f = embedded_find(path);
	if (!f)
		return NULL;
	*len = f->len;
	return xstrndup((const char *)f->data, f->len);
}

struct mustache_set *mustache_set_embedded(void)
{
	return mustache_set_new(load_embedded, NULL);
}

struct mustache_set *mustache_set_new(mustache_load_fn load, void *ud)
{
	struct mustache_set *set = xcalloc(1, sizeof(*set));
	set->load = load;
	set->ud = ud;
	set->size = 64;
	set->tab = xcalloc(set->size, sizeof(*set->tab));
	pthread_rwlock_init(&set->lock, NULL);
	return set;
}

void mustache_set_free(struct mustache_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->size; i++) {
		struct mentry *e = set->tab[i], *next;
		for (; e; e = next) {
			next = e->next;
			mustache_tree_cleanup(&e->t);
			free(e->name);
			free(e);
		}
	}
	free(set->tab);
	pthread_rwlock_destroy(&set->lock);
	free(set);
}

static struct mentry *entry_find(const struct mustache_set *set, const char *name, uint64_t h)
{
	struct mentry *e = set->tab[h & (set->size - 1)];
	while (e && (e->hash != h || strcmp(e->name, name) != 0))
		e = e->next;
	return e;
}

static void entry_insert(struct mustache_set *set, struct mentry *e)
{
	if (set->count >= set->size) {
		size_t size = set->size * 2;
		struct mentry **tab = xcalloc(size, sizeof(*tab));
		for (size_t i = 0; i < set->size; i++) {
			struct mentry *x = set->tab[i], *next;
			for (; x; x = next) {
				next = x->next;
				x->next = tab[x->hash & (size - 1)];
				tab[x->hash & (size - 1)] = x;
			}
		}
		free(set->tab);
		set->tab = tab;
		set->size = size;
	}
	e->next = set->tab[e->hash & (set->size - 1)];
	set->tab[e->hash & (set->size - 1)] = e;
	set->count++;
}

/* Loads and compiles name; called with the write lock held. */
static struct mentry *entry_compile(struct mustache_set *set, const char *name, uint64_t h)
{
	struct mentry *e = xcalloc(1, sizeof(*e));
	size_t len = 0;
	char *src = set->load ? set->load(set->ud, name, &len) : NULL;
	e->name = xstrdup(name);
	e->hash = h;
	if (src)
		e->rc = mustache_parse(name, src, len, &e->t, &e->failed);
	else
		e->rc = BRUG_ENOTFOUND;
	free(src);
	entry_insert(set, e);
	return e;
}

int mustache_set_find(struct mustache_set *set, const char *name, const struct mtmpl **t,
		      struct brug_err *err)
{
	*t = NULL;
	if (!set)
		return 0;
	uint64_t h = hash_name(name);
	pthread_rwlock_rdlock(&set->lock);
	struct mentry *e = entry_find(set, name, h);
	pthread_rwlock_unlock(&set->lock);
	if (!e) {
		pthread_rwlock_wrlock(&set->lock);
		e = entry_find(set, name, h);
		if (!e)
			e = entry_compile(set, name, h);
		pthread_rwlock_unlock(&set->lock);
	}
	if (e->rc == BRUG_ENOTFOUND)
		return 0;
	if (e->rc && err)
		*err = e->failed;
	if (!e->rc)
		*t = &e->t;
	return e->rc;
}

static int find_named(struct mustache_set *set, const char *name, const struct mtmpl **t,
		      struct brug_err *err)
{
	int rc = mustache_set_find(set, name, t, err);
	if (!rc && !*t)
		rc = brug_failf(err, BRUG_ENOTFOUND, "error.template", NULL,
				"template %.60s not found", name);
	return rc;
}

int mustache_check(struct mustache_set *set, const char *name, struct brug_err *err)
{
	const struct mtmpl *t;
	return find_named(set, name, &t, err);
}

int mustache_render(struct mustache_set *set, const char *name, json_t *const *ctx, size_t n,
		    struct buf *out, struct brug_err *err)
{
	const struct mtmpl *t;
	int rc = find_named(set, name, &t, err);
	if (!rc)
		rc = mustache_render_tree(set, name, t, ctx, n, out, err);
	return rc;
}

int mustache_render_string(struct mustache_set *set, const char *src, size_t len,
			   json_t *const *ctx, size_t n, struct buf *out, struct brug_err *err)
{
	struct mtmpl t = {0};
	int rc = mustache_parse("(string)", src, len, &t, err);
	if (rc)
		goto out;
	rc = mustache_render_tree(set, "(string)", &t, ctx, n, out, err);
out:
	mustache_tree_cleanup(&t);
	return rc;
}

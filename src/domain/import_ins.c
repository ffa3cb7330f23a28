/* SPDX-License-Identifier: Apache-2.0 */
/* Multi-row INSERTs for the import: rows gathered until the next would
 * pass DB_ARGS_MAX arguments, then written in one statement (ids handed
 * back in row order for a RETURNING insert); and the search terms of an
 * object, made as domain/search.c makes them, for such an insert. */
#include <stdlib.h>
#include <string.h>

#include "domain/import_impl.h"
#include "util/buf.h"
#include "util/textfold.h"
#include "util/xmalloc.h"

void import_ins_init(struct import_ins *s, struct db *db, const char *head, const char *tail,
		     size_t ncol)
{
	memset(s, 0, sizeof(*s));
	s->db = db;
	s->head = head;
	s->tail = tail;
	s->ncol = ncol;
	arena_init(&s->copies);
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The ids of a RETURNING insert are sorted: both backends number the rows
 * of one INSERT ... VALUES in their order (an identity column draws from
 * its sequence row by row; SQLite's rowid only grows inside a write
 * transaction), while neither promises the order RETURNING hands them
 * back in. */
int import_ins_flush(struct import_ins *s)
{
	if (s->rc || !s->rows)
		return s->rc;
	struct buf sql;
	buf_init(&sql, 0);
	buf_adds(&sql, s->head);
	for (size_t i = 0; i < s->rows; i++) {
		buf_adds(&sql, i ? ", (" : " (");
		for (size_t c = 0; c < s->ncol; c++)
			buf_adds(&sql, c ? ", ?" : "?");
		buf_addc(&sql, ')');
	}
	buf_adds(&sql, s->tail);
	if (!*s->tail) {
		s->rc = db_exec(s->db, buf_str(&sql), s->args, s->rows * s->ncol);
	} else {
		struct db_rows *r = NULL;
		size_t first = s->nids;
		s->ids = xrealloc(s->ids, (s->nids + s->rows) * sizeof(int64_t));
		s->rc = db_query(s->db, &r, buf_str(&sql), s->args, s->rows * s->ncol);
		int more = 0;
		while (!s->rc && s->nids < first + s->rows && (more = db_next(r)) == 1)
			s->ids[s->nids++] = db_int(r, 0);
		if (!s->rc && more < 0)
			s->rc = more;
		db_rows_free(r);
		if (!s->rc && s->nids != first + s->rows)
			s->rc = BRUG_EDB;
		if (!s->rc)
			qsort(s->ids + first, s->rows, sizeof(int64_t), cmp_id);
	}
	buf_cleanup(&sql);
	s->rows = 0;
	arena_cleanup(&s->copies);
	arena_init(&s->copies);
	return s->rc;
}

int import_ins_row(struct import_ins *s, const struct db_arg *row)
{
	if (s->rc)
		return s->rc;
	memcpy(&s->args[s->rows * s->ncol], row, s->ncol * sizeof(*row));
	s->rows++;
	/* flushed as soon as the next row would not fit, so the text a caller
	 * copies with import_ins_text for its next row outlives that row */
	if ((s->rows + 1) * s->ncol > DB_ARGS_MAX)
		return import_ins_flush(s);
	return 0;
}

const char *import_ins_text(struct import_ins *s, const char *t)
{
	return arena_strdup(&s->copies, t);
}

int import_ins_done(struct import_ins *s)
{
	int rc = import_ins_flush(s);
	arena_cleanup(&s->copies);
	free(s->ids);
	s->ids = NULL;
	return rc;
}

void import_terms_add(struct import_terms *t, const char *text)
{
	if (!text || !*text)
		return;
	struct textfold_terms *f = textfold_terms(text, strlen(text));
	if (t->nheld == t->capheld) {
		t->capheld = t->capheld ? 2 * t->capheld : 16;
		t->held = xrealloc(t->held, t->capheld * sizeof(*t->held));
	}
	t->held[t->nheld++] = f;
	for (size_t i = 0; f && i < f->n; i++) {
		if (t->n == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 64;
			t->v = xrealloc(t->v, t->cap * sizeof(char *));
		}
		t->v[t->n++] = f->v[i];
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void import_terms_collect(struct import_sink *k, int64_t id, struct import_terms *t)
{
	if (t->n)
		qsort(t->v, t->n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < t->n; i++) {
		if (i && !strcmp(t->v[i], t->v[i - 1]))
			continue;
		if (k->n == k->cap) {
			k->cap = k->cap ? 2 * k->cap : 4096;
			k->v = xrealloc(k->v, k->cap * sizeof(*k->v));
		}
		k->v[k->n].term = arena_strdup(&k->strings, t->v[i]);
		k->v[k->n++].id = id;
	}
	for (size_t i = 0; i < t->nheld; i++)
		textfold_terms_free(t->held[i]);
	t->n = t->nheld = 0;
}

static int cmp_pair(const void *a, const void *b)
{
	const struct import_pair *x = a, *y = b;
	int c = strcmp(x->term, y->term);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

int import_sink_flush(struct db *db, int64_t org, struct import_sink *k)
{
	/* in the order of the index they go into: each insert lands next to
	 * the one before, which B-trees do several times faster than at
	 * random places */
	if (!k->n)
		return 0;
	qsort(k->v, k->n, sizeof(*k->v), cmp_pair);
	struct import_ins s;
	import_ins_init(&s, db, "INSERT INTO search_terms (org_id, term, object_kind, object_id) VALUES",
			"", 4);
	for (size_t i = 0; i < k->n; i++)
		import_ins_row(&s, (struct db_arg[]){DB_I(org), DB_T(k->v[i].term), DB_T(k->kind),
						     DB_I(k->v[i].id)});
	int rc = import_ins_done(&s);
	k->n = 0;
	arena_cleanup(&k->strings);
	arena_init(&k->strings);
	return rc;
}

void import_sink_init(struct import_sink *k, const char *kind)
{
	memset(k, 0, sizeof(*k));
	k->kind = kind;
	arena_init(&k->strings);
}

void import_sink_cleanup(struct import_sink *k)
{
	free(k->v);
	arena_cleanup(&k->strings);
	memset(k, 0, sizeof(*k));
}

void import_terms_cleanup(struct import_terms *t)
{
	for (size_t i = 0; i < t->nheld; i++)
		textfold_terms_free(t->held[i]);
	free(t->v);
	free(t->held);
	memset(t, 0, sizeof(*t));
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Writing the search index (see search.h): the terms of a range of objects
 * made from their texts, compared with what search_terms holds for them,
 * and only the difference written, with the document frequencies of
 * exactly the terms that changed. One object is the range [id, id]; an
 * import of a hundred thousand relations is a few ranges of a few thousand,
 * each read with three statements and written with multi-row statements in
 * the order of the index. The backlog (search_backlog) holds ranges still
 * to do, for imports too large to index in their own transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/search.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/textfold.h"
#include "util/xmalloc.h"

/* Rows per multi-row statement: 4 arguments a row, within DB_ARGS_MAX. */
#define ROWS_PER_STMT (DB_ARGS_MAX / 4)
/* Terms per DELETE ... IN: padded to 1, 4, 16 or 64 (few SQL texts). */
#define DROP_BATCH 64

/* One index entry: a term of an object. */
struct pair {
	const char *term;
	int64_t id;
};

struct pairs {
	struct pair *v;
	size_t n, cap;
};

static void pairs_push(struct pairs *p, const char *term, int64_t id)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 256;
		p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	p->v[p->n++] = (struct pair){term, id};
}

/* strcmp orders UTF-8 as memcmp does: byte order, as the index does. */
static int by_id_term(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return strcmp(x->term, y->term);
}

static int by_term_id(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	int c = strcmp(x->term, y->term);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* Sorts by (id, term) and removes repeats. */
static void pairs_unique(struct pairs *p)
{
	if (p->n > 1)
		qsort(p->v, p->n, sizeof(*p->v), by_id_term);
	size_t w = 0;
	for (size_t i = 0; i < p->n; i++)
		if (!w || by_id_term(&p->v[w - 1], &p->v[i]))
			p->v[w++] = p->v[i];
	p->n = w;
}

/* The statements that read the texts of a kind's objects in a range: each
 * row is the object's id, then texts. */
static const char *const relation_texts[] = {
	"SELECT id, name, job_title, notes FROM relations WHERE org_id = ? AND id BETWEEN ? AND ?"
	" AND erased_at IS NULL",
	"SELECT relation_id, value, city FROM contact_points WHERE org_id = ?"
	" AND relation_id BETWEEN ? AND ?",
	"SELECT rt.relation_id, t.name FROM relation_tags rt JOIN tags t ON t.org_id = rt.org_id"
	" AND t.id = rt.tag_id WHERE rt.org_id = ? AND rt.relation_id BETWEEN ? AND ?",
	NULL,
};
static const char *const interaction_texts[] = {
	"SELECT id, subject, summary FROM interactions WHERE org_id = ? AND id BETWEEN ? AND ?",
	NULL,
};

/* The terms the objects' texts give now, into out (strings in a). */
static int terms_now(struct db *db, int64_t org, const char *kind, int64_t first, int64_t last,
		     struct arena *a, struct pairs *out)
{
	const char *const *sqls = !strcmp(kind, "relation") ? relation_texts : interaction_texts;
	int rc = 0;
	for (size_t s = 0; !rc && sqls[s]; s++) {
		struct db_rows *r = NULL;
		rc = db_query(db, &r, sqls[s], DB_ARGS(DB_I(org), DB_I(first), DB_I(last)));
		int more = 0;
		while (!rc && (more = db_next(r)) == 1) {
			int64_t id = db_int(r, 0);
			for (int c = 1; c < db_columns(r); c++) {
				const char *text = db_null(r, c) ? NULL : db_text(r, c);
				if (!text || !*text)
					continue;
				struct textfold_terms *t = textfold_terms(text, strlen(text));
				for (size_t i = 0; t && i < t->n; i++)
					pairs_push(out, arena_strdup(a, t->v[i]), id);
				textfold_terms_free(t);
			}
		}
		if (!rc && more < 0)
			rc = more;
		db_rows_free(r);
	}
	return rc;
}

/* The entries search_terms holds for the objects of the range. */
static int terms_stored(struct db *db, int64_t org, const char *kind, int64_t first, int64_t last,
			struct arena *a, struct pairs *out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT object_id, term FROM search_terms WHERE org_id = ?"
			  " AND object_kind = ? AND object_id BETWEEN ? AND ?",
			  DB_ARGS(DB_I(org), DB_T(kind), DB_I(first), DB_I(last)));
	int more = 0;
	while (!rc && (more = db_next(r)) == 1)
		pairs_push(out, arena_strdup(a, db_text(r, 1)), db_int(r, 0));
	if (!rc && more < 0)
		rc = more;
	db_rows_free(r);
	return rc;
}

/* A change of one term's document frequency. */
struct delta {
	const char *term;
	int64_t by;
};

static int by_delta_term(const void *a, const void *b)
{
	return strcmp(((const struct delta *)a)->term, ((const struct delta *)b)->term);
}

/* Changes the df of the terms added (+1 per object) and dropped (-1), one
 * row per term, in byte order of term, so two writers never wait for each
 * other in a circle; then removes the rows no object needs any more. */
static int vocab_change(struct db *db, int64_t org, const char *kind, const struct pairs *add,
			const struct pairs *drop)
{
	size_t n = add->n + drop->n, m = 0;
	if (!n)
		return 0;
	struct delta *d = xmalloc(n * sizeof(*d));
	for (size_t i = 0; i < add->n; i++)
		d[m++] = (struct delta){add->v[i].term, 1};
	for (size_t i = 0; i < drop->n; i++)
		d[m++] = (struct delta){drop->v[i].term, -1};
	qsort(d, n, sizeof(*d), by_delta_term);
	m = 0;
	bool falls = false;
	for (size_t i = 0; i < n; i++) {
		if (m && !strcmp(d[m - 1].term, d[i].term))
			d[m - 1].by += d[i].by;
		else
			d[m++] = d[i];
	}
	struct db_arg args[ROWS_PER_STMT * 4];
	struct buf sql;
	buf_init(&sql, 0);
	int rc = 0;
	for (size_t at = 0; !rc && at < m;) {
		size_t k = 0;
		buf_reset(&sql);
		buf_adds(&sql, "INSERT INTO search_vocab (org_id, object_kind, term, df) VALUES");
		for (; at < m && k < ROWS_PER_STMT; at++) {
			if (!d[at].by)
				continue;
			falls |= d[at].by < 0;
			buf_adds(&sql, k ? ", (?, ?, ?, ?)" : " (?, ?, ?, ?)");
			args[k * 4] = DB_I(org);
			args[k * 4 + 1] = DB_T(kind);
			args[k * 4 + 2] = DB_T(d[at].term);
			args[k * 4 + 3] = DB_I(d[at].by);
			k++;
		}
		buf_adds(&sql, " ON CONFLICT (org_id, object_kind, term)"
			       " DO UPDATE SET df = search_vocab.df + excluded.df");
		if (k)
			rc = db_exec(db, buf_str(&sql), args, k * 4);
	}
	/* the terms whose df fell: their rows go when it reached 0 */
	for (size_t at = 0; !rc && falls && at < m;) {
		size_t k = 0;
		args[k++] = DB_I(org);
		args[k++] = DB_T(kind);
		buf_reset(&sql);
		buf_adds(&sql, "DELETE FROM search_vocab WHERE org_id = ? AND object_kind = ?"
			       " AND df <= 0 AND term IN (");
		size_t terms = 0;
		for (; at < m && terms < DROP_BATCH; at++) {
			if (d[at].by >= 0)
				continue;
			buf_adds(&sql, terms++ ? ", ?" : "?");
			args[k++] = DB_T(d[at].term);
		}
		buf_addc(&sql, ')');
		if (terms)
			rc = db_exec(db, buf_str(&sql), args, k);
	}
	buf_cleanup(&sql);
	free(d);
	return rc;
}

/* Deletes the entries of drop (sorted by id, term): one statement per
 * object and batch of its terms. */
static int drop_entries(struct db *db, int64_t org, const char *kind, const struct pairs *drop)
{
	struct db_arg args[3 + DROP_BATCH];
	struct buf sql;
	buf_init(&sql, 0);
	int rc = 0;
	for (size_t at = 0; !rc && at < drop->n;) {
		size_t k = 0, terms = 0;
		args[k++] = DB_I(org);
		args[k++] = DB_T(kind);
		args[k++] = DB_I(drop->v[at].id);
		buf_reset(&sql);
		buf_adds(&sql, "DELETE FROM search_terms WHERE org_id = ? AND object_kind = ?"
			       " AND object_id = ? AND term IN (");
		for (int64_t id = drop->v[at].id; at < drop->n && drop->v[at].id == id && terms < DROP_BATCH;
		     at++) {
			buf_adds(&sql, terms++ ? ", ?" : "?");
			args[k++] = DB_T(drop->v[at].term);
		}
		buf_addc(&sql, ')');
		rc = db_exec(db, buf_str(&sql), args, k);
	}
	buf_cleanup(&sql);
	return rc;
}

/* Inserts the entries of add in the order of the primary key, so each
 * lands next to the one before (B-trees do that several times faster than
 * at random places). */
static int insert_entries(struct db *db, int64_t org, const char *kind, struct pairs *add)
{
	if (add->n > 1)
		qsort(add->v, add->n, sizeof(*add->v), by_term_id);
	struct db_arg args[ROWS_PER_STMT * 4];
	struct buf sql;
	buf_init(&sql, 0);
	int rc = 0;
	for (size_t at = 0; !rc && at < add->n; at += ROWS_PER_STMT) {
		size_t n = add->n - at < ROWS_PER_STMT ? add->n - at : ROWS_PER_STMT;
		buf_reset(&sql);
		buf_adds(&sql, "INSERT INTO search_terms (org_id, term, object_kind, object_id) VALUES");
		for (size_t i = 0; i < n; i++) {
			buf_adds(&sql, i ? ", (?, ?, ?, ?)" : " (?, ?, ?, ?)");
			args[i * 4] = DB_I(org);
			args[i * 4 + 1] = DB_T(add->v[at + i].term);
			args[i * 4 + 2] = DB_T(kind);
			args[i * 4 + 3] = DB_I(add->v[at + i].id);
		}
		rc = db_exec(db, buf_str(&sql), args, n * 4);
	}
	buf_cleanup(&sql);
	return rc;
}

/* Makes the entries of the objects in [first, last] their terms now (none
 * when forget): writes only the difference to what is stored. */
static int reindex(struct db *db, int64_t org, const char *kind, int64_t first, int64_t last,
		   bool forget, size_t *objects)
{
	struct arena a;
	arena_init(&a);
	struct pairs now = {0}, old = {0}, add = {0}, drop = {0};
	int rc = forget ? 0 : terms_now(db, org, kind, first, last, &a, &now);
	if (!rc)
		rc = terms_stored(db, org, kind, first, last, &a, &old);
	pairs_unique(&now);
	pairs_unique(&old);
	size_t i = 0, j = 0, seen = 0;
	for (size_t k = 0; k < now.n; k++)
		seen += !k || now.v[k].id != now.v[k - 1].id;
	while (!rc && (i < now.n || j < old.n)) {
		int c = i == now.n ? 1 : j == old.n ? -1 : by_id_term(&now.v[i], &old.v[j]);
		if (c < 0)
			pairs_push(&add, now.v[i].term, now.v[i].id), i++;
		else if (c > 0)
			pairs_push(&drop, old.v[j].term, old.v[j].id), j++;
		else
			i++, j++;
	}
	if (!rc)
		rc = vocab_change(db, org, kind, &add, &drop);
	if (!rc)
		rc = drop_entries(db, org, kind, &drop);
	if (!rc)
		rc = insert_entries(db, org, kind, &add);
	if (objects)
		*objects = seen;
	free(now.v);
	free(old.v);
	free(add.v);
	free(drop.v);
	arena_cleanup(&a);
	return rc;
}

int search_index_range(struct db *db, int64_t org, const char *kind, int64_t first, int64_t last,
		       size_t *objects)
{
	return reindex(db, org, kind, first, last, false, objects);
}

int search_index_relation(struct db *db, int64_t org, int64_t id)
{
	return reindex(db, org, "relation", id, id, false, NULL);
}

int search_index_interaction(struct db *db, int64_t org, int64_t id)
{
	return reindex(db, org, "interaction", id, id, false, NULL);
}

int search_forget(struct db *db, int64_t org, const char *kind, int64_t id)
{
	return reindex(db, org, kind, id, id, true, NULL);
}

int search_vocab_rebuild(struct db *db, int64_t org)
{
	int rc = db_begin(db);
	if (!rc)
		rc = db_exec(db, "DELETE FROM search_vocab WHERE org_id = ?", DB_ARGS(DB_I(org)));
	if (!rc)
		rc = db_exec(db,
			     "INSERT INTO search_vocab (org_id, object_kind, term, df)"
			     " SELECT org_id, object_kind, term, COUNT(*) FROM search_terms"
			     " WHERE org_id = ? GROUP BY org_id, object_kind, term",
			     DB_ARGS(DB_I(org)));
	return db_finish(db, rc);
}

/* ---- the backlog ---------------------------------------------------------- */

int search_backlog_add(struct db *db, int64_t org, const char *kind, int64_t first, int64_t last)
{
	if (first > last)
		return 0;
	return db_exec(db,
		       "INSERT INTO search_backlog (org_id, object_kind, first_id, last_id, created_at)"
		       " VALUES (?, ?, ?, ?, ?)",
		       DB_ARGS(DB_I(org), DB_T(kind), DB_I(first), DB_I(last), DB_I(clock_now_ms())));
}

/* One step in a transaction of its own: the next SEARCH_BACKLOG_SPAN ids
 * of org's oldest backlog range. The range's row is written first, which
 * makes a second process doing the same wait for this one's commit (row
 * lock on PostgreSQL, the write lock on SQLite) and then read where this
 * one left off. *done: the backlog was empty. */
static int backlog_step(struct db *db, int64_t org, size_t *objects, bool *done)
{
	int rc = db_begin(db);
	struct db_rows *r = NULL;
	int64_t id = 0;
	if (!rc)
		rc = db_query(db, &r, "SELECT id FROM search_backlog WHERE org_id = ? ORDER BY id LIMIT 1",
			      DB_ARGS(DB_I(org)));
	int more = rc ? 0 : db_next(r);
	if (more == 1)
		id = db_int(r, 0);
	else if (more < 0)
		rc = more;
	db_rows_free(r);
	r = NULL;
	*done = !rc && !id;
	if (!rc && id)
		rc = db_exec(db, "UPDATE search_backlog SET first_id = first_id WHERE id = ?",
			     DB_ARGS(DB_I(id)));
	if (!rc && id)
		rc = db_query(db, &r,
			      "SELECT object_kind, first_id, last_id FROM search_backlog WHERE id = ?",
			      DB_ARGS(DB_I(id)));
	more = rc || !id ? 0 : db_next(r);
	if (more == 1) {
		char kind[32];
		snprintf(kind, sizeof(kind), "%s", db_text(r, 0));
		int64_t first = db_int(r, 1), last = db_int(r, 2);
		int64_t end = last - first >= SEARCH_BACKLOG_SPAN ? first + SEARCH_BACKLOG_SPAN - 1 : last;
		db_rows_free(r);
		r = NULL;
		rc = search_index_range(db, org, kind, first, end, objects);
		if (!rc && end == last)
			rc = db_exec(db, "DELETE FROM search_backlog WHERE id = ?", DB_ARGS(DB_I(id)));
		else if (!rc)
			rc = db_exec(db, "UPDATE search_backlog SET first_id = ? WHERE id = ?",
				     DB_ARGS(DB_I(end + 1), DB_I(id)));
	} else if (more < 0) {
		rc = more;
	}
	db_rows_free(r);
	return db_finish(db, rc);
}

int search_backlog_run(struct db *db, int64_t org, int64_t budget_ms, size_t *objects,
		       bool *left)
{
	int64_t until = clock_mono_ns() / 1000000 + budget_ms;
	bool done = false;
	int rc = 0;
	if (objects)
		*objects = 0;
	while (!rc && !done) {
		size_t n = 0;
		rc = backlog_step(db, org, &n, &done);
		if (objects)
			*objects += n;
		if (budget_ms >= 0 && clock_mono_ns() / 1000000 >= until)
			break;
	}
	if (!rc && left) {
		int64_t pending = 0;
		rc = search_backlog_pending(db, org, &pending);
		*left = pending > 0;
	}
	return rc;
}

int search_backlog_pending(struct db *db, int64_t org, int64_t *ids)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT COALESCE(SUM(last_id - first_id + 1), 0) FROM search_backlog"
			  " WHERE org_id = ?",
			  DB_ARGS(DB_I(org)));
	int more = rc ? 0 : db_next(r);
	*ids = more == 1 ? db_int(r, 0) : 0;
	if (!rc && more < 0)
		rc = more;
	db_rows_free(r);
	return rc;
}

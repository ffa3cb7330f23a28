/* SPDX-License-Identifier: Apache-2.0 */
/* The search index and its queries; see search.h. Terms come from
 * util/textfold (folding, words, stems, email and phone forms); matching
 * is plain equality or a byte-order prefix range on an indexed column, so
 * SQLite and PostgreSQL (COLLATE "C") return the same rows. search_vocab
 * (each term's document frequency) changes with search_terms, here and
 * nowhere else; search_plan.c decides how a query reads them. */
#include "domain/search.h"

#include <stdlib.h>
#include <string.h>

#include "domain/search_plan.h"
#include "util/buf.h"
#include "util/jx.h"
#include "util/textfold.h"
#include "util/xmalloc.h"

/* Adds the terms of text to set (an object used as a set). */
static void add_terms(json_t *set, const char *text)
{
	if (!text || !*text)
		return;
	struct textfold_terms *t = textfold_terms(text, strlen(text));
	for (size_t i = 0; t && i < t->n; i++)
		json_object_set_new(set, t->v[i], json_true());
	textfold_terms_free(t);
}

/* ---- writing the index --------------------------------------------------- */

/* Rows per INSERT: one round trip for many terms (PostgreSQL pays per
 * statement, not per row). */
#define STORE_BATCH 100
/* Terms per DELETE ... IN: padded to 1, 4, 16 or 64 (few SQL texts). */
#define DROP_BATCH 64

/* A sorted list of terms; owned strings when own. */
struct terms {
	char **v;
	size_t n;
	bool own;
};

static void terms_push(struct terms *t, const char *s)
{
	t->v = xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
	t->v[t->n++] = t->own ? xstrdup(s) : (char *)s;
}

static void terms_free(struct terms *t)
{
	for (size_t i = 0; t->own && i < t->n; i++)
		free(t->v[i]);
	free(t->v);
}

/* strcmp orders UTF-8 as memcmp does: byte order, as the index does. */
static int cmp_term(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The terms the index holds for one object, sorted. */
static int stored_terms(struct db *db, int64_t org, const char *kind, int64_t id,
			struct terms *out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT term FROM search_terms WHERE org_id = ? AND object_kind = ?"
			  " AND object_id = ?",
			  DB_ARGS(DB_I(org), DB_T(kind), DB_I(id)));
	int more = 0;
	while (!rc && (more = db_next(r)) == 1)
		terms_push(out, db_text(r, 0));
	if (!rc && more < 0)
		rc = more;
	db_rows_free(r);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_term);
	return rc;
}

static size_t pad_len(size_t n)
{
	size_t s = 1;
	while (s < n)
		s *= 4;
	return s;
}

/* Adds the terms of add to the object's index entries. */
static int insert_terms(struct db *db, int64_t org, const char *kind, int64_t id,
			const struct terms *add)
{
	struct db_arg args[STORE_BATCH * 4];
	struct buf sql;
	buf_init(&sql, 0);
	int rc = 0;
	for (size_t at = 0; !rc && at < add->n; at += STORE_BATCH) {
		size_t n = add->n - at < STORE_BATCH ? add->n - at : STORE_BATCH;
		buf_reset(&sql);
		buf_adds(&sql, "INSERT INTO search_terms (org_id, term, object_kind, object_id) VALUES");
		for (size_t i = 0; i < n; i++) {
			buf_adds(&sql, i ? ", (?, ?, ?, ?)" : " (?, ?, ?, ?)");
			args[i * 4] = DB_I(org);
			args[i * 4 + 1] = DB_T(add->v[at + i]);
			args[i * 4 + 2] = DB_T(kind);
			args[i * 4 + 3] = DB_I(id);
		}
		rc = db_exec(db, buf_str(&sql), args, n * 4);
	}
	buf_cleanup(&sql);
	return rc;
}

/* Changes the df of the terms of up (+1) and down (-1) in one statement per
 * batch, taking their rows in byte order of term (both lists are sorted and
 * disjoint), so two writers never wait for each other in a circle. */
static int vocab_change(struct db *db, int64_t org, const char *kind, const struct terms *up,
			const struct terms *down)
{
	struct db_arg args[STORE_BATCH * 4];
	struct buf sql;
	buf_init(&sql, 0);
	int rc = 0;
	size_t i = 0, j = 0;
	while (!rc && (i < up->n || j < down->n)) {
		size_t n = 0;
		buf_reset(&sql);
		buf_adds(&sql, "INSERT INTO search_vocab (org_id, object_kind, term, df) VALUES");
		for (; n < STORE_BATCH && (i < up->n || j < down->n); n++) {
			bool inc = j == down->n || (i < up->n && strcmp(up->v[i], down->v[j]) < 0);
			buf_adds(&sql, n ? ", (?, ?, ?, ?)" : " (?, ?, ?, ?)");
			args[n * 4] = DB_I(org);
			args[n * 4 + 1] = DB_T(kind);
			args[n * 4 + 2] = DB_T(inc ? up->v[i++] : down->v[j++]);
			args[n * 4 + 3] = DB_I(inc ? 1 : -1);
		}
		buf_adds(&sql, " ON CONFLICT (org_id, object_kind, term)"
			       " DO UPDATE SET df = search_vocab.df + excluded.df");
		rc = db_exec(db, buf_str(&sql), args, n * 4);
	}
	buf_cleanup(&sql);
	return rc;
}

/* Removes the terms of drop from the object's entries, and the vocabulary
 * rows no object needs any more. */
static int drop_terms(struct db *db, int64_t org, const char *kind, int64_t id,
		      const struct terms *drop)
{
	struct db_arg args[3 + DROP_BATCH];
	struct buf sql;
	buf_init(&sql, 0);
	int rc = 0;
	for (size_t at = 0; !rc && at < drop->n; at += DROP_BATCH) {
		size_t n = drop->n - at < DROP_BATCH ? drop->n - at : DROP_BATCH, len = pad_len(n);
		for (int table = 0; !rc && table < 2; table++) {
			size_t m = 0;
			args[m++] = DB_I(org);
			args[m++] = DB_T(kind);
			buf_reset(&sql);
			if (table == 0) {
				buf_adds(&sql, "DELETE FROM search_terms WHERE org_id = ? AND object_kind = ?"
					       " AND object_id = ? AND term IN (");
				args[m++] = DB_I(id);
			} else {
				buf_adds(&sql, "DELETE FROM search_vocab WHERE org_id = ? AND object_kind = ?"
					       " AND df <= 0 AND term IN (");
			}
			for (size_t k = 0; k < len; k++) {
				buf_adds(&sql, k ? ", ?" : "?");
				args[m++] = DB_T(drop->v[at + (k < n ? k : n - 1)]);
			}
			buf_addc(&sql, ')');
			rc = db_exec(db, buf_str(&sql), args, m);
		}
	}
	buf_cleanup(&sql);
	return rc;
}

/* Makes the object's entries the terms of set: writes only the difference
 * to what the index holds, and the df of exactly those terms. */
static int store(struct db *db, int64_t org, const char *kind, int64_t id, json_t *set)
{
	struct terms old = {.own = true}, now = {0}, add = {0}, drop = {0};
	int rc = stored_terms(db, org, kind, id, &old);
	for (void *it = json_object_iter(set); it; it = json_object_iter_next(set, it))
		terms_push(&now, json_object_iter_key(it));
	if (now.n > 1)
		qsort(now.v, now.n, sizeof(*now.v), cmp_term);
	size_t i = 0, j = 0;
	while (!rc && (i < now.n || j < old.n)) {
		int c = i == now.n ? 1 : j == old.n ? -1 : strcmp(now.v[i], old.v[j]);
		if (c < 0)
			terms_push(&add, now.v[i++]);
		else if (c > 0)
			terms_push(&drop, old.v[j++]);
		else
			i++, j++;
	}
	if (!rc)
		rc = vocab_change(db, org, kind, &add, &drop);
	if (!rc)
		rc = drop_terms(db, org, kind, id, &drop);
	if (!rc)
		rc = insert_terms(db, org, kind, id, &add);
	terms_free(&old);
	terms_free(&now);
	terms_free(&add);
	terms_free(&drop);
	return rc;
}

int search_forget(struct db *db, int64_t org, const char *kind, int64_t id)
{
	json_t *none = json_object();
	int rc = store(db, org, kind, id, none);
	json_decref(none);
	return rc;
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

/* Every text column of the first row of sql into set. */
static int collect(struct db *db, json_t *set, const char *sql, int64_t org, int64_t id)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r, sql, DB_ARGS(DB_I(org), DB_I(id)));
	int more = 0;
	while (!rc && (more = db_next(r)) == 1)
		for (int c = 0; c < db_columns(r); c++)
			if (!db_null(r, c))
				add_terms(set, db_text(r, c));
	if (!rc && more < 0)
		rc = more;
	db_rows_free(r);
	return rc;
}

int search_index_relation(struct db *db, int64_t org, int64_t id)
{
	json_t *set = json_object();
	int rc = collect(db, set,
			 "SELECT name, job_title, notes FROM relations WHERE org_id = ? AND id = ?"
			 " AND erased_at IS NULL",
			 org, id);
	if (!rc)
		rc = collect(db, set,
			     "SELECT value, city FROM contact_points WHERE org_id = ? AND relation_id = ?",
			     org, id);
	if (!rc)
		rc = collect(db, set,
			     "SELECT t.name FROM relation_tags rt JOIN tags t ON t.org_id = rt.org_id"
			     " AND t.id = rt.tag_id WHERE rt.org_id = ? AND rt.relation_id = ?",
			     org, id);
	if (!rc)
		rc = store(db, org, "relation", id, set);
	json_decref(set);
	return rc;
}

int search_index_interaction(struct db *db, int64_t org, int64_t id)
{
	json_t *set = json_object();
	int rc = collect(db, set,
			 "SELECT subject, summary FROM interactions WHERE org_id = ? AND id = ?", org,
			 id);
	if (!rc)
		rc = store(db, org, "interaction", id, set);
	json_decref(set);
	return rc;
}

/* ---- queries -------------------------------------------------------------- */

#define LIMIT_MAX 256 /* most results of one kind (the API allows 100) */

/* Appends to out the rows of select (ending in "+x.org_id = ?" and what
 * else a row must be) for the n ids at ids (highest first), in that order.
 * The unary plus keeps SQLite's planner (which has no statistics) from
 * reading every row of the organisation through an org_id index instead
 * of looking up the few ids; PostgreSQL reads it as the same number. */
static int fetch_rows(struct db *db, const char *select, int64_t org, const int64_t *ids, size_t n,
		      json_t *out)
{
	size_t len = pad_len(n), m = 0;
	struct db_arg args[1 + LIMIT_MAX];
	args[m++] = DB_I(org);
	struct buf sql;
	buf_init(&sql, 0);
	buf_adds(&sql, select);
	buf_adds(&sql, " AND x.id IN (");
	for (size_t k = 0; k < len; k++) {
		buf_adds(&sql, k ? ", ?" : "?");
		args[m++] = DB_I(ids[k < n ? k : n - 1]);
	}
	buf_adds(&sql, ") ORDER BY x.id DESC");
	struct db_rows *r = NULL;
	int rc = db_query(db, &r, buf_str(&sql), args, m);
	json_t *a = rc ? NULL : db_rows_json(r, &rc);
	db_rows_free(r);
	buf_cleanup(&sql);
	if (!rc)
		json_array_extend(out, a);
	json_decref(a);
	return rc;
}

/* The first limit objects matching plan p, newest first, as rows of
 * select: the plan gives ids, the rows come per batch (an id without a row,
 * such as an erased relation's, is passed over). */
static int run(struct db *db, struct search_plan *p, int64_t org, const char *select, int limit,
	       json_t **out)
{
	json_t *a = json_array();
	size_t want = limit < 1 ? 0 : limit > LIMIT_MAX ? LIMIT_MAX : (size_t)limit;
	int rc = 0;
	while (!rc && json_array_size(a) < want) {
		int64_t ids[LIMIT_MAX];
		size_t got = 0;
		rc = search_plan_next(p, ids, want - json_array_size(a), &got);
		if (!rc && !got)
			break;
		if (!rc)
			rc = fetch_rows(db, select, org, ids, got, a);
	}
	if (rc) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return 0;
}

int search_query(struct db *db, int64_t org, const char *q, int limit, json_t **out,
		 struct brug_err *err)
{
	struct textfold_query *tq = NULL;
	json_t *rels = NULL, *acts = NULL;
	int rc = textfold_query(q ? q : "", q ? strlen(q) : 0, &tq, err);
	if (rc)
		return rc;
	/* both kinds planned at once: one statement reads their vocabulary */
	static const char *const kinds[] = {"relation", "interaction"};
	struct search_plan *plans[2] = {NULL, NULL};
	rc = limit > 0 ? search_plan_new(db, org, kinds, 2, tq, plans) : 0;
	if (!rc && !plans[0]) {
		rels = json_array();
		acts = json_array();
	}
	if (!rc && plans[0])
		rc = run(db, plans[0], org,
			 "SELECT x.id, x.kind, x.type, x.name, x.job_title, x.archived_at,"
			 " (SELECT p.name FROM relations p WHERE p.org_id = x.org_id"
			 " AND p.id = x.parent_id) AS parent_name,"
			 " (SELECT c.value FROM contact_points c WHERE c.org_id = x.org_id"
			 " AND c.relation_id = x.id AND c.kind = 'email' ORDER BY c.position, c.id"
			 " LIMIT 1) AS email"
			 " FROM relations x WHERE x.erased_at IS NULL AND +x.org_id = ?",
			 limit, &rels);
	if (!rc && plans[1])
		rc = run(db, plans[1], org,
			 "SELECT x.id, x.channel, x.direction, x.subject, x.occurred_at, x.outcome,"
			 " (SELECT r.name FROM relations r WHERE r.org_id = x.org_id"
			 " AND r.id = COALESCE(x.person_id, x.company_id)) AS relation_name,"
			 " COALESCE(x.person_id, x.company_id) AS relation_id"
			 " FROM interactions x WHERE +x.org_id = ?",
			 limit, &acts);
	search_plan_free(plans[0]);
	search_plan_free(plans[1]);
	textfold_query_free(tq);
	if (rc) {
		json_decref(rels);
		return rc;
	}
	json_t *o = json_object();
	jx_set_str(o, "q", q ? q : "");
	json_object_set_new(o, "relations", rels);
	json_object_set_new(o, "interactions", acts);
	*out = o;
	return 0;
}

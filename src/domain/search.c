/* SPDX-License-Identifier: Apache-2.0 */
/* The search index and its queries; see search.h. Terms come from
 * util/textfold (folding, words, stems, email and phone forms); matching
 * is plain equality or a byte-order prefix range on an indexed column, so
 * SQLite and PostgreSQL (COLLATE "C") return the same rows. */
#include "domain/search.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/jx.h"
#include "util/textfold.h"

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

/* Rows per INSERT: one round trip for many terms (PostgreSQL pays per
 * statement, not per row). */
#define STORE_BATCH 100

static int store(struct db *db, int64_t org, const char *kind, int64_t id, json_t *set)
{
	int rc = search_forget(db, org, kind, id);
	struct db_arg args[STORE_BATCH * 4];
	struct buf sql;
	buf_init(&sql, 0);
	size_t n = 0;
	void *it = json_object_iter(set);
	while (!rc && it) {
		const char *term = json_object_iter_key(it);
		it = json_object_iter_next(set, it);
		args[n * 4] = DB_I(org);
		args[n * 4 + 1] = DB_T(term);
		args[n * 4 + 2] = DB_T(kind);
		args[n * 4 + 3] = DB_I(id);
		n++;
		if (n < STORE_BATCH && it)
			continue;
		buf_reset(&sql);
		buf_adds(&sql, "INSERT INTO search_terms (org_id, term, object_kind, object_id) VALUES");
		for (size_t i = 0; i < n; i++)
			buf_adds(&sql, i ? ", (?, ?, ?, ?)" : " (?, ?, ?, ?)");
		rc = db_exec(db, buf_str(&sql), args, n * 4);
		n = 0;
	}
	buf_cleanup(&sql);
	return rc;
}

int search_forget(struct db *db, int64_t org, const char *kind, int64_t id)
{
	return db_exec(db,
		       "DELETE FROM search_terms WHERE org_id = ? AND object_kind = ? AND object_id = ?",
		       DB_ARGS(DB_I(org), DB_T(kind), DB_I(id)));
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

/* The id sub-query matching every group of q for kind, with its arguments
 * appended to args (n grows). False when q has no group. */
static bool match_sql(const struct textfold_query *q, const char *kind, int64_t org,
		      struct buf *sql, struct db_arg *args, size_t *n, size_t cap)
{
	if (!q || !q->n)
		return false;
	for (size_t w = 0; w < q->n; w++) {
		const struct textfold_group *g = &q->g[w];
		if (*n + 2 + 2 * TEXTFOLD_ALTS_MAX > cap)
			return false;
		if (w)
			buf_adds(sql, " INTERSECT ");
		buf_adds(sql, "SELECT object_id FROM search_terms WHERE org_id = ?"
			      " AND object_kind = ? AND (");
		args[(*n)++] = DB_I(org);
		args[(*n)++] = DB_T(kind);
		for (size_t a = 0; a < g->n; a++) {
			if (a)
				buf_adds(sql, " OR ");
			if (!g->prefix[a]) {
				buf_adds(sql, "term = ?");
			} else if (g->upper[a]) {
				buf_adds(sql, "(term >= ? AND term < ?)");
			} else {
				buf_adds(sql, "term >= ?");
			}
			args[(*n)++] = DB_T(g->alt[a]);
			if (g->prefix[a] && g->upper[a])
				args[(*n)++] = DB_T(g->upper[a]);
		}
		buf_adds(sql, ")");
	}
	return true;
}

static int run(struct db *db, const char *select, const struct textfold_query *q,
	       const char *kind, int64_t org, const char *order, int limit, json_t **out)
{
	struct buf sql;
	buf_init(&sql, 0);
	struct db_arg args[TEXTFOLD_QUERY_GROUPS_MAX * (2 + 2 * TEXTFOLD_ALTS_MAX) + 4];
	size_t n = 0;
	args[n++] = DB_I(org);
	buf_adds(&sql, select);
	buf_adds(&sql, " AND x.id IN (");
	if (!match_sql(q, kind, org, &sql, args, &n, sizeof(args) / sizeof(args[0]) - 1)) {
		buf_cleanup(&sql);
		*out = json_array();
		return 0;
	}
	buf_printf(&sql, ") %s LIMIT ?", order);
	args[n++] = DB_I(limit);
	struct db_rows *r = NULL;
	int rc = db_query(db, &r, buf_str(&sql), args, n);
	json_t *a = rc ? NULL : db_rows_json(r, &rc);
	db_rows_free(r);
	buf_cleanup(&sql);
	if (!rc)
		*out = a;
	return rc;
}

int search_query(struct db *db, int64_t org, const char *q, int limit, json_t **out,
		 struct brug_err *err)
{
	struct textfold_query *tq = NULL;
	json_t *rels = NULL, *acts = NULL;
	int rc = textfold_query(q ? q : "", q ? strlen(q) : 0, &tq, err);
	if (rc)
		return rc;
	rc = run(db,
		     "SELECT x.id, x.kind, x.type, x.name, x.job_title, x.archived_at,"
		     " (SELECT p.name FROM relations p WHERE p.org_id = x.org_id"
		     " AND p.id = x.parent_id) AS parent_name,"
		     " (SELECT c.value FROM contact_points c WHERE c.org_id = x.org_id"
		     " AND c.relation_id = x.id AND c.kind = 'email' ORDER BY c.position, c.id"
		     " LIMIT 1) AS email"
		     " FROM relations x WHERE x.org_id = ? AND x.erased_at IS NULL",
		     tq, "relation", org, "ORDER BY x.archived_at IS NOT NULL, x.sort_key, x.id", limit,
		     &rels);
	if (!rc)
		rc = run(db,
			 "SELECT x.id, x.channel, x.direction, x.subject, x.occurred_at, x.outcome,"
			 " (SELECT r.name FROM relations r WHERE r.org_id = x.org_id"
			 " AND r.id = COALESCE(x.person_id, x.company_id)) AS relation_name,"
			 " COALESCE(x.person_id, x.company_id) AS relation_id"
			 " FROM interactions x WHERE x.org_id = ?",
			 tq, "interaction", org, "ORDER BY x.occurred_at DESC, x.id DESC", limit, &acts);
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

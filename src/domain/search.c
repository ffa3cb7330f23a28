/* SPDX-License-Identifier: Apache-2.0 */
/* Search queries; see search.h. Terms come from util/textfold (folding,
 * words, stems, email and phone forms); matching is plain equality or a
 * byte-order prefix range on an indexed column, so SQLite and PostgreSQL
 * (COLLATE "C") return the same rows. search_index.c writes the index;
 * search_plan.c decides how a query reads it. */
#include "domain/search.h"

#include <stdlib.h>
#include <string.h>

#include "domain/search_plan.h"
#include "util/buf.h"
#include "util/jx.h"
#include "util/textfold.h"
#include "util/xmalloc.h"

static size_t pad_len(size_t n)
{
	size_t s = 1;
	while (s < n)
		s *= 4;
	return s;
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

/* SPDX-License-Identifier: Apache-2.0 */
/* Likely duplicates; see duplicates.h. One query: for each signal (email,
 * phone, folded name) the values shared by 2..DUP_GROUP_MAX relations are
 * found by grouping an index (contact_points (org_id, kind, norm),
 * relations (org_id, sort_key, id)), their rows joined pairwise, and the
 * pairs folded into one row each with the signals they share. */
#include "domain/duplicates.h"

#include <stdio.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/relation.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/jx.h"

/* The pairs sharing a contact point of one kind, a_id < b_id. The unary +
 * keeps SQLite (without statistics) from reaching x or y through the range
 * on relation_id instead of the equal norm: that plan took minutes instead
 * of milliseconds at 100,000 relations. */
#define POINT_PAIRS(kind, e, p)                                                                    \
	"SELECT x.relation_id AS a_id, y.relation_id AS b_id, " e " AS by_email, " p " AS by_phone," \
	" 0 AS by_name FROM contact_points x JOIN contact_points y ON y.org_id = x.org_id"         \
	" AND y.kind = x.kind AND y.norm = x.norm AND +y.relation_id > +x.relation_id"             \
	" WHERE x.org_id = ? AND x.kind = '" kind "' AND x.norm IN (SELECT g.norm"                 \
	" FROM contact_points g WHERE g.org_id = ? AND g.kind = '" kind "' AND g.norm <> ''"       \
	" GROUP BY g.norm HAVING COUNT(*) BETWEEN 2 AND ?)"

#define NAME_PAIRS                                                                                 \
	"SELECT x.id, y.id, 0, 0, 1 FROM relations x JOIN relations y ON y.org_id = x.org_id"      \
	" AND y.sort_key = x.sort_key AND y.id > x.id WHERE x.org_id = ? AND x.sort_key IN"        \
	" (SELECT g.sort_key FROM relations g WHERE g.org_id = ? GROUP BY g.sort_key"              \
	" HAVING COUNT(*) BETWEEN 2 AND ?)"

/* One side of a pair, as columns prefixed with its alias (a_ or b_). */
#define SIDE(s)                                                                                    \
	" " s ".name AS " s "_name, " s ".type AS " s "_type, " s ".created_at AS " s "_created_at,"  \
	" (SELECT c.value FROM contact_points c WHERE c.org_id = " s ".org_id"                       \
	" AND c.relation_id = " s ".id AND c.kind = 'email' ORDER BY c.position, c.id LIMIT 1)"     \
	" AS " s "_email,"                                                                         \
	" (SELECT c.value FROM contact_points c WHERE c.org_id = " s ".org_id"                       \
	" AND c.relation_id = " s ".id AND c.kind = 'phone' ORDER BY c.position, c.id LIMIT 1)"     \
	" AS " s "_phone,"                                                                         \
	" (SELECT p.name FROM relations p WHERE p.org_id = " s ".org_id AND p.id = " s ".parent_id)" \
	" AS " s "_parent_name,"                                                                   \
	" (SELECT COUNT(*) FROM interactions i WHERE i.org_id = " s ".org_id"                       \
	" AND i.person_id = " s ".id) + (SELECT COUNT(*) FROM interactions i"                      \
	" WHERE i.org_id = " s ".org_id AND i.company_id = " s ".id) AS " s "_interactions"

#define SCORE                                                                                      \
	"(d.by_email * " DUP_STR(DUP_SCORE_EMAIL) " + d.by_phone * " DUP_STR(DUP_SCORE_PHONE)       \
	" + d.by_name * " DUP_STR(DUP_SCORE_NAME) ")"
#define DUP_STR2(x) #x
#define DUP_STR(x) DUP_STR2(x)

/* Moves the a_* and b_* members of a flat row into objects "a" and "b",
 * and the by_* flags into "reasons". */
static void shape(json_t *row)
{
	json_t *a = json_object(), *b = json_object(), *reasons = json_array();
	const char *k;
	void *tmp;
	json_t *v;
	json_object_foreach_safe(row, tmp, k, v) {
		if ((k[0] == 'a' || k[0] == 'b') && k[1] == '_') {
			json_object_set(k[0] == 'a' ? a : b, k + 2, v);
			json_object_del(row, k);
		}
	}
	static const char *const why[] = {"email", "phone", "name"};
	for (int i = 0; i < 3; i++) {
		char key[16];
		snprintf(key, sizeof(key), "by_%s", why[i]);
		if (jx_int(row, key, 0))
			json_array_append_new(reasons, json_string(why[i]));
		json_object_del(row, key);
	}
	json_object_set_new(row, "a", a);
	json_object_set_new(row, "b", b);
	json_object_set_new(row, "reasons", reasons);
}

/* The pairs, one row each, with the relations as a and b (the FROM part
 * of both the count and the page); args gets its arguments. */
static size_t pairs_from(struct buf *from, int64_t org, const char *kind, struct db_arg *args)
{
	size_t n = 0;
	buf_adds(from, " FROM (SELECT p.a_id, p.b_id, MAX(p.by_email) AS by_email,"
		       " MAX(p.by_phone) AS by_phone, MAX(p.by_name) AS by_name FROM ("
		       POINT_PAIRS("email", "1", "0") " UNION ALL "
		       POINT_PAIRS("phone", "0", "1") " UNION ALL " NAME_PAIRS
		       ") p GROUP BY p.a_id, p.b_id) d"
		       " JOIN relations a ON a.org_id = ? AND a.id = d.a_id"
		       " JOIN relations b ON b.org_id = a.org_id AND b.id = d.b_id"
		       " WHERE a.kind = b.kind AND a.archived_at IS NULL AND a.erased_at IS NULL"
		       " AND b.archived_at IS NULL AND b.erased_at IS NULL"
		       " AND NOT EXISTS (SELECT 1 FROM relation_distinct n WHERE n.org_id = a.org_id"
		       " AND n.a_id = d.a_id AND n.b_id = d.b_id)");
	for (int i = 0; i < 3; i++) {
		args[n++] = DB_I(org);
		args[n++] = DB_I(org);
		args[n++] = DB_I(DUP_GROUP_MAX);
	}
	args[n++] = DB_I(org);
	if (kind) {
		buf_adds(from, " AND a.kind = ?");
		args[n++] = DB_T(kind);
	}
	return n;
}

/* The number of pairs, for a page past the end (which has no row to
 * carry the count). */
static int count_pairs(struct db *db, const char *from, const struct db_arg *args, size_t n,
		       int64_t *total)
{
	struct buf sql;
	buf_init(&sql, 0);
	buf_printf(&sql, "SELECT COUNT(*)%s", from);
	int rc = db_int_query(db, total, buf_str(&sql), args, n);
	buf_cleanup(&sql);
	return rc;
}

/* Takes the count every row carries off the rows, and shapes them. */
static int64_t take_total(json_t *items)
{
	int64_t total = 0;
	size_t i;
	json_t *row;
	json_array_foreach(items, i, row) {
		total = jx_int(row, "total_pairs", 0);
		json_object_del(row, "total_pairs");
		shape(row);
	}
	return total;
}

int duplicates_list(struct db *db, int64_t org, const struct duplicates_filter *f,
		    json_t **out)
{
	int per = f->page.per_page > 0 ? f->page.per_page : LISTING_PER_PAGE;
	per = per > LISTING_PER_PAGE_MAX ? LISTING_PER_PAGE_MAX : per;
	int page = f->page.page > 0 ? f->page.page : 1;
	struct db_arg args[20];
	struct buf from, sql;
	buf_init(&from, 0);
	buf_init(&sql, 0);
	size_t n = pairs_from(&from, org, f->kind, args);
	struct db_rows *r = NULL;
	json_t *items = NULL;
	/* one pass finds the pairs, counts them (a window) and picks the page;
	 * the columns of each side are then computed for the page's rows only */
	buf_printf(&sql,
		   "SELECT pg.a_id, pg.b_id, pg.kind, pg.by_email, pg.by_phone, pg.by_name,"
		   " pg.score, pg.total_pairs," SIDE("a") "," SIDE("b") " FROM (SELECT d.a_id,"
		   " d.b_id, a.kind, d.by_email, d.by_phone, d.by_name, a.sort_key AS a_key,"
		   " COUNT(*) OVER () AS total_pairs,"
		   " CASE WHEN " SCORE " > 100 THEN 100 ELSE " SCORE " END AS score%s"
		   " ORDER BY score DESC, a.sort_key, d.a_id, d.b_id LIMIT ? OFFSET ?) pg"
		   " JOIN relations a ON a.org_id = ? AND a.id = pg.a_id"
		   " JOIN relations b ON b.org_id = a.org_id AND b.id = pg.b_id"
		   " ORDER BY pg.score DESC, pg.a_key, pg.a_id, pg.b_id",
		   buf_str(&from));
	struct db_arg all[24];
	memcpy(all, args, n * sizeof(*args));
	all[n] = DB_I(per);
	all[n + 1] = DB_I((int64_t)(page - 1) * per);
	all[n + 2] = DB_I(org);
	int rc = db_query(db, &r, buf_str(&sql), all, n + 3);
	if (!rc)
		items = db_rows_json(r, &rc);
	db_rows_free(r);
	int64_t total = rc ? 0 : take_total(items);
	if (!rc && !json_array_size(items) && page > 1)
		rc = count_pairs(db, buf_str(&from), args, n, &total);
	buf_cleanup(&from);
	buf_cleanup(&sql);
	if (rc) {
		json_decref(items);
		return rc;
	}
	json_t *o = json_object();
	json_object_set_new(o, "items", items);
	jx_set_int(o, "total", total);
	jx_set_int(o, "page", page);
	jx_set_int(o, "per_page", per);
	jx_set_int(o, "pages", total ? (total + per - 1) / per : 1);
	*out = o;
	return 0;
}

int duplicates_mark_distinct(struct db *db, const struct actor *who, int64_t a, int64_t b,
			     struct brug_err *err)
{
	if (a == b)
		return brug_fail(err, BRUG_EVALIDATION, "privacy.errors.same_relation", "other");
	int64_t lo = a < b ? a : b, hi = a < b ? b : a;
	char kind[16];
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = relation_kind(db, who->org_id, a, kind);
	if (!rc)
		rc = relation_kind(db, who->org_id, b, kind);
	if (rc == BRUG_ENOTFOUND)
		brug_fail(err, rc, "error.relation_not_found", NULL);
	if (!rc)
		rc = db_exec(db,
			     "INSERT INTO relation_distinct (org_id, a_id, b_id, created_by, created_at)"
			     " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
			     DB_ARGS(DB_I(who->org_id), DB_I(lo), DB_I(hi), DB_I0(who->user_id),
				     DB_I(clock_now_ms())));
	if (!rc) {
		json_t *d = json_object();
		jx_set_int(d, "other", b);
		rc = audit_add(db, who, "relation.not_duplicate", "relation", a, d);
	}
	return db_finish(db, rc);
}

int duplicates_forget(struct db *db, int64_t org, int64_t id)
{
	return db_exec(db,
		       "DELETE FROM relation_distinct WHERE org_id = ? AND (a_id = ? OR b_id = ?)",
		       DB_ARGS(DB_I(org), DB_I(id), DB_I(id)));
}

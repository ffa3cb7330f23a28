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

/* The pairs sharing a contact point of one kind, a_id < b_id. */
#define POINT_PAIRS(kind, e, p)                                                                    \
	"SELECT x.relation_id AS a_id, y.relation_id AS b_id, " e " AS by_email, " p " AS by_phone," \
	" 0 AS by_name FROM contact_points x JOIN contact_points y ON y.org_id = x.org_id"         \
	" AND y.kind = x.kind AND y.norm = x.norm AND y.relation_id > x.relation_id"               \
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

int duplicates_list(struct db *db, int64_t org, const struct duplicates_filter *f,
		    json_t **out)
{
	struct db_arg args[16];
	size_t n = 0;
	struct buf from;
	buf_init(&from, 0);
	buf_adds(&from, " FROM (SELECT p.a_id, p.b_id, MAX(p.by_email) AS by_email,"
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
	if (f->kind) {
		buf_adds(&from, " AND a.kind = ?");
		args[n++] = DB_T(f->kind);
	}
	json_t *list = NULL;
	int rc = listing_query(db,
			       "d.a_id, d.b_id, a.kind, d.by_email, d.by_phone, d.by_name,"
			       " CASE WHEN " SCORE " > 100 THEN 100 ELSE " SCORE " END AS score," SIDE(
				       "a") "," SIDE("b"),
			       buf_str(&from), "ORDER BY score DESC, a.sort_key, d.a_id, d.b_id", args,
			       n, f->page, &list);
	buf_cleanup(&from);
	if (rc)
		return rc;
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(list, "items"), i, row) shape(row);
	*out = list;
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

/* SPDX-License-Identifier: Apache-2.0 */
/* Merging relations; see merge.h. What points at a relation is listed in
 * one table (movers), so a module that stores relation ids later adds one
 * line there and merges keep its history too. */
#include "domain/merge.h"

#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/duplicates.h"
#include "domain/search.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/xmalloc.h"

/* References that move to the survivor: each statement takes (into, org,
 * from); rows changed are counted under name. */
static const struct {
	const char *name, *sql;
} movers[] = {
	{"interactions", "UPDATE interactions SET person_id = ? WHERE org_id = ? AND person_id = ?"},
	{"interactions", "UPDATE interactions SET company_id = ? WHERE org_id = ? AND company_id = ?"},
	{"tasks", "UPDATE tasks SET relation_id = ? WHERE org_id = ? AND relation_id = ?"},
	{"people", "UPDATE relations SET parent_id = ? WHERE org_id = ? AND parent_id = ?"},
	{"invitations", "UPDATE survey_invitations SET relation_id = ? WHERE org_id = ?"
			" AND relation_id = ?"},
	{"cases", "UPDATE survey_cases SET relation_id = ? WHERE org_id = ? AND relation_id = ?"},
	/* an opt-out of either holds for the survivor */
	{"optouts", "INSERT INTO survey_optouts (org_id, relation_id, created_at)"
		    " SELECT org_id, ?, created_at FROM survey_optouts WHERE org_id = ?"
		    " AND relation_id = ? ON CONFLICT DO NOTHING"},
	/* tags and custom values: the survivor's own win, the rest is copied */
	{"tags", "INSERT INTO relation_tags (org_id, relation_id, tag_id)"
		 " SELECT org_id, ?, tag_id FROM relation_tags WHERE org_id = ? AND relation_id = ?"
		 " ON CONFLICT DO NOTHING"},
	{"custom_values", "INSERT INTO custom_values (org_id, relation_id, field_id, value)"
			  " SELECT org_id, ?, field_id, value FROM custom_values WHERE org_id = ?"
			  " AND relation_id = ? ON CONFLICT DO NOTHING"},
};

/* The fields an empty value of the survivor takes from the other. */
struct side {
	int64_t id, parent_id, owner_id;
	char *kind, *given_name, *family_name, *job_title, *notes;
};

static void side_free(struct side *s)
{
	free(s->kind);
	free(s->given_name);
	free(s->family_name);
	free(s->job_title);
	free(s->notes);
}

/* Reads into and from; BRUG_ENOTFOUND unless both are org's and not erased. */
static int load(struct db *db, int64_t org, int64_t into, int64_t from, struct side s[2])
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT id, kind, given_name, family_name, job_title, notes,"
			  " COALESCE(parent_id, 0), COALESCE(owner_id, 0) FROM relations"
			  " WHERE org_id = ? AND id IN (?, ?) AND erased_at IS NULL",
			  DB_ARGS(DB_I(org), DB_I(into), DB_I(from)));
	int more = 0, found = 0;
	while (!rc && (more = db_next(r)) == 1) {
		struct side *x = &s[db_int(r, 0) == into ? 0 : 1];
		x->id = db_int(r, 0);
		x->kind = xstrdup(db_text(r, 1));
		x->given_name = xstrdup(db_text(r, 2));
		x->family_name = xstrdup(db_text(r, 3));
		x->job_title = xstrdup(db_text(r, 4));
		x->notes = xstrdup(db_text(r, 5));
		x->parent_id = db_int(r, 6);
		x->owner_id = db_int(r, 7);
		found++;
	}
	db_rows_free(r);
	if (!rc && more < 0)
		rc = more;
	return rc ? rc : found == 2 ? 0 : BRUG_ENOTFOUND;
}

/* The survivor's empty fields take the other's values; both notes are kept. */
static int fill_fields(struct db *db, int64_t org, const struct side *a, const struct side *b)
{
	struct buf notes;
	buf_init(&notes, 0);
	buf_adds(&notes, a->notes);
	if (*a->notes && *b->notes)
		buf_adds(&notes, "\n\n");
	buf_adds(&notes, b->notes);
	int rc = db_exec(db,
			 "UPDATE relations SET given_name = ?, family_name = ?, job_title = ?,"
			 " notes = ?, parent_id = ?, owner_id = ?, updated_at = ?"
			 " WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_T(*a->given_name ? a->given_name : b->given_name),
				 DB_T(*a->family_name ? a->family_name : b->family_name),
				 DB_T(*a->job_title ? a->job_title : b->job_title), DB_T(buf_str(&notes)),
				 DB_I0(a->parent_id ? a->parent_id : b->parent_id),
				 DB_I0(a->owner_id ? a->owner_id : b->owner_id), DB_I(clock_now_ms()),
				 DB_I(org), DB_I(a->id)));
	buf_cleanup(&notes);
	return rc;
}

/* Moves from's contact points that into lacks (by normalised value, or by
 * text for addresses) after into's own; returns the count in *n. */
static int move_points(struct db *db, int64_t org, int64_t into, int64_t from, int64_t *n)
{
	int64_t offset = 0;
	int rc = db_int_query(db, &offset,
			      "SELECT COALESCE(MAX(position), -1) + 1 FROM contact_points"
			      " WHERE org_id = ? AND relation_id = ?",
			      DB_ARGS(DB_I(org), DB_I(into)));
	if (!rc)
		rc = db_exec(db,
			     "UPDATE contact_points SET relation_id = ?, position = position + ?"
			     " WHERE org_id = ? AND relation_id = ? AND NOT EXISTS (SELECT 1"
			     " FROM contact_points c WHERE c.org_id = contact_points.org_id"
			     " AND c.relation_id = ? AND c.kind = contact_points.kind"
			     " AND (c.value = contact_points.value"
			     " OR (c.norm <> '' AND c.norm = contact_points.norm)))",
			     DB_ARGS(DB_I(into), DB_I(offset), DB_I(org), DB_I(from), DB_I(into)));
	if (!rc)
		*n = db_changes(db);
	return rc;
}

/* What is left of from (doubles of into's contact points, tags and values
 * into already had) goes with it; its old id leads to into from now on. */
static int remove_from(struct db *db, const struct actor *who, int64_t into, int64_t from)
{
	static const char *const gone[] = {
		"DELETE FROM contact_points WHERE org_id = ? AND relation_id = ?",
		"DELETE FROM relation_tags WHERE org_id = ? AND relation_id = ?",
		"DELETE FROM custom_values WHERE org_id = ? AND relation_id = ?",
		"DELETE FROM survey_optouts WHERE org_id = ? AND relation_id = ?",
		"DELETE FROM relations WHERE org_id = ? AND id = ?",
	};
	int64_t org = who->org_id;
	int rc = duplicates_forget(db, org, from);
	if (!rc)
		rc = db_exec(db, "UPDATE relation_merges SET into_id = ? WHERE org_id = ? AND into_id = ?",
			     DB_ARGS(DB_I(into), DB_I(org), DB_I(from)));
	if (!rc)
		rc = db_exec(db,
			     "INSERT INTO relation_merges (org_id, from_id, into_id, merged_by, merged_at)"
			     " VALUES (?, ?, ?, ?, ?)",
			     DB_ARGS(DB_I(org), DB_I(from), DB_I(into), DB_I0(who->user_id),
				     DB_I(clock_now_ms())));
	for (size_t i = 0; !rc && i < sizeof(gone) / sizeof(gone[0]); i++)
		rc = db_exec(db, gone[i], DB_ARGS(DB_I(org), DB_I(from)));
	if (!rc)
		rc = search_forget(db, org, "relation", from);
	if (!rc)
		rc = search_index_relation(db, org, into);
	return rc;
}

static int move_all(struct db *db, const struct actor *who, int64_t into, int64_t from,
		    json_t *moved)
{
	int64_t org = who->org_id, n = 0;
	int rc = 0;
	for (size_t i = 0; !rc && i < sizeof(movers) / sizeof(movers[0]); i++) {
		rc = db_exec(db, movers[i].sql, DB_ARGS(DB_I(into), DB_I(org), DB_I(from)));
		if (!rc)
			jx_set_int(moved, movers[i].name,
				   jx_int(moved, movers[i].name, 0) + db_changes(db));
	}
	if (!rc)
		rc = move_points(db, org, into, from, &n);
	if (!rc)
		jx_set_int(moved, "contact_points", n);
	if (!rc)
		rc = remove_from(db, who, into, from);
	return rc;
}

int merge_relations(struct db *db, const struct actor *who, int64_t into, int64_t from,
		    json_t **moved, struct brug_err *err)
{
	if (into == from)
		return brug_fail(err, BRUG_EVALIDATION, "privacy.errors.merge_self", "from");
	struct side s[2] = {{0}, {0}};
	json_t *counts = json_object();
	int rc = db_begin(db);
	if (rc)
		goto out;
	rc = load(db, who->org_id, into, from, s);
	if (rc == BRUG_ENOTFOUND)
		brug_fail(err, rc, "error.relation_not_found", NULL);
	if (!rc && strcmp(s[0].kind, s[1].kind))
		rc = brug_fail(err, BRUG_EVALIDATION, "privacy.errors.merge_kinds", "from");
	if (!rc)
		rc = fill_fields(db, who->org_id, &s[0], &s[1]);
	if (!rc)
		rc = move_all(db, who, into, from, counts);
	if (!rc) {
		json_t *d = json_deep_copy(counts);
		jx_set_int(d, "from", from);
		jx_set_int(d, "into", into);
		rc = audit_add(db, who, "relation.merge", "relation", into, d);
	}
	rc = db_finish(db, rc);
out:
	side_free(&s[0]);
	side_free(&s[1]);
	if (!rc && moved)
		*moved = counts;
	else
		json_decref(counts);
	return rc;
}

int merge_target(struct db *db, int64_t org, int64_t id, int64_t *into)
{
	int64_t to = 0;
	int rc = db_int_query(db, &to,
			      "SELECT m.into_id FROM relation_merges m JOIN relations r"
			      " ON r.org_id = m.org_id AND r.id = m.into_id"
			      " WHERE m.org_id = ? AND m.from_id = ? AND r.erased_at IS NULL",
			      DB_ARGS(DB_I(org), DB_I(id)));
	if (!rc)
		*into = to;
	return rc;
}

int merge_forget(struct db *db, int64_t org, int64_t id)
{
	return db_exec(db, "DELETE FROM relation_merges WHERE org_id = ? AND into_id = ?",
		       DB_ARGS(DB_I(org), DB_I(id)));
}

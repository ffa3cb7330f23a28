/* SPDX-License-Identifier: Apache-2.0 */
/* Relation rows: create, change, archive, read and list; see relation.h.
 * The list parts live in relation_parts.c. */
#include "domain/relation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/check.h"
#include "domain/relation_parts.h"
#include "domain/search.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/markdown.h"
#include "util/textfold.h"
#include "util/xmalloc.h"

static const char *const kinds[] = {"organisation", "person", NULL};
static const char *const types[] = {"customer", "prospect", "supplier", "partner", NULL};
static const char *const langs[] = {"nl", "en", NULL};

char *relation_sort_key(const char *name)
{
	char *key = NULL;
	if (textfold_fold(name, strlen(name), &key, NULL))
		return xstrdup(name); /* only for a name over the fold's cap */
	return key;
}

static int bad(struct brug_err *err, const char *key, const char *field)
{
	return brug_fail(err, BRUG_EVALIDATION, key, field);
}

/* The checks that need no database. create: whether this is a new one. */
static int check(const struct relation_in *in, bool create, struct brug_err *err)
{
	if (create && !check_one_of(in->kind, kinds))
		return bad(err, "error.choice", "kind");
	if (in->type && !check_one_of(in->type, types))
		return bad(err, "error.choice", "type");
	if (in->lang && !check_one_of(in->lang, langs))
		return bad(err, "error.choice", "lang");
	struct {
		const char *v, *field;
		size_t max;
		bool multi;
	} texts[] = {
		{in->name, "name", 200, false},
		{in->given_name, "given_name", 100, false},
		{in->family_name, "family_name", 100, false},
		{in->job_title, "job_title", 100, false},
		{in->notes, "notes", 20000, true},
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (!check_text(texts[i].v, texts[i].max, texts[i].multi))
			return bad(err, "error.too_long", texts[i].field);
	if (in->notes && *in->notes) { /* refused shapes fail now, not on every view */
		char *html = NULL;
		int mrc = markdown_to_html(in->notes, strlen(in->notes), 0, &html);
		free(html);
		if (mrc)
			return bad(err, "error.markdown", "notes");
	}
	return parts_check(in, err);
}

/* A person's full name from its parts when no name was given. */
static char *person_name(const struct relation_in *in)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s%s%s", in->given_name ? in->given_name : "",
		 in->given_name && *in->given_name && in->family_name && *in->family_name ? " " : "",
		 in->family_name ? in->family_name : "");
	return xstrdup(buf);
}

/* The parent must be one of org's organisations, the owner one of its
 * users. */
static int check_links(struct db *db, int64_t org, int64_t self, const struct relation_in *in,
		       struct brug_err *err)
{
	int64_t n = 0;
	int rc = 0;
	if (in->parent_id > 0) {
		rc = db_int_query(db, &n,
				  "SELECT COUNT(*) FROM relations WHERE org_id = ? AND id = ?"
				  " AND kind = 'organisation' AND erased_at IS NULL",
				  DB_ARGS(DB_I(org), DB_I(in->parent_id)));
		if (!rc && (n == 0 || in->parent_id == self))
			return bad(err, "error.parent", "parent_id");
	}
	if (!rc && in->owner_id > 0) {
		rc = db_int_query(db, &n, "SELECT COUNT(*) FROM users WHERE org_id = ? AND id = ?",
				  DB_ARGS(DB_I(org), DB_I(in->owner_id)));
		if (!rc && n == 0)
			return bad(err, "error.owner", "owner_id");
	}
	return rc;
}

static json_t *summary(int64_t id, const char *name)
{
	json_t *d = json_object();
	jx_set_int(d, "id", id);
	jx_set_str(d, "name", name);
	return d;
}

int relation_create(struct db *db, const struct actor *who, const struct relation_in *in,
		    int64_t *id, struct brug_err *err)
{
	int rc = check(in, true, err);
	if (rc)
		return rc;
	bool person = !strcmp(in->kind, "person");
	char *name = in->name && *in->name ? xstrdup(in->name) : person ? person_name(in) : NULL;
	if (!name || !*name) {
		free(name);
		return bad(err, "error.required", person && !in->name ? "family_name" : "name");
	}
	if (!person && in->parent_id > 0) {
		free(name);
		return bad(err, "error.parent", "parent_id");
	}
	char *key = relation_sort_key(name);
	int64_t now = clock_now_ms(), rid = 0;
	if ((rc = db_begin(db)))
		goto out;
	rc = check_links(db, who->org_id, 0, in, err);
	if (!rc)
		rc = db_int_query(
			db, &rid,
			"INSERT INTO relations (org_id, kind, type, name, given_name, family_name,"
			" sort_key, parent_id, job_title, owner_id, lang, notes, created_at, updated_at)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			DB_ARGS(DB_I(who->org_id), DB_T(in->kind), DB_T(in->type ? in->type : "customer"),
				DB_T(name), DB_T(in->given_name ? in->given_name : ""),
				DB_T(in->family_name ? in->family_name : ""), DB_T(key),
				DB_I0(in->parent_id > 0 ? in->parent_id : 0),
				DB_T(in->job_title ? in->job_title : ""),
				DB_I0(in->owner_id > 0 ? in->owner_id : 0),
				DB_T(in->lang ? in->lang : "nl"), DB_T(in->notes ? in->notes : ""),
				DB_I(now), DB_I(now)));
	if (!rc)
		rc = parts_write(db, who->org_id, rid, in);
	if (!rc)
		rc = parts_write_custom(db, who->org_id, rid, in, err);
	if (!rc)
		rc = search_index_relation(db, who->org_id, rid);
	if (!rc)
		rc = audit_add(db, who, "relation.create", "relation", rid, summary(rid, name));
	rc = db_finish(db, rc);
	if (!rc)
		*id = rid;
out:
	free(name);
	free(key);
	return rc;
}

/* A person's new full name when its parts change and no name is given:
 * the parts given, else the stored ones. NULL when the name stays. */
static int renamed_person(struct db *db, int64_t org, int64_t id, const struct relation_in *in,
			  char **out)
{
	*out = NULL;
	if ((in->name && *in->name) || (!in->given_name && !in->family_name))
		return 0;
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT given_name, family_name FROM relations WHERE org_id = ? AND id = ?",
			  DB_ARGS(DB_I(org), DB_I(id)));
	if (!rc && db_next(r) == 1) {
		struct relation_in parts = {
			.given_name = in->given_name ? in->given_name : db_text(r, 0),
			.family_name = in->family_name ? in->family_name : db_text(r, 1)};
		*out = person_name(&parts);
	}
	db_rows_free(r);
	return rc;
}

int relation_update(struct db *db, const struct actor *who, int64_t id,
		    const struct relation_in *in, struct brug_err *err)
{
	int rc = check(in, false, err);
	if (rc)
		return rc;
	char kind[16], *name = NULL, *key = NULL;
	if ((rc = db_begin(db)))
		goto out;
	rc = relation_kind(db, who->org_id, id, kind);
	if (rc == BRUG_ENOTFOUND)
		brug_fail(err, rc, "error.relation_not_found", NULL);
	if (!rc && !strcmp(kind, "person"))
		rc = renamed_person(db, who->org_id, id, in, &name);
	if (!rc && !name && in->name)
		name = xstrdup(in->name);
	if (!rc && name && !*name)
		rc = bad(err, "error.required", !strcmp(kind, "person") && !in->name ? "family_name"
										    : "name");
	if (!rc && name)
		key = relation_sort_key(name);
	if (!rc && in->parent_id > 0 && strcmp(kind, "person"))
		rc = bad(err, "error.parent", "parent_id");
	if (!rc)
		rc = check_links(db, who->org_id, id, in, err);
	if (!rc)
		rc = db_exec(db,
			     "UPDATE relations SET type = COALESCE(?, type), name = COALESCE(?, name),"
			     " sort_key = COALESCE(?, sort_key), given_name = COALESCE(?, given_name),"
			     " family_name = COALESCE(?, family_name), job_title = COALESCE(?, job_title),"
			     " lang = COALESCE(?, lang), notes = COALESCE(?, notes),"
			     " parent_id = CASE WHEN ? < 0 THEN parent_id ELSE ? END,"
			     " owner_id = CASE WHEN ? < 0 THEN owner_id ELSE ? END, updated_at = ?"
			     " WHERE org_id = ? AND id = ?",
			     DB_ARGS(DB_T(in->type), DB_T(name), DB_T(key), DB_T(in->given_name),
				     DB_T(in->family_name), DB_T(in->job_title), DB_T(in->lang),
				     DB_T(in->notes), DB_I(in->parent_id), DB_I0(in->parent_id > 0 ? in->parent_id : 0),
				     DB_I(in->owner_id), DB_I0(in->owner_id > 0 ? in->owner_id : 0),
				     DB_I(clock_now_ms()), DB_I(who->org_id), DB_I(id)));
	if (!rc)
		rc = parts_write(db, who->org_id, id, in);
	if (!rc)
		rc = parts_write_custom(db, who->org_id, id, in, err);
	if (!rc)
		rc = search_index_relation(db, who->org_id, id);
	if (!rc)
		rc = audit_add(db, who, "relation.update", "relation", id,
			       name ? summary(id, name) : NULL);
	rc = db_finish(db, rc);
out:
	free(name);
	free(key);
	return rc;
}

int relation_archive(struct db *db, const struct actor *who, int64_t id, bool archived,
		     struct brug_err *err)
{
	int rc = db_begin(db);
	if (rc)
		return rc;
	int64_t now = clock_now_ms();
	rc = db_exec(db,
		     "UPDATE relations SET archived_at = ?, updated_at = ?"
		     " WHERE org_id = ? AND id = ? AND erased_at IS NULL",
		     DB_ARGS(DB_I0(archived ? now : 0), DB_I(now), DB_I(who->org_id), DB_I(id)));
	if (!rc && db_changes(db) == 0)
		rc = brug_fail(err, BRUG_ENOTFOUND, "error.relation_not_found", NULL);
	if (!rc)
		rc = audit_add(db, who, archived ? "relation.archive" : "relation.restore", "relation",
			       id, NULL);
	return db_finish(db, rc);
}

int relation_kind(struct db *db, int64_t org, int64_t id, char kind[16])
{
	char *k = NULL;
	int rc = db_text_query(db, &k,
			       "SELECT kind FROM relations WHERE org_id = ? AND id = ?"
			       " AND erased_at IS NULL",
			       DB_ARGS(DB_I(org), DB_I(id)));
	if (!rc)
		snprintf(kind, 16, "%s", k);
	free(k);
	return rc;
}

#define LIST_COLUMNS                                                                               \
	"r.id, r.kind, r.type, r.name, r.job_title, r.lang, r.parent_id, r.owner_id,"             \
	" r.archived_at, r.created_at, r.updated_at,"                                              \
	" (SELECT p.name FROM relations p WHERE p.org_id = r.org_id AND p.id = r.parent_id)"      \
	" AS parent_name,"                                                                         \
	" (SELECT u.name FROM users u WHERE u.org_id = r.org_id AND u.id = r.owner_id)"           \
	" AS owner_name,"                                                                          \
	" (SELECT c.value FROM contact_points c WHERE c.org_id = r.org_id"                       \
	" AND c.relation_id = r.id AND c.kind = 'email' ORDER BY c.position, c.id LIMIT 1)"      \
	" AS email,"                                                                               \
	" (SELECT c.value FROM contact_points c WHERE c.org_id = r.org_id"                       \
	" AND c.relation_id = r.id AND c.kind = 'phone' ORDER BY c.position, c.id LIMIT 1)"      \
	" AS phone"

int relation_get(struct db *db, int64_t org, int64_t id, json_t **out)
{
	struct db_rows *r = NULL;
	json_t *rel = NULL;
	int rc = db_query(db, &r,
			  "SELECT " LIST_COLUMNS ", r.given_name, r.family_name, r.notes"
			  " FROM relations r WHERE r.org_id = ? AND r.id = ? AND r.erased_at IS NULL",
			  DB_ARGS(DB_I(org), DB_I(id)));
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1)
		rel = db_row_json(r);
	db_rows_free(r);
	if (rc <= 0)
		return rc == 0 ? BRUG_ENOTFOUND : rc;
	const char *md = jx_str(rel, "notes");
	char *html = NULL;
	if (md && *md && markdown_to_html(md, strlen(md), MARKDOWN_SHIFT_HEADINGS, &html) == 0)
		jx_set_str(rel, "notes_html", html);
	free(html);
	rc = parts_read(db, org, id, rel);
	if (!rc && !strcmp(jx_str(rel, "kind"), "organisation")) {
		rc = db_query(db, &r,
			      "SELECT r.id, r.name, r.job_title, r.archived_at,"
			      " (SELECT c.value FROM contact_points c WHERE c.org_id = r.org_id"
			      " AND c.relation_id = r.id AND c.kind = 'email'"
			      " ORDER BY c.position, c.id LIMIT 1) AS email"
			      " FROM relations r WHERE r.org_id = ? AND r.parent_id = ?"
			      " AND r.erased_at IS NULL ORDER BY r.sort_key, r.id",
			      DB_ARGS(DB_I(org), DB_I(id)));
		json_t *people = rc ? NULL : db_rows_json(r, &rc);
		db_rows_free(r);
		if (!rc)
			json_object_set_new(rel, "people", people);
	}
	if (rc) {
		json_decref(rel);
		return rc;
	}
	*out = rel;
	return 0;
}

static const char *order_of(const struct relation_filter *f)
{
	static const char *const orders[3][2] = {
		{"ORDER BY r.sort_key, r.id", "ORDER BY r.sort_key DESC, r.id DESC"},
		{"ORDER BY r.created_at, r.id", "ORDER BY r.created_at DESC, r.id DESC"},
		{"ORDER BY r.updated_at, r.id", "ORDER BY r.updated_at DESC, r.id DESC"},
	};
	int s = f->sort >= REL_SORT_NAME && f->sort <= REL_SORT_UPDATED ? (int)f->sort : 0;
	return orders[s][f->desc ? 1 : 0];
}

size_t relation_where(struct buf *sql, struct db_arg *args, int64_t org,
		      const struct relation_filter *f, const char *tag_key)
{
	size_t n = 0;
	buf_adds(sql, " FROM relations r WHERE r.org_id = ? AND r.erased_at IS NULL");
	args[n++] = DB_I(org);
	if (f->status == REL_ACTIVE)
		buf_adds(sql, " AND r.archived_at IS NULL");
	else if (f->status == REL_ARCHIVED)
		buf_adds(sql, " AND r.archived_at IS NOT NULL");
	if (f->kind) {
		buf_adds(sql, " AND r.kind = ?");
		args[n++] = DB_T(f->kind);
	}
	if (f->type) {
		buf_adds(sql, " AND r.type = ?");
		args[n++] = DB_T(f->type);
	}
	if (f->owner_id) {
		buf_adds(sql, " AND r.owner_id = ?");
		args[n++] = DB_I(f->owner_id);
	}
	if (f->parent_id) {
		buf_adds(sql, " AND r.parent_id = ?");
		args[n++] = DB_I(f->parent_id);
	}
	if (tag_key) {
		buf_adds(sql, " AND EXISTS (SELECT 1 FROM relation_tags rt JOIN tags t"
			      " ON t.org_id = rt.org_id AND t.id = rt.tag_id WHERE rt.org_id = r.org_id"
			      " AND rt.relation_id = r.id AND t.sort_key = ?)");
		args[n++] = DB_T(tag_key);
	}
	return n;
}

int relation_list(struct db *db, int64_t org, const struct relation_filter *f, json_t **out)
{
	struct buf from;
	buf_init(&from, 0);
	struct db_arg args[RELATION_WHERE_ARGS];
	char *tag_key = f->tag ? relation_sort_key(f->tag) : NULL;
	size_t n = relation_where(&from, args, org, f, tag_key);
	int rc = listing_query(db, LIST_COLUMNS, buf_str(&from), order_of(f), args, n, f->page, out);
	free(tag_key);
	buf_cleanup(&from);
	return rc;
}

int relation_tags(struct db *db, int64_t org, json_t **out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT t.id, t.name, (SELECT COUNT(*) FROM relation_tags rt"
			  " WHERE rt.org_id = t.org_id AND rt.tag_id = t.id) AS relations"
			  " FROM tags t WHERE t.org_id = ? ORDER BY t.sort_key",
			  DB_ARGS(DB_I(org)));
	json_t *a = rc ? NULL : db_rows_json(r, &rc);
	db_rows_free(r);
	if (!rc)
		*out = a;
	return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The SQL of a relations import, a batch at a time: one look-up per kind
 * of key for the whole batch (existing relations by email address, phone
 * number and name), and the new relations, contact points, tags and search
 * terms written as multi-row INSERTs of up to DB_ARGS_MAX arguments, so a
 * row costs a fraction of a statement. What is written is exactly what
 * domain/relation.c writes for the same relation (search.c's terms
 * included), only without an audit entry per row (the import writes one). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/import_impl.h"
#include "domain/relation_parts.h"
#include "domain/search.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/xmalloc.h"

void import_key_email(char *out, bool person, const char *norm)
{
	snprintf(out, IMPORT_KEY_MAX, "e:%c:%s", person ? 'p' : 'o', norm);
}

void import_key_phone(char *out, bool person, const char *norm)
{
	snprintf(out, IMPORT_KEY_MAX, "t:%c:%s", person ? 'p' : 'o', norm);
}

void import_key_name(char *out, bool person, const char *org_key, const char *name_key)
{
	if (person)
		snprintf(out, IMPORT_KEY_MAX, "n:p:%s\x1f%s", org_key ? org_key : "", name_key);
	else
		snprintf(out, IMPORT_KEY_MAX, "n:o:%s", name_key);
}

/* ---- look-ups ---- */

/* Runs head + "(?, ..., ?)" (want placeholders, the values padded with
 * NULL so the text, and its prepared statement, stay the same) + tail, and
 * puts a key for each row as key_of reads it, with the lowest id (column
 * 0) found for it: the oldest relation is the one a key finds. (Sorting in
 * SQL would let SQLite walk an index in id order instead of probing the
 * IN list.) */
static int lookup(struct db *db, int64_t org, const char *head, const char *tail,
		  const char **vals, size_t n, size_t want, struct import_keys *found,
		  void (*key_of)(struct db_rows *r, char *key))
{
	struct db_arg *args = xcalloc(want + 1, sizeof(*args));
	struct buf sql;
	buf_init(&sql, 0);
	buf_adds(&sql, head);
	buf_adds(&sql, " IN (");
	args[0] = DB_I(org);
	for (size_t i = 0; i < want; i++) {
		buf_adds(&sql, i ? ", ?" : "?");
		args[i + 1] = i < n ? DB_T(vals[i]) : DB_NULLARG;
	}
	buf_adds(&sql, ")");
	buf_adds(&sql, tail);
	struct db_rows *r = NULL;
	int rc = n ? db_query(db, &r, buf_str(&sql), args, want + 1) : 0;
	char key[IMPORT_KEY_MAX];
	int more = 0;
	while (!rc && n && (more = db_next(r)) == 1) {
		key_of(r, key);
		import_keys_min(found, key, db_int(r, 0));
	}
	if (!rc && more < 0)
		rc = more;
	db_rows_free(r);
	buf_cleanup(&sql);
	free(args);
	return rc;
}

static bool is_person(struct db_rows *r, int col)
{
	return !strcmp(db_text(r, col), "person");
}

static void email_key(struct db_rows *r, char *key)
{
	import_key_email(key, is_person(r, 1), db_text(r, 2));
}

static void phone_key(struct db_rows *r, char *key)
{
	import_key_phone(key, is_person(r, 1), db_text(r, 2));
}

static void org_key(struct db_rows *r, char *key)
{
	import_key_name(key, false, NULL, db_text(r, 1));
}

static void person_key(struct db_rows *r, char *key)
{
	import_key_name(key, true, db_text(r, 2), db_text(r, 1));
}

/* Adds v to vals (n grows) unless it is there already. */
static void add_val(const char **vals, size_t *n, const char *v)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(vals[i], v))
			return;
	vals[(*n)++] = v;
}

/* People of the batch's organisations that exist, by name: through the
 * organisation (an index on parent_id), so a common name ("Jan Jansen")
 * costs the people of a few organisations, not every Jan Jansen. */
static int lookup_people(struct db *db, int64_t org, const int64_t *parents, size_t np,
			 const char **names, size_t nn, struct import_keys *found)
{
	if (!np || !nn)
		return 0;
	struct db_arg *args = xcalloc(1 + 2 * IMPORT_BATCH, sizeof(*args));
	struct buf sql;
	buf_init(&sql, 0);
	buf_adds(&sql, "SELECT r.id, r.sort_key, p.sort_key FROM relations r JOIN relations p"
		       " ON p.org_id = r.org_id AND p.id = r.parent_id WHERE r.org_id = ?"
		       " AND r.kind = 'person' AND r.erased_at IS NULL AND r.parent_id IN (");
	args[0] = DB_I(org);
	for (size_t i = 0; i < IMPORT_BATCH; i++) {
		buf_adds(&sql, i ? ", ?" : "?");
		args[1 + i] = i < np ? DB_I(parents[i]) : DB_I0(0);
	}
	buf_adds(&sql, ") AND r.sort_key IN (");
	for (size_t i = 0; i < IMPORT_BATCH; i++) {
		buf_adds(&sql, i ? ", ?" : "?");
		args[1 + IMPORT_BATCH + i] = i < nn ? DB_T(names[i]) : DB_NULLARG;
	}
	buf_adds(&sql, ")");
	struct db_rows *r = NULL;
	int rc = db_query(db, &r, buf_str(&sql), args, 1 + 2 * IMPORT_BATCH);
	int more = 0;
	char key[IMPORT_KEY_MAX];
	while (!rc && (more = db_next(r)) == 1) {
		person_key(r, key);
		import_keys_min(found, key, db_int(r, 0));
	}
	if (!rc && more < 0)
		rc = more;
	db_rows_free(r);
	buf_cleanup(&sql);
	free(args);
	return rc;
}

int import_lookup(struct db *db, int64_t org, struct import_row *const *rows, size_t n,
		  struct import_keys *found)
{
	const char **emails = xcalloc(IMPORT_BATCH, sizeof(char *));
	const char **phones = xcalloc(2 * IMPORT_BATCH, sizeof(char *));
	const char **orgs = xcalloc(IMPORT_BATCH, sizeof(char *));
	const char **people = xcalloc(IMPORT_BATCH, sizeof(char *));
	const char **loners = xcalloc(IMPORT_BATCH, sizeof(char *));
	int64_t *parents = xcalloc(IMPORT_BATCH, sizeof(int64_t));
	size_t ne = 0, np = 0, no = 0, nn = 0, nl = 0, npar = 0;
	n = n < IMPORT_BATCH ? n : IMPORT_BATCH;
	for (size_t i = 0; i < n; i++) {
		const struct import_row *w = rows[i];
		if (w->email)
			add_val(emails, &ne, w->email_norm);
		if (w->phone)
			add_val(phones, &np, w->phone_norm);
		if (w->mobile)
			add_val(phones, &np, w->mobile_norm);
		if (!w->person)
			add_val(orgs, &no, w->name_key);
		else if (*w->org_key)
			add_val(orgs, &no, w->org_key);
		if (w->person && *w->org_key)
			add_val(people, &nn, w->name_key);
		else if (w->person)
			add_val(loners, &nl, w->name_key);
	}
	int rc = lookup(db, org,
			"SELECT c.relation_id, r.kind, c.norm FROM contact_points c JOIN relations r"
			" ON r.org_id = c.org_id AND r.id = c.relation_id WHERE c.org_id = ?"
			" AND c.kind = 'email' AND r.erased_at IS NULL AND c.norm",
			"", emails, ne, IMPORT_BATCH, found, email_key);
	if (!rc)
		rc = lookup(db, org,
			    "SELECT c.relation_id, r.kind, c.norm FROM contact_points c JOIN relations r"
			    " ON r.org_id = c.org_id AND r.id = c.relation_id WHERE c.org_id = ?"
			    " AND c.kind = 'phone' AND r.erased_at IS NULL AND c.norm",
			    "", phones, np, 2 * IMPORT_BATCH, found, phone_key);
	if (!rc)
		rc = lookup(db, org,
			    "SELECT id, sort_key FROM relations WHERE org_id = ?"
			    " AND kind = 'organisation' AND erased_at IS NULL AND sort_key",
			    "", orgs, no, IMPORT_BATCH, found, org_key);
	char key[IMPORT_KEY_MAX];
	for (size_t i = 0; !rc && i < n; i++) {
		int64_t id = 0;
		import_key_name(key, false, NULL, rows[i]->org_key);
		if (rows[i]->person && *rows[i]->org_key && import_keys_get(found, key, &id)) {
			size_t k = 0;
			while (k < npar && parents[k] != id)
				k++;
			if (k == npar)
				parents[npar++] = id;
		}
	}
	if (!rc)
		rc = lookup_people(db, org, parents, npar, people, nn, found);
	if (!rc)
		rc = lookup(db, org,
			    "SELECT id, sort_key, '' FROM relations WHERE org_id = ?"
			    " AND kind = 'person' AND parent_id IS NULL AND erased_at IS NULL AND sort_key",
			    "", loners, nl, IMPORT_BATCH, found, person_key);
	free(emails);
	free(phones);
	free(orgs);
	free(people);
	free(loners);
	free(parents);
	return rc;
}

/* ---- new relations ---- */

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* Inserts the relations of creates[from..n) that are (or are not) people. */
static int insert_relations(struct db *db, int64_t org, struct import_new *c, size_t from,
			    size_t n, bool people)
{
	struct import_ins s;
	import_ins_init(&s, db,
			"INSERT INTO relations (org_id, kind, type, name, given_name, family_name,"
			" sort_key, parent_id, job_title, owner_id, lang, notes, created_at, updated_at)"
			" VALUES",
			" RETURNING id", 14);
	int64_t now = clock_now_ms();
	for (size_t i = from; i < n; i++) {
		if (c[i].person != people)
			continue;
		const struct import_row *w = c[i].row;
		int64_t parent = c[i].parent >= 0 ? c[c[i].parent].id : c[i].parent_id;
		struct db_arg row[14] = {
			DB_I(org), DB_T(people ? "person" : "organisation"),
			DB_T(c[i].type ? c[i].type : "customer"), DB_T(c[i].name),
			DB_T(w ? or_empty(w->given) : ""), DB_T(w ? or_empty(w->family) : ""),
			DB_T(c[i].name_key), DB_I0(people ? parent : 0),
			DB_T(w ? or_empty(w->job_title) : ""), DB_I0(c[i].owner_id),
			DB_T(w && w->lang ? w->lang : "nl"), DB_T(w ? or_empty(w->notes) : ""),
			DB_I(now), DB_I(now)};
		import_ins_row(&s, row);
	}
	int rc = import_ins_flush(&s);
	for (size_t i = from, k = 0; !rc && i < n; i++)
		if (c[i].person == people)
			c[i].id = s.ids[k++];
	int rc2 = import_ins_done(&s);
	return rc ? rc : rc2;
}

static void point(struct import_ins *s, int64_t org, int64_t rel, const char *kind,
		  const char *label, const char *value, const char *norm, int pos)
{
	struct db_arg row[11] = {DB_I(org), DB_I(rel), DB_T(kind), DB_T(label), DB_T(value),
				 DB_T(norm), DB_T(""), DB_T(""), DB_T(""), DB_T(""), DB_I(pos)};
	import_ins_row(s, row);
}

static void address(struct import_ins *s, int64_t org, int64_t rel, const struct import_row *w)
{
	char value[512];
	parts_address_value(or_empty(w->street), or_empty(w->postal_code), or_empty(w->city),
			    or_empty(w->country), value, sizeof(value));
	struct db_arg row[11] = {DB_I(org), DB_I(rel), DB_T("address"), DB_T(""),
				 DB_T(import_ins_text(s, value)), DB_T(""), DB_T(or_empty(w->street)),
				 DB_T(or_empty(w->postal_code)), DB_T(or_empty(w->city)),
				 DB_T(or_empty(w->country)), DB_I(0)};
	import_ins_row(s, row);
}

static int insert_points(struct db *db, int64_t org, struct import_new *c, size_t from, size_t n)
{
	struct import_ins s;
	import_ins_init(&s, db,
			"INSERT INTO contact_points (org_id, relation_id, kind, label, value, norm,"
			" street, postal_code, city, country, position) VALUES",
			"", 11);
	for (size_t i = from; i < n; i++) {
		const struct import_row *w = c[i].row;
		if (!w)
			continue;
		if (w->email)
			point(&s, org, c[i].id, "email", "", w->email, w->email_norm, 0);
		if (w->phone)
			point(&s, org, c[i].id, "phone", "", w->phone, w->phone_norm, 0);
		if (w->mobile)
			point(&s, org, c[i].id, "phone", "mobile", w->mobile, w->mobile_norm,
			      w->phone ? 1 : 0);
		if (w->has_address)
			address(&s, org, c[i].id, w);
	}
	return import_ins_done(&s);
}

/* The id of the organisation's tag called name, made when new; cached in
 * tags by sort key for the rest of the import. */
static int tag_id(struct db *db, int64_t org, const char *name, struct import_keys *tags,
		  int64_t *id)
{
	char *key = relation_sort_key(name);
	int rc = 0;
	if (!import_keys_get(tags, key, id)) {
		rc = db_int_query(db, id, "SELECT id FROM tags WHERE org_id = ? AND sort_key = ?",
				  DB_ARGS(DB_I(org), DB_T(key)));
		if (rc == BRUG_ENOTFOUND)
			rc = db_int_query(db, id,
					  "INSERT INTO tags (org_id, name, sort_key, created_at)"
					  " VALUES (?, ?, ?, ?) RETURNING id",
					  DB_ARGS(DB_I(org), DB_T(name), DB_T(key),
						  DB_I(clock_now_ms())));
		if (!rc)
			import_keys_put(tags, key, *id);
	}
	free(key);
	return rc;
}

static int insert_tags(struct db *db, int64_t org, struct import_new *c, size_t from, size_t n,
		       struct import_keys *tags)
{
	struct import_ins s;
	import_ins_init(&s, db, "INSERT INTO relation_tags (org_id, relation_id, tag_id) VALUES", "",
			3);
	int rc = 0;
	for (size_t i = from; !rc && i < n; i++)
		for (size_t t = 0; !rc && c[i].row && t < c[i].row->ntags; t++) {
			int64_t id = 0;
			rc = tag_id(db, org, c[i].row->tags[t], tags, &id);
			if (!rc)
				rc = import_ins_row(&s,
						    (struct db_arg[]){DB_I(org), DB_I(c[i].id), DB_I(id)});
		}
	int rc2 = import_ins_done(&s);
	return rc ? rc : rc2;
}

/* The custom values of new relations (organisations made for a person's
 * row have none of the row's). */
static int insert_custom(struct db *db, int64_t org, struct import_new *c, size_t from, size_t n,
			 const json_t *custom)
{
	size_t nf = json_array_size(custom) < IMPORT_CUSTOM_MAX ? json_array_size(custom)
								 : IMPORT_CUSTOM_MAX;
	if (!nf)
		return 0;
	struct import_ins s;
	import_ins_init(&s, db,
			"INSERT INTO custom_values (org_id, relation_id, field_id, value) VALUES", "",
			4);
	int rc = 0;
	for (size_t i = from; !rc && i < n; i++)
		for (size_t k = 0; !rc && c[i].row && k < nf; k++)
			if (c[i].row->custom[k])
				rc = import_ins_row(
					&s, (struct db_arg[]){DB_I(org), DB_I(c[i].id),
							      DB_I(jx_int(json_array_get(custom, k), "id", 0)),
							      DB_T(c[i].row->custom[k])});
	int rc2 = import_ins_done(&s);
	return rc ? rc : rc2;
}

int import_write_new(struct db *db, int64_t org, struct import_new *creates, size_t from,
		     size_t n, const json_t *custom, struct import_keys *tags,
		     struct import_span *made)
{
	if (from >= n)
		return 0;
	int rc = insert_relations(db, org, creates, from, n, false);
	if (!rc)
		rc = insert_relations(db, org, creates, from, n, true);
	if (!rc)
		rc = insert_points(db, org, creates, from, n);
	if (!rc)
		rc = insert_tags(db, org, creates, from, n, tags);
	if (!rc)
		rc = insert_custom(db, org, creates, from, n, custom);
	for (size_t i = from; !rc && i < n; i++)
		import_span_add(made, creates[i].id);
	return rc;
}


/* ---- updates ---- */

/* Adds a contact point unless the relation has one of this kind with the
 * same norm (the same value, for an address). */
static int add_point(struct db *db, int64_t org, int64_t id, const char *kind, const char *label,
		     const char *value, const char *norm, const struct import_row *w)
{
	bool addr = !strcmp(kind, "address");
	return db_exec(
		db,
		"INSERT INTO contact_points (org_id, relation_id, kind, label, value, norm, street,"
		" postal_code, city, country, position)"
		" SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(position) + 1, 0)"
		" FROM contact_points WHERE org_id = ? AND relation_id = ? AND kind = ?)"
		" WHERE NOT EXISTS (SELECT 1 FROM contact_points WHERE org_id = ?"
		" AND relation_id = ? AND kind = ? AND (CASE WHEN ? = 1 THEN value ELSE norm END) = ?)",
		DB_ARGS(DB_I(org), DB_I(id), DB_T(kind), DB_T(label), DB_T(value), DB_T(norm),
			DB_T(addr ? or_empty(w->street) : ""), DB_T(addr ? or_empty(w->postal_code) : ""),
			DB_T(addr ? or_empty(w->city) : ""), DB_T(addr ? or_empty(w->country) : ""),
			DB_I(org), DB_I(id), DB_T(kind), DB_I(org), DB_I(id), DB_T(kind),
			DB_I(addr ? 1 : 0), DB_T(addr ? value : norm)));
}

static int update_points(struct db *db, int64_t org, int64_t id, const struct import_row *w)
{
	int rc = 0;
	if (w->email)
		rc = add_point(db, org, id, "email", "", w->email, w->email_norm, w);
	if (!rc && w->phone)
		rc = add_point(db, org, id, "phone", "", w->phone, w->phone_norm, w);
	if (!rc && w->mobile)
		rc = add_point(db, org, id, "phone", "mobile", w->mobile, w->mobile_norm, w);
	if (!rc && w->has_address) {
		char value[512];
		parts_address_value(or_empty(w->street), or_empty(w->postal_code), or_empty(w->city),
				    or_empty(w->country), value, sizeof(value));
		rc = add_point(db, org, id, "address", "", value, "", w);
	}
	return rc;
}

int import_write_update(struct db *db, int64_t org, int64_t id, const struct import_row *w,
			int64_t parent_id, const json_t *custom, struct import_keys *tags)
{
	/* a person's name changes only when the row names them in full */
	bool full = !w->person || (w->given && w->family) || (!w->given && !w->family);
	int rc = db_exec(
		db,
		"UPDATE relations SET type = COALESCE(?, type), name = COALESCE(?, name),"
		" sort_key = COALESCE(?, sort_key), given_name = COALESCE(?, given_name),"
		" family_name = COALESCE(?, family_name), job_title = COALESCE(?, job_title),"
		" lang = COALESCE(?, lang), notes = COALESCE(?, notes),"
		" parent_id = COALESCE(?, parent_id), owner_id = COALESCE(?, owner_id),"
		" updated_at = ? WHERE org_id = ? AND id = ?",
		DB_ARGS(DB_T(w->type), DB_T(full ? w->name : NULL), DB_T(full ? w->name_key : NULL),
			DB_T(w->given), DB_T(w->family), DB_T(w->job_title), DB_T(w->lang),
			DB_T(w->notes), DB_I0(parent_id), DB_I0(w->owner_id), DB_I(clock_now_ms()),
			DB_I(org), DB_I(id)));
	if (!rc)
		rc = update_points(db, org, id, w);
	for (size_t t = 0; !rc && t < w->ntags; t++) {
		int64_t tid = 0;
		rc = tag_id(db, org, w->tags[t], tags, &tid);
		if (!rc)
			rc = db_exec(db,
				     "INSERT INTO relation_tags (org_id, relation_id, tag_id)"
				     " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
				     DB_ARGS(DB_I(org), DB_I(id), DB_I(tid)));
	}
	for (size_t k = 0; !rc && k < json_array_size(custom) && k < IMPORT_CUSTOM_MAX; k++)
		if (w->custom[k])
			rc = db_exec(db,
				     "INSERT INTO custom_values (org_id, relation_id, field_id, value)"
				     " VALUES (?, ?, ?, ?) ON CONFLICT (org_id, relation_id, field_id)"
				     " DO UPDATE SET value = excluded.value",
				     DB_ARGS(DB_I(org), DB_I(id),
					     DB_I(jx_int(json_array_get(custom, k), "id", 0)),
					     DB_T(w->custom[k])));
	if (!rc)
		rc = search_index_relation(db, org, id);
	return rc;
}

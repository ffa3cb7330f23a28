/* SPDX-License-Identifier: Apache-2.0 */
/* The parts of a relation that come as lists: email addresses, phone
 * numbers, postal addresses and tags. Checked before anything is written,
 * then replaced as a whole inside the caller's transaction. */
#include "domain/relation_parts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/custom_field.h"
#include "domain/relation.h"
#include "util/clock.h"
#include "util/contactinfo.h"
#include "util/jx.h"
#include "util/utf8.h"

#define MAX_ITEMS 20
#define MAX_TAGS 50

/* A text member of an item: absent or null is "", anything but a string
 * or longer than max code points is an error. */
static bool member(json_t *item, const char *key, size_t max, const char **out)
{
	json_t *v = json_object_get(item, key);
	if (!v || json_is_null(v)) {
		*out = "";
		return true;
	}
	if (!json_is_string(v))
		return false;
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (!utf8_valid(s, n) || utf8_has_controls(s, n) || utf8_len(s, n) > max)
		return false;
	*out = s;
	return true;
}

static int bad(struct brug_err *err, const char *key, const char *field)
{
	return brug_fail(err, BRUG_EVALIDATION, key, field);
}

int parts_check(const struct relation_in *in, struct brug_err *err)
{
	json_t *lists[] = {in->emails, in->phones, in->addresses};
	const char *names[] = {"emails", "phones", "addresses"};
	for (int l = 0; l < 3; l++) {
		json_t *a = lists[l], *it;
		size_t i;
		if (!a)
			continue;
		if (!json_is_array(a) || json_array_size(a) > MAX_ITEMS)
			return bad(err, "error.list", names[l]);
		json_array_foreach(a, i, it) {
			const char *v, *label, *x;
			if (!json_is_object(it) || !member(it, "label", 40, &label))
				return bad(err, "error.list", names[l]);
			if (l == 2) {
				const char *keys[] = {"street", "postal_code", "city", "country"};
				size_t max[] = {200, 20, 100, 100};
				for (int k = 0; k < 4; k++)
					if (!member(it, keys[k], max[k], &x))
						return bad(err, "error.address", names[l]);
				continue;
			}
			if (!member(it, "value", l == 0 ? 254 : 40, &v) || !*v)
				return bad(err, l == 0 ? "error.email" : "error.phone", names[l]);
			char norm[PHONE_NORM_MAX];
			if (l == 0 && !contactinfo_email_valid(v))
				return bad(err, "error.email", names[l]);
			if (l == 1 && !contactinfo_phone_norm(v, "31", norm))
				return bad(err, "error.phone", names[l]);
		}
	}
	if (in->tags) {
		json_t *t;
		size_t i;
		if (!json_is_array(in->tags) || json_array_size(in->tags) > MAX_TAGS)
			return bad(err, "error.tags", "tags");
		json_array_foreach(in->tags, i, t) {
			const char *s = json_string_value(t);
			size_t n = s ? json_string_length(t) : 0;
			if (!s || !n || !utf8_valid(s, n) || utf8_has_controls(s, n) ||
			    utf8_len(s, n) > 50)
				return bad(err, "error.tags", "tags");
		}
	}
	return 0;
}

static void lower_ascii(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

void parts_address_value(const char *street, const char *pc, const char *city,
			 const char *country, char *out, size_t n)
{
	snprintf(out, n, "%s%s%s%s%s%s%s", street, *street ? ", " : "", pc, *pc && *city ? " " : "",
		 city, *country ? ", " : "", country);
}

static int insert_point(struct db *db, int64_t org, int64_t rel, const char *kind, json_t *it,
			int pos)
{
	const char *label = jx_str(it, "label") ? jx_str(it, "label") : "";
	if (!strcmp(kind, "address")) {
		const char *street = jx_str(it, "street") ? jx_str(it, "street") : "";
		const char *pc = jx_str(it, "postal_code") ? jx_str(it, "postal_code") : "";
		const char *city = jx_str(it, "city") ? jx_str(it, "city") : "";
		const char *country = jx_str(it, "country") ? jx_str(it, "country") : "";
		if (!*street && !*pc && !*city && !*country)
			return 0; /* an empty address row of a form */
		char value[512];
		parts_address_value(street, pc, city, country, value, sizeof(value));
		return db_exec(db,
			       "INSERT INTO contact_points (org_id, relation_id, kind, label, value,"
			       " street, postal_code, city, country, position)"
			       " VALUES (?, ?, 'address', ?, ?, ?, ?, ?, ?, ?)",
			       DB_ARGS(DB_I(org), DB_I(rel), DB_T(label), DB_T(value), DB_T(street),
				       DB_T(pc), DB_T(city), DB_T(country), DB_I(pos)));
	}
	const char *value = jx_str(it, "value");
	char norm[256];
	if (!strcmp(kind, "email")) {
		snprintf(norm, sizeof(norm), "%s", value);
		lower_ascii(norm);
	} else if (!contactinfo_phone_norm(value, "31", norm)) {
		norm[0] = '\0';
	}
	return db_exec(db,
		       "INSERT INTO contact_points (org_id, relation_id, kind, label, value, norm,"
		       " position) VALUES (?, ?, ?, ?, ?, ?, ?)",
		       DB_ARGS(DB_I(org), DB_I(rel), DB_T(kind), DB_T(label), DB_T(value), DB_T(norm),
			       DB_I(pos)));
}

static int replace_points(struct db *db, int64_t org, int64_t rel, const char *kind, json_t *a)
{
	int rc = db_exec(db,
			 "DELETE FROM contact_points WHERE org_id = ? AND relation_id = ? AND kind = ?",
			 DB_ARGS(DB_I(org), DB_I(rel), DB_T(kind)));
	json_t *it;
	size_t i;
	json_array_foreach(a, i, it) {
		if (rc)
			break;
		rc = insert_point(db, org, rel, kind, it, (int)i);
	}
	return rc;
}

static int tag_id(struct db *db, int64_t org, const char *name, int64_t *id)
{
	char *key = relation_sort_key(name);
	int rc = db_int_query(db, id, "SELECT id FROM tags WHERE org_id = ? AND sort_key = ?",
			      DB_ARGS(DB_I(org), DB_T(key)));
	if (rc == BRUG_ENOTFOUND)
		rc = db_int_query(db, id,
				  "INSERT INTO tags (org_id, name, sort_key, created_at)"
				  " VALUES (?, ?, ?, ?) RETURNING id",
				  DB_ARGS(DB_I(org), DB_T(name), DB_T(key), DB_I(clock_now_ms())));
	free(key);
	return rc;
}

static int replace_tags(struct db *db, int64_t org, int64_t rel, json_t *tags)
{
	int rc = db_exec(db, "DELETE FROM relation_tags WHERE org_id = ? AND relation_id = ?",
			 DB_ARGS(DB_I(org), DB_I(rel)));
	json_t *t;
	size_t i;
	json_array_foreach(tags, i, t) {
		int64_t id = 0;
		if (!rc)
			rc = tag_id(db, org, json_string_value(t), &id);
		if (!rc)
			rc = db_exec(db,
				     "INSERT INTO relation_tags (org_id, relation_id, tag_id)"
				     " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
				     DB_ARGS(DB_I(org), DB_I(rel), DB_I(id)));
	}
	return rc;
}

int parts_write(struct db *db, int64_t org, int64_t rel, const struct relation_in *in)
{
	int rc = 0;
	if (in->emails)
		rc = replace_points(db, org, rel, "email", in->emails);
	if (!rc && in->phones)
		rc = replace_points(db, org, rel, "phone", in->phones);
	if (!rc && in->addresses)
		rc = replace_points(db, org, rel, "address", in->addresses);
	if (!rc && in->tags)
		rc = replace_tags(db, org, rel, in->tags);
	return rc;
}

int parts_write_custom(struct db *db, int64_t org, int64_t rel, const struct relation_in *in,
		       struct brug_err *err)
{
	if (!in->custom)
		return 0;
	json_t *fields = NULL, *norm = NULL;
	int rc = custom_field_list(db, org, &fields);
	if (!rc)
		rc = custom_field_check(fields, in->custom, &norm, err);
	const char *k;
	json_t *v;
	json_object_foreach(norm, k, v) {
		if (rc)
			break;
		int64_t fid = 0;
		size_t i;
		json_t *f;
		json_array_foreach(fields, i, f)
			if (!strcmp(jx_str(f, "name"), k))
				fid = jx_int(f, "id", 0);
		if (!*json_string_value(v))
			rc = db_exec(db,
				     "DELETE FROM custom_values WHERE org_id = ? AND relation_id = ?"
				     " AND field_id = ?",
				     DB_ARGS(DB_I(org), DB_I(rel), DB_I(fid)));
		else
			rc = db_exec(db,
				     "INSERT INTO custom_values (org_id, relation_id, field_id, value)"
				     " VALUES (?, ?, ?, ?) ON CONFLICT (org_id, relation_id, field_id)"
				     " DO UPDATE SET value = excluded.value",
				     DB_ARGS(DB_I(org), DB_I(rel), DB_I(fid), DB_T(json_string_value(v))));
	}
	json_decref(fields);
	json_decref(norm);
	return rc;
}

/* "custom": {name: value} of the relation; numbers as JSON numbers. */
static int custom_read(struct db *db, int64_t org, int64_t rel, json_t **out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT f.name, f.type, v.value FROM custom_values v JOIN custom_fields f"
			  " ON f.org_id = v.org_id AND f.id = v.field_id WHERE v.org_id = ?"
			  " AND v.relation_id = ? ORDER BY f.position, f.id",
			  DB_ARGS(DB_I(org), DB_I(rel)));
	json_t *o = json_object();
	int more = 0;
	while (!rc && (more = db_next(r)) == 1) {
		const char *type = db_text(r, 1), *value = db_text(r, 2);
		json_object_set_new(o, db_text(r, 0), custom_field_value_json(type, value));
	}
	if (!rc && more < 0)
		rc = more;
	db_rows_free(r);
	if (rc) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

static int points(struct db *db, int64_t org, int64_t rel, const char *kind, json_t **out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  !strcmp(kind, "address")
				  ? "SELECT label, value, street, postal_code, city, country"
				    " FROM contact_points WHERE org_id = ? AND relation_id = ?"
				    " AND kind = ? ORDER BY position, id"
				  : "SELECT label, value FROM contact_points WHERE org_id = ?"
				    " AND relation_id = ? AND kind = ? ORDER BY position, id",
			  DB_ARGS(DB_I(org), DB_I(rel), DB_T(kind)));
	json_t *a = rc ? NULL : db_rows_json(r, &rc);
	db_rows_free(r);
	if (!rc)
		*out = a;
	return rc;
}

int parts_read(struct db *db, int64_t org, int64_t rel, json_t *into)
{
	json_t *e = NULL, *p = NULL, *a = NULL, *t = NULL, *c = NULL;
	int rc = points(db, org, rel, "email", &e);
	if (!rc)
		rc = points(db, org, rel, "phone", &p);
	if (!rc)
		rc = points(db, org, rel, "address", &a);
	if (!rc) {
		struct db_rows *r = NULL;
		rc = db_query(db, &r,
			      "SELECT t.name FROM relation_tags rt JOIN tags t ON t.org_id = rt.org_id"
			      " AND t.id = rt.tag_id WHERE rt.org_id = ? AND rt.relation_id = ?"
			      " ORDER BY t.sort_key",
			      DB_ARGS(DB_I(org), DB_I(rel)));
		t = json_array();
		int more = 0;
		while (!rc && (more = db_next(r)) == 1)
			json_array_append_new(t, json_string(db_text(r, 0)));
		if (!rc && more < 0)
			rc = more;
		db_rows_free(r);
	}
	if (!rc)
		rc = custom_read(db, org, rel, &c);
	if (!rc) {
		json_object_set_new(into, "custom", c);
		json_object_set_new(into, "emails", e);
		json_object_set_new(into, "phones", p);
		json_object_set_new(into, "addresses", a);
		json_object_set_new(into, "tags", t);
		return 0;
	}
	json_decref(e);
	json_decref(p);
	json_decref(a);
	json_decref(t);
	return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Custom field definitions and the checks of their values; see
 * custom_field.h. */
#include "domain/custom_field.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/check.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

static const char *const types[] = {"text", "number", "date", "choice", NULL};

static int bad(struct brug_err *err, const char *key, const char *field)
{
	return brug_fail(err, BRUG_EVALIDATION, key, field);
}

static bool text_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	return s && n && utf8_valid(s, n) && !utf8_has_controls(s, n) && utf8_len(s, n) <= max;
}

int custom_field_list(struct db *db, int64_t org, json_t **out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT id, name, label, type, choices FROM custom_fields WHERE org_id = ?"
			  " ORDER BY position, id",
			  DB_ARGS(DB_I(org)));
	json_t *a = rc ? NULL : db_rows_json(r, &rc);
	db_rows_free(r);
	if (rc)
		return rc;
	size_t i;
	json_t *f;
	json_array_foreach(a, i, f) {
		json_t *c = json_loads(jx_str(f, "choices") ? jx_str(f, "choices") : "[]", 0, NULL);
		json_object_set_new(f, "choices", json_is_array(c) ? c : json_array());
		if (c && !json_is_array(c))
			json_decref(c);
	}
	*out = a;
	return 0;
}

static int check_definition(const char *name, const char *label, const char *type,
			    json_t *choices, struct brug_err *err)
{
	size_t n = name ? strlen(name) : 0;
	if (!n || n > 40 || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") != n)
		return bad(err, "error.field_name", "name");
	if (!text_ok(label, 100))
		return bad(err, label && *label ? "error.too_long" : "error.required", "label");
	bool known = false;
	for (int i = 0; type && types[i]; i++)
		known |= !strcmp(type, types[i]);
	if (!known)
		return bad(err, "error.choice", "type");
	if (strcmp(type, "choice"))
		return 0;
	if (!json_is_array(choices) || !json_array_size(choices) || json_array_size(choices) > 50)
		return bad(err, "error.field_choices", "choices");
	for (size_t i = 0; i < json_array_size(choices); i++) {
		const char *c = json_string_value(json_array_get(choices, i));
		if (!text_ok(c, 100))
			return bad(err, "error.field_choices", "choices");
		for (size_t j = 0; j < i; j++)
			if (!strcmp(c, json_string_value(json_array_get(choices, j))))
				return bad(err, "error.field_choices", "choices");
	}
	return 0;
}

int custom_field_create(struct db *db, const struct actor *who, const char *name,
			const char *label, const char *type, json_t *choices, int64_t *id,
			struct brug_err *err)
{
	int rc = check_definition(name, label, type, choices, err);
	if (rc)
		return rc;
	char *list = strcmp(type, "choice") ? NULL : json_dumps(choices, JSON_COMPACT);
	if ((rc = db_begin(db))) {
		free(list);
		return rc;
	}
	int64_t fid = 0;
	rc = db_int_query(db, &fid,
			  "INSERT INTO custom_fields (org_id, name, label, type, choices, position,"
			  " created_at) VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1"
			  " FROM custom_fields WHERE org_id = ?), ?) RETURNING id",
			  DB_ARGS(DB_I(who->org_id), DB_T(name), DB_T(label), DB_T(type),
				  DB_T(list ? list : "[]"), DB_I(who->org_id),
				  DB_I(clock_now_ms())));
	if (rc == BRUG_ECONFLICT)
		brug_fail(err, rc, "error.field_taken", "name");
	if (!rc)
		rc = audit_add(db, who, "custom_field.create", "custom_field", fid,
			       json_pack("{s:s,s:s}", "name", name, "type", type));
	rc = db_finish(db, rc);
	free(list);
	if (!rc)
		*id = fid;
	return rc;
}

int custom_field_delete(struct db *db, const struct actor *who, int64_t id, struct brug_err *err)
{
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_exec(db, "DELETE FROM custom_values WHERE org_id = ? AND field_id = ?",
		     DB_ARGS(DB_I(who->org_id), DB_I(id)));
	if (!rc)
		rc = db_exec(db, "DELETE FROM custom_fields WHERE org_id = ? AND id = ?",
			     DB_ARGS(DB_I(who->org_id), DB_I(id)));
	if (!rc && db_changes(db) == 0)
		rc = brug_fail(err, BRUG_ENOTFOUND, "error.not_found", NULL);
	if (!rc)
		rc = audit_add(db, who, "custom_field.delete", "custom_field", id, NULL);
	return db_finish(db, rc);
}

char *custom_field_stored(const json_t *field, const json_t *v)
{
	const char *type = jx_str(field, "type");
	char buf[64];
	if (json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
		return xstrdup("");
	if (!strcmp(type, "number")) {
		double x;
		char *end = NULL;
		if (json_is_number(v)) {
			x = json_number_value(v);
		} else if (json_is_string(v)) {
			/* a form's number, with a Dutch decimal comma allowed; one
			 * longer than buf is refused, not cut to what fits */
			if (strlen(json_string_value(v)) >= sizeof(buf))
				return NULL;
			snprintf(buf, sizeof(buf), "%s", json_string_value(v));
			for (char *p = buf; *p; p++)
				if (*p == ',')
					*p = '.';
			x = strtod(buf, &end);
			if (end == buf || *end)
				return NULL;
		} else {
			return NULL;
		}
		if (!isfinite(x) || fabs(x) > 1e15)
			return NULL;
		snprintf(buf, sizeof(buf), "%.15g", x);
		return xstrdup(buf);
	}
	const char *s = json_string_value(v);
	if (!s)
		return NULL;
	if (!strcmp(type, "date"))
		return check_date(s, 1, 9999) ? xstrdup(s) : NULL;
	if (!strcmp(type, "choice")) {
		json_t *c;
		size_t i;
		json_array_foreach(json_object_get(field, "choices"), i, c)
			if (!strcmp(json_string_value(c), s))
				return xstrdup(s);
		return NULL;
	}
	return text_ok(s, 1000) ? xstrdup(s) : NULL;
}

int custom_field_check(json_t *fields, json_t *values, json_t **norm, struct brug_err *err)
{
	if (!json_is_object(values))
		return brug_failf(err, BRUG_EVALIDATION, "error.custom", "custom",
				  "custom must be an object of field name and value");
	json_t *out = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(values, k, v) {
		json_t *field = NULL, *f;
		size_t i;
		json_array_foreach(fields, i, f)
			if (!strcmp(jx_str(f, "name"), k))
				field = f;
		char *s = field ? custom_field_stored(field, v) : NULL;
		if (!s) {
			json_decref(out);
			return brug_failf(err, BRUG_EVALIDATION, "error.custom", "custom",
					  field ? "%s: not a valid %s" : "%s: no such field", k,
					  field ? jx_str(field, "type") : "");
		}
		json_object_set_new(out, k, json_string(s));
		free(s);
	}
	*norm = out;
	return 0;
}

json_t *custom_field_value_json(const char *type, const char *value)
{
	if (strcmp(type, "number"))
		return json_string(value);
	double x = strtod(value, NULL);
	if (x == (double)(json_int_t)x && x > -1e15 && x < 1e15)
		return json_integer((json_int_t)x);
	return json_real(x);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The hostile-input suite's snapshot and field catalogue; see hostile.h.
 * Fields come from docs/openapi.json (test_openapi checks it against the
 * route table), so a route documented later gets its fields tried too. */
#include "hostile.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/routes.h"
#include "util/buf.h"

#define MB 1000000u

/* ---- every table's content ---- */

/* What legitimately changes on a refused request: rate-limit windows
 * (a refused login still counts), and when a session or token was last
 * used. Everything else must stay as it was. */
static const char *const skip_tables[] = {"rate_limits", NULL};
static const char *const skip_columns[] = {"sessions.last_seen_at", "api_tokens.last_used_at",
                                           NULL};

static char *snap_sql;   /* one query: a (table, content) row per table */
static json_t *snap_ref; /* table -> content text */
/* A cheap sign that nothing at all was written since the reference: the
 * rows this connection (the app's too, in-process) changed on SQLite, the
 * WAL position on PostgreSQL. When it moved, the tables are compared. */
static const char *mark_sql;
static char mark_ref[64];

static void mark_take(struct harness *h, char out[64])
{
	char *v = NULL;
	assert_int_equal(db_text_query(h->db, &v, mark_sql, NULL, 0), 0);
	snprintf(out, 64, "%s", v);
	free(v);
}

static bool listed(const char *const *list, const char *s)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

static json_t *query_texts(struct harness *h, const char *sql, const char *arg)
{
	struct db_rows *rows = NULL;
	struct db_arg a = db_arg_text(arg ? arg : "", arg ? strlen(arg) : 0);
	assert_int_equal(db_query(h->db, &rows, sql, &a, arg ? 1 : 0), 0);
	json_t *list = json_array();
	while (db_next(rows) == 1)
		json_array_append_new(list, json_stringn(db_text(rows, 0), db_text_len(rows, 0)));
	db_rows_free(rows);
	return list;
}

/* SQLite: each row's values quoted and joined, the rows joined in table
 * order. PostgreSQL: the row count and a sum of row hashes. */
static void table_sql(struct harness *h, bool pg, const char *t, struct buf *b)
{
	if (pg) {
		buf_printf(b,
		           "SELECT '%s', count(*)::text || ':' || coalesce(sum(hashtextextended("
		           "(to_jsonb(x)",
		           t);
		for (size_t i = 0; skip_columns[i]; i++) {
			const char *dot = strchr(skip_columns[i], '.');
			if (!strncmp(skip_columns[i], t, (size_t)(dot - skip_columns[i])) &&
			    strlen(t) == (size_t)(dot - skip_columns[i]))
				buf_printf(b, " - '%s'", dot + 1);
		}
		buf_printf(b, ")::text, 0)), 0)::text FROM %s x", t);
		return;
	}
	json_t *cols = query_texts(h, "SELECT name FROM pragma_table_info(?)", t);
	buf_printf(b, "SELECT '%s', coalesce(group_concat(''", t);
	size_t i;
	json_t *c;
	json_array_foreach(cols, i, c)
	{
		char full[160];
		snprintf(full, sizeof(full), "%s.%s", t, json_string_value(c));
		if (!listed(skip_columns, full))
			buf_printf(b, " || quote(\"%s\") || ','", json_string_value(c));
	}
	buf_printf(b, ", '|'), '') FROM \"%s\"", t);
	json_decref(cols);
}

static json_t *snap_take(struct harness *h)
{
	struct db_rows *rows = NULL;
	assert_int_equal(db_query(h->db, &rows, snap_sql, NULL, 0), 0);
	json_t *s = json_object();
	while (db_next(rows) == 1)
		json_object_set_new(s, db_text(rows, 0),
		                    json_stringn(db_text(rows, 1), db_text_len(rows, 1)));
	db_rows_free(rows);
	return s;
}

void snap_init(struct harness *h)
{
	bool pg = !strcmp(db_backend(h->db), "postgres");
	json_t *tables = query_texts(
	        h,
	        pg ? "SELECT table_name FROM information_schema.tables WHERE table_schema ="
	             " current_schema() AND table_type = 'BASE TABLE' AND table_name <> ?"
	           : "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> ?"
	             " AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'",
	        "-");
	assert_true(json_array_size(tables) >= 30);
	struct buf b;
	buf_init(&b, 0);
	size_t i, n = 0;
	json_t *t;
	json_array_foreach(tables, i, t)
	{
		if (listed(skip_tables, json_string_value(t)))
			continue;
		if (n++)
			buf_adds(&b, " UNION ALL ");
		table_sql(h, pg, json_string_value(t), &b);
	}
	json_decref(tables);
	free(snap_sql);
	snap_sql = buf_take(&b, NULL);
	mark_sql = pg ? "SELECT pg_current_wal_insert_lsn()::text"
	              : "SELECT CAST(total_changes() AS TEXT)";
	snap_reset(h);
}

void snap_reset(struct harness *h)
{
	json_decref(snap_ref);
	snap_ref = snap_take(h);
	mark_take(h, mark_ref);
}

const char *snap_changed(struct harness *h)
{
	static char table[128];
	char mark[64];
	mark_take(h, mark);
	if (!strcmp(mark, mark_ref))
		return NULL;
	snprintf(mark_ref, sizeof(mark_ref), "%s", mark);
	json_t *now = snap_take(h);
	const char *t, *changed = NULL;
	json_t *v;
	json_object_foreach(now, t, v)
	{
		if (!changed && !json_equal(v, json_object_get(snap_ref, t))) {
			snprintf(table, sizeof(table), "%s", t);
			changed = table;
		}
	}
	json_decref(snap_ref);
	snap_ref = now;
	return changed;
}

void snap_check(struct harness *h, const char *method, const char *target, const char *what)
{
	const char *table = snap_changed(h);
	if (table)
		fail_msg("%s %s (%s): refused, but table %s changed", method, target, what, table);
}

/* ---- docs/openapi.json ---- */

json_t *openapi_load(void)
{
	char path[1024];
	const char *dir = getenv("BRUG_API_TESTDIR");
	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/../../docs/openapi.json", dir);
	json_error_t err;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!doc)
		fail_msg("%s:%d: %s", path, err.line, err.text);
	return doc;
}

static json_t *deref(json_t *doc, json_t *s)
{
	const char *ref = json_string_value(json_object_get(s, "$ref"));
	if (!ref || strncmp(ref, "#/components/schemas/", 21) != 0)
		return s;
	return json_object_get(json_object_get(json_object_get(doc, "components"), "schemas"),
	                       ref + 21);
}

/* Gathers the properties and required names of s (with $ref and allOf). */
static void gather(json_t *doc, json_t *s, json_t *props, json_t *required)
{
	s = deref(doc, s);
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(s, "allOf"), i, e) gather(doc, e, props, required);
	json_object_update(props, json_object_get(s, "properties"));
	json_array_extend(required, json_object_get(s, "required"));
}

/* The API route whose handler r shares (r itself when it is one). */
static const struct route *api_twin(const struct route *r)
{
	if (!(r->flags & (R_PAGE | R_ROOT)))
		return r;
	for (size_t i = 0; i < routes_count; i++)
		if (routes[i].handler == r->handler && !(routes[i].flags & (R_PAGE | R_ROOT)))
			return &routes[i];
	return NULL;
}

static json_t *request_schema(json_t *doc, const struct route *r)
{
	const struct route *a = api_twin(r);
	if (!a)
		return NULL;
	char path[256], method[16];
	snprintf(path, sizeof(path), "/api/v1%s", a->pattern);
	size_t i = 0;
	for (; a->method[i] && i + 1 < sizeof(method); i++)
		method[i] = (char)(a->method[i] | 0x20);
	method[i] = '\0';
	json_t *op = json_object_get(json_object_get(json_object_get(doc, "paths"), path), method);
	json_t *content = json_object_get(json_object_get(op, "requestBody"), "content");
	return json_object_get(json_object_get(content, "application/json"), "schema");
}

/* The type a property takes, "null" aside. */
static const char *type_of(json_t *doc, json_t *p)
{
	p = deref(doc, p);
	json_t *t = json_object_get(p, "type");
	if (json_is_string(t))
		return json_string_value(t);
	size_t i;
	json_t *e;
	json_array_foreach(t, i, e) if (strcmp(json_string_value(e), "null") !=
	                                0) return json_string_value(e);
	return json_object_get(p, "properties") ? "object" : "any";
}

/* An id, a count or a duration: -1 is out of range. */
static bool not_negative(const char *name, json_t *p)
{
	json_t *min = json_object_get(p, "minimum");
	size_t n = strlen(name);
	return (min && json_number_value(min) >= 0) || (n >= 2 && !strcmp(name + n - 2, "id")) ||
	       !strcmp(name, "from") || !strcmp(name, "other") || strstr(name, "days") ||
	       (n >= 2 && !strcmp(name + n - 2, "_s")) || strstr(name, "_ms");
}

struct ctx {
	struct harness *h;
	const struct route *r;
	bool api;
	const char *target;
	size_t cap;     /* the route's body cap */
	bool huge_done; /* a 1 MB and an over-the-cap string sent */
};

static void send_json(struct ctx *c, const char *field, const char *value, const char *what)
{
	struct buf b;
	buf_init(&b, 0);
	buf_printf(&b, "{\"%s\":%s}", field, value);
	hostile_send(c->h, c->r, c->api, c->target, NULL, buf_str(&b), b.len, field, what);
	buf_cleanup(&b);
}

static void send_form(struct ctx *c, const char *field, const char *value, const char *what)
{
	struct buf b;
	buf_init(&b, 0);
	buf_printf(&b, "%s=%s", field, value);
	hostile_send(c->h, c->r, c->api, c->target, "application/x-www-form-urlencoded",
	             buf_str(&b), b.len, field, what);
	buf_cleanup(&b);
}

/* A string of n 'x' (as JSON when quoted), which the caller frees. */
static char *xs(size_t n, bool quoted)
{
	char *s = malloc(n + 3);
	assert_non_null(s);
	memset(s + quoted, 'x', n);
	if (quoted) {
		s[0] = '"';
		s[n + 1] = '"';
	}
	s[n + 2 * quoted] = '\0';
	return s;
}

/* Lengths: one over the schema's maxLength, 1 MB within the body cap and
 * one byte over the cap. */
static void length_cases(struct ctx *c, const char *name, json_t *p)
{
	void (*send)(struct ctx *, const char *, const char *, const char *) =
	        c->api ? send_json : send_form;
	json_t *max = json_object_get(p, "maxLength");
	if (json_is_integer(max) && json_integer_value(max) < 100000) {
		char *s = xs((size_t)json_integer_value(max) + 1, c->api);
		send(c, name, s, "one character over maxLength");
		free(s);
	}
	if (c->huge_done) /* the big ones once per route: they cost the time */
		return;
	c->huge_done = true;
	if (c->cap > 1100000) { /* 1 MB within the cap */
		char *s = xs(MB, c->api);
		send(c, name, s, "a 1 MB string");
		free(s);
	}
	if (c->cap <= 2 * 1024 * 1024) {
		char *s = xs(c->cap, c->api);
		send(c, name, s, "a string over the body cap");
		free(s);
	}
}

static void json_field(struct ctx *c, const char *name, json_t *p, bool required)
{
	static const char *const wrong[][8] = {
	        /* string */ {"5", "true", "[]", "{}", "1.5", "\"a\\u0001b\"", "[\"x\"]", NULL},
	        /* integer */
	        {"\"1\"", "1.5", "true", "[]", "{}", "\"abc\"", "1e308", NULL},
	        /* boolean */ {"\"true\"", "1", "0", "\"yes\"", "[]", "{}", NULL, NULL},
	        /* array */ {"\"x\"", "5", "{}", "true", "[[]]", "[null]", NULL, NULL},
	        /* object */ {"\"x\"", "5", "[]", "true", NULL, NULL, NULL, NULL},
	};
	static const char *const types[] = {"string", "integer", "boolean", "array", "object"};
	const char *type = json_string_value(json_object_get(p, "x-type"));
	for (size_t t = 0; t < 5; t++) {
		if (strcmp(type, types[t]) != 0)
			continue;
		for (size_t i = 0; wrong[t][i]; i++)
			send_json(c, name, wrong[t][i], "a value of the wrong type");
	}
	if (required)
		send_json(c, name, "null", "null for a required field");
	if (!strcmp(type, "integer")) {
		send_json(c, name, "9223372036854775807", "2^63-1");
		send_json(c, name, "-9223372036854775808", "-2^63");
		if (not_negative(name, p))
			send_json(c, name, "-1", "a negative number");
	}
	if (json_object_get(p, "enum") && !strcmp(type, "string"))
		send_json(c, name, "\"no-such-choice\"", "a value outside the enum");
	if (!strcmp(type, "array")) {
		const char *it = json_string_value(json_object_get(p, "x-items"));
		if (it && !strcmp(it, "integer")) {
			send_json(c, name, "[\"1\"]", "a string among integers");
			send_json(c, name, "[-1]", "a negative id");
			send_json(c, name, "[1.5]", "a fraction among integers");
		} else if (it && !strcmp(it, "string")) {
			send_json(c, name, "[5]", "a number among strings");
		}
	}
	if (!strcmp(type, "string"))
		length_cases(c, name, p);
}

static void form_field(struct ctx *c, const char *name, json_t *p)
{
	const char *type = json_string_value(json_object_get(p, "x-type"));
	send_form(c, name, "%ff%fe", "invalid UTF-8");
	send_form(c, name, "a%00b", "a NUL");
	if (!strcmp(type, "integer") ||
	    (!strcmp(type, "array") &&
	     !strcmp(json_string_value(json_object_get(p, "x-items")) ?: "", "integer"))) {
		static const char *const bad[] = {"abc", "1.5",  "99999999999999999999", "1e308",
		                                  "NaN", "0x10", "1%20OR%201=1",         NULL};
		for (size_t i = 0; bad[i]; i++)
			send_form(c, name, bad[i], "not an integer");
		if (not_negative(name, p))
			send_form(c, name, "-1", "a negative number");
	}
	if (!strcmp(type, "string")) {
		send_form(c, name, "a%01b", "a control character");
		if (json_object_get(p, "enum"))
			send_form(c, name, "no-such-choice", "a value outside the enum");
		length_cases(c, name, p);
	}
}

void field_cases(struct harness *h, json_t *doc, const struct route *r, bool api,
                 const char *target)
{
	json_t *schema = request_schema(doc, r);
	if (!schema)
		return;
	json_t *props = json_object(), *required = json_array();
	gather(doc, schema, props, required);
	struct ctx c = {.h = h,
	                .r = r,
	                .api = api,
	                .target = target,
	                .cap = r->body_max ? r->body_max : 1024 * 1024};
	const char *name;
	json_t *p;
	json_object_foreach(props, name, p)
	{
		if (json_is_true(json_object_get(p, "readOnly")))
			continue; /* shown in answers, never read from a request */
		json_t *d = json_deep_copy(deref(doc, p));
		json_object_set_new(d, "x-type", json_string(type_of(doc, p)));
		json_t *items = json_object_get(d, "items");
		if (items)
			json_object_set_new(d, "x-items", json_string(type_of(doc, items)));
		bool req = false;
		size_t i;
		json_t *e;
		json_array_foreach(required, i, e) req = req || !strcmp(json_string_value(e), name);
		if (api)
			json_field(&c, name, d, req);
		else
			form_field(&c, name, d);
		json_decref(d);
	}
	/* (a page's form may have fields of its own: the API's list is not its) */
	if (json_array_size(required) && api)
		hostile_send(h, r, api, target, NULL, "{}", 2, NULL, "no required field");
	json_decref(props);
	json_decref(required);
}

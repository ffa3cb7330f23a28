/* SPDX-License-Identifier: Apache-2.0 */
/* The relations import: decoding an upload, reading its CSV records a
 * batch of rows at a time, deciding per row (create, update, skip as a
 * duplicate, reject), and the one transaction around it all; see import.h.
 * The SQL lives in import_write.c, the row rules in import_row.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/custom_field.h"
#include "domain/search.h"
#include "domain/import_impl.h"
#include "domain/relation.h"
#include "util/charset.h"
#include "util/jx.h"
#include "util/textfold.h"
#include "util/xmalloc.h"

int import_decode(const char *bytes, size_t n, size_t max, char **text, size_t *text_len,
		  const char **charset, struct brug_err *err)
{
	if (n > max)
		return brug_failf(err, BRUG_ETOOBIG, "import.error_size", NULL,
				  "the file is larger than %zu MiB", max >> 20);
	enum charset cs;
	struct brug_err e = {0};
	int rc = charset_to_utf8(bytes ? bytes : "", n, text, text_len, &cs, &e);
	if (rc == BRUG_ETOOBIG)
		return brug_failf(err, rc, "import.error_size", NULL, "%s", e.detail);
	if (rc)
		return brug_failf(err, BRUG_EVALIDATION, "import.error_file", NULL, "%s", e.detail);
	*charset = charset_name(cs);
	return 0;
}

static const char *delim_text(char d)
{
	return d == ';' ? ";" : d == '\t' ? "\t" : ",";
}

json_t *import_report_new(const char *kind, const char *charset, char delim,
			  const struct import_opts *o)
{
	json_t *r = json_object();
	jx_set_str(r, "kind", kind);
	jx_set_bool(r, "dry_run", o->dry_run);
	jx_set_bool(r, "written", false);
	jx_set_str(r, "charset", charset ? charset : "utf-8");
	jx_set_str(r, "delimiter", delim_text(delim));
	jx_set_bool(r, "skip_invalid", o->skip_invalid);
	json_object_set_new(r, "rejected", json_array());
	json_object_set_new(r, "rows", json_array());
	return r;
}

json_t *import_reject_json(const struct import_row *row)
{
	json_t *e = json_object();
	jx_set_int(e, "line", (int64_t)row->line);
	jx_set_str(e, "code", row->code);
	json_object_set_new(e, "field", row->field ? json_string(row->field) : json_null());
	json_object_set_new(e, "value", row->value ? json_string(row->value) : json_null());
	jx_set_str(e, "reason", row->reason);
	if (row->expected) {
		jx_set_int(e, "fields", (int64_t)row->fields);
		jx_set_int(e, "expected", (int64_t)row->expected);
	}
	return e;
}

void import_report_reject(json_t *report, const struct import_row *row)
{
	json_t *list = json_object_get(report, "rejected");
	if (json_array_size(list) < IMPORT_REJECTED_MAX)
		json_array_append_new(list, import_reject_json(row));
}

/* One relations import. */
struct run {
	struct db *db;
	int64_t org;
	const struct import_opts *o;
	struct brug_err *err;
	struct import_map map;
	bool mapped;
	struct import_users users;
	json_t *report;
	int64_t rows, create, update, skip, rejected, orgs;
	/* the batch */
	struct arena arena;
	struct import_row row[IMPORT_BATCH];
	size_t nrows;
	struct import_keys found; /* what the database holds for its keys */
	struct import_keys seen;  /* the keys of its rows so far */
	struct import_new creates[2 * IMPORT_BATCH]; /* a row and its organisation */
	size_t ncreates, written;
	size_t batches;           /* batches written, for db_analyze */
	struct import_keys tags;  /* the import's tag ids */
	struct import_span made_ids; /* the relations created, for search */
	json_t *custom;              /* the organisation's custom fields */
	struct import_keys made;  /* organisations made for people, by name key
				     ("c:" + key once a row of its own filled it) */
	int rc;                   /* a database failure */
};

static int load_users(struct run *r)
{
	struct db_rows *q = NULL;
	int rc = db_query(r->db, &q, "SELECT id, email, name FROM users WHERE org_id = ? ORDER BY id",
			  DB_ARGS(DB_I(r->org)));
	int more = 0;
	while (!rc && (more = db_next(q)) == 1) {
		r->users.v = xrealloc(r->users.v, (r->users.n + 1) * sizeof(*r->users.v));
		struct import_user *u = &r->users.v[r->users.n++];
		u->id = db_int(q, 0);
		u->email = xstrdup(db_text(q, 1));
		const char *name = db_text(q, 2);
		if (textfold_fold(name, strlen(name), &u->name_key, NULL))
			u->name_key = xstrdup("");
	}
	if (!rc && more < 0)
		rc = more;
	db_rows_free(q);
	return rc;
}

/* Looks key up among the batch's rows, then in the database. */
static bool find(const struct run *r, const char *key, int64_t *v)
{
	return import_keys_get(&r->seen, key, v) || import_keys_get(&r->found, key, v);
}

/* The keys of a row, in the order duplicates are looked for: email
 * address, phone, mobile, name. Returns how many; what each one is in by. */
static size_t keys_of(const struct import_row *w, char keys[4][IMPORT_KEY_MAX], const char *by[4])
{
	size_t n = 0;
	if (w->email) {
		import_key_email(keys[n], w->person, w->email_norm);
		by[n++] = "email";
	}
	if (w->phone) {
		import_key_phone(keys[n], w->person, w->phone_norm);
		by[n++] = "phone";
	}
	if (w->mobile) {
		import_key_phone(keys[n], w->person, w->mobile_norm);
		by[n++] = "phone";
	}
	import_key_name(keys[n], w->person, w->org_key, w->name_key);
	by[n++] = "name";
	return n;
}

/* A value of the key tables as an id: a pending slot once written. */
static int64_t id_of(const struct run *r, int64_t v)
{
	return v > 0 ? v : r->creates[-v - 1].id;
}

static int flush(struct run *r)
{
	if (!r->rc && r->written < r->ncreates)
		r->rc = import_write_new(r->db, r->org, r->creates, r->written, r->ncreates, r->custom,
					 &r->tags,
					 &r->made_ids);
	r->written = r->ncreates;
	return r->rc;
}

static int64_t add_new(struct run *r, const struct import_row *w, const char *name,
		       const char *key, bool person)
{
	struct import_new *c = &r->creates[r->ncreates];
	memset(c, 0, sizeof(*c));
	c->row = person || (w && !w->person) ? w : NULL;
	c->name = name;
	c->name_key = key;
	c->type = w->type;
	c->owner_id = w->owner_id;
	c->person = person;
	c->parent = -1;
	return -(int64_t)(++r->ncreates);
}

/* A person's organisation: found by name among the batch's rows and the
 * database, else made (once per import: later rows find it). */
static int64_t parent_of(struct run *r, const struct import_row *w)
{
	char key[IMPORT_KEY_MAX];
	int64_t v = 0;
	if (!w->person || !w->org)
		return 0;
	import_key_name(key, false, NULL, w->org_key);
	if (find(r, key, &v))
		return v;
	v = add_new(r, w, w->org, w->org_key, false);
	import_keys_put(&r->seen, key, v);
	import_keys_put(&r->made, w->org_key, 1);
	r->orgs++;
	return v;
}

static void mark(json_t *preview, const char *action, const char *by, int64_t id)
{
	if (!preview)
		return;
	jx_set_str(preview, "action", action);
	if (by)
		jx_set_str(preview, "match", by);
	if (id > 0)
		jx_set_int(preview, "relation_id", id);
}

/* An organisation's own row after people who work there made it: the row
 * fills that organisation in, as if it had come first. Once. */
static bool claims(struct run *r, const struct import_row *w)
{
	char key[IMPORT_KEY_MAX];
	int64_t v;
	snprintf(key, sizeof(key), "c:%s", w->name_key);
	return import_keys_get(&r->made, w->name_key, &v) && import_keys_put(&r->made, key, 1);
}

static void resolve(struct run *r, struct import_row *w)
{
	char keys[4][IMPORT_KEY_MAX];
	const char *by[4];
	size_t nk = keys_of(w, keys, by);
	int64_t target = 0;
	size_t hit = 0;
	for (; hit < nk && !target; hit++)
		if (!find(r, keys[hit], &target))
			target = 0;
	if (!target) {
		int64_t parent = parent_of(r, w);
		int64_t slot = add_new(r, w, w->name, w->name_key, w->person);
		struct import_new *c = &r->creates[-slot - 1];
		c->parent = parent < 0 ? (int)(-parent - 1) : -1;
		c->parent_id = parent > 0 ? parent : 0;
		for (size_t i = 0; i < nk; i++)
			import_keys_put(&r->seen, keys[i], slot);
		r->create++;
		mark(w->preview, "create", NULL, 0);
		return;
	}
	const char *match = by[hit - 1];
	int64_t named = 0;
	bool claim = !w->person && find(r, keys[nk - 1], &named) && named == target && claims(r, w);
	if (r->o->on_duplicate == IMPORT_DUP_SKIP && !claim) {
		for (size_t i = 0; i < nk; i++)
			import_keys_put(&r->seen, keys[i], target);
		r->skip++;
		mark(w->preview, "skip", match, target > 0 ? target : 0);
		return;
	}
	int64_t parent = parent_of(r, w);
	if (target < 0 || parent < 0)
		flush(r); /* the relation or its organisation is still to be written */
	int64_t id = id_of(r, target);
	if (!r->rc)
		r->rc = import_write_update(r->db, r->org, id, w, parent ? id_of(r, parent) : 0, r->custom,
					    &r->tags);
	for (size_t i = 0; i < nk; i++)
		import_keys_put(&r->seen, keys[i], id);
	if (claim) {
		r->create++;
		r->orgs--;
		mark(w->preview, "create", NULL, 0);
		return;
	}
	r->update++;
	mark(w->preview, "update", match, id);
}

static int run_batch(struct run *r)
{
	struct import_row *ptrs[IMPORT_BATCH];
	for (size_t i = 0; i < r->nrows; i++)
		ptrs[i] = &r->row[i];
	if (!r->rc && r->nrows)
		r->rc = import_lookup(r->db, r->org, ptrs, r->nrows, &r->found);
	for (size_t i = 0; !r->rc && i < r->nrows; i++)
		resolve(r, &r->row[i]);
	flush(r);
	/* each time the rows written double, fresh statistics: on PostgreSQL
	 * the look-ups' plans made for the tables as they were before the
	 * import would read every contact point of the organisation per batch */
	r->batches++;
	if (!r->rc && r->batches >= 4 && !(r->batches & (r->batches - 1)))
		r->rc = db_analyze(r->db, "relations, contact_points");
	r->nrows = r->ncreates = r->written = 0;
	import_keys_clear(&r->found);
	import_keys_clear(&r->seen);
	arena_cleanup(&r->arena);
	arena_init(&r->arena);
	return r->rc;
}

static json_t *preview_of(const struct import_row *w)
{
	if (w->code) {
		json_t *p = import_reject_json(w);
		jx_set_str(p, "action", "reject");
		return p;
	}
	json_t *p = json_object();
	jx_set_int(p, "line", (int64_t)w->line);
	jx_set_str(p, "kind", w->person ? "person" : "organisation");
	jx_set_str(p, "name", w->name);
	if (w->org)
		jx_set_str(p, "organisation", w->org);
	if (w->email)
		jx_set_str(p, "email", w->email);
	if (w->phone || w->mobile)
		jx_set_str(p, "phone", w->phone ? w->phone : w->mobile);
	if (w->city)
		jx_set_str(p, "city", w->city);
	return p;
}

static int on_record(const struct csvx_record *rec, void *ctx)
{
	struct run *r = ctx;
	if (rec->index == 0) {
		int rc = import_map_build(rec->field, rec->n, r->o->mapping, r->custom, &r->map,
					  r->err);
		r->mapped = !rc;
		return rc;
	}
	struct import_row *w = &r->row[r->nrows];
	bool blank = false;
	bool ok = import_row_read(&r->map, rec, &r->users, &r->arena, w, &blank);
	if (blank)
		return 0;
	r->rows++;
	if (r->rows <= IMPORT_PREVIEW_ROWS) {
		w->preview = preview_of(w);
		json_array_append_new(json_object_get(r->report, "rows"), w->preview);
	}
	if (!ok) {
		r->rejected++;
		import_report_reject(r->report, w);
		return 0;
	}
	if (++r->nrows == IMPORT_BATCH)
		return run_batch(r);
	return 0;
}

static json_t *counts_of(const struct run *r)
{
	return json_pack("{sI,sI,sI,sI,sI,sI}", "rows", (json_int_t)r->rows, "create",
			 (json_int_t)r->create, "update", (json_int_t)r->update, "skip",
			 (json_int_t)r->skip, "rejected", (json_int_t)r->rejected, "organisations",
			 (json_int_t)r->orgs);
}

/* Reads the file and does every row, inside the open transaction. */
static int read_all(struct run *r, const char *text, size_t n)
{
	struct csvx_options copt = {.delim = csvx_detect_delimiter(text, n)};
	struct brug_err e = {0};
	int rc = csvx_parse(text, n, &copt, on_record, r, &e);
	if (rc && r->rc)
		return r->rc;
	if (rc && !r->mapped && r->err->key)
		return rc; /* the header's own failure, already in err */
	if (rc)
		return brug_failf(r->err, BRUG_EVALIDATION, "import.error_file", NULL, "%s",
				  e.detail[0] ? e.detail : "the file cannot be read as CSV");
	if (!r->mapped)
		return brug_failf(r->err, BRUG_EVALIDATION, "import.error_file", NULL,
				  "the file is empty: it needs a header and rows");
	rc = run_batch(r);
	return rc;
}

int import_relations(struct db *db, const struct actor *who, const char *text, size_t n,
		     const char *charset, const struct import_opts *o, json_t **report,
		     struct brug_err *err)
{
	struct brug_err local = {0};
	struct run *r = xcalloc(1, sizeof(*r));
	r->db = db;
	r->org = who->org_id;
	r->o = o;
	r->err = err ? err : &local;
	arena_init(&r->arena);
	import_keys_init(&r->found);
	import_keys_init(&r->seen);
	import_keys_init(&r->tags);
	import_keys_init(&r->made);
	r->made_ids.kind = "relation";
	r->report = import_report_new("relations", charset, csvx_detect_delimiter(text, n), o);
	jx_set_str(r->report, "on_duplicate", o->on_duplicate == IMPORT_DUP_UPDATE ? "update" : "skip");
	int rc = db_begin(db);
	if (!rc && !(rc = load_users(r)) && !(rc = custom_field_list(db, r->org, &r->custom)))
		rc = read_all(r, text, n);
	bool keep = !rc && !o->dry_run && (!r->rejected || o->skip_invalid), pending = false;
	if (keep) {
		rc = import_span_index(db, who->org_id, &r->made_ids, &pending);
		if (!rc)
			rc = audit_add(db, who, "relation.import", "import", 0, counts_of(r));
		rc = db_finish(db, rc);
	} else if (db_in_tx(db)) {
		db_rollback(db);
	}
	if (!rc) {
		json_object_set_new(r->report, "columns", json_incref(r->map.columns));
		json_object_set_new(r->report, "ignored", json_incref(r->map.ignored));
		json_object_set_new(r->report, "counts", counts_of(r));
		jx_set_bool(r->report, "written", keep);
		jx_set_bool(r->report, "search_pending", pending);
		*report = r->report;
		r->report = NULL;
	}
	json_decref(r->report);
	import_map_cleanup(&r->map);
	json_decref(r->custom);
	import_users_cleanup(&r->users);
	import_keys_cleanup(&r->found);
	import_keys_cleanup(&r->seen);
	import_keys_cleanup(&r->tags);
	import_keys_cleanup(&r->made);
	arena_cleanup(&r->arena);
	free(r);
	return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Relation exports; see export.h. This file owns the reading: the
 * selection, batches in name order (keyset on sort_key, id), and each
 * relation's contact points, tags and people fetched for a whole batch in
 * one query each, in the shape relation_get gives. The formats are in
 * export_write.c. */
#include "domain/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/secure.h"
#include "domain/audit.h"
#include "domain/custom_field.h"
#include "domain/export_impl.h"
#include "util/buf.h"
#include "util/jx.h"
#include "util/xmalloc.h"

/* What relation_get selects (relation.c's LIST_COLUMNS and the detail
 * columns), then what the writers need besides; the API test "JSON equals
 * GET" holds the two together. */
#define GET_COLUMNS                                                                                \
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
	" AS phone, r.given_name, r.family_name, r.notes"
#define GET_NCOLUMNS 18
#define EXTRA_COLUMNS                                                                              \
	", r.sort_key, r.updated_at AS updated_ms,"                                               \
	" (SELECT u.email FROM users u WHERE u.org_id = r.org_id AND u.id = r.owner_id)"          \
	" AS owner_email"

struct batch {
	struct export_item items[EXPORT_BATCH];
	size_t n;
	int64_t by_id[EXPORT_BATCH][2]; /* (id, index) sorted by id */
	char *last_key;                 /* sort_key of the last row, for the next batch */
	int64_t last_id;
};

static void batch_clear(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		json_decref(b->items[i].rel);
		free(b->items[i].owner_email);
	}
	b->n = 0;
}

static int cmp_pair(const void *a, const void *b)
{
	int64_t x = ((const int64_t *)a)[0], y = ((const int64_t *)b)[0];
	return x < y ? -1 : x > y;
}

static json_t *item_of(struct batch *b, int64_t id)
{
	size_t lo = 0, hi = b->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (b->by_id[mid][0] == id)
			return b->items[b->by_id[mid][1]].rel;
		if (b->by_id[mid][0] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* " (?,?,?)" for n placeholders. */
static void placeholders(struct buf *sql, size_t n)
{
	buf_adds(sql, " (");
	for (size_t i = 0; i < n; i++)
		buf_adds(sql, i ? ",?" : "?");
	buf_addc(sql, ')');
}

/* The next batch of relations after (last_key, last_id). */
static int read_rows(struct db *db, int64_t org, const struct export_select *sel,
		     const char *tag_key, struct batch *b)
{
	struct buf sql;
	buf_init(&sql, 0);
	struct db_arg args[DB_ARGS_MAX];
	buf_adds(&sql, "SELECT " GET_COLUMNS EXTRA_COLUMNS);
	const struct relation_filter f = {.kind = sel->kind, .type = sel->type, .tag = sel->tag,
					  .owner_id = sel->owner_id, .status = sel->status};
	size_t n = relation_where(&sql, args, org, &f, tag_key);
	if (sel->n_ids) {
		buf_adds(&sql, " AND r.id IN");
		placeholders(&sql, sel->n_ids);
		for (size_t i = 0; i < sel->n_ids; i++)
			args[n++] = DB_I(sel->ids[i]);
	}
	if (b->last_key) {
		buf_adds(&sql, " AND (r.sort_key, r.id) > (?, ?)");
		args[n++] = DB_T(b->last_key);
		args[n++] = DB_I(b->last_id);
	}
	buf_printf(&sql, " ORDER BY r.sort_key, r.id LIMIT %d", EXPORT_BATCH);
	struct db_rows *r = NULL;
	int rc = db_query(db, &r, buf_str(&sql), args, n), more = 0;
	while (!rc && b->n < EXPORT_BATCH && (more = db_next(r)) == 1) {
		struct export_item *it = &b->items[b->n];
		it->rel = db_row_json_range(r, 0, GET_NCOLUMNS);
		it->id = db_int(r, 0);
		it->updated_ms = db_int(r, GET_NCOLUMNS + 1);
		const char *email = db_text(r, GET_NCOLUMNS + 2);
		it->owner_email = email && *email ? xstrdup(email) : NULL;
		b->by_id[b->n][0] = it->id;
		b->by_id[b->n][1] = (int64_t)b->n;
		free(b->last_key);
		b->last_key = xstrdup(db_text(r, GET_NCOLUMNS) ? db_text(r, GET_NCOLUMNS) : "");
		b->last_id = it->id;
		b->n++;
	}
	if (!rc && more < 0)
		rc = more;
	db_rows_free(r);
	buf_cleanup(&sql);
	qsort(b->by_id, b->n, sizeof(b->by_id[0]), cmp_pair);
	return rc;
}

/* A query over the batch's ids: head, then " IN (?,...)" and tail. */
static int query_batch(struct db *db, int64_t org, struct batch *b, const char *head,
		       const char *tail, struct db_rows **out)
{
	struct buf sql;
	buf_init(&sql, 0);
	buf_adds(&sql, head);
	placeholders(&sql, b->n);
	buf_adds(&sql, tail);
	struct db_arg args[EXPORT_BATCH + 1];
	args[0] = DB_I(org);
	for (size_t i = 0; i < b->n; i++)
		args[i + 1] = DB_I(b->by_id[i][0]);
	int rc = db_query(db, out, buf_str(&sql), args, b->n + 1);
	buf_cleanup(&sql);
	return rc;
}

static void append_to(json_t *rel, const char *key, json_t *v)
{
	json_t *a = json_object_get(rel, key);
	if (!a) {
		a = json_array();
		json_object_set_new(rel, key, a);
	}
	json_array_append_new(a, v);
}

/* Emails, phones and addresses of the whole batch, as parts_read shapes
 * them. */
static int read_points(struct db *db, int64_t org, struct batch *b)
{
	static const char *const lists[] = {"emails", "phones", "addresses"};
	for (size_t i = 0; i < b->n; i++)
		for (int l = 0; l < 3; l++)
			json_object_set_new(b->items[i].rel, lists[l], json_array());
	struct db_rows *r = NULL;
	int rc = query_batch(db, org, b,
			     "SELECT relation_id, kind, label, value, street, postal_code, city,"
			     " country FROM contact_points WHERE org_id = ? AND relation_id IN",
			     " ORDER BY relation_id, position, id", &r);
	int more = 0;
	while (!rc && (more = db_next(r)) == 1) {
		json_t *rel = item_of(b, db_int(r, 0));
		const char *kind = db_text(r, 1);
		if (!rel || !kind)
			continue;
		json_t *it = json_object();
		jx_set_str(it, "label", db_text(r, 2) ? db_text(r, 2) : "");
		jx_set_str(it, "value", db_text(r, 3) ? db_text(r, 3) : "");
		if (!strcmp(kind, "address")) {
			static const char *const keys[] = {"street", "postal_code", "city", "country"};
			for (int k = 0; k < 4; k++)
				jx_set_str(it, keys[k], db_text(r, 4 + k) ? db_text(r, 4 + k) : "");
		}
		append_to(rel, !strcmp(kind, "email") ? "emails"
			       : !strcmp(kind, "phone") ? "phones"
							: "addresses",
			  it);
	}
	if (!rc && more < 0)
		rc = more;
	db_rows_free(r);
	return rc;
}

static int read_tags(struct db *db, int64_t org, struct batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		json_object_set_new(b->items[i].rel, "tags", json_array());
	struct db_rows *r = NULL;
	int rc = query_batch(db, org, b,
			     "SELECT rt.relation_id, t.name FROM relation_tags rt JOIN tags t"
			     " ON t.org_id = rt.org_id AND t.id = rt.tag_id"
			     " WHERE rt.org_id = ? AND rt.relation_id IN",
			     " ORDER BY rt.relation_id, t.sort_key", &r);
	int more = 0;
	while (!rc && (more = db_next(r)) == 1) {
		json_t *rel = item_of(b, db_int(r, 0));
		if (rel)
			append_to(rel, "tags", json_string(db_text(r, 1) ? db_text(r, 1) : ""));
	}
	if (!rc && more < 0)
		rc = more;
	db_rows_free(r);
	return rc;
}

/* The custom field values, as relation_get gives them: an object of name
 * and value, numbers as numbers. */
static int read_custom(struct db *db, int64_t org, struct batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		json_object_set_new(b->items[i].rel, "custom", json_object());
	struct db_rows *r = NULL;
	int rc = query_batch(db, org, b,
			     "SELECT v.relation_id, f.name, f.type, v.value FROM custom_values v"
			     " JOIN custom_fields f ON f.org_id = v.org_id AND f.id = v.field_id"
			     " WHERE v.org_id = ? AND v.relation_id IN",
			     " ORDER BY v.relation_id, f.position, f.id", &r);
	int more = 0;
	while (!rc && (more = db_next(r)) == 1) {
		json_t *rel = item_of(b, db_int(r, 0));
		json_t *v = custom_field_value_json(db_text(r, 2), db_text(r, 3));
		if (rel)
			json_object_set_new(json_object_get(rel, "custom"), db_text(r, 1), v);
		else
			json_decref(v);
	}
	if (!rc && more < 0)
		rc = more;
	db_rows_free(r);
	return rc;
}

/* An organisation's people, as relation_get lists them. */
static int read_people(struct db *db, int64_t org, struct batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(jx_str(b->items[i].rel, "kind"), "organisation"))
			json_object_set_new(b->items[i].rel, "people", json_array());
	struct db_rows *r = NULL;
	int rc = query_batch(db, org, b,
			     "SELECT r.parent_id, r.id, r.name, r.job_title, r.archived_at,"
			     " (SELECT c.value FROM contact_points c WHERE c.org_id = r.org_id"
			     " AND c.relation_id = r.id AND c.kind = 'email'"
			     " ORDER BY c.position, c.id LIMIT 1) AS email"
			     " FROM relations r WHERE r.org_id = ? AND r.parent_id IN",
			     " AND r.erased_at IS NULL ORDER BY r.parent_id, r.sort_key, r.id", &r);
	int more = 0;
	while (!rc && (more = db_next(r)) == 1) {
		json_t *rel = item_of(b, db_int(r, 0));
		if (rel && json_object_get(rel, "people"))
			append_to(rel, "people", db_row_json_range(r, 1, 5));
	}
	if (!rc && more < 0)
		rc = more;
	db_rows_free(r);
	return rc;
}

/* Writes the batch's relations to out. first: nothing was written yet. */
static int write_batch(const struct export_ctx *ctx, struct batch *b, bool first,
		       struct buf *out)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < b->n; i++) {
		const struct export_item *it = &b->items[i];
		switch (ctx->opt->format) {
		case EXPORT_CSV:
			rc = export_csv_row(ctx, it, out);
			break;
		case EXPORT_JSON:
			if (!first || i)
				buf_addc(out, ',');
			rc = jx_write(out, it->rel);
			break;
		case EXPORT_VCARD:
			rc = export_vcard_card(ctx, it, out);
			break;
		}
	}
	return rc ? rc : out->failed ? BRUG_ETOOBIG : 0;
}

static int flush(struct buf *out, export_sink_fn sink, void *ctx)
{
	int rc = out->len ? sink(ctx, out->p, out->len) : 0;
	buf_reset(out);
	return rc;
}

/* The header (CSV, JSON's '['), or the end (JSON's ']'). */
static int frame(const struct export_ctx *ctx, bool head, struct buf *out)
{
	if (ctx->opt->format == EXPORT_JSON)
		return buf_addc(out, head ? '[' : ']');
	if (ctx->opt->format == EXPORT_CSV && head) {
		if (ctx->opt->excel)
			buf_adds(out, "\xEF\xBB\xBF");
		return export_csv_header(ctx, out);
	}
	return 0;
}

int export_relations(struct db *db, int64_t org, const struct export_select *sel,
		     const struct export_options *opt, export_sink_fn sink, void *ctx,
		     size_t *count)
{
	if (sel->n_ids > EXPORT_IDS_MAX)
		return BRUG_EINVAL;
	struct export_ctx ec = {.opt = opt, .org = org, .delim = opt->excel ? ';' : ','};
	struct batch *b = xcalloc(1, sizeof(*b));
	struct buf out;
	buf_init(&out, 0);
	char *tag_key = sel->tag ? relation_sort_key(sel->tag) : NULL;
	size_t total = 0;
	int rc = db_int_query(db, &ec.org_created_ms, "SELECT created_at FROM orgs WHERE org_id = ?",
			      DB_ARGS(DB_I(org)));
	if (!rc && opt->format == EXPORT_CSV)
		rc = custom_field_list(db, org, &ec.fields);
	if (!rc)
		rc = frame(&ec, true, &out);
	for (bool first = true; !rc; first = false) {
		batch_clear(b);
		rc = read_rows(db, org, sel, tag_key, b);
		if (rc || b->n == 0)
			break;
		rc = read_points(db, org, b);
		if (!rc)
			rc = read_tags(db, org, b);
		if (!rc)
			rc = read_people(db, org, b);
		if (!rc)
			rc = read_custom(db, org, b);
		if (!rc)
			rc = write_batch(&ec, b, first, &out);
		if (!rc)
			rc = flush(&out, sink, ctx);
		total += b->n;
		if (b->n < EXPORT_BATCH)
			break;
	}
	if (!rc)
		rc = frame(&ec, false, &out);
	if (!rc)
		rc = flush(&out, sink, ctx);
	if (!rc && count)
		*count = total;
	batch_clear(b);
	free(b->last_key);
	free(b);
	free(tag_key);
	json_decref(ec.fields);
	buf_cleanup(&out);
	return rc;
}

bool export_format_parse(const char *s, enum export_format *out)
{
	static const struct {
		const char *name;
		enum export_format f;
	} names[] = {{"csv", EXPORT_CSV}, {"json", EXPORT_JSON}, {"vcard", EXPORT_VCARD},
		     {"vcf", EXPORT_VCARD}};
	for (size_t i = 0; s && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name)) {
			*out = names[i].f;
			return true;
		}
	return false;
}

const char *export_content_type(enum export_format f)
{
	return f == EXPORT_CSV	  ? "text/csv; charset=utf-8"
	       : f == EXPORT_JSON ? "application/json; charset=utf-8"
				  : "text/vcard; charset=utf-8";
}

void export_file_name(const char *base, enum export_format f, char *out, size_t n)
{
	static const char *const ext[] = {"csv", "json", "vcf"};
	char slug[61];
	size_t k = 0;
	bool dash = false;
	char *folded = relation_sort_key(base ? base : ""); /* "Zoë" -> "zoe" */
	for (const char *p = folded; *p && k < sizeof(slug) - 1; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && k && k < sizeof(slug) - 2)
				slug[k++] = '-';
			slug[k++] = c;
			dash = false;
		} else {
			dash = true;
		}
	}
	slug[k] = '\0';
	free(folded);
	snprintf(out, n, "%s.%s", k ? slug : "export", ext[f]);
}

void export_relation_uid(int64_t org, int64_t org_created_ms, int64_t id, char out[37])
{
	char msg[96], hex[SECURE_DIGEST_HEX + 1];
	int len = snprintf(msg, sizeof(msg), "brug relation %lld %lld %lld", (long long)org,
			   (long long)org_created_ms, (long long)id);
	secure_digest_hex(msg, (size_t)len, hex);
	hex[12] = '8'; /* version 8: a UUID of one's own making */
	static const char variant[] = "89ab";
	hex[16] = variant[(hex[16] >= 'a' ? hex[16] - 'a' + 10 : hex[16] - '0') & 3];
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

int export_audit(struct db *db, const struct actor *who, enum export_format f, size_t count)
{
	static const char *const names[] = {"csv", "json", "vcard"};
	db_read_end(db);
	int rc = db_begin(db);
	if (rc)
		return rc;
	json_t *d = json_object();
	jx_set_str(d, "format", names[f]);
	jx_set_int(d, "relations", (int64_t)count);
	rc = audit_add(db, who, "relation.export", "relation", 0, d);
	return db_finish(db, rc);
}

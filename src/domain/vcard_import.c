/* SPDX-License-Identifier: Apache-2.0 */
/* The vCard import; see vcard_import.h. This file owns the run: the cards
 * and the reader's dropped ones in file order, duplicates, the person's
 * organisation, merging into a duplicate, the one transaction and the
 * report. What a card means is in vcard_import_map.c. */
#include "domain/vcard_import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/audit.h"
#include "domain/relation.h"
#include "domain/vcard_import_impl.h"
#include "util/buf.h"
#include "util/contactinfo.h"
#include "util/jx.h"
#include "util/vcard.h"
#include "util/xmalloc.h"

struct run {
	struct db *db;
	const struct actor *who;
	const struct vcard_import_options *opt;
	json_t *preview;
	struct vi_notes rejected, warnings;
	size_t rows, created, updated, skipped, orgs_created;
	json_t *orgs; /* an ORG's sort key -> its relation id, in this run */
};

/* A line of the preview; action is create, update, skip or reject. */
static void preview_add(struct run *r, size_t line, const char *name, const char *kind,
			const char *action, int64_t id, const struct vi_card *m, const char *reason)
{
	if (json_array_size(r->preview) >= VCARD_IMPORT_PREVIEW)
		return;
	json_t *p = json_pack("{s:I,s:s,s:s,s:s}", "line", (json_int_t)line, "name",
			      name ? name : "", "kind", kind ? kind : "", "action", action);
	if (id)
		jx_set_int(p, "id", id);
	if (m && m->org_name)
		jx_set_str(p, "organisation", m->org_name);
	const json_t *email = m ? json_array_get(m->in.emails, 0) : NULL;
	if (email)
		jx_set_str(p, "email", jx_str(email, "value"));
	if (reason)
		jx_set_str(p, "reason", reason);
	json_array_append_new(r->preview, p);
}

static void reject(struct run *r, size_t line, const char *name, const char *reason,
		   const struct vi_card *m)
{
	vi_note(&r->rejected, line, "%s", reason);
	preview_add(r, line, name, m ? m->in.kind : NULL, "reject", 0, m, reason);
}

/* The values of a list of emails or phones as contact_points.norm has
 * them (lower-cased; international digits), at most max. */
static size_t norms_of(json_t *list, bool phone, char (*out)[256], size_t max)
{
	size_t n = 0, i;
	json_t *it;
	json_array_foreach(list, i, it) {
		const char *v = jx_str(it, "value");
		if (n == max || !v)
			break;
		if (phone) {
			char norm[PHONE_NORM_MAX];
			if (!contactinfo_phone_norm(v, "31", norm))
				continue;
			snprintf(out[n++], 256, "%s", norm);
		} else {
			snprintf(out[n], 256, "%s", v);
			for (char *p = out[n]; *p; p++)
				if (*p >= 'A' && *p <= 'Z')
					*p = (char)(*p - 'A' + 'a');
			n++;
		}
	}
	return n;
}

/* The lowest id of a relation of kind with one of the list's values. The
 * lowest is picked here, not with MIN() or ORDER BY in SQL: SQLite would
 * then walk the relation index in order instead of looking the values up
 * (a scan of every contact point of the organisation per card). */
static int find_by_points(struct run *r, const char *kind, const char *point, json_t *list,
			  int64_t *id)
{
	char norms[20][256];
	size_t n = norms_of(list, !strcmp(point, "phone"), norms, 20);
	if (!n)
		return BRUG_ENOTFOUND;
	struct buf sql;
	buf_init(&sql, 0);
	buf_adds(&sql, "SELECT c.relation_id FROM contact_points c WHERE c.org_id = ? AND c.kind = ?"
		       " AND c.norm IN (");
	struct db_arg args[23] = {DB_I(r->who->org_id), DB_T(point)};
	for (size_t i = 0; i < n; i++) {
		buf_adds(&sql, i ? ",?" : "?");
		args[2 + i] = DB_T(norms[i]);
	}
	buf_adds(&sql, ") AND EXISTS (SELECT 1 FROM relations r WHERE r.org_id = c.org_id"
		       " AND r.id = c.relation_id AND r.kind = ? AND r.erased_at IS NULL)");
	args[2 + n] = DB_T(kind);
	struct db_rows *rows = NULL;
	int64_t found = 0;
	int rc = db_query(r->db, &rows, buf_str(&sql), args, 3 + n), more = 0;
	while (!rc && (more = db_next(rows)) == 1)
		if (!found || db_int(rows, 0) < found)
			found = db_int(rows, 0);
	if (!rc && more < 0)
		rc = more;
	db_rows_free(rows);
	buf_cleanup(&sql);
	if (!rc && !found)
		rc = BRUG_ENOTFOUND;
	if (!rc)
		*id = found;
	return rc;
}

/* The relation the card duplicates: by email, phone, then name (a person
 * whose card names an organisation: only in that one). 0 when none. */
static int find_duplicate(struct run *r, const struct vi_card *m, int64_t parent, int64_t *id)
{
	*id = 0;
	int rc = find_by_points(r, m->in.kind, "email", m->in.emails, id);
	if (rc == BRUG_ENOTFOUND)
		rc = find_by_points(r, m->in.kind, "phone", m->in.phones, id);
	if (rc != BRUG_ENOTFOUND)
		return rc;
	*id = 0;
	if (m->org_name && !parent)
		return 0; /* its organisation is new: so is the person */
	char *key = relation_sort_key(m->in.name);
	rc = db_int_query(r->db, id,
			  "SELECT MIN(id) FROM relations WHERE org_id = ? AND kind = ?"
			  " AND sort_key = ? AND erased_at IS NULL"
			  " AND (? = 0 OR parent_id = ?)",
			  DB_ARGS(DB_I(r->who->org_id), DB_T(m->in.kind), DB_T(key), DB_I(parent),
				  DB_I(parent)));
	free(key);
	return rc == BRUG_ENOTFOUND ? 0 : rc;
}

/* The organisation called name: this run's, else the oldest one stored
 * (an active one first). 0 when there is none. */
static int find_org(struct run *r, const char *name, int64_t *id)
{
	*id = 0;
	if (!name)
		return 0;
	char *key = relation_sort_key(name);
	int rc = 0;
	json_t *known = json_object_get(r->orgs, key);
	if (known) {
		*id = json_integer_value(known);
	} else {
		rc = db_int_query(r->db, id,
				  "SELECT id FROM relations WHERE org_id = ? AND kind = 'organisation'"
				  " AND sort_key = ? AND erased_at IS NULL"
				  " ORDER BY CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END, id LIMIT 1",
				  DB_ARGS(DB_I(r->who->org_id), DB_T(key)));
		if (rc == BRUG_ENOTFOUND)
			rc = 0, *id = 0;
		if (!rc && *id)
			json_object_set_new(r->orgs, key, json_integer(*id));
	}
	free(key);
	return rc;
}

static int create_org(struct run *r, const char *name, int64_t *id, struct brug_err *err)
{
	struct relation_in in = {.kind = "organisation", .name = name, .parent_id = -1,
				 .owner_id = -1};
	int rc = relation_create(r->db, r->who, &in, id, err);
	if (!rc) {
		char *key = relation_sort_key(name);
		json_object_set_new(r->orgs, key, json_integer(*id));
		free(key);
		r->orgs_created++;
	}
	return rc;
}

/* English words for the relation's validation messages. */
static void reason_of(const struct brug_err *err, char *out, size_t n)
{
	static const struct {
		const char *key, *text;
	} words[] = {
		{"error.too_long", "too long or holds control characters"},
		{"error.required", "missing"},
		{"error.email", "not an email address"},
		{"error.phone", "not a phone number"},
		{"error.address", "an address is too long"},
		{"error.list", "too many, or malformed"},
		{"error.tags", "a tag is empty or too long"},
		{"error.choice", "not one of the choices"},
		{"error.parent", "not an organisation"},
	};
	const char *text = err->key ? err->key : "refused";
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (err->key && !strcmp(err->key, words[i].key))
			text = words[i].text;
	snprintf(out, n, "%s: %s", err->field ? err->field : "card", text);
}

static bool same_email(json_t *a, json_t *b)
{
	return !strcasecmp(jx_str(a, "value"), jx_str(b, "value"));
}

static bool same_phone(json_t *a, json_t *b)
{
	char x[PHONE_NORM_MAX], y[PHONE_NORM_MAX];
	if (!contactinfo_phone_norm(jx_str(a, "value"), "31", x) ||
	    !contactinfo_phone_norm(jx_str(b, "value"), "31", y))
		return !strcmp(jx_str(a, "value"), jx_str(b, "value"));
	return !strcmp(x, y);
}

static bool same_address(json_t *a, json_t *b)
{
	static const char *const keys[] = {"street", "postal_code", "city"};
	for (int k = 0; k < 3; k++) {
		const char *x = jx_str(a, keys[k]), *y = jx_str(b, keys[k]);
		if (strcasecmp(x ? x : "", y ? y : ""))
			return false;
	}
	return true;
}

static bool same_tag(json_t *a, json_t *b)
{
	char *x = relation_sort_key(json_string_value(a)), *y = relation_sort_key(json_string_value(b));
	bool same = !strcmp(x, y);
	free(x);
	free(y);
	return same;
}

/* The stored list with the card's items added that it lacks; at most max. */
static json_t *merged(struct run *r, size_t line, json_t *stored, json_t *card, const char *what,
		      size_t max, bool (*same)(json_t *, json_t *))
{
	json_t *out = stored ? json_deep_copy(stored) : json_array();
	size_t i;
	json_t *it;
	json_array_foreach(card, i, it) {
		bool dup = false;
		for (size_t k = 0; k < json_array_size(out) && !dup; k++)
			dup = same(json_array_get(out, k), it);
		if (dup)
			continue;
		if (json_array_size(out) >= max) {
			vi_note(&r->warnings, line,
				"the relation has %zu %s already; the card's other ones are left out",
				max, what);
			break;
		}
		json_array_append(out, it);
	}
	return out;
}

/* Turns m's lists into the stored ones with the card's added. */
static int merge_into(struct run *r, size_t line, int64_t id, struct vi_card *m)
{
	json_t *rel = NULL;
	int rc = relation_get(r->db, r->who->org_id, id, &rel);
	if (rc)
		return rc;
	struct {
		json_t **list;
		const char *key;
		size_t max;
		bool (*same)(json_t *, json_t *);
	} lists[] = {
		{&m->in.emails, "emails", 20, same_email},
		{&m->in.phones, "phones", 20, same_phone},
		{&m->in.addresses, "addresses", 20, same_address},
		{&m->in.tags, "tags", 50, same_tag},
	};
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		json_t *both = merged(r, line, json_object_get(rel, lists[i].key), *lists[i].list,
				      lists[i].key, lists[i].max, lists[i].same);
		json_decref(*lists[i].list);
		*lists[i].list = both;
	}
	json_decref(rel);
	return 0;
}

/* Writes one mapped card: its organisation, then a new relation or the
 * duplicate updated. A refusal is a rejection, not a failure. */
static int write_card(struct run *r, const struct vcard *c, struct vi_card *m, int64_t parent,
		      int64_t dup)
{
	struct brug_err err = {0};
	int rc = 0;
	if (m->org_name && !parent)
		rc = create_org(r, m->org_name, &parent, &err);
	if (!rc && parent)
		m->in.parent_id = parent;
	int64_t id = dup;
	if (!rc && dup && !(rc = merge_into(r, c->line, dup, m)))
		rc = relation_update(r->db, r->who, dup, &m->in, &err);
	else if (!rc && !dup)
		rc = relation_create(r->db, r->who, &m->in, &id, &err);
	if (rc == BRUG_EVALIDATION) {
		char reason[200];
		reason_of(&err, reason, sizeof(reason));
		reject(r, c->line, m->in.name, reason, m);
		return 0;
	}
	if (rc)
		return rc;
	*(dup ? &r->updated : &r->created) += 1;
	preview_add(r, c->line, m->in.name, m->in.kind, dup ? "update" : "create",
		    dup || !r->opt->dry_run ? id : 0, m, NULL);
	return 0;
}

static int do_card(struct run *r, const struct vcard *c)
{
	struct vi_card m = {0};
	vi_card_map(c, &m, &r->warnings);
	int rc = 0;
	int64_t parent = 0, dup = 0;
	if (m.group) {
		r->skipped++;
		preview_add(r, c->line, c->fn, "group", "skip", 0, NULL,
			    "a contact group, not a contact");
	} else if (m.reason[0]) {
		reject(r, c->line, c->fn, m.reason, &m);
	} else if (!(rc = find_org(r, m.org_name, &parent)) &&
		   !(rc = find_duplicate(r, &m, parent, &dup))) {
		if (dup && !r->opt->update) {
			r->skipped++;
			preview_add(r, c->line, m.in.name, m.in.kind, "skip", dup, &m,
				    "a duplicate");
		} else {
			rc = write_card(r, c, &m, parent, dup);
		}
	}
	vi_card_cleanup(&m);
	return rc;
}

/* Every card, and every card the reader dropped, in file order. */
static int do_all(struct run *r, const struct vcard_list *l)
{
	size_t ci = 0, ei = 0, drops = 0;
	int rc = 0;
	while (!rc && (ci < l->n_cards || ei < l->n_errors)) {
		const struct vcard_error *e = ei < l->n_errors ? &l->errors[ei] : NULL;
		const struct vcard *c = ci < l->n_cards ? &l->cards[ci] : NULL;
		if (e && (!c || e->line <= c->line)) {
			ei++;
			if (e->dropped && e->card) {
				r->rows++;
				drops++;
				reject(r, e->line, NULL, e->reason, NULL);
			} else {
				vi_note(&r->warnings, e->line, "%s", e->reason);
			}
			continue;
		}
		ci++;
		r->rows++;
		rc = do_card(r, c);
	}
	/* cards dropped past the reader's list of errors */
	size_t unlisted = l->n_dropped > drops ? l->n_dropped - drops : 0;
	r->rows += unlisted;
	r->rejected.omitted += unlisted;
	r->warnings.omitted += l->errors_omitted >= unlisted ? l->errors_omitted - unlisted : 0;
	return rc;
}

static json_t *report_of(struct run *r, bool blocked)
{
	json_t *d = json_object();
	jx_set_bool(d, "dry_run", r->opt->dry_run);
	jx_set_int(d, "rows", (int64_t)r->rows);
	jx_set_int(d, "created", (int64_t)r->created);
	jx_set_int(d, "updated", (int64_t)r->updated);
	jx_set_int(d, "skipped", (int64_t)r->skipped);
	jx_set_int(d, "organisations_created", (int64_t)r->orgs_created);
	json_object_set(d, "rejected", r->rejected.list);
	jx_set_int(d, "rejected_count",
		   (int64_t)(json_array_size(r->rejected.list) + r->rejected.omitted));
	jx_set_int(d, "rejected_omitted", (int64_t)r->rejected.omitted);
	json_object_set(d, "warnings", r->warnings.list);
	jx_set_int(d, "warnings_omitted", (int64_t)r->warnings.omitted);
	jx_set_bool(d, "blocked", blocked);
	json_object_set(d, "preview", r->preview);
	return d;
}

int vcard_import_run(struct db *db, const struct actor *who, const char *data, size_t len,
		     const struct vcard_import_options *opt, json_t **report,
		     struct brug_err *err)
{
	struct vcard_list *l = NULL;
	if (vcard_parse(data, len, &l))
		return brug_failf(err, BRUG_ETOOBIG, "error.too_large", NULL,
				  "the file holds more than %d cards", VCARD_CARDS_MAX);
	struct run r = {.db = db, .who = who, .opt = opt, .preview = json_array(),
			.rejected = {json_array(), VCARD_IMPORT_LISTED, 0},
			.warnings = {json_array(), VCARD_IMPORT_LISTED, 0}, .orgs = json_object()};
	int rc = db_begin(db);
	if (!rc) {
		rc = do_all(&r, l);
		size_t rejected = json_array_size(r.rejected.list) + r.rejected.omitted;
		bool blocked = rejected && !opt->skip_invalid;
		if (!rc && !opt->dry_run && !blocked) {
			json_t *d = json_pack("{s:I,s:I,s:I,s:I}", "created", (json_int_t)r.created,
					      "updated", (json_int_t)r.updated, "skipped",
					      (json_int_t)r.skipped, "rejected", (json_int_t)rejected);
			rc = audit_add(db, who, "relation.import_vcard", "relation", 0, d);
			rc = db_finish(db, rc);
		} else {
			db_rollback(db);
		}
		if (!rc) {
			*report = report_of(&r, blocked);
			if (blocked && !opt->dry_run)
				rc = brug_failf(err, BRUG_EVALIDATION, "transfer.error_rejected", NULL,
						"%zu of %zu cards were rejected; nothing was imported",
						rejected, r.rows);
		}
	}
	vcard_list_free(l);
	json_decref(r.preview);
	json_decref(r.rejected.list);
	json_decref(r.warnings.list);
	json_decref(r.orgs);
	return rc;
}

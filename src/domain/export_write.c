/* SPDX-License-Identifier: Apache-2.0 */
/* The formats of a relation export: a CSV row whose columns brug's CSV
 * import reads back, and a vCard 4.0 card. Both start from the relation
 * as relation_get shapes it; see export_impl.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/export_impl.h"
#include "util/csv.h"
#include "util/jx.h"
#include "util/vcard.h"
#include "util/xmalloc.h"

#define CSV_COLUMNS 17

static const char *const header_nl[CSV_COLUMNS] = {
	"naam",	   "voornaam", "achternaam", "e-mail", "telefoon",    "mobiel",
	"straat",  "postcode", "plaats",     "land",   "functie",     "type",
	"labels",  "notities", "taal",	     "organisatie", "accountmanager",
};
static const char *const header_en[CSV_COLUMNS] = {
	"name",	  "given_name",  "family_name", "email",   "phone", "mobile",
	"street", "postal_code", "city",	"country", "job_title", "type",
	"tags",	  "notes",	 "lang",	"organisation", "owner",
};

/* Columns of the fixed fields, then one per custom field. */
static size_t csv_columns(const struct export_ctx *ctx)
{
	return CSV_COLUMNS + json_array_size(ctx->fields);
}

int export_csv_header(const struct export_ctx *ctx, struct buf *out)
{
	size_t n = csv_columns(ctx);
	const char **h = xcalloc(n, sizeof(*h));
	memcpy(h, ctx->opt->english ? header_en : header_nl, sizeof(header_en));
	for (size_t i = CSV_COLUMNS; i < n; i++)
		h[i] = jx_str(json_array_get(ctx->fields, i - CSV_COLUMNS), "label");
	int rc = csvx_write_row(out, h, n, ctx->delim, CSVX_PROTECT);
	free(h);
	return rc;
}

/* A custom value as CSV text: a number written into num (15 significant
 * digits, so 0.1 stays 0.1), any other value as it is stored. */
static const char *custom_text(const json_t *v, char *num, size_t n)
{
	if (json_is_integer(v)) {
		snprintf(num, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return num;
	}
	if (json_is_real(v)) {
		snprintf(num, n, "%.15g", json_real_value(v));
		return num;
	}
	return json_string_value(v);
}

static bool is_mobile(const char *label)
{
	return label && (!strcmp(label, "mobile") || !strcmp(label, "mobiel"));
}

/* A non-empty string member, or NULL. */
static const char *text(const json_t *o, const char *key)
{
	const char *s = jx_str(o, key);
	return s && *s ? s : NULL;
}

int export_csv_row(const struct export_ctx *ctx, const struct export_item *it, struct buf *out)
{
	const json_t *rel = it->rel;
	const char *phone = NULL, *mobile = NULL;
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(rel, "phones"), i, p) {
		const char **slot = is_mobile(jx_str(p, "label")) ? &mobile : &phone;
		if (!*slot)
			*slot = jx_str(p, "value");
	}
	struct buf tags;
	buf_init(&tags, 0);
	json_array_foreach(json_object_get(rel, "tags"), i, p) {
		if (i)
			buf_adds(&tags, ", ");
		buf_adds(&tags, json_string_value(p));
	}
	const json_t *email = json_array_get(json_object_get(rel, "emails"), 0);
	const json_t *adr = json_array_get(json_object_get(rel, "addresses"), 0);
	const char *fixed[CSV_COLUMNS] = {
		text(rel, "name"),	  text(rel, "given_name"), text(rel, "family_name"),
		text(email, "value"),	  phone,		   mobile,
		text(adr, "street"),	  text(adr, "postal_code"), text(adr, "city"),
		text(adr, "country"),	  text(rel, "job_title"),  text(rel, "type"),
		buf_str(&tags),		  text(rel, "notes"),	   text(rel, "lang"),
		text(rel, "parent_name"), it->owner_email,
	};
	size_t n = csv_columns(ctx);
	const char **f = xcalloc(n, sizeof(*f));
	char (*num)[32] = xcalloc(n, sizeof(*num));
	memcpy(f, fixed, sizeof(fixed));
	const json_t *custom = json_object_get(rel, "custom");
	for (size_t c = CSV_COLUMNS; c < n; c++) {
		const char *name = jx_str(json_array_get(ctx->fields, c - CSV_COLUMNS), "name");
		f[c] = custom_text(json_object_get(custom, name ? name : ""), num[c], sizeof(num[c]));
	}
	int rc = csvx_write_row(out, f, n, ctx->delim, CSVX_PROTECT);
	free(num);
	free(f);
	buf_cleanup(&tags);
	return rc;
}

/* ---- vCard ---- */

/* TYPE bits for one of brug's labels; other labels go as X-ABLabel. */
static unsigned types_of(const char *label, bool phone, bool *known)
{
	static const struct {
		const char *label;
		unsigned types;
	} map[] = {
		{"work", VCARD_TYPE_WORK},   {"werk", VCARD_TYPE_WORK},	  {"home", VCARD_TYPE_HOME},
		{"thuis", VCARD_TYPE_HOME},  {"prive", VCARD_TYPE_HOME},  {"mobile", VCARD_TYPE_CELL},
		{"mobiel", VCARD_TYPE_CELL}, {"fax", VCARD_TYPE_FAX},
	};
	*known = false;
	for (size_t i = 0; label && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(label, map[i].label) && (phone || !(map[i].types & (VCARD_TYPE_CELL |
										      VCARD_TYPE_FAX)))) {
			*known = true;
			return map[i].types;
		}
	return 0;
}

static char *dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

static void contacts(json_t *a, bool phone, struct vcard_contact **out, size_t *n)
{
	*n = json_array_size(a);
	*out = *n ? xcalloc(*n, sizeof(**out)) : NULL;
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e) {
		const char *label = text(e, "label");
		bool known;
		(*out)[i].value = xstrdup(jx_str(e, "value") ? jx_str(e, "value") : "");
		(*out)[i].types = types_of(label, phone, &known);
		(*out)[i].label = known ? NULL : dup_or_null(label);
	}
}

static void addresses(json_t *a, struct vcard *c)
{
	c->adrs = json_array_size(a) ? xcalloc(json_array_size(a), sizeof(*c->adrs)) : NULL;
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e) {
		struct vcard_adr *d = &c->adrs[c->n_adrs];
		d->street = dup_or_null(text(e, "street"));
		d->postal_code = dup_or_null(text(e, "postal_code"));
		d->locality = dup_or_null(text(e, "city"));
		d->country = dup_or_null(text(e, "country"));
		if (!d->street && !d->postal_code && !d->locality && !d->country)
			continue; /* an address with only a free-text value */
		bool known;
		const char *label = text(e, "label");
		d->types = types_of(label, false, &known);
		d->label = known ? NULL : dup_or_null(label);
		c->n_adrs++;
	}
}

/* REV from milliseconds since 1970: "20260301T093000Z". */
static char *rev_of(int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char s[32];
	if (ms <= 0 || !gmtime_r(&t, &tm) || !strftime(s, sizeof(s), "%Y%m%dT%H%M%SZ", &tm))
		return NULL;
	return xstrdup(s);
}

int export_vcard_card(const struct export_ctx *ctx, const struct export_item *it,
		      struct buf *out)
{
	const json_t *rel = it->rel;
	struct vcard c = {0};
	bool org = !strcmp(jx_str(rel, "kind") ? jx_str(rel, "kind") : "", "organisation");
	c.fn = xstrdup(jx_str(rel, "name") ? jx_str(rel, "name") : "");
	if (org) {
		c.kind = xstrdup("org");
		c.org = xstrdup(c.fn);
	} else {
		c.given = dup_or_null(text(rel, "given_name"));
		c.family = dup_or_null(text(rel, "family_name"));
		c.org = dup_or_null(text(rel, "parent_name"));
		c.title = dup_or_null(text(rel, "job_title"));
	}
	contacts(json_object_get(rel, "emails"), false, &c.emails, &c.n_emails);
	contacts(json_object_get(rel, "phones"), true, &c.phones, &c.n_phones);
	addresses(json_object_get(rel, "addresses"), &c);
	c.lang = dup_or_null(text(rel, "lang"));
	c.note = dup_or_null(text(rel, "notes"));
	json_t *tags = json_object_get(rel, "tags");
	c.categories = json_array_size(tags) ? xcalloc(json_array_size(tags), sizeof(char *)) : NULL;
	size_t i;
	json_t *t;
	json_array_foreach(tags, i, t) {
		if (json_string_length(t))
			c.categories[c.n_categories++] = xstrdup(json_string_value(t));
	}
	char uid[37];
	export_relation_uid(ctx->org, ctx->org_created_ms, it->id, uid);
	c.uid = xstrdup(uid);
	c.rev = rev_of(it->updated_ms);
	int rc = vcard_write(out, &c);
	vcard_cleanup(&c);
	return rc;
}

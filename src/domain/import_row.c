/* SPDX-License-Identifier: Apache-2.0 */
/* The rules for one row of a relations import: which kind of relation it
 * is, what each cell means (types and languages in Dutch or English, tags
 * split on commas or semicolons, an account manager by email or name,
 * custom fields checked as the API checks them), and why a row is refused.
 * Limits are those of domain/relation.c. Pure: the users and the custom
 * fields come from the caller. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/import_impl.h"
#include "domain/custom_field.h"
#include "domain/relation.h"
#include "util/jx.h"
#include "util/textfold.h"
#include "util/utf8.h"

void import_users_cleanup(struct import_users *u)
{
	for (size_t i = 0; u && i < u->n; i++) {
		free(u->v[i].email);
		free(u->v[i].name_key);
	}
	if (u) {
		free(u->v);
		u->v = NULL;
		u->n = 0;
	}
}

void import_row_reject(struct import_row *row, const char *code, const char *field,
		       const char *value, const char *fmt, ...)
{
	row->code = code;
	row->field = field;
	row->value = value;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(row->reason, sizeof(row->reason), fmt, ap);
	va_end(ap);
}

/* The cell of field f, trimmed, without the apostrophe a spreadsheet
 * export puts before a formula character; NULL when the file has no such
 * column or the cell is empty. Outside notes, line breaks and tabs become one space
 * (addresses in Excel cells span lines); other control characters are
 * left for the caller to refuse. */
static const char *cell_at(const struct csvx_record *rec, int c, bool multiline,
			   struct arena *a)
{
	if (c < 0 || (size_t)c >= rec->n)
		return NULL;
	const char *p = rec->field[c].p;
	size_t n = rec->field[c].len;
	while (n && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++, n--;
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '\n'))
		n--;
	/* our own exports protect spreadsheet formulas with an apostrophe
	 * (csvx_write_row, CSVX_PROTECT): '+31 6 ... is +31 6 ... again */
	if (n > 1 && p[0] == '\'' && strchr("=+-@", p[1]))
		p++, n--;
	if (!n)
		return NULL;
	char *s = arena_alloc(a, n + 1);
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];
		if (!multiline && (ch == '\r' || ch == '\n' || ch == '\t')) {
			if (w && s[w - 1] != ' ')
				s[w++] = ' ';
			continue;
		}
		s[w++] = ch;
	}
	s[w] = '\0';
	return s;
}

static const char *cell(const struct import_map *m, const struct csvx_record *rec,
			enum import_field f, struct arena *a)
{
	return cell_at(rec, m->col[f], f == IMF_NOTES, a);
}

/* Up to 80 bytes of s, cut at a UTF-8 boundary, for a report. */
static const char *shorten(const char *s, struct arena *a)
{
	size_t n = strlen(s);
	if (n <= 80)
		return s;
	n = 77;
	while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	char *out = arena_alloc(a, n + 4);
	memcpy(out, s, n);
	memcpy(out + n, "...", 4);
	return out;
}

static bool folded_is(const char *v, const char *const *set)
{
	char *k = NULL;
	size_t n = 0;
	if (textfold_fold(v, strlen(v), &k, &n))
		return false;
	/* letters and digits only: "nl-NL" is "nlnl", "Klant." is "klant" */
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if ((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || (unsigned char)k[i] >= 0x80)
			k[w++] = k[i];
	k[w] = '\0';
	bool hit = false;
	for (; *set && !hit; set++)
		hit = !strcmp(k, *set);
	free(k);
	return hit;
}

static const char *type_of(const char *v)
{
	static const char *const customer[] = {"klant", "klanten", "customer", "customers", "client",
					       "clients", "afnemer", NULL};
	static const char *const prospect[] = {"prospect", "prospects", "lead", "leads", NULL};
	static const char *const supplier[] = {"leverancier", "leveranciers", "supplier", "suppliers",
					       "vendor", NULL};
	static const char *const partner[] = {"partner", "partners", NULL};
	return folded_is(v, customer)   ? "customer"
	       : folded_is(v, prospect) ? "prospect"
	       : folded_is(v, supplier) ? "supplier"
	       : folded_is(v, partner)  ? "partner"
					: NULL;
}

static const char *lang_of(const char *v)
{
	static const char *const nl[] = {"nl", "nld", "nlnl", "nlbe", "nederlands", "dutch",
					 "hollands", "vlaams", NULL};
	static const char *const en[] = {"en", "eng", "engb", "enus", "english", "engels", NULL};
	return folded_is(v, nl) ? "nl" : folded_is(v, en) ? "en" : NULL;
}

static int64_t owner_of(const struct import_users *users, const char *v)
{
	char lower[256];
	snprintf(lower, sizeof(lower), "%s", v);
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	char *key = NULL;
	if (textfold_fold(v, strlen(v), &key, NULL))
		key = NULL;
	int64_t id = 0;
	for (size_t i = 0; users && i < users->n && !id; i++)
		if (!strcmp(users->v[i].email, lower) || (key && !strcmp(users->v[i].name_key, key)))
			id = users->v[i].id;
	free(key);
	return id;
}

static const char *join(struct arena *a, const char *x, const char *sep, const char *y)
{
	if (!x)
		return y;
	if (!y)
		return x;
	return arena_printf(a, "%s%s%s", x, sep, y);
}

/* Checks a text's length (code points) and control characters; fills the
 * rejection and returns false when it fails. */
static bool text_ok(struct import_row *row, struct arena *a, const char *v, const char *field,
		    size_t max)
{
	if (!v)
		return true;
	size_t n = strlen(v);
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t') {
			import_row_reject(row, "text", field, shorten(v, a),
					  "%s holds control characters", field);
			return false;
		}
	if (utf8_len(v, n) > max) {
		import_row_reject(row, "too_long", field, shorten(v, a),
				  "%s is too long (at most %zu characters)", field, max);
		return false;
	}
	return true;
}

/* Tags split on commas and semicolons, trimmed, each once (by sort key). */
static bool read_tags(struct import_row *row, struct arena *a, const char *v)
{
	char *keys[IMPORT_TAGS_MAX];
	bool ok = true;
	row->ntags = 0;
	while (v && *v && ok) {
		size_t n = strcspn(v, ",;");
		const char *p = v;
		v += n + (v[n] ? 1 : 0);
		while (n && *p == ' ')
			p++, n--;
		while (n && p[n - 1] == ' ')
			n--;
		if (!n)
			continue;
		const char *tag = arena_strndup(a, p, n);
		if (!text_ok(row, a, tag, "tags", 50)) {
			ok = false;
			break;
		}
		char *key = relation_sort_key(tag);
		bool seen = false;
		for (size_t i = 0; i < row->ntags && !seen; i++)
			seen = !strcmp(keys[i], key);
		if (seen) {
			free(key);
			continue;
		}
		if (row->ntags == IMPORT_TAGS_MAX) {
			free(key);
			import_row_reject(row, "tags", "tags", NULL, "too many tags (at most %d)",
					  IMPORT_TAGS_MAX);
			ok = false;
			break;
		}
		keys[row->ntags] = key;
		row->tags[row->ntags++] = tag;
	}
	for (size_t i = 0; i < row->ntags; i++)
		free(keys[i]);
	return ok;
}

static bool read_names(const struct import_map *m, const struct csvx_record *rec,
		       struct import_row *row, struct arena *a)
{
	const char *org = cell(m, rec, IMF_ORGANISATION, a);
	const char *full = cell(m, rec, IMF_PERSON_NAME, a);
	const char *given = cell(m, rec, IMF_GIVEN_NAME, a);
	const char *infix = cell(m, rec, IMF_INFIX, a);
	const char *family = cell(m, rec, IMF_FAMILY_NAME, a);
	if (family && infix)
		family = join(a, infix, " ", family);
	row->person = full || given || family;
	if (row->person) {
		row->name = full ? full : join(a, given, " ", family);
		row->given = given;
		row->family = family;
		row->org = org;
	} else if (org) {
		row->name = org;
	} else {
		import_row_reject(row, "no_name", NULL, NULL,
				  "no name: fill in an organisation or a person's name");
		return false;
	}
	return text_ok(row, a, row->name, "name", 200) && text_ok(row, a, given, "given_name", 100) &&
	       text_ok(row, a, family, "family_name", 100) &&
	       text_ok(row, a, row->org, "organisation", 200);
}

static bool read_phone(struct import_row *row, struct arena *a, const char *v, const char *field,
		       char norm[PHONE_NORM_MAX])
{
	if (!v)
		return true;
	if (!text_ok(row, a, v, field, 40))
		return false;
	if (!contactinfo_phone_norm(v, "31", norm)) {
		import_row_reject(row, "phone", field, shorten(v, a), "invalid phone number");
		return false;
	}
	return true;
}

static bool read_contact(const struct import_map *m, const struct csvx_record *rec,
			 struct import_row *row, struct arena *a)
{
	row->email = cell(m, rec, IMF_EMAIL, a);
	if (row->email) {
		if (!text_ok(row, a, row->email, "email", 254))
			return false;
		if (!contactinfo_email_valid(row->email)) {
			import_row_reject(row, "email", "email", shorten(row->email, a),
					  "invalid email address");
			return false;
		}
		snprintf(row->email_norm, sizeof(row->email_norm), "%s", row->email);
		for (char *p = row->email_norm; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	}
	row->phone = cell(m, rec, IMF_PHONE, a);
	row->mobile = cell(m, rec, IMF_MOBILE, a);
	if (!read_phone(row, a, row->phone, "phone", row->phone_norm) ||
	    !read_phone(row, a, row->mobile, "mobile", row->mobile_norm))
		return false;
	row->street = join(a, cell(m, rec, IMF_STREET, a), " ", cell(m, rec, IMF_HOUSE_NUMBER, a));
	row->postal_code = cell(m, rec, IMF_POSTAL_CODE, a);
	row->city = cell(m, rec, IMF_CITY, a);
	row->country = cell(m, rec, IMF_COUNTRY, a);
	row->has_address = row->street || row->postal_code || row->city || row->country;
	return text_ok(row, a, row->street, "street", 200) &&
	       text_ok(row, a, row->postal_code, "postal_code", 20) &&
	       text_ok(row, a, row->city, "city", 100) && text_ok(row, a, row->country, "country", 100);
}

static bool read_choices(const struct import_map *m, const struct csvx_record *rec,
			 const struct import_users *users, struct import_row *row, struct arena *a)
{
	const char *type = cell(m, rec, IMF_TYPE, a);
	if (type && !(row->type = type_of(type))) {
		import_row_reject(row, "type", "type", shorten(type, a),
				  "unknown type (customer, prospect, supplier, partner;"
				  " klant, leverancier)");
		return false;
	}
	const char *lang = cell(m, rec, IMF_LANG, a);
	if (lang && !(row->lang = lang_of(lang))) {
		import_row_reject(row, "lang", "lang", shorten(lang, a),
				  "unknown language (nl, en, Nederlands, English)");
		return false;
	}
	const char *owner = cell(m, rec, IMF_OWNER, a);
	if (owner && !(row->owner_id = owner_of(users, owner))) {
		import_row_reject(row, "owner", "owner", shorten(owner, a),
				  "unknown account manager (no user with this email address or name)");
		return false;
	}
	/* an organisation has no job title; the column is for its people */
	row->job_title = row->person ? cell(m, rec, IMF_JOB_TITLE, a) : NULL;
	row->notes = cell(m, rec, IMF_NOTES, a);
	return text_ok(row, a, row->job_title, "job_title", 100) &&
	       text_ok(row, a, row->notes, "notes", 20000) &&
	       read_tags(row, a, cell(m, rec, IMF_TAGS, a));
}

/* A date as spreadsheets in the Netherlands write it (31-12-2026, 1/2/2026,
 * 31.12.2026) as YYYY-MM-DD in out; other texts unchanged. */
static const char *iso_date(const char *v, char *out, size_t n)
{
	unsigned d = 0, mo = 0, y = 0;
	char s1 = 0, s2 = 0;
	int used = 0;
	if (sscanf(v, "%2u%c%2u%c%4u%n", &d, &s1, &mo, &s2, &y, &used) == 5 && !v[used] &&
	    s1 == s2 && strchr("-/.", s1) && y >= 1000) {
		snprintf(out, n, "%04u-%02u-%02u", y, mo, d);
		return out;
	}
	return v;
}

/* The choice of field that v is, ignoring ASCII case; NULL when none. */
static const char *choice_of(const json_t *field, const char *v)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(field, "choices"), i, c)
		if (json_is_string(c) && !strcasecmp(json_string_value(c), v))
			return json_string_value(c);
	return NULL;
}

/* The organisation's custom fields the file has columns for, each checked
 * and turned into its stored form as the API does (custom_field_stored). */
static bool read_custom(const struct import_map *m, const struct csvx_record *rec,
			struct import_row *row, struct arena *a)
{
	for (size_t k = 0; k < m->ncustom; k++) {
		const char *v = cell_at(rec, m->custom_col[k], false, a);
		if (!v)
			continue;
		const json_t *f = json_array_get(m->custom, k);
		const char *type = jx_str(f, "type");
		char date[48];
		if (!strcmp(type, "date"))
			v = iso_date(v, date, sizeof(date));
		else if (!strcmp(type, "choice") && choice_of(f, v))
			v = choice_of(f, v);
		json_t *j = json_string(v);
		char *stored = j ? custom_field_stored(f, j) : NULL;
		json_decref(j);
		if (!stored || !*stored) {
			const char *field = arena_printf(a, "custom:%s", jx_str(f, "name"));
			import_row_reject(row, "custom", field, shorten(v, a), "not a valid %s for %s",
					  type, jx_str(f, "name"));
			free(stored);
			return false;
		}
		row->custom[k] = arena_strdup(a, stored);
		free(stored);
	}
	return true;
}

static bool blank_record(const struct csvx_record *rec)
{
	for (size_t i = 0; i < rec->n; i++)
		for (size_t j = 0; j < rec->field[i].len; j++)
			if (!strchr(" \t\r\n", rec->field[i].p[j]))
				return false;
	return true;
}

static const char *key_of(struct arena *a, const char *s)
{
	char *k = relation_sort_key(s);
	const char *out = arena_strdup(a, k);
	free(k);
	return out;
}

bool import_row_read(const struct import_map *m, const struct csvx_record *rec,
		     const struct import_users *users, struct arena *a, struct import_row *row,
		     bool *blank)
{
	memset(row, 0, sizeof(*row));
	row->line = rec->line;
	*blank = blank_record(rec);
	if (*blank)
		return false;
	if (rec->n != m->ncol) {
		import_row_reject(row, "ragged", NULL, NULL, "%zu field%s, the header has %zu", rec->n,
				  rec->n == 1 ? "" : "s", m->ncol);
		row->fields = rec->n;
		row->expected = m->ncol;
		return false;
	}
	if (!read_names(m, rec, row, a) || !read_contact(m, rec, row, a) ||
	    !read_choices(m, rec, users, row, a) || !read_custom(m, rec, row, a))
		return false;
	row->name_key = key_of(a, row->name);
	row->org_key = row->org ? key_of(a, row->org) : "";
	return true;
}

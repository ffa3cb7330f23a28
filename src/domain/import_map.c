/* SPDX-License-Identifier: Apache-2.0 */
/* Which column of an import file holds what: headers in Dutch and English
 * (and as Excel, Outlook and Google Contacts write them) recognised with
 * case, accents, spaces and punctuation ignored, and an explicit mapping
 * from the caller over that. Pure: no database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/import_impl.h"
#include "util/jx.h"
#include "util/textfold.h"
#include "util/xmalloc.h"

static const char *const field_names[IMF_COUNT] = {
	[IMF_NONE] = "",
	[IMF_ORGANISATION] = "organisation",
	[IMF_PERSON_NAME] = "person_name",
	[IMF_GIVEN_NAME] = "given_name",
	[IMF_INFIX] = "infix",
	[IMF_FAMILY_NAME] = "family_name",
	[IMF_EMAIL] = "email",
	[IMF_PHONE] = "phone",
	[IMF_MOBILE] = "mobile",
	[IMF_STREET] = "street",
	[IMF_HOUSE_NUMBER] = "house_number",
	[IMF_POSTAL_CODE] = "postal_code",
	[IMF_CITY] = "city",
	[IMF_COUNTRY] = "country",
	[IMF_JOB_TITLE] = "job_title",
	[IMF_TYPE] = "type",
	[IMF_TAGS] = "tags",
	[IMF_NOTES] = "notes",
	[IMF_LANG] = "lang",
	[IMF_OWNER] = "owner",
};

/* Headers as folded keys: lower case, no accents, only letters and digits.
 * "naam" and "name" are generic (see import_field_of_header). */
static const struct {
	const char *key;
	enum import_field f;
} aliases[] = {
	{"naam", IMF_ORGANISATION},
	{"name", IMF_ORGANISATION},
	{"bedrijfsnaam", IMF_ORGANISATION},
	{"bedrijf", IMF_ORGANISATION},
	{"company", IMF_ORGANISATION},
	{"companyname", IMF_ORGANISATION},
	{"organisatie", IMF_ORGANISATION},
	{"organisatienaam", IMF_ORGANISATION},
	{"organisation", IMF_ORGANISATION},
	{"organisationname", IMF_ORGANISATION},
	{"organization", IMF_ORGANISATION},
	{"organizationname", IMF_ORGANISATION},
	{"organization1name", IMF_ORGANISATION},
	{"firma", IMF_ORGANISATION},
	{"volledigenaam", IMF_PERSON_NAME},
	{"fullname", IMF_PERSON_NAME},
	{"contactpersoon", IMF_PERSON_NAME},
	{"contactperson", IMF_PERSON_NAME},
	{"displayname", IMF_PERSON_NAME},
	{"weergavenaam", IMF_PERSON_NAME},
	{"voornaam", IMF_GIVEN_NAME},
	{"roepnaam", IMF_GIVEN_NAME},
	{"firstname", IMF_GIVEN_NAME},
	{"givenname", IMF_GIVEN_NAME},
	{"tussenvoegsel", IMF_INFIX},
	{"tussenvoegsels", IMF_INFIX},
	{"infix", IMF_INFIX},
	{"achternaam", IMF_FAMILY_NAME},
	{"familienaam", IMF_FAMILY_NAME},
	{"lastname", IMF_FAMILY_NAME},
	{"surname", IMF_FAMILY_NAME},
	{"familyname", IMF_FAMILY_NAME},
	{"email", IMF_EMAIL},
	{"emailadres", IMF_EMAIL},
	{"emailaddress", IMF_EMAIL},
	{"mail", IMF_EMAIL},
	{"email1value", IMF_EMAIL},
	{"email1", IMF_EMAIL},
	{"telefoon", IMF_PHONE},
	{"telefoonnummer", IMF_PHONE},
	{"telefoonnr", IMF_PHONE},
	{"telnr", IMF_PHONE},
	{"tel", IMF_PHONE},
	{"phone", IMF_PHONE},
	{"phonenumber", IMF_PHONE},
	{"telephone", IMF_PHONE},
	{"phone1value", IMF_PHONE},
	{"businessphone", IMF_PHONE},
	{"mobiel", IMF_MOBILE},
	{"mobielnummer", IMF_MOBILE},
	{"mobieletelefoon", IMF_MOBILE},
	{"mobile", IMF_MOBILE},
	{"mobilephone", IMF_MOBILE},
	{"mobilenumber", IMF_MOBILE},
	{"gsm", IMF_MOBILE},
	{"06", IMF_MOBILE},
	{"straat", IMF_STREET},
	{"straatnaam", IMF_STREET},
	{"adres", IMF_STREET},
	{"street", IMF_STREET},
	{"streetaddress", IMF_STREET},
	{"address", IMF_STREET},
	{"address1street", IMF_STREET},
	{"huisnummer", IMF_HOUSE_NUMBER},
	{"huisnr", IMF_HOUSE_NUMBER},
	{"housenumber", IMF_HOUSE_NUMBER},
	{"postcode", IMF_POSTAL_CODE},
	{"zip", IMF_POSTAL_CODE},
	{"zipcode", IMF_POSTAL_CODE},
	{"postalcode", IMF_POSTAL_CODE},
	{"address1postalcode", IMF_POSTAL_CODE},
	{"plaats", IMF_CITY},
	{"woonplaats", IMF_CITY},
	{"vestigingsplaats", IMF_CITY},
	{"stad", IMF_CITY},
	{"city", IMF_CITY},
	{"town", IMF_CITY},
	{"address1city", IMF_CITY},
	{"land", IMF_COUNTRY},
	{"country", IMF_COUNTRY},
	{"address1country", IMF_COUNTRY},
	{"functie", IMF_JOB_TITLE},
	{"functietitel", IMF_JOB_TITLE},
	{"jobtitle", IMF_JOB_TITLE},
	{"title", IMF_JOB_TITLE},
	{"function", IMF_JOB_TITLE},
	{"organizationtitle", IMF_JOB_TITLE},
	{"organization1title", IMF_JOB_TITLE},
	{"type", IMF_TYPE},
	{"soort", IMF_TYPE},
	{"relatietype", IMF_TYPE},
	{"relationtype", IMF_TYPE},
	{"labels", IMF_TAGS},
	{"label", IMF_TAGS},
	{"tags", IMF_TAGS},
	{"tag", IMF_TAGS},
	{"notities", IMF_NOTES},
	{"notitie", IMF_NOTES},
	{"opmerkingen", IMF_NOTES},
	{"opmerking", IMF_NOTES},
	{"notes", IMF_NOTES},
	{"note", IMF_NOTES},
	{"toelichting", IMF_NOTES},
	{"comments", IMF_NOTES},
	{"taal", IMF_LANG},
	{"voorkeurstaal", IMF_LANG},
	{"language", IMF_LANG},
	{"accountmanager", IMF_OWNER},
	{"owner", IMF_OWNER},
	{"eigenaar", IMF_OWNER},
	{"relatiebeheerder", IMF_OWNER},
};

const char *import_field_name(enum import_field f)
{
	return f >= IMF_NONE && f < IMF_COUNT ? field_names[f] : "";
}

int import_field_by_name(const char *name)
{
	if (!name || !*name || !strcmp(name, "ignore"))
		return IMF_NONE;
	for (int f = 1; f < IMF_COUNT; f++)
		if (!strcmp(name, field_names[f]))
			return f;
	return -1;
}

/* The folded key of a header: folded, then only ASCII letters and digits
 * and non-ASCII bytes kept. Caller frees; NULL when it cannot be folded. */
static char *header_key(const char *h, size_t n)
{
	char *folded = NULL;
	size_t len = 0;
	if (textfold_fold(h, n, &folded, &len))
		return NULL;
	size_t w = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)folded[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80)
			folded[w++] = (char)c;
	}
	folded[w] = '\0';
	return folded;
}

enum import_field import_field_of_header(const char *h, size_t n, bool *generic)
{
	enum import_field f = IMF_NONE;
	char *key = header_key(h, n);
	if (generic)
		*generic = false;
	for (size_t i = 0; key && *key && i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcmp(key, aliases[i].key)) {
			f = aliases[i].f;
			if (generic)
				*generic = !strcmp(key, "naam") || !strcmp(key, "name");
			break;
		}
	free(key);
	return f;
}

static int bad_file(struct brug_err *err, const char *fmt, const char *a, const char *b)
{
	return brug_failf(err, BRUG_EVALIDATION, "import.error_file", NULL, fmt, a, b);
}

/* The column of hdr that key (a header from an explicit mapping) names: as
 * written, else folded; -1 when none. */
static int column_of(const struct csvx_field *hdr, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (hdr[i].len == strlen(key) && !memcmp(hdr[i].p, key, hdr[i].len))
			return (int)i;
	char *want = header_key(key, strlen(key));
	int found = -1;
	for (size_t i = 0; want && *want && found < 0 && i < n; i++) {
		char *k = header_key(hdr[i].p, hdr[i].len);
		if (k && !strcmp(k, want))
			found = (int)i;
		free(k);
	}
	free(want);
	return found;
}

/* Custom fields are numbered after the fixed ones in a column's field. */
#define CUSTOM_FIELD(k) (IMF_COUNT + (int)(k))

/* The custom field of m whose name or label the header hdr is, folded
 * alike; -1 when none. */
static int custom_of_header(const struct import_map *m, const char *h, size_t n)
{
	char *key = header_key(h, n);
	int found = -1;
	for (size_t k = 0; key && *key && found < 0 && k < m->ncustom; k++) {
		const json_t *f = json_array_get(m->custom, k);
		for (int which = 0; which < 2 && found < 0; which++) {
			const char *s = jx_str(f, which ? "label" : "name");
			char *fk = s ? header_key(s, strlen(s)) : NULL;
			if (fk && !strcmp(fk, key))
				found = (int)k;
			free(fk);
		}
	}
	free(key);
	return found;
}

/* The field a mapping names: a fixed one, or "custom:NAME"; -1 when none. */
static int field_of_name(const struct import_map *m, const char *name)
{
	int f = import_field_by_name(name);
	if (f >= 0 || !name || strncmp(name, "custom:", 7))
		return f;
	for (size_t k = 0; k < m->ncustom; k++)
		if (!strcmp(jx_str(json_array_get(m->custom, k), "name"), name + 7))
			return CUSTOM_FIELD(k);
	return -1;
}

/* The explicit mapping over the automatic one in fields (per column). */
static int apply_explicit(const struct import_map *m, const struct csvx_field *hdr, size_t n,
			  const json_t *explicit, int *fields, struct brug_err *err)
{
	if (!json_is_object(explicit))
		return bad_file(err, "the mapping must be a JSON object of \"column\": \"field\"%s%s",
				"", "");
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)explicit, k, v) {
		int f = json_is_null(v) ? IMF_NONE : field_of_name(m, json_string_value(v));
		if (!json_is_null(v) && !json_is_string(v))
			return bad_file(err, "the mapping of column \"%.80s\" is not a field name%s", k,
					"");
		if (f < 0)
			return bad_file(err, "the mapping names an unknown field \"%.60s\" (for column \"%.80s\")",
					json_string_value(v), k);
		int c = column_of(hdr, n, k);
		if (c < 0)
			return bad_file(err, "the mapping names a column the file does not have: \"%.80s\"%s",
					k, "");
		/* a field mapped explicitly is taken from that column only */
		for (size_t i = 0; f != IMF_NONE && i < n; i++)
			if (fields[i] == f)
				fields[i] = IMF_NONE;
		fields[c] = f;
	}
	return 0;
}

/* Records column i as field f's in m and the report; false when f
 * already has a column. */
static bool take_column(struct import_map *m, const struct csvx_field *hdr, size_t i, int f)
{
	int *slot = f < IMF_COUNT ? &m->col[f] : &m->custom_col[f - IMF_COUNT];
	if (*slot >= 0)
		return false;
	*slot = (int)i;
	json_t *c = json_object();
	jx_set_strn(c, "column", hdr[i].p, hdr[i].len);
	jx_set_int(c, "index", (int64_t)i);
	if (f < IMF_COUNT) {
		jx_set_str(c, "field", field_names[f]);
	} else {
		const json_t *cf = json_array_get(m->custom, (size_t)(f - IMF_COUNT));
		json_object_set_new(c, "field", json_sprintf("custom:%s", jx_str(cf, "name")));
		jx_set_str(c, "custom_label", jx_str(cf, "label"));
	}
	json_array_append_new(m->columns, c);
	return true;
}

int import_map_build(const struct csvx_field *hdr, size_t n, const json_t *explicit,
		     const json_t *custom, struct import_map *m, struct brug_err *err)
{
	memset(m, 0, sizeof(*m));
	m->ncol = n;
	for (int f = 0; f < IMF_COUNT; f++)
		m->col[f] = -1;
	m->custom = custom;
	m->ncustom = json_array_size(custom);
	if (m->ncustom > IMPORT_CUSTOM_MAX)
		m->ncustom = IMPORT_CUSTOM_MAX;
	for (size_t k = 0; k < IMPORT_CUSTOM_MAX; k++)
		m->custom_col[k] = -1;
	m->columns = json_array();
	m->ignored = json_array();
	int *fields = xcalloc(n ? n : 1, sizeof(int));
	bool *generic = xcalloc(n ? n : 1, sizeof(bool));
	bool has_org = false;
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		fields[i] = (int)import_field_of_header(hdr[i].p, hdr[i].len, &generic[i]);
		if (fields[i] == IMF_ORGANISATION && !generic[i])
			has_org = true;
		int k = fields[i] == IMF_NONE ? custom_of_header(m, hdr[i].p, hdr[i].len) : -1;
		if (k >= 0)
			fields[i] = CUSTOM_FIELD(k);
	}
	/* "Name" next to "Company" (Google Contacts, Outlook) is the person's */
	for (size_t i = 0; has_org && i < n; i++)
		if (generic[i])
			fields[i] = IMF_PERSON_NAME;
	if (explicit && (rc = apply_explicit(m, hdr, n, explicit, fields, err)))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (fields[i] == IMF_NONE || !take_column(m, hdr, i, fields[i]))
			json_array_append_new(m->ignored, json_stringn(hdr[i].p, hdr[i].len));
	if (!json_array_size(m->columns))
		rc = bad_file(err,
			      "line 1: no known column in the header; name the columns as in docs/crm.md"
			      " (naam/name, e-mail, telefoon/phone, ...)%s%s",
			      "", "");
out:
	free(fields);
	free(generic);
	return rc;
}

void import_map_cleanup(struct import_map *m)
{
	if (!m)
		return;
	json_decref(m->columns);
	json_decref(m->ignored);
	m->columns = m->ignored = NULL;
}

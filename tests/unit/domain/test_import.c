/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the import's pure parts: which column a header names (Dutch
 * and English, case, accents and punctuation ignored), the generic "name"
 * rule, an explicit mapping over the automatic one and its errors, the rules
 * for one row (person or organisation, infix, types, languages, tags,
 * account manager, what is refused and why), and the key table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/import_impl.h"
#include "util/jx.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A record of n fields from NUL-terminated strings. */
struct rec {
	struct csvx_field f[32];
	struct csvx_record r;
};

static const struct csvx_record *make(struct rec *x, size_t line, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		x->f[i] = (struct csvx_field){v[i], strlen(v[i])};
	x->r = (struct csvx_record){.field = x->f, .n = n, .line = line, .index = line - 1};
	return &x->r;
}

static void test_header_fields(void **state)
{
	(void)state;
	static const struct {
		const char *h;
		const char *field;
	} cases[] = {
		{"Naam", "organisation"},          {"Bedrijfsnaam", "organisation"},
		{"COMPANY", "organisation"},       {"Organisatie.", "organisation"},
		{"Organization Name", "organisation"}, {"Organization 1 - Name", "organisation"},
		{"Voornaam", "given_name"},        {"First Name", "given_name"},
		{"given_name", "given_name"},      {"Tussenvoegsel", "infix"},
		{"Achternaam", "family_name"},     {"Last name", "family_name"},
		{"Surname", "family_name"},        {"Family Name", "family_name"},
		{"E-mail", "email"},               {"e_mail", "email"},
		{"E-mailadres", "email"},          {"Email Address", "email"},
		{"E-mail 1 - Value", "email"},     {"Telefoon", "phone"},
		{"TELEFOONNUMMER", "phone"},       {"Tél.", "phone"},
		{"Phone Number", "phone"},         {"Phone 1 - Value", "phone"},
		{"Mobiel", "mobile"},              {"GSM", "mobile"},
		{"06", "mobile"},                  {"Mobile", "mobile"},
		{"Straat", "street"},              {"Adres", "street"},
		{"Address", "street"},             {"Huisnummer", "house_number"},
		{"House number", "house_number"},  {"Postcode", "postal_code"},
		{"ZIP", "postal_code"},            {"Postal Code", "postal_code"},
		{"Plaats", "city"},                {"Woonplaats", "city"},
		{"Stad", "city"},                  {"Town", "city"},
		{"Land", "country"},               {"Country", "country"},
		{"Functie", "job_title"},          {"Job Title", "job_title"},
		{"Type", "type"},                  {"Soort", "type"},
		{"Relatietype", "type"},           {"Labels", "tags"},
		{"Tags", "tags"},                  {"Notities", "notes"},
		{"Opmerkingen", "notes"},          {"Notes", "notes"},
		{"Taal", "lang"},                  {"Language", "lang"},
		{"Accountmanager", "owner"},       {"Account manager", "owner"},
		{"Eigenaar", "owner"},             {"Owner", "owner"},
		{"Klantnummer", ""},               {"", ""},
		{"   ", ""},                       {"E-mail 1 - Type", ""},
	};
	for (size_t i = 0; i < N(cases); i++) {
		enum import_field f = import_field_of_header(cases[i].h, strlen(cases[i].h), NULL);
		if (strcmp(import_field_name(f), cases[i].field))
			fail_msg("header \"%s\": %s, want %s", cases[i].h, import_field_name(f),
				 cases[i].field);
	}
	bool generic = false;
	import_field_of_header("Naam", 4, &generic);
	assert_true(generic);
	import_field_of_header("NAME ", 5, &generic);
	assert_true(generic);
	import_field_of_header("Bedrijfsnaam", 12, &generic);
	assert_false(generic);
	assert_int_equal(import_field_by_name("email"), IMF_EMAIL);
	assert_int_equal(import_field_by_name(""), IMF_NONE);
	assert_int_equal(import_field_by_name("ignore"), IMF_NONE);
	assert_int_equal(import_field_by_name("shoe"), -1);
}

static void map(const char *const *h, size_t n, const char *explicit, struct import_map *m,
		int want_rc, struct brug_err *err)
{
	struct rec x;
	const struct csvx_record *r = make(&x, 1, h, n);
	json_t *e = explicit ? json_loads(explicit, 0, NULL) : NULL;
	if (explicit)
		assert_non_null(e);
	assert_int_equal(import_map_build(r->field, r->n, e, NULL, m, err), want_rc);
	json_decref(e);
}

static void test_map(void **state)
{
	(void)state;
	struct import_map m;
	struct brug_err err = {0};
	/* "Name" beside an organisation column is the person's name */
	const char *google[] = {"Name", "Given Name", "Family Name", "Organization 1 - Name", "X"};
	map(google, 5, NULL, &m, 0, &err);
	assert_int_equal(m.col[IMF_PERSON_NAME], 0);
	assert_int_equal(m.col[IMF_ORGANISATION], 3);
	assert_string_equal(json_string_value(json_array_get(m.ignored, 0)), "X");
	assert_string_equal(jx_str(json_array_get(m.columns, 0), "field"), "person_name");
	import_map_cleanup(&m);
	/* on its own it names the organisation */
	const char *alone[] = {"Naam", "E-mail", "Email"};
	map(alone, 3, NULL, &m, 0, &err);
	assert_int_equal(m.col[IMF_ORGANISATION], 0);
	assert_int_equal(m.col[IMF_EMAIL], 1); /* the first column of a field wins */
	assert_int_equal(json_array_size(m.ignored), 1);
	import_map_cleanup(&m);
	/* an explicit mapping: by header as written or folded, "" ignores */
	const char *custom[] = {"Klant", "Mail adres", "Naam", "Email"};
	map(custom, 4, "{\"Klant\":\"organisation\",\"mail adres\":\"email\",\"Naam\":\"\"}", &m, 0,
	    &err);
	assert_int_equal(m.col[IMF_ORGANISATION], 0);
	assert_int_equal(m.col[IMF_EMAIL], 1); /* taken from that column only */
	assert_int_equal(json_array_size(m.ignored), 2);
	import_map_cleanup(&m);
	map(custom, 4, "{\"Klant\":\"shoe\"}", &m, BRUG_EVALIDATION, &err);
	assert_non_null(strstr(err.detail, "unknown field \"shoe\""));
	import_map_cleanup(&m);
	map(custom, 4, "{\"Kleur\":\"email\"}", &m, BRUG_EVALIDATION, &err);
	assert_non_null(strstr(err.detail, "does not have: \"Kleur\""));
	import_map_cleanup(&m);
	map(custom, 4, "{\"Klant\":42}", &m, BRUG_EVALIDATION, &err);
	assert_non_null(strstr(err.detail, "not a field name"));
	import_map_cleanup(&m);
	map(custom, 4, "[]", &m, BRUG_EVALIDATION, &err);
	assert_non_null(strstr(err.detail, "JSON object"));
	import_map_cleanup(&m);
	const char *unknown[] = {"Kleur", "Maat"};
	map(unknown, 2, NULL, &m, BRUG_EVALIDATION, &err);
	assert_string_equal(err.key, "import.error_file");
	assert_non_null(strstr(err.detail, "line 1: no known column"));
	import_map_cleanup(&m);
}

/* The header every row test uses. */
static const char *const header[] = {"Naam", "Voornaam", "Tussenvoegsel", "Achternaam",
				     "Volledige naam", "E-mail", "Telefoon", "Mobiel", "Straat",
				     "Huisnummer", "Postcode", "Plaats", "Land", "Functie", "Soort",
				     "Labels", "Notities", "Taal", "Accountmanager"};
#define NH N(header)

struct fx_rows {
	struct import_map map;
	struct import_users users;
	struct arena arena;
};

static int rows_setup(void **state)
{
	struct fx_rows *x = calloc(1, sizeof(*x));
	struct rec r;
	const struct csvx_record *h = make(&r, 1, header, NH);
	assert_int_equal(import_map_build(h->field, h->n, NULL, NULL, &x->map, NULL), 0);
	x->users.n = 2;
	x->users.v = calloc(2, sizeof(struct import_user));
	x->users.v[0] = (struct import_user){7, strdup("femke@one.example"), strdup("femke de jong")};
	x->users.v[1] = (struct import_user){9, strdup("bram@one.example"), strdup("bram ozturk")};
	arena_init(&x->arena);
	*state = x;
	return 0;
}

static int rows_teardown(void **state)
{
	struct fx_rows *x = *state;
	import_map_cleanup(&x->map);
	import_users_cleanup(&x->users);
	arena_cleanup(&x->arena);
	free(x);
	return 0;
}

/* Reads a row given as "column=value" pairs (others empty). */
static bool row(struct fx_rows *x, struct import_row *w, const char *pairs, bool *blank)
{
	static char vals[NH][256];
	const char *v[NH];
	for (size_t i = 0; i < NH; i++) {
		vals[i][0] = '\0';
		v[i] = vals[i];
	}
	for (const char *p = pairs; p && *p;) {
		size_t l = strcspn(p, "|"), eq = strcspn(p, "=");
		for (size_t i = 0; i < NH; i++)
			if (strlen(header[i]) == eq && !strncmp(header[i], p, eq))
				snprintf(vals[i], sizeof(vals[i]), "%.*s", (int)(l - eq - 1), p + eq + 1);
		p += l + (p[l] ? 1 : 0);
	}
	struct rec r;
	bool b = false;
	bool ok = import_row_read(&x->map, make(&r, 5, v, NH), &x->users, &x->arena, w, &b);
	if (blank)
		*blank = b;
	return ok;
}

static void test_row_kinds(void **state)
{
	struct fx_rows *x = *state;
	struct import_row w;
	assert_true(row(x, &w, "Naam=Acme B.V.|E-mail=Info@Acme.example", NULL));
	assert_false(w.person);
	assert_string_equal(w.name, "Acme B.V.");
	assert_null(w.org);
	assert_string_equal(w.email_norm, "info@acme.example");
	assert_string_equal(w.name_key, "acme b.v.");
	assert_string_equal(w.org_key, "");
	assert_int_equal(w.line, 5);

	assert_true(row(x, &w, "Naam=Acme B.V.|Voornaam=Jan|Tussenvoegsel=van der|Achternaam=Berg",
			NULL));
	assert_true(w.person);
	assert_string_equal(w.name, "Jan van der Berg");
	assert_string_equal(w.given, "Jan");
	assert_string_equal(w.family, "van der Berg");
	assert_string_equal(w.org, "Acme B.V.");
	assert_string_equal(w.org_key, "acme b.v.");

	assert_true(row(x, &w, "Volledige naam=Zoë Ångström|Voornaam=Zoë", NULL));
	assert_true(w.person);
	assert_string_equal(w.name, "Zoë Ångström");
	assert_string_equal(w.name_key, "zoe angstrom");

	assert_true(row(x, &w, "Achternaam=Visser", NULL));
	assert_string_equal(w.name, "Visser");

	assert_false(row(x, &w, "E-mail=wie@geen-naam.example|Plaats=Delft", NULL));
	assert_string_equal(w.code, "no_name");

	bool blank = false;
	assert_false(row(x, &w, "Naam=  |Plaats=\t", &blank));
	assert_true(blank);
	assert_null(w.code);
}

static void test_row_values(void **state)
{
	struct fx_rows *x = *state;
	struct import_row w;
	static const struct {
		const char *in, *type;
	} types[] = {{"Klant", "customer"},     {"KLANTEN", "customer"},   {"customer", "customer"},
		     {"Prospect", "prospect"},  {"lead", "prospect"},      {"Leverancier", "supplier"},
		     {"Supplier.", "supplier"}, {"partner", "partner"}};
	char pairs[256];
	for (size_t i = 0; i < N(types); i++) {
		snprintf(pairs, sizeof(pairs), "Naam=A|Soort=%s", types[i].in);
		assert_true(row(x, &w, pairs, NULL));
		assert_string_equal(w.type, types[i].type);
	}
	assert_false(row(x, &w, "Naam=A|Soort=vriend", NULL));
	assert_string_equal(w.code, "type");
	assert_string_equal(w.field, "type");
	assert_string_equal(w.value, "vriend");

	static const struct {
		const char *in, *lang;
	} langs[] = {{"nl", "nl"},         {"NL-nl", "nl"},  {"Nederlands", "nl"}, {"Dutch", "nl"},
		     {"en", "en"},         {"English", "en"}, {"Engels", "en"},    {"en_GB", "en"}};
	for (size_t i = 0; i < N(langs); i++) {
		snprintf(pairs, sizeof(pairs), "Naam=A|Taal=%s", langs[i].in);
		assert_true(row(x, &w, pairs, NULL));
		assert_string_equal(w.lang, langs[i].lang);
	}
	assert_false(row(x, &w, "Naam=A|Taal=Deutsch", NULL));
	assert_string_equal(w.code, "lang");

	assert_true(row(x, &w, "Naam=A|Labels=vip, Noord;zorg;; VIP ;noord", NULL));
	assert_int_equal(w.ntags, 3);
	assert_string_equal(w.tags[0], "vip");
	assert_string_equal(w.tags[1], "Noord");
	assert_string_equal(w.tags[2], "zorg");

	assert_true(row(x, &w, "Naam=A|Accountmanager=FEMKE@one.example", NULL));
	assert_int_equal(w.owner_id, 7);
	assert_true(row(x, &w, "Naam=A|Accountmanager=Bram Öztürk", NULL));
	assert_int_equal(w.owner_id, 9);
	assert_false(row(x, &w, "Naam=A|Accountmanager=niemand@one.example", NULL));
	assert_string_equal(w.code, "owner");

	/* a street with its house number; an address of a city only */
	assert_true(row(x, &w, "Naam=A|Straat=Damrak|Huisnummer=1-3", NULL));
	assert_string_equal(w.street, "Damrak 1-3");
	assert_true(w.has_address);
	assert_true(row(x, &w, "Naam=A|Plaats=Delft", NULL));
	assert_true(w.has_address);
	assert_null(w.street);
	assert_true(row(x, &w, "Naam=A", NULL));
	assert_false(w.has_address);
	/* a line break in an address cell is a space; notes keep theirs */
	assert_true(row(x, &w, "Naam=A|Straat=Damrak 1\r\n2e verdieping|Notities=een\ntwee", NULL));
	assert_string_equal(w.street, "Damrak 1 2e verdieping");
	assert_string_equal(w.notes, "een\ntwee");
	/* phones in any notation, one form to match on */
	assert_true(row(x, &w, "Naam=A|Telefoon=+31 (0)20-123 4567|Mobiel=06 12 34 56 78", NULL));
	assert_string_equal(w.phone_norm, "31201234567");
	assert_string_equal(w.mobile_norm, "31612345678");
	/* an organisation's row has no job title */
	assert_true(row(x, &w, "Naam=A|Functie=Directeur", NULL));
	assert_null(w.job_title);
	assert_true(row(x, &w, "Achternaam=B|Functie=Directeur", NULL));
	assert_string_equal(w.job_title, "Directeur");
}

static void test_row_refused(void **state)
{
	struct fx_rows *x = *state;
	struct import_row w;
	assert_false(row(x, &w, "Naam=A|E-mail=jan@", NULL));
	assert_string_equal(w.code, "email");
	assert_string_equal(w.reason, "invalid email address");
	assert_false(row(x, &w, "Naam=A|Mobiel=bel me", NULL));
	assert_string_equal(w.code, "phone");
	assert_string_equal(w.field, "mobile");
	char pairs[512] = "Naam=";
	memset(pairs + 5, 'x', 201);
	pairs[206] = '\0';
	assert_false(row(x, &w, pairs, NULL));
	assert_string_equal(w.code, "too_long");
	assert_string_equal(w.reason, "name is too long (at most 200 characters)");
	assert_int_equal(strlen(w.value), 80); /* shortened for the report */
	assert_false(row(x, &w, "Naam=A\x01" "B", NULL));
	assert_string_equal(w.code, "text");
	char tags[512] = "Naam=A|Labels=";
	for (int i = 0; i < 51; i++)
		snprintf(tags + strlen(tags), sizeof(tags) - strlen(tags), "t%d,", i);
	assert_false(row(x, &w, tags, NULL));
	assert_string_equal(w.code, "tags");
	/* a ragged row: its count and the header's */
	const char *few[] = {"A", "B"};
	struct rec r;
	bool blank;
	assert_false(import_row_read(&x->map, make(&r, 17, few, 2), &x->users, &x->arena, &w, &blank));
	assert_string_equal(w.code, "ragged");
	assert_int_equal(w.line, 17);
	assert_int_equal(w.fields, 2);
	assert_int_equal(w.expected, NH);
	char want[64];
	snprintf(want, sizeof(want), "2 fields, the header has %zu", NH);
	assert_string_equal(w.reason, want);
}

static void test_keys(void **state)
{
	(void)state;
	struct import_keys k;
	import_keys_init(&k);
	int64_t v = 0;
	assert_false(import_keys_get(&k, "a", &v));
	assert_true(import_keys_put(&k, "a", 5));
	assert_false(import_keys_put(&k, "a", 6)); /* the first value stays */
	assert_true(import_keys_get(&k, "a", &v));
	assert_int_equal(v, 5);
	import_keys_min(&k, "a", 3);
	import_keys_min(&k, "a", 4);
	import_keys_min(&k, "b", 9);
	assert_true(import_keys_get(&k, "a", &v));
	assert_int_equal(v, 3);
	assert_true(import_keys_get(&k, "b", &v));
	assert_int_equal(v, 9);
	char key[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_true(import_keys_put(&k, key, i));
	}
	for (int i = 0; i < 5000; i += 7) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_true(import_keys_get(&k, key, &v));
		assert_int_equal(v, i);
	}
	import_keys_clear(&k);
	assert_false(import_keys_get(&k, "a", &v));
	assert_true(import_keys_put(&k, "a", 1));
	import_keys_cleanup(&k);
	char buf[IMPORT_KEY_MAX];
	import_key_name(buf, true, "acme", "jan");
	assert_string_equal(buf, "n:p:acme\x1fjan");
	import_key_name(buf, false, NULL, "acme");
	assert_string_equal(buf, "n:o:acme");
	import_key_email(buf, true, "a@b.nl");
	assert_string_equal(buf, "e:p:a@b.nl");
}

/* Columns named after custom fields (by name or label, folded), their
 * values checked per type: a number with a decimal comma, a Dutch date, a
 * choice in any case; a value that does not fit rejects the row. */
static void test_custom_fields(void **state)
{
	(void)state;
	json_t *fields = json_loads(
		"[{\"id\":7,\"name\":\"klantnummer\",\"label\":\"Klantnummer\",\"type\":\"text\"},"
		"{\"id\":8,\"name\":\"omzet\",\"label\":\"Omzet (EUR)\",\"type\":\"number\"},"
		"{\"id\":9,\"name\":\"sinds\",\"label\":\"Klant sinds\",\"type\":\"date\"},"
		"{\"id\":10,\"name\":\"segment\",\"label\":\"Segment\",\"type\":\"choice\","
		"\"choices\":[\"Groot\",\"Klein\"]}]",
		0, NULL);
	assert_non_null(fields);
	const char *h[] = {"Naam", "KLANTNUMMER", "omzet (eur)", "Klant sinds", "Seg"};
	struct rec x;
	struct import_map m;
	struct brug_err err = {0};
	json_t *e = json_loads("{\"Seg\":\"custom:segment\"}", 0, NULL);
	assert_int_equal(import_map_build(make(&x, 1, h, 5)->field, 5, e, fields, &m, &err), 0);
	json_decref(e);
	assert_int_equal(m.ncustom, 4);
	assert_int_equal(m.custom_col[0], 1);
	assert_int_equal(m.custom_col[1], 2);
	assert_int_equal(m.custom_col[2], 3);
	assert_int_equal(m.custom_col[3], 4);
	assert_int_equal(json_array_size(m.ignored), 0);
	const json_t *c = json_array_get(m.columns, 1);
	assert_string_equal(jx_str(c, "field"), "custom:klantnummer");
	assert_string_equal(jx_str(c, "custom_label"), "Klantnummer");

	struct import_users users = {0};
	struct arena a;
	arena_init(&a);
	struct import_row w;
	bool blank = false;
	const char *good[] = {"Acme", " K-001 ", "1.234,5", "1-2-2024", "klein"};
	/* "1.234,5" is no number brug reads (a thousands point); "1234,5" is */
	assert_false(import_row_read(&m, make(&x, 2, good, 5), &users, &a, &w, &blank));
	assert_string_equal(w.code, "custom");
	assert_string_equal(w.field, "custom:omzet");
	assert_string_equal(w.value, "1.234,5");
	assert_string_equal(w.reason, "not a valid number for omzet");
	good[2] = "1234,5";
	assert_true(import_row_read(&m, make(&x, 2, good, 5), &users, &a, &w, &blank));
	assert_string_equal(w.custom[0], "K-001");
	assert_string_equal(w.custom[1], "1234.5");
	assert_string_equal(w.custom[2], "2024-02-01");
	assert_string_equal(w.custom[3], "Klein");
	const char *empty[] = {"Acme", "", "", "", ""};
	assert_true(import_row_read(&m, make(&x, 3, empty, 5), &users, &a, &w, &blank));
	for (size_t k = 0; k < 4; k++)
		assert_null(w.custom[k]);
	const char *bad[][5] = {{"Acme", "", "", "31-02-2024", ""}, {"Acme", "", "", "", "Middel"}};
	const char *why[] = {"not a valid date for sinds", "not a valid choice for segment"};
	for (size_t i = 0; i < 2; i++) {
		assert_false(import_row_read(&m, make(&x, 4, bad[i], 5), &users, &a, &w, &blank));
		assert_string_equal(w.reason, why[i]);
	}
	/* an explicit mapping to a custom field the organisation lacks */
	e = json_loads("{\"Seg\":\"custom:kleur\"}", 0, NULL);
	import_map_cleanup(&m);
	assert_int_equal(import_map_build(make(&x, 1, h, 5)->field, 5, e, fields, &m, &err),
			 BRUG_EVALIDATION);
	assert_non_null(strstr(err.detail, "unknown field \"custom:kleur\""));
	json_decref(e);
	import_map_cleanup(&m);
	arena_cleanup(&a);
	json_decref(fields);
}

int main(void)
{
	jx_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_map),
		cmocka_unit_test_setup_teardown(test_row_kinds, rows_setup, rows_teardown),
		cmocka_unit_test_setup_teardown(test_row_values, rows_setup, rows_teardown),
		cmocka_unit_test_setup_teardown(test_row_refused, rows_setup, rows_teardown),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_custom_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* API tests for imports with files as people have them: a Dutch Excel
 * export (semicolons, a byte order mark, and the Windows-1252 variant), a
 * Google Contacts export, quoted line breaks, ragged rows, an unterminated
 * quote, a PNG, UTF-16, a 100 MB body; duplicates skipped or updated,
 * everything or nothing, skip_invalid, another organisation's data never
 * touched; an Asterisk call log with matched and unmatched numbers and a
 * second import that skips; and the browser's upload, preview and
 * confirmation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/import.h"
#include "domain/search.h"
#include "harness.h"
#include "util/buf.h"

/* Sends a file as the raw body (text/csv) to target. */
static void send_file(struct harness *h, enum as who, const char *target, const char *data,
		      size_t n, struct result *r)
{
	struct h_req rq = {.who = who, .method = "POST", .target = target,
			   .ctype = "text/csv; charset=utf-8", .body = data,
			   .body_len = n ? n : strlen(data)};
	h_send(h, &rq, r);
}

static void send_csv(struct harness *h, enum as who, const char *target, const char *csv,
		     struct result *r)
{
	send_file(h, who, target, csv, 0, r);
}

/* A multipart/form-data body: the given fields ("name=value" lines) and a
 * file part called "file". The caller frees. */
static char *multipart(const char *fields, const char *filename, const char *data, size_t n,
		       size_t *len)
{
	size_t cap = strlen(fields) * 2 + n + 1024, w = 0;
	char *b = malloc(cap);
	assert_non_null(b);
	for (const char *f = fields; *f;) {
		size_t l = strcspn(f, "\n"), eq = strcspn(f, "=");
		w += (size_t)snprintf(b + w, cap - w,
				      "--XyZ\r\nContent-Disposition: form-data; name=\"%.*s\"\r\n\r\n%.*s\r\n",
				      (int)eq, f, (int)(l - eq - 1), f + eq + 1);
		f += l + (f[l] ? 1 : 0);
	}
	w += (size_t)snprintf(b + w, cap - w,
			      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
			      "Content-Type: text/csv\r\n\r\n",
			      filename);
	memcpy(b + w, data, n);
	w += n;
	w += (size_t)snprintf(b + w, cap - w, "\r\n--XyZ--\r\n");
	*len = w;
	return b;
}

static int64_t count(struct harness *h, int64_t org, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_int_query(h->db, &n, sql, DB_ARGS(DB_I(org))), 0);
	return n;
}

static int64_t relations(struct harness *h, int64_t org)
{
	return count(h, org, "SELECT COUNT(*) FROM relations WHERE org_id = ?");
}

/* The id of org's relation called name (0 when none). */
static int64_t rel(struct harness *h, int64_t org, const char *name)
{
	int64_t id = 0;
	int rc = db_int_query(h->db, &id, "SELECT MIN(id) FROM relations WHERE org_id = ? AND name = ?",
			      DB_ARGS(DB_I(org), DB_T(name)));
	assert_int_equal(rc, 0);
	return id;
}

static void get_rel(struct harness *h, int64_t id, struct result *r)
{
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/relations/%lld", (long long)id);
	h_call(h, AS_EMPLOYEE, "GET", path, NULL, NULL, NULL, r);
	check_status(r, 200);
}

/* The search terms of a relation, one per line in byte order. Caller frees. */
static char *terms_of(struct harness *h, int64_t org, int64_t id)
{
	struct db_rows *q = NULL;
	assert_int_equal(db_query(h->db, &q,
				  "SELECT term FROM search_terms WHERE org_id = ? AND object_kind ="
				  " 'relation' AND object_id = ? ORDER BY term",
				  DB_ARGS(DB_I(org), DB_I(id))),
			 0);
	size_t cap = 1 << 16, w = 0;
	char *out = calloc(1, cap);
	while (db_next(q) == 1)
		w += (size_t)snprintf(out + w, cap - w, "%s\n", db_text(q, 0));
	db_rows_free(q);
	return out;
}

/* A Dutch Excel export: "CSV (puntkomma's gescheiden)" with a byte order
 * mark, CR LF, Dutch headers, an infix, a house number, labels, a type and
 * an account manager. */
static const char excel[] =
	"\xEF\xBB\xBF"
	"Bedrijfsnaam;Voornaam;Tussenvoegsel;Achternaam;E-mailadres;Telefoonnummer;Mobiel;"
	"Straat;Huisnummer;Postcode;Woonplaats;Land;Functie;Soort;Labels;Opmerkingen;"
	"Accountmanager;Klantnummer\r\n"
	"Bakkerij Zoet B.V.;;;;info@zoet.example;020-1234567;;Damrak;12;1012 LG;Amsterdam;"
	"Nederland;;klant;\"vip; noord\";Levert op dinsdag.;manager@one.example;K-001\r\n"
	"Bakkerij Zoet B.V.;Jan;de;Vries;jan@zoet.example;;06-12345678;;;;;;Inkoper;;vip;;"
	"employee@one.example;K-002\r\n"
	"Installatiebedrijf Noord;Anna;van der;Berg;anna@noord.example;+31 50 123 4567;;"
	"Grote Markt;1a;9711 LV;Groningen;;Directeur;Leverancier;;;;K-003\r\n"
	";Piet;;Jansen;piet@jansen.example;;;;;;Utrecht;;;prospect;;;;K-004\r\n"
	";;;;;;;;;;;;;;;;;\r\n";

static void test_excel_dry_run_then_import(void **state)
{
	struct harness *h = *state;
	struct result r;
	int64_t before = relations(h, h->org);
	send_csv(h, AS_EMPLOYEE, "/api/v1/relations/import?dry_run=true", excel, &r);
	check_status(&r, 200);
	check_json(&r, "kind", "relations");
	check_json(&r, "dry_run", "true");
	check_json(&r, "written", "false");
	check_json(&r, "charset", "utf-8-bom");
	check_json(&r, "delimiter", ";");
	check_json(&r, "counts.rows", "4"); /* the empty row is no row */
	check_json(&r, "counts.create", "4");
	check_json(&r, "counts.organisations", "1"); /* Installatiebedrijf Noord, for Anna */
	check_json(&r, "counts.rejected", "0");
	check_json(&r, "columns.0.column", "Bedrijfsnaam");
	check_json(&r, "columns.0.field", "organisation");
	check_json(&r, "columns.2.field", "infix");
	check_json(&r, "ignored.0", "Klantnummer");
	check_json(&r, "rows.1.line", "3");
	check_json(&r, "rows.1.action", "create");
	check_json(&r, "rows.1.kind", "person");
	check_json(&r, "rows.1.name", "Jan de Vries");
	check_json(&r, "rows.1.organisation", "Bakkerij Zoet B.V.");
	result_free(&r);
	assert_int_equal(relations(h, h->org), before); /* a dry run writes nothing */

	send_csv(h, AS_EMPLOYEE, "/api/v1/relations/import", excel, &r);
	check_status(&r, 200);
	check_json(&r, "written", "true");
	check_json(&r, "counts.create", "4");
	result_free(&r);
	assert_int_equal(relations(h, h->org), before + 5);

	int64_t zoet = rel(h, h->org, "Bakkerij Zoet B.V."), jan = rel(h, h->org, "Jan de Vries");
	get_rel(h, zoet, &r);
	check_json(&r, "kind", "organisation");
	check_json(&r, "type", "customer");
	check_json(&r, "emails.0.value", "info@zoet.example");
	check_json(&r, "phones.0.value", "020-1234567");
	check_json(&r, "addresses.0.value", "Damrak 12, 1012 LG Amsterdam, Nederland");
	check_json(&r, "tags.0", "noord");
	check_json(&r, "tags.1", "vip");
	check_json(&r, "notes", "Levert op dinsdag.");
	check_json(&r, "owner_name", "manager@one.example");
	check_json(&r, "people.0.name", "Jan de Vries");
	result_free(&r);
	get_rel(h, jan, &r);
	check_json(&r, "given_name", "Jan");
	check_json(&r, "family_name", "de Vries");
	check_json(&r, "parent_id", NULL);
	check_json(&r, "parent_name", "Bakkerij Zoet B.V.");
	check_json(&r, "job_title", "Inkoper");
	check_json(&r, "phones.0.value", "06-12345678");
	check_json(&r, "phones.0.label", "mobile");
	check_json(&r, "owner_name", "employee@one.example");
	result_free(&r);
	get_rel(h, rel(h, h->org, "Anna van der Berg"), &r);
	check_json(&r, "family_name", "van der Berg");
	check_json(&r, "parent_name", "Installatiebedrijf Noord");
	check_json(&r, "addresses.0.street", "Grote Markt 1a");
	result_free(&r);
	get_rel(h, rel(h, h->org, "Installatiebedrijf Noord"), &r);
	check_json(&r, "type", "supplier"); /* the organisation made for Anna takes her row's type */
	result_free(&r);
	get_rel(h, rel(h, h->org, "Piet Jansen"), &r);
	check_json(&r, "type", "prospect");
	check_json(&r, "parent_id", NULL);
	check_json(&r, "addresses.0.city", "Utrecht");
	result_free(&r);

	/* findable, and indexed exactly as an edit would index them */
	h_call(h, AS_EMPLOYEE, "GET", "/api/v1/search?q=zoet%20damrak", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "relations.0.name", "Bakkerij Zoet B.V.");
	result_free(&r);
	h_call(h, AS_EMPLOYEE, "GET", "/api/v1/search?q=0612345678", NULL, NULL, NULL, &r);
	check_json(&r, "relations.0.name", "Jan de Vries");
	result_free(&r);
	int64_t ids[] = {zoet, jan};
	for (int i = 0; i < 2; i++) {
		char *imported = terms_of(h, h->org, ids[i]);
		assert_int_equal(search_index_relation(h->db, h->org, ids[i]), 0);
		char *reindexed = terms_of(h, h->org, ids[i]);
		assert_string_equal(imported, reindexed);
		assert_non_null(strstr(imported, "vip\n"));
		free(imported);
		free(reindexed);
	}

	/* one audit entry for the whole import, with its counts */
	h_call(h, AS_ADMIN, "GET", "/api/v1/audit?action=relation.import&limit=1", NULL, NULL, NULL,
	       &r);
	check_json(&r, "items.0.object_type", "import");
	check_json(&r, "items.0.details.create", "4");
	check_json(&r, "items.0.actor", "employee@one.example");
	result_free(&r);
	assert_int_equal(count(h, h->org, "SELECT COUNT(*) FROM audit_log WHERE org_id = ?"
					  " AND action = 'relation.create'"),
			 0);
}

static void test_windows_1252(void **state)
{
	struct harness *h = *state;
	struct result r;
	/* Excel's "CSV (puntkomma's gescheiden)" on Windows: no BOM, cp1252 */
	const char csv[] = "Naam;Plaats;Opmerkingen\r\n"
			   "Caf\xE9 Zo\xEB;'s-Hertogenbosch;M\xFCller zegt \x93prima\x94 \x80 5\r\n";
	send_csv(h, AS_EMPLOYEE, "/api/v1/relations/import", csv, &r);
	check_status(&r, 200);
	check_json(&r, "charset", "windows-1252");
	check_json(&r, "counts.create", "1");
	result_free(&r);
	int64_t id = rel(h, h->org, "Caf\xC3\xA9 Zo\xC3\xAB");
	assert_true(id > 0);
	get_rel(h, id, &r);
	check_json(&r, "notes", "M\xC3\xBCller zegt \xE2\x80\x9Cprima\xE2\x80\x9D \xE2\x82\xAC 5");
	check_json(&r, "addresses.0.city", "'s-Hertogenbosch");
	result_free(&r);
}

static void test_google_contacts(void **state)
{
	struct harness *h = *state;
	struct result r;
	/* Google Contacts: English headers, "Name" next to an organisation
	 * column is the person's name; notes with a quoted line break */
	const char csv[] =
		"Name,Given Name,Additional Name,Family Name,Notes,E-mail 1 - Type,E-mail 1 - Value,"
		"Phone 1 - Type,Phone 1 - Value,Organization 1 - Name,Organization 1 - Title,Language\n"
		"Emma Smith,Emma,,Smith,\"Met at the fair.\nCall in May.\",* Work,emma@smith.example,"
		"Mobile,+44 20 7946 0958,Smith & Co,CEO,English\n"
		"Liam Brown,Liam,,Brown,,* Home,LIAM@Brown.Example,,,,,\n";
	send_csv(h, AS_EMPLOYEE, "/api/v1/relations/import", csv, &r);
	check_status(&r, 200);
	check_json(&r, "delimiter", ",");
	check_json(&r, "columns.0.field", "person_name");
	check_json(&r, "counts.create", "2");
	check_json(&r, "counts.organisations", "1");
	check_json(&r, "rows.1.line", "4"); /* the quoted line break moved it down */
	result_free(&r);
	get_rel(h, rel(h, h->org, "Emma Smith"), &r);
	check_json(&r, "notes", "Met at the fair.\nCall in May.");
	check_json(&r, "parent_name", "Smith & Co");
	check_json(&r, "job_title", "CEO");
	check_json(&r, "lang", "en");
	check_json(&r, "phones.0.value", "+44 20 7946 0958");
	result_free(&r);
	/* duplicates are found by the address in any case */
	const char again[] = "Given Name,Family Name,E-mail 1 - Value\nL.,Brown,liam@brown.example\n";
	send_csv(h, AS_EMPLOYEE, "/api/v1/relations/import", again, &r);
	check_status(&r, 200);
	check_json(&r, "counts.skip", "1");
	check_json(&r, "rows.0.match", "email");
	result_free(&r);
}

static void test_rejected_rows_all_or_nothing(void **state)
{
	struct harness *h = *state;
	struct result r;
	const char csv[] = "Naam;E-mail;Telefoon;Soort;Taal;Accountmanager\n"
			   "Goed B.V.;goed@goed.example;;;;\n"
			   "\"Lange\nnaam B.V.\";x@;;;;\n"          /* line 3, email */
			   "Fout B.V.;;bel me;;;\n"                  /* line 5, phone */
			   "Raar B.V.;;;vriend;;\n"                  /* line 6, type */
			   "Taal B.V.;;;;Duits;\n"                   /* line 7, lang */
			   ";;;;;\n"                                 /* empty: not a row */
			   "Wie B.V.;;;;;niemand@one.example\n"      /* line 9, owner */
			   "Kort;;\n"                                /* line 10, ragged */
			   ";wie@geen-naam.example;;;;\n";           /* line 11, no name */
	int64_t before = relations(h, h->org);
	send_csv(h, AS_EMPLOYEE, "/api/v1/relations/import", csv, &r);
	check_status(&r, 422);
	check_json(&r, "error", "validation_failed");
	check_json(&r, "written", "false");
	check_json(&r, "counts.rows", "8");
	check_json(&r, "counts.create", "1");
	check_json(&r, "counts.rejected", "7");
	const char *want[][3] = {{"3", "email", "invalid email address"},
				 {"5", "phone", "invalid phone number"},
				 {"6", "type", NULL},
				 {"7", "lang", NULL},
				 {"9", "owner", NULL},
				 {"10", "ragged", "3 fields, the header has 6"},
				 {"11", "no_name", NULL}};
	for (int i = 0; i < 7; i++) {
		char p[64];
		snprintf(p, sizeof(p), "rejected.%d.line", i);
		check_json(&r, p, want[i][0]);
		snprintf(p, sizeof(p), "rejected.%d.code", i);
		check_json(&r, p, want[i][1]);
		snprintf(p, sizeof(p), "rejected.%d.reason", i);
		check_json(&r, p, want[i][2]);
	}
	check_json(&r, "rejected.0.value", "x@");
	check_json(&r, "rejected.5.fields", "3");
	check_json(&r, "rejected.5.expected", "6");
	check_json(&r, "rows.1.action", "reject");
	result_free(&r);
	assert_int_equal(relations(h, h->org), before); /* not even the good row */

	send_csv(h, AS_EMPLOYEE, "/api/v1/relations/import?skip_invalid=1", csv, &r);
	check_status(&r, 200);
	check_json(&r, "written", "true");
	check_json(&r, "counts.rejected", "7");
	result_free(&r);
	assert_int_equal(relations(h, h->org), before + 1);
	assert_true(rel(h, h->org, "Goed B.V.") > 0);
}

static void test_unreadable_files(void **state)
{
	struct harness *h = *state;
	struct result r;
	int64_t before = relations(h, h->org);
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0"
				  "\x1f\xf3\xff" "a\0\0\0\x01sRGB\0\xae\xce\x1c\xe9\0\0\0\0IEND\xae";
	send_file(h, AS_EMPLOYEE, "/api/v1/relations/import", png, sizeof(png) - 1, &r);
	check_status(&r, 422);
	check_json(&r, "fields.file", NULL);
	check_body(&r, "not a text file");
	result_free(&r);
	/* UTF-16 as Excel's "Unicode text" writes it */
	static const char utf16[] = "\xFF\xFEN\0a\0a\0m\0\n\0A\0c\0m\0e\0\n\0";
	send_file(h, AS_EMPLOYEE, "/api/v1/relations/import", utf16, sizeof(utf16) - 1, &r);
	check_status(&r, 422);
	check_body(&r, "UTF-16");
	result_free(&r);
	send_csv(h, AS_EMPLOYEE, "/api/v1/relations/import",
		 "Naam;Notities\nAcme;\"begint maar\neindigt nooit\n", &r);
	check_status(&r, 422);
	check_body(&r, "unterminated quoted field starting at line 2");
	result_free(&r);
	send_csv(h, AS_EMPLOYEE, "/api/v1/relations/import", "Kleur;Maat\nrood;L\n", &r);
	check_status(&r, 422);
	check_body(&r, "no known column");
	result_free(&r);
	send_csv(h, AS_EMPLOYEE, "/api/v1/relations/import", "\n\n", &r);
	check_status(&r, 422);
	check_body(&r, "empty");
	result_free(&r);
	/* no file at all */
	h_call(h, AS_EMPLOYEE, "POST", "/api/v1/relations/import", NULL, "{}", NULL, &r);
	check_status(&r, 422);
	check_json(&r, "fields.file", NULL);
	result_free(&r);
	assert_int_equal(relations(h, h->org), before);
}

static void test_too_big(void **state)
{
	struct harness *h = *state;
	struct result r;
	size_t n = (size_t)100 << 20;
	char *big = malloc(n);
	assert_non_null(big);
	const char head[] = "Naam;E-mail\n";
	memcpy(big, head, sizeof(head) - 1);
	for (size_t i = sizeof(head) - 1; i < n; i++)
		big[i] = (i % 40 == 39) ? '\n' : 'a';
	int64_t before = relations(h, h->org);
	send_file(h, AS_EMPLOYEE, "/api/v1/relations/import", big, n, &r);
	check_status(&r, 413);
	check_json(&r, "error", "too_large");
	result_free(&r);
	free(big);
	assert_int_equal(relations(h, h->org), before);
}

static void test_duplicates(void **state)
{
	struct harness *h = *state;
	struct result r;
	const char first[] = "Naam,Voornaam,Achternaam,E-mail,Telefoon,Functie,Plaats\n"
			     "Dubbel B.V.,,,,0101234567,,Rotterdam\n"
			     "Dubbel B.V.,Kees,Bakker,kees@dubbel.example,,Monteur,\n";
	send_csv(h, AS_EMPLOYEE, "/api/v1/relations/import", first, &r);
	check_status(&r, 200);
	check_json(&r, "counts.create", "2"); /* the organisation's own row fills it in */
	check_json(&r, "counts.organisations", "0");
	result_free(&r);
	int64_t kees = rel(h, h->org, "Kees Bakker"), dubbel = rel(h, h->org, "Dubbel B.V.");
	int64_t before = relations(h, h->org);
	/* the same people again: by email, by phone (another notation), by
	 * name (another case), and twice within the file */
	const char second[] = "Naam,Voornaam,Achternaam,E-mail,Telefoon,Functie,Plaats\n"
			      "Dubbel B.V.,K.,Bakker,KEES@dubbel.example,,Chef monteur,\n"
			      "DUBBEL b.v.,,,info@dubbel.example,+31 10 123 4567,,\n"
			      "Dubbel B.V.,Kees,Bakker,,06-99999999,,\n"
			      "Nieuw B.V.,,,nieuw@nieuw.example,,,\n"
			      "Nieuw B.V.,,,nieuw@nieuw.example,,,Delft\n";
	send_csv(h, AS_EMPLOYEE, "/api/v1/relations/import?on_duplicate=skip", second, &r);
	check_status(&r, 200);
	check_json(&r, "on_duplicate", "skip");
	check_json(&r, "counts.create", "1");
	check_json(&r, "counts.skip", "4");
	check_json(&r, "rows.0.action", "skip");
	check_json(&r, "rows.0.match", "email");
	check_json(&r, "rows.1.match", "phone");
	check_json(&r, "rows.2.match", "name");
	result_free(&r);
	assert_int_equal(relations(h, h->org), before + 1);
	get_rel(h, kees, &r);
	check_json(&r, "job_title", "Monteur"); /* skipped: unchanged */
	result_free(&r);

	send_csv(h, AS_EMPLOYEE, "/api/v1/relations/import?on_duplicate=update", second, &r);
	check_status(&r, 200);
	check_json(&r, "counts.create", "0");
	check_json(&r, "counts.update", "5");
	result_free(&r);
	assert_int_equal(relations(h, h->org), before + 1);
	get_rel(h, kees, &r);
	check_json(&r, "job_title", "Chef monteur"); /* what the file has changes */
	check_json(&r, "given_name", "Kees");        /* from the third row */
	check_json(&r, "emails.0.value", "kees@dubbel.example");
	check_json(&r, "phones.0.value", "06-99999999"); /* added */
	assert_int_equal(json_array_size(jpath(r.json, "emails")), 1);
	result_free(&r);
	get_rel(h, dubbel, &r);
	check_json(&r, "addresses.0.city", "Rotterdam"); /* an empty cell changes nothing */
	check_json(&r, "emails.0.value", "info@dubbel.example");
	assert_int_equal(json_array_size(jpath(r.json, "phones")), 1);
	result_free(&r);
	get_rel(h, rel(h, h->org, "Nieuw B.V."), &r);
	check_json(&r, "addresses.0.city", "Delft");
	result_free(&r);
}

static void test_other_organisation(void **state)
{
	struct harness *h = *state;
	struct result r;
	int64_t mine = relations(h, h->org), theirs = relations(h, h->org2);
	/* organisation 2 imports org 1's people: nothing matches, nothing of
	 * org 1 changes; org 1's users are not theirs */
	const char csv[] = "Naam;Voornaam;Achternaam;E-mail;Accountmanager\n"
			   "Bakkerij Zoet B.V.;Jan;de Vries;jan@zoet.example;\n"
			   "Bakkerij Zoet B.V.;;;info@zoet.example;\n";
	send_csv(h, AS_OTHER, "/api/v1/relations/import?on_duplicate=update", csv, &r);
	check_status(&r, 200);
	check_json(&r, "counts.create", "2");
	check_json(&r, "counts.update", "0");
	result_free(&r);
	assert_int_equal(relations(h, h->org2), theirs + 2);
	assert_int_equal(relations(h, h->org), mine);
	send_csv(h, AS_OTHER, "/api/v1/relations/import",
		 "Naam;Accountmanager\nX B.V.;employee@one.example\n", &r);
	check_status(&r, 422);
	check_json(&r, "rejected.0.code", "owner");
	result_free(&r);
	/* their import's search terms and tags are theirs */
	assert_int_equal(count(h, h->org, "SELECT COUNT(*) FROM relations r JOIN contact_points c"
					  " ON c.relation_id = r.id WHERE r.org_id = ? AND c.org_id <> r.org_id"),
			 0);
}

static void test_mapping_and_options(void **state)
{
	struct harness *h = *state;
	struct result r;
	const char csv[] = "Klant;Mail adres;Nummer\nMapping B.V.;map@ping.example;42\n";
	send_csv(h, AS_EMPLOYEE,
		 "/api/v1/relations/import?dry_run=1&mapping=%7B%22Klant%22%3A%22organisation%22%2C"
		 "%22mail%20adres%22%3A%22email%22%7D",
		 csv, &r);
	check_status(&r, 200);
	check_json(&r, "columns.0.field", "organisation");
	check_json(&r, "columns.1.field", "email");
	check_json(&r, "ignored.0", "Nummer");
	check_json(&r, "counts.create", "1");
	result_free(&r);
	const struct http_case cases[] = {
		{AS_EMPLOYEE, "POST", "/api/v1/relations/import?mapping=%7B%22Klant%22%3A%22shoe%22%7D",
		 "text/csv", csv, NULL, 422, "detail", NULL, "unknown field"},
		{AS_EMPLOYEE, "POST", "/api/v1/relations/import?mapping=%7B%22Kleur%22%3A%22email%22%7D",
		 "text/csv", csv, NULL, 422, NULL, NULL, "does not have"},
		{AS_EMPLOYEE, "POST", "/api/v1/relations/import?mapping=nope", "text/csv", csv, NULL,
		 422, "fields.mapping", NULL, NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/relations/import?on_duplicate=merge", "text/csv", csv,
		 NULL, 422, "fields.on_duplicate", NULL, NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/relations/import?dry_run=maybe", "text/csv", csv, NULL,
		 422, "fields.dry_run", NULL, NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/relations/import", "image/png", csv, NULL, 415, "error",
		 "unsupported_media_type", NULL},
		{AS_ANON, "POST", "/api/v1/relations/import", "text/csv", csv, NULL, 401, "error",
		 "unauthenticated", NULL},
	};
	run_http_cases(h, cases, sizeof(cases) / sizeof(cases[0]));
	assert_int_equal(rel(h, h->org, "Mapping B.V."), 0);

	/* multipart/form-data with options as form fields */
	const char file[] = "Bedrijf;E-mail\nMultipart B.V.;multi@part.example\n";
	size_t n;
	char *body = multipart("dry_run=false\non_duplicate=skip", "klanten.csv", file,
			       sizeof(file) - 1, &n);
	struct h_req rq = {.who = AS_EMPLOYEE, .method = "POST",
			   .target = "/api/v1/relations/import",
			   .ctype = "multipart/form-data; boundary=XyZ", .body = body, .body_len = n};
	h_send(h, &rq, &r);
	check_status(&r, 200);
	check_json(&r, "written", "true");
	check_json(&r, "columns.0.field", "organisation");
	result_free(&r);
	free(body);
	assert_true(rel(h, h->org, "Multipart B.V.") > 0);
}

/* An Asterisk Master.csv: an incoming call from Jan's mobile, an outgoing
 * one to Bakkerij Zoet's number, a number of nobody, an internal call, a
 * missed call, one with a broken start time. */
static const char cdr[] =
	"\"\",\"0612345678\",\"201\",\"from-trunk\",\"\"\"Jan\"\" <0612345678>\",\"SIP/trunk-1\","
	"\"SIP/201-2\",\"Dial\",\"SIP/201,30\",\"2026-03-02 09:15:00\",\"2026-03-02 09:15:05\","
	"\"2026-03-02 09:20:05\",305,300,\"ANSWERED\",\"DOCUMENTATION\",\"1772439300.1\",\"\"\n"
	"\"\",\"201\",\"0201234567\",\"from-internal\",\"\",\"SIP/201-3\",\"SIP/trunk-4\",\"Dial\","
	"\"SIP/trunk/0201234567\",\"2026-07-01 10:00:00\",\"2026-07-01 10:00:10\","
	"\"2026-07-01 10:01:10\",70,60,\"ANSWERED\",\"DOCUMENTATION\",\"1782900000.2\",\"\"\n"
	"\"\",\"0687654321\",\"201\",\"from-trunk\",\"\",\"SIP/trunk-5\",\"SIP/201-6\",\"Dial\","
	"\"SIP/201,30\",\"2026-03-02 11:00:00\",\"2026-03-02 11:00:05\",\"2026-03-02 11:01:05\","
	"65,60,\"ANSWERED\",\"DOCUMENTATION\",\"1772445600.3\",\"\"\n"
	"\"\",\"201\",\"202\",\"from-internal\",\"\",\"SIP/201-7\",\"SIP/202-8\",\"Dial\","
	"\"SIP/202\",\"2026-03-02 12:00:00\",\"2026-03-02 12:00:05\",\"2026-03-02 12:01:05\","
	"65,60,\"ANSWERED\",\"DOCUMENTATION\",\"1772449200.4\",\"\"\n"
	"\"\",\"0612345678\",\"201\",\"from-trunk\",\"\",\"SIP/trunk-9\",\"\",\"Dial\",\"SIP/201,30\","
	"\"2026-03-02 13:00:00\",\"\",\"2026-03-02 13:00:30\",30,0,\"NO ANSWER\","
	"\"DOCUMENTATION\",\"1772452800.5\",\"\"\n"
	"\"\",\"0612345678\",\"201\",\"from-trunk\",\"\",\"SIP/trunk-9\",\"\",\"Dial\",\"SIP/201,30\","
	"\"2026-13-02 13:00:00\",\"\",\"2026-03-02 13:00:30\",30,0,\"ANSWERED\","
	"\"DOCUMENTATION\",\"1772452800.6\",\"\"\n";

static void test_cdr(void **state)
{
	struct harness *h = *state;
	struct result r;
	int64_t jan = rel(h, h->org, "Jan de Vries"), zoet = rel(h, h->org, "Bakkerij Zoet B.V.");
	const char *count_calls = "SELECT COUNT(*) FROM interactions WHERE org_id = ?";
	int64_t before = count(h, h->org, count_calls);
	send_csv(h, AS_EMPLOYEE, "/api/v1/interactions/import-cdr", cdr, &r);
	check_status(&r, 422); /* the broken start time: nothing written */
	check_json(&r, "kind", "cdr");
	check_json(&r, "counts.rows", "6");
	check_json(&r, "counts.create", "2");
	check_json(&r, "counts.unmatched", "1");
	check_json(&r, "counts.internal", "1");
	check_json(&r, "counts.not_answered", "1");
	check_json(&r, "counts.rejected", "1");
	check_json(&r, "rejected.0.line", "6");
	check_json(&r, "rejected.0.code", "time");
	check_json(&r, "unmatched.0.number", "0687654321");
	check_json(&r, "unmatched.0.calls", "1");
	check_json(&r, "rows.0.action", "create");
	check_json(&r, "rows.0.direction", "in");
	check_json(&r, "rows.2.action", "unmatched");
	check_json(&r, "rows.3.action", "internal");
	result_free(&r);
	assert_int_equal(count(h, h->org, count_calls), before);

	send_csv(h, AS_EMPLOYEE, "/api/v1/interactions/import-cdr?skip_invalid=true", cdr, &r);
	check_status(&r, 200);
	check_json(&r, "written", "true");
	check_json(&r, "counts.create", "2");
	result_free(&r);
	assert_int_equal(count(h, h->org, count_calls), before + 2);
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/interactions?relation_id=%lld", (long long)jan);
	h_call(h, AS_EMPLOYEE, "GET", path, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "total", "1");
	check_json(&r, "items.0.channel", "phone");
	check_json(&r, "items.0.direction", "in");
	check_json(&r, "items.0.subject", "Inkomend gesprek 0612345678");
	check_json(&r, "items.0.occurred_at", "2026-03-02T08:15:00.000Z"); /* CET */
	check_json(&r, "items.0.duration_s", "300");
	check_json(&r, "items.0.company_id", NULL);
	int64_t call = json_int_at(&r, "items.0.id");
	result_free(&r);
	snprintf(path, sizeof(path), "/api/v1/interactions/%lld", (long long)call);
	h_call(h, AS_EMPLOYEE, "GET", path, NULL, NULL, NULL, &r);
	check_json(&r, "person_name", "Jan de Vries");
	check_json(&r, "company_name", "Bakkerij Zoet B.V.");
	result_free(&r);
	snprintf(path, sizeof(path), "/api/v1/interactions?relation_id=%lld", (long long)zoet);
	h_call(h, AS_EMPLOYEE, "GET", path, NULL, NULL, NULL, &r);
	check_json(&r, "total", "2"); /* its own call and Jan's */
	check_json(&r, "items.0.subject", "Uitgaand gesprek 0201234567");
	check_json(&r, "items.0.direction", "out");
	check_json(&r, "items.0.occurred_at", "2026-07-01T08:00:00.000Z"); /* CEST */
	result_free(&r);
	h_call(h, AS_EMPLOYEE, "GET", "/api/v1/search?q=uitgaand", NULL, NULL, NULL, &r);
	check_json(&r, "interactions.0.subject", "Uitgaand gesprek 0201234567");
	result_free(&r);

	/* the same log again, now with the missed call: only that one is new */
	send_csv(h, AS_EMPLOYEE, "/api/v1/interactions/import-cdr?skip_invalid=true&all_calls=true",
		 cdr, &r);
	check_status(&r, 200);
	check_json(&r, "counts.create", "1");
	check_json(&r, "counts.skip", "2");
	check_json(&r, "rows.0.action", "skip");
	result_free(&r);
	assert_int_equal(count(h, h->org, count_calls), before + 3);
	assert_int_equal(count(h, h->org, "SELECT COUNT(*) FROM interactions WHERE org_id = ?"
					  " AND outcome = 'follow_up' AND summary LIKE 'Niet beantwoord%'"),
			 1);

	/* another organisation's numbers are not theirs: all unmatched */
	send_csv(h, AS_OTHER, "/api/v1/interactions/import-cdr?skip_invalid=true", cdr, &r);
	check_status(&r, 200);
	check_json(&r, "counts.create", "0");
	check_json(&r, "counts.unmatched", "3");
	result_free(&r);
	assert_int_equal(count(h, h->org2, count_calls), 0);

	send_csv(h, AS_EMPLOYEE, "/api/v1/interactions/import-cdr", "a,b,c\n", &r);
	check_status(&r, 422);
	check_json(&r, "rejected.0.code", "ragged");
	result_free(&r);
	/* found by reading for fuzz/cdr: sscanf took a sign for a digit */
	char signed_start[sizeof(cdr)];
	snprintf(signed_start, sizeof(signed_start), "%.*s", (int)(strchr(cdr, '\n') - cdr + 1), cdr);
	memcpy(strstr(signed_start, "2026-03-02 09:15:00"), "2026-+3-02", 10);
	send_csv(h, AS_EMPLOYEE, "/api/v1/interactions/import-cdr", signed_start, &r);
	check_status(&r, 422);
	check_json(&r, "rejected.0.code", "time");
	result_free(&r);
}

/* The browser: upload, preview with the rejected row and its line, confirm
 * without and with skipping it. */
static void test_page_flow(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_SESSION, "GET", "/relations/import", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "enctype=\"multipart/form-data\"");
	result_free(&r);
	const char csv[] = "Naam;E-mail\nPagina B.V.;pagina@pagina.example\nFout B.V.;fout@\n";
	size_t n;
	char fields[128];
	snprintf(fields, sizeof(fields), "_csrf=%s\non_duplicate=skip", h->csrf);
	char *body = multipart(fields, "klanten.csv", csv, sizeof(csv) - 1, &n);
	struct h_req rq = {.who = AS_SESSION, .method = "POST", .target = "/relations/import",
			   .ctype = "multipart/form-data; boundary=XyZ", .body = body, .body_len = n,
			   .no_csrf = true};
	int64_t before = relations(h, h->org);
	h_send(h, &rq, &r);
	check_status(&r, 200);
	check_body(&r, "klanten.csv");
	check_body(&r, "<td>3</td><td>geen geldig e-mailadres</td><td>fout@</td>");
	check_body(&r, "name=\"skip_invalid\"");
	const char *form = strstr(r.body, "action=\"/relations/import/");
	assert_non_null(form);
	char confirm[96];
	snprintf(confirm, sizeof(confirm), "%.*s", (int)strcspn(form + 8, "\""), form + 8);
	result_free(&r);
	free(body);
	assert_int_equal(relations(h, h->org), before); /* a preview writes nothing */

	h_form(h, AS_SESSION, NULL, confirm, "on_duplicate=skip", &r);
	check_status(&r, 422);
	check_body(&r, "Er is niets ge\xC3\xAFmporteerd");
	result_free(&r);
	assert_int_equal(relations(h, h->org), before);

	h_form(h, AS_SESSION, NULL, confirm, "on_duplicate=skip&skip_invalid=1", &r);
	check_status(&r, 303);
	assert_string_equal(r.location, "/relations");
	char flash[256];
	assert_true(result_cookie(&r, "brug_flash", flash, sizeof(flash)));
	assert_int_equal(strncmp(flash, "brug_flash=import.flash_done;", 29), 0);
	result_free(&r);
	assert_int_equal(relations(h, h->org), before + 1);
	/* the upload is gone once used; another user never sees it */
	h_form(h, AS_SESSION, NULL, confirm, "skip_invalid=1", &r);
	check_status(&r, 404);
	result_free(&r);

	/* a file the browser cannot send: the form again with the reason */
	body = multipart(fields, "foto.png", "\x89PNG\r\n\x1a\n\0\0\0\0\0\0\0\0", 16, &n);
	rq.body = body;
	rq.body_len = n;
	h_send(h, &rq, &r);
	check_status(&r, 422);
	check_body(&r, "id=\"file-error\"");
	check_body(&r, "not a text file");
	result_free(&r);
	free(body);

	/* a preview kept for later is its user's only */
	body = multipart(fields, "klanten.csv", csv, sizeof(csv) - 1, &n);
	rq.body = body;
	rq.body_len = n;
	h_send(h, &rq, &r);
	check_status(&r, 200);
	form = strstr(r.body, "action=\"/relations/import/");
	assert_non_null(form);
	snprintf(confirm, sizeof(confirm), "%.*s", (int)strcspn(form + 8, "\""), form + 8);
	result_free(&r);
	free(body);
	struct session other;
	h_login(h, AS_EMPLOYEE, &other);
	h_form(h, AS_EMPLOYEE, &other, confirm, "skip_invalid=1", &r);
	check_status(&r, 404);
	result_free(&r);
	assert_int_equal(relations(h, h->org), before + 1);

	/* the call log: its form, a preview, a confirmation */
	h_call(h, AS_SESSION, "GET", "/interactions/import", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "action=\"/interactions/import-cdr\"");
	result_free(&r);
	snprintf(fields, sizeof(fields), "_csrf=%s\nall_calls=1", h->csrf);
	body = multipart(fields, "Master.csv", cdr, sizeof(cdr) - 1, &n);
	rq.target = "/interactions/import-cdr";
	rq.body = body;
	rq.body_len = n;
	h_send(h, &rq, &r);
	check_status(&r, 200);
	check_body(&r, "Master.csv");
	check_body(&r, "<td>6</td><td>het begin is geen datum met tijd</td>");
	check_body(&r, "0687654321 (1)");
	check_body(&r, "name=\"all_calls\" value=\"1\"");
	form = strstr(r.body, "action=\"/interactions/import/");
	assert_non_null(form);
	snprintf(confirm, sizeof(confirm), "%.*s", (int)strcspn(form + 8, "\""), form + 8);
	result_free(&r);
	free(body);
	/* a call log's upload is not a relations import */
	char wrong[96];
	snprintf(wrong, sizeof(wrong), "/relations%s", strstr(confirm, "/import/"));
	h_form(h, AS_SESSION, NULL, wrong, "skip_invalid=1", &r);
	check_status(&r, 404);
	result_free(&r);
	h_form(h, AS_SESSION, NULL, confirm, "all_calls=1&skip_invalid=1", &r);
	check_status(&r, 303);
	assert_string_equal(r.location, "/interactions");
	result_free(&r);
}

/* An upload of more relations than an import indexes at once: the page
 * after it says search finds them within minutes. */
static void test_page_large_import(void **state)
{
	struct harness *h = *state;
	struct buf csv;
	buf_init(&csv, 0);
	buf_adds(&csv, "Voornaam;Achternaam;E-mail\n");
	for (int i = 0; i <= SEARCH_INLINE_MAX; i++)
		buf_printf(&csv, "Kees;Groot%d;kees.%d@groot.example\n", i, i);
	char fields[128];
	snprintf(fields, sizeof(fields), "_csrf=%s\non_duplicate=skip", h->csrf);
	size_t n;
	char *body = multipart(fields, "groot.csv", buf_str(&csv), csv.len, &n);
	struct h_req rq = {.who = AS_SESSION, .method = "POST", .target = "/relations/import",
			   .ctype = "multipart/form-data; boundary=XyZ", .body = body, .body_len = n,
			   .no_csrf = true};
	struct result r;
	h_send(h, &rq, &r);
	check_status(&r, 200);
	const char *form = strstr(r.body, "action=\"/relations/import/");
	assert_non_null(form);
	char confirm[96];
	snprintf(confirm, sizeof(confirm), "%.*s", (int)strcspn(form + 8, "\""), form + 8);
	result_free(&r);
	h_form(h, AS_SESSION, NULL, confirm, "on_duplicate=skip", &r);
	check_status(&r, 303);
	char flash[256];
	assert_true(result_cookie(&r, "brug_flash", flash, sizeof(flash)));
	assert_int_equal(strncmp(flash, "brug_flash=import.flash_done_indexing;", 38), 0);
	result_free(&r);
	free(body);
	buf_cleanup(&csv);
	/* The planner's statistics were refreshed during the import (make
	 * bench found it: on PostgreSQL the duplicate look-ups kept plans made
	 * for the empty tables and read every contact point per batch, so
	 * 20,000 rows took 64 s instead of 14 s): the last refresh, after
	 * batch 16 of 200 rows, counted at least those rows' e-mail addresses.
	 * SQLite plans without gathered statistics: nothing to refresh. */
	if (!strcmp(db_backend(h->db), "postgres")) {
		int64_t tuples = -1;
		assert_int_equal(db_int_query(h->db, &tuples,
					      "SELECT CAST(reltuples AS BIGINT) FROM pg_class"
					      " WHERE relname = 'contact_points'", DB_NOARGS), 0);
		assert_true(tuples >= 16 * 200);
	} else {
		assert_int_equal(db_analyze(h->db, "relations, contact_points"), 0);
	}
}

static void test_upload_purge(void **state)
{
	struct harness *h = *state;
	int64_t n = -1;
	assert_int_equal(db_exec(h->db, "UPDATE import_uploads SET created_at = 0", DB_NOARGS), 0);
	int64_t left = count(h, h->org, "SELECT COUNT(*) FROM import_uploads WHERE org_id = ?");
	assert_int_equal(left, 1); /* the preview nobody confirmed */
	assert_int_equal(import_upload_purge(h->db, 24 * 3600 * 1000LL, &n), 0);
	assert_int_equal(n, left);
	assert_int_equal(count(h, h->org, "SELECT COUNT(*) FROM import_uploads WHERE org_id = ?"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_excel_dry_run_then_import),
		cmocka_unit_test(test_windows_1252),
		cmocka_unit_test(test_google_contacts),
		cmocka_unit_test(test_rejected_rows_all_or_nothing),
		cmocka_unit_test(test_unreadable_files),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_other_organisation),
		cmocka_unit_test(test_mapping_and_options),
		cmocka_unit_test(test_cdr),
		cmocka_unit_test(test_page_flow),
		cmocka_unit_test(test_page_large_import),
		cmocka_unit_test(test_upload_purge),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

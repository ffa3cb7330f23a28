/* SPDX-License-Identifier: Apache-2.0 */
/* API tests for the vCard import: cards as Google, Outlook, Apple, Android
 * and Thunderbird export them, broken folding, a card broken in the middle
 * (reported with its line; the others imported with skip_invalid, nothing
 * without), warnings, duplicates skipped or updated, another organisation
 * left alone, a dry run kept and confirmed, multipart uploads, bad input,
 * and the pages' preview and confirmation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- cards as the clients write them ---- */

/* Google Contacts (vCard for iOS): 3.0, TYPE repeated, Apple-style items. */
static const char google[] =
	"BEGIN:VCARD\r\n"
	"VERSION:3.0\r\n"
	"FN:Pieter Jansen\r\n"
	"N:Jansen;Pieter;;;\r\n"
	"EMAIL;TYPE=INTERNET;TYPE=HOME:pieter.jansen@gmail.example\r\n"
	"EMAIL;TYPE=INTERNET;TYPE=WORK:p.jansen@bouwbedrijf-utrecht.example\r\n"
	"TEL;TYPE=CELL:+31 6 22334455\r\n"
	"TEL;TYPE=WORK:030 123 4567\r\n"
	"ADR;TYPE=HOME:;;Prinsengracht 263;Amsterdam;Noord-Holland;1016 GV;Nederland\r\n"
	"ORG:Bouwbedrijf Utrecht B.V.\r\n"
	"TITLE:Projectleider\r\n"
	"BDAY:1975-11-02\r\n"
	"URL:https\\://www.bouwbedrijf-utrecht.example\r\n"
	"NOTE:Ontmoet op de Vakbeurs\\, 2023.\\nBellen na 16:00.\r\n"
	"item1.EMAIL;TYPE=INTERNET:pieter@vereniging.example\r\n"
	"item1.X-ABLabel:Vereniging\r\n"
	"CATEGORIES:myContacts,Klanten\r\n"
	"END:VCARD\r\n";

/* Outlook 2016: 2.1 in Windows-1252, QUOTED-PRINTABLE with soft breaks,
 * bare parameters, Outlook's own properties. */
static const char outlook[] =
	"BEGIN:VCARD\r\n"
	"VERSION:2.1\r\n"
	"N;LANGUAGE=nl;CHARSET=Windows-1252:M\xFC"
	"ller;Zo\xEB;;Mevr.\r\n"
	"FN;CHARSET=Windows-1252:Zo\xEB M\xFC"
	"ller\r\n"
	"ORG;CHARSET=Windows-1252:Gemeente Utrecht;Publiekszaken\r\n"
	"TITLE:Teamleider\r\n"
	"TEL;WORK;VOICE:(030) 286 00 00\r\n"
	"TEL;CELL;VOICE:06 98765432\r\n"
	"ADR;WORK;PREF;CHARSET=Windows-1252:;;Stadsplateau 1;Utrecht;;3521 AZ;Nederland\r\n"
	"LABEL;WORK;PREF;ENCODING=QUOTED-PRINTABLE;CHARSET=Windows-1252:Stadsplateau 1=0D=0A=\r\n"
	"Utrecht 3521 AZ\r\n"
	"X-MS-OL-DEFAULT-POSTAL-ADDRESS:2\r\n"
	"EMAIL;PREF;INTERNET:z.muller@utrecht.example\r\n"
	"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=Windows-1252:Terugbellen over de aanvraag van =\r\n"
	"=80 250,-.=0D=0AZe is op dinsdag op kant=\r\n"
	"oor.\r\n"
	"REV:20260115T101500Z\r\n"
	"END:VCARD\r\n";

/* Apple Contacts: a company's card (X-ABShowAs), and a person working
 * there with labels, type=pref and a photo. */
static const char apple[] =
	"BEGIN:VCARD\r\n"
	"VERSION:3.0\r\n"
	"PRODID:-//Apple Inc.//macOS 14.4//EN\r\n"
	"N:;;;;\r\n"
	"FN:Bakker & Zonen\r\n"
	"ORG:Bakker & Zonen;\r\n"
	"X-ABShowAs:COMPANY\r\n"
	"item1.TEL:030 234 5678\r\n"
	"item1.X-ABLabel:Winkel\r\n"
	"item2.ADR;type=WORK;type=pref:;;Oudegracht 158;Utrecht;;3511 AZ;Nederland\r\n"
	"END:VCARD\r\n"
	"BEGIN:VCARD\r\n"
	"VERSION:3.0\r\n"
	"PRODID:-//Apple Inc.//macOS 14.4//EN\r\n"
	"N:Bakker;Anna;;;\r\n"
	"FN:Anna Bakker\r\n"
	"ORG:Bakker & Zonen;\r\n"
	"TITLE:Eigenaar\r\n"
	"item1.EMAIL;type=INTERNET;type=pref:anna@bakkerenzonen.example\r\n"
	"item1.X-ABLabel:_$!<Other>!$_\r\n"
	"TEL;type=CELL;type=VOICE;type=pref:+31 6 11223344\r\n"
	"PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAASABIAAD/4QBMRXhpZgAATU0AKgAAAAgAAYdpAAQAAAAB\r\n"
	" AAAAGgAAAAAAA6ABAAMAAAABAAEAAKACAAQAAAABAAAAgKADAAQAAAABAAAAgAAAAAD/7QA4UGh\r\n"
	"END:VCARD\r\n";

/* Android: 2.1, QUOTED-PRINTABLE UTF-8 with a soft break inside a
 * character, Android's own property. */
static const char android[] =
	"BEGIN:VCARD\r\n"
	"VERSION:2.1\r\n"
	"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:D=C3=BCrer;Ren=C3=A9;;;\r\n"
	"FN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Ren=C3=A9 D=C3=BCrer\r\n"
	"TEL;CELL:+31687654321\r\n"
	"TEL;HOME:0302345699\r\n"
	"EMAIL;HOME:rene.durer@example.nl\r\n"
	"ADR;HOME;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;;Biltstraat 12;Utrecht;;3572 AB;Nederla=\r\n"
	"nd\r\n"
	"NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Heeft een hond: Bo=C3=\r\n"
	"=AB is de naam.\r\n"
	"X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Ren;1;;;;;;;;;;;;;\r\n"
	"END:VCARD\r\n";

/* Thunderbird 115: 4.0 with VALUE=TEXT, a quoted TYPE list and a tel: URI;
 * then the person's organisation as a KIND:org card. */
static const char thunderbird[] =
	"BEGIN:VCARD\r\n"
	"VERSION:4.0\r\n"
	"PRODID:-//Mozilla.org/NONSGML Mozilla Contact//EN\r\n"
	"N:Smit;Karel;;;\r\n"
	"FN:Karel Smit\r\n"
	"EMAIL;PREF=1:karel@smit.example\r\n"
	"EMAIL;TYPE=work:k.smit@amsterdam.example\r\n"
	"TEL;TYPE=\"work,voice\";VALUE=TEXT:020 123 4567\r\n"
	"TEL;VALUE=TEXT;TYPE=cell:06 1234 5678\r\n"
	"TEL;TYPE=home;VALUE=uri:tel:+31-20-555-0123\r\n"
	"ADR;TYPE=work:;;Stationsplein 1;Amsterdam;;1012 AB;Nederland\r\n"
	"NOTE:Eerste regel\\nTweede regel met \\; en \\, erin\r\n"
	"LANG:en-GB\r\n"
	"ORG:Gemeente Amsterdam;Dienst ICT\r\n"
	"TITLE:Architect\r\n"
	"CATEGORIES:Leveranciers,ICT\r\n"
	"UID:urn:uuid:8e2a6bd0-3c56-4a3b-9d1f-1f6c2a7b9e11\r\n"
	"REV:20260201T083000Z\r\n"
	"END:VCARD\r\n"
	"BEGIN:VCARD\r\n"
	"VERSION:4.0\r\n"
	"KIND:org\r\n"
	"FN:Gemeente Amsterdam\r\n"
	"EMAIL:info@amsterdam.example\r\n"
	"END:VCARD\r\n";

/* ---- helpers ---- */

static void import(struct harness *h, enum as who, const char *query, const char *body,
		   struct result *r)
{
	char target[256];
	snprintf(target, sizeof(target), "/api/v1/relations/import-vcard%s%s", query ? "?" : "",
		 query ? query : "");
	h_call(h, who, "POST", target, "text/vcard; charset=utf-8", body, NULL, r);
}

static void get_rel(struct harness *h, enum as who, int64_t id, struct result *r)
{
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/relations/%lld", (long long)id);
	h_call(h, who, "GET", path, NULL, NULL, NULL, r);
	check_status(r, 200);
}

static const char *str_at(const struct result *r, const char *path)
{
	json_t *v = jpath(r->json, path);
	if (!json_is_string(v))
		fail_msg("%s is not a string in %s", path, r->body);
	return json_string_value(v);
}

static int64_t relations_total(struct harness *h, enum as who)
{
	struct result r;
	h_call(h, who, "GET", "/api/v1/relations?status=all", NULL, NULL, NULL, &r);
	int64_t n = json_int_at(&r, "total");
	result_free(&r);
	return n;
}

/* ---- the five clients ---- */

static void test_google(void **state)
{
	struct harness *h = *state;
	struct result r, g;
	import(h, AS_EMPLOYEE, NULL, google, &r);
	check_status(&r, 200);
	check_json(&r, "dry_run", "false");
	check_json(&r, "rows", "1");
	check_json(&r, "created", "1");
	check_json(&r, "organisations_created", "1");
	check_json(&r, "preview.0.action", "create");
	check_json(&r, "preview.0.line", "1");
	check_json(&r, "preview.0.organisation", "Bouwbedrijf Utrecht B.V.");
	get_rel(h, AS_EMPLOYEE, json_int_at(&r, "preview.0.id"), &g);
	check_json(&g, "kind", "person");
	check_json(&g, "name", "Pieter Jansen");
	check_json(&g, "given_name", "Pieter");
	check_json(&g, "family_name", "Jansen");
	check_json(&g, "parent_name", "Bouwbedrijf Utrecht B.V.");
	check_json(&g, "job_title", "Projectleider");
	check_json(&g, "emails.0.value", "pieter.jansen@gmail.example");
	check_json(&g, "emails.0.label", "home");
	check_json(&g, "emails.1.label", "work");
	check_json(&g, "emails.2.value", "pieter@vereniging.example");
	check_json(&g, "emails.2.label", "Vereniging");
	check_json(&g, "phones.0.value", "+31 6 22334455");
	check_json(&g, "phones.0.label", "mobile");
	check_json(&g, "phones.1.value", "030 123 4567");
	check_json(&g, "phones.1.label", "work");
	check_json(&g, "addresses.0.street", "Prinsengracht 263");
	check_json(&g, "addresses.0.postal_code", "1016 GV");
	check_json(&g, "addresses.0.city", "Amsterdam");
	check_json(&g, "addresses.0.country", "Nederland");
	check_json(&g, "addresses.0.label", "home");
	check_json(&g, "notes", "Ontmoet op de Vakbeurs, 2023.\nBellen na 16:00.");
	/* Google's own group is not a tag */
	assert_int_equal(json_array_size(jpath(g.json, "tags")), 1);
	check_json(&g, "tags.0", "Klanten");
	result_free(&g);
	result_free(&r);
}

static void test_outlook(void **state)
{
	struct harness *h = *state;
	struct result r, g;
	import(h, AS_EMPLOYEE, NULL, outlook, &r);
	check_status(&r, 200);
	check_json(&r, "created", "1");
	get_rel(h, AS_EMPLOYEE, json_int_at(&r, "preview.0.id"), &g);
	check_json(&g, "name", "Zo\xC3\xAB M\xC3\xBCller");
	check_json(&g, "given_name", "Zo\xC3\xAB");
	check_json(&g, "family_name", "M\xC3\xBCller");
	check_json(&g, "lang", "nl");
	check_json(&g, "parent_name", "Gemeente Utrecht");
	check_json(&g, "job_title", "Teamleider");
	check_json(&g, "phones.0.value", "(030) 286 00 00");
	check_json(&g, "phones.0.label", "work");
	check_json(&g, "phones.1.value", "06 98765432");
	check_json(&g, "phones.1.label", "mobile");
	check_json(&g, "emails.0.value", "z.muller@utrecht.example");
	check_json(&g, "addresses.0.street", "Stadsplateau 1");
	check_json(&g, "addresses.0.label", "work");
	check_json(&g, "notes", "Terugbellen over de aanvraag van \xE2\x82\xAC 250,-.\n"
				"Ze is op dinsdag op kantoor.");
	result_free(&g);
	result_free(&r);
}

static void test_apple(void **state)
{
	struct harness *h = *state;
	struct result r, g;
	import(h, AS_EMPLOYEE, NULL, apple, &r);
	check_status(&r, 200);
	check_json(&r, "rows", "2");
	check_json(&r, "created", "2");
	/* the person's organisation is the company's card before it */
	check_json(&r, "organisations_created", "0");
	check_json(&r, "preview.0.kind", "organisation");
	check_json(&r, "preview.1.kind", "person");
	check_json(&r, "preview.1.line", "12");
	int64_t company = json_int_at(&r, "preview.0.id");
	get_rel(h, AS_EMPLOYEE, company, &g);
	check_json(&g, "kind", "organisation");
	check_json(&g, "name", "Bakker & Zonen");
	check_json(&g, "phones.0.value", "030 234 5678");
	check_json(&g, "phones.0.label", "Winkel");
	check_json(&g, "addresses.0.street", "Oudegracht 158");
	check_json(&g, "people.0.name", "Anna Bakker");
	result_free(&g);
	get_rel(h, AS_EMPLOYEE, json_int_at(&r, "preview.1.id"), &g);
	assert_int_equal(json_int_at(&g, "parent_id"), company);
	check_json(&g, "job_title", "Eigenaar");
	check_json(&g, "emails.0.label", "Other");
	check_json(&g, "phones.0.value", "+31 6 11223344");
	check_json(&g, "phones.0.label", "mobile");
	result_free(&g);
	result_free(&r);
}

static void test_android(void **state)
{
	struct harness *h = *state;
	struct result r, g;
	import(h, AS_EMPLOYEE, NULL, android, &r);
	check_status(&r, 200);
	check_json(&r, "created", "1");
	check_json(&r, "organisations_created", "0");
	get_rel(h, AS_EMPLOYEE, json_int_at(&r, "preview.0.id"), &g);
	check_json(&g, "name", "Ren\xC3\xA9 D\xC3\xBCrer");
	check_json(&g, "parent_id", "null");
	check_json(&g, "phones.0.value", "+31687654321");
	check_json(&g, "phones.0.label", "mobile");
	check_json(&g, "phones.1.value", "0302345699");
	check_json(&g, "phones.1.label", "home");
	check_json(&g, "addresses.0.country", "Nederland");
	check_json(&g, "notes", "Heeft een hond: Bo\xC3\xAB is de naam.");
	result_free(&g);
	result_free(&r);
}

static void test_thunderbird(void **state)
{
	struct harness *h = *state;
	struct result r, g;
	import(h, AS_EMPLOYEE, NULL, thunderbird, &r);
	check_status(&r, 200);
	check_json(&r, "rows", "2");
	check_json(&r, "created", "1");
	check_json(&r, "organisations_created", "1");
	/* the organisation's own card finds the one just made from ORG */
	check_json(&r, "skipped", "1");
	check_json(&r, "preview.1.action", "skip");
	check_json(&r, "preview.1.kind", "organisation");
	get_rel(h, AS_EMPLOYEE, json_int_at(&r, "preview.0.id"), &g);
	check_json(&g, "name", "Karel Smit");
	check_json(&g, "lang", "en");
	check_json(&g, "parent_name", "Gemeente Amsterdam");
	check_json(&g, "job_title", "Architect");
	check_json(&g, "phones.0.label", "work");
	check_json(&g, "phones.1.value", "06 1234 5678");
	check_json(&g, "phones.1.label", "mobile");
	check_json(&g, "phones.2.value", "+31 20 555 0123");
	check_json(&g, "phones.2.label", "home");
	check_json(&g, "notes", "Eerste regel\nTweede regel met ; en , erin");
	check_json(&g, "tags.0", "ICT");
	check_json(&g, "tags.1", "Leveranciers");
	assert_int_equal(json_int_at(&r, "preview.1.id"), json_int_at(&g, "parent_id"));
	result_free(&g);
	result_free(&r);
}

/* ---- what goes wrong in files ---- */

static void test_broken_folding(void **state)
{
	struct harness *h = *state;
	struct result r, g;
	/* a fold without its space, a fold inside an address and inside a
	 * character, a note's raw newline */
	import(h, AS_EMPLOYEE, NULL,
	       "BEGIN:VCARD\r\n"
	       "VERSION:3.0\r\n"
	       "FN:Lotte de Bo\xC3\r\n"
	       " \xABr\r\n"
	       "N:de Bo\xC3\xABr;Lotte;;;\r\n"
	       "NOTE:Klant sinds 2020. Vraagt altijd naar de \r\n"
	       " levertijd en wil per mail\r\n"
	       "een bevestiging.\r\n"
	       "EMAIL:lotte@deboer.ex\r\n"
	       " ample\r\n"
	       "END:VCARD\r\n",
	       &r);
	check_status(&r, 200);
	check_json(&r, "created", "1");
	get_rel(h, AS_EMPLOYEE, json_int_at(&r, "preview.0.id"), &g);
	check_json(&g, "name", "Lotte de Bo\xC3\xABr");
	check_json(&g, "emails.0.value", "lotte@deboer.example");
	check_json(&g, "notes",
		   "Klant sinds 2020. Vraagt altijd naar de levertijd en wil per maileen bevestiging.");
	result_free(&g);
	result_free(&r);
}

static const char broken[] = "BEGIN:VCARD\r\n"		  /* 1 */
			     "VERSION:3.0\r\n"		  /* 2 */
			     "FN:Eerste Kaart\r\n"	  /* 3 */
			     "EMAIL:eerste@example.nl\r\n" /* 4 */
			     "END:VCARD\r\n"		  /* 5 */
			     "BEGIN:VCARD\r\n"		  /* 6 */
			     "VERSION:3.0\r\n"		  /* 7 */
			     "FN:Kapotte Kaart\r\n"	  /* 8 */
			     "EMAIL:kapot@example.nl\r\n"  /* 9: no END */
			     "BEGIN:VCARD\r\n"		  /* 10 */
			     "VERSION:3.0\r\n"		  /* 11 */
			     "FN:Derde Kaart\r\n"	  /* 12 */
			     "TEL:call me maybe\r\n"	  /* 13: left out */
			     "EMAIL:derde@example.nl\r\n"  /* 14 */
			     "END:VCARD\r\n";		  /* 15 */

static void test_broken_card(void **state)
{
	struct harness *h = *state;
	int64_t before = relations_total(h, AS_EMPLOYEE);
	struct result r;
	/* without skip_invalid nothing is imported */
	import(h, AS_EMPLOYEE, NULL, broken, &r);
	check_status(&r, 422);
	check_json(&r, "error", "validation_failed");
	check_json(&r, "message", "Er zijn kaarten afgekeurd; er is niets ge\xC3\xAFmporteerd.");
	check_json(&r, "blocked", "true");
	check_json(&r, "rows", "3");
	check_json(&r, "rejected_count", "1");
	check_json(&r, "rejected.0.line", "10");
	assert_non_null(strstr(str_at(&r, "rejected.0.reason"), "begun on line 6"));
	check_json(&r, "preview.1.action", "reject");
	check_json(&r, "preview.1.line", "10");
	result_free(&r);
	assert_int_equal(relations_total(h, AS_EMPLOYEE), before);
	/* a dry run says the same, with a 200 */
	import(h, AS_EMPLOYEE, "dry_run=1", broken, &r);
	check_status(&r, 200);
	check_json(&r, "dry_run", "true");
	check_json(&r, "blocked", "true");
	check_json(&r, "created", "2");
	result_free(&r);
	assert_int_equal(relations_total(h, AS_EMPLOYEE), before);
	/* with skip_invalid the good ones are */
	import(h, AS_EMPLOYEE, "skip_invalid=1", broken, &r);
	check_status(&r, 200);
	check_json(&r, "blocked", "false");
	check_json(&r, "created", "2");
	check_json(&r, "rejected.0.line", "10");
	check_json(&r, "preview.0.name", "Eerste Kaart");
	check_json(&r, "preview.2.name", "Derde Kaart");
	/* what was left out of a card that is imported is a warning */
	check_json(&r, "warnings.0.line", "10");
	assert_non_null(strstr(str_at(&r, "warnings.0.reason"), "call me maybe"));
	result_free(&r);
	assert_int_equal(relations_total(h, AS_EMPLOYEE), before + 2);
	/* a card brug refuses is rejected with the line of its BEGIN */
	char big[1024];
	char name[260];
	memset(name, 'x', 250);
	name[250] = '\0';
	snprintf(big, sizeof(big),
		 "BEGIN:VCARD\r\nFN:Goede Kaart\r\nEND:VCARD\r\n"
		 "BEGIN:VCARD\r\nFN:%s\r\nEND:VCARD\r\n", name);
	import(h, AS_EMPLOYEE, NULL, big, &r);
	check_status(&r, 422);
	check_json(&r, "rejected.0.line", "4");
	check_json(&r, "rejected.0.reason", "FN is longer than 200 characters");
	result_free(&r);
	assert_int_equal(relations_total(h, AS_EMPLOYEE), before + 2);
}

static void test_kinds(void **state)
{
	struct harness *h = *state;
	struct result r;
	import(h, AS_EMPLOYEE, NULL,
	       /* Outlook's company card: an empty N */
	       "BEGIN:VCARD\r\nVERSION:2.1\r\nN:;;;;\r\nFN:Polderwarmte B.V.\r\n"
	       "ORG:Polderwarmte B.V.\r\nEND:VCARD\r\n"
	       /* only an ORG to name it */
	       "BEGIN:VCARD\r\nVERSION:3.0\r\nORG:Fietsenmakerij Snel\r\nTEL:0301234567\r\n"
	       "END:VCARD\r\n"
	       /* a contact group */
	       "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:group\r\nFN:Vrienden\r\n"
	       "MEMBER:urn:uuid:03a0e51f-d1aa-4385-8a53-e29025acd8af\r\nEND:VCARD\r\n"
	       /* a person in an organisation that exists, in other case */
	       "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Sanne Vos\r\nN:Vos;Sanne;;;\r\n"
	       "ORG:POLDERWARMTE b.v.\r\nLANG:fr\r\nEND:VCARD\r\n",
	       &r);
	check_status(&r, 200);
	check_json(&r, "created", "3");
	check_json(&r, "skipped", "1");
	check_json(&r, "organisations_created", "0");
	check_json(&r, "preview.0.kind", "organisation");
	check_json(&r, "preview.1.kind", "organisation");
	check_json(&r, "preview.1.name", "Fietsenmakerij Snel");
	check_json(&r, "preview.2.action", "skip");
	check_json(&r, "preview.2.kind", "group");
	check_json(&r, "preview.3.kind", "person");
	struct result g;
	get_rel(h, AS_EMPLOYEE, json_int_at(&r, "preview.3.id"), &g);
	assert_int_equal(json_int_at(&g, "parent_id"), json_int_at(&r, "preview.0.id"));
	check_json(&g, "lang", "nl"); /* French is not one of brug's: the default */
	result_free(&g);
	result_free(&r);
}

/* ---- duplicates ---- */

static void test_duplicates(void **state)
{
	struct harness *h = *state;
	struct result r, g;
	import(h, AS_EMPLOYEE, NULL,
	       "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dirk Dubbel\r\nN:Dubbel;Dirk;;;\r\n"
	       "EMAIL:dirk@dubbel.example\r\nTEL:06-11112222\r\nTITLE:Inkoper\r\n"
	       "CATEGORIES:Oud\r\nEND:VCARD\r\n",
	       &r);
	check_status(&r, 200);
	int64_t dirk = json_int_at(&r, "preview.0.id");
	result_free(&r);
	/* the same email address: skipped */
	import(h, AS_EMPLOYEE, "on_duplicate=skip", "BEGIN:VCARD\r\nFN:D. Dubbel\r\nEMAIL:DIRK@dubbel.example\r\nEND:VCARD\r\n", &r);
	check_status(&r, 200);
	check_json(&r, "created", "0");
	check_json(&r, "skipped", "1");
	check_json(&r, "preview.0.action", "skip");
	assert_int_equal(json_int_at(&r, "preview.0.id"), dirk);
	result_free(&r);
	/* the same phone number written otherwise: skipped by default */
	import(h, AS_EMPLOYEE, NULL, "BEGIN:VCARD\r\nFN:Dirk\r\nTEL:+31 6 1111 2222\r\nEND:VCARD\r\n", &r);
	check_json(&r, "skipped", "1");
	assert_int_equal(json_int_at(&r, "preview.0.id"), dirk);
	result_free(&r);
	/* the same name, nothing else */
	import(h, AS_EMPLOYEE, NULL, "BEGIN:VCARD\r\nFN:dirk DUBBEL\r\nEND:VCARD\r\n", &r);
	check_json(&r, "skipped", "1");
	result_free(&r);
	/* the same name in another organisation is someone else */
	import(h, AS_EMPLOYEE, NULL, "BEGIN:VCARD\r\nFN:Dirk Dubbel\r\nORG:Elders Bouw\r\nEND:VCARD\r\n", &r);
	check_json(&r, "created", "1");
	check_json(&r, "organisations_created", "1");
	result_free(&r);
	/* the same person twice in one file: created once */
	import(h, AS_EMPLOYEE, NULL,
	       "BEGIN:VCARD\r\nFN:Tweeling\r\nEMAIL:tweeling@example.nl\r\nEND:VCARD\r\n"
	       "BEGIN:VCARD\r\nFN:Tweeling B\r\nEMAIL:tweeling@example.nl\r\nEND:VCARD\r\n", &r);
	check_json(&r, "created", "1");
	check_json(&r, "skipped", "1");
	result_free(&r);
	/* update: the card's fields replace, its lists add */
	import(h, AS_EMPLOYEE, "on_duplicate=update",
	       "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dirk Dubbel-Jansen\r\nN:Dubbel-Jansen;Dirk;;;\r\n"
	       "EMAIL:dirk@dubbel.example\r\nEMAIL:d.dubbel@werk.example\r\nTEL:0611112222\r\n"
	       "TEL;TYPE=WORK:030 999 8888\r\nTITLE:Directeur\r\nCATEGORIES:Nieuw,oud\r\n"
	       "END:VCARD\r\n",
	       &r);
	check_status(&r, 200);
	check_json(&r, "updated", "1");
	check_json(&r, "created", "0");
	check_json(&r, "preview.0.action", "update");
	assert_int_equal(json_int_at(&r, "preview.0.id"), dirk);
	result_free(&r);
	get_rel(h, AS_EMPLOYEE, dirk, &g);
	check_json(&g, "name", "Dirk Dubbel-Jansen");
	check_json(&g, "family_name", "Dubbel-Jansen");
	check_json(&g, "job_title", "Directeur");
	assert_int_equal(json_array_size(jpath(g.json, "emails")), 2);
	check_json(&g, "emails.1.value", "d.dubbel@werk.example");
	assert_int_equal(json_array_size(jpath(g.json, "phones")), 2);
	check_json(&g, "phones.0.value", "06-11112222");
	check_json(&g, "phones.1.value", "030 999 8888");
	assert_int_equal(json_array_size(jpath(g.json, "tags")), 2);
	check_json(&g, "tags.0", "Nieuw");
	check_json(&g, "tags.1", "Oud");
	result_free(&g);
	/* a dry run of an update changes nothing */
	import(h, AS_EMPLOYEE, "on_duplicate=update&dry_run=true",
	       "BEGIN:VCARD\r\nFN:Iemand Anders\r\nEMAIL:dirk@dubbel.example\r\nEND:VCARD\r\n", &r);
	check_json(&r, "updated", "1");
	result_free(&r);
	get_rel(h, AS_EMPLOYEE, dirk, &g);
	check_json(&g, "name", "Dirk Dubbel-Jansen");
	result_free(&g);
}

static void test_other_org(void **state)
{
	struct harness *h = *state;
	struct result r, g;
	h_call(h, AS_OTHER, "POST", "/api/v1/relations", NULL,
	       "{\"kind\":\"person\",\"name\":\"Gedeeld Adres\",\"job_title\":\"Koster\","
	       "\"emails\":[{\"value\":\"gedeeld@example.nl\"}]}",
	       NULL, &r);
	check_status(&r, 201);
	int64_t theirs = json_int_at(&r, "id");
	result_free(&r);
	int64_t other_before = relations_total(h, AS_OTHER);
	/* org 1 imports the same address with update: its own new relation */
	import(h, AS_EMPLOYEE, "on_duplicate=update",
	       "BEGIN:VCARD\r\nFN:Gedeeld Adres\r\nTITLE:Overgenomen\r\nORG:Elders B.V.\r\n"
	       "EMAIL:gedeeld@example.nl\r\nEND:VCARD\r\n",
	       &r);
	check_status(&r, 200);
	check_json(&r, "created", "1");
	check_json(&r, "updated", "0");
	check_json(&r, "organisations_created", "1");
	int64_t upload_probe = json_int_at(&r, "preview.0.id");
	result_free(&r);
	get_rel(h, AS_OTHER, theirs, &g);
	check_json(&g, "job_title", "Koster");
	check_json(&g, "parent_id", "null");
	result_free(&g);
	assert_int_equal(relations_total(h, AS_OTHER), other_before);
	/* org 1's relation is not org 2's */
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/relations/%lld", (long long)upload_probe);
	h_call(h, AS_OTHER, "GET", path, NULL, NULL, NULL, &r);
	check_status(&r, 404);
	result_free(&r);
	/* nor is a kept upload */
	import(h, AS_EMPLOYEE, "dry_run=1", "BEGIN:VCARD\r\nFN:Bewaard\r\nEND:VCARD\r\n", &r);
	check_status(&r, 200);
	char body[96];
	snprintf(body, sizeof(body), "{\"upload_id\":%lld}", (long long)json_int_at(&r, "upload_id"));
	result_free(&r);
	h_call(h, AS_OTHER, "POST", "/api/v1/relations/import-vcard", NULL, body, NULL, &r);
	check_status(&r, 404);
	result_free(&r);
	/* nor another user's of the same organisation */
	h_call(h, AS_MANAGER, "POST", "/api/v1/relations/import-vcard", NULL, body, NULL, &r);
	check_status(&r, 404);
	result_free(&r);
}

/* ---- preview and confirmation ---- */

static void test_dry_run_then_confirm(void **state)
{
	struct harness *h = *state;
	int64_t before = relations_total(h, AS_EMPLOYEE);
	struct result r;
	import(h, AS_EMPLOYEE, "dry_run=1&on_duplicate=update",
	       "BEGIN:VCARD\r\nFN:Later Bevestigd\r\nEMAIL:later@example.nl\r\nEND:VCARD\r\n", &r);
	check_status(&r, 200);
	check_json(&r, "dry_run", "true");
	check_json(&r, "created", "1");
	check_json(&r, "preview.0.action", "create");
	check_json(&r, "preview.0.email", "later@example.nl");
	assert_null(jpath(r.json, "preview.0.id"));
	int64_t upload = json_int_at(&r, "upload_id");
	result_free(&r);
	assert_int_equal(relations_total(h, AS_EMPLOYEE), before);
	char body[96];
	snprintf(body, sizeof(body), "{\"upload_id\":%lld}", (long long)upload);
	h_call(h, AS_EMPLOYEE, "POST", "/api/v1/relations/import-vcard", NULL, body, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "dry_run", "false");
	check_json(&r, "created", "1");
	result_free(&r);
	assert_int_equal(relations_total(h, AS_EMPLOYEE), before + 1);
	/* used once */
	h_call(h, AS_EMPLOYEE, "POST", "/api/v1/relations/import-vcard", NULL, body, NULL, &r);
	check_status(&r, 404);
	check_json(&r, "message", "Dit bestand is er niet meer: kies het opnieuw.");
	result_free(&r);
}

static void test_multipart(void **state)
{
	struct harness *h = *state;
	char body[2048];
	snprintf(body, sizeof(body),
		 "--XyZ\r\nContent-Disposition: form-data; name=\"dry_run\"\r\n\r\n1\r\n"
		 "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"contacts.vcf\"\r\n"
		 "Content-Type: text/vcard\r\n\r\n%s\r\n--XyZ--\r\n",
		 android);
	struct result r;
	h_call(h, AS_EMPLOYEE, "POST", "/api/v1/relations/import-vcard",
	       "multipart/form-data; boundary=XyZ", body, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "dry_run", "true");
	check_json(&r, "filename", "contacts.vcf");
	/* René is there already (test_android): a duplicate */
	check_json(&r, "skipped", "1");
	assert_non_null(jpath(r.json, "upload_id"));
	result_free(&r);
}

static void test_bad_input(void **state)
{
	struct harness *h = *state;
	char *huge = calloc(1, 64);
	snprintf(huge, 64, "BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n");
	const struct http_case cases[] = {
		{AS_ANON, "POST", "/api/v1/relations/import-vcard", "text/vcard", google, NULL, 401,
		 "error", "unauthenticated", NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/relations/import-vcard", NULL, NULL, NULL, 422,
		 "fields.file", "Kies een vCard-bestand.", NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/relations/import-vcard", NULL, "{}", NULL, 422,
		 "fields.file", NULL, NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/relations/import-vcard", NULL, "[1]", NULL, 400,
		 "error", "bad_request", NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/relations/import-vcard", "text/vcard",
		 "Naam;Telefoon\r\nJan;0612345678\r\n", NULL, 422, "fields.file",
		 "In dit bestand staan geen vCards.", NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/relations/import-vcard?on_duplicate=merge",
		 "text/vcard", google, NULL, 422, "fields.on_duplicate", NULL, NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/relations/import-vcard", NULL, "{\"dry_run\":\"yes\"}",
		 NULL, 422, "fields.dry_run", NULL, NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/relations/import-vcard", NULL, "{\"upload_id\":999999}",
		 NULL, 404, "error", "not_found", NULL},
		/* the form is a page: under /api/v1 this is a relation's address */
		{AS_EMPLOYEE, "GET", "/api/v1/relations/import-vcard", NULL, NULL, NULL, 404, "error",
		 "not_found", NULL},
	};
	run_http_cases(h, cases, N(cases));
	/* over the route's 20 MiB: refused before anything is read */
	struct h_req rq = {.who = AS_EMPLOYEE, .method = "POST",
			   .target = "/api/v1/relations/import-vcard", .ctype = "text/vcard",
			   .body = huge, .body_too_big = true};
	struct result r;
	h_send(h, &rq, &r);
	check_status(&r, 413);
	result_free(&r);
	free(huge);
}

/* The pages: upload, preview, confirm, the counts after the redirect; a
 * refused confirmation shows the preview again. */
static void test_pages(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_SESSION, "GET", "/relations/import-vcard", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "enctype=\"multipart/form-data\"");
	check_body(&r, "name=\"file\"");
	result_free(&r);
	int64_t before = relations_total(h, AS_EMPLOYEE);
	char body[2048];
	snprintf(body, sizeof(body),
		 "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"kapot.vcf\"\r\n"
		 "Content-Type: text/x-vcard\r\n\r\n%s\r\n--b0undary--\r\n",
		 broken);
	h_call(h, AS_SESSION, "POST", "/relations/import-vcard",
	       "multipart/form-data; boundary=b0undary", body, NULL, &r);
	check_status(&r, 200);
	assert_string_equal(r.content_type, "text/html; charset=utf-8");
	check_body(&r, "Wat er zou gebeuren: kapot.vcf");
	check_body(&r, "<td>Eerste Kaart</td>");
	check_body(&r, "Regel 10: BEGIN:VCARD inside the card begun on line 6");
	const char *id = strstr(r.body, "name=\"upload_id\" value=\"");
	assert_non_null(id);
	char upload[32];
	snprintf(upload, sizeof(upload), "%.*s", (int)strcspn(id + 24, "\""), id + 24);
	result_free(&r);
	assert_int_equal(relations_total(h, AS_EMPLOYEE), before);
	/* confirmed without skip_invalid: refused, the preview again */
	char form[128];
	snprintf(form, sizeof(form), "upload_id=%s&on_duplicate=skip", upload);
	h_form(h, AS_SESSION, NULL, "/relations/import-vcard", form, &r);
	check_status(&r, 422);
	check_body(&r, "Er zijn afgekeurde kaarten.");
	check_body(&r, upload);
	result_free(&r);
	assert_int_equal(relations_total(h, AS_EMPLOYEE), before);
	/* previewed again with other choices, then confirmed with them */
	snprintf(form, sizeof(form), "upload_id=%s&on_duplicate=update&skip_invalid=1&dry_run=1",
		 upload);
	h_form(h, AS_SESSION, NULL, "/relations/import-vcard", form, &r);
	check_status(&r, 200);
	check_body(&r, "value=\"update\" checked");
	result_free(&r);
	snprintf(form, sizeof(form), "upload_id=%s&on_duplicate=update&skip_invalid=1", upload);
	h_form(h, AS_SESSION, NULL, "/relations/import-vcard", form, &r);
	check_status(&r, 303);
	/* Eerste and Derde exist from test_broken_card: updated */
	assert_string_equal(r.location, "/relations/import-vcard?created=0&updated=2&skipped=0");
	result_free(&r);
	h_call(h, AS_SESSION, "GET", "/relations/import-vcard?created=0&updated=2&skipped=0", NULL,
	       NULL, NULL, &r);
	check_body(&r, "Bijgewerkt 2");
	result_free(&r);
	/* an empty choice of file is a message on the form */
	h_call(h, AS_SESSION, "POST", "/relations/import-vcard",
	       "multipart/form-data; boundary=b0undary",
	       "--b0undary\r\nContent-Disposition: form-data; name=\"on_duplicate\"\r\n\r\n"
	       "skip\r\n--b0undary--\r\n",
	       NULL, &r);
	check_status(&r, 422);
	check_body(&r, "Kies een vCard-bestand.");
	result_free(&r);
}

static void test_audit(void **state)
{
	struct harness *h = *state;
	const struct api_case cases[] = {
		{AS_ADMIN, "GET", "/api/v1/audit?action=relation.import_vcard&limit=1", NULL, 200,
		 "items.0.details.updated", "2"},
		{AS_ADMIN, "GET", "/api/v1/audit?action=relation.import_vcard&limit=1", NULL, 200,
		 "items.0.details.rejected", "1"},
	};
	run_cases(h, cases, N(cases));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_google),
		cmocka_unit_test(test_outlook),
		cmocka_unit_test(test_apple),
		cmocka_unit_test(test_android),
		cmocka_unit_test(test_thunderbird),
		cmocka_unit_test(test_broken_folding),
		cmocka_unit_test(test_broken_card),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_other_org),
		cmocka_unit_test(test_dry_run_then_confirm),
		cmocka_unit_test(test_multipart),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_pages),
		cmocka_unit_test(test_audit),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

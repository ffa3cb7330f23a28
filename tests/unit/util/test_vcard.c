/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for reading vCards (src/util/vcard.c, vcard_card.c, vcard_prop.c):
 * cards as Google, Outlook, Apple, Android and Thunderbird export them,
 * each also written as 4.0 and read back unchanged; folding (normal,
 * inside UTF-8, broken); escapes; charsets; cards broken in the middle of
 * a file, a missing END, garbage and empty input; names, parameters,
 * dates; the caps, and values at the caps read back unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/rc.h"
#include "util/utf8.h"
#include "util/vcard.h"
#include "vcard_fx.h"

/* ---- the clients ---- */

static void test_google_30(void **state)
{
	(void)state;
	struct vcard_list *l = fx_parse_one(fx_google_30);
	const struct vcard *c = &l->cards[0];
	assert_int_equal(c->version, VCARD_V30);
	fx_assert_str(c->fn, "Jan de Vries");
	assert_int_equal(c->name_source, VCARD_NAME_FN);
	fx_assert_str(c->family, "de Vries");
	fx_assert_str(c->given, "Jan");
	assert_null(c->additional);
	assert_null(c->prefix);
	assert_null(c->suffix);
	assert_int_equal(c->n_nicknames, 1);
	fx_assert_str(c->nicknames[0], "Jantje");
	assert_int_equal(c->n_emails, 3);
	fx_assert_contact(&c->emails[0], "jan.devries@gmail.example", VCARD_TYPE_HOME, 0, NULL);
	fx_assert_contact(&c->emails[1], "j.devries@bouwbedrijf-utrecht.example", VCARD_TYPE_WORK, 0,
		       NULL);
	fx_assert_contact(&c->emails[2], "jan@vereniging.example", 0, 0, "Vereniging");
	assert_int_equal(c->n_phones, 2);
	fx_assert_contact(&c->phones[0], "+31 6 12345678", VCARD_TYPE_CELL, 0, NULL);
	fx_assert_contact(&c->phones[1], "030 123 4567", VCARD_TYPE_WORK, 0, NULL);
	assert_int_equal(c->n_adrs, 1);
	fx_assert_adr(&c->adrs[0], "Prinsengracht 263", "Amsterdam", "Noord-Holland", "1016 GV",
		   "Nederland");
	assert_int_equal(c->adrs[0].types, VCARD_TYPE_HOME);
	fx_assert_str(c->org, "Bouwbedrijf Utrecht B.V.");
	assert_null(c->org_unit);
	fx_assert_str(c->title, "Projectleider");
	fx_assert_str(c->bday, "1975-11-02");
	fx_assert_str(c->url, "https://www.bouwbedrijf-utrecht.example");
	fx_assert_str(c->note, "Ontmoet op de Vakbeurs, 2023.\nBellen na 16:00.");
	assert_int_equal(c->n_categories, 2);
	fx_assert_str(c->categories[0], "myContacts");
	fx_assert_str(c->categories[1], "Klanten");
	assert_null(c->lang);
	assert_null(c->uid);
	fx_assert_round_trip(l);
	vcard_list_free(l);
}

static void test_outlook_21(void **state)
{
	(void)state;
	struct vcard_list *l = fx_parse_one(fx_outlook_21);
	const struct vcard *c = &l->cards[0];
	assert_int_equal(c->version, VCARD_V21);
	fx_assert_str(c->fn, "Zo\xC3\xAB M\xC3\xBCller");
	fx_assert_str(c->family, "M\xC3\xBCller");
	fx_assert_str(c->given, "Zo\xC3\xAB");
	fx_assert_str(c->prefix, "Mevr.");
	fx_assert_str(c->lang, "nl"); /* N;LANGUAGE=nl */
	fx_assert_str(c->org, "Gemeente Utrecht");
	fx_assert_str(c->org_unit, "Publiekszaken");
	assert_int_equal(c->n_phones, 2);
	fx_assert_contact(&c->phones[0], "(030) 286 00 00", VCARD_TYPE_WORK | VCARD_TYPE_VOICE, 0,
		       NULL);
	fx_assert_contact(&c->phones[1], "06 98765432", VCARD_TYPE_CELL | VCARD_TYPE_VOICE, 0, NULL);
	assert_int_equal(c->n_adrs, 1);
	fx_assert_adr(&c->adrs[0], "Stadsplateau 1", "Utrecht", NULL, "3521 AZ", "Nederland");
	assert_int_equal(c->adrs[0].types, VCARD_TYPE_WORK);
	assert_int_equal(c->adrs[0].pref, 1);
	assert_int_equal(c->n_emails, 1);
	fx_assert_contact(&c->emails[0], "z.muller@utrecht.example", 0, 1, NULL);
	/* =80 is the euro sign in Windows-1252; the soft breaks join */
	fx_assert_str(c->note, "Terugbellen over de aanvraag van \xE2\x82\xAC 250,-.\nZe is op dinsdag "
			    "en donderdag op kantoor.");
	fx_assert_str(c->rev, "20260115T101500Z");
	fx_assert_round_trip(l);
	vcard_list_free(l);
}

static void test_apple_30(void **state)
{
	(void)state;
	struct vcard_list *l = fx_parse_one(fx_apple_30);
	const struct vcard *c = &l->cards[0];
	fx_assert_str(c->fn, "Zo\xC3\xAB Bakker");
	fx_assert_str(c->org, "Bakker & Zonen");
	assert_null(c->org_unit);
	assert_int_equal(c->n_emails, 2);
	fx_assert_contact(&c->emails[0], "zoe@bakkerenzonen.example", 0, 1, "Other");
	fx_assert_contact(&c->emails[1], "info@bakkerenzonen.example", VCARD_TYPE_WORK, 0, NULL);
	assert_int_equal(c->n_phones, 3);
	fx_assert_contact(&c->phones[0], "+31 6 11223344", VCARD_TYPE_CELL | VCARD_TYPE_VOICE, 1,
		       NULL);
	fx_assert_contact(&c->phones[1], "+31 6 55667788", VCARD_TYPE_CELL | VCARD_TYPE_VOICE, 0,
		       NULL);
	fx_assert_contact(&c->phones[2], "030 234 5678", 0, 0, "Winkel");
	assert_int_equal(c->n_adrs, 1);
	fx_assert_adr(&c->adrs[0], "Oudegracht 158", "Utrecht", NULL, "3511 AZ", "Nederland");
	assert_int_equal(c->adrs[0].pref, 1);
	assert_null(c->adrs[0].label);
	fx_assert_str(c->url, "https://bakkerenzonen.example");
	fx_assert_str(c->bday, "--05-17"); /* 1604 is Apple's "no year" */
	fx_assert_round_trip(l);
	vcard_list_free(l);
}

static void test_android_21(void **state)
{
	(void)state;
	struct vcard_list *l = fx_parse_one(fx_android_21);
	const struct vcard *c = &l->cards[0];
	fx_assert_str(c->fn, "Zo\xC3\xAB M\xC3\xBCller");
	fx_assert_str(c->family, "M\xC3\xBCller");
	fx_assert_str(c->given, "Zo\xC3\xAB");
	assert_int_equal(c->n_phones, 2);
	fx_assert_contact(&c->phones[0], "+31612345678", VCARD_TYPE_CELL, 0, NULL);
	fx_assert_contact(&c->phones[1], "0302345678", VCARD_TYPE_HOME, 0, NULL);
	fx_assert_contact(&c->emails[0], "zoe.muller@example.nl", VCARD_TYPE_HOME, 0, NULL);
	fx_assert_adr(&c->adrs[0], "Biltstraat 12", "Utrecht", NULL, "3572 AB", "Nederland");
	/* =C3=<soft break>=AB is one character */
	fx_assert_str(c->note, "Heeft een hond: Bo\xC3\xAB is de naam.");
	fx_assert_round_trip(l);
	vcard_list_free(l);
}

static void test_thunderbird_40(void **state)
{
	(void)state;
	struct vcard_list *l = fx_parse_one(fx_thunderbird_40);
	const struct vcard *c = &l->cards[0];
	assert_int_equal(c->version, VCARD_V40);
	fx_assert_str(c->fn, "Jan de Vries");
	fx_assert_contact(&c->emails[0], "jan@devries.example", 0, 1, NULL);
	fx_assert_contact(&c->emails[1], "j.de.vries@amsterdam.example", VCARD_TYPE_WORK, 0, NULL);
	assert_int_equal(c->n_phones, 3);
	fx_assert_contact(&c->phones[0], "020 123 4567", VCARD_TYPE_WORK | VCARD_TYPE_VOICE, 0, NULL);
	fx_assert_contact(&c->phones[1], "06 1234 5678", VCARD_TYPE_CELL, 0, NULL);
	fx_assert_contact(&c->phones[2], "+31 20 555 0123", VCARD_TYPE_HOME, 0, NULL);
	fx_assert_adr(&c->adrs[0], "Stationsplein 1", "Amsterdam", NULL, "1012 AB", "Nederland");
	fx_assert_str(c->note, "Eerste regel\nTweede regel met ; en , erin");
	fx_assert_str(c->lang, "nl-NL");
	fx_assert_str(c->org, "Gemeente Amsterdam");
	fx_assert_str(c->org_unit, "Dienst ICT");
	fx_assert_str(c->bday, "1980-05-17");
	fx_assert_str(c->url, "https://www.amsterdam.example");
	fx_assert_str(c->uid, "8e2a6bd0-3c56-4a3b-9d1f-1f6c2a7b9e11");
	fx_assert_str(c->rev, "20260201T083000Z");
	fx_assert_round_trip(l);
	vcard_list_free(l);
}

/* ---- lines ---- */

static void test_folding(void **state)
{
	(void)state;
	struct vcard_list *l = fx_parse_one(
		"BEGIN:VCARD\r\nVERSION:4.0\r\n"
		/* RFC 6350 3.2: the one space or tab goes, nothing else */
		"FN:Jan de \r\n Vries\r\n"
		"NOTE:Klant sinds 2019; belt liever\r\n\t dan dat hij mailt\r\n"
		/* a fold inside the two bytes of e-diaeresis */
		"N:Bakker;Zo\xC3\r\n \xAB;;;\r\n"
		/* a fold inside the name and the parameters */
		"EM\r\n AIL;TY\r\n PE=work:zoe@example.nl\r\n"
		"END:VCARD\r\n");
	const struct vcard *c = &l->cards[0];
	fx_assert_str(c->fn, "Jan de Vries");
	fx_assert_str(c->note, "Klant sinds 2019; belt liever dan dat hij mailt");
	fx_assert_str(c->given, "Zo\xC3\xAB");
	assert_int_equal(c->n_emails, 1);
	fx_assert_contact(&c->emails[0], "zoe@example.nl", VCARD_TYPE_WORK, 0, NULL);
	vcard_list_free(l);

	/* LF only, and CR only (classic Mac OS), read the same */
	const char *ends[] = {"\n", "\r"};
	for (size_t i = 0; i < N(ends); i++) {
		char text[256];
		snprintf(text, sizeof(text), "BEGIN:VCARD%sFN:M\xC3\xBC%s ller%sEND:VCARD%s", ends[i],
			 ends[i], ends[i], ends[i]);
		l = fx_parse_one(text);
		fx_assert_str(l->cards[0].fn, "M\xC3\xBCller");
		vcard_list_free(l);
	}
}

static void test_broken_folding(void **state)
{
	(void)state;
	/* A writer that forgot the space, and raw newlines inside a NOTE:
	 * a line without ':' belongs to the property before it. A line that
	 * looks like a property ("Opmerking: ...") is one, and ignored. */
	struct vcard_list *l = fx_parse_one("BEGIN:VCARD\r\n"
					 "VERSION:3.0\r\n"
					 "FN:Jan de Vri\r\n"
					 "es\r\n"
					 "NOTE:Eerste regel.\r\n"
					 " Nog steeds de notitie\r\n"
					 "zonder spatie ervoor\r\n"
					 "Opmerking: dit is een nieuwe eigenschap\r\n"
					 "TEL:030 123 4567\r\n"
					 "END:VCARD\r\n");
	const struct vcard *c = &l->cards[0];
	fx_assert_str(c->fn, "Jan de Vries");
	fx_assert_str(c->note, "Eerste regel.Nog steeds de notitiezonder spatie ervoor");
	assert_int_equal(c->n_phones, 1);
	vcard_list_free(l);

	/* Garbage after BEGIN or END does not swallow the card's edges. */
	l = fx_parse("BEGIN:VCARD\r\n"
		  "#&^%$ rommel\r\n"
		  "FN:Zo\xC3\xAB\r\n"
		  "END:VCARD\r\n"
		  "meer rommel\r\n"
		  "BEGIN:VCARD\r\nFN:Jan\r\nEND:VCARD\r\n");
	assert_int_equal(l->n_cards, 2);
	fx_assert_str(l->cards[0].fn, "Zo\xC3\xAB");
	fx_assert_str(l->cards[1].fn, "Jan");
	assert_int_equal(l->n_errors, 2);
	fx_assert_error(l, 0, 2, 1, false, "not a property");
	fx_assert_error(l, 1, 5, 0, false, "outside");
	vcard_list_free(l);
}

static void test_escapes(void **state)
{
	(void)state;
	struct vcard_list *l = fx_parse_one(
		"BEGIN:VCARD\r\nVERSION:3.0\r\n"
		"FN:Vries\\, Jan de\r\n"
		"N:de Vries\\;Jansen;Jan;;;\r\n"
		"NOTE:regel 1\\nregel 2\\Nregel 3 \\\\ C:\\Users\\jan \\: \\x\r\n"
		"CATEGORIES:Klanten\\, groot,Leveranciers,,Klanten\\, groot, Partners \r\n"
		"ORG:Müller\\; Zn.;Inkoop;Noord\r\n"
		"ADR:;;Kerkstraat 1\\nachterom;Utrecht;;;\r\n"
		"END:VCARD\r\n");
	const struct vcard *c = &l->cards[0];
	fx_assert_str(c->fn, "Vries, Jan de");
	fx_assert_str(c->family, "de Vries;Jansen");
	fx_assert_str(c->given, "Jan");
	/* unknown escapes keep their backslash */
	fx_assert_str(c->note, "regel 1\nregel 2\nregel 3 \\ C:\\Users\\jan : \\x");
	assert_int_equal(c->n_categories, 3);
	fx_assert_str(c->categories[0], "Klanten, groot");
	fx_assert_str(c->categories[1], "Leveranciers");
	fx_assert_str(c->categories[2], "Partners");
	fx_assert_str(c->org, "Müller; Zn.");
	fx_assert_str(c->org_unit, "Inkoop, Noord");
	fx_assert_str(c->adrs[0].street, "Kerkstraat 1\nachterom");
	fx_assert_round_trip(l);
	vcard_list_free(l);
}

/* ---- structure and errors ---- */

static void test_several_cards_one_broken(void **state)
{
	(void)state;
	struct vcard_list *l = fx_parse("BEGIN:VCARD\r\n"	    /* 1 */
				     "VERSION:3.0\r\n"	    /* 2 */
				     "FN:Jan de Vries\r\n"  /* 3 */
				     "END:VCARD\r\n"	    /* 4 */
				     "\r\n"		    /* 5 */
				     "BEGIN:VCARD\r\n"	    /* 6 */
				     "VERSION:3.0\r\n"	    /* 7 */
				     "FN:Piet Jansen\r\n"   /* 8: no END */
				     "BEGIN:VCARD\r\n"	    /* 9 */
				     "VERSION:3.0\r\n"	    /* 10 */
				     "FN:Zo\xC3\xAB Bakker\r\n" /* 11 */
				     "END:VCARD\r\n"	    /* 12 */
				     "END:VCARD\r\n"	    /* 13 */
				     "BEGIN:VCARD\r\n"	    /* 14 */
				     "FN:Anna M\xC3\xBCller\r\n"
				     "END:VCARD\r\n");
	assert_int_equal(l->n_cards, 3);
	fx_assert_str(l->cards[0].fn, "Jan de Vries");
	fx_assert_str(l->cards[1].fn, "Zo\xC3\xAB Bakker");
	fx_assert_str(l->cards[2].fn, "Anna M\xC3\xBCller");
	/* each card knows where it begins and which it is */
	assert_int_equal(l->cards[0].line, 1);
	assert_int_equal(l->cards[0].card_no, 1);
	assert_int_equal(l->cards[1].line, 9);
	assert_int_equal(l->cards[1].card_no, 3);
	assert_int_equal(l->cards[2].line, 14);
	assert_int_equal(l->cards[2].card_no, 4);
	assert_int_equal(l->n_dropped, 1);
	assert_int_equal(l->n_errors, 2);
	fx_assert_error(l, 0, 9, 2, true, "inside the card begun on line 6");
	fx_assert_error(l, 1, 13, 0, false, "END:VCARD without BEGIN:VCARD");
	vcard_list_free(l);
}

static void test_missing_end(void **state)
{
	(void)state;
	struct vcard_list *l = fx_parse("BEGIN:VCARD\nFN:Jan de Vries\nEND:VCARD\n"
				     "BEGIN:VCARD\nFN:Piet Jansen\nTEL:06 12345678\n");
	assert_int_equal(l->n_cards, 1);
	fx_assert_str(l->cards[0].fn, "Jan de Vries");
	assert_int_equal(l->n_errors, 1);
	fx_assert_error(l, 0, 4, 2, true, "the card begun on line 4 has no END:VCARD");
	assert_int_equal(l->n_dropped, 1);
	vcard_list_free(l);
}

static void test_garbage(void **state)
{
	(void)state;
	/* Random bytes, NULs included, outside and inside cards. */
	uint32_t x = 12345;
	char junk[4096];
	for (int round = 0; round < 50; round++) {
		for (size_t i = 0; i < sizeof(junk); i++) {
			x = x * 1103515245u + 12345u;
			junk[i] = (char)(x >> 16);
		}
		struct vcard_list *l = fx_parse_len(junk, sizeof(junk));
		vcard_list_free(l);
		char text[8192];
		int k = snprintf(text, sizeof(text), "BEGIN:VCARD\r\nFN:");
		memcpy(text + k, junk, 2048);
		k += 2048;
		k += snprintf(text + k, sizeof(text) - (size_t)k, "\r\nEND:VCARD\r\n");
		l = fx_parse_len(text, (size_t)k);
		vcard_list_free(l);
	}
	/* A binary file with no card at all says so once. */
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
	struct vcard_list *l = fx_parse_len(png, sizeof(png) - 1);
	assert_int_equal(l->n_cards, 0);
	assert_int_equal(l->n_errors, 1);
	fx_assert_error(l, 0, 1, 0, false, "outside");
	vcard_list_free(l);
	/* NULs inside a value go */
	static const char nul[] = "BEGIN:VCARD\nFN:Jan\0 de\0 Vries\nEND:VCARD\n";
	l = fx_parse_len(nul, sizeof(nul) - 1);
	assert_int_equal(l->n_cards, 1);
	fx_assert_str(l->cards[0].fn, "Jan de Vries");
	vcard_list_free(l);
}

static void test_empty(void **state)
{
	(void)state;
	const char *inputs[] = {"", "\r\n\r\n  \r\n\t\n", "\xEF\xBB\xBF", "\xEF\xBB\xBF\r\n"};
	for (size_t i = 0; i < N(inputs); i++) {
		struct vcard_list *l = fx_parse(inputs[i]);
		assert_int_equal(l->n_cards, 0);
		assert_int_equal(l->n_errors, 0);
		vcard_list_free(l);
	}
	struct vcard_list *l = NULL;
	assert_int_equal(vcard_parse(NULL, 0, &l), 0);
	assert_int_equal(l->n_cards, 0);
	vcard_list_free(l);
	vcard_list_free(NULL);
	vcard_cleanup(NULL);
	/* a card with nothing to name it by is dropped, with the reason */
	l = fx_parse("BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:alleen een notitie\r\nEND:VCARD\r\n");
	assert_int_equal(l->n_cards, 0);
	fx_assert_error(l, 0, 4, 1, true, "no FN, N, ORG, EMAIL or TEL");
	vcard_list_free(l);
}

/* ---- charsets ---- */

static void test_charsets(void **state)
{
	(void)state;
	/* A whole file saved as Windows-1252 without CHARSET. */
	struct vcard_list *l = fx_parse_one("BEGIN:VCARD\r\nVERSION:3.0\r\n"
					 "FN:Zo\xEB M\xFC"
					 "ller\r\n"
					 "NOTE:\x93"
					 "Afspraak\x94 \x96 \x80"
					 "50\r\n"
					 "END:VCARD\r\n");
	fx_assert_str(l->cards[0].fn, "Zo\xC3\xAB M\xC3\xBCller");
	fx_assert_str(l->cards[0].note,
		   "\xE2\x80\x9C"
		   "Afspraak\xE2\x80\x9D \xE2\x80\x93 \xE2\x82\xAC"
		   "50");
	vcard_list_free(l);

	/* UTF-8 with a byte order mark */
	l = fx_parse_one("\xEF\xBB\xBF"
		      "BEGIN:VCARD\r\nFN:Zo\xC3\xAB\r\nEND:VCARD\r\n");
	fx_assert_str(l->cards[0].fn, "Zo\xC3\xAB");
	vcard_list_free(l);

	/* Declared charsets, raw and quoted-printable */
	l = fx_parse_one("BEGIN:VCARD\r\nVERSION:2.1\r\n"
		      "FN;CHARSET=ISO-8859-1:Zo\xEB\r\n"
		      "NOTE;CHARSET=ISO-8859-15;ENCODING=QUOTED-PRINTABLE:=A4 5\r\n"
		      "TITLE;CHARSET=\"utf-8\";ENCODING=QUOTED-PRINTABLE:Co=C3=B6rdinator\r\n"
		      "ROLE;CHARSET=UTF-8:Gr\xE9"
		      "ve\r\n" /* says UTF-8 but is not: read as Windows-1252 */
		      "ORG;CHARSET=Shift_JIS:Plain ASCII B.V.\r\n"
		      "END:VCARD\r\n");
	const struct vcard *c = &l->cards[0];
	fx_assert_str(c->fn, "Zo\xC3\xAB");
	fx_assert_str(c->note, "\xE2\x82\xAC 5");
	fx_assert_str(c->title, "Co\xC3\xB6rdinator");
	fx_assert_str(c->role, "Gr\xC3\xA9ve");
	fx_assert_str(c->org, "Plain ASCII B.V.");
	vcard_list_free(l);

	/* An unknown charset with bytes to convert: that property goes. */
	l = fx_parse("BEGIN:VCARD\r\nVERSION:2.1\r\n"
		  "FN:Yamada\r\n"
		  "NOTE;CHARSET=Shift_JIS:\x93\xfa\x96\x7b\r\n"
		  "TITLE;ENCODING=BASE64:SGFsbG8=\r\n"
		  "ROLE;ENCODING=UUENCODE:xyz\r\n"
		  "END:VCARD\r\n");
	assert_int_equal(l->n_cards, 1);
	assert_null(l->cards[0].note);
	assert_null(l->cards[0].title);
	assert_int_equal(l->n_errors, 3);
	fx_assert_error(l, 0, 4, 1, false, "NOTE: charset \"Shift_JIS\" is not supported");
	fx_assert_error(l, 1, 5, 1, false, "TITLE: encoding base64");
	fx_assert_error(l, 2, 6, 1, false, "ROLE: encoding \"UUENCODE\" is not supported");
	vcard_list_free(l);

	/* A soft break on the last line does not swallow END:VCARD */
	l = fx_parse_one("BEGIN:VCARD\r\nVERSION:2.1\r\nFN;ENCODING=QUOTED-PRINTABLE:Jan=\r\n"
		      "END:VCARD\r\n");
	fx_assert_str(l->cards[0].fn, "Jan");
	vcard_list_free(l);

	/* Control characters and a lone CR in quoted-printable */
	l = fx_parse_one("BEGIN:VCARD\r\nFN;ENCODING=QUOTED-PRINTABLE:Jan=00=07=7F de=0DVries=\r\n"
		      "\r\nEND:VCARD\r\n");
	fx_assert_str(l->cards[0].fn, "Jan de\nVries");
	vcard_list_free(l);
}

/* ---- names, parameters, dates ---- */

static void test_name_fallback(void **state)
{
	(void)state;
	static const struct {
		const char *body, *fn;
		enum vcard_name_source source;
	} cases[] = {
		{"N:de Vries;Jan;;dhr.;\r\n", "dhr. Jan de Vries", VCARD_NAME_N},
		{"FN: \r\nN:M\xC3\xBCller;Anna;Maria;;MSc\r\n", "Anna Maria M\xC3\xBCller MSc",
		 VCARD_NAME_N},
		{"N:;;;;\r\nORG:Gemeente Utrecht;Publiekszaken\r\n", "Gemeente Utrecht",
		 VCARD_NAME_ORG},
		{"ORG:;Publiekszaken\r\n", "Publiekszaken", VCARD_NAME_ORG},
		{"TEL:030 1234\r\nEMAIL:info@vries.example\r\n", "info@vries.example",
		 VCARD_NAME_EMAIL},
		{"TEL;TYPE=cell:06 12345678\r\n", "06 12345678", VCARD_NAME_TEL},
	};
	for (size_t i = 0; i < N(cases); i++) {
		char text[512];
		snprintf(text, sizeof(text), "BEGIN:VCARD\r\nVERSION:3.0\r\n%sEND:VCARD\r\n",
			 cases[i].body);
		struct vcard_list *l = fx_parse_one(text);
		fx_assert_str(l->cards[0].fn, cases[i].fn);
		assert_int_equal(l->cards[0].name_source, cases[i].source);
		fx_assert_round_trip(l);
		vcard_list_free(l);
	}
}

static void test_params(void **state)
{
	(void)state;
	struct vcard_list *l = fx_parse_one(
		"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jan\r\n"
		"TEL;TYPE=work,voice:1\r\n"
		"TEL;TYPE=work;TYPE=fax:2\r\n"
		"TEL;type=\"HOME,CELL\";PREF=3:3\r\n"
		"TEL;TYPE=\"work\",\"text\":4\r\n"
		"TEL;WORK;PAGER;PREF:5\r\n"
		"TEL;TYPE=cell;TYPE=pref;PREF=7:6\r\n"
		"TEL;PREF=0;TYPE=x-custom,iphone:7\r\n"
		"TEL;X-PARAM=\"a;b:c\";TYPE=video:8\r\n"
		"tel; type = home :9\r\n"
		"TEL;TYPE=work;VALUE=uri:tel:+31-30-123-4567;ext=89\r\n"
		"TEL;VALUE=uri:sip:jan@voip.example\r\n"
		"END:VCARD\r\n");
	const struct vcard *c = &l->cards[0];
	assert_int_equal(c->n_phones, 11);
	fx_assert_contact(&c->phones[0], "1", VCARD_TYPE_WORK | VCARD_TYPE_VOICE, 0, NULL);
	fx_assert_contact(&c->phones[1], "2", VCARD_TYPE_WORK | VCARD_TYPE_FAX, 0, NULL);
	fx_assert_contact(&c->phones[2], "3", VCARD_TYPE_HOME | VCARD_TYPE_CELL, 3, NULL);
	fx_assert_contact(&c->phones[3], "4", VCARD_TYPE_WORK | VCARD_TYPE_TEXT, 0, NULL);
	fx_assert_contact(&c->phones[4], "5", VCARD_TYPE_WORK | VCARD_TYPE_PAGER, 1, NULL);
	fx_assert_contact(&c->phones[5], "6", VCARD_TYPE_CELL, 7, NULL);
	fx_assert_contact(&c->phones[6], "7", 0, 0, NULL);
	fx_assert_contact(&c->phones[7], "8", VCARD_TYPE_VIDEO, 0, NULL);
	fx_assert_contact(&c->phones[8], "9", VCARD_TYPE_HOME, 0, NULL);
	fx_assert_contact(&c->phones[9], "+31 30 123 4567 ext. 89", VCARD_TYPE_WORK, 0, NULL);
	fx_assert_contact(&c->phones[10], "sip:jan@voip.example", 0, 0, NULL);
	fx_assert_round_trip(l);
	vcard_list_free(l);
}

static void test_dates_uid_lang(void **state)
{
	(void)state;
	static const struct {
		const char *line, *bday, *rev, *uid, *lang;
	} cases[] = {
		{"BDAY:1980-05-17", "1980-05-17", NULL, NULL, NULL},
		{"BDAY:19800517", "1980-05-17", NULL, NULL, NULL},
		{"BDAY:--0517", "--05-17", NULL, NULL, NULL},
		{"BDAY:--05-17", "--05-17", NULL, NULL, NULL},
		{"BDAY:1980-05-17T00:00:00Z", "1980-05-17", NULL, NULL, NULL},
		{"BDAY:2000-02-29", "2000-02-29", NULL, NULL, NULL},
		{"BDAY:--0229", "--02-29", NULL, NULL, NULL},
		{"REV:2026-01-15T10:15:00Z", NULL, "20260115T101500Z", NULL, NULL},
		{"REV:20260115T101500.123+01:00", NULL, "20260115T101500+0100", NULL, NULL},
		{"REV:20260115T101500-0500", NULL, "20260115T101500-0500", NULL, NULL},
		{"REV:2026-01-15", NULL, "20260115T000000", NULL, NULL},
		{"UID:urn:uuid:8E2A6BD0-3C56-4A3B-9D1F-1F6C2A7B9E11", NULL, NULL,
		 "8E2A6BD0-3C56-4A3B-9D1F-1F6C2A7B9E11", NULL},
		{"UID:8e2a6bd0-3c56-4a3b-9d1f-1f6c2a7b9e11", NULL, NULL,
		 "8e2a6bd0-3c56-4a3b-9d1f-1f6c2a7b9e11", NULL},
		{"UID:c4f3a1@google.example", NULL, NULL, "c4f3a1@google.example", NULL},
		{"UID:urn:uuid:not-a-uuid", NULL, NULL, "urn:uuid:not-a-uuid", NULL},
		{"LANG;PREF=2:en\r\nLANG;PREF=1:nl", NULL, NULL, NULL, "nl"},
		{"X-LANGUAGE:de\r\nN;LANGUAGE=fr:X", NULL, NULL, NULL, "de"},
		{"LANG:nl-BE\r\nX-LANGUAGE:de", NULL, NULL, NULL, "nl-BE"},
	};
	for (size_t i = 0; i < N(cases); i++) {
		char text[512];
		snprintf(text, sizeof(text), "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jan\r\n%s\r\nEND:VCARD\r\n",
			 cases[i].line);
		struct vcard_list *l = fx_parse_one(text);
		const struct vcard *c = &l->cards[0];
		fx_assert_str(c->bday, cases[i].bday);
		fx_assert_str(c->rev, cases[i].rev);
		fx_assert_str(c->uid, cases[i].uid);
		fx_assert_str(c->lang, cases[i].lang);
		fx_assert_round_trip(l);
		vcard_list_free(l);
	}
	static const char *const bad[] = {
		"BDAY:circa 1800", "BDAY:1980-13-01", "BDAY:2001-02-29", "BDAY:1980-04-31",
		"BDAY:1980",	   "REV:gisteren",    "REV:20261315T000000Z", "LANG:nl_NL",
		"LANG:123",	   "VERSION:5.0",
	};
	for (size_t i = 0; i < N(bad); i++) {
		char text[512];
		snprintf(text, sizeof(text), "BEGIN:VCARD\r\nFN:Jan\r\n%s\r\nEND:VCARD\r\n", bad[i]);
		struct vcard_list *l = fx_parse(text);
		assert_int_equal(l->n_cards, 1);
		assert_null(l->cards[0].bday);
		assert_null(l->cards[0].rev);
		assert_null(l->cards[0].lang);
		assert_int_equal(l->cards[0].version, VCARD_V30);
		assert_int_equal(l->n_errors, 1);
		fx_assert_error(l, 0, 3, 1, false, "");
		vcard_list_free(l);
	}
}

/* KIND (4.0) and what 3.0 clients write for it. */
static void test_kind(void **state)
{
	(void)state;
	static const struct {
		const char *lines, *kind;
	} cases[] = {
		{"VERSION:4.0\r\nKIND:org\r\nFN:Acme B.V.", "org"},
		{"VERSION:4.0\r\nKIND:Individual\r\nFN:Jan", "individual"},
		{"VERSION:4.0\r\nKIND:x-robot\r\nFN:R2", "x-robot"},
		{"VERSION:4.0\r\nKIND:org\r\nKIND:group\r\nFN:Acme", "org"},
		/* Apple: a company's card, and a group */
		{"VERSION:3.0\r\nFN:Acme\r\nORG:Acme;\r\nX-ABShowAs:COMPANY", "org"},
		{"VERSION:3.0\r\nFN:Jan\r\nX-ABShowAs:PERSON", NULL},
		{"VERSION:3.0\r\nFN:Vrienden\r\nX-ADDRESSBOOKSERVER-KIND:group", "group"},
		{"VERSION:3.0\r\nFN:Jan", NULL},
	};
	for (size_t i = 0; i < N(cases); i++) {
		char text[512];
		snprintf(text, sizeof(text), "BEGIN:VCARD\r\n%s\r\nEND:VCARD\r\n", cases[i].lines);
		struct vcard_list *l = fx_parse_one(text);
		fx_assert_str(l->cards[0].kind, cases[i].kind);
		fx_assert_round_trip(l);
		if (cases[i].kind) {
			char *out = fx_write_card(&l->cards[0]);
			char want[96];
			snprintf(want, sizeof(want), "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:%s\r\nFN:",
				 cases[i].kind);
			assert_int_equal(strncmp(out, want, strlen(want)), 0);
			free(out);
		}
		vcard_list_free(l);
	}
	struct vcard_list *l = fx_parse("BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org anisation\r\n"
					"FN:Acme\r\nEND:VCARD\r\n");
	assert_int_equal(l->n_cards, 1);
	assert_null(l->cards[0].kind);
	fx_assert_error(l, 0, 3, 1, false, "KIND: not a kind");
	vcard_list_free(l);
	/* the writer refuses a kind that is not a token */
	struct vcard c = {.fn = "Acme", .kind = "org\r\nX-EVIL:1"};
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(vcard_write(&b, &c), BRUG_EINVAL);
	assert_int_equal(b.len, 0);
	buf_cleanup(&b);
}

static void test_big_photo(void **state)
{
	(void)state;
	/* 8 MiB of base64 in 74-byte folded lines, and 8 MiB on one line:
	 * streamed past, no error, the rest of the card is there. */
	size_t len;
	char *s = fx_repeat("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jan de Vries\r\nPHOTO;ENCODING=b;TYPE=JPEG:",
			 "\r\n /9j/4AAQSkZJRgABAQAASABIAAD/4QBMRXhpZgAATU0AKgAAAAgAAYdpAAQAAAABAAAAG",
			 (8u << 20) / 74, "\r\nTEL:030 123 4567\r\nEND:VCARD\r\n", &len);
	struct vcard_list *l = fx_parse_len(s, len);
	assert_int_equal(l->n_errors, 0);
	assert_int_equal(l->n_cards, 1);
	assert_int_equal(l->cards[0].n_phones, 1);
	vcard_list_free(l);
	free(s);
	s = fx_repeat("BEGIN:VCARD\r\nFN:Jan\r\nPHOTO:", "QUJD", 2u << 20, "\r\nEND:VCARD\r\n", &len);
	l = fx_parse_len(s, len);
	assert_int_equal(l->n_errors, 0);
	assert_int_equal(l->n_cards, 1);
	vcard_list_free(l);
	free(s);
}

static void test_limits(void **state)
{
	(void)state;
	size_t len;
	/* A NOTE over VCARD_LINE_MAX is left out; the card stays. */
	char *s = fx_repeat("BEGIN:VCARD\r\nFN:Jan\r\nNOTE:", "abcdefgh\r\n ", VCARD_LINE_MAX / 8,
			 "\r\nTITLE:Directeur\r\nEND:VCARD\r\n", &len);
	struct vcard_list *l = fx_parse_len(s, len);
	assert_int_equal(l->n_cards, 1);
	assert_null(l->cards[0].note);
	fx_assert_str(l->cards[0].title, "Directeur");
	assert_int_equal(l->n_errors, 1);
	fx_assert_error(l, 0, 3, 1, false, "longer than 256 KiB");
	vcard_list_free(l);
	free(s);

	/* A NOTE over VCARD_VALUE_MAX is cut at a character boundary. */
	s = fx_repeat("BEGIN:VCARD\r\nFN:Jan\r\nNOTE:a", "\xC3\xAB", VCARD_VALUE_MAX / 2,
		   "\r\nEND:VCARD\r\n", &len);
	l = fx_parse_len(s, len);
	assert_int_equal(l->n_cards, 1);
	assert_int_equal(strlen(l->cards[0].note), VCARD_VALUE_MAX - 1);
	fx_assert_error(l, 0, 3, 1, false, "NOTE: value cut at 64 KiB");
	fx_assert_round_trip(l);
	vcard_list_free(l);
	free(s);

	/* More than VCARD_PROPS_MAX EMAILs drop the card, not the next. */
	s = fx_repeat("BEGIN:VCARD\r\nFN:Jan\r\n", "EMAIL:jan@example.nl\r\n", VCARD_PROPS_MAX + 1,
		   "END:VCARD\r\nBEGIN:VCARD\r\nFN:Piet\r\nEND:VCARD\r\n", &len);
	l = fx_parse_len(s, len);
	assert_int_equal(l->n_cards, 1);
	fx_assert_str(l->cards[0].fn, "Piet");
	fx_assert_error(l, 0, 1, 1, true, "more than 2000");
	vcard_list_free(l);
	free(s);

	/* CATEGORIES: duplicates go, at most VCARD_LIST_MAX */
	struct buf b;
	buf_init(&b, 0);
	buf_adds(&b, "BEGIN:VCARD\r\nFN:Jan\r\nCATEGORIES:");
	for (int i = 0; i < 300; i++)
		buf_printf(&b, "%sgroep %d,groep %d", i ? "," : "", i, i);
	buf_adds(&b, "\r\nEND:VCARD\r\n");
	l = fx_parse_len(buf_str(&b), b.len);
	assert_int_equal(l->cards[0].n_categories, VCARD_LIST_MAX);
	fx_assert_str(l->cards[0].categories[255], "groep 255");
	fx_assert_error(l, 0, 3, 1, false, "more than 256");
	fx_assert_round_trip(l);
	vcard_list_free(l);
	buf_cleanup(&b);

	/* More than VCARD_CARDS_MAX cards: refused as a whole. */
	s = fx_repeat("", "BEGIN:VCARD\nFN:x\nEND:VCARD\n", VCARD_CARDS_MAX, "", &len);
	l = fx_parse_len(s, len);
	assert_int_equal(l->n_cards, VCARD_CARDS_MAX);
	vcard_list_free(l);
	free(s);
	s = fx_repeat("", "BEGIN:VCARD\nFN:x\nEND:VCARD\n", VCARD_CARDS_MAX + 1, "", &len);
	l = NULL;
	assert_int_equal(vcard_parse(s, len, &l), BRUG_ETOOBIG);
	assert_null(l);
	free(s);

	/* Errors stop being recorded at VCARD_ERRORS_MAX. */
	s = fx_repeat("", "END:VCARD\n", VCARD_ERRORS_MAX + 5, "", &len);
	l = fx_parse_len(s, len);
	assert_int_equal(l->n_errors, VCARD_ERRORS_MAX);
	assert_int_equal(l->errors_omitted, 5);
	vcard_list_free(l);
	free(s);
}

/* Values at the caps read back as they are: the writer's output for them
 * stays within VCARD_LINE_MAX and is cut nowhere a second time. */
static void test_caps_round_trip(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	buf_adds(&b, "BEGIN:VCARD\r\nVERSION:3.0\r\nN:");
	for (int i = 0; i < 3; i++) { /* no FN: the name comes from N, cut */
		for (int k = 0; k < 30000; k++)
			buf_addc(&b, (char)('a' + k % 26));
		buf_addc(&b, ';');
	}
	buf_adds(&b, "\r\nORG:Gemeente");
	for (int i = 0; i < 30000; i++)
		buf_adds(&b, ";ab\\,"); /* an escaped comma */
	buf_adds(&b, "\r\nCATEGORIES:");
	for (int i = 0; i < 200; i++) {
		buf_printf(&b, "%sgroep %d ", i ? "," : "", i);
		for (int k = 0; k < 500; k++)
			buf_addc(&b, 'x');
	}
	buf_adds(&b, "\r\nitem1.EMAIL:jan@example.nl\r\nitem1.X-ABLabel:_$!<");
	for (int i = 0; i < 70000; i++)
		buf_addc(&b, 'l');
	buf_adds(&b, ">!$_\r\nNOTE;CHARSET=Windows-1252:");
	for (int i = 0; i < 40000; i++)
		buf_addc(&b, (char)0x80); /* three bytes each in UTF-8 */
	buf_adds(&b, "\r\nEND:VCARD\r\n");
	struct vcard_list *l = fx_parse_len(buf_str(&b), b.len);
	assert_int_equal(l->n_cards, 1);
	const struct vcard *c = &l->cards[0];
	assert_int_equal(c->name_source, VCARD_NAME_N);
	assert_true(strlen(c->fn) <= VCARD_VALUE_MAX);
	assert_true(strlen(c->family) + strlen(c->given) + strlen(c->additional) <=
		    VCARD_VALUE_MAX);
	assert_null(c->prefix);
	fx_assert_str(c->org, "Gemeente");
	assert_true(strlen(c->org_unit) <= VCARD_VALUE_MAX - 8);
	assert_int_equal(strncmp(c->org_unit, "ab,, ab,, ", 10), 0);
	assert_true(c->n_categories < 200);
	assert_int_equal(strlen(c->note), VCARD_VALUE_MAX - VCARD_VALUE_MAX % 3);
	assert_int_equal(strncmp(c->emails[0].label, "_$!<lll", 7), 0);
	assert_int_equal(l->n_errors, 5); /* N, ORG, CATEGORIES, X-ABLabel, NOTE cut */
	fx_assert_round_trip(l);
	vcard_list_free(l);
	buf_cleanup(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_google_30),
		cmocka_unit_test(test_outlook_21),
		cmocka_unit_test(test_apple_30),
		cmocka_unit_test(test_android_21),
		cmocka_unit_test(test_thunderbird_40),
		cmocka_unit_test(test_folding),
		cmocka_unit_test(test_broken_folding),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_several_cards_one_broken),
		cmocka_unit_test(test_missing_end),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_charsets),
		cmocka_unit_test(test_name_fallback),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_dates_uid_lang),
		cmocka_unit_test(test_kind),
		cmocka_unit_test(test_big_photo),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_caps_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

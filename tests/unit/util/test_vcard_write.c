/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for writing vCard 4.0 (src/util/vcard_write.c), line by line:
 * property order, TYPE and PREF, TEL as tel: URI or text, Apple's labels
 * as item groups, escaping, folding at 75 octets without splitting UTF-8,
 * CRLF, and the cards it refuses (leaving the output as it was). What it
 * writes is read back with vcard_parse. */
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


static void test_write_lines(void **state)
{
	(void)state;
	struct vcard_list *l = fx_parse_one(fx_thunderbird_40);
	char *out = fx_write_card(&l->cards[0]);
	assert_string_equal(out, "BEGIN:VCARD\r\n"
				 "VERSION:4.0\r\n"
				 "FN:Jan de Vries\r\n"
				 "N:de Vries;Jan;;;\r\n"
				 "NICKNAME:Jan\r\n"
				 "ORG:Gemeente Amsterdam;Dienst ICT\r\n"
				 "TITLE:Architect\r\n"
				 "EMAIL;PREF=1:jan@devries.example\r\n"
				 "EMAIL;TYPE=work:j.de.vries@amsterdam.example\r\n"
				 "TEL;VALUE=text;TYPE=work,voice:020 123 4567\r\n"
				 "TEL;VALUE=text;TYPE=cell:06 1234 5678\r\n"
				 "TEL;VALUE=uri;TYPE=home:tel:+31-20-555-0123\r\n"
				 "ADR;TYPE=work:;;Stationsplein 1;Amsterdam;;1012 AB;Nederland\r\n"
				 "URL:https://www.amsterdam.example\r\n"
				 "BDAY:19800517\r\n"
				 "LANG:nl-NL\r\n"
				 "NOTE:Eerste regel\\nTweede regel met \\; en \\, erin\r\n"
				 "UID:urn:uuid:8e2a6bd0-3c56-4a3b-9d1f-1f6c2a7b9e11\r\n"
				 "REV:20260201T083000Z\r\n"
				 "END:VCARD\r\n");
	free(out);
	vcard_list_free(l);

	/* Apple's labels as itemN groups, one X-ABLabel per label */
	struct vcard_contact emails[] = {
		{"zoe@bakker.example", VCARD_TYPE_HOME, 1, "Other"},
		{"info@bakker.example", 0, 0, NULL},
		{"winkel@bakker.example", 0, 0, "Other"},
	};
	struct vcard_contact phones[] = {{"+31 (0)30 234.5678", VCARD_TYPE_MAIN, 0, "Winkel"}};
	struct vcard c = {.fn = "Zo\xC3\xAB Bakker", .org_unit = "Verkoop",
			  .emails = emails, .n_emails = 3, .phones = phones, .n_phones = 1,
			  .bday = "--05-17"};
	out = fx_write_card(&c);
	assert_string_equal(out, "BEGIN:VCARD\r\n"
				 "VERSION:4.0\r\n"
				 "FN:Zo\xC3\xAB Bakker\r\n"
				 "ORG:;Verkoop\r\n"
				 "item1.EMAIL;TYPE=home;PREF=1:zoe@bakker.example\r\n"
				 "item1.X-ABLabel:Other\r\n"
				 "EMAIL:info@bakker.example\r\n"
				 "item1.EMAIL:winkel@bakker.example\r\n"
				 "item2.TEL;VALUE=uri;TYPE=main:tel:+31-(0)30-234.5678\r\n"
				 "item2.X-ABLabel:Winkel\r\n"
				 "BDAY:--0517\r\n"
				 "END:VCARD\r\n");
	l = fx_parse_one(out);
	fx_assert_same_card(&c, &l->cards[0]);
	vcard_list_free(l);
	free(out);
}

static void test_write_escapes(void **state)
{
	(void)state;
	char *cats[] = {"Klanten, groot", "A;B"};
	struct vcard c = {
		.fn = "Vries, Jan de; \\ back\r\nslash\rcr\x01\x7f\tend",
		.family = "de Vries",
		.uid = "c4f3a1@google.example",
		.url = "https://example.nl/a,b;c\\d",
		.categories = cats,
		.n_categories = 2,
	};
	char *out = fx_write_card(&c);
	assert_string_equal(out, "BEGIN:VCARD\r\n"
				 "VERSION:4.0\r\n"
				 "FN:Vries\\, Jan de\\; \\\\ back\\nslash\\ncr\tend\r\n"
				 "N:de Vries;;;;\r\n"
				 "URL:https://example.nl/a,b;c\\\\d\r\n"
				 "CATEGORIES:Klanten\\, groot,A\\;B\r\n"
				 "UID;VALUE=text:c4f3a1@google.example\r\n"
				 "END:VCARD\r\n");
	struct vcard_list *l = fx_parse_one(out);
	fx_assert_str(l->cards[0].fn, "Vries, Jan de; \\ back\nslash\ncr\tend");
	fx_assert_str(l->cards[0].url, c.url);
	fx_assert_str(l->cards[0].categories[1], "A;B");
	vcard_list_free(l);
	free(out);
}

static void test_write_folding(void **state)
{
	(void)state;
	/* 75 octets a line: "NOTE:" and 70 more, then a space and 74 */
	char note[200];
	memset(note, 'a', 150);
	note[150] = '\0';
	struct vcard c = {.fn = "Jan", .note = note};
	char *out = fx_write_card(&c);
	assert_non_null(strstr(out, "\r\nNOTE:aaaa"));
	const char *p = strstr(out, "NOTE:");
	assert_int_equal(strcspn(p, "\r"), 75);
	assert_int_equal(strcspn(p + 77, "\r"), 75); /* " " and 74 */
	assert_true(p[77] == ' ');
	assert_int_equal(strcspn(p + 77 + 77, "\r"), 7); /* " " and the last 6 */
	free(out);

	/* e-diaeresis across octet 75 moves whole to the next line */
	memset(note, 'a', 69);
	memcpy(note + 69, "\xC3\xAB", 3);
	c.note = note;
	out = fx_write_card(&c);
	p = strstr(out, "NOTE:");
	assert_memory_equal(p + 74, "\r\n \xC3\xAB\r\n", 7);
	free(out);

	/* A long card of Dutch text: every physical line at most 75 octets,
	 * valid UTF-8 by itself, ending in CRLF, and the card reads back. */
	struct buf b;
	buf_init(&b, 0);
	for (int i = 0; i < 300; i++)
		buf_adds(&b, "Zo\xC3\xAB M\xC3\xBCller \xE2\x82\xAC\xF0\x9F\x98\x80; ");
	c.note = (char *)buf_str(&b);
	out = fx_write_card(&c);
	for (const char *line = out; *line;) {
		const char *crlf = strstr(line, "\r\n");
		assert_non_null(crlf);
		size_t n = (size_t)(crlf - line);
		assert_true(n <= 75);
		assert_true(utf8_valid(line, n));
		assert_null(memchr(line, '\n', n));
		line = crlf + 2;
	}
	struct vcard_list *l = fx_parse_one(out);
	/* the same text, but the last space, which the reader trims */
	assert_int_equal(strlen(l->cards[0].note), b.len - 1);
	assert_memory_equal(l->cards[0].note, buf_str(&b), b.len - 1);
	vcard_list_free(l);
	free(out);
	buf_cleanup(&b);
}

static void test_write_refused(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	buf_adds(&b, "kept");
	struct vcard_contact empty = {"", 0, 0, NULL}, bad_utf8 = {"jan@\xC3", 0, 0, NULL};
	struct vcard_adr no_adr = {0};
	struct vcard cases[] = {
		{.fn = NULL},
		{.fn = ""},
		{.fn = "Jan", .note = "\xFF"},
		{.fn = "Jan", .emails = &empty, .n_emails = 1},
		{.fn = "Jan", .phones = &bad_utf8, .n_phones = 1},
		{.fn = "Jan", .adrs = &no_adr, .n_adrs = 1},
		{.fn = "Jan", .bday = "1980-5-17"},
		{.fn = "Jan", .bday = "1981-02-29"},
		{.fn = "Jan", .rev = "2026-01-15T10:15:00Z"},
		{.fn = "Jan", .lang = "nl NL"},
	};
	for (size_t i = 0; i < N(cases); i++) {
		assert_int_equal(vcard_write(&b, &cases[i]), BRUG_EINVAL);
		assert_string_equal(buf_str(&b), "kept");
	}
	buf_cleanup(&b);
	/* over the buffer's cap */
	buf_init(&b, 100);
	struct vcard c = {.fn = "Jan de Vries", .note = "Een notitie die niet past in honderd "
							"bytes, samen met de rest van de kaart."};
	assert_int_equal(vcard_write(&b, &c), BRUG_ETOOBIG);
	assert_true(b.failed);
	buf_cleanup(&b);
	/* one line over the cap, though the lines after it would fit */
	char note[2001];
	memset(note, 'a', 2000);
	note[2000] = '\0';
	c.note = note;
	c.uid = "8e2a6bd0-3c56-4a3b-9d1f-1f6c2a7b9e11";
	buf_init(&b, 1000);
	assert_int_equal(vcard_write(&b, &c), BRUG_ETOOBIG);
	assert_true(b.failed);
	buf_cleanup(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_lines),
		cmocka_unit_test(test_write_escapes),
		cmocka_unit_test(test_write_folding),
		cmocka_unit_test(test_write_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

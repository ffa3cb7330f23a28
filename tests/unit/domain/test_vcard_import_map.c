/* SPDX-License-Identifier: Apache-2.0 */
/* What a vCard becomes as a relation (src/domain/vcard_import_map.c), on
 * parsed cards: which cards are organisations, people and groups; labels
 * from TYPE and Apple's X-ABLabel; the language; what is left out with a
 * warning (bad addresses and numbers, Google's groups, overlong values)
 * and what rejects a card. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/vcard_import_impl.h"
#include "util/jx.h"
#include "util/vcard.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct mapped {
	struct vcard_list *list;
	struct vi_card m;
	struct vi_notes w;
};

/* Parses the one card in lines (between BEGIN and END) and maps it. */
static void map(const char *lines, struct mapped *x)
{
	char text[4096];
	snprintf(text, sizeof(text), "BEGIN:VCARD\r\n%s\r\nEND:VCARD\r\n", lines);
	memset(x, 0, sizeof(*x));
	assert_int_equal(vcard_parse(text, strlen(text), &x->list), 0);
	assert_int_equal(x->list->n_cards, 1);
	x->w = (struct vi_notes){json_array(), 100, 0};
	vi_card_map(&x->list->cards[0], &x->m, &x->w);
}

static void unmap(struct mapped *x)
{
	vi_card_cleanup(&x->m);
	vcard_list_free(x->list);
	json_decref(x->w.list);
}

static const char *item(json_t *list, size_t i, const char *key)
{
	const char *s = jx_str(json_array_get(list, i), key);
	if (!s)
		fail_msg("no %s at %zu", key, i);
	return s;
}

static void test_kinds(void **state)
{
	(void)state;
	static const struct {
		const char *lines, *kind, *name, *org;
		bool group;
	} cases[] = {
		{"FN:Jan de Vries\r\nN:de Vries;Jan;;;", "person", "Jan de Vries", NULL, false},
		{"FN:Jan\r\nORG:Acme B.V.;Inkoop", "person", "Jan", "Acme B.V.", false},
		{"VERSION:4.0\r\nKIND:org\r\nFN:Acme B.V.", "organisation", "Acme B.V.", NULL, false},
		{"VERSION:4.0\r\nKIND:individual\r\nORG:Acme", "person", "Acme", "Acme", false},
		{"ORG:Acme B.V.\r\nTEL:0201234567", "organisation", "Acme B.V.", NULL, false},
		{"N:;;;;\r\nFN:Acme B.V.\r\nORG:Acme B.V.", "organisation", "Acme B.V.", NULL, false},
		{"FN:Acme B.V.\r\nORG:Acme B.V.\r\nX-ABShowAs:COMPANY", "organisation", "Acme B.V.",
		 NULL, false},
		{"VERSION:4.0\r\nKIND:group\r\nFN:Vrienden", NULL, NULL, NULL, true},
		{"VERSION:4.0\r\nKIND:location\r\nFN:Kantoor", NULL, NULL, NULL, true},
		/* named by its email address: a person */
		{"EMAIL:info@example.nl", "person", "info@example.nl", NULL, false},
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct mapped x;
		map(cases[i].lines, &x);
		assert_int_equal(x.m.group, cases[i].group);
		if (!cases[i].group) {
			assert_string_equal(x.m.in.kind, cases[i].kind);
			assert_string_equal(x.m.in.name, cases[i].name);
			if (cases[i].org)
				assert_string_equal(x.m.org_name, cases[i].org);
			else
				assert_null(x.m.org_name);
			assert_string_equal(x.m.reason, "");
		}
		unmap(&x);
	}
}

static void test_labels(void **state)
{
	(void)state;
	struct mapped x;
	map("FN:Jan\r\n"
	    "EMAIL;TYPE=INTERNET,WORK:jan@werk.example\r\n"
	    "EMAIL;TYPE=HOME:jan@thuis.example\r\n"
	    "item1.EMAIL:jan@club.example\r\n"
	    "item1.X-ABLabel:Voetbalclub\r\n"
	    "EMAIL:JAN@WERK.example\r\n" /* the same address again */
	    "TEL;TYPE=CELL,WORK:06 12345678\r\n"
	    "TEL;TYPE=FAX:020 1234567\r\n"
	    "TEL;TYPE=WORK:020 7654321\r\n"
	    "TEL:+31 6 1234 5678\r\n" /* the mobile again, written otherwise */
	    "item2.TEL;TYPE=CELL:06 87654321\r\n"
	    "item2.X-ABLabel:_$!<Mobile>!$_\r\n"
	    "ADR;TYPE=HOME:Postbus 12;3e verdieping;Damrak 1;Amsterdam;NH;1012 LG;Nederland\r\n"
	    "ADR:;;;;;;\r\n",
	    &x);
	json_t *e = x.m.in.emails, *p = x.m.in.phones, *a = x.m.in.addresses;
	assert_int_equal(json_array_size(e), 3);
	assert_string_equal(item(e, 0, "label"), "work");
	assert_string_equal(item(e, 1, "label"), "home");
	assert_string_equal(item(e, 2, "label"), "Voetbalclub");
	assert_int_equal(json_array_size(p), 4);
	assert_string_equal(item(p, 0, "label"), "mobile");
	assert_string_equal(item(p, 1, "label"), "fax");
	assert_string_equal(item(p, 2, "label"), "work");
	assert_string_equal(item(p, 3, "value"), "06 87654321");
	assert_string_equal(item(p, 3, "label"), "mobile");
	assert_int_equal(json_array_size(a), 1);
	assert_string_equal(item(a, 0, "street"), "Damrak 1, 3e verdieping");
	assert_string_equal(item(a, 0, "postal_code"), "1012 LG");
	assert_string_equal(item(a, 0, "city"), "Amsterdam");
	assert_string_equal(item(a, 0, "country"), "Nederland");
	assert_string_equal(item(a, 0, "label"), "home");
	assert_int_equal(json_array_size(x.w.list), 0);
	unmap(&x);
}

static void test_left_out(void **state)
{
	(void)state;
	struct mapped x;
	char lines[4096];
	char street[300];
	memset(street, 's', 250);
	street[250] = '\0';
	snprintf(lines, sizeof(lines),
		 "FN:Jan\r\n"
		 "EMAIL:geen-adres\r\n"
		 "TEL:bel me maar\r\n"
		 "TEL:1-800-FLOWERS\r\n"
		 "ADR:;;%s;Utrecht;;;\r\n"
		 "CATEGORIES:myContacts,starred,Klanten,Klanten\r\n"
		 "LANG:nl-BE",
		 street);
	map(lines, &x);
	assert_string_equal(x.m.reason, "");
	assert_int_equal(json_array_size(x.m.in.emails), 0);
	assert_int_equal(json_array_size(x.m.in.phones), 0);
	assert_int_equal(json_array_size(x.m.in.addresses), 0);
	assert_int_equal(json_array_size(x.m.in.tags), 1);
	assert_string_equal(json_string_value(json_array_get(x.m.in.tags, 0)), "Klanten");
	assert_string_equal(x.m.in.lang, "nl");
	assert_int_equal(json_array_size(x.w.list), 4);
	assert_non_null(strstr(item(x.w.list, 0, "reason"), "EMAIL \"geen-adres\""));
	assert_non_null(strstr(item(x.w.list, 1, "reason"), "TEL \"bel me maar\""));
	assert_non_null(strstr(item(x.w.list, 3, "reason"), "ADR"));
	assert_int_equal(jx_int(json_array_get(x.w.list, 0), "line", 0), 1);
	unmap(&x);
	/* more than brug keeps: the rest left out, once */
	struct buf many;
	buf_init(&many, 0);
	buf_adds(&many, "FN:Veel\r\nTITLE:");
	for (int i = 0; i < 120; i++)
		buf_addc(&many, 't');
	for (int i = 0; i < 25; i++)
		buf_printf(&many, "\r\nEMAIL:a%d@example.nl", i);
	map(buf_str(&many), &x);
	assert_int_equal(json_array_size(x.m.in.emails), 20);
	assert_int_equal(strlen(x.m.in.job_title), 100);
	assert_int_equal(json_array_size(x.w.list), 2); /* TITLE cut, emails left out */
	unmap(&x);
	buf_cleanup(&many);
}

static void test_rejected(void **state)
{
	(void)state;
	char lines[1024], name[300];
	memset(name, 'n', 201);
	name[201] = '\0';
	snprintf(lines, sizeof(lines), "FN:%s", name);
	struct mapped x;
	map(lines, &x);
	assert_string_equal(x.m.reason, "FN is longer than 200 characters");
	unmap(&x);
	/* 200 characters of two bytes each are fine */
	struct buf ok;
	buf_init(&ok, 0);
	buf_adds(&ok, "FN:");
	for (int i = 0; i < 200; i++)
		buf_adds(&ok, "\xC3\xAB");
	map(buf_str(&ok), &x);
	assert_string_equal(x.m.reason, "");
	unmap(&x);
	buf_cleanup(&ok);
	snprintf(lines, sizeof(lines), "FN:Jan\r\nN:%.101s;Jan;;;", name);
	map(lines, &x);
	assert_non_null(strstr(x.m.reason, "longer than 100"));
	unmap(&x);
	/* tabs and newlines in a name become spaces: a one-line field */
	map("FN:Jan\\nde Vries\r\nNOTE:regel 1\\nregel 2", &x);
	assert_string_equal(x.m.in.name, "Jan de Vries");
	assert_string_equal(x.m.in.notes, "regel 1\nregel 2");
	unmap(&x);
}

int main(void)
{
	jx_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_left_out),
		cmocka_unit_test(test_rejected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

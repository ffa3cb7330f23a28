/* SPDX-License-Identifier: Apache-2.0 */
/* The vCard tests' samples and checks; see vcard_fx.h. */
#include "vcard_fx.h"

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
#include "util/utf8.h"
#include "util/vcard.h"

/* ---- samples, in the shapes the clients export ---- */

/* Google Contacts, "vCard (for iOS Contacts)": 3.0, TYPE repeated. */
const char fx_google_30[] =
	"BEGIN:VCARD\r\n"
	"VERSION:3.0\r\n"
	"FN:Jan de Vries\r\n"
	"N:de Vries;Jan;;;\r\n"
	"NICKNAME:Jantje\r\n"
	"EMAIL;TYPE=INTERNET;TYPE=HOME:jan.devries@gmail.example\r\n"
	"EMAIL;TYPE=INTERNET;TYPE=WORK:j.devries@bouwbedrijf-utrecht.example\r\n"
	"TEL;TYPE=CELL:+31 6 12345678\r\n"
	"TEL;TYPE=WORK:030 123 4567\r\n"
	"ADR;TYPE=HOME:;;Prinsengracht 263;Amsterdam;Noord-Holland;1016 GV;Nederland\r\n"
	"ORG:Bouwbedrijf Utrecht B.V.\r\n"
	"TITLE:Projectleider\r\n"
	"BDAY:1975-11-02\r\n"
	"URL:https\\://www.bouwbedrijf-utrecht.example\r\n"
	"NOTE:Ontmoet op de Vakbeurs\\, 2023.\\nBellen na 16:00.\r\n"
	"item1.EMAIL;TYPE=INTERNET:jan@vereniging.example\r\n"
	"item1.X-ABLabel:Vereniging\r\n"
	"CATEGORIES:myContacts,Klanten\r\n"
	"END:VCARD\r\n";

/* Outlook 2016, 2.1: raw Windows-1252 bytes with CHARSET, a
 * QUOTED-PRINTABLE NOTE with =80 (euro) and a soft line break, bare
 * parameters, a LABEL and Outlook's own properties to skip. */
const char fx_outlook_21[] =
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
	"=80 250,-.=0D=0AZe is op dinsdag en donderdag op kant=\r\n"
	"oor.\r\n"
	"X-MS-OL-DESIGN;CHARSET=utf-8:<card xmlns=\"http://schemas.microsoft.com/office/outlook/12/"
	"electronicbusinesscards\" ver=\"1.0\" layout=\"left\" bgcolor=\"ffffff\"><img xmlns=\"\" "
	"align=\"fill\" area=\"16\" use=\"cardpicture\"/></card>\r\n"
	"REV:20260115T101500Z\r\n"
	"END:VCARD\r\n";

/* Apple Contacts (macOS): 3.0, item groups with X-ABLabel, type=pref, a
 * base64 PHOTO over several lines, an escaped ':' in URLs. */
const char fx_apple_30[] =
	"BEGIN:VCARD\r\n"
	"VERSION:3.0\r\n"
	"PRODID:-//Apple Inc.//macOS 14.4//EN\r\n"
	"N:Bakker;Zo\xC3\xAB;;;\r\n"
	"FN:Zo\xC3\xAB Bakker\r\n"
	"ORG:Bakker & Zonen;\r\n"
	"TITLE:Eigenaar\r\n"
	"item1.EMAIL;type=INTERNET;type=pref:zoe@bakkerenzonen.example\r\n"
	"item1.X-ABLabel:_$!<Other>!$_\r\n"
	"item2.EMAIL;type=INTERNET;type=WORK:info@bakkerenzonen.example\r\n"
	"TEL;type=CELL;type=VOICE;type=pref:+31 6 11223344\r\n"
	"TEL;type=IPHONE;type=CELL;type=VOICE:+31 6 55667788\r\n"
	"item3.TEL:030 234 5678\r\n"
	"item3.X-ABLabel:Winkel\r\n"
	"item4.ADR;type=WORK;type=pref:;;Oudegracht 158;Utrecht;;3511 AZ;Nederland\r\n"
	"item4.X-ABADR:nl\r\n"
	"item5.URL;type=pref:https\\://bakkerenzonen.example\r\n"
	"item5.X-ABLabel:_$!<HomePage>!$_\r\n"
	"BDAY;X-APPLE-OMIT-YEAR=1604:1604-05-17\r\n"
	"PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAASABIAAD/4QBMRXhpZgAATU0AKgAAAAgAAYdpAAQAAAAB\r\n"
	" AAAAGgAAAAAAA6ABAAMAAAABAAEAAKACAAQAAAABAAAAgKADAAQAAAABAAAAgAAAAAD/7QA4UGh\r\n"
	" vdG9zaG9wIDMuMAA4QklNBAQAAAAAAAA4QklNBCUAAAAAABDUHYzZjwCyBOmACZjs+EJ+/8AAEQ\r\n"
	" gAgACAAwEiAAIRAQMRAf/EAB8AAAEFAQEBAQEBAAAAAAAAAAABAgMEBQYHCAkKC//EALUQAAIBAw\r\n"
	" MCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJS\r\n"
	" YnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlp\r\n"
	" eYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/\r\n"
	" j5+v/EAB8BAAMBAQEBAQEBAQEAAAAAAAABAgMEBQYHCAkKC//Z\r\n"
	"X-SOCIALPROFILE;type=linkedin:https\\://www.linkedin.com/in/zoebakker\r\n"
	"END:VCARD\r\n";

/* Android contacts export: 2.1, QUOTED-PRINTABLE UTF-8 in both parameter
 * orders, a soft break between the two bytes of a character, a 2.1
 * base64 PHOTO ending in a blank line. */
const char fx_android_21[] =
	"BEGIN:VCARD\r\n"
	"VERSION:2.1\r\n"
	"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;Zo=C3=AB;;;\r\n"
	"FN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Zo=C3=AB M=C3=BCller\r\n"
	"TEL;CELL:+31612345678\r\n"
	"TEL;HOME:0302345678\r\n"
	"EMAIL;HOME:zoe.muller@example.nl\r\n"
	"ADR;HOME;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;;Biltstraat 12;Utrecht;;3572 AB;Nederla=\r\n"
	"nd\r\n"
	"NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Heeft een hond: Bo=C3=\r\n"
	"=AB is de naam.\r\n"
	"PHOTO;ENCODING=BASE64;JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkS\r\n"
	"    Ew8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA\r\n"
	"\r\n"
	"X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Zo;1;;;;;;;;;;;;;\r\n"
	"END:VCARD\r\n";

/* Thunderbird 115: 4.0, VALUE=TEXT, a quoted TYPE list, tel: URIs. */
const char fx_thunderbird_40[] =
	"BEGIN:VCARD\r\n"
	"VERSION:4.0\r\n"
	"PRODID:-//Mozilla.org/NONSGML Mozilla Contact//EN\r\n"
	"N:de Vries;Jan;;;\r\n"
	"FN:Jan de Vries\r\n"
	"NICKNAME:Jan\r\n"
	"EMAIL;PREF=1:jan@devries.example\r\n"
	"EMAIL;TYPE=work:j.de.vries@amsterdam.example\r\n"
	"TEL;TYPE=\"work,voice\";VALUE=TEXT:020 123 4567\r\n"
	"TEL;VALUE=TEXT;TYPE=cell:06 1234 5678\r\n"
	"TEL;TYPE=home;VALUE=uri:tel:+31-20-555-0123\r\n"
	"ADR;TYPE=work:;;Stationsplein 1;Amsterdam;;1012 AB;Nederland\r\n"
	"NOTE:Eerste regel\\nTweede regel met \\; en \\, erin\r\n"
	"LANG:nl-NL\r\n"
	"ORG:Gemeente Amsterdam;Dienst ICT\r\n"
	"TITLE:Architect\r\n"
	"BDAY;VALUE=DATE:19800517\r\n"
	"URL;VALUE=URL:https://www.amsterdam.example\r\n"
	"UID:urn:uuid:8e2a6bd0-3c56-4a3b-9d1f-1f6c2a7b9e11\r\n"
	"REV:20260201T083000Z\r\n"
	"END:VCARD\r\n";

/* ---- helpers ---- */

static void check_field(const char *s)
{
	if (!s)
		return;
	size_t n = strlen(s);
	if (n == 0 || !utf8_valid(s, n))
		fail_msg("empty or not UTF-8: \"%s\"", s);
	if (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\n')
		fail_msg("not trimmed: \"%s\"", s);
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t' && s[i] != '\n') || s[i] == 0x7f)
			fail_msg("control character in \"%s\"", s);
}

/* The promises of vcard.h on every string of a result. */
static void check_list(const struct vcard_list *l)
{
	for (size_t i = 0; i < l->n_cards; i++) {
		const struct vcard *c = &l->cards[i];
		assert_non_null(c->fn);
		const char *s[] = {c->fn,    c->family, c->given, c->additional, c->prefix,
				   c->suffix, c->org,    c->org_unit, c->title,	    c->role,
				   c->note,   c->lang,   c->bday,	c->uid,	    c->url,
				   c->rev,   c->kind};
		for (size_t k = 0; k < N(s); k++)
			check_field(s[k]);
		for (size_t k = 0; k < c->n_categories; k++)
			check_field(c->categories[k]), assert_non_null(c->categories[k]);
		for (size_t k = 0; k < c->n_nicknames; k++)
			check_field(c->nicknames[k]), assert_non_null(c->nicknames[k]);
		for (size_t k = 0; k < c->n_emails; k++)
			check_field(c->emails[k].value), check_field(c->emails[k].label);
		for (size_t k = 0; k < c->n_phones; k++)
			check_field(c->phones[k].value), check_field(c->phones[k].label);
		for (size_t k = 0; k < c->n_adrs; k++) {
			const struct vcard_adr *a = &c->adrs[k];
			const char *p[] = {a->pobox,  a->extended,	a->street, a->locality,
					   a->region, a->postal_code, a->country, a->label};
			for (size_t j = 0; j < N(p); j++)
				check_field(p[j]);
		}
	}
	for (size_t i = 0; i < l->n_errors; i++) {
		const char *r = l->errors[i].reason;
		assert_true(r[0] != '\0');
		for (; *r; r++)
			assert_true(*r >= 0x20 && *r <= 0x7e);
	}
}

struct vcard_list *fx_parse_len(const char *s, size_t n)
{
	struct vcard_list *l = NULL;
	assert_int_equal(vcard_parse(s, n, &l), 0);
	assert_non_null(l);
	check_list(l);
	return l;
}

struct vcard_list *fx_parse(const char *s)
{
	return fx_parse_len(s, strlen(s));
}

void fx_show_errors(const struct vcard_list *l)
{
	for (size_t i = 0; i < l->n_errors; i++)
		print_message("line %zu card %zu%s: %s\n", l->errors[i].line, l->errors[i].card,
			      l->errors[i].dropped ? " (dropped)" : "", l->errors[i].reason);
}

/* Parses s, which must give exactly one card and no errors. */
struct vcard_list *fx_parse_one(const char *s)
{
	struct vcard_list *l = fx_parse(s);
	if (l->n_errors) {
		fx_show_errors(l);
		fail_msg("%zu errors", l->n_errors);
	}
	assert_int_equal(l->n_cards, 1);
	return l;
}

void fx_assert_error(const struct vcard_list *l, size_t i, size_t line, size_t card,
			 bool dropped, const char *part)
{
	if (i >= l->n_errors) {
		fx_show_errors(l);
		fail_msg("no error %zu", i);
	}
	const struct vcard_error *e = &l->errors[i];
	if (e->line != line || e->card != card || e->dropped != dropped || !strstr(e->reason, part))
		fail_msg("error %zu is line %zu card %zu dropped %d \"%s\"; want line %zu card %zu "
			 "dropped %d \"...%s...\"",
			 i, e->line, e->card, e->dropped, e->reason, line, card, dropped, part);
}

void fx_assert_str(const char *got, const char *want)
{
	if (!want && !got)
		return;
	if (!want || !got || strcmp(got, want) != 0)
		fail_msg("got \"%s\", want \"%s\"", got ? got : "(null)", want ? want : "(null)");
}

void fx_assert_contact(const struct vcard_contact *c, const char *value, unsigned types,
			   int pref, const char *label)
{
	fx_assert_str(c->value, value);
	assert_int_equal(c->types, types);
	assert_int_equal(c->pref, pref);
	fx_assert_str(c->label, label);
}

void fx_assert_adr(const struct vcard_adr *a, const char *street, const char *locality,
		       const char *region, const char *code, const char *country)
{
	assert_null(a->pobox);
	assert_null(a->extended);
	fx_assert_str(a->street, street);
	fx_assert_str(a->locality, locality);
	fx_assert_str(a->region, region);
	fx_assert_str(a->postal_code, code);
	fx_assert_str(a->country, country);
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_contacts(const struct vcard_contact *a, const struct vcard_contact *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!same(a[i].value, b[i].value) || a[i].types != b[i].types ||
		    a[i].pref != b[i].pref || !same(a[i].label, b[i].label))
			return false;
	return true;
}

/* Every field but version and name_source. */
void fx_assert_same_card(const struct vcard *a, const struct vcard *b)
{
	const char *sa[] = {a->fn,    a->family, a->given, a->additional, a->prefix, a->suffix,
			    a->org,   a->org_unit, a->title, a->role,	 a->note,   a->lang,
			    a->bday,  a->uid,	 a->url,   a->rev, a->kind};
	const char *sb[] = {b->fn,    b->family, b->given, b->additional, b->prefix, b->suffix,
			    b->org,   b->org_unit, b->title, b->role,	 b->note,   b->lang,
			    b->bday,  b->uid,	 b->url,   b->rev, b->kind};
	for (size_t i = 0; i < N(sa); i++)
		fx_assert_str(sb[i], sa[i]);
	assert_int_equal(a->n_categories, b->n_categories);
	for (size_t i = 0; i < a->n_categories; i++)
		fx_assert_str(b->categories[i], a->categories[i]);
	assert_int_equal(a->n_nicknames, b->n_nicknames);
	for (size_t i = 0; i < a->n_nicknames; i++)
		fx_assert_str(b->nicknames[i], a->nicknames[i]);
	assert_int_equal(a->n_emails, b->n_emails);
	assert_true(same_contacts(a->emails, b->emails, a->n_emails));
	assert_int_equal(a->n_phones, b->n_phones);
	assert_true(same_contacts(a->phones, b->phones, a->n_phones));
	assert_int_equal(a->n_adrs, b->n_adrs);
	for (size_t i = 0; i < a->n_adrs; i++) {
		const struct vcard_adr *x = &a->adrs[i], *y = &b->adrs[i];
		assert_true(same(x->pobox, y->pobox) && same(x->extended, y->extended) &&
			    same(x->street, y->street) && same(x->locality, y->locality) &&
			    same(x->region, y->region) && same(x->postal_code, y->postal_code) &&
			    same(x->country, y->country) && same(x->label, y->label) &&
			    x->types == y->types && x->pref == y->pref);
	}
}

/* card written as 4.0; the caller frees. */
char *fx_write_card(const struct vcard *c)
{
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(vcard_write(&b, c), 0);
	return buf_take(&b, NULL);
}

/* Writes every card of l and reads it back: one card, no errors, same. */
void fx_assert_round_trip(const struct vcard_list *l)
{
	for (size_t i = 0; i < l->n_cards; i++) {
		char *out = fx_write_card(&l->cards[i]);
		struct vcard_list *back = fx_parse_one(out);
		assert_int_equal(back->cards[0].version, VCARD_V40);
		fx_assert_same_card(&l->cards[i], &back->cards[0]);
		/* and writing it again gives the same bytes */
		char *again = fx_write_card(&back->cards[0]);
		assert_string_equal(again, out);
		free(again);
		vcard_list_free(back);
		free(out);
	}
}

/* ---- limits ---- */

/* text (NUL-terminated) followed by n copies of rep and then tail. */
char *fx_repeat(const char *head, const char *rep, size_t n, const char *tail, size_t *len)
{
	struct buf b;
	buf_init(&b, 0);
	buf_adds(&b, head);
	for (size_t i = 0; i < n; i++)
		buf_adds(&b, rep);
	buf_adds(&b, tail);
	assert_false(b.failed);
	return buf_take(&b, len);
}

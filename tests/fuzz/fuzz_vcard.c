/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for vcard_parse and vcard_write (src/util/vcard*.c): the
 * input is a vCard file. Beyond crashes, leaks, sanitizer reports and
 * hangs, it traps when a promise of vcard.h breaks: a string that is not
 * valid, trimmed UTF-8 without control characters, a card without a name,
 * an error that is not printable, and above all a parsed card that
 * vcard_write refuses, or whose 4.0 output does not read back without
 * errors as one card with the same fields (FN first of all), or writes
 * differently the second time. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/utf8.h"
#include "util/vcard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_field(const char *s)
{
	if (!s)
		return;
	size_t n = strlen(s);
	if (n == 0 || !utf8_valid(s, n))
		__builtin_trap();
	if (strchr(" \t\n", s[0]) || strchr(" \t\n", s[n - 1]))
		__builtin_trap();
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
			__builtin_trap();
	}
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The card's strings, in a fixed order, for checks and comparison. */
static size_t strings_of(const struct vcard *c, const char **s)
{
	const char *fixed[] = {c->fn,	  c->family, c->given, c->additional, c->prefix, c->suffix,
			       c->org,	  c->org_unit, c->title, c->role,	c->note,   c->lang,
			       c->bday,	  c->uid,    c->url,   c->rev,	c->kind};
	size_t k = 0;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		s[k++] = fixed[i];
	return k;
}

static void check_card(const struct vcard *c)
{
	const char *s[17];
	size_t k = strings_of(c, s);
	if (!c->fn)
		__builtin_trap();
	for (size_t i = 0; i < k; i++)
		check_field(s[i]);
	for (size_t i = 0; i < c->n_categories; i++)
		if (!c->categories[i])
			__builtin_trap();
		else
			check_field(c->categories[i]);
	for (size_t i = 0; i < c->n_nicknames; i++)
		if (!c->nicknames[i])
			__builtin_trap();
		else
			check_field(c->nicknames[i]);
	for (size_t i = 0; i < c->n_emails; i++)
		if (!c->emails[i].value)
			__builtin_trap();
		else
			check_field(c->emails[i].value), check_field(c->emails[i].label);
	for (size_t i = 0; i < c->n_phones; i++)
		if (!c->phones[i].value)
			__builtin_trap();
		else
			check_field(c->phones[i].value), check_field(c->phones[i].label);
	for (size_t i = 0; i < c->n_adrs; i++) {
		const struct vcard_adr *a = &c->adrs[i];
		const char *p[] = {a->pobox,  a->extended,    a->street,  a->locality,
				   a->region, a->postal_code, a->country, a->label};
		bool any = false;
		for (size_t j = 0; j < 8; j++)
			check_field(p[j]), any |= j < 7 && p[j];
		if (!any)
			__builtin_trap();
	}
}

static bool same_contacts(const struct vcard_contact *a, const struct vcard_contact *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!same(a[i].value, b[i].value) || a[i].types != b[i].types ||
		    a[i].pref != b[i].pref || !same(a[i].label, b[i].label))
			return false;
	return true;
}

static bool same_adrs(const struct vcard_adr *a, const struct vcard_adr *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!same(a[i].pobox, b[i].pobox) || !same(a[i].extended, b[i].extended) ||
		    !same(a[i].street, b[i].street) || !same(a[i].locality, b[i].locality) ||
		    !same(a[i].region, b[i].region) || !same(a[i].postal_code, b[i].postal_code) ||
		    !same(a[i].country, b[i].country) || !same(a[i].label, b[i].label) ||
		    a[i].types != b[i].types || a[i].pref != b[i].pref)
			return false;
	return true;
}

static bool same_list(char *const *a, char *const *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!same(a[i], b[i]))
			return false;
	return true;
}

/* Every field but version and name_source. */
static bool same_card(const struct vcard *a, const struct vcard *b)
{
	const char *sa[17], *sb[17];
	size_t k = strings_of(a, sa);
	strings_of(b, sb);
	for (size_t i = 0; i < k; i++)
		if (!same(sa[i], sb[i]))
			return false;
	return a->n_categories == b->n_categories &&
	       same_list(a->categories, b->categories, a->n_categories) &&
	       a->n_nicknames == b->n_nicknames &&
	       same_list(a->nicknames, b->nicknames, a->n_nicknames) &&
	       a->n_emails == b->n_emails && same_contacts(a->emails, b->emails, a->n_emails) &&
	       a->n_phones == b->n_phones && same_contacts(a->phones, b->phones, a->n_phones) &&
	       a->n_adrs == b->n_adrs && same_adrs(a->adrs, b->adrs, a->n_adrs);
}

/* Writes c, reads it back, writes that again. */
static void round_trip(const struct vcard *c)
{
	struct buf out, again;
	buf_init(&out, 0);
	buf_init(&again, 0);
	if (vcard_write(&out, c) != 0)
		__builtin_trap();
	struct vcard_list *back = NULL;
	if (vcard_parse(out.p, out.len, &back) != 0 || back->n_cards != 1 || back->n_errors != 0)
		__builtin_trap();
	const struct vcard *b = &back->cards[0];
	if (b->version != VCARD_V40 || strcmp(b->fn, c->fn) != 0 || !same_card(c, b))
		__builtin_trap();
	if (vcard_write(&again, b) != 0 || again.len != out.len ||
	    memcmp(again.p, out.p, out.len) != 0)
		__builtin_trap();
	vcard_list_free(back);
	buf_cleanup(&again);
	buf_cleanup(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vcard_list *l = NULL;
	if (vcard_parse((const char *)data, size, &l) != 0)
		return 0; /* BRUG_ETOOBIG: cannot happen below 100,000 cards */
	for (size_t i = 0; i < l->n_errors; i++) {
		const char *r = l->errors[i].reason;
		if (!r[0])
			__builtin_trap();
		for (; *r; r++)
			if (*r < 0x20 || *r > 0x7e)
				__builtin_trap();
	}
	for (size_t i = 0; i < l->n_cards; i++) {
		check_card(&l->cards[i]);
		round_trip(&l->cards[i]);
	}
	vcard_list_free(l);
	return 0;
}

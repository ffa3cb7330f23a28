/* SPDX-License-Identifier: Apache-2.0 */
/* vCard 4.0 writing; see vcard.h. This file owns the output side of RFC
 * 6350: which properties in which order, escaping, TYPE and PREF, TEL as a
 * tel: URI or as text, and folding. It checks a card completely before it
 * writes a byte, so a refused card leaves the output as it was. Every
 * choice is made so that vcard_parse reads the output back as the card
 * that was written. */
#include "util/vcard.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/rc.h"
#include "util/utf8.h"
#include "util/vcard_impl.h"
#include "util/xmalloc.h"

/* RFC 6350 3.2: lines SHOULD NOT be longer than 75 octets. */
#define FOLD_AT 75

struct writer {
	struct buf *out;
	struct buf line; /* the content line being built */
	const char **labels; /* distinct labels, in order: itemN is labels[N-1] */
	bool *label_done;    /* its X-ABLabel line is written */
	size_t n_labels;
	bool failed; /* a line passed out's cap (line is reset after each line) */
};

/* ---- checks ---- */

static bool text_ok(const char *s)
{
	return !s || utf8_valid(s, strlen(s));
}

static bool contact_ok(const struct vcard_contact *c)
{
	return c->value && c->value[0] && text_ok(c->value) && text_ok(c->label);
}

static bool adr_ok(const struct vcard_adr *a)
{
	const char *parts[] = {a->pobox,  a->extended,	  a->street, a->locality,
			       a->region, a->postal_code, a->country};
	bool any = false;
	for (size_t i = 0; i < 7; i++) {
		if (!text_ok(parts[i]))
			return false;
		any |= parts[i] && parts[i][0];
	}
	return any && text_ok(a->label);
}

static bool card_ok(const struct vcard *c)
{
	const char *texts[] = {c->fn,	      c->family, c->given, c->additional, c->prefix,
			       c->suffix,     c->org,	 c->org_unit, c->title,	   c->role,
			       c->note,	      c->uid,	 c->url};
	if (!c->fn || !c->fn[0])
		return false;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (!text_ok(texts[i]))
			return false;
	if ((c->kind && !vcard_kind_valid(c->kind, strlen(c->kind))) ||
	    (c->bday && !vcard_bday_valid(c->bday)) || (c->rev && !vcard_rev_valid(c->rev)) ||
	    (c->lang && !vcard_lang_valid(c->lang, strlen(c->lang))))
		return false;
	for (size_t i = 0; i < c->n_categories; i++)
		if (!c->categories[i] || !text_ok(c->categories[i]))
			return false;
	for (size_t i = 0; i < c->n_nicknames; i++)
		if (!c->nicknames[i] || !text_ok(c->nicknames[i]))
			return false;
	for (size_t i = 0; i < c->n_emails; i++)
		if (!contact_ok(&c->emails[i]))
			return false;
	for (size_t i = 0; i < c->n_phones; i++)
		if (!contact_ok(&c->phones[i]))
			return false;
	for (size_t i = 0; i < c->n_adrs; i++)
		if (!adr_ok(&c->adrs[i]))
			return false;
	return true;
}

/* ---- lines ---- */

/* Appends s escaped: backslash and newlines always, ',' and ';' in text
 * (not in URIs); CR before LF dropped, other CRs as \n, other control
 * characters but tab left out. */
static void put(struct buf *b, const char *s, bool text)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\\' || (text && (c == ',' || c == ';'))) {
			buf_addc(b, '\\');
			buf_addc(b, (char)c);
		} else if (c == '\n' || (c == '\r' && s[1] != '\n')) {
			buf_add(b, "\\n", 2);
		} else if ((c < 0x20 && c != '\t') || c == 0x7F) {
			continue;
		} else {
			buf_addc(b, (char)c);
		}
	}
}

/* Writes the line in w->line folded to out: at most FOLD_AT octets a line,
 * never inside a UTF-8 character, continuations starting with a space. */
static void line_end(struct writer *w)
{
	if (w->line.failed)
		w->failed = true;
	const char *s = buf_str(&w->line);
	size_t n = w->line.len, room = FOLD_AT;
	while (n > room) {
		size_t cut = room;
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
		buf_add(w->out, s, cut);
		buf_add(w->out, "\r\n ", 3);
		s += cut;
		n -= cut;
		room = FOLD_AT - 1;
	}
	buf_add(w->out, s, n);
	buf_add(w->out, "\r\n", 2);
	buf_reset(&w->line);
}

static void simple(struct writer *w, const char *name, const char *value)
{
	if (!value)
		return;
	buf_adds(&w->line, name);
	buf_addc(&w->line, ':');
	put(&w->line, value, true);
	line_end(w);
}

/* NICKNAME and CATEGORIES: a comma list. */
static void list(struct writer *w, const char *name, char *const *items, size_t n)
{
	if (!n)
		return;
	buf_adds(&w->line, name);
	buf_addc(&w->line, ':');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addc(&w->line, ',');
		put(&w->line, items[i], true);
	}
	line_end(w);
}

/* N, ORG, ADR: components separated by ';'. */
static void structured(struct writer *w, const char *head, const char *const *parts, size_t n)
{
	buf_adds(&w->line, head);
	buf_addc(&w->line, ':');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addc(&w->line, ';');
		put(&w->line, parts[i], true);
	}
	line_end(w);
}

/* ---- labels, TYPE and PREF ---- */

static size_t group_of(struct writer *w, const char *label)
{
	for (size_t i = 0; i < w->n_labels; i++)
		if (strcmp(w->labels[i], label) == 0)
			return i + 1;
	w->labels[w->n_labels] = label;
	w->label_done[w->n_labels] = false;
	return ++w->n_labels;
}

/* "itemN." before a labelled property; *group gets N (0: none). */
static void group_start(struct writer *w, const char *label, size_t *group)
{
	*group = label ? group_of(w, label) : 0;
	if (*group) {
		buf_adds(&w->line, "item");
		buf_add_int(&w->line, (long long)*group);
		buf_addc(&w->line, '.');
	}
}

/* The X-ABLabel line of group N, once. */
static void group_end(struct writer *w, size_t group)
{
	if (!group || w->label_done[group - 1])
		return;
	w->label_done[group - 1] = true;
	buf_adds(&w->line, "item");
	buf_add_int(&w->line, (long long)group);
	buf_adds(&w->line, ".X-ABLabel:");
	put(&w->line, w->labels[group - 1], true);
	line_end(w);
}

static const struct {
	unsigned bit;
	const char *name;
} type_names[] = {
	{VCARD_TYPE_HOME, "home"},   {VCARD_TYPE_WORK, "work"},	  {VCARD_TYPE_CELL, "cell"},
	{VCARD_TYPE_VOICE, "voice"}, {VCARD_TYPE_FAX, "fax"},	  {VCARD_TYPE_PAGER, "pager"},
	{VCARD_TYPE_TEXT, "text"},   {VCARD_TYPE_VIDEO, "video"}, {VCARD_TYPE_TEXTPHONE, "textphone"},
	{VCARD_TYPE_MAIN, "main"},   {VCARD_TYPE_OTHER, "other"},
};

static void types_pref(struct writer *w, unsigned types, int pref)
{
	bool first = true;
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
		if (!(types & type_names[i].bit))
			continue;
		buf_adds(&w->line, first ? ";TYPE=" : ",");
		buf_adds(&w->line, type_names[i].name);
		first = false;
	}
	if (pref >= 1 && pref <= 100) {
		buf_adds(&w->line, ";PREF=");
		buf_add_int(&w->line, pref);
	}
}

/* ---- the properties ---- */

/* A number that can be a global tel: URI and read back unchanged. */
static bool tel_uri_ok(const char *s)
{
	bool digit = false;
	if (s[0] != '+')
		return false;
	for (s++; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digit = true;
		else if (!strchr(" ().", *s))
			return false;
	}
	return digit;
}

static void contact(struct writer *w, const char *name, const struct vcard_contact *c)
{
	size_t group;
	group_start(w, c->label, &group);
	buf_adds(&w->line, name);
	bool tel = strcmp(name, "TEL") == 0;
	bool uri = tel && tel_uri_ok(c->value);
	if (tel)
		buf_adds(&w->line, uri ? ";VALUE=uri" : ";VALUE=text");
	types_pref(w, c->types, c->pref);
	buf_addc(&w->line, ':');
	if (uri) {
		buf_adds(&w->line, "tel:");
		for (const char *s = c->value; *s; s++)
			buf_addc(&w->line, *s == ' ' ? '-' : *s);
	} else {
		put(&w->line, c->value, true);
	}
	line_end(w);
	group_end(w, group);
}

static void adr(struct writer *w, const struct vcard_adr *a)
{
	size_t group;
	const char *parts[] = {a->pobox,  a->extended,	  a->street, a->locality,
			       a->region, a->postal_code, a->country};
	group_start(w, a->label, &group);
	buf_adds(&w->line, "ADR");
	types_pref(w, a->types, a->pref);
	structured(w, "", parts, 7);
	group_end(w, group);
}

/* BDAY in the basic format of RFC 6350 4.3.1: 19800517, --0517. */
static void bday(struct writer *w, const char *s)
{
	if (!s)
		return;
	buf_adds(&w->line, "BDAY:");
	if (s[0] == '-') { /* --MM-DD */
		buf_add(&w->line, s, 4);
		buf_add(&w->line, s + 5, 2);
	} else { /* YYYY-MM-DD */
		buf_add(&w->line, s, 4);
		buf_add(&w->line, s + 5, 2);
		buf_add(&w->line, s + 8, 2);
	}
	line_end(w);
}

static void uid(struct writer *w, const char *s)
{
	if (!s)
		return;
	if (vcard_is_uuid(s, strlen(s))) {
		buf_adds(&w->line, "UID:urn:uuid:");
		buf_adds(&w->line, s);
	} else if (strncasecmp(s, "urn:uuid:", 9) == 0 && vcard_is_uuid(s + 9, strlen(s + 9))) {
		buf_adds(&w->line, "UID:");
		buf_adds(&w->line, s);
	} else {
		buf_adds(&w->line, "UID;VALUE=text:");
		put(&w->line, s, true);
	}
	line_end(w);
}

static void body(struct writer *w, const struct vcard *c)
{
	if (c->kind) { /* a token: nothing to escape */
		buf_adds(&w->line, "KIND:");
		buf_adds(&w->line, c->kind);
		line_end(w);
	}
	simple(w, "FN", c->fn);
	if (c->family || c->given || c->additional || c->prefix || c->suffix) {
		const char *n[] = {c->family, c->given, c->additional, c->prefix, c->suffix};
		structured(w, "N", n, 5);
	}
	list(w, "NICKNAME", c->nicknames, c->n_nicknames);
	if (c->org_unit) {
		const char *org[] = {c->org, c->org_unit};
		structured(w, "ORG", org, 2);
	} else {
		simple(w, "ORG", c->org);
	}
	simple(w, "TITLE", c->title);
	simple(w, "ROLE", c->role);
	for (size_t i = 0; i < c->n_emails; i++)
		contact(w, "EMAIL", &c->emails[i]);
	for (size_t i = 0; i < c->n_phones; i++)
		contact(w, "TEL", &c->phones[i]);
	for (size_t i = 0; i < c->n_adrs; i++)
		adr(w, &c->adrs[i]);
	if (c->url) {
		buf_adds(&w->line, "URL:");
		put(&w->line, c->url, false);
		line_end(w);
	}
	bday(w, c->bday);
	if (c->lang) {
		buf_adds(&w->line, "LANG:");
		buf_adds(&w->line, c->lang);
		line_end(w);
	}
	list(w, "CATEGORIES", c->categories, c->n_categories);
	simple(w, "NOTE", c->note);
	uid(w, c->uid);
	if (c->rev) {
		buf_adds(&w->line, "REV:");
		buf_adds(&w->line, c->rev);
		line_end(w);
	}
}

int vcard_write(struct buf *out, const struct vcard *card)
{
	if (!card_ok(card))
		return BRUG_EINVAL;
	size_t items = card->n_emails + card->n_phones + card->n_adrs;
	struct writer w = {.out = out};
	w.labels = xcalloc(items ? items : 1, sizeof(*w.labels));
	w.label_done = xcalloc(items ? items : 1, sizeof(*w.label_done));
	/* no line can be longer than out may grow */
	buf_init(&w.line, out->max);
	buf_adds(out, "BEGIN:VCARD\r\nVERSION:4.0\r\n");
	body(&w, card);
	buf_adds(out, "END:VCARD\r\n");
	if (w.failed && !out->failed) { /* fail out as buf.h promises */
		buf_cleanup(out);
		out->failed = true;
	}
	int rc = out->failed ? BRUG_ETOOBIG : 0;
	buf_cleanup(&w.line);
	free(w.labels);
	free(w.label_done);
	return rc;
}

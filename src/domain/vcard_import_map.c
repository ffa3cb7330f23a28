/* SPDX-License-Identifier: Apache-2.0 */
/* What a vCard means as a relation: which cards are organisations, which
 * TYPE becomes which label, and what is cut or left out (with a warning)
 * so that relation_create accepts the rest. See vcard_import.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/vcard_import_impl.h"
#include "util/contactinfo.h"
#include "util/jx.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

/* relation_parts.c's limits */
#define MAX_ITEMS 20
#define MAX_TAGS 50

void vi_note(struct vi_notes *n, size_t line, const char *fmt, ...)
{
	if (json_array_size(n->list) >= n->max) {
		n->omitted++;
		return;
	}
	char reason[240];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	size_t len = strlen(reason);
	while (len && !utf8_valid(reason, len)) /* a value cut inside a character */
		reason[--len] = '\0';
	json_array_append_new(n->list, json_pack("{s:I,s:s}", "line", (json_int_t)line, "reason",
						 reason));
}

static size_t cps(const char *s)
{
	return s ? utf8_len(s, strlen(s)) : 0;
}

/* Cuts s to at most max code points. */
static void cut(char *s, size_t max)
{
	size_t n = 0;
	for (char *p = s; *p; p++)
		if (((unsigned char)*p & 0xC0) != 0x80 && n++ == max) {
			*p = '\0';
			return;
		}
}

/* A copy of s for a one-line field: each tab or newline becomes sep
 * (" " or ", "). NULL for NULL. */
static char *one_line(const char *s, const char *sep)
{
	if (!s)
		return NULL;
	struct buf b;
	buf_init(&b, 0);
	for (; *s; s++) {
		if (*s == '\n' || *s == '\t')
			buf_adds(&b, sep);
		else
			buf_addc(&b, *s);
	}
	return buf_take(&b, NULL);
}

/* Keeps s as one of m's strings and returns it. */
static const char *own(struct vi_card *m, char *s)
{
	for (size_t i = 0; s && i < sizeof(m->owned) / sizeof(m->owned[0]); i++)
		if (!m->owned[i])
			return m->owned[i] = s;
	free(s);
	return NULL;
}

static const char *label_of(const struct vcard_contact *c, bool phone)
{
	if (phone && (c->types & VCARD_TYPE_CELL))
		return "mobile";
	if (phone && (c->types & VCARD_TYPE_FAX))
		return "fax";
	if (c->label && cps(c->label) <= 40 && !strchr(c->label, '\n') && !strchr(c->label, '\t'))
		return c->label;
	if (c->types & VCARD_TYPE_WORK)
		return "work";
	if (c->types & VCARD_TYPE_HOME)
		return "home";
	return "";
}

static json_t *emails_of(const struct vcard *c, struct vi_notes *w)
{
	json_t *a = json_array();
	for (size_t i = 0; i < c->n_emails; i++) {
		const char *v = c->emails[i].value;
		if (cps(v) > 254 || !contactinfo_email_valid(v)) {
			vi_note(w, c->line, "EMAIL \"%.80s\" is not an email address; left out", v);
			continue;
		}
		bool dup = false;
		for (size_t k = 0; k < json_array_size(a) && !dup; k++)
			dup = !strcasecmp(jx_str(json_array_get(a, k), "value"), v);
		if (dup)
			continue;
		if (json_array_size(a) == MAX_ITEMS) {
			vi_note(w, c->line, "more than %d email addresses; the rest is left out",
				MAX_ITEMS);
			break;
		}
		json_array_append_new(a, json_pack("{s:s,s:s}", "value", v, "label",
						   label_of(&c->emails[i], false)));
	}
	return a;
}

static json_t *phones_of(const struct vcard *c, struct vi_notes *w)
{
	json_t *a = json_array();
	char seen[MAX_ITEMS][PHONE_NORM_MAX];
	for (size_t i = 0; i < c->n_phones; i++) {
		const char *v = c->phones[i].value;
		char norm[PHONE_NORM_MAX];
		if (cps(v) > 40 || !contactinfo_phone_norm(v, "31", norm)) {
			vi_note(w, c->line, "TEL \"%.80s\" is not a phone number brug reads; left out",
				v);
			continue;
		}
		size_t n = json_array_size(a);
		bool dup = false;
		for (size_t k = 0; k < n && !dup; k++)
			dup = !strcmp(seen[k], norm);
		if (dup)
			continue;
		if (n == MAX_ITEMS) {
			vi_note(w, c->line, "more than %d phone numbers; the rest is left out",
				MAX_ITEMS);
			break;
		}
		memcpy(seen[n], norm, sizeof(norm));
		json_array_append_new(a, json_pack("{s:s,s:s}", "value", v, "label",
						   label_of(&c->phones[i], true)));
	}
	return a;
}

/* One ADR as brug's address, or NULL (with a warning when it is too long). */
static json_t *address_of(const struct vcard *c, const struct vcard_adr *d, struct vi_notes *w)
{
	struct buf street;
	buf_init(&street, 0);
	const char *parts[] = {d->street ? d->street : d->pobox, d->extended};
	for (int i = 0; i < 2; i++) {
		char *s = one_line(parts[i], ", ");
		if (s && *s)
			buf_printf(&street, "%s%s", street.len ? ", " : "", s);
		free(s);
	}
	char *pc = one_line(d->postal_code, " "), *city = one_line(d->locality, " ");
	char *country = one_line(d->country, " ");
	json_t *it = NULL;
	if (street.len > 0 || pc || city || country) {
		if (cps(buf_str(&street)) > 200 || cps(pc) > 20 || cps(city) > 100 || cps(country) > 100) {
			vi_note(w, c->line, "ADR \"%.60s\" is longer than brug keeps; left out",
				street.len ? buf_str(&street) : city ? city : "");
		} else {
			struct vcard_contact as = {.types = d->types, .label = d->label};
			it = json_pack("{s:s,s:s,s:s,s:s,s:s}", "street", buf_str(&street),
				       "postal_code", pc ? pc : "", "city", city ? city : "", "country",
				       country ? country : "", "label", label_of(&as, false));
		}
	}
	buf_cleanup(&street);
	free(pc);
	free(city);
	free(country);
	return it;
}

static json_t *addresses_of(const struct vcard *c, struct vi_notes *w)
{
	json_t *a = json_array();
	for (size_t i = 0; i < c->n_adrs; i++) {
		json_t *it = address_of(c, &c->adrs[i], w);
		if (!it)
			continue;
		if (json_array_size(a) == MAX_ITEMS) {
			json_decref(it);
			vi_note(w, c->line, "more than %d addresses; the rest is left out", MAX_ITEMS);
			break;
		}
		json_array_append_new(a, it);
	}
	return a;
}

static json_t *tags_of(const struct vcard *c, struct vi_notes *w)
{
	json_t *a = json_array();
	for (size_t i = 0; i < c->n_categories; i++) {
		const char *t = c->categories[i];
		if (!strcasecmp(t, "myContacts") || !strcasecmp(t, "starred"))
			continue; /* Google's own groups, on every card */
		char *s = one_line(t, " ");
		if (cps(s) > 50) {
			vi_note(w, c->line, "CATEGORIES \"%.60s\" is longer than 50 characters; left out",
				s);
		} else if (json_array_size(a) == MAX_TAGS) {
			vi_note(w, c->line, "more than %d categories; the rest is left out", MAX_TAGS);
			free(s);
			break;
		} else {
			json_array_append_new(a, json_string(s));
		}
		free(s);
	}
	return a;
}

static const char *lang_of(const char *tag)
{
	if (tag && !strncasecmp(tag, "nl", 2) && (!tag[2] || tag[2] == '-'))
		return "nl";
	if (tag && !strncasecmp(tag, "en", 2) && (!tag[2] || tag[2] == '-'))
		return "en";
	return NULL;
}

/* An organisation's card: KIND:org, or only an ORG to name it. */
static bool is_org(const struct vcard *c)
{
	if (c->kind)
		return !strcmp(c->kind, "org");
	return c->name_source == VCARD_NAME_ORG ||
	       (!c->given && !c->family && c->org && !strcmp(c->fn, c->org));
}

/* The person's names and work; false (with m->reason) when too long. */
static bool person_of(const struct vcard *c, struct vi_card *m, struct vi_notes *w)
{
	struct relation_in *in = &m->in;
	in->given_name = own(m, one_line(c->given, " "));
	in->family_name = own(m, one_line(c->family, " "));
	if (cps(in->given_name) > 100 || cps(in->family_name) > 100) {
		snprintf(m->reason, sizeof(m->reason),
			 "N: a given or family name is longer than 100 characters");
		return false;
	}
	char *org = one_line(c->org, " ");
	if (cps(org) > 200) {
		vi_note(w, c->line, "ORG is longer than 200 characters; left out");
		free(org);
		org = NULL;
	}
	m->org_name = own(m, org);
	char *title = one_line(c->title ? c->title : c->role, " ");
	if (cps(title) > 100) {
		vi_note(w, c->line, "TITLE cut at 100 characters");
		cut(title, 100);
	}
	in->job_title = own(m, title);
	return true;
}

void vi_card_map(const struct vcard *c, struct vi_card *m, struct vi_notes *w)
{
	struct relation_in *in = &m->in;
	in->parent_id = in->owner_id = -1;
	if (c->kind && (!strcmp(c->kind, "group") || !strcmp(c->kind, "location"))) {
		m->group = true;
		return;
	}
	bool org = is_org(c);
	in->kind = org ? "organisation" : "person";
	in->name = own(m, one_line(org && c->org && c->name_source == VCARD_NAME_ORG ? c->org : c->fn,
				   " "));
	if (cps(in->name) > 200) {
		snprintf(m->reason, sizeof(m->reason), "FN is longer than 200 characters");
		return;
	}
	if (!org && !person_of(c, m, w))
		return;
	char *notes = c->note ? xstrdup(c->note) : NULL;
	if (cps(notes) > 20000) {
		vi_note(w, c->line, "NOTE cut at 20,000 characters");
		cut(notes, 20000);
	}
	in->notes = own(m, notes);
	in->lang = lang_of(c->lang);
	in->emails = emails_of(c, w);
	in->phones = phones_of(c, w);
	in->addresses = addresses_of(c, w);
	in->tags = tags_of(c, w);
}

void vi_card_cleanup(struct vi_card *m)
{
	if (!m)
		return;
	json_decref(m->in.emails);
	json_decref(m->in.phones);
	json_decref(m->in.addresses);
	json_decref(m->in.tags);
	for (size_t i = 0; i < sizeof(m->owned) / sizeof(m->owned[0]); i++)
		free(m->owned[i]);
	memset(m, 0, sizeof(*m));
}

/* SPDX-License-Identifier: Apache-2.0 */
/* vCard reading: properties into struct vcard; see vcard.h. This file owns
 * what each property the reader uses means, which of several wins, Apple's
 * labels, the caps per card and how a card without FN gets its name. The
 * first FN, N, ORG, TITLE, ROLE, NOTE, URL, BDAY, UID and REV win; LANG
 * goes by PREF; EMAIL, TEL, ADR, CATEGORIES and NICKNAME add up. */
#include "util/vcard.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/vcard_impl.h"
#include "util/xmalloc.h"

/* How good a language hint is: lower wins (LANG uses its PREF, 1-100). */
#define LANG_RANK_LANG_NOPREF 101
#define LANG_RANK_X_LANGUAGE 200
#define LANG_RANK_PARAM 300

/* One property while it is read. */
struct prop {
	struct vcard_build *b;
	struct vcard_list *list;
	const struct vcard_head *h;
	struct vcard_params pp;
	const char *v; /* the value decoded to UTF-8, still escaped */
	size_t n;
	size_t line;
	size_t budget; /* bytes of VCARD_VALUE_MAX left for this property */
	bool cut;
};

static void prop_error(struct prop *p, const char *what)
{
	vcard_error_add(p->list, p->line, p->b->card_no, false, "%.*s: %s",
			(int)(p->h->name_len > 40 ? 40 : p->h->name_len), p->h->name, what);
}

/* A piece of the value as a field, within the property's budget. */
static char *take(struct prop *p, const char *s, size_t n)
{
	char *t = vcard_text_fit(vcard_text_clean(s, n), p->budget, &p->cut);
	if (t)
		p->budget -= strlen(t);
	return t;
}

/* Grows an array of n elements of size sz by one when n is 0 or a power
 * of two, so appending is amortised O(1) without a capacity field. */
static void *grow(void *a, size_t n, size_t sz)
{
	if (n & (n - 1))
		return a;
	return xrealloc(a, (n ? n * 2 : 1) * sz);
}

static void lang_hint(struct prop *p, const char *s, size_t n, int rank)
{
	if (rank >= p->b->lang_rank || !vcard_lang_valid(s, n))
		return;
	free(p->b->card.lang);
	p->b->card.lang = xstrndup(s, n);
	p->b->lang_rank = rank;
}

static void lang_param(struct prop *p)
{
	if (p->pp.lang)
		lang_hint(p, p->pp.lang, p->pp.lang_len, LANG_RANK_PARAM);
}

static void set_once(struct prop *p, char **field)
{
	if (!*field)
		*field = take(p, p->v, p->n);
}

/* A copy of the n bytes at s (already a clean field, or part of one)
 * without spaces, tabs and newlines around it; NULL when nothing is left.
 * Unlike vcard_text_clean it undoes no escapes a second time. */
static char *trim_dup(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t' || *s == '\n'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
		n--;
	return n ? xstrndup(s, n) : NULL;
}

/* ---- the properties ---- */

static void do_version(struct prop *p)
{
	char *t = vcard_text_clean(p->v, p->n);
	struct vcard *c = &p->b->card;
	if (t && strcmp(t, "2.1") == 0)
		c->version = VCARD_V21;
	else if (t && strcmp(t, "3.0") == 0)
		c->version = VCARD_V30;
	else if (t && strcmp(t, "4.0") == 0)
		c->version = VCARD_V40;
	else
		prop_error(p, "not 2.1, 3.0 or 4.0; read as 3.0");
	free(t);
}

static void do_fn(struct prop *p)
{
	set_once(p, &p->b->card.fn);
	lang_param(p);
}

static void do_n(struct prop *p)
{
	struct vcard *c = &p->b->card;
	char **parts[] = {&c->family, &c->given, &c->additional, &c->prefix, &c->suffix};
	lang_param(p);
	for (size_t i = 0; i < 5; i++)
		if (*parts[i])
			return;
	struct vcard_split sp = {p->v, p->n, false};
	const char *s;
	size_t len;
	for (size_t i = 0; i < 5 && vcard_split_next(&sp, ';', &s, &len); i++)
		*parts[i] = take(p, s, len);
}

/* ORG: the name, then the units joined by ", ". */
static void do_org(struct prop *p)
{
	struct vcard *c = &p->b->card;
	lang_param(p);
	if (c->org || c->org_unit)
		return;
	struct vcard_split sp = {p->v, p->n, false};
	const char *s;
	size_t len;
	vcard_split_next(&sp, ';', &s, &len);
	c->org = take(p, s, len);
	struct buf units;
	buf_init(&units, 0);
	while (vcard_split_next(&sp, ';', &s, &len)) {
		char *u = vcard_text_clean(s, len);
		if (!u)
			continue;
		if (units.len)
			buf_adds(&units, ", ");
		buf_adds(&units, u);
		free(u);
	}
	if (units.len) {
		c->org_unit = vcard_text_fit(buf_take(&units, NULL), p->budget, &p->cut);
		if (c->org_unit)
			p->budget -= strlen(c->org_unit);
	}
	buf_cleanup(&units);
}

static void do_title(struct prop *p)
{
	set_once(p, &p->b->card.title);
}

static void do_role(struct prop *p)
{
	set_once(p, &p->b->card.role);
}

static void do_note(struct prop *p)
{
	set_once(p, &p->b->card.note);
}

static void do_url(struct prop *p)
{
	set_once(p, &p->b->card.url);
}

static void do_lang(struct prop *p, int rank)
{
	char *t = vcard_text_clean(p->v, p->n);
	if (!t || !vcard_lang_valid(t, strlen(t)))
		prop_error(p, "not a language tag");
	else
		lang_hint(p, t, strlen(t), rank);
	free(t);
}

static void do_lang_4(struct prop *p)
{
	do_lang(p, p->pp.pref ? p->pp.pref : LANG_RANK_LANG_NOPREF);
}

static void do_x_language(struct prop *p)
{
	do_lang(p, LANG_RANK_X_LANGUAGE);
}

static void do_bday(struct prop *p)
{
	if (p->b->card.bday)
		return;
	char *t = vcard_text_clean(p->v, p->n);
	p->b->card.bday = t ? vcard_bday_normal(t, p->pp.omit_year) : NULL;
	if (!p->b->card.bday)
		prop_error(p, "not a date (YYYY-MM-DD, YYYYMMDD or --MMDD)");
	free(t);
}

static void do_rev(struct prop *p)
{
	if (p->b->card.rev)
		return;
	char *t = vcard_text_clean(p->v, p->n);
	p->b->card.rev = t ? vcard_rev_normal(t) : NULL;
	if (!p->b->card.rev)
		prop_error(p, "not a timestamp (YYYYMMDDTHHMMSSZ)");
	free(t);
}

/* KIND, and X-ADDRESSBOOKSERVER-KIND (Apple's 3.0 groups): lower-cased. */
static void do_kind(struct prop *p)
{
	if (p->b->card.kind)
		return;
	char *t = vcard_text_clean(p->v, p->n);
	if (!t || !vcard_kind_valid(t, strlen(t))) {
		prop_error(p, "not a kind (individual, org, group, location)");
		free(t);
		return;
	}
	for (char *q = t; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	p->b->card.kind = t;
}

/* Apple's X-ABShowAs:COMPANY: the card is a company's. */
static void do_show_as(struct prop *p)
{
	char *t = vcard_text_clean(p->v, p->n);
	if (t && !p->b->card.kind && strcasecmp(t, "COMPANY") == 0)
		p->b->card.kind = xstrdup("org");
	free(t);
}

static void do_uid(struct prop *p)
{
	char **uid = &p->b->card.uid;
	if (*uid)
		return;
	*uid = take(p, p->v, p->n);
	if (*uid && strncasecmp(*uid, "urn:uuid:", 9) == 0 && vcard_is_uuid(*uid + 9, strlen(*uid + 9)))
		memmove(*uid, *uid + 9, strlen(*uid + 9) + 1);
}

/* CATEGORIES and NICKNAME: comma lists, without duplicates, within the
 * card's budget for the list. */
static void do_list(struct prop *p, char ***items, size_t *n_items, size_t *budget)
{
	struct vcard_split sp = {p->v, p->n, false};
	const char *s;
	size_t len;
	while (vcard_split_next(&sp, ',', &s, &len)) {
		char *t = vcard_text_fit(vcard_text_clean(s, len), *budget, &p->cut);
		bool dup = false;
		for (size_t i = 0; t && i < *n_items && !dup; i++)
			dup = strcmp((*items)[i], t) == 0;
		if (!t || dup) {
			free(t);
			continue;
		}
		if (*n_items >= VCARD_LIST_MAX) {
			free(t);
			prop_error(p, "more than 256 items in the card; the rest is left out");
			return;
		}
		*budget -= strlen(t);
		*items = grow(*items, *n_items, sizeof(**items));
		(*items)[(*n_items)++] = t;
	}
}

static void do_categories(struct prop *p)
{
	do_list(p, &p->b->card.categories, &p->b->card.n_categories, &p->b->list_budget[0]);
}

static void do_nickname(struct prop *p)
{
	do_list(p, &p->b->card.nicknames, &p->b->card.n_nicknames, &p->b->list_budget[1]);
}

static void pending_add(struct prop *p, enum vcard_kind kind, size_t index)
{
	struct vcard_build *b = p->b;
	if (!p->h->group)
		return;
	b->pending = grow(b->pending, b->n_pending, sizeof(*b->pending));
	b->pending[b->n_pending++] = (struct vcard_pending){
		xstrndup(p->h->group, p->h->group_len), kind, index};
}

/* A TEL given as a tel: URI, as the plain number: "tel:+31-6-1234;ext=5"
 * is "+31 6 1234 ext. 5" (the writer turns spaces into '-'). */
static char *tel_plain(const char *t)
{
	struct buf out;
	buf_init(&out, 0);
	const char *s = t + 4, *semi = strchr(s, ';');
	size_t n = semi ? (size_t)(semi - s) : strlen(s);
	for (size_t i = 0; i < n; i++)
		buf_addc(&out, s[i] == '-' ? ' ' : s[i]);
	for (const char *q = semi; q; q = strchr(q + 1, ';')) {
		if (strncasecmp(q, ";ext=", 5) != 0)
			continue;
		const char *e = q + 5, *end = strchr(e, ';');
		buf_adds(&out, " ext. ");
		buf_add(&out, e, end ? (size_t)(end - e) : strlen(e));
		break;
	}
	char *r = trim_dup(buf_str(&out), out.len);
	buf_cleanup(&out);
	return r;
}

static void do_contact(struct prop *p, enum vcard_kind kind)
{
	struct vcard *c = &p->b->card;
	char *t = vcard_text_clean(p->v, p->n);
	if (t && kind == VCARD_KIND_TEL && strncasecmp(t, "tel:", 4) == 0 &&
	    (p->pp.vtype == VCARD_VT_URI || p->pp.vtype == VCARD_VT_DEFAULT)) {
		char *plain = tel_plain(t);
		free(t);
		t = plain;
	}
	t = vcard_text_fit(t, p->budget, &p->cut);
	if (!t)
		return;
	p->budget -= strlen(t);
	struct vcard_contact **a = kind == VCARD_KIND_EMAIL ? &c->emails : &c->phones;
	size_t *n = kind == VCARD_KIND_EMAIL ? &c->n_emails : &c->n_phones;
	*a = grow(*a, *n, sizeof(**a));
	(*a)[*n] = (struct vcard_contact){t, p->pp.types, p->pp.pref, NULL};
	pending_add(p, kind, (*n)++);
}

static void do_email(struct prop *p)
{
	do_contact(p, VCARD_KIND_EMAIL);
}

static void do_tel(struct prop *p)
{
	do_contact(p, VCARD_KIND_TEL);
}

static void do_adr(struct prop *p)
{
	struct vcard *c = &p->b->card;
	struct vcard_adr a = {.types = p->pp.types, .pref = p->pp.pref};
	char **parts[] = {&a.pobox,    &a.extended,    &a.street, &a.locality,
			  &a.region, &a.postal_code, &a.country};
	struct vcard_split sp = {p->v, p->n, false};
	const char *s;
	size_t len;
	bool any = false;
	for (size_t i = 0; i < 7 && vcard_split_next(&sp, ';', &s, &len); i++)
		any |= (*parts[i] = take(p, s, len)) != NULL;
	if (!any)
		return;
	c->adrs = grow(c->adrs, c->n_adrs, sizeof(*c->adrs));
	c->adrs[c->n_adrs] = a;
	pending_add(p, VCARD_KIND_ADR, c->n_adrs++);
}

/* Apple's item1.X-ABLabel:_$!<Mobile>!$_ (or a label of one's own). */
static void do_label(struct prop *p)
{
	struct vcard_build *b = p->b;
	if (!p->h->group)
		return;
	for (size_t i = 0; i < b->n_labels; i++)
		if (strlen(b->labels[i].group) == p->h->group_len &&
		    strncasecmp(b->labels[i].group, p->h->group, p->h->group_len) == 0)
			return;
	char *t = take(p, p->v, p->n);
	size_t n;
	while (t && (n = strlen(t)) >= 8 && strncmp(t, "_$!<", 4) == 0 &&
	       strcmp(t + n - 4, ">!$_") == 0) {
		char *inner = trim_dup(t + 4, n - 8);
		free(t);
		t = inner;
	}
	if (!t)
		return;
	b->labels = grow(b->labels, b->n_labels, sizeof(*b->labels));
	b->labels[b->n_labels++] =
		(struct vcard_group_label){xstrndup(p->h->group, p->h->group_len), t};
}

static const struct handler {
	const char *name;
	void (*fn)(struct prop *p);
	bool repeats; /* counts against VCARD_PROPS_MAX */
} handlers[] = {
	{"BEGIN", NULL, false}, /* vcard.c's business */
	{"END", NULL, false},
	{"VERSION", do_version, false},
	{"FN", do_fn, false},
	{"N", do_n, false},
	{"ORG", do_org, false},
	{"TITLE", do_title, false},
	{"ROLE", do_role, false},
	{"NOTE", do_note, false},
	{"URL", do_url, false},
	{"LANG", do_lang_4, false},
	{"X-LANGUAGE", do_x_language, false},
	{"BDAY", do_bday, false},
	{"REV", do_rev, false},
	{"UID", do_uid, false},
	{"KIND", do_kind, false},
	{"X-ADDRESSBOOKSERVER-KIND", do_kind, false},
	{"X-ABSHOWAS", do_show_as, false},
	{"CATEGORIES", do_categories, true},
	{"NICKNAME", do_nickname, true},
	{"EMAIL", do_email, true},
	{"TEL", do_tel, true},
	{"ADR", do_adr, true},
	{"X-ABLABEL", do_label, true},
};

static const struct handler *handler_of(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (vcard_name_is(name, n, handlers[i].name))
			return &handlers[i];
	return NULL;
}

bool vcard_name_used(const char *name, size_t n)
{
	return handler_of(name, n) != NULL;
}

/* ---- the card ---- */

void vcard_build_init(struct vcard_build *b, size_t card_no, size_t begin_line)
{
	memset(b, 0, sizeof(*b));
	b->card.version = VCARD_V30;
	b->card.line = begin_line;
	b->card.card_no = card_no;
	b->card_no = card_no;
	b->begin_line = begin_line;
	b->lang_rank = INT_MAX;
	b->list_budget[0] = b->list_budget[1] = VCARD_VALUE_MAX;
}

void vcard_build_add(struct vcard_build *b, const struct vcard_head *h, size_t line,
		     struct vcard_list *list)
{
	const struct handler *hd = handler_of(h->name, h->name_len);
	if (!hd || !hd->fn || b->too_many)
		return;
	if (hd->repeats && ++b->repeats > VCARD_PROPS_MAX) {
		b->too_many = true;
		return;
	}
	struct prop p = {.b = b, .list = list, .h = h, .line = line, .budget = VCARD_VALUE_MAX};
	vcard_params_parse(h->params, h->params_len, &p.pp);
	struct buf a, c;
	const struct buf *res;
	char why[160];
	buf_init(&a, 4 * VCARD_LINE_MAX);
	buf_init(&c, 4 * VCARD_LINE_MAX);
	if (vcard_value_decode(&p.pp, h->value, h->value_len, &a, &c, &res, why, sizeof(why))) {
		prop_error(&p, why);
		goto out;
	}
	p.v = buf_str(res);
	p.n = res->len;
	hd->fn(&p);
	if (p.cut)
		prop_error(&p, "value cut at 64 KiB");
out:
	buf_cleanup(&a);
	buf_cleanup(&c);
}

static const char *label_of(const struct vcard_build *b, const char *group)
{
	for (size_t i = 0; i < b->n_labels; i++)
		if (strcasecmp(b->labels[i].group, group) == 0)
			return b->labels[i].label;
	return NULL;
}

/* FN from N: prefix, given, additional, family, suffix ("Jan de Vries"). */
static char *name_from_n(const struct vcard *c)
{
	const char *parts[] = {c->prefix, c->given, c->additional, c->family, c->suffix};
	struct buf out;
	buf_init(&out, 0);
	for (size_t i = 0; i < 5; i++) {
		if (!parts[i])
			continue;
		if (out.len)
			buf_addc(&out, ' ');
		buf_adds(&out, parts[i]);
	}
	bool cut = false;
	char *r = out.len ? vcard_text_fit(buf_take(&out, NULL), VCARD_VALUE_MAX, &cut) : NULL;
	buf_cleanup(&out);
	return r;
}

static bool name_card(struct vcard *c)
{
	if (c->fn) {
		c->name_source = VCARD_NAME_FN;
	} else if ((c->fn = name_from_n(c))) {
		c->name_source = VCARD_NAME_N;
	} else if (c->org || c->org_unit) {
		c->fn = xstrdup(c->org ? c->org : c->org_unit);
		c->name_source = VCARD_NAME_ORG;
	} else if (c->n_emails) {
		c->fn = xstrdup(c->emails[0].value);
		c->name_source = VCARD_NAME_EMAIL;
	} else if (c->n_phones) {
		c->fn = xstrdup(c->phones[0].value);
		c->name_source = VCARD_NAME_TEL;
	}
	return c->fn != NULL;
}

bool vcard_build_finish(struct vcard_build *b, size_t end_line, struct vcard_list *list)
{
	struct vcard *c = &b->card;
	if (b->too_many) {
		vcard_error_add(list, b->begin_line, b->card_no, true,
				"the card has more than %d EMAIL, TEL, ADR, CATEGORIES, NICKNAME "
				"and X-ABLabel lines",
				VCARD_PROPS_MAX);
		return false;
	}
	for (size_t i = 0; i < b->n_pending; i++) {
		const struct vcard_pending *pd = &b->pending[i];
		const char *label = label_of(b, pd->group);
		if (!label)
			continue;
		char **dst = pd->kind == VCARD_KIND_EMAIL ? &c->emails[pd->index].label
			     : pd->kind == VCARD_KIND_TEL ? &c->phones[pd->index].label
							  : &c->adrs[pd->index].label;
		*dst = xstrdup(label);
	}
	if (!name_card(c)) {
		vcard_error_add(list, end_line, b->card_no, true,
				"the card begun on line %zu has no FN, N, ORG, EMAIL or TEL to "
				"name it",
				b->begin_line);
		return false;
	}
	return true;
}

void vcard_build_cleanup(struct vcard_build *b)
{
	for (size_t i = 0; i < b->n_pending; i++)
		free(b->pending[i].group);
	free(b->pending);
	for (size_t i = 0; i < b->n_labels; i++)
		free(b->labels[i].group), free(b->labels[i].label);
	free(b->labels);
	b->pending = NULL;
	b->labels = NULL;
	b->n_pending = b->n_labels = 0;
}

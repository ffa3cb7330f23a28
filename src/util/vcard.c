/* SPDX-License-Identifier: Apache-2.0 */
/* vCard reading, the outer layers; see vcard.h. This file owns lines:
 * splitting the input into physical lines, unfolding them into content
 * lines (with the repairs for broken folding and QUOTED-PRINTABLE soft
 * breaks), streaming past properties nobody reads, and the BEGIN/END
 * structure of cards. What a property means is vcard_prop.c's business. */
#include "util/vcard.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/rc.h"
#include "util/vcard_impl.h"
#include "util/xmalloc.h"

/* ---- physical lines ---- */

struct reader {
	const char *p, *end;
	const char *nl; /* the first '\n' at or after p, or end: found once, so
			 * a file with CR line ends is not scanned again per line */
	size_t line_no; /* of the line at p */
};

static bool at_end(const struct reader *r)
{
	return r->p >= r->end;
}

/* The line at r->p without its line end. */
static size_t phys_peek(struct reader *r, const char **s)
{
	if (r->nl < r->p) {
		r->nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
		if (!r->nl)
			r->nl = r->end;
	}
	const char *cr = memchr(r->p, '\r', (size_t)(r->nl - r->p));
	*s = r->p;
	return (size_t)((cr ? cr : r->nl) - r->p);
}

/* Steps past the line at r->p, whose length phys_peek gave. */
static void phys_next(struct reader *r, size_t n)
{
	const char *q = r->p + n;
	if (q < r->end && *q == '\r')
		q++;
	if (q < r->end && *q == '\n')
		q++;
	r->p = q;
	r->line_no++;
}

static bool is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

static bool is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-';
}

/* Length of the name at the start of s ([group.]name), and in *name the
 * part after the group. *ended: the name is followed by ';' or ':'. */
static size_t name_scan(const char *s, size_t n, const char **name, size_t *name_len,
			bool *ended)
{
	size_t i = 0, start = 0;
	while (i < n && is_name_char(s[i]))
		i++;
	if (i > 0 && i < n && s[i] == '.') {
		start = ++i;
		while (i < n && is_name_char(s[i]))
			i++;
	}
	*name = s + start;
	*name_len = i - start;
	*ended = i < n && (s[i] == ';' || s[i] == ':') && i > start;
	return i;
}

/* Whether a line that does not start with a space starts a new property:
 * [group.]name, then ';' or ':', and a ':' somewhere. */
static bool looks_like_prop(const char *s, size_t n)
{
	const char *name;
	size_t name_len;
	bool ended;
	size_t i = name_scan(s, n, &name, &name_len, &ended);
	return ended && memchr(s + i, ':', n - i) != NULL;
}

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* Whether the head of a line (up to its first ':') says QUOTED-PRINTABLE:
 * only then does a '=' at the end of a line join the next one. */
static bool has_qp(const char *s, size_t n)
{
	static const char qp[] = "QUOTED-PRINTABLE";
	const size_t k = sizeof(qp) - 1;
	const char *colon = memchr(s, ':', n);
	if (colon)
		n = (size_t)(colon - s);
	for (size_t i = 0; i + k <= n; i++) {
		size_t j = 0;
		while (j < k && upper(s[i + j]) == qp[j])
			j++;
		if (j == k)
			return true;
	}
	return false;
}

/* BEGIN:VCARD or END:VCARD (any case, spaces after): even a
 * quoted-printable soft break at the end of the line before does not take
 * a card's edge into a value. */
static bool is_edge(const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return vcard_name_is(s, n, "BEGIN:VCARD") || vcard_name_is(s, n, "END:VCARD");
}

/* Whether the line at r (s, n bytes) starts a new property, looking
 * through its folds (at most 1 KiB of them) when the line alone does not
 * say: a name may be folded too ("EM\r\n AIL:..."). */
static bool starts_prop(const struct reader *r, const char *s, size_t n)
{
	char head[1024];
	if (looks_like_prop(s, n))
		return true;
	if (n >= sizeof(head))
		return false;
	size_t k = n;
	memcpy(head, s, n);
	struct reader peek = *r;
	phys_next(&peek, n);
	while (k < sizeof(head) && !at_end(&peek)) {
		const char *t;
		size_t m = phys_peek(&peek, &t);
		if (!m || (t[0] != ' ' && t[0] != '\t'))
			break;
		size_t add = m - 1 < sizeof(head) - k ? m - 1 : sizeof(head) - k;
		memcpy(head + k, t + 1, add);
		k += add;
		phys_next(&peek, m);
	}
	return k > n && looks_like_prop(head, k);
}

/* ---- content lines ---- */

struct logical {
	size_t line_no;
	struct buf text; /* unfolded, unless skipped or too long */
	bool skipped;    /* a property nobody reads: not stored */
	bool too_long;   /* passed VCARD_LINE_MAX; the rest was streamed past */
};

static void logical_add(struct logical *lg, const char *s, size_t n)
{
	if (lg->skipped || lg->too_long)
		return;
	if (buf_add(&lg->text, s, n) != 0)
		lg->too_long = true;
}

/* Reads the next content line into lg, skipping blank lines; false at the
 * end of the input. */
static bool logical_read(struct reader *r, struct logical *lg)
{
	const char *s, *name;
	size_t n, name_len;
	bool ended;
	for (;;) {
		if (at_end(r))
			return false;
		n = phys_peek(r, &s);
		if (!is_blank(s, n))
			break;
		phys_next(r, n);
	}
	buf_reset(&lg->text);
	lg->line_no = r->line_no;
	lg->too_long = false;
	name_scan(s, n, &name, &name_len, &ended);
	lg->skipped = ended && !vcard_name_used(name, name_len);
	/* BEGIN, END and VERSION never take in broken continuation lines: a
	 * card must not lose its end to the garbage after it. */
	bool single = ended && (vcard_name_is(name, name_len, "BEGIN") ||
				vcard_name_is(name, name_len, "END") ||
				vcard_name_is(name, name_len, "VERSION"));
	bool qp = has_qp(s, n);
	char last = n ? s[n - 1] : '\0';
	logical_add(lg, s, n);
	phys_next(r, n);
	while (!at_end(r)) {
		n = phys_peek(r, &s);
		if (n && (s[0] == ' ' || s[0] == '\t')) {
			logical_add(lg, s + 1, n - 1);
			if (n > 1)
				last = s[n - 1];
		} else if (qp && last == '=' && n && !is_edge(s, n)) {
			/* a soft line break: the '=' goes, the line is data */
			if (!lg->skipped && !lg->too_long)
				lg->text.p[--lg->text.len] = '\0';
			logical_add(lg, s, n);
			last = s[n - 1];
		} else if (n && !single && !starts_prop(r, s, n)) {
			logical_add(lg, s, n);
			last = s[n - 1];
		} else {
			break;
		}
		phys_next(r, n);
	}
	return true;
}

/* ---- errors ---- */

void vcard_error_add(struct vcard_list *list, size_t line, size_t card, bool dropped,
		     const char *fmt, ...)
{
	if (list->n_errors >= VCARD_ERRORS_MAX) {
		list->errors_omitted++;
		return;
	}
	if ((list->n_errors & (list->n_errors - 1)) == 0) /* 0, 1, 2, 4, ...: grow */
		list->errors = xrealloc(list->errors, (list->n_errors ? list->n_errors * 2 : 1) *
							      sizeof(*list->errors));
	struct vcard_error *e = &list->errors[list->n_errors++];
	e->line = line;
	e->card = card;
	e->dropped = dropped;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->reason, sizeof(e->reason), fmt, ap);
	va_end(ap);
	for (char *c = e->reason; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			*c = '?';
}

/* ---- cards ---- */

struct parse {
	struct reader r;
	struct logical lg;
	struct vcard_list *list;
	size_t cards_cap;
	struct vcard_build b;
	bool in_card;
	bool outside; /* the previous line was text outside a card */
	size_t card_count;
};

/* BEGIN or END with the value VCARD (any case, spaces around). */
static bool is_marker(const struct vcard_head *h, const char *what)
{
	if (!vcard_name_is(h->name, h->name_len, what))
		return false;
	const char *v = h->value;
	size_t n = h->value_len;
	while (n && (*v == ' ' || *v == '\t'))
		v++, n--;
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	return vcard_name_is(v, n, "VCARD");
}

static void card_drop(struct parse *ps)
{
	ps->list->n_dropped++;
	vcard_build_cleanup(&ps->b);
	vcard_cleanup(&ps->b.card);
	ps->in_card = false;
}

static void card_end(struct parse *ps)
{
	if (!vcard_build_finish(&ps->b, ps->lg.line_no, ps->list)) {
		card_drop(ps);
		return;
	}
	struct vcard_list *l = ps->list;
	if (l->n_cards == ps->cards_cap) {
		ps->cards_cap = ps->cards_cap ? ps->cards_cap * 2 : 8;
		l->cards = xrealloc(l->cards, ps->cards_cap * sizeof(*l->cards));
	}
	l->cards[l->n_cards++] = ps->b.card;
	memset(&ps->b.card, 0, sizeof(ps->b.card));
	vcard_build_cleanup(&ps->b);
	ps->in_card = false;
}

/* One content line; BRUG_ETOOBIG past VCARD_CARDS_MAX cards. */
static int parse_line(struct parse *ps)
{
	struct vcard_head h;
	size_t line = ps->lg.line_no;
	bool prop = !ps->lg.skipped && !ps->lg.too_long &&
		    vcard_head_split(ps->lg.text.p, ps->lg.text.len, &h);
	if (prop && is_marker(&h, "BEGIN")) {
		if (ps->in_card) {
			vcard_error_add(ps->list, line, ps->b.card_no, true,
					"BEGIN:VCARD inside the card begun on line %zu (its "
					"END:VCARD is missing)",
					ps->b.begin_line);
			card_drop(ps);
		}
		if (++ps->card_count > VCARD_CARDS_MAX)
			return BRUG_ETOOBIG;
		vcard_build_init(&ps->b, ps->card_count, line);
		ps->in_card = true;
	} else if (prop && is_marker(&h, "END")) {
		if (ps->in_card)
			card_end(ps);
		else
			vcard_error_add(ps->list, line, 0, false, "END:VCARD without BEGIN:VCARD");
	} else if (!ps->in_card) {
		if (!ps->outside)
			vcard_error_add(ps->list, line, 0, false,
					"text outside BEGIN:VCARD ... END:VCARD ignored");
		ps->outside = true;
		return 0;
	} else if (ps->lg.too_long) {
		vcard_error_add(ps->list, line, ps->b.card_no, false,
				"property longer than %zu KiB left out", VCARD_LINE_MAX >> 10);
	} else if (!ps->lg.skipped) {
		if (prop)
			vcard_build_add(&ps->b, &h, line, ps->list);
		else
			vcard_error_add(ps->list, line, ps->b.card_no, false,
					"not a property (no name followed by ':') ignored");
	}
	ps->outside = false;
	return 0;
}

int vcard_parse(const char *data, size_t len, struct vcard_list **out)
{
	int rc = 0;
	struct parse ps;
	memset(&ps, 0, sizeof(ps));
	ps.list = xcalloc(1, sizeof(*ps.list));
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		data += 3, len -= 3;
	if (len == 0)
		data = ""; /* data may be NULL */
	const char *nl = len ? memchr(data, '\n', len) : NULL;
	ps.r = (struct reader){.p = data, .end = data + len, .nl = nl ? nl : data + len,
			       .line_no = 1};
	buf_init(&ps.lg.text, VCARD_LINE_MAX);
	while (logical_read(&ps.r, &ps.lg)) {
		rc = parse_line(&ps);
		if (rc)
			goto out;
	}
	if (ps.in_card) {
		vcard_error_add(ps.list, ps.b.begin_line, ps.b.card_no, true,
				"the card begun on line %zu has no END:VCARD", ps.b.begin_line);
		card_drop(&ps);
	}
out:
	buf_cleanup(&ps.lg.text);
	if (rc) {
		if (ps.in_card)
			card_drop(&ps);
		vcard_list_free(ps.list);
	} else {
		*out = ps.list;
	}
	return rc;
}

void vcard_cleanup(struct vcard *c)
{
	if (!c)
		return;
	char **strs[] = {&c->fn,	 &c->family, &c->given, &c->additional, &c->prefix,
			 &c->suffix, &c->org,	 &c->org_unit, &c->title,	&c->role,
			 &c->note,	 &c->lang,	 &c->bday,     &c->uid,	&c->url,
			 &c->rev,	 &c->kind};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		free(*strs[i]);
	for (size_t i = 0; i < c->n_categories; i++)
		free(c->categories[i]);
	free(c->categories);
	for (size_t i = 0; i < c->n_nicknames; i++)
		free(c->nicknames[i]);
	free(c->nicknames);
	for (size_t i = 0; i < c->n_emails; i++)
		free(c->emails[i].value), free(c->emails[i].label);
	free(c->emails);
	for (size_t i = 0; i < c->n_phones; i++)
		free(c->phones[i].value), free(c->phones[i].label);
	free(c->phones);
	for (size_t i = 0; i < c->n_adrs; i++) {
		struct vcard_adr *a = &c->adrs[i];
		free(a->pobox), free(a->extended), free(a->street), free(a->locality);
		free(a->region), free(a->postal_code), free(a->country), free(a->label);
	}
	free(c->adrs);
	memset(c, 0, sizeof(*c));
}

void vcard_list_free(struct vcard_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->n_cards; i++)
		vcard_cleanup(&list->cards[i]);
	free(list->cards);
	free(list->errors);
	free(list);
}

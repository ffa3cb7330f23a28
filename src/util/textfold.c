/* SPDX-License-Identifier: Apache-2.0 */
/* Search terms from text: folding (utf8proc, one code point at a time, so
 * invalid bytes are replaced where they stand), words, stems (libstemmer),
 * the set of terms of a text, the parsing of queries and prefix ranges.
 * E-mail addresses and phone numbers are found by textfold_scan.c.
 * A Snowball stemmer keeps state and is not thread-safe, so each call makes
 * its own, on first use: making and freeing the Dutch and the English one
 * costs about 0.5 us together, as much as stemming one word with both, and
 * needs no thread-local state that must be freed when a thread ends. */
#include "util/textfold.h"

#include <libstemmer.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/rc.h"
#include "util/buf.h"
#include "util/textfold_impl.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

/* NFKD, casefolded, without marks and default-ignorable code points. */
#define FOLD_OPTS                                                                                  \
	(UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |           \
	 UTF8PROC_IGNORE)
/* The longest folding of one code point is 18 (U+FDFA). */
#define FOLD_CP_MAX 32

/* Latin letters without a decomposition, as they are spelled in ASCII. */
static const struct {
	int32_t cp;
	char ascii[3];
} latin_extra[] = {
	{0x00E6, "ae"}, {0x00F0, "d"}, {0x00F8, "o"}, {0x00FE, "th"}, {0x0111, "d"},
	{0x0127, "h"},  {0x0131, "i"}, {0x0142, "l"}, {0x0153, "oe"}, {0x0167, "t"},
};

static void add_cp(struct buf *b, int32_t cp)
{
	if (cp >= 0xE6 && cp <= 0x167) {
		for (size_t i = 0; i < sizeof(latin_extra) / sizeof(latin_extra[0]); i++) {
			if (latin_extra[i].cp == cp) {
				buf_adds(b, latin_extra[i].ascii);
				return;
			}
		}
	}
	utf8proc_uint8_t u[4];
	utf8proc_ssize_t k = utf8proc_encode_char(cp, u);
	buf_add(b, u, (size_t)k);
}

/* Appends the folded form of the n bytes at s to b, until b holds limit
 * bytes or more. True when all of s was read. */
static bool fold_into(struct buf *b, const char *s, size_t n, size_t limit)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t i = 0;
	while (i < n) {
		if (b->len >= limit)
			return false;
		if (p[i] && p[i] < 0x80) { /* ASCII folds to itself, in lower case */
			buf_addc(b, (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]));
			i++;
			continue;
		}
		utf8proc_int32_t cp, d[FOLD_CP_MAX];
		utf8proc_ssize_t len = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (len <= 0 || !utf8proc_codepoint_valid(cp) || cp == 0) {
			cp = 0xFFFD; /* one replacement per bad byte, and for NUL */
			len = 1;
		}
		int boundclass = 0;
		utf8proc_ssize_t k =
			utf8proc_decompose_char(cp, d, FOLD_CP_MAX, FOLD_OPTS, &boundclass);
		if (k < 0 || k > FOLD_CP_MAX) { /* not with valid code points; be safe */
			d[0] = 0xFFFD;
			k = 1;
		}
		for (utf8proc_ssize_t j = 0; j < k; j++)
			add_cp(b, d[j]);
		i += (size_t)len;
	}
	return true;
}

int textfold_fold(const char *s, size_t n, char **out, size_t *out_len)
{
	if (n > TEXTFOLD_TEXT_MAX)
		return BRUG_ETOOBIG;
	struct buf b;
	buf_init(&b, 0);
	fold_into(&b, s, n, SIZE_MAX);
	*out = buf_take(&b, out_len);
	return 0;
}

/* ---- code points, words, forms ---- */

int32_t tf_cp_at(const char *f, size_t len, size_t i, size_t *next)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t k =
		utf8proc_iterate((const utf8proc_uint8_t *)f + i, (utf8proc_ssize_t)(len - i), &cp);
	if (k <= 0) { /* folded text is well-formed: not reached */
		*next = i + 1;
		return 0xFFFD;
	}
	*next = i + (size_t)k;
	return cp;
}

bool tf_is_word_cp(int32_t cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') ||
		       (cp >= 'A' && cp <= 'Z');
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return true;
	default:
		return false;
	}
}

bool tf_word_before(const char *f, size_t i)
{
	if (i == 0)
		return false;
	size_t k = i - 1, next;
	while (k > 0 && ((unsigned char)f[k] & 0xC0) == 0x80)
		k--;
	return tf_is_word_cp(tf_cp_at(f, i, k, &next));
}

size_t tf_cut_len(const char *s, size_t n)
{
	if (n <= TEXTFOLD_TERM_MAX)
		return n;
	size_t k = TEXTFOLD_TERM_MAX;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	return k;
}

void tf_form_set(struct tf_form *f, const char *s, size_t n)
{
	f->n = tf_cut_len(s, n);
	memcpy(f->s, s, f->n);
	f->s[f->n] = '\0';
}

void tf_forms_add(struct tf_form *forms, size_t *k, const char *s, size_t n)
{
	size_t c = tf_cut_len(s, n);
	if (c == 0 || *k == TEXTFOLD_ALTS_MAX)
		return;
	for (size_t i = 0; i < *k; i++)
		if (forms[i].n == c && memcmp(forms[i].s, s, c) == 0)
			return;
	tf_form_set(&forms[(*k)++], s, c);
}

#define W_ALPHA 1u /* has a letter */
#define W_DIGIT 2u /* has a digit */
#define W_OTHER 4u /* has a letter or digit outside ASCII */

struct word {
	size_t s, e;
	unsigned flags;
};

static unsigned cp_flags(int32_t cp)
{
	if (cp < 0x80)
		return cp >= '0' && cp <= '9' ? W_DIGIT : W_ALPHA;
	int c = utf8proc_category(cp);
	bool digit =
		c == UTF8PROC_CATEGORY_ND || c == UTF8PROC_CATEGORY_NL || c == UTF8PROC_CATEGORY_NO;
	return (digit ? W_DIGIT : W_ALPHA) | W_OTHER;
}

/* The next word of f at or after *pos; false at the end. */
static bool word_next(const char *f, size_t len, size_t *pos, struct word *w)
{
	size_t i = *pos, next;
	while (i < len && !tf_is_word_cp(tf_cp_at(f, len, i, &next)))
		i = next;
	if (i >= len)
		return false;
	w->s = i;
	w->flags = 0;
	int32_t cp;
	while (i < len && tf_is_word_cp(cp = tf_cp_at(f, len, i, &next))) {
		w->flags |= cp_flags(cp);
		i = next;
	}
	w->e = *pos = i;
	return true;
}

/* Snowball stemmers of one call, made on first use. */
struct stemmers {
	struct sb_stemmer *nl, *en;
};

static void stem_add(struct sb_stemmer **sb, const char *lang, const struct tf_form *w,
		     struct tf_form *forms, size_t *k)
{
	if (!*sb) {
		*sb = sb_stemmer_new(lang, "UTF_8");
		if (!*sb) { /* only when out of memory */
			fprintf(stderr, "brug: out of memory creating the %s stemmer\n", lang);
			abort();
		}
	}
	const sb_symbol *s = sb_stemmer_stem(*sb, (const sb_symbol *)w->s, (int)w->n);
	if (s)
		tf_forms_add(forms, k, (const char *)s, (size_t)sb_stemmer_length(*sb));
}

static void stemmers_cleanup(struct stemmers *st)
{
	if (st->nl)
		sb_stemmer_delete(st->nl);
	if (st->en)
		sb_stemmer_delete(st->en);
}

/* The terms of one word (n bytes at w): itself, cut, and for ASCII letters
 * its Dutch and English stems. Returns how many. */
static size_t word_forms(struct stemmers *st, const char *w, size_t n, unsigned flags,
			 struct tf_form *forms)
{
	size_t k = 0;
	tf_forms_add(forms, &k, w, n);
	if (k && flags == W_ALPHA) {
		struct tf_form cut = forms[0];
		stem_add(&st->nl, "dutch", &cut, forms, &k);
		stem_add(&st->en, "english", &cut, forms, &k);
	}
	return k;
}

/* ---- the terms of a text ---- */

struct termset {
	struct buf mem; /* the terms, each followed by a NUL */
	size_t *off;    /* where term i starts in mem */
	size_t n;
	uint32_t *slot; /* open addressing: index + 1, 0 for empty */
	size_t mask;
	bool full; /* TEXTFOLD_TERMS_MAX reached: stop reading */
};

#define TERMSET_SLOTS 4096 /* a power of two, at least twice TEXTFOLD_TERMS_MAX */

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static void termset_add(struct termset *ts, const char *s, size_t n)
{
	n = tf_cut_len(s, n);
	if (n == 0)
		return;
	size_t i = (size_t)hash_bytes(s, n) & ts->mask;
	for (; ts->slot[i]; i = (i + 1) & ts->mask) {
		size_t j = ts->slot[i] - 1;
		size_t end = j + 1 < ts->n ? ts->off[j + 1] : ts->mem.len;
		if (end - ts->off[j] - 1 == n && memcmp(ts->mem.p + ts->off[j], s, n) == 0)
			return;
	}
	if (ts->n == TEXTFOLD_TERMS_MAX) {
		ts->full = true;
		return;
	}
	ts->off[ts->n] = ts->mem.len;
	buf_add(&ts->mem, s, n);
	buf_addc(&ts->mem, '\0');
	ts->slot[i] = (uint32_t)++ts->n;
}

static void termset_add_word(struct termset *ts, struct stemmers *st, const char *w, size_t n,
			     unsigned flags)
{
	struct tf_form forms[TEXTFOLD_ALTS_MAX];
	size_t k = word_forms(st, w, n, flags, forms);
	for (size_t i = 0; i < k; i++)
		termset_add(ts, forms[i].s, forms[i].n);
}

static void terms_emails(struct termset *ts, const char *f, size_t len)
{
	for (const char *at = memchr(f, '@', len); at && !ts->full;
	     at = memchr(at + 1, '@', len - (size_t)(at + 1 - f))) {
		struct tf_email em;
		if (tf_email_at(f, len, (size_t)(at - f), true, &em))
			termset_add(ts, f + em.s, em.e - em.s);
	}
}

static void terms_phones(struct termset *ts, const char *f, size_t len)
{
	for (size_t p = 0; p < len && !ts->full; p++) {
		if (f[p] != '+' && f[p] != '0' && f[p] != '(')
			continue;
		struct tf_phone ph;
		enum tf_phone_scan r = tf_phone_scan(f, len, p, &ph);
		if (r == TF_PHONE_NONE)
			continue;
		p = ph.e - 1;
		if (r == TF_PHONE_RUN) { /* its digits, so that typing it finds it */
			termset_add(ts, ph.d, ph.nd);
			continue;
		}
		struct tf_form forms[TEXTFOLD_ALTS_MAX];
		size_t k = tf_phone_forms(&ph, false, forms);
		for (size_t i = 0; i < k; i++)
			termset_add(ts, forms[i].s, forms[i].n);
	}
}

/* The letter runs and digit runs of a word of both. */
static void terms_runs(struct termset *ts, const char *f, const struct word *w)
{
	size_t i = w->s, start = w->s, next;
	unsigned kind = 0;
	while (i < w->e) {
		unsigned k = cp_flags(tf_cp_at(f, w->e, i, &next)) & (W_ALPHA | W_DIGIT);
		if (kind && k != kind) {
			termset_add(ts, f + start, i - start);
			start = i;
		}
		kind = k;
		i = next;
	}
	termset_add(ts, f + start, i - start);
}

/* Whether the words ending at a and starting at b are joined by one hyphen
 * or apostrophe. */
static bool joined(const char *f, size_t a, size_t b)
{
	if (b - a == 1)
		return f[a] == '-' || f[a] == '\'';
	/* U+2010 hyphen (also what U+2011 folds to), U+2019 apostrophe */
	return b - a == 3 && memcmp(f + a, "\xE2\x80", 2) == 0 &&
	       (f[a + 2] == '\x90' || f[a + 2] == '\x99');
}

/* "1012 AB": four digits, not starting with 0, a space, two letters. */
static bool postcode(const char *f, const struct word *a, const struct word *b)
{
	if (a->e - a->s != 4 || b->e - b->s != 2 || b->s != a->e + 1 || f[a->e] != ' ' ||
	    f[a->s] == '0' || a->flags != W_DIGIT)
		return false;
	for (size_t i = b->s; i < b->e; i++)
		if (f[i] < 'a' || f[i] > 'z')
			return false;
	return true;
}

/* Words joined up, being built. */
struct join {
	char s[TEXTFOLD_TERM_MAX + 4];
	size_t n;
	unsigned flags;
	int parts;
};

static void join_add(struct join *j, const char *f, const struct word *w)
{
	size_t k = w->e - w->s;
	if (k > sizeof(j->s) - j->n)
		k = sizeof(j->s) - j->n; /* cut to a boundary when added */
	memcpy(j->s + j->n, f + w->s, k);
	j->n += k;
	j->flags |= w->flags;
	j->parts++;
}

static void join_flush(struct termset *ts, struct stemmers *st, struct join *j)
{
	if (j->parts > 1)
		termset_add_word(ts, st, j->s, j->n, j->flags);
	j->n = 0;
	j->flags = 0;
	j->parts = 0;
}

static void terms_words(struct termset *ts, struct stemmers *st, const char *f, size_t len)
{
	struct word w, prev = {0};
	struct join j = {0};
	bool have_prev = false;
	size_t pos = 0;
	while (!ts->full && word_next(f, len, &pos, &w)) {
		termset_add_word(ts, st, f + w.s, w.e - w.s, w.flags);
		if ((w.flags & W_ALPHA) && (w.flags & W_DIGIT))
			terms_runs(ts, f, &w);
		if (!have_prev || !joined(f, prev.e, w.s))
			join_flush(ts, st, &j);
		join_add(&j, f, &w);
		if (have_prev && postcode(f, &prev, &w)) {
			char pc[6];
			memcpy(pc, f + prev.s, 4);
			memcpy(pc + 4, f + w.s, 2);
			termset_add(ts, pc, 6);
		}
		prev = w;
		have_prev = true;
	}
	join_flush(ts, st, &j);
}

struct textfold_terms *textfold_terms(const char *text, size_t n)
{
	struct termset ts = {.mask = TERMSET_SLOTS - 1};
	buf_init(&ts.mem, 0);
	ts.off = xmalloc(TEXTFOLD_TERMS_MAX * sizeof(*ts.off));
	ts.slot = xcalloc(TERMSET_SLOTS, sizeof(*ts.slot));
	struct stemmers st = {0};
	struct buf fb;
	buf_init(&fb, 0);
	size_t take = n < TEXTFOLD_TEXT_MAX ? n : TEXTFOLD_TEXT_MAX;
	bool cut = !fold_into(&fb, text, take, TEXTFOLD_TEXT_MAX) || take < n;
	const char *f = buf_str(&fb);
	terms_emails(&ts, f, fb.len);
	terms_phones(&ts, f, fb.len);
	terms_words(&ts, &st, f, fb.len);

	struct textfold_terms *t = xcalloc(1, sizeof(*t));
	t->n = ts.n;
	t->truncated = cut || ts.full;
	t->mem = buf_take(&ts.mem, NULL);
	t->v = xmalloc((ts.n ? ts.n : 1) * sizeof(*t->v));
	for (size_t i = 0; i < ts.n; i++)
		t->v[i] = t->mem + ts.off[i];
	stemmers_cleanup(&st);
	buf_cleanup(&fb);
	free(ts.slot);
	free(ts.off);
	return t;
}

void textfold_terms_free(struct textfold_terms *t)
{
	if (!t)
		return;
	free(t->v);
	free(t->mem);
	free(t);
}

/* ---- queries ---- */

/* An e-mail address or phone number of a query, with its terms. */
struct item {
	size_t s, e;
	enum textfold_kind kind;
	struct tf_phone ph;
	bool done; /* its group was added */
};

#define ITEMS_MAX 256 /* a query of TEXTFOLD_QUERY_MAX bytes has fewer */

struct qbuild {
	struct textfold_query *q;
	bool over; /* more than TEXTFOLD_QUERY_GROUPS_MAX groups */
	struct item items[ITEMS_MAX];
	size_t nitems;
};

/* The alternatives of a group being built; prefix[i] for forms[i]. */
struct alts {
	struct tf_form forms[TEXTFOLD_ALTS_MAX];
	bool prefix[TEXTFOLD_ALTS_MAX];
	size_t n;
};

static bool group_equal(const struct textfold_group *g, enum textfold_kind kind,
			const struct alts *a)
{
	if (g->kind != kind || g->n != a->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (g->prefix[i] != a->prefix[i] || strcmp(g->alt[i], a->forms[i].s) != 0)
			return false;
	return true;
}

static void group_add(struct qbuild *qb, enum textfold_kind kind, const struct alts *a)
{
	struct textfold_query *q = qb->q;
	if (a->n == 0)
		return;
	for (size_t i = 0; i < q->n; i++)
		if (group_equal(&q->g[i], kind, a))
			return;
	if (q->n == TEXTFOLD_QUERY_GROUPS_MAX) {
		qb->over = true;
		return;
	}
	struct textfold_group *g = &q->g[q->n++];
	g->kind = kind;
	g->n = a->n;
	for (size_t i = 0; i < a->n; i++) {
		g->alt[i] = xstrndup(a->forms[i].s, a->forms[i].n);
		g->prefix[i] = a->prefix[i];
		char *u = NULL;
		if (a->prefix[i]) /* valid UTF-8 without NUL: cannot fail */
			textfold_prefix_upper(a->forms[i].s, a->forms[i].n, &u);
		g->upper[i] = u;
	}
}

static void item_push(struct qbuild *qb, enum textfold_kind kind, size_t s, size_t e,
		      const struct tf_phone *ph)
{
	if (qb->nitems == ITEMS_MAX)
		return;
	struct item *it = &qb->items[qb->nitems++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->s = s;
	it->e = e;
	if (ph)
		it->ph = *ph;
}

/* The addresses and numbers of folded query f; typing: the query does not
 * end in white space, so what runs into its end is being typed. */
static void query_items(struct qbuild *qb, const char *f, size_t len, bool typing)
{
	for (const char *at = memchr(f, '@', len); at;
	     at = memchr(at + 1, '@', len - (size_t)(at + 1 - f))) {
		struct tf_email em;
		size_t a = (size_t)(at - f);
		if (typing && tf_email_at(f, len, a, false, &em))
			item_push(qb, TEXTFOLD_EMAIL, em.s, em.e, NULL);
		else if (tf_email_at(f, len, a, true, &em))
			item_push(qb, TEXTFOLD_EMAIL, em.s, em.e, NULL);
	}
	for (size_t p = 0; p < len; p++) {
		if (f[p] != '+' && f[p] != '0' && f[p] != '(')
			continue;
		struct tf_phone ph;
		enum tf_phone_scan r = tf_phone_scan(f, len, p, &ph);
		if (r == TF_PHONE_NONE)
			continue;
		/* a run counts when it is being typed; otherwise its words do */
		if (r == TF_PHONE_COMPLETE || (typing && ph.at_end))
			item_push(qb, TEXTFOLD_PHONE, ph.s, ph.e, &ph);
		p = ph.e - 1;
	}
}

/* The group of an item; prefixes when it holds the word being typed. */
static void item_group(struct qbuild *qb, struct item *it, const char *f, bool prefix)
{
	struct alts a = {0};
	if (it->kind == TEXTFOLD_EMAIL)
		tf_forms_add(a.forms, &a.n, f + it->s, it->e - it->s);
	else
		a.n = tf_phone_forms(&it->ph, prefix, a.forms);
	for (size_t i = 0; i < a.n; i++)
		a.prefix[i] = prefix;
	group_add(qb, it->kind, &a);
	it->done = true;
}

static bool ends_in_space(const char *f, size_t len)
{
	if (len == 0)
		return true;
	size_t k = len - 1, next;
	while (k > 0 && ((unsigned char)f[k] & 0xC0) == 0x80)
		k--;
	int32_t cp = tf_cp_at(f, len, k, &next);
	if (cp < 0x80)
		return cp == ' ' || (cp >= '\t' && cp <= '\r');
	int c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP;
}

/* The groups of folded query f, in the order of its words. */
static void query_groups(struct qbuild *qb, const char *f, size_t len)
{
	bool typing = !ends_in_space(f, len);
	struct word last = {0}, w;
	size_t pos = 0;
	while (word_next(f, len, &pos, &w))
		last = w;
	query_items(qb, f, len, typing);
	struct stemmers st = {0};
	pos = 0;
	while (!qb->over && word_next(f, len, &pos, &w)) {
		bool is_last = w.s == last.s, covered = false;
		for (size_t i = 0; i < qb->nitems; i++) {
			struct item *it = &qb->items[i];
			if (it->s > w.s || w.e > it->e)
				continue;
			covered = true;
			if (!it->done)
				item_group(qb, it, f, typing && it->s <= last.s && last.e <= it->e);
		}
		if (covered)
			continue;
		/* the word being typed: a prefix, and its stems as they are */
		struct alts a = {0};
		a.n = word_forms(&st, f + w.s, w.e - w.s, w.flags, a.forms);
		a.prefix[0] = typing && is_last;
		group_add(qb, TEXTFOLD_WORD, &a);
	}
	stemmers_cleanup(&st);
}

int textfold_query(const char *q, size_t n, struct textfold_query **out, struct brug_err *err)
{
	if (n > TEXTFOLD_QUERY_MAX)
		return brug_failf(err, BRUG_ETOOBIG, "error.too_long", NULL,
				  "the search is longer than %d bytes", TEXTFOLD_QUERY_MAX);
	struct buf fb;
	buf_init(&fb, 0);
	fold_into(&fb, q, n, SIZE_MAX);
	struct qbuild *qb = xcalloc(1, sizeof(*qb));
	qb->q = xcalloc(1, sizeof(*qb->q));
	qb->q->g = xcalloc(TEXTFOLD_QUERY_GROUPS_MAX, sizeof(*qb->q->g));
	query_groups(qb, buf_str(&fb), fb.len);
	int rc = 0;
	if (qb->over) {
		rc = brug_failf(err, BRUG_ETOOBIG, "error.too_long", NULL,
				"the search has more than %d words", TEXTFOLD_QUERY_GROUPS_MAX);
		textfold_query_free(qb->q);
	} else {
		*out = qb->q;
	}
	free(qb);
	buf_cleanup(&fb);
	return rc;
}

void textfold_query_free(struct textfold_query *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->n; i++) {
		for (size_t j = 0; j < q->g[i].n; j++) {
			free((char *)q->g[i].alt[j]);
			free((char *)q->g[i].upper[j]);
		}
	}
	free(q->g);
	free(q);
}

int textfold_prefix_upper(const char *p, size_t n, char **out)
{
	if (!utf8_valid(p, n))
		return BRUG_EINVAL;
	size_t end = n;
	while (end > 0) {
		size_t s = end - 1, next;
		while (s > 0 && ((unsigned char)p[s] & 0xC0) == 0x80)
			s--;
		int32_t cp = tf_cp_at(p, end, s, &next);
		if (cp == 0x10FFFF) { /* nothing sorts after it: carry to the one before */
			end = s;
			continue;
		}
		cp = cp == 0xD7FF ? 0xE000 : cp + 1; /* surrogates are not UTF-8 */
		char *u = xmalloc(s + 5);
		memcpy(u, p, s);
		utf8proc_ssize_t k = utf8proc_encode_char(cp, (utf8proc_uint8_t *)u + s);
		u[s + (size_t)k] = '\0';
		*out = u;
		return 0;
	}
	*out = NULL;
	return 0;
}

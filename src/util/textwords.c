/* SPDX-License-Identifier: Apache-2.0 */
/* Words of a text and phrase sets; see textwords.h. Folding is
 * textfold_fold's; stems come from libstemmer directly, with the same
 * stemmers and the same rule (ASCII letters only) as textfold_terms,
 * because the phrase rule needs to know which stem is Dutch and which is
 * English, and textfold_terms hands back an unlabelled set. Phrases are
 * found through a sorted table of the forms of their first word. */
#include "util/textwords.h"

#include <assert.h>
#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/rc.h"
#include "util/textfold_impl.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

#define PHRASE_KEY "error.phrase"

/* ---- words ---- */

struct splitter {
	struct textwords *w;
	size_t cap;
	struct sb_stemmer *sb[2];
};

static bool is_symbol_cp(int32_t cp)
{
	return cp >= 0x80 && cp != 0xFFFD && utf8proc_category(cp) == UTF8PROC_CATEGORY_SO;
}

static bool is_break_cp(int32_t cp)
{
	return cp == '.' || cp == ',' || cp == ';' || cp == ':' || cp == '!' || cp == '?' ||
	       cp == '\n' || cp == '\r';
}

/* The longest prefix of the n bytes at s of at most TEXTFOLD_TERM_MAX
 * bytes that ends at a code point boundary. */
static size_t cut_len(const char *s, size_t n)
{
	if (n <= TEXTFOLD_TERM_MAX)
		return n;
	size_t k = TEXTFOLD_TERM_MAX;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	return k;
}

static bool ascii_letters(const char *s)
{
	for (; *s; s++)
		if (*s < 'a' || *s > 'z')
			return false;
	return true;
}

static const char *stem_of(struct splitter *sp, enum textwords_lang lang, const char *fold)
{
	static const char *const names[2] = {"dutch", "english"};
	if (!sp->sb[lang]) {
		sp->sb[lang] = sb_stemmer_new(names[lang], "UTF_8");
		if (!sp->sb[lang]) { /* only when out of memory */
			fprintf(stderr, "brug: out of memory creating the %s stemmer\n",
			        names[lang]);
			abort();
		}
	}
	size_t n = strlen(fold);
	const sb_symbol *s = sb_stemmer_stem(sp->sb[lang], (const sb_symbol *)fold, (int)n);
	int k = s ? sb_stemmer_length(sp->sb[lang]) : 0;
	if (k <= 0 || ((size_t)k == n && memcmp(s, fold, n) == 0))
		return fold;
	return arena_strndup(&sp->w->mem, (const char *)s, (size_t)k);
}

/* Appends the word of the n bytes at s, with suffix (may be "") after it. */
static void word_push(struct splitter *sp, const char *s, size_t n, const char *suffix, bool brk,
                      bool star)
{
	struct textwords *w = sp->w;
	if (w->n == sp->cap) {
		sp->cap = sp->cap ? sp->cap * 2 : 16;
		w->v = xrealloc(w->v, sp->cap * sizeof(*w->v));
	}
	size_t sn = strlen(suffix);
	char *fold = arena_alloc(&w->mem, n + sn + 1);
	memcpy(fold, s, n);
	memcpy(fold + n, suffix, sn + 1);
	fold[cut_len(fold, n + sn)] = '\0';
	struct textwords_word *wd = &w->v[w->n++];
	wd->fold = fold;
	wd->brk = brk;
	wd->star = star;
	bool stem = ascii_letters(fold);
	wd->stem[TEXTWORDS_NL] = stem ? stem_of(sp, TEXTWORDS_NL, fold) : fold;
	wd->stem[TEXTWORDS_EN] = stem ? stem_of(sp, TEXTWORDS_EN, fold) : fold;
}

/* The length of "'t" or "’t" at byte i of f when a word does not go on
 * after it, else 0. */
static size_t nt_len(const char *f, size_t len, size_t i)
{
	size_t q = 0, next;
	if (i < len && f[i] == '\'')
		q = 1;
	else if (len - i >= 3 && memcmp(f + i, "\xE2\x80\x99", 3) == 0)
		q = 3;
	if (!q || i + q >= len || f[i + q] != 't')
		return 0;
	if (i + q + 1 < len && tf_is_word_cp(tf_cp_at(f, len, i + q + 1, &next)))
		return 0;
	return q + 1;
}

static void split_folded(struct splitter *sp, const char *f, size_t len)
{
	bool brk = false;
	size_t i = 0, next;
	while (i < len) {
		int32_t cp = tf_cp_at(f, len, i, &next);
		if (is_symbol_cp(cp)) {
			word_push(sp, f + i, next - i, "", brk, false);
			brk = false;
		} else if (tf_is_word_cp(cp)) {
			size_t s = i, e = next, nx;
			while (e < len && tf_is_word_cp(tf_cp_at(f, len, e, &nx)))
				e = nx;
			size_t nt = f[e - 1] == 'n' ? nt_len(f, len, e) : 0;
			size_t after = e + nt;
			word_push(sp, f + s, e - s, nt ? "t" : "", brk,
			          after < len && f[after] == '*');
			brk = false;
			i = after;
			continue;
		} else if (is_break_cp(cp)) {
			brk = true;
		}
		i = next;
	}
}

int textwords_split(const char *text, size_t n, struct textwords **out, struct brug_err *err)
{
	if (n > TEXTFOLD_TEXT_MAX)
		return brug_failf(err, BRUG_ETOOBIG, "error.too_long", NULL,
		                  "text of %zu bytes, at most %d are read", n, TEXTFOLD_TEXT_MAX);
	char *f = NULL;
	size_t len = 0;
	int rc = textfold_fold(text, n, &f, &len);
	if (rc)
		return brug_fail(err, rc, "error.too_long", NULL);
	struct splitter sp = {.w = xcalloc(1, sizeof(struct textwords))};
	arena_init(&sp.w->mem);
	split_folded(&sp, f, len);
	for (int l = 0; l < 2; l++)
		if (sp.sb[l])
			sb_stemmer_delete(sp.sb[l]);
	free(f);
	*out = sp.w;
	return 0;
}

void textwords_free(struct textwords *w)
{
	if (!w)
		return;
	arena_cleanup(&w->mem);
	free(w->v);
	free(w);
}

/* ---- phrases ---- */

enum { T_FOLD, T_STEM_NL, T_STEM_EN, T_PREFIX };

struct phrase {
	uint32_t id;
	enum textwords_lang lang;
	size_t n;
	struct textwords_word w[TEXTWORDS_PHRASE_WORDS_MAX];
};

struct key {
	const char *s;
	uint32_t phrase;
	int table;
};

struct textwords_phrases {
	struct phrase *v;
	size_t n, cap;
	struct key *k;
	size_t nk, kcap;
	bool sorted;
	struct arena mem;
};

struct textwords_phrases *textwords_phrases_new(void)
{
	struct textwords_phrases *p = xcalloc(1, sizeof(*p));
	arena_init(&p->mem);
	p->sorted = true;
	return p;
}

void textwords_phrases_free(struct textwords_phrases *p)
{
	if (!p)
		return;
	arena_cleanup(&p->mem);
	free(p->v);
	free(p->k);
	free(p);
}

size_t textwords_phrases_count(const struct textwords_phrases *p)
{
	return p->n;
}

static void key_add(struct textwords_phrases *p, int table, const char *s)
{
	if (p->nk == p->kcap) {
		p->kcap = p->kcap ? p->kcap * 2 : 32;
		p->k = xrealloc(p->k, p->kcap * sizeof(*p->k));
	}
	p->k[p->nk++] = (struct key){.s = s, .phrase = (uint32_t)p->n, .table = table};
	p->sorted = false;
}

/* How many '*' s holds; SIZE_MAX when one is not at the end of a word
 * (followed by the end or white space). */
static size_t count_stars(const char *s)
{
	size_t k = 0;
	for (; *s; s++) {
		if (*s != '*')
			continue;
		if (s[1] && s[1] != ' ' && s[1] != '\t')
			return SIZE_MAX;
		k++;
	}
	return k;
}

/* Checks the words of phrase s; 0 or BRUG_EVALIDATION. */
static int phrase_check(const char *s, const struct textwords *w, struct brug_err *err)
{
	if (w->n == 0)
		return brug_failf(err, BRUG_EVALIDATION, PHRASE_KEY, NULL,
		                  "\"%s\" has no letters or digits", s);
	if (w->n > TEXTWORDS_PHRASE_WORDS_MAX)
		return brug_failf(err, BRUG_EVALIDATION, PHRASE_KEY, NULL,
		                  "\"%s\" has %zu words, at most %d are allowed", s, w->n,
		                  TEXTWORDS_PHRASE_WORDS_MAX);
	size_t stars = 0;
	for (size_t i = 0; i < w->n; i++) {
		const char *f = w->v[i].fold;
		if (i > 0 && w->v[i].brk)
			return brug_failf(err, BRUG_EVALIDATION, PHRASE_KEY, NULL,
			                  "\"%s\" has punctuation between its words", s);
		if (!w->v[i].star)
			continue;
		stars++;
		if (utf8_len(f, strlen(f)) < TEXTWORDS_PREFIX_MIN)
			return brug_failf(err, BRUG_EVALIDATION, PHRASE_KEY, NULL,
			                  "\"%s\": a prefix needs at least %d letters before '*'",
			                  s, TEXTWORDS_PREFIX_MIN);
	}
	if (stars != count_stars(s))
		return brug_failf(err, BRUG_EVALIDATION, PHRASE_KEY, NULL,
		                  "\"%s\": '*' may only follow a word, at its end", s);
	return 0;
}

int textwords_phrases_add(struct textwords_phrases *p, const char *s, enum textwords_lang lang,
                          uint32_t id, struct brug_err *err)
{
	struct textwords *w = NULL;
	size_t n = strlen(s);
	int rc = 0;
	if (n > TEXTWORDS_PHRASE_MAX) {
		rc = brug_failf(err, BRUG_EVALIDATION, PHRASE_KEY, NULL,
		                "a phrase of %zu bytes, at most %d are allowed", n,
		                TEXTWORDS_PHRASE_MAX);
		goto out;
	}
	if (!utf8_valid(s, n)) {
		rc = brug_failf(err, BRUG_EVALIDATION, PHRASE_KEY, NULL,
		                "a phrase that is not valid UTF-8");
		goto out;
	}
	rc = textwords_split(s, n, &w, err);
	if (rc)
		goto out;
	rc = phrase_check(s, w, err);
	if (rc)
		goto out;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	struct phrase *ph = &p->v[p->n];
	ph->id = id;
	ph->lang = lang;
	ph->n = w->n;
	for (size_t i = 0; i < w->n; i++) {
		struct textwords_word *d = &ph->w[i];
		*d = w->v[i];
		d->fold = arena_strdup(&p->mem, d->fold);
		d->stem[lang] = arena_strdup(&p->mem, d->stem[lang]);
		d->stem[!lang] = d->fold; /* never compared */
	}
	if (ph->w[0].star) {
		key_add(p, T_PREFIX, ph->w[0].fold);
	} else {
		key_add(p, T_FOLD, ph->w[0].fold);
		key_add(p, lang == TEXTWORDS_NL ? T_STEM_NL : T_STEM_EN, ph->w[0].stem[lang]);
	}
	p->n++;
out:
	textwords_free(w);
	return rc;
}

static int key_cmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	if (x->table != y->table)
		return x->table < y->table ? -1 : 1;
	int c = strcmp(x->s, y->s);
	if (c)
		return c;
	return (x->phrase > y->phrase) - (x->phrase < y->phrase);
}

void textwords_phrases_finish(struct textwords_phrases *p)
{
	if (!p->sorted)
		qsort(p->k, p->nk, sizeof(*p->k), key_cmp);
	p->sorted = true;
}

/* Order of key k against (table, the n bytes at s). */
static int key_vs(const struct key *k, int table, const char *s, size_t n)
{
	if (k->table != table)
		return k->table < table ? -1 : 1;
	int c = strncmp(k->s, s, n);
	if (c)
		return c;
	return k->s[n] != '\0'; /* longer than s: after it */
}

/* The first key not below (table, s[0..n)). */
static size_t key_lower(const struct textwords_phrases *p, int table, const char *s, size_t n)
{
	size_t lo = 0, hi = p->nk;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (key_vs(&p->k[mid], table, s, n) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool word_match(const struct textwords_word *pw, enum textwords_lang lang,
                       const struct textwords_word *tw)
{
	if (pw->star)
		return strncmp(tw->fold, pw->fold, strlen(pw->fold)) == 0;
	return strcmp(tw->fold, pw->fold) == 0 || strcmp(tw->stem[lang], pw->stem[lang]) == 0;
}

/* Whether the words of ph after the first match w from word i + 1 on. */
static bool rest_match(const struct phrase *ph, const struct textwords *w, size_t i)
{
	if (ph->n > w->n - i)
		return false;
	for (size_t j = 1; j < ph->n; j++)
		if (w->v[i + j].brk || !word_match(&ph->w[j], ph->lang, &w->v[i + j]))
			return false;
	return true;
}

struct at_state {
	const struct textwords_phrases *p;
	const struct textwords *w;
	size_t i, calls;
	bool stop;
	bool (*fn)(const struct textwords_hit *, void *);
	void *ctx;
};

/* Reports the phrases under the keys equal to (table, s[0..n)), from
 * key k on (the first key not below them). */
static void scan_from(struct at_state *st, int table, const char *s, size_t n, size_t k)
{
	const struct textwords_word *tw = &st->w->v[st->i];
	for (; !st->stop && k < st->p->nk && key_vs(&st->p->k[k], table, s, n) == 0; k++) {
		const struct phrase *ph = &st->p->v[st->p->k[k].phrase];
		/* a stem key of a phrase whose first word equals this word was
		 * reported from the fold table already */
		if ((table == T_STEM_NL || table == T_STEM_EN) &&
		    strcmp(ph->w[0].fold, tw->fold) == 0)
			continue;
		if (!rest_match(ph, st->w, st->i))
			continue;
		struct textwords_hit hit = {.id = ph->id, .words = ph->n};
		st->calls++;
		st->stop = !st->fn(&hit, st->ctx);
	}
}

static void scan_table(struct at_state *st, int table, const char *s, size_t n)
{
	scan_from(st, table, s, n, key_lower(st->p, table, s, n));
}

/* The prefix keys ("word*") the word starts with: every prefix of it that
 * ends at a code point boundary. Once no key starts with a prefix, no key
 * equals a longer one, which ends the search (most words stop at once). */
static void scan_prefixes(struct at_state *st, const char *s, size_t len)
{
	const struct textwords_phrases *p = st->p;
	for (size_t n = 1; n <= len && !st->stop; n++) {
		if (n < len && ((unsigned char)s[n] & 0xC0) == 0x80)
			continue;
		size_t k = key_lower(p, T_PREFIX, s, n);
		if (k == p->nk || p->k[k].table != T_PREFIX || strncmp(p->k[k].s, s, n) != 0)
			return;
		scan_from(st, T_PREFIX, s, n, k);
	}
}

size_t textwords_phrases_at(const struct textwords_phrases *p, const struct textwords *w, size_t i,
                            bool (*fn)(const struct textwords_hit *hit, void *ctx), void *ctx)
{
	assert(p->sorted && i < w->n);
	struct at_state st = {.p = p, .w = w, .i = i, .fn = fn, .ctx = ctx};
	const struct textwords_word *tw = &w->v[i];
	size_t fn_len = strlen(tw->fold);
	scan_table(&st, T_FOLD, tw->fold, fn_len);
	scan_table(&st, T_STEM_NL, tw->stem[TEXTWORDS_NL], strlen(tw->stem[TEXTWORDS_NL]));
	scan_table(&st, T_STEM_EN, tw->stem[TEXTWORDS_EN], strlen(tw->stem[TEXTWORDS_EN]));
	scan_prefixes(&st, tw->fold, fn_len);
	return st.calls;
}

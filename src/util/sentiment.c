/* SPDX-License-Identifier: Apache-2.0 */
/* Lexicon sentiment; see sentiment.h. This file owns the lexicon text
 * format and the scoring walk. All entries of all languages live in one
 * textwords phrase set, each phrase numbered with its entry, so a word is
 * looked up once in every language. The scoring is in the spirit of VADER
 * (Hutto and Gilbert 2014): summed word weights, negation flips with
 * damping, boosters, "but" shifts the weight to what follows, and the sum
 * squashed into -1..1. */
#include "util/sentiment.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rc.h"
#include "util/buf.h"
#include "util/embedded.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

#define LEX_ERR "error.lexicon"

#define NEGATED        (-0.75) /* a negated weight, times its original */
#define MORE           1.5
#define LESS           0.5
#define MOD_MIN        0.25
#define MOD_MAX        2.25
#define BUT_SEEN       0.5 /* what came before a "but" */
#define BUT_AFTER      1.5 /* what follows it */
#define LINE_MAX_BYTES 200

enum kind { K_WEIGHT, K_NEG, K_MORE, K_LESS, K_BUT, K_SKIP };

struct entry {
	enum kind kind;
	int weight;
};

struct sentiment_lexicon {
	struct entry *v;
	size_t n, cap;
	struct textwords_phrases *ph;
};

struct sentiment_lexicon *sentiment_lexicon_new(void)
{
	struct sentiment_lexicon *lx = xcalloc(1, sizeof(*lx));
	lx->ph = textwords_phrases_new();
	return lx;
}

void sentiment_lexicon_free(struct sentiment_lexicon *lx)
{
	if (!lx)
		return;
	textwords_phrases_free(lx->ph);
	free(lx->v);
	free(lx);
}

size_t sentiment_lexicon_count(const struct sentiment_lexicon *lx)
{
	return lx->n;
}

/* ---- reading a lexicon ---- */

/* One line of a source, read. */
struct line {
	size_t no;
	char *phrase;
	char *canon; /* the folded words, for finding repeats */
	struct entry e;
};

static int line_fail(struct brug_err *err, size_t no, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static int line_fail(struct brug_err *err, size_t no, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return brug_failf(err, BRUG_EVALIDATION, LEX_ERR, NULL, "line %zu: %s", no, msg);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int parse_value(const char *v, size_t no, struct entry *e, struct brug_err *err)
{
	static const struct {
		const char *name;
		enum kind kind;
	} names[] = {{"neg", K_NEG},
	             {"more", K_MORE},
	             {"less", K_LESS},
	             {"but", K_BUT},
	             {"skip", K_SKIP}};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(v, names[i].name) == 0) {
			*e = (struct entry){.kind = names[i].kind};
			return 0;
		}
	}
	const char *d = v + (v[0] == '+' || v[0] == '-');
	if (d[0] < '0' || d[0] > '3' || d[1] != '\0')
		return line_fail(err, no,
		                 "\"%.20s\" is no weight (-3..3) nor neg, more, less, but, skip",
		                 v);
	if (d[0] == '0')
		return line_fail(err, no, "a weight of 0 counts nothing: leave the line out");
	*e = (struct entry){.kind = K_WEIGHT, .weight = v[0] == '-' ? -(d[0] - '0') : d[0] - '0'};
	return 0;
}

/* The folded words of phrase s joined by spaces, a '*' kept. */
static char *phrase_canon(const char *s)
{
	struct textwords *w = NULL;
	struct buf b;
	buf_init(&b, 0);
	if (textwords_split(s, strlen(s), &w, NULL) == 0) {
		for (size_t i = 0; i < w->n; i++) {
			if (i)
				buf_addc(&b, ' ');
			buf_adds(&b, w->v[i].fold);
			if (w->v[i].star)
				buf_addc(&b, '*');
		}
	}
	textwords_free(w);
	return buf_take(&b, NULL);
}

/* Reads one line (len bytes at s, without its '\n'); *got: an entry. */
static int parse_line(const char *s, size_t len, size_t no, struct line *ln, bool *got,
                      struct brug_err *err)
{
	*got = false;
	while (len && (is_blank(s[len - 1]) || s[len - 1] == '\r'))
		len--;
	while (len && is_blank(*s)) {
		s++;
		len--;
	}
	if (len == 0 || s[0] == '#')
		return 0;
	if (len > LINE_MAX_BYTES)
		return line_fail(err, no, "longer than %d bytes", LINE_MAX_BYTES);
	size_t v = len;
	while (v && !is_blank(s[v - 1]))
		v--;
	size_t p = v;
	while (p && is_blank(s[p - 1]))
		p--;
	if (p == 0)
		return line_fail(err, no, "\"%.*s\" has no value after it",
		                 (int)(len < 40 ? len : 40), s);
	char val[LINE_MAX_BYTES + 1];
	memcpy(val, s + v, len - v);
	val[len - v] = '\0';
	int rc = parse_value(val, no, &ln->e, err);
	if (rc)
		return rc;
	ln->no = no;
	ln->phrase = xstrndup(s, p);
	ln->canon = phrase_canon(ln->phrase);
	*got = true;
	return 0;
}

static int line_cmp(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	int c = strcmp(x->canon, y->canon);
	return c ? c : (x->no > y->no) - (x->no < y->no);
}

/* Reads all lines of text into *out (*n of them); checks each phrase in
 * a scratch set, and repeats. */
static int read_lines(const char *text, size_t n, enum textwords_lang lang, struct line **out,
                      size_t *nl, struct brug_err *err)
{
	struct textwords_phrases *scratch = textwords_phrases_new();
	struct line *v = NULL;
	size_t k = 0, cap = 0, no = 0;
	int rc = 0;
	for (size_t i = 0; i < n && !rc;) {
		const char *eol = memchr(text + i, '\n', n - i);
		size_t len = eol ? (size_t)(eol - (text + i)) : n - i;
		if (k == cap) {
			cap = cap ? cap * 2 : 64;
			v = xrealloc(v, cap * sizeof(*v));
		}
		bool got = false;
		rc = parse_line(text + i, len, ++no, &v[k], &got, err);
		i += len + 1;
		if (rc || !got)
			continue;
		k++;
		struct brug_err e2 = {0};
		if (k > SENTIMENT_ENTRIES_MAX)
			rc = line_fail(err, no, "more than %d entries", SENTIMENT_ENTRIES_MAX);
		else if (textwords_phrases_add(scratch, v[k - 1].phrase, lang, 0, &e2))
			rc = line_fail(err, no, "%s", e2.detail);
	}
	if (!rc && k > 1) {
		qsort(v, k, sizeof(*v), line_cmp);
		for (size_t i = 1; i < k && !rc; i++)
			if (strcmp(v[i].canon, v[i - 1].canon) == 0)
				rc = line_fail(err, v[i].no, "\"%s\" is on line %zu already",
				               v[i].phrase, v[i - 1].no);
	}
	textwords_phrases_free(scratch);
	*out = v;
	*nl = k;
	return rc;
}

int sentiment_lexicon_add(struct sentiment_lexicon *lx, enum textwords_lang lang, const char *text,
                          size_t n, struct brug_err *err)
{
	struct line *v = NULL;
	size_t k = 0;
	int rc = 0;
	if (n > SENTIMENT_SOURCE_MAX) {
		rc = brug_failf(err, BRUG_ETOOBIG, LEX_ERR, NULL,
		                "a lexicon of %zu bytes, at most %d are allowed", n,
		                SENTIMENT_SOURCE_MAX);
		goto out;
	}
	if (!utf8_valid(text, n) || memchr(text, '\0', n)) {
		rc = brug_failf(err, BRUG_EVALIDATION, LEX_ERR, NULL,
		                "a lexicon must be UTF-8 text without NUL");
		goto out;
	}
	rc = read_lines(text, n, lang, &v, &k, err);
	if (rc)
		goto out;
	for (size_t i = 0; i < k; i++) {
		if (lx->n == lx->cap) {
			lx->cap = lx->cap ? lx->cap * 2 : 256;
			lx->v = xrealloc(lx->v, lx->cap * sizeof(*lx->v));
		}
		/* checked in read_lines, so this cannot fail */
		if (textwords_phrases_add(lx->ph, v[i].phrase, lang, (uint32_t)lx->n, NULL) == 0)
			lx->v[lx->n++] = v[i].e;
	}
	textwords_phrases_finish(lx->ph);
out:
	for (size_t i = 0; i < k; i++) {
		free(v[i].phrase);
		free(v[i].canon);
	}
	free(v);
	return rc;
}

int sentiment_lexicon_default(struct sentiment_lexicon **out, struct brug_err *err)
{
	static const struct {
		const char *file;
		enum textwords_lang lang;
	} files[] = {
	        {SENTIMENT_FILE_NL, TEXTWORDS_NL},
	        {SENTIMENT_FILE_EN, TEXTWORDS_EN},
	        {SENTIMENT_FILE_EMOJI, TEXTWORDS_EN},
	};
	struct sentiment_lexicon *lx = sentiment_lexicon_new();
	int rc = 0;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && !rc; i++) {
		const struct embedded_file *f = embedded_find(files[i].file);
		struct brug_err e2 = {0};
		if (!f)
			rc = brug_failf(err, BRUG_EINTERNAL, "error.internal", NULL,
			                "%s is not embedded", files[i].file);
		else if (sentiment_lexicon_add(lx, files[i].lang, (const char *)f->data, f->len,
		                               &e2))
			rc = brug_failf(err, BRUG_EINTERNAL, "error.internal", NULL, "%s: %s",
			                files[i].file, e2.detail);
	}
	if (rc) {
		sentiment_lexicon_free(lx);
		return rc;
	}
	*out = lx;
	return 0;
}

/* ---- scoring ---- */

/* What the longest entries at one word say. */
struct best {
	const struct sentiment_lexicon *lx;
	size_t words;  /* 0: nothing found */
	bool has_kind; /* a negator, modifier or "but" is among them */
	uint32_t kind_id;
	double sum; /* of their weights */
	size_t n;
};

static bool best_take(const struct textwords_hit *hit, void *ctx)
{
	struct best *b = ctx;
	const struct entry *e = &b->lx->v[hit->id];
	if (hit->words < b->words)
		return true;
	if (hit->words > b->words)
		*b = (struct best){.lx = b->lx, .words = hit->words};
	if (e->kind != K_WEIGHT) {
		if (!b->has_kind || hit->id < b->kind_id)
			b->kind_id = hit->id;
		b->has_kind = true;
	} else {
		b->sum += e->weight;
		b->n++;
	}
	return true;
}

struct walk {
	double sum, after;
	bool neg;
	size_t neg_until;
	double mod;
	size_t mod_until;
	size_t words;
};

static void walk_weight(struct walk *s, size_t i, double w)
{
	if (s->mod != 1.0 && i <= s->mod_until)
		w *= s->mod;
	if (s->neg && i <= s->neg_until)
		w *= NEGATED;
	s->neg = false;
	s->mod = 1.0;
	s->sum += w * s->after;
	s->words++;
}

/* Acts on the entry b found at word i; the entry ends at word last. */
static void walk_entry(struct walk *s, const struct best *b, size_t i, size_t last)
{
	if (!b->has_kind) {
		walk_weight(s, i, b->sum / (double)b->n);
		return;
	}
	switch (b->lx->v[b->kind_id].kind) {
	case K_NEG:
		s->neg = true;
		s->neg_until = last + SENTIMENT_NEGATION_WINDOW;
		break;
	case K_MORE:
	case K_LESS:
		if (i > s->mod_until)
			s->mod = 1.0;
		s->mod *= b->lx->v[b->kind_id].kind == K_MORE ? MORE : LESS;
		s->mod = fmin(MOD_MAX, fmax(MOD_MIN, s->mod));
		s->mod_until = last + SENTIMENT_MODIFIER_WINDOW;
		break;
	case K_BUT:
		s->sum *= BUT_SEEN;
		s->after = BUT_AFTER;
		s->neg = false;
		s->mod = 1.0;
		break;
	case K_WEIGHT:
	case K_SKIP:
		break;
	}
}

void sentiment_score_words(const struct sentiment_lexicon *lx, const struct textwords *w,
                           struct sentiment *out)
{
	struct walk s = {.after = 1.0, .mod = 1.0};
	for (size_t i = 0; i < w->n;) {
		if (w->v[i].brk) {
			s.neg = false;
			s.mod = 1.0;
		}
		struct best b = {.lx = lx};
		textwords_phrases_at(lx->ph, w, i, best_take, &b);
		if (b.words == 0) {
			i++;
			continue;
		}
		walk_entry(&s, &b, i, i + b.words - 1);
		i += b.words;
	}
	double score = s.words ? s.sum / sqrt(s.sum * s.sum + SENTIMENT_ALPHA) : 0.0;
	if (!(score >= -1.0)) /* also NaN, which cannot happen */
		score = score > 0 ? 1.0 : -1.0;
	if (score > 1.0)
		score = 1.0;
	out->score = score;
	out->words = s.words;
	out->label = score >= SENTIMENT_POSITIVE_MIN    ? SENTIMENT_POSITIVE
	             : score <= -SENTIMENT_POSITIVE_MIN ? SENTIMENT_NEGATIVE
	                                                : SENTIMENT_NEUTRAL;
}

int sentiment_score(const struct sentiment_lexicon *lx, const char *text, size_t n,
                    struct sentiment *out, struct brug_err *err)
{
	struct textwords *w = NULL;
	int rc = textwords_split(text, n, &w, err);
	if (rc)
		return rc;
	sentiment_score_words(lx, w, out);
	textwords_free(w);
	return 0;
}

const char *sentiment_label_name(enum sentiment_label label)
{
	switch (label) {
	case SENTIMENT_NEGATIVE:
		return "negative";
	case SENTIMENT_POSITIVE:
		return "positive";
	case SENTIMENT_NEUTRAL:
		break;
	}
	return "neutral";
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for util/themes, util/sentiment and util/textwords: the
 * input is an answer. It goes through textwords_split, themes_match with
 * the default dictionary and sentiment_score with the default lexicons;
 * the first line is also tried as a dictionary keyword and as a lexicon.
 * Beyond crashes, leaks and sanitizer reports, it traps on a score outside
 * -1..1 or a label that does not fit it, a theme index out of range or
 * repeated or out of order, a word that is empty, too long or not valid
 * UTF-8, and a text within the cap that is refused. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/rc.h"
#include "util/jx.h"
#include "util/sentiment.h"
#include "util/themes.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct themes_dict *dict;
static struct sentiment_lexicon *lex;

static void init(void)
{
	if (dict)
		return;
	jx_init();
	if (themes_dict_default(&dict, NULL) || sentiment_lexicon_default(&lex, NULL))
		__builtin_trap();
}

static void check_words(const struct textwords *w)
{
	for (size_t i = 0; i < w->n; i++) {
		const struct textwords_word *x = &w->v[i];
		size_t n = strlen(x->fold);
		if (n == 0 || n > TEXTFOLD_TERM_MAX || !utf8_valid(x->fold, n))
			__builtin_trap();
		for (int l = 0; l < 2; l++)
			if (!x->stem[l][0] || !utf8_valid(x->stem[l], strlen(x->stem[l])))
				__builtin_trap();
	}
}

static void check_sentiment(const struct sentiment *s)
{
	if (!(s->score >= -1.0 && s->score <= 1.0))
		__builtin_trap();
	enum sentiment_label want = s->score >= SENTIMENT_POSITIVE_MIN    ? SENTIMENT_POSITIVE
	                            : s->score <= -SENTIMENT_POSITIVE_MIN ? SENTIMENT_NEGATIVE
	                                                                  : SENTIMENT_NEUTRAL;
	if (s->label != want || (s->words == 0 && s->score != 0.0))
		__builtin_trap();
}

/* The first line as a keyword of a one-theme dictionary, and as a lexicon
 * line; either may be refused, but not crash. */
static void try_first_line(const char *s, size_t size)
{
	const char *nl = memchr(s, '\n', size);
	size_t n = nl ? (size_t)(nl - s) : size;
	if (n > 200)
		return;
	struct textwords_phrases *p = textwords_phrases_new();
	char kw[201];
	memcpy(kw, s, n);
	kw[n] = '\0';
	struct brug_err err = {0};
	if (textwords_phrases_add(p, kw, TEXTWORDS_NL, 0, &err) && !err.detail[0])
		__builtin_trap();
	textwords_phrases_free(p);
	struct sentiment_lexicon *l = sentiment_lexicon_new();
	if (sentiment_lexicon_add(l, TEXTWORDS_EN, s, n, &err) == 0) {
		struct sentiment st;
		if (sentiment_score(l, s, size, &st, NULL))
			__builtin_trap();
		check_sentiment(&st);
	}
	sentiment_lexicon_free(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	init();
	const char *s = (const char *)data;
	struct textwords *w = NULL;
	if (textwords_split(s, size, &w, NULL)) {
		if (size <= TEXTFOLD_TEXT_MAX)
			__builtin_trap();
		return 0;
	}
	check_words(w);

	size_t idx[THEMES_MAX], k = 0;
	if (themes_match(dict, s, size, idx, &k, NULL) || k > themes_count(dict))
		__builtin_trap();
	for (size_t i = 0; i < k; i++)
		if (idx[i] >= themes_count(dict) || (i && idx[i] <= idx[i - 1]))
			__builtin_trap();
	if (themes_match_words(dict, w, idx) != k)
		__builtin_trap();

	struct sentiment st;
	if (sentiment_score(lex, s, size, &st, NULL))
		__builtin_trap();
	check_sentiment(&st);
	textwords_free(w);

	try_first_line(s, size);
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The words of a text in order, each folded (util/textfold) and with its
 * Dutch and English Snowball stems, and sets of short phrases (keywords,
 * lexicon entries) found in such a word list. Shared by util/themes and
 * util/sentiment, which only attach meaning to the phrases. No I/O, no
 * global state; knows nothing of themes, sentiment or storage. */
#ifndef BRUG_UTIL_TEXTWORDS_H
#define BRUG_UTIL_TEXTWORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/textfold.h"

struct brug_err;

/* The stem languages. */
enum textwords_lang {
	TEXTWORDS_NL = 0,
	TEXTWORDS_EN = 1,
};

/* Most words in one phrase. */
#define TEXTWORDS_PHRASE_WORDS_MAX 6
/* Longest phrase, in bytes as written. */
#define TEXTWORDS_PHRASE_MAX 100
/* Shortest prefix ("bereikba*"), in code points of its folded form. */
#define TEXTWORDS_PREFIX_MIN 3

/* One word of a text. */
struct textwords_word {
	const char *fold;    /* folded (textfold_fold), 1..TEXTFOLD_TERM_MAX bytes */
	const char *stem[2]; /* [TEXTWORDS_NL], [TEXTWORDS_EN]: the Snowball
	                        stems when fold is only ASCII letters, else fold */
	bool brk;            /* a clause break (. , ; : ! ? or a line break)
	                        stands between this word and the one before */
	bool star;           /* written with a '*' right after it */
};

/* The words of one text. */
struct textwords {
	size_t n;
	struct textwords_word *v;
	struct arena mem; /* private */
};

/* Reads the n bytes at text (NULL when n is 0) as words, in order. The
 * text is folded with textfold_fold (so invalid UTF-8 and NUL become
 * U+FFFD, which separates words, and case and accents do not matter:
 * "Vriéndelijk" is "vriendelijk"); a word is a maximal run of letters and
 * digits (Unicode L and N), cut to TEXTFOLD_TERM_MAX bytes, as in
 * textfold_terms; stems are made for words of ASCII letters only, as
 * textfold_terms makes them. Two differences from textfold_terms: an
 * English contraction "n't" is joined up ("don't" and "dont" are both
 * "dont", "isn’t" "isnt"), because negation hangs on it; and a symbol
 * (Unicode So: emoji such as U+1F44D) is a word of its own.
 * On success *out gets the words, which the caller frees with
 * textwords_free. BRUG_ETOOBIG (err: "error.too_long") when n is over
 * TEXTFOLD_TEXT_MAX. err may be NULL. Thread-safe. */
int textwords_split(const char *text, size_t n, struct textwords **out, struct brug_err *err);
/* Frees w; NULL is fine. */
void textwords_free(struct textwords *w);

/* A set of phrases, each of 1..TEXTWORDS_PHRASE_WORDS_MAX words in one
 * language, with a number the caller chooses (a theme, a lexicon entry).
 * A word of a phrase matches a word of a text when their folded forms are
 * equal or their stems in the phrase's language are: a Dutch phrase word
 * compares Dutch stems only, so "klachten" matches "klacht", but the
 * English stem "go" of the Dutch "goed" never meets the English "go". A
 * phrase word written with a '*' after it is a prefix: it matches every
 * text word whose folded form starts with it ("bereikba*" matches
 * "bereikbaarheid"; stems play no part). A phrase matches at word i of a
 * text when its words match words i, i+1, ... in order with no clause
 * break between them. Not thread-safe while being added to; once complete,
 * any number of threads may match against it. */
struct textwords_phrases;

/* An empty set; the caller frees it with textwords_phrases_free. */
struct textwords_phrases *textwords_phrases_new(void);
/* Frees p; NULL is fine. */
void textwords_phrases_free(struct textwords_phrases *p);

/* Adds the phrase written as the NUL-terminated s, in language lang, with
 * the number id. The phrase is split with textwords_split, so "e-mail" is
 * the two words "e mail" and matches "e-mail" and "e mail" in a text.
 * BRUG_EVALIDATION (err: key "error.phrase", detail in English) for a
 * phrase over TEXTWORDS_PHRASE_MAX bytes, without a word, of more than
 * TEXTWORDS_PHRASE_WORDS_MAX words, with a clause break inside, with a '*'
 * after a word shorter than TEXTWORDS_PREFIX_MIN, or with a '*' anywhere
 * else. Invalid UTF-8 is BRUG_EVALIDATION too. err may be NULL. */
int textwords_phrases_add(struct textwords_phrases *p, const char *s, enum textwords_lang lang,
                          uint32_t id, struct brug_err *err);
/* Makes p ready for textwords_phrases_at, after the last add (adding
 * more afterwards is fine, but needs another finish). */
void textwords_phrases_finish(struct textwords_phrases *p);
/* How many phrases p holds. */
size_t textwords_phrases_count(const struct textwords_phrases *p);

/* One phrase found at a word. */
struct textwords_hit {
	uint32_t id;  /* the number it was added with */
	size_t words; /* how many words of the text it covers, 1.. */
};

/* Calls fn(hit, ctx) for each phrase of p that matches w at word i (i <
 * w->n), each phrase once, in no particular order; p must be finished. fn returns false to
 * stop early. Returns how many times fn was called. Thread-safe for
 * concurrent calls on a complete p. */
size_t textwords_phrases_at(const struct textwords_phrases *p, const struct textwords *w, size_t i,
                            bool (*fn)(const struct textwords_hit *hit, void *ctx), void *ctx);

#endif

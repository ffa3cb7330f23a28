/* SPDX-License-Identifier: Apache-2.0 */
/* Sentiment of open answers from lexicons: a score in -1..1 and a label,
 * from word weights (Dutch, English and emoji lexicons shipped as
 * textdata/sentiment-*.txt), with negation, intensifiers, diminishers and
 * "but". A lexicon is not understanding: sarcasm and context are out of
 * reach (docs/internals/feedback-text.md). No storage, no global state. */
#ifndef BRUG_UTIL_SENTIMENT_H
#define BRUG_UTIL_SENTIMENT_H

#include <stddef.h>

#include "util/textwords.h"

struct brug_err;

/* A score at or above this is positive, at or below its negative
 * negative, in between neutral: one word of weight 1 ("ok", "redelijk")
 * alone is neutral, one of weight 2 ("goed", "slow") is not. */
#define SENTIMENT_POSITIVE_MIN 0.3
/* The constant a of score = s / sqrt(s^2 + a), s the sum of the weights:
 * one word of weight 1 gives 0.25, of weight 2 0.46, 3 0.61, 6 0.84. */
#define SENTIMENT_ALPHA 15.0
/* A sentiment word after a negator within this many words is flipped. */
#define SENTIMENT_NEGATION_WINDOW 3
/* A modifier acts on a sentiment word within this many words after it. */
#define SENTIMENT_MODIFIER_WINDOW 2
/* Most entries added by one sentiment_lexicon_add, and largest source. */
#define SENTIMENT_ENTRIES_MAX 5000
#define SENTIMENT_SOURCE_MAX  (256 * 1024)
/* The embedded names of the default lexicons (textdata/ in the source
 * tree), each read in its language. */
#define SENTIMENT_FILE_NL    "data/sentiment-nl.txt"
#define SENTIMENT_FILE_EN    "data/sentiment-en.txt"
#define SENTIMENT_FILE_EMOJI "data/sentiment-emoji.txt"

enum sentiment_label {
	SENTIMENT_NEGATIVE = -1,
	SENTIMENT_NEUTRAL = 0,
	SENTIMENT_POSITIVE = 1,
};

/* The sentiment of one text. */
struct sentiment {
	double score; /* -1..1; 0 when no word of the lexicon was found */
	enum sentiment_label label;
	size_t words; /* how many sentiment words (or phrases) counted */
};

struct sentiment_lexicon;

/* An empty lexicon; the caller frees it with sentiment_lexicon_free. */
struct sentiment_lexicon *sentiment_lexicon_new(void);
/* Frees lx; NULL is fine. */
void sentiment_lexicon_free(struct sentiment_lexicon *lx);

/* Adds the entries of the n bytes of UTF-8 at text, words of language
 * lang (whose stems they are compared with). One entry a line:
 *   goed            2       a word and its weight, -3..3 but not 0
 *   nooit meer     -3       a phrase (up to TEXTWORDS_PHRASE_WORDS_MAX words)
 *   klantvriendelijk*  2    a prefix, as in textwords_phrases_add
 *   niet           neg      negator: flips the next sentiment word
 *   heel           more     intensifier: the next sentiment word x1.5
 *   beetje         less     diminisher: x0.5
 *   maar           but      what came before counts half, what follows x1.5
 *   eerlijk gezegd skip     counts nothing, but hides its words ("eerlijk")
 * Empty lines and lines starting with '#' are skipped; the value is the
 * last field, the phrase everything before it. BRUG_EVALIDATION (err key
 * "error.lexicon", detail "line N: ...") for a line without a value, a
 * bad value, a bad phrase, a phrase given twice in text, or more than
 * SENTIMENT_ENTRIES_MAX entries; BRUG_ETOOBIG for text over
 * SENTIMENT_SOURCE_MAX; BRUG_EVALIDATION for invalid UTF-8 or NUL. lx is
 * unchanged on failure. An organisation's own lexicon is one more add on
 * top of the defaults. Not thread-safe for lx (one writer). */
int sentiment_lexicon_add(struct sentiment_lexicon *lx, enum textwords_lang lang, const char *text,
                          size_t n, struct brug_err *err);
/* The shipped lexicons (SENTIMENT_FILE_NL as Dutch, SENTIMENT_FILE_EN and
 * SENTIMENT_FILE_EMOJI as English) in a new lexicon the caller frees.
 * BRUG_EINTERNAL when a file is missing or does not load (a build error).
 * Thread-safe. */
int sentiment_lexicon_default(struct sentiment_lexicon **out, struct brug_err *err);
/* How many entries lx holds. */
size_t sentiment_lexicon_count(const struct sentiment_lexicon *lx);

/* The sentiment of the n bytes at text. Words are read as textwords_split
 * reads them and looked up in every language of lx at once, since the
 * language of an answer is not known. At each word the longest matching
 * entry wins ("nooit meer" over "nooit"); when several entries of that
 * length match (a word in the Dutch and the English lexicon, or matched
 * through a stem), a negator, intensifier, diminisher, "but" or skip among
 * them wins (the first in lx), else their weights are averaged. A weight w counts as w times the
 * modifiers within SENTIMENT_MODIFIER_WINDOW words before it (together at
 * most x2.25), as -0.75 times that after a negator within
 * SENTIMENT_NEGATION_WINDOW words ("niet goed", "geen probleem", "not
 * bad"), and halved once a later "but" comes. Negators and modifiers do not
 * reach over a clause break (. , ; : ! ? or a new line). The sum s gives
 * score = s / sqrt(s^2 + SENTIMENT_ALPHA), and the label by
 * SENTIMENT_POSITIVE_MIN. BRUG_ETOOBIG (err: "error.too_long") for a text
 * over TEXTFOLD_TEXT_MAX bytes; out is written only on success. err may be
 * NULL. Thread-safe (lx is only read). */
int sentiment_score(const struct sentiment_lexicon *lx, const char *text, size_t n,
                    struct sentiment *out, struct brug_err *err);
/* The same for a text already split with textwords_split. Thread-safe. */
void sentiment_score_words(const struct sentiment_lexicon *lx, const struct textwords *w,
                           struct sentiment *out);
/* "negative", "neutral" or "positive". */
const char *sentiment_label_name(enum sentiment_label label);

#endif

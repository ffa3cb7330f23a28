/* SPDX-License-Identifier: Apache-2.0 */
/* Themes of open answers: a per-organisation dictionary of themes, each a
 * key, a Dutch and an English label and keywords in either language, read
 * from JSON (or the shipped default, textdata/themes.json), and which themes an
 * answer mentions. Pure text work: no storage, no HTTP, no global state.
 * How keywords match is util/textwords' phrase rule; the design and how to
 * tune a dictionary are in docs/internals/feedback-text.md. */
#ifndef BRUG_UTIL_THEMES_H
#define BRUG_UTIL_THEMES_H

#include <stddef.h>

#include "util/textwords.h"

struct brug_err;

/* Most themes in a dictionary. */
#define THEMES_MAX 100
/* Most keywords of one theme, Dutch and English together. */
#define THEMES_KEYWORDS_MAX 200
/* Longest key, in bytes: a-z, 0-9, '_' and '-'. */
#define THEMES_KEY_MAX 64
/* Longest label, in bytes. */
#define THEMES_LABEL_MAX 100
/* Largest dictionary document, in bytes. */
#define THEMES_JSON_MAX (1024 * 1024)
/* The embedded name of the default dictionary (textdata/themes.json in
 * the source tree). */
#define THEMES_DEFAULT_FILE "data/themes.json"

struct themes_dict;

/* Reads a dictionary from the n bytes of JSON at json:
 *   {"themes": [{"key": "prijs",
 *                "label": {"nl": "Prijs", "en": "Price"},
 *                "keywords": {"nl": ["duur", "factu*", "te veel betaald"],
 *                             "en": ["expensive", "invoice"]}}, ...]}
 * "themes" and, per theme, "key" and "label" with "nl" and "en" are
 * required; "keywords" may leave out a language. A keyword is a word or a
 * phrase of up to TEXTWORDS_PHRASE_WORDS_MAX words, a word ending in '*'
 * being a prefix; it matches an answer as textwords_phrases_add says, with
 * the stems of its language. Refused, with err->detail naming the place
 * (e.g. "themes[2].keywords.nl[4]: ..."): JSON that does not parse or is
 * not UTF-8 (BRUG_EINVAL, with line and column), a document over
 * THEMES_JSON_MAX (BRUG_ETOOBIG); and as BRUG_EVALIDATION: unknown or
 * missing members, values of the wrong type, no themes, more than
 * THEMES_MAX themes or THEMES_KEYWORDS_MAX keywords in one, a key that is
 * empty, too long, of other characters or used twice, an empty or too long
 * label, an empty keyword, one that is not a valid phrase, or one given
 * twice in a theme. err gets the key "error.themes". On success *out gets
 * the dictionary, which the caller frees with themes_dict_free. err may be
 * NULL. Thread-safe. */
int themes_dict_load_json(const char *json, size_t n, struct themes_dict **out,
                          struct brug_err *err);
/* The shipped default dictionary (THEMES_DEFAULT_FILE, embedded at build
 * time): bereikbaarheid, communicatie, deskundigheid, snelheid, prijs,
 * vriendelijkheid and betrouwbaarheid, with Dutch and English keywords.
 * As themes_dict_load_json; BRUG_EINTERNAL when the embedded file is
 * missing or broken (a build error). The caller frees *out. Thread-safe. */
int themes_dict_default(struct themes_dict **out, struct brug_err *err);
/* Frees d; NULL is fine. */
void themes_dict_free(struct themes_dict *d);

/* How many themes d holds; theme indices are 0..count-1, in the order of
 * the document. */
size_t themes_count(const struct themes_dict *d);
/* The key of theme i (< themes_count), owned by d. */
const char *themes_key(const struct themes_dict *d, size_t i);
/* The label of theme i in lang ("nl" or "en"; anything else gives "en"),
 * owned by d. */
const char *themes_label(const struct themes_dict *d, size_t i, const char *lang);
/* How many keywords theme i has (both languages). */
size_t themes_keyword_count(const struct themes_dict *d, size_t i);

/* The themes that the answer of n bytes at text mentions: idx (room for
 * themes_count(d) entries) gets their indices, each once, in ascending
 * order, and *n_idx how many. Case, accents and invalid UTF-8 are handled
 * as textwords_split does. BRUG_ETOOBIG (err: "error.too_long") for a text
 * over TEXTFOLD_TEXT_MAX bytes; nothing is written then. err may be NULL.
 * Thread-safe (d is only read). */
int themes_match(const struct themes_dict *d, const char *text, size_t n, size_t *idx,
                 size_t *n_idx, struct brug_err *err);
/* The same for a text already split with textwords_split (so a caller
 * that also wants the sentiment splits once); returns how many indices
 * were written to idx. Thread-safe. */
size_t themes_match_words(const struct themes_dict *d, const struct textwords *w, size_t *idx);

#endif

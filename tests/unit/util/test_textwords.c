/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/util/textwords.c: words in order with folding, Dutch and
 * English stems, clause breaks, '*', joined contractions and emoji; phrase
 * sets: stems compared per language, prefixes, phrases, each phrase
 * reported once, and the refusals of textwords_phrases_add. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/rc.h"
#include "util/textwords.h"

static struct textwords *split(const char *s)
{
	struct textwords *w = NULL;
	assert_int_equal(textwords_split(s, strlen(s), &w, NULL), 0);
	return w;
}

static void test_split(void **state)
{
	(void)state;
	struct textwords *w = split("Vriéndelijke KLANTEN, don’t 👍 bereikba* e-mail");
	static const char *const fold[] = {"vriendelijke", "klanten", "dont", "👍",
	                                   "bereikba",     "e",       "mail"};
	assert_int_equal(w->n, 7);
	for (size_t i = 0; i < w->n; i++)
		assert_string_equal(w->v[i].fold, fold[i]);
	assert_string_equal(w->v[0].stem[TEXTWORDS_NL], "vriendelijk");
	assert_string_equal(w->v[1].stem[TEXTWORDS_NL], "klant");
	assert_string_equal(w->v[1].stem[TEXTWORDS_EN], "klanten");
	assert_string_equal(w->v[3].stem[TEXTWORDS_EN], "👍");
	assert_true(!w->v[1].brk && w->v[2].brk); /* the comma */
	assert_true(w->v[4].star && !w->v[5].star);
	textwords_free(w);

	/* long words are cut at a code point boundary, NUL separates */
	char s[200];
	memset(s, 'a', 100);
	memcpy(s + 100, "\0é", 4);
	w = NULL;
	assert_int_equal(textwords_split(s, 103, &w, NULL), 0);
	assert_int_equal(w->n, 2);
	assert_int_equal(strlen(w->v[0].fold), TEXTFOLD_TERM_MAX);
	assert_string_equal(w->v[1].fold, "e");
	textwords_free(w);

	w = split("");
	assert_int_equal(w->n, 0);
	textwords_free(w);

	struct brug_err err = {0};
	assert_int_equal(textwords_split("x", TEXTFOLD_TEXT_MAX + 1, &w, &err), BRUG_ETOOBIG);
	assert_string_equal(err.key, "error.too_long");
}

static bool collect(const struct textwords_hit *hit, void *ctx)
{
	unsigned *seen = ctx;
	seen[hit->id] += (unsigned)hit->words;
	return true;
}

/* seen[id] gets the sum of the lengths of the phrases found at word i. */
static void hits_at(const struct textwords_phrases *p, const char *text, size_t i, unsigned seen[8])
{
	struct textwords *w = split(text);
	memset(seen, 0, 8 * sizeof(unsigned));
	if (i < w->n)
		textwords_phrases_at(p, w, i, collect, seen);
	textwords_free(w);
}

static void test_phrases(void **state)
{
	(void)state;
	struct textwords_phrases *p = textwords_phrases_new();
	assert_int_equal(textwords_phrases_add(p, "goed", TEXTWORDS_NL, 0, NULL), 0);
	assert_int_equal(textwords_phrases_add(p, "going", TEXTWORDS_EN, 1, NULL), 0);
	assert_int_equal(textwords_phrases_add(p, "lang wachten", TEXTWORDS_NL, 2, NULL), 0);
	assert_int_equal(textwords_phrases_add(p, "bereikba*", TEXTWORDS_NL, 3, NULL), 0);
	assert_int_equal(textwords_phrases_add(p, "klant", TEXTWORDS_NL, 4, NULL), 0);
	assert_int_equal(textwords_phrases_add(p, "klanten", TEXTWORDS_NL, 5, NULL), 0);
	textwords_phrases_finish(p);
	assert_int_equal(textwords_phrases_count(p), 6);
	unsigned s[8];
	hits_at(p, "goede", 0, s);
	assert_true(s[0] == 1 && s[1] == 0);
	hits_at(p, "go", 0, s); /* English stem of "goed" is "go", but goed is Dutch */
	assert_true(s[0] == 0 && s[1] == 1);
	hits_at(p, "Lange wachten", 0, s);
	assert_int_equal(s[2], 2);
	hits_at(p, "lang; wachten", 0, s);
	assert_int_equal(s[2], 0);
	hits_at(p, "bereikbaarheid", 0, s);
	assert_int_equal(s[3], 1);
	hits_at(p, "onbereikbaar", 0, s);
	assert_int_equal(s[3], 0);
	/* each phrase once, though found through its fold and its stem */
	hits_at(p, "klanten", 0, s);
	assert_true(s[4] == 1 && s[5] == 1);
	textwords_phrases_free(p);
}

static void test_phrase_refusals(void **state)
{
	(void)state;
	static const struct {
		const char *s, *msg;
	} bad[] = {
	        {"", "has no letters or digits"},
	        {"--", "has no letters or digits"},
	        {"a b c d e f g", "has 7 words, at most 6"},
	        {"be*", "a prefix needs at least 3 letters"},
	        {"*abc", "'*' may only follow a word"},
	        {"abc*d", "'*' may only follow a word"},
	        {"abc**", "'*' may only follow a word"},
	        {"lang. wachten", "punctuation between its words"},
	        {"\xff", "not valid UTF-8"},
	        {"0123456789012345678901234567890123456789012345678901234567890123456789"
	         "01234567890123456789012345678901",
	         "a phrase of 102 bytes"},
	};
	struct textwords_phrases *p = textwords_phrases_new();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct brug_err err = {0};
		int rc = textwords_phrases_add(p, bad[i].s, TEXTWORDS_EN, 0, &err);
		if (rc != BRUG_EVALIDATION || !strstr(err.detail, bad[i].msg))
			fail_msg("\"%s\": rc %d \"%s\"", bad[i].s, rc, err.detail);
		assert_string_equal(err.key, "error.phrase");
	}
	assert_int_equal(textwords_phrases_count(p), 0);
	textwords_phrases_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_split),
	        cmocka_unit_test(test_phrases),
	        cmocka_unit_test(test_phrase_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

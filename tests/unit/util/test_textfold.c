/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/util/textfold.c: the folding table (case, accents, ß,
 * ligatures, fullwidth, other scripts, invalid UTF-8), words, e-mail
 * addresses and phone numbers (the Dutch forms), the Dutch and English stems
 * we rely on, query parsing, prefix ranges, caps, threads, and above all
 * that a query finds what a user expects: each case is evaluated the way the
 * caller's SQL does it (every group, any alternative, exact or in range). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <pthread.h>

#include "core/rc.h"
#include "util/buf.h"
#include "util/textfold.h"
#include "util/utf8.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ---- */

static bool has_term(const struct textfold_terms *t, const char *s)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i], s) == 0)
			return true;
	return false;
}

static const char *show_terms(const struct textfold_terms *t, char *out, size_t cap)
{
	size_t k = 0;
	out[0] = '\0';
	for (size_t i = 0; i < t->n && k + 1 < cap; i++) {
		int w = snprintf(out + k, cap - k, "%s%s", i ? " " : "", t->v[i]);
		if (w < 0)
			break;
		k += (size_t)w;
	}
	return out;
}

/* Each of the '|'-separated terms in list is (want) or is not a term of text. */
static void check_terms(const char *text, const char *list, bool want)
{
	struct textfold_terms *t = textfold_terms(text, strlen(text));
	char one[256], all[4096];
	const char *p = list;
	while (*p) {
		size_t n = strcspn(p, "|");
		snprintf(one, sizeof(one), "%.*s", (int)n, p);
		if (has_term(t, one) != want)
			fail_msg("\"%s\": %s \"%s\"; terms: %s", text, want ? "lacks" : "has", one,
				 show_terms(t, all, sizeof(all)));
		p += n + (p[n] == '|');
	}
	textfold_terms_free(t);
}

#define HAS(text, list)   check_terms(text, list, true)
#define LACKS(text, list) check_terms(text, list, false)

static struct textfold_query *query_ok(const char *q)
{
	struct textfold_query *out = NULL;
	struct brug_err err = {0};
	int rc = textfold_query(q, strlen(q), &out, &err);
	if (rc)
		fail_msg("query \"%s\" failed: %d %s", q, rc, err.detail);
	assert_non_null(out);
	return out;
}

/* As the caller's SQL does: an exact alternative is an equal term, a prefix
 * one a term in [alt, upper). */
static bool group_matches(const struct textfold_group *g, const struct textfold_terms *t)
{
	for (size_t i = 0; i < g->n; i++) {
		for (size_t k = 0; k < t->n; k++) {
			if (!g->prefix[i] && strcmp(t->v[k], g->alt[i]) == 0)
				return true;
			if (g->prefix[i] && strcmp(t->v[k], g->alt[i]) >= 0 &&
			    (!g->upper[i] || strcmp(t->v[k], g->upper[i]) < 0))
				return true;
		}
	}
	return false;
}

/* Whether the query finds the text; a query without groups finds nothing. */
static bool finds(const char *text, const char *query)
{
	struct textfold_terms *t = textfold_terms(text, strlen(text));
	struct textfold_query *q = query_ok(query);
	bool all = q->n > 0;
	for (size_t i = 0; i < q->n; i++)
		all = all && group_matches(&q->g[i], t);
	textfold_query_free(q);
	textfold_terms_free(t);
	return all;
}

#define FINDS(text, query)                                                                         \
	do {                                                                                       \
		if (!finds(text, query))                                                           \
			fail_msg("\"%s\" does not find \"%s\"", query, text);                      \
	} while (0)
#define MISSES(text, query)                                                                        \
	do {                                                                                       \
		if (finds(text, query))                                                            \
			fail_msg("\"%s\" finds \"%s\"", query, text);                              \
	} while (0)

static char *fold(const char *s, size_t n)
{
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(textfold_fold(s, n, &out, &len), 0);
	assert_int_equal(strlen(out), len);
	return out;
}

/* ---- folding ---- */

static const struct {
	const char *in, *out;
} fold_cases[] = {
	{"Zoë", "zoe"},
	{"ZOË", "zoe"},
	{"ZOE", "zoe"},
	{"Zoe\xCC\x88", "zoe"}, /* e + combining diaeresis folds like ë */
	{"Müller", "muller"},
	{"Straße", "strasse"},
	{"ẞ", "ss"},
	{"ĳs Ĳsselmeer", "ijs ijsselmeer"},
	{"Œuvre œ", "oeuvre oe"},
	{"Æbleskiver", "aebleskiver"},
	{"Øresund", "oresund"},
	{"Łódź", "lodz"},
	{"Þór Ðð", "thor dd"},
	{"İstanbul ı", "istanbul i"},
	{"ﬁets ﬂ", "fiets fl"},
	{"Ｚｏｅ １２３ ＠", "zoe 123 @"},
	{"① ² ™ ㎏", "1 2 tm kg"},
	{"Σίσυφος", "σισυφοσ"},
	{"Ёж Привет", "еж привет"},
	{"café CAFÉ", "cafe cafe"},
	{"no\302\240break", "no break"},          /* no-break space (C2 A0) */
	{"be\302\255stelling", "bestelling"},     /* soft hyphen (C2 AD) */
	{"zero\xE2\x80\x8Dwidth", "zerowidth"},   /* zero-width joiner */
	{"’s-Hertogenbosch", "’s-hertogenbosch"}, /* punctuation stays */
	{"Jan-Willem O'Brien", "jan-willem o'brien"},
};

static void test_fold_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(fold_cases); i++) {
		char *f = fold(fold_cases[i].in, strlen(fold_cases[i].in));
		if (strcmp(f, fold_cases[i].out) != 0)
			fail_msg("fold(\"%s\") = \"%s\", want \"%s\"", fold_cases[i].in, f,
				 fold_cases[i].out);
		free(f);
	}
}

static void test_fold_ascii(void **state)
{
	(void)state;
	for (int c = 1; c < 0x80; c++) {
		char in = (char)c, *f = fold(&in, 1);
		char want = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		assert_int_equal(strlen(f), 1);
		assert_int_equal(f[0], want);
		free(f);
	}
}

/* Folding twice is folding once, for every code point and so (folding is
 * per code point) for every text: a term typed back as a query finds itself. */
static void test_fold_idempotent(void **state)
{
	(void)state;
	long bad = 0;
	for (uint32_t cp = 1; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		char s[4], *a, *b;
		size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4, an, bn;
		static const unsigned char lead[] = {0, 0, 0xC0, 0xE0, 0xF0};
		for (size_t i = n - 1, v = cp; i > 0; i--, v >>= 6)
			s[i] = (char)(0x80 | (v & 0x3F));
		s[0] = (char)(lead[n] | (cp >> (6 * (n - 1))));
		assert_int_equal(textfold_fold(s, n, &a, &an), 0);
		assert_int_equal(textfold_fold(a, an, &b, &bn), 0);
		if (an != bn || memcmp(a, b, an) != 0) {
			if (bad++ < 5)
				print_message("U+%04X folds to \"%s\", then to \"%s\"\n", cp, a, b);
		}
		free(a);
		free(b);
	}
	assert_int_equal(bad, 0);
}

#define FFFD "\xEF\xBF\xBD"

static const struct {
	const char *in;
	size_t n;
	const char *out;
} invalid_cases[] = {
	{"a\377b", 3, "a" FFFD "b"},
	{"a\0b", 3, "a" FFFD "b"},
	{"\xC3", 1, FFFD},                            /* truncated */
	{"\xC3(", 2, FFFD "("},                       /* bad continuation */
	{"\xC0\xAF", 2, FFFD FFFD},                   /* overlong '/' */
	{"\xED\xA0\x80", 3, FFFD FFFD FFFD},          /* surrogate */
	{"\xF4\x90\x80\x80", 4, FFFD FFFD FFFD FFFD}, /* above U+10FFFF */
	{"\x80zoë", 5, FFFD "zoe"},
};

static void test_fold_invalid(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(invalid_cases); i++) {
		char *f = fold(invalid_cases[i].in, invalid_cases[i].n);
		if (strcmp(f, invalid_cases[i].out) != 0)
			fail_msg("invalid case %zu: got \"%s\"", i, f);
		free(f);
	}
	/* the replacement separates words, and terms stay valid UTF-8 */
	HAS("abc\377def", "abc|def");
	struct textfold_terms *t = textfold_terms("ab\0cd\xC3", 6);
	assert_int_equal(t->n, 2);
	assert_string_equal(t->v[0], "ab");
	assert_string_equal(t->v[1], "cd");
	textfold_terms_free(t);
	/* a query with a bad byte reads as the text does */
	FINDS("abc def", "abc\377def ");
	FINDS("abc\377def", "abc de");
}

static void test_fold_limits(void **state)
{
	(void)state;
	char *big = malloc(TEXTFOLD_TEXT_MAX + 1);
	memset(big, 'A', TEXTFOLD_TEXT_MAX + 1);
	char *out = NULL;
	assert_int_equal(textfold_fold(big, TEXTFOLD_TEXT_MAX + 1, &out, NULL), BRUG_ETOOBIG);
	assert_null(out);
	assert_int_equal(textfold_fold(big, TEXTFOLD_TEXT_MAX, &out, NULL), 0);
	assert_int_equal(strlen(out), TEXTFOLD_TEXT_MAX);
	assert_int_equal(out[0], 'a');
	free(out);
	free(big);
	assert_int_equal(textfold_fold(NULL, 0, &out, NULL), 0);
	assert_string_equal(out, "");
	free(out);
}

/* ---- words ---- */

static void test_words(void **state)
{
	(void)state;
	HAS("Hello, World!", "hello|world");
	HAS("a.b,c;d:e!f?g(h)i[j]k{l}m/n\\o|p\"q", "a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q");
	LACKS("a.b,c", "a.b|a,b|abc");
	/* hyphens and apostrophes split, and the joined word is kept too */
	HAS("Jan-Willem", "jan|willem|janwillem");
	LACKS("Jan-Willem", "jan-willem");
	HAS("’s-Hertogenbosch", "s|hertogenbosch|shertogenbosch");
	HAS("O'Brien", "o|brien|obrien");
	HAS("e-mails", "e|mails|mail|emails|email");
	HAS("Aan-de-Rijn", "aan|de|rijn|aanderijn");
	LACKS("jan - willem", "janwillem");
	/* postcodes, letters and digits */
	HAS("1012AB", "1012ab|1012|ab");
	HAS("1012 AB Amsterdam", "1012|ab|1012ab|amsterdam");
	LACKS("0123 AB", "0123ab");
	LACKS("1012 ABC", "1012ab");
	HAS("covid-19 A4", "covid|19|covid19|a4|a|4");
	/* underscores, initials, house numbers */
	HAS("jan_de_vries", "jan|de|vries");
	HAS("J. de Vries, Dorpsstraat 6", "j|de|vries|dorpsstraat|6");
	/* other scripts stay letters, unstemmed; scripts without spaces are one run */
	HAS("Σίσυφος Привет", "σισυφοσ|привет");
	HAS("東京都に", "東京都に");
	HAS("٣٤ ②", "٣٤|2");
	struct textfold_terms *t = textfold_terms("Привет", strlen("Привет"));
	assert_int_equal(t->n, 1);
	textfold_terms_free(t);
	/* each term once, in the order of the text */
	t = textfold_terms("b a b A", 7);
	assert_int_equal(t->n, 2);
	assert_string_equal(t->v[0], "b");
	assert_string_equal(t->v[1], "a");
	textfold_terms_free(t);
	t = textfold_terms(NULL, 0);
	assert_int_equal(t->n, 0);
	assert_false(t->truncated);
	textfold_terms_free(t);
	t = textfold_terms(" ,.!? ", 6);
	assert_int_equal(t->n, 0);
	textfold_terms_free(t);
}

/* ---- e-mail addresses ---- */

static void test_emails(void **state)
{
	(void)state;
	HAS("Mail: Jan.De.Vries@Voorbeeld.NL.",
	    "jan.de.vries@voorbeeld.nl|jan|de|vries|voorbeeld|nl");
	HAS("<info@example.com>, user+tag@mail.example.co.uk",
	    "info@example.com|user+tag@mail.example.co.uk");
	HAS("ｊａｎ＠ｅｘａｍｐｌｅ．ｎｌ", "jan@example.nl");
	HAS("zoë@café.nl", "zoe@cafe.nl");
	HAS("a@b@c.nl", "b@c.nl");
	LACKS("a@b, x@y. @example.nl jan@.nl jan@-x.nl", "a@b|x@y|@example.nl|jan@.nl|jan@-x.nl");
	LACKS("a@b@c.nl", "a@b@c.nl");
	char local[80], text[120];
	memset(local, 'x', 65);
	local[65] = '\0';
	snprintf(text, sizeof(text), "%s@example.nl", local);
	struct textfold_terms *t = textfold_terms(text, strlen(text));
	for (size_t i = 0; i < t->n; i++)
		assert_null(strchr(t->v[i], '@')); /* a local part over 64 bytes */
	textfold_terms_free(t);

	FINDS("Mail: Jan.De.Vries@Voorbeeld.NL.", "jan.de.vries@voorbeeld.nl ");
	MISSES("jan@example.nl", "piet@example.nl ");
	MISSES("jan piet@example.nl", "jan@example.nl ");
}

/* ---- phone numbers ---- */

static const char *const dutch_mobile[] = {
	"+31 6 1234 5678", "06-12345678",       "0031612345678",  "06 12345678",
	"(06) 123 456 78", "+31 (0)6 12345678", "+31612345678",   "06.12.34.56.78",
	"0612345678",      "06 - 1234 5678",    "+31-6-12345678", "0031 6 12 34 56 78",
};

static const char *const dutch_landline[] = {
	"020-1234567", "+31 20 123 4567", "(020) 123 45 67", "0031201234567", "+31 (0)20 1234567",
};

static void test_phones_dutch(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(dutch_mobile); i++) {
		HAS(dutch_mobile[i], "31612345678|0612345678");
		for (size_t j = 0; j < N(dutch_mobile); j++) {
			char q[64];
			snprintf(q, sizeof(q), "%s ", dutch_mobile[j]);
			FINDS(dutch_mobile[i], q);               /* exact */
			FINDS(dutch_mobile[i], dutch_mobile[j]); /* as typed */
		}
		MISSES(dutch_mobile[i], "0612345679 ");
		MISSES(dutch_mobile[i], "+31 6 1234 5679 ");
	}
	for (size_t i = 0; i < N(dutch_landline); i++) {
		HAS(dutch_landline[i], "31201234567|0201234567");
		for (size_t j = 0; j < N(dutch_landline); j++)
			FINDS(dutch_landline[i], dutch_landline[j]);
	}
	/* the number ends at its ninth digit; what follows is a word */
	HAS("06 12345678 15 minuten", "0612345678|31612345678|15|minuten");
	HAS("0612345678 0687654321", "0612345678|0687654321|31687654321");
	FINDS("bel 06 12345678 15 minuten", "0612345678 15 ");
	HAS("tel:06-12345678, fax:+31 20 123 4567.",
	    "0612345678|31612345678|0201234567|31201234567");
	HAS("+0612345678", "0612345678|31612345678"); /* a stray + before a national number */
}

static void test_phones_other(void **state)
{
	(void)state;
	/* other countries: international digits only */
	HAS("+44 20 7946 0958", "442079460958");
	HAS("0044 20 7946 0958", "442079460958");
	LACKS("+44 20 7946 0958", "02079460958");
	FINDS("+44 20 7946 0958", "0044 20 7946 0958 ");
	FINDS("+32 470 12 34 56", "+32470123456 ");
	/* no number: too many digits, digits running into letters, no 0 or + */
	LACKS("06-123456789", "31612345678|3161234567|0612345678");
	LACKS("0612345678abc a0612345678", "31612345678");
	LACKS("15-01-2024 2024-01-15", "31150120|3115012024");
	/* too few digits: the digits of the run, so typing it finds it */
	HAS("0800 1234", "0800|1234|08001234");
	LACKS("0800 1234", "318001234");
	FINDS("0800 1234", "0800 1234");
	FINDS("0800 1234", "0800 1234 ");
	FINDS("0800-1234", "0800 1234");
}

/* ---- stems ---- */

static const struct {
	const char *a, *b;
} same_stem[] = {
	/* Dutch, on folded (unaccented) input */
	{"klanten", "klant"},
	{"bestellingen", "bestelling"},
	{"bestellen", "bestelling"},
	{"facturen", "factuur"},
	{"gesprekken", "gesprek"},
	{"afspraken", "afspraak"},
	{"vragen", "vraag"},
	{"tevredenheid", "tevreden"},
	{"medewerkers", "medewerker"},
	{"kosten", "koste"},
	{"ideeën", "ideeen"},
	/* English */
	{"invoices", "invoice"},
	{"calling", "call"},
	{"called", "calls"},
	{"customers", "customer"},
	{"orders", "ordering"},
	{"happiness", "happy"},
};

static void test_stems(void **state)
{
	(void)state;
	HAS("klanten", "klanten|klant");
	HAS("Facturen", "facturen|factur");
	HAS("invoices", "invoices|invoic");
	HAS("calling", "calling|call");
	/* no stems for words with digits or outside a-z */
	struct textfold_terms *t = textfold_terms("A4 Привет", strlen("A4 Привет"));
	assert_int_equal(t->n, 4); /* a4 a 4 привет */
	textfold_terms_free(t);
	for (size_t i = 0; i < N(same_stem); i++) {
		char qa[64], qb[64];
		snprintf(qa, sizeof(qa), "%s ", same_stem[i].a);
		snprintf(qb, sizeof(qb), "%s ", same_stem[i].b);
		FINDS(same_stem[i].a, qb);
		FINDS(same_stem[i].b, qa);
	}
	/* what the Snowball stemmers do not join, checked so it is known */
	MISSES("huis", "huizen ");
	MISSES("ran", "running ");
	MISSES("klant", "klantenservice ");
}

/* ---- queries ---- */

/* alts: '|'-separated, a '*' after each prefix. */
static void check_group(const struct textfold_group *g, enum textfold_kind kind, const char *alts)
{
	char got[256] = "";
	for (size_t i = 0; i < g->n; i++) {
		size_t k = strlen(got);
		snprintf(got + k, sizeof(got) - k, "%s%s%s", i ? "|" : "", g->alt[i],
			 g->prefix[i] ? "*" : "");
		assert_true(g->prefix[i] ? g->upper[i] != NULL : g->upper[i] == NULL);
	}
	if ((int)g->kind != (int)kind || strcmp(got, alts) != 0)
		fail_msg("group %d \"%s\", want %d \"%s\"", (int)g->kind, got, (int)kind, alts);
}

static void test_query_parse(void **state)
{
	(void)state;
	struct textfold_query *q = query_ok("Klanten de Vr");
	assert_int_equal(q->n, 3);
	check_group(&q->g[0], TEXTFOLD_WORD, "klanten|klant");
	check_group(&q->g[1], TEXTFOLD_WORD, "de");
	check_group(&q->g[2], TEXTFOLD_WORD, "vr*");
	assert_string_equal(q->g[2].upper[0], "vs");
	textfold_query_free(q);
	/* the word being typed: a prefix, and its stems exact */
	q = query_ok("Klanten");
	check_group(&q->g[0], TEXTFOLD_WORD, "klanten*|klant");
	textfold_query_free(q);
	q = query_ok("calling");
	check_group(&q->g[0], TEXTFOLD_WORD, "calling*|call");
	textfold_query_free(q);
	/* a trailing space ends the last word */
	q = query_ok("klanten de vries ");
	assert_int_equal(q->n, 3);
	check_group(&q->g[2], TEXTFOLD_WORD, "vries|vri");
	textfold_query_free(q);
	q = query_ok("vries\t");
	check_group(&q->g[0], TEXTFOLD_WORD, "vries|vri");
	textfold_query_free(q);
	q = query_ok("vries\xC2\xA0"); /* a no-break space is white space too */
	check_group(&q->g[0], TEXTFOLD_WORD, "vries|vri");
	textfold_query_free(q);
	/* trailing punctuation does not end it */
	q = query_ok("jan,");
	check_group(&q->g[0], TEXTFOLD_WORD, "jan*");
	textfold_query_free(q);
	/* nothing to look up */
	const char *empty[] = {"", " ", "   \t", ",.;!?", "- ' \"", "\xFF", "@", "+"};
	for (size_t i = 0; i < N(empty); i++) {
		q = query_ok(empty[i]);
		assert_int_equal(q->n, 0);
		textfold_query_free(q);
	}
	/* repeated words once */
	q = query_ok("jan Jan JAN ");
	assert_int_equal(q->n, 1);
	textfold_query_free(q);
	/* addresses and numbers are one group */
	q = query_ok("piet jan@exa");
	assert_int_equal(q->n, 2);
	check_group(&q->g[1], TEXTFOLD_EMAIL, "jan@exa*");
	textfold_query_free(q);
	q = query_ok("jan@example.nl piet");
	check_group(&q->g[0], TEXTFOLD_EMAIL, "jan@example.nl");
	textfold_query_free(q);
	q = query_ok("+31 6 1234 5678 jan");
	assert_int_equal(q->n, 2);
	check_group(&q->g[0], TEXTFOLD_PHONE, "31612345678|0612345678");
	textfold_query_free(q);
	q = query_ok("jan 0031 6 12");
	check_group(&q->g[1], TEXTFOLD_PHONE, "0031612*|31612*|0612*");
	textfold_query_free(q);
}

static void test_query_finds(void **state)
{
	(void)state;
	const char *rel = "Jan-Willem de Vries, Dorpsstraat 12, 1012 AB Amsterdam. "
			  "j.de.vries@voorbeeld.nl, 06-12345678. Klant sinds 2019.";
	/* as it is typed, letter by letter */
	const char *typed[] = {"j",
			       "ja",
			       "jan",
			       "jan ",
			       "jan w",
			       "jan willem",
			       "jan willem de v",
			       "dorpsstr",
			       "1012",
			       "1012a",
			       "1012ab",
			       "1012 ab",
			       "amster",
			       "klanten",
			       "klanten ",
			       "zoek j.de",
			       "j.de.vries@",
			       "j.de.vries@voorb",
			       "J.DE.VRIES@VOORBEELD.NL",
			       "06",
			       "06 1",
			       "06 123",
			       "06 1234 5678",
			       "+31 6 12",
			       "0031 6 1234",
			       "janwillem",
			       "2019 "};
	for (size_t i = 0; i < N(typed); i++) {
		if (strcmp(typed[i], "zoek j.de") == 0) {
			MISSES(rel, typed[i]); /* every word must be there */
			continue;
		}
		FINDS(rel, typed[i]);
	}
	const char * not [] = {"piet",  "jan piet", "willem-piet", "06 9",
			       "2018 ", "vries@",   "1013ab",      "amsterdammer "};
	for (size_t i = 0; i < N(not ); i++)
		MISSES(rel, not [i]);
	/* accents and case either way */
	FINDS("Zoë Müller", "zoe muller ");
	FINDS("Zoe Muller", "ZOË MÜLLER ");
	FINDS("Straße", "strasse ");
	FINDS("Øresund", "ores");
}

static void test_query_limits(void **state)
{
	(void)state;
	struct textfold_query *q = NULL;
	struct brug_err err = {0};
	char big[TEXTFOLD_QUERY_MAX + 2];
	memset(big, 'a', sizeof(big));
	assert_int_equal(textfold_query(big, TEXTFOLD_QUERY_MAX + 1, &q, &err), BRUG_ETOOBIG);
	assert_null(q);
	assert_string_equal(err.key, "error.too_long");
	assert_non_null(strstr(err.detail, "longer"));
	assert_int_equal(textfold_query(big, TEXTFOLD_QUERY_MAX, &q, NULL), 0);
	assert_int_equal(q->n, 1);
	assert_int_equal(strlen(q->g[0].alt[0]), TEXTFOLD_TERM_MAX);
	textfold_query_free(q);

	/* words: 12 fit, 13 do not, repeats count once */
	struct buf b;
	buf_init(&b, 0);
	for (int i = 0; i < TEXTFOLD_QUERY_GROUPS_MAX; i++)
		buf_printf(&b, "w%d ", i);
	q = query_ok(buf_str(&b));
	assert_int_equal(q->n, TEXTFOLD_QUERY_GROUPS_MAX);
	textfold_query_free(q);
	buf_adds(&b, "w0 W1 w2 ");
	q = query_ok(buf_str(&b));
	textfold_query_free(q);
	buf_adds(&b, " extra");
	err = (struct brug_err){0};
	q = NULL;
	assert_int_equal(textfold_query(buf_str(&b), b.len, &q, &err), BRUG_ETOOBIG);
	assert_null(q);
	assert_string_equal(err.key, "error.too_long");
	assert_non_null(strstr(err.detail, "12 words"));
	assert_int_equal(textfold_query(buf_str(&b), b.len, &q, NULL), BRUG_ETOOBIG);
	buf_cleanup(&b);
}

/* ---- prefix ranges ---- */

static void check_upper(const char *p, size_t n, const char *want)
{
	char *u = (char *)"unset";
	assert_int_equal(textfold_prefix_upper(p, n, &u), 0);
	if (!want) {
		assert_null(u);
		return;
	}
	assert_non_null(u);
	if (strcmp(u, want) != 0 || !utf8_valid(u, strlen(u)))
		fail_msg("upper of \"%.*s\" is \"%s\", want \"%s\"", (int)n, p, u, want);
	free(u);
}

#define UPPER(p, want) check_upper(p, sizeof(p) - 1, want)

/* Strings over an alphabet of code points around the byte boundaries. */
static const char *const alphabet[] = {
	"a",
	"z",
	"\x7F",
	"\xC2\x80",
	"п",
	"р",
	"ÿ",
	"\xED\x9F\xBF",
	"\xEE\x80\x80",
	"\xEF\xBF\xBF",
	"\xF0\x90\x80\x80",
	"\xF4\x8F\xBF\xBF",
};

static void word_of(size_t code, size_t len, char *out)
{
	out[0] = '\0';
	for (size_t i = 0; i < len; i++, code /= N(alphabet))
		strcat(out, alphabet[code % N(alphabet)]);
}

static void test_prefix_upper(void **state)
{
	(void)state;
	UPPER("abc", "abd");
	UPPER("az", "a{");
	UPPER("a\x7F", "a\xC2\x80"); /* 1 byte becomes 2 */
	UPPER("п", "р");             /* D0 BF: a byte increment gives D0 C0 */
	UPPER("ÿ", "Ā");             /* C3 BF -> C4 80 */
	UPPER("привет", "привеу");
	UPPER("\xED\x9F\xBF", "\xEE\x80\x80");     /* U+D7FF -> U+E000, past the surrogates */
	UPPER("\xEF\xBF\xBF", "\xF0\x90\x80\x80"); /* U+FFFF -> U+10000 */
	UPPER("a\xF4\x8F\xBF\xBF", "b");           /* nothing after U+10FFFF: carry */
	UPPER("x\xF4\x8F\xBF\xBF\xF4\x8F\xBF\xBF", "y");
	UPPER("\xF4\x8F\xBF\xBF", NULL);
	UPPER("", NULL);
	/* 0xFF never occurs in UTF-8, so a prefix ending in it is refused */
	char *u = NULL;
	assert_int_equal(textfold_prefix_upper("a\xFF", 2, &u), BRUG_EINVAL);
	assert_int_equal(textfold_prefix_upper("\xFF\xFF", 2, &u), BRUG_EINVAL);
	assert_int_equal(textfold_prefix_upper("a\0b", 3, &u), BRUG_EINVAL);
	assert_int_equal(textfold_prefix_upper("\xC3", 1, &u), BRUG_EINVAL);
	assert_null(u);

	/* brute force: [p, upper) holds exactly the strings that start with p */
	char p[32], t[32];
	size_t np = N(alphabet) + N(alphabet) * N(alphabet);
	size_t nt = N(alphabet) * N(alphabet) * N(alphabet);
	for (size_t i = 0; i < np; i++) {
		word_of(i < N(alphabet) ? i : i - N(alphabet), i < N(alphabet) ? 1 : 2, p);
		assert_int_equal(textfold_prefix_upper(p, strlen(p), &u), 0);
		for (size_t len = 1; len <= 3; len++) {
			for (size_t j = 0; j < nt; j++) {
				word_of(j, len, t);
				bool pre = strncmp(t, p, strlen(p)) == 0;
				bool in = strcmp(t, p) >= 0 && (!u || strcmp(t, u) < 0);
				if (pre != in)
					fail_msg("prefix \"%s\", term \"%s\": %d %d", p, t, pre,
						 in);
			}
		}
		free(u);
	}
}

/* ---- caps ---- */

static void test_long_words(void **state)
{
	(void)state;
	char word[200];
	memset(word, 'x', 100);
	word[100] = '\0';
	struct textfold_terms *t = textfold_terms(word, 100);
	assert_int_equal(t->n, 1);
	assert_int_equal(strlen(t->v[0]), TEXTFOLD_TERM_MAX);
	textfold_terms_free(t);
	FINDS(word, word);
	char q[210];
	snprintf(q, sizeof(q), "%s ", word);
	FINDS(word, q);
	/* cut at a code point boundary: 30 three-byte letters are 90 bytes */
	word[0] = '\0';
	for (int i = 0; i < 30; i++)
		strcat(word, "東");
	t = textfold_terms(word, strlen(word));
	assert_int_equal(strlen(t->v[0]), 63);
	assert_true(utf8_valid(t->v[0], 63));
	textfold_terms_free(t);
	snprintf(q, sizeof(q), "%s ", word);
	FINDS(word, q);
	FINDS(word, word);
	/* 40 two-byte letters are 80 bytes: cut at 64 */
	word[0] = '\0';
	for (int i = 0; i < 40; i++)
		strcat(word, "ж");
	t = textfold_terms(word, strlen(word));
	assert_int_equal(strlen(t->v[0]), 64);
	textfold_terms_free(t);
}

static void test_term_cap(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	for (int i = 0; i < TEXTFOLD_TERMS_MAX + 500; i++)
		buf_printf(&b, "%d ", 10000 + i); /* numbers: one term each */
	struct textfold_terms *t = textfold_terms(buf_str(&b), b.len);
	assert_int_equal(t->n, TEXTFOLD_TERMS_MAX);
	assert_true(t->truncated);
	assert_string_equal(t->v[0], "10000");
	assert_string_equal(t->v[TEXTFOLD_TERMS_MAX - 1], "11999");
	textfold_terms_free(t);
	buf_cleanup(&b);

	/* a text over TEXTFOLD_TEXT_MAX: its start is indexed */
	char *big = malloc(TEXTFOLD_TEXT_MAX + 100);
	memset(big, ' ', TEXTFOLD_TEXT_MAX + 100);
	memcpy(big, "begin", 5);
	memcpy(big + TEXTFOLD_TEXT_MAX + 50, "end", 3);
	t = textfold_terms(big, TEXTFOLD_TEXT_MAX + 100);
	assert_true(t->truncated);
	assert_true(has_term(t, "begin"));
	assert_false(has_term(t, "end"));
	textfold_terms_free(t);
	t = textfold_terms(big, TEXTFOLD_TEXT_MAX);
	assert_false(t->truncated);
	textfold_terms_free(t);
	free(big);
}

/* ---- threads and speed ---- */

static const char *const summaries[] = {
	"Klant belde over de factuur van maart: het bedrag klopt niet, de korting is vergeten. "
	"Terugbellen op 06-12345678 of mailen naar j.de.vries@voorbeeld.nl. Afspraak gemaakt "
	"voor dinsdag; Jan-Willem neemt het over. Tevredenheid na het gesprek: goed.",
	"Customer called about two invoices that were charged twice; refund promised within "
	"five working days. Follow-up call scheduled, reach her at +44 20 7946 0958.",
	"Zoë Müller uit ’s-Hertogenbosch, 5211 AB, vraagt of de bestellingen samen geleverd "
	"kunnen worden. Øresund Œuvre ﬁets Ｚｏｅ Σίσυφος Привет 東京都.",
};

/* One line with all terms and all query groups of every summary. */
static char *digest(void)
{
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < N(summaries); i++) {
		struct textfold_terms *t = textfold_terms(summaries[i], strlen(summaries[i]));
		for (size_t k = 0; k < t->n; k++)
			buf_printf(&b, "%s ", t->v[k]);
		textfold_terms_free(t);
		struct textfold_query *q = NULL;
		size_t n = strlen(summaries[i]);
		if (textfold_query(summaries[i], n < 200 ? n : 200, &q, NULL) == 0) {
			for (size_t g = 0; g < q->n; g++)
				for (size_t a = 0; a < q->g[g].n; a++)
					buf_printf(&b, "%d%s%s ", (int)q->g[g].kind,
						   q->g[g].prefix[a] ? "*" : "", q->g[g].alt[a]);
			textfold_query_free(q);
		}
		buf_adds(&b, "| ");
	}
	return buf_take(&b, NULL);
}

struct th_arg {
	const char *want;
	int bad;
};

static void *th_run(void *p)
{
	struct th_arg *a = p;
	for (int i = 0; i < 200; i++) {
		char *d = digest();
		a->bad += strcmp(d, a->want) != 0;
		free(d);
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	char *want = digest();
	assert_non_null(strstr(want, "klant "));
	assert_non_null(strstr(want, "invoic "));
	pthread_t th[4];
	struct th_arg args[4];
	for (int i = 0; i < 4; i++) {
		args[i] = (struct th_arg){want, 0};
		assert_int_equal(pthread_create(&th[i], NULL, th_run, &args[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(args[i].bad, 0);
	}
	free(want);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_speed(void **state)
{
	(void)state;
	const char *s = summaries[0];
	size_t terms = 0, n = strlen(s);
	int runs = 2000;
	double t0 = now_s();
	for (int i = 0; i < runs; i++) {
		struct textfold_terms *t = textfold_terms(s, n);
		terms += t->n;
		textfold_terms_free(t);
	}
	double secs = now_s() - t0;
	assert_true(terms > 0);
	print_message("textfold_terms on a %zu-byte summary (%zu terms): %.0f texts/s, "
		      "%.0f terms/s\n",
		      n, terms / (size_t)runs, runs / secs, (double)terms / secs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_table),      cmocka_unit_test(test_fold_ascii),
		cmocka_unit_test(test_fold_idempotent), cmocka_unit_test(test_fold_invalid),
		cmocka_unit_test(test_fold_limits),     cmocka_unit_test(test_words),
		cmocka_unit_test(test_emails),          cmocka_unit_test(test_phones_dutch),
		cmocka_unit_test(test_phones_other),    cmocka_unit_test(test_stems),
		cmocka_unit_test(test_query_parse),     cmocka_unit_test(test_query_finds),
		cmocka_unit_test(test_query_limits),    cmocka_unit_test(test_prefix_upper),
		cmocka_unit_test(test_long_words),      cmocka_unit_test(test_term_cap),
		cmocka_unit_test(test_threads),         cmocka_unit_test(test_speed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

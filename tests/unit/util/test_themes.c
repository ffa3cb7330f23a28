/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/util/themes.c: the shipped dictionary loads and finds the
 * themes of real-looking Dutch and English answers (with case, accents,
 * emoji, typos of case), prefixes and phrases in a dictionary of our own,
 * empty, huge and invalid-UTF-8 answers, and every refusal of a bad
 * dictionary with the message the administrator sees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/rc.h"
#include "util/buf.h"
#include "util/jx.h"
#include "util/themes.h"
#include "util/xmalloc.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct themes_dict *dict_default(void)
{
	struct themes_dict *d = NULL;
	struct brug_err err = {0};
	if (themes_dict_default(&d, &err))
		fail_msg("the default dictionary did not load: %s", err.detail);
	return d;
}

static struct themes_dict *dict_json(const char *json)
{
	struct themes_dict *d = NULL;
	struct brug_err err = {0};
	if (themes_dict_load_json(json, strlen(json), &d, &err))
		fail_msg("did not load: %s", err.detail);
	return d;
}

/* The keys of the themes of text, joined by spaces, into out. */
static const char *matched(const struct themes_dict *d, const char *text, size_t n, char *out,
                           size_t cap)
{
	size_t idx[THEMES_MAX], k = 99999;
	struct brug_err err = {0};
	int rc = themes_match(d, text, n, idx, &k, &err);
	if (rc)
		fail_msg("themes_match failed: %s", err.detail);
	assert_true(k <= themes_count(d));
	out[0] = '\0';
	size_t len = 0;
	for (size_t i = 0; i < k; i++) {
		if (i)
			assert_true(idx[i] > idx[i - 1]);
		len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? " " : "",
		                        themes_key(d, idx[i]));
	}
	return out;
}

/* ---- the shipped dictionary ---- */

static void test_default_loads(void **state)
{
	(void)state;
	struct themes_dict *d = dict_default();
	static const char *const keys[] = {"bereikbaarheid", "communicatie", "deskundigheid",
	                                   "snelheid",       "prijs",        "vriendelijkheid",
	                                   "betrouwbaarheid"};
	static const char *const en[] = {"Reachability", "Communication", "Expertise",  "Speed",
	                                 "Price",        "Friendliness",  "Reliability"};
	assert_int_equal(themes_count(d), N(keys));
	for (size_t i = 0; i < N(keys); i++) {
		assert_string_equal(themes_key(d, i), keys[i]);
		assert_string_equal(themes_label(d, i, "en"), en[i]);
		assert_true(themes_keyword_count(d, i) >= 60);
	}
	assert_string_equal(themes_label(d, 0, "nl"), "Bereikbaarheid");
	assert_string_equal(themes_label(d, 4, "fr"), "Price");
	themes_dict_free(d);
}

/* Answers as customers write them, with the themes they mention (keys in
 * dictionary order). */
static const struct {
	const char *text, *themes;
} answers[] = {
        {"Heel vriendelijk geholpen, top!", "vriendelijkheid"},
        {"De medewerker was niet vriendelijk en erg kortaf.", "vriendelijkheid"},
        {"Geen probleem, alles was snel geregeld.", "snelheid"},
        {"Ik stond een half uur in de wacht, slecht bereikbaar.", "bereikbaarheid snelheid"},
        {"Vriéndelijk en deskundig, maar de prijs is te hoog.",
         "deskundigheid prijs vriendelijkheid"},
        {"Veel te duur voor wat je krijgt.", "prijs"},
        {"Nooit meer!", ""},
        {"De factuur klopte niet en niemand belde terug.", "bereikbaarheid prijs"},
        {"Prima service 👍", ""},
        {"De bereikbaarheid van de klantenservice is slecht", "bereikbaarheid"},
        {"Ze nemen nooit op als je belt", "bereikbaarheid"},
        {"Duidelijke uitleg over de tarieven, prettig contact.", "communicatie prijs"},
        {"Niet slecht, maar de levertijd was lang.", "snelheid"},
        {"Het duurde weken voordat ik antwoord kreeg.", "communicatie snelheid"},
        {"Afspraak is afspraak, ze kwamen niet opdagen.", "communicatie betrouwbaarheid"},
        {"DE MONTEUR WAS ZEER DESKUNDIG EN LOSTE HET PROBLEEM DIRECT OP", "deskundigheid snelheid"},
        {"Goedkoop is duurkoop: de prijzen zijn gestegen en de service is slechter geworden.",
         "prijs"},
        {"Jullie zijn altijd goed bereikbaar en de wachttijd is kort.", "bereikbaarheid"},
        {"Ik werd drie keer doorverbonden en moest steeds opnieuw mijn verhaal doen.",
         "bereikbaarheid"},
        {"Geen enkel probleem gehad, alles werkt prima.", ""},
        {"Ik ben erg tevreden over de snelle afhandeling.", "snelheid"},
        {"De communicatie kan beter, ik hoorde pas na twee weken iets.", "communicatie snelheid"},
        {"Onvriendelijke en ongeduldige medewerker aan de telefoon.",
         "bereikbaarheid vriendelijkheid"},
        {"Niet deskundig, wist het antwoord niet.", "communicatie deskundigheid"},
        {"Betrouwbaar bedrijf, afspraken worden altijd nagekomen.", "communicatie betrouwbaarheid"},
        {"Storing na storing en niemand die iets laat weten 😡", "betrouwbaarheid"},
        {"Fijn dat jullie ook 's avonds bereikbaar zijn.", "bereikbaarheid"},
        {"Een beetje traag, maar wel vriendelijk.", "snelheid vriendelijkheid"},
        {"De factuur was veel hoger dan de offerte.", "prijs"},
        {"Goed.", ""},
        {"Het was oké.", ""},
        {"Alles was supersnel geregeld, dank jullie wel!", "snelheid"},
        {"Helaas geen reactie op mijn e-mail gekregen.", "bereikbaarheid communicatie"},
        {"Ze denken echt met je mee, heel klantvriendelijk.", "vriendelijkheid"},
        {"Very friendly staff, great service!", "vriendelijkheid"},
        {"The agent was rude and not helpful at all.", "vriendelijkheid"},
        {"Not bad, but the waiting time was too long.", "bereikbaarheid snelheid"},
        {"I was on hold for 40 minutes. Never again.", "bereikbaarheid"},
        {"Way too expensive for what you get.", "prijs"},
        {"They don't answer the phone.", "bereikbaarheid communicatie"},
        {"Quick response and clear explanation, thank you!", "communicatie snelheid"},
        {"The invoice was wrong and nobody called me back.", "bereikbaarheid prijs"},
        {"No problems at all 😀", ""},
        {"Knowledgeable engineer who fixed it the same day.", "deskundigheid snelheid"},
        {"They promised to call back but never did.", "bereikbaarheid betrouwbaarheid"},
        {"Reliable and honest, would recommend.", "communicatie betrouwbaarheid"},
        {"Your prices went up again and the service got worse.", "prijs"},
        {"The technician was really knowledgeable and very polite.",
         "deskundigheid vriendelijkheid"},
        {"I could never reach anyone by phone.", "bereikbaarheid"},
        {"Communication was poor: no updates for weeks.", "communicatie snelheid"},
        {"Excellent value for money.", "prijs"},
        {"Delivery was delayed twice and nobody told me why.", "snelheid"},
        {"Friendly people but slow to respond.", "communicatie snelheid vriendelijkheid"},
        {"It was OK.", ""},
        {"The website chat is super convenient 👍", "bereikbaarheid"},
        {"I had to explain my problem three times, very frustrating.", "communicatie snelheid"},
        {"Billing errors every month, this is unacceptable.", "deskundigheid prijs"},
        {"The engineer did not show up as agreed.", "deskundigheid betrouwbaarheid"},
        {"Everything was handled quickly and professionally.", "deskundigheid snelheid"},
        {"Not very friendly, to be honest.", "communicatie vriendelijkheid"},
        {"Hard to get through to customer service on the phone.", "bereikbaarheid"},
        {"Fair price and honest advice.", "communicatie deskundigheid prijs"},
        {"Nice and patient lady on the helpline.", "bereikbaarheid vriendelijkheid"},
        {"Terrible experience. The worst company I've ever dealt with.", ""},
        {"Thanks!", ""},
        {"I don't know.", ""},
        /* case, accents and emoji do not matter */
        {"VRIÉNDELIJKE MEDEWERKSTER 😀😀", "vriendelijkheid"},
        {"Snèlhéid", "snelheid"},
        {"Prijs/kwaliteit 👍", "prijs"},
        /* stems: other forms of a keyword */
        {"klantvriendelijke medewerkers", "vriendelijkheid"},
        {"de facturen klopten niet", "prijs"},
        {"she explained everything", "communicatie"},
        /* nothing */
        {"", ""},
        {"Geen opmerkingen.", ""},
        {"n.v.t.", ""},
        {"😀👍", ""},
};

static void test_answers(void **state)
{
	(void)state;
	struct themes_dict *d = dict_default();
	char got[512];
	int bad = 0;
	for (size_t i = 0; i < N(answers); i++) {
		matched(d, answers[i].text, strlen(answers[i].text), got, sizeof(got));
		if (strcmp(got, answers[i].themes) != 0) {
			print_error("\"%s\": got \"%s\", want \"%s\"\n", answers[i].text, got,
			            answers[i].themes);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	themes_dict_free(d);
}

/* ---- a dictionary of our own ---- */

static const char own[] =
        "{\"themes\": ["
        " {\"key\": \"wachten\", \"label\": {\"nl\": \"Wachten\", \"en\": \"Waiting\"},"
        "  \"keywords\": {\"nl\": [\"lang wachten\", \"in de wacht\"], \"en\": [\"on hold\"]}},"
        " {\"key\": \"bereik\", \"label\": {\"nl\": \"Bereik\", \"en\": \"Reach\"},"
        "  \"keywords\": {\"nl\": [\"bereikba*\"]}},"
        " {\"key\": \"goed\", \"label\": {\"nl\": \"Goed\", \"en\": \"Good\"},"
        "  \"keywords\": {\"nl\": [\"goed\"], \"en\": [\"e-mail\", \"don't\"]}}"
        "]}";

static void test_phrases_and_prefixes(void **state)
{
	(void)state;
	struct themes_dict *d = dict_json(own);
	static const struct {
		const char *text, *themes;
	} cases[] = {
	        {"ik moest lang wachten", "wachten"},
	        {"Ik moest láng Wachten!", "wachten"},
	        {"lang. wachten", ""}, /* not over a clause break */
	        {"wachten lang", ""},  /* not in another order */
	        {"ik stond in de wacht", "wachten"},
	        {"put on hold", "wachten"},
	        {"onhold", ""},
	        {"bereikbaarheid", "bereik"},
	        {"BEREIKBA", "bereik"},
	        {"onbereikbaar", ""}, /* a prefix is a prefix */
	        {"bereik", ""},
	        {"goede service", "goed"}, /* Dutch stem of "goede" */
	        {"we had to go", ""},      /* English "go" is no Dutch "goed" */
	        {"per e-mail", "goed"},
	        {"per e mail", "goed"},
	        {"Don’t", "goed"},
	        {"dont", "goed"},
	        {"do not", ""},
	};
	char got[256];
	for (size_t i = 0; i < N(cases); i++) {
		matched(d, cases[i].text, strlen(cases[i].text), got, sizeof(got));
		if (strcmp(got, cases[i].themes) != 0)
			fail_msg("\"%s\": got \"%s\", want \"%s\"", cases[i].text, got,
			         cases[i].themes);
	}
	themes_dict_free(d);
}

static void test_hostile_text(void **state)
{
	(void)state;
	struct themes_dict *d = dict_default();
	char got[512];
	/* invalid UTF-8 and NUL separate words; the rest is still read */
	static const char bad[] = "te\xff\xfe duur\0 \xc3 snel \xed\xa0\x80 vriendelijk";
	assert_string_equal(matched(d, bad, sizeof(bad) - 1, got, sizeof(got)),
	                    "snelheid prijs vriendelijkheid");
	assert_string_equal(matched(d, NULL, 0, got, sizeof(got)), "");

	/* a 100 KB answer, with the theme words at its end */
	struct buf b;
	buf_init(&b, 0);
	while (b.len < 100 * 1024)
		buf_adds(&b, "Het product zelf is in orde en doet wat het moet doen. ");
	buf_adds(&b, "Maar de factuur was te hoog.");
	assert_string_equal(matched(d, buf_str(&b), b.len, got, sizeof(got)), "prijs");

	/* over the cap: refused, nothing written */
	while (b.len <= TEXTFOLD_TEXT_MAX)
		buf_adds(&b, "snel snel snel snel snel snel snel snel snel snel snel snel ");
	size_t idx[THEMES_MAX], k = 12345;
	struct brug_err err = {0};
	assert_int_equal(themes_match(d, buf_str(&b), b.len, idx, &k, &err), BRUG_ETOOBIG);
	assert_int_equal(k, 12345);
	assert_string_equal(err.key, "error.too_long");
	buf_cleanup(&b);
	themes_dict_free(d);
}

/* ---- refusals ---- */

/* A theme object with the given members inside. */
#define THEME(members) "{\"themes\": [{" members "}]}"
#define LABEL          "\"label\": {\"nl\": \"A\", \"en\": \"A\"}"
#define KW             "\"keywords\": {\"nl\": [\"a\"]}"

static const struct {
	const char *json;
	int rc;
	const char *msg; /* part of err.detail */
} refusals[] = {
        {"", BRUG_EINVAL, "not valid JSON"},
        {"{\"themes\": [}", BRUG_EINVAL, "line 1"},
        {"{\"themes\": [], \"themes\": []}", BRUG_EINVAL, "duplicate"},
        {"{\"themes\": [\"\xff\"]}", BRUG_EINVAL, "not valid JSON"},
        {"[]", BRUG_EVALIDATION, "must be an object"},
        {"{}", BRUG_EVALIDATION, "\"themes\" is missing"},
        {"{\"themes\": [], \"extra\": 1}", BRUG_EVALIDATION, "unknown member \"extra\""},
        {"{\"themes\": {}}", BRUG_EVALIDATION, "themes: must be an array"},
        {"{\"themes\": []}", BRUG_EVALIDATION, "no themes"},
        {"{\"themes\": [3]}", BRUG_EVALIDATION, "themes[0]: must be an object"},
        {THEME(LABEL "," KW), BRUG_EVALIDATION, "themes[0]: \"key\" is missing"},
        {THEME("\"key\": 7," LABEL "," KW), BRUG_EVALIDATION, "themes[0].key: must be a string"},
        {THEME("\"key\": \"\"," LABEL "," KW), BRUG_EVALIDATION, "themes[0].key: must be 1 to 64"},
        {THEME("\"key\": \"Prijs\"," LABEL "," KW), BRUG_EVALIDATION, "may only hold a-z"},
        {THEME("\"key\": \"a\", \"colour\": 1," LABEL "," KW), BRUG_EVALIDATION,
         "themes[0]: unknown member \"colour\""},
        {THEME("\"key\": \"a\"," KW), BRUG_EVALIDATION, "\"label\" is missing"},
        {THEME("\"key\": \"a\", \"label\": \"A\"," KW), BRUG_EVALIDATION,
         "themes[0].label: must be an object"},
        {THEME("\"key\": \"a\", \"label\": {\"nl\": \"A\"}," KW), BRUG_EVALIDATION,
         "themes[0].label: \"en\" is missing"},
        {THEME("\"key\": \"a\", \"label\": {\"nl\": \"A\", \"en\": \"A\", \"de\": \"A\"}," KW),
         BRUG_EVALIDATION, "themes[0].label: unknown member \"de\""},
        {THEME("\"key\": \"a\", \"label\": {\"nl\": \"\", \"en\": \"A\"}," KW), BRUG_EVALIDATION,
         "themes[0].label.nl: must be 1 to 100 bytes, not 0"},
        {THEME("\"key\": \"a\"," LABEL), BRUG_EVALIDATION, "\"keywords\" is missing"},
        {THEME("\"key\": \"a\"," LABEL ", \"keywords\": [\"a\"]"), BRUG_EVALIDATION,
         "themes[0].keywords: must be an object"},
        {THEME("\"key\": \"a\"," LABEL ", \"keywords\": {\"fr\": [\"a\"]}"), BRUG_EVALIDATION,
         "unknown member \"fr\""},
        {THEME("\"key\": \"a\"," LABEL ", \"keywords\": {}"), BRUG_EVALIDATION, "no keywords"},
        {THEME("\"key\": \"a\"," LABEL ", \"keywords\": {\"nl\": \"a\"}"), BRUG_EVALIDATION,
         "keywords.nl: must be an array"},
        {THEME("\"key\": \"a\"," LABEL ", \"keywords\": {\"nl\": [1]}"), BRUG_EVALIDATION,
         "keywords.nl[0]: must be a string"},
        {THEME("\"key\": \"a\"," LABEL ", \"keywords\": {\"en\": [\"a\", \"\"]}"), BRUG_EVALIDATION,
         "themes[0].keywords.en[1]: empty keyword"},
        {THEME("\"key\": \"a\"," LABEL ", \"keywords\": {\"nl\": [\"?!\"]}"), BRUG_EVALIDATION,
         "has no letters or digits"},
        {THEME("\"key\": \"a\"," LABEL ", \"keywords\": {\"nl\": [\"be*\"]}"), BRUG_EVALIDATION,
         "a prefix needs at least 3 letters"},
        {THEME("\"key\": \"a\"," LABEL ", \"keywords\": {\"nl\": [\"*prijs\"]}"), BRUG_EVALIDATION,
         "'*' may only follow a word"},
        {THEME("\"key\": \"a\"," LABEL ", \"keywords\": {\"nl\": [\"lang, wachten\"]}"),
         BRUG_EVALIDATION, "punctuation between its words"},
        {THEME("\"key\": \"a\"," LABEL ", \"keywords\": {\"nl\": [\"a b c d e f g\"]}"),
         BRUG_EVALIDATION, "has 7 words, at most 6"},
        {THEME("\"key\": \"a\"," LABEL ", \"keywords\": {\"nl\": [\"Duur\", \"duur\"]}"),
         BRUG_EVALIDATION, "keywords.nl[1]: \"duur\" is given twice"},
        {THEME("\"key\": \"a\"," LABEL ", \"keywords\": {\"nl\": [\"a\\u0000b\"]}"), BRUG_EINVAL,
         "not valid JSON"},
        {"{\"themes\": [{\"key\": \"a\"," LABEL "," KW "}, {\"key\": \"a\"," LABEL "," KW "}]}",
         BRUG_EVALIDATION, "themes[1].key: \"a\" is used by themes[0] too"},
};

static void test_refusals(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(refusals); i++) {
		struct themes_dict *d = (struct themes_dict *)&d;
		struct brug_err err = {0};
		int rc =
		        themes_dict_load_json(refusals[i].json, strlen(refusals[i].json), &d, &err);
		if (rc != refusals[i].rc || strstr(err.detail, refusals[i].msg) == NULL)
			fail_msg("%s: rc %d, \"%s\"; want %d, \"%s\"", refusals[i].json, rc,
			         err.detail, refusals[i].rc, refusals[i].msg);
		assert_string_equal(err.key, "error.themes");
		assert_ptr_equal(d, (struct themes_dict *)&d); /* untouched */
	}
}

static void test_limits(void **state)
{
	(void)state;
	struct buf b;
	struct brug_err err = {0};
	struct themes_dict *d = NULL;

	/* THEMES_MAX themes load, one more does not */
	for (int extra = 0; extra < 2; extra++) {
		buf_init(&b, 0);
		buf_adds(&b, "{\"themes\": [");
		for (int i = 0; i < THEMES_MAX + extra; i++)
			buf_printf(&b,
			           "%s{\"key\": \"t%d\"," LABEL
			           ", \"keywords\": {\"nl\": [\"w%d\"]}}",
			           i ? "," : "", i, i);
		buf_adds(&b, "]}");
		int rc = themes_dict_load_json(buf_str(&b), b.len, &d, &err);
		if (!extra) {
			assert_int_equal(rc, 0);
			char got[64];
			assert_string_equal(matched(d, "W99", 3, got, sizeof(got)), "t99");
			themes_dict_free(d);
		} else {
			assert_int_equal(rc, BRUG_EVALIDATION);
			assert_non_null(strstr(err.detail, "101 themes, at most 100"));
		}
		buf_cleanup(&b);
	}

	/* THEMES_KEYWORDS_MAX keywords in one theme, over both languages */
	for (int extra = 0; extra < 2; extra++) {
		buf_init(&b, 0);
		buf_adds(&b, "{\"themes\": [{\"key\": \"a\"," LABEL ", \"keywords\": {\"nl\": [");
		for (int i = 0; i < 100; i++)
			buf_printf(&b, "%s\"nl%d\"", i ? "," : "", i);
		buf_adds(&b, "], \"en\": [");
		for (int i = 0; i < 100 + extra; i++)
			buf_printf(&b, "%s\"en%d\"", i ? "," : "", i);
		buf_adds(&b, "]}}]}");
		int rc = themes_dict_load_json(buf_str(&b), b.len, &d, &err);
		if (!extra) {
			assert_int_equal(rc, 0);
			assert_int_equal(themes_keyword_count(d, 0), 200);
			themes_dict_free(d);
		} else {
			assert_int_equal(rc, BRUG_EVALIDATION);
			assert_non_null(strstr(err.detail, "more than 200 keywords"));
		}
		buf_cleanup(&b);
	}

	/* over-long key, label and keyword */
	char json[1024];
	snprintf(json, sizeof(json), THEME("\"key\": \"%065d\"," LABEL "," KW), 0);
	assert_int_equal(themes_dict_load_json(json, strlen(json), &d, &err), BRUG_EVALIDATION);
	assert_non_null(strstr(err.detail, "themes[0].key: must be 1 to 64 bytes, not 65"));
	snprintf(json, sizeof(json),
	         THEME("\"key\": \"a\", \"label\": {\"nl\": \"%0101d\", \"en\": \"A\"}," KW), 0);
	assert_int_equal(themes_dict_load_json(json, strlen(json), &d, &err), BRUG_EVALIDATION);
	assert_non_null(strstr(err.detail, "themes[0].label.nl: must be 1 to 100 bytes, not 101"));
	snprintf(json, sizeof(json),
	         THEME("\"key\": \"a\"," LABEL ", \"keywords\": {\"nl\": [\"%0101d\"]}"), 0);
	assert_int_equal(themes_dict_load_json(json, strlen(json), &d, &err), BRUG_EVALIDATION);
	assert_non_null(strstr(err.detail, "themes[0].keywords.nl[0]: a phrase of 101 bytes"));

	/* the whole document */
	char *big = xcalloc(THEMES_JSON_MAX + 2, 1);
	memset(big, ' ', THEMES_JSON_MAX + 1);
	assert_int_equal(themes_dict_load_json(big, THEMES_JSON_MAX + 1, &d, &err), BRUG_ETOOBIG);
	free(big);
}

int main(void)
{
	jx_init();
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_default_loads),
	        cmocka_unit_test(test_answers),
	        cmocka_unit_test(test_phrases_and_prefixes),
	        cmocka_unit_test(test_hostile_text),
	        cmocka_unit_test(test_refusals),
	        cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/util/sentiment.c: the shipped lexicons load; labels of
 * real-looking Dutch and English answers (negation, intensifiers, mixed
 * feelings, emoji, case and accents); the effect of each rule on the score;
 * empty, huge and invalid-UTF-8 text; the lexicon format and its refusals;
 * an organisation's own entries on top of the defaults. */
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
#include "util/sentiment.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define POS  SENTIMENT_POSITIVE
#define NEG  SENTIMENT_NEGATIVE
#define NEU  SENTIMENT_NEUTRAL

static struct sentiment_lexicon *lx;

static int setup(void **state)
{
	(void)state;
	struct brug_err err = {0};
	if (sentiment_lexicon_default(&lx, &err)) {
		print_error("default lexicon: %s\n", err.detail);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sentiment_lexicon_free(lx);
	return 0;
}

static struct sentiment score_of(const struct sentiment_lexicon *l, const char *text)
{
	struct sentiment s = {.score = 99};
	struct brug_err err = {0};
	if (sentiment_score(l, text, strlen(text), &s, &err))
		fail_msg("\"%s\": %s", text, err.detail);
	assert_true(s.score >= -1.0 && s.score <= 1.0);
	return s;
}

static double sc(const char *text)
{
	return score_of(lx, text).score;
}

static void test_default_loads(void **state)
{
	(void)state;
	assert_true(sentiment_lexicon_count(lx) > 800);
	assert_string_equal(sentiment_label_name(POS), "positive");
	assert_string_equal(sentiment_label_name(NEU), "neutral");
	assert_string_equal(sentiment_label_name(NEG), "negative");
}

static const struct {
	const char *text;
	enum sentiment_label label;
} answers[] = {
        {"Heel vriendelijk geholpen, top!", POS},
        {"De medewerker was niet vriendelijk en erg kortaf.", NEG},
        {"Geen probleem, alles was snel geregeld.", POS},
        {"Ik stond een half uur in de wacht, slecht bereikbaar.", NEG},
        {"Vriéndelijk en deskundig, maar de prijs is te hoog.", NEU},
        {"Veel te duur voor wat je krijgt.", NEG},
        {"Nooit meer!", NEG},
        {"De factuur klopte niet en niemand belde terug.", NEG},
        {"Prima service 👍", POS},
        {"De bereikbaarheid van de klantenservice is slecht", NEG},
        {"Ze nemen nooit op als je belt", NEG},
        {"Duidelijke uitleg over de tarieven, prettig contact.", POS},
        {"Niet slecht, maar de levertijd was lang.", NEU},
        {"Het duurde weken voordat ik antwoord kreeg.", NEG},
        {"Afspraak is afspraak, ze kwamen niet opdagen.", NEG},
        {"DE MONTEUR WAS ZEER DESKUNDIG EN LOSTE HET PROBLEEM DIRECT OP", POS},
        {"Goedkoop is duurkoop: de prijzen zijn gestegen en de service is slechter geworden.", NEG},
        {"Jullie zijn altijd goed bereikbaar en de wachttijd is kort.", POS},
        {"Ik werd drie keer doorverbonden en moest steeds opnieuw mijn verhaal doen.", NEG},
        {"Geen enkel probleem gehad, alles werkt prima.", POS},
        {"Ik ben erg tevreden over de snelle afhandeling.", POS},
        {"De communicatie kan beter, ik hoorde pas na twee weken iets.", NEG},
        {"Onvriendelijke en ongeduldige medewerker aan de telefoon.", NEG},
        {"Niet deskundig, wist het antwoord niet.", NEG},
        {"Betrouwbaar bedrijf, afspraken worden altijd nagekomen.", POS},
        {"Storing na storing en niemand die iets laat weten 😡", NEG},
        {"Fijn dat jullie ook 's avonds bereikbaar zijn.", POS},
        {"Een beetje traag, maar wel vriendelijk.", POS},
        {"De factuur was veel hoger dan de offerte.", NEU},
        {"Goed.", POS},
        {"Het was oké.", NEU},
        {"Alles was supersnel geregeld, dank jullie wel!", POS},
        {"Helaas geen reactie op mijn e-mail gekregen.", NEG},
        {"Ze denken echt met je mee, heel klantvriendelijk.", POS},
        {"Very friendly staff, great service!", POS},
        {"The agent was rude and not helpful at all.", NEG},
        {"Not bad, but the waiting time was too long.", NEG},
        {"I was on hold for 40 minutes. Never again.", NEG},
        {"Way too expensive for what you get.", NEG},
        {"They don't answer the phone.", NEG},
        {"Quick response and clear explanation, thank you!", POS},
        {"The invoice was wrong and nobody called me back.", NEG},
        {"No problems at all 😀", POS},
        {"Knowledgeable engineer who fixed it the same day.", POS},
        {"They promised to call back but never did.", NEG},
        {"Reliable and honest, would recommend.", POS},
        {"Your prices went up again and the service got worse.", NEG},
        {"The technician was really knowledgeable and very polite.", POS},
        {"I could never reach anyone by phone.", NEG},
        {"Communication was poor: no updates for weeks.", NEG},
        {"Excellent value for money.", POS},
        {"Delivery was delayed twice and nobody told me why.", NEG},
        {"Friendly people but slow to respond.", NEG},
        {"It was OK.", NEU},
        {"The website chat is super convenient 👍", POS},
        {"I had to explain my problem three times, very frustrating.", NEG},
        {"Billing errors every month, this is unacceptable.", NEG},
        {"The engineer did not show up as agreed.", NEG},
        {"Everything was handled quickly and professionally.", POS},
        {"Not very friendly, to be honest.", NEG},
        {"Hard to get through to customer service on the phone.", NEG},
        {"Fair price and honest advice.", POS},
        {"Nice and patient lady on the helpline.", POS},
        {"Terrible experience. The worst company I've ever dealt with.", NEG},
        {"Thanks!", POS},
        {"I don't know.", NEU},
        /* case, accents, emoji */
        {"SUPER VRIÉNDELIJK", POS},
        {"SLECHT", NEG},
        {"👍👍", POS},
        {"😡", NEG},
        {"❤️", POS},
        {"Geen opmerkingen.", NEU},
        {"", NEU},
        {"n.v.t.", NEU},
};

static void test_answers(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < N(answers); i++) {
		struct sentiment s = score_of(lx, answers[i].text);
		if (s.label != answers[i].label) {
			print_error("\"%s\": %s (%.2f), want %s\n", answers[i].text,
			            sentiment_label_name(s.label), s.score,
			            sentiment_label_name(answers[i].label));
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_rules(void **state)
{
	(void)state;
	/* nothing found: exactly 0 */
	struct sentiment s = score_of(lx, "De monteur kwam dinsdag.");
	assert_true(s.score == 0.0 && s.words == 0 && s.label == NEU);
	/* intensifiers raise, diminishers lower, both ways */
	assert_true(sc("heel goed") > sc("goed"));
	assert_true(sc("really slow") < sc("slow"));
	assert_true(sc("een beetje traag") > sc("traag"));
	assert_true(sc("a bit slow") > sc("slow"));
	assert_true(sc("een beetje traag") < 0);
	/* negation flips, damped, within three words */
	assert_true(sc("niet goed") < 0 && sc("niet goed") > sc("slecht"));
	assert_true(sc("not bad") > 0);
	assert_true(sc("geen probleem") > 0);
	assert_true(sc("niet erg vriendelijk") < 0);
	assert_true(sc("I would not say they were friendly") > 0); /* four words on */
	assert_true(sc("niet, goed") > 0);                         /* not over a comma */
	assert_true(sc("don't recommend") < 0 && sc("dont recommend") < 0);
	/* phrases beat their words */
	assert_true(sc("nooit meer") < sc("nooit"));
	assert_true(sc("never again") < -0.5);
	assert_true(sc("to be honest") == 0.0);
	/* "but": what follows counts more */
	assert_true(sc("snel maar onvriendelijk") < 0);
	assert_true(sc("onvriendelijk maar snel") > 0);
	assert_true(sc("fast but unfriendly") < 0);
	/* more words, a larger score, but never past 1 */
	assert_true(sc("goed goed goed goed") > sc("goed"));
	assert_true(sc("top top top top top top top top top top top top") < 1.0);
	/* the labels' thresholds */
	assert_int_equal(score_of(lx, "ok").label, NEU);
	assert_int_equal(score_of(lx, "goed").label, POS);
	assert_int_equal(score_of(lx, "matig").label, NEU);
	assert_int_equal(score_of(lx, "slow").label, NEG);
}

static void test_hostile_text(void **state)
{
	(void)state;
	struct sentiment s;
	struct brug_err err = {0};
	static const char bad[] = "sl\xff\xfe"
	                          "echt \0 goed \xc3\x28 \xed\xa0\x80 top";
	assert_int_equal(sentiment_score(lx, bad, sizeof(bad) - 1, &s, &err), 0);
	assert_int_equal(s.label, POS); /* "goed" and "top"; "sl", "echt" counted nothing */
	assert_int_equal(sentiment_score(lx, NULL, 0, &s, &err), 0);
	assert_true(s.score == 0.0);

	struct buf b;
	buf_init(&b, 0);
	while (b.len < 100 * 1024)
		buf_adds(&b, "Slecht bereikbaar, traag en onvriendelijk. ");
	s = score_of(lx, buf_str(&b));
	assert_int_equal(s.label, NEG);
	assert_true(s.score >= -1.0 && s.words > 5000);
	while (b.len <= TEXTFOLD_TEXT_MAX)
		buf_adds(&b, "goed goed goed goed goed goed goed goed goed goed goed goed ");
	s.score = 42;
	assert_int_equal(sentiment_score(lx, buf_str(&b), b.len, &s, &err), BRUG_ETOOBIG);
	assert_true(s.score == 42);
	assert_string_equal(err.key, "error.too_long");
	buf_cleanup(&b);
}

static void test_own_entries(void **state)
{
	(void)state;
	struct sentiment_lexicon *own = NULL;
	struct brug_err err = {0};
	assert_int_equal(sentiment_lexicon_default(&own, &err), 0);
	size_t before = sentiment_lexicon_count(own);
	assert_int_equal(score_of(own, "de app is vaag").label, NEU);
	static const char extra[] = "# our own words\n"
	                            "\n"
	                            "  appje   +2\r\n"
	                            "vastgelopen  -3\n"
	                            "app is vaag -2\n"
	                            "klantvriendelijkst* 3\n"
	                            "nauwelijks    neg\n";
	assert_int_equal(sentiment_lexicon_add(own, TEXTWORDS_NL, extra, strlen(extra), &err), 0);
	assert_int_equal(sentiment_lexicon_count(own), before + 5);
	assert_int_equal(score_of(own, "de app is vaag").label, NEG);
	assert_int_equal(score_of(own, "Het appje!").label, POS);
	assert_int_equal(score_of(own, "alles vastgelopen").label, NEG);
	assert_int_equal(score_of(own, "klantvriendelijkste bedrijf").label, POS);

	/* a failed add changes nothing */
	static const char broken[] = "prachtig 3\nlelijk x\n";
	assert_int_equal(sentiment_lexicon_add(own, TEXTWORDS_NL, broken, strlen(broken), &err),
	                 BRUG_EVALIDATION);
	assert_int_equal(sentiment_lexicon_count(own), before + 5);
	assert_int_equal(score_of(own, "prachtig").label, NEU);
	sentiment_lexicon_free(own);
}

static const struct {
	const char *text;
	const char *msg;
} refusals[] = {
        {"goed\n", "line 1: \"goed\" has no value after it"},
        {"goed 4\n", "line 1: \"4\" is no weight"},
        {"goed 0\n", "line 1: a weight of 0 counts nothing"},
        {"goed -\n", "is no weight"},
        {"goed 2.5\n", "is no weight"},
        {"goed nope\n", "is no weight"},
        {"# ok\ngoed 2\n\n?? 2\n", "line 4: \"??\" has no letters or digits"},
        {"a b c d e f g -1\n", "line 1: \"a b c d e f g\" has 7 words"},
        {"be* 2\n", "line 1: \"be*\": a prefix needs at least 3 letters"},
        {"goed 2\nslecht -2\nGoed 3\n", "line 3: \"Goed\" is on line 1 already"},
        {"lang, wachten -1\n", "punctuation between its words"},
};

static void test_refusals(void **state)
{
	(void)state;
	struct sentiment_lexicon *l = sentiment_lexicon_new();
	for (size_t i = 0; i < N(refusals); i++) {
		struct brug_err err = {0};
		int rc = sentiment_lexicon_add(l, TEXTWORDS_NL, refusals[i].text,
		                               strlen(refusals[i].text), &err);
		if (rc != BRUG_EVALIDATION || strstr(err.detail, refusals[i].msg) == NULL)
			fail_msg("%s: rc %d \"%s\", want \"%s\"", refusals[i].text, rc, err.detail,
			         refusals[i].msg);
		assert_string_equal(err.key, "error.lexicon");
	}
	struct brug_err err = {0};
	assert_int_equal(sentiment_lexicon_add(l, TEXTWORDS_EN, "bad\xff -1\n", 8, &err),
	                 BRUG_EVALIDATION);
	assert_non_null(strstr(err.detail, "UTF-8"));
	assert_int_equal(sentiment_lexicon_add(l, TEXTWORDS_EN, "bad\0 -1\n", 8, &err),
	                 BRUG_EVALIDATION);

	/* too many entries, too large a source */
	struct buf b;
	buf_init(&b, 0);
	for (int i = 0; i <= SENTIMENT_ENTRIES_MAX; i++)
		buf_printf(&b, "w%d 1\n", i);
	assert_int_equal(sentiment_lexicon_add(l, TEXTWORDS_EN, buf_str(&b), b.len, &err),
	                 BRUG_EVALIDATION);
	assert_non_null(strstr(err.detail, "more than 5000 entries"));
	while (b.len <= SENTIMENT_SOURCE_MAX)
		buf_adds(&b, "# padding padding padding padding padding padding padding\n");
	assert_int_equal(sentiment_lexicon_add(l, TEXTWORDS_EN, buf_str(&b), b.len, &err),
	                 BRUG_ETOOBIG);
	buf_cleanup(&b);
	assert_int_equal(sentiment_lexicon_count(l), 0);
	sentiment_lexicon_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_default_loads), cmocka_unit_test(test_answers),
	        cmocka_unit_test(test_rules),         cmocka_unit_test(test_hostile_text),
	        cmocka_unit_test(test_own_entries),   cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

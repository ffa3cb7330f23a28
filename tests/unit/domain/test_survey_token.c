/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/domain/survey_token.c and survey_agg.c's periods: answer
 * links that cannot be forged or confused (an invitation's never passes as
 * a link's), any bytes refused without a crash; and the week and month a
 * moment counts in, on the organisation's clock. Pure: no database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/survey_agg.h"
#include "domain/survey_token.h"
#include "util/tz.h"

static const unsigned char key[SECURE_KEY_BYTES] = "0123456789abcdef0123456789abcdef";
static const unsigned char other[SECURE_KEY_BYTES] = "fedcba9876543210fedcba9876543210";

static void test_round_trip(void **state)
{
	(void)state;
	int64_t ids[] = {1, 42, 999999999999LL, 123456789012345678LL};
	for (size_t i = 0; i < 4; i++) {
		char tok[SURVEY_TOKEN_MAX];
		int64_t got = 0;
		survey_token_make(key, ids[i], tok);
		assert_true(strlen(tok) < SURVEY_TOKEN_MAX);
		assert_true(survey_token_parse(key, tok, &got));
		assert_int_equal(got, ids[i]);
		/* another installation's secret, or the link kind: refused */
		assert_false(survey_token_parse(other, tok, &got));
		assert_false(survey_token_parse_link(key, tok, &got));
		survey_token_make_link(key, ids[i], tok);
		assert_true(survey_token_parse_link(key, tok, &got));
		assert_int_equal(got, ids[i]);
		assert_false(survey_token_parse(key, tok, &got));
		assert_false(survey_token_parse(key, tok + 1, &got));
	}
}

static void test_forgeries(void **state)
{
	(void)state;
	char tok[SURVEY_TOKEN_MAX], bad[SURVEY_TOKEN_MAX + 8];
	int64_t got = -7;
	survey_token_make(key, 77, tok);
	/* every single changed byte is refused */
	for (size_t i = 0; tok[i]; i++) {
		snprintf(bad, sizeof(bad), "%s", tok);
		bad[i] = bad[i] == 'x' ? 'y' : 'x';
		assert_false(survey_token_parse(key, bad, &got));
	}
	/* another id with this MAC */
	snprintf(bad, sizeof(bad), "78%s", strchr(tok, '.'));
	assert_false(survey_token_parse(key, bad, &got));
	const char *junk[] = {"", ".", "77", "77.", "077.aaaaaaaaaaaaaaaaaaaaaa", "-1.aaaaaaaaaaaaaaaaaaaaaa",
			      "1234567890123456789.aaaaaaaaaaaaaaaaaaaaaa", "L", "L.x", "77.\xff\xfe",
			      NULL};
	for (size_t i = 0; junk[i]; i++)
		assert_false(survey_token_parse(key, junk[i], &got));
	snprintf(bad, sizeof(bad), "%s?", tok);
	assert_false(survey_token_parse(key, bad, &got));
	assert_false(survey_token_parse(key, NULL, &got));
	assert_int_equal(got, -7); /* untouched on refusal */
}

static void test_periods(void **state)
{
	(void)state;
	struct survey_periods p;
	/* Thursday 1 January 2026, 00:30 in Amsterdam (23:30 UTC the day before):
	 * the ISO week started on Monday 29 December 2025 */
	int64_t t = tz_from_local(tz_get("Europe/Amsterdam"), 2026, 1, 1, 0, 30, 0);
	survey_agg_periods("Europe/Amsterdam", t, &p);
	assert_int_equal(p.week, 20251229);
	assert_int_equal(p.month, 20260101);
	/* the same instant in UTC is still 31 December */
	survey_agg_periods("UTC", t, &p);
	assert_int_equal(p.month, 20251201);
	assert_int_equal(p.week, 20251229);
	/* a Sunday belongs to the week of the Monday before it, also across the
	 * clocks going back (Sunday 25 October 2026) */
	t = tz_from_local(tz_get("Europe/Amsterdam"), 2026, 10, 25, 23, 59, 0);
	survey_agg_periods("Europe/Amsterdam", t, &p);
	assert_int_equal(p.week, 20261019);
	assert_int_equal(p.month, 20261001);
	/* a Monday is its own week; an unknown zone reads as Amsterdam */
	t = tz_from_local(tz_get("Europe/Amsterdam"), 2026, 11, 23, 0, 0, 0);
	survey_agg_periods("Nergens/Nergens", t, &p);
	assert_int_equal(p.week, 20261123);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_forgeries),
		cmocka_unit_test(test_periods),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/util/contactinfo.c: the email addresses people type are
 * accepted and the nonsense refused; phone numbers in every notation
 * people and exports use reduce to one international form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/contactinfo.h"

static void test_email(void **state)
{
	(void)state;
	const char *good[] = {"jan@example.nl", "j.de.vries+crm@sub.example.co.uk",
			      "INFO@Bakkerij-Jansen.NL", "o'brien@example.ie", "x@y.z"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!contactinfo_email_valid(good[i]))
			fail_msg("refused %s", good[i]);
	const char *bad[] = {"", "jan", "jan@", "@example.nl", "jan@example", "jan@@example.nl",
			     "jan@exa mple.nl", "jan de vries@example.nl", "jan@.example.nl",
			     "jan@example..nl", "<jan@example.nl>", "jan@example.nl;", "a@b.",
			     "jan\t@example.nl"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (contactinfo_email_valid(bad[i]))
			fail_msg("accepted %s", bad[i]);
	char big[300];
	memset(big, 'a', sizeof(big));
	memcpy(big + 280, "@example.nl", 12);
	assert_false(contactinfo_email_valid(big)); /* over 254 bytes */
}

static void test_phone(void **state)
{
	(void)state;
	const struct {
		const char *in, *want;
	} cases[] = {
		/* one Dutch mobile number, written every way people write it */
		{"06-12345678", "31612345678"},
		{"06 1234 5678", "31612345678"},
		{"+31 6 1234 5678", "31612345678"},
		{"+31 (0)6 12345678", "31612345678"},
		{"0031612345678", "31612345678"},
		{"(06) 123 456 78", "31612345678"},
		{"06.12.34.56.78", "31612345678"},
		/* landlines and other countries */
		{"020-1234567", "31201234567"},
		{"+32 2 555 12 12", "3225551212"},
		{"0049 30 1234567", "49301234567"},
		{"+1 (415) 555-0100", "14155550100"},
		/* short numbers stay as they are */
		{"112", "112"},
		{"14020", "14020"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[PHONE_NORM_MAX] = "";
		if (!contactinfo_phone_norm(cases[i].in, "31", out))
			fail_msg("refused %s", cases[i].in);
		if (strcmp(out, cases[i].want))
			fail_msg("%s gave %s, want %s", cases[i].in, out, cases[i].want);
	}
	const char *bad[] = {"", "bel me", "06-1234567x", "12", "+", "06--", "++31612345678",
			     "0612345678901234567890", "06 1234 5678 ext. 12", "31+612345678"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char out[PHONE_NORM_MAX] = "untouched";
		if (contactinfo_phone_norm(bad[i], "31", out))
			fail_msg("accepted %s as %s", bad[i], out);
		assert_string_equal(out, "untouched");
	}
	/* without a country, a national number keeps its digits */
	char out[PHONE_NORM_MAX];
	assert_true(contactinfo_phone_norm("020 123 4567", NULL, out));
	assert_string_equal(out, "0201234567");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_phone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

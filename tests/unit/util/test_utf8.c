/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/util/utf8.c: what may enter brug. Well-formed UTF-8 only:
 * no overlong forms, no surrogates, nothing above U+10FFFF, no NUL, no
 * truncated sequence; both on the ASCII fast path (eight bytes at a time)
 * and around it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/utf8.h"

struct ucase {
	const char *s;
	size_t n; /* 0: strlen */
	bool valid;
	const char *what;
};

#define V(s, what)                                                                                 \
	{                                                                                          \
		s, sizeof(s) - 1, true, what                                                       \
	}
#define X(s, what)                                                                                 \
	{                                                                                          \
		s, sizeof(s) - 1, false, what                                                      \
	}

static const struct ucase cases[] = {
	V("", "empty"),
	V("abc", "ascii"),
	V("abcdefghijklmnopqrstuvwxyz0123456789", "long ascii (fast path)"),
	V("tab\tcr\rlf\n", "whitespace controls are well-formed"),
	V("\x01\x1f\x7f", "controls are well-formed UTF-8"),
	V("h\xC3\xA9llo", "2-byte e-acute"),
	V("\xC2\x80", "U+0080, smallest 2-byte"),
	V("\xDF\xBF", "U+07FF, largest 2-byte"),
	V("\xE0\xA0\x80", "U+0800, smallest 3-byte"),
	V("\xE2\x82\xAC", "euro sign"),
	V("\xED\x9F\xBF", "U+D7FF, just below the surrogates"),
	V("\xEE\x80\x80", "U+E000, just above the surrogates"),
	V("\xEF\xBF\xBD", "U+FFFD"),
	V("\xEF\xBF\xBF", "U+FFFF (a noncharacter, still well-formed)"),
	V("\xF0\x90\x80\x80", "U+10000, smallest 4-byte"),
	V("\xF0\x9F\x98\x80", "emoji"),
	V("\xF4\x8F\xBF\xBF", "U+10FFFF, the largest code point"),
	V("abcdefgh\xC3\xA9ijklmnop\xF0\x9F\x98\x80qrstuvwx", "ascii words around multibyte"),
	V("1234567\xE2\x82\xAC", "multibyte straddling an 8-byte word"),

	X("\0", "NUL alone"),
	X("abc\0def", "NUL in a short string"),
	X("abcdefg\0hijklmno", "NUL inside an 8-byte word"),
	X("abcdefghijklmno\0", "NUL at the end of the second word"),
	X("\xC3\xA9\0", "NUL after multibyte"),
	X("\xC0\xAF", "overlong '/' (2-byte)"),
	X("\xC0\x80", "overlong NUL (modified UTF-8)"),
	X("\xC1\xBF", "overlong U+007F"),
	X("\xE0\x80\xAF", "overlong '/' (3-byte)"),
	X("\xE0\x9F\xBF", "overlong U+07FF (3-byte)"),
	X("\xF0\x80\x80\xAF", "overlong '/' (4-byte)"),
	X("\xF0\x8F\xBF\xBF", "overlong U+FFFF (4-byte)"),
	X("\xED\xA0\x80", "U+D800 high surrogate"),
	X("\xED\xAF\xBF", "U+DBFF"),
	X("\xED\xB0\x80", "U+DC00 low surrogate"),
	X("\xED\xBF\xBF", "U+DFFF"),
	X("\xED\xA0\xBD\xED\xB8\x80", "a CESU-8 surrogate pair"),
	X("\xF4\x90\x80\x80", "U+110000"),
	X("\xF5\x80\x80\x80", "lead byte F5"),
	X("\xF7\xBF\xBF\xBF", "U+1FFFFF"),
	X("\xF8\x88\x80\x80\x80", "5-byte form"),
	X("\xFC\x84\x80\x80\x80\x80", "6-byte form"),
	X("\xFE", "byte FE"),
	X("\xFF", "byte FF"),
	X("\x80", "lone continuation"),
	X("a\xBFz", "continuation between ascii"),
	X("\xC3", "truncated 2-byte"),
	X("\xE2\x82", "truncated 3-byte"),
	X("\xF0\x9F\x98", "truncated 4-byte"),
	X("\xC3z", "lead byte followed by ascii"),
	X("\xE2\x82z", "3-byte with ascii third"),
	X("abcdefgh\xE2\x82", "truncated after a fast-path word"),
	X("abcdefgh\xFF"
	  "abcdefgh",
	  "bad byte between words"),
};

static void test_valid(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (utf8_valid(cases[i].s, cases[i].n) != cases[i].valid)
			fail_msg("case %zu (%s): expected %s", i, cases[i].what,
				 cases[i].valid ? "valid" : "invalid");
	}
}

static void test_valid_respects_length(void **state)
{
	(void)state;
	/* n cuts a sequence: invalid, even though the bytes go on */
	assert_false(utf8_valid("\xE2\x82\xAC", 2));
	assert_true(utf8_valid("\xE2\x82\xAC", 3));
	/* bytes past n are not read: a NUL there does not matter */
	assert_true(utf8_valid("abc\0def", 3));
	assert_true(utf8_valid("abcdefghij\0", 10));
	assert_true(utf8_valid(NULL, 0));
}

static void test_every_two_byte_lead(void **state)
{
	(void)state;
	/* C0 and C1 only make overlong forms; C2..DF are proper leads */
	for (int lead = 0xC0; lead <= 0xDF; lead++) {
		char s[2] = {(char)lead, (char)0x80};
		assert_int_equal(utf8_valid(s, 2), lead >= 0xC2);
	}
	/* a lead byte must be followed by a continuation byte, every one */
	for (int c = 0; c < 256; c++) {
		char s[2] = {(char)0xC3, (char)c};
		assert_int_equal(utf8_valid(s, 2), c >= 0x80 && c <= 0xBF);
	}
}

static void test_len(void **state)
{
	(void)state;
	assert_int_equal(utf8_len("", 0), 0);
	assert_int_equal(utf8_len("abc", 3), 3);
	assert_int_equal(utf8_len("h\xC3\xA9llo", 6), 5);
	assert_int_equal(utf8_len("\xE2\x82\xAC\xE2\x82\xAC", 6), 2);
	assert_int_equal(utf8_len("\xF0\x9F\x98\x80"
				  "a",
				  5),
			 2);
	assert_int_equal(utf8_len("abcdef", 2), 2);
}

static void test_controls(void **state)
{
	(void)state;
	assert_false(utf8_has_controls("", 0));
	assert_false(utf8_has_controls("plain text", 10));
	assert_false(utf8_has_controls("tab\there\r\nnext", 14));
	assert_false(utf8_has_controls("h\xC3\xA9llo \xE2\x82\xAC", 10));
	for (int c = 0; c < 0x20; c++) {
		char s[3] = {'a', (char)c, 'b'};
		bool want = c != '\t' && c != '\n' && c != '\r';
		if (utf8_has_controls(s, 3) != want)
			fail_msg("control 0x%02x: expected %d", c, want);
	}
	assert_true(utf8_has_controls("a\x7f", 2));    /* DEL */
	assert_true(utf8_has_controls("\x1b[31m", 5)); /* a terminal escape */
	assert_true(utf8_has_controls("ab\0", 3));     /* NUL counts */
	/* only the first n bytes are looked at */
	assert_false(utf8_has_controls("ab\x01", 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_valid_respects_length),
		cmocka_unit_test(test_every_two_byte_lead),
		cmocka_unit_test(test_len),
		cmocka_unit_test(test_controls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/util/charset.c: UTF-8 with and without a byte order mark
 * passes through; Windows-1252 is converted (every byte checked against
 * glibc's iconv CP1252); UTF-16, UTF-32, binary files, undefined 1252
 * bytes and UTF-8 mixed with another encoding are refused with the message
 * a user sees, on the right line. */
#include <errno.h>
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/rc.h"
#include "util/charset.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
/* a string literal and its length, NULs included */
#define S(lit) lit, sizeof(lit) - 1

static char *ok(const char *in, size_t n, size_t *len, enum charset *cs)
{
	char *out = NULL;
	struct brug_err err = {0};
	int rc = charset_to_utf8(in, n, &out, len, cs, &err);
	if (rc)
		fail_msg("rc %d: %s", rc, err.detail);
	assert_non_null(out);
	assert_int_equal(out[*len], '\0');
	return out;
}

static void expect(const char *in, size_t n, const char *want, enum charset want_cs)
{
	size_t len;
	enum charset cs;
	char *out = ok(in, n, &len, &cs);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(out, want, len);
	if (cs != want_cs)
		fail_msg("found %s, expected %s", charset_name(cs), charset_name(want_cs));
	free(out);
}

/* Refused with exactly this message; the outputs are left alone. */
static void refused(const char *in, size_t n, const char *msg)
{
	char *out = (char *)"untouched";
	size_t len = 12345;
	enum charset cs = (enum charset)77;
	struct brug_err err = {0};
	int rc = charset_to_utf8(in, n, &out, &len, &cs, &err);
	assert_int_equal(rc, BRUG_EINVAL);
	assert_int_equal(err.rc, BRUG_EINVAL);
	assert_string_equal(err.key, "error.bad_request");
	assert_string_equal(err.detail, msg);
	assert_string_equal(out, "untouched");
	assert_int_equal(len, 12345);
	assert_int_equal(cs, 77);
	/* err may be NULL */
	assert_int_equal(charset_to_utf8(in, n, &out, &len, NULL, NULL), BRUG_EINVAL);
}

static void test_utf8(void **state)
{
	(void)state;
	expect(S(""), "", CHARSET_UTF8);
	expect(S("Naam,E-mail\r\nJan,jan@example.nl\r\n"), "Naam,E-mail\r\nJan,jan@example.nl\r\n",
	       CHARSET_UTF8);
	expect(S("Caf\xC3\xA9 M\xC3\xBCller \xE2\x82\xAC 5 \xF0\x9F\x98\x80"),
	       "Caf\xC3\xA9 M\xC3\xBCller \xE2\x82\xAC 5 \xF0\x9F\x98\x80", CHARSET_UTF8);
	/* tab and form feed are text; one vertical tab or DOS end-of-file mark
	 * is let through too */
	expect(S("a\tb\fc\x0b"
		 "d\r\n"),
	       "a\tb\fc\x0b"
	       "d\r\n",
	       CHARSET_UTF8);
	expect(S("Naam\r\nJan\r\n\x1a"), "Naam\r\nJan\r\n\x1a", CHARSET_UTF8);
	/* only n bytes are read: the NUL after them is not seen */
	expect("abc\0def", 3, "abc", CHARSET_UTF8);
}

static void test_bom(void **state)
{
	(void)state;
	/* as Excel's "CSV UTF-8" writes it */
	expect(S("\xEF\xBB\xBFNaam;E-mail;Telefoon\r\n\"Vries; de\";a@b.nl;06\r\n"),
	       "Naam;E-mail;Telefoon\r\n\"Vries; de\";a@b.nl;06\r\n", CHARSET_UTF8_BOM);
	expect(S("\xEF\xBB\xBF"), "", CHARSET_UTF8_BOM);
	expect(S("\xEF\xBB\xBF"
		 "Caf\xC3\xA9"),
	       "Caf\xC3\xA9", CHARSET_UTF8_BOM);
	/* only one mark is stripped; a second is text (U+FEFF) */
	expect(S("\xEF\xBB\xBF\xEF\xBB\xBFx"), "\xEF\xBB\xBFx", CHARSET_UTF8_BOM);
	/* a byte order mark promises UTF-8: no guessing after it */
	refused(S("\xEF\xBB\xBFName\nCaf\xE9\n"),
		"the file starts with a UTF-8 byte order mark but byte 0xE9 at line 2 is not "
		"UTF-8; save it as CSV UTF-8");
	/* an incomplete mark is no mark: EF BB is Windows-1252 "ï»" */
	expect(S("\xEF\xBBx"), "\xC3\xAF\xC2\xBBx", CHARSET_WINDOWS_1252);
}

static void test_1252(void **state)
{
	(void)state;
	expect(S("Caf\xE9 M\xFCller \x80 5"), "Caf\xC3\xA9 M\xC3\xBCller \xE2\x82\xAC 5",
	       CHARSET_WINDOWS_1252);
	/* what Dutch Excel writes with "CSV (gescheiden door lijstscheidingsteken)" */
	expect(S("Naam;Plaats;Opmerking\r\nJos\xE9;'s-Hertogenbosch;\x93goed\x94 \x96 ok\r\n"),
	       "Naam;Plaats;Opmerking\r\nJos\xC3\xA9;'s-Hertogenbosch;\xE2\x80\x9Cgoed\xE2\x80\x9D "
	       "\xE2\x80\x93 ok\r\n",
	       CHARSET_WINDOWS_1252);
	/* every defined byte of 0x80-0x9F, in order */
	expect(S("\x80\x82\x83\x84\x85\x86\x87\x88\x89\x8A\x8B\x8C\x8E\x91\x92\x93\x94\x95\x96\x97"
		 "\x98\x99\x9A\x9B\x9C\x9E\x9F"),
	       "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ", CHARSET_WINDOWS_1252);
	expect(S("\xA0\xFF"), "\xC2\xA0\xC3\xBF", CHARSET_WINDOWS_1252);
	/* 1252 text that happens to hold one UTF-8-looking pair ("Ã©") among
	 * more bytes that are not UTF-8 is still 1252 */
	expect(S("\xC3\xA9t\xE9 d\xE9j\xE0"), "\xC3\x83\xC2\xA9t\xC3\xA9 d\xC3\xA9j\xC3\xA0",
	       CHARSET_WINDOWS_1252);
}

/* Every byte, alone between two letters, against glibc's CP1252. */
static void test_1252_table(void **state)
{
	(void)state;
	iconv_t cd = iconv_open("UTF-8", "CP1252");
	assert_true(cd != (iconv_t)-1);
	int undefined = 0;
	for (int b = 1; b < 256; b++) {
		char in[3] = {'a', (char)b, 'z'};
		char want[16], *ip = in, *op = want;
		size_t il = 3, ol = sizeof(want);
		iconv(cd, NULL, NULL, NULL, NULL);
		size_t r = iconv(cd, &ip, &il, &op, &ol);
		char *out = NULL;
		size_t len;
		enum charset cs;
		int rc = charset_to_utf8(in, 3, &out, &len, &cs, NULL);
		if (r == (size_t)-1) {
			assert_int_equal(errno, EILSEQ);
			if (rc != BRUG_EINVAL)
				fail_msg("byte 0x%02X: iconv refuses it, we do not", b);
			undefined++;
			continue;
		}
		if (rc != 0)
			fail_msg("byte 0x%02X: refused", b);
		size_t wlen = (size_t)(op - want);
		if (len != wlen || memcmp(out, want, len) != 0)
			fail_msg("byte 0x%02X: differs from iconv", b);
		if (b >= 0x80 && cs != CHARSET_WINDOWS_1252)
			fail_msg("byte 0x%02X: taken for %s", b, charset_name(cs));
		free(out);
	}
	assert_int_equal(undefined, 5);
	iconv_close(cd);
}

static void test_1252_undefined(void **state)
{
	(void)state;
	refused(S("a\x81"), "unknown encoding: byte 0x81 at line 1");
	refused(S("Naam\r\nJos\xE9\r\nx\x8D"), "unknown encoding: byte 0x8D at line 3");
	/* LF, CR LF and a lone CR each end one line */
	refused(S("1\n2\r\n3\r4\r\r\n6 \xE9\x8F"), "unknown encoding: byte 0x8F at line 6");
	refused(S("\x90"), "unknown encoding: byte 0x90 at line 1");
	refused(S("\n\n\x9D"), "unknown encoding: byte 0x9D at line 3");
}

static void test_mixed(void **state)
{
	(void)state;
	/* UTF-8 with one Windows-1252 byte pasted in: reading it as 1252 would
	 * garble the é that is right */
	refused(S("Naam\nCaf\xC3\xA9\nM\xFCller\n"),
		"the file is UTF-8 mixed with another encoding: byte 0xFC at line 3 is not "
		"UTF-8; save it as CSV UTF-8");
	/* a truncated sequence at the end */
	refused(S("caf\xC3\xA9\r\nCAF\xC3\x89 \xE2\x82"),
		"the file is UTF-8 mixed with another encoding: byte 0xE2 at line 2 is not UTF-8; "
		"save it as CSV UTF-8");
}

static void test_wide(void **state)
{
	(void)state;
	static const char utf16[] = "the file is UTF-16; save it as CSV UTF-8";
	static const char utf32[] = "the file is UTF-32; save it as CSV UTF-8";
	refused(S("\xFF\xFEN\0a\0a\0m\0\r\0\n\0"), utf16);
	refused(S("\xFE\xFF\0N\0a\0a\0m"), utf16);
	refused(S("\xFF\xFE"), utf16);
	refused(S("\xFF\xFE\0\0N\0\0\0"), utf32);
	refused(S("\0\0\xFE\xFF\0\0\0N"), utf32);
	/* without a byte order mark: the NULs give it away */
	refused(S("N\0a\0a\0m\0,\0E\0-\0m\0a\0i\0l\0\r\0\n\0J\0a\0n\0"), utf16);
	refused(S("\0N\0a\0a\0m\0,\0\xE9"), utf16);
	refused(S("N\0\0\0a\0\0\0a\0\0\0m\0\0\0"), utf32);
	refused(S("\0\0\0N\0\0\0a\0\0\0a\0\0\0m"), utf32);
	/* UTF-16 of non-Latin text has few NULs: then it is binary to us */
	refused(S("\x30\x4A\x30\x6F\x30\x88\x30\x46\0\n"),
		"this is not a text file: NUL byte at line 1");
}

static void test_binary(void **state)
{
	(void)state;
	/* the first bytes of a PNG image and of a ZIP (xlsx) file */
	refused(S("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0"),
		"this is not a text file: NUL byte at line 3");
	refused(S("PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0"),
		"this is not a text file: NUL byte at line 1");
	/* a text file with one NUL in it */
	refused(S("Naam,E-mail\nJan,j\0n@example.nl\n"),
		"this is not a text file: NUL byte at line 2");
	refused(S("\xEF\xBB\xBFNaam\n\n\0"), "this is not a text file: NUL byte at line 3");
	/* control characters without NULs */
	refused(S("\x01\x02\x03"), "this is not a text file: it is full of control characters");
	char junk[301] = {0};
	for (size_t i = 0; i < 300; i++)
		junk[i] = (char)(i % 8 == 0 ? 0x1b : 'a' + i % 26);
	refused(junk, 300, "this is not a text file: it is full of control characters");
	/* a few in a long text are let through, for the importer to judge */
	for (size_t i = 0; i < 300; i++)
		junk[i] = (char)(i % 40 == 0 ? 0x0b : 'a' + i % 26);
	expect(junk, 300, junk, CHARSET_UTF8);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(charset_name(CHARSET_UTF8), "utf-8");
	assert_string_equal(charset_name(CHARSET_UTF8_BOM), "utf-8-bom");
	assert_string_equal(charset_name(CHARSET_WINDOWS_1252), "windows-1252");
	assert_string_equal(charset_name((enum charset)42), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8),           cmocka_unit_test(test_bom),
		cmocka_unit_test(test_1252),           cmocka_unit_test(test_1252_table),
		cmocka_unit_test(test_1252_undefined), cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_wide),           cmocka_unit_test(test_binary),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

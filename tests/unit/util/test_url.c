/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/util/url.c: percent-encoding (RFC 3986). Only unreserved
 * characters pass through, so the result is safe in a query value, a path
 * segment and a header, and decodes back to the input byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/rc.h"
#include "util/url.h"

static void expect(const char *in, const char *out)
{
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(url_encode(&b, in), 0);
	assert_string_equal(buf_str(&b), out);
	buf_cleanup(&b);
}

static void test_encode(void **state)
{
	(void)state;
	expect("", "");
	expect("ABCXYZabcxyz0123456789-._~", "ABCXYZabcxyz0123456789-._~");
	expect("a b", "a%20b"); /* not '+': a '+' means a space only in forms */
	expect("a+b", "a%2Bb");
	expect("/?#[]@", "%2F%3F%23%5B%5D%40");
	expect("!$&'()*,;=", "%21%24%26%27%28%29%2A%2C%3B%3D");
	expect("100%", "100%25");
	expect("\"<>\\^`{|}", "%22%3C%3E%5C%5E%60%7B%7C%7D");
	expect("\r\n\t", "%0D%0A%09");
	expect("h\xC3\xA9", "h%C3%A9"); /* upper-case hex, per byte */
	expect("\xF0\x9F\x98\x80", "%F0%9F%98%80");
	expect("\x7f\xff", "%7F%FF");
}

static void test_appends(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	buf_adds(&b, "/search?q=");
	assert_int_equal(url_encode(&b, "a&b=c"), 0);
	buf_adds(&b, "&next=");
	assert_int_equal(url_encode(&b, "/users?page=2"), 0);
	assert_string_equal(buf_str(&b), "/search?q=a%26b%3Dc&next=%2Fusers%3Fpage%3D2");
	buf_cleanup(&b);
}

static int unhex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void test_every_byte_round_trips(void **state)
{
	(void)state;
	char in[256];
	for (int i = 1; i < 256; i++)
		in[i - 1] = (char)i;
	in[255] = '\0';
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(url_encode(&b, in), 0);
	const char *s = buf_str(&b);
	/* only unreserved characters and well-formed escapes */
	char out[256];
	size_t n = 0;
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '%') {
			int hi = unhex(s[i + 1]), lo = hi < 0 ? -1 : unhex(s[i + 2]);
			assert_true(hi >= 0 && lo >= 0);
			out[n++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			assert_non_null(
				strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				       "0123456789-._~",
				       s[i]));
			out[n++] = s[i];
		}
	}
	assert_int_equal(n, 255);
	assert_memory_equal(out, in, 255);
	/* 66 unreserved characters, 189 escapes of three bytes */
	assert_int_equal(b.len, 66 + 189 * 3);
	buf_cleanup(&b);
}

static void test_cap(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 8);
	assert_int_equal(url_encode(&b, "abc"), 0);
	assert_int_equal(url_encode(&b, "  "), BRUG_ETOOBIG); /* 3 + 6 > 8 */
	assert_true(b.failed);
	buf_cleanup(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_every_byte_round_trips),
		cmocka_unit_test(test_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/util/buf.c: the capped string builder. What callers rely on:
 * the contents are always NUL-terminated, the cap is exact, a failure frees
 * the contents and latches until buf_reset, and buf_take hands over a string
 * that is never NULL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/rc.h"

static void test_empty(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(b.max, BUF_MAX_DEFAULT);
	assert_int_equal(b.len, 0);
	assert_false(b.failed);
	assert_string_equal(buf_str(&b), "");
	/* appending nothing still gives a valid empty string */
	assert_int_equal(buf_add(&b, NULL, 0), 0);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(b.len, 0);
	buf_cleanup(&b);
	buf_cleanup(NULL);
}

static void test_append(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(buf_add(&b, "abcdef", 3), 0);
	assert_int_equal(buf_adds(&b, "-xyz-"), 0);
	assert_int_equal(buf_addc(&b, '!'), 0);
	assert_int_equal(buf_add(&b, "a\0b", 3), 0); /* bytes, NUL included */
	assert_int_equal(b.len, 12);
	assert_memory_equal(b.p, "abc-xyz-!a\0b", 13); /* and a terminating NUL */
	/* growth past the first allocation keeps every byte */
	buf_reset(&b);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(buf_addc(&b, (char)('a' + i % 26)), 0);
	assert_int_equal(b.len, 1000);
	assert_int_equal(strlen(buf_str(&b)), 1000);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(b.p[i], 'a' + i % 26);
	assert_true(b.cap > b.len);
	buf_cleanup(&b);
}

static void test_printf(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(buf_printf(&b, "%s=%d;", "a", 42), 0);
	assert_int_equal(buf_printf(&b, "%05.1f|%x|%c", 3.14159, 255u, 'z'), 0);
	assert_string_equal(buf_str(&b), "a=42;003.1|ff|z");
	assert_int_equal(b.len, strlen("a=42;003.1|ff|z"));
	assert_int_equal(buf_printf(&b, "%s", ""), 0);
	assert_int_equal(b.len, strlen("a=42;003.1|ff|z"));
	/* a long formatted string that needs several doublings */
	char big[5000];
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_reset(&b);
	assert_int_equal(buf_printf(&b, "<%s>", big), 0);
	assert_int_equal(b.len, 5001);
	assert_int_equal(b.p[0], '<');
	assert_int_equal(b.p[5000], '>');
	assert_int_equal(b.p[5001], '\0');
	buf_cleanup(&b);
}

static void test_cap_exact(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 5);
	assert_int_equal(buf_adds(&b, "12345"), 0); /* exactly max is allowed */
	assert_string_equal(buf_str(&b), "12345");
	assert_int_equal(buf_addc(&b, '6'), BRUG_ETOOBIG);
	buf_cleanup(&b);

	buf_init(&b, 5);
	assert_int_equal(buf_adds(&b, "123456"), BRUG_ETOOBIG);
	buf_cleanup(&b);

	buf_init(&b, 5);
	assert_int_equal(buf_printf(&b, "%d", 12345), 0);
	assert_int_equal(buf_printf(&b, "%d", 6), BRUG_ETOOBIG);
	buf_cleanup(&b);
}

static void test_failure_latches_and_frees(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 10);
	assert_int_equal(buf_adds(&b, "secret"), 0);
	assert_int_equal(buf_adds(&b, "toolong"), BRUG_ETOOBIG);
	assert_true(b.failed);
	assert_null(b.p); /* the contents are gone, not half-kept */
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	/* every later append fails too, even one that would fit */
	assert_int_equal(buf_addc(&b, 'x'), BRUG_ETOOBIG);
	assert_int_equal(buf_add(&b, "", 0), BRUG_ETOOBIG);
	assert_int_equal(buf_printf(&b, "%d", 1), BRUG_ETOOBIG);
	assert_int_equal(buf_add_html(&b, "a", 1), BRUG_ETOOBIG);
	assert_string_equal(buf_str(&b), "");
	/* reset clears the failure and keeps the cap */
	buf_reset(&b);
	assert_false(b.failed);
	assert_int_equal(buf_adds(&b, "0123456789"), 0);
	assert_string_equal(buf_str(&b), "0123456789");
	assert_int_equal(buf_addc(&b, 'x'), BRUG_ETOOBIG);
	buf_cleanup(&b);
}

static void test_huge_append_fails(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(buf_adds(&b, "x"), 0);
	/* a length that would overflow len + n must fail, not wrap */
	assert_int_equal(buf_add(&b, "y", SIZE_MAX), BRUG_ETOOBIG);
	assert_int_equal(buf_add(&b, "y", 1), BRUG_ETOOBIG);
	buf_cleanup(&b);
	buf_init(&b, 0);
	assert_int_equal(buf_add(&b, "y", BUF_MAX_DEFAULT + 1), BRUG_ETOOBIG);
	buf_cleanup(&b);
}

static void test_html(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"", ""},
		{"plain text", "plain text"},
		{"&", "&amp;"},
		{"<", "&lt;"},
		{">", "&gt;"},
		{"\"", "&quot;"},
		{"'", "&#39;"},
		{"`", "&#96;"},
		{"a&b<c>d\"e'f`g", "a&amp;b&lt;c&gt;d&quot;e&#39;f&#96;g"},
		{"<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"},
		{"&amp;", "&amp;amp;"},
		{"héllo €", "héllo €"},
		{"<<>>", "&lt;&lt;&gt;&gt;"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b;
		buf_init(&b, 0);
		assert_int_equal(buf_add_html(&b, cases[i].in, strlen(cases[i].in)), 0);
		assert_string_equal(buf_str(&b), cases[i].out);
		assert_int_equal(b.len, strlen(cases[i].out));
		buf_cleanup(&b);
	}
	/* only n bytes are read */
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(buf_adds(&b, "["), 0);
	assert_int_equal(buf_add_html(&b, "a<b>c", 2), 0);
	assert_int_equal(buf_adds(&b, "]"), 0);
	assert_string_equal(buf_str(&b), "[a&lt;]");
	buf_cleanup(&b);
	/* an entity that would pass the cap fails the whole buffer */
	buf_init(&b, 6);
	assert_int_equal(buf_add_html(&b, "ab<", 3), 0); /* 2 + 4 bytes: exactly the cap */
	assert_int_equal(b.len, 6);
	buf_reset(&b);
	assert_int_equal(buf_add_html(&b, "abc<", 4), BRUG_ETOOBIG);
	assert_true(b.failed);
	assert_string_equal(buf_str(&b), "");
	buf_cleanup(&b);
}

static void test_take(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 100);
	assert_int_equal(buf_adds(&b, "hello"), 0);
	size_t len = 99;
	char *s = buf_take(&b, &len);
	assert_string_equal(s, "hello");
	assert_int_equal(len, 5);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	free(s);
	/* the buffer is usable again, with the same cap */
	assert_int_equal(buf_adds(&b, "again"), 0);
	s = buf_take(&b, NULL);
	assert_string_equal(s, "again");
	free(s);
	/* an empty buffer hands over "", never NULL */
	s = buf_take(&b, &len);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
	/* after a failure: "" and the failure is cleared */
	buf_init(&b, 3);
	assert_int_equal(buf_adds(&b, "abcd"), BRUG_ETOOBIG);
	s = buf_take(&b, &len);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
	assert_false(b.failed);
	assert_int_equal(buf_adds(&b, "abc"), 0);
	buf_cleanup(&b);
}

static void test_add_int(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	static const long long v[] = {0, 7, -7, 1234567890123LL, -9223372036854775807LL - 1,
				      9223372036854775807LL};
	static const char *const want[] = {"0", "7", "-7", "1234567890123", "-9223372036854775808",
					   "9223372036854775807"};
	for (size_t i = 0; i < 6; i++) {
		buf_reset(&b);
		assert_int_equal(buf_add_int(&b, v[i]), 0);
		assert_string_equal(buf_str(&b), want[i]);
	}
	/* the inline byte append respects the cap like buf_add */
	struct buf small;
	buf_init(&small, 3);
	assert_int_equal(buf_addc(&small, 'a'), 0);
	assert_int_equal(buf_addc(&small, 'b'), 0);
	assert_int_equal(buf_addc(&small, 'c'), 0);
	assert_int_equal(buf_addc(&small, 'd'), BRUG_ETOOBIG);
	assert_true(small.failed);
	buf_cleanup(&small);
	buf_cleanup(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_int),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_cap_exact),
		cmocka_unit_test(test_failure_latches_and_frees),
		cmocka_unit_test(test_huge_append_fails),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_take),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

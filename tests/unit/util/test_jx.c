/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/util/jx.c: the getters never guess a type (a "5" is not an
 * integer, a 1 is not a boolean), times become ISO 8601 UTC strings with
 * milliseconds or null, and serialisation is compact UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/jx.h"
#include "util/rc.h"

static json_t *parse(const char *s)
{
	json_error_t je;
	json_t *j = json_loads(s, 0, &je);
	if (!j)
		fail_msg("bad test JSON %s: %s", s, je.text);
	return j;
}

static void expect_dump(const json_t *v, const char *want)
{
	char *s = jx_dumps(v);
	assert_string_equal(s, want);
	free(s);
}

static void test_getters(void **state)
{
	(void)state;
	json_t *o =
		parse("{\"s\":\"text\",\"e\":\"\",\"i\":42,\"neg\":-7,\"big\":9223372036854775807,"
		      "\"r\":5.0,\"t\":true,\"f\":false,\"n\":null,\"a\":[1],\"o\":{\"x\":1},"
		      "\"num\":\"5\"}");
	assert_string_equal(jx_str(o, "s"), "text");
	assert_string_equal(jx_str(o, "e"), "");
	assert_null(jx_str(o, "i"));
	assert_null(jx_str(o, "n"));
	assert_null(jx_str(o, "a"));
	assert_null(jx_str(o, "missing"));
	assert_null(jx_str(NULL, "s"));

	assert_int_equal(jx_int(o, "i", -1), 42);
	assert_int_equal(jx_int(o, "neg", 0), -7);
	assert_true(jx_int(o, "big", 0) == INT64_MAX);
	assert_int_equal(jx_int(o, "r", -1), -1);   /* a real is not an integer */
	assert_int_equal(jx_int(o, "num", -1), -1); /* nor is a numeric string */
	assert_int_equal(jx_int(o, "t", -1), -1);
	assert_int_equal(jx_int(o, "n", -1), -1);
	assert_int_equal(jx_int(o, "missing", 99), 99);

	assert_true(jx_bool(o, "t", false));
	assert_false(jx_bool(o, "f", true));
	assert_true(jx_bool(o, "i", true)); /* an integer is not a boolean: the default */
	assert_false(jx_bool(o, "i", false));
	assert_true(jx_bool(o, "s", true));
	assert_true(jx_bool(o, "n", true));
	assert_false(jx_bool(o, "missing", false));
	json_decref(o);
}

static void test_setters(void **state)
{
	(void)state;
	json_t *o = json_object();
	jx_set_str(o, "s", "h\xC3\xA9");
	jx_set_str(o, "null", NULL);
	jx_set_strn(o, "cut", "abcdef", 3);
	jx_set_strn(o, "nn", NULL, 3);
	jx_set_int(o, "i", -12);
	jx_set_int(o, "max", INT64_MAX);
	jx_set_bool(o, "t", true);
	jx_set_bool(o, "f", false);
	expect_dump(o, "{\"s\":\"h\xC3\xA9\",\"null\":null,\"cut\":\"abc\",\"nn\":null,\"i\":-12,"
		       "\"max\":9223372036854775807,\"t\":true,\"f\":false}");
	/* setting again replaces, in place */
	jx_set_int(o, "s", 1);
	assert_int_equal(jx_int(o, "s", 0), 1);
	assert_int_equal(json_object_size(o), 8);
	/* a length-limited string may hold a NUL */
	jx_set_strn(o, "nul", "a\0b", 3);
	assert_int_equal(json_string_length(json_object_get(o, "nul")), 3);
	json_decref(o);
}

static void test_time(void **state)
{
	(void)state;
	static const struct {
		int64_t ms;
		const char *iso;
	} cases[] = {
		{1, "1970-01-01T00:00:00.001Z"},
		{-1, "1969-12-31T23:59:59.999Z"},
		{1795512600000, "2026-11-24T09:30:00.000Z"},
		{1709210096789, "2024-02-29T12:34:56.789Z"},
		{2147483648000, "2038-01-19T03:14:08.000Z"},
		{253402300799999, "9999-12-31T23:59:59.999Z"},
	};
	json_t *o = json_object();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		jx_set_time(o, "at", cases[i].ms);
		assert_string_equal(jx_str(o, "at"), cases[i].iso);
	}
	/* 0 means "never": null, not 1970 */
	jx_set_time(o, "at", 0);
	assert_true(json_is_null(json_object_get(o, "at")));
	json_decref(o);
}

static void test_dumps(void **state)
{
	(void)state;
	json_t *v = json_integer(5);
	expect_dump(v, "5");
	json_decref(v);
	v = json_string("\xE2\x82\xAC \"q\" \\ \n");
	expect_dump(v, "\"\xE2\x82\xAC \\\"q\\\" \\\\ \\n\""); /* UTF-8 kept, not \u-escaped */
	json_decref(v);
	v = parse("{ \"a\" : [ 1 , 2 ], \"b\" : { } }");
	expect_dump(v, "{\"a\":[1,2],\"b\":{}}");
	json_decref(v);
	expect_dump(NULL, "null");
	v = json_null();
	expect_dump(v, "null");
}

/* jx_write must produce JSON that parses back to the same document, and
 * byte-for-byte what jansson writes for ordinary documents. */
static void test_write(void **state)
{
	(void)state;
	static const char *const docs[] = {
		"{}",
		"[]",
		"{\"a\":1,\"b\":[true,false,null],\"c\":\"x\"}",
		"{\"q\":\"say \\\"hi\\\" \\\\ back\"}",
		"{\"u\":\"caf\\u00e9 \\u20ac \\ud83d\\ude00\"}",
		"{\"ctl\":\"a\\nb\\tc\\rd\\u0001e\\u001f\\b\\f\"}",
		"[1.5,2.0,-0.25,1e+100,123456789012345]",
		"{\"nested\":{\"deep\":[[[[{\"x\":[]}]]]]}}",
		"[-9223372036854775808,9223372036854775807]",
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		json_error_t je;
		json_t *v = json_loads(docs[i], JSON_DECODE_ANY, &je);
		assert_non_null(v);
		struct buf b;
		buf_init(&b, 0);
		assert_int_equal(jx_write(&b, v), 0);
		json_t *back = json_loads(buf_str(&b), JSON_DECODE_ANY, &je);
		assert_non_null(back);
		assert_true(json_equal(v, back));
		/* without control characters, jansson's own output is the same */
		if (!strstr(docs[i], "\\u0001")) {
			char *theirs = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
			assert_string_equal(buf_str(&b), theirs);
			free(theirs);
		}
		json_decref(back);
		json_decref(v);
		buf_cleanup(&b);
	}
	/* a capped buffer reports the overflow */
	struct buf small;
	buf_init(&small, 8);
	json_t *big = json_pack("{s:s}", "key", "a value longer than eight bytes");
	assert_int_equal(jx_write(&small, big), BRUG_ETOOBIG);
	json_decref(big);
	buf_cleanup(&small);
}

int main(void)
{
	jx_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_getters),
		cmocka_unit_test(test_setters),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_dumps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/http/parse*.c: the request parsers, driven by tables of
 * input and expected output, with the hostile inputs they exist for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "http/parse.h"
#include "util/buf.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define CRLF "\r\n"

/* "name=value|name=value", checking each value's length and encoding. */
static char *render_kvs(struct arena *a, const struct kvs *l, size_t from)
{
	size_t size = 1;
	for (size_t i = from; i < l->n; i++)
		size += strlen(l->v[i].name) + l->v[i].value_len + 2;
	char *s = arena_alloc(a, size), *p = s;
	for (size_t i = from; i < l->n; i++) {
		const struct kv *kv = &l->v[i];
		assert_int_equal(strlen(kv->value), kv->value_len);
		assert_true(utf8_valid(kv->name, strlen(kv->name)));
		assert_true(utf8_valid(kv->value, kv->value_len));
		p += snprintf(p, size - (size_t)(p - s), "%s%s=%s", i > from ? "|" : "", kv->name,
			      kv->value);
	}
	*p = '\0';
	return s;
}

static void expect_fail(int rc, const struct brug_err *err, const char *detail)
{
	assert_int_equal(rc, BRUG_EINVAL);
	assert_int_equal(err->rc, BRUG_EINVAL);
	assert_string_equal(err->key, "error.bad_request");
	if (!strstr(err->detail, detail))
		fail_msg("detail \"%s\" lacks \"%s\"", err->detail, detail);
}

/* ---- kvs ---- */

static void test_kvs(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct kvs l = {0};
	char name[] = "a";
	kvs_add(&l, &a, name, "1", 1);
	name[0] = 'b'; /* copied, so this does not change the first pair */
	kvs_add(&l, &a, name, "2xx", 1);
	kvs_add(&l, &a, "a", NULL, 5);
	for (int i = 0; i < 100; i++)
		kvs_add(&l, &a, "many", "v", 1);
	assert_int_equal(l.n, 103);
	assert_string_equal(kvs_get(&l, "a"), "1");
	assert_string_equal(kvs_get(&l, "b"), "2");
	assert_string_equal(l.v[2].value, "");
	assert_int_equal(l.v[2].value_len, 0);
	assert_null(kvs_get(&l, "c"));
	assert_int_equal(kvs_count(&l, "a"), 2);
	assert_int_equal(kvs_count(&l, "many"), 100);
	assert_int_equal(kvs_count(&l, "c"), 0);
	arena_cleanup(&a);
}

/* ---- urlencoded ---- */

struct form_case {
	const char *in;
	size_t len;	     /* 0: strlen(in) */
	const char *want;    /* rendered pairs on success, NULL on failure */
	const char *detail;  /* part of the error detail */
};

static const struct form_case form_cases[] = {
	{"", 0, "", NULL},
	{"a=1", 0, "a=1", NULL},
	{"a=1&b=2", 0, "a=1|b=2", NULL},
	{"a=1&&b=2", 0, "a=1|b=2", NULL},
	{"a=1&", 0, "a=1", NULL},
	{"&a=1", 0, "a=1", NULL},
	{"&&&", 0, "", NULL},
	{"flag", 0, "flag=", NULL},
	{"flag&x=1", 0, "flag=|x=1", NULL},
	{"a=", 0, "a=", NULL},
	{"=x", 0, "", NULL},
	{"=", 0, "", NULL},
	{"=x&a=b", 0, "a=b", NULL},
	{"a=1;b=2", 0, "a=1;b=2", NULL},
	{"a+b=c+d", 0, "a b=c d", NULL},
	{"a=%41%42", 0, "a=AB", NULL},
	{"a=%4a%4A%4b", 0, "a=JJK", NULL},
	{"a=%2B+%26b%3D", 0, "a=+ &b=", NULL},
	{"a=b=c", 0, "a=b=c", NULL},
	{"a=1&a=2", 0, "a=1|a=2", NULL},
	{"%20=x", 0, " =x", NULL},
	{"na%C3%AFve=caf%C3%A9", 0, "na\xC3\xAFve=caf\xC3\xA9", NULL},
	{"k=\xC3\xA9\xE2\x82\xAC", 0, "k=\xC3\xA9\xE2\x82\xAC", NULL},
	{"k=%F0%9F%98%80", 0, "k=\xF0\x9F\x98\x80", NULL},
	{"k=%0A%09", 0, "k=\n\t", NULL},
	/* bad escapes, with the offset of the '%' */
	{"a=%", 0, NULL, "invalid percent-escape at byte 2"},
	{"a=%4", 0, NULL, "invalid percent-escape at byte 2"},
	{"a=%zz", 0, NULL, "invalid percent-escape at byte 2"},
	{"a=%%41", 0, NULL, "invalid percent-escape at byte 2"},
	{"a=% 1", 0, NULL, "invalid percent-escape at byte 2"},
	{"%g0=1", 0, NULL, "invalid percent-escape at byte 0"},
	{"x=1&y=%0", 0, NULL, "invalid percent-escape at byte 6"},
	{"x=1&abc%", 0, NULL, "invalid percent-escape at byte 7"},
	{"=%zz", 0, NULL, "invalid percent-escape at byte 1"},
	/* NUL and invalid UTF-8 */
	{"a=%00", 0, NULL, "form field is not valid UTF-8: a"},
	{"%00=1", 0, NULL, "form field name is not valid UTF-8"},
	{"a=b\0c", 5, NULL, "form field is not valid UTF-8: a"},
	{"a=%C3%28", 0, NULL, "form field is not valid UTF-8: a"},
	{"a=%C0%AF", 0, NULL, "form field is not valid UTF-8: a"},
	{"a=%E0%80%AF", 0, NULL, "form field is not valid UTF-8: a"},
	{"a=%ED%A0%80", 0, NULL, "form field is not valid UTF-8: a"},
	{"a=%ED%BF%BF", 0, NULL, "form field is not valid UTF-8: a"},
	{"a=%F4%90%80%80", 0, NULL, "form field is not valid UTF-8: a"},
	{"a=%FF", 0, NULL, "form field is not valid UTF-8: a"},
	{"a=%C3", 0, NULL, "form field is not valid UTF-8: a"},
	{"a=\xC3\x28", 0, NULL, "form field is not valid UTF-8: a"},
	{"%C3%28=1", 0, NULL, "form field name is not valid UTF-8 (pair at byte 0)"},
	{"ok=1&%ED%A0%80", 0, NULL, "form field name is not valid UTF-8 (pair at byte 5)"},
	{"=%C3%28", 0, NULL, "form field is not valid UTF-8"},
	/* the name in the detail is shown without its line break */
	{"a%0Ab=%FF", 0, NULL, "form field is not valid UTF-8: a?b"},
};

static void test_urlencoded_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(form_cases); i++) {
		const struct form_case *c = &form_cases[i];
		struct arena a;
		arena_init(&a);
		struct kvs out = {0};
		struct brug_err err = {0};
		size_t len = c->len ? c->len : strlen(c->in);
		int rc = parse_urlencoded(c->in, len, &a, &out, &err);
		if (c->want) {
			if (rc)
				fail_msg("case %zu \"%s\": %s", i, c->in, err.detail);
			assert_string_equal(render_kvs(&a, &out, 0), c->want);
		} else {
			expect_fail(rc, &err, c->detail);
			assert_int_equal(out.n, 0);
		}
		arena_cleanup(&a);
	}
}

/* A query string of count fields named f0, f1, ... */
static char *many_fields(size_t count, const char *extra)
{
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < count; i++)
		buf_printf(&b, "%sf%zu=%zu", i ? "&" : "", i, i);
	buf_adds(&b, extra);
	return buf_take(&b, NULL);
}

static void test_urlencoded_limits(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct brug_err err = {0};
	struct kvs out = {0};

	char *s = many_fields(1000, "&&=ignored&");
	assert_int_equal(parse_urlencoded(s, strlen(s), &a, &out, &err), 0);
	assert_int_equal(out.n, 1000);
	assert_string_equal(kvs_get(&out, "f999"), "999");
	free(s);

	/* the limit is per call: a second call may add 1000 more */
	s = many_fields(1001, "");
	out.n = 0;
	expect_fail(parse_urlencoded(s, strlen(s), &a, &out, &err), &err,
		    "too many fields (limit 1000)");
	assert_int_equal(out.n, 0);
	free(s);

	char name[PARSE_MAX_NAME + 4];
	memset(name, 'n', PARSE_MAX_NAME);
	memcpy(name + PARSE_MAX_NAME, "=1", 3);
	assert_int_equal(parse_urlencoded(name, strlen(name), &a, &out, &err), 0);
	assert_int_equal(strlen(out.v[0].name), PARSE_MAX_NAME);
	memset(name, 'n', PARSE_MAX_NAME + 1);
	memcpy(name + PARSE_MAX_NAME + 1, "=", 2);
	expect_fail(parse_urlencoded(name, strlen(name), &a, &out, &err), &err,
		    "form field name too long at byte 0 (limit 256)");

	/* the limit is on decoded bytes: 256 escapes are fine, 257 are not */
	struct buf b;
	buf_init(&b, 0);
	for (int i = 0; i < PARSE_MAX_NAME; i++)
		buf_adds(&b, "%41");
	out.n = 0;
	assert_int_equal(parse_urlencoded(b.p, b.len, &a, &out, &err), 0);
	assert_int_equal(strlen(out.v[0].name), PARSE_MAX_NAME);
	buf_adds(&b, "%41");
	expect_fail(parse_urlencoded(b.p, b.len, &a, &out, &err), &err, "too long");
	buf_cleanup(&b);
	arena_cleanup(&a);
}

static void test_urlencoded_appends(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct kvs out = {0};
	kvs_add(&out, &a, "pre", "x", 1);
	assert_int_equal(parse_urlencoded("a=1&b=2", 7, &a, &out, NULL), 0);
	assert_string_equal(render_kvs(&a, &out, 0), "pre=x|a=1|b=2");
	/* a failure appends nothing, also when it comes after good pairs;
	 * err may be NULL */
	assert_int_equal(parse_urlencoded("c=3&d=%zz", 9, &a, &out, NULL), BRUG_EINVAL);
	assert_string_equal(render_kvs(&a, &out, 0), "pre=x|a=1|b=2");
	/* not NUL-terminated: n is the end */
	assert_int_equal(parse_urlencoded("e=5&f=6", 3, &a, &out, NULL), 0);
	assert_string_equal(render_kvs(&a, &out, 3), "e=5");
	assert_int_equal(parse_urlencoded(NULL, 0, &a, &out, NULL), 0);
	arena_cleanup(&a);
}

/* ---- multipart ---- */

#define B "XyZ-b0undary"
#define OPEN "--" B CRLF
#define SEP CRLF "--" B CRLF
#define CLOSE CRLF "--" B "--" CRLF
#define FIELD(n) "Content-Disposition: form-data; name=\"" n "\"" CRLF CRLF
#define FILEP(n, f) "Content-Disposition: form-data; name=\"" n "\"; filename=\"" f "\"" CRLF

struct mp_case {
	const char *body;
	size_t len;	       /* 0: strlen(body) */
	const char *boundary;  /* NULL: B */
	const char *fields;    /* rendered fields on success */
	const char *files;     /* "field:filename:type:data|..." on success */
	const char *detail;    /* error detail when fields is NULL */
};

static const struct mp_case mp_cases[] = {
	{OPEN FIELD("a") "1" CLOSE, 0, NULL, "a=1", "", NULL},
	{OPEN FIELD("a") "1" SEP FIELD("b") "two words" CLOSE, 0, NULL, "a=1|b=two words", "",
	 NULL},
	{"--" B "--", 0, NULL, "", "", NULL},
	{"--" B "--" CRLF "epilogue --" B CRLF "junk", 0, NULL, "", "", NULL},
	{"preamble" CRLF "--" B "x" CRLF, 0, NULL, NULL, NULL, "boundary not followed by CRLF"},
	{"preamble --" B " text" CRLF OPEN FIELD("a") "1" CLOSE "epilogue", 0, NULL, "a=1", "",
	 NULL},
	{CRLF OPEN FIELD("a") "1" CLOSE, 0, NULL, "a=1", "", NULL},
	{"--" B " \t" CRLF FIELD("a") "1" CRLF "--" B "--", 0, NULL, "a=1", "", NULL},
	/* empty value; a part that ends after its headers (RFC 2046) */
	{OPEN FIELD("a") CLOSE, 0, NULL, "a=", "", NULL},
	{OPEN "Content-Disposition: form-data; name=a" CRLF CRLF "--" B "--", 0, NULL, "a=", "",
	 NULL},
	{OPEN FIELD("a") CRLF CLOSE, 0, NULL, "a=\r\n", "", NULL},
	/* header names and the disposition type are case-insensitive; other
	 * headers are ignored; parameters may be tokens */
	{OPEN "content-DISPOSITION: Form-Data;NAME=a" CRLF "X-Other: y" CRLF
	      "Content-Transfer-Encoding: 8bit" CRLF CRLF "1" CLOSE,
	 0, NULL, "a=1", "", NULL},
	{OPEN "Content-Disposition:form-data; name=\"a\\\"b\\\\c\"; x=\"y;z\"" CRLF CRLF "1" CLOSE,
	 0, NULL, "a\"b\\c=1", "", NULL},
	{OPEN FIELD("na\xC3\xAFve") "caf\xC3\xA9" CLOSE, 0, NULL, "na\xC3\xAFve=caf\xC3\xA9", "",
	 NULL},
	{OPEN FIELD("a") "1" SEP FIELD("a") "2" CLOSE, 0, NULL, "a=1|a=2", "", NULL},
	/* files */
	{OPEN FILEP("f", "a.csv") "Content-Type: text/csv; charset=utf-8" CRLF CRLF "x,y\n1,2\n"
	      SEP FIELD("note") "hi" CLOSE,
	 0, NULL, "note=hi", "f:a.csv:text/csv; charset=utf-8:x,y\n1,2\n", NULL},
	{OPEN FILEP("f", "a.bin") CRLF "raw" CLOSE, 0, NULL, "", "f:a.bin:application/octet-stream:raw",
	 NULL},
	{OPEN FILEP("f", "a") "CONTENT-TYPE: Text/Plain" CRLF CRLF CLOSE, 0, NULL, "",
	 "f:a:Text/Plain:", NULL},
	{OPEN FILEP("f", "1.txt") CRLF "a" SEP FILEP("f", "2.txt") CRLF "b" CLOSE, 0, NULL, "",
	 "f:1.txt:application/octet-stream:a|f:2.txt:application/octet-stream:b", NULL},
	/* filenames lose their path */
	{OPEN FILEP("f", "../../etc/passwd") CRLF "x" CLOSE, 0, NULL, "",
	 "f:passwd:application/octet-stream:x", NULL},
	{OPEN FILEP("f", "C:\\\\Users\\\\me\\\\a.csv") CRLF "x" CLOSE, 0, NULL, "",
	 "f:a.csv:application/octet-stream:x", NULL},
	{OPEN FILEP("f", "/abs/..\\\\x/y.txt") CRLF "x" CLOSE, 0, NULL, "",
	 "f:y.txt:application/octet-stream:x", NULL},
	{OPEN FILEP("f", "..") CRLF "x" CLOSE, 0, NULL, NULL, NULL, "unusable filename"},
	{OPEN FILEP("f", ".") CRLF "x" CLOSE, 0, NULL, NULL, NULL, "unusable filename"},
	{OPEN FILEP("f", "a/..") CRLF "x" CLOSE, 0, NULL, NULL, NULL, "unusable filename"},
	{OPEN FILEP("f", "dir/") CRLF "x" CLOSE, 0, NULL, NULL, NULL, "unusable filename"},
	{OPEN FILEP("f", "dir\\\\") CRLF "x" CLOSE, 0, NULL, NULL, NULL, "unusable filename"},
	{OPEN FILEP("f", "") CRLF "x" CLOSE, 0, NULL, NULL, NULL, "unusable filename"},
	/* a file input left empty: skipped, not refused */
	{OPEN FILEP("f", "") "Content-Type: application/octet-stream" CRLF CRLF SEP FIELD("a")
	      "1" CLOSE,
	 0, NULL, "a=1", "", NULL},
	{OPEN FILEP("f", "a\xC3\x28") CRLF "x" CLOSE, 0, NULL, NULL, NULL,
	 "filename is not valid UTF-8"},
	{OPEN FILEP("f", "a\tb") CRLF "x" CLOSE, 0, NULL, NULL, NULL, "filename is not valid UTF-8"},
	{OPEN FILEP("f", "\xE2\x82\xAC.csv") CRLF "x" CLOSE, 0, NULL, "",
	 "f:\xE2\x82\xAC.csv:application/octet-stream:x", NULL},
	/* RFC 5987 filename* is preferred */
	{OPEN "Content-Disposition: form-data; name=f; filename*=UTF-8''%E2%82%AC%20rates.csv" CRLF
	      CRLF "x" CLOSE,
	 0, NULL, "", "f:\xE2\x82\xAC rates.csv:application/octet-stream:x", NULL},
	{OPEN "Content-Disposition: form-data; name=f; filename=\"EUR rates.csv\"; "
	      "filename*=utf-8'nl'%e2%82%ac%20rates.csv" CRLF CRLF "x" CLOSE,
	 0, NULL, "", "f:\xE2\x82\xAC rates.csv:application/octet-stream:x", NULL},
	{OPEN "Content-Disposition: form-data; name=f; filename*=UTF-8''%2E%2E%2F%2E%2E%2Fx.txt" CRLF
	      CRLF "x" CLOSE,
	 0, NULL, "", "f:x.txt:application/octet-stream:x", NULL},
	{OPEN "Content-Disposition: form-data; name=f; filename*=iso-8859-1''%A3.txt; "
	      "filename=\"pound.txt\"" CRLF CRLF "x" CLOSE,
	 0, NULL, "", "f:pound.txt:application/octet-stream:x", NULL},
	{OPEN "Content-Disposition: form-data; name=f; filename*=iso-8859-1''%A3.txt" CRLF CRLF
	      "x" CLOSE,
	 0, NULL, NULL, NULL, "filename* is not UTF-8"},
	{OPEN "Content-Disposition: form-data; name=f; filename*=UTF-8''%zz" CRLF CRLF "x" CLOSE, 0,
	 NULL, NULL, NULL, "malformed filename*"},
	{OPEN "Content-Disposition: form-data; name=f; filename*=rates.csv" CRLF CRLF "x" CLOSE, 0,
	 NULL, NULL, NULL, "malformed filename*"},
	{OPEN "Content-Disposition: form-data; name=f; filename*=UTF-8''%C3%28" CRLF CRLF "x" CLOSE,
	 0, NULL, NULL, NULL, "filename is not valid UTF-8"},
	{OPEN "Content-Disposition: form-data; name=f; filename*=UTF-8''a%00b" CRLF CRLF "x" CLOSE,
	 0, NULL, NULL, NULL, "filename is not valid UTF-8"},
	/* upload data is raw bytes: NUL, invalid UTF-8, CR, LF all kept */
	{OPEN FILEP("f", "b") CRLF "\0\xFF\r\n\r" CLOSE, sizeof(OPEN FILEP("f", "b") CRLF
								"\0\xFF\r\n\r" CLOSE) - 1,
	 NULL, "", "f:b:application/octet-stream:", NULL},
	/* boundary-like lines inside data that are not delimiters */
	{OPEN FILEP("f", "b") CRLF "a\n--" B "\nb--" B CRLF "-- " B CRLF "--" "XyZ-b0und" CRLF
	      "--xyz-b0undary" CLOSE,
	 0, NULL, "",
	 "f:b:application/octet-stream:a\n--" B "\nb--" B CRLF "-- " B CRLF "--XyZ-b0und" CRLF
	 "--xyz-b0undary",
	 NULL},
	/* field values must be UTF-8 without NUL */
	{OPEN FIELD("a") "\xC3\x28" CLOSE, 0, NULL, NULL, NULL, "form field is not valid UTF-8: a"},
	{OPEN FIELD("a") "\xED\xA0\x80" CLOSE, 0, NULL, NULL, NULL, "not valid UTF-8: a"},
	{OPEN FIELD("a") "\xC0\xAF" CLOSE, 0, NULL, NULL, NULL, "not valid UTF-8: a"},
	{OPEN FIELD("a") "x\0y" CLOSE, sizeof(OPEN FIELD("a") "x\0y" CLOSE) - 1, NULL, NULL, NULL,
	 "not valid UTF-8: a"},
	{OPEN FIELD("\xC3\x28") "1" CLOSE, 0, NULL, NULL, NULL, "part name is not valid UTF-8"},
	/* names */
	{OPEN "Content-Disposition: form-data" CRLF CRLF "1" CLOSE, 0, NULL, NULL, NULL,
	 "part without a name"},
	{OPEN FIELD("") "1" CLOSE, 0, NULL, NULL, NULL, "part without a name"},
	{OPEN "Content-Type: text/plain" CRLF CRLF "1" CLOSE, 0, NULL, NULL, NULL,
	 "part without a name"},
	{OPEN CRLF "1" CLOSE, 0, NULL, NULL, NULL, "part without a name"},
	{OPEN "Content-Disposition: attachment; name=a" CRLF CRLF "1" CLOSE, 0, NULL, NULL, NULL,
	 "not form-data"},
	{OPEN "Content-Disposition: form-data; name=a; name=b" CRLF CRLF "1" CLOSE, 0, NULL, NULL,
	 NULL, "repeated Content-Disposition parameter"},
	{OPEN FIELD("a") "Content-Disposition: form-data; name=b" CRLF CRLF "1" CLOSE, 0, NULL,
	 "a=Content-Disposition: form-data; name=b\r\n\r\n1", "", NULL},
	{OPEN "Content-Disposition: form-data; name=a" CRLF "Content-Disposition: form-data; name=b"
	      CRLF CRLF "1" CLOSE,
	 0, NULL, NULL, NULL, "repeated Content-Disposition"},
	{OPEN "Content-Disposition: form-data; name=\"a" CRLF CRLF "1" CLOSE, 0, NULL, NULL, NULL,
	 "malformed Content-Disposition"},
	{OPEN "Content-Disposition: form-data; name=a b" CRLF CRLF "1" CLOSE, 0, NULL, NULL, NULL,
	 "malformed Content-Disposition"},
	{OPEN "Content-Disposition: form-data; name=" CRLF CRLF "1" CLOSE, 0, NULL, NULL, NULL,
	 "malformed Content-Disposition"},
	/* part headers */
	{OPEN "Content-Disposition form-data; name=a" CRLF CRLF "1" CLOSE, 0, NULL, NULL, NULL,
	 "malformed part header at byte 16"},
	{OPEN "Content-Disposition : form-data; name=a" CRLF CRLF "1" CLOSE, 0, NULL, NULL, NULL,
	 "malformed part header"},
	{OPEN " Content-Disposition: form-data; name=a" CRLF CRLF "1" CLOSE, 0, NULL, NULL, NULL,
	 "malformed part header"},
	{OPEN "Content-Disposition: form-data; name=a" CRLF " folded" CRLF CRLF "1" CLOSE, 0, NULL,
	 NULL, NULL, "malformed part header"},
	{OPEN "Content-Disposition: form-data; name=\"a\rb\"" CRLF CRLF "1" CLOSE, 0, NULL, NULL,
	 NULL, "malformed part header"},
	{OPEN "Content-Disposition: form-data; name=a\nX: y" CRLF CRLF "1" CLOSE, 0, NULL, NULL,
	 NULL, "malformed part header"},
	{OPEN FILEP("f", "a") "Content-Type: text" CRLF CRLF "1" CLOSE, 0, NULL, NULL, NULL,
	 "malformed part Content-Type"},
	{OPEN FILEP("f", "a") "Content-Type: text/plain" CRLF "Content-Type: text/csv" CRLF CRLF
	      "1" CLOSE,
	 0, NULL, NULL, NULL, "repeated Content-Type"},
	{OPEN "Content-Disposition: form-data; name=a" CRLF "--" B "--", 0, NULL, NULL, NULL,
	 "part headers not terminated"},
	/* framing */
	{OPEN FIELD("a") "1", 0, NULL, NULL, NULL, "multipart: closing boundary missing"},
	{OPEN FIELD("a") "1" CRLF "--" B, 0, NULL, NULL, NULL, "closing boundary missing"},
	{OPEN FIELD("a") "1" CRLF "--" B "-", 0, NULL, NULL, NULL, "not followed by CRLF"},
	{OPEN FIELD("a") "1" CRLF "--" B "x" CRLF, 0, NULL, NULL, NULL, "not followed by CRLF"},
	{OPEN, 0, NULL, NULL, NULL, "part headers not terminated"},
	{"--" B, 0, NULL, NULL, NULL, "closing boundary missing"},
	{"", 0, NULL, NULL, NULL, "opening boundary missing"},
	{"no boundary here", 0, NULL, NULL, NULL, "opening boundary missing"},
	{"--" B "\nContent-Disposition: form-data; name=a\n\n1\n--" B "--\n", 0, NULL, NULL, NULL,
	 "boundary line ends in LF, not CRLF"},
	{"--" B CRLF "Content-Disposition: form-data; name=a\n\n1\n--" B "--\n", 0, NULL, NULL, NULL,
	 "part headers not terminated"},
	/* boundaries */
	{"--" B "--", 0, "", NULL, NULL, "boundary must be 1-70 characters"},
	{"--a\rb--", 0, "a\rb", NULL, NULL, "invalid character in boundary"},
	{"--ab --", 0, "ab ", NULL, NULL, "invalid character in boundary"},
	{"--a b" CRLF FIELD("x") "1" CRLF "--a b--", 0, "a b", "x=1", "", NULL},
	{"--a;b=c" CRLF FIELD("x") "1" CRLF "--a;b=c--", 0, "a;b=c", "x=1", "", NULL},
	{"--\xC3\xA9--", 0, "\xC3\xA9", NULL, NULL, "invalid character in boundary"},
};

static char *render_uploads(struct arena *a, const struct uploads *u)
{
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < u->n; i++) {
		assert_true(utf8_valid(u->v[i].filename, strlen(u->v[i].filename)));
		assert_null(strchr(u->v[i].filename, '/'));
		assert_null(strchr(u->v[i].filename, '\\'));
		buf_printf(&b, "%s%s:%s:%s:", i ? "|" : "", u->v[i].field, u->v[i].filename,
			   u->v[i].content_type);
		buf_add(&b, u->v[i].data, strlen(u->v[i].data));
	}
	char *s = arena_strdup(a, buf_str(&b));
	buf_cleanup(&b);
	return s;
}

static void test_multipart_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(mp_cases); i++) {
		const struct mp_case *c = &mp_cases[i];
		struct arena a;
		arena_init(&a);
		struct kvs fields = {0};
		struct uploads files = {0};
		struct brug_err err = {0};
		size_t len = c->len ? c->len : strlen(c->body);
		int rc = parse_multipart(c->body, len, c->boundary ? c->boundary : B, &a, &fields,
					 &files, &err);
		if (c->fields) {
			if (rc)
				fail_msg("case %zu: %s", i, err.detail);
			assert_string_equal(render_kvs(&a, &fields, 0), c->fields);
			assert_string_equal(render_uploads(&a, &files), c->files);
		} else {
			if (rc == 0)
				fail_msg("case %zu parsed; wanted \"%s\"", i, c->detail);
			expect_fail(rc, &err, c->detail);
			assert_int_equal(fields.n, 0);
			assert_int_equal(files.n, 0);
		}
		arena_cleanup(&a);
	}
}

static void test_multipart_raw_data(void **state)
{
	(void)state;
	static const char body[] = OPEN FILEP("f", "b") CRLF "\0\xFF\r\n\r" CLOSE;
	struct arena a;
	arena_init(&a);
	struct kvs fields = {0};
	struct uploads files = {0};
	assert_int_equal(parse_multipart(body, sizeof(body) - 1, B, &a, &fields, &files, NULL), 0);
	assert_int_equal(files.n, 1);
	assert_int_equal(files.v[0].len, 5);
	assert_memory_equal(files.v[0].data, "\0\xFF\r\n\r", 5);
	arena_cleanup(&a);
}

/* A body of count fields (or parts with a name of name_len bytes). */
static char *mp_build(size_t count, size_t name_len, size_t *len)
{
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < count; i++) {
		buf_adds(&b, OPEN "Content-Disposition: form-data; name=\"");
		if (name_len)
			for (size_t j = 0; j < name_len; j++)
				buf_adds(&b, "n");
		else
			buf_printf(&b, "f%zu", i);
		buf_adds(&b, "\"" CRLF CRLF "v" CRLF);
	}
	buf_adds(&b, "--" B "--" CRLF);
	return buf_take(&b, len);
}

static void test_multipart_limits(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct kvs fields = {0};
	struct uploads files = {0};
	struct brug_err err = {0};
	size_t len;

	char *body = mp_build(1000, 0, &len);
	assert_int_equal(parse_multipart(body, len, B, &a, &fields, &files, &err), 0);
	assert_int_equal(fields.n, 1000);
	free(body);
	fields.n = 0;
	body = mp_build(1001, 0, &len);
	expect_fail(parse_multipart(body, len, B, &a, &fields, &files, &err), &err,
		    "too many parts (limit 1000)");
	assert_int_equal(fields.n, 0);
	free(body);

	body = mp_build(1, PARSE_MAX_NAME, &len);
	assert_int_equal(parse_multipart(body, len, B, &a, &fields, &files, &err), 0);
	free(body);
	fields.n = 0;
	body = mp_build(1, PARSE_MAX_NAME + 1, &len);
	expect_fail(parse_multipart(body, len, B, &a, &fields, &files, &err), &err,
		    "part name too long at byte 16 (limit 256)");
	free(body);

	/* boundaries of 70 and 71 characters */
	char bnd[72];
	memset(bnd, 'b', sizeof(bnd) - 1);
	bnd[70] = '\0';
	struct buf b;
	buf_init(&b, 0);
	buf_printf(&b, "--%s" CRLF FIELD("a") "1" CRLF "--%s--", bnd, bnd);
	assert_int_equal(parse_multipart(b.p, b.len, bnd, &a, &fields, &files, &err), 0);
	assert_string_equal(kvs_get(&fields, "a"), "1");
	bnd[70] = 'b';
	bnd[71] = '\0';
	expect_fail(parse_multipart(b.p, b.len, bnd, &a, &fields, &files, &err), &err,
		    "boundary must be 1-70 characters");
	expect_fail(parse_multipart(b.p, b.len, NULL, &a, &fields, &files, &err), &err,
		    "boundary must be 1-70 characters");
	buf_cleanup(&b);

	/* a header block over the cap */
	buf_init(&b, 0);
	buf_adds(&b, OPEN "Content-Disposition: form-data; name=a" CRLF "X-Pad: ");
	for (int i = 0; i < 8200; i++)
		buf_adds(&b, "p");
	buf_adds(&b, CRLF CRLF "1" CLOSE);
	expect_fail(parse_multipart(b.p, b.len, B, &a, &fields, &files, &err), &err,
		    "part headers over 8192 bytes");
	buf_cleanup(&b);
	arena_cleanup(&a);
}

static void test_multipart_rollback(void **state)
{
	(void)state;
	static const char body[] = OPEN FIELD("a") "1" SEP FILEP("f", "x") CRLF "d" SEP
		FIELD("b") "\xFF" CLOSE;
	struct arena a;
	arena_init(&a);
	struct kvs fields = {0};
	struct uploads files = {0};
	kvs_add(&fields, &a, "pre", "1", 1);
	assert_int_equal(parse_multipart(body, sizeof(body) - 1, B, &a, &fields, &files, NULL),
			 BRUG_EINVAL);
	assert_int_equal(fields.n, 1);
	assert_int_equal(files.n, 0);
	arena_cleanup(&a);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* 5 MB of data full of near-boundaries: parsed, byte for byte, quickly. */
static void test_multipart_big(void **state)
{
	(void)state;
	const size_t size = 5u << 20;
	static const char near[] = "\r\n--XyZ-b0undar\r\n--\n--XyZ-b0undary";
	char *data = xmalloc(size);
	uint32_t x = 12345;
	for (size_t i = 0; i < size;) {
		if (i % 4096 == 0 && size - i > sizeof(near)) {
			memcpy(data + i, near, sizeof(near) - 1);
			i += sizeof(near) - 1;
			continue;
		}
		x = x * 1103515245u + 12345u;
		data[i++] = (char)(x >> 16);
	}
	struct buf b;
	buf_init(&b, size + 1024);
	buf_adds(&b, OPEN FILEP("upload", "big.csv") "Content-Type: text/csv" CRLF CRLF);
	buf_add(&b, data, size);
	buf_adds(&b, SEP FIELD("after") "ok" CLOSE);

	struct arena a;
	arena_init(&a);
	struct kvs fields = {0};
	struct uploads files = {0};
	struct brug_err err = {0};
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = parse_multipart(b.p, b.len, B, &a, &fields, &files, &err);
	double secs = seconds_since(&t0);
	if (rc)
		fail_msg("%s", err.detail);
	assert_int_equal(files.n, 1);
	assert_int_equal(files.v[0].len, size);
	assert_memory_equal(files.v[0].data, data, size);
	assert_string_equal(kvs_get(&fields, "after"), "ok");
	/* linear work takes milliseconds; a quadratic scan would take hours */
	assert_true(secs < 5.0);
	buf_cleanup(&b);
	free(data);
	arena_cleanup(&a);
}

/* A boundary made to defeat naive searches: "aaa...ab" over data of
 * "\r\n--aaa...a" runs. */
static void test_multipart_adversarial(void **state)
{
	(void)state;
	char bnd[71];
	memset(bnd, 'a', 69);
	bnd[69] = 'b';
	bnd[70] = '\0';
	struct buf b;
	buf_init(&b, 0);
	buf_printf(&b, "--%s" CRLF FIELD("a"), bnd);
	while (b.len < (4u << 20)) {
		buf_adds(&b, "\r\n--");
		buf_add(&b, bnd, 69);
	}
	buf_printf(&b, CRLF "--%s--", bnd);
	struct arena a;
	arena_init(&a);
	struct kvs fields = {0};
	struct uploads files = {0};
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(parse_multipart(b.p, b.len, bnd, &a, &fields, &files, NULL), 0);
	assert_true(seconds_since(&t0) < 5.0);
	assert_int_equal(fields.n, 1);
	buf_cleanup(&b);
	arena_cleanup(&a);
}

/* ---- cookies ---- */

struct cookie_case {
	const char *in;
	size_t len;
	const char *want;
};

static const struct cookie_case cookie_cases[] = {
	{"", 0, ""},
	{"a=1", 0, "a=1"},
	{"a=1; b=2", 0, "a=1|b=2"},
	{"a=1;b=2", 0, "a=1|b=2"},
	{"  a = 1 ;\tb=2  ", 0, "a=1|b=2"},
	{"sid=\"abc def\"", 0, "sid=abc def"},
	{"a=\"\"", 0, "a="},
	{"a=\"", 0, "a=\""},
	{"a=\"x", 0, "a=\"x"},
	{"a=x\"", 0, "a=x\""},
	{"a=", 0, "a="},
	{"a=1=2", 0, "a=1=2"},
	{"a=%41", 0, "a=%41"},
	{"a=1; a=2", 0, "a=1|a=2"},
	{";;; a=1;;", 0, "a=1"},
	{"novalue; b=2", 0, "b=2"},
	{"=x; b=2", 0, "b=2"},
	{" =x", 0, ""},
	{"a b=1; c=2", 0, "c=2"},
	{"a,b=1; c=2", 0, "c=2"},
	{"\xC3\xA9=1; c=2", 0, "c=2"},
	{"a=\xC3\xA9; b=\xC3\x28; c=\xED\xA0\x80; d=\xC0\xAF", 0, "a=\xC3\xA9"},
	{"a=x\x01y; b=\x7F; c=3", 0, "c=3"},
	{"a=x\0y; b=2", 10, "b=2"},
	{"\0=1; b=2", 8, "b=2"},
	{"a=1, b=2", 0, "a=1, b=2"},
	{"$Version=1; a=1", 0, "$Version=1|a=1"},
};

static void test_cookies_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(cookie_cases); i++) {
		const struct cookie_case *c = &cookie_cases[i];
		struct arena a;
		arena_init(&a);
		struct kvs out = {0};
		size_t len = c->len ? c->len : strlen(c->in);
		assert_int_equal(parse_cookies(c->in, len, &a, &out), 0);
		if (strcmp(render_kvs(&a, &out, 0), c->want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, render_kvs(&a, &out, 0),
				 c->want);
		arena_cleanup(&a);
	}
}

static void test_cookies_limits(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct kvs out = {0};
	struct buf b;
	buf_init(&b, 0);
	for (int i = 0; i < 1500; i++)
		buf_printf(&b, "c%d=%d; ", i, i);
	assert_int_equal(parse_cookies(b.p, b.len, &a, &out), 0);
	assert_int_equal(out.n, PARSE_MAX_FIELDS);
	assert_string_equal(kvs_get(&out, "c999"), "999");
	assert_null(kvs_get(&out, "c1000"));
	buf_cleanup(&b);

	buf_init(&b, 0);
	for (int i = 0; i < PARSE_MAX_NAME + 1; i++)
		buf_adds(&b, "n");
	buf_adds(&b, "=long; ");
	for (int i = 0; i < PARSE_MAX_NAME; i++)
		buf_adds(&b, "m");
	buf_adds(&b, "=fits");
	out.n = 0;
	assert_int_equal(parse_cookies(b.p, b.len, &a, &out), 0);
	assert_int_equal(out.n, 1);
	assert_int_equal(strlen(out.v[0].name), PARSE_MAX_NAME);
	assert_string_equal(out.v[0].value, "fits");
	buf_cleanup(&b);
	assert_int_equal(parse_cookies(NULL, 0, &a, &out), 0);
	arena_cleanup(&a);
}

/* ---- Content-Type ---- */

struct ct_case {
	const char *in;
	const char *mime; /* NULL: refused */
	const char *charset;
	const char *boundary;
};

static const struct ct_case ct_cases[] = {
	{"text/html", "text/html", NULL, NULL},
	{"Text/HTML; Charset=UTF-8", "text/html", "utf-8", NULL},
	{"application/json;charset=utf-8", "application/json", "utf-8", NULL},
	{" text/plain ; charset=\"ISO-8859-1\" ", "text/plain", "iso-8859-1", NULL},
	{"multipart/form-data; boundary=----WebKitFormBoundaryX3b", "multipart/form-data", NULL,
	 "----WebKitFormBoundaryX3b"},
	{"multipart/form-data; BOUNDARY=\"a;b=c\"", "multipart/form-data", NULL, "a;b=c"},
	{"multipart/form-data; boundary=\"x\\\"y\\\\z\"", "multipart/form-data", NULL, "x\"y\\z"},
	{"multipart/form-data; boundary=\"a b\"; charset=utf-8", "multipart/form-data", "utf-8",
	 "a b"},
	{"multipart/form-data; boundary=\"\"", "multipart/form-data", NULL, ""},
	{"multipart/form-data; x=\"boundary=no\"; boundary=yes", "multipart/form-data", NULL, "yes"},
	{"text/plain;", "text/plain", NULL, NULL},
	{"text/plain;;charset=a;", "text/plain", "a", NULL},
	{"text/plain; foo=bar; q=\"1\"", "text/plain", NULL, NULL},
	{"application/vnd.ms-excel", "application/vnd.ms-excel", NULL, NULL},
	{"", NULL, NULL, NULL},
	{"   ", NULL, NULL, NULL},
	{"text", NULL, NULL, NULL},
	{"text/", NULL, NULL, NULL},
	{"/html", NULL, NULL, NULL},
	{"text /html", NULL, NULL, NULL},
	{"text/html x", NULL, NULL, NULL},
	{"text/html; charset", NULL, NULL, NULL},
	{"text/html; charset=", NULL, NULL, NULL},
	{"text/html; charset = utf-8", NULL, NULL, NULL},
	{"text/html; charset=\"utf-8", NULL, NULL, NULL},
	{"text/html; charset=\"utf-8\\", NULL, NULL, NULL},
	{"text/html; charset=utf-8 x", NULL, NULL, NULL},
	{"text/html; charset=a; CHARSET=b", NULL, NULL, NULL},
	{"multipart/form-data; boundary=a; boundary=b", NULL, NULL, NULL},
	{"text/html\r\nX-Injected: 1", NULL, NULL, NULL},
	{"text/html; charset=\"\xC3\xA9\"", NULL, NULL, NULL},
	{"text/h\xC3\xA9", NULL, NULL, NULL},
	{"text/html; =x", NULL, NULL, NULL},
};

static void test_content_type_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(ct_cases); i++) {
		const struct ct_case *c = &ct_cases[i];
		struct arena a;
		arena_init(&a);
		struct content_type ct = {"untouched", NULL, NULL};
		struct brug_err err = {0};
		int rc = parse_content_type(c->in, &a, &ct, &err);
		if (!c->mime) {
			if (rc == 0)
				fail_msg("case %zu \"%s\" parsed", i, c->in);
			expect_fail(rc, &err, "Content-Type");
			assert_string_equal(ct.mime, "untouched");
			arena_cleanup(&a);
			continue;
		}
		if (rc)
			fail_msg("case %zu \"%s\": %s", i, c->in, err.detail);
		assert_string_equal(ct.mime, c->mime);
		if (c->charset)
			assert_string_equal(ct.charset, c->charset);
		else
			assert_null(ct.charset);
		if (c->boundary)
			assert_string_equal(ct.boundary, c->boundary);
		else
			assert_null(ct.boundary);
		arena_cleanup(&a);
	}
	struct arena a;
	arena_init(&a);
	struct content_type ct;
	struct brug_err err;
	expect_fail(parse_content_type(NULL, &a, &ct, &err), &err, "Content-Type missing");
	assert_int_equal(parse_content_type("text/x", &a, &ct, NULL), 0);
	assert_int_equal(parse_content_type("text", &a, &ct, NULL), BRUG_EINVAL);
	arena_cleanup(&a);
}

/* The boundary from a quoted parameter drives the multipart parser. */
static void test_content_type_then_multipart(void **state)
{
	(void)state;
	static const char body[] = "--a;b=\"c\"" CRLF FIELD("x") "1" CRLF "--a;b=\"c\"--";
	struct arena a;
	arena_init(&a);
	struct content_type ct;
	assert_int_equal(parse_content_type("multipart/form-data; boundary=\"a;b=\\\"c\\\"\"", &a,
					    &ct, NULL),
			 0);
	assert_string_equal(ct.boundary, "a;b=\"c\"");
	struct kvs fields = {0};
	struct uploads files = {0};
	assert_int_equal(parse_multipart(body, sizeof(body) - 1, ct.boundary, &a, &fields, &files,
					 NULL),
			 0);
	assert_string_equal(kvs_get(&fields, "x"), "1");
	arena_cleanup(&a);
}

/* ---- Accept-Language ---- */

static const char *const nl_en[] = {"nl", "en"};
static const char *const en_gb[] = {"nl", "en", "en-GB"};
static const char *const gb_only[] = {"nl", "en-GB"};
static const char *const gb_first[] = {"en-GB", "en"};

struct lang_case {
	const char *in;
	const char *const *sup;
	size_t n;
	int want; /* index into sup, or -1 for NULL */
};

#define NL_EN nl_en, 2
static const struct lang_case lang_cases[] = {
	{"en-GB,en;q=0.9,nl;q=0.8", NL_EN, 1},
	{"nl-NL", NL_EN, 0},
	{"nl-NL,nl;q=0.9,en-US;q=0.8,en;q=0.7", NL_EN, 0},
	{"*", NL_EN, 0},
	{"fr", NL_EN, -1},
	{"en;q=0", NL_EN, -1},
	{"en;q=abc", NL_EN, -1},
	{"fr, en;q=abc, nl;q=0.1", NL_EN, 0},
	{"nl;q=0.5, en;q=0.5", NL_EN, 0},
	{"en;q=0.5, nl;q=0.5", NL_EN, 1},
	{"nl;q=0.4, en", NL_EN, 1},
	{"nl;q=0.4,fr,en;q=0.41", NL_EN, 1},
	{"EN-us", NL_EN, 1},
	{"en;q=0, *", NL_EN, 0},
	{"nl;q=0, *", NL_EN, 1},
	{"nl;q=0, en;q=0, *", NL_EN, -1},
	{"*;q=0", NL_EN, -1},
	{"*;q=0, en", NL_EN, 1},
	{"fr, *;q=0.1", NL_EN, 0},
	{"en;q=1.0", NL_EN, 1},
	{"en;q=1.000", NL_EN, 1},
	{"en;q=1.001", NL_EN, -1},
	{"en;q=0.001", NL_EN, 1},
	{"en;q=0.0001", NL_EN, -1},
	{"en;q=0.", NL_EN, -1},
	{"en;q=1.", NL_EN, 1},
	{"en;q=.5", NL_EN, -1},
	{"en;q=2", NL_EN, -1},
	{"en;q=-1", NL_EN, -1},
	{"en;q=", NL_EN, -1},
	{"en;q", NL_EN, -1},
	{"en;", NL_EN, -1},
	{"en;Q=0.5", NL_EN, 1},
	{"en ; q=0.5 ", NL_EN, 1},
	{"en;q=0.5;x=1", NL_EN, -1},
	{"en;x=1", NL_EN, -1},
	{"", NL_EN, -1},
	{" , ,, ", NL_EN, -1},
	{"e1", NL_EN, -1},
	{"1en", NL_EN, -1},
	{"toolongxx", NL_EN, -1},
	{"en--GB", NL_EN, -1},
	{"en-", NL_EN, -1},
	{"-en", NL_EN, -1},
	{"en-gb-oed", NL_EN, 1},
	{"en-toolong123", NL_EN, -1},
	{"e", NL_EN, -1},
	{"en_GB", NL_EN, -1},
	{"en-GB", en_gb, 3, 2},
	{"en", en_gb, 3, 1},
	{"en-US", en_gb, 3, 1},
	{"en", gb_only, 2, 1},
	{"en-GB;q=0, en", gb_first, 2, 1},
	{"en, en-GB;q=0", gb_only, 2, -1},
	{"en;q=0, en-GB", gb_first, 2, 0},
	{"nl", NULL, 0, -1},
};

static void test_accept_language_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(lang_cases); i++) {
		const struct lang_case *c = &lang_cases[i];
		const char *got = parse_accept_language(c->in, c->sup, c->n);
		const char *want = c->want < 0 ? NULL : c->sup[c->want];
		/* the very pointer from supported, not a copy */
		if (got != want)
			fail_msg("case %zu \"%s\": got %s, want %s", i, c->in, got ? got : "NULL",
				 want ? want : "NULL");
	}
	assert_null(parse_accept_language(NULL, nl_en, 2));
}

static void test_accept_language_limit(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	for (int i = 0; i < 49; i++)
		buf_adds(&b, "x-garbage!, ");
	buf_adds(&b, "en");
	assert_ptr_equal(parse_accept_language(b.p, nl_en, 2), nl_en[1]);
	buf_cleanup(&b);
	buf_init(&b, 0);
	for (int i = 0; i < 50; i++)
		buf_adds(&b, "fr;q=0.9, ");
	buf_adds(&b, "en");
	assert_null(parse_accept_language(b.p, nl_en, 2));
	buf_cleanup(&b);
	/* a long header costs one pass */
	buf_init(&b, 0);
	for (int i = 0; i < 100000; i++)
		buf_adds(&b, ",");
	buf_adds(&b, "nl");
	assert_ptr_equal(parse_accept_language(b.p, nl_en, 2), nl_en[0]);
	buf_cleanup(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kvs),
		cmocka_unit_test(test_urlencoded_table),
		cmocka_unit_test(test_urlencoded_limits),
		cmocka_unit_test(test_urlencoded_appends),
		cmocka_unit_test(test_multipart_table),
		cmocka_unit_test(test_multipart_raw_data),
		cmocka_unit_test(test_multipart_limits),
		cmocka_unit_test(test_multipart_rollback),
		cmocka_unit_test(test_multipart_big),
		cmocka_unit_test(test_multipart_adversarial),
		cmocka_unit_test(test_cookies_table),
		cmocka_unit_test(test_cookies_limits),
		cmocka_unit_test(test_content_type_table),
		cmocka_unit_test(test_content_type_then_multipart),
		cmocka_unit_test(test_accept_language_table),
		cmocka_unit_test(test_accept_language_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

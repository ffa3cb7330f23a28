/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of reading messages back (util/mail_read.h): what mail_build
 * writes reads back as it was given (encoded words, quoted-printable, the
 * text part of a multipart), and foreign or broken input is shown rather
 * than refused: other charsets, malformed escapes, invalid UTF-8, a
 * message cut short. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/mail.h"
#include "util/mail_read.h"

static const char *field(const struct mail_view *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->fields[i].name, name))
			return v->fields[i].value;
	return NULL;
}

static void qp(const char *in, const char *want)
{
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(mail_qp_decode(&b, in, strlen(in)), 0);
	assert_string_equal(buf_str(&b), want);
	buf_cleanup(&b);
}

static void words(const char *in, const char *want)
{
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(mail_decode_header_words(&b, in, strlen(in)), 0);
	assert_string_equal(buf_str(&b), want);
	buf_cleanup(&b);
}

static void test_qp(void **state)
{
	(void)state;
	qp("caf=C3=A9", "caf\xC3\xA9");
	qp("a=3Db", "a=b");
	qp("soft=\r\nbreak", "softbreak");
	qp("soft= \t\nbreak", "softbreak");
	qp("line\r\nnext", "line\r\nnext");
	qp("=2Edot", ".dot");
	/* malformed: shown as written */
	qp("bad=ZZ", "bad=ZZ");
	qp("end=", "end");
	qp("half=4", "half=4");
}

static void test_words(void **state)
{
	(void)state;
	words("plain text", "plain text");
	words("=?utf-8?Q?caf=C3=A9_au_lait?=", "caf\xC3\xA9 au lait");
	words("=?UTF-8?B?Y2Fmw6k=?=", "caf\xC3\xA9");
	/* white space between two words is not text; around plain text it is */
	words("=?utf-8?Q?a?= =?utf-8?Q?b?=", "ab");
	words("=?utf-8?Q?a?=\t =?utf-8?Q?b?= c", "ab c");
	words("x =?utf-8?Q?y?=", "x y");
	/* a charset brug does not decode, or a broken word: as written */
	words("=?iso-8859-1?Q?caf=E9?=", "=?iso-8859-1?Q?caf=E9?=");
	words("=?utf-8?X?abc?=", "=?utf-8?X?abc?=");
	words("=?utf-8?Q?open", "=?utf-8?Q?open");
	words("=?", "=?");
}

/* A message mail_build wrote reads back as it was given. */
static void test_round_trip(void **state)
{
	(void)state;
	const char *text = "Goedemiddag,\n\nHoe tevreden bent u over \xC3\xA9\xC3\xA9n gesprek?\n"
			   ". a line that starts with a dot\n"
			   "A long line: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa = end\n";
	struct mail_msg m = {
		.from = {.addr = "noreply@brug.example", .name = "Br\xC3\xBCg T\xC3\xA9st"},
		.to = {.addr = "klant@example.nl", .name = "Jan de Vries"},
		.subject = "Hoe was uw gesprek met ons? \xE2\x80\x94 een vraag van \xC3\xA9\xC3\xA9n minuut, echt waar",
		.text = text,
		.html = "<p>Hallo</p>",
		.date_ms = 1767225600000,
		.msgid_domain = "brug.example",
		.msgid_token = "abc123",
	};
	struct buf out;
	buf_init(&out, 0);
	assert_int_equal(mail_build(&m, &out, NULL), 0);
	struct mail_view v;
	mail_read(buf_str(&out), out.len, &v);
	assert_string_equal(field(&v, "Subject"), m.subject);
	assert_string_equal(field(&v, "From"), "Br\xC3\xBCg T\xC3\xA9st <noreply@brug.example>");
	assert_string_equal(field(&v, "To"), "Jan de Vries <klant@example.nl>");
	assert_string_equal(field(&v, "Message-ID"), "<abc123@brug.example>");
	assert_non_null(strstr(field(&v, "Content-Type"), "multipart/alternative"));
	assert_string_equal(v.text, text);
	mail_view_cleanup(&v);
	/* a text-only message: the body is the text */
	m.html = NULL;
	buf_reset(&out);
	assert_int_equal(mail_build(&m, &out, NULL), 0);
	mail_read(buf_str(&out), out.len, &v);
	assert_string_equal(v.text, text);
	mail_view_cleanup(&v);
	buf_cleanup(&out);
}

static void test_foreign(void **state)
{
	(void)state;
	struct mail_view v;
	/* LF line ends, folded header, base64 text part after an HTML one */
	const char *msg = "Subject: one\n two\nContent-Type: multipart/mixed;\n boundary=\"b1\"\n\n"
			  "preamble\n--b1\nContent-Type: text/html\n\n<p>x</p>\n"
			  "--b1\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
			  "aGFsbG8gd2VyZWxk\n--b1--\n";
	mail_read(msg, strlen(msg), &v);
	assert_string_equal(field(&v, "Subject"), "one two");
	assert_string_equal(v.text, "hallo wereld");
	mail_view_cleanup(&v);
	/* invalid UTF-8 and NUL become U+FFFD; no header end: all header */
	const char raw[] = "X-Odd: a\xFF" "b\r\nSubject: s";
	mail_read(raw, sizeof(raw) - 1, &v);
	assert_string_equal(field(&v, "X-Odd"), "a\xEF\xBF\xBD" "b");
	assert_string_equal(field(&v, "Subject"), "s");
	assert_string_equal(v.text, "");
	mail_view_cleanup(&v);
	const char nul[] = "Subject: s\r\n\r\na\0b";
	mail_read(nul, sizeof(nul) - 1, &v);
	assert_string_equal(v.text, "a\xEF\xBF\xBD" "b");
	mail_view_cleanup(&v);
	/* a multipart cut short, one without parts, an empty message, NULL */
	const char *cut = "Content-Type: multipart/alternative; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nhalf";
	mail_read(cut, strlen(cut), &v);
	assert_string_equal(v.text, "half");
	mail_view_cleanup(&v);
	const char *none = "Content-Type: multipart/alternative; boundary=zz\r\n\r\nno parts";
	mail_read(none, strlen(none), &v);
	assert_string_equal(v.text, "");
	mail_view_cleanup(&v);
	mail_read("", 0, &v);
	assert_int_equal(v.n, 0);
	assert_string_equal(v.text, "");
	mail_view_cleanup(&v);
	mail_read(NULL, 5, &v);
	assert_string_equal(v.text, "");
	mail_view_cleanup(&v);
	mail_view_cleanup(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qp),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_foreign),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

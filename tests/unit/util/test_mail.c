/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/util/mail.c: two golden messages byte for byte, non-ASCII
 * subjects and names, long lines, '=' and trailing spaces, header injection
 * through every input, address checks, and round trips through the
 * decoder in mail_fx.c (quoted-printable, encoded-words, folding), which
 * shares no code with the encoder. `test_util_mail --write DIR` writes sample
 * messages with a JSON file of what each should decode to, for the check
 * with Python's email package (tests/unit/util/meson.build). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/rc.h"
#include "util/buf.h"
#include "util/mail.h"
#include "util/xmalloc.h"

#include "mail_fx.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
/* Builds m, which must succeed, into a string the caller frees. */
static char *build(const struct mail_msg *m)
{
	struct buf b;
	struct brug_err err = {0};
	buf_init(&b, 0);
	int rc = mail_build(m, &b, &err);
	if (rc)
		fprintf(stderr, "mail_build: %d %s\n", rc, err.detail);
	assert_int_equal(rc, 0);
	return buf_take(&b, NULL);
}

/* The message decoded back equals m (names, addresses, subject, bodies). */
static void check_round_trip(const struct mail_msg *m, const char *msg)
{
	char *name, *addr;
	const struct mail_addr *who[] = {&m->from, &m->to};
	const char *hn[] = {"From", "To"};
	for (size_t i = 0; i < 2; i++) {
		char *v = fx_header_get(msg, hn[i]);
		assert_non_null(v);
		fx_mailbox_decode(v, &name, &addr);
		assert_string_equal(name, who[i]->name ? who[i]->name : "");
		assert_string_equal(addr, who[i]->addr);
		free(name);
		free(addr);
		free(v);
	}
	char *v = fx_header_get(msg, "Subject");
	char *subject = fx_words_decode(v, strlen(v));
	assert_string_equal(subject, m->subject);
	free(subject);
	free(v);
	char *text = fx_body_decode(msg, "plain");
	assert_string_equal(text, m->text);
	free(text);
	if (m->html && *m->html) {
		char *html = fx_body_decode(msg, "html");
		assert_string_equal(html, m->html);
		free(html);
	}
}

/* ---- golden messages ---- */

static void test_golden_text_only(void **state)
{
	(void)state;
	struct mail_msg m = fx_ascii_msg();
	char *s = build(&m);
	assert_string_equal(s, "Date: Tue, 24 Nov 2026 09:30:00 +0000\r\n"
	                       "From: Brug Surveys <survey@brug.example>\r\n"
	                       "To: Jan Jansen <jan@example.com>\r\n"
	                       "Subject: How did we do?\r\n"
	                       "Message-ID: <abc123@brug.example>\r\n"
	                       "MIME-Version: 1.0\r\n"
	                       "Content-Type: text/plain; charset=utf-8\r\n"
	                       "Content-Transfer-Encoding: quoted-printable\r\n"
	                       "\r\n"
	                       "Hello Jan,\r\n"
	                       "Please rate us.\r\n");
	fx_check_lines(s);
	free(s);
}

static void test_golden_multipart(void **state)
{
	(void)state;
	struct mail_msg m = fx_full_msg();
	char *s = build(&m);
	assert_string_equal(
	        s, "Date: Tue, 24 Nov 2026 09:30:00 +0000\r\n"
	           "From: Brug Surveys <survey@brug.example>\r\n"
	           "Reply-To: support@brug.example\r\n"
	           "To: Jan Jansen <jan@example.com>\r\n"
	           "Subject: How did we do?\r\n"
	           "Message-ID: <abc123@brug.example>\r\n"
	           "MIME-Version: 1.0\r\n"
	           "List-Unsubscribe: <https://brug.example/u/abc>, <mailto:unsub@brug.example>\r\n"
	           "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
	           "X-Brug-Survey: 42\r\n"
	           "Content-Type: multipart/alternative;\r\n"
	           " boundary=\"=_brug_abc123\"\r\n"
	           "\r\n"
	           "--=_brug_abc123\r\n"
	           "Content-Type: text/plain; charset=utf-8\r\n"
	           "Content-Transfer-Encoding: quoted-printable\r\n"
	           "\r\n"
	           "Hello Jan,\r\n"
	           "Please rate us.\r\n"
	           "\r\n"
	           "--=_brug_abc123\r\n"
	           "Content-Type: text/html; charset=utf-8\r\n"
	           "Content-Transfer-Encoding: quoted-printable\r\n"
	           "\r\n"
	           "<p>Hello</p>\r\n"
	           "--=_brug_abc123--\r\n");
	fx_check_lines(s);
	check_round_trip(&m, s);
	free(s);
}

static void test_unsubscribe_variants(void **state)
{
	(void)state;
	struct mail_msg m = fx_ascii_msg();
	m.unsub_mailto = "unsub@brug.example";
	char *s = build(&m);
	/* no one-click without an https: URL (RFC 8058 3.1) */
	assert_non_null(strstr(s, "\r\nList-Unsubscribe: <mailto:unsub@brug.example>\r\n"));
	assert_null(strstr(s, "List-Unsubscribe-Post"));
	free(s);
	m.unsub_mailto = NULL;
	m.unsub_url = "https://brug.example/u/abc";
	s = build(&m);
	assert_non_null(strstr(s, "\r\nList-Unsubscribe: <https://brug.example/u/abc>\r\n"
	                          "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
	free(s);
	/* two that do not fit on one line: folded between them */
	m.unsub_url = "https://feedback.gemeente-westerkwartier.example/unsubscribe/"
	              "0123456789abcdef0123456789abcdef";
	m.unsub_mailto = "unsub@brug.example";
	s = build(&m);
	assert_non_null(strstr(s, "\r\nList-Unsubscribe: <https://feedback.gemeente-westerkwartier"
	                          ".example/unsubscribe/0123456789abcdef0123456789abcdef>,\r\n"
	                          " <mailto:unsub@brug.example>\r\n"));
	free(s);
}

/* ---- non-ASCII ---- */

static void test_non_ascii_subject_and_names(void **state)
{
	(void)state;
	struct mail_msg m = fx_full_msg();
	m.subject = fx_subject_nl;
	m.from.name = fx_zoe;
	m.to.name = "J\xC3\xBCrgen \xF0\x9F\x98\x80 van 't Hof-\xC3\x96zt\xC3\xBCrk";
	m.text = "Gr\xC3\xBC\xC3\x9F Gott \xE2\x80\x94 \xF0\x9F\x98\x80\n";
	m.html = "<p>Gr\xC3\xBC\xC3\x9F Gott</p>";
	char *s = build(&m);
	fx_check_lines(s);
	check_round_trip(&m, s);
	/* the shorter of Q and B */
	assert_non_null(strstr(s, "From: =?utf-8?b?Wm/DqyBNw7xsbGVy?= <survey@brug.example>"));
	/* the subject is longer than a line: several words, each whole */
	char *v = fx_header_get(s, "Subject");
	assert_true(strlen(v) > MAIL_LINE_MAX);
	free(v);
	free(s);
}

static void test_long_subjects(void **state)
{
	(void)state;
	struct mail_msg m = fx_ascii_msg();
	char subj[MAIL_TEXT_MAX + 1];
	/* ASCII words: folded at spaces, not encoded */
	size_t n = 0;
	for (int i = 0; i < 30; i++)
		n += (size_t)snprintf(subj + n, sizeof(subj) - n, i ? " survey" : "survey");
	m.subject = subj;
	char *s = build(&m);
	fx_check_lines(s);
	check_round_trip(&m, s);
	assert_null(strstr(s, "=?"));
	assert_non_null(strstr(s, "survey\r\n survey"));
	free(s);
	/* the longest subject, all 4-byte characters: still whole in each word */
	n = 0;
	while (n + 4 <= MAIL_TEXT_MAX) {
		memcpy(subj + n, "\xF0\x9F\x98\x80", 4);
		n += 4;
	}
	subj[n] = '\0';
	s = build(&m);
	fx_check_lines(s);
	check_round_trip(&m, s);
	free(s);
	/* a word that looks like an encoded-word is encoded itself */
	m.subject = "=?utf-8?q?x?=";
	s = build(&m);
	check_round_trip(&m, s);
	assert_null(strstr(s, "Subject: =?utf-8?q?x?="));
	free(s);
}

static void test_name_forms(void **state)
{
	(void)state;
	static const struct {
		const char *name, *want; /* want: the From line up to the address */
	} cases[] = {
	        {"Brug", "From: Brug <"},
	        {"Doe, John", "From: \"Doe, John\" <"},
	        {"Say \"hi\" \\o/", "From: \"Say \\\"hi\\\" \\\\o/\" <"},
	        {"Ana (Sales)", "From: \"Ana (Sales)\" <"},
	        {"a=?b", "From: =?utf-8?"},
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct mail_msg m = fx_ascii_msg();
		m.from.name = cases[i].name;
		char *s = build(&m);
		assert_non_null(strstr(s, cases[i].want));
		check_round_trip(&m, s);
		free(s);
	}
	/* a name that does not fit on a line, with a long address */
	struct mail_msg m = fx_ascii_msg();
	m.from.name = "The Customer Feedback Team of the Municipality of Westerkwartier, Friesland";
	m.from.addr = "klanttevredenheidsonderzoek.noreply@gemeente-westerkwartier.example";
	char *s = build(&m);
	fx_check_lines(s);
	check_round_trip(&m, s);
	free(s);
}

/* ---- bodies ---- */

static void test_long_line(void **state)
{
	(void)state;
	char *text = xmalloc(5002);
	for (size_t i = 0; i < 5000; i++)
		text[i] = i % 97 == 96 ? ' ' : (char)('a' + i % 26);
	text[5000] = '\n';
	text[5001] = '\0';
	struct mail_msg m = fx_full_msg();
	m.text = text;
	m.html = text;
	char *s = build(&m);
	fx_check_lines(s);
	check_round_trip(&m, s);
	free(s);
	free(text);
}

static void qp_expect(const char *in, size_t n, const char *want)
{
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(mail_qp_encode(&b, in, n), 0);
	assert_string_equal(buf_str(&b), want);
	buf_cleanup(&b);
}

static void test_qp(void **state)
{
	(void)state;
	qp_expect("", 0, "");
	qp_expect("a=b  \nc \t\nend ", 14, "a=3Db =20\r\nc =09\r\nend=20");
	qp_expect("x\r\ny\rz", 6, "x\r\ny=0Dz");
	qp_expect(".\n..\nx.", 7, "=2E\r\n=2E.\r\nx.");
	qp_expect("caf\xC3\xA9\t!", 7, "caf=C3=A9\t!");
	qp_expect("a\0b\x7f", 4, "a=00b=7F");
	qp_expect("=_brug", 6, "=3D_brug");
	/* 75 bytes fit on a line; the 76th goes after a soft break */
	char in[160], want[200];
	memset(in, 'x', 150);
	memset(want, 'x', 75);
	memcpy(want + 75, "=\r\n", 3);
	memset(want + 78, 'x', 75);
	want[153] = '\0';
	qp_expect(in, 150, want);
	/* an escape is never split by a soft break */
	memset(in, 'x', 74);
	in[74] = '=';
	memset(want, 'x', 74);
	memcpy(want + 74, "=\r\n=3D", 7);
	want[81] = '\0';
	qp_expect(in, 75, want);
}

static void test_body_equals_and_trailing_spaces(void **state)
{
	(void)state;
	struct mail_msg m = fx_full_msg();
	m.text = "1+1=2   \nscore = 9 \t\n  \n\nend  ";
	m.html = "<a href=\"https://x.example/?a=1&b=2\">x</a>  ";
	char *s = build(&m);
	fx_check_lines(s);
	check_round_trip(&m, s);
	assert_non_null(
	        strstr(s, "\r\n1+1=3D2  =20\r\nscore =3D 9 =09\r\n =20\r\n\r\nend =20\r\n"));
	free(s);
	/* text only: a text without a final newline still decodes exactly */
	m.html = NULL;
	s = build(&m);
	fx_check_lines(s);
	check_round_trip(&m, s);
	size_t n = strlen(s);
	assert_string_equal(s + n - 10, "end =20=\r\n");
	free(s);
}

static void test_empty_html_and_bodies(void **state)
{
	(void)state;
	struct mail_msg m = fx_ascii_msg();
	m.html = "";
	char *s = build(&m);
	assert_null(strstr(s, "multipart"));
	assert_non_null(strstr(s, "Content-Type: text/plain; charset=utf-8\r\n"));
	free(s);
	m.text = "";
	m.subject = "";
	s = build(&m);
	fx_check_lines(s);
	check_round_trip(&m, s);
	free(s);
	m.html = "<p>only html</p>";
	s = build(&m);
	check_round_trip(&m, s);
	free(s);
}

/* ---- refusals ---- */

static const char *const bad_text[] = {
        "Hi\r\nBcc: victim@example.com",
        "Hi\nBcc: victim@example.com",
        "Hi\rX",
        "tab\there",
        "esc\x1b",
        "del\x7f",
        "bad \xC3(",
        "overlong \xC0\xAF",
        "surrogate \xED\xA0\x80",
};
static const char *const bad_addr[] = {
        "a@b.example\r\nBcc: c@d.example",
        "a@b.example\n",
        "<a@b.example>",
        "a@b.example>",
        "a b@c.example",
        "a@b.example, c@d.example",
        "a",
        "@b.example",
        "a@",
        "a@b",
        "a@@b.example",
        "a.@b.example",
        ".a@b.example",
        "a..b@c.example",
        "a@-b.example",
        "a@b-.example",
        "a@b..example",
        "a@b.example.",
        "\"a\"@b.example",
        "a@[127.0.0.1]",
        "z\xC3\xAB@b.example",
        "a@b_c.example",
        "",
};

/* A copy of m with one input replaced by v (which input: i). */
static struct mail_msg with(int i, const char *v)
{
	static struct mail_header h[1];
	struct mail_msg m = fx_full_msg();
	switch (i) {
	case 0:
		m.from.addr = v;
		break;
	case 1:
		m.from.name = v;
		break;
	case 2:
		m.to.addr = v;
		break;
	case 3:
		m.to.name = v;
		break;
	case 4:
		m.reply_to.addr = v;
		break;
	case 5:
		m.reply_to.name = v;
		break;
	case 6:
		m.subject = v;
		break;
	case 7:
		m.unsub_mailto = v;
		break;
	case 8:
		m.unsub_url = v;
		break;
	case 9:
		m.msgid_domain = v;
		break;
	case 10:
		m.msgid_token = v;
		break;
	case 11:
		h[0] = (struct mail_header){"X-Test", v};
		m.extra = h;
		break;
	case 12:
		h[0] = (struct mail_header){v, "1"};
		m.extra = h;
		break;
	}
	return m;
}

static const char *const fields[] = {"from",      "from_name",     "to",          "to_name",
                                     "reply_to",  "reply_to_name", "subject",     "unsub_mailto",
                                     "unsub_url", "msgid_domain",  "msgid_token", "headers",
                                     "headers"};

static void refuse(int i, const char *v)
{
	struct mail_msg m = with(i, v);
	struct buf b;
	buf_init(&b, 0);
	buf_adds(&b, "kept");
	struct brug_err err = {0};
	int rc = mail_build(&m, &b, &err);
	if (rc != BRUG_EINVAL)
		fprintf(stderr, "input %d accepted: \"%s\"\n", i, v);
	assert_int_equal(rc, BRUG_EINVAL);
	assert_string_equal(err.field, fields[i]);
	assert_true(err.detail[0] != '\0');
	assert_string_equal(buf_str(&b), "kept");
	buf_cleanup(&b);
}

static void test_injection_refused(void **state)
{
	(void)state;
	for (size_t k = 0; k < N(bad_addr); k++) {
		refuse(0, bad_addr[k]);
		refuse(2, bad_addr[k]);
		refuse(7, bad_addr[k][0] ? bad_addr[k] : "x");
		if (bad_addr[k][0])
			refuse(4, bad_addr[k]);
	}
	for (size_t k = 0; k < N(bad_text); k++) {
		for (int i = 1; i <= 11; i += 2)
			if (i != 7 && i != 9)
				refuse(i, bad_text[k]);
		refuse(8, bad_text[k]);
		refuse(9, bad_text[k]);
		refuse(10, bad_text[k]);
		refuse(12, bad_text[k]);
	}
	/* names: no angle brackets, so no second address can appear */
	refuse(1, "Bank <security@bank.example>");
	refuse(3, "x>");
	refuse(5, "<");
	/* URLs: https only, nothing that ends the <...> */
	static const char *const urls[] = {
	        "http://x.example/u",
	        "javascript:alert(1)",
	        "https://",
	        "https://x.example/a b",
	        "https://x.example/>, <mailto:y@z.example",
	        "https://x.example/\"",
	        "https://x.example/,",
	        "https://x.example/\xC3\xA9",
	};
	for (size_t k = 0; k < N(urls); k++)
		refuse(8, urls[k]);
	refuse(9, "brug.example>\r\nBcc: a@b.example");
	refuse(9, "localhost");
	refuse(10, "a@b");
	refuse(10, "a.b");
	refuse(10, "");
	refuse(10, "0123456789012345678901234567890123456789012345678");
	refuse(12, "Bcc");
	refuse(12, "X-");
	refuse(12, "X-a:b");
	refuse(12, "X-a b");
	refuse(12, "Subject");
}

static void test_other_refusals(void **state)
{
	(void)state;
	struct brug_err err = {0};
	struct buf b;
	buf_init(&b, 0);
	struct mail_msg m = fx_ascii_msg();
	m.text = NULL;
	assert_int_equal(mail_build(&m, &b, &err), BRUG_EINVAL);
	assert_string_equal(err.field, "text");
	m = fx_ascii_msg();
	m.text = "bad \xFF";
	assert_int_equal(mail_build(&m, &b, &err), BRUG_EINVAL);
	m = fx_ascii_msg();
	m.html = "bad \xC3";
	assert_int_equal(mail_build(&m, &b, &err), BRUG_EINVAL);
	assert_string_equal(err.field, "html");
	m = fx_ascii_msg();
	m.date_ms = -1;
	assert_int_equal(mail_build(&m, &b, &err), BRUG_EINVAL);
	m.date_ms = INT64_C(253402300800000);
	assert_int_equal(mail_build(&m, &b, &err), BRUG_EINVAL);
	m = fx_ascii_msg();
	char name[MAIL_NAME_MAX + 2];
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	m.to.name = name;
	assert_int_equal(mail_build(&m, &b, &err), BRUG_EINVAL);
	assert_string_equal(err.key, "error.too_long");
	m = fx_full_msg();
	struct mail_header many[MAIL_EXTRA_MAX + 1];
	for (size_t i = 0; i < N(many); i++)
		many[i] = (struct mail_header){"X-A", "b"};
	m.extra = many;
	m.n_extra = N(many);
	assert_int_equal(mail_build(&m, &b, &err), BRUG_EINVAL);
	m.n_extra = MAIL_EXTRA_MAX;
	assert_int_equal(mail_build(&m, &b, &err), 0);
	buf_cleanup(&b);
	/* a message over the buffer's cap: ETOOBIG, the buffer untouched */
	buf_init(&b, 300);
	buf_adds(&b, "kept");
	m = fx_full_msg();
	assert_int_equal(mail_build(&m, &b, &err), BRUG_ETOOBIG);
	assert_string_equal(buf_str(&b), "kept");
	buf_cleanup(&b);
}

static void test_address_ok(void **state)
{
	(void)state;
	static const char *const good[] = {
	        "a@b.example",
	        "jan.jansen@example.com",
	        "x+tag@sub.example.co.uk",
	        "o'brien@example.ie",
	        "!#$%&'*+-/=?^_`{|}~@x.example",
	        "a@xn--bcher-kva.example",
	        "1@2.3",
	        "a-b@c-d.example",
	};
	for (size_t i = 0; i < N(good); i++)
		assert_true(mail_address_ok(good[i]));
	for (size_t i = 0; i < N(bad_addr); i++)
		assert_false(mail_address_ok(bad_addr[i]));
	assert_false(mail_address_ok(NULL));
	/* limits: 64 before '@', 63 per label, 254 in all */
	char a[300];
	memset(a, 'l', 64);
	memcpy(a + 64, "@x.example", 11);
	assert_true(mail_address_ok(a));
	memset(a, 'l', 65);
	memcpy(a + 65, "@x.example", 11);
	assert_false(mail_address_ok(a));
	memcpy(a, "a@", 2);
	memset(a + 2, 'd', 63);
	memcpy(a + 65, ".example", 9);
	assert_true(mail_address_ok(a));
	memset(a + 2, 'd', 64);
	memcpy(a + 66, ".example", 9);
	assert_false(mail_address_ok(a));
	/* "a@", three labels of 62 and their dots, then one of 62, 63, and a
	 * longer local part: 253, 254, 255 bytes */
	size_t n = 2;
	for (int i = 0; i < 3; i++) {
		memset(a + n, 'd', 62);
		n += 62;
		a[n++] = '.';
	}
	memset(a + n, 'e', 63);
	a[n + 62] = '\0';
	assert_int_equal(strlen(a), 253);
	assert_true(mail_address_ok(a));
	a[n + 62] = 'e';
	a[n + 63] = '\0';
	assert_int_equal(strlen(a), 254);
	assert_true(mail_address_ok(a));
	memmove(a + 1, a, n + 64);
	assert_int_equal(strlen(a), 255);
	assert_false(mail_address_ok(a));
}

/* ---- encoded-words ---- */

static void words_check(const char *in, enum mail_word_enc enc, size_t col)
{
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < col; i++)
		buf_addc(&b, 'H');
	size_t c = col;
	assert_int_equal(mail_encode_header_word(&b, in, strlen(in), enc, &c), 0);
	const char *s = buf_str(&b);
	/* every line within 78 (but a first line already past it, which then
	 * holds no word); *col is the last line's length */
	const char *l = s, *eol;
	while ((eol = strstr(l, "\r\n")) != NULL) {
		assert_true((size_t)(eol - l) <=
		            (l == s && col > MAIL_LINE_MAX ? col : MAIL_LINE_MAX));
		assert_int_equal(eol[2], ' ');
		l = eol + 2;
	}
	assert_true(strlen(l) <= MAIL_LINE_MAX);
	assert_int_equal(strlen(l), c);
	if (enc != MAIL_WORD_AUTO)
		assert_non_null(strstr(s, enc == MAIL_WORD_Q ? "?q?" : "?b?"));
	struct buf u; /* unfolded; a fold before the first word is no text */
	buf_init(&u, 0);
	const char *p0 = s + col + (strncmp(s + col, "\r\n ", 3) == 0 ? 3 : 0);
	for (const char *p = p0; *p; p++)
		if (*p != '\r' && *p != '\n')
			buf_addc(&u, *p);
	char *d = fx_words_decode(buf_str(&u), u.len);
	assert_string_equal(d, in);
	buf_cleanup(&u);
	free(d);
	buf_cleanup(&b);
}

static void test_encode_header_word(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	size_t col = 9;
	assert_int_equal(mail_encode_header_word(&b, fx_zoe, strlen(fx_zoe), MAIL_WORD_AUTO, &col),
	                 0);
	/* B when shorter, Q when that is (both decode the same) */
	assert_string_equal(buf_str(&b), "=?utf-8?b?Wm/DqyBNw7xsbGVy?=");
	assert_int_equal(col, 9 + 28);
	buf_reset(&b);
	col = 9;
	assert_int_equal(mail_encode_header_word(&b, "Zo\xC3\xAB", 4, MAIL_WORD_AUTO, &col), 0);
	assert_string_equal(buf_str(&b), "=?utf-8?q?Zo=C3=AB?=");
	buf_reset(&b);
	assert_int_equal(mail_encode_header_word(&b, fx_zoe, strlen(fx_zoe), MAIL_WORD_Q, &col), 0);
	assert_string_equal(buf_str(&b), "=?utf-8?q?Zo=C3=AB_M=C3=BCller?=");
	buf_reset(&b);
	col = 0;
	assert_int_equal(mail_encode_header_word(&b, "\xF0\x9F\x98\x80", 4, MAIL_WORD_AUTO, &col),
	                 0);
	assert_string_equal(buf_str(&b), "=?utf-8?b?8J+YgA==?=");
	buf_reset(&b);
	col = 5;
	assert_int_equal(mail_encode_header_word(&b, "", 0, MAIL_WORD_B, &col), 0);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(col, 5);
	assert_int_equal(mail_encode_header_word(&b, "a\xC3", 2, MAIL_WORD_Q, &col), BRUG_EINVAL);
	assert_int_equal(mail_encode_header_word(&b, "a\0b", 3, MAIL_WORD_Q, &col), BRUG_EINVAL);
	buf_cleanup(&b);
	static const char *const texts[] = {fx_subject_nl, fx_zoe, "?=_ =?x?= ,;:<>\"()[]\\",
	                                    "\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96\xE7\x95\x8C "
	                                    "\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96\xE7\x95\x8C "
	                                    "\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96\xE7\x95\x8C "
	                                    "\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96\xE7\x95\x8C"};
	enum mail_word_enc encs[] = {MAIL_WORD_AUTO, MAIL_WORD_Q, MAIL_WORD_B};
	for (size_t i = 0; i < N(texts); i++)
		for (size_t e = 0; e < N(encs); e++)
			for (size_t c = 0; c <= 90; c += 7)
				words_check(texts[i], encs[e], c);
}

/* ---- the rest of the header ---- */

static void test_dates(void **state)
{
	(void)state;
	static const struct {
		int64_t ms;
		const char *want;
	} cases[] = {
	        {0, "Date: Thu, 1 Jan 1970 00:00:00 +0000\r\n"},
	        {INT64_C(1709208000000), "Date: Thu, 29 Feb 2024 12:00:00 +0000\r\n"},
	        {INT64_C(951782399999), "Date: Mon, 28 Feb 2000 23:59:59 +0000\r\n"},
	        {INT64_C(253402300799999), "Date: Fri, 31 Dec 9999 23:59:59 +0000\r\n"},
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct mail_msg m = fx_ascii_msg();
		m.date_ms = cases[i].ms;
		char *s = build(&m);
		assert_true(strncmp(s, cases[i].want, strlen(cases[i].want)) == 0);
		free(s);
	}
}

static void test_random_message_id(void **state)
{
	(void)state;
	struct mail_msg m = fx_full_msg();
	m.msgid_token = NULL;
	char *a = build(&m), *b = build(&m);
	char *ida = fx_header_get(a, "Message-ID"), *idb = fx_header_get(b, "Message-ID");
	assert_int_equal(strlen(ida), 1 + 32 + 1 + strlen("brug.example") + 1);
	assert_int_equal(strspn(ida + 1, "0123456789abcdef"), 32);
	assert_string_not_equal(ida, idb);
	/* the boundary follows the token */
	char bound[64];
	snprintf(bound, sizeof(bound), "boundary=\"=_brug_%.32s\"", ida + 1);
	assert_non_null(strstr(a, bound));
	check_round_trip(&m, a);
	free(ida);
	free(idb);
	free(a);
	free(b);
}

/* A name mail_build cannot carry is left out, so the mail still goes. */
static void test_display_name(void **state)
{
	(void)state;
	assert_string_equal(mail_display_name("Jan \"JJ\" de Vries, B.V."),
			    "Jan \"JJ\" de Vries, B.V.");
	assert_null(mail_display_name("Eve <eve@evil.example>"));
	assert_null(mail_display_name("Eve\r\nBcc: x@evil.example"));
	assert_null(mail_display_name("\xff"));
	assert_null(mail_display_name(""));
	assert_null(mail_display_name(NULL));
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--write") == 0)
		return fx_write_samples(argv[2]);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_golden_text_only),
	        cmocka_unit_test(test_golden_multipart),
	        cmocka_unit_test(test_unsubscribe_variants),
	        cmocka_unit_test(test_non_ascii_subject_and_names),
	        cmocka_unit_test(test_long_subjects),
	        cmocka_unit_test(test_name_forms),
	        cmocka_unit_test(test_long_line),
	        cmocka_unit_test(test_qp),
	        cmocka_unit_test(test_body_equals_and_trailing_spaces),
	        cmocka_unit_test(test_empty_html_and_bodies),
	        cmocka_unit_test(test_injection_refused),
	        cmocka_unit_test(test_other_refusals),
	        cmocka_unit_test(test_address_ok),
	        cmocka_unit_test(test_encode_header_word),
	        cmocka_unit_test(test_dates),
	        cmocka_unit_test(test_random_message_id),
	        cmocka_unit_test(test_display_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* What the mail tests share: sample messages, and a small decoder written
 * apart from src/util/mail.c so that a round trip checks the encoder
 * against an independent reading of RFC 2045 and 2047. Every helper fails
 * the running cmocka test on input it cannot read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "core/rc.h"
#include "util/buf.h"
#include "util/mail.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

#include "mail_fx.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

const char fx_subject_nl[] =
        "Hoe tevreden bent u over ons gesprek van 12 maart? \xE2\x80\x94 \xF0\x9F\x98\x80";
const char fx_zoe[] = "Zo\xC3\xAB M\xC3\xBCller";

struct mail_msg fx_ascii_msg(void)
{
	return (struct mail_msg){
	        .from = {"survey@brug.example", "Brug Surveys"},
	        .to = {"jan@example.com", "Jan Jansen"},
	        .subject = "How did we do?",
	        .text = "Hello Jan,\nPlease rate us.\n",
	        .date_ms = FX_DATE_MS,
	        .msgid_domain = "brug.example",
	        .msgid_token = "abc123",
	};
}

static const struct mail_header xh[] = {{"X-Brug-Survey", "42"}};

struct mail_msg fx_full_msg(void)
{
	struct mail_msg m = fx_ascii_msg();
	m.html = "<p>Hello</p>";
	m.reply_to = (struct mail_addr){"support@brug.example", NULL};
	m.unsub_url = "https://brug.example/u/abc";
	m.unsub_mailto = "unsub@brug.example";
	m.extra = xh;
	m.n_extra = 1;
	return m;
}

static int unhex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Quoted-printable to bytes, CRLF to LF; fails the test on a bad escape. */
char *fx_qp_decode(const char *s, size_t n, size_t *len)
{
	char *o = xmalloc(n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '=' && i + 2 < n && s[i + 1] == '\r' && s[i + 2] == '\n') {
			i += 2;
		} else if (s[i] == '=') {
			assert_true(i + 2 < n);
			int hi = unhex(s[i + 1]), lo = unhex(s[i + 2]);
			assert_true(hi >= 0 && lo >= 0);
			o[k++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (s[i] == '\r') {
			assert_true(i + 1 < n && s[i + 1] == '\n');
			o[k++] = '\n';
			i++;
		} else {
			o[k++] = s[i];
		}
	}
	o[k] = '\0';
	*len = k;
	return o;
}

/* RFC 2047 5(3): what Q may leave as it is in a phrase */
static bool q_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!*+-/_", c));
}

/* One encoded-word at p ("=?utf-8?X?...?="), appended to o; returns the
 * byte after it. Each word must hold whole UTF-8 characters. */
static const char *word_decode(const char *p, struct buf *o)
{
	assert_true(strncmp(p, "=?utf-8?", 8) == 0);
	char enc = p[8];
	assert_true(p[9] == '?');
	const char *t = p + 10, *end = strstr(t, "?=");
	assert_non_null(end);
	assert_true(end - p + 2 <= MAIL_WORD_MAX);
	char bytes[MAIL_WORD_MAX];
	size_t n = 0;
	if (enc == 'b') {
		assert_int_equal(sodium_base642bin((unsigned char *)bytes, sizeof(bytes), t,
		                                   (size_t)(end - t), NULL, &n, NULL,
		                                   sodium_base64_VARIANT_ORIGINAL),
		                 0);
	} else {
		assert_int_equal(enc, 'q');
		for (const char *q = t; q < end; q++) {
			if (*q == '=') {
				bytes[n++] = (char)(unhex(q[1]) * 16 + unhex(q[2]));
				q += 2;
			} else {
				/* only the phrase-safe set in a word */
				assert_true(q_ok(*q));
				bytes[n++] = *q == '_' ? ' ' : *q;
			}
		}
	}
	assert_true(utf8_valid(bytes, n));
	buf_add(o, bytes, n);
	return end + 2;
}

/* An unfolded header value with its encoded-words decoded; whitespace
 * between two encoded-words is dropped. The caller frees. */
char *fx_words_decode(const char *s, size_t n)
{
	struct buf o;
	buf_init(&o, 0);
	const char *p = s, *e = s + n;
	bool prev = false;
	while (p < e) {
		if (p[0] == '=' && p[1] == '?') {
			p = word_decode(p, &o);
			prev = true;
			continue;
		}
		const char *q = p + strspn(p, " ");
		if (prev && q > p && q < e && q[0] == '=' && q[1] == '?') {
			p = q;
			continue;
		}
		buf_addc(&o, *p++);
		prev = false;
	}
	return buf_take(&o, NULL);
}

/* The value of header name (unfolded, not decoded), or NULL. */
char *fx_header_get(const char *msg, const char *name)
{
	const char *end = strstr(msg, "\r\n\r\n");
	assert_non_null(end);
	size_t nl = strlen(name);
	for (const char *l = msg; l < end; l = strstr(l, "\r\n") + 2) {
		if (strncmp(l, name, nl) != 0 || l[nl] != ':' || l[nl + 1] != ' ')
			continue;
		struct buf o;
		buf_init(&o, 0);
		const char *p = l + nl + 2;
		for (;;) {
			const char *eol = strstr(p, "\r\n");
			buf_add(&o, p, (size_t)(eol - p));
			if (eol[2] != ' ' && eol[2] != '\t')
				break;
			p = eol + 2;
		}
		return buf_take(&o, NULL);
	}
	return NULL;
}

/* Splits a From/To value into its decoded display name ("" for none) and
 * address; both freed by the caller. */
void fx_mailbox_decode(const char *v, char **name, char **addr)
{
	const char *lt = strrchr(v, '<');
	if (!lt) {
		*name = xstrdup("");
		*addr = xstrdup(v);
		return;
	}
	*addr = xstrndup(lt + 1, strlen(lt + 1) - 1);
	size_t n = (size_t)(lt - v);
	assert_true(n > 0 && v[n - 1] == ' ');
	n--;
	if (v[0] != '"') {
		*name = fx_words_decode(v, n);
		return;
	}
	struct buf o;
	buf_init(&o, 0);
	for (size_t i = 1; i + 1 < n; i++) {
		if (v[i] == '\\')
			i++;
		buf_addc(&o, v[i]);
	}
	*name = buf_take(&o, NULL);
}

/* The decoded body of the part of the given subtype (or the only one). */
char *fx_body_decode(const char *msg, const char *subtype)
{
	char ct[64];
	snprintf(ct, sizeof(ct), "Content-Type: text/%s; charset=utf-8\r\n", subtype);
	const char *p = strstr(msg, ct);
	assert_non_null(p);
	p = strstr(p, "\r\n\r\n");
	assert_non_null(p);
	p += 4;
	const char *e = strstr(p, "\r\n--=_brug_");
	size_t len;
	return fx_qp_decode(p, e ? (size_t)(e - p) : strlen(p), &len);
}

/* Every line ends in CRLF; header lines are at most 78 bytes, body lines
 * at most 76, and no byte is above 0x7E or a control. */
void fx_check_lines(const char *msg)
{
	const char *hend = strstr(msg, "\r\n\r\n");
	assert_non_null(hend);
	size_t n = strlen(msg);
	assert_true(n >= 2 && msg[n - 2] == '\r' && msg[n - 1] == '\n');
	for (const char *l = msg; *l;) {
		const char *eol = strstr(l, "\r\n");
		assert_non_null(eol);
		size_t len = (size_t)(eol - l);
		assert_true(len <= (l <= hend ? MAIL_LINE_MAX : MAIL_QP_LINE_MAX));
		if (l <= hend && len > 0)
			assert_true(l == msg || l[0] != ' ' || strspn(l, " ") < len);
		for (size_t i = 0; i < len; i++)
			assert_true(l[i] >= 0x20 && l[i] <= 0x7e);
		l = eol + 2;
	}
}

static int write_file(const char *dir, const char *name, const char *data)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t n = strlen(data);
	int rc = fwrite(data, 1, n, f) == n ? 0 : -1;
	return fclose(f) || rc ? -1 : 0;
}

int fx_write_samples(const char *dir)
{
	static char longtext[6000];
	for (size_t i = 0; i < 5000; i++)
		longtext[i] = i % 50 == 49 ? ' ' : i % 61 == 60 ? '=' : (char)('a' + i % 26);
	memcpy(longtext + 5000, "  \n.dot\n=\nend \t", 16);
	struct mail_msg s[6];
	s[0] = fx_ascii_msg();
	s[1] = fx_full_msg();
	s[1].subject = fx_subject_nl;
	s[1].from.name = fx_zoe;
	s[1].to.name = "J\xC3\xBCrgen \xF0\x9F\x98\x80 van 't Hof";
	s[1].text = "Beste J\xC3\xBCrgen,\n\nHoe was het? \xF0\x9F\x98\x80\n";
	s[1].html = "<p>Beste J\xC3\xBCrgen,</p>\n<p>Hoe was het? \xF0\x9F\x98\x80</p>\n";
	s[2] = fx_full_msg();
	s[2].text = longtext;
	s[2].html = "<p style=\"x\">1+1=2   </p>  ";
	s[3] = fx_ascii_msg();
	s[3].from.name = "Doe, John \"JD\" (Sales) \\ Support";
	s[3].subject = "=?utf-8?q?not_a_word?= and a very long subject that goes on and on and "
	               "on until it has to be folded";
	s[4] = fx_full_msg();
	s[4].to.name = "The Customer Feedback Team of the Municipality of Westerkwartier";
	s[4].subject = "\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80"
	               "\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80"
	               "\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80"
	               "\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80";
	s[5] = fx_full_msg();
	s[5].html = "";
	s[5].text = "no final newline  ";
	s[5].to.name = NULL;
	int rc = 0;
	for (size_t i = 0; i < N(s) && !rc; i++) {
		struct buf b;
		buf_init(&b, 0);
		struct brug_err err = {0};
		rc = mail_build(&s[i], &b, &err);
		char name[32];
		snprintf(name, sizeof(name), "sample%zu.eml", i);
		if (!rc)
			rc = write_file(dir, name, buf_str(&b));
		buf_cleanup(&b);
		json_t *j =
		        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?}", "subject", s[i].subject,
		                  "from_name", s[i].from.name ? s[i].from.name : "", "from_addr",
		                  s[i].from.addr, "to_name", s[i].to.name ? s[i].to.name : "",
		                  "to_addr", s[i].to.addr, "text", s[i].text, "html",
		                  s[i].html && *s[i].html ? s[i].html : NULL);
		char *js = j ? json_dumps(j, 0) : NULL;
		snprintf(name, sizeof(name), "sample%zu.json", i);
		if (!rc)
			rc = js ? write_file(dir, name, js) : -1;
		free(js);
		json_decref(j);
	}
	if (rc)
		fprintf(stderr, "test_util_mail --write %s: failed\n", dir);
	return rc ? 1 : 0;
}

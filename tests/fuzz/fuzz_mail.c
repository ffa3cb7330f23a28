/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for src/util/mail.c: the input's first two bytes pick the
 * encoding and the starting column, the rest is the text. Beyond crashes
 * and sanitizer reports, it traps when a promise of mail.h breaks:
 * mail_encode_header_word accepting invalid UTF-8, writing a byte that is
 * not printable ASCII, a CR or LF outside a fold, a line over 78 bytes, an
 * encoded-word over 75 bytes or holding part of a character, or words that
 * decode to something else; mail_qp_encode writing a bare CR or LF, a line
 * over 76 bytes, trailing whitespace, "=_", or something that does not
 * decode back; mail_build with the text as subject, names and bodies
 * writing a header line that is not one of its own. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/rc.h"
#include "util/buf.h"
#include "util/mail.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int unhex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void need(bool ok)
{
	if (!ok)
		__builtin_trap();
}

/* Decodes the words in s (lines joined, folds dropped) into o. */
static void words_decode(const char *s, size_t n, struct buf *o)
{
	size_t i = 0;
	while (i < n) {
		if (s[i] == '\r') {
			need(i + 2 < n && s[i + 1] == '\n' && s[i + 2] == ' ');
			i += 3;
			continue;
		}
		need(i + 10 < n && memcmp(s + i, "=?utf-8?", 8) == 0 && s[i + 9] == '?');
		char enc = s[i + 8];
		const char *t = s + i + 10, *end = strstr(t, "?=");
		need(end != NULL && end + 2 - (s + i) <= MAIL_WORD_MAX);
		unsigned char bytes[MAIL_WORD_MAX];
		size_t k = 0;
		if (enc == 'b') {
			need(sodium_base642bin(bytes, sizeof(bytes), t, (size_t)(end - t), NULL, &k,
			                       NULL, sodium_base64_VARIANT_ORIGINAL) == 0);
		} else {
			need(enc == 'q');
			for (const char *q = t; q < end; q++) {
				if (*q == '=') {
					int hi = unhex(q[1]), lo = hi < 0 ? -1 : unhex(q[2]);
					need(lo >= 0);
					bytes[k++] = (unsigned char)(hi * 16 + lo);
					q += 2;
				} else {
					need((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
					     (*q >= '0' && *q <= '9') || strchr("!*+-/_", *q));
					bytes[k++] = *q == '_' ? ' ' : (unsigned char)*q;
				}
			}
		}
		need(utf8_valid((const char *)bytes, k));
		buf_add(o, bytes, k);
		i = (size_t)(end + 2 - s);
	}
}

static void check_words(const char *text, size_t n, enum mail_word_enc enc, size_t col)
{
	struct buf b, d;
	buf_init(&b, 0);
	buf_init(&d, 0);
	size_t c = col;
	int rc = mail_encode_header_word(&b, text, n, enc, &c);
	if (!utf8_valid(text, n)) {
		need(rc == BRUG_EINVAL && b.len == 0 && c == col);
		goto out;
	}
	need(rc == 0);
	const char *s = buf_str(&b);
	size_t line = col, start = 0;
	for (size_t i = 0; i < b.len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\r') {
			need(i + 2 < b.len && s[i + 1] == '\n' && s[i + 2] == ' ');
			need(line <= MAIL_LINE_MAX || i == 0);
			i += 2;
			line = 1;
			continue;
		}
		need(ch > 0x20 && ch < 0x7f);
		line++;
	}
	need(line == c && (line <= MAIL_LINE_MAX || b.len == 0));
	start = b.len >= 3 && memcmp(s, "\r\n ", 3) == 0 ? 3 : 0;
	words_decode(s + start, b.len - start, &d);
	need(d.len == n && memcmp(buf_str(&d), text, n) == 0);
out:
	buf_cleanup(&b);
	buf_cleanup(&d);
}

static void check_qp(const char *in, size_t n)
{
	struct buf b, d;
	buf_init(&b, 0);
	buf_init(&d, 0);
	need(mail_qp_encode(&b, in, n) == 0);
	const char *s = buf_str(&b);
	size_t line = 0;
	for (size_t i = 0; i < b.len; i++) {
		char ch = s[i];
		if (ch == '\r' || ch == '\n') {
			need(ch == '\r' && i + 1 < b.len && s[i + 1] == '\n');
			need(i == 0 || (s[i - 1] != ' ' && s[i - 1] != '\t'));
			buf_addc(&d, '\n');
			i++;
			line = 0;
			continue;
		}
		need((ch >= 0x20 && ch < 0x7f) || ch == '\t');
		need(++line <= MAIL_QP_LINE_MAX);
		if (ch != '=') {
			buf_addc(&d, ch);
			continue;
		}
		need(i + 2 < b.len);
		if (s[i + 1] == '\r') {
			need(s[i + 2] == '\n');
			i += 2;
			line = 0;
			continue;
		}
		int hi = unhex(s[i + 1]), lo = unhex(s[i + 2]);
		need(hi >= 0 && lo >= 0);
		buf_addc(&d, (char)(hi * 16 + lo));
		i += 2;
		line += 2;
	}
	need(b.len == 0 || (s[b.len - 1] != ' ' && s[b.len - 1] != '\t'));
	/* the input with its CRLFs as LF */
	size_t k = 0;
	const char *got = buf_str(&d);
	for (size_t i = 0; i < n; i++) {
		if (in[i] == '\r' && i + 1 < n && in[i + 1] == '\n')
			continue;
		need(k < d.len && got[k++] == in[i]);
	}
	need(k == d.len);
	buf_cleanup(&b);
	buf_cleanup(&d);
}

static void check_build(const char *text)
{
	static const char *const names[] = {
	        "Date: ",       "From: ",         "To: ",           "Subject: ",
	        "Message-ID: ", "MIME-Version: ", "Content-Type: ", "Content-Transfer-Encoding: "};
	struct mail_msg m = {
	        .from = {"survey@brug.example", text},
	        .to = {"jan@example.com", text},
	        .subject = text,
	        .text = text,
	        .html = text,
	        .date_ms = 0,
	        .msgid_domain = "brug.example",
	        .msgid_token = "fuzz",
	};
	struct buf b;
	buf_init(&b, 0);
	if (mail_build(&m, &b, NULL) == 0) {
		const char *s = buf_str(&b), *hend = strstr(s, "\r\n\r\n");
		need(hend != NULL);
		for (const char *l = s; l <= hend; l = strstr(l, "\r\n") + 2) {
			bool known = l[0] == ' ';
			for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !known; i++)
				known = strncmp(l, names[i], strlen(names[i])) == 0;
			need(known);
		}
	}
	buf_cleanup(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	enum mail_word_enc enc = (enum mail_word_enc)(data[0] % 3);
	size_t col = data[1] % 90;
	const char *text = (const char *)data + 2;
	size_t n = size - 2;
	check_words(text, n, enc, col);
	check_qp(text, n);
	char *z = malloc(n + 1);
	memcpy(z, text, n);
	z[n] = '\0';
	check_build(z);
	free(z);
	return 0;
}

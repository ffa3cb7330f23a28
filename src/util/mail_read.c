/* SPDX-License-Identifier: Apache-2.0 */
/* Reading messages back for people; see mail_read.h. A small, lenient
 * reader: header fields (unfolded, RFC 2047 words decoded) and the first
 * text/plain part of up to three levels of multipart, in quoted-printable,
 * base64 or as it stands. */
#include "util/mail_read.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/rc.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

#define FIELDS_MAX 200
#define DEPTH_MAX 3

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int mail_qp_decode(struct buf *out, const char *s, size_t n)
{
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (s[i] != '=') {
			rc = buf_addc(out, s[i]);
			continue;
		}
		/* a soft line break: '=', maybe trailing blanks, then CRLF or LF */
		size_t j = i + 1;
		while (j < n && (s[j] == ' ' || s[j] == '\t'))
			j++;
		if (j < n && (s[j] == '\r' || s[j] == '\n')) {
			i = (s[j] == '\r' && j + 1 < n && s[j + 1] == '\n') ? j + 1 : j;
			continue;
		}
		if (j == n) {
			i = j;
			continue;
		}
		int hi = i + 2 < n ? hexval(s[i + 1]) : -1, lo = hi >= 0 ? hexval(s[i + 2]) : -1;
		if (lo < 0) {
			rc = buf_addc(out, '=');
			continue;
		}
		rc = buf_addc(out, (char)(hi * 16 + lo));
		i += 2;
	}
	return rc;
}

static int base64_decode(struct buf *out, const char *s, size_t n)
{
	size_t cap = n / 4 * 3 + 3, len = 0;
	unsigned char *bin = xmalloc(cap);
	int rc = 0;
	if (sodium_base642bin(bin, cap, s, n, " \t\r\n", &len, NULL, sodium_base64_VARIANT_ORIGINAL))
		rc = buf_add(out, s, n); /* not base64 after all: show it as it is */
	else
		rc = buf_add(out, bin, len);
	free(bin);
	return rc;
}

/* One encoded-word "=?charset?enc?text?=" at s (n bytes left): its length
 * in *len and its decoded text appended to out; false (nothing appended)
 * when s does not start one brug can decode. */
static bool word_decode(struct buf *out, const char *s, size_t n, size_t *len)
{
	if (n < 8 || s[0] != '=' || s[1] != '?')
		return false;
	const char *q1 = memchr(s + 2, '?', n - 2);
	if (!q1 || (size_t)(q1 - s) + 3 >= n || q1[2] != '?')
		return false;
	size_t cn = (size_t)(q1 - (s + 2));
	if (!((cn == 5 && !strncasecmp(s + 2, "utf-8", 5)) ||
	      (cn == 8 && !strncasecmp(s + 2, "us-ascii", 8))))
		return false;
	char enc = q1[1];
	const char *t = q1 + 3, *end = s + n;
	const char *e = t;
	while (e + 1 < end && !(e[0] == '?' && e[1] == '='))
		e++;
	if (e + 1 >= end || memchr(t, ' ', (size_t)(e - t)))
		return false;
	struct buf w;
	buf_init(&w, 0);
	if (enc == 'Q' || enc == 'q') {
		for (const char *p = t; p < e; p++) {
			if (*p == '_')
				buf_addc(&w, ' ');
			else if (*p == '=' && p + 2 < e && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
				buf_addc(&w, (char)(hexval(p[1]) * 16 + hexval(p[2])));
				p += 2;
			} else
				buf_addc(&w, *p);
		}
	} else if (enc == 'B' || enc == 'b') {
		base64_decode(&w, t, (size_t)(e - t));
	} else {
		buf_cleanup(&w);
		return false;
	}
	buf_add(out, buf_str(&w), w.len);
	buf_cleanup(&w);
	*len = (size_t)(e + 2 - s);
	return true;
}

int mail_decode_header_words(struct buf *out, const char *s, size_t n)
{
	size_t i = 0, blank = 0; /* white space seen since the last word */
	bool after_word = false;
	while (i < n) {
		size_t wl = 0;
		if (s[i] == '=' && i + 1 < n && s[i + 1] == '?') {
			struct buf w;
			buf_init(&w, 0);
			if (word_decode(&w, s + i, n - i, &wl)) {
				/* white space between two encoded words is not text */
				if (!after_word && blank)
					buf_add(out, s + i - blank, blank);
				buf_add(out, buf_str(&w), w.len);
				buf_cleanup(&w);
				i += wl;
				blank = 0;
				after_word = true;
				continue;
			}
			buf_cleanup(&w);
		}
		if (s[i] == ' ' || s[i] == '\t') {
			blank++;
			i++;
			continue;
		}
		if (blank)
			buf_add(out, s + i - blank, blank);
		blank = 0;
		after_word = false;
		buf_addc(out, s[i++]);
	}
	if (blank && !after_word)
		buf_add(out, s + n - blank, blank);
	return out->failed ? BRUG_ETOOBIG : 0;
}

/* A copy of the n bytes at s as valid UTF-8: NUL and each byte that does
 * not start a well-formed character become U+FFFD. */
static char *utf8_copy(const char *s, size_t n)
{
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		if (i + k <= n && c && utf8_valid(s + i, k)) {
			buf_add(&b, s + i, k);
			i += k;
		} else {
			buf_adds(&b, "\xEF\xBF\xBD");
			i++;
		}
	}
	return buf_take(&b, NULL);
}

/* Where the header of msg ends (*hlen bytes) and its body starts (*body). */
static void split(const char *msg, size_t n, size_t *hlen, size_t *body)
{
	for (size_t i = 0; i < n; i++) {
		if (msg[i] != '\n')
			continue;
		size_t j = i + 1;
		if (j < n && msg[j] == '\r')
			j++;
		if (j < n && msg[j] == '\n') {
			*hlen = i + 1;
			*body = j + 1;
			return;
		} else if (j >= n) {
			break;
		}
	}
	*hlen = n;
	*body = n;
}

/* Calls fn for each field of the header h (hlen bytes), unfolded. */
static void each_field(const char *h, size_t hlen,
		       void (*fn)(void *arg, const char *name, size_t nl, const char *v, size_t vl),
		       void *arg)
{
	size_t i = 0;
	while (i < hlen) {
		size_t start = i;
		/* the field runs to the first line end not followed by white space */
		struct buf line;
		buf_init(&line, 0);
		while (i < hlen) {
			if (h[i] == '\r' || h[i] == '\n') {
				size_t j = i + (h[i] == '\r' && i + 1 < hlen && h[i + 1] == '\n' ? 2 : 1);
				i = j;
				if (j < hlen && (h[j] == ' ' || h[j] == '\t'))
					continue;
				break;
			}
			buf_addc(&line, h[i++]);
		}
		const char *l = buf_str(&line), *colon = memchr(l, ':', line.len);
		if (colon && colon > l && i > start) {
			const char *v = colon + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			fn(arg, l, (size_t)(colon - l), v, line.len - (size_t)(v - l));
		}
		buf_cleanup(&line);
	}
}

/* What the reader keeps of one part's header. */
struct part_head {
	struct mail_view *view; /* NULL: do not keep fields */
	char type[128];
	char boundary[128];
	char encoding[32];
};

/* The parameter name="value" (or name=value) of a Content-Type in v. */
static void param(const char *v, size_t vl, const char *name, char *out, size_t outn)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i + nl < vl; i++) {
		if (strncasecmp(v + i, name, nl) || v[i + nl] != '=' ||
		    (i && v[i - 1] != ';' && v[i - 1] != ' ' && v[i - 1] != '\t'))
			continue;
		const char *p = v + i + nl + 1, *end = v + vl;
		bool quoted = p < end && *p == '"';
		p += quoted;
		size_t k = 0;
		while (p < end && k + 1 < outn && (quoted ? *p != '"' : (*p != ';' && *p != ' ')))
			out[k++] = *p++;
		out[k] = '\0';
		return;
	}
}

static void copy_lower(char *out, size_t outn, const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < outn && s[i] != ';' && s[i] != ' '; i++)
		out[k++] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]);
	out[k] = '\0';
}

static void on_field(void *arg, const char *name, size_t nl, const char *v, size_t vl)
{
	struct part_head *p = arg;
	if (nl == 12 && !strncasecmp(name, "Content-Type", 12)) {
		copy_lower(p->type, sizeof(p->type), v, vl);
		param(v, vl, "boundary", p->boundary, sizeof(p->boundary));
	} else if (nl == 25 && !strncasecmp(name, "Content-Transfer-Encoding", 25)) {
		copy_lower(p->encoding, sizeof(p->encoding), v, vl);
	}
	struct mail_view *mv = p->view;
	if (!mv || mv->n >= FIELDS_MAX)
		return;
	struct buf b;
	buf_init(&b, 0);
	mail_decode_header_words(&b, v, vl);
	mv->fields = xrealloc(mv->fields, (mv->n + 1) * sizeof(*mv->fields));
	mv->fields[mv->n].name = utf8_copy(name, nl);
	mv->fields[mv->n].value = utf8_copy(buf_str(&b), b.len);
	mv->n++;
	buf_cleanup(&b);
}

/* The text of the part msg (n bytes), or NULL when it has none. */
static char *part_text(const char *msg, size_t n, struct mail_view *view, int depth)
{
	size_t hlen, body;
	split(msg, n, &hlen, &body);
	struct part_head h = {.view = view};
	each_field(msg, hlen, on_field, &h);
	const char *b = msg + body;
	size_t bn = n - body;
	if (!strncmp(h.type, "multipart/", 10) && h.boundary[0] && depth < DEPTH_MAX) {
		char delim[140];
		size_t dl = (size_t)snprintf(delim, sizeof(delim), "--%s", h.boundary);
		const char *p = memmem(b, bn, delim, dl);
		while (p) {
			const char *start = p + dl;
			if ((size_t)(b + bn - start) >= 2 && !memcmp(start, "--", 2))
				break; /* the closing delimiter */
			const char *nl = memchr(start, '\n', (size_t)(b + bn - start));
			if (!nl)
				break;
			start = nl + 1;
			const char *next = memmem(start, (size_t)(b + bn - start), delim, dl);
			size_t len = (size_t)((next ? next : b + bn) - start);
			/* the line end before the delimiter belongs to it */
			if (next && len && start[len - 1] == '\n')
				len--;
			if (next && len && start[len - 1] == '\r')
				len--;
			char *t = part_text(start, len, NULL, depth + 1);
			if (t)
				return t;
			p = next;
		}
		return NULL;
	}
	if (h.type[0] && strcmp(h.type, "text/plain"))
		return NULL;
	struct buf out;
	buf_init(&out, 0);
	if (!strcmp(h.encoding, "quoted-printable"))
		mail_qp_decode(&out, b, bn);
	else if (!strcmp(h.encoding, "base64"))
		base64_decode(&out, b, bn);
	else
		buf_add(&out, b, bn);
	/* for reading, CRLF is a line end like any other */
	struct buf lf;
	buf_init(&lf, 0);
	for (size_t i = 0; i < out.len; i++)
		if (!(out.p[i] == '\r' && i + 1 < out.len && out.p[i + 1] == '\n'))
			buf_addc(&lf, out.p[i]);
	char *text = utf8_copy(buf_str(&lf), lf.len);
	buf_cleanup(&lf);
	buf_cleanup(&out);
	return text;
}

void mail_read(const char *msg, size_t n, struct mail_view *out)
{
	memset(out, 0, sizeof(*out));
	out->text = part_text(msg ? msg : "", msg ? n : 0, out, 0);
	if (!out->text)
		out->text = xstrdup("");
}

void mail_view_cleanup(struct mail_view *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		free(v->fields[i].name);
		free(v->fields[i].value);
	}
	free(v->fields);
	free(v->text);
	memset(v, 0, sizeof(*v));
}

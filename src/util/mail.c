/* SPDX-License-Identifier: Apache-2.0 */
/* Email messages as bytes; see mail.h. This file owns the checks on every
 * header input, RFC 2047 encoded-words, header folding, quoted-printable and
 * the layout of the message. It sends nothing and reads no clock: the caller
 * gives the date, and the only outside call is libsodium for the random
 * Message-ID. A header value is written as plain text only when that is
 * unambiguous (printable ASCII, no "=?", short words); anything else becomes
 * encoded-words, which cannot carry a line break or an address. */
#include "util/mail.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/rc.h"
#include "util/buf.h"
#include "util/utf8.h"

#define KEY_BAD   "error.bad_request"
#define KEY_EMAIL "error.email"
#define KEY_LONG  "error.too_long"

/* "=?utf-8?q?" and "?=" around the encoded text */
#define EW_OVERHEAD 12
/* longest word written as plain text (and so unfolded) */
#define PLAIN_WORD_MAX 60
#define XNAME_MAX      64
/* 9999-12-31T23:59:59.999Z */
#define DATE_MS_MAX INT64_C(253402300799999)

/* ---- addresses ---- */

static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* RFC 5322 atext */
static bool is_atext(unsigned char c)
{
	return is_alnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* A host name of two or more labels, n bytes at d. */
static bool domain_ok(const char *d, size_t n)
{
	if (n == 0 || n > MAIL_DOMAIN_MAX)
		return false;
	size_t label = 0, labels = 0;
	for (size_t i = 0; i <= n; i++) {
		unsigned char c = i < n ? (unsigned char)d[i] : '.';
		if (c == '.') {
			if (label == 0 || d[i - 1] == '-')
				return false;
			labels++;
			label = 0;
		} else if (is_alnum(c) || (c == '-' && label > 0)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return labels >= 2;
}

bool mail_address_ok(const char *addr)
{
	if (!addr)
		return false;
	size_t n = strnlen(addr, MAIL_ADDR_MAX + 1);
	const char *at = memchr(addr, '@', n);
	if (n > MAIL_ADDR_MAX || !at)
		return false;
	size_t ln = (size_t)(at - addr);
	if (ln == 0 || ln > MAIL_LOCAL_MAX || addr[0] == '.' || addr[ln - 1] == '.')
		return false;
	for (size_t i = 0; i < ln; i++) {
		unsigned char c = (unsigned char)addr[i];
		if (!(is_atext(c) || (c == '.' && addr[i + 1] != '.')))
			return false;
	}
	return domain_ok(at + 1, n - ln - 1);
}

/* ---- checks on header text ---- */

/* Valid UTF-8 of at most max bytes, no NUL, no C0 control (tab, CR and LF
 * included), no DEL; and, with no_angle, no '<' or '>'. */
static int text_check(const char *s, size_t max, bool no_angle, const char *field,
                      struct brug_err *err)
{
	size_t n = strnlen(s, max + 1);
	if (n > max)
		return brug_failf(err, BRUG_EINVAL, KEY_LONG, field, "%s: longer than %zu bytes",
		                  field, max);
	if (!utf8_valid(s, n))
		return brug_failf(err, BRUG_EINVAL, KEY_BAD, field, "%s: not valid UTF-8", field);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return brug_failf(err, BRUG_EINVAL, KEY_BAD, field,
			                  "%s: control character 0x%02X at byte %zu", field, c, i);
		if (no_angle && (c == '<' || c == '>'))
			return brug_failf(err, BRUG_EINVAL, KEY_BAD, field, "%s: '%c' at byte %zu",
			                  field, c, i);
	}
	return 0;
}

const char *mail_display_name(const char *name)
{
	struct brug_err err = {0};
	return name && *name && !text_check(name, MAIL_NAME_MAX, true, "name", &err) ? name : NULL;
}

static int addr_check(const char *addr, const char *field, struct brug_err *err)
{
	if (!mail_address_ok(addr))
		return brug_failf(err, BRUG_EINVAL, KEY_EMAIL, field, "%s: not a valid address",
		                  field);
	return 0;
}

static bool empty(const char *s)
{
	return !s || !*s;
}

/* ---- encoded-words (RFC 2047) ---- */

/* Bytes Q writes as themselves: the set RFC 2047 5(3) allows in a phrase,
 * so the same word is safe in a display name and in a Subject. */
static bool q_plain(unsigned char c)
{
	return is_alnum(c) || c == '!' || c == '*' || c == '+' || c == '-' || c == '/';
}

static size_t q_cost(unsigned char c)
{
	return q_plain(c) || c == ' ' ? 1 : 3;
}

static size_t b_len(size_t bytes)
{
	return (bytes + 2) / 3 * 4;
}

/* Length of the UTF-8 character at s[i] (valid UTF-8 assumed). */
static size_t char_len(const char *s, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static int word_add(struct buf *out, const char *s, size_t n, bool q)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = buf_adds(out, q ? "=?utf-8?q?" : "=?utf-8?b?");
	if (q) {
		for (size_t i = 0; i < n && !rc; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c == ' ') {
				rc = buf_addc(out, '_');
			} else if (q_plain(c)) {
				rc = buf_addc(out, (char)c);
			} else {
				char e[3] = {'=', hex[c >> 4], hex[c & 15]};
				rc = buf_add(out, e, 3);
			}
		}
	} else if (!rc) {
		char b64[MAIL_WORD_MAX + 1];
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)s, n,
		                  sodium_base64_VARIANT_ORIGINAL);
		rc = buf_adds(out, b64);
	}
	if (!rc)
		rc = buf_adds(out, "?=");
	return rc;
}

/* How many bytes from s[i] fit in one word of at most room bytes, and how
 * long that word is. */
static size_t word_fit(const char *s, size_t i, size_t n, bool q, size_t room, size_t *wlen)
{
	size_t j = i, len = 0;
	while (j < n) {
		size_t cl = char_len(s, j), next = len;
		if (q) {
			for (size_t k = 0; k < cl; k++)
				next += q_cost((unsigned char)s[j + k]);
		} else {
			next = b_len(j + cl - i);
		}
		if (EW_OVERHEAD + next > room)
			break;
		j += cl;
		len = next;
	}
	*wlen = EW_OVERHEAD + len;
	return j - i;
}

int mail_encode_header_word(struct buf *out, const char *s, size_t n, enum mail_word_enc enc,
                            size_t *col)
{
	if (!utf8_valid(s, n))
		return BRUG_EINVAL;
	bool q = enc == MAIL_WORD_Q;
	if (enc == MAIL_WORD_AUTO) {
		size_t ql = 0;
		for (size_t i = 0; i < n; i++)
			ql += q_cost((unsigned char)s[i]);
		q = ql <= b_len(n);
	}
	int rc = 0;
	size_t i = 0, c = *col;
	while (i < n && !rc) {
		size_t room = c < MAIL_LINE_MAX ? MAIL_LINE_MAX - c : 0, wlen;
		if (room > MAIL_WORD_MAX)
			room = MAIL_WORD_MAX;
		size_t take = word_fit(s, i, n, q, room, &wlen);
		/* a word that filled its line, or none fitting: the next goes on
		 * a new line (a fold; the space between words is not text) */
		if (take == 0 && c > 1) {
			rc = buf_adds(out, "\r\n ");
			c = 1;
			continue;
		}
		if (take == 0)
			return BRUG_EINTERNAL; /* cannot happen: a line holds 63 bytes */
		rc = word_add(out, s + i, take, q);
		c += wlen;
		i += take;
		if (i < n && !rc) {
			rc = buf_adds(out, "\r\n ");
			c = 1;
		}
	}
	if (!rc)
		*col = c;
	return rc;
}

/* ---- header values ---- */

/* True when s can go out as it is: printable ASCII words of chars that
 * atext_only allows, single spaces between them, no "=?" (a decoder would
 * take it for an encoded-word), and every word fits on a folded line. */
static bool plain_ok(const char *s, size_t col, bool atext_only)
{
	size_t w = 0;
	if (*s == ' ')
		return false;
	for (size_t i = 0;; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\0') {
			if (w == 0 && i > 0)
				return false; /* two spaces, or one at the end */
			if (w > PLAIN_WORD_MAX || (col + w > MAIL_LINE_MAX))
				return false;
			if (c == '\0')
				return true;
			col = 0;
			w = 0;
			continue;
		}
		if (c < 0x21 || c > 0x7e || (atext_only && !is_atext(c)) ||
		    (c == '=' && s[i + 1] == '?'))
			return false;
		w++;
	}
}

/* Appends words checked by plain_ok, folding before a word that would pass
 * MAIL_LINE_MAX. */
static int plain_add(struct buf *b, const char *s, size_t *col)
{
	int rc = 0;
	size_t c = *col;
	bool first = true;
	while (*s && !rc) {
		size_t w = strcspn(s, " ");
		if (!first) {
			bool fold = c + 1 + w > MAIL_LINE_MAX;
			rc = buf_adds(b, fold ? "\r\n " : " ");
			c = fold ? 1 : c + 1;
		}
		if (!rc)
			rc = buf_add(b, s, w);
		c += w;
		s += w + (s[w] == ' ');
		first = false;
	}
	*col = c;
	return rc;
}

/* Appends unstructured text (a Subject, an X- value). */
static int text_add(struct buf *b, const char *s, size_t *col)
{
	if (plain_ok(s, *col, false))
		return plain_add(b, s, col);
	return mail_encode_header_word(b, s, strlen(s), MAIL_WORD_AUTO, col);
}

/* Appends a display name: atoms as they are, other printable ASCII as a
 * quoted-string when it fits on the line, anything else as encoded-words. */
static int phrase_add(struct buf *b, const char *s, size_t *col)
{
	if (plain_ok(s, *col, true))
		return plain_add(b, s, col);
	size_t n = strlen(s), quoted = 2;
	bool ascii = strstr(s, "=?") == NULL;
	for (size_t i = 0; i < n && ascii; i++) {
		unsigned char c = (unsigned char)s[i];
		ascii = c >= 0x20 && c <= 0x7e;
		quoted += c == '"' || c == '\\' ? 2 : 1;
	}
	if (!ascii || *col + quoted > MAIL_LINE_MAX)
		return mail_encode_header_word(b, s, n, MAIL_WORD_AUTO, col);
	int rc = buf_addc(b, '"');
	for (size_t i = 0; i < n && !rc; i++) {
		if (s[i] == '"' || s[i] == '\\')
			rc = buf_addc(b, '\\');
		if (!rc)
			rc = buf_addc(b, s[i]);
	}
	if (!rc)
		rc = buf_addc(b, '"');
	*col += quoted;
	return rc;
}

/* Appends s, on a new line when it would pass MAIL_LINE_MAX there and fits
 * on a line of its own; sep goes before it on the same line ("" or ","),
 * a space or a fold after that. */
static int item_add(struct buf *b, const char *sep, const char *s, size_t *col)
{
	size_t n = strlen(s);
	*col += strlen(sep);
	int rc = buf_adds(b, sep);
	bool fold = *col + 1 + n > MAIL_LINE_MAX && 1 + n <= MAIL_LINE_MAX;
	if (!rc)
		rc = buf_adds(b, fold ? "\r\n " : " ");
	if (!rc)
		rc = buf_add(b, s, n);
	*col = (fold ? 1 : *col + 1) + n;
	return rc;
}

/* "Name: " */
static int name_add(struct buf *b, const char *name, size_t *col)
{
	*col = strlen(name) + 2;
	int rc = buf_adds(b, name);
	return rc ? rc : buf_adds(b, ": ");
}

static int mailbox_header(struct buf *b, const char *hname, const struct mail_addr *a)
{
	size_t col;
	int rc = name_add(b, hname, &col);
	if (rc)
		return rc;
	if (empty(a->name))
		return buf_printf(b, "%s\r\n", a->addr);
	rc = phrase_add(b, a->name, &col);
	char angle[MAIL_ADDR_MAX + 3];
	snprintf(angle, sizeof(angle), "<%s>", a->addr);
	if (!rc)
		rc = item_add(b, "", angle, &col);
	return rc ? rc : buf_adds(b, "\r\n");
}

static int text_header(struct buf *b, const char *hname, const char *value)
{
	size_t col;
	int rc = name_add(b, hname, &col);
	if (!rc)
		rc = text_add(b, value, &col);
	return rc ? rc : buf_adds(b, "\r\n");
}

/* ---- the date (RFC 5322 3.3) ---- */

/* Howard Hinnant's civil_from_days: days since 1970-01-01 to y, m, d. */
static void civil(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	days += 719468;
	int64_t era = days / 146097;
	unsigned doe = (unsigned)(days - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* ms is in [0, DATE_MS_MAX]. */
static int date_header(struct buf *b, int64_t ms)
{
	static const char *const wday[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int64_t days = ms / 86400000, y;
	unsigned s = (unsigned)(ms % 86400000 / 1000), m, d;
	civil(days, &y, &m, &d);
	return buf_printf(b, "Date: %s, %u %s %04d %02u:%02u:%02u +0000\r\n", wday[days % 7], d,
	                  mon[m - 1], (int)y, s / 3600, s / 60 % 60, s % 60);
}

/* ---- quoted-printable (RFC 2045 6.7) ---- */

/* True when s[i] ends the text or starts a line break. */
static bool at_eol(const char *s, size_t i, size_t n)
{
	return i >= n || s[i] == '\n' || (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n');
}

int mail_qp_encode(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = 0;
	size_t col = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n' || (c == '\r' && i + 1 < n && s[i + 1] == '\n')) {
			i += c == '\r';
			rc = buf_adds(out, "\r\n");
			col = 0;
			continue;
		}
		bool lit = (c >= 33 && c <= 126 && c != '=') ||
		           ((c == ' ' || c == '\t') && !at_eol(s, i + 1, n));
		/* room for the token and a soft break's '=' */
		if (col + (lit ? 1 : 3) > MAIL_QP_LINE_MAX - 1) {
			rc = buf_adds(out, "=\r\n");
			col = 0;
		}
		/* a line that starts with '.' would need dot-stuffing in SMTP */
		if (c == '.' && col == 0)
			lit = false;
		if (rc)
			break;
		if (lit) {
			rc = buf_addc(out, (char)c);
			col++;
		} else {
			char e[3] = {'=', hex[c >> 4], hex[c & 15]};
			rc = buf_add(out, e, 3);
			col += 3;
		}
	}
	return rc;
}

/* ---- the message ---- */

static int extra_check(const struct mail_header *h, struct brug_err *err)
{
	size_t n = h->name ? strnlen(h->name, XNAME_MAX + 1) : 0;
	bool ok = n > 2 && n <= XNAME_MAX && (h->name[0] == 'X' || h->name[0] == 'x') &&
	          h->name[1] == '-';
	for (size_t i = 2; i < n && ok; i++)
		ok = is_alnum((unsigned char)h->name[i]) || h->name[i] == '-';
	if (!ok)
		return brug_failf(err, BRUG_EINVAL, KEY_BAD, "headers",
		                  "header name must be X- and letters, digits or '-'");
	if (!h->value)
		return brug_failf(err, BRUG_EINVAL, KEY_BAD, "headers", "header without value");
	return text_check(h->value, MAIL_TEXT_MAX, false, "headers", err);
}

static int url_check(const char *u, struct brug_err *err)
{
	size_t n = strnlen(u, MAIL_URL_MAX + 1);
	if (n > MAIL_URL_MAX)
		return brug_failf(err, BRUG_EINVAL, KEY_LONG, "unsub_url", "URL too long");
	if (strncmp(u, "https://", 8) != 0 || n == 8)
		return brug_failf(err, BRUG_EINVAL, KEY_BAD, "unsub_url",
		                  "unsub_url: must be an https: URL");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)u[i];
		if (c < 0x21 || c > 0x7e || c == '<' || c == '>' || c == '"' || c == ',')
			return brug_failf(err, BRUG_EINVAL, KEY_BAD, "unsub_url",
			                  "unsub_url: byte 0x%02X at %zu not allowed", c, i);
	}
	return 0;
}

static int token_check(const char *t, struct brug_err *err)
{
	size_t n = strnlen(t, MAIL_TOKEN_MAX + 1);
	bool ok = n >= 1 && n <= MAIL_TOKEN_MAX;
	for (size_t i = 0; i < n && ok; i++)
		ok = is_alnum((unsigned char)t[i]) || t[i] == '-' || t[i] == '_';
	if (!ok)
		return brug_failf(err, BRUG_EINVAL, KEY_BAD, "msgid_token",
		                  "msgid_token: 1-%d letters, digits, '-' or '_'", MAIL_TOKEN_MAX);
	return 0;
}

static int name_check(const struct mail_addr *a, const char *field, struct brug_err *err)
{
	return a->name ? text_check(a->name, MAIL_NAME_MAX, true, field, err) : 0;
}

static int body_check(const char *s, const char *field, struct brug_err *err)
{
	if (!utf8_valid(s, strlen(s)))
		return brug_failf(err, BRUG_EINVAL, KEY_BAD, field, "%s: not valid UTF-8", field);
	return 0;
}

/* Every input, before anything is written. */
static int msg_check(const struct mail_msg *m, struct brug_err *err)
{
	int rc = addr_check(m->from.addr, "from", err);
	if (!rc)
		rc = name_check(&m->from, "from_name", err);
	if (!rc)
		rc = addr_check(m->to.addr, "to", err);
	if (!rc)
		rc = name_check(&m->to, "to_name", err);
	if (!rc && !empty(m->reply_to.addr))
		rc = addr_check(m->reply_to.addr, "reply_to", err);
	if (!rc)
		rc = name_check(&m->reply_to, "reply_to_name", err);
	if (!rc && m->subject)
		rc = text_check(m->subject, MAIL_TEXT_MAX, false, "subject", err);
	if (!rc && !m->text)
		rc = brug_failf(err, BRUG_EINVAL, KEY_BAD, "text", "text: missing");
	if (!rc)
		rc = body_check(m->text, "text", err);
	if (!rc && m->html)
		rc = body_check(m->html, "html", err);
	if (!rc && (m->date_ms < 0 || m->date_ms > DATE_MS_MAX))
		rc = brug_failf(err, BRUG_EINVAL, KEY_BAD, "date", "date: outside 1970-9999");
	if (!rc && (!m->msgid_domain || !domain_ok(m->msgid_domain, strlen(m->msgid_domain))))
		rc = brug_failf(err, BRUG_EINVAL, KEY_BAD, "msgid_domain",
		                "msgid_domain: not a host name");
	if (!rc && m->msgid_token)
		rc = token_check(m->msgid_token, err);
	if (!rc && !empty(m->unsub_url))
		rc = url_check(m->unsub_url, err);
	if (!rc && !empty(m->unsub_mailto))
		rc = addr_check(m->unsub_mailto, "unsub_mailto", err);
	if (!rc && m->n_extra > MAIL_EXTRA_MAX)
		rc = brug_failf(err, BRUG_EINVAL, KEY_BAD, "headers", "more than %d extra headers",
		                MAIL_EXTRA_MAX);
	for (size_t i = 0; i < m->n_extra && !rc; i++)
		rc = extra_check(&m->extra[i], err);
	return rc;
}

static int unsub_headers(struct buf *b, const struct mail_msg *m)
{
	bool url = !empty(m->unsub_url), mailto = !empty(m->unsub_mailto);
	if (!url && !mailto)
		return 0;
	size_t col = strlen("List-Unsubscribe:");
	int rc = buf_adds(b, "List-Unsubscribe:");
	char item[MAIL_URL_MAX + 3];
	if (!rc && url) {
		snprintf(item, sizeof(item), "<%s>", m->unsub_url);
		rc = item_add(b, "", item, &col);
	}
	if (!rc && mailto) {
		snprintf(item, sizeof(item), "<mailto:%s>", m->unsub_mailto);
		rc = item_add(b, url ? "," : "", item, &col);
	}
	if (!rc)
		rc = buf_adds(b, "\r\n");
	if (!rc && url)
		rc = buf_adds(b, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
	return rc;
}

static int headers(struct buf *b, const struct mail_msg *m, const char *token)
{
	int rc = date_header(b, m->date_ms);
	if (!rc)
		rc = mailbox_header(b, "From", &m->from);
	if (!rc && !empty(m->reply_to.addr))
		rc = mailbox_header(b, "Reply-To", &m->reply_to);
	if (!rc)
		rc = mailbox_header(b, "To", &m->to);
	if (!rc)
		rc = text_header(b, "Subject", m->subject ? m->subject : "");
	if (!rc)
		rc = buf_printf(b, "Message-ID: <%s@%s>\r\nMIME-Version: 1.0\r\n", token,
		                m->msgid_domain);
	if (!rc)
		rc = unsub_headers(b, m);
	for (size_t i = 0; i < m->n_extra && !rc; i++)
		rc = text_header(b, m->extra[i].name, m->extra[i].value);
	return rc;
}

static int part(struct buf *b, const char *type, const char *body, bool last_soft)
{
	int rc = buf_printf(b,
	                    "Content-Type: text/%s; charset=utf-8\r\n"
	                    "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
	                    type);
	size_t n = strlen(body);
	if (!rc)
		rc = mail_qp_encode(b, body, n);
	/* the message must end in CRLF; a soft break adds none to the text */
	if (!rc && last_soft && n && body[n - 1] != '\n')
		rc = buf_adds(b, "=\r\n");
	return rc;
}

static int body(struct buf *b, const struct mail_msg *m, const char *token)
{
	if (empty(m->html))
		return part(b, "plain", m->text, true);
	/* QP never writes "=_", so no encoded line can be a delimiter */
	int rc = buf_printf(b,
	                    "Content-Type: multipart/alternative;\r\n"
	                    " boundary=\"=_brug_%s\"\r\n\r\n--=_brug_%s\r\n",
	                    token, token);
	if (!rc)
		rc = part(b, "plain", m->text, false);
	if (!rc)
		rc = buf_printf(b, "\r\n--=_brug_%s\r\n", token);
	if (!rc)
		rc = part(b, "html", m->html, false);
	if (!rc)
		rc = buf_printf(b, "\r\n--=_brug_%s--\r\n", token);
	return rc;
}

int mail_build(const struct mail_msg *m, struct buf *out, struct brug_err *err)
{
	char token[MAIL_TOKEN_MAX + 1];
	struct buf b;
	buf_init(&b, out->max > out->len ? out->max - out->len : 1);
	int rc = msg_check(m, err);
	if (rc)
		goto out;
	if (m->msgid_token) {
		snprintf(token, sizeof(token), "%s", m->msgid_token);
	} else {
		unsigned char rnd[16];
		if (sodium_init() < 0) {
			rc = brug_failf(err, BRUG_EINTERNAL, NULL, NULL,
			                "libsodium failed to start");
			goto out;
		}
		randombytes_buf(rnd, sizeof(rnd));
		sodium_bin2hex(token, sizeof(token), rnd, sizeof(rnd));
	}
	rc = headers(&b, m, token);
	if (!rc)
		rc = body(&b, m, token);
	if (!rc)
		rc = buf_add(out, b.p, b.len);
	if (rc == BRUG_ETOOBIG)
		rc = brug_failf(err, rc, KEY_LONG, NULL, "message over %zu bytes", out->max);
	else if (rc)
		rc = brug_failf(err, rc, NULL, NULL, "message not built");
out:
	buf_cleanup(&b);
	return rc;
}

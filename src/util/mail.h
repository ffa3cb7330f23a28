/* SPDX-License-Identifier: Apache-2.0 */
/* Email messages as bytes (RFC 5322, MIME: RFC 2045-2047, RFC 2369/8058):
 * the header with encoded words and folding, a text part and an optional
 * HTML part in quoted-printable. This module only builds messages; sending
 * them (libcurl SMTP) and choosing what to say belong to the caller. Every
 * value that reaches a header is checked here, so no input can add a header
 * or a recipient. Thread-safe (no shared state; randomness from libsodium). */
#ifndef BRUG_UTIL_MAIL_H
#define BRUG_UTIL_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct brug_err;
struct buf;

#define MAIL_LINE_MAX    78  /* header lines are folded to this (RFC 5322 2.1.1) */
#define MAIL_QP_LINE_MAX 76  /* quoted-printable lines (RFC 2045 6.7) */
#define MAIL_WORD_MAX    75  /* one encoded-word (RFC 2047 2) */
#define MAIL_ADDR_MAX    254 /* a whole address (RFC 5321 4.5.3.1.3, errata) */
#define MAIL_LOCAL_MAX   64  /* the part before '@' */
#define MAIL_DOMAIN_MAX  255 /* the part after '@' */
#define MAIL_NAME_MAX    256 /* bytes of a display name */
#define MAIL_TEXT_MAX    998 /* bytes of the subject and of an extra header's value */
#define MAIL_URL_MAX     900 /* bytes of the List-Unsubscribe URL */
#define MAIL_TOKEN_MAX   48  /* bytes of the Message-ID's random part */
#define MAIL_EXTRA_MAX   8   /* extra X- headers */

/* A mailbox: addr as mail_address_ok accepts it; name (UTF-8, no control
 * characters, no '<' or '>') is optional: NULL or "" for none. */
struct mail_addr {
	const char *addr;
	const char *name;
};

/* An extra header: name is "X-" followed by letters, digits and '-' (at
 * most 64 bytes in all); value is UTF-8 text like a subject. */
struct mail_header {
	const char *name;
	const char *value;
};

/* What a message says. Strings are borrowed for the call only. */
struct mail_msg {
	struct mail_addr from;
	struct mail_addr to;
	struct mail_addr reply_to; /* reply_to.addr NULL or "": no Reply-To */
	const char *subject;       /* UTF-8, no control characters; NULL is "" */
	const char *text;          /* the text/plain body, UTF-8; required */
	const char *html;          /* the text/html body, UTF-8; NULL or "": text only */
	int64_t date_ms;           /* the Date header, UTC Unix ms, years 1970-9999 */
	const char *msgid_domain;  /* the Message-ID's right side, a host name */
	/* The Message-ID's left side, also the MIME boundary's tail: 1 to
	 * MAIL_TOKEN_MAX letters, digits, '-' or '_'. NULL: 32 random hex
	 * digits from libsodium (tests pass a fixed one). */
	const char *msgid_token;
	/* List-Unsubscribe (RFC 2369): an https: URL (then also
	 * List-Unsubscribe-Post: List-Unsubscribe=One-Click, RFC 8058) and/or
	 * a mailto: address; both NULL or "": no such header. The URL must be
	 * printable ASCII without spaces, '<', '>', '"' or ','. */
	const char *unsub_url;
	const char *unsub_mailto;
	const struct mail_header *extra; /* n_extra X- headers, after ours */
	size_t n_extra;
};

/* How mail_encode_header_word writes its words. */
enum mail_word_enc {
	MAIL_WORD_AUTO, /* Q or B, whichever is shorter for the whole text */
	MAIL_WORD_Q,
	MAIL_WORD_B,
};

/* True when addr is an address brug sends to: local@domain, the local part
 * a dot-atom (RFC 5322 atext and single inner dots; no quoted local parts)
 * of 1-64 bytes, the domain a host name of two or more labels (letters,
 * digits, inner '-', 1-63 bytes each; ASCII only, so IDNs in their
 * xn-- form) of at most 255 bytes, the whole at most 254 bytes. No spaces,
 * controls, '<', '>' or anything else that could leave a header. NULL is
 * false. Thread-safe. */
bool mail_address_ok(const char *addr);
/* name when it can be a mailbox's display name (see struct mail_addr),
 * else NULL: a person's name may hold '<' or '>', and the mail then goes
 * to the bare address rather than not at all. */
const char *mail_display_name(const char *name);

/* Appends the n bytes of UTF-8 at s to out as RFC 2047 encoded-words
 * (charset utf-8) that are safe in any header, display names included:
 * each at most MAIL_WORD_MAX bytes and holding whole UTF-8 characters,
 * separated by folds (CRLF and a space), so that no line passes
 * MAIL_LINE_MAX. *col is the column where the first word starts (bytes
 * already on the current line); on return, the column after the last word.
 * Nothing is appended for n == 0. BRUG_EINVAL when s is not valid UTF-8 or
 * holds NUL, BRUG_ETOOBIG when out is full (out is then failed, see buf.h).
 * Thread-safe. */
int mail_encode_header_word(struct buf *out, const char *s, size_t n, enum mail_word_enc enc,
                            size_t *col);

/* Appends the n bytes at s (any bytes) to out in quoted-printable (RFC 2045
 * 6.7): LF and CRLF become CRLF line breaks; '=', controls, bytes above
 * 0x7E, a lone CR, a space or tab before a line break or at the end, and a
 * '.' that starts a line are written as =XX; lines longer than
 * MAIL_QP_LINE_MAX are broken with soft breaks ("=" CRLF). The output never
 * holds "=_" (so a boundary starting with it cannot occur) and has no CR or
 * LF but in CRLF pairs. 0, or BRUG_ETOOBIG when out is full. Thread-safe. */
int mail_qp_encode(struct buf *out, const char *s, size_t n);

/* Appends the message m to out: CRLF line endings, the headers Date, From,
 * Reply-To, To, Subject, Message-ID, MIME-Version, List-Unsubscribe(-Post),
 * the extra X- headers, then a text/plain part or, with html, a
 * multipart/alternative of text/plain and text/html, all utf-8 and
 * quoted-printable. Header lines are at most MAIL_LINE_MAX bytes except
 * where one unbreakable item (an address, the Message-ID, a URL) is longer.
 * On failure out is left as it was and err (may be NULL) says which field
 * is wrong: BRUG_EINVAL for a bad or too long input (an address, a CR, LF,
 * NUL or other control, '<' or '>' where it could start an address, invalid
 * UTF-8), BRUG_ETOOBIG when out's cap is passed, BRUG_EINTERNAL when
 * libsodium cannot start. Thread-safe. */
int mail_build(const struct mail_msg *m, struct buf *out, struct brug_err *err);

#endif

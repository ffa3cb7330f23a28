/* SPDX-License-Identifier: Apache-2.0 */
/* Reading a message back for people (the outbox page): its header fields
 * unfolded with their encoded words decoded, and its text part decoded.
 * Made for the messages util/mail.c builds, lenient with anything else:
 * it never fails and never passes the input's end; what it cannot decode
 * it shows as it stands. Thread-safe (no shared state). */
#ifndef BRUG_UTIL_MAIL_READ_H
#define BRUG_UTIL_MAIL_READ_H

#include <stddef.h>

struct buf;

struct mail_field {
	char *name;  /* as written ("Subject") */
	char *value; /* unfolded, encoded words (utf-8, us-ascii) decoded */
};

/* A message read back; every string is valid UTF-8 (a byte that is not
 * becomes U+FFFD) and owned by the view. */
struct mail_view {
	struct mail_field *fields;
	size_t n;
	char *text; /* the first text/plain part (or the single-part body), decoded */
};

/* Reads the n bytes of msg (CRLF or LF line ends) into out, which the
 * caller frees with mail_view_cleanup. At most 200 fields are kept. */
void mail_read(const char *msg, size_t n, struct mail_view *out);
void mail_view_cleanup(struct mail_view *v);

/* Appends the n bytes of quoted-printable at s to out, decoded (soft line
 * breaks removed; a malformed '=' stays as it is). 0, or BRUG_ETOOBIG when
 * out is full. */
int mail_qp_decode(struct buf *out, const char *s, size_t n);
/* Appends the header value s (n bytes) to out with its RFC 2047 encoded
 * words in utf-8 or us-ascii decoded (white space between two of them
 * dropped); others stay as written. 0, or BRUG_ETOOBIG. */
int mail_decode_header_words(struct buf *out, const char *s, size_t n);

#endif

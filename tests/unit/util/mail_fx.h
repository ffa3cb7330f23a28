/* SPDX-License-Identifier: Apache-2.0 */
/* What test_mail.c shares with its --write mode: sample messages, and what
 * it uses to read messages back: a decoder for quoted-printable,
 * encoded-words and folded headers, and a check of line lengths and
 * endings. Each helper fails the running cmocka test when the input breaks
 * the rules; results are freed by the caller. */
#ifndef BRUG_TEST_MAIL_FX_H
#define BRUG_TEST_MAIL_FX_H

#include <stddef.h>
#include <stdint.h>

#include "util/mail.h"

/* 2026-11-24T09:30:00Z, a Tuesday */
#define FX_DATE_MS INT64_C(1795512600000)

/* "Hoe tevreden bent u over ons gesprek van 12 maart? — 😀" */
extern const char fx_subject_nl[];
/* "Zoë Müller" */
extern const char fx_zoe[];

/* A small ASCII text-only message with a fixed Message-ID token. */
struct mail_msg fx_ascii_msg(void);
/* The same with an HTML part, Reply-To, List-Unsubscribe (URL and mailto)
 * and one X- header. */
struct mail_msg fx_full_msg(void);
/* Writes DIR/sampleN.eml and DIR/sampleN.json (subject, from_name,
 * from_addr, to_name, to_addr, text, html or null) for a few sample
 * messages; 0, or 1 after saying what failed on stderr. */
int fx_write_samples(const char *dir);

/* Quoted-printable to bytes, CRLF to LF; *len gets the length. */
char *fx_qp_decode(const char *s, size_t n, size_t *len);
/* The n bytes of an unfolded header value with its encoded-words decoded
 * (each must be at most 75 bytes and hold whole UTF-8 characters);
 * whitespace between two encoded-words is dropped. */
char *fx_words_decode(const char *s, size_t n);
/* The unfolded, undecoded value of header name in msg, or NULL. */
char *fx_header_get(const char *msg, const char *name);
/* A From or To value split into its decoded display name ("" for none)
 * and its address. */
void fx_mailbox_decode(const char *v, char **name, char **addr);
/* The decoded body of the text/<subtype> part (or of the only part). */
char *fx_body_decode(const char *msg, const char *subtype);
/* Every line ends in CRLF; header lines are at most 78 bytes, body lines at
 * most 76; only printable ASCII. */
void fx_check_lines(const char *msg);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Inside util/textfold: what textfold.c (folding, words, stems, terms,
 * queries) shares with textfold_scan.c (e-mail addresses and phone numbers
 * in folded text). Not for use outside these two files. */
#ifndef BRUG_UTIL_TEXTFOLD_IMPL_H
#define BRUG_UTIL_TEXTFOLD_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/textfold.h"

/* One term being built: at most TEXTFOLD_TERM_MAX bytes, NUL-terminated. */
struct tf_form {
	size_t n;
	char s[TEXTFOLD_TERM_MAX + 1];
};

/* Sets f to the n bytes at s, cut at a UTF-8 boundary to fit. */
void tf_form_set(struct tf_form *f, const char *s, size_t n);
/* Appends s (n bytes) to forms[*k] unless an equal form is there already
 * or *k is TEXTFOLD_ALTS_MAX; empty strings are skipped. */
void tf_forms_add(struct tf_form *forms, size_t *k, const char *s, size_t n);
/* The length of the longest prefix of the n bytes of UTF-8 at s that is at
 * most TEXTFOLD_TERM_MAX bytes and ends at a code point boundary. */
size_t tf_cut_len(const char *s, size_t n);

/* The code point starting at byte i of folded (well-formed) text f of len
 * bytes; *next gets the byte after it. */
int32_t tf_cp_at(const char *f, size_t len, size_t i, size_t *next);
/* True for a letter or digit (Unicode categories L and N). */
bool tf_is_word_cp(int32_t cp);
/* True when the code point ending just before byte i is a letter or digit. */
bool tf_word_before(const char *f, size_t i);

/* An e-mail address in folded text: bytes [s, e). */
struct tf_email {
	size_t s, e;
};

/* The address around the '@' at byte at of f (len bytes), without dots
 * and hyphens at its end. complete: the rules of textfold_terms (a dot
 * inside the domain). Otherwise the address being typed at the end of a
 * query: the domain runs to the end of f and may be empty. False when there
 * is no address. */
bool tf_email_at(const char *f, size_t len, size_t at, bool complete, struct tf_email *out);

/* A phone number in folded text. */
#define TF_PHONE_DIGITS 20
struct tf_phone {
	size_t s, e; /* bytes [s, e), from the start to the last digit */
	bool plus;   /* written with a leading "+" */
	bool at_end; /* only separators follow it to the end of the text */
	size_t nd;
	char d[TF_PHONE_DIGITS + 1]; /* the digits as written, less a "(0)" */
};

enum tf_phone_scan {
	TF_PHONE_NONE,
	TF_PHONE_COMPLETE, /* a whole number (textfold_terms' rules) */
	TF_PHONE_RUN,      /* digit groups that start like a number but are not
			      one (yet): "0800 1234", "06 12" */
};

/* Reads a phone number starting at byte p of f (len bytes); out->e is
 * where it ends, also for a run. No complete number starts inside a run,
 * so a scan may go on after either. */
enum tf_phone_scan tf_phone_scan(const char *f, size_t len, size_t p, struct tf_phone *out);
/* The terms of a number: for a complete one its international digits and,
 * when Dutch, its national form; for a prefix also the digits as written,
 * and the Dutch forms cut at nine digits after 31. Returns how many. */
size_t tf_phone_forms(const struct tf_phone *ph, bool prefix, struct tf_form *forms);

#endif

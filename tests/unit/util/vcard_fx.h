/* SPDX-License-Identifier: Apache-2.0 */
/* What the vCard tests (test_vcard.c, test_vcard_write.c) share: samples
 * in the shapes Google, Outlook, Apple, Android and Thunderbird export,
 * and checks that fail the running cmocka test. Every parse helper also
 * checks the promises of vcard.h on the whole result (valid UTF-8, no NUL
 * or control characters, trimmed, a name on every card, printable
 * errors). */
#ifndef BRUG_TEST_VCARD_FX_H
#define BRUG_TEST_VCARD_FX_H

#include <stddef.h>

#include "util/vcard.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

extern const char fx_google_30[];
extern const char fx_outlook_21[];
extern const char fx_apple_30[];
extern const char fx_android_21[];
extern const char fx_thunderbird_40[];

/* Parses (must return 0) and checks the result; the caller frees it. */
struct vcard_list *fx_parse_len(const char *s, size_t n);
struct vcard_list *fx_parse(const char *s);
/* Parses s, which must give exactly one card and no errors. */
struct vcard_list *fx_parse_one(const char *s);
void fx_show_errors(const struct vcard_list *l);
/* Error i is on line, for card, dropped or not, and its reason holds part. */
void fx_assert_error(const struct vcard_list *l, size_t i, size_t line, size_t card,
		     bool dropped, const char *part);
/* Equal strings, or both NULL. */
void fx_assert_str(const char *got, const char *want);
void fx_assert_contact(const struct vcard_contact *c, const char *value, unsigned types,
		       int pref, const char *label);
/* An address without PO box and extended part. */
void fx_assert_adr(const struct vcard_adr *a, const char *street, const char *locality,
		   const char *region, const char *code, const char *country);
/* Every field but version and name_source. */
void fx_assert_same_card(const struct vcard *a, const struct vcard *b);
/* c written as 4.0 (must succeed); the caller frees. */
char *fx_write_card(const struct vcard *c);
/* Writes every card of l and reads it back: one card, no errors, the same
 * fields, and the same bytes when written again. */
void fx_assert_round_trip(const struct vcard_list *l);
/* head, n copies of rep, tail; the caller frees. */
char *fx_repeat(const char *head, const char *rep, size_t n, const char *tail, size_t *len);

#endif

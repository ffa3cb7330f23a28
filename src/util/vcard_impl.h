/* SPDX-License-Identifier: Apache-2.0 */
/* Private to src/util/vcard*.c: what the line reader (vcard.c), the
 * property reader (vcard_prop.c) and the writer (vcard_write.c) share.
 * All functions work on memory the caller owns, so they are thread-safe. */
#ifndef BRUG_UTIL_VCARD_IMPL_H
#define BRUG_UTIL_VCARD_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/vcard.h"

/* One unfolded content line, split: [group.]name[;params]:value. The
 * pointers point into the line. */
struct vcard_head {
	const char *group, *name, *params, *value;
	size_t group_len, name_len, params_len, value_len;
};

/* What the parameters of one property say, as far as the reader cares.
 * The pointers point into the line. */
enum vcard_enc { VCARD_ENC_NONE, VCARD_ENC_QP, VCARD_ENC_B, VCARD_ENC_OTHER };
enum vcard_vtype { VCARD_VT_DEFAULT, VCARD_VT_URI, VCARD_VT_TEXT, VCARD_VT_OTHER };

struct vcard_params {
	unsigned types; /* enum vcard_type bits */
	int pref;       /* PREF=n (1-100), else 1 for TYPE=pref, else 0 */
	enum vcard_enc enc;
	enum vcard_vtype vtype;
	const char *enc_name, *charset, *lang; /* NULL when not given */
	size_t enc_name_len, charset_len, lang_len;
	int omit_year; /* Apple's X-APPLE-OMIT-YEAR, or -1 */
};

/* Reads the params part of a head (see vcard_head_split) into p. */
void vcard_params_parse(const char *s, size_t n, struct vcard_params *p);

/* Decodes a value as p says (quoted-printable, then the charset) into
 * UTF-8 without NUL, still escaped. *res points at a or b, both of which
 * the caller owns (initialised bufs of at least 4 * VCARD_LINE_MAX).
 * Returns 0, or -1 with a reason (starting with "charset" or "encoding")
 * in why. */
int vcard_value_decode(const struct vcard_params *p, const char *v, size_t n, struct buf *a,
		       struct buf *b, const struct buf **res, char *why, size_t why_len);

/* The n bytes of UTF-8 at s as a field: escapes undone (\, \; \\ \n \N
 * \:), CRLF and CR made LF, other control characters but tab left out,
 * spaces, tabs and newlines trimmed. NULL when nothing is left; otherwise
 * the caller frees. */
char *vcard_text_clean(const char *s, size_t n);
/* Cuts s (from vcard_text_clean, or NULL) to at most max bytes without
 * splitting a character, trims the end again, sets *cut when it cut.
 * Returns s, or NULL (s freed) when nothing is left. */
char *vcard_text_fit(char *s, size_t max, bool *cut);

/* Steps through s at unescaped sep characters: each call gives the next
 * piece (still escaped); false after the last. */
struct vcard_split {
	const char *s;
	size_t n;
	bool done;
};
bool vcard_split_next(struct vcard_split *sp, char sep, const char **piece, size_t *len);

/* An EMAIL, TEL or ADR that sits in a group (Apple's item1.EMAIL): its
 * X-ABLabel is looked up when the card ends. */
enum vcard_kind { VCARD_KIND_EMAIL, VCARD_KIND_TEL, VCARD_KIND_ADR };

struct vcard_pending {
	char *group;
	enum vcard_kind kind;
	size_t index; /* in the card's emails, phones or adrs */
};

struct vcard_group_label {
	char *group, *label;
};

/* A card while its lines are read. */
struct vcard_build {
	struct vcard card;
	size_t card_no;    /* 1-based, for errors */
	size_t begin_line; /* where its BEGIN:VCARD is */
	size_t repeats;    /* properties counted against VCARD_PROPS_MAX */
	bool too_many;     /* passed VCARD_PROPS_MAX: dropped at the end */
	int lang_rank; /* how good card.lang is: lower wins */
	size_t list_budget[2]; /* VCARD_VALUE_MAX left for categories, nicknames */
	struct vcard_pending *pending;
	size_t n_pending;
	struct vcard_group_label *labels;
	size_t n_labels;
};

/* Splits the n bytes at s; false when they are not a content line. The
 * params are what follows the name's ';' up to the first ':' outside
 * double quotes (the first ':' at all when the quotes do not close). */
bool vcard_head_split(const char *s, size_t n, struct vcard_head *h);
/* True when name (n bytes, any case) is a property the reader uses, so its
 * lines must be kept; the rest are streamed past. */
bool vcard_name_used(const char *name, size_t n);
/* True when the name (n bytes) is a, in any case (a is upper case). */
bool vcard_name_is(const char *name, size_t n, const char *a);

/* Records an error in list (printf-style; anything but printable ASCII in
 * the result becomes '?'), or only counts it past VCARD_ERRORS_MAX. */
void vcard_error_add(struct vcard_list *list, size_t line, size_t card, bool dropped,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Starts b for the card_no-th card, begun on line begin_line. */
void vcard_build_init(struct vcard_build *b, size_t card_no, size_t begin_line);
/* Reads one unfolded property (h from vcard_head_split on a line that
 * starts on line) into b; problems go to list. */
void vcard_build_add(struct vcard_build *b, const struct vcard_head *h, size_t line,
		     struct vcard_list *list);
/* At END:VCARD: attaches labels and names the card. False, with an error in
 * list, when the card is to be dropped; b's card is then left for
 * vcard_build_cleanup. On true the caller takes b->card. */
bool vcard_build_finish(struct vcard_build *b, size_t end_line, struct vcard_list *list);
/* Frees what b holds but its card, which the caller took or frees. */
void vcard_build_cleanup(struct vcard_build *b);

/* The normal forms the reader produces and the writer checks. */
bool vcard_is_uuid(const char *s, size_t n);
bool vcard_lang_valid(const char *s, size_t n);
/* KIND's value: 1 to 63 letters, digits and hyphens. */
bool vcard_kind_valid(const char *s, size_t n);
/* BDAY's value in the form of struct vcard's bday, or NULL when it is not
 * a date; omit_year (or -1) is a year that stands for "unknown". The
 * caller frees. */
char *vcard_bday_normal(const char *s, int omit_year);
/* "YYYY-MM-DD" or "--MM-DD" with a real month and day. */
bool vcard_bday_valid(const char *s);
/* REV's value in the form of struct vcard's rev, or NULL. Caller frees. */
char *vcard_rev_normal(const char *s);
/* "YYYYMMDDTHHMMSS" with an optional "Z", "+HHMM" or "-HHMM". */
bool vcard_rev_valid(const char *s);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Text to search terms, the same on every database backend: folds text to a
 * case- and accent-insensitive form (utf8proc), cuts it into words, adds the
 * Dutch and English stems (libstemmer), whole e-mail addresses and phone
 * numbers, and parses what a user types in a search box into terms to look
 * up. It knows nothing of SQL: callers store the terms in an ordinary table
 * and compare them in byte order (COLLATE "C" on PostgreSQL). */
#ifndef BRUG_UTIL_TEXTFOLD_H
#define BRUG_UTIL_TEXTFOLD_H

#include <stdbool.h>
#include <stddef.h>

struct brug_err;

/* Longest term, in bytes: longer words are cut at a UTF-8 boundary at or
 * below this, on both sides alike, so a cut word still finds itself. */
#define TEXTFOLD_TERM_MAX 64
/* Most distinct terms kept for one text; the rest are dropped. */
#define TEXTFOLD_TERMS_MAX 2000
/* Most bytes of a text that are read, and of its folded form. */
#define TEXTFOLD_TEXT_MAX (256 * 1024)
/* Longest query, in bytes, and most groups (words) in one. */
#define TEXTFOLD_QUERY_MAX        500
#define TEXTFOLD_QUERY_GROUPS_MAX 12
/* Most alternatives in one query group. */
#define TEXTFOLD_ALTS_MAX 3

/* The folded form of the n bytes at s (s may be NULL when n is 0): each code
 * point is casefolded and decomposed with its compatibility decomposition
 * (NFKD), then marks (Mn, Mc, Me) and default-ignorable code points (soft
 * hyphen, zero-width joiners) are dropped, so "Zoë", "ZOE" and "zoe" all
 * give "zoe", "Müller" "muller", "ß" and "ẞ" "ss", "ĳ" "ij", "ﬁ" "fi",
 * fullwidth "Ｚｏｅ" "zoe", "①" "1", a no-break space " ". A few Latin
 * letters that have no decomposition are then spelled in ASCII: æ ae, œ oe,
 * ø o, ł l, đ d, ð d, þ th, ı i, ħ h, ŧ t (NFKD leaves "Œ" as "œ").
 * Greek, Cyrillic and other scripts stay themselves, lower case and without
 * accents ("Σίσυφος" gives "σισυφοσ", "Ёж" "еж"). Bytes that are not
 * well-formed UTF-8, and NUL, each become U+FFFD, which separates words.
 * The mapping is per code point: the folded form of a concatenation is the
 * concatenation of the folded forms; and folding a folded string changes
 * nothing, so a term typed back into a query finds itself.
 * On success *out gets a NUL-terminated string the caller frees and *out_len
 * (may be NULL) its length. BRUG_ETOOBIG when n > TEXTFOLD_TEXT_MAX.
 * Thread-safe. */
int textfold_fold(const char *s, size_t n, char **out, size_t *out_len);

/* The terms of one text, for the index. */
struct textfold_terms {
	size_t n;
	const char **v; /* n distinct terms, valid UTF-8, NUL-terminated, each
			   1..TEXTFOLD_TERM_MAX bytes, owned by this struct */
	bool truncated; /* the text was longer than TEXTFOLD_TEXT_MAX or had
			   more than TEXTFOLD_TERMS_MAX distinct terms */
	char *mem;      /* private */
};

/* The distinct terms of the n bytes at text (NULL when n is 0), for the
 * index. The text is folded (textfold_fold) and read as words: maximal runs
 * of letters and digits (Unicode categories L and N); everything else
 * separates words. The terms, in this order, each added once:
 * - each e-mail address, whole: local@domain.tld, the local part made of
 *   letters, digits and "._%+-" (at most 64 bytes), the domain of letters,
 *   digits, "." and "-" with a dot inside it (at most 255 bytes); dots and
 *   hyphens at its end are not part of it;
 * - each phone number, as digits only (see below);
 * - each word; when it holds only ASCII letters also its Dutch and its
 *   English stem (Snowball), because the language of a text is not known:
 *   "klanten" gives "klanten" and "klant", "invoices" "invoices", "invoic";
 * - for a word of letters and digits, its letter runs and digit runs, so
 *   "1012AB" gives "1012ab", "1012" and "ab";
 * - words joined by one hyphen or apostrophe, also joined up: "Jan-Willem"
 *   gives "jan", "willem" and "janwillem", "’s-Hertogenbosch" "s",
 *   "hertogenbosch" and "shertogenbosch", "e-mails" also "emails" and its
 *   stem "email"; a Dutch postcode with a space "1012 AB" also "1012ab".
 * Every word is kept, also one letter or digit long (initials, house
 * numbers). Scripts without spaces (Chinese, Thai) give one word per run.
 * Phone numbers: a run that starts at a word boundary with "+", "00", "0"
 * or "(0", of digit groups separated by one to three of " -./()", with no
 * letter right after its last digit. With a "+" or "00" the digits after it
 * are the international number; otherwise a leading 0 is the Dutch trunk
 * prefix, so the international number is 31 followed by the rest; "(0)"
 * after a country code is dropped ("+31 (0)20 ..."). A Dutch number (31 and
 * then nine digits) ends at its ninth digit, which must end a digit group,
 * and gives both the international form "31612345678" and the national
 * form "0612345678"; so "+31 6 1234 5678", "06-12345678", "0031612345678"
 * and "(06) 123 456 78" all give the same two terms. Any other number is
 * the whole run and gives its international digits when they are 8 to 15.
 * A run that is no number (too few digits: "0800 1234", "06 12") gives its
 * digits as written ("08001234"), so that typing it in a query finds it.
 * Never fails: the caller frees the result with textfold_terms_free.
 * Thread-safe. */
struct textfold_terms *textfold_terms(const char *text, size_t n);
/* Frees t; NULL is fine. */
void textfold_terms_free(struct textfold_terms *t);

/* What a query group stands for. */
enum textfold_kind {
	TEXTFOLD_WORD,
	TEXTFOLD_EMAIL,
	TEXTFOLD_PHONE,
};

/* One word of a query: a row matches it when one of its terms matches one
 * of alt: equals it, or, when prefix[i], starts with it, which is exactly
 * when alt[i] <= term < upper[i] in byte order (upper[i] NULL: no upper
 * bound; upper[i] is NULL too for an exact alt[i]). */
struct textfold_group {
	enum textfold_kind kind;
	size_t n;                           /* 1..TEXTFOLD_ALTS_MAX */
	const char *alt[TEXTFOLD_ALTS_MAX]; /* distinct, valid UTF-8, 1..TEXTFOLD_TERM_MAX bytes */
	bool prefix[TEXTFOLD_ALTS_MAX];
	const char *upper[TEXTFOLD_ALTS_MAX];
};

/* A parsed query: a row matches when it matches every group. */
struct textfold_query {
	size_t n;                 /* 0 for a query without words */
	struct textfold_group *g; /* distinct groups, in the order of the query */
};

/* Parses the n bytes at q that a user typed into a search box (folded as
 * textfold_fold does, so invalid UTF-8 is replaced, not refused). Each word
 * becomes an exact group of its folded form and its Dutch and English
 * stems, as textfold_terms indexes them, so "klanten" finds a text with
 * "klant". The last word is still being typed, unless the query ends in
 * white space: its folded form is a prefix instead, and its stems stay
 * exact alternatives, so "klanten" finds "klantenservice" and "klant". An
 * e-mail address or a phone number (as textfold_terms finds them) becomes
 * one group instead of its words: exact, or prefixes when it holds the
 * last word. At the end of a query that does not end in white space, an
 * address being typed ("jan@exa", "jan@") is a prefix of the address, and a
 * number being typed ("06 123", "+31 6 12") a prefix of its digits, of its
 * international and, for a Dutch number, of its national form.
 * So for any text T, every group of the query T + " " is matched by the
 * terms of T (unless those were truncated). Parts, joins and postcodes are
 * indexed but not queried: "jan-willem" asks for "jan" and "willem".
 * On success *out gets the query, which the caller frees with
 * textfold_query_free; an empty query or one of only punctuation gives zero
 * groups. BRUG_ETOOBIG (err gets the key "error.too_long") for a query over
 * TEXTFOLD_QUERY_MAX bytes or with more than TEXTFOLD_QUERY_GROUPS_MAX
 * groups. err may be NULL. Thread-safe. */
int textfold_query(const char *q, size_t n, struct textfold_query **out, struct brug_err *err);
/* Frees q; NULL is fine. */
void textfold_query_free(struct textfold_query *q);

/* The upper end of the range of a prefix: for the n bytes of well-formed
 * UTF-8 at p, the least string u such that a well-formed UTF-8 string t
 * starts with p exactly when p <= t < u in byte order (memcmp; SQLite's
 * BINARY collation, PostgreSQL's COLLATE "C"). u is p with its last code
 * point replaced by the next one (skipping the surrogates, dropping a last
 * U+10FFFF and going on with the one before), so u is well-formed UTF-8 too,
 * which PostgreSQL requires of every text value; incrementing the last byte
 * would not be ("п" is D0 BF). It is correct because the byte order of
 * UTF-8 is the order of its code points. On success *out gets u, which the
 * caller frees, or NULL when there is no upper end (p empty or only
 * U+10FFFF). BRUG_EINVAL when p is not well-formed UTF-8 or holds NUL.
 * Thread-safe. */
int textfold_prefix_upper(const char *p, size_t n, char **out);

#endif

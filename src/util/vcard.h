/* SPDX-License-Identifier: Apache-2.0 */
/* vCard 2.1, 3.0 (RFC 2426) and 4.0 (RFC 6350): a lenient reader for what
 * real clients export (Google, Outlook, Apple, Android, Thunderbird) and a
 * strict vCard 4.0 writer, both on struct vcard. Generic text handling
 * only: what a card means to brug (a relation, duplicates) is the domain's
 * business. Every string handed out is valid UTF-8 without NUL. */
#ifndef BRUG_UTIL_VCARD_H
#define BRUG_UTIL_VCARD_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* Longest property accepted, in bytes after unfolding. Properties the
 * reader does not use (PHOTO, LOGO, SOUND, KEY, X-...) are streamed past
 * without being stored, so a large photo costs no memory. */
#define VCARD_LINE_MAX ((size_t)256 << 10)
/* Most cards read from one input; more is BRUG_ETOOBIG. */
#define VCARD_CARDS_MAX 100000
/* Most EMAIL, TEL, ADR, CATEGORIES, NICKNAME and X-ABLabel lines in one
 * card; more drops the card. Only these count: they are what a card keeps
 * more of as they repeat (of FN, NOTE and the like the first one wins). */
#define VCARD_PROPS_MAX 2000
/* Longest value kept for one property, in bytes of UTF-8 after decoding:
 * all components of N, ORG or ADR together, and all CATEGORIES (or all
 * NICKNAMEs) of a card together. Longer values are cut at a character
 * boundary and reported. This keeps every line vcard_write writes for a
 * parsed card within VCARD_LINE_MAX even after escaping doubles it. */
#define VCARD_VALUE_MAX ((size_t)64 << 10)
/* Most CATEGORIES and most NICKNAMEs in one card (after removing
 * duplicates); more are dropped and reported. */
#define VCARD_LIST_MAX 256
/* Most errors recorded for one input; later ones are only counted. */
#define VCARD_ERRORS_MAX 1000

enum vcard_version {
	VCARD_V21 = 21,
	VCARD_V30 = 30, /* also for a card without VERSION */
	VCARD_V40 = 40,
};

/* TYPE parameter values the reader keeps, as bits. "pref" is not a type
 * here (see pref); INTERNET, X400, DOM, INTL, POSTAL, PARCEL and vendor
 * types (IPHONE) carry nothing an importer needs and are dropped. */
enum vcard_type {
	VCARD_TYPE_HOME = 1u << 0,
	VCARD_TYPE_WORK = 1u << 1,
	VCARD_TYPE_CELL = 1u << 2, /* also read from MOBILE */
	VCARD_TYPE_VOICE = 1u << 3,
	VCARD_TYPE_FAX = 1u << 4,
	VCARD_TYPE_PAGER = 1u << 5,
	VCARD_TYPE_TEXT = 1u << 6,
	VCARD_TYPE_VIDEO = 1u << 7,
	VCARD_TYPE_TEXTPHONE = 1u << 8,
	VCARD_TYPE_MAIN = 1u << 9, /* Apple's and Google's "main" number */
	VCARD_TYPE_OTHER = 1u << 10,
};

/* Where a card's fn came from: the reader always gives a card a name. */
enum vcard_name_source {
	VCARD_NAME_FN,    /* its own FN */
	VCARD_NAME_N,     /* no FN: prefix, given, additional, family, suffix of N */
	VCARD_NAME_ORG,   /* no FN or N: ORG's name (or unit) */
	VCARD_NAME_EMAIL, /* none of those: the first EMAIL */
	VCARD_NAME_TEL,   /* none of those: the first TEL */
};

/* In every struct below a char * is NULL when absent and otherwise a
 * non-empty, valid UTF-8 string without NUL, without leading or trailing
 * spaces, tabs or newlines, and without control characters other than tab
 * and newline (LF; CR never appears). */

/* EMAIL or TEL. */
struct vcard_contact {
	char *value; /* never NULL; TEL from a tel: URI is the plain number */
	unsigned types; /* enum vcard_type bits */
	int pref;   /* 1 (most preferred) to 100; 0 when not stated. TYPE=pref is 1 */
	char *label; /* Apple's X-ABLabel of the same group ("Mobile" from
		      * "_$!<Mobile>!$_"), or NULL */
};

/* ADR: the seven components of RFC 6350 6.3.1; at least one is set. */
struct vcard_adr {
	char *pobox, *extended, *street, *locality, *region, *postal_code, *country;
	unsigned types;
	int pref;
	char *label;
};

/* One card. The reader fills it; a caller may also build one (zeroed, then
 * fields set to malloc'ed strings) for vcard_write and vcard_cleanup. */
struct vcard {
	enum vcard_version version;
	/* Where the card is in the input: the 1-based line of its BEGIN:VCARD
	 * and its 1-based number (as in struct vcard_error's card). 0 in a
	 * card built by hand; the writer ignores both. */
	size_t line, card_no;
	char *fn; /* never NULL in a parsed card */
	enum vcard_name_source name_source;
	/* KIND (4.0) in lower case: "individual", "org", "group", "location"
	 * or an x-name; from 3.0 also X-ADDRESSBOOKSERVER-KIND (Apple's
	 * groups), and "org" from Apple's X-ABShowAs:COMPANY. Letters, digits
	 * and hyphens, at most 63. */
	char *kind;
	/* N */
	char *family, *given, *additional, *prefix, *suffix;
	/* ORG: the name and the units after it, joined by ", " */
	char *org, *org_unit;
	char *title, *role, *note;
	/* LANG (4.0, the one with the lowest PREF), else X-LANGUAGE, else the
	 * first LANGUAGE parameter on FN, N or ORG (Outlook writes
	 * N;LANGUAGE=nl-nl). A language tag: letters, digits and hyphens. */
	char *lang;
	/* BDAY as "YYYY-MM-DD", or "--MM-DD" when the year is unknown (4.0
	 * "--0517", Apple's X-APPLE-OMIT-YEAR). A time of day is dropped. */
	char *bday;
	/* UID; "urn:uuid:" is taken off a UUID, so this is the bare UUID. */
	char *uid;
	char *url; /* the first URL */
	/* REV as "YYYYMMDDTHHMMSS" with "Z" or "+HHMM"/"-HHMM" when given. */
	char *rev;
	char **categories; /* from every CATEGORIES, without duplicates */
	size_t n_categories;
	char **nicknames;
	size_t n_nicknames;
	struct vcard_contact *emails;
	size_t n_emails;
	struct vcard_contact *phones;
	size_t n_phones;
	struct vcard_adr *adrs;
	size_t n_adrs;
};

/* Something the reader could not use. dropped says whether the whole card
 * is missing from the result or only one property of it. */
struct vcard_error {
	size_t line; /* 1-based line where the trouble starts */
	size_t card; /* 1-based number of the card (its BEGIN:VCARD) in the
		      * input; 0 for text outside any card */
	bool dropped;
	char reason[200]; /* English, e.g. "TEL: charset \"Shift_JIS\" is not
			   * supported"; printable ASCII */
};

struct vcard_list {
	struct vcard *cards; /* in input order */
	size_t n_cards;
	struct vcard_error *errors; /* in input order */
	size_t n_errors;
	size_t errors_omitted; /* errors after the first VCARD_ERRORS_MAX */
	/* Cards begun but left out, each with a dropped error (unless past
	 * VCARD_ERRORS_MAX); n_cards + n_dropped cards were begun. */
	size_t n_dropped;
};

/* Reads every BEGIN:VCARD ... END:VCARD in the len bytes at data (NULs
 * and any bytes allowed). How the input is read:
 * - Lines end in CRLF, LF or CR; a UTF-8 byte order mark is skipped;
 *   blank lines are ignored and end the property before them.
 * - A line starting with a space or tab continues the one before; the
 *   one space or tab is removed (RFC 6350 3.2), in every version. This
 *   joins a character of UTF-8 split over two lines before the text is
 *   checked.
 * - Broken folding: a line that does not start with a space or tab but
 *   does not look like a property either (no ':', or no [group.]name of
 *   letters, digits and '-' before the first ';' or ':', also when read
 *   on through its own folds) is appended as it is, with no space or
 *   newline, to the property before it. This keeps what writers that
 *   forget the space meant, and keeps the rest of a NOTE written with raw
 *   newlines (whose line breaks are lost). A line that does look like a
 *   property ("Opmerking: bellen") is one. BEGIN, END and VERSION take no
 *   such lines, so garbage cannot swallow a card's edges.
 * - A QUOTED-PRINTABLE value whose line ends in '=' (a soft line break)
 *   continues on the next line, which needs no leading space (2.1), unless
 *   that line is BEGIN:VCARD or END:VCARD.
 * - Names and parameter names are case-insensitive; parameters may be
 *   TYPE=a,b, TYPE=a;TYPE=b, TYPE="a,b", or bare 2.1 ones (TEL;WORK;VOICE).
 *   Values are unescaped: \, \; \\ \n \N and Apple's \: (other backslashes
 *   stay as they are); N, ADR and ORG split on unescaped ';', CATEGORIES
 *   and NICKNAME on unescaped ','. A TEL that is a tel: URI (VALUE=uri or
 *   no VALUE) gives the plain number: "tel:+31-6-1234;ext=5" is
 *   "+31 6 1234 ext. 5". Properties the reader does not use are ignored.
 * - Charsets: a CHARSET parameter (2.1/3.0) of UTF-8, US-ASCII,
 *   Windows-1252, ISO-8859-1 (read as Windows-1252, as browsers do) or
 *   ISO-8859-15 is converted to UTF-8; any other charset is an error for
 *   that property unless its value is plain ASCII. A value without CHARSET
 *   that is not valid UTF-8 is read as Windows-1252, so a whole file saved
 *   in Windows-1252 without CHARSET reads correctly; a value declared UTF-8
 *   that is not is read the same way.
 * - A card without FN gets its name from N, then ORG, then the first
 *   EMAIL, then the first TEL (see name_source); a card with none of these
 *   is dropped with an error. A card without VERSION is read as 3.0.
 * - A BEGIN:VCARD before the END:VCARD of the card before it, or the end
 *   of the input before END:VCARD, drops that card with an error; the
 *   other cards are still read. So does a card with more than
 *   VCARD_PROPS_MAX properties. A property over VCARD_LINE_MAX, with an
 *   unsupported charset or encoding (base64 outside PHOTO and the like),
 *   or a BDAY, REV, LANG or VERSION not in a form described above is left
 *   out with an error; so are CATEGORIES past VCARD_LIST_MAX. A value past
 *   VCARD_VALUE_MAX is cut, with an error. In all these the card stays.
 * Returns 0 and *out (freed with vcard_list_free), with the cards read and
 * the errors met; an input without cards gives no cards. Returns
 * BRUG_ETOOBIG, *out untouched, for more than VCARD_CARDS_MAX cards. Work
 * and memory are linear in len. Thread-safe. */
int vcard_parse(const char *data, size_t len, struct vcard_list **out);

/* Frees a parse result; NULL is fine. */
void vcard_list_free(struct vcard_list *list);
/* Frees what card's fields point to and zeroes it (card itself is not
 * freed); NULL is fine. */
void vcard_cleanup(struct vcard *card);

/* Appends card as vCard 4.0 (RFC 6350) to out: BEGIN, VERSION:4.0, KIND, FN, N,
 * NICKNAME, ORG, TITLE, ROLE, EMAIL, TEL, ADR, URL, BDAY, LANG,
 * CATEGORIES, NOTE, UID, REV, END, each only when set. Choices:
 * - TEL: a number in international form ('+', digits, spaces, '(', ')',
 *   '.') is written as RFC 6350 prefers, TEL;VALUE=uri:tel:+31-6-12345678
 *   (spaces become '-'; the reader turns the '-' back into spaces);
 *   anything else ("06 1234 5678", "+31-6-...", "sip:...") as
 *   TEL;VALUE=text:..., so no number is changed on the way.
 * - TYPE as a lower-case list (TYPE=work,voice), PREF=n, and a label as
 *   Apple's itemN.X-ABLabel next to an itemN group.
 * - UID: a UUID as urn:uuid:..., anything else as UID;VALUE=text:...
 * - URL as a URI: only backslashes and newlines are escaped.
 * - Text escapes \ , ; and newlines (\n); a CR before a LF is dropped,
 *   other CRs become \n, other control characters but tab are left out.
 * - Lines are folded at 75 octets (the continuation starts with a space)
 *   without splitting a UTF-8 character, and end in CRLF.
 * A card from vcard_parse always reads back with the same fields (but
 * version 4.0, name_source VCARD_NAME_FN, line and card_no) and without
 * errors.
 * Returns 0; BRUG_EINVAL (out unchanged) when fn is NULL or empty, a
 * string is not valid UTF-8, an email, phone or address has no value, or
 * kind, bday, rev or lang is not in the form described above; BRUG_ETOOBIG when
 * out's cap is passed (out has then failed, as buf.h says). Thread-safe
 * for different cards and buffers. */
int vcard_write(struct buf *out, const struct vcard *card);

#endif

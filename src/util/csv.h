/* SPDX-License-Identifier: Apache-2.0 */
/* CSV files as RFC 4180 defines them, read and written: a reader that hands
 * each record with the line it starts on to a callback, delimiter
 * detection, and a writer that protects spreadsheets from formulas. The
 * input is UTF-8 (util/charset.h turns uploads into it). What the records
 * mean, headers included, is the caller's business. Names start with csvx_
 * because libcsv, which does the parsing, owns csv_. */
#ifndef BRUG_UTIL_CSV_H
#define BRUG_UTIL_CSV_H

#include <stdbool.h>
#include <stddef.h>

struct brug_err;
struct buf;

/* Default limits; a file that passes one is refused, so that a hostile file
 * cannot make the reader allocate without bound. */
#define CSVX_FIELD_MAX  ((size_t)64 << 10) /* bytes in one field */
#define CSVX_FIELDS_MAX 1000               /* fields in one record */
#define CSVX_RECORD_MAX ((size_t)1 << 20)  /* bytes in one record's fields */

/* One field: len bytes of UTF-8 at p, followed by a NUL (never inside). */
struct csvx_field {
	const char *p;
	size_t len;
};

/* One record, valid only during the callback that receives it. */
struct csvx_record {
	const struct csvx_field *field; /* n fields */
	size_t n;                       /* at least 1 */
	size_t line;                    /* physical line (from 1) the record starts on */
	size_t index;                   /* records before this one (0: the header, if any) */
};

/* Receives each record; 0 to go on, anything else stops the reader, which
 * then returns that value. */
typedef int (*csvx_record_fn)(const struct csvx_record *rec, void *ctx);

/* Reader settings; zero for the defaults. */
struct csvx_options {
	char delim;        /* ',', ';', '\t' or any ASCII but '"', CR, LF, NUL;
			    * 0: csvx_detect_delimiter on the first chunk
			    * (feed a few lines at once then: 64 KiB) */
	size_t field_max;  /* 0: CSVX_FIELD_MAX */
	size_t fields_max; /* 0: CSVX_FIELDS_MAX */
	size_t record_max; /* 0: CSVX_RECORD_MAX */
};

/* A reader for one file, fed in chunks of any size (split anywhere, even
 * inside CR LF or a UTF-8 sequence). Not thread-safe: one owner. */
struct csvx_reader;

/* A new reader with the given options (NULL: defaults) that calls fn(rec,
 * ctx) for each record. The caller frees it with csvx_reader_free. */
struct csvx_reader *csvx_reader_new(const struct csvx_options *opt, csvx_record_fn fn, void *ctx);
/* Frees r; NULL is fine. */
void csvx_reader_free(struct csvx_reader *r);

/* Parses the next n bytes of the file, calling the callback for every
 * record they complete. The format is RFC 4180's, exactly:
 * - Fields are separated by the delimiter and records end at LF, CR LF or a
 *   lone CR. A field is kept as it is, spaces included.
 * - A field that starts with '"' is quoted: it ends at the next lone '"',
 *   "" inside stands for one '"', and delimiters and line ends inside are
 *   part of it. After the closing quote comes a delimiter, a line end or
 *   the end of the file; anything else is an error, as is a '"' in a field
 *   that does not start with one.
 * - Empty lines are skipped; they are not records. A line end at the end
 *   of the file does not start another record.
 * - Records may have different numbers of fields (csvx_record_check).
 * - A UTF-8 byte order mark at the start of the file is skipped.
 * - Lines are counted from 1 and every line end counts, inside quoted
 *   fields too, so rec->line is the line an editor shows.
 * Errors, each with the line in the message ("line 17: ..."), in err's
 * detail (err may be NULL) with the code's generic key:
 * - BRUG_EINVAL: a stray quote, text after a closing quote, a NUL byte,
 *   a field that is not valid UTF-8, an unterminated quoted field (at
 *   csvx_reader_finish: "unterminated quoted field starting at line N");
 * - BRUG_ETOOBIG: a field, the number of fields in a record or a record's
 *   size over its limit. Whatever it is fed, the reader holds at most
 *   about field_max + record_max + 17 * fields_max + 24 KiB (1.1 MiB with
 *   the defaults).
 * Returns 0, an error, or the callback's non-zero value. After anything but
 * 0 the reader is done: every later call returns the same value (and fills
 * err again when it was the reader's error). */
int csvx_reader_feed(struct csvx_reader *r, const char *s, size_t n, struct brug_err *err);
/* Ends the file: delivers a last record that has no line end and reports
 * an unterminated quoted field. Returns as csvx_reader_feed. */
int csvx_reader_finish(struct csvx_reader *r, struct brug_err *err);

/* The delimiter in use: the option, or the one detected; 0 before a
 * detecting reader has been fed. */
char csvx_reader_delim(const struct csvx_reader *r);
/* Records delivered so far. */
size_t csvx_reader_records(const struct csvx_reader *r);
/* The line the reader's error is about; 0 when there was none, when the
 * callback stopped the reader, or for a bad delimiter and a feed after the
 * end. */
size_t csvx_reader_error_line(const struct csvx_reader *r);
/* Bytes the reader holds now (buffers included), for tests and metrics. */
size_t csvx_reader_memory(const struct csvx_reader *r);

/* The whole file in one call: a reader with opt (NULL: defaults; delimiter
 * 0: detected from s), fed s and finished. Returns as csvx_reader_feed.
 * Thread-safe. */
int csvx_parse(const char *s, size_t n, const struct csvx_options *opt, csvx_record_fn fn,
	       void *ctx, struct brug_err *err);

/* The delimiter of the CSV text at s: ',', ';' or '\t'. Looks at the first
 * 50 non-empty lines within the first 64 KiB (a line that the 64 KiB cut
 * off counts only when it is the first), counting each candidate outside
 * quotes. The winner is the candidate whose most common count per line
 * (above 0) is shared by the most lines, so one that splits every line the
 * same way wins; then the higher count; then ',' before ';' before tab.
 * Text where none of them occurs (a one-column file, empty input) gets ','.
 * Thread-safe. */
char csvx_detect_delimiter(const char *s, size_t n);

/* 0 when rec has want fields; otherwise BRUG_EINVAL and err (may be NULL)
 * gets "line 17: 3 fields where the header has 4" in detail. Thread-safe. */
int csvx_record_check(const struct csvx_record *rec, size_t want, struct brug_err *err);

/* Writer flags. */
enum {
	/* Spreadsheet formula injection (OWASP "CSV injection"): a field that
	 * starts with = + - @ tab or CR gets a leading apostrophe, so Excel,
	 * LibreOffice and Google Sheets show it as text instead of running
	 * "=HYPERLINK(...)" that someone typed into a name. The apostrophe is
	 * then part of the value for every other reader: reading the file back
	 * gives "'-5" for "-5" and "'+31 6 1234 5678" for a phone number. So:
	 * on for exports meant to be opened in a spreadsheet (the default a
	 * caller should choose), off for files meant to be read back by
	 * programs, ours included. Only the start of a field is looked at: a
	 * spreadsheet that splits at another delimiter than the one written
	 * can still expose a formula in the middle of a field. */
	CSVX_PROTECT = 1 << 0,
};

/* Appends one record of n fields (NULL counts as "") to b, separated by
 * delim and ended by CR LF. A field is quoted, with '"' doubled, when it
 * holds delim, '"', CR or LF, or starts or ends with a space or tab (which
 * lax readers trim); a record of one empty field is written as "" so that
 * it is not an empty line. With CSVX_PROTECT see above. Fields are copied
 * byte for byte: write UTF-8. Returns 0, BRUG_ETOOBIG when b passes its
 * cap (b is then failed, see util/buf.h), or BRUG_EINVAL, writing nothing,
 * when n is 0 or delim is not ASCII or is '"', CR, LF, NUL or the
 * apostrophe. Thread-safe for distinct b. */
int csvx_write_row(struct buf *b, const char *const *fields, size_t n, char delim, unsigned flags);

#endif

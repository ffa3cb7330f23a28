/* SPDX-License-Identifier: Apache-2.0 */
/* CSV reading and writing; see csv.h. Parsing is libcsv's: a small, old,
 * well-fuzzed state machine that Debian packages, with a strict mode that
 * is RFC 4180's quote rules (a stray quote, text after a closing quote, an
 * unterminated quote at the end). This file adds what libcsv leaves out:
 * line numbers (libcsv does not know where it is), the limits (libcsv grows
 * its field buffer without bound), UTF-8 and NUL checks, skipping a byte
 * order mark, records as arrays, delimiter detection and a writer with
 * formula protection. To know the line, libcsv is fed one physical line at
 * a time (long lines in slices), so every callback runs while the line
 * being fed is known, and a record begins where the first line fed after
 * the previous one ended. */
#include "util/csv.h"

#include <csv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rc.h"
#include "util/buf.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

/* libcsv is fed at most this much at once, so that a field over its limit
 * is caught after at most this many bytes more. */
#define SLICE ((size_t)16 << 10)
/* libcsv grows its field buffer by this much at a time. */
#define LIB_BLOCK ((size_t)4 << 10)
/* csvx_detect_delimiter looks at this much. */
#define DETECT_BYTES ((size_t)64 << 10)
#define DETECT_LINES 50

static const char BOM[3] = "\xEF\xBB\xBF";

struct csvx_reader {
	struct csv_parser lib;
	csvx_record_fn fn;
	void *ctx;
	char delim;
	size_t field_max, fields_max, record_max;

	size_t line;     /* the line the next byte fed is on */
	size_t bom;      /* bytes of a byte order mark seen at the start */
	bool bom_done;   /* past them */
	bool prev_cr;    /* the last chunk ended in CR: a leading LF is its */
	bool in_record;  /* libcsv is inside a record */
	size_t rec_line; /* where that record starts */
	size_t fld_line; /* where its current field starts */
	size_t index;    /* records delivered */

	/* the record being read: fields back to back, each NUL-terminated;
	 * field[i].len is set as it ends, field[i].p on delivery */
	char *data;
	size_t data_len, data_cap;
	struct csvx_field *field;
	size_t n, field_cap;

	size_t lib_cap;  /* libcsv's buffer past this: a field over field_max */
	size_t data_lim; /* data_cap never passes this */

	bool finished;
	int rc;          /* sticky: an error or the callback's value */
	bool own_error;  /* rc is the reader's, described in error */
	size_t err_line; /* the line it is about */
	struct brug_err error;
};

/* Records the reader's first error, about line, with the message fmt;
 * later ones are dropped (libcsv goes on calling back until the slice it
 * was given ends). */
static void reader_fail_at(struct csvx_reader *r, int rc, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The same with "line N: " before the message. */
static void reader_fail(struct csvx_reader *r, int rc, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A delimiter must not be part of the syntax or of a UTF-8 sequence. */
static bool delim_ok(char d)
{
	return d != '\0' && d != '"' && d != '\r' && d != '\n' && (unsigned char)d < 0x80;
}

static int is_space_never(unsigned char c)
{
	(void)c;
	return 0; /* RFC 4180: spaces are part of a field, libcsv trims them */
}

struct csvx_reader *csvx_reader_new(const struct csvx_options *opt, csvx_record_fn fn, void *ctx)
{
	struct csvx_reader *r = xcalloc(1, sizeof(*r));
	struct csvx_options o = {0};
	if (opt)
		o = *opt;
	r->fn = fn;
	r->ctx = ctx;
	r->delim = o.delim;
	r->field_max = o.field_max ? o.field_max : CSVX_FIELD_MAX;
	r->fields_max = o.fields_max ? o.fields_max : CSVX_FIELDS_MAX;
	r->record_max = o.record_max ? o.record_max : CSVX_RECORD_MAX;
	r->line = 1;
	/* saturating: the limits may be SIZE_MAX */
	r->lib_cap =
		r->field_max > SIZE_MAX - 2 - LIB_BLOCK ? SIZE_MAX : r->field_max + 2 + LIB_BLOCK;
	r->data_lim =
		r->record_max > SIZE_MAX - r->fields_max ? SIZE_MAX : r->record_max + r->fields_max;
	csv_init(&r->lib, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	csv_set_space_func(&r->lib, is_space_never);
	csv_set_realloc_func(&r->lib, xrealloc); /* aborts rather than fail */
	csv_set_free_func(&r->lib, free);
	csv_set_blk_size(&r->lib, LIB_BLOCK);
	if (r->delim && !delim_ok(r->delim))
		reader_fail_at(r, BRUG_EINVAL, 0,
			       "the delimiter must be an ASCII character other than a quote or a "
			       "line end");
	else if (r->delim)
		csv_set_delim(&r->lib, (unsigned char)r->delim);
	return r;
}

void csvx_reader_free(struct csvx_reader *r)
{
	if (!r)
		return;
	csv_free(&r->lib);
	free(r->data);
	free(r->field);
	free(r);
}

char csvx_reader_delim(const struct csvx_reader *r)
{
	return r->delim;
}

size_t csvx_reader_records(const struct csvx_reader *r)
{
	return r->index;
}

size_t csvx_reader_error_line(const struct csvx_reader *r)
{
	return r->own_error ? r->err_line : 0;
}

size_t csvx_reader_memory(const struct csvx_reader *r)
{
	return sizeof(*r) + csv_get_buffer_size((struct csv_parser *)&r->lib) + r->data_cap +
	       r->field_cap * sizeof(r->field[0]);
}

static void reader_fail_at(struct csvx_reader *r, int rc, size_t line, const char *fmt, ...)
{
	if (r->rc)
		return;
	va_list ap;
	va_start(ap, fmt);
	brug_fail(&r->error, rc, rc_message_key(rc), NULL);
	vsnprintf(r->error.detail, sizeof(r->error.detail), fmt, ap);
	va_end(ap);
	r->rc = rc;
	r->own_error = true;
	r->err_line = line;
}

static void reader_fail(struct csvx_reader *r, int rc, size_t line, const char *fmt, ...)
{
	if (r->rc)
		return;
	char msg[sizeof(r->error.detail)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	reader_fail_at(r, rc, line, "line %zu: %s", line, msg);
}

static void field_too_long(struct csvx_reader *r)
{
	reader_fail(r, BRUG_ETOOBIG, r->fld_line, "field %zu is longer than %zu bytes", r->n + 1,
		    r->field_max);
}

/* libcsv: a field ended (at a delimiter or line end on r->line). */
static void on_field(void *s, size_t len, void *data)
{
	struct csvx_reader *r = data;
	if (r->rc)
		return;
	/* the length first: feed_lib may see that a field is too long before
	 * it ends, and a file must give the same error however it is fed */
	if (len > r->field_max) {
		field_too_long(r);
		return;
	}
	if (r->n == r->fields_max) {
		reader_fail(r, BRUG_ETOOBIG, r->rec_line, "more than %zu fields in one record",
			    r->fields_max);
		return;
	}
	if (!utf8_valid(s, len)) {
		reader_fail(r, BRUG_EINVAL, r->fld_line, "field %zu is not valid UTF-8", r->n + 1);
		return;
	}
	/* data_len - n: the field bytes so far (each field has a NUL) */
	if (len > r->record_max - (r->data_len - r->n)) {
		reader_fail(r, BRUG_ETOOBIG, r->rec_line, "the record holds more than %zu bytes",
			    r->record_max);
		return;
	}
	if (r->data_cap - r->data_len < len + 1) {
		size_t need = r->data_len + len + 1;
		size_t cap = r->data_cap ? r->data_cap * 2 : 256;
		if (cap > r->data_lim)
			cap = r->data_lim;
		if (cap < need)
			cap = need;
		r->data = xrealloc(r->data, cap);
		r->data_cap = cap;
	}
	if (r->n == r->field_cap) {
		r->field_cap = r->field_cap ? r->field_cap * 2 : 16;
		if (r->field_cap > r->fields_max)
			r->field_cap = r->fields_max;
		r->field = xrealloc(r->field, r->field_cap * sizeof(r->field[0]));
	}
	if (len)
		memcpy(r->data + r->data_len, s, len);
	r->data[r->data_len + len] = '\0';
	r->data_len += len + 1;
	r->field[r->n++].len = len;
	r->fld_line = r->line; /* the next field starts after this delimiter */
}

/* libcsv: a record ended. */
static void on_record(int c, void *data)
{
	struct csvx_reader *r = data;
	(void)c;
	r->in_record = false;
	if (r->rc)
		return;
	size_t off = 0;
	for (size_t i = 0; i < r->n; i++) {
		r->field[i].p = r->data + off;
		off += r->field[i].len + 1;
	}
	struct csvx_record rec = {r->field, r->n, r->rec_line, r->index};
	r->index++;
	int ret = r->fn ? r->fn(&rec, r->ctx) : 0;
	r->n = 0;
	r->data_len = 0;
	if (ret)
		r->rc = ret;
}

/* Feeds n bytes of one line (all of it or a slice) to libcsv. */
static void feed_lib(struct csvx_reader *r, const char *s, size_t n)
{
	size_t done = csv_parse(&r->lib, s, n, on_field, on_record, r);
	if (r->rc)
		return;
	/* A field still open may hold at most field_max bytes, plus the
	 * closing quote libcsv keeps until it knows it is one. This comes
	 * before a parse error in the same field, which fewer bytes fed at
	 * once would not have reached. */
	if (csv_get_buffer_size(&r->lib) > r->lib_cap) {
		field_too_long(r);
		return;
	}
	if (done == n)
		return;
	if (csv_error(&r->lib) != CSV_EPARSE)
		reader_fail(r, BRUG_EINVAL, r->line, "%s", csv_strerror(csv_error(&r->lib)));
	else if (s[done] == '"')
		reader_fail(r, BRUG_EINVAL, r->line,
			    "a quote inside field %zu, which does not start with one; put the "
			    "whole field in quotes and double the quote",
			    r->n + 1);
	else
		reader_fail(r, BRUG_EINVAL, r->line,
			    "text after the closing quote of field %zu; a quoted field ends at "
			    "a delimiter or a line end",
			    r->n + 1);
}

/* The length of the piece of s[0..n) to feed next: up to and including a
 * line end (CR LF as one), at most SLICE bytes without one. *nul is set
 * when a NUL byte comes first (the piece then ends before it), *eol when
 * the piece ends a line. */
static size_t next_piece(const char *s, size_t n, bool *eol, bool *nul, bool *cr_last)
{
	size_t lim = n < SLICE ? n : SLICE;
	*eol = *nul = *cr_last = false;
	for (size_t i = 0; i < lim; i++) {
		char c = s[i];
		if (c == '\n') {
			*eol = true;
			return i + 1;
		}
		if (c == '\r') {
			*eol = true;
			if (i + 1 < n && s[i + 1] == '\n')
				return i + 2;
			*cr_last = i + 1 == n; /* the LF may start the next chunk */
			return i + 1;
		}
		if (c == '\0') {
			*nul = true;
			return i;
		}
	}
	return lim;
}

static int reader_rc(struct csvx_reader *r, struct brug_err *err)
{
	if (r->rc && r->own_error && err)
		*err = r->error;
	return r->rc;
}

/* Picks the delimiter from the first text, when the options left it open. */
static void detect_once(struct csvx_reader *r, const char *s, size_t n)
{
	if (n && !r->delim) {
		r->delim = csvx_detect_delimiter(s, n);
		csv_set_delim(&r->lib, (unsigned char)r->delim);
	}
}

/* Feeds text after the byte order mark, line by line. */
static void feed_text(struct csvx_reader *r, const char *s, size_t n)
{
	size_t i = 0;
	detect_once(r, s, n);
	if (r->prev_cr && n) {
		r->prev_cr = false;
		if (s[0] == '\n') {
			if (r->in_record) /* inside a quoted field: part of it */
				feed_lib(r, s, 1);
			i++;
		}
	}
	while (i < n && !r->rc) {
		bool eol, nul, cr_last;
		size_t len = next_piece(s + i, n - i, &eol, &nul, &cr_last);
		if (!r->in_record && eol && (s[i] == '\r' || s[i] == '\n')) {
			i += len; /* an empty line */
			r->line++;
			r->prev_cr = cr_last;
			continue;
		}
		if (!r->in_record && len > 0) {
			r->in_record = true;
			r->rec_line = r->fld_line = r->line;
		}
		feed_lib(r, s + i, len);
		i += len;
		if (nul) {
			reader_fail(r, BRUG_EINVAL, r->line, "NUL byte; this is not a text file");
			break;
		}
		if (eol)
			r->line++;
		r->prev_cr = cr_last;
	}
}

/* Stops holding back the first bytes of the file: they were not a byte
 * order mark after all (EF BB 80 is U+FEC0). The delimiter comes from rest,
 * the text after them. */
static void bom_give_up(struct csvx_reader *r, const char *rest, size_t n)
{
	r->bom_done = true;
	detect_once(r, rest, n);
	feed_text(r, BOM, r->bom);
}

int csvx_reader_feed(struct csvx_reader *r, const char *s, size_t n, struct brug_err *err)
{
	size_t i = 0;
	if (r->rc)
		goto out;
	if (r->finished) {
		reader_fail_at(r, BRUG_EINVAL, 0, "the reader was fed after the end of the file");
		goto out;
	}
	/* a byte order mark may come split over chunks, like anything else */
	while (!r->bom_done && i < n) {
		if (s[i] != BOM[r->bom]) {
			bom_give_up(r, s + i, n - i);
			break;
		}
		i++;
		r->bom_done = ++r->bom == 3;
	}
	feed_text(r, s + i, n - i);
out:
	return reader_rc(r, err);
}

int csvx_reader_finish(struct csvx_reader *r, struct brug_err *err)
{
	if (r->rc || r->finished)
		goto out;
	r->finished = true;
	if (!r->bom_done)
		bom_give_up(r, NULL, 0);
	if (r->rc)
		goto out;
	if (csv_fini(&r->lib, on_field, on_record, r) != 0)
		reader_fail_at(r, BRUG_EINVAL, r->fld_line,
			       "unterminated quoted field starting at line %zu", r->fld_line);
out:
	return reader_rc(r, err);
}

int csvx_parse(const char *s, size_t n, const struct csvx_options *opt, csvx_record_fn fn,
	       void *ctx, struct brug_err *err)
{
	struct csvx_reader *r = csvx_reader_new(opt, fn, ctx);
	int rc = csvx_reader_feed(r, s, n, err);
	if (rc == 0)
		rc = csvx_reader_finish(r, err);
	csvx_reader_free(r);
	return rc;
}

int csvx_record_check(const struct csvx_record *rec, size_t want, struct brug_err *err)
{
	if (rec->n == want)
		return 0;
	return brug_failf(err, BRUG_EINVAL, rc_message_key(BRUG_EINVAL), NULL,
			  "line %zu: %zu field%s where the header has %zu", rec->line, rec->n,
			  rec->n == 1 ? "" : "s", want);
}

/* ---- delimiter detection ---- */

static const char detect_cands[3] = {',', ';', '\t'};

/* For candidate c: how many lines share the most common count above 0
 * (*freq), and that count (*count; the higher one on a tie). */
static void detect_mode(const size_t (*cnt)[3], size_t lines, int c, size_t *freq, size_t *count)
{
	*freq = *count = 0;
	for (size_t i = 0; i < lines; i++) {
		size_t v = cnt[i][c], f = 0;
		if (v == 0)
			continue;
		for (size_t j = 0; j < lines; j++)
			f += cnt[j][c] == v;
		if (f > *freq || (f == *freq && v > *count)) {
			*freq = f;
			*count = v;
		}
	}
}

char csvx_detect_delimiter(const char *s, size_t n)
{
	size_t cnt[DETECT_LINES][3], cur[3] = {0}, lines = 0;
	size_t lim = n < DETECT_BYTES ? n : DETECT_BYTES;
	bool quoted = false, content = false;
	for (size_t i = 0; i < lim && lines < DETECT_LINES; i++) {
		char c = s[i];
		if (c == '"') {
			quoted = !quoted; /* "" inside a quoted field toggles twice */
			content = true;
		} else if (quoted) {
			continue;
		} else if (c == '\r' || c == '\n') {
			if (content)
				memcpy(cnt[lines++], cur, sizeof(cur));
			memset(cur, 0, sizeof(cur));
			content = false;
		} else {
			content = true;
			for (int k = 0; k < 3; k++)
				cur[k] += c == detect_cands[k];
		}
	}
	/* the last line counts when the text ends there or it is the only one */
	if (content && lines < DETECT_LINES && (lim == n || lines == 0))
		memcpy(cnt[lines++], cur, sizeof(cur));
	int best = 0;
	size_t best_freq = 0, best_count = 0;
	for (int k = 0; k < 3; k++) {
		size_t freq, count;
		detect_mode((const size_t(*)[3])cnt, lines, k, &freq, &count);
		if (freq > best_freq || (freq == best_freq && count > best_count)) {
			best = k;
			best_freq = freq;
			best_count = count;
		}
	}
	return detect_cands[best];
}

/* ---- writing ---- */

static bool needs_quotes(const char *f, size_t len, char delim)
{
	if (len == 0)
		return false;
	if (f[0] == ' ' || f[0] == '\t' || f[len - 1] == ' ' || f[len - 1] == '\t')
		return true;
	for (size_t i = 0; i < len; i++)
		if (f[i] == delim || f[i] == '"' || f[i] == '\r' || f[i] == '\n')
			return true;
	return false;
}

static bool looks_like_formula(const char *f)
{
	return f[0] != '\0' && strchr("=+-@\t\r", f[0]) != NULL;
}

static int write_field(struct buf *b, const char *f, char delim, bool protect)
{
	size_t len = strlen(f);
	bool prefix = protect && looks_like_formula(f);
	int rc = 0;
	if (!needs_quotes(f, len, delim)) {
		if (prefix)
			rc = buf_addc(b, '\'');
		return rc ? rc : buf_add(b, f, len);
	}
	rc = buf_addc(b, '"');
	if (!rc && prefix)
		rc = buf_addc(b, '\'');
	for (const char *q; !rc && (q = memchr(f, '"', len)) != NULL;) {
		size_t k = (size_t)(q - f) + 1; /* through the quote, then one more */
		rc = buf_add(b, f, k);
		if (!rc)
			rc = buf_addc(b, '"');
		f += k;
		len -= k;
	}
	if (!rc)
		rc = buf_add(b, f, len);
	if (!rc)
		rc = buf_addc(b, '"');
	return rc;
}

int csvx_write_row(struct buf *b, const char *const *fields, size_t n, char delim, unsigned flags)
{
	if (n == 0 || !delim_ok(delim) || delim == '\'')
		return BRUG_EINVAL;
	int rc = 0;
	bool protect = flags & CSVX_PROTECT;
	if (n == 1 && (!fields[0] || !fields[0][0]))
		return buf_adds(b, "\"\"\r\n");
	for (size_t i = 0; i < n && !rc; i++) {
		if (i)
			rc = buf_addc(b, delim);
		if (!rc)
			rc = write_field(b, fields[i] ? fields[i] : "", delim, protect);
	}
	if (!rc)
		rc = buf_add(b, "\r\n", 2);
	return rc;
}

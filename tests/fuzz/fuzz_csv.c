/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for util/charset.c and util/csv.c, the path of an uploaded
 * CSV file: charset_to_utf8, csvx_detect_delimiter, then the reader. The
 * first input byte picks a chunk size and small or default limits; the
 * rest is the file. Beyond crashes, leaks, sanitizer reports and hangs, it
 * traps when a promise of charset.h or csv.h breaks:
 * - the converted text is not valid UTF-8, or UTF-8 input was changed;
 * - records do not start on increasing lines within the text, indexes are
 *   not 0, 1, 2..., a field is not NUL-terminated valid UTF-8 within the
 *   limits;
 * - fed in chunks, the reader gives other records or another error than
 *   fed at once;
 * - an error is not EINVAL or ETOOBIG with a printable message and a line;
 * - what csvx_write_row writes of the records does not read back as the
 *   same records (both with and without formula protection, which only
 *   ever adds an apostrophe). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/rc.h"
#include "util/buf.h"
#include "util/charset.h"
#include "util/csv.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct check {
	const struct csvx_options *opt;
	size_t lines;     /* lines in the text */
	size_t next;      /* the next record's index */
	size_t last_line; /* the previous record's line */
	struct buf out;   /* the records, written back */
	struct buf prot;  /* the same with CSVX_PROTECT */
	bool protected;   /* reading prot: no field may look like a formula */
};

static bool printable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

static size_t count_lines(const char *s, size_t n)
{
	size_t lines = 1;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n')))
			lines++;
	return lines;
}

static int on_record(const struct csvx_record *rec, void *ctx)
{
	struct check *c = ctx;
	size_t field_max = c->opt->field_max ? c->opt->field_max : CSVX_FIELD_MAX;
	size_t fields_max = c->opt->fields_max ? c->opt->fields_max : CSVX_FIELDS_MAX;
	if (rec->index != c->next++ || rec->line <= c->last_line || rec->line > c->lines ||
	    rec->n == 0 || rec->n > fields_max)
		__builtin_trap();
	c->last_line = rec->line;
	const char *ptrs[64];
	const char **f = rec->n <= 64 ? ptrs : malloc(rec->n * sizeof(*f));
	for (size_t i = 0; i < rec->n; i++) {
		const struct csvx_field *x = &rec->field[i];
		if (x->p[x->len] != '\0' || x->len > field_max || !utf8_valid(x->p, x->len))
			__builtin_trap();
		if (c->protected && x->len && strchr("=+-@\t\r", x->p[0]))
			__builtin_trap();
		f[i] = x->p;
	}
	if (csvx_write_row(&c->out, f, rec->n, ';', 0) != 0 ||
	    csvx_write_row(&c->prot, f, rec->n, ';', CSVX_PROTECT) != 0)
		__builtin_trap();
	if (f != ptrs)
		free(f);
	return 0;
}

static void check_error(int rc, const struct brug_err *err)
{
	if ((rc != BRUG_EINVAL && rc != BRUG_ETOOBIG) || err->rc != rc || !err->detail[0] ||
	    !printable(err->detail))
		__builtin_trap();
}

/* Reads s in chunks of step bytes into c (whose buffers the caller
 * cleans up). */
static int read_chunked(const char *s, size_t n, const struct csvx_options *opt, size_t step,
			struct check *c, struct brug_err *err)
{
	c->opt = opt;
	c->lines = count_lines(s, n);
	buf_init(&c->out, 0);
	buf_init(&c->prot, 0);
	struct csvx_reader *r = csvx_reader_new(opt, on_record, c);
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i += step)
		rc = csvx_reader_feed(r, s + i, n - i < step ? n - i : step, err);
	if (!rc)
		rc = csvx_reader_finish(r, err);
	if (rc && (csvx_reader_error_line(r) == 0 || csvx_reader_error_line(r) > c->lines))
		__builtin_trap();
	if (c->next != csvx_reader_records(r))
		__builtin_trap();
	csvx_reader_free(r);
	return rc;
}

static void check_cleanup(struct check *c)
{
	buf_cleanup(&c->out);
	buf_cleanup(&c->prot);
}

/* What was written back reads back as the same records; protected, with
 * no field that looks like a formula. */
static void round_trip(const struct check *first)
{
	struct csvx_options opt = {
		.delim = ';', .field_max = (size_t)1 << 30, .record_max = (size_t)1 << 30};
	struct check again = {0}, prot = {.protected = true};
	struct brug_err err = {0};
	if (read_chunked(buf_str(&first->out), first->out.len, &opt, first->out.len + 1, &again,
			 &err) != 0 ||
	    again.out.len != first->out.len ||
	    memcmp(buf_str(&again.out), buf_str(&first->out), first->out.len) != 0)
		__builtin_trap();
	if (read_chunked(buf_str(&first->prot), first->prot.len, &opt, first->prot.len + 1, &prot,
			 &err) != 0 ||
	    prot.next != first->next)
		__builtin_trap();
	check_cleanup(&again);
	check_cleanup(&prot);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	size_t step = (size_t)(data[0] & 0x3f) + 1;
	struct csvx_options opt = {0};
	if (data[0] & 0x80)
		opt = (struct csvx_options){.field_max = 64, .fields_max = 8, .record_max = 256};
	const char *in = (const char *)data + 1;
	size_t n = size - 1;

	char *text = NULL;
	size_t len = 0;
	enum charset cs;
	struct brug_err err = {0};
	int rc = charset_to_utf8(in, n, &text, &len, &cs, &err);
	if (rc) {
		check_error(rc, &err);
		return 0;
	}
	if (!utf8_valid(text, len) || text[len] != '\0' ||
	    (cs == CHARSET_UTF8 && (len != n || memcmp(text, in, n))) ||
	    (cs == CHARSET_UTF8_BOM && (len + 3 != n || memcmp(text, in + 3, len))))
		__builtin_trap();

	opt.delim = csvx_detect_delimiter(text, len);
	if (opt.delim != ',' && opt.delim != ';' && opt.delim != '\t')
		__builtin_trap();
	struct check whole = {0}, chunked = {0};
	struct brug_err err1 = {0}, err2 = {0};
	int rc1 = read_chunked(text, len, &opt, len + 1, &whole, &err1);
	int rc2 = read_chunked(text, len, &opt, step, &chunked, &err2);
	if (rc1 != rc2 || strcmp(err1.detail, err2.detail) != 0 ||
	    whole.out.len != chunked.out.len ||
	    memcmp(buf_str(&whole.out), buf_str(&chunked.out), whole.out.len) != 0)
		__builtin_trap();
	if (rc1)
		check_error(rc1, &err1);
	else
		round_trip(&whole);
	check_cleanup(&whole);
	check_cleanup(&chunked);
	free(text);
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/util/csv.c. Reading: the examples of RFC 4180, quoted line
 * ends and the line numbers records report (LF, CR LF, lone CR), files as
 * Dutch Excel writes them, tab files, delimiter detection, ragged rows,
 * every error with its message and line, the limits, and a million rows in
 * bounded memory. Every input is read at once and again in chunks of
 * 1, 2, 3, 5, 7 and 64 bytes, which must give the same records and the
 * same error. Writing: quoting, formula protection, and round trips of
 * random records through the writer and the reader. */
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/rc.h"
#include "util/buf.h"
#include "util/charset.h"
#include "util/csv.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
/* a string literal and its length, NULs included */
#define S(lit) lit, sizeof(lit) - 1

/* ---- reading: helpers ---- */

/* What a parse gave: the records as "line:[field][field]\n" lines. */
struct got {
	struct buf dump;
	size_t records;
	size_t header;     /* with check_header: the header's field count */
	bool check_header; /* append csvx_record_check's message to dump */
	size_t stop_after; /* the callback returns stop_rc after this many */
	int stop_rc;
};

static int collect(const struct csvx_record *rec, void *ctx)
{
	struct got *g = ctx;
	assert_int_equal(rec->index, g->records);
	assert_true(rec->n >= 1);
	buf_printf(&g->dump, "%zu:", rec->line);
	for (size_t i = 0; i < rec->n; i++) {
		assert_int_equal(rec->field[i].p[rec->field[i].len], '\0');
		buf_addc(&g->dump, '[');
		buf_add(&g->dump, rec->field[i].p, rec->field[i].len);
		buf_addc(&g->dump, ']');
	}
	if (g->check_header) {
		struct brug_err err = {0};
		if (rec->index == 0)
			g->header = rec->n;
		else if (csvx_record_check(rec, g->header, &err) != 0)
			buf_printf(&g->dump, " %s", err.detail);
		else
			assert_int_equal(err.rc, 0);
	}
	buf_addc(&g->dump, '\n');
	g->records++;
	return g->stop_after && g->records == g->stop_after ? g->stop_rc : 0;
}

struct run {
	int rc;
	struct brug_err err;
	size_t err_line;
	char delim;
	char *dump; /* freed by run_free */
	size_t records;
};

static void run_free(struct run *r)
{
	free(r->dump);
}

/* Reads s with opt in chunks of step bytes (0: at once). */
static struct run read_with(const char *s, size_t n, const struct csvx_options *opt, size_t step,
			    const struct got *proto)
{
	struct got g = *proto;
	buf_init(&g.dump, 0);
	struct run r = {0};
	struct csvx_reader *rd = csvx_reader_new(opt, collect, &g);
	if (step == 0)
		step = n ? n : 1;
	for (size_t i = 0; i < n && !r.rc; i += step)
		r.rc = csvx_reader_feed(rd, s + i, n - i < step ? n - i : step, &r.err);
	if (!r.rc)
		r.rc = csvx_reader_finish(rd, &r.err);
	r.err_line = csvx_reader_error_line(rd);
	r.delim = csvx_reader_delim(rd);
	r.records = csvx_reader_records(rd);
	assert_int_equal(r.records, g.records);
	csvx_reader_free(rd);
	r.dump = buf_take(&g.dump, NULL);
	return r;
}

/* Reads s at once and in chunks; all must agree. The caller frees. */
static struct run read_all_ways(const char *s, size_t n, const struct csvx_options *opt,
				const struct got *proto)
{
	static const size_t steps[] = {1, 2, 3, 5, 7, 64};
	struct got none = {0};
	if (!proto)
		proto = &none;
	struct run whole = read_with(s, n, opt, 0, proto);
	/* detection looks at the first chunk: give the chunked reads the
	 * delimiter found in the whole text */
	struct csvx_options fixed = opt ? *opt : (struct csvx_options){0};
	if (!fixed.delim)
		fixed.delim = whole.delim;
	for (size_t i = 0; i < N(steps); i++) {
		struct run part = read_with(s, n, &fixed, steps[i], proto);
		if (part.rc != whole.rc || strcmp(part.err.detail, whole.err.detail) != 0 ||
		    strcmp(part.dump, whole.dump) != 0 || part.err_line != whole.err_line)
			fail_msg("in chunks of %zu: rc %d \"%s\" line %zu\n%s\nat once: rc %d "
				 "\"%s\" "
				 "line %zu\n%s",
				 steps[i], part.rc, part.err.detail, part.err_line, part.dump,
				 whole.rc, whole.err.detail, whole.err_line, whole.dump);
		run_free(&part);
	}
	/* csvx_parse is the same as a reader fed at once */
	struct got g = *proto;
	buf_init(&g.dump, 0);
	struct brug_err err = {0};
	assert_int_equal(csvx_parse(s, n, opt, collect, &g, &err), whole.rc);
	assert_string_equal(buf_str(&g.dump), whole.dump);
	assert_string_equal(err.detail, whole.err.detail);
	buf_cleanup(&g.dump);
	return whole;
}

static void expect_records(const char *s, size_t n, char delim, const char *want)
{
	struct csvx_options opt = {.delim = delim};
	struct run r = read_all_ways(s, n, &opt, NULL);
	if (r.rc)
		fail_msg("rc %d: %s", r.rc, r.err.detail);
	assert_string_equal(r.dump, want);
	run_free(&r);
}

/* Refused with rc and exactly msg, about line, after delivering want. */
static void expect_error(const char *s, size_t n, const struct csvx_options *opt, int rc,
			 const char *msg, size_t line, const char *want)
{
	struct run r = read_all_ways(s, n, opt, NULL);
	if (r.rc != rc)
		fail_msg("rc %d, expected %d (%s)", r.rc, rc, r.err.detail);
	assert_int_equal(r.err.rc, rc);
	assert_string_equal(r.err.key,
			    rc == BRUG_ETOOBIG ? "error.too_large" : "error.bad_request");
	assert_string_equal(r.err.detail, msg);
	assert_int_equal(r.err_line, line);
	assert_string_equal(r.dump, want);
	run_free(&r);
}

/* ---- reading: the format ---- */

static void test_rfc4180(void **state)
{
	(void)state;
	/* the examples of RFC 4180 section 2, in order */
	expect_records(S("aaa,bbb,ccc\r\nzzz,yyy,xxx\r\n"), ',',
		       "1:[aaa][bbb][ccc]\n2:[zzz][yyy][xxx]\n");
	expect_records(S("aaa,bbb,ccc\r\nzzz,yyy,xxx"), ',',
		       "1:[aaa][bbb][ccc]\n2:[zzz][yyy][xxx]\n");
	expect_records(
		S("field_name,field_name,field_name\r\naaa,bbb,ccc\r\nzzz,yyy,xxx\r\n"), ',',
		"1:[field_name][field_name][field_name]\n2:[aaa][bbb][ccc]\n3:[zzz][yyy][xxx]\n");
	expect_records(S("aaa,bbb,ccc"), ',', "1:[aaa][bbb][ccc]\n");
	expect_records(S("\"aaa\",\"bbb\",\"ccc\"\r\nzzz,yyy,xxx"), ',',
		       "1:[aaa][bbb][ccc]\n2:[zzz][yyy][xxx]\n");
	expect_records(S("\"aaa\",\"b\r\nbb\",\"ccc\"\r\nzzz,yyy,xxx"), ',',
		       "1:[aaa][b\r\nbb][ccc]\n3:[zzz][yyy][xxx]\n");
	expect_records(S("\"aaa\",\"b\"\"bb\",\"ccc\""), ',', "1:[aaa][b\"bb][ccc]\n");
	/* empty fields, quoted and not; spaces belong to the field */
	expect_records(S("a,,c\r\n,,\r\n\"\",\"\",\"\"\r\n"), ',',
		       "1:[a][][c]\n2:[][][]\n3:[][][]\n");
	expect_records(S(" a , b ,\" c \"\n"), ',', "1:[ a ][ b ][ c ]\n");
	expect_records(S("a,\n,b\n"), ',', "1:[a][]\n2:[][b]\n");
	/* a line of one quoted empty field is a record, an empty line is not */
	expect_records(S("\"\"\n\nx\n"), ',', "1:[]\n3:[x]\n");
	/* a lone space is a field too */
	expect_records(S(" \n"), ',', "1:[ ]\n");
	/* quotes and delimiters inside quotes */
	expect_records(S("\"a,b\",\"\"\"\",\"x\"\"y\"\"z\"\n"), ',', "1:[a,b][\"][x\"y\"z]\n");
	/* a trailing line end adds no record; nor do empty lines at the end */
	expect_records(S("a,b\n"), ',', "1:[a][b]\n");
	expect_records(S("a,b\r\n\r\n\r\n"), ',', "1:[a][b]\n");
	expect_records(S(""), ',', "");
	expect_records(S("\n\r\n\r"), ',', "");
	/* other delimiters: a comma is then plain text */
	expect_records(S("a,b;c\n"), ';', "1:[a,b][c]\n");
	expect_records(S("a|b\n"), '|', "1:[a][b]\n");
}

static void test_line_numbers(void **state)
{
	(void)state;
	/* quoted line ends count as lines */
	expect_records(S("h1,h2\n\"multi\nline\nvalue\",x\nnext,y\n"), ',',
		       "1:[h1][h2]\n2:[multi\nline\nvalue][x]\n5:[next][y]\n");
	/* LF, CR LF and lone CR, each kept as they are inside quotes */
	expect_records(S("a\nb\n\"c\nd\"\ne\n"), ',', "1:[a]\n2:[b]\n3:[c\nd]\n5:[e]\n");
	expect_records(S("a\r\nb\r\n\"c\r\nd\"\r\ne\r\n"), ',',
		       "1:[a]\n2:[b]\n3:[c\r\nd]\n5:[e]\n");
	expect_records(S("a\rb\r\"c\rd\"\re\r"), ',', "1:[a]\n2:[b]\n3:[c\rd]\n5:[e]\n");
	/* mixed, with empty lines in between (skipped but counted) */
	expect_records(S("a\r\n\r\nb\n\rc\r\r\nd"), ',', "1:[a]\n3:[b]\n5:[c]\n7:[d]\n");
	expect_records(S("\n\n\nx,y\n"), ',', "4:[x][y]\n");
	/* LF CR is two line ends, CR LF one */
	expect_records(S("a\n\rb\r\nc"), ',', "1:[a]\n3:[b]\n4:[c]\n");
	/* a quoted field with an empty line inside */
	expect_records(S("\"a\n\nb\",c\nd\n"), ',', "1:[a\n\nb][c]\n4:[d]\n");
	/* a record that starts on the line after a multi-line field ends */
	expect_records(S("x,\"1\r2\r3\"\ry,z"), ',', "1:[x][1\r2\r3]\n4:[y][z]\n");
}

static void test_dutch_excel(void **state)
{
	(void)state;
	/* Excel's "CSV UTF-8" in a Dutch locale: a byte order mark, semicolons,
	 * CR LF, quotes around fields that hold a semicolon or a quote */
	static const char file[] = "\xEF\xBB\xBFNaam;E-mail;Telefoon\r\n"
				   "\"Vries; Jan de\";jan@example.nl;06-12345678\r\n"
				   "\"Caf\xC3\xA9 \"\"Het Hoekje\"\"\";;\"+31 20 123 4567\"\r\n";
	static const char want[] = "1:[Naam][E-mail][Telefoon]\n"
				   "2:[Vries; Jan de][jan@example.nl][06-12345678]\n"
				   "3:[Caf\xC3\xA9 \"Het Hoekje\"][][+31 20 123 4567]\n";
	/* the byte order mark stripped by charset_to_utf8 */
	char *text;
	size_t len;
	enum charset cs;
	assert_int_equal(charset_to_utf8(file, sizeof(file) - 1, &text, &len, &cs, NULL), 0);
	assert_int_equal(cs, CHARSET_UTF8_BOM);
	assert_int_equal(csvx_detect_delimiter(text, len), ';');
	struct run r = read_all_ways(text, len, NULL, NULL);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.delim, ';');
	assert_string_equal(r.dump, want);
	run_free(&r);
	free(text);
	/* or by the reader itself, however the chunks fall */
	r = read_all_ways(file, sizeof(file) - 1, NULL, NULL);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.delim, ';');
	assert_string_equal(r.dump, want);
	run_free(&r);

	/* Excel's plain "CSV" in a Dutch locale is Windows-1252 */
	static const char old[] = "Naam;Plaats\r\nJos\xE9;\x84"
				  "Den Haag\x93\r\n";
	assert_int_equal(charset_to_utf8(old, sizeof(old) - 1, &text, &len, &cs, NULL), 0);
	assert_int_equal(cs, CHARSET_WINDOWS_1252);
	r = read_all_ways(text, len, NULL, NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.dump, "1:[Naam][Plaats]\n2:[Jos\xC3\xA9][\xE2\x80\x9E"
				    "Den Haag\xE2\x80\x9C]\n");
	run_free(&r);
	free(text);
}

static void test_tab(void **state)
{
	(void)state;
	static const char file[] = "Naam\tE-mail\tNotitie\n"
				   "Jan\tjan@example.nl\tbelt, soms; vaak\n"
				   "Piet\t\t\"twee\nregels\"\n";
	struct run r = read_all_ways(file, sizeof(file) - 1, NULL, NULL);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.delim, '\t');
	assert_string_equal(r.dump, "1:[Naam][E-mail][Notitie]\n"
				    "2:[Jan][jan@example.nl][belt, soms; vaak]\n"
				    "3:[Piet][][twee\nregels]\n");
	run_free(&r);
	/* a field of spaces and tabs between tabs is kept whole */
	expect_records(S("a\t \t\tb\n"), '\t', "1:[a][ ][][b]\n");
}

static void test_detect(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		char want;
		const char *what;
	} cases[] = {
		{"", ',', "empty"},
		{"\n\n", ',', "only empty lines"},
		{"naam\nJan\nPiet\n", ',', "one column"},
		{"a,b,c\n1,2,3\n", ',', "comma"},
		{"a;b;c\n1;2;3\n", ';', "semicolon"},
		{"a\tb\tc\n1\t2\t3\n", '\t', "tab"},
		{"a;b\n", ';', "a header alone"},
		{"a;b;c", ';', "no line end at all"},
		{"Naam;Bedrag\nJan;3,50\nPiet;4,25\nKees;5\n", ';', "decimal commas"},
		{"Naam;Bedrag;Btw\n\"3,50\";\"1,2,3\";x\n", ';', "commas inside quotes"},
		{"\"a;b;c\",d\n\"e;f;g\",h\n", ',', "semicolons inside quotes"},
		{"\"x\ny,z,w\",1\n2,3\n", ',', "a quoted line end does not end the line"},
		{"a,b;c\n1,2;3\n", ',', "a tie goes to the comma"},
		{"a;b\tc\n1;2\t3\n", ';', "a tie between ; and tab goes to ;"},
		{"a,b;c;d\n1,2;3;4\n", ';', "consistent both: the more frequent"},
		{"a;b;c\n1;2\n3;4;5\n6;7;8\n", ';', "ragged semicolons"},
		{"a;b;c\n1,2,3,4\n5;6;7\n8;9;10\n", ';', "the most lines agree"},
		{"a,b\n1,2\n3,4\n5;6;7;8;9\n", ',', "one odd line loses"},
		{"\"\"\"a\"\";b\";c\n", ';', "doubled quotes toggle twice"},
		{"\r\n\r\nx;y\r\n\r\nz;w\r\n", ';', "empty lines ignored"},
		{"\xEF\xBB\xBFNaam;Mail\n", ';', "a byte order mark is just text here"},
	};
	for (size_t i = 0; i < N(cases); i++) {
		char got = csvx_detect_delimiter(cases[i].s, strlen(cases[i].s));
		if (got != cases[i].want)
			fail_msg("%s: got '%c', expected '%c'", cases[i].what, got, cases[i].want);
	}
	/* only n bytes are read */
	assert_int_equal(csvx_detect_delimiter("a;b\nc,d", 4), ';');

	/* past the first 50 lines nothing counts */
	struct buf b;
	buf_init(&b, 0);
	for (int i = 0; i < 50; i++)
		buf_adds(&b, "a;b\n");
	for (int i = 0; i < 500; i++)
		buf_adds(&b, "a,b,c\n");
	assert_int_equal(csvx_detect_delimiter(buf_str(&b), b.len), ';');
	/* nor past the first 64 KiB, but a first line longer than that
	 * counts as far as it goes */
	buf_reset(&b);
	for (int i = 0; i < 40000; i++)
		buf_adds(&b, "x;");
	buf_adds(&b, "\na,b\n");
	assert_int_equal(csvx_detect_delimiter(buf_str(&b), b.len), ';');
	/* a line cut off at 64 KiB does not count when others do */
	buf_reset(&b);
	buf_adds(&b, "a,b\n");
	for (int i = 0; i < 40000; i++)
		buf_adds(&b, "x;");
	assert_int_equal(csvx_detect_delimiter(buf_str(&b), b.len), ',');
	buf_cleanup(&b);

	/* a reader with delimiter 0 detects from its first chunk */
	expect_records(S("a;b\n1;2\n"), 0, "1:[a][b]\n2:[1][2]\n");
}

static void test_ragged(void **state)
{
	(void)state;
	struct got g = {.check_header = true};
	static const char file[] = "a,b,c\n1,2\n3,4,5,6\n7,8,9\n\n10\n,,\n";
	struct run r = read_all_ways(file, sizeof(file) - 1, NULL, &g);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.dump, "1:[a][b][c]\n"
				    "2:[1][2] line 2: 2 fields where the header has 3\n"
				    "3:[3][4][5][6] line 3: 4 fields where the header has 3\n"
				    "4:[7][8][9]\n"
				    "6:[10] line 6: 1 field where the header has 3\n"
				    "7:[][][]\n");
	run_free(&r);
	struct csvx_field f[2] = {{"x", 1}, {"y", 1}};
	struct csvx_record rec = {f, 2, 9, 3};
	assert_int_equal(csvx_record_check(&rec, 2, NULL), 0);
	assert_int_equal(csvx_record_check(&rec, 5, NULL), BRUG_EINVAL);
}

/* ---- reading: errors ---- */

static void test_quote_errors(void **state)
{
	(void)state;
	expect_error(S("a,b\n1,\"oops\n2,3\n"), NULL, BRUG_EINVAL,
		     "unterminated quoted field starting at line 2", 2, "1:[a][b]\n");
	expect_error(S("\""), NULL, BRUG_EINVAL, "unterminated quoted field starting at line 1", 1,
		     "");
	/* the line of the field, not of the record */
	expect_error(S("x,\"a\nb\",\"c\nd\n"), NULL, BRUG_EINVAL,
		     "unterminated quoted field starting at line 2", 2, "");
	/* a doubled quote at the end does not close the field */
	expect_error(S("\"abc\"\""), NULL, BRUG_EINVAL,
		     "unterminated quoted field starting at line 1", 1, "");
	expect_error(S("a,b\nx,5\" screen\n"), NULL, BRUG_EINVAL,
		     "line 2: a quote inside field 2, which does not start with one; put the whole "
		     "field in quotes and double the quote",
		     2, "1:[a][b]\n");
	expect_error(S("h\n\"a\nb\"c,d\n"), NULL, BRUG_EINVAL,
		     "line 3: text after the closing quote of field 1; a quoted field ends at a "
		     "delimiter or a line end",
		     3, "1:[h]\n");
	/* not even a space may follow the closing quote */
	expect_error(S("\"a\" ,b\n"), NULL, BRUG_EINVAL,
		     "line 1: text after the closing quote of field 1; a quoted field ends at a "
		     "delimiter or a line end",
		     1, "");
	expect_error(S("a, \"b\"\n"), NULL, BRUG_EINVAL,
		     "line 1: a quote inside field 2, which does not start with one; put the whole "
		     "field in quotes and double the quote",
		     1, "");
}

static void test_bad_bytes(void **state)
{
	(void)state;
	expect_error(S("a,b\nc\0d\n"), NULL, BRUG_EINVAL,
		     "line 2: NUL byte; this is not a text file", 2, "1:[a][b]\n");
	expect_error(S("\0"), NULL, BRUG_EINVAL, "line 1: NUL byte; this is not a text file", 1,
		     "");
	expect_error(S("\"a\n\0\""), NULL, BRUG_EINVAL, "line 2: NUL byte; this is not a text file",
		     2, "");
	expect_error(S("a,\xFF\n"), NULL, BRUG_EINVAL, "line 1: field 2 is not valid UTF-8", 1, "");
	expect_error(S("a\n\"x\n\xC3\""), NULL, BRUG_EINVAL, "line 2: field 1 is not valid UTF-8",
		     2, "1:[a]\n");
	/* a byte order mark cut short is no mark */
	expect_records(S("\xEF\xBB\x80;b\n"), 0, "1:[\xEF\xBB\x80][b]\n");
	expect_error(S("\xEF\xBB"), NULL, BRUG_EINVAL, "line 1: field 1 is not valid UTF-8", 1, "");
}

static void test_limits(void **state)
{
	(void)state;
	size_t max = CSVX_FIELD_MAX;
	struct buf b;
	buf_init(&b, 0);
	/* a field of exactly the limit, plain and quoted */
	buf_adds(&b, "h\n");
	for (size_t i = 0; i < max; i++)
		buf_addc(&b, 'x');
	buf_adds(&b, "\n\"");
	for (size_t i = 0; i < max; i++)
		buf_addc(&b, 'y');
	buf_adds(&b, "\"\n");
	struct run r = read_with(buf_str(&b), b.len, NULL, 0, &(struct got){0});
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.records, 3);
	run_free(&r);
	/* one byte more */
	buf_reset(&b);
	buf_adds(&b, "h\n\"");
	for (size_t i = 0; i <= max; i++)
		buf_addc(&b, 'x');
	buf_adds(&b, "\"\n");
	expect_error(buf_str(&b), b.len, NULL, BRUG_ETOOBIG,
		     "line 2: field 1 is longer than 65536 bytes", 2, "1:[h]\n");
	/* a quoted field that goes on over many lines: the line it starts on */
	buf_reset(&b);
	buf_adds(&b, "a,\"");
	for (size_t i = 0; i < max; i++)
		buf_adds(&b, "x\n");
	expect_error(buf_str(&b), b.len, NULL, BRUG_ETOOBIG,
		     "line 1: field 2 is longer than 65536 bytes", 1, "");
	buf_cleanup(&b);

	/* fields per record */
	buf_init(&b, 0);
	for (size_t i = 1; i < CSVX_FIELDS_MAX; i++)
		buf_addc(&b, ',');
	buf_adds(&b, "\nx\n");
	r = read_with(buf_str(&b), b.len, NULL, 0, &(struct got){0});
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.records, 2);
	run_free(&r);
	buf_reset(&b);
	buf_adds(&b, "ok\n\n");
	for (size_t i = 0; i < CSVX_FIELDS_MAX; i++)
		buf_addc(&b, ',');
	expect_error(buf_str(&b), b.len, NULL, BRUG_ETOOBIG,
		     "line 3: more than 1000 fields in one record", 3, "1:[ok]\n");
	buf_cleanup(&b);

	/* smaller limits */
	struct csvx_options small = {
		.delim = ',', .field_max = 4, .fields_max = 3, .record_max = 10};
	struct run ok = read_all_ways(S("abcd,efgh\n"), &small, NULL);
	assert_int_equal(ok.rc, 0);
	assert_string_equal(ok.dump, "1:[abcd][efgh]\n");
	run_free(&ok);
	expect_error(S("abcd,efghi\n"), &small, BRUG_ETOOBIG,
		     "line 1: field 2 is longer than 4 bytes", 1, "");
	expect_error(S("a,b,c\na,b,c,d\n"), &small, BRUG_ETOOBIG,
		     "line 2: more than 3 fields in one record", 2, "1:[a][b][c]\n");
	expect_error(S("abcd,efgh,ijk\n"), &small, BRUG_ETOOBIG,
		     "line 1: the record holds more than 10 bytes", 1, "");
	ok = read_all_ways(S("abcd,efgh,ij\n"), &small, NULL);
	assert_int_equal(ok.rc, 0);
	assert_string_equal(ok.dump, "1:[abcd][efgh][ij]\n");
	run_free(&ok);
}

/* A line of 64 MiB without a line end, fed in 1 MiB chunks, is refused in
 * the first chunk, and the reader never grows past its limits. */
static void test_hostile_line(void **state)
{
	(void)state;
	size_t chunk = (size_t)1 << 20;
	char *junk = malloc(chunk);
	memset(junk, 'x', chunk);
	struct got g = {0};
	buf_init(&g.dump, 0);
	struct csvx_reader *r = csvx_reader_new(NULL, collect, &g);
	struct brug_err err = {0};
	int rc = 0;
	size_t fed = 0;
	while (!rc && fed < 64 * chunk) {
		rc = csvx_reader_feed(r, junk, chunk, &err);
		fed += chunk;
		assert_true(csvx_reader_memory(r) < CSVX_FIELD_MAX + ((size_t)64 << 10));
	}
	assert_int_equal(rc, BRUG_ETOOBIG);
	assert_int_equal(fed, chunk);
	assert_string_equal(err.detail, "line 1: field 1 is longer than 65536 bytes");
	/* the error sticks, and is told again */
	struct brug_err again = {0};
	assert_int_equal(csvx_reader_feed(r, "a\n", 2, &again), BRUG_ETOOBIG);
	assert_string_equal(again.detail, err.detail);
	assert_int_equal(csvx_reader_finish(r, NULL), BRUG_ETOOBIG);
	assert_int_equal(g.records, 0);
	csvx_reader_free(r);
	buf_cleanup(&g.dump);
	free(junk);
}

static void test_stop(void **state)
{
	(void)state;
	struct got g = {.stop_after = 2, .stop_rc = 42};
	buf_init(&g.dump, 0);
	struct brug_err err = {0};
	assert_int_equal(csvx_parse(S("a\nb\nc\nd\n"), NULL, collect, &g, &err), 42);
	assert_string_equal(buf_str(&g.dump), "1:[a]\n2:[b]\n");
	assert_int_equal(err.rc, 0); /* the callback's business */
	assert_string_equal(err.detail, "");
	buf_cleanup(&g.dump);

	/* a reader stays stopped; the last record without a line end can stop
	 * it too */
	g = (struct got){.stop_after = 1, .stop_rc = BRUG_EVALIDATION};
	buf_init(&g.dump, 0);
	struct csvx_reader *r = csvx_reader_new(NULL, collect, &g);
	assert_int_equal(csvx_reader_feed(r, S("a,b"), NULL), 0);
	assert_int_equal(csvx_reader_finish(r, NULL), BRUG_EVALIDATION);
	assert_int_equal(csvx_reader_feed(r, S("c\n"), NULL), BRUG_EVALIDATION);
	assert_int_equal(csvx_reader_error_line(r), 0);
	assert_int_equal(csvx_reader_records(r), 1);
	csvx_reader_free(r);
	buf_cleanup(&g.dump);
}

static void test_misuse(void **state)
{
	(void)state;
	struct brug_err err = {0};
	struct csvx_options quote = {.delim = '"'};
	assert_int_equal(csvx_parse(S("a\n"), &quote, NULL, NULL, &err), BRUG_EINVAL);
	assert_string_equal(err.detail, "the delimiter must be an ASCII character other than a "
					"quote or a line end");
	struct csvx_options high = {.delim = (char)0xA7};
	assert_int_equal(csvx_parse(S("a\n"), &high, NULL, NULL, NULL), BRUG_EINVAL);
	struct csvx_options lf = {.delim = '\n'};
	assert_int_equal(csvx_parse(S("a\n"), &lf, NULL, NULL, NULL), BRUG_EINVAL);
	/* fed after the end */
	struct csvx_reader *r = csvx_reader_new(NULL, NULL, NULL);
	assert_int_equal(csvx_reader_delim(r), 0);
	assert_int_equal(csvx_reader_feed(r, S("a;b\n"), NULL), 0);
	assert_int_equal(csvx_reader_delim(r), ';');
	assert_int_equal(csvx_reader_finish(r, NULL), 0);
	assert_int_equal(csvx_reader_finish(r, NULL), 0);
	assert_int_equal(csvx_reader_feed(r, S("c\n"), &err), BRUG_EINVAL);
	assert_string_equal(err.detail, "the reader was fed after the end of the file");
	assert_int_equal(csvx_reader_records(r), 1);
	csvx_reader_free(r);
	csvx_reader_free(NULL);
}

/* ---- reading: a million rows ---- */

struct count {
	size_t records, last_line;
	size_t peak_reader; /* csvx_reader_memory */
	size_t base_heap, peak_heap;
	const struct csvx_reader *reader;
	bool fields_ok;
};

static size_t heap_in_use(void)
{
	return mallinfo2().uordblks;
}

static int count_row(const struct csvx_record *rec, void *ctx)
{
	struct count *c = ctx;
	c->records++;
	c->last_line = rec->line;
	if (rec->index == 765432) {
		c->fields_ok = rec->n == 3 && strcmp(rec->field[0].p, "765432") == 0 &&
			       strcmp(rec->field[1].p, "Naam \"765432\"") == 0 &&
			       strcmp(rec->field[2].p, "u765432@example.nl") == 0;
	}
	if (rec->index % 4096 == 0) {
		size_t m = csvx_reader_memory(c->reader), h = heap_in_use();
		if (m > c->peak_reader)
			c->peak_reader = m;
		if (h > c->peak_heap)
			c->peak_heap = h;
	}
	return 0;
}

static void test_million_rows(void **state)
{
	(void)state;
	struct count c = {0};
	struct csvx_reader *r = csvx_reader_new(NULL, count_row, &c);
	c.reader = r;
	size_t cap = (size_t)64 << 10;
	char *chunk = malloc(cap + 256);
	size_t len = 0, total = 0;
	len += (size_t)snprintf(chunk, cap, "id,naam,e-mail\r\n");
	c.base_heap = c.peak_heap = heap_in_use();
	for (int i = 1; i <= 1000000; i++) {
		len += (size_t)snprintf(chunk + len, 256,
					"%d,\"Naam \"\"%d\"\"\",u%d@example.nl\r\n", i, i, i);
		if (len >= cap) {
			assert_int_equal(csvx_reader_feed(r, chunk, len, NULL), 0);
			total += len;
			len = 0;
		}
	}
	assert_int_equal(csvx_reader_feed(r, chunk, len, NULL), 0);
	total += len;
	assert_int_equal(csvx_reader_finish(r, NULL), 0);
	assert_true(total > (size_t)32 << 20);
	assert_int_equal(c.records, 1000001);
	assert_int_equal(c.last_line, 1000001);
	assert_true(c.fields_ok);
	/* the reader holds a few KiB, whatever it is fed */
	if (c.peak_reader > (size_t)32 << 10)
		fail_msg("the reader held %zu bytes", c.peak_reader);
	/* and so does the heap as a whole (not measured under AddressSanitizer,
	 * whose allocator mallinfo2 does not see) */
	if (c.peak_heap - c.base_heap > (size_t)256 << 10)
		fail_msg("the heap grew by %zu bytes", c.peak_heap - c.base_heap);
	csvx_reader_free(r);
	free(chunk);
}

/* ---- writing ---- */

static char *write_rows(const char *const *f, size_t n, char delim, unsigned flags)
{
	struct buf b;
	buf_init(&b, 0);
	assert_int_equal(csvx_write_row(&b, f, n, delim, flags), 0);
	return buf_take(&b, NULL);
}

static void expect_written(const char *const *f, size_t n, char delim, unsigned flags,
			   const char *want)
{
	char *got = write_rows(f, n, delim, flags);
	assert_string_equal(got, want);
	free(got);
}

static void test_write(void **state)
{
	(void)state;
	const char *plain[] = {"a", "b", "c"};
	expect_written(plain, 3, ',', 0, "a,b,c\r\n");
	expect_written(plain, 1, ';', 0, "a\r\n");
	const char *tricky[] = {"a,b",     "say \"hi\"", "two\nlines", "cr\rx", " lead",
				"trail\t", "",           NULL,         "a;b",   "caf\xC3\xA9"};
	expect_written(
		tricky, N(tricky), ',', 0,
		"\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rx\",\" lead\",\"trail\t\",,,"
		"a;b,caf\xC3\xA9\r\n");
	expect_written(tricky, 1, ';', 0, "a,b\r\n");
	const char *semi[] = {"a;b", "\"", "x"};
	expect_written(semi, 3, ';', 0, "\"a;b\";\"\"\"\";x\r\n");
	/* one empty field is written so that it is not an empty line */
	const char *empty[] = {""};
	expect_written(empty, 1, ',', 0, "\"\"\r\n");
	const char *null[] = {NULL};
	expect_written(null, 1, ',', CSVX_PROTECT, "\"\"\r\n");
	const char *two_empty[] = {"", ""};
	expect_written(two_empty, 2, '\t', 0, "\t\r\n");
}

static void test_write_protect(void **state)
{
	(void)state;
	static const struct {
		const char *field, *off, *on;
	} cases[] = {
		{"=1+2", "=1+2", "'=1+2"},
		{"=HYPERLINK(\"http://x\",\"y\")", "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
		 "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
		{"+31 6 1234 5678", "+31 6 1234 5678", "'+31 6 1234 5678"},
		{"-5", "-5", "'-5"},
		{"@SUM(A1:A9)", "@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1", "\"\t=1\"", "\"'\t=1\""},
		{"\r=1", "\"\r=1\"", "\"'\r=1\""},
		{"=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
		/* only the start counts */
		{"a=1", "a=1", "a=1"},
		{" =1", "\" =1\"", "\" =1\""},
		{"'=1", "'=1", "'=1"},
		{"jan@example.nl", "jan@example.nl", "jan@example.nl"},
		{"", "", ""},
	};
	for (size_t i = 0; i < N(cases); i++) {
		const char *f[] = {"x", cases[i].field};
		char want[128];
		snprintf(want, sizeof(want), "x,%s\r\n", cases[i].off);
		expect_written(f, 2, ',', 0, want);
		snprintf(want, sizeof(want), "x,%s\r\n", cases[i].on);
		expect_written(f, 2, ',', CSVX_PROTECT, want);
	}
}

static void test_write_errors(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	const char *f[] = {"a", "b"};
	assert_int_equal(csvx_write_row(&b, f, 0, ',', 0), BRUG_EINVAL);
	static const char bad[] = {'"', '\r', '\n', '\0', '\'', (char)0xA7};
	for (size_t i = 0; i < N(bad); i++)
		assert_int_equal(csvx_write_row(&b, f, 2, bad[i], 0), BRUG_EINVAL);
	assert_int_equal(b.len, 0);
	buf_cleanup(&b);
	/* a buffer's cap holds */
	buf_init(&b, 10);
	const char *big[] = {"0123456789", "x"};
	assert_int_equal(csvx_write_row(&b, big, 2, ',', 0), BRUG_ETOOBIG);
	assert_true(b.failed);
	buf_cleanup(&b);
}

/* ---- writing and reading back ---- */

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* A random field from the characters that matter to CSV and formulas. */
static void random_field(char *out, size_t cap)
{
	static const char *const atoms[] = {"a",  "Z",  "0",  ",",        ";",    "\t",
					    "\"", "\r", "\n", " ",        "=",    "+",
					    "-",  "@",  "'",  "\xC3\xA9", "\r\n", "\"\""};
	size_t len = 0, k = rnd(9);
	for (size_t i = 0; i < k; i++) {
		const char *a = atoms[rnd(N(atoms))];
		size_t al = strlen(a);
		if (len + al >= cap)
			break;
		memcpy(out + len, a, al);
		len += al;
	}
	out[len] = '\0';
}

struct expect_rows {
	char (*fields)[6][32];
	size_t *n;
	size_t next;
	bool protect;
	size_t mismatches;
};

static bool formula_start(const char *f)
{
	return f[0] && strchr("=+-@\t\r", f[0]);
}

static int compare_row(const struct csvx_record *rec, void *ctx)
{
	struct expect_rows *e = ctx;
	size_t i = e->next++;
	if (rec->n != e->n[i]) {
		e->mismatches++;
		return 0;
	}
	for (size_t k = 0; k < rec->n; k++) {
		const char *want = e->fields[i][k];
		const char *got = rec->field[k].p;
		if (e->protect && formula_start(want)) {
			if (got[0] != '\'')
				e->mismatches++;
			got++;
		}
		if (strcmp(got, want) != 0)
			e->mismatches++;
	}
	return 0;
}

static void test_round_trip(void **state)
{
	(void)state;
	enum { ROWS = 3000 };
	static char fields[ROWS][6][32];
	static size_t n[ROWS];
	static const char delims[] = {',', ';', '\t'};
	for (int pass = 0; pass < 6; pass++) {
		char delim = delims[pass % 3];
		bool protect = pass >= 3;
		struct buf b;
		buf_init(&b, 0);
		for (size_t i = 0; i < ROWS; i++) {
			n[i] = 1 + rnd(6);
			const char *ptr[6];
			for (size_t k = 0; k < n[i]; k++) {
				random_field(fields[i][k], sizeof(fields[i][k]));
				ptr[k] = fields[i][k];
			}
			assert_int_equal(
				csvx_write_row(&b, ptr, n[i], delim, protect ? CSVX_PROTECT : 0),
				0);
		}
		struct expect_rows e = {fields, n, 0, protect, 0};
		struct csvx_options opt = {.delim = delim};
		struct brug_err err = {0};
		int rc = csvx_parse(buf_str(&b), b.len, &opt, compare_row, &e, &err);
		if (rc)
			fail_msg("pass %d: rc %d: %s", pass, rc, err.detail);
		assert_int_equal(e.next, ROWS);
		assert_int_equal(e.mismatches, 0);
		buf_cleanup(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4180),       cmocka_unit_test(test_line_numbers),
		cmocka_unit_test(test_dutch_excel),   cmocka_unit_test(test_tab),
		cmocka_unit_test(test_detect),        cmocka_unit_test(test_ragged),
		cmocka_unit_test(test_quote_errors),  cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_limits),        cmocka_unit_test(test_hostile_line),
		cmocka_unit_test(test_stop),          cmocka_unit_test(test_misuse),
		cmocka_unit_test(test_million_rows),  cmocka_unit_test(test_write),
		cmocka_unit_test(test_write_protect), cmocka_unit_test(test_write_errors),
		cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/view/mustache*.c: every case of the official spec files in
 * $BRUG_TESTDATA/mustache-spec/ (point BRUG_TESTDATA elsewhere to run another
 * copy), then what brug relies on beyond the spec: syntax errors with line
 * numbers, caps on recursion, output and work, the data rules, number
 * formatting and concurrent renders from one set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <pthread.h>

#include "util/buf.h"
#include "util/xmalloc.h"
#include "view/mustache.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A loader over a JSON object of name -> source. */
static char *load_json(void *ud, const char *name, size_t *len)
{
	json_t *s = json_object_get(ud, name);
	if (!json_is_string(s))
		return NULL;
	*len = json_string_length(s);
	return xstrndup(json_string_value(s), *len);
}

/* A set over "name", "source", ..., NULL; the caller frees both. */
static struct mustache_set *set_of(json_t **srcs, ...)
{
	va_list ap;
	va_start(ap, srcs);
	*srcs = json_object();
	const char *name;
	while ((name = va_arg(ap, const char *)))
		json_object_set_new(*srcs, name, json_string(va_arg(ap, const char *)));
	va_end(ap);
	return mustache_set_new(load_json, *srcs);
}

/* Renders src against the JSON text data (NULL: no context) with a set of
 * partials; returns the rc, and the output in got (caller frees). */
static int render_with(struct mustache_set *set, const char *src, const char *data, size_t max,
		       char **got, struct brug_err *err)
{
	json_t *ctx = data ? json_loads(data, JSON_DECODE_ANY, NULL) : NULL;
	if (data && !ctx)
		fail_msg("bad test data %s", data);
	struct buf out;
	buf_init(&out, max);
	int rc = mustache_render_string(set, src, strlen(src), &ctx, ctx ? 1 : 0, &out, err);
	*got = buf_take(&out, NULL);
	json_decref(ctx);
	return rc;
}

static void expect_render(const char *src, const char *data, const char *want)
{
	char *got;
	struct brug_err err = {0};
	int rc = render_with(NULL, src, data, 0, &got, &err);
	if (rc || strcmp(got, want) != 0)
		fail_msg("%s with %s: rc %d (%s), got \"%s\", want \"%s\"", src, data, rc,
			 err.detail, got, want);
	free(got);
}

static void expect_error(int rc, int want, const struct brug_err *err, const char *detail)
{
	assert_int_equal(rc, want);
	assert_int_equal(err->rc, want);
	assert_string_equal(err->key, "error.template");
	if (!strstr(err->detail, detail))
		fail_msg("detail \"%s\" lacks \"%s\"", err->detail, detail);
}

/* ---- the spec ---- */

static int spec_case(json_t *tc)
{
	json_t *partials = json_object_get(tc, "partials");
	json_t *data = json_object_get(tc, "data");
	const char *tmpl = json_string_value(json_object_get(tc, "template"));
	const char *want = json_string_value(json_object_get(tc, "expected"));
	struct mustache_set *set = mustache_set_new(load_json, partials);
	struct brug_err err = {0};
	struct buf out;
	buf_init(&out, 0);
	int rc = mustache_render_string(set, tmpl, strlen(tmpl), &data, 1, &out, &err);
	int ok = !rc && out.len == strlen(want) && memcmp(buf_str(&out), want, out.len) == 0;
	if (!ok)
		print_error("  FAIL %s: rc %d %s\n    template %s\n    got      \"%s\"\n    want     "
			    "\"%s\"\n",
			    json_string_value(json_object_get(tc, "name")), rc, err.detail, tmpl,
			    buf_str(&out), want);
	buf_cleanup(&out);
	mustache_set_free(set);
	return ok;
}

static int spec_file(const char *path, const char *file, int *cases)
{
	json_error_t jerr;
	json_t *doc = json_load_file(path, 0, &jerr);
	if (!doc)
		fail_msg("%s: %s", path, jerr.text);
	json_t *tests = json_object_get(doc, "tests"), *tc;
	size_t i;
	int passed = 0;
	json_array_foreach(tests, i, tc)
		passed += spec_case(tc);
	*cases = (int)json_array_size(tests);
	print_message("  %-28s %d/%d\n", file, passed, *cases);
	json_decref(doc);
	return passed;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_spec(void **state)
{
	(void)state;
	const char *root = getenv("BRUG_TESTDATA");
	if (!root)
		fail_msg("BRUG_TESTDATA is not set");
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/mustache-spec", root);
	DIR *d = opendir(dir);
	if (!d)
		fail_msg("cannot open %s", dir);
	char *names[64];
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < N(names)) {
		size_t len = strlen(de->d_name);
		if (len > 5 && strcmp(de->d_name + len - 5, ".json") == 0)
			names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	int passed = 0, total = 0;
	for (size_t i = 0; i < n; i++) {
		char path[2048];
		int cases = 0;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		passed += spec_file(path, names[i], &cases);
		total += cases;
		free(names[i]);
	}
	print_message("  mustache spec: %d/%d cases in %zu files\n", passed, total, n);
	assert_true(n > 0);
	assert_true(total > 0);
	assert_int_equal(passed, total);
}

/* ---- syntax errors ---- */

static void test_syntax_errors(void **state)
{
	(void)state;
	static const struct {
		const char *src, *detail;
	} cases[] = {
		{"a\nb\n{{#x}}\nc", "template page line 3: unclosed section \"x\""},
		{"{{#x}}\n{{/y}}", "line 2: closing tag \"y\" does not match \"x\" opened on line 1"},
		{"\n\n\n{{/y}}", "line 4: closing tag \"y\" closes nothing"},
		{"a\n{{b", "line 2: unclosed tag"},
		{"a\n\n{{{b}}", "line 3: unclosed tag"},
		{"{{=<% %>=}}\n<%a", "line 2: unclosed tag"},
		{"x\n{{=<%>=}}", "line 2: bad delimiter change"},
		{"{{= a b c =}}", "line 1: bad delimiter change"},
		{"{{=a=}}", "line 1: bad delimiter change"},
		{"{{=}}", "line 1: unclosed tag"},
		{"{{!\n\n}}{{#a}}", "line 3: unclosed section"},
		{"{{}}", "line 1: empty tag"},
		{"{{<p}}{{$b}}{{/p}}{{/b}}", "closing tag \"p\" does not match \"b\""},
		{"{{", "line 1: unclosed tag"},
	};
	for (size_t i = 0; i < N(cases); i++) {
		json_t *srcs;
		struct mustache_set *set = set_of(&srcs, "page", cases[i].src, NULL);
		struct brug_err err = {0};
		expect_error(mustache_check(set, "page", &err), BRUG_EINVAL, &err, cases[i].detail);
		/* the error is remembered, and rendering says the same */
		struct brug_err err2 = {0};
		struct buf out;
		buf_init(&out, 0);
		expect_error(mustache_render(set, "page", NULL, 0, &out, &err2), BRUG_EINVAL, &err2,
			     cases[i].detail);
		buf_cleanup(&out);
		mustache_set_free(set);
		json_decref(srcs);
	}
	char *got;
	struct brug_err err = {0};
	expect_error(render_with(NULL, "{{#a}}", NULL, 0, &got, &err), BRUG_EINVAL, &err,
		     "template (string) line 1: unclosed section");
	free(got);
}

static void test_nesting_limit(void **state)
{
	(void)state;
	struct buf src;
	buf_init(&src, 0);
	for (int i = 0; i < 101; i++)
		buf_adds(&src, "{{#a}}");
	for (int i = 0; i < 101; i++)
		buf_adds(&src, "{{/a}}");
	char *got;
	struct brug_err err = {0};
	expect_error(render_with(NULL, buf_str(&src), "{}", 0, &got, &err), BRUG_ETOOBIG, &err,
		     "nested deeper than 100");
	free(got);
	buf_cleanup(&src);
}

static void test_broken_partial(void **state)
{
	(void)state;
	json_t *srcs;
	struct mustache_set *set = set_of(&srcs, "page", "a{{>bad}}b", "bad", "x\n{{#y}}", NULL);
	struct brug_err err = {0};
	assert_int_equal(mustache_check(set, "page", &err), 0);
	struct buf out;
	buf_init(&out, 0);
	expect_error(mustache_render(set, "page", NULL, 0, &out, &err), BRUG_EINVAL, &err,
		     "template bad line 2: unclosed section \"y\"");
	buf_cleanup(&out);
	mustache_set_free(set);
	json_decref(srcs);
}

/* ---- lookups that fail ---- */

static void test_unknown_template(void **state)
{
	(void)state;
	json_t *srcs;
	struct mustache_set *set = set_of(&srcs, "page", "{{>nope}}[{{<nope}}{{/nope}}]", NULL);
	struct brug_err err = {0};
	expect_error(mustache_check(set, "missing", &err), BRUG_ENOTFOUND, &err,
		     "template missing not found");
	struct buf out;
	buf_init(&out, 0);
	expect_error(mustache_render(set, "missing", NULL, 0, &out, &err), BRUG_ENOTFOUND, &err,
		     "not found");
	/* ... twice: the miss is remembered */
	expect_error(mustache_render(set, "missing", NULL, 0, &out, &err), BRUG_ENOTFOUND, &err,
		     "not found");
	/* a missing partial or parent renders as nothing */
	assert_int_equal(mustache_render(set, "page", NULL, 0, &out, &err), 0);
	assert_string_equal(buf_str(&out), "[]");
	buf_cleanup(&out);
	mustache_set_free(set);
	json_decref(srcs);
	/* no set at all */
	buf_init(&out, 0);
	expect_error(mustache_render(NULL, "page", NULL, 0, &out, &err), BRUG_ENOTFOUND, &err,
		     "not found");
	buf_cleanup(&out);
	expect_render("a{{>p}}b", "{}", "ab");
}

/* ---- caps ---- */

static void expect_cap(const char *page, const char *other, const char *data, size_t max, int want,
		       const char *detail)
{
	json_t *srcs;
	struct mustache_set *set = set_of(&srcs, "page", page, "other", other, NULL);
	json_t *ctx = json_loads(data, JSON_DECODE_ANY, NULL);
	struct brug_err err = {0};
	struct buf out;
	buf_init(&out, max);
	expect_error(mustache_render(set, "page", &ctx, 1, &out, &err), want, &err, detail);
	buf_cleanup(&out);
	json_decref(ctx);
	mustache_set_free(set);
	json_decref(srcs);
}

static void test_recursion_cap(void **state)
{
	(void)state;
	expect_cap("x{{>page}}", "", "{}", 0, BRUG_ETOOBIG, "template page: partials nested deeper");
	expect_cap("{{>other}}", "{{#a}}{{>page}}{{/a}}", "{\"a\":true}", 0, BRUG_ETOOBIG,
		   "deeper than 64");
	expect_cap("{{<page}}{{/page}}", "", "{}", 0, BRUG_ETOOBIG, "deeper than 64");
	expect_cap("  {{>page}}\n", "", "{}", 0, BRUG_ETOOBIG, "deeper than 64");
	expect_cap("{{<other}}{{$b}}{{>page}}{{/b}}{{/other}}", "{{$b}}{{/b}}", "{}", 0,
		   BRUG_ETOOBIG, "deeper than 64");
	/* an argument never overrides itself, so this ends */
	json_t *srcs;
	struct mustache_set *set = set_of(&srcs, "other", "{{$b}}{{/b}}", NULL);
	char *got;
	const char *src = "{{<other}}{{$b}}[{{$b}}in{{/b}}{{<other}}{{/other}}]{{/b}}{{/other}}";
	assert_int_equal(render_with(set, src, "{}", 0, &got, NULL), 0);
	assert_string_equal(got, "[in]");
	free(got);
	mustache_set_free(set);
	json_decref(srcs);
	/* a recursive partial that ends is fine */
	expect_render("{{#t}}{{>n}}{{/t}}", "{\"t\":1}", "");
}

static void test_output_cap(void **state)
{
	(void)state;
	expect_cap("{{#list}}{{.}}, {{/list}}", "", "{\"list\":[\"0123456789\",1,2,3,4,5,6,7,8,9]}",
		   30, BRUG_ETOOBIG, "template page: output over 30 bytes");
	expect_cap("{{#l}}{{{.}}}{{/l}}", "", "{\"l\":[\"abcdefghijklmnopqrstuvwxyz\"]}", 20,
		   BRUG_ETOOBIG, "output over 20 bytes");
	expect_cap("{{#l}}{{.}}{{/l}}", "", "{\"l\":[\"<<<<<<<\"]}", 20, BRUG_ETOOBIG,
		   "output over 20 bytes");
	/* exactly at the cap is fine */
	json_t *srcs;
	struct mustache_set *set = set_of(&srcs, "page", "0123456789", NULL);
	struct buf out;
	buf_init(&out, 10);
	assert_int_equal(mustache_render(set, "page", NULL, 0, &out, NULL), 0);
	assert_string_equal(buf_str(&out), "0123456789");
	buf_cleanup(&out);
	mustache_set_free(set);
	json_decref(srcs);
}

static void test_work_cap(void **state)
{
	(void)state;
	/* 10^8 passes that write nothing: stopped by the work budget */
	struct buf src;
	buf_init(&src, 0);
	for (int i = 0; i < 8; i++)
		buf_adds(&src, "{{#l}}");
	for (int i = 0; i < 8; i++)
		buf_adds(&src, "{{/l}}");
	expect_cap(buf_str(&src), "", "{\"l\":[0,0,0,0,0,0,0,0,0,0]}", 1000, BRUG_ETOOBIG,
		   "steps");
	/* 2^50 calls that never nest deeper than 50 */
	buf_reset(&src);
	for (int i = 0; i < 50; i++)
		buf_adds(&src, "{\"n\":");
	buf_adds(&src, "false");
	for (int i = 0; i < 50; i++)
		buf_adds(&src, "}");
	expect_cap("{{>other}}", "{{#n}}{{>other}}{{>other}}{{/n}}", buf_str(&src), 1000,
		   BRUG_ETOOBIG, "steps");
	buf_cleanup(&src);
	expect_cap("{{>page}}{{>page}}", "", "{}", 1000, BRUG_ETOOBIG, "deeper than 64");
}

/* ---- data ---- */

static void test_falsy(void **state)
{
	(void)state;
	static const struct {
		const char *data, *want;
	} cases[] = {
		{"{}", "[no]"},
		{"{\"v\":null}", "[no]"},
		{"{\"v\":false}", "[no]"},
		{"{\"v\":\"\"}", "[no]"},
		{"{\"v\":[]}", "[no]"},
		{"{\"v\":true}", "[yes true]"},
		{"{\"v\":0}", "[yes 0]"},
		{"{\"v\":0.0}", "[yes 0]"},
		{"{\"v\":\"0\"}", "[yes 0]"},
		{"{\"v\":\"x\"}", "[yes x]"},
		{"{\"v\":{}}", "[yes ]"},
		{"{\"v\":{\"w\":1}}", "[yes ]"},
		{"{\"v\":[null]}", "[yes ]"},
		{"{\"v\":[false,0,\"\"]}", "[yes false][yes 0][yes ]"},
	};
	for (size_t i = 0; i < N(cases); i++)
		expect_render("{{#v}}[yes {{.}}]{{/v}}{{^v}}[no]{{/v}}", cases[i].data,
			      cases[i].want);
}

static void test_scalars(void **state)
{
	(void)state;
	static const struct {
		const char *data, *want;
	} cases[] = {
		{"1.21", "1.21"},
		{"0.1", "0.1"},
		{"-0.5", "-0.5"},
		{"3.0", "3"},
		{"1e21", "1e+21"},
		{"1e20", "100000000000000000000"},
		{"3e6", "3000000"},
		{"-2.5e15", "-2500000000000000"},
		{"1.5e-7", "1.5e-7"},
		{"1e-6", "0.000001"},
		{"-0.000123", "-0.000123"},
		{"1e-7", "1e-7"},
		{"-0.0", "0"},
		{"5e-324", "5e-324"},
		{"9007199254740993.0", "9007199254740992"},
		{"1125899906842624.5", "1125899906842624.5"},
		{"0.1234567891", "0.1234567891"},
		{"100.0000001", "100.0000001"},
		{"0.30000000000000004", "0.30000000000000004"},
		{"123456789.125", "123456789.125"},
		{"2.220446049250313e-16", "2.220446049250313e-16"},
		{"1.7976931348623157e308", "1.7976931348623157e+308"},
		{"85", "85"},
		{"-9223372036854775808", "-9223372036854775808"},
		{"9223372036854775807", "9223372036854775807"},
		{"true", "true"},
		{"false", "false"},
		{"null", ""},
		{"\"a<b>&\\\"c'd`\"", "a&lt;b&gt;&amp;&quot;c&#39;d&#96;"},
		{"[1,2]", ""},
		{"{\"a\":1}", ""},
	};
	for (size_t i = 0; i < N(cases); i++) {
		char data[200];
		snprintf(data, sizeof(data), "{\"v\":%s}", cases[i].data);
		expect_render("{{v}}", data, cases[i].want);
	}
	expect_render("{{{v}}}|{{&v}}", "{\"v\":\"<&>'\"}", "<&>'|<&>'");
	/* a NUL inside a string is kept, not an end */
	char *got;
	struct buf out;
	buf_init(&out, 0);
	json_t *ctx = json_pack("{s:s%}", "v", "a\0b", (size_t)3);
	assert_int_equal(mustache_render_string(NULL, "[{{v}}]", 7, &ctx, 1, &out, NULL), 0);
	assert_int_equal(out.len, 5);
	assert_memory_equal(buf_str(&out), "[a\0b]", 5);
	got = buf_take(&out, NULL);
	free(got);
	json_decref(ctx);
}

static void test_context_stack(void **state)
{
	(void)state;
	json_t *ctx[] = {json_pack("{s:s,s:s}", "a", "bottom", "b", "bottom"),
			 json_pack("{s:s}", "a", "top"), json_string("str")};
	struct buf out;
	buf_init(&out, 0);
	const char *src = "{{a}} {{b}} {{.}} {{#c}}x{{/c}}";
	assert_int_equal(mustache_render_string(NULL, src, strlen(src), ctx, 3, &out, NULL), 0);
	assert_string_equal(buf_str(&out), "top bottom str ");
	buf_cleanup(&out);
	/* no context at all */
	buf_init(&out, 0);
	assert_int_equal(mustache_render_string(NULL, src, strlen(src), NULL, 0, &out, NULL), 0);
	assert_string_equal(buf_str(&out), "   ");
	buf_cleanup(&out);
	for (size_t i = 0; i < N(ctx); i++)
		json_decref(ctx[i]);
}

/* ---- whitespace beyond the spec's cases ---- */

static void test_indentation(void **state)
{
	(void)state;
	json_t *srcs;
	struct mustache_set *set =
		set_of(&srcs, "page", "<ul>\n  {{>items}}\n</ul>\n", "items",
		       "{{#l}}\n<li>\n  {{>item}}\n</li>\n{{/l}}\n", "item", "{{.}}\n{{^.}}none{{/.}}\n",
		       "deli", "{{=<% %>=}}<%a%>", NULL);
	json_t *ctx = json_loads("{\"l\":[\"a\",\"\"],\"a\":1}", 0, NULL);
	struct buf out;
	buf_init(&out, 0);
	assert_int_equal(mustache_render(set, "page", &ctx, 1, &out, NULL), 0);
	assert_string_equal(buf_str(&out), "<ul>\n  <li>\n    a\n    \n  </li>\n  <li>\n    \n"
					   "    none\n  </li>\n</ul>\n");
	/* delimiters set in a partial end with it */
	buf_reset(&out);
	const char *src = "{{>deli}}{{a}}<%a%>";
	assert_int_equal(mustache_render_string(set, src, strlen(src), &ctx, 1, &out, NULL), 0);
	assert_string_equal(buf_str(&out), "11<%a%>");
	buf_cleanup(&out);
	json_decref(ctx);
	mustache_set_free(set);
	json_decref(srcs);
}

/* ---- threads ---- */

struct job {
	struct mustache_set *set;
	json_t *ctx;
	char *out;
	int rc;
};

static void *render_job(void *p)
{
	struct job *j = p;
	for (int i = 0; i < 200 && !j->rc; i++) {
		struct buf out;
		buf_init(&out, 0);
		j->rc = mustache_render(j->set, "page", &j->ctx, 1, &out, NULL);
		char *s = buf_take(&out, NULL);
		if (!j->out)
			j->out = s;
		else if (strcmp(j->out, s) != 0)
			j->rc = -100;
		if (j->out != s)
			free(s);
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	json_t *srcs;
	struct mustache_set *set = set_of(
		&srcs, "page", "{{<layout}}{{$body}}\n  {{#rows}}\n  {{>row}}\n  {{/rows}}\n{{/body}}{{/layout}}",
		"layout", "<main>\n  {{$body}}\n  {{/body}}\n</main>\n", "row",
		"<p>{{name}} {{score}}{{#tags}} #{{.}}{{/tags}}</p>\n", NULL);
	json_t *ctx = json_loads("{\"rows\":[{\"name\":\"a&b\",\"score\":1.5,\"tags\":[\"x\"]},"
				 "{\"name\":\"c\",\"score\":10}]}",
				 0, NULL);
	const char *want = "<main>\n  <p>a&amp;b 1.5 #x</p>\n  <p>c 10</p>\n</main>\n";
	/* a fresh set, so the threads race to compile it */
	struct job jobs[4];
	pthread_t th[4];
	for (size_t i = 0; i < N(jobs); i++) {
		jobs[i] = (struct job){.set = set, .ctx = ctx};
		assert_int_equal(pthread_create(&th[i], NULL, render_job, &jobs[i]), 0);
	}
	for (size_t i = 0; i < N(jobs); i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(jobs[i].rc, 0);
		assert_string_equal(jobs[i].out, want);
		free(jobs[i].out);
	}
	json_decref(ctx);
	mustache_set_free(set);
	json_decref(srcs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_nesting_limit),
		cmocka_unit_test(test_broken_partial),
		cmocka_unit_test(test_unknown_template),
		cmocka_unit_test(test_recursion_cap),
		cmocka_unit_test(test_output_cap),
		cmocka_unit_test(test_work_cap),
		cmocka_unit_test(test_falsy),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_context_stack),
		cmocka_unit_test(test_indentation),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/http/input.c: each in_* for a form body (strings, which are
 * converted) and for a JSON body (where a wrong type is an error with its
 * own message key per field); trimming, control characters, length in code
 * points, e-mail normalisation, id lists, checkbox booleans, and secrets
 * never echoed back into a form. The request is built by hand: no server,
 * no app. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/input.h"
#include "http/req.h"
#include "util/jx.h"

struct fixture {
	struct req req;
	struct input in;
	struct resp resp;
	bool begun;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	req_init(&f->req, NULL);
	resp_init(&f->resp);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	if (f->begun)
		input_end(&f->in);
	resp_cleanup(&f->resp);
	req_cleanup(&f->req);
	free(f);
	return 0;
}

/* A form body from "name=value" strings (already decoded). */
static struct input *form(struct fixture *f, const char *const *pairs)
{
	for (size_t i = 0; pairs[i]; i++) {
		const char *eq = strchr(pairs[i], '=');
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)(eq - pairs[i]), pairs[i]);
		kvs_add(&f->req.form, &f->req.arena, name, eq + 1, strlen(eq + 1));
	}
	assert_int_equal(input_begin(&f->req, &f->in), 0);
	f->begun = true;
	assert_ptr_equal(f->req.input, &f->in);
	assert_false(f->in.typed);
	return &f->in;
}

#define FORM(f, ...) form((f), (const char *const[]){__VA_ARGS__, NULL})

static struct input *json(struct fixture *f, const char *body)
{
	json_error_t je;
	f->req.json = json_loads(body, JSON_REJECT_DUPLICATES, &je);
	if (!f->req.json)
		fail_msg("bad test JSON %s: %s", body, je.text);
	assert_int_equal(input_begin(&f->req, &f->in), 0);
	f->begun = true;
	assert_true(f->in.typed);
	return &f->in;
}

/* The message recorded for field, or NULL. */
static const char *msg(struct input *in, const char *field)
{
	return jx_str(in->fields, field);
}

static void expect_fields(struct input *in, const char *want)
{
	char *s = jx_dumps(in->fields);
	assert_string_equal(s, want);
	free(s);
}

/* ---- text ---- */

static void test_text_form(void **state)
{
	struct fixture *f = *state;
	struct input *in = FORM(f, "name=  Ann Smith \t", "empty=", "blank= \t ",
				"multi=line 1\r\nline 2", "tab=a\tb", "ctl=a\x01z", "del=a\x7fz",
				"esc=\x1b[31mred", "rep=first", "rep=second");
	assert_string_equal(in_text(in, "name", IN_REQUIRED, 100), "Ann Smith");
	assert_null(msg(in, "name"));
	/* absent: NULL; sent empty: "" (so a form can clear a field) */
	assert_null(in_text(in, "absent", 0, 100));
	assert_string_equal(in_text(in, "empty", 0, 100), "");
	assert_string_equal(in_text(in, "blank", 0, 100), "");
	assert_true(input_ok(in));
	/* required */
	assert_null(in_text(in, "absent2", IN_REQUIRED, 100));
	assert_string_equal(msg(in, "absent2"), "error.required");
	assert_null(in_text(in, "blank", IN_REQUIRED, 100));
	assert_string_equal(msg(in, "blank"), "error.required");
	/* new lines and tabs only where asked for */
	assert_string_equal(in_text(in, "multi", IN_MULTILINE, 100), "line 1\r\nline 2");
	assert_null(in_text(in, "tab", 0, 100));
	assert_string_equal(msg(in, "tab"), "error.control_chars");
	/* once a field has its message, it stays failed */
	assert_null(in_text(in, "tab", IN_MULTILINE, 100));
	assert_string_equal(msg(in, "tab"), "error.control_chars");
	assert_null(in_text(in, "ctl", IN_MULTILINE, 100));
	assert_string_equal(msg(in, "ctl"), "error.control_chars");
	assert_null(in_text(in, "del", 0, 100));
	assert_string_equal(msg(in, "del"), "error.control_chars");
	assert_null(in_text(in, "esc", IN_MULTILINE, 100));
	assert_string_equal(msg(in, "esc"), "error.control_chars");
	/* a repeated field: the last one */
	assert_string_equal(in_text(in, "rep", 0, 100), "second");
	assert_false(input_ok(in));
	/* what was sent is kept to fill the form again */
	assert_string_equal(jx_str(in->values, "name"), "  Ann Smith \t");
	assert_string_equal(jx_str(in->values, "rep"), "second");
	assert_true(in_has(in, "empty"));
	assert_false(in_has(in, "absent"));
}

static void test_text_length_in_code_points(void **state)
{
	struct fixture *f = *state;
	struct input *in =
		FORM(f, "e3=\xC3\xA9\xC3\xA9\xC3\xA9", "e4=\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9",
		     "emoji=\xF0\x9F\x98\x80\xF0\x9F\x98\x80", "ascii=abcd", "padded=  abc  ");
	assert_string_equal(in_text(in, "e3", 0, 3),
			    "\xC3\xA9\xC3\xA9\xC3\xA9"); /* 6 bytes, 3 points */
	assert_null(in_text(in, "e4", 0, 3));
	assert_string_equal(msg(in, "e4"), "error.too_long");
	assert_string_equal(in_text(in, "emoji", 0, 2), "\xF0\x9F\x98\x80\xF0\x9F\x98\x80");
	assert_null(in_text(in, "ascii", 0, 3));
	assert_string_equal(msg(in, "ascii"), "error.too_long");
	/* the limit applies after trimming */
	assert_string_equal(in_text(in, "padded", 0, 3), "abc");
	expect_fields(in, "{\"e4\":\"error.too_long\",\"ascii\":\"error.too_long\"}");
}

static void test_text_raw_and_secret(void **state)
{
	struct fixture *f = *state;
	struct input *in = FORM(f, "password=  hunter2  ", "long=0123456789", "name=x\x01");
	assert_string_equal(in_text(in, "password", IN_REQUIRED | IN_SECRET | IN_RAW, 100),
			    "  hunter2  ");
	assert_null(in_text(in, "long", IN_SECRET, 5));
	assert_string_equal(msg(in, "long"), "error.too_long");
	assert_null(in_text(in, "name", 0, 100));
	/* secrets never go back into the form, valid or not */
	assert_null(json_object_get(in->values, "password"));
	assert_null(json_object_get(in->values, "long"));
	assert_non_null(json_object_get(in->values, "name"));
	assert_int_equal(input_fail(in, &f->resp), BRUG_EVALIDATION);
	char *body = jx_dumps(f->resp.data);
	assert_null(strstr(body, "hunter2"));
	assert_null(strstr(body, "0123456789"));
	free(body);
}

static void test_text_json(void **state)
{
	struct fixture *f = *state;
	struct input *in = json(
		f, "{\"name\":\"  Ann \",\"num\":5,\"null\":null,\"arr\":[\"a\"],\"bool\":true,"
		   "\"obj\":{\"a\":\"b\"},\"ctl\":\"a\\u0001b\",\"nl\":\"a\\nb\",\"nl2\":\"a\\nb\","
		   "\"long\":\"\\u00e9\\u00e9\\u00e9\\u00e9\",\"empty\":\"\"}");
	assert_string_equal(in_text(in, "name", IN_REQUIRED, 10), "Ann");
	assert_null(in_text(in, "num", 0, 10));
	assert_null(in_text(in, "arr", 0, 10)); /* an array is no repeated field in JSON */
	assert_null(in_text(in, "bool", 0, 10));
	assert_null(in_text(in, "obj", 0, 10));
	/* null is absent */
	assert_null(in_text(in, "null", 0, 10));
	assert_null(msg(in, "null"));
	assert_null(in_text(in, "null", IN_REQUIRED, 10));
	assert_null(in_text(in, "ctl", IN_MULTILINE, 10));
	assert_null(in_text(in, "nl", 0, 10));
	assert_string_equal(in_text(in, "nl2", IN_MULTILINE, 10), "a\nb");
	assert_null(in_text(in, "long", 0, 3));
	assert_string_equal(in_text(in, "empty", 0, 3), "");
	expect_fields(in, "{\"num\":\"error.type_string\",\"arr\":\"error.type_string\","
			  "\"bool\":\"error.type_string\",\"obj\":\"error.type_string\","
			  "\"null\":\"error.required\",\"ctl\":\"error.control_chars\","
			  "\"nl\":\"error.control_chars\",\"long\":\"error.too_long\"}");
}

/* ---- e-mail ---- */

static void test_email(void **state)
{
	struct fixture *f = *state;
	struct input *in = FORM(f, "a= Ann.Smith+tag@Example.COM ", "b=jos@bakker.nl", "none=");
	assert_string_equal(in_email(in, "a", IN_REQUIRED), "ann.smith+tag@example.com");
	assert_string_equal(in_email(in, "b", 0), "jos@bakker.nl");
	assert_null(in_email(in, "absent", 0));
	assert_string_equal(in_email(in, "none", 0), "");
	assert_true(input_ok(in));
	assert_null(in_email(in, "absent", IN_REQUIRED));
	assert_string_equal(msg(in, "absent"), "error.required");
}

static void test_email_invalid(void **state)
{
	struct fixture *f = *state;
	static const char *const bad[] = {
		"e=alice",           "e=@example.com",    "e=alice@",
		"e=alice@example",   "e=a@@example.com",  "e=a@b@example.com",
		"e=a@example..com",  "e=a@.example.com",  "e=a@example.com.",
		"e=a@.com",          "e=a b@example.com", "e=<a@example.com>",
		"e=a@example.com;",  "e=a,b@example.com", "e=\"a\"@example.com",
		"e=a@exa(mple).com", "e=a@[127.0.0.1]",   "e=a\\b@example.com",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct req req;
		struct input in;
		req_init(&req, NULL);
		kvs_add(&req.form, &req.arena, "e", bad[i] + 2, strlen(bad[i] + 2));
		assert_int_equal(input_begin(&req, &in), 0);
		if (in_email(&in, "e", IN_REQUIRED) != NULL || !msg(&in, "e") ||
		    strcmp(msg(&in, "e"), "error.email") != 0)
			fail_msg("%s was accepted or got %s", bad[i] + 2, msg(&in, "e"));
		input_end(&in);
		req_cleanup(&req);
	}
	(void)f;
}

static void test_email_json_and_length(void **state)
{
	struct fixture *f = *state;
	char body[700];
	char local[250];
	memset(local, 'a', 249);
	local[249] = '\0';
	/* 249 + "@x.nl" = 254 characters: the longest allowed; 255 is too long */
	snprintf(body, sizeof(body), "{\"ok\":\"%s@x.nl\",\"long\":\"a%s@x.nl\",\"num\":1}", local,
		 local);
	struct input *in = json(f, body);
	const char *ok = in_email(in, "ok", IN_REQUIRED);
	assert_non_null(ok);
	assert_int_equal(strlen(ok), 254);
	assert_null(in_email(in, "long", IN_REQUIRED));
	assert_null(in_email(in, "num", IN_REQUIRED));
	expect_fields(in, "{\"long\":\"error.too_long\",\"num\":\"error.type_string\"}");
}

/* ---- enum ---- */

static void test_enum(void **state)
{
	struct fixture *f = *state;
	static const char *const langs[] = {"nl", "en", NULL};
	struct input *in = FORM(f, "a=en", "b= nl ", "c=de", "d=", "e=EN");
	const char *a = in_enum(in, "a", IN_REQUIRED, langs);
	assert_ptr_equal(a, langs[1]); /* the table's own string */
	assert_ptr_equal(in_enum(in, "b", 0, langs), langs[0]);
	assert_null(in_enum(in, "c", 0, langs));
	assert_null(in_enum(in, "d", 0, langs));
	assert_null(in_enum(in, "absent", 0, langs));
	assert_null(in_enum(in, "e", 0, langs)); /* exact, not case-folded */
	assert_null(in_enum(in, "d2", IN_REQUIRED, langs));
	expect_fields(in,
		      "{\"c\":\"error.choice\",\"e\":\"error.choice\",\"d2\":\"error.required\"}");
}

static void test_enum_json(void **state)
{
	struct fixture *f = *state;
	static const char *const roles[] = {"employee", "admin", NULL};
	struct input *in = json(f, "{\"a\":\"admin\",\"b\":1,\"c\":[\"admin\"],\"d\":\"root\"}");
	assert_string_equal(in_enum(in, "a", IN_REQUIRED, roles), "admin");
	assert_null(in_enum(in, "b", IN_REQUIRED, roles));
	assert_null(in_enum(in, "c", IN_REQUIRED, roles));
	assert_null(in_enum(in, "d", IN_REQUIRED, roles));
	expect_fields(
		in,
		"{\"b\":\"error.type_string\",\"c\":\"error.type_string\",\"d\":\"error.choice\"}");
}

/* ---- integers ---- */

static void test_int_form(void **state)
{
	struct fixture *f = *state;
	struct input *in = FORM(f, "a=42", "b=-5", "c=abc", "d=12abc", "e=", "f=1000",
				"g=99999999999999999999", "h=0x10", "i=1.5", "j=3", "j=4");
	assert_int_equal(in_int(in, "a", IN_REQUIRED, 0, 100, -1), 42);
	assert_int_equal(in_int(in, "b", 0, -10, 10, 0), -5);
	assert_int_equal(in_int(in, "c", 0, 0, 100, -1), -1);
	assert_int_equal(in_int(in, "d", 0, 0, 100, -1), -1);
	assert_int_equal(in_int(in, "e", 0, 0, 100, 7), 7); /* empty is absent */
	assert_int_equal(in_int(in, "absent", 0, 0, 100, 8), 8);
	assert_int_equal(in_int(in, "f", 0, 0, 100, -1), -1);
	assert_int_equal(in_int(in, "g", 0, 0, INT64_MAX, -1), -1);
	assert_int_equal(in_int(in, "h", 0, 0, 100, -1), -1);
	assert_int_equal(in_int(in, "i", 0, 0, 100, -1), -1);
	assert_int_equal(in_int(in, "j", 0, 0, 100, -1), 4);
	assert_int_equal(in_int(in, "e2", IN_REQUIRED, 0, 100, 9), 9);
	assert_int_equal(in_int(in, "e", IN_REQUIRED, 0, 100, 9), 9);
	expect_fields(
		in,
		"{\"c\":\"error.type_integer\",\"d\":\"error.type_integer\","
		"\"f\":\"error.range\",\"g\":\"error.type_integer\",\"h\":\"error.type_integer\","
		"\"i\":\"error.type_integer\",\"e2\":\"error.required\",\"e\":\"error.required\"}");
	assert_string_equal(jx_str(in->values, "a"), "42");
}

static void test_int_json(void **state)
{
	struct fixture *f = *state;
	struct input *in =
		json(f, "{\"a\":42,\"s\":\"5\",\"r\":5.0,\"t\":true,\"e\":\"\",\"n\":null,"
			"\"big\":101,\"neg\":-1,\"arr\":[1]}");
	assert_int_equal(in_int(in, "a", IN_REQUIRED, 0, 100, -1), 42);
	assert_int_equal(in_int(in, "s", 0, 0, 100, -1), -1);
	assert_int_equal(in_int(in, "r", 0, 0, 100, -1), -1);
	assert_int_equal(in_int(in, "t", 0, 0, 100, -1), -1);
	assert_int_equal(in_int(in, "e", 0, 0, 100, -1), -1);
	assert_int_equal(in_int(in, "n", 0, 0, 100, 3), 3);
	assert_int_equal(in_int(in, "big", 0, 0, 100, -1), -1);
	assert_int_equal(in_int(in, "neg", 0, 0, 100, -1), -1);
	assert_int_equal(in_int(in, "arr", 0, 0, 100, -1), -1);
	assert_int_equal(in_int(in, "n", IN_REQUIRED, 0, 100, 3), 3);
	expect_fields(
		in,
		"{\"s\":\"error.type_integer\",\"r\":\"error.type_integer\","
		"\"t\":\"error.type_integer\",\"e\":\"error.type_integer\","
		"\"big\":\"error.range\",\"neg\":\"error.range\",\"arr\":\"error.type_integer\","
		"\"n\":\"error.required\"}");
}

/* ---- booleans ---- */

static void test_bool_form(void **state)
{
	struct fixture *f = *state;
	struct input *in =
		FORM(f, "on=on", "one=1", "true=true", "yes=yes", "off=off", "zero=0",
		     "false=false", "empty=", "other=maybe", "box=0", "box=on", "unbox=0");
	assert_true(in_bool(in, "on", false));
	assert_true(in_bool(in, "one", false));
	assert_true(in_bool(in, "true", false));
	assert_true(in_bool(in, "yes", false));
	assert_false(in_bool(in, "off", true));
	assert_false(in_bool(in, "zero", true));
	assert_false(in_bool(in, "false", true));
	assert_false(in_bool(in, "empty", true));
	assert_false(in_bool(in, "other", true));
	/* an unticked checkbox is not sent at all: false, whatever the default */
	assert_false(in_bool(in, "absent", true));
	/* a hidden "0" before the checkbox: the checkbox, when ticked, wins */
	assert_true(in_bool(in, "box", false));
	assert_false(in_bool(in, "unbox", true));
	assert_true(input_ok(in));
}

static void test_bool_json(void **state)
{
	struct fixture *f = *state;
	struct input *in = json(f, "{\"t\":true,\"f\":false,\"s\":\"true\",\"i\":1,\"n\":null}");
	assert_true(in_bool(in, "t", false));
	assert_false(in_bool(in, "f", true));
	assert_true(in_bool(in, "n", true));      /* null: the default */
	assert_true(in_bool(in, "absent", true)); /* absent in a JSON patch: unchanged */
	assert_false(in_bool(in, "absent", false));
	assert_true(in_bool(in, "s", true));
	assert_false(in_bool(in, "i", false));
	expect_fields(in, "{\"s\":\"error.type_boolean\",\"i\":\"error.type_boolean\"}");
}

/* ---- id lists ---- */

static void test_ids_form(void **state)
{
	struct fixture *f = *state;
	struct input *in =
		FORM(f, "ids=3", "ids=1", "ids=20", "one=7", "zero=0", "neg=-2", "word=x",
		     "mixed=1", "mixed=y", "many=1", "many=2", "many=3", "empty=");
	int64_t out[4] = {0};
	assert_int_equal(in_ids(in, "ids", out, 4), 3);
	assert_int_equal(out[0], 3);
	assert_int_equal(out[1], 1);
	assert_int_equal(out[2], 20);
	assert_int_equal(in_ids(in, "one", out, 4), 1);
	assert_int_equal(out[0], 7);
	assert_int_equal(in_ids(in, "absent", out, 4), 0);
	assert_true(input_ok(in));
	assert_int_equal(in_ids(in, "zero", out, 4), 0);
	assert_int_equal(in_ids(in, "neg", out, 4), 0);
	assert_int_equal(in_ids(in, "word", out, 4), 0);
	assert_int_equal(in_ids(in, "mixed", out, 4), 0);
	assert_int_equal(in_ids(in, "many", out, 2), 2);
	assert_int_equal(in_ids(in, "empty", out, 4), 0);
	expect_fields(in, "{\"zero\":\"error.type_integer\",\"neg\":\"error.type_integer\","
			  "\"word\":\"error.type_integer\",\"mixed\":\"error.type_integer\","
			  "\"many\":\"error.too_many\",\"empty\":\"error.type_integer\"}");
}

static void test_ids_json(void **state)
{
	struct fixture *f = *state;
	struct input *in =
		json(f, "{\"ids\":[5,6],\"empty\":[],\"null\":null,\"one\":5,\"strs\":[\"1\"],"
			"\"zero\":[0],\"real\":[1.5],\"many\":[1,2,3]}");
	int64_t out[2] = {0};
	assert_int_equal(in_ids(in, "ids", out, 2), 2);
	assert_int_equal(out[0], 5);
	assert_int_equal(out[1], 6);
	assert_int_equal(in_ids(in, "empty", out, 2), 0);
	assert_int_equal(in_ids(in, "null", out, 2), 0);
	assert_int_equal(in_ids(in, "absent", out, 2), 0);
	assert_true(input_ok(in));
	assert_int_equal(in_ids(in, "one", out, 2), 0);
	assert_int_equal(in_ids(in, "strs", out, 2), 0);
	assert_int_equal(in_ids(in, "zero", out, 2), 0);
	assert_int_equal(in_ids(in, "real", out, 2), 0);
	assert_int_equal(in_ids(in, "many", out, 2), 2);
	expect_fields(in, "{\"one\":\"error.type_array\",\"strs\":\"error.type_integer\","
			  "\"zero\":\"error.type_integer\",\"real\":\"error.type_integer\","
			  "\"many\":\"error.too_many\"}");
}

/* ---- the whole: every wrong field at once, and the 422 ---- */

static void test_every_field_gets_its_message(void **state)
{
	struct fixture *f = *state;
	static const char *const roles[] = {"employee", "admin", NULL};
	struct input *in =
		json(f, "{\"name\":5,\"email\":\"nope\",\"role\":\"root\",\"count\":\"3\","
			"\"active\":\"yes\",\"teams\":7,\"ok\":\"fine\"}");
	int64_t ids[4];
	assert_null(in_text(in, "name", IN_REQUIRED, 100));
	assert_null(in_email(in, "email", IN_REQUIRED));
	assert_null(in_enum(in, "role", IN_REQUIRED, roles));
	assert_int_equal(in_int(in, "count", 0, 0, 10, 0), 0);
	assert_false(in_bool(in, "active", false));
	assert_int_equal(in_ids(in, "teams", ids, 4), 0);
	assert_string_equal(in_text(in, "ok", 0, 10), "fine");
	assert_null(in_text(in, "missing", IN_REQUIRED, 10));
	in_error(in, "extra", "error.custom");
	in_error(in, "extra", "error.second"); /* the first message stays */
	expect_fields(in, "{\"name\":\"error.type_string\",\"email\":\"error.email\","
			  "\"role\":\"error.choice\",\"count\":\"error.type_integer\","
			  "\"active\":\"error.type_boolean\",\"teams\":\"error.type_array\","
			  "\"missing\":\"error.required\",\"extra\":\"error.custom\"}");
	assert_false(input_ok(in));
	assert_int_equal(input_fail(in, &f->resp), BRUG_EVALIDATION);
	assert_int_equal(f->resp.status, 422);
	assert_int_equal(f->req.err.rc, BRUG_EVALIDATION);
	assert_string_equal(f->req.err.key, "error.validation_failed");
	json_t *d = f->resp.data;
	assert_true(json_equal(json_object_get(d, "fields"), in->fields));
	assert_string_equal(jx_str(json_object_get(d, "values"), "ok"), "fine");
}

static void test_json_not_an_object(void **state)
{
	struct fixture *f = *state;
	f->req.json = json_loads("[1,2]", 0, NULL);
	assert_int_equal(input_begin(&f->req, &f->in), BRUG_EINVAL);
	f->begun = true;
	assert_int_equal(f->req.err.rc, BRUG_EINVAL);
	assert_string_equal(f->req.err.key, "error.json_not_object");
}

static void test_fail_domain(void **state)
{
	struct fixture *f = *state;
	struct input *in = FORM(f, "email=a@b.nl");
	/* a failure naming a field becomes that field's message */
	brug_fail(&f->req.err, BRUG_ECONFLICT, "error.email_taken", "email");
	assert_int_equal(input_fail_domain(in, &f->resp, BRUG_ECONFLICT), BRUG_ECONFLICT);
	assert_int_equal(f->resp.status, 409);
	assert_string_equal(msg(in, "email"), "error.email_taken");
	assert_true(json_equal(json_object_get(f->resp.data, "fields"), in->fields));
	assert_int_equal(f->req.err.rc, BRUG_ECONFLICT);
}

static void test_fail_domain_passes_others(void **state)
{
	struct fixture *f = *state;
	struct input *in = FORM(f, "x=1");
	brug_fail(&f->req.err, BRUG_ENOTFOUND, "error.not_found", NULL);
	assert_int_equal(input_fail_domain(in, &f->resp, BRUG_ENOTFOUND), BRUG_ENOTFOUND);
	assert_int_equal(f->resp.status, 0);
	assert_null(f->resp.data);
	assert_true(input_ok(in));
	assert_int_equal(input_fail_domain(in, &f->resp, 0), 0);
	/* a validation failure with a field answers 422 */
	brug_fail(&f->req.err, BRUG_EVALIDATION, "error.password_short", "password");
	assert_int_equal(input_fail_domain(in, &f->resp, BRUG_EVALIDATION), BRUG_EVALIDATION);
	assert_int_equal(f->resp.status, 422);
	assert_string_equal(msg(in, "password"), "error.password_short");
}

static void test_end(void **state)
{
	struct fixture *f = *state;
	struct input *in = FORM(f, "a=1");
	input_end(in);
	f->begun = false;
	assert_null(f->req.input);
	input_end(NULL);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	jx_init();
	const struct CMUnitTest tests[] = {
		T(test_text_form),
		T(test_text_length_in_code_points),
		T(test_text_raw_and_secret),
		T(test_text_json),
		T(test_email),
		T(test_email_invalid),
		T(test_email_json_and_length),
		T(test_enum),
		T(test_enum_json),
		T(test_int_form),
		T(test_int_json),
		T(test_bool_form),
		T(test_bool_json),
		T(test_ids_form),
		T(test_ids_json),
		T(test_every_field_gets_its_message),
		T(test_json_not_an_object),
		T(test_fail_domain),
		T(test_fail_domain_passes_others),
		T(test_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for a survey's definition and answers without a database:
 * a question as the add-question form or its JSON body gives it
 * (api_survey_question_read, src/api/survey_input.c, with the form's
 * "key: nl | en" choice lines), checked by survey_question_check, then one
 * answer to it checked by survey_answer_check. The first byte picks form
 * (bit 0) or JSON; the rest is the question's body, a NUL byte, and the
 * answer (a JSON value, or a urlencoded form whose "a" fields are the
 * answer). Traps when a promise breaks: a checked question has a known
 * type, a key of [a-z0-9_], a text, a scale within 0..10 or two to thirty
 * choices with unique keys; an accepted answer is a score within the
 * scale (0 or 1 for yes/no), offered choice keys each once (one for a
 * single choice), or a text within the question's maximum; a refusal names
 * its field and a message. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "api/survey_input.h"
#include "domain/check.h"
#include "domain/survey_answer_impl.h"
#include "domain/survey_question.h"
#include "http/parse.h"
#include "util/jx.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	jx_init();
	return 0;
}

static bool is_key(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n && n <= 40 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

/* The stored options of a checked question of type. */
static void check_options(const char *type, const json_t *o)
{
	if (!strcmp(type, "single") || !strcmp(type, "multiple")) {
		json_t *c = json_object_get(o, "choices"), *seen = json_object(), *e;
		size_t i, n = json_array_size(c);
		if (n < 2 || n > SURVEY_CHOICES_MAX)
			__builtin_trap();
		json_array_foreach(c, i, e) {
			const char *k = jx_str(e, "key");
			if (!is_key(k) || json_object_get(seen, k))
				__builtin_trap();
			json_object_set_new(seen, k, json_true());
		}
		json_decref(seen);
	} else if (strcmp(type, "text") && strcmp(type, "yesno")) {
		int64_t lo = jx_int(o, "min", -1), hi = jx_int(o, "max", -1);
		if (lo < 0 || lo > 1 || hi <= lo || hi > 10)
			__builtin_trap();
	}
}

static bool offered(const json_t *q, const char *key)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(json_object_get(q, "options"), "choices"), i, c)
		if (!strcmp(jx_str(c, "key"), key))
			return true;
	return false;
}

/* An accepted answer row to question q. */
static void check_row(const json_t *q, const json_t *row)
{
	const char *type = jx_str(q, "type");
	const json_t *o = json_object_get(q, "options");
	if (!strcmp(type, "text")) {
		const char *t = jx_str(row, "text");
		if (!t || !*t || !check_text(t, (size_t)jx_int(o, "max", 0), true))
			__builtin_trap();
	} else if (!strcmp(type, "single") || !strcmp(type, "multiple")) {
		json_t *c = json_object_get(row, "choices"), *e, *seen = json_object();
		size_t i;
		if (!json_array_size(c) || (type[0] == 's' && json_array_size(c) != 1))
			__builtin_trap();
		json_array_foreach(c, i, e) {
			const char *k = json_string_value(e);
			if (!k || !offered(q, k) || json_object_get(seen, k))
				__builtin_trap();
			json_object_set_new(seen, k, json_true());
		}
		json_decref(seen);
	} else {
		json_t *s = json_object_get(row, "score");
		int64_t lo = !strcmp(type, "yesno") ? 0 : jx_int(o, "min", 0);
		int64_t hi = !strcmp(type, "yesno") ? 1 : jx_int(o, "max", 0);
		if (!json_is_integer(s) || json_integer_value(s) < lo || json_integer_value(s) > hi)
			__builtin_trap();
	}
}

/* The answer in p[0..n): a JSON value, or the "a" fields of a form. */
static json_t *answer_of(struct req *req, bool form, const char *p, size_t n)
{
	if (!form)
		return json_loadb(p, n, JSON_DECODE_ANY, NULL);
	struct kvs f = {0};
	if (parse_urlencoded(p, n, &req->arena, &f, NULL))
		return NULL;
	json_t *a = json_array();
	for (size_t i = 0; i < f.n; i++)
		if (!strcmp(f.v[i].name, "a"))
			json_array_append_new(a, json_stringn(f.v[i].value, f.v[i].value_len));
	if (json_array_size(a) == 1) {
		json_t *one = json_incref(json_array_get(a, 0));
		json_decref(a);
		return one;
	}
	return a;
}

static void answer(struct req *req, bool form, const json_t *q, const char *p, size_t n)
{
	json_t *v = answer_of(req, form, p, n), *row = NULL;
	struct brug_err err = {0};
	int rc = survey_answer_check(q, v, "q1", &row, &err);
	if (rc == 0 && row)
		check_row(q, row);
	else if (rc && (rc != BRUG_EVALIDATION || !err.key || !err.field || row))
		__builtin_trap();
	json_decref(row);
	json_decref(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool form = data[0] & 1;
	const char *body = (const char *)data + 1;
	const char *nul = memchr(body, '\0', size - 1);
	size_t n = nul ? (size_t)(nul - body) : size - 1;
	struct req req;
	struct input in = {0};
	struct survey_question_fields q = {0};
	json_t *opts = NULL, *question = NULL;
	req_init(&req, NULL);
	if (form ? parse_urlencoded(body, n, &req.arena, &req.form, &req.err) != 0
		 : !(req.json = json_loadb(body, n, JSON_REJECT_DUPLICATES, NULL)))
		goto out;
	if (input_begin(&req, &in))
		goto out;
	api_survey_question_read(&in, &q, true);
	if (!input_ok(&in))
		goto out;
	struct brug_err err = {0};
	int rc = survey_question_check(&q, &opts, &err);
	if (rc) {
		if (rc != BRUG_EVALIDATION || !err.key || !err.field)
			__builtin_trap();
		goto out;
	}
	if (q.key && !is_key(q.key))
		__builtin_trap();
	check_options(q.type, opts);
	question = json_pack("{s:s,s:O,s:b}", "type", q.type, "options", opts, "required",
			     q.required == 1);
	if (nul)
		answer(&req, form, question, nul + 1, size - 1 - n - 1);
out:
	json_decref(question);
	json_decref(opts);
	json_decref(q.options);
	input_end(&in);
	req_cleanup(&req);
	return 0;
}

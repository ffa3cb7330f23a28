/* SPDX-License-Identifier: Apache-2.0 */
/* One answer's value against its question: scales, yes/no, choices and
 * open text, from JSON or from a form's strings (see survey_answer.h). */
#include "domain/survey_answer_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/check.h"
#include "util/jx.h"

static int bad(struct brug_err *err, const char *key, const char *field)
{
	return brug_fail(err, BRUG_EVALIDATION, key, field);
}

/* An integer from a JSON integer or a string of digits (a form). */
static bool int_of(const json_t *v, int64_t *out)
{
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return true;
	}
	const char *s = json_string_value(v);
	if (!s || !*s || strlen(s) > 3)
		return false;
	int64_t n = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		n = n * 10 + (*p - '0');
	}
	*out = n;
	return true;
}

static bool offered(const json_t *q, const char *key)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(json_object_get(q, "options"), "choices"), i, c) {
		const char *k = jx_str(c, "key");
		if (k && key && !strcmp(k, key))
			return true;
	}
	return false;
}

static int check_scale(const json_t *q, const json_t *v, const char *field, json_t **row,
		       struct brug_err *err)
{
	const json_t *o = json_object_get(q, "options");
	int64_t n, lo = jx_int(o, "min", 0), hi = jx_int(o, "max", 10);
	if (!int_of(v, &n))
		return bad(err, "error.type_integer", field);
	if (n < lo || n > hi)
		return bad(err, "error.survey_answer_range", field);
	*row = json_pack("{s:I}", "score", (json_int_t)n);
	return 0;
}

static int check_yesno(const json_t *v, const char *field, json_t **row, struct brug_err *err)
{
	const char *s = json_string_value(v);
	int yes = -1;
	if (json_is_boolean(v))
		yes = json_is_true(v);
	else if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1))
		yes = (int)json_integer_value(v);
	else if (s && (!strcmp(s, "yes") || !strcmp(s, "1") || !strcmp(s, "true")))
		yes = 1;
	else if (s && (!strcmp(s, "no") || !strcmp(s, "0") || !strcmp(s, "false")))
		yes = 0;
	if (yes < 0)
		return bad(err, "error.survey_answer_yesno", field);
	*row = json_pack("{s:I}", "score", (json_int_t)yes);
	return 0;
}

static int check_choices(const json_t *q, const json_t *v, bool multiple, const char *field,
			 json_t **row, struct brug_err *err)
{
	json_t *keys = json_array();
	if (json_is_string(v)) {
		json_array_append(keys, (json_t *)v);
	} else if (multiple && json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			if (!json_is_string(e))
				goto bad;
			/* each key once, in the order given */
			bool seen = false;
			size_t j;
			json_t *f;
			json_array_foreach(keys, j, f) seen = seen || json_equal(e, f);
			if (!seen)
				json_array_append(keys, e);
		}
	} else {
		goto bad;
	}
	if (!multiple && json_array_size(keys) != 1)
		goto bad;
	size_t i;
	json_t *e;
	json_array_foreach(keys, i, e) if (!offered(q, json_string_value(e))) goto bad;
	if (!json_array_size(keys)) {
		json_decref(keys);
		*row = NULL;
		return 0;
	}
	*row = json_pack("{s:o}", "choices", keys);
	return 0;
bad:
	json_decref(keys);
	return bad(err, "error.survey_answer_choice", field);
}

int survey_answer_check(const json_t *q, const json_t *value, const char *field, json_t **row,
			struct brug_err *err)
{
	const char *type = jx_str(q, "type");
	*row = NULL;
	if (!value || json_is_null(value))
		return 0;
	const char *s = json_string_value(value);
	if (s && !*s)
		return 0;
	if (!type)
		return BRUG_EINTERNAL;
	if (!strcmp(type, "text")) {
		int64_t max = jx_int(json_object_get(q, "options"), "max", 2000);
		if (!s)
			return bad(err, "error.type_string", field);
		if (!check_text(s, (size_t)max, true))
			return bad(err, "error.too_long", field);
		*row = json_pack("{s:s}", "text", s);
		return 0;
	}
	if (!strcmp(type, "yesno"))
		return check_yesno(value, field, row, err);
	if (!strcmp(type, "single") || !strcmp(type, "multiple"))
		return check_choices(q, value, type[0] == 'm', field, row, err);
	return check_scale(q, value, field, row, err);
}

json_t *survey_answer_values(const json_t *questions, const json_t *stored)
{
	json_t *out = json_object(), *q;
	size_t i;
	json_array_foreach(questions, i, q) {
		char id[24];
		snprintf(id, sizeof(id), "%lld", (long long)jx_int(q, "id", 0));
		const json_t *a = json_object_get(stored, id);
		const char *key = jx_str(q, "key"), *type = jx_str(q, "type");
		if (!a || !key || !type)
			continue;
		if (!strcmp(type, "text"))
			jx_set_str(out, key, jx_str(a, "text"));
		else if (!strcmp(type, "yesno"))
			json_object_set_new(out, key, json_boolean(jx_int(a, "score", 0)));
		else if (!strcmp(type, "single"))
			json_object_set(out, key, json_array_get(json_object_get(a, "choices"), 0));
		else if (!strcmp(type, "multiple"))
			json_object_set(out, key, json_object_get(a, "choices"));
		else
			jx_set_int(out, key, jx_int(a, "score", 0));
	}
	return out;
}

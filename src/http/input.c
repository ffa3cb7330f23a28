/* SPDX-License-Identifier: Apache-2.0 */
/* Field validation for forms and JSON bodies; see input.h. Forms arrive as
 * strings and are converted; JSON values must already have the right type,
 * so an API client learns of a wrong type instead of having it guessed. */
#include "http/input.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/contactinfo.h"
#include "util/jx.h"
#include "util/utf8.h"

int input_begin(struct req *req, struct input *in)
{
	memset(in, 0, sizeof(*in));
	in->req = req;
	in->fields = json_object();
	in->values = json_object();
	req->input = in;
	if (req->json) {
		if (!json_is_object(req->json))
			return brug_failf(&req->err, BRUG_EINVAL, "error.json_not_object", NULL,
					  "the JSON body must be an object");
		in->src = json_incref(req->json);
		in->typed = true;
		return 0;
	}
	in->src = json_object();
	for (size_t i = 0; i < req->form.n; i++) {
		const struct kv *kv = &req->form.v[i];
		json_t *v = json_stringn(kv->value, kv->value_len);
		json_t *old = json_object_get(in->src, kv->name);
		if (!old) {
			json_object_set_new(in->src, kv->name, v);
		} else if (json_is_array(old)) {
			json_array_append_new(old, v);
		} else {
			json_t *a = json_array();
			json_array_append(a, old);
			json_array_append_new(a, v);
			json_object_set_new(in->src, kv->name, a);
		}
	}
	return 0;
}

int input_begin_id(struct req *req, struct input *in, const char *param, int64_t *id,
		   const char *not_found)
{
	memset(in, 0, sizeof(*in));
	int rc = req_param_id(req, param, id);
	if (rc)
		return brug_fail(&req->err, rc, not_found, NULL);
	return input_begin(req, in);
}

void input_end(struct input *in)
{
	if (!in)
		return;
	json_decref(in->src);
	json_decref(in->fields);
	json_decref(in->values);
	if (in->req && in->req->input == in)
		in->req->input = NULL;
	memset(in, 0, sizeof(*in));
}

void in_error(struct input *in, const char *field, const char *key)
{
	if (!json_object_get(in->fields, field))
		jx_set_str(in->fields, field, key);
}

bool in_has(struct input *in, const char *field)
{
	return json_object_get(in->src, field) != NULL;
}

bool input_ok(const struct input *in)
{
	return json_object_size(in->fields) == 0;
}

/* The raw string value of a field; NULL when absent. Records a type error
 * for a JSON value that is not a string (null counts as absent). */
static const char *string_of(struct input *in, const char *field, unsigned flags)
{
	json_t *v = json_object_get(in->src, field);
	if (!v || json_is_null(v))
		return NULL;
	if (json_is_array(v) && !in->typed)
		v = json_array_get(v, json_array_size(v) - 1); /* a repeated form field: the last */
	if (!json_is_string(v)) {
		in_error(in, field, "error.type_string");
		return NULL;
	}
	if (!(flags & IN_SECRET))
		json_object_set(in->values, field, v);
	return json_string_value(v);
}

static const char *trimmed(struct input *in, const char *s, unsigned flags)
{
	if (flags & IN_RAW)
		return s;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return arena_strndup(&in->req->arena, s, n);
}

const char *in_text(struct input *in, const char *field, unsigned flags, size_t max)
{
	const char *raw = string_of(in, field, flags);
	if (json_object_get(in->fields, field))
		return NULL;
	const char *s = raw ? trimmed(in, raw, flags) : NULL;
	if (!s || !*s) {
		if (flags & IN_REQUIRED) {
			in_error(in, field, "error.required");
			return NULL;
		}
		return raw ? s : NULL;
	}
	size_t n = strlen(s);
	/* JSON strings may carry bytes a form parser would have refused */
	if (!utf8_valid(s, n)) {
		in_error(in, field, "error.utf8");
		return NULL;
	}
	bool controls = utf8_has_controls(s, n) ||
			(!(flags & IN_MULTILINE) && strpbrk(s, "\r\n\t"));
	if (controls) {
		in_error(in, field, "error.control_chars");
		return NULL;
	}
	if (utf8_len(s, n) > max) {
		in_error(in, field, "error.too_long");
		return NULL;
	}
	return s;
}

const char *in_email(struct input *in, const char *field, unsigned flags)
{
	const char *s = in_text(in, field, flags, 254);
	if (!s || !*s)
		return s;
	if (!contactinfo_email_valid(s)) {
		in_error(in, field, "error.email");
		return NULL;
	}
	char *low = arena_strdup(&in->req->arena, s);
	for (char *p = low; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return low;
}

const char *in_enum(struct input *in, const char *field, unsigned flags,
		    const char *const *allowed)
{
	const char *s = in_text(in, field, flags, 64);
	if (!s || !*s)
		return s && *s ? s : NULL;
	for (size_t i = 0; allowed[i]; i++)
		if (strcmp(s, allowed[i]) == 0)
			return allowed[i];
	in_error(in, field, "error.choice");
	return NULL;
}

int64_t in_int(struct input *in, const char *field, unsigned flags, int64_t min, int64_t max,
	       int64_t def)
{
	json_t *v = json_object_get(in->src, field);
	int64_t n;
	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v) && !in->typed)) {
		if (flags & IN_REQUIRED)
			in_error(in, field, "error.required");
		return def;
	}
	if (in->typed) {
		if (!json_is_integer(v)) {
			in_error(in, field, "error.type_integer");
			return def;
		}
		n = (int64_t)json_integer_value(v);
	} else {
		const char *s = string_of(in, field, flags);
		if (s)
			s = trimmed(in, s, 0);
		char *end;
		errno = 0;
		long long x = s ? strtoll(s, &end, 10) : 0;
		if (!s || errno || end == s || *end) {
			in_error(in, field, "error.type_integer");
			return def;
		}
		n = x;
	}
	if (n < min || n > max) {
		in_error(in, field, "error.range");
		return def;
	}
	return n;
}

bool in_bool(struct input *in, const char *field, bool def)
{
	json_t *v = json_object_get(in->src, field);
	if (in->typed) {
		if (!v || json_is_null(v))
			return def;
		if (!json_is_boolean(v)) {
			in_error(in, field, "error.type_boolean");
			return def;
		}
		return json_is_true(v);
	}
	const char *s = string_of(in, field, 0);
	if (!s)
		return false; /* an unticked checkbox is simply absent */
	return strcmp(s, "on") == 0 || strcmp(s, "1") == 0 || strcmp(s, "true") == 0 ||
	       strcmp(s, "yes") == 0;
}

static bool id_of(json_t *v, bool typed, int64_t *out)
{
	if (typed && json_is_integer(v) && json_integer_value(v) > 0) {
		*out = (int64_t)json_integer_value(v);
		return true;
	}
	if (!typed && json_is_string(v)) {
		char *end;
		errno = 0;
		long long x = strtoll(json_string_value(v), &end, 10);
		if (!errno && *end == '\0' && end != json_string_value(v) && x > 0) {
			*out = x;
			return true;
		}
	}
	return false;
}

size_t in_ids(struct input *in, const char *field, int64_t *out, size_t max)
{
	json_t *v = json_object_get(in->src, field);
	size_t n = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v)) {
		if (in->typed) {
			in_error(in, field, "error.type_array");
			return 0;
		}
		if (!id_of(v, false, &out[0])) {
			in_error(in, field, "error.type_integer");
			return 0;
		}
		return 1;
	}
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e) {
		if (n == max) {
			in_error(in, field, "error.too_many");
			return n;
		}
		if (!id_of(e, in->typed, &out[n])) {
			in_error(in, field, "error.type_integer");
			return 0;
		}
		n++;
	}
	return n;
}

int input_fail(struct input *in, struct resp *resp)
{
	json_t *d = resp_data(resp);
	json_object_set(d, "fields", in->fields);
	json_object_set(d, "values", in->values);
	resp->status = 422;
	return brug_fail(&in->req->err, BRUG_EVALIDATION, "error.validation_failed", NULL);
}

int input_fail_domain(struct input *in, struct resp *resp, int rc)
{
	struct brug_err *e = &in->req->err;
	if (!rc || !e->field || !e->key)
		return rc;
	in_error(in, e->field, e->key);
	input_fail(in, resp);
	resp->status = rc == BRUG_EVALIDATION ? 422 : rc_http_status(rc);
	e->rc = rc;
	return rc;
}

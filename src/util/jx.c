/* SPDX-License-Identifier: Apache-2.0 */
/* jansson helpers; see jx.h. */
#include "util/jx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/rc.h"
#include "util/xmalloc.h"

void jx_init(void)
{
	json_set_alloc_funcs(xmalloc, free);
}

const char *jx_str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

int64_t jx_int(const json_t *o, const char *k, int64_t def)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : def;
}

bool jx_bool(const json_t *o, const char *k, bool def)
{
	json_t *v = json_object_get(o, k);
	return json_is_boolean(v) ? json_is_true(v) : def;
}

void jx_set_str(json_t *o, const char *k, const char *s)
{
	json_object_set_new(o, k, s ? json_string(s) : json_null());
}

void jx_set_strn(json_t *o, const char *k, const char *s, size_t n)
{
	json_object_set_new(o, k, s ? json_stringn(s, n) : json_null());
}

void jx_set_int(json_t *o, const char *k, int64_t v)
{
	json_object_set_new(o, k, json_integer((json_int_t)v));
}

void jx_set_bool(json_t *o, const char *k, bool v)
{
	json_object_set_new(o, k, json_boolean(v));
}

void jx_set_time(json_t *o, const char *k, int64_t ms)
{
	if (!ms) {
		json_object_set_new(o, k, json_null());
		return;
	}
	char ts[32];
	clock_iso8601(ms, ts, sizeof(ts));
	json_object_set_new(o, k, json_string(ts));
}

char *jx_dumps(const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	return s ? s : xstrdup("null");
}

static void write_string(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	buf_addc(out, '"');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(out, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': buf_add(out, "\\\"", 2); break;
		case '\\': buf_add(out, "\\\\", 2); break;
		case '\n': buf_add(out, "\\n", 2); break;
		case '\r': buf_add(out, "\\r", 2); break;
		case '\t': buf_add(out, "\\t", 2); break;
		default: {
			char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			buf_add(out, e, 6);
		}
		}
	}
	buf_add(out, s + run, n - run);
	buf_addc(out, '"');
}

static void write_value(struct buf *out, const json_t *v, int depth)
{
	const char *k;
	json_t *e;
	size_t i;
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		if (depth > 64)
			goto null;
		buf_addc(out, '{');
		bool first = true;
		json_object_foreach((json_t *)v, k, e) {
			if (!first)
				buf_addc(out, ',');
			first = false;
			write_string(out, k, strlen(k));
			buf_addc(out, ':');
			write_value(out, e, depth + 1);
		}
		buf_addc(out, '}');
		return;
	}
	case JSON_ARRAY:
		if (depth > 64)
			goto null;
		buf_addc(out, '[');
		json_array_foreach(v, i, e) {
			if (i)
				buf_addc(out, ',');
			write_value(out, e, depth + 1);
		}
		buf_addc(out, ']');
		return;
	case JSON_STRING:
		write_string(out, json_string_value(v), json_string_length(v));
		return;
	case JSON_INTEGER:
		buf_add_int(out, (long long)json_integer_value(v));
		return;
	case JSON_REAL: {
		double d = json_real_value(v);
		if (d != d || d - d != 0)
			goto null; /* NaN and infinities have no JSON form */
		char num[32];
		snprintf(num, sizeof(num), "%.15g", d);
		char *ex = strchr(num, 'e');
		if (ex) { /* "1e+100" -> "1e100", "1e-07" -> "1e-7", as jansson writes */
			char *digits = ex + 1 + (ex[1] == '-' || ex[1] == '+'), *w = ex + 1;
			if (ex[1] == '-')
				w++;
			while (digits[0] == '0' && digits[1])
				digits++;
			memmove(w, digits, strlen(digits) + 1);
		}
		buf_adds(out, num);
		if (!strpbrk(num, ".eE"))
			buf_adds(out, ".0");
		return;
	}
	case JSON_TRUE:
		buf_adds(out, "true");
		return;
	case JSON_FALSE:
		buf_adds(out, "false");
		return;
	default:
		break;
	}
null:
	buf_adds(out, "null");
}

int jx_write(struct buf *out, const json_t *v)
{
	write_value(out, v, 0);
	return out->failed ? BRUG_ETOOBIG : 0;
}

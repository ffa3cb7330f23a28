/* SPDX-License-Identifier: Apache-2.0 */
/* jansson helpers; see jx.h. */
#include "util/jx.h"

#include <stdlib.h>

#include "util/clock.h"
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

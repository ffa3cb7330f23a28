/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for parse_urlencoded (src/http/parse_form.c): the input is a
 * query string or form body. Beyond crashes and sanitizer reports, it traps
 * when a promise of parse.h breaks: every name and value valid UTF-8
 * without NUL, value_len right, names non-empty and within the limit, no
 * more than PARSE_MAX_FIELDS pairs, nothing appended on failure, and an
 * error detail that is itself valid UTF-8 (it echoes field names). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http/parse.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_kvs(const struct kvs *l)
{
	if (l->n > PARSE_MAX_FIELDS)
		__builtin_trap();
	for (size_t i = 0; i < l->n; i++) {
		const struct kv *kv = &l->v[i];
		size_t nn = strlen(kv->name);
		if (nn == 0 || nn > PARSE_MAX_NAME || !utf8_valid(kv->name, nn) ||
		    strlen(kv->value) != kv->value_len || !utf8_valid(kv->value, kv->value_len))
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	arena_init(&a);
	struct kvs out = {0};
	struct brug_err err = {0};
	int rc = parse_urlencoded((const char *)data, size, &a, &out, &err);
	if (rc == 0)
		check_kvs(&out);
	else if (rc != BRUG_EINVAL || out.n != 0 || err.rc != BRUG_EINVAL ||
		 !utf8_valid(err.detail, strlen(err.detail)))
		__builtin_trap();
	arena_cleanup(&a);
	return 0;
}

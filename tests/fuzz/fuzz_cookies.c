/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for parse_cookies and parse_accept_language
 * (src/http/parse_header.c), both on the same input, as the two request
 * headers a browser always sends. Traps when a cookie breaks a promise of
 * parse.h (a token name within the limit, a UTF-8 value, at most
 * PARSE_MAX_FIELDS) or when the language is not one of the supported
 * pointers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/parse.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const supported[] = {"nl", "en", "en-GB", "de", "fr-BE"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	arena_init(&a);
	struct kvs out = {0};
	if (parse_cookies((const char *)data, size, &a, &out) != 0 || out.n > PARSE_MAX_FIELDS)
		__builtin_trap();
	for (size_t i = 0; i < out.n; i++) {
		const struct kv *kv = &out.v[i];
		size_t nn = strlen(kv->name);
		if (nn == 0 || nn > PARSE_MAX_NAME || strpbrk(kv->name, " \t;=\"") ||
		    strlen(kv->value) != kv->value_len || !utf8_valid(kv->value, kv->value_len))
			__builtin_trap();
	}
	arena_cleanup(&a);

	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	size_t n = sizeof(supported) / sizeof(supported[0]);
	const char *lang = parse_accept_language(s, supported, n);
	bool found = lang == NULL;
	for (size_t i = 0; i < n; i++)
		found |= lang == supported[i];
	if (!found)
		__builtin_trap();
	free(s);
	return 0;
}

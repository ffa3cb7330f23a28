/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for parse_multipart and parse_content_type
 * (src/http/parse_multipart.c, parse_header.c). The first line of the
 * input is the boundary, and also a Content-Type value; the rest is the
 * body, parsed with that boundary and, when the line parses as a
 * Content-Type with a boundary parameter, with that one too. Traps when a
 * promise of parse.h breaks: fields valid UTF-8, filenames never a path,
 * nothing appended on failure, limits kept. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/parse.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool text_ok(const char *s)
{
	return s && utf8_valid(s, strlen(s));
}

static void check_result(const struct kvs *fields, const struct uploads *files)
{
	if (fields->n + files->n > PARSE_MAX_FIELDS)
		__builtin_trap();
	for (size_t i = 0; i < fields->n; i++) {
		const struct kv *kv = &fields->v[i];
		if (!text_ok(kv->name) || !kv->name[0] || strlen(kv->name) > PARSE_MAX_NAME ||
		    strlen(kv->value) != kv->value_len || !text_ok(kv->value))
			__builtin_trap();
	}
	for (size_t i = 0; i < files->n; i++) {
		const struct upload *u = &files->v[i];
		const char *f = u->filename;
		if (!text_ok(u->field) || !u->field[0] || !text_ok(f) || !text_ok(u->content_type) ||
		    !f[0] || strchr(f, '/') || strchr(f, '\\') || !strcmp(f, ".") ||
		    !strcmp(f, "..") || (u->len && !u->data))
			__builtin_trap();
	}
}

static void run(const char *body, size_t n, const char *boundary)
{
	struct arena a;
	arena_init(&a);
	struct kvs fields = {0};
	struct uploads files = {0};
	struct brug_err err = {0};
	int rc = parse_multipart(body, n, boundary, &a, &fields, &files, &err);
	if (rc == 0)
		check_result(&fields, &files);
	else if (rc != BRUG_EINVAL || fields.n || files.n || !text_ok(err.detail))
		__builtin_trap();
	arena_cleanup(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t line = nl ? (size_t)(nl - data) : size;
	char *first = malloc(line + 1);
	memcpy(first, data, line);
	first[line] = '\0';
	const char *body = (const char *)data + (nl ? line + 1 : size);
	size_t n = nl ? size - line - 1 : 0;

	run(body, n, first);

	struct arena a;
	arena_init(&a);
	struct content_type ct = {0};
	struct brug_err err = {0};
	if (parse_content_type(first, &a, &ct, &err) == 0) {
		if (!text_ok(ct.mime) || !strchr(ct.mime, '/') ||
		    (ct.charset && !text_ok(ct.charset)) || (ct.boundary && !text_ok(ct.boundary)))
			__builtin_trap();
		if (ct.boundary)
			run(body, n, ct.boundary);
	} else if (!text_ok(err.detail)) {
		__builtin_trap();
	}
	arena_cleanup(&a);
	free(first);
	return 0;
}

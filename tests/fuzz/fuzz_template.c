/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for src/view/mustache*.c. The input is up to three parts
 * separated by NUL bytes: a template, a JSON document (the context; invalid
 * JSON means none) and a partial, which the set returns for every name, so
 * any {{>x}} or {{<x}} finds it and recursion is easy to reach. Renders with
 * a small output cap; any crash, leak, sanitizer report or hang is a bug. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "util/xmalloc.h"
#include "view/mustache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct part {
	const char *p;
	size_t n;
};

static char *load_partial(void *ud, const char *name, size_t *len)
{
	const struct part *partial = ud;
	(void)name;
	*len = partial->n;
	return xstrndup(partial->p, partial->n);
}

/* The next part of the input, up to a NUL byte or the end. */
static struct part next_part(const uint8_t **data, size_t *size)
{
	struct part pt = {(const char *)*data, *size};
	const uint8_t *nul = memchr(*data, 0, *size);
	if (nul) {
		pt.n = (size_t)(nul - *data);
		*data = nul + 1;
		*size -= pt.n + 1;
	} else {
		*data += *size;
		*size = 0;
	}
	return pt;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct part tmpl = next_part(&data, &size);
	struct part json = next_part(&data, &size);
	struct part partial = next_part(&data, &size);
	json_t *ctx = json_loadb(json.p, json.n, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	struct mustache_set *set = mustache_set_new(load_partial, &partial);
	struct brug_err err = {0};
	struct buf out;
	buf_init(&out, 1 << 16);
	mustache_render_string(set, tmpl.p, tmpl.n, &ctx, ctx ? 1 : 0, &out, &err);
	buf_reset(&out);
	/* the same source through the set, as a named template and its check */
	mustache_render(set, "p", &ctx, ctx ? 1 : 0, &out, &err);
	mustache_check(set, "p", &err);
	buf_cleanup(&out);
	mustache_set_free(set);
	json_decref(ctx);
	return 0;
}

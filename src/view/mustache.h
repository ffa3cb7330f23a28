/* SPDX-License-Identifier: Apache-2.0 */
/* Mustache templates (https://mustache.github.io/mustache.5.html), passing
 * the official specification: interpolation, sections, inverted sections,
 * comments, partials, set delimiters and inheritance (parents and blocks).
 * Lambdas are not supported: data is JSON. The engine renders pages, emails
 * and the daily digest.
 *
 * A template set compiles each template once, on first use, from a loader
 * (embedded files in production, the web/ folder in development) and can
 * then be rendered from any number of threads at once. */
#ifndef BRUG_VIEW_MUSTACHE_H
#define BRUG_VIEW_MUSTACHE_H

#include <jansson.h>
#include <stddef.h>

#include "core/rc.h"
#include "util/buf.h"

struct mustache_set;

/* Returns the source of the template called name as a malloc'd string
 * (*len set to its length), or NULL when there is no such template. */
typedef char *(*mustache_load_fn)(void *ud, const char *name, size_t *len);

/* A new, empty set that loads templates through load(ud, name, &len).
 * Partials ({{> name}}) and parents ({{< name}}) are looked up by the same
 * names. The caller frees it with mustache_set_free. */
struct mustache_set *mustache_set_new(mustache_load_fn load, void *ud);
void mustache_set_free(struct mustache_set *set);
/* A set over the templates built into the binary (web/templates). */
struct mustache_set *mustache_set_embedded(void);

/* Compiles (or finds) the template name and checks that it parses; a
 * syntax error gives BRUG_EINVAL with the template, line and reason in
 * err->detail. Thread-safe. */
int mustache_check(struct mustache_set *set, const char *name, struct brug_err *err);

/* Renders template name into out against a context stack: ctx[0] is the
 * bottom, ctx[n-1] the top (looked at first). HTML-escapes {{x}}; {{{x}}}
 * and {{&x}} are raw. Missing names render as nothing. Fails with
 * BRUG_ENOTFOUND for an unknown template, BRUG_EINVAL for a syntax error,
 * BRUG_ETOOBIG when out's cap is reached or partials nest too deep.
 * Thread-safe for concurrent renders on one set. */
int mustache_render(struct mustache_set *set, const char *name, json_t *const *ctx, size_t n,
		    struct buf *out, struct brug_err *err);

/* Renders the template text src (not part of any set) with partials from
 * set (which may be NULL). For one-off templates and the spec tests. */
int mustache_render_string(struct mustache_set *set, const char *src, size_t len,
			   json_t *const *ctx, size_t n, struct buf *out, struct brug_err *err);

#endif

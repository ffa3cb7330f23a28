/* SPDX-License-Identifier: Apache-2.0 */
/* Private to src/view/mustache*.c: the compiled form of a template, shared by
 * the parser (mustache_parse.c), the renderer (mustache_render.c) and the set
 * (mustache.c). A tree never changes once built, which is what lets many
 * threads render from one set at once. Nothing outside src/view includes
 * this. */
#ifndef BRUG_VIEW_MUSTACHE_IMPL_H
#define BRUG_VIEW_MUSTACHE_IMPL_H

#include <stddef.h>

#include "view/mustache.h"

/* Limits that keep a hostile template from exhausting the stack or the CPU. */
#define MUSTACHE_MAX_NEST 100   /* sections, parents and blocks in one template */
#define MUSTACHE_MAX_DEPTH 64   /* partials, parents and overrides inside each other */
#define MUSTACHE_MAX_RENDER 512 /* node lists inside each other while rendering */

enum mnode_kind {
	MN_TEXT,     /* literal text */
	MN_VAR,      /* {{name}}: HTML-escaped */
	MN_RAW,      /* {{{name}}} and {{&name}} */
	MN_SECTION,  /* {{#name}} kids {{/name}} */
	MN_INVERTED, /* {{^name}} kids {{/name}} */
	MN_PARTIAL,  /* {{>name}} */
	MN_PARENT,   /* {{<name}} kids {{/name}}: the kids are the argument blocks */
	MN_BLOCK,    /* {{$name}} kids {{/name}}: the kids are the default content */
};

enum {
	MN_BOL = 1,        /* starts a line of its template: the indentation goes first */
	MN_CLOSE_BOL = 2,  /* the closing tag starts a line: indentation after each pass */
	MN_STANDALONE = 4, /* the (opening) tag stood alone on its line, which is gone */
};

struct mnode {
	enum mnode_kind kind;
	unsigned flags;
	char *str; /* the text, or the tag's name; NUL-terminated */
	size_t len;
	/* Partial and parent: the indentation of a standalone tag, prepended to
	 * every line of the template it includes. Block: what is prepended to
	 * every line of an argument that overrides it. */
	char *indent;
	size_t ilen;
	struct mnode *kids;
	size_t nkids;
};

struct mtmpl {
	struct mnode *nodes;
	size_t n;
};

/* Compiles src (len bytes, any content) into t; name is only used in error
 * messages. A syntax error gives BRUG_EINVAL, nesting deeper than
 * MUSTACHE_MAX_NEST BRUG_ETOOBIG, both with "template NAME line N: reason" in
 * err->detail. On success the caller owns t (mustache_tree_cleanup); on
 * failure t is untouched. Thread-safe. */
int mustache_parse(const char *name, const char *src, size_t len, struct mtmpl *t,
		   struct brug_err *err);
/* Frees what t holds; t may be empty. */
void mustache_tree_cleanup(struct mtmpl *t);

/* Finds or compiles the template name in set (which may be NULL). Sets *t to
 * it, or to NULL when there is no such template (rc 0); a syntax error in it
 * is returned (and written to err) every time it is asked for. The tree
 * lives as long as set. Thread-safe. */
int mustache_set_find(struct mustache_set *set, const char *name, const struct mtmpl **t,
		      struct brug_err *err);

/* Renders t (called name in error messages) as mustache_render does. */
int mustache_render_tree(struct mustache_set *set, const char *name, const struct mtmpl *t,
			 json_t *const *ctx, size_t n, struct buf *out, struct brug_err *err);

#endif

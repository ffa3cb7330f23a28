/* SPDX-License-Identifier: Apache-2.0 */
/* Mustache source to the node tree of mustache_impl.h, in four passes over a
 * token array: scan (text and tags under the current delimiters), match (pairs
 * opening and closing tags; every syntax error is found here or in scan),
 * trim (the standalone-line and block-indentation rules, decided on the
 * untrimmed text and applied after) and build. The whitespace rules follow
 * the spec's specs/whitespace.md: a parent element and a parameter block pair
 * are standalone as a whole; inside a parent only argument blocks count, and
 * an argument's opening and closing tags bound its content like the start and
 * end of a file. Reads nothing outside src[0, len), which may hold any bytes. */
#include "view/mustache_impl.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

enum tok_kind {
	T_TEXT,
	T_VAR,
	T_RAW,
	T_SECTION,
	T_INVERTED,
	T_CLOSE,
	T_COMMENT,
	T_PARTIAL,
	T_PARENT,
	T_BLOCK,
	T_DELIM,
};

struct tok {
	enum tok_kind kind;
	unsigned line;
	size_t s, e;   /* the text, or the whole tag with its delimiters */
	size_t ns, ne; /* the tag's name, blanks trimmed */
	size_t lo, hi; /* text: the part kept after standalone trimming */
	size_t match;  /* opening tag: index of its closing tag, and back */
	size_t is, ie; /* indentation (see struct mnode), or an argument's strip */
	bool arg;      /* a block that is a direct child of a parent */
	bool sa;       /* a standalone tag: its line is gone */
	bool pair;     /* a parameter block whose pair stands alone */
};

struct span {
	size_t s, len;
};

struct delims {
	const char *o, *c;
	size_t olen, clen;
};

struct parser {
	const char *name;
	const char *src;
	size_t len;
	struct tok *t;
	size_t n, cap;
	bool bol; /* build: the next node starts a line */
	struct brug_err *err;
};

struct nvec {
	struct mnode *v;
	size_t n, cap;
};

__attribute__((format(printf, 4, 5))) static int fail(struct parser *P, int rc, unsigned line,
						       const char *fmt, ...)
{
	char why[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return brug_failf(P->err, rc, "error.template", NULL, "template %.60s line %u: %s", P->name,
			  line, why);
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool space(char c)
{
	return blank(c) || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static unsigned lines(const char *src, size_t from, size_t to)
{
	unsigned n = 0;
	const char *p = src + from, *end = src + to;
	while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
		n++;
		p++;
	}
	return n;
}

static size_t find(const char *src, size_t from, size_t len, const char *needle, size_t nlen)
{
	if (from >= len)
		return SIZE_MAX;
	const char *p = memmem(src + from, len - from, needle, nlen);
	return p ? (size_t)(p - src) : SIZE_MAX;
}

/* Where the closing delimiter starts at or after from, or, with c, where c
 * directly followed by it does ("}}}" for "{{{", "=}}" for "{{="). */
static size_t find_close(const char *src, size_t from, size_t len, const struct delims *d, char c)
{
	size_t f = from + (c ? 1 : 0);
	while ((f = find(src, f, len, d->c, d->clen)) != SIZE_MAX) {
		if (!c)
			return f;
		if (src[f - 1] == c)
			return f - 1;
		f++;
	}
	return SIZE_MAX;
}

static struct tok *tok_push(struct parser *P, enum tok_kind k, size_t s, size_t e, unsigned line)
{
	if (P->n == P->cap) {
		P->cap = P->cap ? P->cap * 2 : 64;
		P->t = xrealloc(P->t, P->cap * sizeof(*P->t));
	}
	struct tok *t = &P->t[P->n++];
	memset(t, 0, sizeof(*t));
	t->kind = k;
	t->s = t->lo = t->ns = s;
	t->e = t->hi = t->ne = e;
	t->line = line;
	return t;
}

/* {{=<% %>=}}: two runs of non-blanks, apart. */
static int set_delims(struct parser *P, size_t a, size_t b, unsigned line, struct delims *d)
{
	const char *s = P->src;
	size_t o = a, oe, c, ce;
	for (oe = o; oe < b && !space(s[oe]); oe++)
		;
	for (c = oe; c < b && space(s[c]); c++)
		;
	for (ce = c; ce < b && !space(s[ce]); ce++)
		;
	if (oe == o || c == oe || ce == c || ce != b)
		return fail(P, BRUG_EINVAL, line, "bad delimiter change");
	*d = (struct delims){s + o, s + c, oe - o, ce - c};
	return 0;
}

static enum tok_kind sigil_kind(char c)
{
	switch (c) {
	case '#': return T_SECTION;
	case '^': return T_INVERTED;
	case '/': return T_CLOSE;
	case '!': return T_COMMENT;
	case '>': return T_PARTIAL;
	case '<': return T_PARENT;
	case '$': return T_BLOCK;
	case '&': return T_RAW;
	case '=': return T_DELIM;
	case '{': return T_RAW;
	default: return T_VAR;
	}
}

/* One tag starting at p; *end is just past it. */
static int scan_tag(struct parser *P, size_t p, unsigned line, struct delims *d, size_t *end)
{
	size_t q = p + d->olen;
	if (q >= P->len)
		return fail(P, BRUG_EINVAL, line, "unclosed tag");
	char c = P->src[q];
	enum tok_kind k = sigil_kind(c);
	char closer = c == '{' ? '}' : c == '=' ? '=' : 0;
	size_t a = k == T_VAR ? q : q + 1;
	size_t x = find_close(P->src, a, P->len, d, closer);
	if (x == SIZE_MAX)
		return fail(P, BRUG_EINVAL, line, "unclosed tag");
	*end = x + (closer ? 1 : 0) + d->clen;
	size_t b = x;
	while (a < b && space(P->src[a]))
		a++;
	while (b > a && space(P->src[b - 1]))
		b--;
	if (k == T_DELIM) {
		int rc = set_delims(P, a, b, line, d);
		if (rc)
			return rc;
	} else if (a == b && k != T_COMMENT) {
		return fail(P, BRUG_EINVAL, line, "empty tag");
	}
	struct tok *t = tok_push(P, k, p, *end, line);
	t->ns = a;
	t->ne = b;
	return 0;
}

static int scan(struct parser *P)
{
	struct delims d = {"{{", "}}", 2, 2};
	size_t pos = 0;
	unsigned line = 1;
	int rc = 0;
	while (pos < P->len && !rc) {
		size_t p = find(P->src, pos, P->len, d.o, d.olen);
		size_t stop = p == SIZE_MAX ? P->len : p;
		if (stop > pos) {
			tok_push(P, T_TEXT, pos, stop, line);
			line += lines(P->src, pos, stop);
		}
		if (p == SIZE_MAX)
			break;
		size_t end = p;
		rc = scan_tag(P, p, line, &d, &end);
		line += lines(P->src, p, end);
		pos = end;
	}
	return rc;
}

static int tag_name_len(const struct tok *t)
{
	size_t n = t->ne - t->ns;
	return n > 40 ? 40 : (int)n;
}

static bool same_name(const struct parser *P, const struct tok *a, const struct tok *b)
{
	return a->ne - a->ns == b->ne - b->ns &&
	       memcmp(P->src + a->ns, P->src + b->ns, a->ne - a->ns) == 0;
}

static int close_tag(struct parser *P, size_t i, size_t *stack, size_t *depth)
{
	struct tok *t = &P->t[i];
	const char *s = P->src;
	if (!*depth)
		return fail(P, BRUG_EINVAL, t->line, "closing tag \"%.*s\" closes nothing",
			    tag_name_len(t), s + t->ns);
	struct tok *o = &P->t[stack[--*depth]];
	if (!same_name(P, o, t))
		return fail(P, BRUG_EINVAL, t->line,
			    "closing tag \"%.*s\" does not match \"%.*s\" opened on line %u",
			    tag_name_len(t), s + t->ns, tag_name_len(o), s + o->ns, o->line);
	o->match = i;
	t->match = stack[*depth];
	t->arg = o->arg;
	return 0;
}

/* Pairs every opening tag with its closing tag. */
static int match(struct parser *P)
{
	size_t stack[MUSTACHE_MAX_NEST], depth = 0;
	int rc = 0;
	for (size_t i = 0; i < P->n && !rc; i++) {
		struct tok *t = &P->t[i];
		switch (t->kind) {
		case T_SECTION:
		case T_INVERTED:
		case T_PARENT:
		case T_BLOCK:
			if (depth == MUSTACHE_MAX_NEST) {
				rc = fail(P, BRUG_ETOOBIG, t->line, "sections nested deeper than %d",
					  MUSTACHE_MAX_NEST);
				break;
			}
			t->arg = t->kind == T_BLOCK && depth && P->t[stack[depth - 1]].kind == T_PARENT;
			stack[depth++] = i;
			break;
		case T_CLOSE:
			rc = close_tag(P, i, stack, &depth);
			break;
		default:
			break;
		}
	}
	if (!rc && depth) {
		const struct tok *o = &P->t[stack[depth - 1]];
		rc = fail(P, BRUG_EINVAL, o->line, "unclosed section \"%.*s\"", tag_name_len(o),
			  P->src + o->ns);
	}
	return rc;
}

/* Whether token i has only blanks before it on its line, looking back no
 * further than token lo (a region starts like a file); *from is where those
 * blanks start. Decided on the untrimmed text. */
static bool clear_left(const struct parser *P, size_t i, size_t lo, size_t *from)
{
	*from = P->t[i].s;
	if (i == lo)
		return true;
	const struct tok *t = &P->t[i - 1];
	if (t->kind != T_TEXT)
		return false;
	size_t k = t->e;
	while (k > t->s && blank(P->src[k - 1]))
		k--;
	*from = k;
	if (k > t->s)
		return P->src[k - 1] == '\n';
	return i - 1 == lo;
}

/* Whether token i has only blanks after it up to its line end (or token hi,
 * the region's end); *to is just past that line end. */
static bool clear_right(const struct parser *P, size_t i, size_t hi, size_t *to)
{
	*to = P->t[i].e;
	if (i + 1 >= hi)
		return true;
	const struct tok *t = &P->t[i + 1];
	if (t->kind != T_TEXT)
		return false;
	const char *s = P->src;
	size_t k = t->s;
	while (k < t->e && blank(s[k]))
		k++;
	if (k + 1 < t->e && s[k] == '\r' && s[k + 1] == '\n')
		k++;
	if (k < t->e && s[k] == '\n') {
		*to = k + 1;
		return true;
	}
	*to = k;
	return k == t->e && i + 2 >= hi;
}

/* Drops the blanks before token i from `from` on, and the rest of the line
 * after token j up to `to`. */
static void cut(struct parser *P, size_t i, size_t from, size_t j, size_t to)
{
	if (i > 0 && P->t[i - 1].kind == T_TEXT && from >= P->t[i - 1].s && from < P->t[i - 1].hi)
		P->t[i - 1].hi = from;
	if (j + 1 < P->n && P->t[j + 1].kind == T_TEXT && to <= P->t[j + 1].e &&
	    to > P->t[j + 1].lo)
		P->t[j + 1].lo = to;
}

static bool line_start(const struct parser *P, size_t p)
{
	return p == 0 || P->src[p - 1] == '\n';
}

/* Sets t's indentation to the blanks [from, to), less the strip of the
 * argument they are in, as the build removes it from each line. */
static void set_indent(const struct parser *P, struct tok *t, size_t from, size_t to,
		       struct span strip)
{
	if (strip.len && line_start(P, from) && to - from >= strip.len &&
	    memcmp(P->src + from, P->src + strip.s, strip.len) == 0)
		from += strip.len;
	t->is = from;
	t->ie = to;
}

/* The blanks that start the line beginning at p. */
static size_t blanks_at(const struct parser *P, size_t p)
{
	while (p < P->len && blank(P->src[p]))
		p++;
	return p;
}

static void trim_region(struct parser *P, size_t lo, size_t hi, struct span strip);

/* A section, inverted, closing, comment, delimiter, partial or block tag. */
static void trim_tag(struct parser *P, size_t i, size_t lo, size_t hi, struct span strip)
{
	struct tok *t = &P->t[i];
	size_t from, to;
	if (!clear_left(P, i, lo, &from) || !clear_right(P, i, hi, &to))
		return;
	t->sa = true;
	if (t->kind == T_PARTIAL)
		set_indent(P, t, from, t->s, strip);
	cut(P, i, from, i, to);
}

/* A parameter block: when its pair clears both line ends, an override takes
 * the block's indentation: the intrinsic one (that of the line after the
 * tag) when the opening tag ends its line, else the blanks before it. */
static void trim_pair(struct parser *P, size_t i, size_t lo, size_t hi, struct span strip)
{
	struct tok *t = &P->t[i];
	size_t from, to, next;
	if (!clear_left(P, i, lo, &from) || !clear_right(P, t->match, hi, &to))
		return;
	t->pair = true;
	if (!t->sa) {
		set_indent(P, t, from, t->s, strip);
		return;
	}
	clear_right(P, i, hi, &next);
	if (next > t->e && P->src[next - 1] == '\n')
		set_indent(P, t, next, blanks_at(P, next), strip);
}

/* An argument block b: its content is a region of its own, whose lines lose
 * the argument's intrinsic indentation. */
static void trim_arg(struct parser *P, size_t b)
{
	struct tok *t = &P->t[b];
	size_t c = t->match, to, from;
	struct span strip = {0, 0};
	if (clear_right(P, b, c, &to)) {
		t->sa = true;
		cut(P, b, t->s, b, to);
		if (to > t->e && P->src[to - 1] == '\n')
			strip = (struct span){to, blanks_at(P, to) - to};
	}
	if (clear_left(P, c, b + 1, &from))
		cut(P, c, from, c, P->t[c].e);
	t->is = strip.s;
	t->ie = strip.s + strip.len;
	trim_region(P, b + 1, c, strip);
}

/* A parent element stands alone as a whole; inside it only the argument
 * blocks matter. */
static void trim_parent(struct parser *P, size_t i, size_t lo, size_t hi, struct span strip)
{
	struct tok *t = &P->t[i];
	size_t from, to;
	if (clear_left(P, i, lo, &from) && clear_right(P, t->match, hi, &to)) {
		t->sa = true;
		set_indent(P, t, from, t->s, strip);
		cut(P, i, from, t->match, to);
	}
	for (size_t j = i + 1; j < t->match; j++) {
		const struct tok *k = &P->t[j];
		if (k->kind == T_BLOCK && k->arg)
			trim_arg(P, j);
		if (k->kind == T_SECTION || k->kind == T_INVERTED || k->kind == T_PARENT ||
		    k->kind == T_BLOCK)
			j = k->match;
	}
}

static void trim_region(struct parser *P, size_t lo, size_t hi, struct span strip)
{
	for (size_t i = lo; i < hi; i++) {
		struct tok *t = &P->t[i];
		switch (t->kind) {
		case T_TEXT:
		case T_VAR:
		case T_RAW:
			break;
		case T_PARENT:
			trim_parent(P, i, lo, hi, strip);
			i = t->match;
			break;
		case T_BLOCK:
			trim_tag(P, i, lo, hi, strip);
			trim_pair(P, i, lo, hi, strip);
			break;
		default:
			trim_tag(P, i, lo, hi, strip);
			break;
		}
	}
}

static struct mnode *nvec_push(struct nvec *nv)
{
	if (nv->n == nv->cap) {
		nv->cap = nv->cap ? nv->cap * 2 : 8;
		nv->v = xrealloc(nv->v, nv->cap * sizeof(*nv->v));
	}
	struct mnode *nd = &nv->v[nv->n++];
	memset(nd, 0, sizeof(*nd));
	return nd;
}

/* A node named after tag t; with_indent copies t's indentation. */
static struct mnode *add_node(struct parser *P, struct nvec *out, enum mnode_kind kind,
			      const struct tok *t, bool with_indent)
{
	struct mnode *nd = nvec_push(out);
	nd->kind = kind;
	nd->len = t->ne - t->ns;
	nd->str = xstrndup(P->src + t->ns, nd->len);
	if (with_indent && t->ie > t->is) {
		nd->ilen = t->ie - t->is;
		nd->indent = xstrndup(P->src + t->is, nd->ilen);
	}
	return nd;
}

/* Copies the kept text, without strip at the start of each line. */
static void build_text(struct parser *P, const struct tok *t, struct span strip, struct nvec *out)
{
	const char *s = P->src;
	size_t lo = t->lo, hi = t->hi, n = 0;
	if (lo >= hi)
		return;
	char *txt = xmalloc(hi - lo + 1);
	for (size_t p = lo; p < hi;) {
		if (strip.len && line_start(P, p) && hi - p >= strip.len &&
		    memcmp(s + p, s + strip.s, strip.len) == 0)
			p += strip.len;
		const char *nl = memchr(s + p, '\n', hi - p);
		size_t e = nl ? (size_t)(nl - s) + 1 : hi;
		memcpy(txt + n, s + p, e - p);
		n += e - p;
		p = e;
	}
	if (!n) {
		free(txt);
		return;
	}
	txt[n] = '\0';
	struct mnode *nd = nvec_push(out);
	nd->kind = MN_TEXT;
	nd->flags = P->bol ? MN_BOL : 0;
	nd->str = txt;
	nd->len = n;
	P->bol = txt[n - 1] == '\n';
}

/* The flags of a node for tag t, and the line state after the tag. */
static unsigned open_flags(struct parser *P, const struct tok *t)
{
	unsigned f = t->sa ? MN_STANDALONE : P->bol ? MN_BOL : 0;
	P->bol = t->sa;
	return f;
}

static void build(struct parser *P, size_t lo, size_t hi, struct span strip, struct nvec *out);

/* Sections, inverted sections and parameter blocks. */
static void build_section(struct parser *P, size_t i, struct span strip, struct nvec *out)
{
	const struct tok *t = &P->t[i], *c = &P->t[t->match];
	static const enum mnode_kind kinds[] = {[T_SECTION] = MN_SECTION,
						[T_INVERTED] = MN_INVERTED,
						[T_BLOCK] = MN_BLOCK};
	unsigned flags = open_flags(P, t);
	struct nvec kids = {0};
	build(P, i + 1, t->match, strip, &kids);
	if (c->sa)
		P->bol = true;
	else if (P->bol)
		flags |= MN_CLOSE_BOL;
	if (!c->sa)
		P->bol = false;
	struct mnode *nd = add_node(P, out, kinds[t->kind], t, t->pair);
	nd->flags = flags;
	nd->kids = kids.v;
	nd->nkids = kids.n;
}

/* A parent's kids are its argument blocks, each built as a region of its
 * own with its strip. */
static void build_parent(struct parser *P, size_t i, struct nvec *out)
{
	const struct tok *t = &P->t[i];
	unsigned flags = open_flags(P, t);
	bool after = P->bol;
	struct nvec args = {0};
	for (size_t j = i + 1; j < t->match; j++) {
		const struct tok *k = &P->t[j];
		if (k->kind == T_BLOCK && k->arg) {
			struct nvec kids = {0};
			P->bol = k->sa;
			build(P, j + 1, k->match, (struct span){k->is, k->ie - k->is}, &kids);
			struct mnode *a = add_node(P, &args, MN_BLOCK, k, false);
			a->kids = kids.v;
			a->nkids = kids.n;
		}
		if (k->kind == T_SECTION || k->kind == T_INVERTED || k->kind == T_PARENT ||
		    k->kind == T_BLOCK)
			j = k->match;
	}
	P->bol = after;
	struct mnode *nd = add_node(P, out, MN_PARENT, t, true);
	nd->flags = flags;
	nd->kids = args.v;
	nd->nkids = args.n;
}

static void build(struct parser *P, size_t lo, size_t hi, struct span strip, struct nvec *out)
{
	for (size_t i = lo; i < hi; i++) {
		const struct tok *t = &P->t[i];
		switch (t->kind) {
		case T_TEXT:
			build_text(P, t, strip, out);
			break;
		case T_VAR:
		case T_RAW:
		case T_PARTIAL: {
			static const enum mnode_kind kinds[] = {
				[T_VAR] = MN_VAR, [T_RAW] = MN_RAW, [T_PARTIAL] = MN_PARTIAL};
			unsigned flags = open_flags(P, t);
			add_node(P, out, kinds[t->kind], t, true)->flags = flags;
			break;
		}
		case T_COMMENT:
		case T_DELIM:
			/* one inside a line leaves the line state as it was */
			if (t->sa)
				P->bol = true;
			break;
		case T_SECTION:
		case T_INVERTED:
		case T_BLOCK:
			build_section(P, i, strip, out);
			i = t->match;
			break;
		case T_PARENT:
			build_parent(P, i, out);
			i = t->match;
			break;
		case T_CLOSE:
			break;
		}
	}
}

static void nodes_free(struct mnode *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].str);
		free(v[i].indent);
		nodes_free(v[i].kids, v[i].nkids);
	}
	free(v);
}

void mustache_tree_cleanup(struct mtmpl *t)
{
	if (!t)
		return;
	nodes_free(t->nodes, t->n);
	t->nodes = NULL;
	t->n = 0;
}

int mustache_parse(const char *name, const char *src, size_t len, struct mtmpl *t,
		   struct brug_err *err)
{
	struct parser P = {.name = name, .src = src, .len = len, .bol = true, .err = err};
	struct nvec nv = {0};
	int rc = scan(&P);
	if (!rc)
		rc = match(&P);
	if (rc)
		goto out;
	trim_region(&P, 0, P.n, (struct span){0, 0});
	build(&P, 0, P.n, (struct span){0, 0}, &nv);
	t->nodes = nv.v;
	t->n = nv.n;
out:
	free(P.t);
	return rc;
}

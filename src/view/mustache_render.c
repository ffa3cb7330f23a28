/* SPDX-License-Identifier: Apache-2.0 */
/* Walks a compiled tree (mustache_impl.h) with a context stack of jansson
 * values and writes the output into a struct buf. Owns the data rules
 * (lookup, dotted names, truthiness, how scalars print), indentation of
 * standalone partials, parents and blocks, and block overrides. It never
 * changes a tree or the data, so any number of renders run at once; its
 * state lives in one struct render per call. Recursion, total nesting and
 * total work are capped, so hostile templates end in BRUG_ETOOBIG. */
#include "view/mustache_impl.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

/* The arguments of one parent being rendered, and those of the parents
 * that include it: the outermost argument for a block wins. */
struct frame {
	const struct mnode *args;
	size_t nargs;
	const struct frame *outer;
};

struct render {
	struct mustache_set *set;
	struct buf *out;
	struct brug_err *err;
	const char *name; /* the template being rendered, for errors */
	json_t **ctx;     /* the context stack, top last */
	size_t n, cap;
	char *ind; /* the current indentation is ind[ibase, ilen) */
	size_t ibase, ilen, icap;
	bool skip; /* the output line already has its indentation */
	unsigned depth, nest;
	size_t steps, budget;
};

static int render_nodes(struct render *r, const struct mnode *v, size_t n, const struct frame *f);

static int too_big(struct render *r, const char *what, unsigned limit)
{
	return brug_failf(r->err, BRUG_ETOOBIG, "error.template", NULL,
			  "template %.60s: %s deeper than %u", r->name, what, limit);
}

static int put(struct render *r, const char *p, size_t n)
{
	if (!n)
		return 0;
	r->skip = false;
	return buf_add(r->out, p, n);
}

static int put_indent(struct render *r)
{
	if (r->skip) {
		r->skip = false;
		return 0;
	}
	return r->ilen > r->ibase ? put(r, r->ind + r->ibase, r->ilen - r->ibase) : 0;
}

static void indent_add(struct render *r, const char *p, size_t n)
{
	if (!n)
		return;
	if (r->ilen + n > r->icap) {
		r->icap = (r->ilen + n) * 2;
		r->ind = xrealloc(r->ind, r->icap);
	}
	memcpy(r->ind + r->ilen, p, n);
	r->ilen += n;
}

static int put_text(struct render *r, const struct mnode *nd)
{
	int rc = 0;
	if (nd->flags & MN_BOL)
		rc = put_indent(r);
	if (rc || r->ilen == r->ibase)
		return rc ? rc : put(r, nd->str, nd->len);
	const char *p = nd->str, *end = nd->str + nd->len;
	while (!rc && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl + 1 : end;
		rc = put(r, p, (size_t)(e - p));
		if (!rc && e < end)
			rc = put_indent(r);
		p = e;
	}
	return rc;
}

/* Appends n bytes of p (or n zeros, p NULL) at s[*at], within size - 1. */
static void lay(char *s, size_t size, size_t *at, const char *p, size_t n)
{
	for (size_t i = 0; i < n && *at + 1 < size; i++)
		s[(*at)++] = p ? p[i] : '0';
	s[*at] = '\0';
}

/* Reals print as JavaScript prints numbers (what mustache.js shows): the
 * fewest digits that read back as the same double (1.21, not
 * 1.2099999999999999), in plain notation from 1e-6 up to 1e21 (3000000, not
 * 3e+06) and as 1.5e-7 outside that. Common values take a fast path: a
 * decimal m / 10^k reads back as d exactly when the (correctly rounded)
 * double division gives d, and the smallest such k is the shortest form. */
static bool format_fixed(double d, char *s, size_t size)
{
	static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
	/* below 2^50 doubles lie at most 1/8 apart, so a fraction is never
	 * read back from a shorter, whole number */
	const double limit = 1125899906842624.0;
	if (!(d > -limit && d < limit) || (d != 0 && fabs(d) < 1e-6))
		return false;
	for (size_t k = 0; k < sizeof(p10) / sizeof(p10[0]); k++) {
		double x = d * p10[k];
		if (!(x > -9007199254740992.0 && x < 9007199254740992.0))
			return false;
		long long m = llround(x);
		if ((double)m / p10[k] != d)
			continue;
		/* the digits of |m|, last first, with a point k from the end */
		unsigned long long a = m < 0 ? 0 - (unsigned long long)m : (unsigned long long)m;
		char rev[32];
		size_t n = 0, at = 0;
		do {
			rev[n++] = (char)('0' + a % 10);
			a /= 10;
		} while (a);
		while (n <= k)
			rev[n++] = '0';
		lay(s, size, &at, "-", m < 0);
		for (size_t i = n; i-- > 0;) {
			lay(s, size, &at, &rev[i], 1);
			if (i == k && k)
				lay(s, size, &at, ".", 1);
		}
		return true;
	}
	return false;
}

static void format_real(double d, char *s, size_t size)
{
	char e[40], digits[24];
	size_t k = 0, at = 0;
	if (format_fixed(d, s, size))
		return;
	for (int prec = 0; prec < 17; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec, d);
		if (strtod(e, NULL) == d)
			break;
	}
	/* e is [-]D[.DDD]e[+-]X: the digits, and where the point goes */
	const char *p = e + (e[0] == '-');
	for (; *p && *p != 'e' && k < sizeof(digits) - 1; p++)
		if (*p >= '0' && *p <= '9') /* whatever the locale's point is */
			digits[k++] = *p;
	long n = (*p == 'e' ? strtol(p + 1, NULL, 10) : 0) + 1;
	lay(s, size, &at, "-", e[0] == '-');
	if ((long)k <= n && n <= 21) {
		lay(s, size, &at, digits, k);
		lay(s, size, &at, NULL, (size_t)(n - (long)k));
	} else if (0 < n && n <= 21) {
		lay(s, size, &at, digits, (size_t)n);
		lay(s, size, &at, ".", 1);
		lay(s, size, &at, digits + n, k - (size_t)n);
	} else if (-6 < n && n <= 0) {
		lay(s, size, &at, "0.", 2);
		lay(s, size, &at, NULL, (size_t)-n);
		lay(s, size, &at, digits, k);
	} else {
		lay(s, size, &at, digits, 1);
		lay(s, size, &at, ".", k > 1);
		lay(s, size, &at, digits + 1, k - 1);
		snprintf(s + at, size - at, "e%+ld", n - 1);
	}
}

static int put_value(struct render *r, const json_t *v, bool escape)
{
	char tmp[40];
	const char *s = tmp;
	size_t n;
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING:
		s = json_string_value(v);
		n = json_string_length(v);
		break;
	case JSON_INTEGER:
		n = (size_t)snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		format_real(json_real_value(v), tmp, sizeof(tmp));
		n = strlen(tmp);
		break;
	case JSON_TRUE:
		s = "true";
		n = 4;
		break;
	case JSON_FALSE:
		s = "false";
		n = 5;
		break;
	default: /* null, and objects and arrays, which have no text form */
		return 0;
	}
	if (!n || !escape)
		return put(r, s, n);
	r->skip = false;
	return buf_add_html(r->out, s, n);
}

/* name, or a.b.c: the first part is looked for down the stack, the rest
 * only inside what it found. */
static json_t *lookup(const struct render *r, const char *name, size_t len)
{
	if (len == 1 && name[0] == '.')
		return r->n ? r->ctx[r->n - 1] : NULL;
	const char *dot = memchr(name, '.', len);
	size_t seg = dot ? (size_t)(dot - name) : len;
	json_t *v = NULL;
	for (size_t i = r->n; i-- > 0 && !v;)
		if (json_is_object(r->ctx[i]))
			v = json_object_getn(r->ctx[i], name, seg);
	while (v && dot) {
		name = dot + 1;
		len -= seg + 1;
		dot = memchr(name, '.', len);
		seg = dot ? (size_t)(dot - name) : len;
		v = json_is_object(v) ? json_object_getn(v, name, seg) : NULL;
	}
	return v;
}

static bool truthy(const json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_NULL:
	case JSON_FALSE:
		return false;
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	default:
		return true;
	}
}

static void ctx_push(struct render *r, json_t *v)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->ctx = xrealloc(r->ctx, r->cap * sizeof(*r->ctx));
	}
	r->ctx[r->n++] = v;
}

/* One pass over a section's content. */
static int render_pass(struct render *r, const struct mnode *nd, const struct frame *f, json_t *v)
{
	if (v)
		ctx_push(r, v);
	int rc = render_nodes(r, nd->kids, nd->nkids, f);
	if (!rc && (nd->flags & MN_CLOSE_BOL))
		rc = put_indent(r);
	if (v)
		r->n--;
	return rc;
}

static int render_section(struct render *r, const struct mnode *nd, const struct frame *f)
{
	json_t *v = lookup(r, nd->str, nd->len);
	int rc = 0;
	if (nd->kind == MN_INVERTED)
		return truthy(v) ? 0 : render_pass(r, nd, f, NULL);
	if (!truthy(v))
		return 0;
	if (!json_is_array(v))
		return render_pass(r, nd, f, v);
	for (size_t i = 0; i < json_array_size(v) && !rc; i++)
		rc = render_pass(r, nd, f, json_array_get(v, i));
	return rc;
}

/* Partials and parents: a partial is a parent without arguments, so the
 * arguments of the parents around it still reach its blocks. */
static int render_include(struct render *r, const struct mnode *nd, const struct frame *f)
{
	const struct mtmpl *t = NULL;
	const char *name = r->name;
	size_t base = r->ibase, len = r->ilen;
	struct frame fr = {nd->kids, nd->nkids, f};
	int rc = mustache_set_find(r->set, nd->str, &t, r->err);
	if (rc || !t)
		goto out;
	if (r->depth >= MUSTACHE_MAX_DEPTH) {
		rc = too_big(r, "partials nested", MUSTACHE_MAX_DEPTH);
		goto out;
	}
	/* a partial inside a line is not indented (the spec indents the lines
	 * of a standalone one only) */
	if (nd->flags & MN_STANDALONE)
		indent_add(r, nd->indent, nd->ilen);
	else
		r->ibase = r->ilen;
	r->depth++;
	r->name = nd->str;
	rc = render_nodes(r, t->nodes, t->n, nd->kind == MN_PARENT ? &fr : f);
	r->depth--;
out:
	r->name = name;
	r->ibase = base;
	r->ilen = len;
	return rc;
}

static const struct mnode *find_arg(const struct frame *f, const struct mnode *nd,
				    const struct frame **where)
{
	const struct mnode *hit = NULL;
	for (; f; f = f->outer) {
		for (size_t i = 0; i < f->nargs; i++) {
			if (f->args[i].len == nd->len && !memcmp(f->args[i].str, nd->str, nd->len)) {
				hit = &f->args[i];
				*where = f;
				break;
			}
		}
	}
	return hit;
}

/* A block renders its default content, or the outermost argument for it,
 * with the block's indentation and the arguments of the parents outside
 * the one that passed it (so an argument never overrides itself). */
static int render_block(struct render *r, const struct mnode *nd, const struct frame *f)
{
	const struct frame *where = NULL;
	const struct mnode *arg = find_arg(f, nd, &where);
	size_t base = r->ibase, len = r->ilen;
	if (!arg)
		return render_pass(r, nd, f, NULL);
	if (r->depth >= MUSTACHE_MAX_DEPTH)
		return too_big(r, "blocks nested", MUSTACHE_MAX_DEPTH);
	indent_add(r, nd->indent, nd->ilen);
	/* after an inline tag the first line has its indentation already */
	r->skip = !(nd->flags & MN_STANDALONE);
	r->depth++;
	int rc = render_nodes(r, arg->kids, arg->nkids, where->outer);
	r->depth--;
	r->skip = false;
	r->ibase = base;
	r->ilen = len;
	return rc;
}

static int render_node(struct render *r, const struct mnode *nd, const struct frame *f)
{
	switch (nd->kind) {
	case MN_TEXT:
		return put_text(r, nd);
	case MN_VAR:
	case MN_RAW:
		return put_value(r, lookup(r, nd->str, nd->len), nd->kind == MN_VAR);
	case MN_SECTION:
	case MN_INVERTED:
		return render_section(r, nd, f);
	case MN_PARTIAL:
	case MN_PARENT:
		return render_include(r, nd, f);
	case MN_BLOCK:
		return render_block(r, nd, f);
	}
	return 0;
}

static int render_nodes(struct render *r, const struct mnode *v, size_t n, const struct frame *f)
{
	int rc = 0;
	if (++r->nest > MUSTACHE_MAX_RENDER) {
		rc = too_big(r, "sections and partials nested", MUSTACHE_MAX_RENDER);
		goto out;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		if (++r->steps > r->budget) {
			rc = brug_failf(r->err, BRUG_ETOOBIG, "error.template", NULL,
					"template %.60s: more than %zu steps", r->name, r->budget);
			break;
		}
		if ((v[i].flags & MN_BOL) && v[i].kind != MN_TEXT)
			rc = put_indent(r);
		if (!rc)
			rc = render_node(r, &v[i], f);
	}
out:
	r->nest--;
	return rc;
}

int mustache_render_tree(struct mustache_set *set, const char *name, const struct mtmpl *t,
			 json_t *const *ctx, size_t n, struct buf *out, struct brug_err *err)
{
	struct render r = {.set = set, .out = out, .err = err, .name = name};
	/* the work a render may do grows with the output it may write */
	r.budget = out->max > SIZE_MAX / 8 ? SIZE_MAX : out->max * 8;
	if (r.budget < ((size_t)1 << 20))
		r.budget = (size_t)1 << 20;
	for (size_t i = 0; i < n; i++)
		ctx_push(&r, ctx[i]);
	int rc = render_nodes(&r, t->nodes, t->n, NULL);
	if (rc == BRUG_ETOOBIG && out->failed)
		brug_failf(err, rc, "error.template", NULL, "template %.60s: output over %zu bytes",
			   name, out->max);
	free(r.ctx);
	free(r.ind);
	return rc;
}

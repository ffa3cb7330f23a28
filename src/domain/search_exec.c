/* SPDX-License-Identifier: Apache-2.0 */
/* The statements a search plan reads the index with (see
 * search_plan_impl.h and docs/internals/search.md): every one bounded by a
 * LIMIT, a list of ids or an id range; as few as possible, since on
 * PostgreSQL each is a round trip: what can be asked together is asked in
 * one statement of UNION ALL members, each row tagged with its member.
 * Texts take few shapes (IN lists padded to 1, 4, 16, 64 or 256 entries),
 * so the prepared statement caches of both backends keep them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/search_plan_impl.h"
#include "util/xmalloc.h"

/* ---- id lists and statements ---------------------------------------------- */

void search_ids_push(struct ids *a, int64_t x)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	a->v[a->n++] = x;
}

static int cmp_desc(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x < y) - (x > y);
}

void search_ids_sort(struct ids *a)
{
	if (a->n > 1)
		qsort(a->v, a->n, sizeof(*a->v), cmp_desc);
	size_t w = 0;
	for (size_t i = 0; i < a->n; i++)
		if (!w || a->v[w - 1] != a->v[i])
			a->v[w++] = a->v[i];
	a->n = w;
}

void search_ids_keep(struct ids *a, const struct ids *b)
{
	size_t w = 0, j = 0;
	for (size_t i = 0; i < a->n; i++) {
		while (j < b->n && b->v[j] > a->v[i])
			j++;
		if (j < b->n && b->v[j] == a->v[i])
			a->v[w++] = a->v[i];
	}
	a->n = w;
}

size_t search_in_len(size_t n)
{
	size_t s = 1;
	while (s < n)
		s *= 4;
	return s;
}

void search_add_in(struct buf *sql, size_t len)
{
	buf_adds(sql, " IN (");
	for (size_t i = 0; i < len; i++)
		buf_adds(sql, i ? ", ?" : "?");
	buf_addc(sql, ')');
}

void search_multi_init(struct multi *s)
{
	buf_init(&s->sql, 0);
	s->m = s->members = 0;
}

void search_multi_cleanup(struct multi *s)
{
	buf_cleanup(&s->sql);
}

bool search_multi_room(const struct multi *s, size_t need)
{
	return s->m + need <= DB_ARGS_MAX;
}

void search_multi_member(struct multi *s)
{
	if (s->members++)
		buf_adds(&s->sql, " UNION ALL ");
}

int search_multi_run(struct db *db, struct multi *s, void (*row)(void *ctx, struct db_rows *r),
		     void *ctx)
{
	if (!s->members)
		return 0;
	struct db_rows *r = NULL;
	int rc = db_query(db, &r, buf_str(&s->sql), s->args, s->m), more = 0;
	while (!rc && (more = db_next(r)) == 1)
		row(ctx, r);
	if (!rc && more < 0)
		rc = more;
	db_rows_free(r);
	buf_reset(&s->sql);
	s->m = s->members = 0;
	return rc;
}

/* Appends the first column of every row of sql to out. */
static int fetch_ids(struct db *db, const char *sql, const struct db_arg *args, size_t n,
		     struct ids *out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r, sql, args, n), more = 0;
	while (!rc && (more = db_next(r)) == 1)
		search_ids_push(out, db_int(r, 0));
	if (!rc && more < 0)
		rc = more;
	db_rows_free(r);
	return rc;
}

/* Appends the n strings at v as arguments, padded to len. */
static void add_terms(struct multi *s, char *const *v, size_t n, size_t len)
{
	for (size_t k = 0; k < len; k++)
		s->args[s->m++] = DB_T(v[k < n ? k : n - 1]);
}

/* ---- reading a group whole ------------------------------------------------ */

/* The ids holding any term of g (narrow), in one statement. */
static int list_terms(struct search_plan *p, const struct group *g)
{
	struct multi *s = xmalloc(sizeof(*s));
	search_multi_init(s);
	size_t len = search_in_len(g->nterms);
	s->args[s->m++] = DB_I(p->org);
	s->args[s->m++] = DB_T(p->kind);
	add_terms(s, g->terms, g->nterms, len);
	buf_adds(&s->sql, "SELECT object_id FROM search_terms WHERE org_id = ? AND object_kind = ?"
			  " AND term");
	search_add_in(&s->sql, len);
	int rc = fetch_ids(p->db, buf_str(&s->sql), s->args, s->m, &p->list);
	search_multi_cleanup(s);
	free(s);
	search_ids_sort(&p->list);
	return rc;
}

/* The ids holding a term of wide group g, read whole when there are at
 * most small_list entries (*fits); each statement reads at most one more. */
static int list_wide(struct search_plan *p, const struct group *g, bool *fits)
{
	int rc = 0;
	size_t total = 0;
	*fits = g->least <= (int64_t)search_lim.small_list;
	for (size_t a = 0; !rc && *fits && a < g->g->n; a++) {
		const char *upper = g->g->upper[a];
		char sql[200];
		snprintf(sql, sizeof(sql),
			 "SELECT object_id FROM search_terms WHERE org_id = ? AND object_kind = ?"
			 " AND term %s ?%s LIMIT ?",
			 g->g->prefix[a] ? ">=" : "=", upper ? " AND term < ?" : "");
		struct db_arg args[5] = {DB_I(p->org), DB_T(p->kind), DB_T(g->g->alt[a])};
		size_t m = 3;
		if (upper)
			args[m++] = DB_T(upper);
		args[m++] = DB_I((int64_t)(search_lim.small_list + 1 - total));
		size_t before = p->list.n;
		rc = fetch_ids(p->db, sql, args, m, &p->list);
		total += p->list.n - before;
		*fits = total <= search_lim.small_list;
	}
	if (!rc && *fits)
		search_ids_sort(&p->list);
	else
		p->list.n = 0;
	return rc;
}

int search_exec_list(struct search_plan *p, const struct group *g, bool *fits)
{
	if (g->wide)
		return list_wide(p, g, fits);
	*fits = true;
	return list_terms(p, g);
}

/* ---- the driver: candidates, highest id first ----------------------------- */

#define FILL_MAX 64 /* cursors read by one statement */

struct fill {
	struct search_plan *p;
	size_t which[FILL_MAX];
	size_t n;
};

static void fill_row(void *ctx, struct db_rows *r)
{
	struct fill *f = ctx;
	int64_t k = db_int(r, 0);
	if (k >= 0 && (size_t)k < f->n)
		search_ids_push(&f->p->cur[f->which[k]].buf, db_int(r, 1));
}

/* Reads the next batch of at most want ids of up to FILL_MAX cursors that
 * ran dry, in one statement: a LIMITed sub-select per cursor, tagged with
 * its place in the statement (so the text depends only on how many). */
static int cursors_fill_some(struct search_plan *p, struct multi *s, size_t want, size_t *n)
{
	struct fill f = {.p = p};
	for (size_t i = 0; i < p->ncur && f.n < FILL_MAX; i++) {
		struct cursor *c = &p->cur[i];
		if (c->pos < c->buf.n || c->done)
			continue;
		c->buf.n = 0, c->pos = 0;
		search_multi_member(s);
		buf_printf(&s->sql,
			   "SELECT * FROM (SELECT %zu AS k, object_id FROM search_terms"
			   " WHERE org_id = ? AND object_kind = ? AND term = ? AND object_id < ?"
			   " ORDER BY object_id DESC LIMIT ?) c%zu",
			   f.n, f.n);
		f.which[f.n++] = i;
		s->args[s->m++] = DB_I(p->org);
		s->args[s->m++] = DB_T(p->kind);
		s->args[s->m++] = DB_T(c->term);
		s->args[s->m++] = DB_I(c->below);
		s->args[s->m++] = DB_I((int64_t)want);
	}
	*n = f.n;
	int rc = search_multi_run(p->db, s, fill_row, &f);
	for (size_t k = 0; !rc && k < f.n; k++) {
		struct cursor *c = &p->cur[f.which[k]];
		search_ids_sort(&c->buf); /* the order of a sub-select's rows is not promised */
		c->done = c->buf.n < want;
		if (c->buf.n)
			c->below = c->buf.v[c->buf.n - 1];
	}
	return rc;
}

/* The next at most want ids of the merged posting lists into out: every
 * cursor that runs dry is refilled before the next id is taken. */
static int merge_next(struct search_plan *p, size_t want, struct ids *out)
{
	struct multi *s = xmalloc(sizeof(*s));
	search_multi_init(s);
	int rc = 0;
	while (!rc && out->n < want) {
		size_t n = FILL_MAX;
		while (!rc && n == FILL_MAX)
			rc = cursors_fill_some(p, s, want, &n);
		int64_t best = 0;
		bool any = false;
		for (size_t i = 0; !rc && i < p->ncur; i++) {
			const struct cursor *c = &p->cur[i];
			if (c->pos < c->buf.n && (!any || c->buf.v[c->pos] > best))
				best = c->buf.v[c->pos], any = true;
		}
		if (rc || !any) {
			p->exhausted = !rc;
			break;
		}
		search_ids_push(out, best);
		for (size_t i = 0; i < p->ncur; i++)
			if (p->cur[i].pos < p->cur[i].buf.n && p->cur[i].buf.v[p->cur[i].pos] == best)
				p->cur[i].pos++;
	}
	search_multi_cleanup(s);
	free(s);
	return rc;
}

/* The term condition of every alternative of g, on (term || ''): the same
 * text in the same byte order (the collation of term carries over), but no
 * index can seek on it, so neither backend's planner reads a wide
 * prefix's whole range and sorts it instead of walking the objects in id
 * order (PostgreSQL's generic plan would). */
static void add_alts(struct buf *sql, const struct textfold_group *g, struct db_arg *args,
		     size_t *m)
{
	buf_addc(sql, '(');
	for (size_t a = 0; a < g->n; a++) {
		if (a)
			buf_adds(sql, " OR ");
		args[(*m)++] = DB_T(g->alt[a]);
		if (!g->prefix[a]) {
			buf_adds(sql, "(term || '') = ?");
		} else if (g->upper[a]) {
			buf_adds(sql, "((term || '') >= ? AND (term || '') < ?)");
			args[(*m)++] = DB_T(g->upper[a]);
		} else {
			buf_adds(sql, "(term || '') >= ?");
		}
	}
	buf_addc(sql, ')');
}

/* The next at most want objects with a term of the (wide) driving group. */
static int scan_next(struct search_plan *p, size_t want, struct ids *out)
{
	struct db_arg args[4 + 2 * TEXTFOLD_ALTS_MAX] = {DB_I(p->org), DB_T(p->kind),
							  DB_I(p->below)};
	size_t m = 3;
	struct buf sql;
	buf_init(&sql, 0);
	buf_adds(&sql, "SELECT DISTINCT object_id FROM search_terms WHERE org_id = ?"
		       " AND object_kind = ? AND object_id < ? AND ");
	add_alts(&sql, p->grp[p->driver].g, args, &m);
	buf_adds(&sql, " ORDER BY object_id DESC LIMIT ?");
	args[m++] = DB_I((int64_t)want);
	int rc = fetch_ids(p->db, buf_str(&sql), args, m, out);
	buf_cleanup(&sql);
	p->exhausted = !rc && out->n < want;
	if (out->n)
		p->below = out->v[out->n - 1];
	return rc;
}

int search_exec_drive(struct search_plan *p, size_t want, struct ids *out)
{
	switch (p->drive) {
	case DRIVE_LIST:
		while (out->n < want && p->list_pos < p->list.n)
			search_ids_push(out, p->list.v[p->list_pos++]);
		p->exhausted = p->list_pos == p->list.n;
		return 0;
	case DRIVE_MERGE:
		return merge_next(p, want, out);
	case DRIVE_SCAN:
		return scan_next(p, want, out);
	case DRIVE_NONE:
		break;
	}
	p->exhausted = true;
	return 0;
}

/* ---- checking the other groups -------------------------------------------- */

/* What the check statements found: per group, the ids that have it. */
struct found {
	struct ids *by_group;
	size_t ngrp;
};

static void found_row(void *ctx, struct db_rows *r)
{
	struct found *f = ctx;
	int64_t k = db_int(r, 0);
	if (k >= 0 && (size_t)k < f->ngrp)
		search_ids_push(&f->by_group[k], db_int(r, 1));
}

/* Adds a member reading group gi's entries in the id range [lo, hi]. */
static void range_member(struct search_plan *p, struct multi *s, size_t gi, int64_t lo,
			 int64_t hi)
{
	const struct group *g = &p->grp[gi];
	size_t len = search_in_len(g->nterms);
	search_multi_member(s);
	buf_printf(&s->sql,
		   "SELECT %zu AS k, object_id FROM search_terms WHERE org_id = ?"
		   " AND object_kind = ? AND object_id >= ? AND object_id <= ? AND term",
		   gi);
	search_add_in(&s->sql, len);
	s->args[s->m++] = DB_I(p->org);
	s->args[s->m++] = DB_T(p->kind);
	s->args[s->m++] = DB_I(lo);
	s->args[s->m++] = DB_I(hi);
	add_terms(s, g->terms, g->nterms, len);
}

/* Adds the members looking up the n ids at ids in group gi: its exact
 * alternatives in one, each prefix in one more. Runs s first when they do
 * not fit. */
static int probe_members(struct search_plan *p, struct multi *s, size_t gi, const int64_t *ids,
			 size_t n, struct found *f)
{
	const struct textfold_group *g = p->grp[gi].g;
	size_t len = search_in_len(n);
	int rc = 0;
	for (size_t pass = 0; !rc && pass <= g->n; pass++) {
		/* pass 0: the exact alternatives; pass a + 1: prefix alternative a */
		const char *exact[TEXTFOLD_ALTS_MAX];
		size_t nexact = 0;
		for (size_t a = 0; pass == 0 && a < g->n; a++)
			if (!g->prefix[a])
				exact[nexact++] = g->alt[a];
		if (pass == 0 ? !nexact : !g->prefix[pass - 1])
			continue;
		if (!search_multi_room(s, 4 + TEXTFOLD_ALTS_MAX + len))
			rc = search_multi_run(p->db, s, found_row, f);
		search_multi_member(s);
		buf_printf(&s->sql,
			   "SELECT %zu AS k, object_id FROM search_terms WHERE org_id = ?"
			   " AND object_kind = ? AND ",
			   gi);
		s->args[s->m++] = DB_I(p->org);
		s->args[s->m++] = DB_T(p->kind);
		if (pass == 0) {
			buf_adds(&s->sql, "term");
			search_add_in(&s->sql, nexact);
			for (size_t k = 0; k < nexact; k++)
				s->args[s->m++] = DB_T(exact[k]);
		} else {
			buf_adds(&s->sql, "term >= ?");
			s->args[s->m++] = DB_T(g->alt[pass - 1]);
			if (g->upper[pass - 1]) {
				buf_adds(&s->sql, " AND term < ?");
				s->args[s->m++] = DB_T(g->upper[pass - 1]);
			}
		}
		buf_adds(&s->sql, " AND object_id");
		search_add_in(&s->sql, len);
		for (size_t k = 0; k < len; k++)
			s->args[s->m++] = DB_I(ids[k < n ? k : n - 1]);
	}
	return rc;
}

/* Keeps the candidates that every group of kind (by range or not) has. */
static void keep_found(struct search_plan *p, struct ids *cand, struct found *f, bool by_range)
{
	for (size_t i = 0; i < p->ncheck; i++) {
		size_t gi = p->check[i];
		if (p->grp[gi].by_range != by_range)
			continue;
		search_ids_sort(&f->by_group[gi]);
		search_ids_keep(cand, &f->by_group[gi]);
		f->by_group[gi].n = 0;
	}
}

int search_exec_check(struct search_plan *p, struct ids *cand)
{
	if (!p->ncheck || !cand->n)
		return 0;
	struct ids by_group[TEXTFOLD_QUERY_GROUPS_MAX] = {{0}};
	struct found f = {.by_group = by_group, .ngrp = p->ngrp};
	struct multi *s = xmalloc(sizeof(*s));
	search_multi_init(s);
	int rc = 0;
	bool ranges = false, probes = false;
	/* first the groups about as rare as the driver: their entries in the
	 * batch's id range, all in one statement */
	for (size_t i = 0; i < p->ncheck; i++) {
		if (!p->grp[p->check[i]].by_range) {
			probes = true;
			continue;
		}
		if (!search_multi_room(s, 4 + IN_MAX))
			rc = rc ? rc : search_multi_run(p->db, s, found_row, &f);
		range_member(p, s, p->check[i], cand->v[cand->n - 1], cand->v[0]);
		ranges = true;
	}
	if (!rc)
		rc = search_multi_run(p->db, s, found_row, &f);
	if (!rc && ranges)
		keep_found(p, cand, &f, true);
	/* then the frequent ones and wide prefixes: each survivor looked up */
	for (size_t i = 0; !rc && probes && i < p->ncheck; i++) {
		size_t gi = p->check[i];
		for (size_t at = 0; !rc && !p->grp[gi].by_range && at < cand->n;
		     at += search_lim.probe_max) {
			size_t n = cand->n - at;
			rc = probe_members(p, s, gi, cand->v + at,
					   n < search_lim.probe_max ? n : search_lim.probe_max, &f);
		}
	}
	if (!rc)
		rc = search_multi_run(p->db, s, found_row, &f);
	if (!rc && probes)
		keep_found(p, cand, &f, false);
	for (size_t i = 0; i < p->ngrp; i++)
		free(by_group[i].v);
	search_multi_cleanup(s);
	free(s);
	return rc;
}

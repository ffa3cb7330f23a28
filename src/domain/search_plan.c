/* SPDX-License-Identifier: Apache-2.0 */
/* Planning a search and walking it in batches; see search_plan.h and
 * docs/internals/search.md. What search_vocab says of a query (for every
 * kind asked at once, in one statement) decides which group drives and
 * how the others are checked; the statements themselves are in
 * search_exec.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/search_plan_impl.h"
#include "util/xmalloc.h"

#define LIMITS_DEFAULT                                                                             \
	{                                                                                          \
		.range_terms = 16, .small_list = 8192, .batch_first = 32, .batch_max = 4096,       \
		.merge_ratio = 4, .probe_max = 256,                                                \
	}

const struct search_limits search_limits_default = LIMITS_DEFAULT;
struct search_limits search_lim = LIMITS_DEFAULT;

static size_t clamp(size_t v, size_t lo, size_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void search_limits_set(const struct search_limits *l)
{
	struct search_limits x = l ? *l : search_limits_default;
	x.range_terms = clamp(x.range_terms, 1, 64);
	x.small_list = clamp(x.small_list, 1, (size_t)1 << 20);
	x.batch_max = clamp(x.batch_max, 1, (size_t)1 << 16);
	x.batch_first = clamp(x.batch_first, 1, x.batch_max);
	x.merge_ratio = clamp(x.merge_ratio, 1, 1024);
	x.probe_max = clamp(x.probe_max, 1, IN_MAX);
	search_lim = x;
}

/* ---- the vocabulary ------------------------------------------------------- */

static void group_add(struct group *g, const char *term, int64_t df)
{
	for (size_t i = 0; i < g->nterms; i++)
		if (!strcmp(g->terms[i], term))
			return;
	g->terms = xrealloc(g->terms, (g->nterms + 1) * sizeof(*g->terms));
	g->df = xrealloc(g->df, (g->nterms + 1) * sizeof(*g->df));
	g->df[g->nterms] = df;
	g->terms[g->nterms++] = xstrdup(term);
	g->est = df > EST_MAX / 4 - g->est ? EST_MAX / 4 : g->est + df;
}

/* A prefix alternative whose terms are being read. */
struct span {
	struct group *g;
	size_t alt;
	size_t rows;
	int64_t df;
};

#define SPANS_MAX (TEXTFOLD_QUERY_GROUPS_MAX * TEXTFOLD_ALTS_MAX)
#define PLANS_MAX 4

/* What the vocabulary statement is reading, for its rows. */
struct vocab {
	struct search_plan **plans;
	size_t n;
	struct span spans[PLANS_MAX][SPANS_MAX];
};

/* A row (plan, k, term, df): k -1 for an exact alternative's df, -2 for
 * the kind's id span, else the k-th prefix span of the plan. */
static void vocab_row(void *ctx, struct db_rows *r)
{
	struct vocab *v = ctx;
	int64_t pi = db_int(r, 0), k = db_int(r, 1), df = db_int(r, 3);
	if (pi < 0 || (size_t)pi >= v->n)
		return;
	struct search_plan *p = v->plans[pi];
	const char *term = db_text(r, 2);
	if (k == -2) {
		p->span = df;
	} else if (k == -1) {
		for (size_t i = 0; i < p->ngrp; i++)
			for (size_t a = 0; a < p->grp[i].g->n; a++)
				if (!p->grp[i].g->prefix[a] && !strcmp(p->grp[i].g->alt[a], term))
					group_add(&p->grp[i], term, df);
	} else if (k >= 0 && k < (int64_t)SPANS_MAX) {
		struct span *s = &v->spans[pi][k];
		s->df += df;
		if (++s->rows <= search_lim.range_terms) {
			group_add(s->g, term, df);
		} else { /* one row past range_terms: LIMIT makes it the only one */
			s->g->wide = true;
			s->g->least += s->df;
		}
	}
}

/* Adds the members asking for plan pi's vocabulary to s: its kind's id
 * span, the df of each exact alternative, and the first range_terms + 1
 * terms (in byte order) of each prefix. */
static int vocab_members(struct vocab *v, size_t pi, struct multi *s)
{
	struct search_plan *p = v->plans[pi];
	char *t[SPANS_MAX];
	size_t n = 0, nspan = 0;
	search_multi_member(s);
	buf_printf(&s->sql,
		   "SELECT %zu AS p, -2 AS k, '' AS term, (SELECT MAX(object_id) FROM search_terms"
		   " WHERE org_id = ? AND object_kind = ?) - (SELECT MIN(object_id) FROM search_terms"
		   " WHERE org_id = ? AND object_kind = ?) + 1 AS df",
		   pi);
	for (int i = 0; i < 2; i++) {
		s->args[s->m++] = DB_I(p->org);
		s->args[s->m++] = DB_T(p->kind);
	}
	for (size_t i = 0; i < p->ngrp; i++)
		for (size_t a = 0; a < p->grp[i].g->n; a++) {
			const char *alt = p->grp[i].g->alt[a];
			bool seen = false;
			if (p->grp[i].g->prefix[a]) {
				v->spans[pi][nspan++] = (struct span){.g = &p->grp[i], .alt = a};
				continue;
			}
			for (size_t k = 0; k < n && !seen; k++)
				seen = !strcmp(t[k], alt);
			if (!seen)
				t[n++] = (char *)alt;
		}
	if (n) {
		size_t len = search_in_len(n);
		search_multi_member(s);
		buf_printf(&s->sql,
			   "SELECT %zu AS p, -1 AS k, term, df FROM search_vocab WHERE org_id = ?"
			   " AND object_kind = ? AND term",
			   pi);
		search_add_in(&s->sql, len);
		s->args[s->m++] = DB_I(p->org);
		s->args[s->m++] = DB_T(p->kind);
		for (size_t k = 0; k < len; k++)
			s->args[s->m++] = DB_T(t[k < n ? k : n - 1]);
	}
	for (size_t k = 0; k < nspan; k++) {
		const struct textfold_group *g = v->spans[pi][k].g->g;
		const char *upper = g->upper[v->spans[pi][k].alt];
		if (!search_multi_room(s, 5))
			return BRUG_EINTERNAL; /* cannot be: a query has at most 36 alternatives */
		search_multi_member(s);
		buf_printf(&s->sql,
			   "SELECT * FROM (SELECT %zu AS p, %zu AS k, term, df FROM search_vocab"
			   " WHERE org_id = ? AND object_kind = ? AND term >= ?%s ORDER BY term"
			   " LIMIT ?) v%zu_%zu",
			   pi, k, upper ? " AND term < ?" : "", pi, k);
		s->args[s->m++] = DB_I(p->org);
		s->args[s->m++] = DB_T(p->kind);
		s->args[s->m++] = DB_T(g->alt[v->spans[pi][k].alt]);
		if (upper)
			s->args[s->m++] = DB_T(upper);
		s->args[s->m++] = DB_I((int64_t)search_lim.range_terms + 1);
	}
	return 0;
}

/* Reads the vocabulary of every plan, one statement for all of them when
 * the arguments fit (they do for two kinds). */
static int read_vocab(struct search_plan **plans, size_t n)
{
	struct vocab *v = xcalloc(1, sizeof(*v));
	struct multi *s = xmalloc(sizeof(*s));
	v->plans = plans, v->n = n;
	search_multi_init(s);
	int rc = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		if (!search_multi_room(s, 250))
			rc = search_multi_run(plans[i]->db, s, vocab_row, v);
		if (!rc)
			rc = vocab_members(v, i, s);
	}
	if (!rc)
		rc = search_multi_run(plans[0]->db, s, vocab_row, v);
	search_multi_cleanup(s);
	free(s);
	free(v);
	return rc;
}

/* ---- choosing --------------------------------------------------------------- */

/* Picks the driving group (the rarest; a wide one only when it turns out
 * small or stands alone) and how each other group is checked. */
static int plan_pick(struct search_plan *p)
{
	size_t d = SIZE_MAX, w = SIZE_MAX;
	for (size_t i = 0; i < p->ngrp; i++) {
		if (p->grp[i].wide) {
			w = w == SIZE_MAX ? i : w;
			continue;
		}
		if (!p->grp[i].nterms) { /* a word no object has */
			p->exhausted = true;
			return 0;
		}
		if (d == SIZE_MAX || p->grp[i].est < p->grp[d].est)
			d = i;
	}
	int rc = 0;
	bool fits = false;
	/* read whole only when other groups will thin it out: alone, the
	 * first few ids of its posting lists are the answer */
	if (d != SIZE_MAX && p->grp[d].est <= (int64_t)search_lim.small_list && p->ngrp > 1) {
		p->drive = DRIVE_LIST, p->driver = d;
		rc = search_exec_list(p, &p->grp[d], &fits);
	} else if (w != SIZE_MAX && !(rc = search_exec_list(p, &p->grp[w], &fits)) && fits) {
		p->drive = DRIVE_LIST, p->driver = w;
	} else if (!rc && d != SIZE_MAX) {
		p->drive = DRIVE_MERGE, p->driver = d;
		p->ncur = p->grp[d].nterms;
		p->cur = xcalloc(p->ncur, sizeof(*p->cur));
		for (size_t i = 0; i < p->ncur; i++)
			p->cur[i] = (struct cursor){.term = p->grp[d].terms[i], .below = INT64_MAX};
	} else if (!rc) {
		p->drive = DRIVE_SCAN, p->driver = w;
		p->below = INT64_MAX;
	}
	if (rc)
		return rc;
	p->driver_est = p->drive == DRIVE_LIST    ? (int64_t)p->list.n
			: p->drive == DRIVE_MERGE ? p->grp[d].est
						  : EST_MAX;
	/* the others, rarest first */
	p->check = xcalloc(p->ngrp, sizeof(*p->check));
	for (size_t i = 0; i < p->ngrp; i++) {
		if (i == p->driver)
			continue;
		struct group *g = &p->grp[i];
		g->by_range = !g->wide && p->driver_est != EST_MAX &&
			      g->est / (int64_t)search_lim.merge_ratio <= p->driver_est;
		size_t k = p->ncheck++;
		for (; k > 0 && p->grp[p->check[k - 1]].est > g->est; k--)
			p->check[k] = p->check[k - 1];
		p->check[k] = i;
	}
	return 0;
}

int search_plan_new(struct db *db, int64_t org, const char *const *kinds, size_t n,
		    const struct textfold_query *q, struct search_plan **plans)
{
	int rc = n <= PLANS_MAX ? 0 : BRUG_EINTERNAL;
	for (size_t k = 0; k < n; k++) {
		struct search_plan *p = plans[k] = xcalloc(1, sizeof(*p));
		p->db = db, p->org = org, p->kind = kinds[k];
		p->ngrp = q ? q->n : 0;
		p->grp = xcalloc(p->ngrp ? p->ngrp : 1, sizeof(*p->grp));
		for (size_t i = 0; i < p->ngrp; i++)
			p->grp[i].g = &q->g[i];
		p->exhausted = !p->ngrp;
	}
	if (!rc && n && plans[0]->ngrp)
		rc = read_vocab(plans, n);
	for (size_t k = 0; !rc && k < n; k++) {
		struct search_plan *p = plans[k];
		for (size_t i = 0; i < p->ngrp; i++)
			if (p->grp[i].wide)
				p->grp[i].est = EST_MAX;
		if (!p->exhausted)
			rc = plan_pick(p);
	}
	for (size_t k = 0; rc && k < n; k++) {
		search_plan_free(plans[k]);
		plans[k] = NULL;
	}
	return rc;
}

const char *search_plan_explain(const struct search_plan *p, size_t *by_range, size_t *by_probe)
{
	static const char *const names[] = {"none", "list", "merge", "scan"};
	*by_range = *by_probe = 0;
	for (size_t i = 0; i < p->ncheck; i++)
		(*(p->grp[p->check[i]].by_range ? by_range : by_probe))++;
	return names[p->drive];
}

void search_plan_free(struct search_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->ngrp; i++) {
		for (size_t k = 0; k < p->grp[i].nterms; k++)
			free(p->grp[i].terms[k]);
		free(p->grp[i].terms);
		free(p->grp[i].df);
	}
	for (size_t i = 0; i < p->ncur; i++)
		free(p->cur[i].buf.v);
	free(p->cur);
	free(p->grp);
	free(p->check);
	free(p->list.v);
	free(p->ready.v);
	free(p);
}

/* ---- the walk ----------------------------------------------------------------- */

/* The share of the kind's objects that group g matches, guessed from the
 * df of its terms as if they were independent: 1 - prod(1 - df / span).
 * (Summing would count an object with two of them, "klanten" and its stem
 * "klant", twice.) 1 for a wide group or an unknown span. */
static double group_share(const struct search_plan *p, const struct group *g)
{
	if (g->wide || p->span <= 0)
		return 1;
	double miss = 1;
	for (size_t i = 0; i < g->nterms; i++)
		miss *= g->df[i] < p->span ? 1 - (double)g->df[i] / (double)p->span : 0;
	return 1 - miss;
}

/* The size of the next batch: enough candidates for the need more matches
 * at the rate expected, twice as many for luck (a round trip saved is
 * worth more than a few candidates checked), between batch_first and
 * batch_max. Before any batch the rate is guessed from the groups to check
 * (group_share, as if words were independent); then it is the rate seen
 * (with one match and one candidate added, so a batch that matched
 * nothing still counts). Without groups to check, every candidate
 * matches. */
static size_t next_batch(const struct search_plan *p, size_t need)
{
	if (!p->ncheck)
		return need;
	double rate = 1;
	if (p->seen)
		rate = (double)(p->passed + 1) / (double)(p->seen + 1);
	else
		for (size_t i = 0; i < p->ncheck; i++)
			rate *= group_share(p, &p->grp[p->check[i]]);
	double want = 2 * (double)need / (rate > 1e-9 ? rate : 1e-9) + 1;
	if (want > (double)search_lim.batch_max)
		return search_lim.batch_max;
	return want < (double)search_lim.batch_first ? search_lim.batch_first : (size_t)want;
}

int search_plan_next(struct search_plan *p, int64_t *ids, size_t n, size_t *got)
{
	int rc = 0;
	struct ids batch = {0};
	while (!rc && p->ready.n - p->ready_pos < n && !p->exhausted) {
		batch.n = 0;
		rc = search_exec_drive(p, next_batch(p, n - (p->ready.n - p->ready_pos)), &batch);
		p->seen += batch.n;
		if (!rc)
			rc = search_exec_check(p, &batch);
		p->passed += batch.n;
		for (size_t i = 0; !rc && i < batch.n; i++)
			search_ids_push(&p->ready, batch.v[i]);
	}
	size_t k = 0;
	while (!rc && k < n && p->ready_pos < p->ready.n)
		ids[k++] = p->ready.v[p->ready_pos++];
	if (p->ready_pos == p->ready.n)
		p->ready.n = p->ready_pos = 0;
	free(batch.v);
	if (!rc)
		*got = k;
	return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* What one invitation's answers count for in survey_agg, and applying the
 * difference when they change. An invitation's state (its answers and
 * whether it is complete) maps to a set of aggregate keys, each counted
 * once; a save subtracts the keys of the old state that the new one lacks
 * and adds the new ones the old one lacked. Because the breakdown (dims)
 * and the period are frozen at the first answer, subtracting always hits a
 * row that was added to before. */
#include "domain/survey_answer_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/survey_agg.h"
#include "util/jx.h"
#include "util/xmalloc.h"

struct key {
	int64_t q;
	char dim[8];
	char dv[72];
	int64_t score;
};

struct keys {
	struct key *k;
	size_t n, cap;
};

static void add(struct keys *ks, int64_t q, const char *dim, const char *dv, int64_t score)
{
	if (ks->n == ks->cap) {
		ks->cap = ks->cap ? 2 * ks->cap : 32;
		ks->k = xrealloc(ks->k, ks->cap * sizeof(*ks->k));
	}
	struct key *k = &ks->k[ks->n++];
	memset(k, 0, sizeof(*k));
	k->q = q;
	snprintf(k->dim, sizeof(k->dim), "%s", dim);
	snprintf(k->dv, sizeof(k->dv), "%s", dv);
	k->score = score;
}

/* The breakdowns of a scored answer: the whole, then each of dims. */
static void add_breakdowns(struct keys *ks, int64_t q, int64_t score, const json_t *dims)
{
	char v[32];
	add(ks, q, "", "", score);
	const char *s;
	if ((s = jx_str(dims, "type")) && *s)
		add(ks, q, "type", s, score);
	if ((s = jx_str(dims, "channel")) && *s)
		add(ks, q, "channel", s, score);
	static const char *const ids[] = {"user", "role"};
	for (size_t i = 0; i < 2; i++) {
		int64_t id = jx_int(dims, ids[i], 0);
		if (id > 0) {
			snprintf(v, sizeof(v), "%lld", (long long)id);
			add(ks, q, ids[i], v, score);
		}
	}
	static const char *const lists[][2] = {{"tags", "tag"}, {"teams", "team"}};
	for (size_t i = 0; i < 2; i++) {
		size_t j;
		json_t *e;
		json_array_foreach(json_object_get(dims, lists[i][0]), j, e) {
			snprintf(v, sizeof(v), "%lld", (long long)json_integer_value(e));
			add(ks, q, lists[i][1], v, score);
		}
	}
}

/* The keys state counts for. state: {question id (text): answer row}
 * with score, choices (a list) and themes (a list); nps: the id of the
 * survey's NPS question (0: none). */
static void keys_of(struct keys *ks, const json_t *state, bool complete, const json_t *dims,
		    int64_t nps)
{
	if (!json_object_size(state))
		return;
	add(ks, 0, "", "", 1);
	if (complete)
		add(ks, 0, "", "", 2);
	const char *qk;
	json_t *a;
	/* theme -> [question, label] of the lowest question mentioning it: not
	 * "the first met", as the order of state's members differs between a
	 * save (new answers last) and the next load (by question) */
	json_t *themes = json_object();
	int64_t nps_score = -1;
	json_object_foreach((json_t *)state, qk, a) {
		int64_t q = strtoll(qk, NULL, 10);
		json_t *score = json_object_get(a, "score");
		if (json_is_integer(score)) {
			add_breakdowns(ks, q, json_integer_value(score), dims);
			if (q == nps)
				nps_score = json_integer_value(score);
		}
		size_t i;
		json_t *c;
		json_array_foreach(json_object_get(a, "choices"), i, c)
			add(ks, q, "choice", json_is_string(c) ? json_string_value(c) : "", 0);
		json_array_foreach(json_object_get(a, "themes"), i, c) {
			const char *t = json_string_value(c);
			json_t *had = t ? json_object_get(themes, t) : NULL;
			if (t && (!had || json_integer_value(json_array_get(had, 0)) > q))
				json_object_set_new(themes, t,
						    json_pack("[I,I]", (json_int_t)q,
							      (json_int_t)jx_int(a, "label", 0)));
		}
	}
	const char *t;
	json_t *label;
	json_object_foreach(themes, t, label) {
		add(ks, 0, "theme", t, json_integer_value(json_array_get(label, 1)));
		if (nps_score >= 0)
			add(ks, nps, "theme", t, nps_score);
	}
	json_decref(themes);
}

static int key_cmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	if (x->q != y->q)
		return x->q < y->q ? -1 : 1;
	int c = strcmp(x->dim, y->dim);
	if (!c)
		c = strcmp(x->dv, y->dv);
	if (!c && x->score != y->score)
		c = x->score < y->score ? -1 : 1;
	return c;
}

/* Sorted, without repeats (a tag given twice counts once). */
static void normalise(struct keys *ks)
{
	if (!ks->n)
		return;
	qsort(ks->k, ks->n, sizeof(*ks->k), key_cmp);
	size_t w = 1;
	for (size_t r = 1; r < ks->n; r++)
		if (key_cmp(&ks->k[r], &ks->k[w - 1]))
			ks->k[w++] = ks->k[r];
	ks->n = w;
}

static int apply(struct db *db, const struct answer_ctx *c, const struct key *k, int delta)
{
	return survey_agg_add(db, c->org, c->survey, k->q, k->dim, k->dv, k->score, delta,
			      &c->periods);
}

int survey_answer_agg_diff(struct db *db, const struct answer_ctx *c, const json_t *before,
			   bool was_complete, const json_t *after, bool complete)
{
	struct keys old = {0}, now = {0};
	keys_of(&old, before, was_complete, c->dims, c->nps_question);
	keys_of(&now, after, complete, c->dims, c->nps_question);
	normalise(&old);
	normalise(&now);
	int rc = 0;
	size_t i = 0, j = 0;
	while (!rc && (i < old.n || j < now.n)) {
		int cmp = i == old.n ? 1 : j == now.n ? -1 : key_cmp(&old.k[i], &now.k[j]);
		if (cmp < 0)
			rc = apply(db, c, &old.k[i++], -1);
		else if (cmp > 0)
			rc = apply(db, c, &now.k[j++], 1);
		else
			i++, j++;
	}
	free(old.k);
	free(now.k);
	return rc;
}

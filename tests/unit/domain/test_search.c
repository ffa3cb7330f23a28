/* SPDX-License-Identifier: Apache-2.0 */
/* src/domain/search.c and search_plan.c against a brute-force filter: a
 * few hundred generated relations and interactions (created, changed,
 * archived and forgotten through the domain), then hundreds of generated
 * queries, whose results must be exactly the ids a plain loop in C over the
 * objects' texts finds, newest first, on SQLite and PostgreSQL alike; with
 * the plan's default thresholds and with tiny ones that send a few hundred
 * rows down every path. Also: search_vocab always equals a recount of
 * search_terms. */
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/interaction.h"
#include "domain/relation.h"
#include "domain/search.h"
#include "domain/search_plan.h"
#include "util/textfold.h"
#include "util/xmalloc.h"

/* Words with shared prefixes, stems, accents, case, joins and numbers. */
static const char *const words[] = {
	"storing", "storingen", "storm", "stop", "stoel", "klant", "klanten", "klantenservice",
	"factuur", "facturen", "invoice", "invoices", "afspraak", "afspraken", "monteur", "Zoë",
	"MÜLLER", "zoeken", "garantie", "warmtepomp", "warmte", "water", "waterschade", "lekkage",
	"café", "naïef", "Ångström", "payment", "pay", "paid", "delivery", "deliveries", "de",
	"het", "een", "a", "the", "and", "en", "van", "met", "thermostaat", "ketel", "boiler",
	"'s-Hertogenbosch", "Jan-Willem", "e-mails", "1012AB", "nummer", "bezoek", "bezoeken",
	"Amsterdam", "Utrecht", "spoed", "tevreden", "ontevreden", "x", "xylofoon", "zz9",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))
static const char *const phones[] = {"06-12345678", "+31 6 1234 5678", "020 123 4567",
				     "0031 20 7654321", "06 87654321"};
static const char *const mails[] = {"jan@voorbeeld.nl", "zoe.muller@polder.example",
				    "info@warmte.example", "j.willem@voorbeeld.nl"};

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* Zipf-like: the first words far more often than the last. */
static const char *word(void)
{
	uint32_t a = rnd(NWORDS), b = rnd(NWORDS);
	return words[a < b ? a : b];
}

static void sentence(char *out, size_t cap, int count)
{
	size_t w = 0;
	out[0] = '\0';
	for (int i = 0; i < count && w + 40 < cap; i++)
		w += (size_t)snprintf(out + w, cap - w, "%s%s", i ? " " : "", word());
}

/* ---- the world: objects and the brute-force view of them ----------------- */

#define MAX_OBJ 512

struct obj {
	int64_t id;
	char **terms; /* what textfold_terms makes of its texts, repeats allowed */
	size_t n;
};

struct kindset {
	struct obj v[MAX_OBJ];
	size_t n;
};

static void obj_add_text(struct obj *o, const char *text)
{
	if (!text || !*text)
		return;
	struct textfold_terms *t = textfold_terms(text, strlen(text));
	for (size_t i = 0; i < t->n; i++) {
		o->terms = xrealloc(o->terms, (o->n + 1) * sizeof(*o->terms));
		o->terms[o->n++] = xstrdup(t->v[i]);
	}
	textfold_terms_free(t);
}

static void kindset_free(struct kindset *k)
{
	for (size_t i = 0; i < k->n; i++) {
		for (size_t j = 0; j < k->v[i].n; j++)
			free(k->v[i].terms[j]);
		free(k->v[i].terms);
	}
	k->n = 0;
}

/* The object of k with this id, added when new. */
static struct obj *obj_at(struct kindset *k, int64_t id)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->v[i].id == id)
			return &k->v[i];
	assert_true(k->n < MAX_OBJ);
	k->v[k->n] = (struct obj){.id = id};
	return &k->v[k->n++];
}

static int cmp_obj(const void *a, const void *b)
{
	int64_t x = ((const struct obj *)a)->id, y = ((const struct obj *)b)->id;
	return (x > y) - (x < y);
}

/* Adds the texts of the (id, text) rows of sql, straight from the tables
 * search indexes, to k. */
static void load(struct fx *f, struct kindset *k, const char *sql, int64_t org)
{
	struct db_rows *r = NULL;
	assert_int_equal(db_query(f->db, &r, sql, DB_ARGS(DB_I(org))), 0);
	int more;
	while ((more = db_next(r)) == 1)
		obj_add_text(obj_at(k, db_int(r, 0)), db_null(r, 1) ? NULL : db_text(r, 1));
	assert_int_equal(more, 0);
	db_rows_free(r);
	qsort(k->v, k->n, sizeof(k->v[0]), cmp_obj);
}

static bool group_matches(const struct obj *o, const struct textfold_group *g)
{
	for (size_t a = 0; a < g->n; a++)
		for (size_t t = 0; t < o->n; t++)
			if (g->prefix[a] ? !strncmp(o->terms[t], g->alt[a], strlen(g->alt[a]))
					 : !strcmp(o->terms[t], g->alt[a]))
				return true;
	return false;
}

/* The ids of k matching every group of q, highest first. */
static size_t brute(const struct kindset *k, const struct textfold_query *q, int64_t *out)
{
	size_t n = 0;
	for (size_t i = k->n; q->n && i-- > 0;) {
		bool all = true;
		for (size_t g = 0; all && g < q->n; g++)
			all = group_matches(&k->v[i], &q->g[g]);
		if (all)
			out[n++] = k->v[i].id;
	}
	return n;
}

struct world {
	int64_t org, other;
	int64_t forgotten[16];
	size_t nforgotten;
	struct kindset rel, act;
};

static int64_t make_relation(struct fx *f, int64_t org, int i)
{
	struct actor who = fx_cli(org);
	char name[200], notes[400];
	sentence(name, sizeof(name), 1 + (int)rnd(3));
	sentence(notes, sizeof(notes), (int)rnd(6));
	json_t *mail = json_pack("[{s:s}]", "value", mails[rnd(4)]);
	json_t *phone = json_pack("[{s:s}]", "value", phones[rnd(5)]);
	json_t *tags = json_pack("[s]", rnd(2) ? "warmtepomp" : "VIP");
	struct relation_in in = {.kind = i % 3 ? "person" : "organisation", .name = name,
				 .notes = notes, .parent_id = -1, .owner_id = -1,
				 .emails = i % 2 ? mail : NULL, .phones = i % 3 ? phone : NULL,
				 .tags = i % 4 ? NULL : tags};
	int64_t id = 0;
	struct brug_err err = {0};
	int rc = relation_create(f->db, &who, &in, &id, &err);
	if (rc)
		fail_msg("relation_create %s: %d %s", name, rc, err.key ? err.key : "");
	json_decref(mail);
	json_decref(phone);
	json_decref(tags);
	return id;
}

/* An interaction with relation rel, an organisation or else a person. */
static int64_t make_interaction(struct fx *f, int64_t org, int64_t rel, bool organisation)
{
	struct actor who = fx_cli(org);
	char subject[200], summary[800];
	sentence(subject, sizeof(subject), 1 + (int)rnd(3));
	sentence(summary, sizeof(summary), (int)rnd(14));
	if (rnd(8) == 0) /* a number or an address in what was said */
		snprintf(summary + strlen(summary), sizeof(summary) - strlen(summary), " %s",
			 rnd(2) ? phones[rnd(5)] : mails[rnd(4)]);
	struct interaction_in in = {.company_id = organisation ? rel : -1,
				    .person_id = organisation ? -1 : rel, .channel = "phone",
				    .subject = subject, .summary = summary, .user_id = 0,
				    .role_id = 0, .occurred_at = 1700000000000 + rnd(1000000) * 1000};
	int64_t id = 0;
	struct brug_err err = {0};
	int rc = interaction_create(f->db, &who, &in, &id, &err);
	if (rc)
		fail_msg("interaction_create: %d %s", rc, err.key ? err.key : "");
	return id;
}

/* Two organisations sharing the words; org's objects changed, archived
 * and forgotten after they were made, as people do. */
static void build(struct fx *f, struct world *w)
{
	rng = 0x9e3779b97f4a7c15ull;
	w->org = fx_org(f, "Zoek B.V.");
	w->other = fx_org(f, "Ander B.V.");
	int64_t rel[60], act[320];
	for (int i = 0; i < 60; i++)
		rel[i] = make_relation(f, w->org, i);
	for (int i = 0; i < 320; i++) {
		uint32_t r = rnd(60);
		act[i] = make_interaction(f, w->org, rel[r], r % 3 == 0);
	}
	int64_t other = make_relation(f, w->other, 0);
	for (int i = 0; i < 40; i++)
		make_interaction(f, w->other, other, true);
	struct actor who = fx_cli(w->org);
	struct brug_err err = {0};
	for (int i = 0; i < 40; i++) {
		char subject[200], summary[400];
		sentence(subject, sizeof(subject), 2);
		sentence(summary, sizeof(summary), (int)rnd(8));
		struct interaction_in in = {.person_id = -1, .company_id = -1, .occurred_at = 0,
					    .duration_s = -1, .user_id = -1, .role_id = -1,
					    .subject = subject, .summary = i % 2 ? summary : NULL};
		assert_int_equal(interaction_update(f->db, &who, act[rnd(320)], &in, &err), 0);
	}
	for (int i = 0; i < 12; i++) {
		char name[200];
		sentence(name, sizeof(name), 2);
		json_t *none = json_array();
		struct relation_in in = {.name = name, .parent_id = -1, .owner_id = -1,
					 .phones = i % 2 ? none : NULL};
		assert_int_equal(relation_update(f->db, &who, rel[rnd(60)], &in, &err), 0);
		json_decref(none);
		assert_int_equal(relation_archive(f->db, &who, rel[rnd(60)], true, &err), 0);
	}
	assert_int_equal(db_begin(f->db), 0);
	for (size_t i = 0; i < 10; i++) {
		w->forgotten[w->nforgotten] = act[rnd(320)];
		assert_int_equal(
			search_forget(f->db, w->org, "interaction", w->forgotten[w->nforgotten++]), 0);
	}
	assert_int_equal(db_commit(f->db), 0);
	static const char *const rel_sql[] = {
		"SELECT id, name FROM relations WHERE org_id = ? AND erased_at IS NULL",
		"SELECT id, job_title FROM relations WHERE org_id = ? AND erased_at IS NULL",
		"SELECT id, notes FROM relations WHERE org_id = ? AND erased_at IS NULL",
		"SELECT relation_id, value FROM contact_points WHERE org_id = ?",
		"SELECT relation_id, city FROM contact_points WHERE org_id = ?",
		("SELECT rt.relation_id, t.name FROM relation_tags rt JOIN tags t"
		 " ON t.org_id = rt.org_id AND t.id = rt.tag_id WHERE rt.org_id = ?"),
	};
	for (size_t i = 0; i < sizeof(rel_sql) / sizeof(rel_sql[0]); i++)
		load(f, &w->rel, rel_sql[i], w->org);
	load(f, &w->act, "SELECT id, subject FROM interactions WHERE org_id = ?", w->org);
	load(f, &w->act, "SELECT id, summary FROM interactions WHERE org_id = ?", w->org);
	/* a forgotten object keeps its row but is found by nothing */
	for (size_t i = 0; i < w->nforgotten; i++) {
		struct obj *o = obj_at(&w->act, w->forgotten[i]);
		for (size_t j = 0; j < o->n; j++)
			free(o->terms[j]);
		o->n = 0;
	}
}

static void world_free(struct world *w)
{
	kindset_free(&w->rel);
	kindset_free(&w->act);
}

/* ---- the checks ---------------------------------------------------------- */

/* Queries: fixed ones for the edges, then generated ones. */
static const char *const fixed[] = {
	"", "   ", ",,!", "s", "st", "sto", "stor", "storing", "storing ", "klant ", "klanten",
	"KLANT factuur ", "invoice ", "invoic", "de ", "de", "a", "a ", "x", "z", "zz", "zoe",
	"zoë müller", "muller zo", "angstrom", "cafe ", "naief", "hertogenbosch", "janwillem",
	"jan-willem", "emails", "1012ab", "1012", "06", "0612", "06-1234", "+31 6 1234 5678",
	"0031612345678", "020 123", "+31 20", "jan@", "jan@voorbeeld", "jan@voorbeeld.nl ",
	"zoe.muller@", "voorbeeld.nl", "storing storm stop", "de het een", "the and a ",
	"warmtepomp VIP", "vip", "nothing-like-this", "storing nothing", "q",
};

/* A generated query: one to three words, the last one cut while typing
 * (at a character boundary) or finished with a space. */
static void gen_query(char *out, size_t cap)
{
	int n = 1 + (int)rnd(3);
	size_t w = 0;
	for (int i = 0; i < n; i++)
		w += (size_t)snprintf(out + w, cap - w, "%s%s", i ? " " : "", word());
	if (rnd(3) == 0) {
		snprintf(out + w, cap - w, " ");
	} else if (rnd(2)) {
		size_t last = w;
		while (last > 0 && out[last - 1] != ' ')
			last--;
		size_t cut = last + 1 + rnd((uint32_t)(w - last));
		while (cut < w && ((unsigned char)out[cut] & 0xC0) == 0x80)
			cut++;
		out[cut] = '\0';
	}
}

/* Every match a plan gives, a few at a time, must be brute()'s, in order;
 * both kinds planned together, as search_query plans them. */
static void check_plans(struct fx *f, const struct world *w, const struct textfold_query *q,
			const char *text, bool *seen)
{
	static const char *const kinds[] = {"relation", "interaction"};
	const struct kindset *sets[] = {&w->rel, &w->act};
	struct search_plan *plans[2] = {NULL, NULL};
	assert_int_equal(search_plan_new(f->db, w->org, kinds, 2, q, plans), 0);
	for (size_t k = 0; k < 2; k++) {
		static int64_t want[MAX_OBJ], got[MAX_OBJ + 8];
		size_t nwant = brute(sets[k], q, want), ngot = 0, step = 1 + rnd(9), n = 0;
		size_t by_range = 0, by_probe = 0;
		const char *how = search_plan_explain(plans[k], &by_range, &by_probe);
		static const char *const hows[] = {"none", "list", "merge", "scan"};
		for (size_t i = 0; i < 4; i++)
			if (!strcmp(how, hows[i]))
				seen[i] = true;
		seen[4] = seen[4] || by_range;
		seen[5] = seen[5] || by_probe;
		do {
			assert_true(ngot + step <= MAX_OBJ + 8);
			assert_int_equal(search_plan_next(plans[k], got + ngot, step, &n), 0);
			ngot += n;
		} while (n == step);
		bool same = ngot == nwant;
		for (size_t i = 0; same && i < ngot; i++)
			same = got[i] == want[i];
		if (!same)
			fail_msg("%s q=\"%s\" (%s, %zu by range, %zu by probe): %zu ids, brute force"
				 " %zu; first %lld vs %lld",
				 kinds[k], text, how, by_range, by_probe, ngot, nwant,
				 ngot ? (long long)got[0] : -1, nwant ? (long long)want[0] : -1);
	}
	search_plan_free(plans[0]);
	search_plan_free(plans[1]);
}

/* search_query with limit: the first limit of brute()'s, for both kinds. */
static void check_query(struct fx *f, const struct world *w, const struct textfold_query *q,
			const char *text, int limit)
{
	json_t *out = NULL;
	assert_int_equal(search_query(f->db, w->org, text, limit, &out, NULL), 0);
	static int64_t want[MAX_OBJ];
	const char *arrays[] = {"relations", "interactions"};
	const struct kindset *sets[] = {&w->rel, &w->act};
	for (size_t s = 0; s < 2; s++) {
		size_t nwant = brute(sets[s], q, want);
		nwant = nwant < (size_t)limit ? nwant : (size_t)limit;
		json_t *a = json_object_get(out, arrays[s]);
		if (json_array_size(a) != nwant)
			fail_msg("%s q=\"%s\" limit %d: %zu found, brute force %zu", arrays[s], text,
				 limit, json_array_size(a), nwant);
		for (size_t i = 0; i < nwant; i++)
			if (json_integer_value(json_object_get(json_array_get(a, i), "id")) != want[i])
				fail_msg("%s q=\"%s\" limit %d: result %zu differs", arrays[s], text,
					 limit, i);
	}
	json_decref(out);
}

static void check_all(struct fx *f, const struct world *w, bool *seen)
{
	char text[300];
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]) + 150; i++) {
		if (i < sizeof(fixed) / sizeof(fixed[0]))
			snprintf(text, sizeof(text), "%s", fixed[i]);
		else
			gen_query(text, sizeof(text));
		struct textfold_query *q = NULL;
		assert_int_equal(textfold_query(text, strlen(text), &q, NULL), 0);
		check_plans(f, w, q, text, seen);
		if (i % 3 == 0)
			check_query(f, w, q, text, 1 + (int)rnd(25));
		textfold_query_free(q);
	}
}

static void test_matches_brute_force(void **state)
{
	struct fx *f = *state;
	struct world w = {0};
	build(f, &w);
	fx_check_search_vocab(f);
	/* the defaults, middling limits, and tiny ones: every path, same ids */
	const struct search_limits tiny = {.range_terms = 2, .small_list = 8, .batch_first = 1,
					   .batch_max = 8, .merge_ratio = 1, .probe_max = 3};
	const struct search_limits mid = {.range_terms = 4, .small_list = 60, .batch_first = 4,
					  .batch_max = 64, .merge_ratio = 4, .probe_max = 16};
	const struct search_limits *sets[] = {NULL, &mid, &tiny};
	bool seen[6] = {0};
	for (size_t s = 0; s < 3; s++) {
		search_limits_set(sets[s]);
		check_all(f, &w, seen);
	}
	search_limits_set(NULL);
	const char *names[] = {"none", "list", "merge", "scan", "by range", "by probe"};
	for (size_t i = 0; i < 6; i++)
		if (!seen[i])
			fail_msg("no query took the path '%s'", names[i]);
	world_free(&w);
}

/* search_vocab_rebuild recounts to what the writes kept. */
static void test_vocab_rebuild(void **state)
{
	struct fx *f = *state;
	struct world w = {0};
	build(f, &w);
	int64_t rows = fx_rows(f, "search_vocab"), sum = fx_int(f, "SELECT SUM(df) FROM search_vocab",
								  DB_NOARGS);
	assert_true(rows > 50);
	assert_int_equal(db_exec(f->db, "UPDATE search_vocab SET df = df + 7 WHERE org_id = ?",
				 DB_ARGS(DB_I(w.org))),
			 0);
	assert_int_equal(search_vocab_rebuild(f->db, w.org), 0);
	fx_check_search_vocab(f);
	assert_int_equal(fx_rows(f, "search_vocab"), rows);
	assert_int_equal(fx_int(f, "SELECT SUM(df) FROM search_vocab", DB_NOARGS), sum);
	world_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_matches_brute_force),
		FX_TEST(test_vocab_rebuild),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/domain/survey_results*.c: answers saved through
 * survey_answer_save (and changed and cleared at random) give results that
 * equal util/stats on counts recomputed from survey_answers by brute
 * force; trends mark only significant changes; breakdowns by tag and team
 * with names; themes' NPS of those mentioning against the rest; the open
 * answers by group; dates and periods. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#include "core/rc.h"
#include "domain/survey.h"
#include "domain/survey_answer.h"
#include "domain/survey_question.h"
#include "domain/survey_results.h"
#include "domain/team.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/stats.h"

/* The value at a dotted path ("groups.0.n"); NULL when absent. */
static json_t *jpath(json_t *v, const char *path)
{
	char part[64];
	while (v && *path) {
		size_t n = strcspn(path, ".");
		snprintf(part, sizeof(part), "%.*s", (int)n, path);
		if (json_is_array(v))
			v = json_array_get(v, strtoul(part, NULL, 10));
		else
			v = json_object_get(v, part);
		path += n + (path[n] == '.');
	}
	return v;
}

struct world {
	int64_t org, user, team, tag, relation, survey, nps_q, csat_q, multi_q;
	struct actor who;
};

static int64_t add_q(struct fx *f, struct world *w, const char *key, const char *type,
		     const char *options)
{
	json_t *o = options ? json_loads(options, 0, NULL) : NULL;
	struct survey_question_fields q = {.key = key, .type = type, .required = 0,
					   .text_nl = "Vraag", .options = o};
	struct brug_err err = {0};
	int64_t id = 0;
	assert_int_equal(survey_question_add(f->db, &w->who, w->survey, &q, &id, &err), 0);
	json_decref(o);
	return id;
}

static struct world world(struct fx *f)
{
	struct world w = {0};
	w.org = fx_org(f, "Acme");
	w.user = fx_user(f, w.org, "ann@acme.nl", "Ann", ROLE_MANAGER);
	w.who = fx_actor(w.org, w.user, "ann@acme.nl", "192.0.2.1");
	struct brug_err err = {0};
	assert_int_equal(team_create(f->db, &w.who, "Binnendienst", "", &w.team, &err), 0);
	assert_int_equal(team_member_set(f->db, &w.who, w.team, w.user, false, &err), 0);
	int64_t now = clock_now_ms();
	w.tag = fx_int(f, "INSERT INTO tags (org_id, name, sort_key, created_at) VALUES (?, 'VIP',"
			  " 'vip', ?) RETURNING id", DB_ARGS(DB_I(w.org), DB_I(now)));
	w.relation = fx_int(f, "INSERT INTO relations (org_id, kind, type, name, sort_key, created_at,"
			       " updated_at) VALUES (?, 'organisation', 'partner', 'Bolt', 'bolt', ?, ?)"
			       " RETURNING id", DB_ARGS(DB_I(w.org), DB_I(now), DB_I(now)));
	assert_int_equal(db_exec(f->db, "INSERT INTO relation_tags VALUES (?, ?, ?)",
				 DB_ARGS(DB_I(w.org), DB_I(w.relation), DB_I(w.tag))), 0);
	struct survey_fields sf = {.name = "NPS"};
	assert_int_equal(survey_create(f->db, &w.who, &sf, "nps_relationship", &w.survey, &err), 0);
	w.csat_q = add_q(f, &w, "csat", "csat", NULL);
	w.multi_q = add_q(f, &w, "wat", "multiple",
			  "{\"choices\":[{\"key\":\"a\",\"nl\":\"Prijs\",\"en\":\"Price\"},"
			  "{\"key\":\"b\",\"nl\":\"Service\",\"en\":\"Service\"},"
			  "{\"key\":\"c\",\"nl\":\"Snelheid\",\"en\":\"Speed\"}]}");
	struct survey_fields act = {.status = "active"};
	assert_int_equal(survey_update(f->db, &w.who, w.survey, &act, &err), 0);
	w.nps_q = fx_int(f, "SELECT id FROM survey_questions WHERE org_id = ? AND survey_id = ? AND"
			    " key = 'nps'", DB_ARGS(DB_I(w.org), DB_I(w.survey)));
	return w;
}

static int64_t invitation(struct fx *f, const struct world *w, bool handled, bool tagged)
{
	int64_t now = clock_now_ms();
	return fx_int(f,
		      "INSERT INTO survey_invitations (org_id, survey_id, relation_id, status, lang,"
		      " handler_id, sent_at, expires_at, created_at, updated_at)"
		      " VALUES (?, ?, ?, 'sent', 'nl', ?, ?, ?, ?, ?) RETURNING id",
		      DB_ARGS(DB_I(w->org), DB_I(w->survey), DB_I0(tagged ? w->relation : 0),
			      DB_I0(handled ? w->user : 0), DB_I(now), DB_I(now + 86400000LL * 400),
			      DB_I(now), DB_I(now)));
}

static void save(struct fx *f, int64_t inv, json_t *a, bool complete)
{
	struct survey_save res;
	struct brug_err err = {0};
	int rc = survey_answer_save(f->db, inv, a, complete, &res, &err);
	if (rc)
		fail_msg("save: %d %s %s", rc, err.key ? err.key : "", err.field ? err.field : "");
}

static json_t *results(struct fx *f, const struct world *w, const char *dim, const char *grain)
{
	struct survey_results_query q = {.lang = "nl"};
	struct brug_err err = {0};
	assert_int_equal(survey_results_query_parse(f->db, w->org, NULL, NULL, grain, dim,
						    survey_results_dims, &q, &err),
			 0);
	json_t *out = NULL;
	assert_int_equal(survey_results_get(f->db, w->org, w->survey, &q, &out), 0);
	return out;
}

static json_t *question(json_t *r, int64_t id)
{
	size_t i;
	json_t *q;
	json_array_foreach(json_object_get(r, "questions"), i, q)
		if (jx_int(q, "id", 0) == id)
			return q;
	fail_msg("question %lld not in the results", (long long)id);
	return NULL;
}

static void near(double a, double b)
{
	if (a - b > 1e-9 || b - a > 1e-9)
		fail_msg("%.12f != %.12f", a, b);
}

/* Brute force: the counts per score of question q over survey_answers. */
static void brute_counts(struct fx *f, const struct world *w, int64_t q, uint64_t c[11])
{
	memset(c, 0, 11 * sizeof(*c));
	struct db_rows *r = NULL;
	assert_int_equal(db_query(f->db, &r,
				  "SELECT score, COUNT(*) FROM survey_answers WHERE org_id = ? AND"
				  " question_id = ? AND score IS NOT NULL GROUP BY score",
				  DB_ARGS(DB_I(w->org), DB_I(q))),
			 0);
	while (db_next(r) == 1)
		c[db_int(r, 0)] = (uint64_t)db_int(r, 1);
	db_rows_free(r);
}

static const char *const texts[] = {
	"", "Heel vriendelijk en deskundig, uitstekend", "Slecht bereikbaar, de prijs is te hoog",
	"De prijs is redelijk", "Traag en slecht bereikbaar", "Snel geholpen, goed",
	"Communicatie kan beter", NULL,
};

/* A random answer set: some questions, some cleared (null). */
static json_t *random_answers(void)
{
	json_t *a = json_object();
	int r = rand() % 4;
	if (r)
		json_object_set_new(a, "nps", r == 1 ? json_null() : json_integer(rand() % 11));
	if ((r = rand() % 4))
		json_object_set_new(a, "csat", r == 1 ? json_null() : json_integer(1 + rand() % 5));
	if ((r = rand() % 4)) {
		json_t *ch = json_array();
		static const char *const keys[] = {"a", "b", "c"};
		for (int i = 0; i < 3; i++)
			if (rand() % 2)
				json_array_append_new(ch, json_string(keys[i]));
		json_object_set_new(a, "wat", r == 1 ? json_null() : ch);
		if (r == 1)
			json_decref(ch);
	}
	static const char *const tq[] = {"reason", "better"};
	for (int i = 0; i < 2; i++)
		if ((r = rand() % 3)) {
			const char *t = texts[rand() % 7];
			json_object_set_new(a, tq[i], *t ? json_string(t) : json_null());
		}
	return a;
}

/* Per theme from survey_answers: the label of its lowest text question
 * of each invitation, and the invitation's NPS score. */
struct brute_theme {
	char key[32];
	uint64_t label[3];
	uint64_t nps[11];
};

static void brute_themes(struct fx *f, const struct world *w, struct brute_theme *bt, size_t *n)
{
	struct db_rows *r = NULL;
	assert_int_equal(db_query(f->db, &r,
				  "SELECT a.invitation_id, a.themes, a.sentiment, p.score"
				  " FROM survey_answers a LEFT JOIN survey_answers p ON p.org_id ="
				  " a.org_id AND p.invitation_id = a.invitation_id AND p.question_id = ?"
				  " WHERE a.org_id = ? AND a.themes <> '' ORDER BY a.invitation_id,"
				  " a.question_id",
				  DB_ARGS(DB_I(w->nps_q), DB_I(w->org))),
			 0);
	*n = 0;
	int64_t inv = 0;
	json_t *seen = json_object();
	while (db_next(r) == 1) {
		if (db_int(r, 0) != inv) {
			json_object_clear(seen);
			inv = db_int(r, 0);
		}
		json_t *keys = json_loads(db_text(r, 1), 0, NULL), *k;
		int64_t s = db_int(r, 2);
		int label = s >= 30 ? 2 : s <= -30 ? 0 : 1;
		size_t i;
		json_array_foreach(keys, i, k) {
			const char *key = json_string_value(k);
			if (json_object_get(seen, key))
				continue;
			json_object_set_new(seen, key, json_true());
			size_t j = 0;
			while (j < *n && strcmp(bt[j].key, key))
				j++;
			if (j == *n) {
				memset(&bt[j], 0, sizeof(bt[j]));
				snprintf(bt[j].key, sizeof(bt[j].key), "%s", key);
				(*n)++;
			}
			bt[j].label[label]++;
			if (!db_null(r, 3))
				bt[j].nps[db_int(r, 3)]++;
		}
		json_decref(keys);
	}
	json_decref(seen);
	db_rows_free(r);
}

static void check_share_of(const json_t *q, const uint64_t *c, int lo_hit, int hi, int n_lo)
{
	uint64_t hits = 0, n = 0;
	for (int i = n_lo; i <= hi; i++) {
		n += c[i];
		if (i >= lo_hit)
			hits += c[i];
	}
	struct stats_share s;
	assert_int_equal(stats_share_from_counts(hits, n, &s), 0);
	near(json_real_value(jpath((json_t *)q, "share.value")), s.pct);
	near(json_real_value(json_object_get(q, "lo")), s.lo);
	near(json_real_value(json_object_get(q, "hi")), s.hi);
}

static void test_property(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	srand(20261124);
	enum { INVS = 60 };
	int64_t inv[INVS];
	bool done[INVS] = {0};
	for (int i = 0; i < INVS; i++)
		inv[i] = invitation(f, &w, i % 3 == 0, i % 4 == 0);
	for (int round = 0; round < 4 * INVS; round++) {
		int i = rand() % INVS;
		if (done[i])
			continue;
		json_t *a = random_answers();
		bool complete = rand() % 6 == 0;
		/* completing needs the required NPS answer */
		if (complete && !json_is_integer(json_object_get(a, "nps")))
			json_object_set_new(a, "nps", json_integer(rand() % 11));
		save(f, inv[i], a, complete);
		done[i] = complete;
		json_decref(a);
	}
	json_t *r = results(f, &w, "tag", NULL);
	/* NPS: the distribution and the score with its interval */
	uint64_t c[11];
	brute_counts(f, &w, w.nps_q, c);
	struct stats_nps nps;
	assert_int_equal(stats_nps_from_counts(c, &nps), 0);
	json_t *q = question(r, w.nps_q);
	assert_int_equal(jx_int(q, "n", -1), (int64_t)nps.n);
	assert_true(nps.n > 10);
	for (int s = 0; s <= 10; s++)
		assert_int_equal(json_integer_value(jpath(json_array_get(json_object_get(q, "distribution"), (size_t)s), "n")),
				 (json_int_t)c[s]);
	near(json_real_value(json_object_get(q, "value")), nps.nps);
	near(json_real_value(json_object_get(q, "lo")), nps.lo);
	near(json_real_value(json_object_get(q, "hi")), nps.hi);
	/* CSAT: satisfied share (4-5) with Wilson, mean with t */
	brute_counts(f, &w, w.csat_q, c);
	q = question(r, w.csat_q);
	check_share_of(q, c, 4, 5, 1);
	struct stats_csat cs;
	assert_int_equal(stats_csat_from_counts(c + 1, &cs), 0);
	near(json_real_value(jpath(q, "mean.value")), cs.mean.mean);
	near(json_real_value(jpath(q, "mean.hi")), cs.mean.hi);
	/* choices: picks counted from the stored lists */
	struct db_rows *rows = NULL;
	int64_t picks[3] = {0};
	assert_int_equal(db_query(f->db, &rows, "SELECT choices FROM survey_answers WHERE org_id = ?"
						" AND question_id = ?",
				  DB_ARGS(DB_I(w.org), DB_I(w.multi_q))),
			 0);
	while (db_next(rows) == 1) {
		json_t *l = json_loads(db_text(rows, 0), 0, NULL), *e;
		size_t i;
		json_array_foreach(l, i, e)
			picks[json_string_value(e)[0] - 'a']++;
		json_decref(l);
	}
	db_rows_free(rows);
	q = question(r, w.multi_q);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(json_integer_value(jpath(json_array_get(json_object_get(q, "choices"), i), "n")),
				 picks[i]);
	/* response counters */
	int64_t answered = fx_int(f, "SELECT COUNT(DISTINCT invitation_id) FROM survey_answers"
				     " WHERE org_id = ?", DB_ARGS(DB_I(w.org)));
	int64_t completed = fx_int(f, "SELECT COUNT(*) FROM survey_invitations WHERE org_id = ?"
				      " AND completed_at IS NOT NULL", DB_ARGS(DB_I(w.org)));
	assert_int_equal(jx_int(json_object_get(r, "response"), "answered", -1), answered);
	assert_int_equal(jx_int(json_object_get(r, "response"), "completed", -1), completed);
	/* themes: sentiment split and NPS with and without, against brute force */
	struct brute_theme bt[16];
	size_t nt = 0;
	brute_themes(f, &w, bt, &nt);
	assert_true(nt >= 3);
	assert_int_equal(json_array_size(json_object_get(r, "themes")), nt);
	uint64_t total[11];
	brute_counts(f, &w, w.nps_q, total);
	for (size_t i = 0; i < nt; i++) {
		json_t *t = NULL, *e;
		size_t j;
		json_array_foreach(json_object_get(r, "themes"), j, e)
			if (!strcmp(jx_str(e, "key"), bt[i].key))
				t = e;
		assert_non_null(t);
		assert_int_equal(jx_int(t, "negative", -1), (int64_t)bt[i].label[0]);
		assert_int_equal(jx_int(t, "neutral", -1), (int64_t)bt[i].label[1]);
		assert_int_equal(jx_int(t, "positive", -1), (int64_t)bt[i].label[2]);
		uint64_t without[11];
		for (int s = 0; s < 11; s++)
			without[s] = total[s] - bt[i].nps[s];
		struct stats_nps a, b;
		stats_nps_from_counts(bt[i].nps, &a);
		stats_nps_from_counts(without, &b);
		assert_int_equal(jx_int(json_object_get(t, "with"), "n", -1), (int64_t)a.n);
		near(json_real_value(jpath(t, "with.value")), a.nps);
		near(json_real_value(jpath(t, "without.value")), b.nps);
		near(json_real_value(jpath(t, "without.lo")), b.lo);
	}
	/* by tag: the tagged relation's invitations, named */
	int64_t tagged = fx_int(f, "SELECT COUNT(*) FROM survey_answers a JOIN survey_invitations i"
				   " ON i.org_id = a.org_id AND i.id = a.invitation_id WHERE a.org_id = ?"
				   " AND a.question_id = ? AND i.relation_id IS NOT NULL",
				   DB_ARGS(DB_I(w.org), DB_I(w.nps_q)));
	json_t *g = jpath(r, "breakdown.groups.0");
	assert_string_equal(jx_str(g, "name"), "VIP");
	assert_int_equal(jx_int(g, "n", -1), tagged);
	json_decref(r);
	r = results(f, &w, "team", "w");
	int64_t handled = fx_int(f, "SELECT COUNT(*) FROM survey_answers a JOIN survey_invitations i"
				    " ON i.org_id = a.org_id AND i.id = a.invitation_id WHERE a.org_id = ?"
				    " AND a.question_id = ? AND i.handler_id IS NOT NULL",
				    DB_ARGS(DB_I(w.org), DB_I(w.nps_q)));
	g = jpath(r, "breakdown.groups.0");
	assert_string_equal(jx_str(g, "name"), "Binnendienst");
	assert_int_equal(jx_int(g, "n", -1), handled);
	assert_int_equal(jx_bool(g, "is_small", true), handled < 5);
	json_decref(r);
}

/* A theme in two open answers with different sentiments counts under the
 * lower question's, whatever order the answers came in. */
static void test_theme_label_order(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t inv = invitation(f, &w, false, false);
	json_t *a = json_pack("{s:s}", "better", "De prijs is slecht, echt slecht");
	save(f, inv, a, false);
	json_decref(a);
	a = json_pack("{s:s}", "reason", "De prijs is uitstekend, heel goed");
	save(f, inv, a, false);
	json_decref(a);
	a = json_pack("{s:i}", "nps", 8);
	save(f, inv, a, false);
	json_decref(a);
	a = json_pack("{s:n}", "reason");
	save(f, inv, a, true);
	json_decref(a);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM survey_agg WHERE n < 0", DB_NOARGS), 0);
	json_t *r = results(f, &w, NULL, NULL);
	json_t *t = jpath(r, "themes.0");
	assert_string_equal(jx_str(t, "key"), "prijs");
	assert_int_equal(jx_int(t, "negative", -1), 1);
	assert_int_equal(jx_int(t, "positive", -1), 0);
	assert_int_equal(jx_int(t, "mentions", -1), 1);
	json_decref(r);
}

/* n answers of score on new invitations, answered now. */
static void answers_at(struct fx *f, const struct world *w, int n, int score)
{
	for (int i = 0; i < n; i++) {
		json_t *a = json_pack("{s:i}", "nps", score);
		save(f, invitation(f, w, false, false), a, true);
		json_decref(a);
	}
}

static void test_trend(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	/* three months back: 40 promoters; two: 40 detractors (a real fall);
	 * one: 35 promoters and 5 detractors... then 10 answers (too few) */
	fx_shift(f, -86400000LL * 92);
	answers_at(f, &w, 40, 10);
	fx_shift(f, 86400000LL * 31);
	answers_at(f, &w, 40, 2);
	fx_shift(f, 86400000LL * 31);
	answers_at(f, &w, 20, 3);
	answers_at(f, &w, 20, 4);
	fx_shift(f, 86400000LL * 30);
	answers_at(f, &w, 10, 10);
	json_t *r = results(f, &w, NULL, "m");
	json_t *trend = json_object_get(question(r, w.nps_q), "trend");
	assert_int_equal(json_array_size(trend), 4);
	assert_false(jx_bool(jpath(trend, "0.change"), "has_previous", true));
	assert_true(jx_bool(jpath(trend, "1.change"), "significant", false));
	assert_string_equal(jx_str(jpath(trend, "1.change"), "direction"), "down");
	/* -100 to -100: tested, no change */
	assert_true(jx_bool(jpath(trend, "2.change"), "tested", false));
	assert_false(jx_bool(jpath(trend, "2.change"), "significant", true));
	assert_string_equal(jx_str(jpath(trend, "2.change"), "direction"), "");
	/* 10 answers: not tested, never marked */
	assert_false(jx_bool(jpath(trend, "3.change"), "tested", true));
	assert_false(jx_bool(jpath(trend, "3.change"), "significant", true));
	near(json_real_value(jpath(trend, "0.value")), 100);
	assert_int_equal(jx_int(json_array_get(trend, 1), "n", 0), 40);
	/* the organisation dashboard adds the same up */
	struct survey_results_query q = {.lang = "nl"};
	struct brug_err err = {0};
	assert_int_equal(survey_results_query_parse(f->db, w.org, NULL, NULL, NULL, NULL,
						    survey_results_org_dims, &q, &err), 0);
	json_t *o = NULL;
	assert_int_equal(survey_results_org(f->db, w.org, &q, &o), 0);
	assert_int_equal(jx_int(json_object_get(o, "nps"), "n", 0), 130);
	assert_int_equal(json_array_size(json_object_get(o, "trend")), 4);
	assert_string_equal(jx_str(jpath(o, "breakdown.groups.0"), "name"), "NPS");
	json_decref(o);
	json_decref(r);
	/* a range of the first month alone */
	json_decref(r = NULL);
}

static void test_query_and_periods(void **state)
{
	struct fx *f = *state;
	int64_t org = fx_org(f, "Acme");
	struct survey_results_query q = {.lang = "en"};
	struct brug_err err = {0};
	assert_int_equal(survey_results_query_parse(f->db, org, "2026-03-04", "2026-03-20", "w",
						    "team", survey_results_dims, &q, &err), 0);
	assert_int_equal(q.from, 20260302); /* the Monday */
	assert_int_equal(q.to, 20260320);
	assert_string_equal(q.dim, "team");
	assert_int_equal(survey_results_query_parse(f->db, org, "2026-03-04", NULL, "m", NULL,
						    survey_results_dims, &q, &err), 0);
	assert_int_equal(q.from, 20260301);
	assert_string_equal(q.dim, "type");
	static const char *const bad[][3] = {
		{"2026-02-29", NULL, NULL}, {"2026-1-01", NULL, NULL}, {NULL, "2026-04-31", NULL},
		{"2026-05-02", "2026-05-01", NULL}, {NULL, NULL, "y"}, {"0999-01-01", NULL, NULL},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(survey_results_query_parse(f->db, org, bad[i][0], bad[i][1], bad[i][2],
							    NULL, survey_results_dims, &q, &err),
				 BRUG_EVALIDATION);
	assert_int_equal(survey_results_period_start(20240101, 'w'), 20240101); /* a Monday */
	assert_int_equal(survey_results_period_start(20261231, 'w'), 20261228);
	assert_int_equal(survey_results_period_start(20250101, 'w'), 20241230);
	for (int64_t d = -1000; d < 30000; d += 7)
		assert_int_equal(survey_results_days(survey_results_ymd(d)), d);
	json_t *out = NULL;
	assert_int_equal(survey_results_get(f->db, org, 424242, &q, &out), BRUG_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_property),
		FX_TEST(test_trend),
		FX_TEST(test_theme_label_order),
		FX_TEST(test_query_and_periods),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The survey results benchmark: the organisation dashboard
 * (survey_results_org) and one survey's results (survey_results_get) over
 * an organisation with N answers, against the plain SQL aggregate over
 * survey_answers that gives the same NPS counts, in the same run.
 *
 *   bench_results DB_URL N Q   seeds one organisation with N answered
 *                              invitations (4 NPS surveys, 5 teams, two
 *                              years of days) and their survey_agg rows,
 *                              then times Q calls of each; prints
 *                              "BENCH results ..." with p50/p95/p99 and the
 *                              ratio of the SQL aggregate's p95 to ours
 *
 * Seeding writes invitations and answers with multi-row INSERTs of
 * literal numbers in one transaction per 100,000 rows, and the aggregates
 * summed in memory, as survey_answer_save would have left them. It checks
 * that the dashboard's n and NPS equal the SQL aggregate's before timing. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/db.h"
#include "db/migrate.h"
#include "domain/org.h"
#include "domain/survey_agg.h"
#include "domain/survey_results.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/stats.h"

#define SURVEYS 4
#define TEAMS 5
#define DAYS 730
#define ROWS 1000 /* rows per INSERT */

static uint64_t seed = 88172645463325252ULL;
static uint32_t rnd(uint32_t n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (uint32_t)(seed % n);
}

/* counts[survey][day][team][score] */
static uint64_t counts[SURVEYS][DAYS][TEAMS][11];
static int64_t survey_ids[SURVEYS], nps_ids[SURVEYS], team_ids[TEAMS];

static int fail(const char *what, int rc)
{
	fprintf(stderr, "bench_results: %s failed (%d)\n", what, rc);
	return 1;
}

static int exec_buf(struct db *db, struct buf *b)
{
	int rc = db_exec(db, buf_str(b), DB_NOARGS);
	buf_reset(b);
	return rc;
}

static int setup(struct db *db, int64_t org, int64_t now)
{
	int rc = 0;
	char sql[512];
	for (int t = 0; t < TEAMS && !rc; t++) {
		snprintf(sql, sizeof(sql), "INSERT INTO teams (org_id, name, created_at, updated_at)"
			 " VALUES (%lld, 'Team %d', %lld, %lld) RETURNING id", (long long)org, t + 1,
			 (long long)now, (long long)now);
		rc = db_int_query(db, &team_ids[t], sql, DB_NOARGS);
	}
	for (int s = 0; s < SURVEYS && !rc; s++) {
		snprintf(sql, sizeof(sql), "INSERT INTO surveys (org_id, name, kind, status, created_at,"
			 " updated_at) VALUES (%lld, 'Onderzoek %d', 'relationship', 'active', %lld,"
			 " %lld) RETURNING id", (long long)org, s + 1, (long long)now, (long long)now);
		if ((rc = db_int_query(db, &survey_ids[s], sql, DB_NOARGS)))
			break;
		snprintf(sql, sizeof(sql), "INSERT INTO survey_questions (org_id, survey_id, position,"
			 " key, type, required, text_nl, options, created_at) VALUES (%lld, %lld, 1,"
			 " 'nps', 'nps', 1, 'Aanbevelen?', '{\"min\":0,\"max\":10}', %lld) RETURNING id",
			 (long long)org, (long long)survey_ids[s], (long long)now);
		rc = db_int_query(db, &nps_ids[s], sql, DB_NOARGS);
	}
	return rc;
}

/* N invitations and answers, batch by batch; counts summed. */
static int seed_answers(struct db *db, int64_t org, int64_t n, int64_t day0)
{
	struct buf inv, ans;
	buf_init(&inv, 0);
	buf_init(&ans, 0);
	int64_t first = 0;
	int rc = db_int_query(db, &first, "SELECT COALESCE(MAX(id), 0) + 1 FROM survey_invitations",
			      DB_NOARGS);
	for (int64_t i = 0; i < n && !rc; i++) {
		if (i % 100000 == 0 && (rc = db_begin(db)))
			break;
		int s = (int)rnd(SURVEYS), d = (int)rnd(DAYS), t = (int)rnd(TEAMS);
		/* a score spread like a real one: many 8-10, some low */
		static const int spread[] = {0, 1, 2, 3, 4, 5, 5, 6, 6, 7, 7, 7, 8, 8, 8, 8, 9, 9,
					     9, 9, 9, 10, 10, 10, 10, 10};
		int score = spread[rnd(sizeof(spread) / sizeof(spread[0]))];
		counts[s][d][t][score]++;
		int64_t at = day0 + (int64_t)d * 86400000 + 43200000, id = first + i;
		if (!inv.len)
			buf_adds(&inv, "INSERT INTO survey_invitations (id, org_id, survey_id, status,"
				       " handler_id, dims, sent_at, answered_at, completed_at,"
				       " expires_at, created_at, updated_at) VALUES ");
		else
			buf_adds(&inv, ",");
		buf_printf(&inv, "(%lld,%lld,%lld,'sent',NULL,'{\"teams\":[%lld]}',%lld,%lld,%lld,%lld,%lld,%lld)",
			   (long long)id, (long long)org, (long long)survey_ids[s],
			   (long long)team_ids[t], (long long)at, (long long)at, (long long)at,
			   (long long)at, (long long)at, (long long)at);
		buf_adds(&ans, ans.len ? "," : "INSERT INTO survey_answers (org_id, invitation_id,"
					       " question_id, score, answered_at) VALUES ");
		buf_printf(&ans, "(%lld,%lld,%lld,%d,%lld)", (long long)org, (long long)id,
			   (long long)nps_ids[s], score, (long long)at);
		if ((i + 1) % ROWS == 0 || i + 1 == n) {
			if (!(rc = exec_buf(db, &inv)))
				rc = exec_buf(db, &ans);
		}
		if (!rc && ((i + 1) % 100000 == 0 || i + 1 == n))
			rc = db_commit(db);
	}
	buf_cleanup(&inv);
	buf_cleanup(&ans);
	return rc;
}

/* The aggregate rows survey_answer_save would have left: per survey,
 * grain, period, the NPS counts as a whole and by team, and the
 * invitation counters (sent, answered, completed). */
static int seed_agg(struct db *db, int64_t org, const char *zone, int64_t day0)
{
	static struct survey_periods per[DAYS];
	for (int d = 0; d < DAYS; d++)
		survey_agg_periods(zone, day0 + (int64_t)d * 86400000 + 43200000, &per[d]);
	struct buf b;
	buf_init(&b, 0);
	int rc = db_begin(db);
	for (int s = 0; s < SURVEYS && !rc; s++)
		for (int g = 0; g < 2 && !rc; g++) {
			/* days in order: a period's days are consecutive */
			int d = 0;
			while (d < DAYS && !rc) {
				int64_t p = g ? per[d].month : per[d].week;
				uint64_t sum[TEAMS][11] = {{0}};
				for (; d < DAYS && (g ? per[d].month : per[d].week) == p; d++)
					for (int t = 0; t < TEAMS; t++)
						for (int k = 0; k < 11; k++)
							sum[t][k] += counts[s][d][t][k];
				uint64_t all[11] = {0}, total = 0;
				for (int t = 0; t < TEAMS; t++)
					for (int k = 0; k < 11; k++)
						all[k] += sum[t][k], total += sum[t][k];
				buf_adds(&b, "INSERT INTO survey_agg (org_id, survey_id, question_id, grain,"
					     " dim, period, dim_value, score, n) VALUES ");
				bool comma = false;
#define ROW(q, dim, dv, k, n) \
	buf_printf(&b, "%s(%lld,%lld,%lld,'%s','%s',%lld,'%s',%d,%llu)", comma ? "," : "", \
		   (long long)org, (long long)survey_ids[s], (long long)(q), g ? "m" : "w", dim, \
		   (long long)p, dv, (int)(k), (unsigned long long)(n)), comma = true
				for (int k = 0; k < 3; k++)
					ROW(0, "", "", k, total);
				for (int k = 0; k < 11; k++)
					if (all[k])
						ROW(nps_ids[s], "", "", k, all[k]);
				for (int t = 0; t < TEAMS; t++) {
					char dv[24];
					snprintf(dv, sizeof(dv), "%lld", (long long)team_ids[t]);
					for (int k = 0; k < 11; k++)
						if (sum[t][k])
							ROW(nps_ids[s], "team", dv, k, sum[t][k]);
				}
#undef ROW
				rc = exec_buf(db, &b);
			}
		}
	buf_cleanup(&b);
	return db_finish(db, rc);
}

static double ms_since(const struct timespec *a)
{
	struct timespec b;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) * 1e3 + (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double p)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	int i = (int)(p * (n - 1) + 0.5);
	return v[i];
}

/* The plain aggregate: NPS counts of every survey's NPS question in the
 * range, straight from survey_answers. */
static int sql_counts(struct db *db, int64_t org, int64_t from_ms, uint64_t c[11])
{
	memset(c, 0, 11 * sizeof(*c));
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT a.score, COUNT(*) FROM survey_answers a WHERE a.org_id = ? AND"
			  " a.question_id IN (SELECT MIN(q.id) FROM survey_questions q WHERE"
			  " q.org_id = ? AND q.type = 'nps' GROUP BY q.survey_id) AND a.answered_at"
			  " >= ? AND a.score IS NOT NULL GROUP BY a.score",
			  DB_ARGS(DB_I(org), DB_I(org), DB_I(from_ms)));
	if (rc)
		return rc;
	while ((rc = db_next(r)) == 1)
		c[db_int(r, 0)] = (uint64_t)db_int(r, 1);
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: bench_results DB_URL N Q\n");
		return 2;
	}
	int64_t n = strtoll(argv[2], NULL, 10);
	int q = atoi(argv[3]) > 0 ? atoi(argv[3]) : 200;
	jx_init();
	struct db *db = NULL;
	struct brug_err err = {0};
	int64_t org = 0;
	if (db_open(argv[1], &db, &err) || migrate_up(db, NULL, &err)) {
		fprintf(stderr, "bench_results: %s: %s\n", argv[1], err.detail);
		return 1;
	}
	int rc = org_create(db, "Bench Results", "nl", &org);
	int64_t now = clock_now_ms();
	int64_t day0 = (now / 86400000 - DAYS + 1) * 86400000;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!rc && !(rc = db_begin(db))) {
		rc = setup(db, org, now);
		rc = db_finish(db, rc);
	}
	if (rc || (rc = seed_answers(db, org, n, day0)) || (rc = seed_agg(db, org, NULL, day0)))
		return fail("seeding", rc);
	/* as autovacuum would soon after a load this size */
	static const char *const settle[] = {"VACUUM ANALYZE survey_answers",
					     "VACUUM ANALYZE survey_agg",
					     "VACUUM ANALYZE survey_invitations"};
	for (size_t i = 0; !strcmp(db_backend(db), "postgres") && i < 3; i++)
		if ((rc = db_exec(db, settle[i], DB_NOARGS)))
			return fail("VACUUM", rc);
	fprintf(stderr, "bench_results: seeded %lld answers in %.1f s\n", (long long)n,
		ms_since(&t0) / 1e3);
	/* the dashboard over all the seeded days, grain month, by survey */
	struct survey_results_query rq = {.lang = "nl"};
	char from[40];
	int64_t ymd = survey_results_ymd(day0 / 86400000);
	snprintf(from, sizeof(from), "%04lld-%02lld-01", (long long)(ymd / 10000),
		 (long long)(ymd / 100 % 100));
	if ((rc = survey_results_query_parse(db, org, from, NULL, "m", "survey",
					     survey_results_org_dims, &rq, &err)))
		return fail("the range", rc);
	json_t *out = NULL;
	if ((rc = survey_results_org(db, org, &rq, &out)))
		return fail("survey_results_org", rc);
	uint64_t c[11];
	if ((rc = sql_counts(db, org, 0, c)))
		return fail("the SQL aggregate", rc);
	struct stats_nps want;
	stats_nps_from_counts(c, &want);
	int64_t got_n = jx_int(json_object_get(out, "nps"), "n", -1);
	double got_v = json_real_value(json_object_get(json_object_get(out, "nps"), "value"));
	json_decref(out);
	if (got_n != (int64_t)want.n || got_v - want.nps > 1e-9 || want.nps - got_v > 1e-9) {
		fprintf(stderr, "bench_results: the dashboard says n=%lld nps=%f, SQL n=%llu nps=%f\n",
			(long long)got_n, got_v, (unsigned long long)want.n, want.nps);
		return 1;
	}
	double *org_ms = calloc((size_t)q, sizeof(double)), *one_ms = calloc((size_t)q, sizeof(double));
	for (int i = 0; i < q && !rc; i++) {
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		rc = survey_results_org(db, org, &rq, &out);
		org_ms[i] = ms_since(&t);
		json_decref(out);
		struct survey_results_query one = rq;
		one.dim = "team";
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (!rc)
			rc = survey_results_get(db, org, survey_ids[i % SURVEYS], &one, &out);
		one_ms[i] = ms_since(&t);
		json_decref(out);
	}
	/* the plain aggregate is slow by nature: a few runs */
	int qs = q < 10 ? q : 10;
	double *sql_ms = calloc((size_t)qs, sizeof(double));
	for (int i = 0; i < qs && !rc; i++) {
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		rc = sql_counts(db, org, 0, c);
		sql_ms[i] = ms_since(&t);
	}
	if (rc)
		return fail("timing", rc);
	double o50 = pct(org_ms, q, 0.5), o95 = pct(org_ms, q, 0.95), o99 = pct(org_ms, q, 0.99);
	double s50 = pct(one_ms, q, 0.5), s95 = pct(one_ms, q, 0.95), s99 = pct(one_ms, q, 0.99);
	double q50 = pct(sql_ms, qs, 0.5), q95 = pct(sql_ms, qs, 0.95), q99 = pct(sql_ms, qs, 0.99);
	printf("BENCH results n=%lld backend=%s p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f"
	       " survey_p50_ms=%.3f survey_p95_ms=%.3f survey_p99_ms=%.3f sql_p50_ms=%.3f"
	       " sql_p95_ms=%.3f sql_p99_ms=%.3f ratio=%.1f\n",
	       (long long)n, db_backend(db), o50, o95, o99, s50, s95, s99, q50, q95, q99,
	       q95 / (o95 > 0 ? o95 : 1e-9));
	free(org_ms);
	free(one_ms);
	free(sql_ms);
	db_close(db);
	return 0;
}

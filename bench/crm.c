/* SPDX-License-Identifier: Apache-2.0 */
/* The CRM benchmarks that are not one HTTP request: brug's own code driven
 * in-process on a database of the size the issue names. Unlike the
 * baselines in this folder it links libbrug, because what it measures is
 * brug (src/domain/search.c, the relation timeline).
 *
 *   bench_crm search DB_URL N Q   seeds one organisation with N interactions
 *                                 (and their search terms) and times Q
 *                                 searches; prints p50, p95, p99 (wall
 *                                 clock and CPU), also per shape of query,
 *                                 and of the baseline: one index probe of
 *                                 20 entries per query (time_baseline)
 *   bench_crm timeline DB_URL N   gives one relation N timeline items and
 *                                 prints its id (for a wrk row)
 *   bench_crm answers DB_URL N    makes an active survey from the
 *                                 nps_relationship template with N sent
 *                                 invitations to one relation and prints
 *                                 their answer-link tokens, one a line
 *                                 (for the answer row's BENCH_PATHS_FILE)
 *
 * Seeding writes the rows and the terms util/textfold makes for them in
 * batched INSERTs, as the domain would but without its per-row checks, so
 * a million interactions take minutes, not hours; then it counts the
 * terms' frequencies once (search_vocab_rebuild) and, on PostgreSQL, runs
 * VACUUM ANALYZE as autovacuum would soon after. The texts come from a
 * vocabulary of Dutch and English words a customer service desk uses, with
 * a Zipf-like spread, so common words match many rows and rare ones few. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/secure.h"
#include "db/db.h"
#include "db/migrate.h"
#include "domain/interaction.h"
#include "domain/org.h"
#include "domain/relation.h"
#include "domain/search.h"
#include "domain/setting.h"
#include "domain/survey.h"
#include "domain/survey_token.h"
#include "domain/task.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/log.h"
#include "util/textfold.h"
#include "util/xmalloc.h"

static const char *const words[] = {
	"storing", "warmtepomp", "factuur", "afspraak", "monteur", "onderhoud", "klacht",
	"offerte", "betaling", "herinnering", "thermostaat", "garantie", "lekkage", "geluid",
	"buitenunit", "installatie", "planning", "contract", "verlenging", "subsidie", "korting",
	"terugbellen", "bezoek", "storingsbezoek", "onderdeel", "compressor", "radiator",
	"vloerverwarming", "boiler", "ketel", "rekening", "incasso", "creditnota", "adres",
	"wijziging", "klant", "klanten", "bestelling", "levering", "vertraging", "invoice",
	"payment", "complaint", "appointment", "engineer", "maintenance", "quote", "heat",
	"pump", "noise", "warranty", "refund", "delivery", "callback", "schedule", "Amsterdam",
	"Utrecht", "Rotterdam", "Groningen", "Eindhoven", "Zwolle", "spoed", "tevreden",
	"ontevreden", "uitleg", "bediening", "handleiding", "filter", "druk", "water",
};

static uint64_t seed = 88172645463325252ULL;
static uint32_t rnd(uint32_t n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (uint32_t)(seed % (n ? n : 1));
}

/* Zipf-like: word k about twice as often as word 2k. */
static const char *word(void)
{
	uint32_t n = sizeof(words) / sizeof(words[0]);
	uint32_t a = rnd(n), b = rnd(n);
	return words[a < b ? a : b];
}

static void sentence(char *out, size_t cap, int count)
{
	size_t w = 0;
	for (int i = 0; i < count && w + 40 < cap; i++)
		w += (size_t)snprintf(out + w, cap - w, "%s%s", i ? " " : "", word());
	out[w] = '\0';
}

static int fail(const char *what, int rc)
{
	fprintf(stderr, "bench_crm: %s failed (%d)\n", what, rc);
	return 1;
}

/* Opens url; *org is the installation's first organisation when first
 * (the one make bench's token belongs to), else one of bench_crm's own. */
static int open_db(const char *url, bool first, struct db **db, int64_t *org)
{
	struct brug_err err = {0};
	if (db_open(url, db, &err) || migrate_up(*db, NULL, &err)) {
		fprintf(stderr, "bench_crm: %s: %s\n", url, err.detail);
		return 1;
	}
	int rc = first ? org_first(*db, org) : org_find(*db, "Bench CRM", org);
	if (rc == BRUG_ENOTFOUND)
		rc = org_create(*db, "Bench CRM", "nl", org);
	return rc ? fail("the organisation", rc) : 0;
}

/* Appends one multi-row INSERT of n rows of cols columns to the db. */
static int flush(struct db *db, const char *head, int cols, struct db_arg *args, size_t n)
{
	if (!n)
		return 0;
	struct buf sql;
	buf_init(&sql, 0);
	buf_adds(&sql, head);
	for (size_t r = 0; r < n; r++) {
		buf_adds(&sql, r ? ", (" : " (");
		for (int c = 0; c < cols; c++)
			buf_adds(&sql, c ? ", ?" : "?");
		buf_addc(&sql, ')');
	}
	int rc = db_exec(db, buf_str(&sql), args, n * (size_t)cols);
	buf_cleanup(&sql);
	return rc;
}

#define TERM_BATCH 120 /* rows of 4 arguments: under DB_ARGS_MAX */
#define IA_BATCH 40    /* interactions per INSERT, 9 arguments each */
#define TERMS_INSERT "INSERT INTO search_terms (org_id, term, object_kind, object_id) VALUES"

/* Inserts m interactions (9 arguments each) in one statement; their ids
 * in ids, in order. */
static int insert_ids(struct db *db, const struct db_arg *args, int m, int64_t *ids)
{
	struct buf sql;
	buf_init(&sql, 0);
	buf_adds(&sql, "INSERT INTO interactions (org_id, company_id, channel, direction, occurred_at,"
		       " subject, summary, created_at, updated_at) VALUES");
	for (int r = 0; r < m; r++)
		buf_adds(&sql, r ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?)" : " (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	buf_adds(&sql, " RETURNING id");
	struct db_rows *r = NULL;
	int rc = db_query(db, &r, buf_str(&sql), args, (size_t)m * 9), got = 0, more = 0;
	while (!rc && (more = db_next(r)) == 1 && got < m)
		ids[got++] = db_int(r, 0);
	if (!rc && (more < 0 || got != m))
		rc = more < 0 ? more : BRUG_EINTERNAL;
	db_rows_free(r);
	buf_cleanup(&sql);
	return rc;
}

static int seed_search(struct db *db, int64_t org, int64_t n)
{
	int64_t have = 0;
	int rc = db_int_query(db, &have, "SELECT COUNT(*) FROM interactions WHERE org_id = ?",
			      DB_ARGS(DB_I(org)));
	if (rc || have >= n)
		return rc;
	struct actor who = {.org_id = org, .label = "bench"};
	struct relation_in rin = {.kind = "organisation", .name = "Bench Klant B.V.",
				  .parent_id = -1, .owner_id = -1};
	int64_t rel = 0, now = clock_now_ms();
	if ((rc = relation_create(db, &who, &rin, &rel, NULL)))
		return fail("the relation", rc);
	struct db_arg targs[TERM_BATCH * 4];
	char (*subjects)[160] = calloc(IA_BATCH, sizeof(*subjects));
	char (*bodies)[400] = calloc(IA_BATCH, sizeof(*bodies));
	size_t nt = 0;
	fprintf(stderr, "bench_crm: seeding %" PRId64 " interactions", n - have);
	for (int64_t i = have; !rc && i < n;) {
		if ((rc = db_begin(db)))
			break;
		for (int64_t k = 0; !rc && k < 10000 && i < n; k += IA_BATCH, i += IA_BATCH) {
			struct db_arg iargs[IA_BATCH * 9];
			int m = 0;
			for (; m < IA_BATCH && i + m < n; m++) {
				sentence(subjects[m], sizeof(subjects[m]), 3);
				sentence(bodies[m], sizeof(bodies[m]), 14);
				struct db_arg *a = &iargs[m * 9];
				a[0] = DB_I(org), a[1] = DB_I(rel);
				a[2] = DB_T("phone"), a[3] = DB_T("in");
				a[4] = DB_I(now - (int64_t)rnd(365 * 24 * 3600) * 1000);
				a[5] = DB_T(subjects[m]), a[6] = DB_T(bodies[m]), a[7] = DB_I(now);
				a[8] = DB_I(now);
			}
			int64_t ids[IA_BATCH];
			rc = insert_ids(db, iargs, m, ids);
			/* their terms, as search_index_interaction makes them */
			struct textfold_terms *held[IA_BATCH] = {0};
			for (int r = 0; !rc && r < m; r++) {
				char text[600];
				snprintf(text, sizeof(text), "%s %s", subjects[r], bodies[r]);
				held[r] = textfold_terms(text, strlen(text));
				for (size_t j = 0; !rc && held[r] && j < held[r]->n; j++) {
					targs[nt * 4] = DB_I(org);
					targs[nt * 4 + 1] = DB_T(held[r]->v[j]);
					targs[nt * 4 + 2] = DB_T("interaction");
					targs[nt * 4 + 3] = DB_I(ids[r]);
					if (++nt == TERM_BATCH) {
						rc = flush(db, TERMS_INSERT, 4, targs, nt);
						nt = 0;
					}
				}
			}
			/* the terms point into held: written before it is freed */
			if (!rc)
				rc = flush(db, TERMS_INSERT, 4, targs, nt);
			nt = 0;
			for (int r = 0; r < m; r++)
				textfold_terms_free(held[r]);
		}
		rc = db_finish(db, rc);
		if ((i / 10000) % 10 == 0)
			fprintf(stderr, ".");
	}
	fprintf(stderr, rc ? " failed\n" : " done\n");
	/* the terms went in directly: their frequencies are counted once */
	if (!rc && (rc = search_vocab_rebuild(db, org)))
		fail("counting the terms (search_vocab_rebuild)", rc);
	/* PostgreSQL plans by statistics, which autovacuum gathers a while
	 * after a bulk load: measure the database as it will be by then
	 * (SQLite has none: brug never runs ANALYZE there) */
	static const char *const settle[] = {"VACUUM ANALYZE search_terms",
					     "VACUUM ANALYZE search_vocab",
					     "VACUUM ANALYZE interactions"};
	for (size_t i = 0; !rc && !strcmp(db_backend(db), "postgres") && i < 3; i++)
		if ((rc = db_exec(db, settle[i], DB_NOARGS)))
			fail(settle[i], rc);
	free(subjects);
	free(bodies);
	return rc;
}

/* The CPU time a search costs, which on a shared machine says more than
 * the wall clock (that also counts waiting for a core and, on PostgreSQL,
 * for the server process to be scheduled for each statement): this
 * process's, plus that of its PostgreSQL server process when it runs on
 * this machine (its /proc/PID/schedstat, in ns; server is then its path). */
static char server[64];

static int64_t cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	int64_t ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	FILE *f = *server ? fopen(server, "r") : NULL;
	long long run = 0;
	if (f && fscanf(f, "%lld", &run) == 1)
		ns += run;
	if (f)
		fclose(f);
	return ns;
}

/* Finds the server process of db's connection, when it is a local
 * PostgreSQL one, for cpu_ns. */
static void find_server(struct db *db)
{
	int64_t pid = 0;
	server[0] = '\0';
	if (strcmp(db_backend(db), "postgres") ||
	    db_int_query(db, &pid, "SELECT pg_backend_pid()", DB_NOARGS))
		return;
	snprintf(server, sizeof(server), "/proc/%lld/schedstat", (long long)pid);
	FILE *f = fopen(server, "r");
	if (!f)
		server[0] = '\0'; /* a server elsewhere: this process's time only */
	else
		fclose(f);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Prints the p50, p95 and p99 of the n values at v (sorted here) as
 * "NAME_p50_ms=... NAME_p95_ms=... NAME_p99_ms=..." (no NAME: "p50_ms"). */
static void print_pct(const char *name, double *v, size_t n)
{
	qsort(v, n, sizeof(double), cmp_double);
	const char *sep = *name ? "_" : "";
	printf(" %s%sp50_ms=%.2f %s%sp95_ms=%.2f %s%sp99_ms=%.2f", name, sep, v[n / 2], name, sep,
	       v[(n * 95) / 100], name, sep, v[(n * 99) / 100]);
}

/* The four shapes of query, in turn. */
static const char *const shapes[] = {"word", "typing", "prefix", "three"};

static void make_query(int shape, char *query, size_t cap)
{
	if (shape == 0) /* one whole word */
		snprintf(query, cap, "%s ", word());
	else if (shape == 1) /* two words, the second being typed */
		snprintf(query, cap, "%s %.3s", word(), word());
	else if (shape == 2) /* a prefix while typing */
		snprintf(query, cap, "%.4s", word());
	else /* three words */
		snprintf(query, cap, "%s %s %s ", word(), word(), word());
}

/* A hash of the ids of every result of a search, in order: two runs (or
 * two backends with the same data) found the same when they are equal. */
static uint64_t ids_hash(json_t *out)
{
	uint64_t h = 1469598103934665603ULL;
	const char *kinds[] = {"relations", "interactions"};
	for (int k = 0; k < 2; k++) {
		json_t *a = json_object_get(out, kinds[k]);
		for (size_t i = 0; i < json_array_size(a); i++) {
			h ^= (uint64_t)json_integer_value(json_object_get(json_array_get(a, i), "id"));
			h *= 1099511628211ULL;
		}
		h ^= 0xff, h *= 1099511628211ULL;
	}
	return h;
}

/* The search row's baseline: for each of the same q queries, one B-tree
 * seek into search_terms at the query's first term (as textfold_terms
 * makes it) and 20 index entries read; the least a search of 20 results
 * can do, in plain SQL on the same data. Prints "BENCH search_base". */
static int time_baseline(struct db *db, int64_t org, int q)
{
	static const char *const probe =
		"SELECT object_id FROM search_terms WHERE org_id = ? AND object_kind = 'interaction'"
		" AND term >= ? ORDER BY term, object_id LIMIT 20";
	double *ms = calloc((size_t)q, sizeof(double));
	int rc = 0;
	int64_t got = 0;
	seed = 88172645463325252ULL;
	for (int i = 0; !rc && i < q; i++) {
		char query[200];
		make_query(i % 4, query, sizeof(query));
		struct textfold_terms *t = textfold_terms(query, strlen(query));
		const char *term = t && t->n ? t->v[0] : "";
		struct db_rows *r = NULL;
		int64_t t0 = clock_mono_ns();
		rc = db_query(db, &r, probe, DB_ARGS(DB_I(org), DB_T(term)));
		int more = 0;
		while (!rc && (more = db_next(r)) == 1)
			got++;
		if (!rc && more < 0)
			rc = more;
		ms[i] = (double)(clock_mono_ns() - t0) / 1e6;
		db_rows_free(r);
		textfold_terms_free(t);
	}
	if (!rc) {
		printf("BENCH search_base queries=%d rows_per_query=%.1f", q, (double)got / q);
		print_pct("", ms, (size_t)q);
		printf("\n");
	}
	free(ms);
	return rc;
}

/* Times q searches (limit 20, as the search page asks) and prints one
 * BENCH line: wall-clock percentiles, the CPU time per search (cpu_ns),
 * and one line per shape of query. The queries are the same in every
 * run, seeded or not. BENCH_CRM_TRACE=1 prints every query, its time and
 * a hash of the ids it found (to compare backends). */
static int time_searches(struct db *db, int64_t org, int64_t n, int q)
{
	double *ms = calloc((size_t)q, sizeof(double)), *cpu = calloc((size_t)q, sizeof(double));
	double *per[4];
	size_t nper[4] = {0};
	for (int k = 0; k < 4; k++)
		per[k] = calloc((size_t)q / 4 + 1, sizeof(double));
	int64_t hits = 0;
	int rc = 0;
	seed = 88172645463325252ULL;
	find_server(db);
	for (int i = 0; !rc && i < q; i++) {
		char query[200];
		make_query(i % 4, query, sizeof(query));
		json_t *out = NULL;
		int64_t t0 = clock_mono_ns(), c0 = cpu_ns();
		rc = search_query(db, org, query, 20, &out, NULL);
		ms[i] = (double)(clock_mono_ns() - t0) / 1e6;
		cpu[i] = (double)(cpu_ns() - c0) / 1e6;
		per[i % 4][nper[i % 4]++] = ms[i];
		size_t got = json_array_size(json_object_get(out, "interactions"));
		if (getenv("BENCH_CRM_TRACE"))
			fprintf(stderr, "%8.2f ms %6.2f cpu %3zu hits %016" PRIx64 "  %s\n", ms[i],
				cpu[i], got, ids_hash(out), query);
		hits += (int64_t)got;
		json_decref(out);
	}
	if (!rc) {
		printf("BENCH search interactions=%" PRId64 " queries=%d", n, q);
		print_pct("", ms, (size_t)q);
		printf(" max_ms=%.2f", ms[q - 1]);
		print_pct("cpu", cpu, (size_t)q);
		printf(" cpu_of=%s hits_per_query=%.1f\n", *server ? "client+server" : "client",
		       (double)hits / q);
		for (int k = 0; k < 4 && q >= 4; k++) {
			printf("BENCH search_shape shape=%s queries=%zu", shapes[k], nper[k]);
			print_pct("", per[k], nper[k]);
			printf("\n");
		}
	}
	free(ms);
	free(cpu);
	for (int k = 0; k < 4; k++)
		free(per[k]);
	return rc;
}

static int cmd_search(const char *url, int64_t n, int q)
{
	struct db *db = NULL;
	int64_t org = 0;
	if (open_db(url, false, &db, &org))
		return 1;
	int rc = seed_search(db, org, n);
	if (rc) {
		db_close(db);
		return fail("seeding", rc);
	}
	rc = time_searches(db, org, n, q);
	if (!rc)
		rc = time_baseline(db, org, q);
	db_close(db);
	return rc ? fail("a search", rc) : 0;
}

static int cmd_timeline(const char *url, int n)
{
	struct db *db = NULL;
	int64_t org = 0;
	if (open_db(url, true, &db, &org))
		return 1;
	struct actor who = {.org_id = org, .label = "bench"};
	struct relation_in rin = {.kind = "organisation", .name = "Tijdlijn B.V.", .parent_id = -1,
				  .owner_id = -1};
	int64_t rel = 0, now = clock_now_ms();
	int rc = db_begin(db);
	if (!rc)
		rc = relation_create(db, &who, &rin, &rel, NULL);
	for (int i = 0; !rc && i < n; i++) {
		char subject[160], body[400];
		sentence(subject, sizeof(subject), 3);
		sentence(body, sizeof(body), 20);
		int64_t id = 0;
		if (i % 10 == 9) {
			struct task_in t = {.title = subject, .relation_id = rel, .assignee_id = -1,
					    .interaction_id = -1};
			rc = task_create(db, &who, &t, &id, NULL);
			continue;
		}
		struct interaction_in in = {.company_id = rel, .person_id = -1,
					    .channel = i % 3 ? "phone" : "email", .subject = subject,
					    .summary = body, .user_id = -1, .role_id = -1,
					    .duration_s = 120,
					    .occurred_at = now - (int64_t)i * 3600 * 1000};
		rc = interaction_create(db, &who, &in, &id, NULL);
	}
	rc = db_finish(db, rc);
	if (!rc)
		printf("%" PRId64 "\n", rel);
	db_close(db);
	return rc ? fail("the timeline", rc) : 0;
}

/* The survey and invitations of the answer row: made as brug makes them
 * (survey_create, survey_update), the invitations inserted directly as
 * the invitation job would leave them once their mail went. */
static int answers_seed(struct db *db, int64_t org, int n, int64_t *ids)
{
	int64_t owner = 0, survey = 0, rel = 0, now = clock_now_ms();
	struct brug_err err = {0};
	int rc = db_int_query(db, &owner, "SELECT MIN(id) FROM users WHERE org_id = ?",
			      DB_ARGS(DB_I(org)));
	struct actor who = {.org_id = org, .user_id = owner, .label = "bench"};
	struct survey_fields f = {.name = "Bench NPS"};
	struct survey_fields on = {.status = "active"};
	struct relation_in rin = {.kind = "organisation", .name = "Antwoord B.V.", .parent_id = -1,
				  .owner_id = -1};
	if (!rc)
		rc = db_begin(db);
	if (!rc && !(rc = survey_create(db, &who, &f, "nps_relationship", &survey, &err)) &&
	    !(rc = survey_update(db, &who, survey, &on, &err)))
		rc = relation_create(db, &who, &rin, &rel, NULL);
	for (int i = 0; !rc && i < n; i++) {
		rc = db_int_query(db, &ids[i],
				  "INSERT INTO survey_invitations (org_id, survey_id, relation_id,"
				  " status, lang, email, channel, sent_at, expires_at, created_at,"
				  " updated_at) VALUES (?, ?, ?, 'sent', 'nl', 'bench@example.com',"
				  " 'email', ?, ?, ?, ?) RETURNING id",
				  DB_ARGS(DB_I(org), DB_I(survey), DB_I(rel), DB_I(now),
					  DB_I(now + 30 * 86400000LL), DB_I(now), DB_I(now)));
	}
	rc = db_finish(db, rc);
	if (rc && err.detail[0])
		fprintf(stderr, "bench_crm: %s\n", err.detail);
	return rc;
}

static int cmd_answers(const char *url, int n)
{
	struct db *db = NULL;
	int64_t org = 0;
	unsigned char key[SECURE_KEY_BYTES];
	if (open_db(url, true, &db, &org))
		return 1;
	int64_t *ids = xcalloc((size_t)n, sizeof(*ids));
	int rc = answers_seed(db, org, n, ids);
	if (!rc)
		rc = setting_secret(db, key);
	for (int i = 0; !rc && i < n; i++) {
		char tok[SURVEY_TOKEN_MAX];
		survey_token_make(key, ids[i], tok);
		printf("%s\n", tok);
	}
	free(ids);
	db_close(db);
	return rc ? fail("the answer survey", rc) : 0;
}

/* A count from the command line: a whole number from 1 to max, or -1. */
static long long count_arg(const char *s, long long max)
{
	char *end = NULL;
	long long v = strtoll(s, &end, 10);
	return end != s && !*end && v >= 1 && v <= max ? v : -1;
}

int main(int argc, char **argv)
{
	log_set_level(LOG_WARN);
	jx_init();
	if (secure_setup("test")) /* no passwords are hashed here */
		return 1;
	if (argc == 5 && !strcmp(argv[1], "search") && count_arg(argv[3], INT64_MAX / 2) > 0 &&
	    count_arg(argv[4], 10000000) > 0)
		return cmd_search(argv[2], count_arg(argv[3], INT64_MAX / 2),
				  (int)count_arg(argv[4], 10000000));
	if (argc == 4 && !strcmp(argv[1], "timeline") && count_arg(argv[3], 10000000) > 0)
		return cmd_timeline(argv[2], (int)count_arg(argv[3], 10000000));
	if (argc == 4 && !strcmp(argv[1], "answers") && count_arg(argv[3], 1000000) > 0)
		return cmd_answers(argv[2], (int)count_arg(argv[3], 1000000));
	fprintf(stderr, "usage: bench_crm search DB_URL N QUERIES | timeline DB_URL N"
			" | answers DB_URL N\n");
	return 2;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* src/domain/search_index.c: indexing a range of objects at once writes
 * exactly what indexing them one by one writes (terms and their
 * frequencies), also when the index held stale entries; the backlog is
 * worked off by two connections at once without an entry twice or one
 * lost; and an import of more than SEARCH_INLINE_MAX relations commits
 * them unindexed with a backlog and a job, found by search once the
 * backlog has run. On SQLite and PostgreSQL. */
#include "fixture.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/import.h"
#include "domain/interaction.h"
#include "domain/relation.h"
#include "domain/search.h"
#include "util/buf.h"
#include "util/jx.h"
#include "util/xmalloc.h"

/* Every index entry of org as "kind id term" lines, sorted. */
static char *snapshot(struct fx *f, int64_t org)
{
	struct db_rows *r = NULL;
	assert_int_equal(db_query(f->db, &r,
				  "SELECT object_kind, object_id, term FROM search_terms"
				  " WHERE org_id = ? ORDER BY object_kind, object_id, term",
				  DB_ARGS(DB_I(org))),
			 0);
	struct buf b;
	buf_init(&b, 0);
	while (db_next(r) == 1)
		buf_printf(&b, "%s %lld %s\n", db_text(r, 0), (long long)db_int(r, 1),
			   db_text(r, 2));
	db_rows_free(r);
	return buf_take(&b, NULL);
}

static int64_t relation(struct fx *f, int64_t org, const char *name, const char *mail,
			const char *tag)
{
	struct actor who = fx_cli(org);
	json_t *mails = json_pack("[{s:s}]", "value", mail);
	json_t *tags = json_pack("[s]", tag);
	struct relation_in in = {.kind = "person", .name = name, .notes = "belt over warmtepompen",
				 .parent_id = -1, .owner_id = -1, .emails = mails, .tags = tags};
	int64_t id = 0;
	struct brug_err err = {0};
	assert_int_equal(relation_create(f->db, &who, &in, &id, &err), 0);
	json_decref(mails);
	json_decref(tags);
	return id;
}

static int64_t interaction(struct fx *f, int64_t org, int64_t person, const char *subject)
{
	struct actor who = fx_cli(org);
	struct interaction_in in = {.person_id = person, .company_id = -1, .channel = "phone",
				    .subject = subject, .summary = "Offerte voor een *warmtepomp*",
				    .occurred_at = 1700000000000};
	int64_t id = 0;
	struct brug_err err = {0};
	assert_int_equal(interaction_create(f->db, &who, &in, &id, &err), 0);
	return id;
}

struct runner {
	struct db *db;
	int64_t org;
	int rc;
	size_t objects;
};

static void *run_backlog(void *arg)
{
	struct runner *r = arg;
	r->rc = search_backlog_run(r->db, r->org, -1, &r->objects, NULL);
	return NULL;
}

/* Works off org's backlog from f's connection and a second one at once. */
static size_t run_twice_at_once(struct fx *f, int64_t org)
{
	struct runner a = {.db = f->db, .org = org}, b = {.db = fx_connect(f), .org = org};
	pthread_t ta, tb;
	assert_int_equal(pthread_create(&ta, NULL, run_backlog, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, run_backlog, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	db_close(b.db);
	assert_int_equal(a.rc, 0);
	assert_int_equal(b.rc, 0);
	return a.objects + b.objects;
}

static void test_range_equals_one_by_one(void **state)
{
	struct fx *f = *state;
	int64_t org = fx_org(f, "Index B.V."), other = fx_org(f, "Ander B.V.");
	char name[64], mail[64];
	int64_t first = 0, last = 0;
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "Jan Jansen %d", i);
		snprintf(mail, sizeof(mail), "jan.%d@voorbeeld.nl", i);
		int64_t id = relation(f, org, name, mail, i % 2 ? "VIP" : "klant");
		first = first ? first : id;
		last = id;
		interaction(f, org, id, i % 3 ? "Storing verholpen" : "Nieuwe monteur ingepland");
	}
	relation(f, other, "Piet Anders", "piet@ander.example", "VIP");
	char *want = snapshot(f, org), *theirs = snapshot(f, other);
	int64_t vocab = fx_rows(f, "search_vocab");
	assert_true(strlen(want) > 1000);

	/* stale entries: a term no object has, and terms of an object missing */
	assert_int_equal(db_exec(f->db,
				 "INSERT INTO search_terms (org_id, term, object_kind, object_id)"
				 " VALUES (?, 'verouderd', 'relation', ?)",
				 DB_ARGS(DB_I(org), DB_I(first))),
			 0);
	assert_int_equal(db_exec(f->db,
				 "INSERT INTO search_vocab (org_id, object_kind, term, df)"
				 " VALUES (?, 'relation', 'verouderd', 1)",
				 DB_ARGS(DB_I(org))),
			 0);
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(search_forget(f->db, org, "relation", last), 0);
	assert_int_equal(db_commit(f->db), 0);
	fx_check_search_vocab(f);

	/* one range, in a transaction: back to what one by one wrote */
	size_t n = 0;
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(search_index_range(f->db, org, "relation", first, last, &n), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(n, 40);
	char *got = snapshot(f, org);
	assert_string_equal(got, want);
	free(got);
	fx_check_search_vocab(f);
	assert_int_equal(fx_rows(f, "search_vocab"), vocab);

	/* everything of org dropped, then rebuilt from a backlog by two
	 * connections at once, a span smaller than the ranges */
	assert_int_equal(db_exec(f->db, "DELETE FROM search_terms WHERE org_id = ?",
				 DB_ARGS(DB_I(org))),
			 0);
	assert_int_equal(db_exec(f->db, "DELETE FROM search_vocab WHERE org_id = ?",
				 DB_ARGS(DB_I(org))),
			 0);
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(search_backlog_add(f->db, org, "relation", first, last), 0);
	assert_int_equal(search_backlog_add(f->db, org, "interaction", 1, 1000000), 0);
	assert_int_equal(db_commit(f->db), 0);
	int64_t pending = 0;
	assert_int_equal(search_backlog_pending(f->db, org, &pending), 0);
	assert_int_equal(pending, last - first + 1 + 1000000);
	assert_int_equal(run_twice_at_once(f, org), 80);
	assert_int_equal(search_backlog_pending(f->db, org, &pending), 0);
	assert_int_equal(pending, 0);
	got = snapshot(f, org);
	assert_string_equal(got, want);
	free(got);
	got = snapshot(f, other);
	assert_string_equal(got, theirs);
	free(got);
	fx_check_search_vocab(f);
	assert_int_equal(fx_rows(f, "search_vocab"), vocab);
	free(want);
	free(theirs);
}

static int found(struct fx *f, int64_t org, const char *q)
{
	json_t *out = NULL;
	struct brug_err err = {0};
	assert_int_equal(search_query(f->db, org, q, 20, &out, &err), 0);
	int n = (int)json_array_size(json_object_get(out, "relations"));
	json_decref(out);
	return n;
}

static void test_large_import_goes_to_backlog(void **state)
{
	struct fx *f = *state;
	int64_t org = fx_org(f, "Groot B.V.");
	struct buf csv;
	buf_init(&csv, 0);
	buf_adds(&csv, "Voornaam;Achternaam;E-mail;Plaats\n");
	int rows = SEARCH_INLINE_MAX + 1;
	for (int i = 0; i < rows; i++)
		buf_printf(&csv, "Kees;Klant%d;kees.%d@groot.example;%s\n", i, i,
			   i == 4321 ? "Zwolle" : "Utrecht");
	struct actor who = fx_cli(org);
	struct import_opts o = {.on_duplicate = IMPORT_DUP_SKIP};
	json_t *report = NULL;
	struct brug_err err = {0};
	assert_int_equal(import_relations(f->db, &who, buf_str(&csv), csv.len, "utf-8", &o, &report,
					  &err),
			 0);
	assert_true(jx_bool(report, "written", false));
	assert_true(jx_bool(report, "search_pending", false));
	json_decref(report);
	buf_cleanup(&csv);
	/* written and listed, not yet found; a job will index it */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM relations WHERE org_id = ?",
				DB_ARGS(DB_I(org))),
			 rows);
	assert_int_equal(found(f, org, "zwolle"), 0);
	assert_int_equal(fx_int(f,
				"SELECT COUNT(*) FROM jobs WHERE org_id = ? AND kind = 'search.backlog'"
				" AND state = 'queued'",
				DB_ARGS(DB_I(org))),
			 1);
	assert_int_equal(run_twice_at_once(f, org), rows);
	assert_int_equal(found(f, org, "zwolle"), 1);
	assert_int_equal(found(f, org, "kees.4321@groot.example"), 1);
	assert_int_equal(found(f, org, "klant"), 20);
	fx_check_search_vocab(f);
	/* a small import is found at once */
	static const char small[] = "Voornaam;Achternaam;Plaats\nAnna;Klein;Dokkum\n";
	assert_int_equal(import_relations(f->db, &who, small, sizeof(small) - 1, "utf-8", &o, &report,
					  &err),
			 0);
	assert_false(jx_bool(report, "search_pending", true));
	json_decref(report);
	assert_int_equal(found(f, org, "dokkum"), 1);
	fx_check_search_vocab(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_range_equals_one_by_one),
		FX_TEST(test_large_import_goes_to_backlog),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

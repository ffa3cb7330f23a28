/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/db/migrate.c and the migrations in sql/: a fresh database
 * is brought to migrate_latest(), a second run applies nothing, a database
 * newer than the binary is refused and left as it was, an up-to-date one is
 * read without the write lock (another process may hold it), and the migrated
 * schema keeps the org_id rule (every table has org_id and every index
 * starts with it, except the documented installation-wide tables), checked
 * over sqlite_master so a future migration that breaks it fails here. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/migrate.h"
#include "util/embedded.h"
#include "util/log.h"

/* Tables that are installation-wide by design (docs/internals/db.md and
 * sql/0001_foundation.sql): the email -> organisation look-up for sign-in,
 * and the migration bookkeeping itself. */
static const char *const org_exempt[] = {"logins", "schema_migrations"};
/* Indexes that serve the installation-wide job queue: workers ask for the
 * next due job of any organisation (sql/0002_jobs.sql). */
static const char *const index_exempt[] = {"jobs_queued", "jobs_running", "schedules_due"};

struct fixture {
	char dir[64];
	char path[128];
	struct db *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/brug-migrate-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	if (db_open(f->path, &f->db, NULL) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	db_close(f->db);
	DIR *d = opendir(f->dir);
	if (d) {
		struct dirent *de;
		char p[512];
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
				snprintf(p, sizeof(p), "%s/%s", f->dir, de->d_name);
				unlink(p);
			}
		closedir(d);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static size_t sql_files(void)
{
	size_t n = 0;
	for (size_t i = embedded_first("sql/"); i < embedded_count; i++) {
		if (strncmp(embedded_files[i].name, "sql/", 4) != 0)
			break;
		n++;
	}
	return n;
}

static void test_latest(void **state)
{
	(void)state;
	/* migrations are numbered 1, 2, 3, ... without gaps */
	int expect = 1;
	for (size_t i = embedded_first("sql/"); i < embedded_count; i++, expect++) {
		const char *name = embedded_files[i].name;
		if (strncmp(name, "sql/", 4) != 0)
			break;
		char want[16];
		snprintf(want, sizeof(want), "sql/%04d_", expect);
		if (strncmp(name, want, strlen(want)) != 0)
			fail_msg("%s: expected a name starting %s", name, want);
		size_t len = strlen(name);
		assert_string_equal(name + len - 4, ".sql");
	}
	assert_true(migrate_latest() >= 1);
	assert_int_equal(migrate_latest(), (int)sql_files());
}

static void test_fresh_database(void **state)
{
	struct fixture *f = *state;
	int v = -1;
	struct brug_err err = {0};
	assert_int_equal(migrate_current(f->db, &v, &err), 0);
	assert_int_equal(v, 0);
	int applied = -1;
	assert_int_equal(migrate_up(f->db, &applied, &err), 0);
	assert_int_equal(applied, migrate_latest());
	assert_int_equal(migrate_current(f->db, &v, &err), 0);
	assert_int_equal(v, migrate_latest());
	/* each one recorded, by name and with a time */
	int64_t n = 0;
	assert_int_equal(db_int_query(f->db, &n,
				      "SELECT COUNT(*) FROM schema_migrations WHERE applied_at > 0",
				      DB_NOARGS),
			 0);
	assert_int_equal(n, migrate_latest());
	char *name = NULL;
	assert_int_equal(db_text_query(f->db, &name,
				       "SELECT name FROM schema_migrations WHERE version = 1",
				       DB_NOARGS),
			 0);
	assert_string_equal(name, "0001_foundation.sql");
	free(name);
	/* the schema is there */
	assert_int_equal(db_int_query(f->db, &n,
				      "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND "
				      "name = 'users'",
				      DB_NOARGS),
			 0);
	assert_int_equal(n, 1);
	assert_false(db_in_tx(f->db));

	/* again: nothing to do */
	applied = -1;
	assert_int_equal(migrate_up(f->db, &applied, &err), 0);
	assert_int_equal(applied, 0);
	assert_int_equal(migrate_up(f->db, NULL, NULL), 0);
	/* and from another connection as well */
	struct db *other = NULL;
	assert_int_equal(db_open(f->path, &other, NULL), 0);
	assert_int_equal(migrate_up(other, &applied, &err), 0);
	assert_int_equal(applied, 0);
	db_close(other);
}

static char *schema_text(struct db *db)
{
	char *s = NULL;
	assert_int_equal(db_text_query(db, &s,
				       "SELECT COALESCE(group_concat(type || ' ' || name || ' ' || "
				       "COALESCE(sql, ''), '\n'), '')"
				       " FROM (SELECT * FROM sqlite_master ORDER BY name)",
				       DB_NOARGS),
			 0);
	return s;
}

static void test_newer_database_is_refused(void **state)
{
	struct fixture *f = *state;
	log_set_level(LOG_OFF);
	int latest = migrate_latest();
	/* a database written by a newer brug: its own schema, a higher version */
	assert_int_equal(
		db_exec_script(f->db,
			       "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY,"
			       " name TEXT NOT NULL, applied_at BIGINT NOT NULL);"
			       "CREATE TABLE future (org_id BIGINT, x TEXT);"
			       "INSERT INTO future VALUES (1, 'keep me');",
			       NULL),
		0);
	assert_int_equal(db_exec(f->db, "INSERT INTO schema_migrations VALUES (?, 'future.sql', 1)",
				 DB_ARGS(DB_I(latest + 1))),
			 0);
	char *before = schema_text(f->db);
	int64_t version_before = -1, version_after = -2;
	assert_int_equal(db_int_query(f->db, &version_before, "PRAGMA schema_version", DB_NOARGS),
			 0);

	struct brug_err err = {0};
	int applied = -1;
	assert_int_equal(migrate_up(f->db, &applied, &err), BRUG_ECONFLICT);
	assert_int_equal(err.rc, BRUG_ECONFLICT);
	assert_string_equal(err.key, "error.schema_newer");
	assert_non_null(strstr(err.detail, "newer"));
	assert_false(db_in_tx(f->db));

	/* untouched: same schema, same data, no migration recorded */
	char *after = schema_text(f->db);
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_int_equal(db_int_query(f->db, &version_after, "PRAGMA schema_version", DB_NOARGS),
			 0);
	assert_int_equal(version_after, version_before);
	int64_t n = -1;
	assert_int_equal(
		db_int_query(f->db, &n, "SELECT COUNT(*) FROM schema_migrations", DB_NOARGS), 0);
	assert_int_equal(n, 1);
	assert_int_equal(db_int_query(f->db, &n, "SELECT COUNT(*) FROM future WHERE x = 'keep me'",
				      DB_NOARGS),
			 0);
	assert_int_equal(n, 1);
	int v = 0;
	assert_int_equal(migrate_current(f->db, &v, NULL), 0);
	assert_int_equal(v, latest + 1);
	log_set_level(LOG_INFO);
}

/* Every process start runs migrate_up. On a database that is up to date it
 * must not need the write lock, or a process started while another one
 * writes for long (brug demo, an import) fails to start. */
static void test_up_to_date_needs_no_write_lock(void **state)
{
	struct fixture *f = *state;
	int applied = -1;
	assert_int_equal(migrate_up(f->db, &applied, NULL), 0);
	struct db *other = NULL;
	assert_int_equal(db_open(f->path, &other, NULL), 0);
	assert_int_equal(db_begin(other), 0);
	assert_int_equal(db_exec(other,
				 "INSERT INTO settings (org_id, name, value) VALUES (0, 'x', 'y')",
				 DB_NOARGS),
			 0);
	/* the other connection holds the write lock now */
	struct brug_err err = {0};
	assert_int_equal(migrate_up(f->db, &applied, &err), 0);
	assert_int_equal(applied, 0);
	int v = 0;
	assert_int_equal(migrate_current(f->db, &v, NULL), 0);
	assert_int_equal(v, migrate_latest());
	db_rollback(other);
	db_close(other);
}

static bool exempt(const char *table)
{
	for (size_t i = 0; i < sizeof(org_exempt) / sizeof(org_exempt[0]); i++)
		if (strcmp(table, org_exempt[i]) == 0)
			return true;
	return false;
}

static void test_org_id_rule(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(migrate_up(f->db, NULL, NULL), 0);
	struct db_rows *tables = NULL;
	assert_int_equal(db_query(f->db, &tables,
				  "SELECT name FROM sqlite_master WHERE type = 'table'"
				  " AND name NOT LIKE 'sqlite_%' ORDER BY name",
				  DB_NOARGS),
			 0);
	size_t ntables = 0, nindexes = 0, violations = 0;
	while (db_next(tables) == 1) {
		char table[128];
		snprintf(table, sizeof(table), "%s", db_text(tables, 0));
		ntables++;
		if (exempt(table))
			continue;
		/* the table has an org_id column */
		int64_t has = 0;
		assert_int_equal(
			db_int_query(
				f->db, &has,
				"SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = 'org_id'",
				DB_ARGS(DB_T(table))),
			0);
		if (has != 1) {
			fprintf(stderr, "table %s has no org_id column\n", table);
			violations++;
		}
		/* every index on it (explicit, UNIQUE and PRIMARY KEY ones alike)
		 * starts with org_id */
		struct db_rows *idx = NULL;
		assert_int_equal(db_query(f->db, &idx, "SELECT name FROM pragma_index_list(?)",
					  DB_ARGS(DB_T(table))),
				 0);
		while (db_next(idx) == 1) {
			const char *index = db_text(idx, 0);
			char *first = NULL;
			nindexes++;
			bool queue = false;
			for (size_t i = 0; i < sizeof(index_exempt) / sizeof(index_exempt[0]); i++)
				queue |= strcmp(index, index_exempt[i]) == 0;
			if (queue)
				continue;
			int rc = db_text_query(
				f->db, &first,
				"SELECT name FROM pragma_index_info(?) WHERE seqno = 0",
				DB_ARGS(DB_T(index)));
			if (rc || !first || strcmp(first, "org_id") != 0) {
				fprintf(stderr, "index %s on %s starts with %s, not org_id\n",
					index, table, first ? first : "(an expression)");
				violations++;
			}
			free(first);
		}
		db_rows_free(idx);
	}
	db_rows_free(tables);
	assert_true(ntables >= 10);
	assert_true(nindexes >= 10);
	assert_int_equal(violations, 0);
	/* the exempt tables exist: the list above is not stale */
	for (size_t i = 0; i < sizeof(org_exempt) / sizeof(org_exempt[0]); i++) {
		int64_t n = 0;
		assert_int_equal(db_int_query(f->db, &n,
					      "SELECT COUNT(*) FROM sqlite_master WHERE type = "
					      "'table' AND name = ?",
					      DB_ARGS(DB_T(org_exempt[i]))),
				 0);
		assert_int_equal(n, 1);
	}
}

/* The rule checker itself catches a table and an index that break it. */
static void test_org_id_rule_checker_fails(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(db_exec_script(f->db,
					"CREATE TABLE good (org_id BIGINT, x TEXT);"
					"CREATE INDEX good_bad ON good (x, org_id);",
					NULL),
			 0);
	char *first = NULL;
	assert_int_equal(db_text_query(f->db, &first,
				       "SELECT name FROM pragma_index_info(?) WHERE seqno = 0",
				       DB_ARGS(DB_T("good_bad"))),
			 0);
	assert_string_equal(first, "x");
	free(first);
	int64_t has = -1;
	assert_int_equal(db_exec(f->db, "CREATE TABLE bad (x TEXT)", DB_NOARGS), 0);
	assert_int_equal(
		db_int_query(f->db, &has,
			     "SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = 'org_id'",
			     DB_ARGS(DB_T("bad"))),
		0);
	assert_int_equal(has, 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	log_set_level(LOG_WARN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_latest),     T(test_fresh_database),
		T(test_newer_database_is_refused), T(test_org_id_rule),
		T(test_org_id_rule_checker_fails), T(test_up_to_date_needs_no_write_lock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

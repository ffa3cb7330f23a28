/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/db/db_sqlite.c: the statement cache (reused, safe to nest
 * on the same SQL text, and correct when every slot is busy), the mapping
 * of SQLite errors to result codes (UNIQUE -> conflict, a full database ->
 * ENOSPC with the data intact, BUSY -> unavailable), and online backups
 * taken while another connection keeps writing. Each test has its own
 * temporary folder. */
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "db/db.h"
#include "util/log.h"

struct writer {
	char path[128];
	atomic_bool stop;
	atomic_int commits;
	int rc;
};

struct fixture {
	char dir[64];
	char path[128];
	struct db *db;
	struct writer *w; /* a writer thread, stopped in teardown even when a test fails */
	pthread_t thread;
};

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *de;
		char p[512];
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
				snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
				unlink(p);
			}
		closedir(d);
	}
	rmdir(dir);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/brug-sqlite-XXXXXX");
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
	if (f->w) {
		atomic_store(&f->w->stop, true);
		pthread_join(f->thread, NULL);
		free(f->w);
	}
	db_close(f->db);
	remove_dir(f->dir);
	free(f);
	return 0;
}

static int64_t int_query(struct db *db, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_int_query(db, &n, sql, DB_NOARGS), 0);
	return n;
}

static char *text_query(struct db *db, const char *sql)
{
	char *s = NULL;
	assert_int_equal(db_text_query(db, &s, sql, DB_NOARGS), 0);
	return s;
}

static void test_pragmas(void **state)
{
	struct fixture *f = *state;
	char *mode = text_query(f->db, "PRAGMA journal_mode");
	assert_string_equal(mode, "wal");
	free(mode);
	assert_int_equal(int_query(f->db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(int_query(f->db, "PRAGMA synchronous"), 1); /* NORMAL */
	assert_int_equal(int_query(f->db, "PRAGMA busy_timeout"), 5000);
}

static void fill(struct db *db, int n)
{
	assert_int_equal(db_exec(db, "CREATE TABLE t (x INTEGER)", DB_NOARGS), 0);
	assert_int_equal(db_begin(db), 0);
	for (int i = 1; i <= n; i++)
		assert_int_equal(db_exec(db, "INSERT INTO t VALUES (?)", DB_ARGS(DB_I(i))), 0);
	assert_int_equal(db_commit(db), 0);
}

static void test_cache_reuse(void **state)
{
	struct fixture *f = *state;
	fill(f->db, 3);
	const char *sql = "SELECT x FROM t WHERE x >= ? ORDER BY x";
	struct db_rows *r1 = NULL, *r2 = NULL;
	/* the same SQL text twice: the same cached statement, freshly bound */
	assert_int_equal(db_query(f->db, &r1, sql, DB_ARGS(DB_I(2))), 0);
	assert_int_equal(db_next(r1), 1);
	assert_int_equal(db_int(r1, 0), 2);
	db_rows_free(r1); /* freed half-read: reset for the next use */
	assert_int_equal(db_query(f->db, &r2, sql, DB_ARGS(DB_I(1))), 0);
	assert_ptr_equal(r1, r2);
	assert_int_equal(db_next(r2), 1);
	assert_int_equal(db_int(r2, 0), 1);
	assert_int_equal(db_next(r2), 1);
	assert_int_equal(db_next(r2), 1);
	assert_int_equal(db_int(r2, 0), 3);
	assert_int_equal(db_next(r2), 0);
	db_rows_free(r2);
	/* a different text is a different statement */
	assert_int_equal(db_query(f->db, &r2, "SELECT x FROM t", DB_NOARGS), 0);
	assert_ptr_not_equal(r1, r2);
	db_rows_free(r2);
	/* bindings do not leak from one use into the next */
	int64_t v = 0;
	assert_int_equal(
		db_int_query(f->db, &v, "SELECT COUNT(*) FROM t WHERE x = ?", DB_ARGS(DB_I(3))), 0);
	assert_int_equal(v, 1);
	assert_int_equal(
		db_int_query(f->db, &v, "SELECT COUNT(*) FROM t WHERE x = ?", DB_ARGS(DB_T(NULL))),
		0);
	assert_int_equal(v, 0);
}

static void test_same_sql_nested(void **state)
{
	struct fixture *f = *state;
	fill(f->db, 4);
	const char *sql = "SELECT x FROM t WHERE x > ? ORDER BY x";
	struct db_rows *outer = NULL;
	assert_int_equal(db_query(f->db, &outer, sql, DB_ARGS(DB_I(0))), 0);
	int64_t pairs = 0, sum = 0;
	while (db_next(outer) == 1) {
		int64_t x = db_int(outer, 0);
		struct db_rows *inner = NULL;
		assert_int_equal(db_query(f->db, &inner, sql, DB_ARGS(DB_I(x))), 0);
		assert_ptr_not_equal(inner, outer);
		while (db_next(inner) == 1) {
			assert_true(db_int(inner, 0) > x);
			pairs++;
			sum += x * 10 + db_int(inner, 0);
		}
		db_rows_free(inner);
		/* the outer row is untouched by the inner query */
		assert_int_equal(db_int(outer, 0), x);
	}
	db_rows_free(outer);
	/* (1,2) (1,3) (1,4) (2,3) (2,4) (3,4) */
	assert_int_equal(pairs, 6);
	assert_int_equal(sum, 12 + 13 + 14 + 23 + 24 + 34);
	/* three deep, then the cached statement is free again */
	struct db_rows *a = NULL, *b = NULL, *c = NULL;
	assert_int_equal(db_query(f->db, &a, sql, DB_ARGS(DB_I(1))), 0);
	assert_int_equal(db_query(f->db, &b, sql, DB_ARGS(DB_I(2))), 0);
	assert_int_equal(db_query(f->db, &c, sql, DB_ARGS(DB_I(3))), 0);
	assert_int_equal(db_next(c), 1);
	assert_int_equal(db_int(c, 0), 4);
	assert_int_equal(db_next(b), 1);
	assert_int_equal(db_int(b, 0), 3);
	assert_int_equal(db_next(a), 1);
	assert_int_equal(db_int(a, 0), 2);
	db_rows_free(b);
	db_rows_free(c);
	db_rows_free(a);
	struct db_rows *again = NULL;
	assert_int_equal(db_query(f->db, &again, sql, DB_ARGS(DB_I(0))), 0);
	assert_ptr_equal(again, a);
	db_rows_free(again);
}

static void test_cache_full(void **state)
{
	struct fixture *f = *state;
	fill(f->db, 1);
	/* more distinct statements open at once than the cache has slots */
	enum { N = 150 };
	struct db_rows *r[N];
	char sql[64];
	for (int i = 0; i < N; i++) {
		snprintf(sql, sizeof(sql), "SELECT x + %d FROM t", i);
		assert_int_equal(db_query(f->db, &r[i], sql, DB_NOARGS), 0);
		assert_int_equal(db_next(r[i]), 1);
	}
	for (int i = 0; i < N; i++)
		assert_int_equal(db_int(r[i], 0), 1 + i);
	for (int i = 0; i < N; i++)
		db_rows_free(r[i]);
	/* and many more texts than slots, one after the other: evictions */
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 3 * N; i++) {
			snprintf(sql, sizeof(sql), "SELECT x * %d FROM t", i);
			int64_t v = -1;
			assert_int_equal(db_int_query(f->db, &v, sql, DB_NOARGS), 0);
			assert_int_equal(v, i);
		}
}

static void test_constraint_errors(void **state)
{
	struct fixture *f = *state;
	struct db *db = f->db;
	log_set_level(LOG_OFF);
	assert_int_equal(
		db_exec_script(
			db,
			"CREATE TABLE p (id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL,"
			" n INTEGER CHECK (n >= 0));"
			"CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id))",
			NULL),
		0);
	assert_int_equal(db_exec(db, "INSERT INTO p VALUES (1, 'a@x', 1)", DB_NOARGS), 0);
	uint64_t errors = db_error_count();
	/* UNIQUE and PRIMARY KEY: a conflict, which is not a database fault */
	assert_int_equal(db_exec(db, "INSERT INTO p VALUES (2, 'a@x', 1)", DB_NOARGS),
			 BRUG_ECONFLICT);
	assert_int_equal(db_exec(db, "INSERT INTO p VALUES (1, 'b@x', 1)", DB_NOARGS),
			 BRUG_ECONFLICT);
	assert_int_equal(db_error_count(), errors);
	/* other constraints: invalid input */
	assert_int_equal(db_exec(db, "INSERT INTO p VALUES (3, NULL, 1)", DB_NOARGS), BRUG_EINVAL);
	assert_int_equal(db_exec(db, "INSERT INTO p VALUES (3, 'c@x', -1)", DB_NOARGS),
			 BRUG_EINVAL);
	assert_int_equal(db_exec(db, "INSERT INTO c VALUES (1, 99)", DB_NOARGS), BRUG_EINVAL);
	assert_int_equal(db_error_count(), errors + 3);
	/* nothing of the failed statements was written */
	assert_int_equal(int_query(db, "SELECT COUNT(*) FROM p"), 1);
	assert_int_equal(int_query(db, "SELECT COUNT(*) FROM c"), 0);
	/* a conflict inside a transaction fails that statement only */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO p VALUES (5, 'e@x', 1)", DB_NOARGS), 0);
	assert_int_equal(db_exec(db, "INSERT INTO p VALUES (6, 'e@x', 1)", DB_NOARGS),
			 BRUG_ECONFLICT);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(int_query(db, "SELECT COUNT(*) FROM p"), 2);
	log_set_level(LOG_INFO);
}

static void test_busy(void **state)
{
	struct fixture *f = *state;
	log_set_level(LOG_OFF);
	fill(f->db, 1);
	struct db *other = NULL;
	assert_int_equal(db_open(f->path, &other, NULL), 0);
	/* no waiting in a test */
	assert_int_equal(db_exec(other, "PRAGMA busy_timeout = 0", DB_NOARGS), 0);
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(db_exec(f->db, "INSERT INTO t VALUES (2)", DB_NOARGS), 0);
	/* the write lock is taken at begin, so a second writer is told at once */
	assert_int_equal(db_begin(other), BRUG_EUNAVAIL);
	assert_false(db_in_tx(other));
	assert_int_equal(db_exec(other, "INSERT INTO t VALUES (3)", DB_NOARGS), BRUG_EUNAVAIL);
	/* readers are not blocked (WAL) and see the last commit */
	assert_int_equal(int_query(other, "SELECT COUNT(*) FROM t"), 1);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(db_begin(other), 0);
	assert_int_equal(db_exec(other, "INSERT INTO t VALUES (3)", DB_NOARGS), 0);
	assert_int_equal(db_commit(other), 0);
	assert_int_equal(int_query(f->db, "SELECT COUNT(*) FROM t"), 3);
	db_close(other);
	log_set_level(LOG_INFO);
}

static void test_full_database(void **state)
{
	struct fixture *f = *state;
	struct db *db = f->db;
	log_set_level(LOG_OFF);
	assert_int_equal(
		db_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)", DB_NOARGS), 0);
	char row[200];
	memset(row, 'r', sizeof(row) - 1);
	row[sizeof(row) - 1] = '\0';
	assert_int_equal(db_begin(db), 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(db_exec(db, "INSERT INTO t (body) VALUES (?)", DB_ARGS(DB_T(row))),
				 0);
	assert_int_equal(db_commit(db), 0);
	int64_t pages = int_query(db, "PRAGMA page_count");
	char pragma[64];
	snprintf(pragma, sizeof(pragma), "PRAGMA max_page_count = %lld", (long long)pages);
	assert_int_equal(db_exec(db, pragma, DB_NOARGS), 0);
	assert_int_equal(int_query(db, "PRAGMA max_page_count"), pages);

	size_t big = 256 * 1024;
	char *blob = malloc(big + 1);
	memset(blob, 'b', big);
	blob[big] = '\0';
	/* on its own */
	assert_int_equal(db_exec(db, "INSERT INTO t (body) VALUES (?)", DB_ARGS(DB_T(blob))),
			 BRUG_ENOSPC);
	/* inside a transaction, after a write that fitted */
	assert_int_equal(db_begin(db), 0);
	int rc = db_exec(db, "UPDATE t SET body = 'changed' WHERE id = 1", DB_NOARGS);
	assert_int_equal(rc, 0);
	rc = db_exec(db, "INSERT INTO t (body) VALUES (?)", DB_ARGS(DB_T(blob)));
	assert_int_equal(rc, BRUG_ENOSPC);
	assert_int_equal(db_finish(db, rc), BRUG_ENOSPC);
	assert_false(db_in_tx(db));
	free(blob);

	/* the data already there is intact, and the file is sound */
	assert_int_equal(int_query(db, "SELECT COUNT(*) FROM t"), 100);
	assert_int_equal(int_query(db, "SELECT COUNT(*) FROM t WHERE body = 'changed'"), 0);
	int64_t n = -1;
	assert_int_equal(
		db_int_query(db, &n, "SELECT COUNT(*) FROM t WHERE body = ?", DB_ARGS(DB_T(row))),
		0);
	assert_int_equal(n, 100);
	char *ok = text_query(db, "PRAGMA integrity_check");
	assert_string_equal(ok, "ok");
	free(ok);
	/* the connection goes on working */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "DELETE FROM t WHERE id > 90", DB_NOARGS), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(int_query(db, "SELECT COUNT(*) FROM t"), 90);
	log_set_level(LOG_INFO);
}

/* SQLite ends a transaction by itself when the disk is full. A caller that
 * carries on (say, past an optional write) must not get the rest of its
 * transaction committed statement by statement. */
static void test_full_database_mid_transaction_commits_nothing(void **state)
{
	struct fixture *f = *state;
	struct db *db = f->db;
	log_set_level(LOG_OFF);
	assert_int_equal(
		db_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)", DB_NOARGS), 0);
	assert_int_equal(db_exec(db, "INSERT INTO t (body) VALUES ('first')", DB_NOARGS), 0);
	int64_t pages = int_query(db, "PRAGMA page_count");
	char pragma[64];
	snprintf(pragma, sizeof(pragma), "PRAGMA max_page_count = %lld", (long long)pages);
	assert_int_equal(db_exec(db, pragma, DB_NOARGS), 0);
	size_t big = 300000;
	char *blob = malloc(big + 1);
	memset(blob, 'b', big);
	blob[big] = '\0';

	uint64_t errors = db_error_count();
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "UPDATE t SET body = 'changed'", DB_NOARGS), 0);
	assert_int_equal(db_exec(db, "INSERT INTO t (body) VALUES (?)", DB_ARGS(DB_T(blob))),
			 BRUG_ENOSPC);
	/* the caller ignores that and goes on */
	assert_int_not_equal(db_exec(db, "INSERT INTO t (body) VALUES ('second')", DB_NOARGS), 0);
	assert_int_not_equal(db_commit(db), 0);
	assert_false(db_in_tx(db));
	/* all or nothing: nothing */
	assert_int_equal(int_query(db, "SELECT COUNT(*) FROM t"), 1);
	assert_int_equal(int_query(db, "SELECT COUNT(*) FROM t WHERE body = 'first'"), 1);
	/* one error, the real one: no "cannot commit/rollback" noise after it */
	assert_int_equal(db_error_count(), errors + 1);

	/* nested: the inner function gives up with db_finish, the outer too */
	errors = db_error_count();
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "UPDATE t SET body = 'outer'", DB_NOARGS), 0);
	assert_int_equal(db_begin(db), 0);
	int rc = db_exec(db, "INSERT INTO t (body) VALUES (?)", DB_ARGS(DB_T(blob)));
	assert_int_equal(db_finish(db, rc), BRUG_ENOSPC);
	assert_true(db_in_tx(db));
	assert_int_not_equal(db_finish(db, 0), 0);
	assert_false(db_in_tx(db));
	assert_int_equal(db_error_count(), errors + 1);
	assert_int_equal(int_query(db, "SELECT COUNT(*) FROM t WHERE body = 'first'"), 1);
	free(blob);

	/* and the connection works normally afterwards */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "UPDATE t SET body = 'third'", DB_NOARGS), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(int_query(db, "SELECT COUNT(*) FROM t WHERE body = 'third'"), 1);
	log_set_level(LOG_INFO);
}

/* ---- backups ---- */

/* Writes pairs of rows in one transaction each, so a consistent snapshot
 * always has as many rows in a as in b. */
static void *write_pairs(void *p)
{
	struct writer *w = p;
	struct db *db = NULL;
	w->rc = db_open(w->path, &db, NULL);
	for (int i = 0; !w->rc && !atomic_load(&w->stop); i++) {
		w->rc = db_begin(db);
		if (!w->rc)
			w->rc = db_exec(db, "INSERT INTO a (v) VALUES (?)", DB_ARGS(DB_I(i)));
		if (!w->rc)
			w->rc = db_exec(db, "INSERT INTO b (v) VALUES (?)", DB_ARGS(DB_I(i)));
		w->rc = db_finish(db, w->rc);
		if (!w->rc)
			atomic_fetch_add(&w->commits, 1);
	}
	db_close(db);
	return NULL;
}

static void test_backup_while_writing(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(
		db_exec(f->db, "CREATE TABLE a (id INTEGER PRIMARY KEY, v INTEGER)", DB_NOARGS), 0);
	assert_int_equal(
		db_exec(f->db, "CREATE TABLE b (id INTEGER PRIMARY KEY, v INTEGER)", DB_NOARGS), 0);
	struct writer *w = f->w = calloc(1, sizeof(*w));
	snprintf(w->path, sizeof(w->path), "%s", f->path);
	atomic_init(&w->stop, false);
	atomic_init(&w->commits, 0);
	assert_int_equal(pthread_create(&f->thread, NULL, write_pairs, w), 0);
	while (atomic_load(&w->commits) < 20 && !w->rc)
		sched_yield();
	int64_t last = -1;
	for (int i = 0; i < 5; i++) {
		char copy[160];
		snprintf(copy, sizeof(copy), "%s/copy%d.db", f->dir, i);
		struct brug_err err = {0};
		int before = atomic_load(&w->commits);
		assert_int_equal(db_backup(f->db, copy, &err), 0);
		/* the copy is a self-contained file, not a WAL database */
		FILE *fp = fopen(copy, "rb");
		unsigned char hdr[20];
		assert_int_equal(fread(hdr, 1, sizeof(hdr), fp), sizeof(hdr));
		fclose(fp);
		assert_memory_equal(hdr, "SQLite format 3", 16);
		assert_int_equal(hdr[18], 1); /* rollback journal, not WAL */
		assert_int_equal(hdr[19], 1);
		struct db *c = NULL;
		assert_int_equal(db_open(copy, &c, NULL), 0);
		int64_t na = int_query(c, "SELECT COUNT(*) FROM a");
		int64_t nb = int_query(c, "SELECT COUNT(*) FROM b");
		assert_int_equal(na, nb); /* one snapshot, not a torn copy */
		assert_true(na >= before);
		assert_true(na >= last);
		last = na;
		assert_int_equal(
			int_query(c, "SELECT COUNT(*) FROM a JOIN b USING (id) WHERE a.v = b.v"),
			na);
		char *ok = text_query(c, "PRAGMA integrity_check");
		assert_string_equal(ok, "ok");
		free(ok);
		db_close(c);
	}
	atomic_store(&w->stop, true);
	pthread_join(f->thread, NULL);
	f->w = NULL;
	assert_int_equal(w->rc, 0);
	assert_true(atomic_load(&w->commits) >= 20);
	free(w);
	/* no temporary file is left behind */
	DIR *d = opendir(f->dir);
	struct dirent *de;
	while ((de = readdir(d)))
		assert_null(strstr(de->d_name, ".tmp-"));
	closedir(d);
}

static void test_backup_failure(void **state)
{
	struct fixture *f = *state;
	fill(f->db, 2);
	struct brug_err err = {0};
	assert_int_equal(db_backup(f->db, "/nonexistent/dir/copy.db", &err), BRUG_EIO);
	assert_non_null(strstr(err.detail, "/nonexistent/dir/copy.db"));
	/* overwriting an existing copy replaces it */
	char copy[160];
	snprintf(copy, sizeof(copy), "%s/copy.db", f->dir);
	assert_int_equal(db_backup(f->db, copy, &err), 0);
	assert_int_equal(db_exec(f->db, "INSERT INTO t VALUES (3)", DB_NOARGS), 0);
	assert_int_equal(db_backup(f->db, copy, &err), 0);
	struct db *c = NULL;
	assert_int_equal(db_open(copy, &c, NULL), 0);
	assert_int_equal(int_query(c, "SELECT COUNT(*) FROM t"), 3);
	db_close(c);
}

static void test_exec_script(void **state)
{
	struct fixture *f = *state;
	log_set_level(LOG_OFF);
	struct brug_err err = {0};
	assert_int_equal(db_exec_script(f->db,
					"CREATE TABLE s (x INTEGER); INSERT INTO s VALUES (1);"
					" INSERT INTO s VALUES (2);",
					&err),
			 0);
	assert_int_equal(int_query(f->db, "SELECT SUM(x) FROM s"), 3);
	assert_int_equal(
		db_exec_script(f->db, "INSERT INTO s VALUES (3); CREATE TABLE s (y)", &err),
		BRUG_EDB);
	assert_string_equal(err.key, "error.database");
	assert_non_null(strstr(err.detail, "already exists"));
	log_set_level(LOG_INFO);
}

/* A query is one statement: a second one would silently not run. */
static void test_one_statement_per_query(void **state)
{
	struct fixture *f = *state;
	log_set_level(LOG_OFF);
	fill(f->db, 1);
	assert_int_equal(
		db_exec(f->db, "INSERT INTO t VALUES (2); INSERT INTO t VALUES (3)", DB_NOARGS),
		BRUG_EINTERNAL);
	assert_int_equal(int_query(f->db, "SELECT COUNT(*) FROM t"), 1);
	struct db_rows *r = NULL;
	assert_int_equal(db_query(f->db, &r, "SELECT 1; DELETE FROM t", DB_NOARGS), BRUG_EINTERNAL);
	assert_int_equal(int_query(f->db, "SELECT COUNT(*) FROM t"), 1);
	/* a trailing semicolon and white space are fine */
	assert_int_equal(db_exec(f->db, "INSERT INTO t VALUES (4);  \n", DB_NOARGS), 0);
	assert_int_equal(int_query(f->db, "SELECT COUNT(*) FROM t;"), 2);
	/* and an empty text is no statement at all */
	assert_int_equal(db_exec(f->db, "", DB_NOARGS), BRUG_EINTERNAL);
	assert_int_equal(db_exec(f->db, " ; ", DB_NOARGS), BRUG_EINTERNAL);
	log_set_level(LOG_INFO);
}

/* A request's reads see one snapshot: a commit by another connection in
 * the middle is seen only after db_read_end. A write inside gives the
 * snapshot up instead of failing. */
static void test_read_snapshot(void **state)
{
	struct fixture *f = *state;
	struct db *other = NULL;
	assert_int_equal(db_open(f->path, &other, NULL), 0);
	assert_int_equal(db_exec(f->db, "CREATE TABLE t (x INTEGER)", DB_NOARGS), 0);
	assert_int_equal(db_exec(f->db, "INSERT INTO t VALUES (1)", DB_NOARGS), 0);

	assert_int_equal(db_read_begin(f->db), 0);
	assert_false(db_in_tx(f->db)); /* a snapshot is not a write transaction */
	assert_int_equal(int_query(f->db, "SELECT COUNT(*) FROM t"), 1);
	assert_int_equal(db_exec(other, "INSERT INTO t VALUES (2)", DB_NOARGS), 0);
	assert_int_equal(int_query(f->db, "SELECT COUNT(*) FROM t"), 1);
	db_read_end(f->db);
	assert_int_equal(int_query(f->db, "SELECT COUNT(*) FROM t"), 2);

	/* nesting and ending twice are harmless */
	assert_int_equal(db_read_begin(f->db), 0);
	assert_int_equal(db_read_begin(f->db), 0);
	db_read_end(f->db);
	db_read_end(f->db);

	log_set_level(LOG_ERROR);
	assert_int_equal(db_read_begin(f->db), 0);
	assert_int_equal(int_query(f->db, "SELECT COUNT(*) FROM t"), 2);
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(db_exec(f->db, "INSERT INTO t VALUES (3)", DB_NOARGS), 0);
	assert_int_equal(db_commit(f->db), 0);
	db_read_end(f->db);
	log_set_level(LOG_INFO);
	assert_int_equal(int_query(other, "SELECT COUNT(*) FROM t"), 3);
	db_close(other);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pragmas),
		T(test_cache_reuse),
		T(test_same_sql_nested),
		T(test_cache_full),
		T(test_constraint_errors),
		T(test_busy),
		T(test_full_database),
		T(test_full_database_mid_transaction_commits_nothing),
		T(test_backup_while_writing),
		T(test_backup_failure),
		T(test_exec_script),
		T(test_one_statement_per_query),
		T(test_read_snapshot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/db/db.c, the backend-neutral half of the storage layer, run
 * over SQLite in a fresh temporary folder per test: URL dispatch, every
 * argument type and NULL, reading columns, the db_row_json conventions,
 * nested transactions and db_finish, the convenience queries, and the
 * per-thread connection pool. */
#include <pthread.h>
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
#include "util/jx.h"
#include "util/log.h"

struct fixture {
	char dir[64];
	char path[128];
	struct db *db;
};

static void remove_db_files(const char *dir)
{
	static const char *const names[] = {"t.db",         "t.db-wal", "t.db-shm",
					    "t.db-journal", "other.db", "other.db-wal",
					    "other.db-shm"};
	char p[256];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/brug-db-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	struct brug_err err = {0};
	if (db_open(f->path, &f->db, &err) != 0) {
		fprintf(stderr, "open %s: %s\n", f->path, err.detail);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	db_close(f->db);
	remove_db_files(f->dir);
	free(f);
	return 0;
}

static int64_t count(struct db *db, const char *table)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", table);
	int64_t n = -1;
	assert_int_equal(db_int_query(db, &n, sql, DB_NOARGS), 0);
	return n;
}

static void test_open_urls(void **state)
{
	struct fixture *f = *state;
	assert_string_equal(db_backend(f->db), "sqlite");
	assert_string_equal(db_dialect_id(f->db), "INTEGER PRIMARY KEY AUTOINCREMENT");
	char url[300];
	struct db *db = NULL;
	struct brug_err err = {0};
	/* sqlite:PATH and sqlite://PATH name the same file */
	snprintf(url, sizeof(url), "sqlite:%s", f->path);
	assert_int_equal(db_open(url, &db, &err), 0);
	assert_int_equal(db_exec(db, "CREATE TABLE marker (x INTEGER)", DB_NOARGS), 0);
	db_close(db);
	snprintf(url, sizeof(url), "sqlite://%s", f->path);
	assert_int_equal(db_open(url, &db, &err), 0);
	assert_int_equal(count(db, "marker"), 0);
	db_close(db);
	assert_int_equal(count(f->db, "marker"), 0);

	static const struct {
		const char *url, *detail;
	} bad[] = {
		{"", "empty database URL"},
		{"postgres://localhost/brug?nonsense=1", "invalid PostgreSQL URL"},
		{"postgresql://%zz/brug", "invalid PostgreSQL URL"},
		{"mysql://localhost/brug", "unsupported database URL"},
		{"sqlite:", "no path in sqlite:"},
		{"sqlite://", "no path"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		db = NULL;
		memset(&err, 0, sizeof(err));
		assert_int_equal(db_open(bad[i].url, &db, &err), BRUG_EINVAL);
		assert_null(db);
		assert_string_equal(err.key, "error.db_url");
		if (!strstr(err.detail, bad[i].detail))
			fail_msg("%s: detail \"%s\" lacks \"%s\"", bad[i].url, err.detail,
				 bad[i].detail);
	}
	assert_int_equal(db_open(NULL, &db, &err), BRUG_EINVAL);
	/* a folder that does not exist */
	memset(&err, 0, sizeof(err));
	assert_int_equal(db_open("/nonexistent/dir/x.db", &db, &err), BRUG_EIO);
	assert_string_equal(err.key, "error.db_open");
	/* a file that is not a database */
	char junk[128];
	snprintf(junk, sizeof(junk), "%s/other.db", f->dir);
	FILE *fp = fopen(junk, "w");
	for (int i = 0; i < 200; i++)
		fputs("this is not an sqlite database file at all. ", fp);
	fclose(fp);
	memset(&err, 0, sizeof(err));
	assert_int_equal(db_open(junk, &db, &err), BRUG_EINVAL);
	assert_string_equal(err.key, "error.db_open");
	db_close(NULL);
}

static void test_arguments(void **state)
{
	struct fixture *f = *state;
	struct db *db = f->db;
	assert_int_equal(db_exec(db, "CREATE TABLE t (i INTEGER, r REAL, s TEXT)", DB_NOARGS), 0);
	assert_int_equal(db_exec(db, "INSERT INTO t VALUES (?, ?, ?)",
				 DB_ARGS(DB_I(INT64_MIN), DB_R(-0.5), DB_T("h\xC3\xA9"))),
			 0);
	assert_int_equal(db_changes(db), 1);
	assert_int_equal(db_exec(db, "INSERT INTO t VALUES (?, ?, ?)",
				 DB_ARGS(DB_I(INT64_MAX), DB_R(1e300), DB_TN("abcdef", 3))),
			 0);
	assert_int_equal(db_exec(db, "INSERT INTO t VALUES (?, ?, ?)",
				 DB_ARGS(DB_I0(0), DB_NULLARG, DB_T(NULL))),
			 0);
	assert_int_equal(db_exec(db, "INSERT INTO t VALUES (?, ?, ?)",
				 DB_ARGS(DB_I0(7), DB_R(0), DB_TN("a\0b", 3))),
			 0);
	assert_int_equal(
		db_exec(db, "INSERT INTO t VALUES (?, ?, ?)", DB_ARGS(DB_I(0), DB_R(0), DB_T(""))),
		0);

	struct db_rows *r = NULL;
	assert_int_equal(db_query(db, &r, "SELECT i, r, s FROM t ORDER BY rowid", DB_NOARGS), 0);
	assert_int_equal(db_columns(r), 3);
	assert_int_equal(db_next(r), 1);
	assert_string_equal(db_column_name(r, 0), "i");
	assert_string_equal(db_column_name(r, 2), "s");
	assert_true(db_int(r, 0) == INT64_MIN);
	assert_float_equal(db_real(r, 1), -0.5, 0);
	assert_string_equal(db_text(r, 2), "h\xC3\xA9");
	assert_int_equal(db_text_len(r, 2), 3);
	assert_int_equal(db_type_of(r, 0), DBT_INT);
	assert_int_equal(db_type_of(r, 1), DBT_REAL);
	assert_int_equal(db_type_of(r, 2), DBT_TEXT);
	assert_false(db_null(r, 0));

	assert_int_equal(db_next(r), 1);
	assert_true(db_int(r, 0) == INT64_MAX);
	assert_float_equal(db_real(r, 1), 1e300, 0);
	assert_string_equal(db_text(r, 2), "abc"); /* DB_TN binds n bytes */
	assert_int_equal(db_text_len(r, 2), 3);

	/* NULLs: of every kind, and read as 0, 0.0 and NULL */
	assert_int_equal(db_next(r), 1);
	for (int c = 0; c < 3; c++) {
		assert_true(db_null(r, c));
		assert_int_equal(db_type_of(r, c), DBT_NULL);
	}
	assert_int_equal(db_int(r, 0), 0);
	assert_float_equal(db_real(r, 1), 0.0, 0);
	assert_null(db_text(r, 2));
	assert_int_equal(db_text_len(r, 2), 0);

	assert_int_equal(db_next(r), 1);
	assert_int_equal(db_int(r, 0), 7); /* DB_I0 of a non-zero value */
	assert_int_equal(db_text_len(r, 2), 3);
	assert_memory_equal(db_text(r, 2), "a\0b", 3);

	/* 0 and "" are values, not NULL */
	assert_int_equal(db_next(r), 1);
	assert_false(db_null(r, 0));
	assert_false(db_null(r, 2));
	assert_string_equal(db_text(r, 2), "");
	assert_int_equal(db_type_of(r, 2), DBT_TEXT);

	assert_int_equal(db_next(r), 0);
	db_rows_free(r);
	db_rows_free(NULL);

	/* NULL arguments compare as NULL */
	int64_t n = -1;
	assert_int_equal(
		db_int_query(db, &n, "SELECT COUNT(*) FROM t WHERE s IS ?", DB_ARGS(DB_T(NULL))),
		0);
	assert_int_equal(n, 1);
	assert_int_equal(db_int_query(db, &n, "SELECT COUNT(*) FROM t WHERE ? IS NULL OR i = ?",
				      DB_ARGS(DB_I0(0), DB_I0(0))),
			 0);
	assert_int_equal(n, 5);
	/* changes counts the rows of the last statement */
	assert_int_equal(
		db_exec(db, "UPDATE t SET r = ? WHERE i >= ?", DB_ARGS(DB_R(2.5), DB_I(0))), 0);
	assert_int_equal(db_changes(db), 3);
	assert_int_equal(db_exec(db, "DELETE FROM t WHERE i = ?", DB_ARGS(DB_I(12345))), 0);
	assert_int_equal(db_changes(db), 0);
}

static void test_argument_count_is_checked(void **state)
{
	struct fixture *f = *state;
	log_set_level(LOG_OFF);
	struct db_rows *r = NULL;
	assert_int_equal(db_query(f->db, &r, "SELECT ?, ?", DB_ARGS(DB_I(1))), BRUG_EINTERNAL);
	assert_int_equal(db_exec(f->db, "SELECT ?", DB_ARGS(DB_I(1), DB_I(2))), BRUG_EINTERNAL);
	assert_int_equal(db_exec(f->db, "SELECT ?", DB_NOARGS), BRUG_EINTERNAL);
	/* the statement is usable again with the right arguments */
	int64_t v = 0;
	assert_int_equal(db_int_query(f->db, &v, "SELECT ?, ?", DB_ARGS(DB_I(4), DB_I(5))), 0);
	assert_int_equal(v, 4);
	log_set_level(LOG_INFO);
}

static void test_convenience_queries(void **state)
{
	struct fixture *f = *state;
	struct db *db = f->db;
	assert_int_equal(
		db_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)", DB_NOARGS), 0);
	int64_t id = 0;
	assert_int_equal(db_int_query(db, &id, "INSERT INTO t (name) VALUES (?) RETURNING id",
				      DB_ARGS(DB_T("a"))),
			 0);
	assert_int_equal(id, 1);
	assert_int_equal(db_int_query(db, &id, "INSERT INTO t (name) VALUES (?), (?) RETURNING id",
				      DB_ARGS(DB_T("b"), DB_T(NULL))),
			 0);
	assert_int_equal(id, 2);
	assert_int_equal(count(db, "t"), 3); /* every row of the RETURNING was inserted */
	char *s = NULL;
	assert_int_equal(db_text_query(db, &s, "SELECT name FROM t WHERE id = ?", DB_ARGS(DB_I(2))),
			 0);
	assert_string_equal(s, "b");
	free(s);
	s = (char *)"untouched";
	assert_int_equal(db_text_query(db, &s, "SELECT name FROM t WHERE id = ?", DB_ARGS(DB_I(3))),
			 0);
	assert_null(s); /* a NULL value */
	/* no row: BRUG_ENOTFOUND and the output untouched */
	id = 42;
	assert_int_equal(db_int_query(db, &id, "SELECT id FROM t WHERE id = ?", DB_ARGS(DB_I(99))),
			 BRUG_ENOTFOUND);
	assert_int_equal(id, 42);
	s = (char *)"untouched";
	assert_int_equal(
		db_text_query(db, &s, "SELECT name FROM t WHERE id = ?", DB_ARGS(DB_I(99))),
		BRUG_ENOTFOUND);
	assert_string_equal(s, "untouched");
	assert_int_equal(db_ping(db), 0);
	/* a syntax error is a database error */
	log_set_level(LOG_OFF);
	uint64_t before = db_error_count();
	assert_int_equal(db_exec(db, "SELEC 1", DB_NOARGS), BRUG_EDB);
	assert_int_equal(db_int_query(db, &id, "SELECT nope FROM t", DB_NOARGS), BRUG_EDB);
	assert_int_equal(db_error_count(), before + 2);
	log_set_level(LOG_INFO);
}

static void test_row_json(void **state)
{
	struct fixture *f = *state;
	struct db *db = f->db;
	assert_int_equal(db_exec(db,
				 "CREATE TABLE t (id INTEGER, name TEXT, created_at INTEGER, "
				 "deleted_at INTEGER,"
				 " seen_at INTEGER, is_admin INTEGER, is_gone INTEGER, is_x TEXT, "
				 "at INTEGER,"
				 " _at INTEGER, flat TEXT, score REAL, note_at TEXT, empty TEXT)",
				 DB_NOARGS),
			 0);
	assert_int_equal(
		db_exec(db, "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			DB_ARGS(DB_I(7), DB_T("Ann \"A\""), DB_I(1795512600000), DB_NULLARG,
				DB_I(0), DB_I(1), DB_I(0), DB_T("yes"), DB_I(5), DB_I(6), DB_T("x"),
				DB_R(2.5), DB_T("later"), DB_NULLARG)),
		0);
	assert_int_equal(db_exec(db, "INSERT INTO t (id, is_admin, created_at) VALUES (8, 2, -1)",
				 DB_NOARGS),
			 0);
	struct db_rows *r = NULL;
	assert_int_equal(db_query(db, &r, "SELECT * FROM t ORDER BY id", DB_NOARGS), 0);
	assert_int_equal(db_next(r), 1);
	json_t *o = db_row_json(r);
	char *s = jx_dumps(o);
	assert_string_equal(s,
			    "{\"id\":7,\"name\":\"Ann \\\"A\\\"\","
			    "\"created_at\":\"2026-11-24T09:30:00.000Z\",\"deleted_at\":null,"
			    "\"seen_at\":null,\"is_admin\":true,\"is_gone\":false,\"is_x\":\"yes\","
			    "\"at\":\"1970-01-01T00:00:00.005Z\",\"_at\":6,\"flat\":\"x\",\"score\":2.5,\"note_at\":\"later\","
			    "\"empty\":null}");
	free(s);
	json_decref(o);
	db_rows_free(r);

	/* an alias counts as the name; the rest of the rows as an array */
	assert_int_equal(
		db_query(db, &r,
			 "SELECT id, is_admin AS is_boss, created_at AS when_at FROM t ORDER BY id",
			 DB_NOARGS),
		0);
	int rc = -1;
	json_t *a = db_rows_json(r, &rc);
	assert_int_equal(rc, 0);
	s = jx_dumps(a);
	assert_string_equal(
		s, "[{\"id\":7,\"is_boss\":true,\"when_at\":\"2026-11-24T09:30:00.000Z\"},"
		   "{\"id\":8,\"is_boss\":true,\"when_at\":\"1969-12-31T23:59:59.999Z\"}]");
	free(s);
	json_decref(a);
	db_rows_free(r);

	assert_int_equal(db_query(db, &r, "SELECT id FROM t WHERE id > 100", DB_NOARGS), 0);
	a = db_rows_json(r, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(json_array_size(a), 0);
	json_decref(a);
	db_rows_free(r);
}

static void test_transactions(void **state)
{
	struct fixture *f = *state;
	struct db *db = f->db;
	assert_int_equal(db_exec(db, "CREATE TABLE t (x INTEGER)", DB_NOARGS), 0);
	assert_false(db_in_tx(db));
	/* commit */
	assert_int_equal(db_begin(db), 0);
	assert_true(db_in_tx(db));
	assert_int_equal(db_exec(db, "INSERT INTO t VALUES (1)", DB_NOARGS), 0);
	assert_int_equal(db_commit(db), 0);
	assert_false(db_in_tx(db));
	assert_int_equal(count(db, "t"), 1);
	/* rollback */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO t VALUES (2)", DB_NOARGS), 0);
	assert_int_equal(count(db, "t"), 2);
	db_rollback(db);
	assert_false(db_in_tx(db));
	assert_int_equal(count(db, "t"), 1);
	/* nested, all committed: one transaction */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO t VALUES (3)", DB_NOARGS), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO t VALUES (4)", DB_NOARGS), 0);
	assert_int_equal(db_commit(db), 0);
	assert_true(db_in_tx(db)); /* still inside the outer one */
	assert_int_equal(db_commit(db), 0);
	assert_false(db_in_tx(db));
	assert_int_equal(count(db, "t"), 3);
	/* a commit or rollback without a transaction */
	assert_int_equal(db_commit(db), BRUG_EINTERNAL);
	db_rollback(db);
	assert_false(db_in_tx(db));
}

static void test_inner_rollback_fails_outer_commit(void **state)
{
	struct fixture *f = *state;
	struct db *db = f->db;
	assert_int_equal(db_exec(db, "CREATE TABLE t (x INTEGER)", DB_NOARGS), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO t VALUES (1)", DB_NOARGS), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO t VALUES (2)", DB_NOARGS), 0);
	db_rollback(db); /* the inner one gives up */
	assert_true(db_in_tx(db));
	assert_int_equal(db_exec(db, "INSERT INTO t VALUES (3)", DB_NOARGS), 0);
	assert_int_equal(db_commit(db), BRUG_ECONFLICT);
	assert_false(db_in_tx(db));
	assert_int_equal(count(db, "t"), 0); /* nothing at all was written */
	/* and the next transaction starts clean */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO t VALUES (4)", DB_NOARGS), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(count(db, "t"), 1);
	/* three deep, the innermost fails */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO t VALUES (5)", DB_NOARGS), 0);
	db_rollback(db);
	assert_int_equal(db_commit(db), 0); /* the middle one does not know yet */
	assert_int_equal(db_commit(db), BRUG_ECONFLICT);
	assert_int_equal(count(db, "t"), 1);
	/* the visible effect on another connection: nothing */
	struct db *other = NULL;
	assert_int_equal(db_open(f->path, &other, NULL), 0);
	assert_int_equal(count(other, "t"), 1);
	db_close(other);
}

/* A domain function's shape: begin, work, `return db_finish(db, rc)`. */
static int add_rows(struct db *db, int64_t a, int64_t b)
{
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_exec(db, "INSERT INTO t VALUES (?)", DB_ARGS(DB_I(a)));
	if (!rc)
		rc = db_exec(db, "INSERT INTO t VALUES (?)", DB_ARGS(DB_I(b)));
	return db_finish(db, rc);
}

static void test_finish(void **state)
{
	struct fixture *f = *state;
	struct db *db = f->db;
	log_set_level(LOG_OFF);
	assert_int_equal(db_exec(db, "CREATE TABLE t (x INTEGER UNIQUE)", DB_NOARGS), 0);
	assert_int_equal(add_rows(db, 1, 2), 0);
	assert_int_equal(count(db, "t"), 2);
	/* the second insert fails: the first is rolled back with it */
	assert_int_equal(add_rows(db, 3, 1), BRUG_ECONFLICT);
	assert_false(db_in_tx(db));
	assert_int_equal(count(db, "t"), 2);
	/* nested in a caller's transaction: the failure reaches the outer commit */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(add_rows(db, 10, 11), 0);
	int rc = add_rows(db, 12, 10);
	assert_int_equal(rc, BRUG_ECONFLICT);
	assert_int_equal(db_finish(db, 0), BRUG_ECONFLICT);
	assert_int_equal(count(db, "t"), 2);
	/* db_finish passes a failure through, whatever it is */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO t VALUES (20)", DB_NOARGS), 0);
	assert_int_equal(db_finish(db, BRUG_ENOTFOUND), BRUG_ENOTFOUND);
	assert_int_equal(count(db, "t"), 2);
	assert_false(db_in_tx(db));
	log_set_level(LOG_INFO);
}

/* ---- the pool: one connection per thread ---- */

struct pool_arg {
	struct db_pool *pool;
	pthread_barrier_t *barrier;
	struct db *got, *again;
	int64_t answer;
	int rc;
};

static void *pool_thread(void *p)
{
	struct pool_arg *a = p;
	a->rc = db_pool_get(a->pool, &a->got, NULL);
	if (!a->rc)
		a->rc = db_pool_get(a->pool, &a->again, NULL);
	if (!a->rc)
		a->rc = db_int_query(a->got, &a->answer, "SELECT COUNT(*) FROM t", DB_NOARGS);
	/* both threads hold their connections at the same time, so the
	 * memory of one cannot be reused for the other */
	pthread_barrier_wait(a->barrier);
	return NULL;
}

static void test_pool(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(db_exec(f->db, "CREATE TABLE t (x INTEGER)", DB_NOARGS), 0);
	assert_int_equal(db_exec(f->db, "INSERT INTO t VALUES (1), (2)", DB_NOARGS), 0);
	char url[200];
	snprintf(url, sizeof(url), "sqlite:%s", f->path);
	struct db_pool *pool = db_pool_new(url);
	assert_string_equal(db_pool_url(pool), url);
	struct db *mine = NULL, *mine2 = NULL;
	assert_int_equal(db_pool_get(pool, &mine, NULL), 0);
	assert_int_equal(db_pool_get(pool, &mine2, NULL), 0);
	assert_ptr_equal(mine, mine2); /* the same thread: the same connection */

	pthread_barrier_t barrier;
	pthread_barrier_init(&barrier, NULL, 2);
	struct pool_arg a = {.pool = pool, .barrier = &barrier, .answer = -1};
	struct pool_arg b = a;
	pthread_t ta, tb;
	assert_int_equal(pthread_create(&ta, NULL, pool_thread, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, pool_thread, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_barrier_destroy(&barrier);
	assert_int_equal(a.rc, 0);
	assert_int_equal(b.rc, 0);
	assert_non_null(a.got);
	assert_non_null(b.got);
	assert_ptr_not_equal(a.got, b.got);
	assert_ptr_equal(a.got, a.again);
	assert_ptr_equal(b.got, b.again);
	assert_ptr_not_equal(a.got, mine);
	assert_ptr_not_equal(b.got, mine);
	assert_int_equal(a.answer, 2);
	assert_int_equal(b.answer, 2);
	/* the threads' connections closed when they ended (the leak checker
	 * would tell); this thread's closes with the pool */
	db_pool_free(pool);
	db_pool_free(NULL);

	/* a pool whose database cannot be opened says so on first use */
	pool = db_pool_new("mysql://nowhere");
	struct brug_err err = {0};
	struct db *none = NULL;
	assert_int_equal(db_pool_get(pool, &none, &err), BRUG_EINVAL);
	assert_null(none);
	db_pool_free(pool);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

/* Passwords never reach a log line or brug config's output. */
static void test_url_redact(void **state)
{
	(void)state;
	static const struct {
		const char *url, *want;
	} cases[] = {
		{"postgres://brug:s3cret@db.example:5432/brug", "postgres://brug:***@db.example:5432/brug"},
		{"postgresql://brug@db/brug?sslmode=require", "postgresql://brug@db/brug?sslmode=require"},
		{"postgres://db/brug?user=x&password=s3cret&sslmode=verify-full",
		 "postgres://db/brug?user=x&password=***&sslmode=verify-full"},
		{"postgres://u:p%40ss@h/d?password=x", "postgres://u:***@h/d?password=***"},
		{"sqlite:./data/brug.db", "sqlite:./data/brug.db"},
		{"./data/brug.db", "./data/brug.db"},
		{"", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[256];
		db_url_redact(cases[i].url, out, sizeof(out));
		assert_string_equal(out, cases[i].want);
	}
	char tiny[8];
	db_url_redact("postgres://u:secret@h/d", tiny, sizeof(tiny));
	assert_null(strstr(tiny, "secret"));
}

int main(void)
{
	jx_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_redact),
		T(test_open_urls),
		T(test_arguments),
		T(test_argument_count_is_checked),
		T(test_convenience_queries),
		T(test_row_json),
		T(test_transactions),
		T(test_inner_rollback_fails_outer_commit),
		T(test_finish),
		T(test_pool),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

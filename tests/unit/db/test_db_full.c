/* SPDX-License-Identifier: Apache-2.0 */
/* A database out of space, on both backends: the write fails with
 * BRUG_ENOSPC (507), its transaction leaves nothing behind, what is stored
 * stays readable, and the connection goes on working. On SQLite the space
 * runs out at db-max-mb (db_set_max_mb); on PostgreSQL the server's own
 * disk-full error (SQLSTATE 53100, raised here by a trigger, as a full
 * file system cannot be had without root) and its neighbours in class 53. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testdb.h"

#include "core/rc.h"
#include "db/db.h"
#include "util/log.h"

static int64_t count(struct db *db, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_int_query(db, &n, sql, DB_NOARGS), 0);
	return n;
}

static struct db *open_db(const char *url)
{
	struct db *db = NULL;
	struct brug_err err = {0};
	assert_int_equal(db_open(url, &db, &err), 0);
	return db;
}

/* Rows of about 8 KiB; on PostgreSQL a trigger turns an insert of a row
 * whose body starts with "full" into the server's disk-full error. */
static void make_table(struct db *db)
{
	assert_int_equal(db_exec(db, "CREATE TABLE t (id BIGINT PRIMARY KEY, body TEXT NOT NULL)",
				 DB_NOARGS),
			 0);
	if (!testdb_is_pg())
		return;
	struct brug_err err = {0};
	assert_int_equal(
		db_exec_script(db,
			       "CREATE FUNCTION t_full() RETURNS trigger LANGUAGE plpgsql AS $$"
			       " BEGIN IF NEW.body LIKE 'full%' THEN RAISE EXCEPTION"
			       " 'could not extend file: No space left on device'"
			       " USING ERRCODE = 'disk_full'; END IF;"
			       " IF NEW.body LIKE 'oom%' THEN RAISE EXCEPTION 'out of memory'"
			       " USING ERRCODE = 'out_of_memory'; END IF; RETURN NEW; END $$;"
			       "CREATE TRIGGER t_full BEFORE INSERT ON t FOR EACH ROW"
			       " EXECUTE FUNCTION t_full();",
			       &err),
		0);
}

static int insert(struct db *db, int64_t id, const char *prefix)
{
	static char body[8192];
	size_t n = strlen(prefix);
	memcpy(body, prefix, n);
	/* no run SQLite or TOAST could squeeze */
	for (size_t i = n; i < sizeof(body) - 1; i++)
		body[i] = (char)('a' + (id * 7919 + (int64_t)i * 104729) % 26);
	body[sizeof(body) - 1] = '\0';
	return db_exec(db, "INSERT INTO t (id, body) VALUES (?, ?)", DB_ARGS(DB_I(id), DB_T(body)));
}

/* Fills db until a write fails; returns the rows that fitted. */
static int64_t fill(struct db *db)
{
	if (testdb_is_pg()) {
		for (int64_t i = 1; i <= 20; i++)
			assert_int_equal(insert(db, i, "row"), 0);
		assert_int_equal(insert(db, 21, "full"), BRUG_ENOSPC);
		return 20;
	}
	for (int64_t i = 1; i < 100000; i++) {
		int rc = insert(db, i, "row");
		if (rc) {
			assert_int_equal(rc, BRUG_ENOSPC);
			return i - 1;
		}
	}
	fail_msg("the database did not fill up");
	return 0;
}

static void test_full(void **state)
{
	(void)state;
	const char *url = testdb_new();
	log_set_level(LOG_OFF);
	struct db *db = open_db(url);
	make_table(db);
	db_close(db);
	/* 1 MB is less than the rows below take; PostgreSQL ignores it */
	db_set_max_mb(1);
	db = open_db(url);
	int64_t rows = fill(db);
	assert_true(rows > 10);
	/* in a transaction, after writes that fitted: all of it undone */
	assert_int_equal(db_begin(db), 0);
	/* (the same length: a shorter row would make room) */
	assert_int_equal(
		db_exec(db, "UPDATE t SET body = 'changed' || substr(body, 8) WHERE id = 1", DB_NOARGS),
		0);
	int rc = insert(db, rows + 1, "full");
	assert_int_equal(rc, BRUG_ENOSPC);
	assert_int_equal(db_finish(db, rc), BRUG_ENOSPC);
	assert_false(db_in_tx(db));
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t"), rows);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t WHERE body LIKE 'changed%'"), 0);
	/* the connection goes on: reads, and writes that need no new space */
	assert_int_equal(db_exec(db, "DELETE FROM t WHERE id <= 5", DB_NOARGS), 0);
	assert_int_equal(insert(db, rows + 1, "row"), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t"), rows - 4);
	if (!testdb_is_pg()) {
		char *ok = NULL;
		assert_int_equal(db_text_query(db, &ok, "PRAGMA integrity_check", DB_NOARGS), 0);
		assert_string_equal(ok, "ok");
		free(ok);
	}
	db_close(db);
	/* with the limit lifted, a new connection has room again */
	db_set_max_mb(0);
	db = open_db(url);
	for (int64_t i = 0; i < 40; i++)
		assert_int_equal(insert(db, rows + 2 + i, "row"), 0);
	db_close(db);
	log_set_level(LOG_INFO);
}

/* PostgreSQL's other resource errors (class 53) are a passing shortage:
 * 503, try again; only a full disk is 507. (PostgreSQL only.) */
static void test_out_of_memory_is_unavailable(void **state)
{
	(void)state;
	const char *url = testdb_new();
	log_set_level(LOG_OFF);
	struct db *db = open_db(url);
	make_table(db);
	assert_int_equal(insert(db, 1, "oom"), BRUG_EUNAVAIL);
	assert_int_equal(insert(db, 2, "row"), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM t"), 1);
	db_close(db);
	log_set_level(LOG_INFO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_out_of_memory_is_unavailable),
	};
	/* the second is about PostgreSQL's error classes only */
	int rc = _cmocka_run_group_tests("db_full", tests, testdb_is_pg() ? 2 : 1, NULL, NULL);
	testdb_cleanup();
	return rc;
}

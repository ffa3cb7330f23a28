/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/db/sqlite_gate.c: one gate per file whatever the path, a
 * second thread waits at the gate until the first leaves (at most the
 * time it is given), a thread never waits for itself, and through db_sqlite.c: the threads of one process
 * writing to one file never reach SQLite's busy handler, so they succeed
 * even with the busy timeout at 0, and lose no update. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/sqlite_gate.h"

struct dir {
	char path[64], a[128], b[128], link[128];
};

static int setup(void **state)
{
	struct dir *d = calloc(1, sizeof(*d));
	snprintf(d->path, sizeof(d->path), "/tmp/brug-gate-XXXXXX");
	if (!mkdtemp(d->path))
		return -1;
	snprintf(d->a, sizeof(d->a), "%s/a.db", d->path);
	snprintf(d->b, sizeof(d->b), "%s/b.db", d->path);
	snprintf(d->link, sizeof(d->link), "%s/link.db", d->path);
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	struct dir *d = *state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->path);
	if (system(cmd) != 0)
		return -1;
	free(d);
	return 0;
}

static void touch(const char *path)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
}

static void test_one_gate_per_file(void **state)
{
	struct dir *d = *state;
	touch(d->a);
	touch(d->b);
	assert_int_equal(symlink(d->a, d->link), 0);
	struct sqlite_gate *a = sqlite_gate_get(d->a), *link = sqlite_gate_get(d->link);
	struct sqlite_gate *b = sqlite_gate_get(d->b);
	assert_non_null(a);
	assert_ptr_equal(a, link);
	assert_ptr_not_equal(a, b);
	assert_null(sqlite_gate_get(""));
	assert_null(sqlite_gate_get(NULL));
	assert_int_equal(sqlite_gate_enter(NULL, 10), 0);
	sqlite_gate_put(a);
	sqlite_gate_put(link);
	sqlite_gate_put(b);
	sqlite_gate_put(NULL);
}

struct waiter {
	struct sqlite_gate *g;
	int timeout_ms;
	atomic_bool inside;
	int got;
};

static void *wait_at_gate(void *arg)
{
	struct waiter *w = arg;
	w->got = sqlite_gate_enter(w->g, w->timeout_ms);
	if (w->got == 1) {
		atomic_store(&w->inside, true);
		sqlite_gate_leave(w->g);
	}
	return NULL;
}

static void test_second_thread_waits(void **state)
{
	struct dir *d = *state;
	touch(d->a);
	struct waiter w = {.g = sqlite_gate_get(d->a), .timeout_ms = 60000};
	assert_int_equal(sqlite_gate_enter(w.g, 10), 1);
	/* the holder itself is never made to wait for itself */
	assert_int_equal(sqlite_gate_enter(w.g, 10), 0);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, wait_at_gate, &w), 0);
	usleep(100 * 1000);
	assert_false(atomic_load(&w.inside));
	sqlite_gate_leave(w.g);
	pthread_join(t, NULL);
	assert_true(atomic_load(&w.inside));
	sqlite_gate_put(w.g);
}

/* A writer held up (by another process's lock, say) does not hold the
 * rest of the process for longer than the busy timeout: they give up as
 * SQLite would. */
static void test_wait_is_bounded(void **state)
{
	struct dir *d = *state;
	touch(d->a);
	struct waiter w = {.g = sqlite_gate_get(d->a), .timeout_ms = 200};
	assert_int_equal(sqlite_gate_enter(w.g, 10), 1);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, wait_at_gate, &w), 0);
	pthread_join(t, NULL);
	assert_int_equal(w.got, -1);
	assert_false(atomic_load(&w.inside));
	sqlite_gate_leave(w.g);
	w.timeout_ms = 200;
	assert_int_equal(pthread_create(&t, NULL, wait_at_gate, &w), 0);
	pthread_join(t, NULL);
	assert_int_equal(w.got, 1);
	sqlite_gate_put(w.g);
}

#define ROUNDS 300

struct counter_thread {
	const char *path;
	int rc;
};

/* Read-modify-write of one counter, ROUNDS times, as a transaction and
 * as single statements, with SQLite's busy timeout off: any wait at
 * SQLite's lock would fail at once. */
static void *count_up(void *arg)
{
	struct counter_thread *c = arg;
	struct db *db = NULL;
	if ((c->rc = db_open(c->path, &db, NULL)))
		return NULL;
	c->rc = db_exec(db, "PRAGMA busy_timeout = 0", DB_NOARGS);
	for (int i = 0; i < ROUNDS && !c->rc; i++) {
		int64_t n = 0;
		if ((c->rc = db_begin(db)))
			break;
		c->rc = db_int_query(db, &n, "SELECT n FROM counter", DB_NOARGS);
		if (!c->rc)
			c->rc = db_exec(db, "UPDATE counter SET n = ?", DB_ARGS(DB_I(n + 1)));
		c->rc = db_finish(db, c->rc);
		if (!c->rc)
			c->rc = db_exec(db, "UPDATE counter SET m = m + 1", DB_NOARGS);
	}
	db_close(db);
	return NULL;
}

static void test_threads_write_without_busy_waits(void **state)
{
	struct dir *d = *state;
	struct db *db = NULL;
	assert_int_equal(db_open(d->a, &db, NULL), 0);
	assert_int_equal(db_exec(db, "CREATE TABLE counter (n INTEGER, m INTEGER)", DB_NOARGS), 0);
	assert_int_equal(db_exec(db, "INSERT INTO counter VALUES (0, 0)", DB_NOARGS), 0);
	struct counter_thread c[3] = {{d->a, 0}, {d->a, 0}, {d->a, 0}};
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&t[i], NULL, count_up, &c[i]), 0);
	for (int i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(c[i].rc, 0);
	}
	int64_t n = 0;
	assert_int_equal(db_int_query(db, &n, "SELECT n + m FROM counter", DB_NOARGS), 0);
	assert_int_equal(n, 2 * 3 * ROUNDS);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_one_gate_per_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_thread_waits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wait_is_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads_write_without_busy_waits, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

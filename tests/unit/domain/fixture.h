/* SPDX-License-Identifier: Apache-2.0 */
/* The shared fixture of the src/domain unit tests: a fresh, migrated
 * database per test (from tests/common/testdb, on SQLite or PostgreSQL), a
 * clock shift undone after the test, and helpers that create rows and read
 * them back with cmocka assertions. Not thread-safe: one test at a time per
 * process. */
#ifndef BRUG_TESTS_DOMAIN_FIXTURE_H
#define BRUG_TESTS_DOMAIN_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>

#include "db/db.h"
#include "domain/principal.h"

/* The password fx_user gives everyone. */
#define FX_PASSWORD "correct horse"

struct fx {
	struct db *db;
	char url[1200];  /* what db_open was given */
	char path[1100]; /* the SQLite file, "" when not a SQLite file */
	int64_t shifted; /* clock shift to undo in fx_teardown */
};

/* Once per process: jx_init, secure_setup("test"), user_init. Called by
 * fx_setup; a test that switches the cost calls secure_setup("test") back. */
void fx_global_init(void);

/* cmocka setup and teardown: *state becomes a struct fx *. */
int fx_setup(void **state);
int fx_teardown(void **state);
#define FX_TEST(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

/* A second connection to the same database; the caller closes it. */
struct db *fx_connect(struct fx *f);
/* Moves the clock by ms; fx_teardown moves it back. */
void fx_shift(struct fx *f, int64_t ms);
/* Shifts the clock so that now is `into` ms after the start of a window of
 * window_ms, so fixed-window tests never straddle a boundary. */
void fx_align(struct fx *f, int64_t window_ms, int64_t into);

/* Rows and actors. */
int64_t fx_org(struct fx *f, const char *name);
struct actor fx_cli(int64_t org);
struct actor fx_actor(int64_t org, int64_t user, const char *label, const char *ip);
/* Creates a user (password FX_PASSWORD) as the command line; the id. */
int64_t fx_user(struct fx *f, int64_t org, const char *email, const char *name, enum role role);

/* A query whose first row's first column is an integer, asserted to work. */
int64_t fx_int(struct fx *f, const char *sql, const struct db_arg *args, size_t n);
/* The same for text; NULL for SQL NULL. The caller frees. */
char *fx_text(struct fx *f, const char *sql, const struct db_arg *args, size_t n);
/* SELECT COUNT(*) FROM table (a name from the test, not input). */
int64_t fx_rows(struct fx *f, const char *table);
/* True when needle occurs anywhere in the stored data: in the bytes of the
 * database files (SQLite: the file, its WAL and shared memory) and in every
 * text value of every table (any backend). */
bool fx_db_contains(struct fx *f, const char *needle);

/* The newest audit id so far (0 when none): a mark for the checks below. */
int64_t fx_audit_mark(struct fx *f);
/* Exactly one audit row after mark, with these values; actor_id 0 means
 * SQL NULL, object_id 0 too; details is JSON text compared as JSON. */
void fx_audit_one(struct fx *f, int64_t mark, int64_t org, const char *action,
                  const char *object_type, int64_t object_id, int64_t actor_id, const char *actor,
                  const char *ip, const char *details);
/* No audit row after mark. */
void fx_audit_none(struct fx *f, int64_t mark);

/* Asserts that search_vocab holds exactly the (org, kind, term) of
 * search_terms, each with the number of objects holding it. */
void fx_check_search_vocab(struct fx *f);

/* Asserts that JSON value v equals the JSON text want (key order free). */
void fx_json_eq(const json_t *v, const char *want);

#endif

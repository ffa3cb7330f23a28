/* SPDX-License-Identifier: Apache-2.0 */
/* The storage interface. Domain code speaks only this: SQL texts with `?`
 * placeholders and typed arguments, rows read column by column, nested
 * transactions. Each backend (db_sqlite.c now, db_pg.c next) fills a
 * struct db_ops; what differs between them (placeholders, identity columns,
 * backups, error codes) stays behind it.
 *
 * A struct db is one connection and is used by one thread at a time; a
 * server thread gets its own from a struct db_pool. */
#ifndef BRUG_DB_DB_H
#define BRUG_DB_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/rc.h"

struct db;
struct db_rows;

enum db_type { DBT_NULL, DBT_INT, DBT_REAL, DBT_TEXT };

/* One argument for a `?` placeholder. Text is borrowed for the call. */
struct db_arg {
	enum db_type type;
	enum db_type null_as; /* for NULL: the type it stands for, so PostgreSQL can type `? IS NULL` */
	union {
		int64_t i;
		double d;
		struct {
			const char *p;
			size_t n; /* SIZE_MAX: NUL-terminated */
		} s;
	} v;
};

#define DB_I(x) ((struct db_arg){.type = DBT_INT, .v.i = (int64_t)(x)})
#define DB_R(x) ((struct db_arg){.type = DBT_REAL, .v.d = (double)(x)})
/* Text; a NULL pointer binds SQL NULL. */
#define DB_T(x) db_arg_text((x), SIZE_MAX)
#define DB_TN(x, n) db_arg_text((x), (n))
/* An integer, or SQL NULL when x is 0 (for optional references). */
#define DB_I0(x) ((x) ? DB_I(x) : (struct db_arg){.type = DBT_NULL, .null_as = DBT_INT})
#define DB_NULLARG ((struct db_arg){.type = DBT_NULL, .null_as = DBT_TEXT})
/* A NULL whose type the database infers from where it goes (an INSERT's
 * column); not for `? IS NULL`. */
#define DB_NULL_UNTYPED ((struct db_arg){.type = DBT_NULL, .null_as = DBT_NULL})
/* The most arguments one statement takes (PostgreSQL allows 65535; a
 * multi-row INSERT of a batch stays well below this). */
#define DB_ARGS_MAX 512
/* The argument list of a call: DB_ARGS(DB_I(org), DB_T(name)). */
#define DB_ARGS(...) \
	(const struct db_arg[]){__VA_ARGS__}, \
	(sizeof((const struct db_arg[]){__VA_ARGS__}) / sizeof(struct db_arg))
#define DB_NOARGS NULL, 0

static inline struct db_arg db_arg_text(const char *p, size_t n)
{
	struct db_arg a = {.type = p ? DBT_TEXT : DBT_NULL, .null_as = DBT_TEXT};
	a.v.s.p = p;
	a.v.s.n = n;
	return a;
}

/* Opens a connection. url: "sqlite:PATH", a bare PATH, or
 * "postgres://user:password@host:port/dbname?..." (also "postgresql://";
 * any libpq URI parameter). For SQLite the folder of PATH must exist. The
 * caller closes it with db_close. */
int db_open(const char *url, struct db **out, struct brug_err *err);
void db_close(struct db *db);
/* The most megabytes an SQLite database file may grow to (0: no limit),
 * for every connection opened afterwards; PostgreSQL ignores it. A write
 * that would need more space fails with BRUG_ENOSPC and changes nothing;
 * reads go on, and so do writes that fit in space freed by deletes. Call it
 * at start, before other threads open connections. */
void db_set_max_mb(int64_t mb);
/* The URL with any password replaced by "***" (in the user part and in a
 * password= parameter), for logs and `brug config`. Writes at most n bytes. */
void db_url_redact(const char *url, char *out, size_t n);
/* "sqlite" or "postgres". */
const char *db_backend(const struct db *db);

/* Runs sql with args and returns the rows to read with db_next; the caller
 * frees them with db_rows_free before the next query on the same SQL text
 * (queries may nest when their texts differ, or even when equal). */
int db_query(struct db *db, struct db_rows **out, const char *sql, const struct db_arg *args,
	     size_t n);
/* 1 when a row is ready, 0 at the end, a negative code on failure. */
int db_next(struct db_rows *r);
void db_rows_free(struct db_rows *r);

/* Columns of the current row, counted from 0. Text is valid until the
 * next db_next or db_rows_free; NULL reads as 0, 0.0 and NULL. */
int64_t db_int(struct db_rows *r, int col);
double db_real(struct db_rows *r, int col);
const char *db_text(struct db_rows *r, int col);
size_t db_text_len(struct db_rows *r, int col);
bool db_null(struct db_rows *r, int col);
int db_columns(struct db_rows *r);
/* The type of the current row's value in col. */
enum db_type db_type_of(struct db_rows *r, int col);
const char *db_column_name(struct db_rows *r, int col);

/* Runs a statement that returns no rows to read. */
int db_exec(struct db *db, const char *sql, const struct db_arg *args, size_t n);
/* Rows changed by the last db_exec on this connection. */
int64_t db_changes(struct db *db);
/* Runs a query whose first row's first column is an integer (an INSERT ...
 * RETURNING id, a COUNT(*)); BRUG_ENOTFOUND when there is no row. */
int db_int_query(struct db *db, int64_t *out, const char *sql, const struct db_arg *args,
		 size_t n);
/* Like db_int_query for text; the caller frees *out. */
int db_text_query(struct db *db, char **out, const char *sql, const struct db_arg *args, size_t n);

/* Transactions nest: only the outermost begin and commit reach the
 * database, and a rollback at any depth makes the outermost commit roll
 * back and fail with BRUG_ECONFLICT. db_begin takes the write lock at once
 * (SQLite BEGIN IMMEDIATE), so two writers never deadlock on an upgrade. */
int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);
/* Commits when rc is 0, rolls back otherwise; returns rc, or the commit's
 * failure. For `return db_finish(db, rc);` at a function's single exit. */
int db_finish(struct db *db, int rc);
/* Inside a transaction: waits until no other connection (of any process)
 * holds the lock called name, and holds it until the transaction ends.
 * (SQLite's write transaction already excludes every other writer.) */
int db_lock(struct db *db, const char *name);
/* What to append to a SELECT that picks rows for this transaction to take
 * over, so concurrent takers skip each other's rows: " FOR UPDATE SKIP
 * LOCKED" on PostgreSQL, "" on SQLite (one writer at a time anyway). */
const char *db_sql_skip_locked(const struct db *db);
/* True while a transaction is open on this connection. */
bool db_in_tx(const struct db *db);
/* How many transactions are open on this connection, nested (0: none). */
int db_tx_depth(const struct db *db);

/* Per-connection memory of the layers above, one slot per user: what a
 * module keeps between requests on this connection's thread (parsed
 * definitions it checks for changes itself). Freed with free_fn when
 * replaced or when the connection closes. Not thread-safe, as the
 * connection itself. */
enum db_memo_slot {
	DB_MEMO_SURVEY_QUESTIONS, /* domain/survey_answer.c */
	DB_MEMO_SLOTS
};
void *db_memo(struct db *db, enum db_memo_slot slot);
void db_memo_set(struct db *db, enum db_memo_slot slot, void *p, void (*free_fn)(void *));

/* Refreshes the planner's statistics of the named tables (a comma-separated
 * list of our own table names, never input) on PostgreSQL, also inside a
 * transaction, where it counts the rows this transaction wrote; nothing on
 * SQLite, whose plans do not depend on statistics brug gathers. For bulk
 * writes into tables that were nearly empty when their plans were made:
 * PostgreSQL keeps a prepared statement's generic plan, and one made for
 * an empty table (an index scan that filters every row) turns a bulk load
 * quadratic. Not thread-safe per connection, like every call here. */
int db_analyze(struct db *db, const char *tables);
/* Groups the reads of one request into one snapshot: on SQLite a deferred
 * transaction, so the file and WAL locks are taken once, not per statement;
 * on a server database, where each statement is cheap, nothing. Nothing may
 * be written inside. Only outside any other transaction. */
int db_read_begin(struct db *db);
void db_read_end(struct db *db);

/* Runs a script of several statements without arguments (migrations). */
int db_exec_script(struct db *db, const char *sql, struct brug_err *err);
/* Cheap round trip proving the database answers (for /readyz). */
int db_ping(struct db *db);
/* A consistent copy of the whole database into path while others keep
 * writing (SQLite online backup API). */
int db_backup(struct db *db, const char *path, struct brug_err *err);
/* The backend's text for a portable column type in migrations: "@ID@" is
 * an auto-assigned 64-bit primary key. */
const char *db_dialect_id(const struct db *db);
/* The collation clause that makes a text column compare byte by byte (what
 * @BYTES@ in a migration becomes): "" on SQLite, COLLATE "C" on PostgreSQL. */
const char *db_dialect_bytes(const struct db *db);

/* The current row as a JSON object keyed by column name (new reference).
 * Conventions: a column named *_at (or at) holding an integer becomes an ISO 8601
 * UTC string, one named is_* becomes a boolean, NULL becomes null. */
json_t *db_row_json(struct db_rows *r);
/* The same for count columns starting at first. */
json_t *db_row_json_range(struct db_rows *r, int first, int count);
/* Every remaining row as a JSON array of such objects (new reference);
 * NULL on failure, with *rc set. */
json_t *db_rows_json(struct db_rows *r, int *rc);

/* Database errors seen since start (for /metrics). */
uint64_t db_error_count(void);

/* One connection per thread, opened on first use and closed when the
 * thread exits. Thread-safe. */
struct db_pool;
struct db_pool *db_pool_new(const char *url);
void db_pool_free(struct db_pool *p);
/* This thread's connection (opened now if needed); not to be closed. */
int db_pool_get(struct db_pool *p, struct db **out, struct brug_err *err);
const char *db_pool_url(const struct db_pool *p);

#endif

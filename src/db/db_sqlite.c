/* SPDX-License-Identifier: Apache-2.0 */
/* The SQLite backend: WAL mode, a busy timeout, foreign keys on, and a
 * per-connection cache of prepared statements keyed by SQL text, so a
 * request's queries are parsed once per thread, not once per request.
 * Writers of one process queue on the file's gate (sqlite_gate.h) rather
 * than in SQLite's busy handler. Errors map to result codes here: UNIQUE ->
 * BRUG_ECONFLICT, BUSY -> BRUG_EUNAVAIL, FULL -> BRUG_ENOSPC (a full disk,
 * or the size limit db-max-mb sets); the SQLite message goes to the log,
 * never to a user. */
#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db_impl.h"
#include "db/sqlite_gate.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define CACHE_SIZE 96
#define BUSY_TIMEOUT_MS 5000

/* db-max-mb: the size limit of every connection opened from now on */
static _Atomic int64_t max_mb;

/* How long a connection waits for another's write lock: 5 s, or
 * BRUG_SQLITE_BUSY_MS (the valgrind test setup runs everything some fifty
 * times slower, so a lock is held longer than 5 s there). */
static int busy_timeout_ms(void)
{
	const char *s = getenv("BRUG_SQLITE_BUSY_MS");
	char *end = NULL;
	long v = s ? strtol(s, &end, 10) : 0;
	return s && *s && !*end && v > 0 && v <= 600000 ? (int)v : BUSY_TIMEOUT_MS;
}

struct lite_rows {
	struct db_rows base;
	struct lite *owner;
	sqlite3_stmt *stmt;
	struct lite_entry *entry; /* NULL: an uncached statement to finalize */
	bool gated;               /* a write outside a transaction: holds the gate */
};

struct lite_entry {
	uint64_t hash;
	char *sql;
	sqlite3_stmt *stmt;
	bool busy;
	struct lite_rows rows;
};

struct lite {
	struct db base;
	sqlite3 *h;
	struct lite_entry cache[CACHE_SIZE];
	size_t used;
	size_t evict; /* next slot to evict, round robin */
	bool in_tx;   /* SQLite has our BEGIN open */
	int lost;     /* the error on which SQLite ended that transaction itself, or 0 */
	struct sqlite_gate *gate; /* the file's writers' queue, or NULL */
	int busy_ms;              /* how long a writer waits for the lock */
	bool gated;               /* this connection's transaction holds the gate */
};

static const struct db_ops lite_ops;

static int map_error(struct lite *l, int code, const char *sql)
{
	int rc;
	switch (code & 0xff) {
	case SQLITE_CONSTRAINT:
		if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
			return BRUG_ECONFLICT; /* expected, not a database fault */
		rc = BRUG_EINVAL;
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		rc = BRUG_EUNAVAIL;
		break;
	case SQLITE_FULL:
		rc = BRUG_ENOSPC;
		break;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		rc = BRUG_EIO;
		break;
	case SQLITE_NOMEM:
		fprintf(stderr, "brug: sqlite out of memory\n");
		abort();
	default:
		rc = BRUG_EDB;
	}
	db_note_error();
	log_error("msg=\"sqlite error\" code=%d error=\"%s\" sql=\"%.120s\"", code,
		  l->h ? sqlite3_errmsg(l->h) : "?", sql ? sql : "");
	/* On some errors (a full disk, I/O) SQLite rolls the whole transaction
	 * back by itself. Every later statement would then commit on its own,
	 * so until the caller ends its transaction they are refused (see
	 * lite_query), and the outermost commit fails. */
	if (l->in_tx && !l->lost && l->h && sqlite3_get_autocommit(l->h)) {
		l->lost = rc;
		l->base.tx_failed = true;
	}
	return rc;
}

static uint64_t hash_sql(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int bind_args(struct lite *l, sqlite3_stmt *st, const char *sql, const struct db_arg *args,
		     size_t n)
{
	if ((int)n != sqlite3_bind_parameter_count(st)) {
		log_error("msg=\"wrong argument count\" want=%d got=%zu sql=\"%.120s\"",
			  sqlite3_bind_parameter_count(st), n, sql);
		return BRUG_EINTERNAL;
	}
	for (size_t i = 0; i < n; i++) {
		int c, k = (int)i + 1;
		switch (args[i].type) {
		case DBT_INT: c = sqlite3_bind_int64(st, k, args[i].v.i); break;
		case DBT_REAL: c = sqlite3_bind_double(st, k, args[i].v.d); break;
		case DBT_TEXT:
			c = sqlite3_bind_text64(st, k, args[i].v.s.p,
						args[i].v.s.n == SIZE_MAX ? strlen(args[i].v.s.p)
									  : args[i].v.s.n,
						SQLITE_TRANSIENT, SQLITE_UTF8);
			break;
		default: c = sqlite3_bind_null(st, k);
		}
		if (c != SQLITE_OK)
			return map_error(l, c, sql);
	}
	return 0;
}

/* Prepares exactly one statement. A text holding a second statement (which
 * sqlite3_prepare would silently leave unrun) or none at all is a
 * programming error, like a wrong argument count. */
static int prepare_one(struct lite *l, const char *sql, unsigned flags, sqlite3_stmt **out)
{
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	int c = sqlite3_prepare_v3(l->h, sql, -1, flags, &st, &tail);
	if (c != SQLITE_OK)
		return map_error(l, c, sql);
	/* only white space and comments may follow */
	if (st && tail && *tail) {
		sqlite3_stmt *extra = NULL;
		if (sqlite3_prepare_v2(l->h, tail, -1, &extra, NULL) != SQLITE_OK || extra) {
			sqlite3_finalize(extra);
			sqlite3_finalize(st);
			st = NULL;
		}
	}
	if (!st) {
		log_error("msg=\"not one SQL statement\" sql=\"%.120s\"", sql);
		return BRUG_EINTERNAL;
	}
	*out = st;
	return 0;
}

static struct lite_entry *cache_slot(struct lite *l, const char *sql, uint64_t h, int *rc)
{
	for (size_t i = 0; i < l->used; i++) {
		struct lite_entry *e = &l->cache[i];
		if (e->hash == h && strcmp(e->sql, sql) == 0)
			return e->busy ? NULL : e;
	}
	sqlite3_stmt *st = NULL;
	*rc = prepare_one(l, sql, SQLITE_PREPARE_PERSISTENT, &st);
	if (*rc)
		return NULL;
	struct lite_entry *e = NULL;
	if (l->used < CACHE_SIZE) {
		e = &l->cache[l->used++];
	} else {
		for (size_t tries = 0; tries < CACHE_SIZE && !e; tries++) {
			struct lite_entry *cand = &l->cache[l->evict];
			l->evict = (l->evict + 1) % CACHE_SIZE;
			if (!cand->busy)
				e = cand;
		}
		if (!e) {
			sqlite3_finalize(st);
			return NULL; /* every slot in use: caller prepares uncached */
		}
		sqlite3_finalize(e->stmt);
		free(e->sql);
	}
	e->hash = h;
	e->sql = xstrdup(sql);
	e->stmt = st;
	e->busy = false;
	return e;
}

static int lite_query(struct db *db, struct db_rows **out, const char *sql,
		      const struct db_arg *args, size_t n)
{
	struct lite *l = (struct lite *)db;
	int rc = 0;
	if (l->lost)
		return l->lost;
	struct lite_entry *e = cache_slot(l, sql, hash_sql(sql), &rc);
	if (rc)
		return rc;
	struct lite_rows *r;
	if (e) {
		r = &e->rows;
		r->stmt = e->stmt;
		r->entry = e;
		e->busy = true;
	} else {
		/* the same SQL is already being read (a nested loop): a
		 * statement of its own for this use */
		sqlite3_stmt *st = NULL;
		rc = prepare_one(l, sql, 0, &st);
		if (rc)
			return rc;
		r = xcalloc(1, sizeof(*r));
		r->stmt = st;
	}
	r->base.ops = &lite_ops;
	r->owner = l;
	if (l->base.snapshot && !sqlite3_stmt_readonly(r->stmt)) {
		/* a write outside db_begin during a read-only request: the
		 * snapshot's ROLLBACK would discard it, so the snapshot ends */
		log_warn("msg=\"write inside a read snapshot\" sql=\"%.80s\"", sql);
		db_read_end(&l->base);
	}
	/* a write on its own queues for the file like a transaction */
	r->gated = false;
	if (!l->in_tx && !l->gated && !sqlite3_stmt_readonly(r->stmt)) {
		int g = sqlite_gate_enter(l->gate, l->busy_ms);
		if (g < 0) {
			lite_ops.rows_free(&r->base);
			return map_error(l, SQLITE_BUSY, sql);
		}
		r->gated = g > 0;
	}
	rc = bind_args(l, r->stmt, sql, args, n);
	if (rc) {
		lite_ops.rows_free(&r->base);
		return rc;
	}
	*out = &r->base;
	return 0;
}

static int lite_next(struct db_rows *rows)
{
	struct lite_rows *r = (struct lite_rows *)rows;
	int c = sqlite3_step(r->stmt);
	if (c == SQLITE_ROW)
		return 1;
	if (c == SQLITE_DONE)
		return 0;
	return map_error(r->owner, sqlite3_extended_errcode(r->owner->h), sqlite3_sql(r->stmt));
}

static void lite_rows_free(struct db_rows *rows)
{
	struct lite_rows *r = (struct lite_rows *)rows;
	if (r->gated) {
		sqlite3_reset(r->stmt); /* ends the write before the next one enters */
		sqlite_gate_leave(r->owner->gate);
		r->gated = false;
	}
	if (r->entry) {
		sqlite3_reset(r->stmt);
		sqlite3_clear_bindings(r->stmt);
		r->entry->busy = false;
	} else {
		sqlite3_finalize(r->stmt);
		free(r);
	}
}

static int64_t lite_int(struct db_rows *r, int col)
{
	return sqlite3_column_int64(((struct lite_rows *)r)->stmt, col);
}

static double lite_real(struct db_rows *r, int col)
{
	return sqlite3_column_double(((struct lite_rows *)r)->stmt, col);
}

static const char *lite_text(struct db_rows *r, int col, size_t *len)
{
	sqlite3_stmt *st = ((struct lite_rows *)r)->stmt;
	const char *s = (const char *)sqlite3_column_text(st, col);
	if (len)
		*len = s ? (size_t)sqlite3_column_bytes(st, col) : 0;
	return s;
}

static bool lite_null(struct db_rows *r, int col)
{
	return sqlite3_column_type(((struct lite_rows *)r)->stmt, col) == SQLITE_NULL;
}

static enum db_type lite_type(struct db_rows *r, int col)
{
	switch (sqlite3_column_type(((struct lite_rows *)r)->stmt, col)) {
	case SQLITE_INTEGER: return DBT_INT;
	case SQLITE_FLOAT: return DBT_REAL;
	case SQLITE_NULL: return DBT_NULL;
	default: return DBT_TEXT;
	}
}

static int lite_columns(struct db_rows *r)
{
	return sqlite3_column_count(((struct lite_rows *)r)->stmt);
}

static const char *lite_column_name(struct db_rows *r, int col)
{
	return sqlite3_column_name(((struct lite_rows *)r)->stmt, col);
}

static int64_t lite_changes(struct db *db)
{
	return sqlite3_changes64(((struct lite *)db)->h);
}

/* Lets the next writer of the file in once no transaction is open. */
static void gate_check(struct lite *l)
{
	if (l->gated && !l->in_tx) {
		sqlite_gate_leave(l->gate);
		l->gated = false;
	}
}

static int lite_tx(struct db *db, const char *verb)
{
	struct lite *l = (struct lite *)db;
	bool begin = strcmp(verb, "BEGIN") == 0;
	l->lost = 0;
	if (!begin && sqlite3_get_autocommit(l->h)) {
		/* SQLite ended the transaction itself (see map_error): nothing
		 * is left to end, and nothing of it was committed */
		l->in_tx = false;
		gate_check(l);
		return strcmp(verb, "COMMIT") == 0 ? BRUG_ECONFLICT : 0;
	}
	if (begin && !l->gated) {
		int g = sqlite_gate_enter(l->gate, l->busy_ms);
		if (g < 0)
			return map_error(l, SQLITE_BUSY, "BEGIN IMMEDIATE");
		l->gated = g > 0;
	}
	int rc = db_exec(db, begin ? "BEGIN IMMEDIATE" : verb, DB_NOARGS);
	l->lost = 0;
	l->in_tx = !sqlite3_get_autocommit(l->h);
	gate_check(l);
	return rc;
}

static int lite_snapshot(struct db *db, const char *verb)
{
	/* BEGIN (deferred) takes the read locks at the first SELECT and holds
	 * them to the end; a rollback ends a read-only transaction as well as
	 * a commit does, and cannot fail for a writer's sake */
	return db_exec(db, strcmp(verb, "BEGIN") == 0 ? "BEGIN" : "ROLLBACK", DB_NOARGS);
}

static int lite_exec_script(struct db *db, const char *sql, struct brug_err *err)
{
	struct lite *l = (struct lite *)db;
	char *msg = NULL;
	int c = sqlite3_exec(l->h, sql, NULL, NULL, &msg);
	if (c == SQLITE_OK)
		return 0;
	int rc = map_error(l, sqlite3_extended_errcode(l->h), "(script)");
	brug_failf(err, rc, "error.database", NULL, "%s", msg ? msg : sqlite3_errstr(c));
	sqlite3_free(msg);
	return rc;
}

static int lite_backup(struct db *db, const char *path, struct brug_err *err)
{
	struct lite *l = (struct lite *)db;
	char tmp[4096];
	static _Atomic unsigned serial;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp-%d-%u", path, (int)getpid(),
			     atomic_fetch_add(&serial, 1)) >= sizeof(tmp))
		return brug_failf(err, BRUG_EINVAL, "error.bad_request", NULL, "path too long");
	sqlite3 *dst = NULL;
	int rc = 0;
	int c = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (c != SQLITE_OK) {
		rc = brug_failf(err, BRUG_EIO, "error.io", NULL, "cannot create %s: %s", tmp,
				sqlite3_errstr(c));
		goto out;
	}
	sqlite3_busy_timeout(dst, busy_timeout_ms());
	/* One step copies everything under one read transaction, so the copy
	 * is a consistent snapshot; WAL lets writers go on meanwhile. */
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", l->h, "main");
	if (!b) {
		rc = brug_failf(err, BRUG_EIO, "error.io", NULL, "backup: %s", sqlite3_errmsg(dst));
		goto out;
	}
	c = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (c != SQLITE_DONE) {
		rc = brug_failf(err, c == SQLITE_BUSY ? BRUG_EUNAVAIL : BRUG_EIO, "error.io", NULL,
				"backup: %s", sqlite3_errstr(c));
		goto out;
	}
	c = sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	if (c == SQLITE_OK && sqlite3_close(dst) == SQLITE_OK) {
		dst = NULL;
		if (rename(tmp, path) != 0)
			rc = brug_failf(err, BRUG_EIO, "error.io", NULL, "cannot rename to %s", path);
	} else {
		rc = brug_failf(err, BRUG_EIO, "error.io", NULL, "backup: cannot finish %s", tmp);
	}
out:
	if (dst)
		sqlite3_close(dst);
	if (rc)
		unlink(tmp);
	return rc;
}

static void lite_close(struct db *db)
{
	struct lite *l = (struct lite *)db;
	for (size_t i = 0; i < l->used; i++) {
		sqlite3_finalize(l->cache[i].stmt);
		free(l->cache[i].sql);
	}
	sqlite3_close(l->h);
	if (l->gated)
		sqlite_gate_leave(l->gate);
	sqlite_gate_put(l->gate);
	free(l);
}

static const struct db_ops lite_ops = {
	.name = "sqlite",
	/* AUTOINCREMENT: an id is never given out twice, even after the row
	 * with the highest one is deleted (as PostgreSQL's identity columns) */
	.id_type = "INTEGER PRIMARY KEY AUTOINCREMENT",
	.bytes_collation = "", /* BINARY, the default */
	.close = lite_close,
	.query = lite_query,
	.next = lite_next,
	.rows_free = lite_rows_free,
	.col_int = lite_int,
	.col_real = lite_real,
	.col_text = lite_text,
	.col_null = lite_null,
	.columns = lite_columns,
	.col_type = lite_type,
	.column_name = lite_column_name,
	.changes = lite_changes,
	.tx = lite_tx,
	.snapshot = lite_snapshot,
	.skip_locked = "",
	.exec_script = lite_exec_script,
	.backup = lite_backup,
};

static void lite_configure(void)
{
	/* Memory statistics take a process-wide mutex on every allocation,
	 * which the server's threads then queue on; brug never reads them. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

void db_set_max_mb(int64_t mb)
{
	atomic_store(&max_mb, mb > 0 ? mb : 0);
}

/* PRAGMA max_page_count is the connection's, not the file's: each
 * connection sets it. A limit below the present size is the present size
 * (SQLite's rule), so a full database stays readable, and writable within
 * its free pages. */
static int apply_max_size(sqlite3 *h)
{
	int64_t mb = atomic_load(&max_mb), page = 0;
	if (!mb)
		return SQLITE_OK;
	sqlite3_stmt *st = NULL;
	int c = sqlite3_prepare_v2(h, "PRAGMA page_size", -1, &st, NULL);
	if (c == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		page = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (page <= 0)
		return c == SQLITE_OK ? SQLITE_ERROR : c;
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld",
		 (long long)(mb * 1048576 / page));
	return sqlite3_exec(h, sql, NULL, NULL, NULL);
}

int db_sqlite_open(const char *path, struct db **out, struct brug_err *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, lite_configure);
	struct lite *l = xcalloc(1, sizeof(*l));
	l->base.ops = &lite_ops;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
		    SQLITE_OPEN_EXRESCODE;
	int c = sqlite3_open_v2(path, &l->h, flags, NULL);
	if (c != SQLITE_OK) {
		int rc = brug_failf(err, BRUG_EIO, "error.db_open", NULL, "cannot open %s: %s", path,
				    l->h ? sqlite3_errmsg(l->h) : sqlite3_errstr(c));
		sqlite3_close(l->h);
		free(l);
		return rc;
	}
	l->busy_ms = busy_timeout_ms();
	sqlite3_busy_timeout(l->h, l->busy_ms);
	sqlite3_extended_result_codes(l->h, 1);
	/* WAL: readers never block the writer. synchronous=NORMAL is durable
	 * against a crash of the process (the case that matters for a
	 * server); a power loss may lose the last commits, never consistency. */
	char *msg = NULL;
	c = sqlite3_exec(l->h,
			 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
			 "PRAGMA trusted_schema=OFF; PRAGMA temp_store=MEMORY;",
			 NULL, NULL, &msg);
	if (c == SQLITE_OK)
		c = apply_max_size(l->h);
	if (c != SQLITE_OK) {
		int rc = brug_failf(err, c == SQLITE_NOTADB ? BRUG_EINVAL : BRUG_EIO, "error.db_open",
				    NULL, "cannot use %s: %s", path, msg ? msg : sqlite3_errstr(c));
		sqlite3_free(msg);
		sqlite3_close(l->h);
		free(l);
		return rc;
	}
	l->gate = sqlite_gate_get(sqlite3_db_filename(l->h, "main"));
	*out = &l->base;
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The PostgreSQL backend (libpq): the same SQL texts as SQLite, with `?`
 * placeholders rewritten to $1..$n once per statement and kept as server-side
 * prepared statements per connection, keyed by SQL text and argument types.
 * Arguments go as text with explicit types, so `? IS NULL` is typed too.
 * Connection settings bound every wait: connect_timeout, TCP keepalives and
 * tcp_user_timeout, and a statement_timeout. A lost connection is reset on
 * the next use outside a transaction; until the server is back, queries fail
 * with BRUG_EUNAVAIL (503), never hang or crash. */
#include <libpq-fe.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db/db_impl.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define PG_CACHE 256
#define OID_BOOL 16
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_OID 26
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700

struct pg_stmt {
	uint64_t hash;
	char *sql;   /* the original text, with `?` */
	char *types; /* one letter per argument */
	char name[24];
};

struct pg {
	struct db base;
	PGconn *c;
	struct pg_stmt cache[PG_CACHE];
	size_t used;
	size_t evict;
	unsigned long serial;
	int64_t changes;
	int64_t retry_at; /* monotonic ms: no reconnect attempt before this */
};

struct pg_rows {
	struct db_rows base;
	PGresult *res;
	int row;
	int nrows;
};

static const struct db_ops pg_ops;

/* SQLSTATE classes -> result codes; the server's message goes to the log. */
static int map_error(struct pg *p, const PGresult *res, const char *sql)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	int rc = BRUG_EDB;
	if (!state || PQstatus(p->c) == CONNECTION_BAD || !strncmp(state, "08", 2) ||
	    !strncmp(state, "57P", 3))
		rc = BRUG_EUNAVAIL;
	else if (!strcmp(state, "23505"))
		return BRUG_ECONFLICT; /* expected: a duplicate, not a fault */
	else if (!strncmp(state, "23", 2))
		rc = BRUG_EINVAL;
	else if (!strcmp(state, "53100"))
		rc = BRUG_ENOSPC;
	else if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03") ||
		 !strcmp(state, "57014") || !strncmp(state, "53", 2))
		rc = BRUG_EUNAVAIL;
	db_note_error();
	char msg[300];
	snprintf(msg, sizeof(msg), "%s", res ? PQresultErrorMessage(res) : PQerrorMessage(p->c));
	msg[strcspn(msg, "\n")] = '\0';
	log_error("msg=\"postgres error\" sqlstate=%s error=\"%s\" sql=\"%.120s\"", state ? state : "-",
		  msg, sql ? sql : "");
	return rc;
}

/* Rewrites `?` to $1..$n outside string literals, quoted names and
 * comments. The caller frees. */
static char *rewrite(const char *sql, int *count)
{
	struct buf b;
	buf_init(&b, 0);
	int n = 0;
	for (const char *s = sql; *s; s++) {
		char c = *s;
		if (c == '\'' || c == '"') {
			const char *end = strchr(s + 1, c);
			while (end && end[1] == c) /* doubled quote inside */
				end = strchr(end + 2, c);
			size_t len = end ? (size_t)(end - s) + 1 : strlen(s);
			buf_add(&b, s, len);
			s += len - 1;
		} else if (c == '-' && s[1] == '-') {
			size_t len = strcspn(s, "\n");
			buf_add(&b, s, len);
			s += len - (s[len] ? 0 : 1);
			if (!s[1])
				break;
		} else if (c == '?') {
			buf_printf(&b, "$%d", ++n);
		} else {
			buf_addc(&b, c);
		}
	}
	*count = n;
	return buf_take(&b, NULL);
}

static uint64_t hash_text(const char *s, uint64_t h)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static char type_char(const struct db_arg *a)
{
	enum db_type t = a->type == DBT_NULL ? a->null_as : a->type;
	return t == DBT_INT ? 'i' : t == DBT_REAL ? 'r' : t == DBT_TEXT ? 't' : 'u';
}

/* 'u': a NULL of no stated type, which the server types from its context */
static unsigned oid_of(char t)
{
	return t == 'i' ? OID_INT8 : t == 'r' ? OID_FLOAT8 : t == 't' ? OID_TEXT : 0;
}

/* "NAME=value", malloc'd. */
static char *env_pair(const char *name, const char *value)
{
	size_t a = strlen(name), b = strlen(value);
	char *s = xmalloc(a + b + 2);
	memcpy(s, name, a);
	s[a] = '=';
	memcpy(s + a + 1, value, b + 1);
	return s;
}

static void forget_statements(struct pg *p)
{
	for (size_t i = 0; i < p->used; i++) {
		free(p->cache[i].sql);
		free(p->cache[i].types);
	}
	p->used = 0;
	p->evict = 0;
}

/* The prepared statement for sql with these argument types, prepared now
 * when new. NULL with *rc set on failure. */
static struct pg_stmt *statement(struct pg *p, const char *sql, const struct db_arg *args,
				 size_t n, int *rc)
{
	char types[DB_ARGS_MAX + 1];
	if (n > DB_ARGS_MAX) {
		*rc = BRUG_EINTERNAL;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		types[i] = type_char(&args[i]);
	types[n] = '\0';
	uint64_t h = hash_text(types, hash_text(sql, 1469598103934665603ull));
	for (size_t i = 0; i < p->used; i++)
		if (p->cache[i].sql && p->cache[i].hash == h && !strcmp(p->cache[i].types, types) &&
		    !strcmp(p->cache[i].sql, sql))
			return &p->cache[i];
	struct pg_stmt *st;
	bool appended = p->used < PG_CACHE;
	if (appended) {
		st = &p->cache[p->used++];
	} else {
		st = &p->cache[p->evict];
		p->evict = (p->evict + 1) % PG_CACHE;
		char dealloc[48];
		snprintf(dealloc, sizeof(dealloc), "DEALLOCATE %s", st->name);
		PQclear(PQexec(p->c, dealloc));
		free(st->sql);
		free(st->types);
	}
	int count = 0;
	char *text = rewrite(sql, &count);
	unsigned oids[DB_ARGS_MAX];
	for (size_t i = 0; i < n; i++)
		oids[i] = oid_of(types[i]);
	memset(st, 0, sizeof(*st));
	snprintf(st->name, sizeof(st->name), "b%lu", ++p->serial);
	PGresult *res = PQprepare(p->c, st->name, text, (int)n, oids);
	free(text);
	if (PQresultStatus(res) != PGRES_COMMAND_OK || count != (int)n) {
		*rc = count != (int)n ? BRUG_EINTERNAL : map_error(p, res, sql);
		if (count != (int)n)
			log_error("msg=\"wrong argument count\" want=%d got=%zu sql=\"%.120s\"", count, n, sql);
		PQclear(res);
		if (appended)
			p->used--; /* the slot stays free */
		else
			memset(st, 0, sizeof(*st)); /* an evicted slot: empty, never matches */
		return NULL;
	}
	PQclear(res);
	st->hash = h;
	st->sql = xstrdup(sql);
	st->types = xstrdup(types);
	return st;
}

/* Before a query outside a transaction: a lost connection is reset. */
/* Before a query outside a transaction: a lost connection is reset. While
 * the server stays away, one attempt a second: the requests in between fail
 * at once with BRUG_EUNAVAIL (503) rather than each waiting for a connect
 * timeout. */
static void revive(struct pg *p)
{
	if (PQstatus(p->c) == CONNECTION_OK || p->base.tx_depth > 0)
		return;
	int64_t now = clock_mono_ns() / 1000000;
	if (now < p->retry_at)
		return;
	PQreset(p->c);
	forget_statements(p);
	if (PQstatus(p->c) == CONNECTION_OK) {
		PQclear(PQexec(p->c, "SET client_min_messages = warning"));
		log_info("msg=\"postgres connection restored\"");
		p->retry_at = 0;
	} else {
		p->retry_at = now + 1000;
	}
}

/* A connection can die unnoticed (the server restarted): the next
 * statement finds out. Outside a transaction, a read (or BEGIN, which has
 * done nothing yet) is then tried once more on a fresh connection; a write
 * is not, as it may have been done before the answer was lost. */
static bool worth_retrying(struct pg *p, const char *sql)
{
	return PQstatus(p->c) == CONNECTION_BAD && p->base.tx_depth == 0 &&
	       (!strncmp(sql, "SELECT", 6) || !strcmp(sql, "BEGIN"));
}

static int run_query(struct pg *p, struct db_rows **out, const char *sql, const struct db_arg *args,
		     size_t n)
{
	int rc = 0;
	struct pg_stmt *st = statement(p, sql, args, n, &rc);
	if (!st)
		return rc;
	/* numbers are written out as text; on the stack for the usual few */
	const char *values_s[32];
	char nums_s[32][32];
	char *copies_s[32];
	const char **values = values_s;
	char(*nums)[32] = nums_s;
	char **copies = copies_s;
	if (n > 32) {
		values = xcalloc(n, sizeof(*values));
		nums = xcalloc(n, sizeof(*nums));
		copies = xcalloc(n, sizeof(*copies));
	}
	size_t ncopies = 0;
	for (size_t i = 0; i < n; i++) {
		const struct db_arg *a = &args[i];
		switch (a->type) {
		case DBT_INT:
			snprintf(nums[i], sizeof(nums[i]), "%lld", (long long)a->v.i);
			values[i] = nums[i];
			break;
		case DBT_REAL:
			snprintf(nums[i], sizeof(nums[i]), "%.17g", a->v.d);
			values[i] = nums[i];
			break;
		case DBT_TEXT:
			if (a->v.s.n == SIZE_MAX) {
				values[i] = a->v.s.p;
			} else {
				copies[ncopies] = xstrndup(a->v.s.p, a->v.s.n);
				values[i] = copies[ncopies++];
			}
			break;
		default:
			values[i] = NULL;
		}
	}
	PGresult *res = PQexecPrepared(p->c, st->name, (int)n, values, NULL, NULL, 0);
	for (size_t i = 0; i < ncopies; i++)
		free(copies[i]);
	if (n > 32) {
		free(values);
		free(nums);
		free(copies);
	}
	ExecStatusType s = PQresultStatus(res);
	if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
		rc = map_error(p, res, sql);
		PQclear(res);
		return rc;
	}
	const char *ct = PQcmdTuples(res);
	p->changes = ct && *ct ? strtoll(ct, NULL, 10) : 0;
	struct pg_rows *r = xcalloc(1, sizeof(*r));
	r->base.ops = &pg_ops;
	r->res = res;
	r->row = -1;
	r->nrows = PQntuples(res);
	*out = &r->base;
	return 0;
}

static int pg_query(struct db *db, struct db_rows **out, const char *sql, const struct db_arg *args,
		    size_t n)
{
	struct pg *p = (struct pg *)db;
	revive(p);
	int rc = run_query(p, out, sql, args, n);
	if (rc == BRUG_EUNAVAIL && worth_retrying(p, sql)) {
		p->retry_at = 0;
		revive(p);
		rc = run_query(p, out, sql, args, n);
	}
	return rc;
}

static int pg_next(struct db_rows *rows)
{
	struct pg_rows *r = (struct pg_rows *)rows;
	if (r->row + 1 >= r->nrows)
		return 0;
	r->row++;
	return 1;
}

static void pg_rows_free(struct db_rows *rows)
{
	struct pg_rows *r = (struct pg_rows *)rows;
	PQclear(r->res);
	free(r);
}

static bool pg_null(struct db_rows *rows, int col)
{
	struct pg_rows *r = (struct pg_rows *)rows;
	return r->row < 0 || PQgetisnull(r->res, r->row, col);
}

static int64_t pg_int(struct db_rows *rows, int col)
{
	struct pg_rows *r = (struct pg_rows *)rows;
	if (pg_null(rows, col))
		return 0;
	const char *v = PQgetvalue(r->res, r->row, col);
	if (PQftype(r->res, col) == OID_BOOL)
		return v[0] == 't';
	return strtoll(v, NULL, 10);
}

static double pg_real(struct db_rows *rows, int col)
{
	struct pg_rows *r = (struct pg_rows *)rows;
	return pg_null(rows, col) ? 0.0 : strtod(PQgetvalue(r->res, r->row, col), NULL);
}

static const char *pg_text(struct db_rows *rows, int col, size_t *len)
{
	struct pg_rows *r = (struct pg_rows *)rows;
	if (pg_null(rows, col)) {
		if (len)
			*len = 0;
		return NULL;
	}
	if (len)
		*len = (size_t)PQgetlength(r->res, r->row, col);
	return PQgetvalue(r->res, r->row, col);
}

static enum db_type pg_type(struct db_rows *rows, int col)
{
	struct pg_rows *r = (struct pg_rows *)rows;
	if (pg_null(rows, col))
		return DBT_NULL;
	switch (PQftype(r->res, col)) {
	case OID_BOOL:
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_OID:
		return DBT_INT;
	case OID_FLOAT4:
	case OID_FLOAT8:
	case OID_NUMERIC:
		return DBT_REAL;
	default:
		return DBT_TEXT;
	}
}

static int pg_columns(struct db_rows *rows)
{
	return PQnfields(((struct pg_rows *)rows)->res);
}

static const char *pg_column_name(struct db_rows *rows, int col)
{
	return PQfname(((struct pg_rows *)rows)->res, col);
}

static int64_t pg_changes(struct db *db)
{
	return ((struct pg *)db)->changes;
}

static int simple(struct pg *p, const char *sql, struct brug_err *err)
{
	PGresult *res = PQexec(p->c, sql);
	ExecStatusType s = PQresultStatus(res);
	int rc = 0;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		rc = map_error(p, res, sql);
		char msg[200];
		snprintf(msg, sizeof(msg), "%s", PQresultErrorMessage(res));
		msg[strcspn(msg, "\n")] = '\0';
		brug_failf(err, rc, "error.database", NULL, "%s", msg);
	}
	PQclear(res);
	return rc;
}

static int pg_tx(struct db *db, const char *verb)
{
	struct pg *p = (struct pg *)db;
	if (strcmp(verb, "BEGIN") != 0)
		return simple(p, verb, NULL);
	/* db_begin counts the transaction before it starts it: nothing has
	 * been done in it yet, so a dead connection may be replaced */
	int depth = p->base.tx_depth;
	p->base.tx_depth = 0;
	revive(p);
	int rc = simple(p, verb, NULL);
	if (rc == BRUG_EUNAVAIL && worth_retrying(p, verb)) {
		p->retry_at = 0;
		revive(p);
		rc = simple(p, verb, NULL);
	}
	p->base.tx_depth = depth;
	return rc;
}

static int pg_exec_script(struct db *db, const char *sql, struct brug_err *err)
{
	struct pg *p = (struct pg *)db;
	revive(p);
	return simple(p, sql, err);
}

static int pg_lock(struct db *db, const char *name)
{
	/* a transaction-scoped advisory lock: released at commit or rollback */
	int64_t key = (int64_t)(hash_text(name, 1469598103934665603ull) >> 1);
	struct db_rows *r = NULL;
	int rc = pg_query(db, &r, "SELECT pg_advisory_xact_lock(?)", DB_ARGS(DB_I(key)));
	db_rows_free(r);
	return rc;
}

/* A consistent copy with pg_dump (custom format, restorable with
 * pg_restore), which reads one snapshot while others keep writing. Every
 * parameter of this connection (host, port, user, database, password, and
 * the TLS settings: sslmode, sslrootcert, ...) is handed over through its
 * PG* environment variable, so pg_dump connects exactly as brug does and no
 * password shows in the process list. */
static int pg_backup(struct db *db, const char *path, struct brug_err *err)
{
	struct pg *p = (struct pg *)db;
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp-%d", path, (int)getpid()) >= sizeof(tmp))
		return brug_failf(err, BRUG_EINVAL, "error.bad_request", NULL, "path too long");
	PQconninfoOption *info = PQconninfo(p->c);
	if (!info)
		return brug_failf(err, BRUG_EIO, "error.io", NULL, "cannot read the connection settings");
	char *envp[64];
	size_t n = 0;
	for (PQconninfoOption *o = info; o->keyword && n < 62; o++)
		if (o->envvar && o->val && *o->val)
			envp[n++] = env_pair(o->envvar, o->val);
	envp[n++] = xstrdup("PGCONNECT_TIMEOUT=10");
	envp[n] = NULL;
	PQconninfoFree(info);
	char *argv[] = {"pg_dump", "--format=custom", "--no-owner", "--file", tmp, NULL};
	pid_t pid;
	int status = 0, rc = 0;
	if (posix_spawnp(&pid, "pg_dump", NULL, NULL, argv, envp) != 0)
		rc = brug_failf(err, BRUG_EIO, "error.io", NULL,
				"cannot run pg_dump (install postgresql-client)");
	else if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		rc = brug_failf(err, BRUG_EIO, "error.io", NULL, "pg_dump failed (exit %d)",
				WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	else if (rename(tmp, path) != 0)
		rc = brug_failf(err, BRUG_EIO, "error.io", NULL, "cannot rename to %s", path);
	for (size_t i = 0; i < n; i++)
		free(envp[i]);
	if (rc)
		unlink(tmp);
	return rc;
}

static void pg_close(struct db *db)
{
	struct pg *p = (struct pg *)db;
	forget_statements(p);
	PQfinish(p->c);
	free(p);
}

static const struct db_ops pg_ops = {
	.name = "postgres",
	.id_type = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
	.bytes_collation = "COLLATE \"C\"",
	.close = pg_close,
	.query = pg_query,
	.next = pg_next,
	.rows_free = pg_rows_free,
	.col_int = pg_int,
	.col_real = pg_real,
	.col_text = pg_text,
	.col_null = pg_null,
	.columns = pg_columns,
	.col_type = pg_type,
	.column_name = pg_column_name,
	.changes = pg_changes,
	.tx = pg_tx,
	.exec_script = pg_exec_script,
	.backup = pg_backup,
	.lock = pg_lock,
	.skip_locked = " FOR UPDATE SKIP LOCKED",
};

int db_pg_open(const char *url, struct db **out, struct brug_err *err)
{
	/* a URL that cannot be read is a configuration error, not an outage */
	char *why = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &why);
	if (!opts) {
		char msg[300];
		snprintf(msg, sizeof(msg), "%s", why ? why : "out of memory");
		msg[strcspn(msg, "\n")] = '\0';
		PQfreemem(why);
		return brug_failf(err, BRUG_EINVAL, "error.db_url", NULL,
				  "invalid PostgreSQL URL: %s", msg);
	}
	PQconninfoFree(opts);
	/* Defaults first: values in the URL, which come after, win. */
	const char *keys[] = {"connect_timeout", "keepalives_idle", "keepalives_interval",
			      "keepalives_count", "tcp_user_timeout", "application_name",
			      "options", "dbname", NULL};
	const char *vals[] = {"5", "10", "5", "3", "15000", "brug",
			      "-c statement_timeout=30000 -c lock_timeout=10000", url, NULL};
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	if (!c || PQstatus(c) != CONNECTION_OK) {
		char msg[300];
		snprintf(msg, sizeof(msg), "%s", c ? PQerrorMessage(c) : "out of memory");
		msg[strcspn(msg, "\n")] = '\0';
		PQfinish(c);
		return brug_failf(err, BRUG_EUNAVAIL, "error.db_open", NULL,
				  "cannot connect to PostgreSQL: %s", msg);
	}
	struct pg *p = xcalloc(1, sizeof(*p));
	p->base.ops = &pg_ops;
	p->c = c;
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	*out = &p->base;
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The write baseline for SQLite: the fastest way to do what brug does for
 * POST /api/v1/teams, with nothing of brug around it. K threads, each with
 * its own connection set up as src/db/db_sqlite.c sets up brug's (WAL,
 * synchronous=NORMAL, foreign keys on, a 5 s busy timeout, no memory
 * statistics, statements prepared once), each running
 *   BEGIN IMMEDIATE; INSERT a row RETURNING id; INSERT an audit row; COMMIT
 * into scratch tables shaped like brug's teams and audit_log (same columns,
 * indexes and foreign key), as fast as it can. bench/run.sh measures it in
 * the same run as brug's write row; the ratio between the two is what
 * brug's own code (HTTP, authentication, validation, the JSON answer)
 * costs on top of the two-row transaction.
 *
 *   bench_sqlite_insert [-t THREADS] [-d SECONDS | -n TRANSACTIONS] FILE
 *
 * Depends on SQLite only; shares no code with brug on purpose. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "txloop.h"

#define BUSY_TIMEOUT_MS 5000 /* as src/db/db_sqlite.c */

/* teams and audit_log of sql/0001_foundation.sql, @ID@ as on SQLite */
static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"CREATE TABLE IF NOT EXISTS scratch_orgs (org_id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
	"INSERT OR IGNORE INTO scratch_orgs VALUES (1, 'Bench');"
	"CREATE TABLE IF NOT EXISTS scratch_items ("
	" id INTEGER PRIMARY KEY,"
	" org_id BIGINT NOT NULL REFERENCES scratch_orgs (org_id),"
	" name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',"
	" created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
	"CREATE UNIQUE INDEX IF NOT EXISTS scratch_items_org_name"
	" ON scratch_items (org_id, lower(name));"
	"CREATE TABLE IF NOT EXISTS scratch_audit ("
	" id INTEGER PRIMARY KEY, org_id BIGINT NOT NULL, at BIGINT NOT NULL,"
	" actor_id BIGINT, actor TEXT NOT NULL, action TEXT NOT NULL,"
	" object_type TEXT NOT NULL, object_id BIGINT,"
	" details TEXT NOT NULL DEFAULT '{}', ip TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX IF NOT EXISTS scratch_audit_org ON scratch_audit (org_id, id);"
	"CREATE INDEX IF NOT EXISTS scratch_audit_object"
	" ON scratch_audit (org_id, object_type, object_id);";

enum { BEGIN, ITEM, AUDIT, COMMIT, ROLLBACK, NSTMT };
static const char *const sql[NSTMT] = {
	[BEGIN] = "BEGIN IMMEDIATE",
	[ITEM] = "INSERT INTO scratch_items (org_id, name, description, created_at, updated_at)"
		 " VALUES (?, ?, ?, ?, ?) RETURNING id",
	[AUDIT] = "INSERT INTO scratch_audit (org_id, at, actor_id, actor, action, object_type,"
		  " object_id, details, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[COMMIT] = "COMMIT",
	[ROLLBACK] = "ROLLBACK",
};

struct conn {
	sqlite3 *h;
	sqlite3_stmt *st[NSTMT];
};

static const char description[] = "Written by bench_sqlite_insert";

static sqlite3 *open_db(const char *path, char *err, size_t n)
{
	sqlite3 *h = NULL;
	int c = sqlite3_open_v2(path, &h,
				SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
					SQLITE_OPEN_EXRESCODE,
				NULL);
	if (c == SQLITE_OK) {
		sqlite3_busy_timeout(h, BUSY_TIMEOUT_MS);
		c = sqlite3_exec(h,
				 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
				 " PRAGMA foreign_keys=ON; PRAGMA trusted_schema=OFF;"
				 " PRAGMA temp_store=MEMORY;",
				 NULL, NULL, NULL);
	}
	if (c != SQLITE_OK) {
		snprintf(err, n, "%s: %s", path, h ? sqlite3_errmsg(h) : sqlite3_errstr(c));
		sqlite3_close(h);
		return NULL;
	}
	return h;
}

static int setup(const char *path, char *err, size_t n)
{
	/* as brug: no process-wide lock on every allocation */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3 *h = open_db(path, err, n);
	if (!h)
		return -1;
	char *msg = NULL;
	int c = sqlite3_exec(h, schema, NULL, NULL, &msg);
	if (c != SQLITE_OK)
		snprintf(err, n, "%s", msg ? msg : sqlite3_errstr(c));
	sqlite3_free(msg);
	sqlite3_close(h);
	return c == SQLITE_OK ? 0 : -1;
}

static void conn_close(void *p)
{
	struct conn *k = p;
	for (int i = 0; i < NSTMT; i++)
		sqlite3_finalize(k->st[i]);
	sqlite3_close(k->h);
	free(k);
}

static void *conn_open(const char *path, unsigned i, char *err, size_t n)
{
	(void)i;
	struct conn *k = calloc(1, sizeof(*k));
	if (!k || !(k->h = open_db(path, err, n))) {
		free(k);
		return NULL;
	}
	for (int s = 0; s < NSTMT; s++) {
		if (sqlite3_prepare_v3(k->h, sql[s], -1, SQLITE_PREPARE_PERSISTENT, &k->st[s],
				       NULL) != SQLITE_OK) {
			snprintf(err, n, "%s: %s", sql[s], sqlite3_errmsg(k->h));
			conn_close(k);
			return NULL;
		}
	}
	return k;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs statement s to its end; the id of a RETURNING row into *id. */
static int step(struct conn *k, int s, sqlite3_int64 *id)
{
	sqlite3_stmt *st = k->st[s];
	int c;
	while ((c = sqlite3_step(st)) == SQLITE_ROW)
		if (id)
			*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return c == SQLITE_DONE ? 0 : c;
}

static int tx(void *p, const char *name, char *err, size_t n)
{
	struct conn *k = p;
	char details[256];
	sqlite3_int64 id = 0;
	int64_t now = now_ms();
	int c = step(k, BEGIN, NULL);
	if (c)
		goto fail;
	sqlite3_stmt *st = k->st[ITEM];
	sqlite3_bind_int64(st, 1, 1);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, description, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now);
	if ((c = step(k, ITEM, &id)))
		goto fail;
	snprintf(details, sizeof(details), "{\"name\":\"%s\",\"description\":\"%s\"}", name,
		 description);
	st = k->st[AUDIT];
	sqlite3_bind_int64(st, 1, 1);
	sqlite3_bind_int64(st, 2, now_ms());
	sqlite3_bind_int64(st, 3, 1);
	sqlite3_bind_text(st, 4, "Bench Admin", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, "team.create", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, "team", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, id);
	sqlite3_bind_text(st, 8, details, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, "127.0.0.1", -1, SQLITE_STATIC);
	if ((c = step(k, AUDIT, NULL)) || (c = step(k, COMMIT, NULL)))
		goto fail;
	return 0;
fail:
	snprintf(err, n, "%s", sqlite3_errmsg(k->h));
	if (!sqlite3_get_autocommit(k->h))
		step(k, ROLLBACK, NULL);
	return -1;
}

int main(int argc, char **argv)
{
	static const struct txloop_ops ops = {
		.name = "sqlite_insert",
		.setup = setup,
		.open = conn_open,
		.tx = tx,
		.close = conn_close,
	};
	return txloop_main(argc, argv, &ops);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Applies the embedded sql/NNNN_name.sql files in order; see migrate.h.
 * Backend differences in DDL are limited to @ID@ (an auto-assigned key),
 * @BYTES@ (byte-order text comparison) and @CLUSTERED@ (after a table's
 * closing parenthesis: the rows are stored in their primary key's B-tree,
 * WITHOUT ROWID on SQLite; PostgreSQL has no such tables and ignores it),
 * replaced here. */
#include "db/migrate.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/clock.h"
#include "util/embedded.h"
#include "util/log.h"

static int version_of(const char *name)
{
	/* "sql/0001_foundation.sql" -> 1 */
	const char *p = name + 4;
	int v = 0;
	for (int i = 0; i < 4; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return p[4] == '_' ? v : -1;
}

int migrate_latest(void)
{
	int latest = 0;
	for (size_t i = embedded_first("sql/"); i < embedded_count; i++) {
		if (strncmp(embedded_files[i].name, "sql/", 4) != 0)
			break;
		int v = version_of(embedded_files[i].name);
		if (v > latest)
			latest = v;
	}
	return latest;
}

/* Whether schema_migrations exists, read without taking the write lock. */
static int has_table(struct db *db, bool *yes)
{
	const char *sql = strcmp(db_backend(db), "sqlite")
				  ? "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE tablename ="
				    " 'schema_migrations' AND schemaname = current_schema()"
				  : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
				    " AND name = 'schema_migrations'";
	int64_t n = 0;
	int rc = db_int_query(db, &n, sql, DB_NOARGS);
	if (!rc)
		*yes = n > 0;
	return rc;
}

static int ensure_table(struct db *db, struct brug_err *err)
{
	/* under the lock: two processes starting at once must not both create
	 * it (PostgreSQL's IF NOT EXISTS is not safe against a concurrent twin) */
	int rc = db_begin(db);
	if (!rc)
		rc = db_lock(db, "brug.migrate");
	if (!rc)
		rc = db_exec_script(db,
				    "CREATE TABLE IF NOT EXISTS schema_migrations ("
				    " version BIGINT PRIMARY KEY, name TEXT NOT NULL,"
				    " applied_at BIGINT NOT NULL)",
				    err);
	return rc == BRUG_EINTERNAL ? rc : db_finish(db, rc);
}

int migrate_current(struct db *db, int *version, struct brug_err *err)
{
	/* Only a new database needs the write lock here: every start of every
	 * process comes this way, and must not wait for (or fail on) another
	 * process's long write, such as brug demo or an import. */
	bool exists = false;
	int rc = has_table(db, &exists);
	if (!rc && !exists)
		rc = ensure_table(db, err);
	int64_t v = 0;
	if (!rc)
		rc = db_int_query(db, &v, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
				  DB_NOARGS);
	if (rc == BRUG_EUNAVAIL)
		return brug_failf(err, rc, "error.unavailable", NULL,
				  "the database is busy (another process holds its write lock"
				  " too long): try again");
	if (rc)
		return brug_failf(err, rc, "error.database", NULL, "cannot read schema version");
	*version = (int)v;
	return 0;
}

static int apply(struct db *db, const struct embedded_file *f, int version, struct brug_err *err)
{
	struct buf sql;
	buf_init(&sql, 0);
	int rc = db_begin(db);
	if (rc)
		goto out;
	if ((rc = db_lock(db, "brug.migrate")))
		goto done;
	int64_t have = 0;
	rc = db_int_query(db, &have, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
			  DB_NOARGS);
	if (rc || have >= version)
		goto done; /* another process got here first */
	/* a migration may rewrite a large table (0004 copies search_terms):
	 * the connection's statement_timeout is for requests, not for this */
	if (!strcmp(db_backend(db), "postgres") &&
	    (rc = db_exec_script(db, "SET LOCAL statement_timeout = 0", err)))
		goto done;
	const char *s = (const char *)f->data, *m;
	while ((m = strchr(s, '@'))) {
		buf_add(&sql, s, (size_t)(m - s));
		if (!strncmp(m, "@ID@", 4)) {
			buf_adds(&sql, db_dialect_id(db));
			s = m + 4;
		} else if (!strncmp(m, "@BYTES@", 7)) {
			buf_adds(&sql, db_dialect_bytes(db));
			s = m + 7;
		} else if (!strncmp(m, "@CLUSTERED@", 11)) {
			buf_adds(&sql, strcmp(db_backend(db), "sqlite") ? "" : " WITHOUT ROWID");
			s = m + 11;
		} else {
			buf_add(&sql, "@", 1);
			s = m + 1;
		}
	}
	buf_adds(&sql, s);
	rc = db_exec_script(db, buf_str(&sql), err);
	if (!rc)
		rc = db_exec(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
			     DB_ARGS(DB_I(version), DB_T(f->name + 4), DB_I(clock_now_ms())));
	if (!rc)
		log_info("msg=\"migration applied\" version=%d name=%s", version, f->name + 4);
done:
	rc = db_finish(db, rc);
out:
	buf_cleanup(&sql);
	if (rc == BRUG_EUNAVAIL && err && !err->detail[0])
		brug_failf(err, rc, "error.unavailable", NULL,
			   "migration %s: the database is busy (another process holds its write"
			   " lock too long): try again",
			   f->name);
	if (rc && err && !err->detail[0])
		brug_failf(err, rc, "error.database", NULL, "migration %s failed", f->name);
	return rc;
}

int migrate_up(struct db *db, int *applied, struct brug_err *err)
{
	int current = 0, count = 0;
	int rc = migrate_current(db, &current, err);
	if (rc)
		return rc;
	if (current > migrate_latest())
		return brug_failf(err, BRUG_ECONFLICT, "error.schema_newer", NULL,
				  "the database schema (version %d) is newer than this brug "
				  "(version %d): upgrade brug",
				  current, migrate_latest());
	for (size_t i = embedded_first("sql/"); i < embedded_count && !rc; i++) {
		const struct embedded_file *f = &embedded_files[i];
		if (strncmp(f->name, "sql/", 4) != 0)
			break;
		int v = version_of(f->name);
		if (v <= current)
			continue;
		rc = apply(db, f, v, err);
		if (!rc)
			count++;
	}
	if (applied)
		*applied = count;
	return rc;
}

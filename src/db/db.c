/* SPDX-License-Identifier: Apache-2.0 */
/* The backend-neutral half of the storage layer: URL dispatch, nested
 * transactions, convenience queries and the per-thread connection pool. */
#include "db/db_impl.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "util/jx.h"
#include "util/log.h"
#include "util/xmalloc.h"

static _Atomic uint64_t errors;

void db_note_error(void)
{
	atomic_fetch_add(&errors, 1);
}

uint64_t db_error_count(void)
{
	return atomic_load(&errors);
}

int db_open(const char *url, struct db **out, struct brug_err *err)
{
	if (!url || !*url)
		return brug_failf(err, BRUG_EINVAL, "error.db_url", NULL, "empty database URL");
	if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
		return db_pg_open(url, out, err);
	const char *path = url;
	if (strncmp(url, "sqlite:", 7) == 0) {
		path = url + 7;
		if (strncmp(path, "//", 2) == 0)
			path += 2; /* sqlite:///abs/path */
	} else if (strstr(url, "://")) {
		return brug_failf(err, BRUG_EINVAL, "error.db_url", NULL,
				  "unsupported database URL: %s (use sqlite:PATH, a path, or postgres://...)", url);
	}
	if (!*path)
		return brug_failf(err, BRUG_EINVAL, "error.db_url", NULL, "no path in %s", url);
	return db_sqlite_open(path, out, err);
}

void db_url_redact(const char *url, char *out, size_t n)
{
	snprintf(out, n, "%s", url ? url : "");
	char *scheme = strstr(out, "://");
	if (!scheme)
		return;
	char *auth = scheme + 3, *at = strchr(auth, '@'), *slash = strchr(auth, '/');
	char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon && (!slash || at < slash)) {
		char rest[1024];
		snprintf(rest, sizeof(rest), "%s", at);
		snprintf(colon, n - (size_t)(colon - out), ":***%s", rest);
	}
	char *pw = strstr(out, "password=");
	if (pw && (pw[-1] == '?' || pw[-1] == '&')) {
		char *end = pw + 9 + strcspn(pw + 9, "&");
		char rest[1024];
		snprintf(rest, sizeof(rest), "%s", end);
		snprintf(pw + 9, n - (size_t)(pw + 9 - out), "***%s", rest);
	}
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < DB_MEMO_SLOTS; i++)
		db_memo_set(db, (enum db_memo_slot)i, NULL, NULL);
	db->ops->close(db);
}

void *db_memo(struct db *db, enum db_memo_slot slot)
{
	return db->memo[slot].p;
}

void db_memo_set(struct db *db, enum db_memo_slot slot, void *p, void (*free_fn)(void *))
{
	if (db->memo[slot].p && db->memo[slot].free_fn)
		db->memo[slot].free_fn(db->memo[slot].p);
	db->memo[slot].p = p;
	db->memo[slot].free_fn = free_fn;
}

const char *db_backend(const struct db *db)
{
	return db->ops->name;
}

const char *db_dialect_bytes(const struct db *db)
{
	return db->ops->bytes_collation;
}

const char *db_dialect_id(const struct db *db)
{
	return db->ops->id_type;
}

int db_query(struct db *db, struct db_rows **out, const char *sql, const struct db_arg *args,
	     size_t n)
{
	return db->ops->query(db, out, sql, args, n);
}

int db_next(struct db_rows *r)
{
	return r->ops->next(r);
}

void db_rows_free(struct db_rows *r)
{
	if (r)
		r->ops->rows_free(r);
}

int64_t db_int(struct db_rows *r, int col)
{
	return r->ops->col_int(r, col);
}

double db_real(struct db_rows *r, int col)
{
	return r->ops->col_real(r, col);
}

const char *db_text(struct db_rows *r, int col)
{
	return r->ops->col_text(r, col, NULL);
}

size_t db_text_len(struct db_rows *r, int col)
{
	size_t n = 0;
	r->ops->col_text(r, col, &n);
	return n;
}

bool db_null(struct db_rows *r, int col)
{
	return r->ops->col_null(r, col);
}

int db_columns(struct db_rows *r)
{
	return r->ops->columns(r);
}

enum db_type db_type_of(struct db_rows *r, int col)
{
	return r->ops->col_type(r, col);
}

const char *db_column_name(struct db_rows *r, int col)
{
	return r->ops->column_name(r, col);
}

int db_exec(struct db *db, const char *sql, const struct db_arg *args, size_t n)
{
	struct db_rows *r = NULL;
	int rc = db->ops->query(db, &r, sql, args, n);
	while (!rc && (rc = db_next(r)) == 1)
		rc = 0;
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int64_t db_changes(struct db *db)
{
	return db->ops->changes(db);
}

int db_int_query(struct db *db, int64_t *out, const char *sql, const struct db_arg *args,
		 size_t n)
{
	struct db_rows *r = NULL;
	int rc = db->ops->query(db, &r, sql, args, n);
	if (rc)
		goto out;
	rc = db_next(r);
	if (rc == 1) {
		*out = db_int(r, 0);
		/* drain, so an INSERT ... RETURNING completes */
		while ((rc = db_next(r)) == 1)
			;
	} else if (rc == 0) {
		rc = BRUG_ENOTFOUND;
	}
out:
	db_rows_free(r);
	return rc;
}

int db_text_query(struct db *db, char **out, const char *sql, const struct db_arg *args, size_t n)
{
	struct db_rows *r = NULL;
	int rc = db->ops->query(db, &r, sql, args, n);
	if (rc)
		goto out;
	rc = db_next(r);
	if (rc == 1) {
		const char *s = db_text(r, 0);
		*out = s ? xstrdup(s) : NULL;
		while ((rc = db_next(r)) == 1)
			;
		if (rc) {
			free(*out);
			*out = NULL;
		}
	} else if (rc == 0) {
		rc = BRUG_ENOTFOUND;
	}
out:
	db_rows_free(r);
	return rc;
}

int db_begin(struct db *db)
{
	if (db->snapshot) {
		/* a write in a read-only request: a programming error, but the
		 * safe way on is to give up the snapshot rather than fail */
		log_warn("msg=\"write inside a read snapshot\"");
		db_read_end(db);
	}
	if (db->tx_depth++ > 0)
		return 0;
	db->tx_failed = false;
	int rc = db->ops->tx(db, "BEGIN");
	if (rc)
		db->tx_depth = 0;
	return rc;
}

void db_rollback(struct db *db)
{
	if (db->tx_depth <= 0)
		return;
	if (--db->tx_depth > 0) {
		db->tx_failed = true;
		return;
	}
	if (db->ops->tx(db, "ROLLBACK"))
		log_error("msg=\"rollback failed\"");
}

int db_commit(struct db *db)
{
	if (db->tx_depth <= 0)
		return BRUG_EINTERNAL;
	if (--db->tx_depth > 0)
		return 0;
	if (db->tx_failed) {
		db->ops->tx(db, "ROLLBACK");
		return BRUG_ECONFLICT;
	}
	int rc = db->ops->tx(db, "COMMIT");
	if (rc)
		db->ops->tx(db, "ROLLBACK");
	return rc;
}

int db_finish(struct db *db, int rc)
{
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

int db_lock(struct db *db, const char *name)
{
	if (db->tx_depth <= 0)
		return BRUG_EINTERNAL;
	return db->ops->lock ? db->ops->lock(db, name) : 0;
}

const char *db_sql_skip_locked(const struct db *db)
{
	return db->ops->skip_locked ? db->ops->skip_locked : "";
}

bool db_in_tx(const struct db *db)
{
	return db->tx_depth > 0;
}

int db_tx_depth(const struct db *db)
{
	return db->tx_depth;
}

int db_analyze(struct db *db, const char *tables)
{
	if (strcmp(db->ops->name, "postgres"))
		return 0;
	char sql[256];
	int n = snprintf(sql, sizeof(sql), "ANALYZE %s", tables);
	if (n < 0 || (size_t)n >= sizeof(sql))
		return BRUG_EINVAL;
	return db_exec(db, sql, DB_NOARGS);
}

int db_read_begin(struct db *db)
{
	if (db->tx_depth || db->snapshot || !db->ops->snapshot)
		return 0;
	int rc = db->ops->snapshot(db, "BEGIN");
	db->snapshot = rc == 0;
	return rc;
}

void db_read_end(struct db *db)
{
	if (!db->snapshot)
		return;
	db->snapshot = false;
	db->ops->snapshot(db, "END");
}

int db_exec_script(struct db *db, const char *sql, struct brug_err *err)
{
	return db->ops->exec_script(db, sql, err);
}

int db_ping(struct db *db)
{
	int64_t one = 0;
	return db_int_query(db, &one, "SELECT 1", DB_NOARGS);
}

int db_backup(struct db *db, const char *path, struct brug_err *err)
{
	return db->ops->backup(db, path, err);
}

struct db_pool {
	char *url;
	pthread_key_t key;
};

static void pool_close(void *p)
{
	db_close(p);
}

struct db_pool *db_pool_new(const char *url)
{
	struct db_pool *p = xcalloc(1, sizeof(*p));
	p->url = xstrdup(url);
	if (pthread_key_create(&p->key, pool_close) != 0)
		abort();
	return p;
}

void db_pool_free(struct db_pool *p)
{
	if (!p)
		return;
	db_close(pthread_getspecific(p->key));
	pthread_setspecific(p->key, NULL);
	pthread_key_delete(p->key);
	free(p->url);
	free(p);
}

int db_pool_get(struct db_pool *p, struct db **out, struct brug_err *err)
{
	struct db *db = pthread_getspecific(p->key);
	if (!db) {
		int rc = db_open(p->url, &db, err);
		if (rc)
			return rc;
		pthread_setspecific(p->key, db);
	}
	*out = db;
	return 0;
}

const char *db_pool_url(const struct db_pool *p)
{
	return p->url;
}

json_t *db_row_json(struct db_rows *r)
{
	return db_row_json_range(r, 0, db_columns(r));
}

json_t *db_row_json_range(struct db_rows *r, int first, int count)
{
	json_t *o = json_object();
	int n = first + count <= db_columns(r) ? first + count : db_columns(r);
	for (int i = first; i < n; i++) {
		const char *name = db_column_name(r, i);
		size_t len = strlen(name);
		switch (db_type_of(r, i)) {
		case DBT_NULL:
			json_object_set_new(o, name, json_null());
			break;
		case DBT_INT:
			if ((len > 3 && strcmp(name + len - 3, "_at") == 0) || strcmp(name, "at") == 0)
				jx_set_time(o, name, db_int(r, i));
			else if (strncmp(name, "is_", 3) == 0)
				jx_set_bool(o, name, db_int(r, i) != 0);
			else
				jx_set_int(o, name, db_int(r, i));
			break;
		case DBT_REAL:
			json_object_set_new(o, name, json_real(db_real(r, i)));
			break;
		case DBT_TEXT:
			jx_set_strn(o, name, db_text(r, i), db_text_len(r, i));
			break;
		}
	}
	return o;
}

json_t *db_rows_json(struct db_rows *r, int *rc)
{
	json_t *a = json_array();
	int more;
	while ((more = db_next(r)) == 1)
		json_array_append_new(a, db_row_json(r));
	if (more < 0) {
		json_decref(a);
		*rc = more;
		return NULL;
	}
	*rc = 0;
	return a;
}

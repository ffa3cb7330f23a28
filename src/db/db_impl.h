/* SPDX-License-Identifier: Apache-2.0 */
/* Private to src/db: what a backend implements. Every struct db and struct
 * db_rows starts with its ops pointer so db.c can dispatch. */
#ifndef BRUG_DB_IMPL_H
#define BRUG_DB_IMPL_H

#include "db/db.h"

struct db_ops {
	const char *name;
	const char *id_type; /* replaces @ID@ in migrations */
	const char *bytes_collation; /* replaces @BYTES@: compare text byte by byte */
	void (*close)(struct db *db);
	int (*query)(struct db *db, struct db_rows **out, const char *sql, const struct db_arg *args,
		     size_t n);
	int (*next)(struct db_rows *r);
	void (*rows_free)(struct db_rows *r);
	int64_t (*col_int)(struct db_rows *r, int col);
	double (*col_real)(struct db_rows *r, int col);
	const char *(*col_text)(struct db_rows *r, int col, size_t *len);
	bool (*col_null)(struct db_rows *r, int col);
	int (*columns)(struct db_rows *r);
	enum db_type (*col_type)(struct db_rows *r, int col);
	const char *(*column_name)(struct db_rows *r, int col);
	int64_t (*changes)(struct db *db);
	int (*tx)(struct db *db, const char *verb); /* "BEGIN", "COMMIT", "ROLLBACK" */
	/* "BEGIN"/"END" of a read snapshot; NULL when the backend needs none */
	int (*snapshot)(struct db *db, const char *verb);
	int (*exec_script)(struct db *db, const char *sql, struct brug_err *err);
	int (*backup)(struct db *db, const char *path, struct brug_err *err);
	/* serialises a named critical section across processes until the
	 * transaction ends; NULL when the write transaction already does */
	int (*lock)(struct db *db, const char *name);
	/* appended to a SELECT that picks rows to take (" FOR UPDATE SKIP
	 * LOCKED"), or "" where the write transaction already excludes others */
	const char *skip_locked;
};

struct db {
	const struct db_ops *ops;
	int tx_depth;
	bool tx_failed;
	bool snapshot;
	struct {
		void *p;
		void (*free_fn)(void *);
	} memo[DB_MEMO_SLOTS];
};

struct db_rows {
	const struct db_ops *ops;
};

/* Counts a database error for /metrics. */
void db_note_error(void);

int db_sqlite_open(const char *path, struct db **out, struct brug_err *err);
int db_pg_open(const char *url, struct db **out, struct brug_err *err);

#endif

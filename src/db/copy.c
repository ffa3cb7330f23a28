/* SPDX-License-Identifier: Apache-2.0 */
/* Copying an installation; see copy.h. Tables are copied parents first (by
 * their foreign keys), row by row through cached prepared statements, and
 * PostgreSQL's identity counters are moved past the copied ids. The
 * checksum adds up a hash of each row, so it does not depend on the order a
 * backend returns rows in (collations differ between them). */
#include "db/copy.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/secure.h"
#include "db/migrate.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define MAX_TABLES 64
#define MAX_COLS 48

struct table {
	char name[64];
	char *col[MAX_COLS];
	int ncol;
	char *dep[8]; /* tables it refers to */
	int ndep;
	bool done;
};

/* Catalog names are plain lower-case identifiers in brug's schema; anything
 * else is refused rather than quoted. */
static bool ident(const char *s)
{
	return s && *s && strlen(s) < 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(s);
}

static bool is_lite(struct db *db)
{
	return !strcmp(db_backend(db), "sqlite");
}

static int table_names(struct db *db, char names[MAX_TABLES][64], int *n)
{
	const char *sql = is_lite(db)
				  ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE"
				    " 'sqlite%' AND name <> 'schema_migrations' ORDER BY name"
				  : "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
				    " AND tablename <> 'schema_migrations' ORDER BY tablename";
	struct db_rows *r = NULL;
	int rc = db_query(db, &r, sql, DB_NOARGS), more;
	*n = 0;
	while (!rc && (more = db_next(r)) == 1) {
		if (*n == MAX_TABLES || !ident(db_text(r, 0))) {
			rc = BRUG_EINVAL;
			break;
		}
		snprintf(names[(*n)++], 64, "%s", db_text(r, 0));
	}
	if (!rc && more < 0)
		rc = more;
	db_rows_free(r);
	return rc;
}

int db_is_empty(struct db *db, bool *empty)
{
	char names[MAX_TABLES][64];
	int n = 0, rc = table_names(db, names, &n);
	*empty = true;
	for (int i = 0; !rc && i < n && *empty; i++) {
		char sql[128];
		int64_t rows = 0;
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %.63s", names[i]);
		rc = db_int_query(db, &rows, sql, DB_NOARGS);
		*empty = rows == 0;
	}
	return rc;
}

/* Columns in order and foreign-key parents of a SQLite table. */
static int describe(struct db *db, struct table *t)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r, "SELECT name FROM pragma_table_info(?) ORDER BY cid",
			  DB_ARGS(DB_T(t->name)));
	while (!rc && db_next(r) == 1 && t->ncol < MAX_COLS) {
		if (!ident(db_text(r, 0)))
			rc = BRUG_EINVAL;
		else
			t->col[t->ncol++] = xstrdup(db_text(r, 0));
	}
	db_rows_free(r);
	r = NULL;
	if (!rc)
		rc = db_query(db, &r, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)",
			      DB_ARGS(DB_T(t->name)));
	while (!rc && db_next(r) == 1 && t->ndep < 8)
		if (strcmp(db_text(r, 0), t->name)) /* a table referring to itself is no order */
			t->dep[t->ndep++] = xstrdup(db_text(r, 0));
	db_rows_free(r);
	return rc;
}

static void table_cleanup(struct table *t)
{
	for (int i = 0; i < t->ncol; i++)
		free(t->col[i]);
	for (int i = 0; i < t->ndep; i++)
		free(t->dep[i]);
}

static void column_list(struct buf *b, const struct table *t)
{
	for (int i = 0; i < t->ncol; i++)
		buf_printf(b, "%s%s", i ? ", " : "", t->col[i]);
}

/* The row's value in column i as an argument of the same type. */
static struct db_arg value_of(struct db_rows *r, int i)
{
	switch (db_type_of(r, i)) {
	case DBT_INT: return DB_I(db_int(r, i));
	case DBT_REAL: return DB_R(db_real(r, i));
	case DBT_TEXT: return DB_TN(db_text(r, i), db_text_len(r, i));
	default: return DB_NULL_UNTYPED; /* the target column says what it is */
	}
}

/* INSERT INTO t (cols) VALUES (?, ...), ... for rows rows. */
static void insert_text(struct buf *b, const struct table *t, int rows)
{
	buf_reset(b);
	buf_printf(b, "INSERT INTO %s (", t->name);
	column_list(b, t);
	buf_adds(b, ") VALUES ");
	for (int r = 0; r < rows; r++) {
		buf_adds(b, r ? ", (" : "(");
		for (int i = 0; i < t->ncol; i++)
			buf_adds(b, i ? ", ?" : "?");
		buf_addc(b, ')');
	}
}

/* Copies t in batches of rows per INSERT (a round trip each on
 * PostgreSQL); text values are kept in an arena until their batch is
 * written, as the source row they came from is gone by then. */
static int copy_table(struct db *from, struct db *to, const struct table *t, int64_t *rows)
{
	int per = DB_ARGS_MAX / (t->ncol ? t->ncol : 1);
	if (per > 100)
		per = 100;
	struct buf sel, ins;
	buf_init(&sel, 0);
	buf_init(&ins, 0);
	buf_adds(&sel, "SELECT ");
	column_list(&sel, t);
	buf_printf(&sel, " FROM %s", t->name);
	struct arena texts;
	arena_init(&texts);
	struct db_arg *args = xcalloc((size_t)per * (size_t)t->ncol, sizeof(*args));
	struct db_rows *r = NULL;
	int rc = db_query(from, &r, buf_str(&sel), DB_NOARGS), more = 0, n = 0;
	*rows = 0;
	while (!rc && (more = db_next(r)) >= 0) {
		if (more == 1) {
			for (int i = 0; i < t->ncol; i++) {
				struct db_arg a = value_of(r, i);
				if (a.type == DBT_TEXT)
					a = DB_TN(arena_strndup(&texts, a.v.s.p, a.v.s.n), a.v.s.n);
				args[n * t->ncol + i] = a;
			}
			n++;
			(*rows)++;
		}
		if (n && (n == per || more == 0)) {
			insert_text(&ins, t, n);
			rc = db_exec(to, buf_str(&ins), args, (size_t)n * (size_t)t->ncol);
			n = 0;
			arena_cleanup(&texts);
			arena_init(&texts);
		}
		if (more == 0)
			break;
	}
	if (!rc && more < 0)
		rc = more;
	db_rows_free(r);
	free(args);
	arena_cleanup(&texts);
	buf_cleanup(&sel);
	buf_cleanup(&ins);
	return rc;
}

/* PostgreSQL: the identity counter of the table's key goes past the ids
 * that were copied in, or the next insert would collide with them. */
static int move_identity(struct db *to, const struct table *t)
{
	if (is_lite(to))
		return 0;
	const char *key = NULL;
	for (int i = 0; i < t->ncol; i++)
		if (!strcmp(t->col[i], "id") || (!strcmp(t->name, "orgs") && !strcmp(t->col[i], "org_id")))
			key = t->col[i];
	if (!key)
		return 0;
	char sql[300];
	snprintf(sql, sizeof(sql),
		 "SELECT setval(pg_get_serial_sequence('%s', '%s'), COALESCE(MAX(%s), 0) + 1, false)"
		 " FROM %s",
		 t->name, key, key, t->name);
	int64_t v = 0;
	return db_int_query(to, &v, sql, DB_NOARGS);
}

int db_table_checksum(struct db *db, const char *table, const char *const *columns, int ncol,
		      uint64_t *sum, int64_t *rows)
{
	struct buf sel, row;
	buf_init(&sel, 0);
	buf_init(&row, 0);
	buf_adds(&sel, "SELECT ");
	for (int i = 0; i < ncol; i++)
		buf_printf(&sel, "%s%s", i ? ", " : "", columns[i]);
	buf_printf(&sel, " FROM %s", table);
	struct db_rows *r = NULL;
	int rc = db_query(db, &r, buf_str(&sel), DB_NOARGS), more;
	*sum = 0;
	*rows = 0;
	while (!rc && (more = db_next(r)) == 1) {
		buf_reset(&row);
		for (int i = 0; i < ncol; i++) {
			switch (db_type_of(r, i)) {
			case DBT_INT: buf_printf(&row, "i%" PRId64, db_int(r, i)); break;
			case DBT_REAL: buf_printf(&row, "r%.17g", db_real(r, i)); break;
			case DBT_TEXT:
				buf_printf(&row, "t%zu:", db_text_len(r, i));
				buf_add(&row, db_text(r, i), db_text_len(r, i));
				break;
			default: buf_addc(&row, 'n');
			}
			buf_addc(&row, '\x1f');
		}
		char hex[SECURE_DIGEST_HEX + 1];
		secure_digest_hex(buf_str(&row), row.len, hex);
		uint64_t h = 0;
		for (int i = 0; i < 16; i++)
			h = h * 16 + (uint64_t)(hex[i] <= '9' ? hex[i] - '0' : hex[i] - 'a' + 10);
		*sum += h;
		(*rows)++;
	}
	if (!rc && more < 0)
		rc = more;
	db_rows_free(r);
	buf_cleanup(&sel);
	buf_cleanup(&row);
	return rc;
}

static int verify(struct db *from, struct db *to, const struct table *t, FILE *report,
		  struct brug_err *err)
{
	uint64_t a = 0, b = 0;
	int64_t ra = 0, rb = 0;
	int rc = db_table_checksum(from, t->name, (const char *const *)t->col, t->ncol, &a, &ra);
	if (!rc)
		rc = db_table_checksum(to, t->name, (const char *const *)t->col, t->ncol, &b, &rb);
	if (rc)
		return brug_failf(err, rc, "error.database", NULL, "%s: cannot read it back", t->name);
	if (report)
		fprintf(report, "%-16s %8lld rows  checksum %016llx %s\n", t->name, (long long)ra,
			(unsigned long long)a, ra == rb && a == b ? "ok" : "DIFFERS");
	if (ra != rb || a != b)
		return brug_failf(err, BRUG_EDB, "error.database", NULL,
				  "%s differs after the copy: %lld rows and checksum %016llx in the source,"
				  " %lld rows and %016llx in the target",
				  t->name, (long long)ra, (unsigned long long)a, (long long)rb,
				  (unsigned long long)b);
	return 0;
}

/* The next table whose parents are all copied. */
static struct table *next_table(struct table *t, int n)
{
	for (int i = 0; i < n; i++) {
		if (t[i].done)
			continue;
		bool ready = true;
		for (int d = 0; d < t[i].ndep; d++)
			for (int j = 0; j < n; j++)
				if (!strcmp(t[j].name, t[i].dep[d]) && !t[j].done)
					ready = false;
		if (ready)
			return &t[i];
	}
	return NULL;
}

static int copy_all(struct db *from, struct db *to, struct table *t, int n, FILE *report,
		    struct brug_err *err)
{
	int rc = 0;
	for (int done = 0; !rc && done < n; done++) {
		struct table *next = next_table(t, n);
		if (!next)
			return brug_failf(err, BRUG_EINVAL, "error.database", NULL,
					  "the tables' foreign keys form a cycle");
		int64_t rows = 0;
		rc = copy_table(from, to, next, &rows);
		if (!rc)
			rc = move_identity(to, next);
		if (rc)
			return brug_failf(err, rc, "error.database", NULL, "copying %s failed", next->name);
		next->done = true;
	}
	for (int i = 0; !rc && i < n; i++)
		rc = verify(from, to, &t[i], report, err);
	return rc;
}

int db_copy(struct db *from, struct db *to, FILE *report, struct brug_err *err)
{
	if (!is_lite(from))
		return brug_failf(err, BRUG_EINVAL, "error.bad_request", NULL,
				  "the source must be a SQLite database (sqlite:PATH)");
	int vf = 0, vt = 0;
	int rc = migrate_current(from, &vf, err);
	if (!rc && vf != migrate_latest())
		return brug_failf(err, BRUG_ECONFLICT, "error.conflict", NULL,
				  "the source has schema version %d, this brug %d: run brug migrate"
				  " on the source first",
				  vf, migrate_latest());
	bool empty = false;
	if (!rc)
		rc = db_is_empty(to, &empty);
	if (!rc && !empty)
		return brug_failf(err, BRUG_ECONFLICT, "error.conflict", NULL,
				  "the target is not empty: brug copies only into an empty database");
	if (!rc)
		rc = migrate_up(to, NULL, err);
	if (!rc)
		rc = migrate_current(to, &vt, err);
	if (rc)
		return rc;
	char names[MAX_TABLES][64];
	int n = 0;
	struct table t[MAX_TABLES];
	memset(t, 0, sizeof(t));
	if ((rc = table_names(from, names, &n)))
		return brug_failf(err, rc, "error.database", NULL, "cannot list the source's tables");
	for (int i = 0; !rc && i < n; i++) {
		snprintf(t[i].name, sizeof(t[i].name), "%.63s", names[i]);
		rc = describe(from, &t[i]);
	}
	/* the source reads one snapshot; the target takes everything or nothing */
	if (!rc)
		rc = db_read_begin(from);
	if (!rc && !(rc = db_begin(to))) {
		rc = copy_all(from, to, t, n, report, err);
		rc = db_finish(to, rc);
	}
	db_read_end(from);
	/* fresh statistics for the planner: until autovacuum gets round to
	 * the new tables, PostgreSQL would guess, and guess badly, for the
	 * first queries (search's index among them); SQLite's planner runs
	 * without statistics on purpose (see domain/search.c) */
	if (!rc && !is_lite(to) && (rc = db_exec(to, "ANALYZE", DB_NOARGS)))
		brug_failf(err, rc, "error.database", NULL, "ANALYZE after the copy failed");
	for (int i = 0; i < n; i++)
		table_cleanup(&t[i]);
	return rc;
}

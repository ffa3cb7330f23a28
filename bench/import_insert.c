/* SPDX-License-Identifier: Apache-2.0 */
/* The baseline of `brug import relations`: the fastest plain way to put the
 * rows of a CSV file into SQLite, with nothing of brug around it. Reads a
 * file as bench/import-data.sh writes it (comma-separated, a header, no
 * quotes: organisation, given name, family name, email, phone, street,
 * postal code, city, tag) and inserts one relations row per line (a copy of
 * brug's relations table, indexes included, set up as src/db/db_sqlite.c
 * sets up brug's connection) as multi-row INSERTs of 36 rows, in one
 * transaction. With -p it also inserts each row's email address, phone
 * number and address into a copy of contact_points, as brug does. Prints
 * rows per second of wall-clock and of CPU time.
 *
 *   bench_import_insert [-p] FILE.csv DB
 *
 * bench/import-data.sh writes such a file and says how to time brug on it.
 *
 * Depends on SQLite only; shares no code with brug on purpose. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static const char schema[] =
	"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
	"PRAGMA temp_store=MEMORY;"
	"CREATE TABLE relations (id INTEGER PRIMARY KEY AUTOINCREMENT, org_id BIGINT NOT NULL,"
	" kind TEXT NOT NULL CHECK (kind IN ('organisation', 'person')),"
	" type TEXT NOT NULL DEFAULT 'customer', name TEXT NOT NULL,"
	" given_name TEXT NOT NULL DEFAULT '', family_name TEXT NOT NULL DEFAULT '',"
	" sort_key TEXT NOT NULL, parent_id BIGINT, job_title TEXT NOT NULL DEFAULT '',"
	" owner_id BIGINT, lang TEXT NOT NULL DEFAULT 'nl', notes TEXT NOT NULL DEFAULT '',"
	" archived_at BIGINT, erased_at BIGINT, created_at BIGINT NOT NULL,"
	" updated_at BIGINT NOT NULL);"
	"CREATE INDEX relations_org_sort ON relations (org_id, sort_key, id);"
	"CREATE INDEX relations_org_parent ON relations (org_id, parent_id);"
	"CREATE INDEX relations_org_owner ON relations (org_id, owner_id);"
	"CREATE TABLE contact_points (id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" org_id BIGINT NOT NULL, relation_id BIGINT NOT NULL REFERENCES relations (id)"
	" ON DELETE CASCADE, kind TEXT NOT NULL, label TEXT NOT NULL DEFAULT '',"
	" value TEXT NOT NULL, norm TEXT NOT NULL DEFAULT '', street TEXT NOT NULL DEFAULT '',"
	" postal_code TEXT NOT NULL DEFAULT '', city TEXT NOT NULL DEFAULT '',"
	" country TEXT NOT NULL DEFAULT '', position BIGINT NOT NULL DEFAULT 0);"
	"CREATE INDEX contact_points_org_relation ON contact_points"
	" (org_id, relation_id, kind, position);"
	"CREATE INDEX contact_points_org_norm ON contact_points (org_id, kind, norm);";

#define PER 36 /* rows per INSERT: 14 columns, at most 512 arguments */
#define FIELDS 9

static double cpu_seconds(void)
{
	struct rusage u;
	getrusage(RUSAGE_SELF, &u);
	return (double)u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + (double)u.ru_stime.tv_sec +
	       u.ru_stime.tv_usec / 1e6;
}

static double wall_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static sqlite3_stmt *prepare(sqlite3 *h, const char *head, int ncol, int rows)
{
	size_t cap = strlen(head) + (size_t)rows * ((size_t)ncol * 2 + 4) + 1, n = 0;
	char *sql = malloc(cap);
	n += (size_t)snprintf(sql + n, cap - n, "%s", head);
	for (int r = 0; r < rows; r++) {
		n += (size_t)snprintf(sql + n, cap - n, "%s", r ? ",(" : "(");
		for (int c = 0; c < ncol; c++)
			n += (size_t)snprintf(sql + n, cap - n, "%s", c ? ",?" : "?");
		n += (size_t)snprintf(sql + n, cap - n, ")");
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s\n", sqlite3_errmsg(h));
		exit(1);
	}
	free(sql);
	return st;
}

static void run(sqlite3 *h, sqlite3_stmt *st)
{
	while (sqlite3_step(st) == SQLITE_ROW)
		;
	if (sqlite3_reset(st) != SQLITE_OK) {
		fprintf(stderr, "%s\n", sqlite3_errmsg(h));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	int points = argc > 1 && !strcmp(argv[1], "-p");
	if (argc != 3 + points) {
		fprintf(stderr, "usage: bench_import_insert [-p] FILE.csv DB\n");
		return 2;
	}
	FILE *f = fopen(argv[1 + points], "r");
	sqlite3 *h = NULL;
	if (!f || sqlite3_open(argv[2 + points], &h) != SQLITE_OK ||
	    sqlite3_exec(h, schema, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "cannot open %s or %s\n", argv[1 + points], argv[2 + points]);
		return 1;
	}
	sqlite3_stmt *rel = prepare(h, "INSERT INTO relations (org_id, kind, type, name, given_name,"
				       " family_name, sort_key, parent_id, job_title, owner_id, lang,"
				       " notes, created_at, updated_at) VALUES", 14, PER);
	sqlite3_stmt *cp = prepare(h, "INSERT INTO contact_points (org_id, relation_id, kind, value,"
				      " norm, street, postal_code, city) VALUES", 8, 3);
	char line[4096], names[PER][256], keys[PER][256];
	char *fld[PER][FIELDS];
	char lines[PER][4096];
	long rows = 0;
	int n = 0;
	double w0 = wall_seconds(), c0 = cpu_seconds();
	sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (!fgets(line, sizeof(line), f))
		return 1;
	for (int more = 1; more;) {
		more = fgets(lines[n], sizeof(lines[n]), f) != NULL;
		if (more) {
			lines[n][strcspn(lines[n], "\r\n")] = '\0';
			char *p = lines[n];
			for (int i = 0; i < FIELDS; i++) {
				fld[n][i] = p;
				p += strcspn(p, ",");
				if (*p)
					*p++ = '\0';
			}
			snprintf(names[n], sizeof(names[n]), "%s %s", fld[n][1], fld[n][2]);
			snprintf(keys[n], sizeof(keys[n]), "%s", names[n]);
			for (char *k = keys[n]; *k; k++)
				if (*k >= 'A' && *k <= 'Z')
					*k = (char)(*k - 'A' + 'a');
			n++;
		}
		if (n < PER && more)
			continue;
		if (n < PER && n) {
			sqlite3_finalize(rel);
			rel = prepare(h, "INSERT INTO relations (org_id, kind, type, name, given_name,"
					 " family_name, sort_key, parent_id, job_title, owner_id, lang,"
					 " notes, created_at, updated_at) VALUES", 14, n);
		}
		sqlite3_int64 now = (sqlite3_int64)(wall_seconds() * 1000);
		for (int r = 0; r < n; r++) {
			int b = r * 14;
			sqlite3_bind_int64(rel, b + 1, 1);
			sqlite3_bind_text(rel, b + 2, "person", -1, SQLITE_STATIC);
			sqlite3_bind_text(rel, b + 3, "customer", -1, SQLITE_STATIC);
			sqlite3_bind_text(rel, b + 4, names[r], -1, SQLITE_STATIC);
			sqlite3_bind_text(rel, b + 5, fld[r][1], -1, SQLITE_STATIC);
			sqlite3_bind_text(rel, b + 6, fld[r][2], -1, SQLITE_STATIC);
			sqlite3_bind_text(rel, b + 7, keys[r], -1, SQLITE_STATIC);
			sqlite3_bind_null(rel, b + 8);
			sqlite3_bind_text(rel, b + 9, "", -1, SQLITE_STATIC);
			sqlite3_bind_null(rel, b + 10);
			sqlite3_bind_text(rel, b + 11, "nl", -1, SQLITE_STATIC);
			sqlite3_bind_text(rel, b + 12, "", -1, SQLITE_STATIC);
			sqlite3_bind_int64(rel, b + 13, now);
			sqlite3_bind_int64(rel, b + 14, now);
		}
		if (n)
			run(h, rel);
		sqlite3_int64 last = sqlite3_last_insert_rowid(h);
		for (int r = 0; points && r < n; r++) {
			const char *kinds[3] = {"email", "phone", "address"};
			for (int k = 0; k < 3; k++) {
				int b = k * 8;
				sqlite3_bind_int64(cp, b + 1, 1);
				sqlite3_bind_int64(cp, b + 2, last - n + 1 + r);
				sqlite3_bind_text(cp, b + 3, kinds[k], -1, SQLITE_STATIC);
				sqlite3_bind_text(cp, b + 4, fld[r][3 + k], -1, SQLITE_STATIC);
				sqlite3_bind_text(cp, b + 5, k < 2 ? fld[r][3 + k] : "", -1, SQLITE_STATIC);
				sqlite3_bind_text(cp, b + 6, k == 2 ? fld[r][5] : "", -1, SQLITE_STATIC);
				sqlite3_bind_text(cp, b + 7, k == 2 ? fld[r][6] : "", -1, SQLITE_STATIC);
				sqlite3_bind_text(cp, b + 8, k == 2 ? fld[r][7] : "", -1, SQLITE_STATIC);
			}
			run(h, cp);
		}
		rows += n;
		n = 0;
	}
	if (sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s\n", sqlite3_errmsg(h));
		return 1;
	}
	double w = wall_seconds() - w0, c = cpu_seconds() - c0;
	printf("%ld rows in %.2f s (%.0f rows/s), cpu %.2f s (%.0f rows/s of cpu)%s\n", rows, w,
	       rows / w, c, rows / c, points ? ", with contact points" : "");
	sqlite3_finalize(rel);
	sqlite3_finalize(cp);
	sqlite3_close(h);
	fclose(f);
	return 0;
}

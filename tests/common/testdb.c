/* SPDX-License-Identifier: Apache-2.0 */
/* Test databases; see testdb.h. */
#include "testdb.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"

#define MAX_DBS 256

static char *made[MAX_DBS];
static int nmade;
static char tmpdir[512];
static bool registered;

bool testdb_is_pg(void)
{
	const char *b = getenv("BRUG_TEST_BACKEND");
	if (!b || !*b || !strcmp(b, "sqlite"))
		return false;
	if (strcmp(b, "pg") != 0) {
		fprintf(stderr, "testdb: BRUG_TEST_BACKEND must be sqlite or pg, not %s\n", b);
		exit(2);
	}
	const char *admin = getenv("BRUG_TEST_PG");
	if (!admin || !*admin) {
		fprintf(stderr, "testdb: BRUG_TEST_BACKEND=pg needs BRUG_TEST_PG (run `make test`,"
				" which starts a PostgreSQL cluster)\n");
		exit(2);
	}
	return true;
}

static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char p[1024];
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			unlink(p);
		}
	closedir(d);
	rmdir(dir);
}

static int admin_exec(const char *sql)
{
	struct db *db = NULL;
	struct brug_err err = {0};
	int rc = db_open(getenv("BRUG_TEST_PG"), &db, &err);
	if (!rc)
		rc = db_exec_script(db, sql, &err);
	if (rc)
		fprintf(stderr, "testdb: %s: %s\n", sql, err.detail);
	db_close(db);
	return rc;
}

void testdb_cleanup(void)
{
	for (int i = 0; i < nmade; i++) {
		if (strncmp(made[i], "sqlite:", 7) != 0) {
			char sql[300];
			const char *name = strrchr(made[i], '/') + 1;
			snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %.*s WITH (FORCE)",
				 (int)strcspn(name, "?"), name);
			admin_exec(sql);
		}
		free(made[i]);
	}
	nmade = 0;
	if (tmpdir[0]) {
		remove_tree(tmpdir);
		tmpdir[0] = '\0';
	}
}

const char *testdb_new(void)
{
	if (!registered) {
		atexit(testdb_cleanup);
		registered = true;
	}
	if (nmade == MAX_DBS) {
		fprintf(stderr, "testdb: more than %d databases in one test program\n", MAX_DBS);
		exit(2);
	}
	char url[1024];
	if (testdb_is_pg()) {
		const char *admin = getenv("BRUG_TEST_PG");
		const char *slash = strrchr(admin, '/');
		char name[64];
		snprintf(name, sizeof(name), "brug_t_%d_%d", (int)getpid(), nmade);
		/* two statements: CREATE DATABASE cannot share a transaction */
		char drop[128], create[128];
		snprintf(drop, sizeof(drop), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
		snprintf(create, sizeof(create), "CREATE DATABASE %s", name);
		if (!slash || admin_exec(drop) || admin_exec(create))
			exit(2);
		/* BRUG_TEST_PG_QUERY: connection parameters for every test
		 * database, e.g. the valgrind setup's longer lock timeouts */
		const char *query = getenv("BRUG_TEST_PG_QUERY");
		snprintf(url, sizeof(url), "%.*s/%s%s%s", (int)(slash - admin), admin, name,
			 query && *query ? "?" : "", query && *query ? query : "");
	} else {
		if (!tmpdir[0]) {
			const char *t = getenv("TMPDIR");
			snprintf(tmpdir, sizeof(tmpdir), "%.400s/brug-test-XXXXXX", t && *t ? t : "/tmp");
			if (!mkdtemp(tmpdir)) {
				perror(tmpdir);
				exit(2);
			}
		}
		snprintf(url, sizeof(url), "sqlite:%s/t%d.db", tmpdir, nmade);
	}
	made[nmade] = strdup(url);
	return made[nmade++];
}

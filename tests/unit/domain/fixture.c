/* SPDX-License-Identifier: Apache-2.0 */
/* The domain tests' fixture; see fixture.h. Each test gets a new database
 * from tests/common/testdb (SQLite, or PostgreSQL in the pg runs). */
#include "fixture.h"

#include "testdb.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/rc.h"
#include "core/secure.h"
#include "db/migrate.h"
#include "domain/org.h"
#include "domain/user.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define MAX_TABLES 128

void fx_global_init(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	/* the "test strength" warning of secure_setup is expected here */
	log_set_level(getenv("BRUG_TEST_LOG") ? LOG_DEBUG : LOG_ERROR);
	jx_init();
	assert_int_equal(secure_setup("test"), 0);
	user_init();
}

/* The names of the tables the migrations made (schema_migrations left
 * out); the caller frees each name. */
static size_t list_tables(struct db *db, char *names[MAX_TABLES])
{
	const char *sql =
	        strcmp(db_backend(db), "sqlite") == 0
	                ? "SELECT name FROM sqlite_master WHERE type = 'table'"
	                  " AND name NOT LIKE 'sqlite%' AND name <> 'schema_migrations'"
	                  " ORDER BY name"
	                : "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
	                  " AND tablename <> 'schema_migrations' ORDER BY tablename";
	struct db_rows *r = NULL;
	size_t n = 0;
	assert_int_equal(db_query(db, &r, sql, DB_NOARGS), 0);
	int rc;
	while ((rc = db_next(r)) == 1) {
		assert_true(n < MAX_TABLES);
		names[n++] = xstrdup(db_text(r, 0));
	}
	assert_int_equal(rc, 0);
	db_rows_free(r);
	return n;
}

int fx_setup(void **state)
{
	fx_global_init();
	struct fx *f = xcalloc(1, sizeof(*f));
	snprintf(f->url, sizeof(f->url), "%s", testdb_new());
	if (strncmp(f->url, "sqlite:", 7) == 0)
		snprintf(f->path, sizeof(f->path), "%.1000s", f->url + 7);
	struct brug_err err = {0};
	if (db_open(f->url, &f->db, &err))
		fail_msg("db_open %s: %s", f->url, err.detail);
	if (migrate_up(f->db, NULL, &err))
		fail_msg("migrate_up: %s", err.detail);
	*state = f;
	return 0;
}

int fx_teardown(void **state)
{
	struct fx *f = *state;
	if (!f)
		return 0;
	clock_shift_ms(-f->shifted);
	/* a test that raised the password cost may have failed before lowering it */
	secure_setup("test");
	db_close(f->db);
	free(f);
	*state = NULL;
	return 0;
}

struct db *fx_connect(struct fx *f)
{
	struct db *db = NULL;
	struct brug_err err = {0};
	if (db_open(f->url, &db, &err))
		fail_msg("db_open %s: %s", f->url, err.detail);
	return db;
}

void fx_shift(struct fx *f, int64_t ms)
{
	clock_shift_ms(ms);
	f->shifted += ms;
}

void fx_align(struct fx *f, int64_t window_ms, int64_t into)
{
	int64_t now = clock_now_ms();
	int64_t delta = (window_ms - now % window_ms + into) % window_ms;
	fx_shift(f, delta);
}

int64_t fx_org(struct fx *f, const char *name)
{
	int64_t id = 0;
	assert_int_equal(org_create(f->db, name, "nl", &id), 0);
	assert_true(id > 0);
	return id;
}

struct actor fx_cli(int64_t org)
{
	return (struct actor){.org_id = org, .user_id = 0, .label = "cli", .ip = ""};
}

struct actor fx_actor(int64_t org, int64_t user, const char *label, const char *ip)
{
	return (struct actor){.org_id = org, .user_id = user, .label = label, .ip = ip};
}

int64_t fx_user(struct fx *f, int64_t org, const char *email, const char *name, enum role role)
{
	struct actor who = fx_cli(org);
	struct user_new u = {
	        .email = email, .name = name, .role = role, .lang = NULL, .password = FX_PASSWORD};
	struct brug_err err = {0};
	int64_t id = 0;
	int rc = user_create(f->db, &who, &u, &id, &err);
	if (rc)
		fail_msg("user_create %s: rc %d field %s", email, rc, err.field ? err.field : "-");
	assert_true(id > 0);
	return id;
}

int64_t fx_int(struct fx *f, const char *sql, const struct db_arg *args, size_t n)
{
	int64_t v = -1;
	int rc = db_int_query(f->db, &v, sql, args, n);
	if (rc)
		fail_msg("rc %d for %s", rc, sql);
	return v;
}

char *fx_text(struct fx *f, const char *sql, const struct db_arg *args, size_t n)
{
	char *v = NULL;
	int rc = db_text_query(f->db, &v, sql, args, n);
	if (rc)
		fail_msg("rc %d for %s", rc, sql);
	return v;
}

int64_t fx_rows(struct fx *f, const char *table)
{
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", table);
	return fx_int(f, sql, DB_NOARGS);
}

void fx_check_search_vocab(struct fx *f)
{
	assert_int_equal(fx_int(f,
				"SELECT COUNT(*) FROM search_vocab v LEFT JOIN (SELECT org_id,"
				" object_kind, term, COUNT(*) AS n FROM search_terms"
				" GROUP BY org_id, object_kind, term) t ON t.org_id = v.org_id"
				" AND t.object_kind = v.object_kind AND t.term = v.term"
				" WHERE t.n IS NULL OR t.n <> v.df",
				DB_NOARGS),
			 0);
	assert_int_equal(fx_int(f,
				"SELECT COUNT(*) FROM (SELECT DISTINCT org_id, object_kind, term"
				" FROM search_terms) x",
				DB_NOARGS),
			 fx_rows(f, "search_vocab"));
}

static bool file_contains(const char *path, const char *needle)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return false;
	size_t cap = 1 << 16, len = 0, got;
	char *b = xmalloc(cap);
	while ((got = fread(b + len, 1, cap - len, fp)) > 0) {
		len += got;
		if (len == cap)
			b = xrealloc(b, cap *= 2);
	}
	fclose(fp);
	bool hit = memmem(b, len, needle, strlen(needle)) != NULL;
	free(b);
	return hit;
}

bool fx_db_contains(struct fx *f, const char *needle)
{
	if (f->path[0]) {
		static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
		char p[1200];
		for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
			snprintf(p, sizeof(p), "%s%s", f->path, suffix[i]);
			if (file_contains(p, needle))
				return true;
		}
	}
	char *names[MAX_TABLES];
	size_t n = list_tables(f->db, names);
	bool hit = false;
	for (size_t i = 0; i < n; i++) {
		char sql[512];
		snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", names[i]);
		struct db_rows *r = NULL;
		assert_int_equal(db_query(f->db, &r, sql, DB_NOARGS), 0);
		int rc;
		while ((rc = db_next(r)) == 1)
			for (int c = 0; c < db_columns(r); c++)
				if (db_type_of(r, c) == DBT_TEXT && strstr(db_text(r, c), needle))
					hit = true;
		assert_int_equal(rc, 0);
		db_rows_free(r);
		free(names[i]);
	}
	return hit;
}

int64_t fx_audit_mark(struct fx *f)
{
	return fx_int(f, "SELECT COALESCE(MAX(id), 0) FROM audit_log", DB_NOARGS);
}

void fx_json_eq(const json_t *v, const char *want)
{
	json_error_t je;
	json_t *w = json_loads(want, JSON_DECODE_ANY, &je);
	if (!w)
		fail_msg("bad expected JSON %s: %s", want, je.text);
	if (!json_equal(v, w)) {
		char *got =
		        v ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
		char *exp = json_dumps(w, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		/* print before failing: fail_msg does not return */
		print_error("JSON differs\n  got  %s\n  want %s\n", got ? got : "(null)", exp);
		free(got);
		free(exp);
		json_decref(w);
		fail();
	}
	json_decref(w);
}

void fx_audit_one(struct fx *f, int64_t mark, int64_t org, const char *action,
                  const char *object_type, int64_t object_id, int64_t actor_id, const char *actor,
                  const char *ip, const char *details)
{
	assert_int_equal(
	        fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE id > ?", DB_ARGS(DB_I(mark))), 1);
	struct db_rows *r = NULL;
	assert_int_equal(
	        db_query(f->db, &r,
	                 "SELECT org_id, action, object_type, object_id, actor_id, actor, ip,"
	                 " details, object_id IS NULL, actor_id IS NULL, at FROM audit_log"
	                 " WHERE id > ?",
	                 DB_ARGS(DB_I(mark))),
	        0);
	assert_int_equal(db_next(r), 1);
	assert_int_equal(db_int(r, 0), org);
	assert_string_equal(db_text(r, 1), action);
	assert_string_equal(db_text(r, 2), object_type);
	assert_int_equal(db_int(r, 3), object_id);
	assert_int_equal(db_int(r, 8), object_id == 0);
	assert_int_equal(db_int(r, 4), actor_id);
	assert_int_equal(db_int(r, 9), actor_id == 0);
	assert_string_equal(db_text(r, 5), actor);
	assert_string_equal(db_text(r, 6), ip);
	int64_t at = db_int(r, 10), now = clock_now_ms();
	assert_true(at <= now && at > now - 60000);
	json_error_t je;
	json_t *d = json_loads(db_text(r, 7), 0, &je);
	db_rows_free(r);
	if (!d)
		fail_msg("audit details are not JSON: %s", je.text);
	fx_json_eq(d, details);
	json_decref(d);
}

void fx_audit_none(struct fx *f, int64_t mark)
{
	assert_int_equal(
	        fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE id > ?", DB_ARGS(DB_I(mark))), 0);
}

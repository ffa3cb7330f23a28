/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/domain/org.c: the tenants. */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#include "core/rc.h"
#include "domain/org.h"
#include "util/clock.h"
#include "util/jx.h"

static void test_empty(void **state)
{
	struct fx *f = *state;
	int64_t n = -1, id = -1;
	assert_int_equal(org_count(f->db, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(org_first(f->db, &id), BRUG_ENOTFOUND);
	assert_int_equal(id, -1);
	assert_int_equal(org_find(f->db, "Acme", &id), BRUG_ENOTFOUND);
	json_t *j = NULL;
	assert_int_equal(org_get(f->db, 1, &j), BRUG_ENOTFOUND);
	assert_null(j);
}

static void test_create_get(void **state)
{
	struct fx *f = *state;
	int64_t a = 0, b = 0, c = 0, n = 0, id = 0;
	int64_t before = clock_now_ms();
	assert_int_equal(org_create(f->db, "Acme", "en", &a), 0);
	assert_int_equal(org_create(f->db, "Bolt", NULL, &b), 0);
	assert_true(a > 0 && b > a);

	json_t *j = NULL;
	assert_int_equal(org_get(f->db, a, &j), 0);
	assert_int_equal(jx_int(j, "id", 0), a);
	assert_string_equal(jx_str(j, "name"), "Acme");
	assert_string_equal(jx_str(j, "lang"), "en");
	assert_string_equal(jx_str(j, "timezone"), "Europe/Amsterdam");
	assert_int_equal(strlen(jx_str(j, "created_at")), 24);
	assert_int_equal(json_object_size(j), 5);
	json_decref(j);
	assert_int_equal(org_get(f->db, b, &j), 0);
	assert_string_equal(jx_str(j, "lang"), "nl"); /* the default */
	json_decref(j);
	int64_t created =
	        fx_int(f, "SELECT created_at FROM orgs WHERE org_id = ?", DB_ARGS(DB_I(a)));
	assert_true(created >= before && created <= clock_now_ms());

	assert_int_equal(org_count(f->db, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(org_first(f->db, &id), 0);
	assert_int_equal(id, a);
	assert_int_equal(org_find(f->db, "Bolt", &id), 0);
	assert_int_equal(id, b);
	assert_int_equal(org_find(f->db, "bolt", &id), BRUG_ENOTFOUND);
	/* names need not be unique; find gives the oldest */
	assert_int_equal(org_create(f->db, "Bolt", "nl", &c), 0);
	assert_int_equal(org_find(f->db, "Bolt", &id), 0);
	assert_int_equal(id, b);
}

static void test_update(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_org(f, "Acme"), b = fx_org(f, "Bolt");
	struct actor who = fx_cli(a);
	struct brug_err err = {0};
	fx_shift(f, 1000);
	assert_int_equal(org_update(f->db, &who, "Acme BV", NULL, NULL, &err), 0);
	json_t *j = NULL;
	assert_int_equal(org_get(f->db, a, &j), 0);
	assert_string_equal(jx_str(j, "name"), "Acme BV");
	assert_string_equal(jx_str(j, "lang"), "nl");
	assert_string_equal(jx_str(j, "timezone"), "Europe/Amsterdam");
	json_decref(j);
	assert_true(fx_int(f, "SELECT updated_at - created_at FROM orgs WHERE org_id = ?",
	                   DB_ARGS(DB_I(a))) >= 1000);
	assert_int_equal(org_update(f->db, &who, NULL, "en", "America/New_York", &err), 0);
	assert_int_equal(org_get(f->db, a, &j), 0);
	assert_string_equal(jx_str(j, "name"), "Acme BV");
	assert_string_equal(jx_str(j, "lang"), "en");
	assert_string_equal(jx_str(j, "timezone"), "America/New_York");
	json_decref(j);
	/* b is untouched */
	assert_int_equal(org_get(f->db, b, &j), 0);
	assert_string_equal(jx_str(j, "name"), "Bolt");
	assert_string_equal(jx_str(j, "lang"), "nl");
	json_decref(j);
	/* no such organisation */
	struct actor ghost = fx_cli(999999);
	memset(&err, 0, sizeof(err));
	assert_int_equal(org_update(f->db, &ghost, "Ghost", NULL, NULL, &err), BRUG_ENOTFOUND);
	assert_int_equal(err.rc, BRUG_ENOTFOUND);
	assert_int_equal(org_find(f->db, "Ghost", &a), BRUG_ENOTFOUND);
	assert_false(db_in_tx(f->db));
}

/* The rules are the domain's own, whoever calls: a language brug speaks, a
 * zone the system knows; a refused change leaves everything as it was. */
static void test_update_refused(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_org(f, "Acme");
	struct actor who = fx_cli(a);
	int64_t mark = fx_audit_mark(f);
	static const char *const zones[] = {"Mars/Olympus", "Europe", "zone.tab", "../etc/passwd",
					    "/etc/passwd", ""};
	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		struct brug_err err = {0};
		assert_int_equal(org_update(f->db, &who, "X", NULL, zones[i], &err), BRUG_EVALIDATION);
		assert_string_equal(err.field, "timezone");
	}
	struct brug_err err = {0};
	assert_int_equal(org_update(f->db, &who, "X", "fr", NULL, &err), BRUG_EVALIDATION);
	assert_string_equal(err.field, "lang");
	json_t *j = NULL;
	assert_int_equal(org_get(f->db, a, &j), 0);
	assert_string_equal(jx_str(j, "name"), "Acme");
	json_decref(j);
	fx_audit_none(f, mark);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        FX_TEST(test_update_refused),
	        FX_TEST(test_empty),
	        FX_TEST(test_create_get),
	        FX_TEST(test_update),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

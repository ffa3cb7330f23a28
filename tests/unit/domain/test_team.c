/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/domain/team.c: teams and memberships, names unique per
 * organisation, and no reach into another organisation's teams or users. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#include "core/rc.h"
#include "domain/team.h"
#include "domain/user.h"
#include "util/jx.h"

struct world {
	int64_t a, b;
	int64_t ann, bob; /* users of a */
	int64_t cas;      /* user of b */
	struct actor cli_a, cli_b;
};

static struct world world(struct fx *f)
{
	struct world w = {0};
	w.a = fx_org(f, "Acme");
	w.b = fx_org(f, "Bolt");
	w.ann = fx_user(f, w.a, "ann@acme.nl", "Ann", ROLE_ADMIN);
	w.bob = fx_user(f, w.a, "bob@acme.nl", "Bob", ROLE_EMPLOYEE);
	w.cas = fx_user(f, w.b, "cas@bolt.nl", "Cas", ROLE_ADMIN);
	w.cli_a = fx_cli(w.a);
	w.cli_b = fx_cli(w.b);
	return w;
}

static int64_t team(struct fx *f, const struct actor *who, const char *name)
{
	struct brug_err err = {0};
	int64_t id = 0;
	assert_int_equal(team_create(f->db, who, name, NULL, &id, &err), 0);
	assert_true(id > 0);
	return id;
}

static int64_t members(struct fx *f, int64_t team_id)
{
	return fx_int(f, "SELECT COUNT(*) FROM team_members WHERE team_id = ?",
	              DB_ARGS(DB_I(team_id)));
}

static char *team_name(struct fx *f, int64_t id)
{
	return fx_text(f, "SELECT name || '|' || description FROM teams WHERE id = ?",
	               DB_ARGS(DB_I(id)));
}

static void test_create_get_list(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct brug_err err = {0};
	int64_t support = 0, sales = 0;
	assert_int_equal(team_create(f->db, &w.cli_a, "Support", "First line", &support, &err), 0);
	assert_int_equal(team_create(f->db, &w.cli_a, "sales", NULL, &sales, &err), 0);
	assert_true(support > 0 && sales > 0 && support != sales);
	assert_int_equal(team_member_set(f->db, &w.cli_a, support, w.bob, false, &err), 0);
	assert_int_equal(team_member_set(f->db, &w.cli_a, support, w.ann, true, &err), 0);

	json_t *j = NULL;
	assert_int_equal(team_get(f->db, w.a, support, &j), 0);
	assert_int_equal(jx_int(j, "id", 0), support);
	assert_string_equal(jx_str(j, "name"), "Support");
	assert_string_equal(jx_str(j, "description"), "First line");
	assert_int_equal(strlen(jx_str(j, "created_at")), 24);
	/* leads first, then by name */
	char want[512];
	snprintf(want, sizeof(want),
	         "[{\"id\":%lld,\"team_id\":%lld,\"name\":\"Ann\",\"email\":\"ann@acme.nl\","
	         "\"role\":\"admin\",\"is_lead\":true,\"is_disabled\":false},"
	         "{\"id\":%lld,\"team_id\":%lld,\"name\":\"Bob\",\"email\":\"bob@acme.nl\","
	         "\"role\":\"employee\",\"is_lead\":false,\"is_disabled\":false}]",
	         (long long)w.ann, (long long)support, (long long)w.bob, (long long)support);
	fx_json_eq(json_object_get(j, "members"), want);
	json_decref(j);

	assert_int_equal(team_get(f->db, w.a, sales, &j), 0);
	assert_string_equal(jx_str(j, "description"), "");
	fx_json_eq(json_object_get(j, "members"), "[]");
	json_decref(j);

	/* by name, case-insensitively, with member counts */
	assert_int_equal(team_list(f->db, w.a, (struct listing){0}, &j), 0);
	json_t *items = json_object_get(j, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_string_equal(jx_str(json_array_get(items, 0), "name"), "sales");
	assert_int_equal(jx_int(json_array_get(items, 0), "members", -1), 0);
	assert_string_equal(jx_str(json_array_get(items, 1), "name"), "Support");
	assert_int_equal(jx_int(json_array_get(items, 1), "members", -1), 2);
	assert_string_equal(jx_str(json_array_get(items, 1), "description"), "First line");
	json_decref(j);

	/* another organisation sees none of it */
	assert_int_equal(team_list(f->db, w.b, (struct listing){0}, &j), 0);
	fx_json_eq(j, "{\"items\":[],\"total\":0,\"page\":1,\"per_page\":50,\"pages\":1}");
	json_decref(j);
	j = NULL;
	assert_int_equal(team_get(f->db, w.b, support, &j), BRUG_ENOTFOUND);
	assert_null(j);
	assert_int_equal(team_get(f->db, w.a, 999999, &j), BRUG_ENOTFOUND);
}

static void test_duplicate_name(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t first = team(f, &w.cli_a, "Support");
	int64_t mark = fx_audit_mark(f);
	struct brug_err err = {0};
	int64_t id = -5;
	assert_int_equal(team_create(f->db, &w.cli_a, "Support", "again", &id, &err),
	                 BRUG_ECONFLICT);
	assert_int_equal(err.rc, BRUG_ECONFLICT);
	assert_string_equal(err.field, "name");
	assert_string_equal(err.key, "error.team_name_taken");
	assert_int_equal(id, -5);
	assert_int_equal(fx_rows(f, "teams"), 1);
	fx_audit_none(f, mark);
	assert_false(db_in_tx(f->db));

	/* names differing only in case are the same name */
	assert_int_equal(team_create(f->db, &w.cli_a, "support", NULL, &id, &err), BRUG_ECONFLICT);
	assert_int_equal(team_create(f->db, &w.cli_a, "SUPPORT", NULL, &id, &err), BRUG_ECONFLICT);
	assert_int_equal(fx_rows(f, "teams"), 1);

	/* the same name in another organisation is another team */
	int64_t other = team(f, &w.cli_b, "Support");
	assert_true(other != first);
	assert_int_equal(fx_rows(f, "teams"), 2);
}

static void test_update(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct brug_err err = {0};
	int64_t t = 0, sales = team(f, &w.cli_a, "Sales");
	int64_t bolt = team(f, &w.cli_b, "Bolt team");
	assert_int_equal(team_create(f->db, &w.cli_a, "Support", "First line", &t, &err), 0);

	assert_int_equal(team_update(f->db, &w.cli_a, t, "Service", NULL, &err), 0);
	char *s = team_name(f, t);
	assert_string_equal(s, "Service|First line");
	free(s);
	assert_int_equal(team_update(f->db, &w.cli_a, t, NULL, "Second line", &err), 0);
	s = team_name(f, t);
	assert_string_equal(s, "Service|Second line");
	free(s);
	assert_int_equal(team_update(f->db, &w.cli_a, t, NULL, "", &err), 0);
	s = team_name(f, t);
	assert_string_equal(s, "Service|");
	free(s);
	/* renaming to its own name is fine */
	assert_int_equal(team_update(f->db, &w.cli_a, t, "Service", NULL, &err), 0);

	/* refused: a taken name, another organisation's team, no team */
	int64_t mark = fx_audit_mark(f);
	memset(&err, 0, sizeof(err));
	assert_int_equal(team_update(f->db, &w.cli_a, t, "Sales", "x", &err), BRUG_ECONFLICT);
	assert_string_equal(err.field, "name");
	assert_string_equal(err.key, "error.team_name_taken");
	memset(&err, 0, sizeof(err));
	assert_int_equal(team_update(f->db, &w.cli_a, bolt, "Taken over", "x", &err),
	                 BRUG_ENOTFOUND);
	assert_int_equal(err.rc, BRUG_ENOTFOUND);
	assert_int_equal(team_update(f->db, &w.cli_a, 999999, "Ghost", NULL, &err), BRUG_ENOTFOUND);
	s = team_name(f, t);
	assert_string_equal(s, "Service|");
	free(s);
	s = team_name(f, bolt);
	assert_string_equal(s, "Bolt team|");
	free(s);
	s = team_name(f, sales);
	assert_string_equal(s, "Sales|");
	free(s);
	fx_audit_none(f, mark);
	/* a name taken in a is free in b */
	assert_int_equal(team_update(f->db, &w.cli_b, bolt, "Sales", NULL, &err), 0);
}

static void test_delete(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct brug_err err = {0};
	int64_t t = team(f, &w.cli_a, "Support"), keep = team(f, &w.cli_a, "Sales");
	int64_t bolt = team(f, &w.cli_b, "Bolt team");
	assert_int_equal(team_member_set(f->db, &w.cli_a, t, w.ann, true, &err), 0);
	assert_int_equal(team_member_set(f->db, &w.cli_a, t, w.bob, false, &err), 0);
	assert_int_equal(team_member_set(f->db, &w.cli_a, keep, w.bob, false, &err), 0);
	assert_int_equal(team_member_set(f->db, &w.cli_b, bolt, w.cas, false, &err), 0);

	assert_int_equal(team_delete(f->db, &w.cli_a, t, &err), 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM teams WHERE id = ?", DB_ARGS(DB_I(t))), 0);
	assert_int_equal(members(f, t), 0);
	assert_int_equal(members(f, keep), 1);
	assert_int_equal(members(f, bolt), 1);
	/* the users themselves stay */
	assert_int_equal(fx_rows(f, "users"), 3);

	int64_t mark = fx_audit_mark(f);
	memset(&err, 0, sizeof(err));
	assert_int_equal(team_delete(f->db, &w.cli_a, t, &err), BRUG_ENOTFOUND);
	assert_int_equal(err.rc, BRUG_ENOTFOUND);
	assert_int_equal(team_delete(f->db, &w.cli_a, bolt, &err), BRUG_ENOTFOUND);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM teams WHERE id = ?", DB_ARGS(DB_I(bolt))),
	                 1);
	assert_int_equal(members(f, bolt), 1);
	fx_audit_none(f, mark);
	/* the name is free again, and the new team gets a new id: an id
	 * never points at another object than it once did */
	int64_t last = team(f, &w.cli_a, "Last");
	assert_int_equal(team_delete(f->db, &w.cli_a, last, &err), 0);
	int64_t again = team(f, &w.cli_a, "Support");
	assert_true(again > last);
}

static void test_member_set(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct brug_err err = {0};
	int64_t t = team(f, &w.cli_a, "Support");
	int64_t bolt = team(f, &w.cli_b, "Bolt team");
	assert_int_equal(team_member_set(f->db, &w.cli_a, t, w.bob, false, &err), 0);
	assert_int_equal(members(f, t), 1);
	assert_int_equal(fx_int(f,
	                        "SELECT lead FROM team_members WHERE team_id = ? AND user_id = ?",
	                        DB_ARGS(DB_I(t), DB_I(w.bob))),
	                 0);
	/* again: changes the lead flag, no second row */
	assert_int_equal(team_member_set(f->db, &w.cli_a, t, w.bob, true, &err), 0);
	assert_int_equal(members(f, t), 1);
	assert_int_equal(fx_int(f,
	                        "SELECT lead FROM team_members WHERE team_id = ? AND user_id = ?",
	                        DB_ARGS(DB_I(t), DB_I(w.bob))),
	                 1);
	assert_int_equal(team_member_set(f->db, &w.cli_a, t, w.bob, false, &err), 0);
	assert_int_equal(fx_int(f,
	                        "SELECT lead FROM team_members WHERE team_id = ? AND user_id = ?",
	                        DB_ARGS(DB_I(t), DB_I(w.bob))),
	                 0);
	assert_int_equal(
	        fx_int(f, "SELECT org_id FROM team_members WHERE team_id = ?", DB_ARGS(DB_I(t))),
	        w.a);

	/* another organisation's team or user, or none at all: not found, nothing written */
	int64_t rows = fx_rows(f, "team_members"), mark = fx_audit_mark(f);
	struct {
		const struct actor *who;
		int64_t team, user;
	} bad[] = {
	        {&w.cli_a, bolt, w.ann}, /* b's team, a's user */
	        {&w.cli_a, t, w.cas},    /* a's team, b's user */
	        {&w.cli_a, bolt, w.cas}, /* both b's, asked by a */
	        {&w.cli_b, t, w.ann},    /* both a's, asked by b */
	        {&w.cli_b, bolt, w.ann}, /* b's team, a's user, asked by b */
	        {&w.cli_a, 999999, w.ann}, {&w.cli_a, t, 999999}, {&w.cli_a, 0, 0},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(
		        team_member_set(f->db, bad[i].who, bad[i].team, bad[i].user, true, &err),
		        BRUG_ENOTFOUND);
		assert_int_equal(err.rc, BRUG_ENOTFOUND);
		assert_int_equal(fx_rows(f, "team_members"), rows);
		fx_audit_none(f, mark);
	}
	assert_false(db_in_tx(f->db));
}

static void test_member_remove(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct brug_err err = {0};
	int64_t t = team(f, &w.cli_a, "Support");
	int64_t bolt = team(f, &w.cli_b, "Bolt team");
	assert_int_equal(team_member_set(f->db, &w.cli_a, t, w.bob, false, &err), 0);
	assert_int_equal(team_member_set(f->db, &w.cli_a, t, w.ann, false, &err), 0);
	assert_int_equal(team_member_set(f->db, &w.cli_b, bolt, w.cas, false, &err), 0);

	int64_t mark = fx_audit_mark(f);
	assert_int_equal(team_member_remove(f->db, &w.cli_b, t, w.bob, &err), BRUG_ENOTFOUND);
	assert_int_equal(team_member_remove(f->db, &w.cli_a, bolt, w.cas, &err), BRUG_ENOTFOUND);
	assert_int_equal(members(f, t), 2);
	assert_int_equal(members(f, bolt), 1);
	fx_audit_none(f, mark);

	assert_int_equal(team_member_remove(f->db, &w.cli_a, t, w.bob, &err), 0);
	assert_int_equal(members(f, t), 1);
	assert_int_equal(
	        fx_int(f, "SELECT user_id FROM team_members WHERE team_id = ?", DB_ARGS(DB_I(t))),
	        w.ann);
	mark = fx_audit_mark(f);
	memset(&err, 0, sizeof(err));
	assert_int_equal(team_member_remove(f->db, &w.cli_a, t, w.bob, &err), BRUG_ENOTFOUND);
	assert_int_equal(err.rc, BRUG_ENOTFOUND);
	fx_audit_none(f, mark);
}

static void test_counts(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct brug_err err = {0};
	int64_t all = -1, mine = -1;
	assert_int_equal(team_counts(f->db, w.a, w.ann, &all, &mine), 0);
	assert_int_equal(all, 0);
	assert_int_equal(mine, 0);
	int64_t t1 = team(f, &w.cli_a, "One"), t2 = team(f, &w.cli_a, "Two");
	team(f, &w.cli_a, "Three");
	int64_t tb = team(f, &w.cli_b, "Bolt");
	assert_int_equal(team_member_set(f->db, &w.cli_a, t1, w.ann, false, &err), 0);
	assert_int_equal(team_member_set(f->db, &w.cli_a, t2, w.ann, true, &err), 0);
	assert_int_equal(team_member_set(f->db, &w.cli_a, t2, w.bob, false, &err), 0);
	assert_int_equal(team_member_set(f->db, &w.cli_b, tb, w.cas, false, &err), 0);
	assert_int_equal(team_counts(f->db, w.a, w.ann, &all, &mine), 0);
	assert_int_equal(all, 3);
	assert_int_equal(mine, 2);
	assert_int_equal(team_counts(f->db, w.a, w.bob, &all, &mine), 0);
	assert_int_equal(all, 3);
	assert_int_equal(mine, 1);
	assert_int_equal(team_counts(f->db, w.b, w.cas, &all, &mine), 0);
	assert_int_equal(all, 1);
	assert_int_equal(mine, 1);
	/* a's user asked about in b: none of b's teams */
	assert_int_equal(team_counts(f->db, w.b, w.ann, &all, &mine), 0);
	assert_int_equal(all, 1);
	assert_int_equal(mine, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        FX_TEST(test_create_get_list), FX_TEST(test_duplicate_name),
	        FX_TEST(test_update),          FX_TEST(test_delete),
	        FX_TEST(test_member_set),      FX_TEST(test_member_remove),
	        FX_TEST(test_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/domain/audit.c, and for the audit line every domain write
 * leaves: exactly one row, in the writer's organisation, naming the actor,
 * and none at all when the write fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#include "core/rc.h"
#include "domain/audit.h"
#include "domain/org.h"
#include "domain/session.h"
#include "domain/team.h"
#include "domain/token.h"
#include "domain/user.h"
#include "util/clock.h"
#include "util/jx.h"

struct world {
	int64_t a, b;
	int64_t ann, cas;
	struct actor as_ann, cli_a, as_cas;
};

static struct world world(struct fx *f)
{
	struct world w = {0};
	w.a = fx_org(f, "Acme");
	w.b = fx_org(f, "Bolt");
	w.ann = fx_user(f, w.a, "ann@acme.nl", "Ann", ROLE_ADMIN);
	w.cas = fx_user(f, w.b, "cas@bolt.nl", "Cas", ROLE_ADMIN);
	w.as_ann = fx_actor(w.a, w.ann, "ann@acme.nl", "192.0.2.1");
	w.cli_a = fx_cli(w.a);
	w.as_cas = fx_actor(w.b, w.cas, "cas@bolt.nl", "2001:db8::1");
	return w;
}

/* Formats JSON expectations with ids in them. */
static const char *js(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *js(const char *fmt, ...)
{
	static char out[4][512];
	static int slot;
	char *s = out[slot++ % 4];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s, 512, fmt, ap);
	va_end(ap);
	return s;
}

static void test_org_writes(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct brug_err err = {0};
	int64_t mark = fx_audit_mark(f);
	assert_int_equal(org_update(f->db, &w.as_ann, "Acme BV", "en", "Europe/London", &err), 0);
	fx_audit_one(f, mark, w.a, "org.update", "org", w.a, w.ann, "ann@acme.nl", "192.0.2.1",
	             "{\"name\":\"Acme BV\",\"lang\":\"en\",\"timezone\":\"Europe/London\"}");
	mark = fx_audit_mark(f);
	assert_int_equal(org_update(f->db, &w.cli_a, NULL, "nl", NULL, &err), 0);
	fx_audit_one(f, mark, w.a, "org.update", "org", w.a, 0, "cli", "",
	             "{\"lang\":\"nl\"}");

	/* the change itself */
	json_t *j = NULL;
	assert_int_equal(org_get(f->db, w.a, &j), 0);
	assert_string_equal(jx_str(j, "name"), "Acme BV");
	assert_string_equal(jx_str(j, "lang"), "nl");
	assert_string_equal(jx_str(j, "timezone"), "Europe/London");
	json_decref(j);

	/* an organisation that does not exist: nothing */
	mark = fx_audit_mark(f);
	struct actor ghost = fx_cli(999999);
	assert_int_equal(org_update(f->db, &ghost, "Ghost", NULL, NULL, &err), BRUG_ENOTFOUND);
	fx_audit_none(f, mark);
}

static void test_user_writes(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct brug_err err = {0};

	int64_t mark = fx_audit_mark(f), id = 0;
	struct user_new u = {.email = "emp@acme.nl",
	                     .name = "Emp",
	                     .role = ROLE_EMPLOYEE,
	                     .password = "password"};
	assert_int_equal(user_create(f->db, &w.as_ann, &u, &id, &err), 0);
	fx_audit_one(f, mark, w.a, "user.create", "user", id, w.ann, "ann@acme.nl", "192.0.2.1",
	             "{\"email\":\"emp@acme.nl\",\"name\":\"Emp\",\"role\":\"employee\"}");
	/* failed: the address is taken in another organisation */
	mark = fx_audit_mark(f);
	int64_t id2 = 0;
	assert_int_equal(user_create(f->db, &w.as_cas, &u, &id2, &err), BRUG_ECONFLICT);
	fx_audit_none(f, mark);

	struct user_patch p = {.role = ROLE_MANAGER, .disabled = -1};
	assert_int_equal(user_update(f->db, &w.as_ann, id, &p, &err), 0);
	fx_audit_one(f, mark, w.a, "user.update", "user", id, w.ann, "ann@acme.nl", "192.0.2.1",
	             "{\"role\":\"manager\"}");
	mark = fx_audit_mark(f);
	p = (struct user_patch){.name = "Emma", .email = "emma@acme.nl", .lang = "", .disabled = 1};
	assert_int_equal(user_update(f->db, &w.as_ann, id, &p, &err), 0);
	fx_audit_one(f, mark, w.a, "user.update", "user", id, w.ann, "ann@acme.nl", "192.0.2.1",
	             "{\"name\":\"Emma\",\"email\":\"emma@acme.nl\",\"lang\":\"\","
	             "\"disabled\":true}");
	mark = fx_audit_mark(f);
	p = (struct user_patch){.disabled = 0};
	assert_int_equal(user_update(f->db, &w.cli_a, id, &p, &err), 0);
	fx_audit_one(
	        f, mark, w.a, "user.update", "user", id, 0, "cli", "",
	        "{\"disabled\":false}");
	/* failed: the last admin, a taken address, another organisation's user */
	mark = fx_audit_mark(f);
	p = (struct user_patch){.role = ROLE_EMPLOYEE, .disabled = -1};
	assert_int_equal(user_update(f->db, &w.as_ann, w.ann, &p, &err), BRUG_EVALIDATION);
	p = (struct user_patch){.email = "cas@bolt.nl", .disabled = -1};
	assert_int_equal(user_update(f->db, &w.as_ann, id, &p, &err), BRUG_ECONFLICT);
	p = (struct user_patch){.name = "x", .disabled = -1};
	assert_int_equal(user_update(f->db, &w.as_ann, w.cas, &p, &err), BRUG_ENOTFOUND);
	fx_audit_none(f, mark);

	assert_int_equal(user_set_password(f->db, &w.as_ann, id, "another password", 0, &err), 0);
	fx_audit_one(f, mark, w.a, "user.password", "user", id, w.ann, "ann@acme.nl", "192.0.2.1",
	             "{}");
	mark = fx_audit_mark(f);
	assert_int_equal(user_set_password(f->db, &w.as_ann, id, "short", 0, &err),
	                 BRUG_EVALIDATION);
	assert_int_equal(user_set_password(f->db, &w.as_ann, w.cas, "long enough", 0, &err),
	                 BRUG_ENOTFOUND);
	fx_audit_none(f, mark);

	/* reads and sign-ins leave no line */
	int64_t org = 0, uid = 0;
	assert_int_equal(user_authenticate(f->db, "emma@acme.nl", "another password", &org, &uid),
	                 0);
	assert_int_equal(user_authenticate(f->db, "emma@acme.nl", "wrong password", &org, &uid),
	                 BRUG_EAUTH);
	json_t *j = NULL;
	assert_int_equal(user_get(f->db, w.a, id, &j), 0);
	json_decref(j);
	fx_audit_none(f, mark);
}

static void test_team_writes(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct brug_err err = {0};
	int64_t mark = fx_audit_mark(f), t = 0, t2 = 0;
	assert_int_equal(team_create(f->db, &w.as_ann, "Support", "First line", &t, &err), 0);
	fx_audit_one(f, mark, w.a, "team.create", "team", t, w.ann, "ann@acme.nl", "192.0.2.1",
	             "{\"name\":\"Support\",\"description\":\"First line\"}");
	mark = fx_audit_mark(f);
	assert_int_equal(team_create(f->db, &w.cli_a, "Sales", NULL, &t2, &err), 0);
	fx_audit_one(f, mark, w.a, "team.create", "team", t2, 0, "cli", "", "{\"name\":\"Sales\"}");
	mark = fx_audit_mark(f);
	assert_int_equal(team_create(f->db, &w.cli_a, "Sales", NULL, &t2, &err), BRUG_ECONFLICT);
	fx_audit_none(f, mark);

	assert_int_equal(team_update(f->db, &w.as_ann, t, "Service", NULL, &err), 0);
	fx_audit_one(f, mark, w.a, "team.update", "team", t, w.ann, "ann@acme.nl", "192.0.2.1",
	             "{\"name\":\"Service\"}");
	mark = fx_audit_mark(f);
	assert_int_equal(team_update(f->db, &w.as_ann, t, NULL, "Second line", &err), 0);
	fx_audit_one(f, mark, w.a, "team.update", "team", t, w.ann, "ann@acme.nl", "192.0.2.1",
	             "{\"description\":\"Second line\"}");
	mark = fx_audit_mark(f);
	assert_int_equal(team_update(f->db, &w.as_ann, t, "Sales", NULL, &err), BRUG_ECONFLICT);
	assert_int_equal(team_update(f->db, &w.as_cas, t, "Mine now", NULL, &err), BRUG_ENOTFOUND);
	fx_audit_none(f, mark);

	assert_int_equal(team_member_set(f->db, &w.as_ann, t, w.ann, true, &err), 0);
	fx_audit_one(f, mark, w.a, "team.member_set", "team", t, w.ann, "ann@acme.nl", "192.0.2.1",
	             js("{\"user_id\":%lld,\"lead\":true}", (long long)w.ann));
	mark = fx_audit_mark(f);
	assert_int_equal(team_member_set(f->db, &w.as_ann, t, w.cas, false, &err), BRUG_ENOTFOUND);
	assert_int_equal(team_member_set(f->db, &w.as_cas, t, w.cas, false, &err), BRUG_ENOTFOUND);
	fx_audit_none(f, mark);

	assert_int_equal(team_member_remove(f->db, &w.as_ann, t, w.ann, &err), 0);
	fx_audit_one(f, mark, w.a, "team.member_remove", "team", t, w.ann, "ann@acme.nl",
	             "192.0.2.1", js("{\"user_id\":%lld}", (long long)w.ann));
	mark = fx_audit_mark(f);
	assert_int_equal(team_member_remove(f->db, &w.as_ann, t, w.ann, &err), BRUG_ENOTFOUND);
	fx_audit_none(f, mark);

	assert_int_equal(team_delete(f->db, &w.as_ann, t, &err), 0);
	fx_audit_one(f, mark, w.a, "team.delete", "team", t, w.ann, "ann@acme.nl", "192.0.2.1",
	             "{\"name\":\"Service\"}");
	mark = fx_audit_mark(f);
	assert_int_equal(team_delete(f->db, &w.as_ann, t, &err), BRUG_ENOTFOUND);
	assert_int_equal(team_delete(f->db, &w.as_cas, t2, &err), BRUG_ENOTFOUND);
	fx_audit_none(f, mark);
}

static void test_token_writes(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct brug_err err = {0};
	char secret[TOKEN_MAX];
	int64_t mark = fx_audit_mark(f), id = 0;
	assert_int_equal(token_create(f->db, &w.as_ann, w.ann, "CI", 0, secret, &id, &err), 0);
	fx_audit_one(f, mark, w.a, "token.create", "token", id, w.ann, "ann@acme.nl", "192.0.2.1",
	             js("{\"name\":\"CI\",\"user_id\":%lld}", (long long)w.ann));
	mark = fx_audit_mark(f);
	int64_t id2 = 0;
	assert_int_equal(token_create(f->db, &w.as_ann, w.cas, "CI", 0, secret, &id2, &err),
	                 BRUG_ENOTFOUND);
	assert_int_equal(token_revoke(f->db, &w.as_cas, id, 0, &err), BRUG_ENOTFOUND);
	assert_int_equal(token_revoke(f->db, &w.as_ann, id, w.cas, &err), BRUG_ENOTFOUND);
	fx_audit_none(f, mark);
	assert_int_equal(token_revoke(f->db, &w.cli_a, id, 0, &err), 0);
	fx_audit_one(f, mark, w.a, "token.revoke", "token", id, 0, "cli", "", "{}");
}

static void test_add_defaults(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	/* no label: "system"; no ip: ""; no object id: NULL; no details: {} */
	struct actor sys = {.org_id = w.b};
	int64_t mark = fx_audit_mark(f);
	assert_int_equal(audit_add(f->db, &sys, "job.run", "job", 0, NULL), 0);
	fx_audit_one(f, mark, w.b, "job.run", "job", 0, 0, "system", "", "{}");
	/* details are stolen and written as given, nested values too */
	mark = fx_audit_mark(f);
	json_t *d = json_pack("{s:s, s:[i,i], s:{s:b}}", "q", "quote \" and \\ and ü", "ids", 1, 2,
	                      "nested", "ok", 1);
	assert_int_equal(audit_add(f->db, &w.as_ann, "x.y", "thing", 42, d), 0);
	fx_audit_one(
	        f, mark, w.a, "x.y", "thing", 42, w.ann, "ann@acme.nl", "192.0.2.1",
	        "{\"q\":\"quote \\\" and \\\\ and ü\",\"ids\":[1,2],\"nested\":{\"ok\":true}}");
}

/* Adds n entries in org by actor with action "a.<i>"; the ids in order. */
static void add_entries(struct fx *f, const struct actor *who, int n, const char *type,
                        int64_t *ids)
{
	char action[32];
	for (int i = 0; i < n; i++) {
		snprintf(action, sizeof(action), "act.%d", i);
		assert_int_equal(
		        audit_add(f->db, who, action, type, i + 1, json_pack("{s:i}", "i", i)), 0);
		if (ids)
			ids[i] = fx_audit_mark(f);
	}
}

static json_t *list(struct fx *f, int64_t org, struct audit_filter flt)
{
	json_t *j = NULL;
	assert_int_equal(audit_list(f->db, org, &flt, &j), 0);
	return j;
}

/* The ids of the items, joined by commas, relative to base. */
static const char *ids_of(const json_t *j, int64_t base)
{
	static char out[512];
	size_t i, len = 0;
	json_t *it;
	out[0] = '\0';
	json_array_foreach(json_object_get(j, "items"), i, it) len +=
	        (size_t)snprintf(out + len, sizeof(out) - len, "%s%lld", i ? "," : "",
	                         (long long)(jx_int(it, "id", 0) - base));
	return out;
}

static void test_list_paging(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t base = fx_audit_mark(f);
	int64_t ids[5];
	/* interleave another organisation's entries */
	add_entries(f, &w.as_ann, 2, "thing", ids);
	add_entries(f, &w.as_cas, 2, "thing", NULL);
	add_entries(f, &w.as_ann, 3, "thing", ids + 2);
	for (int i = 0; i < 5; i++)
		ids[i] -= base;
	char want[64];
	snprintf(want, sizeof(want), "%lld,%lld", (long long)ids[4], (long long)ids[3]);

	json_t *j = list(f, w.a, (struct audit_filter){.limit = 2});
	assert_string_equal(ids_of(j, base), want);
	assert_int_equal(jx_int(j, "next_before", -1), ids[3] + base);
	/* the item shape */
	json_t *it = json_array_get(json_object_get(j, "items"), 0);
	assert_string_equal(jx_str(it, "action"), "act.2");
	assert_string_equal(jx_str(it, "object_type"), "thing");
	assert_int_equal(jx_int(it, "object_id", 0), 3);
	assert_int_equal(jx_int(it, "actor_id", 0), w.ann);
	assert_string_equal(jx_str(it, "actor"), "ann@acme.nl");
	assert_string_equal(jx_str(it, "ip"), "192.0.2.1");
	fx_json_eq(json_object_get(it, "details"), "{\"i\":2}");
	/* times are ISO 8601 UTC in the API, "at" too (docs/api.md) */
	char iso[32];
	clock_iso8601(
	        fx_int(f, "SELECT at FROM audit_log WHERE id = ?", DB_ARGS(DB_I(ids[4] + base))),
	        iso, sizeof(iso));
	assert_true(json_is_string(json_object_get(it, "at")));
	assert_string_equal(jx_str(it, "at"), iso);
	json_decref(j);

	j = list(f, w.a, (struct audit_filter){.limit = 2, .before_id = ids[3] + base});
	snprintf(want, sizeof(want), "%lld,%lld", (long long)ids[2], (long long)ids[1]);
	assert_string_equal(ids_of(j, base), want);
	assert_int_equal(jx_int(j, "next_before", -1), ids[1] + base);
	json_decref(j);

	/* the last page also holds the fixture's user.create line for ann (id base - 1) */
	j = list(f, w.a, (struct audit_filter){.limit = 3, .before_id = ids[1] + base});
	snprintf(want, sizeof(want), "%lld,-1", (long long)ids[0]);
	assert_string_equal(ids_of(j, base), want);
	assert_true(json_is_null(json_object_get(j, "next_before")));
	json_decref(j);
	/* exactly a page left: no next page */
	j = list(f, w.a, (struct audit_filter){.limit = 2, .before_id = ids[1] + base});
	assert_string_equal(ids_of(j, base), want);
	assert_true(json_is_null(json_object_get(j, "next_before")));
	json_decref(j);
	/* everything of a, plus the user.create lines of the fixture */
	j = list(f, w.a, (struct audit_filter){0});
	assert_int_equal(json_array_size(json_object_get(j, "items")), 6);
	assert_true(json_is_null(json_object_get(j, "next_before")));
	json_decref(j);
	j = list(f, w.a, (struct audit_filter){.limit = 6});
	assert_true(json_is_null(json_object_get(j, "next_before")));
	json_decref(j);
	j = list(f, w.a, (struct audit_filter){.limit = 5});
	assert_int_equal(jx_int(j, "next_before", -1), ids[0] + base);
	json_decref(j);
	/* b sees only its own */
	j = list(f, w.b, (struct audit_filter){0});
	assert_int_equal(json_array_size(json_object_get(j, "items")), 3);
	json_decref(j);
	j = list(f, 999999, (struct audit_filter){0});
	fx_json_eq(j, "{\"items\":[],\"next_before\":null}");
	json_decref(j);
}

static void test_list_limits(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	add_entries(f, &w.as_ann, 60, "thing", NULL);
	/* 61 entries in a: limits outside 1..200 mean 50 */
	json_t *j = list(f, w.a, (struct audit_filter){.limit = 0});
	assert_int_equal(json_array_size(json_object_get(j, "items")), 50);
	assert_true(json_is_integer(json_object_get(j, "next_before")));
	json_decref(j);
	j = list(f, w.a, (struct audit_filter){.limit = 201});
	assert_int_equal(json_array_size(json_object_get(j, "items")), 50);
	json_decref(j);
	j = list(f, w.a, (struct audit_filter){.limit = -1});
	assert_int_equal(json_array_size(json_object_get(j, "items")), 50);
	json_decref(j);
	j = list(f, w.a, (struct audit_filter){.limit = 200});
	assert_int_equal(json_array_size(json_object_get(j, "items")), 61);
	assert_true(json_is_null(json_object_get(j, "next_before")));
	json_decref(j);
	j = list(f, w.a, (struct audit_filter){.limit = 1});
	assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
	json_decref(j);
}

static void test_list_filters(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct brug_err err = {0};
	int64_t base = fx_audit_mark(f), t = 0;
	assert_int_equal(team_create(f->db, &w.as_ann, "Support", NULL, &t, &err), 0);
	assert_int_equal(team_update(f->db, &w.cli_a, t, "Service", NULL, &err), 0);
	int64_t emp = fx_user(f, w.a, "emp@acme.nl", "Emp", ROLE_EMPLOYEE); /* by cli */
	struct user_patch p = {.name = "Emma", .disabled = -1};
	assert_int_equal(user_update(f->db, &w.as_ann, emp, &p, &err), 0);
	/* in b, the same actions */
	int64_t tb = 0;
	assert_int_equal(team_create(f->db, &w.as_cas, "Support", NULL, &tb, &err), 0);

	/* 1 team.create, 2 team.update, 3 user.create, 4 user.update (ids after base) */
	json_t *j = list(f, w.a, (struct audit_filter){.action = "team.create"});
	assert_string_equal(ids_of(j, base), "1");
	json_decref(j);
	j = list(f, w.a, (struct audit_filter){.object_type = "team"});
	assert_string_equal(ids_of(j, base), "2,1");
	json_decref(j);
	/* with the fixture's user.create of ann, base - 1 */
	j = list(f, w.a, (struct audit_filter){.object_type = "user"});
	assert_string_equal(ids_of(j, base), "4,3,-1");
	json_decref(j);
	j = list(f, w.a, (struct audit_filter){.actor_id = w.ann});
	assert_string_equal(ids_of(j, base), "4,1");
	json_decref(j);
	j = list(f, w.a, (struct audit_filter){.actor_id = w.ann, .object_type = "team"});
	assert_string_equal(ids_of(j, base), "1");
	json_decref(j);
	j = list(f, w.a, (struct audit_filter){.action = "user.update", .object_type = "team"});
	assert_string_equal(ids_of(j, base), "");
	json_decref(j);
	j = list(f, w.a, (struct audit_filter){.object_type = "team", .limit = 1});
	assert_string_equal(ids_of(j, base), "2");
	assert_int_equal(jx_int(j, "next_before", 0), base + 2);
	json_decref(j);
	j = list(f, w.a,
	         (struct audit_filter){.object_type = "team", .limit = 1, .before_id = base + 2});
	assert_string_equal(ids_of(j, base), "1");
	assert_true(json_is_null(json_object_get(j, "next_before")));
	json_decref(j);
	/* another organisation's actor finds nothing in a */
	j = list(f, w.a, (struct audit_filter){.actor_id = w.cas});
	assert_string_equal(ids_of(j, base), "");
	json_decref(j);
	j = list(f, w.b, (struct audit_filter){.action = "team.create"});
	assert_string_equal(ids_of(j, base), "5");
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        FX_TEST(test_org_writes),   FX_TEST(test_user_writes),  FX_TEST(test_team_writes),
	        FX_TEST(test_token_writes), FX_TEST(test_add_defaults), FX_TEST(test_list_paging),
	        FX_TEST(test_list_limits),  FX_TEST(test_list_filters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

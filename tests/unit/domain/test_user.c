/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/domain/user.c: creation and the installation-wide email
 * rule, updates and the rules that keep an organisation administrable,
 * passwords, sign-in and the user list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#include "core/rc.h"
#include "core/secure.h"
#include "domain/session.h"
#include "domain/team.h"
#include "domain/user.h"
#include "util/clock.h"
#include "util/jx.h"

/* Two organisations, each with an admin. */
struct world {
	int64_t a, b; /* orgs */
	int64_t admin_a, admin_b;
	struct actor as_admin_a;
};

static struct world world(struct fx *f)
{
	struct world w = {0};
	w.a = fx_org(f, "Acme");
	w.b = fx_org(f, "Bolt");
	w.admin_a = fx_user(f, w.a, "admin@acme.nl", "Anna Admin", ROLE_ADMIN);
	w.admin_b = fx_user(f, w.b, "admin@bolt.nl", "Bert Admin", ROLE_ADMIN);
	w.as_admin_a = fx_actor(w.a, w.admin_a, "admin@acme.nl", "192.0.2.1");
	return w;
}

static char *user_email(struct fx *f, int64_t id)
{
	return fx_text(f, "SELECT email FROM users WHERE id = ?", DB_ARGS(DB_I(id)));
}

static int64_t sessions_of(struct fx *f, int64_t user)
{
	return fx_int(f, "SELECT COUNT(*) FROM sessions WHERE user_id = ?", DB_ARGS(DB_I(user)));
}

static int64_t new_session(struct fx *f, int64_t org, int64_t user)
{
	char cookie[SESSION_COOKIE_MAX];
	int64_t id = 0;
	assert_int_equal(
	        session_create(f->db, org, user, "192.0.2.9", "test", 3600000, cookie, &id), 0);
	return id;
}

/* ---- create ---- */

static void test_create_and_get(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct user_new u = {.email = "carla@acme.nl",
	                     .name = "Carla",
	                     .role = ROLE_MANAGER,
	                     .lang = "en",
	                     .password = "s3cret pass"};
	struct brug_err err = {0};
	int64_t id = 0;
	assert_int_equal(user_create(f->db, &w.as_admin_a, &u, &id, &err), 0);
	assert_true(id > 0);

	json_t *j = NULL;
	assert_int_equal(user_get(f->db, w.a, id, &j), 0);
	assert_int_equal(jx_int(j, "id", 0), id);
	assert_string_equal(jx_str(j, "email"), "carla@acme.nl");
	assert_string_equal(jx_str(j, "name"), "Carla");
	assert_string_equal(jx_str(j, "role"), "manager");
	assert_string_equal(jx_str(j, "lang"), "en");
	assert_true(json_is_false(json_object_get(j, "is_disabled")));
	assert_true(json_is_null(json_object_get(j, "disabled_at")));
	assert_true(json_is_null(json_object_get(j, "last_login_at")));
	assert_int_equal(strlen(jx_str(j, "created_at")), 24);
	fx_json_eq(json_object_get(j, "teams"), "[]");
	json_decref(j);

	/* the login row points at the user */
	assert_int_equal(fx_int(f,
	                        "SELECT COUNT(*) FROM logins WHERE email = 'carla@acme.nl'"
	                        " AND org_id = ? AND user_id = ?",
	                        DB_ARGS(DB_I(w.a), DB_I(id))),
	                 1);
	int64_t org = 0, found = 0, n = 0;
	assert_int_equal(user_login_org(f->db, "carla@acme.nl", &org), 0);
	assert_int_equal(org, w.a);
	assert_int_equal(user_find(f->db, w.a, "carla@acme.nl", &found), 0);
	assert_int_equal(found, id);
	assert_int_equal(user_find(f->db, w.b, "carla@acme.nl", &found), BRUG_ENOTFOUND);
	assert_int_equal(user_login_org(f->db, "nobody@acme.nl", &org), BRUG_ENOTFOUND);
	assert_int_equal(user_count(f->db, w.a, &n), 0);
	assert_int_equal(n, 2);
	assert_true(user_password_ok(f->db, w.a, id, "s3cret pass"));
	assert_false(user_password_ok(f->db, w.a, id, "s3cret pasS"));
	assert_false(user_password_ok(f->db, w.b, id, "s3cret pass"));

	/* lang NULL stays NULL */
	u = (struct user_new){.email = "dirk@acme.nl",
	                      .name = "Dirk",
	                      .role = ROLE_EMPLOYEE,
	                      .password = "12345678"};
	assert_int_equal(user_create(f->db, &w.as_admin_a, &u, &id, &err), 0);
	assert_int_equal(user_get(f->db, w.a, id, &j), 0);
	assert_true(json_is_null(json_object_get(j, "lang")));
	assert_string_equal(jx_str(j, "role"), "employee");
	json_decref(j);
}

static void test_get_other_org(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	json_t *j = NULL;
	assert_int_equal(user_get(f->db, w.a, w.admin_b, &j), BRUG_ENOTFOUND);
	assert_null(j);
	assert_int_equal(user_get(f->db, w.a, 999999, &j), BRUG_ENOTFOUND);
}

static void test_create_email_taken(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t users = fx_rows(f, "users"), logins = fx_rows(f, "logins");
	int64_t mark = fx_audit_mark(f);
	struct actor as_b = fx_actor(w.b, w.admin_b, "admin@bolt.nl", "");

	/* the same address in another organisation */
	struct user_new u = {.email = "admin@acme.nl",
	                     .name = "Copy",
	                     .role = ROLE_EMPLOYEE,
	                     .password = "password"};
	struct brug_err err = {0};
	int64_t id = -7;
	assert_int_equal(user_create(f->db, &as_b, &u, &id, &err), BRUG_ECONFLICT);
	assert_int_equal(err.rc, BRUG_ECONFLICT);
	assert_string_equal(err.field, "email");
	assert_string_equal(err.key, "error.email_taken");
	assert_int_equal(id, -7);
	/* no half rows: neither the users row of org b nor a logins row */
	assert_int_equal(fx_rows(f, "users"), users);
	assert_int_equal(fx_rows(f, "logins"), logins);
	assert_int_equal(
	        fx_int(f, "SELECT COUNT(*) FROM users WHERE org_id = ?", DB_ARGS(DB_I(w.b))), 1);
	fx_audit_none(f, mark);

	/* and in the same organisation */
	memset(&err, 0, sizeof(err));
	assert_int_equal(user_create(f->db, &w.as_admin_a, &u, &id, &err), BRUG_ECONFLICT);
	assert_string_equal(err.field, "email");
	assert_int_equal(fx_rows(f, "users"), users);
	assert_int_equal(fx_rows(f, "logins"), logins);
	fx_audit_none(f, mark);

	/* the connection is usable afterwards: no transaction left open */
	assert_false(db_in_tx(f->db));
	u.email = "new@bolt.nl";
	assert_int_equal(user_create(f->db, &as_b, &u, &id, &err), 0);
	assert_int_equal(fx_rows(f, "users"), users + 1);
	assert_int_equal(fx_rows(f, "logins"), logins + 1);
}

static void test_create_password_rules(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t users = fx_rows(f, "users"), mark = fx_audit_mark(f), id = 0;
	char long_pw[USER_PASSWORD_MAX + 2];
	memset(long_pw, 'x', sizeof(long_pw) - 1);
	long_pw[sizeof(long_pw) - 1] = '\0';
	struct user_new u = {
	        .email = "e@acme.nl", .name = "E", .role = ROLE_EMPLOYEE, .password = "1234567"};
	struct brug_err err = {0};
	assert_int_equal(user_create(f->db, &w.as_admin_a, &u, &id, &err), BRUG_EVALIDATION);
	assert_string_equal(err.field, "password");
	assert_string_equal(err.key, "error.password_short");
	u.password = long_pw;
	assert_int_equal(user_create(f->db, &w.as_admin_a, &u, &id, &err), BRUG_EVALIDATION);
	assert_string_equal(err.field, "password");
	assert_string_equal(err.key, "error.too_long");
	assert_int_equal(fx_rows(f, "users"), users);
	fx_audit_none(f, mark);
	long_pw[USER_PASSWORD_MAX] = '\0'; /* exactly the maximum */
	assert_int_equal(user_create(f->db, &w.as_admin_a, &u, &id, &err), 0);
	u.email = "f@acme.nl";
	u.password = "12345678"; /* exactly the minimum */
	assert_int_equal(user_create(f->db, &w.as_admin_a, &u, &id, &err), 0);
	assert_int_equal(fx_rows(f, "users"), users + 2);
}

/* ---- update ---- */

static void test_update_fields(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t id = fx_user(f, w.a, "emp@acme.nl", "Emma", ROLE_EMPLOYEE);
	struct brug_err err = {0};
	struct user_patch p = {
	        .name = "Emma Jansen", .role = ROLE_MANAGER, .lang = "en", .disabled = -1};
	assert_int_equal(user_update(f->db, &w.as_admin_a, id, &p, &err), 0);
	json_t *j = NULL;
	assert_int_equal(user_get(f->db, w.a, id, &j), 0);
	assert_string_equal(jx_str(j, "name"), "Emma Jansen");
	assert_string_equal(jx_str(j, "role"), "manager");
	assert_string_equal(jx_str(j, "lang"), "en");
	assert_string_equal(jx_str(j, "email"), "emp@acme.nl");
	assert_true(json_is_false(json_object_get(j, "is_disabled")));
	json_decref(j);

	/* an empty patch changes nothing */
	p = (struct user_patch){.disabled = -1};
	assert_int_equal(user_update(f->db, &w.as_admin_a, id, &p, &err), 0);
	assert_int_equal(user_get(f->db, w.a, id, &j), 0);
	assert_string_equal(jx_str(j, "name"), "Emma Jansen");
	assert_string_equal(jx_str(j, "role"), "manager");
	assert_string_equal(jx_str(j, "lang"), "en");
	json_decref(j);

	/* lang "" goes back to following the browser: NULL */
	p = (struct user_patch){.lang = "", .disabled = -1};
	assert_int_equal(user_update(f->db, &w.as_admin_a, id, &p, &err), 0);
	assert_int_equal(
	        fx_int(f, "SELECT lang IS NULL FROM users WHERE id = ?", DB_ARGS(DB_I(id))), 1);

	/* email moves the login row with it */
	p = (struct user_patch){.email = "emma@acme.nl", .disabled = -1};
	assert_int_equal(user_update(f->db, &w.as_admin_a, id, &p, &err), 0);
	char *e = user_email(f, id);
	assert_string_equal(e, "emma@acme.nl");
	free(e);
	assert_int_equal(
	        fx_int(f, "SELECT COUNT(*) FROM logins WHERE user_id = ?", DB_ARGS(DB_I(id))), 1);
	assert_int_equal(
	        fx_int(f, "SELECT COUNT(*) FROM logins WHERE email = 'emp@acme.nl'", DB_NOARGS), 0);
	assert_int_equal(
	        fx_int(f, "SELECT user_id FROM logins WHERE email = 'emma@acme.nl' AND org_id = ?",
	               DB_ARGS(DB_I(w.a))),
	        id);
	int64_t org = 0, uid = 0;
	assert_int_equal(user_authenticate(f->db, "emma@acme.nl", FX_PASSWORD, &org, &uid), 0);
	assert_int_equal(uid, id);
	assert_int_equal(user_authenticate(f->db, "emp@acme.nl", FX_PASSWORD, &org, &uid),
	                 BRUG_EAUTH);
	/* the old address is free again, in any organisation */
	fx_user(f, w.b, "emp@acme.nl", "Other Emp", ROLE_EMPLOYEE);

	/* the user's own address again is no conflict */
	p = (struct user_patch){.email = "emma@acme.nl", .disabled = -1};
	assert_int_equal(user_update(f->db, &w.as_admin_a, id, &p, &err), 0);
	assert_int_equal(
	        fx_int(f, "SELECT COUNT(*) FROM logins WHERE user_id = ?", DB_ARGS(DB_I(id))), 1);
}

static void test_update_email_taken(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t id = fx_user(f, w.a, "emp@acme.nl", "Emma", ROLE_EMPLOYEE);
	int64_t mark = fx_audit_mark(f);
	static const char *const taken[] = {"admin@bolt.nl", "admin@acme.nl"};
	for (size_t i = 0; i < 2; i++) {
		struct brug_err err = {0};
		struct user_patch p = {.email = taken[i], .name = "Changed", .disabled = -1};
		assert_int_equal(user_update(f->db, &w.as_admin_a, id, &p, &err), BRUG_ECONFLICT);
		assert_string_equal(err.field, "email");
		assert_string_equal(err.key, "error.email_taken");
		/* nothing moved: not the login row, not the name */
		char *e = user_email(f, id);
		assert_string_equal(e, "emp@acme.nl");
		free(e);
		char *name = fx_text(f, "SELECT name FROM users WHERE id = ?", DB_ARGS(DB_I(id)));
		assert_string_equal(name, "Emma");
		free(name);
		assert_int_equal(fx_int(f, "SELECT user_id FROM logins WHERE email = 'emp@acme.nl'",
		                        DB_NOARGS),
		                 id);
		assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM logins WHERE user_id = ?",
		                        DB_ARGS(DB_I(id))),
		                 1);
		fx_audit_none(f, mark);
	}
	assert_int_equal(
	        fx_int(f, "SELECT user_id FROM logins WHERE email = 'admin@bolt.nl'", DB_NOARGS),
	        w.admin_b);
	assert_false(db_in_tx(f->db));
}

static void test_update_not_found(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t mark = fx_audit_mark(f);
	struct brug_err err = {0};
	struct user_patch p = {
	        .name = "Hijacked", .email = "x@acme.nl", .role = ROLE_EMPLOYEE, .disabled = 1};
	assert_int_equal(user_update(f->db, &w.as_admin_a, w.admin_b, &p, &err), BRUG_ENOTFOUND);
	assert_int_equal(err.rc, BRUG_ENOTFOUND);
	assert_int_equal(user_update(f->db, &w.as_admin_a, 999999, &p, &err), BRUG_ENOTFOUND);
	char *name =
	        fx_text(f, "SELECT name || '/' || role || '/' || email FROM users WHERE id = ?",
	                DB_ARGS(DB_I(w.admin_b)));
	assert_string_equal(name, "Bert Admin/admin/admin@bolt.nl");
	free(name);
	assert_int_equal(fx_int(f, "SELECT disabled_at IS NULL FROM users WHERE id = ?",
	                        DB_ARGS(DB_I(w.admin_b))),
	                 1);
	assert_int_equal(fx_rows(f, "logins"), 2);
	fx_audit_none(f, mark);
}

static void test_last_admin(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct actor cli = fx_cli(w.a);
	int64_t mark = fx_audit_mark(f);
	struct brug_err err = {0};

	/* the only admin: neither demoted (also not by themselves) nor disabled */
	struct user_patch demote = {.role = ROLE_MANAGER, .disabled = -1};
	struct user_patch disable = {.disabled = 1};
	assert_int_equal(user_update(f->db, &w.as_admin_a, w.admin_a, &demote, &err),
	                 BRUG_EVALIDATION);
	assert_string_equal(err.field, "role");
	assert_string_equal(err.key, "error.last_admin");
	memset(&err, 0, sizeof(err));
	assert_int_equal(user_update(f->db, &cli, w.admin_a, &demote, &err), BRUG_EVALIDATION);
	assert_string_equal(err.field, "role");
	memset(&err, 0, sizeof(err));
	assert_int_equal(user_update(f->db, &cli, w.admin_a, &disable, &err), BRUG_EVALIDATION);
	assert_string_equal(err.field, "disabled");
	assert_string_equal(err.key, "error.last_admin");
	assert_int_equal(fx_int(f,
	                        "SELECT COUNT(*) FROM users WHERE org_id = ? AND role = 'admin'"
	                        " AND disabled_at IS NULL",
	                        DB_ARGS(DB_I(w.a))),
	                 1);
	fx_audit_none(f, mark);

	/* an admin of another organisation does not count */
	assert_int_equal(user_update(f->db, &cli, w.admin_a, &demote, &err), BRUG_EVALIDATION);

	/* a disabled second admin does not count either */
	int64_t second = fx_user(f, w.a, "second@acme.nl", "Second", ROLE_ADMIN);
	assert_int_equal(user_update(f->db, &w.as_admin_a, second, &disable, &err), 0);
	mark = fx_audit_mark(f);
	assert_int_equal(user_update(f->db, &cli, w.admin_a, &demote, &err), BRUG_EVALIDATION);
	assert_string_equal(err.field, "role");
	fx_audit_none(f, mark);

	/* with two active admins, one can go */
	struct user_patch enable = {.disabled = 0};
	assert_int_equal(user_update(f->db, &w.as_admin_a, second, &enable, &err), 0);
	assert_int_equal(user_update(f->db, &cli, w.admin_a, &demote, &err), 0);
	char *role = fx_text(f, "SELECT role FROM users WHERE id = ?", DB_ARGS(DB_I(w.admin_a)));
	assert_string_equal(role, "manager");
	free(role);

	/* and now the second is the last one */
	memset(&err, 0, sizeof(err));
	assert_int_equal(user_update(f->db, &cli, second, &disable, &err), BRUG_EVALIDATION);
	assert_string_equal(err.field, "disabled");
	memset(&err, 0, sizeof(err));
	assert_int_equal(user_update(f->db, &cli, second, &demote, &err), BRUG_EVALIDATION);
	assert_string_equal(err.field, "role");

	/* promote the first back; then the second can be disabled */
	struct user_patch promote = {.role = ROLE_ADMIN, .disabled = -1};
	assert_int_equal(user_update(f->db, &cli, w.admin_a, &promote, &err), 0);
	assert_int_equal(user_update(f->db, &cli, second, &disable, &err), 0);
	assert_int_equal(fx_int(f, "SELECT disabled_at IS NOT NULL FROM users WHERE id = ?",
	                        DB_ARGS(DB_I(second))),
	                 1);
	/* demoting a non-admin needs no check */
	int64_t m = fx_user(f, w.a, "m@acme.nl", "M", ROLE_MANAGER);
	struct user_patch to_emp = {.role = ROLE_EMPLOYEE, .disabled = -1};
	assert_int_equal(user_update(f->db, &cli, m, &to_emp, &err), 0);
}

static void test_self_disable(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	fx_user(f, w.a, "second@acme.nl", "Second", ROLE_ADMIN);
	int64_t mgr = fx_user(f, w.a, "mgr@acme.nl", "Manager", ROLE_MANAGER);
	int64_t mark = fx_audit_mark(f);
	struct user_patch disable = {.disabled = 1};
	struct brug_err err = {0};
	assert_int_equal(user_update(f->db, &w.as_admin_a, w.admin_a, &disable, &err),
	                 BRUG_EVALIDATION);
	assert_string_equal(err.field, "disabled");
	assert_string_equal(err.key, "error.self_disable");
	struct actor as_mgr = fx_actor(w.a, mgr, "mgr@acme.nl", "");
	memset(&err, 0, sizeof(err));
	assert_int_equal(user_update(f->db, &as_mgr, mgr, &disable, &err), BRUG_EVALIDATION);
	assert_string_equal(err.field, "disabled");
	assert_int_equal(
	        fx_int(f, "SELECT COUNT(*) FROM users WHERE disabled_at IS NOT NULL", DB_NOARGS),
	        0);
	fx_audit_none(f, mark);
	/* someone else may */
	assert_int_equal(user_update(f->db, &w.as_admin_a, mgr, &disable, &err), 0);
}

static void test_disable_ends_sessions(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t emp = fx_user(f, w.a, "emp@acme.nl", "Emp", ROLE_EMPLOYEE);
	new_session(f, w.a, emp);
	new_session(f, w.a, emp);
	new_session(f, w.a, w.admin_a);
	new_session(f, w.b, w.admin_b);
	struct brug_err err = {0};
	struct user_patch disable = {.disabled = 1};
	int64_t before = clock_now_ms();
	assert_int_equal(user_update(f->db, &w.as_admin_a, emp, &disable, &err), 0);
	assert_int_equal(sessions_of(f, emp), 0);
	assert_int_equal(sessions_of(f, w.admin_a), 1);
	assert_int_equal(sessions_of(f, w.admin_b), 1);
	int64_t at = fx_int(f, "SELECT disabled_at FROM users WHERE id = ?", DB_ARGS(DB_I(emp)));
	assert_true(at >= before && at <= clock_now_ms());

	/* disabling again keeps the first time */
	fx_shift(f, 60000);
	assert_int_equal(user_update(f->db, &w.as_admin_a, emp, &disable, &err), 0);
	assert_int_equal(
	        fx_int(f, "SELECT disabled_at FROM users WHERE id = ?", DB_ARGS(DB_I(emp))), at);
	json_t *j = NULL;
	assert_int_equal(user_get(f->db, w.a, emp, &j), 0);
	assert_true(json_is_true(json_object_get(j, "is_disabled")));
	assert_true(json_is_string(json_object_get(j, "disabled_at")));
	json_decref(j);

	/* enabling clears it; sessions stay gone */
	struct user_patch enable = {.disabled = 0};
	assert_int_equal(user_update(f->db, &w.as_admin_a, emp, &enable, &err), 0);
	assert_int_equal(
	        fx_int(f, "SELECT disabled_at IS NULL FROM users WHERE id = ?", DB_ARGS(DB_I(emp))),
	        1);
	assert_int_equal(sessions_of(f, emp), 0);
}

/* ---- passwords ---- */

static void test_set_password(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t emp = fx_user(f, w.a, "emp@acme.nl", "Emp", ROLE_EMPLOYEE);
	new_session(f, w.a, emp);
	int64_t keep = new_session(f, w.a, emp);
	new_session(f, w.a, emp);
	new_session(f, w.a, w.admin_a);
	struct brug_err err = {0};
	assert_int_equal(user_set_password(f->db, &w.as_admin_a, emp, "new password", keep, &err),
	                 0);
	assert_int_equal(sessions_of(f, emp), 1);
	assert_int_equal(fx_int(f, "SELECT id FROM sessions WHERE user_id = ?", DB_ARGS(DB_I(emp))),
	                 keep);
	assert_int_equal(sessions_of(f, w.admin_a), 1);
	assert_true(user_password_ok(f->db, w.a, emp, "new password"));
	assert_false(user_password_ok(f->db, w.a, emp, FX_PASSWORD));
	int64_t org = 0, uid = 0;
	assert_int_equal(user_authenticate(f->db, "emp@acme.nl", FX_PASSWORD, &org, &uid),
	                 BRUG_EAUTH);
	assert_int_equal(user_authenticate(f->db, "emp@acme.nl", "new password", &org, &uid), 0);
	assert_int_equal(uid, emp);

	/* keep_session 0: every session ends */
	assert_int_equal(user_set_password(f->db, &w.as_admin_a, emp, "newer password", 0, &err),
	                 0);
	assert_int_equal(sessions_of(f, emp), 0);
	assert_int_equal(sessions_of(f, w.admin_a), 1);

	/* refused: too short, or another organisation's user; nothing changes */
	new_session(f, w.b, w.admin_b);
	char *hash = fx_text(f, "SELECT password_hash FROM users WHERE id = ?",
	                     DB_ARGS(DB_I(w.admin_b)));
	int64_t mark = fx_audit_mark(f);
	memset(&err, 0, sizeof(err));
	assert_int_equal(user_set_password(f->db, &w.as_admin_a, emp, "short", 0, &err),
	                 BRUG_EVALIDATION);
	assert_string_equal(err.field, "password");
	assert_true(user_password_ok(f->db, w.a, emp, "newer password"));
	memset(&err, 0, sizeof(err));
	assert_int_equal(user_set_password(f->db, &w.as_admin_a, w.admin_b, "takeover!", 0, &err),
	                 BRUG_ENOTFOUND);
	assert_int_equal(err.rc, BRUG_ENOTFOUND);
	char *after = fx_text(f, "SELECT password_hash FROM users WHERE id = ?",
	                      DB_ARGS(DB_I(w.admin_b)));
	assert_string_equal(after, hash);
	assert_int_equal(sessions_of(f, w.admin_b), 1);
	free(hash);
	free(after);
	fx_audit_none(f, mark);
	assert_false(db_in_tx(f->db));
}

/* ---- sign-in ---- */

static void test_authenticate(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t emp = fx_user(f, w.b, "emp@bolt.nl", "Emp", ROLE_EMPLOYEE);
	int64_t org = -1, uid = -1;
	int64_t before = clock_now_ms();
	assert_int_equal(user_authenticate(f->db, "emp@bolt.nl", FX_PASSWORD, &org, &uid), 0);
	assert_int_equal(org, w.b);
	assert_int_equal(uid, emp);
	int64_t at = fx_int(f, "SELECT last_login_at FROM users WHERE id = ?", DB_ARGS(DB_I(emp)));
	assert_true(at >= before && at <= clock_now_ms());
	/* nobody else's last_login_at moved */
	assert_int_equal(
	        fx_int(f, "SELECT COUNT(*) FROM users WHERE last_login_at IS NOT NULL", DB_NOARGS),
	        1);

	/* every failure is the same BRUG_EAUTH and writes nothing */
	fx_shift(f, 3600000);
	org = uid = -1;
	assert_int_equal(user_authenticate(f->db, "emp@bolt.nl", "wrong password", &org, &uid),
	                 BRUG_EAUTH);
	assert_int_equal(user_authenticate(f->db, "emp@bolt.nl", "", &org, &uid), BRUG_EAUTH);
	assert_int_equal(user_authenticate(f->db, "nobody@bolt.nl", FX_PASSWORD, &org, &uid),
	                 BRUG_EAUTH);
	assert_int_equal(user_authenticate(f->db, "", FX_PASSWORD, &org, &uid), BRUG_EAUTH);
	/* email look-up is exact: callers lower-case */
	assert_int_equal(user_authenticate(f->db, "EMP@bolt.nl", FX_PASSWORD, &org, &uid),
	                 BRUG_EAUTH);
	assert_int_equal(org, -1);
	assert_int_equal(uid, -1);
	assert_int_equal(
	        fx_int(f, "SELECT last_login_at FROM users WHERE id = ?", DB_ARGS(DB_I(emp))), at);

	/* disabled: the right password no longer works */
	struct brug_err err = {0};
	struct user_patch disable = {.disabled = 1};
	struct actor as_b = fx_actor(w.b, w.admin_b, "admin@bolt.nl", "");
	assert_int_equal(user_update(f->db, &as_b, emp, &disable, &err), 0);
	assert_int_equal(user_authenticate(f->db, "emp@bolt.nl", FX_PASSWORD, &org, &uid),
	                 BRUG_EAUTH);
	assert_int_equal(org, -1);
	assert_int_equal(
	        fx_int(f, "SELECT last_login_at FROM users WHERE id = ?", DB_ARGS(DB_I(emp))), at);
	/* and again when enabled */
	struct user_patch enable = {.disabled = 0};
	assert_int_equal(user_update(f->db, &as_b, emp, &enable, &err), 0);
	assert_int_equal(user_authenticate(f->db, "emp@bolt.nl", FX_PASSWORD, &org, &uid), 0);
	assert_true(fx_int(f, "SELECT last_login_at FROM users WHERE id = ?", DB_ARGS(DB_I(emp))) >=
	            at + 3600000);
}

static void test_authenticate_rehash(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	char *weak = fx_text(f, "SELECT password_hash FROM users WHERE id = ?",
	                     DB_ARGS(DB_I(w.admin_a)));
	assert_int_equal(secure_setup("interactive"), 0); /* fx_teardown goes back to "test" */
	assert_true(secure_password_needs_rehash(weak));
	/* a failed sign-in upgrades nothing */
	int64_t org = 0, uid = 0;
	assert_int_equal(user_authenticate(f->db, "admin@acme.nl", "wrong password", &org, &uid),
	                 BRUG_EAUTH);
	char *same = fx_text(f, "SELECT password_hash FROM users WHERE id = ?",
	                     DB_ARGS(DB_I(w.admin_a)));
	assert_string_equal(same, weak);
	free(same);

	assert_int_equal(user_authenticate(f->db, "admin@acme.nl", FX_PASSWORD, &org, &uid), 0);
	char *strong = fx_text(f, "SELECT password_hash FROM users WHERE id = ?",
	                       DB_ARGS(DB_I(w.admin_a)));
	assert_string_not_equal(strong, weak);
	assert_false(secure_password_needs_rehash(strong));
	assert_true(secure_password_verify(strong, FX_PASSWORD));
	assert_true(strncmp(strong, "$argon2id$", 10) == 0);
	/* the upgraded hash is stable on the next sign-in */
	assert_int_equal(user_authenticate(f->db, "admin@acme.nl", FX_PASSWORD, &org, &uid), 0);
	char *again = fx_text(f, "SELECT password_hash FROM users WHERE id = ?",
	                      DB_ARGS(DB_I(w.admin_a)));
	assert_string_equal(again, strong);
	free(again);
	/* a lowered cost is followed too: every hash converges on the
	 * configured cost, so sign-in time does not tell who has an account */
	assert_int_equal(secure_setup("test"), 0);
	assert_int_equal(user_authenticate(f->db, "admin@acme.nl", FX_PASSWORD, &org, &uid), 0);
	again = fx_text(f, "SELECT password_hash FROM users WHERE id = ?",
	                DB_ARGS(DB_I(w.admin_a)));
	assert_string_not_equal(again, strong);
	assert_false(secure_password_needs_rehash(again));
	free(weak);
	free(strong);
	free(again);
}

/* ---- the list ---- */

static json_t *list(struct fx *f, int64_t org, struct user_filter flt)
{
	json_t *j = NULL;
	assert_int_equal(user_list(f->db, org, &flt, &j), 0);
	return j;
}

/* The emails of the items, joined by spaces. */
static char *emails(const json_t *j)
{
	static char out[2048];
	size_t i, len = 0;
	json_t *it;
	out[0] = '\0';
	json_array_foreach(json_object_get(j, "items"), i, it) len += (size_t)snprintf(
	        out + len, sizeof(out) - len, "%s%s", i ? " " : "", jx_str(it, "email"));
	return out;
}

static void expect_list(struct fx *f, int64_t org, struct user_filter flt, int64_t total,
                        const char *want)
{
	json_t *j = list(f, org, flt);
	assert_int_equal(jx_int(j, "total", -1), total);
	assert_string_equal(emails(j), want);
	json_decref(j);
}

static void test_list_q_literal(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	fx_user(f, w.a, "pct@acme.nl", "100% Ann", ROLE_EMPLOYEE);
	fx_user(f, w.a, "ten@acme.nl", "10 Ann", ROLE_EMPLOYEE);
	fx_user(f, w.a, "under@acme.nl", "Bob_x", ROLE_EMPLOYEE);
	fx_user(f, w.a, "bobax@acme.nl", "Bobax", ROLE_EMPLOYEE);
	fx_user(f, w.a, "slash@acme.nl", "Back\\slash", ROLE_EMPLOYEE);
	fx_user(f, w.a, "plain@acme.nl", "Backslash", ROLE_EMPLOYEE);
	fx_user(f, w.b, "pct@bolt.nl", "100% Bolt", ROLE_EMPLOYEE);

	expect_list(f, w.a, (struct user_filter){.q = "%"}, 1, "pct@acme.nl");
	expect_list(f, w.a, (struct user_filter){.q = "0%"}, 1, "pct@acme.nl");
	expect_list(f, w.a, (struct user_filter){.q = "_"}, 1, "under@acme.nl");
	expect_list(f, w.a, (struct user_filter){.q = "b_x"}, 1, "under@acme.nl");
	expect_list(f, w.a, (struct user_filter){.q = "\\"}, 1, "slash@acme.nl");
	expect_list(f, w.a, (struct user_filter){.q = "k\\s"}, 1, "slash@acme.nl");
	/* case does not matter, in name or address */
	expect_list(f, w.a, (struct user_filter){.q = "ANN"}, 3,
	            "ten@acme.nl pct@acme.nl admin@acme.nl");
	expect_list(f, w.a, (struct user_filter){.q = "BOBAX@"}, 1, "bobax@acme.nl");
	expect_list(f, w.a, (struct user_filter){.q = "zzz"}, 0, "");
	/* "" is no filter */
	json_t *j = list(f, w.a, (struct user_filter){.q = ""});
	assert_int_equal(jx_int(j, "total", -1), 7);
	json_decref(j);
}

static void test_list_filters(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct actor cli = fx_cli(w.a);
	struct brug_err err = {0};
	int64_t m1 = fx_user(f, w.a, "m1@acme.nl", "Mia", ROLE_MANAGER);
	int64_t e1 = fx_user(f, w.a, "e1@acme.nl", "Eva", ROLE_EMPLOYEE);
	int64_t e2 = fx_user(f, w.a, "e2@acme.nl", "Eddy", ROLE_EMPLOYEE);
	struct user_patch disable = {.disabled = 1};
	assert_int_equal(user_update(f->db, &cli, e2, &disable, &err), 0);
	int64_t team = 0, other = 0;
	assert_int_equal(team_create(f->db, &cli, "Support", NULL, &team, &err), 0);
	assert_int_equal(team_create(f->db, &cli, "Sales", NULL, &other, &err), 0);
	assert_int_equal(team_member_set(f->db, &cli, team, m1, true, &err), 0);
	assert_int_equal(team_member_set(f->db, &cli, team, e2, false, &err), 0);
	assert_int_equal(team_member_set(f->db, &cli, other, e1, false, &err), 0);

	/* ordered by name */
	expect_list(f, w.a, (struct user_filter){0}, 4,
	            "admin@acme.nl e2@acme.nl e1@acme.nl m1@acme.nl");
	expect_list(f, w.a, (struct user_filter){.role = ROLE_EMPLOYEE}, 2,
	            "e2@acme.nl e1@acme.nl");
	expect_list(f, w.a, (struct user_filter){.role = ROLE_ADMIN}, 1, "admin@acme.nl");
	expect_list(f, w.a, (struct user_filter){.status = 1}, 3,
	            "admin@acme.nl e1@acme.nl m1@acme.nl");
	expect_list(f, w.a, (struct user_filter){.status = 2}, 1, "e2@acme.nl");
	expect_list(f, w.a, (struct user_filter){.team_id = team}, 2, "e2@acme.nl m1@acme.nl");
	expect_list(f, w.a, (struct user_filter){.team_id = team, .status = 1}, 1, "m1@acme.nl");
	expect_list(f, w.a, (struct user_filter){.team_id = team, .role = ROLE_EMPLOYEE}, 1,
	            "e2@acme.nl");
	expect_list(f, w.a, (struct user_filter){.team_id = other, .q = "ev"}, 1, "e1@acme.nl");
	expect_list(f, w.a, (struct user_filter){.team_id = other, .q = "mia"}, 0, "");

	/* the list items carry the user columns, not secrets */
	json_t *j = list(f, w.a, (struct user_filter){.q = "mia"});
	json_t *it = json_array_get(json_object_get(j, "items"), 0);
	assert_int_equal(jx_int(it, "id", 0), m1);
	assert_string_equal(jx_str(it, "role"), "manager");
	assert_null(json_object_get(it, "password_hash"));
	json_decref(j);
}

static void test_list_paging(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	char email[64], name[64];
	for (int i = 1; i <= 6; i++) {
		snprintf(email, sizeof(email), "u%d@acme.nl", i);
		snprintf(name, sizeof(name), "User %d", i);
		fx_user(f, w.a, email, name, ROLE_EMPLOYEE);
	}
	/* 7 users, 3 a page */
	json_t *j = list(f, w.a, (struct user_filter){.page = 1, .per_page = 3});
	assert_int_equal(jx_int(j, "total", -1), 7);
	assert_int_equal(jx_int(j, "pages", -1), 3);
	assert_int_equal(jx_int(j, "page", -1), 1);
	assert_int_equal(jx_int(j, "per_page", -1), 3);
	assert_string_equal(emails(j), "admin@acme.nl u1@acme.nl u2@acme.nl");
	json_decref(j);
	expect_list(f, w.a, (struct user_filter){.page = 2, .per_page = 3}, 7,
	            "u3@acme.nl u4@acme.nl u5@acme.nl");
	expect_list(f, w.a, (struct user_filter){.page = 3, .per_page = 3}, 7, "u6@acme.nl");
	expect_list(f, w.a, (struct user_filter){.page = 4, .per_page = 3}, 7, "");
	/* exact multiples */
	j = list(f, w.a, (struct user_filter){.per_page = 7});
	assert_int_equal(jx_int(j, "pages", -1), 1);
	json_decref(j);
	j = list(f, w.a, (struct user_filter){.per_page = 1, .page = 7});
	assert_int_equal(jx_int(j, "pages", -1), 7);
	assert_string_equal(emails(j), "u6@acme.nl");
	json_decref(j);
	/* out-of-range page and per_page fall back to 1 and 50 */
	j = list(f, w.a, (struct user_filter){.page = -3, .per_page = 0});
	assert_int_equal(jx_int(j, "page", -1), 1);
	assert_int_equal(jx_int(j, "per_page", -1), 50);
	assert_int_equal(jx_int(j, "pages", -1), 1);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 7);
	json_decref(j);
	/* more than the maximum per page is capped at the maximum */
	j = list(f, w.a, (struct user_filter){.per_page = 201});
	assert_int_equal(jx_int(j, "per_page", -1), 200);
	json_decref(j);
	/* no match: one empty page */
	j = list(f, w.a, (struct user_filter){.q = "nobody"});
	assert_int_equal(jx_int(j, "total", -1), 0);
	assert_int_equal(jx_int(j, "pages", -1), 1);
	assert_int_equal(json_array_size(json_object_get(j, "items")), 0);
	json_decref(j);
}

static void test_list_other_org(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	fx_user(f, w.b, "eve@bolt.nl", "Eve", ROLE_EMPLOYEE);
	struct brug_err err = {0};
	struct actor cli_b = fx_cli(w.b);
	int64_t team_b = 0;
	assert_int_equal(team_create(f->db, &cli_b, "Bolt team", NULL, &team_b, &err), 0);
	assert_int_equal(team_member_set(f->db, &cli_b, team_b, w.admin_b, false, &err), 0);

	expect_list(f, w.a, (struct user_filter){0}, 1, "admin@acme.nl");
	expect_list(f, w.a, (struct user_filter){.q = "bolt"}, 0, "");
	expect_list(f, w.a, (struct user_filter){.q = "eve"}, 0, "");
	expect_list(f, w.a, (struct user_filter){.team_id = team_b}, 0, "");
	expect_list(f, w.b, (struct user_filter){0}, 2, "admin@bolt.nl eve@bolt.nl");
	expect_list(f, 999999, (struct user_filter){0}, 0, "");
}

static void test_get_teams(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct actor cli = fx_cli(w.a);
	struct brug_err err = {0};
	int64_t t1 = 0, t2 = 0;
	assert_int_equal(team_create(f->db, &cli, "Zeta", NULL, &t1, &err), 0);
	assert_int_equal(team_create(f->db, &cli, "Alpha", NULL, &t2, &err), 0);
	assert_int_equal(team_member_set(f->db, &cli, t1, w.admin_a, true, &err), 0);
	assert_int_equal(team_member_set(f->db, &cli, t2, w.admin_a, false, &err), 0);
	json_t *j = NULL;
	assert_int_equal(user_get(f->db, w.a, w.admin_a, &j), 0);
	char want[256];
	snprintf(want, sizeof(want),
	         "[{\"id\":%lld,\"name\":\"Alpha\",\"is_lead\":false},"
	         "{\"id\":%lld,\"name\":\"Zeta\",\"is_lead\":true}]",
	         (long long)t2, (long long)t1);
	fx_json_eq(json_object_get(j, "teams"), want);
	json_decref(j);
}

/* Role and language are checked by the domain itself, with the field named,
 * and nothing is written. */
static void test_create_checks_choices(void **state)
{
	struct fx *f = *state;
	int64_t org = fx_org(f, "Acme");
	struct actor who = fx_cli(org);
	int64_t id = 0;
	struct brug_err err = {0};
	struct user_new u = {.email = "x@acme.nl", .name = "X", .role = ROLE_NONE,
			     .password = "password-123"};
	assert_int_equal(user_create(f->db, &who, &u, &id, &err), BRUG_EVALIDATION);
	assert_string_equal(err.field, "role");
	u.role = ROLE_EMPLOYEE;
	u.lang = "de";
	assert_int_equal(user_create(f->db, &who, &u, &id, &err), BRUG_EVALIDATION);
	assert_string_equal(err.field, "lang");
	assert_int_equal(fx_rows(f, "users"), 0);
	assert_int_equal(fx_rows(f, "logins"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_create_checks_choices),
	        FX_TEST(test_create_and_get),      FX_TEST(test_get_other_org),
	        FX_TEST(test_create_email_taken),  FX_TEST(test_create_password_rules),
	        FX_TEST(test_update_fields),       FX_TEST(test_update_email_taken),
	        FX_TEST(test_update_not_found),    FX_TEST(test_last_admin),
	        FX_TEST(test_self_disable),        FX_TEST(test_disable_ends_sessions),
	        FX_TEST(test_set_password),        FX_TEST(test_authenticate),
	        FX_TEST(test_authenticate_rehash), FX_TEST(test_list_q_literal),
	        FX_TEST(test_list_filters),        FX_TEST(test_list_paging),
	        FX_TEST(test_list_other_org),      FX_TEST(test_get_teams),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

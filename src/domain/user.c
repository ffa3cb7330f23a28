/* SPDX-License-Identifier: Apache-2.0 */
/* User rows and their rules; see user.h. */
#include "domain/user.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/secure.h"
#include "domain/audit.h"
#include "domain/listing.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/log.h"
#include "util/xmalloc.h"

static char dummy_hash[128];

void user_init(void)
{
	char pw[SECURE_TOKEN_CHARS + 1];
	secure_token(pw);
	if (secure_password_hash(pw, dummy_hash))
		dummy_hash[0] = '\0';
}

static int check_password(const char *pw, struct brug_err *err)
{
	size_t n = strlen(pw);
	if (n < USER_PASSWORD_MIN)
		return brug_fail(err, BRUG_EVALIDATION, "error.password_short", "password");
	if (n > USER_PASSWORD_MAX)
		return brug_fail(err, BRUG_EVALIDATION, "error.too_long", "password");
	return 0;
}

static bool lang_ok(const char *lang)
{
	return !lang || !strcmp(lang, "nl") || !strcmp(lang, "en");
}

int user_create(struct db *db, const struct actor *who, const struct user_new *u, int64_t *id,
		struct brug_err *err)
{
	char hash[128];
	if (u->role < ROLE_EMPLOYEE || u->role > ROLE_ADMIN)
		return brug_fail(err, BRUG_EVALIDATION, "error.choice", "role");
	if (!lang_ok(u->lang))
		return brug_fail(err, BRUG_EVALIDATION, "error.choice", "lang");
	int rc = check_password(u->password, err);
	if (rc)
		return rc;
	if (secure_password_hash(u->password, hash))
		return brug_fail(err, BRUG_EINTERNAL, "error.internal", NULL);
	int64_t now = clock_now_ms(), uid = 0;
	if ((rc = db_begin(db)))
		return rc;
	rc = db_int_query(db, &uid,
			  "INSERT INTO users (org_id, email, name, role, lang, password_hash,"
			  " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			  DB_ARGS(DB_I(who->org_id), DB_T(u->email), DB_T(u->name),
				  DB_T(role_name(u->role)), DB_T(u->lang), DB_T(hash), DB_I(now),
				  DB_I(now)));
	if (!rc)
		rc = db_exec(db, "INSERT INTO logins (email, org_id, user_id) VALUES (?, ?, ?)",
			     DB_ARGS(DB_T(u->email), DB_I(who->org_id), DB_I(uid)));
	if (rc == BRUG_ECONFLICT)
		brug_fail(err, rc, "error.email_taken", "email");
	if (!rc) {
		json_t *d = json_object();
		jx_set_str(d, "email", u->email);
		jx_set_str(d, "name", u->name);
		jx_set_str(d, "role", role_name(u->role));
		rc = audit_add(db, who, "user.create", "user", uid, d);
	}
	rc = db_finish(db, rc);
	if (!rc)
		*id = uid;
	return rc;
}

#define USER_COLUMNS \
	"u.id, u.email, u.name, u.role, u.lang, u.disabled_at IS NOT NULL AS is_disabled," \
	" u.disabled_at, u.last_login_at, u.created_at, u.updated_at"

/* The user's columns (USER_COLUMNS has 10), then one row per team. */
int user_get(struct db *db, int64_t org, int64_t id, json_t **out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT " USER_COLUMNS ", t.id, t.name, m.lead <> 0"
			  " FROM users u LEFT JOIN team_members m ON m.org_id = u.org_id AND m.user_id = u.id"
			  " LEFT JOIN teams t ON t.org_id = m.org_id AND t.id = m.team_id"
			  " WHERE u.org_id = ? AND u.id = ? ORDER BY lower(t.name), t.id",
			  DB_ARGS(DB_I(org), DB_I(id)));
	if (rc)
		return rc;
	json_t *u = NULL, *teams = json_array();
	while ((rc = db_next(r)) == 1) {
		if (!u)
			u = db_row_json_range(r, 0, 10);
		if (db_null(r, 10))
			continue;
		json_t *t = json_object();
		jx_set_int(t, "id", db_int(r, 10));
		jx_set_str(t, "name", db_text(r, 11));
		jx_set_bool(t, "is_lead", db_int(r, 12) != 0);
		json_array_append_new(teams, t);
	}
	db_rows_free(r);
	if (!rc && !u)
		rc = BRUG_ENOTFOUND;
	if (rc) {
		json_decref(u);
		json_decref(teams);
		return rc;
	}
	json_object_set_new(u, "teams", teams);
	*out = u;
	return 0;
}

/* Escapes LIKE wildcards in q and wraps it in %...% (caller frees). */
static char *like_pattern(const char *q)
{
	size_t n = strlen(q);
	char *p = xmalloc(2 * n + 3), *w = p;
	*w++ = '%';
	for (size_t i = 0; i < n; i++) {
		if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
			*w++ = '\\';
		*w++ = q[i];
	}
	*w++ = '%';
	*w = '\0';
	return p;
}

int user_list(struct db *db, int64_t org, const struct user_filter *f, json_t **out)
{
	char *like = f->q && *f->q ? like_pattern(f->q) : NULL;
	const char *role = f->role ? role_name(f->role) : NULL;
	const char *from =
		" FROM users u WHERE u.org_id = ?"
		" AND (? IS NULL OR lower(u.name) LIKE lower(?) ESCAPE '\\' OR u.email LIKE lower(?) ESCAPE '\\')"
		" AND (? IS NULL OR u.role = ?)"
		" AND (? = 0 OR (? = 1 AND u.disabled_at IS NULL) OR (? = 2 AND u.disabled_at IS NOT NULL))"
		" AND (? = 0 OR EXISTS (SELECT 1 FROM team_members m WHERE m.org_id = u.org_id"
		" AND m.user_id = u.id AND m.team_id = ?))";
	struct listing page = {.page = f->page, .per_page = f->per_page};
	int rc = listing_query(db, USER_COLUMNS, from, "ORDER BY lower(u.name), u.id",
			       DB_ARGS(DB_I(org), DB_T(like), DB_T(like), DB_T(like), DB_T(role),
				       DB_T(role), DB_I(f->status), DB_I(f->status), DB_I(f->status),
				       DB_I(f->team_id), DB_I(f->team_id)),
			       page, out);
	free(like);
	return rc;
}

static int active_admins(struct db *db, int64_t org, int64_t except, int64_t *n)
{
	return db_int_query(db, n,
			    "SELECT COUNT(*) FROM users WHERE org_id = ? AND role = 'admin'"
			    " AND disabled_at IS NULL AND id <> ?",
			    DB_ARGS(DB_I(org), DB_I(except)));
}

static int check_patch(struct db *db, const struct actor *who, int64_t id, const char *old_role,
		       const struct user_patch *p, struct brug_err *err)
{
	bool loses_admin = strcmp(old_role, "admin") == 0 &&
			   ((p->role && p->role != ROLE_ADMIN) || p->disabled == 1);
	if (id == who->user_id && p->disabled == 1)
		return brug_fail(err, BRUG_EVALIDATION, "error.self_disable", "disabled");
	if (!loses_admin)
		return 0;
	/* counted under a lock, so two administrators demoting each other at
	 * once cannot both pass (PostgreSQL runs them side by side) */
	char lock[48];
	snprintf(lock, sizeof(lock), "brug.admins.%lld", (long long)who->org_id);
	int64_t others = 0;
	int rc = db_lock(db, lock);
	if (!rc)
		rc = active_admins(db, who->org_id, id, &others);
	if (!rc && others == 0)
		rc = brug_fail(err, BRUG_EVALIDATION, "error.last_admin",
			       p->disabled == 1 ? "disabled" : "role");
	return rc;
}

static int change_email(struct db *db, const struct actor *who, int64_t id, const char *email,
			struct brug_err *err)
{
	int rc = db_exec(db, "DELETE FROM logins WHERE org_id = ? AND user_id = ?",
			 DB_ARGS(DB_I(who->org_id), DB_I(id)));
	if (!rc)
		rc = db_exec(db, "INSERT INTO logins (email, org_id, user_id) VALUES (?, ?, ?)",
			     DB_ARGS(DB_T(email), DB_I(who->org_id), DB_I(id)));
	if (!rc)
		rc = db_exec(db, "UPDATE users SET email = ? WHERE org_id = ? AND id = ?",
			     DB_ARGS(DB_T(email), DB_I(who->org_id), DB_I(id)));
	if (rc == BRUG_ECONFLICT)
		brug_fail(err, rc, "error.email_taken", "email");
	return rc;
}

int user_update(struct db *db, const struct actor *who, int64_t id, const struct user_patch *p,
		struct brug_err *err)
{
	char *old_role = NULL;
	if (p->lang && *p->lang && !lang_ok(p->lang))
		return brug_fail(err, BRUG_EVALIDATION, "error.choice", "lang");
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_text_query(db, &old_role, "SELECT role FROM users WHERE org_id = ? AND id = ?",
			   DB_ARGS(DB_I(who->org_id), DB_I(id)));
	if (rc == BRUG_ENOTFOUND)
		brug_fail(err, rc, "error.not_found", NULL);
	if (!rc)
		rc = check_patch(db, who, id, old_role, p, err);
	if (!rc && p->email)
		rc = change_email(db, who, id, p->email, err);
	int64_t now = clock_now_ms();
	if (!rc)
		rc = db_exec(db,
			     "UPDATE users SET name = COALESCE(?, name), role = COALESCE(?, role),"
			     " lang = CASE WHEN ? IS NULL THEN lang WHEN ? = '' THEN NULL ELSE ? END,"
			     " disabled_at = CASE WHEN ? = 1 THEN COALESCE(disabled_at, ?)"
			     " WHEN ? = 0 THEN NULL ELSE disabled_at END, updated_at = ?"
			     " WHERE org_id = ? AND id = ?",
			     DB_ARGS(DB_T(p->name), DB_T(p->role ? role_name(p->role) : NULL),
				     DB_T(p->lang), DB_T(p->lang), DB_T(p->lang), DB_I(p->disabled),
				     DB_I(now), DB_I(p->disabled), DB_I(now), DB_I(who->org_id),
				     DB_I(id)));
	/* a disabled user is out: sessions end and API tokens are revoked for
	 * good (enabling them again does not bring old credentials back) */
	if (!rc && p->disabled == 1)
		rc = db_exec(db, "DELETE FROM sessions WHERE org_id = ? AND user_id = ?",
			     DB_ARGS(DB_I(who->org_id), DB_I(id)));
	if (!rc && p->disabled == 1)
		rc = db_exec(db,
			     "UPDATE api_tokens SET revoked_at = ? WHERE org_id = ? AND user_id = ?"
			     " AND revoked_at IS NULL",
			     DB_ARGS(DB_I(now), DB_I(who->org_id), DB_I(id)));
	if (!rc) {
		json_t *d = json_object();
		jx_set_str(d, "name", p->name);
		jx_set_str(d, "email", p->email);
		jx_set_str(d, "role", p->role ? role_name(p->role) : NULL);
		jx_set_str(d, "lang", p->lang);
		if (p->disabled >= 0)
			jx_set_bool(d, "disabled", p->disabled == 1);
		rc = audit_add(db, who, "user.update", "user", id, d);
	}
	free(old_role);
	return db_finish(db, rc);
}

int user_set_password(struct db *db, const struct actor *who, int64_t id, const char *password,
		      int64_t keep_session, struct brug_err *err)
{
	char hash[128];
	int rc = check_password(password, err);
	if (rc)
		return rc;
	if (secure_password_hash(password, hash))
		return brug_fail(err, BRUG_EINTERNAL, "error.internal", NULL);
	if ((rc = db_begin(db)))
		return rc;
	rc = db_exec(db, "UPDATE users SET password_hash = ?, updated_at = ? WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_T(hash), DB_I(clock_now_ms()), DB_I(who->org_id), DB_I(id)));
	if (!rc && db_changes(db) == 0)
		rc = brug_fail(err, BRUG_ENOTFOUND, "error.not_found", NULL);
	if (!rc)
		rc = db_exec(db, "DELETE FROM sessions WHERE org_id = ? AND user_id = ? AND id <> ?",
			     DB_ARGS(DB_I(who->org_id), DB_I(id), DB_I(keep_session)));
	if (!rc)
		rc = audit_add(db, who, "user.password", "user", id, NULL);
	return db_finish(db, rc);
}

bool user_password_ok(struct db *db, int64_t org, int64_t id, const char *password)
{
	char *hash = NULL;
	bool ok = false;
	if (db_text_query(db, &hash, "SELECT password_hash FROM users WHERE org_id = ? AND id = ?",
			  DB_ARGS(DB_I(org), DB_I(id))) == 0)
		ok = secure_password_verify(hash, password);
	free(hash);
	return ok;
}

static void rehash_if_weak(struct db *db, int64_t org, int64_t id, const char *hash,
			   const char *password)
{
	char fresh[128];
	if (!secure_password_needs_rehash(hash) || secure_password_hash(password, fresh))
		return;
	if (db_exec(db, "UPDATE users SET password_hash = ? WHERE org_id = ? AND id = ?",
		    DB_ARGS(DB_T(fresh), DB_I(org), DB_I(id))))
		log_warn("msg=\"could not upgrade password hash\" user=%lld", (long long)id);
}

int user_authenticate(struct db *db, const char *email, const char *password, int64_t *org,
		      int64_t *id)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT u.org_id, u.id, u.password_hash, u.disabled_at IS NULL FROM logins l"
			  " JOIN users u ON u.org_id = l.org_id AND u.id = l.user_id WHERE l.email = ?",
			  DB_ARGS(DB_T(email)));
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc < 0) {
		db_rows_free(r);
		return rc;
	}
	if (rc == 0) {
		db_rows_free(r);
		if (dummy_hash[0])
			secure_password_verify(dummy_hash, password);
		return BRUG_EAUTH;
	}
	int64_t o = db_int(r, 0), u = db_int(r, 1);
	bool active = db_int(r, 3) != 0;
	char hash[128];
	snprintf(hash, sizeof(hash), "%s", db_text(r, 2) ? db_text(r, 2) : "");
	db_rows_free(r);
	if (!secure_password_verify(hash, password) || !active)
		return BRUG_EAUTH;
	rehash_if_weak(db, o, u, hash, password);
	db_exec(db, "UPDATE users SET last_login_at = ? WHERE org_id = ? AND id = ?",
		DB_ARGS(DB_I(clock_now_ms()), DB_I(o), DB_I(u)));
	*org = o;
	*id = u;
	return 0;
}

int user_login_org(struct db *db, const char *email, int64_t *org)
{
	return db_int_query(db, org, "SELECT org_id FROM logins WHERE email = ?", DB_ARGS(DB_T(email)));
}

int user_find(struct db *db, int64_t org, const char *email, int64_t *id)
{
	return db_int_query(db, id, "SELECT id FROM users WHERE org_id = ? AND email = ?",
			    DB_ARGS(DB_I(org), DB_T(email)));
}

int user_count(struct db *db, int64_t org, int64_t *n)
{
	return db_int_query(db, n, "SELECT COUNT(*) FROM users WHERE org_id = ?", DB_ARGS(DB_I(org)));
}

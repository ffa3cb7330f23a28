/* SPDX-License-Identifier: Apache-2.0 */
/* API token rows; see token.h. */
#include "domain/token.h"

#include <stdio.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/session.h"
#include "util/clock.h"
#include "util/jx.h"

/* last_used_at is written at most this often per token. */
#define TOKEN_TOUCH_MS (60 * 1000)

int token_create(struct db *db, const struct actor *who, int64_t user, const char *name,
		 int64_t expires_at, char secret[TOKEN_MAX], int64_t *id, struct brug_err *err)
{
	char tok[SECURE_TOKEN_CHARS + 1], digest[SECURE_DIGEST_HEX + 1], hint[16];
	secure_token(tok);
	secure_digest_hex(tok, SECURE_TOKEN_CHARS, digest);
	snprintf(hint, sizeof(hint), "…%s", tok + SECURE_TOKEN_CHARS - 4);
	int64_t tid = 0, exists = 0;
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_int_query(db, &exists,
			  "SELECT COUNT(*) FROM users WHERE org_id = ? AND id = ? AND disabled_at IS NULL",
			  DB_ARGS(DB_I(who->org_id), DB_I(user)));
	if (!rc && !exists)
		rc = brug_fail(err, BRUG_ENOTFOUND, "error.not_found", "user_id");
	if (!rc)
		rc = db_int_query(db, &tid,
				  "INSERT INTO api_tokens (org_id, user_id, name, token_hash, hint,"
				  " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
				  DB_ARGS(DB_I(who->org_id), DB_I(user), DB_T(name), DB_T(digest),
					  DB_T(hint), DB_I(clock_now_ms()), DB_I0(expires_at)));
	if (!rc) {
		json_t *d = json_object();
		jx_set_str(d, "name", name);
		jx_set_int(d, "user_id", user);
		rc = audit_add(db, who, "token.create", "token", tid, d);
	}
	rc = db_finish(db, rc);
	if (!rc) {
		snprintf(secret, TOKEN_MAX, "brug_%lld_%s", (long long)who->org_id, tok);
		*id = tid;
	}
	return rc;
}

int token_list(struct db *db, int64_t org, int64_t user, struct listing page, json_t **out)
{
	return listing_query(db,
			     "t.id, t.name, t.hint, t.user_id, u.name AS user_name, t.created_at,"
			     " t.last_used_at, t.expires_at, t.revoked_at,"
			     " t.revoked_at IS NOT NULL AS is_revoked",
			     " FROM api_tokens t JOIN users u ON u.org_id = t.org_id AND u.id = t.user_id"
			     " WHERE t.org_id = ? AND (? = 0 OR t.user_id = ?)",
			     "ORDER BY t.revoked_at IS NOT NULL, t.id DESC",
			     DB_ARGS(DB_I(org), DB_I(user), DB_I(user)), page, out);
}

int token_revoke(struct db *db, const struct actor *who, int64_t id, int64_t owner,
		 struct brug_err *err)
{
	int rc = db_begin(db);
	if (rc)
		return rc;
	int64_t revoked = 0;
	rc = db_int_query(db, &revoked,
			  "SELECT revoked_at IS NOT NULL FROM api_tokens WHERE org_id = ? AND id = ?"
			  " AND (? = 0 OR user_id = ?)",
			  DB_ARGS(DB_I(who->org_id), DB_I(id), DB_I(owner), DB_I(owner)));
	if (rc == BRUG_ENOTFOUND)
		brug_fail(err, rc, "error.not_found", NULL);
	/* revoking a revoked token changes nothing and records nothing */
	if (!rc && !revoked)
		rc = db_exec(db, "UPDATE api_tokens SET revoked_at = ? WHERE org_id = ? AND id = ?",
			     DB_ARGS(DB_I(clock_now_ms()), DB_I(who->org_id), DB_I(id)));
	if (!rc && !revoked)
		rc = audit_add(db, who, "token.revoke", "token", id, NULL);
	return db_finish(db, rc);
}

int token_lookup(struct db *db, const char *bearer, struct principal *p, bool *stale)
{
	int64_t org;
	char digest[SECURE_DIGEST_HEX + 1];
	if (!session_parse_token(bearer, "brug_", '_', &org, digest))
		return BRUG_EAUTH;
	int64_t now = clock_now_ms(), last_used = 0;
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT t.id, t.user_id, COALESCE(t.last_used_at, 0), u.email, u.name,"
			  " u.role, u.lang, o.lang, o.name, o.timezone FROM api_tokens t"
			  " JOIN users u ON u.org_id = t.org_id AND u.id = t.user_id"
			  " JOIN orgs o ON o.org_id = t.org_id"
			  " WHERE t.org_id = ? AND t.token_hash = ? AND t.revoked_at IS NULL"
			  " AND (t.expires_at IS NULL OR t.expires_at > ?) AND u.disabled_at IS NULL",
			  DB_ARGS(DB_I(org), DB_T(digest), DB_I(now)));
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		memset(p, 0, sizeof(*p));
		p->org_id = org;
		p->token_id = db_int(r, 0);
		p->user_id = db_int(r, 1);
		last_used = db_int(r, 2);
		session_fill_principal(r, 3, p);
	}
	db_rows_free(r);
	if (rc != 1)
		return rc == 0 ? BRUG_EAUTH : rc;
	*stale = now - last_used > TOKEN_TOUCH_MS;
	return 0;
}

int token_touch(struct db *db, const struct principal *p)
{
	return db_exec(db, "UPDATE api_tokens SET last_used_at = ? WHERE org_id = ? AND id = ?",
		       DB_ARGS(DB_I(clock_now_ms()), DB_I(p->org_id), DB_I(p->token_id)));
}

int token_find(struct db *db, const char *bearer, struct principal *p)
{
	bool stale = false;
	int rc = token_lookup(db, bearer, p, &stale);
	return !rc && stale ? token_touch(db, p) : rc;
}

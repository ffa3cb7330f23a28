/* SPDX-License-Identifier: Apache-2.0 */
/* Session rows; see session.h. */
#include "domain/session.h"

#include <stdio.h>
#include <string.h>

#include "util/clock.h"

/* How stale last_seen_at may get before a request writes it: sessions
 * slide without a write on every request. */
#define SESSION_TOUCH_MS (5 * 60 * 1000)

bool session_parse_token(const char *value, const char *prefix, char sep, int64_t *org,
			 char digest[SECURE_DIGEST_HEX + 1])
{
	size_t plen = strlen(prefix);
	if (!value || strncmp(value, prefix, plen) != 0)
		return false;
	const char *p = value + plen;
	int64_t o = 0;
	int digits = 0;
	while (*p >= '0' && *p <= '9' && digits < 18) {
		o = o * 10 + (*p++ - '0');
		digits++;
	}
	if (!digits || o <= 0 || *p != sep)
		return false;
	const char *tok = p + 1;
	if (strlen(tok) != SECURE_TOKEN_CHARS)
		return false;
	for (const char *c = tok; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
		      *c == '-' || *c == '_'))
			return false;
	secure_digest_hex(tok, SECURE_TOKEN_CHARS, digest);
	*org = o;
	return true;
}

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

void session_fill_principal(struct db_rows *r, int col, struct principal *p)
{
	copy(p->email, sizeof(p->email), db_text(r, col));
	copy(p->name, sizeof(p->name), db_text(r, col + 1));
	p->role = role_parse(db_text(r, col + 2));
	copy(p->lang, sizeof(p->lang), db_text(r, col + 3));
	copy(p->org_lang, sizeof(p->org_lang), db_text(r, col + 4));
	copy(p->org_name, sizeof(p->org_name), db_text(r, col + 5));
	copy(p->org_tz, sizeof(p->org_tz), db_text(r, col + 6));
}

int session_create(struct db *db, int64_t org, int64_t user, const char *ip, const char *user_agent,
		   int64_t ttl_ms, char cookie[SESSION_COOKIE_MAX], int64_t *id)
{
	char tok[SECURE_TOKEN_CHARS + 1], digest[SECURE_DIGEST_HEX + 1];
	secure_token(tok);
	secure_digest_hex(tok, SECURE_TOKEN_CHARS, digest);
	int64_t now = clock_now_ms();
	char ua[256];
	copy(ua, sizeof(ua), user_agent);
	int rc = db_int_query(db, id,
			      "INSERT INTO sessions (org_id, user_id, token_hash, ip, user_agent,"
			      " created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
			      " RETURNING id",
			      DB_ARGS(DB_I(org), DB_I(user), DB_T(digest), DB_T(ip ? ip : ""), DB_T(ua),
				      DB_I(now), DB_I(now), DB_I(now + ttl_ms)));
	if (!rc)
		snprintf(cookie, SESSION_COOKIE_MAX, "%lld.%s", (long long)org, tok);
	return rc;
}

int session_lookup(struct db *db, const char *cookie, struct principal *p, bool *stale)
{
	int64_t org;
	char digest[SECURE_DIGEST_HEX + 1];
	if (!session_parse_token(cookie, "", '.', &org, digest))
		return BRUG_EAUTH;
	int64_t now = clock_now_ms();
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT s.id, s.user_id, s.last_seen_at, u.email, u.name, u.role, u.lang,"
			  " o.lang, o.name, o.timezone FROM sessions s"
			  " JOIN users u ON u.org_id = s.org_id AND u.id = s.user_id"
			  " JOIN orgs o ON o.org_id = s.org_id"
			  " WHERE s.org_id = ? AND s.token_hash = ? AND s.expires_at > ?"
			  " AND u.disabled_at IS NULL",
			  DB_ARGS(DB_I(org), DB_T(digest), DB_I(now)));
	if (rc)
		return rc;
	rc = db_next(r);
	int64_t last_seen = 0;
	if (rc == 1) {
		memset(p, 0, sizeof(*p));
		p->org_id = org;
		p->session_id = db_int(r, 0);
		p->user_id = db_int(r, 1);
		last_seen = db_int(r, 2);
		session_fill_principal(r, 3, p);
		copy(p->session_hash, sizeof(p->session_hash), digest);
	}
	db_rows_free(r);
	if (rc != 1)
		return rc == 0 ? BRUG_EAUTH : rc;
	*stale = now - last_seen > SESSION_TOUCH_MS;
	return 0;
}

int session_touch(struct db *db, const struct principal *p, int64_t ttl_ms)
{
	int64_t now = clock_now_ms();
	return db_exec(db, "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE org_id = ? AND id = ?",
		       DB_ARGS(DB_I(now), DB_I(now + ttl_ms), DB_I(p->org_id), DB_I(p->session_id)));
}

int session_find(struct db *db, const char *cookie, int64_t ttl_ms, struct principal *p)
{
	bool stale = false;
	int rc = session_lookup(db, cookie, p, &stale);
	return !rc && stale ? session_touch(db, p, ttl_ms) : rc;
}

int session_delete(struct db *db, int64_t org, int64_t id)
{
	return db_exec(db, "DELETE FROM sessions WHERE org_id = ? AND id = ?",
		       DB_ARGS(DB_I(org), DB_I(id)));
}

int session_purge(struct db *db, int64_t *n)
{
	int rc = db_exec(db, "DELETE FROM sessions WHERE expires_at <= ?",
			 DB_ARGS(DB_I(clock_now_ms())));
	if (!rc && n)
		*n = db_changes(db);
	return rc;
}

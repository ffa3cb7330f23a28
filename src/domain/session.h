/* SPDX-License-Identifier: Apache-2.0 */
/* Browser sessions, kept in the database so any brug process behind a load
 * balancer recognises them. The cookie value is "<org_id>.<token>": the
 * token is 256 random bits, stored only as its BLAKE2b digest, and the org
 * id routes the look-up to the right tenant (and shard). Sessions slide:
 * each use extends them, written at most every few minutes. */
#ifndef BRUG_DOMAIN_SESSION_H
#define BRUG_DOMAIN_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "core/rc.h"
#include "core/secure.h"
#include "db/db.h"
#include "domain/principal.h"

#define SESSION_COOKIE_MAX (24 + SECURE_TOKEN_CHARS)

/* Starts a session for a user; the cookie value goes to cookie. */
int session_create(struct db *db, int64_t org, int64_t user, const char *ip, const char *user_agent,
		   int64_t ttl_ms, char cookie[SESSION_COOKIE_MAX], int64_t *id);
/* The signed-in user behind a cookie value, filling p; BRUG_EAUTH for an
 * unknown, expired or malformed cookie or a disabled user. Extends the
 * session when it was last extended more than a few minutes ago. */
int session_find(struct db *db, const char *cookie, int64_t ttl_ms, struct principal *p);
/* session_find in two steps, for a request that reads first and writes
 * after: the look-up only reads and says (stale) whether the session is due
 * to be extended, which session_touch then does. */
int session_lookup(struct db *db, const char *cookie, struct principal *p, bool *stale);
int session_touch(struct db *db, const struct principal *p, int64_t ttl_ms);
/* Ends one session. */
int session_delete(struct db *db, int64_t org, int64_t id);
/* Removes expired sessions across the installation; *n how many. */
int session_purge(struct db *db, int64_t *n);

/* Splits "<org>.<token>" (sep '.') or "brug_<org>_<token>" style values:
 * the org id and the token's digest. False when malformed. Shared with API
 * tokens. */
bool session_parse_token(const char *value, const char *prefix, char sep, int64_t *org,
			 char digest[SECURE_DIGEST_HEX + 1]);
/* Copies the user columns (email, name, role, lang, org lang, org name,
 * org time zone) at
 * column col into p. */
void session_fill_principal(struct db_rows *r, int col, struct principal *p);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* API bearer tokens: "brug_<org_id>_<token>", shown once at creation and
 * stored only as a digest. A token acts as the user who made it, with that
 * user's current role; revoking or disabling the user stops it at once. */
#ifndef BRUG_DOMAIN_TOKEN_H
#define BRUG_DOMAIN_TOKEN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/rc.h"
#include "core/secure.h"
#include "db/db.h"
#include "domain/listing.h"
#include "domain/principal.h"

#define TOKEN_MAX (32 + SECURE_TOKEN_CHARS)

/* Creates a token for user (in who's organisation) named name, valid until
 * expires_at (0: no end). The bearer value goes to secret: the only time it
 * exists outside the caller's hands. */
int token_create(struct db *db, const struct actor *who, int64_t user, const char *name,
		 int64_t expires_at, char secret[TOKEN_MAX], int64_t *id, struct brug_err *err);
/* A page of the tokens of user (0: of everyone in the organisation), live
 * ones first, newest first; never secrets (listing.h shape). */
int token_list(struct db *db, int64_t org, int64_t user, struct listing page, json_t **out);
/* Revokes a token; owner (non-zero) limits it to that user's tokens. A
 * token already revoked stays as it was (no second audit line). */
int token_revoke(struct db *db, const struct actor *who, int64_t id, int64_t owner,
		 struct brug_err *err);
/* The user behind a bearer value, filling p; BRUG_EAUTH when unknown,
 * revoked, expired or malformed. */
int token_find(struct db *db, const char *bearer, struct principal *p);
/* token_find in two steps, as session_lookup and session_touch: the look-up
 * reads; token_touch records the use when stale says it is due. */
int token_lookup(struct db *db, const char *bearer, struct principal *p, bool *stale);
int token_touch(struct db *db, const struct principal *p);

#endif

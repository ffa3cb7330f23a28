/* SPDX-License-Identifier: Apache-2.0 */
/* Users of an organisation: employees, managers and administrators, with
 * their Argon2id password hash, language and status. An email address
 * signs in to one organisation of the installation (the logins table is
 * kept in step here). Rules: an organisation always keeps an active
 * administrator (the last one can be neither demoted nor disabled), and
 * nobody disables themselves. */
#ifndef BRUG_DOMAIN_USER_H
#define BRUG_DOMAIN_USER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/principal.h"

#define USER_PASSWORD_MIN 8
#define USER_PASSWORD_MAX 256

struct user_new {
	const char *email; /* valid, lower-cased */
	const char *name;
	enum role role;
	const char *lang; /* "nl", "en" or NULL (follow the browser) */
	const char *password;
};

/* Creates a user; an email taken anywhere in the installation gives
 * BRUG_ECONFLICT on field "email". */
int user_create(struct db *db, const struct actor *who, const struct user_new *u, int64_t *id,
		struct brug_err *err);

/* One user with their teams, as the API shows it (new reference). */
int user_get(struct db *db, int64_t org, int64_t id, json_t **out);

struct user_filter {
	const char *q;    /* part of name or email, or NULL */
	enum role role;   /* ROLE_NONE: any */
	int status;       /* 0 any, 1 active, 2 disabled */
	int64_t team_id;  /* 0: any */
	int page;         /* from 1 */
	int per_page;
};
/* {"items","total","page","per_page","pages"} (new reference). */
int user_list(struct db *db, int64_t org, const struct user_filter *f, json_t **out);

struct user_patch {
	const char *name;  /* NULL: unchanged */
	const char *email;
	enum role role;    /* ROLE_NONE: unchanged */
	const char *lang;  /* NULL: unchanged; "": follow the browser */
	int disabled;      /* -1 unchanged, 0 enable, 1 disable */
};
/* Changes a user. Disabling ends their sessions and revokes their API
 * tokens for good. */
int user_update(struct db *db, const struct actor *who, int64_t id, const struct user_patch *p,
		struct brug_err *err);

/* Sets a new password and ends the user's other sessions (all but
 * keep_session, which may be 0). */
int user_set_password(struct db *db, const struct actor *who, int64_t id, const char *password,
		      int64_t keep_session, struct brug_err *err);
/* True when password is the user's current one. */
bool user_password_ok(struct db *db, int64_t org, int64_t id, const char *password);

/* Checks an email and password; on success the user's organisation and id,
 * and the stored hash is brought to the configured cost. Unknown email,
 * wrong password and disabled user all give BRUG_EAUTH and take the same
 * time (once stored hashes have the configured cost; see secure.h). */
int user_authenticate(struct db *db, const char *email, const char *password, int64_t *org,
		      int64_t *id);
/* The organisation an email signs in to, or BRUG_ENOTFOUND. */
int user_login_org(struct db *db, const char *email, int64_t *org);
/* The user's id for an email in org, or BRUG_ENOTFOUND. */
int user_find(struct db *db, int64_t org, const char *email, int64_t *id);
/* Number of users in org (for first-run checks). */
int user_count(struct db *db, int64_t org, int64_t *n);

/* Call once at start: prepares the stand-in hash that makes a login for an
 * unknown email as slow as one with a wrong password. */
void user_init(void);

#endif

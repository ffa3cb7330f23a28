/* SPDX-License-Identifier: Apache-2.0 */
/* Who is acting: the signed-in user (through a session or an API token),
 * the command line, or nobody. Domain write functions take a struct actor
 * so the audit log can say who did what from where. */
#ifndef BRUG_DOMAIN_PRINCIPAL_H
#define BRUG_DOMAIN_PRINCIPAL_H

#include <stdint.h>

enum role { ROLE_NONE = 0, ROLE_EMPLOYEE = 1, ROLE_MANAGER = 2, ROLE_ADMIN = 3 };

/* "employee", "manager", "admin" <-> enum role; ROLE_NONE when unknown. */
enum role role_parse(const char *s);
const char *role_name(enum role r);

struct principal {
	int64_t org_id;
	int64_t user_id; /* 0: anonymous */
	int64_t session_id;
	int64_t token_id;
	enum role role;
	/* sized for the longest values the forms accept, in UTF-8 */
	char email[1024];
	char name[1024];
	char lang[8];       /* the user's own choice, or "" */
	char org_lang[8];   /* the organisation's default */
	char org_name[1024];
	char org_tz[64];    /* the organisation's time zone, e.g. "Europe/Amsterdam" */
	char session_hash[65]; /* digest of the session token, for CSRF tokens */
};

/* The actor of a write, for the audit log. label is an email address,
 * "cli" or "system"; ip may be "". */
struct actor {
	int64_t org_id;
	int64_t user_id; /* 0 when not a user */
	const char *label;
	const char *ip;
};

#endif

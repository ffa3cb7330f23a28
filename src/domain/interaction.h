/* SPDX-License-Identifier: Apache-2.0 */
/* Interactions: every contact moment with a relation. On which channel and
 * in which direction, when and how long, handled by which employee in
 * which role (a list each organisation keeps), what it was about (a
 * subject and a Markdown summary) and how it ended. Linked to a person
 * and/or an organisation; a person's organisation is filled in when only
 * the person is given, so the organisation's timeline shows it too. */
#ifndef BRUG_DOMAIN_INTERACTION_H
#define BRUG_DOMAIN_INTERACTION_H

#include <jansson.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/listing.h"
#include "domain/principal.h"

/* The channel, direction and outcome values, NULL-terminated. */
extern const char *const interaction_channels[];
extern const char *const interaction_directions[];
extern const char *const interaction_outcomes[];

/* For create, 0/NULL means the default (occurred_at: now; user_id: the
 * actor; direction "in"; outcome "resolved"); for update, -1/NULL means
 * unchanged (0 clears person_id, company_id or role_id). */
struct interaction_in {
	int64_t person_id, company_id;
	const char *channel, *direction, *outcome;
	int64_t occurred_at; /* UTC ms */
	int64_t duration_s;
	int64_t user_id, role_id;
	const char *subject, *summary; /* summary: Markdown */
	const char *source;            /* "", "import:cdr", ... (create only) */
};

/* Checks and stores; a person, organisation, user or role that is not the
 * organisation's is BRUG_EVALIDATION on that field (a relation that does
 * not exist at all: BRUG_ENOTFOUND). Audited. */
int interaction_create(struct db *db, const struct actor *who, const struct interaction_in *in,
		       int64_t *id, struct brug_err *err);
int interaction_update(struct db *db, const struct actor *who, int64_t id,
		       const struct interaction_in *in, struct brug_err *err);
/* One interaction with the names of its person, organisation, employee
 * and role, and its summary as safe HTML ("summary_html"). */
int interaction_get(struct db *db, int64_t org, int64_t id, json_t **out);

struct interaction_filter {
	int64_t relation_id; /* as person or organisation; 0: all */
	int64_t user_id;     /* handled by; 0: anyone */
	int64_t role_id;     /* 0: any */
	const char *channel; /* NULL: any */
	const char *outcome; /* NULL: any */
	int64_t from, to;    /* occurred_at in [from, to); 0: open */
	struct listing page;
};

/* A page of interactions, newest first. */
int interaction_list(struct db *db, int64_t org, const struct interaction_filter *f,
		     json_t **out);

/* The organisation's roles in order ({"id","name","is_archived"}). */
int interaction_roles(struct db *db, int64_t org, json_t **out);
/* Gives a new organisation the default roles (telefonist, zaakbehandelaar,
 * clientmanager, planner, debiteurenadministratie, servicedesk, verkoop). */
int interaction_roles_seed(struct db *db, int64_t org);
/* Adds a role (BRUG_ECONFLICT on "name" when it exists). */
int interaction_role_add(struct db *db, const struct actor *who, const char *name, int64_t *id,
			 struct brug_err *err);

#endif

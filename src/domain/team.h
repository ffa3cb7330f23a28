/* SPDX-License-Identifier: Apache-2.0 */
/* Teams: named groups of users with optional leads. Later capabilities
 * report per team (scores, ambitions, improvement ideas), so a team is a
 * stable unit: renaming keeps its history. */
#ifndef BRUG_DOMAIN_TEAM_H
#define BRUG_DOMAIN_TEAM_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/listing.h"
#include "domain/principal.h"

/* A duplicate name gives BRUG_ECONFLICT on field "name". */
int team_create(struct db *db, const struct actor *who, const char *name, const char *description,
		int64_t *id, struct brug_err *err);
/* One team with its members (new reference). */
int team_get(struct db *db, int64_t org, int64_t id, json_t **out);
/* A page of teams with their member counts, by name (listing.h shape). */
int team_list(struct db *db, int64_t org, struct listing page, json_t **out);
/* name and description: NULL leaves a value unchanged. */
int team_update(struct db *db, const struct actor *who, int64_t id, const char *name,
		const char *description, struct brug_err *err);
int team_delete(struct db *db, const struct actor *who, int64_t id, struct brug_err *err);
/* Adds user to team, or changes whether they lead it. */
int team_member_set(struct db *db, const struct actor *who, int64_t team, int64_t user, bool lead,
		    struct brug_err *err);
int team_member_remove(struct db *db, const struct actor *who, int64_t team, int64_t user,
		       struct brug_err *err);

/* How many teams org has, and how many of them user belongs to. */
int team_counts(struct db *db, int64_t org, int64_t user, int64_t *all, int64_t *mine);

#endif

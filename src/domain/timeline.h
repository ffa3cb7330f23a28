/* SPDX-License-Identifier: Apache-2.0 */
/* A relation's timeline: everything that happened with it, newest first,
 * in one list. Interactions and tasks now; survey answers, cases and
 * community posts join it as those capabilities arrive (one more branch
 * of the UNION each). For an organisation it includes its people's. */
#ifndef BRUG_DOMAIN_TIMELINE_H
#define BRUG_DOMAIN_TIMELINE_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/listing.h"

struct timeline_filter {
	const char *channel; /* interactions on this channel only (tasks drop out) */
	int64_t user_id;     /* handled by / assigned to this employee */
	struct listing page;
};

/* A page of {"item": "interaction"|"task", "id", "at", "title", "channel",
 * "direction", "outcome", "status", "due", "user_id", "user_name",
 * "role_name", "person_name"} (listing.h shape; new reference). */
int timeline_list(struct db *db, int64_t org, int64_t relation, const struct timeline_filter *f,
		  json_t **out);

#endif

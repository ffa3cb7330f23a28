/* SPDX-License-Identifier: Apache-2.0 */
/* A relation's timeline: everything that happened with it, newest first,
 * in one list: interactions, tasks, survey answers (answered invitations)
 * and follow-up cases; community posts join it as they arrive (one more
 * branch of the UNION each). For an organisation it includes its people's. */
#ifndef BRUG_DOMAIN_TIMELINE_H
#define BRUG_DOMAIN_TIMELINE_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/listing.h"

struct timeline_filter {
	const char *channel; /* interactions on this channel only (the rest drops out) */
	int64_t user_id;     /* handled by / assigned to this employee (feedback: the
			      * invitation's handler; a case: its assignee) */
	struct listing page;
};

/* A page of {"item": "interaction"|"task"|"feedback"|"case", "id", "at",
 * "is_interaction", "is_task", "is_feedback", "is_case", "title" (a
 * survey's name for feedback and cases), "channel", "direction",
 * "outcome", "status" (a task's), "due", "case_status", "score" (the NPS
 * of feedback, the score of a case), "case_id" (a case, or the case of
 * feedback), "user_id", "user_name", "role_name", "person_name"}
 * (listing.h shape; new reference). */
int timeline_list(struct db *db, int64_t org, int64_t relation, const struct timeline_filter *f,
		  json_t **out);

#endif

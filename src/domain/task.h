/* SPDX-License-Identifier: Apache-2.0 */
/* Tasks and follow-ups: something one employee must do by a date, often
 * about a relation or after an interaction. The due date is a calendar
 * date on the organisation's clock; "overdue" means before today there. */
#ifndef BRUG_DOMAIN_TASK_H
#define BRUG_DOMAIN_TASK_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/listing.h"
#include "domain/principal.h"

extern const char *const task_statuses[]; /* open, done, cancelled */

/* For create, 0/NULL is the default (assignee: the actor; status open);
 * for update, NULL / -1 leaves a value unchanged (0 or "" clears the
 * assignee, due date, relation or interaction). due: YYYY-MM-DD. */
struct task_in {
	const char *title, *notes, *due, *status;
	int64_t assignee_id, relation_id, interaction_id;
};

/* An assignee, relation or interaction that is not the organisation's is
 * BRUG_EVALIDATION on that field. A task made for an interaction without a
 * relation gets the interaction's person or organisation. Audited. */
int task_create(struct db *db, const struct actor *who, const struct task_in *in, int64_t *id,
		struct brug_err *err);
int task_update(struct db *db, const struct actor *who, int64_t id, const struct task_in *in,
		struct brug_err *err);
/* One task with the names of its assignee and relation; is_overdue against
 * today (YYYY-MM-DD on the organisation's clock). */
int task_get(struct db *db, int64_t org, int64_t id, const char *today, json_t **out);

struct task_filter {
	int64_t assignee_id; /* 0: anyone's */
	int64_t relation_id; /* 0: any */
	const char *status;  /* NULL: open */
	bool all;            /* every status */
	const char *today;   /* YYYY-MM-DD, for is_overdue and the order */
	struct listing page;
};

/* A page of tasks: overdue first, then by due date (none last), then
 * newest. */
int task_list(struct db *db, int64_t org, const struct task_filter *f, json_t **out);
/* How many open tasks user has, and how many of them are overdue. */
int task_counts(struct db *db, int64_t org, int64_t user, const char *today, int64_t *open,
		int64_t *overdue);

/* Today's date (YYYY-MM-DD) on the organisation's clock. */
int task_today(struct db *db, int64_t org, char out[11]);

#endif

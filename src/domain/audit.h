/* SPDX-License-Identifier: Apache-2.0 */
/* The audit log: every write, with who, what, when and from where, scoped
 * to the organisation. Domain functions record inside their own
 * transaction, so a write and its audit line exist together or not at all. */
#ifndef BRUG_DOMAIN_AUDIT_H
#define BRUG_DOMAIN_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/principal.h"

/* Records action ("user.create") on an object; details (may be NULL) is
 * taken over (its reference is stolen). */
int audit_add(struct db *db, const struct actor *who, const char *action, const char *object_type,
	      int64_t object_id, json_t *details);

struct audit_filter {
	const char *action;      /* exact, or NULL */
	const char *object_type; /* exact, or NULL */
	int64_t actor_id;        /* 0: anyone */
	int64_t before_id;       /* 0: newest first from the top */
	int limit;
};

/* The org's entries, newest first, as {"items": [...], "next_before": id
 * or null} (a new reference in *out). */
int audit_list(struct db *db, int64_t org, const struct audit_filter *f, json_t **out);

#endif

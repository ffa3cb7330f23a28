/* SPDX-License-Identifier: Apache-2.0 */
/* Merging two relations: one survives and takes over all the other's
 * history (interactions, tasks, contact points without doubles, tags, an
 * organisation's people, custom values, search terms) and its values for
 * fields it has empty; the other is deleted, and its old id leads to the
 * survivor. One transaction, audited. No HTTP here. */
#ifndef BRUG_DOMAIN_MERGE_H
#define BRUG_DOMAIN_MERGE_H

#include <jansson.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/principal.h"

/* Merges relation from into relation into (both org's, of the same kind).
 * The same id twice or different kinds: BRUG_EVALIDATION (err names the
 * message, field "from"); either not org's, unknown or erased:
 * BRUG_ENOTFOUND. On success *moved (may be NULL) is a new object counting
 * what moved: interactions, tasks, contact_points, tags, people,
 * custom_values. Audited as relation.merge on into with both ids and the
 * counts. Thread-safe per db. */
int merge_relations(struct db *db, const struct actor *who, int64_t into, int64_t from,
		    json_t **moved, struct brug_err *err);

/* The relation that a merged relation id went into (following later
 * merges), when it still exists; BRUG_ENOTFOUND otherwise. */
int merge_target(struct db *db, int64_t org, int64_t id, int64_t *into);

/* Forgets the merges that lead into id (inside the caller's transaction;
 * for erasure, after which those old ids simply do not exist). */
int merge_forget(struct db *db, int64_t org, int64_t id);

#endif

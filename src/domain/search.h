/* SPDX-License-Identifier: Apache-2.0 */
/* Search over relations and interactions: one box, case and accent
 * insensitive, Dutch and English stems, prefix matches while typing, the
 * same results on SQLite and PostgreSQL. Each object's terms are kept in
 * search_terms, rewritten in the same transaction as the object. */
#ifndef BRUG_DOMAIN_SEARCH_H
#define BRUG_DOMAIN_SEARCH_H

#include <jansson.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"

/* Rewrites the terms of one relation (name, job title, email addresses,
 * phone numbers, cities, tags, notes) or one interaction (subject,
 * summary). Call inside the transaction that changed it. */
int search_index_relation(struct db *db, int64_t org, int64_t id);
int search_index_interaction(struct db *db, int64_t org, int64_t id);
/* Removes an object's terms (kind "relation" or "interaction"). */
int search_forget(struct db *db, int64_t org, const char *kind, int64_t id);

/* The relations and interactions matching every word of q (the last one
 * as a prefix unless q ends in a space), at most limit of each, best
 * first: {"q", "relations": [...], "interactions": [...]} (new
 * reference). An empty query matches nothing; one that is too long is
 * BRUG_ETOOBIG with err set. */
int search_query(struct db *db, int64_t org, const char *q, int limit, json_t **out,
		 struct brug_err *err);

#endif

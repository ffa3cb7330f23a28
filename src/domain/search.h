/* SPDX-License-Identifier: Apache-2.0 */
/* Search over relations and interactions: one box, case and accent
 * insensitive, Dutch and English stems, prefix matches while typing, the
 * same results on SQLite and PostgreSQL, in milliseconds over millions of
 * objects. Each object's terms are kept in search_terms, and how many
 * objects hold each term in search_vocab, both changed in the same
 * transaction as the object (docs/internals/search.md). */
#ifndef BRUG_DOMAIN_SEARCH_H
#define BRUG_DOMAIN_SEARCH_H

#include <jansson.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"

/* Rewrites the terms of one relation (name, job title, email addresses,
 * phone numbers, cities, tags, notes) or one interaction (subject,
 * summary), and the frequencies of the terms that changed. Call inside the
 * transaction that changed it (several statements: without one, a failure
 * halfway leaves the index half written). Not thread-safe on one db. */
int search_index_relation(struct db *db, int64_t org, int64_t id);
int search_index_interaction(struct db *db, int64_t org, int64_t id);
/* Removes an object's terms (kind "relation" or "interaction") and lowers
 * their frequencies; call it in the transaction that removes or erases the
 * object. Code that writes search_terms itself (a bulk loader) must call
 * search_vocab_rebuild afterwards. */
int search_forget(struct db *db, int64_t org, const char *kind, int64_t id);
/* Recounts org's term frequencies (search_vocab) from search_terms, in a
 * transaction of its own (or the caller's): for bulk loaders that write
 * search_terms directly, such as bench/crm.c, and for repair. Reads every
 * index entry of the organisation. */
int search_vocab_rebuild(struct db *db, int64_t org);

/* The relations and interactions matching every word of q (the last one
 * as a prefix unless q ends in a space), at most limit of each, newest
 * first: for interactions the most recently logged (highest id) first,
 * whatever their occurred_at; for relations the most recently added first,
 * archived ones among them. {"q", "relations": [...], "interactions":
 * [...]} (new reference). The work follows limit, not the number of
 * matches (see search_plan.h). An empty query matches nothing; one that is
 * too long is BRUG_ETOOBIG with err set. Not thread-safe on one db. */
int search_query(struct db *db, int64_t org, const char *q, int limit, json_t **out,
		 struct brug_err *err);

#endif

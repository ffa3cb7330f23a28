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
#include <stdbool.h>
#include <stddef.h>
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
/* The same for every object of kind ("relation" or "interaction") with an
 * id in [first, last], in a few statements: for imports. *objects (may be
 * NULL) the number that have terms. Memory follows the range's terms: keep
 * ranges to a few thousand ids (SEARCH_BACKLOG_SPAN). */
int search_index_range(struct db *db, int64_t org, const char *kind, int64_t first, int64_t last,
		       size_t *objects);
/* Removes an object's terms and lowers their frequencies; call it in the
 * transaction that removes or erases the object. */
int search_forget(struct db *db, int64_t org, const char *kind, int64_t id);
/* Recounts org's term frequencies (search_vocab) from search_terms, in a
 * transaction of its own (or the caller's): for bulk loaders that write
 * search_terms directly, such as bench/crm.c, and for repair. Reads every
 * index entry of the organisation. */
int search_vocab_rebuild(struct db *db, int64_t org);

/* The backlog: ranges of objects an import wrote without indexing them
 * (more than SEARCH_INLINE_MAX), indexed afterwards SEARCH_BACKLOG_SPAN ids
 * per transaction, so other writers get their turn in between. Until then
 * search does not find them; everything else does. */
#define SEARCH_INLINE_MAX 5000
#define SEARCH_BACKLOG_SPAN 5000
/* Records [first, last] of kind as to be indexed; inside the writer's
 * transaction, so it commits or rolls back with the objects. */
int search_backlog_add(struct db *db, int64_t org, const char *kind, int64_t first, int64_t last);
/* Indexes org's backlog, oldest range first, a transaction per step, until
 * it is empty or budget_ms has passed (-1: until empty). *objects (may be
 * NULL) how many objects got terms; *left (may be NULL) whether some
 * remains. Safe while other processes do the same: each step takes its
 * range's row first, so they take turns. Call outside a transaction. */
int search_backlog_run(struct db *db, int64_t org, int64_t budget_ms, size_t *objects,
		       bool *left);
/* The number of ids org's backlog still spans (an upper bound of the
 * objects waiting). */
int search_backlog_pending(struct db *db, int64_t org, int64_t *ids);

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

/* SPDX-License-Identifier: Apache-2.0 */
/* Likely duplicates among an organisation's active relations: pairs of the
 * same kind that share a normalised email address, a normalised phone
 * number or the same folded name, with the reasons and a score, and the
 * pairs people marked "not a duplicate" (hidden from then on). Candidates
 * come from grouping indexed columns, never from comparing every pair. No
 * HTTP here; merging a pair is merge.h. */
#ifndef BRUG_DOMAIN_DUPLICATES_H
#define BRUG_DOMAIN_DUPLICATES_H

#include <jansson.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/listing.h"
#include "domain/principal.h"

/* What each reason adds to a pair's score (the sum is capped at 100). */
#define DUP_SCORE_EMAIL 50
#define DUP_SCORE_PHONE 40
#define DUP_SCORE_NAME 30
/* A value shared by more relations than this (a switchboard number, a
 * shared mailbox, a very common name) says little about any one pair and
 * is left out, which also bounds the pairs to a few per relation. */
#define DUP_GROUP_MAX 10

struct duplicates_filter {
	const char *kind; /* "organisation", "person" or NULL: both */
	struct listing page;
};

/* A page of likely duplicate pairs (listing.h shape), highest score first.
 * Each item: {"a": {...}, "b": {...}, "kind", "score", "reasons": ["email",
 * "phone", "name"]}, where a has the lower id and each side has id, name,
 * type, email, phone, parent_name, interactions (a count) and created_at.
 * New reference in *out. Thread-safe per db. */
int duplicates_list(struct db *db, int64_t org, const struct duplicates_filter *f,
		    json_t **out);

/* Marks relations a and b as not duplicates of each other, so the pair is
 * no longer listed. The same id twice is BRUG_EVALIDATION; a relation that
 * is not org's (or erased) BRUG_ENOTFOUND. Marking twice is fine. Audited
 * as relation.not_duplicate. */
int duplicates_mark_distinct(struct db *db, const struct actor *who, int64_t a, int64_t b,
			     struct brug_err *err);

/* Forgets the "not a duplicate" marks that involve id (inside the caller's
 * transaction; for merge and erasure). */
int duplicates_forget(struct db *db, int64_t org, int64_t id);

#endif

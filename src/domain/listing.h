/* SPDX-License-Identifier: Apache-2.0 */
/* One page of a list, in the shape every list of the API has:
 * {"items": [...], "total": N, "page": P, "per_page": K, "pages": M}. */
#ifndef BRUG_DOMAIN_LISTING_H
#define BRUG_DOMAIN_LISTING_H

#include <jansson.h>

#include "db/db.h"

#define LISTING_PER_PAGE 50
#define LISTING_PER_PAGE_MAX 200

struct listing {
	int page;     /* from 1; 0 means 1 */
	int per_page; /* 0 means LISTING_PER_PAGE; capped at LISTING_PER_PAGE_MAX */
};

/* Runs "SELECT COUNT(*) <from>" and "SELECT <columns> <from> <order>
 * LIMIT ? OFFSET ?" with args for the placeholders in from, and builds the
 * page object (a new reference in *out). from starts with " FROM". */
int listing_query(struct db *db, const char *columns, const char *from, const char *order,
		  const struct db_arg *args, size_t n, struct listing page, json_t **out);

#endif

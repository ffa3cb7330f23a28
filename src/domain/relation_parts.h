/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to relation.c (and domain/import): the list parts of a relation (email addresses,
 * phone numbers, postal addresses, tags). Not thread-safe per db. */
#ifndef BRUG_DOMAIN_RELATION_PARTS_H
#define BRUG_DOMAIN_RELATION_PARTS_H

#include <jansson.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/relation.h"

/* Checks the lists in `in` (shape, lengths, email syntax, phone numbers);
 * BRUG_EVALIDATION naming the list on failure. Writes nothing. */
int parts_check(const struct relation_in *in, struct brug_err *err);
/* Replaces each list `in` sets; inside the caller's transaction. */
int parts_write(struct db *db, int64_t org, int64_t rel, const struct relation_in *in);
/* Checks in->custom against the organisation's fields and stores it
 * (BRUG_EVALIDATION on "custom"); nothing when in->custom is NULL. */
int parts_write_custom(struct db *db, int64_t org, int64_t rel, const struct relation_in *in,
		       struct brug_err *err);
/* An address as one line, as stored in contact_points.value: "Damrak 1,
 * 1012 LG Amsterdam, Nederland" (empty parts "" and their separators left
 * out). Also for domain/import. Thread-safe. */
void parts_address_value(const char *street, const char *pc, const char *city,
			 const char *country, char *out, size_t n);
/* Sets "emails", "phones", "addresses", "tags" and "custom" on into. */
int parts_read(struct db *db, int64_t org, int64_t rel, json_t *into);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to vcard_import.c and vcard_import_map.c: one card turned into
 * what relation_create takes, checked so that relation_create accepts it.
 * Not thread-safe per struct. */
#ifndef BRUG_DOMAIN_VCARD_IMPORT_IMPL_H
#define BRUG_DOMAIN_VCARD_IMPORT_IMPL_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/relation.h"
#include "util/vcard.h"

/* A list of {"line", "reason"} with a cap: past max only counted. */
struct vi_notes {
	json_t *list;
	size_t max;
	size_t omitted;
};

/* Appends a note (printf-style reason) to n. */
void vi_note(struct vi_notes *n, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A card as a relation. The strings of in point into the struct's own
 * copies; the lists are owned. */
struct vi_card {
	struct relation_in in;
	const char *org_name; /* a person's ORG, or NULL */
	bool group;           /* a contact group: skipped */
	char reason[200];     /* why the card is rejected; "" when it is not */
	char *owned[8];       /* the strings in points to */
};

/* Maps card into out (zeroed by the caller); what is left out of it goes
 * to warnings (on the card's line). A card brug cannot take gets a reason
 * instead. */
void vi_card_map(const struct vcard *card, struct vi_card *out, struct vi_notes *warnings);
void vi_card_cleanup(struct vi_card *m);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Privacy (GDPR/AVG) for one person: everything brug holds about them as
 * one JSON document (the right of access and to data portability), and
 * their erasure everywhere in one action (the right to be forgotten) that
 * keeps the numbers: contact moments stay as channel, time, role and
 * outcome without what was said. Each kind of data is one entry in a table
 * of parts (privacy.c), with an exporter and an eraser, so a later module
 * (surveys, cases, community) adds one entry. No HTTP here. */
#ifndef BRUG_DOMAIN_PRIVACY_H
#define BRUG_DOMAIN_PRIVACY_H

#include <jansson.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/principal.h"

/* The format name and version at the top of every export. */
#define PRIVACY_EXPORT_FORMAT "brug.privacy-export/1"

/* The export of person id of who's organisation: {"format", "exported_at",
 * "relation": {...}, "sections": {"interactions": [...], "tasks": [...],
 * "custom_values": [...], "audit": [...]}} (new reference in *out). An
 * organisation is BRUG_EVALIDATION (it is no data subject); unknown, erased
 * or another organisation's: BRUG_ENOTFOUND. The export itself is audited
 * as relation.privacy_export (without its content). Thread-safe per db. */
int privacy_export(struct db *db, const struct actor *who, int64_t id, json_t **out,
		   struct brug_err *err);

/* Erases person id of who's organisation in one transaction: name becomes
 * "Gewiste persoon #ID" / "Erased person #ID" (the organisation's
 * language), the other personal fields are emptied, contact points, tags
 * and custom values deleted, their interactions keep everything but the
 * subject (a neutral text) and summary (emptied), tasks about them lose
 * title and notes likewise, audit entries about them lose their details,
 * search forgets them, and erased_at hides them everywhere. Recorded as
 * relation.erase with the counts only. *counts (may be NULL) is a new
 * object with those counts. An organisation is BRUG_EVALIDATION; unknown,
 * already erased or another organisation's: BRUG_ENOTFOUND. */
int privacy_erase(struct db *db, const struct actor *who, int64_t id, json_t **counts,
		  struct brug_err *err);

#endif

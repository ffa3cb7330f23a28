/* SPDX-License-Identifier: Apache-2.0 */
/* Organisations: the tenants. Every other row belongs to exactly one. */
#ifndef BRUG_DOMAIN_ORG_H
#define BRUG_DOMAIN_ORG_H

#include <jansson.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/principal.h"

/* Creates an organisation (lang "nl" or "en"); its id in *id. */
int org_create(struct db *db, const char *name, const char *lang, int64_t *id);
/* {"id","name","lang","timezone","created_at"} (new reference). */
int org_get(struct db *db, int64_t org, json_t **out);
/* Changes name, default language ("nl", "en") and time zone (an IANA name
 * the system has, e.g. "Europe/Amsterdam"); each NULL: unchanged. */
int org_update(struct db *db, const struct actor *who, const char *name, const char *lang,
	       const char *timezone, struct brug_err *err);
/* The id of the organisation called name, or BRUG_ENOTFOUND. */
int org_find(struct db *db, const char *name, int64_t *id);

/* How many organisations the installation holds, and the oldest one. */
int org_count(struct db *db, int64_t *n);
int org_first(struct db *db, int64_t *id);

#endif

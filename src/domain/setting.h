/* SPDX-License-Identifier: Apache-2.0 */
/* Named settings per organisation, and installation-wide ones under
 * org_id 0: among them the installation secret that keys CSRF tokens and
 * signed links, shared by every brug process on one database. */
#ifndef BRUG_DOMAIN_SETTING_H
#define BRUG_DOMAIN_SETTING_H

#include <stdint.h>

#include "core/secure.h"
#include "db/db.h"

/* The value of name for org (0: installation), or BRUG_ENOTFOUND. The
 * caller frees *out. */
int setting_get(struct db *db, int64_t org, const char *name, char **out);
int setting_set(struct db *db, int64_t org, const char *name, const char *value);
/* Removes name of org, so setting_get says BRUG_ENOTFOUND again; a name
 * that was never set is fine (0). */
int setting_delete(struct db *db, int64_t org, const char *name);
/* The installation secret, created on first use. */
int setting_secret(struct db *db, unsigned char key[SECURE_KEY_BYTES]);

#endif

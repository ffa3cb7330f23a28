/* SPDX-License-Identifier: Apache-2.0 */
/* Schema migrations: the numbered files in sql/ (embedded at build time),
 * each applied in its own transaction and recorded in schema_migrations.
 * A database whose schema is newer than this binary is refused rather than
 * touched. Not thread-safe per connection; safe across processes (each
 * migration re-checks the version under the write lock). */
#ifndef BRUG_DB_MIGRATE_H
#define BRUG_DB_MIGRATE_H

#include "core/rc.h"
#include "db/db.h"

/* The newest schema version this binary carries. */
int migrate_latest(void);
/* The database's schema version (0 for an empty database). */
int migrate_current(struct db *db, int *version, struct brug_err *err);
/* Applies every pending migration; *applied (may be NULL) counts them.
 * Fails with BRUG_ECONFLICT when the database is newer than the binary. */
int migrate_up(struct db *db, int *applied, struct brug_err *err);

#endif

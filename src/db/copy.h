/* SPDX-License-Identifier: Apache-2.0 */
/* Moving an installation between databases (brug migrate-db): every table
 * copied from a SQLite source to a target of the same schema version, in
 * one transaction on the target, verified by row count and a checksum per
 * table before it commits. The target must be empty. */
#ifndef BRUG_DB_COPY_H
#define BRUG_DB_COPY_H

#include <stdint.h>
#include <stdio.h>

#include "core/rc.h"
#include "db/db.h"

/* Per-table result, written to report (may be NULL) as lines
 * "table  rows  checksum" while the copy goes. */
int db_copy(struct db *from, struct db *to, FILE *report, struct brug_err *err);
/* True when every brug table of db holds no row (or there are none). */
int db_is_empty(struct db *db, bool *empty);
/* An order-independent checksum of a table's rows (their values in
 * column order) and its row count; the same on either backend. */
int db_table_checksum(struct db *db, const char *table, const char *const *columns, int ncol,
		      uint64_t *sum, int64_t *rows);

#endif

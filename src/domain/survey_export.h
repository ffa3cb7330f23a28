/* SPDX-License-Identifier: Apache-2.0 */
/* A survey's answers out of brug: one row per invitation with answers, as
 * CSV (util/csv.h, formula-protected) or as an Excel workbook (through
 * libxlsxwriter, which writes a file). Invitations are read in batches,
 * so memory stays small; where the bytes go is the caller's business.
 * No HTTP here. */
#ifndef BRUG_DOMAIN_SURVEY_EXPORT_H
#define BRUG_DOMAIN_SURVEY_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "util/buf.h"

/* Invitations read per batch. */
#define SURVEY_EXPORT_BATCH 500

/* Receives the output in order; 0 to go on, anything else stops. */
typedef int (*survey_export_sink)(void *ctx, const char *p, size_t n);

/* Columns: invitation, relation_id, relation (its name), lang, sent_at,
 * answered_at, completed_at (ISO 8601 UTC), handler (user name), role,
 * channel, one per question by key (live ones in order, then retired: a
 * score as its number, yes/no as 1/0, choices as keys joined with "; ",
 * text as written), themes (of every open answer, joined with "; ") and
 * sentiment (of the first open answer, -100..100); Dutch or English
 * header names for the fixed columns (english). Rows by invitation id.
 * BRUG_ENOTFOUND for a survey not of org. */
int survey_export_csv(struct db *db, int64_t org, int64_t survey, bool english,
		      survey_export_sink sink, void *ctx, size_t *rows);

/* The same rows as an .xlsx workbook written to path (numbers as numbers).
 * BRUG_EIO when the file cannot be written. */
int survey_export_xlsx(struct db *db, int64_t org, int64_t survey, bool english,
		       const char *path, size_t *rows);

#endif

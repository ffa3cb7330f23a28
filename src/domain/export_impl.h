/* SPDX-License-Identifier: Apache-2.0 */
/* Internal to export.c and export_write.c: one relation of a batch as the
 * writers see it. Not thread-safe per item. */
#ifndef BRUG_DOMAIN_EXPORT_IMPL_H
#define BRUG_DOMAIN_EXPORT_IMPL_H

#include <jansson.h>
#include <stdint.h>

#include "domain/export.h"
#include "util/buf.h"

/* One relation read for an export. */
struct export_item {
	int64_t id;
	json_t *rel;         /* as relation_get gives it (owned) */
	int64_t updated_ms;  /* for the vCard's REV */
	char *owner_email;   /* the account manager's address, or NULL (owned) */
};

/* What the writers need besides the item. */
struct export_ctx {
	const struct export_options *opt;
	int64_t org, org_created_ms;
	char delim;
	json_t *fields; /* the organisation's custom fields (custom_field_list), for CSV */
};

/* Appends the CSV header row for ctx's language to out: brug's columns,
 * then one per custom field, headed by its label (the import reads it
 * back by label or name). */
int export_csv_header(const struct export_ctx *ctx, struct buf *out);
/* Appends one relation as a CSV row. */
int export_csv_row(const struct export_ctx *ctx, const struct export_item *it, struct buf *out);
/* Appends one relation as a vCard 4.0: FN; N, ORG (the person's
 * organisation) and TITLE for a person; KIND:org and ORG for an
 * organisation; EMAIL and TEL with TYPE from their labels (work, home,
 * mobile -> cell, fax; other labels as X-ABLabel); ADR; LANG; CATEGORIES
 * (tags); NOTE; UID (export_relation_uid) and REV (updated_at). */
int export_vcard_card(const struct export_ctx *ctx, const struct export_item *it,
		      struct buf *out);

#endif

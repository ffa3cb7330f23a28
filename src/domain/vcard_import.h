/* SPDX-License-Identifier: Apache-2.0 */
/* Relations from a vCard file (util/vcard.h reads Google's, Outlook's,
 * Apple's, Android's and Thunderbird's): each card becomes a person or an
 * organisation through relation_create, or updates the relation it
 * duplicates through relation_update. One transaction for the whole file;
 * a dry run rolls it back and reports what would happen. Also keeps an
 * uploaded file between its preview and its confirmation. No HTTP here. */
#ifndef BRUG_DOMAIN_VCARD_IMPORT_H
#define BRUG_DOMAIN_VCARD_IMPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/principal.h"

/* Cards shown with their action in a report's preview. */
#define VCARD_IMPORT_PREVIEW 20
/* Rejected cards and warnings listed in a report; more are counted. */
#define VCARD_IMPORT_LISTED 1000

struct vcard_import_options {
	bool dry_run;      /* do everything, then roll back */
	bool update;       /* on a duplicate: update it (else skip the card) */
	bool skip_invalid; /* import the valid cards when some are rejected */
};

/* Imports the vCard file of len bytes at data into who's organisation.
 * Each card (see docs/crm.md for the whole mapping):
 * - is an organisation when it says KIND:org (Apple: X-ABShowAs:COMPANY)
 *   or has only an ORG to name it; a contact group (KIND:group) is
 *   skipped; anything else is a person;
 * - a person's ORG is its organisation: the one of that name (case and
 *   accents ignored) among the organisation's relations, else one created
 *   once per import; TITLE (else ROLE) its job title;
 * - EMAIL, TEL (work, home, cell as "mobile", fax, or Apple's label) and
 *   ADR become its contact points (at most 20 of each; an address or
 *   number brug cannot read is left out with a warning), NOTE its notes,
 *   LANG (nl..., en...) its language, CATEGORIES its tags (Google's
 *   "myContacts" and "starred" left out).
 * A duplicate is a relation of the same kind with one of the card's email
 * addresses, else one of its phone numbers (in any notation), else the
 * same name (a person: also in the same organisation, when the card names
 * one). A duplicate is skipped, or with update its fields are replaced by
 * the card's and the card's email addresses, phone numbers, addresses and
 * tags added to its own. Cards earlier in the file count, so a file with
 * the same person twice creates one.
 * A card the reader dropped, or whose data brug refuses, is rejected. All
 * of it runs in one transaction: with any card rejected and without
 * skip_invalid nothing is kept, and the result is BRUG_EVALIDATION (with
 * the report in *report all the same); a dry run always rolls back.
 * *report (new reference, also on BRUG_EVALIDATION): {"dry_run", "rows"
 * (cards in the file), "created", "updated", "skipped",
 * "organisations_created", "rejected": [{"line", "reason"}] (the first
 * VCARD_IMPORT_LISTED), "rejected_count", "rejected_omitted", "warnings":
 * [{"line", "reason"}] (what the reader or the mapping left out of a card
 * that is imported), "warnings_omitted", "blocked" (rejected cards stop
 * the import),
 * "preview": [the first VCARD_IMPORT_PREVIEW cards as {"line", "name",
 * "kind", "action" (create, update, skip, reject), "id" (the relation
 * updated or skipped), "organisation", "email", "reason"}]}. Lines are
 * those of the cards' BEGIN:VCARD (the reader's own for its errors).
 * Other failures: BRUG_ETOOBIG (more than VCARD_CARDS_MAX cards; err
 * says so), database errors; no report then. Not thread-safe per db. */
int vcard_import_run(struct db *db, const struct actor *who, const char *data, size_t len,
		     const struct vcard_import_options *opt, json_t **report,
		     struct brug_err *err);

/* Keeps an uploaded file (any bytes; stored base64-encoded) for user of
 * org until it is confirmed, with its file name (may be NULL); *id is its
 * handle. Uploads older than a day are removed at the same time. */
int vcard_import_keep(struct db *db, int64_t org, int64_t user, const char *filename,
		      const char *data, size_t len, int64_t *id);
/* The upload id of user of org: *data (caller frees; NUL-terminated after
 * len bytes) and *filename (caller frees; may be NULL). BRUG_ENOTFOUND for
 * another user's or organisation's, an expired or a used one. */
int vcard_import_load(struct db *db, int64_t org, int64_t user, int64_t id, char **data,
		      size_t *len, char **filename);
/* Removes an upload once it is imported (and org's expired ones); a
 * missing one is fine. */
int vcard_import_forget(struct db *db, int64_t org, int64_t id);

#endif

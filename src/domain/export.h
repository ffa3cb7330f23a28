/* SPDX-License-Identifier: Apache-2.0 */
/* Relations out of brug: one, a selection (ids, or the relation list's
 * filters) or all of them, as CSV (for spreadsheets and for brug's CSV
 * import), JSON (the objects GET /api/v1/relations/{id} gives, without the
 * timeline) or vCard 4.0. Relations are read in batches and written to a
 * sink batch by batch, so memory stays small however many there are; where
 * the bytes go (a file, a response body) is the caller's business. No HTTP
 * here. */
#ifndef BRUG_DOMAIN_EXPORT_H
#define BRUG_DOMAIN_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/principal.h"
#include "domain/relation.h"

enum export_format { EXPORT_CSV = 0, EXPORT_JSON, EXPORT_VCARD };

/* Most ids one selection may name (they go into one statement). */
#define EXPORT_IDS_MAX 400
/* Relations read per batch: the memory an export holds besides its output
 * is about this many relations with their contact points. */
#define EXPORT_BATCH 400

/* Which relations, in name order. Every filter that is set applies; ids
 * (n_ids > 0) narrow the filters to those relations, and ids that are not
 * the organisation's are left out without a word. */
struct export_select {
	const int64_t *ids;
	size_t n_ids;
	const char *kind, *type, *tag; /* NULL: any */
	int64_t owner_id;              /* 0: anyone's */
	enum relation_status status;   /* REL_ANY for everything */
};

struct export_options {
	enum export_format format;
	/* CSV for Excel: ';' between fields (what Excel expects where the
	 * decimal separator is a comma, as in Dutch) and a UTF-8 byte order
	 * mark (without it Excel reads the file as Windows-1252). */
	bool excel;
	bool english; /* CSV header names in English (else Dutch) */
};

/* Receives the output in order, chunk by chunk; 0 to go on, anything else
 * stops the export, which returns that value. */
typedef int (*export_sink_fn)(void *ctx, const char *p, size_t n);

/* Writes the selected relations of org to sink in the chosen format:
 * - CSV: a header row and one row per relation, RFC 4180 with CR LF, every
 *   field protected against spreadsheet formulas (CSVX_PROTECT). Columns:
 *   naam, voornaam, achternaam, e-mail, telefoon, mobiel, straat, postcode,
 *   plaats, land, functie, type, labels, notities, taal, organisatie,
 *   accountmanager (in English name, given_name, family_name, email,
 *   phone, mobile, street, postal_code, city, country, job_title, type,
 *   tags, notes, lang, organisation, owner): the first email address, the
 *   first phone number not labelled mobile and the first that is, the
 *   first address, tags joined by ", ", the organisation's name and the
 *   account manager's email address.
 * - JSON: one array of relation_get's objects.
 * - vCard: one vCard 4.0 per relation (see export_relation_card).
 * Reads in batches of EXPORT_BATCH (keyset on the name's sort key), so it
 * holds one batch at a time. *count (may be NULL) gets the number of
 * relations written. Returns 0, the sink's value, or a database error.
 * Not thread-safe per db (one connection). */
int export_relations(struct db *db, int64_t org, const struct export_select *sel,
		     const struct export_options *opt, export_sink_fn sink, void *ctx,
		     size_t *count);

/* "csv", "json", "vcard" or "vcf" as a format; false for anything else. */
bool export_format_parse(const char *s, enum export_format *out);
/* The Content-Type of a format ("text/csv; charset=utf-8", ...); static. */
const char *export_content_type(enum export_format f);
/* A file name for base (a relation's name, or "relaties"): the ASCII
 * letters and digits of base folded (case and accents: "Zoë" is "zoe"),
 * runs of anything else as one '-', at
 * most 60 characters, then the format's extension ("jan-de-vries.vcf");
 * "export" when nothing is left of base. Never holds a quote, slash or
 * control character. out has room for n bytes (at least 72). */
void export_file_name(const char *base, enum export_format f, char *out, size_t n);
/* The vCard UID of relation id of org: a UUID (version 8, RFC 9562) from a
 * BLAKE2b hash of the organisation's id and creation time and the
 * relation's id, so every export gives a relation the same UID and two
 * installations almost surely different ones. out: 37 bytes. */
void export_relation_uid(int64_t org, int64_t org_created_ms, int64_t id, char out[37]);
/* Records in the audit log that who exported count relations as f. Ends
 * the connection's read snapshot first (exports are GETs). */
int export_audit(struct db *db, const struct actor *who, enum export_format f, size_t count);

#endif

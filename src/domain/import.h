/* SPDX-License-Identifier: Apache-2.0 */
/* Importing files: relations from a CSV export (Excel, Google Contacts,
 * another CRM) and phone calls from an Asterisk call log (Master.csv).
 * Bytes are turned into UTF-8 (util/charset), read as CSV (util/csv),
 * checked row by row, matched against the organisation's relations, and
 * written in one transaction: everything or nothing, unless the caller asks
 * to skip rejected rows. A dry run does the same work and rolls back, so
 * its report is exactly what a real run would do. Also keeps uploads
 * between a preview and its confirmation. No HTTP here. */
#ifndef BRUG_DOMAIN_IMPORT_H
#define BRUG_DOMAIN_IMPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/principal.h"

/* The largest upload the web and the API take (the route cap); the command
 * line reads local files up to IMPORT_FILE_MAX. */
#define IMPORT_UPLOAD_MAX ((size_t)50 << 20)
#define IMPORT_FILE_MAX ((size_t)1 << 30)
/* Rows listed in a report: the first rows with their action, and at most
 * this many rejected rows (the counts cover them all). */
#define IMPORT_PREVIEW_ROWS 20
#define IMPORT_REJECTED_MAX 1000

enum import_dup { IMPORT_DUP_SKIP = 0, IMPORT_DUP_UPDATE = 1 };

struct import_opts {
	bool dry_run;      /* do everything, then roll back */
	bool skip_invalid; /* write the valid rows even when some are rejected */
	enum import_dup on_duplicate;
	const json_t *mapping; /* relations: {"column header": "field"} over the
				  automatic mapping; NULL: none */
	bool all_calls;        /* cdr: also calls that were not answered */
};

/* Turns uploaded bytes into UTF-8 text: BRUG_ETOOBIG over max bytes, the
 * charset module's refusals (UTF-16, binary, unknown encodings) as
 * BRUG_EVALIDATION with key "import.error_file" and the reason in detail.
 * On success *text (NUL-terminated, the caller frees) and *charset (static,
 * "utf-8", "utf-8-bom" or "windows-1252"). Thread-safe. */
int import_decode(const char *bytes, size_t n, size_t max, char **text, size_t *text_len,
		  const char **charset, struct brug_err *err);

/* Imports relations from CSV text (UTF-8; charset is only reported). The
 * report (a new reference in *report, also when rows were rejected):
 *   kind "relations", dry_run, written (true when the rows were stored),
 *   charset, delimiter (",", ";" or "\t"), on_duplicate, skip_invalid,
 *   columns [{"column","index","field"}], ignored [header texts],
 *   counts {rows, create, update, skip, rejected, organisations},
 *   rejected [{"line","code","field","value","reason"}] (at most
 *   IMPORT_REJECTED_MAX), rows [the first IMPORT_PREVIEW_ROWS rows with
 *   "line", "action" (create, update, skip, reject) and what they hold].
 * Returns 0 with written false when rows were rejected (and not skipped)
 * or for a dry run. A file that cannot be read as a whole (bad CSV, no
 * header, no known column, a bad mapping) is BRUG_EVALIDATION with key
 * "import.error_file" and the reason (with its line) in err->detail; no
 * report then. Writes one "relation.import" audit entry with the counts.
 * Not thread-safe per db. */
int import_relations(struct db *db, const struct actor *who, const char *text, size_t n,
		     const char *charset, const struct import_opts *o, json_t **report,
		     struct brug_err *err);

/* Imports calls from an Asterisk CDR file (Master.csv: no header; the
 * columns accountcode, src, dst, dcontext, clid, channel, dstchannel,
 * lastapp, lastdata, start, answer, end, duration, billsec, disposition,
 * amaflags, uniqueid, userfield, ...). Each answered call (all calls with
 * o->all_calls) with an external number that belongs to one of the
 * organisation's relations becomes a phone interaction; see
 * docs/crm.md for the rules. The report is shaped as import_relations's,
 * kind "cdr", with counts {rows, create, skip, unmatched, not_answered,
 * internal, rejected} and unmatched [{"number","calls"}]. */
int import_cdr(struct db *db, const struct actor *who, const char *text, size_t n,
	       const char *charset, const struct import_opts *o, json_t **report,
	       struct brug_err *err);

/* Uploads kept between a preview and its confirmation, per user, for a
 * day at most. kind: "relations" or "cdr". */
int import_upload_save(struct db *db, const struct actor *who, const char *kind,
		       const char *filename, const char *charset, const char *text, int64_t *id);
/* The upload id of who's user: its kind and filename (static-sized copies)
 * and its text and charset (the caller frees both); BRUG_ENOTFOUND when it
 * is not theirs or has gone. */
struct import_upload {
	char kind[16];
	char filename[256];
	char charset[16];
	char *text;
	size_t len;
};
int import_upload_get(struct db *db, const struct actor *who, int64_t id,
		      struct import_upload *out);
void import_upload_cleanup(struct import_upload *u);
int import_upload_delete(struct db *db, const struct actor *who, int64_t id);
/* Removes every upload older than max_age_ms (housekeeping); *n removed. */
int import_upload_purge(struct db *db, int64_t max_age_ms, int64_t *n);

#endif

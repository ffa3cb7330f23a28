/* SPDX-License-Identifier: Apache-2.0 */
/* A vCard file kept between its preview and its confirmation, so the
 * browser need not send it twice; see vcard_import.h. The bytes are stored
 * base64-encoded: a vCard file need not be UTF-8, and PostgreSQL's text
 * must be. */
#include "domain/vcard_import.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/xmalloc.h"

#define KEEP_MS ((int64_t)24 * 3600 * 1000)

int vcard_import_keep(struct db *db, int64_t org, int64_t user, const char *filename,
		      const char *data, size_t len, int64_t *id)
{
	size_t n = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = xmalloc(n);
	sodium_bin2base64(b64, n, (const unsigned char *)data, len, sodium_base64_VARIANT_ORIGINAL);
	int64_t now = clock_now_ms(), rid = 0;
	int rc = db_begin(db);
	if (rc)
		goto out;
	rc = db_exec(db, "DELETE FROM vcard_uploads WHERE org_id = ? AND created_at < ?",
		     DB_ARGS(DB_I(org), DB_I(now - KEEP_MS)));
	if (!rc)
		rc = db_int_query(db, &rid,
				  "INSERT INTO vcard_uploads (org_id, user_id, filename, size, data,"
				  " created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
				  DB_ARGS(DB_I(org), DB_I(user), DB_T(filename ? filename : ""),
					  DB_I((int64_t)len), DB_T(b64), DB_I(now)));
	rc = db_finish(db, rc);
	if (!rc)
		*id = rid;
out:
	free(b64);
	return rc;
}

int vcard_import_load(struct db *db, int64_t org, int64_t user, int64_t id, char **data,
		      size_t *len, char **filename)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT data, size, filename FROM vcard_uploads WHERE org_id = ?"
			  " AND user_id = ? AND id = ? AND created_at >= ?",
			  DB_ARGS(DB_I(org), DB_I(user), DB_I(id), DB_I(clock_now_ms() - KEEP_MS)));
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		const char *b64 = db_text(r, 0);
		size_t b64_len = db_text_len(r, 0), size = (size_t)db_int(r, 1), got = 0;
		char *bytes = xmalloc(size + 1);
		rc = sodium_base642bin((unsigned char *)bytes, size + 1, b64 ? b64 : "", b64_len, NULL,
				       &got, NULL, sodium_base64_VARIANT_ORIGINAL) ||
				     got != size
			     ? BRUG_EDB
			     : 0;
		if (!rc) {
			bytes[size] = '\0';
			const char *name = db_text(r, 2);
			*filename = name && *name ? xstrdup(name) : NULL;
			*data = bytes;
			*len = size;
		} else {
			free(bytes);
		}
	} else if (rc == 0) {
		rc = BRUG_ENOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int vcard_import_forget(struct db *db, int64_t org, int64_t id)
{
	return db_exec(db, "DELETE FROM vcard_uploads WHERE org_id = ? AND (id = ? OR created_at < ?)",
		       DB_ARGS(DB_I(org), DB_I(id), DB_I(clock_now_ms() - KEEP_MS)));
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Uploads kept between an import's preview and its confirmation: the file
 * as UTF-8 text, its user's, for a day at most (housekeeping removes older
 * ones). The text is stored as decoded, so the confirmation reads exactly
 * what the preview read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/import.h"
#include "util/clock.h"
#include "util/xmalloc.h"

int import_upload_save(struct db *db, const struct actor *who, const char *kind,
		       const char *filename, const char *charset, const char *text, int64_t *id)
{
	char name[256];
	snprintf(name, sizeof(name), "%s", filename ? filename : "");
	return db_int_query(db, id,
			    "INSERT INTO import_uploads (org_id, user_id, kind, filename, charset,"
			    " content, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
			    DB_ARGS(DB_I(who->org_id), DB_I(who->user_id), DB_T(kind), DB_T(name),
				    DB_T(charset), DB_T(text), DB_I(clock_now_ms())));
}

int import_upload_get(struct db *db, const struct actor *who, int64_t id,
		      struct import_upload *out)
{
	struct db_rows *r = NULL;
	memset(out, 0, sizeof(*out));
	int rc = db_query(db, &r,
			  "SELECT kind, filename, charset, content FROM import_uploads"
			  " WHERE org_id = ? AND id = ? AND user_id = ?",
			  DB_ARGS(DB_I(who->org_id), DB_I(id), DB_I(who->user_id)));
	int more = rc ? 0 : db_next(r);
	if (more == 1) {
		snprintf(out->kind, sizeof(out->kind), "%s", db_text(r, 0));
		snprintf(out->filename, sizeof(out->filename), "%s", db_text(r, 1));
		snprintf(out->charset, sizeof(out->charset), "%s", db_text(r, 2));
		out->len = db_text_len(r, 3);
		out->text = xmalloc(out->len + 1);
		memcpy(out->text, db_text(r, 3), out->len);
		out->text[out->len] = '\0';
	}
	db_rows_free(r);
	return rc ? rc : more < 0 ? more : more == 0 ? BRUG_ENOTFOUND : 0;
}

void import_upload_cleanup(struct import_upload *u)
{
	if (u) {
		free(u->text);
		u->text = NULL;
	}
}

int import_upload_delete(struct db *db, const struct actor *who, int64_t id)
{
	return db_exec(db, "DELETE FROM import_uploads WHERE org_id = ? AND id = ? AND user_id = ?",
		       DB_ARGS(DB_I(who->org_id), DB_I(id), DB_I(who->user_id)));
}

int import_upload_purge(struct db *db, int64_t max_age_ms, int64_t *n)
{
	int rc = db_exec(db, "DELETE FROM import_uploads WHERE created_at < ?",
			 DB_ARGS(DB_I(clock_now_ms() - max_age_ms)));
	if (!rc && n)
		*n = db_changes(db);
	return rc;
}

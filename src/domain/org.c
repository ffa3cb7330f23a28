/* SPDX-License-Identifier: Apache-2.0 */
/* Organisation rows; see org.h. */
#include "domain/org.h"

#include <string.h>

#include "domain/audit.h"
#include "domain/interaction.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/tz.h"

int org_create(struct db *db, const char *name, const char *lang, int64_t *id)
{
	int64_t now = clock_now_ms(), oid = 0;
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_int_query(db, &oid,
			  "INSERT INTO orgs (name, lang, created_at, updated_at) VALUES (?, ?, ?, ?)"
			  " RETURNING org_id",
			  DB_ARGS(DB_T(name), DB_T(lang ? lang : "nl"), DB_I(now), DB_I(now)));
	if (!rc) /* what every organisation starts with */
		rc = interaction_roles_seed(db, oid);
	rc = db_finish(db, rc);
	if (!rc)
		*id = oid;
	return rc;
}

int org_get(struct db *db, int64_t org, json_t **out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT org_id AS id, name, lang, timezone, created_at FROM orgs"
			  " WHERE org_id = ?",
			  DB_ARGS(DB_I(org)));
	if (!rc) {
		rc = db_next(r);
		if (rc == 1) {
			*out = db_row_json(r);
			rc = 0;
		} else if (rc == 0) {
			rc = BRUG_ENOTFOUND;
		}
	}
	db_rows_free(r);
	return rc;
}

int org_update(struct db *db, const struct actor *who, const char *name, const char *lang,
	       const char *timezone, struct brug_err *err)
{
	if (lang && strcmp(lang, "nl") && strcmp(lang, "en"))
		return brug_fail(err, BRUG_EVALIDATION, "error.choice", "lang");
	if (timezone && !tz_get(timezone))
		return brug_fail(err, BRUG_EVALIDATION, "error.timezone", "timezone");
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_exec(db,
		     "UPDATE orgs SET name = COALESCE(?, name), lang = COALESCE(?, lang),"
		     " timezone = COALESCE(?, timezone), updated_at = ? WHERE org_id = ?",
		     DB_ARGS(DB_T(name), DB_T(lang), DB_T(timezone), DB_I(clock_now_ms()),
			     DB_I(who->org_id)));
	if (!rc && db_changes(db) == 0)
		rc = brug_fail(err, BRUG_ENOTFOUND, "error.not_found", NULL);
	if (!rc) {
		json_t *d = json_object();
		jx_set_str(d, "name", name);
		jx_set_str(d, "lang", lang);
		jx_set_str(d, "timezone", timezone);
		rc = audit_add(db, who, "org.update", "org", who->org_id, d);
	}
	return db_finish(db, rc);
}

int org_find(struct db *db, const char *name, int64_t *id)
{
	return db_int_query(db, id, "SELECT org_id FROM orgs WHERE name = ? ORDER BY org_id LIMIT 1",
			    DB_ARGS(DB_T(name)));
}

int org_count(struct db *db, int64_t *n)
{
	return db_int_query(db, n, "SELECT COUNT(*) FROM orgs", DB_NOARGS);
}

int org_first(struct db *db, int64_t *id)
{
	return db_int_query(db, id, "SELECT MIN(org_id) FROM orgs HAVING COUNT(*) > 0", DB_NOARGS);
}

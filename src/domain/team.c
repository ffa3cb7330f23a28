/* SPDX-License-Identifier: Apache-2.0 */
/* Team rows and memberships; see team.h. */
#include "domain/team.h"

#include <stdlib.h>

#include "domain/audit.h"
#include "util/clock.h"
#include "util/jx.h"

static json_t *named(const char *name, const char *description)
{
	json_t *d = json_object();
	jx_set_str(d, "name", name);
	if (description)
		jx_set_str(d, "description", description);
	return d;
}

int team_create(struct db *db, const struct actor *who, const char *name, const char *description,
		int64_t *id, struct brug_err *err)
{
	int64_t now = clock_now_ms(), tid = 0;
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_int_query(db, &tid,
			  "INSERT INTO teams (org_id, name, description, created_at, updated_at)"
			  " VALUES (?, ?, ?, ?, ?) RETURNING id",
			  DB_ARGS(DB_I(who->org_id), DB_T(name), DB_T(description ? description : ""),
				  DB_I(now), DB_I(now)));
	if (rc == BRUG_ECONFLICT)
		brug_fail(err, rc, "error.team_name_taken", "name");
	if (!rc)
		rc = audit_add(db, who, "team.create", "team", tid, named(name, description));
	rc = db_finish(db, rc);
	if (!rc)
		*id = tid;
	return rc;
}

int team_get(struct db *db, int64_t org, int64_t id, json_t **out)
{
	struct db_rows *r = NULL;
	json_t *t = NULL;
	int rc = db_query(db, &r,
			  "SELECT id, name, description, created_at, updated_at FROM teams"
			  " WHERE org_id = ? AND id = ?",
			  DB_ARGS(DB_I(org), DB_I(id)));
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1)
		t = db_row_json(r);
	db_rows_free(r);
	if (rc <= 0)
		return rc == 0 ? BRUG_ENOTFOUND : rc;
	rc = db_query(db, &r,
		      "SELECT u.id, m.team_id, u.name, u.email, u.role, m.lead <> 0 AS is_lead,"
		      " u.disabled_at IS NOT NULL AS is_disabled FROM team_members m"
		      " JOIN users u ON u.org_id = m.org_id AND u.id = m.user_id"
		      " WHERE m.org_id = ? AND m.team_id = ? ORDER BY m.lead DESC, lower(u.name)",
		      DB_ARGS(DB_I(org), DB_I(id)));
	json_t *members = rc ? NULL : db_rows_json(r, &rc);
	db_rows_free(r);
	if (rc) {
		json_decref(t);
		return rc;
	}
	json_object_set_new(t, "members", members);
	*out = t;
	return 0;
}

int team_list(struct db *db, int64_t org, struct listing page, json_t **out)
{
	return listing_query(db,
			     "t.id, t.name, t.description, t.created_at,"
			     " (SELECT COUNT(*) FROM team_members m WHERE m.org_id = t.org_id"
			     " AND m.team_id = t.id) AS members",
			     " FROM teams t WHERE t.org_id = ?", "ORDER BY lower(t.name), t.id",
			     DB_ARGS(DB_I(org)), page, out);
}

int team_update(struct db *db, const struct actor *who, int64_t id, const char *name,
		const char *description, struct brug_err *err)
{
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_exec(db,
		     "UPDATE teams SET name = COALESCE(?, name), description = COALESCE(?, description),"
		     " updated_at = ? WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_T(name), DB_T(description), DB_I(clock_now_ms()), DB_I(who->org_id),
			     DB_I(id)));
	if (rc == BRUG_ECONFLICT)
		brug_fail(err, rc, "error.team_name_taken", "name");
	else if (!rc && db_changes(db) == 0)
		rc = brug_fail(err, BRUG_ENOTFOUND, "error.not_found", NULL);
	if (!rc)
		rc = audit_add(db, who, "team.update", "team", id, named(name, description));
	return db_finish(db, rc);
}

int team_delete(struct db *db, const struct actor *who, int64_t id, struct brug_err *err)
{
	char *name = NULL;
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_text_query(db, &name, "SELECT name FROM teams WHERE org_id = ? AND id = ?",
			   DB_ARGS(DB_I(who->org_id), DB_I(id)));
	if (rc == BRUG_ENOTFOUND)
		brug_fail(err, rc, "error.not_found", NULL);
	if (!rc)
		rc = db_exec(db, "DELETE FROM team_members WHERE org_id = ? AND team_id = ?",
			     DB_ARGS(DB_I(who->org_id), DB_I(id)));
	if (!rc)
		rc = db_exec(db, "DELETE FROM teams WHERE org_id = ? AND id = ?",
			     DB_ARGS(DB_I(who->org_id), DB_I(id)));
	if (!rc)
		rc = audit_add(db, who, "team.delete", "team", id, named(name, NULL));
	free(name);
	return db_finish(db, rc);
}

static int both_exist(struct db *db, int64_t org, int64_t team, int64_t user, struct brug_err *err)
{
	int64_t n = 0;
	int rc = db_int_query(db, &n,
			      "SELECT (SELECT COUNT(*) FROM teams WHERE org_id = ? AND id = ?) +"
			      " (SELECT COUNT(*) FROM users WHERE org_id = ? AND id = ?)",
			      DB_ARGS(DB_I(org), DB_I(team), DB_I(org), DB_I(user)));
	if (!rc && n != 2)
		rc = brug_fail(err, BRUG_ENOTFOUND, "error.not_found", NULL);
	return rc;
}

int team_member_set(struct db *db, const struct actor *who, int64_t team, int64_t user, bool lead,
		    struct brug_err *err)
{
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = both_exist(db, who->org_id, team, user, err);
	if (!rc)
		rc = db_exec(db,
			     "INSERT INTO team_members (org_id, team_id, user_id, lead, created_at)"
			     " VALUES (?, ?, ?, ?, ?) ON CONFLICT (org_id, team_id, user_id)"
			     " DO UPDATE SET lead = excluded.lead",
			     DB_ARGS(DB_I(who->org_id), DB_I(team), DB_I(user), DB_I(lead ? 1 : 0),
				     DB_I(clock_now_ms())));
	if (!rc) {
		json_t *d = json_object();
		jx_set_int(d, "user_id", user);
		jx_set_bool(d, "lead", lead);
		rc = audit_add(db, who, "team.member_set", "team", team, d);
	}
	return db_finish(db, rc);
}

int team_member_remove(struct db *db, const struct actor *who, int64_t team, int64_t user,
		       struct brug_err *err)
{
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_exec(db, "DELETE FROM team_members WHERE org_id = ? AND team_id = ? AND user_id = ?",
		     DB_ARGS(DB_I(who->org_id), DB_I(team), DB_I(user)));
	if (!rc && db_changes(db) == 0)
		rc = brug_fail(err, BRUG_ENOTFOUND, "error.not_found", NULL);
	if (!rc) {
		json_t *d = json_object();
		jx_set_int(d, "user_id", user);
		rc = audit_add(db, who, "team.member_remove", "team", team, d);
	}
	return db_finish(db, rc);
}

int team_counts(struct db *db, int64_t org, int64_t user, int64_t *all, int64_t *mine)
{
	int rc = db_int_query(db, all, "SELECT COUNT(*) FROM teams WHERE org_id = ?",
			      DB_ARGS(DB_I(org)));
	if (!rc)
		rc = db_int_query(db, mine,
				  "SELECT COUNT(*) FROM team_members WHERE org_id = ? AND user_id = ?",
				  DB_ARGS(DB_I(org), DB_I(user)));
	return rc;
}

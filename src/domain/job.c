/* SPDX-License-Identifier: Apache-2.0 */
/* The organisation's view of the job queue; see job.h. */
#include "domain/job.h"

#include <stdlib.h>
#include <string.h>

#include "db/jobs.h"
#include "domain/audit.h"
#include "util/clock.h"
#include "util/jx.h"

int job_list(struct db *db, int64_t org, const char *state, struct listing page, json_t **out)
{
	return listing_query(db,
			     "id, kind, state, attempts, max_attempts, run_at, last_error, created_at,"
			     " finished_at, locked_by AS worker, schedule_id",
			     " FROM jobs WHERE org_id = ? AND (? IS NULL OR state = ?)", "ORDER BY id DESC",
			     DB_ARGS(DB_I(org), DB_T(state), DB_T(state)), page, out);
}

int job_counts(struct db *db, int64_t org, json_t **out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r, "SELECT state, COUNT(*) FROM jobs WHERE org_id = ? GROUP BY state",
			  DB_ARGS(DB_I(org)));
	if (rc)
		return rc;
	json_t *o = json_pack("{s:i,s:i,s:i,s:i}", "queued", 0, "running", 0, "done", 0, "failed", 0);
	while ((rc = db_next(r)) == 1)
		jx_set_int(o, db_text(r, 0), db_int(r, 1));
	db_rows_free(r);
	if (rc) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

int job_retry(struct db *db, const struct actor *who, int64_t id, struct brug_err *err)
{
	char *state = NULL;
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_text_query(db, &state, "SELECT state FROM jobs WHERE org_id = ? AND id = ?",
			   DB_ARGS(DB_I(who->org_id), DB_I(id)));
	if (rc == BRUG_ENOTFOUND)
		brug_fail(err, rc, "error.not_found", NULL);
	else if (!rc && strcmp(state, "failed"))
		rc = brug_fail(err, BRUG_ECONFLICT, "error.job_not_failed", NULL);
	int64_t now = clock_now_ms();
	/* state again in the UPDATE: on PostgreSQL the SELECT above takes no
	 * lock, and a concurrent retry may have queued the job and a worker
	 * taken it since; that running job must not be queued a second time */
	if (!rc)
		rc = db_exec(db,
			     "UPDATE jobs SET state = 'queued', attempts = 0, run_at = ?, finished_at = NULL,"
			     " updated_at = ? WHERE org_id = ? AND id = ? AND state = 'failed'",
			     DB_ARGS(DB_I(now), DB_I(now), DB_I(who->org_id), DB_I(id)));
	if (!rc && db_changes(db) != 1)
		rc = brug_fail(err, BRUG_ECONFLICT, "error.job_not_failed", NULL);
	if (!rc)
		rc = audit_add(db, who, "job.retry", "job", id, NULL);
	free(state);
	return db_finish(db, rc);
}

int job_probe(struct db *db, const struct actor *who, int64_t sleep_ms, bool fail, int64_t lease_ms,
	      int64_t *id)
{
	json_t *p = json_object();
	jx_set_int(p, "sleep_ms", sleep_ms);
	jx_set_bool(p, "fail", fail);
	char *payload = jx_dumps(p);
	json_decref(p);
	struct job_new j = {.org_id = who->org_id, .kind = "probe", .payload = payload,
			    .max_attempts = fail ? 2 : 0, .lease_ms = lease_ms};
	int64_t jid = 0;
	int rc = db_begin(db);
	if (!rc)
		rc = jobs_enqueue(db, &j, &jid);
	if (!rc)
		rc = audit_add(db, who, "job.probe", "job", jid, NULL);
	rc = db_finish(db, rc);
	free(payload);
	if (!rc && id)
		*id = jid;
	return rc;
}

int job_schedules(struct db *db, int64_t org, json_t **out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT id, name, kind, cron, enabled <> 0 AS is_enabled, next_run_at,"
			  " last_run_at FROM schedules WHERE org_id = ? ORDER BY name",
			  DB_ARGS(DB_I(org)));
	if (rc)
		return rc;
	json_t *items = db_rows_json(r, &rc);
	db_rows_free(r);
	if (rc)
		return rc;
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Rate-limit windows; see ratelimit.h. One upsert per hit: the row resets
 * itself when a new window starts. */
#include "domain/ratelimit.h"

#include "util/clock.h"

int ratelimit_hit(struct db *db, const char *bucket, int64_t window_ms, int64_t *hits,
		  int64_t *retry_ms)
{
	if (window_ms <= 0)
		return BRUG_EINTERNAL;
	int64_t now = clock_now_ms(), start = now - now % window_ms;
	int rc = db_int_query(db, hits,
			      "INSERT INTO rate_limits (org_id, bucket, window_start, hits)"
			      " VALUES (0, ?, ?, 1) ON CONFLICT (org_id, bucket) DO UPDATE SET"
			      " hits = CASE WHEN rate_limits.window_start = excluded.window_start"
			      " THEN rate_limits.hits + 1 ELSE 1 END,"
			      " window_start = excluded.window_start RETURNING hits",
			      DB_ARGS(DB_T(bucket), DB_I(start)));
	if (!rc && retry_ms)
		*retry_ms = start + window_ms - now;
	return rc;
}

int ratelimit_peek(struct db *db, const char *bucket, int64_t window_ms, int64_t *hits,
		   int64_t *retry_ms)
{
	if (window_ms <= 0)
		return BRUG_EINTERNAL;
	int64_t now = clock_now_ms(), start = now - now % window_ms;
	int rc = db_int_query(db, hits,
			      "SELECT COALESCE(MAX(hits), 0) FROM rate_limits WHERE org_id = 0"
			      " AND bucket = ? AND window_start = ?",
			      DB_ARGS(DB_T(bucket), DB_I(start)));
	if (!rc && retry_ms)
		*retry_ms = start + window_ms - now;
	return rc;
}

int ratelimit_forgive(struct db *db, const char *bucket, int64_t window_ms)
{
	if (window_ms <= 0)
		return BRUG_EINTERNAL;
	int64_t now = clock_now_ms(), start = now - now % window_ms;
	return db_exec(db,
		       "UPDATE rate_limits SET hits = hits - 1 WHERE org_id = 0 AND bucket = ?"
		       " AND window_start = ? AND hits > 0",
		       DB_ARGS(DB_T(bucket), DB_I(start)));
}

int ratelimit_clear(struct db *db, const char *bucket)
{
	return db_exec(db, "DELETE FROM rate_limits WHERE org_id = 0 AND bucket = ?",
		       DB_ARGS(DB_T(bucket)));
}

int ratelimit_purge(struct db *db, int64_t keep_ms)
{
	return db_exec(db, "DELETE FROM rate_limits WHERE org_id = 0 AND window_start < ?",
		       DB_ARGS(DB_I(clock_now_ms() - keep_ms)));
}

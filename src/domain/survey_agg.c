/* SPDX-License-Identifier: Apache-2.0 */
/* Survey aggregate rows (see survey_agg.h): one upsert per grain. */
#include "domain/survey_agg.h"

#include <stdlib.h>

#include "util/tz.h"

void survey_agg_periods(const char *zone, int64_t at_ms, struct survey_periods *out)
{
	const struct tz *z = zone ? tz_get(zone) : NULL;
	if (!z)
		z = tz_get("Europe/Amsterdam");
	struct tz_civil c;
	tz_to_local(z, at_ms, &c);
	out->month = (int64_t)c.year * 10000 + c.month * 100 + 1;
	/* back to Monday: weekday 0 is Sunday */
	int back = (c.weekday + 6) % 7;
	struct tz_civil m;
	int64_t monday = tz_from_local(z, c.year, c.month, c.day - back, 12, 0, 0);
	tz_to_local(z, monday, &m);
	out->week = (int64_t)m.year * 10000 + m.month * 100 + m.day;
}

int survey_agg_add(struct db *db, int64_t org, int64_t survey, int64_t question, const char *dim,
		   const char *dim_value, int64_t score, int64_t delta, const struct survey_periods *p)
{
	static const char *const grains[] = {"w", "m"};
	int rc = 0;
	for (int g = 0; g < 2 && !rc; g++)
		rc = db_exec(db,
			     "INSERT INTO survey_agg (org_id, survey_id, question_id, grain, dim, period,"
			     " dim_value, score, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
			     " ON CONFLICT (org_id, survey_id, question_id, grain, dim, period, dim_value,"
			     " score) DO UPDATE SET n = survey_agg.n + excluded.n",
			     DB_ARGS(DB_I(org), DB_I(survey), DB_I(question), DB_T(grains[g]), DB_T(dim),
				     DB_I(g ? p->month : p->week), DB_T(dim_value), DB_I(score),
				     DB_I(delta)));
	return rc;
}

int survey_agg_bump(struct db *db, int64_t org, int64_t survey, int64_t question, const char *dim,
		    const char *dim_value, int64_t score, int64_t delta, int64_t at_ms)
{
	char *zone = NULL;
	int rc = db_text_query(db, &zone, "SELECT timezone FROM orgs WHERE org_id = ?",
			       DB_ARGS(DB_I(org)));
	if (rc)
		return rc;
	struct survey_periods p;
	survey_agg_periods(zone, at_ms, &p);
	free(zone);
	return survey_agg_add(db, org, survey, question, dim, dim_value, score, delta, &p);
}

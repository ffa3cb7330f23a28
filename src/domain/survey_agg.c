/* SPDX-License-Identifier: Apache-2.0 */
/* Adding to the dashboard counters (see survey_agg.h). */
#include "domain/survey_agg.h"

#include <stdlib.h>

#include "util/tz.h"

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard
 * Hinnant's algorithms), so the Monday of a week may fall in the previous
 * month or year without a second time-zone conversion. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int64_t ymd_of_days(int64_t z)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	return y * 10000 + m * 100 + d;
}

void survey_agg_periods(const char *zone, int64_t at_ms, int64_t *week, int64_t *month)
{
	const struct tz *z = zone ? tz_get(zone) : NULL;
	if (!z)
		z = tz_get("Europe/Amsterdam");
	struct tz_civil c;
	tz_to_local(z, at_ms, &c);
	int64_t days = days_from_civil(c.year, c.month, c.day);
	*week = ymd_of_days(days - (c.weekday + 6) % 7);
	*month = (int64_t)c.year * 10000 + c.month * 100 + 1;
}

int survey_agg_bump(struct db *db, int64_t org, int64_t survey, int64_t question, const char *dim,
		    const char *dim_value, int64_t score, int64_t delta, int64_t at_ms)
{
	char *zone = NULL;
	int rc = db_text_query(db, &zone, "SELECT timezone FROM orgs WHERE org_id = ?",
			       DB_ARGS(DB_I(org)));
	if (rc)
		goto out;
	int64_t period[2];
	survey_agg_periods(zone, at_ms, &period[0], &period[1]);
	static const char *const grains[] = {"w", "m"};
	for (int i = 0; i < 2 && !rc; i++)
		rc = db_exec(db,
			     "INSERT INTO survey_agg (org_id, survey_id, question_id, grain, dim, period,"
			     " dim_value, score, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
			     " ON CONFLICT (org_id, survey_id, question_id, grain, dim, period, dim_value,"
			     " score) DO UPDATE SET n = survey_agg.n + excluded.n",
			     DB_ARGS(DB_I(org), DB_I(survey), DB_I(question), DB_T(grains[i]),
				     DB_T(dim ? dim : ""), DB_I(period[i]),
				     DB_T(dim_value ? dim_value : ""), DB_I(score), DB_I(delta)));
out:
	free(zone);
	return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Follow-up cases for detractors (see survey_case.h). */
#include "domain/survey_case.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/jobs.h"
#include "domain/feedback_config.h"
#include "util/clock.h"
#include "util/tz.h"
#include "util/xmalloc.h"

#define DAY_MS (24 * 3600 * 1000LL)

int64_t survey_case_due(const char *zone, int64_t now, int days)
{
	const struct tz *z = zone ? tz_get(zone) : NULL;
	if (!z)
		z = tz_get("Europe/Amsterdam");
	struct tz_civil c;
	tz_to_local(z, now, &c);
	int y = c.year, m = c.month, d = c.day, wd = c.weekday;
	while (days > 0) {
		d++;
		wd = (wd + 1) % 7;
		if (wd != 0 && wd != 6)
			days--;
	}
	/* tz_from_local normalises day overflow into the next months */
	return tz_from_local(z, y, m, d, c.hour, c.minute, c.second);
}

/* The assignee: the relation's owner when they are an active user, else
 * the survey's owner; 0 when neither. Also the organisation's zone. */
static int case_context(struct db *db, int64_t org, int64_t invitation, int64_t *survey,
			int64_t *relation, int64_t *assignee, char **zone)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT i.survey_id, i.relation_id,"
			  " COALESCE((SELECT u.id FROM relations rel JOIN users u ON u.id = rel.owner_id"
			  "   AND u.org_id = rel.org_id AND u.disabled_at IS NULL"
			  "   WHERE rel.org_id = i.org_id AND rel.id = i.relation_id),"
			  "  (SELECT u.id FROM users u WHERE u.org_id = s.org_id AND u.id = s.owner_id"
			  "   AND u.disabled_at IS NULL), 0),"
			  " o.timezone"
			  " FROM survey_invitations i JOIN surveys s ON s.id = i.survey_id"
			  " JOIN orgs o ON o.org_id = i.org_id"
			  " WHERE i.org_id = ? AND i.id = ?",
			  DB_ARGS(DB_I(org), DB_I(invitation)));
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		*survey = db_int(r, 0);
		*relation = db_null(r, 1) ? 0 : db_int(r, 1);
		*assignee = db_int(r, 2);
		*zone = xstrdup(db_text(r, 3));
		rc = 0;
	} else if (rc == 0) {
		rc = BRUG_ENOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int survey_case_open(struct db *db, int64_t org, int64_t invitation, int score, int64_t *id,
		     bool *opened)
{
	int64_t existing = 0;
	int rc = db_int_query(db, &existing,
			      "SELECT id FROM survey_cases WHERE org_id = ? AND invitation_id = ?",
			      DB_ARGS(DB_I(org), DB_I(invitation)));
	if (!rc) {
		if (id)
			*id = existing;
		if (opened)
			*opened = false;
		return 0;
	}
	if (rc != BRUG_ENOTFOUND)
		return rc;
	int64_t survey = 0, relation = 0, assignee = 0, cid = 0;
	char *zone = NULL;
	struct feedback_config fc;
	rc = case_context(db, org, invitation, &survey, &relation, &assignee, &zone);
	if (!rc)
		rc = feedback_config_get(db, org, &fc);
	if (rc)
		goto out;
	int64_t now = clock_now_ms();
	rc = db_int_query(db, &cid,
			  "INSERT INTO survey_cases (org_id, invitation_id, survey_id, relation_id,"
			  " assignee_id, score, due_at, created_at, updated_at)"
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			  DB_ARGS(DB_I(org), DB_I(invitation), DB_I(survey), DB_I0(relation),
				  DB_I0(assignee), DB_I(score), DB_I(survey_case_due(zone, now, fc.case_days)),
				  DB_I(now), DB_I(now)));
	if (!rc && assignee) {
		char payload[64];
		snprintf(payload, sizeof(payload), "{\"case_id\":%lld}", (long long)cid);
		rc = jobs_enqueue(db,
				  &(struct job_new){.org_id = org, .kind = "case.notify", .payload = payload},
				  NULL);
	}
	if (!rc) {
		if (id)
			*id = cid;
		if (opened)
			*opened = true;
	}
out:
	free(zone);
	return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Follow-up cases for detractors (see survey_case.h). */
#include "domain/survey_case.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/jobs.h"
#include "domain/audit.h"
#include "domain/check.h"
#include "domain/feedback_config.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/markdown.h"
#include "util/tz.h"
#include "util/xmalloc.h"

const char *const survey_case_statuses[] = {"open", "contacted", "resolved", NULL};

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

int survey_case_may_change(struct db *db, const struct actor *who, enum role who_role,
			   int64_t id, struct brug_err *err)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r, "SELECT assignee_id FROM survey_cases WHERE org_id = ? AND id = ?",
			  DB_ARGS(DB_I(who->org_id), DB_I(id)));
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 0)
		rc = brug_fail(err, BRUG_ENOTFOUND, "error.case_not_found", NULL);
	else if (rc == 1) {
		bool mine = !db_null(r, 0) && who->user_id && db_int(r, 0) == who->user_id;
		rc = mine || who_role >= ROLE_MANAGER
			     ? 0
			     : brug_fail(err, BRUG_EFORBIDDEN, "error.case_forbidden", NULL);
	}
	db_rows_free(r);
	return rc;
}

/* Whether the case may move from status from to status to. */
static bool move_ok(const char *from, const char *to)
{
	if (!strcmp(to, "open"))
		return strcmp(from, "open") != 0;
	if (!strcmp(to, "contacted"))
		return !strcmp(from, "open");
	return !strcmp(from, "contacted"); /* resolved */
}

/* The current status and assignee of case id (inside the transaction). */
static int case_state(struct db *db, int64_t org, int64_t id, char status[16], int64_t *assignee)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT status, assignee_id FROM survey_cases WHERE org_id = ? AND id = ?",
			  DB_ARGS(DB_I(org), DB_I(id)));
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		snprintf(status, 16, "%s", db_text(r, 0));
		*assignee = db_null(r, 1) ? 0 : db_int(r, 1);
		rc = 0;
	} else if (rc == 0) {
		rc = BRUG_ENOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

static int check_change(struct db *db, int64_t org, const struct survey_case_change *c,
			const char *status, struct brug_err *err)
{
	if (c->status && !check_one_of(c->status, survey_case_statuses))
		return brug_fail(err, BRUG_EVALIDATION, "error.choice", "status");
	if (c->status && strcmp(c->status, status) && !move_ok(status, c->status))
		return brug_fail(err, BRUG_EVALIDATION, "error.case_status", "status");
	if (c->assignee_id < 0)
		return 0;
	int64_t n = 0;
	int rc = db_int_query(db, &n,
			      "SELECT COUNT(*) FROM users WHERE org_id = ? AND id = ?"
			      " AND disabled_at IS NULL",
			      DB_ARGS(DB_I(org), DB_I(c->assignee_id)));
	if (!rc && !n)
		rc = brug_fail(err, BRUG_EVALIDATION, "error.user_not_found", "assignee_id");
	return rc;
}

int survey_case_update(struct db *db, const struct actor *who, enum role who_role, int64_t id,
		       const struct survey_case_change *c, struct brug_err *err)
{
	char status[16];
	int64_t assignee = 0;
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = survey_case_may_change(db, who, who_role, id, err);
	if (!rc)
		rc = case_state(db, who->org_id, id, status, &assignee);
	if (!rc)
		rc = check_change(db, who->org_id, c, status, err);
	if (rc)
		goto out;
	const char *to = c->status && strcmp(c->status, status) ? c->status : NULL;
	bool reassign = c->assignee_id >= 0 && c->assignee_id != assignee;
	if (!to && !reassign)
		goto out; /* nothing changes: no write, no audit line */
	int64_t now = clock_now_ms();
	const char *st = to ? to : status;
	rc = db_exec(db,
		     "UPDATE survey_cases SET status = ?, assignee_id = ?,"
		     " contacted_at = CASE WHEN ? = 'open' THEN NULL"
		     "  WHEN ? = 'contacted' AND ? = 1 THEN ? ELSE contacted_at END,"
		     " resolved_at = CASE WHEN ? = 'resolved' AND ? = 1 THEN ? WHEN ? = 'open'"
		     "  THEN NULL ELSE resolved_at END,"
		     " updated_at = ? WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_T(st), DB_I0(reassign ? c->assignee_id : assignee), DB_T(st), DB_T(st),
			     DB_I(to ? 1 : 0), DB_I(now), DB_T(st), DB_I(to ? 1 : 0), DB_I(now),
			     DB_T(st), DB_I(now), DB_I(who->org_id), DB_I(id)));
	if (!rc) {
		json_t *d = json_object();
		if (to) {
			jx_set_str(d, "from", status);
			jx_set_str(d, "status", to);
		}
		if (reassign)
			jx_set_int(d, "assignee_id", c->assignee_id);
		rc = audit_add(db, who, "case.update", "case", id, d);
	}
out:
	return db_finish(db, rc);
}

int survey_case_note_add(struct db *db, const struct actor *who, enum role who_role, int64_t id,
			 const char *body, int64_t *note_id, struct brug_err *err)
{
	if (!body || !*body)
		return brug_fail(err, BRUG_EVALIDATION, "error.required", "body");
	if (!check_text(body, 10000, true))
		return brug_fail(err, BRUG_EVALIDATION, "error.too_long", "body");
	char *html = NULL;
	int rc = markdown_to_html(body, strlen(body), MARKDOWN_SHIFT_HEADINGS, &html);
	free(html);
	if (rc)
		return brug_fail(err, BRUG_EVALIDATION, "error.markdown", "body");
	int64_t nid = 0, now = clock_now_ms();
	if ((rc = db_begin(db)))
		return rc;
	rc = survey_case_may_change(db, who, who_role, id, err);
	if (!rc)
		rc = db_int_query(db, &nid,
				  "INSERT INTO survey_case_notes (org_id, case_id, user_id, body,"
				  " created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
				  DB_ARGS(DB_I(who->org_id), DB_I(id), DB_I0(who->user_id),
					  DB_T(body), DB_I(now)));
	if (!rc)
		rc = db_exec(db, "UPDATE survey_cases SET updated_at = ? WHERE org_id = ? AND id = ?",
			     DB_ARGS(DB_I(now), DB_I(who->org_id), DB_I(id)));
	if (!rc)
		rc = audit_add(db, who, "case.note", "case", id, json_pack("{s:I}", "note_id",
									(json_int_t)nid));
	rc = db_finish(db, rc);
	if (!rc && note_id)
		*note_id = nid;
	return rc;
}

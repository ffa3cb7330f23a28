/* SPDX-License-Identifier: Apache-2.0 */
/* What happens to an invitation after it is made (see survey_invite.h):
 * what its mail jobs read, sent and reminded, skipped late, the opt-out of
 * its unsubscribe link, and the list the invitations page shows. */
#include "domain/survey_invite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/jobs.h"
#include "domain/survey_agg.h"
#include "util/clock.h"
#include "util/xmalloc.h"

#define DAY_MS (24 * 3600 * 1000LL)

static char *dup_col(struct db_rows *r, int col)
{
	const char *s = db_text(r, col);
	return xstrdup(s ? s : "");
}

static int64_t int_col(struct db_rows *r, int col)
{
	return db_null(r, col) ? 0 : db_int(r, col);
}

int survey_invite_info_get(struct db *db, int64_t org, int64_t id, struct survey_invite_info *out)
{
	struct db_rows *r = NULL;
	memset(out, 0, sizeof(*out));
	int rc = db_query(
		db, &r,
		"SELECT i.id, i.org_id, i.survey_id, i.relation_id, i.interaction_id, i.status,"
		" i.email, i.lang, COALESCE(rel.name, ''), s.name, s.kind, s.status,"
		" CASE WHEN i.lang = 'en' AND s.intro_en <> '' THEN s.intro_en"
		"  WHEN i.lang = 'nl' AND s.intro_nl <> '' THEN s.intro_nl"
		"  WHEN s.intro_nl <> '' THEN s.intro_nl ELSE s.intro_en END,"
		" COALESCE((SELECT q.type FROM survey_questions q WHERE q.org_id = s.org_id"
		"  AND q.survey_id = s.id AND q.retired_at IS NULL ORDER BY q.position, q.id LIMIT 1),"
		"  ''),"
		" i.expires_at, i.answered_at, i.reminded_at, i.sent_at,"
		" CASE WHEN EXISTS (SELECT 1 FROM survey_optouts o WHERE o.org_id = i.org_id"
		"  AND o.relation_id = i.relation_id) THEN 1 ELSE 0 END, org.name, org.timezone,"
		" COALESCE((SELECT CASE WHEN i.lang = 'en' AND q.text_en <> '' THEN q.text_en"
		"  WHEN q.text_nl <> '' THEN q.text_nl ELSE q.text_en END FROM survey_questions q"
		"  WHERE q.org_id = s.org_id AND q.survey_id = s.id AND q.retired_at IS NULL"
		"  ORDER BY q.position, q.id LIMIT 1), '')"
		" FROM survey_invitations i JOIN surveys s ON s.org_id = i.org_id AND s.id = i.survey_id"
		" JOIN orgs org ON org.org_id = i.org_id"
		" LEFT JOIN relations rel ON rel.org_id = i.org_id AND rel.id = i.relation_id"
		" WHERE i.org_id = ? AND i.id = ?",
		DB_ARGS(DB_I(org), DB_I(id)));
	if (!rc && (rc = db_next(r)) == 1) {
		out->id = db_int(r, 0);
		out->org = db_int(r, 1);
		out->survey = db_int(r, 2);
		out->relation = int_col(r, 3);
		out->interaction = int_col(r, 4);
		out->status = dup_col(r, 5);
		out->email = dup_col(r, 6);
		out->lang = dup_col(r, 7);
		out->name = dup_col(r, 8);
		out->survey_name = dup_col(r, 9);
		out->survey_kind = dup_col(r, 10);
		out->survey_status = dup_col(r, 11);
		out->intro = dup_col(r, 12);
		out->first_type = dup_col(r, 13);
		out->expires_at = int_col(r, 14);
		out->answered_at = int_col(r, 15);
		out->reminded_at = int_col(r, 16);
		out->sent_at = int_col(r, 17);
		out->opted_out = db_int(r, 18) != 0;
		out->org_name = dup_col(r, 19);
		out->zone = dup_col(r, 20);
		out->first_text = dup_col(r, 21);
		rc = 0;
	} else if (rc == 0) {
		rc = BRUG_ENOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

void survey_invite_info_cleanup(struct survey_invite_info *i)
{
	if (!i)
		return;
	char **s[] = {&i->status, &i->email, &i->lang, &i->name, &i->survey_name,
		      &i->survey_kind, &i->survey_status, &i->intro, &i->first_type,
		      &i->org_name, &i->zone, &i->first_text};
	for (size_t k = 0; k < sizeof(s) / sizeof(s[0]); k++) {
		free(*s[k]);
		*s[k] = NULL;
	}
}

int survey_invite_mark_sent(struct db *db, int64_t org, int64_t id, int64_t now,
			    int reminder_days)
{
	int64_t survey = 0;
	int rc = db_int_query(db, &survey,
			      "UPDATE survey_invitations SET status = 'sent', sent_at = ?, updated_at = ?"
			      " WHERE org_id = ? AND id = ? AND status = 'pending' RETURNING survey_id",
			      DB_ARGS(DB_I(now), DB_I(now), DB_I(org), DB_I(id)));
	if (rc == BRUG_ENOTFOUND)
		return BRUG_ECONFLICT;
	if (!rc)
		rc = survey_agg_bump(db, org, survey, 0, "", "", 0, 1, now);
	if (!rc && reminder_days > 0) {
		char payload[64];
		snprintf(payload, sizeof(payload), "{\"invitation_id\":%lld}", (long long)id);
		rc = jobs_enqueue(db,
				  &(struct job_new){.org_id = org, .kind = "survey.remind",
						    .payload = payload,
						    .run_at = now + reminder_days * DAY_MS},
				  NULL);
	}
	return rc;
}

int survey_invite_mark_reminded(struct db *db, int64_t org, int64_t id, int64_t now)
{
	int rc = db_exec(db,
			 "UPDATE survey_invitations SET reminded_at = ?, updated_at = ?"
			 " WHERE org_id = ? AND id = ? AND status = 'sent' AND reminded_at IS NULL"
			 " AND answered_at IS NULL",
			 DB_ARGS(DB_I(now), DB_I(now), DB_I(org), DB_I(id)));
	if (!rc && db_changes(db) != 1)
		rc = BRUG_ECONFLICT;
	return rc;
}

int survey_invite_mark_skipped(struct db *db, int64_t org, int64_t id, const char *reason)
{
	return db_exec(db,
		       "UPDATE survey_invitations SET status = 'skipped', skip_reason = ?, updated_at = ?"
		       " WHERE org_id = ? AND id = ? AND status = 'pending'",
		       DB_ARGS(DB_T(reason), DB_I(clock_now_ms()), DB_I(org), DB_I(id)));
}

int survey_invite_mark_failed(struct db *db, int64_t org, int64_t id)
{
	return db_exec(db,
		       "UPDATE survey_invitations SET status = 'failed', updated_at = ?"
		       " WHERE org_id = ? AND id = ? AND status = 'pending'",
		       DB_ARGS(DB_I(clock_now_ms()), DB_I(org), DB_I(id)));
}

int survey_invite_public(struct db *db, int64_t id, int64_t *org, char lang[8])
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r, "SELECT org_id, lang FROM survey_invitations WHERE id = ?",
			  DB_ARGS(DB_I(id)));
	if (!rc && (rc = db_next(r)) == 1) {
		*org = db_int(r, 0);
		snprintf(lang, 8, "%s", db_text(r, 1));
		rc = 0;
	} else if (rc == 0) {
		rc = BRUG_ENOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int survey_invite_optout(struct db *db, int64_t id, int64_t *org_out)
{
	struct db_rows *r = NULL;
	int64_t org = 0, relation = 0;
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_query(db, &r, "SELECT org_id, relation_id FROM survey_invitations WHERE id = ?",
		      DB_ARGS(DB_I(id)));
	if (!rc && (rc = db_next(r)) == 1) {
		org = db_int(r, 0);
		relation = int_col(r, 1);
		rc = relation ? 0 : BRUG_ENOTFOUND;
	} else if (rc == 0) {
		rc = BRUG_ENOTFOUND;
	}
	db_rows_free(r);
	if (!rc)
		rc = db_exec(db,
			     "INSERT INTO survey_optouts (org_id, relation_id, created_at) VALUES (?, ?, ?)"
			     " ON CONFLICT (org_id, relation_id) DO NOTHING",
			     DB_ARGS(DB_I(org), DB_I(relation), DB_I(clock_now_ms())));
	rc = db_finish(db, rc);
	if (!rc)
		*org_out = org;
	return rc;
}

int survey_invite_list(struct db *db, int64_t org, int64_t survey, struct listing page,
		       json_t **out)
{
	int64_t n = 0;
	int rc = db_int_query(db, &n, "SELECT COUNT(*) FROM surveys WHERE org_id = ? AND id = ?",
			      DB_ARGS(DB_I(org), DB_I(survey)));
	if (!rc && !n)
		rc = BRUG_ENOTFOUND;
	if (rc)
		return rc;
	const char *cols =
		"i.id, i.relation_id, COALESCE(rel.name, '') AS relation_name, i.email, i.status,"
		" i.skip_reason, i.lang, i.interaction_id, i.created_at, i.sent_at, i.reminded_at,"
		" i.answered_at, i.completed_at, i.expires_at,"
		" (SELECT m.status FROM mail_outbox m WHERE m.org_id = i.org_id AND m.ref_id = i.id"
		"  AND m.kind IN ('invitation', 'reminder') ORDER BY m.id DESC LIMIT 1) AS mail_status,"
		" (SELECT m.last_error FROM mail_outbox m WHERE m.org_id = i.org_id AND m.ref_id = i.id"
		"  AND m.kind IN ('invitation', 'reminder') ORDER BY m.id DESC LIMIT 1) AS mail_error";
	return listing_query(db, cols,
			     " FROM survey_invitations i LEFT JOIN relations rel ON rel.org_id = i.org_id"
			     " AND rel.id = i.relation_id WHERE i.org_id = ? AND i.survey_id = ?",
			     "ORDER BY i.id DESC", DB_ARGS(DB_I(org), DB_I(survey)), page, out);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Follow-up cases: every detractor (an NPS answer of 0-6) gets one, for the
 * relation's owner, else the survey's owner, due after the organisation's
 * case_days working days (Monday to Friday on its clock). The assignee is
 * told by mail (a case.notify job). A case goes open -> contacted ->
 * resolved, with notes. */
#ifndef BRUG_DOMAIN_SURVEY_CASE_H
#define BRUG_DOMAIN_SURVEY_CASE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/listing.h"
#include "domain/principal.h"

extern const char *const survey_case_statuses[]; /* open, contacted, resolved */

/* Inside the caller's transaction (the answer's): opens the case of
 * invitation for score (0-6), unless it already has one; a later, higher
 * score leaves an existing case as it is (someone will call anyway). *id is
 * the case (new or existing; may be NULL), *opened whether it is new (may
 * be NULL). Queues case.notify when an assignee was found. */
int survey_case_open(struct db *db, int64_t org, int64_t invitation, int score, int64_t *id,
		     bool *opened);

/* now plus days working days on the clock of zone name (NULL or unknown:
 * Europe/Amsterdam): the same local time of day on the day that many
 * Mondays-to-Fridays later. Pure and thread-safe. */
int64_t survey_case_due(const char *zone, int64_t now, int days);

/* A change to a case: status NULL and assignee_id < 0 leave them as they
 * are. The moves are open -> contacted -> resolved, and back to open from
 * contacted or resolved (a reopen, which clears the contacted and resolved
 * times); any other move is BRUG_EVALIDATION "error.case_status" on
 * "status". The new assignee must be an active user of the organisation
 * (else BRUG_EVALIDATION "error.user_not_found" on "assignee_id"). */
struct survey_case_change {
	const char *status;
	int64_t assignee_id;
};

/* Whether a user of role who_role may change case (or add a note to it):
 * its assignee, a manager or an administrator. BRUG_EFORBIDDEN otherwise,
 * BRUG_ENOTFOUND when org has no such case. */
int survey_case_may_change(struct db *db, const struct actor *who, enum role who_role,
			   int64_t id, struct brug_err *err);
/* Applies c to case id of who's organisation in one transaction, after
 * survey_case_may_change, with an audit entry ("case.update": the status
 * and assignee moves) when something changed. Thread-safe per db. */
int survey_case_update(struct db *db, const struct actor *who, enum role who_role, int64_t id,
		       const struct survey_case_change *c, struct brug_err *err);
/* Adds a note (Markdown, 1-10000 characters, must render) to case id,
 * after survey_case_may_change, with an audit entry. *note_id may be NULL. */
int survey_case_note_add(struct db *db, const struct actor *who, enum role who_role, int64_t id,
			 const char *body, int64_t *note_id, struct brug_err *err);

/* survey_case_read.c: lists, one case, metrics. */

struct survey_case_filter {
	const char *status;  /* open, contacted, resolved; NULL: any */
	int64_t assignee_id; /* 0: anyone's */
	int64_t survey_id;   /* 0: any */
	bool overdue;        /* only unresolved cases past their due time */
	int64_t now;         /* for is_overdue; 0: the clock */
	struct listing page;
};

/* A page (listing.h shape, new reference) of {"id", "status", "score",
 * "due_at", "created_at", "contacted_at", "resolved_at", "is_overdue",
 * "assignee_id", "assignee_name", "relation_id", "relation_name",
 * "survey_id", "survey_name"}: overdue first, then by due time. */
int survey_case_list(struct db *db, int64_t org, const struct survey_case_filter *f,
		     json_t **out);
/* One case as in the list, with "answers" (survey_answers_json in lang),
 * "notes" ({"id", "user_id", "user_name", "body", "body_html",
 * "created_at"}, oldest first) and "invitation_id"; BRUG_ENOTFOUND when
 * org has no such case. New reference in *out. */
int survey_case_get(struct db *db, int64_t org, int64_t id, const char *lang, json_t **out);

/* How the loop is closed over [from, to) (UTC ms), for one survey or all
 * (survey_id 0), counted from survey_cases (cases are few next to answers:
 * one per detractor, so no aggregate table is needed). */
struct survey_case_metrics {
	int64_t opened;     /* cases created in the period */
	int64_t due;        /* cases due in the period whose outcome is known:
			     * resolved, or unresolved and past due at now */
	int64_t in_time;    /* of those, resolved at or before their due time */
	double in_time_pct; /* 100 * in_time / due; -1 when due is 0 */
	int64_t closed;     /* cases resolved in the period */
	double median_hours; /* median hours from opening to resolving of
			      * those; -1 when none */
	int64_t open_now;   /* unresolved now (open or contacted) */
	int64_t overdue_now; /* unresolved and past due now */
};
int survey_case_metrics_get(struct db *db, int64_t org, int64_t survey_id, int64_t from,
			    int64_t to, int64_t now, struct survey_case_metrics *out);
/* The median of n values (sorted in place); -1 when n is 0. Pure. */
double survey_case_median(int64_t *v, size_t n);

/* What the case.notify mail needs: {"case_id", "score", "due_at",
 * "to" (the assignee's email), "assignee_name", "lang" (the assignee's, else
 * the organisation's), "timezone" (the organisation's), "relation_name", "survey_name", "answers"};
 * BRUG_ENOTFOUND when the case is gone or has no active assignee. */
int survey_case_notice(struct db *db, int64_t org, int64_t id, json_t **out);

/* The answers of invitation in lang (nl, en; another is nl): an array of
 * {"question_id", "type", "question" (the text in lang, else the other
 * language's), "score" (or null), "choices" (array of choice keys),
 * "text"} in question order. New reference. */
int survey_answers_json(struct db *db, int64_t org, int64_t invitation, const char *lang,
			json_t **out);

/* "Each employee sees the feedback on contacts they handled": answered
 * invitations whose handler is user, newest answer first, as a page of
 * {"id", "survey_id", "survey_name", "relation_id", "relation_name",
 * "channel", "answered_at", "nps" (or null), "case_id" (or null),
 * "answers"}. New reference. */
int survey_feedback_mine(struct db *db, int64_t org, int64_t user, const char *lang,
			 struct listing page, json_t **out);

#endif

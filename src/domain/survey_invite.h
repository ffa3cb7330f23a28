/* SPDX-License-Identifier: Apache-2.0 */
/* Invitations to answer a survey: who is asked (a relationship wave over a
 * selection of people, or one person after an interaction), who is not and
 * why (contact pressure: opt-outs, no email address, erased, invited too
 * recently across all surveys, an open follow-up case), and the state of
 * each invitation as its mail jobs move it (pending -> sent, reminded).
 * Building the mail itself is the jobs' work (jobs/survey_jobs.c); this
 * module only reads and writes rows, and never sees HTTP. */
#ifndef BRUG_DOMAIN_SURVEY_INVITE_H
#define BRUG_DOMAIN_SURVEY_INVITE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/listing.h"
#include "domain/principal.h"

/* Why an invitation was not sent, as stored in skip_reason. */
extern const char *const survey_skip_reasons[]; /* NULL-terminated */

/* Whom a wave asks. Each part narrows (NULL or 0: not given); when none is
 * given, the survey's settings (relation_types, tags) decide, and when those
 * are empty too, every person. Lists stay the caller's. */
struct survey_selection {
	const json_t *relation_types; /* ["customer", ...] */
	const json_t *tags;           /* tag names or ids, any of them */
	int64_t owner_id;             /* the relations' owner */
	const json_t *relation_ids;   /* explicit people */
};

/* Sends survey (an active relationship survey of who's organisation) to
 * the people sel picks: in one transaction, an invitation per person,
 * 'pending' with a survey.invite job, or 'skipped' with its reason.
 * *result (new reference): {"invited": n, "skipped": {reason: n, ...}}
 * with every reason present. BRUG_ENOTFOUND for no such survey;
 * BRUG_ECONFLICT (err key) when it is not active or not a relationship
 * survey; BRUG_EVALIDATION (err names the field) for a bad selection: an
 * unknown type, tag, owner or relation id, or a relation that is not a
 * person. Thread-safe per connection. */
int survey_invite_wave(struct db *db, const struct actor *who, int64_t survey,
		       const struct survey_selection *sel, json_t **result, struct brug_err *err);

/* A page (listing.h shape) of survey's invitations, newest first: relation
 * name, email, status, skip_reason, sent_at, reminded_at, answered_at,
 * completed_at and the latest mail of kind invitation or reminder
 * (mail_status, mail_error). BRUG_ENOTFOUND when survey is not org's. */
int survey_invite_list(struct db *db, int64_t org, int64_t survey, struct listing page,
		       json_t **out);

/* What the mail jobs need to know of one invitation. Strings are owned by
 * the struct; free with survey_invite_info_cleanup. */
struct survey_invite_info {
	int64_t id, org, survey, relation, interaction;
	char *status, *email, *lang, *name; /* name: the relation's */
	char *survey_name, *survey_kind, *survey_status;
	char *intro;       /* the survey's intro in lang (else the other language) */
	char *first_type;  /* type of the first live question, "" when none */
	char *first_text;  /* its text in lang (else the other language) */
	char *org_name, *zone; /* the organisation's name and time zone */
	int64_t expires_at, answered_at, reminded_at, sent_at;
	bool opted_out;
};

/* Loads invitation id of org. BRUG_ENOTFOUND when there is none. */
int survey_invite_info_get(struct db *db, int64_t org, int64_t id, struct survey_invite_info *out);
void survey_invite_info_cleanup(struct survey_invite_info *i);

/* In the caller's transaction, after its mail was queued: the invitation is
 * 'sent' at now, the survey's "sent" counter moves (survey_agg question 0,
 * score 0), and when reminder_days > 0 a survey.remind job is queued for
 * then. BRUG_ECONFLICT when it was no longer pending. */
int survey_invite_mark_sent(struct db *db, int64_t org, int64_t id, int64_t now,
			    int reminder_days);
/* In the caller's transaction: the reminder went at now. BRUG_ECONFLICT
 * when one had already gone or the invitation was answered meanwhile. */
int survey_invite_mark_reminded(struct db *db, int64_t org, int64_t id, int64_t now);
/* The invitation will not be mailed after all (the survey closed, or the
 * person opted out since): 'skipped' with reason. */
int survey_invite_mark_skipped(struct db *db, int64_t org, int64_t id, const char *reason);
/* Its mail cannot be built (an address or name the message cannot carry):
 * 'failed' while it was pending; no retry would help. */
int survey_invite_mark_failed(struct db *db, int64_t org, int64_t id);

/* The unsubscribe link: the relation of invitation id never gets another
 * survey from org (idempotent). *org_out is the invitation's organisation.
 * The invitation is found by id alone (the caller checked its token).
 * BRUG_ENOTFOUND when there is no such invitation or it has no relation. */
int survey_invite_optout(struct db *db, int64_t id, int64_t *org_out);
/* The organisation and language of invitation id (found by id alone, for
 * the public pages). BRUG_ENOTFOUND when there is none. */
int survey_invite_public(struct db *db, int64_t id, int64_t *org, char lang[8]);

/* In the caller's transaction (interaction_create's): for every active
 * transactional survey of org whose settings channels and roles (names;
 * an empty or absent list is any) match channel and the role role_id,
 * queues survey.transactional {survey_id, interaction_id} at now plus its
 * delay_hours. Only for an interaction with a person. */
int survey_invite_on_interaction(struct db *db, int64_t org, int64_t interaction,
				 int64_t person, const char *channel, int64_t role_id);

/* The survey.transactional job's first half, in the caller's transaction:
 * when survey is still active, makes the invitation of the interaction's
 * person with the interaction's handler, role and channel copied in,
 * 'pending', or 'skipped' by the same rules as a wave (but for open
 * cases). *id the new invitation (0 when the survey is no longer active or
 * the interaction has no person); *pending whether it is to be mailed. */
int survey_invite_for_interaction(struct db *db, int64_t org, int64_t survey,
				  int64_t interaction, int64_t *id, bool *pending);

#endif

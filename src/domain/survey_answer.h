/* SPDX-License-Identifier: Apache-2.0 */
/* Answering a survey: what the public answer page shows for an invitation
 * (the survey's live questions in the invitee's language, the answers so
 * far) and saving answers question by question. A save replaces earlier
 * answers to the same questions, keeps the aggregates (survey_agg) exact
 * in the same transaction by subtracting what the invitation counted for
 * before and adding what it counts for now, opens a follow-up case for a
 * detractor, and emits the webhooks. */
#ifndef BRUG_DOMAIN_SURVEY_ANSWER_H
#define BRUG_DOMAIN_SURVEY_ANSWER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"

/* Why an invitation cannot be answered (the answer page says so kindly). */
enum survey_visit_state {
	SURVEY_VISIT_OPEN,      /* answerable */
	SURVEY_VISIT_COMPLETED, /* finished: can no longer be changed */
	SURVEY_VISIT_EXPIRED,   /* past expires_at */
	SURVEY_VISIT_CLOSED,    /* the survey is no longer active */
};

/* The invitation as the answer page needs it: {invitation: {id, org_id,
 * survey_id, lang, state, answered, completed}, survey: {id, name, intro,
 * thanks, kind} (texts in the invitation's language, else the other),
 * questions: [{id, key, type, required, text, options}] (live ones in
 * order, texts likewise), answers: {key: value}}. Marks the invitation
 * opened the first time. *state says whether it may be answered.
 * BRUG_ENOTFOUND for an unknown invitation or one that was never sent
 * (pending, skipped). lang NULL: the invitation's language. */
int survey_answer_load(struct db *db, int64_t invitation, const char *lang, json_t **out,
		       enum survey_visit_state *state);

/* The same shape for the start page of an always-open link survey (no
 * invitation yet: invitation.id 0, answers {}), in lang. BRUG_ENOTFOUND
 * unless survey is a link survey; *state is CLOSED when it is not active. */
int survey_answer_load_link(struct db *db, int64_t survey, const char *lang, json_t **out,
			    enum survey_visit_state *state);

/* What a save did. */
struct survey_save {
	int64_t org;
	int changed;       /* answers written, replaced or cleared */
	bool completed;    /* the invitation is now complete */
	int64_t case_id;   /* the detractor's follow-up case, or 0 */
	bool case_opened;  /* made by this save */
};

/* Saves answers ({key: value}) of invitation; value by question type: an
 * integer on the question's scale (nps 0-10, csat 1-5, ces 1-7, rating its
 * min-max; digits as a string too), yes/no as true/false ("yes"/"no",
 * "1"/"0"), a choice key (single), a list of choice keys (multiple), a
 * string (text, at most the question's max characters). null or "" clears
 * an answer. With complete, every required question must then have an
 * answer (else BRUG_EVALIDATION "error.required" on its key) and the
 * invitation is marked complete. Failures: BRUG_EVALIDATION on the key
 * (out of range, a choice not offered, text too long, unknown or retired
 * key), BRUG_ECONFLICT "error.survey_answer_closed" when the state is not
 * SURVEY_VISIT_OPEN, BRUG_ENOTFOUND as in survey_answer_load. All or
 * nothing, in one transaction of its own. */
int survey_answer_save(struct db *db, int64_t invitation, const json_t *answers, bool complete,
		       struct survey_save *res, struct brug_err *err);

/* The organisation of an active always-open link survey. BRUG_ENOTFOUND
 * for an unknown survey or one that is not a link survey, BRUG_ECONFLICT
 * when it is not active. */
int survey_answer_link_org(struct db *db, int64_t survey, int64_t *org);

/* Makes a response of an always-open link survey of org: an invitation of
 * status 'link' in lang, expiring after the organisation's expiry_days.
 * BRUG_ENOTFOUND for an unknown survey or one that is not a link survey,
 * BRUG_ECONFLICT "error.survey_answer_closed" when it is not active. */
int survey_answer_link_start(struct db *db, int64_t survey, const char *lang, int64_t *invitation);

#endif

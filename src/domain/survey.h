/* SPDX-License-Identifier: Apache-2.0 */
/* Surveys: a name, a kind (relationship wave, transactional after an
 * interaction, always-open link), a status (draft, active, closed), an
 * owner (who gets the follow-ups when a relation has none), texts for the
 * answer page in Dutch and English, and the kind's options (settings).
 * A survey is made empty or from a template, whose questions it copies.
 * Invitations, answers and results build on this in later modules. */
#ifndef BRUG_DOMAIN_SURVEY_H
#define BRUG_DOMAIN_SURVEY_H

#include <jansson.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/listing.h"
#include "domain/principal.h"

#define SURVEY_NAME_MAX 200
#define SURVEY_TEXT_MAX 2000

/* A survey as a caller gives it; NULL (0 for owner_id) means "not given":
 * for a create, the template's value or the default (status draft, the
 * creator as owner, settings {}); for an update, unchanged. Strings and
 * settings stay the caller's. */
struct survey_fields {
	const char *name;
	const char *kind;   /* relationship transactional link */
	const char *status; /* draft active closed */
	const char *intro_nl, *intro_en, *thanks_nl, *thanks_en;
	int64_t owner_id;
	json_t *settings; /* an object; keys by kind, see survey_settings_check */
};

/* Checks settings (an object) for kind: relationship takes relation_types
 * (a list of relation types), tags (a list of tag names), owner_id (the
 * people's owner, a user id) and schedule (a cron expression, util/cron.h,
 * that fires: a wave over that selection on the organisation's clock, key
 * "error.survey_schedule" with the parser's detail otherwise); transactional
 * takes delay_hours (0-720), channels and roles (lists of names); link
 * takes none. Anything else is BRUG_EVALIDATION on "settings". Pure. */
int survey_settings_check(const char *kind, const json_t *settings, struct brug_err *err);

/* Creates a survey, with the questions of template (a key from
 * survey_template.h) or none when template is NULL or "". An unknown
 * template is BRUG_EVALIDATION on "template". */
int survey_create(struct db *db, const struct actor *who, const struct survey_fields *f,
		  const char *template, int64_t *id, struct brug_err *err);
/* One survey of org with its settings parsed and its questions (live ones
 * in order, then the retired), and schedule_next_at: when its scheduled
 * wave runs next (ISO 8601 UTC), or null; a new reference. */
int survey_get(struct db *db, int64_t org, int64_t id, json_t **out);
/* A page of org's surveys, newest first, with status NULL or one status
 * (listing.h shape; each item has a question count). */
int survey_list(struct db *db, int64_t org, const char *status, struct listing page,
		json_t **out);
/* Inside a transaction, before reading the survey to change it or its
 * questions: waits for any other transaction doing the same to end, so
 * the rules (a frozen active survey, at least one live question, at most
 * 50) hold also when PostgreSQL runs two such requests side by side. */
int survey_lock(struct db *db, int64_t org, int64_t id);
/* Changes a survey. Status moves draft -> active (with at least one
 * question), active -> closed and closed -> active; any other move is
 * BRUG_ECONFLICT on "status", as is a change of kind after the draft.
 * In the same transaction its schedule follows: an active relationship
 * survey with settings schedule has the schedule "survey.<id>" (kind
 * "survey.wave", payload {"survey_id": id}, db/jobs.h), any other none. */
int survey_update(struct db *db, const struct actor *who, int64_t id, const struct survey_fields *f,
		  struct brug_err *err);

/* Inside the caller's transaction: marks survey changed (its updated_at
 * moves forward, by at least 1 ms, so it is never the same twice); every
 * change to its questions calls it, and readers that keep parsed questions
 * compare it. */
int survey_touch(struct db *db, int64_t org, int64_t survey);

#endif

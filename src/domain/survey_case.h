/* SPDX-License-Identifier: Apache-2.0 */
/* Follow-up cases: every detractor (an NPS answer of 0-6) gets one, for the
 * relation's owner, else the survey's owner, due after the organisation's
 * case_days working days (Monday to Friday on its clock). The assignee is
 * told by mail (a case.notify job). A case goes open -> contacted ->
 * resolved, with notes. */
#ifndef BRUG_DOMAIN_SURVEY_CASE_H
#define BRUG_DOMAIN_SURVEY_CASE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"

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

#endif

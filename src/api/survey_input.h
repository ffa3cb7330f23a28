/* SPDX-License-Identifier: Apache-2.0 */
/* Reading a survey question from a request: a JSON body gives options as
 * an object; a form gives them as fields (choices as "key: nl | en" lines,
 * a scale's ends and labels, a text's longest answer), which become the
 * same object. Used by api/surveys.c only. Also the schedule form and the
 * selection lists of forms (api/survey_schedule.c), used by api/surveys.c
 * and api/survey_invitations.c. */
#ifndef BRUG_API_SURVEY_INPUT_H
#define BRUG_API_SURVEY_INPUT_H

#include <stdbool.h>

#include "domain/survey_question.h"
#include "http/input.h"
#include "http/req.h"

/* Fills q from in (add: type required; update: fields not sent stay
 * NULL/-1). q->options becomes a new reference the caller releases, or
 * NULL. Field errors are recorded in in (check input_ok); returns 0. Not
 * thread-safe for one input. */
int api_survey_question_read(struct input *in, struct survey_question_fields *q, bool add);

/* A form's comma-separated tags (field) as a list of names, NULL when
 * none; a JSON body's value as it came. A new reference. Not thread-safe
 * for one input. */
json_t *api_survey_tags_read(struct input *in, const char *field);
/* A form's ticked types (field, one or repeated) as a list; a JSON body's
 * value as it came. A new reference (NULL when absent). */
json_t *api_survey_types_read(struct input *in, const char *field);
/* The schedule form's fields over old (the stored settings): schedule (a
 * preset expression, "" for none, or "custom" with schedule_custom),
 * schedule_types, schedule_tags and schedule_owner_id ("" for anyone's).
 * Returns the new settings (a new reference); field errors go to in. */
json_t *api_survey_schedule_read(struct input *in, const json_t *old);
/* Puts "schedule" into the page data s of a survey: the presets in words
 * with the stored one selected, the custom expression, the types ticked,
 * the tags as text and owners (a copy, the selection's one selected).
 * owners stays the caller's. For one request's thread. */
void api_survey_schedule_data(struct req *req, json_t *s, const json_t *owners);
/* The after-a-contact form's fields over old (the stored settings):
 * trigger_delay_hours (0-720), trigger_channels and trigger_roles (ticked
 * boxes; none: any). Returns the new settings (a new reference); field
 * errors go to in (survey_trigger.c). */
json_t *api_survey_trigger_read(struct input *in, const json_t *old);
/* Puts "trigger" into the page data s of a transactional survey: the
 * delay, every channel and the organisation's roles, the chosen ticked. */
int api_survey_trigger_data(struct req *req, json_t *s);
#endif

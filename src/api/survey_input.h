/* SPDX-License-Identifier: Apache-2.0 */
/* Reading a survey question from a request: a JSON body gives options as
 * an object; a form gives them as fields (choices as "key: nl | en" lines,
 * a scale's ends and labels, a text's longest answer), which become the
 * same object. Used by api/surveys.c only. */
#ifndef BRUG_API_SURVEY_INPUT_H
#define BRUG_API_SURVEY_INPUT_H

#include <stdbool.h>

#include "domain/survey_question.h"
#include "http/input.h"

/* Fills q from in (add: type required; update: fields not sent stay
 * NULL/-1). q->options becomes a new reference the caller releases, or
 * NULL. Field errors are recorded in in (check input_ok); returns 0. Not
 * thread-safe for one input. */
int api_survey_question_read(struct input *in, struct survey_question_fields *q, bool add);

#endif

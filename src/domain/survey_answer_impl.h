/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by survey_answer.c and survey_answer_agg.c: the context of one
 * save and the aggregate difference it applies. Not a public interface. */
#ifndef BRUG_DOMAIN_SURVEY_ANSWER_IMPL_H
#define BRUG_DOMAIN_SURVEY_ANSWER_IMPL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/survey_agg.h"

struct answer_ctx {
	int64_t org, survey, invitation, relation;
	int64_t nps_question;          /* the survey's first NPS question, 0: none */
	json_t *dims;                  /* the frozen breakdown (borrowed) */
	struct survey_periods periods; /* of the first answer */
};

/* Applies to survey_agg what changes when the invitation's answers go from
 * before to after ({question id: {score?, choices?, themes?, label?}})
 * and its completion from was_complete to complete. */
int survey_answer_agg_diff(struct db *db, const struct answer_ctx *c, const json_t *before,
			   bool was_complete, const json_t *after, bool complete);

#endif

/* Checks value for question q (a survey_question_list row) and gives the
 * answer row to store in *row (a new reference: {score} | {choices} |
 * {text}), or *row NULL when value clears the answer (null, "", []).
 * BRUG_EVALIDATION with err->key set and err->field = field. */
int survey_answer_check(const json_t *q, const json_t *value, const char *field, json_t **row,
			struct brug_err *err);

/* The stored answers (by question id) as {key: value} in the shapes
 * survey_answer_save takes. A new reference. */
json_t *survey_answer_values(const json_t *questions, const json_t *stored);

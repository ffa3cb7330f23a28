/* SPDX-License-Identifier: Apache-2.0 */
/* The questions of a survey: their checks (type, texts, options), their
 * order, and the rules that keep answers meaningful. While a survey is a
 * draft anything goes; once it has been active a question's key, type,
 * choice keys and scale are frozen (texts may change) and removing a
 * question retires it instead of deleting it. */
#ifndef BRUG_DOMAIN_SURVEY_QUESTION_H
#define BRUG_DOMAIN_SURVEY_QUESTION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/principal.h"

#define SURVEY_QUESTIONS_MAX 50
#define SURVEY_CHOICES_MAX 30
#define SURVEY_QUESTION_TEXT_MAX 500

/* A question as a caller gives it. NULL (or -1 for required) means "not
 * given": for an add, a generated key ("q3"), not required, the type's
 * default options; for an update, unchanged. The strings and options stay
 * the caller's. */
struct survey_question_fields {
	const char *key;
	const char *type; /* nps csat ces rating single multiple text yesno */
	int required;     /* 0, 1, or -1 */
	const char *text_nl;
	const char *text_en;
	json_t *options;
};

/* Checks a whole question and gives its options in stored form (a new
 * reference in *out): the fixed scales of NPS (0-10), CSAT (1-5) and CES
 * (1-7) filled in, a rating's min and max, the choices, a text's max.
 * Fails with BRUG_EVALIDATION naming the field ("type", "text_nl",
 * "options", "key"). Pure and thread-safe. */
int survey_question_check(const struct survey_question_fields *q, json_t **out,
			  struct brug_err *err);

/* Adds a question at the end of survey (of who's organisation). */
int survey_question_add(struct db *db, const struct actor *who, int64_t survey,
			const struct survey_question_fields *q, int64_t *id, struct brug_err *err);
/* Changes a question; once the survey has been active, a different key,
 * type, choice key set or scale is BRUG_ECONFLICT on that field. */
int survey_question_update(struct db *db, const struct actor *who, int64_t survey, int64_t id,
			   const struct survey_question_fields *q, struct brug_err *err);
/* Deletes a question of a draft survey, or retires one of a survey that
 * has been active (*retired says which; it may be NULL). */
int survey_question_remove(struct db *db, const struct actor *who, int64_t survey, int64_t id,
			   bool *retired, struct brug_err *err);
/* Moves a question one place up (dir < 0) or down among the questions in
 * use; at either end nothing changes. */
int survey_question_move(struct db *db, const struct actor *who, int64_t survey, int64_t id,
			 int dir, struct brug_err *err);

/* Inserts a checked question at the end of survey, inside the caller's
 * transaction, without an audit entry (survey_create's template questions
 * use it). Not for other callers. */
int survey_question_insert(struct db *db, int64_t org, int64_t survey,
			   const struct survey_question_fields *q, int64_t *id, struct brug_err *err);
/* The questions of survey (live ones in order, then the retired) as JSON
 * with options parsed and required a boolean; a new reference. */
int survey_question_list(struct db *db, int64_t org, int64_t survey, json_t **out);

#endif

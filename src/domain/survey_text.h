/* SPDX-License-Identifier: Apache-2.0 */
/* What an open answer is about and how it sounds: the themes of the
 * organisation's dictionary (its own, kept in the settings row
 * feedback.themes as util/themes JSON, else the shipped default) and the
 * sentiment from the shipped Dutch and English lexicons. The shipped
 * dictionary and lexicons are loaded once per process. */
#ifndef BRUG_DOMAIN_SURVEY_TEXT_H
#define BRUG_DOMAIN_SURVEY_TEXT_H

#include <jansson.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/principal.h"

/* The theme dictionary of org as JSON for display: [{key, nl, en}] in the
 * dictionary's order; a new reference. */
int survey_text_themes(struct db *db, int64_t org, json_t **out);

/* The dictionary of org as a document in util/themes.h's JSON format
 * ({"themes": [{key, label: {nl, en}, keywords: {nl: [], en: []}}]}, both
 * keyword lists always present) with "is_default": true when it is the
 * shipped one (no own dictionary, or a stored one that no longer loads).
 * A new reference in *out. */
int survey_text_dict_get(struct db *db, int64_t org, json_t **out);

/* Makes json (a util/themes.h document) the dictionary of who's
 * organisation, stored as given in the settings row feedback.themes, with
 * an audit entry "feedback.themes" {themes: how many}. A refused document
 * changes nothing: BRUG_EVALIDATION, key "error.themes", field "themes",
 * err->detail naming the place ("themes[2].keywords.nl[4]: ..."). The
 * change applies to answers saved from then on: answers saved earlier
 * keep the themes found then. */
int survey_text_dict_set(struct db *db, const struct actor *who, const char *json,
			 struct brug_err *err);

/* Back to the shipped dictionary for who's organisation (removes its own;
 * fine when there is none), with an audit entry "feedback.themes_reset".
 * Like survey_text_dict_set, only answers saved from then on. */
int survey_text_dict_reset(struct db *db, const struct actor *who);

/* Analyses text for org: *themes a new JSON list of theme keys (may be
 * empty), *sentiment the score -100..100 and *label -1, 0 or 1, the
 * label of that score (survey_text_label), so a label read back from the
 * stored score is the one counted when it was saved.
 * BRUG_ETOOBIG for a text over the folding limit (err names it). */
int survey_text_analyse(struct db *db, int64_t org, const char *text, json_t **themes,
			int *sentiment, int *label, struct brug_err *err);

/* The sentiment label (-1, 0, 1) of a stored score -100..100: positive
 * from util/sentiment.h's SENTIMENT_POSITIVE_MIN (as 30) up, negative
 * from its opposite down. Pure, thread-safe. */
int survey_text_label(int sentiment);

#endif

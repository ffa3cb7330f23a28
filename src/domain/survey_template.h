/* SPDX-License-Identifier: Apache-2.0 */
/* The ready-made surveys brug ships (textdata/survey_templates.json,
 * embedded as data/survey_templates.json): each a kind, names, intro and
 * thanks texts and questions in Dutch and English. Read-only data; a
 * survey made from a template copies it, so later template changes never
 * touch existing surveys. */
#ifndef BRUG_DOMAIN_SURVEY_TEMPLATE_H
#define BRUG_DOMAIN_SURVEY_TEMPLATE_H

#include <jansson.h>

#define SURVEY_TEMPLATE_FILE "data/survey_templates.json"

/* The template called key as a new reference (a deep copy the caller may
 * change), or NULL when there is none. Thread-safe. */
json_t *survey_template_get(const char *key);
/* Every template for a chooser, in file order: [{key, kind, name,
 * description, questions (a count)}] with the texts in lang ("nl" or
 * "en"). A new reference; an empty array when the file cannot be read.
 * Thread-safe. */
json_t *survey_template_list(const char *lang);

#endif

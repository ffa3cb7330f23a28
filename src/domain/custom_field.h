/* SPDX-License-Identifier: Apache-2.0 */
/* Fields an organisation adds to its relations: text, number, date (a
 * calendar date) or a choice from a list. Definitions here; the values
 * are read and written with the relation (relation_parts.c). */
#ifndef BRUG_DOMAIN_CUSTOM_FIELD_H
#define BRUG_DOMAIN_CUSTOM_FIELD_H

#include <jansson.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/principal.h"

/* The organisation's fields in order: [{"id","name","label","type",
 * "choices":[...]}] (new reference). */
int custom_field_list(struct db *db, int64_t org, json_t **out);
/* Adds a field. name: 1-40 of a-z, 0-9 and _ (the key in the API),
 * label: what forms show; type: text, number, date or choice; choices
 * (for choice only): an array of 1-50 distinct texts. BRUG_EVALIDATION
 * naming the field, BRUG_ECONFLICT on "name" when it exists. */
int custom_field_create(struct db *db, const struct actor *who, const char *name,
			const char *label, const char *type, json_t *choices, int64_t *id,
			struct brug_err *err);
/* Removes a field and every value of it. */
int custom_field_delete(struct db *db, const struct actor *who, int64_t id, struct brug_err *err);

/* Checks values (an object of field name -> value: a string, a number for
 * number fields, or null/"" to clear) against the definitions in fields
 * (as custom_field_list gives them). On success *norm is a new object of
 * name -> stored text ("" to clear). BRUG_EVALIDATION on "custom" with a
 * message naming what is wrong. */
int custom_field_check(json_t *fields, json_t *values, json_t **norm, struct brug_err *err);

/* One value (a JSON string or number; null or "" clears) of field (an
 * element of custom_field_list) in its stored text form (the caller
 * frees), or NULL when it does not fit the field's type. */
char *custom_field_stored(const json_t *field, const json_t *v);

/* A stored value as the API shows it: a number field's value as a JSON
 * number (an integer when it is whole), any other as a string (new
 * reference). */
json_t *custom_field_value_json(const char *type, const char *value);

#endif

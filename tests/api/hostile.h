/* SPDX-License-Identifier: Apache-2.0 */
/* Pieces of the generated hostile-input suite (test_hostile.c): a snapshot
 * of every table's content to show a refused request changed nothing, the
 * request fields docs/openapi.json declares per route, and the bad values
 * made from their types. Single-threaded test code. */
#ifndef BRUG_TESTS_API_HOSTILE_H
#define BRUG_TESTS_API_HOSTILE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "harness.h"
#include "http/router.h"

/* Lists the tables and takes the reference snapshot. */
void snap_init(struct harness *h);
/* The first table whose content differs from the reference, or NULL; the
 * snapshot taken becomes the reference. */
const char *snap_changed(struct harness *h);
/* Takes a snapshot and fails the test, naming the request and the first
 * table that differs, when it is not the reference (which it becomes). */
void snap_check(struct harness *h, const char *method, const char *target, const char *what);
/* Makes the next snap_check accept a change (after a request meant to
 * change something). */
void snap_reset(struct harness *h);

/* docs/openapi.json; the caller owns the reference. */
json_t *openapi_load(void);

/* Sends one bad request (test_hostile.c): a 4xx with a message, naming
 * field when it is a 422 with fields, and no table changed. */
void hostile_send(struct harness *h, const struct route *r, bool api, const char *target,
                  const char *ctype, const char *body, size_t len, const char *field,
                  const char *what);

/* For each field the route's request schema declares (the API twin's for a
 * page), bad values of its type, as JSON (api) or as a form, to target. */
void field_cases(struct harness *h, json_t *doc, const struct route *r, bool api,
                 const char *target);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* What the access tests (test_access.c, test_access_orgs.c) share: the
 * callers of the matrix, the verdict the route table's flags promise each
 * of them, and an app whose handlers are wrapped in a probe that records
 * which route's handler ran, so "the guards let the caller through" is
 * observed rather than guessed from a status. */
#ifndef BRUG_TESTS_API_ACCESS_H
#define BRUG_TESTS_API_ACCESS_H

#include <stdbool.h>

#include "harness.h"
#include "http/router.h"

/* The matrix's columns. */
enum caller { C_ANON, C_EMPLOYEE, C_MANAGER, C_ADMIN, C_OTHER, C_COUNT };

/* What a caller gets at a route. */
enum verdict {
	V_ALLOW,     /* the handler runs */
	V_SIGN_IN,   /* 303 to /login for a page read, else 401 unauthenticated */
	V_FORBIDDEN, /* 403 forbidden: the role is too low */
	V_NOT_FOUND, /* another organisation's object: the handler answers 404 */
};

extern const char *const access_caller_name[C_COUNT];
extern const enum as access_as[C_COUNT]; /* the harness identity of each caller */

/* The route (from the route table, not the probed copy) whose handler ran
 * last; the tests set it to NULL before a request. */
extern const struct route *access_reached;

/* cmocka group setup/teardown: harness_setup, then the app is made again
 * over a copy of the route table whose handlers are probes. */
int access_setup(void **state);
int access_teardown(void **state);

/* The verdict the route's flags promise caller c, and its text in the
 * matrix ("yes", "sign in", "403", "404"). */
enum verdict access_expected(const struct route *r, enum caller c);
const char *access_verdict_text(enum verdict v);

bool access_api_visible(const struct route *r);
bool access_page_visible(const struct route *r);
bool access_is_write(const struct route *r);

/* Sends r's method to target as caller c: on the API by c's token, on a
 * page by session s (or c's token when s is NULL), with the CSRF token of
 * s, in English. body NULL: "{}" for an API write, "x=1" for a form. Returns whether
 * the route's handler ran; the answer goes to out (result_free it). */
bool access_call(struct harness *h, const struct route *r, bool api, enum caller c,
		 const struct session *s, const char *target, const char *body,
		 struct result *out);

#endif

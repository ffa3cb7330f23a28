/* SPDX-License-Identifier: Apache-2.0 */
/* In-process API tests: a fresh database with two organisations and users
 * of every role, an app over it, and requests driven straight through
 * app_handle (no sockets), as h2o's socketless tests do. The database is
 * SQLite in a temporary folder, or BRUG_TEST_DB when set. */
#ifndef BRUG_TESTS_API_HARNESS_H
#define BRUG_TESTS_API_HARNESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "db/db.h"
#include "http/app.h"

/* Who a request is made as. */
enum as {
	AS_ANON,     /* no credentials */
	AS_EMPLOYEE, /* API token of an employee of org 1 */
	AS_MANAGER,  /* API token of a manager of org 1 */
	AS_ADMIN,    /* API token of the administrator of org 1 */
	AS_OTHER,    /* API token of the administrator of org 2 */
	AS_SESSION,  /* browser session (cookie + CSRF token) of the admin of org 1 */
	AS_COUNT
};

struct harness {
	char dir[256];
	char url[300];
	struct config cfg;
	struct db_pool *pool;
	struct app *app;
	struct db *db;
	int64_t org, org2;
	int64_t user[AS_COUNT]; /* user id per identity */
	char token[AS_COUNT][96];
	char cookie[256]; /* Cookie header value for AS_SESSION */
	char csrf[64];    /* its CSRF token */
};

struct result {
	int status;
	json_t *json; /* parsed body when JSON, else NULL */
	char *body;
	char *content_type;
	char *location;
	char *headers; /* every response header, "Name: value\n" lines */
};

/* cmocka group setup/teardown: *state becomes a struct harness. */
int harness_setup(void **state);
int harness_teardown(void **state);

/* One request. ctype NULL with a body means application/json. For
 * AS_SESSION the cookie and the CSRF header are added. extra_headers is a
 * "name: value\n"-separated list or NULL. */
void h_call(struct harness *h, enum as who, const char *method, const char *target,
	    const char *ctype, const char *body, const char *extra_headers, struct result *out);
void result_free(struct result *r);

/* The value at a dotted path ("items.0.email") of a JSON document. */
json_t *jpath(json_t *doc, const char *path);

/* A table-driven case: request and expected response side by side. */
struct api_case {
	enum as who;
	const char *method;
	const char *target;
	const char *body; /* JSON, or NULL */
	int status;
	const char *path;   /* a JSON path to check, or NULL */
	const char *expect; /* its expected value as text ("42", "true", "x"), or NULL: present */
};

/* Runs every case; fails the test naming the first case that differs. */
void run_cases(struct harness *h, const struct api_case *cases, size_t n);

#endif

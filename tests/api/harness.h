/* SPDX-License-Identifier: Apache-2.0 */
/* In-process API tests: a fresh database with two organisations and users
 * of every role, an app over it, and requests driven straight through
 * app_handle (no sockets), as h2o's socketless tests do. The database is
 * new database from tests/common/testdb: SQLite, or PostgreSQL in the pg
 * runs. */
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
	size_t body_len; /* bytes in body (a download may hold NULs) */
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

/* A browser session of its own (h_login), apart from the harness's. */
struct session {
	char cookie[256]; /* "brug_session=..." */
	char csrf[64];    /* the CSRF token its pages carry */
};

/* Everything a request can vary, for h_send. */
struct h_req {
	enum as who;
	const char *method;
	const char *target;
	const char *ctype; /* NULL with a body: application/json; "": none */
	const char *body;  /* NULL: no body */
	size_t body_len;   /* 0: strlen(body) */
	const char *headers; /* "name: value\n" lines, or NULL */
	const struct session *session; /* send its cookie and X-CSRF-Token */
	bool no_csrf;      /* AS_SESSION or session: leave X-CSRF-Token out */
	bool body_too_big; /* as the server marks a body it stopped reading */
	const char *peer_ip; /* NULL: 192.0.2.10 */
};

/* One request with every option; h_call is h_send with the defaults. */
void h_send(struct harness *h, const struct h_req *rq, struct result *out);
/* A urlencoded form POST as a browser sends it: for AS_SESSION (or s) the
 * cookie and a _csrf field, no X-CSRF-Token header. form is the encoded
 * body without _csrf. */
void h_form(struct harness *h, enum as who, const struct session *s, const char *target,
	    const char *form, struct result *out);
/* Signs in through the login form as who's user (AS_EMPLOYEE..AS_SESSION),
 * with password "password-123", and fills s; fails the test when it cannot. */
void h_login(struct harness *h, enum as who, struct session *s);

/* The nth (from 0) response header called name (any case), copied into
 * out; false when there is none. */
bool result_header(const struct result *r, const char *name, size_t nth, char *out, size_t n);
/* The Set-Cookie value that sets cookie name ("brug_session=...; Path=/..."). */
bool result_cookie(const struct result *r, const char *name, char *out, size_t n);

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

/* A case with any content type, headers and a look at the body: for
 * requests that are not plain JSON. */
struct http_case {
	enum as who;
	const char *method;
	const char *target;
	const char *ctype;   /* NULL with a body: application/json */
	const char *body;    /* or NULL */
	const char *headers; /* "name: value\n" lines, or NULL */
	int status;
	const char *path;     /* a JSON path to check, or NULL */
	const char *expect;   /* its value as text, or NULL: present */
	const char *contains; /* a substring the body must hold, or NULL */
};

void run_http_cases(struct harness *h, const struct http_case *cases, size_t n);

/* Checks on one result, failing the test with the body when they do not
 * hold. check_json: the value at path is expect (as text; NULL: present).
 * check_body/check_no_body: the body holds / lacks needle. check_header:
 * the first header called name is expect (NULL: absent). */
void check_status(const struct result *r, int status);
void check_json(const struct result *r, const char *path, const char *expect);
void check_body(const struct result *r, const char *needle);
void check_no_body(const struct result *r, const char *needle);
void check_header(const struct result *r, const char *name, const char *expect);
/* The integer at path, failing the test when there is none. */
int64_t json_int_at(const struct result *r, const char *path);

#endif

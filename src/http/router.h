/* SPDX-License-Identifier: Apache-2.0 */
/* The shape of a route and the matcher over a route table. The table itself
 * lives in api/routes.c: one line per route with its method, path pattern,
 * handler, flags, minimum role, body limit, view and summary. Generic checks
 * (authentication, role, CSRF, body size and type) run once in http/app.c
 * before any handler, driven by these fields. Thread-safe (read-only). */
#ifndef BRUG_HTTP_ROUTER_H
#define BRUG_HTTP_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/principal.h"

struct req;
struct resp;

typedef int (*handler_fn)(struct req *req, struct resp *resp);

enum route_flags {
	R_PUBLIC = 1 << 0,  /* no sign-in needed */
	R_PAGE = 1 << 1,    /* browser page only: no /api/v1 twin */
	R_API = 1 << 2,     /* API only: reachable under /api/v1 alone */
	R_ROOT = 1 << 3,    /* outside both namespaces (/healthz, /static/...) */
	R_NOCSRF = 1 << 4,  /* a write that needs no CSRF token */
	R_UPLOAD = 1 << 5,  /* accepts multipart/form-data */
	R_NOLOG = 1 << 6,   /* no access-log line (health probes) */
	R_RAW = 1 << 7,     /* also takes a file as the body itself (CSV or vCard
			     * types, text/plain, octet-stream), in req->body */
};

struct route {
	const char *method;  /* "GET", "POST", "PATCH", "DELETE" */
	const char *pattern; /* "/users/{id}"; "{*rest}" takes the remainder */
	handler_fn handler;
	unsigned flags;
	enum role role;   /* least role needed when not R_PUBLIC */
	size_t body_max;  /* 0: the configured default */
	const char *view; /* template for browsers, or NULL */
	const char *summary;
};

enum match_result { MATCH_OK, MATCH_NO_PATH, MATCH_NO_METHOD };

#define ROUTE_MAX_PARAMS 4

struct route_match {
	const struct route *route;
	const char *name[ROUTE_MAX_PARAMS]; /* parameter names, pointing into the pattern */
	size_t name_len[ROUTE_MAX_PARAMS];
	const char *value[ROUTE_MAX_PARAMS]; /* start of each value in path */
	size_t value_len[ROUTE_MAX_PARAMS];
	size_t n;
	char allow[64]; /* for 405: the methods the path accepts */
};

/* Finds the route for method and path (already percent-decoded) among
 * those visible in this namespace: api selects /api/v1 routes, otherwise
 * page and root routes. HEAD matches GET. */
enum match_result router_match(const struct route *table, size_t n, const char *method,
			       const char *path, bool api, struct route_match *m);

#endif

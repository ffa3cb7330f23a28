/* SPDX-License-Identifier: Apache-2.0 */
/* The access tests' shared part; see access.h. */
#include "access.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/routes.h"
#include "http/req.h"

const char *const access_caller_name[C_COUNT] = {"anonymous", "employee", "manager", "admin",
						  "another org's admin"};
const enum as access_as[C_COUNT] = {AS_ANON, AS_EMPLOYEE, AS_MANAGER, AS_ADMIN, AS_OTHER};
static const enum role caller_role[C_COUNT] = {ROLE_NONE, ROLE_EMPLOYEE, ROLE_MANAGER,
					       ROLE_ADMIN, ROLE_ADMIN};

const struct route *access_reached;
static struct route *probed;

static int probe(struct req *req, struct resp *resp)
{
	const struct route *r = &routes[req->match.route - probed];
	access_reached = r;
	return r->handler(req, resp);
}

int access_setup(void **state)
{
	int rc = harness_setup(state);
	if (rc)
		return rc;
	struct harness *h = *state;
	probed = calloc(routes_count, sizeof(*probed));
	assert_non_null(probed);
	for (size_t i = 0; i < routes_count; i++) {
		probed[i] = routes[i];
		probed[i].handler = probe;
	}
	app_free(h->app);
	struct brug_err err = {0};
	assert_int_equal(app_new(&h->cfg, h->pool, probed, routes_count, &h->app, &err), 0);
	return 0;
}

int access_teardown(void **state)
{
	int rc = harness_teardown(state);
	free(probed);
	probed = NULL;
	return rc;
}

enum verdict access_expected(const struct route *r, enum caller c)
{
	if (r->flags & R_PUBLIC)
		return V_ALLOW;
	if (c == C_ANON)
		return V_SIGN_IN;
	if (caller_role[c] < r->role)
		return V_FORBIDDEN;
	if (c == C_OTHER && strchr(r->pattern, '{'))
		return V_NOT_FOUND;
	return V_ALLOW;
}

const char *access_verdict_text(enum verdict v)
{
	switch (v) {
	case V_ALLOW:
		return "yes";
	case V_SIGN_IN:
		return "sign in";
	case V_FORBIDDEN:
		return "403";
	case V_NOT_FOUND:
		return "404";
	}
	return "?";
}

bool access_api_visible(const struct route *r)
{
	return !(r->flags & (R_PAGE | R_ROOT));
}

bool access_page_visible(const struct route *r)
{
	return !(r->flags & R_API);
}

bool access_is_write(const struct route *r)
{
	return strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0;
}

bool access_call(struct harness *h, const struct route *r, bool api, enum caller c,
		 const struct session *s, const char *target, const char *body,
		 struct result *out)
{
	/* /metrics answers the local machine (or a scraper's token) */
	struct h_req rq = {.who = access_as[c], .method = r->method, .target = target,
			   .session = api ? NULL : s,
			   /* one language for every caller, so answers compare */
			   .headers = "accept-language: en\n",
			   .peer_ip = !strcmp(r->pattern, "/metrics") ? "127.0.0.1" : NULL};
	if (rq.session)
		rq.who = AS_ANON; /* the session's cookie, not a token */
	if (access_is_write(r)) {
		rq.body = body ? body : api ? "{}" : "x=1";
		rq.ctype = api ? NULL : "application/x-www-form-urlencoded";
	}
	access_reached = NULL;
	h_send(h, &rq, out);
	return access_reached == r;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The bad-input catalogue: what every route answers to malformed JSON,
 * wrong types, broken UTF-8, odd paths, unknown routes and methods,
 * oversized or unsupported bodies, missing or bad credentials, other
 * organisations' ids and too little privilege; hostile text stored
 * verbatim and shown escaped; error messages in the caller's language and
 * always in one shape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define FORM "application/x-www-form-urlencoded"
#define EN "accept-language: en\n"

static int64_t team_one; /* a team of org 1 */
static int64_t team_two; /* a team of org 2 */

static int64_t make_team(struct harness *h, enum as who, const char *name)
{
	char body[256];
	struct result r;
	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
	h_call(h, who, "POST", "/api/v1/teams", NULL, body, NULL, &r);
	check_status(&r, 201);
	int64_t id = json_int_at(&r, "id");
	result_free(&r);
	return id;
}

static void test_json_bodies(void **state)
{
	struct harness *h = *state;
	team_one = make_team(h, AS_MANAGER, "Support");
	team_two = make_team(h, AS_OTHER, "Elsewhere");
	static const struct http_case cases[] = {
		/* not JSON at all: 400 with the position */
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{\"name\":", NULL, 400, "error",
		 "bad_request", NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{\"name\":", NULL, 400, "detail", NULL,
		 "line 1, column"},
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{\n\"name\": 'x'}", NULL, 400, "detail",
		 NULL, "line 2"},
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{\"name\":\"a\",}", NULL, 400, "error",
		 "bad_request", NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{\"name\":\"a\",\"name\":\"b\"}", NULL,
		 400, "detail", NULL, "duplicate"},
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{\"name\":\"a\\u0000b\"}", NULL, 400,
		 "error", "bad_request", NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{\"name\":\"\xff\"}", NULL, 400, "error",
		 "bad_request", NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{\"n\":99999999999999999999999}", NULL,
		 400, "error", "bad_request", NULL},
		/* JSON, but not an object */
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "[1,2]", NULL, 400, "message",
		 "De inhoud van het verzoek moet een JSON-object zijn.", NULL},
		{AS_ADMIN, "PATCH", "/api/v1/me", NULL, "[]", NULL, 400, "error", "bad_request",
		 NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "\"name\"", NULL, 400, "error",
		 "bad_request", NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "42", NULL, 400, "error", "bad_request",
		 NULL},
		{AS_ADMIN, "PATCH", "/api/v1/settings", NULL, "null", NULL, 400, "error",
		 "bad_request", NULL},
		/* wrong types: 422 naming the field */
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{\"name\":42}", NULL, 422, "fields.name",
		 "Dit moet tekst zijn.", NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{\"name\":[\"a\"]}", NULL, 422,
		 "fields.name", NULL, NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{\"name\":{\"a\":1}}", NULL, 422,
		 "fields.name", NULL, NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{\"name\":\"ok\",\"description\":true}",
		 NULL, 422, "fields.description", NULL, NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{\"name\":42}", NULL, 422, "error",
		 "validation_failed", NULL},
		{AS_ADMIN, "POST", "/api/v1/tokens", NULL,
		 "{\"name\":\"t\",\"expires_in_days\":\"5\"}", NULL, 422, "fields.expires_in_days",
		 "Dit moet een geheel getal zijn.", NULL},
		{AS_ADMIN, "POST", "/api/v1/tokens", NULL,
		 "{\"name\":\"t\",\"expires_in_days\":1.5}", NULL, 422, "fields.expires_in_days",
		 NULL, NULL},
		{AS_ADMIN, "POST", "/api/v1/users", NULL,
		 "{\"email\":\"t@one.example\",\"name\":\"T\",\"role\":3,\"password\":\"password-1\"}", NULL, 422, "fields.role", NULL, NULL},
		{AS_ADMIN, "PATCH", "/api/v1/users/1", NULL, "{\"disabled\":\"true\"}", NULL, 422,
		 "fields.disabled", "Dit moet waar of onwaar zijn.", NULL},
		{AS_ADMIN, "PATCH", "/api/v1/settings", NULL, "{\"lang\":1}", NULL, 422,
		 "fields.lang", NULL, NULL},
		{AS_ADMIN, "PATCH", "/api/v1/me", NULL, "{\"name\":null}", NULL, 422, "fields.name",
		 NULL, NULL},
		/* an empty JSON object is a valid body with fields missing */
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{}", NULL, 422, "fields.name",
		 "Dit veld is verplicht.", NULL},
	};
	run_http_cases(h, cases, N(cases));
}

static void test_json_types_with_ids(void **state)
{
	struct harness *h = *state;
	char path[80];
	snprintf(path, sizeof(path), "/api/v1/teams/%lld/members", (long long)team_one);
	const struct http_case cases[] = {
		{AS_MANAGER, "POST", path, NULL, "{\"user_id\":\"1\"}", NULL, 422, "fields.user_id",
		 NULL, NULL},
		{AS_MANAGER, "POST", path, NULL, "{\"user_id\":1.0}", NULL, 422, "fields.user_id",
		 NULL, NULL},
		{AS_MANAGER, "POST", path, NULL, "{\"user_id\":0}", NULL, 422, "fields.user_id",
		 "Dit getal valt buiten het bereik.", NULL},
		{AS_MANAGER, "POST", path, NULL, "{\"user_id\":1,\"lead\":\"yes\"}", NULL, 422,
		 "fields.lead", NULL, NULL},
		{AS_MANAGER, "POST", path, NULL, "{}", NULL, 422, "fields.user_id", NULL, NULL},
	};
	run_http_cases(h, cases, N(cases));
}

static void test_deep_json(void **state)
{
	struct harness *h = *state;
	size_t depth = 100000;
	char *body = malloc(2 * depth + 1);
	assert_non_null(body);
	memset(body, '[', depth);
	memset(body + depth, ']', depth);
	body[2 * depth] = '\0';
	struct result r;
	h_call(h, AS_ADMIN, "POST", "/api/v1/teams", NULL, body, NULL, &r);
	check_status(&r, 400);
	check_json(&r, "error", "bad_request");
	result_free(&r);
	free(body);
}

static void test_utf8_and_controls(void **state)
{
	static const struct http_case cases[] = {
		/* the path */
		{AS_ADMIN, "GET", "/api/v1/users/%FF", NULL, NULL, NULL, 400, "message",
		 "Het verzoek bevat tekst die geen geldige UTF-8 is.", NULL},
		{AS_ADMIN, "GET", "/api/v1/users/%C0%AF", NULL, NULL, NULL, 400, "error",
		 "bad_request", NULL},
		{AS_ADMIN, "GET", "/api/v1/users/%ED%A0%80", NULL, NULL, NULL, 400, "error",
		 "bad_request", NULL},
		{AS_ADMIN, "GET", "/api/v1/users/1%00", NULL, NULL, NULL, 400, "error",
		 "bad_request", NULL},
		{AS_ADMIN, "GET", "/api/v1/users%0A", NULL, NULL, NULL, 400, "error", "bad_request",
		 NULL},
		{AS_ADMIN, "GET", "/api/v1/users%0D%0AX:%201", NULL, NULL, NULL, 400, "error",
		 "bad_request", NULL},
		{AS_ADMIN, "GET", "/api/v1/users/%zz", NULL, NULL, NULL, 400, "error",
		 "bad_request", NULL},
		{AS_ADMIN, "GET", "/api/v1/users/%", NULL, NULL, NULL, 400, "error", "bad_request",
		 NULL},
		{AS_SESSION, "GET", "/users/%FF", NULL, NULL, NULL, 400, NULL, NULL,
		 "Het verzoek bevat tekst die geen geldige UTF-8 is."},
		{AS_ADMIN, "GET", "*", NULL, NULL, NULL, 400, NULL, NULL, NULL},
		/* the query string */
		{AS_ADMIN, "GET", "/api/v1/users?q=%FF", NULL, NULL, NULL, 400, "error",
		 "bad_request", NULL},
		{AS_ADMIN, "GET", "/api/v1/users?q=a%00b", NULL, NULL, NULL, 400, "error",
		 "bad_request", NULL},
		{AS_ADMIN, "GET", "/api/v1/users?q=%G1", NULL, NULL, NULL, 400, "error",
		 "bad_request", NULL},
		/* a JSON body (raw bytes, and an escaped lone surrogate) */
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{\"name\":\"\xc3\x28\"}", NULL, 400,
		 "error", "bad_request", NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{\"name\":\"\\ud800\"}", NULL, 400,
		 "error", "bad_request", NULL},
		/* control characters inside valid JSON strings: the field is refused */
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{\"name\":\"a\\u0001b\"}", NULL, 422,
		 "fields.name", "Dit bevat tekens die hier niet zijn toegestaan.", NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{\"name\":\"a\\nb\"}", NULL, 422,
		 "fields.name", NULL, NULL},
		/* a form body */
		{AS_ADMIN, "POST", "/api/v1/teams", FORM, "name=%FF", NULL, 400, "error",
		 "bad_request", NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", FORM, "name=a%00b", NULL, 400, "error",
		 "bad_request", NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", FORM, "name=%", NULL, 400, "error",
		 "bad_request", NULL},
		/* a header */
		{AS_ADMIN, "GET", "/api/v1/me", NULL, NULL, "x-note: \xff\xfe\n", 400, "message",
		 "Het verzoek bevat tekst die geen geldige UTF-8 is.", NULL},
		{AS_ADMIN, "GET", "/api/v1/me", NULL, NULL, "user-agent: \xc0\x80\n", 400, "error",
		 "bad_request", NULL},
	};
	run_http_cases(*state, cases, N(cases));
}

static void test_dot_segments(void **state)
{
	static const struct http_case cases[] = {
		{AS_ANON, "GET", "/static/../web/templates/layout.mustache", NULL, NULL, NULL, 400,
		 NULL, NULL, NULL},
		{AS_ANON, "GET", "/static/%2e%2e/%2e%2e/etc/passwd", NULL, NULL, NULL, 400, NULL,
		 NULL, NULL},
		{AS_ANON, "GET", "/static/%2E%2E", NULL, NULL, NULL, 400, NULL, NULL, NULL},
		{AS_ANON, "GET", "/static/./app.css", NULL, NULL, NULL, 400, NULL, NULL, NULL},
		{AS_ANON, "GET", "/static/vendor/..", NULL, NULL, NULL, 400, NULL, NULL, NULL},
		{AS_ADMIN, "GET", "/api/v1/users/1/..", NULL, NULL, NULL, 400, "error",
		 "bad_request", NULL},
		{AS_ADMIN, "GET", "/api/v1/teams/./1", NULL, NULL, NULL, 400, "error",
		 "bad_request", NULL},
		/* dots that are not segments are just names */
		{AS_ANON, "GET", "/static/..app.css", NULL, NULL, NULL, 404, NULL, NULL, NULL},
		{AS_ANON, "GET", "/static/app.css.", NULL, NULL, NULL, 404, NULL, NULL, NULL},
	};
	run_http_cases(*state, cases, N(cases));
}

static void test_routes_and_methods(void **state)
{
	struct harness *h = *state;
	static const struct http_case cases[] = {
		{AS_ADMIN, "GET", "/api/v1/nope", NULL, NULL, NULL, 404, "error", "not_found",
		 NULL},
		{AS_ANON, "GET", "/api/v1/nope", NULL, NULL, NULL, 404, "error", "not_found", NULL},
		{AS_ADMIN, "GET", "/api/v2/users", NULL, NULL, NULL, 404, "error", "not_found",
		 NULL},
		{AS_ANON, "GET", "/api/v2", NULL, NULL, NULL, 404, "error", "not_found", NULL},
		{AS_ANON, "GET", "/api", NULL, NULL, NULL, 404, "error", "not_found", NULL},
		{AS_ANON, "GET", "/api/v1", NULL, NULL, NULL, 404, "error", "not_found", NULL},
		{AS_ADMIN, "GET", "/api/v1/users/", NULL, NULL, NULL, 404, "error", "not_found",
		 NULL},
		{AS_ADMIN, "GET", "//api/v1/users", NULL, NULL, NULL, 404, NULL, NULL, NULL},
		/* pages are not API endpoints and the other way round */
		{AS_ANON, "GET", "/api/v1/login", NULL, NULL, NULL, 404, "error", "not_found",
		 NULL},
		{AS_ADMIN, "GET", "/api/v1/users/new", NULL, NULL, NULL, 404, "error", "not_found",
		 NULL},
		{AS_ANON, "GET", "/api/v1/healthz", NULL, NULL, NULL, 404, "error", "not_found",
		 NULL},
		{AS_SESSION, "GET", "/nope", NULL, NULL, NULL, 404, NULL, NULL, "<h1>"},
		{AS_ANON, "GET", "/nope", NULL, NULL, NULL, 404, NULL, NULL, "<h1>"},
		{AS_ANON, "GET", "/nope", NULL, NULL, "accept: application/json\n", 404, "error",
		 "not_found", NULL},
		/* a known path with another method: 405 (before authentication) */
		{AS_ADMIN, "DELETE", "/api/v1/users", NULL, NULL, NULL, 405, "error",
		 "method_not_allowed", NULL},
		{AS_ANON, "PUT", "/api/v1/teams/1", NULL, NULL, NULL, 405, "error",
		 "method_not_allowed", NULL},
		{AS_SESSION, "PATCH", "/teams/1", NULL, "{}", NULL, 405, NULL, NULL, NULL},
		{AS_ANON, "POST", "/healthz", NULL, NULL, NULL, 405, NULL, NULL, NULL},
	};
	run_http_cases(h, cases, N(cases));

	static const struct {
		const char *method, *target, *allow;
	} allow[] = {
		{"DELETE", "/api/v1/users", "GET, HEAD, POST"},
		{"PUT", "/api/v1/teams/1", "GET, HEAD, PATCH, DELETE"},
		{"POST", "/api/v1/me", "GET, HEAD, PATCH"},
		{"PATCH", "/teams/1", "GET, HEAD, POST"},
		{"GET", "/logout", "POST"},
		{"DELETE", "/metrics", "GET, HEAD"},
		{"OPTIONS", "/api/v1/tokens", "GET, HEAD, POST"},
	};
	for (size_t i = 0; i < N(allow); i++) {
		struct result r;
		h_call(h, AS_ADMIN, allow[i].method, allow[i].target, NULL, NULL, NULL, &r);
		check_status(&r, 405);
		check_header(&r, "Allow", allow[i].allow);
		result_free(&r);
	}
}

static void test_bodies(void **state)
{
	struct harness *h = *state;
	struct result r;
	/* the server stopped reading: 413 whatever the route */
	struct h_req big = {.who = AS_ADMIN, .method = "POST", .target = "/api/v1/teams",
			    .body = "{\"name\":\"x\"}", .body_too_big = true};
	h_send(h, &big, &r);
	check_status(&r, 413);
	check_json(&r, "error", "too_large");
	check_json(&r, "message", "Wat je stuurde is te groot.");
	result_free(&r);

	/* over the route's own cap (16 KiB for /login) */
	size_t n = 16 * 1024 + 1;
	char *body = malloc(n + 1);
	assert_non_null(body);
	memset(body, 'a', n);
	memcpy(body, "email=", 6);
	body[n] = '\0';
	h_call(h, AS_ANON, "POST", "/login", FORM, body, "accept: application/json\n", &r);
	check_status(&r, 413);
	check_json(&r, "detail", "the body is larger than 16384 bytes");
	result_free(&r);
	free(body);

	/* over the configured default (1 MiB) */
	n = 1024 * 1024 + 1;
	body = malloc(n + 1);
	assert_non_null(body);
	memset(body, ' ', n);
	body[0] = '{';
	body[n - 1] = '}';
	body[n] = '\0';
	h_call(h, AS_ADMIN, "POST", "/api/v1/teams", NULL, body, NULL, &r);
	check_status(&r, 413);
	result_free(&r);
	body[n - 2] = '\0'; /* one byte under: it is read */
	body[n - 3] = '}';
	h_call(h, AS_ADMIN, "POST", "/api/v1/teams", NULL, body, NULL, &r);
	check_status(&r, 422);
	result_free(&r);
	free(body);

	static const struct http_case cases[] = {
		{AS_ADMIN, "POST", "/api/v1/teams", "text/plain", "name=x", NULL, 415, "error",
		 "unsupported_media_type", NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", "application/xml", "<team/>", NULL, 415,
		 "message", "Dit soort inhoud wordt hier niet geaccepteerd.", NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", "", "{\"name\":\"x\"}", NULL, 415, "error",
		 "unsupported_media_type", NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", "multipart/form-data; boundary=b",
		 "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--b--\r\n", NULL,
		 415, "detail", "this route takes no file uploads", NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", "multipart/form-data", "--b--", NULL, 415,
		 "error", "unsupported_media_type", NULL},
		{AS_SESSION, "POST", "/teams", "multipart/form-data; boundary=b", "--b--\r\n", NULL,
		 415, NULL, NULL, "Dit soort inhoud wordt hier niet geaccepteerd."},
		{AS_ADMIN, "POST", "/api/v1/teams", "json", "{}", NULL, 400, "error", "bad_request",
		 NULL},
		{AS_ADMIN, "POST", "/api/v1/teams",
		 "application/json; charset=utf-8; charset=latin1", "{}", NULL, 400, "error",
		 "bad_request", NULL},
		/* the media type is case-insensitive */
		{AS_ADMIN, "POST", "/api/v1/teams", "Application/JSON; charset=UTF-8",
		 "{\"name\":\"Caps\"}", NULL, 201, "name", "Caps", NULL},
	};
	run_http_cases(h, cases, N(cases));
}

static void test_credentials(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_EMPLOYEE, "POST", "/api/v1/tokens", NULL, "{\"name\":\"short-lived\"}", NULL, &r);
	check_status(&r, 201);
	int64_t id = json_int_at(&r, "id");
	char bearer[200], wrong[200], other_org[200];
	snprintf(bearer, sizeof(bearer), "authorization: Bearer %s\n", json_string_value(jpath(r.json, "token")));
	/* the same secret claimed for another organisation */
	snprintf(other_org, sizeof(other_org), "authorization: Bearer brug_2_%s\n",
		 strchr(json_string_value(jpath(r.json, "token")) + 5, '_') + 1);
	snprintf(wrong, sizeof(wrong), "%s", bearer);
	wrong[strlen(wrong) - 2] ^= 1; /* one character off */
	result_free(&r);

	h_call(h, AS_ANON, "GET", "/api/v1/me", NULL, NULL, bearer, &r);
	check_status(&r, 200);
	check_json(&r, "role", "employee");
	result_free(&r);
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/tokens/%lld", (long long)id);
	h_call(h, AS_EMPLOYEE, "DELETE", path, NULL, NULL, NULL, &r);
	check_status(&r, 204);
	result_free(&r);

	const struct http_case cases[] = {
		{AS_ANON, "GET", "/api/v1/me", NULL, NULL, NULL, 401, "error", "unauthenticated",
		 NULL},
		{AS_ANON, "GET", "/api/v1/me", NULL, NULL, NULL, 401, "message",
		 "Meld je eerst aan.", NULL},
		{AS_ANON, "GET", "/api/v1/me", NULL, NULL, bearer, 401, "message",
		 "Het API-token ontbreekt, klopt niet, is verlopen of ingetrokken.", NULL},
		{AS_ANON, "GET", "/api/v1/me", NULL, NULL, wrong, 401, "error", "unauthenticated",
		 NULL},
		{AS_ANON, "GET", "/api/v1/me", NULL, NULL, other_org, 401, "error",
		 "unauthenticated", NULL},
		{AS_ANON, "GET", "/api/v1/me", NULL, NULL, "authorization: Bearer nope\n", 401,
		 "error", "unauthenticated", NULL},
		{AS_ANON, "GET", "/api/v1/me", NULL, NULL, "authorization: Bearer \n", 401, "error",
		 "unauthenticated", NULL},
		{AS_ANON, "GET", "/api/v1/me", NULL, NULL, "authorization: Basic YWRtaW46eA==\n",
		 401, "error", "unauthenticated", NULL},
		{AS_ANON, "GET", "/api/v1/me", NULL, NULL,
		 "authorization: Bearer brug_1_' OR '1'='1\n", 401, "error", "unauthenticated",
		 NULL},
		{AS_ANON, "POST", "/api/v1/teams", NULL, "{\"name\":\"anon\"}", NULL, 401, "error",
		 "unauthenticated", NULL},
	};
	run_http_cases(h, cases, N(cases));

	/* a 401 tells the client how to authenticate (RFC 9110, 11.6.1) */
	h_call(h, AS_ANON, "GET", "/api/v1/me", NULL, NULL, NULL, &r);
	check_status(&r, 401);
	check_header(&r, "WWW-Authenticate", "Bearer realm=\"brug\"");
	result_free(&r);
}

static void test_roles(void **state)
{
	struct harness *h = *state;
	char team[64], members[80], member[96];
	snprintf(team, sizeof(team), "/api/v1/teams/%lld", (long long)team_one);
	snprintf(members, sizeof(members), "%s/members", team);
	snprintf(member, sizeof(member), "%s/members/1", team);
	const struct http_case cases[] = {
		{AS_EMPLOYEE, "POST", "/api/v1/teams", NULL, "{\"name\":\"E\"}", NULL, 403, "error",
		 "forbidden", NULL},
		{AS_EMPLOYEE, "PATCH", team, NULL, "{\"name\":\"E\"}", NULL, 403, "message",
		 "Dit mag je niet doen.", NULL},
		{AS_EMPLOYEE, "DELETE", team, NULL, NULL, NULL, 403, "error", "forbidden", NULL},
		{AS_EMPLOYEE, "POST", members, NULL, "{\"user_id\":1}", NULL, 403, "error",
		 "forbidden", NULL},
		{AS_EMPLOYEE, "DELETE", member, NULL, NULL, NULL, 403, "error", "forbidden", NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/audit", NULL, NULL, NULL, 403, "error", "forbidden",
		 NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/settings", NULL, NULL, NULL, 403, "error",
		 "forbidden", NULL},
		{AS_EMPLOYEE, "PATCH", "/api/v1/settings", NULL, "{\"name\":\"E\"}", NULL, 403,
		 "error", "forbidden", NULL},
		{AS_EMPLOYEE, "PATCH", "/api/v1/users/1", NULL, "{\"role\":\"admin\"}", NULL, 403,
		 "error", "forbidden", NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/users/1/password", NULL,
		 "{\"password\":\"password-9\"}", NULL, 403, "error", "forbidden", NULL},
		{AS_MANAGER, "POST", "/api/v1/users", NULL,
		 "{\"email\":\"m@one.example\",\"name\":\"M\",\"role\":\"admin\",\"password\":\"password-1\"}", NULL, 403, "error", "forbidden", NULL},
		{AS_MANAGER, "PATCH", "/api/v1/users/2", NULL, "{\"role\":\"admin\"}", NULL, 403,
		 "error", "forbidden", NULL},
		{AS_MANAGER, "GET", "/api/v1/audit", NULL, NULL, NULL, 403, "error", "forbidden",
		 NULL},
		{AS_MANAGER, "GET", "/api/v1/settings", NULL, NULL, NULL, 403, "error", "forbidden",
		 NULL},
		/* the role is checked before the body is read */
		{AS_EMPLOYEE, "POST", "/api/v1/teams", NULL, "{\"name\":", NULL, 403, "error",
		 "forbidden", NULL},
		/* and the employee still reads what employees may */
		{AS_EMPLOYEE, "GET", team, NULL, NULL, NULL, 200, "name", "Support", NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/users/2", NULL, NULL, NULL, 200, "role", "manager",
		 NULL},
	};
	run_http_cases(h, cases, N(cases));
	struct result r;
	h_call(h, AS_ADMIN, "GET", "/api/v1/users/2", NULL, NULL, NULL, &r);
	check_json(&r, "role", "manager"); /* nothing above changed it */
	result_free(&r);
}

static void test_other_org(void **state)
{
	struct harness *h = *state;
	char team[64], team2[64], members[80], member2[96];
	snprintf(team, sizeof(team), "/api/v1/teams/%lld", (long long)team_one);
	snprintf(team2, sizeof(team2), "/api/v1/teams/%lld", (long long)team_two);
	snprintf(members, sizeof(members), "%s/members", team);
	snprintf(member2, sizeof(member2), "%s/members/%lld", team2, (long long)h->user[AS_OTHER]);
	char other_user[64];
	snprintf(other_user, sizeof(other_user), "{\"user_id\":%lld}", (long long)h->user[AS_OTHER]);
	const struct http_case cases[] = {
		{AS_OTHER, "GET", "/api/v1/users/1", NULL, NULL, NULL, 404, "error", "not_found",
		 NULL},
		{AS_OTHER, "PATCH", "/api/v1/users/1", NULL, "{\"name\":\"Mine\"}", NULL, 404,
		 "error", "not_found", NULL},
		{AS_OTHER, "POST", "/api/v1/users/1/password", NULL,
		 "{\"password\":\"password-9\"}", NULL, 404, "error", "not_found", NULL},
		{AS_OTHER, "GET", team, NULL, NULL, NULL, 404, "error", "not_found", NULL},
		{AS_OTHER, "PATCH", team, NULL, "{\"name\":\"Mine\"}", NULL, 404, "error",
		 "not_found", NULL},
		{AS_OTHER, "DELETE", team, NULL, NULL, NULL, 404, "error", "not_found", NULL},
		{AS_OTHER, "POST", members, NULL, "{\"user_id\":1}", NULL, 404, "error",
		 "not_found", NULL},
		/* org 1 cannot pull org 2's people into its teams, nor reach org 2's teams */
		{AS_MANAGER, "POST", members, NULL, other_user, NULL, 404, "error", "not_found",
		 NULL},
		{AS_MANAGER, "DELETE", member2, NULL, NULL, NULL, 404, "error", "not_found", NULL},
		/* the harness made one token per identity: the fourth is org 2's */
		{AS_ADMIN, "DELETE", "/api/v1/tokens/4", NULL, NULL, NULL, 404, "error",
		 "not_found", NULL},
		{AS_OTHER, "GET", "/api/v1/me", NULL, NULL, NULL, 200, "org.name", "Two", NULL},
	};
	run_http_cases(h, cases, N(cases));

	struct result r;
	h_call(h, AS_OTHER, "GET", "/api/v1/users/1", NULL, NULL, NULL, &r);
	check_no_body(&r, "employee@one.example");
	result_free(&r);
	h_call(h, AS_OTHER, "GET", team, NULL, NULL, NULL, &r);
	check_no_body(&r, "Support");
	result_free(&r);
	h_call(h, AS_MANAGER, "GET", team, NULL, NULL, NULL, &r);
	check_json(&r, "name", "Support"); /* untouched */
	check_json(&r, "members", NULL);
	assert_int_equal(json_array_size(jpath(r.json, "members")), 0);
	result_free(&r);
	/* as pages too: the other organisation's admin sees a 404 page */
	struct session other;
	h_login(h, AS_OTHER, &other);
	char tp[64], te[64];
	snprintf(tp, sizeof(tp), "/teams/%lld", (long long)team_one);
	snprintf(te, sizeof(te), "/teams/%lld/edit", (long long)team_one);
	const char *pages[] = {"/users/1", "/users/1/edit", tp, te};
	for (size_t i = 0; i < N(pages); i++) {
		struct h_req rq = {.method = "GET", .target = pages[i], .session = &other};
		h_send(h, &rq, &r);
		check_status(&r, 404);
		check_no_body(&r, "employee@one.example");
		check_no_body(&r, "Support");
		result_free(&r);
	}
}

static const char *const hostile[] = {
	"'; DROP TABLE users; --",
	"<script>alert(1)</script>",
	"\"quotes\" & 'apostrophes' `ticks`",
	"emoji \xf0\x9f\x98\x80\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd",
	"RTL \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7 \xe2\x80\xaegnp.exe",
	"100% _under_ \\back\\",
};

/* The escaped form a page must show for hostile[i]'s markup-bearing parts. */
static void check_escaped(const struct result *r)
{
	check_no_body(r, "<script>alert");
	check_no_body(r, "\"quotes\"");
	check_body(r, "&lt;script&gt;alert(1)&lt;/script&gt;");
	check_body(r, "&quot;quotes&quot; &amp; &#39;apostrophes&#39;");
	check_body(r, "\xf0\x9f\x98\x80\xf0\x9f\x91\x8d");
	check_body(r, "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d");
}

static void test_hostile_text(void **state)
{
	struct harness *h = *state;
	int64_t teams[N(hostile)];
	for (size_t i = 0; i < N(hostile); i++) {
		json_t *body = json_pack("{s:s,s:s}", "name", hostile[i], "description", hostile[i]);
		char *text = json_dumps(body, 0);
		struct result r;
		h_call(h, AS_MANAGER, "POST", "/api/v1/teams", NULL, text, NULL, &r);
		check_status(&r, 201);
		teams[i] = json_int_at(&r, "id");
		check_json(&r, "name", hostile[i]);
		result_free(&r);
		/* read back exactly as sent */
		char path[64];
		snprintf(path, sizeof(path), "/api/v1/teams/%lld", (long long)teams[i]);
		h_call(h, AS_EMPLOYEE, "GET", path, NULL, NULL, NULL, &r);
		check_json(&r, "name", hostile[i]);
		check_json(&r, "description", hostile[i]);
		result_free(&r);
		json_decref(body);
		free(text);
	}
	/* the same in a user's name, a token's name, and the own name */
	json_t *u = json_pack("{s:s,s:s,s:s,s:s}", "email", "hostile@one.example", "name", hostile[1],
			      "role", "employee", "password", "password-123");
	char *text = json_dumps(u, 0);
	struct result r;
	h_call(h, AS_ADMIN, "POST", "/api/v1/users", NULL, text, NULL, &r);
	check_status(&r, 201);
	check_json(&r, "name", hostile[1]);
	int64_t uid = json_int_at(&r, "id");
	result_free(&r);
	free(text);
	json_decref(u);
	h_call(h, AS_SESSION, "POST", "/api/v1/tokens", NULL, "{\"name\":\"<script>alert(1)</script>\"}",
	       NULL, &r);
	check_status(&r, 201);
	result_free(&r);
	h_call(h, AS_EMPLOYEE, "PATCH", "/api/v1/me", NULL,
	       "{\"name\":\"\\\"quotes\\\" & 'apostrophes' <script>alert(1)</script>\"}", NULL, &r);
	check_status(&r, 200);
	check_json(&r, "name", "\"quotes\" & 'apostrophes' <script>alert(1)</script>");
	result_free(&r);

	/* the SQL text was data: every table is still there */
	h_call(h, AS_ADMIN, "GET", "/api/v1/users", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "total", "4");
	result_free(&r);
	/* search treats LIKE wildcards and quotes as text */
	static const struct api_case search[] = {
		{AS_ADMIN, "GET", "/api/v1/users?q=%25", NULL, 200, "total", "0"},
		{AS_ADMIN, "GET", "/api/v1/users?q=_", NULL, 200, "total", "0"},
		{AS_ADMIN, "GET", "/api/v1/users?q=%27%20OR%201%3D1%20--", NULL, 200, "total", "0"},
		{AS_ADMIN, "GET", "/api/v1/users?q=%3Cscript%3E", NULL, 200, "total", "2"},
	};
	run_cases(h, search, N(search));

	/* every page that shows these texts escapes them */
	char user_page[64], user_edit[64], team_page[64], team_edit[64];
	snprintf(user_page, sizeof(user_page), "/users/%lld", (long long)uid);
	snprintf(user_edit, sizeof(user_edit), "/users/%lld/edit", (long long)uid);
	h_call(h, AS_SESSION, "GET", "/teams", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_escaped(&r);
	result_free(&r);
	const char *one[] = {user_page, user_edit, "/tokens", "/users", "/audit",
			     "/users?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"};
	for (size_t i = 0; i < N(one); i++) {
		h_call(h, AS_SESSION, "GET", one[i], NULL, NULL, NULL, &r);
		check_status(&r, 200);
		check_no_body(&r, "<script>alert");
		check_body(&r, "&lt;script&gt;alert(1)&lt;/script&gt;");
		result_free(&r);
	}
	for (size_t i = 0; i < N(hostile); i++) {
		snprintf(team_page, sizeof(team_page), "/teams/%lld", (long long)teams[i]);
		snprintf(team_edit, sizeof(team_edit), "/teams/%lld/edit", (long long)teams[i]);
		const char *tp[] = {team_page, team_edit};
		for (size_t k = 0; k < 2; k++) {
			h_call(h, AS_SESSION, "GET", tp[k], NULL, NULL, NULL, &r);
			check_status(&r, 200);
			check_no_body(&r, "<script>alert");
			check_no_body(&r, "\"quotes\"");
			result_free(&r);
		}
	}
	/* the employee's own page shows the name in an attribute, escaped */
	struct session emp;
	h_login(h, AS_EMPLOYEE, &emp);
	struct h_req rq = {.method = "GET", .target = "/me", .session = &emp};
	h_send(h, &rq, &r);
	check_status(&r, 200);
	check_body(&r, "value=\"&quot;quotes&quot; &amp; &#39;apostrophes&#39; &lt;script&gt;");
	check_no_body(&r, "<script>alert");
	result_free(&r);
}

static void test_error_language(void **state)
{
	static const struct http_case cases[] = {
		{AS_ANON, "GET", "/api/v1/nope", NULL, NULL, EN, 404, "message",
		 "This page or item does not exist, or you may not see it.", NULL},
		{AS_ANON, "GET", "/api/v1/nope", NULL, NULL, "accept-language: nl\n", 404,
		 "message", "Deze pagina of dit item bestaat niet, of je mag het niet zien.", NULL},
		{AS_ANON, "GET", "/api/v1/nope", NULL, NULL, "accept-language: en-GB,en;q=0.9\n",
		 404, "message", "This page or item does not exist, or you may not see it.", NULL},
		{AS_ANON, "GET", "/api/v1/nope", NULL, NULL,
		 "accept-language: nl;q=0.1, en;q=0.9\n", 404, "message",
		 "This page or item does not exist, or you may not see it.", NULL},
		{AS_ANON, "GET", "/api/v1/nope", NULL, NULL, "accept-language: fr, de\n", 404,
		 "message", "Deze pagina of dit item bestaat niet, of je mag het niet zien.", NULL},
		{AS_ANON, "GET", "/api/v1/nope", NULL, NULL, "accept-language: en;q=0, nl;q=0.5\n",
		 404, "message", "Deze pagina of dit item bestaat niet, of je mag het niet zien.",
		 NULL},
		{AS_ANON, "GET", "/api/v1/nope", NULL, NULL, "accept-language: *;q=0.1, EN\n", 404,
		 "message", "This page or item does not exist, or you may not see it.", NULL},
		{AS_ANON, "GET", "/api/v1/nope", NULL, NULL, "accept-language: ;;;,,q=,en;q=x\n",
		 404, "error", "not_found", NULL},
		{AS_ANON, "GET", "/api/v1/me", NULL, NULL, EN, 401, "message",
		 "Please sign in first.", NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/audit", NULL, NULL, EN, 403, "message",
		 "You are not allowed to do this.", NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{\"name\":42}", EN, 422, "fields.name",
		 "This must be text.", NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{\"name\":42}", EN, 422, "message",
		 "Some fields need your attention.", NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{", EN, 400, "message",
		 "The JSON in the request is not valid.", NULL},
		{AS_ADMIN, "GET", "/api/v1/users/%FF", NULL, NULL, EN, 400, "message",
		 "The request contains text that is not valid UTF-8.", NULL},
		{AS_ADMIN, "DELETE", "/api/v1/users", NULL, NULL, EN, 405, "message",
		 "This address does not support that method.", NULL},
		/* org 2's default is English; a stated language still wins */
		{AS_OTHER, "POST", "/api/v1/teams", NULL, "{}", NULL, 422, "fields.name",
		 "This field is required.", NULL},
		{AS_OTHER, "POST", "/api/v1/teams", NULL, "{}", "accept-language: nl\n", 422,
		 "fields.name", "Dit veld is verplicht.", NULL},
		/* pages too */
		{AS_SESSION, "GET", "/nope", NULL, NULL, EN, 404, NULL, NULL,
		 "This page or item does not exist, or you may not see it."},
		{AS_SESSION, "GET", "/nope", NULL, NULL, NULL, 404, NULL, NULL,
		 "<html lang=\"nl\">"},
	};
	run_http_cases(*state, cases, N(cases));
}

/* A signed-in user who follows a dead link is still signed in on the 404
 * page (menu, account), in their own language. */
static void test_not_found_signed_in(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_SESSION, "GET", "/nope", NULL, NULL, NULL, &r);
	check_status(&r, 404);
	check_body(&r, "<ul class=\"menu\">");
	check_body(&r, "action=\"/logout\"");
	result_free(&r);
	h_call(h, AS_SESSION, "PUT", "/teams", NULL, NULL, NULL, &r);
	check_status(&r, 405);
	check_body(&r, "<ul class=\"menu\">");
	result_free(&r);
	static const struct http_case cases[] = {
		{AS_EMPLOYEE, "PATCH", "/api/v1/me", NULL, "{\"lang\":\"en\"}", NULL, 200, "lang", "en",
		 NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/nope", NULL, NULL, "accept-language: nl\n", 404, "message",
		 "This page or item does not exist, or you may not see it.", NULL},
		{AS_EMPLOYEE, "DELETE", "/api/v1/me", NULL, NULL, "accept-language: nl\n", 405, "message",
		 "This address does not support that method.", NULL},
		/* and org 2's default holds for its users */
		{AS_OTHER, "GET", "/api/v1/nope", NULL, NULL, NULL, 404, "message",
		 "This page or item does not exist, or you may not see it.", NULL},
		{AS_EMPLOYEE, "PATCH", "/api/v1/me", NULL, "{\"lang\":\"\"}", NULL, 200, "lang", "null",
		 NULL},
		/* the 404 stays a 404 whatever the credentials */
		{AS_ANON, "GET", "/api/v1/nope", NULL, NULL, "authorization: Bearer nope\n", 404, "error",
		 "not_found", NULL},
	};
	run_http_cases(h, cases, N(cases));
}

/* Every error, from whichever layer, has the same JSON shape. */
static void test_error_shape(void **state)
{
	struct harness *h = *state;
	static const struct http_case cases[] = {
		{AS_ANON, "GET", "/api/v1/nope", NULL, NULL, NULL, 404, NULL, NULL, NULL},
		{AS_ANON, "GET", "/api/v1/me", NULL, NULL, NULL, 401, NULL, NULL, NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/audit", NULL, NULL, NULL, 403, NULL, NULL, NULL},
		{AS_ADMIN, "DELETE", "/api/v1/users", NULL, NULL, NULL, 405, NULL, NULL, NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", "text/plain", "x", NULL, 415, NULL, NULL, NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{", NULL, 400, NULL, NULL, NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{}", NULL, 422, NULL, NULL, NULL},
		{AS_ADMIN, "POST", "/api/v1/teams", NULL, "{\"name\":\"Support\"}", NULL, 409, NULL,
		 NULL, NULL},
		{AS_ADMIN, "GET", "/api/v1/users/%FF", NULL, NULL, NULL, 400, NULL, NULL, NULL},
		{AS_ADMIN, "GET", "/api/v1/me", NULL, NULL, "x: \xff\n", 400, NULL, NULL, NULL},
		{AS_ADMIN, "GET", "/api/v1/users/0", NULL, NULL, NULL, 404, NULL, NULL, NULL},
		{AS_ADMIN, "GET", "/api/v1/users/-1", NULL, NULL, NULL, 404, NULL, NULL, NULL},
		{AS_ADMIN, "GET", "/api/v1/users/01", NULL, NULL, NULL, 404, NULL, NULL, NULL},
		{AS_ADMIN, "GET", "/api/v1/users/99999999999999999999", NULL, NULL, NULL, 404, NULL,
		 NULL, NULL},
		{AS_ADMIN, "GET", "/api/v1/teams/1e3", NULL, NULL, NULL, 404, NULL, NULL, NULL},
	};
	run_http_cases(h, cases, N(cases));
	for (size_t i = 0; i < N(cases); i++) {
		const struct http_case *c = &cases[i];
		struct result r;
		struct h_req rq = {.who = c->who, .method = c->method, .target = c->target,
				   .ctype = c->ctype, .body = c->body, .headers = c->headers};
		h_send(h, &rq, &r);
		if (!strstr(r.content_type, "application/json") || !json_is_string(jpath(r.json, "error")) ||
		    !json_is_string(jpath(r.json, "message")) ||
		    !*json_string_value(jpath(r.json, "message")))
			fail_msg("case %zu: %s %s: not an error body: [%s] %.300s", i, c->method, c->target,
				 r.content_type, r.body);
		result_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_bodies),
		cmocka_unit_test(test_json_types_with_ids),
		cmocka_unit_test(test_deep_json),
		cmocka_unit_test(test_utf8_and_controls),
		cmocka_unit_test(test_dot_segments),
		cmocka_unit_test(test_routes_and_methods),
		cmocka_unit_test(test_bodies),
		cmocka_unit_test(test_credentials),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_other_org),
		cmocka_unit_test(test_hostile_text),
		cmocka_unit_test(test_error_language),
		cmocka_unit_test(test_not_found_signed_in),
		cmocka_unit_test(test_error_shape),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

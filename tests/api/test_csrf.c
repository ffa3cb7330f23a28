/* SPDX-License-Identifier: Apache-2.0 */
/* CSRF: every state-changing page route refuses a signed-in browser's
 * request without its token, with a wrong one or with another session's,
 * and changes nothing; with the right token it works. Bearer requests and
 * anonymous JSON carry no ambient credential and need none; anonymous
 * forms need the anonymous cookie and the token made for it. */
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
#define CSRF_NL "Dit formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens."
#define CSRF_EN "This form has expired. Reload the page and try again."
#define FAKE "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

/* Ids made along the way, substituted for {uid}, {tid} and {tok}. */
static int64_t uid, tid, tok;

static void expand(const char *in, char *out, size_t n)
{
	size_t w = 0;
	while (*in && w + 24 < n) {
		const char *key = NULL;
		int64_t v = 0;
		if (!strncmp(in, "{uid}", 5))
			key = "{uid}", v = uid;
		else if (!strncmp(in, "{tid}", 5))
			key = "{tid}", v = tid;
		else if (!strncmp(in, "{tok}", 5))
			key = "{tok}", v = tok;
		if (key) {
			w += (size_t)snprintf(out + w, n - w, "%lld", (long long)v);
			in += strlen(key);
		} else {
			out[w++] = *in++;
		}
	}
	out[w] = '\0';
}

/* The id of the newest audit entry: unchanged means nothing was written. */
static int64_t last_audit(struct harness *h)
{
	struct result r;
	h_call(h, AS_ADMIN, "GET", "/api/v1/audit?limit=1", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	int64_t id = json_int_at(&r, "items.0.id");
	result_free(&r);
	return id;
}

/* The id at the end of a Location such as /users/12. */
static int64_t id_of(const struct result *r)
{
	assert_non_null(r->location);
	const char *slash = strrchr(r->location, '/');
	return strtoll(slash + 1, NULL, 10);
}

struct csrf_case {
	const char *target;
	const char *form; /* valid fields, without _csrf */
	int status;       /* with the right token */
	int64_t *made;    /* the id this creates, from its Location */
};

static void test_every_page_write(void **state)
{
	struct harness *h = *state;
	struct session other, leaving;
	h_login(h, AS_MANAGER, &other);
	h_login(h, AS_EMPLOYEE, &leaving); /* not the admin's: /me/password ends those */
	static const struct csrf_case cases[] = {
		{"/lang", "lang=nl&next=%2F", 303, NULL},
		{"/me", "name=Admin&lang=", 303, NULL},
		{"/me/password",
		 "current_password=password-123&password=password-123&password_confirm=password-123", 303, NULL},
		{"/users", "email=csrf%40one.example&name=C&role=employee&password=password-123",
		 303, &uid},
		{"/users/{uid}", "form_status=1&name=C2&email=csrf%40one.example&role=employee",
		 303, NULL},
		{"/users/{uid}/password", "password=password-456", 303, NULL},
		{"/teams", "name=Guarded", 303, &tid},
		{"/teams/{tid}", "name=Guarded+too", 303, NULL},
		{"/teams/{tid}/members", "user_id={uid}&lead=1", 303, NULL},
		{"/teams/{tid}/members/{uid}/delete", "", 303, NULL},
		{"/teams/{tid}/delete", "", 303, NULL},
		{"/tokens", "name=guarded", 201, NULL},
		{"/tokens/{tok}/revoke", "", 303, NULL},
		{"/settings", "name=One&lang=nl&timezone=Europe%2FAmsterdam", 303, NULL},
		{"/logout", "", 303, NULL},
	};
	for (size_t i = 0; i < N(cases); i++) {
		const struct csrf_case *c = &cases[i];
		struct session *s = !strcmp(c->target, "/logout") ? &leaving : NULL;
		char target[128], form[512], body[640];
		expand(c->target, target, sizeof(target));
		expand(c->form, form, sizeof(form));
		if (!strcmp(c->target, "/tokens/{tok}/revoke")) {
			struct result t;
			h_call(h, AS_ADMIN, "GET", "/api/v1/tokens", NULL, NULL, NULL, &t);
			tok = json_int_at(&t, "items.0.id");
			check_json(&t, "items.0.name", "guarded");
			result_free(&t);
			expand(c->target, target, sizeof(target));
		}
		int64_t before = last_audit(h);
		/* refused: no token, a made-up one in the form or the header, and
		 * the token of another session */
		const char *bad_fields[] = {"", "_csrf=" FAKE "&", "", NULL};
		const char *bad_headers[] = {NULL, NULL, "x-csrf-token: " FAKE "\n", NULL};
		char theirs[128];
		snprintf(theirs, sizeof(theirs), "_csrf=%s&", other.csrf);
		bad_fields[3] = theirs;
		for (size_t k = 0; k < 4; k++) {
			snprintf(body, sizeof(body), "%s%s", bad_fields[k], form);
			struct h_req rq = {.who = AS_SESSION, .method = "POST", .target = target,
					   .ctype = FORM, .body = *body ? body : "x=1",
					 .session = s,
					   .no_csrf = true, .headers = bad_headers[k]};
			struct result r;
			h_send(h, &rq, &r);
			if (r.status != 403 || !strstr(r.body, CSRF_NL))
				fail_msg("case %zu (%s), attempt %zu: want 403 with the message, got %d %.300s", i,
					 target, k, r.status, r.body);
			result_free(&r);
		}
		if (last_audit(h) != before)
			fail_msg("case %zu (%s): a refused request wrote something", i, target);
		/* the right token, in the form */
		struct result r;
		h_form(h, AS_SESSION, s, target, form, &r);
		if (r.status != c->status)
			fail_msg("case %zu (%s): want %d with the token, got %d %.300s", i, target, c->status,
				 r.status, r.body);
		if (c->made)
			*c->made = id_of(&r);
		result_free(&r);
	}
	/* the harness's session survived all of it */
	struct result r;
	h_call(h, AS_SESSION, "GET", "/api/v1/me", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	result_free(&r);
}

static void test_header_token(void **state)
{
	struct harness *h = *state;
	/* htmx sends the token as a header: as good as the form field */
	static const struct http_case cases[] = {
		{AS_SESSION, "POST", "/teams", FORM, "name=By+header", NULL, 303, NULL, NULL, NULL},
		/* JSON with a session cookie is still a browser request */
		{AS_SESSION, "PATCH", "/api/v1/me", NULL, "{\"name\":\"Admin\"}", NULL, 200, "name",
		 "Admin", NULL},
	};
	run_http_cases(h, cases, N(cases));
	struct h_req rq = {.who = AS_SESSION, .method = "PATCH", .target = "/api/v1/me",
			   .body = "{\"name\":\"Forged\"}", .no_csrf = true};
	struct result r;
	h_send(h, &rq, &r);
	check_status(&r, 403);
	check_json(&r, "error", "forbidden");
	check_json(&r, "message", CSRF_NL);
	result_free(&r);
	rq.headers = "accept-language: en\n";
	h_send(h, &rq, &r);
	check_json(&r, "message", CSRF_EN);
	result_free(&r);
	rq = (struct h_req){.who = AS_SESSION, .method = "DELETE", .target = "/api/v1/tokens/1",
			    .no_csrf = true};
	h_send(h, &rq, &r);
	check_status(&r, 403);
	result_free(&r);
	h_call(h, AS_ADMIN, "GET", "/api/v1/me", NULL, NULL, NULL, &r);
	check_json(&r, "name", "Admin");
	result_free(&r);
	/* reading needs no token */
	rq = (struct h_req){.who = AS_SESSION, .method = "GET", .target = "/api/v1/tokens", .no_csrf = true};
	h_send(h, &rq, &r);
	check_status(&r, 200);
	result_free(&r);
}

static void test_bearer_needs_none(void **state)
{
	static const struct http_case cases[] = {
		{AS_MANAGER, "POST", "/api/v1/teams", NULL, "{\"name\":\"Bearer\"}", NULL, 201,
		 "name", "Bearer", NULL},
		{AS_MANAGER, "POST", "/teams", FORM, "name=Bearer+form", NULL, 303, NULL, NULL,
		 NULL},
		{AS_EMPLOYEE, "PATCH", "/api/v1/me", NULL, "{\"name\":\"Eva\"}", NULL, 200, "name",
		 "Eva", NULL},
		{AS_EMPLOYEE, "POST", "/api/v1/tokens", FORM, "name=form-made", NULL, 201, "name",
		 "form-made", NULL},
		/* a cookie next to the bearer token changes nothing */
		{AS_EMPLOYEE, "POST", "/api/v1/tokens", NULL, "{\"name\":\"x\"}",
		 "cookie: brug_session=1.garbage\n", 201, NULL, NULL, NULL},
	};
	run_http_cases(*state, cases, N(cases));
}

static void test_anonymous(void **state)
{
	struct harness *h = *state;
	struct result r;
	/* JSON without any cookie: fine */
	h_call(h, AS_ANON, "POST", "/lang", NULL, "{\"lang\":\"en\"}", NULL, &r);
	check_status(&r, 303);
	assert_true(result_cookie(&r, "brug_lang", (char[128]){0}, 128));
	result_free(&r);
	h_call(h, AS_ANON, "POST", "/login", NULL,
	       "{\"email\":\"employee@one.example\",\"password\":\"password-123\"}", NULL, &r);
	check_status(&r, 303);
	result_free(&r);

	/* forms: a visitor's cookie and the token made for it */
	char cookie[256], csrf[64], theirs[64], anon[128];
	h_call(h, AS_ANON, "GET", "/login", NULL, NULL, NULL, &r);
	assert_true(result_cookie(&r, "brug_anon", cookie, sizeof(cookie)));
	snprintf(anon, sizeof(anon), "cookie: %.*s\n", (int)strcspn(cookie, ";"), cookie);
	const char *v = strstr(r.body, "name=\"_csrf\" value=\"");
	snprintf(csrf, sizeof(csrf), "%.*s", (int)strcspn(v + 20, "\""), v + 20);
	result_free(&r);
	h_call(h, AS_ANON, "GET", "/login", NULL, NULL, NULL, &r); /* another visitor */
	v = strstr(r.body, "name=\"_csrf\" value=\"");
	snprintf(theirs, sizeof(theirs), "%.*s", (int)strcspn(v + 20, "\""), v + 20);
	result_free(&r);
	assert_string_not_equal(csrf, theirs);

	const char *login = "email=employee%40one.example&password=password-123";
	struct {
		const char *cookie;
		const char *token;
		int status;
	} cases[] = {
		{NULL, NULL, 403},
		{NULL, csrf, 403},     /* the token without its cookie */
		{anon, NULL, 403},     /* the cookie without the token */
		{anon, FAKE, 403},
		{anon, theirs, 403},   /* someone else's token */
		{"cookie: brug_anon=short\n", csrf, 403},
		{"cookie: brug_anon=" FAKE "\n", csrf, 403},
		{anon, csrf, 303},
	};
	for (size_t i = 0; i < N(cases); i++) {
		char body[256];
		snprintf(body, sizeof(body), "%s%s%s", cases[i].token ? "_csrf=" : "",
			 cases[i].token ? cases[i].token : "", cases[i].token ? "&" : "");
		strncat(body, login, sizeof(body) - strlen(body) - 1);
		h_call(h, AS_ANON, "POST", "/login", FORM, body, cases[i].cookie, &r);
		if (r.status != cases[i].status)
			fail_msg("case %zu: want %d, got %d %.300s", i, cases[i].status, r.status, r.body);
		if (r.status == 403)
			check_body(&r, CSRF_NL);
		result_free(&r);
	}
	/* the language switch is a form like any other */
	char body[128];
	snprintf(body, sizeof(body), "lang=en&_csrf=%s", theirs);
	h_call(h, AS_ANON, "POST", "/lang", FORM, body, anon, &r);
	check_status(&r, 403);
	assert_false(result_cookie(&r, "brug_lang", (char[128]){0}, 128));
	result_free(&r);
	snprintf(body, sizeof(body), "lang=en&_csrf=%s", csrf);
	h_call(h, AS_ANON, "POST", "/lang", FORM, body, anon, &r);
	check_status(&r, 303);
	result_free(&r);
}

static void test_token_follows_session(void **state)
{
	struct harness *h = *state;
	struct session a, b;
	h_login(h, AS_EMPLOYEE, &a);
	h_login(h, AS_EMPLOYEE, &b);
	/* one user, two sessions, two tokens */
	assert_string_not_equal(a.csrf, b.csrf);
	struct session mixed = a;
	snprintf(mixed.csrf, sizeof(mixed.csrf), "%s", b.csrf);
	struct result r;
	h_form(h, AS_ANON, &mixed, "/me", "name=Mixed&lang=", &r);
	check_status(&r, 403);
	result_free(&r);
	h_form(h, AS_ANON, &a, "/me", "name=Matched&lang=", &r);
	check_status(&r, 303);
	result_free(&r);
	/* the token is stable for the session's lifetime: each page has the same */
	struct h_req rq = {.method = "GET", .target = "/teams", .session = &a, .no_csrf = true};
	h_send(h, &rq, &r);
	check_body(&r, a.csrf);
	result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_page_write),
		cmocka_unit_test(test_header_token),
		cmocka_unit_test(test_bearer_needs_none),
		cmocka_unit_test(test_anonymous),
		cmocka_unit_test(test_token_follows_session),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Signing in and out as a browser: the login form and its cookies, failed
 * sign-ins and their limits per account and per address, where ?next= may
 * lead, the end and expiry of a session, switching the language, and which
 * language a request is answered in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/routes.h"
#include "harness.h"
#include "util/clock.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define FORM "application/x-www-form-urlencoded"
#define WINDOW_MS (15 * 60 * 1000) /* the login-limit window (api/session.c) */

/* A visitor's anonymous cookie and the CSRF token of its forms. */
struct visitor {
	char cookie[128]; /* "brug_anon=..." */
	char csrf[64];
};

static void visit(struct harness *h, const char *headers, struct visitor *v)
{
	struct result r;
	char set[256];
	h_call(h, AS_ANON, "GET", "/login", NULL, NULL, headers, &r);
	check_status(&r, 200);
	assert_true(result_cookie(&r, "brug_anon", set, sizeof(set)));
	snprintf(v->cookie, sizeof(v->cookie), "%.*s", (int)strcspn(set, ";"), set);
	const char *at = strstr(r.body, "name=\"_csrf\" value=\"");
	assert_non_null(at);
	snprintf(v->csrf, sizeof(v->csrf), "%.*s", (int)strcspn(at + 20, "\""), at + 20);
	result_free(&r);
}

/* POST /login as visitor v from ip with the form fields in form. */
static void login(struct harness *h, const struct visitor *v, const char *ip, const char *form,
		  const char *extra, struct result *r)
{
	char body[1024], headers[512];
	snprintf(body, sizeof(body), "_csrf=%s&%s", v->csrf, form);
	snprintf(headers, sizeof(headers), "cookie: %s\n%s", v->cookie, extra ? extra : "");
	struct h_req rq = {.method = "POST", .target = "/login", .ctype = FORM, .body = body,
			   .headers = headers, .peer_ip = ip};
	h_send(h, &rq, r);
}

static void test_login_form(void **state)
{
	struct harness *h = *state;
	struct result r;
	char set[256];
	h_call(h, AS_ANON, "GET", "/login", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	assert_string_equal(r.content_type, "text/html; charset=utf-8");
	assert_true(result_cookie(&r, "brug_anon", set, sizeof(set)));
	/* brug_anon=<43 characters>; a session cookie, not readable by scripts */
	assert_int_equal(strcspn(set, ";"), strlen("brug_anon=") + 43);
	assert_string_equal(set + strcspn(set, ";"), "; Path=/; HttpOnly; SameSite=Lax");
	check_body(&r, "<input type=\"hidden\" name=\"next\" value=\"/\">");
	check_body(&r, "type=\"password\" autocomplete=\"current-password\"");
	check_body(&r, "<form method=\"post\" action=\"/login\" novalidate>");
	result_free(&r);
	/* a returning visitor keeps cookie and token */
	struct visitor v;
	visit(h, NULL, &v);
	char hdr[200];
	snprintf(hdr, sizeof(hdr), "cookie: %s\n", v.cookie);
	h_call(h, AS_ANON, "GET", "/login", NULL, NULL, hdr, &r);
	assert_false(result_cookie(&r, "brug_anon", set, sizeof(set)));
	check_body(&r, v.csrf);
	result_free(&r);
}

static void test_login_ok(void **state)
{
	struct harness *h = *state;
	struct visitor v;
	struct result r;
	char set[256];
	visit(h, NULL, &v);
	login(h, &v, NULL, "email=ADMIN%40One.Example&password=password-123", NULL, &r);
	check_status(&r, 303);
	check_header(&r, "Location", "/");
	assert_true(result_cookie(&r, "brug_session", set, sizeof(set)));
	assert_int_equal(strncmp(set, "brug_session=1.", 15), 0);
	assert_string_equal(set + strcspn(set, ";"), "; Path=/; HttpOnly; SameSite=Lax; Max-Age=1209600");
	assert_true(result_cookie(&r, "brug_anon", set, sizeof(set)));
	assert_string_equal(set, "brug_anon=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
	assert_int_equal(r.body[0], '\0');
	result_free(&r);

	static const struct api_case audit[] = {
		{AS_ADMIN, "GET", "/api/v1/audit?action=session.login", NULL, 200, "items.0.actor",
		 "admin@one.example"},
		{AS_ADMIN, "GET", "/api/v1/audit?action=session.login", NULL, 200, "items.0.ip",
		 "192.0.2.10"},
	};
	run_cases(h, audit, N(audit));
	/* the session works on the API too */
	h_call(h, AS_SESSION, "GET", "/api/v1/me", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "auth", "session");
	result_free(&r);
	/* JSON sign-in needs no anonymous cookie (no ambient credential to ride on) */
	h_call(h, AS_ANON, "POST", "/login", NULL,
	       "{\"email\":\"employee@one.example\",\"password\":\"password-123\",\"next\":\"/teams\"}",
	       NULL, &r);
	check_status(&r, 303);
	check_header(&r, "Location", "/teams");
	assert_true(result_cookie(&r, "brug_session", set, sizeof(set)));
	result_free(&r);
}

static void test_secure_cookies(void **state)
{
	struct harness *h = *state;
	struct app *plain = h->app, *tls = NULL;
	struct brug_err err = {0};
	assert_int_equal(config_set(&h->cfg, CFG_BASE_URL, "https://brug.example", CFG_SRC_FLAG, &err), 0);
	assert_int_equal(app_new(&h->cfg, h->pool, routes, routes_count, &tls, &err), 0);
	h->app = tls;
	struct visitor v;
	struct result r;
	char set[256];
	h_call(h, AS_ANON, "GET", "/login", NULL, NULL, NULL, &r);
	assert_true(result_cookie(&r, "brug_anon", set, sizeof(set)));
	assert_string_equal(set + strcspn(set, ";"), "; Path=/; HttpOnly; SameSite=Lax; Secure");
	result_free(&r);
	visit(h, NULL, &v);
	login(h, &v, NULL, "email=employee%40one.example&password=password-123", NULL, &r);
	check_status(&r, 303);
	assert_true(result_cookie(&r, "brug_session", set, sizeof(set)));
	assert_non_null(strstr(set, "; HttpOnly; SameSite=Lax; Max-Age=1209600; Secure"));
	result_free(&r);
	h->app = plain;
	app_free(tls);
	assert_int_equal(config_set(&h->cfg, CFG_BASE_URL, "", CFG_SRC_FLAG, &err), 0);
}

static void test_login_failures(void **state)
{
	struct harness *h = *state;
	struct visitor v;
	struct result r, r2;
	visit(h, NULL, &v);
	login(h, &v, "198.51.100.1", "email=admin%40one.example&password=Wrong-password-1", NULL, &r);
	check_status(&r, 401);
	assert_string_equal(r.content_type, "text/html; charset=utf-8");
	check_body(&r, "<small id=\"password-error\">Dit e-mailadres en wachtwoord horen niet bij elkaar.</small>");
	check_body(&r, "value=\"admin@one.example\"");
	check_body(&r, "<h1>Aanmelden</h1>");
	check_no_body(&r, "Wrong-password-1");
	assert_false(result_cookie(&r, "brug_session", (char[8]){0}, 8));
	/* an unknown address gets the very same answer */
	login(h, &v, "198.51.100.1", "email=nobody%40one.example&password=Wrong-password-1", NULL, &r2);
	check_status(&r2, 401);
	check_body(&r2, "<small id=\"password-error\">Dit e-mailadres en wachtwoord horen niet bij elkaar.</small>");
	result_free(&r);
	result_free(&r2);

	static const struct http_case cases[] = {
		{AS_ANON, "POST", "/login", NULL,
		 "{\"email\":\"admin@one.example\",\"password\":\"nope-nope\"}",
		 "accept: application/json\n", 401, "fields.password",
		 "Dit e-mailadres en wachtwoord horen niet bij elkaar.", NULL},
		{AS_ANON, "POST", "/login", NULL,
		 "{\"email\":\"admin@one.example\",\"password\":\"nope-nope\"}",
		 "accept: application/json\n", 401, "error", "unauthenticated", NULL},
		{AS_ANON, "POST", "/login", NULL, "{\"email\":\"\",\"password\":\"\"}",
		 "accept: application/json\n", 422, "fields.email", "Dit veld is verplicht.", NULL},
		{AS_ANON, "POST", "/login", NULL, "{\"email\":\"admin@one.example\"}",
		 "accept: application/json\n", 422, "fields.password", NULL, NULL},
		{AS_ANON, "POST", "/login", NULL, "{\"email\":[],\"password\":1}",
		 "accept: application/json\n", 422, "fields.password", "Dit moet tekst zijn.",
		 NULL},
	};
	run_http_cases(h, cases, N(cases));

	/* a disabled user cannot sign in, with the right password */
	h_call(h, AS_ADMIN, "POST", "/api/v1/users", NULL,
	       "{\"email\":\"gone@one.example\",\"name\":\"Gone\",\"role\":\"employee\",\"password\":\"password-123\"}",
	       NULL, &r);
	check_status(&r, 201);
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)json_int_at(&r, "id"));
	result_free(&r);
	h_call(h, AS_ADMIN, "PATCH", path, NULL, "{\"disabled\":true}", NULL, &r);
	check_status(&r, 200);
	result_free(&r);
	login(h, &v, "198.51.100.1", "email=gone%40one.example&password=password-123", NULL, &r);
	check_status(&r, 401);
	result_free(&r);
}

/* Moves the clock to just after the start of a login-limit window, so a
 * run of attempts cannot straddle two windows; returns the shift. */
static int64_t window_start(void)
{
	int64_t now = clock_now_ms();
	int64_t shift = WINDOW_MS - now % WINDOW_MS + 1000;
	clock_shift_ms(shift);
	return shift;
}

/* Guessing one account's password from one address stops after ten tries;
 * the account itself stays usable from elsewhere, so a stranger cannot
 * lock someone out, until guesses from everywhere reach five times that. */
static void test_rate_limit_account(void **state)
{
	struct harness *h = *state;
	struct visitor v;
	struct result r;
	int64_t shift = window_start();
	visit(h, NULL, &v);
	for (int i = 0; i < 10; i++) {
		/* the account's name in any case is the same account */
		login(h, &v, "198.51.100.20",
		      i % 2 ? "email=manager%40one.example&password=wrong-1234"
			    : "email=MANAGER%40one.example&password=wrong-1234",
		      NULL, &r);
		if (r.status != 401)
			fail_msg("attempt %d: want 401, got %d", i, r.status);
		result_free(&r);
	}
	/* the 11th from that address is refused before the password is looked at */
	login(h, &v, "198.51.100.20", "email=manager%40one.example&password=password-123", NULL, &r);
	check_status(&r, 429);
	check_body(&r, "Te veel mislukte pogingen.");
	char retry[32];
	assert_true(result_header(&r, "Retry-After", 0, retry, sizeof(retry)));
	long secs = strtol(retry, NULL, 10);
	assert_true(secs >= 890 && secs <= 900);
	assert_false(result_cookie(&r, "brug_session", (char[8]){0}, 8));
	result_free(&r);
	login(h, &v, "198.51.100.20", "email=manager%40one.example&password=password-123",
	      "accept: application/json\n", &r);
	check_status(&r, 429);
	check_json(&r, "error", "rate_limited");
	check_json(&r, "message", "Te veel mislukte pogingen. Wacht even voordat je het opnieuw probeert.");
	result_free(&r);
	/* the owner, from their own address, still signs in */
	login(h, &v, "198.51.100.30", "email=manager%40one.example&password=password-123", NULL, &r);
	check_status(&r, 303);
	result_free(&r);
	/* guesses spread over many addresses: refused once they reach 5 x 10 */
	int refused_at = 0;
	for (int i = 0; i < 60 && !refused_at; i++) {
		char ip[32];
		snprintf(ip, sizeof(ip), "198.18.0.%d", i + 1);
		login(h, &v, ip, "email=manager%40one.example&password=wrong-1234", NULL, &r);
		if (r.status == 429)
			refused_at = i;
		else if (r.status != 401)
			fail_msg("spread attempt %d: want 401 or 429, got %d", i, r.status);
		result_free(&r);
	}
	/* 50 in all: 12 from 198.51.100.20 (11 counted, the 12th too) and the
	 * success taken back; the rest from the spread addresses */
	assert_true(refused_at > 30 && refused_at < 50);
	/* time passes: the next window starts afresh */
	clock_shift_ms(WINDOW_MS);
	login(h, &v, "198.51.100.20", "email=manager%40one.example&password=password-123", NULL, &r);
	check_status(&r, 303);
	result_free(&r);
	clock_shift_ms(-WINDOW_MS - shift);
}

static void test_rate_limit_address(void **state)
{
	struct harness *h = *state;
	struct visitor v;
	struct result r;
	int64_t shift = window_start();
	visit(h, NULL, &v);
	for (int i = 0; i < 50; i++) {
		char form[128];
		snprintf(form, sizeof(form), "email=nobody%d%%40one.example&password=wrong-1234", i);
		login(h, &v, "203.0.113.5", form, NULL, &r);
		if (r.status != 401)
			fail_msg("attempt %d: want 401, got %d", i, r.status);
		result_free(&r);
	}
	login(h, &v, "203.0.113.5", "email=admin%40one.example&password=password-123", NULL, &r);
	check_status(&r, 429);
	char retry[32];
	assert_true(result_header(&r, "Retry-After", 0, retry, sizeof(retry)));
	assert_true(strtol(retry, NULL, 10) >= 890 && strtol(retry, NULL, 10) <= 900);
	result_free(&r);
	/* a forwarded-for header does not change the address without a trusted proxy */
	login(h, &v, "203.0.113.5", "email=admin%40one.example&password=password-123",
	      "x-forwarded-for: 192.0.2.99\n", &r);
	check_status(&r, 429);
	result_free(&r);
	/* another address signs in to the same account */
	login(h, &v, "203.0.113.6", "email=admin%40one.example&password=password-123", NULL, &r);
	check_status(&r, 303);
	result_free(&r);
	clock_shift_ms(WINDOW_MS);
	login(h, &v, "203.0.113.5", "email=admin%40one.example&password=password-123", NULL, &r);
	check_status(&r, 303);
	result_free(&r);
	clock_shift_ms(-WINDOW_MS - shift);
}

/* Behind a trusted proxy, X-Forwarded-For is one list over all its header
 * lines and its last entry is the client: a client cannot pick the address
 * its sign-in attempts count against by sending a line of its own. */
static void test_forwarded_for(void **state)
{
	struct harness *h = *state;
	struct app *plain = h->app, *proxied = NULL;
	assert_int_equal(config_set(&h->cfg, CFG_TRUST_PROXY, "true", CFG_SRC_FLAG, NULL), 0);
	assert_int_equal(app_new(&h->cfg, h->pool, routes, routes_count, &proxied, NULL), 0);
	h->app = proxied;
	int64_t shift = window_start();
	struct visitor v;
	struct result r;
	visit(h, NULL, &v);
	int refused = 0;
	for (int i = 0; i < 60; i++) {
		char headers[256], form[128];
		/* the client's own line first, the proxy's appended last */
		snprintf(headers, sizeof(headers), "x-forwarded-for: 10.9.9.%d\nx-forwarded-for: 192.0.2.77\n",
			 i);
		snprintf(form, sizeof(form), "email=nobody%d%%40one.example&password=wrong-1234", i);
		login(h, &v, "127.0.0.1", form, headers, &r);
		refused += r.status == 429;
		result_free(&r);
	}
	/* all counted against 192.0.2.77: refused after the address limit */
	assert_int_equal(refused, 10);
	/* a value that is not an address is not taken: the proxy's own address is */
	char headers[] = "x-forwarded-for: not-an-address\n";
	login(h, &v, "198.51.100.99", "email=admin%40one.example&password=password-123", headers, &r);
	check_status(&r, 303);
	result_free(&r);
	h->app = plain;
	app_free(proxied);
	config_set(&h->cfg, CFG_TRUST_PROXY, "false", CFG_SRC_FLAG, NULL);
	clock_shift_ms(-shift);
}

/* A session in use stays alive, in the database and in the browser: when
 * it is extended, its cookie is sent again with a fresh lifetime. */
static void test_session_renewed(void **state)
{
	struct harness *h = *state;
	struct session s;
	h_login(h, AS_EMPLOYEE, &s);
	struct result r;
	struct h_req rq = {.who = AS_ANON, .method = "GET", .target = "/me", .session = &s};
	h_send(h, &rq, &r);
	check_status(&r, 200);
	char set[512];
	assert_false(result_cookie(&r, "brug_session", set, sizeof(set)));
	result_free(&r);
	clock_shift_ms(6 * 60 * 1000);
	h_send(h, &rq, &r);
	check_status(&r, 200);
	assert_true(result_cookie(&r, "brug_session", set, sizeof(set)));
	assert_non_null(strstr(set, "; Max-Age=1209600"));
	assert_non_null(strstr(set, s.cookie + strlen("brug_session=")));
	result_free(&r);
	clock_shift_ms(-6 * 60 * 1000);
}

static void test_next(void **state)
{
	struct harness *h = *state;
	static const struct {
		const char *next; /* form-encoded */
		const char *location;
	} cases[] = {
		{"%2Fteams", "/teams"},
		{"%2Fusers%3Fq%3Da%26page%3D2", "/users?q=a&page=2"},
		{"", "/"},
		{"%2F%2Fevil.example", "/"},
		{"%2F%2Fevil.example%2F%2F", "/"},
		{"%2F%5Cevil.example", "/"},
		{"%5C%5Cevil.example", "/"},
		{"https%3A%2F%2Fevil.example", "/"},
		{"http%3Aevil.example", "/"},
		{"evil.example", "/"},
		{"javascript%3Aalert(1)", "/"},
		{"+%2F%2Fevil.example", "/"}, /* trimmed, still two slashes */
		{"%2F%2F%2Fevil.example", "/"},
	};
	struct visitor v;
	visit(h, NULL, &v);
	for (size_t i = 0; i < N(cases); i++) {
		char form[256];
		struct result r;
		snprintf(form, sizeof(form), "email=employee%%40one.example&password=password-123&next=%s",
			 cases[i].next);
		login(h, &v, NULL, form, NULL, &r);
		char loc[256] = "";
		result_header(&r, "Location", 0, loc, sizeof(loc));
		if (r.status != 303 || strcmp(loc, cases[i].location))
			fail_msg("case %zu: next=%s: want 303 to %s, got %d to %s", i, cases[i].next,
				 cases[i].location, r.status, loc);
		result_free(&r);
	}
	/* the form takes only a local next; a signed-in visitor goes there at once */
	static const struct http_case get[] = {
		{AS_ANON, "GET", "/login?next=%2F%2Fevil.example", NULL, NULL, NULL, 200, NULL,
		 NULL, "name=\"next\" value=\"/\">"},
		{AS_ANON, "GET", "/login?next=%2F%5Cevil.example", NULL, NULL, NULL, 200, NULL,
		 NULL, "name=\"next\" value=\"/\">"},
		{AS_ANON, "GET", "/login?next=https://evil.example", NULL, NULL, NULL, 200, NULL,
		 NULL, "name=\"next\" value=\"/\">"},
		{AS_ANON, "GET", "/login?next=%2Fteams%22%3E%3Cscript%3E", NULL, NULL, NULL, 200,
		 NULL, NULL, "name=\"next\" value=\"/teams&quot;&gt;&lt;script&gt;\">"},
	};
	run_http_cases(h, get, N(get));
	static const struct {
		const char *target, *location;
	} signed_in[] = {
		{"/login?next=%2F%2Fevil.example", "/"},
		{"/login?next=%2F%5Cevil.example", "/"},
		{"/login?next=https%3A%2F%2Fevil.example", "/"},
		{"/login?next=%2Fteams", "/teams"},
	};
	for (size_t i = 0; i < N(signed_in); i++) {
		struct result r;
		h_call(h, AS_SESSION, "GET", signed_in[i].target, NULL, NULL, NULL, &r);
		check_status(&r, 303);
		check_header(&r, "Location", signed_in[i].location);
		result_free(&r);
	}
	/* and the language switch */
	struct result r;
	h_form(h, AS_SESSION, NULL, "/lang", "lang=nl&next=%2F%2Fevil.example", &r);
	check_status(&r, 303);
	check_header(&r, "Location", "/");
	result_free(&r);
}

static void test_logout(void **state)
{
	struct harness *h = *state;
	struct session s;
	struct result r;
	h_login(h, AS_EMPLOYEE, &s);
	/* without the form's token: refused, still signed in */
	struct h_req rq = {.method = "POST", .target = "/logout", .session = &s, .no_csrf = true,
			   .ctype = FORM, .body = "x=1"};
	h_send(h, &rq, &r);
	check_status(&r, 403);
	result_free(&r);
	h_form(h, AS_ANON, &s, "/logout", "", &r);
	check_status(&r, 303);
	check_header(&r, "Location", "/login");
	char set[256];
	assert_true(result_cookie(&r, "brug_session", set, sizeof(set)));
	assert_string_equal(set, "brug_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
	assert_true(result_cookie(&r, "brug_flash", set, sizeof(set)));
	assert_int_equal(strncmp(set, "brug_flash=flash.signed_out;", 28), 0);
	result_free(&r);
	/* the old cookie is worth nothing now, and is cleared when sent */
	rq = (struct h_req){.method = "GET", .target = "/me", .session = &s};
	h_send(h, &rq, &r);
	check_status(&r, 303);
	check_header(&r, "Location", "/login?next=%2Fme");
	assert_true(result_cookie(&r, "brug_session", set, sizeof(set)));
	assert_non_null(strstr(set, "Max-Age=0"));
	result_free(&r);
	rq.target = "/api/v1/me";
	h_send(h, &rq, &r);
	check_status(&r, 401);
	result_free(&r);
	/* the login page after signing out shows the notice */
	h_call(h, AS_ANON, "GET", "/login", NULL, NULL, "cookie: brug_flash=flash.signed_out\n", &r);
	check_body(&r, "Je bent afgemeld.");
	result_free(&r);
	static const struct api_case audit[] = {
		{AS_ADMIN, "GET", "/api/v1/audit?action=session.logout", NULL, 200, "items.0.actor",
		 "employee@one.example"},
	};
	run_cases(h, audit, N(audit));
}

static void test_expiry(void **state)
{
	struct harness *h = *state;
	struct session s;
	struct result r;
	const int64_t day = 86400000;
	h_login(h, AS_EMPLOYEE, &s);
	struct h_req rq = {.method = "GET", .target = "/me", .session = &s};
	clock_shift_ms(13 * day);
	h_send(h, &rq, &r);
	check_status(&r, 200); /* and the session slides */
	result_free(&r);
	clock_shift_ms(2 * day);
	h_send(h, &rq, &r);
	check_status(&r, 200);
	result_free(&r);
	clock_shift_ms(15 * day);
	h_send(h, &rq, &r);
	check_status(&r, 303);
	check_header(&r, "Location", "/login?next=%2Fme");
	result_free(&r);
	clock_shift_ms(-30 * day);
}

static void test_language_switch(void **state)
{
	struct harness *h = *state;
	struct visitor v;
	struct result r;
	char set[256], hdr[512];
	visit(h, NULL, &v);
	/* an anonymous visitor: a cookie */
	struct h_req rq = {.method = "POST", .target = "/lang", .ctype = FORM, .headers = hdr};
	char body[256];
	snprintf(body, sizeof(body), "_csrf=%s&lang=en&next=%%2Flogin", v.csrf);
	snprintf(hdr, sizeof(hdr), "cookie: %s\n", v.cookie);
	rq.body = body;
	h_send(h, &rq, &r);
	check_status(&r, 303);
	check_header(&r, "Location", "/login");
	assert_true(result_cookie(&r, "brug_lang", set, sizeof(set)));
	assert_string_equal(set, "brug_lang=en; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000");
	result_free(&r);
	snprintf(body, sizeof(body), "_csrf=%s&lang=fr", v.csrf);
	h_send(h, &rq, &r);
	check_status(&r, 422);
	result_free(&r);
	static const struct http_case pages[] = {
		{AS_ANON, "GET", "/login", NULL, NULL, "cookie: brug_lang=en\n", 200, NULL, NULL,
		 "<h1>Sign in</h1>"},
		{AS_ANON, "GET", "/login", NULL, NULL,
		 "cookie: brug_lang=en\naccept-language: nl\n", 200, NULL, NULL,
		 "<html lang=\"en\">"},
		{AS_ANON, "GET", "/login", NULL, NULL,
		 "cookie: brug_lang=fr\naccept-language: en\n", 200, NULL, NULL,
		 "<html lang=\"en\">"},
		{AS_ANON, "GET", "/login", NULL, NULL, "cookie: brug_lang=%3Cx%3E\n", 200, NULL,
		 NULL, "<html lang=\"nl\">"},
	};
	run_http_cases(h, pages, N(pages));

	/* a signed-in user: stored on the user, and it beats the browser */
	struct session s;
	h_login(h, AS_EMPLOYEE, &s);
	h_form(h, AS_ANON, &s, "/lang", "lang=en&next=%2Fteams", &r);
	check_status(&r, 303);
	check_header(&r, "Location", "/teams");
	result_free(&r);
	h_call(h, AS_ADMIN, "GET", "/api/v1/users/1", NULL, NULL, NULL, &r);
	check_json(&r, "lang", "en");
	result_free(&r);
	rq = (struct h_req){.method = "GET", .target = "/teams", .session = &s,
			    .headers = "accept-language: nl\n"};
	h_send(h, &rq, &r);
	check_body(&r, "<html lang=\"en\">");
	result_free(&r);
	/* a stale cookie from before does not win either */
	snprintf(s.cookie + strlen(s.cookie), sizeof(s.cookie) - strlen(s.cookie), "; brug_lang=nl");
	rq.headers = NULL;
	h_send(h, &rq, &r);
	check_body(&r, "<html lang=\"en\">");
	check_body(&r, "<h1>Teams</h1>");
	result_free(&r);
	h_call(h, AS_EMPLOYEE, "PATCH", "/api/v1/me", NULL, "{\"lang\":\"\"}", NULL, &r);
	check_status(&r, 200);
	check_json(&r, "lang", "null");
	result_free(&r);
}

static void test_negotiation(void **state)
{
	struct harness *h = *state;
	static const char *const nl = "Dit team bestaat niet.", *const en = "This team does not exist.";
	/* no choice: the browser, then the organisation */
	const struct http_case browser[] = {
		{AS_EMPLOYEE, "GET", "/api/v1/teams/999", NULL, NULL, NULL, 404, "message", nl,
		 NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/teams/999", NULL, NULL, "accept-language: en\n", 404,
		 "message", en, NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/teams/999", NULL, NULL, "accept-language: fr\n", 404,
		 "message", nl, NULL},
		{AS_OTHER, "GET", "/api/v1/teams/999", NULL, NULL, NULL, 404, "message", en, NULL},
		{AS_OTHER, "GET", "/api/v1/teams/999", NULL, NULL, "accept-language: nl-BE\n", 404,
		 "message", nl, NULL},
		{AS_ADMIN, "PATCH", "/api/v1/settings", NULL, "{\"lang\":\"en\"}", NULL, 200,
		 "lang", "en", NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/teams/999", NULL, NULL, NULL, 404, "message", en,
		 NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/teams/999", NULL, NULL, "accept-language: nl\n", 404,
		 "message", nl, NULL},
		/* the user's own choice beats both */
		{AS_EMPLOYEE, "PATCH", "/api/v1/me", NULL, "{\"lang\":\"nl\"}", NULL, 200, "lang",
		 "nl", NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/teams/999", NULL, NULL, "accept-language: en\n", 404,
		 "message", nl, NULL},
		{AS_EMPLOYEE, "PATCH", "/api/v1/me", NULL, "{\"lang\":\"en\"}", NULL, 200, "lang",
		 "en", NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/teams/999", NULL, NULL, "accept-language: nl\n", 404,
		 "message", en, NULL},
		{AS_ADMIN, "PATCH", "/api/v1/settings", NULL, "{\"lang\":\"nl\"}", NULL, 200,
		 "lang", "nl", NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/teams/999", NULL, NULL, NULL, 404, "message", en,
		 NULL},
		{AS_EMPLOYEE, "PATCH", "/api/v1/me", NULL, "{\"lang\":\"\"}", NULL, 200, "lang",
		 "null", NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/teams/999", NULL, NULL, NULL, 404, "message", nl,
		 NULL},
	};
	run_http_cases(h, browser, N(browser));
}

/* brug behind a proxy that asks for HTTP Basic: the browser sends that
 * Authorization header on every request, and brug must read past it. */
static void test_other_auth_schemes(void **state)
{
	struct harness *h = *state;
	static const char *const basic = "authorization: Basic dXNlcjpwYXNz\n";
	static const struct http_case cases[] = {
		{AS_ANON, "GET", "/login", NULL, NULL, basic, 200, NULL, NULL,
		 "<h1>Aanmelden</h1>"},
		{AS_ANON, "GET", "/healthz", NULL, NULL, basic, 200, "status", "ok", NULL},
		{AS_ANON, "GET", "/static/app.css", NULL, NULL, basic, 200, NULL, NULL, NULL},
		{AS_ANON, "GET", "/teams", NULL, NULL, basic, 303, NULL, NULL, NULL},
		{AS_ANON, "GET", "/api/v1/me", NULL, NULL, basic, 401, "error", "unauthenticated",
		 NULL},
		{AS_ANON, "GET", "/api/v1/me", NULL, NULL, "authorization: Digest x\n", 401,
		 "error", "unauthenticated", NULL},
		/* a bearer token that is wrong is still refused at once */
		{AS_ANON, "GET", "/api/v1/me", NULL, NULL, "authorization: Bearer brug_1_x\n", 401,
		 "message", "Het API-token ontbreekt, klopt niet, is verlopen of ingetrokken.",
		 NULL},
	};
	run_http_cases(h, cases, N(cases));
	struct visitor v;
	struct result r;
	visit(h, basic, &v);
	login(h, &v, NULL, "email=employee%40one.example&password=password-123", basic, &r);
	check_status(&r, 303);
	char set[256], cookie[300];
	assert_true(result_cookie(&r, "brug_session", set, sizeof(set)));
	result_free(&r);
	snprintf(cookie, sizeof(cookie), "cookie: %.*s\n%s", (int)strcspn(set, ";"), set, basic);
	h_call(h, AS_ANON, "GET", "/me", NULL, NULL, cookie, &r);
	check_status(&r, 200);
	check_body(&r, "<h1>Mijn account</h1>");
	result_free(&r);
}

/* A new password ends the user's other sessions; disabling ends them all. */
static void test_sessions_end(void **state)
{
	struct harness *h = *state;
	struct session a, b;
	struct result r;
	h_login(h, AS_EMPLOYEE, &a);
	h_login(h, AS_EMPLOYEE, &b);
	h_form(h, AS_ANON, &a, "/me/password",
	       "current_password=password-123&password=Another-pass-1&password_confirm=Another-pass-1", &r);
	check_status(&r, 303);
	result_free(&r);
	struct h_req ra = {.method = "GET", .target = "/api/v1/me", .session = &a};
	struct h_req rb = {.method = "GET", .target = "/api/v1/me", .session = &b};
	h_send(h, &ra, &r);
	check_status(&r, 200);
	result_free(&r);
	h_send(h, &rb, &r);
	check_status(&r, 401);
	result_free(&r);
	/* an administrator sets it back: every session of the user ends */
	static const struct api_case reset[] = {
		{AS_ADMIN, "POST", "/api/v1/users/1/password", "{\"password\":\"password-123\"}",
		 200, "ok", "true"},
		{AS_ADMIN, "GET", "/api/v1/audit?action=user.password", NULL, 200,
		 "items.0.object_id", "1"},
	};
	run_cases(h, reset, N(reset));
	h_send(h, &ra, &r);
	check_status(&r, 401);
	result_free(&r);
	/* disabling a user ends the sessions too (tokens: see test_users) */
	h_login(h, AS_EMPLOYEE, &a);
	static const struct api_case off[] = {
		{AS_ADMIN, "PATCH", "/api/v1/users/1", "{\"disabled\":true}", 200, "is_disabled",
		 "true"},
	};
	run_cases(h, off, N(off));
	h_send(h, &ra, &r);
	check_status(&r, 401);
	result_free(&r);
	static const struct api_case on[] = {
		{AS_ADMIN, "PATCH", "/api/v1/users/1", "{\"disabled\":false}", 200, "is_disabled",
		 "false"},
	};
	run_cases(h, on, N(on));
	h_send(h, &ra, &r);
	check_status(&r, 401); /* a new sign-in is needed */
	result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login_form),
		cmocka_unit_test(test_login_ok),
		cmocka_unit_test(test_secure_cookies),
		cmocka_unit_test(test_login_failures),
		cmocka_unit_test(test_rate_limit_account),
		cmocka_unit_test(test_rate_limit_address),
		cmocka_unit_test(test_forwarded_for),
		cmocka_unit_test(test_session_renewed),
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_logout),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_language_switch),
		cmocka_unit_test(test_negotiation),
		cmocka_unit_test(test_other_auth_schemes),
		cmocka_unit_test(test_sessions_end),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

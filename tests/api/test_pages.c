/* SPDX-License-Identifier: Apache-2.0 */
/* The site as a browser sees it: every page renders for the roles that may
 * see it (and no other), a form that fails validation comes back with the
 * messages next to its fields and the values sent (never a password), a
 * form that succeeds answers 303 to the right place and the next page
 * shows the notice once, and every response carries the security headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct session employee, manager;
static int64_t team; /* "Support", made by the manager */

static struct session *as(struct harness *h, enum as who)
{
	static struct session admin;
	if (who == AS_EMPLOYEE)
		return &employee;
	if (who == AS_MANAGER)
		return &manager;
	snprintf(admin.cookie, sizeof(admin.cookie), "%s", h->cookie);
	snprintf(admin.csrf, sizeof(admin.csrf), "%s", h->csrf);
	return &admin;
}

/* A GET as a signed-in browser, with extra cookies (e.g. a flash). */
static void page(struct harness *h, enum as who, const char *target, const char *cookies,
		 struct result *r)
{
	struct session s = *as(h, who);
	if (cookies) {
		size_t n = strlen(s.cookie);
		snprintf(s.cookie + n, sizeof(s.cookie) - n, "; %s", cookies);
	}
	struct h_req rq = {.method = "GET", .target = target, .session = &s, .no_csrf = true};
	h_send(h, &rq, r);
}

static void post(struct harness *h, enum as who, const char *target, const char *form,
		 struct result *r)
{
	h_form(h, AS_ANON, as(h, who), target, form, r);
}

/* The flash cookie a redirect set, as "brug_flash=key" for the next request. */
static void flash_of(const struct result *r, char *out, size_t n)
{
	char v[256];
	assert_true(result_cookie(r, "brug_flash", v, sizeof(v)));
	snprintf(out, n, "%.*s", (int)strcspn(v, ";"), v);
}

static void test_setup_sessions(void **state)
{
	struct harness *h = *state;
	h_login(h, AS_EMPLOYEE, &employee);
	h_login(h, AS_MANAGER, &manager);
	struct result r;
	h_call(h, AS_MANAGER, "POST", "/api/v1/teams", NULL,
	       "{\"name\":\"Support\",\"description\":\"First line\"}", NULL, &r);
	check_status(&r, 201);
	team = json_int_at(&r, "id");
	result_free(&r);
}

struct page_case {
	enum as who;
	const char *target; /* %lld: the team's id */
	int status;
	const char *contains;
};

/* Rows stand in tables with a header row; list items in a list. */
static void test_tables(void **state)
{
	struct harness *h = *state;
	char members[80], team_page[64];
	snprintf(members, sizeof(members), "/api/v1/teams/%lld/members", (long long)team);
	snprintf(team_page, sizeof(team_page), "/teams/%lld", (long long)team);
	struct result r;
	h_call(h, AS_MANAGER, "POST", members, NULL, "{\"user_id\":2}", NULL, &r);
	check_status(&r, 200);
	result_free(&r);
	const char *pages[] = {"/users", "/teams", team_page, "/tokens", "/audit"};
	for (size_t i = 0; i < N(pages); i++) {
		page(h, AS_SESSION, pages[i], NULL, &r);
		check_status(&r, 200);
		check_body(&r, "<table>\n<thead><tr><th scope=\"col\">");
		int depth = 0, rows = 0;
		for (const char *p = r.body; (p = strchr(p, '<')); p++) {
			if (!strncmp(p, "<table>", 7))
				depth++;
			else if (!strncmp(p, "</table>", 8))
				depth--;
			else if (!strncmp(p, "<tr", 3) && ++rows && depth != 1)
				fail_msg("%s: a row outside a table: %.80s", pages[i], p);
		}
		assert_int_equal(depth, 0);
		assert_true(rows >= 2); /* the header row and at least one more */
		result_free(&r);
	}
	page(h, AS_SESSION, "/users/2", NULL, &r);
	check_body(&r, "<ul>\n<li><a href=\"/teams/");
	result_free(&r);
	char member[96];
	snprintf(member, sizeof(member), "%s/2", members);
	h_call(h, AS_MANAGER, "DELETE", member, NULL, NULL, NULL, &r);
	check_status(&r, 204);
	result_free(&r);
	/* an empty list says so, without an empty table */
	page(h, AS_SESSION, team_page, NULL, &r);
	check_no_body(&r, "<table>");
	check_body(&r, "<p>Dit team heeft nog geen leden.</p>");
	result_free(&r);
}

static void test_every_page(void **state)
{
	struct harness *h = *state;
	static const struct page_case cases[] = {
		{AS_EMPLOYEE, "/", 200, "<h1>Welkom, employee@one.example</h1>"},
		{AS_EMPLOYEE, "/me", 200, "<h1>Mijn account</h1>"},
		{AS_EMPLOYEE, "/users", 200, "<h1>Gebruikers</h1>"},
		{AS_EMPLOYEE, "/users/2", 200, "<h1>manager@one.example</h1>"},
		{AS_EMPLOYEE, "/teams", 200, "<h1>Teams</h1>"},
		{AS_EMPLOYEE, "/teams/%lld", 200, "<h1>Support</h1>"},
		{AS_EMPLOYEE, "/tokens", 200, "<h1>API-tokens</h1>"},
		{AS_EMPLOYEE, "/users/new", 403, "(403)"},
		{AS_EMPLOYEE, "/users/2/edit", 403, "(403)"},
		{AS_EMPLOYEE, "/teams/new", 403, "(403)"},
		{AS_EMPLOYEE, "/teams/%lld/edit", 403, "(403)"},
		{AS_EMPLOYEE, "/audit", 403, "Dit mag je niet doen."},
		{AS_EMPLOYEE, "/settings", 403, "Dit mag je niet doen."},
		{AS_MANAGER, "/teams/new", 200, "<h1>Nieuw team</h1>"},
		{AS_MANAGER, "/teams/%lld/edit", 200, "<h1>Team bewerken</h1>"},
		{AS_MANAGER, "/teams/%lld", 200, "action=\"/teams/%lld/members\""},
		{AS_MANAGER, "/users/new", 403, "(403)"},
		{AS_MANAGER, "/audit", 403, "(403)"},
		{AS_SESSION, "/", 200, "<h1>Welkom, admin@one.example</h1>"},
		{AS_SESSION, "/users/new", 200, "<h1>Nieuwe gebruiker</h1>"},
		{AS_SESSION, "/users/1/edit", 200, "<h1>Gebruiker bewerken</h1>"},
		{AS_SESSION, "/users/1", 200, "href=\"/users/1/edit\""},
		{AS_SESSION, "/audit", 200, "<h1>Auditlog</h1>"},
		{AS_SESSION, "/settings", 200, "<h1>Instellingen</h1>"},
		{AS_SESSION, "/users?page=2&per_page=1", 200, "rel=\"prev\""},
		{AS_SESSION, "/users/999", 404, "(404)"},
		{AS_SESSION, "/teams/999/edit", 404, "(404)"},
		{AS_SESSION, "/login", 303, NULL}, /* signed in already */
	};
	for (size_t i = 0; i < N(cases); i++) {
		const struct page_case *c = &cases[i];
		char target[128], want[160];
		snprintf(target, sizeof(target), c->target, (long long)team);
		struct result r;
		page(h, c->who, target, NULL, &r);
		if (c->contains)
			snprintf(want, sizeof(want), c->contains, (long long)team, (long long)team);
		bool ok = r.status == c->status && (!c->contains || strstr(r.body, want));
		if (ok && c->status != 303)
			ok = !strcmp(r.content_type, "text/html; charset=utf-8") &&
			     strstr(r.body, "<main id=\"main\"") && strstr(r.body, "<h1>") &&
			     strstr(r.body, "<html lang=\"nl\">");
		if (!ok)
			fail_msg("case %zu: GET %s as %d: want %d with %s, got %d [%s] %.400s", i, target,
				 c->who, c->status, c->contains ? want : "-", r.status,
				 r.content_type,
				 r.body);
		result_free(&r);
	}
}

static void test_anonymous_pages(void **state)
{
	struct harness *h = *state;
	static const struct {
		const char *target, *location;
	} cases[] = {
		{"/", "/login?next=%2F"},
		{"/me", "/login?next=%2Fme"},
		{"/users?q=a&page=2", "/login?next=%2Fusers%3Fq%3Da%26page%3D2"},
		{"/teams/1/edit", "/login?next=%2Fteams%2F1%2Fedit"},
		{"/audit", "/login?next=%2Faudit"},
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct result r;
		h_call(h, AS_ANON, "GET", cases[i].target, NULL, NULL, NULL, &r);
		check_status(&r, 303);
		check_header(&r, "Location", cases[i].location);
		result_free(&r);
	}
	/* the login page takes the way back into its form */
	struct result r;
	h_call(h, AS_ANON, "GET", "/login?next=%2Fusers%3Fq%3Da", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "<input type=\"hidden\" name=\"next\" value=\"/users?q=a\">");
	check_body(&r, "<h1>Aanmelden</h1>");
	check_no_body(&r, "class=\"menu\"");
	result_free(&r);
	/* a form post without a session is refused, not redirected */
	h_call(h, AS_ANON, "POST", "/teams", "application/x-www-form-urlencoded", "name=x", NULL, &r);
	check_status(&r, 401);
	check_body(&r, "Meld je eerst aan.");
	result_free(&r);
}

static void test_menu_by_role(void **state)
{
	struct harness *h = *state;
	struct result r;
	page(h, AS_EMPLOYEE, "/teams", NULL, &r);
	check_body(&r, "<a href=\"/teams\" aria-current=\"page\">");
	check_no_body(&r, "href=\"/audit\"");
	check_no_body(&r, "href=\"/teams/new\"");
	result_free(&r);
	page(h, AS_SESSION, "/", NULL, &r);
	check_body(&r, "href=\"/audit\"");
	check_body(&r, "href=\"/users/new\"");
	result_free(&r);
}

struct form_case {
	enum as who;
	const char *target; /* %lld: the team's id */
	const char *form;
	int status;
	const char *message;  /* next to its field */
	const char *contains; /* e.g. the value sent, back in the form */
	const char *secret;   /* must not come back */
};

static void test_forms_invalid(void **state)
{
	struct harness *h = *state;
	static const struct form_case cases[] = {
		{AS_MANAGER, "/teams", "name=&description=%3Cb%3Ebold%3C%2Fb%3E", 422,
		 "<small id=\"name-error\">Dit veld is verplicht.</small>",
		 "&lt;b&gt;bold&lt;/b&gt;</textarea>", NULL},
		{AS_MANAGER, "/teams", "name=Support", 409,
		 "<small id=\"name-error\">Er bestaat al een team met deze naam.</small>",
		 "value=\"Support\"", NULL},
		{AS_MANAGER, "/teams/%lld", "name=&description=kept", 422,
		 "<small id=\"name-error\">Dit veld is verplicht.</small>", ">kept</textarea>",
		 NULL},
		{AS_MANAGER, "/teams/%lld/members", "user_id=abc", 422,
		 "<small id=\"user_id-error\">Dit moet een geheel getal zijn.</small>",
		 "<h1>Support</h1>", NULL},
		{AS_SESSION, "/users",
		 "email=not-an-email&name=Piet&role=manager&lang=en&password=Geheim-wachtwoord-1",
		 422, "<small id=\"email-error\">Vul een geldig e-mailadres in.</small>",
		 "value=\"not-an-email\"", "Geheim-wachtwoord-1"},
		{AS_SESSION, "/users",
		 "email=piet%40one.example&name=Piet&role=boss&password=Geheim-2", 422,
		 "<small id=\"role-error\">Kies een van de mogelijkheden.</small>",
		 "value=\"Piet\"", "Geheim-2"},
		{AS_SESSION, "/users",
		 "email=piet%40one.example&name=Piet&role=employee&password=Kort-12", 422,
		 "<small id=\"password-error\">Gebruik minstens 8 tekens.</small>",
		 "value=\"piet@one.example\"", "Kort-12"},
		{AS_SESSION, "/users",
		 "email=Employee%40One.example&name=Dup&role=employee&password=Lang-genoeg-1", 409,
		 "<small id=\"email-error\">Voor dit e-mailadres bestaat al een account.</small>",
		 "value=\"Dup\"", "Lang-genoeg-1"},
		{AS_SESSION, "/users/1",
		 "form_status=1&name=&email=employee%40one.example&role=employee", 422,
		 "<small id=\"name-error\">Dit veld is verplicht.</small>",
		 "<h1>Gebruiker bewerken</h1>", NULL},
		{AS_SESSION, "/users/3",
		 "form_status=1&disabled=1&name=A&email=admin%40one.example&role=admin", 422,
		 "<small id=\"disabled-error\">Je kunt jezelf niet blokkeren.</small>",
		 "value=\"A\"", NULL},
		{AS_SESSION, "/users/1/password", "password=Kort-34", 422,
		 "<small id=\"new_password-error\">Gebruik minstens 8 tekens.</small>",
		 "<h1>Gebruiker bewerken</h1>", "Kort-34"},
		{AS_EMPLOYEE, "/me/password",
		 "current_password=Fout-wachtwoord-9&password=Nieuw-wachtwoord-9&password_confirm=Nieuw-wachtwoord-9", 422, "<small id=\"current_password-error\">Dit is niet je huidige wachtwoord.</small>", "<h1>Mijn account</h1>", "wachtwoord-9"},
		{AS_EMPLOYEE, "/me/password",
		 "current_password=password-123&password=Nieuw-wachtwoord-9&password_confirm=Anders-wachtwoord-9", 422, "<small id=\"password_confirm-error\">De twee wachtwoorden verschillen.</small>", NULL, "wachtwoord-9"},
		{AS_EMPLOYEE, "/me", "name=&lang=", 422,
		 "<small id=\"name-error\">Dit veld is verplicht.</small>", "<h1>Mijn account</h1>",
		 NULL},
		{AS_EMPLOYEE, "/tokens", "name=&expires_in_days=9999", 422,
		 "<small id=\"name-error\">Dit veld is verplicht.</small>", "value=\"9999\"", NULL},
		{AS_EMPLOYEE, "/tokens", "name=ci&expires_in_days=-1", 422,
		 "<small id=\"expires-error\">Dit getal valt buiten het bereik.</small>",
		 "value=\"ci\"", NULL},
		{AS_SESSION, "/settings", "name=One&lang=nl&timezone=Mars%2FOlympus", 422,
		 "<small id=\"timezone-error\">Onbekende tijdzone. Gebruik een naam als Europe/Amsterdam.</small>", "value=\"Mars/Olympus\"", NULL},
		{AS_SESSION, "/settings", "name=&lang=nl&timezone=Europe%2FAmsterdam", 422,
		 "<small id=\"name-error\">Dit veld is verplicht.</small>",
		 "value=\"Europe/Amsterdam\"", NULL},
	};
	for (size_t i = 0; i < N(cases); i++) {
		const struct form_case *c = &cases[i];
		char target[128];
		snprintf(target, sizeof(target), c->target, (long long)team);
		struct result r;
		post(h, c->who, target, c->form, &r);
		bool ok = r.status == c->status && !strcmp(r.content_type, "text/html; charset=utf-8") &&
			  strstr(r.body, c->message) && (!c->contains || strstr(r.body,
			 c->contains)) &&
			  (!c->secret || !strstr(r.body, c->secret)) &&
			  strstr(r.body, "role=\"alert\"") && strstr(r.body,
			 "aria-invalid=\"true\"");
		if (!ok)
			fail_msg("case %zu: POST %s: want %d with %s / %s, got %d %.4000s", i, target, c->status,
				 c->message, c->contains ? c->contains : "-", r.status, r.body);
		result_free(&r);
	}
	/* nothing of the above was stored */
	struct result r;
	h_call(h, AS_ADMIN, "GET", "/api/v1/users", NULL, NULL, NULL, &r);
	check_json(&r, "total", "3");
	result_free(&r);
	h_call(h, AS_ADMIN, "GET", "/api/v1/teams", NULL, NULL, NULL, &r);
	assert_int_equal(json_array_size(jpath(r.json, "items")), 1);
	result_free(&r);
}

struct ok_case {
	enum as who;
	const char *target; /* %lld: the team's id */
	const char *form;
	const char *location; /* %lld: the team's id; NULL: a new object's page */
	const char *notice;   /* the flash on the next page, or NULL */
};

static void test_forms_ok(void **state)
{
	struct harness *h = *state;
	static const struct ok_case cases[] = {
		{AS_MANAGER, "/teams/%lld", "name=Support+desk&description=Line+one%0D%0ALine+two",
		 "/teams/%lld", "Opgeslagen."},
		{AS_MANAGER, "/teams/%lld/members", "user_id=1&lead=1", "/teams/%lld",
		 "Het team is bijgewerkt."},
		{AS_MANAGER, "/teams/%lld/members/1/delete", "", "/teams/%lld",
		 "Het lid is uit het team verwijderd."},
		{AS_MANAGER, "/teams", "name=Planning", NULL, "Het team is aangemaakt."},
		{AS_SESSION, "/users",
		 "email=Nieuw%40One.example&name=Nieuwe+collega&role=employee&lang=&password=Lang-genoeg-1", NULL, "De gebruiker is aangemaakt."},
		{AS_SESSION, "/users/1",
		 "form_status=1&name=Eva&email=employee%40one.example&role=employee&lang=",
		 "/users/1", "Opgeslagen."},
		{AS_SESSION, "/settings", "name=One&lang=nl&timezone=Europe%2FAmsterdam",
		 "/settings", "Opgeslagen."},
		{AS_EMPLOYEE, "/me", "name=Eva+Employee&lang=", "/me", "Opgeslagen."},
		{AS_EMPLOYEE, "/me/password",
		 "current_password=password-123&password=Nieuw-wachtwoord-9&password_confirm=Nieuw-wachtwoord-9", "/me", "Je wachtwoord is gewijzigd."},
		{AS_EMPLOYEE, "/me/password",
		 "current_password=Nieuw-wachtwoord-9&password=password-123&password_confirm=password-123", "/me", "Je wachtwoord is gewijzigd."},
	};
	for (size_t i = 0; i < N(cases); i++) {
		const struct ok_case *c = &cases[i];
		char target[128], location[128], flash[128];
		snprintf(target, sizeof(target), c->target, (long long)team);
		struct result r;
		post(h, c->who, target, c->form, &r);
		if (r.status != 303)
			fail_msg("case %zu: POST %s: want 303, got %d %.3000s", i, target, r.status, r.body);
		char second[256];
		if (result_header(&r, "Location", 1, second, sizeof(second)))
			fail_msg("case %zu: POST %s: two Location headers:\n%s", i, target, r.headers);
		if (c->location) {
			snprintf(location, sizeof(location), c->location, (long long)team);
			check_header(&r, "Location", location);
		} else {
			assert_non_null(r.location);
			assert_true(strncmp(r.location, c->target, strlen(c->target)) == 0);
			snprintf(location, sizeof(location), "%s", r.location);
		}
		assert_int_equal(r.body[0], '\0');
		flash_of(&r, flash, sizeof(flash));
		result_free(&r);
		/* the next page shows the notice and clears it */
		page(h, c->who, location, flash, &r);
		check_status(&r, 200);
		check_body(&r, c->notice);
		check_body(&r, "<p class=\"flash\" role=\"status\">");
		char gone[256];
		assert_true(result_cookie(&r, "brug_flash", gone, sizeof(gone)));
		assert_non_null(strstr(gone, "Max-Age=0"));
		result_free(&r);
		/* and only once */
		page(h, c->who, location, NULL, &r);
		check_status(&r, 200);
		check_no_body(&r, "class=\"flash\"");
		result_free(&r);
	}
	/* a cookie cannot put arbitrary text on the page */
	struct result r;
	page(h, AS_SESSION, "/", "brug_flash=%3Cscript%3E", &r);
	check_status(&r, 200);
	check_no_body(&r, "class=\"flash\"");
	result_free(&r);
	/* the changes happened */
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/teams/%lld", (long long)team);
	h_call(h, AS_EMPLOYEE, "GET", path, NULL, NULL, NULL, &r);
	check_json(&r, "name", "Support desk");
	check_json(&r, "description", "Line one\r\nLine two");
	assert_int_equal(json_array_size(jpath(r.json, "members")), 0);
	result_free(&r);
	h_call(h, AS_ADMIN, "GET", "/api/v1/users?q=nieuw", NULL, NULL, NULL, &r);
	check_json(&r, "items.0.email", "nieuw@one.example");
	check_json(&r, "items.0.lang", "null");
	result_free(&r);
}

static void test_delete_and_revoke(void **state)
{
	struct harness *h = *state;
	struct result r;
	/* a new token's secret is shown once, on the answer to the form */
	post(h, AS_EMPLOYEE, "/tokens", "name=Zapier&expires_in_days=30", &r);
	check_status(&r, 201);
	check_body(&r, "value=\"brug_1_");
	char secret[128];
	const char *v = strstr(r.body, "value=\"brug_1_");
	snprintf(secret, sizeof(secret), "%.*s", (int)strcspn(v + 7, "\""), v + 7);
	result_free(&r);
	page(h, AS_EMPLOYEE, "/tokens", NULL, &r);
	check_status(&r, 200);
	check_body(&r, "Zapier");
	check_no_body(&r, secret);
	result_free(&r);
	h_call(h, AS_EMPLOYEE, "GET", "/api/v1/tokens", NULL, NULL, NULL, &r);
	int64_t id = json_int_at(&r, "items.0.id");
	check_json(&r, "items.0.name", "Zapier");
	result_free(&r);

	char target[96], flash[128];
	snprintf(target, sizeof(target), "/tokens/%lld/revoke", (long long)id);
	post(h, AS_EMPLOYEE, target, "", &r);
	check_status(&r, 303);
	check_header(&r, "Location", "/tokens");
	flash_of(&r, flash, sizeof(flash));
	result_free(&r);
	page(h, AS_EMPLOYEE, "/tokens", flash, &r);
	check_body(&r, "Het token is ingetrokken.");
	result_free(&r);

	snprintf(target, sizeof(target), "/teams/%lld/delete", (long long)team);
	post(h, AS_MANAGER, target, "", &r);
	check_status(&r, 303);
	check_header(&r, "Location", "/teams");
	flash_of(&r, flash, sizeof(flash));
	result_free(&r);
	page(h, AS_MANAGER, "/teams", flash, &r);
	check_body(&r, "Het team is verwijderd.");
	check_no_body(&r, "Support desk");
	result_free(&r);
	/* deleting again is a 404 page */
	post(h, AS_MANAGER, target, "", &r);
	check_status(&r, 404);
	check_body(&r, "Dit team bestaat niet.");
	result_free(&r);
}

static void check_security_headers(const struct result *r, const char *what)
{
	char csp[1024], v[256];
	if (!result_header(r, "Content-Security-Policy", 0, csp, sizeof(csp)) ||
	    strstr(csp, "unsafe-inline") || strstr(csp, "unsafe-eval") ||
	    !strstr(csp, "frame-ancestors 'none'") || !strstr(csp, "script-src 'self'") ||
	    !strstr(csp, "object-src 'none'"))
		fail_msg("%s: Content-Security-Policy: %s", what, r->headers);
	if (!result_header(r, "X-Content-Type-Options", 0, v, sizeof(v)) || strcmp(v, "nosniff"))
		fail_msg("%s: X-Content-Type-Options: %s", what, r->headers);
	if (!result_header(r, "Referrer-Policy", 0, v, sizeof(v)) || strcmp(v, "same-origin"))
		fail_msg("%s: Referrer-Policy: %s", what, r->headers);
	if (!result_header(r, "X-Frame-Options", 0, v, sizeof(v)) || strcmp(v, "DENY"))
		fail_msg("%s: X-Frame-Options: %s", what, r->headers);
}

static void test_security_headers(void **state)
{
	struct harness *h = *state;
	static const struct {
		enum as who;
		const char *method, *target, *body;
		int status;
		bool cacheable;
	} cases[] = {
		{AS_SESSION, "GET", "/", NULL, 200, false},
		{AS_SESSION, "GET", "/users/1/edit", NULL, 200, false},
		{AS_ANON, "GET", "/login", NULL, 200, false},
		{AS_ANON, "GET", "/teams", NULL, 303, false},
		{AS_SESSION, "GET", "/nope", NULL, 404, false},
		{AS_SESSION, "POST", "/teams", "name=", 422, false},
		{AS_SESSION, "POST", "/teams", "name=Headers", 303, false},
		{AS_ADMIN, "GET", "/api/v1/users", NULL, 200, false},
		{AS_ANON, "GET", "/api/v1/users", NULL, 401, false},
		{AS_ADMIN, "DELETE", "/api/v1/users", NULL, 405, false},
		{AS_ADMIN, "POST", "/api/v1/teams", "{", 400, false},
		{AS_ANON, "GET", "/healthz", NULL, 200, false},
		{AS_ANON, "GET", "/metrics", NULL, 403, false},
		{AS_ANON, "GET", "/static/app.css", NULL, 200, true},
		{AS_ANON, "GET", "/static/nope.css", NULL, 404, false},
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct result r;
		char what[160];
		snprintf(what, sizeof(what), "case %zu: %s %s", i, cases[i].method, cases[i].target);
		if (cases[i].body && cases[i].who == AS_SESSION)
			h_form(h, AS_SESSION, NULL, cases[i].target, cases[i].body, &r);
		else
			h_call(h, cases[i].who, cases[i].method, cases[i].target, NULL, cases[i].body, NULL, &r);
		if (r.status != cases[i].status)
			fail_msg("%s: want %d, got %d", what, cases[i].status, r.status);
		check_security_headers(&r, what);
		char cc[128];
		bool has = result_header(&r, "Cache-Control", 0, cc, sizeof(cc));
		if (cases[i].cacheable ? !has || strstr(cc, "no-store") : !has || strcmp(cc, "no-store"))
			fail_msg("%s: Cache-Control: %s", what, has ? cc : "(absent)");
		/* no inline script or style for the policy to have to allow */
		if (strstr(r.content_type, "text/html")) {
			check_no_body(&r, "<script>");
			check_no_body(&r, " style=");
			check_no_body(&r, " onclick=");
			check_no_body(&r, " onload=");
			check_no_body(&r, "javascript:");
		}
		result_free(&r);
	}
	/* a 304 too */
	struct result r;
	h_call(h, AS_ANON, "GET", "/static/app.css", NULL, NULL, NULL, &r);
	char etag[128], hdr[200];
	assert_true(result_header(&r, "ETag", 0, etag, sizeof(etag)));
	result_free(&r);
	snprintf(hdr, sizeof(hdr), "if-none-match: %s\n", etag);
	h_call(h, AS_ANON, "GET", "/static/app.css", NULL, NULL, hdr, &r);
	check_status(&r, 304);
	check_security_headers(&r, "304");
	result_free(&r);
}

static void test_english_pages(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_ANON, "GET", "/login", NULL, NULL, "accept-language: en-US,en;q=0.8\n", &r);
	check_status(&r, 200);
	check_body(&r, "<html lang=\"en\">");
	check_body(&r, "<h1>Sign in</h1>");
	result_free(&r);
	struct h_req rq = {.method = "GET", .target = "/teams", .session = &employee,
			   .headers = "accept-language: en\n"};
	h_send(h, &rq, &r);
	check_status(&r, 200);
	check_body(&r, "<html lang=\"en\">");
	check_body(&r, "<h1>Teams</h1>");
	check_body(&r, "<a href=\"/\" >Start</a>");
	result_free(&r);
	rq = (struct h_req){.method = "POST", .target = "/teams", .session = &manager,
			    .ctype = "application/x-www-form-urlencoded", .body = "name=",
			    .headers = "accept-language: en\n"};
	h_send(h, &rq, &r);
	check_status(&r, 422);
	check_body(&r, "<small id=\"name-error\">This field is required.</small>");
	result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setup_sessions),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_every_page),
		cmocka_unit_test(test_anonymous_pages),
		cmocka_unit_test(test_menu_by_role),
		cmocka_unit_test(test_forms_invalid),
		cmocka_unit_test(test_forms_ok),
		cmocka_unit_test(test_delete_and_revoke),
		cmocka_unit_test(test_security_headers),
		cmocka_unit_test(test_english_pages),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

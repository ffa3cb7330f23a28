/* SPDX-License-Identifier: Apache-2.0 */
/* Hostile input, generated: every route of the route table (so a route
 * added later joins without a test of its own) gets a catalogue of bad
 * input as a caller of the route's own role, so the input reaches the
 * handler: bad path parameters, malformed and deep JSON, wrong content
 * types, and for each field docs/openapi.json says the route reads, wrong
 * types, out-of-range, huge and broken values, as JSON and as a form. Each
 * must get a 4xx with a message and leave every table as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/routes.h"
#include "domain/survey_case.h"
#include "domain/survey_token.h"
#include "harness.h"
#include "hostile.h"
#include "util/clock.h"

#define FORM "application/x-www-form-urlencoded"

static json_t *doc; /* docs/openapi.json */
static struct session employee, manager, anon;
static size_t sent; /* cases sent, for the summary line */

/* ---- fixtures: one object of each kind per organisation ---- */

struct fixture {
	const char *key; /* the pattern up to "{id}", or the parameter's name */
	int64_t mine, other;
	char token[SURVEY_TOKEN_MAX]; /* for {token} */
};

static struct fixture fixtures[] = {
        {"/users/", 0, 0, ""},
        {"/teams/", 0, 0, ""},
        {"user_id", 0, 0, ""},
        {"/tokens/", 0, 0, ""},
        {"/relations/import/", 0, 0, ""},
        {"/interactions/import/", 0, 0, ""},
        {"/relations/", 0, 0, ""},
        {"/interactions/", 0, 0, ""},
        {"/custom-fields/", 0, 0, ""},
        {"/tasks/", 0, 0, ""},
        {"/surveys/", 0, 0, ""},
        {"qid", 0, 0, ""},
        {"/webhooks/", 0, 0, ""},
        {"/cases/", 0, 0, ""},
        {"/jobs/", 0, 0, ""},
        {"/outbox/", 0, 0, ""},
        {"token", 0, 0, ""},
};

static struct fixture *fixture(const char *key)
{
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		if (!strcmp(fixtures[i].key, key))
			return &fixtures[i];
	return NULL;
}

static int64_t created(struct harness *h, enum as who, const char *target, const char *body)
{
	struct result r;
	h_call(h, who, "POST", target, NULL, body, NULL, &r);
	if (r.status != 201 && r.status != 200)
		fail_msg("fixture %s %s: %d %s", target, body, r.status, r.body);
	int64_t id = json_int_at(&r, "id");
	result_free(&r);
	return id;
}

static int64_t q_int(struct harness *h, const char *sql, const struct db_arg *args, size_t n)
{
	int64_t v = 0;
	assert_int_equal(db_int_query(h->db, &v, sql, args, n), 0);
	return v;
}

/* A sent invitation of the fixture relation, answered with a detractor's
 * score, and its follow-up case (as the answer path opens one). */
static void answered_invitation(struct harness *h, int64_t survey, int64_t rel)
{
	int64_t now = clock_now_ms();
	int64_t inv =
	        q_int(h,
	              "INSERT INTO survey_invitations (org_id, survey_id, relation_id, handler_id,"
	              " status, channel, sent_at, expires_at, created_at, updated_at)"
	              " VALUES (?, ?, ?, ?, 'sent', 'email', ?, ?, ?, ?) RETURNING id",
	              DB_ARGS(DB_I(h->org), DB_I(survey), DB_I(rel), DB_I(h->user[AS_EMPLOYEE]),
	                      DB_I(now), DB_I(now + 86400000LL * 30), DB_I(now), DB_I(now)));
	survey_token_make(app_secret(h->app), inv, fixture("token")->token);
	int64_t inv2 =
	        q_int(h,
	              "INSERT INTO survey_invitations (org_id, survey_id, relation_id, handler_id,"
	              " status, channel, sent_at, answered_at, expires_at, created_at, updated_at)"
	              " VALUES (?, ?, ?, ?, 'sent', 'phone', ?, ?, ?, ?, ?) RETURNING id",
	              DB_ARGS(DB_I(h->org), DB_I(survey), DB_I(rel), DB_I(h->user[AS_EMPLOYEE]),
	                      DB_I(now), DB_I(now), DB_I(now + 1000000), DB_I(now), DB_I(now)));
	int64_t nps =
	        q_int(h,
	              "SELECT MIN(id) FROM survey_questions WHERE org_id = ? AND survey_id = ?"
	              " AND type = 'nps'",
	              DB_ARGS(DB_I(h->org), DB_I(survey)));
	assert_int_equal(
	        db_exec(h->db,
	                "INSERT INTO survey_answers (org_id, invitation_id, question_id, score,"
	                " answered_at) VALUES (?, ?, ?, 2, ?)",
	                DB_ARGS(DB_I(h->org), DB_I(inv2), DB_I(nps), DB_I(now))),
	        0);
	int64_t id = 0;
	assert_int_equal(db_begin(h->db), 0);
	assert_int_equal(survey_case_open(h->db, h->org, inv2, 2, &id, NULL), 0);
	assert_int_equal(db_commit(h->db), 0);
	fixture("/cases/")->mine = id;
	fixture("qid")->mine = nps;
}

/* A previewed upload (the browser's import flow); returns its id. */
static int64_t upload(struct harness *h, const char *target, const char *csv)
{
	char body[1024];
	int n = snprintf(
	        body, sizeof(body),
	        "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n%s\r\n"
	        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.csv\"\r\n"
	        "Content-Type: text/csv\r\n\r\n%s\r\n--XyZ--\r\n",
	        h->csrf, csv);
	struct h_req rq = {.who = AS_SESSION,
	                   .method = "POST",
	                   .target = target,
	                   .ctype = "multipart/form-data; boundary=XyZ",
	                   .body = body,
	                   .body_len = (size_t)n,
	                   .no_csrf = true};
	struct result r;
	h_send(h, &rq, &r);
	const char *form = strstr(r.body, "/import/");
	if (r.status != 200 || !form)
		fail_msg("fixture upload %s: %d %.300s", target, r.status, r.body);
	int64_t id = strtoll(form + 8, NULL, 10);
	result_free(&r);
	return id;
}

static void make_fixtures(struct harness *h)
{
	fixture("/users/")->mine = h->user[AS_EMPLOYEE];
	fixture("/users/")->other = h->user[AS_OTHER];
	fixture("user_id")->mine = h->user[AS_EMPLOYEE];
	fixture("user_id")->other = h->user[AS_OTHER];
	struct fixture *f = fixture("/teams/");
	f->mine = created(h, AS_MANAGER, "/api/v1/teams", "{\"name\":\"Fixture\"}");
	f->other = created(h, AS_OTHER, "/api/v1/teams", "{\"name\":\"Elsewhere\"}");
	char path[128], body[256];
	snprintf(path, sizeof(path), "/api/v1/teams/%lld/members", (long long)f->mine);
	snprintf(body, sizeof(body), "{\"user_id\":%lld}", (long long)h->user[AS_EMPLOYEE]);
	created(h, AS_MANAGER, path, body);
	fixture("/tokens/")->mine = created(h, AS_EMPLOYEE, "/api/v1/tokens", "{\"name\":\"fx\"}");
	fixture("/tokens/")->other = created(h, AS_OTHER, "/api/v1/tokens", "{\"name\":\"fx\"}");
	static const char rel[] = "{\"kind\":\"person\",\"name\":\"Fixture Person\","
	                          "\"emails\":[{\"value\":\"fixture@klant.example\"}]}";
	f = fixture("/relations/");
	f->mine = created(h, AS_EMPLOYEE, "/api/v1/relations", rel);
	f->other = created(h, AS_OTHER, "/api/v1/relations", rel);
	snprintf(body, sizeof(body),
	         "{\"channel\":\"phone\",\"subject\":\"Fixture\",\"person_id\":%lld}",
	         (long long)f->mine);
	fixture("/interactions/")->mine = created(h, AS_EMPLOYEE, "/api/v1/interactions", body);
	snprintf(body, sizeof(body),
	         "{\"channel\":\"phone\",\"subject\":\"Fixture\",\"person_id\":%lld}",
	         (long long)f->other);
	fixture("/interactions/")->other = created(h, AS_OTHER, "/api/v1/interactions", body);
	static const char cf[] = "{\"name\":\"fx\",\"label\":\"Fx\",\"type\":\"text\"}";
	fixture("/custom-fields/")->mine = created(h, AS_ADMIN, "/api/v1/custom-fields", cf);
	fixture("/custom-fields/")->other = created(h, AS_OTHER, "/api/v1/custom-fields", cf);
	fixture("/tasks/")->mine =
	        created(h, AS_EMPLOYEE, "/api/v1/tasks", "{\"title\":\"Fixture\"}");
	fixture("/tasks/")->other =
	        created(h, AS_OTHER, "/api/v1/tasks", "{\"title\":\"Fixture\"}");
	static const char sv[] = "{\"template\":\"nps_relationship\",\"name\":\"Fixture\"}";
	f = fixture("/surveys/");
	f->mine = created(h, AS_MANAGER, "/api/v1/surveys", sv);
	f->other = created(h, AS_OTHER, "/api/v1/surveys", sv);
	static const char wh[] =
	        "{\"url\":\"https://hooks.example/x\",\"events\":[\"answer.detractor\"]}";
	fixture("/webhooks/")->mine = created(h, AS_ADMIN, "/api/v1/webhooks", wh);
	fixture("/webhooks/")->other = created(h, AS_OTHER, "/api/v1/webhooks", wh);
	fixture("/jobs/")->mine = created(h, AS_ADMIN, "/api/v1/jobs/probe", "{}");
	fixture("/jobs/")->other = created(h, AS_OTHER, "/api/v1/jobs/probe", "{}");
	fixture("/outbox/")->mine = created(h, AS_ADMIN, "/api/v1/outbox/test", NULL);
	fixture("/outbox/")->other = created(h, AS_OTHER, "/api/v1/outbox/test", NULL);
	fixture("/relations/import/")->mine =
	        upload(h, "/relations/import", "Naam;E-mail\nImport B.V.;import@import.example");
	fixture("/interactions/import/")->mine = upload(
	        h, "/interactions/import-cdr",
	        "\"\",\"0201234567\",\"100\",\"from-internal\",\"\",\"SIP/100\",\"\",\"Dial\","
	        "\"\",\"2026-01-05 10:00:00\",\"2026-01-05 10:00:05\",\"2026-01-05 10:01:00\","
	        "\"60\",\"55\",\"ANSWERED\",\"DOCUMENTATION\",\"1.1\",\"\"");
	/* the survey is answered: activate it, then an invitation and a case */
	snprintf(path, sizeof(path), "/api/v1/surveys/%lld", (long long)fixture("/surveys/")->mine);
	struct result r;
	h_call(h, AS_MANAGER, "PATCH", path, NULL, "{\"status\":\"active\"}", NULL, &r);
	check_status(&r, 200);
	result_free(&r);
	answered_invitation(h, fixture("/surveys/")->mine, fixture("/relations/")->mine);
}

/* ---- sending a case and checking it was refused ---- */

/* The fixture id for the parameter starting at p in r's pattern. */
static const char *param_value(const struct route *r, const char *p, bool other, char *out,
                               size_t n)
{
	const char *close = strchr(p, '}');
	char key[64];
	if (!strncmp(p, "{id}", 4))
		snprintf(key, sizeof(key), "%.*s", (int)(p - r->pattern), r->pattern);
	else
		snprintf(key, sizeof(key), "%.*s", (int)(close - p - 1), p + 1);
	if (p[1] == '*')
		return "app.css";
	struct fixture *f = fixture(key);
	if (!f) /* a new route: give tests/api/test_hostile.c an object of its kind */
		fail_msg("%s %s: no fixture for %s; add one to fixtures[]", r->method, r->pattern,
		         key);
	if (*f->token)
		snprintf(out, n, "%s", other ? "AAAA" : f->token);
	else
		snprintf(out, n, "%lld", (long long)(other ? f->other : f->mine));
	return out;
}

/* r's pattern with fixture ids; parameter number which (from 0) is bad
 * instead (NULL: none). */
static void target_of(const struct route *r, bool api, int which, const char *bad, char *out,
                      size_t n)
{
	size_t w = (size_t)snprintf(out, n, "%s", api ? "/api/v1" : "");
	int k = 0;
	for (const char *p = r->pattern; *p && w + 64 < n;) {
		if (*p == '{') {
			char v[SURVEY_TOKEN_MAX + 8];
			const char *s = k == which ? bad : param_value(r, p, false, v, sizeof(v));
			w += (size_t)snprintf(out + w, n - w, "%s", s);
			p = strchr(p, '}') + 1;
			k++;
		} else {
			out[w++] = *p++;
		}
	}
	out[w] = '\0';
}

static bool is_write(const struct route *r)
{
	return strcmp(r->method, "GET") != 0;
}

/* The caller: the route's own role, by token (API) or session (pages). */
static void caller(struct harness *h, const struct route *r, bool api, struct h_req *rq)
{
	(void)h;
	if (r->flags & R_PUBLIC) {
		rq->who = AS_ANON;
		rq->session = api ? NULL : &anon;
		return;
	}
	enum as who = r->role >= ROLE_ADMIN     ? AS_ADMIN
	              : r->role >= ROLE_MANAGER ? AS_MANAGER
	                                        : AS_EMPLOYEE;
	if (api)
		rq->who = who;
	else if (who == AS_ADMIN)
		rq->who = AS_SESSION;
	else
		rq->session = who == AS_MANAGER ? &manager : &employee;
}

/* Whether a 422's fields name field, or other fields: those were not sent
 * (the body holds field alone), and a handler may stop at a missing one
 * before it looks at the rest. */
static bool named(json_t *body, const char *field)
{
	json_t *fields = jpath(body, "fields");
	if (!json_is_object(fields))
		return true; /* a 422 of the domain, with a message but no fields */
	return json_object_get(fields, field) || json_object_size(fields) > 0;
}

/* One bad request: it must be refused (4xx) with a message, naming field
 * when the answer is a 422 with fields, and every table must be as before. */
void hostile_send(struct harness *h, const struct route *r, bool api, const char *target,
                  const char *ctype, const char *body, size_t len, const char *field,
                  const char *what)
{
	struct h_req rq = {.method = r->method,
	                   .target = target,
	                   .ctype = ctype,
	                   .body = body,
	                   .body_len = len,
	                   .peer_ip = !strcmp(r->pattern, "/metrics") ? "127.0.0.1" : NULL};
	caller(h, r, api, &rq);
	/* a page's field messages, as JSON: the same handler, easier to read */
	if (!api && field)
		rq.headers = "accept: application/json\n";
	struct result res;
	h_send(h, &rq, &res);
	sent++;
	bool json = api || field;
	const char *why = NULL;
	if (res.status < 400 || res.status > 499)
		why = "not a 4xx";
	else if (json && (!json_is_string(jpath(res.json, "error")) ||
	                  !json_is_string(jpath(res.json, "message"))))
		why = "no JSON error and message";
	else if (!json && (res.body_len == 0 || !strstr(res.content_type, "text/html")))
		why = "no page with the message";
	else if (field && res.status == 422 && !named(res.json, field))
		why = "a 422 that does not name the field";
	if (why)
		fail_msg("%s %s (%s%s%s): %s; got %d %.400s", r->method, target, what,
		         field ? ", field " : "", field ? field : "", why, res.status, res.body);
	result_free(&res);
	snap_check(h, r->method, target, what);
}

/* ---- the catalogue ---- */

static const char *const bad_ids[] = {
        "999999999",
        "0",
        "-1",
        "abc",
        "1.5",
        "1e3",
        "0x10",
        "99999999999999999999",
        "9223372036854775808",
        "-9223372036854775809",
        "%ff",
        "%00",
        "1%00",
        "%0d%0aX-A:%20b",
        "1%20OR%201=1",
        "%2e%2e",
        "1%2f..%2f2",
        "%e2%80%ae1",
};

static const char *const bad_static[] = {
        "../../etc/passwd",
        "%2e%2e/%2e%2e/etc/passwd",
        "..%2f..%2fetc%2fpasswd",
        "%2e%2e%2f%2e%2e%2fweb%2ftemplates%2flayout.mustache",
        "..%5c..%5cetc%5cpasswd",
        "%252e%252e/%252e%252e/etc/passwd",
        "app.css%00.txt",
        "app.css%00",
        "/etc/passwd",
        "%2fetc%2fpasswd",
        "vendor/%2e%2e/%2e%2e/%2e%2e/meson.build",
        "%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
        "%ff",
        "app.css%0d%0aX-A:%20b",
};

/* Every path parameter replaced by bad values in turn; the others hold a
 * real object of the caller's organisation. */
static void path_cases(struct harness *h, const struct route *r, bool api)
{
	const char *body = is_write(r) ? (api ? "{}" : "x=1") : NULL;
	const char *ctype = is_write(r) ? (api ? NULL : FORM) : NULL;
	char target[512], v[SURVEY_TOKEN_MAX + 8];
	int k = 0;
	for (const char *p = strchr(r->pattern, '{'); p; p = strchr(p + 1, '{'), k++) {
		bool star = p[1] == '*';
		const char *const *bad = star ? bad_static : bad_ids;
		size_t n = star ? sizeof(bad_static) / sizeof(bad_static[0])
		                : sizeof(bad_ids) / sizeof(bad_ids[0]);
		for (size_t i = 0; i < n; i++) {
			target_of(r, api, k, bad[i], target, sizeof(target));
			hostile_send(h, r, api, target, ctype, body, 0, NULL,
			             "a bad path parameter");
		}
		if (star)
			continue;
		/* another organisation's object, a token signed by someone else */
		param_value(r, p, true, v, sizeof(v));
		if (strcmp(v, "0") != 0) {
			target_of(r, api, k, v, target, sizeof(target));
			hostile_send(h, r, api, target, ctype, body, 0, NULL,
			             "another organisation's object");
		}
	}
}

/* Query strings no route takes: broken text is refused everywhere. */
static void query_cases(struct harness *h, const struct route *r, bool api)
{
	static const char *const bad[] = {"?q=%ff",          "?page=%00", "?x=%c0%af",
	                                  "?next=%ed%a0%80", "?q=%",      "?%zz=1"};
	const char *body = is_write(r) ? (api ? "{}" : "x=1") : NULL;
	const char *ctype = is_write(r) ? (api ? NULL : FORM) : NULL;
	char base[512], target[600];
	target_of(r, api, -1, NULL, base, sizeof(base));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(target, sizeof(target), "%s%s", base, bad[i]);
		hostile_send(h, r, api, target, ctype, body, 0, NULL, "a broken query string");
	}
}

/* Bodies no route takes: not JSON, too deep, the wrong type of content. */
static void body_cases(struct harness *h, const struct route *r, bool api)
{
	static const struct {
		const char *ctype, *body, *what;
	} bad[] = {
	        {NULL, "{\"a\":", "truncated JSON"},
	        {NULL, "{'a':1}", "single quotes"},
	        {NULL, "{\"a\":NaN}", "NaN"},
	        {NULL, "{\"a\":Infinity}", "Infinity"},
	        {NULL, "{\"a\":1e999}", "a number out of range"},
	        {NULL, "{\"a\":99999999999999999999}", "an integer over 2^63"},
	        {NULL, "{\"a\":\"\xff\xfe\"}", "invalid UTF-8 in a string"},
	        {NULL, "{\"\xc0\xaf\":1}", "invalid UTF-8 in a name"},
	        {NULL, "{\"a\":\"\\ud800\"}", "a lone surrogate"},
	        {NULL, "{\"a\":\"x\\u0000y\"}", "a NUL"},
	        {NULL, "{\"a\":1}trailing", "trailing bytes"},
	        {NULL, "{\"a\":1,\"a\":2}", "a duplicate name"},
	        {NULL, "[1,2]", "an array"},
	        {NULL, "\"text\"", "a string"},
	        {NULL, "null", "null"},
	        {"application/xml", "<a/>", "XML"},
	        {"application/x-www-form-urlencoded", "a=%ff", "a form with invalid UTF-8"},
	        {"application/x-www-form-urlencoded", "a=%zz", "a form with a bad escape"},
	        {"multipart/form-data", "--b--\r\n", "multipart without a boundary"},
	        {"application/json; charset=latin1; charset=utf-8", "{}", "two charsets"},
	};
	char target[512];
	target_of(r, api, -1, NULL, target, sizeof(target));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* a raw upload takes most types as the file itself (its own tests) */
		if ((r->flags & R_RAW) && bad[i].ctype)
			continue;
		hostile_send(h, r, api, target, bad[i].ctype, bad[i].body, 0, NULL, bad[i].what);
	}
	/* 10,000 levels of arrays and of objects */
	size_t depth = 10000;
	char *deep = malloc(8 * depth + 16);
	assert_non_null(deep);
	size_t w = 0;
	for (size_t i = 0; i < depth; i++)
		deep[w++] = '[';
	for (size_t i = 0; i < depth; i++)
		deep[w++] = ']';
	deep[w] = '\0';
	hostile_send(h, r, api, target, NULL, deep, w, NULL, "10,000 nested arrays");
	w = 0;
	for (size_t i = 0; i < depth; i++) {
		memcpy(deep + w, "{\"a\":", 5);
		w += 5;
	}
	deep[w++] = '1';
	memset(deep + w, '}', depth);
	w += depth;
	deep[w] = '\0';
	hostile_send(h, r, api, target, NULL, deep, w, NULL, "10,000 nested objects");
	free(deep);
}

static void route_cases(struct harness *h, const struct route *r, bool api)
{
	if (strchr(r->pattern, '{'))
		path_cases(h, r, api);
	query_cases(h, r, api);
	if (!is_write(r))
		return;
	body_cases(h, r, api);
	char target[512];
	target_of(r, api, -1, NULL, target, sizeof(target));
	field_cases(h, doc, r, api, target);
}

/* ---- the tests ---- */

static bool api_visible(const struct route *r)
{
	return !(r->flags & (R_PAGE | R_ROOT));
}

static void test_setup(void **state)
{
	struct harness *h = *state;
	doc = openapi_load();
	h_login(h, AS_EMPLOYEE, &employee);
	h_login(h, AS_MANAGER, &manager);
	/* an anonymous visitor's cookie and its CSRF token (public forms) */
	struct result r;
	h_call(h, AS_ANON, "GET", "/login", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	char cookie[300];
	assert_true(result_cookie(&r, "brug_anon", cookie, sizeof(cookie)));
	snprintf(anon.cookie, sizeof(anon.cookie), "%.*s", (int)strcspn(cookie, ";"), cookie);
	const char *v = strstr(r.body, "name=\"_csrf\" value=\"");
	assert_non_null(v);
	snprintf(anon.csrf, sizeof(anon.csrf), "%.*s", (int)strcspn(v + 20, "\""), v + 20);
	result_free(&r);
	make_fixtures(h);
	snap_init(h);
	/* the snapshot sees a change, and only one */
	assert_null(snap_changed(h));
	assert_int_equal(db_exec(h->db, "UPDATE teams SET description = 'x' WHERE id = ?",
	                         DB_ARGS(DB_I(fixture("/teams/")->mine))),
	                 0);
	assert_string_equal(snap_changed(h), "teams");
	assert_null(snap_changed(h));
}

static void test_every_route(void **state)
{
	struct harness *h = *state;
	size_t variants = 0;
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		if (api_visible(r)) {
			route_cases(h, r, true);
			variants++;
		}
		if (!(r->flags & R_API)) {
			route_cases(h, r, false);
			variants++;
		}
	}
	print_message("hostile: %zu bad requests to %zu routes (%zu route variants)\n", sent,
	              routes_count, variants);
	assert_true(sent > 1000);
}

/* A redirect target a caller chose stays on this site and in its header:
 * the sign-in form's next (when signed in), the language switch's next
 * (anonymous), the sign-in itself. Either the request is refused (4xx)
 * or its Location is a local path without controls. */
static const char *const bad_next[] = {
        "https%3A%2F%2Fevil.example%2F",
        "%2F%2Fevil.example",
        "%2F%5Cevil.example",
        "%5C%5Cevil.example",
        "javascript%3Aalert(1)",
        "%2F%0D%0ASet-Cookie%3A%20a%3Db",
        "%2F%0ALocation%3A%20https%3A%2F%2Fevil.example",
        "%2F%09%2Fevil.example",
        "%20%2F%2Fevil.example",
        "%2F%2F%2Fevil.example",
        "%2F%E2%80%AE%2F",
        "%2F%FF",
        "https%3A%2Fevil.example",
        "%2F%00evil",
};

static void check_location(const struct result *res, const char *what, const char *next)
{
	if (res->status >= 400 && res->status < 500)
		return;
	const char *loc = res->location;
	if (res->status != 303 || !loc || loc[0] != '/' || loc[1] == '/' || loc[1] == '\\' ||
	    strpbrk(loc, "\r\n\t") || strstr(loc, "evil"))
		fail_msg("%s next=%s: got %d Location %s", what, next, res->status,
		         loc ? loc : "(none)");
	char hdr[512];
	for (size_t i = 0; result_header(res, "Set-Cookie", i, hdr, sizeof(hdr)); i++)
		if (!strncmp(hdr, "a=", 2))
			fail_msg("%s next=%s: a Set-Cookie was injected", what, next);
}

static void test_redirects(void **state)
{
	struct harness *h = *state;
	struct session s;
	h_login(h, AS_EMPLOYEE, &s);
	snap_reset(h);
	for (size_t i = 0; i < sizeof(bad_next) / sizeof(bad_next[0]); i++) {
		char target[300], body[300];
		struct result res;
		snprintf(target, sizeof(target), "/login?next=%s", bad_next[i]);
		struct h_req get = {.method = "GET", .target = target, .session = &s};
		h_send(h, &get, &res);
		check_location(&res, "GET /login (signed in)", bad_next[i]);
		result_free(&res);
		snap_check(h, "GET", target, "a hostile next");

		snprintf(body, sizeof(body), "lang=en&next=%s", bad_next[i]);
		struct h_req lang = {.method = "POST",
		                     .target = "/lang",
		                     .ctype = FORM,
		                     .body = body,
		                     .session = &anon};
		h_send(h, &lang, &res);
		check_location(&res, "POST /lang", bad_next[i]);
		result_free(&res);
		snap_check(h, "POST", "/lang", "a hostile next");

		snprintf(body, sizeof(body),
		         "email=employee%%40one.example&password=password-123"
		         "&next=%s",
		         bad_next[i]);
		struct h_req login = {.method = "POST",
		                      .target = "/login",
		                      .ctype = FORM,
		                      .body = body,
		                      .session = &anon};
		h_send(h, &login, &res);
		check_location(&res, "POST /login", bad_next[i]);
		result_free(&res);
		snap_reset(h); /* a sign-in makes a session */
	}
}

/* Text that would end a mail header is refused where it is entered. */
static void test_header_injection_refused(void **state)
{
	struct harness *h = *state;
	char rel[80], survey[80];
	snprintf(rel, sizeof(rel), "/api/v1/relations/%lld",
	         (long long)fixture("/relations/")->mine);
	snprintf(survey, sizeof(survey), "/api/v1/surveys/%lld",
	         (long long)fixture("/surveys/")->mine);
	const struct {
		enum as who;
		const char *method, *target, *body, *field;
	} cases[] = {
	        {AS_ADMIN, "PATCH", "/api/v1/me", "{\"name\":\"Eve\\r\\nBcc: x@evil.example\"}",
	         "name"},
	        {AS_ADMIN, "PATCH", "/api/v1/me", "{\"name\":\"Eve\\nBcc: x@evil.example\"}",
	         "name"},
	        {AS_ADMIN, "PATCH", "/api/v1/me", "{\"name\":\"Eve\\rBcc: x@evil.example\"}",
	         "name"},
	        {AS_ADMIN, "POST", "/api/v1/users",
	         "{\"email\":\"new@one.example\\r\\nBcc: x@evil.example\",\"name\":\"N\","
	         "\"role\":\"employee\",\"password\":\"password-123\"}",
	         "email"},
	        {AS_ADMIN, "POST", "/api/v1/users",
	         "{\"email\":\"new@one.example\",\"name\":\"N\\r\\nBcc: x@evil.example\","
	         "\"role\":\"employee\",\"password\":\"password-123\"}",
	         "name"},
	        {AS_EMPLOYEE, "PATCH", rel, "{\"name\":\"Klant\\r\\nBcc: x@evil.example\"}",
	         "name"},
	        {AS_EMPLOYEE, "PATCH", rel,
	         "{\"emails\":[{\"value\":\"k@klant.example\\r\\nBcc: x@evil.example\"}]}",
	         "emails"},
	        {AS_EMPLOYEE, "PATCH", rel,
	         "{\"emails\":[{\"value\":\"k@klant.example>, x@evil.example\"}]}", "emails"},
	        {AS_MANAGER, "PATCH", survey,
	         "{\"name\":\"Hoe was het?\\r\\nBcc: x@evil.example\"}", "name"},
	        {AS_ADMIN, "PATCH", "/api/v1/settings",
	         "{\"name\":\"Org\\r\\nBcc: x@evil.example\"}", "name"},
	};
	snap_reset(h);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct result r;
		h_call(h, cases[i].who, cases[i].method, cases[i].target, NULL, cases[i].body, NULL,
		       &r);
		if (r.status < 400 || r.status > 499 ||
		    !json_object_get(jpath(r.json, "fields"), cases[i].field))
			fail_msg("%s %s %s: want a 4xx naming %s; got %d %.300s", cases[i].method,
			         cases[i].target, cases[i].body, cases[i].field, r.status, r.body);
		result_free(&r);
		snap_check(h, cases[i].method, cases[i].target, "CR/LF towards a mail header");
	}
}

/* The header section of stored mail id, unfolded: one line per header. */
static char *mail_headers(struct harness *h, int64_t id)
{
	char *msg = NULL;
	assert_int_equal(db_text_query(h->db, &msg, "SELECT message FROM mail_outbox WHERE id = ?",
	                               DB_ARGS(DB_I(id))),
	                 0);
	char *end = strstr(msg, "\r\n\r\n");
	assert_non_null(end);
	end[2] = '\0';
	char *w = msg;
	for (char *p = msg; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t'))
			p += 1; /* a folded line goes on */
		else
			*w++ = *p;
	}
	*w = '\0';
	return msg;
}

/* Addresses (an '@' outside quoted strings and encoded-words) in one
 * header's value. */
static int addresses(const char *v)
{
	int n = 0;
	for (const char *p = v; *p && *p != '\r'; p++) {
		if (*p == '"') {
			for (p++; *p && *p != '"' && *p != '\r'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (*p != '"')
				return -1; /* an unterminated quoted string */
			continue;
		}
		if (p[0] == '=' && p[1] == '?') {
			const char *e = strstr(p + 2, "?=");
			if (e)
				p = e + 1;
			continue;
		}
		n += *p == '@';
	}
	return n;
}

/* A name that is legal text but full of what an address header means
 * (quotes, angle brackets, commas, an encoded-word): the test mail to its
 * owner still goes to that one address, and nowhere else. */
static void test_mail_to_nasty_name(void **state)
{
	struct harness *h = *state;
	static const char *const names[] = {
	        "Eve \\\"Boss\\\" <boss@evil.example>, bcc@evil.example",
	        "=?utf-8?q?x?= <x@evil.example>",
	        "Eve; Bcc: x@evil.example",
	        "\\\\\\\"\\\"<>,;:@evil.example",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char body[256];
		struct result r;
		snprintf(body, sizeof(body), "{\"name\":\"%s\"}", names[i]);
		h_call(h, AS_ADMIN, "PATCH", "/api/v1/me", NULL, body, NULL, &r);
		check_status(&r, 200);
		result_free(&r);
		h_call(h, AS_ADMIN, "POST", "/api/v1/outbox/test", NULL, NULL, NULL, &r);
		if (r.status != 201)
			fail_msg("the test mail to a user called %s: %d %s", names[i], r.status,
			         r.body);
		char *hdr = mail_headers(h, json_int_at(&r, "id"));
		result_free(&r);
		const char *to = strstr(hdr, "\r\nTo: ");
		if (!to || strstr(to + 2, "\r\nTo: ") || strstr(hdr, "\r\nBcc:") ||
		    strstr(hdr, "\r\nCc:") || addresses(to + 6) != 1 ||
		    !strstr(to, "admin@one.example"))
			fail_msg("a user called %s: the mail's header is\n%s", names[i], hdr);
		free(hdr);
	}
	snap_reset(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_setup),
	        cmocka_unit_test(test_every_route),
	        cmocka_unit_test(test_redirects),
	        cmocka_unit_test(test_header_injection_refused),
	        cmocka_unit_test(test_mail_to_nasty_name),
	};
	int rc = cmocka_run_group_tests(tests, harness_setup, harness_teardown);
	json_decref(doc);
	return rc;
}

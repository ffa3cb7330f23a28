/* SPDX-License-Identifier: Apache-2.0 */
/* The API test harness; see harness.h. */
#include "harness.h"

#include "testdb.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>

#include "api/routes.h"
#include "core/secure.h"
#include "db/migrate.h"
#include "domain/org.h"
#include "domain/session.h"
#include "domain/token.h"
#include "domain/user.h"
#include "util/jx.h"

static const char *const emails[AS_COUNT] = {
	"", "employee@one.example", "manager@one.example", "admin@one.example",
	"admin@two.example", "admin@one.example"};
static const enum role roles[AS_COUNT] = {ROLE_NONE, ROLE_EMPLOYEE, ROLE_MANAGER, ROLE_ADMIN,
					  ROLE_ADMIN, ROLE_ADMIN};

static void make_user(struct harness *h, enum as who)
{
	int64_t org = who == AS_OTHER ? h->org2 : h->org;
	struct actor a = {.org_id = org, .label = "test"};
	if (who == AS_SESSION) {
		h->user[who] = h->user[AS_ADMIN];
	} else {
		struct user_new u = {.email = emails[who], .name = emails[who], .role = roles[who],
				     .password = "password-123"};
		assert_int_equal(user_create(h->db, &a, &u, &h->user[who], NULL), 0);
	}
	int64_t id;
	assert_int_equal(token_create(h->db, &a, h->user[who], "test", 0, h->token[who], &id, NULL), 0);
}

/* Copies the value of the first `name="_csrf" value="..."` in a page. */
static void page_csrf(const char *body, char *out, size_t n)
{
	const char *v = strstr(body, "name=\"_csrf\" value=\"");
	assert_non_null(v);
	snprintf(out, n, "%.*s", (int)strcspn(v + 20, "\""), v + 20);
}

void h_login(struct harness *h, enum as who, struct session *s)
{
	struct result r;
	char cookie[300];
	h_call(h, AS_ANON, "GET", "/login", NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(result_cookie(&r, "brug_anon", cookie, sizeof(cookie)));
	char anon[128];
	snprintf(anon, sizeof(anon), "%.*s", (int)strcspn(cookie, ";"), cookie);
	char csrf[64];
	page_csrf(r.body, csrf, sizeof(csrf));
	result_free(&r);

	char body[512], hdr[300];
	const char *email = emails[who];
	const char *at = strchr(email, '@');
	snprintf(body, sizeof(body), "_csrf=%s&email=%.*s%%40%s&password=password-123", csrf,
		 (int)(at - email), email, at + 1);
	snprintf(hdr, sizeof(hdr), "cookie: %s\n", anon);
	h_call(h, AS_ANON, "POST", "/login", "application/x-www-form-urlencoded", body, hdr, &r);
	assert_int_equal(r.status, 303);
	assert_true(result_cookie(&r, "brug_session", cookie, sizeof(cookie)));
	snprintf(s->cookie, sizeof(s->cookie), "%.*s", (int)strcspn(cookie, ";"), cookie);
	result_free(&r);

	struct h_req rq = {.method = "GET", .target = "/me", .session = s, .no_csrf = true};
	h_send(h, &rq, &r);
	assert_int_equal(r.status, 200);
	page_csrf(r.body, s->csrf, sizeof(s->csrf));
	result_free(&r);
}

/* Signs in through the login form, as a browser would, to get a session
 * cookie and the CSRF token of its pages. */
static void browser_login(struct harness *h)
{
	struct session s;
	h_login(h, AS_SESSION, &s);
	snprintf(h->cookie, sizeof(h->cookie), "%s", s.cookie);
	snprintf(h->csrf, sizeof(h->csrf), "%s", s.csrf);
}

int harness_setup(void **state)
{
	struct harness *h = calloc(1, sizeof(*h));
	jx_init();
	secure_setup("test");
	snprintf(h->url, sizeof(h->url), "%s", testdb_new());
	assert_int_equal(config_init(&h->cfg, NULL, NULL), 0);
	config_set(&h->cfg, CFG_DB, h->url, CFG_SRC_FLAG, NULL);
	config_set(&h->cfg, CFG_ACCESS_LOG, "false", CFG_SRC_FLAG, NULL);
	config_set(&h->cfg, CFG_PASSWORD_COST, "test", CFG_SRC_FLAG, NULL);
	h->pool = db_pool_new(h->url);
	struct brug_err err = {0};
	assert_int_equal(db_pool_get(h->pool, &h->db, &err), 0);
	assert_int_equal(migrate_up(h->db, NULL, &err), 0);
	assert_int_equal(org_create(h->db, "One", "nl", &h->org), 0);
	assert_int_equal(org_create(h->db, "Two", "en", &h->org2), 0);
	for (int w = AS_EMPLOYEE; w < AS_COUNT; w++)
		make_user(h, (enum as)w);
	assert_int_equal(app_new(&h->cfg, h->pool, routes, routes_count, &h->app, &err), 0);
	browser_login(h);
	*state = h;
	return 0;
}

int harness_teardown(void **state)
{
	struct harness *h = *state;
	app_free(h->app);
	db_pool_free(h->pool);
	config_cleanup(&h->cfg);
	free(h);
	return 0;
}

static void add_headers(struct req *req, const char *list)
{
	while (list && *list) {
		const char *nl = strchr(list, '\n');
		size_t len = nl ? (size_t)(nl - list) : strlen(list);
		const char *colon = memchr(list, ':', len);
		if (colon) {
			char *name = arena_strndup(&req->arena, list, (size_t)(colon - list));
			const char *v = colon + 1;
			while (*v == ' ')
				v++;
			kvs_add(&req->headers, &req->arena, name, v, (size_t)(list + len - v));
		}
		list += len + (nl ? 1 : 0);
	}
}

void h_send(struct harness *h, const struct h_req *rq, struct result *out)
{
	struct req req;
	struct resp resp;
	req_init(&req, h->app);
	resp_init(&resp);
	req.method = rq->method;
	req.target = rq->target;
	req.peer_ip = rq->peer_ip ? rq->peer_ip : "192.0.2.10";
	req.body_too_big = rq->body_too_big;
	if (rq->body) {
		const char *ct = rq->ctype ? rq->ctype : "application/json";
		req.body = rq->body;
		req.body_len = rq->body_len ? rq->body_len : strlen(rq->body);
		if (*ct)
			kvs_add(&req.headers, &req.arena, "content-type", ct, strlen(ct));
	}
	const char *cookie = NULL, *csrf = NULL;
	if (rq->session) {
		cookie = rq->session->cookie;
		csrf = rq->session->csrf;
	} else if (rq->who == AS_SESSION) {
		cookie = h->cookie;
		csrf = h->csrf;
	} else if (rq->who != AS_ANON) {
		char *auth = arena_printf(&req.arena, "Bearer %s", h->token[rq->who]);
		kvs_add(&req.headers, &req.arena, "authorization", auth, strlen(auth));
	}
	if (cookie)
		kvs_add(&req.headers, &req.arena, "cookie", cookie, strlen(cookie));
	if (csrf && !rq->no_csrf)
		kvs_add(&req.headers, &req.arena, "x-csrf-token", csrf, strlen(csrf));
	add_headers(&req, rq->headers);
	app_handle(h->app, &req, &resp);

	memset(out, 0, sizeof(*out));
	out->status = resp.status;
	/* bytes as sent (a download may hold NULs), NUL-terminated for text checks */
	const char *bytes = resp.raw ? (const char *)resp.raw : buf_str(&resp.body);
	out->body_len = resp.raw ? resp.raw_len : resp.body.len;
	out->body = malloc(out->body_len + 1);
	memcpy(out->body, bytes, out->body_len);
	out->body[out->body_len] = '\0';
	out->content_type = strdup(resp.content_type ? resp.content_type : "");
	struct buf hb;
	buf_init(&hb, 0);
	for (size_t i = 0; i < resp.headers.n; i++) {
		buf_printf(&hb, "%s: %s\n", resp.headers.v[i].name, resp.headers.v[i].value);
		if (!strcmp(resp.headers.v[i].name, "Location"))
			out->location = strdup(resp.headers.v[i].value);
	}
	out->headers = buf_take(&hb, NULL);
	if (strstr(out->content_type, "application/json"))
		out->json = json_loads(out->body, 0, NULL);
	app_finish(h->app, &req, &resp);
	resp_cleanup(&resp);
	req_cleanup(&req);
}

void h_call(struct harness *h, enum as who, const char *method, const char *target,
	    const char *ctype, const char *body, const char *extra_headers, struct result *out)
{
	struct h_req rq = {.who = who, .method = method, .target = target, .ctype = ctype,
			   .body = body, .headers = extra_headers};
	h_send(h, &rq, out);
}

void h_form(struct harness *h, enum as who, const struct session *s, const char *target,
	    const char *form, struct result *out)
{
	const char *csrf = s ? s->csrf : who == AS_SESSION ? h->csrf : NULL;
	size_t n = strlen(form) + 128;
	char *body = malloc(n);
	assert_non_null(body);
	if (csrf)
		snprintf(body, n, "_csrf=%s%s%s", csrf, *form ? "&" : "", form);
	else
		snprintf(body, n, "%s", form);
	struct h_req rq = {.who = who, .method = "POST", .target = target,
			   .ctype = "application/x-www-form-urlencoded", .body = body,
			   .session = s, .no_csrf = true};
	if (!*body)
		rq.body = NULL;
	h_send(h, &rq, out);
	free(body);
}

bool result_header(const struct result *r, const char *name, size_t nth, char *out, size_t n)
{
	size_t len = strlen(name);
	for (const char *line = r->headers; line && *line;) {
		size_t ll = strcspn(line, "\n");
		if (ll > len + 1 && strncasecmp(line, name, len) == 0 && line[len] == ':' &&
		    nth-- == 0) {
			const char *v = line + len + 1;
			while (*v == ' ')
				v++;
			snprintf(out, n, "%.*s", (int)(line + ll - v), v);
			return true;
		}
		line += ll + (line[ll] == '\n');
	}
	return false;
}

bool result_cookie(const struct result *r, const char *name, char *out, size_t n)
{
	char v[1024];
	size_t len = strlen(name);
	for (size_t i = 0; result_header(r, "Set-Cookie", i, v, sizeof(v)); i++)
		if (strncmp(v, name, len) == 0 && v[len] == '=') {
			snprintf(out, n, "%s", v);
			return true;
		}
	return false;
}

void result_free(struct result *r)
{
	json_decref(r->json);
	free(r->body);
	free(r->content_type);
	free(r->location);
	free(r->headers);
	memset(r, 0, sizeof(*r));
}

json_t *jpath(json_t *doc, const char *path)
{
	json_t *node = doc;
	char part[128];
	while (node && *path) {
		size_t n = strcspn(path, ".");
		snprintf(part, sizeof(part), "%.*s", (int)n, path);
		if (json_is_array(node)) {
			char *end;
			long i = strtol(part, &end, 10);
			node = *end ? NULL : json_array_get(node, (size_t)i);
		} else {
			node = json_object_get(node, part);
		}
		path += n + (path[n] == '.');
	}
	return node;
}

static bool value_is(json_t *v, const char *want)
{
	char buf[64];
	if (json_is_string(v))
		return strcmp(json_string_value(v), want) == 0;
	if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
		return strcmp(buf, want) == 0;
	}
	if (json_is_boolean(v))
		return strcmp(json_is_true(v) ? "true" : "false", want) == 0;
	if (json_is_null(v))
		return strcmp("null", want) == 0;
	if (json_is_real(v)) {
		snprintf(buf, sizeof(buf), "%.15g", json_real_value(v));
		return strcmp(buf, want) == 0;
	}
	return false;
}

void run_cases(struct harness *h, const struct api_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct api_case *c = &cases[i];
		struct result r;
		h_call(h, c->who, c->method, c->target, NULL, c->body, NULL, &r);
		bool ok = r.status == c->status;
		json_t *v = c->path ? jpath(r.json, c->path) : NULL;
		if (ok && c->path)
			ok = v && (!c->expect || value_is(v, c->expect));
		if (!ok) {
			char *got = v ? jx_dumps(v) : NULL;
			fail_msg("case %zu: %s %s as %d: want %d%s%s%s%s, got %d (%s) body: %.300s", i,
				 c->method, c->target, c->who, c->status, c->path ? " with " : "",
				 c->path ? c->path : "", c->expect ? " = " : "", c->expect ? c->expect : "",
				 r.status, got ? got : "-", r.body);
		}
		result_free(&r);
	}
}

void run_http_cases(struct harness *h, const struct http_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct http_case *c = &cases[i];
		struct result r;
		struct h_req rq = {.who = c->who, .method = c->method, .target = c->target,
				   .ctype = c->ctype, .body = c->body, .headers = c->headers};
		h_send(h, &rq, &r);
		bool ok = r.status == c->status;
		json_t *v = c->path ? jpath(r.json, c->path) : NULL;
		if (ok && c->path)
			ok = v && (!c->expect || value_is(v, c->expect));
		if (ok && c->contains)
			ok = strstr(r.body, c->contains) != NULL;
		if (!ok) {
			char *got = v ? jx_dumps(v) : NULL;
			fail_msg("case %zu: %s %s as %d: want %d%s%s%s%s%s%s, got %d (%s) body: %.400s",
				 i, c->method, c->target, c->who, c->status, c->path ? " with " : "",
				 c->path ? c->path : "", c->expect ? " = " : "",
				 c->expect ? c->expect : "", c->contains ? " containing " : "",
				 c->contains ? c->contains : "", r.status, got ? got : "-", r.body);
		}
		result_free(&r);
	}
}

void check_status(const struct result *r, int status)
{
	if (r->status != status)
		fail_msg("want status %d, got %d; headers:\n%sbody: %.400s", status, r->status,
			 r->headers, r->body);
}

void check_json(const struct result *r, const char *path, const char *expect)
{
	json_t *v = jpath(r->json, path);
	if (!v || (expect && !value_is(v, expect))) {
		char *got = v ? jx_dumps(v) : NULL;
		fail_msg("want %s = %s, got %s; body: %.400s", path, expect ? expect : "(present)",
			 got ? got : "(absent)", r->body);
	}
}

void check_body(const struct result *r, const char *needle)
{
	if (!strstr(r->body, needle))
		fail_msg("body lacks \"%s\" (status %d): %.3000s", needle, r->status,
			 strstr(r->body, "<main") ? strstr(r->body, "<main") : r->body);
}

void check_no_body(const struct result *r, const char *needle)
{
	const char *at = strstr(r->body, needle);
	if (at)
		fail_msg("body holds \"%s\" (status %d) at: %.200s", needle, r->status, at);
}

void check_header(const struct result *r, const char *name, const char *expect)
{
	char v[2048];
	bool has = result_header(r, name, 0, v, sizeof(v));
	if (!expect && has)
		fail_msg("want no %s header, got \"%s\"", name, v);
	if (expect && (!has || strcmp(v, expect) != 0))
		fail_msg("want %s: %s, got %s; headers:\n%s", name, expect, has ? v : "(absent)",
			 r->headers);
}

int64_t json_int_at(const struct result *r, const char *path)
{
	json_t *v = jpath(r->json, path);
	if (!json_is_integer(v))
		fail_msg("no integer at %s; body: %.400s", path, r->body);
	return (int64_t)json_integer_value(v);
}

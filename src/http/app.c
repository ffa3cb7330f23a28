/* SPDX-License-Identifier: Apache-2.0 */
/* The request pipeline: request-target -> route -> identity, language,
 * access -> body -> CSRF -> handler -> rendered response. Each step may end
 * the request with a result code; render_response turns that code into the
 * one error format (JSON or page). Also builds and tears down the app. */
#include "http/app_impl.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "domain/setting.h"
#include "domain/user.h"
#include "http/metrics.h"
#include "util/clock.h"
#include "util/embedded.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

static char *load_dir(void *ud, const char *name, size_t *len)
{
	const struct app *app = ud;
	char path[1024];
	if (strstr(name, "..") || strchr(name, '/'))
		return NULL;
	snprintf(path, sizeof(path), "%s/templates/%s.mustache", cfg_str(app->cfg, CFG_WEB_DIR), name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b;
	buf_init(&b, 4 << 20);
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_take(&b, len);
}

int app_new(const struct config *cfg, struct db_pool *pool, const struct route *routes,
	    size_t nroutes, struct app **out, struct brug_err *err)
{
	struct app *app = xcalloc(1, sizeof(*app));
	app->cfg = cfg;
	app->pool = pool;
	app->routes = routes;
	app->nroutes = nroutes;
	app->dev = cfg_bool(cfg, CFG_DEV);
	app->access_log = cfg_bool(cfg, CFG_ACCESS_LOG);
	app->max_body = (size_t)cfg_int(cfg, CFG_MAX_BODY);
	app->session_ttl_ms = cfg_int(cfg, CFG_SESSION_DAYS) * 86400000;
	app->secure_cookies = strncmp(cfg_str(cfg, CFG_BASE_URL), "https://", 8) == 0;
	app->metrics = metrics_new(nroutes);
	atomic_init(&app->draining, false);
	struct db *db = NULL;
	int rc = db_pool_get(pool, &db, err);
	if (!rc && (rc = setting_secret(db, app->secret)))
		brug_failf(err, rc, "error.database", NULL, "cannot read the installation secret");
	if (!rc && !app->dev) {
		rc = i18n_load(NULL, &app->i18n, err);
		app->views = mustache_set_embedded();
	}
	if (rc) {
		app_free(app);
		return rc;
	}
	user_init();
	*out = app;
	return 0;
}

void app_free(struct app *app)
{
	if (!app)
		return;
	mustache_set_free(app->views);
	i18n_free(app->i18n);
	metrics_free(app->metrics);
	free(app);
}

const struct config *app_config(const struct app *app) { return app->cfg; }
struct db_pool *app_pool(const struct app *app) { return app->pool; }
struct metrics *app_metrics(const struct app *app) { return app->metrics; }
bool app_secure_cookies(const struct app *app) { return app->secure_cookies; }
const unsigned char *app_secret(const struct app *app) { return app->secret; }
void app_set_draining(struct app *app) { atomic_store(&app->draining, true); }
bool app_draining(const struct app *app) { return atomic_load(&app->draining); }

const struct route *app_routes(const struct app *app, size_t *n)
{
	*n = app->nroutes;
	return app->routes;
}

struct mustache_set *app_views(struct app *app)
{
	return app->dev ? mustache_set_new(load_dir, app) : app->views;
}

void app_views_release(struct app *app, struct mustache_set *set)
{
	if (app->dev)
		mustache_set_free(set);
}

const struct i18n *app_catalogs(struct app *app, struct req *req)
{
	if (!app->dev)
		return app->i18n;
	if (!req->i18n_owned) {
		char dir[1024];
		snprintf(dir, sizeof(dir), "%s/locale", cfg_str(app->cfg, CFG_WEB_DIR));
		struct brug_err err = {0};
		if (i18n_load(dir, &req->i18n_owned, &err)) {
			log_error("msg=\"cannot load catalogs\" detail=\"%s\"", err.detail);
			i18n_load(NULL, &req->i18n_owned, NULL);
		}
	}
	return req->i18n_owned;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes the path of the request-target into req->path and parses its
 * query. Dot segments are refused rather than resolved: no route has one. */
/* The path part of an absolute-form target (RFC 9112 3.2.2), which a server
 * must accept: "http://host/users?x" -> "/users?x". */
static const char *origin_form(const char *t)
{
	const char *rest = !strncasecmp(t, "http://", 7) ? t + 7 : !strncasecmp(t, "https://", 8) ? t + 8 : NULL;
	if (!rest)
		return t;
	const char *slash = rest + strcspn(rest, "/?#");
	return *slash == '/' ? slash : "/";
}

static int parse_target(struct req *req)
{
	const char *t = origin_form(req->target ? req->target : "");
	size_t plen = strcspn(t, "?#");
	if (plen == 0 || t[0] != '/')
		return brug_failf(&req->err, BRUG_EINVAL, "error.bad_request", NULL,
				  "the request-target must be a path");
	char *p = arena_alloc(&req->arena, plen + 1), *w = p;
	for (size_t i = 0; i < plen; i++) {
		int hi, lo;
		if (t[i] == '%' && i + 2 < plen && (hi = hexval(t[i + 1])) >= 0 &&
		    (lo = hexval(t[i + 2])) >= 0) {
			*w++ = (char)(hi * 16 + lo);
			i += 2;
		} else if (t[i] == '%') {
			return brug_failf(&req->err, BRUG_EINVAL, "error.bad_request", NULL,
					  "invalid percent-escape in the path");
		} else {
			*w++ = t[i];
		}
	}
	*w = '\0';
	size_t n = (size_t)(w - p);
	/* no route has a control character; CR, LF and TAB would reach the
	 * access log and the login link's next= as they are */
	if (!utf8_valid(p, n) || utf8_has_controls(p, n) || strpbrk(p, "\r\n\t"))
		return brug_failf(&req->err, BRUG_EINVAL, "error.utf8", NULL,
				  "the path is not valid UTF-8 text");
	if (strstr(p, "/../") || strstr(p, "/./") || (n >= 3 && !strcmp(p + n - 3, "/..")) ||
	    (n >= 2 && !strcmp(p + n - 2, "/.")))
		return brug_failf(&req->err, BRUG_EINVAL, "error.bad_request", NULL,
				  "dot segments in the path");
	req->path = p;
	if (t[plen] == '?') {
		const char *q = t + plen + 1;
		return parse_urlencoded(q, strcspn(q, "#"), &req->arena, &req->query, &req->err);
	}
	return 0;
}

static bool wants_json(const struct req *req)
{
	const char *accept = req_header(req, "accept");
	return accept && strstr(accept, "application/json") && !strstr(accept, "text/html");
}

/* The client's address. Behind a trusted proxy: the last entry of
 * X-Forwarded-For, read across all its header lines as one list (RFC 9110
 * 5.3), which is the address the nearest proxy saw; anything a client put
 * before it is ignored, and a value that is not an address is not taken. */
static const char *client_ip(const struct app *app, const struct req *req)
{
	const char *peer = req->peer_ip ? req->peer_ip : "";
	if (!cfg_bool(app->cfg, CFG_TRUST_PROXY))
		return peer;
	const char *xff = NULL;
	for (size_t i = 0; i < req->headers.n; i++)
		if (!strcmp(req->headers.v[i].name, "x-forwarded-for"))
			xff = req->headers.v[i].value;
	if (!xff || !*xff)
		return peer;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ' || *last == '\t')
		last++;
	char ip[INET6_ADDRSTRLEN];
	unsigned char bin[sizeof(struct in6_addr)];
	size_t n = strcspn(last, " \t");
	if (n < sizeof(ip)) {
		memcpy(ip, last, n);
		ip[n] = '\0';
		if (inet_pton(AF_INET, ip, bin) == 1 || inet_pton(AF_INET6, ip, bin) == 1)
			return arena_strdup((struct arena *)&req->arena, ip);
	}
	return peer;
}

static int check_headers(struct req *req)
{
	for (size_t i = 0; i < req->headers.n; i++) {
		const struct kv *h = &req->headers.v[i];
		if (!utf8_valid(h->value, h->value_len))
			return brug_failf(&req->err, BRUG_EINVAL, "error.utf8", NULL,
					  "header %s is not valid UTF-8", h->name);
		if (utf8_has_controls(h->value, h->value_len) || memchr(h->value, '\n', h->value_len) ||
		    memchr(h->value, '\r', h->value_len))
			return brug_failf(&req->err, BRUG_EINVAL, "error.bad_request", NULL,
					  "header %s holds control characters", h->name);
	}
	return 0;
}

static int route(struct app *app, struct req *req)
{
	const char *path = req->path;
	if (strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0) {
		req->api = true;
		if (strncmp(path, "/api/v1/", 8) != 0)
			return brug_fail(&req->err, BRUG_ENOTFOUND, "error.not_found", NULL);
		req->path = path + 7;
	} else {
		req->api = wants_json(req);
	}
	enum match_result m = router_match(app->routes, app->nroutes, req->method, req->path,
					   strncmp(path, "/api/", 5) == 0, &req->match);
	if (m == MATCH_NO_PATH)
		return brug_fail(&req->err, BRUG_ENOTFOUND, "error.not_found", NULL);
	if (m == MATCH_NO_METHOD)
		return brug_fail(&req->err, BRUG_EMETHOD, "error.method_not_allowed", NULL);
	return 0;
}

/* Before the target is parsed: an API client whose target or headers are
 * refused still gets its error as JSON. route() decides for good. */
static bool api_target(const char *t)
{
	return t && strncmp(t, "/api", 4) == 0 && (t[4] == '/' || t[4] == '?' || t[4] == '\0');
}

static int prepare(struct app *app, struct req *req, struct resp *resp)
{
	req->api = api_target(req->target) || wants_json(req);
	if (req->framing_error)
		return brug_failf(&req->err, BRUG_EINVAL, "error.bad_request", NULL, "%s",
				  req->framing_error);
	int rc = parse_target(req);
	if (!rc)
		rc = check_headers(req);
	const char *cookie = req_header(req, "cookie");
	if (cookie)
		parse_cookies(cookie, strlen(cookie), &req->arena, &req->cookies);
	req->client_ip = client_ip(app, req);
	guard_language(app, req); /* a first guess, for errors before sign-in */
	if (!rc)
		rc = route(app, req);
	if (rc == BRUG_ENOTFOUND || rc == BRUG_EMETHOD) {
		/* a dead link or a wrong method is still answered to whoever is
		 * signed in (their menu, their language); the answer stays */
		struct brug_err kept = req->err;
		if (!db_pool_get(app->pool, &req->db, &req->err) &&
		    guard_authenticate(app, req, resp))
			memset(&req->who, 0, sizeof(req->who));
		req->err = kept;
	}
	if (!rc && (rc = db_pool_get(app->pool, &req->db, &req->err)))
		rc = brug_failf(&req->err, BRUG_EUNAVAIL, "error.unavailable", NULL, "%s",
				req->err.detail);
	/* a read-only request reads one consistent snapshot (and SQLite takes
	 * its locks once, not per statement) */
	if (!rc && (!strcmp(req->method, "GET") || !strcmp(req->method, "HEAD")))
		db_read_begin(req->db);
	if (!rc)
		rc = guard_authenticate(app, req, resp);
	guard_language(app, req);
	if (!rc)
		rc = guard_access(req);
	if (!rc)
		rc = body_parse(app, req);
	if (!rc)
		rc = guard_csrf(app, req, resp);
	return rc;
}

void app_handle(struct app *app, struct req *req, struct resp *resp)
{
	if (!req->start_ns)
		req->start_ns = clock_mono_ns();
	int rc = prepare(app, req, resp);
	if (!rc)
		rc = req->match.route->handler(req, resp);
	if (req->db)
		db_read_end(req->db);
	guard_touch(app, req, resp);
	if (req->db && db_in_tx(req->db)) {
		log_error("msg=\"handler left a transaction open\" route=\"%s\"",
			  req->match.route ? req->match.route->pattern : "");
		while (db_in_tx(req->db))
			db_rollback(req->db);
	}
	render_response(req, resp, rc);
}

size_t app_body_cap(struct app *app, const char *method, const char *target)
{
	size_t plen = strcspn(target, "?#");
	char path[512];
	if (plen >= sizeof(path))
		return app->max_body;
	memcpy(path, target, plen);
	path[plen] = '\0';
	bool api = strncmp(path, "/api/v1/", 8) == 0;
	struct route_match m;
	if (router_match(app->routes, app->nroutes, method, api ? path + 7 : path, api, &m) ==
		    MATCH_OK &&
	    m.route->body_max)
		return m.route->body_max;
	return app->max_body;
}

void app_finish(struct app *app, struct req *req, struct resp *resp)
{
	int64_t ns = clock_mono_ns() - req->start_ns;
	const struct route *r = req->match.route;
	metrics_observe(app->metrics, r ? (int)(r - app->routes) : -1, resp->status, ns);
	if (!app->access_log || (r && (r->flags & R_NOLOG)))
		return;
	/* the path as requested, without the query (which may hold what people
	 * searched for), quotes and backslashes escaped so a path cannot forge
	 * fields of the line (controls were refused before) */
	char target[256];
	size_t n = 0;
	for (const char *t = req->target ? req->target : "-"; *t && *t != '?' && n + 3 < sizeof(target); t++) {
		if (*t == '"' || *t == '\\')
			target[n++] = '\\';
		target[n++] = (unsigned char)*t < 0x20 ? '?' : *t;
	}
	target[n] = '\0';
	log_info("access method=%s path=\"%s\" status=%d bytes=%zu ms=%.2f route=\"%s\" ip=%s user=%lld",
		 req->method ? req->method : "-", target, resp->status,
		 resp->raw ? resp->raw_len : resp->sent_len, (double)ns / 1e6,
		 r ? r->pattern : "-", req->client_ip ? req->client_ip : "-",
		 (long long)req->who.user_id);
}

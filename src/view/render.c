/* SPDX-License-Identifier: Apache-2.0 */
/* Response rendering; see render.h. Also sets the headers every response
 * carries: security headers, caching, content type. */
#include "view/render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/app_impl.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/tz.h"
#include "util/log.h"
#include "util/url.h"

#define CSP "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " \
	    "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; " \
	    "frame-ancestors 'none'"

static const char *const lang_names[] = {"Nederlands", "English"};

static const char *text(struct req *req, const char *key)
{
	return i18n_text(app_catalogs(req->app, req), req->lang, key);
}

static json_t *me_json(const struct req *req)
{
	const struct principal *p = &req->who;
	json_t *me = json_object();
	jx_set_int(me, "id", p->user_id);
	jx_set_str(me, "name", p->name);
	jx_set_str(me, "email", p->email);
	jx_set_str(me, "role", role_name(p->role));
	jx_set_bool(me, "is_admin", p->role >= ROLE_ADMIN);
	jx_set_bool(me, "is_manager", p->role >= ROLE_MANAGER);
	return me;
}

static json_t *page_context(struct req *req, struct resp *resp)
{
	json_t *g = json_object();
	json_object_set(g, "t", i18n_catalog(app_catalogs(req->app, req), req->lang));
	jx_set_str(g, "lang", req->lang);
	/* under a name no page's data uses: a user's or an organisation's own
	 * "lang" would otherwise stand in for the page's */
	jx_set_str(g, "page_lang", req->lang);
	json_t *langs = json_array();
	for (size_t i = 0; i < i18n_nlangs; i++) {
		json_t *l = json_object();
		jx_set_str(l, "code", i18n_langs[i]);
		jx_set_str(l, "name", lang_names[i]);
		jx_set_bool(l, "current", strcmp(i18n_langs[i], req->lang) == 0);
		json_array_append_new(langs, l);
	}
	json_object_set_new(g, "langs", langs);
	jx_set_str(g, "csrf", guard_csrf_token(req->app, req, resp));
	jx_set_str(g, "path", req->path ? req->path : "/");
	/* where the language switch returns to: this page with its query, for
	 * a GET; after a form post, the page it came from is not known */
	const char *t = req->target;
	bool get = req->method && !strcmp(req->method, "GET");
	jx_set_str(g, "here", get && t && t[0] == '/' && t[1] != '/' ? t : (req->path ? req->path : "/"));
	jx_set_str(g, "version", BRUG_VERSION);
	if (req->who.user_id) {
		json_object_set_new(g, "me", me_json(req));
		json_object_set_new(g, "org", json_pack("{s:s}", "name", req->who.org_name));
	}
	/* the first path segment marks the current section in the menu */
	char section[32] = "home";
	if (req->path && req->path[1])
		snprintf(section, sizeof(section), "%.*s", (int)strcspn(req->path + 1, "/"),
			 req->path + 1);
	json_object_set_new(g, "nav", json_pack("{s:b}", section, 1));
	const char *flash = req_cookie(req, COOKIE_FLASH);
	if (flash && i18n_has(app_catalogs(req->app, req), req->lang, flash)) {
		jx_set_str(g, "flash", text(req, flash));
		resp_cookie(resp, req, COOKIE_FLASH, "", 0);
	}
	return g;
}

int render_view(struct req *req, struct resp *resp, const char *view, json_t *data,
		struct buf *out)
{
	json_t *ctx[2] = {page_context(req, resp), data ? data : resp_data(resp)};
	struct mustache_set *set = app_views(req->app);
	struct brug_err err = {0};
	int rc = mustache_render(set, view, ctx, 2, out, &err);
	app_views_release(req->app, set);
	json_decref(ctx[0]);
	if (rc)
		log_error("msg=\"cannot render\" view=%s detail=\"%s\"", view, err.detail);
	return rc;
}

static void security_headers(struct req *req, struct resp *resp)
{
	resp_header_static(resp, req, "Content-Security-Policy", CSP);
	resp_header_static(resp, req, "X-Content-Type-Options", "nosniff");
	resp_header_static(resp, req, "Referrer-Policy", "same-origin");
	resp_header_static(resp, req, "X-Frame-Options", "DENY");
	resp_header_static(resp, req, "Cross-Origin-Opener-Policy", "same-origin");
	if (app_secure_cookies(req->app))
		resp_header_static(resp, req, "Strict-Transport-Security", "max-age=31536000");
	if (!resp->cacheable) {
		resp_header_static(resp, req, "Cache-Control", "no-store");
		resp_header_static(resp, req, "Vary", "Accept, Accept-Language, Cookie");
	}
}

static void send_json(struct req *req, struct resp *resp, json_t *v)
{
	/* "values" (what a form shows) and "pager" (page links) are for pages */
	if (json_is_object(v)) {
		json_object_del(v, "values");
		json_object_del(v, "pager");
	}
	buf_reset(&resp->body);
	jx_write(&resp->body, v);
	resp->content_type = "application/json; charset=utf-8";
	(void)req;
}

/* The fields object with each message key replaced by its message. */
static json_t *translated_fields(struct req *req, json_t *fields)
{
	json_t *out = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(fields, k, v) jx_set_str(out, k, text(req, json_string_value(v)));
	return out;
}

/* Marks the chosen option of every form value for templates, which cannot
 * compare: values {"role": "admin"} gains "role_admin": true, so a select
 * writes {{#values.role_admin}}selected{{/values.role_admin}}. */
static void mark_choices(json_t *data)
{
	json_t *values = json_object_get(data, "values");
	if (!json_is_object(values))
		return;
	json_t *flags = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(values, k, v) {
		const char *s = json_string_value(v);
		if (s && strlen(k) + strlen(s) < 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == strlen(s)) {
			char key[160];
			snprintf(key, sizeof(key), "%s_%s", k, s);
			json_object_set_new(flags, key, json_true());
		}
	}
	json_object_update(values, flags);
	json_decref(flags);
}

/* Marks each non-empty list in the data for templates, which cannot ask
 * whether a list is empty (mustache has no index): "items": [...] gains
 * "has_items": true, so a table opens once, around all its rows, with
 * {{#has_items}}<table>{{/has_items}}. */
static void mark_lists(json_t *data)
{
	if (!json_is_object(data))
		return;
	json_t *flags = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(data, k, v) {
		if (json_is_array(v) && json_array_size(v) && strlen(k) < 64) {
			char key[80];
			snprintf(key, sizeof(key), "has_%s", k);
			json_object_set_new(flags, key, json_true());
		}
	}
	json_object_update_missing(data, flags);
	json_decref(flags);
}

/* For pages: next to every "*_at" (and "at") time (ISO 8601 UTC, as the API has it)
 * puts "*_at_local", the time on the organisation's clock in the reader's
 * language: templates show that and keep the ISO one for <time datetime>. */
static void add_local_times(const struct req *req, const struct tz *zone, json_t *v, int depth)
{
	if (depth > 8)
		return;
	size_t i;
	json_t *e;
	if (json_is_array(v)) {
		json_array_foreach(v, i, e) add_local_times(req, zone, e, depth + 1);
		return;
	}
	if (!json_is_object(v))
		return;
	const char *k;
	void *tmp;
	json_t *local = json_object();
	json_object_foreach_safe(v, tmp, k, e) {
		size_t n = strlen(k);
		int64_t ms;
		if (json_is_object(e) || json_is_array(e)) {
			add_local_times(req, zone, e, depth + 1);
		} else if (((n > 3 && !strcmp(k + n - 3, "_at")) || !strcmp(k, "at")) &&
			   clock_parse_iso8601(json_string_value(e), &ms)) {
			char key[128], text[TZ_FORMAT_MAX];
			snprintf(key, sizeof(key), "%s_local", k);
			tz_format(zone, ms, req->lang, text, sizeof(text));
			jx_set_str(local, key, text);
		}
	}
	json_object_update(v, local);
	json_decref(local);
}

static bool send_page(struct req *req, struct resp *resp, const char *view, json_t *data)
{
	buf_reset(&resp->body);
	mark_choices(data ? data : resp_data(resp));
	const struct tz *zone = tz_get(req->who.org_tz[0] ? req->who.org_tz : "Europe/Amsterdam");
	add_local_times(req, zone ? zone : tz_get("UTC"), data ? data : resp_data(resp), 0);
	mark_lists(data ? data : resp_data(resp));
	if (render_view(req, resp, view, data, &resp->body))
		return false;
	resp->content_type = "text/html; charset=utf-8";
	return true;
}

static void render_error(struct req *req, struct resp *resp, int rc)
{
	struct brug_err *e = &req->err;
	const char *key = e->key ? e->key : rc_message_key(rc);
	if (!resp->status || resp->status < 400)
		resp->status = rc_http_status(rc);
	if (rc == BRUG_EMETHOD)
		resp_header(resp, req, "Allow", req->match.allow);
	if (rc == BRUG_EUNAVAIL)
		resp_header(resp, req, "Retry-After", "5");
	if (rc == BRUG_EAUTH && req->api) /* RFC 9110 11.6.1: a 401 names the scheme */
		resp_header(resp, req, "WWW-Authenticate", "Bearer realm=\"brug\"");
	if (!req->api && rc == BRUG_EAUTH && req->method &&
	    (!strcmp(req->method, "GET") || !strcmp(req->method, "HEAD"))) {
		struct buf loc;
		buf_init(&loc, 8192);
		buf_adds(&loc, "/login?next=");
		url_encode(&loc, req->target ? req->target : "/");
		resp->status = 303;
		resp_header(resp, req, "Location", loc.failed ? "/login" : buf_str(&loc));
		buf_cleanup(&loc);
		return;
	}
	json_t *d = resp_data(resp);
	jx_set_str(d, "error", rc_code(rc));
	jx_set_str(d, "message", text(req, key));
	/* a 4xx detail helps the client fix its request; a 5xx one would tell
	 * strangers about the inside (file paths, database hosts): logged only */
	if (e->detail[0] && resp->status < 500)
		jx_set_str(d, "detail", e->detail);
	json_t *fields = json_object_get(d, "fields");
	if (fields)
		json_object_set_new(d, "fields", translated_fields(req, fields));
	if (req->api) {
		send_json(req, resp, d);
		return;
	}
	/* a form with messages goes back to the form (the handler's view, or
	 * the route's); anything else gets the error page */
	const char *form = resp->view ? resp->view
			   : req->match.route ? req->match.route->view : NULL;
	if (fields && form && send_page(req, resp, form, d))
		return;
	jx_set_int(d, "status", resp->status);
	if (!send_page(req, resp, "error", d)) {
		buf_reset(&resp->body);
		buf_printf(&resp->body, "%d %s\n", resp->status, rc_code(rc));
		resp->content_type = "text/plain; charset=utf-8";
	}
}

static void render_ok(struct req *req, struct resp *resp)
{
	if (!resp->status)
		resp->status = 200;
	if (resp->raw || resp->prebuilt)
		return;
	if (!req->api && resp->redirect) {
		resp->status = 303;
		resp_header(resp, req, "Location", resp->redirect);
		if (resp->flash)
			resp_cookie(resp, req, COOKIE_FLASH, resp->flash, 60);
		return;
	}
	const char *view = resp->view ? resp->view
				      : (req->match.route ? req->match.route->view : NULL);
	if (req->api || !view) {
		if (resp->status == 204)
			return;
		send_json(req, resp, resp_data(resp));
		return;
	}
	if (!send_page(req, resp, view, NULL)) {
		brug_fail(&req->err, BRUG_EINTERNAL, "error.internal", NULL);
		resp->status = 0;
		render_error(req, resp, BRUG_EINTERNAL);
	}
}

void render_response(struct req *req, struct resp *resp, int rc)
{
	if (rc)
		render_error(req, resp, rc);
	else
		render_ok(req, resp);
	security_headers(req, resp);
	if (resp->status >= 500)
		log_error("msg=\"request failed\" status=%d code=%s detail=\"%s\" path=\"%.200s\"",
			  resp->status, rc_code(rc), req->err.detail, req->path ? req->path : "");
}

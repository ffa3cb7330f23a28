/* SPDX-License-Identifier: Apache-2.0 */
/* The checks every request passes before its handler, driven by the route
 * table: who is asking (API token or session cookie), which language they
 * read, whether their role may use the route, and whether a browser write
 * carries its CSRF token. */
#include <string.h>

#include "domain/session.h"
#include "domain/token.h"
#include "http/app_impl.h"
#include "util/log.h"

/* Who a credential belongs to, looked up on every request: a logout, a
 * revoked token or a disabled user takes effect at once, in every process
 * on the database. The look-up only reads; a due "last used" write is left
 * to guard_touch, after the request's reads. BRUG_EAUTH when nobody. */
static int identify(struct app *app, struct req *req, char kind, const char *credential)
{
	(void)app;
	bool stale = false;
	int rc = kind == 't' ? token_lookup(req->db, credential, &req->who, &stale)
			     : session_lookup(req->db, credential, &req->who, &stale);
	if (!rc && stale)
		req->touch = kind;
	return rc;
}

int guard_authenticate(struct app *app, struct req *req, struct resp *resp)
{
	const char *authz = req_header(req, "authorization");
	int rc;
	/* Only Bearer is ours: another scheme (Basic from a proxy in front of
	 * brug) is not a failed sign-in, or every page, /login included, would
	 * answer 401 or send the browser round to /login for ever. */
	if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
		rc = identify(app, req, 't', authz + 7);
		/* a public route does not need the caller's identity: a token that
		 * is not one of ours (a scraper's for /metrics) leaves it anonymous */
		const struct route *r = req->match.route;
		if (rc == BRUG_EAUTH && r && (r->flags & R_PUBLIC)) {
			memset(&req->who, 0, sizeof(req->who));
			return 0;
		}
		if (rc == BRUG_EAUTH)
			return brug_fail(&req->err, rc, "error.bad_token", NULL);
		if (rc)
			return brug_fail(&req->err, rc, rc_message_key(rc), NULL);
		req->auth = AUTH_TOKEN;
		return 0;
	}
	const char *cookie = req_cookie(req, COOKIE_SESSION);
	if (!cookie)
		return 0;
	rc = identify(app, req, 's', cookie);
	if (rc == BRUG_EAUTH) {
		/* an expired or unknown session: carry on anonymous, drop it */
		memset(&req->who, 0, sizeof(req->who));
		resp_cookie(resp, req, COOKIE_SESSION, "", 0);
		return 0;
	}
	if (rc)
		return brug_fail(&req->err, rc, rc_message_key(rc), NULL);
	req->auth = AUTH_SESSION;
	return 0;
}

void guard_touch(struct app *app, struct req *req, struct resp *resp)
{
	if (!req->touch || !req->db)
		return;
	int rc = req->touch == 't' ? token_touch(req->db, &req->who)
				   : session_touch(req->db, &req->who, app->session_ttl_ms);
	if (rc)
		log_warn("msg=\"could not record the use of a credential\" rc=%d", rc);
	else if (req->touch == 's')
		/* the browser's copy lives as long as the session now does */
		resp_cookie(resp, req, COOKIE_SESSION, req_cookie(req, COOKIE_SESSION),
			    app->session_ttl_ms / 1000);
	req->touch = 0;
}

void guard_language(struct app *app, struct req *req)
{
	(void)app;
	const char *lang = NULL;
	if (req->who.user_id && i18n_supported(req->who.lang))
		lang = req->who.lang;
	if (!lang && i18n_supported(req_cookie(req, COOKIE_LANG)))
		lang = req_cookie(req, COOKIE_LANG);
	if (!lang)
		lang = parse_accept_language(req_header(req, "accept-language"), i18n_langs,
					     i18n_nlangs);
	if (!lang && req->who.user_id && i18n_supported(req->who.org_lang))
		lang = req->who.org_lang;
	req->lang = lang ? lang : i18n_langs[0];
}

int guard_access(struct req *req)
{
	const struct route *r = req->match.route;
	if (r->flags & R_PUBLIC)
		return 0;
	if (!req->who.user_id)
		return brug_fail(&req->err, BRUG_EAUTH, "error.unauthenticated", NULL);
	if (req->who.role < r->role)
		return brug_fail(&req->err, BRUG_EFORBIDDEN, "error.forbidden", NULL);
	return 0;
}

static const char *token_for(struct app *app, struct req *req, const char *kind, const char *v)
{
	char msg[160], mac[44];
	int n = snprintf(msg, sizeof(msg), "csrf:%s:%s", kind, v);
	secure_mac_b64(app->secret, msg, (size_t)n, mac);
	return arena_strdup(&req->arena, mac);
}

static bool anon_ok(const char *v)
{
	return v && strlen(v) == SECURE_TOKEN_CHARS && strspn(v,
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == SECURE_TOKEN_CHARS;
}

const char *guard_csrf_token(struct app *app, struct req *req, struct resp *resp)
{
	if (req->csrf)
		return req->csrf;
	if (req->auth == AUTH_SESSION) {
		req->csrf = token_for(app, req, "s", req->who.session_hash);
		return req->csrf;
	}
	const char *anon = req_cookie(req, COOKIE_ANON);
	if (!anon_ok(anon)) {
		char fresh[SECURE_TOKEN_CHARS + 1];
		secure_token(fresh);
		anon = arena_strdup(&req->arena, fresh);
		resp_cookie(resp, req, COOKIE_ANON, anon, -1);
	}
	req->csrf = token_for(app, req, "a", anon);
	return req->csrf;
}

int guard_csrf(struct app *app, struct req *req, struct resp *resp)
{
	const struct route *r = req->match.route;
	const char *m = req->method;
	if (!strcmp(m, "GET") || !strcmp(m, "HEAD") || (r->flags & R_NOCSRF) ||
	    req->auth == AUTH_TOKEN)
		return 0;
	/* Without a session cookie, a JSON request carries no ambient
	 * credential a forger could ride on (and browsers cannot send JSON
	 * across origins without CORS, which brug never allows). */
	if (req->auth == AUTH_NONE && req->json)
		return 0;
	if (req->auth == AUTH_NONE && !anon_ok(req_cookie(req, COOKIE_ANON)))
		return brug_fail(&req->err, BRUG_EFORBIDDEN, "error.csrf", NULL);
	const char *sent = kvs_get(&req->form, "_csrf");
	if (!sent)
		sent = req_header(req, "x-csrf-token");
	const char *want = guard_csrf_token(app, req, resp);
	if (!sent || !secure_equal(sent, want))
		return brug_fail(&req->err, BRUG_EFORBIDDEN, "error.csrf", NULL);
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Signing in and out, and choosing the interface language. Failed sign-ins
 * are limited per account and per client address (in the database, so the
 * limit holds across processes); the answer never tells whether an email
 * exists. */
#include "api/handlers.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "api/common.h"
#include "domain/audit.h"
#include "domain/ratelimit.h"
#include "domain/session.h"
#include "domain/user.h"
#include "http/app_impl.h"
#include "util/jx.h"

#define LOGIN_WINDOW_MS (15 * 60 * 1000)

int api_session_form(struct req *req, struct resp *resp)
{
	const char *next = api_local_path(req_query(req, "next"), "/");
	if (req->who.user_id) {
		resp_redirect(resp, req, next, NULL);
		return 0;
	}
	json_t *values = json_object();
	jx_set_str(values, "next", next);
	json_object_set_new(resp_data(resp), "values", values);
	return 0;
}

/* The sign-in limits, counted before the password is checked so parallel
 * attempts cannot slip past them (a success is taken back afterwards):
 * per account and address (the strict one: guessing one password), per
 * account from anywhere (five times looser, so nobody can lock another out
 * with a few requests), and per address (one machine guessing many
 * accounts). An IPv6 client counts by its /64: one host has many. */
struct login_buckets {
	const char *pair, *acct, *addr;
};

static const char *address_key(struct req *req)
{
	const char *ip = req->client_ip ? req->client_ip : "";
	unsigned char a[16];
	if (!strchr(ip, ':') || inet_pton(AF_INET6, ip, a) != 1)
		return ip;
	return arena_printf(&req->arena, "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", a[0], a[1], a[2],
			    a[3], a[4], a[5], a[6], a[7]);
}

static int count_attempt(struct req *req, struct resp *resp, const struct login_buckets *b)
{
	const struct config *cfg = app_config(req->app);
	int64_t limit = cfg_int(cfg, CFG_LOGIN_LIMIT_ACCOUNT);
	int64_t pair = 0, acct = 0, addr = 0, retry = 0;
	int rc = ratelimit_hit(req->db, b->pair, LOGIN_WINDOW_MS, &pair, &retry);
	if (!rc)
		rc = ratelimit_hit(req->db, b->acct, LOGIN_WINDOW_MS, &acct, NULL);
	if (!rc)
		rc = ratelimit_hit(req->db, b->addr, LOGIN_WINDOW_MS, &addr, NULL);
	if (rc) /* closed: no count, no guess */
		return brug_fail(&req->err, rc, rc_message_key(rc), NULL);
	if (pair <= limit && acct <= 5 * limit && addr <= cfg_int(cfg, CFG_LOGIN_LIMIT_ADDRESS))
		return 0;
	char secs[32];
	snprintf(secs, sizeof(secs), "%lld", (long long)(retry / 1000 + 1));
	resp_header(resp, req, "Retry-After", secs);
	return brug_fail(&req->err, BRUG_ERATE, "error.login_rate", NULL);
}

static int start_session(struct req *req, struct resp *resp, int64_t org, int64_t uid,
			 const char *email, const char *next)
{
	char cookie[SESSION_COOKIE_MAX];
	int64_t sid = 0;
	struct app *app = req->app;
	int64_t ttl = cfg_int(app_config(app), CFG_SESSION_DAYS) * 86400000;
	struct actor who = {.org_id = org, .user_id = uid, .label = email, .ip = req->client_ip};
	int rc = db_begin(req->db);
	if (!rc)
		rc = session_create(req->db, org, uid, req->client_ip, req_header(req, "user-agent"),
				    ttl, cookie, &sid);
	if (!rc)
		rc = audit_add(req->db, &who, "session.login", "user", uid, NULL);
	if ((rc = db_finish(req->db, rc)))
		return rc;
	resp_cookie(resp, req, COOKIE_SESSION, cookie, ttl / 1000);
	resp_cookie(resp, req, COOKIE_ANON, "", 0);
	resp_redirect(resp, req, next, NULL);
	return 0;
}

int api_session_create(struct req *req, struct resp *resp)
{
	struct input in;
	int rc = input_begin(req, &in);
	if (rc)
		goto out;
	const char *email = in_text(&in, "email", IN_REQUIRED, 254);
	const char *password = in_text(&in, "password", IN_REQUIRED | IN_SECRET | IN_RAW, 1024);
	const char *next = api_local_path(in_text(&in, "next", 0, 2000), "/");
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		goto out;
	}
	char *low = arena_strdup(&req->arena, email);
	for (char *p = low; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	const char *where = address_key(req);
	struct login_buckets b = {
		.pair = arena_printf(&req->arena, "login:pair:%s|%s", low, where),
		.acct = arena_printf(&req->arena, "login:acct:%s", low),
		.addr = arena_printf(&req->arena, "login:addr:%s", where),
	};
	if ((rc = count_attempt(req, resp, &b))) {
		if (rc == BRUG_ERATE) {
			/* the form again, with the reason next to it */
			in_error(&in, "password", "error.login_rate");
			input_fail(&in, resp);
			resp->status = 429;
			brug_fail(&req->err, rc, "error.login_rate", NULL);
		}
		goto out;
	}
	int64_t org = 0, uid = 0;
	rc = user_authenticate(req->db, low, password, &org, &uid);
	if (rc == BRUG_EAUTH) {
		in_error(&in, "password", "error.login_failed");
		input_fail(&in, resp);
		resp->status = 401;
		goto out;
	}
	if (!rc)
		rc = ratelimit_clear(req->db, b.pair);
	if (!rc)
		rc = ratelimit_forgive(req->db, b.acct, LOGIN_WINDOW_MS);
	if (!rc)
		rc = ratelimit_forgive(req->db, b.addr, LOGIN_WINDOW_MS);
	if (!rc)
		rc = start_session(req, resp, org, uid, low, next);
out:
	input_end(&in);
	return rc;
}

int api_session_delete(struct req *req, struct resp *resp)
{
	struct actor who = req_actor(req);
	int rc = 0;
	if (req->auth == AUTH_SESSION) {
		rc = db_begin(req->db);
		if (!rc)
			rc = session_delete(req->db, req->who.org_id, req->who.session_id);
		if (!rc)
			rc = audit_add(req->db, &who, "session.logout", "user", req->who.user_id, NULL);
		rc = db_finish(req->db, rc);
	}
	if (rc)
		return rc;
	resp_cookie(resp, req, COOKIE_SESSION, "", 0);
	resp_redirect(resp, req, "/login", "flash.signed_out");
	return 0;
}

int api_session_lang(struct req *req, struct resp *resp)
{
	struct input in;
	int rc = input_begin(req, &in);
	if (rc)
		goto out;
	const char *lang = in_enum(&in, "lang", IN_REQUIRED, api_langs);
	const char *next = api_local_path(in_text(&in, "next", 0, 2000), "/");
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		goto out;
	}
	if (req->who.user_id) {
		struct actor who = req_actor(req);
		struct user_patch p = {.lang = lang, .disabled = -1};
		rc = user_update(req->db, &who, req->who.user_id, &p, &req->err);
	}
	if (!rc) {
		resp_cookie(resp, req, COOKIE_LANG, lang, 365 * 86400);
		req->lang = lang; /* the notice on the next page already in the new language */
		resp_redirect(resp, req, next, NULL);
		jx_set_str(resp_data(resp), "lang", lang);
	}
out:
	input_end(&in);
	return rc;
}

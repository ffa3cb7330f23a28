/* SPDX-License-Identifier: Apache-2.0 */
/* Private to the request pipeline (http/app.c, http/guard.c, http/body.c,
 * view/render.c): the app's insides and the pipeline steps. */
#ifndef BRUG_HTTP_APP_IMPL_H
#define BRUG_HTTP_APP_IMPL_H

#include <stdatomic.h>

#include "http/app.h"
#include "view/mustache.h"

struct app {
	const struct config *cfg;
	struct db_pool *pool;
	const struct route *routes;
	size_t nroutes;
	struct mustache_set *views; /* NULL in --dev: one per request */
	struct i18n *i18n;          /* NULL in --dev: loaded per request */
	unsigned char secret[SECURE_KEY_BYTES];
	struct metrics *metrics;
	bool secure_cookies;
	bool dev;
	bool access_log;
	size_t max_body;
	int64_t session_ttl_ms;
	atomic_bool draining;
};

#define COOKIE_SESSION "brug_session"
#define COOKIE_ANON "brug_anon"
#define COOKIE_LANG "brug_lang"
#define COOKIE_FLASH "brug_flash"

/* guard.c: who is asking, in which language, and may they. */
int guard_authenticate(struct app *app, struct req *req, struct resp *resp);
/* Records, after the request's reads, a session's or token's use when
 * guard_authenticate found it due (and renews the session cookie). */
void guard_touch(struct app *app, struct req *req, struct resp *resp);
void guard_language(struct app *app, struct req *req);
int guard_access(struct req *req);
int guard_csrf(struct app *app, struct req *req, struct resp *resp);
/* The CSRF token for this request's forms (sets the anonymous cookie when
 * a visitor has none yet). */
const char *guard_csrf_token(struct app *app, struct req *req, struct resp *resp);

/* body.c: the request body, parsed by content type under the route's cap. */
int body_parse(struct app *app, struct req *req);

/* view/render.c: the response body from data and view, or from an error. */
void render_response(struct req *req, struct resp *resp, int rc);

#endif

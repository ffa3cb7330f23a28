/* SPDX-License-Identifier: Apache-2.0 */
/* The application as the HTTP layer sees it: configuration, the database
 * pool, the route table, templates, catalogs, the installation secret and
 * the metrics, and app_handle(), the whole life of one request from the
 * request-target to the bytes of the response. An app is built once and
 * then shared read-only by every server thread. */
#ifndef BRUG_HTTP_APP_H
#define BRUG_HTTP_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/i18n.h"
#include "core/secure.h"
#include "http/req.h"
#include "http/router.h"

struct app;
struct db_pool;
struct metrics;
struct mustache_set;

/* Builds an app over an open pool: loads templates and catalogs, reads (or
 * creates) the installation secret. The caller keeps cfg, pool and routes
 * alive for the app's lifetime and frees it with app_free. */
int app_new(const struct config *cfg, struct db_pool *pool, const struct route *routes,
	    size_t nroutes, struct app **out, struct brug_err *err);
void app_free(struct app *app);

/* Handles one request: req must have method, target, headers, body and
 * peer_ip set (and req->app). On return resp holds the status, headers and
 * body to send. Never fails: every error becomes a response. Thread-safe. */
void app_handle(struct app *app, struct req *req, struct resp *resp);
/* Records the finished request in the metrics and the access log; call once
 * the response is on its way. */
void app_finish(struct app *app, struct req *req, struct resp *resp);

/* The body cap for method and raw target before the body arrives, so the
 * server can refuse an oversized upload at once. */
size_t app_body_cap(struct app *app, const char *method, const char *target);

const struct config *app_config(const struct app *app);
struct db_pool *app_pool(const struct app *app);
const struct i18n *app_i18n(const struct app *app);
struct metrics *app_metrics(const struct app *app);
const struct route *app_routes(const struct app *app, size_t *n);
bool app_secure_cookies(const struct app *app);
const unsigned char *app_secret(const struct app *app);
/* The template set for this request (a fresh one per request in --dev). */
struct mustache_set *app_views(struct app *app);
void app_views_release(struct app *app, struct mustache_set *set);
/* The catalogs for this request (fresh from disk per request in --dev). */
const struct i18n *app_catalogs(struct app *app, struct req *req);

/* Marks the app as shutting down: /readyz answers 503 from now on. */
void app_set_draining(struct app *app);
bool app_draining(const struct app *app);

#endif

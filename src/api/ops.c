/* SPDX-License-Identifier: Apache-2.0 */
/* Operations endpoints for load balancers and monitoring: liveness,
 * readiness (database reachable, not draining) and Prometheus metrics. */
#include "api/handlers.h"

#include <string.h>

#include "core/secure.h"
#include "db/db.h"
#include "http/app.h"
#include "http/metrics.h"
#include "util/jx.h"

int api_ops_healthz(struct req *req, struct resp *resp)
{
	(void)req;
	jx_set_str(resp_data(resp), "status", "ok");
	return 0;
}

int api_ops_readyz(struct req *req, struct resp *resp)
{
	json_t *d = resp_data(resp);
	if (app_draining(req->app)) {
		resp->status = 503;
		jx_set_str(d, "status", "draining");
		return 0;
	}
	if (db_ping(req->db)) {
		resp->status = 503;
		jx_set_str(d, "status", "database unreachable");
		return 0;
	}
	jx_set_str(d, "status", "ready");
	jx_set_str(d, "database", db_backend(req->db));
	return 0;
}

/* /metrics tells how the service is used (sign-in failures included): for a
 * scraper with the configured token, or, without one, the local machine. */
static bool may_scrape(const struct req *req)
{
	const char *want = cfg_str(app_config(req->app), CFG_METRICS_TOKEN);
	const char *authz = req_header(req, "authorization");
	if (*want)
		return authz && !strncmp(authz, "Bearer ", 7) && secure_equal(authz + 7, want);
	const char *ip = req->client_ip ? req->client_ip : "";
	return !strcmp(ip, "127.0.0.1") || !strcmp(ip, "::1") || !strncmp(ip, "127.", 4);
}

int api_ops_metrics(struct req *req, struct resp *resp)
{
	if (!may_scrape(req))
		return brug_fail(&req->err, BRUG_EFORBIDDEN, "error.forbidden", NULL);
	size_t n;
	const struct route *routes = app_routes(req->app, &n);
	int rc = metrics_write(app_metrics(req->app), routes, n, &resp->body);
	if (rc)
		return rc;
	resp->prebuilt = true;
	resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
	return 0;
}

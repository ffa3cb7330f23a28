/* SPDX-License-Identifier: Apache-2.0 */
/* Operations endpoints for load balancers and monitoring: liveness,
 * readiness (database reachable, not draining) and Prometheus metrics. */
#include "api/handlers.h"

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

int api_ops_metrics(struct req *req, struct resp *resp)
{
	size_t n;
	const struct route *routes = app_routes(req->app, &n);
	int rc = metrics_write(app_metrics(req->app), routes, n, &resp->body);
	if (rc)
		return rc;
	resp->prebuilt = true;
	resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
	return 0;
}

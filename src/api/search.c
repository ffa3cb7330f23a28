/* SPDX-License-Identifier: Apache-2.0 */
/* The search box: relations, people and interactions matching every word
 * typed, the last one as a prefix. The page works without JavaScript (a
 * GET form) and with htmx updates its results while typing. */
#include "api/handlers.h"

#include "api/common.h"
#include "domain/search.h"
#include "util/jx.h"

int api_search(struct req *req, struct resp *resp)
{
	const char *q = req_query(req, "q");
	int limit = (int)req_query_int(req, "limit", 20, 1, 100);
	json_t *r = NULL;
	int rc = search_query(req->db, req->who.org_id, q ? q : "", limit, &r, &req->err);
	if (rc == BRUG_ETOOBIG) /* a query is not a body: 422 on the field */
		return brug_fail(&req->err, BRUG_EVALIDATION, "error.search_too_long", "q");
	if (rc)
		return rc;
	if (!req->api) {
		api_labels(req, json_object_get(r, "relations"), "type", "relations.types");
		api_labels(req, json_object_get(r, "interactions"), "channel", "interactions.channels");
		jx_set_bool(r, "searched", q && *q);
		jx_set_bool(r, "found", json_array_size(json_object_get(r, "relations")) +
						json_array_size(json_object_get(r, "interactions")) >
					0);
	}
	resp_set_data(resp, r);
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The audit log for administrators, newest first, filterable by action,
 * object type and actor, paged by id. */
#include "api/handlers.h"

#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "domain/audit.h"
#include "util/buf.h"
#include "util/jx.h"

/* For the page: the details as "name: value" pairs people read, and a link
 * to the object when it has a page. */
static void page_entry(struct req *req, json_t *e)
{
	struct buf b;
	buf_init(&b, 4096);
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(e, "details"), k, v) {
		buf_printf(&b, "%s%s: ", b.len ? " · " : "", k);
		if (json_is_string(v))
			buf_adds(&b, json_string_value(v));
		else
			jx_write(&b, v);
	}
	jx_set_str(e, "details_text", b.failed ? "…" : buf_str(&b));
	buf_cleanup(&b);
	const char *type = jx_str(e, "object_type");
	int64_t id = jx_int(e, "object_id", 0);
	if (id && type && (!strcmp(type, "user") || !strcmp(type, "team")))
		jx_set_str(e, "object_link", arena_printf(&req->arena, "/%ss/%lld", type, (long long)id));
}

int api_audit_list(struct req *req, struct resp *resp)
{
	struct audit_filter f = {
		.action = req_query(req, "action"),
		.object_type = req_query(req, "object_type"),
		.actor_id = req_query_int(req, "actor_id", 0, 0, INT64_MAX),
		.before_id = req_query_int(req, "before", 0, 0, INT64_MAX),
		.limit = (int)req_query_int(req, "limit", 50, 1, 200),
	};
	if (f.action && !*f.action)
		f.action = NULL;
	if (f.object_type && !*f.object_type)
		f.object_type = NULL;
	json_t *list = NULL;
	int rc = audit_list(req->db, req->who.org_id, &f, &list);
	if (rc)
		return rc;
	if (!req->api) {
		size_t i;
		json_t *e;
		json_array_foreach(json_object_get(list, "items"), i, e) page_entry(req, e);
		api_labels(req, json_object_get(list, "items"), "action", "audit.actions");
		api_labels(req, json_object_get(list, "items"), "object_type", "audit.objects");
		json_int_t next = json_integer_value(json_object_get(list, "next_before"));
		if (f.object_type && strspn(f.object_type, "abcdefghijklmnopqrstuvwxyz_") != strlen(f.object_type))
			f.object_type = NULL; /* only plain names go into the link */
		if (next)
			jx_set_str(list, "older", arena_printf(&req->arena, "/audit?before=%lld%s%s",
							       (long long)next,
							       f.object_type ? "&object_type=" : "",
							       f.object_type ? f.object_type : ""));
	}
	json_object_set_new(list, "values",
			    json_pack("{s:s,s:s}", "action", f.action ? f.action : "", "object_type",
				      f.object_type ? f.object_type : ""));
	resp_set_data(resp, list);
	return 0;
}

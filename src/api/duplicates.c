/* SPDX-License-Identifier: Apache-2.0 */
/* Likely duplicates and merging: the list of pairs (a page with the two
 * side by side and their reasons), merging one relation into another, and
 * marking a pair as not a duplicate. Managers and administrators. */
#include "api/handlers.h"

#include <string.h>

#include "api/common.h"
#include "domain/duplicates.h"
#include "domain/merge.h"
#include "domain/relation.h"
#include "util/jx.h"

static const char *const kinds[] = {"organisation", "person", NULL};

/* For the page: each pair's reasons with their names, and its kind's. */
static void label_pairs(struct req *req, json_t *items)
{
	size_t i, j;
	json_t *pair, *why;
	json_array_foreach(items, i, pair) {
		json_t *list = json_array();
		json_array_foreach(json_object_get(pair, "reasons"), j, why)
			json_array_append_new(list, json_pack("{s:O}", "reason", why));
		api_labels(req, list, "reason", "privacy.duplicates.reasons");
		json_object_set_new(pair, "reason_items", list);
		api_labels(req, json_object_get(pair, "a"), "type", "relations.types");
		api_labels(req, json_object_get(pair, "b"), "type", "relations.types");
	}
	api_labels(req, items, "kind", "relations.kinds");
}

int api_duplicates_list(struct req *req, struct resp *resp)
{
	struct duplicates_filter f = {0};
	const char *kind = req_query(req, "kind");
	for (int i = 0; kind && kinds[i]; i++)
		if (!strcmp(kind, kinds[i]))
			f.kind = kinds[i];
	api_paging(req, &f.page.page, &f.page.per_page);
	json_t *list = NULL;
	int rc = duplicates_list(req->db, req->who.org_id, &f, &list);
	if (rc)
		return rc;
	json_t *v = json_object();
	jx_set_str(v, "kind", f.kind ? f.kind : "");
	json_object_set_new(list, "values", v);
	if (!req->api) {
		label_pairs(req, json_object_get(list, "items"));
		api_pager(req, list);
	}
	resp_set_data(resp, list);
	return 0;
}

/* Where a browser goes after a write: the form's next (a local path), or
 * fallback. */
static const char *next_of(struct req *req, struct input *in, const char *fallback)
{
	const char *next = in_has(in, "next") ? in_text(in, "next", 0, 500) : NULL;
	return api_local_path(next ? next : req_query(req, "next"), fallback);
}

int api_relations_merge(struct req *req, struct resp *resp)
{
	struct input in;
	int64_t id = 0;
	int rc = input_begin_id(req, &in, "id", &id, "error.relation_not_found");
	if (rc)
		goto out;
	int64_t from = in_int(&in, "from", IN_REQUIRED, 1, INT64_MAX, 0);
	const char *fallback = arena_printf(&req->arena, "/relations/%lld", (long long)id);
	const char *next = next_of(req, &in, fallback);
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		goto out;
	}
	struct actor who = req_actor(req);
	json_t *moved = NULL, *rel = NULL;
	/* a clear message for the whole request: no form field shows it */
	if ((rc = merge_relations(req->db, &who, id, from, &moved, &req->err)))
		goto out;
	if ((rc = relation_get(req->db, who.org_id, id, &rel))) {
		json_decref(moved);
		goto out;
	}
	json_object_set_new(rel, "moved", moved);
	jx_set_int(rel, "merged_from", from);
	resp_set_data(resp, rel);
	resp_redirect(resp, req, next, "privacy.flash.merged");
out:
	input_end(&in);
	return rc;
}

int api_relations_not_duplicate(struct req *req, struct resp *resp)
{
	struct input in;
	int64_t id = 0;
	int rc = input_begin_id(req, &in, "id", &id, "error.relation_not_found");
	if (rc)
		goto out;
	int64_t other = in_int(&in, "other", IN_REQUIRED, 1, INT64_MAX, 0);
	const char *next = next_of(req, &in, "/relations/duplicates");
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		goto out;
	}
	struct actor who = req_actor(req);
	if ((rc = duplicates_mark_distinct(req->db, &who, id, other, &req->err)))
		goto out;
	json_t *d = resp_data(resp);
	jx_set_int(d, "a_id", id < other ? id : other);
	jx_set_int(d, "b_id", id < other ? other : id);
	jx_set_bool(d, "is_duplicate", false);
	resp_redirect(resp, req, next, "privacy.flash.not_duplicate");
out:
	input_end(&in);
	return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Interactions: every employee logs, reads and corrects contact moments.
 * The form is reached from a relation's page (the relation filled in) or
 * from the interactions list; occurred_at is a datetime-local on the
 * organisation's clock in a form, ISO 8601 UTC in the API. */
#include "api/handlers.h"

#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "domain/interaction.h"
#include "domain/relation.h"
#include "domain/user.h"
#include "util/clock.h"
#include "util/jx.h"

static int int_id(struct req *req, int64_t *id)
{
	int rc = req_param_id(req, "id", id);
	return rc ? brug_fail(&req->err, rc, "error.interaction_not_found", NULL) : 0;
}

static int not_found(struct req *req, int rc)
{
	return rc == BRUG_ENOTFOUND && !req->err.key
		       ? brug_fail(&req->err, rc, "error.interaction_not_found", NULL)
		       : rc;
}

static bool known(const char *s, const char *const *set)
{
	for (; s && *set; set++)
		if (!strcmp(s, *set))
			return true;
	return false;
}

int api_interactions_list(struct req *req, struct resp *resp)
{
	struct interaction_filter f = {0};
	f.relation_id = req_query_int(req, "relation_id", 0, 0, INT64_MAX);
	f.user_id = req_query_int(req, "user_id", 0, 0, INT64_MAX);
	f.role_id = req_query_int(req, "role_id", 0, 0, INT64_MAX);
	const char *ch = req_query(req, "channel"), *oc = req_query(req, "outcome");
	f.channel = known(ch, interaction_channels) ? ch : NULL;
	f.outcome = known(oc, interaction_outcomes) ? oc : NULL;
	int64_t t;
	if (api_parse_time(req, req_query(req, "from"), &t))
		f.from = t;
	if (api_parse_time(req, req_query(req, "to"), &t))
		f.to = t;
	api_paging(req, &f.page.page, &f.page.per_page);
	json_t *list = NULL;
	int rc = interaction_list(req->db, req->who.org_id, &f, &list);
	if (rc)
		return rc;
	json_t *v = json_object();
	jx_set_int(v, "user_id", f.user_id);
	jx_set_int(v, "role_id", f.role_id);
	jx_set_str(v, "channel", f.channel ? f.channel : "");
	jx_set_str(v, "outcome", f.outcome ? f.outcome : "");
	json_object_set_new(list, "values", v);
	if (!req->api) {
		json_t *items = json_object_get(list, "items");
		api_labels(req, items, "channel", "interactions.channels");
		api_labels(req, items, "outcome", "interactions.outcomes");
		api_labels(req, items, "direction", "interactions.directions");
		json_t *users = NULL, *roles = NULL;
		struct user_filter uf = {.status = 1, .per_page = 200, .page = 1};
		if (!user_list(req->db, req->who.org_id, &uf, &users)) {
			json_object_set(list, "users", json_object_get(users, "items"));
			json_decref(users);
		}
		if (!interaction_roles(req->db, req->who.org_id, &roles))
			json_object_set_new(list, "roles", roles);
		api_pager(req, list);
	}
	resp_set_data(resp, list);
	return 0;
}

/* What the form needs: roles, users, and the relation it is about. */
static int form_options(struct req *req, json_t *d)
{
	json_t *roles = NULL, *users = NULL;
	struct user_filter uf = {.status = 1, .per_page = 200, .page = 1};
	int rc = interaction_roles(req->db, req->who.org_id, &roles);
	if (!rc)
		rc = user_list(req->db, req->who.org_id, &uf, &users);
	if (rc) {
		json_decref(roles);
		return rc;
	}
	json_t *v = json_object_get(d, "values");
	api_mark_selected(roles, v, "role_id");
	api_mark_selected(json_object_get(users, "items"), v, "user_id");
	json_object_set_new(d, "roles", roles);
	json_object_set(d, "users", json_object_get(users, "items"));
	json_decref(users);
	int64_t rel = api_value_id(v, "person_id") > 0 ? api_value_id(v, "person_id")
						       : api_value_id(v, "company_id");
	json_t *r = NULL;
	if (rel > 0 && relation_get(req->db, req->who.org_id, rel, &r) == 0) {
		json_t *brief = json_pack("{s:I,s:O,s:O}", "id", (json_int_t)rel, "name",
					  json_object_get(r, "name"), "kind", json_object_get(r, "kind"));
		json_object_set_new(d, "relation", brief);
		json_decref(r);
	}
	return 0;
}

int api_interactions_new(struct req *req, struct resp *resp)
{
	json_t *d = resp_data(resp);
	int64_t rel = req_query_int(req, "relation_id", 0, 0, INT64_MAX);
	char kind[16] = "";
	if (rel && relation_kind(req->db, req->who.org_id, rel, kind))
		return brug_fail(&req->err, BRUG_ENOTFOUND, "error.relation_not_found", NULL);
	json_t *v = json_object();
	char now[17];
	api_local_input(req, clock_now_ms(), now);
	jx_set_str(v, "occurred_at", now);
	jx_set_str(v, "channel", "phone");
	jx_set_str(v, "direction", "in");
	jx_set_str(v, "outcome", "resolved");
	jx_set_int(v, "user_id", req->who.user_id);
	if (rel)
		jx_set_int(v, !strcmp(kind, "person") ? "person_id" : "company_id", rel);
	json_object_set_new(d, "values", v);
	return form_options(req, d);
}

static void read_in(struct input *in, bool create, struct interaction_in *x)
{
	memset(x, 0, sizeof(*x));
	if (!create)
		x->person_id = x->company_id = x->user_id = x->role_id = x->duration_s = -1;
	if (in_has(in, "person_id"))
		x->person_id = in_int(in, "person_id", 0, 0, INT64_MAX, 0);
	if (in_has(in, "company_id"))
		x->company_id = in_int(in, "company_id", 0, 0, INT64_MAX, 0);
	x->channel = in_enum(in, "channel", create ? IN_REQUIRED : 0, interaction_channels);
	x->direction = in_enum(in, "direction", 0, interaction_directions);
	x->outcome = in_enum(in, "outcome", 0, interaction_outcomes);
	if (in_has(in, "occurred_at")) {
		const char *s = in_text(in, "occurred_at", 0, 40);
		if (s && *s && !api_parse_time(in->req, s, &x->occurred_at))
			in_error(in, "occurred_at", "error.datetime");
	}
	if (in_has(in, "duration_min")) /* the form asks for minutes */
		x->duration_s = 60 * in_int(in, "duration_min", 0, 0, 7 * 24 * 60, 0);
	if (in_has(in, "duration_s"))
		x->duration_s = in_int(in, "duration_s", 0, 0, 7 * 24 * 3600, 0);
	if (in_has(in, "user_id"))
		x->user_id = in_int(in, "user_id", 0, 0, INT64_MAX, 0);
	if (in_has(in, "role_id"))
		x->role_id = in_int(in, "role_id", 0, 0, INT64_MAX, 0);
	x->subject = in_has(in, "subject") || create
			     ? in_text(in, "subject", create ? IN_REQUIRED : 0, 200)
			     : NULL;
	x->summary = in_has(in, "summary") ? in_text(in, "summary", IN_MULTILINE, 50000) : NULL;
}

/* Where a browser goes after a write: back to the relation it came from. */
static const char *back(struct req *req, const struct interaction_in *x, int64_t id)
{
	const char *next = api_local_path(req_query(req, "next"), NULL);
	if (next)
		return next;
	int64_t rel = x->person_id > 0 ? x->person_id : x->company_id;
	return rel > 0 ? arena_printf(&req->arena, "/relations/%lld", (long long)rel)
		       : arena_printf(&req->arena, "/interactions/%lld", (long long)id);
}

int api_interactions_create(struct req *req, struct resp *resp)
{
	struct input in;
	int rc = input_begin(req, &in);
	if (rc)
		goto out;
	struct interaction_in x;
	read_in(&in, true, &x);
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		form_options(req, resp_data(resp));
		goto out;
	}
	struct actor who = req_actor(req);
	int64_t id = 0;
	if ((rc = interaction_create(req->db, &who, &x, &id, &req->err))) {
		rc = input_fail_domain(&in, resp, rc);
		form_options(req, resp_data(resp));
		goto out;
	}
	json_t *it = NULL;
	if ((rc = interaction_get(req->db, who.org_id, id, &it)))
		goto out;
	resp_set_data(resp, it);
	resp->status = 201;
	if (req->api)
		resp_header(resp, req, "Location",
			    arena_printf(&req->arena, "/api/v1/interactions/%lld", (long long)id));
	resp_redirect(resp, req, back(req, &x, id), "flash.interaction_created");
out:
	input_end(&in);
	return rc;
}

int api_interactions_show(struct req *req, struct resp *resp)
{
	int64_t id;
	int rc = int_id(req, &id);
	json_t *it = NULL;
	if (rc || (rc = interaction_get(req->db, req->who.org_id, id, &it)))
		return not_found(req, rc);
	if (!req->api) {
		api_labels(req, it, "channel", "interactions.channels");
		api_labels(req, it, "outcome", "interactions.outcomes");
		api_labels(req, it, "direction", "interactions.directions");
		int64_t s = jx_int(it, "duration_s", 0);
		if (s > 0) /* whole minutes, at least one */
			jx_set_int(it, "duration_min", s < 60 ? 1 : (s + 30) / 60);
	}
	json_object_update_missing(resp_data(resp), it);
	json_decref(it);
	return 0;
}

int api_interactions_edit(struct req *req, struct resp *resp)
{
	int64_t id;
	int rc = int_id(req, &id);
	json_t *it = NULL;
	if (rc || (rc = interaction_get(req->db, req->who.org_id, id, &it)))
		return not_found(req, rc);
	json_t *d = resp_data(resp);
	json_object_set(d, "interaction", it);
	if (!json_object_get(d, "values")) {
		json_t *v = json_deep_copy(it);
		char local[17];
		int64_t at = 0;
		clock_parse_iso8601(jx_str(it, "occurred_at"), &at);
		api_local_input(req, at, local);
		jx_set_str(v, "occurred_at", local);
		jx_set_int(v, "duration_min", jx_int(it, "duration_s", 0) / 60);
		json_object_set_new(d, "values", v);
	}
	json_decref(it);
	return form_options(req, d);
}

int api_interactions_update(struct req *req, struct resp *resp)
{
	struct input in;
	int64_t id = 0;
	int rc = input_begin_id(req, &in, "id", &id, "error.interaction_not_found");
	if (rc)
		goto out;
	struct interaction_in x;
	read_in(&in, false, &x);
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		api_interactions_edit(req, resp);
		goto out;
	}
	struct actor who = req_actor(req);
	if ((rc = interaction_update(req->db, &who, id, &x, &req->err))) {
		rc = input_fail_domain(&in, resp, not_found(req, rc));
		if (rc != BRUG_ENOTFOUND)
			api_interactions_edit(req, resp);
		goto out;
	}
	json_t *it = NULL;
	if ((rc = interaction_get(req->db, who.org_id, id, &it)))
		goto out;
	resp_set_data(resp, it);
	resp_redirect(resp, req, arena_printf(&req->arena, "/interactions/%lld", (long long)id),
		      "flash.saved");
out:
	input_end(&in);
	return rc;
}

int api_interaction_roles_list(struct req *req, struct resp *resp)
{
	json_t *roles = NULL;
	int rc = interaction_roles(req->db, req->who.org_id, &roles);
	if (rc)
		return rc;
	json_t *d = resp_data(resp);
	json_object_set_new(d, "items", roles);
	return 0;
}

int api_interaction_roles_create(struct req *req, struct resp *resp)
{
	struct input in;
	int rc = input_begin(req, &in);
	if (rc)
		goto out;
	const char *name = in_text(&in, "name", IN_REQUIRED, 60);
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		api_crm_settings_show(req, resp);
		goto out;
	}
	struct actor who = req_actor(req);
	int64_t id = 0;
	if ((rc = interaction_role_add(req->db, &who, name, &id, &req->err))) {
		rc = input_fail_domain(&in, resp, rc);
		api_crm_settings_show(req, resp);
		goto out;
	}
	json_t *d = resp_data(resp);
	jx_set_int(d, "id", id);
	jx_set_str(d, "name", name);
	resp->status = 201;
	resp_redirect(resp, req, "/settings/crm", "flash.role_created");
out:
	input_end(&in);
	return rc;
}

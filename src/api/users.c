/* SPDX-License-Identifier: Apache-2.0 */
/* Users: the colleague list for everyone, and for administrators creating
 * users, changing their role, language and status, and setting a password. */
#include "api/handlers.h"

#include <string.h>

#include "api/common.h"
#include "domain/user.h"
#include "util/jx.h"

static const char *const statuses[] = {"all", "active", "disabled", NULL};

int api_users_list(struct req *req, struct resp *resp)
{
	struct user_filter f = {0};
	api_paging(req, &f.page, &f.per_page);
	f.q = req_query(req, "q");
	f.role = role_parse(req_query(req, "role"));
	const char *status = req_query(req, "status");
	f.status = status && !strcmp(status, "active") ? 1 : status && !strcmp(status, "disabled") ? 2 : 0;
	f.team_id = req_query_int(req, "team_id", 0, 0, INT64_MAX);
	json_t *list = NULL;
	int rc = user_list(req->db, req->who.org_id, &f, &list);
	if (rc)
		return rc;
	resp_set_data(resp, list);
	json_t *filter = json_object();
	jx_set_str(filter, "q", f.q ? f.q : "");
	jx_set_str(filter, "role", f.role ? role_name(f.role) : "");
	jx_set_str(filter, "status", statuses[f.status]);
	json_object_set_new(list, "values", filter);
	api_labels(req, json_object_get(list, "items"), "role", "roles");
	api_pager(req, list);
	return 0;
}

int api_users_new(struct req *req, struct resp *resp)
{
	(void)req;
	json_object_set_new(resp_data(resp), "values", json_pack("{s:s}", "role", "employee"));
	return 0;
}

int api_users_create(struct req *req, struct resp *resp)
{
	struct input in;
	int rc = input_begin(req, &in);
	if (rc)
		goto out;
	struct user_new u = {
		.email = in_email(&in, "email", IN_REQUIRED),
		.name = in_text(&in, "name", IN_REQUIRED, 200),
		.role = role_parse(in_enum(&in, "role", IN_REQUIRED, api_roles)),
		.lang = in_enum(&in, "lang", 0, api_langs),
		.password = in_text(&in, "password", IN_REQUIRED | IN_SECRET | IN_RAW, USER_PASSWORD_MAX),
	};
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		goto out;
	}
	struct actor who = req_actor(req);
	int64_t id = 0;
	rc = user_create(req->db, &who, &u, &id, &req->err);
	if (rc) {
		rc = input_fail_domain(&in, resp, rc);
		goto out;
	}
	json_t *user = NULL;
	if ((rc = user_get(req->db, who.org_id, id, &user)))
		goto out;
	resp_set_data(resp, user);
	resp->status = 201;
	if (req->api) /* a browser is sent to the page instead (one Location only) */
		resp_header(resp, req, "Location",
			    arena_printf(&req->arena, "/api/v1/users/%lld", (long long)id));
	resp_redirect(resp, req, arena_printf(&req->arena, "/users/%lld", (long long)id),
		      "flash.user_created");
out:
	input_end(&in);
	return rc;
}

int api_users_show(struct req *req, struct resp *resp)
{
	int64_t id;
	json_t *u = NULL;
	int rc = req_param_id(req, "id", &id);
	if (!rc)
		rc = user_get(req->db, req->who.org_id, id, &u);
	if (rc)
		return rc == BRUG_ENOTFOUND ? brug_fail(&req->err, rc, "error.user_not_found", NULL) : rc;
	jx_set_bool(u, "can_edit", req->who.role >= ROLE_ADMIN);
	api_labels(req, u, "role", "roles");
	api_labels(req, u, "lang", "langs");
	resp_set_data(resp, u);
	return 0;
}

/* The edit form's values from the stored user. */
static int edit_values(struct req *req, struct resp *resp, int64_t id)
{
	json_t *u = NULL;
	int rc = user_get(req->db, req->who.org_id, id, &u);
	if (rc)
		return rc;
	json_t *d = resp_data(resp);
	json_object_set(d, "user", u);
	if (!json_object_get(d, "values")) {
		json_t *v = json_object();
		jx_set_str(v, "name", jx_str(u, "name"));
		jx_set_str(v, "email", jx_str(u, "email"));
		jx_set_str(v, "role", jx_str(u, "role"));
		jx_set_str(v, "lang", jx_str(u, "lang") ? jx_str(u, "lang") : "");
		jx_set_bool(v, "disabled", jx_bool(u, "is_disabled", false));
		json_object_set_new(d, "values", v);
	}
	json_decref(u);
	return 0;
}

int api_users_edit(struct req *req, struct resp *resp)
{
	int64_t id;
	int rc = req_param_id(req, "id", &id);
	return rc ? rc : edit_values(req, resp, id);
}

static void read_patch(struct input *in, struct user_patch *p)
{
	static const char *const langs[] = {"", "nl", "en", NULL};
	p->disabled = -1;
	if (in_has(in, "name"))
		p->name = in_text(in, "name", IN_REQUIRED, 200);
	if (in_has(in, "email"))
		p->email = in_email(in, "email", IN_REQUIRED);
	if (in_has(in, "role"))
		p->role = role_parse(in_enum(in, "role", IN_REQUIRED, api_roles));
	if (in_has(in, "lang")) {
		p->lang = in_enum(in, "lang", 0, langs);
		if (!p->lang && !json_object_get(in->fields, "lang"))
			p->lang = "";
	}
	/* forms send the checkbox only when ticked; the form marks itself so an
	 * unticked box means "enabled" there but "unchanged" in a JSON patch */
	if (in->typed ? in_has(in, "disabled") : in_has(in, "form_status"))
		p->disabled = in_bool(in, "disabled", false) ? 1 : 0;
}

int api_users_update(struct req *req, struct resp *resp)
{
	struct input in;
	int64_t id = 0;
	int rc = input_begin_id(req, &in, "id", &id, "error.user_not_found");
	if (rc)
		goto out;
	struct user_patch p = {0};
	read_patch(&in, &p);
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		edit_values(req, resp, id);
		goto out;
	}
	struct actor who = req_actor(req);
	rc = user_update(req->db, &who, id, &p, &req->err);
	if (rc) {
		rc = input_fail_domain(&in, resp, rc);
		if (rc != BRUG_ENOTFOUND)
			edit_values(req, resp, id);
		goto out;
	}
	json_t *u = NULL;
	if ((rc = user_get(req->db, who.org_id, id, &u)))
		goto out;
	resp_set_data(resp, u);
	resp_redirect(resp, req, arena_printf(&req->arena, "/users/%lld", (long long)id), "flash.saved");
out:
	input_end(&in);
	return rc;
}

int api_users_password(struct req *req, struct resp *resp)
{
	struct input in;
	int64_t id = 0;
	int rc = input_begin_id(req, &in, "id", &id, "error.user_not_found");
	if (rc)
		goto out;
	const char *pw = in_text(&in, "password", IN_REQUIRED | IN_SECRET | IN_RAW, USER_PASSWORD_MAX);
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		edit_values(req, resp, id);
		goto out;
	}
	struct actor who = req_actor(req);
	rc = user_set_password(req->db, &who, id, pw, id == req->who.user_id ? req->who.session_id : 0,
			       &req->err);
	if (rc) {
		rc = input_fail_domain(&in, resp, rc);
		if (rc != BRUG_ENOTFOUND)
			edit_values(req, resp, id);
		goto out;
	}
	jx_set_bool(resp_data(resp), "ok", true);
	resp_redirect(resp, req, arena_printf(&req->arena, "/users/%lld", (long long)id),
		      "flash.password_set");
out:
	input_end(&in);
	return rc;
}

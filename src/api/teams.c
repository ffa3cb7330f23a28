/* SPDX-License-Identifier: Apache-2.0 */
/* Teams: everyone sees them; managers and administrators create, rename
 * and delete them and decide who is in them and who leads. */
#include "api/handlers.h"

#include <string.h>

#include "api/common.h"
#include "domain/team.h"
#include "domain/user.h"
#include "util/jx.h"

static int team_id(struct req *req, int64_t *id)
{
	int rc = req_param_id(req, "id", id);
	return rc ? brug_fail(&req->err, rc, "error.team_not_found", NULL) : 0;
}

static int not_found(struct req *req, int rc)
{
	return rc == BRUG_ENOTFOUND ? brug_fail(&req->err, rc, "error.team_not_found", NULL) : rc;
}

int api_teams_list(struct req *req, struct resp *resp)
{
	json_t *list = NULL;
	struct listing page;
	api_paging(req, &page.page, &page.per_page);
	int rc = team_list(req->db, req->who.org_id, page, &list);
	if (rc)
		return rc;
	jx_set_bool(list, "can_edit", req->who.role >= ROLE_MANAGER);
	api_pager(req, list);
	resp_set_data(resp, list);
	return 0;
}

int api_teams_new(struct req *req, struct resp *resp)
{
	(void)req;
	json_object_set_new(resp_data(resp), "values", json_object());
	return 0;
}

int api_teams_create(struct req *req, struct resp *resp)
{
	struct input in;
	int rc = input_begin(req, &in);
	if (rc)
		goto out;
	const char *name = in_text(&in, "name", IN_REQUIRED, 100);
	const char *desc = in_text(&in, "description", IN_MULTILINE, 2000);
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		goto out;
	}
	struct actor who = req_actor(req);
	int64_t id = 0;
	rc = team_create(req->db, &who, name, desc, &id, &req->err);
	if (rc) {
		rc = input_fail_domain(&in, resp, rc);
		goto out;
	}
	json_t *t = NULL;
	if ((rc = team_get(req->db, who.org_id, id, &t)))
		goto out;
	resp_set_data(resp, t);
	resp->status = 201;
	if (req->api) /* a browser is sent to the page instead (one Location only) */
		resp_header(resp, req, "Location",
			    arena_printf(&req->arena, "/api/v1/teams/%lld", (long long)id));
	resp_redirect(resp, req, arena_printf(&req->arena, "/teams/%lld", (long long)id),
		      "flash.team_created");
out:
	input_end(&in);
	return rc;
}

/* For managers: the users who could be added, as select options. */
static int candidates(struct req *req, json_t *team)
{
	struct user_filter f = {.status = 1, .per_page = 200, .page = 1};
	json_t *list = NULL;
	int rc = user_list(req->db, req->who.org_id, &f, &list);
	if (rc)
		return rc;
	json_object_set(team, "candidates", json_object_get(list, "items"));
	json_decref(list);
	return 0;
}

static int show(struct req *req, struct resp *resp, int64_t id)
{
	json_t *t = NULL;
	int rc = team_get(req->db, req->who.org_id, id, &t);
	if (rc)
		return not_found(req, rc);
	bool manage = req->who.role >= ROLE_MANAGER;
	jx_set_bool(t, "can_edit", manage);
	if (manage && !req->api && (rc = candidates(req, t))) {
		json_decref(t);
		return rc;
	}
	json_object_update_missing(resp_data(resp), t);
	json_decref(t);
	return 0;
}

int api_teams_show(struct req *req, struct resp *resp)
{
	int64_t id;
	int rc = team_id(req, &id);
	return rc ? rc : show(req, resp, id);
}

static int edit_values(struct req *req, struct resp *resp, int64_t id)
{
	json_t *t = NULL;
	int rc = team_get(req->db, req->who.org_id, id, &t);
	if (rc)
		return not_found(req, rc);
	json_t *d = resp_data(resp);
	json_object_set(d, "team", t);
	if (!json_object_get(d, "values"))
		json_object_set_new(d, "values", json_pack("{s:O,s:O}", "name", json_object_get(t, "name"),
							   "description", json_object_get(t, "description")));
	json_decref(t);
	return 0;
}

int api_teams_edit(struct req *req, struct resp *resp)
{
	int64_t id;
	int rc = team_id(req, &id);
	return rc ? rc : edit_values(req, resp, id);
}

int api_teams_update(struct req *req, struct resp *resp)
{
	struct input in;
	int64_t id = 0;
	int rc = input_begin_id(req, &in, "id", &id, "error.team_not_found");
	if (rc)
		goto out;
	const char *name = in_has(&in, "name") ? in_text(&in, "name", IN_REQUIRED, 100) : NULL;
	const char *desc = in_has(&in, "description") ? in_text(&in, "description", IN_MULTILINE, 2000)
						      : NULL;
	if (!input_ok(&in)) {
		/* the form again; a team that is not there is 404 (as below) */
		int shown = edit_values(req, resp, id);
		rc = shown ? shown : input_fail(&in, resp);
		goto out;
	}
	struct actor who = req_actor(req);
	rc = team_update(req->db, &who, id, name, desc, &req->err);
	if (rc) {
		rc = input_fail_domain(&in, resp, not_found(req, rc));
		if (rc != BRUG_ENOTFOUND)
			edit_values(req, resp, id);
		goto out;
	}
	json_t *t = NULL;
	if ((rc = team_get(req->db, who.org_id, id, &t)))
		goto out;
	resp_set_data(resp, t);
	resp_redirect(resp, req, arena_printf(&req->arena, "/teams/%lld", (long long)id), "flash.saved");
out:
	input_end(&in);
	return rc;
}

int api_teams_delete(struct req *req, struct resp *resp)
{
	int64_t id;
	int rc = team_id(req, &id);
	if (rc)
		return rc;
	struct actor who = req_actor(req);
	rc = team_delete(req->db, &who, id, &req->err);
	if (rc)
		return not_found(req, rc);
	resp->status = 204;
	resp_redirect(resp, req, "/teams", "flash.team_deleted");
	return 0;
}

int api_teams_member_add(struct req *req, struct resp *resp)
{
	struct input in;
	int64_t id = 0;
	int rc = input_begin_id(req, &in, "id", &id, "error.team_not_found");
	if (rc)
		goto out;
	int64_t user = in_int(&in, "user_id", IN_REQUIRED, 1, INT64_MAX, 0);
	bool lead = in_bool(&in, "lead", false);
	if (!input_ok(&in)) {
		/* the team's page again with the messages; a team that is not
		 * there (or another organisation's) is 404, not a 422 that says so */
		int shown = show(req, resp, id);
		rc = shown ? shown : input_fail(&in, resp);
		goto out;
	}
	struct actor who = req_actor(req);
	rc = team_member_set(req->db, &who, id, user, lead, &req->err);
	if (rc)
		goto out;
	json_t *t = NULL;
	if ((rc = team_get(req->db, who.org_id, id, &t)))
		goto out;
	resp_set_data(resp, t);
	resp_redirect(resp, req, arena_printf(&req->arena, "/teams/%lld", (long long)id),
		      "flash.member_saved");
out:
	input_end(&in);
	return rc;
}

int api_teams_member_remove(struct req *req, struct resp *resp)
{
	int64_t id, user;
	int rc = team_id(req, &id);
	if (!rc)
		rc = req_param_id(req, "user_id", &user);
	if (rc)
		return rc;
	struct actor who = req_actor(req);
	rc = team_member_remove(req->db, &who, id, user, &req->err);
	if (rc)
		return rc;
	resp->status = 204;
	resp_redirect(resp, req, arena_printf(&req->arena, "/teams/%lld", (long long)id),
		      "flash.member_removed");
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* API tokens: every user makes tokens that act as themselves; the secret
 * is shown once, in the response that creates it. Administrators see and
 * revoke every token of the organisation. */
#include "api/handlers.h"

#include "api/common.h"
#include "domain/token.h"
#include "util/clock.h"
#include "util/jx.h"

static int list_into(struct req *req, struct resp *resp)
{
	bool admin = req->who.role >= ROLE_ADMIN;
	json_t *list = NULL;
	struct listing page;
	api_paging(req, &page.page, &page.per_page);
	int rc = token_list(req->db, req->who.org_id, admin ? 0 : req->who.user_id, page, &list);
	if (rc)
		return rc;
	api_pager(req, list);
	jx_set_bool(list, "all_users", admin);
	json_object_update_missing(resp_data(resp), list);
	json_decref(list);
	return 0;
}

int api_tokens_list(struct req *req, struct resp *resp)
{
	return list_into(req, resp);
}

int api_tokens_create(struct req *req, struct resp *resp)
{
	struct input in;
	int rc = input_begin(req, &in);
	if (rc)
		goto out;
	const char *name = in_text(&in, "name", IN_REQUIRED, 100);
	int64_t days = in_int(&in, "expires_in_days", 0, 0, 3650, 0);
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		list_into(req, resp);
		goto out;
	}
	struct actor who = req_actor(req);
	char secret[TOKEN_MAX];
	int64_t id = 0, expires = days ? clock_now_ms() + days * 86400000 : 0;
	rc = token_create(req->db, &who, req->who.user_id, name, expires, secret, &id, &req->err);
	if (rc)
		goto out;
	json_t *d = resp_data(resp);
	json_t *created = json_object();
	jx_set_int(created, "id", id);
	jx_set_str(created, "name", name);
	jx_set_str(created, "token", secret);
	jx_set_time(created, "expires_at", expires);
	if (req->api) {
		json_object_update(d, created);
	} else {
		/* the page shows the list with the new secret on top, once; no
		 * redirect, or the secret would have to be stored to show it */
		json_object_set(d, "created", created);
		rc = list_into(req, resp);
	}
	json_decref(created);
	resp->status = 201;
out:
	input_end(&in);
	return rc;
}

int api_tokens_revoke(struct req *req, struct resp *resp)
{
	int64_t id;
	int rc = req_param_id(req, "id", &id);
	if (rc)
		return rc;
	struct actor who = req_actor(req);
	rc = token_revoke(req->db, &who, id, req->who.role >= ROLE_ADMIN ? 0 : req->who.user_id,
			  &req->err);
	if (rc)
		return rc;
	resp->status = 204;
	resp_redirect(resp, req, "/tokens", "flash.token_revoked");
	return 0;
}

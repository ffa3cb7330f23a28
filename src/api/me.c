/* SPDX-License-Identifier: Apache-2.0 */
/* The signed-in user's own account: who am I (GET /api/v1/me), my name
 * and language, my password. */
#include "api/handlers.h"

#include <string.h>

#include "api/common.h"
#include "domain/user.h"
#include "util/jx.h"

static const char *const lang_choices[] = {"", "nl", "en", NULL};

/* The account page's data: the user, the organisation, and form values. */
/* The account page's data: the user, the organisation, and (for the page)
 * form values. The user object becomes the data itself when there is none
 * yet, rather than being copied into it. */
static int me_data(struct req *req, struct resp *resp)
{
	json_t *u = NULL;
	int rc = user_get(req->db, req->who.org_id, req->who.user_id, &u);
	if (rc)
		return rc;
	json_t *d = u;
	if (resp->data) {
		d = resp->data;
		json_object_update(d, u);
		json_decref(u);
	} else {
		resp_set_data(resp, u);
	}
	json_t *org = json_object();
	jx_set_int(org, "id", req->who.org_id);
	jx_set_str(org, "name", req->who.org_name);
	json_object_set_new(d, "org", org);
	jx_set_str(d, "auth", req->auth == AUTH_TOKEN ? "token" : "session");
	if (!req->api && !json_object_get(d, "values")) {
		json_t *v = json_object();
		jx_set_str(v, "name", jx_str(d, "name"));
		jx_set_str(v, "lang", jx_str(d, "lang") ? jx_str(d, "lang") : "");
		json_object_set_new(d, "values", v);
	}
	return 0;
}

int api_me_show(struct req *req, struct resp *resp)
{
	return me_data(req, resp);
}

int api_me_update(struct req *req, struct resp *resp)
{
	struct input in;
	int rc = input_begin(req, &in);
	if (rc)
		goto out;
	struct user_patch p = {.disabled = -1};
	p.name = in_has(&in, "name") ? in_text(&in, "name", IN_REQUIRED, 200) : NULL;
	p.lang = in_has(&in, "lang") ? in_enum(&in, "lang", 0, lang_choices) : NULL;
	if (in_has(&in, "lang") && !p.lang && input_ok(&in))
		p.lang = ""; /* empty: follow the browser */
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		me_data(req, resp);
		goto out;
	}
	struct actor who = req_actor(req);
	rc = user_update(req->db, &who, req->who.user_id, &p, &req->err);
	if (rc) {
		rc = input_fail_domain(&in, resp, rc);
		goto out;
	}
	if (p.lang)
		req->lang = *p.lang ? p.lang : req->lang;
	resp_redirect(resp, req, "/me", "flash.saved");
	rc = me_data(req, resp);
out:
	input_end(&in);
	return rc;
}

int api_me_password(struct req *req, struct resp *resp)
{
	struct input in;
	int rc = input_begin(req, &in);
	if (rc)
		goto out;
	const char *current = in_text(&in, "current_password", IN_REQUIRED | IN_SECRET | IN_RAW, 1024);
	const char *pw = in_text(&in, "password", IN_REQUIRED | IN_SECRET | IN_RAW, USER_PASSWORD_MAX);
	const char *confirm = in_text(&in, "password_confirm", IN_SECRET | IN_RAW, USER_PASSWORD_MAX);
	if (pw && confirm && *confirm && strcmp(pw, confirm) != 0)
		in_error(&in, "password_confirm", "error.password_mismatch");
	if (current && !user_password_ok(req->db, req->who.org_id, req->who.user_id, current))
		in_error(&in, "current_password", "error.password_wrong");
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		me_data(req, resp);
		goto out;
	}
	struct actor who = req_actor(req);
	rc = user_set_password(req->db, &who, req->who.user_id, pw, req->who.session_id, &req->err);
	if (rc) {
		rc = input_fail_domain(&in, resp, rc);
		me_data(req, resp);
		goto out;
	}
	resp_redirect(resp, req, "/me", "flash.password_changed");
	jx_set_bool(resp_data(resp), "ok", true);
out:
	input_end(&in);
	return rc;
}

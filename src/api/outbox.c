/* SPDX-License-Identifier: Apache-2.0 */
/* Outgoing mail for administrators: the outbox by status, one mail read
 * back (headers, text, raw bytes), a retry of a failed or held mail, and a
 * test mail to the administrator's own address. Delivery is the mail.send
 * job's (domain/outbox_send.c). */
#include "api/handlers.h"

#include <string.h>

#include "api/common.h"
#include "domain/outbox.h"
#include "http/app.h"
#include "util/buf.h"
#include "util/jx.h"
#include "view/render.h"

static const char *const statuses[] = {"queued", "sent", "failed", "held", NULL};

/* For pages: which mails can be retried. */
static void mark_retry(json_t *mail)
{
	const char *s = jx_str(mail, "status");
	jx_set_bool(mail, "can_retry", s && (!strcmp(s, "failed") || !strcmp(s, "held")));
}

int api_outbox_list(struct req *req, struct resp *resp)
{
	const char *status = req_query(req, "status");
	bool known = false;
	for (size_t i = 0; status && statuses[i]; i++)
		known |= !strcmp(status, statuses[i]);
	if (!known)
		status = NULL;
	struct listing page;
	api_paging(req, &page.page, &page.per_page);
	json_t *list = NULL, *counts = NULL;
	int rc = outbox_list(req->db, req->who.org_id, status, page, &list);
	if (!rc)
		rc = outbox_counts(req->db, req->who.org_id, &counts);
	if (rc) {
		json_decref(list);
		return rc;
	}
	json_object_set_new(list, "counts", counts);
	json_object_set_new(list, "values", json_pack("{s:s}", "status", status ? status : ""));
	api_labels(req, json_object_get(list, "items"), "status", "outbox.statuses");
	if (!req->api) {
		size_t i;
		json_t *e;
		json_array_foreach(json_object_get(list, "items"), i, e) mark_retry(e);
	}
	api_pager(req, list);
	resp_set_data(resp, list);
	return 0;
}

int api_outbox_show(struct req *req, struct resp *resp)
{
	int64_t id;
	int rc = req_param_id(req, "id", &id);
	json_t *mail = NULL;
	if (!rc)
		rc = outbox_get(req->db, req->who.org_id, id, &mail);
	if (rc == BRUG_ENOTFOUND)
		return brug_fail(&req->err, rc, "error.not_found", NULL);
	if (rc)
		return rc;
	api_labels(req, mail, "status", "outbox.statuses");
	if (!req->api)
		mark_retry(mail);
	resp_set_data(resp, mail);
	return 0;
}

int api_outbox_retry(struct req *req, struct resp *resp)
{
	int64_t id;
	int rc = req_param_id(req, "id", &id);
	if (rc)
		return rc;
	struct actor who = req_actor(req);
	if ((rc = outbox_retry(req->db, &who, id, &req->err)))
		return rc;
	json_t *d = resp_data(resp);
	jx_set_int(d, "id", id);
	jx_set_str(d, "status", "queued");
	resp_redirect(resp, req, arena_printf(&req->arena, "/outbox/%lld", (long long)id),
		      "flash.outbox_retried");
	return 0;
}

int api_outbox_test(struct req *req, struct resp *resp)
{
	const struct i18n *cat = app_catalogs(req->app, req);
	struct mail_env env;
	json_t *data = json_pack("{s:s}", "name", req->who.name);
	struct buf html;
	buf_init(&html, 0);
	int rc = mail_env_init(&env, app_config(req->app), &req->err);
	if (!rc)
		rc = render_view(req, resp, "mail_test", data, &html);
	if (rc)
		goto out;
	struct mail_msg m = {
		.to = {.addr = req->who.email, .name = mail_display_name(req->who.name)},
		.subject = i18n_text(cat, req->lang, "outbox.test_subject"),
		.text = i18n_text(cat, req->lang, "outbox.test_text"),
		.html = buf_str(&html),
	};
	struct actor who = req_actor(req);
	int64_t id = 0;
	if ((rc = outbox_test(req->db, &env, &who, &m, &id, &req->err)))
		goto out;
	json_t *d = resp_data(resp);
	jx_set_int(d, "id", id);
	jx_set_str(d, "kind", "test");
	jx_set_str(d, "to_addr", req->who.email);
	jx_set_str(d, "status", "queued");
	resp->status = 201;
	resp_redirect(resp, req, "/outbox", "flash.outbox_test");
out:
	buf_cleanup(&html);
	json_decref(data);
	return rc;
}

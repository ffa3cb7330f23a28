/* SPDX-License-Identifier: Apache-2.0 */
/* Webhooks, for administrators: the subscriptions (a URL and its events),
 * each with its secret and its delivery log, and the writes behind them.
 * The page lists them on /webhooks with a form to add one; a webhook's own
 * page shows its secret and its latest deliveries. */
#include "api/handlers.h"

#include <string.h>

#include "api/common.h"
#include "domain/webhook.h"
#include "util/jx.h"

static int not_found(struct req *req, int rc)
{
	return rc == BRUG_ENOTFOUND && !req->err.key
		       ? brug_fail(&req->err, rc, "error.webhook_not_found", NULL)
		       : rc;
}

/* For the page's checkboxes: [{value, label, checked}] of every event. */
static json_t *event_options(struct req *req, const json_t *chosen)
{
	json_t *a = json_array();
	for (size_t i = 0; webhook_events[i]; i++) {
		bool on = false;
		size_t j;
		json_t *e;
		json_array_foreach(chosen, j, e) on = on || !strcmp(json_string_value(e) ? json_string_value(e) : "", webhook_events[i]);
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", webhook_events[i], "key",
						   arena_printf(&req->arena, "webhooks.event_%s",
								strchr(webhook_events[i], '.') + 1),
						   "checked", on));
	}
	return a;
}

static int list_into(struct req *req, struct resp *resp)
{
	json_t *list = NULL;
	int rc = webhook_list(req->db, req->who.org_id, &list);
	if (rc)
		return rc;
	json_t *d = resp_data(resp);
	json_object_update_missing(d, list);
	json_decref(list);
	if (!req->api)
		json_object_set_new(d, "events", event_options(req, json_object_get(json_object_get(d, "values"), "events")));
	return 0;
}

int api_webhooks_list(struct req *req, struct resp *resp)
{
	return list_into(req, resp);
}

/* events from JSON (a list) or a form (one or more checkboxes). */
static json_t *in_events(struct input *in)
{
	json_t *v = json_object_get(in->src, "events");
	if (!v)
		return NULL;
	if (json_is_string(v) && !in->typed)
		return json_pack("[O]", v);
	return json_incref(v);
}

int api_webhooks_create(struct req *req, struct resp *resp)
{
	struct input in;
	int rc = input_begin(req, &in);
	if (rc)
		return rc;
	const char *url = in_text(&in, "url", IN_REQUIRED, WEBHOOK_URL_MAX);
	json_t *events = in_events(&in);
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		list_into(req, resp);
		goto out;
	}
	struct actor who = req_actor(req);
	int64_t id = 0;
	char secret[WEBHOOK_SECRET_MAX];
	if ((rc = webhook_create(req->db, &who, url, events, &id, secret, &req->err))) {
		rc = input_fail_domain(&in, resp, rc);
		list_into(req, resp);
		goto out;
	}
	json_t *w = NULL;
	if ((rc = webhook_get(req->db, req->who.org_id, id, &w)))
		goto out;
	resp_set_data(resp, w);
	resp->status = 201;
	resp_redirect(resp, req, arena_printf(&req->arena, "/webhooks/%lld", (long long)id),
		      "flash.webhook_created");
out:
	json_decref(events);
	input_end(&in);
	return rc;
}

static int show(struct req *req, struct resp *resp, int64_t id)
{
	json_t *w = NULL;
	int rc = webhook_get(req->db, req->who.org_id, id, &w);
	if (rc)
		return not_found(req, rc);
	if (!req->api) {
		json_object_set_new(w, "event_options", event_options(req, json_object_get(w, "events")));
		api_labels(req, json_object_get(w, "deliveries"), "status", "webhooks.statuses");
	}
	json_object_update_missing(resp_data(resp), w);
	json_decref(w);
	return 0;
}

int api_webhooks_show(struct req *req, struct resp *resp)
{
	int64_t id;
	if (req_param_id(req, "id", &id))
		return brug_fail(&req->err, BRUG_ENOTFOUND, "error.webhook_not_found", NULL);
	return show(req, resp, id);
}

int api_webhooks_update(struct req *req, struct resp *resp)
{
	struct input in;
	int64_t id = 0;
	int rc = input_begin_id(req, &in, "id", &id, "error.webhook_not_found");
	if (rc)
		goto out_noin;
	const char *url = in_has(&in, "url") ? in_text(&in, "url", IN_REQUIRED, WEBHOOK_URL_MAX) : NULL;
	json_t *events = in_events(&in);
	int active = in_has(&in, "active") ? in_bool(&in, "active", true) : -1;
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		show(req, resp, id);
		goto out;
	}
	struct actor who = req_actor(req);
	if ((rc = webhook_update(req->db, &who, id, url, events, active, &req->err))) {
		rc = input_fail_domain(&in, resp, not_found(req, rc));
		if (rc != BRUG_ENOTFOUND)
			show(req, resp, id);
		goto out;
	}
	if (!(rc = show(req, resp, id)))
		resp_redirect(resp, req, arena_printf(&req->arena, "/webhooks/%lld", (long long)id),
			      "flash.saved");
out:
	json_decref(events);
	input_end(&in);
out_noin:
	return rc;
}

int api_webhooks_delete(struct req *req, struct resp *resp)
{
	int64_t id;
	if (req_param_id(req, "id", &id))
		return brug_fail(&req->err, BRUG_ENOTFOUND, "error.webhook_not_found", NULL);
	struct actor who = req_actor(req);
	int rc = webhook_delete(req->db, &who, id, &req->err);
	if (rc)
		return not_found(req, rc);
	resp->status = 204;
	resp_redirect(resp, req, "/webhooks", "flash.webhook_deleted");
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Sending surveys, for managers and administrators: the send form's data
 * (for the survey page), a wave of invitations, the list of invitations
 * with why people were skipped and what became of their mail; the
 * organisation's feedback rules; and the public unsubscribe page behind
 * every invitation's link (also the RFC 8058 one-click target). */
#include "api/handlers.h"

#include <stdio.h>
#include <string.h>

#include "api/common.h"
#include "api/survey_input.h"
#include "core/i18n.h"
#include "domain/feedback_config.h"
#include "domain/org.h"
#include "domain/survey.h"
#include "domain/survey_invite.h"
#include "domain/survey_token.h"
#include "domain/user.h"
#include "http/app.h"
#include "http/input.h"
#include "util/jx.h"

#define FORM_IDS_MAX 400 /* the domain's limit on explicit people per wave */

static const char *const rel_types[] = {"customer", "prospect", "supplier", "partner", NULL};

void api_survey_send_data(struct req *req, json_t *s)
{
	const char *kind = jx_str(s, "kind");
	jx_set_bool(s, "is_relationship", kind && !strcmp(kind, "relationship"));
	const struct i18n *cat = app_catalogs(req->app, req);
	json_t *types = json_array();
	for (size_t i = 0; rel_types[i]; i++) {
		const char *key = arena_printf(&req->arena, "relations.types.%s", rel_types[i]);
		json_array_append_new(types, json_pack("{s:s,s:s}", "value", rel_types[i], "label",
						       i18n_text(cat, req->lang, key)));
	}
	json_object_set_new(s, "send_types", types);
}

static int invitations_page(struct req *req, struct resp *resp, int64_t id);

int api_survey_invitations_create(struct req *req, struct resp *resp)
{
	struct input in;
	int64_t id = 0;
	json_t *types = NULL, *tags = NULL, *res = NULL, *ids = NULL;
	int rc = input_begin_id(req, &in, "id", &id, "error.survey_not_found");
	if (rc)
		goto out;
	types = api_survey_types_read(&in, "relation_types");
	tags = api_survey_tags_read(&in, "tags");
	const char *owner = in.typed ? NULL : jx_str(in.src, "owner_id");
	int64_t owner_id = owner && !*owner ? 0 : in_int(&in, "owner_id", 0, 1, INT64_MAX, 0);
	ids = in.typed ? json_incref(json_object_get(in.src, "relation_ids")) : NULL;
	if (in.typed && json_is_null(ids)) {
		json_decref(ids);
		ids = NULL;
	} else if (!in.typed && in_has(&in, "relation_ids")) {
		/* a form's ids: explicit people, never "everyone" when they are bad */
		int64_t v[FORM_IDS_MAX];
		size_t n = in_ids(&in, "relation_ids", v, FORM_IDS_MAX);
		if (n == 0)
			in_error(&in, "relation_ids", "error.survey_relation_ids");
		ids = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(ids, json_integer(v[i]));
	}
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		invitations_page(req, resp, id);
		goto out;
	}
	struct survey_selection sel = {.relation_types = json_is_null(types) ? NULL : types,
				       .tags = json_is_null(tags) ? NULL : tags,
				       .owner_id = owner_id,
				       .relation_ids = ids};
	struct actor who = req_actor(req);
	rc = survey_invite_wave(req->db, &who, id, &sel, &res, &req->err);
	if (rc == BRUG_ENOTFOUND)
		goto out;
	if (rc) {
		rc = input_fail_domain(&in, resp, rc);
		invitations_page(req, resp, id);
		goto out;
	}
	json_t *d = resp_data(resp);
	json_object_update(d, res);
	resp->status = 201;
	resp_redirect(resp, req, arena_printf(&req->arena, "/surveys/%lld/invitations", (long long)id),
		      "flash.invitations_sent");
out:
	json_decref(types);
	json_decref(tags);
	json_decref(ids);
	json_decref(res);
	input_end(&in);
	return rc;
}

/* Labels of status, reason and mail status, for the page. */
static void list_labels(struct req *req, json_t *items)
{
	const struct i18n *cat = app_catalogs(req->app, req);
	json_t *it;
	size_t i;
	api_labels(req, items, "status", "invitations.statuses");
	json_array_foreach(items, i, it) {
		const char *why = jx_str(it, "skip_reason");
		if (why && *why)
			jx_set_str(it, "reason_label",
				   i18n_text(cat, req->lang,
					     arena_printf(&req->arena, "invitations.reasons.%s", why)));
		const char *ms = jx_str(it, "mail_status");
		if (ms)
			jx_set_str(it, "mail_label",
				   i18n_text(cat, req->lang,
					     arena_printf(&req->arena, "invitations.mail_statuses.%s", ms)));
	}
}

/* The survey (with its send form's data) and a page of its invitations. */
static int invitations_page(struct req *req, struct resp *resp, int64_t id)
{
	json_t *s = NULL, *list = NULL;
	struct listing page;
	api_paging(req, &page.page, &page.per_page);
	int rc = survey_invite_list(req->db, req->who.org_id, id, page, &list);
	if (!rc)
		rc = survey_get(req->db, req->who.org_id, id, &s);
	if (rc == BRUG_ENOTFOUND && !req->err.key)
		brug_fail(&req->err, rc, "error.survey_not_found", NULL);
	if (rc)
		goto out;
	json_t *d = resp_data(resp);
	api_pager(req, list);
	if (req->api) {
		json_object_update_missing(d, list);
		goto out;
	}
	api_survey_send_data(req, s);
	jx_set_bool(s, "is_active", !strcmp(jx_str(s, "status"), "active"));
	struct user_filter uf = {.status = 1, .per_page = 200, .page = 1};
	json_t *users = NULL;
	if ((rc = user_list(req->db, req->who.org_id, &uf, &users)))
		goto out;
	json_object_set(s, "owners", json_object_get(users, "items"));
	json_decref(users);
	json_object_set(d, "survey", s);
	list_labels(req, json_object_get(list, "items"));
	json_object_update_missing(d, list);
out:
	json_decref(s);
	json_decref(list);
	return rc;
}

int api_survey_invitations_list(struct req *req, struct resp *resp)
{
	int64_t id;
	int rc = req_param_id(req, "id", &id);
	if (rc)
		return brug_fail(&req->err, rc, "error.survey_not_found", NULL);
	return invitations_page(req, resp, id);
}

/* The feedback rules as data, with the form's values. */
static int feedback_data(struct req *req, struct resp *resp)
{
	struct feedback_config c;
	int rc = feedback_config_get(req->db, req->who.org_id, &c);
	if (rc)
		return rc;
	json_t *v = json_pack("{s:i,s:i,s:i,s:i,s:i}", "contact_days", c.contact_days,
			      "reminder_days", c.reminder_days, "expiry_days", c.expiry_days,
			      "case_days", c.case_days, "link_per_hour", c.link_per_hour);
	json_t *d = resp_data(resp);
	json_object_update_missing(d, v);
	if (!json_object_get(d, "values"))
		json_object_set(d, "values", v);
	json_decref(v);
	return 0;
}

int api_feedback_settings_show(struct req *req, struct resp *resp)
{
	return feedback_data(req, resp);
}

int api_feedback_settings_update(struct req *req, struct resp *resp)
{
	struct input in;
	struct feedback_config c;
	int rc = input_begin(req, &in);
	if (rc || (rc = feedback_config_get(req->db, req->who.org_id, &c)))
		goto out;
	static const struct {
		const char *name;
		int min, max;
	} f[] = {{"contact_days", 1, 365}, {"reminder_days", 0, 60}, {"expiry_days", 1, 365},
		 {"case_days", 1, 30},     {"link_per_hour", 1, 10000}};
	int *slot[] = {&c.contact_days, &c.reminder_days, &c.expiry_days, &c.case_days,
		       &c.link_per_hour};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (in_has(&in, f[i].name))
			*slot[i] = (int)in_int(&in, f[i].name, IN_REQUIRED, f[i].min, f[i].max,
					       *slot[i]);
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		feedback_data(req, resp);
		goto out;
	}
	struct actor who = req_actor(req);
	if ((rc = feedback_config_set(req->db, &who, &c, &req->err))) {
		rc = input_fail_domain(&in, resp, rc);
		feedback_data(req, resp);
		goto out;
	}
	resp_redirect(resp, req, "/settings/feedback", "flash.saved");
	rc = feedback_data(req, resp);
out:
	input_end(&in);
	return rc;
}

/* The invitation of the path's token, its organisation's name, and the
 * page in the invitee's language; false (a friendly 404) for a bad token. */
static bool unsub_target(struct req *req, struct resp *resp, int64_t *id)
{
	const char *tok = req_param(req, "token");
	int64_t org = 0;
	char lang[8] = "";
	json_t *d = resp_data(resp);
	if (!tok || !survey_token_parse(app_secret(req->app), tok, id) ||
	    survey_invite_public(req->db, *id, &org, lang)) {
		resp->status = 404;
		jx_set_bool(d, "is_bad", true);
		return false;
	}
	req->lang = !strcmp(lang, "en") ? "en" : "nl";
	json_t *o = NULL;
	if (!org_get(req->db, org, &o))
		jx_set_str(d, "org_name", jx_str(o, "name"));
	json_decref(o);
	jx_set_str(d, "token", tok);
	return true;
}

int api_unsubscribe_form(struct req *req, struct resp *resp)
{
	int64_t id = 0;
	if (unsub_target(req, resp, &id))
		jx_set_bool(resp_data(resp), "is_form", true);
	return 0;
}

int api_unsubscribe(struct req *req, struct resp *resp)
{
	int64_t id = 0, org = 0;
	if (!unsub_target(req, resp, &id))
		return 0;
	int rc = survey_invite_optout(req->db, id, &org);
	if (rc == BRUG_ENOTFOUND) { /* a link survey's visit: nobody to opt out */
		resp->status = 404;
		jx_set_bool(resp_data(resp), "is_bad", true);
		return 0;
	}
	if (!rc)
		jx_set_bool(resp_data(resp), "is_done", true);
	return rc;
}

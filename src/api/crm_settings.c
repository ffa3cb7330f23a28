/* SPDX-License-Identifier: Apache-2.0 */
/* What administrators set up for the CRM: the roles employees handle
 * contact moments in, and the custom fields of relations. One page
 * (/settings/crm) and their API routes. */
#include "api/handlers.h"

#include <string.h>

#include "api/common.h"
#include "domain/custom_field.h"
#include "domain/interaction.h"
#include "util/jx.h"

static const char *const types[] = {"text", "number", "date", "choice", NULL};

static int settings_data(struct req *req, json_t *d)
{
	json_t *roles = NULL, *fields = NULL;
	int rc = interaction_roles(req->db, req->who.org_id, &roles);
	if (!rc)
		rc = custom_field_list(req->db, req->who.org_id, &fields);
	if (rc) {
		json_decref(roles);
		return rc;
	}
	api_labels(req, fields, "type", "crm_settings.types");
	json_object_set_new(d, "roles", roles);
	json_object_set_new(d, "custom_fields", fields);
	if (!json_object_get(d, "values"))
		json_object_set_new(d, "values", json_pack("{s:s}", "type", "text"));
	return 0;
}

int api_crm_settings_show(struct req *req, struct resp *resp)
{
	return settings_data(req, resp_data(resp));
}

int api_custom_fields_list(struct req *req, struct resp *resp)
{
	json_t *fields = NULL;
	int rc = custom_field_list(req->db, req->who.org_id, &fields);
	if (!rc)
		json_object_set_new(resp_data(resp), "items", fields);
	return rc;
}

/* Choices typed in a form, one per line or separated by commas. */
static json_t *form_choices(const char *s)
{
	json_t *a = json_array();
	while (s && *s) {
		size_t n = strcspn(s, ",\n\r");
		const char *p = s;
		while (n && (*p == ' ' || *p == '\t'))
			p++, n--;
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n)
			json_array_append_new(a, json_stringn(p, n));
		s += strcspn(s, ",\n\r");
		s += strspn(s, ",\n\r");
	}
	return a;
}

int api_custom_fields_create(struct req *req, struct resp *resp)
{
	struct input in;
	json_t *choices = NULL;
	int rc = input_begin(req, &in);
	if (rc)
		goto out;
	const char *name = in_text(&in, "name", IN_REQUIRED, 40);
	const char *label = in_text(&in, "label", IN_REQUIRED, 100);
	const char *type = in_enum(&in, "type", IN_REQUIRED, types);
	if (in.typed) {
		json_t *c = json_object_get(in.src, "choices");
		if (c && !json_is_array(c))
			in_error(&in, "choices", "error.field_choices");
		else if (c)
			choices = json_incref(c);
	} else if (in_has(&in, "choices")) {
		choices = form_choices(in_text(&in, "choices", IN_MULTILINE, 5000));
	}
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		settings_data(req, resp_data(resp));
		goto out;
	}
	struct actor who = req_actor(req);
	int64_t id = 0;
	if ((rc = custom_field_create(req->db, &who, name, label, type, choices, &id, &req->err))) {
		rc = input_fail_domain(&in, resp, rc);
		settings_data(req, resp_data(resp));
		goto out;
	}
	json_t *d = resp_data(resp);
	jx_set_int(d, "id", id);
	jx_set_str(d, "name", name);
	jx_set_str(d, "label", label);
	jx_set_str(d, "type", type);
	json_object_set_new(d, "choices", choices ? json_incref(choices) : json_array());
	resp->status = 201;
	resp_redirect(resp, req, "/settings/crm", "flash.field_created");
out:
	json_decref(choices);
	input_end(&in);
	return rc;
}

int api_custom_fields_delete(struct req *req, struct resp *resp)
{
	int64_t id;
	int rc = req_param_id(req, "id", &id);
	if (rc)
		return brug_fail(&req->err, rc, "error.not_found", NULL);
	struct actor who = req_actor(req);
	if ((rc = custom_field_delete(req->db, &who, id, &req->err)))
		return rc;
	resp->status = 204;
	resp_redirect(resp, req, "/settings/crm", "flash.field_deleted");
	return 0;
}

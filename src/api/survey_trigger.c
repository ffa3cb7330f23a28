/* SPDX-License-Identifier: Apache-2.0 */
/* The after-a-contact form of a transactional survey's page: how many
 * hours after a contact moment the invitation goes, and which channels
 * and roles of contact moments ask for one (none ticked: any), read into
 * the survey's settings and shown back. The rules are domain/survey.c's. */
#include <stdio.h>
#include <string.h>

#include "api/common.h"
#include "api/survey_input.h"
#include "core/i18n.h"
#include "domain/interaction.h"
#include "http/app.h"
#include "util/jx.h"

/* A form's ticked boxes (one value or repeated) as a list, "" dropped. */
static json_t *ticked(struct input *in, const char *field)
{
	json_t *v = json_object_get(in->src, field), *out = json_array(), *e;
	size_t i;
	if (json_is_string(v) && *json_string_value(v))
		json_array_append(out, v);
	json_array_foreach(v, i, e) if (json_is_string(e) && *json_string_value(e))
		json_array_append(out, e);
	return out;
}

json_t *api_survey_trigger_read(struct input *in, const json_t *old)
{
	json_t *s = json_is_object(old) ? json_deep_copy(old) : json_object();
	jx_set_int(s, "delay_hours", in_int(in, "trigger_delay_hours", 0, 0, 720, 0));
	static const char *const lists[][2] = {{"trigger_channels", "channels"},
					       {"trigger_roles", "roles"}};
	for (size_t k = 0; k < 2; k++) {
		json_t *v = ticked(in, lists[k][0]);
		if (json_array_size(v))
			json_object_set_new(s, lists[k][1], v);
		else {
			json_object_del(s, lists[k][1]);
			json_decref(v);
		}
	}
	return s;
}

static bool in_list(const json_t *list, const char *name)
{
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) if (json_is_string(e) && !strcmp(json_string_value(e), name))
		return true;
	return false;
}

int api_survey_trigger_data(struct req *req, json_t *s)
{
	const json_t *set = json_object_get(s, "settings");
	const struct i18n *cat = app_catalogs(req->app, req);
	json_t *tv = json_object(), *ch = json_array(), *ro = json_array(), *roles = NULL;
	jx_set_int(tv, "delay_hours", jx_int(set, "delay_hours", 0));
	for (size_t k = 0; interaction_channels[k]; k++) {
		const char *c = interaction_channels[k];
		const char *key = arena_printf(&req->arena, "interactions.channels.%s", c);
		json_array_append_new(ch, json_pack("{s:s,s:s,s:b}", "value", c, "label",
						    i18n_text(cat, req->lang, key), "is_checked",
						    in_list(json_object_get(set, "channels"), c)));
	}
	int rc = interaction_roles(req->db, req->who.org_id, &roles);
	size_t i;
	json_t *e;
	json_array_foreach(roles, i, e) {
		const char *name = jx_str(e, "name");
		if (name)
			json_array_append_new(ro, json_pack("{s:s,s:b}", "value", name, "is_checked",
							    in_list(json_object_get(set, "roles"), name)));
	}
	json_decref(roles);
	json_object_set_new(tv, "channels", ch);
	json_object_set_new(tv, "roles", ro);
	json_object_set_new(s, "trigger", tv);
	return rc;
}

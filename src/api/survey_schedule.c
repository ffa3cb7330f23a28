/* SPDX-License-Identifier: Apache-2.0 */
/* The schedule form of a relationship survey's page: presets in words
 * (monthly, quarterly) or a custom cron expression, and the selection a
 * scheduled wave asks (types, tags, owner), read into the survey's
 * settings and shown back with the next run. Selection lists from forms
 * (tags as comma-separated text, ticked types) are read here for the send
 * form too. The rules themselves are domain/survey.c's. */
#include <stdio.h>
#include <string.h>

#include "api/common.h"
#include "api/survey_input.h"
#include "core/i18n.h"
#include "http/app.h"
#include "util/buf.h"
#include "util/cron.h"
#include "util/jx.h"

static const char *const presets[] = {"", "0 9 1 * *", "0 9 1 1,4,7,10 *", "custom", NULL};
static const char *const preset_keys[] = {"none", "monthly", "quarterly", "custom"};
static const char *const rel_types[] = {"customer", "prospect", "supplier", "partner", NULL};

json_t *api_survey_tags_read(struct input *in, const char *field)
{
	json_t *v = json_object_get(in->src, field);
	if (in->typed || !json_is_string(v))
		return json_incref(v);
	json_t *a = json_array();
	const char *s = json_string_value(v);
	while (*s) {
		size_t n = strcspn(s, ",");
		const char *b = s, *e = s + n;
		while (b < e && (*b == ' ' || *b == '\t'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > b)
			json_array_append_new(a, json_stringn(b, (size_t)(e - b)));
		s += n + (s[n] == ',');
	}
	if (!json_array_size(a)) {
		json_decref(a);
		return NULL;
	}
	return a;
}

json_t *api_survey_types_read(struct input *in, const char *field)
{
	json_t *v = json_object_get(in->src, field);
	if (in->typed || !json_is_string(v))
		return json_incref(v);
	return json_pack("[O]", v);
}

/* settings[key] = v (a new reference) when it is a non-empty list, else
 * no key. */
static void set_list(json_t *settings, const char *key, json_t *v)
{
	if (json_is_array(v) && json_array_size(v))
		json_object_set_new(settings, key, v);
	else {
		json_object_del(settings, key);
		json_decref(v);
	}
}

json_t *api_survey_schedule_read(struct input *in, const json_t *old)
{
	json_t *s = json_is_object(old) ? json_deep_copy(old) : json_object();
	const char *cron = in_has(in, "schedule") ? in_text(in, "schedule", 0, CRON_EXPR_MAX) : NULL;
	if (cron && !strcmp(cron, "custom"))
		cron = in_text(in, "schedule_custom", IN_REQUIRED, CRON_EXPR_MAX);
	if (cron && *cron)
		jx_set_str(s, "schedule", cron);
	else
		json_object_del(s, "schedule");
	set_list(s, "relation_types", api_survey_types_read(in, "schedule_types"));
	set_list(s, "tags", api_survey_tags_read(in, "schedule_tags"));
	const char *owner = jx_str(in->src, "schedule_owner_id");
	if (owner && *owner)
		jx_set_int(s, "owner_id", in_int(in, "schedule_owner_id", 0, 1, INT64_MAX, 0));
	else
		json_object_del(s, "owner_id");
	return s;
}

/* The presets with the stored expression's one selected ("custom" for any
 * other expression, which then fills the custom field). */
static json_t *preset_options(struct req *req, const char *cron, json_t *sv)
{
	const struct i18n *cat = app_catalogs(req->app, req);
	json_t *a = json_array();
	size_t hit = 3;
	for (size_t i = 0; i < 3; i++)
		if (!strcmp(cron ? cron : "", presets[i]))
			hit = i;
	if (hit == 3)
		jx_set_str(sv, "schedule_custom", cron);
	for (size_t i = 0; presets[i]; i++) {
		const char *key = arena_printf(&req->arena, "surveys.schedule_%s", preset_keys[i]);
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", presets[i], "label",
						   i18n_text(cat, req->lang, key), "is_selected",
						   i == hit));
	}
	return a;
}

void api_survey_schedule_data(struct req *req, json_t *s, const json_t *owners)
{
	const json_t *set = json_object_get(s, "settings");
	json_t *sv = json_object();
	json_object_set_new(sv, "presets", preset_options(req, jx_str(set, "schedule"), sv));
	const struct i18n *cat = app_catalogs(req->app, req);
	json_t *types = json_array(), *chosen = json_object_get(set, "relation_types"), *e;
	size_t i;
	for (size_t k = 0; rel_types[k]; k++) {
		bool on = false;
		json_array_foreach(chosen, i, e) on |= !strcmp(json_string_value(e), rel_types[k]);
		const char *key = arena_printf(&req->arena, "relations.types.%s", rel_types[k]);
		json_array_append_new(types, json_pack("{s:s,s:s,s:b}", "value", rel_types[k],
						       "label", i18n_text(cat, req->lang, key),
						       "is_checked", on));
	}
	json_object_set_new(sv, "types", types);
	struct buf tags;
	buf_init(&tags, 8192);
	json_array_foreach(json_object_get(set, "tags"), i, e) {
		buf_adds(&tags, i ? ", " : "");
		buf_adds(&tags, json_string_value(e));
	}
	jx_set_str(sv, "tags", buf_str(&tags));
	buf_cleanup(&tags);
	json_t *people = json_deep_copy(owners);
	int64_t owner = jx_int(set, "owner_id", 0);
	json_array_foreach(people, i, e) jx_set_bool(e, "is_selected", jx_int(e, "id", 0) == owner);
	json_object_set_new(sv, "owners", people);
	json_object_set_new(s, "schedule", sv);
}

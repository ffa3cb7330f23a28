/* SPDX-License-Identifier: Apache-2.0 */
/* Survey templates, parsed from the embedded file on each use (a few
 * kilobytes; nothing shared, so nothing to lock); see survey_template.h. */
#include "domain/survey_template.h"

#include <stdio.h>
#include <string.h>

#include "util/embedded.h"
#include "util/jx.h"

/* The parsed file's template array (new reference), or NULL. */
static json_t *load(void)
{
	const struct embedded_file *f = embedded_find(SURVEY_TEMPLATE_FILE);
	if (!f)
		return NULL;
	json_t *doc = json_loadb((const char *)f->data, f->len, JSON_REJECT_DUPLICATES, NULL);
	json_t *list = json_object_get(doc, "templates");
	if (json_is_array(list))
		json_incref(list);
	else
		list = NULL;
	json_decref(doc);
	return list;
}

json_t *survey_template_get(const char *key)
{
	json_t *list = load(), *found = NULL, *t;
	size_t i;
	json_array_foreach(list, i, t) {
		const char *k = jx_str(t, "key");
		if (key && k && !strcmp(k, key)) {
			found = json_incref(t);
			break;
		}
	}
	json_decref(list);
	return found;
}

static const char *in_lang(const json_t *t, const char *field, const char *lang)
{
	char k[48];
	snprintf(k, sizeof(k), "%s_%s", field, lang && !strcmp(lang, "en") ? "en" : "nl");
	const char *s = jx_str(t, k);
	return s ? s : "";
}

json_t *survey_template_list(const char *lang)
{
	json_t *list = load(), *out = json_array(), *t;
	size_t i;
	json_array_foreach(list, i, t) {
		json_t *o = json_object();
		jx_set_str(o, "key", jx_str(t, "key"));
		jx_set_str(o, "kind", jx_str(t, "kind"));
		jx_set_str(o, "name", in_lang(t, "name", lang));
		jx_set_str(o, "description", in_lang(t, "description", lang));
		jx_set_int(o, "questions", (int64_t)json_array_size(json_object_get(t, "questions")));
		json_array_append_new(out, o);
	}
	json_decref(list);
	return out;
}

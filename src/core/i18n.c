/* SPDX-License-Identifier: Apache-2.0 */
/* Locale catalogs; see i18n.h. */
#include "core/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/embedded.h"
#include "util/xmalloc.h"

const char *const i18n_langs[] = {"nl", "en"};
const size_t i18n_nlangs = sizeof(i18n_langs) / sizeof(i18n_langs[0]);

struct i18n {
	json_t *cat[sizeof(i18n_langs) / sizeof(i18n_langs[0])];
};

bool i18n_supported(const char *lang)
{
	for (size_t i = 0; lang && i < i18n_nlangs; i++)
		if (strcmp(lang, i18n_langs[i]) == 0)
			return true;
	return false;
}

static json_t *load_one(const char *dir, const char *lang, struct brug_err *err)
{
	json_error_t je;
	json_t *j;
	char name[512];
	if (dir) {
		snprintf(name, sizeof(name), "%s/%s.json", dir, lang);
		j = json_load_file(name, JSON_REJECT_DUPLICATES, &je);
	} else {
		snprintf(name, sizeof(name), "locale/%s.json", lang);
		const struct embedded_file *f = embedded_find(name);
		j = f ? json_loadb((const char *)f->data, f->len, JSON_REJECT_DUPLICATES, &je) : NULL;
		if (!f)
			snprintf(je.text, sizeof(je.text), "not embedded");
	}
	if (!json_is_object(j)) {
		brug_failf(err, BRUG_EINVAL, "error.internal", NULL, "catalog %s: %s", name,
			   j ? "not an object" : je.text);
		json_decref(j);
		return NULL;
	}
	return j;
}

int i18n_load(const char *dir, struct i18n **out, struct brug_err *err)
{
	struct i18n *c = xcalloc(1, sizeof(*c));
	for (size_t i = 0; i < i18n_nlangs; i++) {
		c->cat[i] = load_one(dir, i18n_langs[i], err);
		if (!c->cat[i]) {
			i18n_free(c);
			return BRUG_EINVAL;
		}
	}
	*out = c;
	return 0;
}

void i18n_free(struct i18n *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < i18n_nlangs; i++)
		json_decref(c->cat[i]);
	free(c);
}

json_t *i18n_catalog(const struct i18n *c, const char *lang)
{
	for (size_t i = 0; lang && i < i18n_nlangs; i++)
		if (strcmp(lang, i18n_langs[i]) == 0)
			return c->cat[i];
	return c->cat[0];
}

static const json_t *lookup(const struct i18n *c, const char *lang, const char *key)
{
	const json_t *node = i18n_catalog(c, lang);
	char part[128];
	const char *p = key;
	while (node && *p) {
		size_t n = strcspn(p, ".");
		if (n >= sizeof(part))
			return NULL;
		memcpy(part, p, n);
		part[n] = '\0';
		node = json_object_get(node, part);
		p += n + (p[n] == '.');
	}
	return node;
}

const char *i18n_text(const struct i18n *c, const char *lang, const char *key)
{
	const char *s = json_string_value(lookup(c, lang, key));
	return s ? s : key;
}

bool i18n_has(const struct i18n *c, const char *lang, const char *key)
{
	return json_is_string(lookup(c, lang, key));
}

static size_t missing(const json_t *a, const json_t *b, const char *blang, const char *prefix,
		      json_t *report)
{
	size_t count = 0;
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)a, k, v) {
		char path[512];
		snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "", k);
		json_t *w = json_object_get(b, k);
		if (json_is_object(v) && json_is_object(w)) {
			count += missing(v, w, blang, path, report);
		} else if (!w || json_is_object(v) != json_is_object(w)) {
			count++;
			if (report) {
				char line[600];
				snprintf(line, sizeof(line), "%s: missing %s", blang, path);
				json_array_append_new(report, json_string(line));
			}
		}
	}
	return count;
}

size_t i18n_diff(const struct i18n *c, json_t *report)
{
	size_t count = 0;
	for (size_t i = 0; i < i18n_nlangs; i++)
		for (size_t j = 0; j < i18n_nlangs; j++)
			if (i != j)
				count += missing(c->cat[i], c->cat[j], i18n_langs[j], "", report);
	return count;
}

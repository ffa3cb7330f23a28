/* SPDX-License-Identifier: Apache-2.0 */
/* Theme dictionaries and matching; see themes.h. This file owns the JSON
 * shape of a dictionary and its checks; every keyword of every theme goes
 * into one textwords phrase set with the theme's index as its number, so
 * an answer is read once whatever the size of the dictionary. */
#include "util/themes.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rc.h"
#include "util/buf.h"
#include "util/embedded.h"
#include "util/xmalloc.h"

#define THEMES_ERR "error.themes"

struct theme {
	char *key;
	char *label[2]; /* [TEXTWORDS_NL], [TEXTWORDS_EN] */
	size_t keywords;
};

struct themes_dict {
	size_t n;
	struct theme *v;
	struct textwords_phrases *ph;
};

static const char *const lang_names[2] = {"nl", "en"};

static int fail(struct brug_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct brug_err *err, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return brug_failf(err, BRUG_EVALIDATION, THEMES_ERR, NULL, "%s", msg);
}

/* Refuses a member of object o that is not in allowed (NULL-terminated). */
static int check_members(const json_t *o, const char *const *allowed, const char *path,
                         struct brug_err *err)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)o, k, v)
	{
		bool ok = false;
		for (size_t i = 0; allowed[i] && !ok; i++)
			ok = strcmp(k, allowed[i]) == 0;
		if (!ok)
			return fail(err, "%s: unknown member \"%.40s\"", path, k);
	}
	return 0;
}

/* The string member k of o, 1..max bytes. */
static int get_text(const json_t *o, const char *k, size_t max, const char *path, char **out,
                    struct brug_err *err)
{
	const json_t *v = json_object_get(o, k);
	if (!v)
		return fail(err, "%s: \"%s\" is missing", path, k);
	if (!json_is_string(v))
		return fail(err, "%s.%s: must be a string", path, k);
	size_t n = json_string_length(v);
	if (n == 0 || n > max)
		return fail(err, "%s.%s: must be 1 to %zu bytes, not %zu", path, k, max, n);
	if (memchr(json_string_value(v), '\0', n))
		return fail(err, "%s.%s: holds a NUL character", path, k);
	*out = xstrndup(json_string_value(v), n);
	return 0;
}

static bool key_chars_ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '-'))
			return false;
	return true;
}

static int theme_key(struct themes_dict *d, const json_t *o, const char *path, struct brug_err *err)
{
	struct theme *t = &d->v[d->n];
	int rc = get_text(o, "key", THEMES_KEY_MAX, path, &t->key, err);
	if (rc)
		return rc;
	if (!key_chars_ok(t->key))
		return fail(err, "%s.key: \"%s\" may only hold a-z, 0-9, '_' and '-'", path,
		            t->key);
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i].key, t->key) == 0)
			return fail(err, "%s.key: \"%s\" is used by themes[%zu] too", path, t->key,
			            i);
	return 0;
}

static int theme_labels(struct theme *t, const json_t *o, const char *path, struct brug_err *err)
{
	static const char *const langs[] = {"nl", "en", NULL};
	char p[64];
	const json_t *l = json_object_get(o, "label");
	if (!l)
		return fail(err, "%s: \"label\" is missing", path);
	snprintf(p, sizeof(p), "%s.label", path);
	if (!json_is_object(l))
		return fail(err, "%s: must be an object with \"nl\" and \"en\"", p);
	int rc = check_members(l, langs, p, err);
	for (int i = 0; i < 2 && !rc; i++)
		rc = get_text(l, lang_names[i], THEMES_LABEL_MAX, p, &t->label[i], err);
	return rc;
}

/* Adds the keywords of one language; folded[] holds the folded keywords
 * of the theme so far (*nf of them), to find repeats. */
static int theme_keywords_lang(struct themes_dict *d, const json_t *a, enum textwords_lang lang,
                               const char *path, char **folded, size_t *nf, struct brug_err *err)
{
	if (!json_is_array(a))
		return fail(err, "%s.%s: must be an array of strings", path, lang_names[lang]);
	size_t i;
	const json_t *v;
	json_array_foreach(a, i, v)
	{
		if (*nf == THEMES_KEYWORDS_MAX)
			return fail(err, "%s: more than %d keywords", path, THEMES_KEYWORDS_MAX);
		if (!json_is_string(v))
			return fail(err, "%s.%s[%zu]: must be a string", path, lang_names[lang], i);
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);
		if (n == 0)
			return fail(err, "%s.%s[%zu]: empty keyword", path, lang_names[lang], i);
		if (memchr(s, '\0', n))
			return fail(err, "%s.%s[%zu]: holds a NUL character", path,
			            lang_names[lang], i);
		struct brug_err e2 = {0};
		if (textwords_phrases_add(d->ph, s, lang, (uint32_t)d->n, &e2))
			return fail(err, "%s.%s[%zu]: %s", path, lang_names[lang], i, e2.detail);
		/* the folded keyword after its language, so that a word may be a
		 * keyword in both languages */
		char *f = NULL;
		struct buf b;
		buf_init(&b, 0);
		buf_adds(&b, lang_names[lang]);
		buf_addc(&b, ':');
		buf_add(&b, s, n);
		if (textfold_fold(buf_str(&b), b.len, &f, NULL)) { /* n <= TEXTWORDS_PHRASE_MAX */
			buf_cleanup(&b);
			return fail(err, "%s.%s[%zu]: too long", path, lang_names[lang], i);
		}
		buf_cleanup(&b);
		for (size_t j = 0; j < *nf; j++) {
			if (strcmp(folded[j], f) == 0) {
				free(f);
				return fail(err, "%s.%s[%zu]: \"%.60s\" is given twice", path,
				            lang_names[lang], i, s);
			}
		}
		folded[(*nf)++] = f;
	}
	return 0;
}

static int theme_keywords(struct themes_dict *d, const json_t *o, const char *path,
                          struct brug_err *err)
{
	static const char *const langs[] = {"nl", "en", NULL};
	const json_t *k = json_object_get(o, "keywords");
	char p[64];
	snprintf(p, sizeof(p), "%s.keywords", path);
	if (!k)
		return fail(err, "%s: \"keywords\" is missing", path);
	if (!json_is_object(k))
		return fail(err, "%s: must be an object with \"nl\" and/or \"en\"", p);
	int rc = check_members(k, langs, p, err);
	char **folded = xcalloc(THEMES_KEYWORDS_MAX, sizeof(char *));
	size_t nf = 0;
	for (int i = 0; i < 2 && !rc; i++) {
		const json_t *a = json_object_get(k, lang_names[i]);
		if (a)
			rc = theme_keywords_lang(d, a, (enum textwords_lang)i, p, folded, &nf, err);
	}
	if (!rc && nf == 0)
		rc = fail(err, "%s: no keywords", p);
	d->v[d->n].keywords = nf;
	for (size_t i = 0; i < nf; i++)
		free(folded[i]);
	free(folded);
	return rc;
}

static int theme_read(struct themes_dict *d, const json_t *o, struct brug_err *err)
{
	static const char *const members[] = {"key", "label", "keywords", NULL};
	char path[32];
	snprintf(path, sizeof(path), "themes[%zu]", d->n);
	if (!json_is_object(o))
		return fail(err, "%s: must be an object", path);
	int rc = check_members(o, members, path, err);
	if (!rc)
		rc = theme_key(d, o, path, err);
	if (!rc)
		rc = theme_labels(&d->v[d->n], o, path, err);
	if (!rc)
		rc = theme_keywords(d, o, path, err);
	return rc;
}

static int dict_read(struct themes_dict *d, const json_t *root, struct brug_err *err)
{
	static const char *const members[] = {"themes", NULL};
	if (!json_is_object(root))
		return fail(err, "the dictionary must be an object with \"themes\"");
	int rc = check_members(root, members, "dictionary", err);
	if (rc)
		return rc;
	const json_t *a = json_object_get(root, "themes");
	if (!a)
		return fail(err, "dictionary: \"themes\" is missing");
	if (!json_is_array(a))
		return fail(err, "themes: must be an array");
	size_t n = json_array_size(a);
	if (n == 0)
		return fail(err, "themes: no themes");
	if (n > THEMES_MAX)
		return fail(err, "themes: %zu themes, at most %d are allowed", n, THEMES_MAX);
	d->v = xcalloc(n, sizeof(*d->v));
	for (size_t i = 0; i < n && !rc; i++) {
		rc = theme_read(d, json_array_get(a, i), err);
		d->n++; /* also a half-read theme, so that it is freed */
	}
	return rc;
}

int themes_dict_load_json(const char *json, size_t n, struct themes_dict **out,
                          struct brug_err *err)
{
	if (n > THEMES_JSON_MAX)
		return brug_failf(err, BRUG_ETOOBIG, THEMES_ERR, NULL,
		                  "a dictionary of %zu bytes, at most %d are allowed", n,
		                  THEMES_JSON_MAX);
	json_error_t je;
	json_t *root = json_loadb(json, n, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return brug_failf(err, BRUG_EINVAL, THEMES_ERR, NULL,
		                  "not valid JSON: %s at line %d, column %d", je.text, je.line,
		                  je.column);
	struct themes_dict *d = xcalloc(1, sizeof(*d));
	d->ph = textwords_phrases_new();
	int rc = dict_read(d, root, err);
	json_decref(root);
	if (rc) {
		themes_dict_free(d);
		return rc;
	}
	textwords_phrases_finish(d->ph);
	*out = d;
	return 0;
}

int themes_dict_default(struct themes_dict **out, struct brug_err *err)
{
	const struct embedded_file *f = embedded_find(THEMES_DEFAULT_FILE);
	if (!f)
		return brug_failf(err, BRUG_EINTERNAL, "error.internal", NULL, "%s is not embedded",
		                  THEMES_DEFAULT_FILE);
	struct brug_err e2 = {0};
	int rc = themes_dict_load_json((const char *)f->data, f->len, out, &e2);
	if (rc)
		return brug_failf(err, BRUG_EINTERNAL, "error.internal", NULL, "%s: %s",
		                  THEMES_DEFAULT_FILE, e2.detail);
	return 0;
}

void themes_dict_free(struct themes_dict *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].key);
		free(d->v[i].label[0]);
		free(d->v[i].label[1]);
	}
	free(d->v);
	textwords_phrases_free(d->ph);
	free(d);
}

size_t themes_count(const struct themes_dict *d)
{
	return d->n;
}

const char *themes_key(const struct themes_dict *d, size_t i)
{
	return d->v[i].key;
}

const char *themes_label(const struct themes_dict *d, size_t i, const char *lang)
{
	bool nl = lang && strcmp(lang, "nl") == 0;
	return d->v[i].label[nl ? TEXTWORDS_NL : TEXTWORDS_EN];
}

size_t themes_keyword_count(const struct themes_dict *d, size_t i)
{
	return d->v[i].keywords;
}

static bool mark_hit(const struct textwords_hit *hit, void *ctx)
{
	bool *seen = ctx;
	seen[hit->id] = true;
	return true;
}

size_t themes_match_words(const struct themes_dict *d, const struct textwords *w, size_t *idx)
{
	bool seen[THEMES_MAX] = {false};
	for (size_t i = 0; i < w->n; i++)
		textwords_phrases_at(d->ph, w, i, mark_hit, seen);
	size_t k = 0;
	for (size_t t = 0; t < d->n; t++)
		if (seen[t])
			idx[k++] = t;
	return k;
}

int themes_match(const struct themes_dict *d, const char *text, size_t n, size_t *idx,
                 size_t *n_idx, struct brug_err *err)
{
	struct textwords *w = NULL;
	int rc = textwords_split(text, n, &w, err);
	if (rc)
		return rc;
	*n_idx = themes_match_words(d, w, idx);
	textwords_free(w);
	return 0;
}

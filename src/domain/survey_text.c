/* SPDX-License-Identifier: Apache-2.0 */
/* Themes and sentiment of open answers (see survey_text.h). */
#include "domain/survey_text.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/setting.h"
#include "util/embedded.h"
#include "util/jx.h"
#include "util/log.h"
#include "util/sentiment.h"
#include "util/textwords.h"
#include "util/themes.h"
#include "util/xmalloc.h"

static struct themes_dict *default_dict;
static struct sentiment_lexicon *default_lexicon;
static pthread_once_t defaults_once = PTHREAD_ONCE_INIT;

static void load_defaults(void)
{
	struct brug_err err = {0};
	if (themes_dict_default(&default_dict, &err))
		log_error("msg=\"cannot load the default themes\" detail=\"%s\"", err.detail);
	if (sentiment_lexicon_default(&default_lexicon, &err))
		log_error("msg=\"cannot load the sentiment lexicons\" detail=\"%s\"", err.detail);
}

/* The organisation's own dictionary (*own, to be freed) or the default. */
static int dict_of(struct db *db, int64_t org, struct themes_dict **own,
		   const struct themes_dict **dict)
{
	pthread_once(&defaults_once, load_defaults);
	*own = NULL;
	char *json = NULL;
	int rc = setting_get(db, org, "feedback.themes", &json);
	if (rc == BRUG_ENOTFOUND) {
		*dict = default_dict;
		return default_dict ? 0 : BRUG_EINTERNAL;
	}
	if (rc)
		return rc;
	/* a stored dictionary was checked when it was saved; should it no
	 * longer load, the default still gives answers their themes */
	if (themes_dict_load_json(json, strlen(json), own, NULL)) {
		*own = NULL;
		*dict = default_dict;
	} else {
		*dict = *own;
	}
	free(json);
	return *dict ? 0 : BRUG_EINTERNAL;
}

int survey_text_themes(struct db *db, int64_t org, json_t **out)
{
	struct themes_dict *own = NULL;
	const struct themes_dict *d = NULL;
	int rc = dict_of(db, org, &own, &d);
	if (rc)
		return rc;
	json_t *a = json_array();
	for (size_t i = 0; i < themes_count(d); i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "key", themes_key(d, i), "nl",
						   themes_label(d, i, "nl"), "en",
						   themes_label(d, i, "en")));
	themes_dict_free(own);
	*out = a;
	return 0;
}

/* The document of the stored dictionary when it still loads, else of the
 * shipped one (*is_default); a new reference or NULL. */
static json_t *dict_document(struct db *db, int64_t org, bool *is_default, int *rc)
{
	char *own = NULL;
	json_t *doc = NULL;
	*is_default = true;
	*rc = setting_get(db, org, "feedback.themes", &own);
	if (*rc && *rc != BRUG_ENOTFOUND)
		return NULL;
	*rc = 0;
	struct themes_dict *d = NULL;
	if (own && !themes_dict_load_json(own, strlen(own), &d, NULL)) {
		doc = json_loads(own, 0, NULL);
		*is_default = !doc;
	}
	themes_dict_free(d);
	free(own);
	if (!doc) {
		const struct embedded_file *f = embedded_find(THEMES_DEFAULT_FILE);
		doc = f ? json_loadb((const char *)f->data, f->len, 0, NULL) : NULL;
	}
	if (!doc)
		*rc = BRUG_EINTERNAL;
	return doc;
}

int survey_text_dict_get(struct db *db, int64_t org, json_t **out)
{
	bool is_default = true;
	int rc = 0;
	json_t *doc = dict_document(db, org, &is_default, &rc);
	if (rc)
		return rc;
	size_t i;
	json_t *t;
	/* both languages always there, so a client need not guess */
	json_array_foreach(json_object_get(doc, "themes"), i, t)
	{
		json_t *kw = json_object_get(t, "keywords");
		if (!kw)
			json_object_set_new(t, "keywords", kw = json_object());
		static const char *const langs[] = {"nl", "en"};
		for (size_t l = 0; l < 2; l++)
			if (!json_object_get(kw, langs[l]))
				json_object_set_new(kw, langs[l], json_array());
	}
	jx_set_bool(doc, "is_default", is_default);
	*out = doc;
	return 0;
}

int survey_text_dict_set(struct db *db, const struct actor *who, const char *json,
			 struct brug_err *err)
{
	struct themes_dict *d = NULL;
	struct brug_err e = {0};
	int rc = themes_dict_load_json(json, strlen(json), &d, &e);
	if (rc) {
		/* whatever is wrong with it, it is this field's value */
		rc = brug_failf(err, BRUG_EVALIDATION, "error.themes", "themes", "%s", e.detail);
		goto out;
	}
	json_t *details = json_pack("{s:I}", "themes", (json_int_t)themes_count(d));
	if ((rc = db_begin(db))) {
		json_decref(details);
		goto out;
	}
	rc = setting_set(db, who->org_id, "feedback.themes", json);
	if (!rc)
		rc = audit_add(db, who, "feedback.themes", "org", who->org_id, details);
	else
		json_decref(details);
	rc = db_finish(db, rc);
out:
	themes_dict_free(d);
	return rc;
}

int survey_text_dict_reset(struct db *db, const struct actor *who)
{
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = setting_delete(db, who->org_id, "feedback.themes");
	if (!rc)
		rc = audit_add(db, who, "feedback.themes_reset", "org", who->org_id, NULL);
	return db_finish(db, rc);
}

int survey_text_analyse(struct db *db, int64_t org, const char *text, json_t **themes,
			int *sentiment, int *label, struct brug_err *err)
{
	struct themes_dict *own = NULL;
	const struct themes_dict *d = NULL;
	struct textwords *w = NULL;
	size_t *idx = NULL, n = 0;
	int rc = dict_of(db, org, &own, &d);
	if (rc)
		return rc;
	/* split (fold and stem) once for both */
	rc = textwords_split(text, strlen(text), &w, err);
	if (rc)
		goto out;
	idx = xcalloc(themes_count(d) + 1, sizeof(*idx));
	n = themes_match_words(d, w, idx);
	struct sentiment s = {0};
	if (default_lexicon)
		sentiment_score_words(default_lexicon, w, &s);
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(themes_key(d, idx[i])));
	*themes = a;
	*sentiment = (int)lround(s.score * 100);
	*label = survey_text_label(*sentiment);
out:
	textwords_free(w);
	free(idx);
	themes_dict_free(own);
	return rc;
}

int survey_text_label(int sentiment)
{
	int min = (int)lround(SENTIMENT_POSITIVE_MIN * 100);
	return sentiment >= min ? 1 : sentiment <= -min ? -1 : 0;
}

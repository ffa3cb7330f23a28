/* SPDX-License-Identifier: Apache-2.0 */
/* The organisation's theme dictionary (issue 5: what open answers are
 * about), for managers and administrators. The page /settings/themes edits
 * it as a form (per theme its labels and keywords per language, add one,
 * remove some, back to the defaults) and builds the document from the
 * fields; the API reads and replaces the whole util/themes.h document. */
#include "api/handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "domain/survey_text.h"
#include "util/buf.h"
#include "util/jx.h"
#include "util/themes.h"

/* Characters in one textarea of keywords (THEMES_KEYWORDS_MAX lines). */
#define KEYWORDS_TEXT_MAX 20000

/* A keyword list as the textarea shows it: one per line. */
static json_t *lines_of(const json_t *list)
{
	struct buf b;
	buf_init(&b, 2 * THEMES_JSON_MAX);
	size_t i;
	json_t *k;
	json_array_foreach(list, i, k)
	{
		if (i)
			buf_adds(&b, "\n");
		buf_adds(&b, json_string_value(k) ? json_string_value(k) : "");
	}
	json_t *s = json_string(buf_str(&b));
	buf_cleanup(&b);
	return s ? s : json_string("");
}

/* The page's rows [{i, key, nl, en, kw_nl, kw_en}] of a dictionary document. */
static json_t *rows_of(const json_t *doc)
{
	json_t *rows = json_array();
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(doc, "themes"), i, t)
	{
		json_t *label = json_object_get(t, "label"), *kw = json_object_get(t, "keywords");
		json_array_append_new(
		        rows, json_pack("{s:I,s:O,s:O,s:O,s:o,s:o}", "i", (json_int_t)i, "key",
					json_object_get(t, "key"), "nl", json_object_get(label, "nl"),
					"en", json_object_get(label, "en"), "kw_nl",
					lines_of(json_object_get(kw, "nl")), "kw_en",
					lines_of(json_object_get(kw, "en"))));
	}
	return rows;
}

/* Fills the response: the document (and for the page, its rows and an
 * empty row to add a theme), unless a failed form already put its own. */
static int themes_data(struct req *req, struct resp *resp)
{
	json_t *doc = NULL;
	int rc = survey_text_dict_get(req->db, req->who.org_id, &doc);
	if (rc)
		return rc;
	json_t *d = resp_data(resp);
	if (!req->api && !json_object_get(d, "rows")) {
		json_object_set_new(d, "rows", rows_of(doc));
		json_object_set_new(d, "new", json_object());
	}
	json_object_update_missing(d, doc);
	json_decref(doc);
	return 0;
}

int api_themes_show(struct req *req, struct resp *resp)
{
	return themes_data(req, resp);
}

/* The keywords typed in a textarea, one per line, as a JSON list. */
static json_t *keyword_list(const char *s)
{
	json_t *a = json_array();
	while (s && *s) {
		size_t n = strcspn(s, "\r\n");
		const char *p = s;
		while (n && (*p == ' ' || *p == '\t'))
			p++, n--;
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n)
			json_array_append_new(a, json_stringn(p, n));
		s += strcspn(s, "\r\n");
		s += strspn(s, "\r\n");
	}
	return a;
}

/* One theme's fields (prefix "" with suffix "_<i>", or "new_"), read into
 * a page row; NULL fields read as "". */
static json_t *form_row(struct input *in, const char *pre, const char *suf)
{
	static const char *const names[] = {"key", "nl", "en", "kw_nl", "kw_en"};
	static const size_t max[] = {THEMES_KEY_MAX, THEMES_LABEL_MAX, THEMES_LABEL_MAX,
				     KEYWORDS_TEXT_MAX, KEYWORDS_TEXT_MAX};
	json_t *row = json_object();
	for (size_t j = 0; j < 5; j++) {
		char f[96];
		snprintf(f, sizeof(f), "%s%s%s", pre, names[j], suf);
		const char *v = in_text(in, f, j >= 3 ? IN_MULTILINE : 0, max[j]);
		jx_set_str(row, names[j], v ? v : "");
	}
	return row;
}

static json_t *theme_of(const json_t *row)
{
	return json_pack("{s:s,s:{s:s,s:s},s:{s:o,s:o}}", "key", jx_str(row, "key"), "label", "nl",
			 jx_str(row, "nl"), "en", jx_str(row, "en"), "keywords", "nl",
			 keyword_list(jx_str(row, "kw_nl")), "en", keyword_list(jx_str(row, "kw_en")));
}

/* The form's rows (d.rows, d.new) and the document they make; at[j] is
 * the row of the document's theme j (NULL: none). */
static json_t *form_document(struct input *in, json_t *d, json_t **at)
{
	json_t *rows = json_array(), *themes = json_array();
	for (size_t i = 0; i < THEMES_MAX; i++) {
		char f[32], suf[24];
		snprintf(suf, sizeof(suf), "_%zu", i);
		snprintf(f, sizeof(f), "key%s", suf);
		if (!in_has(in, f))
			break;
		json_t *row = form_row(in, "", suf);
		snprintf(f, sizeof(f), "remove%s", suf);
		bool remove = in_bool(in, f, false);
		jx_set_int(row, "i", (int64_t)i);
		jx_set_bool(row, "remove", remove);
		if (!remove) {
			at[json_array_size(themes)] = row;
			json_array_append_new(themes, theme_of(row));
		}
		json_array_append_new(rows, row);
	}
	json_t *add = form_row(in, "new_", "");
	bool any = false;
	const char *k;
	json_t *v;
	json_object_foreach(add, k, v) any = any || *json_string_value(v);
	if (any && json_array_size(themes) <= THEMES_MAX) {
		at[json_array_size(themes)] = add;
		json_array_append_new(themes, theme_of(add));
	}
	json_object_set_new(d, "rows", rows);
	json_object_set_new(d, "new", add);
	return json_pack("{s:o}", "themes", themes);
}

/* Puts a refusal's detail next to the theme it names ("themes[3]..."). */
static void mark_row(json_t **at, size_t n, const char *detail)
{
	unsigned long j = 0;
	if (sscanf(detail, "themes[%lu]", &j) == 1 && j < n && at[j])
		jx_set_str(at[j], "error", detail);
}

int api_themes_update(struct req *req, struct resp *resp)
{
	struct input in;
	json_t *doc = NULL, *at[THEMES_MAX + 1] = {0};
	char *text = NULL;
	int rc = input_begin(req, &in);
	if (rc)
		goto out;
	if (req->api && !in.typed)
		in_error(&in, "themes", "error.json");
	if (req->api) {
		/* what GET gives can be sent back as it is */
		doc = json_copy(in.src);
		json_object_del(doc, "is_default");
	} else {
		doc = form_document(&in, resp_data(resp), at);
	}
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		themes_data(req, resp);
		goto out;
	}
	text = jx_dumps(doc);
	struct actor who = req_actor(req);
	if ((rc = survey_text_dict_set(req->db, &who, text, &req->err))) {
		/* the field message replaces the error; the place stays */
		char detail[sizeof(req->err.detail)];
		snprintf(detail, sizeof(detail), "%s", req->err.detail);
		rc = input_fail_domain(&in, resp, rc);
		if (detail[0])
			jx_set_str(resp_data(resp), "detail", detail);
		mark_row(at, json_array_size(json_object_get(doc, "themes")), detail);
		themes_data(req, resp);
		goto out;
	}
	resp_redirect(resp, req, "/settings/themes", "flash.saved");
	rc = themes_data(req, resp);
out:
	free(text);
	json_decref(doc);
	input_end(&in);
	return rc;
}

int api_themes_reset(struct req *req, struct resp *resp)
{
	struct actor who = req_actor(req);
	int rc = survey_text_dict_reset(req->db, &who);
	if (rc)
		return rc;
	resp_redirect(resp, req, "/settings/themes", "flash.themes_reset");
	return themes_data(req, resp);
}

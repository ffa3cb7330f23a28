/* SPDX-License-Identifier: Apache-2.0 */
/* Survey results as pages and API: one survey's results (managers and
 * administrators), its open answers, and the organisation dashboard
 * (every signed-in user: it shows only aggregates). The numbers come from
 * domain/survey_results; for a browser the handler adds the texts the
 * page shows (numbers written out, change words, selectors). The answers
 * download as CSV or Excel (domain/survey_export). */
#include "api/handlers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/common.h"
#include "core/i18n.h"
#include "domain/survey_export.h"
#include "domain/survey_results.h"
#include "http/app.h"
#include "util/clock.h"
#include "util/jx.h"

/* A 422: a page shows the message, a client gets the field. */
static int bad_query(struct req *req, struct resp *resp)
{
	if (!req->api || !req->err.field)
		return BRUG_EVALIDATION;
	json_t *fields = json_object();
	jx_set_str(fields, req->err.field, req->err.key);
	json_object_set_new(resp_data(resp), "fields", fields);
	return brug_fail(&req->err, BRUG_EVALIDATION, "error.validation_failed", req->err.field);
}

static int read_query(struct req *req, struct resp *resp, const char *const *dims,
		      struct survey_results_query *q)
{
	q->lang = req->lang;
	int rc = survey_results_query_parse(req->db, req->who.org_id, req_query(req, "from"),
					    req_query(req, "to"), req_query(req, "grain"),
					    req_query(req, "dim"), dims, q, &req->err);
	return rc == BRUG_EVALIDATION ? bad_query(req, resp) : rc;
}

static const char *num(struct req *req, const char *unit, double v)
{
	if (!strcmp(unit, "nps")) {
		long r = lround(v);
		return arena_printf(&req->arena, r > 0 ? "+%ld" : "%ld", r);
	}
	if (!strcmp(unit, "pct"))
		return arena_printf(&req->arena, "%.0f%%", v);
	return arena_printf(&req->arena, "%.2f", v);
}

/* value_text, lo_text, hi_text (and for each distribution bar its share). */
static void texts(struct req *req, json_t *o)
{
	const char *unit = jx_str(o, "unit");
	if (!unit)
		return;
	static const char *const f[] = {"value", "lo", "hi"};
	for (int i = 0; i < 3; i++)
		jx_set_str(o, arena_printf(&req->arena, "%s_text", f[i]),
			   num(req, unit, json_real_value(json_object_get(o, f[i]))));
	jx_set_bool(o, "is_nps", !strcmp(unit, "nps"));
	json_t *nps = json_object_get(o, "nps");
	static const char *const g[] = {"promoter", "passive", "detractor"};
	for (int i = 0; nps && i < 3; i++)
		jx_set_str(nps, arena_printf(&req->arena, "%s_text", g[i]),
			   arena_printf(&req->arena, "%.0f%%",
					json_real_value(json_object_get(
						nps, arena_printf(&req->arena, "%s_pct", g[i])))));
	json_t *d;
	size_t i;
	json_array_foreach(json_object_get(o, "distribution"), i, d) {
		double p = json_real_value(json_object_get(d, "pct"));
		jx_set_str(d, "pct_text", arena_printf(&req->arena, "%.0f%%", p));
		jx_set_int(d, "bar", (int64_t)lround(p));
	}
}

static const char *t(struct req *req, const char *key)
{
	return i18n_text(app_catalogs(req->app, req), req->lang, key);
}

static void trend_texts(struct req *req, json_t *trend)
{
	json_t *p;
	size_t i;
	json_array_foreach(trend, i, p) {
		texts(req, p);
		json_t *c = json_object_get(p, "change");
		const char *dir = jx_str(c, "direction");
		const char *key = !jx_bool(c, "has_previous", false) ? "results.change_first"
				  : !jx_bool(c, "tested", false)     ? "results.change_untested"
				  : !*dir                            ? "results.change_none"
				  : !strcmp(dir, "up")               ? "results.change_up"
								     : "results.change_down";
		jx_set_str(c, "text", t(req, key));
		jx_set_bool(c, "is_up", !strcmp(dir, "up"));
		jx_set_bool(c, "is_down", !strcmp(dir, "down"));
		jx_set_str(c, "diff_text", num(req, jx_str(p, "unit"),
					       json_real_value(json_object_get(c, "diff"))));
	}
}

/* Groups: texts, and names of types and channels from the catalog. */
static void groups_texts(struct req *req, json_t *b)
{
	const char *dim = jx_str(b, "dim");
	const char *prefix = !strcmp(dim, "type")      ? "relations.types"
			     : !strcmp(dim, "channel") ? "interactions.channels"
						       : NULL;
	json_t *g;
	size_t i;
	json_array_foreach(json_object_get(b, "groups"), i, g) {
		texts(req, g);
		if (prefix) {
			const char *key = arena_printf(&req->arena, "%s.%s", prefix, jx_str(g, "key"));
			if (i18n_has(app_catalogs(req->app, req), req->lang, key))
				jx_set_str(g, "name", t(req, key));
		}
	}
	jx_set_str(b, "dim_label", t(req, arena_printf(&req->arena, "results.dims.%s", dim)));
}

/* The form's selectors: dims and grains with the chosen one marked. */
static void form_data(struct req *req, json_t *d, const char *const *dims)
{
	json_t *range = json_object_get(d, "range");
	json_t *opts = json_array();
	for (size_t i = 0; dims[i]; i++)
		json_array_append_new(
			opts, json_pack("{s:s,s:s,s:b}", "value", dims[i], "label",
					t(req, arena_printf(&req->arena, "results.dims.%s", dims[i])),
					"is_selected", !strcmp(dims[i], jx_str(range, "dim"))));
	json_object_set_new(d, "dims", opts);
	jx_set_bool(d, "grain_w", !strcmp(jx_str(range, "grain"), "w"));
	jx_set_str(d, "form_action", req->path);
	jx_set_str(d, "query", arena_printf(&req->arena, "from=%s&to=%s&grain=%s",
					    jx_str(range, "from"), jx_str(range, "to"),
					    jx_str(range, "grain")));
}

static void page_texts(struct req *req, json_t *d)
{
	json_t *q;
	size_t i;
	json_array_foreach(json_object_get(d, "questions"), i, q) {
		const char *type = jx_str(q, "type");
		texts(req, q);
		trend_texts(req, json_object_get(q, "trend"));
		bool choice = json_object_get(q, "choices") != NULL;
		jx_set_bool(q, "is_choice", choice);
		jx_set_bool(q, "is_scored", !choice);
		jx_set_str(q, "measure", t(req, arena_printf(&req->arena, "results.measure.%s", type)));
		jx_set_bool(q, "has_trend", json_array_size(json_object_get(q, "trend")) > 0);
		json_t *c;
		size_t j;
		json_array_foreach(json_object_get(q, "choices"), j, c) {
			double p = json_real_value(json_object_get(c, "pct"));
			jx_set_str(c, "pct_text", arena_printf(&req->arena, "%.0f%%", p));
			jx_set_int(c, "bar", (int64_t)lround(p > 100 ? 100 : p));
		}
	}
	json_t *b = json_object_get(d, "breakdown");
	if (json_is_object(b)) {
		groups_texts(req, b);
		jx_set_bool(d, "has_groups", json_array_size(json_object_get(b, "groups")) > 0);
	}
	json_array_foreach(json_object_get(d, "themes"), i, q) {
		texts(req, json_object_get(q, "with"));
		texts(req, json_object_get(q, "without"));
		jx_set_str(q, "share_text", arena_printf(&req->arena, "%.0f%%",
							  json_real_value(json_object_get(q, "share_pct"))));
	}
	jx_set_bool(d, "has_themes", json_array_size(json_object_get(d, "themes")) > 0);
	json_t *r = json_object_get(d, "response");
	json_object_set_new(r, "unit", json_string("pct"));
	json_object_set(r, "value", json_object_get(r, "rate"));
	texts(req, r);
}

int api_survey_results(struct req *req, struct resp *resp)
{
	int64_t id;
	struct survey_results_query q;
	json_t *out = NULL;
	if (req_param_id(req, "id", &id))
		return brug_fail(&req->err, BRUG_ENOTFOUND, "error.survey_not_found", NULL);
	int rc = read_query(req, resp, survey_results_dims, &q);
	if (rc)
		return rc;
	rc = survey_results_get(req->db, req->who.org_id, id, &q, &out);
	if (rc == BRUG_ENOTFOUND)
		return brug_fail(&req->err, rc, "error.survey_not_found", NULL);
	if (rc)
		return rc;
	if (!req->api) {
		page_texts(req, out);
		form_data(req, out, survey_results_dims);
	}
	json_object_update(resp_data(resp), out);
	json_decref(out);
	return 0;
}

int api_results_org(struct req *req, struct resp *resp)
{
	struct survey_results_query q;
	json_t *out = NULL;
	int rc = read_query(req, resp, survey_results_org_dims, &q);
	if (!rc)
		rc = survey_results_org(req->db, req->who.org_id, &q, &out);
	if (rc)
		return rc;
	if (!req->api) {
		texts(req, json_object_get(out, "nps"));
		trend_texts(req, json_object_get(out, "trend"));
		jx_set_bool(out, "has_trend", json_array_size(json_object_get(out, "trend")) > 0);
		json_t *b = json_object_get(out, "breakdown");
		groups_texts(req, b);
		jx_set_bool(out, "has_groups", json_array_size(json_object_get(b, "groups")) > 0);
		jx_set_bool(out, "by_survey", !strcmp(jx_str(b, "dim"), "survey"));
		json_t *r = json_object_get(out, "response");
		json_object_set_new(r, "unit", json_string("pct"));
		json_object_set(r, "value", json_object_get(r, "rate"));
		texts(req, r);
		form_data(req, out, survey_results_org_dims);
	}
	json_object_update(resp_data(resp), out);
	json_decref(out);
	return 0;
}

static json_t *choice_list(struct req *req, const char *const *set, const char *prefix,
			   const char *chosen)
{
	json_t *a = json_array();
	for (size_t i = 0; set[i]; i++)
		json_array_append_new(
			a, json_pack("{s:s,s:s,s:b}", "value", set[i], "label",
				     t(req, arena_printf(&req->arena, "%s.%s", prefix, set[i])),
				     "is_selected", chosen && !strcmp(chosen, set[i])));
	return a;
}

int api_survey_answers(struct req *req, struct resp *resp)
{
	static const char *const groups[] = {"promoter", "passive", "detractor", NULL};
	int64_t id;
	json_t *out = NULL;
	if (req_param_id(req, "id", &id))
		return brug_fail(&req->err, BRUG_ENOTFOUND, "error.survey_not_found", NULL);
	struct survey_verbatim_filter f = {.theme = req_query(req, "theme"),
					   .group = req_query(req, "group"),
					   .lang = req->lang,
					   .page = (int)req_query_int(req, "page", 1, 1, 100000)};
	int rc = survey_results_answers(req->db, req->who.org_id, id, &f, &out, &req->err);
	if (rc == BRUG_ENOTFOUND)
		return brug_fail(&req->err, rc, "error.survey_not_found", NULL);
	if (rc == BRUG_EVALIDATION)
		return bad_query(req, resp);
	if (rc)
		return rc;
	if (!req->api) {
		json_t *th;
		size_t i;
		json_array_foreach(json_object_get(out, "theme_list"), i, th)
			jx_set_bool(th, "is_selected", f.theme && !strcmp(f.theme, jx_str(th, "key")));
		json_object_set_new(out, "groups", choice_list(req, groups, "results.groups",
							       f.group));
		jx_set_bool(out, "filtered", (f.theme && *f.theme) || (f.group && *f.group));
		json_t *it;
		json_array_foreach(json_object_get(out, "items"), i, it) {
			const char *g = jx_str(it, "group");
			if (*g)
				jx_set_str(it, "group_label",
					   t(req, arena_printf(&req->arena, "results.groups.%s", g)));
			jx_set_str(it, "sentiment_text",
				   t(req, arena_printf(&req->arena, "results.sentiment.%s",
						       jx_str(it, "sentiment_label"))));
			jx_set_bool(it, "has_relation", !json_is_null(json_object_get(it, "relation_id")));
		}
	}
	json_object_update(resp_data(resp), out);
	json_decref(out);
	if (!req->api)
		api_pager(req, resp_data(resp));
	return 0;
}

/* The most one answers download may hold (as the relation exports). */
#define ANSWERS_HTTP_MAX ((size_t)256 << 20)

static int to_body(void *ctx, const char *p, size_t n)
{
	return buf_add(ctx, p, n);
}

/* "<survey name> <date>.<ext>" made safe for a header. */
static const char *file_name(struct req *req, int64_t id, const char *ext)
{
	char date[32];
	clock_iso8601(clock_now_ms(), date, sizeof(date));
	date[10] = '\0';
	return arena_printf(&req->arena, "%s-%lld-%s.%s",
			    !strcmp(req->lang, "en") ? "answers" : "antwoorden", (long long)id, date,
			    ext);
}

static int download(struct req *req, struct resp *resp, const char *type, const char *name)
{
	resp->prebuilt = true;
	resp->content_type = type;
	resp_header(resp, req, "Content-Disposition",
		    arena_printf(&req->arena, "attachment; filename=\"%s\"", name));
	return 0;
}

int api_survey_answers_csv(struct req *req, struct resp *resp)
{
	int64_t id;
	size_t rows = 0;
	if (req_param_id(req, "id", &id))
		return brug_fail(&req->err, BRUG_ENOTFOUND, "error.survey_not_found", NULL);
	buf_reset(&resp->body);
	resp->body.max = ANSWERS_HTTP_MAX;
	int rc = survey_export_csv(req->db, req->who.org_id, id, !strcmp(req->lang, "en"), to_body,
				   &resp->body, &rows);
	if (rc == BRUG_ENOTFOUND)
		return brug_fail(&req->err, rc, "error.survey_not_found", NULL);
	if (rc)
		return rc;
	return download(req, resp, "text/csv; charset=utf-8", file_name(req, id, "csv"));
}

/* libxlsxwriter writes a file: a private temporary one, read into the
 * body and removed before the response goes. */
int api_survey_answers_xlsx(struct req *req, struct resp *resp)
{
	int64_t id;
	size_t rows = 0;
	if (req_param_id(req, "id", &id))
		return brug_fail(&req->err, BRUG_ENOTFOUND, "error.survey_not_found", NULL);
	const char *dir = getenv("TMPDIR");
	char *path = arena_printf(&req->arena, "%s/brug-answers-XXXXXX",
				  dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0)
		return brug_fail(&req->err, BRUG_EIO, "error.internal", NULL);
	close(fd);
	int rc = survey_export_xlsx(req->db, req->who.org_id, id, !strcmp(req->lang, "en"), path,
				    &rows);
	if (!rc) {
		buf_reset(&resp->body);
		resp->body.max = ANSWERS_HTTP_MAX;
		FILE *f = fopen(path, "rb");
		char chunk[65536];
		size_t n;
		rc = f ? 0 : BRUG_EIO;
		while (!rc && f && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			rc = buf_add(&resp->body, chunk, n);
		if (f && ferror(f) && !rc)
			rc = BRUG_EIO;
		if (f)
			fclose(f);
	}
	unlink(path);
	if (rc == BRUG_ENOTFOUND)
		return brug_fail(&req->err, rc, "error.survey_not_found", NULL);
	if (rc)
		return rc;
	return download(req, resp, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			file_name(req, id, "xlsx"));
}

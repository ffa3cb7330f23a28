/* SPDX-License-Identifier: Apache-2.0 */
/* The public answer pages, /s/{token}: no sign-in, the token is the key.
 * An invitation's token shows its survey in the invitee's language; a
 * score link from the mail (?score=N) records the NPS answer at once; the
 * form saves every answer given (also a half-finished survey counts, and
 * with JavaScript each change is saved as it is made); finishing shows the
 * survey's thanks. An always-open link's token ("L...") shows the survey;
 * its first answers make a response of their own, limited per address, and
 * the visitor continues on that response's token. A token that is unknown,
 * forged, expired or of a closed survey gets a friendly page. */
#include "api/handlers.h"

#include <stdio.h>
#include <string.h>

#include "api/common.h"
#include "core/i18n.h"
#include "domain/feedback_config.h"
#include "domain/ratelimit.h"
#include "domain/survey_answer.h"
#include "domain/survey_token.h"
#include "http/app.h"
#include "util/jx.h"

#define HOUR_MS 3600000LL

/* The page's language: the visitor's own choice (the language switch sets
 * a cookie), else the invitation's. */
static const char *page_lang(struct req *req, const char *invited)
{
	if (req_cookie(req, "brug_lang") || !invited)
		return req->lang;
	req->lang = !strcmp(invited, "en") ? "en" : "nl";
	return req->lang;
}

/* The friendly page for a link that cannot be answered. */
static int gone(struct req *req, struct resp *resp, int status, const char *why)
{
	json_t *d = resp_data(resp);
	jx_set_str(d, "why", why);
	jx_set_bool(d, "is_closed", !strcmp(why, "closed"));
	jx_set_bool(d, "is_expired", !strcmp(why, "expired"));
	jx_set_bool(d, "is_unknown", !strcmp(why, "unknown"));
	if (!req->api)
		resp->view = "answer_gone";
	resp->status = status;
	if (req->api)
		return brug_fail(&req->err, status == 404 ? BRUG_ENOTFOUND : BRUG_ECONFLICT,
				 status == 404 ? "error.survey_link_unknown" : "error.survey_answer_closed",
				 NULL);
	return 0;
}

/* Per question, what the form needs: the scale as options, the choices,
 * the value given, a flag per type. */
static void form_question(struct req *req, json_t *q, const json_t *answers, const json_t *fields)
{
	const char *type = jx_str(q, "type"), *key = jx_str(q, "key");
	const json_t *value = json_object_get(answers, key);
	const json_t *opt = json_object_get(q, "options");
	jx_set_str(q, "field", arena_printf(&req->arena, "a.%s", key));
	jx_set_bool(q, "is_text", !strcmp(type, "text"));
	jx_set_bool(q, "is_yesno", !strcmp(type, "yesno"));
	jx_set_bool(q, "is_single", !strcmp(type, "single"));
	jx_set_bool(q, "is_multiple", !strcmp(type, "multiple"));
	bool scale = !strcmp(type, "nps") || !strcmp(type, "csat") || !strcmp(type, "ces") ||
		     !strcmp(type, "rating");
	jx_set_bool(q, "is_scale", scale);
	jx_set_bool(q, "is_nps", !strcmp(type, "nps"));
	/* always set, so the page's own "error" is never read in its place */
	const char *err = jx_str(fields, arena_printf(&req->arena, "a.%s", key));
	jx_set_bool(q, "has_error", err != NULL);
	if (err)
		jx_set_str(q, "error_text", i18n_text(app_catalogs(req->app, req), req->lang, err));
	if (json_is_string(value))
		jx_set_str(q, "text_value", json_string_value(value));
	if (!strcmp(type, "yesno")) {
		jx_set_bool(q, "yes", json_is_true(value));
		jx_set_bool(q, "no", json_is_false(value));
	}
	if (scale) {
		json_t *pts = json_array();
		int64_t lo = jx_int(opt, "min", 0), hi = jx_int(opt, "max", 10);
		for (int64_t v = lo; v <= hi; v++)
			json_array_append_new(pts, json_pack("{s:I,s:b}", "value", (json_int_t)v,
							     "checked",
							     json_is_integer(value) &&
								     json_integer_value(value) == v));
		json_object_set_new(q, "points", pts);
		const char *low = jx_str(opt, !strcmp(req->lang, "en") ? "low_en" : "low_nl");
		const char *high = jx_str(opt, !strcmp(req->lang, "en") ? "high_en" : "high_nl");
		if (low)
			jx_set_str(q, "low", low);
		if (high)
			jx_set_str(q, "high", high);
	}
	json_t *choices = json_object_get(opt, "choices"), *c;
	size_t i;
	json_array_foreach(choices, i, c) {
		const char *label = jx_str(c, req->lang);
		if (!label || !*label)
			label = jx_str(c, !strcmp(req->lang, "en") ? "nl" : "en");
		jx_set_str(c, "label", label ? label : "");
		bool on = false;
		if (json_is_string(value))
			on = !strcmp(json_string_value(value), jx_str(c, "key"));
		size_t j;
		json_t *e;
		json_array_foreach(value, j, e) on = on || json_equal(e, json_object_get(c, "key"));
		jx_set_bool(c, "checked", on);
	}
}

/* Fills the answer page from what survey_answer_load gave. */
static void form_data(struct req *req, struct resp *resp, json_t *page, const char *token)
{
	json_t *d = resp_data(resp);
	json_t *answers = json_object_get(page, "answers");
	json_t *fields = json_object_get(d, "fields");
	json_t *qs = json_object_get(page, "questions"), *q;
	size_t i;
	json_array_foreach(qs, i, q) {
		jx_set_int(q, "number", (int64_t)i + 1);
		form_question(req, q, answers, fields);
	}
	json_object_update(d, page);
	jx_set_str(d, "token", token);
	jx_set_str(d, "action", arena_printf(&req->arena, "/s/%s", token));
	jx_set_int(d, "question_count", (int64_t)json_array_size(qs));
}

/* ?score=N from the mail: the NPS answer, recorded before the page shows. */
static int one_click(struct req *req, int64_t inv, json_t *page)
{
	const char *score = req_query(req, "score");
	if (!score)
		return 0;
	json_t *qs = json_object_get(page, "questions"), *q;
	size_t i;
	json_array_foreach(qs, i, q) if (!strcmp(jx_str(q, "type"), "nps"))
	{
		json_t *a = json_object();
		json_object_set_new(a, jx_str(q, "key"), json_string(score));
		struct survey_save res;
		int rc = survey_answer_save(req->db, inv, a, false, &res, &req->err);
		json_decref(a);
		if (rc == BRUG_EVALIDATION) {
			/* a forged or mistyped score: show the page without it */
			brug_err_clear(&req->err);
			return 0;
		}
		return rc;
	}
	return 0;
}

int api_answer_show(struct req *req, struct resp *resp)
{
	const char *token = req_param(req, "token");
	const unsigned char *key = app_secret(req->app);
	int64_t id = 0;
	enum survey_visit_state state;
	json_t *page = NULL;
	int rc;
	/* this read writes: the first visit, and a score link's answer */
	db_read_end(req->db);
	if (survey_token_parse_link(key, token, &id)) {
		rc = survey_answer_load_link(req->db, id, page_lang(req, NULL), &page, &state);
	} else if (survey_token_parse(key, token, &id)) {
		rc = survey_answer_load(req->db, id, NULL, &page, &state);
		if (!rc && state == SURVEY_VISIT_OPEN && req_query(req, "score")) {
			rc = one_click(req, id, page);
			json_decref(page);
			page = NULL;
			if (!rc)
				rc = survey_answer_load(req->db, id, NULL, &page, &state);
		}
		if (!rc) {
			const char *lang = jx_str(json_object_get(page, "invitation"), "lang");
			if (strcmp(page_lang(req, lang), lang)) { /* the visitor chose the other */
				json_decref(page);
				page = NULL;
				rc = survey_answer_load(req->db, id, req->lang, &page, &state);
			}
		}
	} else {
		return gone(req, resp, 404, "unknown");
	}
	if (rc == BRUG_ENOTFOUND)
		return gone(req, resp, 404, "unknown");
	if (rc)
		return rc;
	if (state == SURVEY_VISIT_CLOSED || state == SURVEY_VISIT_EXPIRED) {
		json_decref(page);
		return gone(req, resp, 410, state == SURVEY_VISIT_CLOSED ? "closed" : "expired");
	}
	if (state == SURVEY_VISIT_COMPLETED && !req->api)
		resp->view = "answer_done";
	form_data(req, resp, page, token);
	json_decref(page);
	return 0;
}

/* The answers a request sends: a JSON body's "answers" object, or a
 * form's a.<key> fields (a multiple choice's boxes repeat the name; the
 * empty value the form always sends for it is dropped). A new reference. */
static json_t *answers_of(struct input *in)
{
	if (in->typed) {
		json_t *a = json_object_get(in->src, "answers");
		if (!json_is_object(a)) {
			in_error(in, "answers", "error.json_not_object");
			return NULL;
		}
		return json_incref(a);
	}
	json_t *out = json_object(), *v;
	const char *k;
	json_object_foreach(in->src, k, v) {
		if (strncmp(k, "a.", 2) || !k[2])
			continue;
		if (json_is_array(v)) {
			json_t *keep = json_array(), *e;
			size_t i;
			json_array_foreach(v, i, e) if (!json_is_string(e) || *json_string_value(e))
				json_array_append(keep, e);
			json_object_set_new(out, k + 2, keep);
		} else {
			json_object_set(out, k + 2, v);
		}
	}
	return out;
}

/* A new response of a link survey, within the per-address limit. */
static int link_response(struct req *req, int64_t survey, int64_t *inv)
{
	int64_t org = 0, hits = 0;
	int rc = survey_answer_link_org(req->db, survey, &org);
	if (rc)
		return rc;
	struct feedback_config fc;
	const char *bucket = arena_printf(&req->arena, "survey-link:%lld:%s", (long long)survey,
					  req->client_ip ? req->client_ip : "");
	if ((rc = feedback_config_get(req->db, org, &fc)) ||
	    (rc = ratelimit_hit(req->db, bucket, HOUR_MS, &hits, NULL)))
		return rc;
	if (hits > fc.link_per_hour)
		return brug_fail(&req->err, BRUG_ERATE, "error.survey_link_rate", NULL);
	return survey_answer_link_start(req->db, survey, req->lang, inv);
}

/* After a save: the page again (a finished survey shows its thanks), or
 * for htmx's save-as-you-go nothing at all. */
static int saved(struct req *req, struct resp *resp, int64_t inv, bool autosave, bool created)
{
	char made[SURVEY_TOKEN_MAX];
	const char *tok = req_param(req, "token"); /* checked: it names inv */
	if (created) { /* a link visit's first answer: the response's own link */
		survey_token_make(app_secret(req->app), inv, made);
		tok = made;
	}
	json_t *d = resp_data(resp);
	jx_set_str(d, "token", tok);
	jx_set_int(d, "invitation_id", inv);
	if (autosave && !req->api) {
		/* a link visit's first answer made a response: the page moves onto
		 * its own link, so later changes go to the same response */
		if (created)
			resp_header(resp, req, "HX-Redirect", arena_printf(&req->arena, "/s/%s", tok));
		resp->status = 204;
		return 0;
	}
	resp_redirect(resp, req, arena_printf(&req->arena, "/s/%s", tok), NULL);
	return 0;
}

int api_answer_save(struct req *req, struct resp *resp)
{
	const char *token = req_param(req, "token");
	const unsigned char *key = app_secret(req->app);
	int64_t id = 0, survey = 0;
	bool link = survey_token_parse_link(key, token, &survey);
	if (!link && !survey_token_parse(key, token, &id))
		return gone(req, resp, 404, "unknown");
	struct input in;
	int rc = input_begin(req, &in);
	if (rc)
		return rc;
	json_t *answers = answers_of(&in);
	bool complete = in.typed ? jx_bool(in.src, "complete", false) : in_has(&in, "complete");
	bool autosave = !in.typed && in_has(&in, "autosave");
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		goto out;
	}
	if (link && (rc = link_response(req, survey, &id)))
		goto done;
	struct survey_save res;
	rc = survey_answer_save(req->db, id, answers, complete, &res, &req->err);
	if (rc == BRUG_EVALIDATION && complete && req->err.key &&
	    !strcmp(req->err.key, "error.required")) {
		/* keep what was given: a half-finished survey still counts */
		struct brug_err keep = req->err;
		struct survey_save partial;
		if (!survey_answer_save(req->db, id, answers, false, &partial, NULL))
			req->err = keep;
	}
done:
	/* a required question left open names itself in the detail */
	if (rc == BRUG_EVALIDATION && !req->err.field && req->err.key &&
	    !strcmp(req->err.key, "error.required") && req->err.detail[0])
		req->err.field = arena_printf(&req->arena, "%s", req->err.detail);
	if (rc == BRUG_ENOTFOUND) {
		rc = gone(req, resp, 404, "unknown");
		goto out;
	}
	if (rc == BRUG_ECONFLICT && !req->err.key) {
		rc = gone(req, resp, 410, "closed");
		goto out;
	}
	if (rc == BRUG_EVALIDATION && !req->api && !autosave) {
		/* the form again, with the message next to its question */
		if (req->err.field && req->err.key)
			in_error(&in, arena_printf(&req->arena, "a.%s", req->err.field), req->err.key);
		rc = input_fail(&in, resp);
		json_t *page = NULL;
		enum survey_visit_state st;
		if (id && !survey_answer_load(req->db, id, req->lang, &page, &st)) {
			char tok[SURVEY_TOKEN_MAX];
			survey_token_make(key, id, tok);
			form_data(req, resp, page, tok);
			json_decref(page);
		}
		goto out;
	}
	if (rc == BRUG_EVALIDATION) {
		rc = input_fail_domain(&in, resp, rc);
		goto out;
	}
	if (!rc)
		rc = saved(req, resp, id, autosave, link);
out:
	json_decref(answers);
	input_end(&in);
	return rc;
}

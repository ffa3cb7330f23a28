/* SPDX-License-Identifier: Apache-2.0 */
/* Surveys and their questions, for managers and administrators: the list
 * (by status), the new-survey form with its templates, one survey with its
 * questions and their edit forms, and the writes behind them. Question
 * writes answer with the whole survey, as the page shows it. */
#include "api/handlers.h"

#include <stdio.h>
#include <string.h>

#include "api/common.h"
#include "api/survey_input.h"
#include "core/i18n.h"
#include "domain/check.h"
#include "domain/survey.h"
#include "domain/survey_question.h"
#include "domain/survey_template.h"
#include "domain/survey_token.h"
#include "domain/user.h"
#include "http/app.h"
#include "util/buf.h"
#include "util/jx.h"

static const char *const statuses[] = {"draft", "active", "closed", NULL};
static const char *const kinds[] = {"relationship", "transactional", "link", NULL};
static const char *const qtypes[] = {"nps",    "csat",     "ces",  "rating",
				     "single", "multiple", "text", "yesno", NULL};

static int not_found(struct req *req, int rc)
{
	return rc == BRUG_ENOTFOUND && !req->err.key
		       ? brug_fail(&req->err, rc, "error.survey_not_found", NULL)
		       : rc;
}

/* [{value, label, is_selected}] over set, labels from prefix. */
static json_t *options_of(struct req *req, const char *const *set, const char *prefix,
			  const char *selected)
{
	const struct i18n *cat = app_catalogs(req->app, req);
	json_t *a = json_array();
	for (size_t i = 0; set[i]; i++) {
		const char *key = arena_printf(&req->arena, "%s.%s", prefix, set[i]);
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", set[i], "label",
						   i18n_text(cat, req->lang, key), "is_selected",
						   selected && !strcmp(selected, set[i])));
	}
	return a;
}

int api_surveys_list(struct req *req, struct resp *resp)
{
	const char *status = req_query(req, "status");
	if (status && !*status)
		status = NULL;
	if (status && !check_one_of(status, statuses))
		return brug_fail(&req->err, BRUG_EVALIDATION, "error.choice", "status");
	json_t *list = NULL;
	struct listing page;
	api_paging(req, &page.page, &page.per_page);
	int rc = survey_list(req->db, req->who.org_id, status, page, &list);
	if (rc)
		return rc;
	if (!req->api) {
		json_t *items = json_object_get(list, "items");
		api_labels(req, items, "kind", "surveys.kinds");
		api_labels(req, items, "status", "surveys.statuses");
		json_object_set_new(list, "statuses", options_of(req, statuses, "surveys.statuses",
								 status));
		jx_set_bool(list, "filtered", status != NULL);
	}
	api_pager(req, list);
	resp_set_data(resp, list);
	return 0;
}

static void new_form_data(struct req *req, json_t *d)
{
	json_t *values = json_object_get(d, "values");
	json_t *tpls = survey_template_list(req->lang), *t;
	const char *chosen = jx_str(values, "template");
	size_t i;
	json_array_foreach(tpls, i, t) {
		const char *k = jx_str(t, "key");
		jx_set_bool(t, "is_selected", chosen && !strcmp(chosen, k));
	}
	api_labels(req, tpls, "kind", "surveys.kinds");
	json_object_set_new(d, "templates", tpls);
	jx_set_bool(d, "no_template", !chosen || !*chosen);
	json_object_set_new(d, "kinds", options_of(req, kinds, "surveys.kinds", jx_str(values, "kind")));
}

int api_surveys_new(struct req *req, struct resp *resp)
{
	json_t *d = resp_data(resp);
	json_t *v = json_object();
	const char *tpl = req_query(req, "template");
	if (tpl)
		jx_set_str(v, "template", tpl);
	json_object_set_new(d, "values", v);
	new_form_data(req, d);
	return 0;
}

/* The settings member of a JSON body: an object, or an error on the field. */
static json_t *in_settings(struct input *in)
{
	json_t *s = in->typed ? json_object_get(in->src, "settings") : NULL;
	if (s && !json_is_object(s)) {
		in_error(in, "settings", "error.survey_settings");
		return NULL;
	}
	return s;
}

/* A text that was sent, with "" as "not given" for optional choices. */
static const char *in_opt(struct input *in, const char *field, size_t max)
{
	const char *s = in_has(in, field) ? in_text(in, field, 0, max) : NULL;
	return s && *s ? s : NULL;
}

static void read_texts(struct input *in, struct survey_fields *f)
{
	static const char *const names[] = {"intro_nl", "intro_en", "thanks_nl", "thanks_en"};
	const char **dst[] = {&f->intro_nl, &f->intro_en, &f->thanks_nl, &f->thanks_en};
	for (int i = 0; i < 4; i++)
		if (in_has(in, names[i]))
			*dst[i] = in_text(in, names[i], IN_MULTILINE, SURVEY_TEXT_MAX);
}

/* The template's name in the reader's language, for a survey given none. */
static const char *template_name(struct req *req, const char *key)
{
	json_t *t = survey_template_get(key);
	const char *n = jx_str(t, !strcmp(req->lang, "en") ? "name_en" : "name_nl");
	const char *out = n ? arena_printf(&req->arena, "%s", n) : NULL;
	json_decref(t);
	return out;
}

static int show(struct req *req, struct resp *resp, int64_t id);

int api_surveys_create(struct req *req, struct resp *resp)
{
	struct input in;
	int rc = input_begin(req, &in);
	if (rc)
		goto out;
	struct survey_fields f = {0};
	const char *tpl = in_opt(&in, "template", 40);
	f.name = in_text(&in, "name", tpl ? 0 : IN_REQUIRED, SURVEY_NAME_MAX);
	f.kind = in_opt(&in, "kind", 20);
	f.status = in_opt(&in, "status", 20);
	f.owner_id = in_int(&in, "owner_id", 0, 1, INT64_MAX, 0);
	read_texts(&in, &f);
	f.settings = in_settings(&in);
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		new_form_data(req, resp_data(resp));
		goto out;
	}
	if ((!f.name || !*f.name) && tpl)
		f.name = template_name(req, tpl);
	struct actor who = req_actor(req);
	int64_t id = 0;
	if ((rc = survey_create(req->db, &who, &f, tpl, &id, &req->err))) {
		rc = input_fail_domain(&in, resp, rc);
		new_form_data(req, resp_data(resp));
		goto out;
	}
	if ((rc = show(req, resp, id)))
		goto out;
	resp->status = 201;
	if (req->api)
		resp_header(resp, req, "Location",
			    arena_printf(&req->arena, "/api/v1/surveys/%lld", (long long)id));
	resp_redirect(resp, req, arena_printf(&req->arena, "/surveys/%lld", (long long)id),
		      "flash.survey_created");
out:
	input_end(&in);
	return rc;
}

/* For an edit form: a choice question's choices as "key: nl | en" lines. */
static void choices_text(struct req *req, json_t *q)
{
	struct buf b;
	buf_init(&b, 64 * 1024);
	json_t *c;
	size_t i;
	json_array_foreach(json_object_get(json_object_get(q, "options"), "choices"), i, c)
		buf_printf(&b, "%s: %s | %s\n", jx_str(c, "key"), jx_str(c, "nl"), jx_str(c, "en"));
	jx_set_str(q, "choices_text", buf_str(&b));
	buf_cleanup(&b);
	(void)req;
}

/* Flags and lists the page's question forms need. */
static void question_page_data(struct req *req, json_t *qs, bool frozen)
{
	json_t *q;
	size_t i, n = json_array_size(qs);
	json_array_foreach(qs, i, q) {
		const char *t = jx_str(q, "type");
		jx_set_bool(q, "is_first", i == 0);
		jx_set_bool(q, "is_last", i + 1 == n);
		jx_set_int(q, "number", (int64_t)i + 1);
		jx_set_bool(q, "is_rating", !strcmp(t, "rating"));
		jx_set_bool(q, "is_scale", !strcmp(t, "nps") || !strcmp(t, "csat") ||
						   !strcmp(t, "ces") || !strcmp(t, "rating"));
		jx_set_bool(q, "is_choice", !strcmp(t, "single") || !strcmp(t, "multiple"));
		jx_set_bool(q, "is_text", !strcmp(t, "text"));
		jx_set_bool(q, "frozen", frozen);
		if (!frozen)
			json_object_set_new(q, "types", options_of(req, qtypes, "surveys.types", t));
		choices_text(req, q);
	}
	api_labels(req, qs, "type", "surveys.types");
}

static int page_data(struct req *req, json_t *s)
{
	const char *status = jx_str(s, "status");
	bool frozen = strcmp(status, "draft") != 0;
	jx_set_bool(s, "is_draft", !frozen);
	jx_set_bool(s, "is_active", !strcmp(status, "active"));
	jx_set_bool(s, "is_closed", !strcmp(status, "closed"));
	api_labels(req, s, "kind", "surveys.kinds");
	api_labels(req, s, "status", "surveys.statuses");
	question_page_data(req, json_object_get(s, "questions"), frozen);
	api_labels(req, json_object_get(s, "retired"), "type", "surveys.types");
	json_object_set_new(s, "types", options_of(req, qtypes, "surveys.types", NULL));
	json_object_set_new(s, "kinds", options_of(req, kinds, "surveys.kinds", jx_str(s, "kind")));
	api_survey_send_data(req, s);
	struct user_filter f = {.status = 1, .per_page = 200, .page = 1};
	json_t *list = NULL;
	int rc = user_list(req->db, req->who.org_id, &f, &list);
	if (rc)
		return rc;
	json_t *owners = json_object_get(list, "items");
	json_t *sel = json_pack("{s:I}", "owner_id", (json_int_t)jx_int(s, "owner_id", 0));
	api_mark_selected(owners, sel, "owner_id");
	json_decref(sel);
	json_object_set(s, "owners", owners);
	if (!strcmp(jx_str(s, "kind"), "relationship"))
		api_survey_schedule_data(req, s, owners);
	else if (!strcmp(jx_str(s, "kind"), "transactional"))
		rc = api_survey_trigger_data(req, s);
	json_decref(list);
	return rc;
}

static int show(struct req *req, struct resp *resp, int64_t id)
{
	json_t *s = NULL;
	int rc = survey_get(req->db, req->who.org_id, id, &s);
	if (rc)
		return not_found(req, rc);
	if (!req->api && (rc = page_data(req, s))) {
		json_decref(s);
		return rc;
	}
	const char *kind = jx_str(s, "kind");
	if (kind && !strcmp(kind, "link")) {
		/* the always-open link: anyone with it may answer while active */
		char tok[SURVEY_TOKEN_MAX];
		survey_token_make_link(app_secret(req->app), id, tok);
		const char *base = cfg_str(app_config(req->app), CFG_BASE_URL);
		size_t n = base ? strlen(base) : 0;
		while (n && base[n - 1] == '/')
			n--;
		jx_set_str(s, "link_url", arena_printf(&req->arena, "%.*s/s/%s", (int)n, base ? base : "", tok));
	}
	json_t *d = resp_data(resp);
	json_object_update_missing(d, s);
	/* the survey's own values win over a failed form's echo */
	json_object_set(d, "questions", json_object_get(s, "questions"));
	json_decref(s);
	return 0;
}

int api_surveys_show(struct req *req, struct resp *resp)
{
	int64_t id;
	int rc = req_param_id(req, "id", &id);
	if (rc)
		return brug_fail(&req->err, rc, "error.survey_not_found", NULL);
	return show(req, resp, id);
}

int api_surveys_update(struct req *req, struct resp *resp)
{
	struct input in;
	json_t *form_settings = NULL;
	int64_t id = 0;
	int rc = input_begin_id(req, &in, "id", &id, "error.survey_not_found");
	if (rc)
		goto out;
	struct survey_fields f = {0};
	if (in_has(&in, "name"))
		f.name = in_text(&in, "name", IN_REQUIRED, SURVEY_NAME_MAX);
	f.kind = in_has(&in, "kind") ? in_enum(&in, "kind", IN_REQUIRED, kinds) : NULL;
	f.status = in_has(&in, "status") ? in_enum(&in, "status", IN_REQUIRED, statuses) : NULL;
	f.owner_id = in_int(&in, "owner_id", 0, 1, INT64_MAX, 0);
	read_texts(&in, &f);
	f.settings = in_settings(&in);
	bool schedule_form = in_has(&in, "schedule_form"), trigger_form = in_has(&in, "trigger_form");
	if (!in.typed && (schedule_form || trigger_form)) {
		/* the schedule and after-a-contact forms change only their own
		 * keys of the settings */
		json_t *old = NULL;
		if ((rc = survey_get(req->db, req->who.org_id, id, &old))) {
			rc = not_found(req, rc);
			goto out;
		}
		form_settings = schedule_form
					? api_survey_schedule_read(&in, json_object_get(old, "settings"))
					: api_survey_trigger_read(&in, json_object_get(old, "settings"));
		f.settings = form_settings;
		json_decref(old);
	}
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		show(req, resp, id);
		goto out;
	}
	struct actor who = req_actor(req);
	if ((rc = survey_update(req->db, &who, id, &f, &req->err))) {
		rc = input_fail_domain(&in, resp, not_found(req, rc));
		if (rc != BRUG_ENOTFOUND)
			show(req, resp, id);
		goto out;
	}
	if ((rc = show(req, resp, id)))
		goto out;
	resp_redirect(resp, req, arena_printf(&req->arena, "/surveys/%lld", (long long)id),
		      "flash.saved");
out:
	json_decref(form_settings);
	input_end(&in);
	return rc;
}

/* After a question write: the survey, or the page again. */
static int question_done(struct req *req, struct resp *resp, int64_t survey, const char *flash)
{
	int rc = show(req, resp, survey);
	if (!rc)
		resp_redirect(resp, req, arena_printf(&req->arena, "/surveys/%lld", (long long)survey),
			      flash);
	return rc;
}

int api_survey_questions_create(struct req *req, struct resp *resp)
{
	struct input in;
	struct survey_question_fields q = {.required = -1};
	int64_t survey = 0, qid = 0;
	int rc = input_begin_id(req, &in, "id", &survey, "error.survey_not_found");
	if (!rc)
		rc = api_survey_question_read(&in, &q, true);
	if (rc)
		goto out;
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		show(req, resp, survey);
		goto out;
	}
	struct actor who = req_actor(req);
	if ((rc = survey_question_add(req->db, &who, survey, &q, &qid, &req->err))) {
		rc = input_fail_domain(&in, resp, not_found(req, rc));
		if (rc != BRUG_ENOTFOUND)
			show(req, resp, survey);
		goto out;
	}
	if ((rc = question_done(req, resp, survey, "flash.question_added")))
		goto out;
	jx_set_int(resp_data(resp), "question_id", qid);
	resp->status = 201;
out:
	json_decref(q.options);
	input_end(&in);
	return rc;
}

/* The survey and question ids of a question route. */
static int question_ids(struct req *req, int64_t *survey, int64_t *qid)
{
	int rc = req_param_id(req, "id", survey);
	if (rc)
		return brug_fail(&req->err, rc, "error.survey_not_found", NULL);
	rc = req_param_id(req, "qid", qid);
	return rc ? brug_fail(&req->err, rc, "error.survey_question_not_found", NULL) : 0;
}

int api_survey_questions_update(struct req *req, struct resp *resp)
{
	struct input in;
	struct survey_question_fields q = {.required = -1};
	int64_t survey = 0, qid = 0;
	int rc = question_ids(req, &survey, &qid);
	if (rc)
		return rc;
	if ((rc = input_begin(req, &in)) || (rc = api_survey_question_read(&in, &q, false)))
		goto out;
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		show(req, resp, survey);
		goto out;
	}
	struct actor who = req_actor(req);
	if ((rc = survey_question_update(req->db, &who, survey, qid, &q, &req->err))) {
		rc = input_fail_domain(&in, resp, not_found(req, rc));
		if (rc != BRUG_ENOTFOUND)
			show(req, resp, survey);
		goto out;
	}
	rc = question_done(req, resp, survey, "flash.saved");
out:
	json_decref(q.options);
	input_end(&in);
	return rc;
}

int api_survey_questions_delete(struct req *req, struct resp *resp)
{
	int64_t survey = 0, qid = 0;
	int rc = question_ids(req, &survey, &qid);
	if (rc)
		return rc;
	struct actor who = req_actor(req);
	bool retired = false;
	if ((rc = survey_question_remove(req->db, &who, survey, qid, &retired, &req->err)))
		return not_found(req, rc);
	rc = question_done(req, resp, survey,
			   retired ? "flash.question_retired" : "flash.question_deleted");
	jx_set_bool(resp_data(resp), "retired", retired);
	return rc;
}

int api_survey_questions_move(struct req *req, struct resp *resp)
{
	static const char *const dirs[] = {"up", "down", NULL};
	struct input in;
	int64_t survey = 0, qid = 0;
	int rc = question_ids(req, &survey, &qid);
	if (rc)
		return rc;
	if ((rc = input_begin(req, &in)))
		goto out;
	const char *dir = in_enum(&in, "direction", IN_REQUIRED, dirs);
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		show(req, resp, survey);
		goto out;
	}
	struct actor who = req_actor(req);
	if ((rc = survey_question_move(req->db, &who, survey, qid, !strcmp(dir, "up") ? -1 : 1,
				       &req->err))) {
		rc = not_found(req, rc);
		goto out;
	}
	rc = question_done(req, resp, survey, "flash.question_moved");
out:
	input_end(&in);
	return rc;
}

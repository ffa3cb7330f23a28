/* SPDX-License-Identifier: Apache-2.0 */
/* Follow-up cases (closing the loop): the list with the loop's metrics on
 * top ("my cases" for employees, everyone's for managers), one case with
 * the answer, notes and the customer's timeline, status and assignee
 * changes, notes; and each employee's own feedback (/feedback/mine). The
 * rules are in domain/survey_case. */
#include "api/handlers.h"

#include <string.h>

#include "api/common.h"
#include "domain/survey.h"
#include "domain/survey_case.h"
#include "domain/timeline.h"
#include "domain/user.h"
#include "util/clock.h"
#include "util/jx.h"

#define DAY_MS (24 * 3600 * 1000LL)

static const char *const statuses[] = {"open", "contacted", "resolved", NULL};

static int not_found(struct req *req, int rc)
{
	return rc == BRUG_ENOTFOUND && !req->err.key
		       ? brug_fail(&req->err, rc, "error.case_not_found", NULL)
		       : rc;
}

static int index_of(const char *s, const char *const *set)
{
	for (int i = 0; s && set[i]; i++)
		if (!strcmp(s, set[i]))
			return i;
	return -1;
}

/* The metrics as JSON: numbers, with null where there is nothing to
 * measure (no case due, none closed). */
static json_t *metrics_json(const struct survey_case_metrics *m, int64_t from, int64_t to,
			    int64_t survey)
{
	json_t *o = json_object();
	jx_set_time(o, "from_at", from);
	jx_set_time(o, "to_at", to);
	if (survey)
		jx_set_int(o, "survey_id", survey);
	else
		json_object_set_new(o, "survey_id", json_null());
	jx_set_int(o, "opened", m->opened);
	jx_set_int(o, "due", m->due);
	jx_set_int(o, "in_time", m->in_time);
	json_object_set_new(o, "in_time_pct", m->in_time_pct < 0 ? json_null()
								 : json_real(m->in_time_pct));
	jx_set_int(o, "closed", m->closed);
	json_object_set_new(o, "median_hours", m->median_hours < 0 ? json_null()
								   : json_real(m->median_hours));
	jx_set_int(o, "open_now", m->open_now);
	jx_set_int(o, "overdue_now", m->overdue_now);
	return o;
}

/* The metrics for ?days= (1-730; 90) and ?survey_id=, into *out. */
static int metrics_for(struct req *req, json_t **out)
{
	int64_t days = req_query_int(req, "days", 90, 1, 730);
	int64_t survey = req_query_int(req, "survey_id", 0, 0, INT64_MAX);
	int64_t now = clock_now_ms(), from = now - days * DAY_MS;
	struct survey_case_metrics m;
	int rc = survey_case_metrics_get(req->db, req->who.org_id, survey, from, now, now, &m);
	if (rc)
		return rc;
	json_t *o = metrics_json(&m, from, now, survey);
	jx_set_int(o, "days", days);
	if (!req->api) { /* rounded for the page; the API keeps the numbers */
		if (m.in_time_pct >= 0)
			jx_set_int(o, "in_time_pct_shown", (int64_t)(m.in_time_pct + 0.5));
		if (m.median_hours >= 0)
			jx_set_str(o, "median_shown",
				   arena_printf(&req->arena, "%.1f", m.median_hours));
	}
	*out = o;
	return 0;
}

int api_cases_metrics(struct req *req, struct resp *resp)
{
	json_t *o = NULL;
	int rc = metrics_for(req, &o);
	if (!rc)
		resp_set_data(resp, o);
	return rc;
}

/* For the page's survey filter: the organisation's surveys. */
static void surveys_into(struct req *req, json_t *d, int64_t selected)
{
	json_t *list = NULL;
	if (survey_list(req->db, req->who.org_id, NULL, (struct listing){1, 200}, &list))
		return;
	json_t *items = json_object_get(list, "items");
	size_t i;
	json_t *s;
	json_array_foreach(items, i, s)
		jx_set_bool(s, "is_selected", jx_int(s, "id", 0) == selected);
	json_object_set(d, "surveys", items);
	json_decref(list);
}

int api_cases_list(struct req *req, struct resp *resp)
{
	struct survey_case_filter f = {0};
	/* assignee: "me" (employees' default), "all" (managers' default) or an id */
	const char *a = req_query(req, "assignee");
	if (!a || !*a)
		a = req->who.role >= ROLE_MANAGER ? "all" : "me";
	if (!strcmp(a, "me"))
		f.assignee_id = req->who.user_id;
	else if (strcmp(a, "all"))
		f.assignee_id = req_query_int(req, "assignee", req->who.user_id, 1, INT64_MAX);
	int si = index_of(req_query(req, "status"), statuses);
	f.status = si >= 0 ? statuses[si] : NULL;
	const char *od = req_query(req, "overdue");
	f.overdue = od && (!strcmp(od, "1") || !strcmp(od, "true") || !strcmp(od, "on"));
	f.survey_id = req_query_int(req, "survey_id", 0, 0, INT64_MAX);
	api_paging(req, &f.page.page, &f.page.per_page);
	json_t *list = NULL, *m = NULL;
	int rc = survey_case_list(req->db, req->who.org_id, &f, &list);
	if (rc)
		return rc;
	json_t *v = json_object();
	jx_set_str(v, "assignee", a);
	jx_set_str(v, "status", f.status ? f.status : "");
	jx_set_bool(v, "overdue", f.overdue);
	jx_set_int(v, "survey_id", f.survey_id);
	json_object_set_new(list, "values", v);
	if (!req->api) {
		jx_set_bool(v, "assignee_me", !strcmp(a, "me"));
		jx_set_bool(v, "assignee_all", !strcmp(a, "all"));
		for (int i = 0; statuses[i]; i++)
			jx_set_bool(v, arena_printf(&req->arena, "status_%s", statuses[i]), si == i);
		jx_set_bool(v, "status_any", si < 0);
		api_labels(req, json_object_get(list, "items"), "status", "cases.statuses");
		jx_set_bool(list, "has_items", json_array_size(json_object_get(list, "items")) > 0);
		if ((rc = metrics_for(req, &m))) {
			json_decref(list);
			return rc;
		}
		json_object_set_new(list, "metrics", m);
		surveys_into(req, list, f.survey_id);
		api_pager(req, list);
	}
	resp_set_data(resp, list);
	return 0;
}

/* For the case page: who may be assigned, the move buttons, the timeline. */
static void page_extras(struct req *req, json_t *d)
{
	const char *st = jx_str(d, "status") ? jx_str(d, "status") : "";
	jx_set_bool(d, "is_open", !strcmp(st, "open"));
	jx_set_bool(d, "is_contacted", !strcmp(st, "contacted"));
	jx_set_bool(d, "is_resolved", !strcmp(st, "resolved"));
	struct actor who = req_actor(req);
	jx_set_bool(d, "can_change", survey_case_may_change(req->db, &who, req->who.role,
							    jx_int(d, "id", 0), NULL) == 0);
	api_labels(req, d, "status", "cases.statuses");
	jx_set_bool(d, "has_notes", json_array_size(json_object_get(d, "notes")) > 0);
	jx_set_bool(d, "has_answers", json_array_size(json_object_get(d, "answers")) > 0);
	json_t *users = NULL;
	struct user_filter uf = {.status = 1, .per_page = 200, .page = 1};
	if (!user_list(req->db, req->who.org_id, &uf, &users)) {
		json_object_set(d, "users", json_object_get(users, "items"));
		api_mark_selected(json_object_get(d, "users"), d, "assignee_id");
		json_decref(users);
	}
	int64_t rel = jx_int(d, "relation_id", 0);
	json_t *tl = NULL;
	struct timeline_filter tf = {.page = {1, 20}};
	if (rel > 0 && !timeline_list(req->db, req->who.org_id, rel, &tf, &tl)) {
		json_t *items = json_object_get(tl, "items");
		api_labels(req, items, "channel", "interactions.channels");
		api_labels(req, items, "status", "tasks.statuses");
		api_labels(req, items, "case_status", "cases.statuses");
		jx_set_bool(tl, "has_items", json_array_size(items) > 0);
		json_object_set_new(d, "timeline", tl);
	}
}

int api_cases_show(struct req *req, struct resp *resp)
{
	int64_t id;
	json_t *c = NULL;
	int rc = req_param_id(req, "id", &id);
	if (!rc)
		rc = survey_case_get(req->db, req->who.org_id, id, req->lang, &c);
	if (rc)
		return not_found(req, rc);
	json_t *d = resp_data(resp);
	json_object_update_missing(d, c);
	json_decref(c);
	if (!req->api)
		page_extras(req, d);
	return 0;
}

static int respond(struct req *req, struct resp *resp, int64_t id, const char *flash)
{
	json_t *c = NULL;
	int rc = survey_case_get(req->db, req->who.org_id, id, req->lang, &c);
	if (rc)
		return rc;
	resp_set_data(resp, c);
	resp_redirect(resp, req, arena_printf(&req->arena, "/cases/%lld", (long long)id), flash);
	return 0;
}

int api_cases_update(struct req *req, struct resp *resp)
{
	struct input in;
	int64_t id = 0;
	int rc = input_begin_id(req, &in, "id", &id, "error.case_not_found");
	if (rc)
		goto out;
	struct survey_case_change c = {.assignee_id = -1};
	c.status = in_enum(&in, "status", 0, statuses);
	if (in_has(&in, "assignee_id"))
		c.assignee_id = in_int(&in, "assignee_id", IN_REQUIRED, 1, INT64_MAX, 0);
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		api_cases_show(req, resp);
		goto out;
	}
	struct actor who = req_actor(req);
	if ((rc = survey_case_update(req->db, &who, req->who.role, id, &c, &req->err))) {
		rc = input_fail_domain(&in, resp, not_found(req, rc));
		if (rc == BRUG_EVALIDATION)
			api_cases_show(req, resp);
		goto out;
	}
	rc = respond(req, resp, id, "flash.saved");
out:
	input_end(&in);
	return rc;
}

int api_cases_note(struct req *req, struct resp *resp)
{
	struct input in;
	int64_t id = 0, note = 0;
	int rc = input_begin_id(req, &in, "id", &id, "error.case_not_found");
	if (rc)
		goto out;
	const char *body = in_text(&in, "body", IN_REQUIRED | IN_MULTILINE, 10000);
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		api_cases_show(req, resp);
		goto out;
	}
	struct actor who = req_actor(req);
	if ((rc = survey_case_note_add(req->db, &who, req->who.role, id, body, &note, &req->err))) {
		rc = input_fail_domain(&in, resp, not_found(req, rc));
		if (rc == BRUG_EVALIDATION)
			api_cases_show(req, resp);
		goto out;
	}
	if ((rc = respond(req, resp, id, "flash.note_added")))
		goto out;
	resp->status = 201;
	jx_set_int(resp_data(resp), "note_id", note);
out:
	input_end(&in);
	return rc;
}

int api_feedback_mine(struct req *req, struct resp *resp)
{
	struct listing page;
	api_paging(req, &page.page, &page.per_page);
	json_t *list = NULL;
	int rc = survey_feedback_mine(req->db, req->who.org_id, req->who.user_id, req->lang, page,
				      &list);
	if (rc)
		return rc;
	if (!req->api) {
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(list, "items"), i, it) {
			jx_set_bool(it, "has_nps", json_is_integer(json_object_get(it, "nps")));
			api_labels(req, it, "channel", "interactions.channels");
		}
		jx_set_bool(list, "has_items", json_array_size(json_object_get(list, "items")) > 0);
		api_pager(req, list);
	}
	resp_set_data(resp, list);
	return 0;
}

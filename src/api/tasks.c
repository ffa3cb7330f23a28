/* SPDX-License-Identifier: Apache-2.0 */
/* Tasks and follow-ups: "my tasks" (overdue first) by default, anyone's on
 * request; created from a relation's page, an interaction, or the list;
 * marked done with one button. */
#include "api/handlers.h"

#include <string.h>

#include "api/common.h"
#include "domain/task.h"
#include "domain/user.h"
#include "util/jx.h"

static const char *const statuses[] = {"open", "done", "cancelled", "all", NULL};

static int task_id(struct req *req, int64_t *id)
{
	int rc = req_param_id(req, "id", id);
	return rc ? brug_fail(&req->err, rc, "error.task_not_found", NULL) : 0;
}

static int not_found(struct req *req, int rc)
{
	return rc == BRUG_ENOTFOUND && !req->err.key
		       ? brug_fail(&req->err, rc, "error.task_not_found", NULL)
		       : rc;
}

static int users_into(struct req *req, json_t *d)
{
	json_t *users = NULL;
	struct user_filter uf = {.status = 1, .per_page = 200, .page = 1};
	int rc = user_list(req->db, req->who.org_id, &uf, &users);
	if (!rc) {
		json_object_set(d, "users", json_object_get(users, "items"));
		json_decref(users);
	}
	return rc;
}

int api_tasks_list(struct req *req, struct resp *resp)
{
	char today[11];
	int rc = task_today(req->db, req->who.org_id, today);
	if (rc)
		return rc;
	struct task_filter f = {.today = today};
	/* assignee: "me" (the default), "all", or a user's id */
	const char *a = req_query(req, "assignee");
	if (!a || !strcmp(a, "me"))
		f.assignee_id = req->who.user_id;
	else if (strcmp(a, "all"))
		f.assignee_id = req_query_int(req, "assignee", req->who.user_id, 1, INT64_MAX);
	f.relation_id = req_query_int(req, "relation_id", 0, 0, INT64_MAX);
	const char *st = req_query(req, "status");
	int si = 0;
	for (int i = 0; st && statuses[i]; i++)
		if (!strcmp(st, statuses[i]))
			si = i;
	f.all = !strcmp(statuses[si], "all");
	f.status = f.all ? NULL : statuses[si];
	api_paging(req, &f.page.page, &f.page.per_page);
	json_t *list = NULL;
	if ((rc = task_list(req->db, req->who.org_id, &f, &list)))
		return rc;
	json_t *v = json_object();
	jx_set_str(v, "assignee", a && *a ? a : "me");
	jx_set_str(v, "status", statuses[si]);
	jx_set_str(v, "today", today);
	json_object_set_new(list, "values", v);
	if (!req->api) {
		api_labels(req, json_object_get(list, "items"), "status", "tasks.statuses");
		users_into(req, list);
		json_t *me = json_pack("{s:I}", "assignee_id", (json_int_t)req->who.user_id);
		api_mark_selected(json_object_get(list, "users"), me, "assignee_id");
		json_decref(me);
		api_pager(req, list);
	}
	resp_set_data(resp, list);
	return 0;
}

static void read_in(struct input *in, bool create, struct task_in *t)
{
	memset(t, 0, sizeof(*t));
	if (!create)
		t->assignee_id = t->relation_id = t->interaction_id = -1;
	t->title = in_has(in, "title") || create
			   ? in_text(in, "title", create ? IN_REQUIRED : 0, 200)
			   : NULL;
	t->notes = in_has(in, "notes") ? in_text(in, "notes", IN_MULTILINE, 10000) : NULL;
	t->due = in_has(in, "due") ? in_text(in, "due", 0, 10) : NULL;
	t->status = in_enum(in, "status", 0, statuses);
	if (t->status && !strcmp(t->status, "all"))
		in_error(in, "status", "error.choice");
	if (in_has(in, "assignee_id"))
		t->assignee_id = in_int(in, "assignee_id", 0, 0, INT64_MAX, 0);
	if (in_has(in, "relation_id"))
		t->relation_id = in_int(in, "relation_id", 0, 0, INT64_MAX, 0);
	if (in_has(in, "interaction_id"))
		t->interaction_id = in_int(in, "interaction_id", 0, 0, INT64_MAX, 0);
}

static int respond(struct req *req, struct resp *resp, int64_t id, int64_t rel, const char *flash)
{
	char today[11];
	json_t *t = NULL;
	int rc = task_today(req->db, req->who.org_id, today);
	if (!rc)
		rc = task_get(req->db, req->who.org_id, id, today, &t);
	if (rc)
		return rc;
	resp_set_data(resp, t);
	const char *next = api_local_path(req_query(req, "next"), NULL);
	if (!next)
		next = rel > 0 ? arena_printf(&req->arena, "/relations/%lld", (long long)rel) : "/tasks";
	resp_redirect(resp, req, next, flash);
	return 0;
}

int api_tasks_create(struct req *req, struct resp *resp)
{
	struct input in;
	int rc = input_begin(req, &in);
	if (rc)
		goto out;
	struct task_in t;
	read_in(&in, true, &t);
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		users_into(req, resp_data(resp));
		goto out;
	}
	struct actor who = req_actor(req);
	int64_t id = 0;
	if ((rc = task_create(req->db, &who, &t, &id, &req->err))) {
		rc = input_fail_domain(&in, resp, rc);
		users_into(req, resp_data(resp));
		goto out;
	}
	if ((rc = respond(req, resp, id, t.relation_id, "flash.task_created")))
		goto out;
	resp->status = 201;
	if (req->api)
		resp_header(resp, req, "Location",
			    arena_printf(&req->arena, "/api/v1/tasks/%lld", (long long)id));
out:
	input_end(&in);
	return rc;
}

int api_tasks_show(struct req *req, struct resp *resp)
{
	int64_t id;
	char today[11];
	json_t *t = NULL;
	int rc = task_id(req, &id);
	if (!rc)
		rc = task_today(req->db, req->who.org_id, today);
	if (!rc)
		rc = task_get(req->db, req->who.org_id, id, today, &t);
	if (rc)
		return not_found(req, rc);
	if (!req->api) {
		api_labels(req, t, "status", "tasks.statuses");
		const char *st = jx_str(t, "status") ? jx_str(t, "status") : "";
		jx_set_bool(t, "is_open", !strcmp(st, "open"));
		jx_set_bool(t, "is_done", !strcmp(st, "done"));
		jx_set_bool(t, "is_cancelled", !strcmp(st, "cancelled"));
	}
	json_t *d = resp_data(resp);
	json_object_update_missing(d, t);
	json_decref(t);
	if (req->api)
		return 0;
	if ((rc = users_into(req, d)))
		return rc;
	api_mark_selected(json_object_get(d, "users"), d, "assignee_id");
	return 0;
}

int api_tasks_update(struct req *req, struct resp *resp)
{
	struct input in;
	int64_t id = 0;
	int rc = input_begin_id(req, &in, "id", &id, "error.task_not_found");
	if (rc)
		goto out;
	struct task_in t;
	read_in(&in, false, &t);
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		api_tasks_show(req, resp);
		goto out;
	}
	struct actor who = req_actor(req);
	if ((rc = task_update(req->db, &who, id, &t, &req->err))) {
		rc = input_fail_domain(&in, resp, not_found(req, rc));
		goto out;
	}
	rc = respond(req, resp, id, 0, "flash.saved");
out:
	input_end(&in);
	return rc;
}

int api_tasks_done(struct req *req, struct resp *resp)
{
	int64_t id;
	int rc = task_id(req, &id);
	if (rc)
		return rc;
	struct actor who = req_actor(req);
	struct task_in t = {.status = "done", .assignee_id = -1, .relation_id = -1,
			    .interaction_id = -1};
	if ((rc = task_update(req->db, &who, id, &t, &req->err)))
		return not_found(req, rc);
	return respond(req, resp, id, 0, "flash.task_done");
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The start page after signing in: the organisation at a glance and where
 * to go next. Later capabilities add their own panels here. */
#include "api/handlers.h"

#include "api/common.h"
#include "domain/interaction.h"
#include "domain/task.h"
#include "domain/team.h"
#include "domain/user.h"
#include "util/jx.h"

int api_home_show(struct req *req, struct resp *resp)
{
	int64_t users = 0, teams = 0, mine = 0;
	int rc = user_count(req->db, req->who.org_id, &users);
	if (!rc)
		rc = team_counts(req->db, req->who.org_id, req->who.user_id, &teams, &mine);
	if (rc)
		return rc;
	/* my work: open tasks (overdue first) and my latest contact moments */
	char today[11];
	int64_t open = 0, overdue = 0;
	json_t *tasks = NULL, *recent = NULL;
	if (!rc)
		rc = task_today(req->db, req->who.org_id, today);
	if (!rc)
		rc = task_counts(req->db, req->who.org_id, req->who.user_id, today, &open, &overdue);
	struct task_filter tf = {.assignee_id = req->who.user_id, .today = today, .page = {1, 5}};
	if (!rc)
		rc = task_list(req->db, req->who.org_id, &tf, &tasks);
	struct interaction_filter inf = {.user_id = req->who.user_id, .page = {1, 5}};
	if (!rc)
		rc = interaction_list(req->db, req->who.org_id, &inf, &recent);
	if (rc) {
		json_decref(tasks);
		return rc;
	}
	json_t *d = resp_data(resp);
	jx_set_int(d, "open_tasks", open);
	jx_set_int(d, "overdue_tasks", overdue);
	jx_set_bool(d, "has_overdue", overdue > 0);
	json_object_set(d, "my_tasks", json_object_get(tasks, "items"));
	json_object_set(d, "my_interactions", json_object_get(recent, "items"));
	api_labels(req, json_object_get(d, "my_interactions"), "channel", "interactions.channels");
	json_decref(tasks);
	json_decref(recent);
	jx_set_int(d, "users", users);
	jx_set_int(d, "teams", teams);
	jx_set_int(d, "my_teams", mine);
	jx_set_bool(d, "no_teams", teams == 0);
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Background jobs for administrators: the queue of their organisation by
 * state, failed jobs with their last error and a retry, the schedules, and
 * a probe job that shows the queue works. */
#include "api/handlers.h"

#include <string.h>

#include "api/common.h"
#include "domain/job.h"
#include "util/jx.h"

static const char *const states[] = {"queued", "running", "done", "failed", NULL};

int api_jobs_list(struct req *req, struct resp *resp)
{
	const char *state = req_query(req, "state");
	bool known = false;
	for (size_t i = 0; state && states[i]; i++)
		known |= !strcmp(state, states[i]);
	if (!known)
		state = NULL;
	struct listing page;
	api_paging(req, &page.page, &page.per_page);
	json_t *list = NULL, *counts = NULL, *schedules = NULL;
	int rc = job_list(req->db, req->who.org_id, state, page, &list);
	if (!rc)
		rc = job_counts(req->db, req->who.org_id, &counts);
	if (!rc)
		rc = job_schedules(req->db, req->who.org_id, &schedules);
	if (rc) {
		json_decref(list);
		json_decref(counts);
		return rc;
	}
	json_object_set_new(list, "counts", counts);
	json_object_set_new(list, "schedules", json_object_get(schedules, "items") ?
				   json_incref(json_object_get(schedules, "items")) : json_array());
	json_decref(schedules);
	json_object_set_new(list, "values", json_pack("{s:s}", "state", state ? state : ""));
	api_labels(req, json_object_get(list, "items"), "state", "jobs.states");
	if (!req->api) {
		size_t i;
		json_t *e;
		json_array_foreach(json_object_get(list, "items"), i, e)
			jx_set_bool(e, "is_failed", !strcmp(jx_str(e, "state") ? jx_str(e, "state") : "", "failed"));
	}
	api_pager(req, list);
	resp_set_data(resp, list);
	return 0;
}

int api_jobs_retry(struct req *req, struct resp *resp)
{
	int64_t id;
	int rc = req_param_id(req, "id", &id);
	if (rc)
		return rc;
	struct actor who = req_actor(req);
	if ((rc = job_retry(req->db, &who, id, &req->err)))
		return rc;
	json_t *d = resp_data(resp);
	jx_set_int(d, "id", id);
	jx_set_str(d, "state", "queued");
	resp_redirect(resp, req, "/jobs", "flash.job_retried");
	return 0;
}

int api_jobs_probe(struct req *req, struct resp *resp)
{
	struct input in;
	int rc = input_begin(req, &in);
	if (rc)
		goto out;
	int64_t sleep_ms = in_int(&in, "sleep_ms", 0, 0, 600000, 0);
	bool fail = in_bool(&in, "fail", false);
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		goto out;
	}
	struct actor who = req_actor(req);
	int64_t id = 0;
	if ((rc = job_probe(req->db, &who, sleep_ms, fail, 0, &id)))
		goto out;
	json_t *d = resp_data(resp);
	jx_set_int(d, "id", id);
	jx_set_str(d, "kind", "probe");
	jx_set_str(d, "state", "queued");
	resp->status = 201;
	resp_redirect(resp, req, "/jobs", "flash.job_probe");
out:
	input_end(&in);
	return rc;
}

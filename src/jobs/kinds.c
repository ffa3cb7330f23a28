/* SPDX-License-Identifier: Apache-2.0 */
/* Every kind of background job, and the code that runs it. Later
 * capabilities (mail, webhooks, reminders, the digest) add theirs here. */
#include <stdio.h>
#include <unistd.h>

#include "domain/import.h"
#include "domain/outbox.h"
#include "domain/ratelimit.h"
#include "domain/search.h"
#include "domain/session.h"
#include "domain/webhook.h"
#include "jobs/survey_jobs.h"
#include "jobs/case_notify.h"
#include "jobs/worker.h"
#include "util/jx.h"

#define DAY_MS (24 * 3600 * 1000LL)

/* Installation housekeeping: expired sessions, old rate-limit windows,
 * finished jobs and import uploads older than a day go. */
static int housekeeping(struct job_ctx *c)
{
	int64_t sessions = 0, jobs = 0, uploads = 0;
	int rc = session_purge(c->db, &sessions);
	if (!rc)
		rc = ratelimit_purge(c->db, DAY_MS);
	if (!rc)
		rc = jobs_purge(c->db, 7 * DAY_MS, &jobs);
	if (!rc)
		rc = import_upload_purge(c->db, DAY_MS, &uploads);
	if (rc)
		snprintf(c->error, sizeof(c->error), "housekeeping: %s", rc_code(rc));
	return rc;
}

/* Indexes the organisation's search backlog (what large imports wrote):
 * for up to 30 seconds, well inside the lease, then queues itself again
 * when some is left. Safe to repeat and to run twice at once. */
static int search_backlog(struct job_ctx *c)
{
	bool left = false;
	size_t n = 0;
	int rc = search_backlog_run(c->db, c->job->org_id, 30000, &n, &left);
	if (!rc && left)
		rc = jobs_enqueue(c->db,
				  &(struct job_new){.org_id = c->job->org_id, .kind = "search.backlog"},
				  NULL);
	if (rc)
		snprintf(c->error, sizeof(c->error), "search backlog: %s", rc_code(rc));
	return rc;
}

/* A job that proves the queue works end to end: it waits sleep_ms (at most
 * ten minutes) and then succeeds, or fails with message when fail is true.
 * Administrators start one from the jobs page; tests use it too. */
static int probe(struct job_ctx *c)
{
	int64_t ms = jx_int(c->payload, "sleep_ms", 0);
	if (ms > 0)
		usleep((useconds_t)(ms > 600000 ? 600000 : ms) * 1000);
	if (jx_bool(c->payload, "fail", false)) {
		const char *m = jx_str(c->payload, "message");
		snprintf(c->error, sizeof(c->error), "%s", m ? m : "the probe was asked to fail");
		return BRUG_EINVAL;
	}
	return 0;
}

/* Delivers one webhook event (domain/webhook.h): retried by the queue
 * until the receiver answers 2xx, then failed for good in the log. */
static int webhook_deliver_job(struct job_ctx *c)
{
	int64_t id = jx_int(c->payload, "delivery_id", 0);
	bool last = c->job->attempts >= c->job->max_attempts;
	return webhook_deliver(c->db, id, last, c->error, sizeof(c->error));
}

/* Delivers one outbox mail {"id": n} (domain/outbox.h: held without an
 * SMTP server; failed for good on the job's last attempt). */
static int mail_send(struct job_ctx *c)
{
	int64_t id = jx_int(c->payload, "id", 0);
	if (!c->env) {
		snprintf(c->error, sizeof(c->error), "the mail settings could not be loaded");
		return BRUG_EINTERNAL;
	}
	struct outbox_smtp smtp = {
		.url = cfg_str(c->cfg, CFG_SMTP_URL),
		.user = cfg_str(c->cfg, CFG_SMTP_USER),
		.password = cfg_str(c->cfg, CFG_SMTP_PASSWORD),
		.from = c->env->mail.from.addr,
	};
	bool last = c->job->attempts >= c->job->max_attempts;
	return outbox_send(c->db, &smtp, c->job->org_id, id, last, c->error, sizeof(c->error));
}

const struct job_kind job_kinds[] = {
	{"housekeeping", housekeeping, "Remove expired sessions, old limits, finished jobs and old import uploads"},
	{"mail.send", mail_send, "Deliver one outbox mail over SMTP (or hold it without a server)"},
	{"probe", probe, "A test job: proves the queue runs"},
	{"search.backlog", search_backlog, "Index for search what large imports wrote"},
	{"webhook.deliver", webhook_deliver_job, "Deliver a webhook event, signed"},
	{"survey.invite", survey_job_invite, "Mail a survey invitation"},
	{"survey.remind", survey_job_remind, "Mail the one reminder of an unanswered invitation"},
	{"survey.transactional", survey_job_transactional,
	 "Invite the person of an interaction to a survey after it"},
	{"survey.wave", survey_job_wave, "Send a relationship survey's scheduled wave"},
	{"case.notify", job_case_notify, "Mail the assignee of a new follow-up case"},
};
const size_t job_kinds_count = sizeof(job_kinds) / sizeof(job_kinds[0]);

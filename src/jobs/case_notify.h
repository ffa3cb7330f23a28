/* SPDX-License-Identifier: Apache-2.0 */
/* The "case.notify" job: tells the assignee of a new follow-up case by
 * mail (domain/outbox.h), in their language, with the answer and a link
 * to the case. Owns only the mail's wording and rendering; the case rules
 * live in domain/survey_case. */
#ifndef BRUG_JOBS_CASE_NOTIFY_H
#define BRUG_JOBS_CASE_NOTIFY_H

#include "jobs/worker.h"

/* Runs case.notify for payload {"case_id"} of c->job's organisation: queues
 * one mail (mail_outbox kind "case", ref_id the case) unless one was
 * queued before (a retried job sends nothing twice). A case without an
 * active assignee, or gone, is done without a mail. Fails (c->error set)
 * when c->env is missing or the mail cannot be built. Thread-safe: uses
 * only c's connection and the shared read-only c->env. */
int job_case_notify(struct job_ctx *c);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* The jobs that mail survey invitations: survey.invite (the first mail,
 * with the NPS scale as one-click links when the survey opens with an NPS
 * question), survey.remind (one reminder, only while unanswered),
 * survey.transactional (the invitation after an interaction) and
 * survey.wave (a relationship survey's scheduled wave). They build
 * the message from the mail_invite_* templates in the invitee's language
 * and queue it in the outbox (domain/outbox.h) in the same transaction as
 * the invitation's new state, so a retry never mails twice. */
#ifndef BRUG_JOBS_SURVEY_JOBS_H
#define BRUG_JOBS_SURVEY_JOBS_H

#include "jobs/worker.h"

/* Job functions for job_kinds[] (payload {invitation_id} for invite and
 * remind, {survey_id, interaction_id} for transactional). Each returns 0
 * when there is nothing (more) to do, so a job for an invitation that was
 * answered, closed or opted out meanwhile ends quietly. Thread-safe: each
 * uses only its ctx. */
int survey_job_invite(struct job_ctx *ctx);
int survey_job_remind(struct job_ctx *ctx);
int survey_job_transactional(struct job_ctx *ctx);
/* The scheduled wave of a relationship survey (payload {survey_id}, from
 * the schedule domain/survey.c keeps): survey_invite_wave over the
 * selection in the survey's settings, as its owner; contact pressure
 * skips whoever was asked too recently. A survey that is gone, closed or
 * no longer a relationship survey: nothing, and success. Thread-safe. */
int survey_job_wave(struct job_ctx *ctx);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* The demo's surveys and a year of answers; see demo_feedback.c. */
#ifndef BRUG_CLI_DEMO_FEEDBACK_H
#define BRUG_CLI_DEMO_FEEDBACK_H

#include <stdint.h>

#include "cli/demo_crm.h"

/* Makes an NPS relationship survey and a CSAT survey after contacts
 * (owner: the user who gets follow-ups of relations without an owner),
 * fills a year of invitations, answers and handled cases over what the
 * CRM demo made, inside the caller's transaction. Shifts the process clock
 * while it runs (and back): single-threaded use only. */
int demo_feedback_fill(struct db *db, const struct actor *who, const struct demo_crm_made *m,
		       int64_t owner, struct brug_err *err);

#endif

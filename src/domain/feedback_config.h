/* SPDX-License-Identifier: Apache-2.0 */
/* An organisation's feedback rules, kept in settings (feedback.*): how
 * often one person may be invited (contact pressure), when the reminder
 * goes, how long an answer link stays valid, the deadline of a follow-up
 * case in working days, and how many answers the always-open link takes
 * from one address per hour. */
#ifndef BRUG_DOMAIN_FEEDBACK_CONFIG_H
#define BRUG_DOMAIN_FEEDBACK_CONFIG_H

#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/principal.h"

struct feedback_config {
	int contact_days;  /* nobody invited twice within this many days (1-365; 30) */
	int reminder_days; /* one reminder after this many days unanswered (0: none, max 60; 3) */
	int expiry_days;   /* an answer link works this many days (1-365; 30) */
	int case_days;     /* a follow-up case is due after this many working days (1-30; 2) */
	int link_per_hour; /* answers per hour from one address on a link survey (1-10000; 20) */
};

/* The organisation's rules, defaults where none were set. */
int feedback_config_get(struct db *db, int64_t org, struct feedback_config *out);
/* Checks and stores c for who's organisation (admin or manager; the caller
 * checks the role), with an audit entry. BRUG_EVALIDATION names the field
 * out of range. */
int feedback_config_set(struct db *db, const struct actor *who, const struct feedback_config *c,
			struct brug_err *err);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* The demo's relations and contact history; see demo_crm.c. */
#ifndef BRUG_CLI_DEMO_CRM_H
#define BRUG_CLI_DEMO_CRM_H

#include <stddef.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/principal.h"

/* The demo's generator (xorshift64*, a fixed seed): 0..n-1, reproducible
 * from run to run. Not thread-safe. */
uint32_t demo_rnd(uint32_t n);

/* An employee of the demo and the team they work in. */
struct demo_user {
	int64_t id;
	const char *team;
};

#define DEMO_CONTACTS_MAX 2048

/* What the CRM demo made, for the parts built on it (the feedback demo):
 * the people, and contact moments with a person, each with its time and
 * the team of the employee who handled it. */
struct demo_crm_made {
	int64_t people[1024];
	size_t n_people;
	struct {
		int64_t id, at;
		const char *team;
	} contacts[DEMO_CONTACTS_MAX];
	size_t n_contacts;
};

/* Adds about people_count people (at most 1024) in ~120 organisations and
 * interaction_count contact moments over the last year, handled by users
 * of the teams that play each role, with follow-up tasks. Inside the
 * caller's transaction; what it made in *made. Not thread-safe (a fixed-seed generator). */
int demo_crm_fill(struct db *db, const struct actor *who, const struct demo_user *users,
		  size_t n_users, int people_count, int interaction_count, struct demo_crm_made *made,
		  struct brug_err *err);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* brug demo: a realistic Dutch organisation to look around in, a heat-pump
 * installer with a customer service desk, planners, field engineers,
 * account managers and debtor administration, as make run shows it. Running
 * it again leaves an existing demo alone. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/demo_crm.h"
#include "cli/demo_feedback.h"
#include "domain/org.h"
#include "domain/team.h"
#include "domain/user.h"

#define DEMO_ORG "Polderwarmte B.V."
#define DEMO_PASSWORD "brug-demo"
#define DEMO_ADMIN "beheer@polderwarmte.example"

static const struct {
	const char *name, *email;
	enum role role;
	const char *team;
	bool lead;
} people[] = {
	{"Marieke Beheer", DEMO_ADMIN, ROLE_ADMIN, "Directie", false},
	{"Jeroen van der Meer", "jeroen@polderwarmte.example", ROLE_MANAGER, "Directie", true},
	{"Sanne de Vries", "sanne@polderwarmte.example", ROLE_MANAGER, "Klantenservice", true},
	{"Daan Jansen", "daan@polderwarmte.example", ROLE_EMPLOYEE, "Klantenservice", false},
	{"Lotte Bakker", "lotte@polderwarmte.example", ROLE_EMPLOYEE, "Klantenservice", false},
	{"Thijs Visser", "thijs@polderwarmte.example", ROLE_EMPLOYEE, "Klantenservice", false},
	{"Emma Smit", "emma@polderwarmte.example", ROLE_EMPLOYEE, "Klantenservice", false},
	{"Bram Meijer", "bram@polderwarmte.example", ROLE_MANAGER, "Planning", true},
	{"Fleur de Boer", "fleur@polderwarmte.example", ROLE_EMPLOYEE, "Planning", false},
	{"Ruben Mulder", "ruben@polderwarmte.example", ROLE_EMPLOYEE, "Planning", false},
	{"Anouk de Groot", "anouk@polderwarmte.example", ROLE_MANAGER, "Accountmanagement", true},
	{"Jesse Bos", "jesse@polderwarmte.example", ROLE_EMPLOYEE, "Accountmanagement", false},
	{"Noor Vos", "noor@polderwarmte.example", ROLE_EMPLOYEE, "Accountmanagement", false},
	{"Lars Peters", "lars@polderwarmte.example", ROLE_MANAGER, "Buitendienst", true},
	{"Iris Hendriks", "iris@polderwarmte.example", ROLE_EMPLOYEE, "Buitendienst", false},
	{"Sem van Dijk", "sem@polderwarmte.example", ROLE_EMPLOYEE, "Buitendienst", false},
	{"Julia van Leeuwen", "julia@polderwarmte.example", ROLE_EMPLOYEE, "Buitendienst", false},
	{"Milan Dekker", "milan@polderwarmte.example", ROLE_EMPLOYEE, "Buitendienst", false},
	{"Eva Brouwer", "eva@polderwarmte.example", ROLE_MANAGER, "Debiteurenbeheer", true},
	{"Finn de Wit", "finn@polderwarmte.example", ROLE_EMPLOYEE, "Debiteurenbeheer", false},
	{"Tess Dijkstra", "tess@polderwarmte.example", ROLE_EMPLOYEE, "Klantenservice", false},
	{"Luuk Smits", "luuk@polderwarmte.example", ROLE_EMPLOYEE, "Planning", false},
};

static const struct {
	const char *name, *description;
} teams[] = {
	{"Directie", "Directie en staf: strategie, klantbeleid en kwaliteit."},
	{"Klantenservice", "Telefonie, e-mail en chat: het eerste aanspreekpunt voor klanten."},
	{"Planning", "Plant installaties, onderhoud en storingsbezoeken in."},
	{"Buitendienst", "Monteurs die warmtepompen installeren en onderhouden."},
	{"Accountmanagement", "Zakelijke klanten, offertes en contracten."},
	{"Debiteurenbeheer", "Facturen, betalingsregelingen en herinneringen."},
};

static int64_t team_named(const int64_t *ids, const char *name)
{
	for (size_t i = 0; i < sizeof(teams) / sizeof(teams[0]); i++)
		if (strcmp(teams[i].name, name) == 0)
			return ids[i];
	return 0;
}

static int fill(struct db *db, int64_t org, struct brug_err *err)
{
	struct actor who = cli_actor(org);
	int64_t team_ids[sizeof(teams) / sizeof(teams[0])];
	int rc = 0;
	for (size_t i = 0; !rc && i < sizeof(teams) / sizeof(teams[0]); i++)
		rc = team_create(db, &who, teams[i].name, teams[i].description, &team_ids[i], err);
	struct demo_user staff[sizeof(people) / sizeof(people[0])];
	for (size_t i = 0; !rc && i < sizeof(people) / sizeof(people[0]); i++) {
		struct user_new u = {.email = people[i].email, .name = people[i].name,
				     .role = people[i].role, .lang = "nl", .password = DEMO_PASSWORD};
		int64_t uid = 0;
		rc = user_create(db, &who, &u, &uid, err);
		if (!rc)
			rc = team_member_set(db, &who, team_named(team_ids, people[i].team), uid,
					     people[i].lead, err);
		staff[i] = (struct demo_user){.id = uid, .team = people[i].team};
	}
	static struct demo_crm_made made; /* large: not on the stack */
	if (!rc) /* about 500 relations and 5,000 contact moments */
		rc = demo_crm_fill(db, &who, staff, sizeof(people) / sizeof(people[0]), 380, 5000,
				   &made, err);
	if (!rc) /* a year of surveys and answers; follow-ups for Sanne (customer service) */
		rc = demo_feedback_fill(db, &who, &made, staff[2].id, err);
	return rc;
}

int cmd_demo(int argc, char **argv)
{
	struct cli c = {.usage = "brug demo [--db URL]\n"
				 "Fills the database with a demo organisation (once) and prints its login."};
	int rc = cli_parse(&c, argc, argv, NULL);
	if (rc) {
		cli_cleanup(&c);
		return rc < 0 ? 2 : 0;
	}
	struct db *db = NULL;
	if ((rc = cli_open_db(&c, &db))) {
		cli_cleanup(&c);
		return rc;
	}
	int64_t org = 0;
	struct brug_err err = {0};
	if (org_find(db, DEMO_ORG, &org) == BRUG_ENOTFOUND) {
		rc = db_begin(db);
		if (!rc)
			rc = org_create(db, DEMO_ORG, "nl", &org);
		if (!rc)
			rc = fill(db, org, &err);
		rc = db_finish(db, rc);
		if (rc)
			rc = cli_fail("could not create the demo", &err);
		else
			printf("created the demo organisation \"%s\"\n", DEMO_ORG);
	}
	if (!rc)
		printf("demo login: %s / %s\n", DEMO_ADMIN, DEMO_PASSWORD);
	db_close(db);
	cli_cleanup(&c);
	return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* brug init: a new database (or a new organisation in an existing one)
 * with its first administrator; brug migrate: bring the schema up to
 * date, or show where it stands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/i18n.h"
#include "db/migrate.h"
#include "domain/org.h"
#include "domain/user.h"
#include "util/log.h"

int cmd_init(int argc, char **argv)
{
	const char *org_name = NULL, *email = NULL, *password = NULL, *name = NULL, *lang = "nl";
	const struct cli_opt opts[] = {
		{"org", &org_name, NULL, "name of the organisation (required)"},
		{"admin-email", &email, NULL, "email address of the first administrator (required)"},
		{"admin-password", &password, NULL, "their password (at least 8 characters; asked when absent)"},
		{"admin-name", &name, NULL, "their name (default: the part of the email before @)"},
		{"lang", &lang, NULL, "default language of the organisation: nl or en (default nl)"},
		{0},
	};
	struct cli c = {.usage = "brug init --org NAME --admin-email E [--admin-password P] [--db URL]\n"
				 "Creates the database and an organisation with its first administrator."};
	int rc = cli_parse(&c, argc, argv, opts);
	if (rc) {
		cli_cleanup(&c);
		return rc < 0 ? 2 : 0;
	}
	struct db *db = NULL;
	char *asked = NULL;
	if (!org_name || !*org_name || !email || !strchr(email, '@') || !i18n_supported(lang)) {
		fprintf(stderr, "brug: init needs --org NAME and --admin-email EMAIL (and --lang nl|en)\n");
		rc = 2;
		goto out;
	}
	if (!password)
		password = asked = cli_read_password("password for the administrator: ");
	if (!password) {
		rc = cli_fail("no password given", NULL);
		goto out;
	}
	if ((rc = cli_open_db(&c, &db)))
		goto out;
	char lower[256], who_name[256];
	snprintf(lower, sizeof(lower), "%s", email);
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	snprintf(who_name, sizeof(who_name), "%.*s", (int)strcspn(lower, "@"), lower);
	struct brug_err err = {0};
	int64_t org = 0, uid = 0;
	rc = db_begin(db);
	if (!rc)
		rc = org_create(db, org_name, lang, &org);
	struct actor who = cli_actor(org);
	struct user_new u = {.email = lower, .name = name ? name : who_name, .role = ROLE_ADMIN,
			     .password = password};
	if (!rc)
		rc = user_create(db, &who, &u, &uid, &err);
	rc = db_finish(db, rc);
	if (rc) {
		rc = cli_fail(err.key && !strcmp(err.key, "error.email_taken")
				      ? "that email address already has an account"
				  : err.key && !strcmp(err.key, "error.password_short")
				      ? "the password needs at least 8 characters"
				      : "could not create the organisation",
			      &err);
		goto out;
	}
	printf("created organisation %lld \"%s\" with administrator %s\n", (long long)org, org_name,
	       lower);
out:
	free(asked);
	db_close(db);
	cli_cleanup(&c);
	return rc;
}

int cmd_migrate(int argc, char **argv)
{
	bool status = false;
	const struct cli_opt opts[] = {
		{"status", NULL, &status, "only show the schema version, change nothing"},
		{0},
	};
	struct cli c = {.usage = "brug migrate [--status] [--db URL]\n"
				 "Applies pending schema migrations (brug serve does this too)."};
	int rc = cli_parse(&c, argc, argv, opts);
	if (rc) {
		cli_cleanup(&c);
		return rc < 0 ? 2 : 0;
	}
	struct brug_err err = {0};
	struct db *db = NULL;
	int current = 0, applied = 0;
	if (db_open(cfg_str(&c.cfg, CFG_DB), &db, &err)) {
		cli_cleanup(&c);
		return cli_fail("cannot open the database", &err);
	}
	rc = status ? migrate_current(db, &current, &err) : migrate_up(db, &applied, &err);
	if (!rc && !status)
		rc = migrate_current(db, &current, &err);
	if (rc)
		rc = cli_fail("migration failed", &err);
	else if (status)
		printf("schema version %d; this brug has %d\n", current, migrate_latest());
	else
		printf("applied %d migration(s); schema version %d\n", applied, current);
	db_close(db);
	cli_cleanup(&c);
	return rc;
}

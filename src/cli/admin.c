/* SPDX-License-Identifier: Apache-2.0 */
/* brug backup, brug config and brug version: small operational commands. */
#include <jansson.h>
#include <microhttpd.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "db/migrate.h"

int cmd_backup(int argc, char **argv)
{
	const char *to = NULL;
	const struct cli_opt opts[] = {
		{"to", &to, NULL, "file to write the copy to (required)"},
		{0},
	};
	struct cli c = {.usage = "brug backup --to FILE [--db URL]\n"
				 "Writes a consistent copy of the database while brug keeps serving."};
	int rc = cli_parse(&c, argc, argv, opts);
	if (rc) {
		cli_cleanup(&c);
		return rc < 0 ? 2 : 0;
	}
	struct db *db = NULL;
	struct brug_err err = {0};
	if (!to || !*to) {
		fprintf(stderr, "brug: backup needs --to FILE\n");
		rc = 2;
	} else if ((rc = db_open(cfg_str(&c.cfg, CFG_DB), &db, &err)) ||
		   (rc = db_backup(db, to, &err))) {
		rc = cli_fail("backup failed", &err);
	} else {
		printf("backup written to %s\n", to);
	}
	db_close(db);
	cli_cleanup(&c);
	return rc;
}

int cmd_config(int argc, char **argv)
{
	struct cli c = {.usage = "brug config [show] [settings]\n"
				 "Shows every setting, its value and where the value came from"
				 " (passwords masked)."};
	int rc = cli_parse(&c, argc, argv, NULL);
	if (rc) {
		cli_cleanup(&c);
		return rc < 0 ? 2 : 0;
	}
	if (c.argc > 1 || (c.argc == 1 && strcmp(c.argv[0], "show"))) {
		fprintf(stderr, "brug: config takes no argument but show (see --help)\n");
		cli_cleanup(&c);
		return 2;
	}
	if (c.cfg.file)
		printf("# config file: %s\n", c.cfg.file);
	for (int k = 0; k < CFG_COUNT; k++) {
		char v[1024];
		if (k == CFG_DB || k == CFG_SMTP_URL)
			db_url_redact(cfg_str(&c.cfg, (enum cfg_key)k), v, sizeof(v));
		else if (k == CFG_SMTP_PASSWORD && *cfg_str(&c.cfg, CFG_SMTP_PASSWORD))
			snprintf(v, sizeof(v), "********");
		else
			snprintf(v, sizeof(v), "%s", cfg_str(&c.cfg, (enum cfg_key)k));
		printf("%-22s = %-32s # %s\n", cfg_options[k].name, v,
		       cfg_source_name(c.cfg.source[k]));
	}
	cli_cleanup(&c);
	return 0;
}

int cmd_version(int argc, char **argv)
{
	struct cli c = {.usage = "brug version\nShows the versions of brug and its libraries."};
	int rc = cli_parse(&c, argc, argv, NULL);
	if (rc) {
		cli_cleanup(&c);
		return rc < 0 ? 2 : 0;
	}
	printf("brug %s (schema %d)\n", BRUG_VERSION, migrate_latest());
	printf("libmicrohttpd %s, SQLite %s, jansson %s, libsodium %s\n", MHD_get_version(),
	       sqlite3_libversion(), JANSSON_VERSION, sodium_version_string());
	cli_cleanup(&c);
	return 0;
}

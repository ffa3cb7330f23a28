/* SPDX-License-Identifier: Apache-2.0 */
/* brug migrate-db --from sqlite:PATH --to postgres://...: moves an
 * installation to PostgreSQL (or another SQLite file). Everything is
 * copied in one transaction, verified table by table (rows and a checksum)
 * before it commits; a target that is not empty is refused. */
#include <stdio.h>

#include "cli/cli.h"
#include "db/copy.h"
#include "db/migrate.h"

int cmd_migrate_db(int argc, char **argv)
{
	const char *from = NULL, *to = NULL;
	const struct cli_opt opts[] = {
		{"from", &from, NULL, "the database to copy: sqlite:PATH (required)"},
		{"to", &to, NULL, "an empty database to copy into: postgres://... (required)"},
		{0},
	};
	struct cli c = {.usage = "brug migrate-db --from sqlite:PATH --to postgres://...\n"
				 "Copies an installation into an empty database and verifies every table."
				 " Stop brug first, or run it on a backup."};
	int rc = cli_parse(&c, argc, argv, opts);
	if (rc) {
		cli_cleanup(&c);
		return rc < 0 ? 2 : 0;
	}
	struct db *src = NULL, *dst = NULL;
	struct brug_err err = {0};
	if (!from || !to) {
		fprintf(stderr, "brug: migrate-db needs --from and --to\n");
		rc = 2;
	} else if (db_open(from, &src, &err)) {
		rc = cli_fail("cannot open the source", &err);
	} else if (db_open(to, &dst, &err)) {
		rc = cli_fail("cannot open the target", &err);
	} else if (db_copy(src, dst, stdout, &err)) {
		rc = cli_fail("nothing was copied", &err);
	} else {
		char shown[512];
		db_url_redact(to, shown, sizeof(shown));
		printf("copied everything to %s (schema version %d); point brug at it with --db\n",
		       shown, migrate_latest());
	}
	db_close(src);
	db_close(dst);
	cli_cleanup(&c);
	return rc;
}

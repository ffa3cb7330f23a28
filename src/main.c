/* SPDX-License-Identifier: Apache-2.0 */
/* The brug command: a table of subcommands, each a client of the library
 * (src/cli/). `brug CMD --help` explains each. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{"serve", cmd_serve, "serve the web interface and the API"},
	{"init", cmd_init, "create the database and an organisation with its administrator"},
	{"demo", cmd_demo, "add a demo organisation to look around in"},
	{"migrate", cmd_migrate, "apply database schema migrations"},
	{"migrate-db", cmd_migrate_db, "copy an installation into an empty (PostgreSQL) database"},
	{"user", cmd_user, "add, list, change passwords of, or disable users"},
	{"token", cmd_token, "create, list or revoke API tokens"},
	{"backup", cmd_backup, "write a consistent copy of the database"},
	{"export", cmd_export, "write relations to a CSV, JSON or vCard file"},
	{"job", cmd_job, "list, retry or probe background jobs"},
	{"import", cmd_import, "import relations (CSV, vCard) or calls (Asterisk CDR) from a file"},
	{"config", cmd_config, "show the effective configuration and its sources"},
	{"version", cmd_version, "show versions"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: brug COMMAND [options]   (brug COMMAND --help for more)\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
	/* databases, backups and the mail outbox hold password hashes, token
	 * digests and the installation secret: readable by their owner only */
	umask(077);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(0, NULL);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 2, argv + 2);
	fprintf(stderr, "brug: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}

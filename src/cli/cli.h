/* SPDX-License-Identifier: Apache-2.0 */
/* What the subcommands share: parsing their flags together with the
 * configuration options, opening and migrating the database, and printing
 * errors. Each cmd_* is a client of domain/, like the API handlers. */
#ifndef BRUG_CLI_CLI_H
#define BRUG_CLI_CLI_H

#include <stdbool.h>

#include "core/config.h"
#include "db/db.h"
#include "domain/principal.h"

/* A flag of one subcommand. A string flag stores its value in *value; a
 * switch (value NULL) sets *on. */
struct cli_opt {
	const char *name;
	const char **value;
	bool *on;
	const char *help;
};

struct cli {
	struct config cfg;
	const char *usage; /* "brug init --org NAME ..." and a line of text */
	int argc;          /* positional arguments left */
	char **argv;
};

/* Parses argv (after the subcommand's name) into the command's flags and
 * the configuration. Returns 0 to go on, 1 when --help was printed (exit
 * 0), -1 on a usage error (printed; exit 2). */
int cli_parse(struct cli *c, int argc, char **argv, const struct cli_opt *opts);
void cli_cleanup(struct cli *c);
/* Prints "brug: message" (and the detail) to stderr; returns exit code 1. */
int cli_fail(const char *what, const struct brug_err *err);
/* Opens the configured database, creating its folder, and migrates it. */
int cli_open_db(struct cli *c, struct db **out);
/* The organisation to act in: id (non-zero) checked, else the only one. */
int cli_org(struct db *db, const char *given, int64_t *org);
/* The actor for CLI writes. */
struct actor cli_actor(int64_t org);
/* Reads a password from the terminal without echo (or a line of stdin);
 * the caller frees. NULL at end of input. */
char *cli_read_password(const char *prompt);
/* Ensures the library's process-wide state: jansson allocator, libsodium,
 * logging level. */
int cli_setup(struct cli *c);

int cmd_serve(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_migrate_db(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_job(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_version(int argc, char **argv);
/* export.c: brug export relations */
int cmd_export(int argc, char **argv);
/* import_vcard.c: brug import vcard, with the arguments after "vcard"
 * (cmd_import hands them on) */
int cmd_import_vcard(int argc, char **argv);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Flag parsing and shared set-up for subcommands; see cli.h. Flags are
 * parsed by hand rather than with getopt_long because each command's flags
 * and the configuration table are merged, and --help prints both. */
#include "cli/cli.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "core/secure.h"
#include "db/migrate.h"
#include "domain/org.h"
#include "util/jx.h"
#include "util/log.h"
#include "util/xmalloc.h"

static void print_help(const struct cli *c, const struct cli_opt *opts)
{
	printf("usage: %s\n", c->usage);
	if (opts && opts[0].name) {
		printf("\noptions:\n");
		for (const struct cli_opt *o = opts; o->name; o++) {
			char flag[64];
			snprintf(flag, sizeof(flag), "%s%s", o->name, o->value ? " VALUE" : "");
			printf("  --%-22s %s\n", flag, o->help);
		}
	}
	printf("\nsettings (flag, or environment variable BRUG_<NAME>, or config file):\n");
	for (int k = 0; k < CFG_COUNT; k++)
		printf("  --%-22s %s (default: %s)\n", cfg_options[k].name, cfg_options[k].help,
		       *cfg_options[k].def ? cfg_options[k].def : "none");
	printf("  --%-22s read settings from FILE (or BRUG_CONFIG)\n", "config FILE");
}

static const struct cli_opt *find_opt(const struct cli_opt *opts, const char *name, size_t n)
{
	for (const struct cli_opt *o = opts; o && o->name; o++)
		if (strlen(o->name) == n && strncmp(o->name, name, n) == 0)
			return o;
	return NULL;
}

/* The value of --name, from "--name=v" or the next argument. */
static const char *take_value(int argc, char **argv, int *i, const char *eq)
{
	if (eq)
		return eq + 1;
	if (*i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static int apply(struct cli *c, const struct cli_opt *opts, int argc, char **argv, char **pos,
		 int *npos)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) != 0 || !a[2]) {
			pos[(*npos)++] = argv[i];
			continue;
		}
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t n = eq ? (size_t)(eq - name) : strlen(name);
		const struct cli_opt *o = find_opt(opts, name, n);
		char key[64];
		snprintf(key, sizeof(key), "%.*s", (int)n, name);
		if (o && !o->value) {
			*o->on = true;
			continue;
		}
		int k = o ? -1 : config_find(key);
		if (!o && k < 0 && strcmp(key, "config") != 0) {
			fprintf(stderr, "brug: unknown option --%s (see --help)\n", key);
			return -1;
		}
		const char *v = take_value(argc, argv, &i, eq);
		if (!v) {
			fprintf(stderr, "brug: --%s needs a value\n", key);
			return -1;
		}
		struct brug_err err = {0};
		if (o)
			*o->value = v;
		else if (k >= 0 && config_set(&c->cfg, (enum cfg_key)k, v, CFG_SRC_FLAG, &err)) {
			fprintf(stderr, "brug: %s\n", err.detail);
			return -1;
		}
	}
	return 0;
}

int cli_parse(struct cli *c, int argc, char **argv, const struct cli_opt *opts)
{
	const char *file = NULL;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			config_init(&c->cfg, NULL, NULL);
			print_help(c, opts);
			return 1;
		}
		if (!strncmp(argv[i], "--config=", 9))
			file = argv[i] + 9;
		else if (!strcmp(argv[i], "--config") && i + 1 < argc)
			file = argv[i + 1];
	}
	struct brug_err err = {0};
	if (config_init(&c->cfg, file, &err)) {
		fprintf(stderr, "brug: %s\n", err.detail);
		return -1;
	}
	char **pos = xcalloc((size_t)argc + 1, sizeof(char *));
	int npos = 0;
	if (apply(c, opts, argc, argv, pos, &npos)) {
		free(pos);
		return -1;
	}
	c->argc = npos;
	c->argv = pos;
	return cli_setup(c);
}

void cli_cleanup(struct cli *c)
{
	config_cleanup(&c->cfg);
	free(c->argv);
	c->argv = NULL;
}

int cli_setup(struct cli *c)
{
	jx_init();
	log_set_level((enum log_level)log_level_parse(cfg_str(&c->cfg, CFG_LOG_LEVEL)));
	db_set_max_mb(cfg_int(&c->cfg, CFG_DB_MAX_MB));
	if (secure_setup(cfg_str(&c->cfg, CFG_PASSWORD_COST))) {
		fprintf(stderr, "brug: password-cost must be interactive, moderate or test\n");
		return -1;
	}
	/* libcurl's process-wide state (mail delivery, webhooks), once, before
	 * any thread starts: curl_global_init is not thread-safe */
	static bool curl_ready;
	if (!curl_ready && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "brug: cannot start libcurl\n");
		return -1;
	}
	curl_ready = true;
	return 0;
}

int cli_fail(const char *what, const struct brug_err *err)
{
	if (err && err->detail[0])
		fprintf(stderr, "brug: %s: %s\n", what, err->detail);
	else
		fprintf(stderr, "brug: %s\n", what);
	return 1;
}

/* Creates the folder of a SQLite database file, like mkdir -p. */
static void make_parent(const char *url)
{
	if (strstr(url, "://") && strncmp(url, "sqlite:", 7) != 0)
		return;
	const char *path = strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0750);
			*p = '/';
		}
	}
	mkdir(dir, 0750);
}

int cli_open_db(struct cli *c, struct db **out)
{
	const char *url = cfg_str(&c->cfg, CFG_DB);
	struct brug_err err = {0};
	make_parent(url);
	struct db *db = NULL;
	int rc = db_open(url, &db, &err);
	if (!rc)
		rc = migrate_up(db, NULL, &err);
	if (rc) {
		db_close(db);
		return cli_fail("cannot open the database", &err);
	}
	*out = db;
	return 0;
}

int cli_org(struct db *db, const char *given, int64_t *org)
{
	if (given) {
		char *end;
		errno = 0;
		long long v = strtoll(given, &end, 10);
		json_t *o = NULL;
		bool bad = errno || *end || v <= 0 || org_get(db, v, &o) != 0;
		json_decref(o);
		if (bad) {
			fprintf(stderr, "brug: no organisation with id %s\n", given);
			return 1;
		}
		*org = v;
		return 0;
	}
	int64_t n = 0;
	if (org_count(db, &n) || n != 1) {
		fprintf(stderr, n ? "brug: several organisations: name one with --org ID\n"
				  : "brug: no organisation yet: run brug init first\n");
		return 1;
	}
	return org_first(db, org) ? 1 : 0;
}

struct actor cli_actor(int64_t org)
{
	struct actor a = {.org_id = org, .user_id = 0, .label = "cli", .ip = ""};
	return a;
}

char *cli_read_password(const char *prompt)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	if (tty) {
		fprintf(stderr, "%s", prompt);
		quiet = old;
		quiet.c_lflag &= (tcflag_t)~ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	if (n < 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

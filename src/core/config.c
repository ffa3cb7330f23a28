/* SPDX-License-Identifier: Apache-2.0 */
/* The option table and its three sources; see config.h. */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/xmalloc.h"

#define MIB 1048576

const struct cfg_option cfg_options[CFG_COUNT] = {
	[CFG_DB] = {"db", CFG_T_STR, "./data/brug.db", 0, 0,
		    "database: sqlite:PATH or a path (postgres://... in a later release)"},
	[CFG_LISTEN] = {"listen", CFG_T_STR, "127.0.0.1:8080", 0, 0, "address and port to serve on"},
	[CFG_BASE_URL] = {"base-url", CFG_T_STR, "", 0, 0,
			  "public URL of this installation, for links in mail (https:// makes cookies Secure)"},
	[CFG_THREADS] = {"threads", CFG_T_INT, "0", 0, 256, "server threads (0: one per core)"},
	[CFG_MAX_CONNECTIONS] = {"max-connections", CFG_T_INT, "8192", 16, 1000000,
				 "open connections at most"},
	[CFG_IDLE_TIMEOUT] = {"idle-timeout", CFG_T_INT, "30", 1, 3600,
			      "seconds a connection may stay idle or trickle before it is closed"},
	[CFG_MAX_BODY] = {"max-body", CFG_T_INT, "1048576", 1024, 1024 * MIB,
			  "default request body limit in bytes (routes may set their own)"},
	[CFG_MAX_HEADER] = {"max-header", CFG_T_INT, "16384", 1024, MIB,
			    "request line and headers limit in bytes"},
	[CFG_SHUTDOWN_TIMEOUT] = {"shutdown-timeout", CFG_T_INT, "30", 0, 3600,
				  "seconds to let requests finish on SIGTERM"},
	[CFG_TRUST_PROXY] = {"trust-proxy", CFG_T_BOOL, "false", 0, 0,
			     "take the client address from X-Forwarded-For (behind a proxy only)"},
	[CFG_DEV] = {"dev", CFG_T_BOOL, "false", 0, 0,
		     "development: read templates, static files and catalogs live from web-dir"},
	[CFG_WEB_DIR] = {"web-dir", CFG_T_STR, "web", 0, 0, "folder of templates and assets for --dev"},
	[CFG_LOG_LEVEL] = {"log-level", CFG_T_STR, "info", 0, 0, "debug, info, warn, error or off"},
	[CFG_ACCESS_LOG] = {"access-log", CFG_T_BOOL, "true", 0, 0, "log one line per request"},
	[CFG_PASSWORD_COST] = {"password-cost", CFG_T_STR, "interactive", 0, 0,
			       "Argon2id cost: interactive, moderate (or test, for test suites only)"},
	[CFG_SESSION_DAYS] = {"session-days", CFG_T_INT, "14", 1, 365,
			      "days a session stays valid without use"},
	[CFG_LOGIN_LIMIT_ACCOUNT] = {"login-limit-account", CFG_T_INT, "10", 1, 100000,
				     "sign-in attempts per account from one address per 15 minutes"
				     " (five times as many from all addresses together)"},
	[CFG_LOGIN_LIMIT_ADDRESS] = {"login-limit-address", CFG_T_INT, "50", 1, 1000000,
				     "failed sign-ins per client address (IPv6: per /64) per 15 minutes"},
	[CFG_METRICS_TOKEN] = {"metrics-token", CFG_T_STR, "", 0, 0,
			       "bearer token a Prometheus scraper sends for /metrics"
			       " (without one, /metrics answers the local machine only)"},
	[CFG_WORKERS] = {"workers", CFG_T_INT, "2", 0, 64,
			 "background job workers in this process (0: none, a web-only process)"},
	[CFG_MAIL_FROM] = {"mail-from", CFG_T_STR, "brug <noreply@brug.localhost>", 0, 0,
			   "sender of the mail brug sends: an address, or \"Name <address>\""},
	[CFG_SMTP_URL] = {"smtp-url", CFG_T_STR, "", 0, 0,
			  "SMTP server for mail (smtp://host:25, smtp://host:587 with STARTTLS,"
			  " smtps://host:465); empty: mail is held in the outbox page"},
	[CFG_SMTP_USER] = {"smtp-user", CFG_T_STR, "", 0, 0, "SMTP user name (empty: none)"},
	[CFG_SMTP_PASSWORD] = {"smtp-password", CFG_T_STR, "", 0, 0,
			       "SMTP password (brug config shows it masked)"},
	[CFG_JOB_BACKOFF_MS] = {"job-backoff-ms", CFG_T_INT, "10000", 10, 3600000,
				"wait before a failed job's second attempt, doubling per attempt"
				" up to an hour (test suites use 50)"},
	[CFG_DB_MAX_MB] = {"db-max-mb", CFG_T_INT, "0", 0, 16 * 1024 * 1024,
			   "SQLite: megabytes the database file may grow to (0: no limit);"
			   " a write beyond it answers 507 and changes nothing"},
};

int config_find(const char *name)
{
	for (int i = 0; i < CFG_COUNT; i++) {
		const char *a = cfg_options[i].name, *b = name;
		while (*a && (*a == *b || (*a == '-' && *b == '_'))) {
			a++;
			b++;
		}
		if (!*a && !*b)
			return i;
	}
	return -1;
}

static bool parse_int(const char *s, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		return false;
	*out = v;
	return true;
}

static int parse_bool(const char *s)
{
	static const char *yes[] = {"1", "true", "yes", "on"}, *no[] = {"0", "false", "no", "off"};
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}

int config_set(struct config *c, enum cfg_key k, const char *value, enum cfg_source src,
	       struct brug_err *err)
{
	const struct cfg_option *o = &cfg_options[k];
	int64_t v;
	if (o->type == CFG_T_INT && (!parse_int(value, &v) || v < o->min || v > o->max))
		return brug_failf(err, BRUG_EINVAL, "error.config", NULL,
				  "%s (from %s): '%s' is not a whole number from %lld to %lld", o->name,
				  cfg_source_name(src), value, (long long)o->min, (long long)o->max);
	if (o->type == CFG_T_BOOL && parse_bool(value) < 0)
		return brug_failf(err, BRUG_EINVAL, "error.config", NULL,
				  "%s (from %s): '%s' is not true or false", o->name,
				  cfg_source_name(src), value);
	if (k == CFG_LOG_LEVEL && log_level_parse(value) < 0)
		return brug_failf(err, BRUG_EINVAL, "error.config", NULL,
				  "log-level (from %s): '%s' is not debug, info, warn, error or off",
				  cfg_source_name(src), value);
	free(c->value[k]);
	c->value[k] = xstrdup(value);
	c->source[k] = src;
	return 0;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int read_file(struct config *c, const char *path, struct brug_err *err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return brug_failf(err, BRUG_EINVAL, "error.config", NULL, "cannot read config file %s: %s",
				  path, strerror(errno));
	char line[4096];
	int rc = 0, lineno = 0;
	while (!rc && fgets(line, sizeof(line), f)) {
		lineno++;
		/* a longer line would be read as two, the first half applied */
		if (!strchr(line, '\n') && !feof(f)) {
			rc = brug_failf(err, BRUG_EINVAL, "error.config", NULL,
					"%s:%d: line longer than %zu bytes", path, lineno,
					sizeof(line) - 2);
			break;
		}
		char *s = trim(line);
		if (lineno == 1 && !strncmp(s, "\xEF\xBB\xBF", 3))
			s = trim(s + 3); /* a byte-order mark, as Windows editors write */
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			rc = brug_failf(err, BRUG_EINVAL, "error.config", NULL,
					"%s:%d: expected name = value", path, lineno);
			break;
		}
		*eq = '\0';
		char *name = trim(s), *value = trim(eq + 1);
		size_t n = strlen(value);
		if (n >= 2 && value[0] == '"' && value[n - 1] == '"') {
			value[n - 1] = '\0';
			value++;
		}
		int k = config_find(name);
		if (k < 0)
			rc = brug_failf(err, BRUG_EINVAL, "error.config", NULL,
					"%s:%d: unknown setting '%s'", path, lineno, name);
		else
			rc = config_set(c, (enum cfg_key)k, value, CFG_SRC_FILE, err);
	}
	fclose(f);
	return rc;
}

int config_init(struct config *c, const char *file, struct brug_err *err)
{
	memset(c, 0, sizeof(*c));
	for (int k = 0; k < CFG_COUNT; k++)
		c->value[k] = xstrdup(cfg_options[k].def);
	if (!file)
		file = getenv("BRUG_CONFIG");
	if (file && *file) {
		c->file = xstrdup(file);
		int rc = read_file(c, file, err);
		if (rc)
			return rc;
	}
	for (int k = 0; k < CFG_COUNT; k++) {
		char env[64] = "BRUG_";
		size_t j = 5;
		for (const char *p = cfg_options[k].name; *p && j < sizeof(env) - 1; p++)
			env[j++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
		env[j] = '\0';
		const char *v = getenv(env);
		if (v) {
			int rc = config_set(c, (enum cfg_key)k, v, CFG_SRC_ENV, err);
			if (rc)
				return rc;
		}
	}
	return 0;
}

void config_cleanup(struct config *c)
{
	for (int k = 0; k < CFG_COUNT; k++)
		xfreep(&c->value[k]);
	xfreep(&c->file);
}

const char *cfg_str(const struct config *c, enum cfg_key k)
{
	return c->value[k];
}

int64_t cfg_int(const struct config *c, enum cfg_key k)
{
	int64_t v = 0;
	parse_int(c->value[k], &v);
	return v;
}

bool cfg_bool(const struct config *c, enum cfg_key k)
{
	return parse_bool(c->value[k]) == 1;
}

const char *cfg_source_name(enum cfg_source s)
{
	static const char *names[] = {"default", "file", "environment", "flag"};
	return names[s];
}

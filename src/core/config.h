/* SPDX-License-Identifier: Apache-2.0 */
/* brug's settings, from one option table. Each value comes from, in order
 * of precedence: a command-line flag (--name), an environment variable
 * (BRUG_NAME), a config file (--config FILE or BRUG_CONFIG; lines of
 * "name = value"), or the default. `brug config` shows each value and where
 * it came from. A struct config is filled once at start and then read-only,
 * so threads share it. */
#ifndef BRUG_CORE_CONFIG_H
#define BRUG_CORE_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/rc.h"

enum cfg_key {
	CFG_DB,
	CFG_LISTEN,
	CFG_BASE_URL,
	CFG_THREADS,
	CFG_MAX_CONNECTIONS,
	CFG_IDLE_TIMEOUT,
	CFG_MAX_BODY,
	CFG_MAX_HEADER,
	CFG_SHUTDOWN_TIMEOUT,
	CFG_TRUST_PROXY,
	CFG_DEV,
	CFG_WEB_DIR,
	CFG_LOG_LEVEL,
	CFG_ACCESS_LOG,
	CFG_PASSWORD_COST,
	CFG_SESSION_DAYS,
	CFG_LOGIN_LIMIT_ACCOUNT,
	CFG_LOGIN_LIMIT_ADDRESS,
	CFG_METRICS_TOKEN,
	CFG_WORKERS,
	CFG_MAIL_FROM,
	CFG_SMTP_URL,
	CFG_SMTP_USER,
	CFG_SMTP_PASSWORD,
	CFG_JOB_BACKOFF_MS,
	CFG_DB_MAX_MB,
	CFG_COUNT
};

enum cfg_type { CFG_T_STR, CFG_T_INT, CFG_T_BOOL };
enum cfg_source { CFG_SRC_DEFAULT, CFG_SRC_FILE, CFG_SRC_ENV, CFG_SRC_FLAG };

struct cfg_option {
	const char *name; /* flag --name, variable BRUG_NAME (upper case, '-' -> '_') */
	enum cfg_type type;
	const char *def;
	int64_t min, max; /* for integers */
	const char *help;
};

extern const struct cfg_option cfg_options[CFG_COUNT];

struct config {
	char *value[CFG_COUNT];
	enum cfg_source source[CFG_COUNT];
	char *file; /* the config file read, or NULL */
};

/* Fills c with defaults, then the config file, then the environment.
 * file may be NULL (then BRUG_CONFIG, if set, names it). Invalid values give
 * BRUG_EINVAL with the option and source in err->detail. */
int config_init(struct config *c, const char *file, struct brug_err *err);
/* Sets one option from a flag (source CFG_SRC_FLAG), validating it. */
int config_set(struct config *c, enum cfg_key k, const char *value, enum cfg_source src,
	       struct brug_err *err);
/* The option called name ("max-body" or "max_body"), or -1. */
int config_find(const char *name);
void config_cleanup(struct config *c);

const char *cfg_str(const struct config *c, enum cfg_key k);
int64_t cfg_int(const struct config *c, enum cfg_key k);
bool cfg_bool(const struct config *c, enum cfg_key k);
const char *cfg_source_name(enum cfg_source s);

#endif

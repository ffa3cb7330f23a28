/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/core/config.c: each setting comes from a flag, else the
 * environment (BRUG_NAME, dashes as underscores), else the config file, else
 * the default, and `brug config` can say which. Bad values and bad file
 * lines are refused with the option, the source and the line number. Each
 * test starts from a clean environment and writes its files into a fresh
 * temporary folder. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"
#include "util/log.h"

struct fixture {
	char dir[256];
	char path[300];
	struct config c;
	bool inited;
};

static void env_name(int k, char *out, size_t n)
{
	size_t j = (size_t)snprintf(out, n, "BRUG_");
	for (const char *p = cfg_options[k].name; *p && j + 1 < n; p++)
		out[j++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
	out[j] = '\0';
}

static void clean_env(void)
{
	unsetenv("BRUG_CONFIG");
	for (int k = 0; k < CFG_COUNT; k++) {
		char name[64];
		env_name(k, name, sizeof(name));
		unsetenv(name);
	}
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/brug-config-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/brug.conf", f->dir);
	clean_env();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	if (f->inited)
		config_cleanup(&f->c);
	unlink(f->path);
	rmdir(f->dir);
	clean_env();
	free(f);
	return 0;
}

static void write_file(struct fixture *f, const char *text)
{
	FILE *fp = fopen(f->path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int init(struct fixture *f, const char *file, struct brug_err *err)
{
	f->inited = true;
	return config_init(&f->c, file, err);
}

/* config_init fails with BRUG_EINVAL and a detail containing want. */
static void expect_init_fails(struct fixture *f, const char *file, const char *want)
{
	struct brug_err err = {0};
	assert_int_equal(init(f, file, &err), BRUG_EINVAL);
	assert_int_equal(err.rc, BRUG_EINVAL);
	assert_string_equal(err.key, "error.config");
	if (!strstr(err.detail, want))
		fail_msg("detail \"%s\" lacks \"%s\"", err.detail, want);
}

static void test_defaults(void **state)
{
	struct fixture *f = *state;
	struct brug_err err = {0};
	assert_int_equal(init(f, NULL, &err), 0);
	for (int k = 0; k < CFG_COUNT; k++) {
		assert_string_equal(cfg_str(&f->c, (enum cfg_key)k), cfg_options[k].def);
		assert_int_equal(f->c.source[k], CFG_SRC_DEFAULT);
	}
	assert_null(f->c.file);
	assert_string_equal(cfg_str(&f->c, CFG_DB), "./data/brug.db");
	assert_string_equal(cfg_str(&f->c, CFG_LISTEN), "127.0.0.1:8080");
	assert_int_equal(cfg_int(&f->c, CFG_MAX_BODY), 1048576);
	assert_int_equal(cfg_int(&f->c, CFG_SESSION_DAYS), 14);
	assert_true(cfg_bool(&f->c, CFG_ACCESS_LOG));
	assert_false(cfg_bool(&f->c, CFG_DEV));
	assert_false(cfg_bool(&f->c, CFG_TRUST_PROXY));
	assert_string_equal(cfg_source_name(CFG_SRC_DEFAULT), "default");
	assert_string_equal(cfg_source_name(CFG_SRC_FILE), "file");
	assert_string_equal(cfg_source_name(CFG_SRC_ENV), "environment");
	assert_string_equal(cfg_source_name(CFG_SRC_FLAG), "flag");
}

static void test_every_default_is_valid(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(init(f, NULL, NULL), 0);
	for (int k = 0; k < CFG_COUNT; k++) {
		struct brug_err err = {0};
		if (config_set(&f->c, (enum cfg_key)k, cfg_options[k].def, CFG_SRC_DEFAULT, &err))
			fail_msg("default of %s refused: %s", cfg_options[k].name, err.detail);
		assert_int_equal(config_find(cfg_options[k].name), k);
	}
}

static void test_file(void **state)
{
	struct fixture *f = *state;
	write_file(f, "# brug settings\n"
		      "\n"
		      "max-body = 2048\n"
		      "   listen=\"0.0.0.0:9000\"   \n"
		      "log_level = debug\r\n"
		      "\t# an indented comment\n"
		      "base-url = https://brug.example/?a=b\n"
		      "dev = yes\n"
		      "web-dir = \"\"\n");
	struct brug_err err = {0};
	assert_int_equal(init(f, f->path, &err), 0);
	assert_string_equal(f->c.file, f->path);
	assert_int_equal(cfg_int(&f->c, CFG_MAX_BODY), 2048);
	assert_int_equal(f->c.source[CFG_MAX_BODY], CFG_SRC_FILE);
	assert_string_equal(cfg_str(&f->c, CFG_LISTEN), "0.0.0.0:9000"); /* unquoted */
	assert_int_equal(f->c.source[CFG_LISTEN], CFG_SRC_FILE);
	assert_string_equal(cfg_str(&f->c, CFG_LOG_LEVEL), "debug"); /* CRLF is fine */
	assert_string_equal(cfg_str(&f->c, CFG_BASE_URL), "https://brug.example/?a=b");
	assert_true(cfg_bool(&f->c, CFG_DEV));
	assert_string_equal(cfg_str(&f->c, CFG_WEB_DIR), "");
	/* what the file does not name keeps its default */
	assert_int_equal(f->c.source[CFG_THREADS], CFG_SRC_DEFAULT);
	assert_string_equal(cfg_str(&f->c, CFG_DB), "./data/brug.db");
}

static void test_precedence(void **state)
{
	struct fixture *f = *state;
	write_file(f, "max-body = 2048\n"
		      "max-header = 2048\n"
		      "idle-timeout = 10\n");
	setenv("BRUG_MAX_BODY", "4096", 1);
	setenv("BRUG_MAX_HEADER", "4096", 1);
	setenv("BRUG_SESSION_DAYS", "7", 1);
	struct brug_err err = {0};
	assert_int_equal(init(f, f->path, &err), 0);
	/* flags come last and win over everything */
	assert_int_equal(config_set(&f->c, CFG_MAX_BODY, "8192", CFG_SRC_FLAG, &err), 0);

	assert_int_equal(cfg_int(&f->c, CFG_MAX_BODY), 8192); /* flag > env > file */
	assert_int_equal(f->c.source[CFG_MAX_BODY], CFG_SRC_FLAG);
	assert_int_equal(cfg_int(&f->c, CFG_MAX_HEADER), 4096); /* env > file */
	assert_int_equal(f->c.source[CFG_MAX_HEADER], CFG_SRC_ENV);
	assert_int_equal(cfg_int(&f->c, CFG_IDLE_TIMEOUT), 10); /* file > default */
	assert_int_equal(f->c.source[CFG_IDLE_TIMEOUT], CFG_SRC_FILE);
	assert_int_equal(cfg_int(&f->c, CFG_SESSION_DAYS), 7); /* env > default */
	assert_int_equal(f->c.source[CFG_SESSION_DAYS], CFG_SRC_ENV);
	assert_int_equal(cfg_int(&f->c, CFG_SHUTDOWN_TIMEOUT), 30);
	assert_int_equal(f->c.source[CFG_SHUTDOWN_TIMEOUT], CFG_SRC_DEFAULT);
}

static void test_config_file_from_env(void **state)
{
	struct fixture *f = *state;
	write_file(f, "threads = 3\n");
	setenv("BRUG_CONFIG", f->path, 1);
	assert_int_equal(init(f, NULL, NULL), 0);
	assert_string_equal(f->c.file, f->path);
	assert_int_equal(cfg_int(&f->c, CFG_THREADS), 3);
	assert_int_equal(f->c.source[CFG_THREADS], CFG_SRC_FILE);
	config_cleanup(&f->c);
	f->inited = false;
	/* an explicit file wins over BRUG_CONFIG */
	setenv("BRUG_CONFIG", "/nonexistent/brug.conf", 1);
	assert_int_equal(init(f, f->path, NULL), 0);
	assert_int_equal(cfg_int(&f->c, CFG_THREADS), 3);
	config_cleanup(&f->c);
	f->inited = false;
	/* an empty BRUG_CONFIG means none */
	setenv("BRUG_CONFIG", "", 1);
	assert_int_equal(init(f, NULL, NULL), 0);
	assert_null(f->c.file);
}

static void test_env_names(void **state)
{
	struct fixture *f = *state;
	/* every option is read from BRUG_ + its name upper-cased, '-' -> '_' */
	for (int k = 0; k < CFG_COUNT; k++) {
		char name[64];
		env_name(k, name, sizeof(name));
		setenv(name, cfg_options[k].def, 1);
	}
	assert_int_equal(init(f, NULL, NULL), 0);
	for (int k = 0; k < CFG_COUNT; k++)
		if (f->c.source[k] != CFG_SRC_ENV)
			fail_msg("%s was not read from the environment", cfg_options[k].name);
	config_cleanup(&f->c);
	f->inited = false;
	clean_env();
	setenv("BRUG_BASE_URL", "https://x.example", 1);
	setenv("BRUG_LOGIN_LIMIT_ACCOUNT", "5", 1);
	setenv("BRUG_max_body", "2048", 1); /* names are upper case */
	setenv("BRUG_MAX-BODY", "2048", 1);
	assert_int_equal(init(f, NULL, NULL), 0);
	assert_string_equal(cfg_str(&f->c, CFG_BASE_URL), "https://x.example");
	assert_int_equal(cfg_int(&f->c, CFG_LOGIN_LIMIT_ACCOUNT), 5);
	assert_int_equal(f->c.source[CFG_MAX_BODY], CFG_SRC_DEFAULT);
	unsetenv("BRUG_max_body");
	unsetenv("BRUG_MAX-BODY");
}

static void test_bad_env_value(void **state)
{
	struct fixture *f = *state;
	setenv("BRUG_THREADS", "many", 1);
	expect_init_fails(f, NULL,
			  "threads (from environment): 'many' is not a whole number from 0 to 256");
}

static void test_file_syntax_error(void **state)
{
	struct fixture *f = *state;
	write_file(f, "# ok\nlisten = 1.2.3.4:80\nthis line has no equals sign\nthreads = 2\n");
	char want[400];
	snprintf(want, sizeof(want), "%s:3: expected name = value", f->path);
	expect_init_fails(f, f->path, want);
}

static void test_file_unknown_key(void **state)
{
	struct fixture *f = *state;
	write_file(f, "listen = 1.2.3.4:80\n\ncolour = blue\n");
	char want[400];
	snprintf(want, sizeof(want), "%s:3: unknown setting 'colour'", f->path);
	expect_init_fails(f, f->path, want);
	config_cleanup(&f->c);
	write_file(f, " = value\n");
	snprintf(want, sizeof(want), "%s:1: unknown setting ''", f->path);
	expect_init_fails(f, f->path, want);
}

static void test_file_bad_values(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *line, *want;
	} cases[] = {
		{"threads = 300\n",
		 "threads (from file): '300' is not a whole number from 0 to 256"},
		{"threads = -1\n", "'-1' is not a whole number from 0 to 256"},
		{"threads = 3x\n", "'3x' is not a whole number"},
		{"threads = \n", "'' is not a whole number"},
		{"threads = 0x10\n", "'0x10' is not a whole number"},
		{"threads = 1.5\n", "'1.5' is not a whole number"},
		{"max-body = 99999999999999999999\n",
		 "is not a whole number from 1024 to 1073741824"},
		{"dev = maybe\n", "dev (from file): 'maybe' is not true or false"},
		{"access-log = 2\n", "'2' is not true or false"},
		{"log-level = loud\n",
		 "log-level (from file): 'loud' is not debug, info, warn, error or off"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_file(f, cases[i].line);
		expect_init_fails(f, f->path, cases[i].want);
		config_cleanup(&f->c);
		f->inited = false;
	}
}

static void test_missing_file(void **state)
{
	struct fixture *f = *state;
	expect_init_fails(f, "/nonexistent/dir/brug.conf",
			  "cannot read config file /nonexistent/dir/brug.conf");
}

static void test_long_line(void **state)
{
	struct fixture *f = *state;
	/* a line longer than the reader's buffer is refused as that line, not
	 * read as two lines with the wrong number */
	size_t n = 5000;
	char *text = malloc(n + 64);
	int len = snprintf(text, n + 64, "listen = 1.2.3.4:80\nbase-url = ");
	memset(text + len, 'a', n);
	strcpy(text + len + n, "\n");
	write_file(f, text);
	free(text);
	char want[400];
	snprintf(want, sizeof(want), "%s:2: line longer than 4094 bytes", f->path);
	expect_init_fails(f, f->path, want);
	assert_string_equal(cfg_str(&f->c, CFG_BASE_URL), ""); /* no half value applied */
	config_cleanup(&f->c);
	f->inited = false;
	/* the longest line that fits, and a last line without a newline */
	text = malloc(4200);
	len = snprintf(text, 4200, "base-url = ");
	memset(text + len, 'b', 4094 - (size_t)len);
	strcpy(text + 4094, "\nthreads = 2");
	write_file(f, text);
	free(text);
	assert_int_equal(init(f, f->path, NULL), 0);
	assert_int_equal(strlen(cfg_str(&f->c, CFG_BASE_URL)), 4094 - strlen("base-url = "));
	assert_int_equal(cfg_int(&f->c, CFG_THREADS), 2);
}

static void test_int_ranges(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(init(f, NULL, NULL), 0);
	struct brug_err err = {0};
	assert_int_equal(config_set(&f->c, CFG_MAX_CONNECTIONS, "16", CFG_SRC_FLAG, &err), 0);
	assert_int_equal(cfg_int(&f->c, CFG_MAX_CONNECTIONS), 16);
	assert_int_equal(config_set(&f->c, CFG_MAX_CONNECTIONS, "1000000", CFG_SRC_FLAG, &err), 0);
	assert_int_equal(cfg_int(&f->c, CFG_MAX_CONNECTIONS), 1000000);
	assert_int_equal(config_set(&f->c, CFG_MAX_CONNECTIONS, "15", CFG_SRC_FLAG, &err),
			 BRUG_EINVAL);
	assert_string_equal(
		err.detail,
		"max-connections (from flag): '15' is not a whole number from 16 to 1000000");
	assert_int_equal(config_set(&f->c, CFG_MAX_CONNECTIONS, "1000001", CFG_SRC_FLAG, &err),
			 BRUG_EINVAL);
	/* a refused value leaves the previous one and its source */
	assert_int_equal(cfg_int(&f->c, CFG_MAX_CONNECTIONS), 1000000);
	assert_int_equal(f->c.source[CFG_MAX_CONNECTIONS], CFG_SRC_FLAG);
	assert_int_equal(config_set(&f->c, CFG_THREADS, "0", CFG_SRC_FLAG, &err), 0);
	assert_int_equal(config_set(&f->c, CFG_THREADS, "256", CFG_SRC_FLAG, &err), 0);
	assert_int_equal(cfg_int(&f->c, CFG_THREADS), 256);
	assert_int_equal(config_set(&f->c, CFG_MAX_BODY, "1073741824", CFG_SRC_FLAG, &err), 0);
	assert_int_equal(cfg_int(&f->c, CFG_MAX_BODY), 1073741824);
	assert_int_equal(config_set(&f->c, CFG_MAX_BODY, "1073741825", CFG_SRC_FLAG, &err),
			 BRUG_EINVAL);
	/* strings take anything */
	assert_int_equal(config_set(&f->c, CFG_DB, "sqlite:/var/lib/brug/x.db", CFG_SRC_FLAG, &err),
			 0);
	assert_string_equal(cfg_str(&f->c, CFG_DB), "sqlite:/var/lib/brug/x.db");
}

static void test_bools(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(init(f, NULL, NULL), 0);
	static const char *const yes[] = {"1", "true", "yes", "on", "TRUE", "Yes", "ON"};
	static const char *const no[] = {"0", "false", "no", "off", "FALSE", "No", "Off"};
	static const char *const bad[] = {"", "2", "y", "n", "enable", "truee", " true"};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		assert_int_equal(config_set(&f->c, CFG_DEV, yes[i], CFG_SRC_FLAG, NULL), 0);
		assert_true(cfg_bool(&f->c, CFG_DEV));
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		assert_int_equal(config_set(&f->c, CFG_DEV, no[i], CFG_SRC_FLAG, NULL), 0);
		assert_false(cfg_bool(&f->c, CFG_DEV));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(config_set(&f->c, CFG_DEV, bad[i], CFG_SRC_FLAG, NULL),
				 BRUG_EINVAL);
}

static void test_log_levels(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(init(f, NULL, NULL), 0);
	static const char *const ok[] = {"debug", "info", "warn", "error", "off"};
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(config_set(&f->c, CFG_LOG_LEVEL, ok[i], CFG_SRC_FLAG, NULL), 0);
	assert_int_equal(config_set(&f->c, CFG_LOG_LEVEL, "warning", CFG_SRC_FLAG, NULL),
			 BRUG_EINVAL);
	assert_int_equal(log_level_parse("warn"), LOG_WARN);
	assert_int_equal(log_level_parse("off"), LOG_OFF);
	assert_int_equal(log_level_parse("WARN"), -1);
}

static void test_find(void **state)
{
	(void)state;
	assert_int_equal(config_find("max-body"), CFG_MAX_BODY);
	assert_int_equal(config_find("max_body"), CFG_MAX_BODY);
	assert_int_equal(config_find("login_limit-address"), CFG_LOGIN_LIMIT_ADDRESS);
	assert_int_equal(config_find("db"), CFG_DB);
	assert_int_equal(config_find(""), -1);
	assert_int_equal(config_find("max"), -1);
	assert_int_equal(config_find("max-body-x"), -1);
	assert_int_equal(config_find("max_body_"), -1);
	assert_int_equal(config_find("dbx"), -1);
	assert_int_equal(config_find("maxbody"), -1);
}

/* A file saved by an editor that writes a UTF-8 byte-order mark works. */
static void test_file_with_bom(void **state)
{
	struct fixture *f = *state;
	write_file(f, "\xEF\xBB\xBFlisten = 0.0.0.0:9000\n");
	assert_int_equal(config_init(&f->c, f->path, NULL), 0);
	f->inited = true;
	assert_string_equal(cfg_str(&f->c, CFG_LISTEN), "0.0.0.0:9000");
	assert_int_equal(f->c.source[CFG_LISTEN], CFG_SRC_FILE);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	log_set_level(LOG_OFF);
	const struct CMUnitTest tests[] = {
		T(test_defaults),
		T(test_file_with_bom),
		T(test_every_default_is_valid),
		T(test_file),
		T(test_precedence),
		T(test_config_file_from_env),
		T(test_env_names),
		T(test_bad_env_value),
		T(test_file_syntax_error),
		T(test_file_unknown_key),
		T(test_file_bad_values),
		T(test_missing_file),
		T(test_long_line),
		T(test_int_ranges),
		T(test_bools),
		T(test_log_levels),
		T(test_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

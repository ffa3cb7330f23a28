/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/util/log.c: levels, the logfmt line shape, one write per
 * line (lines from threads never interleave), and overlong lines cut, not
 * split. stderr is sent to a temporary file while a test logs. */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/log.h"

struct capture {
	char path[64];
	int saved;
};

static void capture_start(struct capture *c)
{
	snprintf(c->path, sizeof(c->path), "/tmp/brug-log-XXXXXX");
	int fd = mkstemp(c->path);
	assert_true(fd >= 0);
	close(fd);
	fd = open(c->path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	c->saved = dup(2);
	dup2(fd, 2);
	close(fd);
}

/* Restores stderr and returns what was written; the caller frees. */
static char *capture_end(struct capture *c)
{
	dup2(c->saved, 2);
	close(c->saved);
	FILE *fp = fopen(c->path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *s = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	unlink(c->path);
	return s;
}

/* "ts=2026-11-24T09:30:00.000Z level=LEVEL " then rest, one line. */
static void expect_line(const char *line, size_t len, const char *level, const char *rest)
{
	char want[64];
	assert_true(len > 28);
	assert_int_equal(strncmp(line, "ts=", 3), 0);
	assert_int_equal(line[7], '-');
	assert_int_equal(line[13], 'T');
	assert_int_equal(line[26], 'Z');
	snprintf(want, sizeof(want), " level=%s ", level);
	assert_int_equal(strncmp(line + 27, want, strlen(want)), 0);
	size_t off = 27 + strlen(want);
	if (rest) {
		assert_int_equal(len - off, strlen(rest));
		assert_int_equal(strncmp(line + off, rest, len - off), 0);
	}
}

static void test_levels(void **state)
{
	(void)state;
	static const char *const names[] = {"debug", "info", "warn", "error", "off"};
	for (int i = 0; i < 5; i++)
		assert_int_equal(log_level_parse(names[i]), i);
	assert_int_equal(log_level_parse(""), -1);
	assert_int_equal(log_level_parse("warning"), -1);
	assert_int_equal(log_level_parse("INFO"), -1);
	log_set_level(LOG_ERROR);
	assert_int_equal(log_get_level(), LOG_ERROR);
	log_set_level(LOG_INFO);
	assert_int_equal(log_get_level(), LOG_INFO);
}

static void test_lines(void **state)
{
	(void)state;
	struct capture c;
	log_set_level(LOG_WARN);
	capture_start(&c);
	log_debug("msg=hidden");
	log_info("msg=hidden");
	log_warn("msg=\"%s\" n=%d", "careful", 3);
	log_error("msg=bad");
	log_set_level(LOG_OFF);
	log_error("msg=hidden");
	log_set_level(LOG_DEBUG);
	log_debug("msg=shown");
	char *out = capture_end(&c);
	log_set_level(LOG_INFO);
	assert_null(strstr(out, "hidden"));
	char *l1 = out, *l2 = strchr(l1, '\n') + 1, *l3 = strchr(l2, '\n') + 1;
	expect_line(l1, (size_t)(l2 - l1 - 1), "warn", "msg=\"careful\" n=3");
	expect_line(l2, (size_t)(l3 - l2 - 1), "error", "msg=bad");
	expect_line(l3, strlen(l3) - 1, "debug", "msg=shown");
	assert_int_equal(l3[strlen(l3) - 1], '\n');
	free(out);
}

static void test_long_line_is_cut(void **state)
{
	(void)state;
	char big[5000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	struct capture c;
	capture_start(&c);
	log_warn("msg=%s", big);
	log_warn("msg=after");
	char *out = capture_end(&c);
	char *nl = strchr(out, '\n');
	assert_int_equal(nl - out, 2046); /* the buffer, less the newline and NUL */
	expect_line(nl + 1, strlen(nl + 1) - 1, "warn", "msg=after");
	free(out);
}

static void *log_many(void *p)
{
	int id = (int)(intptr_t)p;
	char pad[300];
	memset(pad, 'a' + id, sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	for (int i = 0; i < 300; i++)
		log_warn("thread=%d i=%d pad=%s end", id, i, pad);
	return NULL;
}

static void test_threads_never_interleave(void **state)
{
	(void)state;
	struct capture c;
	capture_start(&c);
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, log_many, (void *)(intptr_t)i);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	char *out = capture_end(&c);
	int lines = 0;
	for (char *p = out; *p;) {
		char *nl = strchr(p, '\n');
		assert_non_null(nl);
		*nl = '\0';
		int id = -1, i = -1;
		char *th = strstr(p, "thread=");
		assert_non_null(th);
		assert_int_equal(sscanf(th, "thread=%d i=%d", &id, &i), 2);
		/* the whole pad of this thread's letter, then the end */
		char *pad = strstr(p, "pad=") + 4;
		for (int k = 0; k < 299; k++)
			assert_int_equal(pad[k], 'a' + id);
		assert_string_equal(pad + 299, " end");
		expect_line(p, strlen(p), "warn", NULL);
		lines++;
		p = nl + 1;
	}
	assert_int_equal(lines, 1200);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_long_line_is_cut),
		cmocka_unit_test(test_threads_never_interleave),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

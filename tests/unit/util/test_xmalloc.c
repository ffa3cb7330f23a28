/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/util/xmalloc.c: allocations never return NULL (zero sizes
 * included), the string copies, xfreep, and an impossible allocation ends
 * the process with SIGABRT instead of returning. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

#include <cmocka.h>

#include "util/xmalloc.h"

static void test_allocations(void **state)
{
	(void)state;
	void *p = xmalloc(0);
	assert_non_null(p);
	free(p);
	unsigned char *z = xcalloc(100, 3);
	for (int i = 0; i < 300; i++)
		assert_int_equal(z[i], 0);
	free(z);
	p = xcalloc(0, 0);
	assert_non_null(p);
	free(p);
	char *s = xmalloc(4);
	memcpy(s, "abc", 4);
	s = xrealloc(s, 100000);
	assert_string_equal(s, "abc");
	s = xrealloc(s, 0); /* not NULL, and not freed twice later */
	assert_non_null(s);
	free(s);
}

static void test_strings(void **state)
{
	(void)state;
	char src[] = "hello";
	char *d = xstrdup(src);
	src[0] = 'j';
	assert_string_equal(d, "hello");
	free(d);
	d = xstrndup("hello world", 5);
	assert_string_equal(d, "hello");
	free(d);
	d = xstrndup("a\0b", 3);
	assert_memory_equal(d, "a\0b\0", 4);
	free(d);
	d = xstrdup("");
	assert_string_equal(d, "");
	xfreep(&d);
	assert_null(d);
	xfreep(&d); /* NULL is fine */
	assert_null(d);
}

static void test_out_of_memory_aborts(void **state)
{
	(void)state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0)
			dup2(devnull, 2);
		void *p = xmalloc(SIZE_MAX - 4096);
		(void)p;
		_exit(0);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	/* abort() gives SIGABRT; under AddressSanitizer its own report ends
	 * the process first (SIGABRT with abort_on_error=1, else exit 1) */
	if (WIFEXITED(status))
		assert_int_not_equal(WEXITSTATUS(status), 0);
	else
		assert_int_equal(WTERMSIG(status), SIGABRT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allocations),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_out_of_memory_aborts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/util/arena.c: every allocation aligned for any type and
 * disjoint from every other, big allocations in blocks of their own that do
 * not waste the current block's tail, and the string helpers. */
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/arena.h"

#define ALIGN alignof(max_align_t)

static size_t rounded(size_t n)
{
	return (n + ALIGN - 1) / ALIGN * ALIGN;
}

static void test_alignment_and_disjoint(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	enum { N = 2000 };
	unsigned char *p[N];
	size_t size[N], total = 0;
	for (size_t i = 0; i < N; i++) {
		size[i] = (i * 7919) % 301 + (i % 5 == 0 ? 0 : 1); /* 0..301, odd sizes */
		p[i] = arena_alloc(&a, size[i]);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % ALIGN, 0);
		memset(p[i], (int)(i & 0xff), size[i]);
		total += rounded(size[i]);
	}
	/* nothing written later overwrote anything written earlier */
	for (size_t i = 0; i < N; i++)
		for (size_t k = 0; k < size[i]; k++)
			assert_int_equal(p[i][k], i & 0xff);
	assert_int_equal(a.total, total);
	arena_cleanup(&a);
	assert_null(a.head);
	assert_int_equal(a.total, 0);
	arena_cleanup(NULL);
}

static void test_big_allocations(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	unsigned char *small1 = arena_alloc(&a, 16);
	memset(small1, 1, 16);
	/* bigger than the largest block: a block of its own */
	size_t big = (size_t)5 << 20;
	unsigned char *b1 = arena_alloc(&a, big);
	assert_int_equal((uintptr_t)b1 % ALIGN, 0);
	memset(b1, 2, big);
	/* the current block's free tail is still used after it */
	unsigned char *small2 = arena_alloc(&a, 16);
	assert_ptr_equal(small2, small1 + 16);
	memset(small2, 3, 16);
	unsigned char *b2 = arena_alloc(&a, big + 1);
	memset(b2, 4, big + 1);
	assert_int_equal((uintptr_t)b2 % ALIGN, 0);
	for (size_t i = 0; i < big; i += 4096)
		assert_int_equal(b1[i], 2);
	assert_int_equal(b1[big - 1], 2);
	assert_int_equal(small1[15], 1);
	assert_int_equal(small2[0], 3);
	assert_int_equal(a.total, 16 + big + 16 + rounded(big + 1));
	/* many medium allocations that cross block sizes */
	for (int i = 0; i < 100; i++) {
		unsigned char *m = arena_alloc(&a, 100000);
		assert_int_equal((uintptr_t)m % ALIGN, 0);
		memset(m, 5, 100000);
	}
	assert_int_equal(b2[big], 4);
	arena_cleanup(&a);
}

static void test_zero_size(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	void *p = arena_alloc(&a, 0);
	assert_non_null(p);
	char *q = arena_alloc(&a, 1);
	*q = 'x';
	assert_int_equal(a.total, ALIGN);
	arena_cleanup(&a);
}

static void test_zalloc(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	for (int round = 0; round < 3; round++) {
		unsigned char *p = arena_alloc(&a, 3000);
		memset(p, 0xAB, 3000);
		unsigned char *z = arena_zalloc(&a, 3000);
		for (size_t i = 0; i < 3000; i++)
			assert_int_equal(z[i], 0);
	}
	arena_cleanup(&a);
}

static void test_strings(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	char src[] = "hello world";
	char *d = arena_strdup(&a, src);
	src[0] = 'J'; /* a copy, not the same memory */
	assert_string_equal(d, "hello world");
	assert_string_equal(arena_strndup(&a, "hello world", 5), "hello");
	assert_string_equal(arena_strndup(&a, "abc", 0), "");
	assert_string_equal(arena_strdup(&a, ""), "");
	char *n = arena_strndup(&a, "a\0b", 3);
	assert_memory_equal(n, "a\0b\0", 4);
	arena_cleanup(&a);
}

static void test_printf(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	assert_string_equal(arena_printf(&a, "%s-%d-%03u", "x", -42, 7u), "x--42-007");
	assert_string_equal(arena_printf(&a, "%s", ""), "");
	char big[20000];
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	char *s = arena_printf(&a, "[%s]", big);
	assert_int_equal(strlen(s), sizeof(big) + 1);
	assert_int_equal(s[0], '[');
	assert_int_equal(s[sizeof(big)], ']');
	assert_int_equal((uintptr_t)s % ALIGN, 0);
	arena_cleanup(&a);
}

static void test_reuse_after_cleanup(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 100; i++)
			assert_string_equal(arena_printf(&a, "%d", i), arena_printf(&a, "%d", i));
		assert_true(a.total > 0);
		arena_cleanup(&a);
		assert_int_equal(a.total, 0);
	}
}

/* A size whose rounding would wrap around must not hand out a tiny block
 * as if it were that large: the process aborts (out of memory) instead. */
static void test_overflowing_size_aborts(void **state)
{
	(void)state;
	size_t sizes[] = {SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - ALIGN + 2};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			/* quiet: the abort message is expected */
			int devnull = open("/dev/null", 1);
			if (devnull >= 0)
				dup2(devnull, 2);
			struct arena a;
			arena_init(&a);
			arena_alloc(&a, 16);
			unsigned char *p = arena_alloc(&a, sizes[i]);
			(void)p;
			_exit(0); /* returned: the bug */
		}
		int status = 0;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			fail_msg("arena_alloc(%zu) returned instead of aborting", sizes[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alignment_and_disjoint),
		cmocka_unit_test(test_big_allocations),
		cmocka_unit_test(test_zero_size),
		cmocka_unit_test(test_zalloc),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_reuse_after_cleanup),
		cmocka_unit_test(test_overflowing_size_aborts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

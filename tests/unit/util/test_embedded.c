/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/util/embedded.c and the table tools/embed.c generates:
 * the table is sorted (the look-ups are binary searches), every template,
 * catalog, migration and static file of the source tree is in it byte for
 * byte, and embedded_find / embedded_first find exactly what they should. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "util/embedded.h"

static char root[4096]; /* the source tree: BRUG_TESTDATA/../.. */

static int setup(void **state)
{
	(void)state;
	const char *td = getenv("BRUG_TESTDATA");
	if (!td) {
		fprintf(stderr, "BRUG_TESTDATA is not set\n");
		return -1;
	}
	snprintf(root, sizeof(root), "%s/../..", td);
	return 0;
}

static void test_sorted_and_well_formed(void **state)
{
	(void)state;
	assert_true(embedded_count > 0);
	for (size_t i = 0; i < embedded_count; i++) {
		const struct embedded_file *f = &embedded_files[i];
		assert_non_null(f->name);
		assert_true(f->name[0] != '\0');
		assert_null(strstr(f->name, ".."));
		assert_true(f->name[0] != '/');
		if (i > 0 && strcmp(embedded_files[i - 1].name, f->name) >= 0)
			fail_msg("not strictly sorted: %s before %s", embedded_files[i - 1].name,
				 f->name);
		assert_int_equal(f->data[f->len], '\0');
		/* etag: content hash, '-', length in hex; no quotes */
		assert_non_null(f->etag);
		assert_null(strchr(f->etag, '"'));
		char len[32];
		snprintf(len, sizeof(len), "-%zx", f->len);
		size_t el = strlen(f->etag), ll = strlen(len);
		assert_true(el > ll);
		assert_string_equal(f->etag + el - ll, len);
	}
}

static void test_etags_differ_with_content(void **state)
{
	(void)state;
	for (size_t i = 0; i < embedded_count; i++)
		for (size_t j = i + 1; j < embedded_count; j++) {
			const struct embedded_file *a = &embedded_files[i], *b = &embedded_files[j];
			bool same = a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
			if (!same && strcmp(a->etag, b->etag) == 0)
				fail_msg("%s and %s differ but share etag %s", a->name, b->name,
					 a->etag);
		}
}

/* Every regular file under root/dir is embedded as prefix/name, unchanged;
 * returns how many there were. */
static size_t check_dir(const char *dir, const char *prefix)
{
	char path[8192];
	snprintf(path, sizeof(path), "%s/%s", root, dir);
	DIR *d = opendir(path);
	if (!d)
		fail_msg("cannot open %s", path);
	size_t count = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char file[8192 + 300], name[1024];
		snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
		struct stat st;
		if (stat(file, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		snprintf(name, sizeof(name), "%s/%s", prefix, de->d_name);
		const struct embedded_file *f = embedded_find(name);
		if (!f)
			fail_msg("%s is not embedded as %s", file, name);
		FILE *fp = fopen(file, "rb");
		assert_non_null(fp);
		char *buf = malloc((size_t)st.st_size + 1);
		size_t got = fread(buf, 1, (size_t)st.st_size + 1, fp);
		fclose(fp);
		if (got != f->len || memcmp(buf, f->data, got) != 0)
			fail_msg("%s differs from the embedded %s (rebuild?)", file, name);
		free(buf);
		count++;
	}
	closedir(d);
	return count;
}

static size_t count_prefix(const char *prefix)
{
	size_t n = 0;
	for (size_t i = 0; i < embedded_count; i++)
		n += strncmp(embedded_files[i].name, prefix, strlen(prefix)) == 0;
	return n;
}

static void test_source_files_are_embedded(void **state)
{
	(void)state;
	size_t t = check_dir("web/templates", "templates");
	size_t l = check_dir("web/locale", "locale");
	size_t s = check_dir("sql", "sql");
	check_dir("web/static", "static");
	assert_true(t >= 10);
	assert_int_equal(l, 2);
	assert_true(s >= 1);
	/* and nothing but them */
	assert_int_equal(count_prefix("templates/"), t);
	assert_int_equal(count_prefix("locale/"), l);
	assert_int_equal(count_prefix("sql/"), s);
	assert_non_null(embedded_find("locale/nl.json"));
	assert_non_null(embedded_find("locale/en.json"));
	assert_non_null(embedded_find("templates/layout.mustache"));
	/* the front-end packages from npm */
	const struct embedded_file *f = embedded_find("static/vendor/pico.css");
	assert_non_null(f);
	assert_true(f->len > 1000);
	f = embedded_find("static/vendor/htmx.js");
	assert_non_null(f);
	assert_true(f->len > 1000);
}

static void test_find(void **state)
{
	(void)state;
	for (size_t i = 0; i < embedded_count; i++)
		assert_ptr_equal(embedded_find(embedded_files[i].name), &embedded_files[i]);
	assert_null(embedded_find(""));
	assert_null(embedded_find("nope"));
	assert_null(embedded_find("templates/"));
	assert_null(embedded_find("templates/login"));            /* a prefix of a name */
	assert_null(embedded_find("templates/login.mustache.x")); /* longer than a name */
	assert_null(embedded_find("/templates/login.mustache"));
	assert_null(embedded_find("Templates/login.mustache"));
	assert_null(embedded_find("\xff"));
	assert_non_null(embedded_find("templates/login.mustache"));
}

static void test_first(void **state)
{
	(void)state;
	static const char *const prefixes[] = {"templates/", "locale/",        "sql/",
					       "static/",    "static/vendor/", "templates/user"};
	for (size_t p = 0; p < sizeof(prefixes) / sizeof(prefixes[0]); p++) {
		const char *pre = prefixes[p];
		size_t n = strlen(pre), i = embedded_first(pre);
		assert_true(i < embedded_count);
		assert_int_equal(strncmp(embedded_files[i].name, pre, n), 0);
		if (i > 0)
			assert_int_not_equal(strncmp(embedded_files[i - 1].name, pre, n), 0);
		/* the matches follow it, contiguous */
		size_t run = 0;
		while (i + run < embedded_count &&
		       strncmp(embedded_files[i + run].name, pre, n) == 0)
			run++;
		assert_int_equal(run, count_prefix(pre));
	}
	assert_int_equal(embedded_first(""), 0);
	assert_int_equal(embedded_first("zzz/"), embedded_count);
	assert_int_equal(embedded_first("templates/zzz"), embedded_count);
	assert_int_equal(embedded_first("aaa"), embedded_count); /* sorts first, matches none */
	assert_string_equal(embedded_files[embedded_first("sql/")].name, "sql/0001_foundation.sql");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorted_and_well_formed),
		cmocka_unit_test(test_etags_differ_with_content),
		cmocka_unit_test(test_source_files_are_embedded),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_first),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}

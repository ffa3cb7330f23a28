/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/core/i18n.c and the shipped catalogs. A test fails if the
 * catalogs' keys differ, if a template uses a {{t.x.y}} that a catalog
 * lacks, or if C code names an "error.x" / "flash.x" message that a catalog
 * lacks: a missing message would otherwise show up as its key, in front of a
 * user. Also: look-ups fall back to the key, unknown languages to the first
 * language, and catalogs are refused when malformed. */
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
#include <unistd.h>

#include <cmocka.h>

#include "core/i18n.h"
#include "util/embedded.h"

static struct i18n *cat;

static int setup(void **state)
{
	(void)state;
	struct brug_err err = {0};
	if (i18n_load(NULL, &cat, &err) != 0) {
		fprintf(stderr, "cannot load the embedded catalogs: %s\n", err.detail);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	i18n_free(cat);
	return 0;
}

static void test_languages(void **state)
{
	(void)state;
	assert_int_equal(i18n_nlangs, 2);
	assert_string_equal(i18n_langs[0], "nl");
	assert_string_equal(i18n_langs[1], "en");
	assert_true(i18n_supported("nl"));
	assert_true(i18n_supported("en"));
	assert_false(i18n_supported("de"));
	assert_false(i18n_supported("NL"));
	assert_false(i18n_supported("en-GB"));
	assert_false(i18n_supported(""));
	assert_false(i18n_supported(NULL));
}

/* The required check: nl and en have exactly the same keys. */
static void test_catalogs_have_the_same_keys(void **state)
{
	(void)state;
	json_t *report = json_array();
	size_t n = i18n_diff(cat, report);
	if (n) {
		size_t i;
		json_t *line;
		json_array_foreach(report, i, line)
			fprintf(stderr, "%s\n", json_string_value(line));
	}
	assert_int_equal(json_array_size(report), n);
	json_decref(report);
	assert_int_equal(n, 0);
}

static void expect_key(const char *key, const char *where)
{
	for (size_t l = 0; l < i18n_nlangs; l++)
		if (!i18n_has(cat, i18n_langs[l], key))
			fail_msg("%s uses %s, which the %s catalog lacks", where, key,
				 i18n_langs[l]);
}

static void test_template_keys_exist(void **state)
{
	(void)state;
	size_t files = 0, keys = 0;
	for (size_t i = embedded_first("templates/"); i < embedded_count; i++) {
		const struct embedded_file *f = &embedded_files[i];
		if (strncmp(f->name, "templates/", 10) != 0)
			break;
		files++;
		const char *s = (const char *)f->data, *end = s + f->len;
		while ((s = strstr(s, "{{")) && s < end) {
			const char *close = strstr(s + 2, "}}");
			if (!close)
				fail_msg("%s: unclosed tag", f->name);
			const char *p = s + 2;
			while (p < close && strchr("{&#^/ ", *p))
				p++;
			if (close - p > 2 && strncmp(p, "t.", 2) == 0) {
				char key[256];
				size_t n = 0;
				for (const char *q = p + 2;
				     q < close && !strchr(" }", *q) && n + 1 < sizeof(key); q++)
					key[n++] = *q;
				key[n] = '\0';
				expect_key(key, f->name);
				keys++;
			}
			s = close + 2;
		}
	}
	assert_true(files >= 10);
	assert_true(keys >= 50); /* the scan really found the tags */
}

/* Source scanning: every whole string literal "error.x" or "flash.x". */
static size_t scan_file(const char *path, size_t *keys)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot read %s", path);
	fseek(fp, 0, SEEK_END);
	long size = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *text = malloc((size_t)size + 1);
	size_t n = fread(text, 1, (size_t)size, fp);
	text[n] = '\0';
	fclose(fp);
	for (char *p = text; (p = strchr(p, '"'));) {
		p++;
		size_t pre = strncmp(p, "error.", 6) == 0   ? 6
			     : strncmp(p, "flash.", 6) == 0 ? 6
							    : 0;
		if (!pre)
			continue;
		size_t len = pre;
		bool ok = true;
		while (p[len] && p[len] != '"') {
			char c = p[len];
			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
			      c == '.'))
				ok = false;
			len++;
		}
		if (!ok || p[len] != '"' || len == pre || p[len - 1] == '.')
			continue;
		char key[256];
		snprintf(key, sizeof(key), "%.*s", (int)len, p);
		expect_key(key, path);
		(*keys)++;
		p += len + 1;
	}
	free(text);
	return 1;
}

static size_t scan_dir(const char *dir, size_t *keys)
{
	DIR *d = opendir(dir);
	if (!d)
		fail_msg("cannot open %s", dir);
	size_t files = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		struct stat st;
		if (stat(path, &st) != 0)
			continue;
		size_t len = strlen(de->d_name);
		if (S_ISDIR(st.st_mode))
			files += scan_dir(path, keys);
		else if (len > 2 && (strcmp(de->d_name + len - 2, ".c") == 0 ||
				     strcmp(de->d_name + len - 2, ".h") == 0))
			files += scan_file(path, keys);
	}
	closedir(d);
	return files;
}

static void test_source_keys_exist(void **state)
{
	(void)state;
	const char *td = getenv("BRUG_TESTDATA");
	assert_non_null(td);
	char src[4096];
	snprintf(src, sizeof(src), "%s/../../src", td);
	size_t keys = 0, files = scan_dir(src, &keys);
	assert_true(files >= 50);
	assert_true(keys >= 50);
}

static void test_text(void **state)
{
	(void)state;
	assert_string_equal(i18n_text(cat, "en", "nav.users"), "Users");
	assert_string_equal(
		i18n_text(cat, "en", "error.not_found"),
		json_string_value(json_object_get(json_object_get(i18n_catalog(cat, "en"), "error"),
						  "not_found")));
	assert_string_not_equal(i18n_text(cat, "nl", "nav.users"), "Users");
	/* a missing message shows its key: the very same string */
	const char *key = "error.no_such_message";
	assert_ptr_equal(i18n_text(cat, "en", key), key);
	assert_ptr_equal(i18n_text(cat, "nl", key), key);
	assert_false(i18n_has(cat, "en", key));
	const char *odd[] = {"",          "nav",        "nav.",
			     ".nav",      "nav..users", "nav.users.more",
			     "NAV.USERS", "x.y.z.w.v"};
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		assert_ptr_equal(i18n_text(cat, "en", odd[i]), odd[i]);
		assert_false(i18n_has(cat, "en", odd[i]));
	}
	/* a segment longer than the look-up buffer */
	char longkey[300];
	memset(longkey, 'k', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	assert_ptr_equal(i18n_text(cat, "en", longkey), longkey);
	assert_true(i18n_has(cat, "en", "nav.users"));
	assert_true(i18n_has(cat, "nl", "nav.users"));
}

static void test_unknown_language_falls_back(void **state)
{
	(void)state;
	const char *nl = i18n_text(cat, "nl", "nav.users");
	assert_ptr_equal(i18n_catalog(cat, "de"), i18n_catalog(cat, "nl"));
	assert_ptr_equal(i18n_catalog(cat, NULL), i18n_catalog(cat, "nl"));
	assert_ptr_equal(i18n_catalog(cat, ""), i18n_catalog(cat, "nl"));
	assert_ptr_not_equal(i18n_catalog(cat, "en"), i18n_catalog(cat, "nl"));
	assert_string_equal(i18n_text(cat, "de", "nav.users"), nl);
	assert_string_equal(i18n_text(cat, NULL, "nav.users"), nl);
	assert_string_equal(i18n_text(cat, "EN", "nav.users"), nl);
	assert_true(json_is_object(i18n_catalog(cat, "en")));
}

/* Catalogs from a folder (the --dev path), written into a temporary one. */
struct tmpcat {
	char dir[64];
};

static void write_cat(struct tmpcat *t, const char *lang, const char *text)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s.json", t->dir, lang);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void remove_cats(struct tmpcat *t)
{
	char path[128];
	for (size_t i = 0; i < i18n_nlangs; i++) {
		snprintf(path, sizeof(path), "%s/%s.json", t->dir, i18n_langs[i]);
		unlink(path);
	}
	rmdir(t->dir);
}

static void test_diff_reports_differences(void **state)
{
	(void)state;
	struct tmpcat t;
	snprintf(t.dir, sizeof(t.dir), "/tmp/brug-i18n-XXXXXX");
	assert_non_null(mkdtemp(t.dir));
	write_cat(&t, "nl", "{\"a\":{\"b\":\"x\",\"c\":\"y\"},\"d\":\"z\",\"e\":\"same\"}");
	write_cat(&t, "en", "{\"a\":{\"b\":\"x\"},\"d\":{\"f\":\"g\"},\"e\":\"same\"}");
	struct i18n *c = NULL;
	assert_int_equal(i18n_load(t.dir, &c, NULL), 0);
	json_t *report = json_array();
	assert_int_equal(i18n_diff(c, report), 3);
	char *s = json_dumps(report, JSON_COMPACT);
	assert_string_equal(s, "[\"en: missing a.c\",\"en: missing d\",\"nl: missing d\"]");
	free(s);
	assert_int_equal(i18n_diff(c, NULL), 3);
	json_decref(report);
	/* the folder's catalogs are the ones read */
	assert_string_equal(i18n_text(c, "nl", "a.c"), "y");
	assert_string_equal(i18n_text(c, "en", "a.c"), "a.c");
	i18n_free(c);
	remove_cats(&t);
}

static void test_load_refuses_bad_catalogs(void **state)
{
	(void)state;
	struct tmpcat t;
	snprintf(t.dir, sizeof(t.dir), "/tmp/brug-i18n-XXXXXX");
	assert_non_null(mkdtemp(t.dir));
	struct brug_err err = {0};
	struct i18n *c = NULL;
	/* en.json missing */
	write_cat(&t, "nl", "{\"a\":\"b\"}");
	assert_int_equal(i18n_load(t.dir, &c, &err), BRUG_EINVAL);
	assert_null(c);
	assert_non_null(strstr(err.detail, "en.json"));
	/* not an object */
	write_cat(&t, "en", "[\"a\"]");
	assert_int_equal(i18n_load(t.dir, &c, &err), BRUG_EINVAL);
	assert_non_null(strstr(err.detail, "not an object"));
	/* a key twice: one of them would silently be lost */
	write_cat(&t, "en", "{\"a\":\"b\",\"a\":\"c\"}");
	assert_int_equal(i18n_load(t.dir, &c, &err), BRUG_EINVAL);
	assert_non_null(strstr(err.detail, "en.json"));
	/* broken JSON */
	write_cat(&t, "en", "{\"a\":");
	assert_int_equal(i18n_load(t.dir, &c, &err), BRUG_EINVAL);
	assert_null(c);
	remove_cats(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_languages),
		cmocka_unit_test(test_catalogs_have_the_same_keys),
		cmocka_unit_test(test_template_keys_exist),
		cmocka_unit_test(test_source_keys_exist),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_unknown_language_falls_back),
		cmocka_unit_test(test_diff_reports_differences),
		cmocka_unit_test(test_load_refuses_bad_catalogs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

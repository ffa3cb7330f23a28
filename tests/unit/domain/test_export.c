/* SPDX-License-Identifier: Apache-2.0 */
/* The pure parts of src/domain/export.c: format names, content types, file
 * names that are safe in a header, and the vCard UID (a stable version 8
 * UUID per organisation and relation). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/export.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_formats(void **state)
{
	(void)state;
	enum export_format f = EXPORT_JSON;
	assert_true(export_format_parse("csv", &f) && f == EXPORT_CSV);
	assert_true(export_format_parse("json", &f) && f == EXPORT_JSON);
	assert_true(export_format_parse("vcard", &f) && f == EXPORT_VCARD);
	assert_true(export_format_parse("vcf", &f) && f == EXPORT_VCARD);
	static const char *const bad[] = {"", "CSV", "xlsx", "csv ", "vcards"};
	for (size_t i = 0; i < N(bad); i++) {
		f = EXPORT_JSON;
		assert_false(export_format_parse(bad[i], &f));
		assert_int_equal(f, EXPORT_JSON);
	}
	assert_false(export_format_parse(NULL, &f));
	assert_string_equal(export_content_type(EXPORT_CSV), "text/csv; charset=utf-8");
	assert_string_equal(export_content_type(EXPORT_JSON), "application/json; charset=utf-8");
	assert_string_equal(export_content_type(EXPORT_VCARD), "text/vcard; charset=utf-8");
}

static void test_file_names(void **state)
{
	(void)state;
	static const struct {
		const char *base;
		enum export_format f;
		const char *want;
	} cases[] = {
		{"Jan de Vries", EXPORT_VCARD, "jan-de-vries.vcf"},
		{"Acme B.V.", EXPORT_VCARD, "acme-b-v.vcf"},
		{"relaties 2026-03-01", EXPORT_CSV, "relaties-2026-03-01.csv"},
		{"  --Zo\xC3\xAB  M\xC3\xBCller!! ", EXPORT_JSON, "zoe-muller.json"},
		{"\"; rm -rf /\r\nX-Evil: 1", EXPORT_CSV, "rm-rf-x-evil-1.csv"},
		{"\xE4\xB8\xAD\xE6\x96\x87", EXPORT_VCARD, "export.vcf"},
		{"", EXPORT_CSV, "export.csv"},
		{NULL, EXPORT_JSON, "export.json"},
	};
	for (size_t i = 0; i < N(cases); i++) {
		char out[96];
		export_file_name(cases[i].base, cases[i].f, out, sizeof(out));
		assert_string_equal(out, cases[i].want);
	}
	char long_name[300], out[96];
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	export_file_name(long_name, EXPORT_CSV, out, sizeof(out));
	assert_int_equal(strlen(out), 60 + 4);
}

static void test_uid(void **state)
{
	(void)state;
	char a[37], b[37], c[37], d[37];
	export_relation_uid(1, 1764000000000, 42, a);
	export_relation_uid(1, 1764000000000, 42, b);
	export_relation_uid(1, 1764000000000, 43, c);
	export_relation_uid(2, 1764000000000, 42, d);
	assert_string_equal(a, b); /* stable */
	assert_string_not_equal(a, c);
	assert_string_not_equal(a, d);
	char e[37];
	export_relation_uid(1, 1764000000001, 42, e); /* another installation's org 1 */
	assert_string_not_equal(a, e);
	/* 8-4-4-4-12 lower-case hex, version 8, RFC 4122 variant */
	const char *uids[] = {a, c, d, e};
	for (size_t i = 0; i < N(uids); i++) {
		const char *u = uids[i];
		assert_int_equal(strlen(u), 36);
		for (int k = 0; k < 36; k++) {
			if (k == 8 || k == 13 || k == 18 || k == 23)
				assert_int_equal(u[k], '-');
			else
				assert_non_null(strchr("0123456789abcdef", u[k]));
		}
		assert_int_equal(u[14], '8');
		assert_non_null(strchr("89ab", u[19]));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_file_names),
		cmocka_unit_test(test_uid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/domain/principal.c: role names both ways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/principal.h"

static void test_role_names(void **state)
{
	(void)state;
	assert_int_equal(role_parse("employee"), ROLE_EMPLOYEE);
	assert_int_equal(role_parse("manager"), ROLE_MANAGER);
	assert_int_equal(role_parse("admin"), ROLE_ADMIN);
	assert_string_equal(role_name(ROLE_EMPLOYEE), "employee");
	assert_string_equal(role_name(ROLE_MANAGER), "manager");
	assert_string_equal(role_name(ROLE_ADMIN), "admin");
	for (int r = ROLE_EMPLOYEE; r <= ROLE_ADMIN; r++)
		assert_int_equal(role_parse(role_name((enum role)r)), r);
	/* roles are ordered: more access, higher value */
	assert_true(ROLE_NONE < ROLE_EMPLOYEE && ROLE_EMPLOYEE < ROLE_MANAGER &&
	            ROLE_MANAGER < ROLE_ADMIN);
}

static void test_role_unknown(void **state)
{
	(void)state;
	static const char *const bad[] = {"",       "Admin", "ADMIN", "admin ", " admin", "adm",
	                                  "admins", "root",  "none",  "0",      "3"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(role_parse(bad[i]), ROLE_NONE);
	assert_int_equal(role_parse(NULL), ROLE_NONE);
	assert_string_equal(role_name(ROLE_NONE), "");
	assert_string_equal(role_name((enum role)4), "");
	assert_string_equal(role_name((enum role) - 1), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_role_names),
	        cmocka_unit_test(test_role_unknown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

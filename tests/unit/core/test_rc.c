/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/core/rc.c: the one table from result codes to HTTP statuses,
 * stable API codes and message keys. API clients match on the codes, so
 * they must never change; every code has an entry; every message key is in
 * both catalogs. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/i18n.h"
#include "core/rc.h"

static const struct {
	int rc;
	int status;
	const char *code;
	const char *key;
} expected[] = {
	{BRUG_OK, 200, "ok", "error.none"},
	{BRUG_EINVAL, 400, "bad_request", "error.bad_request"},
	{BRUG_EVALIDATION, 422, "validation_failed", "error.validation_failed"},
	{BRUG_ENOTFOUND, 404, "not_found", "error.not_found"},
	{BRUG_ECONFLICT, 409, "conflict", "error.conflict"},
	{BRUG_EAUTH, 401, "unauthenticated", "error.unauthenticated"},
	{BRUG_EFORBIDDEN, 403, "forbidden", "error.forbidden"},
	{BRUG_ETOOBIG, 413, "too_large", "error.too_large"},
	{BRUG_EMETHOD, 405, "method_not_allowed", "error.method_not_allowed"},
	{BRUG_EMEDIA, 415, "unsupported_media_type", "error.unsupported_media_type"},
	{BRUG_ERATE, 429, "rate_limited", "error.rate_limited"},
	{BRUG_EDB, 500, "database_error", "error.internal"},
	{BRUG_EUNAVAIL, 503, "unavailable", "error.unavailable"},
	{BRUG_ENOSPC, 507, "insufficient_storage", "error.insufficient_storage"},
	{BRUG_EIO, 500, "io_error", "error.internal"},
	{BRUG_EINTERNAL, 500, "internal_error", "error.internal"},
};
#define NEXPECTED (sizeof(expected) / sizeof(expected[0]))

static void test_every_code(void **state)
{
	(void)state;
	for (size_t i = 0; i < NEXPECTED; i++) {
		if (rc_http_status(expected[i].rc) != expected[i].status)
			fail_msg("rc %d: status %d, want %d", expected[i].rc,
				 rc_http_status(expected[i].rc), expected[i].status);
		assert_string_equal(rc_code(expected[i].rc), expected[i].code);
		assert_string_equal(rc_message_key(expected[i].rc), expected[i].key);
	}
}

static void test_table_is_complete(void **state)
{
	(void)state;
	/* every value of enum brug_rc is listed above, so a new code must be
	 * given a status and a code here too */
	assert_int_equal(NEXPECTED, 1 - BRUG_RC_MIN);
	for (int rc = BRUG_RC_MIN; rc <= 0; rc++) {
		bool seen = false;
		for (size_t i = 0; i < NEXPECTED; i++)
			seen |= expected[i].rc == rc;
		assert_true(seen);
	}
	/* codes are distinct: clients tell failures apart by them */
	for (size_t i = 0; i < NEXPECTED; i++)
		for (size_t j = i + 1; j < NEXPECTED; j++)
			assert_string_not_equal(rc_code(expected[i].rc), rc_code(expected[j].rc));
	/* errors are errors */
	for (int rc = BRUG_RC_MIN; rc < 0; rc++)
		assert_true(rc_http_status(rc) >= 400);
}

static void test_unknown_codes(void **state)
{
	(void)state;
	const int unknown[] = {1, 200, BRUG_RC_MIN - 1, -100, INT_MIN, INT_MAX};
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		assert_int_equal(rc_http_status(unknown[i]), 500);
		assert_string_equal(rc_code(unknown[i]), "internal_error");
		assert_string_equal(rc_message_key(unknown[i]), "error.internal");
	}
}

static void test_message_keys_in_catalogs(void **state)
{
	(void)state;
	struct i18n *c = NULL;
	struct brug_err err = {0};
	assert_int_equal(i18n_load(NULL, &c, &err), 0);
	for (int rc = BRUG_RC_MIN; rc <= 0; rc++)
		for (size_t l = 0; l < i18n_nlangs; l++)
			if (!i18n_has(c, i18n_langs[l], rc_message_key(rc)))
				fail_msg("%s: no message %s for rc %d", i18n_langs[l],
					 rc_message_key(rc), rc);
	i18n_free(c);
}

static void test_fail(void **state)
{
	(void)state;
	struct brug_err e;
	memset(&e, 0x55, sizeof(e));
	assert_int_equal(brug_fail(&e, BRUG_ENOTFOUND, "error.user_not_found", "id"),
			 BRUG_ENOTFOUND);
	assert_int_equal(e.rc, BRUG_ENOTFOUND);
	assert_string_equal(e.key, "error.user_not_found");
	assert_string_equal(e.field, "id");
	assert_string_equal(e.detail, ""); /* an earlier detail does not linger */

	assert_int_equal(brug_failf(&e, BRUG_EINVAL, "error.config", NULL, "line %d: %s", 7, "bad"),
			 BRUG_EINVAL);
	assert_int_equal(e.rc, BRUG_EINVAL);
	assert_string_equal(e.key, "error.config");
	assert_null(e.field);
	assert_string_equal(e.detail, "line 7: bad");

	/* a long detail is cut, and terminated */
	char big[1000];
	memset(big, 'd', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	brug_failf(&e, BRUG_EIO, NULL, NULL, "%s", big);
	assert_int_equal(strlen(e.detail), sizeof(e.detail) - 1);

	/* no err: just the code */
	assert_int_equal(brug_fail(NULL, BRUG_EAUTH, "error.unauthenticated", NULL), BRUG_EAUTH);
	assert_int_equal(brug_failf(NULL, BRUG_EDB, NULL, NULL, "%d", 1), BRUG_EDB);

	brug_err_clear(&e);
	assert_int_equal(e.rc, 0);
	assert_null(e.key);
	assert_null(e.field);
	assert_string_equal(e.detail, "");
	brug_err_clear(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_code),
		cmocka_unit_test(test_table_is_complete),
		cmocka_unit_test(test_unknown_codes),
		cmocka_unit_test(test_message_keys_in_catalogs),
		cmocka_unit_test(test_fail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

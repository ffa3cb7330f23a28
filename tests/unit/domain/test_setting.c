/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/domain/setting.c: named values per organisation and the
 * installation secret, created once and shared by every connection. */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#include "core/rc.h"
#include "core/secure.h"
#include "domain/setting.h"

static void test_get_set(void **state)
{
	struct fx *f = *state;
	char *v = (char *)"untouched";
	assert_int_equal(setting_get(f->db, 1, "theme", &v), BRUG_ENOTFOUND);
	assert_string_equal(v, "untouched");
	assert_int_equal(setting_set(f->db, 1, "theme", "dark"), 0);
	assert_int_equal(setting_set(f->db, 2, "theme", "light"), 0);
	assert_int_equal(setting_set(f->db, 0, "theme", "system"), 0);
	assert_int_equal(setting_get(f->db, 1, "theme", &v), 0);
	assert_string_equal(v, "dark");
	free(v);
	assert_int_equal(setting_get(f->db, 2, "theme", &v), 0);
	assert_string_equal(v, "light");
	free(v);
	assert_int_equal(setting_get(f->db, 0, "theme", &v), 0);
	assert_string_equal(v, "system");
	free(v);
	/* overwrite in place */
	assert_int_equal(setting_set(f->db, 1, "theme", ""), 0);
	assert_int_equal(setting_get(f->db, 1, "theme", &v), 0);
	assert_string_equal(v, "");
	free(v);
	assert_int_equal(fx_rows(f, "settings"), 3);
	assert_int_equal(setting_get(f->db, 3, "theme", &v), BRUG_ENOTFOUND);
	assert_int_equal(setting_get(f->db, 1, "Theme", &v), BRUG_ENOTFOUND);
}

static void test_secret(void **state)
{
	struct fx *f = *state;
	unsigned char k1[SECURE_KEY_BYTES], k2[SECURE_KEY_BYTES], k3[SECURE_KEY_BYTES];
	unsigned char zero[SECURE_KEY_BYTES] = {0};
	assert_int_equal(fx_rows(f, "settings"), 0);
	assert_int_equal(setting_secret(f->db, k1), 0);
	assert_memory_not_equal(k1, zero, sizeof(zero));
	/* stored once, as hex, under the installation */
	assert_int_equal(fx_rows(f, "settings"), 1);
	char *hex = NULL;
	assert_int_equal(setting_get(f->db, 0, "secret", &hex), 0);
	char want[2 * SECURE_KEY_BYTES + 1];
	secure_key_to_hex(k1, want);
	assert_string_equal(hex, want);
	free(hex);
	/* the same on the next call */
	assert_int_equal(setting_secret(f->db, k2), 0);
	assert_memory_equal(k1, k2, sizeof(k1));
	assert_int_equal(fx_rows(f, "settings"), 1);
	/* and on another connection, also after this one closes */
	struct db *other = fx_connect(f);
	assert_int_equal(setting_secret(other, k3), 0);
	assert_memory_equal(k1, k3, sizeof(k1));
	db_close(f->db);
	f->db = fx_connect(f);
	memset(k2, 0, sizeof(k2));
	assert_int_equal(setting_secret(f->db, k2), 0);
	assert_memory_equal(k1, k2, sizeof(k1));
	db_close(other);
	/* an organisation's setting of the same name is another thing */
	assert_int_equal(setting_set(f->db, 5, "secret", "not the key"), 0);
	assert_int_equal(setting_secret(f->db, k2), 0);
	assert_memory_equal(k1, k2, sizeof(k1));
}

static void test_secret_first_on_other_connection(void **state)
{
	struct fx *f = *state;
	/* whichever connection asks first makes it; the other reads it */
	struct db *other = fx_connect(f);
	unsigned char k1[SECURE_KEY_BYTES], k2[SECURE_KEY_BYTES];
	assert_int_equal(setting_secret(other, k1), 0);
	assert_int_equal(setting_secret(f->db, k2), 0);
	assert_memory_equal(k1, k2, sizeof(k1));
	db_close(other);
	/* stored as 64 hex characters */
	char *hex = NULL;
	assert_int_equal(setting_get(f->db, 0, "secret", &hex), 0);
	assert_int_equal(strlen(hex), 2 * SECURE_KEY_BYTES);
	free(hex);
}

static void test_secret_damaged(void **state)
{
	struct fx *f = *state;
	/* a damaged value is an error, not a silently different key */
	assert_int_equal(setting_set(f->db, 0, "secret", "not hex"), 0);
	unsigned char k[SECURE_KEY_BYTES];
	assert_int_equal(setting_secret(f->db, k), BRUG_EDB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        FX_TEST(test_get_set),
	        FX_TEST(test_secret),
	        FX_TEST(test_secret_first_on_other_connection),
	        FX_TEST(test_secret_damaged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

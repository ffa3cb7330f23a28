/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/core/secure.c: Argon2id password hashes at the "test" and
 * "interactive" costs (and the rehash signal when the cost changes), token
 * format and uniqueness, digests and MACs against known answers, constant-
 * time comparison, and key hex round trips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/secure.h"
#include "util/log.h"
#include "util/rc.h"

static int reset_cost(void **state)
{
	(void)state;
	return secure_setup("test");
}

static void test_setup(void **state)
{
	(void)state;
	assert_int_equal(secure_setup("test"), 0);
	assert_int_equal(secure_setup("interactive"), 0);
	assert_int_equal(secure_setup("moderate"), 0);
	assert_int_equal(secure_setup(NULL), 0);
	assert_int_equal(secure_setup("bogus"), BRUG_EINVAL);
	assert_int_equal(secure_setup(""), BRUG_EINVAL);
	assert_int_equal(secure_setup("Test"), BRUG_EINVAL);
}

static void test_hash_at_test_cost(void **state)
{
	(void)state;
	assert_int_equal(secure_setup("test"), 0);
	char h1[128], h2[128];
	assert_int_equal(secure_password_hash("correct horse", h1), 0);
	assert_int_equal(strncmp(h1, "$argon2id$v=19$m=8,t=1,p=1$", 27), 0);
	assert_true(strlen(h1) < 128);
	assert_true(secure_password_verify(h1, "correct horse"));
	assert_false(secure_password_verify(h1, "correct hors"));
	assert_false(secure_password_verify(h1, "correct horse "));
	assert_false(secure_password_verify(h1, "Correct horse"));
	assert_false(secure_password_verify(h1, ""));
	assert_false(secure_password_needs_rehash(h1));
	/* salted: the same password never gives the same hash */
	assert_int_equal(secure_password_hash("correct horse", h2), 0);
	assert_string_not_equal(h1, h2);
	assert_true(secure_password_verify(h2, "correct horse"));
	/* empty, long and non-ASCII passwords */
	assert_int_equal(secure_password_hash("", h2), 0);
	assert_true(secure_password_verify(h2, ""));
	assert_false(secure_password_verify(h2, " "));
	char longpw[1025];
	memset(longpw, 'p', 1024);
	longpw[1024] = '\0';
	assert_int_equal(secure_password_hash(longpw, h2), 0);
	assert_true(secure_password_verify(h2, longpw));
	longpw[1023] = 'q';
	assert_false(secure_password_verify(h2, longpw));
	assert_int_equal(secure_password_hash("wachtwoord-\xC3\xA9\xE2\x82\xAC", h2), 0);
	assert_true(secure_password_verify(h2, "wachtwoord-\xC3\xA9\xE2\x82\xAC"));
	assert_false(secure_password_verify(h2, "wachtwoord-e\xE2\x82\xAC"));
}

static void test_garbage_hashes(void **state)
{
	(void)state;
	assert_false(secure_password_verify("", "x"));
	assert_false(secure_password_verify("not a hash", "not a hash"));
	assert_false(secure_password_verify("$argon2id$v=19$m=8,t=1,p=1$", ""));
	assert_true(secure_password_needs_rehash(""));
	assert_true(secure_password_needs_rehash("plaintext"));
}

static void test_interactive_and_rehash(void **state)
{
	(void)state;
	char weak[128], strong[128];
	assert_int_equal(secure_setup("test"), 0);
	assert_int_equal(secure_password_hash("s3cret", weak), 0);
	assert_int_equal(secure_setup("interactive"), 0);
	/* made at a weaker cost: still valid, but to be rehashed on login */
	assert_true(secure_password_verify(weak, "s3cret"));
	assert_true(secure_password_needs_rehash(weak));
	assert_int_equal(secure_password_hash("s3cret", strong), 0);
	assert_int_equal(strncmp(strong, "$argon2id$v=19$m=65536,t=2,p=1$", 31), 0);
	assert_true(secure_password_verify(strong, "s3cret"));
	assert_false(secure_password_verify(strong, "s3cret!"));
	assert_false(secure_password_needs_rehash(strong));
	/* a refused cost name leaves the cost as it was */
	assert_int_equal(secure_setup("bogus"), BRUG_EINVAL);
	assert_false(secure_password_needs_rehash(strong));
	assert_true(secure_password_needs_rehash(weak));
	/* and a lower configured cost asks for the stronger hash to follow */
	assert_int_equal(secure_setup("test"), 0);
	assert_true(secure_password_needs_rehash(strong));
	assert_false(secure_password_needs_rehash(weak));
}

static bool b64url(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

static int cmp_tokens(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void test_tokens(void **state)
{
	(void)state;
	enum { N = 2000 };
	char(*t)[SECURE_TOKEN_CHARS + 1] = calloc(N, sizeof(*t));
	for (size_t i = 0; i < N; i++) {
		memset(t[i], '#', sizeof(t[i]));
		secure_token(t[i]);
		assert_int_equal(strlen(t[i]), SECURE_TOKEN_CHARS);
		for (size_t k = 0; k < SECURE_TOKEN_CHARS; k++)
			if (!b64url(t[i][k]))
				fail_msg("token %s has '%c'", t[i], t[i][k]);
	}
	/* 43 characters of base64url carry 256 bits: the last holds 4 bits
	 * and 2 zero bits, so it is one of 16 characters */
	for (size_t i = 0; i < N; i++)
		assert_non_null(strchr("AEIMQUYcgkosw048", t[i][SECURE_TOKEN_CHARS - 1]));
	qsort(t, N, sizeof(*t), cmp_tokens);
	for (size_t i = 1; i < N; i++)
		assert_string_not_equal(t[i - 1], t[i]);
	free(t);
}

static void test_digest(void **state)
{
	(void)state;
	char out[SECURE_DIGEST_HEX + 1];
	secure_digest_hex("", 0, out);
	assert_string_equal(out,
			    "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
	secure_digest_hex("abc", 3, out);
	assert_string_equal(out,
			    "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
	/* n bytes, NULs included */
	secure_digest_hex("a\0b", 3, out);
	assert_string_equal(out,
			    "f2c67fb755da2d22dea00c49aa161fa4457ada51c50260da341260b4752f74d1");
	secure_digest_hex("abcdef", 3, out);
	assert_string_equal(out,
			    "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

static void test_mac(void **state)
{
	(void)state;
	unsigned char key[SECURE_KEY_BYTES];
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)i;
	char out[44];
	secure_mac_b64(key, "hello world", 11, out);
	assert_string_equal(out, "QRuaUehWXh_HlkOypsRnL0o8Plc8M9CZWgh0jLYSjo4");
	secure_mac_b64(key, "", 0, out);
	assert_string_equal(out, "04tCCW2A9F-Ca0Sp1WB95ySWpBXT9KGoyI47udqNwcs");
	assert_int_equal(strlen(out), 43);
	/* another key, another MAC */
	key[0] ^= 1;
	secure_mac_b64(key, "hello world", 11, out);
	assert_string_not_equal(out, "QRuaUehWXh_HlkOypsRnL0o8Plc8M9CZWgh0jLYSjo4");
	char other[44];
	memcpy(other, out, sizeof(out));
	/* and back: the keyed state kept between calls follows the key */
	key[0] ^= 1;
	secure_mac_b64(key, "hello world", 11, out);
	assert_string_equal(out, "QRuaUehWXh_HlkOypsRnL0o8Plc8M9CZWgh0jLYSjo4");
	key[0] ^= 1;
	secure_mac_b64(key, "hello world", 11, out);
	assert_string_equal(out, other);
}

static void test_equal(void **state)
{
	(void)state;
	assert_true(secure_equal("", ""));
	assert_true(secure_equal("abc", "abc"));
	assert_false(secure_equal("abc", "abd"));
	assert_false(secure_equal("abc", "ab"));
	assert_false(secure_equal("ab", "abc"));
	assert_false(secure_equal("", "a"));
	assert_false(secure_equal("Abc", "abc"));
	char a[64], b[64];
	secure_token(a);
	memcpy(b, a, sizeof(a));
	assert_true(secure_equal(a, b));
	b[0] ^= 1;
	assert_false(secure_equal(a, b));
}

static void test_key_hex(void **state)
{
	(void)state;
	unsigned char key[SECURE_KEY_BYTES], back[SECURE_KEY_BYTES];
	char hex[2 * SECURE_KEY_BYTES + 1];
	for (int round = 0; round < 20; round++) {
		secure_random(key, sizeof(key));
		secure_key_to_hex(key, hex);
		assert_int_equal(strlen(hex), 64);
		for (size_t i = 0; i < 64; i++)
			assert_non_null(strchr("0123456789abcdef", hex[i]));
		memset(back, 0, sizeof(back));
		assert_true(secure_key_from_hex(hex, back));
		assert_memory_equal(key, back, sizeof(key));
	}
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)(0xF0 + (i & 15));
	secure_key_to_hex(key, hex);
	assert_string_equal(hex,
			    "f0f1f2f3f4f5f6f7f8f9fafbfcfdfefff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
	/* upper case is accepted */
	assert_true(secure_key_from_hex(
		"F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF", back));
	assert_memory_equal(key, back, sizeof(key));
	/* malformed */
	assert_false(secure_key_from_hex(NULL, back));
	assert_false(secure_key_from_hex("", back));
	assert_false(secure_key_from_hex("f0f1", back));
	hex[63] = '\0';
	assert_false(secure_key_from_hex(hex, back)); /* 63 digits */
	assert_false(secure_key_from_hex(
		"f0f1f2f3f4f5f6f7f8f9fafbfcfdfefff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff0",
		back)); /* 65 */
	assert_false(secure_key_from_hex(
		"g0f1f2f3f4f5f6f7f8f9fafbfcfdfefff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", back));
	assert_false(secure_key_from_hex(
		"f0f1f2f3f4f5f6f7f8f9fafbfcfdfefff0f1f2f3f4f5f6f7f8f9fafbfcfdfe f", back));
}

static void test_random(void **state)
{
	(void)state;
	unsigned char a[32] = {0}, b[32] = {0}, zero[32] = {0};
	secure_random(a, sizeof(a));
	secure_random(b, sizeof(b));
	assert_memory_not_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, zero, sizeof(a));
	secure_random(a, 0); /* nothing to fill is fine */
}

#define T(name) cmocka_unit_test_setup_teardown(name, reset_cost, reset_cost)

int main(void)
{
	log_set_level(LOG_ERROR);
	const struct CMUnitTest tests[] = {
		T(test_setup),
		T(test_hash_at_test_cost),
		T(test_garbage_hashes),
		T(test_interactive_and_rehash),
		T(test_tokens),
		T(test_digest),
		T(test_mac),
		T(test_equal),
		T(test_key_hex),
		T(test_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

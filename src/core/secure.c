/* SPDX-License-Identifier: Apache-2.0 */
/* Thin, named wrappers over libsodium; see crypto.h. Nothing here invents
 * cryptography: each function is one or two libsodium calls with the
 * parameters chosen once. */
#include "core/secure.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/rc.h"

static unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
static size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;

int secure_setup(const char *password_cost)
{
	if (sodium_init() < 0)
		return BRUG_EINTERNAL;
	if (!password_cost || strcmp(password_cost, "interactive") == 0) {
		ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
		mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	} else if (strcmp(password_cost, "moderate") == 0) {
		ops = crypto_pwhash_OPSLIMIT_MODERATE;
		mem = crypto_pwhash_MEMLIMIT_MODERATE;
	} else if (strcmp(password_cost, "test") == 0) {
		ops = crypto_pwhash_OPSLIMIT_MIN;
		mem = crypto_pwhash_MEMLIMIT_MIN;
		log_warn("msg=\"password hashing at test strength: never use this in production\"");
	} else {
		return BRUG_EINVAL;
	}
	return 0;
}

int secure_password_hash(const char *password, char out[128])
{
	if (crypto_pwhash_str_alg(out, password, strlen(password), ops, mem,
				  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return BRUG_EINTERNAL; /* libsodium could not get the memory */
	return 0;
}

bool secure_password_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

bool secure_password_needs_rehash(const char *hash)
{
	/* Any other setting, weaker or stronger: every stored hash converges on
	 * the configured cost at its user's next sign-in, so a sign-in for an
	 * unknown address (checked against a stand-in hash at that cost) takes
	 * as long as one for a real account. */
	return crypto_pwhash_str_needs_rehash(hash, ops, mem) != 0;
}

void secure_random(void *buf, size_t n)
{
	randombytes_buf(buf, n);
}

void secure_token(char out[SECURE_TOKEN_CHARS + 1])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, SECURE_TOKEN_CHARS + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void secure_digest_hex(const char *s, size_t n, char out[SECURE_DIGEST_HEX + 1])
{
	unsigned char d[32];
	crypto_generichash(d, sizeof(d), (const unsigned char *)s, n, NULL, 0);
	sodium_bin2hex(out, SECURE_DIGEST_HEX + 1, d, sizeof(d));
}

void secure_mac_b64(const unsigned char key[SECURE_KEY_BYTES], const char *msg, size_t n,
		    char out[44])
{
	/* HMAC's keyed start (the key's two padded blocks hashed) is the same
	 * for every message under a key: kept per thread for the last key, so
	 * a MAC costs two blocks of SHA-256, not four */
	static _Thread_local unsigned char last_key[SECURE_KEY_BYTES];
	static _Thread_local crypto_auth_hmacsha256_state keyed;
	static _Thread_local bool have_key;
	if (!have_key || sodium_memcmp(last_key, key, SECURE_KEY_BYTES) != 0) {
		crypto_auth_hmacsha256_init(&keyed, key, SECURE_KEY_BYTES);
		memcpy(last_key, key, SECURE_KEY_BYTES);
		have_key = true;
	}
	crypto_auth_hmacsha256_state st = keyed;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, n);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(&st, sizeof(st));
	sodium_bin2base64(out, 44, mac, sizeof(mac), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool secure_equal(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (n != strlen(b))
		return false;
	return sodium_memcmp(a, b, n) == 0;
}

bool secure_key_from_hex(const char *hex, unsigned char key[SECURE_KEY_BYTES])
{
	size_t got = 0;
	if (!hex || strlen(hex) != 2 * SECURE_KEY_BYTES)
		return false;
	return sodium_hex2bin(key, SECURE_KEY_BYTES, hex, strlen(hex), NULL, &got, NULL) == 0 &&
	       got == SECURE_KEY_BYTES;
}

void secure_key_to_hex(const unsigned char key[SECURE_KEY_BYTES], char out[2 * SECURE_KEY_BYTES + 1])
{
	sodium_bin2hex(out, 2 * SECURE_KEY_BYTES + 1, key, SECURE_KEY_BYTES);
}

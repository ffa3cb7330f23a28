/* SPDX-License-Identifier: Apache-2.0 */
/* Every cryptographic primitive brug uses, all from libsodium: Argon2id
 * password hashes, random tokens, token digests for storage, and keyed MACs
 * (CSRF tokens, signed links). Call secure_setup once before threads start;
 * after that every function is thread-safe. */
#ifndef BRUG_CORE_SECURE_H
#define BRUG_CORE_SECURE_H

#include <stdbool.h>
#include <stddef.h>

#define SECURE_TOKEN_CHARS 43  /* base64url of 32 random bytes, no padding */
#define SECURE_DIGEST_HEX 64   /* hex of a 32-byte digest */
#define SECURE_KEY_BYTES 32

/* Password hashing cost: "interactive" (default, libsodium's interactive
 * limits), "moderate", or "test" (the minimum; only for test suites). */
int secure_setup(const char *password_cost);

/* Argon2id hash of password in the crypt-style string form; out must hold
 * 128 bytes. 0 or BRUG_EINTERNAL. */
int secure_password_hash(const char *password, char out[128]);
/* True when password matches hash. */
bool secure_password_verify(const char *hash, const char *password);
/* True when hash was made with other settings than the current ones. */
bool secure_password_needs_rehash(const char *hash);

/* 32 random bytes as base64url (SECURE_TOKEN_CHARS + NUL). */
void secure_token(char out[SECURE_TOKEN_CHARS + 1]);
/* BLAKE2b-256 of s as lowercase hex (SECURE_DIGEST_HEX + NUL): how tokens
 * are stored, so a database leak yields no usable token. */
void secure_digest_hex(const char *s, size_t n, char out[SECURE_DIGEST_HEX + 1]);
/* HMAC-SHA-256 of msg under key, as base64url without padding (44 bytes
 * with NUL). */
void secure_mac_b64(const unsigned char key[SECURE_KEY_BYTES], const char *msg, size_t n,
		    char out[44]);
/* Constant-time equality of two NUL-terminated strings. */
bool secure_equal(const char *a, const char *b);
/* Fills buf with n random bytes. */
void secure_random(void *buf, size_t n);
/* Decodes 64 hex characters into a key; false when malformed. */
bool secure_key_from_hex(const char *hex, unsigned char key[SECURE_KEY_BYTES]);
void secure_key_to_hex(const unsigned char key[SECURE_KEY_BYTES], char out[2 * SECURE_KEY_BYTES + 1]);

#endif

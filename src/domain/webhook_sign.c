/* SPDX-License-Identifier: Apache-2.0 */
/* Standard Webhooks signatures with libsodium's HMAC-SHA-256 (see
 * webhook_sign.h). */
#include "domain/webhook_sign.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

void webhook_secret_new(char out[WEBHOOK_SECRET_MAX])
{
	unsigned char key[24];
	randombytes_buf(key, sizeof(key));
	memcpy(out, "whsec_", 6);
	sodium_bin2base64(out + 6, WEBHOOK_SECRET_MAX - 6, key, sizeof(key),
			  sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(key, sizeof(key));
}

int webhook_sign(const char *secret, const char *msg_id, int64_t timestamp, const char *body,
		 size_t n, char out[WEBHOOK_SIG_MAX])
{
	unsigned char key[64], mac[crypto_auth_hmacsha256_BYTES];
	size_t klen = 0;
	if (!secret || strncmp(secret, "whsec_", 6) ||
	    sodium_base642bin(key, sizeof(key), secret + 6, strlen(secret + 6), NULL, &klen, NULL,
			      sodium_base64_VARIANT_ORIGINAL) ||
	    !klen)
		return -1;
	char head[160];
	int hn = snprintf(head, sizeof(head), "%s.%lld.", msg_id, (long long)timestamp);
	if (hn < 0 || (size_t)hn >= sizeof(head))
		return -1;
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, klen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)head, (unsigned long long)hn);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, (unsigned long long)n);
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(out, "v1,", 3);
	sodium_bin2base64(out + 3, WEBHOOK_SIG_MAX - 3, mac, sizeof(mac),
			  sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(key, sizeof(key));
	return 0;
}

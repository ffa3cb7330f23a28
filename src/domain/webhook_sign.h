/* SPDX-License-Identifier: Apache-2.0 */
/* Standard Webhooks signatures (https://www.standardwebhooks.com): a
 * secret "whsec_" + base64 of the key, and the header value "v1," + base64
 * of HMAC-SHA-256 over "<msg id>.<timestamp>.<body>". Pure, thread-safe. */
#ifndef BRUG_DOMAIN_WEBHOOK_SIGN_H
#define BRUG_DOMAIN_WEBHOOK_SIGN_H

#include <stddef.h>
#include <stdint.h>

#define WEBHOOK_SECRET_MAX 80 /* bytes of a secret, NUL included */
#define WEBHOOK_SIG_MAX 64    /* bytes of a "v1,..." value, NUL included */

/* A new secret: "whsec_" and base64 of 24 random bytes. */
void webhook_secret_new(char out[WEBHOOK_SECRET_MAX]);

/* The signature of body (n bytes) sent as msg_id at timestamp (Unix
 * seconds) under secret. -1 when secret is not "whsec_" + base64 of 1 to
 * 64 bytes; else 0. */
int webhook_sign(const char *secret, const char *msg_id, int64_t timestamp, const char *body,
		 size_t n, char out[WEBHOOK_SIG_MAX]);

#endif

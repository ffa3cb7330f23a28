/* SPDX-License-Identifier: Apache-2.0 */
/* Answer-link tokens: an invitation id with a truncated HMAC (see
 * survey_token.h). */
#include "domain/survey_token.h"

#include <stdio.h>
#include <string.h>

#define MAC_CHARS 22 /* 132 bits of base64url; the first 128 carry the MAC */

static void mac_of(const unsigned char key[SECURE_KEY_BYTES], int64_t id, char mac[44])
{
	char msg[64];
	int n = snprintf(msg, sizeof(msg), "survey-invitation:%lld", (long long)id);
	secure_mac_b64(key, msg, (size_t)n, mac);
	mac[MAC_CHARS] = '\0';
}

void survey_token_make(const unsigned char key[SECURE_KEY_BYTES], int64_t id,
		       char out[SURVEY_TOKEN_MAX])
{
	char mac[44];
	mac_of(key, id, mac);
	snprintf(out, SURVEY_TOKEN_MAX, "%lld.%s", (long long)id, mac);
}

bool survey_token_parse(const unsigned char key[SECURE_KEY_BYTES], const char *token, int64_t *id)
{
	if (!token)
		return false;
	int64_t v = 0;
	size_t i = 0;
	/* The id: 1 to 18 digits without a leading zero. */
	for (; token[i] >= '0' && token[i] <= '9' && i < 18; i++)
		v = v * 10 + (token[i] - '0');
	if (i == 0 || token[0] == '0' || token[i] != '.')
		return false;
	const char *given = token + i + 1;
	if (strlen(given) != MAC_CHARS)
		return false;
	char mac[44];
	mac_of(key, v, mac);
	if (!secure_equal(mac, given))
		return false;
	*id = v;
	return true;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Answer-link tokens: an invitation id with a truncated HMAC (see
 * survey_token.h). */
#include "domain/survey_token.h"

#include <stdio.h>
#include <string.h>

#define MAC_CHARS 22 /* 132 bits of base64url; the first 128 carry the MAC */

static void mac_of(const unsigned char key[SECURE_KEY_BYTES], const char *what, int64_t id,
		   char mac[44])
{
	char msg[64];
	int n = snprintf(msg, sizeof(msg), "%s:%lld", what, (long long)id);
	secure_mac_b64(key, msg, (size_t)n, mac);
	mac[MAC_CHARS] = '\0';
}

static void make(const unsigned char key[SECURE_KEY_BYTES], const char *what, const char *prefix,
		 int64_t id, char out[SURVEY_TOKEN_MAX])
{
	char mac[44];
	mac_of(key, what, id, mac);
	snprintf(out, SURVEY_TOKEN_MAX, "%s%lld.%s", prefix, (long long)id, mac);
}

static bool parse(const unsigned char key[SECURE_KEY_BYTES], const char *what, const char *prefix,
		  const char *token, int64_t *id)
{
	if (!token)
		return false;
	size_t plen = strlen(prefix);
	if (strncmp(token, prefix, plen))
		return false;
	token += plen;
	int64_t v = 0;
	size_t i = 0;
	/* the id: 1 to 18 digits without a leading zero */
	for (; token[i] >= '0' && token[i] <= '9' && i < 18; i++)
		v = v * 10 + (token[i] - '0');
	if (i == 0 || token[0] == '0' || token[i] != '.')
		return false;
	const char *given = token + i + 1;
	if (strlen(given) != MAC_CHARS)
		return false;
	char mac[44];
	mac_of(key, what, v, mac);
	if (!secure_equal(mac, given))
		return false;
	*id = v;
	return true;
}

void survey_token_make(const unsigned char key[SECURE_KEY_BYTES], int64_t id,
		       char out[SURVEY_TOKEN_MAX])
{
	make(key, "survey-invitation", "", id, out);
}

bool survey_token_parse(const unsigned char key[SECURE_KEY_BYTES], const char *token, int64_t *id)
{
	return parse(key, "survey-invitation", "", token, id);
}

void survey_token_make_link(const unsigned char key[SECURE_KEY_BYTES], int64_t survey,
			    char out[SURVEY_TOKEN_MAX])
{
	make(key, "survey-link", "L", survey, out);
}

bool survey_token_parse_link(const unsigned char key[SECURE_KEY_BYTES], const char *token,
			     int64_t *survey)
{
	return parse(key, "survey-link", "L", token, survey);
}

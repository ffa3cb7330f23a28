/* SPDX-License-Identifier: Apache-2.0 */
/* The tokens of public answer links (/s/{token}): an invitation id and an
 * HMAC-SHA-256 over it under the installation secret, so a link cannot be
 * guessed or altered (a forged score link is refused before any look-up),
 * nothing secret is stored, and a reminder carries the same link as the
 * first mail. A token is "<id>.<mac>" with mac the first 22 base64url
 * characters (128 bits) of the MAC of "survey-invitation:<id>". Pure and
 * thread-safe. */
#ifndef BRUG_DOMAIN_SURVEY_TOKEN_H
#define BRUG_DOMAIN_SURVEY_TOKEN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/secure.h"

#define SURVEY_TOKEN_MAX 48 /* bytes of a token, NUL included */

/* Writes the token of invitation id (> 0) into out. */
void survey_token_make(const unsigned char key[SECURE_KEY_BYTES], int64_t id,
		       char out[SURVEY_TOKEN_MAX]);
/* True, with the invitation id in *id, when token is one survey_token_make
 * wrote under key; false for anything else (any length, any bytes). The MAC
 * is compared in constant time. */
bool survey_token_parse(const unsigned char key[SECURE_KEY_BYTES], const char *token, int64_t *id);

/* The same for the always-open link of a survey: "L<id>.<mac>", the MAC of
 * "survey-link:<id>", so a link token never passes as an invitation's. */
void survey_token_make_link(const unsigned char key[SECURE_KEY_BYTES], int64_t survey,
			    char out[SURVEY_TOKEN_MAX]);
bool survey_token_parse_link(const unsigned char key[SECURE_KEY_BYTES], const char *token,
			     int64_t *survey);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Email and phone checks; see contactinfo.h. Written by hand: libphonenumber
 * is C++ and far larger than the one rule we need (national to
 * international by the organisation's calling code). */
#include "util/contactinfo.h"

#include <string.h>

bool contactinfo_email_valid(const char *s)
{
	const char *at = strrchr(s, '@');
	if (!at || at == s || !at[1] || strchr(s, '@') != at || strlen(s) > 254)
		return false;
	const char *dot = strrchr(at, '.');
	if (!dot || at[1] == '.' || !dot[1] || strstr(at, ".."))
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || strchr("()<>,;:\\\"[]", *p))
			return false;
	return true;
}

bool contactinfo_phone_norm(const char *s, const char *country, char out[PHONE_NORM_MAX])
{
	char digits[32];
	size_t n = 0;
	bool plus = false;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n >= 20)
				return false;
			digits[n++] = *p;
		} else if (*p == '+' && n == 0 && !plus) {
			plus = true;
		} else if (*p == '(' && p[1] == '0' && p[2] == ')' && n > 0) {
			/* "+31 (0)6 ...": the trunk prefix written out, not dialled */
			p += 2;
		} else if (!strchr(" -./()", *p)) {
			return false;
		}
	}
	digits[n] = '\0';
	if (n < 3)
		return false;
	const char *d = digits;
	char buf[48];
	if (plus) {
		/* already international */
	} else if (!strncmp(d, "00", 2)) {
		d += 2;
	} else if (d[0] == '0' && country && *country) {
		size_t cn = strlen(country);
		if (cn + n > sizeof(buf) - 1)
			return false;
		memcpy(buf, country, cn);
		memcpy(buf + cn, d + 1, n);
		d = buf;
	}
	size_t len = strlen(d);
	if (len < 3 || len >= PHONE_NORM_MAX)
		return false;
	memcpy(out, d, len + 1);
	return true;
}

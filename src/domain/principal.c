/* SPDX-License-Identifier: Apache-2.0 */
/* Role names. */
#include "domain/principal.h"

#include <string.h>

static const char *const names[] = {"", "employee", "manager", "admin"};

enum role role_parse(const char *s)
{
	for (int r = ROLE_EMPLOYEE; s && r <= ROLE_ADMIN; r++)
		if (strcmp(s, names[r]) == 0)
			return (enum role)r;
	return ROLE_NONE;
}

const char *role_name(enum role r)
{
	return r >= ROLE_EMPLOYEE && r <= ROLE_ADMIN ? names[r] : "";
}

/* SPDX-License-Identifier: Apache-2.0 */
/* THE route table: every page and API endpoint of brug, with the checks the
 * pipeline makes before its handler runs. A route without R_PAGE or R_API
 * is both a page (/users) and an API endpoint (/api/v1/users). */
#ifndef BRUG_API_ROUTES_H
#define BRUG_API_ROUTES_H

#include <stddef.h>

#include "http/router.h"

extern const struct route routes[];
extern const size_t routes_count;

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Percent-encoding for building URLs (RFC 3986): everything but the
 * unreserved characters is escaped, so the result is safe in a query
 * value, a path segment and a header. Thread-safe. */
#ifndef BRUG_UTIL_URL_H
#define BRUG_UTIL_URL_H

#include "util/buf.h"

int url_encode(struct buf *out, const char *s);

#endif

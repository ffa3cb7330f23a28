/* SPDX-License-Identifier: Apache-2.0 */
/* What a failure means to the outside: each enum brug_rc (util/rc.h) maps to
 * an HTTP status, a stable machine-readable code and a message key in the
 * locale catalogs. struct brug_err carries the specifics of one failure
 * (which message, which field) from deep in the code to the one place that
 * renders errors. Thread-safe (pure functions). */
#ifndef BRUG_CORE_RC_H
#define BRUG_CORE_RC_H

#include <stdarg.h>

#include "util/rc.h"

struct brug_err {
	int rc;
	const char *key;   /* message key in the catalogs (static), or NULL */
	const char *field; /* field the message belongs to (static), or NULL */
	char detail[240];  /* technical detail in English, e.g. a JSON parse position */
};

/* HTTP status for rc (200 for BRUG_OK, 500 for unknown codes). */
int rc_http_status(int rc);
/* Stable code for rc, e.g. "not_found", as sent in API error bodies. */
const char *rc_code(int rc);
/* Catalog key of the generic message for rc, e.g. "error.not_found". */
const char *rc_message_key(int rc);

/* Records a failure in e (which may be NULL) and returns rc, so callers can
 * write `return brug_fail(err, BRUG_ENOTFOUND, "error.user_not_found", NULL);`.
 * key and field must be static strings. */
int brug_fail(struct brug_err *e, int rc, const char *key, const char *field);
int brug_failf(struct brug_err *e, int rc, const char *key, const char *field, const char *fmt,
	       ...) __attribute__((format(printf, 5, 6)));
void brug_err_clear(struct brug_err *e);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* The one table from result codes to HTTP statuses, codes and messages. */
#include "core/rc.h"

#include <stdio.h>
#include <string.h>

static const struct {
	int rc;
	int status;
	const char *code;
	const char *key;
} table[] = {
	{BRUG_OK, 200, "ok", "error.none"},
	{BRUG_EINVAL, 400, "bad_request", "error.bad_request"},
	{BRUG_EVALIDATION, 422, "validation_failed", "error.validation_failed"},
	{BRUG_ENOTFOUND, 404, "not_found", "error.not_found"},
	{BRUG_ECONFLICT, 409, "conflict", "error.conflict"},
	{BRUG_EAUTH, 401, "unauthenticated", "error.unauthenticated"},
	{BRUG_EFORBIDDEN, 403, "forbidden", "error.forbidden"},
	{BRUG_ETOOBIG, 413, "too_large", "error.too_large"},
	{BRUG_EMETHOD, 405, "method_not_allowed", "error.method_not_allowed"},
	{BRUG_EMEDIA, 415, "unsupported_media_type", "error.unsupported_media_type"},
	{BRUG_ERATE, 429, "rate_limited", "error.rate_limited"},
	{BRUG_EDB, 500, "database_error", "error.internal"},
	{BRUG_EUNAVAIL, 503, "unavailable", "error.unavailable"},
	{BRUG_ENOSPC, 507, "insufficient_storage", "error.insufficient_storage"},
	{BRUG_EIO, 500, "io_error", "error.internal"},
	{BRUG_EINTERNAL, 500, "internal_error", "error.internal"},
};

static int find(int rc)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].rc == rc)
			return (int)i;
	return -1;
}

int rc_http_status(int rc)
{
	int i = find(rc);
	return i < 0 ? 500 : table[i].status;
}

const char *rc_code(int rc)
{
	int i = find(rc);
	return i < 0 ? "internal_error" : table[i].code;
}

const char *rc_message_key(int rc)
{
	int i = find(rc);
	return i < 0 ? "error.internal" : table[i].key;
}

int brug_fail(struct brug_err *e, int rc, const char *key, const char *field)
{
	if (e) {
		e->rc = rc;
		e->key = key;
		e->field = field;
		e->detail[0] = '\0';
	}
	return rc;
}

int brug_failf(struct brug_err *e, int rc, const char *key, const char *field, const char *fmt, ...)
{
	if (e) {
		brug_fail(e, rc, key, field);
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
		va_end(ap);
	}
	return rc;
}

void brug_err_clear(struct brug_err *e)
{
	if (e)
		memset(e, 0, sizeof(*e));
}

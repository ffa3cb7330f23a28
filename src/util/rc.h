/* SPDX-License-Identifier: Apache-2.0 */
/* The result codes every layer of brug speaks: 0 is success, failures are
 * negative. This header is only the vocabulary; core/rc.c maps each code to
 * an HTTP status and a stable string. It depends on nothing. */
#ifndef BRUG_UTIL_RC_H
#define BRUG_UTIL_RC_H

enum brug_rc {
	BRUG_OK = 0,
	BRUG_EINVAL = -1,      /* malformed input: 400 */
	BRUG_EVALIDATION = -2, /* well-formed but invalid fields: 422 */
	BRUG_ENOTFOUND = -3,   /* 404, also for other organisations' objects */
	BRUG_ECONFLICT = -4,   /* unique constraint, stale state: 409 */
	BRUG_EAUTH = -5,       /* not authenticated: 401 */
	BRUG_EFORBIDDEN = -6,  /* authenticated but not allowed, bad CSRF: 403 */
	BRUG_ETOOBIG = -7,     /* body or value over its cap: 413 */
	BRUG_EMETHOD = -8,     /* route exists, method does not: 405 */
	BRUG_EMEDIA = -9,      /* unsupported content type: 415 */
	BRUG_ERATE = -10,      /* rate limited: 429 */
	BRUG_EDB = -11,        /* database error: 500 */
	BRUG_EUNAVAIL = -12,   /* database busy or unreachable: 503 */
	BRUG_ENOSPC = -13,     /* disk or database full: 507 */
	BRUG_EIO = -14,        /* file or network I/O: 500 */
	BRUG_EINTERNAL = -15,  /* a bug: 500 */
	BRUG_RC_MIN = -15
};

#endif

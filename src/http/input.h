/* SPDX-License-Identifier: Apache-2.0 */
/* Reading and validating a handler's input, from a form (strings, which are
 * converted) or a JSON body (where a value of the wrong type is an error).
 * Each in_* call reads one field, checks it, and on failure records a
 * message key for that field and returns a neutral value, so a handler
 * reads all fields and then checks input_ok once. On failure
 * input_fail() answers 422 with every field's message: the API gets
 * {"error","message","fields"}, a browser gets the form again with the
 * values it sent (never secrets) and the messages next to the fields. */
#ifndef BRUG_HTTP_INPUT_H
#define BRUG_HTTP_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "http/req.h"

enum in_flags {
	IN_REQUIRED = 1 << 0,
	IN_MULTILINE = 1 << 1, /* allow newlines and tabs */
	IN_SECRET = 1 << 2,    /* never echoed back into a form */
	IN_RAW = 1 << 3,       /* keep surrounding whitespace */
};

struct input {
	struct req *req;
	json_t *src;    /* JSON body object, or the form as an object of strings */
	bool typed;     /* JSON: types must match */
	json_t *fields; /* field -> message key */
	json_t *values; /* echo for re-rendering the form */
};

/* Starts reading the request body; a JSON body that is not an object is a
 * 400 (recorded in req->err; the function returns BRUG_EINVAL). */
int input_begin(struct req *req, struct input *in);
void input_end(struct input *in);
/* For a write on one object: reads the path parameter param as its id
 * (BRUG_ENOTFOUND with not_found as the message when it is not one) and
 * then starts the input. in may be given to input_end in every case. */
int input_begin_id(struct req *req, struct input *in, const char *param, int64_t *id,
		   const char *not_found);

/* True when the field was sent at all (for partial updates). */
bool in_has(struct input *in, const char *field);
/* Text of at most max code points, trimmed, without control characters;
 * arena-owned. Absent (or JSON null): NULL, an error when IN_REQUIRED.
 * Sent empty: "", an error when IN_REQUIRED. */
const char *in_text(struct input *in, const char *field, unsigned flags, size_t max);
/* A syntactically valid email address, lower-cased. */
const char *in_email(struct input *in, const char *field, unsigned flags);
/* One of the allowed values (NULL-terminated list). */
const char *in_enum(struct input *in, const char *field, unsigned flags,
		    const char *const *allowed);
/* An integer within [min, max]; def when absent and optional. */
int64_t in_int(struct input *in, const char *field, unsigned flags, int64_t min, int64_t max,
	       int64_t def);
/* A boolean: JSON true/false, or a form checkbox ("on", "1", "true"; absent
 * is false for forms). */
bool in_bool(struct input *in, const char *field, bool def);
/* A list of positive ids: a JSON array of integers, or repeated form fields. */
size_t in_ids(struct input *in, const char *field, int64_t *out, size_t max);
/* Records a message for a field (for checks the in_* functions cannot make). */
void in_error(struct input *in, const char *field, const char *key);

bool input_ok(const struct input *in);
/* Fills resp for a failed validation and returns BRUG_EVALIDATION. */
int input_fail(struct input *in, struct resp *resp);
/* Turns a domain failure that names a field (an email already taken) into
 * a field message, and returns its code; other failures pass through. */
int input_fail_domain(struct input *in, struct resp *resp, int rc);

#endif

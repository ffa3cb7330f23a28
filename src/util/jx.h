/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers over jansson for the shapes brug passes around: objects of
 * strings, integers and booleans. Functions returning json_t * return a new
 * reference. Thread-safe (jansson objects themselves are not shared across
 * threads unless read-only). */
#ifndef BRUG_UTIL_JX_H
#define BRUG_UTIL_JX_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/buf.h"

/* Routes jansson's allocations through xmalloc; call once at start. */
void jx_init(void);

/* Member k of object o as a string, or NULL when absent or not a string. */
const char *jx_str(const json_t *o, const char *k);
/* Member k as an integer, or def when absent or not an integer. */
int64_t jx_int(const json_t *o, const char *k, int64_t def);
bool jx_bool(const json_t *o, const char *k, bool def);

/* Setters; a NULL string sets JSON null. */
void jx_set_str(json_t *o, const char *k, const char *s);
void jx_set_strn(json_t *o, const char *k, const char *s, size_t n);
void jx_set_int(json_t *o, const char *k, int64_t v);
void jx_set_bool(json_t *o, const char *k, bool v);
/* Sets k to ms as an ISO 8601 UTC string, or null when ms is 0. */
void jx_set_time(json_t *o, const char *k, int64_t ms);

/* Compact UTF-8 serialisation; the caller frees. */
char *jx_dumps(const json_t *v);
/* Appends v as compact JSON to out (what jx_dumps makes, in a tenth of
 * the time: no cycle check, which brug's trees never need, and no
 * intermediate allocations). Strings must be valid UTF-8, as jansson
 * guarantees; reals print with 15 significant digits. Nesting deeper
 * than 64 levels is written as null. */
int jx_write(struct buf *out, const json_t *v);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Time in brug: UTC Unix milliseconds for what is stored, a monotonic clock
 * for durations. Tests may shift the wall clock (clock_shift_ms) to exercise
 * expiry without sleeping. Thread-safe. */
#ifndef BRUG_UTIL_CLOCK_H
#define BRUG_UTIL_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Wall-clock time, UTC Unix milliseconds, plus any test shift. */
int64_t clock_now_ms(void);
/* Monotonic nanoseconds, for measuring durations. */
int64_t clock_mono_ns(void);
/* Moves clock_now_ms by delta milliseconds (tests only). */
void clock_shift_ms(int64_t delta);
/* Writes ms as ISO 8601 UTC with milliseconds, e.g. 2026-11-24T09:30:00.000Z,
 * into out (at least 25 bytes). */
void clock_iso8601(int64_t ms, char *out, size_t n);

/* Parses what clock_iso8601 writes (YYYY-MM-DDTHH:MM:SS.mmmZ, the
 * milliseconds optional) into UTC ms; false when s is not that. */
bool clock_parse_iso8601(const char *s, int64_t *ms);

#endif

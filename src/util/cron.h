/* SPDX-License-Identifier: Apache-2.0 */
/* Cron schedules: parses a five-field cron expression ("0 7 * * 1-5") and
 * finds the next time it fires on the wall clock of an IANA zone, with
 * stated rules for daylight saving time. Used for the job queue's recurring
 * schedules (db/jobs.h). It never touches the process-wide TZ: every call
 * names its zone (util/tz.h). */
#ifndef BRUG_UTIL_CRON_H
#define BRUG_UTIL_CRON_H

#include <stdint.h>

struct brug_err;
struct tz;

/* Longest expression accepted, in bytes. */
#define CRON_EXPR_MAX 200

/* A parsed expression; opaque, immutable, thread-safe to share. */
struct cron;

/* Parses "minute hour day-of-month month day-of-week", five fields separated
 * by spaces or tabs. Each field is a comma list of items: *, N, A-B, *\/S,
 * A-B/S or N/S (N to the end of the field, 6 for day-of-week). Month names
 * JAN-DEC and weekday names SUN-SAT (three letters, any case) stand for
 * numbers; in day-of-week 0 and 7 are both Sunday. Ranges are 0-59, 0-23,
 * 1-31, 1-12 and 0-7; a step is at least 1 and at most the field's width
 * (60, 24, 31, 12, 7). The whole expression may instead be one of @hourly,
 * @daily, @midnight, @weekly, @monthly, @yearly, @annually (any case).
 * On success *out gets the schedule, which the caller frees with cron_free.
 * Otherwise BRUG_EINVAL, *out untouched, and err (may be NULL) gets the key
 * "error.bad_request" and a precise English message in detail, e.g.
 * "field 2 (hour): 25 is out of range 0-23". A longer expression than
 * CRON_EXPR_MAX bytes is refused; no more than one byte past the cap is
 * read. Thread-safe. */
int cron_parse(const char *expr, struct cron **out, struct brug_err *err);
/* Frees c; NULL is fine. */
void cron_free(struct cron *c);

/* The first instant strictly after after_ms (UTC ms) at which c fires, read
 * on the wall clock of z: a local minute that matches fires at the first
 * instant the clock shows it (seconds 0), or, when the clock never shows it,
 * at the first instant the clock passes it. So:
 * - Day of month and day of week follow Vixie cron: when both fields are
 *   restricted (neither starts with '*'), a day matches when either
 *   matches; otherwise when both do. "*\/2" counts as unrestricted, as in
 *   Vixie cron, so "0 0 *\/2 * 1" is "odd days that are Mondays".
 * - A local time in the gap when clocks go forward fires once, at the
 *   moment of the jump: "30 2 * * *" fires at 03:00 CEST on the last Sunday
 *   of March in Europe/Amsterdam, and "*\/15 * * * *" fires once there for
 *   the four quarters of the missing hour.
 * - A local time that happens twice when clocks go back fires once, the
 *   first time: "30 2 * * *" fires at 02:30 CEST, not at 02:30 CET, and
 *   "*\/15 * * * *" does not fire in the repeated hour (02:00-02:59 CET).
 * Returns -1 when c never fires ("0 0 30 2 *"): this is known without a
 * search. Otherwise it looks at most 400 years ahead (one Gregorian cycle,
 * after which dates fall on the same weekdays again), so every expression
 * that fires at all is found; real waits reach 40 years (a 29 February
 * on a Sunday: 2088 to 2128). -1 too when the answer falls outside
 * the int64_t range of ms. -1 is never a real answer: firing instants are
 * whole seconds. Thread-safe. */
int64_t cron_next(const struct cron *c, const struct tz *z, int64_t after_ms);

/* c in normal form, for display: five fields of numbers ("0 7 * * 1-5" for
 * "0 7 * * MON-FRI", "0 0 * * *" for "@daily"), which cron_parse reads back
 * as the same schedule. The caller frees the result. Thread-safe. */
char *cron_format(const struct cron *c);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for cron_parse, cron_next and cron_format (src/util/cron.c):
 * the input is a cron expression. Beyond crashes, leaks, sanitizer reports
 * and hangs, it traps when a promise of cron.h breaks: a failure that is
 * not BRUG_EINVAL with a printable message, a normal form that does not
 * read back as itself or as the same schedule, and next times that do not
 * move forward, are not whole seconds, or are not the first after the
 * instant just before them. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/rc.h"
#include "util/cron.h"
#include "util/tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool printable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

/* A few next times from t in z; back (the normal form, parsed) agrees. */
static void walk(const struct cron *c, const struct cron *back, const struct tz *z, int64_t t)
{
	for (int i = 0; i < 4; i++) {
		int64_t n = cron_next(c, z, t);
		if (n != cron_next(back, z, t))
			__builtin_trap();
		if (n == -1)
			return;
		if (n <= t || n % 1000 != 0 || cron_next(c, z, n - 1) != n)
			__builtin_trap();
		t = n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t starts[] = {
		1774744200000, /* 2026-03-29 00:30 UTC, before Amsterdam's clocks go forward */
		1792888200000, /* 2026-10-25 00:30 UTC, in the hour before they go back */
		1767225600000, /* 2026-01-01 00:00 UTC */
	};
	const struct tz *utc = tz_get("UTC"), *ams = tz_get("Europe/Amsterdam");
	if (!utc || !ams)
		abort();
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0'; /* a NUL in the input ends the expression early */
	struct cron *c = NULL, *back = NULL;
	struct brug_err err = {0};
	int rc = cron_parse(s, &c, &err);
	if (rc) {
		if (rc != BRUG_EINVAL || c || err.rc != BRUG_EINVAL || !err.detail[0] ||
		    !printable(err.detail))
			__builtin_trap();
		free(s);
		return 0;
	}
	char *f = cron_format(c);
	if (strlen(f) > CRON_EXPR_MAX || cron_parse(f, &back, NULL) != 0)
		__builtin_trap();
	char *f2 = cron_format(back);
	if (strcmp(f, f2) != 0)
		__builtin_trap();
	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		walk(c, back, utc, starts[i]);
		walk(c, back, ams, starts[i]);
	}
	free(f2);
	free(f);
	cron_free(back);
	cron_free(c);
	free(s);
	return 0;
}

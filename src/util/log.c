/* SPDX-License-Identifier: Apache-2.0 */
/* logfmt lines on stderr; see log.h. A line is formatted into a stack buffer
 * and written once; an overlong line is cut, never split. */
#include "util/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/clock.h"

static _Atomic int level = LOG_INFO;
static const char *const names[] = {"debug", "info", "warn", "error", "off"};

void log_set_level(enum log_level lv)
{
	atomic_store(&level, (int)lv);
}

enum log_level log_get_level(void)
{
	return (enum log_level)atomic_load(&level);
}

int log_level_parse(const char *s)
{
	for (int i = 0; i <= LOG_OFF; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

void log_msg(enum log_level lv, const char *fmt, ...)
{
	if ((int)lv < atomic_load(&level))
		return;
	char line[2048];
	char ts[32];
	clock_iso8601(clock_now_ms(), ts, sizeof(ts));
	int n = snprintf(line, sizeof(line), "ts=%s level=%s ", ts, names[lv]);
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2;
	line[len++] = '\n';
	ssize_t w = write(STDERR_FILENO, line, len);
	(void)w;
}

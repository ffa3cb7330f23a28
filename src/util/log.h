/* SPDX-License-Identifier: Apache-2.0 */
/* Logging to stderr in logfmt (ts=... level=... msg=...), one line per call,
 * written with a single write(2) so lines from threads never interleave.
 * Thread-safe. */
#ifndef BRUG_UTIL_LOG_H
#define BRUG_UTIL_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF };

void log_set_level(enum log_level lv);
enum log_level log_get_level(void);
/* Parses "debug", "info", "warn", "error", "off"; -1 when unknown. */
int log_level_parse(const char *s);

/* fmt is the whole message after the standard ts/level prefix; pass
 * key=value pairs for structured data. */
void log_msg(enum log_level lv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif

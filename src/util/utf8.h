/* SPDX-License-Identifier: Apache-2.0 */
/* UTF-8 checks for everything that enters brug from outside. Thread-safe. */
#ifndef BRUG_UTIL_UTF8_H
#define BRUG_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when the n bytes at s are well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF) and contain no NUL byte. */
bool utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8. */
size_t utf8_len(const char *s, size_t n);
/* True when s holds a C0 control character other than tab, CR and LF. */
bool utf8_has_controls(const char *s, size_t n);

#endif

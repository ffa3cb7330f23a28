/* SPDX-License-Identifier: Apache-2.0 */
/* The field checks domain writes share: a text of at most so many
 * characters without control characters, a calendar date, one of a set
 * of values. Pure and thread-safe. */
#ifndef BRUG_DOMAIN_CHECK_H
#define BRUG_DOMAIN_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/* True for NULL (not given), or valid UTF-8 of at most max code points
 * without control characters (newlines and tabs allowed when multiline). */
bool check_text(const char *s, size_t max, bool multiline);
/* True for YYYY-MM-DD naming a real day of the years min_year-max_year. */
bool check_date(const char *s, int min_year, int max_year);
/* True when s is one of the NULL-terminated set. */
bool check_one_of(const char *s, const char *const *set);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Shared field checks; see check.h. */
#include "domain/check.h"

#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

bool check_text(const char *s, size_t max, bool multiline)
{
	if (!s)
		return true;
	size_t n = strlen(s);
	if (!utf8_valid(s, n) || utf8_len(s, n) > max)
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 && !(multiline && (*p == '\n' || *p == '\r' || *p == '\t')))
			return false;
	return true;
}

/* A number of exactly n digits (sscanf's %d would also take a sign or
 * leading spaces: "2024-+1-01" was a date). */
static bool digits(const char *s, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool check_date(const char *s, int min_year, int max_year)
{
	int y, m, d;
	if (strlen(s) != 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) ||
	    s[7] != '-' || !digits(s + 8, 2, &d))
		return false;
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return y >= min_year && y <= max_year && m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1] &&
	       !(m == 2 && d == 29 && !leap);
}

bool check_one_of(const char *s, const char *const *set)
{
	for (; s && *set; set++)
		if (!strcmp(s, *set))
			return true;
	return false;
}

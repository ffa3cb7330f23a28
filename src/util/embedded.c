/* SPDX-License-Identifier: Apache-2.0 */
/* Look-ups in the sorted embedded file table. */
#include "util/embedded.h"

#include <string.h>

static size_t lower_bound(const char *key)
{
	size_t lo = 0, hi = embedded_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(embedded_files[mid].name, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct embedded_file *embedded_find(const char *name)
{
	size_t i = lower_bound(name);
	if (i < embedded_count && strcmp(embedded_files[i].name, name) == 0)
		return &embedded_files[i];
	return NULL;
}

size_t embedded_first(const char *prefix)
{
	size_t i = lower_bound(prefix);
	if (i < embedded_count && strncmp(embedded_files[i].name, prefix, strlen(prefix)) == 0)
		return i;
	return embedded_count;
}

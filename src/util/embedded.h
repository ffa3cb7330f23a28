/* SPDX-License-Identifier: Apache-2.0 */
/* The files built into the binary by tools/embed.c: templates, static
 * assets (ours and the npm packages'), locale catalogs and SQL migrations.
 * The table is sorted by name and read-only. Thread-safe. */
#ifndef BRUG_UTIL_EMBEDDED_H
#define BRUG_UTIL_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name;          /* e.g. "templates/login.mustache" */
	const unsigned char *data; /* NUL-terminated after len bytes */
	size_t len;
	const char *etag; /* content hash and length, without quotes */
};

extern const struct embedded_file embedded_files[];
extern const size_t embedded_count;

/* The file called name, or NULL. */
const struct embedded_file *embedded_find(const char *name);
/* Index of the first file whose name starts with prefix, or embedded_count;
 * the matching files follow it in name order. */
size_t embedded_first(const char *prefix);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Route matching: a linear scan of the table, segment by segment. Tables
 * hold a few hundred routes at most, and a scan with early rejection on
 * the first differing byte costs well under a microsecond. */
#include "http/router.h"

#include <string.h>

static bool visible(const struct route *r, bool api)
{
	if (r->flags & R_ROOT)
		return !api;
	return api ? !(r->flags & R_PAGE) : !(r->flags & R_API);
}

static bool match_path(const char *pat, const char *path, struct route_match *m)
{
	m->n = 0;
	while (*pat && *path) {
		if (*pat == '{') {
			const char *close = strchr(pat, '}');
			if (!close || m->n >= ROUTE_MAX_PARAMS)
				return false;
			bool rest = pat[1] == '*';
			const char *end = rest ? path + strlen(path) : path + strcspn(path, "/");
			if (end == path)
				return false;
			m->name[m->n] = pat + 1 + rest;
			m->name_len[m->n] = (size_t)(close - pat - 1 - rest);
			m->value[m->n] = path;
			m->value_len[m->n] = (size_t)(end - path);
			m->n++;
			pat = close + 1;
			path = end;
			continue;
		}
		if (*pat != *path)
			return false;
		pat++;
		path++;
	}
	return !*pat && !*path;
}

static void add_allowed(struct route_match *m, const char *method)
{
	size_t len = strlen(m->allow);
	if (strstr(m->allow, method) || len + strlen(method) + 3 >= sizeof(m->allow))
		return;
	if (len)
		strcat(m->allow, ", ");
	strcat(m->allow, method);
}

enum match_result router_match(const struct route *table, size_t n, const char *method,
			       const char *path, bool api, struct route_match *m)
{
	bool path_found = false;
	const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
	m->allow[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const struct route *r = &table[i];
		if (!visible(r, api) || !match_path(r->pattern, path, m))
			continue;
		if (strcmp(r->method, want) == 0) {
			m->route = r;
			return MATCH_OK;
		}
		add_allowed(m, r->method);
		if (!strcmp(r->method, "GET"))
			add_allowed(m, "HEAD");
		path_found = true;
	}
	m->route = NULL;
	return path_found ? MATCH_NO_METHOD : MATCH_NO_PATH;
}

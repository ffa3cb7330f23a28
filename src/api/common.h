/* SPDX-License-Identifier: Apache-2.0 */
/* Small pieces shared by handlers. */
#ifndef BRUG_API_COMMON_H
#define BRUG_API_COMMON_H

#include "http/input.h"
#include "http/req.h"

/* next when it is a path on this site ("/users?page=2"), else fallback:
 * keeps redirects from leading off-site or into a header. */
const char *api_local_path(const char *next, const char *fallback);
/* page and per_page from the query string, within sane bounds. */
void api_paging(const struct req *req, int *page, int *per_page);

/* For pages: gives each object in v (an object or an array of objects)
 * a "<field>_label" with the catalog text at "<prefix>.<value of field>". */
void api_labels(struct req *req, json_t *v, const char *field, const char *prefix);
/* For pages: adds data.pager {page, pages, total, prev, next} from the
 * data's page, pages and total, with links that keep the query string. */
void api_pager(struct req *req, json_t *data);

/* A moment as an API client or a form gives it: ISO 8601 in UTC
 * ("2026-03-01T09:30:00Z", milliseconds optional), or a form's datetime-local
 * ("2026-03-01T09:30", seconds optional) read on the organisation's
 * clock. False when s is neither. */
bool api_parse_time(const struct req *req, const char *s, int64_t *ms);
/* The same moment as a form's datetime-local value on the organisation's
 * clock ("2026-03-01T09:30"); out has room for 17 bytes. */
void api_local_input(const struct req *req, int64_t ms, char out[17]);

/* For a select over a list of objects: marks the one whose "id" is the
 * form value values[key] (a number, or a string from a form sent back)
 * with "is_selected": true (templates cannot compare). */
void api_mark_selected(json_t *list, const json_t *values, const char *key);
/* values[key] as an id: a number, or a string a form sent; 0 otherwise. */
int64_t api_value_id(const json_t *values, const char *key);

extern const char *const api_roles[];  /* "employee", "manager", "admin", NULL */
extern const char *const api_langs[];  /* "nl", "en", NULL */

#endif

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

extern const char *const api_roles[];  /* "employee", "manager", "admin", NULL */
extern const char *const api_langs[];  /* "nl", "en", NULL */

#endif

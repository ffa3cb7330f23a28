/* SPDX-License-Identifier: Apache-2.0 */
/* Paged lists; see listing.h. The two texts are built from the same pieces,
 * so the count and the page always agree on the filter. */
#include "domain/listing.h"

#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/jx.h"

#define MAX_ARGS 30

int listing_query(struct db *db, const char *columns, const char *from, const char *order,
		  const struct db_arg *args, size_t n, struct listing page, json_t **out)
{
	int per = page.per_page > 0 ? page.per_page : LISTING_PER_PAGE;
	if (per > LISTING_PER_PAGE_MAX)
		per = LISTING_PER_PAGE_MAX;
	int p = page.page > 0 ? page.page : 1;
	if (n > MAX_ARGS - 2)
		return BRUG_EINTERNAL;
	struct buf count, rows;
	buf_init(&count, 0);
	buf_init(&rows, 0);
	buf_printf(&count, "SELECT COUNT(*)%s", from);
	buf_printf(&rows, "SELECT %s%s %s LIMIT ? OFFSET ?", columns, from, order);
	struct db_arg all[MAX_ARGS];
	if (n)
		memcpy(all, args, n * sizeof(*args));
	all[n] = DB_I(per);
	all[n + 1] = DB_I((int64_t)(p - 1) * per);
	int64_t total = 0;
	struct db_rows *r = NULL;
	json_t *items = NULL;
	int rc = db_int_query(db, &total, buf_str(&count), args, n);
	if (!rc)
		rc = db_query(db, &r, buf_str(&rows), all, n + 2);
	if (!rc)
		items = db_rows_json(r, &rc);
	db_rows_free(r);
	buf_cleanup(&count);
	buf_cleanup(&rows);
	if (rc)
		return rc;
	json_t *o = json_object();
	json_object_set_new(o, "items", items);
	jx_set_int(o, "total", total);
	jx_set_int(o, "page", p);
	jx_set_int(o, "per_page", per);
	jx_set_int(o, "pages", total ? (total + per - 1) / per : 1);
	*out = o;
	return 0;
}

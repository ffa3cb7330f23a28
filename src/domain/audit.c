/* SPDX-License-Identifier: Apache-2.0 */
/* Audit rows; see audit.h. Paging is by id (keyset), so a page costs the
 * same at the millionth entry as at the first. */
#include "domain/audit.h"

#include <stdlib.h>

#include "util/clock.h"
#include "util/jx.h"

int audit_add(struct db *db, const struct actor *who, const char *action, const char *object_type,
	      int64_t object_id, json_t *details)
{
	/* a field left unchanged is given as null by the caller: not news */
	const char *k;
	void *tmp;
	json_t *v;
	json_object_foreach_safe(details, tmp, k, v) if (json_is_null(v)) json_object_del(details, k);
	char *d = details ? jx_dumps(details) : NULL;
	int rc = db_exec(db,
			 "INSERT INTO audit_log (org_id, at, actor_id, actor, action, object_type,"
			 " object_id, details, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			 DB_ARGS(DB_I(who->org_id), DB_I(clock_now_ms()), DB_I0(who->user_id),
				 DB_T(who->label ? who->label : "system"), DB_T(action),
				 DB_T(object_type), DB_I0(object_id), DB_T(d ? d : "{}"),
				 DB_T(who->ip ? who->ip : "")));
	free(d);
	json_decref(details);
	return rc;
}

int audit_list(struct db *db, int64_t org, const struct audit_filter *f, json_t **out)
{
	int limit = f->limit > 0 && f->limit <= 200 ? f->limit : 50;
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT id, at, actor_id, actor, action, object_type, object_id, details, ip"
			  " FROM audit_log WHERE org_id = ? AND (? = 0 OR id < ?)"
			  " AND (? IS NULL OR action = ?) AND (? IS NULL OR object_type = ?)"
			  " AND (? = 0 OR actor_id = ?) ORDER BY id DESC LIMIT ?",
			  DB_ARGS(DB_I(org), DB_I(f->before_id), DB_I(f->before_id), DB_T(f->action),
				  DB_T(f->action), DB_T(f->object_type), DB_T(f->object_type),
				  DB_I(f->actor_id), DB_I(f->actor_id), DB_I(limit + 1)));
	if (rc)
		return rc;
	json_t *items = json_array();
	int more, count = 0;
	int64_t last = 0;
	bool has_more = false;
	while ((more = db_next(r)) == 1) {
		if (count == limit) {
			has_more = true;
			break;
		}
		json_t *row = db_row_json(r);
		/* details is stored as JSON text: hand it out as an object */
		json_t *d = json_loads(jx_str(row, "details"), 0, NULL);
		json_object_set_new(row, "details", d ? d : json_object());
		last = jx_int(row, "id", 0);
		json_array_append_new(items, row);
		count++;
	}
	db_rows_free(r);
	if (more < 0) {
		json_decref(items);
		return more;
	}
	json_t *o = json_object();
	json_object_set_new(o, "items", items);
	json_object_set_new(o, "next_before", has_more ? json_integer(last) : json_null());
	*out = o;
	return 0;
}

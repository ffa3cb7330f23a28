/* SPDX-License-Identifier: Apache-2.0 */
/* One UNION over the kinds of things a relation has; see timeline.h. Each
 * branch yields the same columns, so a new kind is one more branch. */
#include "domain/timeline.h"

#include "util/buf.h"

int timeline_list(struct db *db, int64_t org, int64_t relation, const struct timeline_filter *f,
		  json_t **out)
{
	struct buf from;
	buf_init(&from, 0);
	struct db_arg args[16];
	size_t n = 0;
	/* the relation itself and, for an organisation, its people */
	const char *who = "(SELECT ? UNION SELECT id FROM relations WHERE org_id = ? AND parent_id = ?)";
	buf_printf(&from,
		   " FROM (SELECT 'interaction' AS item, i.id, i.occurred_at AS at, i.subject AS title,"
		   " i.channel, i.direction, i.outcome, NULL AS status, NULL AS due, i.user_id,"
		   " (SELECT u.name FROM users u WHERE u.org_id = i.org_id AND u.id = i.user_id)"
		   " AS user_name,"
		   " (SELECT x.name FROM interaction_roles x WHERE x.org_id = i.org_id"
		   " AND x.id = i.role_id) AS role_name,"
		   " (SELECT r.name FROM relations r WHERE r.org_id = i.org_id AND r.id = i.person_id)"
		   " AS person_name"
		   " FROM interactions i WHERE i.org_id = ? AND (i.person_id IN %s OR i.company_id = ?)",
		   who);
	args[n++] = DB_I(org);
	args[n++] = DB_I(relation);
	args[n++] = DB_I(org);
	args[n++] = DB_I(relation);
	args[n++] = DB_I(relation);
	if (f->channel) {
		buf_adds(&from, " AND i.channel = ?");
		args[n++] = DB_T(f->channel);
	}
	if (f->user_id) {
		buf_adds(&from, " AND i.user_id = ?");
		args[n++] = DB_I(f->user_id);
	}
	if (!f->channel) {
		buf_printf(&from,
			   " UNION ALL SELECT 'task', t.id, t.created_at, t.title, NULL, NULL, NULL,"
			   " t.status, t.due, t.assignee_id,"
			   " (SELECT u.name FROM users u WHERE u.org_id = t.org_id"
			   " AND u.id = t.assignee_id), NULL,"
			   " (SELECT r.name FROM relations r WHERE r.org_id = t.org_id"
			   " AND r.id = t.relation_id)"
			   " FROM tasks t WHERE t.org_id = ? AND t.relation_id IN %s",
			   who);
		args[n++] = DB_I(org);
		args[n++] = DB_I(relation);
		args[n++] = DB_I(org);
		args[n++] = DB_I(relation);
		if (f->user_id) {
			buf_adds(&from, " AND t.assignee_id = ?");
			args[n++] = DB_I(f->user_id);
		}
	}
	buf_adds(&from, ") tl");
	int rc = listing_query(db, "tl.*", buf_str(&from), "ORDER BY tl.at DESC, tl.item, tl.id DESC",
			       args, n, f->page, out);
	buf_cleanup(&from);
	return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* One UNION over the kinds of things a relation has; see timeline.h. Each
 * branch yields the same few columns, so a new kind is one more branch.
 * The page is cut (ORDER BY ... LIMIT) in a subquery of its own before
 * any name is looked up, so a relation with thousands of items costs the
 * sort of its keys and fifty look-ups, not thousands. */
#include "domain/timeline.h"

#include "util/buf.h"
#include "util/jx.h"

#define ARGS_MAX 32

/* " FROM (branches) tl": the items of the relation (and, for an
 * organisation, of its people) with the filter; arguments appended. */
static void items_from(struct buf *b, int64_t org, int64_t relation,
		       const struct timeline_filter *f, struct db_arg *args, size_t *n)
{
	const char *who = "(SELECT ? UNION SELECT id FROM relations WHERE org_id = ? AND parent_id = ?)";
	buf_printf(b,
		   " FROM (SELECT 'interaction' AS item, i.id, i.occurred_at AS at, i.user_id,"
		   " i.org_id FROM interactions i WHERE i.org_id = ? AND (i.person_id IN %s"
		   " OR i.company_id = ?)",
		   who);
	args[(*n)++] = DB_I(org);
	args[(*n)++] = DB_I(relation);
	args[(*n)++] = DB_I(org);
	args[(*n)++] = DB_I(relation);
	args[(*n)++] = DB_I(relation);
	if (f->channel) {
		buf_adds(b, " AND i.channel = ?");
		args[(*n)++] = DB_T(f->channel);
	}
	if (f->user_id) {
		buf_adds(b, " AND i.user_id = ?");
		args[(*n)++] = DB_I(f->user_id);
	}
	if (!f->channel) {
		buf_printf(b,
			   " UNION ALL SELECT 'task', t.id, t.created_at, t.assignee_id, t.org_id"
			   " FROM tasks t WHERE t.org_id = ? AND t.relation_id IN %s",
			   who);
		args[(*n)++] = DB_I(org);
		args[(*n)++] = DB_I(relation);
		args[(*n)++] = DB_I(org);
		args[(*n)++] = DB_I(relation);
		if (f->user_id) {
			buf_adds(b, " AND t.assignee_id = ?");
			args[(*n)++] = DB_I(f->user_id);
		}
	}
	if (!f->channel) {
		/* answered invitations (survey answers) and follow-up cases */
		buf_printf(b,
			   " UNION ALL SELECT 'feedback', v.id, v.answered_at, v.handler_id, v.org_id"
			   " FROM survey_invitations v WHERE v.org_id = ? AND v.answered_at IS NOT NULL"
			   " AND v.relation_id IN %s",
			   who);
		args[(*n)++] = DB_I(org);
		args[(*n)++] = DB_I(relation);
		args[(*n)++] = DB_I(org);
		args[(*n)++] = DB_I(relation);
		if (f->user_id) {
			buf_adds(b, " AND v.handler_id = ?");
			args[(*n)++] = DB_I(f->user_id);
		}
		buf_printf(b,
			   " UNION ALL SELECT 'case', c.id, c.created_at, c.assignee_id, c.org_id"
			   " FROM survey_cases c WHERE c.org_id = ? AND c.relation_id IN %s",
			   who);
		args[(*n)++] = DB_I(org);
		args[(*n)++] = DB_I(relation);
		args[(*n)++] = DB_I(org);
		args[(*n)++] = DB_I(relation);
		if (f->user_id) {
			buf_adds(b, " AND c.assignee_id = ?");
			args[(*n)++] = DB_I(f->user_id);
		}
	}
	buf_adds(b, ") tl");
}

/* The columns of one page row, looked up from the item's own table. */
#define PAGE_COLUMNS                                                                                 \
	"p.item, p.id, p.at, p.user_id,"                                                             \
	" (p.item = 'interaction') AS is_interaction, (p.item = 'task') AS is_task,"               \
	" (p.item = 'feedback') AS is_feedback, (p.item = 'case') AS is_case,"                     \
	" CASE WHEN p.item = 'interaction' THEN i.subject WHEN p.item = 'task' THEN t.title"       \
	" ELSE (SELECT s.name FROM surveys s WHERE s.org_id = p.org_id"                            \
	" AND s.id = COALESCE(v.survey_id, sc.survey_id)) END AS title,"                           \
	" i.channel, i.direction, i.outcome, t.status, t.due, sc.status AS case_status,"           \
	" CASE WHEN p.item = 'case' THEN sc.score WHEN p.item = 'feedback' THEN"                   \
	" (SELECT a.score FROM survey_answers a JOIN survey_questions q ON q.org_id = a.org_id"    \
	" AND q.id = a.question_id WHERE a.org_id = p.org_id AND a.invitation_id = p.id"          \
	" AND q.type = 'nps' ORDER BY q.position LIMIT 1) END AS score,"                           \
	" CASE WHEN p.item = 'case' THEN sc.id WHEN p.item = 'feedback' THEN"                      \
	" (SELECT x.id FROM survey_cases x WHERE x.org_id = p.org_id AND x.invitation_id = p.id)" \
	" END AS case_id,"                                                                         \
	" (SELECT u.name FROM users u WHERE u.org_id = p.org_id AND u.id = p.user_id)"            \
	" AS user_name,"                                                                           \
	" (SELECT x.name FROM interaction_roles x WHERE x.org_id = i.org_id"                      \
	" AND x.id = i.role_id) AS role_name,"                                                     \
	" (SELECT r.name FROM relations r WHERE r.org_id = p.org_id"                              \
	" AND r.id = COALESCE(i.person_id, t.relation_id, v.relation_id, sc.relation_id))"        \
	" AS person_name"

int timeline_list(struct db *db, int64_t org, int64_t relation, const struct timeline_filter *f,
		  json_t **out)
{
	int per = f->page.per_page > 0 ? f->page.per_page : LISTING_PER_PAGE;
	if (per > LISTING_PER_PAGE_MAX)
		per = LISTING_PER_PAGE_MAX;
	int page = f->page.page > 0 ? f->page.page : 1;
	struct buf from, sql;
	buf_init(&from, 0);
	buf_init(&sql, 0);
	struct db_arg args[ARGS_MAX];
	size_t n = 0;
	items_from(&from, org, relation, f, args, &n);
	int64_t total = 0;
	struct db_rows *r = NULL;
	json_t *items = NULL;
	buf_printf(&sql, "SELECT COUNT(*)%s", buf_str(&from));
	int rc = db_int_query(db, &total, buf_str(&sql), args, n);
	if (!rc) {
		buf_reset(&sql);
		buf_printf(&sql,
			   "SELECT " PAGE_COLUMNS " FROM (SELECT tl.*%s"
			   " ORDER BY tl.at DESC, tl.item, tl.id DESC LIMIT ? OFFSET ?) p"
			   " LEFT JOIN interactions i ON p.item = 'interaction' AND i.org_id = p.org_id"
			   " AND i.id = p.id"
			   " LEFT JOIN tasks t ON p.item = 'task' AND t.org_id = p.org_id AND t.id = p.id"
			   " LEFT JOIN survey_invitations v ON p.item = 'feedback'"
			   " AND v.org_id = p.org_id AND v.id = p.id"
			   " LEFT JOIN survey_cases sc ON p.item = 'case' AND sc.org_id = p.org_id"
			   " AND sc.id = p.id"
			   " ORDER BY p.at DESC, p.item, p.id DESC",
			   buf_str(&from));
		args[n++] = DB_I(per);
		args[n++] = DB_I((int64_t)(page - 1) * per);
		rc = db_query(db, &r, buf_str(&sql), args, n);
	}
	if (!rc)
		items = db_rows_json(r, &rc);
	db_rows_free(r);
	buf_cleanup(&from);
	buf_cleanup(&sql);
	if (rc)
		return rc;
	json_t *o = json_object();
	json_object_set_new(o, "items", items);
	jx_set_int(o, "total", total);
	jx_set_int(o, "page", page);
	jx_set_int(o, "per_page", per);
	jx_set_int(o, "pages", total ? (total + per - 1) / per : 1);
	*out = o;
	return 0;
}

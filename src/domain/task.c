/* SPDX-License-Identifier: Apache-2.0 */
/* Task rows; see task.h. */
#include "domain/task.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/check.h"
#include "domain/relation.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/tz.h"

const char *const task_statuses[] = {"open", "done", "cancelled", NULL};

static int bad(struct brug_err *err, const char *key, const char *field)
{
	return brug_fail(err, BRUG_EVALIDATION, key, field);
}

static int check(const struct task_in *in, bool create, struct brug_err *err)
{
	if ((create && !in->title) || (in->title && !*in->title))
		return bad(err, "error.required", "title");
	if (!check_text(in->title, 200, false))
		return bad(err, "error.too_long", "title");
	if (!check_text(in->notes, 10000, true))
		return bad(err, "error.too_long", "notes");
	if (in->due && *in->due && !check_date(in->due, 1900, 2999)) /* "": no date */
		return bad(err, "error.date", "due");
	if (in->status) {
		bool known = false;
		for (int i = 0; task_statuses[i]; i++)
			known |= !strcmp(in->status, task_statuses[i]);
		if (!known)
			return bad(err, "error.choice", "status");
	}
	return 0;
}

static int check_links(struct db *db, int64_t org, struct task_in *in, struct brug_err *err)
{
	int64_t n = 0;
	int rc = 0;
	if (in->assignee_id > 0) {
		rc = db_int_query(db, &n, "SELECT COUNT(*) FROM users WHERE org_id = ? AND id = ?",
				  DB_ARGS(DB_I(org), DB_I(in->assignee_id)));
		if (!rc && !n)
			return bad(err, "error.user_not_found", "assignee_id");
	}
	if (!rc && in->relation_id > 0) {
		char kind[16];
		rc = relation_kind(db, org, in->relation_id, kind);
		if (rc == BRUG_ENOTFOUND)
			return bad(err, "error.relation_not_found", "relation_id");
	}
	if (!rc && in->interaction_id > 0) {
		int64_t rel = 0;
		rc = db_int_query(db, &rel,
				  "SELECT COALESCE(person_id, company_id, 0) FROM interactions"
				  " WHERE org_id = ? AND id = ?",
				  DB_ARGS(DB_I(org), DB_I(in->interaction_id)));
		if (rc == BRUG_ENOTFOUND)
			return bad(err, "error.interaction_not_found", "interaction_id");
		if (!rc && in->relation_id < 0 && rel > 0)
			in->relation_id = rel;
	}
	return rc;
}

int task_create(struct db *db, const struct actor *who, const struct task_in *given, int64_t *id,
		struct brug_err *err)
{
	struct task_in in = *given;
	int rc = check(&in, true, err);
	if (rc)
		return rc;
	if (in.assignee_id == 0)
		in.assignee_id = who->user_id;
	if (in.relation_id == 0)
		in.relation_id = -1; /* may come from the interaction */
	if ((rc = db_begin(db)))
		return rc;
	rc = check_links(db, who->org_id, &in, err);
	int64_t now = clock_now_ms(), tid = 0;
	const char *status = in.status ? in.status : "open";
	if (!rc)
		rc = db_int_query(
			db, &tid,
			"INSERT INTO tasks (org_id, title, notes, assignee_id, due, status, relation_id,"
			" interaction_id, created_by, created_at, updated_at, done_at)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			DB_ARGS(DB_I(who->org_id), DB_T(in.title), DB_T(in.notes ? in.notes : ""),
				DB_I0(in.assignee_id > 0 ? in.assignee_id : 0),
				in.due && *in.due ? DB_T(in.due) : DB_NULLARG, DB_T(status),
				DB_I0(in.relation_id > 0 ? in.relation_id : 0),
				DB_I0(in.interaction_id > 0 ? in.interaction_id : 0), DB_I0(who->user_id),
				DB_I(now), DB_I(now), DB_I0(strcmp(status, "open") ? now : 0)));
	if (!rc) {
		json_t *d = json_object();
		jx_set_str(d, "title", in.title);
		rc = audit_add(db, who, "task.create", "task", tid, d);
	}
	rc = db_finish(db, rc);
	if (!rc)
		*id = tid;
	return rc;
}

int task_update(struct db *db, const struct actor *who, int64_t id, const struct task_in *given,
		struct brug_err *err)
{
	struct task_in in = *given;
	int rc = check(&in, false, err);
	if (rc)
		return rc;
	if ((rc = db_begin(db)))
		return rc;
	int64_t n = 0;
	rc = db_int_query(db, &n, "SELECT COUNT(*) FROM tasks WHERE org_id = ? AND id = ?",
			  DB_ARGS(DB_I(who->org_id), DB_I(id)));
	if (!rc && !n)
		rc = brug_fail(err, BRUG_ENOTFOUND, "error.task_not_found", NULL);
	if (!rc)
		rc = check_links(db, who->org_id, &in, err);
	int64_t now = clock_now_ms();
	if (!rc)
		rc = db_exec(
			db,
			"UPDATE tasks SET title = COALESCE(?, title), notes = COALESCE(?, notes),"
			" due = CASE WHEN ? = 0 THEN due WHEN ? = '' THEN NULL ELSE ? END,"
			" done_at = CASE WHEN ? IS NULL OR ? = status THEN done_at"
			" WHEN ? = 'open' THEN NULL ELSE ? END,"
			" status = COALESCE(?, status),"
			" assignee_id = CASE WHEN ? < 0 THEN assignee_id ELSE ? END,"
			" relation_id = CASE WHEN ? < 0 THEN relation_id ELSE ? END,"
			" interaction_id = CASE WHEN ? < 0 THEN interaction_id ELSE ? END,"
			" updated_at = ? WHERE org_id = ? AND id = ?",
			DB_ARGS(DB_T(in.title), DB_T(in.notes), DB_I(in.due ? 1 : 0),
				DB_T(in.due ? in.due : ""), DB_T(in.due ? in.due : ""), DB_T(in.status),
				DB_T(in.status), DB_T(in.status), DB_I(now), DB_T(in.status),
				DB_I(in.assignee_id), DB_I0(in.assignee_id > 0 ? in.assignee_id : 0),
				DB_I(in.relation_id), DB_I0(in.relation_id > 0 ? in.relation_id : 0),
				DB_I(in.interaction_id),
				DB_I0(in.interaction_id > 0 ? in.interaction_id : 0), DB_I(now),
				DB_I(who->org_id), DB_I(id)));
	if (!rc) {
		json_t *d = json_object();
		if (in.status)
			jx_set_str(d, "status", in.status);
		if (in.title)
			jx_set_str(d, "title", in.title);
		rc = audit_add(db, who, "task.update", "task", id, d);
	}
	return db_finish(db, rc);
}

#define COLUMNS                                                                                    \
	"t.id, t.title, t.notes, t.assignee_id, t.due, t.status, t.relation_id,"                   \
	" t.interaction_id, t.created_at, t.updated_at, t.done_at,"                                \
	" (t.status = 'open' AND t.due IS NOT NULL AND t.due < d.today) AS is_overdue,"            \
	" (SELECT u.name FROM users u WHERE u.org_id = t.org_id AND u.id = t.assignee_id)"        \
	" AS assignee_name,"                                                                       \
	" (SELECT r.name FROM relations r WHERE r.org_id = t.org_id AND r.id = t.relation_id)"    \
	" AS relation_name"

int task_get(struct db *db, int64_t org, int64_t id, const char *today, json_t **out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT " COLUMNS " FROM tasks t CROSS JOIN (SELECT ? AS today) d"
			  " WHERE t.org_id = ? AND t.id = ?",
			  DB_ARGS(DB_T(today), DB_I(org), DB_I(id)));
	if (rc)
		return rc;
	rc = db_next(r);
	json_t *t = rc == 1 ? db_row_json(r) : NULL;
	db_rows_free(r);
	if (rc <= 0)
		return rc == 0 ? BRUG_ENOTFOUND : rc;
	*out = t;
	return 0;
}

int task_list(struct db *db, int64_t org, const struct task_filter *f, json_t **out)
{
	struct buf from;
	buf_init(&from, 0);
	struct db_arg args[8];
	size_t n = 0;
	args[n++] = DB_T(f->today);
	buf_adds(&from, " FROM tasks t CROSS JOIN (SELECT ? AS today) d WHERE t.org_id = ?");
	args[n++] = DB_I(org);
	if (!f->all) {
		buf_adds(&from, " AND t.status = ?");
		args[n++] = DB_T(f->status ? f->status : "open");
	}
	if (f->assignee_id) {
		buf_adds(&from, " AND t.assignee_id = ?");
		args[n++] = DB_I(f->assignee_id);
	}
	if (f->relation_id) {
		buf_adds(&from, " AND t.relation_id = ?");
		args[n++] = DB_I(f->relation_id);
	}
	int rc = listing_query(db, COLUMNS, buf_str(&from),
			       "ORDER BY CASE WHEN t.due IS NULL THEN 1 ELSE 0 END, t.due,"
			       " t.created_at DESC, t.id DESC",
			       args, n, f->page, out);
	buf_cleanup(&from);
	return rc;
}

int task_counts(struct db *db, int64_t org, int64_t user, const char *today, int64_t *open,
		int64_t *overdue)
{
	int rc = db_int_query(db, open,
			      "SELECT COUNT(*) FROM tasks WHERE org_id = ? AND assignee_id = ?"
			      " AND status = 'open'",
			      DB_ARGS(DB_I(org), DB_I(user)));
	if (!rc)
		rc = db_int_query(db, overdue,
				  "SELECT COUNT(*) FROM tasks WHERE org_id = ? AND assignee_id = ?"
				  " AND status = 'open' AND due IS NOT NULL AND due < ?",
				  DB_ARGS(DB_I(org), DB_I(user), DB_T(today)));
	return rc;
}

int task_today(struct db *db, int64_t org, char out[11])
{
	char *zone = NULL;
	int rc = db_text_query(db, &zone, "SELECT timezone FROM orgs WHERE org_id = ?",
			       DB_ARGS(DB_I(org)));
	if (rc)
		return rc;
	const struct tz *z = tz_get(zone);
	free(zone);
	struct tz_civil c;
	tz_to_local(z ? z : tz_get("UTC"), clock_now_ms(), &c);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)c.year % 10000u, (unsigned)c.month % 100u,
		 (unsigned)c.day % 100u);
	return 0;
}

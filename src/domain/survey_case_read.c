/* SPDX-License-Identifier: Apache-2.0 */
/* Reading follow-up cases and the feedback behind them (see survey_case.h):
 * the case list, one case with its answers and notes, the loop metrics,
 * what the notification mail needs, and each employee's own feedback.
 * Reads only; the writes are in survey_case.c. */
#include "domain/survey_case.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/markdown.h"
#include "util/xmalloc.h"

#define COLUMNS                                                                                    \
	"c.id, c.status, c.score, c.due_at, c.created_at, c.contacted_at, c.resolved_at,"         \
	" (c.status <> 'resolved' AND c.due_at < d.now_ms) AS is_overdue, c.assignee_id,"                 \
	" (SELECT u.name FROM users u WHERE u.org_id = c.org_id AND u.id = c.assignee_id)"        \
	" AS assignee_name, c.relation_id,"                                                        \
	" (SELECT r.name FROM relations r WHERE r.org_id = c.org_id AND r.id = c.relation_id)"    \
	" AS relation_name, c.survey_id,"                                                          \
	" (SELECT s.name FROM surveys s WHERE s.org_id = c.org_id AND s.id = c.survey_id)"        \
	" AS survey_name, c.invitation_id"

int survey_case_list(struct db *db, int64_t org, const struct survey_case_filter *f,
		     json_t **out)
{
	int64_t now = f->now ? f->now : clock_now_ms();
	struct buf from;
	buf_init(&from, 0);
	struct db_arg args[10];
	size_t n = 0;
	args[n++] = DB_I(now);
	buf_adds(&from, " FROM survey_cases c CROSS JOIN (SELECT ? AS now_ms) d"
			" WHERE c.org_id = ?");
	args[n++] = DB_I(org);
	if (f->status) {
		buf_adds(&from, " AND c.status = ?");
		args[n++] = DB_T(f->status);
	}
	if (f->assignee_id) {
		buf_adds(&from, " AND c.assignee_id = ?");
		args[n++] = DB_I(f->assignee_id);
	}
	if (f->survey_id) {
		buf_adds(&from, " AND c.survey_id = ?");
		args[n++] = DB_I(f->survey_id);
	}
	if (f->overdue) {
		buf_adds(&from, " AND c.status <> 'resolved' AND c.due_at < d.now_ms");
	}
	int rc = listing_query(db, COLUMNS, buf_str(&from),
			       "ORDER BY CASE WHEN c.status <> 'resolved' AND c.due_at < d.now_ms THEN 0"
			       " ELSE 1 END, c.due_at, c.id",
			       args, n, f->page, out);
	buf_cleanup(&from);
	return rc;
}

int survey_answers_json(struct db *db, int64_t org, int64_t invitation, const char *lang,
			json_t **out)
{
	const char *l = lang && !strcmp(lang, "en") ? "en" : "nl";
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT q.id AS question_id, q.type,"
			  " CASE WHEN ? = 'en' AND q.text_en <> '' THEN q.text_en"
			  "  WHEN q.text_nl <> '' THEN q.text_nl ELSE q.text_en END AS question,"
			  " a.score, a.choices, a.text"
			  " FROM survey_answers a JOIN survey_questions q ON q.org_id = a.org_id"
			  " AND q.id = a.question_id"
			  " WHERE a.org_id = ? AND a.invitation_id = ? ORDER BY q.position, q.id",
			  DB_ARGS(DB_T(l), DB_I(org), DB_I(invitation)));
	if (rc)
		return rc;
	json_t *items = db_rows_json(r, &rc);
	db_rows_free(r);
	if (rc)
		return rc;
	size_t i;
	json_t *a;
	json_array_foreach(items, i, a) {
		const char *c = jx_str(a, "choices");
		json_t *list = c && *c ? json_loads(c, 0, NULL) : NULL;
		json_object_set_new(a, "choices", json_is_array(list) ? list : json_array());
		if (list && !json_is_array(list))
			json_decref(list);
		jx_set_bool(a, "has_score", json_is_integer(json_object_get(a, "score")));
		const char *t = jx_str(a, "text");
		jx_set_bool(a, "has_text", t && *t);
		jx_set_bool(a, "has_choices", json_array_size(json_object_get(a, "choices")) > 0);
	}
	*out = items;
	return 0;
}

static int notes_json(struct db *db, int64_t org, int64_t id, json_t **out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT n.id, n.user_id, (SELECT u.name FROM users u WHERE u.org_id = n.org_id"
			  " AND u.id = n.user_id) AS user_name, n.body, n.created_at"
			  " FROM survey_case_notes n WHERE n.org_id = ? AND n.case_id = ? ORDER BY n.id",
			  DB_ARGS(DB_I(org), DB_I(id)));
	if (rc)
		return rc;
	json_t *items = db_rows_json(r, &rc);
	db_rows_free(r);
	if (rc)
		return rc;
	size_t i;
	json_t *n;
	json_array_foreach(items, i, n) {
		const char *md = jx_str(n, "body");
		char *html = NULL;
		if (md && markdown_to_html(md, strlen(md), MARKDOWN_SHIFT_HEADINGS, &html) == 0)
			jx_set_str(n, "body_html", html);
		free(html);
	}
	*out = items;
	return 0;
}

int survey_case_get(struct db *db, int64_t org, int64_t id, const char *lang, json_t **out)
{
	struct db_rows *r = NULL;
	json_t *c = NULL, *answers = NULL, *notes = NULL;
	int rc = db_query(db, &r,
			  "SELECT " COLUMNS " FROM survey_cases c CROSS JOIN (SELECT ? AS now_ms) d"
			  " WHERE c.org_id = ? AND c.id = ?",
			  DB_ARGS(DB_I(clock_now_ms()), DB_I(org), DB_I(id)));
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1)
		c = db_row_json(r);
	db_rows_free(r);
	if (rc <= 0)
		return rc == 0 ? BRUG_ENOTFOUND : rc;
	rc = survey_answers_json(db, org, jx_int(c, "invitation_id", 0), lang, &answers);
	if (!rc)
		rc = notes_json(db, org, id, &notes);
	if (rc) {
		json_decref(c);
		json_decref(answers);
		return rc;
	}
	json_object_set_new(c, "answers", answers);
	json_object_set_new(c, "notes", notes);
	*out = c;
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

double survey_case_median(int64_t *v, size_t n)
{
	if (!n)
		return -1;
	qsort(v, n, sizeof(*v), cmp_i64);
	return n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
}

/* Median hours from opening to resolving of the cases resolved in the
 * period; the durations are read into memory (a period has few cases). */
static int median_close(struct db *db, int64_t org, int64_t survey, int64_t from, int64_t to,
			double *out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT resolved_at - created_at FROM survey_cases WHERE org_id = ?"
			  " AND status = 'resolved' AND resolved_at >= ? AND resolved_at < ?"
			  " AND (? = 0 OR survey_id = ?)",
			  DB_ARGS(DB_I(org), DB_I(from), DB_I(to), DB_I(survey), DB_I(survey)));
	if (rc)
		return rc;
	size_t n = 0, cap = 64;
	int64_t *v = xmalloc(cap * sizeof(*v));
	while ((rc = db_next(r)) == 1) {
		if (n == cap) {
			cap *= 2;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n++] = db_int(r, 0);
	}
	db_rows_free(r);
	if (rc == 0) {
		double ms = survey_case_median(v, n);
		*out = ms < 0 ? -1 : ms / 3600000.0;
	}
	free(v);
	return rc;
}

int survey_case_metrics_get(struct db *db, int64_t org, int64_t survey_id, int64_t from,
			    int64_t to, int64_t now, struct survey_case_metrics *out)
{
	struct survey_case_metrics m = {0};
	struct db_rows *r = NULL;
	int rc = db_query(
		db, &r,
		"SELECT"
		" COALESCE(SUM(CASE WHEN created_at >= ? AND created_at < ? THEN 1 ELSE 0 END), 0),"
		" COALESCE(SUM(CASE WHEN due_at >= ? AND due_at < ?"
		"  AND (resolved_at IS NOT NULL OR due_at < ?) THEN 1 ELSE 0 END), 0),"
		" COALESCE(SUM(CASE WHEN due_at >= ? AND due_at < ? AND resolved_at IS NOT NULL"
		"  AND resolved_at <= due_at THEN 1 ELSE 0 END), 0),"
		" COALESCE(SUM(CASE WHEN resolved_at >= ? AND resolved_at < ? THEN 1 ELSE 0 END), 0),"
		" COALESCE(SUM(CASE WHEN status <> 'resolved' THEN 1 ELSE 0 END), 0),"
		" COALESCE(SUM(CASE WHEN status <> 'resolved' AND due_at < ? THEN 1 ELSE 0 END), 0)"
		" FROM survey_cases WHERE org_id = ? AND (? = 0 OR survey_id = ?)",
		DB_ARGS(DB_I(from), DB_I(to), DB_I(from), DB_I(to), DB_I(now), DB_I(from), DB_I(to),
			DB_I(from), DB_I(to), DB_I(now), DB_I(org), DB_I(survey_id), DB_I(survey_id)));
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		m.opened = db_int(r, 0);
		m.due = db_int(r, 1);
		m.in_time = db_int(r, 2);
		m.closed = db_int(r, 3);
		m.open_now = db_int(r, 4);
		m.overdue_now = db_int(r, 5);
		rc = 0;
	} else if (rc == 0) {
		rc = BRUG_EINTERNAL;
	}
	db_rows_free(r);
	if (!rc)
		rc = median_close(db, org, survey_id, from, to, &m.median_hours);
	if (rc)
		return rc;
	m.in_time_pct = m.due ? 100.0 * (double)m.in_time / (double)m.due : -1;
	*out = m;
	return 0;
}

int survey_case_notice(struct db *db, int64_t org, int64_t id, json_t **out)
{
	struct db_rows *r = NULL;
	json_t *c = NULL, *answers = NULL;
	int rc = db_query(db, &r,
			  "SELECT c.id AS case_id, c.score, c.due_at, c.invitation_id, u.email AS \"to\","
			  " u.name AS assignee_name, COALESCE(NULLIF(u.lang, ''), o.lang) AS lang,"
			  " o.timezone,"
			  " (SELECT r.name FROM relations r WHERE r.org_id = c.org_id"
			  "  AND r.id = c.relation_id) AS relation_name,"
			  " (SELECT s.name FROM surveys s WHERE s.org_id = c.org_id"
			  "  AND s.id = c.survey_id) AS survey_name"
			  " FROM survey_cases c JOIN users u ON u.org_id = c.org_id"
			  " AND u.id = c.assignee_id AND u.disabled_at IS NULL"
			  " JOIN orgs o ON o.org_id = c.org_id WHERE c.org_id = ? AND c.id = ?",
			  DB_ARGS(DB_I(org), DB_I(id)));
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1)
		c = db_row_json(r);
	db_rows_free(r);
	if (rc <= 0)
		return rc == 0 ? BRUG_ENOTFOUND : rc;
	if ((rc = survey_answers_json(db, org, jx_int(c, "invitation_id", 0), jx_str(c, "lang"),
				      &answers))) {
		json_decref(c);
		return rc;
	}
	json_object_set_new(c, "answers", answers);
	*out = c;
	return 0;
}

#define MINE_COLUMNS                                                                               \
	"i.id, i.survey_id, (SELECT s.name FROM surveys s WHERE s.org_id = i.org_id"               \
	" AND s.id = i.survey_id) AS survey_name, i.relation_id,"                                  \
	" (SELECT r.name FROM relations r WHERE r.org_id = i.org_id AND r.id = i.relation_id)"    \
	" AS relation_name, i.channel, i.answered_at,"                                             \
	" (SELECT a.score FROM survey_answers a JOIN survey_questions q ON q.org_id = a.org_id"    \
	" AND q.id = a.question_id WHERE a.org_id = i.org_id AND a.invitation_id = i.id"          \
	" AND q.type = 'nps' ORDER BY q.position LIMIT 1) AS nps,"                                 \
	" (SELECT c.id FROM survey_cases c WHERE c.org_id = i.org_id AND c.invitation_id = i.id)" \
	" AS case_id"

int survey_feedback_mine(struct db *db, int64_t org, int64_t user, const char *lang,
			 struct listing page, json_t **out)
{
	json_t *list = NULL;
	int rc = listing_query(db, MINE_COLUMNS,
			       " FROM survey_invitations i WHERE i.org_id = ? AND i.handler_id = ?"
			       " AND i.answered_at IS NOT NULL",
			       "ORDER BY i.answered_at DESC, i.id DESC",
			       DB_ARGS(DB_I(org), DB_I(user)), page, &list);
	if (rc)
		return rc;
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(list, "items"), i, it) {
		json_t *answers = NULL;
		if ((rc = survey_answers_json(db, org, jx_int(it, "id", 0), lang, &answers)))
			break;
		json_object_set_new(it, "answers", answers);
	}
	if (rc) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* API tests for follow-up cases: who may read and change them, 404 for
 * another organisation, 422 for a bad status move, notes, the metrics,
 * /feedback/mine, feedback and cases on the relation's timeline, the
 * pages and their forms, and the case.notify mail (the job run directly).
 * Cases are opened as the answer path does: an invitation row, its
 * answers, survey_case_open. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#include "domain/survey_case.h"
#include "jobs/case_notify.h"
#include "util/clock.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int64_t survey_id, rel_mgr, rel_emp, case_mgr, case_emp, inv_emp;

static int64_t q_int(struct harness *h, const char *sql, const struct db_arg *args, size_t n)
{
	int64_t v = 0;
	assert_int_equal(db_int_query(h->db, &v, sql, args, n), 0);
	return v;
}

static int64_t relation(struct harness *h, const char *name, int64_t owner)
{
	int64_t now = clock_now_ms();
	return q_int(h,
		     "INSERT INTO relations (org_id, kind, name, sort_key, owner_id, created_at,"
		     " updated_at) VALUES (?, 'person', ?, ?, ?, ?, ?) RETURNING id",
		     DB_ARGS(DB_I(h->org), DB_T(name), DB_T(name), DB_I(owner), DB_I(now), DB_I(now)));
}

/* An answered invitation of rel handled by the employee, NPS score and an
 * open answer; then the case, as the answer path opens it. */
static int64_t detractor(struct harness *h, int64_t rel, int score, const char *text,
			 int64_t *inv_out)
{
	int64_t now = clock_now_ms();
	int64_t inv = q_int(h,
			    "INSERT INTO survey_invitations (org_id, survey_id, relation_id, handler_id,"
			    " status, channel, sent_at, answered_at, expires_at, created_at, updated_at)"
			    " VALUES (?, ?, ?, ?, 'sent', 'phone', ?, ?, ?, ?, ?) RETURNING id",
			    DB_ARGS(DB_I(h->org), DB_I(survey_id), DB_I(rel), DB_I(h->user[AS_EMPLOYEE]),
				    DB_I(now), DB_I(now), DB_I(now + 1000000), DB_I(now), DB_I(now)));
	int64_t nps = q_int(h,
			    "SELECT id FROM survey_questions WHERE org_id = ? AND survey_id = ?"
			    " AND type = 'nps'",
			    DB_ARGS(DB_I(h->org), DB_I(survey_id)));
	int64_t txt = q_int(h,
			    "SELECT MIN(id) FROM survey_questions WHERE org_id = ? AND survey_id = ?"
			    " AND type = 'text'",
			    DB_ARGS(DB_I(h->org), DB_I(survey_id)));
	assert_int_equal(db_exec(h->db,
				 "INSERT INTO survey_answers (org_id, invitation_id, question_id, score,"
				 " answered_at) VALUES (?, ?, ?, ?, ?)",
				 DB_ARGS(DB_I(h->org), DB_I(inv), DB_I(nps), DB_I(score), DB_I(now))),
			 0);
	assert_int_equal(db_exec(h->db,
				 "INSERT INTO survey_answers (org_id, invitation_id, question_id, text,"
				 " answered_at) VALUES (?, ?, ?, ?, ?)",
				 DB_ARGS(DB_I(h->org), DB_I(inv), DB_I(txt), DB_T(text), DB_I(now))),
			 0);
	int64_t id = 0;
	assert_int_equal(db_begin(h->db), 0);
	assert_int_equal(survey_case_open(h->db, h->org, inv, score, &id, NULL), 0);
	assert_int_equal(db_commit(h->db), 0);
	if (inv_out)
		*inv_out = inv;
	return id;
}

static void test_setup_cases(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_MANAGER, "POST", "/api/v1/surveys", NULL,
	       "{\"template\":\"nps_relationship\",\"name\":\"NPS 2026\"}", NULL, &r);
	check_status(&r, 201);
	survey_id = json_int_at(&r, "id");
	result_free(&r);
	rel_mgr = relation(h, "Mgr Klant", h->user[AS_MANAGER]);
	rel_emp = relation(h, "Piet Klant", h->user[AS_EMPLOYEE]);
	case_mgr = detractor(h, rel_mgr, 2, "Slecht", NULL);
	case_emp = detractor(h, rel_emp, 3, "Niemand belde terug", &inv_emp);
}

static void test_read(void **state)
{
	struct harness *h = *state;
	char one[64], mine[96], other[64];
	snprintf(one, sizeof(one), "/api/v1/cases/%lld", (long long)case_emp);
	snprintf(other, sizeof(other), "/api/v1/cases/%lld", (long long)case_mgr);
	snprintf(mine, sizeof(mine), "/api/v1/cases?assignee=all&survey_id=%lld",
		 (long long)survey_id);
	const struct api_case cases[] = {
		/* an employee sees their own by default, a manager everyone's */
		{AS_EMPLOYEE, "GET", "/api/v1/cases", NULL, 200, "total", "1"},
		{AS_EMPLOYEE, "GET", "/api/v1/cases", NULL, 200, "items.0.relation_name", "Piet Klant"},
		{AS_MANAGER, "GET", "/api/v1/cases", NULL, 200, "total", "2"},
		{AS_EMPLOYEE, "GET", mine, NULL, 200, "total", "2"},
		{AS_MANAGER, "GET", "/api/v1/cases?status=resolved", NULL, 200, "total", "0"},
		{AS_MANAGER, "GET", "/api/v1/cases?overdue=1", NULL, 200, "total", "0"},
		/* any employee may read any case of the org */
		{AS_EMPLOYEE, "GET", other, NULL, 200, "score", "2"},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "answers.0.type", "nps"},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "answers.1.text", "Niemand belde terug"},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "survey_name", "NPS 2026"},
		{AS_EMPLOYEE, "GET", one, NULL, 200, "status", "open"},
		{AS_OTHER, "GET", one, NULL, 404, "error", "not_found"},
		{AS_OTHER, "GET", "/api/v1/cases", NULL, 200, "total", "0"},
		{AS_ANON, "GET", "/api/v1/cases", NULL, 401, "error", "unauthenticated"},
		{AS_EMPLOYEE, "GET", "/api/v1/cases/999999", NULL, 404, "error", "not_found"},
		{AS_MANAGER, "GET", "/api/v1/cases/metrics", NULL, 200, "opened", "2"},
		{AS_MANAGER, "GET", "/api/v1/cases/metrics", NULL, 200, "open_now", "2"},
		{AS_MANAGER, "GET", "/api/v1/cases/metrics?days=7", NULL, 200, "days", "7"},
		{AS_OTHER, "GET", "/api/v1/cases/metrics", NULL, 200, "opened", "0"},
		{AS_EMPLOYEE, "GET", "/api/v1/feedback/mine", NULL, 200, "total", "2"},
		{AS_EMPLOYEE, "GET", "/api/v1/feedback/mine", NULL, 200, "items.0.nps", "3"},
		{AS_MANAGER, "GET", "/api/v1/feedback/mine", NULL, 200, "total", "0"},
	};
	run_cases(h, cases, N(cases));
}

static void test_change(void **state)
{
	struct harness *h = *state;
	char emp[64], mgr[64], emp_notes[80], mgr_notes[80], body[96];
	snprintf(emp, sizeof(emp), "/api/v1/cases/%lld", (long long)case_emp);
	snprintf(mgr, sizeof(mgr), "/api/v1/cases/%lld", (long long)case_mgr);
	snprintf(emp_notes, sizeof(emp_notes), "%s/notes", emp);
	snprintf(mgr_notes, sizeof(mgr_notes), "%s/notes", mgr);
	snprintf(body, sizeof(body), "{\"assignee_id\":%lld}", (long long)h->user[AS_OTHER]);
	const struct api_case cases[] = {
		{AS_EMPLOYEE, "PATCH", emp, "{\"status\":\"done\"}", 422, "fields.status", NULL},
		{AS_EMPLOYEE, "PATCH", emp, "{\"status\":\"resolved\"}", 422, "fields.status",
		 "Deze stap kan niet: open gaat naar contact gehad, dan naar afgerond; heropenen kan altijd."},
		{AS_EMPLOYEE, "PATCH", emp, "{\"status\":3}", 422, "fields.status", NULL},
		{AS_EMPLOYEE, "PATCH", emp, body, 422, "fields.assignee_id", NULL},
		/* the employee is not the manager's case's assignee */
		{AS_EMPLOYEE, "PATCH", mgr, "{\"status\":\"contacted\"}", 403, "error", "forbidden"},
		{AS_EMPLOYEE, "POST", mgr_notes, "{\"body\":\"Gebeld\"}", 403, "error", "forbidden"},
		{AS_OTHER, "PATCH", emp, "{\"status\":\"contacted\"}", 404, "error", "not_found"},
		{AS_OTHER, "POST", emp_notes, "{\"body\":\"x\"}", 404, "error", "not_found"},
		{AS_EMPLOYEE, "PATCH", emp, "{\"status\":\"contacted\"}", 200, "status", "contacted"},
		{AS_EMPLOYEE, "PATCH", emp, "{\"status\":\"resolved\"}", 200, "status", "resolved"},
		{AS_EMPLOYEE, "PATCH", emp, "{\"status\":\"open\"}", 200, "resolved_at", "null"},
		{AS_ADMIN, "PATCH", mgr, "{\"status\":\"contacted\"}", 200, "status", "contacted"},
		{AS_EMPLOYEE, "POST", emp_notes, "{\"body\":\"\"}", 422, "fields.body", NULL},
		{AS_EMPLOYEE, "POST", emp_notes, "{}", 422, "fields.body", NULL},
		{AS_EMPLOYEE, "POST", emp_notes, "{\"body\":\"*Teruggebeld*\"}", 201, "notes.0.body_html",
		 "<p><em>Teruggebeld</em></p>\n"},
		{AS_MANAGER, "POST", emp_notes, "{\"body\":\"Goed zo\"}", 201, "notes.1.user_name", NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/cases?status=contacted&assignee=all", NULL, 200, "total",
		 "1"},
	};
	run_cases(h, cases, N(cases));
	/* reassign the employee's case to the manager: the employee may no more */
	snprintf(body, sizeof(body), "{\"assignee_id\":%lld}", (long long)h->user[AS_MANAGER]);
	const struct api_case after[] = {
		{AS_EMPLOYEE, "PATCH", emp, body, 200, "assignee_id", NULL},
		{AS_EMPLOYEE, "PATCH", emp, "{\"status\":\"contacted\"}", 403, "error", "forbidden"},
	};
	run_cases(h, after, N(after));
	struct result r;
	h_call(h, AS_MANAGER, "GET", emp, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	assert_int_equal(json_int_at(&r, "assignee_id"), h->user[AS_MANAGER]);
	result_free(&r);
	/* changes and notes are audited */
	assert_true(q_int(h, "SELECT COUNT(*) FROM audit_log WHERE org_id = ? AND action = 'case.update'",
			  DB_ARGS(DB_I(h->org))) >= 5);
	assert_int_equal(q_int(h, "SELECT COUNT(*) FROM audit_log WHERE org_id = ?"
				  " AND action = 'case.note'",
			       DB_ARGS(DB_I(h->org))),
			 2);
}

static void test_timeline(void **state)
{
	struct harness *h = *state;
	char rel[64];
	snprintf(rel, sizeof(rel), "/api/v1/relations/%lld", (long long)rel_emp);
	struct result r;
	h_call(h, AS_EMPLOYEE, "GET", rel, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	bool fb = false, cs = false;
	size_t i;
	json_t *it;
	json_array_foreach(jpath(r.json, "timeline.items"), i, it) {
		const char *item = json_string_value(json_object_get(it, "item"));
		if (!strcmp(item, "feedback")) {
			fb = true;
			assert_int_equal(json_integer_value(json_object_get(it, "score")), 3);
			assert_int_equal(json_integer_value(json_object_get(it, "case_id")), case_emp);
			assert_string_equal(json_string_value(json_object_get(it, "title")), "NPS 2026");
		} else if (!strcmp(item, "case")) {
			cs = true;
			assert_int_equal(json_integer_value(json_object_get(it, "id")), case_emp);
		}
	}
	assert_true(fb && cs);
	result_free(&r);
	/* a channel filter keeps interactions only */
	char f[96];
	snprintf(f, sizeof(f), "%s?channel=phone", rel);
	h_call(h, AS_EMPLOYEE, "GET", f, NULL, NULL, NULL, &r);
	check_json(&r, "timeline.total", "0");
	result_free(&r);
	/* the employee filter: the manager handled none of it, but the case is
	 * now theirs */
	snprintf(f, sizeof(f), "%s?user_id=%lld", rel, (long long)h->user[AS_MANAGER]);
	h_call(h, AS_EMPLOYEE, "GET", f, NULL, NULL, NULL, &r);
	check_json(&r, "timeline.total", "1");
	check_json(&r, "timeline.items.0.item", "case");
	result_free(&r);
}

static void test_pages(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_SESSION, "GET", "/cases", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "Opvolging");
	check_body(&r, "Piet Klant");
	check_body(&r, "Op tijd afgerond");
	result_free(&r);
	char page[64];
	snprintf(page, sizeof(page), "/cases/%lld", (long long)case_mgr);
	h_call(h, AS_SESSION, "GET", page, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "Slecht");
	check_body(&r, "Afronden");
	result_free(&r);
	h_form(h, AS_SESSION, NULL, page, "status=resolved", &r);
	check_status(&r, 303);
	result_free(&r);
	h_form(h, AS_SESSION, NULL, page, "status=contacted", &r);
	check_status(&r, 422);
	check_body(&r, "Deze stap kan niet");
	result_free(&r);
	char notes[80];
	snprintf(notes, sizeof(notes), "%s/notes", page);
	h_form(h, AS_SESSION, NULL, notes, "body=", &r);
	check_status(&r, 422);
	result_free(&r);
	h_form(h, AS_SESSION, NULL, notes, "body=Klant+tevreden", &r);
	check_status(&r, 303);
	result_free(&r);
	h_call(h, AS_SESSION, "GET", page, NULL, NULL, NULL, &r);
	check_body(&r, "Klant tevreden");
	check_body(&r, "Afgerond");
	result_free(&r);
	h_call(h, AS_SESSION, "GET", "/feedback/mine", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "Mijn feedback");
	result_free(&r);
}

static void test_notify(void **state)
{
	struct harness *h = *state;
	struct job_env env;
	struct brug_err err = {0};
	assert_int_equal(job_env_init(&env, h->db, &h->cfg, &err), 0);
	int64_t rel = relation(h, "Jan Jansen", h->user[AS_EMPLOYEE]);
	int64_t id = detractor(h, rel, 4, "Duurde te lang", NULL);
	char payload[64];
	snprintf(payload, sizeof(payload), "{\"case_id\":%lld}", (long long)id);
	struct job j = {.org_id = h->org, .kind = "case.notify"};
	json_t *p = json_loads(payload, 0, NULL);
	struct job_ctx c = {.db = h->db, .job = &j, .payload = p, .cfg = &h->cfg, .env = &env};
	assert_int_equal(job_case_notify(&c), 0);
	/* a retried job queues nothing twice */
	assert_int_equal(job_case_notify(&c), 0);
	assert_int_equal(q_int(h, "SELECT COUNT(*) FROM mail_outbox WHERE org_id = ? AND kind = 'case'"
				  " AND ref_id = ?",
			       DB_ARGS(DB_I(h->org), DB_I(id))),
			 1);
	char *to = NULL, *subject = NULL, *msg = NULL;
	assert_int_equal(db_text_query(h->db, &to, "SELECT to_addr FROM mail_outbox WHERE ref_id = ?"
				       " AND kind = 'case'", DB_ARGS(DB_I(id))), 0);
	assert_int_equal(db_text_query(h->db, &subject, "SELECT subject FROM mail_outbox"
				       " WHERE ref_id = ? AND kind = 'case'", DB_ARGS(DB_I(id))), 0);
	assert_int_equal(db_text_query(h->db, &msg, "SELECT message FROM mail_outbox"
				       " WHERE ref_id = ? AND kind = 'case'", DB_ARGS(DB_I(id))), 0);
	assert_string_equal(to, "employee@one.example");
	assert_string_equal(subject, "Opvolging nodig: Jan Jansen gaf 4");
	char link[64];
	snprintf(link, sizeof(link), "/cases/%lld", (long long)id);
	assert_non_null(strstr(msg, link));
	assert_non_null(strstr(msg, "Duurde te lang"));
	assert_non_null(strstr(msg, "multipart/alternative"));
	/* and a mail.send job to deliver it */
	assert_true(q_int(h, "SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send'", NULL, 0) >= 1);
	free(to);
	free(subject);
	free(msg);
	/* the assignee's own language */
	assert_int_equal(db_exec(h->db, "UPDATE users SET lang = 'en' WHERE id = ?",
				 DB_ARGS(DB_I(h->user[AS_EMPLOYEE]))),
			 0);
	int64_t id2 = detractor(h, rel, 0, "Bad", NULL);
	json_decref(p);
	snprintf(payload, sizeof(payload), "{\"case_id\":%lld}", (long long)id2);
	c.payload = p = json_loads(payload, 0, NULL);
	assert_int_equal(job_case_notify(&c), 0);
	assert_int_equal(db_text_query(h->db, &subject, "SELECT subject FROM mail_outbox"
				       " WHERE ref_id = ? AND kind = 'case'", DB_ARGS(DB_I(id2))), 0);
	assert_string_equal(subject, "Follow-up needed: Jan Jansen gave 0");
	free(subject);
	/* a case that is gone: done, no mail */
	json_decref(p);
	c.payload = p = json_loads("{\"case_id\":999999}", 0, NULL);
	assert_int_equal(job_case_notify(&c), 0);
	json_decref(p);
	job_env_cleanup(&env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setup_cases), cmocka_unit_test(test_read),
		cmocka_unit_test(test_change),      cmocka_unit_test(test_timeline),
		cmocka_unit_test(test_pages),       cmocka_unit_test(test_notify),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

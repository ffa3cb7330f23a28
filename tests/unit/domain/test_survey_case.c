/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/domain/survey_case.c and survey_case_read.c: who gets a
 * case, its deadline over a weekend and a DST change, opening twice, the
 * status moves and who may make them, notes, the list order, the loop
 * metrics' arithmetic, and each employee's own feedback. Cases are opened
 * the way the answer path does: an invitation, its answers, then
 * survey_case_open. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#include "core/rc.h"
#include "domain/survey.h"
#include "domain/survey_case.h"
#include "util/clock.h"
#include "util/jx.h"

#define HOUR_MS (3600 * 1000LL)
#define DAY_MS (24 * HOUR_MS)

struct world {
	int64_t a, b, ann, bob, eve, cas, survey, nps_q, text_q;
	struct actor ann_a, bob_a, eve_a, cas_b;
};

static int64_t relation(struct fx *f, int64_t org, const char *name, int64_t owner)
{
	int64_t now = clock_now_ms();
	return fx_int(f,
		      "INSERT INTO relations (org_id, kind, name, sort_key, owner_id, created_at,"
		      " updated_at) VALUES (?, 'person', ?, ?, ?, ?, ?) RETURNING id",
		      DB_ARGS(DB_I(org), DB_T(name), DB_T(name), DB_I0(owner), DB_I(now), DB_I(now)));
}

/* ann: manager and the survey's owner; bob: employee who owns relations;
 * eve: another employee; cas: admin of organisation b. */
static struct world world(struct fx *f)
{
	struct world w = {0};
	w.a = fx_org(f, "Acme");
	w.b = fx_org(f, "Bolt");
	w.ann = fx_user(f, w.a, "ann@acme.nl", "Ann", ROLE_MANAGER);
	w.bob = fx_user(f, w.a, "bob@acme.nl", "Bob", ROLE_EMPLOYEE);
	w.eve = fx_user(f, w.a, "eve@acme.nl", "Eve", ROLE_EMPLOYEE);
	w.cas = fx_user(f, w.b, "cas@bolt.nl", "Cas", ROLE_ADMIN);
	w.ann_a = fx_actor(w.a, w.ann, "ann@acme.nl", "192.0.2.1");
	w.bob_a = fx_actor(w.a, w.bob, "bob@acme.nl", "192.0.2.2");
	w.eve_a = fx_actor(w.a, w.eve, "eve@acme.nl", "192.0.2.3");
	w.cas_b = fx_actor(w.b, w.cas, "cas@bolt.nl", "192.0.2.4");
	struct survey_fields sf = {.name = "NPS 2026", .owner_id = w.ann};
	struct brug_err err = {0};
	assert_int_equal(survey_create(f->db, &w.ann_a, &sf, "nps_relationship", &w.survey, &err), 0);
	w.nps_q = fx_int(f, "SELECT id FROM survey_questions WHERE org_id = ? AND survey_id = ?"
			    " AND type = 'nps'",
			 DB_ARGS(DB_I(w.a), DB_I(w.survey)));
	w.text_q = fx_int(f, "SELECT MIN(id) FROM survey_questions WHERE org_id = ?"
			     " AND survey_id = ? AND type = 'text'",
			  DB_ARGS(DB_I(w.a), DB_I(w.survey)));
	return w;
}

/* An answered invitation of relation (0: none) handled by handler (0:
 * none) with an NPS score and an open answer; its id. */
static int64_t answered(struct fx *f, const struct world *w, int64_t rel, int64_t handler,
			int score, const char *text)
{
	int64_t now = clock_now_ms();
	int64_t inv = fx_int(f,
			     "INSERT INTO survey_invitations (org_id, survey_id, relation_id,"
			     " handler_id, status, channel, sent_at, answered_at, expires_at,"
			     " created_at, updated_at) VALUES (?, ?, ?, ?, 'sent', 'phone', ?, ?, ?, ?, ?)"
			     " RETURNING id",
			     DB_ARGS(DB_I(w->a), DB_I(w->survey), DB_I0(rel), DB_I0(handler), DB_I(now),
				     DB_I(now), DB_I(now + 30 * DAY_MS), DB_I(now), DB_I(now)));
	assert_int_equal(db_exec(f->db,
				 "INSERT INTO survey_answers (org_id, invitation_id, question_id, score,"
				 " answered_at) VALUES (?, ?, ?, ?, ?)",
				 DB_ARGS(DB_I(w->a), DB_I(inv), DB_I(w->nps_q), DB_I(score), DB_I(now))),
			 0);
	if (text)
		assert_int_equal(db_exec(f->db,
					 "INSERT INTO survey_answers (org_id, invitation_id,"
					 " question_id, text, answered_at) VALUES (?, ?, ?, ?, ?)",
					 DB_ARGS(DB_I(w->a), DB_I(inv), DB_I(w->text_q), DB_T(text),
						 DB_I(now))),
				 0);
	return inv;
}

/* A detractor's case, opened as the answer path does (in a transaction). */
static int64_t open_case(struct fx *f, const struct world *w, int64_t rel, int score)
{
	int64_t inv = answered(f, w, rel, w->bob, score, "Te laat teruggebeld");
	int64_t id = 0;
	bool opened = false;
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(survey_case_open(f->db, w->a, inv, score, &id, &opened), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_true(opened);
	return id;
}

static int64_t assignee_of(struct fx *f, int64_t org, int64_t id)
{
	return fx_int(f, "SELECT COALESCE(assignee_id, 0) FROM survey_cases WHERE org_id = ? AND id = ?",
		      DB_ARGS(DB_I(org), DB_I(id)));
}

static void test_due(void **state)
{
	(void)state;
	int64_t fri = 0, want = 0, mon = 0;
	/* Friday 23 October 2026, 10:00 in Amsterdam (summer time, UTC+2);
	 * two working days later is Tuesday 27 October, 10:00 (winter time,
	 * UTC+1): the clocks went back on Sunday the 25th */
	assert_true(clock_parse_iso8601("2026-10-23T08:00:00Z", &fri));
	assert_true(clock_parse_iso8601("2026-10-27T09:00:00Z", &want));
	assert_int_equal(survey_case_due("Europe/Amsterdam", fri, 2), want);
	assert_int_equal(survey_case_due(NULL, fri, 2), want);
	/* Monday 09:00 + 2 is Wednesday 09:00; Saturday counts from Monday */
	assert_true(clock_parse_iso8601("2026-03-02T08:00:00Z", &mon));
	assert_int_equal(survey_case_due("Europe/Amsterdam", mon, 2), mon + 2 * DAY_MS);
	int64_t sat = 0;
	assert_true(clock_parse_iso8601("2026-03-07T08:00:00Z", &sat));
	assert_int_equal(survey_case_due("Europe/Amsterdam", sat, 1), sat + 2 * DAY_MS);
}

static void test_assignee(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t owned = relation(f, w.a, "Piet", w.bob);
	int64_t unowned = relation(f, w.a, "Kees", 0);
	int64_t jobs0 = fx_rows(f, "jobs");
	/* the relation's owner */
	int64_t c1 = open_case(f, &w, owned, 3);
	assert_int_equal(assignee_of(f, w.a, c1), w.bob);
	/* no owner: the survey's owner */
	int64_t c2 = open_case(f, &w, unowned, 5);
	assert_int_equal(assignee_of(f, w.a, c2), w.ann);
	/* the owner is disabled: the survey's owner */
	assert_int_equal(db_exec(f->db, "UPDATE users SET disabled_at = 1 WHERE id = ?",
				 DB_ARGS(DB_I(w.bob))),
			 0);
	int64_t c3 = open_case(f, &w, owned, 0);
	assert_int_equal(assignee_of(f, w.a, c3), w.ann);
	/* a case.notify job per case with an assignee */
	assert_int_equal(fx_rows(f, "jobs") - jobs0, 3);
	/* nobody at all: no assignee and no mail */
	assert_int_equal(db_exec(f->db, "UPDATE surveys SET owner_id = NULL WHERE id = ?",
				 DB_ARGS(DB_I(w.survey))),
			 0);
	int64_t c4 = open_case(f, &w, unowned, 6);
	assert_int_equal(assignee_of(f, w.a, c4), 0);
	assert_int_equal(fx_rows(f, "jobs") - jobs0, 3);
}

static void test_idempotent(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t rel = relation(f, w.a, "Piet", w.bob);
	int64_t inv = answered(f, &w, rel, w.bob, 2, NULL);
	int64_t id1 = 0, id2 = 0, jobs0 = fx_rows(f, "jobs");
	bool o1 = false, o2 = true;
	assert_int_equal(survey_case_open(f->db, w.a, inv, 2, &id1, &o1), 0);
	/* the customer changes the score to 4: the case stays as it is */
	assert_int_equal(survey_case_open(f->db, w.a, inv, 4, &id2, &o2), 0);
	assert_true(o1);
	assert_false(o2);
	assert_int_equal(id1, id2);
	assert_int_equal(fx_rows(f, "survey_cases"), 1);
	assert_int_equal(fx_int(f, "SELECT score FROM survey_cases WHERE id = ?", DB_ARGS(DB_I(id1))),
			 2);
	assert_int_equal(fx_rows(f, "jobs") - jobs0, 1);
}

static const char *status_of(struct fx *f, int64_t id)
{
	static char s[16];
	char *t = fx_text(f, "SELECT status FROM survey_cases WHERE id = ?", DB_ARGS(DB_I(id)));
	snprintf(s, sizeof(s), "%s", t);
	free(t);
	return s;
}

static void test_status_flow(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t rel = relation(f, w.a, "Piet", w.bob);
	int64_t id = open_case(f, &w, rel, 4);
	struct brug_err err = {0};
	struct survey_case_change to = {.assignee_id = -1};
	/* open -> resolved skips the contact */
	to.status = "resolved";
	assert_int_equal(survey_case_update(f->db, &w.bob_a, ROLE_EMPLOYEE, id, &to, &err),
			 BRUG_EVALIDATION);
	assert_string_equal(err.key, "error.case_status");
	assert_string_equal(err.field, "status");
	/* an unknown status */
	to.status = "closed";
	assert_int_equal(survey_case_update(f->db, &w.bob_a, ROLE_EMPLOYEE, id, &to, &err),
			 BRUG_EVALIDATION);
	/* eve is neither the assignee nor a manager */
	to.status = "contacted";
	assert_int_equal(survey_case_update(f->db, &w.eve_a, ROLE_EMPLOYEE, id, &to, &err),
			 BRUG_EFORBIDDEN);
	/* another organisation's admin does not see it */
	assert_int_equal(survey_case_update(f->db, &w.cas_b, ROLE_ADMIN, id, &to, &err),
			 BRUG_ENOTFOUND);
	assert_string_equal(status_of(f, id), "open");
	/* the assignee marks it contacted */
	int64_t mark = fx_audit_mark(f);
	assert_int_equal(survey_case_update(f->db, &w.bob_a, ROLE_EMPLOYEE, id, &to, &err), 0);
	fx_audit_one(f, mark, w.a, "case.update", "case", id, w.bob, "bob@acme.nl", "192.0.2.2",
		     "{\"from\":\"open\",\"status\":\"contacted\"}");
	assert_string_equal(status_of(f, id), "contacted");
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM survey_cases WHERE id = ?"
				   " AND contacted_at IS NOT NULL AND resolved_at IS NULL",
				DB_ARGS(DB_I(id))),
			 1);
	/* the same status again changes nothing and writes no audit line */
	mark = fx_audit_mark(f);
	assert_int_equal(survey_case_update(f->db, &w.bob_a, ROLE_EMPLOYEE, id, &to, &err), 0);
	fx_audit_none(f, mark);
	/* a manager resolves it */
	to.status = "resolved";
	assert_int_equal(survey_case_update(f->db, &w.ann_a, ROLE_MANAGER, id, &to, &err), 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM survey_cases WHERE id = ?"
				   " AND status = 'resolved' AND resolved_at IS NOT NULL",
				DB_ARGS(DB_I(id))),
			 1);
	/* resolved -> contacted is no move; a reopen is */
	to.status = "contacted";
	assert_int_equal(survey_case_update(f->db, &w.bob_a, ROLE_EMPLOYEE, id, &to, &err),
			 BRUG_EVALIDATION);
	to.status = "open";
	assert_int_equal(survey_case_update(f->db, &w.bob_a, ROLE_EMPLOYEE, id, &to, &err), 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM survey_cases WHERE id = ?"
				   " AND status = 'open' AND resolved_at IS NULL AND contacted_at IS NULL",
				DB_ARGS(DB_I(id))),
			 1);
	/* reassign: to a disabled user no, to eve yes; then bob may no more */
	assert_int_equal(db_exec(f->db, "UPDATE users SET disabled_at = 1 WHERE id = ?",
				 DB_ARGS(DB_I(w.ann))),
			 0);
	struct survey_case_change re = {.assignee_id = w.ann};
	assert_int_equal(survey_case_update(f->db, &w.bob_a, ROLE_EMPLOYEE, id, &re, &err),
			 BRUG_EVALIDATION);
	assert_string_equal(err.field, "assignee_id");
	re.assignee_id = w.cas; /* another organisation's user */
	assert_int_equal(survey_case_update(f->db, &w.bob_a, ROLE_EMPLOYEE, id, &re, &err),
			 BRUG_EVALIDATION);
	re.assignee_id = w.eve;
	mark = fx_audit_mark(f);
	assert_int_equal(survey_case_update(f->db, &w.bob_a, ROLE_EMPLOYEE, id, &re, &err), 0);
	char d[64];
	snprintf(d, sizeof(d), "{\"assignee_id\":%lld}", (long long)w.eve);
	fx_audit_one(f, mark, w.a, "case.update", "case", id, w.bob, "bob@acme.nl", "192.0.2.2", d);
	assert_int_equal(assignee_of(f, w.a, id), w.eve);
	to.status = "contacted";
	assert_int_equal(survey_case_update(f->db, &w.bob_a, ROLE_EMPLOYEE, id, &to, &err),
			 BRUG_EFORBIDDEN);
}

static void test_notes(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t id = open_case(f, &w, relation(f, w.a, "Piet", w.bob), 1);
	struct brug_err err = {0};
	int64_t note = 0;
	assert_int_equal(survey_case_note_add(f->db, &w.bob_a, ROLE_EMPLOYEE, id, "", &note, &err),
			 BRUG_EVALIDATION);
	assert_string_equal(err.field, "body");
	assert_int_equal(survey_case_note_add(f->db, &w.eve_a, ROLE_EMPLOYEE, id, "Gebeld", &note,
					      &err),
			 BRUG_EFORBIDDEN);
	int64_t mark = fx_audit_mark(f);
	assert_int_equal(survey_case_note_add(f->db, &w.bob_a, ROLE_EMPLOYEE, id,
					      "**Gebeld**, excuses <script>x</script>", &note, &err),
			 0);
	char d[64];
	snprintf(d, sizeof(d), "{\"note_id\":%lld}", (long long)note);
	assert_true(note > 0);
	fx_audit_one(f, mark, w.a, "case.note", "case", id, w.bob, "bob@acme.nl", "192.0.2.2", d);
	json_t *c = NULL;
	assert_int_equal(survey_case_get(f->db, w.a, id, "en", &c), 0);
	json_t *n = json_array_get(json_object_get(c, "notes"), 0);
	assert_string_equal(jx_str(n, "user_name"), "Bob");
	const char *html = jx_str(n, "body_html");
	assert_non_null(strstr(html, "<strong>Gebeld</strong>"));
	assert_null(strstr(html, "<script>"));
	/* the answers, question texts in the reader's language */
	json_t *a0 = json_array_get(json_object_get(c, "answers"), 0);
	assert_string_equal(jx_str(a0, "type"), "nps");
	assert_int_equal(jx_int(a0, "score", -1), 1);
	json_t *a1 = json_array_get(json_object_get(c, "answers"), 1);
	assert_string_equal(jx_str(a1, "question"), "What is the main reason for your score?");
	assert_string_equal(jx_str(a1, "text"), "Te laat teruggebeld");
	assert_string_equal(jx_str(c, "relation_name"), "Piet");
	assert_string_equal(jx_str(c, "survey_name"), "NPS 2026");
	json_decref(c);
	assert_int_equal(survey_case_get(f->db, w.b, id, "en", &c), BRUG_ENOTFOUND);
}

/* Sets a case's times (ms) directly: the metrics read nothing else. */
static void times(struct fx *f, int64_t id, int64_t created, int64_t due, int64_t resolved)
{
	assert_int_equal(db_exec(f->db,
				 "UPDATE survey_cases SET created_at = ?, due_at = ?, resolved_at = ?,"
				 " status = CASE WHEN ? = 0 THEN 'open' ELSE 'resolved' END WHERE id = ?",
				 DB_ARGS(DB_I(created), DB_I(due), DB_I0(resolved), DB_I(resolved),
					 DB_I(id))),
			 0);
}

static void test_metrics(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t rel = relation(f, w.a, "Piet", w.bob);
	int64_t now = clock_now_ms(), from = now - 90 * DAY_MS;
	int64_t c[6];
	for (int i = 0; i < 6; i++)
		c[i] = open_case(f, &w, rel, i);
	/* in time after 10 hours; in time after 30 hours; late after 60 hours */
	times(f, c[0], now - 10 * DAY_MS, now - 8 * DAY_MS, now - 10 * DAY_MS + 10 * HOUR_MS);
	times(f, c[1], now - 9 * DAY_MS, now - 7 * DAY_MS, now - 9 * DAY_MS + 30 * HOUR_MS);
	times(f, c[2], now - 8 * DAY_MS, now - 8 * DAY_MS + 48 * HOUR_MS,
	      now - 8 * DAY_MS + 60 * HOUR_MS);
	/* unresolved and overdue: counts as not in time */
	times(f, c[3], now - 5 * DAY_MS, now - 3 * DAY_MS, 0);
	/* unresolved and not yet due: not judged */
	times(f, c[4], now - HOUR_MS, now + DAY_MS, 0);
	/* before the period: none of its numbers, but open now */
	times(f, c[5], now - 200 * DAY_MS, now - 198 * DAY_MS, 0);
	struct survey_case_metrics m;
	assert_int_equal(survey_case_metrics_get(f->db, w.a, 0, from, now, now, &m), 0);
	assert_int_equal(m.opened, 5);
	assert_int_equal(m.due, 4);
	assert_int_equal(m.in_time, 2);
	assert_true(m.in_time_pct > 49.99 && m.in_time_pct < 50.01);
	assert_int_equal(m.closed, 3);
	assert_true(m.median_hours > 29.99 && m.median_hours < 30.01);
	assert_int_equal(m.open_now, 3);
	assert_int_equal(m.overdue_now, 2);
	/* another survey, another organisation: nothing */
	assert_int_equal(survey_case_metrics_get(f->db, w.a, w.survey + 1000, from, now, now, &m), 0);
	assert_int_equal(m.opened, 0);
	assert_true(m.in_time_pct < 0);
	assert_true(m.median_hours < 0);
	assert_int_equal(survey_case_metrics_get(f->db, w.b, 0, from, now, now, &m), 0);
	assert_int_equal(m.open_now, 0);
	/* the list: overdue first (oldest due first), then by due time */
	struct survey_case_filter lf = {.now = now};
	json_t *list = NULL;
	assert_int_equal(survey_case_list(f->db, w.a, &lf, &list), 0);
	json_t *items = json_object_get(list, "items");
	assert_int_equal(json_array_size(items), 6);
	assert_int_equal(jx_int(json_array_get(items, 0), "id", 0), c[5]);
	assert_int_equal(jx_int(json_array_get(items, 1), "id", 0), c[3]);
	assert_true(jx_bool(json_array_get(items, 1), "is_overdue", false));
	assert_false(jx_bool(json_array_get(items, 2), "is_overdue", true));
	json_decref(list);
	lf.overdue = true;
	assert_int_equal(survey_case_list(f->db, w.a, &lf, &list), 0);
	assert_int_equal(jx_int(list, "total", 0), 2);
	json_decref(list);
	lf = (struct survey_case_filter){.status = "resolved", .now = now};
	assert_int_equal(survey_case_list(f->db, w.a, &lf, &list), 0);
	assert_int_equal(jx_int(list, "total", 0), 3);
	json_decref(list);
}

static void test_median(void **state)
{
	(void)state;
	int64_t one[] = {7}, even[] = {40, 10, 30, 20}, odd[] = {5, 1, 3};
	assert_true(survey_case_median(NULL, 0) < 0);
	assert_true(survey_case_median(one, 1) == 7.0);
	assert_true(survey_case_median(even, 4) == 25.0);
	assert_true(survey_case_median(odd, 3) == 3.0);
}

static void test_feedback_mine(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t rel = relation(f, w.a, "Piet", w.bob);
	int64_t i1 = answered(f, &w, rel, w.bob, 9, "Prima geholpen");
	fx_shift(f, 1000);
	int64_t i2 = answered(f, &w, rel, w.bob, 3, "Niemand belde terug");
	answered(f, &w, rel, w.eve, 10, NULL);
	int64_t cid = 0;
	assert_int_equal(survey_case_open(f->db, w.a, i2, 3, &cid, NULL), 0);
	json_t *list = NULL;
	assert_int_equal(survey_feedback_mine(f->db, w.a, w.bob, "nl", (struct listing){0}, &list), 0);
	json_t *items = json_object_get(list, "items");
	assert_int_equal(json_array_size(items), 2);
	json_t *first = json_array_get(items, 0);
	assert_int_equal(jx_int(first, "id", 0), i2);
	assert_int_equal(jx_int(first, "nps", -1), 3);
	assert_int_equal(jx_int(first, "case_id", 0), cid);
	assert_string_equal(jx_str(first, "relation_name"), "Piet");
	json_t *second = json_array_get(items, 1);
	assert_int_equal(jx_int(second, "id", 0), i1);
	assert_true(json_is_null(json_object_get(second, "case_id")));
	assert_string_equal(jx_str(json_array_get(json_object_get(second, "answers"), 1), "text"),
			    "Prima geholpen");
	json_decref(list);
	/* another organisation's user sees none of it */
	assert_int_equal(survey_feedback_mine(f->db, w.b, w.bob, "nl", (struct listing){0}, &list), 0);
	assert_int_equal(jx_int(list, "total", -1), 0);
	json_decref(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_due),    FX_TEST(test_assignee),      FX_TEST(test_idempotent),
		FX_TEST(test_status_flow),     FX_TEST(test_notes),         FX_TEST(test_metrics),
		cmocka_unit_test(test_median), FX_TEST(test_feedback_mine),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

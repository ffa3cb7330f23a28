/* SPDX-License-Identifier: Apache-2.0 */
/* API tests for the public answer pages /s/{token}: the page in the
 * invitee's language, the one-click score from the mail, saving question
 * by question (a second submission replaces, never counts twice), the
 * checks per question type, a forged, unknown, expired or closed link,
 * finishing (required questions), always-open links with their per-address
 * limit, and the aggregates staying equal to a recount of the answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#include "domain/feedback_config.h"
#include "domain/principal.h"
#include "domain/survey_token.h"
#include "util/clock.h"

static int64_t survey_id, link_id;

static int64_t create(struct harness *h, enum as who, const char *body)
{
	struct result r;
	h_call(h, who, "POST", "/api/v1/surveys", NULL, body, NULL, &r);
	check_status(&r, 201);
	int64_t id = json_int_at(&r, "id");
	result_free(&r);
	return id;
}

static void call_ok(struct harness *h, enum as who, const char *method, const char *target,
		    const char *body, int status)
{
	struct result r;
	h_call(h, who, method, target, NULL, body, NULL, &r);
	check_status(&r, status);
	result_free(&r);
}

/* A sent invitation of survey to a new person of org 1 in lang; its id. */
static int64_t invite(struct harness *h, int64_t survey, const char *lang, int64_t expires)
{
	int64_t now = clock_now_ms(), id = 0;
	assert_int_equal(db_int_query(h->db, &id,
				      "INSERT INTO survey_invitations (org_id, survey_id, status, lang,"
				      " email, sent_at, expires_at, created_at, updated_at)"
				      " VALUES (?, ?, 'sent', ?, 'klant@example.nl', ?, ?, ?, ?)"
				      " RETURNING id",
				      DB_ARGS(DB_I(h->org), DB_I(survey), DB_T(lang), DB_I(now),
					      DB_I(expires ? expires : now + 86400000), DB_I(now),
					      DB_I(now))),
			 0);
	return id;
}

static const char *token_of(struct harness *h, int64_t inv, char out[SURVEY_TOKEN_MAX])
{
	survey_token_make(app_secret(h->app), inv, out);
	return out;
}

static int64_t q(struct harness *h, const char *sql, int64_t a, int64_t b)
{
	int64_t v = -1;
	assert_int_equal(db_int_query(h->db, &v, sql, DB_ARGS(DB_I(a), DB_I(b))), 0);
	return v;
}

/* The NPS count of score in survey_agg's whole for the month grain. */
static int64_t agg(struct harness *h, int64_t survey, int64_t score)
{
	return q(h,
		 "SELECT COALESCE(SUM(a.n), 0) FROM survey_agg a JOIN survey_questions q"
		 " ON q.id = a.question_id AND q.type = 'nps' WHERE a.survey_id = ? AND a.grain = 'm'"
		 " AND a.dim = '' AND a.score = ?",
		 survey, score);
}

static void test_setup_surveys(void **state)
{
	struct harness *h = *state;
	survey_id = create(h, AS_MANAGER, "{\"template\":\"nps_relationship\",\"name\":\"NPS\"}");
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/surveys/%lld/questions", (long long)survey_id);
	call_ok(h, AS_MANAGER, "POST", path,
		"{\"key\":\"how\",\"type\":\"single\",\"text_nl\":\"Hoe?\",\"text_en\":\"How?\","
		"\"options\":{\"choices\":[{\"key\":\"tel\",\"nl\":\"Telefoon\",\"en\":\"Phone\"},"
		"{\"key\":\"mail\",\"nl\":\"E-mail\",\"en\":\"Email\"}]}}",
		201);
	call_ok(h, AS_MANAGER, "POST", path,
		"{\"key\":\"what\",\"type\":\"multiple\",\"text_nl\":\"Wat?\","
		"\"options\":{\"choices\":[{\"key\":\"a\",\"nl\":\"A\"},{\"key\":\"b\",\"nl\":\"B\"},"
		"{\"key\":\"c\",\"nl\":\"C\"}]}}",
		201);
	call_ok(h, AS_MANAGER, "POST", path,
		"{\"key\":\"short\",\"type\":\"text\",\"text_nl\":\"Kort\",\"options\":{\"max\":10}}",
		201);
	call_ok(h, AS_MANAGER, "POST", path, "{\"key\":\"ok\",\"type\":\"yesno\",\"text_nl\":\"Ok?\"}",
		201);
	snprintf(path, sizeof(path), "/api/v1/surveys/%lld", (long long)survey_id);
	call_ok(h, AS_MANAGER, "PATCH", path, "{\"status\":\"active\"}", 200);
	link_id = create(h, AS_MANAGER, "{\"template\":\"csat_contact\",\"name\":\"Link\","
				       "\"kind\":\"link\"}");
	snprintf(path, sizeof(path), "/api/v1/surveys/%lld", (long long)link_id);
	call_ok(h, AS_MANAGER, "PATCH", path, "{\"status\":\"active\"}", 200);
}

static void test_page_and_one_click(void **state)
{
	struct harness *h = *state;
	char tok[SURVEY_TOKEN_MAX], path[128];
	int64_t inv = invite(h, survey_id, "en", 0);
	snprintf(path, sizeof(path), "/s/%s", token_of(h, inv, tok));
	struct result r;
	/* the page in the invitee's language, without signing in */
	h_call(h, AS_ANON, "GET", path, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "How likely are you to recommend");
	check_body(&r, "name=\"a.nps\" value=\"10\"");
	result_free(&r);
	assert_true(q(h, "SELECT COUNT(*) FROM survey_invitations WHERE org_id = ? AND id = ?"
			 " AND opened_at IS NOT NULL",
		      h->org, inv) == 1);
	/* one click from the mail records the score; a second click replaces it */
	snprintf(path, sizeof(path), "/s/%s?score=3", tok);
	h_call(h, AS_ANON, "GET", path, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "value=\"3\" checked");
	result_free(&r);
	assert_int_equal(agg(h, survey_id, 3), 1);
	assert_int_equal(q(h, "SELECT COUNT(*) FROM survey_cases WHERE org_id = ? AND invitation_id = ?",
			   h->org, inv),
			 1);
	snprintf(path, sizeof(path), "/s/%s?score=9", tok);
	h_call(h, AS_ANON, "GET", path, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	result_free(&r);
	assert_int_equal(agg(h, survey_id, 3), 0);
	assert_int_equal(agg(h, survey_id, 9), 1);
	/* a forged score is ignored, the page still shows */
	snprintf(path, sizeof(path), "/s/%s?score=11", tok);
	h_call(h, AS_ANON, "GET", path, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	result_free(&r);
	assert_int_equal(agg(h, survey_id, 9), 1);
	/* the API twin gives the same data as JSON */
	snprintf(path, sizeof(path), "/api/v1/s/%s", tok);
	h_call(h, AS_ANON, "GET", path, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "invitation.state", "open");
	check_json(&r, "answers.nps", "9");
	check_json(&r, "questions.0.text",
		   "How likely are you to recommend us to a friend or colleague?");
	result_free(&r);
}

static void test_checks(void **state)
{
	struct harness *h = *state;
	char tok[SURVEY_TOKEN_MAX], path[128];
	int64_t inv = invite(h, survey_id, "nl", 0);
	snprintf(path, sizeof(path), "/api/v1/s/%s", token_of(h, inv, tok));
	static const struct {
		const char *body, *field;
	} bad[] = {
		{"{\"answers\":{\"nps\":11}}", "fields.nps"},
		{"{\"answers\":{\"nps\":-1}}", "fields.nps"},
		{"{\"answers\":{\"nps\":\"x\"}}", "fields.nps"},
		{"{\"answers\":{\"nps\":7.5}}", "fields.nps"},
		{"{\"answers\":{\"how\":\"fax\"}}", "fields.how"},
		{"{\"answers\":{\"how\":[\"tel\",\"mail\"]}}", "fields.how"},
		{"{\"answers\":{\"what\":[\"a\",\"z\"]}}", "fields.what"},
		{"{\"answers\":{\"what\":[1]}}", "fields.what"},
		{"{\"answers\":{\"short\":\"elf tekens!\"}}", "fields.short"},
		{"{\"answers\":{\"short\":5}}", "fields.short"},
		{"{\"answers\":{\"ok\":\"misschien\"}}", "fields.ok"},
		{"{\"answers\":{\"nope\":1}}", "fields.nope"},
		{"{\"answers\":[1]}", "fields.answers"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct result r;
		h_call(h, AS_ANON, "POST", path, NULL, bad[i].body, NULL, &r);
		if (r.status != 422)
			fail_msg("%s: %d %s", bad[i].body, r.status, r.body);
		check_json(&r, bad[i].field, NULL);
		result_free(&r);
	}
	/* nothing of the refused answers was kept */
	assert_int_equal(q(h, "SELECT COUNT(*) FROM survey_answers WHERE org_id = ? AND invitation_id = ?",
			   h->org, inv),
			 0);
	/* valid answers of every type, then a change and a cleared answer */
	struct result r;
	h_call(h, AS_ANON, "POST", path, NULL,
	       "{\"answers\":{\"nps\":\"8\",\"how\":\"mail\",\"what\":[\"a\",\"c\",\"a\"],"
	       "\"short\":\"Prima\",\"ok\":true}}",
	       NULL, &r);
	check_status(&r, 200);
	result_free(&r);
	h_call(h, AS_ANON, "POST", path, NULL, "{\"answers\":{\"what\":[\"b\"],\"short\":null}}",
	       NULL, &r);
	check_status(&r, 200);
	result_free(&r);
	h_call(h, AS_ANON, "GET", path, NULL, NULL, NULL, &r);
	check_json(&r, "answers.what.0", "b");
	check_json(&r, "answers.how", "mail");
	check_json(&r, "answers.ok", "true");
	assert_null(jpath(r.json, "answers.short"));
	result_free(&r);
	/* finishing needs the required NPS answer: clear it and try */
	h_call(h, AS_ANON, "POST", path, NULL, "{\"answers\":{\"nps\":null},\"complete\":true}", NULL,
	       &r);
	check_status(&r, 422);
	result_free(&r);
	h_call(h, AS_ANON, "POST", path, NULL, "{\"answers\":{\"nps\":10},\"complete\":true}", NULL,
	       &r);
	check_status(&r, 200);
	result_free(&r);
	/* finished: a second submission changes nothing */
	h_call(h, AS_ANON, "POST", path, NULL, "{\"answers\":{\"nps\":0}}", NULL, &r);
	check_status(&r, 409);
	result_free(&r);
	assert_int_equal(q(h, "SELECT score FROM survey_answers a JOIN survey_questions q ON"
			      " q.id = a.question_id AND q.key = 'nps' WHERE a.org_id = ? AND"
			      " a.invitation_id = ?",
			   h->org, inv),
			 10);
}

static void test_bad_links(void **state)
{
	struct harness *h = *state;
	char tok[SURVEY_TOKEN_MAX], path[160];
	int64_t inv = invite(h, survey_id, "nl", 0);
	token_of(h, inv, tok);
	struct result r;
	/* forged: the MAC of another id, a changed character, nonsense */
	char forged[SURVEY_TOKEN_MAX];
	snprintf(forged, sizeof(forged), "%s", tok);
	char *dot = strchr(forged, '.');
	dot[1] = dot[1] == 'A' ? 'B' : 'A';
	const char *targets[] = {forged, "12.abc", "x", "L1.AAAAAAAAAAAAAAAAAAAAAA", "0.0"};
	for (size_t i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "/s/%s", targets[i]);
		h_call(h, AS_ANON, "GET", path, NULL, NULL, NULL, &r);
		check_status(&r, 404);
		check_body(&r, "Deze link kennen we niet");
		result_free(&r);
		snprintf(path, sizeof(path), "/api/v1/s/%s", targets[i]);
		h_call(h, AS_ANON, "POST", path, NULL, "{\"answers\":{\"nps\":1}}", NULL, &r);
		check_status(&r, 404);
		result_free(&r);
	}
	/* expired */
	int64_t old = invite(h, survey_id, "nl", clock_now_ms() - 1000);
	snprintf(path, sizeof(path), "/s/%s", token_of(h, old, tok));
	h_call(h, AS_ANON, "GET", path, NULL, NULL, NULL, &r);
	check_status(&r, 410);
	check_body(&r, "verlopen");
	result_free(&r);
	/* a pending invitation (its mail never left) is unknown */
	assert_int_equal(db_exec(h->db, "UPDATE survey_invitations SET status = 'pending' WHERE id = ?",
				 DB_ARGS(DB_I(inv))),
			 0);
	snprintf(path, sizeof(path), "/s/%s", token_of(h, inv, tok));
	h_call(h, AS_ANON, "GET", path, NULL, NULL, NULL, &r);
	check_status(&r, 404);
	result_free(&r);
}

static void test_form_flow(void **state)
{
	struct harness *h = *state;
	char tok[SURVEY_TOKEN_MAX], path[128], loc[160];
	int64_t inv = invite(h, survey_id, "nl", 0);
	snprintf(path, sizeof(path), "/s/%s", token_of(h, inv, tok));
	struct result r;
	/* a browser's form: a refused value comes back next to its question */
	h_form(h, AS_ANON, NULL, path, "a.nps=6&a.short=veel+te+lange+tekst&complete=1", &r);
	check_status(&r, 422);
	check_body(&r, "id=\"q-short-error\"");
	result_free(&r);
	/* a required answer missing: the rest is kept */
	h_form(h, AS_ANON, NULL, path, "a.reason=Snel+geholpen&a.what=&a.what=b&complete=1", &r);
	check_status(&r, 422);
	check_body(&r, "id=\"q-nps-error\"");
	result_free(&r);
	assert_int_equal(q(h, "SELECT COUNT(*) FROM survey_answers WHERE org_id = ? AND invitation_id = ?",
			   h->org, inv),
			 2);
	/* htmx saves a change as it is made */
	h_form(h, AS_ANON, NULL, path, "a.nps=6&autosave=1", &r);
	check_status(&r, 204);
	result_free(&r);
	h_form(h, AS_ANON, NULL, path, "a.nps=6&complete=1", &r);
	check_status(&r, 303);
	snprintf(loc, sizeof(loc), "/s/%s", tok);
	check_header(&r, "Location", loc);
	result_free(&r);
	h_call(h, AS_ANON, "GET", path, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "Hartelijk dank");
	result_free(&r);
	/* a detractor: one case, for the survey's owner */
	assert_int_equal(q(h, "SELECT COUNT(*) FROM survey_cases WHERE org_id = ? AND invitation_id = ?",
			   h->org, inv),
			 1);
}

static void test_link_survey(void **state)
{
	struct harness *h = *state;
	char tok[SURVEY_TOKEN_MAX], path[128];
	survey_token_make_link(app_secret(h->app), link_id, tok);
	snprintf(path, sizeof(path), "/s/%s", tok);
	struct result r;
	h_call(h, AS_ANON, "GET", path, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "name=\"a.csat\"");
	result_free(&r);
	struct feedback_config fc;
	assert_int_equal(feedback_config_get(h->db, h->org, &fc), 0);
	fc.link_per_hour = 2;
	struct actor who = {.org_id = h->org, .label = "test"};
	assert_int_equal(feedback_config_set(h->db, &who, &fc, NULL), 0);
	/* each visit's first answers make a response of its own */
	for (int i = 0; i < 2; i++) {
		h_form(h, AS_ANON, NULL, path, "a.csat=4", &r);
		check_status(&r, 303);
		char loc[128];
		assert_true(result_header(&r, "Location", 0, loc, sizeof(loc)));
		assert_true(strncmp(loc, "/s/", 3) == 0 && loc[3] != 'L');
		result_free(&r);
	}
	h_form(h, AS_ANON, NULL, path, "a.csat=5", &r);
	check_status(&r, 429);
	result_free(&r);
	assert_int_equal(q(h, "SELECT COUNT(*) FROM survey_invitations WHERE org_id = ? AND survey_id = ?"
			      " AND status = 'link'",
			   h->org, link_id),
			 2);
	/* an invitation token never passes as a link token, nor the reverse */
	int64_t id = 0;
	assert_false(survey_token_parse(app_secret(h->app), tok, &id));
}

/* Mentions of theme with sentiment label in survey's monthly aggregates. */
static int64_t theme_n(struct harness *h, int64_t survey, const char *theme, int64_t label)
{
	int64_t v = -1;
	assert_int_equal(db_int_query(h->db, &v,
				      "SELECT COALESCE(SUM(n), 0) FROM survey_agg WHERE org_id = ?"
				      " AND survey_id = ? AND question_id = 0 AND grain = 'm'"
				      " AND dim = 'theme' AND dim_value = ? AND score = ?",
				      DB_ARGS(DB_I(h->org), DB_I(survey), DB_T(theme), DB_I(label))),
			 0);
	return v;
}

/* An open answer sent again, as it was or reworded with the same tone,
 * still counts once for its themes, under its sentiment label. */
static void test_open_answer_again(void **state)
{
	struct harness *h = *state;
	char tok[SURVEY_TOKEN_MAX], path[128];
	int64_t inv = invite(h, survey_id, "nl", 0);
	snprintf(path, sizeof(path), "/s/%s", token_of(h, inv, tok));
	int64_t was[3];
	for (int l = -1; l <= 1; l++)
		was[l + 1] = theme_n(h, survey_id, "prijs", l);
	static const char *const forms[] = {
		"a.reason=De+factuur+klopte+niet",
		"a.reason=De+factuur+klopte+niet",
		"a.reason=Een+slechte+factuur,+teleurgesteld",
	};
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct result r;
		h_form(h, AS_ANON, NULL, path, forms[i], &r);
		check_status(&r, 303);
		result_free(&r);
		/* negative, and about the price */
		assert_true(q(h, "SELECT COUNT(*) FROM survey_answers WHERE org_id = ?"
				 " AND invitation_id = ? AND sentiment <= -30 AND themes LIKE '%prijs%'",
			      h->org, inv) == 1);
		assert_int_equal(theme_n(h, survey_id, "prijs", -1), was[0] + 1);
		assert_int_equal(theme_n(h, survey_id, "prijs", 0), was[1]);
		assert_int_equal(theme_n(h, survey_id, "prijs", 1), was[2]);
	}
	assert_int_equal(q(h, "SELECT COUNT(*) FROM survey_agg WHERE org_id = ? AND survey_id = ?"
			      " AND n < 0",
			   h->org, survey_id),
			 0);
}

/* After all of the above: every count in survey_agg equals a recount of
 * survey_answers (both grains, every score of every scored question). */
/* The questions a save checks against are the survey's current ones, also
 * right after a change (saves keep parsed questions per connection). */
static void test_questions_change_between_answers(void **state)
{
	struct harness *h = *state;
	int64_t survey = create(h, AS_MANAGER, "{\"template\":\"nps_relationship\",\"name\":\"Q\"}");
	char path[128], qpath[128], tok[SURVEY_TOKEN_MAX];
	snprintf(qpath, sizeof(qpath), "/api/v1/surveys/%lld/questions", (long long)survey);
	struct result r;
	h_call(h, AS_MANAGER, "POST", qpath, NULL,
	       "{\"key\":\"short\",\"type\":\"text\",\"text_nl\":\"Kort\"}", NULL, &r);
	check_status(&r, 201);
	result_free(&r);
	int64_t short_id = q(h, "SELECT id FROM survey_questions WHERE org_id = ? AND survey_id = ?"
				" AND key = 'short'", h->org, survey);
	snprintf(path, sizeof(path), "/api/v1/surveys/%lld", (long long)survey);
	call_ok(h, AS_MANAGER, "PATCH", path, "{\"status\":\"active\"}", 200);
	int64_t inv = invite(h, survey, "nl", 0);
	snprintf(path, sizeof(path), "/api/v1/s/%s", token_of(h, inv, tok));
	call_ok(h, AS_ANON, "POST", path, "{\"answers\":{\"short\":\"Eerst\"}}", 200);
	/* retire one question, add another: the next save knows both at once */
	char one[160];
	snprintf(one, sizeof(one), "%s/%lld", qpath, (long long)short_id);
	call_ok(h, AS_MANAGER, "DELETE", one, NULL, 200);
	call_ok(h, AS_MANAGER, "POST", qpath,
		"{\"key\":\"later\",\"type\":\"yesno\",\"text_nl\":\"Later?\"}", 201);
	h_call(h, AS_ANON, "POST", path, NULL, "{\"answers\":{\"short\":\"Weer\"}}", NULL, &r);
	check_status(&r, 422);
	check_json(&r, "fields.short", NULL);
	result_free(&r);
	call_ok(h, AS_ANON, "POST", path, "{\"answers\":{\"later\":true}}", 200);
}

static void test_aggregates_match_answers(void **state)
{
	struct harness *h = *state;
	int64_t bad = -1;
	assert_int_equal(
		db_int_query(h->db, &bad,
			     "SELECT COUNT(*) FROM (SELECT x.question_id, x.score, x.n, COALESCE(c.n, 0)"
			     " AS m FROM (SELECT question_id, score, SUM(n) AS n FROM survey_agg"
			     " WHERE org_id = ? AND grain = 'm' AND dim = '' AND question_id > 0"
			     " GROUP BY question_id, score) x LEFT JOIN (SELECT question_id, score,"
			     " COUNT(*) AS n FROM survey_answers WHERE org_id = ? AND score IS NOT NULL"
			     " GROUP BY question_id, score) c ON c.question_id = x.question_id AND"
			     " c.score = x.score) d WHERE d.n <> d.m",
			     DB_ARGS(DB_I(h->org), DB_I(h->org))),
		0);
	assert_int_equal(bad, 0);
	int64_t missing = -1;
	assert_int_equal(
		db_int_query(h->db, &missing,
			     "SELECT COUNT(*) FROM (SELECT question_id, score, COUNT(*) AS n FROM"
			     " survey_answers WHERE org_id = ? AND score IS NOT NULL GROUP BY"
			     " question_id, score) c WHERE c.n <> (SELECT COALESCE(SUM(n), 0) FROM"
			     " survey_agg a WHERE a.org_id = ? AND a.grain = 'w' AND a.dim = '' AND"
			     " a.question_id = c.question_id AND a.score = c.score)",
			     DB_ARGS(DB_I(h->org), DB_I(h->org))),
		0);
	assert_int_equal(missing, 0);
}

/* A person's feedback in their privacy export, erased with them (their
 * words and address go, their scores stay in the results), and moved to
 * the survivor when they are merged. */
static void test_privacy_and_merge(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_MANAGER, "POST", "/api/v1/relations", NULL,
	       "{\"kind\":\"person\",\"given_name\":\"Piet\",\"family_name\":\"Klant\","
	       "\"emails\":[{\"value\":\"piet@klant.example\"}]}",
	       NULL, &r);
	check_status(&r, 201);
	int64_t piet = json_int_at(&r, "id");
	result_free(&r);
	int64_t inv = invite(h, survey_id, "nl", 0);
	assert_int_equal(db_exec(h->db, "UPDATE survey_invitations SET relation_id = ? WHERE id = ?",
				 DB_ARGS(DB_I(piet), DB_I(inv))),
			 0);
	char tok[SURVEY_TOKEN_MAX], path[128];
	snprintf(path, sizeof(path), "/api/v1/s/%s", token_of(h, inv, tok));
	h_call(h, AS_ANON, "POST", path, NULL,
	       "{\"answers\":{\"nps\":4,\"reason\":\"Piet vindt jullie slecht bereikbaar.\"}}", NULL,
	       &r);
	check_status(&r, 200);
	result_free(&r);
	int64_t before = agg(h, survey_id, 4);
	snprintf(path, sizeof(path), "/api/v1/relations/%lld/privacy-export", (long long)piet);
	h_call(h, AS_MANAGER, "GET", path, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "sections.feedback.invitations.0.answers.0.score", "4");
	check_json(&r, "sections.feedback.invitations.0.answers.1.text",
		   "Piet vindt jullie slecht bereikbaar.");
	check_json(&r, "sections.feedback.cases.0.score", "4");
	result_free(&r);
	/* merged into another person: the invitation and its case follow */
	h_call(h, AS_MANAGER, "POST", "/api/v1/relations", NULL,
	       "{\"kind\":\"person\",\"given_name\":\"P.\",\"family_name\":\"Klant\"}", NULL, &r);
	check_status(&r, 201);
	int64_t keep = json_int_at(&r, "id");
	result_free(&r);
	snprintf(path, sizeof(path), "/api/v1/relations/%lld/merge", (long long)keep);
	char body[64];
	snprintf(body, sizeof(body), "{\"from\":%lld}", (long long)piet);
	h_call(h, AS_MANAGER, "POST", path, NULL, body, NULL, &r);
	check_status(&r, 200);
	result_free(&r);
	assert_int_equal(q(h, "SELECT relation_id FROM survey_invitations WHERE org_id = ? AND id = ?",
			   h->org, inv),
			 keep);
	assert_int_equal(q(h, "SELECT relation_id FROM survey_cases WHERE org_id = ? AND invitation_id = ?",
			   h->org, inv),
			 keep);
	/* erased: the words and the address go, the score stays counted */
	snprintf(path, sizeof(path), "/api/v1/relations/%lld/erase", (long long)keep);
	h_call(h, AS_MANAGER, "POST", path, NULL, "{}", NULL, &r);
	check_status(&r, 200);
	result_free(&r);
	assert_int_equal(q(h, "SELECT COUNT(*) FROM survey_answers WHERE org_id = ? AND invitation_id = ?"
			      " AND text <> ''",
			   h->org, inv),
			 0);
	assert_int_equal(q(h, "SELECT COUNT(*) FROM survey_invitations WHERE org_id = ? AND id = ?"
			      " AND email = ''",
			   h->org, inv),
			 1);
	assert_int_equal(agg(h, survey_id, 4), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setup_surveys),
		cmocka_unit_test(test_page_and_one_click),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_bad_links),
		cmocka_unit_test(test_form_flow),
		cmocka_unit_test(test_link_survey),
		cmocka_unit_test(test_open_answer_again),
		cmocka_unit_test(test_questions_change_between_answers),
		cmocka_unit_test(test_privacy_and_merge),
		cmocka_unit_test(test_aggregates_match_answers),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the organisation's own theme dictionary in
 * src/domain/survey_text.c: the shipped default until one is set, setting
 * one (audited, for that organisation only), a refused document that
 * leaves the stored one, going back to the default, and that an answer
 * saved after a change gets the new themes while earlier ones keep theirs. */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#include "core/rc.h"
#include "domain/survey.h"
#include "domain/survey_answer.h"
#include "domain/survey_text.h"
#include "util/clock.h"

#define PARKING                                                                             \
	"{\"themes\": [{\"key\": \"parkeren\","                                             \
	" \"label\": {\"nl\": \"Parkeren\", \"en\": \"Parking\"},"                          \
	" \"keywords\": {\"nl\": [\"parkeer*\", \"geen plek\"], \"en\": [\"parking\"]}},"   \
	" {\"key\": \"prijs\", \"label\": {\"nl\": \"Prijs\", \"en\": \"Price\"},"          \
	" \"keywords\": {\"nl\": [\"duur\"]}}]}"

static const char *key_at(const json_t *doc, size_t i)
{
	return json_string_value(
	        json_object_get(json_array_get(json_object_get(doc, "themes"), i), "key"));
}

static void test_default_then_own(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_org(f, "Acme"), b = fx_org(f, "Bolt");
	struct actor who = fx_cli(a);
	json_t *doc = NULL;
	assert_int_equal(survey_text_dict_get(f->db, a, &doc), 0);
	assert_true(json_is_true(json_object_get(doc, "is_default")));
	assert_int_equal(json_array_size(json_object_get(doc, "themes")), 7);
	assert_string_equal(key_at(doc, 0), "bereikbaarheid");
	json_decref(doc);

	int64_t mark = fx_audit_mark(f);
	struct brug_err err = {0};
	assert_int_equal(survey_text_dict_set(f->db, &who, PARKING, &err), 0);
	fx_audit_one(f, mark, a, "feedback.themes", "org", a, 0, "cli", "", "{\"themes\": 2}");
	assert_int_equal(survey_text_dict_get(f->db, a, &doc), 0);
	fx_json_eq(doc, "{\"is_default\": false, \"themes\": ["
			"{\"key\": \"parkeren\", \"label\": {\"nl\": \"Parkeren\", \"en\": \"Parking\"},"
			" \"keywords\": {\"nl\": [\"parkeer*\", \"geen plek\"], \"en\": [\"parking\"]}},"
			"{\"key\": \"prijs\", \"label\": {\"nl\": \"Prijs\", \"en\": \"Price\"},"
			" \"keywords\": {\"nl\": [\"duur\"], \"en\": []}}]}");
	json_decref(doc);
	/* the display list follows it; another organisation keeps the default */
	assert_int_equal(survey_text_themes(f->db, a, &doc), 0);
	fx_json_eq(doc, "[{\"key\": \"parkeren\", \"nl\": \"Parkeren\", \"en\": \"Parking\"},"
			"{\"key\": \"prijs\", \"nl\": \"Prijs\", \"en\": \"Price\"}]");
	json_decref(doc);
	assert_int_equal(survey_text_dict_get(f->db, b, &doc), 0);
	assert_true(json_is_true(json_object_get(doc, "is_default")));
	json_decref(doc);
}

static void test_refused_keeps_stored(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_org(f, "Acme");
	struct actor who = fx_cli(a);
	struct brug_err err = {0};
	assert_int_equal(survey_text_dict_set(f->db, &who, PARKING, &err), 0);
	static const struct {
		const char *json, *detail;
	} bad[] = {
	        {"{\"themes\": [{\"key\": \"a\", \"label\": {\"nl\": \"A\", \"en\": \"A\"},"
	         " \"keywords\": {\"nl\": [\"x\"]}}, {\"key\": \"a\","
	         " \"label\": {\"nl\": \"B\", \"en\": \"B\"}, \"keywords\": {\"nl\": [\"y\"]}}]}",
	         "themes[1].key"},
	        {"{\"themes\": [{\"key\": \"a\", \"label\": {\"nl\": \"A\", \"en\": \"A\"},"
	         " \"keywords\": {\"nl\": [\"goed\", \"\"]}}]}",
	         "themes[0].keywords.nl[1]"},
	        {"{\"themes\": []}", "themes"},
	        {"{\"themes\": [", "line"},
	        {"[]", ""},
	};
	int64_t mark = fx_audit_mark(f);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct brug_err e = {0};
		assert_int_equal(survey_text_dict_set(f->db, &who, bad[i].json, &e), BRUG_EVALIDATION);
		assert_string_equal(e.key, "error.themes");
		assert_string_equal(e.field, "themes");
		if (!strstr(e.detail, bad[i].detail) || !e.detail[0])
			fail_msg("case %zu: detail \"%s\" lacks \"%s\"", i, e.detail, bad[i].detail);
	}
	fx_audit_none(f, mark);
	json_t *doc = NULL;
	assert_int_equal(survey_text_dict_get(f->db, a, &doc), 0);
	assert_true(json_is_false(json_object_get(doc, "is_default")));
	assert_string_equal(key_at(doc, 0), "parkeren");
	json_decref(doc);
}

static void test_reset(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_org(f, "Acme");
	struct actor who = fx_cli(a);
	struct brug_err err = {0};
	/* resetting the default is fine and still recorded */
	int64_t mark = fx_audit_mark(f);
	assert_int_equal(survey_text_dict_reset(f->db, &who), 0);
	fx_audit_one(f, mark, a, "feedback.themes_reset", "org", a, 0, "cli", "", "{}");
	assert_int_equal(survey_text_dict_set(f->db, &who, PARKING, &err), 0);
	assert_int_equal(fx_rows(f, "settings"), 1);
	assert_int_equal(survey_text_dict_reset(f->db, &who), 0);
	assert_int_equal(fx_rows(f, "settings"), 0);
	json_t *doc = NULL;
	assert_int_equal(survey_text_dict_get(f->db, a, &doc), 0);
	assert_true(json_is_true(json_object_get(doc, "is_default")));
	assert_string_equal(key_at(doc, 0), "bereikbaarheid");
	json_decref(doc);
}

static void test_broken_stored_reads_default(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_org(f, "Acme");
	/* a row that no longer loads (written by hand, an older version) */
	assert_int_equal(db_exec(f->db,
				 "INSERT INTO settings (org_id, name, value) VALUES (?, 'feedback.themes',"
				 " '{\"themes\": 1}')",
				 DB_ARGS(DB_I(a))),
			 0);
	json_t *doc = NULL;
	assert_int_equal(survey_text_dict_get(f->db, a, &doc), 0);
	assert_true(json_is_true(json_object_get(doc, "is_default")));
	assert_int_equal(json_array_size(json_object_get(doc, "themes")), 7);
	json_decref(doc);
}

/* A sent invitation of survey; its id. */
static int64_t invitation(struct fx *f, int64_t org, int64_t survey)
{
	int64_t now = clock_now_ms();
	return fx_int(f,
		      "INSERT INTO survey_invitations (org_id, survey_id, status, lang, sent_at,"
		      " expires_at, created_at, updated_at) VALUES (?, ?, 'sent', 'nl', ?, ?, ?, ?)"
		      " RETURNING id",
		      DB_ARGS(DB_I(org), DB_I(survey), DB_I(now), DB_I(now + 86400000LL), DB_I(now),
			      DB_I(now)));
}

static char *themes_of(struct fx *f, int64_t inv)
{
	return fx_text(f,
		       "SELECT a.themes FROM survey_answers a JOIN survey_questions q"
		       " ON q.org_id = a.org_id AND q.id = a.question_id"
		       " WHERE a.invitation_id = ? AND q.key = 'reason'",
		       DB_ARGS(DB_I(inv)));
}

static void test_answers_after_change(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_org(f, "Acme");
	int64_t ann = fx_user(f, a, "ann@acme.nl", "Ann", ROLE_MANAGER);
	struct actor who = fx_actor(a, ann, "ann@acme.nl", "192.0.2.1");
	struct brug_err err = {0};
	struct survey_fields sf = {.name = "NPS"};
	int64_t survey = 0;
	assert_int_equal(survey_create(f->db, &who, &sf, "nps_relationship", &survey, &err), 0);
	struct survey_fields act = {.status = "active"};
	assert_int_equal(survey_update(f->db, &who, survey, &act, &err), 0);
	const char *text = "De parkeerplaats was vol en het was duur";
	json_t *ans = json_pack("{s:i,s:s}", "nps", 5, "reason", text);
	struct survey_save res;

	int64_t before = invitation(f, a, survey);
	assert_int_equal(survey_answer_save(f->db, before, ans, false, &res, &err), 0);
	char *t = themes_of(f, before);
	json_t *v = json_loads(t, 0, NULL);
	fx_json_eq(v, "[\"prijs\"]");
	json_decref(v);
	free(t);

	assert_int_equal(survey_text_dict_set(f->db, &who, PARKING, &err), 0);
	int64_t after = invitation(f, a, survey);
	assert_int_equal(survey_answer_save(f->db, after, ans, false, &res, &err), 0);
	t = themes_of(f, after);
	v = json_loads(t, 0, NULL);
	fx_json_eq(v, "[\"parkeren\", \"prijs\"]");
	json_decref(v);
	free(t);
	/* the earlier answer keeps what was found then */
	t = themes_of(f, before);
	v = json_loads(t, 0, NULL);
	fx_json_eq(v, "[\"prijs\"]");
	json_decref(v);
	free(t);
	json_decref(ans);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        FX_TEST(test_default_then_own),
	        FX_TEST(test_refused_keeps_stored),
	        FX_TEST(test_reset),
	        FX_TEST(test_broken_stored_reads_default),
	        FX_TEST(test_answers_after_change),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/domain/survey.c, survey_question.c and survey_template.c:
 * templates become questions in both languages, the checks of a question,
 * the 50-question limit, the status moves, what freezes once a survey has
 * been active (and that removal then retires), the order of questions, and
 * no reach into another organisation's surveys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#include "core/rc.h"
#include "domain/survey.h"
#include "domain/survey_question.h"
#include "domain/survey_template.h"
#include "util/jx.h"

struct world {
	int64_t a, b, ann, cas;
	struct actor ann_a, cas_b;
};

static struct world world(struct fx *f)
{
	struct world w = {0};
	w.a = fx_org(f, "Acme");
	w.b = fx_org(f, "Bolt");
	w.ann = fx_user(f, w.a, "ann@acme.nl", "Ann", ROLE_MANAGER);
	w.cas = fx_user(f, w.b, "cas@bolt.nl", "Cas", ROLE_ADMIN);
	w.ann_a = fx_actor(w.a, w.ann, "ann@acme.nl", "192.0.2.1");
	w.cas_b = fx_actor(w.b, w.cas, "cas@bolt.nl", "192.0.2.2");
	return w;
}

static int64_t survey(struct fx *f, const struct actor *who, const char *tpl)
{
	struct survey_fields sf = {.name = "Klantonderzoek", .kind = tpl ? NULL : "link"};
	struct brug_err err = {0};
	int64_t id = 0;
	assert_int_equal(survey_create(f->db, who, &sf, tpl, &id, &err), 0);
	assert_true(id > 0);
	return id;
}

static json_t *get(struct fx *f, int64_t org, int64_t id)
{
	json_t *s = NULL;
	assert_int_equal(survey_get(f->db, org, id, &s), 0);
	return s;
}

static int64_t question(struct fx *f, const struct actor *who, int64_t s, const char *type,
			const char *options_json)
{
	json_t *o = options_json ? json_loads(options_json, 0, NULL) : NULL;
	struct survey_question_fields q = {.type = type, .required = -1, .text_nl = "Vraag",
					   .options = o};
	struct brug_err err = {0};
	int64_t id = 0;
	int rc = survey_question_add(f->db, who, s, &q, &id, &err);
	json_decref(o);
	assert_int_equal(rc, 0);
	return id;
}

static void test_templates(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	static const struct {
		const char *key, *kind;
		size_t n;
		const char *first_type;
		int64_t max;
	} want[] = {
		{"nps_relationship", "relationship", 3, "nps", 10},
		{"csat_contact", "transactional", 2, "csat", 5},
		{"ces_contact", "transactional", 2, "ces", 7},
		{"perception", "relationship", 5, "text", 2000},
	};
	int64_t mark = fx_audit_mark(f);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int64_t id = survey(f, &w.ann_a, want[i].key);
		json_t *s = get(f, w.a, id);
		assert_string_equal(jx_str(s, "template"), want[i].key);
		assert_string_equal(jx_str(s, "kind"), want[i].kind);
		assert_string_equal(jx_str(s, "status"), "draft");
		assert_int_equal(jx_int(s, "owner_id", 0), w.ann);
		assert_true(strlen(jx_str(s, "intro_nl")) > 10 && strlen(jx_str(s, "intro_en")) > 10);
		assert_true(*jx_str(s, "thanks_nl") && *jx_str(s, "thanks_en"));
		json_t *qs = json_object_get(s, "questions"), *q;
		assert_int_equal(json_array_size(qs), want[i].n);
		assert_string_equal(jx_str(json_array_get(qs, 0), "type"), want[i].first_type);
		assert_int_equal(jx_int(json_object_get(json_array_get(qs, 0), "options"), "max", 0),
				 want[i].max);
		size_t k;
		json_array_foreach(qs, k, q) {
			assert_true(strlen(jx_str(q, "text_nl")) > 5);
			assert_true(strlen(jx_str(q, "text_en")) > 5);
			assert_int_equal(jx_int(q, "position", 0), (int64_t)k + 1);
		}
		if (i == 0)
			fx_audit_one(f, mark, w.a, "survey.create", "survey", id, w.ann, "ann@acme.nl",
				     "192.0.2.1",
				     "{\"name\":\"Klantonderzoek\",\"kind\":\"relationship\","
				     "\"template\":\"nps_relationship\"}");
		json_decref(s);
	}
	/* the perception study's open questions, and its NPS last */
	json_t *p = survey_template_get("perception");
	json_t *last = json_array_get(json_object_get(p, "questions"), 4);
	assert_string_equal(jx_str(last, "type"), "nps");
	json_decref(p);
	json_t *list = survey_template_list("en");
	assert_int_equal(json_array_size(list), 4);
	assert_string_equal(jx_str(json_array_get(list, 0), "name"), "NPS relationship survey");
	json_decref(list);

	struct survey_fields sf = {.name = "X"};
	struct brug_err err = {0};
	int64_t id = 0;
	assert_int_equal(survey_create(f->db, &w.ann_a, &sf, "nope", &id, &err), BRUG_EVALIDATION);
	assert_string_equal(err.field, "template");
	/* no template and no kind: the kind is missing */
	assert_int_equal(survey_create(f->db, &w.ann_a, &sf, "", &id, &err), BRUG_EVALIDATION);
	assert_string_equal(err.field, "kind");
}

static void test_survey_checks(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	char longname[260];
	memset(longname, 'x', 201);
	longname[201] = '\0';
	json_t *bad_set = json_pack("{s:i}", "delay_hours", 2);
	static const struct {
		const char *name, *kind, *field;
	} cases[] = {
		{"", "link", "name"},      {NULL, "link", "name"}, {"A\x01", "link", "name"},
		{"A", "email", "kind"},
	};
	struct brug_err err = {0};
	int64_t id = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct survey_fields sf = {.name = cases[i].name, .kind = cases[i].kind};
		assert_int_equal(survey_create(f->db, &w.ann_a, &sf, NULL, &id, &err),
				 BRUG_EVALIDATION);
		assert_string_equal(err.field, cases[i].field);
	}
	struct survey_fields sf = {.name = longname, .kind = "link"};
	assert_int_equal(survey_create(f->db, &w.ann_a, &sf, NULL, &id, &err), BRUG_EVALIDATION);
	assert_string_equal(err.field, "name");
	longname[200] = '\0'; /* 200 is allowed */
	assert_int_equal(survey_create(f->db, &w.ann_a, &sf, NULL, &id, &err), 0);
	/* settings fit the kind */
	sf = (struct survey_fields){.name = "L", .kind = "link", .settings = bad_set};
	assert_int_equal(survey_create(f->db, &w.ann_a, &sf, NULL, &id, &err), BRUG_EVALIDATION);
	assert_string_equal(err.field, "settings");
	sf.kind = "transactional";
	assert_int_equal(survey_create(f->db, &w.ann_a, &sf, NULL, &id, &err), 0);
	/* an owner from another organisation */
	sf = (struct survey_fields){.name = "L", .kind = "link", .owner_id = w.cas};
	assert_int_equal(survey_create(f->db, &w.ann_a, &sf, NULL, &id, &err), BRUG_EVALIDATION);
	assert_string_equal(err.field, "owner_id");
	json_decref(bad_set);

	static const struct {
		const char *kind, *json;
		int rc;
	} settings[] = {
		{"relationship", "{}", 0},
		{"relationship", "{\"relation_types\":[\"customer\",\"partner\"],\"tags\":[\"vip\"]}", 0},
		{"relationship", "{\"relation_types\":[\"alien\"]}", BRUG_EVALIDATION},
		{"relationship", "{\"tags\":[\"vip\",\"vip\"]}", BRUG_EVALIDATION},
		{"relationship", "{\"delay_hours\":1}", BRUG_EVALIDATION},
		{"transactional", "{\"delay_hours\":720,\"channels\":[\"phone\"],\"roles\":[]}", 0},
		{"transactional", "{\"delay_hours\":721}", BRUG_EVALIDATION},
		{"transactional", "{\"delay_hours\":\"2\"}", BRUG_EVALIDATION},
		{"transactional", "{\"channels\":\"phone\"}", BRUG_EVALIDATION},
		{"link", "{\"x\":1}", BRUG_EVALIDATION},
		{"link", "[]", BRUG_EVALIDATION},
	};
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		json_t *v = json_loads(settings[i].json, 0, NULL);
		assert_int_equal(survey_settings_check(settings[i].kind, v, &err), settings[i].rc);
		json_decref(v);
	}
}

static void test_question_checks(void **state)
{
	(void)state;
	static const struct {
		const char *type, *nl, *en, *key, *options, *field;
	} cases[] = {
		{"nps", "Score?", NULL, NULL, NULL, NULL},
		{"nps", NULL, "Score?", NULL, "{\"min\":0,\"max\":10,\"low_en\":\"No\"}", NULL},
		{"nps", "Score?", NULL, NULL, "{\"max\":5}", "options"},
		{"csat", "Tevreden?", NULL, NULL, "{\"min\":0}", "options"},
		{"ces", "Makkelijk?", NULL, NULL, "{\"max\":5}", "options"},
		{"rating", "Cijfer?", NULL, NULL, "{\"min\":0,\"max\":10}", NULL},
		{"rating", "Cijfer?", NULL, NULL, "{\"min\":1,\"max\":11}", "options"},
		{"rating", "Cijfer?", NULL, NULL, "{\"min\":2,\"max\":5}", "options"},
		{"rating", "Cijfer?", NULL, NULL, "{\"max\":\"5\"}", "options"},
		{"single", "Kies", NULL, NULL,
		 "{\"choices\":[{\"key\":\"a\",\"nl\":\"A\"},{\"key\":\"b\",\"en\":\"B\"}]}", NULL},
		{"single", "Kies", NULL, NULL, "{\"choices\":[{\"key\":\"a\",\"nl\":\"A\"}]}",
		 "options"},
		{"multiple", "Kies", NULL, NULL,
		 "{\"choices\":[{\"key\":\"a\",\"nl\":\"A\"},{\"key\":\"a\",\"nl\":\"B\"}]}", "options"},
		{"multiple", "Kies", NULL, NULL,
		 "{\"choices\":[{\"key\":\"a\",\"nl\":\"A\"},{\"key\":\"b\"}]}", "options"},
		{"multiple", "Kies", NULL, NULL,
		 "{\"choices\":[{\"key\":\"A B\",\"nl\":\"A\"},{\"key\":\"b\",\"nl\":\"B\"}]}",
		 "options"},
		{"single", "Kies", NULL, NULL, NULL, "options"},
		{"text", "Waarom?", NULL, NULL, "{\"max\":500}", NULL},
		{"text", "Waarom?", NULL, NULL, "{\"max\":0}", "options"},
		{"text", "Waarom?", NULL, NULL, "{\"max\":10001}", "options"},
		{"yesno", "Ja?", NULL, NULL, "{}", NULL},
		{"yesno", "Ja?", NULL, NULL, "{\"choices\":[]}", "options"},
		{"yesno", "Ja?", NULL, NULL, "[1]", "options"},
		{"slider", "Ja?", NULL, NULL, NULL, "type"},
		{NULL, "Ja?", NULL, NULL, NULL, "type"},
		{"yesno", "", "", NULL, NULL, "text_nl"},
		{"yesno", NULL, NULL, NULL, NULL, "text_nl"},
		{"yesno", "Ja\x07", NULL, NULL, NULL, "text_nl"},
		{"yesno", "Ja", NULL, "Q1", NULL, "key"},
		{"yesno", "Ja", NULL, "q_1", NULL, NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *o = cases[i].options ? json_loads(cases[i].options, 0, NULL) : NULL;
		struct survey_question_fields q = {.type = cases[i].type, .text_nl = cases[i].nl,
						   .text_en = cases[i].en, .key = cases[i].key,
						   .options = o, .required = -1};
		struct brug_err err = {0};
		json_t *out = NULL;
		int rc = survey_question_check(&q, &out, &err);
		if (cases[i].field) {
			if (rc != BRUG_EVALIDATION || !err.field || strcmp(err.field, cases[i].field))
				fail_msg("case %zu: rc %d field %s", i, rc, err.field ? err.field : "-");
		} else if (rc) {
			fail_msg("case %zu: rc %d field %s", i, rc, err.field ? err.field : "-");
		}
		json_decref(out);
		json_decref(o);
	}
	/* the fixed scales are filled in */
	struct survey_question_fields q = {.type = "ces", .text_nl = "?"};
	json_t *out = NULL;
	assert_int_equal(survey_question_check(&q, &out, NULL), 0);
	fx_json_eq(out, "{\"min\":1,\"max\":7}");
	json_decref(out);
	/* 30 choices are allowed, 31 are not */
	json_t *c = json_array();
	for (int i = 0; i < 31; i++) {
		char k[8];
		snprintf(k, sizeof(k), "c%d", i);
		json_array_append_new(c, json_pack("{s:s,s:s}", "key", k, "nl", k));
	}
	json_t *opts = json_pack("{s:o}", "choices", c);
	q = (struct survey_question_fields){.type = "single", .text_nl = "?", .options = opts};
	struct brug_err err = {0};
	assert_int_equal(survey_question_check(&q, &out, &err), BRUG_EVALIDATION);
	json_array_remove(c, 30);
	assert_int_equal(survey_question_check(&q, &out, &err), 0);
	json_decref(out);
	json_decref(opts);
}

static void test_question_limit(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t s = survey(f, &w.ann_a, NULL);
	for (int i = 0; i < SURVEY_QUESTIONS_MAX; i++)
		question(f, &w.ann_a, s, "yesno", NULL);
	struct survey_question_fields q = {.type = "yesno", .text_en = "One more?"};
	struct brug_err err = {0};
	int64_t id = 0;
	assert_int_equal(survey_question_add(f->db, &w.ann_a, s, &q, &id, &err), BRUG_EVALIDATION);
	assert_string_equal(err.field, "questions");
	json_t *got = get(f, w.a, s);
	assert_int_equal(json_array_size(json_object_get(got, "questions")), 50);
	/* generated keys are unique: q1..q50 */
	assert_string_equal(jx_str(json_array_get(json_object_get(got, "questions"), 49), "key"),
			    "q50");
	json_decref(got);
	/* a given key that is taken */
	q.key = "q7";
	int64_t t = survey(f, &w.ann_a, "csat_contact");
	q.key = "csat";
	assert_int_equal(survey_question_add(f->db, &w.ann_a, t, &q, &id, &err), BRUG_ECONFLICT);
	assert_string_equal(err.field, "key");
}

static int update_status(struct fx *f, const struct actor *who, int64_t s, const char *status,
			 struct brug_err *err)
{
	struct survey_fields sf = {.status = status};
	return survey_update(f->db, who, s, &sf, err);
}

static void test_status(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct brug_err err = {0};
	int64_t s = survey(f, &w.ann_a, NULL);
	assert_int_equal(update_status(f, &w.ann_a, s, "active", &err), BRUG_ECONFLICT);
	assert_string_equal(err.key, "error.survey_no_questions");
	assert_int_equal(update_status(f, &w.ann_a, s, "closed", &err), BRUG_ECONFLICT);
	assert_string_equal(err.field, "status");
	assert_int_equal(update_status(f, &w.ann_a, s, "paused", &err), BRUG_EVALIDATION);
	question(f, &w.ann_a, s, "nps", NULL);
	int64_t mark = fx_audit_mark(f);
	assert_int_equal(update_status(f, &w.ann_a, s, "active", &err), 0);
	fx_audit_one(f, mark, w.a, "survey.update", "survey", s, w.ann, "ann@acme.nl", "192.0.2.1",
		     "{\"name\":\"Klantonderzoek\",\"kind\":\"link\",\"status\":\"active\"}");
	assert_int_equal(update_status(f, &w.ann_a, s, "draft", &err), BRUG_ECONFLICT);
	struct survey_fields sf = {.kind = "relationship"};
	assert_int_equal(survey_update(f->db, &w.ann_a, s, &sf, &err), BRUG_ECONFLICT);
	assert_string_equal(err.field, "kind");
	sf = (struct survey_fields){.name = "Nieuwe naam", .intro_en = "Hello"};
	assert_int_equal(survey_update(f->db, &w.ann_a, s, &sf, &err), 0);
	assert_int_equal(update_status(f, &w.ann_a, s, "closed", &err), 0);
	assert_int_equal(update_status(f, &w.ann_a, s, "active", &err), 0);
	json_t *got = get(f, w.a, s);
	assert_string_equal(jx_str(got, "name"), "Nieuwe naam");
	assert_string_equal(jx_str(got, "intro_en"), "Hello");
	assert_string_equal(jx_str(got, "status"), "active");
	json_decref(got);
	/* the list filters by status */
	survey(f, &w.ann_a, "ces_contact");
	json_t *list = NULL;
	assert_int_equal(survey_list(f->db, w.a, "active", (struct listing){0}, &list), 0);
	assert_int_equal(jx_int(list, "total", 0), 1);
	assert_int_equal(jx_int(json_array_get(json_object_get(list, "items"), 0), "questions", 0), 1);
	json_decref(list);
	assert_int_equal(survey_list(f->db, w.a, NULL, (struct listing){0}, &list), 0);
	assert_int_equal(jx_int(list, "total", 0), 2);
	json_decref(list);
}

static void test_remove_and_retire(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct brug_err err = {0};
	int64_t s = survey(f, &w.ann_a, "nps_relationship");
	json_t *got = get(f, w.a, s);
	json_t *qs = json_object_get(got, "questions");
	int64_t reason = jx_int(json_array_get(qs, 1), "id", 0);
	int64_t better = jx_int(json_array_get(qs, 2), "id", 0);
	json_decref(got);
	bool retired = true;
	/* a draft's question is deleted */
	assert_int_equal(survey_question_remove(f->db, &w.ann_a, s, better, &retired, &err), 0);
	assert_false(retired);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM survey_questions WHERE survey_id = ?",
				DB_ARGS(DB_I(s))),
			 2);
	/* an active survey's question is retired: the row stays */
	assert_int_equal(update_status(f, &w.ann_a, s, "active", &err), 0);
	int64_t mark = fx_audit_mark(f);
	assert_int_equal(survey_question_remove(f->db, &w.ann_a, s, reason, &retired, &err), 0);
	assert_true(retired);
	char details[96];
	snprintf(details, sizeof(details), "{\"question_id\":%lld,\"key\":\"reason\"}",
		 (long long)reason);
	fx_audit_one(f, mark, w.a, "survey.question_retire", "survey", s, w.ann, "ann@acme.nl",
		     "192.0.2.1", details);
	got = get(f, w.a, s);
	assert_int_equal(json_array_size(json_object_get(got, "questions")), 1);
	json_t *r = json_array_get(json_object_get(got, "retired"), 0);
	assert_string_equal(jx_str(r, "key"), "reason");
	assert_non_null(jx_str(r, "retired_at"));
	json_decref(got);
	/* a retired question cannot be edited or moved */
	struct survey_question_fields q = {.text_nl = "Anders", .required = -1};
	assert_int_equal(survey_question_update(f->db, &w.ann_a, s, reason, &q, &err),
			 BRUG_ECONFLICT);
	assert_int_equal(survey_question_move(f->db, &w.ann_a, s, reason, -1, &err),
			 BRUG_ECONFLICT);
}

static void test_frozen_after_active(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct brug_err err = {0};
	int64_t s = survey(f, &w.ann_a, NULL);
	int64_t pick = question(f, &w.ann_a, s, "single",
				"{\"choices\":[{\"key\":\"a\",\"nl\":\"A\"},{\"key\":\"b\",\"nl\":\"B\"}]}");
	int64_t rate = question(f, &w.ann_a, s, "rating", "{\"min\":1,\"max\":5}");
	/* in a draft, everything may change */
	struct survey_question_fields q = {.type = "multiple", .required = 1};
	json_t *o = json_loads("{\"choices\":[{\"key\":\"a\",\"nl\":\"A\"},{\"key\":\"c\","
			       "\"nl\":\"C\"}]}", 0, NULL);
	q.options = o;
	assert_int_equal(survey_question_update(f->db, &w.ann_a, s, pick, &q, &err), 0);
	assert_int_equal(update_status(f, &w.ann_a, s, "active", &err), 0);
	static const struct {
		const char *key, *type, *options, *field;
	} frozen[] = {
		{"other", NULL, NULL, "key"},
		{NULL, "single", NULL, "type"},
		{NULL, NULL, "{\"choices\":[{\"key\":\"a\",\"nl\":\"A\"},{\"key\":\"d\",\"nl\":\"D\"}]}",
		 "options"},
		{NULL, NULL,
		 "{\"choices\":[{\"key\":\"a\",\"nl\":\"A\"},{\"key\":\"c\",\"nl\":\"C\"},{\"key\":"
		 "\"d\",\"nl\":\"D\"}]}",
		 "options"},
	};
	for (size_t i = 0; i < sizeof(frozen) / sizeof(frozen[0]); i++) {
		json_t *v = frozen[i].options ? json_loads(frozen[i].options, 0, NULL) : NULL;
		q = (struct survey_question_fields){.key = frozen[i].key, .type = frozen[i].type,
						    .options = v, .required = -1};
		int rc = survey_question_update(f->db, &w.ann_a, s, pick, &q, &err);
		json_decref(v);
		if (rc != BRUG_ECONFLICT || strcmp(err.field, frozen[i].field))
			fail_msg("case %zu: rc %d field %s", i, rc, err.field ? err.field : "-");
	}
	/* texts may change, choices may be renamed and reordered */
	json_decref(o);
	o = json_loads("{\"choices\":[{\"key\":\"c\",\"nl\":\"Zee\",\"en\":\"Sea\"},{\"key\":\"a\","
		       "\"nl\":\"Aa\"}]}", 0, NULL);
	q = (struct survey_question_fields){.text_en = "Pick", .options = o, .required = 0};
	assert_int_equal(survey_question_update(f->db, &w.ann_a, s, pick, &q, &err), 0);
	json_decref(o);
	/* a rating's scale is frozen, its labels are not */
	o = json_loads("{\"min\":1,\"max\":7}", 0, NULL);
	q = (struct survey_question_fields){.options = o, .required = -1};
	assert_int_equal(survey_question_update(f->db, &w.ann_a, s, rate, &q, &err),
			 BRUG_ECONFLICT);
	assert_string_equal(err.field, "options");
	json_decref(o);
	o = json_loads("{\"min\":1,\"max\":5,\"low_nl\":\"Slecht\"}", 0, NULL);
	q.options = o;
	assert_int_equal(survey_question_update(f->db, &w.ann_a, s, rate, &q, &err), 0);
	json_decref(o);
	json_t *got = get(f, w.a, s);
	json_t *p = json_array_get(json_object_get(got, "questions"), 0);
	assert_string_equal(jx_str(p, "type"), "multiple");
	assert_string_equal(jx_str(p, "text_en"), "Pick");
	assert_false(jx_bool(p, "required", true));
	fx_json_eq(json_object_get(p, "options"),
		   "{\"choices\":[{\"key\":\"c\",\"nl\":\"Zee\",\"en\":\"Sea\"},"
		   "{\"key\":\"a\",\"nl\":\"Aa\",\"en\":\"\"}]}");
	json_decref(got);
}

static void check_order(struct fx *f, int64_t org, int64_t s, const int64_t *want, size_t n)
{
	json_t *got = get(f, org, s);
	json_t *qs = json_object_get(got, "questions");
	assert_int_equal(json_array_size(qs), n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(jx_int(json_array_get(qs, i), "id", 0), want[i]);
	json_decref(got);
}

static void test_move(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct brug_err err = {0};
	int64_t s = survey(f, &w.ann_a, NULL);
	int64_t a = question(f, &w.ann_a, s, "nps", NULL);
	int64_t b = question(f, &w.ann_a, s, "text", NULL);
	int64_t c = question(f, &w.ann_a, s, "yesno", NULL);
	assert_int_equal(survey_question_move(f->db, &w.ann_a, s, a, -1, &err), 0);
	check_order(f, w.a, s, (int64_t[]){a, b, c}, 3);
	assert_int_equal(survey_question_move(f->db, &w.ann_a, s, a, 1, &err), 0);
	check_order(f, w.a, s, (int64_t[]){b, a, c}, 3);
	assert_int_equal(survey_question_move(f->db, &w.ann_a, s, c, -1, &err), 0);
	check_order(f, w.a, s, (int64_t[]){b, c, a}, 3);
	assert_int_equal(survey_question_move(f->db, &w.ann_a, s, a, 1, &err), 0);
	check_order(f, w.a, s, (int64_t[]){b, c, a}, 3);
	/* a question added after a deletion goes last */
	assert_int_equal(survey_question_remove(f->db, &w.ann_a, s, c, NULL, &err), 0);
	int64_t d = question(f, &w.ann_a, s, "csat", NULL);
	check_order(f, w.a, s, (int64_t[]){b, a, d}, 3);
}

static void test_other_org(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct brug_err err = {0};
	int64_t s = survey(f, &w.ann_a, "csat_contact");
	int64_t mine = survey(f, &w.cas_b, "ces_contact");
	json_t *got = get(f, w.a, s);
	int64_t q = jx_int(json_array_get(json_object_get(got, "questions"), 0), "id", 0);
	json_decref(got);
	int64_t mark = fx_audit_mark(f);
	assert_int_equal(survey_get(f->db, w.b, s, &got), BRUG_ENOTFOUND);
	struct survey_fields sf = {.name = "Mine"};
	assert_int_equal(survey_update(f->db, &w.cas_b, s, &sf, &err), BRUG_ENOTFOUND);
	struct survey_question_fields qf = {.type = "yesno", .text_nl = "?", .required = -1};
	int64_t id;
	assert_int_equal(survey_question_add(f->db, &w.cas_b, s, &qf, &id, &err), BRUG_ENOTFOUND);
	assert_int_equal(survey_question_update(f->db, &w.cas_b, s, q, &qf, &err), BRUG_ENOTFOUND);
	assert_int_equal(survey_question_remove(f->db, &w.cas_b, s, q, NULL, &err), BRUG_ENOTFOUND);
	assert_int_equal(survey_question_move(f->db, &w.cas_b, s, q, 1, &err), BRUG_ENOTFOUND);
	/* a's question through b's own survey */
	assert_int_equal(survey_question_update(f->db, &w.cas_b, mine, q, &qf, &err),
			 BRUG_ENOTFOUND);
	assert_int_equal(survey_question_remove(f->db, &w.cas_b, mine, q, NULL, &err),
			 BRUG_ENOTFOUND);
	fx_audit_none(f, mark);
	json_t *list = NULL;
	assert_int_equal(survey_list(f->db, w.b, NULL, (struct listing){0}, &list), 0);
	assert_int_equal(jx_int(list, "total", 0), 1);
	json_decref(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_templates),         FX_TEST(test_survey_checks),
		FX_TEST(test_question_checks),    FX_TEST(test_question_limit),
		FX_TEST(test_status),            FX_TEST(test_remove_and_retire),
		FX_TEST(test_frozen_after_active), FX_TEST(test_move),
		FX_TEST(test_other_org),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* API tests for surveys and their questions: who may make them, templates
 * that give their questions in Dutch and English, validation with field
 * names, another organisation's 404, the rules once a survey is active,
 * and the pages and forms a browser uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int64_t nps_id, empty_id, other_id;

static int64_t create(struct harness *h, enum as who, const char *body)
{
	struct result r;
	h_call(h, who, "POST", "/api/v1/surveys", NULL, body, NULL, &r);
	check_status(&r, 201);
	int64_t id = json_int_at(&r, "id");
	result_free(&r);
	return id;
}

static void test_create(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_MANAGER, "POST", "/api/v1/surveys", NULL,
	       "{\"template\":\"nps_relationship\",\"name\":\"NPS 2026\"}", NULL, &r);
	check_status(&r, 201);
	nps_id = json_int_at(&r, "id");
	check_json(&r, "kind", "relationship");
	check_json(&r, "status", "draft");
	check_json(&r, "template", "nps_relationship");
	check_json(&r, "questions.0.type", "nps");
	check_json(&r, "questions.0.options.min", "0");
	check_json(&r, "questions.0.options.max", "10");
	check_json(&r, "questions.1.text_nl", "Wat is de belangrijkste reden voor uw score?");
	check_json(&r, "questions.1.text_en", "What is the main reason for your score?");
	check_json(&r, "questions.2.text_en", "What should we do better?");
	check_json(&r, "owner_id", NULL);
	char loc[64];
	snprintf(loc, sizeof(loc), "/api/v1/surveys/%lld", (long long)nps_id);
	check_header(&r, "Location", loc);
	result_free(&r);
	/* a template's name in the caller's language when none is given */
	h_call(h, AS_ADMIN, "POST", "/api/v1/surveys", NULL, "{\"template\":\"ces_contact\"}",
	       "Accept-Language: en\n", &r);
	check_status(&r, 201);
	check_json(&r, "questions.0.type", "ces");
	check_json(&r, "questions.0.options.max", "7");
	check_json(&r, "kind", "transactional");
	result_free(&r);
	empty_id = create(h, AS_MANAGER, "{\"name\":\"Leeg\",\"kind\":\"link\"}");
	other_id = create(h, AS_OTHER, "{\"name\":\"Bolt\",\"template\":\"perception\"}");

	static const struct api_case cases[] = {
		{AS_EMPLOYEE, "POST", "/api/v1/surveys", "{\"name\":\"X\",\"kind\":\"link\"}", 403,
		 "error", "forbidden"},
		{AS_ANON, "POST", "/api/v1/surveys", "{\"name\":\"X\",\"kind\":\"link\"}", 401,
		 "error", "unauthenticated"},
		{AS_EMPLOYEE, "GET", "/api/v1/surveys", NULL, 403, "error", "forbidden"},
		{AS_MANAGER, "POST", "/api/v1/surveys", "{\"kind\":\"link\"}", 422, "fields.name",
		 "Dit veld is verplicht."},
		{AS_MANAGER, "POST", "/api/v1/surveys", "{\"name\":\"X\"}", 422, "fields.kind", NULL},
		{AS_MANAGER, "POST", "/api/v1/surveys", "{\"name\":\"X\",\"kind\":\"email\"}", 422,
		 "fields.kind", NULL},
		{AS_MANAGER, "POST", "/api/v1/surveys", "{\"name\":\"X\",\"template\":\"nope\"}", 422,
		 "fields.template", "Er is geen sjabloon met deze naam."},
		{AS_MANAGER, "POST", "/api/v1/surveys", "{\"name\":\"X\",\"kind\":\"link\","
		 "\"status\":\"active\"}", 422, "fields.status", NULL},
		{AS_MANAGER, "POST", "/api/v1/surveys", "{\"name\":\"X\",\"kind\":\"link\","
		 "\"settings\":{\"delay_hours\":3}}", 422, "fields.settings", NULL},
		{AS_MANAGER, "POST", "/api/v1/surveys", "{\"name\":\"X\",\"kind\":\"transactional\","
		 "\"settings\":{\"delay_hours\":3,\"channels\":[\"phone\"]}}", 201,
		 "settings.delay_hours", "3"},
		{AS_MANAGER, "POST", "/api/v1/surveys", "{\"name\":\"X\",\"kind\":\"link\","
		 "\"settings\":[]}", 422, "fields.settings", NULL},
		{AS_MANAGER, "POST", "/api/v1/surveys", "{\"name\":5,\"kind\":\"link\"}", 422,
		 "fields.name", NULL},
		{AS_MANAGER, "POST", "/api/v1/surveys", "{\"name\":\"X\",\"kind\":\"link\","
		 "\"owner_id\":999999}", 422, "fields.owner_id", NULL},
	};
	run_cases(h, cases, N(cases));
}

static void test_read_and_other_org(void **state)
{
	struct harness *h = *state;
	char own[64], theirs[64], theirs_q[96], theirs_move[128];
	snprintf(own, sizeof(own), "/api/v1/surveys/%lld", (long long)nps_id);
	snprintf(theirs, sizeof(theirs), "/api/v1/surveys/%lld", (long long)other_id);
	snprintf(theirs_q, sizeof(theirs_q), "%s/questions", theirs);
	struct result r;
	h_call(h, AS_OTHER, "GET", theirs, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "questions.4.type", "nps");
	check_json(&r, "questions.3.text_nl", "Mogen wij vaker \"nee\" zeggen? Waarom wel of niet?");
	int64_t q = json_int_at(&r, "questions.0.id");
	result_free(&r);
	snprintf(theirs_move, sizeof(theirs_move), "%s/questions/%lld/move", theirs, (long long)q);
	char theirs_one[128];
	snprintf(theirs_one, sizeof(theirs_one), "%s/questions/%lld", theirs, (long long)q);
	/* the same question through org 1's own survey */
	char mixed[128];
	snprintf(mixed, sizeof(mixed), "%s/questions/%lld", own, (long long)q);
	const struct api_case cases[] = {
		{AS_MANAGER, "GET", own, NULL, 200, "name", "NPS 2026"},
		{AS_MANAGER, "GET", theirs, NULL, 404, "error", "not_found"},
		{AS_ADMIN, "PATCH", theirs, "{\"name\":\"Mine\"}", 404, "error", "not_found"},
		{AS_ADMIN, "POST", theirs_q, "{\"type\":\"yesno\",\"text_nl\":\"?\"}", 404, "error",
		 "not_found"},
		{AS_ADMIN, "PATCH", theirs_one, "{\"text_nl\":\"?\"}", 404, "error", "not_found"},
		{AS_ADMIN, "DELETE", theirs_one, NULL, 404, "error", "not_found"},
		{AS_ADMIN, "POST", theirs_move, "{\"direction\":\"up\"}", 404, "error", "not_found"},
		{AS_ADMIN, "PATCH", mixed, "{\"text_nl\":\"?\"}", 404, "error", "not_found"},
		{AS_ADMIN, "DELETE", mixed, NULL, 404, "error", "not_found"},
		{AS_MANAGER, "GET", "/api/v1/surveys/abc", NULL, 404, "error", "not_found"},
		{AS_MANAGER, "GET", "/api/v1/surveys?status=draft", NULL, 200, "items.0.status",
		 "draft"},
		{AS_MANAGER, "GET", "/api/v1/surveys?status=active", NULL, 200, "total", "0"},
		{AS_MANAGER, "GET", "/api/v1/surveys?status=gone", NULL, 422, "error",
		 "validation_failed"},
		{AS_OTHER, "GET", "/api/v1/surveys", NULL, 200, "total", "1"},
	};
	run_cases(h, cases, N(cases));
}

static void test_questions(void **state)
{
	struct harness *h = *state;
	char qs[96];
	snprintf(qs, sizeof(qs), "/api/v1/surveys/%lld/questions", (long long)empty_id);
	static const char choice[] =
		"{\"type\":\"single\",\"text_nl\":\"Welk kanaal?\",\"text_en\":\"Which channel?\","
		"\"key\":\"channel\",\"required\":true,\"options\":{\"choices\":["
		"{\"key\":\"phone\",\"nl\":\"Telefoon\",\"en\":\"Phone\"},"
		"{\"key\":\"mail\",\"nl\":\"E-mail\",\"en\":\"Email\"}]}}";
	struct result r;
	h_call(h, AS_MANAGER, "POST", qs, NULL, choice, NULL, &r);
	check_status(&r, 201);
	check_json(&r, "questions.0.key", "channel");
	check_json(&r, "questions.0.required", "true");
	check_json(&r, "questions.0.options.choices.1.en", "Email");
	int64_t ch = json_int_at(&r, "question_id");
	result_free(&r);
	const struct api_case cases[] = {
		{AS_MANAGER, "POST", qs, "{\"type\":\"nps\",\"text_en\":\"Score?\"}", 201,
		 "questions.1.options.max", "10"},
		{AS_MANAGER, "POST", qs, "{\"type\":\"rating\",\"text_nl\":\"Cijfer\","
		 "\"options\":{\"min\":1,\"max\":10}}", 201, "questions.2.key", "q3"},
		{AS_EMPLOYEE, "POST", qs, "{\"type\":\"nps\",\"text_nl\":\"?\"}", 403, "error",
		 "forbidden"},
		{AS_MANAGER, "POST", qs, "{\"type\":\"slider\",\"text_nl\":\"?\"}", 422, "fields.type",
		 NULL},
		{AS_MANAGER, "POST", qs, "{\"text_nl\":\"?\"}", 422, "fields.type", NULL},
		{AS_MANAGER, "POST", qs, "{\"type\":\"nps\"}", 422, "fields.text_nl",
		 "Geef de vraag in het Nederlands, in het Engels of in beide."},
		{AS_MANAGER, "POST", qs, "{\"type\":\"nps\",\"text_nl\":\"?\",\"options\":{\"max\":5}}",
		 422, "fields.options", NULL},
		{AS_MANAGER, "POST", qs, "{\"type\":\"csat\",\"text_nl\":\"?\",\"options\":{\"min\":0}}",
		 422, "fields.options", NULL},
		{AS_MANAGER, "POST", qs, "{\"type\":\"single\",\"text_nl\":\"?\",\"options\":"
		 "{\"choices\":[{\"key\":\"a\",\"nl\":\"A\"},{\"key\":\"a\",\"nl\":\"B\"}]}}",
		 422, "fields.options", NULL},
		{AS_MANAGER, "POST", qs, "{\"type\":\"text\",\"text_nl\":\"?\",\"options\":7}", 422,
		 "fields.options", NULL},
		{AS_MANAGER, "POST", qs, "{\"type\":\"yesno\",\"text_nl\":\"?\",\"key\":\"channel\"}",
		 409, "fields.key", NULL},
		{AS_MANAGER, "POST", qs, "{\"type\":\"yesno\",\"text_nl\":\"?\",\"key\":\"Bad Key\"}",
		 422, "fields.key", NULL},
	};
	run_cases(h, cases, N(cases));

	/* move and change in a draft */
	char one[128], move[160];
	snprintf(one, sizeof(one), "%s/%lld", qs, (long long)ch);
	snprintf(move, sizeof(move), "%s/move", one);
	const struct api_case moves[] = {
		{AS_MANAGER, "POST", move, "{\"direction\":\"down\"}", 200, "questions.1.key",
		 "channel"},
		{AS_MANAGER, "POST", move, "{\"direction\":\"sideways\"}", 422, "fields.direction",
		 NULL},
		{AS_MANAGER, "POST", move, "{\"direction\":\"up\"}", 200, "questions.0.key",
		 "channel"},
		{AS_MANAGER, "POST", move, "{\"direction\":\"up\"}", 200, "questions.0.key",
		 "channel"},
		/* a draft: anything may change */
		{AS_MANAGER, "PATCH", one, "{\"type\":\"multiple\"}", 200, "questions.0.type",
		 "multiple"},
		{AS_MANAGER, "PATCH", one, "{\"text_en\":\"Channel?\",\"required\":false}", 200,
		 "questions.0.required", "false"},
	};
	run_cases(h, moves, N(moves));
}

static void test_active_rules(void **state)
{
	struct harness *h = *state;
	char s[64], qs[96];
	snprintf(s, sizeof(s), "/api/v1/surveys/%lld", (long long)empty_id);
	snprintf(qs, sizeof(qs), "%s/questions", s);
	struct result r;
	h_call(h, AS_MANAGER, "GET", s, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "questions.0.key", "channel");
	int64_t ch = json_int_at(&r, "questions.0.id");
	int64_t nps = json_int_at(&r, "questions.1.id");
	result_free(&r);
	char one[128], gone[128];
	snprintf(one, sizeof(one), "%s/%lld", qs, (long long)ch);
	snprintf(gone, sizeof(gone), "%s/%lld", qs, (long long)nps);
	const struct api_case cases[] = {
		{AS_MANAGER, "PATCH", s, "{\"status\":\"closed\"}", 409, "fields.status", NULL},
		{AS_MANAGER, "PATCH", s, "{\"status\":\"active\"}", 200, "status", "active"},
		{AS_MANAGER, "PATCH", s, "{\"status\":\"draft\"}", 409, "fields.status", NULL},
		{AS_MANAGER, "PATCH", s, "{\"kind\":\"relationship\"}", 409, "fields.kind", NULL},
		{AS_MANAGER, "PATCH", s, "{\"name\":\"\"}", 422, "fields.name", NULL},
		{AS_MANAGER, "PATCH", s, "{\"intro_nl\":\"Welkom\",\"thanks_en\":\"Thanks\"}", 200,
		 "intro_nl", "Welkom"},
		{AS_MANAGER, "PATCH", one, "{\"type\":\"single\"}", 409, "fields.type",
		 "De soort vraag kan niet meer veranderen nu de enquête actief is geweest."},
		{AS_MANAGER, "PATCH", one, "{\"key\":\"kanaal\"}", 409, "fields.key", NULL},
		{AS_MANAGER, "PATCH", one, "{\"options\":{\"choices\":[{\"key\":\"phone\",\"nl\":"
		 "\"Telefoon\"},{\"key\":\"chat\",\"nl\":\"Chat\"}]}}", 409, "fields.options", NULL},
		{AS_MANAGER, "PATCH", one, "{\"text_nl\":\"Via welk kanaal?\",\"options\":{\"choices\":"
		 "[{\"key\":\"mail\",\"nl\":\"Mail\"},{\"key\":\"phone\",\"nl\":\"Bellen\"}]}}", 200,
		 "questions.0.options.choices.1.nl", "Bellen"},
		/* removal retires: the question leaves the list, its row stays */
		{AS_MANAGER, "DELETE", gone, NULL, 200, "retired", "true"},
		{AS_MANAGER, "GET", s, NULL, 200, "retired.0.type", "nps"},
		{AS_MANAGER, "PATCH", gone, "{\"text_nl\":\"?\"}", 409, "error", "conflict"},
		{AS_MANAGER, "PATCH", s, "{\"status\":\"closed\"}", 200, "status", "closed"},
		{AS_MANAGER, "PATCH", s, "{\"status\":\"active\"}", 200, "status", "active"},
	};
	run_cases(h, cases, N(cases));
	/* the last live question stays: an active survey asks something */
	h_call(h, AS_MANAGER, "GET", s, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	json_t *live = json_incref(jpath(r.json, "questions"));
	result_free(&r);
	size_t n = json_array_size(live);
	assert_true(n >= 1);
	for (size_t i = 0; i < n; i++) {
		char q[128];
		snprintf(q, sizeof(q), "%s/%lld", qs,
			 (long long)json_integer_value(json_object_get(json_array_get(live, i), "id")));
		h_call(h, AS_MANAGER, "DELETE", q, NULL, NULL, NULL, &r);
		check_status(&r, i + 1 < n ? 200 : 409);
		result_free(&r);
	}
	json_decref(live);
	/* a draft's question is deleted outright */
	char nps_s[64];
	snprintf(nps_s, sizeof(nps_s), "/api/v1/surveys/%lld", (long long)nps_id);
	h_call(h, AS_MANAGER, "GET", nps_s, NULL, NULL, NULL, &r);
	int64_t q = json_int_at(&r, "questions.2.id");
	result_free(&r);
	char del[128];
	snprintf(del, sizeof(del), "%s/questions/%lld", nps_s, (long long)q);
	const struct api_case drafts[] = {
		{AS_MANAGER, "DELETE", del, NULL, 200, "retired", "false"},
		{AS_MANAGER, "GET", nps_s, NULL, 200, "questions.1.key", "reason"},
		{AS_MANAGER, "DELETE", del, NULL, 404, "error", "not_found"},
	};
	run_cases(h, drafts, N(drafts));
}

static void test_pages(void **state)
{
	struct harness *h = *state;
	char page[64], qs[96];
	snprintf(page, sizeof(page), "/surveys/%lld", (long long)nps_id);
	snprintf(qs, sizeof(qs), "%s/questions", page);
	const struct http_case cases[] = {
		{AS_SESSION, "GET", "/surveys", NULL, NULL, NULL, 200, NULL, NULL, "NPS 2026"},
		{AS_SESSION, "GET", "/surveys?status=closed", NULL, NULL, NULL, 200, NULL, NULL,
		 "Er zijn geen enquêtes met deze status."},
		{AS_SESSION, "GET", "/surveys/new", NULL, NULL, NULL, 200, NULL, NULL,
		 "Imago-onderzoek"},
		{AS_SESSION, "GET", page, NULL, NULL, NULL, 200, NULL, NULL,
		 "Wat is de belangrijkste reden voor uw score?"},
		{AS_SESSION, "GET", "/", NULL, NULL, NULL, 200, NULL, NULL, "href=\"/surveys\""},
		{AS_SESSION, "GET", page, NULL, NULL, NULL, 200, NULL, NULL, "Activeren"},
	};
	run_http_cases(h, cases, N(cases));
	struct result r;
	/* the new-survey form: a template, a redirect to the survey */
	h_form(h, AS_SESSION, NULL, "/surveys", "template=csat_contact&name=Na+contact&kind=", &r);
	check_status(&r, 303);
	assert_non_null(r.location);
	assert_non_null(strstr(r.location, "/surveys/"));
	result_free(&r);
	h_form(h, AS_SESSION, NULL, "/surveys", "template=&name=&kind=link", &r);
	check_status(&r, 422);
	check_body(&r, "Dit veld is verplicht.");
	result_free(&r);
	/* a value the form reader refuses (over 10 characters) is a 422, not a crash */
	h_form(h, AS_SESSION, NULL, qs, "type=text&text_nl=Toelichting&max_length=12345678901", &r);
	check_status(&r, 422);
	result_free(&r);
	h_form(h, AS_SESSION, NULL, qs, "type=text&text_nl=Toelichting&max_length=1%092", &r);
	check_status(&r, 422);
	result_free(&r);
	/* a choice question from the form's lines */
	h_form(h, AS_SESSION, NULL, qs,
	       "type=single&text_nl=Kanaal&text_en=&choices=tel%3A+Telefoon+%7C+Phone%0Amail%3A+"
	       "E-mail&min=1&max=5&max_length=2000",
	       &r);
	check_status(&r, 303);
	result_free(&r);
	char api[96];
	snprintf(api, sizeof(api), "/api/v1%s", page);
	h_call(h, AS_MANAGER, "GET", api, NULL, NULL, NULL, &r);
	check_json(&r, "questions.2.options.choices.0.key", "tel");
	check_json(&r, "questions.2.options.choices.0.en", "Phone");
	check_json(&r, "questions.2.options.choices.1.nl", "E-mail");
	result_free(&r);
	h_form(h, AS_SESSION, NULL, qs, "type=single&text_nl=Kanaal&choices=alleen", &r);
	check_status(&r, 422);
	check_body(&r, "Geef 2 tot 30 keuzes");
	result_free(&r);
	/* status buttons */
	h_form(h, AS_SESSION, NULL, page, "status=active", &r);
	check_status(&r, 303);
	result_free(&r);
	h_call(h, AS_SESSION, "GET", page, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "Actief");
	check_body(&r, "Buiten gebruik stellen");
	result_free(&r);
}

/* A relationship survey's schedule: set in the settings over the API and
 * over the page's form (presets in words or a custom expression, and the
 * selection), shown back with its next run, refused when it is no cron
 * expression or on another kind, and gone once the survey closes. */
static void test_schedule(void **state)
{
	struct harness *h = *state;
	int64_t id = create(h, AS_MANAGER, "{\"name\":\"Elk kwartaal\","
					   "\"template\":\"nps_relationship\"}");
	char api[64], page[64], body[200];
	snprintf(api, sizeof(api), "/api/v1/surveys/%lld", (long long)id);
	snprintf(page, sizeof(page), "/surveys/%lld", (long long)id);
	const struct api_case cases[] = {
		{AS_MANAGER, "PATCH", api, "{\"settings\":{\"schedule\":\"0 9 1 1,4,7,10 *\","
		 "\"relation_types\":[\"customer\"]}}", 200, "settings.schedule", "0 9 1 1,4,7,10 *"},
		/* a draft runs no waves yet */
		{AS_MANAGER, "GET", api, NULL, 200, "schedule_next_at", "null"},
		{AS_MANAGER, "PATCH", api, "{\"status\":\"active\"}", 200, "settings.relation_types.0",
		 "customer"},
		{AS_MANAGER, "PATCH", api, "{\"settings\":{\"schedule\":\"0 9 31 2 *\"}}", 422,
		 "fields.settings", NULL},
		{AS_MANAGER, "PATCH", api, "{\"settings\":{\"schedule\":\"maandelijks\"}}", 422,
		 "error", "validation_failed"},
		{AS_MANAGER, "PATCH", api, "{\"settings\":{\"schedule\":\"0 9 * *\"}}", 422,
		 "fields.settings", "Het schema is geen cron-uitdrukking die ooit draait (minuut uur dag"
		 " maand weekdag, bv. 0 9 1 * *)."},
		{AS_MANAGER, "PATCH", api, "{\"settings\":{\"owner_id\":999999}}", 422,
		 "fields.settings", NULL},
		{AS_MANAGER, "POST", "/api/v1/surveys", "{\"name\":\"X\",\"kind\":\"link\","
		 "\"settings\":{\"schedule\":\"0 9 1 * *\"}}", 422, "fields.settings", NULL},
		/* refused changes left it as it was */
		{AS_MANAGER, "GET", api, NULL, 200, "settings.schedule", "0 9 1 1,4,7,10 *"},
	};
	run_cases(h, cases, N(cases));
	struct result r;
	h_call(h, AS_MANAGER, "GET", api, NULL, NULL, NULL, &r);
	const char *next = json_string_value(jpath(r.json, "schedule_next_at"));
	assert_non_null(next);
	/* the 1st of a quarter's month, 09:00 in Amsterdam: 07:00 or 08:00 UTC */
	assert_true(strstr(next, "-01T07:00:00") || strstr(next, "-01T08:00:00"));
	result_free(&r);
	h_call(h, AS_SESSION, "GET", page, NULL, NULL, NULL, &r);
	check_body(&r, "Volgende ronde");
	check_body(&r, "<option value=\"0 9 1 1,4,7,10 *\" selected>Elk kwartaal");
	check_body(&r, "value=\"customer\" checked");
	result_free(&r);
	/* the form: a custom expression and a selection by tags and owner */
	snprintf(body, sizeof(body), "schedule_form=1&schedule=custom&schedule_custom=0+8+*+*+1"
		 "&schedule_tags=vip%%2C+goud&schedule_owner_id=%lld",
		 (long long)h->user[AS_MANAGER]);
	h_form(h, AS_SESSION, NULL, page, body, &r);
	check_status(&r, 303);
	result_free(&r);
	h_call(h, AS_MANAGER, "GET", api, NULL, NULL, NULL, &r);
	check_json(&r, "settings.schedule", "0 8 * * 1");
	check_json(&r, "settings.tags.1", "goud");
	assert_null(jpath(r.json, "settings.relation_types"));
	assert_int_equal(json_int_at(&r, "settings.owner_id"), h->user[AS_MANAGER]);
	result_free(&r);
	h_call(h, AS_SESSION, "GET", page, NULL, NULL, NULL, &r);
	check_body(&r, "value=\"0 8 * * 1\"");
	check_body(&r, "value=\"vip, goud\"");
	result_free(&r);
	/* a bad custom one, or none given: the form again with the message */
	h_form(h, AS_SESSION, NULL, page, "schedule_form=1&schedule=custom&schedule_custom=0+8", &r);
	check_status(&r, 422);
	check_body(&r, "id=\"schedule-error\"");
	result_free(&r);
	h_form(h, AS_SESSION, NULL, page, "schedule_form=1&schedule=custom&schedule_custom=", &r);
	check_status(&r, 422);
	check_body(&r, "id=\"schedule-custom-error\"");
	result_free(&r);
	/* no schedule, then closed: no next run */
	h_form(h, AS_SESSION, NULL, page, "schedule_form=1&schedule=&schedule_owner_id=", &r);
	check_status(&r, 303);
	result_free(&r);
	h_call(h, AS_MANAGER, "GET", api, NULL, NULL, NULL, &r);
	check_json(&r, "schedule_next_at", "null");
	assert_null(jpath(r.json, "settings.schedule"));
	/* the form sends its whole selection: no tags now */
	assert_null(jpath(r.json, "settings.tags"));
	result_free(&r);
	const struct api_case closing[] = {
		{AS_MANAGER, "PATCH", api, "{\"settings\":{\"schedule\":\"@monthly\"}}", 200,
		 "settings.schedule", "@monthly"},
		{AS_MANAGER, "GET", api, NULL, 200, "schedule_next_at", NULL},
		{AS_MANAGER, "PATCH", api, "{\"status\":\"closed\"}", 200, "schedule_next_at", "null"},
	};
	run_cases(h, closing, N(closing));
}

/* A transactional survey's after-a-contact form: the delay and the
 * channels and roles that ask for an invitation, back in its settings;
 * out-of-range hours and unknown channels refused. */
static void test_trigger_form(void **state)
{
	struct harness *h = *state;
	int64_t id = create(h, AS_MANAGER, "{\"template\":\"csat_contact\",\"name\":\"Na contact\"}");
	char page[64], api[64];
	snprintf(page, sizeof(page), "/surveys/%lld", (long long)id);
	snprintf(api, sizeof(api), "/api/v1/surveys/%lld", (long long)id);
	struct result r;
	h_call(h, AS_SESSION, "GET", page, NULL, NULL, "Accept: text/html\n", &r);
	check_status(&r, 200);
	check_body(&r, "id=\"trigger-title\"");
	check_body(&r, "name=\"trigger_roles\" value=\"telefonist\"");
	result_free(&r);
	h_form(h, AS_SESSION, NULL, page,
	       "trigger_form=1&trigger_delay_hours=4&trigger_channels=phone&trigger_channels=email"
	       "&trigger_roles=telefonist",
	       &r);
	check_status(&r, 303);
	result_free(&r);
	h_call(h, AS_MANAGER, "GET", api, NULL, NULL, NULL, &r);
	check_json(&r, "settings.delay_hours", "4");
	check_json(&r, "settings.channels.0", "phone");
	check_json(&r, "settings.channels.1", "email");
	check_json(&r, "settings.roles.0", "telefonist");
	result_free(&r);
	/* nothing ticked: any channel and role */
	h_form(h, AS_SESSION, NULL, page, "trigger_form=1&trigger_delay_hours=0", &r);
	check_status(&r, 303);
	result_free(&r);
	h_call(h, AS_MANAGER, "GET", api, NULL, NULL, NULL, &r);
	check_json(&r, "settings.delay_hours", "0");
	assert_null(jpath(r.json, "settings.channels"));
	result_free(&r);
	h_form(h, AS_SESSION, NULL, page, "trigger_form=1&trigger_delay_hours=900", &r);
	check_status(&r, 422);
	check_body(&r, "trigger-delay-error");
	result_free(&r);
	h_call(h, AS_MANAGER, "PATCH", api, NULL, "{\"settings\":{\"channels\":[\"fax\"]}}", NULL, &r);
	check_status(&r, 422);
	check_json(&r, "fields.settings", NULL);
	result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create),       cmocka_unit_test(test_read_and_other_org),
		cmocka_unit_test(test_questions),    cmocka_unit_test(test_active_rules),
		cmocka_unit_test(test_pages),        cmocka_unit_test(test_schedule),
		cmocka_unit_test(test_trigger_form),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

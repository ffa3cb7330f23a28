/* SPDX-License-Identifier: Apache-2.0 */
/* API tests for survey results: who may read a survey's results (managers
 * and administrators) and the organisation dashboard (everyone signed in),
 * another organisation's 404, 422s on bad from/to/grain/dim/group/theme,
 * the numbers after answers saved through survey_answer_save, the open
 * answers by score group and theme, and the pages a browser gets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#include "domain/survey_answer.h"
#include "util/clock.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int64_t survey_id;

/* An invitation of survey in status sent (the invitation module makes
 * them in production). */
static int64_t invitation(struct harness *h, int64_t survey, int64_t handler)
{
	int64_t now = clock_now_ms(), id = 0;
	assert_int_equal(db_int_query(h->db, &id,
				      "INSERT INTO survey_invitations (org_id, survey_id, status, lang,"
				      " handler_id, sent_at, expires_at, created_at, updated_at)"
				      " VALUES (?, ?, 'sent', 'nl', ?, ?, ?, ?, ?) RETURNING id",
				      DB_ARGS(DB_I(h->org), DB_I(survey), DB_I0(handler), DB_I(now),
					      DB_I(now + 86400000LL * 30), DB_I(now), DB_I(now))),
			 0);
	return id;
}

static void answer(struct harness *h, int64_t inv, const char *json)
{
	json_t *a = json_loads(json, 0, NULL);
	assert_non_null(a);
	struct survey_save res;
	struct brug_err err = {0};
	int rc = survey_answer_save(h->db, inv, a, true, &res, &err);
	json_decref(a);
	if (rc)
		fail_msg("save %s: %d %s %s", json, rc, err.key ? err.key : "", err.field ? err.field : "");
}

static void test_setup_answers(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_MANAGER, "POST", "/api/v1/surveys", NULL,
	       "{\"template\":\"nps_relationship\",\"name\":\"NPS 2026\"}", NULL, &r);
	check_status(&r, 201);
	survey_id = json_int_at(&r, "id");
	result_free(&r);
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/surveys/%lld", (long long)survey_id);
	h_call(h, AS_MANAGER, "PATCH", path, NULL, "{\"status\":\"active\"}", NULL, &r);
	check_status(&r, 200);
	result_free(&r);
	/* a team with the employee who handled the contacts */
	h_call(h, AS_MANAGER, "POST", "/api/v1/teams", NULL, "{\"name\":\"Binnendienst\"}", NULL, &r);
	check_status(&r, 201);
	int64_t team = json_int_at(&r, "id");
	result_free(&r);
	char body[96];
	snprintf(path, sizeof(path), "/api/v1/teams/%lld/members", (long long)team);
	snprintf(body, sizeof(body), "{\"user_id\":%lld}", (long long)h->user[AS_EMPLOYEE]);
	h_call(h, AS_MANAGER, "POST", path, NULL, body, NULL, &r);
	assert_true(r.status == 200 || r.status == 201);
	result_free(&r);
	/* 3 promoters, 1 passive, 2 detractors: NPS (3 - 2) / 6 = +17 */
	static const char *const answers[] = {
		"{\"nps\": 10, \"reason\": \"Heel vriendelijk en deskundig, uitstekend\"}",
		"{\"nps\": 9}",
		"{\"nps\": 9, \"reason\": \"Goed geholpen, vriendelijk\"}",
		"{\"nps\": 7}",
		"{\"nps\": 3, \"reason\": \"Slecht bereikbaar, de prijs is te hoog\"}",
		"{\"nps\": 0, \"reason\": \"Slecht bereikbaar en traag\"}",
	};
	for (size_t i = 0; i < N(answers); i++)
		answer(h, invitation(h, survey_id, i < 4 ? h->user[AS_EMPLOYEE] : 0), answers[i]);
}

static void test_access(void **state)
{
	struct harness *h = *state;
	char res[96], ans[96];
	snprintf(res, sizeof(res), "/api/v1/surveys/%lld/results", (long long)survey_id);
	snprintf(ans, sizeof(ans), "/api/v1/surveys/%lld/answers", (long long)survey_id);
	struct api_case cases[] = {
		{AS_ANON, "GET", res, NULL, 401, NULL, NULL},
		{AS_EMPLOYEE, "GET", res, NULL, 403, NULL, NULL},
		{AS_EMPLOYEE, "GET", ans, NULL, 403, NULL, NULL},
		{AS_MANAGER, "GET", res, NULL, 200, "survey.name", "NPS 2026"},
		{AS_ADMIN, "GET", res, NULL, 200, "questions.0.type", "nps"},
		{AS_OTHER, "GET", res, NULL, 404, "error", "not_found"},
		{AS_OTHER, "GET", ans, NULL, 404, "error", "not_found"},
		{AS_MANAGER, "GET", "/api/v1/surveys/999999/results", NULL, 404, NULL, NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/results", NULL, 200, "nps.n", "6"},
		{AS_OTHER, "GET", "/api/v1/results", NULL, 200, "nps.n", "0"},
		{AS_ANON, "GET", "/api/v1/results", NULL, 401, NULL, NULL},
	};
	run_cases(h, cases, N(cases));
}

static void test_bad_query(void **state)
{
	struct harness *h = *state;
	static const struct {
		const char *query, *field;
	} bad[] = {
		{"from=2026-02-30", "from"}, {"from=yesterday", "from"},  {"to=2026-13-01", "to"},
		{"from=2026-05-01&to=2026-04-01", "from"},                {"grain=d", "grain"},
		{"dim=colour", "dim"},       {"from=2000-01-01&to=2026-01-01", "to"},
	};
	for (size_t i = 0; i < N(bad); i++) {
		char target[160];
		snprintf(target, sizeof(target), "/api/v1/surveys/%lld/results?%s",
			 (long long)survey_id, bad[i].query);
		struct result r;
		h_call(h, AS_MANAGER, "GET", target, NULL, NULL, NULL, &r);
		check_status(&r, 422);
		char path[64];
		snprintf(path, sizeof(path), "fields.%s", bad[i].field);
		check_json(&r, path, NULL);
		result_free(&r);
	}
	struct api_case cases[] = {
		{AS_EMPLOYEE, "GET", "/api/v1/results?dim=tag", NULL, 422, "fields.dim", NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/results?grain=w&dim=team", NULL, 200, "range.grain", "w"},
	};
	run_cases(h, cases, N(cases));
	char target[160];
	struct result r;
	snprintf(target, sizeof(target), "/api/v1/surveys/%lld/answers?group=happy",
		 (long long)survey_id);
	h_call(h, AS_MANAGER, "GET", target, NULL, NULL, NULL, &r);
	check_status(&r, 422);
	check_json(&r, "fields.group", NULL);
	result_free(&r);
	snprintf(target, sizeof(target), "/api/v1/surveys/%lld/answers?theme=%%22x", (long long)survey_id);
	h_call(h, AS_MANAGER, "GET", target, NULL, NULL, NULL, &r);
	check_status(&r, 422);
	check_json(&r, "fields.theme", NULL);
	result_free(&r);
}

static void test_numbers(void **state)
{
	struct harness *h = *state;
	char target[160];
	struct result r;
	snprintf(target, sizeof(target), "/api/v1/surveys/%lld/results?dim=team",
		 (long long)survey_id);
	h_call(h, AS_MANAGER, "GET", target, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "questions.0.n", "6");
	check_json(&r, "questions.0.nps.promoters", "3");
	check_json(&r, "questions.0.nps.detractors", "2");
	check_json(&r, "questions.0.distribution.9.n", "2"); /* score 9 */
	check_json(&r, "questions.0.trend.0.n", "6");
	check_json(&r, "questions.0.trend.0.change.has_previous", "false");
	double v = json_real_value(jpath(r.json, "questions.0.value"));
	assert_true(v > 16.6 && v < 16.7);
	check_json(&r, "response.answered", "6");
	check_json(&r, "response.completed", "6");
	check_json(&r, "breakdown.dim", "team");
	check_json(&r, "breakdown.groups.0.name", "Binnendienst");
	check_json(&r, "breakdown.groups.0.n", "4");
	check_json(&r, "breakdown.groups.0.is_small", "true");
	/* themes sorted by mentions: bereikbaarheid and vriendelijkheid twice */
	check_json(&r, "themes.0.mentions", "2");
	json_t *themes = jpath(r.json, "themes");
	bool seen = false;
	size_t i;
	json_t *t;
	json_array_foreach(themes, i, t) {
		if (strcmp(json_string_value(json_object_get(t, "key")), "bereikbaarheid"))
			continue;
		seen = true;
		assert_int_equal(json_integer_value(json_object_get(t, "negative")), 2);
		/* those mentioning it: two detractors (-100); the rest: 3 promoters of 4 */
		assert_true(json_real_value(jpath(t, "with.value")) == -100.0);
		assert_true(json_real_value(jpath(t, "without.value")) == 75.0);
		assert_int_equal(json_integer_value(jpath(t, "without.n")), 4);
	}
	assert_true(seen);
	result_free(&r);
}

static void test_verbatims(void **state)
{
	struct harness *h = *state;
	char target[160];
	struct result r;
	snprintf(target, sizeof(target), "/api/v1/surveys/%lld/answers", (long long)survey_id);
	h_call(h, AS_MANAGER, "GET", target, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "total", "4");
	check_json(&r, "per_page", "20");
	result_free(&r);
	snprintf(target, sizeof(target), "/api/v1/surveys/%lld/answers?group=detractor",
		 (long long)survey_id);
	h_call(h, AS_MANAGER, "GET", target, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "total", "2");
	check_json(&r, "items.0.group", "detractor");
	check_json(&r, "items.1.group", "detractor");
	result_free(&r);
	snprintf(target, sizeof(target), "/api/v1/surveys/%lld/answers?theme=prijs",
		 (long long)survey_id);
	h_call(h, AS_MANAGER, "GET", target, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_json(&r, "total", "1");
	check_json(&r, "items.0.nps", "3");
	check_json(&r, "items.0.question_key", "reason");
	result_free(&r);
	snprintf(target, sizeof(target), "/api/v1/surveys/%lld/answers?theme=prijs&group=promoter",
		 (long long)survey_id);
	h_call(h, AS_MANAGER, "GET", target, NULL, NULL, NULL, &r);
	check_json(&r, "total", "0");
	result_free(&r);
}

static void test_pages(void **state)
{
	struct harness *h = *state;
	char target[160];
	struct result r;
	snprintf(target, sizeof(target), "/surveys/%lld/results", (long long)survey_id);
	h_call(h, AS_SESSION, "GET", target, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "NPS <strong>+17</strong> (95%: ");
	check_body(&r, "), 6 antwoorden");
	check_body(&r, "<meter");
	check_body(&r, "eerste periode");
	check_body(&r, "Bereikbaarheid");
	check_body(&r, "/answers\">Open antwoorden</a>");
	result_free(&r);
	snprintf(target, sizeof(target), "/surveys/%lld/results?dim=team&grain=w", (long long)survey_id);
	h_call(h, AS_SESSION, "GET", target, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "Binnendienst");
	check_body(&r, "te weinig antwoorden");
	result_free(&r);
	snprintf(target, sizeof(target), "/surveys/%lld/results?from=nope", (long long)survey_id);
	h_call(h, AS_SESSION, "GET", target, NULL, NULL, NULL, &r);
	check_status(&r, 422);
	check_body(&r, "JJJJ-MM-DD");
	result_free(&r);
	snprintf(target, sizeof(target), "/surveys/%lld/answers?group=detractor", (long long)survey_id);
	h_call(h, AS_SESSION, "GET", target, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "Slecht bereikbaar en traag");
	check_no_body(&r, "vriendelijk en deskundig");
	result_free(&r);
	h_call(h, AS_SESSION, "GET", "/results?dim=survey", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "NPS 2026");
	check_body(&r, "href=\"/results\" aria-current=\"page\"");
	result_free(&r);
	snprintf(target, sizeof(target), "/surveys/%lld", (long long)survey_id);
	h_call(h, AS_SESSION, "GET", target, NULL, NULL, NULL, &r);
	char link[96];
	snprintf(link, sizeof(link), "href=\"/surveys/%lld/results\"", (long long)survey_id);
	check_body(&r, link);
	result_free(&r);
}

static void test_exports(void **state)
{
	struct harness *h = *state;
	char target[160];
	struct result r;
	snprintf(target, sizeof(target), "/api/v1/surveys/%lld/answers.csv", (long long)survey_id);
	struct api_case cases[] = {
		{AS_EMPLOYEE, "GET", target, NULL, 403, NULL, NULL},
		{AS_OTHER, "GET", target, NULL, 404, "error", "not_found"},
	};
	run_cases(h, cases, N(cases));
	h_call(h, AS_MANAGER, "GET", target, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	assert_non_null(strstr(r.content_type, "text/csv"));
	check_body(&r, "uitnodiging,relatie_id,relatie,taal,verstuurd,beantwoord,afgerond,"
		       "behandelaar,rol,kanaal,nps,reason,better,themas,sentiment\r\n");
	check_body(&r, ",0,Slecht bereikbaar en traag,,bereikbaarheid; snelheid,-");
	check_body(&r, ",3,\"Slecht bereikbaar, de prijs is te hoog\",,bereikbaarheid; prijs,-");
	size_t lines = 0;
	for (const char *p = r.body; (p = strstr(p, "\r\n")); p += 2)
		lines++;
	assert_int_equal(lines, 7); /* the header and six invitations */
	result_free(&r);
	/* Excel: the cells read back with python3's zipfile and xml */
	snprintf(target, sizeof(target), "/api/v1/surveys/%lld/answers.xlsx", (long long)survey_id);
	h_call(h, AS_MANAGER, "GET", target, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	assert_non_null(strstr(r.content_type, "spreadsheetml"));
	char path[] = "/tmp/brug-test-xlsx-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	size_t n = r.body_len;
	assert_true(n > 100 && !memcmp(r.body, "PK", 2)); /* a zip file */
	assert_int_equal(fwrite(r.body, 1, n, f), n);
	fclose(f);
	result_free(&r);
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "python3 %s/xlsx_cells.py %s", getenv("BRUG_API_TESTDIR"), path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char out[16384];
	size_t got = fread(out, 1, sizeof(out) - 1, p);
	out[got] = '\0';
	assert_int_equal(pclose(p), 0);
	unlink(path);
	if (!strstr(out, "A1=s:uitnodiging\tB1=s:relatie_id") || !strstr(out, "K1=s:nps") ||
	    !strstr(out, "N1=s:themas") || !strstr(out, "K7=n:0\tL7=s:Slecht bereikbaar en traag") ||
	    !strstr(out, "A2=n:"))
		fail_msg("cells:\n%s", out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setup_answers), cmocka_unit_test(test_access),
		cmocka_unit_test(test_bad_query),     cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_verbatims),     cmocka_unit_test(test_pages),
		cmocka_unit_test(test_exports),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

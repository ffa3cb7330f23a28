/* SPDX-License-Identifier: Apache-2.0 */
/* Organisations are walls, for every route with an {id} in the route
 * table: a fresh real object of org 1 for each parameter (made through the
 * API, or rows as the product writes them), called by org 2's admin, on the
 * API and on the page, answers 404 and changes no row of org 1; the same
 * call by org 1's admin gets through (so the id was real). The fixtures
 * are found by the pattern up to the parameter: a route with a parameter
 * the table below does not know fails, naming what to add. Last, another
 * organisation's ids in the bodies of writes are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "access.h"
#include "api/routes.h"
#include "domain/survey_case.h"
#include "util/buf.h"
#include "util/clock.h"

static struct session admin, other;
static int seq; /* makes names unique */

static int64_t q_int(struct harness *h, const char *sql, const struct db_arg *args, size_t n)
{
	int64_t v = 0;
	if (db_int_query(h->db, &v, sql, args, n))
		fail_msg("fixture query failed: %s", sql);
	return v;
}

/* POSTs body to target as who and returns the id at path. */
static int64_t create_as(struct harness *h, enum as who, const char *target, const char *body,
			 const char *path)
{
	struct result r;
	h_call(h, who, "POST", target, NULL, body, NULL, &r);
	if (r.status != 201 && r.status != 200)
		fail_msg("fixture POST %s %s: %d %.300s", target, body, r.status, r.body);
	int64_t id = json_int_at(&r, path);
	result_free(&r);
	return id;
}

/* The same as org 1's admin. */
static int64_t create(struct harness *h, const char *target, const char *body, const char *path)
{
	return create_as(h, AS_ADMIN, target, body, path);
}

static int64_t make_user(struct harness *h, const int64_t *made)
{
	(void)made;
	char b[256];
	int n = ++seq;
	snprintf(b, sizeof(b),
		 "{\"email\":\"fixture%d@one.example\",\"name\":\"Fixture %d\",\"role\":\"employee\","
		 "\"password\":\"password-123\"}",
		 n, n);
	return create(h, "/api/v1/users", b, "id");
}

static int64_t make_team(struct harness *h, const int64_t *made)
{
	(void)made;
	char b[64];
	snprintf(b, sizeof(b), "{\"name\":\"Team %d\"}", ++seq);
	return create(h, "/api/v1/teams", b, "id");
}

/* A member of the team made for the first parameter. */
static int64_t make_member(struct harness *h, const int64_t *made)
{
	int64_t user = make_user(h, made);
	char t[96], b[64];
	snprintf(t, sizeof(t), "/api/v1/teams/%lld/members", (long long)made[0]);
	snprintf(b, sizeof(b), "{\"user_id\":%lld}", (long long)user);
	struct result r;
	h_call(h, AS_ADMIN, "POST", t, NULL, b, NULL, &r);
	if (r.status >= 300)
		fail_msg("fixture POST %s: %d %.300s", t, r.status, r.body);
	result_free(&r);
	return user;
}

static int64_t make_token(struct harness *h, const int64_t *made)
{
	(void)made;
	return create(h, "/api/v1/tokens", "{\"name\":\"fixture\"}", "id");
}

static int64_t make_relation(struct harness *h, const int64_t *made)
{
	(void)made;
	char b[96];
	snprintf(b, sizeof(b), "{\"kind\":\"person\",\"name\":\"Jan %d\"}", ++seq);
	return create(h, "/api/v1/relations", b, "id");
}

static int64_t make_interaction(struct harness *h, const int64_t *made)
{
	char b[192];
	snprintf(b, sizeof(b), "{\"person_id\":%lld,\"channel\":\"phone\",\"direction\":\"in\",\"subject\":\"Vraag\"}",
		 (long long)make_relation(h, made));
	return create(h, "/api/v1/interactions", b, "id");
}

static int64_t make_custom_field(struct harness *h, const int64_t *made)
{
	(void)made;
	char b[128];
	snprintf(b, sizeof(b), "{\"name\":\"veld%d\",\"label\":\"Veld\",\"type\":\"text\"}", ++seq);
	return create(h, "/api/v1/custom-fields", b, "id");
}

static int64_t make_task(struct harness *h, const int64_t *made)
{
	(void)made;
	return create(h, "/api/v1/tasks", "{\"title\":\"Terugbellen\"}", "id");
}

static int64_t make_survey(struct harness *h, const int64_t *made)
{
	(void)made;
	char b[96];
	snprintf(b, sizeof(b), "{\"template\":\"nps_relationship\",\"name\":\"Survey %d\"}", ++seq);
	return create(h, "/api/v1/surveys", b, "id");
}

/* A question of the survey made for the first parameter. */
static int64_t make_question(struct harness *h, const int64_t *made)
{
	char t[64];
	snprintf(t, sizeof(t), "/api/v1/surveys/%lld", (long long)made[0]);
	struct result r;
	h_call(h, AS_ADMIN, "GET", t, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	int64_t id = json_int_at(&r, "questions.0.id");
	result_free(&r);
	return id;
}

static int64_t make_webhook(struct harness *h, const int64_t *made)
{
	(void)made;
	return create(h, "/api/v1/webhooks",
		      "{\"url\":\"http://127.0.0.1:9/hook\",\"events\":[\"answer.received\"]}", "id");
}

/* A detractor's answered invitation and its case, as the answer path
 * opens one. */
static int64_t make_case(struct harness *h, const int64_t *made)
{
	int64_t survey = make_survey(h, made), rel = make_relation(h, made);
	int64_t now = clock_now_ms(), org = h->org;
	int64_t inv = q_int(h,
			    "INSERT INTO survey_invitations (org_id, survey_id, relation_id, handler_id,"
			    " status, channel, sent_at, answered_at, expires_at, created_at, updated_at)"
			    " VALUES (?, ?, ?, ?, 'sent', 'phone', ?, ?, ?, ?, ?) RETURNING id",
			    DB_ARGS(DB_I(org), DB_I(survey), DB_I(rel), DB_I(h->user[AS_EMPLOYEE]),
				    DB_I(now), DB_I(now), DB_I(now + 1000000), DB_I(now), DB_I(now)));
	int64_t nps = q_int(h,
			    "SELECT id FROM survey_questions WHERE org_id = ? AND survey_id = ?"
			    " AND type = 'nps'",
			    DB_ARGS(DB_I(org), DB_I(survey)));
	assert_int_equal(db_exec(h->db,
				 "INSERT INTO survey_answers (org_id, invitation_id, question_id, score,"
				 " answered_at) VALUES (?, ?, ?, 2, ?)",
				 DB_ARGS(DB_I(org), DB_I(inv), DB_I(nps), DB_I(now))),
			 0);
	int64_t id = 0;
	assert_int_equal(db_begin(h->db), 0);
	assert_int_equal(survey_case_open(h->db, org, inv, 2, &id, NULL), 0);
	assert_int_equal(db_commit(h->db), 0);
	return id;
}

/* A job that failed for good, as the queue parks one. */
static int64_t make_job(struct harness *h, const int64_t *made)
{
	(void)made;
	int64_t now = clock_now_ms();
	return q_int(h,
		     "INSERT INTO jobs (org_id, kind, payload, state, run_at, attempts, max_attempts,"
		     " last_error, created_at, updated_at, finished_at)"
		     " VALUES (?, 'probe', '{}', 'failed', ?, 2, 2, 'boom', ?, ?, ?) RETURNING id",
		     DB_ARGS(DB_I(h->org), DB_I(now), DB_I(now), DB_I(now), DB_I(now)));
}

/* A mail that could not be sent. */
static int64_t make_mail(struct harness *h, const int64_t *made)
{
	(void)made;
	int64_t now = clock_now_ms();
	return q_int(h,
		     "INSERT INTO mail_outbox (org_id, kind, to_addr, subject, message, status,"
		     " attempts, last_error, created_at, updated_at)"
		     " VALUES (?, 'test', 'klant@example.org', 'Test', 'Subject: Test\r\n\r\nHoi\r\n',"
		     " 'failed', 3, 'refused', ?, ?) RETURNING id",
		     DB_ARGS(DB_I(h->org), DB_I(now), DB_I(now)));
}

/* An upload waiting for its confirmation, org 1's admin's (the user the
 * page's session and the API token belong to). */
static int64_t upload(struct harness *h, const char *kind, const char *text)
{
	return q_int(h,
		     "INSERT INTO import_uploads (org_id, user_id, kind, filename, charset, content,"
		     " created_at) VALUES (?, ?, ?, 'upload.csv', 'UTF-8', ?, ?) RETURNING id",
		     DB_ARGS(DB_I(h->org), DB_I(h->user[AS_ADMIN]), DB_T(kind), DB_T(text),
			     DB_I(clock_now_ms())));
}

static int64_t make_relations_upload(struct harness *h, const int64_t *made)
{
	(void)made;
	return upload(h, "relations", "naam;email\nJan Jansen;jan@example.org\n");
}

static int64_t make_cdr_upload(struct harness *h, const int64_t *made)
{
	(void)made;
	return upload(h, "cdr",
		      "\"\",\"0612345678\",\"201\",\"from-external\",\"\",\"SIP/a\",\"SIP/201\","
		      "\"Dial\",\"\",\"2026-03-02 09:15:00\",\"2026-03-02 09:15:05\","
		      "\"2026-03-02 09:20:00\",300,295,\"ANSWERED\",\"DOCUMENTATION\",\"1.1\",\"\"\n");
}

/* The pattern up to a parameter's "{" -> what the parameter names. */
struct fixture {
	const char *prefix;
	int64_t (*make)(struct harness *h, const int64_t *made); /* made: earlier params */
	const char *why; /* when make is NULL: why there is no object to make */
};

static const struct fixture fixtures[] = {
	{"/users/", make_user, NULL},
	{"/teams/", make_team, NULL},
	{"/teams/{id}/members/", make_member, NULL},
	{"/tokens/", make_token, NULL},
	{"/relations/import/", make_relations_upload, NULL},
	{"/interactions/import/", make_cdr_upload, NULL},
	{"/relations/", make_relation, NULL},
	{"/interactions/", make_interaction, NULL},
	{"/custom-fields/", make_custom_field, NULL},
	{"/tasks/", make_task, NULL},
	{"/surveys/", make_survey, NULL},
	{"/surveys/{id}/questions/", make_question, NULL},
	{"/webhooks/", make_webhook, NULL},
	{"/cases/", make_case, NULL},
	{"/jobs/", make_job, NULL},
	{"/outbox/", make_mail, NULL},
	{"/s/", NULL, "public: the signed token is the key (test_answers)"},
	{"/static/", NULL, "public: a file name"},
};

static const struct fixture *fixture_for(const struct route *r, const char *brace)
{
	size_t len = (size_t)(brace - r->pattern);
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		if (strlen(fixtures[i].prefix) == len && !strncmp(fixtures[i].prefix, r->pattern, len))
			return &fixtures[i];
	fail_msg("%s %s: no fixture for the parameter after \"%.*s\": add a make_ function and a "
		 "line for it to fixtures[] in tests/api/test_access_orgs.c, so other "
		 "organisations are checked against it",
		 r->method, r->pattern, (int)len, r->pattern);
	return NULL;
}

/* The route's path with fresh org 1 objects for its parameters; false when
 * a parameter is not an object (public routes). */
static bool real_target(struct harness *h, const struct route *r, bool api, char *out, size_t n)
{
	int64_t made[ROUTE_MAX_PARAMS] = {0};
	size_t k = 0, w = (size_t)snprintf(out, n, "%s", api ? "/api/v1" : "");
	for (const char *p = r->pattern; *p && w + 24 < n;) {
		if (*p != '{') {
			out[w++] = *p++;
			continue;
		}
		const struct fixture *f = fixture_for(r, p);
		if (!f->make)
			return false;
		assert_true(k < ROUTE_MAX_PARAMS);
		made[k] = f->make(h, made);
		w += (size_t)snprintf(out + w, n - w, "%lld", (long long)made[k++]);
		p = strchr(p, '}') + 1;
	}
	out[w] = '\0';
	return true;
}

/* Valid bodies for the writes whose handlers read the body before they
 * look the object up: with these, the wall answers and not the validation
 * (and org 1's admin's call succeeds). A "%lld" is a fresh object of make.
 * Other writes are sent "{}" or "x=1". */
struct valid_body {
	const char *method, *pattern;
	const char *json, *form;
	int64_t (*make)(struct harness *h, const int64_t *made);
};

static const struct valid_body bodies[] = {
	{"POST", "/users/{id}/password", "{\"password\":\"password-456\"}", "password=password-456",
	 NULL},
	{"POST", "/teams/{id}/members", "{\"user_id\":%lld}", "user_id=%lld", make_user},
	{"POST", "/relations/{id}/merge", "{\"from\":%lld}", "from=%lld", make_relation},
	{"POST", "/relations/{id}/not-duplicate", "{\"other\":%lld}", "other=%lld", make_relation},
	{"POST", "/surveys/{id}/questions", "{\"type\":\"text\",\"text_nl\":\"Wat kan beter?\"}",
	 "type=text&text_nl=Wat+kan+beter", NULL},
	{"POST", "/surveys/{id}/questions/{qid}/move", "{\"direction\":\"down\"}", "direction=down",
	 NULL},
	{"POST", "/cases/{id}/notes", "{\"body\":\"Teruggebeld\"}", "body=Teruggebeld", NULL},
};

/* The valid body of r in out, or false when it has none. */
static bool valid_body(struct harness *h, const struct route *r, bool api, char *out, size_t n)
{
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		const struct valid_body *b = &bodies[i];
		if (strcmp(b->method, r->method) || strcmp(b->pattern, r->pattern))
			continue;
		long long id = b->make ? (long long)b->make(h, NULL) : 0;
		snprintf(out, n, api ? b->json : b->form, id);
		return true;
	}
	return false;
}

/* Bodies that fail validation, for writes that answer a bad body before
 * (or without) looking at the object: another organisation's admin must
 * get 404 or exactly the owner's answer, never a different message. */
struct bad_body {
	const char *pattern; /* every write route with this pattern */
	const char *json, *form;
};

static const struct bad_body bad_bodies[] = {
	{"/users/{id}", "{\"role\":\"emperor\"}", "role=emperor"},
	{"/teams/{id}", "{\"name\":\"\"}", "name="},
	{"/relations/{id}", "{\"owner_id\":-1}", "owner_id=-1"},
	{"/interactions/{id}", "{\"channel\":\"pigeon\"}", "channel=pigeon"},
	{"/tasks/{id}", "{\"status\":\"maybe\"}", "status=maybe"},
	{"/surveys/{id}", "{\"status\":\"maybe\"}", "status=maybe"},
	{"/surveys/{id}/questions/{qid}", "{\"type\":\"riddle\"}", "type=riddle"},
	{"/surveys/{id}/invitations", "{\"owner_id\":-1}", "owner_id=-1"},
	{"/cases/{id}", "{\"status\":\"maybe\"}", "status=maybe"},
	{"/webhooks/{id}", "{\"url\":\"\"}", "url="},
};

static const char *bad_body(const struct route *r, bool api)
{
	if (!access_is_write(r) || !strcmp(r->method, "DELETE"))
		return NULL;
	for (size_t i = 0; i < sizeof(bad_bodies) / sizeof(bad_bodies[0]); i++)
		if (!strcmp(bad_bodies[i].pattern, r->pattern))
			return api ? bad_bodies[i].json : bad_bodies[i].form;
	return NULL;
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every row of every table with an org_id, of org: sorted, as text. */
static char *snapshot(struct harness *h, int64_t org)
{
	const char *tables_sql =
		strcmp(db_backend(h->db), "postgres")
			? "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c"
			  " WHERE m.type = 'table' AND c.name = 'org_id' ORDER BY 1"
			: "SELECT table_name FROM information_schema.columns WHERE column_name = 'org_id'"
			  " AND table_schema = current_schema() ORDER BY 1";
	struct db_rows *rows;
	char *tables[128];
	size_t nt = 0;
	assert_int_equal(db_query(h->db, &rows, tables_sql, NULL, 0), 0);
	while (db_next(rows) == 1 && nt < 128)
		tables[nt++] = strdup(db_text(rows, 0));
	db_rows_free(rows);
	assert_true(nt >= 20 && nt < 128);
	struct buf all;
	buf_init(&all, 0);
	for (size_t t = 0; t < nt; t++) {
		char sql[256];
		snprintf(sql, sizeof(sql), "SELECT * FROM %s WHERE org_id = ?", tables[t]);
		assert_int_equal(db_query(h->db, &rows, sql, DB_ARGS(DB_I(org))), 0);
		char **lines = NULL;
		size_t nl = 0;
		while (db_next(rows) == 1) {
			struct buf line;
			buf_init(&line, 0);
			for (int c = 0; c < db_columns(rows); c++) {
				buf_adds(&line, c ? " | " : "");
				if (db_null(rows, c))
					buf_adds(&line, "<null>");
				else
					buf_add(&line, db_text(rows, c), db_text_len(rows, c));
			}
			lines = realloc(lines, (nl + 1) * sizeof(*lines));
			lines[nl++] = buf_take(&line, NULL);
		}
		db_rows_free(rows);
		if (nl)
			qsort(lines, nl, sizeof(*lines), by_text);
		buf_printf(&all, "== %s\n", tables[t]);
		for (size_t i = 0; i < nl; i++) {
			buf_printf(&all, "%s\n", lines[i]);
			free(lines[i]);
		}
		free(lines);
		free(tables[t]);
	}
	return buf_take(&all, NULL);
}

static void test_sessions(void **state)
{
	h_login(*state, AS_ADMIN, &admin);
	h_login(*state, AS_OTHER, &other);
}

/* The first line where two snapshots differ, for the failure message. */
static void first_difference(const char *a, const char *b, struct buf *out)
{
	const char *line = a, *table = a;
	size_t i = 0;
	for (; a[i] && a[i] == b[i]; i++)
		if (a[i] == '\n') {
			line = a + i + 1;
			if (!strncmp(line, "== ", 3))
				table = line;
		}
	buf_printf(out, "    %.*s\n    before: %.*s\n    after:  %.*s\n", (int)strcspn(table, "\n"),
		   table, (int)strcspn(line, "\n"), line, (int)strcspn(b + (line - a), "\n"),
		   b + (line - a));
}

static bool is_not_found(const struct result *res, bool api)
{
	return res->status == 404 &&
	       (!api || !strcmp(json_string_value(jpath(res->json, "error")), "not_found"));
}

/* The same answer: status, and an API error's code and message. */
static bool same_answer(const struct result *a, const struct result *b, bool api)
{
	if (a->status != b->status)
		return false;
	if (!api)
		return true;
	const char *ea = json_string_value(jpath(a->json, "error"));
	const char *eb = json_string_value(jpath(b->json, "error"));
	const char *ma = json_string_value(jpath(a->json, "message"));
	const char *mb = json_string_value(jpath(b->json, "message"));
	return ea && eb && ma && mb && !strcmp(ea, eb) && !strcmp(ma, mb);
}

/* One route in one namespace. Org 2's admin, with the route's valid body
 * (or "{}"/"x=1"): 404 and no row of org 1 changed. With "{}"/"x=1", where
 * the handler validates first, org 2's admin must get exactly what org 1's
 * admin gets for it (so the answer tells nothing about the object). Then
 * org 1's admin gets through. What goes wrong is added to problems. */
static void check_route(struct harness *h, const struct route *r, bool api, struct buf *problems,
			size_t *checked)
{
	char target[256];
	if (!real_target(h, r, api, target, sizeof(target)))
		return;
	char body[256];
	bool valid = valid_body(h, r, api, body, sizeof(body));
	char *before = snapshot(h, h->org);
	struct result res, bare;
	access_call(h, r, api, C_OTHER, &other, target, NULL, &bare);
	if (valid) {
		access_call(h, r, api, C_OTHER, &other, target, body, &res);
		if (!is_not_found(&res, api))
			buf_printf(problems,
				   "%s %s %s as another organisation's admin: want 404; got %d %.200s\n",
				   r->method, target, body, res.status, res.body);
		result_free(&res);
	} else if (!is_not_found(&bare, api)) {
		buf_printf(problems,
			   "%s %s as another organisation's admin: want 404 (or, when the handler "
			   "validates first, give the route a valid body in bodies[]); got %d %.200s\n",
			   r->method, target, bare.status, bare.body);
	}
	char *after = snapshot(h, h->org);
	if (strcmp(before, after)) {
		buf_printf(problems, "%s %s as another organisation's admin changed org 1's rows:\n",
			   r->method, target);
		first_difference(before, after, problems);
	}
	free(before);
	free(after);
	if (!is_not_found(&bare, api)) {
		access_call(h, r, api, C_ADMIN, &admin, target, NULL, &res);
		if (!same_answer(&bare, &res, api))
			buf_printf(problems,
				   "%s %s with the bare body: another organisation's admin gets %d %.200s; "
				   "the organisation's own admin %d %.200s\n",
				   r->method, target, bare.status, bare.body, res.status, res.body);
		result_free(&res);
	}
	result_free(&bare);
	const char *bad = bad_body(r, api);
	if (bad) {
		access_call(h, r, api, C_OTHER, &other, target, bad, &bare);
		access_call(h, r, api, C_ADMIN, &admin, target, bad, &res);
		if (!is_not_found(&bare, api) && !same_answer(&bare, &res, api))
			buf_printf(problems,
				   "%s %s %s: another organisation's admin gets %d %.200s; the "
				   "organisation's own admin %d %.200s\n",
				   r->method, target, bad, bare.status, bare.body, res.status, res.body);
		if (res.status != 422)
			buf_printf(problems, "%s %s %s: want 422 for the owner; got %d %.200s\n",
				   r->method, target, bad, res.status, res.body);
		result_free(&bare);
		result_free(&res);
	}
	bool ran = access_call(h, r, api, C_ADMIN, &admin, target, valid ? body : NULL, &res);
	if (!ran || res.status == 401 || res.status == 403 || res.status == 404 ||
	    res.status >= 500 || (valid && res.status >= 400))
		buf_printf(problems,
			   "%s %s as the organisation's own admin: want it to get through; got %d "
			   "%.200s\n",
			   r->method, target, res.status, res.body);
	result_free(&res);
	(*checked)++;
}

static void test_other_org(void **state)
{
	struct harness *h = *state;
	size_t checked = 0;
	struct buf problems;
	buf_init(&problems, 0);
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		if (!strchr(r->pattern, '{'))
			continue;
		if (access_api_visible(r))
			check_route(h, r, true, &problems, &checked);
		if (access_page_visible(r))
			check_route(h, r, false, &problems, &checked);
	}
	if (problems.len) {
		fprintf(stderr, "%s", buf_str(&problems));
		fail_msg("another organisation's objects are not walled off: the list is above");
	}
	buf_cleanup(&problems);
	assert_true(checked >= 60);
}

/* What an id in a body refers to, org 1's or org 2's. */
enum ref { REF_USER, REF_RELATION, REF_INTERACTION };

static int64_t ref_of(struct harness *h, enum ref k, bool theirs)
{
	if (k == REF_USER)
		return theirs ? h->user[AS_OTHER] : h->user[AS_EMPLOYEE];
	enum as who = theirs ? AS_OTHER : AS_ADMIN;
	int64_t rel = create_as(h, who, "/api/v1/relations", "{\"kind\":\"person\",\"name\":\"Piet\"}",
				"id");
	if (k == REF_RELATION)
		return rel;
	char b[192];
	snprintf(b, sizeof(b),
		 "{\"person_id\":%lld,\"channel\":\"phone\",\"direction\":\"in\",\"subject\":\"Vraag\"}",
		 (long long)rel);
	return create_as(h, who, "/api/v1/interactions", b, "id");
}

/* Writes by org 1's admin naming another organisation's object in the
 * body: target's "%lld" is a fresh object of make (org 1's), body's the
 * referenced one. */
struct foreign_ref {
	const char *method, *target;
	int64_t (*make)(struct harness *h, const int64_t *made);
	const char *body;
	enum ref ref;
};

static const struct foreign_ref foreign_refs[] = {
	{"POST", "/api/v1/teams/%lld/members", make_team, "{\"user_id\":%lld}", REF_USER},
	{"POST", "/api/v1/relations/%lld/merge", make_relation, "{\"from\":%lld}", REF_RELATION},
	{"POST", "/api/v1/relations/%lld/not-duplicate", make_relation, "{\"other\":%lld}",
	 REF_RELATION},
	{"PATCH", "/api/v1/relations/%lld", make_relation, "{\"owner_id\":%lld}", REF_USER},
	{"POST", "/api/v1/relations", NULL, "{\"kind\":\"person\",\"name\":\"Kees\",\"owner_id\":%lld}",
	 REF_USER},
	{"POST", "/api/v1/interactions", NULL,
	 "{\"person_id\":%lld,\"channel\":\"phone\",\"direction\":\"in\",\"subject\":\"Vraag\"}",
	 REF_RELATION},
	{"POST", "/api/v1/tasks", NULL, "{\"title\":\"Bellen\",\"assignee_id\":%lld}", REF_USER},
	{"POST", "/api/v1/tasks", NULL, "{\"title\":\"Bellen\",\"relation_id\":%lld}", REF_RELATION},
	{"POST", "/api/v1/tasks", NULL, "{\"title\":\"Bellen\",\"interaction_id\":%lld}",
	 REF_INTERACTION},
	{"PATCH", "/api/v1/cases/%lld", make_case, "{\"assignee_id\":%lld}", REF_USER},
	{"POST", "/api/v1/surveys", NULL,
	 "{\"template\":\"nps_relationship\",\"name\":\"Eigen\",\"owner_id\":%lld}", REF_USER},
};

/* Another organisation's id in a body is refused (4xx, no row of either
 * organisation changed); the same body with one's own id works. */
static void test_foreign_ids(void **state)
{
	struct harness *h = *state;
	for (size_t i = 0; i < sizeof(foreign_refs) / sizeof(foreign_refs[0]); i++) {
		const struct foreign_ref *f = &foreign_refs[i];
		for (int theirs = 1; theirs >= 0; theirs--) {
			char target[128], body[256];
			snprintf(target, sizeof(target), f->target,
				 f->make ? (long long)f->make(h, NULL) : 0LL);
			snprintf(body, sizeof(body), f->body, (long long)ref_of(h, f->ref, theirs));
			char *before = snapshot(h, h->org), *before2 = snapshot(h, h->org2);
			struct result r;
			h_call(h, AS_ADMIN, f->method, target, NULL, body, NULL, &r);
			char *after = snapshot(h, h->org), *after2 = snapshot(h, h->org2);
			if (theirs && (r.status < 400 || r.status >= 500 || strcmp(before, after) ||
				       strcmp(before2, after2)))
				fail_msg("%s %s %s names another organisation's object: want a 4xx and "
					 "nothing changed; got %d %.300s",
					 f->method, target, body, r.status, r.body);
			if (!theirs && (r.status < 200 || r.status >= 300))
				fail_msg("%s %s %s with one's own object: want it done; got %d %.300s",
					 f->method, target, body, r.status, r.body);
			result_free(&r);
			free(before);
			free(after);
			free(before2);
			free(after2);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_other_org),
		cmocka_unit_test(test_foreign_ids),
	};
	return cmocka_run_group_tests(tests, access_setup, access_teardown);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* API tests for relation exports: CSV that reads back (csvx) with the same
 * names, emails and phones, formula protection, the Excel variant and the
 * header language; JSON that equals GET; vCard 4.0 of one relation and of
 * many, in RFC 6350's shape (CRLF, folding, UID, REV, KIND), read back by
 * vcard_parse; selections by ids and by the list's filters; other
 * organisations' relations; bad parameters; downloads for browsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "util/csv.h"
#include "util/vcard.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int64_t acme, jan, evil, old, other_rel;

static void assert_starts(const char *s, const char *prefix)
{
	if (strncmp(s, prefix, strlen(prefix)))
		fail_msg("expected to start with:\n%s\ngot:\n%.300s", prefix, s);
}

static int64_t create(struct harness *h, enum as who, const char *body)
{
	struct result r;
	h_call(h, who, "POST", "/api/v1/relations", NULL, body, NULL, &r);
	check_status(&r, 201);
	int64_t id = json_int_at(&r, "id");
	result_free(&r);
	return id;
}

static void test_setup(void **state)
{
	struct harness *h = *state;
	char body[1024];
	snprintf(body, sizeof(body),
		 "{\"kind\":\"organisation\",\"name\":\"Acme B.V.\",\"type\":\"supplier\","
		 "\"owner_id\":%lld,\"emails\":[{\"value\":\"info@acme.example\",\"label\":\"work\"}],"
		 "\"phones\":[{\"value\":\"020-123 4567\"}],\"addresses\":[{\"street\":\"Damrak 1\","
		 "\"postal_code\":\"1012 LG\",\"city\":\"Amsterdam\",\"country\":\"Nederland\"}],"
		 "\"tags\":[\"VIP\",\"noord\"],\"notes\":\"Levert sinds 2019; zie contract \\\"A-7\\\".\"}",
		 (long long)h->user[AS_MANAGER]);
	acme = create(h, AS_EMPLOYEE, body);
	/* a long note in several lines: folded in the vCard */
	snprintf(body, sizeof(body),
		 "{\"kind\":\"person\",\"given_name\":\"Jan\",\"family_name\":\"de Vries\","
		 "\"parent_id\":%lld,\"job_title\":\"Inkoper\",\"lang\":\"en\","
		 "\"emails\":[{\"value\":\"jan@acme.example\",\"label\":\"work\"},"
		 "{\"value\":\"jan.devries@mail.example\",\"label\":\"home\"}],"
		 "\"phones\":[{\"value\":\"+31 6 1234 5678\",\"label\":\"mobile\"},"
		 "{\"value\":\"020 765 4321\",\"label\":\"work\"},{\"value\":\"010 111 2222\","
		 "\"label\":\"Kantoor Rotterdam\"}],\"tags\":[\"VIP\"],"
		 "\"notes\":\"Belt liefst 's ochtends; ëën keer per week, \\u00e9\\u00e9n regel die "
		 "langer is dan vijfenzeventig octetten zodat hij gevouwen wordt.\\nTweede regel.\"}",
		 (long long)acme);
	jan = create(h, AS_EMPLOYEE, body);
	evil = create(h, AS_EMPLOYEE,
		      "{\"kind\":\"person\",\"name\":\"=HYPERLINK(\\\"http://evil.example\\\")\","
		      "\"emails\":[{\"value\":\"evil@evil.example\"}],\"phones\":[{\"value\":\"+31 20 555 0000\"}]}");
	old = create(h, AS_EMPLOYEE, "{\"kind\":\"organisation\",\"name\":\"Oud en Gesloten\"}");
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/relations/%lld/archive", (long long)old);
	struct result r;
	h_call(h, AS_EMPLOYEE, "POST", path, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	result_free(&r);
	other_rel = create(h, AS_OTHER, "{\"kind\":\"organisation\",\"name\":\"Elders B.V.\","
					"\"emails\":[{\"value\":\"info@elders.example\"}]}");
}

/* ---- CSV ---- */

struct table {
	char cells[16][17][200];
	size_t rows;
	size_t cols[16];
};

static int keep_row(const struct csvx_record *rec, void *ctx)
{
	struct table *t = ctx;
	assert_true(t->rows < 16);
	t->cols[t->rows] = rec->n;
	for (size_t i = 0; i < rec->n && i < 17; i++)
		snprintf(t->cells[t->rows][i], 200, "%s", rec->field[i].p);
	t->rows++;
	return 0;
}

/* What a spreadsheet shows, and brug's CSV import reads: the apostrophe
 * that CSVX_PROTECT puts before = + - @ taken off again. */
static const char *unprotect(const char *s)
{
	return s[0] == '\'' && strchr("=+-@\t\r", s[1]) && s[1] ? s + 1 : s;
}

static void read_csv(const char *body, char delim, struct table *t)
{
	memset(t, 0, sizeof(*t));
	struct csvx_options opt = {.delim = delim};
	struct brug_err err = {0};
	int rc = csvx_parse(body, strlen(body), &opt, keep_row, t, &err);
	if (rc)
		fail_msg("csvx_parse: %s\n%s", err.detail, body);
}

static size_t row_of(const struct table *t, const char *name)
{
	for (size_t i = 1; i < t->rows; i++)
		if (!strcmp(unprotect(t->cells[i][0]), name))
			return i;
	fail_msg("no row for %s", name);
	return 0;
}

static void test_csv_round_trip(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_EMPLOYEE, "GET", "/api/v1/relations/export?format=csv", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	assert_string_equal(r.content_type, "text/csv; charset=utf-8");
	char disp[160];
	assert_true(result_header(&r, "Content-Disposition", 0, disp, sizeof(disp)));
	assert_int_equal(strncmp(disp, "attachment; filename=\"relaties-20", 33), 0);
	assert_non_null(strstr(disp, ".csv\""));
	assert_starts(r.body, "naam,voornaam,achternaam,e-mail,telefoon,mobiel,straat,"
			      "postcode,plaats,land,functie,type,labels,notities,taal,"
			      "organisatie,accountmanager\r\n");
	struct table t;
	read_csv(r.body, ',', &t);
	/* everything, archived included, in name order; not the other org's */
	assert_int_equal(t.rows, 5);
	for (size_t i = 0; i < t.rows; i++)
		assert_int_equal(t.cols[i], 17);
	assert_string_equal(t.cells[1][0], "'=HYPERLINK(\"http://evil.example\")");
	assert_string_equal(t.cells[2][0], "Acme B.V.");
	assert_string_equal(t.cells[3][0], "Jan de Vries");
	assert_string_equal(t.cells[4][0], "Oud en Gesloten");
	size_t a = row_of(&t, "Acme B.V."), j = row_of(&t, "Jan de Vries");
	/* the same details through the API */
	const char *want_a[17] = {"Acme B.V.", "", "", "info@acme.example", "020-123 4567", "",
				  "Damrak 1", "1012 LG", "Amsterdam", "Nederland", "", "supplier",
				  "noord, VIP", "Levert sinds 2019; zie contract \"A-7\".", "nl", "",
				  "manager@one.example"};
	const char *want_j[17] = {"Jan de Vries", "Jan", "de Vries", "jan@acme.example",
				  "020 765 4321", "+31 6 1234 5678", "", "", "", "", "Inkoper",
				  "customer", "VIP", NULL, "en", "Acme B.V.", ""};
	for (size_t c = 0; c < 17; c++) {
		assert_string_equal(unprotect(t.cells[a][c]), want_a[c]);
		if (want_j[c])
			assert_string_equal(unprotect(t.cells[j][c]), want_j[c]);
	}
	/* a phone number starts with + and so is protected, and comes back */
	assert_string_equal(t.cells[j][5], "'+31 6 1234 5678");
	assert_non_null(strstr(t.cells[j][13], "\nTweede regel."));
	result_free(&r);
	/* the CSV's phones and emails are those GET gives */
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/relations/%lld", (long long)evil);
	h_call(h, AS_EMPLOYEE, "GET", path, NULL, NULL, NULL, &r);
	assert_string_equal(unprotect(t.cells[1][3]), json_string_value(jpath(r.json, "emails.0.value")));
	assert_string_equal(unprotect(t.cells[1][4]), json_string_value(jpath(r.json, "phones.0.value")));
	result_free(&r);

	/* an export imports again (a dry run into the other organisation, where
	 * its account manager is unknown and that row is refused): the
	 * protected name and phone number come back without their apostrophe */
	h_call(h, AS_EMPLOYEE, "GET", "/api/v1/relations/export?format=csv", NULL, NULL, NULL, &r);
	struct result imp;
	h_call(h, AS_OTHER, "POST", "/api/v1/relations/import?dry_run=1&skip_invalid=1", "text/csv",
	       r.body, NULL, &imp);
	result_free(&r);
	if (imp.status != 200)
		fail_msg("re-import: %d %.1500s", imp.status, imp.body);
	check_json(&imp, "rows.0.name", "=HYPERLINK(\"http://evil.example\")");
	check_json(&imp, "rows.0.phone", "+31 20 555 0000");
	check_json(&imp, "rows.0.action", "create");
	check_json(&imp, "rows.2.name", "Jan de Vries");
	result_free(&imp);
}

static void test_csv_excel_and_english(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_EMPLOYEE, "GET", "/api/v1/relations/export?format=csv&excel=1&kind=organisation",
	       NULL, NULL, NULL, &r);
	check_status(&r, 200);
	/* a byte order mark, then ';' between fields */
	assert_starts(r.body, "\xEF\xBB\xBFnaam;voornaam;achternaam;e-mail;");
	struct table t;
	read_csv(r.body, ';', &t);
	assert_int_equal(t.rows, 3);
	assert_string_equal(t.cells[1][0], "Acme B.V.");
	assert_string_equal(t.cells[1][12], "noord, VIP");
	result_free(&r);
	/* headers in the reader's language */
	h_call(h, AS_EMPLOYEE, "GET", "/api/v1/relations/export", NULL, NULL,
	       "accept-language: en-GB,en;q=0.8\n", &r);
	check_status(&r, 200);
	assert_starts(r.body, "name,given_name,family_name,email,phone,mobile,street,"
			      "postal_code,city,country,job_title,type,tags,notes,lang,"
			      "organisation,owner\r\n");
	char disp[160];
	assert_true(result_header(&r, "Content-Disposition", 0, disp, sizeof(disp)));
	assert_int_equal(strncmp(disp, "attachment; filename=\"relations-20", 34), 0);
	result_free(&r);
}

/* ---- JSON ---- */

static void test_json_equals_get(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_EMPLOYEE, "GET", "/api/v1/relations/export?format=json", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	assert_string_equal(r.content_type, "application/json; charset=utf-8");
	assert_true(json_is_array(r.json));
	assert_int_equal(json_array_size(r.json), 4);
	size_t i;
	json_t *rel;
	json_array_foreach(r.json, i, rel) {
		char path[64];
		snprintf(path, sizeof(path), "/api/v1/relations/%lld",
			 (long long)json_integer_value(json_object_get(rel, "id")));
		struct result g;
		h_call(h, AS_EMPLOYEE, "GET", path, NULL, NULL, NULL, &g);
		check_status(&g, 200);
		assert_non_null(json_object_get(g.json, "timeline"));
		json_object_del(g.json, "timeline");
		json_object_del(g.json, "notes_html"); /* how a page shows the notes, not data */
		if (!json_equal(g.json, rel)) {
			char *a = json_dumps(g.json, JSON_SORT_KEYS), *b = json_dumps(rel, JSON_SORT_KEYS);
			fail_msg("export differs from GET:\n%s\n%s", a, b);
		}
		result_free(&g);
	}
	/* the organisation lists its people as GET does */
	assert_string_equal(json_string_value(jpath(r.json, "1.people.0.name")), "Jan de Vries");
	result_free(&r);
}

/* ---- vCard ---- */

/* RFC 6350's shape: CRLF line ends, lines of at most 75 octets, folds
 * starting with a space, BEGIN, VERSION:4.0 and FN, END at the end. */
static void check_shape(const char *s)
{
	assert_starts(s, "BEGIN:VCARD\r\nVERSION:4.0\r\n");
	size_t n = strlen(s);
	assert_true(n > 11 && !strcmp(s + n - 11, "END:VCARD\r\n"));
	for (const char *line = s; *line;) {
		const char *crlf = strstr(line, "\r\n");
		assert_non_null(crlf);
		assert_true(crlf - line <= 75);
		assert_null(memchr(line, '\n', (size_t)(crlf - line)));
		line = crlf + 2;
	}
}

static void test_vcard_one(void **state)
{
	struct harness *h = *state;
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/relations/%lld/vcard", (long long)jan);
	struct result r;
	h_call(h, AS_EMPLOYEE, "GET", path, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	assert_string_equal(r.content_type, "text/vcard; charset=utf-8");
	check_header(&r, "Content-Disposition", "attachment; filename=\"jan-de-vries.vcf\"");
	check_shape(r.body);
	assert_non_null(strstr(r.body, "\r\nFN:Jan de Vries\r\n"));
	assert_non_null(strstr(r.body, "\r\nN:de Vries;Jan;;;\r\n"));
	assert_non_null(strstr(r.body, "\r\nORG:Acme B.V.\r\n"));
	assert_non_null(strstr(r.body, "\r\nTITLE:Inkoper\r\n"));
	assert_non_null(strstr(r.body, "\r\nLANG:en\r\n"));
	assert_non_null(strstr(r.body, "\r\nREV:20"));
	assert_non_null(strstr(r.body, "\r\nUID:urn:uuid:"));
	assert_non_null(strstr(r.body, "\r\n ")); /* the note is folded */
	assert_null(strstr(r.body, "KIND:"));
	struct vcard_list *l = NULL;
	assert_int_equal(vcard_parse(r.body, strlen(r.body), &l), 0);
	assert_int_equal(l->n_cards, 1);
	assert_int_equal(l->n_errors, 0);
	const struct vcard *c = &l->cards[0];
	assert_string_equal(c->fn, "Jan de Vries");
	assert_string_equal(c->given, "Jan");
	assert_string_equal(c->family, "de Vries");
	assert_int_equal(c->n_emails, 2);
	assert_string_equal(c->emails[0].value, "jan@acme.example");
	assert_int_equal(c->emails[0].types, VCARD_TYPE_WORK);
	assert_string_equal(c->emails[1].value, "jan.devries@mail.example");
	assert_int_equal(c->emails[1].types, VCARD_TYPE_HOME);
	assert_int_equal(c->n_phones, 3);
	assert_string_equal(c->phones[0].value, "+31 6 1234 5678");
	assert_int_equal(c->phones[0].types, VCARD_TYPE_CELL);
	assert_string_equal(c->phones[1].value, "020 765 4321");
	assert_int_equal(c->phones[1].types, VCARD_TYPE_WORK);
	assert_string_equal(c->phones[2].label, "Kantoor Rotterdam");
	assert_int_equal(c->n_categories, 1);
	assert_string_equal(c->categories[0], "VIP");
	assert_non_null(strstr(c->note, "vijfenzeventig octetten zodat hij gevouwen wordt.\nTweede"));
	assert_int_equal(strlen(c->uid), 36);
	assert_int_equal(c->uid[14], '8'); /* a version 8 UUID */
	char uid[40];
	snprintf(uid, sizeof(uid), "%s", c->uid);
	vcard_list_free(l);
	result_free(&r);
	/* the UID is the same on every export, and in the list export */
	h_call(h, AS_EMPLOYEE, "GET", path, NULL, NULL, NULL, &r);
	assert_non_null(strstr(r.body, uid));
	result_free(&r);
	h_call(h, AS_EMPLOYEE, "GET", "/api/v1/relations/export?format=vcard", NULL, NULL, NULL,
	       &r);
	assert_non_null(strstr(r.body, uid));
	result_free(&r);
}

static void test_vcard_many(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_EMPLOYEE, "GET", "/api/v1/relations/export?format=vcard&status=active", NULL,
	       NULL, NULL, &r);
	check_status(&r, 200);
	assert_string_equal(r.content_type, "text/vcard; charset=utf-8");
	char disp[160];
	assert_true(result_header(&r, "Content-Disposition", 0, disp, sizeof(disp)));
	assert_non_null(strstr(disp, ".vcf\""));
	struct vcard_list *l = NULL;
	assert_int_equal(vcard_parse(r.body, strlen(r.body), &l), 0);
	assert_int_equal(l->n_errors, 0);
	assert_int_equal(l->n_cards, 3);
	assert_string_equal(l->cards[0].fn, "=HYPERLINK(\"http://evil.example\")");
	assert_string_equal(l->cards[1].fn, "Acme B.V.");
	assert_string_equal(l->cards[1].kind, "org");
	assert_string_equal(l->cards[1].org, "Acme B.V.");
	assert_string_equal(l->cards[1].adrs[0].street, "Damrak 1");
	assert_string_equal(l->cards[1].adrs[0].locality, "Amsterdam");
	assert_string_equal(l->cards[1].adrs[0].postal_code, "1012 LG");
	assert_string_equal(l->cards[2].fn, "Jan de Vries");
	/* the UIDs differ */
	assert_string_not_equal(l->cards[0].uid, l->cards[1].uid);
	vcard_list_free(l);
	/* each card has the shape */
	for (const char *c = r.body; (c = strstr(c, "BEGIN:VCARD"));) {
		const char *end = strstr(c, "END:VCARD\r\n") + 11;
		char *one = strndup(c, (size_t)(end - c));
		check_shape(one);
		free(one);
		c = end;
	}
	result_free(&r);
}

/* ---- selections ---- */

static void test_selections(void **state)
{
	struct harness *h = *state;
	char ids[128], owner[128], other_ids[128];
	snprintf(ids, sizeof(ids), "/api/v1/relations/export?format=json&ids=%lld,%lld",
		 (long long)jan, (long long)old);
	snprintf(owner, sizeof(owner), "/api/v1/relations/export?format=json&owner_id=%lld",
		 (long long)h->user[AS_MANAGER]);
	snprintf(other_ids, sizeof(other_ids), "/api/v1/relations/export?format=json&ids=%lld,%lld",
		 (long long)other_rel, (long long)jan);
	const struct api_case cases[] = {
		/* ids, archived ones included */
		{AS_EMPLOYEE, "GET", ids, NULL, 200, "0.name", "Jan de Vries"},
		{AS_EMPLOYEE, "GET", ids, NULL, 200, "1.name", "Oud en Gesloten"},
		/* the list's filters */
		{AS_EMPLOYEE, "GET", "/api/v1/relations/export?format=json&kind=person", NULL, 200,
		 "1.name", "Jan de Vries"},
		{AS_EMPLOYEE, "GET", "/api/v1/relations/export?format=json&type=supplier", NULL, 200,
		 "0.name", "Acme B.V."},
		{AS_EMPLOYEE, "GET", "/api/v1/relations/export?format=json&tag=vip&kind=person", NULL,
		 200, "0.name", "Jan de Vries"},
		{AS_EMPLOYEE, "GET", owner, NULL, 200, "0.name", "Acme B.V."},
		{AS_EMPLOYEE, "GET", "/api/v1/relations/export?format=json&status=archived", NULL, 200,
		 "0.name", "Oud en Gesloten"},
		/* another organisation's ids are left out */
		{AS_EMPLOYEE, "GET", other_ids, NULL, 200, "0.name", "Jan de Vries"},
		{AS_OTHER, "GET", "/api/v1/relations/export?format=json", NULL, 200, "0.name",
		 "Elders B.V."},
	};
	run_cases(h, cases, N(cases));
	struct {
		const char *target;
		size_t n;
	} counts[] = {
		{ids, 2},
		{"/api/v1/relations/export?format=json&kind=person", 2},
		{"/api/v1/relations/export?format=json&tag=VIP", 2},
		{"/api/v1/relations/export?format=json&status=archived", 1},
		{"/api/v1/relations/export?format=json&status=active", 3},
		{"/api/v1/relations/export?format=json&tag=nothing", 0},
		{other_ids, 1},
	};
	for (size_t i = 0; i < N(counts); i++) {
		struct result r;
		h_call(h, AS_EMPLOYEE, "GET", counts[i].target, NULL, NULL, NULL, &r);
		check_status(&r, 200);
		if (json_array_size(r.json) != counts[i].n)
			fail_msg("%s: %zu relations, want %zu", counts[i].target,
				 json_array_size(r.json), counts[i].n);
		result_free(&r);
	}
	struct result r;
	h_call(h, AS_OTHER, "GET", "/api/v1/relations/export?format=csv", NULL, NULL, NULL, &r);
	check_no_body(&r, "Acme");
	check_body(&r, "Elders B.V.");
	result_free(&r);
}

static void test_errors(void **state)
{
	struct harness *h = *state;
	char other[96], ids_401[2400];
	snprintf(other, sizeof(other), "/api/v1/relations/%lld/vcard", (long long)other_rel);
	size_t n = (size_t)snprintf(ids_401, sizeof(ids_401), "/api/v1/relations/export?ids=1");
	for (int i = 2; i <= 401; i++)
		n += (size_t)snprintf(ids_401 + n, sizeof(ids_401) - n, ",%d", i);
	const struct api_case cases[] = {
		{AS_EMPLOYEE, "GET", other, NULL, 404, "error", "not_found"},
		{AS_EMPLOYEE, "GET", "/api/v1/relations/999999/vcard", NULL, 404, "error", "not_found"},
		{AS_EMPLOYEE, "GET", "/api/v1/relations/abc/vcard", NULL, 404, "error", "not_found"},
		{AS_ANON, "GET", "/api/v1/relations/export", NULL, 401, "error", "unauthenticated"},
		{AS_EMPLOYEE, "GET", "/api/v1/relations/export?format=xlsx", NULL, 422, "fields.format",
		 "Kies csv, json of vcard."},
		{AS_EMPLOYEE, "GET", "/api/v1/relations/export?format=xlsx", NULL, 422, "error",
		 "validation_failed"},
		{AS_EMPLOYEE, "GET", "/api/v1/relations/export?kind=robot", NULL, 422, "fields.kind",
		 NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/relations/export?type=friend", NULL, 422, "fields.type",
		 NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/relations/export?status=gone", NULL, 422, "fields.status",
		 NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/relations/export?ids=1,x", NULL, 422, "fields.ids", NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/relations/export?ids=0", NULL, 422, "fields.ids", NULL},
		{AS_EMPLOYEE, "GET", "/api/v1/relations/export?ids=1,,2", NULL, 422, "fields.ids", NULL},
		{AS_EMPLOYEE, "GET", ids_401, NULL, 422, "fields.ids",
		 "Geef relatienummers, gescheiden door komma's (hoogstens 400)."},
		{AS_EMPLOYEE, "POST", "/api/v1/relations/export", "{}", 405, "error",
		 "method_not_allowed"},
	};
	run_cases(h, cases, N(cases));
}

/* A browser follows the export buttons: a download in the page namespace,
 * and the buttons on the list keep its filters. */
static void test_browser(void **state)
{
	struct harness *h = *state;
	struct result r;
	h_call(h, AS_SESSION, "GET", "/relations/export?kind=organisation&status=active&tag=&owner_id=0&type=&excel=1",
	       NULL, NULL, NULL, &r);
	check_status(&r, 200);
	assert_string_equal(r.content_type, "text/csv; charset=utf-8");
	assert_starts(r.body, "\xEF\xBB\xBFnaam;");
	check_body(&r, "Acme B.V.");
	check_no_body(&r, "Oud en Gesloten");
	result_free(&r);
	h_call(h, AS_SESSION, "GET", "/relations?kind=person&tag=a%26b", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, "action=\"/relations/export\"");
	check_body(&r, "<input type=\"hidden\" name=\"kind\" value=\"person\">");
	check_body(&r, "<input type=\"hidden\" name=\"tag\" value=\"a&amp;b\">");
	check_body(&r, "<input type=\"hidden\" name=\"status\" value=\"active\">");
	check_body(&r, "name=\"format\" value=\"vcard\"");
	check_body(&r, "href=\"/relations/import-vcard\"");
	result_free(&r);
	char path[64], link[96];
	snprintf(path, sizeof(path), "/relations/%lld", (long long)jan);
	snprintf(link, sizeof(link), "href=\"/relations/%lld/vcard\"", (long long)jan);
	h_call(h, AS_SESSION, "GET", path, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, link);
	result_free(&r);
	snprintf(path, sizeof(path), "/relations/%lld/vcard", (long long)acme);
	h_call(h, AS_SESSION, "GET", path, NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_header(&r, "Content-Disposition", "attachment; filename=\"acme-b-v.vcf\"");
	check_body(&r, "\r\nKIND:org\r\n");
	result_free(&r);
}

static void test_audit(void **state)
{
	struct harness *h = *state;
	const struct api_case cases[] = {
		{AS_ADMIN, "GET", "/api/v1/audit?action=relation.export&limit=1", NULL, 200,
		 "items.0.details.format", "vcard"},
		{AS_ADMIN, "GET", "/api/v1/audit?action=relation.export&limit=1", NULL, 200,
		 "items.0.details.relations", "1"},
	};
	run_cases(h, cases, N(cases));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setup),
		cmocka_unit_test(test_csv_round_trip),
		cmocka_unit_test(test_csv_excel_and_english),
		cmocka_unit_test(test_json_equals_get),
		cmocka_unit_test(test_vcard_one),
		cmocka_unit_test(test_vcard_many),
		cmocka_unit_test(test_selections),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_browser),
		cmocka_unit_test(test_audit),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* API tests for custom fields in CSV imports and exports: columns named
 * after a field (by label or name) are read, checked per type (a decimal
 * comma, a choice in any case) and stored as the API stores them, set on
 * update without touching other fields, a value that does not fit rejects
 * the row by line; the CSV export has a column per field, and a file
 * exported by one organisation imports into another with the same fields
 * to the same values; the preview page labels the column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define FIELDS(who)                                                                                \
	{who, "POST", "/api/v1/custom-fields",                                                     \
	 "{\"name\":\"klantnummer\",\"label\":\"Klantnummer\",\"type\":\"text\"}", 201, NULL, NULL}, \
		{who, "POST", "/api/v1/custom-fields",                                             \
		 "{\"name\":\"omzet\",\"label\":\"Omzet\",\"type\":\"number\"}", 201, NULL, NULL}, \
		{who, "POST", "/api/v1/custom-fields",                                             \
		 "{\"name\":\"segment\",\"label\":\"Segment\",\"type\":\"choice\","               \
		 "\"choices\":[\"Groot\",\"Klein\"]}",                                              \
		 201, NULL, NULL }

static int64_t relation_named(struct harness *h, int64_t org, const char *name)
{
	int64_t id = 0;
	assert_int_equal(db_int_query(h->db, &id,
				      "SELECT COALESCE(MAX(id), 0) FROM relations WHERE org_id = ? AND name = ?",
				      DB_ARGS(DB_I(org), DB_T(name))),
			 0);
	return id;
}

static void check_custom(struct harness *h, enum as who, int64_t id, const char *klant,
			 const char *omzet, const char *segment)
{
	char target[64];
	snprintf(target, sizeof(target), "/api/v1/relations/%lld", (long long)id);
	const struct api_case cases[] = {
		{who, "GET", target, NULL, 200, "custom.klantnummer", klant},
		{who, "GET", target, NULL, 200, "custom.omzet", omzet},
		{who, "GET", target, NULL, 200, "custom.segment", segment},
	};
	run_cases(h, cases, N(cases));
}

static void test_import_and_export(void **state)
{
	struct harness *h = *state;
	const struct api_case setup[] = {FIELDS(AS_ADMIN), FIELDS(AS_OTHER)};
	run_cases(h, setup, N(setup));

	const struct http_case imports[] = {
		/* by label and by name, in any case; a number with a decimal comma */
		{AS_EMPLOYEE, "POST", "/api/v1/relations/import", "text/csv",
		 "Naam;KLANTNUMMER;omzet;Segment\nEigen B.V.;K-9;1234,5;groot\n", NULL, 200,
		 "counts.create", "1", "\"field\":\"custom:klantnummer\""},
		/* on update only the columns the file has change */
		{AS_EMPLOYEE, "POST", "/api/v1/relations/import?on_duplicate=update", "text/csv",
		 "Naam;Segment\nEigen B.V.;Klein\n", NULL, 200, "counts.update", "1", NULL},
		/* a value that does not fit: the row by its line, nothing written */
		{AS_EMPLOYEE, "POST", "/api/v1/relations/import", "text/csv",
		 "Naam;Omzet\nGoed B.V.;12\nFout B.V.;veel\n", NULL, 422, "rejected.0.field",
		 "custom:omzet", "\"line\":3"},
		{AS_EMPLOYEE, "POST", "/api/v1/relations/import", "text/csv",
		 "Naam;Segment\nFout B.V.;Middel\n", NULL, 422, "rejected.0.code", "custom", NULL},
	};
	run_http_cases(h, imports, N(imports));
	int64_t id = relation_named(h, h->org, "Eigen B.V.");
	assert_true(id > 0);
	check_custom(h, AS_EMPLOYEE, id, "K-9", "1234.5", "Klein");
	assert_int_equal(relation_named(h, h->org, "Goed B.V."), 0);

	/* the export has a column per field, which imports elsewhere */
	struct result r;
	h_call(h, AS_EMPLOYEE, "GET", "/api/v1/relations/export?format=csv", NULL, NULL, NULL, &r);
	check_status(&r, 200);
	check_body(&r, ",accountmanager,Klantnummer,Omzet,Segment\r\n");
	check_body(&r, "Eigen B.V.,");
	check_body(&r, ",K-9,1234.5,Klein\r\n");
	struct h_req rq = {.who = AS_OTHER, .method = "POST", .target = "/api/v1/relations/import",
			   .ctype = "text/csv", .body = r.body, .body_len = strlen(r.body)};
	struct result back;
	h_send(h, &rq, &back);
	check_status(&back, 200);
	result_free(&back);
	result_free(&r);
	int64_t theirs = relation_named(h, h->org2, "Eigen B.V.");
	assert_true(theirs > 0);
	check_custom(h, AS_OTHER, theirs, "K-9", "1234.5", "Klein");
}

/* The preview page names a custom field's column by the field's label. */
static void test_preview_labels(void **state)
{
	struct harness *h = *state;
	static const char body[] =
		"--XyZ\r\nContent-Disposition: form-data; name=\"on_duplicate\"\r\n\r\nskip\r\n"
		"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"k.csv\"\r\n"
		"Content-Type: text/csv\r\n\r\nNaam;klantnummer;Omzet\nPreview B.V.;K-1;veel\r\n"
		"--XyZ--\r\n";
	struct h_req rq = {.who = AS_SESSION, .method = "POST", .target = "/relations/import",
			   .ctype = "multipart/form-data; boundary=XyZ", .body = body,
			   .body_len = sizeof(body) - 1};
	struct result r;
	h_send(h, &rq, &r);
	check_status(&r, 200);
	check_body(&r, "<td>klantnummer</td><td>Klantnummer</td>");
	check_body(&r, "geen geldige waarde voor Omzet");
	result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_import_and_export),
		cmocka_unit_test(test_preview_labels),
	};
	return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}

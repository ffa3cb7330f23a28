/* SPDX-License-Identifier: Apache-2.0 */
/* docs/openapi.json against the route table: every API route is an
 * operation with the route's summary and role, no operation is stale,
 * operationIds are unique, path parameters are declared, and public routes
 * (only they) have `security: []`. Each check also runs on a copy of the
 * document broken on purpose, so a check that finds nothing cannot pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "api/routes.h"

static json_t *load_doc(void)
{
	char path[1024];
	const char *data = getenv("BRUG_TESTDATA");
	assert_non_null(data);
	snprintf(path, sizeof(path), "%s/../../docs/openapi.json", data);
	json_error_t err;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!doc)
		fail_msg("%s:%d:%d: %s", path, err.line, err.column, err.text);
	return doc;
}

/* The routes docs/api.md and the document cover: test_routes.c's filter. */
static bool is_api_route(const struct route *r)
{
	if (r->flags & R_PAGE)
		return false;
	if ((r->flags & R_ROOT) && strncmp(r->pattern, "/static", 7) == 0)
		return false;
	return strcmp(r->pattern, "/favicon.ico") != 0;
}

static void api_path(const struct route *r, char *out, size_t n)
{
	snprintf(out, n, "%s%s", (r->flags & R_ROOT) ? "" : "/api/v1", r->pattern);
}

static void lower(const char *s, char *out, size_t n)
{
	size_t i = 0;
	for (; s[i] && i + 1 < n; i++)
		out[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]);
	out[i] = '\0';
}

static json_t *operation_of(json_t *doc, const struct route *r)
{
	char path[256], method[16];
	api_path(r, path, sizeof(path));
	lower(r->method, method, sizeof(method));
	return json_object_get(json_object_get(json_object_get(doc, "paths"), path), method);
}

static bool is_method(const char *key)
{
	static const char *const methods[] = {"get", "put", "post", "delete", "options",
					       "head", "patch", "trace"};
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (!strcmp(key, methods[i]))
			return true;
	return false;
}

/* Every API route is an operation with its summary, and its security or
 * role; returns how many differ. */
static int check_routes_covered(json_t *doc)
{
	int bad = 0;
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		if (!is_api_route(r))
			continue;
		json_t *op = operation_of(doc, r);
		if (!op) {
			fprintf(stderr, "openapi.json lacks %s %s\n", r->method, r->pattern);
			bad++;
			continue;
		}
		const char *summary = json_string_value(json_object_get(op, "summary"));
		if (!summary || strcmp(summary, r->summary)) {
			fprintf(stderr, "%s %s: summary is not the route table's\n", r->method,
				r->pattern);
			bad++;
		}
		json_t *sec = json_object_get(op, "security");
		const char *role = json_string_value(json_object_get(op, "x-brug-role"));
		if (r->flags & R_PUBLIC) {
			if (!json_is_array(sec) || json_array_size(sec) != 0 || role) {
				fprintf(stderr, "%s %s is public: wants security [] and no role\n",
					r->method, r->pattern);
				bad++;
			}
		} else if (sec || !role || strcmp(role, role_name(r->role))) {
			fprintf(stderr, "%s %s: wants no security override and x-brug-role %s\n",
				r->method, r->pattern, role_name(r->role));
			bad++;
		}
	}
	return bad;
}

static bool route_exists(const char *path, const char *method)
{
	for (size_t i = 0; i < routes_count; i++) {
		char p[256], m[16];
		if (!is_api_route(&routes[i]))
			continue;
		api_path(&routes[i], p, sizeof(p));
		lower(routes[i].method, m, sizeof(m));
		if (!strcmp(p, path) && !strcmp(m, method))
			return true;
	}
	return false;
}

/* Every operation is a route, with an operationId no other has; returns
 * how many are not. */
static int check_no_stale(json_t *doc)
{
	int bad = 0;
	json_t *seen = json_object();
	const char *path, *method;
	json_t *item, *op;
	json_object_foreach(json_object_get(doc, "paths"), path, item) {
		json_object_foreach(item, method, op) {
			if (!is_method(method))
				continue;
			if (!route_exists(path, method)) {
				fprintf(stderr, "openapi.json has %s %s, which is no route\n", method,
					path);
				bad++;
			}
			const char *id = json_string_value(json_object_get(op, "operationId"));
			if (!id || json_object_get(seen, id)) {
				fprintf(stderr, "%s %s: operationId missing or taken\n", method,
					path);
				bad++;
			} else {
				json_object_set_new(seen, id, json_true());
			}
		}
	}
	json_decref(seen);
	return bad;
}

/* A parameter object, following a "#/components/parameters/NAME" $ref. */
static json_t *resolve_param(json_t *doc, json_t *p)
{
	const char *ref = json_string_value(json_object_get(p, "$ref"));
	static const char prefix[] = "#/components/parameters/";
	if (!ref)
		return p;
	if (strncmp(ref, prefix, sizeof(prefix) - 1))
		return NULL;
	json_t *params = json_object_get(json_object_get(doc, "components"), "parameters");
	return json_object_get(params, ref + sizeof(prefix) - 1);
}

/* Whether name is a required path parameter of the path item or the
 * operation. */
static bool declares(json_t *doc, json_t *item, json_t *op, const char *name, size_t len)
{
	json_t *lists[2] = {json_object_get(item, "parameters"), json_object_get(op, "parameters")};
	for (size_t l = 0; l < 2; l++) {
		size_t i;
		json_t *p;
		json_array_foreach(lists[l], i, p) {
			json_t *d = resolve_param(doc, p);
			const char *n = json_string_value(json_object_get(d, "name"));
			const char *in = json_string_value(json_object_get(d, "in"));
			if (n && in && !strcmp(in, "path") && strlen(n) == len &&
			    !strncmp(n, name, len) && json_is_true(json_object_get(d, "required")))
				return true;
		}
	}
	return false;
}

/* Every {name} in each path is declared as a required path parameter of
 * each of its operations; returns how many are not. */
static int check_path_params(json_t *doc)
{
	int bad = 0;
	const char *path, *method;
	json_t *item, *op;
	json_object_foreach(json_object_get(doc, "paths"), path, item) {
		json_object_foreach(item, method, op) {
			if (!is_method(method))
				continue;
			for (const char *s = strchr(path, '{'); s; s = strchr(s + 1, '{')) {
				const char *e = strchr(s, '}');
				if (!e || !declares(doc, item, op, s + 1, (size_t)(e - s - 1))) {
					fprintf(stderr, "%s %s: %.*s is no declared path parameter\n",
						method, path, e ? (int)(e - s + 1) : 1, s);
					bad++;
				}
			}
		}
	}
	return bad;
}

/* The errors every client meets: 401 and 403 on a protected route, 400 and
 * 422 where a body is taken, 404 where an {id} is named. Returns how many
 * operations lack one. */
static int check_error_responses(json_t *doc)
{
	int bad = 0;
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		json_t *op = is_api_route(r) ? operation_of(doc, r) : NULL;
		if (!op)
			continue;
		json_t *resp = json_object_get(op, "responses");
		const char *want[5] = {0};
		size_t n = 0;
		if (!(r->flags & R_PUBLIC)) {
			want[n++] = "401";
			want[n++] = "403";
		}
		if (json_object_get(op, "requestBody")) {
			want[n++] = "400";
			want[n++] = "422";
		}
		if (strstr(r->pattern, "{id}"))
			want[n++] = "404";
		for (size_t k = 0; k < n; k++)
			if (!json_object_get(resp, want[k])) {
				fprintf(stderr, "%s %s: no %s answer\n", r->method, r->pattern, want[k]);
				bad++;
			}
	}
	return bad;
}

static void test_document_shape(void **state)
{
	(void)state;
	json_t *doc = load_doc();
	assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
	json_t *info = json_object_get(doc, "info");
	assert_string_equal(json_string_value(json_object_get(info, "title")), "brug");
	/* meson.build's project version, as the binary reports it */
	assert_string_equal(json_string_value(json_object_get(info, "version")), BRUG_VERSION);
	json_t *comp = json_object_get(doc, "components");
	json_t *schemes = json_object_get(comp, "securitySchemes");
	json_t *bearer = json_object_get(schemes, "bearer");
	json_t *session = json_object_get(schemes, "session");
	assert_string_equal(json_string_value(json_object_get(bearer, "scheme")), "bearer");
	assert_string_equal(json_string_value(json_object_get(session, "in")), "cookie");
	const char *how = json_string_value(json_object_get(session, "description"));
	assert_non_null(how);
	assert_non_null(strstr(how, "X-CSRF-Token"));
	json_t *error = json_object_get(json_object_get(comp, "schemas"), "Error");
	json_t *props = json_object_get(error, "properties");
	assert_non_null(json_object_get(props, "error"));
	assert_non_null(json_object_get(props, "fields"));
	json_decref(doc);
}

static void test_every_route_is_an_operation(void **state)
{
	(void)state;
	json_t *doc = load_doc();
	assert_int_equal(check_routes_covered(doc), 0);
	/* without one operation the check notices */
	json_t *me = json_object_get(json_object_get(doc, "paths"), "/api/v1/me");
	assert_int_equal(json_object_del(me, "patch"), 0);
	assert_int_equal(check_routes_covered(doc), 1);
	json_decref(doc);
}

static void test_public_routes_have_no_security(void **state)
{
	(void)state;
	json_t *doc = load_doc();
	json_t *paths = json_object_get(doc, "paths");
	json_t *health = json_object_get(json_object_get(paths, "/healthz"), "get");
	json_t *users = json_object_get(json_object_get(paths, "/api/v1/users"), "get");
	assert_non_null(health);
	assert_non_null(users);
	json_object_del(health, "security");
	assert_int_equal(check_routes_covered(doc), 1);
	json_object_set_new(users, "security", json_array());
	assert_int_equal(check_routes_covered(doc), 2);
	json_object_set_new(json_object_get(json_object_get(paths, "/api/v1/users"), "post"),
			    "x-brug-role", json_string("employee"));
	assert_int_equal(check_routes_covered(doc), 3);
	json_decref(doc);
}

static void test_no_stale_operations(void **state)
{
	(void)state;
	json_t *doc = load_doc();
	assert_int_equal(check_no_stale(doc), 0);
	json_t *paths = json_object_get(doc, "paths");
	/* a route that went away, a method the path does not take */
	json_t *gone = json_pack("{s:{s:s}}", "get", "operationId", "widgetsList");
	json_object_set_new(paths, "/api/v1/widgets", gone);
	json_t *me = json_object_get(paths, "/api/v1/me");
	json_object_set_new(me, "delete", json_pack("{s:s}", "operationId", "meDelete"));
	assert_int_equal(check_no_stale(doc), 2);
	json_decref(doc);
}

static void test_operation_ids_unique(void **state)
{
	(void)state;
	json_t *doc = load_doc();
	json_t *paths = json_object_get(doc, "paths");
	json_t *op = json_object_get(json_object_get(paths, "/api/v1/teams"), "post");
	assert_non_null(op);
	json_object_set_new(op, "operationId", json_string("teamsList"));
	assert_int_equal(check_no_stale(doc), 1);
	json_object_del(op, "operationId");
	assert_int_equal(check_no_stale(doc), 1);
	json_decref(doc);
}

static void test_path_params_declared(void **state)
{
	(void)state;
	json_t *doc = load_doc();
	assert_int_equal(check_path_params(doc), 0);
	/* DELETE is the only operation on the members path */
	json_t *item = json_object_get(json_object_get(doc, "paths"),
				       "/api/v1/teams/{id}/members/{user_id}");
	assert_non_null(item);
	json_object_del(item, "parameters");
	assert_int_equal(check_path_params(doc), 2);
	json_decref(doc);
}

static void test_error_responses(void **state)
{
	(void)state;
	json_t *doc = load_doc();
	assert_int_equal(check_error_responses(doc), 0);
	json_t *op = json_object_get(json_object_get(json_object_get(doc, "paths"),
						     "/api/v1/tasks/{id}"),
				     "patch");
	json_t *resp = json_object_get(op, "responses");
	json_object_del(resp, "401");
	json_object_del(resp, "404");
	json_object_del(resp, "422");
	assert_int_equal(check_error_responses(doc), 3);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_document_shape),
		cmocka_unit_test(test_every_route_is_an_operation),
		cmocka_unit_test(test_public_routes_have_no_security),
		cmocka_unit_test(test_no_stale_operations),
		cmocka_unit_test(test_operation_ids_unique),
		cmocka_unit_test(test_path_params_declared),
		cmocka_unit_test(test_error_responses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

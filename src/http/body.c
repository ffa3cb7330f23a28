/* SPDX-License-Identifier: Apache-2.0 */
/* Parses a request body by its Content-Type: JSON (an object, else a 400)
 * into req->json, urlencoded and multipart forms into req->form and
 * req->files; a file sent as the body itself (CSV or vCard types) stays in
 * req->body for R_RAW routes. Anything else with a body is a 415; a body
 * over the route's cap is a 413. */
#include <stdbool.h>
#include <string.h>

#include "http/app_impl.h"

static size_t route_cap(struct app *app, const struct route *r)
{
	return r && r->body_max ? r->body_max : app->max_body;
}

/* The types a file sent as the body may have on an R_RAW route. */
static bool raw_type(const char *mime)
{
	static const char *const types[] = {
		"text/csv", "text/plain", "application/csv", "application/octet-stream",
		"text/comma-separated-values", "text/vcard", "text/x-vcard", "text/directory", NULL};
	for (int i = 0; types[i]; i++)
		if (!strcmp(mime, types[i]))
			return true;
	return false;
}

int body_parse(struct app *app, struct req *req)
{
	struct brug_err *err = &req->err;
	const struct route *r = req->match.route;
	if (req->body_too_big || req->body_len > route_cap(app, r))
		return brug_failf(err, BRUG_ETOOBIG, "error.too_large", NULL,
				  "the body is larger than %zu bytes", route_cap(app, r));
	if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0 || !req->body_len)
		return 0;
	const char *ct = req_header(req, "content-type");
	struct content_type t;
	if (!ct)
		return brug_failf(err, BRUG_EMEDIA, "error.unsupported_media_type", NULL,
				  "a body needs a Content-Type");
	int rc = parse_content_type(ct, &req->arena, &t, err);
	if (rc)
		return rc;
	if (strcmp(t.mime, "application/json") == 0) {
		json_error_t je;
		req->json = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
		if (!req->json)
			return brug_failf(err, BRUG_EINVAL, "error.json", NULL,
					  "invalid JSON at line %d, column %d: %s", je.line, je.column,
					  je.text);
		/* every route takes an object; one that reads no body must not
		 * take anything else as if it were fine */
		if (!json_is_object(req->json))
			return brug_failf(err, BRUG_EINVAL, "error.json_not_object", NULL,
					  "the JSON body must be an object");
		return 0;
	}
	if (strcmp(t.mime, "application/x-www-form-urlencoded") == 0)
		return parse_urlencoded(req->body, req->body_len, &req->arena, &req->form, err);
	if (strcmp(t.mime, "multipart/form-data") == 0) {
		if (!(r->flags & R_UPLOAD))
			return brug_failf(err, BRUG_EMEDIA, "error.unsupported_media_type", NULL,
					  "this route takes no file uploads");
		if (!t.boundary)
			return brug_failf(err, BRUG_EINVAL, "error.bad_request", NULL,
					  "multipart body without a boundary");
		return parse_multipart(req->body, req->body_len, t.boundary, &req->arena, &req->form,
				       &req->files, err);
	}
	if (r && (r->flags & R_RAW) && raw_type(t.mime))
		return 0; /* a file sent as the body itself: the handler reads req->body */
	return brug_failf(err, BRUG_EMEDIA, "error.unsupported_media_type", NULL,
			  "unsupported Content-Type %s", t.mime);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Static files: from the binary (with ETags, so browsers revalidate for
 * free), or live from web/static in --dev. Only names in the embedded table
 * or below web/static can be served; the path was already refused if it
 * held dot segments. Also the API's OpenAPI document (docs/openapi.json). */
#include "api/handlers.h"

#include <stdio.h>
#include <string.h>

#include "http/app.h"
#include "util/embedded.h"

static const char *mime_of(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".css", "text/css; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
		{".svg", "image/svg+xml"},          {".png", "image/png"},
		{".ico", "image/x-icon"},           {".woff2", "font/woff2"},
		{".json", "application/json"},      {".txt", "text/plain; charset=utf-8"},
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static int from_dir(struct req *req, struct resp *resp, const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", cfg_str(app_config(req->app), CFG_WEB_DIR), name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return 1;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&resp->body, chunk, n);
	fclose(f);
	resp->prebuilt = true;
	resp->content_type = mime_of(name);
	return 0;
}

/* Answers an embedded file with its ETag, or 304 when the client has it. */
static int send_embedded(struct req *req, struct resp *resp, const struct embedded_file *f,
			 const char *name, const char *cache_control)
{
	const char *etag = arena_printf(&req->arena, "\"%s\"", f->etag);
	resp->cacheable = true;
	resp_header(resp, req, "ETag", etag);
	resp_header(resp, req, "Cache-Control", cache_control);
	const char *inm = req_header(req, "if-none-match");
	/* "*" matches any current representation (RFC 9110 13.1.2) */
	if (inm && (strstr(inm, etag) || strcmp(inm, "*") == 0)) {
		resp->status = 304;
		resp->prebuilt = true;
		return 0;
	}
	resp->raw = f->data;
	resp->raw_len = f->len;
	resp->content_type = mime_of(name);
	return 0;
}

int api_assets_get(struct req *req, struct resp *resp)
{
	const char *rest = req_param(req, "path");
	const char *name = rest ? arena_printf(&req->arena, "static/%s", rest) : "static/favicon.svg";
	if (cfg_bool(app_config(req->app), CFG_DEV) && strncmp(name, "static/vendor/", 14) != 0 &&
	    from_dir(req, resp, name) == 0)
		return 0;
	const struct embedded_file *f = embedded_find(name);
	if (!f)
		return brug_fail(&req->err, BRUG_ENOTFOUND, "error.not_found", NULL);
	return send_embedded(req, resp, f, name,
			     req_query(req, "v") ? "public, max-age=31536000, immutable"
						 : "public, max-age=300");
}

/* docs/openapi.json is embedded as it is in the source, so what is served
 * is what the tests check; it changes only with the binary. */
int api_assets_openapi(struct req *req, struct resp *resp)
{
	const struct embedded_file *f = embedded_find("openapi.json");
	if (!f)
		return brug_fail(&req->err, BRUG_ENOTFOUND, "error.not_found", NULL);
	return send_embedded(req, resp, f, "openapi.json", "public, max-age=3600");
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Accessors over a request and builders of a response; see req.h. */
#include "http/req.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/app.h"
#include "util/xmalloc.h"

void req_init(struct req *req, struct app *app)
{
	memset(req, 0, sizeof(*req));
	arena_init(&req->arena);
	req->app = app;
	req->lang = "nl";
}

void req_cleanup(struct req *req)
{
	if (!req)
		return;
	json_decref(req->json);
	req->json = NULL;
	i18n_free(req->i18n_owned);
	req->i18n_owned = NULL;
	arena_cleanup(&req->arena);
}

void resp_init(struct resp *resp)
{
	memset(resp, 0, sizeof(*resp));
	buf_init(&resp->body, 0);
}

void resp_cleanup(struct resp *resp)
{
	if (!resp)
		return;
	json_decref(resp->data);
	resp->data = NULL;
	buf_cleanup(&resp->body);
}

const char *req_header(const struct req *req, const char *name)
{
	return kvs_get(&req->headers, name);
}

const char *req_cookie(const struct req *req, const char *name)
{
	return kvs_get(&req->cookies, name);
}

const char *req_query(const struct req *req, const char *name)
{
	return kvs_get(&req->query, name);
}

const char *req_param(const struct req *req, const char *name)
{
	const struct route_match *m = &req->match;
	size_t len = strlen(name);
	for (size_t i = 0; i < m->n; i++)
		if (m->name_len[i] == len && memcmp(m->name[i], name, len) == 0)
			return arena_strndup((struct arena *)&req->arena, m->value[i], m->value_len[i]);
	return NULL;
}

static bool parse_id(const char *s, int64_t *out)
{
	if (!s || !*s || *s < '1' || *s > '9')
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0)
		return false;
	*out = v;
	return true;
}

int req_param_id(struct req *req, const char *name, int64_t *out)
{
	if (!parse_id(req_param(req, name), out))
		return brug_fail(&req->err, BRUG_ENOTFOUND, "error.not_found", NULL);
	return 0;
}

int64_t req_query_int(const struct req *req, const char *name, int64_t def, int64_t min,
		      int64_t max)
{
	const char *s = req_query(req, name);
	if (!s || !*s)
		return def;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return def;
	return v < min ? min : v > max ? max : v;
}

struct actor req_actor(const struct req *req)
{
	struct actor a = {
		.org_id = req->who.org_id,
		.user_id = req->who.user_id,
		.label = req->who.user_id ? req->who.email : "anonymous",
		.ip = req->client_ip ? req->client_ip : "",
	};
	return a;
}

json_t *resp_data(struct resp *resp)
{
	if (!resp->data)
		resp->data = json_object();
	return resp->data;
}

void resp_set_data(struct resp *resp, json_t *data)
{
	json_decref(resp->data);
	resp->data = data;
}

void resp_header(struct resp *resp, struct req *req, const char *name, const char *value)
{
	kvs_add(&resp->headers, &req->arena, name, value, strlen(value));
}

void resp_header_static(struct resp *resp, struct req *req, const char *name, const char *value)
{
	kvs_add_ref(&resp->headers, &req->arena, name, value);
}

void resp_cookie(struct resp *resp, struct req *req, const char *name, const char *value,
		 int64_t max_age)
{
	char age[48] = "";
	if (max_age >= 0)
		snprintf(age, sizeof(age), "; Max-Age=%lld", (long long)max_age);
	const char *v = arena_printf(&req->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", name,
				     max_age == 0 ? "" : value, age,
				     app_secure_cookies(req->app) ? "; Secure" : "");
	resp_header(resp, req, "Set-Cookie", v);
}

void resp_redirect(struct resp *resp, struct req *req, const char *target, const char *flash)
{
	resp->redirect = arena_strdup(&req->arena, target);
	resp->flash = flash;
}

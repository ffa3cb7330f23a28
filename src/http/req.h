/* SPDX-License-Identifier: Apache-2.0 */
/* One request and its response, as handlers see them. A request owns an
 * arena that lives until the response is sent; everything a handler gets
 * from it (strings, lists) is valid until then. A response carries data (a
 * JSON object), a view, a status and an optional redirect; http/app.c turns
 * it into JSON for API clients or a rendered page for browsers. Neither
 * type knows libmicrohttpd: http/mhd.c fills one from a connection, and the
 * in-process tests fill one by hand. Not thread-safe (one request, one
 * thread). */
#ifndef BRUG_HTTP_REQ_H
#define BRUG_HTTP_REQ_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/rc.h"
#include "domain/principal.h"
#include "http/parse.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/buf.h"

struct app;
struct db;
struct input;

enum req_auth { AUTH_NONE, AUTH_SESSION, AUTH_TOKEN };

struct req {
	struct arena arena;
	struct app *app;
	/* filled by the server (or a test) before app_handle */
	const char *method;
	const char *target; /* the raw request-target: path and query */
	struct kvs headers; /* names in lower case */
	const char *body;
	size_t body_len;
	bool body_too_big; /* the server stopped reading at its cap */
	const char *framing_error; /* the server refused the message framing */
	const char *peer_ip;
	/* filled by app_handle */
	const char *path; /* percent-decoded, without the /api/v1 prefix */
	bool api;         /* answer in JSON */
	const char *lang; /* "nl" or "en" */
	struct kvs query;
	struct kvs cookies;
	struct kvs form; /* urlencoded or multipart fields */
	struct uploads files;
	json_t *json;       /* a JSON body, owned by the request */
	const char *client_ip;
	struct route_match match;
	struct principal who; /* who.user_id == 0: anonymous */
	enum req_auth auth;
	struct db *db;
	const char *csrf;         /* the token forms must send back */
	struct input *input;      /* the handler's validated input, if any */
	struct i18n *i18n_owned;  /* --dev: catalogs loaded for this request */
	char touch;               /* 's' or 't': a session or token use to record */
	struct brug_err err;
	int64_t start_ns;
};

struct resp {
	int status;          /* 0: 200, or what the result code says */
	json_t *data;        /* owned; NULL: {} */
	const char *view;    /* template for browsers; NULL: the route's */
	const char *redirect;/* browsers are sent here (303) after a write */
	const char *flash;   /* catalog key of a notice for the next page */
	struct kvs headers;  /* extra response headers */
	/* a raw body instead of data (assets, metrics, exports) */
	const unsigned char *raw;
	size_t raw_len;
	const char *content_type;
	bool cacheable; /* assets: no "Cache-Control: no-store" */
	bool prebuilt;  /* the handler wrote body itself (with content_type) */
	/* the bytes sent, filled by app_handle */
	struct buf body;
	size_t sent_len; /* body bytes handed to the server (for the log) */
};

void req_init(struct req *req, struct app *app);
void req_cleanup(struct req *req);
void resp_init(struct resp *resp);
void resp_cleanup(struct resp *resp);

/* A request header (name in lower case), or NULL. */
const char *req_header(const struct req *req, const char *name);
const char *req_cookie(const struct req *req, const char *name);
const char *req_query(const struct req *req, const char *name);
/* The path parameter called name ("id" for /users/{id}), or NULL. */
const char *req_param(const struct req *req, const char *name);
/* A path parameter as a positive id; BRUG_ENOTFOUND otherwise. */
int req_param_id(struct req *req, const char *name, int64_t *out);
/* The actor for audit records: the principal, with the client address. */
struct actor req_actor(const struct req *req);
/* An optional query parameter as an integer within [min, max], or def. */
int64_t req_query_int(const struct req *req, const char *name, int64_t def, int64_t min,
		      int64_t max);

/* The response's data object, created on first use. */
json_t *resp_data(struct resp *resp);
/* Replaces the data (takes the reference). */
void resp_set_data(struct resp *resp, json_t *data);
void resp_header(struct resp *resp, struct req *req, const char *name, const char *value);
/* The same for a name and value that live as long as the program. */
void resp_header_static(struct resp *resp, struct req *req, const char *name, const char *value);
/* Sets a cookie: HttpOnly, SameSite=Lax, Path=/, Secure when the base URL
 * is https. max_age < 0: a session cookie; 0: delete it. */
void resp_cookie(struct resp *resp, struct req *req, const char *name, const char *value,
		 int64_t max_age);
/* For browsers: go to target (a local path) after this request, with an
 * optional notice (catalog key). API clients get the data instead. */
void resp_redirect(struct resp *resp, struct req *req, const char *target, const char *flash);

#endif

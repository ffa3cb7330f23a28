/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzzes the whole request pipeline in-process: request-target and path
 * decoding, headers, cookies, content types, JSON and form bodies, routing,
 * CSRF, input validation, handlers and rendering, over an in-memory
 * database with one organisation. Input: a first byte choosing who asks
 * (anonymous or an admin's API token), then "METHOD TARGET\n", header lines,
 * an empty line and the body. Any crash, leak or sanitizer report is a bug;
 * so is a 5xx other than 503. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/routes.h"
#include "core/secure.h"
#include "db/migrate.h"
#include "domain/org.h"
#include "domain/token.h"
#include "domain/user.h"
#include "http/app.h"
#include "util/jx.h"
#include "util/log.h"

static struct config cfg;
static struct db_pool *pool;
static struct app *app;
static char token[TOKEN_MAX];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	jx_init();
	log_set_level(LOG_OFF);
	secure_setup("test");
	config_init(&cfg, NULL, NULL);
	config_set(&cfg, CFG_DB, "sqlite::memory:", CFG_SRC_FLAG, NULL);
	config_set(&cfg, CFG_ACCESS_LOG, "false", CFG_SRC_FLAG, NULL);
	pool = db_pool_new("sqlite::memory:");
	struct db *db = NULL;
	int64_t org = 0, uid = 0, tid = 0;
	if (db_pool_get(pool, &db, NULL) || migrate_up(db, NULL, NULL) ||
	    org_create(db, "Fuzz", "nl", &org))
		abort();
	struct actor a = {.org_id = org, .label = "fuzz"};
	struct user_new u = {.email = "admin@fuzz.example", .name = "Admin", .role = ROLE_ADMIN,
			     .password = "password-123"};
	if (user_create(db, &a, &u, &uid, NULL) || token_create(db, &a, uid, "f", 0, token, &tid, NULL))
		abort();
	if (app_new(&cfg, pool, routes, routes_count, &app, NULL))
		abort();
	return 0;
}

static const char *line(struct req *req, const char **p, const char *end)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	const char *stop = nl ? nl : end;
	char *s = arena_strndup(&req->arena, *p, (size_t)(stop - *p));
	*p = nl ? nl + 1 : end;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	struct req req;
	struct resp resp;
	req_init(&req, app);
	resp_init(&resp);
	const char *p = (const char *)data + 1, *end = (const char *)data + size;
	const char *first = line(&req, &p, end);
	char *sp = strchr(first, ' ');
	if (!sp) {
		req_cleanup(&req);
		resp_cleanup(&resp);
		return 0;
	}
	*sp = '\0';
	req.method = first;
	req.target = sp + 1;
	req.peer_ip = "192.0.2.1";
	if (data[0] & 1) {
		const char *auth = arena_printf(&req.arena, "Bearer %s", token);
		kvs_add(&req.headers, &req.arena, "authorization", auth, strlen(auth));
	}
	while (p < end) {
		const char *h = line(&req, &p, end);
		if (!*h)
			break;
		const char *colon = strchr(h, ':');
		if (!colon)
			continue;
		char *name = arena_strndup(&req.arena, h, (size_t)(colon - h));
		for (char *c = name; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		kvs_add(&req.headers, &req.arena, name, colon + 1, strlen(colon + 1));
	}
	req.body = p;
	req.body_len = (size_t)(end - p);
	app_handle(app, &req, &resp);
	if (resp.status >= 500 && resp.status != 503 && resp.status != 507) {
		fprintf(stderr, "status %d for %s %s\n", resp.status, req.method, req.target);
		abort();
	}
	app_finish(app, &req, &resp);
	resp_cleanup(&resp);
	req_cleanup(&req);
	return 0;
}

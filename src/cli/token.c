/* SPDX-License-Identifier: Apache-2.0 */
/* brug token create|list|revoke: API tokens from the command line, e.g. for
 * scripts and for tests. create prints the bearer token; it is not stored
 * anywhere it could be read back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/token.h"
#include "domain/user.h"
#include "util/clock.h"
#include "util/jx.h"

static int owner(struct db *db, const char *email, int64_t *org, int64_t *id)
{
	char e[256];
	snprintf(e, sizeof(e), "%s", email ? email : "");
	for (char *p = e; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (user_login_org(db, e, org) || user_find(db, *org, e, id)) {
		fprintf(stderr, "brug: no user with email %s\n", e);
		return 1;
	}
	return 0;
}

static bool parse_pos(const char *s, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = s ? strtoll(s, &end, 10) : 0;
	if (!s || errno || *end || v < 0)
		return false;
	*out = v;
	return true;
}

static int create(struct db *db, const char *email, const char *name, const char *days_s)
{
	int64_t org = 0, uid = 0, days = 0;
	if (days_s && !parse_pos(days_s, &days)) {
		fprintf(stderr, "brug: --expires-days must be a whole number\n");
		return 2;
	}
	if (owner(db, email, &org, &uid))
		return 1;
	struct actor who = cli_actor(org);
	char secret[TOKEN_MAX];
	int64_t id = 0;
	struct brug_err err = {0};
	if (token_create(db, &who, uid, name ? name : "cli", days ? clock_now_ms() + days * 86400000 : 0,
			 secret, &id, &err))
		return cli_fail("could not create the token", &err);
	printf("%s\n", secret);
	return 0;
}

static int list(struct db *db, const char *email)
{
	int64_t org = 0, uid = 0;
	if (owner(db, email, &org, &uid))
		return 1;
	for (struct listing page = {.page = 1, .per_page = LISTING_PER_PAGE_MAX};; page.page++) {
		json_t *l = NULL;
		if (token_list(db, org, uid, page, &l))
			return cli_fail("cannot list tokens", NULL);
		size_t i;
		json_t *t;
		json_array_foreach(json_object_get(l, "items"), i, t)
			printf("%-6lld %-10s %-24s %s\n", (long long)jx_int(t, "id", 0),
			       jx_bool(t, "is_revoked", false) ? "revoked" : "active",
			       jx_str(t, "created_at"), jx_str(t, "name"));
		bool last = page.page >= jx_int(l, "pages", 1);
		json_decref(l);
		if (last)
			return 0;
	}
}

static int revoke(struct db *db, const char *email, const char *id_s)
{
	int64_t org = 0, uid = 0, id = 0;
	if (!parse_pos(id_s, &id) || !id) {
		fprintf(stderr, "brug: token revoke needs --id N (see brug token list)\n");
		return 2;
	}
	if (owner(db, email, &org, &uid))
		return 1;
	struct actor who = cli_actor(org);
	struct brug_err err = {0};
	if (token_revoke(db, &who, id, uid, &err))
		return cli_fail("no such token for that user", NULL);
	printf("revoked token %lld\n", (long long)id);
	return 0;
}

int cmd_token(int argc, char **argv)
{
	const char *email = NULL, *name = NULL, *days = NULL, *id = NULL;
	const struct cli_opt opts[] = {
		{"email", &email, NULL, "the user the token acts as (required)"},
		{"name", &name, NULL, "what the token is for (create; default \"cli\")"},
		{"expires-days", &days, NULL, "days until it expires (create; default never)"},
		{"id", &id, NULL, "the token to revoke"},
		{0},
	};
	struct cli c = {.usage = "brug token create|list|revoke --email E [options]\n"
				 "  create --email E [--name N] [--expires-days D]  prints a new bearer token\n"
				 "  list --email E                                 lists the user's tokens\n"
				 "  revoke --email E --id N                        revokes a token"};
	int rc = cli_parse(&c, argc, argv, opts);
	if (rc) {
		cli_cleanup(&c);
		return rc < 0 ? 2 : 0;
	}
	const char *verb = c.argc ? c.argv[0] : "";
	struct db *db = NULL;
	if ((strcmp(verb, "create") && strcmp(verb, "list") && strcmp(verb, "revoke")) || !email) {
		fprintf(stderr, "brug: token needs create, list or revoke, and --email (see --help)\n");
		rc = 2;
	} else if (!(rc = cli_open_db(&c, &db))) {
		if (!strcmp(verb, "create"))
			rc = create(db, email, name, days);
		else if (!strcmp(verb, "list"))
			rc = list(db, email);
		else
			rc = revoke(db, email, id);
	}
	db_close(db);
	cli_cleanup(&c);
	return rc;
}

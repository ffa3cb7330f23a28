/* SPDX-License-Identifier: Apache-2.0 */
/* brug user add|list|passwd|disable: account administration from the
 * command line, for the first steps and for when nobody can sign in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/secure.h"
#include "domain/principal.h"
#include "domain/user.h"
#include "util/jx.h"

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* The organisation and id of the user with this email. */
static int find_user(struct db *db, const char *email, int64_t *org, int64_t *id)
{
	char e[256];
	snprintf(e, sizeof(e), "%s", email ? email : "");
	lower(e);
	int64_t o = 0;
	int rc = user_login_org(db, e, &o);
	if (!rc)
		rc = user_find(db, o, e, id);
	if (rc) {
		fprintf(stderr, "brug: no user with email %s\n", e);
		return 1;
	}
	*org = o;
	return 0;
}

static int user_add(struct cli *c, struct db *db, const char *email, const char *name,
		    const char *role, const char *org_arg, const char *password)
{
	int64_t org = 0, id = 0;
	char e[256], tok[SECURE_TOKEN_CHARS + 1];
	if (!email || !strchr(email, '@') || !name || !role_parse(role ? role : "employee")) {
		fprintf(stderr, "brug: user add needs --email, --name and a --role of employee, manager or admin\n");
		return 2;
	}
	if (cli_org(db, org_arg, &org))
		return 1;
	snprintf(e, sizeof(e), "%s", email);
	lower(e);
	if (!password) {
		secure_token(tok);
		tok[16] = '\0';
		password = tok;
		printf("generated password: %s\n", tok);
	}
	struct actor who = cli_actor(org);
	struct user_new u = {.email = e, .name = name, .role = role_parse(role ? role : "employee"),
			     .password = password};
	struct brug_err err = {0};
	if (user_create(db, &who, &u, &id, &err))
		return cli_fail(err.key && !strcmp(err.key, "error.email_taken")
					? "that email address already has an account"
					: "could not add the user",
				&err);
	printf("added user %lld %s (%s)\n", (long long)id, e, role_name(u.role));
	(void)c;
	return 0;
}

static int user_ls(struct db *db, const char *org_arg)
{
	int64_t org = 0;
	if (cli_org(db, org_arg, &org))
		return 1;
	struct user_filter f = {.page = 1, .per_page = 200};
	for (;; f.page++) {
		json_t *list = NULL;
		if (user_list(db, org, &f, &list))
			return cli_fail("cannot list users", NULL);
		size_t i;
		json_t *u;
		json_array_foreach(json_object_get(list, "items"), i, u)
			printf("%-6lld %-36s %-9s %-8s %s\n", (long long)jx_int(u, "id", 0),
			       jx_str(u, "email"), jx_str(u, "role"),
			       jx_bool(u, "is_disabled", false) ? "disabled" : "active", jx_str(u, "name"));
		bool last = f.page >= jx_int(list, "pages", 1);
		json_decref(list);
		if (last)
			return 0;
	}
}

static int user_passwd(struct db *db, const char *email, const char *password)
{
	int64_t org = 0, id = 0;
	char *asked = NULL;
	if (find_user(db, email, &org, &id))
		return 1;
	if (!password)
		password = asked = cli_read_password("new password: ");
	struct actor who = cli_actor(org);
	struct brug_err err = {0};
	int rc = password ? user_set_password(db, &who, id, password, 0, &err) : BRUG_EINVAL;
	free(asked);
	if (rc)
		return cli_fail(err.key && !strcmp(err.key, "error.password_short")
					? "the password needs at least 8 characters"
					: "could not set the password",
				&err);
	printf("password changed; the user's sessions have ended\n");
	return 0;
}

static int user_disable(struct db *db, const char *email, bool enable)
{
	int64_t org = 0, id = 0;
	if (find_user(db, email, &org, &id))
		return 1;
	struct actor who = cli_actor(org);
	struct user_patch p = {.disabled = enable ? 0 : 1};
	struct brug_err err = {0};
	if (user_update(db, &who, id, &p, &err))
		return cli_fail(err.key && !strcmp(err.key, "error.last_admin")
					? "this is the last administrator"
					: "could not change the user",
				&err);
	printf("%s %s\n", enable ? "enabled" : "disabled", email);
	return 0;
}

int cmd_user(int argc, char **argv)
{
	const char *email = NULL, *name = NULL, *role = NULL, *org = NULL, *password = NULL;
	bool enable = false;
	const struct cli_opt opts[] = {
		{"email", &email, NULL, "the user's email address"},
		{"name", &name, NULL, "full name (add)"},
		{"role", &role, NULL, "employee, manager or admin (add; default employee)"},
		{"password", &password, NULL, "password (add, passwd; generated or asked when absent)"},
		{"org", &org, NULL, "organisation id (when there are several)"},
		{"enable", NULL, &enable, "disable: enable the user again instead"},
		{0},
	};
	struct cli c = {.usage = "brug user add|list|passwd|disable [options]\n"
				 "  add --email E --name N [--role R] [--password P]   create a user\n"
				 "  list                                             list users\n"
				 "  passwd --email E [--password P]                  set a password\n"
				 "  disable --email E [--enable]                     disable (or enable) a user"};
	int rc = cli_parse(&c, argc, argv, opts);
	if (rc) {
		cli_cleanup(&c);
		return rc < 0 ? 2 : 0;
	}
	const char *verb = c.argc ? c.argv[0] : "";
	struct db *db = NULL;
	if (strcmp(verb, "add") && strcmp(verb, "list") && strcmp(verb, "passwd") &&
	    strcmp(verb, "disable")) {
		fprintf(stderr, "brug: user needs add, list, passwd or disable (see brug user --help)\n");
		rc = 2;
	} else if (!(rc = cli_open_db(&c, &db))) {
		if (!strcmp(verb, "add"))
			rc = user_add(&c, db, email, name, role, org, password);
		else if (!strcmp(verb, "list"))
			rc = user_ls(db, org);
		else if (!strcmp(verb, "passwd"))
			rc = user_passwd(db, email, password);
		else
			rc = user_disable(db, email, enable);
	}
	db_close(db);
	cli_cleanup(&c);
	return rc;
}

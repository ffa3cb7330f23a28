/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/domain/token.c: API tokens are shown once and stored as a
 * digest, act as their user, and stop working when revoked, expired or
 * when the user is disabled. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#include "core/rc.h"
#include "core/secure.h"
#include "domain/org.h"
#include "domain/token.h"
#include "domain/user.h"
#include "util/clock.h"
#include "util/jx.h"

#define HOUR (3600 * 1000)

struct world {
	int64_t a, b;
	int64_t ann, bob, cas;
	struct actor as_ann, as_cas;
};

static struct world world(struct fx *f)
{
	struct world w = {0};
	w.a = fx_org(f, "Acme");
	w.b = fx_org(f, "Bolt");
	w.ann = fx_user(f, w.a, "ann@acme.nl", "Ann", ROLE_ADMIN);
	w.bob = fx_user(f, w.a, "bob@acme.nl", "Bob", ROLE_EMPLOYEE);
	w.cas = fx_user(f, w.b, "cas@bolt.nl", "Cas", ROLE_ADMIN);
	w.as_ann = fx_actor(w.a, w.ann, "ann@acme.nl", "192.0.2.1");
	w.as_cas = fx_actor(w.b, w.cas, "cas@bolt.nl", "192.0.2.2");
	return w;
}

/* The random part of "brug_<org>_<token>" (the token may hold '_' itself). */
static const char *token_part(const char *secret)
{
	return strchr(secret + 5, '_') + 1;
}

static int64_t make(struct fx *f, const struct actor *who, int64_t user, const char *name,
                    int64_t expires_at, char secret[TOKEN_MAX])
{
	struct brug_err err = {0};
	int64_t id = 0;
	assert_int_equal(token_create(f->db, who, user, name, expires_at, secret, &id, &err), 0);
	assert_true(id > 0);
	return id;
}

static void test_create_find(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct brug_err err = {0};
	struct actor cli = fx_cli(w.a);
	assert_int_equal(org_update(f->db, &cli, NULL, "en", NULL, &err), 0);
	char secret[TOKEN_MAX];
	int64_t before = clock_now_ms();
	int64_t id = make(f, &w.as_ann, w.bob, "CI", 0, secret);

	/* "brug_<org>_<43 base64url characters>" */
	char prefix[40];
	int plen = snprintf(prefix, sizeof(prefix), "brug_%lld_", (long long)w.a);
	assert_int_equal(strncmp(secret, prefix, (size_t)plen), 0);
	assert_int_equal(strlen(secret), (size_t)plen + SECURE_TOKEN_CHARS);
	const char *tok = secret + plen;
	assert_ptr_equal(token_part(secret), tok);
	assert_int_equal(
	        strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
	        SECURE_TOKEN_CHARS);

	/* the row: the digest and a hint of the last four characters */
	char digest[SECURE_DIGEST_HEX + 1], hint[16];
	secure_digest_hex(tok, SECURE_TOKEN_CHARS, digest);
	snprintf(hint, sizeof(hint), "…%s", tok + SECURE_TOKEN_CHARS - 4);
	char *s = fx_text(f, "SELECT token_hash FROM api_tokens WHERE id = ?", DB_ARGS(DB_I(id)));
	assert_string_equal(s, digest);
	free(s);
	s = fx_text(f, "SELECT hint FROM api_tokens WHERE id = ?", DB_ARGS(DB_I(id)));
	assert_string_equal(s, hint);
	free(s);
	s = fx_text(f, "SELECT name FROM api_tokens WHERE id = ?", DB_ARGS(DB_I(id)));
	assert_string_equal(s, "CI");
	free(s);
	assert_int_equal(fx_int(f, "SELECT org_id FROM api_tokens WHERE id = ?", DB_ARGS(DB_I(id))),
	                 w.a);
	assert_int_equal(
	        fx_int(f, "SELECT user_id FROM api_tokens WHERE id = ?", DB_ARGS(DB_I(id))), w.bob);
	int64_t created =
	        fx_int(f, "SELECT created_at FROM api_tokens WHERE id = ?", DB_ARGS(DB_I(id)));
	assert_true(created >= before && created <= clock_now_ms());
	assert_int_equal(fx_int(f,
	                        "SELECT CASE WHEN expires_at IS NULL THEN 1 ELSE 0 END"
	                        " + CASE WHEN revoked_at IS NULL THEN 2 ELSE 0 END"
	                        " + CASE WHEN last_used_at IS NULL THEN 4 ELSE 0 END"
	                        " FROM api_tokens WHERE id = ?",
	                        DB_ARGS(DB_I(id))),
	                 7);

	/* the secret is nowhere in the stored data: neither the whole bearer
	 * value nor its random part, nor a large piece of it */
	assert_false(fx_db_contains(f, secret));
	assert_false(fx_db_contains(f, tok));
	char piece[17];
	snprintf(piece, sizeof(piece), "%.16s", tok + 10);
	assert_false(fx_db_contains(f, piece));
	/* while the digest is (the check can see what it looks for) */
	assert_true(fx_db_contains(f, digest));

	struct principal p;
	memset(&p, 0x5a, sizeof(p));
	assert_int_equal(token_find(f->db, secret, &p), 0);
	assert_int_equal(p.org_id, w.a);
	assert_int_equal(p.user_id, w.bob);
	assert_int_equal(p.token_id, id);
	assert_int_equal(p.session_id, 0);
	assert_int_equal(p.role, ROLE_EMPLOYEE);
	assert_string_equal(p.email, "bob@acme.nl");
	assert_string_equal(p.name, "Bob");
	assert_string_equal(p.lang, "");
	assert_string_equal(p.org_lang, "en");
	assert_string_equal(p.org_name, "Acme");
	assert_string_equal(p.session_hash, "");

	/* the token acts with the user's current role */
	struct user_patch promote = {.role = ROLE_MANAGER, .disabled = -1};
	assert_int_equal(user_update(f->db, &w.as_ann, w.bob, &promote, &err), 0);
	assert_int_equal(token_find(f->db, secret, &p), 0);
	assert_int_equal(p.role, ROLE_MANAGER);

	/* with an end date */
	int64_t end = clock_now_ms() + HOUR;
	int64_t id2 = make(f, &w.as_ann, w.ann, "Short", end, secret);
	assert_int_equal(
	        fx_int(f, "SELECT expires_at FROM api_tokens WHERE id = ?", DB_ARGS(DB_I(id2))),
	        end);
}

static void test_last_used(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	char secret[TOKEN_MAX];
	int64_t id = make(f, &w.as_ann, w.ann, "CI", 0, secret);
	struct principal p;
	int64_t before = clock_now_ms();
	assert_int_equal(token_find(f->db, secret, &p), 0);
	int64_t used =
	        fx_int(f, "SELECT last_used_at FROM api_tokens WHERE id = ?", DB_ARGS(DB_I(id)));
	assert_true(used >= before && used <= clock_now_ms());
	/* written at most once a minute */
	fx_shift(f, 30 * 1000);
	assert_int_equal(token_find(f->db, secret, &p), 0);
	assert_int_equal(
	        fx_int(f, "SELECT last_used_at FROM api_tokens WHERE id = ?", DB_ARGS(DB_I(id))),
	        used);
	fx_shift(f, 31 * 1000);
	assert_int_equal(token_find(f->db, secret, &p), 0);
	assert_true(fx_int(f, "SELECT last_used_at FROM api_tokens WHERE id = ?",
	                   DB_ARGS(DB_I(id))) >= used + 61 * 1000);
}

static void test_find_refused(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct brug_err err = {0};
	char good[TOKEN_MAX], revoked[TOKEN_MAX], expiring[TOKEN_MAX], bobs[TOKEN_MAX];
	make(f, &w.as_ann, w.ann, "good", 0, good);
	int64_t rid = make(f, &w.as_ann, w.ann, "revoked", 0, revoked);
	make(f, &w.as_ann, w.ann, "expiring", clock_now_ms() + HOUR, expiring);
	make(f, &w.as_ann, w.bob, "bob's", 0, bobs);
	assert_int_equal(token_revoke(f->db, &w.as_ann, rid, 0, &err), 0);

	struct principal p;
	assert_int_equal(token_find(f->db, revoked, &p), BRUG_EAUTH);
	assert_int_equal(token_find(f->db, good, &p), 0);
	assert_int_equal(token_find(f->db, expiring, &p), 0);

	/* malformed values */
	const char *tok = token_part(good);
	char bad[16][128];
	size_t n = 0;
	snprintf(bad[n++], 128, "%s", "");
	snprintf(bad[n++], 128, "%s", "brug_");
	snprintf(bad[n++], 128, "brug_%lld_", (long long)w.a);
	snprintf(bad[n++], 128, "brug__%s", tok);
	snprintf(bad[n++], 128, "%lld.%s", (long long)w.a, tok); /* cookie style */
	snprintf(bad[n++], 128, "Bearer %s", good);
	snprintf(bad[n++], 128, "BRUG_%lld_%s", (long long)w.a, tok);
	snprintf(bad[n++], 128, "brug_%lld.%s", (long long)w.a, tok);
	snprintf(bad[n++], 128, "brug_%lld_%.42s", (long long)w.a, tok);
	snprintf(bad[n++], 128, "%sx", good);
	snprintf(bad[n++], 128, "brug_%lld_%s", (long long)w.b, tok); /* another org */
	snprintf(bad[n++], 128, "brug_99999999999999999999_%s", tok); /* huge org */
	for (size_t i = 0; i < n; i++) {
		int rc = token_find(f->db, bad[i], &p);
		if (rc != BRUG_EAUTH)
			fail_msg("bearer #%zu \"%s\": rc %d, want BRUG_EAUTH", i, bad[i], rc);
	}
	assert_int_equal(token_find(f->db, NULL, &p), BRUG_EAUTH);

	/* expired */
	fx_shift(f, HOUR);
	assert_int_equal(token_find(f->db, expiring, &p), BRUG_EAUTH);
	assert_int_equal(token_find(f->db, good, &p), 0);

	/* the user disabled: the token stops at once */
	struct user_patch disable = {.disabled = 1};
	assert_int_equal(token_find(f->db, bobs, &p), 0);
	assert_int_equal(user_update(f->db, &w.as_ann, w.bob, &disable, &err), 0);
	assert_int_equal(token_find(f->db, bobs, &p), BRUG_EAUTH);
	assert_int_equal(token_find(f->db, good, &p), 0);
}

static void test_create_refused(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct brug_err err = {0};
	struct user_patch disable = {.disabled = 1};
	assert_int_equal(user_update(f->db, &w.as_ann, w.bob, &disable, &err), 0);
	int64_t mark = fx_audit_mark(f);
	char secret[TOKEN_MAX] = "untouched";
	int64_t id = -3;
	/* another organisation's user, a disabled user, nobody */
	const int64_t users[] = {w.cas, w.bob, 999999};
	for (size_t i = 0; i < 3; i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(
		        token_create(f->db, &w.as_ann, users[i], "x", 0, secret, &id, &err),
		        BRUG_ENOTFOUND);
		assert_int_equal(err.rc, BRUG_ENOTFOUND);
		assert_string_equal(err.field, "user_id");
	}
	assert_string_equal(secret, "untouched");
	assert_int_equal(id, -3);
	assert_int_equal(fx_rows(f, "api_tokens"), 0);
	fx_audit_none(f, mark);
	assert_false(db_in_tx(f->db));
}

static void test_revoke(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct brug_err err = {0};
	char sa[TOKEN_MAX], sb[TOKEN_MAX], sc[TOKEN_MAX];
	int64_t ta = make(f, &w.as_ann, w.ann, "ann's", 0, sa);
	int64_t tb = make(f, &w.as_ann, w.bob, "bob's", 0, sb);
	int64_t tc = make(f, &w.as_cas, w.cas, "cas's", 0, sc);
	struct actor as_bob = fx_actor(w.a, w.bob, "bob@acme.nl", "");
	struct principal p;

	/* owner limits revocation to one's own tokens */
	int64_t mark = fx_audit_mark(f);
	memset(&err, 0, sizeof(err));
	assert_int_equal(token_revoke(f->db, &as_bob, ta, w.bob, &err), BRUG_ENOTFOUND);
	assert_int_equal(err.rc, BRUG_ENOTFOUND);
	assert_int_equal(token_find(f->db, sa, &p), 0);
	/* another organisation, even without an owner limit */
	assert_int_equal(token_revoke(f->db, &w.as_ann, tc, 0, &err), BRUG_ENOTFOUND);
	assert_int_equal(token_find(f->db, sc, &p), 0);
	assert_int_equal(token_revoke(f->db, &w.as_ann, 999999, 0, &err), BRUG_ENOTFOUND);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NOT NULL",
	                        DB_NOARGS),
	                 0);
	fx_audit_none(f, mark);

	int64_t before = clock_now_ms();
	assert_int_equal(token_revoke(f->db, &as_bob, tb, w.bob, &err), 0);
	assert_int_equal(token_find(f->db, sb, &p), BRUG_EAUTH);
	int64_t at = fx_int(f, "SELECT revoked_at FROM api_tokens WHERE id = ?", DB_ARGS(DB_I(tb)));
	assert_true(at >= before && at <= clock_now_ms());
	/* an admin revokes anyone's */
	assert_int_equal(token_revoke(f->db, &w.as_ann, ta, 0, &err), 0);
	assert_int_equal(token_find(f->db, sa, &p), BRUG_EAUTH);
	assert_int_equal(token_find(f->db, sc, &p), 0);
	/* again: the first time stays, it succeeds, and nothing is recorded */
	fx_shift(f, 60000);
	mark = fx_audit_mark(f);
	assert_int_equal(token_revoke(f->db, &w.as_ann, tb, 0, &err), 0);
	assert_int_equal(
	        fx_int(f, "SELECT revoked_at FROM api_tokens WHERE id = ?", DB_ARGS(DB_I(tb))), at);
	fx_audit_none(f, mark);
}

/* The names of the items, joined by commas. */
static const char *names(const json_t *j)
{
	static char out[512];
	size_t i, len = 0;
	json_t *it;
	out[0] = '\0';
	json_array_foreach(json_object_get(j, "items"), i, it) len += (size_t)snprintf(
	        out + len, sizeof(out) - len, "%s%s", i ? "," : "", jx_str(it, "name"));
	return out;
}

static void test_list(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct brug_err err = {0};
	char s1[TOKEN_MAX], s2[TOKEN_MAX], s3[TOKEN_MAX], s4[TOKEN_MAX], sc[TOKEN_MAX];
	int64_t t1 = make(f, &w.as_ann, w.ann, "one", 0, s1);
	make(f, &w.as_ann, w.bob, "two", 0, s2);
	int64_t t3 = make(f, &w.as_ann, w.ann, "three", clock_now_ms() + HOUR, s3);
	make(f, &w.as_ann, w.ann, "four", 0, s4);
	make(f, &w.as_cas, w.cas, "bolt", 0, sc);
	assert_int_equal(token_revoke(f->db, &w.as_ann, t3, 0, &err), 0);

	json_t *j = NULL;
	/* newest first, revoked ones last */
	assert_int_equal(token_list(f->db, w.a, 0, (struct listing){0}, &j), 0);
	assert_string_equal(names(j), "four,two,one,three");
	json_t *items = json_object_get(j, "items");
	json_t *one = json_array_get(items, 2), *three = json_array_get(items, 3);
	assert_int_equal(jx_int(one, "id", 0), t1);
	assert_int_equal(jx_int(one, "user_id", 0), w.ann);
	assert_string_equal(jx_str(one, "user_name"), "Ann");
	assert_true(json_is_false(json_object_get(one, "is_revoked")));
	assert_true(json_is_null(json_object_get(one, "revoked_at")));
	assert_true(json_is_null(json_object_get(one, "expires_at")));
	assert_true(json_is_null(json_object_get(one, "last_used_at")));
	assert_true(json_is_string(json_object_get(one, "created_at")));
	char hint[16];
	snprintf(hint, sizeof(hint), "…%s", s1 + strlen(s1) - 4);
	assert_string_equal(jx_str(one, "hint"), hint);
	assert_true(json_is_true(json_object_get(three, "is_revoked")));
	assert_true(json_is_string(json_object_get(three, "revoked_at")));
	assert_true(json_is_string(json_object_get(three, "expires_at")));
	/* exactly these keys: nothing secret, not even the digest */
	const char *key;
	json_t *v;
	json_object_foreach(one, key, v)
	{
		static const char *const allowed = " id name hint user_id user_name created_at "
		                                   "last_used_at expires_at revoked_at is_revoked ";
		char k[64];
		snprintf(k, sizeof(k), " %s ", key);
		if (!strstr(allowed, k))
			fail_msg("unexpected key %s in a token list item", key);
	}
	assert_int_equal(json_object_size(one), 10);
	char *dump = jx_dumps(j);
	const char *secrets[] = {s1, s2, s3, s4, sc};
	for (size_t i = 0; i < 5; i++)
		assert_null(strstr(dump, token_part(secrets[i])));
	free(dump);
	json_decref(j);

	/* one user's */
	assert_int_equal(token_list(f->db, w.a, w.bob, (struct listing){0}, &j), 0);
	assert_string_equal(names(j), "two");
	json_decref(j);
	assert_int_equal(token_list(f->db, w.a, w.ann, (struct listing){0}, &j), 0);
	assert_string_equal(names(j), "four,one,three");
	json_decref(j);
	/* another organisation's */
	assert_int_equal(token_list(f->db, w.b, 0, (struct listing){0}, &j), 0);
	assert_string_equal(names(j), "bolt");
	json_decref(j);
	assert_int_equal(token_list(f->db, w.b, w.ann, (struct listing){0}, &j), 0);
	assert_string_equal(names(j), "");
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        FX_TEST(test_create_find),    FX_TEST(test_last_used), FX_TEST(test_find_refused),
	        FX_TEST(test_create_refused), FX_TEST(test_revoke),    FX_TEST(test_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

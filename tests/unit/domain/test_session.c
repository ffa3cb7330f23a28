/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/domain/session.c: the cookie round trip, hostile cookie
 * values, expiry and sliding, disabled users and the purge. Time moves
 * with fx_shift, never with sleeps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#include "core/rc.h"
#include "core/secure.h"
#include "domain/org.h"
#include "domain/session.h"
#include "domain/user.h"
#include "util/clock.h"

#define MIN  (60 * 1000)
#define HOUR (60 * MIN)

struct world {
	int64_t a, b;
	int64_t ann, cas;
};

static struct world world(struct fx *f)
{
	struct world w = {0};
	w.a = fx_org(f, "Acme");
	w.b = fx_org(f, "Bolt");
	w.ann = fx_user(f, w.a, "ann@acme.nl", "Ann Admin", ROLE_ADMIN);
	w.cas = fx_user(f, w.b, "cas@bolt.nl", "Cas", ROLE_MANAGER);
	return w;
}

static int64_t start(struct fx *f, int64_t org, int64_t user, int64_t ttl,
                     char cookie[SESSION_COOKIE_MAX])
{
	int64_t id = 0;
	assert_int_equal(session_create(f->db, org, user, "192.0.2.7", "Firefox", ttl, cookie, &id),
	                 0);
	assert_true(id > 0);
	return id;
}

static int64_t col(struct fx *f, const char *column, int64_t id)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT %s FROM sessions WHERE id = ?", column);
	return fx_int(f, sql, DB_ARGS(DB_I(id)));
}

static void test_create_find(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	struct actor cli = fx_cli(w.a);
	struct brug_err err = {0};
	assert_int_equal(org_update(f->db, &cli, NULL, "en", NULL, &err), 0);
	struct user_patch p = {.lang = "nl", .disabled = -1};
	assert_int_equal(user_update(f->db, &cli, w.ann, &p, &err), 0);

	char cookie[SESSION_COOKIE_MAX];
	int64_t before = clock_now_ms();
	int64_t id = start(f, w.a, w.ann, HOUR, cookie);
	/* "<org>.<43 base64url characters>" */
	char prefix[32];
	int plen = snprintf(prefix, sizeof(prefix), "%lld.", (long long)w.a);
	assert_int_equal(strncmp(cookie, prefix, (size_t)plen), 0);
	assert_int_equal(strlen(cookie), (size_t)plen + SECURE_TOKEN_CHARS);
	assert_int_equal(strspn(cookie + plen,
	                        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
	                 SECURE_TOKEN_CHARS);

	/* stored: the digest, not the token; times; ip and agent */
	char digest[SECURE_DIGEST_HEX + 1];
	secure_digest_hex(cookie + plen, SECURE_TOKEN_CHARS, digest);
	char *stored =
	        fx_text(f, "SELECT token_hash FROM sessions WHERE id = ?", DB_ARGS(DB_I(id)));
	assert_string_equal(stored, digest);
	free(stored);
	assert_false(fx_db_contains(f, cookie + plen));
	int64_t created = col(f, "created_at", id);
	assert_true(created >= before && created <= clock_now_ms());
	assert_int_equal(col(f, "last_seen_at", id), created);
	assert_int_equal(col(f, "expires_at", id), created + HOUR);
	assert_int_equal(col(f, "org_id", id), w.a);
	assert_int_equal(col(f, "user_id", id), w.ann);
	char *s = fx_text(f, "SELECT ip || '|' || user_agent FROM sessions WHERE id = ?",
	                  DB_ARGS(DB_I(id)));
	assert_string_equal(s, "192.0.2.7|Firefox");
	free(s);

	struct principal pr;
	memset(&pr, 0x5a, sizeof(pr));
	assert_int_equal(session_find(f->db, cookie, HOUR, &pr), 0);
	assert_int_equal(pr.org_id, w.a);
	assert_int_equal(pr.user_id, w.ann);
	assert_int_equal(pr.session_id, id);
	assert_int_equal(pr.token_id, 0);
	assert_int_equal(pr.role, ROLE_ADMIN);
	assert_string_equal(pr.email, "ann@acme.nl");
	assert_string_equal(pr.name, "Ann Admin");
	assert_string_equal(pr.lang, "nl");
	assert_string_equal(pr.org_lang, "en");
	assert_string_equal(pr.org_name, "Acme");
	assert_string_equal(pr.session_hash, digest);

	/* a user without a language of their own: "" */
	char cookie_b[SESSION_COOKIE_MAX];
	start(f, w.b, w.cas, HOUR, cookie_b);
	assert_int_equal(session_find(f->db, cookie_b, HOUR, &pr), 0);
	assert_int_equal(pr.org_id, w.b);
	assert_int_equal(pr.user_id, w.cas);
	assert_int_equal(pr.role, ROLE_MANAGER);
	assert_string_equal(pr.lang, "");
	assert_string_equal(pr.org_lang, "nl");
	assert_string_equal(pr.org_name, "Bolt");
	/* each session is its own: two cookies never collide */
	assert_string_not_equal(cookie, cookie_b);

	/* the principal follows the user's current role */
	p = (struct user_patch){.role = ROLE_EMPLOYEE, .disabled = -1};
	int64_t second = fx_user(f, w.a, "second@acme.nl", "Second", ROLE_ADMIN);
	(void)second;
	assert_int_equal(user_update(f->db, &cli, w.ann, &p, &err), 0);
	assert_int_equal(session_find(f->db, cookie, HOUR, &pr), 0);
	assert_int_equal(pr.role, ROLE_EMPLOYEE);

	/* no ip, no agent, an over-long agent */
	char big[600];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	int64_t id2 = 0;
	assert_int_equal(session_create(f->db, w.a, w.ann, NULL, NULL, HOUR, cookie, &id2), 0);
	s = fx_text(f, "SELECT ip || '|' || user_agent FROM sessions WHERE id = ?",
	            DB_ARGS(DB_I(id2)));
	assert_string_equal(s, "|");
	free(s);
	assert_int_equal(session_create(f->db, w.a, w.ann, "::1", big, HOUR, cookie, &id2), 0);
	assert_int_equal(fx_int(f, "SELECT length(user_agent) FROM sessions WHERE id = ?",
	                        DB_ARGS(DB_I(id2))),
	                 255);
}

static void test_malformed(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	char cookie[SESSION_COOKIE_MAX];
	start(f, w.a, w.ann, HOUR, cookie);
	const char *tok = strchr(cookie, '.') + 1;
	char bad[32][160];
	size_t n = 0;
	snprintf(bad[n++], 160, "%s", "");
	snprintf(bad[n++], 160, "%s", "1.");
	snprintf(bad[n++], 160, "%s", ".");
	snprintf(bad[n++], 160, "%s", "x.abc");
	snprintf(bad[n++], 160, "%lld", (long long)w.a);
	snprintf(bad[n++], 160, "%lld.", (long long)w.a);
	snprintf(bad[n++], 160, ".%s", tok);
	snprintf(bad[n++], 160, "%lld.%.42s", (long long)w.a, tok); /* one short */
	snprintf(bad[n++], 160, "%lld.%sA", (long long)w.a, tok);   /* one long */
	snprintf(bad[n++], 160, "%lld.%s ", (long long)w.a, tok);   /* trailing space */
	snprintf(bad[n++], 160, " %lld.%s", (long long)w.a, tok);   /* leading space */
	snprintf(bad[n++], 160, "%lld,%s", (long long)w.a, tok);    /* wrong separator */
	snprintf(bad[n++], 160, "%lld_%s", (long long)w.a, tok);
	snprintf(bad[n++], 160, "x%lld.%s", (long long)w.a, tok);
	snprintf(bad[n++], 160, "+%lld.%s", (long long)w.a, tok);
	snprintf(bad[n++], 160, "-%lld.%s", (long long)w.a, tok);
	snprintf(bad[n++], 160, "0.%s", tok);
	snprintf(bad[n++], 160, "%lld.%s", (long long)w.b, tok);    /* another org */
	snprintf(bad[n++], 160, "%lld.%s", (long long)999999, tok); /* no such org */
	snprintf(bad[n++], 160, "999999999999999999.%s", tok);      /* 18 digits */
	snprintf(bad[n++], 160, "9223372036854775807.%s", tok);     /* INT64_MAX */
	snprintf(bad[n++], 160, "18446744073709551617.%s", tok);    /* wraps to 1 in 64 bits */
	snprintf(bad[n++], 160, "99999999999999999999999999999999.%s", tok);
	/* not base64url: '+', '/', '=' and a non-ASCII byte, at the right length */
	static const char *const odd[] = {"+", "/", "=", "\xc3"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(bad[n], 160, "%lld.%s", (long long)w.a, tok);
		bad[n][strlen(bad[n]) - 1] = odd[i][0];
		n++;
	}
	/* a valid shape with a token nobody holds */
	char fresh[SECURE_TOKEN_CHARS + 1];
	secure_token(fresh);
	snprintf(bad[n++], 160, "%lld.%s", (long long)w.a, fresh);
	assert_true(n <= 32);

	struct principal pr;
	for (size_t i = 0; i < n; i++) {
		memset(&pr, 0x5a, sizeof(pr));
		int rc = session_find(f->db, bad[i], HOUR, &pr);
		if (rc != BRUG_EAUTH)
			fail_msg("cookie #%zu \"%s\": rc %d, want BRUG_EAUTH", i, bad[i], rc);
		assert_int_equal(pr.user_id, 0x5a5a5a5a5a5a5a5a);
	}
	assert_int_equal(session_find(f->db, NULL, HOUR, &pr), BRUG_EAUTH);
	/* the real one still works */
	assert_int_equal(session_find(f->db, cookie, HOUR, &pr), 0);
	assert_int_equal(pr.user_id, w.ann);
}

static void test_parse_token(void **state)
{
	(void)state;
	fx_global_init();
	char tok[SECURE_TOKEN_CHARS + 1], want[SECURE_DIGEST_HEX + 1],
	        digest[SECURE_DIGEST_HEX + 1];
	char v[128];
	secure_token(tok);
	secure_digest_hex(tok, SECURE_TOKEN_CHARS, want);
	int64_t org = 0;
	snprintf(v, sizeof(v), "42.%s", tok);
	assert_true(session_parse_token(v, "", '.', &org, digest));
	assert_int_equal(org, 42);
	assert_string_equal(digest, want);
	snprintf(v, sizeof(v), "brug_7_%s", tok);
	assert_true(session_parse_token(v, "brug_", '_', &org, digest));
	assert_int_equal(org, 7);
	assert_string_equal(digest, want);
	snprintf(v, sizeof(v), "123456789012345678.%s", tok);
	assert_true(session_parse_token(v, "", '.', &org, digest));
	assert_int_equal(org, 123456789012345678);
	/* failures leave the outputs alone */
	org = -1;
	snprintf(v, sizeof(v), "Brug_7_%s", tok);
	assert_false(session_parse_token(v, "brug_", '_', &org, digest));
	snprintf(v, sizeof(v), "brug_7.%s", tok);
	assert_false(session_parse_token(v, "brug_", '_', &org, digest));
	snprintf(v, sizeof(v), "0.%s", tok);
	assert_false(session_parse_token(v, "", '.', &org, digest));
	snprintf(v, sizeof(v), "000.%s", tok);
	assert_false(session_parse_token(v, "", '.', &org, digest));
	snprintf(v, sizeof(v), "brug_0_%s", tok);
	assert_false(session_parse_token(v, "brug_", '_', &org, digest));
	/* only base64url characters, exactly 43 of them */
	static const char odd[] = {'+', '/', '=', '.', ' ', '%', '\x80'};
	for (size_t i = 0; i < sizeof(odd); i++) {
		snprintf(v, sizeof(v), "42.%s", tok);
		v[3 + i] = odd[i];
		assert_false(session_parse_token(v, "", '.', &org, digest));
	}
	snprintf(v, sizeof(v), "42.%.42s", tok);
	assert_false(session_parse_token(v, "", '.', &org, digest));
	snprintf(v, sizeof(v), "42.%sA", tok);
	assert_false(session_parse_token(v, "", '.', &org, digest));
	snprintf(v, sizeof(v), "1234567890123456789.%s", tok);
	assert_false(session_parse_token(v, "", '.', &org, digest));
	assert_false(session_parse_token(NULL, "", '.', &org, digest));
	assert_int_equal(org, -1);
}

static void test_expiry(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	char cookie[SESSION_COOKIE_MAX];
	int64_t ttl = 4 * MIN; /* under the touch interval: no sliding here */
	int64_t id = start(f, w.a, w.ann, ttl, cookie);
	int64_t expires = col(f, "expires_at", id);
	struct principal pr;
	fx_shift(f, 3 * MIN);
	assert_int_equal(session_find(f->db, cookie, ttl, &pr), 0);
	assert_int_equal(col(f, "expires_at", id), expires);
	/* now - created > ttl */
	fx_shift(f, MIN + 1);
	assert_int_equal(session_find(f->db, cookie, ttl, &pr), BRUG_EAUTH);
	/* and it stays expired: a failed look-up does not revive it */
	assert_int_equal(col(f, "expires_at", id), expires);
	assert_int_equal(session_find(f->db, cookie, ttl, &pr), BRUG_EAUTH);
}

static void test_sliding(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	char cookie[SESSION_COOKIE_MAX];
	int64_t ttl = 10 * MIN;
	int64_t id = start(f, w.a, w.ann, ttl, cookie);
	int64_t seen = col(f, "last_seen_at", id), expires = col(f, "expires_at", id);
	struct principal pr;

	/* within SESSION_TOUCH (5 minutes): no write */
	fx_shift(f, 4 * MIN);
	assert_int_equal(session_find(f->db, cookie, ttl, &pr), 0);
	assert_int_equal(col(f, "last_seen_at", id), seen);
	assert_int_equal(col(f, "expires_at", id), expires);

	/* past it: last_seen_at and expires_at move */
	fx_shift(f, 2 * MIN);
	int64_t before = clock_now_ms();
	assert_int_equal(session_find(f->db, cookie, ttl, &pr), 0);
	int64_t seen2 = col(f, "last_seen_at", id);
	assert_true(seen2 >= before && seen2 <= clock_now_ms());
	assert_true(seen2 >= seen + 6 * MIN);
	assert_int_equal(col(f, "expires_at", id), seen2 + ttl);

	/* the next calls within five minutes write nothing again */
	fx_shift(f, MIN);
	assert_int_equal(session_find(f->db, cookie, ttl, &pr), 0);
	fx_shift(f, 3 * MIN);
	assert_int_equal(session_find(f->db, cookie, ttl, &pr), 0);
	assert_int_equal(col(f, "last_seen_at", id), seen2);
	assert_int_equal(col(f, "expires_at", id), seen2 + ttl);

	/* 13 minutes after creation, past the first expiry: alive thanks to the slide */
	fx_shift(f, 3 * MIN);
	assert_true(clock_now_ms() > expires);
	assert_int_equal(session_find(f->db, cookie, ttl, &pr), 0);
	assert_int_equal(pr.session_id, id);
	int64_t seen3 = col(f, "last_seen_at", id);
	assert_true(seen3 > seen2);
	assert_int_equal(col(f, "expires_at", id), seen3 + ttl);

	/* idle longer than ttl: gone */
	fx_shift(f, ttl + 1);
	assert_int_equal(session_find(f->db, cookie, ttl, &pr), BRUG_EAUTH);
}

static void test_disabled_user(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t emp = fx_user(f, w.a, "emp@acme.nl", "Emp", ROLE_EMPLOYEE);
	char cookie[SESSION_COOKIE_MAX];
	int64_t id = start(f, w.a, emp, HOUR, cookie);
	struct principal pr;
	assert_int_equal(session_find(f->db, cookie, HOUR, &pr), 0);
	/* the look-up itself refuses a disabled user, whether or not the
	 * sessions were removed (user_update removes them; this sets the column) */
	assert_int_equal(db_exec(f->db, "UPDATE users SET disabled_at = ? WHERE id = ?",
	                         DB_ARGS(DB_I(clock_now_ms()), DB_I(emp))),
	                 0);
	assert_int_equal(session_find(f->db, cookie, HOUR, &pr), BRUG_EAUTH);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM sessions WHERE id = ?", DB_ARGS(DB_I(id))),
	                 1);
	assert_int_equal(db_exec(f->db, "UPDATE users SET disabled_at = NULL WHERE id = ?",
	                         DB_ARGS(DB_I(emp))),
	                 0);
	assert_int_equal(session_find(f->db, cookie, HOUR, &pr), 0);

	/* through user_update: the session is gone for good */
	struct actor who = fx_actor(w.a, w.ann, "ann@acme.nl", "");
	struct brug_err err = {0};
	struct user_patch disable = {.disabled = 1}, enable = {.disabled = 0};
	assert_int_equal(user_update(f->db, &who, emp, &disable, &err), 0);
	assert_int_equal(session_find(f->db, cookie, HOUR, &pr), BRUG_EAUTH);
	assert_int_equal(user_update(f->db, &who, emp, &enable, &err), 0);
	assert_int_equal(session_find(f->db, cookie, HOUR, &pr), BRUG_EAUTH);
}

static void test_delete(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	char c1[SESSION_COOKIE_MAX], c2[SESSION_COOKIE_MAX];
	int64_t s1 = start(f, w.a, w.ann, HOUR, c1);
	start(f, w.a, w.ann, HOUR, c2);
	struct principal pr;
	/* another organisation's id does not reach it */
	assert_int_equal(session_delete(f->db, w.b, s1), 0);
	assert_int_equal(session_find(f->db, c1, HOUR, &pr), 0);
	assert_int_equal(session_delete(f->db, w.a, s1), 0);
	assert_int_equal(session_find(f->db, c1, HOUR, &pr), BRUG_EAUTH);
	assert_int_equal(session_find(f->db, c2, HOUR, &pr), 0);
	assert_int_equal(fx_rows(f, "sessions"), 1);
}

static void test_purge(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	char c[SESSION_COOKIE_MAX];
	int64_t s_short = start(f, w.a, w.ann, 10 * MIN, c);
	int64_t s_short_b = start(f, w.b, w.cas, 10 * MIN, c);
	int64_t s_long = start(f, w.a, w.ann, 2 * HOUR, c);
	int64_t s_long_b = start(f, w.b, w.cas, 2 * HOUR, c);
	int64_t n = -1;
	assert_int_equal(session_purge(f->db, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(fx_rows(f, "sessions"), 4);

	fx_shift(f, 30 * MIN);
	assert_int_equal(session_purge(f->db, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM sessions WHERE id IN (?, ?)",
	                        DB_ARGS(DB_I(s_short), DB_I(s_short_b))),
	                 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM sessions WHERE id IN (?, ?)",
	                        DB_ARGS(DB_I(s_long), DB_I(s_long_b))),
	                 2);
	assert_int_equal(session_purge(f->db, NULL), 0);
	assert_int_equal(fx_rows(f, "sessions"), 2);
	fx_shift(f, 2 * HOUR);
	assert_int_equal(session_purge(f->db, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(fx_rows(f, "sessions"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        FX_TEST(test_create_find),
	        FX_TEST(test_malformed),
	        cmocka_unit_test(test_parse_token),
	        FX_TEST(test_expiry),
	        FX_TEST(test_sliding),
	        FX_TEST(test_disabled_user),
	        FX_TEST(test_delete),
	        FX_TEST(test_purge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

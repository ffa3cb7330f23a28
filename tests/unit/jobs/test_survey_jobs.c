/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/jobs/survey_jobs.c: the invitation mail as it lands in
 * the outbox (parsed back: the eleven one-click score links with tokens
 * that survey_token_parse accepts, the labels of the scale, the
 * unsubscribe header, the invitee's language), the sent counter and the
 * reminder job; one reminder only, none after an answer, an opt-out or
 * the expiry; a closed survey or an opt-out before sending skips; and the
 * transactional job making its invitation; the scheduled wave job. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#include "../util/mail_fx.h"
#include "core/config.h"
#include "domain/survey.h"
#include "domain/survey_agg.h"
#include "domain/survey_invite.h"
#include "domain/survey_token.h"
#include "jobs/survey_jobs.h"
#include "util/clock.h"
#include "util/jx.h"

#define DAY_MS (24 * 3600 * 1000LL)
#define BASE "https://feedback.example.nl"

struct world {
	struct fx *f;
	int64_t a, ann;
	struct actor ann_a;
	struct config cfg;
	struct job_env env;
};

static void world(struct fx *f, struct world *w)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->a = fx_org(f, "Acme & Zn");
	w->ann = fx_user(f, w->a, "ann@acme.nl", "Ann", ROLE_MANAGER);
	w->ann_a = fx_actor(w->a, w->ann, "ann@acme.nl", "192.0.2.1");
	struct brug_err err = {0};
	assert_int_equal(config_init(&w->cfg, NULL, &err), 0);
	assert_int_equal(config_set(&w->cfg, CFG_BASE_URL, BASE "/", CFG_SRC_FLAG, &err), 0);
	assert_int_equal(config_set(&w->cfg, CFG_MAIL_FROM, "Acme <survey@acme.nl>", CFG_SRC_FLAG,
				    &err), 0);
	assert_int_equal(job_env_init(&w->env, f->db, &w->cfg, &err), 0);
}

static void world_end(struct world *w)
{
	job_env_cleanup(&w->env);
	config_cleanup(&w->cfg);
}

static int64_t person(struct world *w, const char *name, const char *lang, const char *email)
{
	int64_t id = fx_int(w->f,
			    "INSERT INTO relations (org_id, kind, type, name, sort_key, lang, created_at,"
			    " updated_at) VALUES (?, 'person', 'customer', ?, ?, ?, 0, 0) RETURNING id",
			    DB_ARGS(DB_I(w->a), DB_T(name), DB_T(name), DB_T(lang)));
	assert_int_equal(db_exec(w->f->db,
				 "INSERT INTO contact_points (org_id, relation_id, kind, value, norm)"
				 " VALUES (?, ?, 'email', ?, ?)",
				 DB_ARGS(DB_I(w->a), DB_I(id), DB_T(email), DB_T(email))), 0);
	return id;
}

static int64_t survey(struct world *w, const char *tpl)
{
	struct survey_fields sf = {.name = "NPS 2026"};
	struct brug_err err = {0};
	int64_t id = 0;
	assert_int_equal(survey_create(w->f->db, &w->ann_a, &sf, tpl, &id, &err), 0);
	struct survey_fields up = {.status = "active"};
	assert_int_equal(survey_update(w->f->db, &w->ann_a, id, &up, &err), 0);
	return id;
}

/* Sends a wave of s and returns the invitation of relation rel. */
static int64_t invite(struct world *w, int64_t s, int64_t rel)
{
	char ids[64];
	snprintf(ids, sizeof(ids), "[%lld]", (long long)rel);
	json_t *list = json_loads(ids, 0, NULL);
	struct survey_selection sel = {.relation_ids = list};
	json_t *res = NULL;
	struct brug_err err = {0};
	assert_int_equal(survey_invite_wave(w->f->db, &w->ann_a, s, &sel, &res, &err), 0);
	json_decref(res);
	json_decref(list);
	return fx_int(w->f, "SELECT id FROM survey_invitations WHERE survey_id = ? AND relation_id = ?",
		      DB_ARGS(DB_I(s), DB_I(rel)));
}

static int run(struct world *w, int (*fn)(struct job_ctx *), const char *payload)
{
	struct job j = {.id = 1, .org_id = w->a, .kind = "test", .attempts = 1};
	json_t *p = json_loads(payload, 0, NULL);
	struct job_ctx c = {.db = w->f->db, .job = &j, .payload = p, .cfg = &w->cfg, .env = &w->env};
	int rc = fn(&c);
	json_decref(p);
	return rc;
}

static int run_id(struct world *w, int (*fn)(struct job_ctx *), int64_t id)
{
	char p[64];
	snprintf(p, sizeof(p), "{\"invitation_id\":%lld}", (long long)id);
	return run(w, fn, p);
}

static int64_t outbox_n(struct world *w, const char *kind, int64_t ref)
{
	return fx_int(w->f, "SELECT COUNT(*) FROM mail_outbox WHERE kind = ? AND ref_id = ?",
		      DB_ARGS(DB_T(kind), DB_I(ref)));
}

static char *message(struct world *w, const char *kind, int64_t ref)
{
	return fx_text(w->f, "SELECT message FROM mail_outbox WHERE kind = ? AND ref_id = ?",
		       DB_ARGS(DB_T(kind), DB_I(ref)));
}

static char *status(struct world *w, int64_t id)
{
	return fx_text(w->f, "SELECT status || ':' || skip_reason FROM survey_invitations WHERE id = ?",
		       DB_ARGS(DB_I(id)));
}

/* Every "BASE/s/<token>?score=N" in text, in order: N must run 0..10 and
 * each token must parse to id. */
static void check_scale(struct world *w, const char *text, int64_t id)
{
	const char *p = text;
	int n = 0;
	const char *prefix = BASE "/s/";
	while ((p = strstr(p, prefix))) {
		p += strlen(prefix);
		const char *q = strchr(p, '?');
		const char *sp = p + strcspn(p, " \r\n\"<");
		if (!q || q > sp)
			continue;
		char tok[SURVEY_TOKEN_MAX];
		assert_true((size_t)(q - p) < sizeof(tok));
		memcpy(tok, p, (size_t)(q - p));
		tok[q - p] = '\0';
		int64_t got = 0;
		assert_true(survey_token_parse(w->env.secret, tok, &got));
		assert_int_equal(got, id);
		char want[32];
		snprintf(want, sizeof(want), "?score=%d", n);
		assert_memory_equal(q, want, strlen(want));
		assert_false(q[strlen(want)] >= '0' && q[strlen(want)] <= '9');
		n++;
	}
	assert_int_equal(n, 11);
}

static void test_invite_mail(void **state)
{
	struct fx *f = *state;
	struct world w;
	world(f, &w);
	int64_t s = survey(&w, "nps_relationship");
	int64_t p = person(&w, "Olga Jansen", "en", "olga@example.com");
	int64_t id = invite(&w, s, p);
	int64_t t0 = clock_now_ms();
	assert_int_equal(run_id(&w, survey_job_invite, id), 0);
	char *st = status(&w, id);
	assert_string_equal(st, "sent:");
	free(st);
	assert_int_equal(outbox_n(&w, "invitation", id), 1);
	char *msg = message(&w, "invitation", id);
	fx_check_lines(msg);
	char *to = fx_header_get(msg, "To");
	assert_non_null(strstr(to, "<olga@example.com>"));
	free(to);
	char *subj_raw = fx_header_get(msg, "Subject");
	char *subj = fx_words_decode(subj_raw, strlen(subj_raw));
	assert_string_equal(subj, "How was your experience with Acme & Zn?");
	free(subj_raw);
	free(subj);
	char tok[SURVEY_TOKEN_MAX], want[256];
	survey_token_make(w.env.secret, id, tok);
	snprintf(want, sizeof(want), "<" BASE "/s/%s/unsubscribe>", tok);
	/* the long URL is folded onto its own line, so look at the raw header */
	const char *hdr = strstr(msg, "\r\nList-Unsubscribe:");
	assert_non_null(hdr);
	assert_true(strstr(hdr, want) && strstr(hdr, want) < strstr(msg, "\r\n\r\n"));
	char *post = fx_header_get(msg, "List-Unsubscribe-Post");
	assert_string_equal(post, "List-Unsubscribe=One-Click");
	free(post);
	char *text = fx_body_decode(msg, "plain");
	check_scale(&w, text, id);
	assert_non_null(strstr(text, "Dear Olga Jansen,"));
	/* the survey's own question, in her language */
	assert_non_null(strstr(text, "How likely are you to recommend us to a friend or colleague?"));
	assert_null(strstr(text, "Hoe waarschijnlijk"));
	assert_non_null(strstr(text, "0 = not at all likely"));
	assert_non_null(strstr(text, "10 = extremely likely"));
	snprintf(want, sizeof(want), BASE "/s/%s\n", tok);
	assert_non_null(strstr(text, want));
	char *html = fx_body_decode(msg, "html");
	check_scale(&w, html, id);
	for (int n = 0; n <= 10; n++) {
		snprintf(want, sizeof(want), "?score=%d\" style=", n);
		assert_non_null(strstr(html, want));
		snprintf(want, sizeof(want), ">%d</a>", n);
		assert_non_null(strstr(html, want));
	}
	assert_non_null(strstr(html, "Acme &amp; Zn"));
	assert_non_null(strstr(html, "<html lang=\"en\">"));
	free(text);
	free(html);
	free(msg);
	/* counted as sent in this week and month */
	struct survey_periods per;
	survey_agg_periods("Europe/Amsterdam", t0, &per);
	assert_int_equal(fx_int(f, "SELECT n FROM survey_agg WHERE survey_id = ? AND question_id = 0"
				   " AND grain = 'w' AND period = ? AND dim = '' AND score = 0",
				DB_ARGS(DB_I(s), DB_I(per.week))), 1);
	assert_int_equal(fx_int(f, "SELECT n FROM survey_agg WHERE survey_id = ? AND question_id = 0"
				   " AND grain = 'm' AND period = ? AND dim = '' AND score = 0",
				DB_ARGS(DB_I(s), DB_I(per.month))), 1);
	/* the reminder is queued for three days later */
	int64_t at = fx_int(f, "SELECT run_at FROM jobs WHERE kind = 'survey.remind'", DB_NOARGS);
	assert_true(at >= t0 + 3 * DAY_MS && at <= clock_now_ms() + 3 * DAY_MS);
	/* a second run (a retry) mails nothing more */
	assert_int_equal(run_id(&w, survey_job_invite, id), 0);
	assert_int_equal(outbox_n(&w, "invitation", id), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM jobs WHERE kind = 'survey.remind'",
				DB_NOARGS), 1);
	world_end(&w);
}

static void test_dutch_and_no_scale(void **state)
{
	struct fx *f = *state;
	struct world w;
	world(f, &w);
	int64_t s = survey(&w, "perception"); /* open questions: no scale */
	int64_t p = person(&w, "Jan", "nl", "jan@example.nl");
	int64_t id = invite(&w, s, p);
	assert_int_equal(run_id(&w, survey_job_invite, id), 0);
	char *msg = message(&w, "invitation", id);
	char *raw = fx_header_get(msg, "Subject");
	char *subj = fx_words_decode(raw, strlen(raw));
	assert_string_equal(subj, "Hoe heeft u Acme & Zn ervaren?");
	char *text = fx_body_decode(msg, "plain");
	assert_non_null(strstr(text, "Beste Jan,"));
	assert_null(strstr(text, "?score="));
	assert_non_null(strstr(text, "Open de vragenlijst"));
	free(raw);
	free(subj);
	free(text);
	free(msg);
	world_end(&w);
}

static void test_reminder(void **state)
{
	struct fx *f = *state;
	struct world w;
	world(f, &w);
	int64_t s = survey(&w, "nps_relationship");
	int64_t p1 = person(&w, "Olga", "en", "olga@example.com");
	int64_t p2 = person(&w, "Piet", "nl", "piet@example.com");
	int64_t p3 = person(&w, "Rita", "en", "rita@example.com");
	int64_t p4 = person(&w, "Uma", "en", "uma@example.com");
	int64_t i1 = invite(&w, s, p1), i2 = invite(&w, s, p2), i3 = invite(&w, s, p3),
		i4 = invite(&w, s, p4);
	int64_t ids[] = {i1, i2, i3, i4};
	for (int k = 0; k < 4; k++)
		assert_int_equal(run_id(&w, survey_job_invite, ids[k]), 0);
	/* Piet answered, Rita's link expired, Uma opted out */
	assert_int_equal(db_exec(f->db, "UPDATE survey_invitations SET answered_at = ? WHERE id = ?",
				 DB_ARGS(DB_I(clock_now_ms()), DB_I(i2))), 0);
	assert_int_equal(db_exec(f->db, "UPDATE survey_invitations SET expires_at = ? WHERE id = ?",
				 DB_ARGS(DB_I(clock_now_ms() + DAY_MS), DB_I(i3))), 0);
	int64_t org = 0;
	assert_int_equal(survey_invite_optout(f->db, i4, &org), 0);
	fx_shift(f, 3 * DAY_MS);
	for (int k = 0; k < 4; k++)
		assert_int_equal(run_id(&w, survey_job_remind, ids[k]), 0);
	assert_int_equal(outbox_n(&w, "reminder", i1), 1);
	assert_int_equal(outbox_n(&w, "reminder", i2), 0);
	assert_int_equal(outbox_n(&w, "reminder", i3), 0);
	assert_int_equal(outbox_n(&w, "reminder", i4), 0);
	assert_true(fx_int(f, "SELECT reminded_at FROM survey_invitations WHERE id = ?",
			   DB_ARGS(DB_I(i1))) > 0);
	char *msg = message(&w, "reminder", i1);
	char *raw = fx_header_get(msg, "Subject");
	char *subj = fx_words_decode(raw, strlen(raw));
	assert_string_equal(subj, "Reminder: how was your experience with Acme & Zn?");
	char *text = fx_body_decode(msg, "plain");
	check_scale(&w, text, i1); /* the same links as the first mail */
	free(raw);
	free(subj);
	free(text);
	free(msg);
	/* only one reminder, ever */
	assert_int_equal(run_id(&w, survey_job_remind, i1), 0);
	fx_shift(f, 3 * DAY_MS);
	assert_int_equal(run_id(&w, survey_job_remind, i1), 0);
	assert_int_equal(outbox_n(&w, "reminder", i1), 1);
	world_end(&w);
}

static void test_skip_at_send(void **state)
{
	struct fx *f = *state;
	struct world w;
	world(f, &w);
	int64_t s = survey(&w, "nps_relationship");
	int64_t p1 = person(&w, "Olga", "en", "olga@example.com");
	int64_t p2 = person(&w, "Piet", "nl", "piet@example.com");
	int64_t p3 = person(&w, "Bad", "nl", "no address@x");
	int64_t i1 = invite(&w, s, p1), i2 = invite(&w, s, p2), i3 = invite(&w, s, p3);
	/* an address the mail cannot carry: failed, no retry, no mail */
	assert_int_equal(run_id(&w, survey_job_invite, i3), 0);
	char *bad = status(&w, i3);
	assert_string_equal(bad, "failed:");
	free(bad);
	int64_t org = 0;
	assert_int_equal(survey_invite_optout(f->db, i1, &org), 0);
	assert_int_equal(run_id(&w, survey_job_invite, i1), 0);
	char *st = status(&w, i1);
	assert_string_equal(st, "skipped:unsubscribed");
	free(st);
	struct survey_fields up = {.status = "closed"};
	struct brug_err err = {0};
	assert_int_equal(survey_update(f->db, &w.ann_a, s, &up, &err), 0);
	assert_int_equal(run_id(&w, survey_job_invite, i2), 0);
	st = status(&w, i2);
	assert_string_equal(st, "skipped:closed");
	free(st);
	assert_int_equal(fx_rows(f, "mail_outbox"), 0);
	/* an invitation that is gone, or another organisation's: nothing */
	assert_int_equal(run_id(&w, survey_job_invite, i2 + 1000), 0);
	world_end(&w);
}

static void test_transactional_job(void **state)
{
	struct fx *f = *state;
	struct world w;
	world(f, &w);
	struct survey_fields sf = {.name = "Na contact"};
	struct brug_err err = {0};
	int64_t s = 0;
	assert_int_equal(survey_create(f->db, &w.ann_a, &sf, "csat_contact", &s, &err), 0);
	struct survey_fields up = {.status = "active"};
	assert_int_equal(survey_update(f->db, &w.ann_a, s, &up, &err), 0);
	int64_t p = person(&w, "Olga", "en", "olga@example.com");
	int64_t iid = fx_int(f,
			     "INSERT INTO interactions (org_id, person_id, channel, direction,"
			     " occurred_at, user_id, subject, created_at, updated_at)"
			     " VALUES (?, ?, 'chat', 'in', 0, ?, 'Hulp', 0, 0) RETURNING id",
			     DB_ARGS(DB_I(w.a), DB_I(p), DB_I(w.ann)));
	char payload[96];
	snprintf(payload, sizeof(payload), "{\"survey_id\":%lld,\"interaction_id\":%lld}",
		 (long long)s, (long long)iid);
	assert_int_equal(run(&w, survey_job_transactional, payload), 0);
	int64_t id = fx_int(f, "SELECT id FROM survey_invitations WHERE interaction_id = ? AND"
			       " status = 'pending' AND channel = 'chat' AND handler_id = ?",
			    DB_ARGS(DB_I(iid), DB_I(w.ann)));
	assert_int_equal(run_id(&w, survey_job_invite, id), 0);
	assert_int_equal(outbox_n(&w, "invitation", id), 1);
	world_end(&w);
}

static int64_t invite_jobs(struct fx *f)
{
	return fx_int(f, "SELECT COUNT(*) FROM jobs WHERE kind = 'survey.invite'", DB_NOARGS);
}

/* The scheduled wave: the selection in the settings (customers of Ann),
 * made as the survey's owner (Bob); a second run inside the contact period
 * skips everyone as recent_contact; a closed or missing survey is nothing. */
static void test_wave_job(void **state)
{
	struct fx *f = *state;
	struct world w;
	world(f, &w);
	int64_t bob = fx_user(f, w.a, "bob@acme.nl", "Bob", ROLE_MANAGER);
	int64_t olga = person(&w, "Olga", "nl", "olga@example.com");
	int64_t piet = person(&w, "Piet", "nl", "piet@example.com");
	int64_t quinn = person(&w, "Quinn", "en", "quinn@example.com");
	const char *sql = "UPDATE relations SET owner_id = ?, type = ? WHERE id = ?";
	assert_int_equal(db_exec(f->db, sql, DB_ARGS(DB_I(w.ann), DB_T("customer"), DB_I(olga))), 0);
	assert_int_equal(db_exec(f->db, sql, DB_ARGS(DB_I(bob), DB_T("customer"), DB_I(piet))), 0);
	assert_int_equal(db_exec(f->db, sql, DB_ARGS(DB_I(w.ann), DB_T("prospect"), DB_I(quinn))), 0);
	struct brug_err err = {0};
	int64_t s = 0;
	json_t *set = json_pack("{s:[s],s:I,s:s}", "relation_types", "customer", "owner_id",
				(json_int_t)w.ann, "schedule", "0 9 1 * *");
	struct survey_fields sf = {.name = "Maandelijks", .owner_id = bob, .settings = set};
	assert_int_equal(survey_create(f->db, &w.ann_a, &sf, "nps_relationship", &s, &err), 0);
	json_decref(set);
	char payload[64];
	snprintf(payload, sizeof(payload), "{\"survey_id\":%lld}", (long long)s);
	/* a draft: nothing yet */
	assert_int_equal(run(&w, survey_job_wave, payload), 0);
	assert_int_equal(fx_rows(f, "survey_invitations"), 0);
	struct survey_fields up = {.status = "active"};
	assert_int_equal(survey_update(f->db, &w.ann_a, s, &up, &err), 0);
	assert_int_equal(run(&w, survey_job_wave, payload), 0);
	assert_int_equal(fx_rows(f, "survey_invitations"), 1);
	assert_int_equal(fx_int(f, "SELECT relation_id FROM survey_invitations WHERE status = 'pending'"
				   " AND created_by = ?", DB_ARGS(DB_I(bob))), olga);
	assert_int_equal(invite_jobs(f), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'survey.invite'"
				   " AND actor_id = ? AND actor = 'bob@acme.nl' AND object_id = ?",
				DB_ARGS(DB_I(bob), DB_I(s))), 1);
	/* the next run, a day later: Olga was asked too recently */
	fx_shift(f, DAY_MS);
	assert_int_equal(run(&w, survey_job_wave, payload), 0);
	assert_int_equal(fx_rows(f, "survey_invitations"), 2);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM survey_invitations WHERE relation_id = ?"
				   " AND status = 'skipped' AND skip_reason = 'recent_contact'",
				DB_ARGS(DB_I(olga))), 1);
	assert_int_equal(invite_jobs(f), 1);
	/* closed, or gone: the job ends quietly and asks nobody */
	up.status = "closed";
	assert_int_equal(survey_update(f->db, &w.ann_a, s, &up, &err), 0);
	assert_int_equal(run(&w, survey_job_wave, payload), 0);
	assert_int_equal(run(&w, survey_job_wave, "{\"survey_id\":987654}"), 0);
	assert_int_equal(fx_rows(f, "survey_invitations"), 2);
	world_end(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_invite_mail), FX_TEST(test_dutch_and_no_scale), FX_TEST(test_reminder),
		FX_TEST(test_skip_at_send), FX_TEST(test_transactional_job), FX_TEST(test_wave_job),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/domain/survey_invite.c and survey_invite_state.c: who a
 * wave selects (types, tags by name or id, owner, explicit people, the
 * survey's settings), every skip reason with the reason stored, contact
 * pressure across surveys and its window, opt-outs, only active
 * relationship surveys, bad selections, one job per invitation, the
 * transactional survey queued with its delay for matching interactions
 * only, and no reach into another organisation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#include "core/rc.h"
#include "domain/feedback_config.h"
#include "domain/interaction.h"
#include "domain/survey.h"
#include "domain/survey_invite.h"
#include "util/clock.h"
#include "util/jx.h"

#define DAY_MS (24 * 3600 * 1000LL)

struct world {
	int64_t a, b, ann, bob, cas;
	struct actor ann_a, cas_b;
};

static struct world world(struct fx *f)
{
	struct world w = {0};
	w.a = fx_org(f, "Acme");
	w.b = fx_org(f, "Bolt");
	w.ann = fx_user(f, w.a, "ann@acme.nl", "Ann", ROLE_MANAGER);
	w.bob = fx_user(f, w.a, "bob@acme.nl", "Bob", ROLE_EMPLOYEE);
	w.cas = fx_user(f, w.b, "cas@bolt.nl", "Cas", ROLE_ADMIN);
	w.ann_a = fx_actor(w.a, w.ann, "ann@acme.nl", "192.0.2.1");
	w.cas_b = fx_actor(w.b, w.cas, "cas@bolt.nl", "192.0.2.2");
	return w;
}

/* A person of org (type, owner, lang), with email when given. */
static int64_t person(struct fx *f, int64_t org, const char *name, const char *type,
		      int64_t owner, const char *email)
{
	int64_t now = clock_now_ms();
	int64_t id = fx_int(f,
			    "INSERT INTO relations (org_id, kind, type, name, sort_key, owner_id, lang,"
			    " created_at, updated_at) VALUES (?, 'person', ?, ?, ?, ?, 'en', ?, ?)"
			    " RETURNING id",
			    DB_ARGS(DB_I(org), DB_T(type), DB_T(name), DB_T(name), DB_I0(owner),
				    DB_I(now), DB_I(now)));
	if (email)
		assert_int_equal(db_exec(f->db,
					 "INSERT INTO contact_points (org_id, relation_id, kind, value,"
					 " norm) VALUES (?, ?, 'email', ?, ?)",
					 DB_ARGS(DB_I(org), DB_I(id), DB_T(email), DB_T(email))),
				 0);
	return id;
}

static int64_t tag(struct fx *f, int64_t org, const char *name, int64_t rel)
{
	int64_t id = fx_int(f,
			    "INSERT INTO tags (org_id, name, sort_key, created_at) VALUES (?, ?, ?, 0)"
			    " RETURNING id",
			    DB_ARGS(DB_I(org), DB_T(name), DB_T(name)));
	assert_int_equal(db_exec(f->db,
				 "INSERT INTO relation_tags (org_id, relation_id, tag_id) VALUES (?, ?, ?)",
				 DB_ARGS(DB_I(org), DB_I(rel), DB_I(id))),
			 0);
	return id;
}

static int64_t survey(struct fx *f, const struct actor *who, const char *tpl, const char *kind,
		      const char *settings, bool activate)
{
	json_t *set = settings ? json_loads(settings, 0, NULL) : NULL;
	struct survey_fields sf = {.name = "Onderzoek", .kind = kind, .settings = set};
	struct brug_err err = {0};
	int64_t id = 0;
	assert_int_equal(survey_create(f->db, who, &sf, tpl, &id, &err), 0);
	json_decref(set);
	if (activate) {
		struct survey_fields up = {.status = "active"};
		assert_int_equal(survey_update(f->db, who, id, &up, &err), 0);
	}
	return id;
}

static json_t *wave(struct fx *f, const struct actor *who, int64_t s, const char *sel_json,
		    int want_rc, const char *want_field)
{
	json_t *sel = sel_json ? json_loads(sel_json, 0, NULL) : json_object();
	assert_non_null(sel);
	struct survey_selection ss = {
		.relation_types = json_object_get(sel, "relation_types"),
		.tags = json_object_get(sel, "tags"),
		.owner_id = jx_int(sel, "owner_id", 0),
		.relation_ids = json_object_get(sel, "relation_ids"),
	};
	struct brug_err err = {0};
	json_t *res = NULL;
	int rc = survey_invite_wave(f->db, who, s, &ss, &res, &err);
	json_decref(sel);
	assert_int_equal(rc, want_rc);
	if (want_field)
		assert_string_equal(err.field, want_field);
	return res;
}

static const char *status_of(struct fx *f, int64_t org, int64_t s, int64_t rel, char *out)
{
	char *t = NULL;
	int rc = db_text_query(f->db, &t,
			       "SELECT status || ':' || skip_reason FROM survey_invitations WHERE"
			       " org_id = ? AND survey_id = ? AND relation_id = ? ORDER BY id DESC LIMIT 1",
			       DB_ARGS(DB_I(org), DB_I(s), DB_I(rel)));
	assert_true(rc == 0 || rc == BRUG_ENOTFOUND);
	snprintf(out, 64, "%s", t ? t : "none");
	free(t);
	return out;
}

static int64_t jobs_of(struct fx *f, const char *kind)
{
	return fx_int(f, "SELECT COUNT(*) FROM jobs WHERE kind = ?", DB_ARGS(DB_T(kind)));
}

static void test_skip_reasons(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	char buf[64];
	int64_t ok = person(f, w.a, "Olga", "customer", 0, "olga@example.com");
	int64_t nomail = person(f, w.a, "Nico", "customer", 0, NULL);
	int64_t unsub = person(f, w.a, "Uma", "customer", 0, "uma@example.com");
	int64_t cased = person(f, w.a, "Carl", "customer", 0, "carl@example.com");
	int64_t recent = person(f, w.a, "Rita", "customer", 0, "rita@example.com");
	int64_t erased = person(f, w.a, "Ed", "customer", 0, NULL);
	int64_t archived = person(f, w.a, "Arch", "customer", 0, "arch@example.com");
	fx_int(f, "UPDATE relations SET erased_at = 1 WHERE id = ? RETURNING id", DB_ARGS(DB_I(erased)));
	fx_int(f, "UPDATE relations SET archived_at = 1 WHERE id = ? RETURNING id",
	       DB_ARGS(DB_I(archived)));
	assert_int_equal(db_exec(f->db, "INSERT INTO survey_optouts VALUES (?, ?, 0)",
				 DB_ARGS(DB_I(w.a), DB_I(unsub))), 0);
	/* an earlier survey: Rita was invited to it, Carl answered it as a detractor */
	int64_t old = survey(f, &w.ann_a, "nps_relationship", NULL, NULL, true);
	json_decref(wave(f, &w.ann_a, old, "{\"relation_ids\":[999999]}", BRUG_EVALIDATION,
			 "relation_ids")); /* no such person in Acme */
	char ids[64];
	snprintf(ids, sizeof(ids), "{\"relation_ids\":[%lld,%lld]}", (long long)recent,
		 (long long)cased);
	json_t *r = wave(f, &w.ann_a, old, ids, 0, NULL);
	fx_json_eq(r, "{\"invited\":2,\"skipped\":{\"unsubscribed\":0,\"no_email\":0,\"erased\":0,"
		      "\"recent_contact\":0,\"open_case\":0,\"closed\":0}}");
	json_decref(r);
	int64_t inv = fx_int(f, "SELECT id FROM survey_invitations WHERE relation_id = ?",
			     DB_ARGS(DB_I(cased)));
	assert_int_equal(db_exec(f->db,
				 "INSERT INTO survey_cases (org_id, invitation_id, survey_id, relation_id,"
				 " score, due_at, created_at, updated_at) VALUES (?, ?, ?, ?, 3, 0, 0, 0)",
				 DB_ARGS(DB_I(w.a), DB_I(inv), DB_I(old), DB_I(cased))), 0);
	/* Carl's invitation is older than the contact window; Rita's is not */
	assert_int_equal(db_exec(f->db, "UPDATE survey_invitations SET created_at = ? WHERE id = ?",
				 DB_ARGS(DB_I(clock_now_ms() - 31 * DAY_MS), DB_I(inv))), 0);
	int64_t s = survey(f, &w.ann_a, "nps_relationship", NULL, NULL, true);
	int64_t before = jobs_of(f, "survey.invite");
	r = wave(f, &w.ann_a, s, NULL, 0, NULL);
	fx_json_eq(r, "{\"invited\":1,\"skipped\":{\"unsubscribed\":1,\"no_email\":1,\"erased\":0,"
		      "\"recent_contact\":1,\"open_case\":1,\"closed\":0}}");
	json_decref(r);
	assert_int_equal(jobs_of(f, "survey.invite"), before + 1);
	assert_string_equal(status_of(f, w.a, s, ok, buf), "pending:");
	assert_string_equal(status_of(f, w.a, s, nomail, buf), "skipped:no_email");
	assert_string_equal(status_of(f, w.a, s, unsub, buf), "skipped:unsubscribed");
	assert_string_equal(status_of(f, w.a, s, cased, buf), "skipped:open_case");
	assert_string_equal(status_of(f, w.a, s, recent, buf), "skipped:recent_contact");
	assert_string_equal(status_of(f, w.a, s, erased, buf), "none");   /* not selected */
	assert_string_equal(status_of(f, w.a, s, archived, buf), "none"); /* not selected */
	/* the pending one has its address, language and expiry */
	char *e = fx_text(f, "SELECT email || ' ' || lang FROM survey_invitations WHERE survey_id = ?"
			     " AND relation_id = ?", DB_ARGS(DB_I(s), DB_I(ok)));
	assert_string_equal(e, "olga@example.com en");
	free(e);
	int64_t exp = fx_int(f, "SELECT expires_at - created_at FROM survey_invitations WHERE"
				" survey_id = ? AND relation_id = ?", DB_ARGS(DB_I(s), DB_I(ok)));
	assert_int_equal(exp, 30 * DAY_MS);
	/* an erased person named by id is skipped with that reason */
	snprintf(ids, sizeof(ids), "{\"relation_ids\":[%lld]}", (long long)erased);
	json_decref(wave(f, &w.ann_a, s, ids, 0, NULL));
	assert_string_equal(status_of(f, w.a, s, erased, buf), "skipped:erased");
	/* a second wave right away: Olga is pending, so she is not asked twice */
	r = wave(f, &w.ann_a, s, NULL, 0, NULL);
	assert_int_equal(jx_int(r, "invited", -1), 0);
	json_decref(r);
}

static void test_contact_window(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	char buf[64];
	int64_t p = person(f, w.a, "Pia", "customer", 0, "pia@example.com");
	int64_t s1 = survey(f, &w.ann_a, "nps_relationship", NULL, NULL, true);
	int64_t s2 = survey(f, &w.ann_a, "perception", NULL, NULL, true);
	json_decref(wave(f, &w.ann_a, s1, NULL, 0, NULL));
	assert_int_equal(db_exec(f->db, "UPDATE survey_invitations SET status = 'sent'", DB_NOARGS), 0);
	/* across surveys, within 30 days: skipped */
	fx_shift(f, 29 * DAY_MS);
	json_decref(wave(f, &w.ann_a, s2, NULL, 0, NULL));
	assert_string_equal(status_of(f, w.a, s2, p, buf), "skipped:recent_contact");
	/* a shorter rule lets her through */
	struct feedback_config fc = {10, 3, 30, 2, 20};
	struct brug_err err = {0};
	assert_int_equal(feedback_config_set(f->db, &w.ann_a, &fc, &err), 0);
	json_decref(wave(f, &w.ann_a, s2, NULL, 0, NULL));
	assert_string_equal(status_of(f, w.a, s2, p, buf), "pending:");
	/* a skipped invitation does not count as contact */
	int64_t q = person(f, w.a, "Quinten", "customer", 0, NULL);
	json_decref(wave(f, &w.ann_a, s1, NULL, 0, NULL));
	assert_string_equal(status_of(f, w.a, s1, q, buf), "skipped:no_email");
	assert_int_equal(db_exec(f->db,
				 "INSERT INTO contact_points (org_id, relation_id, kind, value, norm)"
				 " VALUES (?, ?, 'email', 'q@example.com', 'q@example.com')",
				 DB_ARGS(DB_I(w.a), DB_I(q))), 0);
	json_decref(wave(f, &w.ann_a, s2, NULL, 0, NULL));
	assert_string_equal(status_of(f, w.a, s2, q, buf), "pending:");
	/* another organisation's invitations of the same relation id never count */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM survey_invitations WHERE org_id = ?",
				DB_ARGS(DB_I(w.b))), 0);
}

static void test_selection(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	char buf[64], sel[160];
	int64_t c1 = person(f, w.a, "Cees", "customer", w.ann, "c1@example.com");
	int64_t c2 = person(f, w.a, "Cor", "customer", w.bob, "c2@example.com");
	int64_t pr = person(f, w.a, "Piet", "prospect", w.ann, "p@example.com");
	int64_t t = tag(f, w.a, "vip", c2);
	tag(f, w.a, "other", pr);
	int64_t org = fx_int(f,
			     "INSERT INTO relations (org_id, kind, type, name, sort_key, lang,"
			     " created_at, updated_at) VALUES (?, 'organisation', 'customer', 'Firma',"
			     " 'firma', 'nl', 0, 0) RETURNING id",
			     DB_ARGS(DB_I(w.a)));
	/* the survey's settings when nothing is given: prospects only */
	int64_t s = survey(f, &w.ann_a, "nps_relationship", NULL,
			   "{\"relation_types\":[\"prospect\"]}", true);
	json_t *r = wave(f, &w.ann_a, s, NULL, 0, NULL);
	assert_int_equal(jx_int(r, "invited", 0), 1);
	json_decref(r);
	assert_string_equal(status_of(f, w.a, s, pr, buf), "pending:");
	/* by tag name, by tag id, by owner */
	int64_t s2 = survey(f, &w.ann_a, "nps_relationship", NULL, NULL, true);
	r = wave(f, &w.ann_a, s2, "{\"tags\":[\"VIP\"]}", 0, NULL);
	assert_int_equal(jx_int(r, "invited", 0), 1);
	json_decref(r);
	assert_string_equal(status_of(f, w.a, s2, c2, buf), "pending:");
	int64_t s3 = survey(f, &w.ann_a, "nps_relationship", NULL, NULL, true);
	snprintf(sel, sizeof(sel), "{\"tags\":[%lld],\"relation_types\":[\"customer\"]}", (long long)t);
	assert_int_equal(db_exec(f->db, "DELETE FROM survey_invitations", DB_NOARGS), 0);
	r = wave(f, &w.ann_a, s3, sel, 0, NULL);
	assert_int_equal(jx_int(r, "invited", 0), 1);
	json_decref(r);
	assert_int_equal(db_exec(f->db, "DELETE FROM survey_invitations", DB_NOARGS), 0);
	snprintf(sel, sizeof(sel), "{\"owner_id\":%lld}", (long long)w.ann);
	r = wave(f, &w.ann_a, s3, sel, 0, NULL);
	assert_int_equal(jx_int(r, "invited", 0), 2);
	json_decref(r);
	assert_string_equal(status_of(f, w.a, s3, c1, buf), "pending:");
	/* bad selections name their field */
	json_decref(wave(f, &w.ann_a, s3, "{\"tags\":[\"nope\"]}", BRUG_EVALIDATION, "tags"));
	json_decref(wave(f, &w.ann_a, s3, "{\"relation_types\":[\"alien\"]}", BRUG_EVALIDATION,
			 "relation_types"));
	snprintf(sel, sizeof(sel), "{\"owner_id\":%lld}", (long long)w.cas);
	json_decref(wave(f, &w.ann_a, s3, sel, BRUG_EVALIDATION, "owner_id"));
	snprintf(sel, sizeof(sel), "{\"relation_ids\":[%lld]}", (long long)org);
	json_decref(wave(f, &w.ann_a, s3, sel, BRUG_EVALIDATION, "relation_ids"));
	snprintf(sel, sizeof(sel), "{\"relation_ids\":[%lld,%lld]}", (long long)c1, (long long)c1);
	json_decref(wave(f, &w.ann_a, s3, sel, BRUG_EVALIDATION, "relation_ids"));
	json_decref(wave(f, &w.ann_a, s3, "{\"relation_ids\":[]}", BRUG_EVALIDATION, "relation_ids"));
	/* another organisation's tag, person and survey */
	int64_t bp = person(f, w.b, "Bea", "customer", 0, "bea@example.com");
	tag(f, w.b, "bolt", bp);
	json_decref(wave(f, &w.ann_a, s3, "{\"tags\":[\"bolt\"]}", BRUG_EVALIDATION, "tags"));
	snprintf(sel, sizeof(sel), "{\"relation_ids\":[%lld]}", (long long)bp);
	json_decref(wave(f, &w.ann_a, s3, sel, BRUG_EVALIDATION, "relation_ids"));
	json_decref(wave(f, &w.cas_b, s3, NULL, BRUG_ENOTFOUND, NULL));
}

static void test_survey_state(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	person(f, w.a, "Olga", "customer", 0, "olga@example.com");
	int64_t draft = survey(f, &w.ann_a, "nps_relationship", NULL, NULL, false);
	int64_t link = survey(f, &w.ann_a, NULL, "link", NULL, false);
	int64_t tx = survey(f, &w.ann_a, "csat_contact", NULL, NULL, true);
	json_decref(wave(f, &w.ann_a, draft, NULL, BRUG_ECONFLICT, NULL));
	json_decref(wave(f, &w.ann_a, link, NULL, BRUG_ECONFLICT, NULL));
	json_decref(wave(f, &w.ann_a, tx, NULL, BRUG_ECONFLICT, NULL));
	assert_int_equal(fx_rows(f, "survey_invitations"), 0);
	/* a closed survey: an invitation still pending is skipped by its job */
	struct brug_err err = {0};
	struct survey_fields up = {.status = "active"};
	assert_int_equal(survey_update(f->db, &w.ann_a, draft, &up, &err), 0);
	json_decref(wave(f, &w.ann_a, draft, NULL, 0, NULL));
	int64_t id = fx_int(f, "SELECT id FROM survey_invitations", DB_NOARGS);
	assert_int_equal(survey_invite_mark_skipped(f->db, w.a, id, "closed"), 0);
	char buf[64];
	char *t = fx_text(f, "SELECT status || ':' || skip_reason FROM survey_invitations", DB_NOARGS);
	snprintf(buf, sizeof(buf), "%s", t);
	free(t);
	assert_string_equal(buf, "skipped:closed");
}

static void test_optout(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t p = person(f, w.a, "Olga", "customer", 0, "olga@example.com");
	int64_t s = survey(f, &w.ann_a, "nps_relationship", NULL, NULL, true);
	json_decref(wave(f, &w.ann_a, s, NULL, 0, NULL));
	int64_t id = fx_int(f, "SELECT id FROM survey_invitations", DB_NOARGS);
	int64_t org = 0;
	assert_int_equal(survey_invite_optout(f->db, id, &org), 0);
	assert_int_equal(org, w.a);
	assert_int_equal(survey_invite_optout(f->db, id, &org), 0); /* twice is once */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM survey_optouts WHERE org_id = ? AND"
				   " relation_id = ?", DB_ARGS(DB_I(w.a), DB_I(p))), 1);
	assert_int_equal(survey_invite_optout(f->db, id + 100, &org), BRUG_ENOTFOUND);
	struct survey_invite_info i;
	assert_int_equal(survey_invite_info_get(f->db, w.a, id, &i), 0);
	assert_true(i.opted_out);
	survey_invite_info_cleanup(&i);
	assert_int_equal(survey_invite_info_get(f->db, w.b, id, &i), BRUG_ENOTFOUND);
	/* a later wave never asks again, not even after the contact window */
	fx_shift(f, 400 * DAY_MS);
	int64_t s2 = survey(f, &w.ann_a, "perception", NULL, NULL, true);
	json_t *r = wave(f, &w.ann_a, s2, NULL, 0, NULL);
	assert_int_equal(jx_int(json_object_get(r, "skipped"), "unsubscribed", 0), 1);
	json_decref(r);
}

static void test_list(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	person(f, w.a, "Olga", "customer", 0, "olga@example.com");
	person(f, w.a, "Nico", "customer", 0, NULL);
	int64_t s = survey(f, &w.ann_a, "nps_relationship", NULL, NULL, true);
	json_decref(wave(f, &w.ann_a, s, NULL, 0, NULL));
	int64_t id = fx_int(f, "SELECT id FROM survey_invitations WHERE status = 'pending'", DB_NOARGS);
	assert_int_equal(db_exec(f->db,
				 "INSERT INTO mail_outbox (org_id, kind, ref_id, to_addr, message, status,"
				 " last_error, created_at, updated_at) VALUES (?, 'invitation', ?, 'x',"
				 " 'm', 'failed', '550 no such user', 0, 0)",
				 DB_ARGS(DB_I(w.a), DB_I(id))), 0);
	json_t *l = NULL;
	assert_int_equal(survey_invite_list(f->db, w.a, s, (struct listing){1, 50}, &l), 0);
	json_t *items = json_object_get(l, "items");
	assert_int_equal(json_array_size(items), 2);
	json_t *first = json_array_get(items, 0), *second = json_array_get(items, 1);
	assert_string_equal(jx_str(first, "relation_name"), "Nico");
	assert_string_equal(jx_str(first, "skip_reason"), "no_email");
	assert_true(json_is_null(json_object_get(first, "mail_status")));
	assert_string_equal(jx_str(second, "mail_status"), "failed");
	assert_string_equal(jx_str(second, "mail_error"), "550 no such user");
	json_decref(l);
	assert_int_equal(survey_invite_list(f->db, w.b, s, (struct listing){1, 50}, &l),
			 BRUG_ENOTFOUND);
}

static void test_transactional(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	int64_t p = person(f, w.a, "Olga", "customer", 0, "olga@example.com");
	int64_t phone = survey(f, &w.ann_a, "csat_contact", NULL,
			       "{\"delay_hours\":2,\"channels\":[\"phone\"],\"roles\":[\"planner\"]}",
			       true);
	int64_t any = survey(f, &w.ann_a, "ces_contact", NULL, "{\"delay_hours\":0}", true);
	survey(f, &w.ann_a, "ces_contact", NULL, NULL, false); /* a draft: never */
	int64_t planner = fx_int(f, "SELECT id FROM interaction_roles WHERE org_id = ? AND name ="
				    " 'planner'", DB_ARGS(DB_I(w.a)));
	struct brug_err err = {0};
	int64_t iid = 0, t0 = clock_now_ms();
	struct interaction_in in = {.person_id = p, .channel = "phone", .subject = "Afspraak",
				    .role_id = planner};
	assert_int_equal(interaction_create(f->db, &w.ann_a, &in, &iid, &err), 0);
	assert_int_equal(jobs_of(f, "survey.transactional"), 2);
	char like[64];
	snprintf(like, sizeof(like), "{\"survey_id\":%lld,%%", (long long)phone);
	int64_t at = fx_int(f, "SELECT run_at FROM jobs WHERE payload LIKE ?", DB_ARGS(DB_T(like)));
	assert_true(at >= t0 + 2 * 3600 * 1000LL && at <= clock_now_ms() + 2 * 3600 * 1000LL);
	/* an email contact in another role: only the any-channel survey */
	struct interaction_in in2 = {.person_id = p, .channel = "email", .subject = "Vraag"};
	assert_int_equal(interaction_create(f->db, &w.ann_a, &in2, &iid, &err), 0);
	assert_int_equal(jobs_of(f, "survey.transactional"), 3);
	/* no person: nothing */
	int64_t company = fx_int(f,
				 "INSERT INTO relations (org_id, kind, type, name, sort_key, lang,"
				 " created_at, updated_at) VALUES (?, 'organisation', 'customer', 'F',"
				 " 'f', 'nl', 0, 0) RETURNING id",
				 DB_ARGS(DB_I(w.a)));
	struct interaction_in in3 = {.company_id = company, .channel = "phone", .subject = "X"};
	assert_int_equal(interaction_create(f->db, &w.ann_a, &in3, &iid, &err), 0);
	assert_int_equal(jobs_of(f, "survey.transactional"), 3);
	/* the job's half: the invitation with the contact's context copied in */
	int64_t id = 0;
	bool pending = false;
	int64_t first = fx_int(f, "SELECT MIN(id) FROM interactions", DB_NOARGS);
	assert_int_equal(survey_invite_for_interaction(f->db, w.a, phone, first, &id, &pending), 0);
	assert_true(id > 0 && pending);
	char *ctx = fx_text(f, "SELECT channel || ' ' || handler_id || ' ' || role_id || ' ' ||"
			       " interaction_id FROM survey_invitations WHERE id = ?",
			       DB_ARGS(DB_I(id)));
	char want[128];
	snprintf(want, sizeof(want), "phone %lld %lld %lld", (long long)w.ann, (long long)planner,
		 (long long)first);
	assert_string_equal(ctx, want);
	free(ctx);
	assert_int_equal(jobs_of(f, "survey.invite"), 1);
	/* the same person right after: contact pressure, and an open case does not matter */
	assert_int_equal(survey_invite_for_interaction(f->db, w.a, any, first, &id, &pending), 0);
	assert_false(pending);
	char buf[64];
	assert_string_equal(status_of(f, w.a, any, p, buf), "skipped:recent_contact");
	/* another organisation's survey id: nothing */
	assert_int_equal(survey_invite_for_interaction(f->db, w.b, phone, first, &id, &pending), 0);
	assert_int_equal(id, 0);
}

/* A wave of 10,000 people is one insert and a job each, not a query per
 * rule per person: it must take seconds, not minutes. */
static void test_large_wave(void **state)
{
	struct fx *f = *state;
	struct world w = world(f);
	assert_int_equal(db_exec(f->db,
				 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
				 " WHERE i < 10000) INSERT INTO relations (org_id, kind, type, name,"
				 " sort_key, lang, created_at, updated_at) SELECT ?, 'person', 'customer',"
				 " 'P' || i, 'p' || i, 'nl', 0, 0 FROM n",
				 DB_ARGS(DB_I(w.a))), 0);
	assert_int_equal(db_exec(f->db,
				 "INSERT INTO contact_points (org_id, relation_id, kind, value, norm)"
				 " SELECT org_id, id, 'email', 'p' || id || '@example.com', 'x' FROM"
				 " relations WHERE org_id = ? AND id % 10 <> 0",
				 DB_ARGS(DB_I(w.a))), 0);
	int64_t s = survey(f, &w.ann_a, "nps_relationship", NULL, NULL, true);
	int64_t t0 = clock_mono_ns();
	json_t *r = wave(f, &w.ann_a, s, NULL, 0, NULL);
	int64_t ms = (clock_mono_ns() - t0) / 1000000;
	assert_int_equal(jx_int(r, "invited", 0), 9000);
	assert_int_equal(jx_int(json_object_get(r, "skipped"), "no_email", 0), 1000);
	json_decref(r);
	assert_int_equal(jobs_of(f, "survey.invite"), 9000);
	print_message("a wave of 10,000 people: %lld ms\n", (long long)ms);
	/* the valgrind test setup runs some fifty times slower and says so */
	const char *slow = getenv("BRUG_TEST_TIME_FACTOR");
	int64_t factor = slow ? strtoll(slow, NULL, 10) : 1;
	assert_true(ms < 30000 * (factor > 1 ? factor : 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_skip_reasons), FX_TEST(test_contact_window), FX_TEST(test_selection),
		FX_TEST(test_survey_state), FX_TEST(test_optout),         FX_TEST(test_list),
		FX_TEST(test_transactional), FX_TEST(test_large_wave),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

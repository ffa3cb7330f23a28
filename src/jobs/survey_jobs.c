/* SPDX-License-Identifier: Apache-2.0 */
/* Survey invitation mail (see survey_jobs.h): what the message says and
 * where its links go; the rules of who is asked live in
 * domain/survey_invite.c. */
#include "jobs/survey_jobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "domain/feedback_config.h"
#include "domain/outbox.h"
#include "domain/survey.h"
#include "domain/survey_invite.h"
#include "domain/survey_token.h"
#include "domain/user.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/tz.h"
#include "view/mustache.h"

#define BODY_MAX (256 * 1024)

/* The parts of one message, owned here. */
struct parts {
	struct buf subject, text, html;
	char unsub[512];
};

static void parts_init(struct parts *p)
{
	buf_init(&p->subject, 4096);
	buf_init(&p->text, BODY_MAX);
	buf_init(&p->html, BODY_MAX);
	p->unsub[0] = '\0';
}

static void parts_cleanup(struct parts *p)
{
	buf_cleanup(&p->subject);
	buf_cleanup(&p->text);
	buf_cleanup(&p->html);
}

/* Renders the catalog text key (a small template over ctx) into d[field]. */
static int text_into(const struct job_env *env, const char *lang, const char *key,
		     json_t *const *ctx, json_t *d, const char *field)
{
	const char *src = i18n_text(env->cat, lang, key);
	struct buf b;
	buf_init(&b, 4096);
	int rc = mustache_render_string(env->views, src, strlen(src), ctx, 2, &b, NULL);
	if (!rc)
		jx_set_str(d, field, buf_str(&b));
	buf_cleanup(&b);
	return rc;
}

/* The template data: links, the scale, texts in the invitee's language. */
static json_t *mail_data(const struct job_env *env, const struct survey_invite_info *i,
			 bool reminder, struct parts *p)
{
	char tok[SURVEY_TOKEN_MAX], when[TZ_FORMAT_MAX];
	survey_token_make(env->secret, i->id, tok);
	const char *base = env->mail.base_url;
	json_t *d = json_object();
	jx_set_str(d, "name", i->name);
	jx_set_str(d, "lang", i->lang);
	jx_set_str(d, "org", i->org_name);
	jx_set_str(d, "survey", i->survey_name);
	jx_set_str(d, "intro", i->intro);
	jx_set_bool(d, "is_reminder", reminder);
	json_object_set_new(d, "link", json_sprintf("%s/s/%s", base, tok));
	snprintf(p->unsub, sizeof(p->unsub), "%s/s/%s/unsubscribe", base, tok);
	jx_set_str(d, "unsubscribe_url", p->unsub);
	const struct tz *z = tz_get(i->zone);
	tz_format(z ? z : tz_get("Europe/Amsterdam"), i->expires_at, i->lang, when, sizeof(when));
	jx_set_str(d, "expires", when);
	bool nps = !strcmp(i->first_type, "nps");
	jx_set_bool(d, "has_scale", nps);
	if (nps) {
		json_t *scale = json_array();
		for (int n = 0; n <= 10; n++)
			json_array_append_new(scale, json_pack("{s:i,s:o}", "n", n, "url",
							       json_sprintf("%s/s/%s?score=%d", base,
									    tok, n)));
		json_object_set_new(d, "scale", scale);
	}
	return d;
}

/* Builds subject, text and HTML of i's invitation (or reminder). */
static int compose(const struct job_env *env, const struct survey_invite_info *i, bool reminder,
		   struct parts *p, struct brug_err *err)
{
	json_t *d = mail_data(env, i, reminder, p);
	json_t *t = json_object();
	json_object_set(t, "t", i18n_catalog(env->cat, i->lang));
	json_t *ctx[2] = {t, d};
	int rc = text_into(env, i->lang, reminder ? "mail_invite.subject_reminder" : "mail_invite.subject",
			   ctx, d, "subject");
	if (!rc)
		rc = text_into(env, i->lang, *i->name ? "mail_invite.greeting" : "mail_invite.greeting_anon",
			       ctx, d, "greeting");
	if (!rc && *i->first_text) /* the survey's own wording of its first question */
		jx_set_str(d, "question", i->first_text);
	else if (!rc)
		rc = text_into(env, i->lang, "mail_invite.nps_question", ctx, d, "question");
	if (!rc)
		rc = buf_adds(&p->subject, jx_str(d, "subject"));
	if (!rc)
		rc = mustache_render(env->views, "mail_invite_text", ctx, 2, &p->text, err);
	if (!rc)
		rc = mustache_render(env->views, "mail_invite_html", ctx, 2, &p->html, err);
	json_decref(t);
	json_decref(d);
	return rc;
}

/* A display name mail_build takes, or NULL. */
static const char *safe_name(const char *n)
{
	return n && *n && !strpbrk(n, "<>\"\\") && strlen(n) < MAIL_NAME_MAX ? n : NULL;
}

/* Queues i's mail and records it, in one transaction. An address or text
 * the mail cannot carry marks the invitation failed (no retry helps). */
static int send_one(struct job_ctx *c, const struct survey_invite_info *i, bool reminder)
{
	struct parts p;
	struct brug_err err = {0};
	parts_init(&p);
	int rc = compose(c->env, i, reminder, &p, &err);
	struct feedback_config fc;
	if (!rc)
		rc = feedback_config_get(c->db, i->org, &fc);
	if (rc) {
		snprintf(c->error, sizeof(c->error), "survey mail: %s %s", rc_code(rc), err.detail);
		goto out;
	}
	struct mail_msg m = {
		.to = {.addr = i->email, .name = safe_name(i->name)},
		.subject = buf_str(&p.subject),
		.text = buf_str(&p.text),
		.html = buf_str(&p.html),
		/* RFC 8058 one-click needs https; a plain-http install has the link in the body */
		.unsub_url = !strncmp(p.unsub, "https://", 8) ? p.unsub : NULL,
	};
	int64_t now = clock_now_ms();
	if ((rc = db_begin(c->db)))
		goto out;
	rc = outbox_queue(c->db, &c->env->mail, i->org, reminder ? "reminder" : "invitation", i->id,
			  &m, NULL, &err);
	if (!rc)
		rc = reminder ? survey_invite_mark_reminded(c->db, i->org, i->id, now)
			      : survey_invite_mark_sent(c->db, i->org, i->id, now, fc.reminder_days);
	int failed = rc;
	rc = db_finish(c->db, rc);
	if (failed == BRUG_ECONFLICT) /* sent or answered meanwhile: nothing to do */
		rc = 0;
	else if (failed == BRUG_EINVAL && !reminder)
		rc = survey_invite_mark_failed(c->db, i->org, i->id);
	else if (failed == BRUG_EINVAL)
		rc = 0;
	if (failed && failed != BRUG_ECONFLICT)
		snprintf(c->error, sizeof(c->error), "survey mail: %s %s", rc_code(failed),
			 err.detail);
out:
	parts_cleanup(&p);
	return rc;
}

/* The invitation of the job's payload; 1 when there is none. */
static int load(struct job_ctx *c, struct survey_invite_info *i)
{
	if (!c->env) {
		snprintf(c->error, sizeof(c->error), "the mail environment could not be loaded");
		return BRUG_EINTERNAL;
	}
	int rc = survey_invite_info_get(c->db, c->job->org_id, jx_int(c->payload, "invitation_id", 0),
					i);
	return rc == BRUG_ENOTFOUND ? 1 : rc;
}

int survey_job_invite(struct job_ctx *c)
{
	struct survey_invite_info i;
	int rc = load(c, &i);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (strcmp(i.status, "pending"))
		rc = 0;
	else if (strcmp(i.survey_status, "active"))
		rc = survey_invite_mark_skipped(c->db, i.org, i.id, "closed");
	else if (i.opted_out)
		rc = survey_invite_mark_skipped(c->db, i.org, i.id, "unsubscribed");
	else
		rc = send_one(c, &i, false);
	survey_invite_info_cleanup(&i);
	return rc;
}

int survey_job_remind(struct job_ctx *c)
{
	struct survey_invite_info i;
	int rc = load(c, &i);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (!strcmp(i.status, "sent") && !i.answered_at && !i.reminded_at && !i.opted_out &&
	    i.expires_at > clock_now_ms() && !strcmp(i.survey_status, "active"))
		rc = send_one(c, &i, true);
	survey_invite_info_cleanup(&i);
	return rc;
}

int survey_job_transactional(struct job_ctx *c)
{
	int64_t id = 0;
	bool pending = false;
	int rc = db_begin(c->db);
	if (!rc) {
		rc = survey_invite_for_interaction(c->db, c->job->org_id,
						   jx_int(c->payload, "survey_id", 0),
						   jx_int(c->payload, "interaction_id", 0), &id, &pending);
		rc = db_finish(c->db, rc);
	}
	if (rc)
		snprintf(c->error, sizeof(c->error), "survey.transactional: %s", rc_code(rc));
	return rc;
}

/* The wave of one scheduled run, over the selection its settings keep
 * (relation_types, tags, owner_id), made as the survey's owner. */
static int scheduled_wave(struct job_ctx *c, const json_t *s, json_t **res, struct brug_err *err)
{
	const json_t *set = json_object_get(s, "settings");
	int64_t owner = jx_int(s, "owner_id", 0);
	json_t *user = NULL;
	/* the audit entry names the owner; "system" when the owner is gone */
	if (owner && user_get(c->db, c->job->org_id, owner, &user))
		owner = 0;
	struct actor who = {.org_id = c->job->org_id, .user_id = owner,
			    .label = user ? jx_str(user, "email") : "system", .ip = ""};
	struct survey_selection sel = {
		.relation_types = json_object_get(set, "relation_types"),
		.tags = json_object_get(set, "tags"),
		.owner_id = jx_int(set, "owner_id", 0),
	};
	int rc = survey_invite_wave(c->db, &who, jx_int(s, "id", 0), &sel, res, err);
	json_decref(user);
	return rc;
}

int survey_job_wave(struct job_ctx *c)
{
	json_t *s = NULL, *res = NULL;
	struct brug_err err = {0};
	int rc = survey_get(c->db, c->job->org_id, jx_int(c->payload, "survey_id", 0), &s);
	if (rc == BRUG_ENOTFOUND) { /* deleted since: nothing to do */
		rc = 0;
		goto out;
	}
	if (rc || strcmp(jx_str(s, "status"), "active") || strcmp(jx_str(s, "kind"), "relationship"))
		goto out;
	rc = scheduled_wave(c, s, &res, &err);
	/* closed between the read and the wave */
	if (rc == BRUG_ECONFLICT && err.key && !strcmp(err.key, "error.survey_not_active"))
		rc = 0;
out:
	if (rc)
		snprintf(c->error, sizeof(c->error), "survey.wave: %s %s%s%s", rc_code(rc),
			 err.field ? err.field : "", err.field ? ": " : "",
			 err.detail[0] ? err.detail : err.key ? err.key : "");
	json_decref(res);
	json_decref(s);
	return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The "case.notify" mail; see case_notify.h. The subject and both bodies
 * are mustache (web/templates/mail_case_*.mustache and the catalog's
 * cases.mail_subject), rendered against the notice and the catalog of the
 * assignee's language. */
#include "jobs/case_notify.h"

#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "domain/outbox.h"
#include "domain/survey_case.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/tz.h"
#include "view/mustache.h"

/* Renders view (or, when src is given, that template text) into out. */
static int render(const struct job_env *env, const char *view, const char *src, json_t *t,
		  json_t *data, struct buf *out, struct brug_err *err)
{
	json_t *ctx[2] = {t, data};
	return src ? mustache_render_string(env->views, src, strlen(src), ctx, 2, out, err)
		   : mustache_render(env->views, view, ctx, 2, out, err);
}

static int queue_mail(struct job_ctx *c, json_t *n, int64_t id)
{
	const struct job_env *env = c->env;
	const char *lang = jx_str(n, "lang");
	json_t *t = json_pack("{s:O}", "t", i18n_catalog(env->cat, lang));
	char link[400];
	snprintf(link, sizeof(link), "%s/cases/%lld", env->mail.base_url, (long long)id);
	jx_set_str(n, "link", link);
	int64_t due = 0;
	const struct tz *zone = tz_get(jx_str(n, "timezone"));
	if (clock_parse_iso8601(jx_str(n, "due_at"), &due)) {
		char when[TZ_FORMAT_MAX];
		tz_format(zone ? zone : tz_get("Europe/Amsterdam"), due, lang, when, sizeof(when));
		jx_set_str(n, "due_local", when);
	}
	if (!jx_str(n, "relation_name"))
		jx_set_str(n, "relation_name", i18n_text(env->cat, lang, "cases.someone"));
	struct buf subject, text, html;
	buf_init(&subject, 4096);
	buf_init(&text, 1 << 20);
	buf_init(&html, 1 << 20);
	struct brug_err err = {0};
	int rc = render(env, NULL, i18n_text(env->cat, lang, "cases.mail_subject"), t, n, &subject,
			&err);
	if (!rc)
		rc = render(env, "mail_case_text", NULL, t, n, &text, &err);
	if (!rc)
		rc = render(env, "mail_case_html", NULL, t, n, &html, &err);
	if (!rc) {
		struct mail_msg m = {.to = {.addr = jx_str(n, "to"),
					    .name = mail_display_name(jx_str(n, "assignee_name"))},
				     .subject = buf_str(&subject),
				     .text = buf_str(&text),
				     .html = buf_str(&html)};
		rc = outbox_queue(c->db, &env->mail, c->job->org_id, "case", id, &m, NULL, &err);
	}
	if (rc)
		snprintf(c->error, sizeof(c->error), "case.notify: %s %s", rc_code(rc), err.detail);
	buf_cleanup(&subject);
	buf_cleanup(&text);
	buf_cleanup(&html);
	json_decref(t);
	return rc;
}

int job_case_notify(struct job_ctx *c)
{
	int64_t id = jx_int(c->payload, "case_id", 0), sent = 0;
	json_t *n = NULL;
	if (!c->env) {
		snprintf(c->error, sizeof(c->error), "case.notify: the mail settings are not loaded");
		return BRUG_EINTERNAL;
	}
	int rc = db_begin(c->db);
	if (rc)
		goto out;
	rc = db_int_query(c->db, &sent,
			  "SELECT COUNT(*) FROM mail_outbox WHERE org_id = ? AND kind = 'case'"
			  " AND ref_id = ?",
			  DB_ARGS(DB_I(c->job->org_id), DB_I(id)));
	if (!rc && !sent) {
		rc = survey_case_notice(c->db, c->job->org_id, id, &n);
		if (rc == BRUG_ENOTFOUND)
			rc = 0; /* gone, or nobody to tell: nothing to send */
		else if (!rc)
			rc = queue_mail(c, n, id);
	}
	rc = db_finish(c->db, rc);
	if (rc && !c->error[0])
		snprintf(c->error, sizeof(c->error), "case.notify: %s", rc_code(rc));
out:
	json_decref(n);
	return rc;
}

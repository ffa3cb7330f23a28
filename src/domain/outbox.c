/* SPDX-License-Identifier: Apache-2.0 */
/* Queuing mail: the installation's sender and link base, and the outbox row
 * with its mail.send job (see outbox.h). Delivery is the job's work. */
#include "domain/outbox.h"

#include <stdio.h>
#include <string.h>

#include "db/jobs.h"
#include "util/buf.h"
#include "util/clock.h"

#define MESSAGE_MAX (4 * 1024 * 1024)

/* Splits "Name <addr>" (or a bare addr) into env->from. */
static int parse_from(struct mail_env *env, const char *s, struct brug_err *err)
{
	const char *lt = strrchr(s, '<');
	size_t n = strlen(s);
	if (lt && n && s[n - 1] == '>') {
		size_t alen = (size_t)(s + n - 1 - (lt + 1));
		if (alen > MAIL_ADDR_MAX)
			goto bad;
		memcpy(env->from_buf, lt + 1, alen);
		env->from_buf[alen] = '\0';
		/* the name: what comes before '<', without the space before it */
		size_t nlen = (size_t)(lt - s);
		while (nlen && s[nlen - 1] == ' ')
			nlen--;
		env->from.name = NULL;
		if (nlen) {
			if (nlen > MAIL_NAME_MAX)
				goto bad;
			memcpy(env->name_buf, s, nlen);
			env->name_buf[nlen] = '\0';
			env->from.name = env->name_buf;
		}
	} else {
		if (n > MAIL_ADDR_MAX)
			goto bad;
		memcpy(env->from_buf, s, n + 1);
		env->from.name = NULL;
	}
	if (!mail_address_ok(env->from_buf))
		goto bad;
	env->from.addr = env->from_buf;
	env->msgid_domain = strchr(env->from_buf, '@') + 1;
	return 0;
bad:
	return brug_failf(err, BRUG_EINVAL, NULL, "mail-from", "%s",
			  "mail-from is not an email address (addr or \"Name <addr>\")");
}

int mail_env_init(struct mail_env *env, const struct config *cfg, struct brug_err *err)
{
	memset(env, 0, sizeof(*env));
	int rc = parse_from(env, cfg_str(cfg, CFG_MAIL_FROM), err);
	if (rc)
		return rc;
	const char *base = cfg_str(cfg, CFG_BASE_URL);
	if (base && *base)
		snprintf(env->base_buf, sizeof(env->base_buf), "%s", base);
	else
		snprintf(env->base_buf, sizeof(env->base_buf), "http://%s", cfg_str(cfg, CFG_LISTEN));
	size_t n = strlen(env->base_buf);
	while (n && env->base_buf[n - 1] == '/')
		env->base_buf[--n] = '\0';
	env->base_url = env->base_buf;
	return 0;
}

int outbox_queue(struct db *db, const struct mail_env *env, int64_t org, const char *kind,
		 int64_t ref_id, const struct mail_msg *m, int64_t *id, struct brug_err *err)
{
	struct mail_msg msg = *m;
	if (!msg.from.addr)
		msg.from = env->from;
	if (!msg.msgid_domain)
		msg.msgid_domain = env->msgid_domain;
	int64_t now = clock_now_ms();
	if (!msg.date_ms)
		msg.date_ms = now;
	struct buf out;
	buf_init(&out, MESSAGE_MAX);
	int rc = mail_build(&msg, &out, err);
	if (rc)
		goto out;
	int64_t mid = 0;
	rc = db_int_query(db, &mid,
			  "INSERT INTO mail_outbox (org_id, kind, ref_id, to_addr, subject, message,"
			  " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			  DB_ARGS(DB_I(org), DB_T(kind), DB_I0(ref_id), DB_T(msg.to.addr),
				  DB_T(msg.subject ? msg.subject : ""), DB_T(buf_str(&out)), DB_I(now),
				  DB_I(now)));
	if (rc)
		goto out;
	char payload[64];
	snprintf(payload, sizeof(payload), "{\"id\":%lld}", (long long)mid);
	rc = jobs_enqueue(db, &(struct job_new){.org_id = org, .kind = "mail.send", .payload = payload},
			  NULL);
	if (!rc && id)
		*id = mid;
out:
	buf_cleanup(&out);
	return rc;
}

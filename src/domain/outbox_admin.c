/* SPDX-License-Identifier: Apache-2.0 */
/* The outbox as administrators see it (see outbox.h): the organisation's
 * mail by status, one mail read back from its bytes, a retry of a failed or
 * held mail and a test mail. Delivery itself is outbox_send.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/jobs.h"
#include "domain/audit.h"
#include "domain/outbox.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/mail_read.h"

int outbox_list(struct db *db, int64_t org, const char *status, struct listing page,
		json_t **out)
{
	return listing_query(db,
			     "id, kind, ref_id, to_addr, subject, status, attempts, last_error,"
			     " created_at, updated_at, sent_at",
			     " FROM mail_outbox WHERE org_id = ? AND (? IS NULL OR status = ?)",
			     "ORDER BY id DESC", DB_ARGS(DB_I(org), DB_T(status), DB_T(status)), page,
			     out);
}

int outbox_counts(struct db *db, int64_t org, json_t **out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT status, COUNT(*) FROM mail_outbox WHERE org_id = ? GROUP BY status",
			  DB_ARGS(DB_I(org)));
	if (rc)
		return rc;
	json_t *o = json_pack("{s:i,s:i,s:i,s:i}", "queued", 0, "sent", 0, "failed", 0, "held", 0);
	while ((rc = db_next(r)) == 1)
		jx_set_int(o, db_text(r, 0), db_int(r, 1));
	db_rows_free(r);
	if (rc) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

/* Adds "headers" and "text" to mail, read from its "message". */
static void add_readable(json_t *mail)
{
	const char *raw = jx_str(mail, "message");
	struct mail_view v;
	mail_read(raw ? raw : "", raw ? strlen(raw) : 0, &v);
	json_t *headers = json_array();
	for (size_t i = 0; i < v.n; i++)
		json_array_append_new(headers, json_pack("{s:s,s:s}", "name", v.fields[i].name,
							 "value", v.fields[i].value));
	json_object_set_new(mail, "headers", headers);
	jx_set_str(mail, "text", v.text ? v.text : "");
	mail_view_cleanup(&v);
}

int outbox_get(struct db *db, int64_t org, int64_t id, json_t **out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT id, kind, ref_id, to_addr, subject, status, attempts, last_error,"
			  " created_at, updated_at, sent_at, message FROM mail_outbox"
			  " WHERE org_id = ? AND id = ?",
			  DB_ARGS(DB_I(org), DB_I(id)));
	if (rc)
		return rc;
	json_t *items = db_rows_json(r, &rc);
	db_rows_free(r);
	if (rc)
		return rc;
	json_t *mail = json_array_get(items, 0);
	if (!mail) {
		json_decref(items);
		return BRUG_ENOTFOUND;
	}
	json_incref(mail);
	json_decref(items);
	add_readable(mail);
	*out = mail;
	return 0;
}

int outbox_retry(struct db *db, const struct actor *who, int64_t id, struct brug_err *err)
{
	char *status = NULL;
	int64_t now = clock_now_ms();
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_text_query(db, &status, "SELECT status FROM mail_outbox WHERE org_id = ? AND id = ?",
			   DB_ARGS(DB_I(who->org_id), DB_I(id)));
	if (rc == BRUG_ENOTFOUND)
		brug_fail(err, rc, "error.not_found", NULL);
	/* status again in the UPDATE: two retries at once queue one job */
	if (!rc)
		rc = db_exec(db,
			     "UPDATE mail_outbox SET status = 'queued', attempts = 0, updated_at = ?"
			     " WHERE org_id = ? AND id = ? AND status IN ('failed', 'held')",
			     DB_ARGS(DB_I(now), DB_I(who->org_id), DB_I(id)));
	if (!rc && db_changes(db) != 1)
		rc = brug_fail(err, BRUG_ECONFLICT, "error.outbox_not_failed", NULL);
	char payload[64];
	snprintf(payload, sizeof(payload), "{\"id\":%lld}", (long long)id);
	if (!rc)
		rc = jobs_enqueue(db,
				  &(struct job_new){.org_id = who->org_id, .kind = "mail.send",
						    .payload = payload},
				  NULL);
	if (!rc)
		rc = audit_add(db, who, "outbox.retry", "mail", id, NULL);
	free(status);
	return db_finish(db, rc);
}

int outbox_test(struct db *db, const struct mail_env *env, const struct actor *who,
		const struct mail_msg *m, int64_t *id, struct brug_err *err)
{
	int64_t mid = 0;
	int rc = db_begin(db);
	if (!rc)
		rc = outbox_queue(db, env, who->org_id, "test", 0, m, &mid, err);
	if (!rc)
		rc = audit_add(db, who, "outbox.test", "mail", mid, NULL);
	rc = db_finish(db, rc);
	if (!rc && id)
		*id = mid;
	return rc;
}

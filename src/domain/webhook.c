/* SPDX-License-Identifier: Apache-2.0 */
/* Webhook subscriptions and the deliveries of events (see webhook.h);
 * sending is in webhook_send.c. */
#include "domain/webhook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/secure.h"
#include "db/jobs.h"
#include "domain/audit.h"
#include "domain/check.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/xmalloc.h"

/* The event's body: the same bytes go to every subscriber. */
static char *event_body(const char *event, const json_t *data, int64_t now)
{
	time_t t = (time_t)(now / 1000);
	struct tm tm;
	char ts[80];
	gmtime_r(&t, &tm);
	snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(now % 1000));
	json_t *o = json_pack("{s:s,s:s,s:O}", "type", event, "timestamp", ts, "data", data);
	char *s = o ? jx_dumps(o) : NULL;
	json_decref(o);
	return s;
}

int webhook_emit(struct db *db, int64_t org, const char *event, const json_t *data)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT id, events FROM webhooks WHERE org_id = ? AND active = 1 ORDER BY id",
			  DB_ARGS(DB_I(org)));
	if (rc)
		return rc;
	int64_t ids[64];
	size_t n = 0;
	int more;
	while ((more = db_next(r)) == 1 && n < sizeof(ids) / sizeof(ids[0])) {
		json_t *ev = json_loads(db_text(r, 1), 0, NULL);
		size_t i;
		json_t *v;
		json_array_foreach(ev, i, v) if (json_is_string(v) && !strcmp(json_string_value(v), event))
		{
			ids[n++] = db_int(r, 0);
			break;
		}
		json_decref(ev);
	}
	db_rows_free(r);
	if (more < 0)
		return more;
	if (!n)
		return 0;
	int64_t now = clock_now_ms();
	char *body = event_body(event, data, now);
	if (!body)
		return BRUG_EINTERNAL;
	for (size_t i = 0; i < n && !rc; i++) {
		char tok[SECURE_TOKEN_CHARS + 1], msg_id[SECURE_TOKEN_CHARS + 8], payload[64];
		int64_t did = 0;
		secure_token(tok);
		snprintf(msg_id, sizeof(msg_id), "msg_%s", tok);
		rc = db_int_query(db, &did,
				  "INSERT INTO webhook_deliveries (org_id, webhook_id, event, msg_id,"
				  " payload, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
				  " RETURNING id",
				  DB_ARGS(DB_I(org), DB_I(ids[i]), DB_T(event), DB_T(msg_id), DB_T(body),
					  DB_I(now), DB_I(now)));
		if (rc)
			break;
		snprintf(payload, sizeof(payload), "{\"delivery_id\":%lld}", (long long)did);
		rc = jobs_enqueue(db,
				  &(struct job_new){.org_id = org, .kind = "webhook.deliver",
						    .payload = payload},
				  NULL);
	}
	free(body);
	return rc;
}

int webhook_active(struct db *db, int64_t org, bool *any)
{
	int64_t n = 0;
	int rc = db_int_query(db, &n,
			      "SELECT COUNT(*) FROM webhooks WHERE org_id = ? AND active = 1",
			      DB_ARGS(DB_I(org)));
	if (!rc)
		*any = n > 0;
	return rc;
}

const char *const webhook_events[] = {"answer.received", "answer.detractor", NULL};

static int check(const char *url, const json_t *events, struct brug_err *err)
{
	if (url && (strlen(url) > WEBHOOK_URL_MAX || !check_text(url, WEBHOOK_URL_MAX, false) ||
		    (strncmp(url, "https://", 8) && strncmp(url, "http://", 7)) ||
		    strpbrk(url, " \"<>") || strlen(url) < 10))
		return brug_fail(err, BRUG_EVALIDATION, "error.webhook_url", "url");
	if (events) {
		size_t i;
		json_t *e;
		if (!json_is_array(events) || !json_array_size(events) || json_array_size(events) > 10)
			return brug_fail(err, BRUG_EVALIDATION, "error.webhook_events", "events");
		json_array_foreach(events, i, e) if (!json_is_string(e) ||
						     !check_one_of(json_string_value(e), webhook_events))
			return brug_fail(err, BRUG_EVALIDATION, "error.webhook_events", "events");
	}
	return 0;
}

int webhook_create(struct db *db, const struct actor *who, const char *url, const json_t *events,
		   int64_t *id, char secret[WEBHOOK_SECRET_MAX], struct brug_err *err)
{
	if (!url || !events)
		return brug_fail(err, BRUG_EVALIDATION, "error.required", url ? "events" : "url");
	int rc = check(url, events, err);
	if (rc)
		return rc;
	int64_t n = 0;
	if ((rc = db_int_query(db, &n, "SELECT COUNT(*) FROM webhooks WHERE org_id = ?",
			       DB_ARGS(DB_I(who->org_id)))))
		return rc;
	if (n >= WEBHOOKS_MAX)
		return brug_fail(err, BRUG_ECONFLICT, "error.too_many", "url");
	webhook_secret_new(secret);
	char *ev = jx_dumps(events);
	int64_t now = clock_now_ms();
	rc = db_int_query(db, id,
			  "INSERT INTO webhooks (org_id, url, secret, events, created_by, created_at,"
			  " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
			  DB_ARGS(DB_I(who->org_id), DB_T(url), DB_T(secret), DB_T(ev),
				  DB_I0(who->user_id), DB_I(now), DB_I(now)));
	if (!rc)
		rc = audit_add(db, who, "webhook.create", "webhook", *id,
			       json_pack("{s:s,s:O}", "url", url, "events", events));
	free(ev);
	return rc;
}

int webhook_update(struct db *db, const struct actor *who, int64_t id, const char *url,
		   const json_t *events, int active, struct brug_err *err)
{
	int rc = check(url, events, err);
	if (rc)
		return rc;
	char *ev = events ? jx_dumps(events) : NULL;
	rc = db_exec(db,
		     "UPDATE webhooks SET url = COALESCE(?, url), events = COALESCE(?, events),"
		     " active = CASE WHEN ? < 0 THEN active ELSE ? END, updated_at = ?"
		     " WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_T(url), DB_T(ev), DB_I(active), DB_I(active), DB_I(clock_now_ms()),
			     DB_I(who->org_id), DB_I(id)));
	free(ev);
	if (!rc && db_changes(db) == 0)
		rc = brug_fail(err, BRUG_ENOTFOUND, "error.webhook_not_found", NULL);
	if (!rc)
		rc = audit_add(db, who, "webhook.update", "webhook", id,
			       json_pack("{s:s?,s:O?,s:o}", "url", url, "events", events, "active",
					 active < 0 ? json_null() : json_boolean(active)));
	return rc;
}

int webhook_delete(struct db *db, const struct actor *who, int64_t id, struct brug_err *err)
{
	int rc = db_exec(db, "DELETE FROM webhooks WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_I(who->org_id), DB_I(id)));
	if (!rc && db_changes(db) == 0)
		rc = brug_fail(err, BRUG_ENOTFOUND, "error.webhook_not_found", NULL);
	if (!rc)
		rc = audit_add(db, who, "webhook.delete", "webhook", id, NULL);
	return rc;
}

/* A webhooks row as JSON: events parsed, active a boolean. */
static json_t *row_of(struct db_rows *r, bool with_secret)
{
	json_t *o = db_row_json(r);
	json_t *ev = json_loads(jx_str(o, "events"), 0, NULL);
	json_object_set_new(o, "events", ev ? ev : json_array());
	json_object_set_new(o, "active", json_boolean(jx_int(o, "active", 0)));
	if (!with_secret)
		json_object_del(o, "secret");
	return o;
}

int webhook_list(struct db *db, int64_t org, json_t **out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT w.id, w.url, w.events, w.active, w.created_at,"
			  " (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.org_id = w.org_id AND"
			  "  d.webhook_id = w.id AND d.status = 'delivered') AS delivered,"
			  " (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.org_id = w.org_id AND"
			  "  d.webhook_id = w.id AND d.status = 'failed') AS failed,"
			  " (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.org_id = w.org_id AND"
			  "  d.webhook_id = w.id AND d.status = 'pending') AS pending"
			  " FROM webhooks w WHERE w.org_id = ? ORDER BY w.id",
			  DB_ARGS(DB_I(org)));
	if (rc)
		return rc;
	json_t *items = json_array();
	while ((rc = db_next(r)) == 1)
		json_array_append_new(items, row_of(r, false));
	db_rows_free(r);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

int webhook_get(struct db *db, int64_t org, int64_t id, json_t **out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT id, url, secret, events, active, created_at, updated_at FROM webhooks"
			  " WHERE org_id = ? AND id = ?",
			  DB_ARGS(DB_I(org), DB_I(id)));
	if (rc)
		return rc;
	json_t *o = NULL;
	if ((rc = db_next(r)) == 1)
		o = row_of(r, true);
	db_rows_free(r);
	if (rc <= 0)
		return rc < 0 ? rc : BRUG_ENOTFOUND;
	rc = db_query(db, &r,
		      "SELECT id, event, msg_id, status, attempts, response_status, last_error,"
		      " created_at, delivered_at FROM webhook_deliveries WHERE org_id = ? AND"
		      " webhook_id = ? ORDER BY id DESC LIMIT 50",
		      DB_ARGS(DB_I(org), DB_I(id)));
	json_t *list = json_array();
	if (!rc) {
		while ((rc = db_next(r)) == 1)
			json_array_append_new(list, db_row_json(r));
		db_rows_free(r);
	}
	json_object_set_new(o, "deliveries", list);
	if (rc < 0) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Webhook subscriptions and deliveries (see webhook.h). */
#include "domain/webhook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/secure.h"
#include "db/jobs.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/xmalloc.h"

/* The event's body: the same bytes go to every subscriber. */
static char *event_body(const char *event, const json_t *data, int64_t now)
{
	time_t t = (time_t)(now / 1000);
	struct tm tm;
	char ts[40];
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

/* SPDX-License-Identifier: Apache-2.0 */
/* Delivering one webhook event: a POST with the Standard Webhooks headers
 * (webhook-id, webhook-timestamp, webhook-signature) through libcurl, and
 * the delivery log's record of how it went (see webhook.h). */
#include "domain/webhook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "util/clock.h"
#include "util/xmalloc.h"

struct target {
	int64_t org;
	char *url, *secret, *msg_id, *payload;
	bool active;
};

static void target_free(struct target *t)
{
	free(t->url);
	free(t->secret);
	free(t->msg_id);
	free(t->payload);
}

static int target_load(struct db *db, int64_t delivery, struct target *t)
{
	memset(t, 0, sizeof(*t));
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT d.org_id, d.msg_id, d.payload, w.url, w.secret, w.active, d.status"
			  " FROM webhook_deliveries d LEFT JOIN webhooks w ON w.org_id = d.org_id AND"
			  " w.id = d.webhook_id WHERE d.id = ?",
			  DB_ARGS(DB_I(delivery)));
	if (rc)
		return rc;
	if ((rc = db_next(r)) == 1) {
		t->org = db_int(r, 0);
		t->msg_id = xstrdup(db_text(r, 1));
		t->payload = xstrdup(db_text(r, 2));
		t->active = !db_null(r, 3) && db_int(r, 5) == 1;
		t->url = xstrdup(db_null(r, 3) ? "" : db_text(r, 3));
		t->secret = xstrdup(db_null(r, 4) ? "" : db_text(r, 4));
		/* delivered already (a job run twice): nothing to do */
		rc = strcmp(db_text(r, 6), "pending") ? BRUG_ECONFLICT : 0;
	} else if (rc == 0) {
		rc = BRUG_ENOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

/* The POST itself; *status the HTTP status (0 when none came). */
static int post(const struct target *t, long *status, char *error, size_t n)
{
	int64_t ts = clock_now_ms() / 1000;
	char sig[WEBHOOK_SIG_MAX], h_id[160], h_ts[64], h_sig[WEBHOOK_SIG_MAX + 32];
	if (webhook_sign(t->secret, t->msg_id, ts, t->payload, strlen(t->payload), sig)) {
		snprintf(error, n, "the webhook's secret is not a whsec_ secret");
		return BRUG_EINVAL;
	}
	snprintf(h_id, sizeof(h_id), "webhook-id: %s", t->msg_id);
	snprintf(h_ts, sizeof(h_ts), "webhook-timestamp: %lld", (long long)ts);
	snprintf(h_sig, sizeof(h_sig), "webhook-signature: %s", sig);
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(error, n, "cannot start libcurl");
		return BRUG_EINTERNAL;
	}
	struct curl_slist *hs = NULL;
	hs = curl_slist_append(hs, "Content-Type: application/json");
	hs = curl_slist_append(hs, "User-Agent: brug-webhooks");
	hs = curl_slist_append(hs, h_id);
	hs = curl_slist_append(hs, h_ts);
	hs = curl_slist_append(hs, h_sig);
	char cerr[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, t->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, t->payload);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(t->payload));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	CURLcode cc = curl_easy_perform(c);
	*status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	curl_slist_free_all(hs);
	curl_easy_cleanup(c);
	if (cc != CURLE_OK) {
		snprintf(error, n, "%s", *cerr ? cerr : curl_easy_strerror(cc));
		return BRUG_EIO;
	}
	if (*status < 200 || *status > 299) {
		snprintf(error, n, "the receiver answered HTTP %ld", *status);
		return BRUG_EIO;
	}
	return 0;
}

int webhook_deliver(struct db *db, int64_t delivery, bool last, char *error, size_t n)
{
	struct target t;
	*error = '\0';
	int rc = target_load(db, delivery, &t);
	if (rc == BRUG_ECONFLICT || rc == BRUG_ENOTFOUND) {
		target_free(&t);
		return 0;
	}
	if (rc) {
		target_free(&t);
		return rc;
	}
	long status = 0;
	int64_t now = clock_now_ms();
	if (!t.active) {
		snprintf(error, n, "the webhook was removed or switched off");
		rc = db_exec(db,
			     "UPDATE webhook_deliveries SET status = 'failed', last_error = ?,"
			     " updated_at = ? WHERE id = ?",
			     DB_ARGS(DB_T(error), DB_I(now), DB_I(delivery)));
		target_free(&t);
		return rc;
	}
	int sent = post(&t, &status, error, n);
	const char *state = !sent ? "delivered" : last ? "failed" : "pending";
	rc = db_exec(db,
		     "UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1,"
		     " response_status = ?, last_error = ?, updated_at = ?,"
		     " delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END"
		     " WHERE id = ?",
		     DB_ARGS(DB_T(state), status ? DB_I(status) : (struct db_arg){.type = DBT_NULL, .null_as = DBT_INT}, DB_T(error), DB_I(now),
			     DB_T(state), DB_I(now), DB_I(delivery)));
	target_free(&t);
	return rc ? rc : sent;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Delivering one outbox row over SMTP with libcurl (see outbox_send in
 * outbox.h): the only file that talks to a mail server. It owns the status
 * changes of a delivery; the job queue owns when it is tried again. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/outbox.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define CONNECT_TIMEOUT_MS 10000L
#define TIMEOUT_MS 60000L

/* The row being delivered. */
struct row {
	char *status, *to, *message, *kind;
	int64_t ref_id;
};

static void row_cleanup(struct row *r)
{
	free(r->status);
	free(r->to);
	free(r->message);
	free(r->kind);
}

static int row_load(struct db *db, int64_t org, int64_t id, struct row *out)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT status, to_addr, message, kind, COALESCE(ref_id, 0) FROM mail_outbox"
			  " WHERE org_id = ? AND id = ?",
			  DB_ARGS(DB_I(org), DB_I(id)));
	if (rc)
		return rc;
	int got = db_next(r);
	if (got == 1) {
		out->status = xstrdup(db_text(r, 0));
		out->to = xstrdup(db_text(r, 1));
		out->message = xstrdup(db_text(r, 2));
		out->kind = xstrdup(db_text(r, 3));
		out->ref_id = db_int(r, 4);
	} else {
		rc = got < 0 ? got : BRUG_ENOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

/* What CURLOPT_READFUNCTION reads: the stored message. */
struct upload {
	const char *p;
	size_t left;
};

static size_t read_message(char *dst, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t room = size * n, k = u->left < room ? u->left : room;
	memcpy(dst, u->p, k);
	u->p += k;
	u->left -= k;
	return k;
}

/* Hands the message to the server; 0, or BRUG_EIO with why in error
 * (curl's message, the SMTP reply code when there was one). */
static int smtp_deliver(const struct outbox_smtp *s, const struct row *row, char *error,
			size_t error_len)
{
	char errbuf[CURL_ERROR_SIZE] = "", from[300], to[300];
	snprintf(from, sizeof(from), "<%s>", s->from ? s->from : "");
	snprintf(to, sizeof(to), "<%s>", row->to);
	struct upload up = {row->message, strlen(row->message)};
	struct curl_slist *rcpt = curl_slist_append(NULL, to);
	CURL *c = curl_easy_init();
	int rc = 0;
	if (!c || !rcpt) {
		snprintf(error, error_len, "cannot start libcurl");
		rc = BRUG_EIO;
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_URL, s->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(c, CURLOPT_READDATA, &up);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)up.left);
	/* smtp://: STARTTLS when the server offers it; smtps:// is TLS from
	 * the first byte as the URL says */
	if (!strncmp(s->url, "smtp://", 7))
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	if (s->user && *s->user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, s->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, s->password ? s->password : "");
	}
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
			 s->connect_timeout_ms > 0 ? s->connect_timeout_ms : CONNECT_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, s->timeout_ms > 0 ? s->timeout_ms : TIMEOUT_MS);
	CURLcode cc = curl_easy_perform(c);
	if (cc != CURLE_OK) {
		long code = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		const char *why = errbuf[0] ? errbuf : curl_easy_strerror(cc);
		if (code)
			snprintf(error, error_len, "%s (SMTP %ld)", why, code);
		else
			snprintf(error, error_len, "%s", why);
		rc = BRUG_EIO;
	}
out:
	curl_easy_cleanup(c);
	curl_slist_free_all(rcpt);
	return rc;
}

/* The delivery worked: sent, unless another run got there first. */
static int mark_sent(struct db *db, int64_t org, int64_t id, const struct row *row)
{
	int64_t now = clock_now_ms();
	int rc = db_begin(db);
	if (!rc)
		rc = db_exec(db,
			     "UPDATE mail_outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?,"
			     " updated_at = ? WHERE org_id = ? AND id = ? AND status <> 'sent'",
			     DB_ARGS(DB_I(now), DB_I(now), DB_I(org), DB_I(id)));
	/* a retried invitation mail that now went: the invitation was sent after all */
	if (!rc && row->ref_id &&
	    (!strcmp(row->kind, "invitation") || !strcmp(row->kind, "reminder")))
		rc = db_exec(db,
			     "UPDATE survey_invitations SET status = 'sent', updated_at = ?"
			     " WHERE org_id = ? AND id = ? AND status = 'failed'",
			     DB_ARGS(DB_I(now), DB_I(org), DB_I(row->ref_id)));
	return db_finish(db, rc);
}

/* The delivery failed: counted, and failed for good after the last try. */
static int mark_failed(struct db *db, int64_t org, int64_t id, const struct row *row, bool last,
		       const char *error)
{
	int64_t now = clock_now_ms();
	int rc = db_begin(db);
	if (!rc)
		rc = db_exec(db,
			     "UPDATE mail_outbox SET status = ?, attempts = attempts + 1, last_error = ?,"
			     " updated_at = ? WHERE org_id = ? AND id = ? AND status = 'queued'",
			     DB_ARGS(DB_T(last ? "failed" : "queued"), DB_T(error), DB_I(now),
				     DB_I(org), DB_I(id)));
	if (!rc && last && row->ref_id &&
	    (!strcmp(row->kind, "invitation") || !strcmp(row->kind, "reminder")))
		rc = db_exec(db,
			     "UPDATE survey_invitations SET status = 'failed', updated_at = ?"
			     " WHERE org_id = ? AND id = ? AND status IN ('pending', 'sent')",
			     DB_ARGS(DB_I(now), DB_I(org), DB_I(row->ref_id)));
	return db_finish(db, rc);
}

int outbox_send(struct db *db, const struct outbox_smtp *smtp, int64_t org, int64_t id, bool last,
		char *error, size_t error_len)
{
	struct row row = {0};
	int rc = row_load(db, org, id, &row);
	if (rc == BRUG_ENOTFOUND) { /* gone with its organisation: nothing to send */
		rc = 0;
		goto out;
	}
	if (rc) {
		snprintf(error, error_len, "cannot read outbox mail %lld", (long long)id);
		goto out;
	}
	/* sent already (a job run twice), held, or failed: nothing to do */
	if (strcmp(row.status, "queued"))
		goto out;
	if (!smtp->url || !*smtp->url) {
		int64_t now = clock_now_ms();
		rc = db_exec(db,
			     "UPDATE mail_outbox SET status = 'held', updated_at = ?"
			     " WHERE org_id = ? AND id = ? AND status = 'queued'",
			     DB_ARGS(DB_I(now), DB_I(org), DB_I(id)));
		goto out;
	}
	char why[512] = "";
	int sent = smtp_deliver(smtp, &row, why, sizeof(why));
	/* from here on the server may have the mail: a crash before the update
	 * below sends it once more when the job is taken back */
	if (!sent) {
		rc = mark_sent(db, org, id, &row);
		if (rc)
			log_error("msg=\"mail sent but not recorded; it may go out twice\" id=%lld",
				  (long long)id);
		goto out;
	}
	log_warn("msg=\"mail not delivered\" id=%lld last=%d error=\"%s\"", (long long)id, last, why);
	rc = mark_failed(db, org, id, &row, last, why);
	if (!rc)
		rc = sent;
	snprintf(error, error_len, "%s", why);
out:
	row_cleanup(&row);
	return rc;
}

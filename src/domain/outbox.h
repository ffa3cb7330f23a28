/* SPDX-License-Identifier: Apache-2.0 */
/* The mail outbox: every message brug sends is first a row in mail_outbox,
 * as the exact bytes that go out, queued in the caller's transaction with
 * a mail.send job; the job delivers it over SMTP, or holds it for the
 * outbox page when no SMTP server is configured. So a mail is never lost
 * with a rolled-back change, never sent for one that did not happen, and
 * its fate (attempts, last error) is visible per message. */
#ifndef BRUG_DOMAIN_OUTBOX_H
#define BRUG_DOMAIN_OUTBOX_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/rc.h"
#include "db/db.h"
#include "domain/listing.h"
#include "domain/principal.h"
#include "util/mail.h"

/* What every mail of an installation shares, from the configuration: the
 * sender, the Message-ID domain, and the absolute base of links in mail
 * (no trailing slash). Strings point into env itself or cfg: copy env by value only before use
 * (the pointers would still name the original). */
struct mail_env {
	struct mail_addr from;
	const char *msgid_domain;
	const char *base_url;
	char from_buf[MAIL_ADDR_MAX + 1];
	char name_buf[MAIL_NAME_MAX + 1];
	char base_buf[256];
};

/* Fills env from cfg: mail-from ("Name <addr>" or "addr"), base-url (or
 * "http://" and the listen address when base-url is empty). BRUG_EINVAL
 * with a message when mail-from is not an address mail_address_ok takes. */
int mail_env_init(struct mail_env *env, const struct config *cfg, struct brug_err *err);

/* Builds m (util/mail.h; m->from, m->msgid_domain and m->date_ms are filled
 * from env and the clock when unset) and queues it for org: a mail_outbox
 * row of kind ("invitation", "reminder", "case", "test") about ref_id (0:
 * none) and a mail.send job, both in the caller's transaction when one is
 * open. Its id in *id (may be NULL). BRUG_EINVAL from mail_build (err
 * names the field) when the message cannot be built. */
int outbox_queue(struct db *db, const struct mail_env *env, int64_t org, const char *kind,
		 int64_t ref_id, const struct mail_msg *m, int64_t *id, struct brug_err *err);

/* How mail leaves: the SMTP server (from the configuration) and the
 * envelope sender. Strings are borrowed for the call. */
struct outbox_smtp {
	const char *url;      /* smtp://host:port or smtps://host:port; NULL or "": hold mail */
	const char *user;     /* NULL or "": no authentication */
	const char *password;
	const char *from;     /* the envelope sender (MAIL FROM), an address */
	long connect_timeout_ms; /* 0: 10 s */
	long timeout_ms;         /* the whole delivery; 0: 60 s */
};

/* The mail.send job's work for outbox row id of org: nothing when the row
 * is gone or no longer queued (already sent, held or failed); held when
 * smtp->url is empty; else the stored bytes go to smtp->url over libcurl
 * SMTP (STARTTLS when the server offers it on smtp://) and the row becomes
 * sent. On a failed delivery, attempts + 1 and last_error (curl's message
 * and the SMTP reply code); the row stays queued and BRUG_EIO is returned
 * with the message in error, so the job is retried, unless last (the job's
 * last attempt): then the row, and for an invitation or reminder its
 * invitation, become failed. Every status change is guarded (never
 * "sent" twice); a crash between the server's OK and the update sends the
 * mail once more when the job is taken back: at most one duplicate per
 * crash, never a loss. Uses the caller's connection, no transaction open.
 * Thread-safe when libcurl's global init has run (cli_setup). */
int outbox_send(struct db *db, const struct outbox_smtp *smtp, int64_t org, int64_t id, bool last,
		char *error, size_t error_len);

/* The organisation's outbox, newest first; status NULL: any. Items have
 * id, kind, ref_id, to_addr, subject, status, attempts, last_error,
 * created_at, updated_at, sent_at (no message). A new reference in *out. */
int outbox_list(struct db *db, int64_t org, const char *status, struct listing page,
		json_t **out);
/* {"queued": n, "sent": n, "failed": n, "held": n}. */
int outbox_counts(struct db *db, int64_t org, json_t **out);
/* One mail with its raw message ("message") and, read from it, "headers"
 * ([{name, value}], encoded words decoded) and "text" (its text part
 * decoded). BRUG_ENOTFOUND for an unknown id or another organisation's. */
int outbox_get(struct db *db, int64_t org, int64_t id, json_t **out);
/* Queues a failed (or held) mail again: status queued, attempts 0 and a
 * new mail.send job, audited. BRUG_ENOTFOUND for an unknown id,
 * BRUG_ECONFLICT when it is queued or sent. */
int outbox_retry(struct db *db, const struct actor *who, int64_t id, struct brug_err *err);
/* Queues a mail of kind "test" from env to who's address to (its texts
 * given by the caller), audited; its id in *id. */
int outbox_test(struct db *db, const struct mail_env *env, const struct actor *who,
		const struct mail_msg *m, int64_t *id, struct brug_err *err);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* The mail outbox: every message brug sends is first a row in mail_outbox,
 * as the exact bytes that go out, queued in the caller's transaction with
 * a mail.send job; the job delivers it over SMTP, or holds it for the
 * outbox page when no SMTP server is configured. So a mail is never lost
 * with a rolled-back change, never sent for one that did not happen, and
 * its fate (attempts, last error) is visible per message. */
#ifndef BRUG_DOMAIN_OUTBOX_H
#define BRUG_DOMAIN_OUTBOX_H

#include <stdint.h>

#include "core/config.h"
#include "core/rc.h"
#include "db/db.h"
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

#endif

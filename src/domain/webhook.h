/* SPDX-License-Identifier: Apache-2.0 */
/* Webhooks: an organisation's subscriptions to events (answer.received,
 * answer.detractor), each delivered as a signed POST in the Standard
 * Webhooks format through the job queue (webhook.deliver), with a
 * delivery log. */
#ifndef BRUG_DOMAIN_WEBHOOK_H
#define BRUG_DOMAIN_WEBHOOK_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/principal.h"
#include "domain/webhook_sign.h"

#define WEBHOOK_URL_MAX 2000
#define WEBHOOKS_MAX 20 /* subscriptions per organisation */

/* Inside the caller's transaction: for every active webhook of org
 * subscribed to event, records a delivery of {"type": event, "timestamp":
 * ISO 8601, "data": data} and queues its webhook.deliver job. data stays
 * the caller's. 0 when nobody is subscribed. */
int webhook_emit(struct db *db, int64_t org, const char *event, const json_t *data);

/* *any: whether org has an active webhook at all, so a caller can skip
 * building an event's data nobody would receive. */
int webhook_active(struct db *db, int64_t org, bool *any);

/* The events there are: "answer.received", "answer.detractor"; NULL-ended. */
extern const char *const webhook_events[];

/* Subscribes url (http or https, at most WEBHOOK_URL_MAX bytes) to events
 * (a non-empty JSON list of names from webhook_events) for who's
 * organisation; the new secret in secret (shown to the administrator, who
 * gives it to the receiver). BRUG_EVALIDATION on "url" or "events";
 * BRUG_ECONFLICT on "url" past WEBHOOKS_MAX. */
int webhook_create(struct db *db, const struct actor *who, const char *url, const json_t *events,
		   int64_t *id, char secret[WEBHOOK_SECRET_MAX], struct brug_err *err);
/* Changes url, events (NULL: unchanged) and active (-1: unchanged). */
int webhook_update(struct db *db, const struct actor *who, int64_t id, const char *url,
		   const json_t *events, int active, struct brug_err *err);
int webhook_delete(struct db *db, const struct actor *who, int64_t id, struct brug_err *err);
/* The organisation's webhooks, oldest first, each with its events (a
 * list), active (a boolean) and counts of deliveries by status. */
int webhook_list(struct db *db, int64_t org, json_t **out);
/* One webhook with its secret and its latest 50 deliveries (newest first:
 * event, status, attempts, response_status, last_error, times). */
int webhook_get(struct db *db, int64_t org, int64_t id, json_t **out);

/* The webhook.deliver job's work: POSTs delivery's payload, signed, to its
 * webhook (10 s timeout). A 2xx marks it delivered. Otherwise the attempt,
 * the status and the error are recorded and BRUG_EIO returned (the queue
 * retries), or, when last, it is marked failed. A delivery whose webhook
 * is gone or inactive is marked failed without a request. error (n
 * bytes) says what went wrong. */
int webhook_deliver(struct db *db, int64_t delivery, bool last, char *error, size_t n);

#endif

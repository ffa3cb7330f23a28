/* SPDX-License-Identifier: Apache-2.0 */
/* Webhooks: an organisation's subscriptions to events (answer.received,
 * answer.detractor), each delivered as a signed POST in the Standard
 * Webhooks format through the job queue (webhook.deliver), with a
 * delivery log. */
#ifndef BRUG_DOMAIN_WEBHOOK_H
#define BRUG_DOMAIN_WEBHOOK_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"

/* Inside the caller's transaction: for every active webhook of org
 * subscribed to event, records a delivery of {"type": event, "timestamp":
 * ISO 8601, "data": data} and queues its webhook.deliver job. data stays
 * the caller's. 0 when nobody is subscribed. */
int webhook_emit(struct db *db, int64_t org, const char *event, const json_t *data);

#endif

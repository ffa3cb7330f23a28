/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP server: listens, reads requests under limits (header size,
 * body size per route, connections, idle time), hands each to app_handle
 * and sends what it returns. Stopping is graceful: stop accepting, let
 * in-flight requests finish (up to a timeout), then close. */
#ifndef BRUG_HTTP_SERVER_H
#define BRUG_HTTP_SERVER_H

#include "core/rc.h"
#include "http/app.h"

struct server;

/* Starts serving app on the configured listen address; port 0 picks a
 * free one (see server_port). The app must outlive the server. */
int server_start(struct app *app, struct server **out, struct brug_err *err);
/* The port actually bound. */
int server_port(const struct server *s);
/* Requests being handled right now. */
int server_active(const struct server *s);
/* Stops accepting, waits up to timeout_s for in-flight requests, closes
 * every connection and frees the server. NULL is fine. */
void server_stop(struct server *s, int timeout_s);

#endif

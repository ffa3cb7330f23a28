/* SPDX-License-Identifier: Apache-2.0 */
/* Connection deadlines against slow clients. libmicrohttpd's timeout resets
 * on every byte received, so a client sending a byte a second holds a
 * connection forever (slowloris). Here a request's headers must arrive
 * within a deadline, and its body at a minimum average rate; a watchdog
 * thread shuts down the socket of a connection that misses either
 * (shutdown(2), not close(2): libmicrohttpd still owns the descriptor and
 * closes it as usual). Thread-safe: the server's threads update their
 * connections while the watchdog reads them. */
#ifndef BRUG_HTTP_DEADLINE_H
#define BRUG_HTTP_DEADLINE_H

#include <stddef.h>
#include <stdint.h>

struct deadlines;
struct deadline_watch;

/* Starts the watchdog: headers within header_ms of a connection's start
 * (or of its previous response); bodies at min_rate bytes per second on
 * average once header_ms has passed. */
struct deadlines *deadlines_start(int64_t header_ms, size_t min_rate);
/* Stops the watchdog and frees what is left. NULL is fine. */
void deadlines_stop(struct deadlines *d);

/* A new connection on socket fd, waiting for its first request. */
struct deadline_watch *deadline_track(struct deadlines *d, int fd);
/* The connection is closing: forget it (before the descriptor is closed). */
void deadline_untrack(struct deadlines *d, struct deadline_watch *w);
/* The request's headers are in; its body (if any) comes now. */
void deadline_body(struct deadline_watch *w);
void deadline_body_bytes(struct deadline_watch *w, size_t n);
/* The whole request is in: no deadline while it is handled and answered. */
void deadline_busy(struct deadline_watch *w);
/* The response is done: the next request's headers are due. */
void deadline_next(struct deadline_watch *w);
/* Connections shut down for missing a deadline since start. */
uint64_t deadlines_closed(const struct deadlines *d);

#endif

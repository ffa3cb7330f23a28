/* SPDX-License-Identifier: Apache-2.0 */
/* The slow-client watchdog; see deadline.h. The list is scanned four times
 * a second; with thousands of connections that is microseconds of work. */
#include "http/deadline.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "util/clock.h"
#include "util/log.h"
#include "util/xmalloc.h"

enum phase { PHASE_HEADERS, PHASE_BODY, PHASE_BUSY, PHASE_SHUT };

struct deadline_watch {
	struct deadline_watch *prev, *next;
	int fd;
	atomic_int phase;
	_Atomic int64_t since; /* monotonic ms when the phase began */
	_Atomic uint64_t bytes;
	bool shut;
};

struct deadlines {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool stop;
	struct deadline_watch head; /* sentinel of a circular list */
	int64_t header_ms;
	size_t min_rate;
	_Atomic uint64_t closed;
};

static int64_t now_ms(void)
{
	return clock_mono_ns() / 1000000;
}

static bool overdue(const struct deadlines *d, struct deadline_watch *w, int phase, int64_t now)
{
	int64_t age = now - atomic_load(&w->since);
	switch (phase) {
	case PHASE_HEADERS:
		return age > d->header_ms;
	case PHASE_BODY:
		return age > d->header_ms &&
		       atomic_load(&w->bytes) * 1000 < (uint64_t)age * d->min_rate;
	default:
		return false;
	}
}

static void *watch(void *arg)
{
	struct deadlines *d = arg;
	pthread_mutex_lock(&d->lock);
	while (!d->stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 250000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&d->wake, &d->lock, &until);
		int64_t now = now_ms();
		for (struct deadline_watch *w = d->head.next; w != &d->head; w = w->next) {
			/* judge one phase, then claim the connection only if it is
			 * still in it: a request that has just moved on (its handler
			 * running) must not lose its answer */
			int seen = atomic_load(&w->phase);
			if (w->shut || !overdue(d, w, seen, now) ||
			    !atomic_compare_exchange_strong(&w->phase, &seen, PHASE_SHUT))
				continue;
			/* still listed, so libmicrohttpd has not closed the fd */
			shutdown(w->fd, SHUT_RDWR);
			w->shut = true;
			atomic_fetch_add(&d->closed, 1);
			log_debug("msg=\"slow client disconnected\" phase=%d", atomic_load(&w->phase));
		}
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

struct deadlines *deadlines_start(int64_t header_ms, size_t min_rate)
{
	struct deadlines *d = xcalloc(1, sizeof(*d));
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->wake, NULL);
	d->head.next = d->head.prev = &d->head;
	d->header_ms = header_ms;
	d->min_rate = min_rate;
	if (pthread_create(&d->thread, NULL, watch, d) != 0)
		abort();
	return d;
}

void deadlines_stop(struct deadlines *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	d->stop = true;
	pthread_cond_signal(&d->wake);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->thread, NULL);
	while (d->head.next != &d->head) {
		struct deadline_watch *w = d->head.next;
		d->head.next = w->next;
		free(w);
	}
	pthread_cond_destroy(&d->wake);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

struct deadline_watch *deadline_track(struct deadlines *d, int fd)
{
	struct deadline_watch *w = xcalloc(1, sizeof(*w));
	w->fd = fd;
	atomic_init(&w->phase, PHASE_HEADERS);
	atomic_init(&w->since, now_ms());
	atomic_init(&w->bytes, 0);
	pthread_mutex_lock(&d->lock);
	w->next = d->head.next;
	w->prev = &d->head;
	d->head.next->prev = w;
	d->head.next = w;
	pthread_mutex_unlock(&d->lock);
	return w;
}

void deadline_untrack(struct deadlines *d, struct deadline_watch *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&d->lock);
	w->prev->next = w->next;
	w->next->prev = w->prev;
	pthread_mutex_unlock(&d->lock);
	free(w);
}

static void enter(struct deadline_watch *w, enum phase p)
{
	if (!w)
		return;
	atomic_store(&w->since, now_ms());
	atomic_store(&w->bytes, 0);
	/* a connection the watchdog has shut down stays so */
	int seen = atomic_load(&w->phase);
	while (seen != PHASE_SHUT && !atomic_compare_exchange_weak(&w->phase, &seen, (int)p))
		;
}

void deadline_body(struct deadline_watch *w)
{
	enter(w, PHASE_BODY);
}

void deadline_body_bytes(struct deadline_watch *w, size_t n)
{
	if (w)
		atomic_fetch_add(&w->bytes, n);
}

void deadline_busy(struct deadline_watch *w)
{
	enter(w, PHASE_BUSY);
}

void deadline_next(struct deadline_watch *w)
{
	enter(w, PHASE_HEADERS);
}

uint64_t deadlines_closed(const struct deadlines *d)
{
	return atomic_load(&((struct deadlines *)d)->closed);
}

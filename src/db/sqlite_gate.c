/* SPDX-License-Identifier: Apache-2.0 */
/* The writers' queue per SQLite file (see sqlite_gate.h): a small table
 * of gates, one per file (device and inode), each a mutex and the thread
 * that holds it. A handful of files per process at most, so a list. */
#include "db/sqlite_gate.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "util/xmalloc.h"

struct sqlite_gate {
	dev_t dev;
	ino_t ino;
	int refs;                /* under gates_lock */
	pthread_mutex_t mutex;   /* held by the writing thread */
	_Atomic(const int *) owner; /* &this_thread of the holder, or NULL */
	struct sqlite_gate *next;
};

static pthread_mutex_t gates_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sqlite_gate *gates;
/* its address names the thread */
static _Thread_local int this_thread;

struct sqlite_gate *sqlite_gate_get(const char *path)
{
	struct stat st;
	if (!path || !*path || stat(path, &st) != 0)
		return NULL;
	pthread_mutex_lock(&gates_lock);
	struct sqlite_gate *g = gates;
	while (g && !(g->dev == st.st_dev && g->ino == st.st_ino))
		g = g->next;
	if (!g) {
		g = xcalloc(1, sizeof(*g));
		g->dev = st.st_dev;
		g->ino = st.st_ino;
		pthread_mutex_init(&g->mutex, NULL);
		g->next = gates;
		gates = g;
	}
	g->refs++;
	pthread_mutex_unlock(&gates_lock);
	return g;
}

void sqlite_gate_put(struct sqlite_gate *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&gates_lock);
	if (--g->refs == 0) {
		struct sqlite_gate **p = &gates;
		while (*p != g)
			p = &(*p)->next;
		*p = g->next;
		pthread_mutex_destroy(&g->mutex);
		free(g);
	}
	pthread_mutex_unlock(&gates_lock);
}

int sqlite_gate_enter(struct sqlite_gate *g, int timeout_ms)
{
	/* only this thread ever stores its own address, so the comparison
	 * cannot be raced into a wrong "yes" */
	if (!g || atomic_load_explicit(&g->owner, memory_order_relaxed) == &this_thread)
		return 0;
	if (pthread_mutex_trylock(&g->mutex) != 0) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += timeout_ms / 1000;
		until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		if (pthread_mutex_timedlock(&g->mutex, &until) != 0)
			return -1;
	}
	atomic_store_explicit(&g->owner, &this_thread, memory_order_relaxed);
	return 1;
}

void sqlite_gate_leave(struct sqlite_gate *g)
{
	atomic_store_explicit(&g->owner, NULL, memory_order_relaxed);
	pthread_mutex_unlock(&g->mutex);
}

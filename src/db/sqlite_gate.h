/* SPDX-License-Identifier: Apache-2.0 */
/* The in-process queue of a SQLite file's writers. SQLite lets one writer
 * in at a time; a connection that finds the file locked waits in its busy
 * handler, which sleeps in steps of milliseconds: far longer than a
 * write transaction of brug's takes, so two server threads writing at
 * once lose most of their time asleep. The connections of one process to
 * one file therefore queue on a mutex before they write (handed over the
 * moment the writer ends), and only other processes meet the busy
 * handler. */
#ifndef BRUG_DB_SQLITE_GATE_H
#define BRUG_DB_SQLITE_GATE_H

struct sqlite_gate;

/* The gate of the database file at path (an existing file; the same file
 * by any path gives the same gate), or NULL for a database without a file
 * (":memory:", ""). Each call must be paired with sqlite_gate_put.
 * Thread-safe. */
struct sqlite_gate *sqlite_gate_get(const char *path);

/* Gives back what sqlite_gate_get gave (NULL: nothing). Thread-safe. */
void sqlite_gate_put(struct sqlite_gate *g);

/* Waits at most timeout_ms until no other thread of this process writes
 * through g. 1: the caller now holds g and must sqlite_gate_leave it. 0:
 * nothing to hold (g NULL, or the calling thread holds g already through
 * another connection: waiting would wait for itself). -1: the wait timed
 * out (another writer holds it that long, e.g. itself waiting for another
 * process), as SQLite's busy timeout would. */
int sqlite_gate_enter(struct sqlite_gate *g, int timeout_ms);

/* Lets the next writer in. Only by the thread that entered. */
void sqlite_gate_leave(struct sqlite_gate *g);

#endif

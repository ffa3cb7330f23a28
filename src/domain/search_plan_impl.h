/* SPDX-License-Identifier: Apache-2.0 */
/* The inside of a search plan, shared by search_plan.c (reading the
 * vocabulary, choosing how to read each group, the walk in batches) and
 * search_exec.c (the statements that read the index for it). Nothing else
 * includes this. Not thread-safe: a plan belongs to one thread. */
#ifndef BRUG_DOMAIN_SEARCH_PLAN_IMPL_H
#define BRUG_DOMAIN_SEARCH_PLAN_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/search_plan.h"
#include "util/buf.h"

#define IN_MAX 256        /* the longest padded IN list */
#define EST_MAX INT64_MAX /* the estimate of a wide group: not known */

/* The limits in force (search_limits_set). */
extern struct search_limits search_lim;

/* A growing list of ids. */
struct ids {
	int64_t *v;
	size_t n, cap;
};

void search_ids_push(struct ids *a, int64_t x);
/* Sorts highest first and drops repeats. */
void search_ids_sort(struct ids *a);
/* Keeps the ids of a (highest first) that b (search_ids_sort) holds. */
void search_ids_keep(struct ids *a, const struct ids *b);

/* A statement of UNION ALL members, built up to DB_ARGS_MAX arguments. */
struct multi {
	struct buf sql;
	struct db_arg args[DB_ARGS_MAX];
	size_t m;       /* arguments so far */
	size_t members; /* members so far */
};

void search_multi_init(struct multi *s);
void search_multi_cleanup(struct multi *s);
/* True when a member of need more arguments fits. */
bool search_multi_room(const struct multi *s, size_t need);
/* Starts a member: appends " UNION ALL " after the first. */
void search_multi_member(struct multi *s);
/* Runs the statement (when it has a member), calls row for each row, and
 * empties s for the next one. */
int search_multi_run(struct db *db, struct multi *s, void (*row)(void *ctx, struct db_rows *r),
		     void *ctx);
/* The length an IN list of n (1..IN_MAX) values is padded to by repeating
 * its last value (1, 4, 16, 64 or 256), and the list's text. */
size_t search_in_len(size_t n);
void search_add_in(struct buf *sql, size_t len);

enum drive {
	DRIVE_NONE,  /* nothing can match */
	DRIVE_LIST,  /* the driving group's ids, read whole, in memory */
	DRIVE_MERGE, /* its terms' posting lists, read down by id and merged */
	DRIVE_SCAN,  /* every object, down by id, kept when it has a term in range */
};

/* One term's posting list, read down by id a batch at a time. */
struct cursor {
	const char *term;
	struct ids buf;
	size_t pos;
	int64_t below; /* the next batch: ids below this */
	bool done;     /* nothing left below */
};

struct group {
	const struct textfold_group *g;
	char **terms;  /* the terms in the index it stands for (owned) */
	int64_t *df;   /* the df of each */
	size_t nterms;
	int64_t est;   /* index entries: the sum of their df; EST_MAX when wide */
	int64_t least; /* when wide: the sum of the df of the terms read */
	bool wide;     /* a prefix with more than range_terms terms */
	bool by_range; /* checked by reading its entries in the batch's id range */
};

struct search_plan {
	struct db *db;
	int64_t org;
	const char *kind;
	int64_t span; /* the kind's ids run over about this many (max - min + 1) */
	struct group *grp;
	size_t ngrp;
	size_t *check; /* the other groups, in the order they are checked */
	size_t ncheck;
	enum drive drive;
	size_t driver;
	int64_t driver_est;
	struct ids list; /* DRIVE_LIST */
	size_t list_pos;
	struct cursor *cur; /* DRIVE_MERGE */
	size_t ncur;
	int64_t below;       /* DRIVE_SCAN: the next batch, ids below this */
	size_t seen, passed; /* candidates so far, and how many matched */
	bool exhausted;
	struct ids ready; /* matched, not yet handed out */
	size_t ready_pos;
};

/* Reads group g whole (its terms, or a wide group's range when it has at
 * most small_list entries: *fits) into p->list. */
int search_exec_list(struct search_plan *p, const struct group *g, bool *fits);
/* The next at most want candidates of the driver into out (empty),
 * highest first; sets p->exhausted when there are no more. */
int search_exec_drive(struct search_plan *p, size_t want, struct ids *out);
/* Keeps the candidates (highest first) that every other group matches. */
int search_exec_check(struct search_plan *p, struct ids *cand);

#endif

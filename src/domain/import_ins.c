/* SPDX-License-Identifier: Apache-2.0 */
/* Multi-row INSERTs for the import: rows gathered until the next would
 * pass DB_ARGS_MAX arguments, then written in one statement (ids handed
 * back in row order for a RETURNING insert); and the search index of what
 * an import created (domain/search_index.c). */
#include <stdlib.h>
#include <string.h>

#include "domain/import_impl.h"
#include "db/jobs.h"
#include "domain/search.h"
#include "util/buf.h"
#include "util/xmalloc.h"

void import_ins_init(struct import_ins *s, struct db *db, const char *head, const char *tail,
		     size_t ncol)
{
	memset(s, 0, sizeof(*s));
	s->db = db;
	s->head = head;
	s->tail = tail;
	s->ncol = ncol;
	arena_init(&s->copies);
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The ids of a RETURNING insert are sorted: both backends number the rows
 * of one INSERT ... VALUES in their order (an identity column draws from
 * its sequence row by row; SQLite's rowid only grows inside a write
 * transaction), while neither promises the order RETURNING hands them
 * back in. */
int import_ins_flush(struct import_ins *s)
{
	if (s->rc || !s->rows)
		return s->rc;
	struct buf sql;
	buf_init(&sql, 0);
	buf_adds(&sql, s->head);
	for (size_t i = 0; i < s->rows; i++) {
		buf_adds(&sql, i ? ", (" : " (");
		for (size_t c = 0; c < s->ncol; c++)
			buf_adds(&sql, c ? ", ?" : "?");
		buf_addc(&sql, ')');
	}
	buf_adds(&sql, s->tail);
	if (!*s->tail) {
		s->rc = db_exec(s->db, buf_str(&sql), s->args, s->rows * s->ncol);
	} else {
		struct db_rows *r = NULL;
		size_t first = s->nids;
		s->ids = xrealloc(s->ids, (s->nids + s->rows) * sizeof(int64_t));
		s->rc = db_query(s->db, &r, buf_str(&sql), s->args, s->rows * s->ncol);
		int more = 0;
		while (!s->rc && s->nids < first + s->rows && (more = db_next(r)) == 1)
			s->ids[s->nids++] = db_int(r, 0);
		if (!s->rc && more < 0)
			s->rc = more;
		db_rows_free(r);
		if (!s->rc && s->nids != first + s->rows)
			s->rc = BRUG_EDB;
		if (!s->rc)
			qsort(s->ids + first, s->rows, sizeof(int64_t), cmp_id);
	}
	buf_cleanup(&sql);
	s->rows = 0;
	arena_cleanup(&s->copies);
	arena_init(&s->copies);
	return s->rc;
}

int import_ins_row(struct import_ins *s, const struct db_arg *row)
{
	if (s->rc)
		return s->rc;
	memcpy(&s->args[s->rows * s->ncol], row, s->ncol * sizeof(*row));
	s->rows++;
	/* flushed as soon as the next row would not fit, so the text a caller
	 * copies with import_ins_text for its next row outlives that row */
	if ((s->rows + 1) * s->ncol > DB_ARGS_MAX)
		return import_ins_flush(s);
	return 0;
}

const char *import_ins_text(struct import_ins *s, const char *t)
{
	return arena_strdup(&s->copies, t);
}

int import_ins_done(struct import_ins *s)
{
	int rc = import_ins_flush(s);
	arena_cleanup(&s->copies);
	free(s->ids);
	s->ids = NULL;
	return rc;
}

void import_span_add(struct import_span *s, int64_t id)
{
	if (!s->n || id < s->first)
		s->first = id;
	if (!s->n || id > s->last)
		s->last = id;
	s->n++;
}

int import_span_index(struct db *db, int64_t org, const struct import_span *s, bool *pending)
{
	*pending = false;
	if (!s->n)
		return 0;
	int rc = 0;
	if (s->n <= SEARCH_INLINE_MAX) {
		for (int64_t at = s->first; !rc && at <= s->last; at += SEARCH_BACKLOG_SPAN) {
			int64_t end = s->last - at >= SEARCH_BACKLOG_SPAN ? at + SEARCH_BACKLOG_SPAN - 1
									  : s->last;
			rc = search_index_range(db, org, s->kind, at, end, NULL);
		}
		return rc;
	}
	rc = search_backlog_add(db, org, s->kind, s->first, s->last);
	if (!rc)
		rc = jobs_enqueue(db, &(struct job_new){.org_id = org, .kind = "search.backlog"}, NULL);
	*pending = !rc;
	return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* A survey's answers as rows (see survey_export.h): the questions give the
 * columns, then invitations with answers batch by batch with their
 * answers, each row handed to a writer: CSV into a sink, or a worksheet. */
#include "domain/survey_export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "util/csv.h"
#include "util/jx.h"
#include "util/xmalloc.h"

#define FIXED 10

static const char *const head_en[FIXED] = {"invitation", "relation_id", "relation", "lang",
					   "sent_at", "answered_at", "completed_at", "handler",
					   "role", "channel"};
static const char *const head_nl[FIXED] = {"uitnodiging", "relatie_id", "relatie", "taal",
					   "verstuurd", "beantwoord", "afgerond", "behandelaar",
					   "rol", "kanaal"};

/* One row's fields, owned by the row: n = FIXED + questions + 2. */
struct row {
	char **f;
	bool *num; /* write as a number */
	size_t n;
};

/* Receives the header (first) and each row. */
typedef int (*row_fn)(void *ctx, const struct row *r);

struct cols {
	int64_t *qid;
	char **key;
	size_t n;
};

static void cols_free(struct cols *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->key[i]);
	free(c->key);
	free(c->qid);
}

static int cols_load(struct db *db, int64_t org, int64_t survey, struct cols *c)
{
	memset(c, 0, sizeof(*c));
	int64_t found = 0;
	int rc = db_int_query(db, &found, "SELECT COUNT(*) FROM surveys WHERE org_id = ? AND id = ?",
			      DB_ARGS(DB_I(org), DB_I(survey)));
	if (!rc && !found)
		return BRUG_ENOTFOUND;
	struct db_rows *r = NULL;
	if (rc || (rc = db_query(db, &r,
				 "SELECT id, key FROM survey_questions WHERE org_id = ? AND survey_id = ?"
				 " ORDER BY CASE WHEN retired_at IS NULL THEN 0 ELSE 1 END, position, id",
				 DB_ARGS(DB_I(org), DB_I(survey)))))
		return rc;
	size_t cap = 0;
	while ((rc = db_next(r)) == 1) {
		if (c->n == cap) {
			cap = cap ? 2 * cap : 16;
			c->qid = xrealloc(c->qid, cap * sizeof(*c->qid));
			c->key = xrealloc(c->key, cap * sizeof(*c->key));
		}
		c->qid[c->n] = db_int(r, 0);
		c->key[c->n++] = xstrdup(db_text(r, 1));
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

static void row_init(struct row *r, size_t n)
{
	r->n = n;
	r->f = xcalloc(n, sizeof(*r->f));
	r->num = xcalloc(n, sizeof(*r->num));
}

static void row_clear(struct row *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->f[i]);
		r->f[i] = NULL;
		r->num[i] = false;
	}
}

static void row_free(struct row *r)
{
	row_clear(r);
	free(r->f);
	free(r->num);
}

static void set_int(struct row *r, size_t i, int64_t v)
{
	char s[24];
	snprintf(s, sizeof(s), "%lld", (long long)v);
	r->f[i] = xstrdup(s);
	r->num[i] = true;
}

static void set_time(struct row *r, size_t i, struct db_rows *q, int col)
{
	if (db_null(q, col))
		return;
	json_t *o = json_object();
	jx_set_time(o, "t", db_int(q, col));
	r->f[i] = xstrdup(jx_str(o, "t"));
	json_decref(o);
}

/* "a; b" from a JSON list of strings. */
static char *joined(const char *json)
{
	json_t *l = *json ? json_loads(json, 0, NULL) : NULL, *e;
	struct buf b;
	buf_init(&b, 1 << 20);
	size_t i;
	json_array_foreach(l, i, e)
		buf_printf(&b, "%s%s", i ? "; " : "", json_string_value(e) ? json_string_value(e) : "");
	json_decref(l);
	char *s = xstrdup(buf_str(&b));
	buf_cleanup(&b);
	return s;
}

static void add_answer(struct row *r, const struct cols *c, struct db_rows *a, struct buf *themes)
{
	size_t col = 0;
	while (col < c->n && c->qid[col] != db_int(a, 1))
		col++;
	if (col == c->n)
		return;
	size_t i = FIXED + col;
	if (!db_null(a, 2)) {
		set_int(r, i, db_int(a, 2));
	} else if (!*db_text(a, 4)) {
		r->f[i] = joined(db_text(a, 3));
	} else {
		r->f[i] = xstrdup(db_text(a, 4));
		char *t = joined(db_text(a, 5));
		if (*t)
			buf_printf(themes, "%s%s", themes->len ? "; " : "", t);
		free(t);
		size_t s = r->n - 1;
		if (!r->f[s] && !db_null(a, 6))
			set_int(r, s, db_int(a, 6));
	}
}

/* One batch after id *after: rows to fn; *after moves on; *more says
 * whether a full batch came. */
static int batch(struct db *db, int64_t org, int64_t survey, const struct cols *c, int64_t *after,
		 bool *more, row_fn fn, void *ctx, size_t *count)
{
	struct db_rows *q = NULL, *a = NULL;
	struct row r;
	row_init(&r, FIXED + c->n + 2);
	struct buf themes;
	buf_init(&themes, 1 << 20);
	int rc = db_query(
		db, &q,
		"SELECT i.id, i.relation_id, r.name, i.lang, i.sent_at, i.answered_at, i.completed_at,"
		" u.name, ro.name, i.channel FROM survey_invitations i"
		" LEFT JOIN relations r ON r.org_id = i.org_id AND r.id = i.relation_id"
		" LEFT JOIN users u ON u.org_id = i.org_id AND u.id = i.handler_id"
		" LEFT JOIN interaction_roles ro ON ro.org_id = i.org_id AND ro.id = i.role_id"
		" WHERE i.org_id = ? AND i.survey_id = ? AND i.id > ? AND EXISTS (SELECT 1 FROM"
		" survey_answers x WHERE x.org_id = i.org_id AND x.invitation_id = i.id)"
		" ORDER BY i.id LIMIT ?",
		DB_ARGS(DB_I(org), DB_I(survey), DB_I(*after), DB_I(SURVEY_EXPORT_BATCH)));
	size_t n = 0;
	while (!rc && (rc = db_next(q)) == 1) {
		row_clear(&r);
		buf_reset(&themes);
		int64_t id = db_int(q, 0);
		set_int(&r, 0, id);
		if (!db_null(q, 1))
			set_int(&r, 1, db_int(q, 1));
		static const int texts[] = {2, 3, 7, 8, 9};
		for (size_t i = 0; i < 5; i++)
			r.f[texts[i]] = xstrdup(db_text(q, texts[i]) ? db_text(q, texts[i]) : "");
		for (int i = 4; i <= 6; i++)
			set_time(&r, (size_t)i, q, i);
		rc = db_query(db, &a,
			      "SELECT invitation_id, question_id, score, choices, text, themes,"
			      " sentiment FROM survey_answers WHERE org_id = ? AND invitation_id = ?"
			      " ORDER BY question_id",
			      DB_ARGS(DB_I(org), DB_I(id)));
		if (!rc) {
			while ((rc = db_next(a)) == 1)
				add_answer(&r, c, a, &themes);
			db_rows_free(a);
		}
		if (rc < 0)
			break;
		r.f[r.n - 2] = xstrdup(buf_str(&themes));
		rc = fn(ctx, &r);
		*after = id;
		n++;
	}
	db_rows_free(q);
	row_free(&r);
	buf_cleanup(&themes);
	*more = n == SURVEY_EXPORT_BATCH;
	*count += n;
	return rc < 0 ? rc : 0;
}

static int run(struct db *db, int64_t org, int64_t survey, bool english, row_fn fn, void *ctx,
	       size_t *count)
{
	struct cols c;
	int rc = cols_load(db, org, survey, &c);
	if (rc)
		return rc;
	struct row h;
	row_init(&h, FIXED + c.n + 2);
	for (size_t i = 0; i < FIXED; i++)
		h.f[i] = xstrdup(english ? head_en[i] : head_nl[i]);
	for (size_t i = 0; i < c.n; i++)
		h.f[FIXED + i] = xstrdup(c.key[i]);
	h.f[h.n - 2] = xstrdup(english ? "themes" : "themas");
	h.f[h.n - 1] = xstrdup("sentiment");
	rc = fn(ctx, &h);
	row_free(&h);
	int64_t after = 0;
	bool more = true;
	*count = 0;
	while (!rc && more)
		rc = batch(db, org, survey, &c, &after, &more, fn, ctx, count);
	cols_free(&c);
	return rc;
}

struct csv_ctx {
	survey_export_sink sink;
	void *ctx;
	struct buf line;
};

/* CSVX_PROTECT's apostrophe for text that a spreadsheet would run as a
 * formula, but not for numbers: a sentiment of -79 stays a number. */
static int csv_row(void *ctx, const struct row *r)
{
	struct csv_ctx *c = ctx;
	char **f = xcalloc(r->n, sizeof(*f));
	for (size_t i = 0; i < r->n; i++) {
		const char *s = r->f[i] ? r->f[i] : "";
		bool risky = !r->num[i] && strchr("=+-@\t\r", s[0]) && s[0];
		size_t len = strlen(s);
		f[i] = xmalloc(len + 2);
		snprintf(f[i], len + 2, "%s%s", risky ? "'" : "", s);
	}
	buf_reset(&c->line);
	int rc = csvx_write_row(&c->line, (const char *const *)f, r->n, ',', 0);
	for (size_t i = 0; i < r->n; i++)
		free(f[i]);
	free(f);
	return rc ? rc : c->sink(c->ctx, buf_str(&c->line), c->line.len);
}

int survey_export_csv(struct db *db, int64_t org, int64_t survey, bool english,
		      survey_export_sink sink, void *ctx, size_t *rows)
{
	struct csv_ctx c = {.sink = sink, .ctx = ctx};
	buf_init(&c.line, (size_t)64 << 20);
	int rc = run(db, org, survey, english, csv_row, &c, rows);
	buf_cleanup(&c.line);
	return rc;
}

struct xlsx_ctx {
	lxw_worksheet *ws;
	lxw_row_t row;
};

static int xlsx_row(void *ctx, const struct row *r)
{
	struct xlsx_ctx *x = ctx;
	for (size_t i = 0; i < r->n && i < 16000; i++) {
		if (!r->f[i] || !*r->f[i])
			continue;
		lxw_error e = r->num[i] ? worksheet_write_number(x->ws, x->row, (lxw_col_t)i,
								  strtod(r->f[i], NULL), NULL)
					: worksheet_write_string(x->ws, x->row, (lxw_col_t)i, r->f[i],
								 NULL);
		if (e != LXW_NO_ERROR && e != LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED)
			return BRUG_EIO;
	}
	x->row++;
	return x->row >= LXW_ROW_MAX ? BRUG_ETOOBIG : 0;
}

int survey_export_xlsx(struct db *db, int64_t org, int64_t survey, bool english,
		       const char *path, size_t *rows)
{
	lxw_workbook *wb = workbook_new(path);
	if (!wb)
		return BRUG_EIO;
	struct xlsx_ctx x = {.ws = workbook_add_worksheet(wb, english ? "Answers" : "Antwoorden")};
	int rc = x.ws ? run(db, org, survey, english, xlsx_row, &x, rows) : BRUG_EIO;
	if (workbook_close(wb) != LXW_NO_ERROR && !rc)
		rc = BRUG_EIO;
	return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The organisation dashboard (see survey_results.h): the NPS question of
 * every survey added up per period, per survey and per team, and the
 * response counters of every survey; and the names of breakdown groups.
 * Reads survey_agg one index range per survey and breakdown. */
#include "domain/survey_results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/survey_results_impl.h"
#include "util/jx.h"
#include "util/xmalloc.h"

int rs_group_names(struct db *db, int64_t org, const char *dim, json_t **out)
{
	static const struct {
		const char *dim, *sql;
	} src[] = {
		{"tag", "SELECT id, name FROM tags WHERE org_id = ?"},
		{"team", "SELECT id, name FROM teams WHERE org_id = ?"},
		{"user", "SELECT id, name FROM users WHERE org_id = ?"},
		{"role", "SELECT id, name FROM interaction_roles WHERE org_id = ?"},
		{"survey", "SELECT id, name FROM surveys WHERE org_id = ?"},
	};
	json_t *o = json_object();
	int rc = 0;
	for (size_t i = 0; i < sizeof(src) / sizeof(src[0]); i++) {
		if (strcmp(dim, src[i].dim))
			continue;
		struct db_rows *r = NULL;
		if ((rc = db_query(db, &r, src[i].sql, DB_ARGS(DB_I(org)))))
			break;
		char k[24];
		while ((rc = db_next(r)) == 1) {
			snprintf(k, sizeof(k), "%lld", (long long)db_int(r, 0));
			jx_set_str(o, k, db_text(r, 1));
		}
		db_rows_free(r);
		rc = rc < 0 ? rc : 0;
	}
	if (rc) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

struct org_scan {
	struct rs_series all;
	struct rs_groups groups;
	bool by_survey; /* dim "survey": each survey is a group */
	char key[24];   /* the survey being read */
};

static void to_all(void *ctx, int64_t period, const char *dv, int64_t score, int64_t n)
{
	struct org_scan *s = ctx;
	(void)dv;
	rs_series_add(&s->all, period, score, n);
	if (s->by_survey)
		rs_groups_add(&s->groups, s->key, score, n);
}

static void to_groups(void *ctx, int64_t period, const char *dv, int64_t score, int64_t n)
{
	(void)period;
	rs_groups_add(&((struct org_scan *)ctx)->groups, dv, score, n);
}

/* Every survey of org with its NPS question (0: none), oldest first. */
static int surveys_of(struct db *db, int64_t org, int64_t **ids, int64_t **nps, size_t *n)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT s.id, (SELECT MIN(q.id) FROM survey_questions q WHERE q.org_id ="
			  " s.org_id AND q.survey_id = s.id AND q.type = 'nps')"
			  " FROM surveys s WHERE s.org_id = ? ORDER BY s.id",
			  DB_ARGS(DB_I(org)));
	if (rc)
		return rc;
	size_t cap = 0;
	*n = 0;
	*ids = *nps = NULL;
	while ((rc = db_next(r)) == 1) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			*ids = xrealloc(*ids, cap * sizeof(**ids));
			*nps = xrealloc(*nps, cap * sizeof(**nps));
		}
		(*ids)[*n] = db_int(r, 0);
		(*nps)[(*n)++] = db_null(r, 1) ? 0 : db_int(r, 1);
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

static int scan_all(struct db *db, int64_t org, const struct survey_results_query *q,
		    struct org_scan *s, struct rs_series *resp)
{
	int64_t *ids = NULL, *nps = NULL;
	size_t n = 0;
	int rc = surveys_of(db, org, &ids, &nps, &n);
	s->by_survey = !strcmp(q->dim, "survey");
	for (size_t i = 0; !rc && i < n; i++) {
		rc = rs_response_add(db, org, ids[i], q, resp);
		if (rc || !nps[i])
			continue;
		snprintf(s->key, sizeof(s->key), "%lld", (long long)ids[i]);
		rc = rs_scan(db, org, ids[i], nps[i], "", q, to_all, s);
		if (!rc && !s->by_survey)
			rc = rs_scan(db, org, ids[i], nps[i], q->dim, q, to_groups, s);
	}
	free(ids);
	free(nps);
	return rc;
}

int survey_results_org(struct db *db, int64_t org, const struct survey_results_query *q,
		       json_t **out)
{
	struct org_scan s = {0};
	struct rs_series resp = {0};
	json_t *names = NULL;
	int rc = db_read_begin(db);
	if (rc)
		return rc;
	rc = scan_all(db, org, q, &s, &resp);
	if (!rc)
		rc = rs_group_names(db, org, q->dim, &names);
	db_read_end(db);
	if (rc)
		goto out;
	struct rs_scale sc;
	rs_scale_of("nps", NULL, &sc);
	uint64_t c[RS_SCORES];
	rs_series_total(&s.all, c);
	struct rs_stat st;
	rs_stat_of(&sc, c, &st);
	json_t *d = json_object();
	json_object_set_new(d, "range", rs_range_json(q));
	json_object_set_new(d, "response", rs_response_json(&resp));
	json_object_set_new(d, "nps", rs_stat_json(&sc, &st, c, true));
	json_object_set_new(d, "trend", rs_trend_json(&sc, &s.all, q->grain));
	json_object_set_new(d, "breakdown", json_pack("{s:s,s:o}", "dim", q->dim, "groups",
						      rs_groups_json(&sc, &s.groups, names)));
	*out = d;
out:
	json_decref(names);
	rs_series_free(&s.all);
	rs_groups_free(&s.groups);
	rs_series_free(&resp);
	return rc;
}

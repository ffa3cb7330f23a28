/* SPDX-License-Identifier: Apache-2.0 */
/* Making invitations (see survey_invite.h): the selection of a wave, the
 * contact-pressure rules as one INSERT ... SELECT (so a wave of thousands
 * costs a statement and a job per person, not a query per rule per
 * person), and the transactional survey after an interaction. The state
 * changes of the mail jobs live in survey_invite_state.c. */
#include "domain/survey_invite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/jobs.h"
#include "domain/audit.h"
#include "domain/feedback_config.h"
#include "domain/relation.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/xmalloc.h"

#define DAY_MS (24 * 3600 * 1000LL)
#define IDS_MAX 400 /* explicit relation ids per wave (placeholders) */
#define TAGS_MAX 50

const char *const survey_skip_reasons[] = {"unsubscribed", "no_email",    "erased",
					   "recent_contact", "open_case", "closed", NULL};

static const char *const rel_types[] = {"customer", "prospect", "supplier", "partner", NULL};

/* The context an invitation copies in, and the rules it is made under. */
struct make {
	int64_t org, survey, interaction, handler, role, created_by;
	const char *channel;
	bool check_cases;
	int64_t now, since, expires;
};

/* The shared head of the insert: every rule, in order of precedence. The
 * relations it reads come from the caller's " FROM relations r WHERE ...". */
static void make_sql(struct buf *sql, struct db_arg *args, size_t *n, const struct make *m)
{
	buf_adds(sql,
		 "INSERT INTO survey_invitations (org_id, survey_id, relation_id, interaction_id,"
		 " status, skip_reason, lang, email, handler_id, role_id, channel, expires_at,"
		 " created_by, created_at, updated_at)"
		 " SELECT ?, ?, y.id, ?, CASE WHEN y.reason = '' THEN 'pending' ELSE 'skipped' END,"
		 " y.reason, y.lang, y.email, ?, ?, ?, ?, ?, ?, ?"
		 " FROM (SELECT x.id, x.lang, COALESCE(x.email, '') AS email,"
		 "  CASE WHEN x.erased_at IS NOT NULL THEN 'erased'"
		 "  WHEN EXISTS (SELECT 1 FROM survey_optouts o WHERE o.org_id = ?"
		 "   AND o.relation_id = x.id) THEN 'unsubscribed'"
		 "  WHEN x.email IS NULL THEN 'no_email'"
		 "  WHEN ? = 1 AND EXISTS (SELECT 1 FROM survey_cases c WHERE c.org_id = ?"
		 "   AND c.relation_id = x.id AND c.status IN ('open', 'contacted')) THEN 'open_case'"
		 "  WHEN EXISTS (SELECT 1 FROM survey_invitations p WHERE p.org_id = ?"
		 "   AND p.relation_id = x.id AND p.status IN ('pending', 'sent')"
		 "   AND p.created_at >= ?) THEN 'recent_contact'"
		 "  ELSE '' END AS reason"
		 " FROM (SELECT r.id, r.lang, r.erased_at, (SELECT cp.value FROM contact_points cp"
		 "  WHERE cp.org_id = r.org_id AND cp.relation_id = r.id AND cp.kind = 'email'"
		 "  ORDER BY cp.position, cp.id LIMIT 1) AS email"
		 " FROM relations r WHERE r.org_id = ? AND r.kind = 'person'");
	struct db_arg a[] = {
		DB_I(m->org),       DB_I(m->survey),     DB_I0(m->interaction), DB_I0(m->handler),
		DB_I0(m->role),     DB_T(m->channel),    DB_I(m->expires),      DB_I0(m->created_by),
		DB_I(m->now),       DB_I(m->now),        DB_I(m->org),          DB_I(m->check_cases),
		DB_I(m->org),       DB_I(m->org),        DB_I(m->since),        DB_I(m->org),
	};
	memcpy(args, a, sizeof(a));
	*n = sizeof(a) / sizeof(a[0]);
}

/* The tail after the caller's filter: closes the subqueries. */
static const char make_tail[] = ") x) y ORDER BY y.id RETURNING id, status, skip_reason";

/* Runs the insert; counts into res ({invited, skipped{}}) and queues a
 * survey.invite job per pending one. */
static int make_run(struct db *db, const struct make *m, const char *sql, const struct db_arg *args,
		    size_t n, json_t *res, int64_t *last_id)
{
	struct db_rows *r = NULL;
	size_t cap = 256, count = 0;
	int64_t *pending = xmalloc(cap * sizeof(*pending));
	int rc = db_query(db, &r, sql, args, n);
	json_t *skipped = json_object_get(res, "skipped");
	while (!rc && (rc = db_next(r)) == 1) {
		rc = 0;
		if (last_id)
			*last_id = db_int(r, 0);
		if (!strcmp(db_text(r, 1), "pending")) {
			if (count == cap)
				pending = xrealloc(pending, (cap *= 2) * sizeof(*pending));
			pending[count++] = db_int(r, 0);
		} else {
			const char *why = db_text(r, 2);
			jx_set_int(skipped, why, jx_int(skipped, why, 0) + 1);
		}
	}
	db_rows_free(r);
	/* the jobs after the rows are read: no statement open while they go in */
	for (size_t i = 0; i < count && !rc; i++) {
		char payload[64];
		snprintf(payload, sizeof(payload), "{\"invitation_id\":%lld}", (long long)pending[i]);
		rc = jobs_enqueue(db,
				  &(struct job_new){.org_id = m->org, .kind = "survey.invite",
						    .payload = payload},
				  NULL);
	}
	jx_set_int(res, "invited", jx_int(res, "invited", 0) + (int64_t)count);
	free(pending);
	return rc;
}

static json_t *empty_result(void)
{
	json_t *skipped = json_object();
	for (size_t i = 0; survey_skip_reasons[i]; i++)
		jx_set_int(skipped, survey_skip_reasons[i], 0);
	return json_pack("{s:i,s:o}", "invited", 0, "skipped", skipped);
}

static int bad_sel(struct brug_err *err, const char *key, const char *field)
{
	return brug_fail(err, BRUG_EVALIDATION, key, field);
}

/* Appends " AND r.type IN (...)" for a list of types. */
static int add_types(const json_t *v, struct buf *sql, struct db_arg *args, size_t *n,
		     struct brug_err *err)
{
	if (!json_is_array(v) || json_array_size(v) > 4)
		return bad_sel(err, "error.choice", "relation_types");
	if (!json_array_size(v))
		return 0;
	buf_adds(sql, " AND r.type IN (");
	for (size_t i = 0; i < json_array_size(v); i++) {
		const char *s = json_string_value(json_array_get(v, i));
		bool ok = false;
		for (size_t k = 0; s && rel_types[k]; k++)
			ok |= !strcmp(s, rel_types[k]);
		if (!ok)
			return bad_sel(err, "error.choice", "relation_types");
		buf_adds(sql, i ? ", ?" : "?");
		args[(*n)++] = DB_T(s);
	}
	buf_adds(sql, ")");
	return 0;
}

/* The id of tag v (a name or an id) of org. */
static int tag_id(struct db *db, int64_t org, const json_t *v, int64_t *id, struct brug_err *err)
{
	int rc;
	if (json_is_integer(v)) {
		rc = db_int_query(db, id, "SELECT id FROM tags WHERE org_id = ? AND id = ?",
				  DB_ARGS(DB_I(org), DB_I(json_integer_value(v))));
	} else if (json_is_string(v) && json_string_length(v) <= 100) {
		char *key = relation_sort_key(json_string_value(v));
		rc = db_int_query(db, id, "SELECT id FROM tags WHERE org_id = ? AND sort_key = ?",
				  DB_ARGS(DB_I(org), DB_T(key)));
		free(key);
	} else {
		rc = BRUG_ENOTFOUND;
	}
	return rc == BRUG_ENOTFOUND ? bad_sel(err, "error.survey_tag", "tags") : rc;
}

/* Appends " AND r.id IN (the people with any of these tags)". Tag ids
 * are stored in ids (room for TAGS_MAX) so their text args stay valid. */
static int add_tags(struct db *db, int64_t org, const json_t *v, struct buf *sql,
		    struct db_arg *args, size_t *n, struct brug_err *err)
{
	if (!json_is_array(v) || json_array_size(v) > TAGS_MAX)
		return bad_sel(err, "error.tags", "tags");
	if (!json_array_size(v))
		return 0;
	buf_adds(sql, " AND r.id IN (SELECT rt.relation_id FROM relation_tags rt WHERE"
		      " rt.org_id = ? AND rt.tag_id IN (");
	args[(*n)++] = DB_I(org);
	for (size_t i = 0; i < json_array_size(v); i++) {
		int64_t id = 0;
		int rc = tag_id(db, org, json_array_get(v, i), &id, err);
		if (rc)
			return rc;
		buf_adds(sql, i ? ", ?" : "?");
		args[(*n)++] = DB_I(id);
	}
	buf_adds(sql, "))");
	return 0;
}

/* Appends " AND r.id IN (...)" for explicit people, each of them a person
 * of org (or the whole selection is refused). */
static int add_ids(struct db *db, int64_t org, const json_t *v, struct buf *sql,
		   struct db_arg *args, size_t *n, struct brug_err *err)
{
	size_t k = json_is_array(v) ? json_array_size(v) : 0;
	if (!json_is_array(v) || k == 0 || k > IDS_MAX)
		return bad_sel(err, "error.survey_relation_ids", "relation_ids");
	buf_adds(sql, " AND r.id IN (");
	for (size_t i = 0; i < k; i++) {
		json_t *e = json_array_get(v, i);
		if (!json_is_integer(e) || json_integer_value(e) <= 0)
			return bad_sel(err, "error.survey_relation_ids", "relation_ids");
		for (size_t j = 0; j < i; j++)
			if (json_integer_value(json_array_get(v, j)) == json_integer_value(e))
				return bad_sel(err, "error.survey_relation_ids", "relation_ids");
		/* erased people included: they are skipped with that reason */
		int64_t c = 0;
		int rc = db_int_query(db, &c,
				      "SELECT COUNT(*) FROM relations WHERE org_id = ? AND id = ?"
				      " AND kind = 'person'",
				      DB_ARGS(DB_I(org), DB_I(json_integer_value(e))));
		if (rc)
			return rc;
		if (!c)
			return bad_sel(err, "error.survey_relation_ids", "relation_ids");
		buf_adds(sql, i ? ", ?" : "?");
		args[(*n)++] = DB_I(json_integer_value(e));
	}
	buf_adds(sql, ")");
	return 0;
}

/* The WHERE of a wave: the selection, or the survey's settings. */
static int wave_where(struct db *db, int64_t org, const struct survey_selection *sel,
		      const json_t *settings, struct buf *sql, struct db_arg *args, size_t *n,
		      struct brug_err *err)
{
	bool given = sel->relation_types || sel->tags || sel->owner_id || sel->relation_ids;
	const json_t *types = given ? sel->relation_types : json_object_get(settings, "relation_types");
	const json_t *tags = given ? sel->tags : json_object_get(settings, "tags");
	int rc = 0;
	/* an erased person is named only by id, to say why they were skipped */
	buf_adds(sql, sel->relation_ids ? " AND r.archived_at IS NULL"
					: " AND r.archived_at IS NULL AND r.erased_at IS NULL");
	if (types)
		rc = add_types(types, sql, args, n, err);
	if (!rc && tags)
		rc = add_tags(db, org, tags, sql, args, n, err);
	if (!rc && sel->owner_id) {
		int64_t c = 0;
		rc = db_int_query(db, &c, "SELECT COUNT(*) FROM users WHERE org_id = ? AND id = ?",
				  DB_ARGS(DB_I(org), DB_I(sel->owner_id)));
		if (!rc && !c)
			rc = bad_sel(err, "error.user_not_found", "owner_id");
		buf_adds(sql, " AND r.owner_id = ?");
		args[(*n)++] = DB_I(sel->owner_id);
	}
	if (!rc && sel->relation_ids)
		rc = add_ids(db, org, sel->relation_ids, sql, args, n, err);
	return rc;
}

/* The survey's kind, status and settings (new reference). */
static int survey_head(struct db *db, int64_t org, int64_t id, char kind[16], char status[16],
		       json_t **settings)
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r, "SELECT kind, status, settings FROM surveys WHERE org_id = ? AND id = ?",
			  DB_ARGS(DB_I(org), DB_I(id)));
	if (!rc && (rc = db_next(r)) == 1) {
		snprintf(kind, 16, "%s", db_text(r, 0));
		snprintf(status, 16, "%s", db_text(r, 1));
		*settings = json_loads(db_text(r, 2), 0, NULL);
		if (!*settings)
			*settings = json_object();
		rc = 0;
	} else if (rc == 0) {
		rc = BRUG_ENOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

static int wave_allowed(const char *kind, const char *status, struct brug_err *err)
{
	if (!strcmp(kind, "link"))
		return brug_fail(err, BRUG_ECONFLICT, "error.survey_link_invitations", NULL);
	if (strcmp(kind, "relationship"))
		return brug_fail(err, BRUG_ECONFLICT, "error.survey_wave_kind", NULL);
	if (strcmp(status, "active"))
		return brug_fail(err, BRUG_ECONFLICT, "error.survey_not_active", NULL);
	return 0;
}

static void make_init(struct make *m, int64_t org, int64_t survey, const struct feedback_config *fc)
{
	int64_t now = clock_now_ms();
	*m = (struct make){.org = org, .survey = survey, .channel = "", .now = now,
			   .since = now - fc->contact_days * DAY_MS,
			   .expires = now + fc->expiry_days * DAY_MS};
}

int survey_invite_wave(struct db *db, const struct actor *who, int64_t survey,
		       const struct survey_selection *sel, json_t **result, struct brug_err *err)
{
	struct buf sql;
	buf_init(&sql, 64 * 1024);
	struct db_arg args[DB_ARGS_MAX];
	size_t n = 0;
	json_t *settings = NULL, *res = empty_result();
	char kind[16], status[16];
	struct feedback_config fc;
	int rc = db_begin(db);
	if (rc)
		goto done;
	rc = survey_head(db, who->org_id, survey, kind, status, &settings);
	if (rc == BRUG_ENOTFOUND)
		brug_fail(err, rc, "error.survey_not_found", NULL);
	if (!rc)
		rc = wave_allowed(kind, status, err);
	if (!rc)
		rc = feedback_config_get(db, who->org_id, &fc);
	if (rc)
		goto out;
	struct make m;
	make_init(&m, who->org_id, survey, &fc);
	m.created_by = who->user_id;
	m.check_cases = true;
	make_sql(&sql, args, &n, &m);
	if ((rc = wave_where(db, who->org_id, sel, settings, &sql, args, &n, err)))
		goto out;
	buf_adds(&sql, make_tail);
	if ((rc = make_run(db, &m, buf_str(&sql), args, n, res, NULL)))
		goto out;
	rc = audit_add(db, who, "survey.invite", "survey", survey, json_deep_copy(res));
out:
	rc = db_finish(db, rc);
done:
	if (!rc)
		*result = res;
	else
		json_decref(res);
	json_decref(settings);
	buf_cleanup(&sql);
	return rc;
}

/* Whether list (absent or empty: any) holds name. */
static bool list_allows(const json_t *list, const char *name)
{
	if (!json_is_array(list) || !json_array_size(list))
		return true;
	for (size_t i = 0; name && i < json_array_size(list); i++)
		if (!strcmp(json_string_value(json_array_get(list, i)), name))
			return true;
	return false;
}

int survey_invite_on_interaction(struct db *db, int64_t org, int64_t interaction,
				 int64_t person, const char *channel, int64_t role_id)
{
	if (!person)
		return 0;
	char *role = NULL;
	int rc = 0;
	if (role_id > 0) {
		rc = db_text_query(db, &role,
				   "SELECT name FROM interaction_roles WHERE org_id = ? AND id = ?",
				   DB_ARGS(DB_I(org), DB_I(role_id)));
		if (rc == BRUG_ENOTFOUND)
			rc = 0;
		if (rc)
			return rc;
	}
	struct db_rows *r = NULL;
	struct job_new jobs[64];
	char payloads[64][80];
	size_t nj = 0;
	int64_t now = clock_now_ms();
	rc = db_query(db, &r,
		      "SELECT id, settings FROM surveys WHERE org_id = ? AND kind = 'transactional'"
		      " AND status = 'active' ORDER BY id",
		      DB_ARGS(DB_I(org)));
	while (!rc && nj < 64 && (rc = db_next(r)) == 1) {
		rc = 0;
		json_t *s = json_loads(db_text(r, 1), 0, NULL);
		if (list_allows(json_object_get(s, "channels"), channel) &&
		    list_allows(json_object_get(s, "roles"), role)) {
			int64_t delay = jx_int(s, "delay_hours", 0);
			snprintf(payloads[nj], sizeof(payloads[nj]),
				 "{\"survey_id\":%lld,\"interaction_id\":%lld}",
				 (long long)db_int(r, 0), (long long)interaction);
			jobs[nj] = (struct job_new){.org_id = org, .kind = "survey.transactional",
						    .payload = payloads[nj],
						    .run_at = now + delay * 3600 * 1000LL};
			nj++;
		}
		json_decref(s);
	}
	db_rows_free(r);
	for (size_t i = 0; i < nj && !rc; i++)
		rc = jobs_enqueue(db, &jobs[i], NULL);
	free(role);
	return rc;
}

/* The interaction's person, handler, role and channel. */
static int interaction_context(struct db *db, int64_t org, int64_t id, struct make *m,
			       int64_t *person, char channel[32])
{
	struct db_rows *r = NULL;
	int rc = db_query(db, &r,
			  "SELECT person_id, user_id, role_id, channel FROM interactions"
			  " WHERE org_id = ? AND id = ?",
			  DB_ARGS(DB_I(org), DB_I(id)));
	if (!rc && (rc = db_next(r)) == 1) {
		*person = db_int(r, 0);
		m->handler = db_int(r, 1);
		m->role = db_int(r, 2);
		snprintf(channel, 32, "%s", db_text(r, 3));
		rc = 0;
	} else if (rc == 0) {
		rc = BRUG_ENOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int survey_invite_for_interaction(struct db *db, int64_t org, int64_t survey,
				  int64_t interaction, int64_t *id, bool *pending)
{
	char kind[16], status[16], channel[32];
	json_t *settings = NULL, *res = empty_result();
	struct feedback_config fc;
	struct make m;
	int64_t person = 0, made = 0;
	*id = 0;
	*pending = false;
	int rc = survey_head(db, org, survey, kind, status, &settings);
	if (rc == BRUG_ENOTFOUND) /* deleted meanwhile: nothing to do */
		rc = 0;
	if (rc || !settings || strcmp(status, "active") || strcmp(kind, "transactional"))
		goto out;
	if ((rc = feedback_config_get(db, org, &fc)))
		goto out;
	make_init(&m, org, survey, &fc);
	rc = interaction_context(db, org, interaction, &m, &person, channel);
	if (rc == BRUG_ENOTFOUND)
		rc = 0;
	if (rc || !person)
		goto out;
	m.interaction = interaction;
	m.channel = channel;
	struct buf sql;
	buf_init(&sql, 16 * 1024);
	struct db_arg args[24];
	size_t n = 0;
	make_sql(&sql, args, &n, &m);
	buf_adds(&sql, " AND r.id = ?");
	args[n++] = DB_I(person);
	buf_adds(&sql, make_tail);
	rc = make_run(db, &m, buf_str(&sql), args, n, res, &made);
	buf_cleanup(&sql);
	if (!rc) {
		*id = made;
		*pending = jx_int(res, "invited", 0) > 0;
	}
out:
	json_decref(settings);
	json_decref(res);
	return rc;
}

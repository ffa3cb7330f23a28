/* SPDX-License-Identifier: Apache-2.0 */
/* The call-log import: an Asterisk Master.csv (cdr_csv, no header) read a
 * batch of calls at a time. A call's outside number is matched to the
 * relation whose phone number has the same international digits; each
 * matched call becomes a phone interaction whose source ("import:cdr:" and
 * the call's uniqueid) makes a second import of the same file skip it.
 * Direction: a call from an extension (2 to 5 digits) to an outside number
 * is outgoing; a call from an outside number is incoming, whatever it
 * dialled (an extension, "s" or the company's own number); anything else
 * (extension to extension, a withheld number) is internal and skipped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/search.h"
#include "domain/import_impl.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/tz.h"
#include "util/xmalloc.h"

/* Columns of cdr_csv's Master.csv. */
enum { C_SRC = 1, C_DST = 2, C_START = 9, C_BILLSEC = 13, C_DISPOSITION = 14, C_UNIQUEID = 16 };
#define CDR_MIN_FIELDS 16
#define UNIQUEID_MAX 150

struct call {
	size_t line;
	bool out;
	const char *number; /* as the log has it */
	char norm[PHONE_NORM_MAX];
	int64_t at, seconds;
	bool answered;
	const char *disposition;
	const char *source; /* "import:cdr:<uniqueid>" */
	json_t *preview;
};

struct cdr {
	struct db *db;
	const struct actor *who;
	const struct import_opts *o;
	const struct tz *zone;
	bool nl;
	json_t *report, *unmatched; /* number -> calls */
	int64_t rows, create, skip, unmatched_calls, not_answered, internal, rejected;
	struct arena arena;
	struct call call[IMPORT_BATCH];
	size_t n;
	struct import_keys found, seen;
	struct import_span made_ids; /* the interactions created, for search */
	int rc;
};

static bool extension(const char *s)
{
	size_t n = strlen(s);
	return n >= 2 && n <= 5 && strspn(s, "0123456789") == n;
}

/* Asterisk's uniqueid: "1700000000.123", or "host-1700000000.123" with a
 * system name; the userfield (free text) next to it is not. */
static bool uniqueid_like(const char *p, size_t n)
{
	if (n < 3 || n > UNIQUEID_MAX)
		return false;
	const char *dot = NULL;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '.' || c == '-' || c == '_'))
			return false;
		if (c == '.')
			dot = p + i;
	}
	return dot && dot > p && dot[-1] >= '0' && dot[-1] <= '9' && dot + 1 < p + n &&
	       strspn(dot + 1, "0123456789") == (size_t)(p + n - dot - 1);
}

static bool parse_start(const struct tz *zone, const char *s, int64_t *ms)
{
	int y, mo, d, h, mi, se;
	char tail;
	/* %d would also take a sign or spaces: digits only between the marks */
	static const char shape[] = "dddd-dd-dd dd:dd:dd";
	if (strlen(s) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != shape[i])
			return false;
	if (sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se, &tail) != 6 ||
	    y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60 || h < 0 || mi < 0 || se < 0)
		return false;
	*ms = tz_from_local(zone, y, mo, d, h, mi, se);
	return true;
}

static const char *field(const struct csvx_record *rec, int i)
{
	return (size_t)i < rec->n ? rec->field[i].p : "";
}

static void reject(struct cdr *c, const struct csvx_record *rec, const char *code,
		   const char *fld, const char *value, const char *why)
{
	struct import_row row = {.line = rec->line};
	if (!strcmp(code, "ragged")) {
		row.fields = rec->n;
		row.expected = CDR_MIN_FIELDS;
	}
	import_row_reject(&row, code, fld, value, "%s", why);
	c->rejected++;
	import_report_reject(c->report, &row);
	if (c->rows <= IMPORT_PREVIEW_ROWS) {
		json_t *p = import_reject_json(&row);
		jx_set_str(p, "action", "reject");
		json_array_append_new(json_object_get(c->report, "rows"), p);
	}
}

static json_t *preview(struct cdr *c, const struct call *k, const char *action)
{
	if (c->rows > IMPORT_PREVIEW_ROWS)
		return NULL;
	json_t *p = json_object();
	jx_set_int(p, "line", (int64_t)k->line);
	jx_set_str(p, "action", action);
	jx_set_str(p, "direction", k->out ? "out" : "in");
	jx_set_str(p, "number", k->number ? k->number : "");
	if (k->at)
		jx_set_time(p, "at", k->at);
	jx_set_int(p, "duration_s", k->seconds);
	json_array_append_new(json_object_get(c->report, "rows"), p);
	return p;
}

/* Reads one call; false when it is rejected or skipped on its own. */
static bool read_call(struct cdr *c, const struct csvx_record *rec, struct call *k)
{
	memset(k, 0, sizeof(*k));
	k->line = rec->line;
	if (rec->n < CDR_MIN_FIELDS) {
		char why[96];
		snprintf(why, sizeof(why), "%zu field%s, a call log line has at least %d", rec->n,
			 rec->n == 1 ? "" : "s", CDR_MIN_FIELDS);
		reject(c, rec, "ragged", NULL, NULL, why);
		return false;
	}
	const char *src = field(rec, C_SRC), *dst = field(rec, C_DST);
	char nsrc[PHONE_NORM_MAX], ndst[PHONE_NORM_MAX];
	bool ext_src = extension(src), out_dst = !extension(dst) && contactinfo_phone_norm(dst, "31", ndst);
	bool out_src = !ext_src && contactinfo_phone_norm(src, "31", nsrc);
	if (!parse_start(c->zone, field(rec, C_START), &k->at)) {
		reject(c, rec, "time", "start", field(rec, C_START),
		       "the start time is not YYYY-MM-DD HH:MM:SS");
		return false;
	}
	char *end = NULL;
	const char *bs = field(rec, C_BILLSEC);
	long long secs = strtoll(bs, &end, 10);
	if (!*bs || *end || secs < 0 || secs > 7 * 24 * 3600) {
		reject(c, rec, "duration", "billsec", bs, "billsec is not a number of seconds");
		return false;
	}
	k->seconds = secs;
	const char *uid = NULL;
	for (int i = C_UNIQUEID; i <= C_UNIQUEID + 1 && !uid; i++)
		if ((size_t)i < rec->n && uniqueid_like(rec->field[i].p, rec->field[i].len))
			uid = rec->field[i].p;
	if (!uid) {
		reject(c, rec, "uniqueid", "uniqueid", NULL,
		       "no uniqueid (column 17): enable loguniqueid in cdr_csv");
		return false;
	}
	k->source = arena_printf(&c->arena, "import:cdr:%s", uid);
	k->disposition = arena_strdup(&c->arena, field(rec, C_DISPOSITION));
	k->answered = !strcmp(k->disposition, "ANSWERED");
	if (ext_src && out_dst) {
		k->out = true;
		k->number = arena_strdup(&c->arena, dst);
		memcpy(k->norm, ndst, sizeof(ndst));
	} else if (out_src) {
		k->number = arena_strdup(&c->arena, src);
		memcpy(k->norm, nsrc, sizeof(nsrc));
	} else {
		c->internal++;
		preview(c, k, "internal");
		return false;
	}
	if (!k->answered && !c->o->all_calls) {
		c->not_answered++;
		json_t *p = preview(c, k, "not_answered");
		if (p)
			jx_set_str(p, "disposition", k->disposition);
		return false;
	}
	k->preview = preview(c, k, "create");
	return true;
}

/* The relations of the batch's numbers and the calls of the batch imported
 * before. "r:<number>" gets the relation a number belongs to, ranked (a
 * person before an organisation, then the oldest), "x:<id>" a relation's
 * organisation. */
#define RANK_ORG ((int64_t)1 << 62)

static int lookup(struct cdr *c)
{
	struct db_arg args[1 + IMPORT_BATCH];
	struct buf sql;
	buf_init(&sql, 0);
	int rc = 0;
	for (int pass = 0; pass < 2 && !rc; pass++) {
		buf_reset(&sql);
		buf_adds(&sql, pass == 0
				       ? "SELECT c.norm, c.relation_id, r.kind, COALESCE(r.parent_id, 0)"
					 " FROM contact_points c JOIN relations r ON r.org_id = c.org_id"
					 " AND r.id = c.relation_id WHERE c.org_id = ? AND c.kind = 'phone'"
					 " AND r.erased_at IS NULL AND c.norm IN ("
				       : "SELECT source FROM interactions WHERE org_id = ? AND source IN (");
		args[0] = DB_I(c->who->org_id);
		for (size_t i = 0; i < IMPORT_BATCH; i++) {
			buf_adds(&sql, i ? ", ?" : "?");
			args[i + 1] = i < c->n ? DB_T(pass == 0 ? c->call[i].norm : c->call[i].source)
					       : DB_NULLARG;
		}
		buf_adds(&sql, ")");
		struct db_rows *r = NULL;
		rc = db_query(c->db, &r, buf_str(&sql), args, IMPORT_BATCH + 1);
		int more = 0;
		char key[IMPORT_KEY_MAX];
		while (!rc && (more = db_next(r)) == 1) {
			if (pass == 1) {
				snprintf(key, sizeof(key), "u:%s", db_text(r, 0));
				import_keys_put(&c->found, key, 1);
				continue;
			}
			/* a person before an organisation, then the oldest */
			bool person = !strcmp(db_text(r, 2), "person");
			snprintf(key, sizeof(key), "r:%s", db_text(r, 0));
			import_keys_min(&c->found, key, (person ? 0 : RANK_ORG) + db_int(r, 1));
			snprintf(key, sizeof(key), "x:%lld", (long long)db_int(r, 1));
			import_keys_put(&c->found, key, db_int(r, 3));
		}
		if (!rc && more < 0)
			rc = more;
		db_rows_free(r);
	}
	buf_cleanup(&sql);
	return rc;
}

static void count_unmatched(struct cdr *c, const struct call *k)
{
	c->unmatched_calls++;
	json_t *e = json_object_get(c->unmatched, k->norm);
	if (e)
		jx_set_int(e, "calls", jx_int(e, "calls", 0) + 1);
	else if (json_object_size(c->unmatched) < IMPORT_REJECTED_MAX)
		json_object_set_new(c->unmatched, k->norm,
				    json_pack("{ss,si}", "number", k->number, "calls", 1));
	if (k->preview)
		jx_set_str(k->preview, "action", "unmatched");
}

/* What the interaction says: "Inkomend gesprek 0612345678", and for a call
 * nobody answered its disposition. */
static void texts(const struct cdr *c, const struct call *k, char *subject, size_t ns,
		  char *summary, size_t nm)
{
	snprintf(subject, ns, "%s %s",
		 c->nl ? (k->out ? "Uitgaand gesprek" : "Inkomend gesprek")
		       : (k->out ? "Outgoing call" : "Incoming call"),
		 k->number);
	if (k->answered)
		summary[0] = '\0';
	else
		snprintf(summary, nm, "%s: %s", c->nl ? "Niet beantwoord" : "Not answered",
			 k->disposition);
}

/* Adds call k as an interaction row to s; false when it is skipped. */
static bool add_call(struct cdr *c, struct import_ins *s, struct call *k, int64_t now)
{
	char key[IMPORT_KEY_MAX];
	int64_t v = 0, person = 0, company = 0;
	snprintf(key, sizeof(key), "u:%s", k->source);
	if (import_keys_get(&c->seen, key, &v) || import_keys_get(&c->found, key, &v)) {
		c->skip++;
		if (k->preview)
			jx_set_str(k->preview, "action", "skip");
		return false;
	}
	import_keys_put(&c->seen, key, 1);
	int64_t rank = 0;
	snprintf(key, sizeof(key), "r:%s", k->norm);
	if (!import_keys_get(&c->found, key, &rank)) {
		count_unmatched(c, k);
		return false;
	}
	if (rank < RANK_ORG) {
		person = rank;
		snprintf(key, sizeof(key), "x:%lld", (long long)person);
		import_keys_get(&c->found, key, &company);
	} else {
		company = rank - RANK_ORG;
	}
	if (k->preview)
		jx_set_int(k->preview, "relation_id", person ? person : company);
	char subject[128], summary[128];
	texts(c, k, subject, sizeof(subject), summary, sizeof(summary));
	const char *outcome = !k->answered && !k->out ? "follow_up" : "resolved";
	struct db_arg row[16] = {
		DB_I(c->who->org_id), DB_I0(person), DB_I0(company), DB_T("phone"),
		DB_T(k->out ? "out" : "in"), DB_I(k->at), DB_I(k->seconds), DB_I0(0), DB_I0(0),
		DB_T(import_ins_text(s, subject)), DB_T(import_ins_text(s, summary)), DB_T(outcome),
		DB_T(k->source), DB_I0(c->who->user_id), DB_I(now), DB_I(now)};
	import_ins_row(s, row);
	c->create++;
	return true;
}

static int run_batch(struct cdr *c)
{
	if (!c->rc && c->n)
		c->rc = lookup(c);
	struct import_ins s;
	import_ins_init(&s, c->db,
			"INSERT INTO interactions (org_id, person_id, company_id, channel, direction,"
			" occurred_at, duration_s, user_id, role_id, subject, summary, outcome, source,"
			" created_by, created_at, updated_at) VALUES",
			" RETURNING id", 16);
	size_t nmade = 0;
	int64_t now = clock_now_ms();
	for (size_t i = 0; !c->rc && i < c->n; i++)
		if (add_call(c, &s, &c->call[i], now))
			nmade++;
	if (!c->rc)
		c->rc = import_ins_flush(&s);
	for (size_t i = 0; !c->rc && i < nmade; i++)
		import_span_add(&c->made_ids, s.ids[i]);
	int rc = import_ins_done(&s);
	if (!c->rc)
		c->rc = rc;
	c->n = 0;
	import_keys_clear(&c->found);
	import_keys_clear(&c->seen);
	arena_cleanup(&c->arena);
	arena_init(&c->arena);
	return c->rc;
}

static bool blank(const struct csvx_record *rec)
{
	for (size_t i = 0; i < rec->n; i++)
		if (rec->field[i].len)
			return false;
	return true;
}

static int on_call(const struct csvx_record *rec, void *ctx)
{
	struct cdr *c = ctx;
	if (blank(rec))
		return 0;
	c->rows++;
	if (!read_call(c, rec, &c->call[c->n]))
		return 0;
	if (++c->n == IMPORT_BATCH)
		return run_batch(c);
	return 0;
}

static json_t *cdr_counts(const struct cdr *c)
{
	return json_pack("{sI,sI,sI,sI,sI,sI,sI}", "rows", (json_int_t)c->rows, "create",
			 (json_int_t)c->create, "skip", (json_int_t)c->skip, "unmatched",
			 (json_int_t)c->unmatched_calls, "not_answered", (json_int_t)c->not_answered,
			 "internal", (json_int_t)c->internal, "rejected", (json_int_t)c->rejected);
}

/* The organisation's clock and language. */
static int org_setup(struct cdr *c)
{
	struct db_rows *r = NULL;
	int rc = db_query(c->db, &r, "SELECT timezone, lang FROM orgs WHERE org_id = ?",
			  DB_ARGS(DB_I(c->who->org_id)));
	int more = rc ? 0 : db_next(r);
	if (more == 1) {
		c->zone = tz_get(db_text(r, 0));
		c->nl = strcmp(db_text(r, 1), "en") != 0;
	}
	db_rows_free(r);
	if (!c->zone)
		c->zone = tz_get("Europe/Amsterdam");
	if (!c->zone)
		c->zone = tz_get("UTC");
	return rc ? rc : more < 0 ? more : more == 0 ? BRUG_ENOTFOUND : 0;
}

static int read_calls(struct cdr *c, const char *text, size_t n, struct brug_err *err)
{
	struct csvx_options copt = {.delim = csvx_detect_delimiter(text, n)};
	struct brug_err e = {0};
	int rc = csvx_parse(text, n, &copt, on_call, c, &e);
	if (rc && c->rc)
		return c->rc;
	if (rc)
		return brug_failf(err, BRUG_EVALIDATION, "import.error_file", NULL, "%s",
				  e.detail[0] ? e.detail : "the file cannot be read as CSV");
	rc = run_batch(c);
	return rc;
}

static json_t *unmatched_list(json_t *set)
{
	json_t *a = json_array(), *v;
	const char *k;
	json_object_foreach(set, k, v) json_array_append(a, v);
	return a;
}

int import_cdr(struct db *db, const struct actor *who, const char *text, size_t n,
	       const char *charset, const struct import_opts *o, json_t **report,
	       struct brug_err *err)
{
	struct cdr *c = xcalloc(1, sizeof(*c));
	c->db = db;
	c->who = who;
	c->o = o;
	arena_init(&c->arena);
	import_keys_init(&c->found);
	import_keys_init(&c->seen);
	c->made_ids.kind = "interaction";
	c->report = import_report_new("cdr", charset, csvx_detect_delimiter(text, n), o);
	c->unmatched = json_object();
	int rc = db_begin(db);
	if (!rc && !(rc = org_setup(c)))
		rc = read_calls(c, text, n, err);
	bool keep = !rc && !o->dry_run && (!c->rejected || o->skip_invalid), pending = false;
	if (keep) {
		rc = import_span_index(db, who->org_id, &c->made_ids, &pending);
		if (!rc)
			rc = audit_add(db, who, "interaction.import", "import", 0, cdr_counts(c));
		rc = db_finish(db, rc);
	} else if (db_in_tx(db)) {
		db_rollback(db);
	}
	if (!rc) {
		jx_set_bool(c->report, "all_calls", o->all_calls);
		json_object_set_new(c->report, "counts", cdr_counts(c));
		json_object_set_new(c->report, "unmatched", unmatched_list(c->unmatched));
		jx_set_bool(c->report, "written", keep);
		jx_set_bool(c->report, "search_pending", pending);
		*report = c->report;
		c->report = NULL;
	}
	json_decref(c->report);
	json_decref(c->unmatched);
	import_keys_cleanup(&c->found);
	import_keys_cleanup(&c->seen);
	arena_cleanup(&c->arena);
	free(c);
	return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Relation exports as downloads: the selection or the list's filters from
 * the query string, the file from domain/export.c, collected in the
 * response body (libmicrohttpd gets it whole) under EXPORT_HTTP_MAX, sent
 * as an attachment. Pages and API alike: a browser follows the export
 * buttons, a client asks /api/v1. */
#include "api/handlers.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "domain/export.h"
#include "domain/relation.h"
#include "util/clock.h"
#include "util/jx.h"

/* The most one download may hold; 100,000 relations take about 40 MiB as
 * JSON (docs/crm.md). More is a 413 that points to filters and the CLI. */
#define EXPORT_HTTP_MAX ((size_t)256 << 20)

static const char *const kinds[] = {"organisation", "person", NULL};
static const char *const types[] = {"customer", "prospect", "supplier", "partner", NULL};
static const char *const statuses[] = {"active", "archived", "all", NULL};

static int index_of(const char *s, const char *const *set)
{
	for (int i = 0; s && set[i]; i++)
		if (!strcmp(s, set[i]))
			return i;
	return -1;
}

/* A 422 naming one query parameter. */
static int bad_param(struct req *req, struct resp *resp, const char *field, const char *key)
{
	json_t *fields = json_object();
	jx_set_str(fields, field, key);
	json_object_set_new(resp_data(resp), "fields", fields);
	return brug_fail(&req->err, BRUG_EVALIDATION, "error.validation_failed", NULL);
}

/* ids=1,2,3 into out (arena); false when it is not such a list. */
static bool parse_ids(struct req *req, const char *s, int64_t **out, size_t *n)
{
	*n = 0;
	*out = arena_alloc(&req->arena, EXPORT_IDS_MAX * sizeof(int64_t));
	while (*s) {
		char *end;
		errno = 0;
		long long v = strtoll(s, &end, 10);
		if (end == s || errno || v <= 0 || (*end && *end != ',') || *n == EXPORT_IDS_MAX)
			return false;
		(*out)[(*n)++] = v;
		s = *end ? end + 1 : end;
	}
	return *n > 0;
}

/* The selection from the query string: ids, or the list's filters. */
static int read_select(struct req *req, struct resp *resp, struct export_select *sel)
{
	memset(sel, 0, sizeof(*sel));
	const char *kind = req_query(req, "kind"), *type = req_query(req, "type");
	const char *status = req_query(req, "status"), *ids = req_query(req, "ids");
	if (kind && *kind && index_of(kind, kinds) < 0)
		return bad_param(req, resp, "kind", "error.choice");
	if (type && *type && index_of(type, types) < 0)
		return bad_param(req, resp, "type", "error.choice");
	if (status && *status && index_of(status, statuses) < 0)
		return bad_param(req, resp, "status", "error.choice");
	sel->kind = kind && *kind ? kind : NULL;
	sel->type = type && *type ? type : NULL;
	sel->tag = req_query(req, "tag") && *req_query(req, "tag") ? req_query(req, "tag") : NULL;
	sel->owner_id = req_query_int(req, "owner_id", 0, 0, INT64_MAX);
	int st = status && *status ? index_of(status, statuses) : 2;
	sel->status = st == 0 ? REL_ACTIVE : st == 1 ? REL_ARCHIVED : REL_ANY;
	if (ids && *ids) {
		int64_t *v = NULL;
		if (!parse_ids(req, ids, &v, &sel->n_ids))
			return bad_param(req, resp, "ids", "transfer.error_ids");
		sel->ids = v;
	}
	return 0;
}

static int to_body(void *ctx, const char *p, size_t n)
{
	return buf_add(ctx, p, n);
}

/* Runs the export into the body and makes it a download called name. */
static int send_file(struct req *req, struct resp *resp, const struct export_select *sel,
		     const struct export_options *opt, const char *name)
{
	size_t count = 0;
	buf_reset(&resp->body);
	resp->body.max = EXPORT_HTTP_MAX;
	int rc = export_relations(req->db, req->who.org_id, sel, opt, to_body, &resp->body, &count);
	if (rc == BRUG_ETOOBIG)
		return brug_failf(&req->err, rc, "transfer.error_too_big", NULL,
				  "the export passes %zu MiB: choose fewer relations, or use "
				  "brug export relations",
				  EXPORT_HTTP_MAX >> 20);
	struct actor who = req_actor(req);
	if (!rc)
		rc = export_audit(req->db, &who, opt->format, count);
	if (rc)
		return rc;
	resp->prebuilt = true;
	resp->content_type = export_content_type(opt->format);
	resp_header(resp, req, "Content-Disposition",
		    arena_printf(&req->arena, "attachment; filename=\"%s\"", name));
	return 0;
}

int api_relations_export(struct req *req, struct resp *resp)
{
	struct export_select sel;
	struct export_options opt = {0};
	const char *format = req_query(req, "format");
	if (format && *format && !export_format_parse(format, &opt.format))
		return bad_param(req, resp, "format", "transfer.error_format");
	int rc = read_select(req, resp, &sel);
	if (rc)
		return rc;
	const char *excel = req_query(req, "excel");
	opt.excel = excel && (!strcmp(excel, "1") || !strcmp(excel, "true"));
	opt.english = !strcmp(req->lang, "en");
	char date[32], base[64], name[96];
	clock_iso8601(clock_now_ms(), date, sizeof(date));
	date[10] = '\0';
	snprintf(base, sizeof(base), "%s %s", opt.english ? "relations" : "relaties", date);
	export_file_name(base, opt.format, name, sizeof(name));
	return send_file(req, resp, &sel, &opt, name);
}

int api_relations_vcard(struct req *req, struct resp *resp)
{
	int64_t id;
	json_t *rel = NULL;
	int rc = req_param_id(req, "id", &id);
	if (!rc)
		rc = relation_get(req->db, req->who.org_id, id, &rel);
	if (rc == BRUG_ENOTFOUND)
		return brug_fail(&req->err, rc, "error.relation_not_found", NULL);
	if (rc)
		return rc;
	char name[96];
	export_file_name(jx_str(rel, "name"), EXPORT_VCARD, name, sizeof(name));
	json_decref(rel);
	struct export_select sel = {.ids = &id, .n_ids = 1, .status = REL_ANY};
	struct export_options opt = {.format = EXPORT_VCARD};
	return send_file(req, resp, &sel, &opt, name);
}

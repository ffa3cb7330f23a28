/* SPDX-License-Identifier: Apache-2.0 */
/* Imports: relations from CSV and calls from an Asterisk call log. The API
 * takes the file as the raw body (text/csv) or as the "file" part of a
 * multipart form and answers the report; a dry run only reports. A browser
 * uploads through a form, sees a preview (a dry run of the stored upload)
 * and confirms it, which runs the import for real. */
#include "api/handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/common.h"
#include "core/i18n.h"
#include "domain/import.h"
#include "http/app.h"
#include "util/buf.h"
#include "util/jx.h"

/* An option from the form (multipart) or else the query string. */
static const char *opt(struct req *req, const char *name)
{
	const char *v = kvs_get(&req->form, name);
	return v ? v : req_query(req, name);
}

/* A yes/no option: 1/true/on/yes or 0/false/off/no (absent: def). */
static bool flag(struct req *req, json_t *fields, const char *name, bool def)
{
	const char *v = opt(req, name);
	if (!v)
		return def;
	if (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "on") || !strcasecmp(v, "yes"))
		return true;
	if (!*v || !strcmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "off") ||
	    !strcasecmp(v, "no"))
		return false;
	jx_set_str(fields, name, "error.type_boolean");
	return def;
}

/* The options of an import; fields gets a message key per bad one. The
 * mapping (a new reference in *mapping) is for the API only. */
static void read_opts(struct req *req, json_t *fields, bool relations, struct import_opts *o,
		      json_t **mapping)
{
	memset(o, 0, sizeof(*o));
	o->dry_run = flag(req, fields, "dry_run", false);
	o->skip_invalid = flag(req, fields, "skip_invalid", false);
	if (!relations) {
		o->all_calls = flag(req, fields, "all_calls", false);
		return;
	}
	const char *dup = opt(req, "on_duplicate");
	if (dup && !strcmp(dup, "update"))
		o->on_duplicate = IMPORT_DUP_UPDATE;
	else if (dup && *dup && strcmp(dup, "skip"))
		jx_set_str(fields, "on_duplicate", "error.choice");
	const char *m = req->api ? opt(req, "mapping") : NULL;
	if (m && *m) {
		json_error_t je;
		*mapping = json_loads(m, JSON_REJECT_DUPLICATES, &je);
		if (!json_is_object(*mapping)) {
			json_decref(*mapping);
			*mapping = NULL;
			jx_set_str(fields, "mapping", "import.error_mapping");
		}
		o->mapping = *mapping;
	}
}

/* The uploaded file: the "file" part of a multipart form, or the body as
 * it came (text/csv and the like; see R_RAW). */
static bool file_of(struct req *req, const char **data, size_t *n, const char **name)
{
	for (size_t i = 0; i < req->files.n; i++)
		if (!strcmp(req->files.v[i].field, "file")) {
			*data = req->files.v[i].data;
			*n = req->files.v[i].len;
			*name = req->files.v[i].filename;
			return true;
		}
	const char *ct = req_header(req, "content-type");
	if (!req->body_len || !ct || !strncasecmp(ct, "multipart/", 10) ||
	    !strncasecmp(ct, "application/x-www-form-urlencoded", 33) ||
	    !strncasecmp(ct, "application/json", 16))
		return false;
	*data = req->body;
	*n = req->body_len;
	*name = "";
	return true;
}

/* The form's values, for the form and the preview. */
static json_t *values_of(const char *kind, const struct import_opts *o)
{
	json_t *v = json_object();
	jx_set_str(v, "kind", kind);
	jx_set_str(v, "on_duplicate", o->on_duplicate == IMPORT_DUP_UPDATE ? "update" : "skip");
	jx_set_bool(v, "all_calls", o->all_calls);
	return v;
}

static void form_data(struct req *req, json_t *d, const char *kind, const struct import_opts *o)
{
	bool cdr = !strcmp(kind, "cdr");
	jx_set_str(d, "kind", kind);
	jx_set_bool(d, "is_cdr", cdr);
	jx_set_str(d, "action", cdr ? "/interactions/import-cdr" : "/relations/import");
	json_object_set_new(d, "values", values_of(kind, o));
	(void)req;
}

int api_import_form(struct req *req, struct resp *resp)
{
	const char *kind = req_query(req, "kind");
	bool cdr = !strncmp(req->path, "/interactions", 13) || (kind && !strcmp(kind, "cdr"));
	struct import_opts o = {0};
	form_data(req, resp_data(resp), cdr ? "cdr" : "relations", &o);
	return 0;
}

/* "Regel {line}: ..." texts of a report's rejected rows and actions, in the
 * reader's language, for pages. */
static const char *fill(struct req *req, const char *tmpl, const json_t *e)
{
	struct buf b;
	buf_init(&b, 4096);
	for (const char *p = tmpl; *p; p++) {
		const char *end = *p == '{' ? strchr(p, '}') : NULL;
		if (!end) {
			buf_addc(&b, *p);
			continue;
		}
		char key[32];
		snprintf(key, sizeof(key), "%.*s", (int)(end - p - 1), p + 1);
		json_t *v = json_object_get(e, key);
		if (json_is_string(v))
			buf_adds(&b, json_string_value(v));
		else if (json_is_integer(v))
			buf_add_int(&b, (long long)json_integer_value(v));
		p = end;
	}
	const char *s = arena_strdup(&req->arena, buf_str(&b));
	buf_cleanup(&b);
	return s;
}

/* A custom field's label ("custom:NAME" fields) as its columns give it. */
static void custom_labels(json_t *report, json_t *list)
{
	size_t i, j;
	json_t *e, *c;
	json_array_foreach(list, i, e) {
		const char *f = jx_str(e, "field");
		if (!f || strncmp(f, "custom:", 7))
			continue;
		json_array_foreach(json_object_get(report, "columns"), j, c)
			if (jx_str(c, "custom_label") && !strcmp(jx_str(c, "field"), f))
				jx_set_str(e, "field_label", jx_str(c, "custom_label"));
	}
}

static void page_labels(struct req *req, json_t *report)
{
	const struct i18n *cat = app_catalogs(req->app, req);
	size_t i;
	json_t *e;
	api_labels(req, json_object_get(report, "rejected"), "field", "import.fields");
	api_labels(req, json_object_get(report, "rows"), "field", "import.fields");
	custom_labels(report, json_object_get(report, "rejected"));
	custom_labels(report, json_object_get(report, "rows"));
	json_array_foreach(json_object_get(report, "rejected"), i, e) {
		const char *key = arena_printf(&req->arena, "import.reasons.%s", jx_str(e, "code"));
		jx_set_str(e, "reason_text", fill(req, i18n_text(cat, req->lang, key), e));
	}
	json_array_foreach(json_object_get(report, "rows"), i, e) {
		if (jx_str(e, "code")) {
			const char *key = arena_printf(&req->arena, "import.reasons.%s", jx_str(e, "code"));
			jx_set_str(e, "reason_text", fill(req, i18n_text(cat, req->lang, key), e));
		}
	}
	api_labels(req, json_object_get(report, "rows"), "action", "import.actions");
	api_labels(req, json_object_get(report, "rows"), "direction", "interactions.directions");
	api_labels(req, json_object_get(report, "columns"), "field", "import.fields");
	custom_labels(report, json_object_get(report, "columns"));
	const char *d = jx_str(report, "delimiter");
	jx_set_str(report, "delimiter_label",
		   i18n_text(cat, req->lang,
			     !strcmp(d, ";")    ? "import.delimiters.semicolon"
			     : !strcmp(d, "\t") ? "import.delimiters.tab"
						: "import.delimiters.comma"));
	json_t *c = json_object_get(report, "counts");
	jx_set_bool(report, "has_rejected_rows", jx_int(c, "rejected", 0) > 0);
}

/* Runs the import of kind over text. */
static int run(struct req *req, const char *kind, const char *text, size_t n, const char *charset,
	       const struct import_opts *o, json_t **report)
{
	struct actor who = req_actor(req);
	return !strcmp(kind, "cdr") ? import_cdr(req->db, &who, text, n, charset, o, report, &req->err)
				    : import_relations(req->db, &who, text, n, charset, o, report,
						       &req->err);
}

/* A request refused as a whole (options, or the file: file_key names its
 * message, NULL when fields already says what is wrong): for a browser the
 * form again, with the messages at their fields. */
static int refuse(struct req *req, struct resp *resp, const char *kind,
		  const struct import_opts *o, int rc, const char *file_key)
{
	json_t *d = resp_data(resp);
	if (!req->api) {
		form_data(req, d, kind, o);
		resp->view = "import_form";
	}
	if (rc == BRUG_EVALIDATION || (rc == BRUG_ETOOBIG && !req->api)) {
		json_t *f = json_object_get(d, "fields");
		if (!f)
			json_object_set_new(d, "fields", f = json_object());
		if (file_key)
			jx_set_str(f, "file", file_key);
		resp->status = rc == BRUG_ETOOBIG ? 413 : 422;
	}
	return rc;
}

/* The report as the answer: 422 when rows were rejected and so nothing
 * was written. */
static int answer(struct req *req, struct resp *resp, json_t *report, const struct import_opts *o)
{
	int64_t rejected = jx_int(json_object_get(report, "counts"), "rejected", 0);
	bool failed = !o->dry_run && !jx_bool(report, "written", false);
	resp_set_data(resp, report);
	if (!failed)
		return 0;
	resp->status = 422;
	return brug_failf(&req->err, BRUG_EVALIDATION, "import.error_rejected", NULL,
			  "%lld row%s rejected, so nothing was written (skip_invalid=true imports"
			  " the valid rows)",
			  (long long)rejected, rejected == 1 ? " was" : "s were");
}

static void preview_page(struct req *req, struct resp *resp, json_t *report, int64_t id,
			 const char *kind, const char *filename, const struct import_opts *o)
{
	page_labels(req, report);
	jx_set_int(report, "upload_id", id);
	jx_set_str(report, "filename", filename ? filename : "");
	jx_set_bool(report, "is_cdr", !strcmp(kind, "cdr"));
	jx_set_str(report, "confirm_action",
		   arena_printf(&req->arena, "/%s/import/%lld/confirm",
				!strcmp(kind, "cdr") ? "interactions" : "relations", (long long)id));
	jx_set_str(report, "back", !strcmp(kind, "cdr") ? "/interactions/import" : "/relations/import");
	json_object_set_new(report, "values", values_of(kind, o));
	resp_set_data(resp, report);
	resp->view = "import_preview";
}

static int start(struct req *req, struct resp *resp, const char *kind)
{
	struct import_opts o;
	json_t *mapping = NULL, *fields = json_object(), *report = NULL;
	const char *data = NULL, *name = NULL, *charset = NULL;
	char *text = NULL;
	size_t n = 0, len = 0;
	int64_t id = 0;
	int rc = 0;
	read_opts(req, fields, strcmp(kind, "cdr") != 0, &o, &mapping);
	if (!file_of(req, &data, &n, &name))
		jx_set_str(fields, "file", "import.error_no_file");
	if (json_object_size(fields)) {
		json_object_set(resp_data(resp), "fields", fields);
		rc = refuse(req, resp, kind, &o,
			    brug_fail(&req->err, BRUG_EVALIDATION, "error.validation_failed", NULL),
			    NULL);
		goto out;
	}
	if ((rc = import_decode(data, n, IMPORT_UPLOAD_MAX, &text, &len, &charset, &req->err))) {
		rc = refuse(req, resp, kind, &o, rc, req->err.key);
		goto out;
	}
	if (!req->api) {
		/* a browser sees a preview first, of the upload kept for the
		 * confirmation */
		struct actor who = req_actor(req);
		o.dry_run = true;
		if ((rc = import_upload_save(req->db, &who, kind, name, charset, text, &id)))
			goto out;
	}
	if ((rc = run(req, kind, text, len, charset, &o, &report))) {
		rc = refuse(req, resp, kind, &o, rc, req->err.key);
		goto out;
	}
	if (req->api)
		rc = answer(req, resp, report, &o);
	else
		preview_page(req, resp, report, id, kind, name, &o);
out:
	json_decref(mapping);
	json_decref(fields);
	free(text);
	return rc;
}

int api_import_relations(struct req *req, struct resp *resp)
{
	return start(req, resp, "relations");
}

int api_import_cdr(struct req *req, struct resp *resp)
{
	return start(req, resp, "cdr");
}

int api_import_confirm(struct req *req, struct resp *resp)
{
	int64_t id = 0;
	struct import_upload up = {0};
	struct actor who = req_actor(req);
	const char *kind = !strncmp(req->path, "/interactions", 13) ? "cdr" : "relations";
	int rc = req_param_id(req, "id", &id);
	if (!rc)
		rc = import_upload_get(req->db, &who, id, &up);
	if (!rc && strcmp(up.kind, kind))
		rc = BRUG_ENOTFOUND;
	if (rc) {
		import_upload_cleanup(&up);
		return rc == BRUG_ENOTFOUND
			       ? brug_fail(&req->err, rc, "import.error_upload_gone", NULL)
			       : rc;
	}
	struct import_opts o;
	json_t *mapping = NULL, *fields = json_object(), *report = NULL;
	read_opts(req, fields, strcmp(kind, "cdr") != 0, &o, &mapping);
	o.dry_run = false;
	rc = run(req, kind, up.text, up.len, up.charset, &o, &report);
	if (!rc && jx_bool(report, "written", false)) {
		import_upload_delete(req->db, &who, id);
		resp_set_data(resp, report);
		resp_redirect(resp, req, !strcmp(kind, "cdr") ? "/interactions" : "/relations",
			      jx_bool(report, "search_pending", false) ? "import.flash_done_indexing"
								       : "import.flash_done");
	} else if (!rc) {
		/* rows were rejected: the preview again, saying nothing was written */
		jx_set_bool(report, "failed", true);
		preview_page(req, resp, report, id, kind, up.filename, &o);
		resp->status = 422;
	}
	json_decref(mapping);
	json_decref(fields);
	import_upload_cleanup(&up);
	return rc;
}

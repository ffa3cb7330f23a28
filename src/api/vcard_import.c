/* SPDX-License-Identifier: Apache-2.0 */
/* Importing relations from a vCard file. The file comes as the raw body
 * (text/vcard), as the multipart field "file", or as the upload_id of a
 * file kept by an earlier preview. A browser always sees a preview first:
 * its upload is kept, the preview page shows what would happen, and its
 * confirmation imports the kept file and redirects (post/redirect/get). An
 * API client chooses with dry_run; a dry run keeps the file too and
 * answers its upload_id. */
#include "api/handlers.h"

#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "domain/vcard_import.h"
#include "util/jx.h"

static const char *const on_duplicate[] = {"skip", "update", NULL};
static const char *const options[] = {"dry_run", "on_duplicate", "skip_invalid", "upload_id"};

struct file {
	const char *data;
	size_t len;
	const char *name;
	char *owned; /* a kept upload's bytes */
	int64_t upload_id;
};

/* A raw body the router left alone (not a form, not JSON). */
static bool raw_body(const struct req *req)
{
	const char *ct = req_header(req, "content-type");
	return req->body_len && !req->json && !req->form.n && !req->files.n && ct &&
	       strncmp(ct, "multipart/", 10) != 0 &&
	       strncmp(ct, "application/x-www-form-urlencoded", 33) != 0;
}

/* The options from the form or JSON body, and for a raw body or a form
 * without them from the query string. */
static void read_options(struct req *req, struct input *in, struct vcard_import_options *opt,
			 int64_t *upload_id)
{
	if (!in->typed)
		for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
			if (!json_object_get(in->src, options[i]) && req_query(req, options[i]))
				jx_set_str(in->src, options[i], req_query(req, options[i]));
	opt->dry_run = in_bool(in, "dry_run", false);
	opt->skip_invalid = in_bool(in, "skip_invalid", false);
	const char *dup = in_enum(in, "on_duplicate", 0, on_duplicate);
	opt->update = dup && !strcmp(dup, "update");
	/* JSON has no file: its upload_id is the only way to name one */
	*upload_id = in_int(in, "upload_id", in->typed ? IN_REQUIRED : 0, 1, INT64_MAX, 0);
	json_t *v = in->values;
	jx_set_str(v, "on_duplicate", opt->update ? "update" : "skip");
	jx_set_bool(v, "skip_invalid", opt->skip_invalid);
}

/* The file: a kept upload, the multipart field "file", or the body. */
static int read_file(struct req *req, struct input *in, struct file *f)
{
	if (f->upload_id) {
		char *name = NULL;
		int rc = vcard_import_load(req->db, req->who.org_id, req->who.user_id, f->upload_id,
					   &f->owned, &f->len, &name);
		if (rc == BRUG_ENOTFOUND)
			return brug_fail(&req->err, rc, "transfer.error_upload", NULL);
		if (rc)
			return rc;
		f->data = f->owned;
		f->name = name ? arena_strdup(&req->arena, name) : NULL;
		free(name);
		return 0;
	}
	for (size_t i = 0; i < req->files.n; i++)
		if (!strcmp(req->files.v[i].field, "file")) {
			f->data = req->files.v[i].data;
			f->len = req->files.v[i].len;
			f->name = req->files.v[i].filename;
			return 0;
		}
	if (raw_body(req)) {
		f->data = req->body;
		f->len = req->body_len;
		return 0;
	}
	in_error(in, "file", "transfer.error_no_file");
	return 0;
}

/* The page's data: the report, the kept upload, the form's values. */
static void page_data(struct req *req, struct resp *resp, json_t *report, const struct file *f,
		      struct input *in)
{
	json_t *d = resp_data(resp);
	json_object_update(d, report);
	if (f->upload_id)
		jx_set_int(d, "upload_id", f->upload_id);
	if (f->name)
		jx_set_str(d, "filename", f->name);
	if (!req->api) {
		json_object_set(d, "values", in->values);
		jx_set_bool(d, "is_preview", true);
		api_labels(req, json_object_get(d, "preview"), "action", "transfer.actions");
	}
}

/* A file that holds no card at all is a mistake, not an empty import. */
static int check_cards(struct input *in, json_t *report)
{
	if (jx_int(report, "rows", 0) > 0)
		return 0;
	in_error(in, "file", "transfer.error_no_cards");
	return BRUG_EVALIDATION;
}

int api_relations_import_vcard(struct req *req, struct resp *resp)
{
	struct input in;
	struct file f = {0};
	struct vcard_import_options opt = {0};
	json_t *report = NULL;
	int rc = input_begin(req, &in);
	if (!rc) {
		read_options(req, &in, &opt, &f.upload_id);
		rc = read_file(req, &in, &f);
	}
	if (!rc && !input_ok(&in))
		rc = input_fail(&in, resp);
	if (rc)
		goto out;
	/* a browser's first post is always a preview of the file it sends */
	bool preview = opt.dry_run || (!req->api && !f.upload_id);
	opt.dry_run = preview;
	struct actor who = req_actor(req);
	rc = vcard_import_run(req->db, &who, f.data, f.len, &opt, &report, &req->err);
	if (!rc && check_cards(&in, report)) {
		rc = input_fail(&in, resp);
		goto out;
	}
	if (!rc && preview && !f.upload_id)
		rc = vcard_import_keep(req->db, req->who.org_id, req->who.user_id, f.name, f.data,
				       f.len, &f.upload_id);
	if (!rc && !preview && f.upload_id)
		rc = vcard_import_forget(req->db, req->who.org_id, f.upload_id);
	if (report)
		page_data(req, resp, report, &f, &in);
	if (rc == BRUG_EVALIDATION && !req->api) {
		resp->status = 422; /* the preview again, with what was rejected */
		rc = 0;
	} else if (!rc && !preview) {
		resp_redirect(resp, req,
			      arena_printf(&req->arena,
					   "/relations/import-vcard?created=%lld&updated=%lld"
					   "&skipped=%lld",
					   (long long)jx_int(report, "created", 0),
					   (long long)jx_int(report, "updated", 0),
					   (long long)jx_int(report, "skipped", 0)),
			      "transfer.flash_imported");
	}
out:
	json_decref(report);
	free(f.owned);
	input_end(&in);
	return rc;
}

int api_relations_import_vcard_form(struct req *req, struct resp *resp)
{
	json_t *d = resp_data(resp);
	json_t *v = json_object();
	jx_set_str(v, "on_duplicate", "skip");
	json_object_set_new(d, "values", v);
	const char *created = req_query(req, "created");
	if (created) {
		json_t *done = json_object();
		jx_set_int(done, "created", req_query_int(req, "created", 0, 0, INT64_MAX));
		jx_set_int(done, "updated", req_query_int(req, "updated", 0, 0, INT64_MAX));
		jx_set_int(done, "skipped", req_query_int(req, "skipped", 0, 0, INT64_MAX));
		json_object_set_new(d, "done", done);
	}
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Privacy of a person: the export of everything brug holds about them (a
 * JSON download, the same for browsers and API clients), and erasure, which
 * a browser confirms by typing the person's name on its own page. Managers
 * and administrators. */
#include "api/handlers.h"

#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "domain/privacy.h"
#include "domain/relation.h"
#include "util/jx.h"

static int rel_id(struct req *req, int64_t *id)
{
	int rc = req_param_id(req, "id", id);
	return rc ? brug_fail(&req->err, rc, "error.relation_not_found", NULL) : 0;
}

int api_privacy_export(struct req *req, struct resp *resp)
{
	int64_t id;
	json_t *doc = NULL;
	struct actor who = req_actor(req);
	int rc = rel_id(req, &id);
	if (rc || (rc = privacy_export(req->db, &who, id, &doc, &req->err)))
		return rc;
	char *text = json_dumps(doc, JSON_INDENT(2));
	json_decref(doc);
	if (!text)
		return brug_fail(&req->err, BRUG_EINTERNAL, "error.internal", NULL);
	buf_reset(&resp->body);
	buf_adds(&resp->body, text);
	buf_addc(&resp->body, '\n');
	free(text);
	resp->prebuilt = true;
	resp->content_type = "application/json; charset=utf-8";
	resp_header(resp, req, "Content-Disposition",
		    arena_printf(&req->arena,
				 "attachment; filename=\"brug-privacy-export-relation-%lld.json\"",
				 (long long)id));
	return 0;
}

/* The erase page's data: the person, and that it is one. */
static int erase_page(struct req *req, struct resp *resp, int64_t id)
{
	json_t *rel = NULL;
	int rc = relation_get(req->db, req->who.org_id, id, &rel);
	if (rc)
		return rc == BRUG_ENOTFOUND
			       ? brug_fail(&req->err, rc, "error.relation_not_found", NULL)
			       : rc;
	if (strcmp(jx_str(rel, "kind"), "person")) {
		json_decref(rel);
		return brug_fail(&req->err, BRUG_EVALIDATION, "privacy.errors.not_a_person", NULL);
	}
	json_object_set_new(resp_data(resp), "relation", rel);
	return 0;
}

int api_privacy_erase_form(struct req *req, struct resp *resp)
{
	int64_t id;
	int rc = rel_id(req, &id);
	return rc ? rc : erase_page(req, resp, id);
}

/* Whether typed names the person: case, accents and spacing aside. */
static bool confirmed(const char *typed, const char *name)
{
	char *a = relation_sort_key(typed), *b = relation_sort_key(name);
	bool same = *a && !strcmp(a, b);
	free(a);
	free(b);
	return same;
}

int api_privacy_erase(struct req *req, struct resp *resp)
{
	struct input in;
	int64_t id = 0;
	json_t *counts = NULL;
	int rc = input_begin_id(req, &in, "id", &id, "error.relation_not_found");
	if (rc || (rc = erase_page(req, resp, id)))
		goto out;
	/* a form must name the person; an API client may, as a check */
	const char *typed = in_text(&in, "confirm", in.typed ? 0 : IN_REQUIRED, 400);
	const char *name = jx_str(json_object_get(resp_data(resp), "relation"), "name");
	if (typed && *typed && !confirmed(typed, name))
		in_error(&in, "confirm", "privacy.errors.confirm");
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		goto out;
	}
	struct actor who = req_actor(req);
	if ((rc = privacy_erase(req->db, &who, id, &counts, &req->err)))
		goto out;
	json_t *d = json_object();
	jx_set_int(d, "id", id);
	jx_set_bool(d, "is_erased", true);
	json_object_set_new(d, "counts", counts);
	resp_set_data(resp, d);
	resp_redirect(resp, req, "/relations", "privacy.flash.erased");
out:
	input_end(&in);
	return rc;
}

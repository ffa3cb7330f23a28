/* SPDX-License-Identifier: Apache-2.0 */
/* Organisation settings for administrators: the name, the default
 * language (for users who chose none and browsers that state none) and the
 * time zone pages show times in. */
#include "api/handlers.h"

#include <stdio.h>
#include <string.h>

#include "api/common.h"
#include "domain/org.h"
#include "util/jx.h"

static int org_data(struct req *req, struct resp *resp)
{
	json_t *o = NULL;
	int rc = org_get(req->db, req->who.org_id, &o);
	if (rc)
		return rc;
	json_t *d = resp_data(resp);
	json_object_update_missing(d, o);
	if (!json_object_get(d, "values"))
		json_object_set_new(d, "values",
				    json_pack("{s:O,s:O,s:O}", "name", json_object_get(o, "name"), "lang",
					      json_object_get(o, "lang"), "timezone",
					      json_object_get(o, "timezone")));
	json_decref(o);
	return 0;
}

int api_org_show(struct req *req, struct resp *resp)
{
	return org_data(req, resp);
}

int api_org_update(struct req *req, struct resp *resp)
{
	struct input in;
	int rc = input_begin(req, &in);
	if (rc)
		goto out;
	const char *name = in_has(&in, "name") ? in_text(&in, "name", IN_REQUIRED, 200) : NULL;
	const char *lang = in_has(&in, "lang") ? in_enum(&in, "lang", IN_REQUIRED, api_langs) : NULL;
	const char *tz = in_has(&in, "timezone") ? in_text(&in, "timezone", IN_REQUIRED, 64) : NULL;
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		org_data(req, resp);
		goto out;
	}
	struct actor who = req_actor(req);
	rc = org_update(req->db, &who, name, lang, tz, &req->err);
	if (rc) {
		rc = input_fail_domain(&in, resp, rc);
		if (req->err.rc == BRUG_EVALIDATION)
			org_data(req, resp);
		goto out;
	}
	resp_redirect(resp, req, "/settings", "flash.saved");
	rc = org_data(req, resp);
out:
	input_end(&in);
	return rc;
}

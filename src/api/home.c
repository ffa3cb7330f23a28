/* SPDX-License-Identifier: Apache-2.0 */
/* The start page after signing in: the organisation at a glance and where
 * to go next. Later capabilities add their own panels here. */
#include "api/handlers.h"

#include "api/common.h"
#include "domain/team.h"
#include "domain/user.h"
#include "util/jx.h"

int api_home_show(struct req *req, struct resp *resp)
{
	int64_t users = 0, teams = 0, mine = 0;
	int rc = user_count(req->db, req->who.org_id, &users);
	if (!rc)
		rc = team_counts(req->db, req->who.org_id, req->who.user_id, &teams, &mine);
	if (rc)
		return rc;
	json_t *d = resp_data(resp);
	jx_set_int(d, "users", users);
	jx_set_int(d, "teams", teams);
	jx_set_int(d, "my_teams", mine);
	jx_set_bool(d, "no_teams", teams == 0);
	return 0;
}

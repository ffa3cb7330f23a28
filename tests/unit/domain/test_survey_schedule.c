/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the schedule of a relationship survey (src/domain/survey.c):
 * activation makes its "survey.wave" schedule with the next run on the
 * organisation's clock, a settings change moves it, closing removes it and
 * reopening brings it back; a bad or never-firing expression, an unknown
 * selection owner and a schedule on another kind are refused and change
 * nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#include "core/rc.h"
#include "domain/survey.h"
#include "util/clock.h"
#include "util/jx.h"

#define MONTHLY "0 9 1 * *"
#define QUARTERLY "0 9 1 1,4,7,10 *"

struct world {
	struct fx *f;
	int64_t a, ann;
	struct actor ann_a;
};

static struct world world(struct fx *f)
{
	struct world w = {.f = f};
	int64_t at = 0;
	/* a winter afternoon in Amsterdam (UTC+1), the organisation's zone */
	assert_true(clock_parse_iso8601("2026-01-15T12:00:00Z", &at));
	fx_shift(f, at - clock_now_ms());
	w.a = fx_org(f, "Acme");
	w.ann = fx_user(f, w.a, "ann@acme.nl", "Ann", ROLE_MANAGER);
	w.ann_a = fx_actor(w.a, w.ann, "ann@acme.nl", "192.0.2.1");
	return w;
}

static int64_t at_ms(const char *iso)
{
	int64_t at = 0;
	assert_true(clock_parse_iso8601(iso, &at));
	return at;
}

static int update(struct world *w, int64_t id, const char *status, const char *settings,
		  struct brug_err *err)
{
	json_t *set = settings ? json_loads(settings, 0, NULL) : NULL;
	assert_true(!settings || set);
	struct survey_fields sf = {.status = status, .settings = set};
	memset(err, 0, sizeof(*err));
	int rc = survey_update(w->f->db, &w->ann_a, id, &sf, err);
	json_decref(set);
	return rc;
}

static int64_t relationship(struct world *w, const char *settings)
{
	json_t *set = json_loads(settings, 0, NULL);
	struct survey_fields sf = {.name = "NPS", .settings = set};
	struct brug_err err = {0};
	int64_t id = 0;
	assert_int_equal(survey_create(w->f->db, &w->ann_a, &sf, "nps_relationship", &id, &err), 0);
	json_decref(set);
	return id;
}

/* The schedule row of survey id: its kind, payload and cron (asserted to
 * be exactly one), and next_run_at; 0 when there is none. */
static int64_t schedule_of(struct world *w, int64_t id, const char *cron)
{
	char name[48], payload[64];
	snprintf(name, sizeof(name), "survey.%lld", (long long)id);
	int64_t n = fx_int(w->f, "SELECT COUNT(*) FROM schedules WHERE org_id = ? AND name = ?",
			   DB_ARGS(DB_I(w->a), DB_T(name)));
	if (!n)
		return 0;
	snprintf(payload, sizeof(payload), "{\"survey_id\":%lld}", (long long)id);
	char *got = fx_text(w->f, "SELECT kind || ' ' || payload || ' ' || cron FROM schedules"
				  " WHERE org_id = ? AND name = ? AND enabled = 1",
			    DB_ARGS(DB_I(w->a), DB_T(name)));
	char want[200];
	snprintf(want, sizeof(want), "survey.wave %s %s", payload, cron);
	assert_string_equal(got, want);
	free(got);
	return fx_int(w->f, "SELECT next_run_at FROM schedules WHERE org_id = ? AND name = ?",
		      DB_ARGS(DB_I(w->a), DB_T(name)));
}

static int64_t next_at(struct world *w, int64_t id)
{
	json_t *s = NULL;
	assert_int_equal(survey_get(w->f->db, w->a, id, &s), 0);
	json_t *v = json_object_get(s, "schedule_next_at");
	int64_t at = 0;
	assert_true(json_is_null(v) || clock_parse_iso8601(json_string_value(v), &at));
	json_decref(s);
	return at;
}

static void test_follows_status(void **state)
{
	struct world w = world(*state);
	struct brug_err err;
	int64_t s = relationship(&w, "{\"schedule\":\"" MONTHLY "\"}");
	/* a draft has none */
	assert_int_equal(schedule_of(&w, s, MONTHLY), 0);
	assert_int_equal(next_at(&w, s), 0);
	assert_int_equal(update(&w, s, "active", NULL, &err), 0);
	/* 1 February 09:00 in Amsterdam is 08:00 UTC */
	int64_t feb = at_ms("2026-02-01T08:00:00Z");
	assert_int_equal(schedule_of(&w, s, MONTHLY), feb);
	assert_int_equal(next_at(&w, s), feb);
	/* quarterly: 1 April 09:00 is summer time, 07:00 UTC */
	assert_int_equal(update(&w, s, NULL, "{\"schedule\":\"" QUARTERLY "\"}", &err), 0);
	assert_int_equal(schedule_of(&w, s, QUARTERLY), at_ms("2026-04-01T07:00:00Z"));
	/* saving the same expression keeps the time it had */
	fx_shift(w.f, 3600 * 1000LL);
	assert_int_equal(update(&w, s, NULL, "{\"schedule\":\"" QUARTERLY "\",\"tags\":[\"vip\"]}",
				&err), 0);
	assert_int_equal(schedule_of(&w, s, QUARTERLY), at_ms("2026-04-01T07:00:00Z"));
	assert_int_equal(update(&w, s, "closed", NULL, &err), 0);
	assert_int_equal(schedule_of(&w, s, QUARTERLY), 0);
	assert_int_equal(next_at(&w, s), 0);
	assert_int_equal(update(&w, s, "active", NULL, &err), 0);
	assert_int_equal(schedule_of(&w, s, QUARTERLY), at_ms("2026-04-01T07:00:00Z"));
	/* settings without a schedule: none */
	assert_int_equal(update(&w, s, NULL, "{\"tags\":[\"vip\"]}", &err), 0);
	assert_int_equal(schedule_of(&w, s, QUARTERLY), 0);
	assert_int_equal(fx_int(w.f, "SELECT COUNT(*) FROM schedules", DB_NOARGS), 0);
}

static void test_refused(void **state)
{
	struct world w = world(*state);
	struct brug_err err;
	int64_t s = relationship(&w, "{\"schedule\":\"" MONTHLY "\"}");
	assert_int_equal(update(&w, s, "active", NULL, &err), 0);
	static const char *const bad[] = {
		"{\"schedule\":\"0 25 * * *\"}", "{\"schedule\":\"every month\"}",
		"{\"schedule\":\"\"}",           "{\"schedule\":\"0 0 30 2 *\"}",
		"{\"schedule\":9}",              "{\"schedule\":\"0 9 1 * *\",\"owner_id\":\"ann\"}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = update(&w, s, NULL, bad[i], &err);
		if (rc != BRUG_EVALIDATION)
			fail_msg("%s: rc %d", bad[i], rc);
		assert_string_equal(err.field, "settings");
	}
	assert_int_equal(update(&w, s, NULL, "{\"schedule\":\"0 25 * * *\"}", &err),
			 BRUG_EVALIDATION);
	assert_string_equal(err.key, "error.survey_schedule");
	assert_non_null(strstr(err.detail, "25"));
	/* an owner who is not the organisation's user */
	assert_int_equal(update(&w, s, NULL, "{\"schedule\":\"" QUARTERLY "\",\"owner_id\":999999}",
				&err), BRUG_EVALIDATION);
	assert_string_equal(err.key, "error.user_not_found");
	assert_string_equal(err.field, "settings");
	/* nothing changed */
	assert_int_equal(schedule_of(&w, s, MONTHLY), at_ms("2026-02-01T08:00:00Z"));
	/* only a relationship survey takes a schedule */
	struct survey_fields sf = {.name = "Link", .kind = "link",
				   .settings = json_pack("{s:s}", "schedule", MONTHLY)};
	int64_t id = 0;
	assert_int_equal(survey_create(w.f->db, &w.ann_a, &sf, NULL, &id, &err), BRUG_EVALIDATION);
	assert_string_equal(err.field, "settings");
	json_decref(sf.settings);
	/* a valid owner is kept */
	char good[120];
	snprintf(good, sizeof(good), "{\"schedule\":\"" MONTHLY "\",\"owner_id\":%lld}",
		 (long long)w.ann);
	assert_int_equal(update(&w, s, NULL, good, &err), 0);
	json_t *got = NULL;
	assert_int_equal(survey_get(w.f->db, w.a, s, &got), 0);
	fx_json_eq(json_object_get(got, "settings"), good);
	json_decref(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_follows_status),
		FX_TEST(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

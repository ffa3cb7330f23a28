/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/domain/survey_agg.c: the week (its Monday, across month
 * and year ends) and month of a moment on the organisation's clock, not
 * UTC's; counters that add up per grain and stay apart per organisation,
 * dimension and score. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#include "domain/survey_agg.h"

/* UTC ms of a UTC date and time (days from civil, as in the code under
 * test but written out here so a slip there does not hide). */
static int64_t utc(int y, int m, int d, int hh, int mm)
{
	static const int before[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
	int64_t days = (int64_t)(y - 1970) * 365 + before[m - 1] + d - 1;
	for (int k = 1970; k < y; k++)
		days += (k % 4 == 0 && k % 100 != 0) || k % 400 == 0;
	if (m > 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		days++;
	return ((days * 24 + hh) * 60 + mm) * 60000LL;
}

static void test_periods(void **state)
{
	(void)state;
	int64_t w, m;
	struct survey_periods p_;
	/* Thursday 1 January 2026: the week began on Monday 29 December 2025 */
	survey_agg_periods("Europe/Amsterdam", utc(2026, 1, 1, 12, 0), &p_);
	w = p_.week;
	m = p_.month;
	assert_int_equal(w, 20251229);
	assert_int_equal(m, 20260101);
	/* Sunday 1 March 2026 23:30 UTC is Monday 2 March 00:30 in Amsterdam */
	survey_agg_periods("Europe/Amsterdam", utc(2026, 3, 1, 23, 30), &p_);
	w = p_.week;
	m = p_.month;
	assert_int_equal(w, 20260302);
	assert_int_equal(m, 20260301);
	/* ... and still Sunday in UTC: week of Monday 23 February */
	survey_agg_periods("UTC", utc(2026, 3, 1, 23, 30), &p_);
	w = p_.week;
	m = p_.month;
	assert_int_equal(w, 20260223);
	assert_int_equal(m, 20260301);
	/* a Monday is its own week; an unknown zone is Amsterdam's */
	survey_agg_periods("No/Such_Zone", utc(2024, 2, 26, 10, 0), &p_);
	w = p_.week;
	m = p_.month;
	assert_int_equal(w, 20240226);
	assert_int_equal(m, 20240201);
	/* leap day, a Thursday */
	survey_agg_periods(NULL, utc(2024, 2, 29, 10, 0), &p_);
	w = p_.week;
	m = p_.month;
	assert_int_equal(w, 20240226);
	assert_int_equal(m, 20240201);
}

static int64_t n_of(struct fx *f, int64_t org, const char *grain, int64_t period, const char *dim,
		    const char *dv, int64_t score)
{
	return fx_int(f,
		      "SELECT COALESCE(SUM(n), 0) FROM survey_agg WHERE org_id = ? AND survey_id = 7"
		      " AND question_id = 0 AND grain = ? AND period = ? AND dim = ? AND dim_value = ?"
		      " AND score = ?",
		      DB_ARGS(DB_I(org), DB_T(grain), DB_I(period), DB_T(dim), DB_T(dv), DB_I(score)));
}

static void test_bump(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_org(f, "Acme"), b = fx_org(f, "Bolt");
	int64_t at = utc(2026, 1, 1, 12, 0);
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(survey_agg_bump(f->db, a, 7, 0, "", "", 0, 1, at), 0);
	assert_int_equal(survey_agg_bump(f->db, a, 7, 0, "", "", 0, 1, at), 0);
	assert_int_equal(survey_agg_bump(f->db, a, 7, 0, "", "", 1, 1, at), 0);
	assert_int_equal(survey_agg_bump(f->db, a, 7, 0, "channel", "phone", 0, 5, at), 0);
	assert_int_equal(survey_agg_bump(f->db, b, 7, 0, "", "", 0, 1, at), 0);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(n_of(f, a, "w", 20251229, "", "", 0), 2);
	assert_int_equal(n_of(f, a, "m", 20260101, "", "", 0), 2);
	assert_int_equal(n_of(f, a, "w", 20251229, "", "", 1), 1);
	assert_int_equal(n_of(f, a, "m", 20260101, "channel", "phone", 0), 5);
	assert_int_equal(n_of(f, b, "w", 20251229, "", "", 0), 1);
	/* a negative delta takes back */
	assert_int_equal(survey_agg_bump(f->db, a, 7, 0, "", "", 0, -1, at), 0);
	assert_int_equal(n_of(f, a, "w", 20251229, "", "", 0), 1);
	assert_int_equal(n_of(f, a, "m", 20260101, "", "", 0), 1);
	/* rolled back with the write it counted */
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(survey_agg_bump(f->db, a, 7, 0, "", "", 0, 1, at), 0);
	db_rollback(f->db);
	assert_int_equal(n_of(f, a, "w", 20251229, "", "", 0), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_periods),
		FX_TEST(test_bump),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* The demo's feedback: a year of it, so a newcomer's dashboard shows
 * trends, themes and open cases. An NPS relationship survey goes out in
 * weekly waves to a slice of the customers, and a CSAT survey after a
 * sample of contact moments; about half answer, a score and often a few
 * words. The NPS climbs over the year and differs by team, as a real
 * improvement effort would show. Everything goes through the domain
 * functions at the moment it would have happened (the clock is shifted
 * back), so aggregates, cases and the audit log are what real use makes;
 * most older cases are resolved. Fixed seed: every demo is the same. */
#include "cli/demo_feedback.h"

#include <string.h>

#include "domain/feedback_config.h"
#include "domain/survey.h"
#include "domain/survey_answer.h"
#include "domain/survey_case.h"
#include "domain/survey_invite.h"
#include "util/clock.h"
#include "util/jx.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define DAY_MS (24 * 3600 * 1000LL)
#define WEEKS 52
#define WAVE 14 /* people asked per week */

#define rnd demo_rnd
#define PICK(a) (a[rnd(N(a))])

/* Open answers by mood, in the words customers use (they name the themes
 * of the default dictionary: bereikbaarheid, snelheid, prijs, ...). */
static const char *const praise[] = {
	"Snel geholpen en heel vriendelijk te woord gestaan.",
	"De monteur was deskundig en legde alles duidelijk uit.",
	"Goede communicatie over de planning, ik wist steeds waar ik aan toe was.",
	"Betrouwbaar: ze komen hun afspraken altijd na.",
	"Prima prijs voor wat je krijgt, en de installatie werkt perfect.",
	"Telefonisch goed bereikbaar en meteen een oplossing.",
	"Vriendelijke mensen die weten waar ze het over hebben.",
};
static const char *const neutral[] = {
	"Het ging wel, maar de wachttijd aan de telefoon kan korter.",
	"Goed geholpen, al duurde het even voordat de monteur kwam.",
	"Redelijk, de prijs is aan de hoge kant.",
	"Prima, maar ik had graag eerder een bevestiging per mail gehad.",
};
static const char *const complaints[] = {
	"Slecht bereikbaar, ik heb drie keer gebeld voordat ik iemand sprak.",
	"De factuur klopte niet en niemand belde terug.",
	"Veel te duur voor wat je krijgt.",
	"Het duurde weken voordat de storing verholpen was.",
	"Onvriendelijk te woord gestaan aan de telefoon.",
	"Afspraak niet nagekomen, de monteur kwam gewoon niet opdagen.",
	"Niemand weet wat de ander heeft beloofd, ik moest alles steeds opnieuw uitleggen.",
};
static const char *const english[] = {
	"Quick and friendly help, thank you.",
	"Hard to reach by phone, and nobody called back.",
	"The engineer knew exactly what to do.",
	"Too expensive for what you get.",
};

/* An NPS score for week w of the year (0 = a year ago): promoters rise
 * from 35% to 58%, detractors fall from 27% to 12%. */
static int nps_score(int w)
{
	uint32_t p = 35 + (uint32_t)(23 * w / (WEEKS - 1)), d = 27 - (uint32_t)(15 * w / (WEEKS - 1));
	uint32_t x = rnd(100);
	if (x < p)
		return 9 + (int)rnd(2);
	if (x < p + d)
		return (int)rnd(7);
	return 7 + (int)rnd(2);
}

/* A CSAT score: service and planning do well, debt collection less so. */
static int csat_score(const char *team)
{
	uint32_t good = !strcmp(team, "Klantenservice") ? 82
			: !strcmp(team, "Debiteurenbeheer") ? 55 : 72;
	uint32_t x = rnd(100);
	return x < good ? 4 + (int)rnd(2) : x < good + 12 ? 3 : 1 + (int)rnd(2);
}

static const char *words_for(int score, int top)
{
	if (rnd(10) < 4)
		return NULL; /* many leave the open question empty */
	if (!rnd(12))
		return PICK(english);
	return score * 10 >= top * 9 ? PICK(praise) : score * 10 >= top * 7 ? PICK(neutral)
									   : PICK(complaints);
}

/* Moves the clock to at (the caller undoes *shift at the end). */
static void clock_to(int64_t at, int64_t *shift)
{
	int64_t d = at - clock_now_ms();
	clock_shift_ms(d);
	*shift += d;
}

static int answer(struct db *db, int64_t inv, const char *score_key, int score,
		  const char *text_key, const char *text, struct brug_err *err)
{
	json_t *a = json_object();
	jx_set_int(a, score_key, score);
	if (text)
		jx_set_str(a, text_key, text);
	struct survey_save res;
	int rc = survey_answer_save(db, inv, a, true, &res, err);
	json_decref(a);
	return rc;
}

static int make_survey(struct db *db, const struct actor *who, const char *tpl, const char *name,
		       int64_t owner, int64_t *id, struct brug_err *err)
{
	struct survey_fields f = {.name = name, .owner_id = owner};
	int rc = survey_create(db, who, &f, tpl, id, err);
	struct survey_fields on = {.status = "active"};
	return rc ? rc : survey_update(db, who, *id, &on, err);
}

/* One weekly wave of the NPS survey to WAVE people, and its answers. */
static int wave(struct db *db, const struct actor *who, int64_t survey, int w,
		const struct demo_crm_made *m, size_t *next, int64_t start, int64_t *shift,
		struct brug_err *err)
{
	clock_to(start + (int64_t)w * 7 * DAY_MS, shift);
	json_t *ids = json_array();
	for (int i = 0; i < WAVE && m->n_people; i++)
		json_array_append_new(ids, json_integer(m->people[(*next)++ % m->n_people]));
	struct survey_selection sel = {.relation_ids = ids};
	json_t *result = NULL;
	int rc = survey_invite_wave(db, who, survey, &sel, &result, err);
	json_decref(result);
	json_decref(ids);
	struct db_rows *r = NULL;
	if (!rc)
		rc = db_query(db, &r,
			      "SELECT id FROM survey_invitations WHERE org_id = ? AND survey_id = ?"
			      " AND status = 'pending' ORDER BY id",
			      DB_ARGS(DB_I(who->org_id), DB_I(survey)));
	int64_t pending[WAVE];
	size_t n = 0;
	while (!rc && n < WAVE && db_next(r) == 1)
		pending[n++] = db_int(r, 0);
	db_rows_free(r);
	for (size_t i = 0; !rc && i < n; i++) {
		rc = survey_invite_mark_sent(db, who->org_id, pending[i], clock_now_ms(), 0);
		if (rc || rnd(100) >= 48) /* about half answer */
			continue;
		int64_t back = *shift;
		clock_to(clock_now_ms() + (int64_t)rnd(72) * 3600000, shift);
		int s = nps_score(w);
		rc = answer(db, pending[i], "nps", s, "reason", words_for(s, 10), err);
		clock_to(clock_now_ms() - (*shift - back), shift);
	}
	return rc;
}

/* CSAT after a sample of contact moments, an hour or two after each. */
static int after_contacts(struct db *db, const struct actor *who, int64_t survey,
			  const struct demo_crm_made *m, int64_t *shift, struct brug_err *err)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < m->n_contacts; i++) {
		clock_to(m->contacts[i].at + 3600000, shift);
		int64_t inv = 0;
		bool pending = false;
		rc = survey_invite_for_interaction(db, who->org_id, survey, m->contacts[i].id, &inv,
						   &pending);
		if (rc || !pending)
			continue;
		rc = survey_invite_mark_sent(db, who->org_id, inv, clock_now_ms(), 0);
		if (rc || rnd(100) >= 45)
			continue;
		clock_to(clock_now_ms() + (int64_t)(1 + rnd(20)) * 3600000, shift);
		int s = csat_score(m->contacts[i].team);
		rc = answer(db, inv, "csat", s, "comment", words_for(s, 5), err);
	}
	return rc;
}

/* Most cases older than a week were handled: contacted, then resolved,
 * mostly within their deadline. */
static int handle_cases(struct db *db, const struct actor *who, int64_t *shift,
			struct brug_err *err)
{
	struct db_rows *r = NULL;
	int64_t ids[2048], at[2048];
	size_t n = 0;
	int64_t now = clock_now_ms() - *shift;
	int rc = db_query(db, &r,
			  "SELECT id, created_at FROM survey_cases WHERE org_id = ? AND created_at < ?"
			  " ORDER BY id",
			  DB_ARGS(DB_I(who->org_id), DB_I(now - 7 * DAY_MS)));
	while (!rc && n < N(ids) && db_next(r) == 1) {
		ids[n] = db_int(r, 0);
		at[n++] = db_int(r, 1);
	}
	db_rows_free(r);
	for (size_t i = 0; !rc && i < n; i++) {
		if (rnd(10) == 0)
			continue; /* a few are still open: overdue on the dashboard */
		clock_to(at[i] + (int64_t)(2 + rnd(30)) * 3600000, shift);
		rc = survey_case_update(db, who, ROLE_ADMIN, ids[i],
					&(struct survey_case_change){.status = "contacted", .assignee_id = -1}, err);
		clock_to(clock_now_ms() + (int64_t)(4 + rnd(60)) * 3600000, shift);
		if (!rc && rnd(8))
			rc = survey_case_update(db, who, ROLE_ADMIN, ids[i],
						&(struct survey_case_change){.status = "resolved",
									      .assignee_id = -1},
						err);
	}
	return rc;
}

int demo_feedback_fill(struct db *db, const struct actor *who, const struct demo_crm_made *m,
		       int64_t owner, struct brug_err *err)
{
	int64_t nps = 0, csat = 0, shift = 0;
	/* a service desk with many contacts asks a person at most every two weeks */
	struct feedback_config fc;
	int rc = feedback_config_get(db, who->org_id, &fc);
	fc.contact_days = 14;
	if (!rc)
		rc = feedback_config_set(db, who, &fc, err);
	if (!rc)
		rc = make_survey(db, who, "nps_relationship", "Klanttevredenheid (NPS)", owner, &nps,
			     err);
	if (!rc)
		rc = make_survey(db, who, "csat_contact", "Na uw contact (CSAT)", owner, &csat, err);
	/* a Monday a year ago, at nine (UTC; 1 January 1970 was a Thursday) */
	int64_t start = clock_now_ms() - (int64_t)WEEKS * 7 * DAY_MS;
	start -= (start - 4 * DAY_MS) % (7 * DAY_MS);
	start += 9 * 3600000;
	size_t next = 0;
	for (int w = 0; !rc && w < WEEKS; w++)
		rc = wave(db, who, nps, w, m, &next, start, &shift, err);
	if (!rc)
		rc = after_contacts(db, who, csat, m, &shift, err);
	if (!rc)
		rc = handle_cases(db, who, &shift, err);
	clock_shift_ms(-shift);
	return rc;
}

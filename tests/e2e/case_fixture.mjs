// SPDX-License-Identifier: Apache-2.0
// A follow-up case made straight in the database, for browser tests of the
// case pages while the public answer path is built apart: an answered
// invitation of a relation (NPS score and an open answer) and the case the
// answer path would open for it (domain/survey_case.c; the C tests drive
// survey_case_open itself). Plain SQL that runs on SQLite and PostgreSQL.
import { sql } from './lib.mjs';

/** Opens a case for relation in survey (of organisation org), assigned to
 * assignee, with score and text; answers the case's id. */
export async function openCase(db, { org = 1, survey, relation, assignee, handler = assignee, score = 3, text = 'Niemand belde terug' }) {
  const now = Date.now();
  const inv = Number(await sql(db, `INSERT INTO survey_invitations (org_id, survey_id, relation_id, handler_id, status, channel,
    sent_at, answered_at, expires_at, created_at, updated_at) VALUES (${org}, ${survey}, ${relation}, ${handler}, 'sent', 'phone',
    ${now}, ${now}, ${now + 30 * 86400000}, ${now}, ${now}) RETURNING id`));
  await sql(db, `INSERT INTO survey_answers (org_id, invitation_id, question_id, score, answered_at)
    SELECT ${org}, ${inv}, id, ${score}, ${now} FROM survey_questions WHERE org_id = ${org} AND survey_id = ${survey} AND type = 'nps'`);
  await sql(db, `INSERT INTO survey_answers (org_id, invitation_id, question_id, text, answered_at)
    SELECT ${org}, ${inv}, MIN(id), '${text.replaceAll("'", "''")}', ${now} FROM survey_questions
    WHERE org_id = ${org} AND survey_id = ${survey} AND type = 'text'`);
  return Number(await sql(db, `INSERT INTO survey_cases (org_id, invitation_id, survey_id, relation_id, assignee_id, score,
    due_at, created_at, updated_at) VALUES (${org}, ${inv}, ${survey}, ${relation}, ${assignee}, ${score},
    ${now + 2 * 86400000}, ${now}, ${now}) RETURNING id`));
}

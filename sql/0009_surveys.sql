-- SPDX-License-Identifier: Apache-2.0
-- Surveys and their questions (issue 5, first slice). A survey is made
-- empty or from a shipped template (textdata/survey_templates.json); its
-- kind decides later how invitations go out (a relationship wave, after an
-- interaction, or an always-open link), with the kind's options in
-- settings (JSON text, checked in domain/survey.c). Texts are kept in
-- Dutch and English; an invitee sees their own language, else the other.

CREATE TABLE surveys (
  id @ID@,
  org_id BIGINT NOT NULL REFERENCES orgs (org_id),
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('relationship', 'transactional', 'link')),
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'closed')),
  template TEXT NOT NULL DEFAULT '',
  owner_id BIGINT,
  intro_nl TEXT NOT NULL DEFAULT '',
  intro_en TEXT NOT NULL DEFAULT '',
  thanks_nl TEXT NOT NULL DEFAULT '',
  thanks_en TEXT NOT NULL DEFAULT '',
  settings TEXT NOT NULL DEFAULT '{}',
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX surveys_org_status ON surveys (org_id, status, id);

-- The questions of a survey in order. key is stable for the survey's
-- lifetime: answers (a later slice) refer to the question and read their
-- meaning from type and options, which is why type and the keys of
-- choices are frozen once a survey has been active, and why a question
-- removed from such a survey is retired (retired_at), not deleted.
-- options: JSON text, per type: a scale {"min","max","low_nl",...}, choices
-- {"choices":[{"key","nl","en"}]}, open text {"max"}.
CREATE TABLE survey_questions (
  id @ID@,
  org_id BIGINT NOT NULL,
  survey_id BIGINT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
  position BIGINT NOT NULL,
  key TEXT NOT NULL,
  type TEXT NOT NULL
    CHECK (type IN ('nps', 'csat', 'ces', 'rating', 'single', 'multiple', 'text', 'yesno')),
  required BIGINT NOT NULL DEFAULT 0,
  text_nl TEXT NOT NULL DEFAULT '',
  text_en TEXT NOT NULL DEFAULT '',
  options TEXT NOT NULL DEFAULT '{}',
  retired_at BIGINT,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX survey_questions_org_key ON survey_questions (org_id, survey_id, key);
CREATE INDEX survey_questions_org_pos ON survey_questions (org_id, survey_id, position);

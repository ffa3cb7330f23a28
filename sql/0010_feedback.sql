-- SPDX-License-Identifier: Apache-2.0
-- The feedback loop (issue 5): invitations and their mail, answers, the
-- aggregates dashboards read, follow-up cases for detractors, opt-outs and
-- webhooks. Times are BIGINT Unix ms; periods are calendar dates on the
-- organisation's clock written as the number YYYYMMDD.

-- One person asked to answer one survey, or one visit of a survey's
-- always-open link (relation_id NULL, status 'link'). The public answer
-- page is reached by a token that is not stored: it is the invitation id
-- with an HMAC under the installation secret (domain/survey_token.c), so a
-- forged or altered link is refused without a look-up and a reminder can
-- carry the same link as the first mail.
-- status: pending (made; its mail not yet built), skipped (not sent, see
-- skip_reason: recent_contact, open_case, unsubscribed, no_email, erased,
-- closed), sent (its mail is in mail_outbox, which says whether it left),
-- failed (the mail could not be delivered), link.
-- The contact's context (handler, role, channel, interaction) is copied in
-- when the invitation is made so that results break down by it even after
-- the interaction changes. dims is the breakdown of the invitation's
-- answers, frozen at its first answer (a JSON object: type, tags, teams,
-- user, role, channel), so later changes of a relation's tags or a user's
-- teams never make the aggregates subtract from a group that was never
-- added to.
CREATE TABLE survey_invitations (
  id @ID@,
  org_id BIGINT NOT NULL,
  survey_id BIGINT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
  relation_id BIGINT,
  interaction_id BIGINT,
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'skipped', 'sent', 'failed', 'link')),
  skip_reason TEXT NOT NULL DEFAULT '',
  lang TEXT NOT NULL DEFAULT 'nl' CHECK (lang IN ('nl', 'en')),
  email TEXT NOT NULL DEFAULT '',
  handler_id BIGINT,
  role_id BIGINT,
  channel TEXT NOT NULL DEFAULT '',
  dims TEXT NOT NULL DEFAULT '',
  sent_at BIGINT,
  reminded_at BIGINT,
  opened_at BIGINT,
  answered_at BIGINT,
  completed_at BIGINT,
  expires_at BIGINT NOT NULL,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX survey_invitations_org_survey ON survey_invitations (org_id, survey_id, status, id);
CREATE INDEX survey_invitations_org_relation ON survey_invitations (org_id, relation_id, created_at);
CREATE INDEX survey_invitations_org_handler ON survey_invitations (org_id, handler_id, answered_at);

-- One answer to one question of one invitation; a later answer to the same
-- question replaces it (a second submission never counts twice). score:
-- the scale value (yes/no: 1/0); choices: a JSON list of choice keys;
-- text: an open answer, with the themes found in it (a JSON list of theme
-- keys) and its sentiment (-100..100).
CREATE TABLE survey_answers (
  org_id BIGINT NOT NULL,
  invitation_id BIGINT NOT NULL REFERENCES survey_invitations (id) ON DELETE CASCADE,
  question_id BIGINT NOT NULL,
  score BIGINT,
  choices TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL DEFAULT '',
  themes TEXT NOT NULL DEFAULT '',
  sentiment BIGINT,
  answered_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, invitation_id, question_id)
);

-- What dashboards read: how many answers of question_id had score, per
-- period and per breakdown, kept in the same transaction as every answer
-- (domain/survey_answer.c), so a dashboard's cost grows with the periods
-- and groups shown, never with the number of answers.
-- grain: 'w' (period = the Monday of the ISO week) or 'm' (the 1st of the
-- month); period: YYYYMMDD of the invitation's first answer on the
-- organisation's clock.
-- dim / dim_value: '' / '' (everything), 'type' / relation type, 'tag' /
-- tag id, 'team' / team id, 'user' / handler id, 'role' / role id,
-- 'channel' / channel, 'theme' / theme key (answers whose invitation has an
-- open answer mentioning the theme).
-- question_id 0 holds the invitation counters with dim '': score 0 sent,
-- 1 answered (at least one answer), 2 completed; and, with dim 'theme',
-- mentions of the theme by sentiment (score -1, 0, 1).
CREATE TABLE survey_agg (
  org_id BIGINT NOT NULL,
  survey_id BIGINT NOT NULL,
  question_id BIGINT NOT NULL,
  grain TEXT NOT NULL,
  dim TEXT NOT NULL,
  period BIGINT NOT NULL,
  dim_value TEXT @BYTES@ NOT NULL,
  score BIGINT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (org_id, survey_id, question_id, grain, dim, period, dim_value, score)
) @CLUSTERED@;

-- A follow-up for a detractor (0-6): assigned to the relation's owner,
-- else the survey's owner, due after two working days by default.
CREATE TABLE survey_cases (
  id @ID@,
  org_id BIGINT NOT NULL,
  invitation_id BIGINT NOT NULL REFERENCES survey_invitations (id) ON DELETE CASCADE,
  survey_id BIGINT NOT NULL,
  relation_id BIGINT,
  assignee_id BIGINT,
  score BIGINT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'contacted', 'resolved')),
  due_at BIGINT NOT NULL,
  contacted_at BIGINT,
  resolved_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX survey_cases_org_invitation ON survey_cases (org_id, invitation_id);
CREATE INDEX survey_cases_org_status ON survey_cases (org_id, status, due_at);
CREATE INDEX survey_cases_org_assignee ON survey_cases (org_id, assignee_id, status, due_at);
CREATE INDEX survey_cases_org_relation ON survey_cases (org_id, relation_id);

CREATE TABLE survey_case_notes (
  id @ID@,
  org_id BIGINT NOT NULL,
  case_id BIGINT NOT NULL REFERENCES survey_cases (id) ON DELETE CASCADE,
  user_id BIGINT,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX survey_case_notes_case ON survey_case_notes (org_id, case_id, id);

-- People who asked never to be surveyed again (the unsubscribe link).
CREATE TABLE survey_optouts (
  org_id BIGINT NOT NULL,
  relation_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, relation_id)
);

-- Every mail brug sends, as the bytes that go out: queued, then sent or
-- failed by the mail.send job (attempts, last_error), or held when no SMTP
-- server is configured (the administrator reads it on the outbox page).
-- kind and ref_id say what it is about: invitation, reminder (ref: the
-- invitation), case (ref: the case).
CREATE TABLE mail_outbox (
  id @ID@,
  org_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  ref_id BIGINT,
  to_addr TEXT NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed', 'held')),
  attempts BIGINT NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  sent_at BIGINT
);
CREATE INDEX mail_outbox_org ON mail_outbox (org_id, status, id);
CREATE INDEX mail_outbox_org_ref ON mail_outbox (org_id, kind, ref_id);

-- Webhook subscriptions and their deliveries (Standard Webhooks: the
-- secret is "whsec_" and base64 of 32 random bytes; events a JSON list of
-- 'answer.received', 'answer.detractor').
CREATE TABLE webhooks (
  id @ID@,
  org_id BIGINT NOT NULL,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  events TEXT NOT NULL DEFAULT '[]',
  active BIGINT NOT NULL DEFAULT 1,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX webhooks_org ON webhooks (org_id, id);

CREATE TABLE webhook_deliveries (
  id @ID@,
  org_id BIGINT NOT NULL,
  webhook_id BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event TEXT NOT NULL,
  msg_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts BIGINT NOT NULL DEFAULT 0,
  response_status BIGINT,
  last_error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  delivered_at BIGINT
);
CREATE INDEX webhook_deliveries_org ON webhook_deliveries (org_id, webhook_id, id);

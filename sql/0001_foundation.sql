-- SPDX-License-Identifier: Apache-2.0
-- Foundation: organisations (tenants), users, teams, sessions, API tokens,
-- the audit log, rate-limit windows and settings.
-- Portable SQL for SQLite and PostgreSQL: BIGINT for integers (times are UTC
-- Unix milliseconds), TEXT for strings, @ID@ for an auto-assigned key.
-- Every table has org_id and every index starts with it, except the two
-- installation-wide look-ups (logins by email, and rate limits and settings
-- whose org_id is 0 for the installation); see docs/internals/db.md.

CREATE TABLE orgs (
  org_id @ID@,
  name TEXT NOT NULL,
  lang TEXT NOT NULL DEFAULT 'nl',
  timezone TEXT NOT NULL DEFAULT 'Europe/Amsterdam',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE users (
  id @ID@,
  org_id BIGINT NOT NULL REFERENCES orgs (org_id),
  email TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'employee')),
  lang TEXT,
  password_hash TEXT NOT NULL,
  disabled_at BIGINT,
  last_login_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_org_email ON users (org_id, email);

-- Which organisation an email address signs in to: login forms ask only for
-- an email and a password. Kept in step with users in the same transaction.
CREATE TABLE logins (
  email TEXT PRIMARY KEY,
  org_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL
);

CREATE TABLE teams (
  id @ID@,
  org_id BIGINT NOT NULL REFERENCES orgs (org_id),
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX teams_org_name ON teams (org_id, lower(name));

CREATE TABLE team_members (
  org_id BIGINT NOT NULL,
  team_id BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  lead SMALLINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (org_id, user_id);

CREATE TABLE sessions (
  id @ID@,
  org_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX sessions_token ON sessions (org_id, token_hash);
CREATE INDEX sessions_user ON sessions (org_id, user_id);
CREATE INDEX sessions_expiry ON sessions (org_id, expires_at);

CREATE TABLE api_tokens (
  id @ID@,
  org_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  hint TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  expires_at BIGINT,
  revoked_at BIGINT
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (org_id, token_hash);
CREATE INDEX api_tokens_user ON api_tokens (org_id, user_id);

CREATE TABLE audit_log (
  id @ID@,
  org_id BIGINT NOT NULL,
  at BIGINT NOT NULL,
  actor_id BIGINT,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id BIGINT,
  details TEXT NOT NULL DEFAULT '{}',
  ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_org ON audit_log (org_id, id);
CREATE INDEX audit_log_object ON audit_log (org_id, object_type, object_id);

CREATE TABLE rate_limits (
  org_id BIGINT NOT NULL,
  bucket TEXT NOT NULL,
  window_start BIGINT NOT NULL,
  hits BIGINT NOT NULL,
  PRIMARY KEY (org_id, bucket)
);

CREATE TABLE settings (
  org_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (org_id, name)
);

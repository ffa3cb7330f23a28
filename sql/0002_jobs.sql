-- SPDX-License-Identifier: Apache-2.0
-- The durable job queue and recurring schedules (src/db/jobs.c).
-- A job is queued, then running under a lease (locked_by, locked_until), then
-- done, or failed once max_attempts tries have failed. A worker that dies
-- leaves its lease to expire; the job is then queued again.
-- The queue is installation-wide: workers claim the next due job whatever
-- its organisation, so its two partial indexes start with the time, not
-- org_id (docs/internals/db.md). Every row still carries its org_id (0 for
-- installation jobs such as housekeeping).

CREATE TABLE jobs (
  id @ID@,
  org_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
  run_at BIGINT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0,
  max_attempts BIGINT NOT NULL DEFAULT 8,
  lease_ms BIGINT NOT NULL DEFAULT 60000,
  locked_by TEXT,
  locked_until BIGINT,
  last_error TEXT,
  schedule_id BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  finished_at BIGINT
);
CREATE INDEX jobs_org ON jobs (org_id, state, id);
CREATE INDEX jobs_queued ON jobs (run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_running ON jobs (locked_until) WHERE state = 'running';

CREATE TABLE schedules (
  id @ID@,
  org_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL DEFAULT '{}',
  cron TEXT NOT NULL,
  enabled SMALLINT NOT NULL DEFAULT 1,
  next_run_at BIGINT NOT NULL,
  last_run_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX schedules_org_name ON schedules (org_id, name);
CREATE INDEX schedules_due ON schedules (next_run_at) WHERE enabled = 1;

-- SPDX-License-Identifier: Apache-2.0
-- Imports (src/domain/import*.c). An upload waits here, as UTF-8 text,
-- between its preview and its confirmation; housekeeping removes uploads
-- older than a day. interactions.source holds "import:cdr:<uniqueid>" for
-- an imported call, so a second import of the same call log finds the
-- calls it already has through interactions_org_source.
CREATE TABLE import_uploads (
  id @ID@,
  org_id BIGINT NOT NULL REFERENCES orgs (org_id),
  user_id BIGINT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('relations', 'cdr')),
  filename TEXT NOT NULL DEFAULT '',
  charset TEXT NOT NULL,
  content TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX import_uploads_org ON import_uploads (org_id, user_id, id);

CREATE INDEX interactions_org_source ON interactions (org_id, source);

-- People are found by organisation and name (duplicates of an import, an
-- organisation's people in name order): one index serves both, and also
-- the people without an organisation (parent_id IS NULL).
DROP INDEX relations_org_parent;
CREATE INDEX relations_org_parent ON relations (org_id, parent_id, sort_key, id);

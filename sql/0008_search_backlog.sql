-- Search index writes for bulk imports (docs/internals/search.md):
-- - search_terms is stored in its primary key's B-tree on SQLite (WITHOUT
--   ROWID): one B-tree fewer to write per entry, and a query's entries are
--   read from the key without a second look-up;
-- - search_backlog: ranges of objects an import wrote without indexing them
--   (too many for its own transaction), indexed afterwards a few thousand at
--   a time; search_backlog_run in domain/search_index.c.

CREATE TABLE search_terms_v5 (
  org_id BIGINT NOT NULL,
  term TEXT @BYTES@ NOT NULL,
  object_kind TEXT NOT NULL,
  object_id BIGINT NOT NULL,
  PRIMARY KEY (org_id, object_kind, term, object_id)
)@CLUSTERED@;
INSERT INTO search_terms_v5 (org_id, term, object_kind, object_id)
  SELECT org_id, term, object_kind, object_id FROM search_terms;
DROP TABLE search_terms;
ALTER TABLE search_terms_v5 RENAME TO search_terms;
CREATE INDEX search_terms_object ON search_terms (org_id, object_kind, object_id, term);

CREATE TABLE search_backlog (
  id @ID@,
  org_id BIGINT NOT NULL,
  object_kind TEXT NOT NULL,
  first_id BIGINT NOT NULL,
  last_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX search_backlog_org ON search_backlog (org_id, id);

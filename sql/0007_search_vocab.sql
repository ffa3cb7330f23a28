-- SPDX-License-Identifier: Apache-2.0
-- Search that stays fast over millions of objects (src/domain/search_plan.c,
-- docs/internals/search.md):
-- - search_terms keyed by (org_id, object_kind, term, object_id), so the
--   objects of one kind holding a term, or any term of a prefix range, lie
--   together in id order (they were interleaved with the other kind's);
-- - search_terms_object gains term, so checking whether one object has a
--   term, or a term starting with a prefix, reads the index alone;
-- - search_vocab: how many objects of a kind hold each term (its document
--   frequency), kept in the same transaction as search_terms, so a query
--   knows its rarest word and the terms a prefix stands for without
--   counting postings.

CREATE TABLE search_terms_v4 (
  org_id BIGINT NOT NULL,
  term TEXT @BYTES@ NOT NULL,
  object_kind TEXT NOT NULL,
  object_id BIGINT NOT NULL,
  PRIMARY KEY (org_id, object_kind, term, object_id)
);
INSERT INTO search_terms_v4 (org_id, term, object_kind, object_id)
  SELECT org_id, term, object_kind, object_id FROM search_terms;
DROP TABLE search_terms;
ALTER TABLE search_terms_v4 RENAME TO search_terms;
CREATE INDEX search_terms_object ON search_terms (org_id, object_kind, object_id, term);

-- df: the number of objects of object_kind whose terms hold term; a row
-- whose df drops to 0 is deleted, so the table lists exactly the terms in
-- search_terms.
CREATE TABLE search_vocab (
  org_id BIGINT NOT NULL,
  object_kind TEXT NOT NULL,
  term TEXT @BYTES@ NOT NULL,
  df BIGINT NOT NULL,
  PRIMARY KEY (org_id, object_kind, term)
);
INSERT INTO search_vocab (org_id, object_kind, term, df)
  SELECT org_id, object_kind, term, COUNT(*) FROM search_terms
  GROUP BY org_id, object_kind, term;

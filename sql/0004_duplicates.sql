-- SPDX-License-Identifier: Apache-2.0
-- Likely duplicates and merges of relations (src/domain/duplicates.c,
-- merge.c). relation_distinct: pairs a user marked "not a duplicate", the
-- lower id first, so each pair has one row and the list hides it.
-- relation_merges: where a merged relation went, so its old address leads
-- to the one that took over its history (chains are kept short: a merge
-- into a relation that is later merged again is pointed on).
CREATE TABLE relation_distinct (
  org_id BIGINT NOT NULL,
  a_id BIGINT NOT NULL,
  b_id BIGINT NOT NULL,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, a_id, b_id),
  CHECK (a_id < b_id)
);
CREATE INDEX relation_distinct_b ON relation_distinct (org_id, b_id);

CREATE TABLE relation_merges (
  org_id BIGINT NOT NULL,
  from_id BIGINT NOT NULL,
  into_id BIGINT NOT NULL,
  merged_by BIGINT,
  merged_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, from_id)
);
CREATE INDEX relation_merges_into ON relation_merges (org_id, into_id);

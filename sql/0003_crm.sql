-- SPDX-License-Identifier: Apache-2.0
-- The CRM core: relations (organisations and people), their contact points,
-- tags and custom fields; interactions (every contact moment) with the
-- roles an organisation configures; tasks and follow-ups; and the search
-- terms that make all of it findable the same way on both backends.
-- Text that is sorted or matched by prefix is compared byte by byte
-- (@BYTES@) so both backends order it alike. See docs/internals/crm.md.

-- An organisation or a person. A person may belong to an organisation
-- (parent_id) with a function. sort_key is the name folded for sorting
-- (case and accents ignored), computed in C so both backends agree.
CREATE TABLE relations (
  id @ID@,
  org_id BIGINT NOT NULL REFERENCES orgs (org_id),
  kind TEXT NOT NULL CHECK (kind IN ('organisation', 'person')),
  type TEXT NOT NULL DEFAULT 'customer'
    CHECK (type IN ('customer', 'prospect', 'supplier', 'partner')),
  name TEXT NOT NULL,
  given_name TEXT NOT NULL DEFAULT '',
  family_name TEXT NOT NULL DEFAULT '',
  sort_key TEXT @BYTES@ NOT NULL,
  parent_id BIGINT,
  job_title TEXT NOT NULL DEFAULT '',
  owner_id BIGINT,
  lang TEXT NOT NULL DEFAULT 'nl' CHECK (lang IN ('nl', 'en')),
  notes TEXT NOT NULL DEFAULT '',
  archived_at BIGINT,
  erased_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX relations_org_sort ON relations (org_id, sort_key, id);
CREATE INDEX relations_org_parent ON relations (org_id, parent_id);
CREATE INDEX relations_org_owner ON relations (org_id, owner_id);

-- Email addresses, phone numbers and postal addresses. norm is what
-- duplicates and call logs are matched on: a lower-cased email address, or
-- a phone number's digits in international form (31612345678).
CREATE TABLE contact_points (
  id @ID@,
  org_id BIGINT NOT NULL,
  relation_id BIGINT NOT NULL REFERENCES relations (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('email', 'phone', 'address')),
  label TEXT NOT NULL DEFAULT '',
  value TEXT NOT NULL,
  norm TEXT NOT NULL DEFAULT '',
  street TEXT NOT NULL DEFAULT '',
  postal_code TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  position BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX contact_points_org_relation ON contact_points (org_id, relation_id, kind, position);
CREATE INDEX contact_points_org_norm ON contact_points (org_id, kind, norm);

CREATE TABLE tags (
  id @ID@,
  org_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  sort_key TEXT @BYTES@ NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX tags_org_key ON tags (org_id, sort_key);

CREATE TABLE relation_tags (
  org_id BIGINT NOT NULL,
  relation_id BIGINT NOT NULL REFERENCES relations (id) ON DELETE CASCADE,
  tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  PRIMARY KEY (org_id, relation_id, tag_id)
);
CREATE INDEX relation_tags_tag ON relation_tags (org_id, tag_id);

-- Fields an organisation adds to its relations. choices: a JSON array of
-- strings for type choice.
CREATE TABLE custom_fields (
  id @ID@,
  org_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  label TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('text', 'number', 'date', 'choice')),
  choices TEXT NOT NULL DEFAULT '[]',
  position BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX custom_fields_org_name ON custom_fields (org_id, name);

CREATE TABLE custom_values (
  org_id BIGINT NOT NULL,
  relation_id BIGINT NOT NULL REFERENCES relations (id) ON DELETE CASCADE,
  field_id BIGINT NOT NULL REFERENCES custom_fields (id) ON DELETE CASCADE,
  value TEXT NOT NULL,
  PRIMARY KEY (org_id, relation_id, field_id)
);

-- The roles in which employees handle contact moments; each organisation
-- keeps its own list, seeded with the defaults.
CREATE TABLE interaction_roles (
  id @ID@,
  org_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  position BIGINT NOT NULL DEFAULT 0,
  archived_at BIGINT,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX interaction_roles_org_name ON interaction_roles (org_id, name);
INSERT INTO interaction_roles (org_id, name, position, created_at)
  SELECT org_id, r.name, r.position, 0 FROM orgs CROSS JOIN (
    SELECT 'telefonist' AS name, 1 AS position UNION ALL SELECT 'zaakbehandelaar', 2
    UNION ALL SELECT 'clientmanager', 3 UNION ALL SELECT 'planner', 4
    UNION ALL SELECT 'debiteurenadministratie', 5 UNION ALL SELECT 'servicedesk', 6
    UNION ALL SELECT 'verkoop', 7) r;

-- A contact moment: with a person and/or an organisation, on a channel,
-- handled by a user in a role; summary is Markdown.
CREATE TABLE interactions (
  id @ID@,
  org_id BIGINT NOT NULL,
  person_id BIGINT REFERENCES relations (id),
  company_id BIGINT REFERENCES relations (id),
  channel TEXT NOT NULL CHECK (channel IN ('phone', 'email', 'visit', 'video', 'chat',
    'letter', 'social', 'community')),
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  occurred_at BIGINT NOT NULL,
  duration_s BIGINT NOT NULL DEFAULT 0,
  user_id BIGINT,
  role_id BIGINT,
  subject TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL DEFAULT 'resolved'
    CHECK (outcome IN ('resolved', 'follow_up', 'escalated')),
  source TEXT NOT NULL DEFAULT '',
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX interactions_org_time ON interactions (org_id, occurred_at, id);
CREATE INDEX interactions_org_person ON interactions (org_id, person_id, occurred_at);
CREATE INDEX interactions_org_company ON interactions (org_id, company_id, occurred_at);
CREATE INDEX interactions_org_user ON interactions (org_id, user_id, occurred_at);

-- Tasks and follow-ups. due is a calendar date (YYYY-MM-DD) on the
-- organisation's clock, so that "due today" means the same all day long.
CREATE TABLE tasks (
  id @ID@,
  org_id BIGINT NOT NULL,
  title TEXT NOT NULL,
  notes TEXT NOT NULL DEFAULT '',
  assignee_id BIGINT,
  due TEXT,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
  relation_id BIGINT REFERENCES relations (id),
  interaction_id BIGINT REFERENCES interactions (id),
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  done_at BIGINT
);
CREATE INDEX tasks_org_assignee ON tasks (org_id, assignee_id, status, due);
CREATE INDEX tasks_org_relation ON tasks (org_id, relation_id);

-- What search finds: each term (folded word, its Dutch and English stems,
-- email addresses, phone numbers) of a relation or interaction. Matching
-- is exact or by prefix range on term, in byte order on both backends.
CREATE TABLE search_terms (
  org_id BIGINT NOT NULL,
  term TEXT @BYTES@ NOT NULL,
  object_kind TEXT NOT NULL,
  object_id BIGINT NOT NULL,
  PRIMARY KEY (org_id, term, object_kind, object_id)
);
CREATE INDEX search_terms_object ON search_terms (org_id, object_kind, object_id);

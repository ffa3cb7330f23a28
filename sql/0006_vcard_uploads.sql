-- SPDX-License-Identifier: Apache-2.0
-- A vCard file between its preview and its confirmation
-- (src/domain/vcard_import.c): kept for the user who uploaded it, for a day
-- at most. data is the file's bytes base64-encoded, since a vCard file
-- need not be UTF-8 (Outlook writes Windows-1252).
CREATE TABLE vcard_uploads (
  id @ID@,
  org_id BIGINT NOT NULL REFERENCES orgs (org_id),
  user_id BIGINT NOT NULL DEFAULT 0,
  filename TEXT NOT NULL DEFAULT '',
  size BIGINT NOT NULL,
  data TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX vcard_uploads_org ON vcard_uploads (org_id, user_id, id);
CREATE INDEX vcard_uploads_org_created ON vcard_uploads (org_id, created_at);

/* SPDX-License-Identifier: Apache-2.0 */
/* Settings rows; see setting.h. */
#include "domain/setting.h"

#include <stdlib.h>

int setting_get(struct db *db, int64_t org, const char *name, char **out)
{
	return db_text_query(db, out, "SELECT value FROM settings WHERE org_id = ? AND name = ?",
			     DB_ARGS(DB_I(org), DB_T(name)));
}

int setting_set(struct db *db, int64_t org, const char *name, const char *value)
{
	return db_exec(db,
		       "INSERT INTO settings (org_id, name, value) VALUES (?, ?, ?)"
		       " ON CONFLICT (org_id, name) DO UPDATE SET value = excluded.value",
		       DB_ARGS(DB_I(org), DB_T(name), DB_T(value)));
}

int setting_delete(struct db *db, int64_t org, const char *name)
{
	return db_exec(db, "DELETE FROM settings WHERE org_id = ? AND name = ?",
		       DB_ARGS(DB_I(org), DB_T(name)));
}

int setting_secret(struct db *db, unsigned char key[SECURE_KEY_BYTES])
{
	char *hex = NULL;
	int rc = setting_get(db, 0, "secret", &hex);
	if (rc == BRUG_ENOTFOUND) {
		unsigned char fresh[SECURE_KEY_BYTES];
		char fresh_hex[2 * SECURE_KEY_BYTES + 1];
		secure_random(fresh, sizeof(fresh));
		secure_key_to_hex(fresh, fresh_hex);
		/* DO NOTHING: when two processes race, both read the winner's */
		rc = db_exec(db,
			     "INSERT INTO settings (org_id, name, value) VALUES (0, 'secret', ?)"
			     " ON CONFLICT (org_id, name) DO NOTHING",
			     DB_ARGS(DB_T(fresh_hex)));
		if (!rc)
			rc = setting_get(db, 0, "secret", &hex);
	}
	if (!rc && !secure_key_from_hex(hex, key))
		rc = BRUG_EDB;
	free(hex);
	return rc;
}

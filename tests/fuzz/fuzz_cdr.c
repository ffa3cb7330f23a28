/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the call-log import (src/domain/import_cdr.c): the input
 * after its first byte is an Asterisk Master.csv, imported as a dry run
 * into an in-memory database whose organisation has a person and a company
 * with phone numbers; the first byte's bits ask for all calls and for
 * skipping invalid lines. Beyond crashes, leaks and sanitizer reports, it
 * traps when the report breaks its promise: every counted line is exactly
 * one of create, skip, unmatched, not answered, internal or rejected; a
 * dry run writes nothing; a rejected line has a code and a reason. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/secure.h"
#include "db/migrate.h"
#include "domain/import.h"
#include "domain/org.h"
#include "domain/relation.h"
#include "util/jx.h"
#include "util/log.h"

static struct db *db;
static struct actor who = {.label = "fuzz"};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void add(const char *kind, const char *name, const char *phone)
{
	json_t *p = json_pack("[{s:s}]", "value", phone);
	struct relation_in in = {.kind = kind, .name = name, .parent_id = -1, .owner_id = -1,
				 .phones = p};
	int64_t id = 0;
	if (relation_create(db, &who, &in, &id, NULL))
		abort();
	json_decref(p);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	jx_init();
	log_set_level(LOG_OFF);
	secure_setup("test");
	if (db_open("sqlite::memory:", &db, NULL) || migrate_up(db, NULL, NULL) ||
	    org_create(db, "Fuzz", "nl", &who.org_id))
		abort();
	add("person", "Jan de Vries", "0612345678");
	add("organisation", "Bakkerij Zoet", "+31 20 123 4567");
	return 0;
}

static int64_t calls(void)
{
	struct db_rows *r = NULL;
	int64_t n = -1;
	if (!db_query(db, &r, "SELECT COUNT(*) FROM interactions", NULL, 0) && db_next(r) == 1)
		n = db_int(r, 0);
	db_rows_free(r);
	return n;
}

static void check_report(const json_t *rep)
{
	const json_t *c = json_object_get(rep, "counts");
	static const char *const parts[] = {"create",       "skip",     "unmatched",
					    "not_answered", "internal", "rejected"};
	int64_t sum = 0;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		int64_t v = jx_int(c, parts[i], -1);
		if (v < 0)
			__builtin_trap();
		sum += v;
	}
	if (sum != jx_int(c, "rows", -1) || json_is_true(json_object_get(rep, "written")))
		__builtin_trap();
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(rep, "rejected"), i, e) {
		const char *code = jx_str(e, "code"), *why = jx_str(e, "reason");
		if (!code || !*code || !why || !*why)
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct import_opts o = {.dry_run = true, .all_calls = data[0] & 1,
				.skip_invalid = (data[0] & 2) != 0};
	char *text = NULL;
	size_t n = 0;
	const char *charset = NULL;
	json_t *rep = NULL;
	struct brug_err err = {0};
	/* as the route does: decoded to UTF-8 first */
	if (import_decode((const char *)data + 1, size - 1, 1 << 20, &text, &n, &charset, &err))
		return 0;
	int64_t before = calls();
	int rc = import_cdr(db, &who, text, n, charset, &o, &rep, &err);
	if (rc == 0)
		check_report(rep);
	else if (rc != BRUG_EVALIDATION || !err.key)
		__builtin_trap();
	if (calls() != before || db_in_tx(db))
		__builtin_trap();
	json_decref(rep);
	free(text);
	return 0;
}

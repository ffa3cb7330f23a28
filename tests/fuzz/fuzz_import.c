/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the import's reading of a relations file without a
 * database (domain/import_map.c, import_row.c): the upload decoded, read as
 * CSV, its header mapped (the first input byte picks no explicit mapping or
 * one of a few), with a custom field of each type, each row checked. Beyond crashes, leaks and sanitizer
 * reports, it traps when a promise breaks: a valid row without a name, a
 * name or field over its limit or not valid UTF-8, a single-line field
 * with a line break, a rejected row without a code and a printable reason,
 * a blank row with a code. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/import_impl.h"
#include "util/jx.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const mappings[] = {
	NULL,
	"{\"a\":\"organisation\",\"b\":\"email\"}",
	"{\"Naam\":\"\",\"x\":\"given_name\"}",
	"{\"name\":\"tags\",\"s\":\"custom:segment\"}",
};

static const char custom_fields[] =
	"[{\"id\":1,\"name\":\"klantnummer\",\"label\":\"Klantnummer\",\"type\":\"text\"},"
	"{\"id\":2,\"name\":\"omzet\",\"label\":\"Omzet\",\"type\":\"number\"},"
	"{\"id\":3,\"name\":\"sinds\",\"label\":\"Klant sinds\",\"type\":\"date\"},"
	"{\"id\":4,\"name\":\"segment\",\"label\":\"Segment\",\"type\":\"choice\","
	"\"choices\":[\"Groot\",\"Klein\"]}]";

struct ctx {
	const json_t *explicit, *custom;
	struct import_map map;
	bool mapped;
	struct import_users users;
	struct arena arena;
};

static void ok_text(const char *s, size_t max, bool oneline)
{
	if (!s)
		return;
	size_t n = strlen(s);
	if (!utf8_valid(s, n) || utf8_len(s, n) > max || (oneline && strpbrk(s, "\r\n\t")))
		__builtin_trap();
}

static void check_row(const struct import_row *w)
{
	if (!w->name || !*w->name || !w->name_key || !w->org_key)
		__builtin_trap();
	ok_text(w->name, 200, true);
	ok_text(w->org, 200, true);
	ok_text(w->given, 100, true);
	ok_text(w->family, 100, true);
	ok_text(w->email, 254, true);
	ok_text(w->street, 200, true);
	ok_text(w->city, 100, true);
	ok_text(w->notes, 20000, false);
	/* an organisation's row has no person's parts and no organisation */
	if (!w->person && (w->given || w->family || w->org))
		__builtin_trap();
	if (w->ntags > IMPORT_TAGS_MAX || (!w->person && w->job_title))
		__builtin_trap();
	for (size_t i = 0; i < w->ntags; i++)
		ok_text(w->tags[i], 50, true);
	for (size_t k = 0; k < IMPORT_CUSTOM_MAX; k++)
		ok_text(w->custom[k], 1000, true);
}

static int on_record(const struct csvx_record *rec, void *p)
{
	struct ctx *c = p;
	if (rec->index == 0) {
		struct brug_err err = {0};
		int rc = import_map_build(rec->field, rec->n, c->explicit, c->custom, &c->map, &err);
		if (rc && (rc != BRUG_EVALIDATION || !err.detail[0]))
			__builtin_trap();
		c->mapped = !rc;
		return rc ? 1 : 0;
	}
	struct import_row w;
	bool blank = false;
	bool ok = import_row_read(&c->map, rec, &c->users, &c->arena, &w, &blank);
	if (blank && (ok || w.code))
		__builtin_trap();
	if (ok)
		check_row(&w);
	if (!ok && !blank) {
		if (!w.code || !*w.reason)
			__builtin_trap();
		for (const char *s = w.reason; *s; s++)
			if (*s < 0x20 || *s > 0x7e)
				__builtin_trap();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	jx_init();
	struct ctx c = {0};
	json_t *explicit = mappings[data[0] % 4] ? json_loads(mappings[data[0] % 4], 0, NULL) : NULL;
	c.explicit = explicit;
	json_t *custom = json_loads(custom_fields, 0, NULL);
	c.custom = custom;
	struct import_user u = {1, (char *)"a@b.nl", (char *)"a"};
	c.users.v = &u;
	c.users.n = 1;
	arena_init(&c.arena);
	char *text = NULL;
	size_t n = 0;
	const char *cs = NULL;
	if (!import_decode((const char *)data + 1, size - 1, IMPORT_UPLOAD_MAX, &text, &n, &cs, NULL)) {
		struct csvx_options opt = {.delim = csvx_detect_delimiter(text, n)};
		csvx_parse(text, n, &opt, on_record, &c, NULL);
	}
	free(text);
	import_map_cleanup(&c.map);
	arena_cleanup(&c.arena);
	json_decref(explicit);
	json_decref(custom);
	return 0;
}

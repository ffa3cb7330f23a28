/* SPDX-License-Identifier: Apache-2.0 */
/* brug import vcard FILE: relations from a vCard file, as the import page
 * does it (domain/vcard_import.c), with a report on the terminal: counts,
 * then every rejected card and every warning with its line. `brug import`
 * (cli/import.c) hands "vcard" to cmd_import_vcard. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/vcard_import.h"
#include "util/buf.h"
#include "util/jx.h"

/* The most a file may hold: vCard exports with photos run to hundreds of
 * megabytes, and the reader streams past the photos. */
#define FILE_MAX ((size_t)1 << 30)

/* The whole of path ("-": standard input) into out. */
static int read_all(const char *path, struct buf *out)
{
	bool in = !strcmp(path, "-");
	FILE *f = in ? stdin : fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "brug: cannot read %s: %s\n", path, strerror(errno));
		return 1;
	}
	char chunk[65536];
	size_t n;
	int rc = 0;
	while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = buf_add(out, chunk, n);
	if (rc)
		fprintf(stderr, "brug: %s is larger than %zu MiB\n", path, FILE_MAX >> 20);
	else if (ferror(f)) {
		fprintf(stderr, "brug: cannot read %s: %s\n", path, strerror(errno));
		rc = 1;
	}
	if (!in)
		fclose(f);
	return rc ? 1 : 0;
}

static void print_notes(const char *what, json_t *list, int64_t omitted)
{
	size_t i;
	json_t *n;
	json_array_foreach(list, i, n)
		fprintf(stderr, "%s: line %lld: %s\n", what, (long long)jx_int(n, "line", 0),
			jx_str(n, "reason") ? jx_str(n, "reason") : "");
	if (omitted > 0)
		fprintf(stderr, "%s: and %lld more\n", what, (long long)omitted);
}

static void print_report(json_t *r, bool json)
{
	if (json) {
		char *s = json_dumps(r, JSON_INDENT(2));
		printf("%s\n", s ? s : "{}");
		free(s);
		return;
	}
	print_notes("rejected", json_object_get(r, "rejected"), jx_int(r, "rejected_omitted", 0));
	print_notes("warning", json_object_get(r, "warnings"), jx_int(r, "warnings_omitted", 0));
	printf("%s%lld card(s): %lld created, %lld updated, %lld skipped, %lld rejected; "
	       "%lld organisation(s) created\n",
	       jx_bool(r, "dry_run", false) ? "dry run, nothing saved: " : "",
	       (long long)jx_int(r, "rows", 0), (long long)jx_int(r, "created", 0),
	       (long long)jx_int(r, "updated", 0), (long long)jx_int(r, "skipped", 0),
	       (long long)jx_int(r, "rejected_count", 0),
	       (long long)jx_int(r, "organisations_created", 0));
	if (jx_bool(r, "blocked", false))
		printf("%s: rejected cards stop the import (--skip-invalid imports the others)\n",
		       jx_bool(r, "dry_run", false) ? "it would not be imported" : "nothing imported");
}

int cmd_import_vcard(int argc, char **argv)
{
	const char *org_arg = NULL, *dup = NULL;
	bool dry = false, skip = false, json = false;
	const struct cli_opt opts[] = {
		{"dry-run", NULL, &dry, "show what would happen, save nothing"},
		{"on-duplicate", &dup, NULL, "skip (default) or update a relation that exists"},
		{"skip-invalid", NULL, &skip, "import the good cards when some are rejected"},
		{"org", &org_arg, NULL, "the organisation (needed when there are several)"},
		{"json", NULL, &json, "print the report as JSON"},
		{0},
	};
	struct cli c = {.usage = "brug import vcard FILE [--dry-run] [--on-duplicate skip|update] "
				 "[--skip-invalid] [--org N]\n"
				 "Imports relations from a vCard file (FILE - reads standard input)."};
	int rc = cli_parse(&c, argc, argv, opts);
	if (rc) {
		cli_cleanup(&c);
		return rc < 0 ? 2 : 0;
	}
	struct db *db = NULL;
	struct buf data;
	buf_init(&data, FILE_MAX);
	json_t *report = NULL;
	int64_t org = 0;
	if (c.argc != 1 || (dup && strcmp(dup, "skip") && strcmp(dup, "update"))) {
		fprintf(stderr, "brug: import vcard needs one FILE, and --on-duplicate skip or update "
				"(see --help)\n");
		rc = 2;
	} else if (!(rc = read_all(c.argv[0], &data)) && !(rc = cli_open_db(&c, &db)) &&
		   !(rc = cli_org(db, org_arg, &org))) {
		struct actor who = cli_actor(org);
		struct vcard_import_options opt = {.dry_run = dry, .skip_invalid = skip,
						   .update = dup && !strcmp(dup, "update")};
		struct brug_err err = {0};
		rc = vcard_import_run(db, &who, data.p ? data.p : "", data.len, &opt, &report, &err);
		if (report)
			print_report(report, json);
		if (rc == BRUG_EVALIDATION || (!rc && jx_bool(report, "blocked", false)))
			rc = 1;
		else if (!rc && jx_int(report, "rows", 0) == 0)
			rc = cli_fail("the file holds no vCards", NULL);
		else if (rc)
			rc = cli_fail("the import failed", &err);
	}
	json_decref(report);
	buf_cleanup(&data);
	db_close(db);
	cli_cleanup(&c);
	return rc;
}

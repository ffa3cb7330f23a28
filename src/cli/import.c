/* SPDX-License-Identifier: Apache-2.0 */
/* brug import relations|cdr FILE: the imports of domain/import.h from the
 * command line, for files too large to upload and for scripts. Prints the
 * report (columns, counts, rejected rows with their lines); exits 1 when
 * rows were rejected and nothing was written, or the file was refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/import.h"
#include "domain/search.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/jx.h"

/* The whole file (or stdin for "-"), at most IMPORT_FILE_MAX bytes. */
static int read_file(const char *path, char **out, size_t *n)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "brug: cannot open %s\n", path);
		return 1;
	}
	struct buf b;
	buf_init(&b, IMPORT_FILE_MAX);
	char chunk[1 << 16];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0 && !buf_add(&b, chunk, got))
		;
	bool bad = ferror(f);
	if (f != stdin)
		fclose(f);
	if (bad || b.failed) {
		fprintf(stderr, bad ? "brug: cannot read %s\n" : "brug: %s is larger than 1 GiB\n",
			path);
		buf_cleanup(&b);
		return 1;
	}
	*out = buf_take(&b, n);
	return 0;
}

static void print_counts(const json_t *c)
{
	const char *k;
	json_t *v;
	printf("rows");
	bool first = true;
	json_object_foreach((json_t *)c, k, v) {
		if (!strcmp(k, "rows")) {
			printf(" %lld:", (long long)json_integer_value(v));
			continue;
		}
		printf("%s %s %lld", first ? "" : ",", k, (long long)json_integer_value(v));
		first = false;
	}
	printf("\n");
}

static void print_report(const char *path, const json_t *r, double secs)
{
	const char *d = jx_str(r, "delimiter");
	printf("%s %s: %s, delimiter %s%s\n", jx_str(r, "kind"), path, jx_str(r, "charset"),
	       !strcmp(d, "\t") ? "tab" : d, jx_bool(r, "dry_run", false) ? " (dry run)" : "");
	size_t i;
	json_t *e;
	json_t *cols = json_object_get(r, "columns");
	if (cols) {
		printf("columns:");
		json_array_foreach(cols, i, e)
			printf("%s %s -> %s", i ? "," : "", jx_str(e, "column"), jx_str(e, "field"));
		printf("\n");
	}
	json_t *ign = json_object_get(r, "ignored");
	if (json_array_size(ign)) {
		printf("ignored columns:");
		json_array_foreach(ign, i, e)
			printf("%s %s", i ? "," : "", json_string_value(e));
		printf("\n");
	}
	print_counts(json_object_get(r, "counts"));
	json_array_foreach(json_object_get(r, "unmatched"), i, e)
		printf("%s %s (%lld calls)", i ? "," : "unmatched numbers:", jx_str(e, "number"),
		       (long long)jx_int(e, "calls", 0));
	if (json_array_size(json_object_get(r, "unmatched")))
		printf("\n");
	json_array_foreach(json_object_get(r, "rejected"), i, e)
		printf("%s  line %lld: %s%s%s%s\n", i ? "" : "rejected:\n", (long long)jx_int(e, "line", 0),
		       jx_str(e, "reason"), jx_str(e, "value") ? " (\"" : "",
		       jx_str(e, "value") ? jx_str(e, "value") : "", jx_str(e, "value") ? "\")" : "");
	int64_t rejected = jx_int(json_object_get(r, "counts"), "rejected", 0);
	if (jx_bool(r, "written", false))
		printf("written in %.2f s\n", secs);
	else if (jx_bool(r, "dry_run", false))
		printf("dry run: nothing was written (%.2f s)\n", secs);
	else
		printf("nothing was written: %lld row%s rejected (--skip-invalid imports the others)\n",
		       (long long)rejected, rejected == 1 ? "" : "s");
}

/* An import too large to index in its own transaction left its objects in
 * the search backlog: a running server's workers index it too, but the
 * command does it before it returns, so what it imported can be found at
 * once. A failure here loses nothing (the backlog stays for the workers). */
static void index_backlog(struct db *db, int64_t org)
{
	int64_t t0 = clock_mono_ns();
	size_t n = 0;
	int rc = search_backlog_run(db, org, -1, &n, NULL);
	double secs = (double)(clock_mono_ns() - t0) / 1e9;
	if (rc)
		fprintf(stderr, "brug: the search index is not complete yet (%s); the server's"
				" workers finish it\n", rc_code(rc));
	else
		printf("search index: %zu objects in %.2f s\n", n, secs);
}

static int run(struct db *db, const char *kind, const char *path, const char *org_arg,
	       const struct import_opts *o)
{
	int64_t org = 0;
	char *bytes = NULL, *text = NULL;
	size_t n = 0, len = 0;
	const char *charset = NULL;
	json_t *report = NULL;
	struct brug_err err = {0};
	int rc = cli_org(db, org_arg, &org) || read_file(path, &bytes, &n);
	if (rc)
		goto out;
	if (import_decode(bytes, n, IMPORT_FILE_MAX, &text, &len, &charset, &err)) {
		rc = cli_fail("the file cannot be imported", &err);
		goto out;
	}
	struct actor who = cli_actor(org);
	int64_t t0 = clock_mono_ns();
	int irc = !strcmp(kind, "cdr")
			  ? import_cdr(db, &who, text, len, charset, o, &report, &err)
			  : import_relations(db, &who, text, len, charset, o, &report, &err);
	if (irc) {
		rc = cli_fail("the file cannot be imported", &err);
		goto out;
	}
	print_report(path, report, (double)(clock_mono_ns() - t0) / 1e9);
	if (jx_bool(report, "search_pending", false))
		index_backlog(db, org);
	rc = jx_int(json_object_get(report, "counts"), "rejected", 0) && !o->skip_invalid ? 1 : 0;
out:
	json_decref(report);
	free(bytes);
	free(text);
	return rc;
}

int cmd_import(int argc, char **argv)
{
	const char *org = NULL, *dup = NULL;
	bool dry = false, skip = false, all = false;
	const struct cli_opt opts[] = {
		{"org", &org, NULL, "organisation id (when there are several)"},
		{"dry-run", NULL, &dry, "do everything, show the report, write nothing"},
		{"on-duplicate", &dup, NULL, "relations: skip (default) or update a duplicate"},
		{"skip-invalid", NULL, &skip, "import the valid rows even when some are rejected"},
		{"all-calls", NULL, &all, "cdr: also calls nobody answered (default: answered only)"},
		{0},
	};
	if (argc > 0 && !strcmp(argv[0], "vcard")) /* src/cli/import_vcard.c */
		return cmd_import_vcard(argc - 1, argv + 1);
	struct cli c = {.usage = "brug import relations|cdr|vcard FILE [options]\n"
				 "  relations FILE  relations from a CSV file (header row; see docs/crm.md)\n"
				 "  cdr FILE        calls from an Asterisk call log (Master.csv)\n"
				 "  vcard FILE      people from vCards (brug import vcard --help)\n"
				 "FILE may be - for standard input. Everything or nothing is written."};
	int rc = cli_parse(&c, argc, argv, opts);
	if (rc) {
		cli_cleanup(&c);
		return rc < 0 ? 2 : 0;
	}
	const char *kind = c.argc > 0 ? c.argv[0] : "";
	struct import_opts o = {.dry_run = dry, .skip_invalid = skip, .all_calls = all};
	struct db *db = NULL;
	if ((strcmp(kind, "relations") && strcmp(kind, "cdr")) || c.argc != 2) {
		fprintf(stderr, "brug: import needs relations or cdr and one FILE (see --help)\n");
		rc = 2;
	} else if (dup && strcmp(dup, "skip") && strcmp(dup, "update")) {
		fprintf(stderr, "brug: --on-duplicate is skip or update\n");
		rc = 2;
	} else if (!(rc = cli_open_db(&c, &db))) {
		o.on_duplicate = dup && !strcmp(dup, "update") ? IMPORT_DUP_UPDATE : IMPORT_DUP_SKIP;
		rc = run(db, kind, c.argv[1], org, &o);
	}
	db_close(db);
	cli_cleanup(&c);
	return rc;
}

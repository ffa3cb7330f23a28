/* SPDX-License-Identifier: Apache-2.0 */
/* brug export relations: every relation of an organisation (or those the
 * filters pick) as CSV, JSON or vCard, written batch by batch to a file or
 * to standard output, so memory stays small for any number of relations.
 * A file is written under a temporary name and renamed when complete. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "domain/export.h"

static int to_file(void *ctx, const char *p, size_t n)
{
	return fwrite(p, 1, n, ctx) == n ? 0 : BRUG_EIO;
}

static const char *const kinds[] = {"organisation", "person", NULL};
static const char *const types[] = {"customer", "prospect", "supplier", "partner", NULL};
static const char *const statuses[] = {"active", "archived", "all", NULL};

/* NULL (not given) or one of set. */
static bool valid(const char *s, const char *const *set)
{
	for (; s && *set; set++)
		if (!strcmp(s, *set))
			return true;
	return !s;
}

struct flags {
	const char *format, *org, *kind, *type, *tag, *status;
	bool excel, english;
};

/* The selection and options from the flags; false (printed) when a value
 * is not one of its choices. */
static bool read_flags(const struct flags *f, struct export_select *sel,
		       struct export_options *opt)
{
	memset(sel, 0, sizeof(*sel));
	memset(opt, 0, sizeof(*opt));
	if (!export_format_parse(f->format ? f->format : "csv", &opt->format)) {
		fprintf(stderr, "brug: --format must be csv, json or vcard\n");
		return false;
	}
	if (!valid(f->kind, kinds) || !valid(f->type, types) || !valid(f->status, statuses)) {
		fprintf(stderr, "brug: --kind, --type or --status has a value it does not take "
				"(see --help)\n");
		return false;
	}
	sel->kind = f->kind;
	sel->type = f->type;
	sel->tag = f->tag;
	sel->status = !f->status || !strcmp(f->status, "all") ? REL_ANY
		      : !strcmp(f->status, "active")	      ? REL_ACTIVE
							      : REL_ARCHIVED;
	opt->excel = f->excel;
	opt->english = f->english;
	return true;
}

/* Writes the export to path (NULL or "-": standard output). */
static int write_export(struct db *db, int64_t org, const struct export_select *sel,
			const struct export_options *opt, const char *path, size_t *count)
{
	bool out = !path || !strcmp(path, "-");
	char tmp[4096];
	FILE *f = stdout;
	if (!out) {
		snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", path, (long)getpid());
		if (!(f = fopen(tmp, "wb"))) {
			fprintf(stderr, "brug: cannot write %s: %s\n", tmp, strerror(errno));
			return 1;
		}
	}
	db_read_begin(db); /* one snapshot for every batch */
	int rc = export_relations(db, org, sel, opt, to_file, f, count);
	db_read_end(db);
	if (fflush(f) || ferror(f))
		rc = rc ? rc : BRUG_EIO;
	if (!out && fclose(f) && !rc)
		rc = BRUG_EIO;
	if (!out && !rc && rename(tmp, path))
		rc = BRUG_EIO;
	if (!out && rc)
		unlink(tmp);
	if (rc == BRUG_EIO)
		fprintf(stderr, "brug: cannot write %s: %s\n", out ? "the output" : path,
			strerror(errno));
	else if (rc)
		fprintf(stderr, "brug: the export failed (%s)\n", rc_code(rc));
	return rc ? 1 : 0;
}

int cmd_export(int argc, char **argv)
{
	struct flags f = {0};
	const struct cli_opt opts[] = {
		{"format", &f.format, NULL, "csv (default), json or vcard"},
		{"org", &f.org, NULL, "the organisation (needed when there are several)"},
		{"excel", NULL, &f.excel, "CSV for Excel: ';' between fields and a byte order mark"},
		{"english", NULL, &f.english, "CSV header names in English (default Dutch)"},
		{"kind", &f.kind, NULL, "only organisation or person"},
		{"type", &f.type, NULL, "only customer, prospect, supplier or partner"},
		{"tag", &f.tag, NULL, "only relations with this tag"},
		{"status", &f.status, NULL, "all (default), active or archived"},
		{0},
	};
	struct cli c = {.usage = "brug export relations [--format csv|json|vcard] [--org N] "
				 "[options] [FILE]\n"
				 "Writes the organisation's relations to FILE (or standard output), "
				 "in name order."};
	int rc = cli_parse(&c, argc, argv, opts);
	if (rc) {
		cli_cleanup(&c);
		return rc < 0 ? 2 : 0;
	}
	struct export_select sel;
	struct export_options opt;
	struct db *db = NULL;
	int64_t org = 0;
	size_t count = 0;
	const char *path = c.argc > 1 ? c.argv[1] : NULL;
	if (c.argc < 1 || strcmp(c.argv[0], "relations") || c.argc > 2) {
		fprintf(stderr, "brug: export needs what to export: relations [FILE] (see --help)\n");
		rc = 2;
	} else if (!read_flags(&f, &sel, &opt)) {
		rc = 2;
	} else if (!(rc = cli_open_db(&c, &db)) && !(rc = cli_org(db, f.org, &org)) &&
		   !(rc = write_export(db, org, &sel, &opt, path, &count))) {
		struct actor who = cli_actor(org);
		if (export_audit(db, &who, opt.format, count))
			rc = cli_fail("could not record the export in the audit log", NULL);
		else
			fprintf(stderr, "exported %zu relation(s)%s%s\n", count, path ? " to " : "",
				path ? path : "");
	}
	db_close(db);
	cli_cleanup(&c);
	return rc;
}

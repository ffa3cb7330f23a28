/* SPDX-License-Identifier: Apache-2.0 */
/* brug import vcard (cmd_import_vcard) and brug export relations
 * (cmd_export), run in-process on a fresh database of the test's backend:
 * the report on the terminal and the exit codes, dry runs, rejected cards
 * with and without --skip-invalid, duplicates, usage errors, and a vCard
 * export that imports again. (`brug import` dispatches "vcard" to
 * cmd_import_vcard; the e2e suite runs `brug export` on the binary.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "testdb.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *db_url;
static char dir[] = "/tmp/brug-cli-vcard-XXXXXX";

struct run {
	int code;
	char *out, *err;
};

static char *slurp(FILE *f)
{
	fflush(f);
	long n = ftell(f);
	char *s = calloc(1, (size_t)n + 1);
	rewind(f);
	size_t got = fread(s, 1, (size_t)n, f);
	s[got] = '\0';
	return s;
}

/* Runs cmd with the arguments (NULL-terminated) and --db, capturing what
 * it prints. */
static void run(int (*cmd)(int, char **), struct run *r, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;
	va_start(ap, r);
	for (const char *a; (a = va_arg(ap, const char *));)
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc++] = "--db";
	argv[argc++] = (char *)db_url;
	argv[argc++] = "--password-cost";
	argv[argc++] = "test";
	argv[argc++] = "--log-level";
	argv[argc++] = "error";
	argv[argc] = NULL;
	FILE *out = tmpfile(), *err = tmpfile();
	fflush(stdout);
	fflush(stderr);
	int saved_out = dup(1), saved_err = dup(2);
	dup2(fileno(out), 1);
	dup2(fileno(err), 2);
	r->code = cmd(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	fseek(out, 0, SEEK_END);
	fseek(err, 0, SEEK_END);
	r->out = slurp(out);
	r->err = slurp(err);
	fclose(out);
	fclose(err);
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

static void expect(const struct run *r, int code, const char *out, const char *err)
{
	if (r->code != code || (out && !strstr(r->out, out)) || (err && !strstr(r->err, err)))
		fail_msg("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant stdout: %s\nwant stderr: %s",
			 r->code, code, r->out, r->err, out ? out : "-", err ? err : "-");
}

static const char *file_with(const char *name, const char *text)
{
	static char path[4][256];
	static int k;
	char *p = path[k++ % 4];
	snprintf(p, 256, "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return p;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	char *s = slurp(f);
	fclose(f);
	return s;
}

static const char cards[] =
	"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jan de Vries\r\nN:de Vries;Jan;;;\r\n"
	"ORG:Acme B.V.\r\nEMAIL;TYPE=WORK:jan@acme.example\r\nTEL;TYPE=CELL:+31 6 12345678\r\n"
	"END:VCARD\r\n"
	"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Kapot\r\n" /* line 9: no END */
	"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Zo\xC3\xAB Bakker\r\nEMAIL:zoe@bakker.example\r\n"
	"TEL:bel mij\r\nEND:VCARD\r\n"; /* line 12 */

static int setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	db_url = testdb_new();
	struct run r;
	run(cmd_init, &r, "--org", "CLI B.V.", "--admin-email", "admin@cli.example",
	    "--admin-password", "password-123", NULL);
	expect(&r, 0, "created organisation", NULL);
	run_free(&r);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	testdb_cleanup();
	return 0;
}

static void test_usage(void **state)
{
	(void)state;
	struct run r;
	run(cmd_import_vcard, &r, NULL);
	expect(&r, 2, NULL, "import vcard needs one FILE");
	run_free(&r);
	run(cmd_import_vcard, &r, "a.vcf", "--on-duplicate", "merge", NULL);
	expect(&r, 2, NULL, "--on-duplicate skip or update");
	run_free(&r);
	run(cmd_import_vcard, &r, "/nonexistent/x.vcf", NULL);
	expect(&r, 1, NULL, "cannot read /nonexistent/x.vcf");
	run_free(&r);
	run(cmd_import_vcard, &r, file_with("empty.vcf", "geen vcard\n"), NULL);
	expect(&r, 1, "0 card(s)", "the file holds no vCards");
	run_free(&r);
	run(cmd_import_vcard, &r, file_with("x.vcf", cards), "--org", "99", NULL);
	expect(&r, 1, NULL, "no organisation with id 99");
	run_free(&r);
	run(cmd_import_vcard, &r, "--help", NULL);
	expect(&r, 0, "usage: brug import vcard FILE", NULL);
	run_free(&r);
	run(cmd_export, &r, NULL);
	expect(&r, 2, NULL, "export needs what to export");
	run_free(&r);
	run(cmd_export, &r, "relations", "--format", "xlsx", NULL);
	expect(&r, 2, NULL, "--format must be csv, json or vcard");
	run_free(&r);
	run(cmd_export, &r, "relations", "--kind", "robot", NULL);
	expect(&r, 2, NULL, "--kind, --type or --status");
	run_free(&r);
}

static void test_import(void **state)
{
	(void)state;
	const char *path = file_with("cards.vcf", cards);
	struct run r;
	/* a dry run saves nothing and reports the broken card */
	run(cmd_import_vcard, &r, path, "--dry-run", NULL);
	expect(&r, 1, "dry run, nothing saved: 3 card(s): 2 created, 0 updated, 0 skipped, 1 rejected",
	       "rejected: line 12: BEGIN:VCARD inside the card begun on line 9");
	expect(&r, 1, "it would not be imported", "warning: line 12: TEL \"bel mij\"");
	run_free(&r);
	/* without --skip-invalid nothing is imported */
	run(cmd_import_vcard, &r, path, NULL);
	expect(&r, 1, "nothing imported", "rejected: line 12");
	run_free(&r);
	run(cmd_export, &r, "relations", "--format", "json", NULL);
	expect(&r, 0, "[]", "exported 0 relation(s)");
	run_free(&r);
	/* with it the others are */
	run(cmd_import_vcard, &r, path, "--skip-invalid", NULL);
	expect(&r, 0, "3 card(s): 2 created, 0 updated, 0 skipped, 1 rejected; 1 organisation(s) created",
	       NULL);
	run_free(&r);
	/* again: duplicates, skipped or updated */
	run(cmd_import_vcard, &r, path, "--skip-invalid", NULL);
	expect(&r, 0, "0 created, 0 updated, 2 skipped", NULL);
	run_free(&r);
	run(cmd_import_vcard, &r, path, "--skip-invalid", "--on-duplicate", "update", "--json",
	    NULL);
	expect(&r, 0, "\"updated\": 2", NULL);
	run_free(&r);
	/* standard input */
	FILE *in = fopen(file_with("in.vcf", "BEGIN:VCARD\nFN:Via Stdin\nEND:VCARD\n"), "rb");
	int saved = dup(0);
	dup2(fileno(in), 0);
	run(cmd_import_vcard, &r, "-", NULL);
	dup2(saved, 0);
	close(saved);
	fclose(in);
	expect(&r, 0, "1 created", NULL);
	run_free(&r);
}

static void test_export_round_trip(void **state)
{
	(void)state;
	char out[300];
	snprintf(out, sizeof(out), "%s/all.vcf", dir);
	struct run r;
	run(cmd_export, &r, "relations", "--format", "vcard", out, NULL);
	expect(&r, 0, NULL, "exported 4 relation(s) to ");
	run_free(&r);
	char *v = read_file(out);
	assert_int_equal(strncmp(v, "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\nFN:Acme B.V.\r\n", 48),
			 0);
	assert_non_null(strstr(v, "FN:Zo\xC3\xAB Bakker\r\n"));
	assert_non_null(strstr(v, "TEL;VALUE=uri;TYPE=cell:tel:+31-6-12345678\r\n"));
	free(v);
	/* an export imports again as the same relations: all duplicates */
	run(cmd_import_vcard, &r, out, NULL);
	expect(&r, 0, "4 card(s): 0 created, 0 updated, 4 skipped", NULL);
	run_free(&r);
	/* CSV for Excel, persons only, to standard output */
	run(cmd_export, &r, "relations", "--excel", "--kind", "person", NULL);
	expect(&r, 0, "\xEF\xBB\xBFnaam;voornaam;", "exported 3 relation(s)");
	assert_non_null(strstr(r.out, "\r\nJan de Vries;Jan;de Vries;jan@acme.example;;'+31 6 12345678;"));
	run_free(&r);
	run(cmd_export, &r, "relations", "--english", "--status", "archived", NULL);
	expect(&r, 0, "name,given_name,family_name,", "exported 0 relation(s)");
	run_free(&r);
	/* a file that cannot be written leaves nothing behind */
	run(cmd_export, &r, "relations", "/nonexistent/dir/x.csv", NULL);
	expect(&r, 1, NULL, "cannot write /nonexistent/dir/x.csv");
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_import),
		cmocka_unit_test(test_export_round_trip),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

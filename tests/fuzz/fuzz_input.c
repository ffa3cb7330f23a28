/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for a handler's input (src/http/input.c) from a JSON body or
 * a urlencoded form: the first byte picks which (bit 0: form), the rest is
 * the body, decoded as body.c does (json_loadb with duplicates refused, or
 * parse_urlencoded), then read as a handler would, one in_* per kind of
 * field, and answered with input_fail's 422. Traps when a promise of
 * input.h breaks: text trimmed, valid UTF-8, without control characters
 * (but for multiline fields), within its length; e-mail valid and lower
 * case; an enum one of the allowed; an int within range or the default;
 * ids positive and at most max; input_ok false exactly when a field has a
 * message; the 422 body serialisable. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http/input.h"
#include "http/parse.h"
#include "util/contactinfo.h"
#include "util/jx.h"
#include "util/utf8.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	jx_init();
	return 0;
}

static bool ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A text in_text may return for these flags and max. */
static void check_text(const char *s, unsigned flags, size_t max)
{
	if (!s || !*s)
		return;
	size_t n = strlen(s);
	if (!utf8_valid(s, n) || utf8_has_controls(s, n) || utf8_len(s, n) > max)
		__builtin_trap();
	if (!(flags & IN_MULTILINE) && strpbrk(s, "\r\n\t"))
		__builtin_trap();
	if (!(flags & IN_RAW) && (ws(s[0]) || ws(s[n - 1])))
		__builtin_trap();
}

static const char *const kinds[] = {"call", "mail", "visit", NULL};

static void read_fields(struct input *in)
{
	check_text(in_text(in, "name", IN_REQUIRED, 20), 0, 20);
	check_text(in_text(in, "note", IN_MULTILINE, 200), IN_MULTILINE, 200);
	check_text(in_text(in, "raw", IN_RAW | IN_SECRET, 50), IN_RAW, 50);
	const char *e = in_email(in, "email", 0);
	if (e && *e && (!contactinfo_email_valid(e) || strpbrk(e, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")))
		__builtin_trap();
	const char *k = in_enum(in, "kind", 0, kinds);
	if (k && k != kinds[0] && k != kinds[1] && k != kinds[2])
		__builtin_trap();
	int64_t n = in_int(in, "n", IN_REQUIRED, -5, 100, 7);
	if (n != 7 && (n < -5 || n > 100))
		__builtin_trap();
	(void)in_bool(in, "on", true);
	int64_t ids[4];
	size_t m = in_ids(in, "ids", ids, 4);
	if (m > 4)
		__builtin_trap();
	for (size_t i = 0; i < m; i++)
		if (ids[i] <= 0)
			__builtin_trap();
	if (in_has(in, "bad"))
		in_error(in, "bad", "error.choice");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct req req;
	struct resp resp;
	struct input in = {0};
	req_init(&req, NULL);
	resp_init(&resp);
	const char *body = (const char *)data + 1;
	size_t n = size - 1;
	if (data[0] & 1) {
		if (parse_urlencoded(body, n, &req.arena, &req.form, &req.err))
			goto out;
	} else {
		req.json = json_loadb(body, n, JSON_REJECT_DUPLICATES, NULL);
		if (!req.json)
			goto out;
	}
	if (input_begin(&req, &in)) {
		if (json_is_object(req.json) || req.err.rc != BRUG_EINVAL)
			__builtin_trap();
		goto out;
	}
	read_fields(&in);
	bool ok = input_ok(&in);
	if (ok != (json_object_size(in.fields) == 0))
		__builtin_trap();
	if (!ok) {
		if (input_fail(&in, &resp) != BRUG_EVALIDATION || resp.status != 422)
			__builtin_trap();
		char *s = jx_dumps(resp.data);
		if (!s || !utf8_valid(s, strlen(s)))
			__builtin_trap();
		free(s);
	}
	if (json_object_get(in.values, "raw")) /* a secret is never echoed */
		__builtin_trap();
out:
	input_end(&in);
	resp_cleanup(&resp);
	req_cleanup(&req);
	return 0;
}

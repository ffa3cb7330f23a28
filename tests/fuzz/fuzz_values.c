/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the parsers of single values a visitor or an API client
 * sends: answer-link tokens (src/domain/survey_token.c), dates
 * (check_date: a task's due date, a date custom field), moments
 * (api_parse_time), e-mail addresses and phone numbers
 * (src/util/contactinfo.c) and custom field values (custom_field_stored).
 * The input, up to its first NUL, is the value. Traps when an accepted
 * value is not what its parser promises: a token other than the one
 * survey_token_make writes for its id, a date or moment not of the form
 * YYYY-MM-DD[THH:MM[:SS]] in digits, a stored number that is not the whole
 * input, a phone number with anything but digits. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "domain/check.h"
#include "domain/custom_field.h"
#include "domain/survey_token.h"
#include "util/contactinfo.h"
#include "util/jx.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char key[SECURE_KEY_BYTES] = "0123456789abcdef0123456789abcde";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	jx_init();
	return 0;
}

/* True when s[0..n) are all digits. */
static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* s is YYYY-MM-DD followed by rest (which starts at s + 10). */
static bool iso_date(const char *s)
{
	return strlen(s) >= 10 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' &&
	       digits(s + 8, 2);
}

static void tokens(const char *s, int64_t id)
{
	char again[SURVEY_TOKEN_MAX];
	int64_t got = 0;
	if (survey_token_parse(key, s, &got)) {
		survey_token_make(key, got, again);
		if (got <= 0 || strcmp(again, s))
			__builtin_trap();
	}
	if (survey_token_parse_link(key, s, &got)) {
		survey_token_make_link(key, got, again);
		if (got <= 0 || strcmp(again, s))
			__builtin_trap();
	}
	/* every id's token reads back, and never as the other kind */
	if (id <= 0)
		return;
	survey_token_make(key, id, again);
	if (!survey_token_parse(key, again, &got) || got != id ||
	    survey_token_parse_link(key, again, &got))
		__builtin_trap();
	survey_token_make_link(key, id, again);
	if (!survey_token_parse_link(key, again, &got) || got != id ||
	    survey_token_parse(key, again, &got))
		__builtin_trap();
}

static void moments(const char *s)
{
	if (check_date(s, 1, 9999) && (strlen(s) != 10 || !iso_date(s)))
		__builtin_trap();
	struct req req;
	req_init(&req, NULL);
	int64_t ms;
	if (api_parse_time(&req, s, &ms)) {
		size_t n = strlen(s);
		bool local = (n == 16 || n == 19) && iso_date(s) && s[10] == 'T' &&
			     digits(s + 11, 2) && s[13] == ':' && digits(s + 14, 2) &&
			     (n == 16 || (s[16] == ':' && digits(s + 17, 2)));
		if (!local && (n < 20 || !iso_date(s) || s[n - 1] != 'Z'))
			__builtin_trap();
	}
	req_cleanup(&req);
}

static void contacts(const char *s)
{
	if (contactinfo_email_valid(s)) {
		const char *at = strchr(s, '@');
		if (!at || at == s || strchr(at + 1, '@') || strlen(s) > 254 || !strchr(at, '.') ||
		    strpbrk(s, " \t\r\n<>\"(),;:"))
			__builtin_trap();
	}
	char out[PHONE_NORM_MAX];
	const char *const countries[] = {"31", "", NULL};
	for (int i = 0; i < 3; i++) {
		if (!contactinfo_phone_norm(s, countries[i], out))
			continue;
		size_t n = strlen(out);
		if (n < 3 || n >= PHONE_NORM_MAX || !digits(out, n))
			__builtin_trap();
	}
}

static void custom(const char *s)
{
	json_t *v = json_string(s);
	if (!v)
		return; /* not UTF-8: never reaches a custom field */
	json_t *f = json_pack("{s:s,s:s,s:[s,s]}", "name", "f", "type", "number", "choices", "a",
			      "b c");
	char *got = custom_field_stored(f, v);
	if (got && *got) {
		/* the whole input is the number (a decimal comma allowed) */
		char *dot = strdup(s), *end = NULL;
		for (char *p = dot; *p; p++)
			if (*p == ',')
				*p = '.';
		double x = strtod(dot, &end);
		char want[64];
		snprintf(want, sizeof(want), "%.15g", x);
		if (end == dot || *end || strcmp(got, want))
			__builtin_trap();
		free(dot);
	}
	free(got);
	static const char *const types[] = {"date", "choice", "text"};
	for (int i = 0; i < 3; i++) {
		json_object_set_new(f, "type", json_string(types[i]));
		got = custom_field_stored(f, v);
		if (got && *got &&
		    (strcmp(got, s) || (i == 0 && (strlen(s) != 10 || !iso_date(s))) ||
		     (i == 1 && strcmp(s, "a") && strcmp(s, "b c")) ||
		     (i == 2 && !check_text(s, 1000, true))))
			__builtin_trap();
		free(got);
	}
	json_decref(f);
	json_decref(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	int64_t id = 0;
	if (size >= 8)
		memcpy(&id, data, sizeof(id));
	tokens(s, id % 1000000000000000000LL);
	moments(s);
	contacts(s);
	custom(s);
	free(s);
	return 0;
}

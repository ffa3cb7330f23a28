/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for textfold_fold, textfold_terms, textfold_query and
 * textfold_prefix_upper (src/util/textfold.c): the input is any text.
 * Beyond crashes, leaks, sanitizer reports and hangs, it traps when a
 * promise of textfold.h breaks: a term or query term that is not valid
 * UTF-8, empty, longer than TEXTFOLD_TERM_MAX or repeated; more terms than
 * TEXTFOLD_TERMS_MAX; a query refused for another reason than its size; a
 * prefix range that does not hold exactly the terms with the prefix; and a
 * text that is not found by a query equal to itself (followed by a space,
 * so every word is exact, or as typed, for its last word). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/rc.h"
#include "util/textfold.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool term_ok(const char *t)
{
	size_t n = strlen(t);
	return n >= 1 && n <= TEXTFOLD_TERM_MAX && utf8_valid(t, n);
}

static bool has_term(const struct textfold_terms *t, const char *s)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i], s) == 0)
			return true;
	return false;
}

static bool starts_with(const char *t, const char *p)
{
	return strncmp(t, p, strlen(p)) == 0;
}

/* [p, upper) holds exactly the terms that start with p. */
static void check_range(const struct textfold_terms *t, const char *p, const char *upper)
{
	for (size_t i = 0; i < t->n; i++) {
		bool in = strcmp(t->v[i], p) >= 0 && (!upper || strcmp(t->v[i], upper) < 0);
		if (in != starts_with(t->v[i], p))
			__builtin_trap();
	}
}

static void check_terms(const struct textfold_terms *t)
{
	if (t->n > TEXTFOLD_TERMS_MAX)
		__builtin_trap();
	for (size_t i = 0; i < t->n; i++) {
		if (!term_ok(t->v[i]))
			__builtin_trap();
		for (size_t j = 0; j < i; j++)
			if (strcmp(t->v[i], t->v[j]) == 0)
				__builtin_trap();
	}
}

/* Checks the query of the n bytes at s against the terms of the same text;
 * exact: s ends in a space. */
static void check_query(const char *s, size_t n, const struct textfold_terms *t, bool exact)
{
	struct textfold_query *q = NULL;
	struct brug_err err = {0};
	int rc = textfold_query(s, n, &q, &err);
	if (rc) {
		if (rc != BRUG_ETOOBIG || q || !err.detail[0])
			__builtin_trap();
		if (n <= TEXTFOLD_QUERY_MAX && strstr(err.detail, "words") == NULL)
			__builtin_trap();
		return;
	}
	for (size_t i = 0; i < q->n; i++) {
		const struct textfold_group *g = &q->g[i];
		if (g->n < 1 || g->n > TEXTFOLD_ALTS_MAX)
			__builtin_trap();
		bool found = false, typed = false;
		for (size_t j = 0; j < g->n; j++) {
			if (!term_ok(g->alt[j]) || (exact && g->prefix[j]))
				__builtin_trap();
			for (size_t k = 0; k < j; k++)
				if (strcmp(g->alt[j], g->alt[k]) == 0)
					__builtin_trap();
			if (!g->prefix[j]) {
				if (g->upper[j])
					__builtin_trap();
				found |= has_term(t, g->alt[j]);
				continue;
			}
			typed = true;
			if (!g->upper[j] || !utf8_valid(g->upper[j], strlen(g->upper[j])) ||
			    strcmp(g->alt[j], g->upper[j]) >= 0)
				__builtin_trap();
			check_range(t, g->alt[j], g->upper[j]);
			for (size_t k = 0; k < t->n; k++)
				found |= starts_with(t->v[k], g->alt[j]);
		}
		/* an address being typed need not be in the text whole */
		if (!found && !t->truncated && !(typed && g->kind == TEXTFOLD_EMAIL))
			__builtin_trap();
	}
	textfold_query_free(q);
}

/* Byte order of two strings that may hold any bytes. */
static int bytecmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	return c ? c : (an > bn) - (an < bn);
}

/* The upper end of the input as a prefix is above it and not an extension
 * of it; there is none only for "" and runs of U+10FFFF. */
static void check_upper(const char *s, size_t size)
{
	char *u = NULL;
	if (textfold_prefix_upper(s, size, &u) != 0) {
		if (utf8_valid(s, size))
			__builtin_trap();
		return;
	}
	if (!u) {
		for (size_t i = 0; i < size; i += 4)
			if (size - i < 4 || memcmp(s + i, "\xF4\x8F\xBF\xBF", 4) != 0)
				__builtin_trap();
		return;
	}
	size_t un = strlen(u);
	if (!utf8_valid(u, un) || bytecmp(s, size, u, un) >= 0 ||
	    (un >= size && memcmp(u, s, size) == 0))
		__builtin_trap();
	free(u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char *f = NULL;
	size_t fn = 0;
	if (textfold_fold(s, size, &f, &fn) == 0) {
		if (strlen(f) != fn || !utf8_valid(f, fn))
			__builtin_trap();
		free(f);
	} else if (size <= TEXTFOLD_TEXT_MAX) {
		__builtin_trap();
	}

	struct textfold_terms *t = textfold_terms(s, size);
	check_terms(t);
	check_query(s, size, t, false);
	if (size < TEXTFOLD_QUERY_MAX) {
		char *sp = malloc(size + 1);
		memcpy(sp, data, size);
		sp[size] = ' ';
		check_query(sp, size + 1, t, true);
		free(sp);
	}
	textfold_terms_free(t);

	check_upper(s, size);
	return 0;
}

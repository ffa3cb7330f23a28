/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for markdown_to_html, markdown_to_text and the preview cutter
 * (src/util/markdown.c): the input is Markdown as a user would type it.
 * Beyond crashes, leaks, sanitizer reports and hangs, it traps when a
 * promise of markdown.h breaks: a failure other than BRUG_EINVAL for bad
 * UTF-8 or BRUG_ETOOBIG; HTML that is not valid UTF-8, holds a tag or an
 * attribute outside the short list markdown.h gives (so no <script>, no
 * <img>, no on* handler), an <a> without rel, inside another <a>, or with
 * an href whose scheme is not http, https, mailto or tel; text with markup characters that
 * collapse did not remove (runs of white space, controls); or a preview
 * longer than its limit. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/markdown.h"
#include "util/rc.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool in_list(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && strncmp(*list, s, n) == 0)
			return true;
	return false;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* An href that a browser would run or fetch from somewhere unexpected:
 * anything with a scheme other than the four allowed. A scheme is a
 * letter and then letters, digits, '+', '-' or '.' before a ':' (WHATWG
 * URL); cmark-gfm writes href percent-encoded, so nothing hides in it. */
static bool href_bad(const char *v, size_t n)
{
	static const char *const ok[] = {"http", "https", "mailto", "tel", NULL};
	size_t i = 0;
	if (n == 0 || !((v[0] | 0x20) >= 'a' && (v[0] | 0x20) <= 'z'))
		return false;
	while (i < n && ((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
	                 (v[i] >= '0' && v[i] <= '9') || v[i] == '+' || v[i] == '-' || v[i] == '.'))
		i++;
	if (i == n || v[i] != ':')
		return false;
	char scheme[8];
	if (i >= sizeof(scheme))
		return true;
	for (size_t j = 0; j < i; j++)
		scheme[j] = (char)(v[j] | 0x20);
	return !in_list(scheme, i, ok);
}

/* Checks one tag starting at s ('<'); returns its length, or 0 if bad. */
static size_t check_tag(const char *s)
{
	static const char *const tags[] = {
	        "p",   "h1",    "h2",    "h3",         "h4", "h5", "h6", "em",    "strong",
	        "del", "code",  "pre",   "blockquote", "ul", "ol", "li", "hr",    "br",
	        "a",   "table", "thead", "tbody",      "tr", "th", "td", "input", NULL};
	static const char *const attrs[] = {"href",  "title", "rel",     "class",    "align",
	                                    "start", "type",  "checked", "disabled", NULL};
	size_t i = 1;
	if (s[i] == '/')
		i++;
	size_t name = i;
	while (is_name_char(s[i]))
		i++;
	bool is_a = i - name == 1 && s[name] == 'a' && s[1] != '/';
	if (!in_list(s + name, i - name, tags))
		return 0;
	bool rel = false;
	for (;;) {
		while (s[i] == ' ')
			i++;
		if (s[i] == '>')
			break;
		if (s[i] == '/' && s[i + 1] == '>') {
			i++;
			break;
		}
		size_t an = i;
		while (is_name_char(s[i]))
			i++;
		if (!in_list(s + an, i - an, attrs) || s[i] != '=' || s[i + 1] != '"')
			return 0;
		size_t v = i + 2;
		const char *end = strchr(s + v, '"');
		if (!end || memchr(s + v, '<', (size_t)(end - s) - v))
			return 0;
		size_t vn = (size_t)(end - s) - v;
		if (i - an == 4 && strncmp(s + an, "href", 4) == 0 && href_bad(s + v, vn))
			return 0;
		if (i - an == 3 && strncmp(s + an, "rel", 3) == 0)
			rel = vn == strlen(MARKDOWN_LINK_REL) &&
			      strncmp(s + v, MARKDOWN_LINK_REL, vn) == 0;
		i = (size_t)(end - s) + 1;
	}
	if (is_a && !rel)
		return 0;
	return i + 1;
}

static void check_html(const char *html)
{
	size_t n = strlen(html);
	int in_a = 0;
	if (n > MARKDOWN_HTML_MAX || !utf8_valid(html, n))
		__builtin_trap();
	for (const char *p = html; (p = strchr(p, '<'));) {
		size_t len = check_tag(p);
		if (!len)
			__builtin_trap();
		if (strncmp(p, "<a ", 3) == 0 && in_a++) /* links do not nest */
			__builtin_trap();
		if (strncmp(p, "</a>", 4) == 0 && --in_a < 0)
			__builtin_trap();
		p += len;
	}
	if (in_a)
		__builtin_trap();
}

static void check_text(const char *text)
{
	size_t n = strlen(text);
	if (!utf8_valid(text, n) || (n && (text[0] == ' ' || text[n - 1] == ' ')))
		__builtin_trap();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7F ||
		    (text[i] == ' ' && text[i + 1] == ' '))
			__builtin_trap();
	char *cut = NULL;
	size_t max = n % 50; /* a limit that depends on the input, from 0 to 49 */
	if (markdown_cut_text(text, n, max, &cut) != 0 || utf8_len(cut, strlen(cut)) > max ||
	    !utf8_valid(cut, strlen(cut)))
		__builtin_trap();
	free(cut);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *md = (const char *)data;
	bool valid = utf8_valid(md, size);
	for (unsigned flags = 0; flags < 4; flags++) {
		char *html = NULL;
		int rc = markdown_to_html(md, size, flags, &html);
		if (rc == 0) {
			check_html(html);
			free(html);
		} else if (html || (valid ? rc != BRUG_ETOOBIG : rc != BRUG_EINVAL)) {
			__builtin_trap();
		}
	}
	char *text = NULL;
	int rc = markdown_to_text(md, size, &text);
	if (rc == 0) {
		check_text(text);
		free(text);
	} else if (text || (valid ? rc != BRUG_ETOOBIG : rc != BRUG_EINVAL)) {
		__builtin_trap();
	}
	return 0;
}

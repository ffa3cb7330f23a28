/* SPDX-License-Identifier: Apache-2.0 */
/* Markdown written by users (interaction summaries, notes, community posts)
 * turned into HTML that is safe to put in a page, and into plain text for
 * search, previews and emails. The only module that talks to cmark-gfm: it
 * owns the safety rules (no raw HTML, no script URLs, no images, rel on
 * every link) and the limits that keep a hostile input cheap. No I/O. */
#ifndef BRUG_UTIL_MARKDOWN_H
#define BRUG_UTIL_MARKDOWN_H

#include <stddef.h>

/* Longest input accepted, in bytes; more is BRUG_ETOOBIG. */
#define MARKDOWN_INPUT_MAX ((size_t)256 << 10)
/* Longest HTML produced, in bytes; more is BRUG_ETOOBIG. Input that passes
 * the other checks stays below it (256 KiB of empty links "[](a)" is the
 * most measured: 2.6 MiB). */
#define MARKDOWN_HTML_MAX ((size_t)16 << 20)
/* What every link carries: search engines get no credit from users' links,
 * and the page opened learns nothing about the page that linked to it. */
#define MARKDOWN_LINK_REL "nofollow noopener noreferrer"
/* Length of a preview in characters, "…" included (markdown_to_preview). */
#define MARKDOWN_PREVIEW_CHARS 200

enum markdown_flag {
	/* Headings move two levels down (# is <h3>, ## is <h4>, deeper ones
	 * stop at <h6>), so a user's text fits under the page's own h1 and
	 * h2 and the outline that screen readers follow stays right. */
	MARKDOWN_SHIFT_HEADINGS = 1u << 0,
	/* A line break in the text is a line break on the page (<br />), as
	 * people who have never heard of Markdown expect in a note. */
	MARKDOWN_HARD_BREAKS = 1u << 1,
};

/* Renders the n bytes at md (GitHub-flavoured Markdown with tables,
 * ~~strikethrough~~, autolinks for www. and http(s):// and e-mail
 * addresses, and - [ ] task lists) as an HTML fragment that is safe to
 * place in a page as it is:
 * - raw HTML is shown as the text it is ("<b>" appears as "<b>"), never
 *   passed through and never silently dropped;
 * - a link keeps its target only when the target has no scheme (a path or
 *   #fragment) or the scheme is http, https, mailto or tel, judged the way
 *   a browser reads it (tabs and newlines inside the URL removed, entities
 *   decoded); any other link, javascript: and data: included, becomes its
 *   text alone;
 * - every <a> carries rel="MARKDOWN_LINK_REL";
 * - an image is never an <img> (the reader's browser would fetch it from
 *   another site): it becomes a link to the image with the alt text as its
 *   text (the URL when there is no alt text), or the alt text alone when
 *   it stands inside another link or its URL is refused;
 * - the only tags produced are p, h1-h6, em, strong, del, code, pre,
 *   blockquote, ul, ol, li, hr, br, a, table, thead, tbody, tr, th, td and
 *   a disabled checkbox <input> for task lists.
 * flags is a set of enum markdown_flag. md may be NULL when n is 0.
 * Returns 0 and sets *html_out to a NUL-terminated string the caller frees
 * (an empty input gives ""). Otherwise *html_out is untouched and the
 * result is BRUG_ETOOBIG when n is over MARKDOWN_INPUT_MAX, when the input
 * is one of the pathological shapes that this cmark-gfm version (Debian
 * 12's 0.29.0.gfm.6) parses in more than linear time or blows up (very
 * deep nesting with much text, thousands of "![", tables whose header is
 * tried again and again or whose short rows are padded to many columns,
 * long runs of would-be autolinks, a long reference used many times; see
 * markdown.c), or when the HTML would pass MARKDOWN_HTML_MAX;
 * BRUG_EINVAL when the input is not valid UTF-8 or holds a NUL byte, or
 * flags holds an unknown bit. Thread-safe: parsing is serialised by a
 * mutex (cmark-gfm changes a global table while it parses). */
int markdown_to_html(const char *md, size_t n, unsigned flags, char **html_out);

/* The text a reader sees in the rendered Markdown, as one line: no markup,
 * link and image text kept but their URLs dropped, raw HTML kept as text
 * (as markdown_to_html shows it), entities decoded, every run of white
 * space and control characters turned into one space, no space at either
 * end. It is plain text, not HTML: escape it where it goes into HTML.
 * Same input rules, limits and errors as markdown_to_html. Returns 0 and
 * sets *text_out to a NUL-terminated string the caller frees. Thread-safe
 * (as markdown_to_html). */
int markdown_to_text(const char *md, size_t n, char **text_out);

/* Shortens the UTF-8 text of n bytes at text to at most max_chars
 * characters (code points), "…" (U+2026) included. Text that fits is
 * copied unchanged. Otherwise it is cut at the last word boundary (white
 * space) that leaves room for the "…", with white space and the
 * punctuation ",;:" at the end of what is kept removed; when that would
 * throw away more than half of the room (one very long word, a URL), it
 * is cut inside the word instead, on a character boundary that does not
 * split a character from its accents (a grapheme cluster). max_chars 0
 * gives "". Returns 0 and sets *out to a NUL-terminated string the caller
 * frees, or BRUG_EINVAL (and *out untouched) when the text is not valid
 * UTF-8 or holds a NUL byte. Thread-safe. */
int markdown_cut_text(const char *text, size_t n, size_t max_chars, char **out);

/* markdown_to_text followed by markdown_cut_text: the preview of a note or
 * post in at most max_chars characters (MARKDOWN_PREVIEW_CHARS in lists
 * and e-mails). Same errors as markdown_to_text; the caller frees *out.
 * Thread-safe. */
int markdown_to_preview(const char *md, size_t n, size_t max_chars, char **out);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Markdown to safe HTML and plain text with cmark-gfm; see markdown.h.
 * cmark-gfm parses; this file checks the input first (size, UTF-8, shapes
 * that this cmark-gfm parses in quadratic time), then rewrites the tree
 * (raw HTML to text, links checked, images to links, headings shifted)
 * and lets cmark-gfm render the result, adding rel to its <a> tags. */
#include "util/markdown.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <utf8proc.h>

#include "util/buf.h"
#include "util/rc.h"
#include "util/utf8.h"
#include "util/xmalloc.h"

/* ---- the cost check ----
 * Debian 12's cmark-gfm (0.29.0.gfm.6) predates the fixes for several
 * quadratic paths (CVE-2023-22484, -22486, -24824, -26485, -28626,
 * -37463 and relatives). Measured on it, a 256 KiB input can take from
 * seconds to minutes: text inside thousands of nested quotes or lists,
 * thousands of "![" before links, table delimiter rows under a long
 * paragraph full of pipes, and long runs of "www." or "@" without white
 * space; and a link reference definition used 60,000 times writes its URL
 * 60,000 times (64 MiB from 240 KiB). One linear pass estimates, per
 * family, an upper bound of the work in about nanoseconds (weights
 * measured on the families above), and an input over MD_WORK_MAX in any
 * family is refused. Normal text stays orders of magnitude below it; see
 * test_markdown.c. */
#define MD_WORK_MAX   ((uint64_t)1 << 25)
#define MD_W_DEPTH    3 /* per nesting level per input byte */
#define MD_W_IMAGE    4 /* per "![" per ']' */
#define MD_W_AUTOLINK 6 /* per would-be autolink per byte of its run */
#define MD_W_PIPES    8 /* per pipe squared in a table row or header */
#define MD_W_LINES    4 /* per line squared in a paragraph tried as a header */
#define MD_W_REF      8 /* per byte a reference copies into the HTML */
#define MD_W_CELL     1000 /* per empty cell added to pad a short table row */

struct md_cost {
	uint64_t depth;    /* deepest container nesting a line can open */
	uint64_t images;   /* "![" */
	uint64_t closes;   /* ']' */
	uint64_t autolink; /* would-be autolinks times the run each one scans */
	uint64_t table;    /* table rows and header attempts */
	uint64_t ref_max;  /* largest block holding a reference definition */
	/* the current block of lines, up to the next blank line */
	uint64_t block_bytes, block_pipes, block_lines;
	uint64_t block_cols; /* columns of a table that may have started */
	bool block_ref;      /* it may hold a reference definition */
};

static bool md_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool md_is_alnum(unsigned char c)
{
	return md_is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* An upper bound of the container depth (block quotes, list items) a line
 * can open: each level needs a '>', a list marker, or two columns of
 * indentation before a later marker. */
static uint64_t md_line_depth(const unsigned char *s, size_t len)
{
	uint64_t markers = 0, cols = 0, cols_at_marker = 0;
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		bool end_next = i + 1 >= len || s[i + 1] == ' ' || s[i + 1] == '\t';
		if (c == ' ' || c == '\t') {
			cols += c == '\t' ? 4 : 1;
			i++;
			continue;
		}
		if (c == '>' || ((c == '-' || c == '*' || c == '+') && end_next)) {
			i++;
		} else if (md_is_digit(c)) {
			size_t j = i;
			while (j < len && j - i < 9 && md_is_digit(s[j]))
				j++;
			if (j >= len || (s[j] != '.' && s[j] != ')') ||
			    !(j + 1 >= len || s[j + 1] == ' ' || s[j + 1] == '\t'))
				break;
			i = j + 1;
		} else {
			break;
		}
		markers++;
		cols_at_marker = cols;
	}
	return markers + cols_at_marker / 2;
}

/* Each "www." and "://" scans on to the next white space. Each e-mail
 * address found copies the rest of its text node, which can be the whole
 * line: an address has one of "a0.+-_" before its '@' ("&#64;" and
 * "&commat;" are an '@' too). */
static void md_cost_autolink(const unsigned char *s, size_t len, struct md_cost *c)
{
	uint64_t trig = 0, ats = 0;
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		unsigned char ch = i < len ? s[i] : ' ';
		if (ch == ' ' || ch == '\t' || ch == '\v' || ch == '\f') {
			c->autolink += trig * (i - start);
			trig = 0;
			start = i + 1;
		} else if ((ch == 'w' && len - i >= 4 && memcmp(s + i, "www.", 4) == 0) ||
		           (ch == ':' && len - i >= 3 && s[i + 1] == '/' && s[i + 2] == '/')) {
			trig++;
		}
		ats += (ch == '@' && i > 0 && (md_is_alnum(s[i - 1]) || strchr(".+-_", s[i - 1]))) ||
		       (ch == '&' && i + 1 < len && (s[i + 1] == '#' || s[i + 1] == 'c'));
	}
	c->autolink += ats * len;
}

/* A line that might be a table's delimiter row makes the table extension
 * parse the whole paragraph above it as a header row, in time quadratic in
 * its lines and in its pipes; each row is parsed in time quadratic in its
 * pipes (for empty cells); and a row with fewer
 * cells than the table has columns is padded with empty ones, so "x" on a
 * line makes as many cells as the widest delimiter row above it. */
static void md_cost_table(const unsigned char *s, size_t len, struct md_cost *c)
{
	uint64_t pipes = 0;
	bool delim = true, dash = false;
	for (size_t i = 0; i < len; i++) {
		pipes += s[i] == '|';
		dash |= s[i] == '-';
		delim &= s[i] == '-' || s[i] == '|' || s[i] == ':' || s[i] == ' ' || s[i] == '\t' ||
		         s[i] == '>';
	}
	if (c->block_cols > pipes + 1)
		c->table += MD_W_CELL * (c->block_cols - pipes - 1);
	if (delim && dash) {
		c->table += c->block_bytes + MD_W_PIPES * c->block_pipes * c->block_pipes +
		            MD_W_LINES * c->block_lines * c->block_lines;
		if (pipes + 1 > c->block_cols)
			c->block_cols = pipes + 1;
	}
	if (pipes)
		c->table += len + MD_W_PIPES * pipes * pipes;
	c->block_pipes += pipes;
}

/* A blank line (or the end) closes the block of lines above it: a
 * reference definition in it copies at most the whole block per use. */
static void md_cost_block_end(struct md_cost *c)
{
	if (c->block_ref && c->block_bytes > c->ref_max)
		c->ref_max = c->block_bytes;
	c->block_bytes = c->block_pipes = c->block_lines = c->block_cols = 0;
	c->block_ref = false;
}

static void md_cost_line(const unsigned char *s, size_t len, struct md_cost *c)
{
	uint64_t depth = md_line_depth(s, len);
	if (depth > c->depth)
		c->depth = depth;
	size_t content = 0;
	while (content < len && (s[content] == ' ' || s[content] == '\t' || s[content] == '>'))
		content++;
	if (content == len) {
		md_cost_block_end(c);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		c->images += s[i] == '!' && i + 1 < len && s[i + 1] == '[';
		c->closes += s[i] == ']';
		c->block_ref |= s[i] == ']' && i + 1 < len && s[i + 1] == ':';
	}
	md_cost_autolink(s, len, c);
	md_cost_table(s, len, c);
	c->block_bytes += len + 1;
	c->block_lines++;
}

/* True when md is one of the shapes described at the top of this file.
 * Lines end at LF, CR or CRLF, as in cmark. n is at most
 * MARKDOWN_INPUT_MAX, so no product below overflows 64 bits. */
static bool md_too_costly(const char *md, size_t n)
{
	const unsigned char *s = (const unsigned char *)md;
	struct md_cost c = {0};
	size_t i = 0;
	while (i < n) {
		size_t end = i;
		while (end < n && s[end] != '\n' && s[end] != '\r')
			end++;
		md_cost_line(s + i, end - i, &c);
		i = end + (end + 1 < n && s[end] == '\r' && s[end + 1] == '\n' ? 2 : 1);
	}
	md_cost_block_end(&c);
	return MD_W_DEPTH * c.depth * n > MD_WORK_MAX ||
	       MD_W_IMAGE * c.images * c.closes > MD_WORK_MAX ||
	       MD_W_AUTOLINK * c.autolink > MD_WORK_MAX || c.table > MD_WORK_MAX ||
	       MD_W_REF * c.ref_max * c.closes > MD_WORK_MAX;
}

/* ---- parsing ---- */

static pthread_once_t md_once = PTHREAD_ONCE_INIT;
/* cmark-gfm adds the extensions' characters to a global table of special
 * characters while it parses inlines and removes them afterwards, so two
 * parses at once would see each other's changes. */
static pthread_mutex_t md_parse_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *const md_ext_names[] = {"table", "strikethrough", "autolink", "tasklist"};
#define MD_EXT_COUNT (sizeof(md_ext_names) / sizeof(md_ext_names[0]))
static cmark_syntax_extension *md_exts[MD_EXT_COUNT];

static void md_init(void)
{
	cmark_gfm_core_extensions_ensure_registered();
	for (size_t i = 0; i < MD_EXT_COUNT; i++)
		md_exts[i] = cmark_find_syntax_extension(md_ext_names[i]);
}

/* Checks the input and parses it. On success the caller frees *doc and
 * then *parser (whose extension list the HTML renderer needs). */
static int md_parse(const char *md, size_t n, int options, cmark_parser **parser, cmark_node **doc)
{
	if (n > MARKDOWN_INPUT_MAX)
		return BRUG_ETOOBIG;
	if (n && (!md || !utf8_valid(md, n)))
		return BRUG_EINVAL;
	if (md_too_costly(md, n))
		return BRUG_ETOOBIG;
	pthread_once(&md_once, md_init);
	for (size_t i = 0; i < MD_EXT_COUNT; i++)
		if (!md_exts[i])
			return BRUG_EINTERNAL;
	cmark_parser *p = cmark_parser_new(options);
	for (size_t i = 0; i < MD_EXT_COUNT; i++)
		cmark_parser_attach_syntax_extension(p, md_exts[i]);
	pthread_mutex_lock(&md_parse_lock);
	if (n)
		cmark_parser_feed(p, md, n);
	cmark_node *d = cmark_parser_finish(p);
	pthread_mutex_unlock(&md_parse_lock);
	if (!d) {
		cmark_parser_free(p);
		return BRUG_EINTERNAL;
	}
	*parser = p;
	*doc = d;
	return 0;
}

/* Frees what md_parse made; NULLs are fine (cmark's own frees take none). */
static void md_free(cmark_node *doc, cmark_parser *parser)
{
	if (doc)
		cmark_node_free(doc);
	if (parser)
		cmark_parser_free(parser);
}

/* ---- making the tree safe ---- */

static bool md_scheme_allowed(const char *s, size_t len)
{
	static const char *const allowed[] = {"http", "https", "mailto", "tel"};
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		if (strlen(allowed[i]) != len)
			continue;
		size_t j = 0;
		while (j < len && (s[j] | 0x20) == allowed[i][j])
			j++;
		if (j == len)
			return true;
	}
	return false;
}

/* url as a browser reads it (WHATWG URL): C0 controls and spaces cut from
 * both ends, ASCII tab, LF and CR removed everywhere; then its scheme is
 * the letters, digits, '+', '-' and '.' before the first ':' when they
 * start with a letter. Returns that cleaned copy (the caller frees) when
 * there is no scheme or it is allowed, NULL otherwise. cmark-gfm has
 * already decoded entities and backslash escapes in url. */
static char *md_url_checked(const char *url)
{
	if (!url)
		url = "";
	size_t a = 0, b = strlen(url), len = 0;
	while (a < b && (unsigned char)url[a] <= 0x20)
		a++;
	while (b > a && (unsigned char)url[b - 1] <= 0x20)
		b--;
	char *s = xmalloc(b - a + 1);
	for (size_t i = a; i < b; i++)
		if (url[i] != '\t' && url[i] != '\n' && url[i] != '\r')
			s[len++] = url[i];
	s[len] = '\0';
	if (len && md_is_alnum((unsigned char)s[0]) && !md_is_digit((unsigned char)s[0])) {
		size_t i = 1;
		while (i < len && (md_is_alnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' ||
		                   s[i] == '.'))
			i++;
		if (i < len && s[i] == ':' && !md_scheme_allowed(s, i)) {
			free(s);
			return NULL;
		}
	}
	return s;
}

/* Puts node's children in its place and frees node. */
static void md_unwrap(cmark_node *node)
{
	cmark_node *child;
	while ((child = cmark_node_first_child(node)))
		if (!cmark_node_insert_before(node, child))
			cmark_node_free(child); /* unreachable: the parent held node */
	cmark_node_free(node);
}

/* A link keeps a checked URL; inside an image (whose description may hold
 * links, e-mail autolinks too) only its text stays, since the image
 * becomes a link itself and links do not nest. */
static void md_fix_link(cmark_node *node, bool in_link)
{
	char *url = in_link ? NULL : md_url_checked(cmark_node_get_url(node));
	if (!url) {
		md_unwrap(node);
		return;
	}
	cmark_node_set_url(node, url);
	free(url);
}

/* An image becomes a link to it; inside another link, or with a refused
 * URL, only its alt text stays. */
static void md_fix_image(cmark_node *node, bool in_link)
{
	char *url = in_link ? NULL : md_url_checked(cmark_node_get_url(node));
	cmark_node *link = cmark_node_new(CMARK_NODE_LINK);
	if (!url || !cmark_node_insert_before(node, link)) {
		/* the second can't happen: a link may stand where an image does */
		cmark_node_free(link);
		free(url);
		md_unwrap(node);
		return;
	}
	cmark_node_set_url(link, url);
	cmark_node_set_title(link, cmark_node_get_title(node));
	cmark_node *child;
	while ((child = cmark_node_first_child(node)))
		if (!cmark_node_append_child(link, child))
			cmark_node_free(child); /* unreachable: links hold inlines */
	if (!cmark_node_first_child(link)) {
		cmark_node *text = cmark_node_new(CMARK_NODE_TEXT);
		cmark_node_set_literal(text, url);
		cmark_node_append_child(link, text);
	}
	cmark_node_free(node);
	free(url);
}

/* Raw HTML is shown as the text it is. */
static void md_fix_html_inline(cmark_node *node)
{
	cmark_node *text = cmark_node_new(CMARK_NODE_TEXT);
	cmark_node_set_literal(text, cmark_node_get_literal(node));
	if (cmark_node_replace(node, text))
		cmark_node_free(node);
	else
		cmark_node_free(text); /* unreachable; cmark would print a comment */
}

/* A block of raw HTML becomes a paragraph of its lines, as text. */
static void md_fix_html_block(cmark_node *node)
{
	const char *lit = cmark_node_get_literal(node);
	cmark_node *para = cmark_node_new(CMARK_NODE_PARAGRAPH);
	size_t len = lit ? strlen(lit) : 0, i = 0;
	while (i < len) {
		size_t end = i;
		while (end < len && lit[end] != '\n')
			end++;
		size_t stop = end > i && lit[end - 1] == '\r' ? end - 1 : end;
		if (i > 0)
			cmark_node_append_child(para, cmark_node_new(CMARK_NODE_SOFTBREAK));
		char *line = xstrndup(lit + i, stop - i);
		cmark_node *text = cmark_node_new(CMARK_NODE_TEXT);
		cmark_node_set_literal(text, line);
		cmark_node_append_child(para, text);
		free(line);
		i = end + 1;
	}
	if (cmark_node_replace(node, para))
		cmark_node_free(node);
	else
		cmark_node_free(para); /* unreachable; cmark would print a comment */
}

struct md_item {
	cmark_node *node;
	bool in_link; /* inside a link or an image */
};

/* The nodes to rewrite, in document order. The caller frees *out. */
static size_t md_collect(cmark_node *doc, unsigned flags, struct md_item **out)
{
	struct md_item *items = NULL;
	size_t count = 0, cap = 0;
	int link_depth = 0;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(node);
		bool link = type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE;
		if (link && ev == CMARK_EVENT_EXIT) {
			link_depth--;
			continue;
		}
		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (!link && type != CMARK_NODE_HTML_INLINE && type != CMARK_NODE_HTML_BLOCK &&
		    !(type == CMARK_NODE_HEADING && (flags & MARKDOWN_SHIFT_HEADINGS)))
			continue;
		if (count == cap) {
			cap = cap ? 2 * cap : 16;
			items = xrealloc(items, cap * sizeof(*items));
		}
		items[count].node = node;
		items[count++].in_link = link_depth > 0;
		if (link)
			link_depth++;
	}
	cmark_iter_free(it);
	*out = items;
	return count;
}

/* Rewrites the tree as markdown.h promises. Last node first, so a node is
 * rewritten before the link or image around it moves or frees it. */
static void md_sanitize(cmark_node *doc, unsigned flags)
{
	struct md_item *items;
	size_t count = md_collect(doc, flags, &items);
	for (size_t i = count; i-- > 0;) {
		cmark_node *node = items[i].node;
		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_HEADING: {
			int level = cmark_node_get_heading_level(node) + 2;
			cmark_node_set_heading_level(node, level > 6 ? 6 : level);
			break;
		}
		case CMARK_NODE_HTML_INLINE:
			md_fix_html_inline(node);
			break;
		case CMARK_NODE_HTML_BLOCK:
			md_fix_html_block(node);
			break;
		case CMARK_NODE_LINK:
			md_fix_link(node, items[i].in_link);
			break;
		case CMARK_NODE_IMAGE:
			md_fix_image(node, items[i].in_link);
			break;
		default:
			break;
		}
	}
	free(items);
}

/* cmark-gfm writes every link as `<a href="`, and after md_sanitize every
 * other '<' in its output is escaped, so this string marks exactly the
 * links. */
static int md_add_rel(const char *html, char **out)
{
	static const char open[] = "<a href=\"";
	struct buf b;
	buf_init(&b, MARKDOWN_HTML_MAX);
	const char *p = html, *hit;
	while ((hit = strstr(p, open))) {
		buf_add(&b, p, (size_t)(hit - p));
		buf_adds(&b, "<a rel=\"" MARKDOWN_LINK_REL "\" href=\"");
		p = hit + strlen(open);
	}
	int rc = buf_adds(&b, p);
	if (rc) {
		buf_cleanup(&b);
		return rc;
	}
	*out = buf_take(&b, NULL);
	return 0;
}

int markdown_to_html(const char *md, size_t n, unsigned flags, char **html_out)
{
	cmark_parser *parser = NULL;
	cmark_node *doc = NULL;
	char *html = NULL;
	int options = CMARK_OPT_DEFAULT;
	int rc = 0;
	if (flags & ~(unsigned)(MARKDOWN_SHIFT_HEADINGS | MARKDOWN_HARD_BREAKS)) {
		rc = BRUG_EINVAL;
		goto out;
	}
	if (flags & MARKDOWN_HARD_BREAKS)
		options |= CMARK_OPT_HARDBREAKS;
	rc = md_parse(md, n, options, &parser, &doc);
	if (rc)
		goto out;
	md_sanitize(doc, flags);
	html = cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(parser));
	if (!html) {
		rc = BRUG_EINTERNAL;
		goto out;
	}
	rc = md_add_rel(html, html_out);
out:
	free(html);
	md_free(doc, parser);
	return rc;
}

/* ---- plain text ---- */

struct md_text {
	struct buf b;
	bool space; /* white space seen since the last character */
};

static void md_text_add(struct md_text *t, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c <= 0x20 || c == 0x7F) {
			t->space = t->b.len > 0;
			continue;
		}
		if (t->space)
			buf_addc(&t->b, ' ');
		t->space = false;
		buf_addc(&t->b, (char)c);
	}
}

int markdown_to_text(const char *md, size_t n, char **text_out)
{
	cmark_parser *parser = NULL;
	cmark_node *doc = NULL;
	cmark_iter *it = NULL;
	struct md_text t = {.space = false};
	/* the text is never longer than its source; the slack is for safety */
	buf_init(&t.b, 2 * n + 64);
	int rc = md_parse(md, n, CMARK_OPT_DEFAULT, &parser, &doc);
	if (rc)
		goto out;
	it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(node);
		if ((type & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK ||
		    type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK)
			t.space = t.b.len > 0;
		if (ev == CMARK_EVENT_ENTER &&
		    (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE ||
		     type == CMARK_NODE_HTML_INLINE || type == CMARK_NODE_HTML_BLOCK ||
		     type == CMARK_NODE_CODE_BLOCK))
			md_text_add(&t, cmark_node_get_literal(node));
	}
	if (t.b.failed) {
		rc = BRUG_ETOOBIG;
		goto out;
	}
	*text_out = buf_take(&t.b, NULL);
out:
	if (it)
		cmark_iter_free(it);
	buf_cleanup(&t.b);
	md_free(doc, parser);
	return rc;
}

/* ---- previews ---- */

#define MD_ELLIPSIS "\xE2\x80\xA6" /* U+2026 */

static bool md_is_space(utf8proc_int32_t cp)
{
	if (cp < 0x80)
		return cp == ' ' || (cp >= '\t' && cp <= '\r');
	if (cp == 0xA0 || cp == 0x2007 || cp == 0x202F) /* no-break spaces */
		return false;
	utf8proc_category_t cat = utf8proc_category(cp);
	return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
	       cat == UTF8PROC_CATEGORY_ZP;
}

/* Byte length of the cut of the valid UTF-8 text: see markdown_cut_text.
 * room is the number of code points that may be kept; the text has more. */
static size_t md_cut_point(const unsigned char *s, size_t n, size_t room)
{
	size_t i = 0, k = 0, space_at = 0, space_k = 0, cluster_at = 0;
	bool space = false;
	utf8proc_int32_t prev = -1, state = 0;
	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t len = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &cp);
		if (len <= 0)
			break; /* unreachable: the caller checked the text */
		if (prev < 0 || utf8proc_grapheme_break_stateful(prev, cp, &state))
			cluster_at = i;
		if (md_is_space(cp)) {
			space = true;
			space_at = i;
			space_k = k;
		}
		if (k == room)
			break;
		prev = cp;
		i += (size_t)len;
		k++;
	}
	if (space && space_k * 2 >= room)
		return space_at;
	return cluster_at ? cluster_at : i;
}

int markdown_cut_text(const char *text, size_t n, size_t max_chars, char **out)
{
	if (n && (!text || !utf8_valid(text, n)))
		return BRUG_EINVAL;
	if (utf8_len(text, n) <= max_chars) {
		*out = xstrndup(n ? text : "", n);
		return 0;
	}
	if (max_chars == 0) {
		*out = xstrdup("");
		return 0;
	}
	size_t cut = md_cut_point((const unsigned char *)text, n, max_chars - 1);
	while (cut > 0 && strchr(" \t\n\r\f\v,;:", text[cut - 1]))
		cut--;
	char *s = xmalloc(cut + sizeof(MD_ELLIPSIS));
	memcpy(s, text, cut);
	memcpy(s + cut, MD_ELLIPSIS, sizeof(MD_ELLIPSIS));
	*out = s;
	return 0;
}

int markdown_to_preview(const char *md, size_t n, size_t max_chars, char **out)
{
	char *text = NULL;
	int rc = markdown_to_text(md, n, &text);
	if (rc)
		return rc;
	rc = markdown_cut_text(text, strlen(text), max_chars, out);
	free(text);
	return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for src/util/markdown.c: GitHub-flavoured rendering (paragraphs,
 * emphasis, lists, tables, strikethrough, autolinks, task lists), the
 * safety rules (raw HTML as text, script and data URLs refused in every
 * spelling, rel on links, images as links, titles escaped), heading shift,
 * plain text and previews, the limits (size, UTF-8, pathological shapes
 * refused while big realistic documents pass) and rendering from several
 * threads at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>

#include "util/buf.h"
#include "util/markdown.h"
#include "util/rc.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define REL  "rel=\"" MARKDOWN_LINK_REL "\""

static char *html_of(const char *md, unsigned flags)
{
	char *html = NULL;
	int rc = markdown_to_html(md, strlen(md), flags, &html);
	if (rc)
		fail_msg("\"%s\" did not render: %d", md, rc);
	return html;
}

static void expect_html(const char *md, unsigned flags, const char *want)
{
	char *html = html_of(md, flags);
	if (strcmp(html, want) != 0)
		fail_msg("\"%s\"\n gave: %s\n want: %s", md, html, want);
	free(html);
}

static char *text_of(const char *md)
{
	char *text = NULL;
	int rc = markdown_to_text(md, strlen(md), &text);
	if (rc)
		fail_msg("\"%s\" gave no text: %d", md, rc);
	return text;
}

static size_t count(const char *s, const char *needle)
{
	size_t k = 0;
	for (const char *p = s; (p = strstr(p, needle)); p++)
		k++;
	return k;
}

/* s repeated until the result would pass max bytes. The caller frees. */
static char *repeat(const char *s, size_t max)
{
	size_t len = strlen(s), n = 0;
	char *out = malloc(max + 1);
	while (n + len <= max) {
		memcpy(out + n, s, len);
		n += len;
	}
	out[n] = '\0';
	return out;
}

/* ---- rendering ---- */

static const struct {
	const char *md, *html;
} render_cases[] = {
	{"", ""},
	{"Hallo *wereld* en **vet**\n\nTweede alinea.",
	 "<p>Hallo <em>wereld</em> en <strong>vet</strong></p>\n<p>Tweede alinea.</p>\n"},
	{"- een\n- twee\n\n3. drie\n4. vier",
	 "<ul>\n<li>een</li>\n<li>twee</li>\n</ul>\n"
	 "<ol start=\"3\">\n<li>drie</li>\n<li>vier</li>\n</ol>\n"},
	{"- a\n  - b\n    - c",
	 "<ul>\n<li>a\n<ul>\n<li>b\n<ul>\n<li>c</li>\n</ul>\n</li>\n</ul>\n</li>\n</ul>\n"},
	{"| Naam | Score |\n|:-----|------:|\n| Piet | 9 |\n| *Jan* | 7 |",
	 "<table>\n<thead>\n<tr>\n<th align=\"left\">Naam</th>\n<th align=\"right\">Score</th>\n"
	 "</tr>\n</thead>\n<tbody>\n"
	 "<tr>\n<td align=\"left\">Piet</td>\n<td align=\"right\">9</td>\n</tr>\n"
	 "<tr>\n<td align=\"left\"><em>Jan</em></td>\n<td align=\"right\">7</td>\n</tr>\n"
	 "</tbody>\n</table>\n"},
	{"~~weg~~ en ~ook weg~", "<p><del>weg</del> en <del>ook weg</del></p>\n"},
	{"- [ ] bellen\n- [x] mailen",
	 "<ul>\n<li><input type=\"checkbox\" disabled=\"\" /> bellen</li>\n"
	 "<li><input type=\"checkbox\" checked=\"\" disabled=\"\" /> mailen</li>\n</ul>\n"},
	{"Zie www.example.nl.",
	 "<p>Zie <a " REL " href=\"http://www.example.nl\">www.example.nl</a>.</p>\n"},
	{"Zie https://example.nl/pad?x=1&y=2 nu",
	 "<p>Zie <a " REL " href=\"https://example.nl/pad?x=1&amp;y=2\">"
	 "https://example.nl/pad?x=1&amp;y=2</a> nu</p>\n"},
	{"Mail piet@example.nl",
	 "<p>Mail <a " REL " href=\"mailto:piet@example.nl\">piet@example.nl</a></p>\n"},
	{"`<code>` en\n\n```sql\nselect 1 < 2;\n```",
	 "<p><code>&lt;code&gt;</code> en</p>\n<pre><code class=\"language-sql\">select 1 &lt; 2;\n"
	 "</code></pre>\n"},
	{"> citaat\n\n---", "<blockquote>\n<p>citaat</p>\n</blockquote>\n<hr />\n"},
	{"Café, ruïne, één, coöperatie: “zó” — €5 ‘ok’ ß 日本",
	 "<p>Café, ruïne, één, coöperatie: “zó” — €5 ‘ok’ ß 日本</p>\n"},
	{"a &amp; b &lt; c &eacute;", "<p>a &amp; b &lt; c é</p>\n"},
};

static void test_render(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(render_cases); i++)
		expect_html(render_cases[i].md, 0, render_cases[i].html);
}

static void test_empty_input(void **state)
{
	(void)state;
	char *html = NULL, *text = NULL;
	assert_int_equal(markdown_to_html(NULL, 0, 0, &html), 0);
	assert_string_equal(html, "");
	assert_int_equal(markdown_to_text(NULL, 0, &text), 0);
	assert_string_equal(text, "");
	free(html);
	free(text);
}

static void test_heading_shift(void **state)
{
	(void)state;
	const char *md = "Setext\n===\n\n# A\n## B\n### C\n#### D\n##### E\n###### F";
	expect_html(md, 0,
		    "<h1>Setext</h1>\n<h1>A</h1>\n<h2>B</h2>\n<h3>C</h3>\n<h4>D</h4>\n<h5>E</h5>\n"
		    "<h6>F</h6>\n");
	expect_html(md, MARKDOWN_SHIFT_HEADINGS,
		    "<h3>Setext</h3>\n<h3>A</h3>\n<h4>B</h4>\n<h5>C</h5>\n<h6>D</h6>\n<h6>E</h6>\n"
		    "<h6>F</h6>\n");
}

static void test_hard_breaks(void **state)
{
	(void)state;
	expect_html("regel een\nregel twee", 0, "<p>regel een\nregel twee</p>\n");
	expect_html("regel een\nregel twee", MARKDOWN_HARD_BREAKS,
		    "<p>regel een<br />\nregel twee</p>\n");
	expect_html("a\nb", MARKDOWN_HARD_BREAKS | MARKDOWN_SHIFT_HEADINGS, "<p>a<br />\nb</p>\n");
}

static void test_unknown_flag(void **state)
{
	(void)state;
	char *html = (char *)"untouched";
	assert_int_equal(markdown_to_html("a", 1, 1u << 7, &html), BRUG_EINVAL);
	assert_string_equal(html, "untouched");
}

/* ---- safety ---- */

/* Raw HTML is shown as the text it is, in every position. */
static const struct {
	const char *md, *html;
} raw_cases[] = {
	{"<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"},
	{"a <img src=x onerror=alert(1)> b", "<p>a &lt;img src=x onerror=alert(1)&gt; b</p>\n"},
	{"voor <!-- geheim --> na", "<p>voor &lt;!-- geheim --&gt; na</p>\n"},
	{"<!-- blok -->", "<p>&lt;!-- blok --&gt;</p>\n"},
	{"<div onclick=\"x()\">\nhoi\n</div>",
	 "<p>&lt;div onclick=&quot;x()&quot;&gt;\nhoi\n&lt;/div&gt;</p>\n"},
	{"Druk op <Enter> en typ <naam>", "<p>Druk op &lt;Enter&gt; en typ &lt;naam&gt;</p>\n"},
	{"- <b>vet</b>", "<ul>\n<li>&lt;b&gt;vet&lt;/b&gt;</li>\n</ul>\n"},
	{"> <iframe src=\"https://x.nl\"></iframe>",
	 "<blockquote>\n<p>&lt;iframe src=&quot;https://x.nl&quot;&gt;&lt;/iframe&gt;</p>\n"
	 "</blockquote>\n"},
	{"| a |\n|---|\n| <svg onload=x> |",
	 "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
	 "<td>&lt;svg onload=x&gt;</td>\n</tr>\n</tbody>\n</table>\n"},
	{"<style>body{display:none}</style>",
	 "<p>&lt;style&gt;body{display:none}&lt;/style&gt;</p>\n"},
};

static void test_raw_html_is_text(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(raw_cases); i++)
		expect_html(raw_cases[i].md, 0, raw_cases[i].html);
}

/* Links whose URL a browser would run or read as data: only the text
 * stays, with no href at all. */
static const struct {
	const char *md, *html;
} refused_cases[] = {
	{"[a](javascript:alert(1))", "<p>a</p>\n"},
	{"[a](JaVaScRiPt:alert(1))", "<p>a</p>\n"},
	{"[a](<jav\tascript:alert(1)>)", "<p>a</p>\n"},
	{"[a](jav&#x09;ascript:alert(1))", "<p>a</p>\n"},
	{"[a](<jav&#x09;ascript:alert(1)>)", "<p>a</p>\n"},
	{"[a](<java&#10;script:alert(1)>)", "<p>a</p>\n"},
	{"[a](&#106;avascript:alert(1))", "<p>a</p>\n"},
	{"[a](&#x6A;&#x61;vascript:alert(1))", "<p>a</p>\n"},
	{"[a](javascript&colon;alert(1))", "<p>a</p>\n"},
	{"[a](javascript\\:alert(1))", "<p>a</p>\n"},
	{"[a](<\x01javascript:alert(1)>)", "<p>a</p>\n"},
	{"[a](< javascript:alert(1)>)", "<p>a</p>\n"},
	{"[*vet*](javascript:alert(1))", "<p><em>vet</em></p>\n"},
	{"[a][r]\n\n[r]: JaVaScRiPt:alert(1)", "<p>a</p>\n"},
	{"[r]\n\n[r]: javascript:alert(1) \"titel\"", "<p>r</p>\n"},
	{"[a](vbscript:msgbox(1))", "<p>a</p>\n"},
	{"[a](file:///etc/passwd)", "<p>a</p>\n"},
	{"[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "<p>a</p>\n"},
	{"[a](ftp://x.nl/f)", "<p>a</p>\n"},
	{"[a](x-unknown:y)", "<p>a</p>\n"},
	{"<javascript:alert(1)>", "<p>javascript:alert(1)</p>\n"},
	{"![x](javascript:alert(1))", "<p>x</p>\n"},
	{"![x](data:image/png;base64,iVBORw0KGgo=)", "<p>x</p>\n"},
	{"![](data:image/svg+xml,<svg/onload=alert(1)>)", "<p></p>\n"},
	{"| [c](javascript:x) |\n|---|",
	 "<table>\n<thead>\n<tr>\n<th>c</th>\n</tr>\n</thead>\n</table>\n"},
};

static void test_refused_urls(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(refused_cases); i++) {
		expect_html(refused_cases[i].md, 0, refused_cases[i].html);
		char *html = html_of(refused_cases[i].md, MARKDOWN_SHIFT_HEADINGS);
		assert_null(strstr(html, "href"));
		free(html);
	}
}

/* Links that stay, with what cmark-gfm writes for them. */
static const struct {
	const char *md, *href;
} allowed_cases[] = {
	{"[a](http://x.nl)", "http://x.nl"},
	{"[a](HTTPS://X.NL/Pad)", "HTTPS://X.NL/Pad"},
	{"[a](mailto:jan@x.nl?subject=Hoi)", "mailto:jan@x.nl?subject=Hoi"},
	{"[a](tel:+31201234567)", "tel:+31201234567"},
	{"[a](/relaties/5)", "/relaties/5"},
	{"[a](#kop)", "#kop"},
	{"[a](?q=1&r=2)", "?q=1&amp;r=2"},
	{"[a](notities/12)", "notities/12"},
	{"[a](//x.nl/p)", "//x.nl/p"},
	{"[a](<http://x.nl/met spatie>)", "http://x.nl/met%20spatie"},
	{"[a](http://x.nl/\"><script>)", "http://x.nl/%22%3E%3Cscript%3E"},
	{"[a](https://x.nl/caf%C3%A9)", "https://x.nl/caf%C3%A9"},
	{"[a](https://x.nl/café)", "https://x.nl/caf%C3%A9"},
	{"[a][r]\n\n[r]: https://x.nl/ref", "https://x.nl/ref"},
	{"[a](<http://x.nl/&#10;ver&#9;der>)", "http://x.nl/verder"}, /* as a browser reads it */
	/* a scheme starts with a letter: to a browser this is a relative path */
	{"[a](&#053;avascript:x)", "5avascript:x"},
};

static void test_allowed_urls(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(allowed_cases); i++) {
		char want[256];
		snprintf(want, sizeof(want), "<p><a " REL " href=\"%s\">a</a></p>\n",
			 allowed_cases[i].href);
		expect_html(allowed_cases[i].md, 0, want);
	}
}

/* A title cannot close its attribute and open another. */
static void test_title_injection(void **state)
{
	(void)state;
	expect_html("[a](http://x.nl \"\\\" onmouseover=\\\"alert(1)\")", 0,
		    "<p><a " REL
		    " href=\"http://x.nl\" title=\"&quot; onmouseover=&quot;alert(1)\">"
		    "a</a></p>\n");
	expect_html("[a](http://x.nl 'x\" onclick=\"y')", 0,
		    "<p><a " REL
		    " href=\"http://x.nl\" title=\"x&quot; onclick=&quot;y\">a</a></p>\n");
	expect_html("[a](http://x.nl (\"><script>))", 0,
		    "<p><a " REL
		    " href=\"http://x.nl\" title=\"&quot;&gt;&lt;script&gt;\">a</a></p>\n");
	expect_html("![a\" onerror=\"x](http://i.nl/p.png \"t\")", 0,
		    "<p><a " REL
		    " href=\"http://i.nl/p.png\" title=\"t\">a&quot; onerror=&quot;x</a>"
		    "</p>\n");
}

static void test_every_link_has_rel(void **state)
{
	(void)state;
	const char *md =
		"[a](http://a.nl) www.b.nl <https://c.nl> d@e.nl ![f](http://f.nl/f.png)\n\n"
		"| [g](/g) |\n|---|\n\n[h][h]\n\n[h]: http://h.nl";
	char *html = html_of(md, 0);
	assert_int_equal(count(html, "<a "), 7);
	assert_int_equal(count(html, "<a " REL " href=\""), 7);
	free(html);
}

static const struct {
	const char *md, *html;
} image_cases[] = {
	{"![Logo](https://x.nl/logo.png \"Het logo\")",
	 "<p><a " REL " href=\"https://x.nl/logo.png\" title=\"Het logo\">Logo</a></p>\n"},
	{"![](http://i.nl/y.png)",
	 "<p><a " REL " href=\"http://i.nl/y.png\">http://i.nl/y.png</a></p>\n"},
	{"![*mooi* plaatje](http://i.nl/m.png)",
	 "<p><a " REL " href=\"http://i.nl/m.png\"><em>mooi</em> plaatje</a></p>\n"},
	/* no link inside a link: the image's alt text only */
	{"[![logo](http://i.nl/l.png)](http://x.nl)",
	 "<p><a " REL " href=\"http://x.nl\">logo</a></p>\n"},
	{"![a ![b](http://i.nl/b.png)](http://i.nl/a.png)",
	 "<p><a " REL " href=\"http://i.nl/a.png\">a b</a></p>\n"},
	{"![[a](http://b.nl)](http://c.nl)", "<p><a " REL " href=\"http://c.nl\">a</a></p>\n"},
	{"![mail a@b.nl](http://i.nl/p.png)",
	 "<p><a " REL " href=\"http://i.nl/p.png\">mail a@b.nl</a></p>\n"},
	{"![x][i]\n\n[i]: https://i.nl/x.png",
	 "<p><a " REL " href=\"https://i.nl/x.png\">x</a></p>\n"},
	{"| ![b](http://i.nl/b.png) |\n|---|",
	 "<table>\n<thead>\n<tr>\n<th><a " REL " href=\"http://i.nl/b.png\">b</a></th>\n</tr>\n"
	 "</thead>\n</table>\n"},
	{"![](http://i.nl/\"onerror=\"x.png)",
	 "<p><a " REL " href=\"http://i.nl/%22onerror=%22x.png\">"
	 "http://i.nl/&quot;onerror=&quot;x.png</a></p>\n"},
};

static void test_images_become_links(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(image_cases); i++)
		expect_html(image_cases[i].md, 0, image_cases[i].html);
	char *html = html_of("![a](http://i.nl/a.png) ![b](/b.png) ![c](x.png)", 0);
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "src="));
	free(html);
}

/* ---- plain text and previews ---- */

static const struct {
	const char *md, *text;
} text_cases[] = {
	{"", ""},
	{"# Kop\n\nEen *nadruk* en **vet**, `code`.", "Kop Een nadruk en vet, code."},
	{"Zie [de site](https://x.nl/pad \"titel\") en ![logo](http://i.nl/l.png).",
	 "Zie de site en logo."},
	{"Mail piet@x.nl of www.x.nl", "Mail piet@x.nl of www.x.nl"},
	{"- een\n- twee\n  - drie\n\n1. vier", "een twee drie vier"},
	{"| a | b |\n|---|---|\n| 1 | 2 |", "a b 1 2"},
	{"- [ ] bellen\n- [x] ~~mailen~~", "bellen mailen"},
	{"  veel    ruimte\n\n\n\nen\tregels  ", "veel ruimte en regels"},
	{"a &amp; b &lt;c&gt; &eacute;", "a & b <c> é"},
	{"<b>vet</b> en <!-- x -->", "<b>vet</b> en <!-- x -->"},
	{"```\nregel 1\n  regel 2\n```", "regel 1 regel 2"},
	{"Café, ruïne, één — “zó”", "Café, ruïne, één — “zó”"},
	{"[a](javascript:alert(1))", "a"},
	{"a\x01\x1b[31mb\x7f", "a [31mb"},
	{"> citaat\n>\n> verder", "citaat verder"},
	{"regel\\\nbreuk", "regel breuk"},
};

static void test_to_text(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(text_cases); i++) {
		char *text = text_of(text_cases[i].md);
		if (strcmp(text, text_cases[i].text) != 0)
			fail_msg("\"%s\"\n gave: [%s]\n want: [%s]", text_cases[i].md, text,
				 text_cases[i].text);
		free(text);
	}
}

static const struct {
	const char *text;
	size_t max;
	const char *want;
} cut_cases[] = {
	/* clang-format off */
	{"", 5, ""},
	{"kort", 4, "kort"},                      /* exactly at the limit */
	{"kort", 10, "kort"},
	{"vijf!", 4, "vij…"},                     /* one word: cut inside */
	{"een twee drie", 13, "een twee drie"},   /* fits exactly */
	{"een twee drie", 12, "een twee…"},       /* cut at a word boundary */
	{"een twee drie", 9, "een twee…"},        /* the space after "twee" */
	{"een twee drie", 8, "een twe…"},         /* "een…" would waste over half */
	{"een twee drieën", 14, "een twee…"},
	{"een twee, drie", 10, "een twee…"},      /* trailing "," removed */
	{"één twee drie", 9, "één twee…"},        /* multibyte letters count once */
	{"café café café", 10, "café café…"},
	{"日本語のテキスト です", 5, "日本語の…"},  /* no white space: cut inside */
	{"e\xCC\x81" "e\xCC\x81" "e\xCC\x81", 4, "e\xCC\x81…"}, /* accents stay on their e */
	{"ab cdefghijklmnop", 10, "ab cdefgh…"},  /* the word boundary would waste room */
	{"abc def", 1, "…"},
	{"abc def", 0, ""},
	{"abc\xC2\xA0" "def", 6, "abc\xC2\xA0" "d…"}, /* a no-break space joins words */
	{"abc\xE2\x80\x83" "def", 6, "abc…"},          /* an em space separates them */
	/* clang-format on */
};

static void test_cut_text(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(cut_cases); i++) {
		char *out = NULL;
		const char *t = cut_cases[i].text;
		assert_int_equal(markdown_cut_text(t, strlen(t), cut_cases[i].max, &out), 0);
		if (strcmp(out, cut_cases[i].want) != 0)
			fail_msg("cut \"%s\" at %zu\n gave: [%s]\n want: [%s]", t, cut_cases[i].max,
				 out, cut_cases[i].want);
		free(out);
	}
	char *out = (char *)"untouched";
	assert_int_equal(markdown_cut_text("\xC3\x28", 2, 10, &out), BRUG_EINVAL);
	assert_int_equal(markdown_cut_text("a\0b", 3, 10, &out), BRUG_EINVAL);
	assert_string_equal(out, "untouched");
}

static void test_preview(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	buf_adds(&b, "## Gesprek met **Jansen BV**\n\n");
	for (int i = 0; i < 30; i++)
		buf_adds(&b, "Klant belde over de [factuur](https://x.nl/f/1); ");
	char *out = NULL;
	assert_int_equal(markdown_to_preview(buf_str(&b), b.len, MARKDOWN_PREVIEW_CHARS, &out), 0);
	/* 200 characters at most, "…" included; all ASCII but the "…" */
	assert_true(strlen(out) <= MARKDOWN_PREVIEW_CHARS - 1 + 3);
	assert_true(strlen(out) > 150);
	assert_memory_equal(out, "Gesprek met Jansen BV Klant belde over de factuur; Klant", 56);
	assert_string_equal(out + strlen(out) - 3, "\xE2\x80\xA6");
	assert_true(out[strlen(out) - 4] != ' ' && out[strlen(out) - 4] != ';');
	free(out);
	assert_int_equal(markdown_to_preview("kort *genoeg*", 13, 200, &out), 0);
	assert_string_equal(out, "kort genoeg");
	free(out);
	buf_cleanup(&b);
}

/* ---- limits ---- */

static void test_size_cap(void **state)
{
	(void)state;
	char *big = repeat("woord ", MARKDOWN_INPUT_MAX);
	size_t n = strlen(big);
	big = realloc(big, MARKDOWN_INPUT_MAX + 2);
	memset(big + n, 'x', MARKDOWN_INPUT_MAX + 1 - n);
	char *html = NULL, *text = NULL;
	assert_int_equal(markdown_to_html(big, MARKDOWN_INPUT_MAX, 0, &html), 0);
	assert_true(strlen(html) > MARKDOWN_INPUT_MAX);
	free(html);
	html = (char *)"untouched";
	assert_int_equal(markdown_to_html(big, MARKDOWN_INPUT_MAX + 1, 0, &html), BRUG_ETOOBIG);
	assert_string_equal(html, "untouched");
	assert_int_equal(markdown_to_text(big, MARKDOWN_INPUT_MAX + 1, &text), BRUG_ETOOBIG);
	assert_null(text);
	assert_int_equal(markdown_to_preview(big, MARKDOWN_INPUT_MAX + 1, 200, &text),
			 BRUG_ETOOBIG);
	free(big);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"caf\xE9",          /* Latin-1 */
		"\xC3\x28",         /* bad continuation */
		"\xC0\xAF",         /* overlong '/' */
		"\xED\xA0\x80",     /* surrogate */
		"\xF4\x90\x80\x80", /* above U+10FFFF */
		"ok \xE2\x82",      /* cut short at the end */
		"\xFF",
	};
	for (size_t i = 0; i < N(bad); i++) {
		char *out = NULL;
		assert_int_equal(markdown_to_html(bad[i], strlen(bad[i]), 0, &out), BRUG_EINVAL);
		assert_int_equal(markdown_to_text(bad[i], strlen(bad[i]), &out), BRUG_EINVAL);
		assert_null(out);
	}
	char *out = NULL;
	assert_int_equal(markdown_to_html("a\0<script>", 10, 0, &out), BRUG_EINVAL);
	assert_int_equal(markdown_to_text("a\0b", 3, &out), BRUG_EINVAL);
	assert_null(out);
}

/* Pathological nesting from the brief: the parse ends and the output is
 * bounded. 10,000 '[' are plain text; 10,000 '>' are 10,000 nested block
 * quotes, a shape this cmark-gfm parses in quadratic time once text
 * follows, so it is refused. A sane depth with text is fine. */
static void test_pathological_nesting(void **state)
{
	(void)state;
	char *md = repeat("[", 10000), *html = NULL;
	assert_int_equal(markdown_to_html(md, strlen(md), 0, &html), 0);
	assert_true(strlen(html) <= strlen(md) + 8);
	free(html);
	free(md);
	md = repeat(">", 10000);
	html = NULL;
	assert_int_equal(markdown_to_html(md, strlen(md), 0, &html), BRUG_ETOOBIG);
	assert_null(html);
	free(md);
	char deep[200];
	snprintf(deep, sizeof(deep), "%s tekst [a](http://x.nl)", "> > > > > > > > > > > > > > >");
	assert_int_equal(markdown_to_html(deep, strlen(deep), 0, &html), 0);
	assert_int_equal(count(html, "<blockquote>"), 15);
	assert_true(strlen(html) < 20 * strlen(deep));
	free(html);
}

/* Each shape takes this cmark-gfm from seconds to minutes at this size
 * (measured: see markdown.c); the cost check refuses it at once. The meson
 * timeout catches a check that lets one through. */
static void test_pathological_refused(void **state)
{
	(void)state;
	static const struct {
		const char *head;  /* repeated head_times */
		size_t head_times;
		const char *mid;   /* once */
		const char *rep;   /* repeated to the end */
	} shapes[] = {
		{"> ", 60000, "", "["},        /* text in deep quotes */
		{"- ", 60000, "", "]"},        /* text in deep lists */
		{"![", 30000, "", "[]()"},     /* image openers, then links */
		{"", 0, "", "a|b\n:-\n"},     /* delimiter rows under a growing paragraph */
		{"|a", 30000, "", "\n:-"},     /* a wide header tried again and again */
		{"", 0, "a|b\n-|-\n", "|"},   /* one row of 260,000 empty cells */
		{"x\n", 32000, ":-", ""},       /* 32,000 lines tried as a table header */
		{"", 0, "", "www._"},          /* would-be autolinks without white space */
		{"", 0, "", "http://x<"},
		{"", 0, "", "a@"},             /* would-be e-mail addresses */
		{"", 0, "", "a&#64;"},         /* the same, as entities */
		{"", 0, "", "a@b.nl    "},     /* each address copies the rest of the line */
		{"", 0, "[r]: http://x.nl/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			"aaaaaaaaaaa\n\n", "[r] "},    /* one reference used 60,000 times */
	};
	size_t max = MARKDOWN_INPUT_MAX - 1000;
	for (size_t i = 0; i < N(shapes); i++) {
		struct buf b;
		buf_init(&b, 0);
		for (size_t k = 0; k < shapes[i].head_times; k++)
			buf_adds(&b, shapes[i].head);
		buf_adds(&b, shapes[i].mid);
		size_t rep = strlen(shapes[i].rep);
		while (rep && b.len + rep <= max)
			buf_adds(&b, shapes[i].rep);
		char *html = NULL, *text = NULL;
		int rc = markdown_to_html(buf_str(&b), b.len, 0, &html);
		if (rc != BRUG_ETOOBIG)
			fail_msg("shape %zu (\"%s\" then \"%s\") gave %d", i, shapes[i].head,
				 shapes[i].rep, rc);
		assert_int_equal(markdown_to_text(buf_str(&b), b.len, &text), BRUG_ETOOBIG);
		buf_cleanup(&b);
	}
}

/* A table makes every row as wide as its header: a 300-column table
 * followed by 60,000 one-letter rows would be 18 million cells. */
static void test_padded_table_refused(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 0);
	for (int i = 0; i < 300; i++)
		buf_adds(&b, "|a");
	buf_adds(&b, "\n");
	for (int i = 0; i < 300; i++)
		buf_adds(&b, "|-");
	for (int i = 0; i < 60000; i++)
		buf_adds(&b, "\nx");
	char *html = NULL;
	assert_int_equal(markdown_to_html(buf_str(&b), b.len, 0, &html), BRUG_ETOOBIG);
	/* the same table with full rows is fine */
	buf_reset(&b);
	for (int i = 0; i < 300; i++)
		buf_adds(&b, "|a");
	buf_adds(&b, "\n");
	for (int i = 0; i < 300; i++)
		buf_adds(&b, "|-");
	for (int r = 0; r < 10; r++) {
		buf_adds(&b, "\n");
		for (int i = 0; i < 300; i++)
			buf_adds(&b, "|x");
	}
	assert_int_equal(markdown_to_html(buf_str(&b), b.len, 0, &html), 0);
	assert_int_equal(count(html, "<td>x</td>"), 3000);
	free(html);
	buf_cleanup(&b);
}

/* A realistic note (headings, nested lists, a table, links, addresses,
 * code, a quote, references) repeated to almost the size cap renders; so
 * do one long paragraph, a long line of @-mentions, a line of 100
 * addresses, a long URL and a wide table. */
static void test_big_realistic_accepted(void **state)
{
	(void)state;
	static const char note[] =
		"## Gesprek met Jansen BV\n\n"
		"Klant belde over *factuur 2024-113*; zie [dossier](https://crm.example.nl/r/5) en "
		"www.jansen.nl. Mail terug naar p.jansen@jansen.nl.\n\n"
		"- Afspraken\n  - terugbellen **dinsdag**\n    - met offerte\n      - en korting\n"
		"        1. 5% bij vooruitbetaling\n- [ ] offerte sturen\n- [x] notitie maken\n\n"
		"| Datum | Kanaal | Door | Uitkomst | Score | Opvolgen |\n"
		"|:------|:------:|------|----------|------:|----------|\n"
		"| 3-2 | telefoon | Piet | ~~open~~ opgelost | 9 | nee |\n"
		"| 4-2 | e-mail | An | [ticket](/t/77) | 6 | ja |\n\n"
		"> De klant zei: \"prima geholpen\", maar ![screenshot](https://x.nl/s.png) klopt "
		"niet.\n\n"
		"```\nSELECT * FROM relaties WHERE id = 5;\n```\n\n"
		"Zie ook [de handleiding][h] en [het beleid][b].\n\n"
		"[h]: https://docs.example.nl/handleiding \"Handleiding\"\n"
		"[b]: https://docs.example.nl/beleid\n\n---\n\n";
	char *md = repeat(note, MARKDOWN_INPUT_MAX);
	char *html = NULL;
	assert_int_equal(markdown_to_html(md, strlen(md), MARKDOWN_SHIFT_HEADINGS, &html), 0);
	assert_true(count(html, "<table>") > 200);
	free(html);
	free(md);

	/* one paragraph of prose, no blank line */
	md = repeat("De klant vertelde uitgebreid over zijn ervaring (en dat was niet mis). ",
		    MARKDOWN_INPUT_MAX);
	assert_int_equal(markdown_to_html(md, strlen(md), 0, &html), 0);
	free(html);
	free(md);

	/* @-mentions on one long line are not addresses */
	md = repeat("@jan en @piet zeiden ", MARKDOWN_INPUT_MAX);
	assert_int_equal(markdown_to_html(md, strlen(md), 0, &html), 0);
	free(html);
	free(md);

	struct buf b;
	buf_init(&b, 0);
	buf_adds(&b, "Aan:");
	for (int i = 0; i < 100; i++)
		buf_printf(&b, " medewerker%d@example.nl,", i);
	assert_int_equal(markdown_to_html(buf_str(&b), b.len, 0, &html), 0);
	assert_int_equal(count(html, "href=\"mailto:"), 100);
	free(html);
	buf_reset(&b);
	buf_adds(&b, "Link: https://example.nl/");
	for (int i = 0; i < 400; i++)
		buf_adds(&b, "pad/");
	buf_adds(&b, "?a=1 einde\n\n|");
	for (int i = 0; i < 40; i++)
		buf_adds(&b, " kolom |");
	buf_adds(&b, "\n|");
	for (int i = 0; i < 40; i++)
		buf_adds(&b, "---|");
	for (int r = 0; r < 100; r++) {
		buf_adds(&b, "\n|");
		for (int i = 0; i < 40; i++)
			buf_adds(&b, " 12 |");
	}
	assert_int_equal(markdown_to_html(buf_str(&b), b.len, 0, &html), 0);
	assert_int_equal(count(html, "<td>"), 4000);
	free(html);
	buf_cleanup(&b);
}

/* ---- threads ---- */

/* ~~ (strikethrough) and www. (autolink) are the characters cmark-gfm
 * adds to its global table while it parses. */
static char *thread_doc(void)
{
	struct buf b;
	buf_init(&b, 0);
	for (int i = 0; i < 300; i++)
		buf_adds(&b, "Een ~~oude~~ regel met www.x.nl en a@b.nl, *nadruk* en `code`.\n");
	return buf_take(&b, NULL);
}

struct thread_arg {
	const char *md, *want;
};

static void *thread_main(void *p)
{
	const struct thread_arg *arg = p;
	for (int i = 0; i < 40; i++) {
		char *html = NULL;
		if (markdown_to_html(arg->md, strlen(arg->md), 0, &html) != 0 ||
		    strcmp(html, arg->want) != 0) {
			free(html);
			return (void *)1;
		}
		free(html);
	}
	return NULL;
}

/* cmark-gfm changes a global table while it parses; renders from several
 * threads must each give the same result as one alone. */
static void test_threads(void **state)
{
	(void)state;
	char *md = thread_doc();
	char *want = html_of(md, 0);
	assert_int_equal(count(want, "<del>oude</del>"), 300);
	assert_int_equal(count(want, "href=\"http://www.x.nl\""), 300);
	struct thread_arg arg = {md, want};
	pthread_t t[4];
	for (size_t i = 0; i < N(t); i++)
		assert_int_equal(pthread_create(&t[i], NULL, thread_main, &arg), 0);
	for (size_t i = 0; i < N(t); i++) {
		void *res = NULL;
		pthread_join(t[i], &res);
		assert_null(res);
	}
	free(want);
	free(md);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_heading_shift),
		cmocka_unit_test(test_hard_breaks),
		cmocka_unit_test(test_unknown_flag),
		cmocka_unit_test(test_raw_html_is_text),
		cmocka_unit_test(test_refused_urls),
		cmocka_unit_test(test_allowed_urls),
		cmocka_unit_test(test_title_injection),
		cmocka_unit_test(test_every_link_has_rel),
		cmocka_unit_test(test_images_become_links),
		cmocka_unit_test(test_to_text),
		cmocka_unit_test(test_cut_text),
		cmocka_unit_test(test_preview),
		cmocka_unit_test(test_size_cap),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_pathological_nesting),
		cmocka_unit_test(test_pathological_refused),
		cmocka_unit_test(test_padded_table_refused),
		cmocka_unit_test(test_big_realistic_accepted),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

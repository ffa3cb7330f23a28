/* SPDX-License-Identifier: Apache-2.0 */
/* multipart/form-data (RFC 7578 on RFC 2046 framing): the body is cut at
 * each CRLF "--" boundary with one memmem per part, so the cost is linear
 * in the body even for uploads of tens of MB. Framing is strict: CRLF line
 * ends only (LF-only bodies are refused), a closing boundary is required,
 * part headers are capped. Filenames are reduced to their last path
 * component here, so no caller ever sees a path. */
#include <assert.h>
#include <string.h>

#include "http/parse.h"
#include "http/parse_internal.h"
#include "util/utf8.h"

#define MP_MAX_BOUNDARY 70    /* RFC 2046 */
#define MP_MAX_HEADERS 8192   /* bytes of one part's header block */
#define MP_DEFAULT_TYPE "application/octet-stream"

/* The headers of one part, as read. */
struct mp_head {
	const char *name;
	size_t name_len;
	const char *filename; /* filename="..." */
	size_t filename_len;
	const char *filename_ext; /* filename*=UTF-8''... (RFC 5987), undecoded */
	size_t filename_ext_len;
	bool has_disposition;
	const char *content_type;
};

static int mp_fail_at(struct brug_err *err, const char *what, size_t at)
{
	return brug_failf(err, BRUG_EINVAL, PARSE_KEY, NULL, "multipart: %s at byte %zu", what, at);
}

/* "\r\n--" boundary into d. Printable ASCII is accepted (RFC 2046 allows
 * less, but some clients use '*'); what matters is that a boundary cannot
 * hold a line break and ends in something other than a space. */
static int mp_delimiter(const char *boundary, char *d, size_t *dlen, struct brug_err *err)
{
	size_t n = boundary ? strnlen(boundary, MP_MAX_BOUNDARY + 1) : 0;
	if (n == 0 || n > MP_MAX_BOUNDARY)
		return brug_failf(err, BRUG_EINVAL, PARSE_KEY, NULL,
				  "multipart: boundary must be 1-%d characters", MP_MAX_BOUNDARY);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)boundary[i] < 0x20 || (unsigned char)boundary[i] > 0x7E ||
		    (i == n - 1 && boundary[i] == ' '))
			return brug_failf(err, BRUG_EINVAL, PARSE_KEY, NULL,
					  "multipart: invalid character in boundary");
	memcpy(d, "\r\n--", 4);
	memcpy(d + 4, boundary, n);
	*dlen = n + 4;
	return 0;
}

/* At *pos, just after "--boundary": "--" ends the body (*last), else
 * optional transport padding and CRLF start a part. */
static int mp_after_delimiter(const char *b, size_t n, size_t *pos, bool *last,
			      struct brug_err *err)
{
	size_t p = *pos;
	if (n - p >= 2 && b[p] == '-' && b[p + 1] == '-') {
		*last = true;
		return 0;
	}
	p = parse_skip_ows(b, n, p);
	if (n - p >= 2 && b[p] == '\r' && b[p + 1] == '\n') {
		*pos = p + 2;
		*last = false;
		return 0;
	}
	if (p == n)
		return brug_failf(err, BRUG_EINVAL, PARSE_KEY, NULL,
				  "multipart: closing boundary missing");
	return mp_fail_at(err, b[p] == '\n' ? "boundary line ends in LF, not CRLF"
					    : "boundary not followed by CRLF",
			  p);
}

/* Content-Disposition: form-data; name="..."; filename="..."; filename*=... */
static int mp_disposition(const char *v, size_t n, size_t at, struct arena *a,
			  struct mp_head *h, struct brug_err *err)
{
	size_t i = 0;
	while (i < n && parse_tchar((unsigned char)v[i]))
		i++;
	if (!parse_ieq(v, i, "form-data"))
		return mp_fail_at(err, "Content-Disposition is not form-data", at);
	struct parse_param p;
	int r;
	while ((r = parse_param_next(v, n, &i, a, &p)) > 0) {
		const char **val;
		size_t *len;
		if (parse_ieq(p.name, p.name_len, "name")) {
			val = &h->name;
			len = &h->name_len;
		} else if (parse_ieq(p.name, p.name_len, "filename")) {
			val = &h->filename;
			len = &h->filename_len;
		} else if (parse_ieq(p.name, p.name_len, "filename*")) {
			val = &h->filename_ext;
			len = &h->filename_ext_len;
		} else {
			continue;
		}
		if (*val)
			return mp_fail_at(err, "repeated Content-Disposition parameter",
					  at + (size_t)(p.name - v));
		*val = p.value;
		*len = p.value_len;
	}
	if (r < 0)
		return mp_fail_at(err, "malformed Content-Disposition", at + i);
	return 0;
}

/* One "Name: value" line of a part's header block; at is its offset. */
static int mp_header(const char *line, size_t n, size_t at, struct arena *a, struct mp_head *h,
		     struct brug_err *err)
{
	size_t i = 0;
	while (i < n && parse_tchar((unsigned char)line[i]))
		i++;
	if (i == 0 || i == n || line[i] != ':' || parse_has_ctl(line, n))
		return mp_fail_at(err, "malformed part header", at);
	size_t name_len = i, vb = parse_skip_ows(line, n, i + 1), ve = n;
	while (ve > vb && (line[ve - 1] == ' ' || line[ve - 1] == '\t'))
		ve--;
	if (parse_ieq(line, name_len, "content-disposition")) {
		if (h->has_disposition)
			return mp_fail_at(err, "repeated Content-Disposition", at);
		h->has_disposition = true;
		return mp_disposition(line + vb, ve - vb, at + vb, a, h, err);
	}
	if (parse_ieq(line, name_len, "content-type")) {
		if (h->content_type)
			return mp_fail_at(err, "repeated Content-Type", at);
		/* Kept as sent (callers may want its charset), but only if it
		 * is a well-formed media type. */
		char *ct = arena_strndup(a, line + vb, ve - vb);
		struct content_type parsed;
		if (parse_content_type(ct, a, &parsed, NULL))
			return mp_fail_at(err, "malformed part Content-Type", at);
		h->content_type = ct;
	}
	return 0; /* other headers (Content-Transfer-Encoding, ...) are ignored */
}

/* The header block of the part at *pos, up to and including its empty
 * line; *pos moves to the part's first data byte. */
static int mp_headers(const char *b, size_t n, size_t *pos, struct arena *a, struct mp_head *h,
		      struct brug_err *err)
{
	size_t p = *pos, end;
	if (n - p >= 2 && b[p] == '\r' && b[p + 1] == '\n') {
		end = p; /* no headers at all */
	} else {
		size_t win = n - p < MP_MAX_HEADERS + 4 ? n - p : MP_MAX_HEADERS + 4;
		const char *e = memmem(b + p, win, "\r\n\r\n", 4);
		if (!e && win < n - p)
			return brug_failf(err, BRUG_EINVAL, PARSE_KEY, NULL,
					  "multipart: part headers over %d bytes at byte %zu",
					  MP_MAX_HEADERS, p);
		if (!e)
			return mp_fail_at(err, "part headers not terminated", p);
		end = (size_t)(e - b) + 2;
	}
	for (size_t at = p; at < end;) {
		const char *crlf = memmem(b + at, end - at, "\r\n", 2);
		size_t len = (size_t)(crlf - (b + at));
		int rc = mp_header(b + at, len, at, a, h, err);
		if (rc)
			return rc;
		at += len + 2;
	}
	*pos = end + 2;
	return 0;
}

/* Decodes an RFC 5987 ext-value "UTF-8'lang'%e2%82%ac.csv". Returns 1 with
 * the bytes in *out, 0 for another charset (the caller falls back to
 * filename), -1 when malformed. */
static int mp_ext_value(const char *s, size_t n, struct arena *a, const char **out,
			size_t *out_len)
{
	const char *q1 = memchr(s, '\'', n);
	const char *q2 = q1 ? memchr(q1 + 1, '\'', n - (size_t)(q1 + 1 - s)) : NULL;
	if (!q2)
		return -1;
	if (!parse_ieq(s, (size_t)(q1 - s), "utf-8"))
		return 0;
	const char *p = q2 + 1, *end = s + n;
	char *d = arena_alloc(a, (size_t)(end - p) + 1);
	size_t k = 0;
	for (; p < end; p++) {
		if (*p == '%') {
			int hi = end - p > 2 ? parse_hexval((unsigned char)p[1]) : -1;
			int lo = hi >= 0 ? parse_hexval((unsigned char)p[2]) : -1;
			if (lo < 0)
				return -1;
			d[k++] = (char)(hi << 4 | lo);
			p += 2;
		} else {
			d[k++] = *p;
		}
	}
	d[k] = '\0';
	*out = d;
	*out_len = k;
	return 1;
}

/* The filename to report: filename* when usable, else filename; checked
 * and cut to its last path component. */
static int mp_filename(const struct mp_head *h, size_t at, struct arena *a, const char **out,
		       struct brug_err *err)
{
	const char *f = h->filename;
	size_t n = h->filename_len;
	if (h->filename_ext) {
		int r = mp_ext_value(h->filename_ext, h->filename_ext_len, a, &f, &n);
		if (r < 0)
			return mp_fail_at(err, "malformed filename*", at);
		if (r == 0 && !h->filename)
			return mp_fail_at(err, "filename* is not UTF-8", at);
		if (r == 0) {
			f = h->filename;
			n = h->filename_len;
		}
	}
	if (!utf8_valid(f, n))
		return mp_fail_at(err, "filename is not valid UTF-8 text", at);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)f[i] < 0x20 || f[i] == 0x7F) /* tabs too: a name, not text */
			return mp_fail_at(err, "filename is not valid UTF-8 text", at);
	size_t base = n;
	while (base > 0 && f[base - 1] != '/' && f[base - 1] != '\\')
		base--;
	const char *last = f + base;
	if (n - base == 0 || strcmp(last, ".") == 0 || strcmp(last, "..") == 0)
		return mp_fail_at(err, "unusable filename", at);
	*out = base ? arena_strndup(a, last, n - base) : f;
	return 0;
}

static void uploads_push(struct uploads *l, struct arena *a, struct upload u)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		struct upload *v = arena_alloc(a, cap * sizeof(*v));
		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = u;
}

/* Files the part whose headers are h and whose data is d[0..len). */
static int mp_store(const struct mp_head *h, const char *d, size_t len, size_t at,
		    struct arena *a, struct kvs *fields, struct uploads *files,
		    struct brug_err *err)
{
	char shown[48];
	if (!h->name || h->name_len == 0)
		return mp_fail_at(err, "part without a name", at);
	if (h->name_len > PARSE_MAX_NAME)
		return brug_failf(err, BRUG_EINVAL, PARSE_KEY, NULL,
				  "multipart: part name too long at byte %zu (limit %d)", at,
				  PARSE_MAX_NAME);
	if (!utf8_valid(h->name, h->name_len))
		return mp_fail_at(err, "part name is not valid UTF-8", at);
	if (!h->filename && !h->filename_ext) {
		if (!utf8_valid(d, len))
			return brug_failf(err, BRUG_EINVAL, PARSE_KEY, NULL,
					  "form field is not valid UTF-8: %s",
					  parse_detail_name(shown, sizeof(shown), h->name));
		kvs_push(fields, a, h->name, arena_strndup(a, d, len), len);
		return 0;
	}
	/* What browsers send for a file input left empty. */
	if (h->filename && h->filename_len == 0 && !h->filename_ext && len == 0)
		return 0;
	struct upload u = {.field = h->name,
			   .content_type = h->content_type ? h->content_type
							   : arena_strdup(a, MP_DEFAULT_TYPE)};
	int rc = mp_filename(h, at, a, &u.filename, err);
	if (rc)
		return rc;
	u.data = arena_strndup(a, d, len); /* NUL after the bytes as a courtesy */
	u.len = len;
	uploads_push(files, a, u);
	return 0;
}

/* The part at *pos (just after its delimiter line): headers, then data up
 * to the next delimiter; *pos moves to just after that "--boundary". */
static int mp_part(const char *b, size_t n, size_t *pos, const char *delim, size_t dlen,
		   struct arena *a, struct kvs *fields, struct uploads *files,
		   struct brug_err *err)
{
	size_t start = *pos, data = start;
	struct mp_head h = {0};
	int rc = mp_headers(b, n, &data, a, &h, err);
	if (rc)
		return rc;
	/* The search starts at the CRLF that ended the headers: RFC 2046 lets
	 * a part stop after its headers, and then that CRLF opens the
	 * delimiter ("...\r\n\r\n--boundary"), giving empty data. */
	const char *next = memmem(b + data - 2, n - data + 2, delim, dlen);
	if (!next)
		return brug_failf(err, BRUG_EINVAL, PARSE_KEY, NULL,
				  "multipart: closing boundary missing");
	size_t len = next < b + data ? 0 : (size_t)(next - (b + data));
	rc = mp_store(&h, b + data, len, start, a, fields, files, err);
	if (rc)
		return rc;
	*pos = (size_t)(next - b) + dlen;
	return 0;
}

int parse_multipart(const char *body, size_t n, const char *boundary, struct arena *a,
		    struct kvs *fields, struct uploads *files, struct brug_err *err)
{
	assert((body || n == 0) && a && fields && files);
	int rc = 0;
	size_t nf0 = fields->n, nu0 = files->n, dlen = 0, pos;
	char delim[4 + MP_MAX_BOUNDARY] = "";
	rc = mp_delimiter(boundary, delim, &dlen, err);
	if (rc)
		goto out;
	/* The first delimiter may open the body without its CRLF; anything
	 * before it is a preamble. */
	if (n >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0) {
		pos = dlen - 2;
	} else {
		const char *first = n >= dlen ? memmem(body, n, delim, dlen) : NULL;
		if (!first) {
			rc = brug_failf(err, BRUG_EINVAL, PARSE_KEY, NULL,
					"multipart: opening boundary missing");
			goto out;
		}
		pos = (size_t)(first - body) + dlen;
	}
	for (size_t parts = 0;; parts++) {
		bool last = false;
		rc = mp_after_delimiter(body, n, &pos, &last, err);
		if (rc || last)
			goto out; /* the epilogue after "--boundary--" is ignored */
		if (parts == PARSE_MAX_FIELDS) {
			rc = brug_failf(err, BRUG_EINVAL, PARSE_KEY, NULL,
					"multipart: too many parts (limit %d)", PARSE_MAX_FIELDS);
			goto out;
		}
		rc = mp_part(body, n, &pos, delim, dlen, a, fields, files, err);
		if (rc)
			goto out;
	}
out:
	if (rc) {
		fields->n = nf0; /* nothing appended on failure */
		files->n = nu0;
	}
	return rc;
}

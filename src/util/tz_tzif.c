/* SPDX-License-Identifier: Apache-2.0 */
/* The TZif reader (RFC 8536): turns the bytes of a compiled zone file into a
 * struct tz, or refuses them. Every count is checked against the bytes that
 * are there before anything is read or allocated, so a hostile file costs at
 * most its own size. Version 2+ files are read from their 64-bit block and
 * footer; leap-second files ("right/") are refused, as brug's times are UTC
 * without leap seconds. See tz_impl.h. */
#include <stdlib.h>
#include <string.h>

#include "util/tz_impl.h"
#include "util/xmalloc.h"

#define HEADER_LEN 44

struct header {
	char version; /* 0, '2', '3', ... */
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static bool header_read(const uint8_t *p, size_t n, struct header *h)
{
	if (n < HEADER_LEN || memcmp(p, "TZif", 4) != 0)
		return false;
	h->version = (char)p[4];
	if (h->version != 0 && (h->version < '2' || h->version > '9'))
		return false;
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	return true;
}

/* Bytes of the data block after h, with tsize-byte times (4 or 8). Each
 * count is below 2^32, so the sum cannot overflow 64 bits. */
static uint64_t block_len(const struct header *h, unsigned tsize)
{
	return (uint64_t)h->timecnt * (tsize + 1) + (uint64_t)h->typecnt * 6 + h->charcnt +
	       (uint64_t)h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt;
}

static bool counts_ok(const struct header *h)
{
	return h->typecnt >= 1 && h->typecnt <= TZ_TYPES_MAX && h->charcnt >= 1 &&
	       h->leapcnt == 0 && (h->isstdcnt == 0 || h->isstdcnt == h->typecnt) &&
	       (h->isutcnt == 0 || h->isutcnt == h->typecnt);
}

static bool read_transitions(struct tz *z, const uint8_t *p, unsigned tsize, size_t typecnt)
{
	const uint8_t *idx = p + (size_t)z->n_trans * tsize;
	for (size_t i = 0; i < z->n_trans; i++) {
		int64_t t = tsize == 8 ? be64(p + i * 8) : (int64_t)(int32_t)be32(p + i * 4);
		if (t < -TZ_TRANS_LIMIT || t > TZ_TRANS_LIMIT || (i > 0 && t <= z->trans[i - 1]) ||
		    idx[i] >= typecnt)
			return false;
		z->trans[i] = t;
		z->trans_type[i] = idx[i];
	}
	return true;
}

static bool read_types(struct tz *z, const uint8_t *p, const char *chars, size_t charcnt)
{
	for (size_t i = 0; i < z->n_types; i++, p += 6) {
		int32_t utoff = (int32_t)be32(p);
		size_t at = p[5];
		if (utoff < TZ_UTOFF_MIN || utoff > TZ_UTOFF_MAX || p[4] > 1 || at >= charcnt)
			return false;
		const char *nul = memchr(chars + at, '\0', charcnt - at);
		if (!nul)
			return false;
		size_t len = (size_t)(nul - (chars + at));
		struct tz_type *ty = &z->types[i];
		ty->utoff = utoff;
		ty->isdst = p[4];
		if (len > sizeof(ty->abbr) - 1)
			len = sizeof(ty->abbr) - 1;
		memcpy(ty->abbr, chars + at, len);
		ty->abbr[len] = '\0';
	}
	return true;
}

/* The standard/wall and UT/local indicators are only for POSIX rules
 * without times, which brug never applies; they must still make sense. */
static bool indicators_ok(const uint8_t *isstd, size_t nstd, const uint8_t *isut, size_t nut)
{
	for (size_t i = 0; i < nstd; i++)
		if (isstd[i] > 1)
			return false;
	for (size_t i = 0; i < nut; i++)
		if (isut[i] > 1 || (isut[i] && (nstd == 0 || !isstd[i])))
			return false;
	return true;
}

/* The data block at p (already bounds-checked) and the footer string. */
static struct tz *build(const char *name, const struct header *h, const uint8_t *p,
			unsigned tsize, const char *footer, size_t footer_len)
{
	struct tz *z = xcalloc(1, sizeof(*z));
	z->name = xstrdup(name);
	z->n_trans = h->timecnt;
	z->n_types = h->typecnt;
	z->trans = xmalloc(z->n_trans ? z->n_trans * sizeof(*z->trans) : 1);
	z->trans_type = xmalloc(z->n_trans ? z->n_trans : 1);
	z->types = xcalloc(z->n_types, sizeof(*z->types));
	const uint8_t *types = p + (size_t)h->timecnt * (tsize + 1);
	const uint8_t *chars = types + (size_t)h->typecnt * 6;
	const uint8_t *isstd = chars + h->charcnt; /* no leap records: counts_ok */
	const uint8_t *isut = isstd + h->isstdcnt;
	bool ok = read_transitions(z, p, tsize, z->n_types) &&
		  read_types(z, types, (const char *)chars, h->charcnt) &&
		  indicators_ok(isstd, h->isstdcnt, isut, h->isutcnt);
	if (ok && footer_len > 0) {
		ok = tz_posix_parse(footer, footer_len, &z->rule) == 0;
		z->has_rule = ok;
	}
	if (!ok) {
		tz_free(z);
		return NULL;
	}
	return z;
}

struct tz *tz_parse_tzif(const char *name, const uint8_t *p, size_t n)
{
	struct header h1, h2;
	if (n > TZ_FILE_MAX || !header_read(p, n, &h1))
		return NULL;
	uint64_t len1 = block_len(&h1, 4);
	if (len1 > n - HEADER_LEN)
		return NULL;
	if (h1.version == 0) {
		/* Version 1: 32-bit times and no footer. */
		if (len1 != n - HEADER_LEN || !counts_ok(&h1))
			return NULL;
		return build(name, &h1, p + HEADER_LEN, 4, NULL, 0);
	}
	/* Version 2+: skip the 32-bit block (which may be a stub), read the
	 * second header, the 64-bit block and the footer "\nTZ string\n" that
	 * must end the file. */
	size_t at = HEADER_LEN + (size_t)len1;
	if (!header_read(p + at, n - at, &h2) || h2.version != h1.version || !counts_ok(&h2))
		return NULL;
	at += HEADER_LEN;
	uint64_t len2 = block_len(&h2, 8);
	if (len2 > n - at || n - at - len2 < 2)
		return NULL;
	const uint8_t *data = p + at;
	at += (size_t)len2;
	if (p[at] != '\n' || p[n - 1] != '\n')
		return NULL;
	const char *footer = (const char *)p + at + 1;
	size_t footer_len = n - at - 2;
	if (memchr(footer, '\n', footer_len))
		return NULL;
	return build(name, &h2, data, 8, footer, footer_len);
}

struct tz *tz_new_rule(const char *name, const char *s, size_t n)
{
	struct tz_rule r;
	if (tz_posix_parse(s, n, &r))
		return NULL;
	struct tz *z = xcalloc(1, sizeof(*z));
	z->name = xstrdup(name);
	z->trans = xmalloc(1);
	z->trans_type = xmalloc(1);
	z->n_types = 1;
	z->types = xmalloc(sizeof(*z->types));
	z->types[0] = r.std;
	z->has_rule = true;
	z->rule = r;
	return z;
}

void tz_free(struct tz *z)
{
	if (!z)
		return;
	free(z->name);
	free(z->trans);
	free(z->trans_type);
	free(z->types);
	free(z);
}

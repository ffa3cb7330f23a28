/* SPDX-License-Identifier: Apache-2.0 */
/* E-mail addresses and phone numbers in folded text, for util/textfold:
 * where they are and which terms they give. The rules are the ones in
 * textfold.h; both the index and the query side read text through these
 * functions, which is what makes a query find the text it was copied from.
 * Every scan is bounded (64 + 255 bytes around an '@', 20 digits for a
 * number), so a text is read in linear time whatever it holds. */
#include "util/textfold_impl.h"

#include <string.h>

#define LOCAL_MAX  64
#define DOMAIN_MAX 255
/* The separators allowed between digit groups, at most SEP_MAX in a row. */
#define PHONE_SEPS " -./()"
#define SEP_MAX    3

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_local_cp(int32_t cp)
{
	return tf_is_word_cp(cp) || (cp < 0x80 && cp && strchr("._%+-", (int)cp));
}

static bool is_domain_cp(int32_t cp)
{
	return tf_is_word_cp(cp) || cp == '.' || cp == '-';
}

/* The start of the local part before the '@' at byte at: its lowest byte
 * within LOCAL_MAX bytes, or at when there is none or it is longer. */
static size_t local_start(const char *f, size_t at)
{
	size_t j = at;
	while (j > 0) {
		size_t k = j - 1;
		while (k > 0 && ((unsigned char)f[k] & 0xC0) == 0x80)
			k--;
		size_t next;
		if (!is_local_cp(tf_cp_at(f, j, k, &next)))
			break;
		if (at - k > LOCAL_MAX)
			return at; /* too long to be an address */
		j = k;
	}
	while (j < at && f[j] == '.')
		j++;
	return j;
}

bool tf_email_at(const char *f, size_t len, size_t at, bool complete, struct tf_email *out)
{
	size_t s = local_start(f, at);
	if (s == at)
		return false;
	size_t e = at + 1;
	while (e < len) {
		size_t next;
		if (!is_domain_cp(tf_cp_at(f, len, e, &next)))
			break;
		if (next - (at + 1) > DOMAIN_MAX)
			return false;
		e = next;
	}
	if (!complete && e != len)
		return false;
	while (e > at + 1 && (f[e - 1] == '.' || f[e - 1] == '-'))
		e--;
	if (complete) {
		const char *dot = memchr(f + at + 1, '.', e - (at + 1));
		/* a label before the first dot and something after the last */
		if (!dot || dot == f + at + 1 || f[at + 1] == '-')
			return false;
	}
	out->s = s;
	out->e = e;
	return true;
}

/* The international digits of ph into x (TF_PHONE_DIGITS + 2 bytes). */
static size_t phone_intl(const struct tf_phone *ph, char *x)
{
	if (ph->plus) {
		memcpy(x, ph->d, ph->nd);
		return ph->nd;
	}
	if (ph->nd >= 2 && ph->d[0] == '0' && ph->d[1] == '0') {
		memcpy(x, ph->d + 2, ph->nd - 2);
		return ph->nd - 2;
	}
	/* a national number: the leading 0 is the Dutch trunk prefix */
	x[0] = '3';
	x[1] = '1';
	memcpy(x + 2, ph->d + 1, ph->nd - 1);
	return ph->nd + 1;
}

static bool is_dutch(const char *x, size_t nx)
{
	return nx >= 2 && x[0] == '3' && x[1] == '1';
}

/* After a digit group: 1 when the number is complete (a Dutch one with
 * its nine digits), -1 when it cannot be one any more, else 0. */
static int phone_state(const struct tf_phone *ph)
{
	char x[TF_PHONE_DIGITS + 2];
	size_t nx = phone_intl(ph, x);
	if (is_dutch(x, nx))
		return nx - 2 == 9 ? 1 : nx - 2 > 9 ? -1 : 0;
	return nx > 15 ? -1 : 0;
}

/* Whether the number may start at byte p: at a word boundary, with "+" and
 * a digit 1-9, "(0" or "0". Sets *i to its first digit. */
static bool phone_start(const char *f, size_t len, size_t p, struct tf_phone *ph, size_t *i)
{
	if (tf_word_before(f, p))
		return false;
	if (f[p] == '+') {
		ph->plus = true;
		*i = p + 1;
		return *i < len && f[*i] >= '1' && f[*i] <= '9';
	}
	if (f[p] == '(') {
		*i = p + 1;
		return *i < len && f[*i] == '0';
	}
	*i = p;
	return f[p] == '0';
}

enum tf_phone_scan tf_phone_scan(const char *f, size_t len, size_t p, struct tf_phone *ph)
{
	memset(ph, 0, sizeof(*ph));
	size_t i;
	if (!phone_start(f, len, p, ph, &i))
		return TF_PHONE_NONE;
	ph->s = p;
	for (int group = 0;; group++) {
		size_t g = i;
		for (; i < len && is_digit(f[i]); i++) {
			if (ph->nd == TF_PHONE_DIGITS)
				return TF_PHONE_NONE;
			ph->d[ph->nd++] = f[i];
		}
		/* "+31 (0)20 ...": the trunk prefix in brackets after a country code */
		bool intl = ph->plus || (ph->nd > 2 && ph->d[0] == '0' && ph->d[1] == '0');
		if (group > 0 && intl && i - g == 1 && f[g] == '0' && f[g - 1] == '(' && i < len &&
		    f[i] == ')')
			ph->nd--;
		ph->e = i;
		size_t next;
		if (i < len && tf_is_word_cp(tf_cp_at(f, len, i, &next)))
			return TF_PHONE_NONE; /* digits run on into a word */
		int st = phone_state(ph);
		if (st)
			return st > 0 ? TF_PHONE_COMPLETE : TF_PHONE_NONE;
		size_t j = i, k = 0;
		while (j < len && k < SEP_MAX && f[j] && strchr(PHONE_SEPS, f[j])) {
			j++;
			k++;
		}
		if (k > 0 && j < len && is_digit(f[j])) {
			i = j;
			continue;
		}
		/* the run ends after this group */
		ph->at_end = j == len;
		char x[TF_PHONE_DIGITS + 2];
		size_t nx = phone_intl(ph, x);
		return !is_dutch(x, nx) && nx >= 8 ? TF_PHONE_COMPLETE : TF_PHONE_RUN;
	}
}

size_t tf_phone_forms(const struct tf_phone *ph, bool prefix, struct tf_form *forms)
{
	char x[TF_PHONE_DIGITS + 2], nat[TF_PHONE_DIGITS + 2];
	size_t nx = phone_intl(ph, x), k = 0;
	if (prefix)
		tf_forms_add(forms, &k, ph->d, ph->nd);
	if (is_dutch(x, nx)) {
		size_t sig = nx - 2 > 9 ? 9 : nx - 2;
		if (sig > 0) {
			tf_forms_add(forms, &k, x, sig + 2);
			nat[0] = '0';
			memcpy(nat + 1, x + 2, sig);
			tf_forms_add(forms, &k, nat, sig + 1);
		}
	} else {
		tf_forms_add(forms, &k, x, nx);
	}
	return k;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Email addresses and phone numbers as people type and export them: a
 * syntax check for addresses, and phone numbers reduced to one form that
 * duplicates, call logs and search can be matched on. Thread-safe. */
#ifndef BRUG_UTIL_CONTACTINFO_H
#define BRUG_UTIL_CONTACTINFO_H

#include <stdbool.h>
#include <stddef.h>

/* True for a plausible address: one @, a local part, a dotted domain, no
 * spaces, controls or the characters ()<>,;:\"[] . Not RFC 5322 in full:
 * what mail clients and people actually use. */
bool contactinfo_email_valid(const char *s);

#define PHONE_NORM_MAX 24

/* Reduces a phone number to its digits in international form, without a
 * leading + : "+31 (0)6-1234 5678", "06 12345678" and "0031612345678" all
 * become "31612345678". A national number (one leading 0) is read in
 * country (its calling code, e.g. "31"). Allowed characters: digits,
 * spaces, + at the start, and - . / ( ). False (out untouched) when s is
 * not a phone number or has fewer than 3 or more than 20 digits. */
bool contactinfo_phone_norm(const char *s, const char *country, char out[PHONE_NORM_MAX]);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* The interface's languages: one JSON catalog per language (web/locale/
 * nl.json, en.json) of nested message keys. Templates read the catalog as
 * {{t.section.key}}; C code asks for messages by dotted key. A loaded set of
 * catalogs is immutable, so threads share it freely. */
#ifndef BRUG_CORE_I18N_H
#define BRUG_CORE_I18N_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/rc.h"

struct i18n;

/* The supported languages, in order of preference for a new organisation:
 * {"nl", "en"}. */
extern const char *const i18n_langs[];
extern const size_t i18n_nlangs;
bool i18n_supported(const char *lang);

/* Loads every catalog from dir (development) or, when dir is NULL, from
 * the embedded files. Fails with BRUG_EINVAL when a catalog is missing or
 * not a JSON object. The caller frees with i18n_free. */
int i18n_load(const char *dir, struct i18n **out, struct brug_err *err);
void i18n_free(struct i18n *c);

/* The catalog of lang (or of the first language when lang is unknown), as
 * a JSON object owned by c. */
json_t *i18n_catalog(const struct i18n *c, const char *lang);
/* The message for a dotted key ("error.not_found"), or the key itself when
 * there is none, so a missing message is visible, not blank. */
const char *i18n_text(const struct i18n *c, const char *lang, const char *key);
/* True when lang's catalog has the dotted key. */
bool i18n_has(const struct i18n *c, const char *lang, const char *key);

/* Compares the key sets of all catalogs; returns the number of keys present
 * in one and missing in another and, when report is not NULL, appends a line
 * per difference ("en: missing nav.users") to it (a JSON array). */
size_t i18n_diff(const struct i18n *c, json_t *report);

#endif

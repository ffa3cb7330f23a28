/* SPDX-License-Identifier: Apache-2.0 */
/* The feedback rules as settings rows (see feedback_config.h). */
#include "domain/feedback_config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "domain/audit.h"
#include "domain/setting.h"

struct rule {
	const char *name; /* settings row "feedback.<name>" and API field */
	size_t off;
	int def, min, max;
};

static const struct rule rules[] = {
	{"contact_days", offsetof(struct feedback_config, contact_days), 30, 1, 365},
	{"reminder_days", offsetof(struct feedback_config, reminder_days), 3, 0, 60},
	{"expiry_days", offsetof(struct feedback_config, expiry_days), 30, 1, 365},
	{"case_days", offsetof(struct feedback_config, case_days), 2, 1, 30},
	{"link_per_hour", offsetof(struct feedback_config, link_per_hour), 20, 1, 10000},
};
#define NRULES (sizeof(rules) / sizeof(rules[0]))

static int *slot(struct feedback_config *c, const struct rule *r)
{
	return (int *)((char *)c + r->off);
}

int feedback_config_get(struct db *db, int64_t org, struct feedback_config *out)
{
	for (size_t i = 0; i < NRULES; i++) {
		char name[64], *v = NULL;
		snprintf(name, sizeof(name), "feedback.%s", rules[i].name);
		int rc = setting_get(db, org, name, &v);
		if (rc && rc != BRUG_ENOTFOUND)
			return rc;
		long n = v ? strtol(v, NULL, 10) : rules[i].def;
		free(v);
		*slot(out, &rules[i]) = n >= rules[i].min && n <= rules[i].max ? (int)n : rules[i].def;
	}
	return 0;
}

int feedback_config_set(struct db *db, const struct actor *who, const struct feedback_config *c,
			struct brug_err *err)
{
	struct feedback_config v = *c;
	for (size_t i = 0; i < NRULES; i++) {
		int n = *slot(&v, &rules[i]);
		if (n < rules[i].min || n > rules[i].max)
			return brug_fail(err, BRUG_EVALIDATION, "error.range", rules[i].name);
	}
	json_t *details = json_object();
	int rc = 0;
	for (size_t i = 0; i < NRULES && !rc; i++) {
		char name[64], val[16];
		snprintf(name, sizeof(name), "feedback.%s", rules[i].name);
		snprintf(val, sizeof(val), "%d", *slot(&v, &rules[i]));
		rc = setting_set(db, who->org_id, name, val);
		json_object_set_new(details, rules[i].name, json_integer(*slot(&v, &rules[i])));
	}
	if (!rc)
		return audit_add(db, who, "feedback.settings", "org", who->org_id, details);
	json_decref(details);
	return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* A survey question from a JSON body or a form; see survey_input.h. The
 * form's option fields are read only where they fit the type, so one
 * add-question form can carry them all. */
#include "api/survey_input.h"

#include <stdio.h>
#include <string.h>

#include "util/jx.h"

static const char *const qtypes[] = {"nps",    "csat",     "ces",  "rating",
				     "single", "multiple", "text", "yesno", NULL};

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* s[0..n) without the spaces around it, as a new JSON string. */
static json_t *trimmed(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return json_stringn(s, n);
}

/* One line "key: nl | en" ("key:" optional: then c<n>). */
static json_t *form_choice(const char *line, size_t n, size_t index)
{
	json_t *c = json_object();
	size_t k = 0;
	while (k < n && (line[k] == ' ' || line[k] == '\t'))
		k++;
	size_t start = k;
	while (k < n && is_key_char(line[k]))
		k++;
	if (k > start && k < n && line[k] == ':') {
		json_object_set_new(c, "key", json_stringn(line + start, k - start));
		line += k + 1;
		n -= k + 1;
	} else {
		char key[24];
		snprintf(key, sizeof(key), "c%zu", index + 1);
		jx_set_str(c, "key", key);
	}
	const char *bar = memchr(line, '|', n);
	size_t nl = bar ? (size_t)(bar - line) : n;
	json_object_set_new(c, "nl", trimmed(line, nl));
	json_object_set_new(c, "en", bar ? trimmed(bar + 1, n - nl - 1) : json_string(""));
	return c;
}

static json_t *form_choices(const char *s)
{
	json_t *a = json_array();
	while (s && *s) {
		size_t n = strcspn(s, "\n");
		size_t blank = strspn(s, " \t\r");
		if (blank < n)
			json_array_append_new(a, form_choice(s, n, json_array_size(a)));
		s += n;
		s += strspn(s, "\n");
	}
	return a;
}

/* The options a form's fields give for type. */
static json_t *form_options(struct input *in, const char *type)
{
	json_t *o = json_object();
	if (!strcmp(type, "single") || !strcmp(type, "multiple")) {
		const char *c = in_text(in, "choices", IN_MULTILINE, 20000);
		json_object_set_new(o, "choices", form_choices(c));
	} else if (!strcmp(type, "text")) {
		/* in_text is NULL for a value it refuses (and records why) */
		const char *ml = in_has(in, "max_length") ? in_text(in, "max_length", 0, 10) : NULL;
		if (ml && *ml)
			jx_set_int(o, "max", in_int(in, "max_length", 0, 1, 10000, 2000));
	} else if (strcmp(type, "yesno")) {
		static const char *const labels[] = {"low_nl", "low_en", "high_nl", "high_en"};
		for (int i = 0; i < 4; i++) {
			const char *s = in_has(in, labels[i]) ? in_text(in, labels[i], 0, 100) : NULL;
			if (s && *s)
				jx_set_str(o, labels[i], s);
		}
		if (!strcmp(type, "rating")) {
			jx_set_int(o, "min", in_int(in, "min", 0, 0, 1, 1));
			jx_set_int(o, "max", in_int(in, "max", 0, 2, 10, 5));
		}
	}
	return o;
}

int api_survey_question_read(struct input *in, struct survey_question_fields *q, bool add)
{
	const char *key = in_has(in, "key") ? in_text(in, "key", 0, 40) : NULL;
	q->key = key && *key ? key : NULL;
	q->type = add || in_has(in, "type") ? in_enum(in, "type", IN_REQUIRED, qtypes) : NULL;
	if (in->typed)
		q->required = in_has(in, "required") ? in_bool(in, "required", false) : -1;
	else /* a form's checkbox is absent when off */
		q->required = in_bool(in, "required", false);
	q->text_nl = in_has(in, "text_nl") ? in_text(in, "text_nl", IN_MULTILINE, 500) : NULL;
	q->text_en = in_has(in, "text_en") ? in_text(in, "text_en", IN_MULTILINE, 500) : NULL;
	q->options = NULL;
	if (in->typed) {
		json_t *o = json_object_get(in->src, "options");
		if (o && !json_is_object(o))
			in_error(in, "options", "error.survey_options");
		else if (o)
			q->options = json_incref(o);
	} else if (q->type) {
		q->options = form_options(in, q->type);
	}
	return 0;
}

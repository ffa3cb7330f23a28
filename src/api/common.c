/* SPDX-License-Identifier: Apache-2.0 */
/* Handler helpers; see common.h. */
#include "api/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "http/app.h"
#include "util/clock.h"
#include "util/jx.h"
#include "util/tz.h"
#include "util/url.h"
#include "util/utf8.h"

const char *const api_roles[] = {"employee", "manager", "admin", NULL};
const char *const api_langs[] = {"nl", "en", NULL};

const char *api_local_path(const char *next, const char *fallback)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return fallback;
	size_t n = strlen(next);
	if (n > 2000 || !utf8_valid(next, n) || utf8_has_controls(next, n) || strpbrk(next, "\r\n\t"))
		return fallback;
	return next;
}

void api_paging(const struct req *req, int *page, int *per_page)
{
	*page = (int)req_query_int(req, "page", 1, 1, 1000000);
	*per_page = (int)req_query_int(req, "per_page", 50, 1, 200);
}

static void label_one(struct req *req, const struct i18n *cat, json_t *o, const char *field,
		      const char *prefix)
{
	const char *v = jx_str(o, field);
	if (!v)
		return;
	const char *key = arena_printf(&req->arena, "%s.%s", prefix, v);
	const char *name = arena_printf(&req->arena, "%s_label", field);
	jx_set_str(o, name, i18n_text(cat, req->lang, key));
}

void api_labels(struct req *req, json_t *v, const char *field, const char *prefix)
{
	if (req->api || !v)
		return;
	const struct i18n *cat = app_catalogs(req->app, req);
	if (json_is_object(v)) {
		label_one(req, cat, v, field, prefix);
		return;
	}
	size_t i;
	json_t *o;
	json_array_foreach(v, i, o) label_one(req, cat, o, field, prefix);
}

/* The current path with its query string, page replaced by page. */
static json_t *page_link(struct req *req, int64_t page)
{
	struct buf b;
	buf_init(&b, 8192);
	buf_adds(&b, req->path);
	char sep = '?';
	for (size_t i = 0; i < req->query.n; i++) {
		const struct kv *kv = &req->query.v[i];
		if (!strcmp(kv->name, "page"))
			continue;
		buf_addc(&b, sep);
		url_encode(&b, kv->name);
		buf_addc(&b, '=');
		url_encode(&b, kv->value);
		sep = '&';
	}
	buf_printf(&b, "%cpage=%lld", sep, (long long)page);
	json_t *s = b.failed ? json_null() : json_string(buf_str(&b));
	buf_cleanup(&b);
	return s;
}

void api_pager(struct req *req, json_t *data)
{
	if (req->api)
		return;
	int64_t page = jx_int(data, "page", 1), pages = jx_int(data, "pages", 1);
	json_t *p = json_object();
	jx_set_int(p, "page", page);
	jx_set_int(p, "pages", pages);
	jx_set_int(p, "total", jx_int(data, "total", 0));
	if (page > 1)
		json_object_set_new(p, "prev", page_link(req, page - 1));
	if (page < pages)
		json_object_set_new(p, "next", page_link(req, page + 1));
	json_object_set_new(data, "pager", p);
}

static const struct tz *org_zone(const struct req *req)
{
	const struct tz *z = tz_get(req->who.org_tz[0] ? req->who.org_tz : "Europe/Amsterdam");
	return z ? z : tz_get("UTC");
}

bool api_parse_time(const struct req *req, const char *s, int64_t *ms)
{
	if (!s)
		return false;
	size_t n = strlen(s);
	if (n > 19 && clock_parse_iso8601(s, ms))
		return true;
	int y, mo, d, h, mi, sec = 0;
	char tail;
	if (n == 16 && sscanf(s, "%4d-%2d-%2dT%2d:%2d%c", &y, &mo, &d, &h, &mi, &tail) == 5) {
		/* datetime-local without seconds */
	} else if (n == 19 &&
		   sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &tail) == 6) {
		/* with seconds */
	} else {
		return false;
	}
	/* sscanf's %d also takes a sign or spaces: only digits between the marks */
	if (strspn(s, "0123456789") != 4 || strspn(s + 5, "0123456789") != 2 ||
	    strspn(s + 8, "0123456789") != 2 || strspn(s + 11, "0123456789") != 2 ||
	    strspn(s + 14, "0123456789") != 2 || (n == 19 && strspn(s + 17, "0123456789") != 2))
		return false;
	if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || y < 1900 || y > 2999 ||
	    mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 || h < 0 ||
	    mi < 0 || sec < 0)
		return false;
	*ms = tz_from_local(org_zone(req), y, mo, d, h, mi, sec);
	return true;
}

void api_local_input(const struct req *req, int64_t ms, char out[17])
{
	struct tz_civil c;
	tz_to_local(org_zone(req), ms, &c);
	snprintf(out, 17, "%04u-%02u-%02uT%02u:%02u", (unsigned)c.year % 10000u,
		 (unsigned)c.month % 100u, (unsigned)c.day % 100u, (unsigned)c.hour % 100u,
		 (unsigned)c.minute % 100u);
}

int64_t api_value_id(const json_t *values, const char *key)
{
	json_t *v = json_object_get(values, key);
	if (json_is_integer(v))
		return json_integer_value(v);
	return json_is_string(v) ? strtoll(json_string_value(v), NULL, 10) : 0;
}

void api_mark_selected(json_t *list, const json_t *values, const char *key)
{
	int64_t id = api_value_id(values, key);
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e) {
		if (id > 0 && jx_int(e, "id", 0) == id)
			jx_set_bool(e, "is_selected", true);
	}
}

/* SPDX-License-Identifier: Apache-2.0 */
/* Handler helpers; see common.h. */
#include "api/common.h"

#include <string.h>

#include "core/i18n.h"
#include "http/app.h"
#include "util/jx.h"
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

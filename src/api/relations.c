/* SPDX-License-Identifier: Apache-2.0 */
/* Relations: every employee sees, creates and changes them. The API takes
 * lists (emails, phones, addresses, tags) as JSON arrays; the form has one
 * email, phone, mobile and address, and tags separated by commas. */
#include "api/handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "domain/custom_field.h"
#include "domain/merge.h"
#include "domain/relation.h"
#include "domain/timeline.h"
#include "domain/user.h"
#include "util/buf.h"
#include "util/jx.h"
#include "util/xmalloc.h"

static const char *const kinds[] = {"organisation", "person", NULL};
static const char *const types[] = {"customer", "prospect", "supplier", "partner", NULL};
static const char *const statuses[] = {"active", "archived", "all", NULL};
static const char *const sorts[] = {"name", "created", "updated", NULL};

static int rel_id(struct req *req, int64_t *id)
{
	int rc = req_param_id(req, "id", id);
	return rc ? brug_fail(&req->err, rc, "error.relation_not_found", NULL) : 0;
}

static int not_found(struct req *req, int rc)
{
	return rc == BRUG_ENOTFOUND ? brug_fail(&req->err, rc, "error.relation_not_found", NULL)
				    : rc;
}

static int index_of(const char *s, const char *const *set)
{
	for (int i = 0; s && set[i]; i++)
		if (!strcmp(s, set[i]))
			return i;
	return -1;
}

int api_relations_list(struct req *req, struct resp *resp)
{
	struct relation_filter f = {0};
	const char *kind = req_query(req, "kind"), *type = req_query(req, "type");
	f.kind = index_of(kind, kinds) >= 0 ? kind : NULL;
	f.type = index_of(type, types) >= 0 ? type : NULL;
	f.tag = req_query(req, "tag") && *req_query(req, "tag") ? req_query(req, "tag") : NULL;
	f.owner_id = req_query_int(req, "owner_id", 0, 0, INT64_MAX);
	f.parent_id = req_query_int(req, "parent_id", 0, 0, INT64_MAX);
	int st = index_of(req_query(req, "status"), statuses);
	f.status = st > 0 ? (enum relation_status)st : REL_ACTIVE;
	int so = index_of(req_query(req, "sort"), sorts);
	f.sort = so > 0 ? (enum relation_sort)so : REL_SORT_NAME;
	const char *dir = req_query(req, "dir");
	f.desc = dir && !strcmp(dir, "desc");
	api_paging(req, &f.page.page, &f.page.per_page);
	json_t *list = NULL;
	int rc = relation_list(req->db, req->who.org_id, &f, &list);
	if (rc)
		return rc;
	json_t *v = json_object();
	jx_set_str(v, "kind", f.kind ? f.kind : "");
	jx_set_str(v, "type", f.type ? f.type : "");
	jx_set_str(v, "tag", f.tag ? f.tag : "");
	jx_set_int(v, "owner_id", f.owner_id);
	jx_set_str(v, "status", statuses[f.status]);
	jx_set_str(v, "sort", sorts[f.sort]);
	jx_set_str(v, "dir", f.desc ? "desc" : "asc");
	json_object_set_new(list, "values", v);
	if (!req->api) {
		api_labels(req, json_object_get(list, "items"), "type", "relations.types");
		api_labels(req, json_object_get(list, "items"), "kind", "relations.kinds");
		json_t *tags = NULL, *users = NULL;
		struct user_filter uf = {.status = 1, .per_page = 200, .page = 1};
		if (!relation_tags(req->db, req->who.org_id, &tags)) {
			size_t i;
			json_t *t;
			json_array_foreach(tags, i, t)
				if (f.tag && jx_str(t, "name") && !strcmp(jx_str(t, "name"), f.tag))
					jx_set_bool(t, "is_selected", true);
			json_object_set_new(list, "tags", tags);
		}
		if (!user_list(req->db, req->who.org_id, &uf, &users)) {
			api_mark_selected(json_object_get(users, "items"), v, "owner_id");
			json_object_set(list, "users", json_object_get(users, "items"));
			json_decref(users);
		}
		api_pager(req, list);
	}
	resp_set_data(resp, list);
	return 0;
}

/* For the form: the organisation's custom fields, each with its value
 * (from values.custom_<name> when the form comes back, else from the
 * relation's "custom") and flags for the template. */
static int custom_options(struct req *req, json_t *d)
{
	json_t *fields = NULL;
	int rc = custom_field_list(req->db, req->who.org_id, &fields);
	if (rc)
		return rc;
	json_t *values = json_object_get(d, "values");
	json_t *stored = json_object_get(json_object_get(d, "relation"), "custom");
	size_t i;
	json_t *f;
	json_array_foreach(fields, i, f) {
		const char *name = jx_str(f, "name"), *type = jx_str(f, "type");
		char key[64];
		snprintf(key, sizeof(key), "custom_%s", name);
		json_t *v = json_object_get(values, key);
		if (!v)
			v = json_object_get(stored, name);
		char *text = json_is_string(v) ? xstrdup(json_string_value(v))
			     : json_is_number(v) ? json_dumps(v, JSON_ENCODE_ANY)
						 : xstrdup("");
		jx_set_str(f, "key", key);
		jx_set_str(f, "value", text ? text : "");
		jx_set_bool(f, "is_text", !strcmp(type, "text"));
		jx_set_bool(f, "is_number", !strcmp(type, "number"));
		jx_set_bool(f, "is_date", !strcmp(type, "date"));
		jx_set_bool(f, "is_choice", !strcmp(type, "choice"));
		json_t *opts = json_array(), *c;
		size_t j;
		json_array_foreach(json_object_get(f, "choices"), j, c) {
			json_t *o = json_pack("{s:O}", "label", c);
			if (text && !strcmp(json_string_value(c), text))
				jx_set_bool(o, "is_selected", true);
			json_array_append_new(opts, o);
		}
		json_object_set_new(f, "options", opts);
		free(text);
	}
	json_object_set_new(d, "custom_fields", fields);
	return 0;
}

/* For the form: organisations (a person's parent) and users (owners). */
static int form_options(struct req *req, json_t *d)
{
	int crc = custom_options(req, d);
	if (crc)
		return crc;
	struct relation_filter f = {.kind = "organisation", .page = {1, LISTING_PER_PAGE_MAX}};
	json_t *orgs = NULL, *users = NULL;
	int rc = relation_list(req->db, req->who.org_id, &f, &orgs);
	struct user_filter uf = {.status = 1, .per_page = 200, .page = 1};
	if (!rc)
		rc = user_list(req->db, req->who.org_id, &uf, &users);
	if (!rc) {
		json_t *v = json_object_get(d, "values");
		json_t *o = json_object_get(orgs, "items"), *u = json_object_get(users, "items");
		api_mark_selected(o, v, "parent_id");
		api_mark_selected(u, v, "owner_id");
		json_object_set(d, "organisations", o);
		json_object_set(d, "users", u);
	}
	json_decref(orgs);
	json_decref(users);
	return rc;
}

int api_relations_new(struct req *req, struct resp *resp)
{
	json_t *d = resp_data(resp);
	const char *kind = req_query(req, "kind");
	json_t *v = json_object();
	jx_set_str(v, "kind", index_of(kind, kinds) >= 0 ? kind : "organisation");
	jx_set_str(v, "type", "customer");
	jx_set_str(v, "lang", req->lang);
	jx_set_int(v, "owner_id", req->who.user_id);
	jx_set_int(v, "parent_id", req_query_int(req, "parent_id", 0, 0, INT64_MAX));
	json_object_set_new(d, "values", v);
	return form_options(req, d);
}

/* A one-item list from a form field, or NULL when the form has none of
 * the fields (unchanged). */
static json_t *form_item(struct input *in, const char *field, const char *key, const char *label)
{
	if (!in_has(in, field))
		return NULL;
	const char *v = in_text(in, field, 0, 254);
	json_t *a = json_array();
	if (v && *v)
		json_array_append_new(a, json_pack("{s:s,s:s}", key, v, "label", label));
	return a;
}

/* Tags typed as "vip, zorg ,  noord": trimmed, empty ones dropped. */
static json_t *form_tags(struct input *in)
{
	if (!in_has(in, "tags"))
		return NULL;
	const char *s = in_text(in, "tags", 0, 2000);
	json_t *a = json_array();
	while (s && *s) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		while (n && (*s == ' ' || *s == '\t'))
			s++, n--;
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n)
			json_array_append_new(a, json_stringn(s, n));
		s = comma ? comma + 1 : s + strlen(s);
	}
	return a;
}

static json_t *form_address(struct input *in)
{
	if (!in_has(in, "street") && !in_has(in, "city"))
		return NULL;
	const char *keys[] = {"street", "postal_code", "city", "country"};
	json_t *it = json_pack("{s:s}", "label", "");
	for (int i = 0; i < 4; i++) {
		const char *v = in_text(in, keys[i], 0, i == 1 ? 20 : 200);
		jx_set_str(it, keys[i], v ? v : "");
	}
	json_t *a = json_array();
	json_array_append_new(a, it);
	return a;
}

/* A JSON list given as is (the domain checks its shape); NULL when absent. */
static json_t *json_list(struct input *in, const char *field)
{
	json_t *v = json_object_get(in->src, field);
	if (!v)
		return NULL;
	if (!json_is_array(v)) {
		in_error(in, field, "error.list");
		return NULL;
	}
	return json_incref(v);
}

static void read_in(struct input *in, bool create, struct relation_in *r)
{
	memset(r, 0, sizeof(*r));
	r->parent_id = r->owner_id = -1;
	if (create)
		r->kind = in_enum(in, "kind", IN_REQUIRED, kinds);
	else /* a kind stays what it is; one sent anyway must still be a kind */
		in_enum(in, "kind", 0, kinds);
	r->type = in_enum(in, "type", 0, types);
	r->name = in_has(in, "name") ? in_text(in, "name", 0, 200) : NULL;
	r->given_name = in_has(in, "given_name") ? in_text(in, "given_name", 0, 100) : NULL;
	r->family_name = in_has(in, "family_name") ? in_text(in, "family_name", 0, 100) : NULL;
	r->job_title = in_has(in, "job_title") ? in_text(in, "job_title", 0, 100) : NULL;
	r->lang = in_enum(in, "lang", 0, api_langs);
	r->notes = in_has(in, "notes") ? in_text(in, "notes", IN_MULTILINE, 20000) : NULL;
	if (in_has(in, "parent_id"))
		r->parent_id = in_int(in, "parent_id", 0, 0, INT64_MAX, 0);
	if (in_has(in, "owner_id"))
		r->owner_id = in_int(in, "owner_id", 0, 0, INT64_MAX, 0);
	if (in->typed) {
		r->emails = json_list(in, "emails");
		r->phones = json_list(in, "phones");
		r->addresses = json_list(in, "addresses");
		r->tags = json_list(in, "tags");
		json_t *c = json_object_get(in->src, "custom");
		if (c && !json_is_object(c))
			in_error(in, "custom", "error.custom");
		else if (c)
			r->custom = json_incref(c);
		return;
	}
	/* the form's custom fields are custom_<name> */
	const char *k;
	json_t *v;
	json_object_foreach(in->src, k, v) {
		if (strncmp(k, "custom_", 7) || !json_is_string(v))
			continue;
		if (!r->custom)
			r->custom = json_object();
		const char *t = in_text(in, k, 0, 1000);
		json_object_set_new(r->custom, k + 7, json_string(t ? t : ""));
	}
	r->emails = form_item(in, "email", "value", "");
	json_t *phones = form_item(in, "phone", "value", "");
	json_t *mobile = form_item(in, "mobile", "value", "mobile");
	if (phones && mobile)
		json_array_extend(phones, mobile);
	r->phones = phones ? phones : json_incref(mobile);
	json_decref(mobile);
	r->addresses = form_address(in);
	r->tags = form_tags(in);
}

static void free_in(struct relation_in *r)
{
	json_decref(r->custom);
	json_decref(r->emails);
	json_decref(r->phones);
	json_decref(r->addresses);
	json_decref(r->tags);
}

/* The form's values from a stored relation. */
static json_t *values_of(json_t *rel)
{
	json_t *v = json_deep_copy(rel);
	json_t *e = json_array_get(json_object_get(rel, "emails"), 0);
	jx_set_str(v, "email", jx_str(e, "value") ? jx_str(e, "value") : "");
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(rel, "phones"), i, p) {
		const char *label = jx_str(p, "label");
		const char *key = label && !strcmp(label, "mobile") ? "mobile" : "phone";
		if (!jx_str(v, key))
			jx_set_str(v, key, jx_str(p, "value"));
	}
	json_t *a = json_array_get(json_object_get(rel, "addresses"), 0);
	const char *keys[] = {"street", "postal_code", "city", "country"};
	for (int k = 0; k < 4; k++)
		jx_set_str(v, keys[k], jx_str(a, keys[k]) ? jx_str(a, keys[k]) : "");
	struct buf tags;
	buf_init(&tags, 0);
	json_array_foreach(json_object_get(rel, "tags"), i, p)
		buf_printf(&tags, "%s%s", i ? ", " : "", json_string_value(p));
	jx_set_str(v, "tags", buf_str(&tags));
	buf_cleanup(&tags);
	return v;
}

int api_relations_create(struct req *req, struct resp *resp)
{
	struct input in;
	struct relation_in r = {0};
	int rc = input_begin(req, &in);
	if (rc)
		goto out;
	read_in(&in, true, &r);
	if (!input_ok(&in)) {
		rc = input_fail(&in, resp);
		form_options(req, resp_data(resp));
		goto out;
	}
	struct actor who = req_actor(req);
	int64_t id = 0;
	if ((rc = relation_create(req->db, &who, &r, &id, &req->err))) {
		rc = input_fail_domain(&in, resp, rc);
		form_options(req, resp_data(resp));
		goto out;
	}
	json_t *rel = NULL;
	if ((rc = relation_get(req->db, who.org_id, id, &rel)))
		goto out;
	resp_set_data(resp, rel);
	resp->status = 201;
	if (req->api)
		resp_header(resp, req, "Location",
			    arena_printf(&req->arena, "/api/v1/relations/%lld", (long long)id));
	resp_redirect(resp, req, arena_printf(&req->arena, "/relations/%lld", (long long)id),
		      "flash.relation_created");
out:
	free_in(&r);
	input_end(&in);
	return rc;
}

int api_relations_edit(struct req *req, struct resp *resp)
{
	int64_t id;
	int rc = rel_id(req, &id);
	json_t *rel = NULL;
	if (rc || (rc = relation_get(req->db, req->who.org_id, id, &rel)))
		return not_found(req, rc);
	json_t *d = resp_data(resp);
	json_object_set_new(d, "relation", rel);
	if (!json_object_get(d, "values"))
		json_object_set_new(d, "values", values_of(rel));
	return form_options(req, d);
}

int api_relations_update(struct req *req, struct resp *resp)
{
	struct input in;
	struct relation_in r = {0};
	int64_t id = 0;
	int rc = input_begin_id(req, &in, "id", &id, "error.relation_not_found");
	if (rc)
		goto out;
	read_in(&in, false, &r);
	if (!input_ok(&in)) {
		/* the form again, the values as sent; a relation that is not
		 * there (or another organisation's) is 404, as below */
		int shown = api_relations_edit(req, resp);
		rc = shown ? shown : input_fail(&in, resp);
		goto out;
	}
	struct actor who = req_actor(req);
	if ((rc = relation_update(req->db, &who, id, &r, &req->err))) {
		rc = input_fail_domain(&in, resp, not_found(req, rc));
		if (rc != BRUG_ENOTFOUND)
			api_relations_edit(req, resp);
		goto out;
	}
	json_t *rel = NULL;
	if ((rc = relation_get(req->db, who.org_id, id, &rel)))
		goto out;
	resp_set_data(resp, rel);
	resp_redirect(resp, req, arena_printf(&req->arena, "/relations/%lld", (long long)id),
		      "flash.saved");
out:
	free_in(&r);
	input_end(&in);
	return rc;
}

static int set_archived(struct req *req, struct resp *resp, bool archived)
{
	int64_t id;
	int rc = rel_id(req, &id);
	if (rc)
		return rc;
	struct actor who = req_actor(req);
	if ((rc = relation_archive(req->db, &who, id, archived, &req->err)))
		return not_found(req, rc);
	json_t *rel = NULL;
	if ((rc = relation_get(req->db, who.org_id, id, &rel)))
		return rc;
	resp_set_data(resp, rel);
	resp_redirect(resp, req, arena_printf(&req->arena, "/relations/%lld", (long long)id),
		      archived ? "flash.relation_archived" : "flash.relation_restored");
	return 0;
}

int api_relations_archive(struct req *req, struct resp *resp)
{
	return set_archived(req, resp, true);
}

int api_relations_restore(struct req *req, struct resp *resp)
{
	return set_archived(req, resp, false);
}

static const char *const channels[] = {"phone", "email",  "visit",     "video", "chat",
				       "letter", "social", "community", NULL};

/* The relation page: the relation, its timeline (filtered by channel and
 * employee), and for the page what the forms on it need. */
/* A relation merged into another: browsers go on to the survivor, API
 * clients get 404 with "merged_into". */
static int merged(struct req *req, struct resp *resp, int64_t id)
{
	int64_t into = 0;
	if (merge_target(req->db, req->who.org_id, id, &into))
		return not_found(req, BRUG_ENOTFOUND);
	if (!req->api) {
		resp_redirect(resp, req, arena_printf(&req->arena, "/relations/%lld", (long long)into),
			      NULL);
		return 0;
	}
	jx_set_int(resp_data(resp), "merged_into", into);
	return not_found(req, BRUG_ENOTFOUND);
}

int api_relations_show(struct req *req, struct resp *resp)
{
	int64_t id;
	int rc = rel_id(req, &id);
	json_t *rel = NULL, *tl = NULL;
	if (!rc && (rc = relation_get(req->db, req->who.org_id, id, &rel)) == BRUG_ENOTFOUND)
		return merged(req, resp, id);
	if (rc)
		return not_found(req, rc);
	struct timeline_filter f = {0};
	const char *ch = req_query(req, "channel");
	f.channel = index_of(ch, channels) >= 0 ? ch : NULL;
	f.user_id = req_query_int(req, "user_id", 0, 0, INT64_MAX);
	api_paging(req, &f.page.page, &f.page.per_page);
	if ((rc = timeline_list(req->db, req->who.org_id, id, &f, &tl))) {
		json_decref(rel);
		return rc;
	}
	json_t *d = resp_data(resp);
	json_object_update(d, rel);
	json_decref(rel);
	if (!req->api) {
		api_labels(req, json_object_get(tl, "items"), "channel", "interactions.channels");
		api_labels(req, json_object_get(tl, "items"), "direction", "interactions.directions");
		api_labels(req, json_object_get(tl, "items"), "status", "tasks.statuses");
		api_labels(req, json_object_get(tl, "items"), "case_status", "cases.statuses");
		size_t ti;
		json_t *it;
		json_array_foreach(json_object_get(tl, "items"), ti, it)
			jx_set_bool(it, "has_score", json_is_integer(json_object_get(it, "score")));
		api_labels(req, d, "type", "relations.types");
		api_labels(req, d, "kind", "relations.kinds");
		jx_set_bool(d, "is_person", !strcmp(jx_str(d, "kind"), "person"));
		api_pager(req, tl);
		jx_set_bool(tl, "has_items", json_array_size(json_object_get(tl, "items")) > 0);
		json_t *fv = json_object();
		jx_set_str(fv, "channel", f.channel ? f.channel : "");
		jx_set_int(fv, "user_id", f.user_id);
		json_object_set_new(d, "filter", fv);
		json_t *fields = NULL, *shown = json_array();
		if (!custom_field_list(req->db, req->who.org_id, &fields)) {
			size_t i;
			json_t *cf;
			json_array_foreach(fields, i, cf) {
				json_t *v = json_object_get(json_object_get(d, "custom"), jx_str(cf, "name"));
				if (!v)
					continue;
				char *text = json_is_string(v) ? xstrdup(json_string_value(v))
							       : json_dumps(v, JSON_ENCODE_ANY);
				json_array_append_new(shown, json_pack("{s:O,s:s}", "label",
								       json_object_get(cf, "label"),
								       "value", text ? text : ""));
				free(text);
			}
			json_decref(fields);
		}
		json_object_set_new(d, "custom_list", shown);
		json_t *opts = json_array();
		for (int i = 0; channels[i]; i++) {
			json_t *o = json_pack("{s:s}", "value", channels[i]);
			if (f.channel && !strcmp(f.channel, channels[i]))
				jx_set_bool(o, "is_selected", true);
			json_array_append_new(opts, o);
		}
		api_labels(req, opts, "value", "interactions.channels");
		json_object_set_new(d, "channel_options", opts);
		json_t *users = NULL;
		struct user_filter uf = {.status = 1, .per_page = 200, .page = 1};
		if (!user_list(req->db, req->who.org_id, &uf, &users)) {
			json_t *items = json_object_get(users, "items"), *copy = json_deep_copy(items);
			api_mark_selected(copy, fv, "user_id");
			json_object_set_new(d, "filter_users", copy);
			size_t i;
			json_t *u;
			json_array_foreach(items, i, u)
				jx_set_bool(u, "is_me", jx_int(u, "id", 0) == req->who.user_id);
			json_object_set(d, "users", items);
			json_decref(users);
		}
	}
	json_object_set_new(d, "timeline", tl);
	return 0;
}

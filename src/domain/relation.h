/* SPDX-License-Identifier: Apache-2.0 */
/* Relations: the organisations and people an organisation deals with
 * (customers, prospects, suppliers, partners), with their email addresses,
 * phone numbers, postal addresses, tags, owner and notes. A person may
 * belong to an organisation with a job title. Archiving hides a relation
 * from lists without losing its history. No HTTP here. */
#ifndef BRUG_DOMAIN_RELATION_H
#define BRUG_DOMAIN_RELATION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/rc.h"
#include "db/db.h"
#include "domain/listing.h"
#include "domain/principal.h"
#include "util/buf.h"

/* What a create or update sets. For an update, NULL (or -1 for the ids)
 * leaves a value unchanged; for a create NULL means the default.
 * emails and phones: arrays of {"value", "label"}; addresses: arrays of
 * {"street", "postal_code", "city", "country", "label"}; tags: an array of
 * names (created when new). The arrays replace what the relation had.
 * custom: an object of custom field name -> value (custom_field.h); the
 * fields it names are set, "" or null clears one, others stay. */
struct relation_in {
	const char *kind; /* "organisation" or "person"; fixed after create */
	const char *type; /* customer, prospect, supplier, partner */
	const char *name; /* an organisation's name; a person's full name */
	const char *given_name, *family_name;
	const char *job_title;
	const char *lang; /* "nl" or "en" */
	const char *notes;
	int64_t parent_id; /* a person's organisation; 0 none, -1 unchanged */
	int64_t owner_id;  /* the account manager (a user); 0 none, -1 unchanged */
	json_t *emails, *phones, *addresses, *tags;
	json_t *custom;
};

/* Checks and stores a new relation; fields that fail are named in err
 * (BRUG_EVALIDATION), the parent and owner must be this organisation's
 * (else BRUG_EVALIDATION on parent_id / owner_id). Audited. */
int relation_create(struct db *db, const struct actor *who, const struct relation_in *in,
		    int64_t *id, struct brug_err *err);
/* Changes what in sets. BRUG_ENOTFOUND for another organisation's id. */
int relation_update(struct db *db, const struct actor *who, int64_t id,
		    const struct relation_in *in, struct brug_err *err);
/* Archives (archived true) or restores a relation. */
int relation_archive(struct db *db, const struct actor *who, int64_t id, bool archived,
		     struct brug_err *err);

/* One relation with its contact points, tags, owner and parent, and for an
 * organisation its people (new reference). */
int relation_get(struct db *db, int64_t org, int64_t id, json_t **out);
/* The kind ("organisation"/"person") of a relation of org, for checks by
 * other modules; BRUG_ENOTFOUND when it is not org's. */
int relation_kind(struct db *db, int64_t org, int64_t id, char kind[16]);

enum relation_status { REL_ACTIVE = 0, REL_ARCHIVED = 1, REL_ANY = 2 };
enum relation_sort { REL_SORT_NAME = 0, REL_SORT_CREATED, REL_SORT_UPDATED };

struct relation_filter {
	const char *kind;    /* NULL: both */
	const char *type;    /* NULL: all */
	const char *tag;     /* a tag name; NULL: any */
	int64_t owner_id;    /* 0: anyone's */
	int64_t parent_id;   /* 0: any; the people of one organisation */
	enum relation_status status;
	enum relation_sort sort;
	bool desc;
	struct listing page;
};

/* Appends to sql " FROM relations r WHERE ..." selecting org's relations
 * (not erased) that pass f's status, kind, type, owner, parent and tag
 * (tag_key: relation_sort_key of f->tag, or NULL), and its arguments to
 * args (room for RELATION_WHERE_ARGS); returns how many. The list and the
 * exports select with it, so an export of a list holds what it shows. */
#define RELATION_WHERE_ARGS 6
size_t relation_where(struct buf *sql, struct db_arg *args, int64_t org,
		      const struct relation_filter *f, const char *tag_key);

/* A page of relations (listing.h shape), each with its first email address
 * and phone number, its organisation's name and its owner's name. */
int relation_list(struct db *db, int64_t org, const struct relation_filter *f, json_t **out);

/* The organisation's tags by name, with how many relations carry each. */
int relation_tags(struct db *db, int64_t org, json_t **out);

/* The key relations sort on: the name folded (case and accents ignored),
 * so "Ärzte" sorts with "arts" on both backends. Caller frees. */
char *relation_sort_key(const char *name);

#endif

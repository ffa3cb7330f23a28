/* SPDX-License-Identifier: Apache-2.0 */
/* Inside domain/import: what the files of the import share. The column
 * mapping and the row rules (import_map.c, import_row.c) are pure and have
 * unit tests; a small string-keyed table (import_keys.c); the SQL of a
 * relations batch (import_write.c). Not for use outside src/domain/import*.
 * Nothing here is thread-safe: one import, one owner. */
#ifndef BRUG_DOMAIN_IMPORT_IMPL_H
#define BRUG_DOMAIN_IMPORT_IMPL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/import.h"
#include "util/arena.h"
#include "util/contactinfo.h"
#include "util/csv.h"

struct textfold_terms;

/* What a column can hold. */
enum import_field {
	IMF_NONE = 0,
	IMF_ORGANISATION, /* an organisation's name (a person's organisation) */
	IMF_PERSON_NAME,  /* a person's full name */
	IMF_GIVEN_NAME,
	IMF_INFIX, /* tussenvoegsel: "de", "van der", before the family name */
	IMF_FAMILY_NAME,
	IMF_EMAIL,
	IMF_PHONE,
	IMF_MOBILE,
	IMF_STREET,
	IMF_HOUSE_NUMBER, /* appended to the street */
	IMF_POSTAL_CODE,
	IMF_CITY,
	IMF_COUNTRY,
	IMF_JOB_TITLE,
	IMF_TYPE,
	IMF_TAGS,
	IMF_NOTES,
	IMF_LANG,
	IMF_OWNER, /* a user by email address or name */
	IMF_COUNT
};

/* The field's name in mappings and reports ("email"); "" for IMF_NONE. */
const char *import_field_name(enum import_field f);
/* The field called name ("email", "given_name"; "" and "ignore" are
 * IMF_NONE); -1 when there is none. */
int import_field_by_name(const char *name);
/* The field a column header names, in Dutch or English, case, accents,
 * spaces and punctuation ignored ("E-mailadres", "e_mail", "E-mail 1 -
 * Value" are all IMF_EMAIL); IMF_NONE when unknown. *generic (may be NULL)
 * tells a bare "naam"/"name", which names the organisation unless the file
 * has an organisation column too (then it is the person's full name). */
enum import_field import_field_of_header(const char *h, size_t n, bool *generic);

/* Custom fields an import reads, at most (more are left out). */
#define IMPORT_CUSTOM_MAX 64

/* Which column holds which field. */
struct import_map {
	size_t ncol;           /* columns in the header */
	int col[IMF_COUNT];    /* the column of each field, -1 when none */
	const json_t *custom;  /* the organisation's custom fields (borrowed), or NULL */
	size_t ncustom;        /* how many of them are read (<= IMPORT_CUSTOM_MAX) */
	int custom_col[IMPORT_CUSTOM_MAX]; /* the column of each, -1 when none */
	json_t *columns;       /* [{"column","index","field"}] for the report; a
				  custom field's is "custom:NAME", with "custom_label" */
	json_t *ignored;       /* [header texts] no field was found for */
};

/* Maps the header's n fields: each header to its field, or else to a
 * custom field of custom (custom_field_list's array, may be NULL) whose
 * name or label it is (folded alike); the first column of a field wins (a
 * later one is ignored), then explicit ({"header": "field"}, headers
 * matched as written or folded; a custom field as "custom:NAME")
 * overrides. Fails with
 * BRUG_EVALIDATION ("import.error_file", reason in detail) for an explicit
 * mapping that is not an object of strings, names an unknown field or a
 * column the file lacks, and for a header in which no column is known.
 * The caller cleans m up with import_map_cleanup, also on failure. */
int import_map_build(const struct csvx_field *hdr, size_t n, const json_t *explicit,
		     const json_t *custom, struct import_map *m, struct brug_err *err);
void import_map_cleanup(struct import_map *m);

/* The organisation's users, for the account manager column. */
struct import_user {
	int64_t id;
	char *email;    /* lower case */
	char *name_key; /* folded */
};
struct import_users {
	struct import_user *v;
	size_t n;
};
void import_users_cleanup(struct import_users *u);

#define IMPORT_TAGS_MAX 50

/* One data row, checked. Strings live in the arena the row was read into;
 * NULL for what the row leaves empty. */
struct import_row {
	size_t line;
	bool person;
	const char *name;          /* the relation's name (a person's full name) */
	const char *given, *family; /* a person's parts; family with its infix */
	const char *org;           /* a person's organisation */
	const char *email, *phone, *mobile;
	char email_norm[256];
	char phone_norm[PHONE_NORM_MAX], mobile_norm[PHONE_NORM_MAX];
	const char *street, *postal_code, *city, *country;
	bool has_address;
	const char *job_title, *type, *lang, *notes;
	int64_t owner_id; /* 0: none given */
	const char *tags[IMPORT_TAGS_MAX];
	size_t ntags;
	/* each custom field's value in stored form (map->custom's order);
	   NULL where the file has no column or the row leaves it empty */
	const char *custom[IMPORT_CUSTOM_MAX];
	const char *name_key; /* relation_sort_key of name */
	const char *org_key;  /* of org; "" for none */
	/* why a row is rejected (code NULL when it is not) */
	const char *code;  /* ragged, no_name, email, phone, type, lang, too_long, owner, text, tags,
			      custom */
	const char *field; /* the field it is about, or NULL */
	const char *value; /* the value, shortened, or NULL */
	char reason[256];  /* in English, without the line */
	size_t fields, expected; /* ragged: the row's fields and how many are expected */
	json_t *preview;   /* its entry among the report's first rows, or NULL */
};

/* Reads record rec (of a file mapped by m) into row, its strings in a.
 * True when the row is valid; false with row->code and row->reason set.
 * A row of only empty fields is neither: *blank is set and it returns
 * false with code NULL. */
bool import_row_read(const struct import_map *m, const struct csvx_record *rec,
		     const struct import_users *users, struct arena *a, struct import_row *row,
		     bool *blank);
/* Fills row's rejection (code, field, value, reason in English from fmt). */
void import_row_reject(struct import_row *row, const char *code, const char *field,
		       const char *value, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A table from strings to integers, its keys copied. Lookups see the first
 * value put for a key. */
struct import_keys {
	struct import_key *e;
	size_t cap, n;
	struct arena arena;
};
void import_keys_init(struct import_keys *k);
void import_keys_cleanup(struct import_keys *k);
/* Empties the table, keeping its slots. */
void import_keys_clear(struct import_keys *k);
bool import_keys_get(const struct import_keys *k, const char *key, int64_t *v);
/* Puts key -> v unless key is there already; false when it was. */
bool import_keys_put(struct import_keys *k, const char *key, int64_t v);
/* Puts key -> v, or lowers the value there to v. */
void import_keys_min(struct import_keys *k, const char *key, int64_t v);

/* The report's common part. */
json_t *import_report_new(const char *kind, const char *charset, char delim,
			  const struct import_opts *o);
/* A rejected row as the report lists it: line, code, field, value, reason
 * (and fields and expected for a ragged row). New reference. */
json_t *import_reject_json(const struct import_row *row);
/* Adds a rejected row to the report (up to IMPORT_REJECTED_MAX listed). */
void import_report_reject(json_t *report, const struct import_row *row);

/* Rows gathered for one multi-row INSERT ("head (?, ...), (?, ...) tail"),
 * written when the next would pass DB_ARGS_MAX arguments. Text arguments
 * are borrowed until then; import_ins_text copies one that would not live
 * so long. With tail " RETURNING id", ids[] gets the new ids in row order. */
struct import_ins {
	struct db *db;
	const char *head, *tail;
	size_t ncol;
	struct db_arg args[DB_ARGS_MAX];
	size_t rows;
	struct arena copies;
	int64_t *ids;
	size_t nids;
	int rc; /* the first failure; later calls do nothing */
};
void import_ins_init(struct import_ins *s, struct db *db, const char *head, const char *tail,
		     size_t ncol);
/* Adds one row of ncol arguments; returns the first failure so far. */
int import_ins_row(struct import_ins *s, const struct db_arg *row);
const char *import_ins_text(struct import_ins *s, const char *t);
int import_ins_flush(struct import_ins *s);
/* Flushes and frees; ids are gone afterwards. */
int import_ins_done(struct import_ins *s);

/* The ids of the objects of one kind an import created, for the search
 * index: indexed at the end of the import's transaction when they are few
 * (SEARCH_INLINE_MAX), else recorded in the search backlog and indexed by a
 * "search.backlog" job (and by brug import itself) after it commits. */
struct import_span {
	const char *kind; /* "relation", "interaction" */
	int64_t first, last;
	size_t n;
};
void import_span_add(struct import_span *s, int64_t id);
/* Indexes or queues the span, inside the import's transaction; *pending
 * whether it went to the backlog. */
int import_span_index(struct db *db, int64_t org, const struct import_span *s, bool *pending);

/* Rows in a batch: the lookups bind one value per row and kind of key, and
 * a statement takes at most DB_ARGS_MAX arguments. */
#define IMPORT_BATCH 200

/* A relation to create in the current batch. */
struct import_new {
	const struct import_row *row; /* NULL: an organisation made for people */
	const char *name, *name_key, *type;
	int64_t owner_id;
	bool person;
	int parent;        /* a person's organisation: a slot in the batch, or -1 */
	int64_t parent_id; /* or an existing one (0: none) */
	int64_t id;        /* once written */
};

/* Existing relations that a batch's keys match, from the database. */
int import_lookup(struct db *db, int64_t org, struct import_row *const *rows, size_t n,
		  struct import_keys *found);
/* Writes creates[from..n): organisations first (so people get their ids),
 * then people, their contact points and tags; their search terms go to
 * terms. tags: the import's tag ids by sort key, filled as tags are made. */
int import_write_new(struct db *db, int64_t org, struct import_new *creates, size_t from,
		     size_t n, const json_t *custom, struct import_keys *tags,
		     struct import_span *made);
/* Changes relation id with what row has: fields the row fills are set,
 * email addresses, phone numbers and an address it lacks are added, tags
 * added, the custom values the row has set (custom: the map's fields);
 * parent_id > 0 sets the organisation. Reindexes it for search. */
int import_write_update(struct db *db, int64_t org, int64_t id, const struct import_row *row,
			int64_t parent_id, const json_t *custom, struct import_keys *tags);
/* The keys of duplicates: "e:<kind>:<email>", "t:<kind>:<digits>",
 * "n:o:<name key>" for an organisation, "n:p:<organisation key>\x1f<name
 * key>" for a person. Written into out (at least IMPORT_KEY_MAX bytes). */
#define IMPORT_KEY_MAX 600
void import_key_email(char *out, bool person, const char *norm);
void import_key_phone(char *out, bool person, const char *norm);
void import_key_name(char *out, bool person, const char *org_key, const char *name_key);

#endif

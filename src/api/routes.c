/* SPDX-License-Identifier: Apache-2.0 */
/* The route table; see routes.h. Order matters only among patterns that
 * could match the same path: the literal one comes first (/users/new before
 * /users/{id}). */
#include "api/routes.h"

#include "api/handlers.h"

#define KIB 1024u
#define MIB (1024u * 1024u)

/* method, pattern, handler, flags, least role, body cap, view, summary */
const struct route routes[] = {
	/* operations */
	{"GET", "/healthz", api_ops_healthz, R_ROOT | R_PUBLIC | R_NOLOG, 0, 0, NULL,
	 "Liveness: the process answers"},
	{"GET", "/readyz", api_ops_readyz, R_ROOT | R_PUBLIC | R_NOLOG, 0, 0, NULL,
	 "Readiness: the database answers and the server is not draining"},
	{"GET", "/metrics", api_ops_metrics, R_ROOT | R_PUBLIC | R_NOLOG, 0, 0, NULL,
	 "Prometheus metrics"},
	{"GET", "/static/{*path}", api_assets_get, R_ROOT | R_PUBLIC | R_NOLOG, 0, 0, NULL,
	 "Stylesheets, scripts and images"},
	{"GET", "/favicon.ico", api_assets_get, R_ROOT | R_PUBLIC | R_NOLOG, 0, 0, NULL,
	 "The site icon"},
	{"GET", "/openapi.json", api_assets_openapi, R_API | R_PUBLIC, 0, 0, NULL,
	 "This API described in OpenAPI 3.1"},

	/* signing in */
	{"GET", "/login", api_session_form, R_PAGE | R_PUBLIC, 0, 0, "login", "Sign-in form"},
	{"POST", "/login", api_session_create, R_PAGE | R_PUBLIC, 0, 16 * KIB, "login", "Sign in"},
	{"POST", "/logout", api_session_delete, R_PAGE, ROLE_EMPLOYEE, 16 * KIB, NULL, "Sign out"},
	{"POST", "/lang", api_session_lang, R_PAGE | R_PUBLIC, 0, 16 * KIB, NULL,
	 "Switch the interface language"},

	/* the signed-in user */
	{"GET", "/", api_home_show, R_PAGE, ROLE_EMPLOYEE, 0, "home", "Start page"},
	{"GET", "/me", api_me_show, 0, ROLE_EMPLOYEE, 0, "me", "The signed-in user"},
	{"PATCH", "/me", api_me_update, R_API, ROLE_EMPLOYEE, 0, NULL, "Change own name or language"},
	{"POST", "/me", api_me_update, R_PAGE, ROLE_EMPLOYEE, 0, "me", "Change own name or language"},
	{"POST", "/me/password", api_me_password, 0, ROLE_EMPLOYEE, 16 * KIB, "me",
	 "Change own password"},

	/* users */
	{"GET", "/users", api_users_list, 0, ROLE_EMPLOYEE, 0, "users", "List users"},
	{"GET", "/users/new", api_users_new, R_PAGE, ROLE_ADMIN, 0, "user_new", "New-user form"},
	{"POST", "/users", api_users_create, 0, ROLE_ADMIN, 0, "user_new", "Create a user"},
	{"GET", "/users/{id}", api_users_show, 0, ROLE_EMPLOYEE, 0, "user", "One user"},
	{"GET", "/users/{id}/edit", api_users_edit, R_PAGE, ROLE_ADMIN, 0, "user_edit",
	 "Edit-user form"},
	{"PATCH", "/users/{id}", api_users_update, R_API, ROLE_ADMIN, 0, NULL, "Change a user"},
	{"POST", "/users/{id}", api_users_update, R_PAGE, ROLE_ADMIN, 0, "user_edit",
	 "Change a user"},
	{"POST", "/users/{id}/password", api_users_password, 0, ROLE_ADMIN, 16 * KIB, "user_edit",
	 "Set a user's password"},

	/* teams */
	{"GET", "/teams", api_teams_list, 0, ROLE_EMPLOYEE, 0, "teams", "List teams"},
	{"GET", "/teams/new", api_teams_new, R_PAGE, ROLE_MANAGER, 0, "team_new", "New-team form"},
	{"POST", "/teams", api_teams_create, 0, ROLE_MANAGER, 0, "team_new", "Create a team"},
	{"GET", "/teams/{id}", api_teams_show, 0, ROLE_EMPLOYEE, 0, "team", "One team and its members"},
	{"GET", "/teams/{id}/edit", api_teams_edit, R_PAGE, ROLE_MANAGER, 0, "team_edit",
	 "Edit-team form"},
	{"PATCH", "/teams/{id}", api_teams_update, R_API, ROLE_MANAGER, 0, NULL, "Change a team"},
	{"POST", "/teams/{id}", api_teams_update, R_PAGE, ROLE_MANAGER, 0, "team_edit",
	 "Change a team"},
	{"DELETE", "/teams/{id}", api_teams_delete, R_API, ROLE_MANAGER, 0, NULL, "Delete a team"},
	{"POST", "/teams/{id}/delete", api_teams_delete, R_PAGE, ROLE_MANAGER, 0, NULL,
	 "Delete a team"},
	{"POST", "/teams/{id}/members", api_teams_member_add, 0, ROLE_MANAGER, 0, "team",
	 "Add a member or change whether they lead"},
	{"DELETE", "/teams/{id}/members/{user_id}", api_teams_member_remove, R_API, ROLE_MANAGER, 0,
	 NULL, "Remove a member"},
	{"POST", "/teams/{id}/members/{user_id}/delete", api_teams_member_remove, R_PAGE,
	 ROLE_MANAGER, 0, NULL, "Remove a member"},

	/* API tokens */
	{"GET", "/tokens", api_tokens_list, 0, ROLE_EMPLOYEE, 0, "tokens", "List API tokens"},
	{"POST", "/tokens", api_tokens_create, 0, ROLE_EMPLOYEE, 0, "tokens",
	 "Create an API token (its secret is shown once)"},
	{"DELETE", "/tokens/{id}", api_tokens_revoke, R_API, ROLE_EMPLOYEE, 0, NULL,
	 "Revoke an API token"},
	{"POST", "/tokens/{id}/revoke", api_tokens_revoke, R_PAGE, ROLE_EMPLOYEE, 0, NULL,
	 "Revoke an API token"},

	/* imports (before relations and interactions: /relations/import is not
	 * /relations/{id}) */
	{"GET", "/relations/import", api_import_form, R_PAGE, ROLE_EMPLOYEE, 0, "import_form",
	 "Import relations: upload a CSV file"},
	{"POST", "/relations/import", api_import_relations, R_UPLOAD | R_RAW, ROLE_EMPLOYEE,
	 50 * MIB, "import_preview", "Import relations from CSV (a browser gets a preview)"},
	{"POST", "/relations/import/{id}/confirm", api_import_confirm, R_PAGE, ROLE_EMPLOYEE,
	 16 * KIB, "import_preview", "Run a previewed relations import"},
	{"GET", "/interactions/import", api_import_form, R_PAGE, ROLE_EMPLOYEE, 0, "import_form",
	 "Import calls: upload an Asterisk call log"},
	{"POST", "/interactions/import-cdr", api_import_cdr, R_UPLOAD | R_RAW, ROLE_EMPLOYEE,
	 50 * MIB, "import_preview", "Import calls from an Asterisk CDR file (a browser gets a preview)"},
	{"POST", "/interactions/import/{id}/confirm", api_import_confirm, R_PAGE, ROLE_EMPLOYEE,
	 16 * KIB, "import_preview", "Run a previewed call import"},

	/* relations */
	{"GET", "/relations", api_relations_list, 0, ROLE_EMPLOYEE, 0, "relations",
	 "List relations (filter by kind, type, tag, owner, status; sort)"},
	{"GET", "/relations/new", api_relations_new, R_PAGE, ROLE_EMPLOYEE, 0, "relation_new",
	 "New-relation form"},
	{"POST", "/relations", api_relations_create, 0, ROLE_EMPLOYEE, 0, "relation_new",
	 "Create a relation"},
	/* likely duplicates, merge, privacy export and erasure (before
	 * /relations/{id}, which would take /relations/duplicates) */
	{"GET", "/relations/duplicates", api_duplicates_list, 0, ROLE_MANAGER, 0, "duplicates",
	 "Likely duplicate relations in pairs, with reasons and a score"},
	{"POST", "/relations/{id}/merge", api_relations_merge, 0, ROLE_MANAGER, 16 * KIB, NULL,
	 "Merge another relation into this one"},
	{"POST", "/relations/{id}/not-duplicate", api_relations_not_duplicate, 0, ROLE_MANAGER,
	 16 * KIB, NULL, "Mark two relations as not duplicates"},
	{"GET", "/relations/{id}/privacy-export", api_privacy_export, 0, ROLE_MANAGER, 0, NULL,
	 "Everything held about a person, as a JSON download"},
	{"GET", "/relations/{id}/erase", api_privacy_erase_form, R_PAGE, ROLE_MANAGER, 0,
	 "relation_erase", "Confirm the erasure of a person"},
	{"POST", "/relations/{id}/erase", api_privacy_erase, 0, ROLE_MANAGER, 16 * KIB,
	 "relation_erase", "Erase a person everywhere"},
	/* relation exports and the vCard import (before /relations/{id}) */
	{"GET", "/relations/export", api_relations_export, 0, ROLE_EMPLOYEE, 0, NULL,
	 "Download relations as CSV, JSON or vCard: ids, or the list's filters, or all"},
	{"GET", "/relations/{id}/vcard", api_relations_vcard, 0, ROLE_EMPLOYEE, 0, NULL,
	 "Download one relation as a vCard 4.0"},
	{"GET", "/relations/import-vcard", api_relations_import_vcard_form, R_PAGE, ROLE_EMPLOYEE,
	 0, "relation_import_vcard", "vCard import form"},
	{"POST", "/relations/import-vcard", api_relations_import_vcard, R_UPLOAD | R_RAW, ROLE_EMPLOYEE,
	 20 * MIB, "relation_import_vcard",
	 "Import relations from a vCard file (a preview with dry_run, then confirm)"},
	{"GET", "/relations/{id}", api_relations_show, 0, ROLE_EMPLOYEE, 0, "relation",
	 "One relation with its timeline"},
	{"GET", "/relations/{id}/edit", api_relations_edit, R_PAGE, ROLE_EMPLOYEE, 0,
	 "relation_edit", "Edit-relation form"},
	{"PATCH", "/relations/{id}", api_relations_update, R_API, ROLE_EMPLOYEE, 0, NULL,
	 "Change a relation"},
	{"POST", "/relations/{id}", api_relations_update, R_PAGE, ROLE_EMPLOYEE, 0, "relation_edit",
	 "Change a relation"},
	{"POST", "/relations/{id}/archive", api_relations_archive, 0, ROLE_EMPLOYEE, 16 * KIB, NULL,
	 "Archive a relation"},
	{"POST", "/relations/{id}/restore", api_relations_restore, 0, ROLE_EMPLOYEE, 16 * KIB, NULL,
	 "Restore an archived relation"},

	/* interactions */
	{"GET", "/interactions", api_interactions_list, 0, ROLE_EMPLOYEE, 0, "interactions",
	 "List interactions (filter by relation, employee, role, channel, outcome, period)"},
	{"GET", "/interactions/new", api_interactions_new, R_PAGE, ROLE_EMPLOYEE, 0,
	 "interaction_new", "Log-an-interaction form"},
	{"POST", "/interactions", api_interactions_create, 0, ROLE_EMPLOYEE, 0, "interaction_new",
	 "Log an interaction"},
	{"GET", "/interactions/{id}", api_interactions_show, 0, ROLE_EMPLOYEE, 0, "interaction",
	 "One interaction"},
	{"GET", "/interactions/{id}/edit", api_interactions_edit, R_PAGE, ROLE_EMPLOYEE, 0,
	 "interaction_edit", "Edit-interaction form"},
	{"PATCH", "/interactions/{id}", api_interactions_update, R_API, ROLE_EMPLOYEE, 0, NULL,
	 "Change an interaction"},
	{"POST", "/interactions/{id}", api_interactions_update, R_PAGE, ROLE_EMPLOYEE, 0,
	 "interaction_edit", "Change an interaction"},
	{"GET", "/interaction-roles", api_interaction_roles_list, R_API, ROLE_EMPLOYEE, 0, NULL,
	 "The roles in which employees handle interactions"},
	{"POST", "/interaction-roles", api_interaction_roles_create, 0, ROLE_ADMIN, 16 * KIB,
	 "settings_crm", "Add a role"},
	{"GET", "/settings/crm", api_crm_settings_show, R_PAGE, ROLE_ADMIN, 0, "settings_crm",
	 "Roles and custom fields"},
	{"GET", "/custom-fields", api_custom_fields_list, R_API, ROLE_EMPLOYEE, 0, NULL,
	 "The custom fields of relations"},
	{"POST", "/custom-fields", api_custom_fields_create, 0, ROLE_ADMIN, 16 * KIB, "settings_crm",
	 "Add a custom field"},
	{"DELETE", "/custom-fields/{id}", api_custom_fields_delete, R_API, ROLE_ADMIN, 0, NULL,
	 "Remove a custom field and its values"},
	{"POST", "/custom-fields/{id}/delete", api_custom_fields_delete, R_PAGE, ROLE_ADMIN, 16 * KIB,
	 NULL, "Remove a custom field and its values"},

	/* tasks */
	{"GET", "/tasks", api_tasks_list, 0, ROLE_EMPLOYEE, 0, "tasks",
	 "Tasks: my open ones by default, overdue first"},
	{"POST", "/tasks", api_tasks_create, 0, ROLE_EMPLOYEE, 0, "tasks", "Create a task"},
	{"GET", "/tasks/{id}", api_tasks_show, 0, ROLE_EMPLOYEE, 0, "task", "One task"},
	{"PATCH", "/tasks/{id}", api_tasks_update, R_API, ROLE_EMPLOYEE, 0, NULL, "Change a task"},
	{"POST", "/tasks/{id}", api_tasks_update, R_PAGE, ROLE_EMPLOYEE, 0, "task",
	 "Change a task"},
	{"POST", "/tasks/{id}/done", api_tasks_done, 0, ROLE_EMPLOYEE, 16 * KIB, NULL,
	 "Mark a task done"},

	/* surveys (issue 5: made and edited here; sent and answered later) */
	{"GET", "/surveys", api_surveys_list, 0, ROLE_MANAGER, 0, "surveys",
	 "List surveys (filter by status)"},
	{"GET", "/surveys/new", api_surveys_new, R_PAGE, ROLE_MANAGER, 0, "survey_new",
	 "New-survey form: a template or empty"},
	{"POST", "/surveys", api_surveys_create, 0, ROLE_MANAGER, 0, "survey_new",
	 "Create a survey, empty or from a template"},
	{"GET", "/surveys/{id}", api_surveys_show, 0, ROLE_MANAGER, 0, "survey",
	 "One survey with its questions"},
	{"PATCH", "/surveys/{id}", api_surveys_update, R_API, ROLE_MANAGER, 0, NULL,
	 "Change a survey or its status"},
	{"POST", "/surveys/{id}", api_surveys_update, R_PAGE, ROLE_MANAGER, 0, "survey",
	 "Change a survey or its status"},
	{"POST", "/surveys/{id}/questions", api_survey_questions_create, 0, ROLE_MANAGER, 0, "survey",
	 "Add a question to a survey"},
	{"PATCH", "/surveys/{id}/questions/{qid}", api_survey_questions_update, R_API, ROLE_MANAGER,
	 0, NULL, "Change a survey question"},
	{"POST", "/surveys/{id}/questions/{qid}", api_survey_questions_update, R_PAGE, ROLE_MANAGER,
	 0, "survey", "Change a survey question"},
	{"DELETE", "/surveys/{id}/questions/{qid}", api_survey_questions_delete, R_API,
	 ROLE_MANAGER, 0, NULL, "Delete a question of a draft, or retire one of an active survey"},
	{"POST", "/surveys/{id}/questions/{qid}/delete", api_survey_questions_delete, R_PAGE,
	 ROLE_MANAGER, 16 * KIB, "survey",
	 "Delete a question of a draft, or retire one of an active survey"},
	{"POST", "/surveys/{id}/questions/{qid}/move", api_survey_questions_move, 0, ROLE_MANAGER,
	 16 * KIB, "survey", "Move a survey question up or down"},

	/* survey results (issue 5): a survey's for managers, the organisation's
	 * dashboard (aggregates only) for everyone */
	{"GET", "/surveys/{id}/results", api_survey_results, 0, ROLE_MANAGER, 0, "survey_results",
	 "A survey's results: scores with 95% intervals, trend, breakdown, themes"},
	{"GET", "/surveys/{id}/answers.csv", api_survey_answers_csv, 0, ROLE_MANAGER, 0, NULL,
	 "Download a survey's answers as CSV, one row per invitation"},
	{"GET", "/surveys/{id}/answers.xlsx", api_survey_answers_xlsx, 0, ROLE_MANAGER, 0, NULL,
	 "Download a survey's answers as an Excel workbook, one row per invitation"},
	{"GET", "/surveys/{id}/answers", api_survey_answers, 0, ROLE_MANAGER, 0, "survey_answers",
	 "A survey's open answers, by theme and score group, newest first"},
	{"GET", "/results", api_results_org, 0, ROLE_EMPLOYEE, 0, "results",
	 "The organisation's NPS over every survey: trend, by survey, by team"},

	/* search */
	{"GET", "/search", api_search, 0, ROLE_EMPLOYEE, 0, "search",
	 "Search relations, people and interactions"},

	/* administration */
	{"GET", "/audit", api_audit_list, 0, ROLE_ADMIN, 0, "audit", "The audit log"},
	{"GET", "/jobs", api_jobs_list, 0, ROLE_ADMIN, 0, "jobs",
	 "Background jobs by state, with the schedules"},
	{"POST", "/jobs/probe", api_jobs_probe, 0, ROLE_ADMIN, 16 * KIB, "jobs",
	 "Queue a probe job that shows the queue works"},
	{"POST", "/jobs/{id}/retry", api_jobs_retry, 0, ROLE_ADMIN, 16 * KIB, NULL,
	 "Queue a failed job again"},
	{"GET", "/settings", api_org_show, 0, ROLE_ADMIN, 0, "settings", "Organisation settings"},
	{"PATCH", "/settings", api_org_update, R_API, ROLE_ADMIN, 0, NULL,
	 "Change organisation settings"},
	{"POST", "/settings", api_org_update, R_PAGE, ROLE_ADMIN, 0, "settings",
	 "Change organisation settings"},
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);

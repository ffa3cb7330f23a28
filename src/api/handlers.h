/* SPDX-License-Identifier: Apache-2.0 */
/* Every handler in the route table (api/routes.c), one group per file in
 * src/api/. A handler reads its input, calls the domain, and fills the
 * response: data, a view, a status, a redirect. It never writes SQL and
 * never renders. */
#ifndef BRUG_API_HANDLERS_H
#define BRUG_API_HANDLERS_H

#include "http/req.h"

/* ops.c */
int api_ops_healthz(struct req *req, struct resp *resp);
int api_ops_readyz(struct req *req, struct resp *resp);
int api_ops_metrics(struct req *req, struct resp *resp);
/* assets.c */
int api_assets_get(struct req *req, struct resp *resp);
int api_assets_openapi(struct req *req, struct resp *resp);
/* session.c */
int api_session_form(struct req *req, struct resp *resp);
int api_session_create(struct req *req, struct resp *resp);
int api_session_delete(struct req *req, struct resp *resp);
int api_session_lang(struct req *req, struct resp *resp);
/* home.c */
int api_home_show(struct req *req, struct resp *resp);
/* me.c */
int api_me_show(struct req *req, struct resp *resp);
int api_me_update(struct req *req, struct resp *resp);
int api_me_password(struct req *req, struct resp *resp);
/* users.c */
int api_users_list(struct req *req, struct resp *resp);
int api_users_new(struct req *req, struct resp *resp);
int api_users_create(struct req *req, struct resp *resp);
int api_users_show(struct req *req, struct resp *resp);
int api_users_edit(struct req *req, struct resp *resp);
int api_users_update(struct req *req, struct resp *resp);
int api_users_password(struct req *req, struct resp *resp);
/* teams.c */
int api_teams_list(struct req *req, struct resp *resp);
int api_teams_new(struct req *req, struct resp *resp);
int api_teams_create(struct req *req, struct resp *resp);
int api_teams_show(struct req *req, struct resp *resp);
int api_teams_edit(struct req *req, struct resp *resp);
int api_teams_update(struct req *req, struct resp *resp);
int api_teams_delete(struct req *req, struct resp *resp);
int api_teams_member_add(struct req *req, struct resp *resp);
int api_teams_member_remove(struct req *req, struct resp *resp);
/* tokens.c */
int api_tokens_list(struct req *req, struct resp *resp);
int api_tokens_create(struct req *req, struct resp *resp);
int api_tokens_revoke(struct req *req, struct resp *resp);
/* audit.c */
int api_audit_list(struct req *req, struct resp *resp);
/* outbox.c */
int api_outbox_list(struct req *req, struct resp *resp);
int api_outbox_show(struct req *req, struct resp *resp);
int api_outbox_retry(struct req *req, struct resp *resp);
int api_outbox_test(struct req *req, struct resp *resp);
/* jobs.c */
int api_jobs_list(struct req *req, struct resp *resp);
int api_jobs_retry(struct req *req, struct resp *resp);
int api_jobs_probe(struct req *req, struct resp *resp);
/* org.c */
int api_org_show(struct req *req, struct resp *resp);
int api_org_update(struct req *req, struct resp *resp);
/* relations.c */
int api_relations_list(struct req *req, struct resp *resp);
int api_relations_new(struct req *req, struct resp *resp);
int api_relations_create(struct req *req, struct resp *resp);
int api_relations_show(struct req *req, struct resp *resp);
int api_relations_edit(struct req *req, struct resp *resp);
int api_relations_update(struct req *req, struct resp *resp);
int api_relations_archive(struct req *req, struct resp *resp);
int api_relations_restore(struct req *req, struct resp *resp);
/* exports.c */
int api_relations_export(struct req *req, struct resp *resp);
int api_relations_vcard(struct req *req, struct resp *resp);
/* vcard_import.c */
int api_relations_import_vcard_form(struct req *req, struct resp *resp);
int api_relations_import_vcard(struct req *req, struct resp *resp);
/* interactions.c */
int api_interactions_list(struct req *req, struct resp *resp);
int api_interactions_new(struct req *req, struct resp *resp);
int api_interactions_create(struct req *req, struct resp *resp);
int api_interactions_show(struct req *req, struct resp *resp);
int api_interactions_edit(struct req *req, struct resp *resp);
int api_interactions_update(struct req *req, struct resp *resp);
int api_interaction_roles_list(struct req *req, struct resp *resp);
int api_interaction_roles_create(struct req *req, struct resp *resp);
/* tasks.c */
int api_tasks_list(struct req *req, struct resp *resp);
int api_tasks_create(struct req *req, struct resp *resp);
int api_tasks_show(struct req *req, struct resp *resp);
int api_tasks_update(struct req *req, struct resp *resp);
int api_tasks_done(struct req *req, struct resp *resp);
/* crm_settings.c */
int api_crm_settings_show(struct req *req, struct resp *resp);
int api_custom_fields_list(struct req *req, struct resp *resp);
int api_custom_fields_create(struct req *req, struct resp *resp);
int api_custom_fields_delete(struct req *req, struct resp *resp);
/* surveys.c */
int api_surveys_list(struct req *req, struct resp *resp);
int api_surveys_new(struct req *req, struct resp *resp);
int api_surveys_create(struct req *req, struct resp *resp);
int api_surveys_show(struct req *req, struct resp *resp);
/* results (api/results.c): a survey's results and open answers, the
 * organisation dashboard, and the answer exports */
int api_survey_results(struct req *req, struct resp *resp);
int api_survey_answers(struct req *req, struct resp *resp);
int api_results_org(struct req *req, struct resp *resp);
int api_survey_answers_csv(struct req *req, struct resp *resp);
int api_survey_answers_xlsx(struct req *req, struct resp *resp);
int api_surveys_update(struct req *req, struct resp *resp);
int api_survey_questions_create(struct req *req, struct resp *resp);
int api_survey_questions_update(struct req *req, struct resp *resp);
int api_survey_questions_delete(struct req *req, struct resp *resp);
int api_survey_questions_move(struct req *req, struct resp *resp);
/* webhooks.c */
int api_webhooks_list(struct req *req, struct resp *resp);
int api_webhooks_create(struct req *req, struct resp *resp);
int api_webhooks_show(struct req *req, struct resp *resp);
int api_webhooks_update(struct req *req, struct resp *resp);
int api_webhooks_delete(struct req *req, struct resp *resp);
/* answers.c */
int api_answer_show(struct req *req, struct resp *resp);
int api_answer_save(struct req *req, struct resp *resp);

/* survey_invitations.c */
/* Adds what the send form needs to survey s (a survey_get object):
 * is_relationship and send_types (the relation types with labels).
 * Request-scoped; not thread-shared. */
void api_survey_send_data(struct req *req, json_t *s);
int api_survey_invitations_create(struct req *req, struct resp *resp);
int api_survey_invitations_list(struct req *req, struct resp *resp);
int api_feedback_settings_show(struct req *req, struct resp *resp);
int api_feedback_settings_update(struct req *req, struct resp *resp);
/* themes.c */
int api_themes_show(struct req *req, struct resp *resp);
int api_themes_update(struct req *req, struct resp *resp);
int api_themes_reset(struct req *req, struct resp *resp);
int api_unsubscribe_form(struct req *req, struct resp *resp);
int api_unsubscribe(struct req *req, struct resp *resp);
/* cases.c */
int api_cases_list(struct req *req, struct resp *resp);
int api_cases_metrics(struct req *req, struct resp *resp);
int api_cases_show(struct req *req, struct resp *resp);
int api_cases_update(struct req *req, struct resp *resp);
int api_cases_note(struct req *req, struct resp *resp);
int api_feedback_mine(struct req *req, struct resp *resp);
/* search.c */
int api_search(struct req *req, struct resp *resp);
/* duplicates.c */
int api_duplicates_list(struct req *req, struct resp *resp);
int api_relations_merge(struct req *req, struct resp *resp);
int api_relations_not_duplicate(struct req *req, struct resp *resp);
/* privacy.c */
int api_privacy_export(struct req *req, struct resp *resp);
int api_privacy_erase_form(struct req *req, struct resp *resp);
int api_privacy_erase(struct req *req, struct resp *resp);
/* import.c */
int api_import_form(struct req *req, struct resp *resp);
int api_import_relations(struct req *req, struct resp *resp);
int api_import_cdr(struct req *req, struct resp *resp);
int api_import_confirm(struct req *req, struct resp *resp);

#endif

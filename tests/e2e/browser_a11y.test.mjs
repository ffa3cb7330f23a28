// SPDX-License-Identifier: Apache-2.0
// Accessibility: axe-core (WCAG 2.1 A and AA rules) on every page, in Dutch
// and English, at a phone-sized and a desktop viewport (and the desktop in
// the dark colour scheme, which Pico follows). Forms are also checked with
// their validation messages shown, and the tokens page with a fresh secret.
//
// axe is injected with page.evaluate(source): that runs through the
// DevTools protocol, which the page's Content-Security-Policy (no inline
// script) does not govern, so the CSP stays on, as users get it. The test
// checks that axe is really there before it runs.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';

import {
  CHROMIUM, ROOT, api, browserLogin, createToken, fileScope, initOrg, launchBrowser, newContext,
  serve, sql,
} from './lib.mjs';
import { openCase } from './case_fixture.mjs';

const AXE = path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
const skip = (!existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM}`) || (!existsSync(AXE) && 'no axe-core in node_modules');
const RULES = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations', 'incomplete'] };

const crm = {};
let o, srv, tok, browser, axeSource, team, other, survey, surveyActive, surveyLink, mail, surveySent, results, surveyAfter;
const unsubLink = {};
const scope = fileScope();
before(async () => {
  if (skip) return;
  axeSource = readFileSync(AXE, 'utf8');
  o = await initOrg(scope);
  srv = await serve(scope, { db: o.db });
  tok = await createToken(o.db, o.email);
  // something on every page: a colleague, a team with a lead, tokens, audit entries
  other = (await api(srv.base, tok, 'POST', '/users', { email: 'collega@test.example', name: 'Collega Een', role: 'employee', password: 'collega-wachtwoord' })).body;
  team = (await api(srv.base, tok, 'POST', '/teams', { name: 'Klantenservice', description: 'Telefoon, mail en chat.' })).body;
  assert.equal((await api(srv.base, tok, 'POST', `/teams/${team.id}/members`, { user_id: other.id, lead: true })).status, 200);
  assert.equal((await api(srv.base, tok, 'POST', `/teams/${team.id}/members`, { user_id: 1, lead: false })).status, 200);
  // surveys: a draft from a template with a choice question, and an active one
  survey = (await api(srv.base, tok, 'POST', '/surveys', { template: 'nps_relationship', name: 'NPS 2026' })).body;
  assert.equal((await api(srv.base, tok, 'POST', `/surveys/${survey.id}/questions`, { type: 'single', text_nl: 'Welk kanaal?', text_en: 'Which channel?',
    options: { choices: [{ key: 'tel', nl: 'Telefoon', en: 'Phone' }, { key: 'mail', nl: 'E-mail', en: 'Email' }] } })).status, 201);
  surveyActive = (await api(srv.base, tok, 'POST', '/surveys', { template: 'perception' })).body;
  assert.equal((await api(srv.base, tok, 'PATCH', `/surveys/${surveyActive.id}`, { status: 'active' })).status, 200);
  assert.equal((await api(srv.base, tok, 'DELETE', `/surveys/${surveyActive.id}/questions/${surveyActive.questions[0].id}`)).status, 200);
  // a survey after contact moments, so its page shows the after-a-contact form
  surveyAfter = (await api(srv.base, tok, 'POST', '/surveys', { template: 'csat_contact', name: 'Na contact' })).body;
  // an always-open link survey, so its public answer page can be visited
  surveyLink = (await api(srv.base, tok, 'POST', '/surveys', { template: 'csat_contact', kind: 'link', name: 'Na uw bezoek' })).body;
  assert.equal((await api(srv.base, tok, 'PATCH', `/surveys/${surveyLink.id}`, { status: 'active' })).status, 200);
  surveyLink = (await api(srv.base, tok, 'GET', `/surveys/${surveyLink.id}`)).body;
  assert.match(surveyLink.link_url, /\/s\/L\d+\./);
  // custom fields of every type, so the relation forms show them
  for (const f of [{ name: 'contract', label: 'Contract', type: 'choice', choices: ['brons', 'zilver', 'goud'] },
    { name: 'klant_sinds', label: 'Klant sinds', type: 'date' }, { name: 'medewerkers', label: 'Medewerkers', type: 'number' },
    { name: 'branche', label: 'Branche', type: 'text' }]) {
    assert.equal((await api(srv.base, tok, 'POST', '/custom-fields', f)).status, 201);
  }
  // relations, an interaction and a task, so the CRM pages show them
  crm.org = (await api(srv.base, tok, 'POST', '/relations', { kind: 'organisation', name: 'Polderwarmte B.V.',
    custom: { contract: 'goud', klant_sinds: '2021-03-01', medewerkers: 40 },
    tags: ['vip', 'noord'], emails: [{ value: 'info@polderwarmte.example' }], phones: [{ value: '020-1234567' }],
    addresses: [{ street: 'Damrak 1', postal_code: '1012 LG', city: 'Amsterdam', country: 'Nederland' }] })).body;
  crm.person = (await api(srv.base, tok, 'POST', '/relations', { kind: 'person', given_name: 'Zoë', family_name: 'Müller',
    parent_id: crm.org.id, job_title: 'Inkoper' })).body;
  crm.call = (await api(srv.base, tok, 'POST', '/interactions', { person_id: crm.person.id, channel: 'phone',
    subject: 'Vraag over de factuur', summary: 'Klant belde over **factuur** 12.\n\n- terugbellen\n- korting', outcome: 'follow_up' })).body;
  crm.task = (await api(srv.base, tok, 'POST', '/tasks', { title: 'Terugbellen', due: '2020-01-31', relation_id: crm.person.id })).body;
  crm.case = await openCase(o.db, { survey: survey.id, relation: crm.person.id, assignee: 1, score: 4 });
  assert.ok(crm.org.id && crm.person.id && crm.call.id && crm.task.id, 'the CRM data is there');
  // a failed job, so the jobs page shows its retry button
  const now = Date.now();
  const org = Number(await sql(o.db, `SELECT org_id FROM users WHERE email = '${o.email}'`));
  await sql(o.db, `INSERT INTO jobs (org_id, kind, payload, state, run_at, attempts, max_attempts,
    lease_ms, last_error, created_at, updated_at, finished_at) VALUES (${org}, 'probe', '{}',
    'failed', ${now}, 2, 2, 60000, 'the probe was asked to fail', ${now}, ${now}, ${now})`);
  // outgoing mail: a test mail (held: no SMTP server), so the outbox shows it
  mail = (await api(srv.base, tok, 'POST', '/outbox/test', {})).body;
  // a relationship survey sent to two people (one invited, one skipped), and
  // the unsubscribe link of each language
  surveySent = (await api(srv.base, tok, 'POST', '/surveys', { template: 'nps_relationship', name: 'NPS verstuurd' })).body;
  assert.equal((await api(srv.base, tok, 'PATCH', `/surveys/${surveySent.id}`, { status: 'active' })).status, 200);
  for (const [name, lang] of [['Nina Nederlands', 'nl'], ['Emma English', 'en']]) {
    await api(srv.base, tok, 'POST', '/relations', { kind: 'person', name, lang, emails: [{ value: `${lang}@invitee.example` }] });
  }
  assert.equal((await api(srv.base, tok, 'POST', `/surveys/${surveySent.id}/invitations`, {})).status, 201);
  // and on a schedule, so its page shows the next wave
  assert.equal((await api(srv.base, tok, 'PATCH', `/surveys/${surveySent.id}`, { settings: { schedule: '0 9 1 1,4,7,10 *', relation_types: ['customer'] } })).status, 200);
  const secret = Buffer.from(await sql(o.db, "SELECT value FROM settings WHERE org_id = 0 AND name = 'secret'"), 'hex');
  for (const lang of ['nl', 'en']) {
    const id = Number(await sql(o.db, `SELECT id FROM survey_invitations WHERE email = '${lang}@invitee.example'`));
    const mac = createHmac('sha256', secret).update(`survey-invitation:${id}`).digest('base64url').slice(0, 22);
    unsubLink[lang] = `/s/${id}.${mac}/unsubscribe`;
  }
  // survey results: answers and their aggregates written as the answer code writes them
  results = (await api(srv.base, tok, 'POST', '/surveys', { template: 'nps_relationship', name: 'Resultaten 2026' })).body;
  assert.equal((await api(srv.base, tok, 'PATCH', `/surveys/${results.id}`, { status: 'active' })).status, 200);
  await seedResults(o.db, org, results, crm.org.id, now);
  browser = await launchBrowser(scope);
});

/** Six answered invitations of survey s (NPS and open answers) and the
 * survey_agg rows that count them, in this week and month. */
async function seedResults(db, org, s, relation, now) {
  const nps = s.questions[0].id, reason = s.questions[1].id;
  const d = new Date(now), ymd = (x) => x.getFullYear() * 10000 + (x.getMonth() + 1) * 100 + x.getDate();
  const month = d.getFullYear() * 10000 + (d.getMonth() + 1) * 100 + 1;
  const week = ymd(new Date(d.getFullYear(), d.getMonth(), d.getDate() - ((d.getDay() + 6) % 7)));
  const answers = [[10, 'Heel vriendelijk en deskundig', '["deskundigheid","vriendelijkheid"]', 80], [9], [8],
    [3, 'Slecht bereikbaar, de prijs is te hoog', '["bereikbaarheid","prijs"]', -70], [0, 'Slecht bereikbaar', '["bereikbaarheid"]', -60], [10]];
  const st = [];
  for (const [score, text, themes, sentiment] of answers) {
    st.push(`INSERT INTO survey_invitations (org_id, survey_id, relation_id, status, lang, sent_at, answered_at, completed_at,
      dims, expires_at, created_at, updated_at) VALUES (${org}, ${s.id}, ${relation}, 'sent', 'nl', ${now}, ${now}, ${now},
      '{"type":"customer","tags":[],"teams":[]}', ${now + 86400000}, ${now}, ${now})`);
    const inv = `(SELECT MAX(id) FROM survey_invitations WHERE org_id = ${org})`;
    st.push(`INSERT INTO survey_answers (org_id, invitation_id, question_id, score, answered_at) VALUES (${org}, ${inv}, ${nps}, ${score}, ${now})`);
    if (text) st.push(`INSERT INTO survey_answers (org_id, invitation_id, question_id, text, themes, sentiment, answered_at)
      VALUES (${org}, ${inv}, ${reason}, '${text}', '${themes}', ${sentiment}, ${now})`);
  }
  const agg = [[0, '', '', 0, 6], [0, '', '', 1, 6], [0, '', '', 2, 6], [0, 'theme', 'bereikbaarheid', -1, 2],
    [0, 'theme', 'prijs', -1, 1], [0, 'theme', 'deskundigheid', 1, 1], [0, 'theme', 'vriendelijkheid', 1, 1],
    [nps, 'theme', 'bereikbaarheid', 3, 1], [nps, 'theme', 'bereikbaarheid', 0, 1], [nps, 'theme', 'prijs', 3, 1],
    [nps, 'theme', 'deskundigheid', 10, 1], [nps, 'theme', 'vriendelijkheid', 10, 1]];
  for (const [score, n] of [[10, 2], [9, 1], [8, 1], [3, 1], [0, 1]]) agg.push([nps, '', '', score, n], [nps, 'type', 'customer', score, n]);
  for (const [q, dim, dv, score, n] of agg) {
    for (const [grain, period] of [['w', week], ['m', month]]) {
      st.push(`INSERT INTO survey_agg (org_id, survey_id, question_id, grain, dim, period, dim_value, score, n)
        VALUES (${org}, ${s.id}, ${q}, '${grain}', '${dim}', ${period}, '${dv}', ${score}, ${n})`);
    }
  }
  await sql(db, st.join(';\n'));
}

/** Runs axe on the page as it is now; returns the violations. */
async function axe(page) {
  // nothing hovered: the state a page is in, not where the last click was
  await page.mouse.move(0, 0);
  await page.evaluate(axeSource);
  assert.equal(await page.evaluate(() => typeof window.axe?.run), 'function', 'axe is loaded despite the CSP');
  const r = await page.evaluate((opts) => window.axe.run(document, opts), RULES);
  return r;
}

function describe(violations) {
  return violations.map((v) => `\n[${v.impact}] ${v.id}: ${v.help}\n  ${v.helpUrl}\n` +
    v.nodes.slice(0, 6).map((n) => `  at ${n.target.join(' ')}\n    ${n.html.slice(0, 200)}\n    ${n.failureSummary?.replaceAll('\n', '\n    ')}`).join('\n') +
    (v.nodes.length > 6 ? `\n  ... and ${v.nodes.length - 6} more` : '')).join('\n');
}

/** The pages, in order, each reached by a function of the page. */
const PAGES = [
  ['login', async (p) => { await p.goto(srv.url('/login')); }],
  ['home', async (p) => { await p.goto(srv.url('/')); }],
  ['users list', async (p) => { await p.goto(srv.url('/users')); }],
  ['user', async (p) => { await p.goto(srv.url(`/users/${other.id}`)); }],
  ['new user', async (p) => { await p.goto(srv.url('/users/new')); }],
  ['new user with errors', async (p) => {
    await p.goto(srv.url('/users/new'));
    await p.fill('#email', 'geen-adres');
    await Promise.all([p.waitForNavigation(), p.click('main form button[type="submit"]')]);
    assert.equal(await p.locator('[aria-invalid="true"]').count() >= 2, true, 'the form shows its errors');
  }],
  ['edit user', async (p) => { await p.goto(srv.url(`/users/${other.id}/edit`)); }],
  ['teams', async (p) => { await p.goto(srv.url('/teams')); }],
  ['team', async (p) => { await p.goto(srv.url(`/teams/${team.id}`)); }],
  ['new team', async (p) => { await p.goto(srv.url('/teams/new')); }],
  ['new team with errors', async (p) => {
    await p.goto(srv.url('/teams/new'));
    await Promise.all([p.waitForNavigation(), p.click('main form button[type="submit"]')]);
    assert.equal(await p.locator('#name[aria-invalid="true"]').count(), 1, 'the form shows its error');
  }],
  ['edit team', async (p) => { await p.goto(srv.url(`/teams/${team.id}/edit`)); }],
  ['surveys', async (p) => { await p.goto(srv.url('/surveys')); }],
  ['new survey', async (p) => { await p.goto(srv.url('/surveys/new')); }],
  ['survey (draft)', async (p) => { await p.goto(srv.url(`/surveys/${survey.id}`)); }],
  ['survey after a contact (its form)', async (p) => { await p.goto(srv.url(`/surveys/${surveyAfter.id}`)); }],
  ['survey (active, a retired question)', async (p) => { await p.goto(srv.url(`/surveys/${surveyActive.id}`)); }],
  ['survey question with errors', async (p) => {
    await p.goto(srv.url(`/surveys/${survey.id}`));
    await p.selectOption('#type', 'single');
    await Promise.all([p.waitForNavigation(), p.click('form[action$="/questions"] button[type="submit"]')]);
    assert.equal(await p.locator('#text_nl[aria-invalid="true"]').count(), 1, 'the form shows its error');
  }],
  ['survey schedule with an error', async (p) => {
    await p.goto(srv.url(`/surveys/${surveySent.id}`));
    await p.selectOption('#schedule-when', 'custom');
    await p.fill('#schedule-custom', '0 9');
    await Promise.all([p.waitForNavigation(), p.click('#schedule button[type="submit"]')]);
    assert.equal(await p.locator('#schedule-when[aria-invalid="true"]').count(), 1, 'the form shows its error');
  }],
  ['answer page (an always-open link)', async (p) => { await p.goto(srv.url(surveyLink.link_url)); }],
  ['answer page with an error', async (p) => {
    await p.goto(srv.url(surveyLink.link_url));
    // the first change makes the visit's response and moves the page onto its link
    await p.fill('textarea', 'Vriendelijk geholpen.');
    await Promise.all([p.waitForURL(/\/s\/\d+\./), p.locator('textarea').blur()]);
    await Promise.all([p.waitForNavigation(), p.click('main form button[type="submit"]')]);
    assert.equal(await p.locator('fieldset[aria-invalid="true"]').count(), 1, 'the required question says so');
  }],
  ['answer page, thanks', async (p) => {
    await p.goto(srv.url(surveyLink.link_url));
    await Promise.all([p.waitForURL(/\/s\/\d+\./), p.click('label.point:has-text("4")')]);
    await Promise.all([p.waitForNavigation(), p.click('main form button[type="submit"]')]);
    assert.equal(await p.locator('main h1').count(), 1);
    assert.equal(await p.locator('main form').count(), 0, 'no form after finishing');
  }],
  ['answer link unknown', async (p) => { await p.goto(srv.url('/s/123.bestaatniet')); }],
  ['survey (active relationship, the send form)', async (p) => { await p.goto(srv.url(`/surveys/${surveySent.id}`)); }],
  ['survey invitations', async (p) => { await p.goto(srv.url(`/surveys/${surveySent.id}/invitations`)); }],
  ['survey invitations with errors', async (p) => {
    await p.goto(srv.url(`/surveys/${surveySent.id}/invitations`));
    await p.fill('#send-tags', 'bestaat-niet');
    await Promise.all([p.waitForNavigation(), p.click('#send form button[type="submit"]')]);
    assert.equal(await p.locator('#send-tags[aria-invalid="true"]').count(), 1, 'the form shows its error');
  }],
  ['feedback rules', async (p) => { await p.goto(srv.url('/settings/feedback')); }],
  ['feedback rules with errors', async (p) => {
    await p.goto(srv.url('/settings/feedback'));
    await p.fill('#contact_days', '0');
    await Promise.all([p.waitForNavigation(), p.click('main form button[type="submit"]')]);
    assert.equal(await p.locator('#contact_days[aria-invalid="true"]').count(), 1, 'the form shows its error');
  }],
  ['theme dictionary', async (p) => { await p.goto(srv.url('/settings/themes')); }],
  ['theme dictionary with errors', async (p) => {
    await p.goto(srv.url('/settings/themes'));
    await p.fill('#new_key', 'Geen Sleutel');
    await p.fill('#new_nl', 'X');
    await p.fill('#new_en', 'X');
    await Promise.all([p.waitForNavigation(), p.click('main form button[type="submit"]')]);
    assert.equal(await p.locator('#theme-new-error').count(), 1, 'the form shows its error next to the theme');
  }],
  ['unsubscribe (in the invitee\'s language)', async (p) => { await p.goto(srv.url(unsubLink[p.brugLang])); }],
  ['unsubscribe, a bad link', async (p) => { await p.goto(srv.url('/s/1.x/unsubscribe')); }],
  ['survey results', async (p) => {
    await p.goto(srv.url(`/surveys/${results.id}/results?from=2024-01-01&to=2030-12-31`));
    const main = await p.locator('main').innerText();
    assert.match(main, /NPS \+17 \(95%: [+-]\d+ (tot|to) \+\d+\), 6 (antwoorden|answers)/, main.slice(0, 600));
  }],
  ['survey results per week by type', async (p) => {
    await p.goto(srv.url(`/surveys/${results.id}/results?from=2024-01-01&to=2030-12-31&grain=w&dim=type`));
    assert.match(await p.locator('main').innerText(), /(Klant|Customer)\s+6\s+\+17/);
  }],
  ['open answers', async (p) => {
    await p.goto(srv.url(`/surveys/${results.id}/answers?group=detractor`));
    assert.equal(await p.locator('main blockquote').count(), 2);
  }],
  ['results dashboard', async (p) => {
    await p.goto(srv.url('/results?from=2024-01-01&to=2030-12-31&dim=survey'));
    assert.match(await p.locator('main').innerText(), /Resultaten 2026\s+6/);
  }],
  ['tokens', async (p) => { await p.goto(srv.url('/tokens')); }],
  ['tokens with a fresh token', async (p) => {
    await p.goto(srv.url('/tokens'));
    if (!(await p.locator('#name').isVisible())) await p.click('main details summary');
    await p.fill('#name', `a11y ${Date.now()}`);
    await Promise.all([p.waitForNavigation(), p.click('main form[action="/tokens"] button[type="submit"]')]);
    assert.equal(await p.locator('#new-token').count(), 1, 'the new secret is shown');
  }],
  ['relations', async (p) => { await p.goto(srv.url('/relations')); }],
  ['organisation with its timeline', async (p) => { await p.goto(srv.url(`/relations/${crm.org.id}`)); }],
  ['person', async (p) => { await p.goto(srv.url(`/relations/${crm.person.id}`)); }],
  ['new organisation', async (p) => { await p.goto(srv.url('/relations/new?kind=organisation')); }],
  ['new person with errors', async (p) => {
    await p.goto(srv.url('/relations/new?kind=person'));
    await p.fill('#email', 'geen-adres');
    await Promise.all([p.waitForNavigation(), p.click('main form button[type="submit"]')]);
    assert.equal(await p.locator('[aria-invalid="true"]').count() >= 1, true, 'the form shows its errors');
  }],
  ['edit relation', async (p) => { await p.goto(srv.url(`/relations/${crm.person.id}/edit`)); }],
  ['vCard import', async (p) => { await p.goto(srv.url('/relations/import-vcard')); }],
  ['vCard import preview', async (p) => {
    await p.goto(srv.url('/relations/import-vcard'));
    await p.setInputFiles('#file', { name: 'a11y.vcf', mimeType: 'text/vcard',
      buffer: Buffer.from('BEGIN:VCARD\r\nFN:Goed\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:Kapot\r\n') });
    await Promise.all([p.waitForNavigation(), p.click('main form button[type="submit"]')]);
    assert.equal(await p.locator('#import-preview').count(), 1, 'the preview is shown');
  }],
  ['import form', async (p) => { await p.goto(srv.url('/relations/import')); }],
  ['import preview with a rejected row', async (p) => {
    await p.goto(srv.url('/relations/import'));
    await p.setInputFiles('#file', { name: 'klanten.csv', mimeType: 'text/csv',
      buffer: Buffer.from('Naam;E-mail\nA11y B.V.;a11y@a11y.example\nFout B.V.;fout@\n') });
    await Promise.all([p.waitForNavigation(), p.click('main form button[type="submit"]')]);
    assert.equal(await p.locator('table.rejected tbody tr').count(), 1, 'the preview shows the rejected row');
  }],
  ['interactions', async (p) => { await p.goto(srv.url('/interactions')); }],
  ['interaction', async (p) => { await p.goto(srv.url(`/interactions/${crm.call.id}`)); }],
  ['log an interaction', async (p) => { await p.goto(srv.url(`/interactions/new?relation_id=${crm.person.id}`)); }],
  ['tasks', async (p) => { await p.goto(srv.url('/tasks')); }],
  ['task', async (p) => { await p.goto(srv.url(`/tasks/${crm.task.id}`)); }],
  ['follow-ups', async (p) => { await p.goto(srv.url('/cases?assignee=all')); }],
  ['follow-up', async (p) => { await p.goto(srv.url(`/cases/${crm.case}`)); }],
  ['follow-up with errors', async (p) => {
    await p.goto(srv.url(`/cases/${crm.case}`));
    await Promise.all([p.waitForNavigation(), p.click('form[action$="/notes"] button[type="submit"]')]);
    assert.equal(await p.locator('#body[aria-invalid="true"]').count(), 1, 'the note form shows its error');
  }],
  ['my feedback', async (p) => { await p.goto(srv.url('/feedback/mine')); }],
  ['search results', async (p) => { await p.goto(srv.url('/search?q=zoe')); }],
  ['audit log', async (p) => { await p.goto(srv.url('/audit')); }],
  ['jobs', async (p) => { await p.goto(srv.url('/jobs')); }],
  ['failed jobs', async (p) => {
    await p.goto(srv.url('/jobs?state=failed'));
    assert.equal(await p.locator('main tbody form[action$="/retry"]').count(), 1, 'a retry button');
  }],
  ['outgoing mail', async (p) => { await p.goto(srv.url('/outbox')); }],
  ['one outgoing mail', async (p) => {
    await p.goto(srv.url(`/outbox/${mail.id}`));
    await p.click('main details summary');
    assert.equal(await p.locator('main pre.mail-raw').isVisible(), true, 'the raw message is open');
  }],
  ['settings', async (p) => { await p.goto(srv.url('/settings')); }],
  ['CRM settings', async (p) => { await p.goto(srv.url('/settings/crm')); }],
  ['edit organisation with custom fields', async (p) => { await p.goto(srv.url(`/relations/${crm.org.id}/edit`)); }],
  ['my account', async (p) => { await p.goto(srv.url('/me')); }],
  ['404 page', async (p) => { await p.goto(srv.url('/bestaat/niet')); }],
  ['likely duplicates', async (p) => {
    crm.twin ??= (await api(srv.base, tok, 'POST', '/relations', { kind: 'person', name: 'zoe muller',
      emails: [{ value: 'zoe@muller.example' }] })).body;
    await p.goto(srv.url('/relations/duplicates'));
    assert.equal(await p.locator('main article.pair').count() >= 1, true, 'a pair is shown');
  }],
  ['erase a person', async (p) => { await p.goto(srv.url(`/relations/${crm.person.id}/erase`)); }],
  ['erase a person with errors', async (p) => {
    await p.goto(srv.url(`/relations/${crm.person.id}/erase`));
    await p.fill('#confirm', 'iemand anders');
    await Promise.all([p.waitForNavigation(), p.click('main form button[type="submit"]')]);
    assert.equal(await p.locator('#confirm[aria-invalid="true"]').count(), 1, 'the form shows its error');
  }],
];

const VIEWS = [
  { name: 'nl, phone', locale: 'nl-NL', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  { name: 'nl, desktop', locale: 'nl-NL', viewport: { width: 1280, height: 800 } },
  { name: 'en, phone', locale: 'en-US', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  { name: 'en, desktop', locale: 'en-US', viewport: { width: 1280, height: 800 } },
  { name: 'en, desktop, dark', locale: 'en-US', viewport: { width: 1280, height: 800 }, colorScheme: 'dark' },
];

for (const view of VIEWS) {
  test(`axe, WCAG 2.1 A/AA, every page: ${view.name}`, { skip }, async (t) => {
    const { name, ...opts } = view;
    // reduced motion: Pico then skips its transitions, so colours are final
    const ctx = await newContext(t, browser, { colorScheme: 'light', reducedMotion: 'reduce', ...opts });
    const page = await ctx.newPage();
    const lang = opts.locale.slice(0, 2);
    const review = [];
    for (const [what, reach] of PAGES) {
      await t.test(what, async () => {
        if (what === 'home') await browserLogin(page, srv.base, o.email, o.password);
        page.brugLang = lang;
        await reach(page);
        assert.equal(await page.getAttribute('html', 'lang'), lang, `${what} is in ${lang}`);
        const r = await axe(page);
        for (const v of r.incomplete) review.push(`${what}: ${v.id} (${v.nodes.length})`);
        assert.equal(r.violations.length, 0, `${r.violations.length} axe violation(s) on ${what} (${name}):${describe(r.violations)}`);
      });
    }
    if (review.length) t.diagnostic(`axe could not decide (needs a human): ${review.join('; ')}`);
  });
}

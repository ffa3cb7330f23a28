// SPDX-License-Identifier: Apache-2.0
// Closing the loop in a real browser: an employee opens their follow-up
// case from the list, reads the answer, marks it contacted, adds a note,
// resolves it, and finds it on the customer's timeline; a colleague may
// read the case but gets no buttons to change it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { before, test } from 'node:test';

import { openCase } from './case_fixture.mjs';
import {
  CHROMIUM, api, browserLogin, createToken, fileScope, initOrg, launchBrowser, newContext, serve,
} from './lib.mjs';

const skip = !existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM}`;
let o, srv, tok, browser, emp, colleague, person, caseId;
const scope = fileScope();
before(async () => {
  if (skip) return;
  o = await initOrg(scope);
  srv = await serve(scope, { db: o.db });
  tok = await createToken(o.db, o.email);
  browser = await launchBrowser(scope);
  emp = { email: 'anna@test.example', name: 'Anna Medewerker', role: 'employee', password: 'anna-wachtwoord' };
  emp.id = (await api(srv.base, tok, 'POST', '/users', emp)).body.id;
  colleague = { email: 'bert@test.example', name: 'Bert Collega', role: 'employee', password: 'bert-wachtwoord' };
  colleague.id = (await api(srv.base, tok, 'POST', '/users', colleague)).body.id;
  const survey = (await api(srv.base, tok, 'POST', '/surveys', { template: 'nps_relationship', name: 'NPS 2026' })).body;
  person = (await api(srv.base, tok, 'POST', '/relations', { kind: 'person', given_name: 'Piet', family_name: 'Klant', owner_id: emp.id })).body;
  caseId = await openCase(o.db, { survey: survey.id, relation: person.id, assignee: emp.id, score: 2, text: 'Ik werd niet teruggebeld' });
});

/** Clicks and waits for the navigation: the POST's status and the final path. */
async function submit(page, locator) {
  const post = page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'POST');
  const nav = page.waitForNavigation();
  await locator.click();
  const [p] = await Promise.all([post, nav]);
  return { post: p.status(), path: new URL(page.url()).pathname };
}

test('the assignee opens the case, marks it contacted, adds a note and resolves it', { skip }, async (t) => {
  const ctx = await newContext(t, browser, { locale: 'nl-NL' });
  const page = await ctx.newPage();
  await browserLogin(page, srv.base, emp.email, emp.password);
  await page.getByRole('link', { name: 'Opvolging', exact: true }).first().click();
  await page.waitForURL((u) => u.pathname === '/cases');
  await page.getByRole('link', { name: 'Piet Klant' }).click();
  await page.waitForURL((u) => u.pathname === `/cases/${caseId}`);
  assert.match(await page.locator('main').innerText(), /Ik werd niet teruggebeld/);
  let r = await submit(page, page.getByRole('button', { name: 'Contact gehad' }));
  assert.deepEqual(r, { post: 303, path: `/cases/${caseId}` });
  assert.match(await page.locator('main hgroup').innerText(), /Contact gehad/);
  await page.getByRole('textbox', { name: /^Notitie/ }).fill('Teruggebeld, **excuses** gemaakt');
  r = await submit(page, page.getByRole('button', { name: 'Notitie toevoegen' }));
  assert.equal(r.post, 303);
  assert.equal(await page.locator('main .markdown strong').innerText(), 'excuses');
  r = await submit(page, page.getByRole('button', { name: 'Afronden' }));
  assert.equal(r.post, 303);
  assert.match(await page.locator('main hgroup').innerText(), /Afgerond/);
  // the case and the answer on the customer's timeline
  await page.goto(srv.url(`/relations/${person.id}`));
  const tl = await page.locator('ol.timeline').innerText();
  assert.match(tl, /Opvolging: NPS 2026/);
  assert.match(tl, /Feedback: NPS 2026/);
  // and the answer in the employee's own feedback
  await page.goto(srv.url('/feedback/mine'));
  assert.match(await page.locator('main').innerText(), /Ik werd niet teruggebeld/);
});

test('a colleague reads the case but cannot change it', { skip }, async (t) => {
  const ctx = await newContext(t, browser, { locale: 'en-US' });
  const page = await ctx.newPage();
  await browserLogin(page, srv.base, colleague.email, colleague.password);
  await page.goto(srv.url(`/cases/${caseId}`));
  assert.match(await page.locator('main').innerText(), /Ik werd niet teruggebeld/);
  assert.equal(await page.locator('main form[action^="/cases/"]').count(), 0);
  await page.goto(srv.url('/cases'));
  assert.match(await page.locator('main').innerText(), /No follow-ups with these filters/);
});

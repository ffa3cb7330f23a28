// SPDX-License-Identifier: Apache-2.0
// A customer answers a survey on a phone, as a person does: from the
// always-open link, with JavaScript (each change is saved the moment it is
// made, so leaving halfway still counts) and without it (the form alone),
// in Dutch and in English. What is saved is read back through the API.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { before, test } from 'node:test';

import {
  CHROMIUM, api, createToken, fileScope, initOrg, launchBrowser, newContext, serve, sql, waitFor,
} from './lib.mjs';

const skip = !existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM}`;
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
let o, srv, tok, browser, survey;
const scope = fileScope();
before(async () => {
  if (skip) return;
  o = await initOrg(scope);
  srv = await serve(scope, { db: o.db });
  tok = await createToken(o.db, o.email);
  const made = (await api(srv.base, tok, 'POST', '/surveys', { template: 'nps_relationship', kind: 'link', name: 'Uw mening' })).body;
  assert.equal((await api(srv.base, tok, 'PATCH', `/surveys/${made.id}`, { status: 'active' })).status, 200);
  survey = (await api(srv.base, tok, 'GET', `/surveys/${made.id}`)).body;
  browser = await launchBrowser(scope);
});

/** The answers saved for the response a page is on (its URL holds the token). */
async function saved(page) {
  const token = new URL(page.url()).pathname.split('/').pop();
  const r = await api(srv.base, null, 'GET', `/s/${token}`);
  assert.equal(r.status, 200, r.text);
  return r.body;
}

test('with JavaScript: every change is saved as it is made, then finished', { skip }, async (t) => {
  const ctx = await newContext(t, browser, { locale: 'nl-NL', ...PHONE });
  const page = await ctx.newPage();
  await page.goto(srv.url(survey.link_url));
  assert.match(await page.locator('legend').first().innerText(), /aanbeveelt/);
  // the first answer of a link visit makes a response, and the page moves onto its own link
  await Promise.all([page.waitForURL(/\/s\/\d+\./), page.locator('label.point', { hasText: /^8$/ }).tap()]);
  const count = async () => Number(await sql(o.db, 'SELECT COUNT(*) FROM survey_answers'));
  assert.equal(await count(), 1, 'the score is saved before sending');
  assert.equal(await page.locator('input[name="a.nps"][value="8"]').isChecked(), true);
  // a visitor who continues: the text is saved when the field loses focus
  await page.fill('textarea >> nth=0', 'Snel en vriendelijk geholpen, maar de factuur was onduidelijk.');
  await page.locator('textarea >> nth=1').focus();
  await waitFor(async () => (await count()) === 2, { what: 'the open answer is saved on change' });
  await Promise.all([page.waitForNavigation(), page.click('main form button[type="submit"]')]);
  assert.match(await page.locator('main h1').innerText(), /dank/i);
  const s = await saved(page);
  assert.equal(s.invitation.state, 'completed');
  assert.equal(s.answers.nps, 8);
  assert.match(s.answers.reason, /vriendelijk/);
});

test('without JavaScript, in English: the form alone saves and finishes', { skip }, async (t) => {
  const ctx = await newContext(t, browser, { locale: 'en-US', javaScriptEnabled: false, ...PHONE });
  const page = await ctx.newPage();
  await page.goto(srv.url(survey.link_url));
  // the visitor's own language choice wins on a link survey
  await Promise.all([page.waitForNavigation(), page.click('form.lang button[value="en"]')]).catch(() => {});
  assert.match(await page.locator('legend').first().innerText(), /recommend/);
  // sending without the required score: told so, the text is kept
  await page.fill('textarea >> nth=0', 'Quick answers on the phone.');
  await Promise.all([page.waitForNavigation(), page.click('main form button[type="submit"]')]);
  assert.equal(await page.locator('fieldset[aria-invalid="true"]').count(), 1);
  assert.equal(await page.locator('textarea >> nth=0').inputValue(), 'Quick answers on the phone.');
  await page.locator('label.point', { hasText: /^10$/ }).click();
  await Promise.all([page.waitForNavigation(), page.click('main form button[type="submit"]')]);
  assert.match(await page.locator('main h1').innerText(), /thank you/i);
  const s = await saved(page);
  assert.equal(s.answers.nps, 10);
  assert.equal(s.answers.reason, 'Quick answers on the phone.');
  // a finished response cannot be changed any more
  const r = await api(srv.base, null, 'POST', `/s/${new URL(page.url()).pathname.split('/').pop()}`, { answers: { nps: 0 } });
  assert.equal(r.status, 409);
});

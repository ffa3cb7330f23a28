// SPDX-License-Identifier: Apache-2.0
// Every page works without JavaScript: htmx only enhances. A Chromium
// context with JavaScript off signs in, switches language, creates a team
// and adds a lead, filters the user list, makes and revokes a token, and
// signs out, all with plain forms and links.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { before, test } from 'node:test';

import {
  CHROMIUM, api, browserLogin, createToken, fileScope, initOrg, launchBrowser, newContext, serve,
} from './lib.mjs';

const skip = !existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM}`;
let o, srv, tok, browser, n = 0;
const scope = fileScope();
before(async () => {
  if (skip) return;
  o = await initOrg(scope);
  srv = await serve(scope, { db: o.db });
  tok = await createToken(o.db, o.email);
  browser = await launchBrowser(scope);
});

async function makeUser(role = 'admin', extra = {}) {
  n++;
  const u = { email: `zonderjs${n}@test.example`, name: `Zonder JS ${n}`, role, password: `wachtwoord-${n}-lang`, ...extra };
  const r = await api(srv.base, tok, 'POST', '/users', u);
  assert.equal(r.status, 201, r.text);
  return { ...u, id: r.body.id };
}

/** A page in a fresh context with JavaScript off. */
async function noJsPage(t, locale = 'nl-NL') {
  const ctx = await newContext(t, browser, { javaScriptEnabled: false, locale });
  return ctx.newPage();
}

async function submit(page, locator) {
  const post = page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'POST');
  const nav = page.waitForNavigation();
  await locator.click();
  const [p] = await Promise.all([post, nav]);
  return { post: p.status(), path: new URL(page.url()).pathname };
}

const h1 = (page) => page.locator('main h1').first().innerText();

test('without JavaScript: sign in and switch the language', { skip }, async (t) => {
  const u = await makeUser();
  const page = await noJsPage(t);
  await page.goto(srv.url('/'));
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal(await page.evaluate(() => typeof window.htmx), 'undefined', 'JavaScript is really off');
  await page.fill('#email', u.email);
  await page.fill('#password', u.password);
  let r = await submit(page, page.getByRole('button', { name: 'Aanmelden' }));
  assert.equal(r.post, 303);
  assert.equal(r.path, '/');
  assert.equal(await h1(page), `Welkom, ${u.name}`);

  r = await submit(page, page.locator('header').getByRole('button', { name: 'English' }));
  assert.equal(r.post, 303);
  assert.equal(r.path, '/');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await h1(page), `Welcome, ${u.name}`);
  await page.locator('header').getByRole('link', { name: 'Teams' }).click();
  await page.waitForURL('**/teams');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  // and back
  r = await submit(page, page.locator('header').getByRole('button', { name: 'Nederlands' }));
  assert.equal(r.path, '/teams');
  assert.equal(await page.getAttribute('html', 'lang'), 'nl');
});

test('without JavaScript: the language switch works before signing in too', { skip }, async (t) => {
  const page = await noJsPage(t);
  await page.goto(srv.url('/login'));
  const r = await submit(page, page.locator('header').getByRole('button', { name: 'English' }));
  assert.equal(r.post, 303);
  assert.equal(r.path, '/login');
  assert.equal(await h1(page), 'Sign in');
});

test('without JavaScript: create a team and add a lead', { skip }, async (t) => {
  const u = await makeUser('manager', { lang: 'en' });
  const member = await makeUser('employee', { name: 'Lid Zonder JS' });
  const page = await noJsPage(t, 'en-US');
  await browserLogin(page, srv.base, u.email, u.password, '/teams/new');
  await page.fill('#name', 'Team zonder JavaScript');
  await page.fill('#description', 'Alles met gewone formulieren.');
  let r = await submit(page, page.getByRole('button', { name: 'Create' }));
  assert.equal(r.post, 303);
  assert.match(r.path, /^\/teams\/\d+$/);
  assert.equal(await h1(page), 'Team zonder JavaScript');
  await page.selectOption('#user_id', String(member.id));
  await page.check('input[name="lead"]');
  r = await submit(page, page.getByRole('button', { name: 'Add a member' }));
  assert.equal(r.post, 303);
  assert.match(await page.locator('main').innerText(), /Lid Zonder JS \(lead\)/);
  const id = Number(r.path.split('/').pop());
  const team = await api(srv.base, tok, 'GET', `/teams/${id}`);
  assert.equal(team.body.members.find((m) => m.id === member.id)?.is_lead, true);
});

test('without JavaScript: the user filter is a plain GET form', { skip }, async (t) => {
  const u = await makeUser('employee', { lang: 'en' });
  await makeUser('employee', { name: 'Zoekbare Zwaluw' });
  const page = await noJsPage(t, 'en-US');
  await browserLogin(page, srv.base, u.email, u.password, '/users');
  await page.fill('#q', 'zwaluw');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Filter' }).click()]);
  const url = new URL(page.url());
  assert.equal(url.pathname, '/users');
  assert.equal(url.searchParams.get('q'), 'zwaluw');
  const main = await page.locator('main').innerText();
  assert.match(main, /Zoekbare Zwaluw/);
  assert.ok(!main.includes(u.email), 'others are filtered out');
});

test('without JavaScript: create and revoke an API token, then sign out', { skip }, async (t) => {
  const u = await makeUser('employee', { lang: 'en' });
  const page = await noJsPage(t, 'en-US');
  await browserLogin(page, srv.base, u.email, u.password, '/tokens');
  // the form is in an open <details> while there are no tokens
  await page.fill('#name', 'Zonder JS');
  let r = await submit(page, page.getByRole('button', { name: 'Create token' }));
  assert.equal(r.post, 201);
  const secret = await page.inputValue('#new-token');
  assert.equal((await api(srv.base, secret, 'GET', '/me')).status, 200);
  r = await submit(page, page.getByRole('button', { name: 'Revoke: Zonder JS' }));
  assert.equal(r.post, 303);
  assert.equal(r.path, '/tokens');
  assert.equal((await api(srv.base, secret, 'GET', '/me')).status, 401);
  r = await submit(page, page.locator('header').getByRole('button', { name: 'Sign out' }));
  assert.equal(r.post, 303);
  assert.equal(r.path, '/login');
  await page.goto(srv.url('/tokens'));
  assert.equal(new URL(page.url()).pathname, '/login');
});

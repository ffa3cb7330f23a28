// SPDX-License-Identifier: Apache-2.0
// What an administrator does in a real browser (headless Chromium): sign in
// in Dutch, switch to English, create a user (with a validation error on
// the way), a team with that user as lead, an API token (shown once, used,
// revoked), change their password, retry a failed background job, and sign
// out. Every test has its own
// browser context and its own fresh administrator, so tests do not depend
// on each other.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { before, test } from 'node:test';

import {
  CHROMIUM, Client, api, browserLogin, createToken, fileScope, initOrg, launchBrowser,
  newContext, serve, sql, waitFor,
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

/** A new user made over the API: {id, email, password, name}. */
async function makeUser(role = 'admin', extra = {}) {
  n++;
  const u = { email: `gebruiker${n}@test.example`, name: `Gebruiker ${n}`, role, password: `wachtwoord-${n}-lang`, ...extra };
  const r = await api(srv.base, tok, 'POST', '/users', u);
  assert.equal(r.status, 201, r.text);
  return { ...u, id: r.body.id };
}

/** Clicks and waits for the document navigation it causes: the status of
 * the POST (303, 422, ...), the final status and URL. */
async function submit(page, locator) {
  const post = page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'POST');
  const nav = page.waitForNavigation();
  await locator.click();
  const [p, final] = await Promise.all([post, nav]);
  return { post: p.status(), status: final?.status(), path: new URL(page.url()).pathname };
}

const lang = (page) => page.getAttribute('html', 'lang');
const h1 = (page) => page.locator('main h1').first().innerText();

test('a Dutch browser signs in in Dutch, switches to English in the header, and English stays', { skip }, async (t) => {
  const u = await makeUser();
  const ctx = await newContext(t, browser, { locale: 'nl-NL' });
  const page = await ctx.newPage();
  await page.goto(srv.url('/login'));
  assert.equal(await lang(page), 'nl');
  assert.equal(await page.title(), 'Aanmelden · brug');
  await page.getByLabel('E-mailadres').fill(u.email);
  await page.getByLabel('Wachtwoord').fill(u.password);
  let r = await submit(page, page.getByRole('button', { name: 'Aanmelden' }));
  assert.equal(r.post, 303);
  assert.equal(r.path, '/');
  assert.equal(await h1(page), `Welkom, ${u.name}`);
  assert.equal(await lang(page), 'nl');

  await page.getByRole('link', { name: 'Teams', exact: true }).first().click();
  await page.waitForURL('**/teams');
  r = await submit(page, page.locator('header').getByRole('button', { name: 'English' }));
  assert.equal(r.post, 303);
  assert.equal(r.path, '/teams', 'back on the same page');
  assert.equal(await lang(page), 'en');
  assert.equal(await h1(page), 'Teams');
  assert.equal(await page.locator('header .lang [aria-current="true"]').innerText(), 'English');
  await page.locator('header').getByRole('link', { name: 'Users' }).click();
  await page.waitForURL('**/users');
  assert.equal(await lang(page), 'en', 'the next page is English too');
  assert.equal(await h1(page), 'Users');
  await page.goto(srv.url('/me'));
  assert.equal(await page.locator('#lang').inputValue(), 'en', 'stored as the user\'s language');

  // a new Dutch browser: English after signing in, because the user chose it
  const ctx2 = await newContext(t, browser, { locale: 'nl-NL' });
  const page2 = await ctx2.newPage();
  await browserLogin(page2, srv.base, u.email, u.password);
  assert.equal(await lang(page2), 'en');
  assert.equal(await h1(page2), `Welcome, ${u.name}`);
});

test('create a user through the form: a validation error shown at the field, then fixed', { skip }, async (t) => {
  const admin = await makeUser('admin', { lang: 'en' });
  const ctx = await newContext(t, browser, { locale: 'en-US' });
  const page = await ctx.newPage();
  await browserLogin(page, srv.base, admin.email, admin.password);
  await page.getByRole('link', { name: 'Users', exact: true }).first().click();
  await page.getByRole('button', { name: 'New user' }).click(); // a link styled (and announced) as a button
  await page.waitForURL('**/users/new');
  await page.getByLabel('Name').fill('Femke Jansen');
  await page.getByLabel('Email address').fill('femke-at-test.example');
  await page.getByLabel('Role').selectOption('manager');
  await page.getByLabel('Password', { exact: true }).fill('femke-wachtwoord');
  let r = await submit(page, page.getByRole('button', { name: 'Create' }));
  assert.equal(r.post, 422);
  assert.equal(await h1(page), 'New user', 'the form again, not an error page');
  const email = page.locator('#email');
  assert.equal(await email.getAttribute('aria-invalid'), 'true');
  assert.equal(await email.getAttribute('aria-describedby'), 'email-error');
  assert.equal(await page.locator('#email-error').innerText(), 'Enter a valid email address.');
  assert.ok(await page.locator('#email-error').isVisible());
  assert.equal(await email.inputValue(), 'femke-at-test.example', 'what was typed is kept');
  assert.equal(await page.getByLabel('Name').inputValue(), 'Femke Jansen');
  assert.equal(await page.getByLabel('Role').inputValue(), 'manager');
  assert.equal(await page.locator('#name-error').count(), 0, 'no message at the right fields');

  await email.fill('femke@test.example');
  await page.getByLabel('Password', { exact: true }).fill('femke-wachtwoord');
  r = await submit(page, page.getByRole('button', { name: 'Create' }));
  assert.equal(r.post, 303);
  assert.match(r.path, /^\/users\/\d+$/);
  assert.equal(await h1(page), 'Femke Jansen');
  assert.equal(await page.locator('.flash').innerText(), 'The user has been created.');
  assert.match(await page.locator('dl.facts').innerText(), /Manager/);
  // and she can sign in
  await new Client(srv.base).login('femke@test.example', 'femke-wachtwoord');
});

test('create a team through the form', { skip }, async (t) => {
  const admin = await makeUser('manager', { lang: 'en' });
  const ctx = await newContext(t, browser, { locale: 'en-US' });
  const page = await ctx.newPage();
  await browserLogin(page, srv.base, admin.email, admin.password);
  await page.goto(srv.url('/teams'));
  await page.getByRole('button', { name: 'New team' }).click();
  await page.waitForURL('**/teams/new');
  await page.getByLabel('Name').fill('Klantenservice Noord');
  await page.getByLabel(/Description/).fill('Telefoon en chat voor het noorden.');
  const r = await submit(page, page.getByRole('button', { name: 'Create' }));
  assert.equal(r.post, 303);
  assert.match(r.path, /^\/teams\/\d+$/);
  assert.equal(await h1(page), 'Klantenservice Noord');
  assert.equal(await page.locator('.flash').innerText(), 'The team has been created.');
});

test('add a user to a team as its lead through the form', { skip }, async (t) => {
  const manager = await makeUser('manager', { lang: 'en' });
  const member = await makeUser('employee', { name: 'Joost Lid' });
  const team = await api(srv.base, tok, 'POST', '/teams', { name: `Team van ${manager.name}` });
  assert.equal(team.status, 201);
  const ctx = await newContext(t, browser, { locale: 'en-US' });
  const page = await ctx.newPage();
  await browserLogin(page, srv.base, manager.email, manager.password, `/teams/${team.body.id}`);
  assert.equal(await h1(page), `Team van ${manager.name}`);
  assert.match(await page.locator('main').innerText(), /This team has no members yet\./);
  await page.getByLabel('Colleague').selectOption({ label: `Joost Lid (${member.email})` });
  await page.getByLabel('Leads the team').check();
  const r = await submit(page, page.getByRole('button', { name: 'Add a member' }));
  assert.equal(r.post, 303);
  assert.equal(r.path, `/teams/${team.body.id}`);
  assert.equal(await page.locator('.flash').innerText(), 'The team has been updated.');
  const row = page.locator('main table tbody tr', { hasText: member.email });
  assert.equal(await row.count(), 1, 'the new member is a row of the members table');
  assert.match(await row.innerText(), /Joost Lid \(lead\)/);
  // the API agrees
  const got = await api(srv.base, tok, 'GET', `/teams/${team.body.id}`);
  const m = got.body.members.find((x) => x.id === member.id);
  assert.equal(m?.is_lead, true);
});

test('an API token: the secret is shown once, works on /api/v1/me, and is dead once revoked', { skip }, async (t) => {
  const u = await makeUser('employee', { lang: 'en' });
  const ctx = await newContext(t, browser, { locale: 'en-US' });
  const page = await ctx.newPage();
  await browserLogin(page, srv.base, u.email, u.password);
  await page.locator('header').getByRole('link', { name: 'API tokens' }).click();
  await page.waitForURL('**/tokens');
  assert.match(await page.locator('main').innerText(), /No tokens yet\./);
  await page.getByLabel('What is it for?').fill('Koppeling CRM');
  await page.getByLabel('Expires after (days)').fill('30');
  const r = await submit(page, page.getByRole('button', { name: 'Create token' }));
  assert.equal(r.post, 201);
  const secret = await page.getByLabel('Your new token').inputValue();
  assert.match(secret, /^\S{30,}$/);
  assert.match(await page.locator('article.secret').innerText(), /shown only once/);

  let me = await api(srv.base, secret, 'GET', '/me');
  assert.equal(me.status, 200);
  assert.equal(me.body.email, u.email);
  assert.equal(me.body.auth, 'token');

  await page.goto(srv.url('/tokens'));
  assert.equal(await page.locator('#new-token').count(), 0, 'not shown again');
  assert.ok(!(await page.content()).includes(secret), 'the secret is nowhere on the page');
  const row = page.locator('main table tbody tr', { hasText: 'Koppeling CRM' });
  assert.equal(await row.count(), 1, 'the token is a row of the tokens table');
  const revoke = await submit(page, row.getByRole('button', { name: 'Revoke: Koppeling CRM' }));
  assert.equal(revoke.post, 303);
  assert.equal(revoke.path, '/tokens');
  assert.equal(await page.locator('.flash').innerText(), 'The token has been revoked.');
  assert.match(await page.locator('main table tbody tr', { hasText: 'Koppeling CRM' }).innerText(), /Revoked/);
  me = await api(srv.base, secret, 'GET', '/me');
  assert.equal(me.status, 401);
  assert.equal(me.body.error, 'unauthenticated');
});

test('change own password, then sign out', { skip }, async (t) => {
  const u = await makeUser('employee', { lang: 'en' });
  const ctx = await newContext(t, browser, { locale: 'en-US' });
  const page = await ctx.newPage();
  await browserLogin(page, srv.base, u.email, u.password);
  await page.locator('header').getByRole('link', { name: u.name }).click();
  await page.waitForURL('**/me');
  assert.equal(await h1(page), 'My account');
  await page.getByLabel('Current password').fill(u.password);
  await page.getByLabel('New password', { exact: true }).fill('nieuw-geheim-123');
  await page.getByLabel('New password again').fill('nieuw-geheim-123');
  let r = await submit(page, page.getByRole('button', { name: 'Change password' }));
  assert.equal(r.post, 303);
  assert.equal(r.path, '/me');
  assert.equal(await page.locator('.flash').innerText(), 'Your password has been changed.');
  // this session goes on; the old password is gone, the new one works
  await page.goto(srv.url('/'));
  assert.equal(await h1(page), `Welcome, ${u.name}`);
  const old = await new Client(srv.base).submit('/login', '/login', { email: u.email, password: u.password });
  assert.equal(old.status, 401);
  await new Client(srv.base).login(u.email, 'nieuw-geheim-123');

  r = await submit(page, page.locator('header').getByRole('button', { name: 'Sign out' }));
  assert.equal(r.post, 303);
  assert.equal(r.path, '/login');
  assert.equal(await page.locator('.flash').innerText(), 'You have been signed out.');
  const cookies = await ctx.cookies();
  assert.ok(!cookies.some((c) => c.name === 'brug_session'), 'the session cookie is gone');
  await page.goto(srv.url('/users'));
  assert.equal(new URL(page.url()).pathname, '/login', 'signed out: back to the login page');
  assert.equal(new URL(page.url()).search, '?next=%2Fusers');
});

test('changing the password with a wrong current one: the form again with the message at the field', { skip }, async (t) => {
  const u = await makeUser('employee', { lang: 'en' });
  const ctx = await newContext(t, browser, { locale: 'en-US' });
  const page = await ctx.newPage();
  await browserLogin(page, srv.base, u.email, u.password, '/me');
  await page.getByLabel('Current password').fill('niet-mijn-wachtwoord');
  await page.getByLabel('New password', { exact: true }).fill('nieuw-geheim-123');
  await page.getByLabel('New password again').fill('ander-geheim-123');
  const r = await submit(page, page.getByRole('button', { name: 'Change password' }));
  assert.equal(r.post, 422);
  assert.equal(await h1(page), 'My account', 'the form again, not an error page');
  assert.equal(await page.locator('#current_password-error').innerText(), 'This is not your current password.');
  assert.equal(await page.locator('#password_confirm-error').innerText(), 'The two passwords differ.');
  assert.equal(await page.getByLabel('Current password').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByLabel('Current password').inputValue(), '', 'passwords are not sent back');
  await new Client(srv.base).login(u.email, u.password); // unchanged
});

test('a user created over the API signs in in the browser and lands where they were going', { skip }, async (t) => {
  const u = await makeUser('employee', { name: 'Via de API' });
  const ctx = await newContext(t, browser, { locale: 'nl-NL' });
  const page = await ctx.newPage();
  await page.goto(srv.url('/teams'));
  assert.equal(new URL(page.url()).pathname, '/login');
  await page.getByLabel('E-mailadres').fill(u.email);
  await page.getByLabel('Wachtwoord').fill(u.password);
  const r = await submit(page, page.getByRole('button', { name: 'Aanmelden' }));
  assert.equal(r.post, 303);
  assert.equal(r.path, '/teams');
  assert.equal(await h1(page), 'Teams');
  // an employee gets no administration links
  assert.equal(await page.locator('header a[href="/audit"]').count(), 0);
  assert.equal(await page.locator('a[href="/teams/new"]').count(), 0);
});

test('a failed background job: found under Mislukt, retried with one click, then done', { skip }, async (t) => {
  const admin = await makeUser('admin', { lang: 'nl' });
  const org = Number(await sql(o.db, `SELECT org_id FROM users WHERE email = '${o.email}'`));
  const now = Date.now();
  const id = Number(await sql(o.db, `INSERT INTO jobs (org_id, kind, payload, state, run_at, attempts,
    max_attempts, lease_ms, last_error, created_at, updated_at, finished_at) VALUES (${org}, 'probe',
    '{}', 'failed', ${now - 60000}, 2, 2, 60000, 'the probe was asked to fail', ${now - 60000}, ${now - 1000},
    ${now - 1000}) RETURNING id`));
  const ctx = await newContext(t, browser, { locale: 'nl-NL' });
  const page = await ctx.newPage();
  await browserLogin(page, srv.base, admin.email, admin.password);
  await page.locator('header').getByRole('link', { name: 'Achtergrondtaken' }).click();
  await page.waitForURL('**/jobs');
  assert.equal(await h1(page), 'Achtergrondtaken');
  await page.getByRole('link', { name: /^Mislukt \(\d+\)$/ }).click();
  await page.waitForURL('**/jobs?state=failed');
  const row = page.locator('main tbody tr', { has: page.locator(`td:first-child:text-is("${id}")`) });
  assert.equal(await row.count(), 1, 'the failed job is listed');
  assert.match(await row.innerText(), /Mislukt[\s\S]*2 \/ 2[\s\S]*the probe was asked to fail/);
  const r = await submit(page, row.getByRole('button', { name: 'Opnieuw' }));
  assert.equal(r.post, 303);
  assert.equal(r.path, '/jobs');
  assert.equal(await page.locator('.flash').innerText(), 'De taak staat weer in de wachtrij.');
  // a worker of the server takes it at once: done on its first new attempt
  const job = await waitFor(async () => {
    const res = await api(srv.base, tok, 'GET', '/jobs?per_page=100');
    const it = res.body.items.find((j) => j.id === id);
    return it?.state === 'done' && it;
  }, { timeoutMs: 15000, what: 'the retried job to be done' });
  assert.equal(job.attempts, 1);
  const audit = await api(srv.base, tok, 'GET', '/audit?limit=5');
  assert.ok(audit.body.items.some((e) => e.action === 'job.retry' && e.object_id === id), 'the retry is audited');
});

test('log an interaction from a person\'s page: it shows on the timeline with the organisation\'s', { skip }, async (t) => {
  const org = (await api(srv.base, tok, 'POST', '/relations', { kind: 'organisation', name: `Bakkerij ${++n}` })).body;
  const person = (await api(srv.base, tok, 'POST', '/relations', { kind: 'person', given_name: 'Zoë', family_name: `Visser ${n}`, parent_id: org.id })).body;
  const u = await makeUser('employee', { lang: 'nl' });
  const ctx = await newContext(t, browser, { locale: 'nl-NL' });
  const page = await ctx.newPage();
  await browserLogin(page, srv.base, u.email, u.password);
  await page.goto(srv.url(`/relations/${person.id}`));
  assert.equal(await h1(page), person.name);
  await page.getByRole('button', { name: 'Contactmoment vastleggen' }).click();
  await page.waitForURL(`**/interactions/new?relation_id=${person.id}`);
  await page.getByLabel('Onderwerp').fill('Bestelling van taarten');
  await page.getByLabel('Kanaal').selectOption({ label: 'E-mail' });
  await page.getByLabel('Richting').selectOption({ label: 'Uitgaand' });
  await page.getByLabel('In de rol van').selectOption({ label: 'verkoop' });
  await page.getByLabel(/Samenvatting/).fill('Offerte voor **twaalf** taarten gestuurd.');
  await page.getByLabel('Opvolging nodig').check();
  const r = await submit(page, page.getByRole('button', { name: 'Opslaan' }));
  assert.equal(r.post, 303);
  assert.equal(r.path, `/relations/${person.id}`);
  assert.equal(await page.locator('.flash').innerText(), 'Het contactmoment is vastgelegd.');
  const item = page.locator('ol.timeline li').first();
  assert.match(await item.innerText(), /Bestelling van taarten\s+E-mail · Uitgaand · Gebruiker \d+ \(verkoop\)/);
  // the organisation's timeline shows its people's contact moments too
  await page.goto(srv.url(`/relations/${org.id}`));
  assert.match(await page.locator('ol.timeline').innerText(), /Bestelling van taarten/);
  // the summary is rendered, and the API has what was typed
  await page.locator('ol.timeline a', { hasText: 'Bestelling van taarten' }).click();
  await page.waitForURL('**/interactions/*');
  assert.equal(await page.locator('.markdown strong').innerText(), 'twaalf');
  const list = await api(srv.base, tok, 'GET', `/interactions?relation_id=${person.id}`);
  assert.deepEqual([list.body.total, list.body.items[0].channel, list.body.items[0].direction, list.body.items[0].outcome,
    list.body.items[0].user_id, list.body.items[0].company_id], [1, 'email', 'out', 'follow_up', u.id, org.id]);
});

test('import relations with a preview: a rejected row with its line, confirmed skipping it', { skip }, async (t) => {
  const k = ++n;
  const u = await makeUser('employee', { lang: 'nl' });
  const ctx = await newContext(t, browser, { locale: 'nl-NL' });
  const page = await ctx.newPage();
  await browserLogin(page, srv.base, u.email, u.password);
  await page.goto(srv.url('/relations'));
  await page.getByRole('button', { name: 'Importeren', exact: true }).click(); // a link styled as a button
  await page.waitForURL('**/relations/import');
  assert.equal(await h1(page), 'Relaties importeren');
  const csv = `Bedrijfsnaam;Voornaam;Achternaam;E-mailadres;Plaats\r\nImport ${k} B.V.;;;info@import${k}.example;Delft\r\n`
    + `Import ${k} B.V.;Sanne;de Wit ${k};sanne@;\r\nImport ${k} B.V.;Mehmet;Kaya ${k};mehmet@import${k}.example;\r\n`;
  await page.getByLabel('Bestand').setInputFiles({ name: `klanten-${k}.csv`, mimeType: 'text/csv', buffer: Buffer.from('\uFEFF' + csv) });
  await page.getByLabel('Als een relatie al bestaat').selectOption('skip');
  let r = await submit(page, page.getByRole('button', { name: 'Voorbeeld bekijken' }));
  assert.equal(r.post, 200);
  assert.equal(await h1(page), `Voorbeeld van de import: klanten-${k}.csv`);
  const rejected = page.locator('table.rejected tbody tr');
  assert.equal(await rejected.count(), 1);
  assert.deepEqual(await rejected.locator('td').allInnerTexts(), ['3', 'geen geldig e-mailadres', 'sanne@']);
  assert.match(await page.locator('table.preview tbody').innerText(), /^2\tNieuw\tImport \d+ B\.V\./m);

  // all or nothing: without skipping the rejected row nothing is imported
  r = await submit(page, page.getByRole('button', { name: 'Importeren', exact: true }));
  assert.equal(r.post, 422);
  assert.match(await page.locator('main [role="alert"]').innerText(), /Er is niets geïmporteerd/);
  let list = await api(srv.base, tok, 'GET', `/relations?status=all&per_page=200`);
  assert.equal(list.body.items.filter((i) => i.name.startsWith(`Import ${k} `)).length, 0);

  await page.getByLabel('De afgekeurde regels overslaan en de andere importeren').check();
  r = await submit(page, page.getByRole('button', { name: 'Importeren', exact: true }));
  assert.equal(r.post, 303);
  assert.equal(r.path, '/relations');
  assert.equal(await page.locator('.flash').innerText(), 'De import is klaar.');
  assert.match(await page.locator('#relation-list').innerText(), new RegExp(`Mehmet Kaya ${k}`));
  list = await api(srv.base, tok, 'GET', `/relations?status=all&per_page=200`);
  assert.deepEqual(list.body.items.filter((i) => i.name.includes(`${k}`) && /Import|Kaya|Wit/.test(i.name)).map((i) => i.name).sort(),
    [`Import ${k} B.V.`, `Mehmet Kaya ${k}`]);
});

test('search while typing: results replace themselves in place, and the page works without htmx', { skip }, async (t) => {
  const name = `Zoë Ångström ${++n}`;
  const rel = (await api(srv.base, tok, 'POST', '/relations', { kind: 'person', name, phones: [{ value: '06-87654321' }] })).body;
  const ctx = await newContext(t, browser, { locale: 'en-US' });
  const page = await ctx.newPage();
  const u = await makeUser('employee', { lang: 'en' });
  await browserLogin(page, srv.base, u.email, u.password);
  // the search box in the header leads to the search page
  await page.locator('header input[type="search"]').fill('angstr');
  await Promise.all([page.waitForURL('**/search?q=angstr'), page.keyboard.press('Enter')]);
  assert.equal(await h1(page), 'Search');
  assert.equal(await page.locator('#results a', { hasText: name }).count(), 1, 'found without its accents');
  // typing updates the results in place (htmx): the document stays
  await page.evaluate(() => { window.__same = true; });
  await page.locator('#q').fill('+31 6 8765');
  await page.waitForURL((url) => url.searchParams.get('q') === '+31 6 8765');
  await page.locator('#results a', { hasText: name }).waitFor();
  assert.equal(await page.evaluate(() => window.__same), true, 'no page load');
  await page.locator('#q').fill('nobody-by-this-name');
  await page.locator('#results', { hasText: 'Nothing found.' }).waitFor();
  // the link leads to the relation
  await page.goto(srv.url('/search?q=zoe+angstrom'));
  await page.locator('#results a', { hasText: name }).click();
  await page.waitForURL(`**/relations/${rel.id}`);
  assert.equal(await h1(page), name);
});

test('with JavaScript: no console errors or CSP violations on any page, and htmx is active', { skip }, async (t) => {
  const u = await makeUser('admin', { lang: 'en' });
  const team = await api(srv.base, tok, 'POST', '/teams', { name: `Console ${n}` });
  const ctx = await newContext(t, browser, { locale: 'en-US' });
  const page = await ctx.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    if (page.url().endsWith('/nope') && /status of 404/.test(m.text())) return; // the 404 page itself
    problems.push(`${page.url()}: console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
  // A request the browser itself abandons when the page navigates on (the
  // icon, most often) is not a failure of the server.
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`${r.url()}: ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => { if (r.status() >= 400 && !r.url().includes('/nope')) problems.push(`${r.url()}: ${r.status()}`); });
  await browserLogin(page, srv.base, u.email, u.password);
  for (const p of ['/', '/users', `/users/${u.id}`, '/users/new', `/users/${u.id}/edit`, '/teams', `/teams/${team.body.id}`,
    '/teams/new', `/teams/${team.body.id}/edit`, '/tokens', '/audit', '/settings', '/me', '/nope']) {
    await page.goto(srv.url(p));
    assert.equal(await page.evaluate(() => typeof window.htmx?.version), 'string', `htmx runs on ${p}`);
  }
  assert.deepEqual(problems, []);
});

test('with JavaScript: the user filter updates the list in place (htmx)', { skip }, async (t) => {
  const u = await makeUser('employee', { lang: 'en' });
  await makeUser('employee', { name: 'Uniek Zoekwoord' });
  const ctx = await newContext(t, browser, { locale: 'en-US' });
  const page = await ctx.newPage();
  await browserLogin(page, srv.base, u.email, u.password, '/users');
  let reloads = 0;
  page.on('load', () => reloads++);
  const partial = page.waitForResponse((r) => new URL(r.url()).pathname === '/users' && r.request().headers()['hx-request'] === 'true');
  await page.locator('#q').pressSequentially('zoekwoord', { delay: 20 });
  assert.equal((await partial).status(), 200);
  await page.waitForFunction(() => document.querySelector('main').innerText.includes('Uniek Zoekwoord') &&
    !document.querySelector('main').innerText.includes('Gebruiker 1'));
  await page.waitForURL(/q=zoekwoord/); // hx-push-url
  assert.equal(reloads, 0, 'no page load: the list was swapped in place');
  assert.equal(await page.locator('#q').inputValue(), 'zoekwoord', 'the search box kept its text');
  assert.equal(await page.locator('[id="user-list"]').count(), 1, 'one #user-list: the swap replaces the list, it does not nest a copy in it');
  assert.equal(await page.locator('main form.filters').count(), 1, 'one filter form');
});

// --- likely duplicates, merge, privacy erasure ---

test('a manager merges two duplicates from the duplicates page: the one kept has the other\'s history', { skip }, async (t) => {
  const k = ++n;
  const keep = (await api(srv.base, tok, 'POST', '/relations', { kind: 'person', name: `Fenna Dijkstra ${k}`,
    emails: [{ value: `fenna${k}@dijkstra.example` }] })).body;
  const other = (await api(srv.base, tok, 'POST', '/relations', { kind: 'person', name: `F. Dijkstra-Smit ${k}`,
    emails: [{ value: `FENNA${k}@Dijkstra.example` }, { value: `f${k}@werk.example` }], tags: ['nieuwsbrief'] })).body;
  const call = await api(srv.base, tok, 'POST', '/interactions', { person_id: other.id, channel: 'chat', subject: `Vraag over abonnement ${k}` });
  assert.equal(call.status, 201, call.text);
  const u = await makeUser('manager', { lang: 'en' });
  const ctx = await newContext(t, browser, { locale: 'en-US' });
  const page = await ctx.newPage();
  await browserLogin(page, srv.base, u.email, u.password, '/relations');
  await page.getByRole('button', { name: 'Likely duplicates' }).click(); // a link styled as a button
  await page.waitForURL('**/relations/duplicates');
  assert.equal(await h1(page), 'Likely duplicates');
  const pair = page.locator('article.pair', { hasText: keep.name }).filter({ hasText: other.name });
  assert.equal(await pair.count(), 1, 'the pair is listed');
  assert.match(await pair.innerText(), /Shared: email address/);
  const r = await submit(page, pair.getByRole('button', { name: `Keep ${keep.name}`, exact: true }));
  assert.equal(r.post, 303);
  assert.equal(r.path, '/relations/duplicates', 'back on the list');
  assert.equal(await page.locator('.flash').innerText(), 'The relations have been merged.');
  assert.equal(await page.locator('article.pair', { hasText: keep.name }).count(), 0, 'the pair is gone');
  // the one kept has the other's contact moment, address and tag
  await page.goto(srv.url(`/relations/${keep.id}`));
  assert.match(await page.locator('ol.timeline').innerText(), new RegExp(`Vraag over abonnement ${k}`));
  const contact = await page.locator('main section', { hasText: 'Contact details' }).innerText();
  assert.match(contact, new RegExp(`f${k}@werk\\.example`));
  assert.equal(contact.toLowerCase().split(`fenna${k}@dijkstra.example`).length - 1, 1, 'no double email');
  assert.match(contact, /nieuwsbrief/);
  // the other's old address leads to the one kept
  await page.goto(srv.url(`/relations/${other.id}`));
  assert.equal(new URL(page.url()).pathname, `/relations/${keep.id}`);
  assert.equal((await api(srv.base, tok, 'GET', `/relations/${other.id}`)).status, 404);
});

test('a manager erases a person after typing their name: gone from lists, their contact moments still counted', { skip }, async (t) => {
  const k = ++n;
  const person = (await api(srv.base, tok, 'POST', '/relations', { kind: 'person', given_name: 'Erik', family_name: `Wisser ${k}`,
    emails: [{ value: `erik${k}@wisser.example` }] })).body;
  const call = await api(srv.base, tok, 'POST', '/interactions', { person_id: person.id, channel: 'phone', subject: `Persoonlijk verhaal ${k}` });
  assert.equal(call.status, 201, call.text);
  const before = (await api(srv.base, tok, 'GET', '/interactions')).body.total;
  const u = await makeUser('manager', { lang: 'en' });
  const ctx = await newContext(t, browser, { locale: 'en-US' });
  const page = await ctx.newPage();
  await browserLogin(page, srv.base, u.email, u.password, `/relations/${person.id}`);
  const privacy = page.getByRole('region', { name: 'Privacy' });
  assert.equal(await privacy.getByRole('link', { name: 'Download everything about this person (JSON)' }).getAttribute('href'),
    `/relations/${person.id}/privacy-export`);
  await privacy.getByRole('link', { name: 'Erase this person…' }).click();
  await page.waitForURL(`**/relations/${person.id}/erase`);
  // a wrong name is refused at the field, and nothing happens
  await page.getByLabel(/To confirm, type the name/).fill('Erik');
  let r = await submit(page, page.getByRole('button', { name: 'Erase for good' }));
  assert.equal(r.post, 422);
  const confirm = page.locator('#confirm');
  assert.equal(await confirm.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#confirm-error').innerText(), 'Type the person\'s name as shown to confirm.');
  assert.equal((await api(srv.base, tok, 'GET', `/relations/${person.id}`)).status, 200, 'not erased yet');
  await confirm.fill(person.name.toUpperCase());
  r = await submit(page, page.getByRole('button', { name: 'Erase for good' }));
  assert.equal(r.post, 303);
  assert.equal(r.path, '/relations');
  assert.equal(await page.locator('.flash').innerText(), 'The person has been erased.');
  assert.equal(await page.locator('main').getByText(person.name).count(), 0);
  const gone = await page.goto(srv.url(`/relations/${person.id}`));
  assert.equal(gone.status(), 404);
  assert.equal((await api(srv.base, tok, 'GET', `/search?q=wisser`)).body.relations.length, 0);
  assert.equal((await api(srv.base, tok, 'GET', '/interactions')).body.total, before, 'the contact moment still counts');
  const kept = (await api(srv.base, tok, 'GET', `/interactions/${call.body.id}`)).body;
  assert.deepEqual([kept.channel, kept.subject, kept.summary], ['phone', 'Gewist contactmoment', '']);
});

test('send a relationship survey from its page: the people with a tag are invited, the one without an address is listed as skipped', { skip }, async (t) => {
  const k = ++n, tag = `golf-${k}`;
  const with_ = (await api(srv.base, tok, 'POST', '/relations', { kind: 'person', name: `Gerda Golf ${k}`, tags: [tag], emails: [{ value: `gerda${k}@golf.example` }] })).body;
  const without = (await api(srv.base, tok, 'POST', '/relations', { kind: 'person', name: `Harm Golf ${k}`, tags: [tag] })).body;
  const survey = (await api(srv.base, tok, 'POST', '/surveys', { template: 'nps_relationship', name: `Golfclub ${k}` })).body;
  assert.equal((await api(srv.base, tok, 'PATCH', `/surveys/${survey.id}`, { status: 'active' })).status, 200);
  const u = await makeUser('manager', { lang: 'nl' });
  const ctx = await newContext(t, browser, { locale: 'nl-NL' });
  const page = await ctx.newPage();
  await browserLogin(page, srv.base, u.email, u.password);
  await page.goto(srv.url(`/surveys/${survey.id}`));
  await page.locator('#send').getByLabel('Labels').fill(tag);
  const r = await submit(page, page.getByRole('button', { name: 'Uitnodigingen versturen' }));
  assert.equal(r.post, 303);
  assert.equal(r.path, `/surveys/${survey.id}/invitations`);
  assert.equal(await page.locator('.flash').innerText(), 'De uitnodigingen worden verstuurd.');
  const rows = page.locator('main tbody tr');
  assert.equal(await rows.count(), 2);
  assert.match(await page.locator('main tbody').innerText(), new RegExp(`${without.name}\\s+Overgeslagen: geen e-mailadres`));
  assert.match(await page.locator('main tbody').innerText(), new RegExp(`${with_.name}\\s+gerda${k}@golf.example`));
  const list = await api(srv.base, tok, 'GET', `/surveys/${survey.id}/invitations`);
  assert.deepEqual(list.body.items.map((i) => [i.relation_name, i.skip_reason]).sort(),
    [[with_.name, ''], [without.name, 'no_email']]);
  // sending again right away: contact pressure skips Gerda
  await page.goto(srv.url(`/surveys/${survey.id}`));
  await page.locator('#send').getByLabel('Labels').fill(tag);
  await submit(page, page.getByRole('button', { name: 'Uitnodigingen versturen' }));
  assert.match(await page.locator('main tbody').innerText(), /onlangs uitgenodigd \(contactdruk\)/);
});

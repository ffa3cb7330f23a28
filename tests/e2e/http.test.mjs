// SPDX-License-Identifier: Apache-2.0
// Signing in over HTTP like a browser without JavaScript (cookies, the CSRF
// token from the page, post/redirect/get), bearer tokens on the API, and
// sessions shared by two processes on one database.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { Client, api, createToken, csrfOf, fileScope, initOrg, serve } from './lib.mjs';

// One installation for the tests of this file that need nothing special.
let o, srv, tok;
const scope = fileScope();
before(async () => {
  o = await initOrg(scope);
  srv = await serve(scope, { db: o.db });
  tok = await createToken(o.db, o.email);
});

test('login page: Dutch by default, English for an English browser, a CSRF token and its cookie', async () => {
  const c = new Client(srv.base);
  const page = await c.get('/login');
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(page.text, /<html lang="nl">/);
  assert.match(page.text, /<title>Aanmelden · brug<\/title>/);
  const anon = page.setCookies.find((s) => s.startsWith('brug_anon='));
  assert.ok(anon, 'an anonymous cookie carries the CSRF secret');
  assert.match(anon, /^brug_anon=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
  assert.match(csrfOf(page.text), /^[A-Za-z0-9_-]{43}$/);

  const en = new Client(srv.base, { headers: { 'accept-language': 'en-GB,en;q=0.9,nl;q=0.5' } });
  const enPage = await en.get('/login');
  assert.match(enPage.text, /<html lang="en">/);
  assert.match(enPage.text, /<title>Sign in · brug<\/title>/);
});

test('the login form without its CSRF token, or with another visitor\'s, is refused', async () => {
  const c = new Client(srv.base);
  const token = csrfOf((await c.get('/login')).text);
  let r = await c.post('/login', { form: { email: o.email, password: o.password } });
  assert.equal(r.status, 403);
  assert.match(r.text, /Dit formulier is verlopen/);
  const other = new Client(srv.base);
  await other.get('/login');
  r = await other.post('/login', { form: { _csrf: token, email: o.email, password: o.password } });
  assert.equal(r.status, 403);
  r = await new Client(srv.base).post('/login', { form: { _csrf: token, email: o.email, password: o.password } });
  assert.equal(r.status, 403, 'a token without its cookie');
  assert.equal(c.cookie('brug_session'), undefined);
});

test('a wrong password: 401 and the login form again, the message at the field', async () => {
  const c = new Client(srv.base);
  const r = await c.submit('/login', '/login', { email: o.email, password: 'fout-wachtwoord' });
  assert.equal(r.status, 401);
  assert.equal(c.cookie('brug_session'), undefined);
  assert.match(r.text, /<title>Aanmelden · brug<\/title>/, 'the login form, not an error page');
  assert.match(r.text, /<input id="password" name="password" type="password" autocomplete="current-password" required aria-invalid="true" aria-describedby="password-error">/);
  assert.match(r.text, /<small id="password-error">Dit e-mailadres en wachtwoord horen niet bij elkaar\.<\/small>/);
  assert.match(r.text, new RegExp(`id="email" name="email" type="email" value="${o.email}"`), 'the email address is kept');
});

test('signing in: 303 to next, a session cookie, the anonymous cookie dropped', async () => {
  const c = new Client(srv.base);
  const r = await c.submit('/login', '/login', { email: o.email.toUpperCase(), password: o.password, next: '/teams' });
  assert.equal(r.status, 303);
  assert.equal(r.location, '/teams');
  const sess = r.setCookies.find((s) => s.startsWith('brug_session='));
  assert.match(sess, /^brug_session=[^;]{40,}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=1209600$/);
  assert.ok(r.setCookies.some((s) => /^brug_anon=; .*Max-Age=0/.test(s)));
  const home = await c.get('/');
  assert.equal(home.status, 200);
  assert.match(home.text, /<h1>Welkom, admin<\/h1>/);
  // a signed-in visitor of /login goes on
  const again = await c.get('/login?next=/users');
  assert.equal(again.status, 303);
  assert.equal(again.location, '/users');
});

test('after signing in, next must stay on this site', async () => {
  for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
    const d = new Client(srv.base);
    const p = await d.submit('/login', '/login', { email: o.email, password: o.password, next });
    assert.equal(p.status, 303);
    assert.equal(p.location, '/', `next=${next} is not followed`);
  }
});

test('a form that creates answers 303 with exactly one Location, the page of the new thing', async () => {
  const c = new Client(srv.base);
  await c.login(o.email, o.password);
  let r = await c.submit('/teams/new', '/teams', { name: 'PRG-team' });
  assert.equal(r.status, 303);
  assert.match(r.location, /^\/teams\/\d+$/, 'one Location header');
  r = await c.submit('/users/new', '/users', { name: 'PRG', email: 'prg@test.example', role: 'employee', lang: '', password: 'prg-wachtwoord' });
  assert.equal(r.status, 303);
  assert.match(r.location, /^\/users\/\d+$/, 'one Location header');
});

test('GET /api/v1/me with a bearer token and with the session cookie', async () => {
  let r = await api(srv.base, tok, 'GET', '/me');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.deepEqual(
    { id: r.body.id, email: r.body.email, name: r.body.name, role: r.body.role, auth: r.body.auth, org: r.body.org, teams: r.body.teams },
    { id: 1, email: o.email, name: 'admin', role: 'admin', auth: 'token', org: { id: 1, name: o.org }, teams: [] });
  assert.equal(r.body.is_disabled, false);
  assert.equal(r.body.values, undefined, 'no form values in the API');

  // a lower-case scheme works; a wrong token is a 401 in the client's language
  r = await fetch(srv.url('/api/v1/me'), { headers: { authorization: `bearer ${tok}`, 'accept-language': 'en' } });
  assert.equal(r.status, 200);
  r = await fetch(srv.url('/api/v1/me'), { headers: { authorization: 'Bearer brug_1_nonsense', 'accept-language': 'en' } });
  assert.equal(r.status, 401);
  assert.deepEqual(await r.json(), { error: 'unauthenticated', message: 'The API token is missing, wrong, expired or revoked.' });
  r = await fetch(srv.url('/api/v1/me'), { headers: { authorization: 'Basic YTpi', 'accept-language': 'en' } });
  assert.equal(r.status, 401);
  r = await fetch(srv.url('/api/v1/me'), { headers: { 'accept-language': 'en' } });
  assert.equal(r.status, 401);
  assert.deepEqual(await r.json(), { error: 'unauthenticated', message: 'Please sign in first.' });

  const c = new Client(srv.base);
  await c.login(o.email, o.password);
  r = await c.get('/api/v1/me');
  assert.equal(r.status, 200);
  assert.equal(r.json().auth, 'session');
  // the same handler answers the page and, asked for JSON, the data
  r = await c.get('/me', { headers: { accept: 'application/json' } });
  assert.equal(r.status, 200);
  assert.equal(r.json().email, o.email);
  r = await c.get('/me');
  assert.match(r.headers.get('content-type'), /^text\/html/);
});

test('a 401 from the API names its scheme in WWW-Authenticate (RFC 9110 §15.5.2)', async () => {
  for (const authorization of [undefined, 'Bearer wrong']) {
    const r = await fetch(srv.url('/api/v1/me'), { headers: authorization ? { authorization } : {} });
    assert.equal(r.status, 401);
    assert.match(r.headers.get('www-authenticate') ?? '(none)', /^Bearer\b/,
      `401 ${authorization ?? 'without credentials'} carries WWW-Authenticate: Bearer`);
  }
});

test('writes from a session need the CSRF token; API tokens do not', async () => {
  const c = new Client(srv.base);
  await c.login(o.email, o.password);
  let r = await c.post('/teams', { form: { name: 'Zonder token' } });
  assert.equal(r.status, 403);
  r = await c.post('/api/v1/teams', { json: { name: 'Zonder token' } });
  assert.equal(r.status, 403, 'JSON with a session cookie still needs the token');
  assert.equal(r.json().error, 'forbidden');
  const page = await c.get('/teams/new');
  r = await c.post('/api/v1/teams', { json: { name: 'Met header' }, headers: { 'x-csrf-token': csrfOf(page.text) } });
  assert.equal(r.status, 201);
  r = await api(srv.base, tok, 'POST', '/teams', { name: 'Met bearer' });
  assert.equal(r.status, 201);
  assert.equal(r.headers.get('location'), `/api/v1/teams/${r.body.id}`);
});

test('a user created over the API signs in through the login form', async () => {
  let r = await api(srv.base, tok, 'POST', '/users', { email: 'kort@test.example', name: 'Kort', role: 'employee', password: 'kort' });
  assert.equal(r.status, 422);
  assert.deepEqual(r.body, { error: 'validation_failed', message: 'Een paar velden hebben je aandacht nodig.', fields: { password: 'Gebruik minstens 8 tekens.' } });
  r = await api(srv.base, tok, 'POST', '/users', { email: 'Eva@Test.example', name: 'Eva de Vries', role: 'employee', lang: 'en', password: 'eva-wachtwoord' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.get('location'), `/api/v1/users/${r.body.id}`);
  assert.equal(r.body.email, 'eva@test.example');
  const id = r.body.id;
  r = await api(srv.base, tok, 'POST', '/users', { email: 'eva@test.example', name: 'Eva 2', role: 'employee', password: 'eva-wachtwoord' });
  assert.equal(r.status, 409);
  assert.deepEqual(r.body, { error: 'conflict', message: 'Een paar velden hebben je aandacht nodig.', fields: { email: 'Voor dit e-mailadres bestaat al een account.' } });

  const eva = new Client(srv.base);
  await eva.login('eva@test.example', 'eva-wachtwoord', '/me');
  const me = await eva.get('/me');
  assert.equal(me.status, 200);
  assert.match(me.text, /<html lang="en">/, 'her own language, English');
  assert.match(me.text, /<h1>My account<\/h1>/);
  assert.match(me.text, /eva@test\.example · Organisation: /);
  // an employee may look, not administer
  assert.equal((await eva.get('/users')).status, 200);
  assert.equal((await eva.get('/users/new')).status, 403);
  assert.equal((await eva.get('/audit')).status, 403);
  assert.equal((await eva.get(`/api/v1/users/${id}`)).json().role, 'employee');
  // the API recorded her sign-in
  r = await api(srv.base, tok, 'GET', `/users/${id}`);
  assert.ok(r.body.last_login_at, 'last_login_at is set');
});

test('logout ends the session, also for a copy of the cookie', async () => {
  const c = new Client(srv.base);
  await c.login(o.email, o.password);
  const stolen = c.cookie('brug_session');
  const home = await c.get('/');
  const r = await c.post('/logout', { form: { _csrf: csrfOf(home.text) } });
  assert.equal(r.status, 303);
  assert.equal(r.location, '/login');
  assert.ok(r.setCookies.some((s) => /^brug_session=; .*Max-Age=0/.test(s)), 'the cookie is dropped');
  const after = await c.get('/login');
  assert.match(after.text, /<p class="flash" role="status">Je bent afgemeld\.<\/p>/);

  const replay = new Client(srv.base);
  replay.jar.set('brug_session', stolen);
  let p = await replay.get('/');
  assert.equal(p.status, 303);
  assert.equal(p.location, '/login?next=%2F');
  replay.jar.set('brug_session', stolen);
  p = await replay.get('/api/v1/me');
  assert.equal(p.status, 401);
  // logging out without the token is refused
  const d = new Client(srv.base);
  await d.login(o.email, o.password);
  assert.equal((await d.post('/logout', { form: {} })).status, 403);
  assert.equal((await d.get('/api/v1/me')).status, 200, 'still signed in');
});

test('failed sign-ins are limited per account: 429 with Retry-After', async (t) => {
  const p = await initOrg(t);
  const s = await serve(t, { db: p.db, args: ['--login-limit-account', '3'] });
  const c = new Client(s.base, { headers: { 'accept-language': 'en' } });
  for (let i = 0; i < 3; i++) {
    const r = await c.submit('/login', '/login', { email: p.email, password: `fout-${i}` });
    assert.equal(r.status, 401);
  }
  let r = await c.submit('/login', '/login', { email: p.email, password: p.password });
  assert.equal(r.status, 429, 'even the right password waits');
  assert.match(r.headers.get('retry-after'), /^\d+$/);
  assert.ok(Number(r.headers.get('retry-after')) > 0);
  assert.match(r.text, /Too many failed attempts/);
  r = await fetch(s.url('/login'), {
    method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ email: p.email, password: p.password }),
  });
  assert.equal(r.status, 429);
  assert.equal((await r.json()).error, 'rate_limited');
});

test('two serve processes on one database share sessions and the sign-in limit', async (t) => {
  const p = await initOrg(t);
  const limit = ['--login-limit-account', '3'];
  const a = await serve(t, { db: p.db, args: limit });
  const b = await serve(t, { db: p.db, args: limit });
  assert.notEqual(a.port, b.port);
  const c = new Client(a.base);
  await c.login(p.email, p.password);
  const cookie = c.cookie('brug_session');

  const onB = new Client(b.base);
  onB.jar.set('brug_session', cookie);
  let r = await onB.get('/api/v1/me');
  assert.equal(r.status, 200, 'a session made by A is valid on B');
  assert.equal(r.json().email, p.email);
  // a form page from B carries a CSRF token A accepts: it derives from the
  // session and the installation's secret, both in the database
  const page = await onB.get('/teams/new');
  assert.equal(page.status, 200);
  r = await c.post('/teams', { form: { _csrf: csrfOf(page.text), name: 'Over twee processen' } });
  assert.equal(r.status, 303);
  // (the last Location: see the test of a single Location above)
  r = await onB.get(r.location.match(/\/teams\/\d+$/)[0]);
  assert.equal(r.status, 200);
  assert.match(r.text, /<h1>Over twee processen<\/h1>/);

  // signing out on B ends the session on A
  r = await onB.post('/logout', { form: { _csrf: csrfOf(page.text) } });
  assert.equal(r.status, 303);
  r = await c.get('/api/v1/me');
  assert.equal(r.status, 401);

  // failed sign-ins count together, wherever they were made
  const guess = (srv, password) => fetch(srv.url('/login'), {
    method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ email: p.email, password }),
  });
  assert.equal((await guess(a, 'fout-1')).status, 401);
  assert.equal((await guess(b, 'fout-2')).status, 401);
  assert.equal((await guess(a, 'fout-3')).status, 401);
  r = await guess(b, p.password);
  assert.equal(r.status, 429, 'the fourth attempt, on B, waits: three failed before it on A and B');
  assert.equal((await r.json()).error, 'rate_limited');

  const ra = await a.stop();
  const rb = await b.stop();
  assert.deepEqual([ra.code, rb.code], [0, 0]);
});

test('list pages render real tables: a header row, and no row outside a table', async () => {
  const c = new Client(srv.base);
  await c.login(o.email, o.password);
  const team = await api(srv.base, tok, 'POST', '/teams', { name: 'Tabelteam' });
  assert.equal(team.status, 201);
  assert.equal((await api(srv.base, tok, 'POST', `/teams/${team.body.id}/members`, { user_id: 1, lead: true })).status, 200);
  const wrong = [];
  for (const p of ['/users', '/teams', `/teams/${team.body.id}`, '/tokens', '/audit']) {
    const r = await c.get(p);
    assert.equal(r.status, 200, p);
    if (!/<table>\s*<thead><tr><th scope="col">/.test(r.text)) wrong.push(`${p}: no <table> with a header row`);
    const outside = r.text.replace(/<table>[\s\S]*?<\/table>/g, '');
    if (/<t[rd][\s>]/.test(outside)) wrong.push(`${p}: <tr>/<td> outside any <table>`);
  }
  assert.deepEqual(wrong, []);
});

test("times on pages are written out, in the organisation's time zone", async () => {
  const c = new Client(srv.base);
  await c.login(o.email, o.password);
  const hm = (iso) => {
    const s = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
    return new RegExp(`\\b0?${Number(s.slice(0, 2))}[:.]${s.slice(3, 5)}\\b`);
  };
  const wrong = [];
  for (const p of ['/tokens', '/audit', '/users/1']) {
    const r = await c.get(p);
    const times = [...r.text.matchAll(/<time datetime="([^"]+)">([^<]*)<\/time>/g)];
    if (!times.length) wrong.push(`${p}: no <time> at all`);
    for (const [, iso, text] of times) {
      if (!/^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(iso)) wrong.push(`${p}: datetime="${iso}" is not a date and time`);
      else if (!text.trim()) wrong.push(`${p}: <time datetime="${iso}"> is empty`);
      else if (!hm(iso).test(text)) wrong.push(`${p}: ${iso} shown as "${text}", not in Amsterdam time`);
    }
  }
  const all = [...new Set(wrong)];
  assert.deepEqual(all.slice(0, 6), [], `${all.length} time(s) wrong; the first are shown`);
});

test("a page is in the reader's language, whatever the language of the user it shows", async () => {
  const r = await api(srv.base, tok, 'POST', '/users', { email: 'engels@test.example', name: 'English Speaker', role: 'employee', lang: 'en', password: 'engels-wachtwoord' });
  assert.equal(r.status, 201);
  const c = new Client(srv.base, { headers: { 'accept-language': 'nl' } });
  await c.login(o.email, o.password);
  const page = await c.get(`/users/${r.body.id}`);
  assert.match(page.text, /<html lang="nl">/);
  assert.match(page.text, /<dt>Taal<\/dt><dd>English<\/dd>/);
  const edit = await c.get(`/users/${r.body.id}/edit`);
  assert.match(edit.text, /<html lang="nl">/);
  assert.match(edit.text, /<option value="en" lang="en" selected>English<\/option>/);
});

test('every time in the API is ISO 8601 in UTC, as docs/api.md says', async () => {
  const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
  const wrong = [];
  const check = (where, obj) => {
    for (const [k, v] of Object.entries(obj)) {
      if ((k === 'at' || k.endsWith('_at')) && v !== null && !(typeof v === 'string' && iso.test(v)))
        wrong.push(`${where}.${k} = ${JSON.stringify(v)}`);
    }
  };
  check('/me', (await api(srv.base, tok, 'GET', '/me')).body);
  for (const p of ['/users', '/tokens', '/audit'])
    for (const [i, item] of (await api(srv.base, tok, 'GET', p)).body.items.entries()) check(`${p} items[${i}]`, item);
  assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} time(s) wrong; the first are shown`);
});

test('list endpoints answer the documented shape: items, total, page, per_page, pages', async () => {
  const wrong = [];
  for (const p of ['/users', '/teams', '/tokens']) {
    const r = await api(srv.base, tok, 'GET', p);
    assert.equal(r.status, 200, p);
    for (const k of ['items', 'total', 'page', 'per_page', 'pages'])
      if (!(k in r.body)) wrong.push(`${p}: no "${k}"`);
  }
  assert.deepEqual(wrong, []);
});

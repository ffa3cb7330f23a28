// SPDX-License-Identifier: Apache-2.0
// Operations: health and readiness, Prometheus metrics, the access log,
// security headers, static assets with ETags.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { BACKEND, Client, VERSION, createToken, fileScope, initOrg, serve, waitFor } from './lib.mjs';

let o, srv, tok;
const scope = fileScope();
before(async () => {
  o = await initOrg(scope);
  srv = await serve(scope, { db: o.db });
  tok = await createToken(o.db, o.email);
});

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'";

test('/healthz and /readyz', async () => {
  let r = await fetch(srv.url('/healthz'));
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(await r.text(), '{"status":"ok"}');
  r = await fetch(srv.url('/readyz'));
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { status: 'ready', database: BACKEND === 'pg' ? 'postgres' : 'sqlite' });
  // whatever the browser asks for, and not under /api
  r = await fetch(srv.url('/healthz'), { headers: { accept: 'text/html' } });
  assert.equal(r.status, 200);
  r = await fetch(srv.url('/api/v1/healthz'));
  assert.equal(r.status, 404);
  r = await fetch(srv.url('/healthz'), { method: 'POST' });
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET, HEAD');
});

test('/metrics: Prometheus text, counted by route pattern and status', async () => {
  const c = new Client(srv.base);
  await c.login(o.email, o.password);
  const me = await c.get('/api/v1/me');
  const uid = me.json().id;
  for (let i = 0; i < 3; i++) assert.equal((await c.get(`/users/${uid}`)).status, 200);
  assert.equal((await c.get('/users/999999')).status, 404);
  assert.equal((await fetch(srv.url('/no/such/page'))).status, 404);
  assert.equal((await fetch(srv.url('/api/v1/teams'), { headers: { authorization: `Bearer ${tok}` } })).status, 200);

  const sampleOf = (text, name, labels) => {
    const re = new RegExp(`^${name}\\{${labels.replace(/[{}()[\].*+?^$|\\]/g, '\\$&')}\\} (\\S+)$`, 'm');
    const m = text.match(re);
    return m ? Number(m[1]) : null;
  };
  // a request is counted once its response is on its way: on a busy
  // machine the last one may not be counted yet when /metrics answers
  const text = await waitFor(async () => {
    const r = await fetch(srv.url('/metrics'));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const t = await r.text();
    return sampleOf(t, 'brug_http_requests_total', 'method="GET",route="/teams",status="200"') !== null && t;
  }, { what: 'the last request counted' });
  const sample = (name, labels) => sampleOf(text, name, labels);
  assert.match(text, /^# TYPE brug_http_requests_total counter$/m);
  assert.match(text, /^# TYPE brug_http_request_duration_seconds histogram$/m);
  assert.equal(sample('brug_http_requests_total', 'method="GET",route="/users/{id}",status="200"'), 3,
    'the pattern, not the path, is the label');
  assert.equal(sample('brug_http_requests_total', 'method="GET",route="/users/{id}",status="404"'), 1);
  assert.equal(sample('brug_http_requests_total', 'method="POST",route="/login",status="303"'), 1);
  assert.equal(sample('brug_http_requests_total', 'method="GET",route="/teams",status="200"'), 1, 'API requests under the same pattern');
  assert.ok(sample('brug_http_requests_total', 'method="",route="none",status="404"') >= 1, 'unrouted requests');
  assert.ok(!/route="\/users\/\d+"/.test(text), 'no raw paths as labels');
  assert.equal(sample('brug_http_request_duration_seconds_count', 'method="GET",route="/users/{id}"'), 4);
  assert.equal(sample('brug_http_request_duration_seconds_bucket', 'method="GET",route="/users/{id}",le="+Inf"'), 4);
  assert.match(text, /^brug_db_errors_total \d+$/m);
  // every sample line is valid exposition format
  for (const line of text.split('\n').filter((l) => l && !l.startsWith('#')))
    assert.match(line, /^[a-z_]+(\{([a-z_]+="[^"\\]*",?)*\})? [0-9.e+-]+$/, line);
});

test('the access log: one line per request with method, path and status; none for probes', async () => {
  const before = srv.accessLog().length;
  const reqs = [
    ['GET', '/login', 200],
    ['GET', '/does-not-exist', 404],
    ['GET', '/me', 303],
    ['DELETE', '/login', 405],
    ['POST', '/login', 403],
    ['GET', '/', 303],
  ];
  for (const [method, path, status] of reqs) {
    const r = await fetch(srv.url(path), { method, redirect: 'manual' });
    assert.equal(r.status, status, `${method} ${path}`);
    await r.arrayBuffer();
  }
  await fetch(srv.url('/healthz'));
  await fetch(srv.url('/static/app.css'));
  await fetch(srv.url('/login?after=1'));
  // Lines are written when a request completes, on whichever pool thread
  // served it, so two back-to-back requests may be logged in either order,
  // and a request of the test before may be logged late: only this test's
  // paths and the probes count.
  const key = (e) => e.join(' ');
  const mine = new Set([...reqs.map((q) => q[1]), '/healthz', '/static/app.css', '/login?after=1']);
  await waitFor(() => srv.accessLog().slice(before).filter((e) => mine.has(e.path)).length >= reqs.length + 1,
    { what: 'the access log lines' });
  const got = srv.accessLog().slice(before).filter((e) => mine.has(e.path)).map((e) => [e.method, e.path, e.status]);
  assert.deepEqual(got.map(key).sort(), [...reqs, ['GET', '/login', 200]].map(key).sort(),
    'one line per request; none for /healthz or static files');
  const line = srv.accessLog().find((e) => e.path === '/does-not-exist').line;
  assert.match(line, /^ts=\S+ level=info access method=GET path="\/does-not-exist" status=404 bytes=\d+ ms=[\d.]+ route="-" ip=127\.0\.0\.1 user=0$/);
});

test('the access log shows the path as requested: an API call keeps its /api/v1 prefix', async () => {
  const before = srv.accessLog().length;
  assert.equal((await fetch(srv.url('/api/v1/me'))).status, 401);
  assert.equal((await fetch(srv.url('/me'), { redirect: 'manual' })).status, 303);
  const l = await waitFor(() => {
    const x = srv.accessLog().slice(before).filter((e) => e.path === '/api/v1/me' || e.path === '/me');
    return x.length >= 2 ? x : null;
  });
  assert.deepEqual(l.map((e) => `${e.method} ${e.path} ${e.status}`).sort(), ['GET /api/v1/me 401', 'GET /me 303'],
    'the API call and the page are told apart');
});

test('the access log records the size of the response body', async () => {
  const before = srv.accessLog().length;
  const r = await fetch(srv.url('/login'));
  const len = (await r.arrayBuffer()).byteLength;
  assert.ok(len > 1000);
  const [e] = await waitFor(() => { const l = srv.accessLog().slice(before); return l.length ? l : null; });
  assert.equal(e.bytes, len, `bytes=${e.bytes} for a body of ${len} bytes`);
});

test('security headers on pages, errors, API responses and assets', async () => {
  const c = new Client(srv.base);
  await c.login(o.email, o.password);
  const targets = [
    ['page', await c.get('/')],
    ['login page', await new Client(srv.base).get('/login')],
    ['404 page', await c.get('/nope')],
    ['API', await fetch(srv.url('/api/v1/me'), { headers: { authorization: `Bearer ${tok}` } })],
    ['API error', await fetch(srv.url('/api/v1/me'))],
    ['redirect', await fetch(srv.url('/'), { redirect: 'manual' })],
    ['asset', await fetch(srv.url('/static/app.css'))],
  ];
  for (const [what, r] of targets) {
    const h = r.headers;
    assert.equal(h.get('content-security-policy'), CSP, `${what}: CSP`);
    assert.equal(h.get('x-content-type-options'), 'nosniff', what);
    assert.equal(h.get('x-frame-options'), 'DENY', what);
    assert.equal(h.get('referrer-policy'), 'same-origin', what);
    assert.equal(h.get('cross-origin-opener-policy'), 'same-origin', what);
    if (what !== 'asset') assert.equal(h.get('cache-control'), 'no-store', `${what}: not cached`);
    assert.ok(!h.get('server')?.includes('/'), `${what}: no version in Server`);
  }
  const page = targets[0][1].text;
  assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(page), 'no inline script in pages');
  assert.ok(!/\son[a-z]+=/i.test(page), 'no inline event handlers');
});

test('static assets: ETag, long caching with ?v=, 304 on If-None-Match, 404 for the unknown', async () => {
  for (const [p, type] of [
    ['/static/app.css', 'text/css; charset=utf-8'],
    ['/static/vendor/pico.css', 'text/css; charset=utf-8'],
    ['/static/vendor/htmx.js', 'text/javascript; charset=utf-8'],
    ['/static/favicon.svg', 'image/svg+xml'],
  ]) {
    const r = await fetch(srv.url(`${p}?v=${VERSION}`));
    assert.equal(r.status, 200, p);
    assert.equal(r.headers.get('content-type'), type, p);
    assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable', p);
    const etag = r.headers.get('etag');
    assert.match(etag ?? '', /^"[^"]+"$/, `${p} has a strong ETag`);
    const body = await r.arrayBuffer();
    assert.equal(Number(r.headers.get('content-length')), body.byteLength);
    assert.ok(body.byteLength > 0);

    const again = await fetch(srv.url(p), { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304, `${p} revalidates`);
    assert.equal(again.headers.get('etag'), etag);
    assert.equal((await again.arrayBuffer()).byteLength, 0);
    const plain = await fetch(srv.url(p));
    assert.equal(plain.headers.get('cache-control'), 'public, max-age=300');
    await plain.arrayBuffer();
    const other = await fetch(srv.url(p), { headers: { 'if-none-match': '"something-else"' } });
    assert.equal(other.status, 200);
    await other.arrayBuffer();
  }
  const fav = await fetch(srv.url('/favicon.ico'));
  assert.equal(fav.status, 200);
  assert.equal(fav.headers.get('content-type'), 'image/svg+xml');
  await fav.arrayBuffer();
  for (const p of ['/static/nope.css', '/static/', '/static/templates/layout.mustache']) {
    const r = await fetch(srv.url(p));
    assert.equal(r.status, 404, p);
    await r.arrayBuffer();
  }
  // every asset a page links to is served
  const page = await (await fetch(srv.url('/login'))).text();
  const links = [...page.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1].replaceAll('&amp;', '&'));
  assert.ok(links.length >= 4, links.join(' '));
  for (const l of links) {
    const r = await fetch(srv.url(l));
    assert.equal(r.status, 200, l);
    await r.arrayBuffer();
  }
});

test('errors: 404 and 405 as a page for browsers and JSON for the API', async () => {
  let r = await fetch(srv.url('/nope'), { headers: { 'accept-language': 'en' } });
  assert.equal(r.status, 404);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.match(await r.text(), /<h1>Something went wrong <small>\(404\)<\/small><\/h1>/);
  r = await fetch(srv.url('/api/v1/nope'), { headers: { 'accept-language': 'en' } });
  assert.equal(r.status, 404);
  assert.deepEqual(await r.json(), { error: 'not_found', message: 'This page or item does not exist, or you may not see it.' });
  r = await fetch(srv.url('/api/v2/me'));
  assert.equal(r.status, 404);
  assert.equal((await r.json()).error, 'not_found');
  r = await fetch(srv.url('/api/v1/teams/1'), { method: 'PUT', headers: { authorization: `Bearer ${tok}` } });
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET, HEAD, PATCH, DELETE');
  assert.equal((await r.json()).error, 'method_not_allowed');
  r = await fetch(srv.url('/api/v1/teams'), {
    method: 'POST', headers: { authorization: `Bearer ${tok}`, 'content-type': 'text/plain' }, body: 'hallo',
  });
  assert.equal(r.status, 415);
  r = await fetch(srv.url('/api/v1/teams'), {
    method: 'POST', headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' }, body: '{"name":',
  });
  assert.equal(r.status, 400);
  assert.equal((await r.json()).error, 'bad_request');
});

test('--dev reads templates, catalogs and static files live from --web-dir', async (t) => {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const { ROOT, tempDir } = await import('./lib.mjs');
  const dir = await tempDir(t);
  const web = path.join(dir, 'web');
  await fs.cp(path.join(ROOT, 'web'), web, { recursive: true });
  const dev = await serve(t, { db: o.db, args: ['--dev', 'true', '--web-dir', web] });
  const page = async (p) => (await fetch(dev.url(p), { headers: { 'accept-language': 'en' } })).text();
  assert.match(await page('/login'), /<h1>Sign in<\/h1>/);
  // a changed template, catalog and stylesheet show on the next request
  const login = path.join(web, 'templates', 'login.mustache');
  await fs.writeFile(login, (await fs.readFile(login, 'utf8')).replace('<h1>', '<h1 data-dev="yes">'));
  const en = path.join(web, 'locale', 'en.json');
  const cat = JSON.parse(await fs.readFile(en, 'utf8'));
  cat.login.title = 'Sign in (dev)';
  await fs.writeFile(en, JSON.stringify(cat));
  await fs.appendFile(path.join(web, 'static', 'app.css'), '\n/* dev-marker */\n');
  const html = await page('/login');
  assert.match(html, /<h1 data-dev="yes">Sign in \(dev\)<\/h1>/);
  assert.match(await (await fetch(dev.url('/static/app.css'))).text(), /dev-marker/);
  // the npm packages still come from the binary
  assert.equal((await fetch(dev.url('/static/vendor/htmx.js'))).status, 200);
  // and the server without --dev is untouched
  assert.doesNotMatch(await (await fetch(srv.url('/login'))).text(), /data-dev/);
});

test('/api/v1/openapi.json is docs/openapi.json, for anyone', async () => {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const { ROOT } = await import('./lib.mjs');
  const file = await fs.readFile(path.join(ROOT, 'docs', 'openapi.json'));
  const r = await fetch(srv.url('/api/v1/openapi.json'));
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/json');
  assert.match(r.headers.get('cache-control'), /max-age=/);
  const body = Buffer.from(await r.arrayBuffer());
  assert.ok(body.equals(file), 'the served document is the file in the source, byte for byte');
  const doc = JSON.parse(body.toString('utf8'));
  assert.equal(doc.openapi, '3.1.0');
  assert.equal(doc.info.version, VERSION);
});

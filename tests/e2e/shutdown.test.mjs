// SPDX-License-Identifier: Apache-2.0
// Graceful shutdown: SIGTERM stops accepting at once, lets the requests in
// flight finish, and exits 0; --shutdown-timeout bounds the wait. Under
// load, every request is answered in full or refused before the server
// read it: none is cut off mid-response.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';

import { completeResponse, createToken, initOrg, raw, serve, sleep, sql, statusOf, tryConnect, waitFor } from './lib.mjs';

/** Opens a connection and resolves once it is connected. */
function connect(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

function collect(s) {
  const out = { text: '', closed: false };
  s.on('data', (d) => (out.text += d.toString('latin1')));
  s.on('close', () => (out.closed = true));
  s.on('error', () => {});
  return out;
}

test('SIGTERM during a slowly arriving body: the request completes, new connections are refused, exit 0', async (t) => {
  const o = await initOrg(t);
  const srv = await serve(t, { db: o.db });
  const tok = await createToken(o.db, o.email);
  const body = JSON.stringify({ name: 'Net op tijd', description: 'aangemaakt tijdens het afsluiten' });
  const half = Math.floor(body.length / 2);

  const s = await connect(srv.port);
  const got = collect(s);
  s.write(`POST /api/v1/teams HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ${tok}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, half)}`);
  // an idle keep-alive connection, opened before the signal
  const idle = await connect(srv.port);
  const idleGot = collect(idle);
  await sleep(200); // the server has the headers and half the body

  srv.signal('SIGTERM');
  await srv.waitForLog(/msg="stopping" signal=TERM in_flight=1\b/);
  await waitFor(async () => (await tryConnect(srv.port)) === 'ECONNREFUSED',
    { timeoutMs: 5000, what: 'new connections to be refused' });
  assert.equal(srv.exit, null, 'the server waits for the request in flight');

  s.write(body.slice(half));
  await waitFor(() => got.closed || /\r\n\r\n.*\}$/s.test(got.text), { timeoutMs: 10000, what: 'the response' });
  assert.equal(statusOf(got.text), 201, got.text.slice(0, 300));
  assert.match(got.text, /\r\nConnection: close\r\n/i, 'a draining server closes the connection after the response');
  const json = JSON.parse(got.text.slice(got.text.indexOf('\r\n\r\n') + 4));
  assert.equal(json.name, 'Net op tijd');

  const exit = await srv.exited;
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.equal(await tryConnect(srv.port), 'ECONNREFUSED');
  await waitFor(() => idleGot.closed, { timeoutMs: 2000, what: 'the idle connection to be closed' });
  assert.equal(idleGot.text, '', 'the idle connection got no response');
  s.destroy();
  assert.ok(srv.lines.some((l) => /msg="stopped"/.test(l)));
  assert.ok(!srv.lines.some((l) => /stopping with requests in flight/.test(l)));

  // the team was written before the server stopped
  const again = await serve(t, { db: o.db });
  const list = await (await fetch(again.url('/api/v1/teams'), { headers: { authorization: `Bearer ${tok}` } })).json();
  assert.deepEqual(list.items.map((x) => x.name), ['Net op tijd']);
});

test('SIGTERM under load: every request is answered in full or refused unread, exit 0', async (t) => {
  const o = await initOrg(t);
  const srv = await serve(t, { db: o.db });
  const tok = await createToken(o.db, o.email);
  const auth = `Host: t\r\nAuthorization: Bearer ${tok}\r\nConnection: close\r\n`;
  // one request whose body is still arriving when the signal comes
  const body = JSON.stringify({ name: 'Traag' });
  const slow = await connect(srv.port);
  const slowGot = collect(slow);
  slow.write(`POST /api/v1/teams HTTP/1.1\r\n${auth}Content-Type: application/json\r\n` +
    `Content-Length: ${body.length}\r\n\r\n${body.slice(0, 3)}`);
  // and sixteen clients that each send one request after another, every
  // one on a connection of its own, half of them writes
  const results = [];
  let signalled = 0, n = 0;
  const client = async (c) => {
    while (!srv.exit) {
      const i = n++;
      const name = `Team ${c}-${i}`;
      const req = c % 2
        ? `GET /api/v1/teams?per_page=50 HTTP/1.1\r\n${auth}\r\n`
        : `POST /api/v1/teams HTTP/1.1\r\n${auth}Content-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(JSON.stringify({ name }))}\r\n\r\n${JSON.stringify({ name })}`;
      const r = await raw(srv.port, [req], { timeoutMs: 20000, until: completeResponse });
      results.push({ ...r, name: c % 2 ? null : name, after: signalled && Date.now() > signalled });
      if (r.error === 'ECONNREFUSED') break;
    }
  };
  const clients = Array.from({ length: 16 }, (_, c) => client(c));
  await waitFor(() => results.length >= 50, { timeoutMs: 20000, what: 'load before the signal' });
  signalled = Date.now();
  srv.signal('SIGTERM');
  const m = await srv.waitForLog(/msg="stopping" signal=TERM in_flight=(\d+)/);
  assert.ok(Number(m[1]) >= 1, m[0]);
  await sleep(300);
  slow.write(body.slice(3));
  const exit = await srv.exited;
  await Promise.all(clients);
  assert.deepEqual(exit, { code: 0, signal: null }, srv.logTail());
  assert.ok(completeResponse(slowGot.text), slowGot.text);
  assert.equal(statusOf(slowGot.text), 201, slowGot.text.slice(0, 300));
  slow.destroy();

  const answered = results.filter((r) => r.text !== '');
  const cut = answered.filter((r) => !completeResponse(r.text));
  assert.deepEqual(cut.map((r) => r.text.slice(0, 200)), [], 'responses cut off');
  const bad = answered.filter((r) => r.status !== (r.name ? 201 : 200));
  assert.deepEqual(bad.map((r) => r.text.slice(0, 200)), [], 'answers other than 200/201');
  assert.ok(answered.some((r) => r.after), 'requests were answered after the signal');
  // what was not answered was refused before the server read it: a write
  // without an answer was not done (nobody would know it was)
  const unanswered = results.filter((r) => r.text === '');
  assert.ok(unanswered.length >= 16, 'every client ends refused');
  assert.deepEqual(unanswered.filter((r) => !['ECONNREFUSED', 'ECONNRESET'].includes(r.error) && !r.closed)
    .map((r) => JSON.stringify(r)), []);
  const stored = new Set((await sql(o.db, 'SELECT name FROM teams')).split('\n'));
  const ghosts = unanswered.filter((r) => r.name && stored.has(r.name)).map((r) => r.name);
  assert.deepEqual(ghosts, [], 'writes done without an answer');
  const lost = answered.filter((r) => r.name && !stored.has(r.name)).map((r) => r.name);
  assert.deepEqual(lost, [], 'acknowledged writes not stored');
  assert.ok(stored.has('Traag'));
});

test('SIGINT on an idle server: exit 0 at once', async (t) => {
  const o = await initOrg(t);
  const srv = await serve(t, { db: o.db });
  assert.equal((await fetch(srv.url('/healthz'))).status, 200);
  const t0 = Date.now();
  srv.signal('SIGINT');
  const exit = await srv.exited;
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.ok(Date.now() - t0 < 3000, `stopped in ${Date.now() - t0} ms`);
  assert.ok(srv.lines.some((l) => /msg="stopping" signal=INT/.test(l)));
});

test('--shutdown-timeout 1: a request that never finishes does not hold the exit', async (t) => {
  const o = await initOrg(t);
  const srv = await serve(t, { db: o.db, args: ['--shutdown-timeout', '1', '--idle-timeout', '60'] });
  const s = await connect(srv.port);
  const got = collect(s);
  s.write('POST /login HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=');
  await sleep(200);
  const t0 = Date.now();
  srv.signal('SIGTERM');
  const exit = await srv.exited;
  const ms = Date.now() - t0;
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.ok(ms >= 900 && ms < 5000, `exited after ${ms} ms`);
  assert.ok(srv.lines.some((l) => /stopping with requests in flight" count=1/.test(l)));
  await waitFor(() => got.closed, { timeoutMs: 2000, what: 'the connection to be closed' });
  s.destroy();
});

// SPDX-License-Identifier: Apache-2.0
// Graceful shutdown: SIGTERM stops accepting at once, lets the requests in
// flight finish, and exits 0; --shutdown-timeout bounds the wait.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';

import { createToken, initOrg, serve, sleep, statusOf, tryConnect, waitFor } from './lib.mjs';

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

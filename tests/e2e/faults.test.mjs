// SPDX-License-Identifier: Apache-2.0
// The database going away under load. On PostgreSQL the server restarts
// while writes come in; on SQLite another process holds the write lock for
// longer than brug waits. Either way: requests meanwhile answer 503 with
// Retry-After within a bounded time (no hang, no crash), service resumes by
// itself, and every write that was answered 2xx is stored.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { before, test } from 'node:test';

import { BACKEND, api, createToken, fileScope, initOrg, privateCluster, serve, sleep, sql, waitFor } from './lib.mjs';

// On PostgreSQL these tests stop the server, so they have a cluster of
// their own rather than the one every other suite shares.
const scope = fileScope();
let cluster = null;
before(async () => {
  if (BACKEND === 'pg') cluster = await privateCluster(scope);
});
const newOrg = (t) => initOrg(t, { pgAdmin: cluster?.admin });

/** Makes the database unavailable for about ms, in the backend's way. */
async function outage(db, ms) {
  if (BACKEND === 'pg') {
    // stop, stay down a while, start again
    await cluster.ctl('stop-keep');
    await sleep(ms);
    await cluster.ctl('start-again');
    return;
  }
  // SQLite: another process takes the write lock and keeps it
  const p = spawn('sqlite3', [db.slice(7)], { stdio: ['pipe', 'ignore', 'inherit'] });
  p.stdin.write('PRAGMA busy_timeout=10000;\nBEGIN IMMEDIATE;\nINSERT INTO settings (org_id, name, value) VALUES (0, \'lock\', \'x\');\n');
  await sleep(ms);
  p.stdin.end('ROLLBACK;\n');
  await new Promise((r) => p.on('close', r));
}

test('the database goes away under write load: 503s meanwhile, nothing acknowledged is lost', async (t) => {
  const o = await newOrg(t);
  const srv = await serve(t, { db: o.db });
  const tok = await createToken(o.db, o.email);
  const acknowledged = [], unavailable = [], other = [];
  let stop = false, n = 0, slowest = 0;
  const writer = async (w) => {
    while (!stop) {
      const name = `Team ${w}-${n++}`;
      const t0 = Date.now();
      const r = await api(srv.base, tok, 'POST', '/teams', { name });
      slowest = Math.max(slowest, Date.now() - t0);
      if (r.status === 201) acknowledged.push(name);
      else if (r.status === 503) unavailable.push(r);
      else other.push(`${r.status} ${r.text}`);
    }
  };
  const writers = [writer(1), writer(2), writer(3)];
  await waitFor(() => acknowledged.length >= 20, { what: 'writes before the outage' });
  await outage(o.db, 7000);
  const after = acknowledged.length;
  await waitFor(() => acknowledged.length >= after + 20, { timeoutMs: 20000, what: 'writes after the outage' });
  stop = true;
  await Promise.all(writers);

  assert.deepEqual(other, [], 'only 201 or 503');
  assert.ok(unavailable.length > 0, 'some requests met the outage');
  for (const r of unavailable) {
    assert.equal(r.body?.error, 'unavailable');
    assert.ok(Number(r.headers.get('retry-after')) > 0, '503 says when to retry');
  }
  assert.ok(slowest < 12000, `no request hangs (the slowest took ${slowest} ms)`);
  const r = await fetch(`${srv.base}/readyz`);
  assert.equal(r.status, 200);
  // every acknowledged write is stored, exactly once
  const stored = new Set((await sql(o.db, "SELECT name FROM teams")).split('\n'));
  const lost = acknowledged.filter((x) => !stored.has(x));
  assert.deepEqual(lost, [], 'acknowledged writes that are not stored');
  assert.equal(stored.size, Number(await sql(o.db, 'SELECT count(*) FROM teams')));
});

test('/readyz says not ready while the database is away, and ready again after', async (t) => {
  if (BACKEND !== 'pg') {
    // an SQLite file does not go away while brug has it open; what can go
    // is the write lock, which /readyz (a read) rightly does not need
    const o = await newOrg(t);
    const srv = await serve(t, { db: o.db });
    const locked = outage(o.db, 2000);
    await sleep(300);
    assert.equal((await fetch(`${srv.base}/readyz`)).status, 200);
    await locked;
    return;
  }
  const o = await newOrg(t);
  const srv = await serve(t, { db: o.db });
  await cluster.ctl('stop-keep');
  try {
    const t0 = Date.now();
    const r = await fetch(`${srv.base}/readyz`);
    assert.equal(r.status, 503);
    assert.ok(Date.now() - t0 < 8000, 'the answer comes within the connect timeout');
  } finally {
    await cluster.ctl('start-again');
  }
  await waitFor(async () => (await fetch(`${srv.base}/readyz`)).status === 200, { timeoutMs: 15000, what: 'ready again' });
});

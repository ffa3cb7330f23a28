// SPDX-License-Identifier: Apache-2.0
// Slow-client attacks with slowhttptest (Debian's package, scripts/deps.sh
// test): slow headers (slowloris), a slow body (R-U-Dead-Yet) and a slow
// read (a tiny receive window), each for a few seconds against `brug
// serve`, while an ordinary client keeps asking for /healthz and an
// authenticated API page: every answer within 2 s, and the server up after.
// limits.test.mjs holds the hand-made cases (2,000 idle connections, the
// idle timeout, a trickling client); this is the real tool with its many
// connections at once.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { before, test } from 'node:test';

import { createToken, fileScope, initOrg, serve, sleep } from './lib.mjs';

const SLOW = process.env.BRUG_SLOWHTTPTEST ?? 'slowhttptest';
const SECONDS = 7; // per attack
const BOUND_MS = 2000;

let o, srv, tok;
const scope = fileScope();
before(async () => {
  o = await initOrg(scope);
  srv = await serve(scope, { db: o.db });
  tok = await createToken(o.db, o.email);
});

/** Runs slowhttptest with args for about SECONDS; resolves with its output. */
function attack(args) {
  return new Promise((resolve, reject) => {
    const p = spawn(SLOW, [...args, '-l', String(SECONDS)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('error', reject); // not installed: the test fails (scripts/deps.sh test)
    const kill = setTimeout(() => p.kill('SIGKILL'), (SECONDS + 20) * 1000);
    p.on('close', (code) => { clearTimeout(kill); resolve({ code, out }); });
  });
}

/** An ordinary client, every 250 ms until stopped: the slowest answer. */
function prober() {
  let stop = false, worst = 0, count = 0;
  const failures = [];
  const done = (async () => {
    while (!stop) {
      for (const [url, headers] of [[srv.url('/healthz'), {}],
        [srv.url('/api/v1/me'), { authorization: `Bearer ${tok}` }]]) {
        const t0 = performance.now();
        try {
          const r = await fetch(url, { headers, signal: AbortSignal.timeout(BOUND_MS * 3) });
          await r.arrayBuffer();
          if (r.status !== 200) failures.push(`${url}: ${r.status}`);
        } catch (e) {
          failures.push(`${url}: ${e.message}`);
        }
        worst = Math.max(worst, performance.now() - t0);
        count++;
      }
      await sleep(250);
    }
  })();
  return { async finish() { stop = true; await done; return { worst, count, failures }; } };
}

async function underAttack(args) {
  const p = prober();
  const a = await attack(args);
  const r = await p.finish();
  // the attack did hold connections open (its status lines, colours aside)
  const plain = a.out.replace(/\x1b\[[0-9;]*m/g, '');
  const held = Math.max(0, ...[...plain.matchAll(/connected:\s+(\d+)/g)].map((m) => Number(m[1])));
  assert.ok(held >= 100, `slowhttptest held ${held} connections at once:\n${plain.slice(-600)}`);
  assert.deepEqual(r.failures, [], 'every ordinary request was answered with 200');
  assert.ok(r.count >= 10, `${r.count} ordinary requests during the attack`);
  assert.ok(r.worst < BOUND_MS, `the slowest ordinary answer took ${r.worst.toFixed(0)} ms`);
  const h = await fetch(srv.url('/healthz'));
  assert.equal(h.status, 200, 'the server is still up');
  assert.equal(srv.exit, null, 'brug serve is still running');
}

test('slowloris: 500 connections sending headers slowly', async () => {
  // -H slow headers, -c connections, -r new connections a second, -i seconds
  // between follow-up header lines
  await underAttack(['-H', '-c', '500', '-r', '200', '-i', '2', '-u', srv.url('/login'), '-p', '3']);
});

test('R-U-Dead-Yet: 500 connections sending a large form body slowly', async () => {
  // -B slow body, -s the Content-Length announced (under the 16 KiB cap of
  // /login, so the server has to wait for it)
  await underAttack(['-B', '-c', '500', '-r', '200', '-i', '2', '-s', '16000', '-t', 'POST',
    '-u', srv.url('/login'), '-p', '3']);
});

test('slow read: 300 connections that barely read their answers', async () => {
  // -X slow read: a 32-64 byte receive window, 32 bytes read every 2 s,
  // pipelined requests for a larger page
  await underAttack(['-X', '-c', '300', '-r', '200', '-w', '32', '-y', '64', '-n', '2', '-z', '32',
    '-k', '3', '-u', srv.url('/static/app.css'), '-p', '3']);
});

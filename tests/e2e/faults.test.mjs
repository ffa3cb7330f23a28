// SPDX-License-Identifier: Apache-2.0
// Faults under load. The database going away: on PostgreSQL the server
// restarts while writes come in; on SQLite another process holds the write
// lock for longer than brug waits. Either way: requests meanwhile answer 503
// with Retry-After within a bounded time (no hang, no crash), service
// resumes by itself, and every write that was answered 2xx is stored.
// brug serve killed (SIGKILL) amid writes through the API and the public
// answer page: after a restart every acknowledged write is there, the
// dashboard counters agree with the answers, and SQLite's integrity and
// foreign-key checks pass. A full database (--db-max-mb): 507 with a
// message, nothing half written, reads go on, writes resume with room. Two
// servers, brug migrate and brug demo at once on one database: nothing
// lost, nothing corrupt. (A job of a killed worker is run again:
// jobs.test.mjs; SIGTERM under load: shutdown.test.mjs; the SMTP server
// down: mail.test.mjs.)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { before, test } from 'node:test';

import { BACKEND, Client, api, createToken, fileScope, initOrg, privateCluster, run, serve, sleep, sql, waitFor } from './lib.mjs';

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

/** A link survey that takes answers from anyone at /s/TOKEN: its id, the
 * path of its public answer page and the id of its NPS question. */
async function linkSurvey(srv, tok) {
  let r = await api(srv.base, tok, 'POST', '/surveys', { template: 'nps_relationship', kind: 'link', name: 'Na de storing' });
  assert.equal(r.status, 201, r.text);
  const id = r.body.id;
  r = await api(srv.base, tok, 'PATCH', `/surveys/${id}`, { status: 'active' });
  assert.equal(r.status, 200, r.text);
  // every writer answers from 127.0.0.1: no per-address limit in the way
  r = await api(srv.base, tok, 'PATCH', '/settings/feedback', { link_per_hour: 10000 });
  assert.equal(r.status, 200, r.text);
  const s = (await api(srv.base, tok, 'GET', `/surveys/${id}`)).body;
  const nps = s.questions.find((q) => q.key === 'nps');
  assert.ok(nps, JSON.stringify(s.questions));
  return { id, path: new URL(s.link_url, srv.base).pathname, npsId: nps.id };
}

/**
 * Writers until stop() (or the end of test t): teams through the API and complete answers through
 * the public answer page, `each` of both kinds at once. What was answered
 * 2xx is recorded (acked.teams: name -> id, acked.answers: invitation id ->
 * score); any other answer with a status goes to `refused`, a request that
 * got no answer at all (the server died) to `cut`.
 */
function writeLoad(t, base, tok, link, { each = 3, tag = 'w' } = {}) {
  const acked = { teams: new Map(), answers: new Map() }, refused = [], cut = [];
  let stop = false, n = 0;
  const team = async (w) => {
    while (!stop) {
      const name = `Team ${tag}${w}-${n++}`;
      try {
        const r = await api(base, tok, 'POST', '/teams', { name });
        if (r.status === 201) acked.teams.set(name, r.body.id);
        else refused.push(`POST /teams ${r.status} ${r.text.slice(0, 200)}`);
      } catch (e) { cut.push(e); }
    }
  };
  const answer = async () => {
    while (!stop) {
      const score = n++ % 11;
      try {
        const r = await api(base, null, 'POST', link.path, { answers: { nps: score }, complete: true });
        if (r.status >= 200 && r.status < 300) acked.answers.set(r.body.invitation_id, score);
        else refused.push(`POST ${link.path} ${r.status} ${r.text.slice(0, 200)}`);
      } catch (e) { cut.push(e); }
    }
  };
  const all = [];
  for (let w = 0; w < each; w++) all.push(team(w), answer());
  const halt = () => { stop = true; return Promise.all(all); };
  t.after(halt); // also when the test fails half-way
  return { acked, refused, cut, stop: halt };
}

/** PRAGMA integrity_check and foreign_key_check on an SQLite database. */
async function assertSound(db) {
  if (BACKEND !== 'sqlite') return;
  assert.equal(await sql(db, 'PRAGMA integrity_check'), 'ok');
  assert.equal(await sql(db, 'PRAGMA foreign_key_check'), '', 'rows whose parent is missing');
}

/** Every acknowledged write is stored, exactly as acknowledged; the
 * dashboard counters agree with the answers. */
async function assertKept(db, link, acked) {
  const teams = new Map((await sql(db, 'SELECT name, id FROM teams')).split('\n').filter(Boolean)
    .map((l) => { const [name, id] = l.split('|'); return [name, Number(id)]; }));
  const lostTeams = [...acked.teams].filter(([name, id]) => teams.get(name) !== id);
  assert.deepEqual(lostTeams, [], 'acknowledged teams missing after the restart');
  const scores = new Map((await sql(db, `SELECT a.invitation_id, a.score FROM survey_answers a
    JOIN survey_invitations i ON i.id = a.invitation_id
    WHERE a.question_id = ${link.npsId} AND i.completed_at IS NOT NULL`)).split('\n').filter(Boolean)
    .map((l) => l.split('|').map(Number)));
  const lostAnswers = [...acked.answers].filter(([inv, score]) => scores.get(inv) !== score);
  assert.deepEqual(lostAnswers, [], 'acknowledged answers missing after the restart');
  // the counters dashboards read were written in the answers' transactions
  const raw = await sql(db, `SELECT score, COUNT(*) FROM survey_answers WHERE question_id = ${link.npsId}
    GROUP BY score ORDER BY score`);
  const agg = await sql(db, `SELECT score, SUM(n) FROM survey_agg WHERE survey_id = ${link.id}
    AND question_id = ${link.npsId} AND grain = 'w' AND dim = '' GROUP BY score HAVING SUM(n) > 0 ORDER BY score`);
  assert.equal(agg, raw, 'the dashboard counters match the answers');
  // a follow-up case for every detractor, once
  assert.equal(await sql(db, `SELECT COUNT(*) FROM survey_answers a WHERE a.question_id = ${link.npsId}
    AND a.score <= 6 AND (SELECT COUNT(*) FROM survey_cases c WHERE c.invitation_id = a.invitation_id) <> 1`), '0',
  'detractors without exactly one case');
  return { teams: teams.size, answers: scores.size };
}

test('SIGKILL during a write load: after a restart every acknowledged write is there and the database is sound', async (t) => {
  const o = await newOrg(t);
  const srv = await serve(t, { db: o.db });
  const tok = await createToken(o.db, o.email);
  const link = await linkSurvey(srv, tok);
  const load = writeLoad(t, srv.base, tok, link);
  await waitFor(() => load.acked.teams.size >= 40 && load.acked.answers.size >= 40,
    { timeoutMs: 30000, what: 'writes before the crash' });
  assert.deepEqual(await srv.kill(), { code: null, signal: 'SIGKILL' });
  await load.stop();
  assert.deepEqual(load.refused, [], 'before the crash, every write is taken');
  assert.ok(load.cut.length > 0, 'some requests were in flight when the server died');

  await assertSound(o.db);
  const again = await serve(t, { db: o.db });
  const kept = await assertKept(o.db, link, load.acked);
  assert.ok(kept.teams >= load.acked.teams.size && kept.answers >= load.acked.answers.size);
  // and it goes on: reads, writes and the survey's results after the restart
  let r = await api(again.base, tok, 'POST', '/teams', { name: 'Na de herstart' });
  assert.equal(r.status, 201, r.text);
  r = await api(again.base, null, 'POST', link.path, { answers: { nps: 9 }, complete: true });
  assert.ok(r.status >= 200 && r.status < 300, r.text);
  r = await api(again.base, tok, 'GET', `/surveys/${link.id}/results`);
  assert.equal(r.status, 200, r.text);
  await assertSound(o.db);
});

// A size-limited database stands in for a full disk: SQLite stops at
// --db-max-mb as it stops at the end of the disk, with SQLITE_FULL. (A
// size-limited PostgreSQL needs a small file system mounted as root; its
// disk-full error, SQLSTATE 53100, maps to the same 507: tests/unit/db/
// test_db_errors.c.)
if (BACKEND === 'sqlite') {
  test('a full database: writes answer 507 with a message and change nothing, reads go on, writes resume with room', async (t) => {
    const o = await newOrg(t);
    const tok = await createToken(o.db, o.email);
    const size = Number(await sql(o.db, 'PRAGMA page_count')) * Number(await sql(o.db, 'PRAGMA page_size'));
    const mb = Math.ceil(size / 1048576) + 1;
    const srv = await serve(t, { db: o.db, args: ['--db-max-mb', String(mb)] });
    const browser = new Client(srv.base);
    await browser.login(o.email, o.password);
    const notes = 'Uitgebreide aantekening over deze klant. '.repeat(480).trim();
    const made = [];
    let full = null;
    for (let i = 0; i < 400 && !full; i++) {
      const r = await api(srv.base, tok, 'POST', '/relations', { kind: 'person', name: `Klant ${i}`, notes });
      if (r.status === 201) made.push(r.body.id);
      else full = r;
    }
    assert.ok(full, 'the database filled up');
    assert.equal(full.status, 507, full.text);
    assert.equal(full.body.error, 'insufficient_storage');
    assert.match(full.body.message, /opslag is vol|storage is full/i);
    assert.ok(made.length > 10, `${made.length} relations fitted`);
    // more writes are refused the same way, none half done
    for (let i = 0; i < 3; i++) {
      const r = await api(srv.base, tok, 'POST', '/relations', { kind: 'person', name: `Te veel ${i}`, notes });
      assert.equal(r.status, 507, r.text);
    }
    // someone signed in reads pages as before, and a form gets the message as a page
    let r = await browser.get('/relations');
    assert.equal(r.status, 200, r.text.slice(0, 300));
    r = await browser.submit('/relations/new', '/relations', { kind: 'person', name: 'Via het formulier', notes });
    assert.equal(r.status, 507, r.text.slice(0, 300));
    assert.match(r.headers.get('content-type'), /^text\/html/);
    assert.match(r.text, /opslag is vol/i);
    // reads go on: lists, one relation, the readiness probe
    r = await api(srv.base, tok, 'GET', '/relations?status=all&per_page=1');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.total, made.length, 'the refused writes left nothing behind');
    r = await api(srv.base, tok, 'GET', `/relations/${made.at(-1)}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.notes === notes, 'the notes are intact');
    assert.equal((await fetch(srv.url('/readyz'))).status, 200);
    await assertSound(o.db);
    assert.equal(await sql(o.db, "SELECT COUNT(*) FROM relations WHERE name LIKE 'Te veel%'"), '0');

    // with room again (a larger limit), writes work
    await srv.stop();
    const roomy = await serve(t, { db: o.db, args: ['--db-max-mb', String(mb + 4)] });
    r = await api(roomy.base, tok, 'POST', '/relations', { kind: 'person', name: 'Weer ruimte', notes });
    assert.equal(r.status, 201, r.text);
    assert.ok(srv.lines.some((l) => /msg="sqlite error" code=13\b/.test(l)), 'the log names the cause');
    await assertSound(o.db);
  });
}

/** Resolves once another process holds the SQLite write lock for a while
 * (three tries 150 ms apart all find it taken), not a request's moment. */
async function heldLock(dbPath) {
  const { execFile } = await import('node:child_process');
  const taken = () => new Promise((resolve) => execFile('sqlite3', ['-cmd', '.timeout 0', dbPath,
    'BEGIN IMMEDIATE; ROLLBACK;'], (e) => resolve(!!e)));
  let inARow = 0;
  await waitFor(async () => { inARow = (await taken()) ? inARow + 1 : 0; return inARow >= 3; },
    { timeoutMs: 20000, intervalMs: 150, what: 'a long write transaction' });
}

// Two processes on one SQLite file. (Two servers on one database of either
// backend sharing sessions and jobs: http.test.mjs, jobs.test.mjs.)
if (BACKEND === 'sqlite') {
  test('two brug serve on one SQLite file, brug demo writing alongside, brug migrate and a third serve started meanwhile: all writes kept, the file sound', async (t) => {
    const o = await newOrg(t);
    const a = await serve(t, { db: o.db });
    const b = await serve(t, { db: o.db });
    const tok = await createToken(o.db, o.email);
    const link = await linkSurvey(a, tok);
    const loads = [writeLoad(t, a.base, tok, link, { each: 2, tag: 'a' }), writeLoad(t, b.base, tok, link, { each: 2, tag: 'b' })];
    await waitFor(() => loads.every((l) => l.acked.teams.size >= 10), { timeoutMs: 30000, what: 'writes through both' });
    // brug demo fills its organisation in one long transaction; while it
    // holds the write lock, other processes start and read
    const demo = run(['demo', '--db', o.db], { timeoutMs: 300000 });
    let demoDone = false;
    demo.then(() => (demoDone = true), () => (demoDone = true));
    await heldLock(o.dbPath);
    const migrate = await run(['migrate', '--db', o.db]);
    const c = await serve(t, { db: o.db });
    assert.equal(demoDone, false, 'brug demo was still writing (else this proves nothing)');
    assert.equal(migrate.code, 0, migrate.stderr);
    assert.match(migrate.stdout, /^applied 0 migration\(s\); schema version \d+$/m);
    loads.push(writeLoad(t, c.base, tok, link, { each: 1, tag: 'c' }));
    const made = await demo;
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /demo login: /);
    const before = loads.map((l) => l.acked.teams.size);
    await waitFor(() => loads.every((l, i) => l.acked.teams.size >= before[i] + 5),
      { timeoutMs: 30000, what: 'writes through all three after the demo' });
    await Promise.all(loads.map((l) => l.stop()));
    for (const l of loads) {
      assert.deepEqual(l.cut, []);
      // a write that waited too long for the demo's lock is refused as
      // "unavailable, retry", never anything else
      assert.deepEqual(l.refused.filter((x) => !/ 503 .*"unavailable"/.test(x)), []);
    }
    await assertSound(o.db);
    const acked = { teams: new Map(), answers: new Map() };
    for (const l of loads) {
      for (const [k, v] of l.acked.teams) acked.teams.set(k, v);
      for (const [k, v] of l.acked.answers) acked.answers.set(k, v);
    }
    await assertKept(o.db, link, acked);
    // the demo organisation is whole
    assert.equal(await sql(o.db, `SELECT COUNT(*) FROM relations r JOIN orgs g ON g.org_id = r.org_id
      WHERE g.name = 'Polderwarmte B.V.'`), '500');
  });
}

// SPDX-License-Identifier: Apache-2.0
// The durable job queue with real processes: two `brug serve` on one
// database share the work and run each job exactly once; a server killed
// with SIGKILL in the middle of a job loses nothing (the job is taken again
// once its lease has expired); a failing job is retried after its backoff,
// parked as failed after its last attempt, and queued again by `brug job
// retry`. Probe jobs (kind "probe") stand in for real work.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { api, createToken, initOrg, run, runOk, serve, sql, waitFor } from './lib.mjs';

// `brug job list` prints: id, "org" N, kind, state, attempts/max, worker, last error
const LINE = /^(\d+)\s+org (\d+)\s+(\S+)\s+(\S+)\s+(\d+)\/(\d+)\s+(\S+)(?: (.*))?$/;

/** The organisation's jobs as `brug job list` shows them, newest first. */
async function jobList(db, extra = []) {
  const r = await runOk(['job', 'list', '--db', db, ...extra]);
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => {
    const m = l.match(LINE);
    assert.ok(m, `a job list line: ${JSON.stringify(l)}`);
    return {
      id: Number(m[1]), org: Number(m[2]), kind: m[3], state: m[4], attempts: Number(m[5]),
      max: Number(m[6]), worker: m[7], error: (m[8] ?? '').trim(),
    };
  });
}

/** The pid and thread of a worker name "host:pid:thread". */
function workerOf(name) {
  const m = /^[^:\s]+:(\d+):(\d+)$/.exec(name);
  assert.ok(m, `a worker name host:pid:thread, not ${JSON.stringify(name)}`);
  return { pid: Number(m[1]), thread: Number(m[2]) };
}

/** The job log lines of a server: [{id, kind, attempt, outcome}]. */
function jobLog(srv) {
  const out = [];
  for (const l of srv.lines) {
    const m = l.match(/msg="job" id=(\d+) kind=(\S+) attempt=(\d+) outcome=(\w+) worker=(\S+)/);
    if (m) out.push({ id: Number(m[1]), kind: m[2], attempt: Number(m[3]), outcome: m[4], worker: m[5] });
  }
  return out;
}

test('two servers with workers on one database: 200 probes, each run once, by both', async (t) => {
  const o = await initOrg(t);
  const a = await serve(t, { db: o.db });
  const b = await serve(t, { db: o.db });
  for (const srv of [a, b]) {
    await srv.waitForLog(new RegExp(`msg="job workers started" count=2 name=[^:\\s]+:${srv.proc.pid}\\b`));
  }
  // each job takes a little time, so that neither process can drain the
  // queue before the other one looks (idle workers look once a second)
  const r = await runOk(['job', 'probe', '--db', o.db, '--count', '200', '--sleep-ms', '20']);
  assert.equal(r.stdout, 'queued 200 probe job(s)\n');
  const doneCount = `SELECT COUNT(*) FROM jobs WHERE kind = 'probe' AND state = 'done'`;
  await waitFor(async () => Number(await sql(o.db, doneCount)) === 200,
    { timeoutMs: 60000, intervalMs: 250, what: 'all 200 probes to be done' });

  const jobs = await jobList(o.db);
  assert.equal(jobs.length, 200);
  const perPid = new Map();
  for (const j of jobs) {
    assert.deepEqual([j.kind, j.state, j.attempts, j.max, j.error], ['probe', 'done', 1, 8, ''], `job ${j.id}`);
    const w = workerOf(j.worker);
    assert.ok(w.thread === 0 || w.thread === 1, `worker thread ${j.worker}`);
    perPid.set(w.pid, (perPid.get(w.pid) ?? 0) + 1);
  }
  assert.deepEqual([...perPid.keys()].sort(), [a.proc.pid, b.proc.pid].sort(),
    `the jobs were run by both servers: ${JSON.stringify([...perPid])}`);
  assert.equal(Number(await sql(o.db, `SELECT COUNT(*) FROM jobs WHERE kind = 'probe' AND attempts = 1`)), 200);
  // the servers' logs agree: each job ran once, in the process the list names
  const ran = new Map();
  for (const srv of [a, b]) {
    for (const e of jobLog(srv).filter((x) => x.kind === 'probe')) {
      assert.equal(ran.has(e.id), false, `job ${e.id} ran twice`);
      assert.deepEqual([e.attempt, e.outcome], [1, 'done']);
      assert.equal(workerOf(e.worker).pid, srv.proc.pid);
      ran.set(e.id, srv.proc.pid);
    }
    assert.ok(!srv.lines.some((l) => /lease was lost|cannot take a job|cannot record/.test(l)),
      `no lost leases or queue errors:\n${srv.logTail()}`);
  }
  assert.equal(ran.size, 200);
  for (const j of jobs) assert.equal(ran.get(j.id), workerOf(j.worker).pid, `job ${j.id}`);
  // the installation's housekeeping schedule, once for both processes
  assert.equal(Number(await sql(o.db, `SELECT COUNT(*) FROM schedules WHERE org_id = 0 AND name = 'housekeeping'`)), 1);
});

test('SIGKILL in the middle of a job: taken again after its lease, done; nothing is lost', async (t) => {
  const o = await initOrg(t);
  // one worker, so the jobs queued behind the long one wait for it
  const first = await serve(t, { db: o.db, args: ['--workers', '1'] });
  await runOk(['job', 'probe', '--db', o.db, '--count', '1', '--sleep-ms', '4000', '--lease-ms', '2000']);
  const [long] = await jobList(o.db);
  assert.equal(long.kind, 'probe');
  await runOk(['job', 'probe', '--db', o.db, '--count', '5']);
  const running = await waitFor(async () => (await jobList(o.db)).find((j) => j.id === long.id && j.state === 'running'),
    { timeoutMs: 15000, intervalMs: 50, what: 'the long probe to run' });
  assert.equal(running.attempts, 1);
  assert.deepEqual(workerOf(running.worker), { pid: first.proc.pid, thread: 0 });

  assert.deepEqual(await first.kill(), { code: null, signal: 'SIGKILL' });
  // the dead worker's job still looks taken; the others wait
  let jobs = await jobList(o.db);
  assert.equal(jobs.length, 6);
  assert.deepEqual(jobs.map((j) => [j.id === long.id, j.state, j.attempts]),
    [...Array(5).fill([false, 'queued', 0]), [true, 'running', 1]]);

  const second = await serve(t, { db: o.db });
  jobs = await waitFor(async () => {
    const js = await jobList(o.db);
    return js.length === 6 && js.every((j) => j.state === 'done' || j.state === 'failed') && js;
  }, { timeoutMs: 40000, intervalMs: 250, what: 'every job to finish' });
  for (const j of jobs) {
    const want = j.id === long.id
      ? ['done', 2, 'the worker running it stopped'] // the lost attempt counts
      : ['done', 1, ''];
    assert.deepEqual([j.state, j.attempts, j.error], want, `job ${j.id}`);
    assert.equal(workerOf(j.worker).pid, second.proc.pid, `job ${j.id} ran in the second server`);
  }
  // taken back once, and run once by the second server: not taken from it
  // while it ran longer than its lease
  await second.waitForLog(/msg="jobs of a stopped worker taken back" queued=1 failed=0/);
  const runs = jobLog(second).filter((e) => e.id === long.id);
  assert.deepEqual(runs.map((e) => [e.attempt, e.outcome]), [[2, 'done']]);
  assert.ok(!second.lines.some((l) => /lease was lost/.test(l)), second.logTail());
  assert.equal(Number(await sql(o.db, `SELECT COUNT(*) FROM jobs WHERE kind = 'probe'`)), 6);
});

test('a job that runs longer than its lease is not taken from a live worker', async (t) => {
  const o = await initOrg(t);
  const a = await serve(t, { db: o.db, args: ['--workers', '1'] });
  await runOk(['job', 'probe', '--db', o.db, '--sleep-ms', '5000', '--lease-ms', '2000']);
  const [job] = await jobList(o.db);
  await waitFor(async () => (await jobList(o.db)).find((j) => j.state === 'running'),
    { timeoutMs: 15000, intervalMs: 50, what: 'the probe to run' });
  // a second process whose workers look for jobs of stopped workers
  const b = await serve(t, { db: o.db });
  const [done] = await waitFor(async () => {
    const js = await jobList(o.db);
    return js[0].state !== 'running' && js[0].state !== 'queued' && js;
  }, { timeoutMs: 20000, intervalMs: 100, what: 'the probe to finish' });
  assert.deepEqual([done.id, done.state, done.attempts, done.error], [job.id, 'done', 1, '']);
  assert.deepEqual(workerOf(done.worker), { pid: a.proc.pid, thread: 0 });
  assert.deepEqual(jobLog(a).filter((e) => e.id === job.id).map((e) => [e.attempt, e.outcome]), [[1, 'done']]);
  assert.deepEqual(jobLog(b).filter((e) => e.id === job.id), []);
  for (const srv of [a, b]) {
    assert.ok(!srv.lines.some((l) => /lease was lost|taken back/.test(l)), srv.logTail());
  }
});

test('while every worker is busy, schedules still fire and jobs of stopped workers are taken back', async (t) => {
  const o = await initOrg(t);
  await serve(t, { db: o.db, args: ['--workers', '1'] });
  await runOk(['job', 'probe', '--db', o.db, '--sleep-ms', '8000']);
  const [long] = await jobList(o.db);
  await waitFor(async () => (await jobList(o.db)).find((j) => j.state === 'running'),
    { timeoutMs: 15000, intervalMs: 50, what: 'the probe to run' });
  const org = Number(await sql(o.db, 'SELECT MIN(org_id) FROM orgs'));
  const now = Date.now();
  // a job of a process that is gone, and a schedule that is due
  await sql(o.db, `INSERT INTO jobs (org_id, kind, payload, state, run_at, attempts, max_attempts,
    lease_ms, locked_by, locked_until, created_at, updated_at) VALUES (${org}, 'probe', '{}',
    'running', ${now - 60000}, 1, 8, 60000, 'gone:1:0', ${now - 1}, ${now - 60000}, ${now - 60000})`);
  await sql(o.db, `INSERT INTO schedules (org_id, name, kind, payload, cron, next_run_at,
    created_at, updated_at) VALUES (${org}, 'due', 'probe', '{}', '0 * * * *', ${now}, ${now}, ${now})`);
  const js = await waitFor(async () => {
    const l = await jobList(o.db);
    return l.length === 3 && l.some((j) => j.id !== long.id && j.state === 'queued' && j.attempts === 1) && l;
  }, { timeoutMs: 5000, intervalMs: 100, what: 'the stopped worker\'s job to be queued and the schedule to fire' });
  // all of that while the only worker still runs the long probe
  assert.deepEqual(js.map((j) => [j.state, j.attempts, j.error]), [
    ['queued', 0, ''], // the schedule's job
    ['queued', 1, 'the worker running it stopped'],
    ['running', 1, ''],
  ]);
  assert.equal(js[2].id, long.id);
  assert.equal(Number(await sql(o.db, `SELECT COUNT(*) FROM jobs WHERE schedule_id IS NOT NULL AND org_id = ${org}`)), 1);
});

test('a failing probe: queued again after its backoff, failed after its last attempt, retried', async (t) => {
  const o = await initOrg(t);
  const srv = await serve(t, { db: o.db });
  const tok = await createToken(o.db, o.email);
  const r = await runOk(['job', 'probe', '--db', o.db, '--fail']);
  assert.equal(r.stdout, 'queued 1 probe job(s)\n');
  const [job] = await jobList(o.db);
  assert.deepEqual([job.kind, job.state, job.attempts, job.max], ['probe', 'queued', 0, 2]);
  const item = async () => {
    const res = await api(srv.base, tok, 'GET', '/jobs');
    assert.equal(res.status, 200);
    const it = res.body.items.find((j) => j.id === job.id);
    assert.ok(it, res.text);
    return it;
  };

  // the first attempt fails: queued again, about ten seconds later
  const first = await waitFor(async () => { const it = await item(); return it.attempts === 1 && it.state !== 'running' && it; },
    { timeoutMs: 15000, intervalMs: 50, what: 'the first attempt' });
  const wait = Date.parse(first.run_at) - Date.now();
  assert.equal(first.state, 'queued');
  assert.equal(first.last_error, 'the probe was asked to fail');
  assert.equal(first.finished_at, null);
  assert.ok(wait > 8000 && wait <= 12000, `the next attempt in ${wait} ms`);
  let listed = await jobList(o.db);
  assert.deepEqual(listed.map((j) => [j.id, j.state, j.attempts, j.max, j.error]),
    [[job.id, 'queued', 1, 2, 'the probe was asked to fail']]);
  let res = await api(srv.base, tok, 'POST', `/jobs/${job.id}/retry`, {});
  assert.equal(res.status, 409, res.text);

  // the backoff is the behaviour here: the second attempt waits for run_at
  const failed = await waitFor(async () => { const it = await item(); return it.state === 'failed' && it; },
    { timeoutMs: 30000, intervalMs: 250, what: 'the job to fail for good' });
  assert.equal(failed.attempts, 2);
  assert.equal(failed.last_error, 'the probe was asked to fail');
  assert.ok(Date.parse(failed.finished_at) >= Date.parse(first.run_at),
    `the second attempt (${failed.finished_at}) came after the backoff (${first.run_at})`);
  listed = await jobList(o.db, ['--state', 'failed']);
  assert.deepEqual(listed.map((j) => [j.id, j.state, j.attempts, j.max]), [[job.id, 'failed', 2, 2]]);
  res = await api(srv.base, tok, 'GET', '/jobs');
  assert.deepEqual(res.body.counts, { queued: 0, running: 0, done: 0, failed: 1 });

  // brug job retry: queued with fresh attempts, run at once (and failing again)
  let rr = await runOk(['job', 'retry', '--db', o.db, '--id', String(job.id)]);
  assert.equal(rr.stdout, `job ${job.id} queued again\n`);
  const again = await waitFor(async () => {
    const it = await item();
    return it.state === 'queued' && it.attempts === 1 && it;
  }, { timeoutMs: 15000, intervalMs: 50, what: 'the retried job to run' });
  assert.equal(again.last_error, 'the probe was asked to fail');
  res = await api(srv.base, tok, 'GET', '/audit?limit=1');
  assert.deepEqual([res.body.items[0].action, res.body.items[0].object_id, res.body.items[0].actor],
    ['job.retry', job.id, 'cli']);
  // only a failed job can be retried; an unknown one is not found
  rr = await run(['job', 'retry', '--db', o.db, '--id', String(job.id)]);
  assert.equal(rr.code, 1);
  assert.match(rr.stderr, /only a failed job can be retried/);
  rr = await run(['job', 'retry', '--db', o.db, '--id', '999999']);
  assert.equal(rr.code, 1);
  assert.match(rr.stderr, /no such job/);
  rr = await run(['job', 'retry', '--db', o.db]);
  assert.equal(rr.code, 2);
  assert.match(rr.stderr, /retry needs --id N/);
});

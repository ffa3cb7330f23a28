// SPDX-License-Identifier: Apache-2.0
// Mail over a real SMTP server (tests/e2e/smtp_sink.py, aiosmtpd): `brug
// serve` with --smtp-url and workers delivers a queued test mail once, as a
// message Python's email package reads under its strict policy (From, To
// and Subject decoded, multipart/alternative with a text and an HTML part).
// A server that answers 550 or drops the connection after DATA: the outbox
// shows the attempts and the error, the mail stays queued and arrives once
// when the server takes it again; so does mail queued while the server is
// down altogether; a mail out of attempts is failed, and a retry sends it.
// Backoffs are 50 ms (--job-backoff-ms) to keep this short.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { api, createToken, initOrg, run, serve, sleep, sql, waitFor } from './lib.mjs';
import { parse, startSink } from './mail_sink.mjs';

async function setup(t) {
  const sink = await startSink(t);
  const o = await initOrg(t, { email: 'beheer@test.example' });
  const srv = await serve(t, {
    db: o.db,
    args: ['--smtp-url', `smtp://127.0.0.1:${sink.port}`, '--job-backoff-ms', '50', '--workers', '2',
      '--mail-from', 'Brüg Tést <noreply@brug.example>'],
  });
  const tok = await createToken(o.db, o.email);
  const mail = async (id) => {
    const res = await api(srv.base, tok, 'GET', `/outbox/${id}`);
    assert.equal(res.status, 200, res.text);
    return res.body;
  };
  const queue = async () => {
    const res = await api(srv.base, tok, 'POST', '/outbox/test', {});
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.to_addr, o.email);
    return res.body.id;
  };
  return { sink, o, srv, tok, mail, queue };
}

test('a test mail arrives once, as proper MIME', async (t) => {
  const { sink, mail, queue } = await setup(t);
  const id = await queue();
  const sent = await waitFor(async () => { const m = await mail(id); return m.status === 'sent' && m; },
    { timeoutMs: 15000, intervalMs: 50, what: 'the mail to be sent' });
  assert.equal(sent.attempts, 1);
  assert.equal(sent.last_error, '');
  assert.ok(Date.parse(sent.sent_at) >= Date.parse(sent.created_at));
  await sleep(1500); // a second copy would come within a worker's poll
  const got = await sink.messages();
  assert.equal(got.length, 1);
  assert.deepEqual(got[0].envelope, { mail_from: 'noreply@brug.example', rcpt_tos: ['beheer@test.example'] });
  const m = await parse(got[0].file);
  assert.equal(m.defects, 0);
  assert.equal(m.from_name, 'Brüg Tést');
  assert.equal(m.from_addr, 'noreply@brug.example');
  assert.deepEqual(m.to, ['beheer@test.example']);
  assert.equal(m.subject, sent.subject);
  assert.match(m.subject, /^brug: test ?mail$/);
  assert.match(m.message_id, /^<[0-9a-f]{32}@brug\.example>$/);
  assert.equal(m.type, 'multipart/alternative');
  assert.deepEqual(m.parts, ['text/plain', 'text/html']);
  assert.match(m.text, /brug/);
  assert.match(m.html, /<p>/);
  // the outbox page's reading of it matches the mail client's
  assert.equal(sent.text.trim(), m.text.trim());
  assert.ok(sent.headers.some((h) => h.name === 'From' && h.value === 'Brüg Tést <noreply@brug.example>'),
    JSON.stringify(sent.headers));
});

for (const mode of ['reject', 'disconnect']) {
  test(`a server that ${mode === 'reject' ? 'answers 550' : 'drops the connection after DATA'}: retried, then delivered once`, async (t) => {
    const { sink, mail, queue } = await setup(t);
    await sink.mode(mode);
    const id = await queue();
    const failing = await waitFor(async () => { const m = await mail(id); return m.attempts >= 2 && m; },
      { timeoutMs: 15000, intervalMs: 50, what: 'two failed attempts' });
    assert.equal(failing.status, 'queued');
    if (mode === 'reject') assert.match(failing.last_error, /\(SMTP 550\)$/);
    else assert.notEqual(failing.last_error, '');
    assert.ok((await sink.events()).filter((e) => e === mode).length >= 2);
    assert.equal((await sink.messages()).length, 0);
    await sink.mode('accept');
    const sent = await waitFor(async () => { const m = await mail(id); return m.status === 'sent' && m; },
      { timeoutMs: 15000, intervalMs: 50, what: 'the mail to be sent' });
    assert.ok(sent.attempts >= 3, `attempts ${sent.attempts}`);
    await sleep(1500);
    const got = await sink.messages();
    assert.equal(got.length, 1, 'exactly one copy');
    assert.equal((await parse(got[0].file)).subject, sent.subject);
  });
}

test('the SMTP server down for a while: the mail queued meanwhile arrives once it is back, each once', async (t) => {
  const sink = await startSink(t);
  const o = await initOrg(t, { email: 'beheer@test.example' });
  // backoffs of 0.2, 0.4, 0.8, 1.6 ... s: eight attempts span about 25 s
  const srv = await serve(t, {
    db: o.db,
    args: ['--smtp-url', `smtp://127.0.0.1:${sink.port}`, '--job-backoff-ms', '200', '--workers', '2'],
  });
  const tok = await createToken(o.db, o.email);
  await sink.stop();
  const ids = [];
  for (let i = 0; i < 3; i++) {
    const r = await api(srv.base, tok, 'POST', '/outbox/test', {});
    assert.equal(r.status, 201, r.text);
    ids.push(r.body.id);
  }
  const mail = async (id) => (await api(srv.base, tok, 'GET', `/outbox/${id}`)).body;
  for (const id of ids) {
    const m = await waitFor(async () => { const x = await mail(id); return x.attempts >= 2 && x; },
      { timeoutMs: 15000, intervalMs: 50, what: 'two attempts while the server is down' });
    assert.equal(m.status, 'queued');
    assert.match(m.last_error, /connect/i);
  }
  const back = await startSink(t, { port: sink.port });
  const sent = [];
  for (const id of ids) {
    sent.push(await waitFor(async () => { const x = await mail(id); return x.status === 'sent' && x; },
      { timeoutMs: 20000, intervalMs: 50, what: `mail ${id} to be sent` }));
  }
  // the failed attempts count, and the outbox still says what held it up
  assert.ok(sent.every((m) => m.attempts >= 3 && /connect/i.test(m.last_error)),
    JSON.stringify(sent.map((m) => [m.attempts, m.last_error])));
  await sleep(1500); // a second copy would come within a worker's poll
  const got = await back.messages();
  assert.equal(got.length, ids.length, 'each mail exactly once');
  const seen = new Set();
  for (const g of got) seen.add((await parse(g.file)).message_id);
  assert.equal(seen.size, ids.length, 'three different mails');
});

test('a mail out of attempts is failed; a retry sends it', async (t) => {
  const { sink, o, srv, tok, mail, queue } = await setup(t);
  await sink.mode('reject');
  const id = await queue();
  // three attempts rather than eight, to keep the test short
  await sql(o.db, `UPDATE jobs SET max_attempts = 3 WHERE kind = 'mail.send' AND payload = '{"id":${id}}'`);
  const failed = await waitFor(async () => { const m = await mail(id); return m.status === 'failed' && m; },
    { timeoutMs: 20000, intervalMs: 100, what: 'the mail to fail for good' });
  assert.equal(failed.attempts, 3);
  assert.match(failed.last_error, /550/);
  let res = await api(srv.base, tok, 'GET', '/outbox?status=failed');
  assert.deepEqual(res.body.items.map((m) => m.id), [id]);
  assert.equal(res.body.counts.failed, 1);
  // the job failed with it
  res = await api(srv.base, tok, 'GET', '/jobs?state=failed');
  assert.equal(res.body.items.length, 1);
  assert.equal(res.body.items[0].kind, 'mail.send');

  await sink.mode('accept');
  res = await api(srv.base, tok, 'POST', `/outbox/${id}/retry`, {});
  assert.equal(res.status, 200, res.text);
  const sent = await waitFor(async () => { const m = await mail(id); return m.status === 'sent' && m; },
    { timeoutMs: 15000, intervalMs: 50, what: 'the retried mail to be sent' });
  assert.equal(sent.attempts, 1);
  assert.equal((await sink.messages()).length, 1);
  res = await api(srv.base, tok, 'POST', `/outbox/${id}/retry`, {});
  assert.equal(res.status, 409, res.text);
});

test('without --smtp-url mail is held; brug config masks the SMTP password', async (t) => {
  const o = await initOrg(t);
  const srv = await serve(t, { db: o.db });
  const tok = await createToken(o.db, o.email);
  let res = await api(srv.base, tok, 'POST', '/outbox/test', {});
  assert.equal(res.status, 201, res.text);
  const id = res.body.id;
  const held = await waitFor(async () => {
    const r = await api(srv.base, tok, 'GET', `/outbox/${id}`);
    return r.body.status === 'held' && r.body;
  }, { timeoutMs: 15000, intervalMs: 50, what: 'the mail to be held' });
  assert.equal(held.attempts, 0);
  assert.match(held.message, /^Date: /);

  const r = await run(['config', 'show', '--smtp-password', 'zeer-geheim', '--smtp-url', 'smtp://ik:ook-geheim@mail.example:587']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /zeer-geheim|ook-geheim/);
  assert.match(r.stdout, /^smtp-password\s+= \*{8}\s+# flag$/m);
  assert.match(r.stdout, /^smtp-url\s+= smtp:\/\/ik:\*\*\*@mail\.example:587\s+# flag$/m);
  const bad = await run(['config', 'bogus']);
  assert.equal(bad.code, 2);
});

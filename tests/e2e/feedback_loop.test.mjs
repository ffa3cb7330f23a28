// SPDX-License-Identifier: Apache-2.0
// The whole feedback loop as its users live it, with real processes: a
// manager makes a survey from a template and sends it; the invitation mails
// arrive at a real SMTP server (tests/e2e/smtp_sink.py) and are read by a
// real MIME parser; two customers answer from the mail on a phone-sized
// browser, one in Dutch who is unhappy and one in English who is not; the
// manager then sees the score with its interval, the theme the unhappy one
// named and the follow-up case, whose notice mail reaches the relation's
// owner; a webhook receiver gets both events, signed as Standard Webhooks
// prescribe. On SQLite and PostgreSQL (BRUG_TEST_BACKEND).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { test } from 'node:test';

import {
  CHROMIUM, api, browserLogin, createToken, initOrg, launchBrowser, newContext, serve, waitFor,
} from './lib.mjs';
import { parse, startSink } from './mail_sink.mjs';

const skip = !existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM}`;
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** A webhook receiver on a free port: keeps each request's headers and body. */
async function receiver(t) {
  const got = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d) => (body += d)).on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${server.address().port}/brug`, got };
}

/** The mails the sink received, parsed, by recipient. */
async function mailsTo(sink, addr, n) {
  return waitFor(async () => {
    const all = await Promise.all((await sink.messages()).map((m) => parse(m.file)));
    const mine = all.filter((m) => m.to.includes(addr));
    return mine.length >= n && mine;
  }, { timeoutMs: 20000, intervalMs: 100, what: `${n} mail(s) to ${addr}` });
}

test('make, send, answer from the mail on a phone, see the score, the theme and the case', { skip, timeout: 180000 }, async (t) => {
  const sink = await startSink(t);
  const hook = await receiver(t);
  const o = await initOrg(t, { email: 'manager@polder.example' });
  const srv = await serve(t, {
    db: o.db,
    args: ['--smtp-url', `smtp://127.0.0.1:${sink.port}`, '--job-backoff-ms', '50', '--workers', '2',
      '--base-url', 'http://brug.example', '--mail-from', 'Polder Service <service@polder.example>'],
  });
  const tok = await createToken(o.db, o.email);
  const call = async (method, p, body, status) => {
    const r = await api(srv.base, tok, method, p, body);
    if (status) assert.equal(r.status, status, `${method} ${p}: ${r.text}`);
    return r.body;
  };
  // the relation's owner gets the follow-up; two customers, Dutch and English
  const owner = await call('POST', '/users', { email: 'eigenaar@polder.example', name: 'Eva Eigenaar', role: 'employee', password: 'eigenaar-wachtwoord' }, 201);
  const anna = await call('POST', '/relations', { kind: 'person', given_name: 'Anna', family_name: 'de Vries', lang: 'nl', owner_id: owner.id, emails: [{ value: 'anna@klant.example' }] }, 201);
  const bob = await call('POST', '/relations', { kind: 'person', given_name: 'Bob', family_name: 'Smith', lang: 'en', emails: [{ value: 'bob@client.example' }] }, 201);
  const webhook = await call('POST', '/webhooks', { url: hook.url, events: ['answer.received', 'answer.detractor'] }, 201);

  // make from a template, activate, send
  const survey = await call('POST', '/surveys', { template: 'nps_relationship', name: 'Klanttevredenheid' }, 201);
  await call('PATCH', `/surveys/${survey.id}`, { status: 'active' }, 200);
  const sent = await call('POST', `/surveys/${survey.id}/invitations`, { relation_ids: [anna.id, bob.id] }, 201);
  assert.equal(sent.invited, 2);

  // the mails, as a mail client reads them: in each invitee's language, with the scale as links
  const [toAnna] = await mailsTo(sink, 'anna@klant.example', 1);
  const [toBob] = await mailsTo(sink, 'bob@client.example', 1);
  for (const m of [toAnna, toBob]) {
    assert.equal(m.defects, 0);
    assert.equal(m.from_addr, 'service@polder.example');
    assert.deepEqual(m.parts, ['text/plain', 'text/html']);
  }
  assert.match(toAnna.text, /aanbeve/i);
  assert.match(toBob.text, /recommend/i);
  const link = (m, score) => {
    const found = m.html.match(new RegExp(`href="http://brug\\.example(/s/[^"?]+)\\?score=${score}"`));
    assert.ok(found, `the mail has a link for ${score}:\n${m.html}`);
    return found[1];
  };

  // Anna, on her phone: one tap on 3 records it; she says why and sends
  const browser = await launchBrowser(t);
  const ctx = await newContext(t, browser, { locale: 'nl-NL', ...PHONE });
  const page = await ctx.newPage();
  await page.goto(srv.url(`${link(toAnna, 3)}?score=3`));
  assert.equal(await page.locator('input[name="a.nps"][value="3"]').isChecked(), true);
  await page.fill('textarea >> nth=0', 'Slecht bereikbaar: ik heb drie keer gebeld voordat ik iemand sprak.');
  await Promise.all([page.waitForNavigation(), page.click('main form button[type="submit"]')]);
  assert.match(await page.locator('main h1').innerText(), /dank/i);
  // Bob, in English, taps 9 and sends without a comment
  const ctxEn = await newContext(t, browser, { locale: 'en-US', ...PHONE });
  const pageEn = await ctxEn.newPage();
  await pageEn.goto(srv.url(`${link(toBob, 9)}?score=9`));
  assert.match(await pageEn.locator('legend').first().innerText(), /recommend/);
  await Promise.all([pageEn.waitForNavigation(), pageEn.click('main form button[type="submit"]')]);
  assert.match(await pageEn.locator('main h1').innerText(), /thank/i);

  // the score with its interval: one promoter, one detractor: NPS 0
  const results = await call('GET', `/surveys/${survey.id}/results`, undefined, 200);
  const nps = results.questions.find((q) => q.type === 'nps');
  assert.equal(nps.n, 2, JSON.stringify(nps));
  assert.equal(Math.round(nps.value), 0);
  assert.ok(nps.lo < 0 && nps.hi > 0, `an interval around 0: ${nps.lo}..${nps.hi}`);
  // the theme Anna named, with the NPS of those who named it
  const theme = results.themes.find((x) => x.key === 'bereikbaarheid');
  assert.ok(theme, `the theme is found: ${JSON.stringify(results.themes)}`);
  assert.equal(theme.mentions, 1);
  assert.equal(theme.with.value, -100);
  assert.equal(theme.without.value, 100);

  // the follow-up case, for Anna's owner, who is told by mail
  const cases = await call('GET', '/cases?assignee=all', undefined, 200);
  assert.equal(cases.items.length, 1);
  assert.equal(cases.items[0].relation_id, anna.id);
  assert.equal(cases.items[0].assignee_id, owner.id);
  assert.equal(cases.items[0].status, 'open');
  const [notice] = await mailsTo(sink, 'eigenaar@polder.example', 1);
  assert.equal(notice.defects, 0);
  assert.match(notice.text, new RegExp(`/cases/${cases.items[0].id}`));

  // the manager sees it all in the browser, in English too
  const mgr = await newContext(t, browser, { locale: 'en-US' });
  const mp = await mgr.newPage();
  await browserLogin(mp, srv.base, o.email, o.password);
  await mp.goto(srv.url(`/surveys/${survey.id}/results`));
  assert.match(await mp.locator('main').innerText(), /95%/);
  await mp.goto(srv.url(`/cases/${cases.items[0].id}`));
  assert.match(await mp.locator('main').innerText(), /Slecht bereikbaar/);

  // the webhook: two answers, one detractor; each signed with the webhook's secret
  await waitFor(() => hook.got.length >= 3, { timeoutMs: 20000, what: 'three webhook deliveries' });
  const secret = Buffer.from(webhook.secret.slice('whsec_'.length), 'base64');
  const types = [];
  for (const d of hook.got) {
    const { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': sig } = d.headers;
    const want = createHmac('sha256', secret).update(`${id}.${ts}.${d.body}`).digest('base64');
    assert.equal(sig, `v1,${want}`);
    assert.ok(Math.abs(Date.now() / 1000 - Number(ts)) < 120);
    types.push(JSON.parse(d.body).type);
  }
  assert.equal(types.filter((x) => x === 'answer.detractor').length, 1);
  assert.ok(types.filter((x) => x === 'answer.received').length >= 2);
});

// SPDX-License-Identifier: Apache-2.0
// Exports and the vCard import as a person clicks them (headless Chromium):
// the export buttons under the relations list give files named and shaped
// as promised, with the list's filters kept; a relation's vCard button; a
// vCard file uploaded, previewed (nothing saved yet) and then imported.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { before, test } from 'node:test';

import {
  CHROMIUM, api, browserLogin, createToken, fileScope, initOrg, launchBrowser, newContext, serve,
} from './lib.mjs';

const skip = !existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM}`;
let o, srv, tok, browser, acme;
const scope = fileScope();
before(async () => {
  if (skip) return;
  o = await initOrg(scope);
  srv = await serve(scope, { db: o.db });
  tok = await createToken(o.db, o.email);
  browser = await launchBrowser(scope);
  acme = (await api(srv.base, tok, 'POST', '/relations', {
    kind: 'organisation', name: 'Acme B.V.', tags: ['noord'],
    emails: [{ value: 'info@acme.example' }], phones: [{ value: '020 123 4567' }],
  })).body;
  const r = await api(srv.base, tok, 'POST', '/relations', {
    kind: 'person', given_name: 'Zoë', family_name: 'Müller', parent_id: acme.id,
    emails: [{ value: 'zoe@acme.example' }], tags: ['noord'],
  });
  assert.equal(r.status, 201, r.text);
});

/** Clicks and returns the download it starts: {name, text}. */
async function download(page, locator) {
  const [d] = await Promise.all([page.waitForEvent('download'), locator.click()]);
  return { name: d.suggestedFilename(), bytes: await readFile(await d.path()) };
}

test('the export buttons give files of the filtered list; a relation gives its vCard', { skip }, async (t) => {
  const ctx = await newContext(t, browser, { locale: 'nl-NL', acceptDownloads: true });
  const page = await ctx.newPage();
  await browserLogin(page, srv.base, o.email, o.password, '/relations?kind=organisation');
  const form = page.locator('#relation-export');
  let f = await download(page, form.getByRole('button', { name: 'CSV' }));
  assert.match(f.name, /^relaties-\d{4}-\d{2}-\d{2}\.csv$/);
  let lines = f.bytes.toString('utf8').split('\r\n');
  assert.equal(lines[0], 'naam,voornaam,achternaam,e-mail,telefoon,mobiel,straat,postcode,plaats,land,functie,type,labels,notities,taal,organisatie,accountmanager');
  assert.ok(lines[1].startsWith('Acme B.V.,,,info@acme.example,020 123 4567,'), lines[1]);
  assert.equal(lines.filter(Boolean).length, 2, 'only the organisations, as the list shows');

  f = await download(page, form.getByRole('button', { name: 'Excel' }));
  assert.match(f.name, /^relaties-[\d-]+\.csv$/);
  assert.deepEqual([...f.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.ok(f.bytes.subarray(3).toString('utf8').startsWith('naam;voornaam;'));

  f = await download(page, form.getByRole('button', { name: 'JSON' }));
  assert.match(f.name, /\.json$/);
  assert.deepEqual(JSON.parse(f.bytes).map((x) => x.name), ['Acme B.V.']);

  // the filters chosen on the page go along
  await page.goto(srv.url('/relations?kind=person&tag=noord'));
  f = await download(page, page.locator('#relation-export').getByRole('button', { name: 'vCard' }));
  assert.match(f.name, /^relaties-[\d-]+\.vcf$/);
  const text = f.bytes.toString('utf8');
  assert.ok(text.startsWith('BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Zoë Müller\r\n'), text);
  assert.equal(text.match(/BEGIN:VCARD/g).length, 1);

  await page.goto(srv.url(`/relations/${acme.id}`));
  f = await download(page, page.getByRole('button', { name: 'vCard' }).or(page.getByRole('link', { name: 'vCard' })).first());
  assert.equal(f.name, 'acme-b-v.vcf');
  assert.ok(f.bytes.toString('utf8').startsWith('BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\nFN:Acme B.V.\r\n'));
});

test('a vCard file is previewed, then imported', { skip }, async (t) => {
  const ctx = await newContext(t, browser, { locale: 'nl-NL' });
  const page = await ctx.newPage();
  await browserLogin(page, srv.base, o.email, o.password, '/relations');
  await page.getByRole('button', { name: 'vCard importeren' }).click();
  await page.waitForURL('**/relations/import-vcard');
  const vcf = [
    'BEGIN:VCARD', 'VERSION:3.0', 'FN:Pieter Jansen', 'N:Jansen;Pieter;;;', 'ORG:Acme B.V.',
    'EMAIL:pieter@acme.example', 'END:VCARD',
    'BEGIN:VCARD', 'VERSION:3.0', 'FN:Zoë Müller', 'EMAIL:zoe@acme.example', 'END:VCARD', '',
  ].join('\r\n');
  await page.setInputFiles('#file', { name: 'contacten.vcf', mimeType: 'text/vcard', buffer: Buffer.from(vcf) });
  await page.getByLabel('Bijwerken met de gegevens uit het bestand').check();
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Bekijken' }).click()]);
  assert.equal(await page.locator('main h2').first().innerText(), 'Wat er zou gebeuren: contacten.vcf');
  const rows = await page.locator('#import-preview tbody tr').allInnerTexts();
  assert.equal(rows.length, 2);
  assert.match(rows[0], /Pieter Jansen\s+Acme B\.V\.\s+pieter@acme\.example\s+Nieuw/);
  assert.match(rows[1], /Zoë Müller.*Bijwerken/);
  assert.equal(await page.locator('input[name="on_duplicate"][value="update"]').isChecked(), true,
    'the choices made are kept');
  let list = await api(srv.base, tok, 'GET', '/relations?kind=person');
  assert.equal(list.body.total, 1, 'nothing is saved by a preview');

  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Importeren', exact: true }).click()]);
  assert.equal(new URL(page.url()).pathname, '/relations/import-vcard');
  assert.match(await page.locator('#import-done').innerText(), /Nieuw 1, Bijgewerkt 1, Overgeslagen 0/);
  list = await api(srv.base, tok, 'GET', '/relations?kind=person');
  assert.deepEqual(list.body.items.map((i) => i.name), ['Pieter Jansen', 'Zoë Müller']);
  assert.equal(list.body.items[0].parent_name, 'Acme B.V.');
});

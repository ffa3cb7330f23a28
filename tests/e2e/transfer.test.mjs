// SPDX-License-Identifier: Apache-2.0
// Relation exports and the vCard import on the real binary: `brug export
// relations` to a file and to standard output in each format, its usage
// errors; the HTTP downloads (headers a browser acts on) and the vCard
// import over HTTP, raw and multipart, with a dry run confirmed later.
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';

import { api, createToken, fileScope, initOrg, run, runOk, serve } from './lib.mjs';

const scope = fileScope();
let o, srv, tok;

const CARDS = [
  'BEGIN:VCARD', 'VERSION:3.0', 'FN:Jan de Vries', 'N:de Vries;Jan;;;', 'ORG:Acme B.V.',
  'TITLE:Inkoper', 'EMAIL;TYPE=WORK:jan@acme.example', 'TEL;TYPE=CELL:+31 6 12345678',
  'CATEGORIES:VIP', 'END:VCARD',
  'BEGIN:VCARD', 'VERSION:4.0', 'KIND:org', 'FN:=SOM(A1:A9)', 'EMAIL:formule@example.nl', 'END:VCARD',
  'BEGIN:VCARD', 'VERSION:2.1', 'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;Zo=C3=AB;;;',
  'TEL;HOME:030 234 5678', 'END:VCARD', '',
].join('\r\n');

async function setup() {
  if (o) return;
  o = await initOrg(scope);
  srv = await serve(scope, { db: o.db });
  tok = await createToken(o.db, o.email);
}

async function importVcard(body, query = '', headers = {}) {
  const res = await fetch(`${srv.base}/api/v1/relations/import-vcard${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tok}`, 'content-type': 'text/vcard', ...headers },
    body,
  });
  return { status: res.status, body: await res.json() };
}

test('a vCard file over HTTP: a dry run, kept, then confirmed; a card broken in the middle', async () => {
  await setup();
  let r = await importVcard(CARDS, '?dry_run=1');
  assert.equal(r.status, 200);
  assert.equal(r.body.dry_run, true);
  assert.equal(r.body.rows, 3);
  assert.equal(r.body.created, 3);
  assert.deepEqual(r.body.preview.map((p) => p.action), ['create', 'create', 'create']);
  assert.deepEqual(r.body.preview.map((p) => p.line), [1, 11, 17]);
  assert.equal((await api(srv.base, tok, 'GET', '/relations?status=all')).body.total, 0);
  r = await fetch(`${srv.base}/api/v1/relations/import-vcard`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
    body: JSON.stringify({ upload_id: r.body.upload_id }),
  }).then(async (x) => ({ status: x.status, body: await x.json() }));
  assert.equal(r.status, 200);
  assert.equal(r.body.created, 3);
  assert.equal(r.body.organisations_created, 1);
  const list = await api(srv.base, tok, 'GET', '/relations?status=all');
  assert.deepEqual(list.body.items.map((i) => i.name), ['=SOM(A1:A9)', 'Acme B.V.', 'Jan de Vries', 'Zoë Müller']);

  // broken: the second card has no END; multipart, as a form sends it
  const broken = 'BEGIN:VCARD\r\nFN:Een\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:Twee\r\n' +
    'BEGIN:VCARD\r\nFN:Drie\r\nEND:VCARD\r\n';
  const form = new FormData();
  form.append('file', new Blob([broken], { type: 'text/vcard' }), 'kapot.vcf');
  let res = await fetch(`${srv.base}/api/v1/relations/import-vcard`, {
    method: 'POST', headers: { authorization: `Bearer ${tok}` }, body: form,
  });
  assert.equal(res.status, 422);
  let body = await res.json();
  assert.equal(body.blocked, true);
  assert.deepEqual(body.rejected.map((x) => x.line), [6]);
  const form2 = new FormData();
  form2.append('file', new Blob([broken], { type: 'text/vcard' }), 'kapot.vcf');
  form2.append('skip_invalid', 'true');
  res = await fetch(`${srv.base}/api/v1/relations/import-vcard`, {
    method: 'POST', headers: { authorization: `Bearer ${tok}` }, body: form2,
  });
  body = await res.json();
  assert.equal(res.status, 200);
  assert.equal(body.created, 2);
  assert.equal(body.upload_id, undefined, 'a file that is imported at once is not kept');
});

test('downloads: file names, types and first lines; one relation as a vCard', async () => {
  await setup();
  const get = (p) => fetch(srv.base + p, { headers: { authorization: `Bearer ${tok}` } });
  let res = await get('/api/v1/relations/export?format=csv&excel=1');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.match(res.headers.get('content-disposition'), /^attachment; filename="relaties-\d{4}-\d{2}-\d{2}\.csv"$/);
  const buf = Buffer.from(await res.arrayBuffer());
  assert.deepEqual([...buf.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a byte order mark for Excel');
  const lines = buf.subarray(3).toString('utf8').split('\r\n');
  assert.equal(lines[0], 'naam;voornaam;achternaam;e-mail;telefoon;mobiel;straat;postcode;plaats;land;functie;type;labels;notities;taal;organisatie;accountmanager');
  assert.match(lines[1], /^'=SOM\(A1:A9\);/, 'a formula is defused');
  assert.ok(lines.some((l) => l.startsWith("Jan de Vries;Jan;de Vries;jan@acme.example;;'+31 6 12345678;")));

  res = await get('/api/v1/relations/export?format=json&kind=person');
  assert.match(res.headers.get('content-disposition'), /filename="relaties-[\d-]+\.json"/);
  const people = await res.json();
  assert.deepEqual(people.map((p) => p.name), ['Drie', 'Een', 'Jan de Vries', 'Zoë Müller']);
  const jan = people.find((p) => p.name === 'Jan de Vries');
  assert.equal(jan.parent_name, 'Acme B.V.');
  assert.deepEqual(jan.tags, ['VIP']);

  res = await get(`/api/v1/relations/${jan.id}/vcard`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/vcard; charset=utf-8');
  assert.equal(res.headers.get('content-disposition'), 'attachment; filename="jan-de-vries.vcf"');
  const card = await res.text();
  assert.ok(card.startsWith('BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jan de Vries\r\n'), card);
  assert.match(card, /\r\nUID:urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\r\n/);
  assert.match(card, /\r\nREV:\d{8}T\d{6}Z\r\n/);
  assert.ok(card.endsWith('END:VCARD\r\n'));

  res = await get('/api/v1/relations/export?format=pdf');
  assert.equal(res.status, 422);
  assert.equal((await res.json()).fields.format, 'Kies csv, json of vcard.');
});

test('brug export relations: each format to a file and to standard output', async () => {
  await setup();
  const dir = o.dir;
  const file = path.join(dir, 'relaties.csv');
  let r = await runOk(['export', 'relations', '--db', o.db, file]);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp(`exported 6 relation\\(s\\) to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));
  const csv = await readFile(file, 'utf8');
  assert.ok(csv.startsWith('naam,voornaam,achternaam,e-mail,'));
  assert.equal(csv.trimEnd().split('\r\n').length, 7);
  assert.deepEqual((await readdir(dir)).filter((f) => f.includes('.tmp-')), [], 'no temporary file left');

  r = await runOk(['export', 'relations', '--db', o.db, '--format', 'json', '--kind', 'organisation']);
  const orgs = JSON.parse(r.stdout);
  assert.deepEqual(orgs.map((x) => x.name), ['=SOM(A1:A9)', 'Acme B.V.']);
  assert.equal(orgs[1].people[0].name, 'Jan de Vries');

  r = await runOk(['export', 'relations', '--db', o.db, '--format', 'vcard', '-']);
  assert.equal((r.stdout.match(/BEGIN:VCARD\r\n/g) || []).length, 6);
  assert.equal((r.stdout.match(/\r\nKIND:org\r\n/g) || []).length, 2);
  // the same UIDs as over HTTP
  const http = await fetch(`${srv.base}/api/v1/relations/export?format=vcard`, {
    headers: { authorization: `Bearer ${tok}` },
  }).then((x) => x.text());
  const uids = (s) => s.match(/UID:urn:uuid:\S+/g);
  assert.deepEqual(uids(r.stdout), uids(http));

  r = await run(['export', 'relations', '--db', o.db, '--format', 'xml']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--format must be csv, json or vcard/);
  r = await run(['export', 'users', '--db', o.db]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /export needs what to export: relations/);
  r = await run(['export', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^usage: brug export relations/);
  r = await run(['--help']);
  assert.match(r.stdout, /^ {2}export {5}write relations to a CSV, JSON or vCard file$/m);
});

// SPDX-License-Identifier: Apache-2.0
// brug import relations|cdr from the command line (the report, the exit
// status, everything or nothing, a dry run, standard input), and the
// import routes of a real server over HTTP (a raw text/csv body, and a
// body over the 50 MiB cap refused without anything written); an import
// too large to index in its own transaction, found by search once the
// command, or the server's background job, has indexed it.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';

import { api, completeResponse, createToken, initOrg, raw, run, runOk, serve, sql, waitFor } from './lib.mjs';

const relationsCsv = '\uFEFFBedrijfsnaam;Voornaam;Tussenvoegsel;Achternaam;E-mailadres;Mobiel;Plaats;Soort;Klantnummer\r\n'
  + 'Bakkerij Zoet B.V.;;;;info@zoet.example;;Amsterdam;klant;K1\r\n'
  + 'Bakkerij Zoet B.V.;Jan;de;Vries;jan@zoet.example;06-12345678;;;K2\r\n'
  + 'Noord B.V.;Anna;;Berg;anna@noord.example;;Groningen;leverancier;K3\r\n';

const count = async (db, table) => Number(await sql(db, `SELECT COUNT(*) FROM ${table}`));

test('brug import --help, and usage errors exit 2', async () => {
  let r = await runOk(['import', '--help']);
  assert.match(r.stdout, /^usage: brug import relations\|cdr\|vcard FILE/);
  assert.match(r.stdout, /--dry-run/);
  assert.match(r.stdout, /--on-duplicate/);
  assert.match(r.stdout, /--skip-invalid/);
  r = await run(['import']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /import needs relations or cdr and one FILE/);
  r = await run(['import', 'people', 'x.csv']);
  assert.equal(r.code, 2);
  r = await run(['import', 'relations', 'x.csv', '--on-duplicate', 'merge']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--on-duplicate is skip or update/);
});

test('brug import relations: a dry run, the import, duplicates, and the report', async (t) => {
  const o = await initOrg(t);
  const file = path.join(o.dir, 'klanten.csv');
  await writeFile(file, relationsCsv);
  let r = await runOk(['import', 'relations', file, '--db', o.db, '--dry-run']);
  assert.match(r.stdout, /^relations .*klanten\.csv: utf-8-bom, delimiter ; \(dry run\)$/m);
  assert.match(r.stdout, /^columns: Bedrijfsnaam -> organisation, Voornaam -> given_name, Tussenvoegsel -> infix, /m);
  assert.match(r.stdout, /^ignored columns: Klantnummer$/m);
  assert.match(r.stdout, /^rows 3: create 3, update 0, skip 0, rejected 0, organisations 1$/m);
  assert.match(r.stdout, /^dry run: nothing was written/m);
  assert.equal(await count(o.db, 'relations'), 0);

  r = await runOk(['import', 'relations', file, '--db', o.db]);
  assert.match(r.stdout, /^written in [\d.]+ s$/m);
  assert.equal(await count(o.db, 'relations'), 4);
  assert.equal(await sql(o.db, "SELECT p.name FROM relations r JOIN relations p ON p.id = r.parent_id WHERE r.name = 'Jan de Vries'"),
    'Bakkerij Zoet B.V.');
  assert.equal(await sql(o.db, "SELECT type FROM relations WHERE name = 'Noord B.V.'"), 'supplier');
  assert.equal(await sql(o.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'relation.import' AND actor = 'cli'"), '1');

  // the same file again: duplicates skipped, or updated
  r = await runOk(['import', 'relations', file, '--db', o.db]);
  assert.match(r.stdout, /^rows 3: create 0, update 0, skip 3, rejected 0, organisations 0$/m);
  await writeFile(file, 'Naam;E-mail;Plaats\nZoet;info@zoet.example;Haarlem\n');
  r = await runOk(['import', 'relations', file, '--db', o.db, '--on-duplicate', 'update']);
  assert.match(r.stdout, /^rows 1: create 0, update 1, /m);
  assert.equal(await sql(o.db, "SELECT COUNT(*) FROM contact_points WHERE kind = 'address' AND city = 'Haarlem'"), '1');
  assert.equal(await count(o.db, 'relations'), 4);
});

test('brug import relations: a rejected row writes nothing and exits 1; --skip-invalid imports the rest', async (t) => {
  const o = await initOrg(t);
  const file = path.join(o.dir, 'fout.csv');
  await writeFile(file, 'Naam,E-mail,Telefoon\nGoed B.V.,goed@goed.example,\n"Twee\nregels",fout@,\nKort\nBel B.V.,,bel me\n');
  let r = await run(['import', 'relations', file, '--db', o.db]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^rejected:\n  line 3: invalid email address \("fout@"\)\n  line 5: 1 field, the header has 3\n  line 6: invalid phone number \("bel me"\)$/m);
  assert.match(r.stdout, /^nothing was written: 3 rows rejected \(--skip-invalid imports the others\)$/m);
  assert.equal(await count(o.db, 'relations'), 0);
  r = await run(['import', 'relations', file, '--db', o.db, '--dry-run']);
  assert.equal(r.code, 1, 'a dry run of a file with rejected rows says so');
  r = await runOk(['import', 'relations', file, '--db', o.db, '--skip-invalid']);
  assert.match(r.stdout, /^rows 4: create 1, update 0, skip 0, rejected 3, organisations 0$/m);
  assert.equal(await count(o.db, 'relations'), 1);
});

test('brug import: files that are not CSV text are refused with the reason', async (t) => {
  const o = await initOrg(t);
  const png = path.join(o.dir, 'foto.png');
  await writeFile(png, Buffer.from('89504e470d0a1a0a0000000d4948445200000010', 'hex'));
  let r = await run(['import', 'relations', png, '--db', o.db]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /not a text file/);
  const utf16 = path.join(o.dir, 'unicode.txt');
  await writeFile(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Naam\nAcme\n', 'utf16le')]));
  r = await run(['import', 'relations', utf16, '--db', o.db]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /UTF-16/);
  r = await run(['import', 'relations', path.join(o.dir, 'missing.csv'), '--db', o.db]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot open/);
  assert.equal(await count(o.db, 'relations'), 0);
});

test('brug import cdr: matched calls become interactions, a second import skips them; - reads stdin', async (t) => {
  const o = await initOrg(t);
  const file = path.join(o.dir, 'klanten.csv');
  await writeFile(file, relationsCsv);
  await runOk(['import', 'relations', file, '--db', o.db]);
  const cdr = [
    '"","0612345678","201","from-trunk","""Jan"" <0612345678>","SIP/trunk-1","SIP/201-2","Dial","SIP/201,30","2026-03-02 09:15:00","2026-03-02 09:15:05","2026-03-02 09:20:05",305,300,"ANSWERED","DOCUMENTATION","1772439300.1",""',
    '"","0687654321","201","from-trunk","","SIP/trunk-5","SIP/201-6","Dial","SIP/201,30","2026-03-02 11:00:00","2026-03-02 11:00:05","2026-03-02 11:01:05",65,60,"ANSWERED","DOCUMENTATION","1772445600.3",""',
    '"","201","202","from-internal","","SIP/201-7","SIP/202-8","Dial","SIP/202","2026-03-02 12:00:00","2026-03-02 12:00:05","2026-03-02 12:01:05",65,60,"ANSWERED","DOCUMENTATION","1772449200.4",""',
  ].join('\n') + '\n';
  let r = await runOk(['import', 'cdr', '-', '--db', o.db], { input: cdr });
  assert.match(r.stdout, /^rows 3: create 1, skip 0, unmatched 1, not_answered 0, internal 1, rejected 0$/m);
  assert.match(r.stdout, /^unmatched numbers: 0687654321 \(1 calls\)$/m);
  assert.equal(await sql(o.db, "SELECT subject || '|' || direction || '|' || duration_s || '|' || source FROM interactions"),
    'Inkomend gesprek 0612345678|in|300|import:cdr:1772439300.1');
  assert.equal(await sql(o.db, 'SELECT occurred_at FROM interactions'), String(Date.UTC(2026, 2, 2, 8, 15)));
  r = await runOk(['import', 'cdr', '-', '--db', o.db], { input: cdr });
  assert.match(r.stdout, /^rows 3: create 0, skip 1, /m);
  assert.equal(await count(o.db, 'interactions'), 1);
});

test('the import routes over HTTP: a text/csv body, and one over 50 MiB refused', async (t) => {
  const o = await initOrg(t);
  const srv = await serve(t, { db: o.db });
  const tok = await createToken(o.db, o.email);
  const post = (p, body, type = 'text/csv') => fetch(srv.url(p), {
    method: 'POST', body, headers: { authorization: `Bearer ${tok}`, 'content-type': type },
  });
  let res = await post('/api/v1/relations/import?dry_run=true', relationsCsv);
  assert.equal(res.status, 200);
  let body = await res.json();
  assert.equal(body.counts.create, 3);
  assert.equal(body.written, false);
  res = await post('/api/v1/relations/import', relationsCsv);
  assert.equal(res.status, 200);
  body = await res.json();
  assert.equal(body.written, true);
  assert.equal(await count(o.db, 'relations'), 4);

  // a 100 MB file: refused by its size before the body is read (the server
  // answers and closes, so a client still sending would see EPIPE)
  const r = await raw(srv.port, [`POST /api/v1/relations/import HTTP/1.1\r\nHost: t\r\n` +
    `Authorization: Bearer ${tok}\r\nContent-Type: text/csv\r\nContent-Length: ${100 * 1024 * 1024}\r\n\r\n` +
    'Naam;E-mail\nEen;een@example.nl\n'], { timeoutMs: 5000, until: completeResponse });
  assert.equal(r.status, 413);
  body = JSON.parse(r.text.slice(r.text.indexOf('\r\n\r\n') + 4));
  assert.equal(body.error, 'too_large');
  assert.match(body.detail, /larger than 52428800 bytes/);
  assert.equal(await count(o.db, 'relations'), 4);
});

// more rows than an import indexes in its own transaction (SEARCH_INLINE_MAX)
const manyPeople = (n, tag, city) => {
  const lines = ['Voornaam;Achternaam;E-mail;Plaats'];
  for (let i = 0; i < n; i++) lines.push(`Kees;${tag}${i};${tag}.${i}@groot.example;${i === 77 ? city : 'Utrecht'}`);
  return lines.join('\n') + '\n';
};

test('a large import: brug import indexes it before it returns; over HTTP a background job does', async (t) => {
  const o = await initOrg(t);
  const file = path.join(o.dir, 'groot.csv');
  await writeFile(file, manyPeople(5001, 'cli', 'Zwolle'));
  const r = await runOk(['import', 'relations', file, '--db', o.db]);
  assert.match(r.stdout, /^rows 5001: create 5001, /m);
  assert.match(r.stdout, /^search index: 5001 objects in [\d.]+ s$/m);
  assert.equal(await count(o.db, 'search_backlog'), 0);

  const srv = await serve(t, { db: o.db });
  const tok = await createToken(o.db, o.email);
  let found = await api(srv.base, tok, 'GET', '/search?q=zwolle');
  assert.deepEqual(found.body.relations.map((x) => x.name), ['Kees cli77']);

  const res = await fetch(srv.url('/api/v1/relations/import'), {
    method: 'POST', body: manyPeople(5002, 'http', 'Dokkum'),
    headers: { authorization: `Bearer ${tok}`, 'content-type': 'text/csv' },
  });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.written, true);
  assert.equal(body.search_pending, true);
  assert.equal(body.counts.create, 5002);
  // in the list at once; in search once the job has run
  found = await waitFor(async () => {
    const s = await api(srv.base, tok, 'GET', '/search?q=dokkum');
    return s.body.relations.length ? s : null;
  }, { timeoutMs: 60000, intervalMs: 200, what: 'the background job indexing the import' });
  assert.deepEqual(found.body.relations.map((x) => x.name), ['Kees http77']);
  await waitFor(async () => (await count(o.db, 'search_backlog')) === 0, { timeoutMs: 10000, what: 'an empty backlog' });
  // one job per large import (the command's found its backlog done already)
  await waitFor(async () => (await sql(o.db, "SELECT COUNT(*) FROM jobs WHERE kind = 'search.backlog' AND state <> 'done'")) === '0',
    { timeoutMs: 10000, what: 'the jobs done' });
  assert.equal(await sql(o.db, "SELECT COUNT(*) FROM jobs WHERE kind = 'search.backlog'"), '2');
});

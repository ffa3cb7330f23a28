// SPDX-License-Identifier: Apache-2.0
// The command-line contracts of the real binary: init, serve, token, user,
// backup, demo, config, version, --help and usage errors.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import {
  BACKEND, Client, api, createToken, escapeRe, freePort, initOrg, newDatabase, run, runOk, serve,
  sql, tempDir,
} from './lib.mjs';

const sqlite3 = async (file, statement) => sql(`sqlite:${file}`, statement);
const run2 = promisify(execFile);

const COMMANDS = ['serve', 'init', 'demo', 'migrate', 'user', 'token', 'backup', 'config', 'version', 'import'];

test('brug without a command, with an unknown one and with --help', async () => {
  let r = await run([]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^usage: brug COMMAND/);
  r = await run(['nonsense']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command 'nonsense'/);
  r = await run(['--help']);
  assert.equal(r.code, 0);
  for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'), `--help lists ${c}`);
});

test('--help on every subcommand exits 0 and prints its usage', async () => {
  await Promise.all(COMMANDS.map(async (c) => {
    for (const flag of ['--help', '-h']) {
      const r = await run([c, flag]);
      assert.equal(r.code, 0, `brug ${c} ${flag}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^usage: brug ${c}\\b`), `brug ${c} ${flag} prints usage`);
      assert.match(r.stdout, /--db /, `brug ${c} ${flag} lists the settings`);
      assert.equal(r.stderr, '');
    }
  }));
});

test('an unknown option exits 2 on every subcommand, as does a bad setting', async () => {
  await Promise.all(COMMANDS.map(async (c) => {
    const r = await run([c, '--no-such-option']);
    assert.equal(r.code, 2, `brug ${c} --no-such-option exited ${r.code}`);
    assert.match(r.stderr, /unknown option --no-such-option/);
    assert.equal(r.stdout, '');
  }));
  let r = await run(['serve', '--idle-timeout', 'soon']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /idle-timeout \(from flag\): 'soon' is not a whole number from 1 to 3600/);
  r = await run(['config', '--idle-timeout']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--idle-timeout needs a value/);
  r = await run(['config'], { env: { BRUG_THREADS: 'many' } });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /threads \(from environment\)/);
});

test('brug version and --version', async () => {
  for (const argv of [['version'], ['--version']]) {
    const r = await runOk(argv);
    assert.match(r.stdout, /^brug \d+\.\d+\.\d+ \(schema \d+\)\nlibmicrohttpd \S+, SQLite \S+, jansson \S+, libsodium \S+\n$/);
  }
});

test('brug config shows every value with its source: flag, environment, file, default', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, 'brug.conf');
  await writeFile(file, '# test\nthreads = 3\nlog_level = "warn"\nmax-body = 4096\n');
  const r = await runOk(['config', '--config', file, '--idle-timeout', '7', '--log-level', 'error'],
    { env: { BRUG_MAX_BODY: '2048', BRUG_LISTEN: '127.0.0.1:9999' } });
  const rows = {};
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    if (line.startsWith('# config file: ')) { rows['#file'] = line.slice(15); continue; }
    const m = line.match(/^(\S+)\s+= (.*?)\s*# (\S+)$/);
    assert.ok(m, `config line ${JSON.stringify(line)}`);
    rows[m[1]] = { value: m[2], source: m[3] };
  }
  assert.equal(rows['#file'], file);
  assert.deepEqual(rows['idle-timeout'], { value: '7', source: 'flag' });
  assert.deepEqual(rows['log-level'], { value: 'error', source: 'flag' }, 'a flag beats the file');
  assert.deepEqual(rows['max-body'], { value: '2048', source: 'environment' }, 'the environment beats the file');
  assert.deepEqual(rows.listen, { value: '127.0.0.1:9999', source: 'environment' });
  assert.deepEqual(rows.threads, { value: '3', source: 'file' });
  assert.deepEqual(rows['password-cost'], { value: 'test', source: 'environment' });
  assert.deepEqual(rows['shutdown-timeout'], { value: '30', source: 'default' });
  assert.deepEqual(rows.db, { value: './data/brug.db', source: 'default' });
  for (const k of ['db', 'listen', 'idle-timeout', 'max-body', 'max-header', 'max-connections',
    'access-log', 'session-days', 'password-cost'])
    assert.ok(rows[k], `config shows ${k}`);

  const bad = await run(['config', '--config', path.join(dir, 'missing.conf')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /cannot read config file/);
  await writeFile(file, 'colour = blue\n');
  const unknown = await run(['config', '--config', file]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown setting 'colour'/);
});

test('brug init: the contract, its checks, and migrate', async (t) => {
  const o = await initOrg(t, { org: 'Bakkerij Zoet', email: 'Baas@Bakkerij.example', password: 'broodjes-123' });
  assert.equal(o.email, 'baas@bakkerij.example');
  if (o.dbPath) {
    const st = await stat(o.dbPath);
    assert.ok(st.size > 0);
    // it holds password hashes and the installation secret: owner only
    assert.equal(st.mode & 0o777, 0o600, 'the database file is readable by its owner only');
  }
  else assert.equal(await sql(o.db, 'SELECT count(*) FROM users'), '1');

  let r = await run(['init', '--db', o.db, '--org', 'Tweede', '--admin-email', 'baas@bakkerij.example',
    '--admin-password', 'anders-123']);
  assert.equal(r.code, 1, 'an email address has one account');
  assert.match(r.stderr, /that email address already has an account/);
  r = await run(['init', '--db', o.db, '--org', 'Derde', '--admin-email', 'iemand@derde.example',
    '--admin-password', 'kort']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /at least 8 characters/);
  r = await run(['init', '--db', o.db, '--admin-email', 'x@y.example', '--admin-password', 'lang-genoeg']);
  assert.equal(r.code, 2, 'init without --org is a usage error');
  r = await run(['init', '--db', o.db, '--org', 'X', '--admin-email', 'geen-email', '--admin-password', 'lang-genoeg']);
  assert.equal(r.code, 2);
  // the password can come from standard input
  r = await runOk(['init', '--db', o.db, '--org', 'Vierde', '--admin-email', 'vier@vier.example'],
    { input: 'van-stdin-123\n' });
  assert.match(r.stdout, /^created organisation \d+ "Vierde" with administrator vier@vier\.example\n$/);

  r = await runOk(['migrate', '--status', '--db', o.db]);
  const m = r.stdout.match(/^schema version (\d+); this brug has (\d+)\n$/);
  assert.ok(m, r.stdout);
  assert.equal(m[1], m[2]);
  r = await runOk(['migrate', '--db', o.db]);
  assert.match(r.stdout, /^applied 0 migration\(s\); schema version \d+\n$/);

  // both new administrators can sign in
  const srv = await serve(t, { db: o.db });
  await new Client(srv.base).login('baas@bakkerij.example', 'broodjes-123');
  await new Client(srv.base).login('vier@vier.example', 'van-stdin-123');
});

test('brug serve --listen HOST:PORT serves on that port, and a port in use fails', async (t) => {
  const o = await initOrg(t);
  const port = await freePort();
  const srv = await serve(t, { db: o.db, listen: `127.0.0.1:${port}` });
  assert.equal(srv.port, port);
  assert.equal(srv.host, '127.0.0.1');
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok' });

  const again = await run(['serve', '--db', o.db, '--listen', `127.0.0.1:${port}`], { timeoutMs: 20000 });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /cannot listen on 127\.0\.0\.1:\d+/);
  const bad = await run(['serve', '--db', o.db, '--listen', 'nowhere']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /listen: expected HOST:PORT/);

  const r = await srv.stop();
  assert.deepEqual(r, { code: 0, signal: null });
});

test('brug token create prints a bearer token; list and revoke', async (t) => {
  const o = await initOrg(t);
  const srv = await serve(t, { db: o.db });
  const tok = await createToken(o.db, o.email.toUpperCase(), ['--name', 'ci']);
  let r = await api(srv.base, tok, 'GET', '/me');
  assert.equal(r.status, 200);
  assert.equal(r.body.email, o.email);
  assert.equal(r.body.role, 'admin');
  assert.equal(r.body.auth, 'token');
  assert.deepEqual(r.body.org, { id: 1, name: o.org });

  const list = await runOk(['token', 'list', '--db', o.db, '--email', o.email]);
  const m = list.stdout.match(/^(\d+)\s+active\s+\S+\s+ci$/m);
  assert.ok(m, list.stdout);
  const rev = await runOk(['token', 'revoke', '--db', o.db, '--email', o.email, '--id', m[1]]);
  assert.equal(rev.stdout, `revoked token ${m[1]}\n`);
  r = await api(srv.base, tok, 'GET', '/me');
  assert.equal(r.status, 401);
  assert.equal(r.body.error, 'unauthenticated');
  assert.match((await runOk(['token', 'list', '--db', o.db, '--email', o.email])).stdout,
    new RegExp(`^${m[1]}\\s+revoked\\s`, 'm'));

  let bad = await run(['token', 'create', '--db', o.db, '--email', 'nobody@test.example']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /no user with email nobody@test\.example/);
  bad = await run(['token', 'create', '--db', o.db]);
  assert.equal(bad.code, 2);
  bad = await run(['token', 'frobnicate', '--db', o.db, '--email', o.email]);
  assert.equal(bad.code, 2);
  bad = await run(['token', 'create', '--db', o.db, '--email', o.email, '--expires-days', 'soon']);
  assert.equal(bad.code, 2);
  bad = await run(['token', 'revoke', '--db', o.db, '--email', o.email]);
  assert.equal(bad.code, 2);
});

test('brug user add, list, passwd and disable, seen by a running server', async (t) => {
  const o = await initOrg(t);
  const srv = await serve(t, { db: o.db });
  const U = ['--db', o.db, '--password-cost', 'test'];

  let r = await runOk(['user', 'add', ...U, '--email', 'Carla@Test.example', '--name', 'Carla Smit',
    '--role', 'manager', '--password', 'carla-wachtwoord']);
  const added = r.stdout.match(/^added user (\d+) carla@test\.example \(manager\)\n$/);
  assert.ok(added, r.stdout);
  r = await runOk(['user', 'add', ...U, '--email', 'dirk@test.example', '--name', 'Dirk']);
  const gen = r.stdout.match(/^generated password: (\S{16})\nadded user \d+ dirk@test\.example \(employee\)\n$/);
  assert.ok(gen, r.stdout);
  await new Client(srv.base).login('dirk@test.example', gen[1]);

  r = await run(['user', 'add', ...U, '--email', 'carla@test.example', '--name', 'Weer Carla', '--password', 'nog-een-keer']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /that email address already has an account/);
  r = await run(['user', 'add', ...U, '--email', 'e@test.example', '--name', 'E', '--role', 'king']);
  assert.equal(r.code, 2);
  r = await run(['user', ...U]);
  assert.equal(r.code, 2, 'user needs a verb');

  r = await runOk(['user', 'list', ...U]);
  const rows = r.stdout.trim().split('\n').map((l) => l.split(/\s+/));
  assert.deepEqual(rows.map((x) => [x[1], x[2], x[3]]).sort(), [
    [o.email, 'admin', 'active'],
    ['carla@test.example', 'manager', 'active'],
    ['dirk@test.example', 'employee', 'active'],
  ].sort());

  // passwd ends the user's sessions; the old password stops working
  const carla = new Client(srv.base);
  await carla.login('carla@test.example', 'carla-wachtwoord');
  assert.equal((await carla.get('/api/v1/me')).status, 200);
  r = await runOk(['user', 'passwd', ...U, '--email', 'CARLA@test.example', '--password', 'nieuw-wachtwoord']);
  assert.equal(r.stdout, "password changed; the user's sessions have ended\n");
  assert.equal((await carla.get('/api/v1/me')).status, 401, 'the old session has ended');
  let login = await new Client(srv.base).submit('/login', '/login', { email: 'carla@test.example', password: 'carla-wachtwoord' });
  assert.equal(login.status, 401);
  await new Client(srv.base).login('carla@test.example', 'nieuw-wachtwoord');
  r = await run(['user', 'passwd', ...U, '--email', 'carla@test.example', '--password', 'kort']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /at least 8 characters/);
  r = await runOk(['user', 'passwd', ...U, '--email', 'carla@test.example'], { input: 'via-stdin-123\n' });
  await new Client(srv.base).login('carla@test.example', 'via-stdin-123');

  // disable: no sign-in, sessions end; --enable undoes it
  const live = new Client(srv.base);
  await live.login('carla@test.example', 'via-stdin-123');
  r = await runOk(['user', 'disable', ...U, '--email', 'carla@test.example']);
  assert.equal(r.stdout, 'disabled carla@test.example\n');
  assert.equal((await live.get('/api/v1/me')).status, 401, 'a disabled user has no session');
  login = await new Client(srv.base).submit('/login', '/login', { email: 'carla@test.example', password: 'via-stdin-123' });
  assert.equal(login.status, 401);
  assert.match((await runOk(['user', 'list', ...U])).stdout, /carla@test\.example\s+manager\s+disabled\s+Carla Smit/);
  r = await runOk(['user', 'disable', ...U, '--email', 'carla@test.example', '--enable']);
  assert.equal(r.stdout, 'enabled carla@test.example\n');
  await new Client(srv.base).login('carla@test.example', 'via-stdin-123');

  r = await run(['user', 'disable', ...U, '--email', o.email]);
  assert.equal(r.code, 1, 'the last administrator cannot be disabled');
  assert.match(r.stderr, /last administrator/);
  r = await run(['user', 'passwd', ...U, '--email', 'nobody@test.example', '--password', 'lang-genoeg']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no user with email nobody@test\.example/);
});

test('brug backup while the server serves and takes writes gives a sound, complete copy', async (t) => {
  const o = await initOrg(t);
  const srv = await serve(t, { db: o.db });
  const tok = await createToken(o.db, o.email);
  let made = 0, stop = false;
  const failures = [];
  const writer = (async () => {
    while (!stop) {
      const r = await api(srv.base, tok, 'POST', '/teams', { name: `Team ${made + 1}`, description: 'x'.repeat(500) });
      if (r.status !== 201) failures.push(`${r.status} ${r.text}`);
      else made++;
    }
  })();
  try {
    await new Promise((r) => setTimeout(r, 0));
    while (made < 20) await new Promise((r) => setTimeout(r, 10));
    const before = made;
    const file = path.join(o.dir, 'copy.db');
    const r = await runOk(['backup', '--db', o.db, '--to', file]);
    assert.equal(r.stdout, `backup written to ${file}\n`);
    const during = made;
    stop = true;
    await writer;
    assert.deepEqual(failures, [], 'every write during the backup succeeded');
    assert.ok(made > before, 'writes went on during the backup');
    // the copy is a database brug can serve: an SQLite file, or on
    // PostgreSQL a pg_dump archive restored with pg_restore
    let copyDb = `sqlite:${file}`;
    if (BACKEND === 'sqlite') {
      assert.equal(await sqlite3(file, 'PRAGMA integrity_check'), 'ok');
      assert.equal(await sqlite3(file, 'PRAGMA journal_mode'), 'delete', 'the copy is a single file');
    } else {
      copyDb = (await newDatabase(t, o.dir)).db;
      await run2('pg_restore', ['--no-owner', '--dbname', copyDb, file], { timeout: 60000 });
    }
    const teams = Number(await sql(copyDb, 'SELECT count(*) FROM teams'));
    assert.ok(teams >= before && teams <= during + 1, `the copy has ${teams} teams; ${before} existed before, ${during} after`);
    assert.equal(await sql(copyDb, 'SELECT email FROM users'), o.email);
    const copy = await serve(t, { db: copyDb });
    await new Client(copy.base).login(o.email, o.password);
  } finally {
    stop = true;
    await writer;
  }
  const r = await run(['backup', '--db', o.db]);
  assert.equal(r.code, 2, 'backup needs --to');
});

test('brug demo twice: one demo organisation, the login printed both times', async (t) => {
  const dir = await tempDir(t);
  const db = BACKEND === 'sqlite' ? `sqlite:${path.join(dir, 'demo', 'b.db')}` : (await newDatabase(t, dir)).db;
  // 500 relations and 5,000 interactions: a while on PostgreSQL
  const first = await runOk(['demo', '--db', db], { timeoutMs: 300000 });
  assert.equal(first.stdout, 'created the demo organisation "Polderwarmte B.V."\n' +
    'demo login: beheer@polderwarmte.example / brug-demo\n');
  const users1 = (await runOk(['user', 'list', '--db', db])).stdout;
  const second = await runOk(['demo', '--db', db]);
  assert.equal(second.stdout, 'demo login: beheer@polderwarmte.example / brug-demo\n');
  const users2 = (await runOk(['user', 'list', '--db', db])).stdout;
  assert.equal(users2, users1, 'the second run changed nothing');
  assert.equal(users1.trim().split('\n').length, 22);
  assert.match(users1, new RegExp(`${escapeRe('beheer@polderwarmte.example')}\\s+admin\\s+active`));

  const srv = await serve(t, { db });
  const c = new Client(srv.base);
  await c.login('beheer@polderwarmte.example', 'brug-demo');
  const teams = await c.get('/api/v1/teams');
  assert.equal(teams.status, 200);
  assert.deepEqual(teams.json().items.map((x) => x.name).sort(),
    ['Accountmanagement', 'Buitendienst', 'Debiteurenbeheer', 'Directie', 'Klantenservice', 'Planning']);
  // about 500 relations and 5,000 contact moments over the last year, in every role
  const rels = (await c.get('/api/v1/relations?status=all&per_page=1')).json();
  assert.equal(rels.total, 500);
  const acts = (await c.get('/api/v1/interactions?per_page=200')).json();
  assert.equal(acts.total, 5000);
  const yearAgo = Date.now() - 366 * 24 * 3600 * 1000;
  assert.ok(acts.items.every((x) => Date.parse(x.occurred_at) > yearAgo && Date.parse(x.occurred_at) < Date.now()));
  for (const role of ['telefonist', 'zaakbehandelaar', 'clientmanager', 'planner', 'debiteurenadministratie', 'servicedesk', 'verkoop']) {
    const roles = (await c.get('/api/v1/interaction-roles')).json().items;
    const id = roles.find((x) => x.name === role).id;
    assert.ok((await c.get(`/api/v1/interactions?role_id=${id}&per_page=1`)).json().total > 400, role);
  }
  const found = (await c.get('/api/v1/search?q=storing')).json();
  assert.ok(found.interactions.length > 0, 'the demo is searchable');
});

test('a brug older than its database refuses to serve or migrate it, and leaves it alone', async (t) => {
  const o = await initOrg(t);
  const v = Number(await sql(o.db, 'SELECT MAX(version) FROM schema_migrations'));
  await sql(o.db, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${v + 1}, '9999_future.sql', 0)`);
  const before = await sql(o.db, 'SELECT count(*) FROM schema_migrations');
  for (const argv of [['serve', '--listen', '127.0.0.1:0'], ['migrate']]) {
    const r = await run([...argv, '--db', o.db], { timeoutMs: 20000 });
    assert.equal(r.code, 1, `brug ${argv[0]} on a newer database exits 1`);
    assert.match(r.stderr, new RegExp(`schema \\(version ${v + 1}\\) is newer than this brug`));
    assert.equal(r.stdout, '', 'and never says it is listening');
  }
  assert.equal(await sql(o.db, 'SELECT count(*) FROM schema_migrations'), before);
  const st = await run(['migrate', '--status', '--db', o.db]);
  assert.equal(st.stdout, `schema version ${v + 1}; this brug has ${v}\n`);
});

test('a malformed, unreachable or refused database URL: a clear error at start, exit 1', async () => {
  const cases = [
    ['postgres://127.0.0.1:notaport/brug', /cannot connect to PostgreSQL: invalid integer value "notaport" for connection option "port"/],
    ['postgres://localhost/brug?nonsense=1', /invalid PostgreSQL URL/],
    ['mysql://db/brug', /unsupported database URL: mysql:\/\/db\/brug \(use sqlite:PATH, a path, or postgres:\/\/\.\.\.\)/],
    // nothing listens on port 1 of the loopback address
    ['postgres://brug@127.0.0.1:1/brug', /cannot connect to PostgreSQL: connection to server at "127\.0\.0\.1", port 1 failed: Connection refused/],
  ];
  const admin = process.env.BRUG_TEST_PG;
  if (admin) {
    // a role the cluster does not know, and a database it does not have
    cases.push([admin.replace(/\/\/[^@]*@/, '//nobody@'), /FATAL: +role "nobody" does not exist/]);
    cases.push([admin.replace(/\/[^/]*$/, '/no_such_db'), /FATAL: +database "no_such_db" does not exist/]);
  }
  for (const [url, want] of cases) {
    for (const argv of [['serve', '--listen', '127.0.0.1:0'], ['migrate'], ['user', 'list']]) {
      const r = await run([...argv, '--db', url], { timeoutMs: 20000 });
      assert.equal(r.code, 1, `brug ${argv[0]} --db ${url}: exit 1\n${r.stderr}`);
      assert.match(r.stderr, /^brug: cannot open the database: /m, url);
      assert.match(r.stderr, want, url);
      assert.equal(r.stdout, '', 'and never says it is listening');
    }
  }
});

test('brug serve --listen [::1]:0 serves on IPv6 loopback', async (t) => {
  const o = await initOrg(t);
  const srv = await serve(t, { db: o.db, listen: '[::1]:0' });
  assert.equal(srv.host, '[::1]');
  const res = await fetch(`http://[::1]:${srv.port}/healthz`);
  assert.equal(res.status, 200);
  await res.arrayBuffer();
});

test('brug migrate-db copies an installation into an empty database and verifies it', async (t) => {
  const dir = await tempDir(t);
  const src = `sqlite:${path.join(dir, 'source.db')}`;
  await runOk(['demo', '--db', src], { timeoutMs: 300000 });
  await runOk(['job', 'probe', '--db', src, '--count', '2']);
  const target = (await newDatabase(t, dir)).db;
  const r = await runOk(['migrate-db', '--from', src, '--to', target]);
  // every table, with its rows and checksum, verified
  for (const table of ['orgs', 'users', 'teams', 'team_members', 'logins', 'audit_log', 'jobs',
    'relations', 'contact_points', 'interactions', 'tasks', 'search_terms']) {
    assert.match(r.stdout, new RegExp(`^${table}\\s+\\d+ rows\\s+checksum [0-9a-f]{16} ok$`, 'm'));
  }
  assert.match(r.stdout, /^users\s+22 rows/m);
  assert.match(r.stdout, /copied everything to .* \(schema version \d+\)/);
  assert.equal(await sql(target, 'SELECT count(*) FROM team_members'), '22');
  // PostgreSQL's planner has statistics for the copied tables at once
  if (BACKEND === 'pg') {
    assert.equal(await sql(target, "SELECT count(*) FROM pg_stats WHERE tablename = 'team_members'") !== '0', true,
      'the copy ends with ANALYZE');
  }

  // the copy serves: the demo login works, and new rows get new ids
  const srv = await serve(t, { db: target });
  const c = new Client(srv.base);
  await c.login('beheer@polderwarmte.example', 'brug-demo');
  const tok = await createToken(target, 'beheer@polderwarmte.example');
  const made = await api(srv.base, tok, 'POST', '/teams', { name: 'Na de verhuizing' });
  assert.equal(made.status, 201);
  assert.equal(made.body.id, 7, 'ids continue after the copied ones');

  // into a database that is not empty: refused, and nothing changes
  const again = await run(['migrate-db', '--from', src, '--to', target]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /the target is not empty/);
  assert.equal(await sql(target, 'SELECT count(*) FROM teams'), '7');
  // from anything but SQLite, or without both ends: refused
  assert.equal((await run(['migrate-db', '--from', src])).code, 2);
  const other = await run(['migrate-db', '--from', target, '--to', `sqlite:${path.join(dir, 'x.db')}`]);
  if (BACKEND === 'pg') assert.match(other.stderr, /the source must be a SQLite database/);
});

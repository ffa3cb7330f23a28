// SPDX-License-Identifier: Apache-2.0
// Shared helpers for the end-to-end tests: the real brug binary (BRUG_BIN)
// in a temporary folder, started and stopped like an administrator would,
// spoken to over HTTP (fetch with a small cookie jar) and raw sockets.
// Every helper that starts something registers its clean-up with the
// test context (t.after), so a failing test leaves nothing behind.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

export const BIN = process.env.BRUG_BIN;
if (!BIN) throw new Error('set BRUG_BIN to the brug binary (meson test does)');

/** The repository root (for node_modules/axe-core and the like). */
export const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** The version the binary reports, e.g. "0.1.0" (filled by serve()). */
export let VERSION = null;

/** The environment for a brug process: nothing BRUG_* from outside (a
 * developer's BRUG_DB or BRUG_CONFIG must not leak in), test-strength
 * password hashing, and sanitizer options that make a leak or UB fatal. */
export function brugEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('BRUG_')) env[k] = v;
  env.BRUG_PASSWORD_COST = 'test';
  env.ASAN_OPTIONS ??= 'detect_leaks=1';
  env.UBSAN_OPTIONS ??= 'print_stacktrace=1:halt_on_error=1';
  return { ...env, ...extra };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn until it returns a truthy value; throws after timeoutMs. */
export async function waitFor(fn, { timeoutMs = 5000, intervalMs = 25, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** A stand-in for a test context whose clean-ups run when the file's tests
 * are done: for a server that several tests of one file share. */
export function fileScope() {
  const fns = [];
  after(async () => {
    for (const f of fns.reverse()) await f();
  });
  return { after: (f) => fns.push(f) };
}

/** A fresh temporary folder, removed after the test. */
export async function tempDir(t) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'brug-e2e-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The backend of this run: "sqlite" (default) or "pg", when
 * BRUG_TEST_BACKEND=pg and BRUG_TEST_PG names a PostgreSQL cluster's admin
 * URL (make test starts one and runs every suite both ways). */
export const BACKEND = process.env.BRUG_TEST_BACKEND === 'pg' ? 'pg' : 'sqlite';
const PG_ADMIN = process.env.BRUG_TEST_PG;
if (BACKEND === 'pg' && !PG_ADMIN) throw new Error('BRUG_TEST_BACKEND=pg needs BRUG_TEST_PG (run make test)');
let dbSerial = 0;

function psql(url, sql) {
  return new Promise((resolve, reject) => {
    const p = spawn('psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', url, '-c', sql]);
    let out = '', err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`psql: ${err}`))));
  });
}

/**
 * A new, empty database for a test, removed after it: {db, dbPath}. On
 * SQLite a file in dir (dbPath is its path); on PostgreSQL a database on
 * the test cluster (dbPath is null).
 */
export async function newDatabase(t, dir, { pgAdmin = PG_ADMIN } = {}) {
  if (BACKEND === 'sqlite') {
    const dbPath = path.join(dir, `b${dbSerial++}.db`);
    return { db: `sqlite:${dbPath}`, dbPath };
  }
  const name = `brug_e2e_${process.pid}_${dbSerial++}`;
  await psql(pgAdmin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await psql(pgAdmin, `CREATE DATABASE ${name}`);
  t.after(() => psql(pgAdmin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  return { db: pgAdmin.replace(/\/[^/]*$/, `/${name}`), dbPath: null };
}

/**
 * A PostgreSQL cluster of the test's own (scripts/pg-cluster.sh), for tests
 * that stop and start the server: stopping the shared cluster would pull it
 * from under every suite running alongside. Removed when scope ends (give
 * it a fileScope(), so the databases and servers of the tests go first).
 * {admin: URL, dir, ctl(cmd)} where ctl runs `pg-cluster.sh cmd dir`.
 */
export async function privateCluster(scope) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'brug-private-pg-'));
  const script = path.join(ROOT, 'scripts', 'pg-cluster.sh');
  const ctl = (cmd) => new Promise((resolve, reject) => {
    const p = spawn(script, [cmd, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`pg-cluster.sh ${cmd}: ${code}`))));
  });
  const admin = await ctl('start');
  scope.after(() => ctl('stop'));
  return { admin, dir, ctl };
}

/** One SQL statement on a test database (sqlite3 or psql): its output.
 * sqlite3 waits for a running server's write lock as brug itself does
 * (its job workers may be writing), instead of failing at once. */
export async function sql(db, statement) {
  if (db.startsWith('sqlite:')) {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    return (await promisify(execFile)('sqlite3', ['-cmd', '.timeout 15000', db.slice(7), statement],
      { timeout: 30000 })).stdout.trim();
  }
  return psql(db, statement);
}

/** Runs `brug ARGS...` to completion: {code, signal, stdout, stderr}. */
export function run(args, { env = {}, input, timeoutMs = 60000, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(BIN, args, { env: brugEnv(env), cwd: cwd ?? os.tmpdir() });
    let stdout = '', stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    p.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`brug ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    p.on('error', (e) => { clearTimeout(timer); reject(e); });
    p.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
    if (input !== undefined) p.stdin.end(input);
    else p.stdin.end();
  });
}

/** Like run(), and asserts exit code 0. */
export async function runOk(args, opts) {
  const r = await run(args, opts);
  assert.equal(r.code, 0, `brug ${args.join(' ')} exited ${r.code} (${r.signal ?? ''})\n${r.stderr}`);
  return r;
}

/** `brug init` in a fresh folder: {dir, dbPath, db, org, email, password}. */
export async function initOrg(t, { org = 'Testbedrijf B.V.', email = 'admin@test.example',
  password = 'geheim-wachtwoord', lang, dir, pgAdmin } = {}) {
  dir ??= await tempDir(t);
  const { db, dbPath } = await newDatabase(t, dir, { pgAdmin });
  const args = ['init', '--db', db, '--org', org, '--admin-email', email, '--admin-password',
    password, '--password-cost', 'test'];
  if (lang) args.push('--lang', lang);
  const r = await runOk(args);
  assert.match(r.stdout, new RegExp(`^created organisation (\\d+) "${escapeRe(org)}" with administrator ${escapeRe(email.toLowerCase())}\\n$`));
  return { dir, dbPath, db, org, email: email.toLowerCase(), password };
}

export function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `brug token create`: the bearer token it prints. */
export async function createToken(db, email, extra = []) {
  const r = await runOk(['token', 'create', '--db', db, '--email', email, '--password-cost', 'test', ...extra]);
  const tok = r.stdout.trim();
  assert.match(tok, /^\S{20,}$/, `token create printed ${JSON.stringify(r.stdout)}`);
  return tok;
}

// Servers still running when this process exits (an uncaught error, a
// timeout) are killed rather than left behind.
const live = new Set();
process.on('exit', () => { for (const p of live) p.kill('SIGKILL'); });

const LISTENING = /^brug (\S+) is listening on http:\/\/([^/\s]+):(\d+)\/$/m;

/**
 * Starts `brug serve --db DB --listen 127.0.0.1:0` and waits for the line
 * that names the port. The returned server records its stderr (the log)
 * line by line; stop() sends SIGTERM and reports the exit. After the test
 * the server is stopped if it still runs, and it must have exited 0 -- or,
 * when the test killed it with kill(), died of that SIGKILL.
 */
export async function serve(t, { db, args = [], env = {}, listen = '127.0.0.1:0', readyMs = 20000 } = {}) {
  const argv = ['serve', '--db', db, '--listen', listen, '--password-cost', 'test', ...args];
  const proc = spawn(BIN, argv, { env: brugEnv(env), cwd: os.tmpdir() });
  live.add(proc);
  proc.on('close', () => live.delete(proc));
  const srv = new Server(proc, argv);
  t.after(async () => {
    const r = await srv.stop();
    if (srv.killed) assert.equal(r.signal, 'SIGKILL', `the killed brug serve exited with ${r.code} (${r.signal})`);
    else assert.equal(r.code, 0, `brug serve exited with ${r.code} (${r.signal ?? 'no signal'})\n${srv.logTail()}`);
  });
  const m = await srv.started(readyMs);
  VERSION = m[1];
  srv.host = m[2];
  srv.port = Number(m[3]);
  srv.base = `http://127.0.0.1:${srv.port}`;
  return srv;
}

export class Server {
  constructor(proc, argv) {
    this.proc = proc;
    this.argv = argv;
    this.stdout = '';
    this.lines = [];
    this.exit = null;
    this.killed = false;
    this.exited = new Promise((resolve) => {
      proc.on('close', (code, signal) => { this.exit = { code, signal }; resolve(this.exit); });
    });
    proc.on('error', () => {});
    proc.stdout.setEncoding('utf8').on('data', (d) => (this.stdout += d));
    let partial = '';
    proc.stderr.setEncoding('utf8').on('data', (d) => {
      partial += d;
      const parts = partial.split('\n');
      partial = parts.pop();
      this.lines.push(...parts);
    });
  }

  async started(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.stdout.match(LISTENING);
      if (m) return m;
      if (this.exit) throw new Error(`brug serve exited ${this.exit.code} before listening\n${this.logTail()}`);
      if (Date.now() > deadline) throw new Error(`brug serve did not listen within ${timeoutMs} ms\n${this.logTail()}`);
      await sleep(20);
    }
  }

  url(p) { return this.base + p; }

  logTail(n = 40) { return this.lines.slice(-n).join('\n'); }

  /** The access-log lines (parsed), in order. */
  accessLog() {
    const out = [];
    for (const line of this.lines) {
      const m = line.match(/ access method=(\S+) path="([^"]*)" status=(\d+) bytes=(\d+) ms=([\d.]+) route="([^"]*)"/);
      if (m) out.push({ method: m[1], path: m[2], status: Number(m[3]), bytes: Number(m[4]), route: m[6], line });
    }
    return out;
  }

  /** Waits until a log line matches re; returns the match. */
  waitForLog(re, timeoutMs = 5000) {
    return waitFor(() => {
      for (const l of this.lines) { const m = l.match(re); if (m) return m; }
      return null;
    }, { timeoutMs, what: `a log line matching ${re}` });
  }

  signal(sig) { if (!this.exit) this.proc.kill(sig); }

  /** SIGKILL, as a crash would: no clean-up in the process. Resolves with
   * the exit; the clean-up after the test then expects this death. */
  kill() {
    this.killed = true;
    if (!this.exit) this.proc.kill('SIGKILL');
    return this.exited;
  }

  /** SIGTERM, then the exit ({code, signal}); SIGKILL after timeoutMs. */
  async stop(timeoutMs = 30000) {
    if (this.exit) return this.exit;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs);
    const r = await this.exited;
    clearTimeout(timer);
    return r;
  }
}

/** The value of the first hidden _csrf field in a page. */
export function csrfOf(html) {
  const m = html.match(/name="_csrf" value="([^"]+)"/);
  assert.ok(m, 'the page has a _csrf field');
  return m[1];
}

/** An HTTP client with a cookie jar, like a browser without JavaScript:
 * redirects are not followed, so each test sees the 303 itself. */
export class Client {
  constructor(base, { headers = {} } = {}) {
    this.base = base;
    this.jar = new Map();
    this.headers = headers;
  }

  cookie(name) { return this.jar.get(name); }

  keep(setCookies) {
    for (const sc of setCookies) {
      const [pair, ...attrs] = sc.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq), value = pair.slice(eq + 1);
      const maxAge = attrs.find((a) => /^max-age=/i.test(a));
      if (value === '' || (maxAge && Number(maxAge.split('=')[1]) <= 0)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  async request(method, p, { headers = {}, form, json, body, redirect = 'manual' } = {}) {
    const h = { ...this.headers, ...headers };
    if (this.jar.size) h.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) {
      body = new URLSearchParams(form).toString();
      h['content-type'] = 'application/x-www-form-urlencoded';
    } else if (json !== undefined) {
      body = JSON.stringify(json);
      h['content-type'] = 'application/json';
    }
    const res = await fetch(this.base + p, { method, headers: h, body, redirect });
    const setCookies = res.headers.getSetCookie();
    this.keep(setCookies);
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      setCookies,
      text,
      location: res.headers.get('location'),
      json() { return JSON.parse(text); },
    };
  }

  get(p, opts) { return this.request('GET', p, opts); }
  post(p, opts) { return this.request('POST', p, opts); }

  /** Posts a form with the CSRF token of the page at `from`. */
  async submit(from, action, fields) {
    const page = await this.get(from);
    assert.equal(page.status, 200, `GET ${from}: ${page.status}`);
    return this.post(action, { form: { _csrf: csrfOf(page.text), ...fields } });
  }

  /** Signs in through the form; asserts the 303 to next. */
  async login(email, password, next = '/') {
    const r = await this.submit('/login', '/login', { email, password, next });
    assert.equal(r.status, 303, `login as ${email}: ${r.status}\n${r.text.slice(0, 500)}`);
    assert.equal(r.location, next);
    assert.ok(this.cookie('brug_session'), 'a session cookie was set');
    return r;
  }
}

/** fetch with a bearer token and JSON. */
export async function api(base, token, method, p, json) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + '/api/v1' + p, {
    method, headers, body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = text; }
  return { status: res.status, headers: res.headers, body, text };
}

/**
 * Writes raw bytes to the server and collects what comes back.
 * chunks: strings/Buffers written in order (gapMs apart). Resolves when the
 * server closes the connection, or after timeoutMs (timedOut: true), or as
 * soon as `until(text)` is true.
 */
export function raw(port, chunks, { timeoutMs = 5000, gapMs = 0, until } = {}) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    const got = [];
    let done = false;
    const t0 = Date.now();
    const finish = (how) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const text = Buffer.concat(got).toString('latin1');
      s.destroy();
      resolve({ text, status: statusOf(text), ms: Date.now() - t0, ...how });
    };
    const timer = setTimeout(() => finish({ closed: false, timedOut: true }), timeoutMs);
    s.on('data', (d) => {
      got.push(d);
      if (until && until(Buffer.concat(got).toString('latin1'))) finish({ closed: false, timedOut: false });
    });
    s.on('close', () => finish({ closed: true, timedOut: false }));
    s.on('error', (e) => finish({ closed: true, timedOut: false, error: e.code }));
    s.on('connect', async () => {
      for (const c of chunks) {
        if (done) return;
        s.write(c);
        if (gapMs) await sleep(gapMs);
      }
    });
  });
}

/** The status code of the first response in raw HTTP text, or null. */
export function statusOf(text) {
  const m = /^HTTP\/1\.[01] (\d{3}) /.exec(text);
  return m ? Number(m[1]) : null;
}

/** True once text holds a complete response (headers + Content-Length body). */
export function completeResponse(text) {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const m = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end));
  return m ? text.length - end - 4 >= Number(m[1]) : false;
}

/** Resolves with the error code when a TCP connect fails, else 'connected'. */
export function tryConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => { s.destroy(); resolve('connected'); });
    s.on('error', (e) => resolve(e.code));
  });
}

/** A TCP port that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// ---- browser helpers (playwright-core, loaded only by the browser tests)

export const CHROMIUM = process.env.BRUG_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Launches headless Chromium; closed when scope ends. */
export async function launchBrowser(scope) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  scope.after(() => browser.close());
  return browser;
}

/** A fresh browser context for one test, closed after it. */
export async function newContext(t, browser, opts = {}) {
  const ctx = await browser.newContext(opts);
  ctx.setDefaultTimeout(15000);
  ctx.setDefaultNavigationTimeout(15000);
  t.after(() => ctx.close());
  return ctx;
}

/** Signs in through the login form of a page; waits for the page after it. */
export async function browserLogin(page, base, email, password, next) {
  await page.goto(base + '/login' + (next ? `?next=${encodeURIComponent(next)}` : ''));
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login')),
    page.click('form[action="/login"] button[type="submit"]'),
  ]);
}

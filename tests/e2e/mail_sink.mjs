// SPDX-License-Identifier: Apache-2.0
// A real SMTP server for end-to-end tests (tests/e2e/smtp_sink.py, on
// aiosmtpd) and a real MIME parser (Python's email package under its strict
// policy) to read what it received, shared by the mail and feedback tests.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

import { tempDir, waitFor } from './lib.mjs';

const SINK = path.join(import.meta.dirname, 'smtp_sink.py');
// Debian's python3 (with python3-aiosmtpd, scripts/deps.sh test), not one
// a version manager put first on PATH
const PY = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Starts the SMTP sink on a free port (or on port, when given; each start
 * has its own folder); stopped after the test, or by its stop(). */
export async function startSink(t, { port: fixed } = {}) {
  const dir = await tempDir(t);
  const proc = spawn(PY, [SINK, dir, ...(fixed ? [String(fixed)] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  proc.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  proc.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  let gone = false;
  const exited = new Promise((resolve) => proc.on('close', () => { gone = true; resolve(); }));
  t.after(async () => { proc.kill('SIGTERM'); await exited; });
  const port = await waitFor(() => {
    if (gone) throw new Error(`the SMTP sink stopped: ${err}`);
    const m = out.match(/^port (\d+)$/m);
    return m && Number(m[1]);
  }, { timeoutMs: 10000, what: 'the SMTP sink to listen' });
  return {
    dir, port,
    /** Stops the server: connections to its port are refused until a
     * startSink(t, {port}) takes it again. */
    async stop() { proc.kill('SIGTERM'); await exited; },
    mode: (m) => fs.writeFile(path.join(dir, 'mode'), m),
    async messages() {
      const names = (await fs.readdir(dir)).filter((f) => f.endsWith('.eml')).sort();
      return Promise.all(names.map(async (f) => ({
        file: path.join(dir, f),
        envelope: JSON.parse(await fs.readFile(path.join(dir, f.replace(/\.eml$/, '.json')), 'utf8')),
      })));
    },
    async events() {
      try { return (await fs.readFile(path.join(dir, 'events'), 'utf8')).split('\n').filter(Boolean); }
      catch { return []; }
    },
  };
}

// Reads a message with the email package's strict policy (a defect is an
// error) and prints what a mail client would show.
const PARSE = `
import email, email.policy, json, sys
with open(sys.argv[1], 'rb') as f:
    m = email.message_from_bytes(f.read(), policy=email.policy.strict)
parts = [p for p in m.walk()]
def body(t):
    for p in parts:
        if p.get_content_type() == t:
            return p.get_content()
print(json.dumps({
    'from_name': m['From'].addresses[0].display_name,
    'from_addr': m['From'].addresses[0].addr_spec,
    'to': [a.addr_spec for a in m['To'].addresses],
    'subject': str(m['Subject']),
    'message_id': str(m['Message-ID']),
    'type': m.get_content_type(),
    'parts': [p.get_content_type() for p in parts[1:]],
    'text': body('text/plain'),
    'html': body('text/html'),
    'defects': sum(len(p.defects) for p in parts),
}))
`;

export async function parse(file) {
  const r = await new Promise((resolve) => {
    const p = spawn(PY, ['-c', PARSE, file]);
    let out = '', err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code, out, err }));
  });
  assert.equal(r.code, 0, `the email package could not read ${file}: ${r.err}`);
  return JSON.parse(r.out);
}


// Helpers for the fake's own tests: start it as a child process, make key-pair JWTs with
// node:crypto, and call the SQL API.
import { spawn } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, randomUUID, sign } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export async function startFakeProcess(extraArgs = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sf-fake-'));
  const child = spawn(process.execPath, [path.join(HERE, 'snowflake_fake.mjs'), '--dir', dir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  child.stdout.resume();
  const deadline = Date.now() + 30000;
  while (!fs.existsSync(path.join(dir, 'url'))) {
    if (child.exitCode !== null) throw new Error(`fake exited ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`fake did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = fs.readFileSync(path.join(dir, 'url'), 'utf8').trim();
  const account = JSON.parse(fs.readFileSync(path.join(dir, 'account.json'), 'utf8'));
  const privateKeyPem = fs.readFileSync(path.join(dir, 'rsa_key.p8'), 'utf8');
  return {
    dir, url, account, privateKeyPem, child, stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const done = new Promise((r) => child.once('exit', (code, sig) => r(code ?? sig)));
      child.kill('SIGTERM');
      const code = await done;
      fs.rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

export function fingerprintOf(privateKeyPem) {
  const der = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('base64')}`;
}

// opts: { account, user, privateKeyPem, iat, exp, alg, fingerprint, sub, signWith }
export function makeJwt(opts) {
  const now = Math.floor(Date.now() / 1000);
  const iat = opts.iat ?? now;
  const exp = opts.exp ?? iat + 3540;
  const fp = opts.fingerprint ?? fingerprintOf(opts.privateKeyPem);
  const header = { alg: opts.alg ?? 'RS256', typ: 'JWT' };
  const claims = { iss: `${opts.account}.${opts.user}.${fp}`, sub: opts.sub ?? `${opts.account}.${opts.user}`, iat, exp };
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const data = `${b64(header)}.${b64(claims)}`;
  const sig = sign('sha256', Buffer.from(data), createPrivateKey(opts.signWith ?? opts.privateKeyPem)).toString('base64url');
  return `${data}.${sig}`;
}

// Raw HTTP request; returns { status, headers, body (parsed JSON or text) } or throws on a dropped connection.
export function request(url, { method = 'GET', headers = {}, body = null } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const payload = body === null ? null : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const h = { ...(payload ? { 'Content-Length': payload.length } : {}) };
    for (const [k, v] of Object.entries(headers)) if (v !== undefined) h[k] = v;
    const req = http.request({ method, hostname: u.hostname, port: u.port, path: u.pathname + u.search, headers: h, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed = text;
        try { parsed = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, body: parsed });
      });
    });
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

// A small SQL API client for tests.
export class Client {
  constructor(fake, overrides = {}) {
    this.fake = fake;
    this.o = { account: fake.account.account, user: fake.account.user, privateKeyPem: fake.privateKeyPem, ...overrides };
  }

  headers(extra = {}) {
    return {
      Authorization: `Bearer ${makeJwt(this.o)}`,
      'X-Snowflake-Authorization-Token-Type': 'KEYPAIR_JWT',
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'User-Agent': 'bx-fake-tests/1.0',
      ...extra,
    };
  }

  // body fields default to the fake's database, schema, warehouse and role.
  async submit(statement, { requestId = randomUUID(), retry = false, async: isAsync = false, body = {}, headers = {}, query = '' } = {}) {
    const a = this.fake.account;
    const q = new URLSearchParams();
    if (requestId !== null) q.set('requestId', requestId);
    if (retry) q.set('retry', 'true');
    if (isAsync) q.set('async', 'true');
    const url = `${this.fake.url}/api/v2/statements?${q}${query}`;
    return request(url, {
      method: 'POST', headers: this.headers(headers),
      body: { statement, timeout: 60, database: a.database, schema: a.schema, warehouse: a.warehouse, role: a.role, ...body },
    });
  }

  status(handle, query = '') {
    return request(`${this.fake.url}/api/v2/statements/${handle}?requestId=${randomUUID()}${query}`, { headers: this.headers() });
  }

  cancel(handle) {
    return request(`${this.fake.url}/api/v2/statements/${handle}/cancel?requestId=${randomUUID()}`, { method: 'POST', headers: this.headers() });
  }

  // Submits and polls until the statement is done; returns the final response.
  async run(statement, opts = {}) {
    let r = await this.submit(statement, opts);
    for (let i = 0; r.status === 202 && i < 200; i++) {
      await new Promise((res) => setTimeout(res, 20));
      r = await this.status(r.body.statementHandle);
    }
    return r;
  }

  async ok(statement, opts = {}) {
    const r = await this.run(statement, opts);
    if (r.status !== 200) throw new Error(`${statement.slice(0, 80)} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }
}

export async function control(fake, method, p, body = null) {
  const r = await request(`${fake.url}${p}`, { method, headers: body ? { 'Content-Type': 'application/json' } : {}, body });
  if (r.status !== 200) throw new Error(`${method} ${p} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export const fakeSql = async (fake, sql) => (await control(fake, 'POST', '/_fake/sql', { sql })).rows;

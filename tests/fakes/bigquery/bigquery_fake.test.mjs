// Proof that the BigQuery fake speaks the protocol: run with `node --test tests/fakes/bigquery/`.
// Starts the fake as a child process on a free port and talks to it with fetch + node:crypto only.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCOPE = 'https://www.googleapis.com/auth/bigquery';
const KIB256 = 256 * 1024;

let fake; // {url, dir, key, proc}
let token;

// ---------------------------------------------------------------- helpers

async function startFake() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bq-fake-test-'));
  const proc = spawn(process.execPath, [path.join(HERE, 'bigquery_fake.mjs'), '--dir', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (c) => { stderr += c; });
  proc.stdout.resume();
  for (let i = 0; i < 200; i++) {
    if (fs.existsSync(path.join(dir, 'pid')) && fs.existsSync(path.join(dir, 'key.json'))) break;
    if (proc.exitCode !== null) throw new Error(`fake exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = fs.readFileSync(path.join(dir, 'url'), 'utf8').trim();
  const key = JSON.parse(fs.readFileSync(path.join(dir, 'key.json'), 'utf8'));
  return { url, dir, key, proc, stderr: () => stderr };
}

const b64url = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');

function makeJwt(key, { header = {}, claims = {}, signWith } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const h = { alg: 'RS256', typ: 'JWT', kid: key.private_key_id, ...header };
  const c = { iss: key.client_email, scope: SCOPE, aud: key.token_uri, iat: now, exp: now + 3600, ...claims };
  const input = `${b64url(h)}.${b64url(c)}`;
  const sig = crypto.sign('RSA-SHA256', Buffer.from(input), signWith || key.private_key);
  return `${input}.${sig.toString('base64url')}`;
}

async function grant(assertion, { contentType = 'application/x-www-form-urlencoded', grantType = 'urn:ietf:params:oauth:grant-type:jwt-bearer' } = {}) {
  const body = new URLSearchParams({ grant_type: grantType, assertion }).toString();
  const r = await fetch(`${fake.url}/token`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: r.status, json: await r.json() };
}

async function getToken(key = fake.key) {
  const r = await grant(makeJwt(key));
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json.access_token;
}

async function api(method, p, { body, headers = {}, auth = token, raw = false } = {}) {
  const h = { ...headers };
  if (auth) h.authorization = `Bearer ${auth}`;
  let payload = body;
  if (body !== undefined && !raw && !Buffer.isBuffer(body) && typeof body !== 'string') {
    payload = JSON.stringify(body);
    h['content-type'] = h['content-type'] || 'application/json; charset=UTF-8';
  }
  const r = await fetch(`${fake.url}${p}`, { method, headers: h, body: payload, redirect: 'manual' });
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* plain text */ }
  return { status: r.status, headers: r.headers, json, text };
}

const control = (method, p, body) => api(method, `/_fake${p}`, { body, auth: null });

async function sql(query) {
  const r = await control('POST', '/sql', { sql: query });
  assert.equal(r.status, 200, r.text);
  return r.json.rows;
}

const P = '/bigquery/v2/projects/bx-test';
const UP = '/upload/bigquery/v2/projects/bx-test';

function loadJob(table, extra = {}, jobId) {
  return {
    ...(jobId ? { jobReference: { projectId: 'bx-test', jobId, location: 'US' } } : {}),
    configuration: {
      load: {
        destinationTable: { projectId: 'bx-test', datasetId: 'bx_dataset', tableId: table },
        sourceFormat: 'NEWLINE_DELIMITED_JSON',
        writeDisposition: 'WRITE_APPEND',
        createDisposition: 'CREATE_NEVER',
        ...extra,
      },
    },
  };
}

function multipart(meta, data, { boundary = 'bx_boundary_42', metaType = 'application/json; charset=UTF-8' } = {}) {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Type: ${metaType}\r\n\r\n${JSON.stringify(meta)}\r\n--${boundary}\r\nContent-Type: application/octet-stream\r\n\r\n`),
    Buffer.isBuffer(data) ? data : Buffer.from(data),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

function uploadMultipart(meta, data, opts) {
  return api('POST', `${UP}/jobs?uploadType=multipart`, {
    body: multipart(meta, data, opts), headers: { 'content-type': `multipart/related; boundary=${(opts && opts.boundary) || 'bx_boundary_42'}` },
  });
}

const ndjson = (rows) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

async function createTable(table, fields) {
  const r = await api('POST', `${P}/datasets/bx_dataset/tables`, {
    body: { tableReference: { projectId: 'bx-test', datasetId: 'bx_dataset', tableId: table }, schema: { fields } },
  });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

const EVENTS = [
  { name: 'uuid', type: 'STRING', mode: 'REQUIRED' },
  { name: 'event', type: 'STRING' },
  { name: 'n', type: 'INT64' },
  { name: 'timestamp', type: 'TIMESTAMP', mode: 'REQUIRED' },
  { name: 'properties', type: 'JSON' },
];

async function runQuery(query, { jobId, expectDone = true } = {}) {
  const r = await api('POST', `${P}/jobs`, {
    body: { ...(jobId ? { jobReference: { jobId } } : {}), configuration: { query: { query, useLegacySql: false } } },
  });
  assert.equal(r.status, 200, r.text);
  let job = r.json;
  for (let i = 0; expectDone && job.status.state !== 'DONE' && i < 20; i++) {
    job = (await api('GET', `${P}/jobs/${job.jobReference.jobId}?location=US`)).json;
  }
  return job;
}

async function count(table) {
  return Number((await sql(`SELECT count(*) AS c FROM bx_dataset.${table}`))[0].c);
}

// ---------------------------------------------------------------- lifecycle

before(async () => {
  fake = await startFake();
  token = await getToken();
});

after(async () => {
  if (!fake) return;
  const exited = new Promise((r) => fake.proc.once('exit', (code, signal) => r({ code, signal })));
  fake.proc.kill('SIGTERM');
  const { code } = await exited;
  assert.equal(code, 0, 'fake exits cleanly on SIGTERM');
  const log = fs.readFileSync(path.join(fake.dir, 'requests.log'), 'utf8');
  assert.ok(!log.includes(token), 'requests.log never contains a bearer token');
  assert.ok(!log.includes('PRIVATE KEY'), 'requests.log never contains the key');
  fs.rmSync(fake.dir, { recursive: true, force: true });
});

// Every test starts from a fresh fake state (tables, jobs, faults, config); the key and tokens stay valid.
async function resetFake() {
  const r = await control('POST', '/reset');
  assert.equal(r.status, 200);
}

// ---------------------------------------------------------------- auth

describe('service-account key and token endpoint', () => {
  beforeEach(resetFake);

  it('writes a Google-format service-account key', () => {
    const k = fake.key;
    assert.equal(k.type, 'service_account');
    assert.equal(k.project_id, 'bx-test');
    assert.match(k.private_key_id, /^[0-9a-f]{40}$/);
    assert.match(k.private_key, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.match(k.client_email, /@bx-test\.iam\.gserviceaccount\.com$/);
    assert.match(k.client_id, /^\d{21}$/);
    assert.equal(k.token_uri, `${fake.url}/token`);
    assert.ok(k.auth_uri && k.auth_provider_x509_cert_url && k.client_x509_cert_url && k.universe_domain);
    const pk = crypto.createPrivateKey(k.private_key);
    assert.equal(pk.asymmetricKeyDetails.modulusLength, 2048);
  });

  it('grants a token for a valid JWT assertion', async () => {
    const r = await grant(makeJwt(fake.key));
    assert.equal(r.status, 200);
    assert.equal(r.json.token_type, 'Bearer');
    assert.equal(r.json.expires_in, 3600);
    assert.ok(r.json.access_token.length > 20);
    const t = await api('GET', `${P}/datasets/bx_dataset`, { auth: r.json.access_token });
    assert.equal(t.status, 200);
    assert.equal(t.json.id, 'bx-test:bx_dataset');
  });

  it('rejects a bad signature, wrong aud, expired or too long-lived JWT, unknown kid/iss, bad form', async () => {
    const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    let r = await grant(makeJwt(fake.key, { signWith: other }));
    assert.deepEqual([r.status, r.json], [400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }]);

    r = await grant(makeJwt(fake.key, { claims: { aud: 'https://oauth2.googleapis.com/token' } }));
    assert.equal(r.status, 400);
    assert.equal(r.json.error, 'invalid_grant');
    assert.match(r.json.error_description, /audience/);

    const now = Math.floor(Date.now() / 1000);
    r = await grant(makeJwt(fake.key, { claims: { iat: now - 7200, exp: now - 3600 } }));
    assert.equal(r.status, 400);
    assert.match(r.json.error_description, /short-lived token/);
    r = await grant(makeJwt(fake.key, { claims: { iat: now, exp: now + 7200 } }));
    assert.equal(r.status, 400);
    assert.match(r.json.error_description, /iat and exp/);
    r = await grant(makeJwt(fake.key, { claims: { iat: now + 600, exp: now + 1200 } }));
    assert.equal(r.status, 400);

    r = await grant(makeJwt(fake.key, { header: { kid: 'f'.repeat(40) } }));
    assert.deepEqual([r.status, r.json.error, r.json.error_description], [400, 'invalid_grant', 'Invalid JWT Signature.']);
    r = await grant(makeJwt(fake.key, { header: { alg: 'HS256' } }));
    assert.equal(r.status, 400);
    r = await grant(makeJwt(fake.key, { claims: { iss: 'nobody@bx-test.iam.gserviceaccount.com' } }));
    assert.deepEqual([r.status, r.json.error], [400, 'invalid_grant']);
    r = await grant(makeJwt(fake.key, { claims: { scope: undefined } }));
    assert.deepEqual([r.status, r.json.error], [400, 'invalid_scope']);
    r = await grant(makeJwt(fake.key), { grantType: 'client_credentials' });
    assert.deepEqual([r.status, r.json.error], [400, 'unsupported_grant_type']);
    r = await grant(makeJwt(fake.key), { contentType: 'application/json' });
    assert.deepEqual([r.status, r.json.error], [400, 'invalid_request']);
    r = await grant('not.a.jwt!');
    assert.deepEqual([r.status, r.json.error], [400, 'invalid_grant']);
  });

  it('accepts keys registered through the control API and forgets them on delete', async () => {
    const r = await control('POST', '/keys', {});
    assert.equal(r.status, 200);
    const extra = r.json;
    assert.equal(extra.project_id, 'bx-test');
    const t = await getToken(extra);
    assert.equal((await api('GET', `${P}/datasets/bx_dataset`, { auth: t })).status, 200);
    await control('DELETE', `/keys/${extra.private_key_id}`);
    assert.equal((await grant(makeJwt(extra))).status, 400);
    assert.equal((await api('GET', `${P}/datasets/bx_dataset`, { auth: t })).status, 401);
  });

  it('answers 401 without a token, with a bad one and with an expired one', async () => {
    let r = await api('GET', `${P}/datasets/bx_dataset/tables/x`, { auth: null });
    assert.equal(r.status, 401);
    assert.equal(r.json.error.status, 'UNAUTHENTICATED');
    assert.equal(r.json.error.errors[0].reason, 'required');
    r = await api('GET', `${P}/datasets/bx_dataset/tables/x`, { auth: 'ya29.bogus' });
    assert.equal(r.status, 401);
    assert.equal(r.json.error.errors[0].reason, 'authError');
    assert.match(r.headers.get('www-authenticate'), /invalid_token/);

    await control('POST', '/config', { token_ttl_s: 1 });
    const short = await grant(makeJwt(fake.key));
    assert.equal(short.json.expires_in, 1);
    assert.equal((await api('GET', `${P}/datasets/bx_dataset`, { auth: short.json.access_token })).status, 200);
    await new Promise((res) => setTimeout(res, 1100));
    r = await api('GET', `${P}/datasets/bx_dataset`, { auth: short.json.access_token });
    assert.equal(r.status, 401);
    assert.equal(r.json.error.errors[0].reason, 'authError');
    // A client refreshes once and goes on.
    await control('POST', '/config', { token_ttl_s: 3600 });
    assert.equal((await api('GET', `${P}/datasets/bx_dataset`, { auth: await getToken() })).status, 200);

    const t2 = await getToken();
    assert.equal((await control('POST', '/tokens/expire')).status, 200);
    assert.equal((await api('GET', `${P}/datasets/bx_dataset`, { auth: t2 })).status, 401);
    token = await getToken();
  });

  it('answers 403 for another project and 404 for a missing dataset', async () => {
    let r = await api('GET', '/bigquery/v2/projects/other-proj/datasets/bx_dataset/tables/t');
    assert.equal(r.status, 403);
    assert.equal(r.json.error.errors[0].reason, 'accessDenied');
    r = await api('GET', `${P}/datasets/x/tables/t`);
    assert.equal(r.status, 404);
    assert.deepEqual(r.json.error, {
      code: 404, message: 'Not found: Dataset bx-test:x',
      errors: [{ message: 'Not found: Dataset bx-test:x', domain: 'global', reason: 'notFound' }], status: 'NOT_FOUND',
    });
  });
});

// ---------------------------------------------------------------- tables

describe('tables', () => {
  beforeEach(resetFake);

  it('inserts, gets, patches (additions only) and deletes a table', async () => {
    const t = await createTable('events', EVENTS);
    assert.equal(t.id, 'bx-test:bx_dataset.events');
    assert.deepEqual(t.schema.fields.map((f) => [f.name, f.type, f.mode]), [
      ['uuid', 'STRING', 'REQUIRED'], ['event', 'STRING', 'NULLABLE'], ['n', 'INTEGER', 'NULLABLE'],
      ['timestamp', 'TIMESTAMP', 'REQUIRED'], ['properties', 'JSON', 'NULLABLE'],
    ]);
    let r = await api('POST', `${P}/datasets/bx_dataset/tables`, {
      body: { tableReference: { projectId: 'bx-test', datasetId: 'bx_dataset', tableId: 'events' }, schema: { fields: EVENTS } },
    });
    assert.equal(r.status, 409);
    assert.equal(r.json.error.errors[0].reason, 'duplicate');

    r = await api('GET', `${P}/datasets/bx_dataset/tables/events`);
    assert.equal(r.status, 200);
    assert.equal(r.json.numRows, '0');

    r = await api('PATCH', `${P}/datasets/bx_dataset/tables/events`, {
      body: { schema: { fields: [...EVENTS, { name: 'extra', type: 'FLOAT64' }] } },
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.schema.fields.at(-1), { name: 'extra', type: 'FLOAT', mode: 'NULLABLE' });

    r = await api('PATCH', `${P}/datasets/bx_dataset/tables/events`, {
      body: { schema: { fields: [...EVENTS.map((f) => (f.name === 'n' ? { ...f, type: 'STRING' } : f)), { name: 'extra', type: 'FLOAT' }] } },
    });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.errors[0].reason, 'invalid');
    assert.match(r.json.error.message, /changed type from INTEGER to STRING/);
    r = await api('PATCH', `${P}/datasets/bx_dataset/tables/events`, { body: { schema: { fields: EVENTS } } });
    assert.equal(r.status, 400);
    assert.match(r.json.error.message, /Field extra is missing in new schema/);

    r = await api('DELETE', `${P}/datasets/bx_dataset/tables/events`);
    assert.equal(r.status, 204);
    r = await api('GET', `${P}/datasets/bx_dataset/tables/events`);
    assert.equal(r.status, 404);
    assert.equal(r.json.error.message, 'Not found: Table bx-test:bx_dataset.events');
  });

  it('validates field names and types like BigQuery', async () => {
    const bad = async (fields) => {
      const r = await api('POST', `${P}/datasets/bx_dataset/tables`, {
        body: { tableReference: { projectId: 'bx-test', datasetId: 'bx_dataset', tableId: 't' }, schema: { fields } },
      });
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.error.errors[0].reason, 'invalid');
      return r.json.error.message;
    };
    assert.match(await bad([{ name: '1abc', type: 'STRING' }]), /Invalid field name "1abc"/);
    assert.match(await bad([{ name: 'a-b', type: 'STRING' }]), /Invalid field name/);
    assert.match(await bad([{ name: 'Id', type: 'STRING' }, { name: 'id', type: 'INT64' }]), /already exists/);
    assert.match(await bad([{ name: 'x', type: 'VARCHAR' }]), /VARCHAR/);
    assert.match(await bad([{ name: 'x', type: 'STRING', colour: 'red' }]), /Unknown name "colour"/);
  });
});

// ---------------------------------------------------------------- loads

describe('load jobs', () => {
  beforeEach(resetFake);

  it('loads NDJSON with a multipart upload', async () => {
    await createTable('events', EVENTS);
    const data = ndjson([
      { uuid: 'a', event: 'pageview', n: 1, timestamp: '2024-01-15 10:00:00.123456', properties: { url: '/x', n: [1, 2] } },
      { uuid: 'b', event: 'click', n: '9007199254740993', timestamp: '2024-01-15T11:00:00Z', properties: 'just a string' },
      { UUID: 'c', timestamp: 1705316400.5, properties: null },
      { uuid: 'd', timestamp: '2024/01/15 13:00:00+02:00' },
    ]);
    const r = await uploadMultipart(loadJob('events', {}, 'load_multipart_1'), data);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.kind, 'bigquery#job');
    assert.equal(r.json.status.state, 'DONE');
    assert.equal(r.json.status.errorResult, undefined);
    assert.equal(r.json.statistics.load.outputRows, '4');
    assert.equal(r.json.configuration.jobType, 'LOAD');
    assert.deepEqual(r.json.jobReference, { projectId: 'bx-test', jobId: 'load_multipart_1', location: 'US' });

    const rows = await sql('SELECT uuid, event, n, timestamp, CAST(properties AS VARCHAR) AS p FROM bx_dataset.events ORDER BY uuid');
    assert.deepEqual(rows, [
      { uuid: 'a', event: 'pageview', n: '1', timestamp: '2024-01-15T10:00:00.123456Z', p: '{"url":"/x","n":[1,2]}' },
      { uuid: 'b', event: 'click', n: '9007199254740993', timestamp: '2024-01-15T11:00:00.000000Z', p: '"just a string"' },
      { uuid: 'c', event: null, n: null, timestamp: '2024-01-15T11:00:00.500000Z', p: null },
      { uuid: 'd', event: null, n: null, timestamp: '2024-01-15T11:00:00.000000Z', p: null },
    ]);
    const g = await api('GET', `${P}/jobs/load_multipart_1?location=US`);
    assert.equal(g.status, 200);
    assert.equal(g.json.status.state, 'DONE');
    assert.deepEqual((await control('GET', '/stats')).json.rows_loaded, { 'bx-test.bx_dataset.events': 4 });
  });

  it('loads NDJSON with a resumable upload in three chunks, with a status query in the middle', async () => {
    await createTable('events', EVENTS);
    const lines = [];
    for (let i = 0, size = 0; size < 2.5 * KIB256; i++) {
      lines.push(`${JSON.stringify({ uuid: `u${i}`, event: 'e', n: i, timestamp: '2024-01-15 10:00:00', properties: { i, pad: 'x'.repeat(100) } })}\n`);
      size += lines[i].length;
    }
    const data = Buffer.from(lines.join(''));
    let r = await api('POST', `${UP}/jobs?uploadType=resumable`, {
      body: loadJob('events', {}, 'load_resumable_1'),
      headers: { 'x-upload-content-type': 'application/octet-stream', 'x-upload-content-length': String(data.length) },
    });
    assert.equal(r.status, 200, r.text);
    const session = r.headers.get('location');
    assert.match(session, /uploadType=resumable&upload_id=/);
    const put = (body, range) => fetch(session, { method: 'PUT', headers: { 'content-range': range }, body, redirect: 'manual' });

    let p = await put(data.subarray(0, KIB256), `bytes 0-${KIB256 - 1}/*`);
    assert.equal(p.status, 308);
    assert.equal(p.headers.get('range'), `bytes=0-${KIB256 - 1}`);

    // A non-final chunk that is not a multiple of 256 KiB is refused and changes nothing.
    p = await put(data.subarray(KIB256, KIB256 + 1000), `bytes ${KIB256}-${KIB256 + 999}/*`);
    assert.equal(p.status, 400);

    p = await put(Buffer.alloc(0), 'bytes */*');
    assert.equal(p.status, 308);
    assert.equal(p.headers.get('range'), `bytes=0-${KIB256 - 1}`);

    p = await put(data.subarray(KIB256, 2 * KIB256), `bytes ${KIB256}-${2 * KIB256 - 1}/*`);
    assert.equal(p.status, 308);
    assert.equal(p.headers.get('range'), `bytes=0-${2 * KIB256 - 1}`);
    assert.equal(await count('events'), 0, 'nothing is loaded before the last chunk');

    p = await put(data.subarray(2 * KIB256), `bytes ${2 * KIB256}-${data.length - 1}/${data.length}`);
    assert.equal(p.status, 200);
    const job = await p.json();
    assert.equal(job.status.state, 'DONE');
    assert.equal(job.statistics.load.outputRows, String(lines.length));
    assert.equal(await count('events'), lines.length);

    // After completion a status query returns the job again (a client whose last response was lost).
    p = await put(Buffer.alloc(0), `bytes */${data.length}`);
    assert.equal(p.status, 200);
    assert.equal((await p.json()).jobReference.jobId, 'load_resumable_1');
    assert.equal(await count('events'), lines.length);
  });

  it('refuses a second job with the same id (409) and loads nothing twice', async () => {
    await createTable('events', EVENTS);
    const data = ndjson([{ uuid: 'a', timestamp: '2024-01-15 10:00:00' }]);
    assert.equal((await uploadMultipart(loadJob('events', {}, 'dup_job'), data)).status, 200);
    const r = await uploadMultipart(loadJob('events', {}, 'dup_job'), data);
    assert.equal(r.status, 409);
    assert.deepEqual(r.json, {
      error: {
        code: 409, message: 'Already Exists: Job bx-test:US.dup_job',
        errors: [{ message: 'Already Exists: Job bx-test:US.dup_job', domain: 'global', reason: 'duplicate' }],
        status: 'ALREADY_EXISTS',
      },
    });
    // Also when the duplicate comes through a resumable session or as a query job.
    const s = await api('POST', `${UP}/jobs?uploadType=resumable`, { body: loadJob('events', {}, 'dup_job') });
    assert.equal(s.status, 409);
    const q = await api('POST', `${P}/jobs`, { body: { jobReference: { jobId: 'dup_job' }, configuration: { query: { query: 'DELETE FROM bx_dataset.events WHERE true', useLegacySql: false } } } });
    assert.equal(q.status, 409);
    assert.equal(await count('events'), 1);
    const stats = (await control('GET', '/stats')).json;
    assert.equal(stats.duplicates_409, 3);
    assert.equal(stats.loads, 1);
  });

  it('fails the whole load on a bad row (unknown field, bad timestamp) and loads nothing', async () => {
    await createTable('events', EVENTS);
    const good = { uuid: 'a', timestamp: '2024-01-15 10:00:00' };
    let r = await uploadMultipart(loadJob('events', {}, 'bad_field'), ndjson([good, { uuid: 'b', timestamp: '2024-01-15 10:00:00', colour: 'red' }]));
    assert.equal(r.status, 200);
    assert.equal(r.json.status.state, 'DONE');
    assert.equal(r.json.status.errorResult.reason, 'invalid');
    assert.match(r.json.status.errorResult.message, /too many errors/);
    assert.ok(r.json.status.errors.some((e) => /No such field: colour/.test(e.message)), JSON.stringify(r.json.status.errors));

    r = await uploadMultipart(loadJob('events', {}, 'bad_ts'), ndjson([good, { uuid: 'b', timestamp: 'yesterday' }]));
    assert.equal(r.json.status.errorResult.reason, 'invalid');
    assert.ok(r.json.status.errors.some((e) => /Could not parse 'yesterday' as a timestamp.*Field: timestamp/.test(e.message)));

    r = await uploadMultipart(loadJob('events', {}, 'bad_req'), ndjson([good, { event: 'no uuid', timestamp: '2024-01-15 10:00:00' }]));
    assert.ok(r.json.status.errors.some((e) => /Missing required field: uuid/.test(e.message)));
    r = await uploadMultipart(loadJob('events', {}, 'bad_obj'), ndjson([{ ...good, event: { nested: 1 } }]));
    assert.ok(r.json.status.errors.some((e) => /JSON object specified for non-record field: event/.test(e.message)));
    r = await uploadMultipart(loadJob('events', {}, 'bad_json'), `${JSON.stringify(good)}\n{"uuid": "x",\n`);
    assert.equal(r.json.status.errorResult.reason, 'invalid');
    assert.equal(await count('events'), 0);

    // maxBadRecords lets the bad rows be skipped; ignoreUnknownValues drops unknown fields.
    r = await uploadMultipart(loadJob('events', { maxBadRecords: 1 }, 'skip_bad'), ndjson([good, { uuid: 'b', timestamp: 'nope' }]));
    assert.equal(r.json.status.errorResult, undefined);
    assert.equal(r.json.statistics.load.badRecords, '1');
    assert.equal(r.json.status.errors.length, 1);
    r = await uploadMultipart(loadJob('events', { ignoreUnknownValues: true }, 'ignore_unknown'), ndjson([{ ...good, uuid: 'c', colour: 'red' }]));
    assert.equal(r.json.status.errorResult, undefined);
    assert.equal(await count('events'), 2);
    assert.equal((await control('GET', '/stats')).json.failed_loads, 5);
  });

  it('applies write and create dispositions', async () => {
    const row = (u) => ndjson([{ uuid: u, timestamp: '2024-01-15 10:00:00' }]);
    let r = await uploadMultipart(loadJob('fresh', {}, 'never'), row('a'));
    assert.equal(r.json.status.errorResult.reason, 'notFound');
    r = await uploadMultipart(loadJob('fresh', { createDisposition: 'CREATE_IF_NEEDED' }, 'noschema'), row('a'));
    assert.equal(r.json.status.errorResult.reason, 'invalid');
    assert.match(r.json.status.errorResult.message, /No schema specified/);
    r = await uploadMultipart(loadJob('fresh', { createDisposition: 'CREATE_IF_NEEDED', schema: { fields: EVENTS } }, 'create'), row('a'));
    assert.equal(r.json.status.errorResult, undefined);
    r = await uploadMultipart(loadJob('fresh', { writeDisposition: 'WRITE_EMPTY' }, 'empty'), row('b'));
    assert.equal(r.json.status.errorResult.reason, 'duplicate');
    r = await uploadMultipart(loadJob('fresh', { writeDisposition: 'WRITE_TRUNCATE' }, 'trunc'), row('c') + row('d'));
    assert.equal(r.json.status.errorResult, undefined);
    assert.deepEqual((await sql('SELECT uuid FROM bx_dataset.fresh ORDER BY 1')).map((x) => x.uuid), ['c', 'd']);
    // Appending with a schema that drops a column is refused; one that adds a column needs ALLOW_FIELD_ADDITION.
    r = await uploadMultipart(loadJob('fresh', { schema: { fields: EVENTS.slice(0, 4) } }, 'drop_col'), row('e'));
    assert.match(r.json.status.errorResult.message, /Field properties is missing in new schema/);
    const more = { schema: { fields: [...EVENTS, { name: 'extra', type: 'STRING' }] } };
    r = await uploadMultipart(loadJob('fresh', more, 'add_col_refused'), row('e'));
    assert.match(r.json.status.errorResult.message, /Cannot add fields/);
    r = await uploadMultipart(loadJob('fresh', { ...more, schemaUpdateOptions: ['ALLOW_FIELD_ADDITION'] }, 'add_col'), row('e'));
    assert.equal(r.json.status.errorResult, undefined);
    assert.equal(await count('fresh'), 3);
  });

  it('loads gzip-compressed NDJSON', async () => {
    await createTable('events', EVENTS);
    const gz = zlib.gzipSync(ndjson([{ uuid: 'z', timestamp: '2024-01-15 10:00:00' }, { uuid: 'y', timestamp: '2024-01-15 10:00:01' }]));
    const r = await uploadMultipart(loadJob('events', {}, 'gz'), gz);
    assert.equal(r.json.status.errorResult, undefined, JSON.stringify(r.json.status));
    assert.equal(await count('events'), 2);
  });

  it('loads Parquet (file made with DuckDB COPY), mapping columns by name', async () => {
    const file = path.join(fake.dir, 'test.parquet');
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    await conn.run(`COPY (SELECT 'p' || i AS uuid, i::BIGINT AS n, TIMESTAMPTZ '2024-01-15 10:00:00+00' + INTERVAL (i) SECOND AS "timestamp", 'ev' AS event
      FROM range(1000) t(i)) TO '${file}' (FORMAT PARQUET)`);
    conn.closeSync();
    await createTable('events', EVENTS);
    const data = fs.readFileSync(file);
    let r = await uploadMultipart(loadJob('events', { sourceFormat: 'PARQUET' }, 'pq1'), data);
    assert.equal(r.json.status.errorResult, undefined, JSON.stringify(r.json.status));
    assert.equal(r.json.statistics.load.outputRows, '1000');
    const rows = await sql('SELECT uuid, n, timestamp, event, properties FROM bx_dataset.events WHERE n = 999');
    assert.deepEqual(rows, [{ uuid: 'p999', n: '999', timestamp: '2024-01-15T10:16:39.000000Z', event: 'ev', properties: null }]);

    // Without a table and schema, CREATE_IF_NEEDED takes the schema from the Parquet file.
    r = await uploadMultipart(loadJob('from_pq', { sourceFormat: 'PARQUET', createDisposition: 'CREATE_IF_NEEDED' }, 'pq2'), data);
    assert.equal(r.json.status.errorResult, undefined);
    const t = await api('GET', `${P}/datasets/bx_dataset/tables/from_pq`);
    assert.deepEqual(t.json.schema.fields.map((f) => `${f.name}:${f.type}`), ['uuid:STRING', 'n:INTEGER', 'timestamp:TIMESTAMP', 'event:STRING']);
    assert.equal(t.json.numRows, '1000');
  });

  it('rejects malformed multipart requests with 400 like Google', async () => {
    await createTable('events', EVENTS);
    const meta = loadJob('events', {}, 'mp');
    const data = ndjson([{ uuid: 'a', timestamp: '2024-01-15 10:00:00' }]);
    let r = await api('POST', `${UP}/jobs?uploadType=multipart`, { body: multipart(meta, data), headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 400);
    assert.equal(r.text, 'Bad content type. Please use multipart.');
    r = await api('POST', `${UP}/jobs?uploadType=multipart`, { body: multipart(meta, data), headers: { 'content-type': 'multipart/related' } });
    assert.equal(r.status, 400);
    r = await api('POST', `${UP}/jobs?uploadType=multipart`, { body: multipart(meta, data), headers: { 'content-type': 'multipart/related; boundary=other' } });
    assert.equal(r.status, 400);
    assert.equal(r.text, 'Invalid multipart request with 0 mime parts.');
    const onePart = Buffer.from(`--b\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify(meta)}\r\n--b--\r\n`);
    r = await api('POST', `${UP}/jobs?uploadType=multipart`, { body: onePart, headers: { 'content-type': 'multipart/related; boundary=b' } });
    assert.equal(r.text, 'Invalid multipart request with 1 mime parts.');
    const noEnd = multipart(meta, data).subarray(0, -20);
    r = await api('POST', `${UP}/jobs?uploadType=multipart`, { body: noEnd, headers: { 'content-type': 'multipart/related; boundary=bx_boundary_42' } });
    assert.equal(r.status, 400);
    assert.match(r.text, /end boundary/);
    r = await uploadMultipart(meta, data, { metaType: 'text/plain' });
    assert.equal(r.status, 400);
    r = await uploadMultipart({ configuration: { load: { ...meta.configuration.load, colour: 1 } } }, data);
    assert.equal(r.status, 400);
    assert.match(r.json.error.message, /Unknown name "colour"/);
    r = await uploadMultipart({ configuration: { load: { ...meta.configuration.load, ignoreUnknownValues: 'true' } } }, data);
    assert.equal(r.status, 400);
    assert.match(r.json.error.message, /TYPE_BOOL/);
    r = await uploadMultipart({ jobReference: { jobId: 'bad id!' }, configuration: meta.configuration }, data);
    assert.equal(r.status, 400);
    assert.match(r.json.error.message, /Invalid job ID/);
    r = await api('POST', `${UP}/jobs?uploadType=media`, { body: data, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(r.status, 400);
    r = await api('POST', `${UP}/jobs`, { body: data, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(r.status, 400);
    assert.equal(await count('events'), 0);
  });

  it('keeps a job RUNNING for the configured number of polls and loads only when it is DONE', async () => {
    await createTable('events', EVENTS);
    await control('POST', '/config', { job_running_polls: 2 });
    const r = await uploadMultipart(loadJob('events', {}, 'slow'), ndjson([{ uuid: 'a', timestamp: '2024-01-15 10:00:00' }]));
    assert.equal(r.json.status.state, 'PENDING');
    assert.equal((await api('GET', `${P}/jobs/slow?location=US`)).json.status.state, 'RUNNING');
    assert.equal((await api('GET', `${P}/jobs/slow`)).json.status.state, 'RUNNING');
    assert.equal(await count('events'), 0);
    const done = await api('GET', `${P}/jobs/slow?location=US`);
    assert.equal(done.json.status.state, 'DONE');
    assert.ok(done.json.statistics.endTime);
    assert.equal(await count('events'), 1);
    assert.equal((await api('GET', `${P}/jobs/slow?location=EU`)).status, 404);
  });
});

// ---------------------------------------------------------------- queries

describe('query jobs', () => {
  beforeEach(resetFake);

  async function seed() {
    await createTable('events', EVENTS);
    await uploadMultipart(loadJob('events', {}, `seed_${crypto.randomUUID()}`), ndjson([
      { uuid: 'a', event: 'old', n: 1, timestamp: '2024-01-15 10:00:00' },
      { uuid: 'b', event: 'old', n: 2, timestamp: '2024-01-15 10:00:00' },
    ]));
    await createTable('stage', EVENTS);
  }

  it('runs DELETE + INSERT SELECT in a transaction (all-or-nothing)', async () => {
    await seed();
    await uploadMultipart(loadJob('stage', {}, 'stage1'), ndjson([
      { uuid: 'b', event: 'new', n: 20, timestamp: '2024-01-15 11:00:00' },
      { uuid: 'c', event: 'new', n: 30, timestamp: '2024-01-15 11:00:00' },
    ]));
    const script = `BEGIN TRANSACTION;
      DELETE FROM \`bx-test.bx_dataset.events\` WHERE uuid IN (SELECT uuid FROM \`bx-test.bx_dataset.stage\`);
      INSERT INTO \`bx-test.bx_dataset.events\` (uuid, event, n, \`timestamp\`, properties)
        SELECT uuid, event, n, \`timestamp\`, properties FROM bx_dataset.stage;
      COMMIT TRANSACTION;`;
    const job = await runQuery(script, { jobId: 'txn_ok' });
    assert.equal(job.status.errorResult, undefined, JSON.stringify(job.status));
    assert.equal(job.statistics.query.statementType, 'SCRIPT');
    assert.equal(job.statistics.numChildJobs, '2');
    assert.deepEqual((await sql('SELECT uuid, event FROM bx_dataset.events ORDER BY uuid')).map((r) => `${r.uuid}:${r.event}`), ['a:old', 'b:new', 'c:new']);
    const children = await api('GET', `${P}/jobs?parentJobId=txn_ok`);
    assert.deepEqual(children.json.jobs.map((j) => j.statistics.query.numDmlAffectedRows).sort(), ['1', '2']);

    // A failing statement inside the transaction rolls back the DELETE before it.
    const bad = `BEGIN TRANSACTION;
      DELETE FROM bx_dataset.events WHERE true;
      INSERT INTO bx_dataset.events (uuid, \`timestamp\`) SELECT nope, \`timestamp\` FROM bx_dataset.stage;
      COMMIT TRANSACTION;`;
    const failed = await runQuery(bad, { jobId: 'txn_bad' });
    assert.equal(failed.status.errorResult.reason, 'invalidQuery');
    assert.match(failed.status.errorResult.message, /^Unrecognized name: nope at \[3:64\]$/);
    assert.equal(await count('events'), 3);
  });

  it('MERGE: the newest version of each row wins', async () => {
    await seed();
    await uploadMultipart(loadJob('stage', {}, 'stage2'), ndjson([
      { uuid: 'a', event: 'older', n: 0, timestamp: '2024-01-15 09:00:00' },
      { uuid: 'b', event: 'newer', n: 21, timestamp: '2024-01-15 12:00:00' },
      { uuid: 'b', event: 'newest', n: 22, timestamp: '2024-01-15 13:00:00' },
      { uuid: 'c', event: 'inserted', n: 3, timestamp: '2024-01-15 12:00:00' },
    ]));
    const merge = `MERGE INTO \`bx-test.bx_dataset.events\` AS T
      USING (
        SELECT * FROM \`bx-test.bx_dataset.stage\`
        QUALIFY ROW_NUMBER() OVER (PARTITION BY uuid ORDER BY \`timestamp\` DESC) = 1
      ) AS S
      ON T.uuid = S.uuid
      WHEN MATCHED AND S.\`timestamp\` > T.\`timestamp\` THEN
        UPDATE SET event = S.event, n = S.n, \`timestamp\` = S.\`timestamp\`, properties = S.properties
      WHEN NOT MATCHED THEN
        INSERT (uuid, event, n, \`timestamp\`, properties) VALUES (S.uuid, S.event, S.n, S.\`timestamp\`, S.properties)`;
    const job = await runQuery(merge);
    assert.equal(job.status.errorResult, undefined, JSON.stringify(job.status));
    assert.equal(job.statistics.query.statementType, 'MERGE');
    assert.equal(job.statistics.query.numDmlAffectedRows, '2');
    assert.deepEqual(await sql('SELECT uuid, event, n FROM bx_dataset.events ORDER BY uuid'), [
      { uuid: 'a', event: 'old', n: '1' }, { uuid: 'b', event: 'newest', n: '22' }, { uuid: 'c', event: 'inserted', n: '3' },
    ]);

    // Without the dedup, two source rows match one target row: BigQuery refuses the MERGE.
    const dup = merge.replace(/QUALIFY[^\n]*\n/, '');
    const failed = await runQuery(dup);
    assert.equal(failed.status.errorResult.reason, 'invalidQuery');
    assert.match(failed.status.errorResult.message, /must match at most one source row/);
  });

  it('reports unknown tables, datasets and columns with BigQuery reasons', async () => {
    await seed();
    let job = await runQuery('SELECT * FROM bx_dataset.x');
    assert.deepEqual(job.status.errorResult, { reason: 'notFound', message: 'Not found: Table bx-test:bx_dataset.x was not found in location US', location: 'query' });
    job = await runQuery('SELECT * FROM `bx-test.nods.x`');
    assert.equal(job.status.errorResult.reason, 'notFound');
    assert.match(job.status.errorResult.message, /Dataset bx-test:nods/);
    job = await runQuery('SELECT nope FROM bx_dataset.events');
    assert.deepEqual(job.status.errorResult, { reason: 'invalidQuery', message: 'Unrecognized name: nope at [1:8]', location: 'query' });
    job = await runQuery('INSERT INTO bx_dataset.events (uuid, nope) VALUES ("x", 1)');
    assert.equal(job.status.errorResult.reason, 'invalidQuery');
    assert.match(job.status.errorResult.message, /Column nope is not present in table bx_dataset.events/);
    job = await runQuery('SELECT * FROM events');
    assert.equal(job.status.errorResult.reason, 'invalid');
    job = await runQuery('SELEC 1');
    assert.equal(job.status.errorResult.reason, 'invalidQuery');
    job = await runQuery('SELECT * FROM `other-proj.ds.t`');
    assert.equal(job.status.errorResult.reason, 'accessDenied');
    // getQueryResults of a failed job answers with the job's error.
    const r = await api('GET', `${P}/queries/${job.jobReference.jobId}`);
    assert.equal(r.status, 403);
    assert.equal(r.json.error.errors[0].reason, 'accessDenied');
  });

  it('translates GoogleSQL literals, functions, parameters and temp tables', async () => {
    const q = async (query, extra = {}) => {
      const r = await api('POST', `${P}/queries`, { body: { query, useLegacySql: false, ...extra } });
      assert.equal(r.status, 200, `${query}: ${r.text}`);
      return r.json;
    };
    await q('CREATE TABLE bx_dataset.t (id INT64 NOT NULL, ts TIMESTAMP, j JSON, s STRING, n NUMERIC)');
    let r = await q(`INSERT INTO bx_dataset.t (id, ts, j, s, n) VALUES
      (1, TIMESTAMP '2024-01-15 10:00:00+02', JSON '{"a":{"b":2}}', 'x', NUMERIC '1.50'),
      (2, TIMESTAMP('2024-01-16 00:00:00'), PARSE_JSON('[1,2]'), "y", 2)`);
    assert.equal(r.numDmlAffectedRows, '2');
    r = await q(`SELECT id, TO_JSON_STRING(j) AS js, JSON_VALUE(j, '$.a.b') AS v, SAFE.PARSE_JSON('nope') AS bad, n,
      TIMESTAMP_TRUNC(ts, DAY) AS day, UNIX_MICROS(ts) AS us FROM \`bx-test.bx_dataset.t\` ORDER BY id`, { formatOptions: { useInt64Timestamp: true } });
    assert.deepEqual(r.rows.map((x) => x.f.map((y) => y.v)), [
      ['1', '{"a":{"b":2}}', '2', null, '1.5', '1705276800000000', '1705305600000000'],
      ['2', '[1,2]', null, null, '2', '1705363200000000', '1705363200000000'],
    ]);
    r = await q('SELECT * EXCEPT (j, n) FROM bx_dataset.t WHERE ts >= TIMESTAMP_SUB(@cutoff, INTERVAL 1 HOUR) AND id <= @max', {
      parameterMode: 'NAMED',
      queryParameters: [
        { name: 'cutoff', parameterType: { type: 'TIMESTAMP' }, parameterValue: { value: '2024-01-16 00:30:00' } },
        { name: 'max', parameterType: { type: 'INT64' }, parameterValue: { value: '5' } },
      ],
    });
    assert.deepEqual(r.schema.fields.map((f) => f.name), ['id', 'ts', 's']);
    assert.deepEqual(r.rows.map((x) => x.f[0].v), ['2']);
    r = await q('CREATE TEMP TABLE ids AS SELECT id FROM bx_dataset.t; INSERT INTO ids (id) VALUES (7); SELECT count(*) AS c FROM ids');
    assert.equal(r.rows[0].f[0].v, '3');
    const bad = async (query, reason, re) => {
      const x = await api('POST', `${P}/queries`, { body: { query, useLegacySql: false } });
      assert.equal(x.json.error.errors[0].reason, reason, `${query}: ${x.text}`);
      if (re) assert.match(x.json.error.message, re);
    };
    await bad('SELECT count(*) FROM ids', 'invalid', /must be qualified with a dataset/);
    await bad('DELETE FROM bx_dataset.t', 'invalidQuery', /WHERE/);
    await bad('BEGIN TRANSACTION; DELETE FROM bx_dataset.t WHERE true;', 'invalidQuery', /not committed/);
    await bad('INSERT INTO bx_dataset.t (id) VALUES (NULL)', 'invalidQuery', /Required field id cannot be null/);
    await bad('SELECT "unterminated', 'invalidQuery', /Unclosed string literal at \[1:8\]/);
    await bad('DECLARE x INT64; SELECT x', 'invalidQuery', /not supported by the BigQuery fake/);
    assert.equal(await count('t'), 2, 'the failed scripts changed nothing');
  });

  it('refuses legacy SQL', async () => {
    const r = await api('POST', `${P}/jobs`, { body: { configuration: { query: { query: 'SELECT 1' } } } });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.errors[0].reason, 'invalid');
  });

  it('returns rows in the REST f/v shape from jobs.query and getQueryResults, with paging', async () => {
    await seed();
    const q = await api('POST', `${P}/queries`, {
      body: {
        query: 'SELECT uuid, n, `timestamp`, TIMESTAMP "2024-01-15 10:00:00.5+00" AS t2, n > 1 AS big, 1.5 AS f, PARSE_JSON(\'{"a":1}\') AS j FROM bx_dataset.events ORDER BY uuid',
        useLegacySql: false, maxResults: 1,
      },
    });
    assert.equal(q.status, 200, q.text);
    assert.equal(q.json.jobComplete, true);
    assert.equal(q.json.totalRows, '2');
    assert.deepEqual(q.json.schema.fields.map((f) => f.type), ['STRING', 'INTEGER', 'TIMESTAMP', 'TIMESTAMP', 'BOOLEAN', 'FLOAT', 'JSON']);
    assert.deepEqual(q.json.rows, [{ f: [{ v: 'a' }, { v: '1' }, { v: '1.7053128E9' }, { v: '1.7053128005E9' }, { v: 'false' }, { v: '1.5' }, { v: '{"a":1}' }] }]);
    assert.ok(q.json.pageToken);
    const page2 = await api('GET', `${P}/queries/${q.json.jobReference.jobId}?location=US&pageToken=${q.json.pageToken}`);
    assert.equal(page2.json.rows[0].f[0].v, 'b');
    assert.equal(page2.json.pageToken, undefined);

    const bad = await api('POST', `${P}/queries`, { body: { query: 'SELECT nope FROM bx_dataset.events', useLegacySql: false } });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.errors[0].reason, 'invalidQuery');

    const ddl = await runQuery('CREATE TABLE bx_dataset.made (id INT64 NOT NULL, ts TIMESTAMP, payload JSON) OPTIONS (description = "x")');
    assert.equal(ddl.status.errorResult, undefined, JSON.stringify(ddl.status));
    const t = await api('GET', `${P}/datasets/bx_dataset/tables/made`);
    assert.deepEqual(t.json.schema.fields, [
      { name: 'id', type: 'INTEGER', mode: 'REQUIRED' }, { name: 'ts', type: 'TIMESTAMP', mode: 'NULLABLE' }, { name: 'payload', type: 'JSON', mode: 'NULLABLE' },
    ]);
    const drop = await runQuery('DROP TABLE IF EXISTS `bx-test.bx_dataset.made`');
    assert.equal(drop.status.errorResult, undefined);
    assert.equal((await api('GET', `${P}/datasets/bx_dataset/tables/made`)).status, 404);
  });
});

// ---------------------------------------------------------------- faults

describe('fault injection', () => {
  beforeEach(resetFake);

  it('returns an injected error once, then the real response', async () => {
    await control('POST', '/faults', { method: 'POST', path_regex: '/jobs$', status: 503 });
    let r = await api('POST', `${P}/jobs`, { body: { configuration: { query: { query: 'SELECT 1', useLegacySql: false } } } });
    assert.equal(r.status, 503);
    assert.equal(r.json.error.errors[0].reason, 'backendError');
    assert.equal(r.json.error.status, 'UNAVAILABLE');
    r = await api('POST', `${P}/jobs`, { body: { configuration: { query: { query: 'SELECT 1', useLegacySql: false } } } });
    assert.equal(r.status, 200);

    await control('POST', '/faults', { path_regex: '/tables/', status: 403, reason: 'rateLimitExceeded', times: 2 });
    for (let i = 0; i < 2; i++) {
      r = await api('GET', `${P}/datasets/bx_dataset/tables/x`);
      assert.equal(r.status, 403);
      assert.equal(r.json.error.errors[0].reason, 'rateLimitExceeded');
      assert.equal(r.json.error.errors[0].domain, 'usageLimits');
    }
    assert.equal((await api('GET', `${P}/datasets/bx_dataset/tables/x`)).status, 404);

    await control('POST', '/faults', { path_regex: '^/token$', status: 500, reason: 'internalError' });
    assert.equal((await grant(makeJwt(fake.key))).status, 500);
    assert.equal((await grant(makeJwt(fake.key))).status, 200);

    await control('POST', '/faults', { path_regex: '/datasets/', delay_ms: 300 });
    const t0 = Date.now();
    assert.equal((await api('GET', `${P}/datasets/bx_dataset`)).status, 200);
    assert.ok(Date.now() - t0 >= 290);
    assert.equal((await control('GET', '/stats')).json.faults_fired, 5);
  });

  it('after_action: the load happens, the response is an error; the retry gets 409 and nothing is loaded twice', async () => {
    await createTable('events', EVENTS);
    await control('POST', '/faults', { upload_type: 'multipart', status: 500, after_action: true });
    const data = ndjson([{ uuid: 'a', timestamp: '2024-01-15 10:00:00' }]);
    let r = await uploadMultipart(loadJob('events', {}, 'lost_response'), data);
    assert.equal(r.status, 500);
    assert.equal(await count('events'), 1, 'the server acted');
    r = await uploadMultipart(loadJob('events', {}, 'lost_response'), data);
    assert.equal(r.status, 409);
    const g = await api('GET', `${P}/jobs/lost_response?location=US`);
    assert.equal(g.json.status.state, 'DONE');
    assert.equal(await count('events'), 1);
  });

  it('drop_connection before and after the action', async () => {
    await createTable('events', EVENTS);
    const data = ndjson([{ uuid: 'a', timestamp: '2024-01-15 10:00:00' }]);
    await control('POST', '/faults', { upload_type: 'multipart', drop_connection: true });
    await assert.rejects(uploadMultipart(loadJob('events', {}, 'dropped_before'), data));
    assert.equal(await count('events'), 0);
    assert.equal((await api('GET', `${P}/jobs/dropped_before`)).status, 404);

    await control('POST', '/faults', { upload_type: 'multipart', drop_connection: true, after_action: true });
    await assert.rejects(uploadMultipart(loadJob('events', {}, 'dropped_after'), data));
    assert.equal(await count('events'), 1);
    assert.equal((await api('GET', `${P}/jobs/dropped_after`)).json.status.state, 'DONE');
  });

  it('resumable: the final chunk lands but its response is lost; a status query returns the job', async () => {
    await createTable('events', EVENTS);
    const data = Buffer.from(ndjson([{ uuid: 'a', timestamp: '2024-01-15 10:00:00' }]));
    const s = await api('POST', `${UP}/jobs?uploadType=resumable`, { body: loadJob('events', {}, 'resumable_lost') });
    const session = s.headers.get('location');
    await control('POST', '/faults', { method: 'PUT', resumable_phase: 'final', drop_connection: true, after_action: true });
    await assert.rejects(fetch(session, { method: 'PUT', headers: { 'content-range': `bytes 0-${data.length - 1}/${data.length}` }, body: data }));
    const q = await fetch(session, { method: 'PUT', headers: { 'content-range': 'bytes */*' }, body: Buffer.alloc(0), redirect: 'manual' });
    assert.equal(q.status, 200);
    assert.equal((await q.json()).jobReference.jobId, 'resumable_lost');
    assert.equal(await count('events'), 1);
  });

  it('job-level fault: the job ends DONE with errorResult backendError and loads nothing', async () => {
    await createTable('events', EVENTS);
    await control('POST', '/job_faults', { job_type: 'LOAD', reason: 'backendError' });
    const data = ndjson([{ uuid: 'a', timestamp: '2024-01-15 10:00:00' }]);
    let r = await uploadMultipart(loadJob('events', {}, 'job_fault_1'), data);
    assert.equal(r.status, 200);
    assert.equal(r.json.status.state, 'DONE');
    assert.equal(r.json.status.errorResult.reason, 'backendError');
    assert.equal(await count('events'), 0);
    r = await uploadMultipart(loadJob('events', {}, 'job_fault_2'), data);
    assert.equal(r.json.status.errorResult, undefined);
    assert.equal(await count('events'), 1);
  });
});

// ---------------------------------------------------------------- robustness & control API

describe('robustness and control API', () => {
  beforeEach(resetFake);

  it('answers bad input with Google-shaped 400s and keeps running', async () => {
    let r = await api('POST', `${P}/jobs`, { body: '{"configuration": ', headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.errors[0].reason, 'invalid');
    r = await api('POST', `${P}/jobs`, { body: '['.repeat(5000) + ']'.repeat(5000), headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 400);
    r = await api('POST', `${P}/jobs`, { body: { configuration: {} } });
    assert.equal(r.status, 400);
    assert.match(r.json.error.message, /exactly one job-specific configuration/);
    r = await api('POST', `${P}/jobs`, { body: Buffer.alloc(11 * 1024 * 1024, 0x20), headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 413);
    r = await api('GET', '/nothing/here');
    assert.equal(r.status, 404);
    r = await api('PUT', `${UP}/jobs?uploadType=resumable&upload_id=nope`, { body: 'x' });
    assert.equal(r.status, 404);
    assert.equal((await control('GET', '/health')).status, 200);
  });

  it('logs requests without the Authorization header and reports CPU time', async () => {
    await control('DELETE', '/requests');
    await api('GET', `${P}/datasets/bx_dataset`);
    const r = await control('GET', '/requests');
    const e = r.json.requests.find((x) => x.path === `${P}/datasets/bx_dataset`);
    assert.ok(e);
    assert.equal(e.status, 200);
    assert.equal(e.headers.authorization, undefined);
    assert.equal(typeof e.cpu_ms, 'number');
    const log = fs.readFileSync(path.join(fake.dir, 'requests.log'), 'utf8');
    assert.match(log, /GET \/bigquery\/v2\/projects\/bx-test\/datasets\/bx_dataset 200 cpu_ms=[\d.]+/);
  });

  it('creates datasets through the control API', async () => {
    assert.equal((await api('GET', `${P}/datasets/second`)).status, 404);
    assert.equal((await control('POST', '/datasets', { project: 'bx-test', dataset: 'second' })).status, 200);
    assert.equal((await api('GET', `${P}/datasets/second`)).status, 200);
    await control('POST', '/reset');
    assert.equal((await api('GET', `${P}/datasets/second`)).status, 404);
  });
});

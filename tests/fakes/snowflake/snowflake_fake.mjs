#!/usr/bin/env node
// Snowflake SQL API v2 protocol fake for the Snowflake destination's tests: checks what a client
// sends (key-pair JWT, headers, requestId, body) the way Snowflake does and runs the statements on
// an in-memory DuckDB. See README.md.
//
//   node tests/fakes/snowflake/snowflake_fake.mjs --dir DIR [--port N] [--s3-endpoint URL]
//        [--account BX_TEST] [--user BX_USER] [--database BX_DB] [--schema BX_SCHEMA]
//        [--warehouse BX_WH] [--role BX_ROLE] [--timezone America/Los_Angeles]
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DuckDBInstance } from '@duckdb/node-api';
import { newKeyPair, Users } from './lib/auth.mjs';
import { Catalog } from './lib/catalog.mjs';
import { DEFAULT_SETTINGS } from './lib/control.mjs';
import { Faults } from './lib/faults.mjs';
import { createServer } from './lib/http.mjs';
import { duckSchema, qi } from './lib/names.mjs';
import { RequestLog } from './lib/request_log.mjs';
import { Statements } from './lib/statements.mjs';

class Mutex {
  constructor() { this.tail = Promise.resolve(); }
  acquire() {
    let release;
    const next = new Promise((r) => { release = r; });
    const prev = this.tail;
    this.tail = prev.then(() => next);
    return prev.then(() => release);
  }
}

function parseArgs(argv) {
  const opts = {
    dir: null, port: 0, s3Endpoint: null, account: 'BX_TEST', user: 'BX_USER', database: 'BX_DB',
    schema: 'BX_SCHEMA', warehouse: 'BX_WH', role: 'BX_ROLE', timezone: 'America/Los_Angeles',
  };
  const names = { '--dir': 'dir', '--port': 'port', '--s3-endpoint': 's3Endpoint', '--account': 'account', '--user': 'user',
    '--database': 'database', '--schema': 'schema', '--warehouse': 'warehouse', '--role': 'role', '--timezone': 'timezone' };
  for (let i = 2; i < argv.length; i++) {
    const k = names[argv[i]];
    if (!k || i + 1 >= argv.length) throw new Error(`usage: snowflake_fake.mjs --dir DIR [--port N] [--s3-endpoint URL] [--account A] [--user U] ... (bad argument ${argv[i]})`);
    opts[k] = argv[++i];
  }
  if (!opts.dir) throw new Error('--dir DIR is required');
  opts.port = Number(opts.port || 0);
  for (const k of ['account', 'user']) opts[k] = opts[k].toUpperCase();
  return opts;
}

const MACROS = [
  // VARIANT → text the Snowflake way: a string variant loses its JSON quotes.
  `CREATE OR REPLACE MACRO sf_varchar(x) AS CASE WHEN json_type(to_json(x)) = 'VARCHAR' THEN to_json(x) ->> '$' ELSE CAST(x AS VARCHAR) END`,
];

export async function startFake(opts) {
  fs.mkdirSync(opts.dir, { recursive: true });
  const dir = path.resolve(opts.dir);
  const instance = await DuckDBInstance.create(':memory:');
  const adminConn = await instance.connect();
  const state = {
    config: { account: opts.account, user: opts.user, database: opts.database, schema: opts.schema, warehouse: opts.warehouse,
      role: opts.role, timezone: opts.timezone, s3Endpoint: opts.s3Endpoint ? opts.s3Endpoint.replace(/\/+$/, '') : null },
    settings: { ...DEFAULT_SETTINGS },
    instance, adminConn,
    databases: new Map([[opts.database, new Set([opts.schema, 'PUBLIC'])]]),
    warehouses: new Set([opts.warehouse]),
    roles: new Set([opts.role, 'PUBLIC']),
    tables: new Map(),
    loadMeta: new Map(),
    users: new Users(opts.account),
    faults: new Faults(),
    requestLog: new RequestLog(path.join(dir, 'requests.log')),
    lock: new Mutex(),
    tmpDir: path.join(dir, 'tmp'),
    stats: null,
  };
  const resetStats = () => {
    state.stats = { requests: 0, executions: 0, retriesServed: 0, withoutRequestId: 0, authFailures: 0, byRequestId: new Map(), copyFiles: [] };
  };
  resetStats();
  fs.mkdirSync(state.tmpDir, { recursive: true });
  for (const m of MACROS) await adminConn.run(m);
  const catalog = new Catalog(state);
  await catalog.createSchemas(adminConn);

  const keys = newKeyPair();
  const passphrase = randomBytes(12).toString('hex');
  fs.writeFileSync(path.join(dir, 'rsa_key.p8'), keys.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'rsa_key_encrypted.p8'),
    keys.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }), { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'passphrase'), passphrase, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'rsa_key.pub'), keys.publicKey.export({ type: 'spki', format: 'pem' }));
  const registerInitialUser = () => {
    state.users = new Users(opts.account);
    return state.users.addKey(opts.user, keys.publicKey, { role: opts.role });
  };
  const { fingerprint } = registerInitialUser();

  const fake = {
    state, catalog, statements: null,
    async reset() {
      fake.statements.reset();
      const release = await state.lock.acquire();
      try {
        for (const [db, schemas] of state.databases) {
          for (const s of schemas) await adminConn.run(`DROP SCHEMA IF EXISTS ${qi(duckSchema(db, s))} CASCADE`);
        }
        state.databases = new Map([[opts.database, new Set([opts.schema, 'PUBLIC'])]]);
        state.warehouses = new Set([opts.warehouse]);
        state.roles = new Set([opts.role, 'PUBLIC']);
        await catalog.createSchemas(adminConn);
        state.tables.clear();
        state.loadMeta.clear();
        state.faults.clear();
        state.requestLog.clear();
        state.settings = { ...DEFAULT_SETTINGS };
        state.config.timezone = opts.timezone;
        registerInitialUser();
        resetStats();
      } finally {
        release();
      }
    },
  };
  fake.statements = new Statements(state, catalog);
  const server = createServer(fake);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}`;
  fs.writeFileSync(path.join(dir, 'account.json'), `${JSON.stringify({
    account: opts.account, user: opts.user, database: opts.database, schema: opts.schema, warehouse: opts.warehouse,
    role: opts.role, url, public_key_fingerprint: fingerprint, private_key_path: path.join(dir, 'rsa_key.p8'),
    encrypted_private_key_path: path.join(dir, 'rsa_key_encrypted.p8'), passphrase_path: path.join(dir, 'passphrase'),
    s3_endpoint: state.config.s3Endpoint,
  }, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'url'), `${url}\n`);
  fs.writeFileSync(path.join(dir, 'pid'), `${process.pid}\n`);

  fake.url = url;
  fake.close = async () => {
    fake.statements.reset();
    await new Promise((r) => { server.close(r); server.closeAllConnections?.(); });
    await state.requestLog.close();
    try { adminConn.closeSync(); } catch { /* closed */ }
    fs.rmSync(state.tmpDir, { recursive: true, force: true });
  };
  return fake;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  let opts;
  try { opts = parseArgs(process.argv); } catch (e) { process.stderr.write(`${e.message}\n`); process.exit(2); }
  process.on('uncaughtException', (e) => process.stderr.write(`snowflake fake: uncaught ${e && e.stack || e}\n`));
  process.on('unhandledRejection', (e) => process.stderr.write(`snowflake fake: unhandled rejection ${e && e.stack || e}\n`));
  const fake = await startFake(opts);
  process.stdout.write(`snowflake fake listening on ${fake.url} (dir ${path.resolve(opts.dir)})\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const t = setTimeout(() => process.exit(0), 5000);
    t.unref();
    await fake.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

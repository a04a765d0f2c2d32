// Control API under /_fake/ (no authentication): faults, direct SQL on DuckDB, users, settings,
// request log, statistics, reset.
import { newKeyPair } from './auth.mjs';
import { duckSchema, qi } from './names.mjs';
import { controlValue } from './types.mjs';

export const DEFAULT_SETTINGS = {
  async_polls: 0, // 202 answers before a statement's result: the submit, then this many GET polls
  statement_delay_ms: 0, // simulated run time (cancellable, counts against the statement timeout)
  statement_delay_regex: null, // only statements matching this regex are delayed
  max_statement_bytes: 1048576, // statement text + bind values (Snowflake's 1 MB query text limit)
  max_body_bytes: 64 * 1048576,
  sync_wait_ms: 45000, // a synchronous request answers 202 after this long (Snowflake: 45 s)
  partition_rows: 0, // rows per result partition; 0 = a single partition
  jwt_clock_skew_s: 60,
  require_token_type_header: true,
  gzip_responses: true, // gzip responses when the client sends Accept-Encoding: gzip
};

const json = (status, body) => ({ status, body });

export async function handleControl(fake, method, path, body) {
  const { state } = fake;
  const route = `${method} ${path.replace(/\/+$/, '')}`;
  switch (route) {
    case 'POST /_fake/faults': return json(200, state.faults.add(body));
    case 'GET /_fake/faults': return json(200, state.faults.list);
    case 'DELETE /_fake/faults': state.faults.clear(); return json(200, { ok: true });
    case 'POST /_fake/sql': return json(200, await runSql(fake, body && body.sql));
    case 'POST /_fake/users': return json(200, addUser(fake, body || {}));
    case 'GET /_fake/users': return json(200, state.users.list());
    case 'GET /_fake/config': return json(200, configView(state));
    case 'POST /_fake/config': return json(200, setConfig(state, body || {}));
    case 'GET /_fake/requests': return json(200, state.requestLog.entries);
    case 'GET /_fake/stats': return json(200, statsView(state));
    case 'POST /_fake/schemas': return json(200, await addSchema(fake, body || {}));
    case 'POST /_fake/reset': await fake.reset(); return json(200, { ok: true });
    default: return json(404, { error: `no control route ${route}` });
  }
}

async function runSql(fake, sql) {
  if (typeof sql !== 'string' || !sql.trim()) throw new Error('body must be {"sql": "..."}');
  const release = await fake.state.lock.acquire();
  const conn = await fake.state.instance.connect();
  try {
    await conn.run(`SET TimeZone = 'UTC'`);
    const reader = await conn.runAndReadAll(sql);
    const types = reader.columnTypes();
    const raw = reader.getRows();
    const jsonRows = reader.getRowsJson();
    const rows = raw.map((r, i) => r.map((v, c) => controlValue(v, types[c], jsonRows[i][c])));
    return { columns: reader.columnNames(), types: types.map(String), rows, rowCount: rows.length };
  } finally {
    conn.closeSync();
    release();
  }
}

function addUser(fake, body) {
  const { state } = fake;
  const name = body.user || `BX_USER_${state.users.users.size + 1}`;
  if (!/^[A-Z0-9_$]+$/.test(name)) throw new Error('user names are upper case ([A-Z0-9_$])');
  let privatePem = null;
  let pub = body.public_key_pem;
  if (!pub) {
    const kp = newKeyPair();
    privatePem = kp.privateKey.export({ type: 'pkcs8', format: 'pem' });
    pub = kp.publicKey;
  }
  const { user, fingerprint } = state.users.addKey(name, pub, body.defaults || null);
  return { user: user.name, account: state.config.account, fingerprint, private_key_pem: privatePem,
    public_key_pem: user.keys.find((k) => k.fingerprint === fingerprint).pem };
}

function configView(state) {
  return {
    ...state.settings,
    account: state.config.account, s3_endpoint: state.config.s3Endpoint, timezone: state.config.timezone,
    databases: Object.fromEntries([...state.databases].map(([d, s]) => [d, [...s]])),
    warehouses: [...state.warehouses], roles: [...state.roles],
  };
}

function setConfig(state, body) {
  for (const [k, v] of Object.entries(body)) {
    if (k in DEFAULT_SETTINGS) state.settings[k] = v;
    else if (k === 's3_endpoint') state.config.s3Endpoint = v;
    else if (k === 'timezone') state.config.timezone = v;
    else if (k === 'warehouses') state.warehouses = new Set(v);
    else if (k === 'roles') state.roles = new Set(v);
    else throw new Error(`unknown setting ${k}`);
  }
  if (state.settings.statement_delay_regex) new RegExp(state.settings.statement_delay_regex);
  return configView(state);
}

async function addSchema(fake, body) {
  const { database, schema } = body;
  if (typeof database !== 'string' || typeof schema !== 'string') throw new Error('body must be {"database": "...", "schema": "..."}');
  const st = fake.state;
  if (!st.databases.has(database)) st.databases.set(database, new Set(['PUBLIC']));
  st.databases.get(database).add(schema);
  for (const s of st.databases.get(database)) await st.adminConn.run(`CREATE SCHEMA IF NOT EXISTS ${qi(duckSchema(database, s))}`);
  return configView(st);
}

function statsView(state) {
  const s = state.stats;
  const byRequestId = Object.fromEntries(s.byRequestId);
  const maxExec = Math.max(0, ...[...s.byRequestId.values()].map((r) => r.executions));
  const cpu = process.cpuUsage();
  return {
    fake_cpu_total_ms: (cpu.user + cpu.system) / 1000,
    requests: s.requests,
    executions: s.executions,
    retries_served: s.retriesServed,
    requests_without_request_id: s.withoutRequestId,
    max_executions_per_request_id: maxExec,
    by_request_id: byRequestId,
    copy_files: s.copyFiles,
    auth_failures: s.authFailures,
  };
}

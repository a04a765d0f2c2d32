// HTTP layer: routes /api/v2/statements (POST), /api/v2/statements/{handle} (GET) and
// /api/v2/statements/{handle}/cancel (POST), checks headers, query parameters and the body as
// the SQL API reference describes them (https://docs.snowflake.com/en/developer-guide/sql-api/reference),
// applies injected faults, and writes requests.log.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import zlib from 'node:zlib';
import { authenticate, AuthError } from './auth.mjs';
import { handleControl } from './control.mjs';
import { redact } from './request_log.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_JSON_DEPTH = 64;

class HttpError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const bad = (message) => new HttpError(400, '390400', message);

function jsonDepthOk(text) {
  let depth = 0;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inStr) {
      if (c === 92) i++;
      else if (c === 34) inStr = false;
      continue;
    }
    if (c === 34) inStr = true;
    else if (c === 123 || c === 91) { if (++depth > MAX_JSON_DEPTH) return false; } else if (c === 125 || c === 93) depth--;
  }
  return true;
}

function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    let src = req;
    const enc = String(req.headers['content-encoding'] || '').toLowerCase();
    if (enc === 'gzip' || enc === 'deflate') {
      src = req.pipe(enc === 'gzip' ? zlib.createGunzip() : zlib.createInflate());
      src.on('error', () => reject(bad(`request body is not valid ${enc}`)));
    } else if (enc && enc !== 'identity') {
      reject(new HttpError(415, '390415', `unsupported Content-Encoding ${enc}`));
      return;
    }
    src.on('data', (c) => {
      size += c.length;
      if (size > limit) {
        reject(new HttpError(413, '390413', `request body larger than ${limit} bytes`));
        src.destroy();
        return;
      }
      chunks.push(c);
    });
    src.on('end', () => resolve(Buffer.concat(chunks)));
    src.on('error', reject);
    req.on('aborted', () => reject(new Error('client aborted')));
  });
}

function boolParam(q, name) {
  const v = q.get(name);
  if (v === null) return undefined;
  const l = v.toLowerCase();
  if (l === 'true') return true;
  if (l === 'false') return false;
  throw bad(`query parameter ${name} must be true or false`);
}

function validateBody(body) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw bad('request body must be a JSON object');
  if (typeof body.statement !== 'string') throw bad('request body field "statement" is required and must be a string');
  if (body.timeout !== undefined && !(Number.isInteger(body.timeout) && body.timeout >= 0)) throw bad('"timeout" must be a non-negative integer');
  for (const f of ['database', 'schema', 'warehouse', 'role']) {
    if (body[f] !== undefined && typeof body[f] !== 'string') throw bad(`"${f}" must be a string`);
  }
  for (const f of ['bindings', 'parameters', 'resultSetMetaData']) {
    if (body[f] !== undefined && (body[f] === null || typeof body[f] !== 'object' || Array.isArray(body[f]))) throw bad(`"${f}" must be an object`);
  }
  if (body.resultSetMetaData && body.resultSetMetaData.format !== undefined && body.resultSetMetaData.format !== 'jsonv2') {
    throw bad('resultSetMetaData.format must be jsonv2');
  }
}

export function createServer(fake) {
  const { state } = fake;
  const server = http.createServer((req, res) => {
    handle(fake, req, res).catch((e) => {
      process.stderr.write(`snowflake fake: unhandled ${e && e.stack || e}\n`);
      if (!res.headersSent) send(req, res, 500, { code: '390500', message: 'Internal error in the fake.' }, {}, state);
    });
  });
  server.keepAliveTimeout = 30000;
  return server;
}

function send(req, res, status, body, headers, state) {
  if (res.writableEnded || res.destroyed) return;
  let payload = Buffer.from(body === null ? '' : JSON.stringify(body));
  const h = { 'Content-Type': 'application/json', ...headers };
  if (state.settings.gzip_responses && payload.length > 1024 && /\bgzip\b/.test(String(req.headers['accept-encoding'] || ''))) {
    payload = zlib.gzipSync(payload, { level: 1 });
    h['Content-Encoding'] = 'gzip';
  }
  h['Content-Length'] = payload.length;
  res.writeHead(status, h);
  res.end(payload);
}

async function handle(fake, req, res) {
  const { state } = fake;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const url = new URL(req.url, 'http://127.0.0.1');
  const path = url.pathname;
  const entry = {
    ts: new Date().toISOString(), method: req.method, path,
    requestId: url.searchParams.get('requestId'), retry: url.searchParams.get('retry'), async: url.searchParams.get('async'),
    status: null, kind: null, handle: null, requestIdStatus: null,
    user_agent: req.headers['user-agent'] || null, token_type: req.headers['x-snowflake-authorization-token-type'] || null,
    statement: null, binding_types: null, fault: null, auth_error: null, error: null, warnings: [],
  };
  let logged = false;
  const logLine = () => {
    if (logged) return;
    logged = true;
    const cpu = process.cpuUsage(cpu0);
    entry.wall_ms = Number(process.hrtime.bigint() - t0) / 1e6;
    entry.fake_cpu_ms = (cpu.user + cpu.system) / 1000;
    const total = process.cpuUsage();
    entry.fake_cpu_total_ms = (total.user + total.system) / 1000;
    if (!path.startsWith('/_fake/')) state.requestLog.write(entry);
  };
  // The log line is written before the response goes out, so a client that got its answer finds it.
  const finish = (status, body, headers = {}) => {
    entry.status = status;
    if (body && body.code && status >= 400) entry.error = { code: body.code, message: String(body.message || '').slice(0, 300) };
    logLine();
    send(req, res, status, body, headers, state);
  };

  if (path.startsWith('/_fake/')) {
    try {
      const raw = req.method === 'GET' ? Buffer.alloc(0) : await readBody(req, state.settings.max_body_bytes);
      const body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
      const r = await handleControl(fake, req.method, path, body);
      finish(r.status, r.body);
    } catch (e) {
      finish(400, { error: String(e && e.message || e) });
    }
    return;
  }

  if (!path.startsWith('/api/v2/')) { finish(404, { code: '390404', message: `Unknown endpoint ${path}` }); return; }
  state.stats.requests++;
  let fault = null;
  try {
    const m = /^\/api\/v2\/statements(?:\/([^/]+))?(\/cancel)?\/?$/.exec(path);
    if (!m) throw new HttpError(404, '390404', `Unknown endpoint ${path}`);
    const [, handleId, cancel] = m;
    const op = !handleId ? 'submit' : cancel ? 'cancel' : 'status';
    const method = op === 'status' ? 'GET' : 'POST';
    if (req.method !== method) throw new HttpError(405, '390405', `Method ${req.method} not allowed on ${path}`);

    let raw = Buffer.alloc(0);
    if (req.method === 'POST') raw = await readBody(req, state.settings.max_body_bytes);
    let body = null;
    let bodyError = null;
    if (op === 'submit') {
      const text = raw.toString('utf8');
      if (!jsonDepthOk(text)) bodyError = bad(`request body nests deeper than ${MAX_JSON_DEPTH} levels`);
      else {
        try { body = JSON.parse(text); } catch { bodyError = bad('request body is not valid JSON'); }
      }
      if (body && typeof body.statement === 'string') entry.statement = redact(body.statement);
      if (body && body.bindings && typeof body.bindings === 'object') {
        entry.binding_types = Object.values(body.bindings).map((b) => (b && b.type) || null);
      }
    }

    fault = state.faults.match(req.method, path, body && body.statement);
    if (fault) {
      entry.fault = { id: fault.id, status: fault.status, after_action: fault.after_action, drop_connection: fault.drop_connection, delay_ms: fault.delay_ms };
      if (fault.delay_ms) await new Promise((r) => setTimeout(r, fault.delay_ms));
      if (!fault.after_action) {
        if (fault.drop_connection) { entry.status = 'dropped'; logLine(); req.socket.destroy(); return; }
        if (fault.status !== null) {
          const r = state.faults.response(fault);
          finish(r.status, r.body, r.headers);
          return;
        }
      }
    }

    let user;
    try {
      const a = authenticate(req.headers, state.users, state.settings);
      user = a.user;
      entry.warnings.push(...a.warnings);
    } catch (e) {
      if (!(e instanceof AuthError)) throw e;
      entry.auth_error = e.reason;
      state.stats.authFailures++;
      finish(401, e.body());
      return;
    }
    if (!req.headers['user-agent']) entry.warnings.push('no User-Agent header (the SQL API reference marks it required)');
    const accept = req.headers.accept;
    if (accept !== undefined && !/(^|[,\s])(application\/json|application\/\*|\*\/\*)(\s*;[^,]*)?(\s*,|$)/i.test(accept)) {
      throw new HttpError(406, '390406', `Accept must allow application/json, got ${JSON.stringify(accept)}`);
    }
    if (req.method === 'POST' && op === 'submit') {
      const ct = req.headers['content-type'];
      if (ct !== undefined && !/^application\/json\s*(;|$)/i.test(ct)) throw new HttpError(415, '390415', `Unsupported Content-Type ${JSON.stringify(ct)}: the SQL API takes application/json`);
    }
    let requestId = url.searchParams.get('requestId');
    if (requestId !== null && !UUID.test(requestId)) throw bad(`requestId must be a UUID, got ${JSON.stringify(requestId)}`);
    if (requestId !== null) requestId = requestId.toLowerCase();

    let response;
    if (op === 'submit') {
      const retry = boolParam(url.searchParams, 'retry');
      const isAsync = boolParam(url.searchParams, 'async');
      const nullable = boolParam(url.searchParams, 'nullable');
      if (bodyError) throw bodyError;
      validateBody(body);
      if (requestId === null) {
        state.stats.withoutRequestId++;
        entry.warnings.push('no requestId: a retried request cannot be recognized');
        requestId = randomUUID();
      }
      response = await fake.statements.submit({ body, requestId, retry: !!retry, async: !!isAsync, nullable, user, log: entry });
      entry.kind = entry.kind || (fake.statements.jobs.get(entry.handle) || {}).kind || null;
    } else if (op === 'status') {
      if (url.searchParams.has('nullable')) throw bad('nullable cannot be given on GET');
      const p = url.searchParams.get('partition');
      if (p !== null && !/^\d+$/.test(p)) throw bad('partition must be a non-negative integer');
      entry.handle = handleId;
      entry.kind = (fake.statements.jobs.get(handleId) || {}).kind || null;
      response = fake.statements.get(handleId, { partition: p === null ? undefined : Number(p) });
    } else {
      entry.handle = handleId;
      entry.kind = (fake.statements.jobs.get(handleId) || {}).kind || null;
      response = fake.statements.cancel(handleId);
    }
    if (fault && fault.after_action) {
      if (fault.drop_connection) { entry.status = `dropped after ${response.status}`; logLine(); req.socket.destroy(); return; }
      const r = state.faults.response(fault);
      finish(r.status, r.body, r.headers);
      return;
    }
    finish(response.status, response.body, response.headers || {});
  } catch (e) {
    if (e instanceof HttpError) finish(e.status, { code: e.code, message: e.message });
    else if (String(e && e.message) === 'client aborted') { entry.status = 'client aborted'; } else {
      process.stderr.write(`snowflake fake: ${e && e.stack || e}\n`);
      finish(500, { code: '390500', message: `Internal error in the fake: ${e && e.message}` });
    }
  }
  logLine();
}

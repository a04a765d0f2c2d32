// Statement execution as the SQL API exposes it: POST /api/v2/statements submits a job that runs
// in its own session; the response is the result (200), the failure (422), "still running" (202,
// async=true, a run longer than the synchronous wait, or the configured number of polls), or a
// timeout (408). requestId + retry=true returns the earlier job instead of executing again; the
// same requestId without retry=true executes again (documented SQL API behaviour).
import { randomUUID } from 'node:crypto';
import { BindCursor, validateBindings } from './binds.mjs';
import { errors, failureBody, SnowflakeError } from './errors.mjs';
import { sig, splitStatements, tokenize } from './lexer.mjs';
import { multiOnly, Session, statementKind } from './session.mjs';
import { textColumn } from './types.mjs';

const RUNNING = { code: '333334', message: 'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.' };
const MAX_TIMEOUT_S = 604800;
const DEFAULT_TIMEOUT_S = 172800; // STATEMENT_TIMEOUT_IN_SECONDS default

const statusUrl = (job) => `/api/v2/statements/${job.handle}?requestId=${job.requestId}`;
const sleep = (ms, signal) => new Promise((resolve) => {
  const t = setTimeout(resolve, ms);
  if (signal) signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
});

export class Statements {
  constructor(state, catalog) {
    this.state = state;
    this.catalog = catalog;
    this.jobs = new Map(); // handle → job
    this.byRequestId = new Map(); // requestId → handle
  }

  reset() {
    for (const job of this.jobs.values()) if (job.running) this.cancelJob(job);
    this.jobs.clear();
    this.byRequestId.clear();
  }

  // Keeps the registry bounded: the oldest finished statements are forgotten first.
  evict(max = 20000) {
    if (this.jobs.size < max) return;
    for (const [h, j] of this.jobs) {
      if (this.jobs.size < max * 0.9) break;
      if (j.running) continue;
      this.jobs.delete(h);
      if (j.requestId && this.byRequestId.get(j.requestId) === h) this.byRequestId.delete(j.requestId);
    }
  }

  // Validates the body and context; returns { error } (HTTP-level) or starts a job.
  async submit({ body, requestId, retry, async: isAsync, nullable, user, log }) {
    const stats = this.state.stats;
    if (requestId && this.byRequestId.has(requestId) && retry) {
      const job = this.jobs.get(this.byRequestId.get(requestId));
      if (job) {
        stats.retriesServed++;
        bump(stats.byRequestId, requestId, 'retries_served');
        log.requestIdStatus = 'retry-served';
        log.handle = job.handle;
        if (job.statementText !== body.statement) log.warnings.push('retry=true with a different statement than the original request');
        return this.respond(job, true);
      }
    }
    if (requestId && this.byRequestId.has(requestId)) log.requestIdStatus = 're-executed (same requestId without retry=true)';
    else log.requestIdStatus = retry ? 'new (retry=true, unknown requestId)' : 'new';

    const job = {
      handle: randomUUID(), requestId, createdOn: Date.now(), statementText: body.statement, running: true,
      pollsLeft: this.state.settings.async_polls, nullable, kind: null, children: [], controller: new AbortController(),
    };
    this.evict();
    this.jobs.set(job.handle, job);
    if (requestId) this.byRequestId.set(requestId, job.handle);
    bump(stats.byRequestId, requestId, 'submits');
    log.handle = job.handle;
    job.done = this.run(job, body, user, log).catch((e) => this.finish(job, failure(job, errors.internal(String(e && e.stack || e)))));
    if (isAsync) return this.respond(job, false);
    await Promise.race([job.done, sleep(this.state.settings.sync_wait_ms, job.controller.signal)]);
    return this.respond(job, false);
  }

  async run(job, body, user, log) {
    const settings = this.state.settings;
    let statements;
    let binds;
    let context;
    try {
      const bytes = Buffer.byteLength(body.statement) + bindBytes(body.bindings);
      if (bytes > settings.max_statement_bytes) throw errors.statementTooLarge(bytes, settings.max_statement_bytes);
      statements = splitStatements(tokenize(body.statement)).map(sig);
      const bindings = validateBindings(body.bindings);
      binds = new BindCursor(bindings);
      const params = normalizeParams(body.parameters);
      const desired = params.MULTI_STATEMENT_COUNT === undefined ? 1 : Number(params.MULTI_STATEMENT_COUNT);
      if (!Number.isInteger(desired) || desired < 0) throw errors.syntax(`invalid value '${params.MULTI_STATEMENT_COUNT}' for parameter 'MULTI_STATEMENT_COUNT'`);
      if (statements.length === 0) throw errors.syntax('Empty SQL statement.');
      if (desired !== 0 && desired !== statements.length) throw errors.statementCount(statements.length, desired);
      job.multi = desired !== 1;
      job.kind = job.multi ? `MULTI(${statements.map((s) => statementKind(s)).join(',')})` : statementKind(statements[0]);
      log.kind = job.kind;
      if (!job.multi) {
        const only = multiOnly(statements[0]);
        if (only) throw errors.unsupported(`${only} in a single-statement request; the SQL API runs it only in a multi-statement request`);
      }
      context = this.context(body, params, user);
      const timeoutS = body.timeout === undefined ? DEFAULT_TIMEOUT_S : body.timeout === 0 ? MAX_TIMEOUT_S : body.timeout;
      job.timer = setTimeout(() => { job.timedOut = timeoutS; this.cancelJob(job); }, Math.min(timeoutS * 1000, 2 ** 31 - 1));
    } catch (e) {
      return this.finish(job, failure(job, e));
    }

    const delay = settings.statement_delay_ms && (!settings.statement_delay_regex || new RegExp(settings.statement_delay_regex, 'i').test(body.statement))
      ? settings.statement_delay_ms : 0;
    if (delay) await sleep(delay, job.controller.signal);
    if (job.canceled) return this.finish(job, this.abortOutcome(job));

    const release = await this.state.lock.acquire();
    let session = null;
    try {
      if (job.canceled) return this.finish(job, this.abortOutcome(job));
      // Executing multiple statements in one request requires a warehouse.
      if (job.multi && (!context.warehouse || !this.state.warehouses.has(context.warehouse))) throw errors.noWarehouse();
      session = await Session.open(this.state, this.catalog, context);
      session.sourceText = body.statement;
      job.session = session;
      bump(this.state.stats.byRequestId, job.requestId, 'executions');
      this.state.stats.executions++;
      if (!job.multi) {
        const res = await session.execute(statements[0], binds);
        await session.commit();
        bump(this.state.stats.byRequestId, job.requestId, 'statements');
        return this.finish(job, { http: 200, result: res });
      }
      for (const toks of statements) {
        const child = { handle: randomUUID(), requestId: job.requestId, createdOn: Date.now(), running: false, nullable: job.nullable, pollsLeft: 0, kind: statementKind(toks) };
        this.jobs.set(child.handle, child);
        job.children.push(child.handle);
        try {
          const res = await session.execute(toks, binds);
          bump(this.state.stats.byRequestId, job.requestId, 'statements');
          child.outcome = { http: 200, result: res };
        } catch (e) {
          child.outcome = failure(child, e);
          throw e;
        }
      }
      const result = { rowType: [textColumn('multiple statement execution')], data: [['Multiple statements executed successfully.']] };
      return this.finish(job, { http: 200, result, statementHandles: job.children });
    } catch (e) {
      return this.finish(job, this.abortOutcome(job) || failure(job, e, job.multi ? { statementHandles: job.children } : {}));
    } finally {
      if (session) await session.close();
      job.session = null;
      release();
    }
  }

  abortOutcome(job) {
    if (job.timedOut) {
      return { http: 408, body: { code: '000630', sqlState: '57014', message: `Statement reached its statement or warehouse timeout of ${job.timedOut} second(s) and was canceled.`, statementHandle: job.handle, statementStatusUrl: statusUrl(job) } };
    }
    if (job.canceled) return failure(job, errors.canceled());
    return null;
  }

  finish(job, outcome) {
    if (!job.running) return;
    job.running = false;
    job.outcome = outcome;
    clearTimeout(job.timer);
    job.controller.abort();
  }

  context(body, params, user) {
    const cfg = this.state.config;
    const d = user.defaults || {};
    const database = body.database !== undefined ? body.database : d.database || null;
    let schema = body.schema !== undefined ? body.schema : (body.database !== undefined ? 'PUBLIC' : d.schema || null);
    if (database !== null && !this.catalog.hasDatabase(database)) throw errors.contextObjectMissing();
    if (body.schema !== undefined && (database === null || !this.catalog.hasSchema(database, schema))) throw errors.contextObjectMissing();
    if (schema !== null && database !== null && !this.catalog.hasSchema(database, schema)) schema = null;
    const role = body.role !== undefined ? body.role : d.role || cfg.role;
    if (!this.state.roles.has(role)) throw errors.roleMissing(role);
    const warehouse = body.warehouse !== undefined ? body.warehouse : d.warehouse || null;
    return {
      account: cfg.account, user: user.name, database, schema, warehouse, role,
      timezone: params.TIMEZONE || cfg.timezone,
    };
  }

  get(handle, { partition }) {
    const job = this.jobs.get(handle);
    if (!job) return { status: 422, body: failureBody(errors.statementNotFound(handle), handle) };
    return this.respond(job, true, partition);
  }

  cancel(handle) {
    const job = this.jobs.get(handle);
    if (!job) return { status: 422, body: failureBody(errors.statementNotFound(handle), handle) };
    if (job.running) this.cancelJob(job);
    return { status: 200, body: { code: '000000', sqlState: '00000', message: 'successfully canceled', statementHandle: handle, statementStatusUrl: statusUrl(job) } };
  }

  cancelJob(job) {
    job.canceled = true;
    job.controller.abort();
    if (job.session) {
      try { job.session.conn.interrupt(); } catch { /* not running */ }
    }
  }

  // Response for a job: 202 while running (or while configured polls remain), else its outcome.
  respond(job, isPoll, partition) {
    if (job.pollsLeft > 0) {
      if (isPoll) job.pollsLeft--;
      return { status: 202, body: { ...RUNNING, statementHandle: job.handle, statementStatusUrl: statusUrl(job) } };
    }
    if (job.running) return { status: 202, body: { ...RUNNING, statementHandle: job.handle, statementStatusUrl: statusUrl(job) } };
    const o = job.outcome;
    if (o.http !== 200) return { status: o.http, body: o.body };
    return this.resultSet(job, o, partition);
  }

  resultSet(job, o, partition) {
    const rows = o.result.data;
    const per = this.state.settings.partition_rows > 0 ? this.state.settings.partition_rows : Math.max(rows.length, 1);
    const parts = [];
    for (let k = 0; k < Math.max(rows.length, 1); k += per) parts.push(rows.slice(k, k + per));
    const p = partition === undefined ? 0 : partition;
    if (!Number.isInteger(p) || p < 0 || p >= parts.length) {
      return { status: 422, body: failureBody(new SnowflakeError('391906', '22000', `Partition number ${partition} is out of range [0, ${parts.length - 1}].`), job.handle) };
    }
    const fix = (data) => (job.nullable === false ? data.map((r) => r.map((v) => (v === null ? 'null' : v))) : data);
    const headers = {};
    if (parts.length > 1) {
      const link = (n, rel) => `</api/v2/statements/${job.handle}?requestId=${job.requestId}&partition=${n}>;rel="${rel}"`;
      const links = [link(0, 'first')];
      if (p + 1 < parts.length) links.push(link(p + 1, 'next'));
      if (p > 0) links.push(link(p - 1, 'prev'));
      links.push(link(parts.length - 1, 'last'));
      headers.Link = links.join(',');
    }
    if (p > 0) return { status: 200, body: { data: fix(parts[p]) }, headers };
    const body = {
      resultSetMetaData: {
        numRows: rows.length,
        format: 'jsonv2',
        partitionInfo: parts.map((d) => ({ rowCount: d.length, uncompressedSize: Buffer.byteLength(JSON.stringify(d)) })),
        rowType: o.result.rowType,
        nullable: job.nullable !== false,
      },
      data: fix(parts[0]),
      code: '090001',
      statementStatusUrl: statusUrl(job),
      requestId: job.requestId,
      sqlState: '00000',
      statementHandle: job.handle,
      message: 'Statement executed successfully.',
      createdOn: job.createdOn,
    };
    if (o.statementHandles) body.statementHandles = o.statementHandles;
    if (o.result.stats) body.stats = o.result.stats;
    return { status: 200, body, headers };
  }
}

function failure(job, e, extra = {}) {
  const err = e instanceof SnowflakeError ? e : errors.internal(String(e && e.message || e));
  return { http: err.httpStatus || 422, body: failureBody(err, job.handle, { createdOn: job.createdOn, statementStatusUrl: statusUrl(job), ...extra }) };
}

function bump(map, key, field) {
  if (!key) return;
  const r = map.get(key) || { submits: 0, executions: 0, statements: 0, retries_served: 0 };
  r[field] = (r[field] || 0) + 1;
  map.set(key, r);
}

function bindBytes(bindings) {
  if (!bindings || typeof bindings !== 'object') return 0;
  let n = 0;
  for (const b of Object.values(bindings)) {
    if (!b) continue;
    const vals = Array.isArray(b.value) ? b.value : [b.value];
    for (const v of vals) if (typeof v === 'string') n += Buffer.byteLength(v);
  }
  return n;
}

function normalizeParams(p) {
  const out = {};
  if (!p) return out;
  for (const [k, v] of Object.entries(p)) out[k.toUpperCase()] = v;
  return out;
}

// HTTP server: routing, auth, request log, HTTP faults and the BigQuery REST handlers (control API: control.mjs).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import { Auth } from './auth.mjs';
import { Db, apiValue, qi, qtable } from './db.mjs';
import { ApiError, CODE_BY_REASON, JobError, UploadError, apiErrorResponse, errorResponse, textResponse } from './errors.mjs';
import { Faults, faultResponse } from './faults.mjs';
import { BodyTooLarge, MAX_JSON_BODY, parseJsonBody, readBody } from './http.mjs';
import { Jobs, JobFaults } from './jobs.mjs';
import { createTableSql } from './loads.mjs';
import { DUCK_TYPE, diffSchemas } from './schema.mjs';
import { Uploads } from './uploads.mjs';
import { control } from './control.mjs';
import { DEFAULT_DATASET, DEFAULT_PROJECT, newStats } from './defaults.mjs';
import { validateJobResource, validateQueryRequest, validateTableResource, validateTableId } from './validate.mjs';

const LOG_RING = 2000;
const DEFAULT_PAGE_ROWS = 100000;

/** Thrown by handlers to answer immediately with a ready response. */
class Reply extends Error {
  constructor(response) {
    super('reply');
    this.response = response;
  }
}

function redactQuery(search) {
  return search.replace(/([?&](?:access_token|key)=)[^&]*/gi, '$1REDACTED');
}

function loggedHeaders(h) {
  const out = {};
  for (const [k, v] of Object.entries(h)) if (k !== 'authorization' && k !== 'cookie') out[k] = v;
  return out;
}

function decode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new ApiError(400, 'invalid', `Invalid path segment "${s}"`);
  }
}

export class FakeServer {
  constructor({ dir, port = 0 }) {
    this.dir = dir;
    this.port = port;
    this.tmpDir = `${dir}/tmp`;
    this.config = { token_ttl_s: 3600, job_running_polls: 0 };
    this.stats = newStats();
    this.log = [];
    this.seq = 0;
    this.queryRequests = new Map(); // jobs.query requestId -> job
    this.faults = new Faults();
    this.jobFaults = new JobFaults();
    this.auth = new Auth();
    this.logFd = null;
  }

  async start() {
    await fsp.mkdir(this.tmpDir, { recursive: true });
    this.db = await Db.open({ threads: 2, defaultProject: DEFAULT_PROJECT });
    await this.db.createDataset(DEFAULT_PROJECT, DEFAULT_DATASET, 'US');
    this.logFd = fs.openSync(`${this.dir}/requests.log`, 'a');

    this.server = http.createServer((req, res) => {
      this.onRequest(req, res).catch((e) => {
        console.error('bigquery_fake: request handler failed:', e);
        if (!res.headersSent) { res.writeHead(500); res.end(); } else res.destroy();
      });
    });
    this.server.keepAliveTimeout = 65_000;
    this.server.headersTimeout = 70_000;
    this.server.requestTimeout = 0; // large resumable chunks may take long
    this.server.on('clientError', (err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    });
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = this.server.address().port;
    this.url = `http://127.0.0.1:${this.port}`;
    this.jobs = new Jobs({ db: this.db, stats: this.stats, tmpDir: this.tmpDir, config: this.config, baseUrl: this.url, jobFaults: this.jobFaults });
    this.uploads = new Uploads({ tmpDir: this.tmpDir, baseUrl: this.url, jobs: this.jobs, createJob: (a) => this.createUploadJob(a) });
    this.keyJson = this.auth.generateKey({ projectId: DEFAULT_PROJECT, clientEmail: `bx-fake@${DEFAULT_PROJECT}.iam.gserviceaccount.com`, tokenUri: `${this.url}/token` });
    await fsp.writeFile(`${this.dir}/key.json`, JSON.stringify(this.keyJson, null, 2) + '\n', { mode: 0o600 });
    await fsp.writeFile(`${this.dir}/url`, `${this.url}\n`);
    await fsp.writeFile(`${this.dir}/pid`, `${process.pid}\n`);
  }

  async stop() {
    await new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections?.();
    });
    const fd = this.logFd;
    this.logFd = null;
    fs.closeSync(fd);
    await fsp.rm(this.tmpDir, { recursive: true, force: true });
  }

  // ------------------------------------------------------------ request plumbing

  async onRequest(req, res) {
    const wall0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const url = new URL(req.url, 'http://127.0.0.1');
    const entry = {
      seq: ++this.seq, time: new Date().toISOString(), method: req.method, path: url.pathname, query: redactQuery(url.search),
      headers: loggedHeaders(req.headers), bytes_in: 0, status: null, bytes_out: 0,
    };
    const ctx = {
      req, res, url, entry, query: url.searchParams,
      readBody: async (limit) => {
        const b = await readBody(req, limit);
        entry.bytes_in += b.length;
        return b;
      },
    };
    const finish = (status) => {
      const cpu = process.cpuUsage(cpu0);
      entry.status = status;
      entry.cpu_ms = Math.round((cpu.user + cpu.system) / 100) / 10;
      entry.wall_ms = Math.round(Number(process.hrtime.bigint() - wall0) / 1e5) / 10;
      this.record(entry);
    };

    const isControl = url.pathname.startsWith('/_fake/');
    if (!isControl) this.stats.requests++;
    let fault = null;
    if (!isControl) {
      const uploadType = url.searchParams.get('uploadType');
      let phase = null;
      if (url.pathname.startsWith('/upload/') && uploadType === 'resumable') {
        phase = req.method === 'POST' ? 'start' : this.uploads.phaseOf(url.searchParams.get('upload_id'), req.headers['content-range']);
      }
      fault = this.faults.take({ method: req.method, path: url.pathname, uploadType, phase });
      if (fault) {
        entry.fault = fault.id;
        this.stats.faultsFired++;
        if (fault.delay_ms) await new Promise((r) => setTimeout(r, fault.delay_ms));
        if (!fault.after_action && fault.drop_connection) {
          req.socket.destroy();
          finish('dropped');
          return;
        }
        if (!fault.after_action && fault.status) {
          req.resume();
          this.send(ctx, faultResponse(fault), finish);
          return;
        }
      }
    }

    let response;
    try {
      response = isControl ? await control(this, ctx) : await this.route(ctx);
    } catch (e) {
      response = this.errorToResponse(e);
      if (e instanceof BodyTooLarge && e.closeConnection) response.headers = { ...response.headers, connection: 'close' };
    }
    if (fault && fault.after_action) {
      if (fault.drop_connection) {
        req.socket.destroy();
        finish('dropped');
        return;
      }
      if (fault.status) response = faultResponse(fault);
    }
    if (req.socket.destroyed) {
      finish('client-gone');
      return;
    }
    this.send(ctx, response, finish);
  }

  errorToResponse(e) {
    if (e instanceof Reply) return e.response;
    if (e instanceof ApiError) return apiErrorResponse(e);
    if (e instanceof UploadError) return textResponse(e.code, e.message);
    if (e instanceof BodyTooLarge) return errorResponse(413, 'invalid', e.message);
    if (e instanceof JobError) return errorResponse(CODE_BY_REASON[e.reason] || 400, e.reason, e.message, e.location ? { location: e.location } : {});
    console.error('bigquery_fake: internal error:', e);
    return errorResponse(500, 'internalError', `An internal error occurred in the BigQuery fake: ${e.message}`);
  }

  /** Writes the response; `logged(status)` runs just before the last byte goes out (so the log is never behind). */
  send(ctx, r, logged) {
    const { res, url } = ctx;
    const headers = { ...(r.headers || {}) };
    let body = r.body;
    if (body !== null && body !== undefined && typeof body === 'object' && !Buffer.isBuffer(body)) {
      const pretty = url.searchParams.get('prettyPrint') !== 'false';
      body = JSON.stringify(body, null, pretty ? 2 : undefined);
      headers['content-type'] = headers['content-type'] || 'application/json; charset=UTF-8';
    }
    if (body === null || body === undefined) body = '';
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(String(body));
    headers['content-length'] = String(buf.length);
    if (r.status === 308) res.statusMessage = 'Resume Incomplete';
    ctx.entry.bytes_out = buf.length;
    logged(r.status);
    res.writeHead(r.status, r.statusMessage || undefined, headers);
    res.end(ctx.req.method === 'HEAD' ? undefined : buf);
  }

  record(entry) {
    this.log.push(entry);
    if (this.log.length > LOG_RING) this.log.splice(0, this.log.length - LOG_RING);
    const extra = [entry.job_id && `job=${entry.job_id}`, entry.upload_id && `upload=${entry.upload_id}`, entry.fault && `fault=${entry.fault}`].filter(Boolean).join(' ');
    if (this.logFd !== null) fs.writeSync(this.logFd, `${entry.time} ${entry.method} ${entry.path}${entry.query} ${entry.status} cpu_ms=${entry.cpu_ms} wall_ms=${entry.wall_ms} in=${entry.bytes_in} out=${entry.bytes_out}${extra ? ` ${extra}` : ''}\n`);
  }

  // ------------------------------------------------------------ BigQuery API routing

  async route(ctx) {
    const { req, url } = ctx;
    const m = req.method;
    const p = url.pathname;
    let g;
    if (p === '/token' || p === '/oauth2/v4/token') {
      if (m !== 'POST') return textResponse(405, 'Method Not Allowed');
      const body = await ctx.readBody(MAX_JSON_BODY);
      return this.auth.grant(body.toString('utf8'), req.headers['content-type']);
    }
    if ((g = /^\/upload\/bigquery\/v2\/projects\/([^/]+)\/jobs$/.exec(p))) return this.uploadRoute(ctx, decode(g[1]));

    const base = /^\/bigquery\/v2\/projects\/([^/]+)(\/.*)?$/.exec(p);
    if (!base) return textResponse(404, `Not Found: ${p}`);
    const project = decode(base[1]);
    const rest = base[2] || '';
    const principal = this.principal(ctx);

    if (rest === '/datasets' && m === 'GET') return this.listDatasets(principal, project);
    if ((g = /^\/datasets\/([^/]+)$/.exec(rest)) && m === 'GET') return this.getDataset(principal, project, decode(g[1]));
    if ((g = /^\/datasets\/([^/]+)\/tables$/.exec(rest))) {
      const d = decode(g[1]);
      if (m === 'GET') return this.listTables(principal, project, d);
      if (m === 'POST') return this.insertTable(ctx, principal, project, d);
    }
    if ((g = /^\/datasets\/([^/]+)\/tables\/([^/]+)$/.exec(rest))) {
      const d = decode(g[1]), t = decode(g[2]);
      if (m === 'GET') return this.getTable(principal, project, d, t);
      if (m === 'PATCH' || m === 'PUT') return this.patchTable(ctx, principal, project, d, t);
      if (m === 'DELETE') return this.deleteTable(principal, project, d, t);
    }
    if (rest === '/jobs') {
      if (m === 'POST') return this.insertJob(ctx, principal, project);
      if (m === 'GET') return this.listJobs(ctx, principal, project);
    }
    if ((g = /^\/jobs\/([^/]+)$/.exec(rest)) && m === 'GET') return this.getJob(ctx, principal, project, decode(g[1]));
    if ((g = /^\/jobs\/([^/]+)\/cancel$/.exec(rest)) && m === 'POST') return this.cancelJob(ctx, principal, project, decode(g[1]));
    if ((g = /^\/queries\/([^/]+)$/.exec(rest)) && m === 'GET') return this.getQueryResults(ctx, principal, project, decode(g[1]));
    if (rest === '/queries' && m === 'POST') return this.query(ctx, principal, project);
    return textResponse(404, `Not Found: ${m} ${p}`);
  }

  principal(ctx, { optional = false } = {}) {
    if (optional && !ctx.req.headers.authorization) return null;
    const a = this.auth.authenticate(ctx.req.headers, ctx.req.method);
    if (a.response) throw new Reply(a.response);
    return a.principal;
  }

  checkProject(principal, project, permission) {
    if (project !== principal.projectId) {
      throw new ApiError(403, 'accessDenied', `Access Denied: Project ${project}: User does not have ${permission} permission in project ${project}.`);
    }
  }

  dataset(principal, project, d, permission = 'bigquery.datasets.get') {
    if (project !== principal.projectId) {
      throw new ApiError(403, 'accessDenied', `Access Denied: Dataset ${project}:${d}: Permission ${permission} denied on dataset ${project}:${d} (or it may not exist).`);
    }
    const ds = this.db.dataset(project, d);
    if (!ds) throw new ApiError(404, 'notFound', `Not found: Dataset ${project}:${d}`);
    return ds;
  }

  // ------------------------------------------------------------ datasets & tables

  datasetResource(ds) {
    return {
      kind: 'bigquery#dataset', etag: `"${ds.creationTime}"`, id: `${ds.projectId}:${ds.datasetId}`,
      selfLink: `${this.url}/bigquery/v2/projects/${ds.projectId}/datasets/${ds.datasetId}`,
      datasetReference: { datasetId: ds.datasetId, projectId: ds.projectId },
      creationTime: String(ds.creationTime), lastModifiedTime: String(ds.creationTime), location: ds.location, type: 'DEFAULT',
    };
  }

  listDatasets(principal, project) {
    this.checkProject(principal, project, 'bigquery.datasets.list');
    const datasets = [...this.db.datasets.values()].filter((d) => d.projectId === project).map((ds) => ({
      kind: 'bigquery#dataset', id: `${ds.projectId}:${ds.datasetId}`, datasetReference: { datasetId: ds.datasetId, projectId: ds.projectId }, location: ds.location,
    }));
    return { status: 200, body: { kind: 'bigquery#datasetList', etag: `"${datasets.length}"`, ...(datasets.length ? { datasets } : {}) } };
  }

  getDataset(principal, project, d) {
    return { status: 200, body: this.datasetResource(this.dataset(principal, project, d)) };
  }

  /** tables.get resource (caller holds the DB lock). */
  async tableResource(ds, t) {
    const { projectId: p, datasetId: d } = ds;
    const fields = await this.db.tableFields(p, d, t);
    if (fields === null) return null;
    const meta = this.db.meta(p, d, t);
    const numRows = await this.db.rowCount(p, d, t);
    return {
      kind: 'bigquery#table',
      etag: Buffer.from(`${p}.${d}.${t}:${meta.lastModifiedTime}`).toString('base64'),
      id: `${p}:${d}.${t}`,
      selfLink: `${this.url}/bigquery/v2/projects/${p}/datasets/${d}/tables/${t}`,
      tableReference: { projectId: p, datasetId: d, tableId: t },
      ...(meta.description ? { description: meta.description } : {}),
      schema: { fields },
      numBytes: '0', numLongTermBytes: '0', numRows: String(numRows),
      creationTime: String(meta.creationTime), lastModifiedTime: String(meta.lastModifiedTime),
      type: 'TABLE', location: ds.location,
    };
  }

  async getTable(principal, p, d, t) {
    const ds = this.dataset(principal, p, d, 'bigquery.tables.get');
    const r = await this.db.exclusive(() => this.tableResource(ds, t));
    if (!r) throw new ApiError(404, 'notFound', `Not found: Table ${p}:${d}.${t}`);
    return { status: 200, body: r };
  }

  async listTables(principal, p, d) {
    const ds = this.dataset(principal, p, d, 'bigquery.tables.list');
    const names = await this.db.exclusive(async () => {
      const r = await this.db.q(`SELECT table_name FROM duckdb_tables() WHERE database_name = '${p.replace(/'/g, "''")}' AND schema_name = '${d.replace(/'/g, "''")}' ORDER BY table_name`);
      return r.getRows().map((x) => x[0]);
    });
    const tables = names.map((t) => ({
      kind: 'bigquery#table', id: `${p}:${d}.${t}`, tableReference: { projectId: p, datasetId: d, tableId: t }, type: 'TABLE',
      creationTime: String(this.db.meta(p, d, t).creationTime),
    }));
    return { status: 200, body: { kind: 'bigquery#tableList', etag: `"${tables.length}"`, ...(tables.length ? { tables } : {}), totalItems: tables.length } };
  }

  async insertTable(ctx, principal, p, d) {
    const ds = this.dataset(principal, p, d, 'bigquery.tables.create');
    const body = parseJsonBody(await ctx.readBody(MAX_JSON_BODY));
    const fields = validateTableResource(body, { requireRef: true });
    const ref = body.tableReference;
    if (ref.projectId !== p || ref.datasetId !== d) {
      throw new ApiError(400, 'invalid', `The table reference ${ref.projectId}:${ref.datasetId}.${ref.tableId} does not match the request's dataset ${p}:${d}.`);
    }
    if (!fields) throw new ApiError(400, 'invalid', 'Tables without a schema are not supported by the BigQuery fake: give schema.fields.');
    const t = ref.tableId;
    const r = await this.db.exclusive(async () => {
      if (await this.db.tableExists(p, d, t)) throw new ApiError(409, 'duplicate', `Already Exists: Table ${p}:${d}.${t}`);
      await this.db.q(createTableSql(p, d, t, fields));
      this.db.forgetTable(p, d, t);
      const meta = this.db.meta(p, d, t);
      meta.description = body.description || undefined;
      for (const f of fields) if (f.description) meta.fieldDescriptions[f.name.toLowerCase()] = f.description;
      return this.tableResource(ds, t);
    });
    return { status: 200, body: r };
  }

  async patchTable(ctx, principal, p, d, t) {
    const ds = this.dataset(principal, p, d, 'bigquery.tables.update');
    validateTableId(t);
    const body = parseJsonBody(await ctx.readBody(MAX_JSON_BODY));
    const fields = validateTableResource(body, { requireRef: false });
    const ref = body.tableReference;
    if (ref && ((ref.projectId && ref.projectId !== p) || (ref.datasetId && ref.datasetId !== d) || (ref.tableId && ref.tableId !== t))) {
      throw new ApiError(400, 'invalid', 'The table reference in the body does not match the table in the request path.');
    }
    const r = await this.db.exclusive(async () => {
      const current = await this.db.tableFields(p, d, t);
      if (current === null) throw new ApiError(404, 'notFound', `Not found: Table ${p}:${d}.${t}`);
      const meta = this.db.meta(p, d, t);
      if (fields) {
        // Only additions (NULLABLE) and REQUIRED -> NULLABLE relaxations are allowed.
        const { add, relax } = diffSchemas(`${p}:${d}.${t}`, current, fields);
        const target = qtable(p, d, t);
        await this.db.q('BEGIN TRANSACTION');
        try {
          for (const n of relax) await this.db.q(`ALTER TABLE ${target} ALTER COLUMN ${qi(n)} DROP NOT NULL`);
          for (const f of add) await this.db.q(`ALTER TABLE ${target} ADD COLUMN ${qi(f.name)} ${DUCK_TYPE[f.type]}`);
          await this.db.q('COMMIT');
        } catch (e) {
          await this.db.q('ROLLBACK').catch(() => {});
          throw e;
        }
        for (const f of fields) if (f.description) meta.fieldDescriptions[f.name.toLowerCase()] = f.description;
      }
      if (body.description !== undefined) meta.description = body.description || undefined;
      meta.lastModifiedTime = Date.now();
      return this.tableResource(ds, t);
    });
    return { status: 200, body: r };
  }

  async deleteTable(principal, p, d, t) {
    this.dataset(principal, p, d, 'bigquery.tables.delete');
    await this.db.exclusive(async () => {
      if (!(await this.db.tableExists(p, d, t))) throw new ApiError(404, 'notFound', `Not found: Table ${p}:${d}.${t}`);
      await this.db.q(`DROP TABLE ${qtable(p, d, t)}`);
      this.db.forgetTable(p, d, t);
    });
    return { status: 204, body: null };
  }

  // ------------------------------------------------------------ jobs

  async insertJob(ctx, principal, project) {
    this.checkProject(principal, project, 'bigquery.jobs.create');
    const resource = parseJsonBody(await ctx.readBody(MAX_JSON_BODY));
    const { kind } = validateJobResource(resource, { pathProject: project, media: false });
    const job = await this.jobs.create({ principal, projectId: project, resource, kind, query: resource.configuration.query });
    ctx.entry.job_id = job.jobId;
    return { status: 200, body: this.jobs.resource(job) };
  }

  /** Creates the load job at the end of an upload; a duplicate id deletes the upload and answers 409. */
  async createUploadJob({ principal, projectId, resource, loadSchema, upload, entry, onJob }) {
    try {
      const job = await this.jobs.create({ principal, projectId, resource, kind: 'load', loadSchema, upload });
      entry.job_id = job.jobId;
      if (onJob) onJob(job);
      return { status: 200, body: this.jobs.resource(job) };
    } catch (e) {
      await fsp.rm(upload.path, { force: true }).catch(() => {});
      return this.errorToResponse(e);
    }
  }

  async uploadRoute(ctx, project) {
    const { req, query } = ctx;
    const uploadType = query.get('uploadType');
    if (req.method === 'PUT' && query.get('upload_id')) return this.uploads.put(ctx, project, query.get('upload_id'));
    if (req.method === 'DELETE' && query.get('upload_id')) return this.uploads.cancel(query.get('upload_id'));
    if (req.method !== 'POST') return textResponse(405, 'Method Not Allowed');
    if (!uploadType) throw new UploadError(400, 'Upload requests must include an uploadType URL parameter and a URL path beginning with /upload/');
    const principal = this.principal(ctx);
    this.checkProject(principal, project, 'bigquery.jobs.create');
    if (uploadType === 'multipart') return this.uploads.multipart(ctx, project, principal);
    if (uploadType === 'resumable') return this.uploads.start(ctx, project, principal);
    req.resume();
    if (uploadType === 'media') throw new ApiError(400, 'invalid', 'uploadType=media carries no job configuration; the BigQuery fake supports uploadType=multipart and uploadType=resumable.');
    throw new ApiError(400, 'invalid', `Invalid upload type: ${uploadType}`);
  }

  findJob(principal, project, jobId, location) {
    if (project !== principal.projectId) {
      throw new ApiError(403, 'accessDenied', `Access Denied: Job ${project}:${jobId}: User does not have bigquery.jobs.get permission for job ${project}:${jobId}.`);
    }
    const job = this.jobs.find(project, jobId, location);
    if (!job) throw this.jobs.notFound(project, jobId, location);
    return job;
  }

  async getJob(ctx, principal, project, jobId) {
    const job = this.findJob(principal, project, jobId, ctx.query.get('location'));
    ctx.entry.job_id = jobId;
    await this.jobs.poll(job);
    return { status: 200, body: this.jobs.resource(job) };
  }

  async cancelJob(ctx, principal, project, jobId) {
    const job = this.findJob(principal, project, jobId, ctx.query.get('location'));
    ctx.entry.job_id = jobId;
    this.jobs.cancel(job);
    return { status: 200, body: { kind: 'bigquery#jobCancelResponse', job: this.jobs.resource(job) } };
  }

  listJobs(ctx, principal, project) {
    this.checkProject(principal, project, 'bigquery.jobs.list');
    const parent = ctx.query.get('parentJobId');
    const states = ctx.query.getAll('stateFilter').map((s) => s.toUpperCase());
    const jobs = [...this.jobs.jobs.values()]
      .filter((j) => j.projectId === project && (!parent || j.parentJobId === parent) && (!states.length || states.includes(j.state)))
      .sort((a, b) => b.creationTime - a.creationTime)
      .map((j) => {
        const r = this.jobs.resource(j);
        return { id: r.id, kind: r.kind, jobReference: r.jobReference, state: j.state, ...(r.status.errorResult ? { errorResult: r.status.errorResult } : {}), statistics: r.statistics, configuration: r.configuration, status: r.status, user_email: r.user_email, principal_subject: r.principal_subject };
      });
    return { status: 200, body: { kind: 'bigquery#jobList', etag: `"${jobs.length}"`, jobs } };
  }

  /** Rows of a finished query job in the REST shape: {schema, rows:[{f:[{v}]}], totalRows, pageToken?}. */
  resultPage(job, q) {
    const r = job.result || {};
    const rows = r.rows || [];
    const fields = r.schema || [];
    let start = 0;
    if (q.get('startIndex')) start = Number(q.get('startIndex'));
    else if (q.get('pageToken')) start = Number(Buffer.from(q.get('pageToken'), 'base64url').toString()) || 0;
    const max = q.get('maxResults') ? Math.max(0, Number(q.get('maxResults'))) : DEFAULT_PAGE_ROWS;
    const int64Timestamp = q.get('formatOptions.useInt64Timestamp') === 'true';
    const page = rows.slice(start, start + max).map((row) => ({ f: row.map((v, i) => ({ v: apiValue(fields[i], v, { int64Timestamp }) })) }));
    const out = {
      ...(r.schema ? { schema: { fields } } : {}),
      totalRows: String(rows.length),
      ...(page.length ? { rows: page } : {}),
    };
    if (start + max < rows.length) out.pageToken = Buffer.from(String(start + max)).toString('base64url');
    if (r.numDmlAffectedRows !== undefined) out.numDmlAffectedRows = r.numDmlAffectedRows;
    if (r.dmlStats) out.dmlStats = r.dmlStats;
    return out;
  }

  jobErrorResponse(job) {
    const e = job.errorResult;
    const code = CODE_BY_REASON[e.reason] && CODE_BY_REASON[e.reason] >= 400 ? CODE_BY_REASON[e.reason] : 400;
    const resp = errorResponse(code, e.reason, e.message, e.location ? { location: e.location } : {});
    resp.body.error.errors = job.errors.map((x) => ({ domain: 'global', ...x }));
    return resp;
  }

  async getQueryResults(ctx, principal, project, jobId) {
    const job = this.findJob(principal, project, jobId, ctx.query.get('location'));
    ctx.entry.job_id = jobId;
    if (job.kind !== 'query') throw new ApiError(400, 'invalid', `Job ${project}:${job.location}.${jobId} is not a query job.`);
    await this.jobs.poll(job);
    const head = { kind: 'bigquery#getQueryResultsResponse', etag: this.jobs.resource(job).etag, jobReference: this.jobs.resource(job).jobReference };
    if (job.state !== 'DONE') return { status: 200, body: { ...head, jobComplete: false } };
    if (job.errorResult) return this.jobErrorResponse(job);
    return { status: 200, body: { ...head, ...this.resultPage(job, ctx.query), totalBytesProcessed: '0', jobComplete: true, cacheHit: false } };
  }

  async query(ctx, principal, project) {
    this.checkProject(principal, project, 'bigquery.jobs.create');
    const body = parseJsonBody(await ctx.readBody(MAX_JSON_BODY));
    validateQueryRequest(body);
    let job = body.requestId ? this.queryRequests.get(`${project}/${body.requestId}`) : null;
    if (!job) {
      const resource = {
        jobReference: { projectId: project, ...(body.location ? { location: body.location } : {}) },
        configuration: {
          query: {
            query: body.query, useLegacySql: false,
            ...(body.defaultDataset ? { defaultDataset: body.defaultDataset } : {}),
            ...(body.queryParameters ? { queryParameters: body.queryParameters } : {}),
            ...(body.parameterMode ? { parameterMode: body.parameterMode } : {}),
          },
        },
      };
      job = await this.jobs.create({ principal, projectId: project, resource, kind: 'query', query: resource.configuration.query });
      if (body.requestId) this.queryRequests.set(`${project}/${body.requestId}`, job);
    }
    ctx.entry.job_id = job.jobId;
    const jobReference = { projectId: job.projectId, jobId: job.jobId, location: job.location };
    if (job.state !== 'DONE') return { status: 200, body: { kind: 'bigquery#queryResponse', jobReference, jobComplete: false } };
    if (job.errorResult) return this.jobErrorResponse(job);
    const q = new URLSearchParams();
    if (body.maxResults !== undefined) q.set('maxResults', String(body.maxResults));
    if (body.formatOptions && body.formatOptions.useInt64Timestamp) q.set('formatOptions.useInt64Timestamp', 'true');
    return {
      status: 200,
      body: { kind: 'bigquery#queryResponse', jobReference, ...this.resultPage(job, q), totalBytesProcessed: '0', jobComplete: true, cacheHit: false },
    };
  }

}

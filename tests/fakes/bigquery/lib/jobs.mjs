// Job registry: creation (with the duplicate-id rule), PENDING/RUNNING/DONE progression, Job resources.
// https://cloud.google.com/bigquery/docs/reference/rest/v2/Job
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import { ApiError, JobError } from './errors.mjs';
import { runLoad } from './loads.mjs';
import { runQuery } from './queries.mjs';

export class Jobs {
  constructor({ db, stats, tmpDir, config, baseUrl, jobFaults }) {
    this.db = db;
    this.stats = stats;
    this.tmpDir = tmpDir;
    this.config = config;
    this.baseUrl = baseUrl;
    this.jobFaults = jobFaults;
    this.jobs = new Map(); // "project:LOCATION.jobId" -> job
  }

  key(projectId, location, jobId) {
    return `${projectId}:${location.toUpperCase()}.${jobId}`;
  }

  reset() {
    for (const job of this.jobs.values()) if (job.upload) fsp.rm(job.upload.path, { force: true }).catch(() => {});
    this.jobs.clear();
  }

  /** jobs.get lookup: without location, only jobs in the US/EU multi-regions are found (as documented). */
  find(projectId, jobId, location) {
    if (location) return this.jobs.get(this.key(projectId, location, jobId)) || null;
    return this.jobs.get(this.key(projectId, 'US', jobId)) || this.jobs.get(this.key(projectId, 'EU', jobId)) || null;
  }

  notFound(projectId, jobId, location) {
    return new ApiError(404, 'notFound', `Not found: Job ${projectId}:${(location || 'US').toUpperCase()}.${jobId}`);
  }

  /**
   * Registers a job (jobs.insert / jobs.query / end of an upload). `kind` is 'load' or 'query'.
   * Throws ApiError(409 duplicate) when the id exists: then nothing runs.
   */
  async create({ principal, projectId, resource, kind, loadSchema, upload, query }) {
    const ref = resource.jobReference || {};
    const jobId = ref.jobId || `job_${crypto.randomBytes(18).toString('base64url').replace(/-/g, '_')}`;
    const upper = (ref.location || 'US').toUpperCase();
    const location = upper === 'US' || upper === 'EU' ? upper : ref.location; // multi-regions are upper-case
    const key = this.key(projectId, location, jobId);
    if (this.jobs.has(key)) {
      this.stats.duplicates++;
      throw new ApiError(409, 'duplicate', `Already Exists: Job ${projectId}:${location.toUpperCase()}.${jobId}`);
    }
    const configuration = JSON.parse(JSON.stringify(resource.configuration || {}));
    configuration.jobType = kind === 'load' ? 'LOAD' : 'QUERY';
    const now = Date.now();
    const job = {
      projectId, jobId, location, kind, configuration, loadSchema, upload, query,
      userEmail: principal.email, principalProject: principal.projectId,
      state: 'PENDING', creationTime: now, startTime: null, endTime: null,
      errorResult: null, errors: [], statistics: {}, result: null, childIds: [], parentJobId: null,
      pollsLeft: Math.max(0, Number(this.config.job_running_polls) || 0),
      fault: this.jobFaults.take(kind, jobId),
      running: null,
    };
    this.jobs.set(key, job);
    if (kind === 'load') this.stats.loadJobsCreated++;
    if (job.pollsLeft === 0) await this.execute(job);
    return job;
  }

  /** One status poll (jobs.get / getQueryResults): a new job is PENDING, RUNNING for `job_running_polls` polls, then runs and is DONE. */
  async poll(job) {
    if (job.state === 'DONE') return job;
    if (job.pollsLeft > 0) {
      job.pollsLeft--;
      job.state = 'RUNNING';
      job.startTime = job.startTime || Date.now();
      return job;
    }
    await this.execute(job);
    return job;
  }

  execute(job) {
    if (!job.running) job.running = this._execute(job);
    return job.running;
  }

  async _execute(job) {
    job.state = 'RUNNING';
    job.startTime = job.startTime || Date.now();
    try {
      if (job.fault) throw new JobError(job.fault.reason, job.fault.message);
      if (job.kind === 'load') {
        const r = await runLoad({ db: this.db, job, tmpDir: this.tmpDir, stats: this.stats });
        job.statistics.load = r.statistics;
        job.errors = r.warnings; // rows skipped under maxBadRecords
      } else {
        const q = job.query;
        const r = await runQuery({
          db: this.db, job, principalProject: job.principalProject, stats: this.stats,
          queryText: q.query, defaultDataset: q.defaultDataset, queryParameters: q.queryParameters, parameterMode: q.parameterMode,
        });
        job.result = r;
        job.statistics.query = {
          totalBytesProcessed: '0', totalBytesBilled: '0', cacheHit: false, statementType: r.statementType,
          ...(r.numDmlAffectedRows !== undefined ? { numDmlAffectedRows: r.numDmlAffectedRows } : {}),
          ...(r.dmlStats ? { dmlStats: r.dmlStats } : {}),
          ...(r.schema ? { schema: { fields: r.schema } } : {}),
          ...(r.referencedTables.length ? { referencedTables: r.referencedTables } : {}),
        };
        if (r.children.length) {
          job.statistics.numChildJobs = String(r.children.length);
          r.children.forEach((c, i) => this.addChild(job, c, i));
        }
      }
    } catch (e) {
      if (!(e instanceof JobError)) {
        console.error(`bigquery_fake: job ${job.jobId} crashed:`, e);
        e = new JobError('internalError', `An internal error occurred in the BigQuery fake: ${e.message}`);
      }
      job.errorResult = e.toErrorProto();
      job.errors = [e.toErrorProto(), ...e.details];
      if (job.kind === 'load') this.stats.failedLoads++;
      else this.stats.failedQueries++;
    } finally {
      if (job.upload) await fsp.rm(job.upload.path, { force: true }).catch(() => {});
      job.state = 'DONE';
      job.endTime = Date.now();
    }
  }

  addChild(parent, c, i) {
    const jobId = `script_job_${crypto.createHash('sha1').update(parent.jobId).digest('hex').slice(0, 32)}_${i}`;
    const child = {
      projectId: parent.projectId, jobId, location: parent.location, kind: 'query',
      configuration: { query: { query: '(statement of a script)', useLegacySql: false }, jobType: 'QUERY' },
      userEmail: parent.userEmail, state: 'DONE', creationTime: parent.creationTime, startTime: parent.startTime, endTime: Date.now(),
      errorResult: null, errors: [], result: null, childIds: [], parentJobId: parent.jobId,
      statistics: {
        parentJobId: parent.jobId,
        query: {
          statementType: c.statementType, totalBytesProcessed: '0',
          ...(c.numDmlAffectedRows !== undefined ? { numDmlAffectedRows: c.numDmlAffectedRows } : {}),
          ...(c.dmlStats ? { dmlStats: c.dmlStats } : {}),
        },
      },
    };
    this.jobs.set(this.key(child.projectId, child.location, jobId), child);
    parent.childIds.push(jobId);
  }

  cancel(job) {
    if (job.state !== 'DONE') {
      job.fault = { reason: 'stopped', message: 'Job execution was cancelled: User requested cancellation' };
      job.pollsLeft = 0;
    }
  }

  /** The Job resource as jobs.get returns it. */
  resource(job) {
    const stats = {
      creationTime: String(job.creationTime),
      ...(job.startTime ? { startTime: String(job.startTime) } : {}),
      ...(job.state === 'DONE' ? { endTime: String(job.endTime) } : {}),
      ...(job.kind === 'query' ? { totalBytesProcessed: '0' } : {}),
      ...(job.state === 'DONE' ? job.statistics : {}),
    };
    const status = { state: job.state };
    if (job.state === 'DONE' && job.errorResult) status.errorResult = job.errorResult;
    if (job.state === 'DONE' && job.errors && job.errors.length) status.errors = job.errors;
    return {
      kind: 'bigquery#job',
      etag: crypto.createHash('md5').update(`${job.jobId}/${job.state}/${job.endTime}`).digest('base64'),
      id: `${job.projectId}:${job.location}.${job.jobId}`,
      selfLink: `${this.baseUrl}/bigquery/v2/projects/${job.projectId}/jobs/${job.jobId}?location=${job.location}`,
      user_email: job.userEmail,
      configuration: job.configuration,
      jobReference: { projectId: job.projectId, jobId: job.jobId, location: job.location },
      statistics: stats,
      status,
      principal_subject: `serviceAccount:${job.userEmail}`,
      jobCreationReason: { code: 'REQUESTED' },
    };
  }
}

/** Job-level faults: a matching job ends DONE with status.errorResult {reason, message} and does nothing. */
export class JobFaults {
  constructor() {
    this.list = [];
    this.seq = 0;
  }

  add(spec) {
    if (!spec || typeof spec.reason !== 'string' || !spec.reason) throw new ApiError(400, 'invalid', 'job fault needs "reason"');
    const jobType = spec.job_type ? String(spec.job_type).toLowerCase() : null;
    if (jobType && jobType !== 'load' && jobType !== 'query') throw new ApiError(400, 'invalid', 'job_type must be LOAD or QUERY');
    let re = null;
    if (spec.job_id_regex) {
      try { re = new RegExp(spec.job_id_regex); } catch (e) { throw new ApiError(400, 'invalid', `bad job_id_regex: ${e.message}`); }
    }
    const f = {
      id: ++this.seq, job_type: jobType, job_id_regex: spec.job_id_regex || null, re, reason: spec.reason,
      message: spec.message || defaultJobMessage(spec.reason), times: spec.times === undefined ? 1 : Number(spec.times), fired: 0,
    };
    this.list.push(f);
    return f;
  }

  take(kind, jobId) {
    const f = this.list.find((x) => (x.times < 0 || x.fired < x.times) && (!x.job_type || x.job_type === kind) && (!x.re || x.re.test(jobId)));
    if (!f) return null;
    f.fired++;
    return { reason: f.reason, message: f.message };
  }

  view() {
    return this.list.map(({ re, ...rest }) => rest);
  }
}

function defaultJobMessage(reason) {
  return {
    backendError: 'Error encountered during execution. Retrying may solve the problem.',
    internalError: 'An internal error occurred and the request could not be completed. This is usually caused by a transient issue. Retrying the job with back-off as described in the BigQuery SLA should solve the problem: https://cloud.google.com/bigquery/sla. If the error continues to occur please contact support at https://cloud.google.com/support.',
    rateLimitExceeded: 'Exceeded rate limits: too many table update operations for this table. For more information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas',
    quotaExceeded: 'Quota exceeded: Your table exceeded quota for imports or query appends per table. For more information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas',
    resourcesExceeded: 'Resources exceeded during query execution.',
    timeout: 'Job execution was cancelled: Job timed out after 6 hours.',
  }[reason] || `Injected job failure (${reason})`;
}

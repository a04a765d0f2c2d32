// jobs.insert with media upload: uploadType=multipart and uploadType=resumable.
// https://cloud.google.com/bigquery/docs/reference/api-uploads
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError, UploadError } from './errors.mjs';
import { MAX_JSON_BODY, MAX_MULTIPART_BODY, parseContentRange, parseContentType, parseJsonBody, parseMultipart } from './http.mjs';
import { validateJobResource } from './validate.mjs';

export const CHUNK_GRANULARITY = 256 * 1024;
export const MAX_UPLOAD_BYTES = 5 * 1024 ** 3;

function isJsonContentType(header) {
  const { type, params } = parseContentType(header);
  return type === 'application/json' && (!params.charset || params.charset.toLowerCase() === 'utf-8');
}

/** "Range: bytes=0-N" for the bytes persisted so far (absent when nothing was received). */
function rangeHeaders(received) {
  return received > 0 ? { range: `bytes=0-${received - 1}` } : {};
}

function incomplete(received) {
  return { status: 308, statusMessage: 'Resume Incomplete', headers: { ...rangeHeaders(received), 'content-length': '0' }, body: null };
}

export class Uploads {
  /** createJob(principal, projectId, resource, loadSchema, upload, entry) -> response */
  constructor({ tmpDir, baseUrl, createJob, jobs }) {
    this.tmpDir = tmpDir;
    this.baseUrl = baseUrl;
    this.createJob = createJob;
    this.jobs = jobs;
    this.sessions = new Map();
    this.seq = 0;
  }

  reset() {
    for (const s of this.sessions.values()) if (!s.done) fsp.rm(s.path, { force: true }).catch(() => {});
    this.sessions.clear();
  }

  tmpPath(kind) {
    return `${this.tmpDir}/${kind}-${process.pid}-${++this.seq}-${crypto.randomBytes(4).toString('hex')}`;
  }

  /** POST /upload/bigquery/v2/projects/{p}/jobs?uploadType=multipart */
  async multipart(ctx, projectId, principal) {
    const { type, params } = parseContentType(ctx.req.headers['content-type']);
    if (type !== 'multipart/related') throw new UploadError(400, 'Bad content type. Please use multipart.');
    if (!params.boundary) throw new UploadError(400, 'Invalid multipart request: the Content-Type header has no boundary parameter.');
    const body = await ctx.readBody(MAX_MULTIPART_BODY);
    const parts = parseMultipart(body, params.boundary);
    if (parts.length !== 2) throw new UploadError(400, `Invalid multipart request with ${parts.length} mime parts.`);
    const [meta, media] = parts;
    if (!isJsonContentType(meta.headers['content-type'])) {
      throw new UploadError(400, `Invalid multipart request: the first part must be the JSON metadata with "Content-Type: application/json; charset=UTF-8", got "${meta.headers['content-type'] || '(none)'}".`);
    }
    const resource = parseJsonBody(meta.body);
    const { loadSchema } = validateJobResource(resource, { pathProject: projectId, media: true });
    let data = media.body;
    const cte = (media.headers['content-transfer-encoding'] || '').toLowerCase();
    if (cte === 'base64') data = Buffer.from(data.toString('latin1').replace(/\s+/g, ''), 'base64');
    else if (cte && cte !== 'binary' && cte !== '8bit' && cte !== '7bit') throw new UploadError(400, `Unsupported Content-Transfer-Encoding: ${cte}`);
    const path = this.tmpPath('multipart');
    await fsp.writeFile(path, data);
    return this.createJob({ principal, projectId, resource, loadSchema, upload: { path, bytes: data.length }, entry: ctx.entry });
  }

  /** POST /upload/bigquery/v2/projects/{p}/jobs?uploadType=resumable: opens a session. */
  async start(ctx, projectId, principal) {
    const ct = ctx.req.headers['content-type'];
    const body = await ctx.readBody(MAX_JSON_BODY);
    if (body.length === 0) throw new ApiError(400, 'invalid', 'Job configuration must contain exactly one job-specific configuration object (e.g., query, load, extract, spreadsheetExtract), but there were 0.');
    if (!isJsonContentType(ct)) throw new UploadError(400, `The metadata of a resumable upload must be sent as "Content-Type: application/json; charset=UTF-8", got "${ct || '(none)'}".`);
    const resource = parseJsonBody(body);
    const { loadSchema } = validateJobResource(resource, { pathProject: projectId, media: true });
    const ref = resource.jobReference || {};
    if (ref.jobId && this.jobs.find(projectId, ref.jobId, ref.location || 'US')) {
      this.jobs.stats.duplicates++;
      throw new ApiError(409, 'duplicate', `Already Exists: Job ${projectId}:${(ref.location || 'US').toUpperCase()}.${ref.jobId}`);
    }
    let declared = null;
    const xlen = ctx.req.headers['x-upload-content-length'];
    if (xlen !== undefined) {
      if (!/^\d+$/.test(xlen)) throw new UploadError(400, 'Invalid X-Upload-Content-Length header.');
      declared = Number(xlen);
      if (declared > MAX_UPLOAD_BYTES) throw new UploadError(413, `Upload of ${declared} bytes exceeds the fake's limit of ${MAX_UPLOAD_BYTES} bytes.`);
    }
    const id = crypto.randomBytes(24).toString('base64url');
    const session = {
      id, projectId, principal, resource, loadSchema, declared,
      mediaType: ctx.req.headers['x-upload-content-type'] || null,
      path: this.tmpPath('resumable'), received: 0, total: null, done: false, job: null, finalResponse: null,
      lock: Promise.resolve(),
    };
    await fsp.writeFile(session.path, Buffer.alloc(0));
    this.sessions.set(id, session);
    ctx.entry.upload_id = id;
    const location = `${this.baseUrl}/upload/bigquery/v2/projects/${encodeURIComponent(projectId)}/jobs?uploadType=resumable&upload_id=${id}`;
    return { status: 200, headers: { location, 'x-guploader-uploadid': id, 'content-length': '0' }, body: null };
  }

  session(id) {
    return this.sessions.get(id) || null;
  }

  /** Fault-matching phase of a PUT to a session URI: 'chunk' | 'final' | 'status'. */
  phaseOf(uploadId, contentRange) {
    const s = this.sessions.get(uploadId);
    if (contentRange === undefined) return 'final';
    try {
      const r = parseContentRange(contentRange);
      if (r.first === null) return r.total !== null && s && s.received === r.total ? 'final' : 'status';
      return r.total !== null && r.last === r.total - 1 ? 'final' : 'chunk';
    } catch {
      return 'chunk';
    }
  }

  /** PUT to the session URI: a chunk, the final chunk, or a status query. Serialized per session. */
  put(ctx, projectId, uploadId) {
    const s = this.sessions.get(uploadId);
    if (!s || s.projectId !== projectId) {
      ctx.req.resume();
      throw new UploadError(404, 'Not Found: unknown or expired upload session.');
    }
    ctx.entry.upload_id = uploadId;
    const run = s.lock.then(() => this._put(ctx, s));
    s.lock = run.catch(() => {});
    return run;
  }

  async _put(ctx, s) {
    const req = ctx.req;
    if (s.cancelled) {
      req.resume();
      throw new UploadError(404, 'Not Found: the upload session was cancelled.');
    }
    if (s.done) {
      await ctx.readBody(MAX_UPLOAD_BYTES).catch(() => {});
      if (s.job) {
        ctx.entry.job_id = s.job.jobId;
        return { status: 200, body: this.jobs.resource(s.job) };
      }
      return s.finalResponse;
    }
    const lenHeader = req.headers['content-length'];
    const bodyLen = lenHeader === undefined ? null : Number(lenHeader);
    let r;
    if (req.headers['content-range'] === undefined) {
      // No Content-Range: the body is the whole upload.
      if (s.received > 0) throw new UploadError(400, 'Missing Content-Range header: this session has already received data.');
      r = bodyLen === null ? { first: 0, last: null, total: null, whole: true } : bodyLen === 0 ? { first: null, last: null, total: 0 } : { first: 0, last: bodyLen - 1, total: bodyLen };
    } else {
      r = parseContentRange(req.headers['content-range']);
    }

    if (r.total !== null) {
      if (s.declared !== null && r.total !== s.declared) {
        req.resume();
        throw new UploadError(400, `Content-Range total ${r.total} does not match X-Upload-Content-Length ${s.declared}.`);
      }
      if (s.total !== null && r.total !== s.total) {
        req.resume();
        throw new UploadError(400, `Content-Range total ${r.total} does not match the earlier total ${s.total}.`);
      }
      if (r.total > MAX_UPLOAD_BYTES) {
        req.resume();
        throw new UploadError(413, `Upload of ${r.total} bytes exceeds the fake's limit of ${MAX_UPLOAD_BYTES} bytes.`);
      }
    }

    // Status query (or empty final request): "bytes */*" or "bytes */TOTAL" with an empty body.
    if (r.first === null) {
      const body = await ctx.readBody(MAX_JSON_BODY);
      if (body.length !== 0) throw new UploadError(400, 'A request with "Content-Range: bytes */..." must have an empty body.');
      if (r.total === null) return incomplete(s.received);
      if (r.total < s.received) throw new UploadError(400, `Content-Range total ${r.total} is less than the ${s.received} bytes already uploaded.`);
      s.total = r.total;
      if (r.total === s.received) return this.finalize(ctx, s);
      return incomplete(s.received);
    }

    if (r.first > s.received) {
      req.resume();
      throw new UploadError(400, `Invalid request.  According to the Content-Range header, the upload offset is ${r.first} byte(s), which exceeds already uploaded size of ${s.received} byte(s).`);
    }
    const expected = r.whole ? null : r.last - r.first + 1;
    const isFinal = r.whole || (r.total !== null && r.last === r.total - 1);
    if (!isFinal && expected % CHUNK_GRANULARITY !== 0) {
      req.resume();
      throw new UploadError(400, `Invalid request. The number of bytes uploaded is required to be a multiple of ${CHUNK_GRANULARITY} (256 KiB), except for the final request. The received request contained ${expected} bytes, which does not meet this requirement.`);
    }
    if (expected !== null && bodyLen !== null && bodyLen !== expected) {
      req.resume();
      throw new UploadError(400, `Content-Range says ${expected} bytes but Content-Length is ${bodyLen}.`);
    }
    if (r.first + (expected ?? 0) > MAX_UPLOAD_BYTES) {
      req.resume();
      throw new UploadError(413, `Upload exceeds the fake's limit of ${MAX_UPLOAD_BYTES} bytes.`);
    }

    const got = await this.receive(req, s.path, r.first, expected, ctx);
    if (expected !== null && got !== expected) {
      throw new UploadError(400, `Content-Range says ${expected} bytes but the body had ${got}.`);
    }
    s.received = Math.max(s.received, r.first + got);
    if (r.whole) s.total = s.received;
    else if (r.total !== null) s.total = r.total;
    if (s.total !== null && s.received === s.total) return this.finalize(ctx, s);
    return incomplete(s.received);
  }

  /** Streams the request body into the session file at `position`; returns the byte count. */
  async receive(req, path, position, expected, ctx) {
    let n = 0;
    const limit = expected === null ? MAX_UPLOAD_BYTES - position : expected;
    const counter = new Transform({
      transform(chunk, _enc, cb) {
        const room = limit - n;
        n += chunk.length;
        cb(null, room >= chunk.length ? chunk : room > 0 ? chunk.subarray(0, room) : Buffer.alloc(0));
      },
    });
    await pipeline(req, counter, fs.createWriteStream(path, { flags: 'r+', start: position }));
    ctx.entry.bytes_in += n;
    if (n > limit) throw new UploadError(expected === null ? 413 : 400, `The body has more bytes (${n}) than the Content-Range allows (${limit}).`);
    return n;
  }

  async finalize(ctx, s) {
    if (s.received === 0 && s.total !== 0) throw new UploadError(400, 'Cannot finalize an upload without data.');
    await fsp.truncate(s.path, s.received);
    const response = await this.createJob({
      principal: s.principal, projectId: s.projectId, resource: s.resource, loadSchema: s.loadSchema,
      upload: { path: s.path, bytes: s.received }, entry: ctx.entry,
      onJob: (job) => { s.job = job; },
    });
    s.done = true;
    s.finalResponse = response;
    return response;
  }

  /** DELETE on the session URI cancels it (Google answers 499). */
  cancel(uploadId) {
    const s = this.sessions.get(uploadId);
    if (!s) throw new UploadError(404, 'Not Found: unknown or expired upload session.');
    s.cancelled = true;
    if (!s.done) fsp.rm(s.path, { force: true }).catch(() => {});
    return { status: 499, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Client Closed Request' };
  }
}

// HTTP-level fault injection (control API POST /_fake/faults).
import { ApiError, CODE_BY_REASON, DEFAULT_MESSAGE_BY_REASON, DEFAULT_REASON_BY_CODE, errorBody } from './errors.mjs';

const PHASES = new Set(['start', 'chunk', 'final', 'status']);

export class Faults {
  constructor() {
    this.list = [];
    this.seq = 0;
  }

  add(spec) {
    if (!spec || typeof spec !== 'object') throw new ApiError(400, 'invalid', 'fault spec must be an object');
    let re = null;
    if (spec.path_regex !== undefined) {
      try { re = new RegExp(spec.path_regex); } catch (e) { throw new ApiError(400, 'invalid', `bad path_regex: ${e.message}`); }
    }
    let status = spec.status === undefined ? undefined : Number(spec.status);
    if (status === undefined && spec.reason) status = CODE_BY_REASON[spec.reason] || 500;
    if (status !== undefined && !(Number.isInteger(status) && status >= 200 && status <= 599)) throw new ApiError(400, 'invalid', 'status must be an HTTP status code');
    if (status === undefined && !spec.drop_connection && !spec.delay_ms) throw new ApiError(400, 'invalid', 'a fault needs status, drop_connection or delay_ms');
    if (spec.resumable_phase !== undefined && !PHASES.has(spec.resumable_phase)) throw new ApiError(400, 'invalid', `resumable_phase must be one of ${[...PHASES].join(', ')}`);
    const reason = spec.reason || (status ? DEFAULT_REASON_BY_CODE[status] || 'backendError' : undefined);
    const f = {
      id: ++this.seq,
      method: spec.method ? String(spec.method).toUpperCase() : null,
      path_regex: spec.path_regex ?? null,
      upload_type: spec.upload_type || null,
      resumable_phase: spec.resumable_phase || null,
      status: status ?? null,
      reason: reason || null,
      message: spec.message || (reason ? DEFAULT_MESSAGE_BY_REASON[reason] || `Injected fault (${reason})` : null),
      body: spec.body,
      headers: spec.headers || {},
      times: spec.times === undefined ? 1 : Number(spec.times),
      after_action: !!spec.after_action,
      drop_connection: !!spec.drop_connection,
      delay_ms: Number(spec.delay_ms) || 0,
      fired: 0,
      re,
    };
    this.list.push(f);
    return view(f);
  }

  clear() {
    this.list = [];
  }

  views() {
    return this.list.map(view);
  }

  /** Finds and consumes the first matching fault. `req` = {method, path, uploadType, phase}. */
  take(req) {
    const f = this.list.find((x) => (x.times < 0 || x.fired < x.times)
      && (!x.method || x.method === req.method)
      && (!x.re || x.re.test(req.path))
      && (!x.upload_type || x.upload_type === req.uploadType)
      && (!x.resumable_phase || x.resumable_phase === req.phase));
    if (!f) return null;
    f.fired++;
    return f;
  }
}

function view(f) {
  const { re, ...rest } = f;
  return rest;
}

/** The response a fault sends (when it has a status). */
export function faultResponse(f) {
  const headers = { ...f.headers };
  if (f.body !== undefined) {
    return { status: f.status, headers, body: typeof f.body === 'string' ? f.body : f.body };
  }
  if (f.status >= 200 && f.status < 300) return { status: f.status, headers, body: {} };
  return { status: f.status, headers, body: errorBody(f.status, f.reason, f.message) };
}

// Injected faults for /api/v2 requests. A fault matches by method, path and statement regexes and
// fires `times` times: it can delay the request, answer with a status (429, 503 + Retry-After,
// 401, 403, 422 ...) instead of acting, or act fully and then answer with the status or drop the
// connection (after_action: "the response was lost after the server acted").
import { randomUUID } from 'node:crypto';

const DEFAULT_BODIES = {
  400: { code: '390400', message: 'Bad request (injected fault).' },
  401: { code: '390144', message: 'JWT token is invalid. (injected fault)' },
  403: { code: '390403', message: 'Forbidden (injected fault).' },
  404: { code: '390404', message: 'Not found (injected fault).' },
  408: { code: '000630', sqlState: '57014', message: 'Statement reached its statement or warehouse timeout and was canceled. (injected fault)' },
  422: { code: '000603', sqlState: 'XX000', message: 'SQL execution internal error (injected fault).' },
  429: { code: '390429', message: 'Too many requests (injected fault).' },
  500: { code: '390500', message: 'Internal server error (injected fault).' },
  502: { code: '390502', message: 'Bad gateway (injected fault).' },
  503: { code: '390503', message: 'Service unavailable (injected fault).' },
  504: { code: '390504', message: 'Gateway timeout (injected fault).' },
};

export class Faults {
  constructor() {
    this.list = [];
  }

  add(spec) {
    if (!spec || typeof spec !== 'object') throw new Error('fault must be an object');
    const f = {
      id: randomUUID(),
      method: spec.method ? String(spec.method).toUpperCase() : null,
      path_regex: spec.path_regex || null,
      statement_regex: spec.statement_regex || null,
      status: spec.status === undefined ? null : Number(spec.status),
      body: spec.body === undefined ? null : spec.body,
      headers: spec.headers || {},
      retry_after: spec.retry_after === undefined ? null : spec.retry_after,
      times: spec.times === undefined ? 1 : Number(spec.times),
      after_action: !!spec.after_action,
      drop_connection: !!spec.drop_connection,
      delay_ms: Number(spec.delay_ms || 0),
      fired: 0,
    };
    for (const r of ['path_regex', 'statement_regex']) if (f[r]) new RegExp(f[r]);
    if (f.status !== null && !(f.status >= 100 && f.status <= 599)) throw new Error('status must be an HTTP status code');
    if (f.status === null && !f.drop_connection && !f.delay_ms) throw new Error('a fault needs status, drop_connection or delay_ms');
    if (!(f.times > 0)) throw new Error('times must be positive');
    this.list.push(f);
    return f;
  }

  match(method, path, statement) {
    for (const f of this.list) {
      if (f.fired >= f.times) continue;
      if (f.method && f.method !== method) continue;
      if (f.path_regex && !new RegExp(f.path_regex).test(path)) continue;
      if (f.statement_regex && !(typeof statement === 'string' && new RegExp(f.statement_regex, 'i').test(statement))) continue;
      f.fired++;
      return f;
    }
    return null;
  }

  response(f) {
    const headers = { ...f.headers };
    if (f.retry_after !== null) headers['Retry-After'] = String(f.retry_after);
    const body = f.body !== null ? f.body : DEFAULT_BODIES[f.status] || { code: String(f.status), message: 'Injected fault.' };
    return { status: f.status, body, headers };
  }

  clear() {
    this.list = [];
  }
}

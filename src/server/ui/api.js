// The REST API: the token, every call, and errors in plain words.

const TOKEN_KEY = 'batch-export-token';
const BASE = '/api/batch_exports';
const TYPES_PATH = '/api/batch_export_destination_types';

// --- the token: in sessionStorage for this tab's session, sent only in the Authorization header

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}
export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}
export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
  typesPromise = null;
}

let unauthorizedHandler = () => {};
// Called when the API answers 401 to a stored token (revoked, or the server's token changed).
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

// --- errors

// The API's error {"type", "detail", "attr"} (src/server/api_error.cc), or a network failure (status 0).
export class ApiError extends Error {
  constructor(status, type, detail, attr = null) {
    super(detail || type);
    this.status = status;
    this.type = type;
    this.detail = detail || '';
    this.attr = attr;
  }

  // The detail without the "<attr>: " the server puts in front of it.
  get fieldMessage() {
    const lead = this.attr ? `${this.attr}: ` : '';
    return lead && this.detail.startsWith(lead) ? this.detail.slice(lead.length) : this.detail;
  }
}

// What went wrong, for a person.
export function plainMessage(error) {
  if (!(error instanceof ApiError)) return `Something went wrong in this page: ${error?.message ?? error}`;
  switch (error.status) {
    case 0: return 'The server cannot be reached. Is batch-export serve running? Retrying…';
    case 401: return 'The API token was not accepted.';
    case 404: return `Not found: ${error.detail || 'it may have been deleted.'}`;
    case 409: return error.detail;
    case 413: return 'The request is too large for the server (over 1 MiB).';
    case 429: return 'The server is busy with other checks; try again in a moment.';
    default:
      if (error.status >= 500) return `The server failed (${error.type}): ${error.detail}`;
      return error.type && error.type !== 'InvalidArgument' ? `${error.type}: ${error.detail}` : error.detail;
  }
}

export function isAbort(error) {
  return error?.name === 'AbortError';
}

// --- calls

export async function call(method, path, { body, query, signal, token = getToken() } = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v);
  const headers = { Accept: 'application/json', Authorization: `Bearer ${token ?? ''}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(url, {
      method, headers, signal, cache: 'no-store', credentials: 'omit', redirect: 'error',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    if (isAbort(e)) throw e;
    throw new ApiError(0, 'ConnectionError', 'the server cannot be reached');
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // A proxy's HTML page, say: reported below by status.
  }
  if (!response.ok) {
    const error = new ApiError(response.status, json?.type ?? `HTTP ${response.status}`,
      json?.detail ?? (text.slice(0, 200) || response.statusText), json?.attr ?? null);
    if (response.status === 401 && token === getToken()) unauthorizedHandler(error);
    throw error;
  }
  return json;
}

// The cursor of a list's next/previous link. The links are absolute URLs built from the Host
// header with http:// (src/server/api_server.cc ToApiRequest), so only the cursor is taken.
export function cursorOf(link) {
  if (!link) return null;
  try {
    return new URL(link, location.origin).searchParams.get('cursor');
  } catch {
    return null;
  }
}

// A page {results, next, previous, count?} with the links reduced to cursors.
async function page(path, query, signal) {
  const json = await call('GET', path, { query, signal });
  return { ...json, next: cursorOf(json.next), previous: cursorOf(json.previous) };
}

const exportPath = (id, ...rest) => [BASE, encodeURIComponent(id), ...rest.map(encodeURIComponent)].join('/');

// Checks a token without storing it: resolves when the server accepts it.
export function checkToken(token) {
  return call('GET', BASE, { query: { limit: 1 }, token });
}

export const listExports = ({ cursor, limit = 50, signal } = {}) => page(BASE, { cursor, limit }, signal);
export const getExport = (id, { signal } = {}) => call('GET', exportPath(id), { signal });
export const createExport = (body) => call('POST', BASE, { body });
export const patchExport = (id, body) => call('PATCH', exportPath(id), { body });
export const deleteExport = (id) => call('DELETE', exportPath(id));
export const pauseExport = (id) => call('POST', exportPath(id, 'pause'));
export const unpauseExport = (id, backfill = false) =>
  call('POST', exportPath(id, 'unpause'), { body: backfill ? { backfill: true } : undefined });
// 200 {"status": "ok"}, or ApiError 422 with the destination's error type and message.
export const checkExport = (id) => call('POST', exportPath(id, 'check'));

export const listRuns = (id, { status, cursor, limit = 25, signal } = {}) =>
  page(exportPath(id, 'runs'), { status, cursor, limit }, signal);
export const getRun = (id, runId, { signal } = {}) => call('GET', exportPath(id, 'runs', runId), { signal });
export const retryRun = (id, runId) => call('POST', exportPath(id, 'runs', runId, 'retry'));
export const runLogs = (id, runId, { cursor, limit = 1000, signal } = {}) =>
  page(exportPath(id, 'runs', runId, 'logs'), { cursor, limit }, signal);

export const listBackfills = (id, { limit = 10, cursor, signal } = {}) =>
  page(exportPath(id, 'backfills'), { limit, cursor }, signal);
export const createBackfill = (id, startAt, endAt) =>
  call('POST', exportPath(id, 'backfills'), { body: { start_at: startAt, end_at: endAt } });
export const cancelBackfill = (id, backfillId) => call('POST', exportPath(id, 'backfills', backfillId, 'cancel'));

// The destination descriptions (GET /api/batch_export_destination_types): fetched once per sign-in.
let typesPromise = null;
export function destinationTypes() {
  if (!typesPromise) {
    typesPromise = call('GET', TYPES_PATH).then((json) => {
      const types = new Map();
      for (const t of json?.types ?? []) types.set(t.type, t);
      return types;
    });
    typesPromise.catch(() => { typesPromise = null; });
  }
  return typesPromise;
}

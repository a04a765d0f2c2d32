// Request-body helpers: bounded reading, JSON with a depth limit, multipart/related, Content-Range.
import { ApiError, UploadError } from './errors.mjs';

export const MAX_JSON_BODY = 10 * 1024 * 1024;
export const MAX_MULTIPART_BODY = 100 * 1024 * 1024;
export const MAX_JSON_DEPTH = 100;

export class BodyTooLarge extends Error {
  constructor(limit, closeConnection) {
    super(`Request body exceeds the fake's limit of ${limit} bytes`);
    this.limit = limit;
    this.closeConnection = closeConnection;
  }
}

const MAX_DRAIN = 256 * 1024 * 1024;

/**
 * Reads the whole body into a Buffer; rejects with BodyTooLarge past `limit`. An oversized body is still
 * read to its end (up to 256 MiB) so the client gets the 413 instead of a reset connection.
 */
export function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit && declared > MAX_DRAIN) {
      reject(new BodyTooLarge(limit, true));
      return;
    }
    const chunks = [];
    let size = 0;
    let done = false;
    req.on('data', (c) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
      else if (size > MAX_DRAIN && !done) { done = true; reject(new BodyTooLarge(limit, true)); }
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      if (size > limit) reject(new BodyTooLarge(limit, false));
      else resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (e) => { if (!done) { done = true; reject(e); } });
    req.on('aborted', () => { if (!done) { done = true; reject(new Error('request aborted')); } });
  });
}

/** Max nesting of objects/arrays, ignoring brackets inside strings. */
export function jsonDepth(text) {
  let depth = 0, max = 0, inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inStr) {
      if (c === 92) i++; // backslash
      else if (c === 34) inStr = false;
    } else if (c === 34) inStr = true;
    else if (c === 123 || c === 91) { if (++depth > max) max = depth; }
    else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/** Parses a JSON API body the way Google's front end reports problems (400 "Invalid JSON payload received"). */
export function parseJsonBody(buf, { allowEmpty = false } = {}) {
  const text = buf.toString('utf8');
  if (text.trim() === '') {
    if (allowEmpty) return {};
    throw new ApiError(400, 'invalid', 'Invalid JSON payload received. Unexpected end of string. Expected an object key or }.');
  }
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new ApiError(400, 'invalid', `Invalid JSON payload received. Nesting is deeper than the fake's limit of ${MAX_JSON_DEPTH}.`);
  }
  let v;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, 'invalid', `Invalid JSON payload received. ${e.message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new ApiError(400, 'invalid', 'Invalid JSON payload received. Expected an object at the top level.');
  }
  return v;
}

/** Splits a Content-Type header into lower-cased type and parameters. */
export function parseContentType(header) {
  if (!header) return { type: '', params: {} };
  const parts = header.split(';');
  const type = parts[0].trim().toLowerCase();
  const params = {};
  for (const p of parts.slice(1)) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const k = p.slice(0, eq).trim().toLowerCase();
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
    params[k] = v;
  }
  return { type, params };
}

function parsePartHeaders(text) {
  const headers = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new UploadError(400, `Malformed multipart body: bad part header line "${line.slice(0, 80)}".`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * Parses a multipart/related body (RFC 2046 / RFC 2387). Delimiters are "--boundary" at the start of a line;
 * a line ending is CRLF (bare LF tolerated). Returns [{headers, body}] in order.
 */
export function parseMultipart(buf, boundary) {
  const delim = Buffer.from(`--${boundary}`);
  const parts = [];
  // Find the first delimiter: at offset 0 or after a line break (anything before it is the preamble).
  let pos = -1;
  for (let from = 0; ;) {
    const i = buf.indexOf(delim, from);
    if (i < 0) break;
    if (i === 0 || buf[i - 1] === 0x0a) { pos = i; break; }
    from = i + 1;
  }
  if (pos < 0) throw new UploadError(400, 'Invalid multipart request with 0 mime parts.');
  for (;;) {
    let p = pos + delim.length;
    if (buf[p] === 0x2d && buf[p + 1] === 0x2d) { // "--": close delimiter
      return parts;
    }
    // Rest of the delimiter line: optional whitespace, then CRLF/LF.
    while (buf[p] === 0x20 || buf[p] === 0x09) p++;
    if (buf[p] === 0x0d && buf[p + 1] === 0x0a) p += 2;
    else if (buf[p] === 0x0a) p += 1;
    else if (p >= buf.length) break;
    else throw new UploadError(400, 'Malformed multipart body: a boundary delimiter must be followed by a line break.');
    // Next delimiter line: "\r\n--boundary" or "\n--boundary".
    let next = -1;
    for (let from = p; ;) {
      const i = buf.indexOf(delim, from);
      if (i < 0) break;
      if (i === p || buf[i - 1] === 0x0a) { next = i; break; }
      from = i + 1;
    }
    if (next < 0) break; // no closing delimiter
    let end = next;
    if (end > p && buf[end - 1] === 0x0a) end--;
    if (end > p && buf[end - 1] === 0x0d) end--;
    const part = buf.subarray(p, Math.max(p, end));
    // Headers end at the first empty line; a part may start with an empty line (no headers).
    let hdrEnd = -1, bodyStart = 0;
    if (part[0] === 0x0d && part[1] === 0x0a) { hdrEnd = 0; bodyStart = 2; }
    else if (part[0] === 0x0a) { hdrEnd = 0; bodyStart = 1; }
    else {
      const crlf = part.indexOf('\r\n\r\n');
      const lf = part.indexOf('\n\n');
      if (crlf >= 0 && (lf < 0 || crlf <= lf)) { hdrEnd = crlf; bodyStart = crlf + 4; }
      else if (lf >= 0) { hdrEnd = lf; bodyStart = lf + 2; }
    }
    if (hdrEnd < 0) {
      // Headers only, no blank line: an empty body is allowed only if the part is all headers.
      parts.push({ headers: parsePartHeaders(part.toString('latin1')), body: Buffer.alloc(0) });
    } else {
      parts.push({ headers: parsePartHeaders(part.subarray(0, hdrEnd).toString('latin1')), body: part.subarray(bodyStart) });
    }
    pos = next;
  }
  throw new UploadError(400, 'Missing end boundary in multipart body.');
}

/**
 * Content-Range of a resumable-upload PUT: "bytes a-b/total", "bytes a-b/*", "bytes * /total", "bytes * / *"
 * (without the spaces around "/"). Returns {first, last, total} with nulls for "*".
 */
export function parseContentRange(header) {
  const m = /^bytes (?:(\d+)-(\d+)|\*)\/(\d+|\*)$/.exec(header.trim());
  if (!m) throw new UploadError(400, 'Failed to parse Content-Range header.');
  const first = m[1] === undefined ? null : Number(m[1]);
  const last = m[2] === undefined ? null : Number(m[2]);
  const total = m[3] === '*' ? null : Number(m[3]);
  if (first !== null && last < first) throw new UploadError(400, 'Failed to parse Content-Range header.');
  if (total !== null && last !== null && last >= total) throw new UploadError(400, 'Failed to parse Content-Range header.');
  return { first, last, total };
}

// NEWLINE_DELIMITED_JSON load validation, following
// https://cloud.google.com/bigquery/docs/loading-data-cloud-storage-json (JSON types, TIMESTAMP formats,
// integers beyond 2^53 as strings, JSON columns take the raw JSON value).
//
// Each line is parsed and checked in JS. Rows that DuckDB can read unchanged (exact-case keys, values
// already in a form DuckDB casts with BigQuery's meaning) are passed through; the file is copied and
// rewritten only from the first row that needs normalizing or skipping (bad row under maxBadRecords).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { JobError } from './errors.mjs';
import { microsToIso } from './db.mjs';

const CANON = Symbol('canonical');

class RowError extends Error {}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const MIN_TS_MICROS = -62135596800000000; // 0001-01-01
const MAX_TS_MICROS = 253402300799999999; // 9999-12-31 23:59:59.999999

function show(v) {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function daysInMonth(y, m) {
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

function civilMicros(y, mo, d, h, mi, s, frac) {
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59 || y < 1) return null;
  const dt = new Date(0);
  dt.setUTCFullYear(y, mo - 1, d);
  dt.setUTCHours(h, mi, s, 0);
  return dt.getTime() * 1000 + Number((frac || '').padEnd(6, '0') || 0);
}

const TS_FAST = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(?:Z| UTC|[+-](\d{2}):(\d{2}))?$/;
const TS_FULL = /^\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?\s*(Z|UTC|[+-]\d{1,2}(?::?\d{2})?)?\s*$/i;

function tsError(f, v) {
  return new RowError(`Couldn't convert value to timestamp: Could not parse '${show(v)}' as a timestamp. Required format is YYYY-MM-DD HH:MM[:SS[.SSSSSS]] or YYYY/MM/DD HH:MM[:SS[.SSSSSS]] Field: ${f.name}; Value: ${show(v)}`);
}

function convTimestamp(f, v) {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw tsError(f, v);
    const micros = Math.round(v * 1e6);
    if (micros < MIN_TS_MICROS || micros > MAX_TS_MICROS) throw tsError(f, v);
    return microsToIso(BigInt(micros));
  }
  if (typeof v !== 'string') throw nonScalar(f, v) || tsError(f, v);
  const fast = TS_FAST.exec(v);
  if (fast && fast[1] !== '0001' && fast[1] !== '9999') {
    // Common case that DuckDB casts as is: only the ranges need checking.
    const y = +fast[1], mo = +fast[2];
    if (y >= 1 && mo >= 1 && mo <= 12 && +fast[3] >= 1 && +fast[3] <= daysInMonth(y, mo) && +fast[4] <= 23 && +fast[5] <= 59
      && +fast[6] <= 59 && (!fast[7] || (+fast[7] <= 14 && +fast[8] <= 59))) return CANON;
    throw tsError(f, v);
  }
  const m = TS_FULL.exec(v);
  if (!m) throw tsError(f, v);
  let micros = civilMicros(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] || 0), m[7]);
  if (micros === null) throw tsError(f, v);
  const tz = m[8];
  if (tz && tz.toUpperCase() !== 'Z' && tz.toUpperCase() !== 'UTC') {
    const om = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(tz);
    const off = (Number(om[2]) * 60 + Number(om[3] || 0));
    if (Number(om[2]) > 14 || Number(om[3] || 0) > 59) throw tsError(f, v);
    micros -= (om[1] === '+' ? 1 : -1) * off * 60_000_000;
  }
  if (micros < MIN_TS_MICROS || micros > MAX_TS_MICROS) throw tsError(f, v);
  return microsToIso(BigInt(micros));
}

function nonScalar(f, v) {
  if (Array.isArray(v)) return new RowError(`Array specified for non-repeated field: ${f.name}.`);
  if (v !== null && typeof v === 'object') return new RowError(`JSON object specified for non-record field: ${f.name}`);
  return null;
}

function convError(f, v, what) {
  return nonScalar(f, v) || new RowError(`Could not convert value '${show(v)}' to ${what}. Field: ${f.name}; Value: ${show(v)}`);
}

const DEC_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const CONVERTERS = {
  STRING(f, v) {
    if (typeof v === 'string') return CANON;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw nonScalar(f, v);
  },
  INTEGER(f, v) {
    if (typeof v === 'string') {
      if (!/^[+-]?\d+$/.test(v)) throw convError(f, v, 'integer');
      const b = BigInt(v);
      if (b > INT64_MAX || b < INT64_MIN) throw convError(f, v, 'integer');
      return CANON;
    }
    if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 2 ** 63) return CANON;
    throw convError(f, v, 'integer');
  },
  FLOAT(f, v) {
    if (typeof v === 'number') return CANON;
    if (typeof v === 'string' && (DEC_RE.test(v) || /^(NaN|[+-]?Infinity)$/.test(v))) return CANON;
    throw convError(f, v, 'double');
  },
  NUMERIC(f, v) {
    const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : null) : typeof v === 'string' ? v : null;
    if (s === null || !DEC_RE.test(s) || Math.abs(Number(s)) >= 1e29) throw convError(f, v, 'numeric');
    return typeof v === 'number' && /e/i.test(s) ? v.toFixed(9) : CANON;
  },
  BIGNUMERIC(f, v) {
    const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : null) : typeof v === 'string' ? v : null;
    if (s === null || !DEC_RE.test(s) || Math.abs(Number(s)) >= 1e20) throw convError(f, v, 'bignumeric (the fake keeps 20 integer digits)');
    return CANON;
  },
  BOOLEAN(f, v) {
    if (typeof v === 'boolean') return CANON;
    if (typeof v === 'string' && /^(true|false|1|0)$/i.test(v)) return CANON;
    throw convError(f, v, 'boolean');
  },
  TIMESTAMP: convTimestamp,
  DATE(f, v) {
    const m = typeof v === 'string' && /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v);
    if (!m || civilMicros(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, 0) === null) throw convError(f, v, 'date');
    return CANON;
  },
  DATETIME(f, v) {
    const m = typeof v === 'string' && /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/.exec(v);
    if (!m) throw convError(f, v, 'datetime');
    const micros = civilMicros(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] || 0), Number(m[5] || 0), Number(m[6] || 0), m[7]);
    if (micros === null) throw convError(f, v, 'datetime');
    return microsToIso(BigInt(micros)).slice(0, -1);
  },
  TIME(f, v) {
    const m = typeof v === 'string' && /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/.exec(v);
    if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] || 0) > 59) throw convError(f, v, 'time');
    return CANON;
  },
  BYTES(f, v) {
    if (typeof v === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0) return CANON;
    throw nonScalar(f, v) || new RowError(`Could not decode base64 string to bytes. Field: ${f.name}; Value: ${show(v)}`);
  },
  JSON() {
    return CANON; // a JSON column takes any JSON value as is (a string stays a JSON string)
  },
};

/** DuckDB read_json column type and the SELECT expression that gives the table column. */
export function readSpec(field) {
  const c = `"${field.name}"`;
  switch (field.type) {
    case 'JSON': return { readType: 'JSON', expr: c };
    case 'STRING': return { readType: 'VARCHAR', expr: c };
    case 'BYTES': return { readType: 'VARCHAR', expr: `from_base64(${c})` };
    case 'INTEGER': return { readType: 'VARCHAR', expr: `CAST(${c} AS BIGINT)` };
    case 'FLOAT': return { readType: 'VARCHAR', expr: `CAST(${c} AS DOUBLE)` };
    case 'NUMERIC': return { readType: 'VARCHAR', expr: `CAST(${c} AS DECIMAL(38,9))` };
    case 'BIGNUMERIC': return { readType: 'VARCHAR', expr: `CAST(${c} AS DECIMAL(38,18))` };
    case 'BOOLEAN': return { readType: 'VARCHAR', expr: `CAST(${c} AS BOOLEAN)` };
    case 'TIMESTAMP': return { readType: 'VARCHAR', expr: `CAST(${c} AS TIMESTAMPTZ)` };
    case 'DATE': return { readType: 'VARCHAR', expr: `CAST(${c} AS DATE)` };
    case 'DATETIME': return { readType: 'VARCHAR', expr: `CAST(${c} AS TIMESTAMP)` };
    case 'TIME': return { readType: 'VARCHAR', expr: `CAST(${c} AS TIME)` };
    default: throw new Error(`unsupported type ${field.type}`);
  }
}

const LOAD_PREFIX = 'Error while reading data, error message: ';

/**
 * Validates an NDJSON file against `fields`. Returns {path, rows, badRecords, errors} where `path` is the
 * file DuckDB should read (the source itself when nothing needed rewriting), or throws JobError.
 */
export async function validateNdjson({ srcPath, outPath, fields, ignoreUnknownValues, maxBadRecords }) {
  const byExact = new Map();
  const byLower = new Map();
  const required = [];
  for (const f of fields) {
    const info = { name: f.name, type: f.type, required: f.mode === 'REQUIRED', conv: CONVERTERS[f.type] };
    byExact.set(f.name, info);
    byLower.set(f.name.toLowerCase(), info);
    if (info.required) required.push(info);
  }

  let rows = 0, bad = 0, lineNo = 0;
  const errors = [];
  let out = null; // write stream once rewriting started
  let pending = [];
  let pendingLen = 0;

  async function flush() {
    if (!pending.length) return;
    const s = pending.join('');
    pending = [];
    pendingLen = 0;
    if (!out.write(s)) await new Promise((r) => out.once('drain', r));
  }
  async function emit(s) {
    pending.push(s);
    pendingLen += s.length;
    if (pendingLen > 1 << 20) await flush();
  }
  async function startRewrite(byteOffset) {
    // Everything before this row was passed through unchanged: copy it, then continue row by row.
    await fsp.copyFile(srcPath, outPath);
    await fsp.truncate(outPath, byteOffset);
    out = fs.createWriteStream(outPath, { flags: 'a' });
  }

  function checkRow(line, pos) {
    let obj;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      throw new RowError(`JSON parsing error in row starting at position ${pos}: ${e instanceof RangeError ? 'Nesting too deep' : 'Parser terminated before end of string'}`);
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      throw new RowError(`JSON parsing error in row starting at position ${pos}: Only JSON objects are accepted as rows`);
    }
    let rewrite = false, seenRequired = 0;
    for (const key in obj) {
      let f = byExact.get(key);
      if (!f) {
        f = byLower.get(key.toLowerCase());
        if (!f) {
          if (!ignoreUnknownValues) throw new RowError(`JSON parsing error in row starting at position ${pos}: No such field: ${key}.`);
          continue;
        }
        rewrite = true;
      }
      const v = obj[key];
      if (v === null) {
        if (f.required) throw new RowError(`JSON parsing error in row starting at position ${pos}: Only optional fields can be set to NULL. Field: ${f.name}; Value: NULL`);
        continue;
      }
      if (f.required) seenRequired++;
      let r;
      try {
        r = f.conv(f, v);
      } catch (e) {
        if (e instanceof RowError) throw new RowError(`JSON parsing error in row starting at position ${pos}: ${e.message}`);
        throw e;
      }
      if (r !== CANON) rewrite = true;
    }
    if (seenRequired < required.length) {
      const present = new Set(Object.keys(obj).filter((k) => obj[k] !== null).map((k) => k.toLowerCase()));
      const missing = required.find((f) => !present.has(f.name.toLowerCase()));
      throw new RowError(`JSON parsing error in row starting at position ${pos}: Missing required field: ${missing.name}.`);
    }
    return rewrite ? obj : null;
  }

  function normalizedLine(obj) {
    const o = {};
    for (const key in obj) {
      const f = byExact.get(key) || byLower.get(key.toLowerCase());
      if (!f || obj[key] === null) continue;
      const r = f.conv(f, obj[key]);
      o[f.name] = r === CANON ? obj[key] : r;
    }
    return JSON.stringify(o) + '\n';
  }

  async function handleLine(line, byteOffset) {
    lineNo++;
    if (line.trim() === '') {
      if (out) await emit('\n');
      return;
    }
    let rewritten = null, isBad = false;
    try {
      const obj = checkRow(line, byteOffset);
      if (obj) rewritten = normalizedLine(obj);
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      isBad = true;
      bad++;
      errors.push({ reason: 'invalid', location: `line ${lineNo}`, message: LOAD_PREFIX + e.message });
      if (bad > maxBadRecords) {
        throw new JobError('invalid', `${LOAD_PREFIX}JSON table encountered too many errors, giving up. Rows: ${lineNo}; errors: ${bad}. Please look into the errors[] collection for more details.`, {
          details: [
            { reason: 'invalid', message: `${LOAD_PREFIX}JSON processing encountered too many errors, giving up. Rows: ${lineNo}; errors: ${bad}; max bad: ${maxBadRecords}; error percent: 0` },
            ...errors.slice(0, 5),
          ],
        });
      }
    }
    if (!isBad) rows++;
    if ((isBad || rewritten) && !out) await startRewrite(byteOffset);
    if (out) {
      if (isBad) return;
      await emit(rewritten || `${line}\n`);
    }
  }

  const stream = fs.createReadStream(srcPath, { highWaterMark: 4 << 20 });
  let leftover = null;
  let base = 0; // byte offset of `leftover`/current buffer start in the file
  try {
    for await (const chunk of stream) {
      const buf = leftover ? Buffer.concat([leftover, chunk]) : chunk;
      const lastNl = buf.lastIndexOf(10);
      if (lastNl < 0) {
        if (buf.length > 100 * 1024 * 1024) throw new JobError('invalid', `${LOAD_PREFIX}Row larger than the maximum allowed size of 100 MB at line ${lineNo + 1}.`);
        leftover = buf;
        continue;
      }
      const text = buf.toString('utf8', 0, lastNl);
      const lines = text.split('\n');
      let byteIdx = 0;
      for (const line of lines) {
        await handleLine(line, base + byteIdx);
        byteIdx += Buffer.byteLength(line) + 1;
      }
      base += lastNl + 1;
      leftover = lastNl + 1 < buf.length ? Buffer.from(buf.subarray(lastNl + 1)) : null;
    }
    if (leftover && leftover.length) await handleLine(leftover.toString('utf8'), base);
    if (out) {
      await flush();
      await new Promise((resolve, reject) => out.end((e) => (e ? reject(e) : resolve())));
    }
  } finally {
    stream.destroy();
    if (out && !out.closed) out.destroy();
  }
  return { path: out ? outPath : srcPath, rows, badRecords: bad, errors };
}

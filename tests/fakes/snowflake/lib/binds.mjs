// Bind variables of the SQL API: "bindings": {"1": {"type": "TEXT", "value": "..."}, ...}, one
// per '?' in statement order (numbering continues across the statements of a request). Values
// are rendered as typed DuckDB literals after checking them like Snowflake does.
import { errors } from './errors.mjs';
import { sqlString } from './lexer.mjs';

const TYPES = ['FIXED', 'REAL', 'TEXT', 'BINARY', 'BOOLEAN', 'DATE', 'TIME', 'TIMESTAMP_LTZ', 'TIMESTAMP_NTZ', 'TIMESTAMP_TZ'];

export function validateBindings(bindings) {
  if (bindings === undefined || bindings === null) return {};
  if (typeof bindings !== 'object' || Array.isArray(bindings)) return null;
  for (const [k, b] of Object.entries(bindings)) {
    if (!/^[1-9][0-9]*$/.test(k) || !b || typeof b !== 'object') return null;
    if (typeof b.type !== 'string') return null;
    if (!TYPES.includes(b.type.toUpperCase())) throw errors.bindType(b.type);
    const ok = (v) => v === null || typeof v === 'string';
    if (!(ok(b.value) || (Array.isArray(b.value) && b.value.every(ok)))) return null;
  }
  return bindings;
}

export class BindCursor {
  constructor(bindings) {
    this.bindings = bindings || {};
    this.next = 1;
    this.row = null; // index into array-valued bindings (batch insert)
  }

  // Number of rows when any binding carries an array of values.
  arrayRows() {
    let n = null;
    for (const b of Object.values(this.bindings)) if (Array.isArray(b.value)) n = Math.max(n ?? 0, b.value.length);
    return n;
  }

  // Raw string value of the next binding (for IDENTIFIER(?)).
  takeRaw() {
    const b = this.bindings[String(this.next++)];
    if (!b) throw errors.bindNotSet();
    return Array.isArray(b.value) ? b.value[this.row ?? 0] : b.value;
  }

  take() {
    const b = this.bindings[String(this.next++)];
    if (!b) throw errors.bindNotSet();
    let v = b.value;
    if (Array.isArray(v)) v = v[this.row ?? 0] ?? null;
    return renderBind(b.type.toUpperCase(), v);
  }
}

const NUM = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function isoFromEpochNanos(s) {
  const n = BigInt(s);
  const micros = n / 1000n;
  const ms = Number(micros / 1000n);
  const sub = Number(((micros % 1000n) + 1000n) % 1000n);
  return new Date(ms).toISOString().slice(0, 23) + String(sub).padStart(3, '0');
}

export function renderBind(type, v) {
  if (v === null || v === undefined) return 'NULL';
  switch (type) {
    case 'TEXT': return sqlString(v);
    case 'FIXED': {
      if (!NUM.test(v.trim())) throw errors.numeric(v);
      const t = v.trim();
      if (/^[+-]?\d+$/.test(t)) return `CAST(${sqlString(t)} AS DECIMAL(38,0))`;
      const scale = Math.min(37, (t.split('.')[1] || '').replace(/[eE].*$/, '').length);
      return `CAST(${sqlString(t)} AS DECIMAL(38,${scale}))`;
    }
    case 'REAL':
      if (!NUM.test(v.trim()) && !/^(nan|inf|-inf|infinity|-infinity)$/i.test(v.trim())) throw errors.numeric(v);
      return `CAST(${sqlString(v.trim())} AS DOUBLE)`;
    case 'BOOLEAN': {
      const l = v.trim().toLowerCase();
      if (['true', 't', 'yes', 'y', 'on', '1'].includes(l)) return 'TRUE';
      if (['false', 'f', 'no', 'n', 'off', '0'].includes(l)) return 'FALSE';
      throw errors.boolean(v);
    }
    case 'DATE':
      if (/^-?\d+$/.test(v)) return `DATE ${sqlString(new Date(Number(v)).toISOString().slice(0, 10))}`;
      return `CAST(${sqlString(v)} AS DATE)`;
    case 'TIME': return `CAST(${sqlString(v)} AS TIME)`;
    case 'TIMESTAMP_NTZ':
      if (/^-?\d+$/.test(v)) return `TIMESTAMP ${sqlString(isoFromEpochNanos(v))}`;
      return `CAST(${sqlString(v)} AS TIMESTAMP)`;
    case 'TIMESTAMP_LTZ': case 'TIMESTAMP_TZ':
      if (/^-?\d+$/.test(v)) return `CAST(${sqlString(isoFromEpochNanos(v) + '+00')} AS TIMESTAMPTZ)`;
      return `CAST(${sqlString(v)} AS TIMESTAMPTZ)`;
    case 'BINARY':
      if (!/^([0-9a-fA-F]{2})*$/.test(v)) throw errors.numeric(v);
      return `from_hex(${sqlString(v)})`;
    default: throw errors.bindType(type);
  }
}

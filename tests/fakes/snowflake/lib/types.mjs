// Snowflake data types: parsing, mapping to DuckDB storage types, and the SQL API's result
// encoding (rowType entries and the string form of each value).
import { DuckDBTypeId } from '@duckdb/node-api';
import { errors } from './errors.mjs';
import { isOp } from './lexer.mjs';

const TEXT = ['VARCHAR', 'STRING', 'TEXT', 'CHAR', 'CHARACTER', 'NCHAR', 'NVARCHAR', 'NVARCHAR2', 'CHAR VARYING', 'CHARACTER VARYING', 'NCHAR VARYING'];
const INTS = ['INT', 'INTEGER', 'BIGINT', 'SMALLINT', 'TINYINT', 'BYTEINT'];
const FLOATS = ['FLOAT', 'FLOAT4', 'FLOAT8', 'DOUBLE', 'DOUBLE PRECISION', 'REAL'];
const TWO_WORD = ['DOUBLE PRECISION', 'CHAR VARYING', 'CHARACTER VARYING', 'NCHAR VARYING'];

// Parses a type at significant-token index i. Returns { type, next } where type is
// { sf: canonical Snowflake type, duck: DuckDB type, kind: text|number|float|bool|date|time|ntz|ltz|tz|json|binary }.
export function parseType(toks, i) {
  const t = toks[i];
  if (!t || t.type !== 'word') throw errors.syntax(`syntax error line 1 at position ${t ? t.pos : 0} unexpected '${t ? t.text : '<EOF>'}'.`);
  let name = t.upper;
  let j = i + 1;
  if (toks[j] && toks[j].type === 'word' && TWO_WORD.includes(`${name} ${toks[j].upper}`)) { name = `${name} ${toks[j].upper}`; j++; }
  let args = [];
  if (isOp(toks[j], '(')) {
    let k = j + 1;
    while (k < toks.length && !isOp(toks[k], ')')) {
      if (toks[k].type === 'number') args.push(Number(toks[k].text));
      k++;
    }
    j = k + 1;
  }
  return { type: mapType(name, args), next: j };
}

export function mapType(name, args = []) {
  if (TEXT.includes(name)) {
    const len = args[0] || 16777216;
    return { sf: `VARCHAR(${len})`, duck: 'VARCHAR', kind: 'text', length: len };
  }
  if (['NUMBER', 'NUMERIC', 'DECIMAL', 'DEC'].includes(name)) {
    const p = args.length > 0 ? args[0] : 38;
    const s = args.length > 1 ? args[1] : 0;
    if (p < 1 || p > 38 || s < 0 || s > p) throw errors.syntax(`SQL compilation error: invalid precision/scale (${p},${s})`);
    return { sf: `NUMBER(${p},${s})`, duck: `DECIMAL(${p},${s})`, kind: 'number', precision: p, scale: s };
  }
  if (INTS.includes(name)) return { sf: 'NUMBER(38,0)', duck: 'DECIMAL(38,0)', kind: 'number', precision: 38, scale: 0 };
  if (FLOATS.includes(name)) return { sf: 'FLOAT', duck: 'DOUBLE', kind: 'float' };
  if (name === 'BOOLEAN' || name === 'BOOL') return { sf: 'BOOLEAN', duck: 'BOOLEAN', kind: 'bool' };
  if (name === 'DATE') return { sf: 'DATE', duck: 'DATE', kind: 'date' };
  if (name === 'TIME') return { sf: `TIME(${args[0] ?? 9})`, duck: 'TIME', kind: 'time' };
  if (['TIMESTAMP', 'DATETIME', 'TIMESTAMP_NTZ', 'TIMESTAMPNTZ', 'TIMESTAMP WITHOUT TIME ZONE'].includes(name)) {
    return { sf: `TIMESTAMP_NTZ(${args[0] ?? 9})`, duck: 'TIMESTAMP', kind: 'ntz' };
  }
  if (['TIMESTAMP_LTZ', 'TIMESTAMPLTZ'].includes(name)) return { sf: `TIMESTAMP_LTZ(${args[0] ?? 9})`, duck: 'TIMESTAMPTZ', kind: 'ltz' };
  if (['TIMESTAMP_TZ', 'TIMESTAMPTZ'].includes(name)) return { sf: `TIMESTAMP_TZ(${args[0] ?? 9})`, duck: 'TIMESTAMPTZ', kind: 'tz' };
  if (name === 'VARIANT' || name === 'OBJECT' || name === 'ARRAY') return { sf: name, duck: 'JSON', kind: 'json' };
  if (name === 'BINARY' || name === 'VARBINARY') return { sf: `BINARY(${args[0] || 8388608})`, duck: 'BLOB', kind: 'binary' };
  throw errors.unsupported(`data type ${name}`);
}

// Snowflake type (as DESCRIBE shows it) for a DuckDB column type, refined by a stored hint.
export function sfTypeOfDuck(duckType, hint) {
  const d = String(duckType).toUpperCase();
  if (hint && duckOf(hint) === normDuck(d)) return hint;
  if (d === 'VARCHAR') return 'VARCHAR(16777216)';
  if (d === 'JSON') return 'VARIANT';
  let m;
  if ((m = /^DECIMAL\((\d+),(\d+)\)$/.exec(d))) return `NUMBER(${m[1]},${m[2]})`;
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/.test(d)) return 'NUMBER(38,0)';
  if (d === 'DOUBLE' || d === 'FLOAT') return 'FLOAT';
  if (d === 'BOOLEAN') return 'BOOLEAN';
  if (d === 'DATE') return 'DATE';
  if (d === 'TIME') return 'TIME(9)';
  if (d.startsWith('TIMESTAMP WITH TIME ZONE')) return 'TIMESTAMP_LTZ(9)';
  if (d.startsWith('TIMESTAMP')) return 'TIMESTAMP_NTZ(9)';
  if (d === 'BLOB') return 'BINARY(8388608)';
  if (d.endsWith('[]')) return 'ARRAY';
  if (d.startsWith('STRUCT') || d.startsWith('MAP')) return 'OBJECT';
  return 'VARCHAR(16777216)';
}

const normDuck = (d) => (d === 'TIMESTAMP WITH TIME ZONE' ? 'TIMESTAMPTZ' : d);
function duckOf(sf) {
  const m = /^(\w+)(?:\((\d+)(?:,(\d+))?\))?$/.exec(sf);
  if (!m) return null;
  try { return mapType(m[1], [m[2], m[3]].filter((x) => x !== undefined).map(Number)).duck; } catch { return null; }
}

// Snowflake DATA_TYPE (information_schema) for a DESCRIBE-style type.
export function infoSchemaType(sf) {
  const base = sf.replace(/\(.*$/, '');
  return { VARCHAR: 'TEXT', NUMBER: 'NUMBER', BINARY: 'BINARY' }[base] || base;
}

const colMeta = (name, type, extra = {}) => ({
  name, database: '', schema: '', table: '', nullable: true, collation: null,
  byteLength: null, length: null, type, scale: null, precision: null, ...extra,
});

// rowType entry for a DuckDB result column.
export function rowTypeOf(name, duckType) {
  const id = duckType.typeId;
  switch (id) {
    case DuckDBTypeId.BOOLEAN: return colMeta(name, 'boolean');
    case DuckDBTypeId.TINYINT: case DuckDBTypeId.SMALLINT: case DuckDBTypeId.INTEGER: case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UTINYINT: case DuckDBTypeId.USMALLINT: case DuckDBTypeId.UINTEGER: case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT: case DuckDBTypeId.UHUGEINT:
      return colMeta(name, 'fixed', { precision: id === DuckDBTypeId.BIGINT ? 19 : 38, scale: 0 });
    case DuckDBTypeId.DECIMAL: return colMeta(name, 'fixed', { precision: duckType.width, scale: duckType.scale });
    case DuckDBTypeId.FLOAT: case DuckDBTypeId.DOUBLE: return colMeta(name, 'real');
    case DuckDBTypeId.DATE: return colMeta(name, 'date');
    case DuckDBTypeId.TIME: return colMeta(name, 'time', { scale: 9, precision: 0 });
    case DuckDBTypeId.TIMESTAMP: case DuckDBTypeId.TIMESTAMP_S: case DuckDBTypeId.TIMESTAMP_MS: case DuckDBTypeId.TIMESTAMP_NS:
      return colMeta(name, 'timestamp_ntz', { scale: 9, precision: 0 });
    case DuckDBTypeId.TIMESTAMP_TZ: return colMeta(name, 'timestamp_ltz', { scale: 9, precision: 0 });
    case DuckDBTypeId.BLOB: return colMeta(name, 'binary', { byteLength: 8388608, length: 8388608 });
    case DuckDBTypeId.LIST: case DuckDBTypeId.ARRAY: return colMeta(name, 'array');
    case DuckDBTypeId.STRUCT: case DuckDBTypeId.MAP: return colMeta(name, 'object');
    case DuckDBTypeId.VARCHAR:
      if (duckType.alias === 'JSON') return colMeta(name, 'variant');
      return colMeta(name, 'text', { byteLength: 16777216, length: 16777216 });
    default: return colMeta(name, 'text', { byteLength: 16777216, length: 16777216 });
  }
}

export const textColumn = (name) => colMeta(name, 'text', { byteLength: 16777216, length: 16777216 });
export const fixedColumn = (name) => colMeta(name, 'fixed', { precision: 19, scale: 0 });

const pad = (n, w) => String(n).padStart(w, '0');

// "seconds.nanoseconds" since the epoch from microseconds (SQL API jsonv2 encoding).
export function epochMicrosToString(micros) {
  const neg = micros < 0n;
  const abs = neg ? -micros : micros;
  const secs = abs / 1000000n;
  const frac = abs % 1000000n;
  return `${neg ? '-' : ''}${secs}.${pad(frac, 6)}000`;
}

// Converts one DuckDB value to the SQL API's string form (null stays null).
export function formatValue(value, duckType, jsonValue) {
  if (value === null || value === undefined) return null;
  const id = duckType.typeId;
  switch (id) {
    case DuckDBTypeId.BOOLEAN: return value ? 'true' : 'false';
    case DuckDBTypeId.FLOAT: case DuckDBTypeId.DOUBLE:
      if (Number.isNaN(value)) return 'NaN';
      if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
      return String(value);
    case DuckDBTypeId.DATE: return String(value.days);
    case DuckDBTypeId.TIME: return epochMicrosToString(BigInt(value.micros));
    case DuckDBTypeId.TIMESTAMP: case DuckDBTypeId.TIMESTAMP_TZ: return epochMicrosToString(BigInt(value.micros));
    case DuckDBTypeId.TIMESTAMP_S: return epochMicrosToString(BigInt(value.seconds) * 1000000n);
    case DuckDBTypeId.TIMESTAMP_MS: return epochMicrosToString(BigInt(value.millis) * 1000n);
    case DuckDBTypeId.TIMESTAMP_NS: return epochMicrosToString(BigInt(value.nanos) / 1000n);
    case DuckDBTypeId.BLOB: return Buffer.from(value.bytes).toString('hex').toUpperCase();
    case DuckDBTypeId.LIST: case DuckDBTypeId.ARRAY: case DuckDBTypeId.STRUCT: case DuckDBTypeId.MAP:
      return JSON.stringify(jsonValue);
    default: return String(value);
  }
}

// Value for the control API's /_fake/sql: JSON-friendly, BIGINT/DECIMAL as strings, timestamps ISO
// with microseconds.
export function controlValue(value, duckType, jsonValue) {
  if (value === null || value === undefined) return null;
  const id = duckType.typeId;
  const iso = (micros, z) => {
    const ms = Number(micros / 1000n);
    const sub = ((micros % 1000n) + 1000n) % 1000n;
    const base = new Date(ms).toISOString().slice(0, 23);
    return `${base}${pad(sub, 3)}${z ? 'Z' : ''}`;
  };
  switch (id) {
    case DuckDBTypeId.TIMESTAMP: return iso(BigInt(value.micros), false);
    case DuckDBTypeId.TIMESTAMP_TZ: return iso(BigInt(value.micros), true);
    case DuckDBTypeId.BOOLEAN: case DuckDBTypeId.FLOAT: case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.TINYINT: case DuckDBTypeId.SMALLINT: case DuckDBTypeId.INTEGER:
      return value;
    default:
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'string') return value;
      return jsonValue;
  }
}


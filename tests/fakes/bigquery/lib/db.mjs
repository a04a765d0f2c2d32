// The fake's one in-memory DuckDB database and its catalog.
// Mapping: BigQuery project P ↦ attached in-memory DuckDB database "P"; dataset D ↦ schema "P"."D";
// table T ↦ table "P"."D"."T". The default project is the DuckDB default database, so /_fake/sql can
// say `SELECT * FROM bx_dataset.events`.
import { DuckDBInstance } from '@duckdb/node-api';
import { bqTypeFromDuckName, bqTypeFromDuckJson } from './schema.mjs';

export const qi = (name) => `"${String(name).replace(/"/g, '""')}"`;
export const ql = (s) => `'${String(s).replace(/'/g, "''")}'`;
export const qtable = (p, d, t) => `${qi(p)}.${qi(d)}.${qi(t)}`;

// Helper macros used by the GoogleSQL translation (see sql_translate.mjs).
const MACROS = [
  `CREATE OR REPLACE TEMP MACRO bq_json_value(j, p) AS CASE WHEN json_type(CAST(j AS JSON), p) IN ('OBJECT', 'ARRAY') THEN NULL ELSE json_extract_string(CAST(j AS JSON), p) END`,
  `CREATE OR REPLACE TEMP MACRO bq_safe_divide(a, b) AS CASE WHEN b = 0 THEN NULL ELSE a / b END`,
];

export class Db {
  static async open({ threads = 2, defaultProject }) {
    const instance = await DuckDBInstance.create(':memory:', {
      threads: String(threads),
      autoinstall_known_extensions: 'false',
    });
    const conn = await instance.connect();
    const db = new Db(instance, conn, defaultProject);
    await conn.run(`SET TimeZone = 'UTC'`);
    await db.ensureProject(defaultProject);
    await conn.run(`USE ${qi(defaultProject)}`);
    for (const m of MACROS) await conn.run(m);
    return db;
  }

  constructor(instance, conn, defaultProject) {
    this.instance = instance;
    this.conn = conn;
    this.defaultProject = defaultProject;
    this.tail = Promise.resolve();
    this.projects = new Set();
    this.datasets = new Map(); // "p.d" -> {projectId, datasetId, location, creationTime}
    this.tableMeta = new Map(); // "p.d.t" -> {creationTime, lastModifiedTime, description, fieldDescriptions}
  }

  /** Runs fn with exclusive use of the connection: statements of one job/request never interleave. */
  exclusive(fn) {
    const p = this.tail.then(() => fn(this.conn));
    this.tail = p.catch(() => {});
    return p;
  }

  /** Runs one statement (caller holds the lock). Returns the DuckDBResultReader. */
  async q(sql) {
    return this.conn.runAndReadAll(sql);
  }

  async ensureProject(p) {
    if (this.projects.has(p)) return;
    await this.conn.run(`ATTACH ':memory:' AS ${qi(p)}`);
    this.projects.add(p);
  }

  async createDataset(p, d, location = 'US') {
    await this.ensureProject(p);
    await this.conn.run(`CREATE SCHEMA IF NOT EXISTS ${qi(p)}.${qi(d)}`);
    const key = `${p}.${d}`;
    if (!this.datasets.has(key)) this.datasets.set(key, { projectId: p, datasetId: d, location, creationTime: Date.now() });
    return this.datasets.get(key);
  }

  dataset(p, d) {
    return this.datasets.get(`${p}.${d}`) || null;
  }

  /** Drops every project database and forgets all datasets/tables. */
  async resetAll() {
    await this.conn.run(`USE memory`);
    for (const p of this.projects) await this.conn.run(`DETACH ${qi(p)}`);
    this.projects.clear();
    this.datasets.clear();
    this.tableMeta.clear();
    await this.ensureProject(this.defaultProject);
    await this.conn.run(`USE ${qi(this.defaultProject)}`);
  }

  /** Set of "p.d.t" for every existing table (caller holds the lock). */
  async tableSet() {
    const r = await this.q(`SELECT database_name, schema_name, table_name FROM duckdb_tables() WHERE NOT temporary`);
    return new Set(r.getRows().map(([p, d, t]) => `${p}.${d}.${t}`));
  }

  async tableExists(p, d, t) {
    const r = await this.q(`SELECT 1 FROM duckdb_tables() WHERE database_name = ${ql(p)} AND schema_name = ${ql(d)} AND table_name = ${ql(t)}`);
    return r.currentRowCount > 0;
  }

  /** BigQuery schema fields of an existing table, or null (caller holds the lock). */
  async tableFields(p, d, t) {
    const r = await this.q(`SELECT column_name, data_type, is_nullable FROM duckdb_columns()
      WHERE database_name = ${ql(p)} AND schema_name = ${ql(d)} AND table_name = ${ql(t)} ORDER BY column_index`);
    if (r.currentRowCount === 0) return (await this.tableExists(p, d, t)) ? [] : null;
    const meta = this.meta(p, d, t);
    return r.getRows().map(([name, dataType, nullable]) => {
      const f = { name, type: bqTypeFromDuckName(dataType), mode: nullable ? 'NULLABLE' : 'REQUIRED' };
      const desc = meta.fieldDescriptions[name.toLowerCase()];
      if (desc) f.description = desc;
      return f;
    });
  }

  async rowCount(p, d, t) {
    const r = await this.q(`SELECT count(*) FROM ${qtable(p, d, t)}`);
    return Number(r.getRows()[0][0]);
  }

  meta(p, d, t) {
    const key = `${p}.${d}.${t}`;
    let m = this.tableMeta.get(key);
    if (!m) {
      const now = Date.now();
      m = { creationTime: now, lastModifiedTime: now, description: undefined, fieldDescriptions: {} };
      this.tableMeta.set(key, m);
    }
    return m;
  }

  forgetTable(p, d, t) {
    this.tableMeta.delete(`${p}.${d}.${t}`);
  }

  touch(p, d, t) {
    this.meta(p, d, t).lastModifiedTime = Date.now();
  }
}

// ---- value formatting ----

const TS_RE = /^(-?\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:([+-])(\d\d)(?::?(\d\d))?)?$/;

/** DuckDB timestamp text -> microseconds since the epoch (BigInt), or null. */
export function timestampTextToMicros(text) {
  const m = TS_RE.exec(text);
  if (!m) return null;
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  d.setUTCHours(Number(m[4]), Number(m[5]), Number(m[6]), 0);
  let micros = BigInt(d.getTime()) * 1000n + BigInt((m[7] || '').padEnd(6, '0').slice(0, 6) || '0');
  if (m[8]) {
    const off = (Number(m[9]) * 60 + Number(m[10] || 0)) * 60_000_000;
    micros += BigInt(m[8] === '+' ? -off : off);
  }
  return micros;
}

/** Microseconds -> "YYYY-MM-DDTHH:MM:SS.ffffffZ". */
export function microsToIso(micros) {
  const ms = micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n);
  const frac = micros - ms * 1000n; // 0..999
  const iso = new Date(Number(ms)).toISOString(); // ...SS.mmmZ (years 0-9999)
  return `${iso.slice(0, 23)}${String(frac).padStart(3, '0')}Z`;
}

/** Java's Double.toString, which BigQuery's REST rows use for TIMESTAMP seconds (e.g. "1.7040672E9"). */
export function javaDouble(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const ax = Math.abs(x);
  if (ax >= 1e-3 && ax < 1e7) {
    const s = String(x);
    return s.includes('.') || s.includes('e') ? s : `${s}.0`;
  }
  const [mant, exp] = x.toExponential().split('e');
  return `${mant.includes('.') ? mant : `${mant}.0`}E${exp.replace('+', '')}`;
}

/** One result column value -> JSON for /_fake/sql (BIGINT as strings, timestamps ISO with microseconds). */
export function fakeSqlValue(typeJson, v) {
  if (v === null || v === undefined) return null;
  if (typeJson.typeId === 31 || typeJson.typeId === 12) {
    const micros = timestampTextToMicros(String(v));
    return micros === null ? v : microsToIso(micros);
  }
  return v;
}

/** Reader rows -> [{col: value}] for /_fake/sql. */
export function readerToObjects(reader) {
  const names = reader.deduplicatedColumnNames();
  const types = names.map((_, i) => reader.columnTypeJson(i));
  return reader.getRowsJson().map((row) => {
    const o = {};
    row.forEach((v, i) => { o[names[i]] = fakeSqlValue(types[i], v); });
    return o;
  });
}

/** BigQuery schema of a result set. */
export function readerSchema(reader) {
  const names = reader.deduplicatedColumnNames();
  return names.map((name, i) => {
    const t = bqTypeFromDuckJson(reader.columnTypeJson(i));
    return { name, type: t.type, mode: t.mode || 'NULLABLE', ...(t.fields ? { fields: t.fields } : {}) };
  });
}

/** One value in the REST "f/v" row format (all scalars are strings). */
export function apiValue(field, v, { int64Timestamp = false } = {}) {
  if (v === null || v === undefined) return null;
  if (field.mode === 'REPEATED') {
    return (Array.isArray(v) ? v : []).map((x) => ({ v: apiValue({ ...field, mode: 'NULLABLE' }, x, { int64Timestamp }) }));
  }
  switch (field.type) {
    case 'RECORD':
      return { f: (field.fields || []).map((sf) => ({ v: apiValue(sf, v[sf.name], { int64Timestamp }) })) };
    case 'TIMESTAMP': {
      const micros = timestampTextToMicros(String(v));
      if (micros === null) return String(v);
      return int64Timestamp ? String(micros) : javaDouble(Number(micros) / 1e6);
    }
    case 'DATETIME':
      return String(v).replace(' ', 'T');
    case 'NUMERIC':
    case 'BIGNUMERIC': {
      let s = String(v);
      if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
      return s;
    }
    case 'FLOAT':
      return typeof v === 'number' ? javaDouble(v) : String(v);
    case 'JSON':
      return typeof v === 'string' ? v : JSON.stringify(v);
    default:
      return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}

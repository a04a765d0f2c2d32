// The fake's catalog: Snowflake databases/schemas mapped to DuckDB schemas, table lookup
// (session temporary tables shadow permanent ones), per-table records (declared Snowflake types,
// comment, kind, and the "incarnation" that COPY load metadata belongs to), and the
// INFORMATION_SCHEMA views materialized on demand.
import { randomUUID } from 'node:crypto';
import { errors } from './errors.mjs';
import { dec, displayQualified, duckSchema, enc, qi, qualify } from './names.mjs';
import { infoSchemaType, sfTypeOfDuck } from './types.mjs';

export const tableKey = (db, schema, name) => `${duckSchema(db, schema)}\u0000${enc(name)}`;

export class Catalog {
  constructor(state) {
    this.state = state;
  }

  hasDatabase(db) { return this.state.databases.has(db); }
  hasSchema(db, schema) { return this.state.databases.has(db) && this.state.databases.get(db).has(schema); }

  async createSchemas(conn) {
    for (const [db, schemas] of this.state.databases) {
      for (const s of schemas) await conn.run(`CREATE SCHEMA IF NOT EXISTS ${qi(duckSchema(db, s))}`);
    }
  }

  // Looks a table up; returns a reference object or null.
  async lookup(session, { db, schema, name }) {
    const key = tableKey(db, schema, name);
    const temp = session && session.temps.get(key);
    if (temp) return { ...temp, db, schema, name, key, temp: true, sql: `temp.main.${qi(enc(name))}`, record: temp.record };
    if (!this.hasSchema(db, schema)) return null;
    const ds = duckSchema(db, schema);
    const conn = session ? session.conn : this.state.adminConn;
    const r = await conn.runAndReadAll(
      `SELECT 1 FROM duckdb_tables() WHERE database_name = 'memory' AND schema_name = $1 AND table_name = $2`, [ds, enc(name)]);
    if (r.currentRowCount === 0) return null;
    return { db, schema, name, key, temp: false, sql: `${qi(ds)}.${qi(enc(name))}`, record: this.record(key, false) };
  }

  // Resolves an object name from a statement; throws Snowflake's errors for missing objects.
  async resolve(session, parts, op = 'SELECT') {
    const q = qualify(parts, session.context, op);
    if (q.schema === 'INFORMATION_SCHEMA') return this.infoSchema(session, q);
    if (!this.hasDatabase(q.db)) throw errors.objectNotFound(displayQualified(q));
    if (!this.hasSchema(q.db, q.schema)) throw errors.objectNotFound(displayQualified(q));
    const ref = await this.lookup(session, q);
    if (!ref) throw errors.objectNotFound(displayQualified(q));
    return ref;
  }

  record(key, temp) {
    if (temp) return null;
    let r = this.state.tables.get(key);
    if (!r) {
      r = newRecord('TABLE');
      this.state.tables.set(key, r);
    }
    return r;
  }

  // Columns of a resolved table: [{ name, duckName, duckType, nullable, default, sfType }].
  async columns(session, ref) {
    const conn = session ? session.conn : this.state.adminConn;
    const duckName = ref.duckName || enc(ref.name);
    const sql = `SELECT column_name, data_type, is_nullable, column_default FROM duckdb_columns() WHERE `;
    const r = ref.temp
      ? await conn.runAndReadAll(`${sql} database_name = 'temp' AND schema_name = 'main' AND table_name = $1 ORDER BY column_index`, [duckName])
      : await conn.runAndReadAll(`${sql} database_name = 'memory' AND schema_name = $1 AND table_name = $2 ORDER BY column_index`,
        [duckSchema(ref.db, ref.schema), duckName]);
    const hints = ref.record ? ref.record.hints : new Map();
    return r.getRowsJson().map(([colName, type, nullable, def]) => ({
      name: dec(colName),
      duckName: colName,
      duckType: type,
      nullable: !!nullable,
      default: def,
      sfType: sfTypeOfDuck(type, hints.get(colName)),
    }));
  }

  // Load metadata (files COPY already loaded) belongs to one incarnation of a table.
  loadedFiles(ref) {
    const inc = ref.record.incarnation;
    if (!this.state.loadMeta.has(inc)) this.state.loadMeta.set(inc, new Map());
    return this.state.loadMeta.get(inc);
  }

  // INFORMATION_SCHEMA.COLUMNS / TABLES, materialized as a temporary table of the session.
  async infoSchema(session, q) {
    if (!this.hasDatabase(q.db)) throw errors.objectNotFound(displayQualified(q));
    const view = q.name;
    if (view !== 'COLUMNS' && view !== 'TABLES') throw errors.unsupported(`INFORMATION_SCHEMA.${view}`);
    const tables = await this.listTables(session, q.db);
    const tmp = `__SF_IS_${view}_${enc(q.db)}`;
    const conn = session.conn;
    await conn.run(`DROP TABLE IF EXISTS temp.main.${qi(tmp)}`);
    if (view === 'TABLES') {
      await conn.run(`CREATE TEMP TABLE ${qi(tmp)} ("TABLE_CATALOG" VARCHAR, "TABLE_SCHEMA" VARCHAR, "TABLE_NAME" VARCHAR,
        "TABLE_OWNER" VARCHAR, "TABLE_TYPE" VARCHAR, "IS_TRANSIENT" VARCHAR, "ROW_COUNT" BIGINT, "BYTES" BIGINT,
        "CREATED" TIMESTAMPTZ, "LAST_ALTERED" TIMESTAMPTZ, "COMMENT" VARCHAR)`);
      for (const t of tables) {
        const rec = t.record || newRecord('TABLE');
        const cnt = await conn.runAndReadAll(`SELECT count(*) FROM ${t.sql}`);
        await conn.run(`INSERT INTO ${qi(tmp)} VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8::TIMESTAMPTZ, $8::TIMESTAMPTZ, $9)`,
          [t.db, t.schema, t.name, this.state.config.role, t.temp ? 'TEMPORARY TABLE' : 'BASE TABLE',
            rec.kind === 'TRANSIENT' ? 'YES' : 'NO', BigInt(cnt.getRows()[0][0]), rec.created, rec.comment]);
      }
    } else {
      await conn.run(`CREATE TEMP TABLE ${qi(tmp)} ("TABLE_CATALOG" VARCHAR, "TABLE_SCHEMA" VARCHAR, "TABLE_NAME" VARCHAR,
        "COLUMN_NAME" VARCHAR, "ORDINAL_POSITION" BIGINT, "COLUMN_DEFAULT" VARCHAR, "IS_NULLABLE" VARCHAR,
        "DATA_TYPE" VARCHAR, "CHARACTER_MAXIMUM_LENGTH" BIGINT, "NUMERIC_PRECISION" BIGINT, "NUMERIC_SCALE" BIGINT,
        "DATETIME_PRECISION" BIGINT, "COMMENT" VARCHAR)`);
      for (const t of tables) {
        const cols = await this.columns(session, t);
        let pos = 1;
        for (const c of cols) {
          const m = /\((\d+)(?:,(\d+))?\)/.exec(c.sfType);
          const dt = infoSchemaType(c.sfType);
          await conn.run(`INSERT INTO ${qi(tmp)} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL)`, [
            t.db, t.schema, t.name, c.name, BigInt(pos++), c.default, c.nullable ? 'YES' : 'NO', dt,
            dt === 'TEXT' && m ? BigInt(m[1]) : null,
            dt === 'NUMBER' && m ? BigInt(m[1]) : null,
            dt === 'NUMBER' && m ? BigInt(m[2] || 0) : null,
            dt.startsWith('TIMESTAMP') || dt === 'TIME' ? 9n : null]);
        }
      }
    }
    return { db: q.db, schema: 'INFORMATION_SCHEMA', name: view, temp: true, info: true,
      duckName: tmp, sql: `temp.main.${qi(tmp)}`, implicitAlias: qi(view), record: null };
  }

  // Every table of a database visible to the session (permanent and the session's temporary ones).
  async listTables(session, db, schemaFilter = null) {
    const out = [];
    const conn = session ? session.conn : this.state.adminConn;
    const r = await conn.runAndReadAll(
      `SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'memory' ORDER BY schema_name, table_name`);
    const schemas = this.state.databases.get(db) || new Set();
    const bySchema = new Map([...schemas].map((s) => [duckSchema(db, s), s]));
    const seen = new Set();
    if (session) {
      for (const [key, t] of session.temps) {
        if (t.db !== db || (schemaFilter && t.schema !== schemaFilter)) continue;
        seen.add(key);
        out.push({ ...t, key, temp: true, sql: `temp.main.${qi(enc(t.name))}`, record: t.record });
      }
    }
    for (const [ds, tn] of r.getRowsJson()) {
      const schema = bySchema.get(ds);
      if (!schema || (schemaFilter && schema !== schemaFilter)) continue;
      const name = dec(tn);
      const key = tableKey(db, schema, name);
      if (seen.has(key)) continue;
      out.push({ db, schema, name, key, temp: false, sql: `${qi(ds)}.${qi(tn)}`, record: this.record(key, false) });
    }
    return out;
  }
}

export function newRecord(kind, extra = {}) {
  return { kind, hints: new Map(), comment: null, created: new Date().toISOString(), incarnation: randomUUID(), ...extra };
}

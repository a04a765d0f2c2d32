// A session: every SQL API request is its own Snowflake session, so it gets its own DuckDB
// connection (temporary tables die with it) and its own context (database, schema, warehouse,
// role, time zone). Statements of a multi-statement request run in order in that session; an
// open transaction at the end of the request is rolled back, as at the end of a Snowflake session.
import { randomUUID } from 'node:crypto';
import { alterSession, alterTable, createTable, describeTable, dropTable, showTables, truncateTable, useStatement } from './ddl.mjs';
import { runCopy } from './copy_into.mjs';
import { runDelete, runInsert, runMerge, runQuery, runUpdate } from './dml.mjs';
import { errors, fromDuckDB } from './errors.mjs';
import { isOp, isWord, sqlString } from './lexer.mjs';
import { decodeText } from './names.mjs';
import { statusResult } from './results.mjs';
import { Translator } from './translate.mjs';

export class Session {
  constructor(state, catalog, conn, context) {
    this.state = state;
    this.catalog = catalog;
    this.conn = conn;
    this.context = { ...context, sessionId: randomUUID() };
    this.temps = new Map();
    this.inTxn = false;
    this.pendingLoads = [];
  }

  static async open(state, catalog, context) {
    const conn = await state.instance.connect();
    const s = new Session(state, catalog, conn, context);
    await s.setTimezone(context.timezone);
    return s;
  }

  async setTimezone(tz) {
    await this.conn.run(`SET TimeZone = ${sqlString(tz)}`);
    this.context.timezone = tz;
  }

  async close() {
    try {
      if (this.inTxn) await this.conn.run('ROLLBACK');
    } catch { /* already aborted */ }
    this.inTxn = false;
    this.pendingLoads = [];
    try { this.conn.closeSync(); } catch { /* closed */ }
  }

  translator(binds, stmt, ctes) {
    return new Translator({
      session: this, binds, ctes, stmt,
      resolveTable: (parts, op) => this.catalog.resolve(this, parts, op),
    });
  }

  requireWarehouse() {
    if (!this.context.warehouse || !this.state.warehouses.has(this.context.warehouse)) throw errors.noWarehouse();
  }

  // DDL commits an open transaction first (Snowflake's implicit commit).
  async ddlCommit() {
    if (this.inTxn) await this.commit();
  }

  async commit() {
    if (this.inTxn) await this.conn.run('COMMIT');
    this.inTxn = false;
    for (const [ref, files] of this.pendingLoads) this.applyLoads(ref, files);
    this.pendingLoads = [];
  }

  recordLoads(ref, files) {
    if (this.inTxn) this.pendingLoads.push([ref, files]);
    else this.applyLoads(ref, files);
  }

  applyLoads(ref, files) {
    const meta = this.catalog.loadedFiles(ref);
    for (const f of files) {
      meta.set(f.url, { etag: f.etag, rows: f.rows, at: new Date().toISOString() });
      this.state.stats.copyFiles.push({ table: `${ref.db}.${ref.schema}.${ref.name}`, file: f.url, status: f.status, rows_loaded: f.rows });
    }
  }

  // Runs one statement (significant tokens); returns { rowType, data, stats? }.
  async execute(toks, binds) {
    try {
      return await this.dispatch(toks, binds);
    } catch (e) {
      const err = fromDuckDB(e, decodeText);
      if (this.inTxn && !(e && e.code)) {
        // DuckDB aborts the transaction on an error; Snowflake keeps it open, but the fake
        // cannot, so it rolls back (documented in README).
        try { await this.conn.run('ROLLBACK'); } catch { /* not in a transaction */ }
        this.inTxn = false;
        this.pendingLoads = [];
      }
      throw err;
    }
  }

  async dispatch(toks, binds) {
    const w = toks[0];
    const first = w && w.type === 'word' ? w.upper : isOp(w, '(') ? 'SELECT' : '';
    switch (first) {
      case 'SELECT': case 'WITH': case 'VALUES': case 'TABLE': return runQuery(this, toks, binds);
      case 'INSERT': return runInsert(this, toks, binds);
      case 'MERGE': return runMerge(this, toks, binds);
      case 'UPDATE': return runUpdate(this, toks, binds);
      case 'DELETE': return runDelete(this, toks, binds);
      case 'COPY': return runCopy(this, toks);
      case 'CREATE':
        if (toks.some((t, k) => k < 6 && isWord(t, 'TABLE'))) return createTable(this, toks, binds);
        throw errors.unsupported(`CREATE ${toks[1] ? toks[1].upper : ''}`);
      case 'DROP': return dropTable(this, toks);
      case 'ALTER':
        if (isWord(toks[1], 'TABLE')) return alterTable(this, toks, binds);
        if (isWord(toks[1], 'SESSION')) return alterSession(this, toks);
        throw errors.unsupported(`ALTER ${toks[1] ? toks[1].upper : ''}`);
      case 'TRUNCATE': return truncateTable(this, toks);
      case 'DESCRIBE': case 'DESC': return describeTable(this, toks);
      case 'SHOW': return showTables(this, toks);
      case 'USE': return useStatement(this, toks);
      case 'BEGIN': case 'START':
        if (first === 'START' && !isWord(toks[1], 'TRANSACTION')) break;
        if (!this.inTxn) { await this.conn.run('BEGIN TRANSACTION'); this.inTxn = true; }
        return statusResult('Statement executed successfully.');
      case 'COMMIT':
        await this.commit();
        return statusResult('Statement executed successfully.');
      case 'ROLLBACK':
        if (this.inTxn) await this.conn.run('ROLLBACK');
        this.inTxn = false;
        this.pendingLoads = [];
        return statusResult('Statement executed successfully.');
      case 'PUT': case 'GET': throw errors.unsupported(`${first} command in the SQL API`);
      case 'SET': case 'UNSET': case 'CALL': case 'EXECUTE': case 'GRANT': case 'REVOKE': case 'UNDROP': case 'REMOVE': case 'LIST':
        throw errors.unsupported(first);
      default: break;
    }
    throw errors.syntax(`syntax error line 1 at position ${w ? w.pos : 0} unexpected '${w ? w.text : '<EOF>'}'.`);
  }
}

// Kind of a statement, for logs: SELECT, INSERT, COPY, CREATE TABLE, ...
export function statementKind(toks) {
  const w = toks.find((t) => t.type !== 'ws');
  if (!w) return 'EMPTY';
  const u = w.type === 'word' ? w.upper : w.text;
  if (u === 'CREATE' || u === 'DROP' || u === 'ALTER') {
    const words = toks.filter((t) => t.type === 'word').slice(1, 5).map((t) => t.upper);
    const obj = words.find((x) => ['TABLE', 'SCHEMA', 'DATABASE', 'STAGE', 'VIEW', 'SESSION', 'WAREHOUSE'].includes(x));
    return obj ? `${u} ${obj}` : u;
  }
  return u;
}

// Statements that the SQL API accepts only inside a multi-statement request.
export function multiOnly(toks) {
  const s = toks.filter((t) => t.type !== 'ws');
  const u = s[0] && s[0].type === 'word' ? s[0].upper : '';
  if (['BEGIN', 'COMMIT', 'ROLLBACK', 'USE', 'SET', 'UNSET'].includes(u)) return u;
  if (u === 'START' && isWord(s[1], 'TRANSACTION')) return 'START TRANSACTION';
  if (u === 'ALTER' && isWord(s[1], 'SESSION')) return 'ALTER SESSION';
  if (u === 'CREATE' && s.slice(1, 5).some((t) => isWord(t, 'TEMP', 'TEMPORARY', 'VOLATILE'))) return 'CREATE TEMPORARY TABLE';
  return null;
}

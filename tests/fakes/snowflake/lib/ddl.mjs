// DDL and context statements: CREATE TABLE (columns, LIKE, CLONE, AS SELECT; TEMPORARY and
// TRANSIENT), DROP TABLE, ALTER TABLE, TRUNCATE, DESCRIBE TABLE, SHOW TABLES, USE, ALTER SESSION.
// As in Snowflake, a DDL statement first commits an open transaction and runs in its own.
import { randomUUID } from 'node:crypto';
import { newRecord, tableKey } from './catalog.mjs';
import { errors } from './errors.mjs';
import { isOp, isWord, matchParen, splitTopLevel, sqlString, tokensText } from './lexer.mjs';
import { displayQualified, duckSchema, enc, identOf, parseObjectName, qenc, qi, qualify } from './names.mjs';
import { cteNames } from './translate.mjs';
import { fixedColumn, parseType, textColumn } from './types.mjs';
import { statusResult } from './results.mjs';

const COLUMN_OPTION = new Set(['NOT', 'NULL', 'DEFAULT', 'COMMENT', 'COLLATE', 'PRIMARY', 'UNIQUE', 'REFERENCES',
  'CONSTRAINT', 'AUTOINCREMENT', 'IDENTITY', 'WITH', 'MASKING', 'TAG', 'FOREIGN', 'CHECK']);

const syntaxAt = (t) => errors.syntax(`syntax error line 1 at position ${t ? t.pos : 0} unexpected '${t ? t.text : '<EOF>'}'.`);

function expectWord(toks, i, ...words) {
  if (!isWord(toks[i], ...words)) throw syntaxAt(toks[i]);
  return i + 1;
}

// Parses one column definition; returns { name, type, notNull, defaultSql, comment, identity }.
async function parseColumnDef(session, toks, binds) {
  const name = identOf(toks[0]);
  if (name === null) throw syntaxAt(toks[0]);
  const { type, next } = parseType(toks, 1);
  const col = { name, type, notNull: false, defaultSql: null, comment: null, identity: null };
  let k = next;
  while (k < toks.length) {
    const t = toks[k];
    if (isWord(t, 'NOT') && isWord(toks[k + 1], 'NULL')) { col.notNull = true; k += 2; continue; }
    if (isWord(t, 'NULL')) { k++; continue; }
    if (isWord(t, 'COMMENT')) { k += isOp(toks[k + 1], '=') ? 2 : 1; col.comment = toks[k] && toks[k].value; k++; continue; }
    if (isWord(t, 'COLLATE')) { k += 2; continue; }
    if (isWord(t, 'PRIMARY', 'FOREIGN')) { k += 2; continue; }
    if (isWord(t, 'UNIQUE')) { k++; continue; }
    if (isWord(t, 'CONSTRAINT')) { k += 2; continue; }
    if (isWord(t, 'REFERENCES')) {
      k = parseObjectName(toks, k + 1).next;
      if (isOp(toks[k], '(')) k = matchParen(toks, k) + 1;
      continue;
    }
    if (isWord(t, 'DEFAULT')) {
      let e = k + 1;
      let depth = 0;
      while (e < toks.length) {
        if (isOp(toks[e], '(')) depth++;
        if (isOp(toks[e], ')')) depth--;
        if (depth === 0 && toks[e].type === 'word' && COLUMN_OPTION.has(toks[e].upper) && e > k + 1) break;
        e++;
      }
      col.defaultSql = await session.translator(binds, 'CREATE TABLE').expr(toks.slice(k + 1, e));
      k = e;
      continue;
    }
    if (isWord(t, 'AUTOINCREMENT', 'IDENTITY')) {
      const id = { start: 1, step: 1 };
      k++;
      if (isOp(toks[k], '(')) {
        const j = matchParen(toks, k);
        const nums = toks.slice(k + 1, j).filter((x) => x.type === 'number').map((x) => Number(x.text));
        [id.start = 1, id.step = 1] = nums;
        k = j + 1;
      }
      while (isWord(toks[k], 'START', 'INCREMENT', 'ORDER', 'NOORDER')) {
        if (isWord(toks[k], 'START')) { id.start = Number(toks[k + 1].text); k += 2; } else if (isWord(toks[k], 'INCREMENT')) { id.step = Number(toks[k + 1].text); k += 2; } else k++;
      }
      col.identity = id;
      continue;
    }
    if (isWord(t, 'WITH', 'MASKING', 'TAG', 'PROJECTION')) break;
    throw syntaxAt(t);
  }
  return col;
}

function columnDdl(col, seqName) {
  let s = `${qenc(col.name)} ${col.type.duck}`;
  if (col.identity) s += ` DEFAULT nextval(${sqlString(seqName)})`;
  else if (col.defaultSql) s += ` DEFAULT (${col.defaultSql})`;
  if (col.notNull) s += ' NOT NULL';
  return s;
}

function recordHints(record, cols) {
  for (const c of cols) record.hints.set(enc(c.name), c.type.sf);
}

export async function createTable(session, toks, binds) {
  let i = 1;
  let orReplace = false;
  let kind = 'TABLE';
  if (isWord(toks[i], 'OR')) { i = expectWord(toks, i + 1, 'REPLACE'); orReplace = true; }
  if (isWord(toks[i], 'LOCAL', 'GLOBAL')) i++;
  if (isWord(toks[i], 'TEMP', 'TEMPORARY', 'VOLATILE')) { kind = 'TEMPORARY'; i++; } else if (isWord(toks[i], 'TRANSIENT')) { kind = 'TRANSIENT'; i++; }
  if (!isWord(toks[i], 'TABLE')) throw errors.unsupported(`CREATE ${tokensText(toks.slice(1, i + 1)).toUpperCase()}`);
  i++;
  let ifNotExists = false;
  if (isWord(toks[i], 'IF')) { i = expectWord(toks, i + 1, 'NOT'); i = expectWord(toks, i, 'EXISTS'); ifNotExists = true; }
  if (orReplace && ifNotExists) throw errors.syntax('OR REPLACE and IF NOT EXISTS are incompatible.');
  const { parts, next } = parseObjectName(toks, i);
  i = next;
  const q = qualify(parts, session.context, 'CREATE TABLE');
  if (!session.catalog.hasSchema(q.db, q.schema)) throw errors.schemaNotFound(`${q.db}.${q.schema}`);
  await session.ddlCommit();

  let cols = null;
  let likeRef = null;
  let cloneRef = null;
  let queryToks = null;
  let comment = null;
  if (isOp(toks[i], '(')) {
    const j = matchParen(toks, i);
    const defs = splitTopLevel(toks.slice(i + 1, j));
    cols = [];
    for (const d of defs) {
      if (!d.length) throw syntaxAt(toks[j]);
      if (isWord(d[0], 'CONSTRAINT', 'PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK') && !isOp(d[1], '.')) continue;
      if (d.length === 1 && (d[0].type === 'word' || d[0].type === 'qident')) throw errors.unsupported('CREATE TABLE (column names) AS SELECT');
      cols.push(await parseColumnDef(session, d, binds));
    }
    i = j + 1;
  }
  while (i < toks.length) {
    const t = toks[i];
    if (isWord(t, 'LIKE')) { const r = parseObjectName(toks, i + 1); likeRef = await session.catalog.resolve(session, r.parts, 'CREATE TABLE'); i = r.next; continue; }
    if (isWord(t, 'CLONE')) { const r = parseObjectName(toks, i + 1); cloneRef = await session.catalog.resolve(session, r.parts, 'CREATE TABLE'); i = r.next; break; }
    if (isWord(t, 'AS')) { queryToks = toks.slice(i + 1); break; }
    if (isWord(t, 'COMMENT') && isOp(toks[i + 1], '=')) { comment = toks[i + 2] && toks[i + 2].value; i += 3; continue; }
    if (isWord(t, 'CLUSTER') && isWord(toks[i + 1], 'BY')) { i = matchParen(toks, i + 2) + 1; continue; }
    if (isWord(t, 'COPY') && isWord(toks[i + 1], 'GRANTS')) { i += 2; continue; }
    if ((t.type === 'word') && isOp(toks[i + 1], '=')) {
      i += 2;
      if (isOp(toks[i], '(')) i = matchParen(toks, i) + 1; else i++;
      continue;
    }
    if (isWord(t, 'WITH', 'TAG')) break;
    throw syntaxAt(t);
  }
  if (!cols && !likeRef && !cloneRef && !queryToks) throw syntaxAt(toks[i]);

  const key = tableKey(q.db, q.schema, q.name);
  const display = q.name;
  // A temporary table may shadow a permanent one; any other existing table is a conflict.
  const existing = kind === 'TEMPORARY'
    ? (session.temps.has(key) ? await session.catalog.lookup(session, q) : null)
    : await session.catalog.lookup(session, q);
  // CREATE OR REPLACE ... AS SELECT may read the table it replaces: DuckDB replaces it in place.
  let replaceInPlace = false;
  if (existing) {
    if (ifNotExists) return statusResult(`${display} already exists, statement succeeded.`);
    if (!orReplace) throw errors.alreadyExists(display);
    if (queryToks && !cols && existing.temp === (kind === 'TEMPORARY')) replaceInPlace = true;
    else await dropResolved(session, existing);
  }

  const ds = duckSchema(q.db, q.schema);
  const duckRef = kind === 'TEMPORARY' ? qi(enc(q.name)) : `${qi(ds)}.${qi(enc(q.name))}`;
  const createKw = kind === 'TEMPORARY' ? 'CREATE TEMP TABLE' : 'CREATE TABLE';
  const record = newRecord(kind, { comment });
  const conn = session.conn;

  if (likeRef || cloneRef) {
    const src = likeRef || cloneRef;
    const srcCols = await session.catalog.columns(session, src);
    const defs = srcCols.map((c) => `${qi(c.duckName)} ${c.duckType}${c.default ? ` DEFAULT (${c.default})` : ''}${c.nullable ? '' : ' NOT NULL'}`);
    await conn.run(`${createKw} ${duckRef} (${defs.join(', ')})`);
    if (src.record) for (const [k2, v] of src.record.hints) record.hints.set(k2, v);
    if (cloneRef) await conn.run(`INSERT INTO ${duckRef} SELECT * FROM ${src.sql}`);
  } else if (queryToks) {
    const tr = session.translator(binds, 'SELECT', cteNames(queryToks));
    const sql = await tr.expr(queryToks);
    if (tr.tables.some((t) => !t.info)) session.requireWarehouse();
    if (cols) {
      await conn.run(`${createKw} ${duckRef} (${cols.map((c) => columnDdl(c)).join(', ')})`);
      await conn.run(`INSERT INTO ${duckRef} SELECT * FROM (${sql})`);
      recordHints(record, cols);
    } else {
      await conn.run(`${replaceInPlace ? createKw.replace('CREATE', 'CREATE OR REPLACE') : createKw} ${duckRef} AS ${sql}`);
      if (replaceInPlace && existing.record) session.state.loadMeta.delete(existing.record.incarnation);
    }
  } else {
    const dup = cols.map((c) => c.name).find((n, idx, arr) => arr.indexOf(n) !== idx);
    if (dup) throw errors.syntax(`duplicate column name '${dup}'`);
    const ddl = [];
    for (const c of cols) {
      let seq = null;
      if (c.identity) {
        seq = `sf_seq_${randomUUID().replace(/-/g, '')}`;
        await conn.run(`CREATE SEQUENCE ${seq} START ${c.identity.start} INCREMENT ${c.identity.step}`);
      }
      ddl.push(columnDdl(c, seq));
    }
    await conn.run(`${createKw} ${duckRef} (${ddl.join(', ')})`);
    recordHints(record, cols);
  }
  if (kind === 'TEMPORARY') session.temps.set(key, { db: q.db, schema: q.schema, name: q.name, record });
  else session.state.tables.set(key, record);
  return statusResult(`Table ${display} successfully created.`);
}

async function dropResolved(session, ref) {
  if (ref.temp) {
    await session.conn.run(`DROP TABLE temp.main.${qi(enc(ref.name))}`);
    session.temps.delete(ref.key);
  } else {
    await session.conn.run(`DROP TABLE ${ref.sql}`);
    const rec = session.state.tables.get(ref.key);
    if (rec) session.state.loadMeta.delete(rec.incarnation);
    session.state.tables.delete(ref.key);
  }
}

export async function dropTable(session, toks) {
  let i = 1;
  if (!isWord(toks[i], 'TABLE')) throw errors.unsupported(`DROP ${toks[i] ? toks[i].upper : ''}`);
  i++;
  let ifExists = false;
  if (isWord(toks[i], 'IF')) { i = expectWord(toks, i + 1, 'EXISTS'); ifExists = true; }
  const { parts, next } = parseObjectName(toks, i);
  if (toks[next] && !isWord(toks[next], 'CASCADE', 'RESTRICT')) throw syntaxAt(toks[next]);
  const q = qualify(parts, session.context, 'DROP TABLE');
  await session.ddlCommit();
  const ref = await session.catalog.lookup(session, q);
  if (!ref) {
    if (ifExists) return statusResult(`Drop statement executed successfully (${q.name} already dropped).`);
    throw errors.tableNotFound(displayQualified(q));
  }
  await dropResolved(session, ref);
  return statusResult(`${q.name} successfully dropped.`);
}

export async function truncateTable(session, toks) {
  let i = 1;
  if (isWord(toks[i], 'TABLE')) i++;
  let ifExists = false;
  if (isWord(toks[i], 'IF')) { i = expectWord(toks, i + 1, 'EXISTS'); ifExists = true; }
  const { parts } = parseObjectName(toks, i);
  const q = qualify(parts, session.context, 'TRUNCATE TABLE');
  const ref = await session.catalog.lookup(session, q);
  if (!ref) {
    if (ifExists) return statusResult('Statement executed successfully.');
    throw errors.tableNotFound(displayQualified(q));
  }
  await session.conn.run(`DELETE FROM ${ref.sql}`);
  // TRUNCATE also deletes the table's load metadata, so COPY can load the same files again.
  if (ref.record) { session.state.loadMeta.delete(ref.record.incarnation); ref.record.incarnation = randomUUID(); }
  return statusResult('Statement executed successfully.');
}

export async function alterTable(session, toks, binds) {
  let i = 2;
  let ifExists = false;
  if (isWord(toks[i], 'IF')) { i = expectWord(toks, i + 1, 'EXISTS'); ifExists = true; }
  const { parts, next } = parseObjectName(toks, i);
  i = next;
  const q = qualify(parts, session.context, 'ALTER TABLE');
  await session.ddlCommit();
  const ref = await session.catalog.lookup(session, q);
  if (!ref) {
    if (ifExists) return statusResult('Statement executed successfully.');
    throw errors.tableNotFound(displayQualified(q));
  }
  const conn = session.conn;
  const tableSql = ref.temp ? `temp.main.${qi(enc(ref.name))}` : ref.sql;
  const cols = await session.catalog.columns(session, ref);
  const colByName = new Map(cols.map((c) => [c.name, c]));
  const t = toks[i];
  if (isWord(t, 'ADD')) {
    i++;
    if (isWord(toks[i], 'COLUMN')) i++;
    let ifNot = false;
    if (isWord(toks[i], 'IF')) { i = expectWord(toks, i + 1, 'NOT'); i = expectWord(toks, i, 'EXISTS'); ifNot = true; }
    for (const def of splitTopLevel(toks.slice(i))) {
      let d = def;
      if (isWord(d[0], 'COLUMN')) d = d.slice(1);
      const col = await parseColumnDef(session, d, binds);
      if (colByName.has(col.name)) {
        if (ifNot) continue;
        throw errors.columnExists(col.name);
      }
      if (col.identity) throw errors.unsupported('ALTER TABLE ADD COLUMN ... AUTOINCREMENT');
      await conn.run(`ALTER TABLE ${tableSql} ADD COLUMN ${columnDdl(col)}`);
      if (ref.record) ref.record.hints.set(enc(col.name), col.type.sf);
    }
    return statusResult('Statement executed successfully.');
  }
  if (isWord(t, 'DROP') && !isWord(toks[i + 1], 'CLUSTERING', 'ROW', 'SEARCH')) {
    i++;
    if (isWord(toks[i], 'COLUMN')) i++;
    let ifEx = false;
    if (isWord(toks[i], 'IF')) { i = expectWord(toks, i + 1, 'EXISTS'); ifEx = true; }
    for (const part of splitTopLevel(toks.slice(i))) {
      const name = identOf(part[0]);
      if (!colByName.has(name)) {
        if (ifEx) continue;
        throw errors.invalidIdentifier(name);
      }
      await conn.run(`ALTER TABLE ${tableSql} DROP COLUMN ${qenc(name)}`);
      if (ref.record) ref.record.hints.delete(enc(name));
    }
    return statusResult('Statement executed successfully.');
  }
  if (isWord(t, 'RENAME') && isWord(toks[i + 1], 'COLUMN')) {
    const from = identOf(toks[i + 2]);
    if (!isWord(toks[i + 3], 'TO')) throw syntaxAt(toks[i + 3]);
    const to = identOf(toks[i + 4]);
    if (!colByName.has(from)) throw errors.invalidIdentifier(from);
    if (colByName.has(to)) throw errors.columnExists(to);
    await conn.run(`ALTER TABLE ${tableSql} RENAME COLUMN ${qenc(from)} TO ${qenc(to)}`);
    if (ref.record && ref.record.hints.has(enc(from))) {
      ref.record.hints.set(enc(to), ref.record.hints.get(enc(from)));
      ref.record.hints.delete(enc(from));
    }
    return statusResult('Statement executed successfully.');
  }
  if (isWord(t, 'RENAME') && isWord(toks[i + 1], 'TO')) {
    const r = parseObjectName(toks, i + 2);
    const nq = qualify(r.parts, session.context, 'ALTER TABLE');
    if (nq.db !== q.db || nq.schema !== q.schema) throw errors.unsupported('ALTER TABLE RENAME TO another schema');
    if (await session.catalog.lookup(session, nq)) throw errors.alreadyExists(nq.name);
    await conn.run(`ALTER TABLE ${tableSql} RENAME TO ${qenc(nq.name)}`);
    moveRecord(session, ref, tableKey(nq.db, nq.schema, nq.name), nq);
    return statusResult('Statement executed successfully.');
  }
  if (isWord(t, 'SWAP') && isWord(toks[i + 1], 'WITH')) {
    const r = parseObjectName(toks, i + 2);
    const other = await session.catalog.resolve(session, r.parts, 'ALTER TABLE');
    if (other.temp || ref.temp) throw errors.unsupported('SWAP WITH a temporary table');
    const tmpName = `__SWAP_${randomUUID().slice(0, 8)}`;
    const odb = duckSchema(other.db, other.schema);
    await conn.run(`ALTER TABLE ${tableSql} RENAME TO ${qi(tmpName)}`);
    await conn.run(`ALTER TABLE ${other.sql} RENAME TO ${qenc(ref.name)}`);
    if (odb !== duckSchema(ref.db, ref.schema)) throw errors.unsupported('SWAP WITH a table of another schema');
    await conn.run(`ALTER TABLE ${qi(duckSchema(ref.db, ref.schema))}.${qi(tmpName)} RENAME TO ${qenc(other.name)}`);
    const a = session.state.tables.get(ref.key);
    const b = session.state.tables.get(other.key);
    if (b) session.state.tables.set(ref.key, b); else session.state.tables.delete(ref.key);
    if (a) session.state.tables.set(other.key, a); else session.state.tables.delete(other.key);
    return statusResult('Statement executed successfully.');
  }
  if (isWord(t, 'ALTER', 'MODIFY')) {
    i++;
    if (isWord(toks[i], 'COLUMN')) i++;
    for (const part of splitTopLevel(toks.slice(i))) {
      let p = part;
      if (isWord(p[0], 'COLUMN')) p = p.slice(1);
      const name = identOf(p[0]);
      if (!colByName.has(name)) throw errors.invalidIdentifier(name);
      const col = `${qenc(name)}`;
      if (isWord(p[1], 'SET') && isWord(p[2], 'NOT') && isWord(p[3], 'NULL')) await conn.run(`ALTER TABLE ${tableSql} ALTER COLUMN ${col} SET NOT NULL`);
      else if (isWord(p[1], 'DROP') && isWord(p[2], 'NOT') && isWord(p[3], 'NULL')) await conn.run(`ALTER TABLE ${tableSql} ALTER COLUMN ${col} DROP NOT NULL`);
      else if (isWord(p[1], 'DROP') && isWord(p[2], 'DEFAULT')) await conn.run(`ALTER TABLE ${tableSql} ALTER COLUMN ${col} DROP DEFAULT`);
      else if (isWord(p[1], 'COMMENT')) continue;
      else {
        let k = 1;
        if (isWord(p[k], 'SET')) k++;
        if (isWord(p[k], 'DATA')) k++;
        if (!isWord(p[k], 'TYPE')) throw errors.unsupported(`ALTER COLUMN ${tokensText(p)}`);
        const { type } = parseType(p, k + 1);
        await conn.run(`ALTER TABLE ${tableSql} ALTER COLUMN ${col} SET DATA TYPE ${type.duck}`);
        if (ref.record) ref.record.hints.set(enc(name), type.sf);
      }
    }
    return statusResult('Statement executed successfully.');
  }
  if (isWord(t, 'SET', 'UNSET', 'CLUSTER', 'RECLUSTER', 'SUSPEND', 'RESUME') || (isWord(t, 'DROP') && isWord(toks[i + 1], 'CLUSTERING'))) {
    if (isWord(t, 'SET') && ref.record) {
      for (let k = i + 1; k < toks.length - 2; k++) if (isWord(toks[k], 'COMMENT') && isOp(toks[k + 1], '=')) ref.record.comment = toks[k + 2].value;
    }
    return statusResult('Statement executed successfully.');
  }
  throw errors.unsupported(`ALTER TABLE ${tokensText(toks.slice(i, i + 3))}`);
}

function moveRecord(session, ref, newKey, nq) {
  if (ref.temp) {
    const t = session.temps.get(ref.key);
    session.temps.delete(ref.key);
    session.temps.set(newKey, { ...t, name: nq.name });
    return;
  }
  const rec = session.state.tables.get(ref.key);
  session.state.tables.delete(ref.key);
  if (rec) session.state.tables.set(newKey, rec);
}

export async function describeTable(session, toks) {
  let i = 1;
  if (isWord(toks[i], 'TABLE')) i++;
  else if (isWord(toks[i], 'VIEW', 'SCHEMA', 'DATABASE', 'WAREHOUSE', 'USER', 'STAGE', 'FILE')) throw errors.unsupported(`DESCRIBE ${toks[i].upper}`);
  const { parts } = parseObjectName(toks, i);
  const q = qualify(parts, session.context, 'DESCRIBE');
  const ref = await session.catalog.lookup(session, q);
  if (!ref) throw errors.tableNotFound(displayQualified(q));
  const cols = await session.catalog.columns(session, ref);
  const names = ['name', 'type', 'kind', 'null?', 'default', 'primary key', 'unique key', 'check', 'expression', 'comment', 'policy name', 'privacy domain'];
  return {
    rowType: names.map(textColumn),
    data: cols.map((c) => [c.name, c.sfType, 'COLUMN', c.nullable ? 'Y' : 'N', c.default, 'N', 'N', null, null, null, null, null]),
  };
}

export async function showTables(session, toks) {
  let i = 1;
  if (isWord(toks[i], 'TERSE')) i++;
  if (!isWord(toks[i], 'TABLES')) throw errors.unsupported(`SHOW ${toks[i] ? toks[i].upper : ''}`);
  i++;
  let like = null;
  let db = session.context.database;
  let schema = session.context.schema;
  if (isWord(toks[i], 'LIKE')) { like = toks[i + 1].value; i += 2; }
  if (isWord(toks[i], 'IN')) {
    i++;
    if (isWord(toks[i], 'ACCOUNT')) { db = null; schema = null; i++; } else {
      let scope = 'SCHEMA';
      if (isWord(toks[i], 'SCHEMA', 'DATABASE')) { scope = toks[i].upper; i++; }
      const { parts } = parseObjectName(toks, i);
      if (scope === 'DATABASE') { db = parts[0]; schema = null; } else if (parts.length === 2) [db, schema] = parts; else { schema = parts[0]; }
    }
  }
  if (!db) throw errors.noDatabase('SHOW TABLES');
  if (!session.catalog.hasDatabase(db) || (schema && !session.catalog.hasSchema(db, schema))) throw errors.contextObjectMissing();
  const re = like ? new RegExp(`^${like.replace(/[.*+^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, 'i') : null;
  const tables = (await session.catalog.listTables(session, db, schema)).filter((t) => !re || re.test(t.name));
  const rows = [];
  for (const t of tables) {
    const cnt = await session.conn.runAndReadAll(`SELECT count(*) FROM ${t.sql}`);
    const rec = t.record || newRecord('TABLE');
    rows.push([rec.created, t.name, t.db, t.schema, t.temp ? 'TEMPORARY' : rec.kind, rec.comment || '', '', String(cnt.getRows()[0][0]), '0', session.context.role, '1']);
  }
  const names = ['created_on', 'name', 'database_name', 'schema_name', 'kind', 'comment', 'cluster_by', 'rows', 'bytes', 'owner', 'retention_time'];
  return { rowType: names.map((n) => (['rows', 'bytes'].includes(n) ? fixedColumn(n) : textColumn(n))), data: rows };
}

export async function useStatement(session, toks) {
  let i = 1;
  let what = 'SCHEMA';
  if (isWord(toks[i], 'DATABASE', 'SCHEMA', 'WAREHOUSE', 'ROLE')) { what = toks[i].upper; i++; }
  const { parts } = parseObjectName(toks, i);
  const c = session.context;
  if (what === 'DATABASE') {
    if (!session.catalog.hasDatabase(parts[0])) throw errors.contextObjectMissing();
    c.database = parts[0];
    c.schema = session.catalog.hasSchema(parts[0], 'PUBLIC') ? 'PUBLIC' : null;
  } else if (what === 'SCHEMA') {
    const db = parts.length === 2 ? parts[0] : c.database;
    const schema = parts[parts.length - 1];
    if (!db) throw errors.noDatabase('USE SCHEMA');
    if (!session.catalog.hasSchema(db, schema)) throw errors.contextObjectMissing();
    c.database = db;
    c.schema = schema;
  } else if (what === 'WAREHOUSE') {
    if (!session.state.warehouses.has(parts[0])) throw errors.contextObjectMissing();
    c.warehouse = parts[0];
  } else {
    if (!session.state.roles.has(parts[0])) throw errors.contextObjectMissing();
    c.role = parts[0];
  }
  return statusResult('Statement executed successfully.');
}

export async function alterSession(session, toks) {
  if (isWord(toks[2], 'SET')) {
    for (const part of splitTopLevel(toks.slice(3))) {
      if (isWord(part[0], 'TIMEZONE') && part[2] && part[2].type === 'string') await session.setTimezone(part[2].value);
    }
  }
  return statusResult('Statement executed successfully.');
}


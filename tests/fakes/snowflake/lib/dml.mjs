// Queries and DML: SELECT/WITH, INSERT [OVERWRITE] ... VALUES/SELECT, MERGE, UPDATE, DELETE.
// Values written to VARIANT columns are converted like Snowflake's implicit casts (a VARCHAR
// becomes a string variant, it is not parsed), values read from VARIANT into text columns lose
// their JSON quotes, and MERGE refuses a target row matched by several source rows.
import { errors } from './errors.mjs';
import { isOp, isWord, matchParen, splitTopLevel, tokensText } from './lexer.mjs';
import { identOf, parseObjectName, qenc, qi } from './names.mjs';
import { cteNames, KEYWORDS } from './translate.mjs';
import { dmlResult, resultFromReader } from './results.mjs';

const VARIANT_FUNCS = new Set(['PARSE_JSON', 'TRY_PARSE_JSON', 'TO_VARIANT', 'TO_OBJECT', 'TO_ARRAY', 'OBJECT_CONSTRUCT',
  'OBJECT_CONSTRUCT_KEEP_NULL', 'ARRAY_CONSTRUCT']);

const syntaxAt = (t) => errors.syntax(`syntax error line 1 at position ${t ? t.pos : 0} unexpected '${t ? t.text : '<EOF>'}'.`);

export async function runQuery(session, toks, binds) {
  const tr = session.translator(binds, 'SELECT', cteNames(toks));
  const sql = await tr.expr(nameSelectItems(toks, session.sourceText));
  if (tr.tables.some((t) => !t.info)) session.requireWarehouse();
  const reader = await session.conn.runAndReadAll(sql);
  return resultFromReader(reader);
}

const SELECT_END = new Set(['FROM', 'WHERE', 'GROUP', 'HAVING', 'QUALIFY', 'ORDER', 'LIMIT', 'UNION', 'EXCEPT', 'MINUS',
  'INTERSECT', 'WINDOW', 'FETCH', 'OFFSET']);

// Snowflake names an unaliased result column after the expression's text in upper case
// (COUNT(*), T:A::STRING); plain column references keep the column's name.
function nameSelectItems(toks, source) {
  let depth = 0;
  let start = -1;
  for (let k = 0; k < toks.length; k++) {
    if (isOp(toks[k], '(')) depth++;
    else if (isOp(toks[k], ')')) depth--;
    else if (depth === 0 && isWord(toks[k], 'SELECT')) { start = k + 1; break; }
  }
  if (start < 0 || typeof source !== 'string') return toks;
  while (isWord(toks[start], 'DISTINCT', 'ALL')) start++;
  let end = start;
  depth = 0;
  for (; end < toks.length; end++) {
    if (isOp(toks[end], '(')) depth++;
    else if (isOp(toks[end], ')')) depth--;
    else if (depth === 0 && toks[end].type === 'word' && SELECT_END.has(toks[end].upper) && !isWord(toks[end - 1], 'WITHIN')) break;
  }
  const out = toks.slice(0, start);
  const items = splitTopLevel(toks.slice(start, end));
  items.forEach((item, n) => {
    if (n > 0) out.push({ type: 'op', text: ',', pos: item[0] ? item[0].pos : 0 });
    out.push(...item);
    const last = item[item.length - 1];
    const isIdent = (t) => t && (t.type === 'qident' || (t.type === 'word' && !KEYWORDS.has(t.upper)));
    const plain = item.every((t, k) => (k % 2 === 0 ? isIdent(t) || (k === item.length - 1 && isOp(t, '*')) : isOp(t, '.')));
    const prev = item[item.length - 2];
    const aliased = item.length >= 2 && isIdent(last) && (isWord(prev, 'AS') || isOp(prev, ')') || ['string', 'number'].includes(prev.type) ||
      prev.type === 'qident' || (prev.type === 'word' && !KEYWORDS.has(prev.upper)));
    if (plain || aliased || !item.length || (item.length === 1 && isOp(last, '*'))) return;
    const text = source.slice(item[0].pos, last.pos + last.text.length).replace(/\s+/g, ' ').toUpperCase();
    out.push({ type: 'word', text: 'AS', upper: 'AS', pos: last.pos }, { type: 'qident', text: '""', value: text, pos: last.pos });
  });
  return out.concat(toks.slice(end));
}

// Snowflake's VALUES clause takes constants only: semi-structured constructors are refused.
function checkValuesTuple(tuple) {
  for (let k = 0; k < tuple.length; k++) {
    const t = tuple[k];
    const bad = (isWord(t) && VARIANT_FUNCS.has(t.upper) && isOp(tuple[k + 1], '(')) ||
      (isOp(t, '::') && isWord(tuple[k + 1], 'VARIANT', 'OBJECT', 'ARRAY'));
    if (bad) {
      let s = 0;
      let e = tuple.length;
      const parts = splitTopLevel(tuple);
      let pos = 0;
      for (const p of parts) { if (k < pos + p.length) { s = pos; e = pos + p.length; break; } pos += p.length + 1; }
      throw errors.valuesExpression(tokensText(tuple.slice(s, e)));
    }
  }
}

async function targetColumns(session, ref, listToks) {
  const cols = await session.catalog.columns(session, ref);
  if (!listToks) return cols;
  const byName = new Map(cols.map((c) => [c.name, c]));
  return splitTopLevel(listToks).map((p) => {
    const name = identOf(p[p.length - 1]);
    const c = byName.get(name);
    if (!c) throw errors.invalidIdentifier(name);
    return c;
  });
}

// Conversion of a source expression of DuckDB type srcType into a target column.
function convert(expr, target, srcType) {
  const tgt = String(target.duckType).toUpperCase();
  const src = srcType ? String(srcType).toUpperCase() : null;
  if (tgt === 'JSON') return src === 'JSON' ? expr : `to_json(${expr})`;
  if (tgt === 'VARCHAR') return src === null || src === 'JSON' ? `sf_varchar(${expr})` : expr;
  return expr;
}

export async function runInsert(session, toks, binds) {
  let i = 1;
  let overwrite = false;
  if (isWord(toks[i], 'OVERWRITE')) { overwrite = true; i++; }
  if (isWord(toks[i], 'ALL', 'FIRST')) throw errors.unsupported('multi-table INSERT');
  if (!isWord(toks[i], 'INTO')) throw syntaxAt(toks[i]);
  const { parts, next } = parseObjectName(toks, i + 1);
  i = next;
  const ref = await session.catalog.resolve(session, parts, 'INSERT');
  session.requireWarehouse();
  let listToks = null;
  if (isOp(toks[i], '(') && !isWord(toks[i + 1], 'SELECT', 'WITH')) {
    const j = matchParen(toks, i);
    listToks = toks.slice(i + 1, j);
    i = j + 1;
  }
  const cols = await targetColumns(session, ref, listToks);
  const source = toks.slice(i);
  if (!source.length) throw syntaxAt(toks[i]);

  let srcSql;
  if (isWord(source[0], 'VALUES')) {
    const tuples = splitTopLevel(source.slice(1));
    for (const tp of tuples) {
      if (!isOp(tp[0], '(') || matchParen(tp, 0) !== tp.length - 1) throw syntaxAt(tp[0]);
      checkValuesTuple(tp.slice(1, -1));
    }
    const arrayRows = binds.arrayRows();
    const rows = arrayRows === null ? 1 : arrayRows;
    if (tuples.length * rows > 16384) throw errors.tooManyValues(tuples.length * rows);
    const rendered = [];
    const first = binds.next;
    for (let r = 0; r < rows; r++) {
      if (arrayRows !== null) { binds.row = r; binds.next = first; }
      const tr = session.translator(binds, 'INSERT', new Set());
      rendered.push(await tr.expr(source.slice(1)));
    }
    binds.row = null;
    srcSql = `SELECT * FROM (VALUES ${rendered.join(', ')})`;
  } else {
    const tr = session.translator(binds, 'SELECT', cteNames(source));
    srcSql = await tr.expr(source);
  }
  const desc = await session.conn.runAndReadAll(`DESCRIBE SELECT * FROM (${srcSql}) AS __src`);
  const srcTypes = desc.getRowsJson().map((r) => r[1]);
  if (srcTypes.length !== cols.length) throw errors.insertCount(cols.length, srcTypes.length);
  const aliases = srcTypes.map((_, k) => `c${k + 1}`);
  const select = cols.map((c, k) => convert(qi(aliases[k]), c, srcTypes[k])).join(', ');
  if (overwrite) await session.conn.run(`DELETE FROM ${ref.sql}`);
  const r = await session.conn.run(
    `INSERT INTO ${ref.sql} (${cols.map((c) => qi(c.duckName)).join(', ')}) SELECT ${select} FROM (${srcSql}) AS __src(${aliases.map(qi).join(', ')})`);
  return dmlResult({ inserted: r.rowsChanged });
}

// Splits tokens at top-level occurrences of a keyword.
function splitAtWord(toks, word) {
  const parts = [];
  let cur = [];
  let depth = 0;
  for (const t of toks) {
    if (isOp(t, '(')) depth++;
    if (isOp(t, ')')) depth--;
    if (depth === 0 && isWord(t, word)) { parts.push(cur); cur = []; continue; }
    cur.push(t);
  }
  parts.push(cur);
  return parts;
}

function indexOfWord(toks, start, ...words) {
  let depth = 0;
  for (let k = start; k < toks.length; k++) {
    if (isOp(toks[k], '(')) depth++;
    if (isOp(toks[k], ')')) depth--;
    if (depth === 0 && isWord(toks[k], ...words)) return k;
  }
  return -1;
}

const ALIAS_STOP = new Set(['USING', 'ON', 'SET', 'WHERE', 'FROM', 'WHEN']);
function parseAlias(toks, i) {
  if (isWord(toks[i], 'AS')) return { alias: identOf(toks[i + 1]), next: i + 2 };
  if (toks[i] && (toks[i].type === 'qident' || (toks[i].type === 'word' && !ALIAS_STOP.has(toks[i].upper)))) {
    return { alias: identOf(toks[i]), next: i + 1 };
  }
  return { alias: null, next: i };
}

// Parses "col = expr, ..." assignments; the target may be qualified (t.col).
function parseAssignments(toks) {
  return splitTopLevel(toks).map((p) => {
    const eq = p.findIndex((t) => isOp(t, '='));
    if (eq < 1) throw syntaxAt(p[0]);
    return { column: identOf(p[eq - 1]), expr: p.slice(eq + 1) };
  });
}

export async function runMerge(session, toks, binds) {
  if (!isWord(toks[1], 'INTO')) throw syntaxAt(toks[1]);
  const ctes = new Set();
  const tr = session.translator(binds, 'MERGE', ctes);
  let { parts, next: i } = parseObjectName(toks, 2);
  const target = await session.catalog.resolve(session, parts, 'MERGE');
  session.requireWarehouse();
  let { alias: tAlias, next } = parseAlias(toks, i);
  i = next;
  const tq = qenc(tAlias || target.name);
  if (!isWord(toks[i], 'USING')) throw syntaxAt(toks[i]);
  i++;
  let sourceSql;
  if (isOp(toks[i], '(')) {
    const j = matchParen(toks, i);
    const inner = toks.slice(i + 1, j);
    const sub = session.translator(binds, 'SELECT', cteNames(inner));
    sourceSql = `(${await sub.expr(inner)})`;
    i = j + 1;
  } else {
    const r = parseObjectName(toks, i);
    const src = await session.catalog.resolve(session, r.parts, 'MERGE');
    sourceSql = src.sql;
    i = r.next;
    const a = parseAlias(toks, i);
    if (!a.alias) sourceSql += ` AS ${qenc(src.name)}`;
  }
  const sa = parseAlias(toks, i);
  if (sa.alias) sourceSql += ` AS ${qenc(sa.alias)}`;
  i = sa.next;
  if (!isWord(toks[i], 'ON')) throw syntaxAt(toks[i]);
  const whenAt = indexOfWord(toks, i + 1, 'WHEN');
  if (whenAt < 0) throw syntaxAt(toks[toks.length - 1]);
  const condSql = await tr.expr(toks.slice(i + 1, whenAt));
  const cols = await session.catalog.columns(session, target);
  const byName = new Map(cols.map((c) => [c.name, c]));
  const clauses = [];
  let hasMatched = false;
  let hasDelete = false;
  for (const clause of splitAtWord(toks.slice(whenAt), 'WHEN').slice(1)) {
    let k = 0;
    let notMatched = false;
    if (isWord(clause[k], 'NOT')) { notMatched = true; k++; }
    if (!isWord(clause[k], 'MATCHED')) throw syntaxAt(clause[k]);
    k++;
    const thenAt = indexOfWord(clause, k, 'THEN');
    if (thenAt < 0) throw syntaxAt(clause[k]);
    let sql = `WHEN ${notMatched ? 'NOT ' : ''}MATCHED`;
    if (isWord(clause[k], 'AND')) sql += ` AND ${await tr.expr(clause.slice(k + 1, thenAt))}`;
    const action = clause.slice(thenAt + 1);
    if (!notMatched && isWord(action[0], 'UPDATE') && isWord(action[1], 'SET')) {
      hasMatched = true;
      const sets = [];
      for (const a of parseAssignments(action.slice(2))) {
        const c = byName.get(a.column);
        if (!c) throw errors.invalidIdentifier(a.column);
        sets.push(`${qi(c.duckName)} = ${convert(`(${await tr.expr(a.expr)})`, c, null)}`);
      }
      sql += ` THEN UPDATE SET ${sets.join(', ')}`;
    } else if (!notMatched && isWord(action[0], 'DELETE') && action.length === 1) {
      hasMatched = true;
      hasDelete = true;
      sql += ' THEN DELETE';
    } else if (notMatched && isWord(action[0], 'INSERT')) {
      let a = 1;
      let icols = cols;
      if (isOp(action[a], '(')) {
        const j = matchParen(action, a);
        icols = await targetColumns(session, target, action.slice(a + 1, j));
        a = j + 1;
      }
      if (!isWord(action[a], 'VALUES') || !isOp(action[a + 1], '(')) throw syntaxAt(action[a]);
      const j = matchParen(action, a + 1);
      const exprs = splitTopLevel(action.slice(a + 2, j));
      if (exprs.length !== icols.length) throw errors.insertCount(icols.length, exprs.length);
      const vals = [];
      for (let e = 0; e < exprs.length; e++) vals.push(convert(`(${await tr.expr(exprs[e])})`, icols[e], null));
      sql += ` THEN INSERT (${icols.map((c) => qi(c.duckName)).join(', ')}) VALUES (${vals.join(', ')})`;
    } else {
      throw syntaxAt(action[0]);
    }
    clauses.push(sql);
  }
  const targetSql = `${target.sql} AS ${tq}`;
  if (hasMatched) {
    // ERROR_ON_NONDETERMINISTIC_MERGE (default TRUE): a target row joined by several source rows.
    const dup = await session.conn.runAndReadAll(
      `SELECT 1 FROM ${targetSql} JOIN ${sourceSql} ON ${condSql} GROUP BY ${tq}.rowid HAVING count(*) > 1 LIMIT 1`);
    if (dup.currentRowCount > 0) throw errors.duplicateMergeRow();
  }
  const reader = await session.conn.runAndReadAll(
    `MERGE INTO ${targetSql} USING ${sourceSql} ON ${condSql} ${clauses.join(' ')} RETURNING merge_action`);
  const counts = { inserted: 0, updated: 0 };
  if (hasDelete) counts.deleted = 0;
  for (const [action] of reader.getRows()) {
    if (action === 'INSERT') counts.inserted++;
    else if (action === 'UPDATE') counts.updated++;
    else if (action === 'DELETE') counts.deleted++;
  }
  return dmlResult(counts);
}

export async function runUpdate(session, toks, binds) {
  const tr = session.translator(binds, 'UPDATE', new Set());
  let { parts, next: i } = parseObjectName(toks, 1);
  const target = await session.catalog.resolve(session, parts, 'UPDATE');
  session.requireWarehouse();
  const a = parseAlias(toks, i);
  i = a.next;
  if (!isWord(toks[i], 'SET')) throw syntaxAt(toks[i]);
  const end = indexOfWord(toks, i + 1, 'FROM', 'WHERE');
  const cols = await session.catalog.columns(session, target);
  const byName = new Map(cols.map((c) => [c.name, c]));
  const sets = [];
  for (const as of parseAssignments(toks.slice(i + 1, end < 0 ? toks.length : end))) {
    const c = byName.get(as.column);
    if (!c) throw errors.invalidIdentifier(as.column);
    sets.push(`${qi(c.duckName)} = ${convert(`(${await tr.expr(as.expr)})`, c, null)}`);
  }
  const rest = end < 0 ? '' : await tr.expr(toks.slice(end));
  const aliasSql = a.alias ? ` AS ${qenc(a.alias)}` : '';
  const r = await session.conn.run(`UPDATE ${target.sql}${aliasSql} SET ${sets.join(', ')} ${rest}`);
  return dmlResult({ updated: r.rowsChanged, multiUpdated: 0 });
}

export async function runDelete(session, toks, binds) {
  if (!isWord(toks[1], 'FROM')) throw syntaxAt(toks[1]);
  const tr = session.translator(binds, 'DELETE', new Set());
  const sql = await tr.expr(toks);
  session.requireWarehouse();
  const r = await session.conn.run(sql);
  return dmlResult({ deleted: r.rowsChanged });
}

// GoogleSQL -> DuckDB translation for the subset a loader uses (see README "Supported SQL").
// Works on tokens: table names are resolved (and checked) where GoogleSQL expects a table, a small set of
// functions/types/literals is rewritten, everything else passes through to DuckDB unchanged.
import { JobError } from './errors.mjs';
import { DUCK_TYPE, canonicalType, validateFieldName } from './schema.mjs';
import { qi, ql, qtable } from './db.mjs';

// ---------------------------------------------------------------- tokenizer

const OPS3 = new Set(['>>=', '<<=']);
const OPS2 = new Set(['<=', '>=', '<>', '!=', '||', '=>', '<<', '>>', '->']);

function unescape(body, pos, text) {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') { out += c; continue; }
    const n = body[++i];
    const simple = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '?': '?', '"': '"', "'": "'", '`': '`' };
    if (n in simple) out += simple[n];
    else if (n === 'x' || n === 'X') { out += String.fromCharCode(parseInt(body.substr(i + 1, 2), 16)); i += 2; }
    else if (n === 'u') { out += String.fromCodePoint(parseInt(body.substr(i + 1, 4), 16)); i += 4; }
    else if (n === 'U') { out += String.fromCodePoint(parseInt(body.substr(i + 1, 8), 16)); i += 8; }
    else if (/[0-7]/.test(n)) { out += String.fromCharCode(parseInt(body.substr(i, 3), 8)); i += 2; }
    else throw syntaxError(`Illegal escape sequence: \\${n}`, pos, text);
  }
  return out;
}

export function lineCol(text, offset) {
  let line = 1, col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') { line++; col = 1; } else col++;
  }
  return `[${line}:${col}]`;
}

function syntaxError(msg, pos, text) {
  return new JobError('invalidQuery', `Syntax error: ${msg} at ${lineCol(text, pos)}`, { location: 'query' });
}

/** Tokens: {t: 'id'|'qid'|'str'|'num'|'op'|'param', v, s (offset), e}. Comments and whitespace are dropped. */
export function tokenize(text) {
  const toks = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '#' || (c === '-' && text[i + 1] === '-')) {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw syntaxError('Unclosed comment', i, text);
      i = end + 2;
      continue;
    }
    const start = i;
    // String literals, with optional r/b prefixes and triple quotes.
    const pm = /^([rRbB]{1,2})?('''|"""|'|")/.exec(text.slice(i, i + 5));
    if (pm && (!pm[1] || /^(r|b|rb|br)$/i.test(pm[1]))) {
      const prefix = (pm[1] || '').toLowerCase();
      const q = pm[2];
      let j = i + pm[0].length;
      let body = '';
      for (;;) {
        if (j >= n) throw syntaxError('Unclosed string literal', start, text);
        if (text.startsWith(q, j)) break;
        if (text[j] === '\\' && !prefix.includes('r')) { body += text[j] + text[j + 1]; j += 2; continue; }
        if (text[j] === '\\') { body += text[j] + (text[j + 1] ?? ''); j += 2; continue; }
        if (q.length === 1 && text[j] === '\n') throw syntaxError('Unclosed string literal', start, text);
        body += text[j++];
      }
      i = j + q.length;
      const v = prefix.includes('r') ? body : unescape(body, start, text);
      toks.push({ t: 'str', v, bytes: prefix.includes('b'), s: start, e: i });
      continue;
    }
    if (c === '`') {
      let j = i + 1, body = '';
      for (;;) {
        if (j >= n) throw syntaxError('Unclosed identifier literal', start, text);
        if (text[j] === '`') break;
        if (text[j] === '\\') { body += text[j] + text[j + 1]; j += 2; continue; }
        body += text[j++];
      }
      i = j + 1;
      if (body === '') throw syntaxError('Invalid empty identifier', start, text);
      toks.push({ t: 'qid', v: unescape(body, start, text), s: start, e: i });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_]/.test(text[j])) j++;
      toks.push({ t: 'id', v: text.slice(i, j), s: i, e: j });
      i = j;
      continue;
    }
    const num = /^(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
    if (num && (/\d/.test(c) || (c === '.' && /\d/.test(text[i + 1] || '')))) {
      toks.push({ t: 'num', v: num[0], s: i, e: i + num[0].length });
      i += num[0].length;
      continue;
    }
    if (c === '@') {
      const m = /^@@?[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i, i + 300));
      if (!m) throw syntaxError('Unexpected "@"', i, text);
      toks.push({ t: 'param', v: m[0], s: i, e: i + m[0].length });
      i += m[0].length;
      continue;
    }
    if (c === '?') { toks.push({ t: 'param', v: '?', s: i, e: i + 1 }); i++; continue; }
    const three = text.slice(i, i + 3), two = text.slice(i, i + 2);
    const op = OPS3.has(three) ? three : OPS2.has(two) ? two : c;
    if (!/[()[\]{},.;=<>+\-*/%~&|^:!]/.test(op[0])) throw syntaxError(`Illegal input character "${c}"`, i, text);
    toks.push({ t: 'op', v: op, s: i, e: i + op.length });
    i += op.length;
  }
  return toks;
}

/** Splits tokens into statements at top-level ";". */
export function splitStatements(toks) {
  const out = [];
  let cur = [], depth = 0;
  for (const t of toks) {
    if (t.t === 'op' && t.v === '(') depth++;
    if (t.t === 'op' && t.v === ')') depth--;
    if (t.t === 'op' && t.v === ';' && depth <= 0) {
      if (cur.length) out.push(cur);
      cur = [];
      continue;
    }
    cur.push(t);
  }
  if (cur.length) out.push(cur);
  return out;
}

// ---------------------------------------------------------------- helpers

const isKw = (t, ...words) => t && t.t === 'id' && words.includes(t.v.toUpperCase());
const isOp = (t, v) => t && t.t === 'op' && t.v === v;

const FROM_LIST_END = new Set(['WHERE', 'GROUP', 'HAVING', 'QUALIFY', 'WINDOW', 'ORDER', 'LIMIT', 'UNION', 'INTERSECT', 'EXCEPT',
  'ON', 'USING', 'SET', 'WHEN', 'SELECT', 'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'VALUES']);
const LITERAL_TYPES = new Set(['DATE', 'TIME', 'DATETIME', 'TIMESTAMP', 'NUMERIC', 'BIGNUMERIC', 'DECIMAL', 'BIGDECIMAL', 'JSON']);
const INT_ALIASES = new Set(['INT', 'SMALLINT', 'INTEGER', 'BIGINT', 'TINYINT', 'BYTEINT']);
const UNITS = new Set(['MICROSECOND', 'MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR', 'DAYOFWEEK', 'DAYOFYEAR', 'ISOWEEK', 'ISOYEAR', 'DATE', 'TIME']);

/** Function rewrites: name -> (args: translated strings, raw: token ranges) => DuckDB SQL. */
const FUNCS = {
  TIMESTAMP: (a) => (a.length === 1 ? `CAST(${a[0]} AS TIMESTAMPTZ)` : `timezone(${a[1]}, CAST(${a[0]} AS TIMESTAMP))`),
  DATE: (a) => (a.length === 3 ? `make_date(${a.join(', ')})` : a.length === 2 ? `CAST(timezone(${a[1]}, ${a[0]}) AS DATE)` : `CAST(${a[0]} AS DATE)`),
  DATETIME: (a) => (a.length === 1 ? `CAST(${a[0]} AS TIMESTAMP)` : `(${a[0]} + ${a[1]})`),
  STRING: (a) => `CAST(${a[0]} AS VARCHAR)`,
  PARSE_JSON: (a) => `CAST(${a[0]} AS JSON)`,
  TO_JSON_STRING: (a) => `CAST(to_json(${a[0]}) AS VARCHAR)`,
  TO_JSON: (a) => `to_json(${a[0]})`,
  JSON_VALUE: (a) => `bq_json_value(${a[0]}, ${a[1] || "'$'"})`,
  JSON_EXTRACT_SCALAR: (a) => `bq_json_value(${a[0]}, ${a[1] || "'$'"})`,
  JSON_QUERY: (a) => `json_extract(CAST(${a[0]} AS JSON), ${a[1]})`,
  JSON_EXTRACT: (a) => `json_extract(CAST(${a[0]} AS JSON), ${a[1]})`,
  CURRENT_TIMESTAMP: () => 'get_current_timestamp()',
  CURRENT_DATE: () => 'current_date',
  GENERATE_UUID: () => 'CAST(gen_random_uuid() AS VARCHAR)',
  TIMESTAMP_ADD: (a) => `(${a[0]} + ${a[1]})`,
  DATETIME_ADD: (a) => `(${a[0]} + ${a[1]})`,
  TIMESTAMP_SUB: (a) => `(${a[0]} - ${a[1]})`,
  DATETIME_SUB: (a) => `(${a[0]} - ${a[1]})`,
  DATE_ADD: (a) => `CAST(${a[0]} + ${a[1]} AS DATE)`,
  DATE_SUB: (a) => `CAST(${a[0]} - ${a[1]} AS DATE)`,
  TIMESTAMP_DIFF: (a) => `date_sub(${ql(a[2].toLowerCase())}, ${a[1]}, ${a[0]})`,
  DATETIME_DIFF: (a) => `date_sub(${ql(a[2].toLowerCase())}, ${a[1]}, ${a[0]})`,
  DATE_DIFF: (a) => `date_diff(${ql(a[2].toLowerCase())}, ${a[1]}, ${a[0]})`,
  TIMESTAMP_TRUNC: (a) => `date_trunc(${ql(a[1].toLowerCase())}, ${a[0]})`,
  DATETIME_TRUNC: (a) => `date_trunc(${ql(a[1].toLowerCase())}, ${a[0]})`,
  DATE_TRUNC: (a) => `CAST(date_trunc(${ql(a[1].toLowerCase())}, ${a[0]}) AS DATE)`,
  UNIX_SECONDS: (a) => `CAST(floor(epoch(${a[0]})) AS BIGINT)`,
  UNIX_MILLIS: (a) => `epoch_ms(${a[0]})`,
  UNIX_MICROS: (a) => `epoch_us(${a[0]})`,
  TIMESTAMP_SECONDS: (a) => `to_timestamp(${a[0]})`,
  TIMESTAMP_MILLIS: (a) => `CAST(make_timestamp(CAST(${a[0]} AS BIGINT) * 1000) AS TIMESTAMPTZ)`,
  TIMESTAMP_MICROS: (a) => `CAST(make_timestamp(CAST(${a[0]} AS BIGINT)) AS TIMESTAMPTZ)`,
  FORMAT_TIMESTAMP: (a) => `strftime(${a[1]}, ${a[0]})`,
  PARSE_TIMESTAMP: (a) => `CAST(strptime(${a[1]}, ${a[0]}) AS TIMESTAMPTZ)`,
  SAFE_DIVIDE: (a) => `bq_safe_divide(${a[0]}, ${a[1]})`,
  DIV: (a) => `(${a[0]} // ${a[1]})`,
  IF: (a) => `(CASE WHEN ${a[0]} THEN ${a[1]} ELSE ${a[2]} END)`,
  COUNTIF: (a) => `count_if(${a[0]})`,
  LOGICAL_OR: (a) => `bool_or(${a[0]})`,
  LOGICAL_AND: (a) => `bool_and(${a[0]})`,
  REGEXP_CONTAINS: (a) => `regexp_matches(${a[0]}, ${a[1]})`,
  ARRAY_LENGTH: (a) => `len(${a[0]})`,
  BYTE_LENGTH: (a) => `octet_length(${a[0]})`,
  CHAR_LENGTH: (a) => `length(${a[0]})`,
};
// Functions whose last/2nd argument is a date part keyword, not an expression.
const UNIT_ARG = { TIMESTAMP_DIFF: 2, DATETIME_DIFF: 2, DATE_DIFF: 2, TIMESTAMP_TRUNC: 1, DATETIME_TRUNC: 1, DATE_TRUNC: 1 };

const UNSUPPORTED_STATEMENTS = new Set(['DECLARE', 'SET', 'IF', 'LOOP', 'WHILE', 'REPEAT', 'FOR', 'CALL', 'EXECUTE', 'EXPORT', 'LOAD',
  'GRANT', 'REVOKE', 'ASSERT', 'RAISE', 'RETURN', 'BREAK', 'CONTINUE', 'LEAVE', 'ITERATE', 'UNDROP', 'CASE']);

// ---------------------------------------------------------------- translator

/**
 * Translates one statement. `env`:
 *   project           the job's project (default project for 2-part names)
 *   principalProject  the caller's project (other projects -> accessDenied)
 *   defaultDataset    {projectId, datasetId} or null
 *   location          job location, for "not found in location" messages
 *   datasetExists(p, d), tables (Set "p.d.t"), temps (Set of lower-case temp table names), ctes (per statement)
 *   params            {named: Map(lower name -> sql literal), positional: [sql literal]}
 *   text              the whole script (for [line:col] positions)
 * Returns {kind, statementType, sql: [statements], target?, mergeCheck?, createsTemp?, dropsTemp?, fieldDescriptions?}.
 */
export class Translator {
  constructor(toks, env) {
    this.toks = toks;
    this.env = env;
    this.match = new Array(toks.length).fill(-1);
    const stack = [];
    toks.forEach((t, i) => {
      if (isOp(t, '(')) stack.push(i);
      else if (isOp(t, ')')) {
        if (!stack.length) throw this.err('Unexpected ")"', i);
        this.match[stack.pop()] = i;
      }
    });
    if (stack.length) throw this.err('Expected ")" but got end of statement', toks.length - 1);
    this.referenced = new Map();
    this.positional = 0;
    this.ctes = this.collectCtes();
  }

  err(msg, i, reason = 'invalidQuery') {
    const t = this.toks[Math.min(Math.max(i, 0), this.toks.length - 1)];
    const where = reason === 'invalidQuery' && t && !msg.includes(' at [') ? ` at ${lineCol(this.env.text, t.s)}` : '';
    return new JobError(reason, `${msg}${where}`, { location: 'query' });
  }

  collectCtes() {
    const names = new Set();
    const T = this.toks;
    for (let i = 0; i < T.length; i++) {
      if (!isKw(T[i], 'WITH')) continue;
      let j = i + 1;
      if (isKw(T[j], 'RECURSIVE')) j++;
      while (j < T.length && (T[j].t === 'id' || T[j].t === 'qid') && isKw(T[j + 1], 'AS') && isOp(T[j + 2], '(')) {
        names.add(T[j].v.toLowerCase());
        j = this.match[j + 2] + 1;
        if (!isOp(T[j], ',')) break;
        j++;
      }
    }
    return names;
  }

  // ---- table names

  /** Reads a table path starting at i: id/qid ("." id/qid)*; a backtick part may hold dots. */
  readPath(i) {
    const T = this.toks;
    const parts = [];
    let j = i;
    for (;;) {
      const t = T[j];
      if (!t || (t.t !== 'id' && t.t !== 'qid')) throw this.err('Syntax error: Expected a table name', j);
      if (t.t === 'qid') parts.push(...t.v.split('.'));
      else parts.push(t.v);
      j++;
      if (isOp(T[j], '.') && T[j + 1] && (T[j + 1].t === 'id' || T[j + 1].t === 'qid')) { j++; continue; }
      break;
    }
    return { parts, next: j, quoted: T[i].t === 'qid' };
  }

  /**
   * Resolves a table path to DuckDB SQL and checks it exists. role: 'read'|'target'|'create'|'drop-if-exists'.
   * Returns {sql, p, d, t, temp}.
   */
  resolveTable(i, role) {
    const { parts, next } = this.readPath(i);
    const env = this.env;
    if (parts.some((x) => x.toUpperCase() === 'INFORMATION_SCHEMA')) {
      throw this.err('INFORMATION_SCHEMA views are not supported by the BigQuery fake (use tables.get)', i);
    }
    if (parts.length === 1) {
      const name = parts[0];
      if (this.ctes.has(name.toLowerCase()) && role === 'read') return { sql: qi(name), next, cte: true };
      if (env.temps.has(name.toLowerCase())) return { sql: `temp.main.${qi(name)}`, next, temp: true, t: name };
      if (role === 'create-temp') return { sql: qi(name), next, temp: true, t: name };
      if (!env.defaultDataset) {
        throw this.err(`Table "${name}" must be qualified with a dataset (e.g. dataset.table).`, i, 'invalid');
      }
      return this.checkTable(env.defaultDataset.projectId, env.defaultDataset.datasetId, name, role, i, next);
    }
    if (role === 'create-temp') throw this.err(`Temporary table name ${parts.join('.')} must not be qualified`, i);
    if (parts.length === 2) return this.checkTable(env.project, parts[0], parts[1], role, i, next);
    if (parts.length === 3) return this.checkTable(parts[0], parts[1], parts[2], role, i, next);
    throw this.err(`Invalid table name: ${parts.join('.')}`, i);
  }

  checkTable(p, d, t, role, i, next) {
    const env = this.env;
    if (p !== env.principalProject) {
      throw this.err(`Access Denied: Table ${p}:${d}.${t}: User does not have permission to query table ${p}:${d}.${t}, or perhaps it does not exist.`, i, 'accessDenied');
    }
    if (!env.datasetExists(p, d)) {
      throw this.err(`Not found: Dataset ${p}:${d} was not found in location ${env.location}`, i, 'notFound');
    }
    const exists = env.tables.has(`${p}.${d}.${t}`);
    if (!exists && (role === 'read' || role === 'target')) {
      throw this.err(`Not found: Table ${p}:${d}.${t} was not found in location ${env.location}`, i, 'notFound');
    }
    this.referenced.set(`${p}.${d}.${t}`, { projectId: p, datasetId: d, tableId: t });
    return { sql: qtable(p, d, t), next, p, d, t, exists };
  }

  // ---- generic translation

  /** Translates tokens [i, j) to DuckDB SQL. opts.noFromTable: FROM is not a table clause (EXTRACT). */
  tr(i, j, opts = {}) {
    const T = this.toks;
    const out = [];
    let expect = null; // 'from' | 'target'
    let depth = 0;
    let commaDepth = null; // FROM-list depth where "," introduces another table
    const stmtStart = opts.stmtStart === true;
    for (let k = i; k < j; k++) {
      const t = T[k];
      const prev = T[k - 1];
      const afterDot = isOp(prev, '.');
      if (isOp(t, '(')) depth++;
      if (isOp(t, ')')) { depth--; if (commaDepth !== null && depth < commaDepth) commaDepth = null; }

      // Table positions.
      if (expect && (t.t === 'id' || t.t === 'qid') && !(t.t === 'id' && FROM_LIST_END.has(t.v.toUpperCase()))) {
        const { next } = this.readPath(k);
        if (expect === 'target' || !isOp(T[next], '(')) {
          const r = this.resolveTable(k, expect === 'target' ? 'target' : 'read');
          out.push(r.sql);
          if (expect === 'target' && !this.target && !r.cte) this.target = r;
          if (expect === 'from') commaDepth = depth;
          expect = null;
          k = r.next - 1;
          continue;
        }
      }
      expect = null;

      if (t.t === 'id' && !afterDot) {
        const up = t.v.toUpperCase();
        if (commaDepth !== null && depth === commaDepth && FROM_LIST_END.has(up)) commaDepth = null;
        if (up === 'FROM' && !opts.noFromTable) { out.push('FROM'); expect = 'from'; continue; }
        if (up === 'JOIN') { out.push('JOIN'); expect = 'from'; continue; }
        if (up === 'INTO') { out.push('INTO'); expect = 'target'; continue; }
        if (stmtStart && k === i) {
          if (up === 'UPDATE') { out.push('UPDATE'); expect = 'target'; continue; }
          if (up === 'DELETE') {
            out.push('DELETE FROM');
            if (isKw(T[k + 1], 'FROM')) k++;
            expect = 'target';
            continue;
          }
          if (up === 'INSERT') {
            out.push('INSERT INTO');
            if (isKw(T[k + 1], 'INTO')) k++;
            if (isKw(T[k + 1], 'ROW')) throw this.err('INSERT ROW is not supported by the BigQuery fake', k + 1);
            expect = 'target';
            continue;
          }
        }
        // Typed literals: TIMESTAMP '...', DATE '...', JSON '...', NUMERIC '...'.
        if (LITERAL_TYPES.has(up) && T[k + 1] && T[k + 1].t === 'str') {
          out.push(`CAST(${ql(T[k + 1].v)} AS ${this.duckType(canonicalType(up === 'BIGDECIMAL' ? 'BIGNUMERIC' : up), k)})`);
          k++;
          continue;
        }
        // SAFE.fn(...): NULL instead of an error.
        if (up === 'SAFE' && isOp(T[k + 1], '.') && T[k + 2] && T[k + 2].t === 'id' && isOp(T[k + 3], '(')) {
          const fn = T[k + 2].v.toUpperCase();
          const close = this.match[k + 3];
          const args = this.args(k + 4, close, fn);
          if (fn === 'PARSE_JSON') out.push(`TRY_CAST(${args[0]} AS JSON)`);
          else out.push(`try(${FUNCS[fn] ? FUNCS[fn](args) : `${T[k + 2].v}(${args.join(', ')})`})`);
          k = close;
          continue;
        }
        if (isOp(T[k + 1], '(')) {
          const close = this.match[k + 1];
          if (up === 'CAST' || up === 'SAFE_CAST') {
            out.push(this.cast(k + 2, close, up === 'SAFE_CAST'));
            k = close;
            continue;
          }
          if (up === 'EXTRACT') {
            out.push(`EXTRACT(${this.tr(k + 2, close, { noFromTable: true })})`);
            k = close;
            continue;
          }
          if (FUNCS[up]) {
            out.push(FUNCS[up](this.args(k + 2, close, up)));
            k = close;
            continue;
          }
        }
        // SELECT * EXCEPT (...) is DuckDB's EXCLUDE.
        if (up === 'EXCEPT' && isOp(prev, '*') && isOp(T[k + 1], '(')) { out.push('EXCLUDE'); continue; }
      }
      if (isOp(t, ',') && commaDepth !== null && depth === commaDepth) { out.push(','); expect = 'from'; continue; }
      if (t.t === 'param') { out.push(this.param(t, k)); continue; }
      out.push(this.emit(t));
    }
    return join(out);
  }

  emit(t) {
    if (t.t === 'qid') return qi(t.v);
    if (t.t === 'str') return t.bytes ? `CAST(${ql(t.v)} AS BLOB)` : ql(t.v);
    return t.v;
  }

  /** Splits call arguments at top-level commas and translates each. */
  args(i, close, fn) {
    const ranges = [];
    let start = i, depth = 0;
    for (let k = i; k < close; k++) {
      if (isOp(this.toks[k], '(') || isOp(this.toks[k], '[')) depth++;
      else if (isOp(this.toks[k], ')') || isOp(this.toks[k], ']')) depth--;
      else if (isOp(this.toks[k], ',') && depth === 0) { ranges.push([start, k]); start = k + 1; }
    }
    if (close > start) ranges.push([start, close]);
    const unitIdx = UNIT_ARG[fn];
    return ranges
      .filter(([a, b]) => !(b - a >= 2 && isOp(this.toks[a + 1], '=>'))) // named args (e.g. wide_number_mode) are dropped
      .map(([a, b], n) => {
        if (n === unitIdx) {
          const u = this.toks[a];
          if (b - a !== 1 || u.t !== 'id' || !UNITS.has(u.v.toUpperCase())) throw this.err(`A valid date part name is required but found ${u ? u.v : 'nothing'}`, a);
          return u.v.toUpperCase();
        }
        return this.tr(a, b);
      });
  }

  cast(i, close, safe) {
    let asIdx = -1, depth = 0;
    for (let k = i; k < close; k++) {
      if (isOp(this.toks[k], '(')) depth++;
      else if (isOp(this.toks[k], ')')) depth--;
      else if (depth === 0 && isKw(this.toks[k], 'AS')) asIdx = k;
    }
    if (asIdx < 0) throw this.err('Syntax error: Expected keyword AS', close);
    const type = this.typeSql(asIdx + 1, close);
    return `${safe ? 'TRY_CAST' : 'CAST'}(${this.tr(i, asIdx)} AS ${type})`;
  }

  /** A GoogleSQL type (tokens [i, j)) as a DuckDB type. */
  typeSql(i, j) {
    const t = this.toks[i];
    if (!t || t.t !== 'id') throw this.err('Syntax error: Expected a type name', i);
    const up = t.v.toUpperCase();
    if (up === 'ARRAY' && isOp(this.toks[i + 1], '<') && isOp(this.toks[j - 1], '>')) return `${this.typeSql(i + 2, j - 1)}[]`;
    // Parameterized types (STRING(10), NUMERIC(10, 2)) keep the BigQuery type's storage.
    if (j - i > 1 && !(isOp(this.toks[i + 1], '(') && this.match[i + 1] === j - 1)) throw this.err(`Type ${this.toks.slice(i, j).map((x) => x.v).join(' ')} is not supported by the BigQuery fake`, i);
    return this.duckType(INT_ALIASES.has(up) ? 'INTEGER' : canonicalType(up), i, t.v);
  }

  duckType(canonical, i, name) {
    const d = canonical && DUCK_TYPE[canonical];
    if (!d) throw this.err(`Type not found: ${name || canonical}`, i);
    return d;
  }

  param(t, k) {
    const P = this.env.params;
    if (t.v === '?') {
      const v = P.positional[this.positional++];
      if (v === undefined) throw this.err('Query has more positional parameters than provided in queryParameters', k);
      return v;
    }
    if (t.v.startsWith('@@')) throw this.err(`System variable ${t.v} is not supported by the BigQuery fake`, k);
    const v = P.named.get(t.v.slice(1).toLowerCase());
    if (v === undefined) throw this.err(`Query parameter '${t.v.slice(1)}' not found`, k);
    return v;
  }

  // ---- statements

  translate() {
    const T = this.toks;
    const first = T[0];
    const up = first.t === 'id' ? first.v.toUpperCase() : '';
    const n = T.length;
    if (up === 'BEGIN' && (n === 1 || (n === 2 && isKw(T[1], 'TRANSACTION')))) return { kind: 'begin' };
    if ((up === 'COMMIT' || up === 'ROLLBACK') && (n === 1 || (n === 2 && isKw(T[1], 'TRANSACTION')))) return { kind: up.toLowerCase() };
    if (up === 'BEGIN' || up === 'END') throw this.err('BEGIN...END blocks are not supported by the BigQuery fake', 0);
    if (UNSUPPORTED_STATEMENTS.has(up)) throw this.err(`${up} statements are not supported by the BigQuery fake`, 0);
    if (up === 'SELECT' || up === 'WITH' || isOp(first, '(')) {
      return { kind: 'query', statementType: 'SELECT', sql: [this.tr(0, n, { stmtStart: true })] };
    }
    if (up === 'INSERT' || up === 'UPDATE' || up === 'DELETE') {
      if (up !== 'INSERT' && !T.some((t, k) => isKw(t, 'WHERE') && this.depthAt(k) === 0)) {
        throw this.err(`Syntax error: ${up} must have a WHERE clause`, n - 1);
      }
      const sql = this.tr(0, n, { stmtStart: true });
      return { kind: 'dml', statementType: up, sql: [sql], target: this.target };
    }
    if (up === 'MERGE') return this.merge();
    if (up === 'CREATE') return this.create();
    if (up === 'DROP') return this.drop();
    if (up === 'TRUNCATE') {
      if (!isKw(T[1], 'TABLE')) throw this.err('Syntax error: Expected keyword TABLE', 1);
      const r = this.resolveTable(2, 'target');
      if (r.next !== n) throw this.err('Syntax error: Expected end of statement', r.next);
      return { kind: 'dml', statementType: 'TRUNCATE_TABLE', sql: [`DELETE FROM ${r.sql}`], target: r, ddl: !r.temp };
    }
    if (up === 'ALTER') return this.alter();
    throw this.err(`Syntax error: Unexpected keyword ${first.v}`, 0);
  }

  depthAt(k) {
    let d = 0;
    for (let i = 0; i < k; i++) {
      if (isOp(this.toks[i], '(')) d++;
      else if (isOp(this.toks[i], ')')) d--;
    }
    return d;
  }

  /** Optional alias after a table/subquery: [AS] name, not a keyword. */
  alias(k, stop) {
    const T = this.toks;
    if (isKw(T[k], 'AS')) return { name: T[k + 1].v, next: k + 2 };
    if (T[k] && (T[k].t === 'id' || T[k].t === 'qid') && !(T[k].t === 'id' && stop.includes(T[k].v.toUpperCase()))) return { name: T[k].v, next: k + 1 };
    return { name: null, next: k };
  }

  merge() {
    const T = this.toks;
    let k = 1;
    if (isKw(T[k], 'INTO')) k++;
    const target = this.resolveTable(k, 'target');
    this.target = target;
    const ta = this.alias(target.next, ['USING']);
    k = ta.next;
    if (!isKw(T[k], 'USING')) throw this.err('Syntax error: Expected keyword USING', k);
    k++;
    let source;
    if (isOp(T[k], '(')) {
      const close = this.match[k];
      source = `(${this.tr(k + 1, close)})`;
      k = close + 1;
    } else {
      const r = this.resolveTable(k, 'read');
      source = r.sql;
      k = r.next;
    }
    const sa = this.alias(k, ['ON']);
    k = sa.next;
    if (!isKw(T[k], 'ON')) throw this.err('Syntax error: Expected keyword ON', k);
    const condStart = k + 1;
    let whenIdx = -1, depth = 0;
    for (let m = condStart; m < T.length; m++) {
      if (isOp(T[m], '(')) depth++;
      else if (isOp(T[m], ')')) depth--;
      else if (depth === 0 && isKw(T[m], 'WHEN')) { whenIdx = m; break; }
    }
    if (whenIdx < 0) throw this.err('Syntax error: Expected keyword WHEN', T.length - 1);
    const cond = this.tr(condStart, whenIdx);
    for (let m = whenIdx; m < T.length; m++) {
      if (isKw(T[m], 'INSERT') && isKw(T[m + 1], 'ROW')) throw this.err('INSERT ROW is not supported by the BigQuery fake', m);
    }
    const rest = this.tr(whenIdx, T.length);
    const tAlias = ta.name ? ` AS ${qi(ta.name)}` : '';
    const sAlias = sa.name ? ` AS ${qi(sa.name)}` : '';
    const sql = `MERGE INTO ${target.sql}${tAlias} USING ${source}${sAlias} ON ${cond} ${rest}`;
    // BigQuery fails a MERGE whose WHEN MATCHED clauses would see one target row matched by several source rows.
    const hasMatched = T.some((t, m) => isKw(t, 'WHEN') && isKw(T[m + 1], 'MATCHED'));
    const tName = qi(ta.name || target.t);
    const mergeCheck = hasMatched
      ? `SELECT 1 FROM ${target.sql}${tAlias} JOIN ${source}${sAlias} ON ${cond} GROUP BY ${tName}.rowid HAVING count(*) > 1 LIMIT 1`
      : null;
    return { kind: 'dml', statementType: 'MERGE', sql: [sql], target, mergeCheck };
  }

  /** Column definitions inside CREATE TABLE (...) or after ADD COLUMN: returns {sql, name, description}. */
  columnDef(i, j) {
    const T = this.toks;
    const nameTok = T[i];
    if (!nameTok || (nameTok.t !== 'id' && nameTok.t !== 'qid')) throw this.err('Syntax error: Expected a column name', i);
    try {
      validateFieldName(nameTok.v);
    } catch (e) {
      throw this.err(e.message, i);
    }
    let k = i + 1;
    let typeEnd = k;
    while (typeEnd < j && !isKw(T[typeEnd], 'NOT', 'DEFAULT', 'OPTIONS', 'PRIMARY', 'REFERENCES', 'COLLATE')) {
      if (isOp(T[typeEnd], '(')) typeEnd = this.match[typeEnd];
      typeEnd++;
    }
    const type = this.typeSql(k, typeEnd);
    let sql = `${qi(nameTok.v)} ${type}`;
    let description;
    k = typeEnd;
    while (k < j) {
      if (isKw(T[k], 'NOT') && isKw(T[k + 1], 'NULL')) { sql += ' NOT NULL'; k += 2; continue; }
      if (isKw(T[k], 'DEFAULT')) {
        let e = k + 1;
        while (e < j && !isKw(T[e], 'NOT', 'OPTIONS', 'PRIMARY')) { if (isOp(T[e], '(')) e = this.match[e]; e++; }
        sql += ` DEFAULT ${this.tr(k + 1, e)}`;
        k = e;
        continue;
      }
      if (isKw(T[k], 'OPTIONS') && isOp(T[k + 1], '(')) {
        const close = this.match[k + 1];
        for (let m = k + 2; m < close; m++) {
          if (isKw(T[m], 'description') && isOp(T[m + 1], '=') && T[m + 2] && T[m + 2].t === 'str') description = T[m + 2].v;
        }
        k = close + 1;
        continue;
      }
      if (isKw(T[k], 'PRIMARY') || isKw(T[k], 'REFERENCES') || isKw(T[k], 'COLLATE')) {
        throw this.err(`Column constraint ${T[k].v} is not supported by the BigQuery fake`, k);
      }
      throw this.err(`Syntax error: Unexpected ${T[k].v}`, k);
    }
    return { sql, name: nameTok.v, description };
  }

  create() {
    const T = this.toks;
    let k = 1;
    let orReplace = false, temp = false, ifNotExists = false;
    if (isKw(T[k], 'OR') && isKw(T[k + 1], 'REPLACE')) { orReplace = true; k += 2; }
    if (isKw(T[k], 'TEMP', 'TEMPORARY')) { temp = true; k++; }
    if (!isKw(T[k], 'TABLE')) throw this.err(`CREATE ${T[k] ? T[k].v.toUpperCase() : ''} is not supported by the BigQuery fake (only CREATE TABLE)`, k);
    k++;
    if (isKw(T[k], 'IF') && isKw(T[k + 1], 'NOT') && isKw(T[k + 2], 'EXISTS')) { ifNotExists = true; k += 3; }
    const r = this.resolveTable(k, temp ? 'create-temp' : 'create');
    if (!temp && r.exists && !orReplace && !ifNotExists) {
      throw this.err(`Already Exists: Table ${r.p}:${r.d}.${r.t}`, k, 'duplicate');
    }
    k = r.next;
    let cols = null;
    const descriptions = {};
    if (isOp(T[k], '(')) {
      const close = this.match[k];
      cols = [];
      let start = k + 1, depth = 0;
      const seen = new Set();
      for (let m = k + 1; m <= close; m++) {
        if (m < close && (isOp(T[m], '(') || isOp(T[m], '<'))) depth++;
        else if (m < close && (isOp(T[m], ')') || isOp(T[m], '>'))) depth--;
        else if (m === close || (isOp(T[m], ',') && depth === 0)) {
          if (m > start) {
            if (isKw(T[start], 'PRIMARY', 'FOREIGN', 'CONSTRAINT')) { start = m + 1; continue; } // table constraints: NOT ENFORCED anyway
            const c = this.columnDef(start, m);
            if (seen.has(c.name.toLowerCase())) throw this.err(`Duplicate column name ${c.name} in CREATE TABLE`, start);
            seen.add(c.name.toLowerCase());
            cols.push(c.sql);
            if (c.description) descriptions[c.name.toLowerCase()] = c.description;
          }
          start = m + 1;
        }
      }
      k = close + 1;
    }
    // Storage clauses that have no DuckDB meaning are accepted and ignored.
    let asQuery = null;
    while (k < T.length) {
      if (isKw(T[k], 'PARTITION', 'CLUSTER')) {
        k += 2;
        let depth = 0;
        while (k < T.length && !(depth === 0 && isKw(T[k], 'CLUSTER', 'OPTIONS', 'AS'))) {
          if (isOp(T[k], '(')) depth++;
          else if (isOp(T[k], ')')) depth--;
          k++;
        }
        continue;
      }
      if (isKw(T[k], 'OPTIONS') && isOp(T[k + 1], '(')) { k = this.match[k + 1] + 1; continue; }
      if (isKw(T[k], 'DEFAULT') && isKw(T[k + 1], 'COLLATE')) { k += 3; continue; }
      if (isKw(T[k], 'AS')) {
        let q = k + 1;
        if (isOp(T[q], '(') && this.match[q] === T.length - 1) { asQuery = this.tr(q + 1, T.length - 1, { stmtStart: true }); }
        else asQuery = this.tr(q, T.length, { stmtStart: true });
        k = T.length;
        break;
      }
      throw this.err(`Syntax error: Unexpected ${T[k].v}`, k);
    }
    if (!cols && !asQuery) throw this.err('Syntax error: CREATE TABLE needs a column list or AS query', k);
    if (cols && asQuery) throw this.err('CREATE TABLE with both a column list and AS query is not supported by the BigQuery fake', k);
    const head = `CREATE ${orReplace ? 'OR REPLACE ' : ''}${temp ? 'TEMP ' : ''}TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${r.sql}`;
    const sql = cols ? `${head} (${cols.join(', ')})` : `${head} AS ${asQuery}`;
    return {
      kind: 'ddl', statementType: asQuery ? 'CREATE_TABLE_AS_SELECT' : 'CREATE_TABLE', sql: [sql], target: r,
      createsTemp: temp ? r.t : null, permanent: !temp, fieldDescriptions: descriptions, replaces: orReplace,
    };
  }

  drop() {
    const T = this.toks;
    if (!isKw(T[1], 'TABLE')) throw this.err(`DROP ${T[1] ? T[1].v.toUpperCase() : ''} is not supported by the BigQuery fake (only DROP TABLE)`, 1);
    let k = 2, ifExists = false;
    if (isKw(T[k], 'IF') && isKw(T[k + 1], 'EXISTS')) { ifExists = true; k += 2; }
    const r = this.resolveTable(k, ifExists ? 'drop-if-exists' : 'target');
    if (r.next !== T.length) throw this.err('Syntax error: Expected end of statement', r.next);
    return {
      kind: 'ddl', statementType: 'DROP_TABLE', sql: [`DROP TABLE ${ifExists ? 'IF EXISTS ' : ''}${r.sql}`], target: r,
      dropsTemp: r.temp ? r.t : null, permanent: !r.temp,
    };
  }

  alter() {
    const T = this.toks;
    if (!isKw(T[1], 'TABLE')) throw this.err('Only ALTER TABLE is supported by the BigQuery fake', 1);
    let k = 2, ifExists = false;
    if (isKw(T[k], 'IF') && isKw(T[k + 1], 'EXISTS')) { ifExists = true; k += 2; }
    const r = this.resolveTable(k, ifExists ? 'drop-if-exists' : 'target');
    if (ifExists && !r.exists) return { kind: 'ddl', statementType: 'ALTER_TABLE', sql: [], target: r, permanent: true };
    k = r.next;
    const sql = [];
    const descriptions = {};
    while (k < T.length) {
      // Each action runs up to the next top-level comma.
      let end = k, depth = 0;
      while (end < T.length && !(depth === 0 && isOp(T[end], ','))) {
        if (isOp(T[end], '(') || isOp(T[end], '<')) depth++;
        else if (isOp(T[end], ')') || isOp(T[end], '>')) depth--;
        end++;
      }
      if (isKw(T[k], 'ADD') && isKw(T[k + 1], 'COLUMN')) {
        let m = k + 2, ine = false;
        if (isKw(T[m], 'IF') && isKw(T[m + 1], 'NOT') && isKw(T[m + 2], 'EXISTS')) { ine = true; m += 3; }
        const c = this.columnDef(m, end);
        if (/ NOT NULL/.test(c.sql)) throw this.err(`Cannot add REQUIRED column ${c.name} to an existing table`, m, 'invalidQuery');
        sql.push(`ALTER TABLE ${r.sql} ADD COLUMN ${ine ? 'IF NOT EXISTS ' : ''}${c.sql}`);
        if (c.description) descriptions[c.name.toLowerCase()] = c.description;
      } else if (isKw(T[k], 'DROP') && isKw(T[k + 1], 'COLUMN')) {
        let m = k + 2, ie = false;
        if (isKw(T[m], 'IF') && isKw(T[m + 1], 'EXISTS')) { ie = true; m += 2; }
        sql.push(`ALTER TABLE ${r.sql} DROP COLUMN ${ie ? 'IF EXISTS ' : ''}${qi(T[m].v)}`);
      } else if (isKw(T[k], 'ALTER') && isKw(T[k + 1], 'COLUMN') && isKw(T[k + 3], 'DROP') && isKw(T[k + 4], 'NOT') && isKw(T[k + 5], 'NULL')) {
        sql.push(`ALTER TABLE ${r.sql} ALTER COLUMN ${qi(T[k + 2].v)} DROP NOT NULL`);
      } else if (isKw(T[k], 'SET') && isKw(T[k + 1], 'OPTIONS')) {
        // table options have no DuckDB meaning
      } else if (isKw(T[k], 'ALTER') && isKw(T[k + 1], 'COLUMN') && isKw(T[k + 3], 'SET') && isKw(T[k + 4], 'OPTIONS')) {
        // column options: only the description is kept
      } else {
        throw this.err(`ALTER TABLE ${T[k] ? T[k].v.toUpperCase() : ''} is not supported by the BigQuery fake`, k);
      }
      k = end + 1;
    }
    return { kind: 'ddl', statementType: 'ALTER_TABLE', sql, target: r, permanent: !r.temp, fieldDescriptions: descriptions };
  }
}

function join(parts) {
  let s = '';
  for (const p of parts) {
    if (s === '' || p === ',' || p === ')' || p === '.' || p === ']' || s.endsWith('(') || s.endsWith('.') || s.endsWith('[')) s += p;
    else s += ` ${p}`;
  }
  return s;
}

/** queryParameters (REST QueryParameter list) -> {named, positional} SQL literals. */
export function paramLiterals(params, mode) {
  const named = new Map();
  const positional = [];
  for (const qp of params || []) {
    const lit = paramLiteral(qp.parameterType || {}, qp.parameterValue || {});
    if (qp.name) named.set(qp.name.toLowerCase(), lit);
    else positional.push(lit);
  }
  if (mode === 'NAMED' && positional.length) throw new JobError('invalid', 'Positional parameters given with parameterMode NAMED');
  return { named, positional };
}

function paramLiteral(type, value) {
  const t = String(type.type || '').toUpperCase();
  if (t === 'ARRAY') {
    const elems = (value.arrayValues || []).map((v) => paramLiteral(type.arrayType || {}, v));
    return `[${elems.join(', ')}]`;
  }
  if (t === 'STRUCT') throw new JobError('invalid', 'STRUCT query parameters are not supported by the BigQuery fake');
  const canonical = canonicalType(t === 'INT64' ? 'INTEGER' : t);
  const duck = canonical && DUCK_TYPE[canonical];
  if (!duck) throw new JobError('invalid', `Invalid query parameter type: ${type.type}`);
  const v = value.value;
  if (v === undefined || v === null) return `CAST(NULL AS ${duck})`;
  if (canonical === 'BYTES') return `from_base64(${ql(v)})`;
  return `CAST(${ql(v)} AS ${duck})`;
}

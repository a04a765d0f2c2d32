// Token-level translation of Snowflake expressions and queries to DuckDB SQL. Identifiers are
// resolved the Snowflake way (unquoted → upper case) and quoted in their encoded DuckDB form;
// table names are resolved against the catalog (session temporary tables first); functions,
// casts (::), semi-structured paths (col:a.b[0]) and bind variables (?) are rewritten.
import { errors } from './errors.mjs';
import { isOp, isWord, matchParen, splitTopLevel, sqlString } from './lexer.mjs';
import { identOf, parseObjectName, qenc } from './names.mjs';
import { parseType } from './types.mjs';

// Words that are never identifiers in expression context (unless after '.' or AS).
export const KEYWORDS = new Set(`SELECT FROM WHERE GROUP BY HAVING ORDER ASC DESC NULLS FIRST LAST LIMIT OFFSET
 FETCH NEXT ONLY ROWS ROW UNION ALL DISTINCT EXCEPT MINUS INTERSECT AS ON JOIN INNER LEFT RIGHT FULL OUTER
 CROSS NATURAL USING LATERAL WITH RECURSIVE CASE WHEN THEN ELSE END AND OR NOT IS NULL TRUE FALSE IN EXISTS
 BETWEEN LIKE ILIKE RLIKE REGEXP ESCAPE ANY SOME CAST TRY_CAST INTERVAL OVER PARTITION RANGE UNBOUNDED
 PRECEDING FOLLOWING CURRENT QUALIFY WINDOW FILTER WITHIN INSERT INTO VALUES UPDATE SET DELETE MERGE MATCHED
 DEFAULT OVERWRITE EXCLUDE CURRENT_DATE CURRENT_TIMESTAMP CURRENT_TIME LOCALTIMESTAMP LOCALTIME`.split(/\s+/).filter(Boolean));

// Keywords that end a table alias position.
const ALIAS_STOP = new Set([...KEYWORDS].filter((k) => !['FIRST', 'LAST', 'NEXT', 'ROW', 'ROWS', 'RANGE', 'CURRENT', 'DEFAULT'].includes(k)));

const TYPED_LITERALS = new Set(['DATE', 'TIME', 'TIMESTAMP', 'DATETIME', 'TIMESTAMP_NTZ', 'TIMESTAMP_LTZ', 'TIMESTAMP_TZ']);
const NON_FUNCTION_KW = new Set([...KEYWORDS].filter((k) => !['CAST', 'TRY_CAST', 'LEFT', 'RIGHT', 'CURRENT_DATE', 'CURRENT_TIMESTAMP', 'CURRENT_TIME', 'LOCALTIMESTAMP', 'LOCALTIME', 'FIRST', 'LAST', 'REPLACE'].includes(k)));

const DATE_PARTS = {
  YEAR: 'year', YEARS: 'year', Y: 'year', YY: 'year', YYY: 'year', YYYY: 'year', YR: 'year', YRS: 'year',
  MONTH: 'month', MONTHS: 'month', MM: 'month', MON: 'month', MONS: 'month',
  DAY: 'day', DAYS: 'day', D: 'day', DD: 'day', DAYOFMONTH: 'day',
  WEEK: 'week', WEEKS: 'week', W: 'week', WK: 'week', WEEKOFYEAR: 'week',
  QUARTER: 'quarter', Q: 'quarter', QTR: 'quarter', QTRS: 'quarter',
  HOUR: 'hour', HOURS: 'hour', H: 'hour', HH: 'hour', HR: 'hour', HRS: 'hour',
  MINUTE: 'minute', MINUTES: 'minute', M: 'minute', MI: 'minute', MIN: 'minute', MINS: 'minute',
  SECOND: 'second', SECONDS: 'second', S: 'second', SEC: 'second', SECS: 'second',
  MILLISECOND: 'millisecond', MILLISECONDS: 'millisecond', MS: 'millisecond', MSEC: 'millisecond',
  MICROSECOND: 'microsecond', MICROSECONDS: 'microsecond', US: 'microsecond', USEC: 'microsecond',
  EPOCH_SECOND: 'epoch', EPOCH: 'epoch', DAYOFWEEK: 'dow', DOW: 'dow', DAYOFYEAR: 'doy', DOY: 'doy',
};

function datePart(tok) {
  const raw = tok.type === 'string' ? tok.value.toUpperCase() : tok.type === 'word' ? tok.upper : null;
  const p = raw && DATE_PARTS[raw];
  if (!p) throw errors.syntax(`invalid date/time part '${tok.text}'`);
  return p;
}

// A translated piece of output. `kind`: expr | kw | op; paths keep their base for ::casts.
const item = (sql, kind = 'expr', extra = {}) => ({ sql, kind, ...extra });

// Renders expr::TYPE (and CAST(expr AS TYPE)) with Snowflake semantics for VARIANT and text.
function castSql(operand, type, tryCast = false) {
  const fn = tryCast ? 'TRY_CAST' : 'CAST';
  if (type.kind === 'json') return operand.path ? operand.sql : `to_json(${operand.sql})`;
  if (type.kind === 'text') return operand.path ? `json_extract_string(${operand.base}, ${sqlString(operand.path)})` : `sf_varchar(${operand.sql})`;
  const src = operand.path ? `json_extract_string(${operand.base}, ${sqlString(operand.path)})` : operand.sql;
  return `${fn}(${src} AS ${type.duck})`;
}

export class Translator {
  // ctx: { session, catalog, binds (BindCursor), ctes (Set), stmt (statement keyword) }
  constructor(ctx) {
    this.ctx = ctx;
    this.tables = []; // resolved table references, for warehouse checks and MERGE prechecks
  }

  async expr(toks, opts = {}) {
    return (await this.items(toks, opts)).map((x) => x.sql).join(' ');
  }

  async items(toks, opts = {}) {
    const out = [];
    const caseStarts = [];
    let tableCtx = null;
    let i = 0;
    const n = toks.length;
    while (i < n) {
      const t = toks[i];
      const prev = out.length ? out[out.length - 1] : null;
      const next = toks[i + 1];

      if (tableCtx && (isWord(t, 'VALUES') || (isOp(t, '(') && isWord(next, 'VALUES')))) {
        i = await this.valuesTable(toks, i, out);
        if (tableCtx === 'list' && isOp(toks[i], ',')) { out.push(item(',', 'op')); i++; continue; }
        tableCtx = null;
        continue;
      }
      if (tableCtx) {
        const isName = t.type === 'qident' || (t.type === 'word' && (!KEYWORDS.has(t.upper) || isOp(next, '.')));
        if (isName) {
          i = await this.tableFactor(toks, i, out);
          if (tableCtx === 'list' && isOp(toks[i], ',')) { out.push(item(',', 'op')); i++; continue; }
          tableCtx = null;
          continue;
        }
        tableCtx = null;
      }

      switch (t.type) {
        case 'string': out.push(item(sqlString(t.value))); i++; continue;
        case 'number': out.push(item(t.text)); i++; continue;
        case 'param': out.push(item(this.ctx.binds.take())); i++; continue;
        case 'var': throw errors.unsupported(`stage column reference ${t.text}`);
        case 'qident': i = this.identifier(toks, i, out); continue;
        case 'op': break;
        case 'word': {
          const U = t.upper;
          if (prev && prev.kind === 'op' && prev.sql === '.') { i = this.identifier(toks, i, out); continue; }
          if (prev && prev.kind === 'kw' && prev.sql === 'AS') { i = this.identifier(toks, i, out); continue; }
          if (TYPED_LITERALS.has(U) && next && next.type === 'string') {
            const { type } = parseType([t], 0);
            out.push(item(`CAST(${sqlString(next.value)} AS ${type.duck})`));
            i += 2;
            continue;
          }
          if (U === 'LATERAL' || (U === 'TABLE' && isOp(next, '('))) throw errors.unsupported(`${U} table functions (FLATTEN)`);
          if (isOp(next, '(') && !NON_FUNCTION_KW.has(U) && !(prev && prev.kind === 'kw' && ['INTO', 'UPDATE', 'TABLE'].includes(prev.sql))) {
            const j = matchParen(toks, i + 1);
            out.push(item(await this.call(U, toks.slice(i + 2, j), t)));
            i = j + 1;
            continue;
          }
          if (U === 'WITHIN' && isWord(next, 'GROUP') && isOp(toks[i + 2], '(') && prev && /\)$/.test(prev.sql)) {
            // agg(x) WITHIN GROUP (ORDER BY y) → agg(x ORDER BY y)
            const j = matchParen(toks, i + 2);
            const order = await this.expr(toks.slice(i + 3, j));
            out.pop();
            out.push(item(`${prev.sql.slice(0, -1)} ${order})`));
            i = j + 1;
            continue;
          }
          if (KEYWORDS.has(U)) {
            if (U === 'CASE') caseStarts.push(out.length);
            if (U === 'END' && caseStarts.length) {
              const s = caseStarts.pop();
              const merged = out.splice(s).map((x) => x.sql).join(' ') + ' END';
              out.push(item(merged));
              i++;
              continue;
            }
            if (U === 'MINUS') { out.push(item('EXCEPT', 'kw')); i++; continue; }
            if (U === 'RLIKE' || U === 'REGEXP') {
              const operand = out.pop();
              const rest = await this.items(toks.slice(i + 1, i + 2));
              out.push(item(`regexp_full_match(${operand.sql}, ${rest[0].sql})`));
              i += 2;
              continue;
            }
            if (U === 'FROM' && !opts.noFrom && !(prev && prev.kind === 'kw' && prev.sql === 'DISTINCT')) tableCtx = 'list';
            if (U === 'JOIN' || U === 'INTO' || U === 'USING') tableCtx = 'single';
            if (U === 'UPDATE' && !isWord(next, 'SET')) tableCtx = 'single';
            out.push(item(U, 'kw'));
            i++;
            continue;
          }
          if (['SYSDATE', 'GETDATE'].includes(U) && !isOp(next, '(')) { out.push(item(this.fn(U, []))); i++; continue; }
          i = this.identifier(toks, i, out);
          continue;
        }
        default: throw errors.syntax(`unexpected '${t.text}'`);
      }

      // operators
      if (t.text === '(') {
        const j = matchParen(toks, i);
        const inner = await this.expr(toks.slice(i + 1, j));
        out.push(item(`(${inner})`));
        i = j + 1;
        continue;
      }
      if (t.text === '::') {
        const operand = out.pop();
        if (!operand || operand.kind !== 'expr') throw errors.syntax(`unexpected '::'`);
        const { type, next: k } = parseType(toks, i + 1);
        out.push(item(castSql(operand, type)));
        i = k;
        continue;
      }
      if (t.text === ':' && prev && prev.kind === 'expr' && next && (next.type === 'word' || next.type === 'qident')) { i = this.path(toks, i, out); continue; }
      if (t.text === '[' && prev && prev.kind === 'expr' && (prev.ident || prev.path)) { i = this.path(toks, i, out); continue; }
      if (t.text === '.' && isOp(next, '*') && prev && prev.ident) {
        out.pop();
        out.push(item(`${prev.sql}.*`));
        i += 2;
        continue;
      }
      out.push(item(t.text === '!=' ? '<>' : t.text, 'op'));
      i++;
    }
    return out;
  }

  identifier(toks, i, out) {
    const t = toks[i];
    const name = identOf(t);
    const prev = out[out.length - 1];
    const before = out[out.length - 2];
    if (prev && prev.kind === 'op' && prev.sql === '.' && before && before.ident) {
      out.splice(out.length - 2, 2);
      out.push(item(`${before.sql}.${qenc(name)}`, 'expr', { ident: true }));
    } else {
      out.push(item(qenc(name), 'expr', { ident: true }));
    }
    return i + 1;
  }

  // Semi-structured path after a column: col:a.b[0]['c'] → json_extract(col, '$."a"."b"[0]."c"').
  path(toks, i, out) {
    const base = out.pop();
    let path = base.path || '$';
    const baseSql = base.path ? base.base : base.sql;
    let first = true;
    for (;;) {
      const t = toks[i];
      if ((first && isOp(t, ':')) || (!first && isOp(t, '.'))) {
        const k = toks[i + 1];
        if (!k || !(k.type === 'word' || k.type === 'qident')) throw errors.syntax(`invalid path element '${k ? k.text : '<EOF>'}'`);
        path += `.${JSON.stringify(k.type === 'word' ? k.text : k.value)}`;
        i += 2;
      } else if (isOp(t, '[')) {
        const k = toks[i + 1];
        if (!isOp(toks[i + 2], ']') || !k) throw errors.unsupported('non-literal path subscript');
        path += k.type === 'number' ? `[${k.text}]` : `.${JSON.stringify(k.value ?? k.text)}`;
        i += 3;
      } else break;
      first = false;
    }
    out.push(item(`json_extract(${baseSql}, ${sqlString(path)})`, 'expr', { path, base: baseSql }));
    return i;
  }

  // FROM/JOIN/INTO/USING target: object name (or IDENTIFIER('name')), then an optional alias.
  async tableFactor(toks, i, out) {
    let parts;
    if (isWord(toks[i], 'TABLE', 'LATERAL', 'FLATTEN') && (isOp(toks[i + 1], '(') || isWord(toks[i + 1]))) {
      throw errors.unsupported(`${toks[i].upper} table functions (FLATTEN)`);
    }
    if (isWord(toks[i], 'IDENTIFIER') && isOp(toks[i + 1], '(')) {
      const j = matchParen(toks, i + 1);
      const arg = toks[i + 2];
      const text = arg && arg.type === 'param' ? this.ctx.binds.takeRaw() : arg && arg.type === 'string' ? arg.value : null;
      if (text === null || j !== i + 3) throw errors.unsupported('IDENTIFIER() with a non-literal argument');
      parts = parseObjectNameText(text);
      i = j + 1;
    } else {
      const r = parseObjectName(toks, i);
      parts = r.parts;
      i = r.next;
    }
    if (parts.length === 1 && this.ctx.ctes && this.ctx.ctes.has(parts[0])) {
      out.push(item(qenc(parts[0]), 'expr', { ident: true }));
    } else {
      const ref = await this.ctx.resolveTable(parts, this.ctx.stmt || 'SELECT');
      this.tables.push(ref);
      out.push(item(ref.sql, 'expr', { table: ref }));
      const hasAlias = isWord(toks[i], 'AS') || toks[i]?.type === 'qident' || (toks[i]?.type === 'word' && !ALIAS_STOP.has(toks[i].upper));
      if (!hasAlias && ref.implicitAlias) out.push(item(`AS ${ref.implicitAlias}`));
    }
    if (isWord(toks[i], 'AS')) { out.push(item('AS', 'kw')); i++; }
    if (toks[i] && (toks[i].type === 'qident' || (toks[i].type === 'word' && !ALIAS_STOP.has(toks[i].upper)))) {
      out.push(item(qenc(identOf(toks[i])), 'expr', { ident: true }));
      i++;
    }
    return i;
  }

  // FROM VALUES (...), (...) [[AS] alias[(cols)]]: Snowflake names the columns COLUMN1..n.
  async valuesTable(toks, i, out) {
    let end;
    let body;
    if (isOp(toks[i], '(')) {
      end = matchParen(toks, i);
      body = toks.slice(i + 2, end);
      end++;
    } else {
      end = i + 1;
      while (end < toks.length && isOp(toks[end], '(')) {
        end = matchParen(toks, end) + 1;
        if (isOp(toks[end], ',') && isOp(toks[end + 1], '(')) end++; else break;
      }
      body = toks.slice(i + 1, end);
    }
    const first = splitTopLevel(body)[0];
    const width = first && isOp(first[0], '(') ? splitTopLevel(first.slice(1, -1)).length : 1;
    let cols = Array.from({ length: width }, (_, k) => `COLUMN${k + 1}`);
    let alias = '__VALUES';
    let j = end;
    if (isWord(toks[j], 'AS')) j++;
    if (toks[j] && (toks[j].type === 'qident' || (toks[j].type === 'word' && !ALIAS_STOP.has(toks[j].upper)))) {
      alias = identOf(toks[j]);
      j++;
      if (isOp(toks[j], '(')) {
        const k = matchParen(toks, j);
        cols = splitTopLevel(toks.slice(j + 1, k)).map((p) => identOf(p[0]));
        j = k + 1;
      }
    } else j = end;
    out.push(item(`(VALUES ${await this.expr(body)}) AS ${qenc(alias)}(${cols.map(qenc).join(', ')})`));
    return j;
  }

  async call(U, argToks, tok) {
    if (U === 'CAST' || U === 'TRY_CAST') {
      let k = argToks.length - 1;
      let depth = 0;
      for (; k >= 0; k--) {
        const t = argToks[k];
        if (isOp(t, ')')) depth++;
        if (isOp(t, '(')) depth--;
        if (depth === 0 && isWord(t, 'AS')) break;
      }
      if (k < 0) throw errors.syntax(`syntax error in ${U}`);
      const operandItems = await this.items(argToks.slice(0, k));
      const operand = operandItems.length === 1 ? operandItems[0] : item(operandItems.map((x) => x.sql).join(' '));
      const { type } = parseType(argToks, k + 1);
      return castSql(operand, type, U === 'TRY_CAST');
    }
    if (U === 'EXTRACT' || U === 'DATE_PART') {
      const partTok = argToks[0];
      const rest = U === 'EXTRACT' ? argToks.slice(2) : argToks.slice(2);
      return `date_part(${sqlString(datePart(partTok))}, ${await this.expr(rest)})`;
    }
    if (['DATEADD', 'TIMESTAMPADD', 'DATEDIFF', 'TIMESTAMPDIFF', 'DATE_TRUNC'].includes(U)) {
      const parts = splitTopLevel(argToks);
      const part = datePart(parts[0][0]);
      const args = [];
      for (const p of parts.slice(1)) args.push(await this.expr(p));
      if (U === 'DATE_TRUNC') return `date_trunc(${sqlString(part)}, ${args[0]})`;
      if (U === 'DATEADD' || U === 'TIMESTAMPADD') {
        if (part === 'quarter') return `(${args[1]} + INTERVAL (3 * (${args[0]})) MONTH)`;
        if (part === 'week') return `(${args[1]} + INTERVAL (7 * (${args[0]})) DAY)`;
        return `(${args[1]} + INTERVAL (${args[0]}) ${part.toUpperCase()})`;
      }
      return `date_diff(${sqlString(part)}, ${args[0]}, ${args[1]})`;
    }
    if (['TRIM', 'LTRIM', 'RTRIM', 'SUBSTRING', 'POSITION'].includes(U) && argToks.some((t) => isWord(t, 'FROM', 'IN'))) {
      return `${U.toLowerCase()}(${await this.expr(argToks, { noFrom: true })})`;
    }
    const argParts = argToks.length ? splitTopLevel(argToks) : [];
    const args = [];
    for (const p of argParts) args.push(await this.expr(p));
    return this.fn(U, args, argParts, tok);
  }

  fn(U, a, raw = [], tok = null) {
    const c = this.ctx.session ? this.ctx.session.context : {};
    const lit = (v) => (v ? sqlString(v) : 'NULL');
    switch (U) {
      case 'PARSE_JSON': return `json(${a[0]})`;
      case 'TRY_PARSE_JSON': return `(CASE WHEN json_valid(${a[0]}) THEN json(${a[0]}) END)`;
      case 'TO_VARIANT': case 'TO_OBJECT': case 'TO_ARRAY': return `to_json(${a[0]})`;
      case 'TO_JSON': return `CAST(to_json(${a[0]}) AS VARCHAR)`;
      case 'OBJECT_CONSTRUCT': case 'OBJECT_CONSTRUCT_KEEP_NULL':
        if (a.length === 1 && a[0] === '*') throw errors.unsupported('OBJECT_CONSTRUCT(*)');
        return `json_object(${a.join(', ')})`;
      case 'ARRAY_CONSTRUCT': return `json_array(${a.join(', ')})`;
      case 'ARRAY_SIZE': return `json_array_length(${a[0]})`;
      case 'OBJECT_KEYS': return `to_json(json_keys(${a[0]}))`;
      case 'GET':
        return raw[1] && raw[1].length === 1 && raw[1][0].type === 'number'
          ? `json_extract(${a[0]}, '$[${raw[1][0].text}]')`
          : `json_extract(${a[0]}, '$."' || ${a[1]} || '"')`;
      case 'GET_PATH': case 'JSON_EXTRACT_PATH_TEXT':
        return `${U === 'GET_PATH' ? 'json_extract' : 'json_extract_string'}(${a[0]}, '$.' || ${a[1]})`;
      case 'IS_NULL_VALUE': return `(json_type(${a[0]}) = 'NULL')`;
      case 'IFF': return `(CASE WHEN ${a[0]} THEN ${a[1]} ELSE ${a[2]} END)`;
      case 'NVL': case 'IFNULL': return `coalesce(${a.join(', ')})`;
      case 'NVL2': return `(CASE WHEN ${a[0]} IS NOT NULL THEN ${a[1]} ELSE ${a[2]} END)`;
      case 'ZEROIFNULL': return `coalesce(${a[0]}, 0)`;
      case 'NULLIFZERO': return `nullif(${a[0]}, 0)`;
      case 'EQUAL_NULL': return `(${a[0]} IS NOT DISTINCT FROM ${a[1]})`;
      case 'TO_VARCHAR': case 'TO_CHAR': case 'TO_STRING':
        if (a.length > 1) throw errors.unsupported(`${U} with a format`);
        return `sf_varchar(${a[0]})`;
      case 'TO_NUMBER': case 'TO_DECIMAL': case 'TO_NUMERIC':
        return `CAST(${a[0]} AS DECIMAL(${raw[1] ? raw[1][0].text : 38},${raw[2] ? raw[2][0].text : 0}))`;
      case 'TRY_TO_NUMBER': case 'TRY_TO_DECIMAL':
        return `TRY_CAST(${a[0]} AS DECIMAL(${raw[1] ? raw[1][0].text : 38},${raw[2] ? raw[2][0].text : 0}))`;
      case 'TO_DOUBLE': return `CAST(${a[0]} AS DOUBLE)`;
      case 'TRY_TO_DOUBLE': return `TRY_CAST(${a[0]} AS DOUBLE)`;
      case 'TO_BOOLEAN': return `CAST(${a[0]} AS BOOLEAN)`;
      case 'TRY_TO_BOOLEAN': return `TRY_CAST(${a[0]} AS BOOLEAN)`;
      case 'TO_DATE': case 'DATE': return `CAST(${a[0]} AS DATE)`;
      case 'TRY_TO_DATE': return `TRY_CAST(${a[0]} AS DATE)`;
      case 'TO_TIMESTAMP': case 'TO_TIMESTAMP_NTZ': return `CAST(${a[0]} AS TIMESTAMP)`;
      case 'TO_TIMESTAMP_LTZ': case 'TO_TIMESTAMP_TZ': return `CAST(${a[0]} AS TIMESTAMPTZ)`;
      case 'TRY_TO_TIMESTAMP': case 'TRY_TO_TIMESTAMP_NTZ': return `TRY_CAST(${a[0]} AS TIMESTAMP)`;
      case 'TRY_TO_TIMESTAMP_LTZ': case 'TRY_TO_TIMESTAMP_TZ': return `TRY_CAST(${a[0]} AS TIMESTAMPTZ)`;
      case 'SYSDATE': return `CAST(timezone('UTC', now()) AS TIMESTAMP)`;
      case 'GETDATE': case 'CURRENT_TIMESTAMP': return 'current_timestamp';
      case 'CURRENT_DATE': return 'current_date';
      case 'LEN': return `length(${a[0]})`;
      case 'CONVERT_TIMEZONE':
        // 2 arguments: an instant shown in the target zone; 3: wall-clock time moved between zones.
        return a.length === 3 ? `timezone(${a[1]}, timezone(${a[0]}, CAST(${a[2]} AS TIMESTAMP)))` : `timezone(${a[0]}, CAST(${a[1]} AS TIMESTAMPTZ))`;
      case 'LISTAGG': return `string_agg(${a.join(', ')})`;
      case 'UUID_STRING': return 'CAST(uuid() AS VARCHAR)';
      case 'REGEXP_LIKE': return `regexp_full_match(${a.join(', ')})`;
      case 'STARTSWITH': return `starts_with(${a.join(', ')})`;
      case 'ENDSWITH': return `ends_with(${a.join(', ')})`;
      case 'CURRENT_DATABASE': return lit(c.database);
      case 'CURRENT_SCHEMA': return lit(c.schema);
      case 'CURRENT_WAREHOUSE': return lit(c.warehouse);
      case 'CURRENT_ROLE': return lit(c.role);
      case 'CURRENT_USER': return lit(c.user);
      case 'CURRENT_ACCOUNT': case 'CURRENT_ACCOUNT_NAME': return lit(c.account);
      case 'CURRENT_REGION': return lit('AWS_US_EAST_1');
      case 'CURRENT_VERSION': return lit('9.0.0');
      case 'CURRENT_SESSION': return lit(c.sessionId);
      case 'FLATTEN': throw errors.unsupported('FLATTEN');
      default:
        if (tok && !/^[A-Z_][A-Z0-9_]*$/.test(U)) throw errors.unknownFunction(U);
        return `${U.toLowerCase()}(${a.join(', ')})`;
    }
  }
}

// Parses the text given to IDENTIFIER('db.schema."Name"').
export function parseObjectNameText(text) {
  const parts = [];
  const re = /\s*(?:"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*))\s*(\.|$)/gy;
  let m;
  let last = 0;
  while (last < text.length && (m = re.exec(text))) {
    parts.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2].toUpperCase());
    last = re.lastIndex;
    if (m[3] === '') break;
  }
  if (!parts.length || last < text.trim().length || parts.length > 3) throw errors.syntax(`invalid identifier '${text}'`);
  return parts;
}

// Names of common table expressions, so FROM <cte> is not resolved against the catalog.
export function cteNames(toks) {
  const names = new Set();
  for (let k = 1; k < toks.length; k++) {
    const p = toks[k - 1];
    if (!(isWord(p, 'WITH', 'RECURSIVE') || isOp(p, ','))) continue;
    const id = identOf(toks[k]);
    if (id === null) continue;
    if ((isWord(toks[k + 1], 'AS') && isOp(toks[k + 2], '(')) || isOp(toks[k + 1], '(')) names.add(id);
  }
  return names;
}

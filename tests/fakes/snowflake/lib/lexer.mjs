// Tokenizer for the Snowflake SQL subset: strings with '' and backslash escapes, $$ strings,
// "quoted" identifiers, --, // and /* */ comments, numbers, words, operators and ? placeholders.
import { errors } from './errors.mjs';

const BACKSLASH = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', 0: '\0', '\\': '\\', "'": "'", '"': '"' };
const OPS3 = [];
const OPS2 = ['::', '||', '<=', '>=', '<>', '!=', '=>', '->'];

export function tokenize(sql) {
  const out = [];
  let i = 0;
  const n = sql.length;
  const push = (type, text, extra = {}) => out.push({ type, text, pos: i, ...extra });
  while (i < n) {
    const c = sql[i];
    const start = i;
    if (/\s/.test(c)) {
      while (i < n && /\s/.test(sql[i])) i++;
      out.push({ type: 'ws', text: sql.slice(start, i), pos: start });
      continue;
    }
    if ((c === '-' && sql[i + 1] === '-') || (c === '/' && sql[i + 1] === '/')) {
      while (i < n && sql[i] !== '\n') i++;
      out.push({ type: 'ws', text: ' ', pos: start });
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw errors.syntax('syntax error line 1 at position ' + i + ' unexpected end of comment.');
      i = end + 2;
      out.push({ type: 'ws', text: ' ', pos: start });
      continue;
    }
    if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        // A run without quote or backslash is taken as one slice (string binds are kilobytes).
        let j = i;
        while (j < n && sql.charCodeAt(j) !== 39 && sql.charCodeAt(j) !== 92) j++;
        if (j > i) { v += sql.slice(i, j); i = j; }
        if (i >= n) throw errors.syntax(`syntax error line 1 at position ${start} unexpected '<EOF>'.`);
        const d = sql[i];
        if (d === '\\' && i + 1 < n) {
          const e = sql[i + 1];
          if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(sql.slice(i + 2, i + 4))) { v += String.fromCharCode(parseInt(sql.slice(i + 2, i + 4), 16)); i += 4; continue; }
          if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(sql.slice(i + 2, i + 6))) { v += String.fromCharCode(parseInt(sql.slice(i + 2, i + 6), 16)); i += 6; continue; }
          v += e in BACKSLASH ? BACKSLASH[e] : e;
          i += 2;
          continue;
        }
        if (d === "'") {
          if (sql[i + 1] === "'") { v += "'"; i += 2; continue; }
          i++;
          break;
        }
        v += d;
        i++;
      }
      out.push({ type: 'string', text: sql.slice(start, i), value: v, pos: start });
      continue;
    }
    if (c === '$' && sql[i + 1] === '$') {
      const end = sql.indexOf('$$', i + 2);
      if (end < 0) throw errors.syntax(`syntax error line 1 at position ${start} unexpected '<EOF>'.`);
      out.push({ type: 'string', text: sql.slice(start, end + 2), value: sql.slice(i + 2, end), pos: start });
      i = end + 2;
      continue;
    }
    if (c === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= n) throw errors.syntax(`syntax error line 1 at position ${start} unexpected '<EOF>'.`);
        if (sql[i] === '"') {
          if (sql[i + 1] === '"') { v += '"'; i += 2; continue; }
          i++;
          break;
        }
        v += sql[i++];
      }
      if (v === '') throw errors.syntax(`syntax error line 1 at position ${start} unexpected '""'.`);
      out.push({ type: 'qident', text: sql.slice(start, i), value: v, pos: start });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] || ''))) {
      while (i < n && /[0-9]/.test(sql[i])) i++;
      if (sql[i] === '.' && sql[i + 1] !== '.') { i++; while (i < n && /[0-9]/.test(sql[i])) i++; }
      if (/[eE]/.test(sql[i] || '') && /[-+0-9]/.test(sql[i + 1] || '')) {
        i += 2;
        while (i < n && /[0-9]/.test(sql[i])) i++;
      }
      out.push({ type: 'number', text: sql.slice(start, i), pos: start });
      continue;
    }
    if (/[A-Za-z_]/.test(c) || c.charCodeAt(0) > 127) {
      while (i < n && (/[A-Za-z0-9_$]/.test(sql[i]) || sql.charCodeAt(i) > 127)) i++;
      out.push({ type: 'word', text: sql.slice(start, i), upper: sql.slice(start, i).toUpperCase(), pos: start });
      continue;
    }
    if (c === '$') {
      i++;
      while (i < n && /[A-Za-z0-9_]/.test(sql[i])) i++;
      out.push({ type: 'var', text: sql.slice(start, i), pos: start });
      continue;
    }
    if (c === '?') { i++; out.push({ type: 'param', text: '?', pos: start }); continue; }
    const two = sql.slice(i, i + 2);
    if (OPS3.includes(sql.slice(i, i + 3))) { i += 3; push('op', sql.slice(start, i)); continue; }
    if (OPS2.includes(two)) { i += 2; out.push({ type: 'op', text: two, pos: start }); continue; }
    i++;
    out.push({ type: 'op', text: c, pos: start });
  }
  return out;
}

// Splits at top-level semicolons; drops empty statements (a trailing ';' is not a statement).
export function splitStatements(tokens) {
  const stmts = [];
  let cur = [];
  for (const t of tokens) {
    if (t.type === 'op' && t.text === ';') { stmts.push(cur); cur = []; continue; }
    cur.push(t);
  }
  stmts.push(cur);
  return stmts.map(trimWs).filter((s) => s.length > 0);
}

export function trimWs(tokens) {
  let a = 0;
  let b = tokens.length;
  while (a < b && tokens[a].type === 'ws') a++;
  while (b > a && tokens[b - 1].type === 'ws') b--;
  return tokens.slice(a, b);
}

// Significant (non-whitespace) tokens.
export const sig = (tokens) => tokens.filter((t) => t.type !== 'ws');

export const isWord = (t, ...words) => !!t && t.type === 'word' && (words.length === 0 || words.includes(t.upper));
export const isOp = (t, ...ops) => !!t && t.type === 'op' && (ops.length === 0 || ops.includes(t.text));

// Index of the ')' matching the '(' at index i (in a significant-token array).
export function matchParen(toks, i) {
  let depth = 0;
  for (let j = i; j < toks.length; j++) {
    if (isOp(toks[j], '(', '[')) depth++;
    else if (isOp(toks[j], ')', ']')) { depth--; if (depth === 0) return j; }
  }
  throw errors.syntax(`syntax error line 1 at position ${toks[i] ? toks[i].pos : 0} unexpected '<EOF>'.`);
}

// Splits significant tokens at top-level commas.
export function splitTopLevel(toks, sep = ',') {
  const parts = [];
  let cur = [];
  let depth = 0;
  for (const t of toks) {
    if (isOp(t, '(', '[')) depth++;
    if (isOp(t, ')', ']')) depth--;
    if (depth === 0 && isOp(t, sep)) { parts.push(cur); cur = []; continue; }
    cur.push(t);
  }
  if (cur.length || parts.length) parts.push(cur);
  return parts;
}

// Reconstructs source text of tokens (for messages and logs).
export function tokensText(tokens) {
  return tokens.map((t) => t.text).join('').trim();
}

// Escapes a value as a DuckDB single-quoted literal (no backslash processing in DuckDB).
export function sqlString(v) {
  const s = String(v);
  return s.includes("'") ? `'${s.replaceAll("'", "''")}'` : `'${s}'`;
}

// Snowflake identifiers are case-sensitive once resolved (unquoted ones are upper-cased; quoted
// ones keep their case) while DuckDB matches identifiers case-insensitively. A name that contains
// a lower-case ASCII letter or '~' is stored in DuckDB as "<name>~<hex mask of lower-case
// positions>", so names that differ only in case stay distinct; all-upper names are unchanged.
import { errors } from './errors.mjs';
import { isOp } from './lexer.mjs';

export function enc(name) {
  if (!/[a-z~]/.test(name)) return name;
  let mask = 0n;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 97 && c <= 122) mask |= 1n << BigInt(i);
  }
  return `${name}~${mask.toString(16)}`;
}

export function dec(stored) {
  const m = /^(.*)~[0-9a-f]+$/s.exec(stored);
  return m ? m[1] : stored;
}

// Replaces every encoded name inside a DuckDB message by its Snowflake form.
export function decodeText(text) {
  return String(text).replace(/([A-Za-z0-9_$~]+)~[0-9a-f]+\b/g, (_, base) => base);
}

export const qi = (s) => `"${String(s).replace(/"/g, '""')}"`;
export const qenc = (name) => qi(enc(name));

// DuckDB schema holding the tables of Snowflake database.schema.
export const duckSchema = (db, schema) => `${enc(db)}__${enc(schema)}`;

// Resolved Snowflake identifier from a word or quoted-identifier token.
export function identOf(tok) {
  if (tok.type === 'qident') return tok.value;
  if (tok.type === 'word') return tok.upper;
  return null;
}

// Parses an object name (up to 3 dotted parts) in significant tokens starting at i.
// Returns { parts, next }.
export function parseObjectName(toks, i) {
  const parts = [];
  for (;;) {
    const t = toks[i];
    const id = t ? identOf(t) : null;
    if (id === null) throw errors.syntax(`syntax error line 1 at position ${t ? t.pos : 0} unexpected '${t ? t.text : '<EOF>'}'.`);
    parts.push(id);
    i++;
    if (isOp(toks[i], '.') && toks[i + 1] && (toks[i + 1].type === 'word' || toks[i + 1].type === 'qident')) { i++; continue; }
    break;
  }
  if (parts.length > 3) throw errors.syntax(`invalid object name '${parts.join('.')}'`);
  return { parts, next: i };
}

// Fills in database and schema from the session context.
export function qualify(parts, ctx, op = 'SELECT') {
  let db, schema, name;
  if (parts.length === 3) [db, schema, name] = parts;
  else if (parts.length === 2) { [schema, name] = parts; db = ctx.database; }
  else { [name] = parts; db = ctx.database; schema = ctx.schema; }
  if (!db) throw errors.noDatabase(op);
  if (!schema) throw errors.noSchema(op);
  return { db, schema, name };
}

export const displayQualified = ({ db, schema, name }) => `${db}.${schema}.${name}`;


// COPY INTO <table> FROM 's3://bucket/prefix/' with CREDENTIALS, FILES/PATTERN, FILE_FORMAT
// (JSON or PARQUET), MATCH_BY_COLUMN_NAME, ON_ERROR, PURGE and FORCE. Objects are fetched from
// the S3 endpoint the fake was started with, staged per file with DuckDB's bulk readers (so errors
// are attributed to files and rows), then inserted in one statement. Load metadata (file path +
// ETag per table incarnation) makes a second COPY skip files already loaded, as Snowflake does.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { errors, SnowflakeError } from './errors.mjs';
import { isOp, isWord, matchParen, sqlString } from './lexer.mjs';
import { parseObjectName, qi } from './names.mjs';
import { statusResult } from './results.mjs';
import { describeS3Error, S3Client } from './s3.mjs';
import { fixedColumn, textColumn } from './types.mjs';

const TOP_OPTIONS = new Set(['STORAGE_INTEGRATION', 'CREDENTIALS', 'ENCRYPTION', 'FILES', 'PATTERN', 'FILE_FORMAT',
  'ON_ERROR', 'SIZE_LIMIT', 'PURGE', 'RETURN_FAILED_ONLY', 'MATCH_BY_COLUMN_NAME', 'INCLUDE_METADATA',
  'ENFORCE_LENGTH', 'TRUNCATECOLUMNS', 'FORCE', 'LOAD_UNCERTAIN_FILES', 'VALIDATION_MODE', 'LOAD_MODE']);

const syntaxAt = (t) => errors.syntax(`syntax error line 1 at position ${t ? t.pos : 0} unexpected '${t ? t.text : '<EOF>'}'.`);

// value: string | word (upper-cased) | number | { map } | [list]
function parseValue(toks, i) {
  const t = toks[i];
  if (!t) throw syntaxAt(t);
  if (t.type === 'string') return { value: t.value, next: i + 1 };
  if (t.type === 'number') return { value: t.text, next: i + 1 };
  if (t.type === 'word') return { value: t.upper, next: i + 1 };
  if (isOp(t, '(')) {
    const j = matchParen(toks, i);
    const inner = toks.slice(i + 1, j);
    if (inner.some((x, k) => isOp(x, '=') && k > 0)) return { value: parseOptions(inner, null), next: j + 1 };
    const list = inner.filter((x) => !isOp(x, ',')).map((x) => (x.type === 'string' ? x.value : x.text));
    return { value: list, next: j + 1 };
  }
  throw syntaxAt(t);
}

function parseOptions(toks, allowed) {
  const opts = {};
  let i = 0;
  while (i < toks.length) {
    if (isOp(toks[i], ',')) { i++; continue; }
    const t = toks[i];
    if (!t || t.type !== 'word') throw syntaxAt(t);
    if (allowed && !allowed.has(t.upper)) throw errors.syntax(`invalid parameter '${t.upper}'`);
    if (!isOp(toks[i + 1], '=')) throw syntaxAt(toks[i + 1]);
    const { value, next } = parseValue(toks, i + 2);
    opts[t.upper] = value;
    i = next;
  }
  return opts;
}

const bool = (v, name) => {
  if (v === undefined) return false;
  const u = String(v).toUpperCase();
  if (u === 'TRUE') return true;
  if (u === 'FALSE') return false;
  throw errors.syntax(`invalid value '${v}' for property '${name}'`);
};

export function parseCopy(toks) {
  if (!isWord(toks[1], 'INTO')) throw syntaxAt(toks[1]);
  if (toks[2] && toks[2].type === 'string') throw errors.unsupported('COPY INTO <location> (unload)');
  const { parts, next } = parseObjectName(toks, 2);
  let i = next;
  let columns = null;
  if (isOp(toks[i], '(')) {
    const j = matchParen(toks, i);
    columns = toks.slice(i + 1, j).filter((x) => !isOp(x, ','));
    i = j + 1;
  }
  if (!isWord(toks[i], 'FROM')) throw syntaxAt(toks[i]);
  i++;
  const src = toks[i];
  if (isOp(src, '(')) throw errors.unsupported('COPY INTO with a transformation (SELECT ... FROM @stage)');
  if (isOp(src, '@')) throw errors.objectNotFound(`@${toks[i + 1] ? toks[i + 1].text : ''}`);
  if (!src || src.type !== 'string') throw syntaxAt(src);
  const opts = parseOptions(toks.slice(i + 1), TOP_OPTIONS);
  return { table: parts, columns, location: src.value, opts };
}

function formatOf(opts) {
  const ff = opts.FILE_FORMAT || {};
  if (typeof ff !== 'object' || Array.isArray(ff)) throw errors.syntax('invalid FILE_FORMAT');
  if (ff.FORMAT_NAME) throw errors.objectNotFound(String(ff.FORMAT_NAME));
  const type = String(ff.TYPE || 'CSV').toUpperCase();
  if (type !== 'JSON' && type !== 'PARQUET') throw errors.unsupported(`FILE_FORMAT TYPE = ${type} (the fake loads JSON and PARQUET)`);
  const compression = String(ff.COMPRESSION || 'AUTO').toUpperCase();
  if (!['AUTO', 'GZIP', 'ZSTD', 'NONE', 'SNAPPY'].includes(compression)) throw errors.unsupported(`COMPRESSION = ${compression}`);
  return { type, compression, stripOuterArray: bool(ff.STRIP_OUTER_ARRAY, 'STRIP_OUTER_ARRAY') };
}

function onErrorOf(opts) {
  const v = String(opts.ON_ERROR || 'ABORT_STATEMENT').toUpperCase();
  if (v === 'ABORT_STATEMENT' || v === 'CONTINUE' || v === 'SKIP_FILE') return { mode: v, limit: 1, percent: false };
  const m = /^SKIP_FILE_(\d+)(%?)$/.exec(v);
  if (m) return { mode: 'SKIP_FILE', limit: Number(m[1]), percent: m[2] === '%' };
  throw errors.syntax(`invalid value '${opts.ON_ERROR}' for property 'ON_ERROR'`);
}

function detectCompression(file, declared) {
  if (declared === 'GZIP') return 'gzip';
  if (declared === 'ZSTD') return 'zstd';
  if (declared === 'NONE') return 'uncompressed';
  const fd = fs.openSync(file, 'r');
  const b = Buffer.alloc(4);
  const n = fs.readSync(fd, b, 0, 4, 0);
  fs.closeSync(fd);
  if (n >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  if (n >= 4 && b.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'uncompressed';
}

async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) { const k = next++; out[k] = await fn(items[k], k); }
  });
  await Promise.all(workers);
  return out;
}

const conversionError = (kind, value) => {
  if (kind === '!') return errors.notNull();
  if (kind === 'TIMESTAMP' || kind === 'TIMESTAMP WITH TIME ZONE') return errors.timestamp(value);
  if (kind === 'DATE') return errors.date(value);
  if (kind === 'BOOLEAN') return errors.boolean(value);
  return errors.numeric(value);
};

export async function runCopy(session, toks) {
  const spec = parseCopy(toks);
  const state = session.state;
  const ref = await session.catalog.resolve(session, spec.table, 'COPY');
  session.requireWarehouse();
  const fmt = formatOf(spec.opts);
  const onError = onErrorOf(spec.opts);
  const match = String(spec.opts.MATCH_BY_COLUMN_NAME || 'NONE').toUpperCase();
  if (!['NONE', 'CASE_SENSITIVE', 'CASE_INSENSITIVE'].includes(match)) throw errors.syntax(`invalid value '${match}' for property 'MATCH_BY_COLUMN_NAME'`);
  if (match !== 'NONE' && spec.columns) throw errors.syntax('MATCH_BY_COLUMN_NAME cannot be used with a column list.');
  if (spec.opts.STORAGE_INTEGRATION) throw errors.objectNotFound(String(spec.opts.STORAGE_INTEGRATION));
  if (spec.opts.VALIDATION_MODE) throw errors.unsupported('VALIDATION_MODE');
  const purge = bool(spec.opts.PURGE, 'PURGE');
  const force = bool(spec.opts.FORCE, 'FORCE');

  const cols = await session.catalog.columns(session, ref);
  let targets = cols;
  if (spec.columns) {
    const byName = new Map(cols.map((c) => [c.name, c]));
    targets = spec.columns.map((t) => {
      const c = byName.get(t.type === 'qident' ? t.value : t.upper);
      if (!c) throw errors.invalidIdentifier(t.type === 'qident' ? t.value : t.upper);
      return c;
    });
  }
  if (match === 'NONE' && (targets.length !== 1 || String(targets[0].duckType).toUpperCase() !== 'JSON')) {
    throw errors.copySingleColumn(fmt.type);
  }

  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(spec.location);
  if (!m) throw errors.unsupported(`external location '${spec.location}' (the fake reads s3:// locations)`);
  const [, bucket, prefix] = m;
  const credsOpt = spec.opts.CREDENTIALS;
  let creds = null;
  if (credsOpt) {
    if (typeof credsOpt !== 'object' || Array.isArray(credsOpt) || !credsOpt.AWS_KEY_ID || !credsOpt.AWS_SECRET_KEY) {
      throw errors.syntax('CREDENTIALS needs AWS_KEY_ID and AWS_SECRET_KEY');
    }
    creds = { accessKeyId: credsOpt.AWS_KEY_ID, secretAccessKey: credsOpt.AWS_SECRET_KEY, sessionToken: credsOpt.AWS_TOKEN || null };
  }
  if (!state.config.s3Endpoint) throw errors.stageFailure('Unable to execute HTTP request: the fake has no S3 endpoint (start it with --s3-endpoint)');
  const s3 = new S3Client(state.config.s3Endpoint, creds);

  let listing;
  try { listing = (await s3.list(bucket, prefix)).filter((o) => !o.key.endsWith('/')); } catch (e) { throw errors.stageFailure(describeS3Error(e)); }
  const url = (key) => `s3://${bucket}/${key}`;
  let candidates;
  if (spec.opts.FILES) {
    const names = Array.isArray(spec.opts.FILES) ? spec.opts.FILES : [spec.opts.FILES];
    const byKey = new Map(listing.map((o) => [o.key, o]));
    candidates = names.map((f) => {
      const key = prefix === '' || prefix.endsWith('/') ? prefix + f : `${prefix}/${f}`;
      const o = byKey.get(key);
      if (!o) throw errors.remoteFileNotFound(url(key));
      return o;
    });
  } else {
    candidates = listing;
  }
  if (spec.opts.PATTERN !== undefined) {
    let re;
    try { re = new RegExp(`^(?:${spec.opts.PATTERN})$`); } catch { throw errors.syntax(`invalid regular expression '${spec.opts.PATTERN}'`); }
    candidates = candidates.filter((o) => re.test(o.key));
  }
  const loaded = session.catalog.loadedFiles(ref);
  const files = candidates.filter((o) => force || !(loaded.has(url(o.key)) && loaded.get(url(o.key)).etag === o.etag));
  if (!files.length) return statusResult('Copy executed with 0 files processed.');

  const dir = path.join(state.tmpDir, `copy-${randomUUID()}`);
  fs.mkdirSync(dir, { recursive: true });
  const stage = `__copy_${randomUUID().replace(/-/g, '')}`;
  const conn = session.conn;
  // DuckDB aborts a transaction on any error, Snowflake does not: inside BEGIN ... COMMIT, each
  // file is first read on a side connection so that a malformed file cannot poison the session.
  const probe = session.inTxn ? await state.instance.connect() : null;
  try {
    const local = await mapLimit(files, 4, async (o, k) => {
      const f = path.join(dir, `${k}-${path.basename(o.key).replace(/[^A-Za-z0-9._-]/g, '_')}`);
      try { await s3.get(bucket, o.key, f); return { file: f }; } catch (e) { return { error: describeS3Error(e) }; }
    });
    await conn.run(`CREATE TEMP TABLE ${qi(stage)} (__f INTEGER, ${targets.map((c, k) => `c${k} ${c.duckType}`).join(', ')}, __err VARCHAR, __errval VARCHAR)`);
    const results = files.map((o, k) => ({ object: o, local: local[k].file, parseError: local[k].error ? errors.stageFailure(local[k].error) : null,
      parsed: 0, errors: 0, first: null }));
    const readable = results.map((r, k) => (r.parseError ? -1 : k)).filter((k) => k >= 0);
    const parseErrorOf = (e, r) => {
      const msg = String(e.message || e).split('\n')[0].replace(/^[A-Za-z ]+Error: /, '').split(r.local).join(url(r.object.key));
      return fmt.type === 'JSON' ? errors.jsonParse(msg) : errors.internal(msg);
    };
    // Fast path: all files in one parallel read; if any file cannot be read, file by file.
    let staged = false;
    const comps = new Set(readable.map((k) => (fmt.type === 'JSON' ? detectCompression(results[k].local, fmt.compression) : '')));
    if (readable.length > 1 && comps.size === 1) {
      try {
        const q = await stagingQuery(probe || conn, readable.map((k) => results[k].local), fmt, match, targets);
        if (probe) await probe.run(`SELECT count(*) FROM ${q.from}`);
        await conn.run(`INSERT INTO ${qi(stage)} SELECT [${readable.join(', ')}][list_position(${q.paths}, __fname)], ${q.select} FROM ${q.from}`);
        staged = true;
      } catch (e) {
        if (e instanceof SnowflakeError) throw e;
        await conn.run(`DELETE FROM ${qi(stage)}`);
      }
    }
    if (!staged) {
      for (const k of readable) {
        const r = results[k];
        try {
          const q = await stagingQuery(probe || conn, [r.local], fmt, match, targets);
          if (probe) await probe.run(`SELECT count(*) FROM ${q.from}`);
          await conn.run(`INSERT INTO ${qi(stage)} SELECT ${k}, ${q.select} FROM ${q.from}`);
        } catch (e) {
          if (e instanceof SnowflakeError) throw e;
          r.parseError = parseErrorOf(e, r);
        }
      }
    }
    const counts = await conn.runAndReadAll(`SELECT __f, count(*), count(__err) FROM ${qi(stage)} GROUP BY __f`);
    for (const [f, n, e] of counts.getRows()) { results[f].parsed = Number(n); results[f].errors = Number(e); }
    // Line of the first error, for the files that have one (a second read of that file only).
    for (const r of results.filter((x) => x.errors > 0)) {
      const q = await stagingQuery(probe || conn, [r.local], fmt, match, targets);
      const first = await (probe || conn).runAndReadAll(`SELECT __line, __err, __errval FROM (SELECT row_number() OVER () AS __line, ${q.select}
        FROM ${q.from}) WHERE __err IS NOT NULL ORDER BY __line LIMIT 1`);
      const [line, col, val] = first.getRows()[0];
      const c = targets[Number(col.slice(1))];
      r.first = { line: Number(line), column: c.name, error: conversionError(col.startsWith('!') ? '!' : String(c.duckType).toUpperCase(), val) };
    }

    for (const r of results) {
      const limit = onError.mode === 'CONTINUE' ? r.parsed : onError.percent ? Math.ceil((onError.limit / 100) * r.parsed) : onError.limit;
      r.errorLimit = limit;
      if (r.parseError) { r.status = 'LOAD_FAILED'; r.errors = Math.max(1, r.errors); continue; }
      if (r.errors === 0) { r.status = 'LOADED'; continue; }
      if (onError.mode === 'ABORT_STATEMENT') { r.status = 'LOAD_FAILED'; continue; }
      if (onError.mode === 'SKIP_FILE' && r.errors >= limit) { r.status = 'LOAD_FAILED'; continue; }
      r.status = r.errors >= r.parsed ? 'LOAD_FAILED' : 'PARTIALLY_LOADED';
    }
    if (onError.mode === 'ABORT_STATEMENT') {
      const bad = results.find((r) => r.parseError || r.errors > 0);
      if (bad) {
        const e = bad.parseError || bad.first.error;
        const where = bad.first ? `\n  File '${url(bad.object.key)}', line ${bad.first.line}, character 1\n  Row ${bad.first.line}, column "${ref.name}"["${bad.first.column}":${targets.findIndex((c) => c.name === bad.first.column) + 1}]`
          : `\n  File '${url(bad.object.key)}'`;
        throw new SnowflakeError(e.code, e.sqlState, `${e.message}${where}\n  If you would like to continue loading when an error is encountered, use other values such as 'SKIP_FILE' or 'CONTINUE' for the ON_ERROR option. For more information on loading options, please run 'info loading_data' in a SQL client.`);
      }
    }
    const good = results.map((r, k) => (r.status === 'LOADED' || r.status === 'PARTIALLY_LOADED' ? k : -1)).filter((k) => k >= 0);
    if (good.length) {
      await conn.run(`INSERT INTO ${ref.sql} (${targets.map((c) => qi(c.duckName)).join(', ')})
        SELECT ${targets.map((_, k) => `c${k}`).join(', ')} FROM ${qi(stage)} WHERE __err IS NULL AND __f IN (${good.join(', ')})`);
    }
    const rows = [];
    for (const r of results) {
      const loadedRows = r.status === 'LOAD_FAILED' ? 0 : r.parsed - r.errors;
      r.loaded = loadedRows;
      const first = r.parseError ? { error: r.parseError, line: null, column: null } : r.first;
      rows.push([url(r.object.key), r.status, String(r.parsed), String(loadedRows), String(r.errorLimit), String(r.errors),
        first ? first.error.message : null, first && first.line !== null ? String(first.line) : null,
        first && first.line !== null ? '1' : null, first && first.column ? `"${ref.name}"["${first.column}":${targets.findIndex((c) => c.name === first.column) + 1}]` : null]);
    }
    const done = results.filter((r) => r.status === 'LOADED' || r.status === 'PARTIALLY_LOADED');
    session.recordLoads(ref, done.map((r) => ({ url: url(r.object.key), etag: r.object.etag, rows: r.loaded, status: r.status })));
    if (purge) {
      for (const r of results.filter((x) => x.status === 'LOADED')) {
        try { await s3.delete(bucket, r.object.key); } catch { /* Snowflake ignores purge failures */ }
      }
    }
    let out = rows;
    if (String(spec.opts.RETURN_FAILED_ONLY || 'FALSE').toUpperCase() === 'TRUE') out = rows.filter((r) => r[1] !== 'LOADED');
    const names = ['file', 'status', 'rows_parsed', 'rows_loaded', 'error_limit', 'errors_seen', 'first_error', 'first_error_line', 'first_error_character', 'first_error_column_name'];
    return {
      rowType: names.map((n) => (['rows_parsed', 'rows_loaded', 'error_limit', 'errors_seen', 'first_error_line', 'first_error_character'].includes(n) ? fixedColumn(n) : textColumn(n))),
      data: out,
      stats: { numRowsInserted: results.reduce((a, r) => a + r.loaded, 0) },
    };
  } finally {
    if (probe) probe.closeSync();
    try { await conn.run(`DROP TABLE IF EXISTS temp.main.${qi(stage)}`); } catch { /* connection may be gone */ }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Reading local files and converting them to the target columns: { from, select, paths } where
// select lists the converted columns, __err (first failing column: '#k' conversion, '!k' NULL in a
// NOT NULL column) and __errval (its raw value); reads over several files add a __fname column.
async function stagingQuery(conn, locals, fmt, match, targets) {
  const paths = `[${locals.map(sqlString).join(', ')}]`;
  const fname = locals.length > 1 ? ", filename='__fname'" : '';
  if (fmt.type === 'JSON') {
    const comp = sqlString(detectCompression(locals[0], fmt.compression));
    const opts = `format=${sqlString(fmt.stripOuterArray ? 'array' : 'newline_delimited')}, compression=${comp}${fname}`;
    if (match === 'NONE') return { paths, from: `read_json_objects(${paths}, ${opts})`, select: 'json, NULL AS __err, NULL AS __errval' };
    let keys = targets.map((c) => c.name);
    if (match === 'CASE_INSENSITIVE') {
      const r = await conn.runAndReadAll(`SELECT DISTINCT unnest(json_keys(json)) FROM read_json_objects(${paths}, ${opts})`);
      const present = r.getRows().map((x) => x[0]);
      keys = targets.map((c) => {
        const hits = present.filter((k) => k.toUpperCase() === c.name.toUpperCase());
        if (hits.length > 1) throw errors.unsupported(`keys ${hits.join(', ')} that differ only in case with MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE`);
        return hits[0] || c.name;
      });
    }
    const columns = targets.map((c, k) => `${sqlString(keys[k])}: ${sqlString(String(c.duckType).toUpperCase() === 'JSON' ? 'JSON' : 'VARCHAR')}`);
    const raw = targets.map((_, k) => `r.${qi(keys[k])}`);
    return { paths, from: `read_json(${paths}, ${opts}, columns={${columns.join(', ')}}) r`, select: convertList(targets, raw) };
  }
  const from = `read_parquet(${paths}${fname}) p`;
  const d = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${paths})`);
  const present = d.getRows().map((x) => [x[0], String(x[1])]);
  if (match === 'NONE') {
    const obj = present.map(([n]) => `${sqlString(n)}: p.${qi(n)}`).join(', ');
    return { paths, from, select: `to_json({${obj}}), NULL AS __err, NULL AS __errval` };
  }
  const raw = targets.map((c) => {
    const hit = present.find(([n]) => (match === 'CASE_SENSITIVE' ? n === c.name : n.toUpperCase() === c.name.toUpperCase()));
    if (!hit) return 'NULL';
    const complex = /^(STRUCT|MAP)|\[\]$/.test(hit[1]);
    const t = String(c.duckType).toUpperCase();
    if (t === 'JSON') return `to_json(p.${qi(hit[0])})`;
    if (complex) return `CAST(to_json(p.${qi(hit[0])}) AS VARCHAR)`;
    return `p.${qi(hit[0])}`;
  });
  return { paths, from, select: convertList(targets, raw) };
}

function convertList(targets, raw) {
  const conv = targets.map((c, k) => {
    const t = String(c.duckType).toUpperCase();
    if (t === 'JSON' || t === 'VARCHAR') return raw[k];
    return `TRY_CAST(${raw[k]} AS ${c.duckType})`;
  });
  const whens = [];
  const vals = [];
  targets.forEach((c, k) => {
    const t = String(c.duckType).toUpperCase();
    if (t !== 'JSON' && t !== 'VARCHAR') {
      whens.push(`WHEN ${raw[k]} IS NOT NULL AND ${conv[k]} IS NULL THEN '#${k}'`);
      vals.push(`WHEN ${raw[k]} IS NOT NULL AND ${conv[k]} IS NULL THEN CAST(${raw[k]} AS VARCHAR)`);
    }
    if (!c.nullable) {
      whens.push(`WHEN ${raw[k]} IS NULL THEN '!${k}'`);
      vals.push(`WHEN ${raw[k]} IS NULL THEN NULL`);
    }
  });
  const err = whens.length ? `CASE ${whens.join(' ')} END` : 'NULL';
  const val = vals.length ? `CASE ${vals.join(' ')} END` : 'NULL';
  return `${conv.join(', ')}, ${err} AS __err, ${val} AS __errval`;
}

// Load jobs: NEWLINE_DELIMITED_JSON and PARQUET into DuckDB, atomically (one DuckDB transaction).
// https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobConfigurationLoad
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { ApiError, JobError } from './errors.mjs';
import { qi, ql, qtable } from './db.mjs';
import { DUCK_TYPE, bqTypeFromDuckName, diffSchemas, validateFieldName } from './schema.mjs';
import { readSpec, validateNdjson } from './ndjson.mjs';

const READ_PREFIX = 'Error while reading data, error message: ';

export function createTableSql(p, d, t, fields) {
  const cols = fields.map((f) => `${qi(f.name)} ${DUCK_TYPE[f.type]}${f.mode === 'REQUIRED' ? ' NOT NULL' : ''}`);
  return `CREATE TABLE ${qtable(p, d, t)} (${cols.join(', ')})`;
}

async function isGzip(path) {
  const fh = await fsp.open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

function duckMessage(e) {
  return String(e.message || e).split('\n')[0].replace(/^[A-Za-z ]+ Error: /, '');
}

async function parquetColumns(db, path) {
  try {
    const r = await db.q(`DESCRIBE SELECT * FROM read_parquet(${ql(path)})`);
    return r.getRows().map(([name, type]) => ({ name, duckType: type }));
  } catch (e) {
    throw new JobError('invalid', `${READ_PREFIX}Failed to read Parquet data: ${duckMessage(e)}`);
  }
}

/**
 * Runs a load job. `job.upload` = {path, bytes}; `job.loadSchema` = validated schema fields or null.
 * Returns statistics.load. Throws JobError.
 */
export async function runLoad({ db, job, tmpDir, stats }) {
  const cfg = job.configuration.load;
  const { projectId: p, datasetId: d, tableId: t } = cfg.destinationTable;
  const tableRef = `${p}:${d}.${t}`;
  const format = cfg.sourceFormat || 'CSV';
  const writeDisposition = cfg.writeDisposition || 'WRITE_APPEND';
  const createDisposition = cfg.createDisposition || 'CREATE_IF_NEEDED';
  const updateOptions = new Set(cfg.schemaUpdateOptions || []);
  const maxBad = Number(cfg.maxBadRecords || 0);
  const tmpFiles = [];

  if (format !== 'NEWLINE_DELIMITED_JSON' && format !== 'PARQUET') {
    throw new JobError('invalid', `Source format ${format}${cfg.sourceFormat ? '' : ' (the default when sourceFormat is not set)'} is not supported by the BigQuery fake: use NEWLINE_DELIMITED_JSON or PARQUET.`);
  }

  try {
    return await db.exclusive(async () => {
      const ds = db.dataset(p, d);
      if (!ds) throw new JobError('notFound', `Not found: Dataset ${p}:${d}`);
      if (ds.location.toUpperCase() !== job.location.toUpperCase()) {
        throw new JobError('notFound', `Not found: Dataset ${p}:${d} was not found in location ${job.location}`);
      }
      let dataPath = job.upload.path;
      if (await isGzip(dataPath)) {
        const plain = `${tmpDir}/gunzip-${job.jobId}-${Date.now()}`;
        tmpFiles.push(plain);
        try {
          await pipeline(fs.createReadStream(dataPath), zlib.createGunzip(), fs.createWriteStream(plain));
        } catch (e) {
          throw new JobError('invalid', `${READ_PREFIX}Failed to decompress gzip data: ${e.message}`);
        }
        dataPath = plain;
      }

      const current = await db.tableFields(p, d, t);
      const pq = format === 'PARQUET' ? await parquetColumns(db, dataPath) : null;
      let finalFields, recreate = false, add = [], relax = [];
      if (current === null) {
        if (createDisposition === 'CREATE_NEVER') throw new JobError('notFound', `Not found: Table ${tableRef}`);
        finalFields = job.loadSchema || (pq && pq.map((c) => {
          try {
            validateFieldName(c.name);
          } catch (e) {
            throw new JobError('invalid', e.message);
          }
          return { name: c.name, type: bqTypeFromDuckName(c.duckType), mode: 'NULLABLE' };
        }));
        if (!finalFields) throw new JobError('invalid', 'No schema specified on job or table.');
      } else if (job.loadSchema && writeDisposition === 'WRITE_TRUNCATE') {
        finalFields = job.loadSchema;
        recreate = true; // WRITE_TRUNCATE replaces the schema too
      } else if (job.loadSchema) {
        try {
          ({ add, relax } = diffSchemas(tableRef, current, job.loadSchema, {
            allowAdd: updateOptions.has('ALLOW_FIELD_ADDITION'),
            allowRelax: updateOptions.has('ALLOW_FIELD_RELAXATION'),
          }));
        } catch (e) {
          if (e instanceof ApiError) throw new JobError('invalid', e.message);
          throw e;
        }
        finalFields = current.map((c) => (relax.includes(c.name) ? { ...c, mode: 'NULLABLE' } : c)).concat(add);
      } else {
        finalFields = current;
      }
      if (finalFields.length === 0) throw new JobError('invalid', `Table ${tableRef} has no schema.`);

      if (writeDisposition === 'WRITE_EMPTY' && current !== null && (await db.rowCount(p, d, t)) > 0) {
        throw new JobError('duplicate', `Already Exists: Table ${tableRef}`);
      }

      // Validate the data and build the SELECT that produces the table's columns.
      let select = null, rows = 0, badRecords = 0, rowErrors = [];
      if (format === 'NEWLINE_DELIMITED_JSON') {
        const outPath = `${tmpDir}/norm-${job.jobId}-${Date.now()}.ndjson`;
        tmpFiles.push(outPath);
        const v = await validateNdjson({
          srcPath: dataPath, outPath, fields: finalFields,
          ignoreUnknownValues: cfg.ignoreUnknownValues === true, maxBadRecords: maxBad,
        });
        ({ rows, badRecords } = v);
        rowErrors = v.errors;
        if (rows > 0) {
          const specs = finalFields.map((f) => ({ f, ...readSpec(f) }));
          const columns = specs.map((s) => `${ql(s.f.name)}: ${ql(s.readType)}`).join(', ');
          select = `SELECT ${specs.map((s) => s.expr).join(', ')} FROM read_json(${ql(v.path)}, format='newline_delimited', records=true, columns={${columns}}, maximum_object_size=268435456)`;
        }
      } else {
        const byName = new Map(pq.map((c) => [c.name.toLowerCase(), c]));
        const known = new Set(finalFields.map((f) => f.name.toLowerCase()));
        const extra = pq.find((c) => !known.has(c.name.toLowerCase()));
        if (extra) throw new JobError('invalid', `Provided Schema does not match Table ${tableRef}. Cannot add fields (field: ${extra.name})`);
        const exprs = finalFields.map((f) => {
          const c = byName.get(f.name.toLowerCase());
          if (!c) {
            if (f.mode === 'REQUIRED') throw new JobError('invalid', `${READ_PREFIX}Missing required field: ${f.name}.`);
            return `CAST(NULL AS ${DUCK_TYPE[f.type]})`;
          }
          return `CAST(${qi(c.name)} AS ${DUCK_TYPE[f.type]})`;
        });
        select = `SELECT ${exprs.join(', ')} FROM read_parquet(${ql(dataPath)})`;
      }

      const target = qtable(p, d, t);
      await db.q('BEGIN TRANSACTION');
      try {
        if (current === null) await db.q(createTableSql(p, d, t, finalFields));
        else if (recreate) {
          await db.q(`DROP TABLE ${target}`);
          await db.q(createTableSql(p, d, t, finalFields));
        } else {
          for (const name of relax) await db.q(`ALTER TABLE ${target} ALTER COLUMN ${qi(name)} DROP NOT NULL`);
          for (const f of add) await db.q(`ALTER TABLE ${target} ADD COLUMN ${qi(f.name)} ${DUCK_TYPE[f.type]}`);
          if (writeDisposition === 'WRITE_TRUNCATE') await db.q(`DELETE FROM ${target}`);
        }
        if (select) {
          const r = await db.q(`INSERT INTO ${target} (${finalFields.map((f) => qi(f.name)).join(', ')}) ${select}`);
          rows = r.rowsChanged;
        }
        await db.q('COMMIT');
      } catch (e) {
        await db.q('ROLLBACK').catch(() => {});
        if (e instanceof JobError) throw e;
        const msg = duckMessage(e);
        if (/NOT NULL constraint failed/.test(msg)) {
          throw new JobError('invalid', `${READ_PREFIX}Required field ${msg.split('.').pop()} cannot be null`);
        }
        throw new JobError('invalid', `${READ_PREFIX}${msg}`);
      }

      if (current === null || recreate) db.forgetTable(p, d, t);
      const meta = db.meta(p, d, t);
      meta.lastModifiedTime = Date.now();
      for (const f of job.loadSchema || []) if (f.description) meta.fieldDescriptions[f.name.toLowerCase()] = f.description;
      const key = `${p}.${d}.${t}`;
      stats.loads++;
      stats.rowsLoaded[key] = (stats.rowsLoaded[key] || 0) + rows;
      return {
        statistics: {
          inputFiles: '1',
          inputFileBytes: String(job.upload.bytes),
          outputRows: String(rows),
          outputBytes: String(job.upload.bytes),
          badRecords: String(badRecords),
        },
        warnings: rowErrors,
      };
    });
  } finally {
    for (const f of tmpFiles) await fsp.rm(f, { force: true }).catch(() => {});
  }
}

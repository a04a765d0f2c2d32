// DuckDB's side of bench/vs-duckdb: loads the events of one of our uncompressed JSON lines
// exports into an in-memory table (the anchor reads from memory: no source store to read), then
// times only the COPYs to JSON lines and to Parquet, zstd, on `threads` threads, in the layout our
// export wrote:
//   day      one COPY of the whole table to one file
//   hour     one COPY per hour of _inserted_at, each to its own file (our hourly layout: 24 runs)
//   split:N  one COPY to a directory with FILE_SIZE_BYTES N MiB (our max_file_size_mb = N)
// Prints one JSON line per format: rows, wall and CPU seconds (the whole process, summed over
// the COPYs), bytes and files written.
// usage: node duckdb_export_bench.mjs <events.jsonl> <out_dir> [threads=1] [layout=day]
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';

const [src, outDir, threads = '1', layout = 'day'] = process.argv.slice(2);
if (!src || !outDir || !/^(day|hour|split:[1-9][0-9]*)$/.test(layout)) {
  console.error('usage: node duckdb_export_bench.mjs <events.jsonl> <out_dir> [threads] [day|hour|split:MiB]');
  process.exit(2);
}
const db = await DuckDBInstance.create(':memory:', { threads });
const c = await db.connect();
const q = (s) => `'${s.replaceAll("'", "''")}'`;

// The events file schema (src/core/schemas.cc): JSON columns as JSON, timestamps UTC.
const cols = `{uuid: 'VARCHAR', event: 'VARCHAR', distinct_id: 'VARCHAR', person_id: 'VARCHAR',
  properties: 'JSON', person_properties: 'JSON', elements_chain: 'VARCHAR',
  timestamp: 'TIMESTAMPTZ', created_at: 'TIMESTAMPTZ', _inserted_at: 'TIMESTAMPTZ'}`;
await c.run(`CREATE TABLE ev AS SELECT * FROM read_json(${q(src)}, format='newline_delimited',
  columns=${cols}, maximum_object_size=100000000)`);
const rows = Number((await c.runAndReadAll('SELECT count(*) FROM ev')).getRows()[0][0]);
// The hours (since the epoch, UTC) that hold rows.
const hours = (await c.runAndReadAll(
  'SELECT DISTINCT epoch_us(_inserted_at) // 3600000000 AS h FROM ev ORDER BY h'))
  .getRows().map((r) => Number(r[0]));

// The COPY statements that write one format into `dir`.
function copies(format, ext, dir) {
  const options = `FORMAT ${format}, COMPRESSION zstd`;
  if (layout === 'day') return [`COPY ev TO ${q(`${dir}/duckdb.${ext}`)} (${options})`];
  if (layout === 'hour') {
    return hours.map((h, i) => `COPY (SELECT * FROM ev WHERE _inserted_at >= to_timestamp(${h * 3600})
      AND _inserted_at < to_timestamp(${(h + 1) * 3600})) TO ${q(`${dir}/hour-${i}.${ext}`)} (${options})`);
  }
  const bytes = Number(layout.slice('split:'.length)) * 1048576;
  return [`COPY ev TO ${q(`${dir}/split`)} (${options}, FILE_SIZE_BYTES ${bytes}, FILENAME_PATTERN 'part_{i}')`];
}

const filesUnder = (dir) => readdirSync(dir, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile()).map((e) => `${e.parentPath ?? e.path}/${e.name}`);

for (const [format, ext] of [['json', 'jsonl.zst'], ['parquet', 'parquet']]) {
  const dir = `${outDir}/duckdb-${format}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const statements = copies(format, ext, dir);
  const t = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (const s of statements) await c.run(s);
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const files = filesUnder(dir);
  console.log(JSON.stringify({ format, layout, rows, seconds: +seconds.toFixed(3),
    cpu_seconds: +((cpu.user + cpu.system) / 1e6).toFixed(3),
    bytes: files.reduce((sum, f) => sum + statSync(f).size, 0), files: files.length }));
}

// DuckDB's side of bench/vs-duckdb: loads the events of one of our uncompressed JSON lines
// exports into an in-memory table (the anchor reads from memory: no source store to read), then
// times only `COPY ev TO ... (FORMAT json|parquet, COMPRESSION zstd)`, each once, on `threads`
// threads. Prints one JSON line per COPY: rows, wall and CPU seconds (the whole process), bytes.
// usage: node duckdb_export_bench.mjs <events.jsonl> <out_dir> [threads=1]
import { DuckDBInstance } from '@duckdb/node-api';
import { rmSync, statSync } from 'node:fs';

const [src, outDir, threads = '1'] = process.argv.slice(2);
if (!src || !outDir) {
  console.error('usage: node duckdb_export_bench.mjs <events.jsonl> <out_dir> [threads]');
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

for (const [format, ext] of [['json', 'jsonl.zst'], ['parquet', 'parquet']]) {
  const out = `${outDir}/duckdb.${ext}`;
  rmSync(out, { force: true });
  const t = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  await c.run(`COPY ev TO ${q(out)} (FORMAT ${format}, COMPRESSION zstd)`);
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  console.log(JSON.stringify({ format, rows, seconds: +seconds.toFixed(3),
    cpu_seconds: +((cpu.user + cpu.system) / 1e6).toFixed(3), bytes: statSync(out).size }));
}

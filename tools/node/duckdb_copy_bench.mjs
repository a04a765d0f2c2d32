// DuckDB's side of bench/parquet-vs-duckdb: loads the NDJSON rows parquet_bench generated into
// an in-memory table (threads=1), then times only `COPY tbl TO 'x.parquet' (FORMAT parquet,
// COMPRESSION c)` per codec. Also checks that batch-export's files (if given) read back with the
// same row count.
// usage: node duckdb_copy_bench.mjs <events.ndjson> <out_dir> <codecs=zstd,snappy> [ours.parquet...]
import { DuckDBInstance } from '@duckdb/node-api';
import { rmSync, statSync } from 'node:fs';

const [src, outDir = '/tmp/bx-parquet-bench', codecs = 'zstd,snappy', ...ours] = process.argv.slice(2);
if (!src) {
  console.error('usage: node duckdb_copy_bench.mjs <events.ndjson> <out_dir> [codecs] [ours.parquet...]');
  process.exit(2);
}
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await db.connect();
const q = (s) => `'${s.replaceAll("'", "''")}'`;
const count = async (sql) => Number((await c.runAndReadAll(sql)).getRows()[0][0]);

// The events file schema (src/core/schemas.cc): strings and JSON as VARCHAR, timestamps UTC.
const cols = `{uuid: 'VARCHAR', event: 'VARCHAR', distinct_id: 'VARCHAR', person_id: 'VARCHAR',
  properties: 'VARCHAR', person_properties: 'VARCHAR', elements_chain: 'VARCHAR',
  timestamp: 'TIMESTAMPTZ', created_at: 'TIMESTAMPTZ', _inserted_at: 'TIMESTAMPTZ'}`;
let t = process.hrtime.bigint();
await c.run(`CREATE TABLE ev AS SELECT * FROM read_json(${q(src)}, format='newline_delimited', columns=${cols})`);
const rows = await count('SELECT count(*) FROM ev');
console.error(`duckdb: loaded ${rows} rows in ${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(1)} s`);

for (const codec of codecs.split(',')) {
  const out = `${outDir}/duckdb_${codec}.parquet`;
  rmSync(out, { force: true });
  t = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  await c.run(`COPY ev TO ${q(out)} (FORMAT parquet, COMPRESSION ${codec})`);
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;  // all threads of the process
  console.log(JSON.stringify({ writer: 'duckdb', compression: codec, rows, seconds: +seconds.toFixed(3),
    rows_per_s: Math.round(rows / seconds), cpu_seconds: +cpuSeconds.toFixed(3),
    rows_per_cpu_s: Math.round(rows / cpuSeconds), bytes: statSync(out).size, file: out }));
}
for (const file of ours) {
  const n = await count(`SELECT count(*) FROM read_parquet(${q(file)})`);
  const same = await count(`SELECT count(*) FROM (SELECT * FROM read_parquet(${q(file)}) EXCEPT ALL SELECT * FROM ev)`);
  console.log(JSON.stringify({ check: file, rows: n, rows_not_in_duckdb_table: same }));
}

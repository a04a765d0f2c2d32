// Reads Parquet files with DuckDB (an independent reader) and dumps what it sees, for tests.
// usage: node parquet_dump.mjs <file.parquet>...
// For each FILE writes
//   FILE.duckdb.meta.json   {columns: DESCRIBE, schema: parquet_schema, metadata: parquet_metadata
//                            (+ stats_min_us/stats_max_us for timestamps),
//                            file: parquet_file_metadata, kv: parquet_kv_metadata}
//   FILE.duckdb.rows.ndjson one JSON object per row, in file order; BIGINT as a decimal string,
//                           timestamps as microseconds since the epoch (a decimal string).
// Exits non-zero, with the reader's message, if DuckDB cannot read a file.
import { DuckDBInstance } from '@duckdb/node-api';
import { writeFileSync } from 'node:fs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node parquet_dump.mjs <file.parquet>...');
  process.exit(2);
}
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const conn = await db.connect();
await conn.run("SET TimeZone = 'UTC'");
const q = (s) => `'${s.replaceAll("'", "''")}'`;
const ident = (s) => `"${s.replaceAll('"', '""')}"`;
const rowsOf = async (sql) => (await conn.runAndReadAll(sql)).getRowObjectsJson();

for (const file of files) {
  const src = `read_parquet(${q(file)})`;
  const columns = await rowsOf(`DESCRIBE SELECT * FROM ${src}`);
  const meta = {
    columns,
    schema: await rowsOf(`SELECT * FROM parquet_schema(${q(file)})`),
    // Timestamp statistics are rendered as text; stats_*_us gives them as epoch microseconds.
    metadata: await rowsOf(`SELECT m.*,
        CASE WHEN s.duckdb_type LIKE 'TIMESTAMP%' THEN epoch_us(m.stats_min_value::TIMESTAMPTZ)::VARCHAR END AS stats_min_us,
        CASE WHEN s.duckdb_type LIKE 'TIMESTAMP%' THEN epoch_us(m.stats_max_value::TIMESTAMPTZ)::VARCHAR END AS stats_max_us
      FROM parquet_metadata(${q(file)}) m JOIN parquet_schema(${q(file)}) s ON s.name = m.path_in_schema
      ORDER BY m.row_group_id, m.column_id`),
    file: await rowsOf(`SELECT * FROM parquet_file_metadata(${q(file)})`),
    kv: await rowsOf(`SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${q(file)})`),
  };
  writeFileSync(`${file}.duckdb.meta.json`, JSON.stringify(meta));
  const select = columns.map(({ column_name: name, column_type: type }) => {
    if (type.startsWith('TIMESTAMP')) return `epoch_us(${ident(name)})::VARCHAR AS ${ident(name)}`;
    if (type === 'BIGINT') return `${ident(name)}::VARCHAR AS ${ident(name)}`;
    return ident(name);
  });
  await conn.run(`COPY (SELECT ${select.join(', ')} FROM ${src}) TO ${q(`${file}.duckdb.rows.ndjson`)} (FORMAT json)`);
}

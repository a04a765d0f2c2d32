// Reads Parquet files with hyparquet (a second independent reader, pure JavaScript).
// usage: node parquet_dump_hyparquet.mjs <file.parquet>...
// For each FILE writes
//   FILE.hyparquet.meta.json   the file metadata as hyparquet decodes it (BigInts as strings)
//   FILE.hyparquet.rows.ndjson one JSON object per row; INT64 as a decimal string, timestamps as
//                              microseconds since the epoch (a decimal string).
// Reads one row group at a time to bound memory.
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, toJson } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { createWriteStream, writeFileSync } from 'node:fs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node parquet_dump_hyparquet.mjs <file.parquet>...');
  process.exit(2);
}
const parsers = { timestampFromMicroseconds: (us) => us.toString() };
const replacer = (_k, v) => (typeof v === 'bigint' ? v.toString() : v);

for (const path of files) {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  writeFileSync(`${path}.hyparquet.meta.json`, JSON.stringify(toJson(metadata)));
  const out = createWriteStream(`${path}.hyparquet.rows.ndjson`);
  let rowStart = 0;
  for (const rg of metadata.row_groups) {
    const rowEnd = rowStart + Number(rg.num_rows);
    const rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd, compressors, parsers });
    let chunk = '';
    for (const row of rows) {
      chunk += JSON.stringify(row, replacer) + '\n';
      if (chunk.length > (1 << 20)) {
        if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
        chunk = '';
      }
    }
    if (chunk) out.write(chunk);
    rowStart = rowEnd;
  }
  await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
}

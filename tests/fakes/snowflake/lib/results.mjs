// Builds the fake's internal result objects ({ rowType, data, stats? }) that statements.mjs turns
// into the SQL API's ResultSet.
import { DuckDBTypeId } from '@duckdb/node-api';
import { dec } from './names.mjs';
import { fixedColumn, formatValue, rowTypeOf, textColumn } from './types.mjs';

export const statusResult = (message) => ({ rowType: [textColumn('status')], data: [[message]] });

// DML results: one column per count ("number of rows inserted", ...), and the stats object.
export function dmlResult(counts) {
  const names = { inserted: 'number of rows inserted', updated: 'number of rows updated', deleted: 'number of rows deleted',
    multiUpdated: 'number of multi-joined rows updated' };
  const stats = { inserted: 'numRowsInserted', updated: 'numRowsUpdated', deleted: 'numRowsDeleted', multiUpdated: 'numDmlDuplicates' };
  const keys = Object.keys(counts);
  const out = { rowType: keys.map((k) => fixedColumn(names[k])), data: [keys.map((k) => String(counts[k]))], stats: {} };
  for (const k of keys) if (stats[k] !== 'numDmlDuplicates') out.stats[stats[k]] = counts[k];
  return out;
}

const COMPLEX = new Set([DuckDBTypeId.LIST, DuckDBTypeId.ARRAY, DuckDBTypeId.STRUCT, DuckDBTypeId.MAP]);

// Converts a DuckDB result reader to rowType + rows of strings (SQL API jsonv2 encoding).
export function resultFromReader(reader) {
  const names = reader.columnNames().map(dec);
  const types = reader.columnTypes();
  const rowType = names.map((n, i) => rowTypeOf(n, types[i]));
  const rows = reader.getRows();
  const needJson = types.some((t) => COMPLEX.has(t.typeId));
  const json = needJson ? reader.getRowsJson() : null;
  const data = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    const outRow = new Array(row.length);
    for (let c = 0; c < row.length; c++) outRow[c] = formatValue(row[c], types[c], json ? json[r][c] : null);
    data[r] = outRow;
  }
  return { rowType, data };
}

// BigQuery table schemas: validation, type aliases and the mapping to DuckDB column types.
// https://cloud.google.com/bigquery/docs/reference/rest/v2/tables#TableFieldSchema
// https://cloud.google.com/bigquery/docs/schemas#column_names
import { ApiError } from './errors.mjs';

// API type name (any accepted alias, upper-cased) -> canonical name as tables.get returns it.
const TYPE_ALIASES = {
  STRING: 'STRING', BYTES: 'BYTES',
  INTEGER: 'INTEGER', INT64: 'INTEGER',
  FLOAT: 'FLOAT', FLOAT64: 'FLOAT',
  NUMERIC: 'NUMERIC', DECIMAL: 'NUMERIC', BIGNUMERIC: 'BIGNUMERIC', BIGDECIMAL: 'BIGNUMERIC',
  BOOLEAN: 'BOOLEAN', BOOL: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMP', DATE: 'DATE', TIME: 'TIME', DATETIME: 'DATETIME',
  JSON: 'JSON',
  GEOGRAPHY: 'GEOGRAPHY', RECORD: 'RECORD', STRUCT: 'RECORD', RANGE: 'RANGE', INTERVAL: 'INTERVAL',
};
const UNSUPPORTED_TYPES = new Set(['GEOGRAPHY', 'RECORD', 'RANGE', 'INTERVAL']);

export const DUCK_TYPE = {
  STRING: 'VARCHAR',
  BYTES: 'BLOB',
  INTEGER: 'BIGINT',
  FLOAT: 'DOUBLE',
  NUMERIC: 'DECIMAL(38,9)',
  BIGNUMERIC: 'DECIMAL(38,18)', // approximation: DuckDB decimals stop at 38 digits
  BOOLEAN: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMPTZ',
  DATE: 'DATE',
  TIME: 'TIME',
  DATETIME: 'TIMESTAMP',
  JSON: 'JSON',
};

const FIELD_KEYS = new Set(['name', 'type', 'mode', 'fields', 'description', 'policyTags', 'maxLength', 'precision', 'scale',
  'roundingMode', 'collation', 'defaultValueExpression', 'rangeElementType', 'foreignTypeDefinition', 'dataPolicies', 'categories']);
const RESERVED_PREFIXES = ['_TABLE_', '_FILE_', '_PARTITION', '_ROW_TIMESTAMP', '__ROOT__', '_COLIDENTIFIER', '_CHANGE_SEQUENCE_NUMBER', '_CHANGE_TYPE', '_CHANGE_TIMESTAMP'];

export function canonicalType(t) {
  return TYPE_ALIASES[String(t).toUpperCase()];
}

/** Column names: letters, digits, underscores; not starting with a digit; at most 300 characters. */
export function validateFieldName(name, where = 'schema') {
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,299}$/.test(name)) {
    throw new ApiError(400, 'invalid', `Invalid field name "${name}". Fields must contain only letters, numbers, and underscores, start with a letter or underscore, and be at most 300 characters long.`);
  }
  const up = name.toUpperCase();
  for (const p of RESERVED_PREFIXES) {
    if (up.startsWith(p)) throw new ApiError(400, 'invalid', `Invalid field name "${name}". Field names cannot start with the reserved prefix ${p} (${where}).`);
  }
}

/**
 * Validates schema.fields from a request (tables.insert/patch, load configuration) and returns
 * normalized fields [{name, type, mode, description?}]. `path` names the request field in messages.
 */
export function validateSchemaFields(fields, path = 'schema') {
  if (!Array.isArray(fields)) throw new ApiError(400, 'invalid', `Invalid value at '${path}.fields': expected a list of fields.`);
  if (fields.length === 0) throw new ApiError(400, 'invalid', 'Schema has no fields.');
  if (fields.length > 10000) throw new ApiError(400, 'invalid', 'Too many fields: a table may have at most 10,000 columns.');
  const seen = new Map();
  return fields.map((f, i) => {
    if (!f || typeof f !== 'object' || Array.isArray(f)) throw new ApiError(400, 'invalid', `Invalid value at '${path}.fields[${i}]': expected an object.`);
    for (const k of Object.keys(f)) {
      if (!FIELD_KEYS.has(k)) throw new ApiError(400, 'invalid', `Invalid JSON payload received. Unknown name "${k}" at '${path}.fields[${i}]': Cannot find field.`);
    }
    validateFieldName(f.name);
    const lower = f.name.toLowerCase();
    if (seen.has(lower)) throw new ApiError(400, 'invalid', `Field ${f.name} already exists in schema`);
    seen.set(lower, true);
    if (typeof f.type !== 'string') throw new ApiError(400, 'invalid', `Field ${f.name}: type is required.`);
    const type = canonicalType(f.type);
    if (!type) throw new ApiError(400, 'invalid', `Invalid value for type: ${f.type} is not a valid value`);
    if (UNSUPPORTED_TYPES.has(type) || f.fields) {
      throw new ApiError(400, 'invalid', `Field ${f.name}: type ${type} is not supported by the BigQuery fake.`);
    }
    const mode = f.mode === undefined || f.mode === null ? 'NULLABLE' : String(f.mode).toUpperCase();
    if (!['NULLABLE', 'REQUIRED', 'REPEATED'].includes(mode)) throw new ApiError(400, 'invalid', `Invalid value for mode: ${f.mode} is not a valid value`);
    if (mode === 'REPEATED') throw new ApiError(400, 'invalid', `Field ${f.name}: mode REPEATED is not supported by the BigQuery fake.`);
    if (f.description !== undefined && typeof f.description !== 'string') throw new ApiError(400, 'invalid', `Field ${f.name}: description must be a string.`);
    const out = { name: f.name, type, mode };
    if (f.description) out.description = f.description;
    return out;
  });
}

/** BigQuery type of a DuckDB type given as a columnTypeJson() object. */
export function bqTypeFromDuckJson(t) {
  if (t.alias === 'JSON') return { type: 'JSON' };
  switch (t.typeId) {
    case 1: return { type: 'BOOLEAN' };
    case 2: case 3: case 4: case 5: case 6: case 7: case 8: case 9: case 16: case 32: return { type: 'INTEGER' };
    case 10: case 11: return { type: 'FLOAT' };
    case 19: return { type: t.scale === 9 && t.width === 38 ? 'NUMERIC' : t.width === 38 && t.scale > 9 ? 'BIGNUMERIC' : 'FLOAT' };
    case 12: case 20: case 21: case 22: return { type: 'DATETIME' };
    case 31: return { type: 'TIMESTAMP' };
    case 13: return { type: 'DATE' };
    case 14: case 30: return { type: 'TIME' };
    case 18: return { type: 'BYTES' };
    case 15: return { type: 'INTERVAL' };
    case 24: case 33: return { ...bqTypeFromDuckJson(t.valueType), mode: 'REPEATED' };
    case 25: return {
      type: 'RECORD',
      fields: (t.entryNames || []).map((n, i) => ({ name: n, ...withMode(bqTypeFromDuckJson(t.entryTypes[i])) })),
    };
    default: return { type: 'STRING' };
  }
}

function withMode(x) {
  return x.mode ? x : { ...x, mode: 'NULLABLE' };
}

/** BigQuery type of a DuckDB column data_type string (from duckdb_columns()). */
export function bqTypeFromDuckName(dataType) {
  const t = dataType.toUpperCase();
  if (t === 'JSON') return 'JSON';
  if (t === 'VARCHAR' || t === 'UUID' || t.startsWith('ENUM')) return 'STRING';
  if (['BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT', 'HUGEINT', 'UBIGINT', 'UINTEGER', 'USMALLINT', 'UTINYINT', 'UHUGEINT'].includes(t)) return 'INTEGER';
  if (t === 'DOUBLE' || t === 'FLOAT') return 'FLOAT';
  if (t === 'DECIMAL(38,9)') return 'NUMERIC';
  if (/^DECIMAL\(38,(1\d|[2-3]\d)\)$/.test(t)) return 'BIGNUMERIC';
  if (t.startsWith('DECIMAL')) return 'NUMERIC';
  if (t === 'BOOLEAN') return 'BOOLEAN';
  if (t === 'TIMESTAMP WITH TIME ZONE') return 'TIMESTAMP';
  if (t.startsWith('TIMESTAMP')) return 'DATETIME';
  if (t === 'DATE') return 'DATE';
  if (t.startsWith('TIME')) return 'TIME';
  if (t === 'BLOB') return 'BYTES';
  return 'STRING';
}

/**
 * Checks a schema given with a load (or tables.patch) against the table's current one.
 * Returns {add: [fields to add], relax: [names to make NULLABLE]} or throws ApiError(400 invalid).
 * Documented rules: columns may be added (NULLABLE only) and REQUIRED relaxed to NULLABLE; nothing else changes.
 */
export function diffSchemas(tableRef, current, proposed, { allowAdd = true, allowRelax = true } = {}) {
  const prefix = `Provided Schema does not match Table ${tableRef}.`;
  const byName = new Map(proposed.map((f) => [f.name.toLowerCase(), f]));
  const add = [], relax = [];
  for (const c of current) {
    const p = byName.get(c.name.toLowerCase());
    if (!p) throw new ApiError(400, 'invalid', `${prefix} Field ${c.name} is missing in new schema`);
    if (p.type !== c.type) throw new ApiError(400, 'invalid', `${prefix} Field ${c.name} has changed type from ${c.type} to ${p.type}`);
    if (p.mode !== c.mode) {
      if (c.mode === 'REQUIRED' && p.mode === 'NULLABLE') {
        if (!allowRelax) throw new ApiError(400, 'invalid', `${prefix} Field ${c.name} has changed mode from REQUIRED to NULLABLE`);
        relax.push(c.name);
      } else {
        throw new ApiError(400, 'invalid', `${prefix} Field ${c.name} has changed mode from ${c.mode} to ${p.mode}`);
      }
    }
  }
  const curNames = new Set(current.map((c) => c.name.toLowerCase()));
  for (const p of proposed) {
    if (curNames.has(p.name.toLowerCase())) continue;
    if (!allowAdd) throw new ApiError(400, 'invalid', `${prefix} Cannot add fields (field: ${p.name})`);
    if (p.mode === 'REQUIRED') throw new ApiError(400, 'invalid', `${prefix} Cannot add required fields to an existing schema. (field: ${p.name})`);
    add.push(p);
  }
  return { add, relax };
}

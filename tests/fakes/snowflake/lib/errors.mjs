// Snowflake-shaped errors. A SnowflakeError carries the HTTP status and the body fields the SQL
// API returns (QueryFailureStatus for 422: code, sqlState, message). Codes marked "guess" in
// README.md were not found in the stored documentation.

export class SnowflakeError extends Error {
  constructor(code, sqlState, message, httpStatus = 422) {
    super(message);
    this.code = code;
    this.sqlState = sqlState;
    this.httpStatus = httpStatus;
  }
}

const E = (code, sqlState, message, httpStatus) => new SnowflakeError(code, sqlState, message, httpStatus);

export const errors = {
  syntax: (detail) => E('001003', '42000', `SQL compilation error:\n${detail}`),
  objectNotFound: (name) => E('002003', '42S02', `SQL compilation error:\nObject '${name}' does not exist or not authorized.`),
  tableNotFound: (name) => E('002003', '42S02', `SQL compilation error:\nTable '${name}' does not exist or not authorized.`),
  schemaNotFound: (name) => E('002003', '02000', `SQL compilation error:\nSchema '${name}' does not exist or not authorized.`),
  databaseNotFound: (name) => E('002003', '02000', `SQL compilation error:\nDatabase '${name}' does not exist or not authorized.`),
  alreadyExists: (name) => E('002002', '42710', `SQL compilation error:\nObject '${name}' already exists.`),
  columnExists: (name) => E('001430', '42601', `SQL compilation error:\ncolumn '${name}' already exists`),
  invalidIdentifier: (name) => E('000904', '42000', `SQL compilation error: error line 1 at position 0\ninvalid identifier '${name}'`),
  unknownFunction: (name) => E('002140', '42601', `SQL compilation error:\nUnknown function ${name}`),
  insertCount: (expected, got) => E('002020', '21S01', `SQL compilation error:\nInsert value list does not match column list expecting ${expected} but got ${got}`),
  valuesExpression: (expr) => E('002014', '22000', `SQL compilation error:\nInvalid expression [${expr}] in VALUES clause`),
  tooManyValues: (got) => E('001795', '42601', `SQL compilation error: error line 1 at position 0\nmaximum number of expressions in a list exceeded, expected at most 16,384, got ${got.toLocaleString('en-US')}`),
  numeric: (v) => E('100038', '22018', `Numeric value '${v}' is not recognized`),
  timestamp: (v) => E('100035', '22007', `Timestamp '${v}' is not recognized`),
  date: (v) => E('100040', '22007', `Date '${v}' is not recognized`),
  boolean: (v) => E('100037', '22018', `Boolean value '${v}' is not recognized`),
  jsonParse: (detail) => E('100069', '22P02', `Error parsing JSON: ${detail}`),
  notNull: () => E('100072', '22004', 'NULL result in a non-nullable column'),
  duplicateMergeRow: () => E('100090', '42P18', 'Duplicate row detected during DML action'),
  unsupported: (what) => E('000002', '0A000', `Unsupported feature '${what}'.`),
  noWarehouse: () => E('000606', '57P03', "No active warehouse selected in the current session.  Select an active warehouse with the 'use warehouse' command.\n"),
  noDatabase: (op) => E('090105', '22000', `Cannot perform ${op}. This session does not have a current database. Call 'USE DATABASE', or use a qualified name.`),
  noSchema: (op) => E('090106', '22000', `Cannot perform ${op}. This session does not have a current schema. Call 'USE SCHEMA', or use a qualified name.`),
  contextObjectMissing: () => E('002043', '02000', 'SQL compilation error:\nObject does not exist, or operation cannot be performed.'),
  roleMissing: (role) => E('390189', '08004', `Role '${role}' specified in the connect string does not exist or not authorized. Contact your local system administrator, or attempt to login with another role, e.g. PUBLIC.`),
  statementCount: (actual, desired) => E('000008', '0A000', `Actual statement count ${actual} did not match the desired statement count ${desired}.`),
  bindNotSet: () => E('002049', '42601', 'SQL compilation error: error line 1 at position 0\nBind variable ? not set.'),
  bindType: (t) => E('002099', '42601', `SQL compilation error:\nUnsupported data type '${t}' for a bind variable.`),
  statementTooLarge: (size, limit) => E('001500', '54000', `Statement text is too large: ${size} bytes; the limit is ${limit} bytes (query text limit, https://docs.snowflake.com/en/user-guide/query-size-limits).`),
  canceled: () => E('000604', '57014', 'SQL execution canceled'),
  internal: (detail) => E('000603', 'XX000', `SQL execution internal error:\n${detail}`),
  stageFailure: (cause) => E('091003', '22000', `Failure using stage area. Cause: [${cause}]`),
  remoteFileNotFound: (path) => E('091016', '22000', `Remote file '${path}' was not found. There are several potential causes. The file might not exist. The required credentials may be missing or invalid. If you are running a copy command, please make sure files are not deleted when they are being loaded or files are not being loaded into two different tables concurrently with auto purge option.`),
  copySingleColumn: (fmt) => E('002023', '22000', `SQL compilation error:\n${fmt} file format can produce one and only one column of type variant, object, or array. Use CSV file format if you want to load more than one column.`),
  statementNotFound: (h) => E('000709', '02000', `Statement ${h} not found`),
};

// Body of a 422 (or other statement-level) response.
export function failureBody(err, handle, extra = {}) {
  return {
    code: err.code,
    message: err.message,
    sqlState: err.sqlState,
    statementHandle: handle,
    ...extra,
  };
}

// Maps a DuckDB error message to the nearest Snowflake error. `decode` turns the fake's encoded
// DuckDB names back into Snowflake names.
export function fromDuckDB(e, decode = (s) => s) {
  if (e instanceof SnowflakeError) return e;
  const raw = String((e && e.message) || e);
  const msg = raw.split('\n')[0];
  let m;
  if ((m = /Table with name (.+?) does not exist/.exec(msg))) return errors.objectNotFound(decode(m[1].replace(/^"|"$/g, '')));
  if ((m = /Referenced column "(.+?)" not found/.exec(msg)) || (m = /column "(.+?)" not found/i.exec(msg)) ||
      (m = /does not have a column named "(.+?)"/.exec(msg)) || (m = /Referenced table "(.+?)" not found/.exec(msg))) {
    return errors.invalidIdentifier(displayName(decode(m[1])));
  }
  if ((m = /has (\d+) columns but (\d+) values were supplied/.exec(msg))) return errors.insertCount(m[1], m[2]);
  if ((m = /Scalar Function with name (\S+) does not exist/.exec(msg)) || (m = /Function with name (\S+) does not exist/.exec(msg))) {
    return errors.unknownFunction(m[1].replace(/"/g, '').toUpperCase());
  }
  if ((m = /Could not convert string '(.*?)' to (\w+)/.exec(msg)) || (m = /Could not convert string "(.*?)" to '?(\w+)/.exec(msg))) {
    const t = m[2].toUpperCase();
    if (t.startsWith('TIMESTAMP')) return errors.timestamp(m[1]);
    if (t === 'DATE') return errors.date(m[1]);
    if (t === 'BOOL' || t === 'BOOLEAN') return errors.boolean(m[1]);
    return errors.numeric(m[1]);
  }
  if (/^Conversion Error/.test(msg)) return errors.numeric(msg.replace(/^Conversion Error: /, ''));
  if (/Malformed JSON/.test(msg)) return errors.jsonParse(msg.replace(/^Invalid Input Error: /, ''));
  if (/NOT NULL constraint failed/.test(msg)) return errors.notNull();
  if (/INTERRUPT/.test(msg)) return errors.canceled();
  if ((m = /Parser Error: syntax error at or near "(.*?)"/.exec(msg))) return errors.syntax(`syntax error line 1 at position 0 unexpected '${decode(m[1])}'.`);
  if (/Parser Error/.test(msg)) return errors.syntax(decode(msg.replace(/^Parser Error: /, '')));
  return errors.internal(decode(raw.split('\n\nLINE')[0]));
}

// Snowflake shows case-sensitive (quoted) identifiers with their quotes.
export function displayName(name) {
  return /^[A-Z_][A-Z0-9_$]*$/.test(name) ? name : `"${name}"`;
}

// Request-resource checks as Google's JSON front end and BigQuery's jobs.insert/tables.insert do them:
// unknown field names and wrongly typed values are 400 "Invalid JSON payload received" / "Invalid value at".
// https://cloud.google.com/bigquery/docs/reference/rest/v2/Job
import { ApiError } from './errors.mjs';
import { validateSchemaFields } from './schema.mjs';

const snake = (s) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const TABLE_REF = { projectId: 'string', datasetId: 'string', tableId: 'string' };
const DATASET_REF = { projectId: 'string', datasetId: 'string' };
const JOB_REF = { projectId: 'string', jobId: 'string', location: 'string' };

const LOAD = {
  destinationTable: TABLE_REF, sourceFormat: 'string', schema: 'schema', writeDisposition: 'string', createDisposition: 'string',
  ignoreUnknownValues: 'bool', maxBadRecords: 'int', autodetect: 'bool', encoding: 'string', fieldDelimiter: 'string',
  skipLeadingRows: 'int', quote: 'string', allowQuotedNewlines: 'bool', allowJaggedRows: 'bool', nullMarker: 'string',
  sourceUris: 'array', schemaUpdateOptions: 'array', timePartitioning: 'object', rangePartitioning: 'object', clustering: 'object',
  destinationTableProperties: 'object', jsonExtension: 'string', parquetOptions: 'object', useAvroLogicalTypes: 'bool',
  decimalTargetTypes: 'array', columnNameCharacterMap: 'string', preserveAsciiControlCharacters: 'bool',
  referenceFileSchemaUri: 'string', hivePartitioningOptions: 'object', destinationEncryptionConfiguration: 'object',
  projectionFields: 'array', connectionProperties: 'array', createSession: 'bool', fileSetSpecType: 'string',
  copyFilesOnly: 'bool', nullMarkers: 'array', timeZone: 'string', dateFormat: 'string', datetimeFormat: 'string',
  timeFormat: 'string', timestampFormat: 'string', sourceColumnMatch: 'string', schemaInline: 'string', schemaInlineFormat: 'string',
};
const QUERY = {
  query: 'string', useLegacySql: 'bool', defaultDataset: DATASET_REF, destinationTable: TABLE_REF, writeDisposition: 'string',
  createDisposition: 'string', priority: 'string', queryParameters: 'array', parameterMode: 'string', useQueryCache: 'bool',
  maximumBytesBilled: 'int', allowLargeResults: 'bool', flattenResults: 'bool', schemaUpdateOptions: 'array',
  timePartitioning: 'object', rangePartitioning: 'object', clustering: 'object', connectionProperties: 'array', createSession: 'bool',
  scriptOptions: 'object', destinationEncryptionConfiguration: 'object', userDefinedFunctionResources: 'array',
  tableDefinitions: 'object', maximumBillingTier: 'int', preserveNulls: 'bool', continuous: 'bool', writeIncrementalResults: 'bool',
  systemVariables: 'object',
};
const CONFIG = {
  load: LOAD, query: QUERY, copy: 'object', extract: 'object', dryRun: 'bool', jobTimeoutMs: 'int', labels: 'object',
  jobType: 'string', reservation: 'string', maxSlots: 'int',
};
const JOB = {
  kind: 'string', etag: 'string', id: 'string', selfLink: 'string', user_email: 'string', jobReference: JOB_REF,
  configuration: CONFIG, status: 'object', statistics: 'object', principal_subject: 'string', jobCreationReason: 'object',
};
const QUERY_REQUEST = {
  kind: 'string', query: 'string', maxResults: 'int', defaultDataset: DATASET_REF, timeoutMs: 'int', dryRun: 'bool',
  preserveNulls: 'bool', useQueryCache: 'bool', useLegacySql: 'bool', parameterMode: 'string', queryParameters: 'array',
  location: 'string', formatOptions: 'object', connectionProperties: 'array', labels: 'object', maximumBytesBilled: 'int',
  requestId: 'string', createSession: 'bool', jobCreationMode: 'string', continuous: 'bool', jobTimeoutMs: 'int',
  destinationEncryptionConfiguration: 'object', writeIncrementalResults: 'bool', reservation: 'string', maxSlots: 'int',
};

function check(spec, value, path) {
  if (spec === 'schema') {
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ApiError(400, 'invalid', `Invalid value at '${path}': expected an object.`);
    for (const k of Object.keys(value)) {
      if (k !== 'fields') throw new ApiError(400, 'invalid', `Invalid JSON payload received. Unknown name "${k}" at '${path}': Cannot find field.`);
    }
    return;
  }
  if (typeof spec === 'object') {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new ApiError(400, 'invalid', `Invalid JSON payload received. Invalid value at '${path}': expected an object, got ${JSON.stringify(value)}.`);
    }
    for (const [k, v] of Object.entries(value)) {
      if (!(k in spec)) throw new ApiError(400, 'invalid', `Invalid JSON payload received. Unknown name "${k}" at '${path}': Cannot find field.`);
      if (v === null) continue;
      check(spec[k], v, `${path}.${snake(k)}`);
    }
    return;
  }
  const bad = (type) => new ApiError(400, 'invalid', `Invalid value at '${path}' (${type}), ${JSON.stringify(value)}`);
  switch (spec) {
    case 'string': if (typeof value !== 'string') throw bad('TYPE_STRING'); break;
    case 'bool': if (typeof value !== 'boolean') throw bad('TYPE_BOOL'); break;
    case 'int':
      if (!(typeof value === 'number' && Number.isInteger(value)) && !(typeof value === 'string' && /^-?\d+$/.test(value))) throw bad('TYPE_INT64');
      break;
    case 'array': if (!Array.isArray(value)) throw bad('TYPE_ARRAY'); break;
    case 'object': if (!value || typeof value !== 'object' || Array.isArray(value)) throw bad('TYPE_MESSAGE'); break;
    default: break;
  }
}

function oneOf(value, allowed, name) {
  if (value === undefined || value === null) return;
  if (!allowed.includes(value)) throw new ApiError(400, 'invalid', `Invalid value for ${name}: ${value} is not a valid value`);
}

export function validateJobId(id) {
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,1024}$/.test(id)) {
    throw new ApiError(400, 'invalid', `Invalid job ID "${id}". Job IDs must be alphanumeric (plus underscores and dashes) and must be at most 1024 characters long.`);
  }
}

export function validateTableId(id) {
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,1024}$/.test(id)) {
    throw new ApiError(400, 'invalid', `Invalid table ID "${id}". Table IDs must be alphanumeric (plus underscores and dashes) and must be at most 1024 characters long. Also, Table decorators cannot be used.`);
  }
}

export function validateDatasetId(id) {
  if (typeof id !== 'string' || !/^[A-Za-z0-9_]{1,1024}$/.test(id)) {
    throw new ApiError(400, 'invalid', `Invalid dataset ID "${id}". Dataset IDs must be alphanumeric (plus underscores) and must be at most 1024 characters long.`);
  }
}

function tableRefComplete(ref, path) {
  for (const k of ['projectId', 'datasetId', 'tableId']) {
    if (typeof ref[k] !== 'string' || ref[k] === '') throw new ApiError(400, 'invalid', `Required parameter is missing: ${path}.${k}`);
  }
  validateDatasetId(ref.datasetId);
  validateTableId(ref.tableId);
}

/**
 * Validates a Job resource for jobs.insert. Returns {kind: 'load'|'query', loadSchema}.
 * `media`: whether the request came with an upload.
 */
export function validateJobResource(job, { pathProject, media }) {
  check(JOB, job, 'job');
  const cfg = job.configuration;
  const kinds = cfg ? ['query', 'load', 'copy', 'extract'].filter((k) => cfg[k] !== undefined && cfg[k] !== null) : [];
  if (kinds.length !== 1) {
    throw new ApiError(400, 'invalid', `Job configuration must contain exactly one job-specific configuration object (e.g., query, load, extract, spreadsheetExtract), but there were ${kinds.length}.`);
  }
  const kind = kinds[0];
  if (kind === 'copy' || kind === 'extract') throw new ApiError(400, 'invalid', `${kind} jobs are not supported by the BigQuery fake.`);
  if (cfg.dryRun) throw new ApiError(400, 'invalid', 'dryRun jobs are not supported by the BigQuery fake.');
  const ref = job.jobReference || {};
  if (ref.projectId !== undefined && ref.projectId !== pathProject) {
    throw new ApiError(400, 'invalid', `Project ID ${ref.projectId} in the job reference does not match the project ${pathProject} of the request.`);
  }
  if (ref.jobId !== undefined) validateJobId(ref.jobId);

  let loadSchema = null;
  if (kind === 'load') {
    const l = cfg.load;
    if (!media) {
      if (!l.sourceUris || l.sourceUris.length === 0) throw new ApiError(400, 'invalid', 'Load configuration must specify at least one source URI');
      throw new ApiError(400, 'invalid', 'Loads from Cloud Storage (sourceUris) are not supported by the BigQuery fake: upload the data to /upload/bigquery/v2/projects/{project}/jobs.');
    }
    if (!l.destinationTable) throw new ApiError(400, 'invalid', 'Load configuration must specify destination table');
    tableRefComplete(l.destinationTable, 'configuration.load.destinationTable');
    oneOf(l.sourceFormat, ['CSV', 'NEWLINE_DELIMITED_JSON', 'AVRO', 'PARQUET', 'ORC', 'DATASTORE_BACKUP', 'ICEBERG'], 'sourceFormat');
    oneOf(l.writeDisposition, ['WRITE_APPEND', 'WRITE_TRUNCATE', 'WRITE_EMPTY', 'WRITE_TRUNCATE_DATA'], 'writeDisposition');
    oneOf(l.createDisposition, ['CREATE_IF_NEEDED', 'CREATE_NEVER'], 'createDisposition');
    for (const o of l.schemaUpdateOptions || []) oneOf(o, ['ALLOW_FIELD_ADDITION', 'ALLOW_FIELD_RELAXATION'], 'schemaUpdateOptions');
    if ((l.schemaUpdateOptions || []).length && (l.writeDisposition || 'WRITE_APPEND') !== 'WRITE_APPEND') {
      throw new ApiError(400, 'invalid', 'Schema update options should only be specified with WRITE_APPEND disposition, or with WRITE_TRUNCATE disposition on a table partition.');
    }
    if (l.writeDisposition === 'WRITE_TRUNCATE_DATA') throw new ApiError(400, 'invalid', 'WRITE_TRUNCATE_DATA is not supported by the BigQuery fake.');
    if (l.maxBadRecords !== undefined && Number(l.maxBadRecords) < 0) throw new ApiError(400, 'invalid', 'maxBadRecords must not be negative');
    if (l.schema) loadSchema = validateSchemaFields(l.schema.fields, 'job.configuration.load.schema');
    if (l.sourceUris && l.sourceUris.length) throw new ApiError(400, 'invalid', 'A load job with media upload must not specify sourceUris.');
  } else {
    if (media) throw new ApiError(400, 'invalid', 'Only load jobs can be inserted with media upload.');
    const q = cfg.query;
    if (typeof q.query !== 'string' || q.query.trim() === '') throw new ApiError(400, 'invalid', 'Query configuration must specify a query');
    if (q.useLegacySql !== false) {
      throw new ApiError(400, 'invalid', 'The BigQuery fake runs GoogleSQL only: set configuration.query.useLegacySql to false (jobs.insert defaults to legacy SQL).');
    }
    if (q.destinationTable) throw new ApiError(400, 'invalid', 'configuration.query.destinationTable is not supported by the BigQuery fake: use INSERT/CREATE TABLE AS.');
    if (q.defaultDataset && typeof q.defaultDataset.datasetId !== 'string') throw new ApiError(400, 'invalid', 'Required parameter is missing: configuration.query.defaultDataset.datasetId');
    oneOf(q.priority, ['INTERACTIVE', 'BATCH'], 'priority');
    oneOf(q.parameterMode, ['NAMED', 'POSITIONAL'], 'parameterMode');
  }
  return { kind, loadSchema };
}

/** Validates a QueryRequest (jobs.query). */
export function validateQueryRequest(body) {
  check(QUERY_REQUEST, body, 'query_request');
  if (typeof body.query !== 'string' || body.query.trim() === '') throw new ApiError(400, 'invalid', 'Required parameter is missing: query');
  if (body.useLegacySql !== false) {
    throw new ApiError(400, 'invalid', 'The BigQuery fake runs GoogleSQL only: set useLegacySql to false (jobs.query defaults to legacy SQL).');
  }
  if (body.dryRun) throw new ApiError(400, 'invalid', 'dryRun queries are not supported by the BigQuery fake.');
  oneOf(body.parameterMode, ['NAMED', 'POSITIONAL'], 'parameterMode');
}

const TABLE_KEYS = new Set(['kind', 'etag', 'id', 'selfLink', 'tableReference', 'friendlyName', 'description', 'labels', 'schema',
  'timePartitioning', 'rangePartitioning', 'clustering', 'requirePartitionFilter', 'partitionDefinition', 'numBytes',
  'numPhysicalBytes', 'numLongTermBytes', 'numRows', 'creationTime', 'expirationTime', 'lastModifiedTime', 'type', 'view',
  'materializedView', 'materializedViewStatus', 'externalDataConfiguration', 'biglakeConfiguration', 'location',
  'streamingBuffer', 'encryptionConfiguration', 'snapshotDefinition', 'defaultCollation', 'defaultRoundingMode',
  'cloneDefinition', 'numTimeTravelPhysicalBytes', 'numTotalLogicalBytes', 'numActiveLogicalBytes', 'numLongTermLogicalBytes',
  'numTotalPhysicalBytes', 'numActivePhysicalBytes', 'numLongTermPhysicalBytes', 'numPartitions', 'maxStaleness',
  'restrictions', 'tableConstraints', 'resourceTags', 'tableReplicationInfo', 'replicas', 'externalCatalogTableOptions',
  'managedTableType']);

/** Validates a Table resource (tables.insert/patch/update); returns normalized schema fields or null. */
export function validateTableResource(t, { requireRef }) {
  if (!t || typeof t !== 'object' || Array.isArray(t)) throw new ApiError(400, 'invalid', 'Invalid JSON payload received. Expected a Table object.');
  for (const k of Object.keys(t)) {
    if (!TABLE_KEYS.has(k)) throw new ApiError(400, 'invalid', `Invalid JSON payload received. Unknown name "${k}" at 'table': Cannot find field.`);
  }
  if (t.tableReference !== undefined) check(TABLE_REF, t.tableReference, 'table.table_reference');
  if (requireRef) {
    if (!t.tableReference) throw new ApiError(400, 'invalid', 'Required parameter is missing: table.tableReference');
    tableRefComplete(t.tableReference, 'table.tableReference');
  }
  if (t.view || t.materializedView || t.externalDataConfiguration) {
    throw new ApiError(400, 'invalid', 'Views and external tables are not supported by the BigQuery fake.');
  }
  if (t.description !== undefined && t.description !== null && typeof t.description !== 'string') {
    throw new ApiError(400, 'invalid', `Invalid value at 'table.description' (TYPE_STRING), ${JSON.stringify(t.description)}`);
  }
  if (t.schema === undefined || t.schema === null) return null;
  check('schema', t.schema, 'table.schema');
  return validateSchemaFields(t.schema.fields, 'table.schema');
}

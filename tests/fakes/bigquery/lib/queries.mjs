// Query jobs: GoogleSQL statements and scripts run on DuckDB.
// Scripts: statements run in order; outside a transaction each statement commits on its own (a failure keeps
// earlier effects); BEGIN TRANSACTION ... COMMIT TRANSACTION is all-or-nothing.
// https://cloud.google.com/bigquery/docs/reference/standard-sql/procedural-language#transactions
import { JobError } from './errors.mjs';
import { qi, readerSchema } from './db.mjs';
import { Translator, lineCol, paramLiterals, splitStatements, tokenize } from './sql_translate.mjs';

const MAX_RESULT_ROWS = 1_000_000;

function positionOf(name, toks, text) {
  const lower = name.toLowerCase();
  const t = toks.find((x) => (x.t === 'id' || x.t === 'qid') && x.v.toLowerCase().split('.').pop() === lower);
  return t ? ` at ${lineCol(text, t.s)}` : '';
}

/** DuckDB error -> BigQuery job error with BigQuery's reason. */
export function mapDuckError(e, toks, text, target) {
  if (e instanceof JobError) return e;
  const full = String(e.message || e);
  const first = full.split('\n')[0];
  const q = (reason, msg) => new JobError(reason, msg, { location: 'query' });
  let m;
  if ((m = /Referenced column "([^"]+)" not found/.exec(first)) || (m = /Referenced table "([^"]+)" not found/.exec(first))
    || (m = /Values list "[^"]+" does not have a column named "([^"]+)"/.exec(first))) {
    return q('invalidQuery', `Unrecognized name: ${m[1]}${positionOf(m[1], toks, text)}`);
  }
  if ((m = /Table "([^"]+)" does not have a column with name "([^"]+)"/.exec(first))) {
    const table = target && target.d ? `${target.d}.${target.t}` : m[1];
    return q('invalidQuery', `Column ${m[2]} is not present in table ${table}${positionOf(m[2], toks, text)}`);
  }
  if ((m = /Table with name (\S+) does not exist/.exec(first))) {
    return q('notFound', `Not found: Table ${m[1].replace(/"/g, '')}`);
  }
  if (/already exists/i.test(first) && target && target.d) {
    return q('duplicate', `Already Exists: Table ${target.p}:${target.d}.${target.t}`);
  }
  if ((m = /NOT NULL constraint failed: [^.]+\.(\S+)/.exec(first))) {
    return q('invalidQuery', `Required field ${m[1]} cannot be null`);
  }
  if (/^Parser Error/.test(first)) {
    return q('invalidQuery', `Syntax error: ${first.replace(/^Parser Error: /, '')} (in the fake's DuckDB translation)`);
  }
  return q('invalidQuery', first.replace(/^[A-Za-z ]+ Error: /, ''));
}

/**
 * Runs a query job's script. Returns {statementType, numDmlAffectedRows?, dmlStats?, schema?, rows?,
 * referencedTables, children: [{statementType, numDmlAffectedRows?, dmlStats?}]}.
 */
export async function runQuery({ db, job, principalProject, stats, queryText, defaultDataset, queryParameters, parameterMode }) {
  const text = queryText;
  const toks = tokenize(text);
  const stmts = splitStatements(toks);
  if (stmts.length === 0) throw new JobError('invalidQuery', 'Syntax error: Unexpected end of script at [1:1]', { location: 'query' });
  const params = paramLiterals(queryParameters, parameterMode);
  const dd = defaultDataset ? { projectId: defaultDataset.projectId || job.projectId, datasetId: defaultDataset.datasetId } : null;
  const location = job.location;
  const temps = new Set();
  const referenced = new Map();
  const children = [];
  let last = null;

  await db.exclusive(async () => {
    let inTxn = false;
    let stmt = null, plan = null;
    try {
      for (stmt of stmts) {
        plan = null;
        const env = {
          project: job.projectId, principalProject, defaultDataset: dd, location, text, temps, params,
          tables: await db.tableSet(),
          datasetExists: (p, d) => {
            const ds = db.dataset(p, d);
            return !!ds && ds.location.toUpperCase() === location.toUpperCase();
          },
        };
        const tr = new Translator(stmt, env);
        plan = tr.translate();
        for (const [k, v] of tr.referenced) referenced.set(k, v);
        const child = { statementType: plan.statementType };
        switch (plan.kind) {
          case 'begin':
            if (inTxn) throw new JobError('invalidQuery', `Nested transactions are not supported at ${lineCol(text, stmt[0].s)}`, { location: 'query' });
            await db.q('BEGIN TRANSACTION');
            inTxn = true;
            continue;
          case 'commit':
          case 'rollback':
            if (!inTxn) throw new JobError('invalidQuery', `${plan.kind.toUpperCase()} TRANSACTION without BEGIN TRANSACTION at ${lineCol(text, stmt[0].s)}`, { location: 'query' });
            await db.q(plan.kind === 'commit' ? 'COMMIT' : 'ROLLBACK');
            inTxn = false;
            continue;
          case 'ddl': {
            if (inTxn && plan.permanent) {
              throw new JobError('invalidQuery', `${plan.statementType.replace('_', ' ')} on a permanent table is not supported inside a multi-statement transaction at ${lineCol(text, stmt[0].s)}`, { location: 'query' });
            }
            for (const sql of plan.sql) await db.q(sql);
            const r = plan.target;
            if (plan.createsTemp) temps.add(plan.createsTemp.toLowerCase());
            if (plan.dropsTemp) temps.delete(plan.dropsTemp.toLowerCase());
            if (r && r.d) {
              if (plan.statementType === 'DROP_TABLE' || plan.replaces) db.forgetTable(r.p, r.d, r.t);
              if (plan.statementType !== 'DROP_TABLE') {
                const meta = db.meta(r.p, r.d, r.t);
                meta.lastModifiedTime = Date.now();
                Object.assign(meta.fieldDescriptions, plan.fieldDescriptions || {});
              }
            }
            last = null;
            break;
          }
          case 'dml': {
            if (plan.mergeCheck) {
              const dup = await db.q(plan.mergeCheck);
              if (dup.currentRowCount > 0) {
                throw new JobError('invalidQuery', 'UPDATE/MERGE must match at most one source row for each target row', { location: 'query' });
              }
            }
            let n = 0;
            for (const sql of plan.sql) n += (await db.q(sql)).rowsChanged;
            child.numDmlAffectedRows = String(n);
            const key = { INSERT: 'insertedRowCount', DELETE: 'deletedRowCount', TRUNCATE_TABLE: 'deletedRowCount', UPDATE: 'updatedRowCount' }[plan.statementType];
            if (key) child.dmlStats = { [key]: String(n) };
            if (plan.target && plan.target.d) db.touch(plan.target.p, plan.target.d, plan.target.t);
            last = null;
            break;
          }
          case 'query': {
            const reader = await db.q(plan.sql[0]);
            if (reader.currentRowCount > MAX_RESULT_ROWS) {
              throw new JobError('responseTooLarge', `Response too large to return (more than ${MAX_RESULT_ROWS} rows in the fake).`);
            }
            last = { schema: readerSchema(reader), rows: reader.getRowsJson() };
            break;
          }
          default:
            throw new Error(`unknown plan ${plan.kind}`);
        }
        children.push(child);
      }
      if (inTxn) {
        await db.q('ROLLBACK');
        inTxn = false;
        throw new JobError('invalidQuery', 'Transaction was not committed or rolled back by the end of the script; it was rolled back.', { location: 'query' });
      }
    } catch (e) {
      if (inTxn) await db.q('ROLLBACK').catch(() => {});
      throw mapDuckError(e, stmt || [], text, plan && plan.target);
    } finally {
      for (const t of temps) await db.q(`DROP TABLE IF EXISTS temp.main.${qi(t)}`).catch(() => {});
    }
  });

  stats.queryJobs++;
  const single = stmts.length === 1 ? children[0] : null;
  return {
    statementType: single ? single.statementType : 'SCRIPT',
    numDmlAffectedRows: single ? single.numDmlAffectedRows : undefined,
    dmlStats: single ? single.dmlStats : undefined,
    schema: last ? last.schema : undefined,
    rows: last ? last.rows : undefined,
    referencedTables: [...referenced.values()],
    children: stmts.length > 1 ? children : [],
  };
}

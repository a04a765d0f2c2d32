// The fake's control API under /_fake/ (JSON over HTTP, no auth): assertions, setup and fault injection.
import { ApiError } from './errors.mjs';
import { MAX_JSON_BODY, parseJsonBody } from './http.mjs';
import { readerToObjects } from './db.mjs';
import { validateDatasetId } from './validate.mjs';
import { DEFAULT_DATASET, DEFAULT_PROJECT, newStats } from './defaults.mjs';

/** Handles /_fake/* requests for the FakeServer `srv`. */
export async function control(srv, ctx) {
  const { req, url } = ctx;
  const m = req.method;
  const p = url.pathname;
  const json = async () => parseJsonBody(await ctx.readBody(MAX_JSON_BODY), { allowEmpty: true });
  const ok = (body) => ({ status: 200, body });
  let g;
  switch (`${m} ${p}`) {
    case 'GET /_fake/health': return ok({ ok: true, url: srv.url });
    case 'GET /_fake/requests': {
      const since = Number(url.searchParams.get('since') || 0);
      return ok({ requests: srv.log.filter((e) => e.seq > since) });
    }
    case 'DELETE /_fake/requests': srv.log = []; return ok({});
    case 'GET /_fake/faults': return ok({ faults: srv.faults.views() });
    case 'POST /_fake/faults': return ok(srv.faults.add(await json()));
    case 'DELETE /_fake/faults': srv.faults.clear(); return ok({});
    case 'GET /_fake/job_faults': return ok({ job_faults: srv.jobFaults.view() });
    case 'POST /_fake/job_faults': { const f = srv.jobFaults.add(await json()); const { re, ...v } = f; return ok(v); }
    case 'DELETE /_fake/job_faults': srv.jobFaults.list = []; return ok({});
    case 'GET /_fake/config': return ok(srv.config);
    case 'POST /_fake/config': return ok(setConfig(srv, await json()));
    case 'POST /_fake/tokens/expire': return ok({ expired: srv.auth.expireAllTokens() });
    case 'POST /_fake/sql': return fakeSql(srv, await json());
    case 'GET /_fake/datasets': return ok({ datasets: [...srv.db.datasets.values()] });
    case 'POST /_fake/datasets': return ok(await addDataset(srv, await json()));
    case 'POST /_fake/keys': return ok(addKey(srv, await json()));
    case 'GET /_fake/stats': return ok(statsView(srv));
    case 'GET /_fake/jobs': return ok({ jobs: [...srv.jobs.jobs.values()].map((j) => ({ projectId: j.projectId, jobId: j.jobId, location: j.location, type: j.kind.toUpperCase(), state: j.state, errorResult: j.errorResult || undefined, parentJobId: j.parentJobId || undefined })) });
    case 'POST /_fake/reset': await reset(srv); return ok({ reset: true });
    default: break;
  }
  if ((g = /^\/_fake\/keys\/([^/]+)$/.exec(p)) && m === 'DELETE') return ok({ deleted: srv.auth.deleteKey(decodeURIComponent(g[1])) });
  return { status: 404, body: { error: `no control endpoint ${m} ${p}` } };
}

function setConfig(srv, c) {
  for (const [k, v] of Object.entries(c)) {
    if (!(k in srv.config)) throw new ApiError(400, 'invalid', `unknown config key ${k}`);
    if (!Number.isFinite(Number(v)) || Number(v) < 0) throw new ApiError(400, 'invalid', `${k} must be a non-negative number`);
    srv.config[k] = Number(v);
  }
  srv.auth.tokenTtlS = srv.config.token_ttl_s;
  return srv.config;
}

async function fakeSql(srv, body) {
  if (typeof body.sql !== 'string') return { status: 400, body: { error: 'body needs {"sql": "..."}' } };
  try {
    const reader = await srv.db.exclusive(() => srv.db.q(body.sql));
    const columns = reader.deduplicatedColumnNames().map((name, i) => ({ name, type: reader.columnType(i).toString() }));
    return { status: 200, body: { columns, rows: readerToObjects(reader), rows_changed: reader.rowsChanged } };
  } catch (e) {
    return { status: 400, body: { error: String(e.message || e) } };
  }
}

async function addDataset(srv, b) {
  const project = b.project || b.projectId || DEFAULT_PROJECT;
  const dataset = b.dataset || b.datasetId;
  validateDatasetId(dataset);
  const ds = await srv.db.exclusive(() => srv.db.createDataset(project, dataset, b.location || 'US'));
  return ds;
}

function addKey(srv, b) {
  const projectId = b.project_id || DEFAULT_PROJECT;
  if (b.public_key_pem) {
    const kid = srv.auth.registerPublicKey({
      kid: b.private_key_id, clientEmail: b.client_email || srv.keyJson.client_email, projectId, publicKeyPem: b.public_key_pem, tokenUri: `${srv.url}/token`,
    });
    return { private_key_id: kid };
  }
  return srv.auth.generateKey({ projectId, clientEmail: b.client_email, tokenUri: `${srv.url}/token` });
}

function statsView(srv) {
  return {
    requests: srv.stats.requests,
    loads: srv.stats.loads,
    load_jobs_created: srv.stats.loadJobsCreated,
    failed_loads: srv.stats.failedLoads,
    rows_loaded: srv.stats.rowsLoaded,
    query_jobs: srv.stats.queryJobs,
    failed_queries: srv.stats.failedQueries,
    duplicates_409: srv.stats.duplicates,
    faults_fired: srv.stats.faultsFired,
    token_grants: srv.auth.stats.grants,
    token_failures: srv.auth.stats.grantFailures,
    jobs: srv.jobs.jobs.size,
  };
}

/** POST /_fake/reset: back to the start state; the primary key and its tokens stay valid. */
async function reset(srv) {
  await srv.db.exclusive(async () => {
    await srv.db.resetAll();
    await srv.db.createDataset(DEFAULT_PROJECT, DEFAULT_DATASET, 'US');
  });
  srv.jobs.reset();
  srv.uploads.reset();
  srv.faults.clear();
  srv.jobFaults.list = [];
  srv.queryRequests.clear();
  srv.auth.resetKeys();
  srv.config.token_ttl_s = 3600;
  srv.config.job_running_polls = 0;
  srv.auth.tokenTtlS = 3600;
  const fresh = newStats();
  for (const k of Object.keys(srv.stats)) delete srv.stats[k];
  Object.assign(srv.stats, fresh);
  srv.auth.stats.grants = 0;
  srv.auth.stats.grantFailures = 0;
  srv.log = [];
}

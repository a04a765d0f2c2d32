// Drives the capture endpoint of a running `batch-export serve` with the real SDKs, the way an
// application would, and writes what was sent (every event's uuid, name, distinct_id, properties,
// timestamp) and every SDK error to a JSON file for the end-to-end test to compare with the
// store (tests/capture/sdk_capture_test.cc).
//
//   node sdk_capture.mjs --url http://127.0.0.1:PORT --out sent.json [--events 2000]
//
// Runs, each with its own project key and event name:
//   node-json     posthog-node, captureMode json: POST /batch/ (JSON)
//   node-form     posthog-node, captureMode form: POST /e/?ip=1&_=..&v=.. (form data=lz64)
//   lite-gzip     posthog-js-lite: POST /batch/ with Content-Encoding: gzip
//   lite-plain    posthog-js-lite, disableCompression: POST /batch/ (JSON)
//   node-413      posthog-node sending more events in one batch than the server takes: the
//                 server answers 413 and the SDK halves the batch until it is accepted
// and each SDK's flags calls (/flags/?v=2), which must answer "no flags" without an error.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { PostHog as PostHogNode } from 'posthog-node';
import { PostHog as PostHogLite } from 'posthog-js-lite';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const url = args.url;
const out = args.out;
const perRun = Number(args.events ?? 2000);
const oversized = Number(args['oversized-batch'] ?? 10500);
if (!url || !out) {
  console.error('usage: node sdk_capture.mjs --url URL --out FILE [--events N] [--oversized-batch N] [--only RUN,...]');
  process.exit(2);
}

const base = Date.parse('2024-03-01T12:00:00.000Z');
// Text a JSON encoder must escape, non-ASCII in 1-4 UTF-8 bytes, and numbers at the edges.
const text = 'quote " backslash \\ slash / tab \t newline \n é ✓ 日本 😀 \u0001 <script>&amp;';

function properties(run, i) {
  return {
    run,
    n: i,
    text,
    nested: { list: [i, i * 0.5, null, true, 'x', { deep: [[[]]] }], empty: {} },
    big: Number.MAX_SAFE_INTEGER - i,
    small: -1.5e-7 * (i + 1),
    flag: i % 2 === 0,
    nothing: null,
    '$current_url': `https://example.com/page/${i}?q=${i}&r=${encodeURIComponent(text)}`,
  };
}

function event(run, i, distinctId) {
  return {
    uuid: randomUUID(),
    event: `sdk_${run}`,
    distinct_id: distinctId,
    properties: properties(run, i),
    timestamp: new Date(base + i * 1000).toISOString(),
  };
}

const result = { url, runs: [] };

async function nodeRun(name, options, count, batch) {
  const started = Date.now();
  const errors = [];
  const client = new PostHogNode(`phc_${name}`, {
    host: url,
    flushAt: batch,
    maxBatchSize: batch,
    maxQueueSize: count + 10,
    flushInterval: 0,
    fetchRetryCount: 0,
    requestTimeout: 30000,
    ...options,
  });
  client.on('error', (e) => errors.push(String(e?.stack ?? e)));
  const events = [];
  for (let i = 0; i < count; i++) {
    const e = event(name, i, `${name}-user-${i % 97}`);
    events.push(e);
    client.capture({
      distinctId: e.distinct_id,
      event: e.event,
      properties: e.properties,
      uuid: e.uuid,
      timestamp: new Date(e.timestamp),
    });
  }
  const flags = {
    all: await client.getAllFlags(`${name}-user-1`),
    flag: await client.getFeatureFlag('any-flag', `${name}-user-1`),
    enabled: await client.isFeatureEnabled('any-flag', `${name}-user-1`),
    payload: await client.getFeatureFlagPayload('any-flag', `${name}-user-1`),
  };
  await client.shutdown(60000);
  result.runs.push({ name, sdk: 'posthog-node', seconds: (Date.now() - started) / 1000, errors, flags, events });
}

async function liteRun(name, options, count) {
  const started = Date.now();
  const errors = [];
  const client = new PostHogLite(`phc_${name}`, {
    host: url,
    persistence: 'memory',
    flushAt: 100,
    maxBatchSize: 100,
    maxQueueSize: count + 10,
    flushInterval: 0,
    fetchRetryCount: 0,
    bootstrap: { distinctId: `${name}-user`, isIdentifiedId: true },
    ...options,
  });
  client.on('error', (e) => errors.push(String(e?.stack ?? e)));
  const reloaded = await client.reloadFeatureFlagsAsync();
  const events = [];
  for (let i = 0; i < count; i++) {
    const e = event(name, i, `${name}-user`);
    events.push(e);
    client.capture(e.event, e.properties, { uuid: e.uuid, timestamp: new Date(e.timestamp) });
    // As events come in a page's life, not in one synchronous loop: the lite client rewrites its
    // whole persisted queue on every capture, so 2,000 queued at once would take minutes.
    if (i % 100 === 99) await client.flush();
  }
  await client.flush();
  await client.shutdown(60000);
  const flags = { all: reloaded ?? null, flag: client.getFeatureFlag('any-flag') ?? null };
  result.runs.push({ name, sdk: 'posthog-js-lite', seconds: (Date.now() - started) / 1000, errors, flags, events });
}

const runs = {
  'node-json': () => nodeRun('node-json', { captureMode: 'json' }, perRun, 100),
  'node-form': () => nodeRun('node-form', { captureMode: 'form' }, perRun, 100),
  'lite-gzip': () => liteRun('lite-gzip', {}, perRun),
  'lite-plain': () => liteRun('lite-plain', { disableCompression: true }, perRun),
  'node-413': () => nodeRun('node-413', { captureMode: 'json' }, oversized, oversized),
};
// --only a,b runs some of them (for debugging).
for (const [name, run] of Object.entries(runs)) {
  if (!args.only || args.only.split(',').includes(name)) await run();
}

writeFileSync(out, JSON.stringify(result));
for (const r of result.runs) {
  console.log(`${r.name} (${r.sdk}): ${r.events.length} events sent in ${r.seconds} s, ${r.errors.length} errors, flags ${JSON.stringify(r.flags)}`);
  for (const e of r.errors.slice(0, 3)) console.log(`  error: ${e}`);
}

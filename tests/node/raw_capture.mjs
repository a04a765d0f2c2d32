// Sends events to a running `batch-export serve` the ways the SDKs in sdk_capture.mjs do not:
// as posthog-js in a browser and older snippets send them (GET ?data=<base64>, a form field
// data=<base64>, gzip-js bodies, lz64 made here by the npm lz-string package, beacons), on every
// capture path; calls /decide and /flags in each version's shape; and makes a browser's CORS
// preflight. Writes the events sent and every unexpected answer to --out, like sdk_capture.mjs.
//
//   node raw_capture.mjs --url http://127.0.0.1:PORT --out sent.json [--events 200]
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import LZString from 'lz-string';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const { url, out } = args;
const perWay = Number(args.events ?? 200);
if (!url || !out) {
  console.error('usage: node raw_capture.mjs --url URL --out FILE [--events N]');
  process.exit(2);
}

const text = 'quote " backslash \\ plus + slash / equals = amp & é ✓ 😀';
const base = Date.parse('2024-03-02T08:00:00.000Z');
const b64 = (s) => Buffer.from(s, 'utf8').toString('base64');
const version = '1.200.0';

// One way of sending: `send(payloadJson)` returns a fetch promise; `batch` says whether the way
// carries a batch ({"batch": [...]}) or one event per request (GET pixels, beacons).
const ways = {
  'get-capture-data': { batch: false, send: (p) => fetch(`${url}/capture/?data=${encodeURIComponent(b64(p))}&ver=${version}&_=${Date.now()}`) },
  'get-e-data-raw-plus': {
    // '+' left unescaped in the query, as some snippets do: it reads as a space.
    batch: false,
    send: (p) => fetch(`${url}/e/?data=${b64(p).replaceAll('/', '%2F').replaceAll('=', '%3D')}&ip=1`),
  },
  'e-gzip-js': {
    batch: true,
    send: (p) => fetch(`${url}/e/?ip=1&_=${Date.now()}&ver=${version}&compression=gzip-js`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: gzipSync(p) }),
  },
  'i-v0-e-gzip-js': {
    batch: true,
    send: (p) => fetch(`${url}/i/v0/e/?compression=gzip-js&ver=${version}`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: gzipSync(p) }),
  },
  'e-form-base64': {
    batch: true,
    send: (p) => fetch(`${url}/e/?compression=base64&ver=${version}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `data=${encodeURIComponent(b64(p))}` }),
  },
  'track-form-lz64': {
    batch: true,
    send: (p) => fetch(`${url}/track/`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `data=${encodeURIComponent(LZString.compressToBase64(p))}&compression=lz64` }),
  },
  'capture-query-lz64': {
    batch: true,
    send: (p) => fetch(`${url}/capture?compression=lz64`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: LZString.compressToBase64(p) }),
  },
  'batch-content-encoding': {
    batch: true,
    send: (p) => fetch(`${url}/batch`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, body: gzipSync(p) }),
  },
  'engage-json': {
    batch: false,
    send: (p) => fetch(`${url}/engage/`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: p }),
  },
  'beacon-form': {
    // navigator.sendBeacon: no answer is read; ?beacon=1 asks for 204.
    batch: true,
    expect: 204,
    send: (p) => fetch(`${url}/e/?beacon=1&compression=base64`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `data=${encodeURIComponent(b64(p))}` }),
  },
};

const problems = [];
const events = [];
for (const [way, { batch, send, expect = 200 }] of Object.entries(ways)) {
  const mine = [];
  for (let i = 0; i < perWay; i++) {
    mine.push({
      uuid: randomUUID(),
      event: `raw_${way}`,
      distinct_id: `raw-user-${i % 13}`,
      properties: { way, n: i, text, list: [i, null, { x: i / 4 }], $lib: 'web', $lib_version: version },
      timestamp: new Date(base + i * 1000).toISOString(),
    });
  }
  const requests = batch ? [JSON.stringify({ api_key: 'phc_raw', batch: mine.slice(0, perWay / 2) }),
    JSON.stringify(mine.slice(perWay / 2).map((e) => ({ ...e, api_key: 'phc_raw' })))]
    : mine.map((e) => JSON.stringify({ ...e, api_key: 'phc_raw' }));
  for (const body of requests) {
    const res = await send(body);
    const answer = await res.text();
    if (res.status !== expect) problems.push(`${way}: HTTP ${res.status} ${answer.slice(0, 300)}`);
  }
  events.push(...mine);
}

// Flags in every version's shape (posthog-js sends its form body data=<base64>).
const who = JSON.stringify({ token: 'phc_raw', distinct_id: 'raw-user-1', groups: {} });
const flagCalls = [
  ['/decide/?v=3&ip=1&_=1&ver=1.200.0', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `data=${encodeURIComponent(b64(who))}` }, (b) => typeof b.featureFlags === 'object' && !Array.isArray(b.featureFlags) && Object.keys(b.featureFlags).length === 0 && b.featureFlagPayloads && b.supportedCompression],
  ['/decide/?v=4', { method: 'POST', body: who }, (b) => b.flags && Object.keys(b.flags).length === 0 && b.errorsWhileComputingFlags === false],
  ['/decide/', { method: 'POST', body: who }, (b) => Array.isArray(b.featureFlags) && b.featureFlags.length === 0],
  ['/flags/?v=2&config=true', { method: 'POST', body: who }, (b) => b.flags && b.sessionRecording === false && Array.isArray(b.siteApps)],
  ['/flags?v=2', { method: 'GET' }, (b) => b.flags && b.requestId],
];
const flags = {};
for (const [path, init, check] of flagCalls) {
  const res = await fetch(url + path, init);
  const body = await res.json().catch(() => null);
  flags[path] = body;
  if (res.status !== 200 || !body || !check(body)) problems.push(`${path}: HTTP ${res.status} ${JSON.stringify(body)}`);
}

// A browser's preflight before a cross-origin POST, then the POST's own CORS headers.
const origin = 'https://shop.example';
const preflight = await fetch(`${url}/e/`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
if (preflight.status !== 204 || preflight.headers.get('access-control-allow-origin') !== origin ||
    !/POST/.test(preflight.headers.get('access-control-allow-methods') ?? '')) {
  problems.push(`preflight: HTTP ${preflight.status} ${JSON.stringify([...preflight.headers])}`);
}

writeFileSync(out, JSON.stringify({ url, runs: [{ name: 'raw', sdk: 'fetch', errors: problems, flags, events }] }));
console.log(`raw: ${events.length} events sent over ${Object.keys(ways).length} ways, ${problems.length} problems`);
for (const p of problems.slice(0, 10)) console.log(`  problem: ${p}`);

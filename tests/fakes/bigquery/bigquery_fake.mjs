#!/usr/bin/env node
// BigQuery protocol fake: OAuth2 service-account token endpoint + BigQuery REST v2 (jobs with media
// upload, tables, queries) on an in-memory DuckDB. See README.md next to this file.
//
//   node tests/fakes/bigquery/bigquery_fake.mjs --dir DIR [--port N]
//
// Writes DIR/url, DIR/pid, DIR/key.json (a service-account key for project bx-test) and DIR/requests.log.
import fs from 'node:fs';
import { FakeServer } from './lib/server.mjs';

function usage(msg) {
  if (msg) console.error(`bigquery_fake: ${msg}`);
  console.error('usage: node bigquery_fake.mjs --dir DIR [--port N]');
  process.exit(2);
}

function parseArgs(argv) {
  const out = { port: 0, dir: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--dir') out.dir = val();
    else if (a === '--port') out.port = Number(val());
    else if (a.startsWith('--dir=')) out.dir = a.slice(6);
    else if (a.startsWith('--port=')) out.port = Number(a.slice(7));
    else if (a === '-h' || a === '--help') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!out.dir) usage('--dir is required');
  if (!Number.isInteger(out.port) || out.port < 0 || out.port > 65535) usage('--port must be 0..65535');
  return out;
}

const args = parseArgs(process.argv.slice(2));
fs.mkdirSync(args.dir, { recursive: true });

// Bad input must never take the fake down: report and keep serving.
process.on('uncaughtException', (e) => console.error('bigquery_fake: uncaught exception:', e));
process.on('unhandledRejection', (e) => console.error('bigquery_fake: unhandled rejection:', e));

const server = new FakeServer({ dir: args.dir, port: args.port });
try {
  await server.start();
} catch (e) {
  console.error(`bigquery_fake: cannot start: ${e.message}`);
  process.exit(1);
}
console.log(`bigquery_fake listening on ${server.url} (dir ${args.dir})`);

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`bigquery_fake: ${signal}, shutting down`);
  const timer = setTimeout(() => process.exit(0), 5000);
  timer.unref();
  try {
    await server.stop();
  } catch (e) {
    console.error('bigquery_fake: error during shutdown:', e);
  }
  try { fs.rmSync(`${args.dir}/pid`, { force: true }); } catch { /* ignore */ }
  process.exit(0);
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

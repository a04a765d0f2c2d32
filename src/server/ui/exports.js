// The exports list: what each export does, how its runs go, and pause / delete.
import { h, fill, messageLine, confirmDialog, toast, route, actionButton } from './dom.js';
import * as api from './api.js';
import * as fmt from './format.js';
import { nextRunAt } from './schedule.js';
import { stateBadge, pausedBadge } from './status.js';
import { poll } from './poll.js';

const PAGE = 50;
const SUMMARY_RUNS = 100; // runs read per export for "last run" and "records in 24 h"
const DAY_MS = 86_400_000;

export function renderExportsList(scope) {
  document.title = 'Exports · batch-export';
  const error = messageLine('view-error');
  const body = h('tbody');
  const table = h('table', { class: 'data exports', testid: 'exports-table' },
    h('thead', {}, h('tr', {}, ['Name', 'Destination', 'Model', 'Interval', 'Status', 'Last run', 'Next run', 'Records (24 h)', ''].map((t) => h('th', { scope: 'col', text: t })))),
    body);
  const emptyState = h('div', { class: 'empty', testid: 'exports-empty', hidden: true },
    h('p', { text: 'No exports yet. An export sends events to a destination every interval.' }),
    h('a', { class: 'btn primary', href: '#/exports/new', text: 'Create the first export' }));
  const countLine = h('p', { class: 'muted', testid: 'exports-count' });
  const newer = h('button', { type: 'button', class: 'btn', testid: 'exports-newer', hidden: true }, '← Newer');
  const older = h('button', { type: 'button', class: 'btn', testid: 'exports-older', hidden: true }, 'Older →');
  const page = h('section', { class: 'page', testid: 'exports-page' },
    h('div', { class: 'page-head' }, h('h1', { text: 'Exports' }),
      h('a', { class: 'btn primary', href: '#/exports/new', testid: 'new-export' }, '+ New export')),
    error.el, emptyState, h('div', { class: 'table-wrap' }, table), h('div', { class: 'pager' }, newer, countLine, older));

  let cursor = null;
  let links = { next: null, previous: null };
  const summaries = new Map(); // export id -> {lastRun, records24h, partial}
  let types = new Map();
  api.destinationTypes().then((t) => { types = t; }).catch(() => {}); // the list works without them

  const refresh = async () => {
    try {
      const result = await api.listExports({ cursor, limit: PAGE, signal: scope.signal });
      links = result;
      await loadSummaries(result.results, summaries, scope.signal);
      error.clear();
      render(result);
    } catch (e) {
      if (!api.isAbort(e)) error.show(api.plainMessage(e));
    }
  };
  const poller = poll(scope, refresh, 5000);

  const render = (result) => {
    const rows = result.results;
    emptyState.hidden = rows.length > 0 || cursor !== null;
    table.hidden = rows.length === 0;
    fill(body, rows.map((e) => exportRow(e, summaries.get(e.id), types, poller)));
    countLine.textContent = result.count === undefined ? '' : `${fmt.count(result.count)} export${result.count === 1 ? '' : 's'}`;
    newer.hidden = !result.previous && cursor === null;
    older.hidden = !result.next;
  };
  newer.addEventListener('click', () => { cursor = links.previous; poller.now(); });
  older.addEventListener('click', () => { cursor = links.next; poller.now(); });
  return page;
}

function exportRow(e, summary, types, poller) {
  const next = nextRunAt(e);
  const last = summary?.lastRun;
  const lastAt = last && fmt.parseTime(last.finished_at ?? last.started_at ?? last.created_at);
  return h('tr', { testid: 'export-row', dataset: { exportId: e.id, paused: String(e.paused) } },
    h('td', { 'data-label': 'Name' }, h('a', { href: route('exports', e.id), testid: 'export-link', class: 'name', text: e.name })),
    h('td', { 'data-label': 'Destination' }, destinationCell(e, types)),
    h('td', { 'data-label': 'Model', text: e.model }),
    h('td', { 'data-label': 'Interval', text: e.interval }),
    h('td', { 'data-label': 'Status' }, pausedBadge(e.paused)),
    h('td', { 'data-label': 'Last run', testid: 'export-last-run' }, last
      ? [stateBadge(last.status), h('span', { class: 'muted', title: fmt.dateTime(lastAt, 'UTC', true) + ' UTC', text: ` ${fmt.relative(lastAt)}` })]
      : h('span', { class: 'muted', text: summary ? 'no runs yet' : '…' })),
    h('td', { 'data-label': 'Next run', testid: 'export-next-run' }, e.paused ? h('span', { class: 'muted', text: '— paused' })
      : next === null ? h('span', { class: 'muted', text: 'none (past end_at)' })
        : h('span', { title: fmt.when(next, e.timezone) }, `${fmt.when(next, 'UTC')} (${fmt.relative(next)})`)),
    h('td', { 'data-label': 'Records (24 h)', class: 'num', testid: 'export-records-24h' },
      summary ? `${summary.partial ? '≥ ' : ''}${fmt.count(summary.records24h)}` : '…'),
    h('td', {}, h('div', { class: 'row-actions' },
      actionButton(e.paused ? 'Unpause' : 'Pause', { testid: 'export-toggle-pause', class: 'btn small' }, async () => {
        try {
          await (e.paused ? api.unpauseExport(e.id) : api.pauseExport(e.id));
          toast(e.paused ? `“${e.name}” unpaused.` : `“${e.name}” paused.`, 'ok');
        } catch (err) {
          toast(api.plainMessage(err), 'error');
        }
        await poller.now();
      }),
      h('button', {
        type: 'button', class: 'btn small danger', testid: 'export-delete',
        onclick: async () => {
          if (await deleteExportConfirmed(e)) await poller.now();
        },
      }, 'Delete'))));
}

// Type and target ("s3://bucket/prefix"), from the description's summary template.
export function destinationCell(e, types) {
  const type = e.destination?.type ?? '?';
  return h('span', { class: 'dest' }, h('span', { class: 'tag', text: types.get(type)?.label ?? type }), ' ',
    h('span', { class: 'target', testid: 'destination-target', text: destinationTarget(e, types.get(type)) }));
}

export function destinationTarget(e, description) {
  const config = e.destination?.config ?? {};
  const fields = description?.fields ?? [];
  const value = (name) => {
    const v = config[name] ?? fields.find((f) => f.name === name)?.default;
    return v === null || v === undefined || typeof v === 'object' ? '' : String(v);
  };
  if (description?.summary) {
    return description.summary.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name) => value(name)).replace(/[/:.\s]+$/, '');
  }
  // No template: the required plain fields, in order.
  return fields.filter((f) => f.required && !f.secret && f.kind !== 'object').map((f) => value(f.name)).filter(Boolean).join(' · ');
}

// Asks, deletes, says so. Resolves true when deleted.
export async function deleteExportConfirmed(e) {
  const ok = await confirmDialog({
    title: 'Delete this export?',
    message: `“${e.name}” and its run history will be deleted; running runs stop. Files and rows already exported stay where they are.`,
    confirmLabel: 'Delete export',
    danger: true,
  });
  if (!ok) return false;
  try {
    await api.deleteExport(e.id);
    toast(`“${e.name}” deleted.`, 'ok');
    return true;
  } catch (err) {
    toast(api.plainMessage(err), 'error');
    return false;
  }
}

// The API has no per-export summary yet (README.md): the newest runs of each export, read
// a few exports at a time.
async function loadSummaries(exports, summaries, signal) {
  const queue = [...exports];
  const worker = async () => {
    for (let e = queue.shift(); e; e = queue.shift()) {
      try {
        const runs = await api.listRuns(e.id, { limit: SUMMARY_RUNS, signal });
        summaries.set(e.id, summarize(runs));
      } catch (err) {
        if (api.isAbort(err)) throw err;
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

function summarize(page, now = Date.now()) {
  const finishedAt = (r) => fmt.parseTime(r.finished_at) ?? 0;
  const at = (r) => fmt.parseTime(r.finished_at ?? r.started_at ?? r.created_at) ?? 0;
  // Newest first by creation; a backfill's runs are newer than the scheduled ones they interleave with.
  const lastRun = page.results.reduce((best, r) => (!best || at(r) > at(best) ? r : best), null);
  let records24h = 0;
  for (const r of page.results) if (r.status === 'Completed' && finishedAt(r) >= now - DAY_MS) records24h += r.records_completed;
  const oldest = page.results[page.results.length - 1];
  const partial = Boolean(page.next && oldest && at(oldest) >= now - DAY_MS);
  return { lastRun, records24h, partial };
}

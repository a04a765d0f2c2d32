// A run's log lines, oldest first, followed live while the run works.
import { h, fill, messageLine, route } from './dom.js';
import * as api from './api.js';
import * as fmt from './format.js';
import { stateBadge } from './status.js';
import { poll } from './poll.js';

const LEVELS = { info: 'INFO', warn: 'WARN', error: 'ERROR' };

// #/runs/<run id>/logs?export=<export id>. The API reaches a run only through its export; without
// the export in the link, each export is asked (as the CLI's `runs logs` does).
export function renderRunLogs(scope, runId, exportId) {
  document.title = 'Run logs · batch-export';
  const error = messageLine('view-error');
  const back = h('a', { href: '#/exports', text: '← Exports' });
  const title = h('h1', { text: 'Run logs' });
  const summary = h('div', { class: 'run-summary', testid: 'run-summary' });
  const lines = h('ol', { class: 'log', testid: 'log-lines' });
  const emptyState = h('p', { class: 'empty', testid: 'logs-empty', hidden: true, text: 'No log lines yet.' });
  const page = h('section', { class: 'page', testid: 'logs-page' },
    h('p', { class: 'crumbs' }, back), title, error.el, summary, emptyState, lines);

  // Pages already read; the last one is read again on each poll (it is where new lines land).
  const pages = [];
  let tz = 'UTC';
  const load = async (exp) => {
    const run = await api.getRun(exp.id, runId, { signal: scope.signal });
    renderSummary(summary, exp, run);
    if (!pages.length) pages.push({ cursor: null, lines: [] });
    for (let i = pages.length - 1; ; i += 1) {
      const page = await api.runLogs(exp.id, runId, { cursor: pages[i].cursor, signal: scope.signal });
      pages[i].lines = page.results;
      if (!page.next) break;
      pages[i + 1] ??= { cursor: page.next, lines: [] };
    }
    const all = pages.flatMap((p) => p.lines);
    emptyState.hidden = all.length > 0;
    fill(lines, all.map((l) => logLine(l, tz)));
  };

  findExport(scope, runId, exportId).then((exp) => {
    if (!scope.alive) return;
    if (!exp) {
      error.show(`No export has a run ${runId}: it may have been deleted.`);
      return;
    }
    tz = exp.timezone || 'UTC';
    back.href = route('exports', exp.id);
    back.textContent = `← ${exp.name}`;
    poll(scope, async () => {
      try {
        await load(exp);
        error.clear();
      } catch (e) {
        if (!api.isAbort(e)) error.show(api.plainMessage(e));
      }
    }, 3000);
  }).catch((e) => {
    if (!api.isAbort(e)) error.show(api.plainMessage(e));
  });
  return page;
}

async function findExport(scope, runId, exportId) {
  if (exportId) return api.getExport(exportId, { signal: scope.signal });
  for (let cursor = null; ;) {
    const page = await api.listExports({ cursor, limit: 1000, signal: scope.signal });
    for (const exp of page.results) {
      try {
        await api.getRun(exp.id, runId, { signal: scope.signal });
        return exp;
      } catch (e) {
        if (e.status !== 404) throw e;
      }
    }
    if (!page.next) return null;
    cursor = page.next;
  }
}

function renderSummary(el, exp, run) {
  const tz = exp.timezone || 'UTC';
  const interval = fmt.interval(fmt.parseTime(run.data_interval_start), fmt.parseTime(run.data_interval_end), tz);
  fill(el,
    h('p', {}, stateBadge(run.status), ' ', h('strong', { text: `${interval} ${tz}` }), ' · ',
      `${fmt.count(run.records_completed)} records, ${fmt.bytes(run.bytes_exported)}, attempt ${run.attempts}`),
    run.latest_error ? h('pre', { class: 'run-error', testid: 'run-error', text: run.latest_error }) : null);
}

function logLine(line, tz) {
  const at = fmt.parseTime(line.timestamp);
  const level = String(line.level).toLowerCase();
  return h('li', { class: `log-line level-${level}`, testid: 'log-line', dataset: { level } },
    h('time', { datetime: line.timestamp, title: `${fmt.dateTime(at, 'UTC', true)} UTC`, text: fmt.dateTime(at, tz, true) }),
    h('span', { class: 'level', text: LEVELS[level] ?? level.toUpperCase() }),
    h('span', { class: 'message', text: line.message }));
}

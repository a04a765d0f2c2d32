// An export's runs: filter by state, pages, retry, links to the logs.
import { h, fill, messageLine, confirmDialog, toast, route, actionButton } from './dom.js';
import * as api from './api.js';
import * as fmt from './format.js';
import { nextRunAt } from './schedule.js';
import { RUN_STATES, stateBadge, isFinished } from './status.js';
import { poll } from './poll.js';

const PAGE = 25;

// `getExport()` gives the export as last read (its zone, schedule and paused state).
export function runsSection(scope, getExport) {
  const error = messageLine('runs-error');
  const filter = h('select', { id: 'runs-filter', testid: 'runs-filter' },
    h('option', { value: '', text: 'All states' }),
    Object.entries(RUN_STATES).map(([state, s]) => h('option', { value: state, text: s.label })));
  const head = h('tr');
  const body = h('tbody');
  const table = h('table', { class: 'data runs', testid: 'runs-table', hidden: true }, h('thead', {}, head), body);
  const emptyState = h('p', { class: 'empty', testid: 'runs-empty', hidden: true });
  const newer = h('button', { type: 'button', class: 'btn', testid: 'runs-newer', hidden: true }, '← Newer');
  const older = h('button', { type: 'button', class: 'btn', testid: 'runs-older', hidden: true }, 'Older →');
  const el = h('section', { class: 'card', testid: 'runs-section', 'aria-labelledby': 'runs-title' },
    h('div', { class: 'section-head' }, h('h2', { id: 'runs-title', text: 'Runs' }),
      h('label', { class: 'inline', for: 'runs-filter' }, 'Show ', filter)),
    error.el, emptyState, h('div', { class: 'table-wrap' }, table), h('div', { class: 'pager' }, newer, older));

  let cursor = null;
  let links = { next: null, previous: null };
  const refresh = async () => {
    const exp = getExport();
    if (!exp) return;
    try {
      const page = await api.listRuns(exp.id, { status: filter.value, cursor, limit: PAGE, signal: scope.signal });
      links = page;
      error.clear();
      render(exp, page);
    } catch (e) {
      if (!api.isAbort(e)) error.show(api.plainMessage(e));
    }
  };
  const poller = poll(scope, refresh, 3000);

  const render = (exp, page) => {
    const tz = exp.timezone || 'UTC';
    fill(head, [`Interval (${tz})`, ...(tz === 'UTC' ? [] : ['Interval (UTC)']), 'State', 'Records', 'Bytes', 'Duration', 'Attempts', 'Error', '']
      .map((t) => h('th', { scope: 'col', text: t })));
    table.hidden = page.results.length === 0;
    fill(body, page.results.map((run) => runRow(exp, run, poller)));
    emptyState.hidden = page.results.length > 0;
    emptyState.textContent = page.results.length ? '' : emptyText(exp, filter.value, cursor);
    newer.hidden = !page.previous && cursor === null;
    older.hidden = !page.next;
  };

  filter.addEventListener('change', () => { cursor = null; poller.now(); });
  newer.addEventListener('click', () => { cursor = links.previous; poller.now(); });
  older.addEventListener('click', () => { cursor = links.next; poller.now(); });
  return { el, refresh: () => poller.now() };
}

function emptyText(exp, state, cursor) {
  if (state) return `No ${RUN_STATES[state]?.label.toLowerCase() ?? state} runs${cursor ? ' on this page' : ''}.`;
  if (exp.paused) return 'No runs yet — the export is paused; unpause it or run a backfill.';
  const next = nextRunAt(exp);
  if (next === null) return 'No runs yet, and none scheduled: the export is past its end_at. A backfill can still run past intervals.';
  return `No runs yet — the first runs at ${fmt.when(next, 'UTC')}${exp.timezone && exp.timezone !== 'UTC' ? ` (${fmt.when(next, exp.timezone)})` : ''}.`;
}

function runRow(exp, run, poller) {
  const tz = exp.timezone || 'UTC';
  const start = fmt.parseTime(run.data_interval_start);
  const end = fmt.parseTime(run.data_interval_end);
  const started = fmt.parseTime(run.started_at);
  const finished = fmt.parseTime(run.finished_at);
  const seconds = run.last_attempt_seconds > 0 ? run.last_attempt_seconds
    : started && !finished && !isFinished(run.status) ? (Date.now() - started) / 1000
      : started && finished ? (finished - started) / 1000 : null;
  const retryAt = fmt.parseTime(run.next_attempt_at);
  return h('tr', { testid: 'run-row', dataset: { runId: run.id, state: run.status }, class: `state-${run.status}` },
    h('td', { 'data-label': `Interval (${tz})`, testid: 'run-interval', class: 'nowrap' }, fmt.interval(start, end, tz),
      run.backfill_id ? h('span', { class: 'tag small', title: `backfill ${run.backfill_id}`, text: 'backfill' }) : null),
    tz === 'UTC' ? null : h('td', { 'data-label': 'Interval (UTC)', class: 'nowrap muted', text: fmt.interval(start, end, 'UTC') }),
    h('td', { 'data-label': 'State' }, stateBadge(run.status)),
    h('td', { 'data-label': 'Records', class: 'num', testid: 'run-records', text: fmt.count(run.records_completed) }),
    h('td', { 'data-label': 'Bytes', class: 'num', text: fmt.bytes(run.bytes_exported) }),
    h('td', { 'data-label': 'Duration', class: 'num', text: fmt.duration(seconds) }),
    h('td', { 'data-label': 'Attempts', class: 'num' }, String(run.attempts),
      run.status === 'FailedRetryable' && retryAt ? h('span', { class: 'muted block', text: `next ${fmt.relative(retryAt)}` }) : null),
    h('td', { 'data-label': 'Error', class: 'error-cell', testid: 'run-error' }, run.latest_error ? errorText(run.latest_error) : ''),
    h('td', {}, h('div', { class: 'row-actions' },
      isFinished(run.status) ? retryButton(exp, run, poller) : null,
      h('a', { class: 'btn small', testid: 'run-logs-link', href: `${route('runs', run.id, 'logs')}?export=${encodeURIComponent(exp.id)}` }, 'Logs'))));
}

// Long errors fold after their first line.
function errorText(text) {
  const first = text.split('\n')[0];
  if (first.length <= 160 && first === text) return h('span', { class: 'error-text', text });
  return h('details', { class: 'error-text' }, h('summary', { text: first.length > 160 ? `${first.slice(0, 157)}…` : first }), h('pre', { text }));
}

function retryButton(exp, run, poller) {
  const again = run.status === 'Completed';
  return actionButton(again ? 'Run again' : 'Retry', { class: 'btn small', testid: 'run-retry' }, async () => {
    if (again && !(await confirmDialog({
      title: 'Run this interval again?',
      message: 'Its files or rows are replaced by what the source holds now.',
      confirmLabel: 'Run again',
    }))) return;
    try {
      await api.retryRun(exp.id, run.id);
      toast('Run queued again.', 'ok');
    } catch (e) {
      toast(api.plainMessage(e), 'error');
    }
    await poller.now();
  });
}

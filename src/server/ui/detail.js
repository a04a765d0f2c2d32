// One export: what it is, its actions, its runs and backfills.
import { h, fill, messageLine, toast, route, actionButton } from './dom.js';
import * as api from './api.js';
import * as fmt from './format.js';
import { nextRunAt } from './schedule.js';
import { pausedBadge } from './status.js';
import { poll } from './poll.js';
import { checkControl } from './check.js';
import { destinationCell, deleteExportConfirmed } from './exports.js';
import { runsSection } from './runs.js';
import { backfillSection } from './backfill.js';

export function renderExportDetail(scope, id) {
  const error = messageLine('view-error');
  const title = h('h1', { testid: 'export-name', text: 'Export' });
  const facts = h('dl', { class: 'facts', testid: 'export-facts' });
  const actions = h('div', { class: 'actions', testid: 'export-actions' });
  const sections = h('div', { class: 'sections' });
  const page = h('section', { class: 'page', testid: 'export-page' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/exports', text: '← Exports' })),
    title, error.el, facts, actions, sections);

  let current = null;
  let types = new Map();
  let built = false;
  const refresh = async () => {
    try {
      current = await api.getExport(id, { signal: scope.signal });
      error.clear();
      render();
    } catch (e) {
      if (api.isAbort(e)) return;
      error.show(e.status === 404 ? 'This export does not exist (any more).' : api.plainMessage(e));
    }
  };
  const poller = poll(scope, refresh, 5000);
  api.destinationTypes().then((t) => { types = t; if (current) render(); }).catch(() => {});

  const render = () => {
    const e = current;
    title.textContent = e.name;
    document.title = `${e.name} · batch-export`;
    const next = nextRunAt(e);
    const tz = e.timezone || 'UTC';
    fill(facts,
      fact('Status', h('span', { testid: 'export-paused-state', dataset: { paused: String(e.paused) } }, pausedBadge(e.paused))),
      fact('Destination', destinationCell(e, types)),
      fact('Model', e.model),
      fact('Interval', `${e.interval}${e.interval === 'day' || e.interval === 'week' ? ` in ${tz}${e.interval_offset ? `, offset ${e.interval_offset} s` : ''}` : ''}`),
      fact('Next run', h('span', { testid: 'export-next-run' }, e.paused ? 'none while paused'
        : next === null ? 'none (past end_at)' : `${fmt.when(next, 'UTC')} (${fmt.relative(next)})`)),
      e.team_id !== undefined && e.team_id !== null ? fact('Team', String(e.team_id)) : null,
      fact('Created', `${fmt.dateTime(fmt.parseTime(e.created_at))} UTC`));
    if (!built) build(e);
    renderActions(e);
  };

  // The sections need the export's zone and interval: built on the first answer.
  const build = (e) => {
    built = true;
    const runs = runsSection(scope, () => current);
    const backfill = backfillSection(scope, e, () => current, () => runs.refresh());
    sections.append(runs.el, backfill.el);
  };

  const backfillPaused = h('input', { type: 'checkbox', id: 'unpause-backfill', testid: 'unpause-backfill' });
  const check = checkControl(id);
  const renderActions = (e) => {
    fill(actions,
      h('a', { class: 'btn', href: route('exports', e.id, 'edit'), testid: 'export-edit' }, 'Edit'),
      e.paused
        ? [actionButton('Unpause', { class: 'btn primary', testid: 'export-unpause' }, () => setPaused(e, false)),
          h('label', { class: 'inline', for: 'unpause-backfill' }, backfillPaused, ' and backfill the intervals missed while paused')]
        : actionButton('Pause', { class: 'btn', testid: 'export-pause' }, () => setPaused(e, true)),
      check,
      h('button', {
        type: 'button', class: 'btn danger', testid: 'export-delete',
        onclick: async () => {
          if (await deleteExportConfirmed(e)) location.hash = '#/exports';
        },
      }, 'Delete'));
  };

  const setPaused = async (e, paused) => {
    try {
      current = paused ? await api.pauseExport(e.id) : await api.unpauseExport(e.id, backfillPaused.checked);
      backfillPaused.checked = false;
      toast(paused ? 'Paused: no new runs until unpaused.' : 'Unpaused.', 'ok');
      render();
    } catch (err) {
      toast(api.plainMessage(err), 'error');
    }
    await poller.now();
  };
  return page;
}

function fact(term, value) {
  return [h('dt', { text: term }), h('dd', {}, value)];
}

// Backfills: a form that says how many runs it will create, their progress, cancel.
import { h, fill, messageLine, confirmDialog, toast, actionButton } from './dom.js';
import * as api from './api.js';
import * as fmt from './format.js';
import { backfillRange, backfillInputKind, scheduleOf, INTERVALS } from './schedule.js';
import { BACKFILL_STATES, stateBadge } from './status.js';
import { poll } from './poll.js';

// `getExport()` gives the export as last read; `onCreated()` refreshes the runs.
export function backfillSection(scope, exp, getExport, onCreated) {
  const kind = backfillInputKind(exp);
  const civil = scheduleOf(exp).civil;
  const zone = civil ? `days in ${exp.timezone || 'UTC'}` : 'UTC';
  const start = h('input', { type: kind, id: 'backfill-start', testid: 'backfill-start', required: true });
  const end = h('input', { type: kind, id: 'backfill-end', testid: 'backfill-end', required: true });
  const preview = messageLine('backfill-preview', 'info');
  const formError = messageLine('backfill-error');
  const submit = h('button', { type: 'submit', class: 'btn primary', testid: 'backfill-submit', disabled: true }, 'Start backfill');
  const form = h('form', { class: 'backfill-form', testid: 'backfill-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'backfill-start', text: `Start (${zone})` }), start),
    h('div', { class: 'field' }, h('label', { for: 'backfill-end', text: `End (${zone}, not included)` }), end),
    h('div', { class: 'field submit' }, submit),
    preview.el, formError.el);

  const update = () => {
    formError.clear();
    const range = backfillRange(getExport() ?? exp, start.value, end.value);
    submit.disabled = Boolean(range.error);
    if (range.error) {
      preview.show(start.value && end.value ? range.error : `Choose a range: one run per whole ${INTERVALS[exp.interval]?.label ?? exp.interval} interval in it.`, start.value && end.value ? 'warn' : 'info');
      return null;
    }
    preview.show(`Creates ${fmt.count(range.runs)} run${range.runs === 1 ? '' : 's'} (${INTERVALS[exp.interval]?.label ?? exp.interval} intervals), run one at a time.`, 'info');
    preview.el.dataset.runs = String(range.runs);
    return range;
  };
  start.addEventListener('input', update);
  end.addEventListener('input', update);
  update();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const range = update();
    if (!range) return;
    submit.disabled = true;
    try {
      const b = await api.createBackfill(exp.id, range.startText, range.endText);
      toast(`Backfill started: ${fmt.count(b.total_runs)} run${b.total_runs === 1 ? '' : 's'}.`, 'ok');
      start.value = end.value = '';
      update();
      await poller.now();
      onCreated();
    } catch (e) {
      formError.show(e.status === 400 && e.attr ? `${e.attr === 'start_at' ? 'Start' : e.attr === 'end_at' ? 'End' : e.attr}: ${e.fieldMessage}` : api.plainMessage(e));
      submit.disabled = false;
    }
  });

  const list = h('ul', { class: 'backfills', testid: 'backfills-list' });
  const emptyState = h('p', { class: 'empty', testid: 'backfills-empty', text: 'No backfills yet.', hidden: true });
  const error = messageLine('backfills-error');
  const el = h('section', { class: 'card', testid: 'backfill-section', 'aria-labelledby': 'backfill-title' },
    h('h2', { id: 'backfill-title', text: 'Backfill' }),
    h('p', { class: 'help', text: 'Export past intervals again, or for the first time. Their runs appear in the table with a "backfill" tag.' }),
    form, error.el, emptyState, list);

  const refresh = async () => {
    try {
      const page = await api.listBackfills(exp.id, { limit: 10, signal: scope.signal });
      error.clear();
      emptyState.hidden = page.results.length > 0;
      fill(list, page.results.map((b) => backfillItem(getExport() ?? exp, b, () => poller.now(), onCreated)));
    } catch (e) {
      if (!api.isAbort(e)) error.show(api.plainMessage(e));
    }
  };
  const poller = poll(scope, refresh, 3000);
  return { el };
}

function backfillItem(exp, b, refresh, onChange) {
  const tz = exp.timezone || 'UTC';
  const total = Number(b.total_runs) || 0;
  const done = Number(b.finished_runs) || 0;
  const percent = total ? Math.floor((done / total) * 100) : 0;
  return h('li', { class: 'backfill', testid: 'backfill-item', dataset: { backfillId: b.id, state: b.status } },
    h('div', { class: 'backfill-head' },
      stateBadge(b.status, BACKFILL_STATES, 'backfill-state'),
      h('span', { class: 'range', text: fmt.interval(fmt.parseTime(b.start_at), fmt.parseTime(b.end_at), tz) + (tz === 'UTC' ? ' UTC' : ` ${tz}`) }),
      b.status === 'Running' ? actionButton('Cancel', { class: 'btn small danger', testid: 'backfill-cancel' }, async () => {
        const ok = await confirmDialog({
          title: 'Cancel this backfill?',
          message: 'Its runs that have not finished are cancelled; the finished ones stay.',
          confirmLabel: 'Cancel backfill',
          danger: true,
        });
        if (!ok) return;
        try {
          await api.cancelBackfill(exp.id, b.id);
          toast('Backfill cancelled.', 'ok');
        } catch (e) {
          toast(api.plainMessage(e), 'error');
        }
        await refresh();
        onChange();
      }) : null),
    h('div', { class: 'progress-line' },
      h('progress', { max: String(Math.max(total, 1)), value: String(done), testid: 'backfill-progress', 'aria-label': `Backfill progress: ${done} of ${total} runs` }),
      h('span', { class: 'num', testid: 'backfill-progress-text', text: `${done}/${total}` }),
      h('span', { class: 'muted', text: `${percent}%` })));
}

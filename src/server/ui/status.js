// Run and backfill states: a colour class AND an icon AND a word, never colour alone.
import { h } from './dom.js';

// Keys are the API's names (src/core/records.cc).
export const RUN_STATES = {
  Starting: { icon: '◷', label: 'Starting', tone: 'wait' },
  Running: { icon: '▶', label: 'Running', tone: 'run' },
  Completed: { icon: '✓', label: 'Completed', tone: 'ok' },
  FailedRetryable: { icon: '↻', label: 'Failed, retrying', tone: 'warn' },
  Failed: { icon: '✕', label: 'Failed', tone: 'bad' },
  Cancelled: { icon: '⊘', label: 'Cancelled', tone: 'off' },
};

export const BACKFILL_STATES = {
  Running: RUN_STATES.Running,
  Completed: RUN_STATES.Completed,
  Failed: RUN_STATES.Failed,
  Cancelled: RUN_STATES.Cancelled,
};

export function stateBadge(state, table = RUN_STATES, testid = 'state-badge') {
  const s = table[state] ?? { icon: '?', label: state, tone: 'off' };
  return h('span', { class: `badge tone-${s.tone}`, testid, dataset: { state }, title: state },
    h('span', { class: 'icon', 'aria-hidden': 'true', text: s.icon }), ' ', s.label);
}

export function pausedBadge(paused) {
  return h('span', { class: `badge tone-${paused ? 'off' : 'ok'}`, testid: 'paused-badge', dataset: { paused: String(paused) } },
    h('span', { class: 'icon', 'aria-hidden': 'true', text: paused ? '⏸' : '▶' }), ' ', paused ? 'Paused' : 'Active');
}

// A run is over (retry possible) unless it is queued or running (src/state/sqlite RetryRun: 409 then).
export const isFinished = (state) => state !== 'Starting' && state !== 'Running';

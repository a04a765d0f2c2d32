// Live updates: a view's polls run while its tab is visible and stop when the view goes.

// One view's lifetime: its polls and in-flight requests end with it.
export class Scope {
  constructor() {
    this.controller = new AbortController();
    this.disposers = [];
  }
  get signal() {
    return this.controller.signal;
  }
  get alive() {
    return !this.controller.signal.aborted;
  }
  onDispose(fn) {
    this.disposers.push(fn);
  }
  dispose() {
    this.controller.abort();
    for (const fn of this.disposers.splice(0)) fn();
  }
}

// Runs `task` now and every `ms` milliseconds, never twice at once; not while the tab is hidden
// (it runs again as soon as the tab is shown). Returns {now()} to refresh at once after an action.
export function poll(scope, task, ms) {
  let timer = null;
  let running = null;
  let again = false;
  const tick = async () => {
    clearTimeout(timer);
    timer = null;
    if (!scope.alive || document.hidden) return;
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        await task();
      } catch (e) {
        if (e?.name !== 'AbortError') console.warn('poll', e);
      }
    })();
    await running;
    running = null;
    if (again) {
      again = false;
      return tick();
    }
    if (scope.alive && !document.hidden) timer = setTimeout(tick, ms);
  };
  const onVisibility = () => {
    if (!document.hidden && !timer && !running) tick();
  };
  document.addEventListener('visibilitychange', onVisibility);
  scope.onDispose(() => {
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisibility);
  });
  tick();
  return { now: tick };
}
